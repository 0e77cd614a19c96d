/* events.c: the workload's events: scheduled purges and pushes.
 *
 *   events:
 *     - {at: 2m, purge: all}
 *     - {at: 2m, purge: [17, 42], mode: soft, propagation: 150ms}
 *     - {at: 3m, purge: {tag: [news, sport]}}    # surrogate keys
 *     - {at: 3m, purge: {class: api}}
 *     - {at: 3m, purge: {prefix: /images/}}
 *     - {at: 3m, purge: all, order: [shield, edge], step: 2s}
 *     - {at: 3m, purge: [17], order: [edge-fra]}   # targeted
 *     - {at: 5m, push: 1000, to: [edge-fra, shield-ams]}
 *     - {at: 5m, push: [17, 42], to: [edge-fra]}
 *
 * Node names in `to` are checked by the model, which knows the topology;
 * their marks are kept for its messages. */
#include "config/config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const purge_keys[] = {
    "at", "purge", "mode", "propagation", "order", "step", NULL};
static const char *const push_keys[] = {"at", "push", "to", NULL};
static const char *const selector_keys[] = {"tag", "class", "prefix", NULL};

/* A list of object ids (purge: [..], push: [..]) into e->objects. */
static int
ev_ids(const struct cfg_map *m, const char *key, struct cfg_event *e,
       struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    e->objects = xcalloc(count, sizeof *e->objects);
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        const char *v = cfg_doc_scalar(m->d, item);
        if (v == NULL || parse_u64(v, &e->objects[k]) != 0)
            return cfg_map_bad(m, key, item, "object ids (whole numbers)", err);
        e->n_objects++;
    }
    return 0;
}

/* Is tag carried by some class of w? */
static int
some_class_has_tag(const struct cfg_workload *w, const char *tag)
{
    for (size_t k = 0; k < w->n_classes; k++)
        for (size_t t = 0; t < w->classes[k].n_tags; t++)
            if (strcmp(w->classes[k].tags[t], tag) == 0)
                return 1;
    return 0;
}

/*
 * purge: {tag: T | [T, ..]} or {class: C | [..]} or {prefix: P | [..]}.
 * Tags and classes of a synthetic workload are checked against its
 * classes, so a misspelt one is an error rather than a purge of nothing.
 */
static int
ev_selector(const struct cfg_map *ev, int id, const struct cfg_workload *w,
            struct cfg_event *e, struct sim_err *err)
{
    char field[CFG_FIELD_MAX];
    cfg_map_field(ev, "purge", field, sizeof field);
    struct cfg_map m;
    int rc = cfg_map_open(&m, ev->d, id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, selector_keys, NULL, err);
    if (rc != 0)
        return rc;
    int n_given = 0;
    for (int k = 0; selector_keys[k] != NULL; k++) {
        if (cfg_map_find(&m, selector_keys[k]) == 0)
            continue;
        if (++n_given > 1)
            return cfg_doc_err(ev->d, id, -SIM_EBADVAL, field, err,
                               "a purge selects by one of tag:, class: or "
                               "prefix:, not several");
        e->purge_by = k == 0   ? CFG_PURGE_TAG
                      : k == 1 ? CFG_PURGE_CLASS
                               : CFG_PURGE_PREFIX;
        rc = cfg_map_strings(&m, selector_keys[k],
                             k == 0   ? "a tag or a list of tags"
                             : k == 1 ? "a class name or a list of them"
                                      : "a key prefix or a list of them",
                             &e->names, &e->n_names, err);
        if (rc != 0)
            return rc;
    }
    if (n_given == 0)
        return cfg_doc_err(ev->d, id, -SIM_ENOKEY, field, err,
                           "a purge mapping needs one of tag:, class: or "
                           "prefix:");
    const char *key = selector_keys[e->purge_by == CFG_PURGE_TAG     ? 0
                                    : e->purge_by == CFG_PURGE_CLASS ? 1
                                                                     : 2];
    int key_id = cfg_map_find(&m, key);
    char key_field[CFG_FIELD_MAX];
    cfg_map_field(&m, key, key_field, sizeof key_field);
    const yaml_node_t *kn = cfg_doc_node(m.d, key_id);
    if (e->purge_by == CFG_PURGE_CLASS && w->trace.is_set)
        return cfg_map_forbid(&m, "class",
                              "does not go with trace: a "
                              "trace's objects have no classes (purge by "
                              "tag or prefix)",
                              err);
    if (e->purge_by == CFG_PURGE_CLASS)
        e->class_idx = xcalloc(e->n_names, sizeof *e->class_idx);
    for (size_t j = 0; j < e->n_names; j++) {
        /* Errors point at the name itself, in a list or alone. */
        int at = kn->type == YAML_SEQUENCE_NODE
                     ? kn->data.sequence.items.start[j]
                     : key_id;
        if (e->purge_by == CFG_PURGE_TAG && !w->trace.is_set &&
            !some_class_has_tag(w, e->names[j]))
            return cfg_doc_err(ev->d, at, -SIM_EBADVAL, key_field, err,
                               "no class carries tag \"%s\" (give classes "
                               "their tags with catalog.classes[].tags)",
                               e->names[j]);
        if (e->purge_by != CFG_PURGE_CLASS)
            continue;
        size_t k = 0;
        while (k < w->n_classes && strcmp(w->classes[k].name, e->names[j]) != 0)
            k++;
        if (k == w->n_classes) {
            char known[256];
            size_t n = 0;
            known[0] = '\0';
            for (size_t c = 0; c < w->n_classes && n < sizeof known; c++)
                n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
                                      c ? ", " : "", w->classes[c].name);
            return cfg_doc_err(ev->d, at, -SIM_EBADVAL, key_field, err,
                               "no class \"%s\" in the catalog (its "
                               "classes: %s)",
                               e->names[j], known);
        }
        e->class_idx[j] = k;
    }
    return 0;
}

