/* topo_outages.c: the topology's outages ({fail, at, for}: a node down
 * for a while, or for good) and failure_detection; a node's outages must
 * not overlap. */
#include "config/topology_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const outage_keys[] = {"fail", "at", "for", NULL};
static const char *const outage_required[] = {"fail", "at", NULL};

/* An outage and its place in the file, for the overlap check. */
struct outage_ref {
    struct cfg_outage o;
    size_t idx;
};

/* By node, then start, then file order. */
static int
outage_ref_cmp(const void *a, const void *b)
{
    const struct outage_ref *x = a, *y = b;
    if (x->o.node != y->o.node)
        return x->o.node < y->o.node ? -1 : 1;
    if (x->o.at != y->o.at)
        return x->o.at < y->o.at ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int
outage_cmp(const void *a, const void *b)
{
    const struct cfg_outage *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* One item of outages, kept as t->outages[t->n_outages]. */
static int
tb_outage(struct topo_build *b, int item, size_t k, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    char field[CFG_FIELD_MAX];
    snprintf(field, sizeof field, "outages[%zu]", k);
    struct cfg_map m;
    int rc = cfg_map_open(&m, b->d, item, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, outage_keys, outage_required, err);
    if (rc != 0)
        return rc;
    struct cfg_outage *o = &t->outages[t->n_outages];
    const char *name = cfg_doc_scalar(b->d, cfg_map_find(&m, "fail"));
    size_t idx;
    if (name == NULL || topo_lookup(b, name, &idx) != 2) {
        char names[NAMES_MAX];
        topo_node_names(t, names, sizeof names);
        char what[NAMES_MAX + 32];
        snprintf(what, sizeof what, "a node name (known nodes: %s)", names);
        return cfg_map_bad(&m, "fail", cfg_map_find(&m, "fail"), what, err);
    }
    o->node = (int)idx;
    /* "at: 0s" is a valid start: parse it here, since durations in the
     * config are otherwise > 0. */
    const char *at = cfg_doc_scalar(b->d, cfg_map_find(&m, "at"));
    if (at == NULL || parse_duration(at, &o->at) != 0 ||
        o->at > CFG_TIME_MAX_NS)
        return cfg_map_bad(&m, "at", cfg_map_find(&m, "at"),
                           "a time from the start such as \"10m\", up "
                           "to " CFG_TIME_MAX_TEXT,
                           err);
    o->duration = CFG_FOREVER;
    rc = cfg_map_duration(&m, "for", 0, CFG_FOREVER, &o->duration, err);
    if (rc != 0)
        return rc;
    t->n_outages++;
    return 0;
}

/* A node's outages, in time order, must not overlap: sorted by node and
 * time (file order on ties), any overlap shows between neighbours. The
 * one reported is the first in file order that overlaps an outage
 * starting no later. item_ids[k] is the mapping of outages[k]. */
static int
tb_outage_overlaps(const struct topo_build *b, const yaml_node_item_t *item_ids,
                   struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    struct outage_ref *order =
        xmalloc((t->n_outages ? t->n_outages : 1) * sizeof *order);
    for (size_t k = 0; k < t->n_outages; k++)
        order[k] = (struct outage_ref){.o = t->outages[k], .idx = k};
    qsort(order, t->n_outages, sizeof *order, outage_ref_cmp);
    size_t bad = SIZE_MAX, bad_prev = 0;
    for (size_t k = 1; k < t->n_outages; k++) {
        const struct cfg_outage *x = &order[k - 1].o, *y = &order[k].o;
        if (x->node == y->node &&
            (x->duration == CFG_FOREVER || x->duration > y->at - x->at) &&
            order[k].idx < bad) {
            bad = order[k].idx;
            bad_prev = order[k - 1].idx;
        }
    }
    free(order);
    if (bad == SIZE_MAX)
        return 0;
    char field[CFG_FIELD_MAX];
    snprintf(field, sizeof field, "outages[%zu].at", bad);
    return cfg_doc_err(b->d, cfg_doc_lookup(b->d, item_ids[bad], "at", NULL),
                       -SIM_EBADVAL, field, err,
                       "overlaps outages[%zu] of the same node", bad_prev);
}

/* outages: [{fail: NODE, at: DURATION, for: DURATION}], and how long
 * routing takes to notice (failure_detection). */
int
topo_read_outages(struct topo_build *b, const struct cfg_map *root,
                  struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    int rc = cfg_map_duration(root, "failure_detection", 0, 0, &t->detection_ns,
                              err);
    struct cfg_items seq = {0};
    if (rc == 0)
        rc = cfg_map_items(root, "outages", 0, &seq, err);
    if (rc != 0 || seq.id == 0)
        return rc;
    t->outages = xcalloc(seq.count ? seq.count : 1, sizeof *t->outages);
    for (size_t k = 0; k < seq.count && rc == 0; k++)
        rc = tb_outage(b, seq.item[k], k, err);
    if (rc == 0)
        rc = tb_outage_overlaps(b, seq.item, err);
    if (rc == 0)
        qsort(t->outages, t->n_outages, sizeof *t->outages, outage_cmp);
    return rc;
}
