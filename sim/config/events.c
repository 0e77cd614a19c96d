/* events.c: the workload's events: scheduled purges and pushes.
 *
 *   events:
 *     - {at: 2m, purge: all}
 *     - {at: 2m, purge: [17, 42], mode: soft, propagation: 150ms}
 *     - {at: 5m, push: 1000, to: [edge-fra, shield-ams]}
 *
 * Node names in `to` are checked by the model, which knows the topology;
 * their marks are kept for its messages. */
#include "config/config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const purge_keys[] = {"at", "purge", "mode",
                                         "propagation", NULL};
static const char *const push_keys[] = {"at", "push", "to", NULL};

/* "at": a time from the start, 0s allowed. */
static int
ev_at(const struct cfg_map *m, struct cfg_event *e, struct sim_err *err)
{
    int id = cfg_map_find(m, "at");
    if (id == 0)
        return cfg_map_missing(m, "at", err);
    const char *text = cfg_doc_scalar(m->d, id);
    if (text == NULL || parse_duration(text, &e->at) != 0)
        return cfg_map_bad(m, "at", id, "a time from the start such as "
                           "\"10m\"", err);
    return 0;
}

static int
ev_purge(const struct cfg_map *m, struct cfg_event *e, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, purge_keys, NULL, err);
    if (rc != 0)
        return rc;
    e->kind = CFG_EVENT_PURGE;
    int id = cfg_map_find(m, "purge");
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    const char *text = cfg_doc_scalar(m->d, id);
    if (text != NULL && strcmp(text, "all") == 0) {
        e->is_all = 1;
    } else if (n->type == YAML_SEQUENCE_NODE &&
               n->data.sequence.items.top > n->data.sequence.items.start) {
        size_t count = (size_t)(n->data.sequence.items.top -
                                n->data.sequence.items.start);
        e->objects = xcalloc(count, sizeof *e->objects);
        for (size_t k = 0; k < count; k++) {
            int item = n->data.sequence.items.start[k];
            const char *v = cfg_doc_scalar(m->d, item);
            if (v == NULL || parse_u64(v, &e->objects[k]) != 0)
                return cfg_map_bad(m, "purge", item,
                                   "object ids (whole numbers)", err);
            e->n_objects++;
        }
    } else {
        return cfg_map_bad(m, "purge", id,
                           "\"all\" or a list of object ids", err);
    }
    int mode_id = cfg_map_find(m, "mode");
    if (mode_id != 0) {
        const char *mode = cfg_doc_scalar(m->d, mode_id);
        if (mode != NULL && strcmp(mode, "soft") == 0)
            e->is_soft = 1;
        else if (mode == NULL || strcmp(mode, "hard") != 0)
            return cfg_map_bad(m, "mode", mode_id, "hard or soft", err);
    }
    int prop_id = cfg_map_find(m, "propagation");
    if (prop_id != 0) {
        const char *p = cfg_doc_scalar(m->d, prop_id);
        if (p == NULL || parse_duration(p, &e->propagation_ns) != 0)
            return cfg_map_bad(m, "propagation", prop_id,
                               "a duration such as \"150ms\"", err);
    }
    return 0;
}

static int
ev_push(const struct cfg_map *m, struct cfg_event *e, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, push_keys, (const char *const[]){
                                    "to", NULL}, err);
    if (rc == 0)
        rc = cfg_map_count(m, "push", 1, 0, 1, &e->top, err);
    int seq = 0;
    if (rc == 0)
        rc = cfg_map_child(m, "to", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    e->kind = CFG_EVENT_PUSH;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count = (size_t)(n->data.sequence.items.top -
                            n->data.sequence.items.start);
    e->to = xcalloc(count, sizeof *e->to);
    e->to_marks = xcalloc(count, sizeof *e->to_marks);
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        const char *name = cfg_doc_scalar(m->d, item);
        if (name == NULL)
            return cfg_map_bad(m, "to", item, "node names", err);
        e->to[k] = xstrdup(name);
        e->to_marks[k] = cfg_doc_mark(m->d, item);
        e->n_to++;
    }
    return 0;
}

int
cfg_events_build(const struct cfg_doc *d, const struct cfg_map *root,
                 struct cfg_workload *w, struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(root, "events", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(d, seq);
    size_t count = (size_t)(n->data.sequence.items.top -
                            n->data.sequence.items.start);
    w->events = xcalloc(count ? count : 1, sizeof *w->events);
    for (size_t k = 0; k < count && rc == 0; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "events[%zu]", k);
        struct cfg_map m;
        rc = cfg_map_open(&m, d, n->data.sequence.items.start[k], field, err);
        if (rc != 0)
            break;
        struct cfg_event *e = &w->events[w->n_events++];
        e->field = xstrdup(field);
        int has_purge = cfg_map_find(&m, "purge") != 0;
        int has_push = cfg_map_find(&m, "push") != 0;
        if (has_purge == has_push) {
            rc = cfg_doc_err(d, m.id, -SIM_EBADVAL, field, err,
                             "an event is either a purge or a push: give "
                             "exactly one of purge: or push:");
            break;
        }
        rc = ev_at(&m, e, err);
        if (rc == 0 && has_push && w->trace.is_set)
            rc = cfg_map_forbid(&m, "push", "does not go with trace: a "
                                "trace has no popularity ranking to push "
                                "from", err);
        if (rc == 0)
            rc = has_purge ? ev_purge(&m, e, err) : ev_push(&m, e, err);
    }
    return rc;
}

void
cfg_events_free(struct cfg_workload *w)
{
    for (size_t k = 0; k < w->n_events; k++) {
        struct cfg_event *e = &w->events[k];
        free(e->objects);
        for (size_t j = 0; j < e->n_to; j++)
            free(e->to[j]);
        free(e->to);
        free(e->to_marks);
        free(e->field);
    }
    free(w->events);
}