/* "at": a time from the start, 0s allowed. */
static int
ev_at(const struct cfg_map *m, struct cfg_event *e, struct sim_err *err)
{
    int id = cfg_map_find(m, "at");
    if (id == 0)
        return cfg_map_missing(m, "at", err);
    const char *text = cfg_doc_scalar(m->d, id);
    if (text == NULL || parse_duration(text, &e->at) != 0 ||
        e->at > CFG_TIME_MAX_NS)
        return cfg_map_bad(m, "at", id,
                           "a time from the start such as "
                           "\"10m\", up to " CFG_TIME_MAX_TEXT,
                           err);
    return 0;
}

/*
 * order: [tier or node, ..] and step: a staged (cascading) or targeted
 * purge. The names are kept with their marks; the model, which knows the
 * topology, resolves them (purge_order.c).
 */
static int
ev_order(const struct cfg_map *m, struct cfg_event *e, struct sim_err *err)
{
    int seq = 0;
    int rc = cfg_map_child(m, "order", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0)
        return rc;
    int step_id = cfg_map_find(m, "step");
    if (seq == 0 && step_id != 0)
        return cfg_map_forbid(m, "step",
                              "needs order: (the tiers or "
                              "nodes the purge reaches one after another)",
                              err);
    if (seq == 0)
        return 0;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count == 0)
        return cfg_map_bad(m, "order", seq,
                           "a list of tiers (edge, "
                           "shield) or caching node names",
                           err);
    e->order = xcalloc(count, sizeof *e->order);
    e->order_marks = xcalloc(count, sizeof *e->order_marks);
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        const char *name = cfg_doc_scalar(m->d, item);
        if (name == NULL || name[0] == '\0')
            return cfg_map_bad(m, "order", item, "tier or node names", err);
        e->order[k] = xstrdup(name);
        e->order_marks[k] = cfg_doc_mark(m->d, item);
        e->n_order++;
    }
    if (step_id != 0) {
        const char *p = cfg_doc_scalar(m->d, step_id);
        if (p == NULL || parse_duration(p, &e->step_ns) != 0 ||
            e->step_ns > CFG_TIME_MAX_NS)
            return cfg_map_bad(
                m, "step", step_id,
                "a duration such as \"2s\", up to " CFG_TIME_MAX_TEXT, err);
    }
    return 0;
}

