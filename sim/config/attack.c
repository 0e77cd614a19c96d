/* attack.c: arrival.attacks, traffic that no cache can absorb:
 *
 *   arrival:
 *     rate: 1000
 *     attacks:
 *       - {at: 10s, duration: 20s, rate: 2000, class: pages}
 *
 * Each request of an attack asks for a URL made unique by a random
 * query string (cache busting), so that every request is a miss all the
 * way to the origin unless something stops it (rate_limit). class (the
 * first class by default) gives the responses' sizes and TTL.
 */
#include "config/config_int.h"

#include <stdio.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const attack_keys[] = {"at",    "duration", "rate",
                                          "class", "region",   NULL};
static const char *const attack_required[] = {"at", "duration", "rate", NULL};

static int
attack_build(const struct cfg_map *m, struct cfg_workload *w,
             struct cfg_attack *a, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, attack_keys, attack_required, err);
    if (rc != 0)
        return rc;
    int at_id = cfg_map_find(m, "at");
    const char *at = cfg_doc_scalar(m->d, at_id);
    if (at == NULL || parse_duration(at, &a->at) != 0 ||
        a->at > CFG_TIME_MAX_NS)
        return cfg_map_bad(
            m, "at", at_id,
            "a time from the start such as \"10m\", up to " CFG_TIME_MAX_TEXT,
            err);
    rc = cfg_map_duration(m, "duration", 1, 0, &a->duration_ns, err);
    if (rc == 0 && a->duration_ns > CFG_TIME_MAX_NS)
        rc = cfg_map_bad(m, "duration", cfg_map_find(m, "duration"),
                         "a duration up to " CFG_TIME_MAX_TEXT, err);
    if (rc == 0)
        rc = cfg_map_number(m, "rate", 1, 0, 0, 1, CFG_RATE_MAX, &a->rate, err);
    if (rc == 0)
        rc = cfg_class_ref(m, "class", w, &a->class_idx, err);
    if (rc == 0)
        rc = cfg_map_name(m, "region", 0, &a->region, err);
    if (rc == 0 && a->region != NULL) {
        a->mark = cfg_doc_mark(m->d, cfg_map_find(m, "region"));
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, "region", field, sizeof field);
        a->field = xstrdup(field);
    } else if (rc == 0) { /* the attack itself, for errors found later */
        a->mark = cfg_doc_mark(m->d, m->id);
        a->field = xstrdup(m->field);
    }
    return rc;
}

void
cfg_attacks_free(struct cfg_workload *w)
{
    for (size_t k = 0; k < w->n_attacks; k++) {
        free(w->attacks[k].region);
        free(w->attacks[k].field);
    }
    free(w->attacks);
}

int
cfg_attacks_build(const struct cfg_map *m, struct cfg_workload *w,
                  struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(m, "attacks", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count > CFG_ATTACKS_MAX)
        return cfg_map_bad(m, "attacks", seq, "at most 64 attacks", err);
    w->attacks = xcalloc(count ? count : 1, sizeof *w->attacks);
    for (size_t k = 0; k < count; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "arrival.attacks[%zu]", k);
        struct cfg_map am;
        rc = cfg_map_open(&am, m->d, n->data.sequence.items.start[k], field,
                          err);
        if (rc != 0)
            return rc;
        rc = attack_build(&am, w, &w->attacks[w->n_attacks++], err);
        if (rc != 0)
            return rc;
    }
    return 0;
}
