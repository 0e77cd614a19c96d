/* steering.c: the topology's brownouts and DNS TTLs:
 *
 *   dns_ttl: 30s              # every region's, unless it has its own
 *   regions:
 *     - {name: eu, weight: 1, dns_ttl: 5m}
 *   brownouts:
 *     - {node: edge-eu, at: 60s, for: 30s,
 *        error_share: 0.2,    # a share of its requests get a 500
 *        add_latency: 50ms}   # the others wait this long first
 *
 *     - {name: us, weight: 1, anycast: true, routing: weighted,
 *        edges: {edge-iad: 3, edge-ord: 1}}   # catchments
 *
 * A brownout is an outage's milder cousin: the node stays up (routing
 * never avoids it) but answers worse for a while. A dns_ttl is how long a
 * region's clients keep going to an edge after routing has noticed its
 * failure (or its recovery): the time the old DNS answer stays cached.
 * An anycast region's edges share one address: BGP, not DNS, picks the
 * edge (its catchment), and a failed edge's route is withdrawn at once.
 */
#include "config/config_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const brownout_keys[] = {"node",        "at",          "for",
                                            "error_share", "add_latency", NULL};
static const char *const brownout_required[] = {"node", "at", "for", NULL};

/* A duration >= 0 ("0s" allowed), or dflt when key is absent. */
static int
duration_or_zero(const struct cfg_map *m, const char *key, int64_t dflt,
                 int64_t *out, struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    if (id == 0) {
        *out = dflt;
        return 0;
    }
    const char *text = cfg_doc_scalar(m->d, id);
    if (text == NULL || parse_duration(text, out) != 0 || *out < 0 ||
        *out > CFG_TIME_MAX_NS)
        return cfg_map_bad(m, key, id,
                           "a duration such as \"0s\" or \"30s\" (a unit is "
                           "needed) up to " CFG_TIME_MAX_TEXT,
                           err);
    return 0;
}

/* Orders brownouts by node, then start, then file order (kept in idx). */
struct brownout_ref {
    struct cfg_brownout b;
    size_t idx;
    int item; /* its mapping, for an overlap's location */
};

static int
brownout_ref_cmp(const void *a, const void *b)
{
    const struct brownout_ref *x = a, *y = b;
    if (x->b.node != y->b.node)
        return x->b.node < y->b.node ? -1 : 1;
    if (x->b.at != y->b.at)
        return x->b.at < y->b.at ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* One brownouts[k] entry. */
static int
brownout_parse(const struct cfg_map *m, const struct cfg_topology *t,
               struct cfg_brownout *o, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, brownout_keys, brownout_required, err);
    if (rc != 0)
        return rc;
    int name_id = cfg_map_find(m, "node");
    const char *name = cfg_doc_scalar(m->d, name_id);
    o->node = name != NULL ? cfg_node_index(t, name) : -1;
    if (o->node < 0)
        return cfg_map_bad(m, "node", name_id, "the name of a node", err);
    rc = duration_or_zero(m, "at", 0, &o->at, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "for", 1, 0, &o->duration, err);
    if (rc == 0)
        rc = cfg_map_number(m, "error_share", 0, 0, 0, 0, 1, &o->error_share,
                            err);
    if (rc == 0)
        rc = duration_or_zero(m, "add_latency", 0, &o->add_ns, err);
    return rc;
}

/* A node's brownouts must not overlap: sorted, any overlap shows between
 * neighbours; the one reported is the later in file order. */
static int
brownouts_check_overlap(const struct cfg_map *root, struct brownout_ref *refs,
                        size_t n, struct sim_err *err)
{
    qsort(refs, n, sizeof *refs, brownout_ref_cmp);
    for (size_t k = 1; k < n; k++) {
        const struct cfg_brownout *x = &refs[k - 1].b, *y = &refs[k].b;
        if (x->node != y->node || x->duration <= y->at - x->at)
            continue;
        const struct brownout_ref *late =
            refs[k].idx > refs[k - 1].idx ? &refs[k] : &refs[k - 1];
        const struct brownout_ref *early =
            late == &refs[k] ? &refs[k - 1] : &refs[k];
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "brownouts[%zu].at", late->idx);
        return cfg_doc_err(
            root->d, cfg_doc_lookup(root->d, late->item, "at", NULL),
            -SIM_EBADVAL, field, err,
            "overlaps brownouts[%zu] of the same node", early->idx);
    }
    return 0;
}