static int
ev_purge(const struct cfg_map *m, const struct cfg_workload *w,
         struct cfg_event *e, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, purge_keys, NULL, err);
    if (rc != 0)
        return rc;
    e->kind = CFG_EVENT_PURGE;
    int id = cfg_map_find(m, "purge");
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    const char *text = cfg_doc_scalar(m->d, id);
    if (text != NULL && strcmp(text, "all") == 0) {
        e->purge_by = CFG_PURGE_ALL;
    } else if (n->type == YAML_SEQUENCE_NODE &&
               n->data.sequence.items.top > n->data.sequence.items.start) {
        e->purge_by = CFG_PURGE_OBJECTS;
        rc = ev_ids(m, "purge", e, err);
    } else if (n->type == YAML_MAPPING_NODE) {
        rc = ev_selector(m, id, w, e, err);
    } else {
        return cfg_map_bad(m, "purge", id,
                           "\"all\", a list of object ids, or {tag: ..}, "
                           "{class: ..} or {prefix: ..}",
                           err);
    }
    if (rc != 0)
        return rc;
    int mode_id = cfg_map_find(m, "mode");
    if (mode_id != 0) {
        const char *mode = cfg_doc_scalar(m->d, mode_id);
        if (mode != NULL && strcmp(mode, "soft") == 0)
            e->is_soft = 1;
        else if (mode == NULL || strcmp(mode, "hard") != 0)
            return cfg_map_bad(m, "mode", mode_id, "hard or soft", err);
    }
    rc = ev_order(m, e, err);
    if (rc != 0)
        return rc;
    int prop_id = cfg_map_find(m, "propagation");
    if (prop_id != 0) {
        const char *p = cfg_doc_scalar(m->d, prop_id);
        if (p == NULL || parse_duration(p, &e->propagation_ns) != 0 ||
            e->propagation_ns > CFG_TIME_MAX_NS)
            return cfg_map_bad(
                m, "propagation", prop_id,
                "a duration such as \"150ms\", up to " CFG_TIME_MAX_TEXT, err);
    }
    return 0;
}

static int
ev_push(const struct cfg_map *m, const struct cfg_workload *w,
        struct cfg_event *e, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, push_keys, (const char *const[]){"to", NULL},
                                err);
    const yaml_node_t *list = cfg_doc_node(m->d, cfg_map_find(m, "push"));
    int is_list =
        list->type == YAML_SEQUENCE_NODE &&
        list->data.sequence.items.top > list->data.sequence.items.start;
    if (rc == 0 && is_list)
        rc = ev_ids(m, "push", e, err); /* named objects */
    else if (rc == 0)
        rc = cfg_map_count(m, "push", 1, 0, 1, &e->top, err);
    for (size_t k = 0; rc == 0 && k < e->n_objects; k++) {
        if (e->objects[k] < w->n_objects)
            continue;
        char what[96];
        snprintf(what, sizeof what, "object ids of the catalog (0 to %llu)",
                 (unsigned long long)w->n_objects - 1);
        rc = cfg_map_bad(m, "push", list->data.sequence.items.start[k], what,
                         err);
    }
    int seq = 0;
    if (rc == 0)
        rc = cfg_map_child(m, "to", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    e->kind = CFG_EVENT_PUSH;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
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
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
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
            rc = cfg_map_forbid(&m, "push",
                                "does not go with trace: a "
                                "trace has no popularity ranking to push "
                                "from",
                                err);
        if (rc == 0)
            rc = has_purge ? ev_purge(&m, w, e, err) : ev_push(&m, w, e, err);
    }
    return rc;
}

void
cfg_events_free(struct cfg_workload *w)
{
    for (size_t k = 0; k < w->n_events; k++) {
        struct cfg_event *e = &w->events[k];
        free(e->objects);
        cfg_strings_free(e->names, e->n_names);
        free(e->class_idx);
        for (size_t j = 0; j < e->n_to; j++)
            free(e->to[j]);
        free(e->to);
        free(e->to_marks);
        cfg_strings_free(e->order, e->n_order);
        free(e->order_marks);
        free(e->field);
    }
    free(w->events);
}