/* brownouts: a sequence of {node, at, for, error_share, add_latency}. */
static int
brownouts_build(const struct cfg_map *root, struct cfg_topology *t,
                struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(root, "brownouts", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(root->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count == 0)
        return 0;
    struct brownout_ref *refs = xcalloc(count, sizeof *refs);
    for (size_t k = 0; k < count && rc == 0; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "brownouts[%zu]", k);
        struct cfg_map m;
        refs[k].idx = k;
        refs[k].item = n->data.sequence.items.start[k];
        rc = cfg_map_open(&m, root->d, refs[k].item, field, err);
        if (rc == 0)
            rc = brownout_parse(&m, t, &refs[k].b, err);
    }
    if (rc == 0)
        rc = brownouts_check_overlap(root, refs, count, err);
    if (rc == 0) {
        t->brownouts = xcalloc(count, sizeof *t->brownouts);
        for (size_t k = 0; k < count; k++)
            t->brownouts[k] = refs[k].b; /* sorted by node, then time */
        t->n_brownouts = count;
    }
    free(refs);
    return rc;
}

/* Region g's anycast: a boolean; an anycast region routes nearest or
 * weighted (the shares are its catchments) and has no dns_ttl of its own
 * (the topology's does not apply to it). */
static int
anycast_build(const struct cfg_map *m, struct cfg_region *g,
              struct sim_err *err)
{
    int rc = cfg_map_bool(m, "anycast", 0, &g->is_anycast, err);
    if (rc != 0 || !g->is_anycast)
        return rc;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, "anycast", field, sizeof field);
    if (g->routing != CFG_ROUTE_NEAREST && g->routing != CFG_ROUTE_WEIGHTED)
        return cfg_doc_err(m->d, cfg_map_key_id(m, "anycast"), -SIM_EBADVAL,
                           field, err,
                           "anycast needs routing nearest or weighted (the "
                           "shares in edges: are its catchments), not %s",
                           cfg_routing_name(g->routing));
    if (cfg_map_find(m, "dns_ttl") != 0 && g->dns_ttl_ns > 0)
        return cfg_doc_err(m->d, cfg_map_key_id(m, "dns_ttl"), -SIM_EBADVAL,
                           field, err,
                           "an anycast region has no dns_ttl: its clients "
                           "move when a route is withdrawn");
    g->dns_ttl_ns = 0;
    return 0;
}

/* dns_ttl: the topology's, then each region's own (regions[r] is the
 * sequence's r-th item, as tb_regions built them), and anycast. */
static int
dns_ttl_build(const struct cfg_map *root, struct cfg_topology *t,
              struct sim_err *err)
{
    int64_t all;
    int rc = duration_or_zero(root, "dns_ttl", 0, &all, err);
    int seq = 0;
    if (rc == 0)
        rc = cfg_map_child(root, "regions", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(root->d, seq);
    for (size_t r = 0; r < t->n_regions && rc == 0; r++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "regions[%zu]", r);
        struct cfg_map m;
        rc = cfg_map_open(&m, root->d, n->data.sequence.items.start[r], field,
                          err);
        if (rc == 0)
            rc = duration_or_zero(&m, "dns_ttl", all, &t->regions[r].dns_ttl_ns,
                                  err);
        if (rc == 0)
            rc = anycast_build(&m, &t->regions[r], err);
        if (rc == 0 && t->regions[r].dns_ttl_ns > 0)
            t->has_dns_ttl = 1;
        if (rc == 0 && t->regions[r].is_anycast)
            t->has_anycast = 1;
    }
    return rc;
}

int
cfg_steering_build(const struct cfg_map *root, struct cfg_topology *t,
                   struct sim_err *err)
{
    int rc = brownouts_build(root, t, err);
    if (rc == 0)
        rc = dns_ttl_build(root, t, err);
    return rc;
}

void
cfg_steering_free(struct cfg_topology *t)
{
    free(t->brownouts);
    t->brownouts = NULL;
    t->n_brownouts = 0;
}
