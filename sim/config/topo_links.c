/* topo_links.c: the topology's per-link tables (latency_ms,
 * bandwidth_mbps, link_capacity_mbps), read into one entry per link, then
 * handed to the nodes (their parent's link) and to the regions (their
 * links to edges, and the nearest edge). */
#include "config/topology_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

/* The key of the link between region r and a node, or between two nodes
 * (either way round). */
uint64_t
topo_link_key(int is_region, size_t a, size_t b)
{
    if (!is_region && a > b) {
        size_t x = a;
        a = b;
        b = x;
    }
    return (is_region ? 1ULL << 63 : 0) | (uint64_t)a << 32 | (uint64_t)b;
}

/* The entry of a link, created with absent values if new. */
static struct link_entry *
tb_link_entry(struct topo_build *b, uint64_t key)
{
    uint32_t k = idmap_get(&b->link_index, key);
    if (k != IDMAP_EMPTY)
        return &b->links[k];
    b->links =
        xgrow(b->links, &b->cap_links, b->n_links + 1, sizeof *b->links, 64);
    struct link_entry *e = &b->links[b->n_links];
    e->key = key;
    e->value[LINK_RTT] = e->value[LINK_BPS] = e->value[LINK_CAP] = -1;
    e->rtt_model = 0;
    idmap_put(&b->link_index, key, (uint32_t)b->n_links++);
    return e;
}

/* The value of one link, or -1 when the tables do not give it. */
int64_t
topo_link_value(const struct topo_build *b, uint64_t key, int what)
{
    uint32_t k = idmap_get(&b->link_index, key);
    return k == IDMAP_EMPTY ? -1 : b->links[k].value[what];
}

/* The round-trip model of one link (1 + index), or 0. */
uint32_t
topo_link_model(const struct topo_build *b, uint64_t key)
{
    uint32_t k = idmap_get(&b->link_index, key);
    return k == IDMAP_EMPTY ? 0 : b->links[k].rtt_model;
}

/*
 * A per-link table of the topology file: latency_ms and bandwidth_mbps
 * have the same shape (NAME -> {NAME: number}, symmetric, a region only
 * ever linked to edges) and are read by the same code into the links
 * (one value of each link_entry).
 */
struct link_table {
    const char *key;   /* "latency_ms" */
    const char *what;  /* "latency", for messages */
    const char *whats; /* "latencies" */
    const char *unit;  /* "ms" */
    double scale;      /* file unit -> stored unit (ms -> ns: 1e6) */
    double min;        /* smallest value allowed */
    int is_min_excl;   /* min itself is not allowed */
    double max;
    int slot; /* LINK_RTT, LINK_BPS or LINK_CAP */
};

/* Stores one value in its slot, rejecting a different value given before. */
static int
tb_set_link(const struct topo_build *b, const struct link_table *lt,
            int64_t *slot, int64_t v, const char *a, const char *c,
            int value_id, const char *field, struct sim_err *err)
{
    if (*slot >= 0 && *slot != v)
        return cfg_doc_err(b->d, value_id, -SIM_EDUP, field, err,
                           "%s between %s and %s given twice: %g %s "
                           "here, %g %s before",
                           lt->what, a, c, (double)v / lt->scale, lt->unit,
                           (double)*slot / lt->scale, lt->unit);
    *slot = v;
    return 0;
}

/* A latency given as a mapping (latency_spec.c), kept in the topology's
 * rtt_models; *model (OUT) is 1 + its index. */
static int
tb_rtt_model(struct topo_build *b, int value_id, const char *field,
             int is_region_link, uint32_t *model, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    struct cfg_rtt_model o;
    int rc =
        cfg_rtt_model_parse(b->d, value_id, field, is_region_link, &o, err);
    if (rc != 0)
        return rc;
    t->rtt_models = xgrow(t->rtt_models, &b->cap_rtt_models,
                          t->n_rtt_models + 1, sizeof *t->rtt_models, 8);
    t->rtt_models[t->n_rtt_models++] = o;
    *model = (uint32_t)t->n_rtt_models;
    return 0;
}

/* One end of a link as a table names it: a region (kind 1) or a node
 * (kind 2), as topo_lookup says. */
struct link_end {
    const char *name;
    int kind;
    size_t idx;
};

/* Rejects an unknown name, a link from a place to itself, a link between
 * two regions, and a region's link to a node that is not an edge. key_id
 * is c's name in the table. */
static int
tb_link_ends(const struct topo_build *b, const struct link_table *lt,
             const struct link_end *a, const struct link_end *c, int key_id,
             const char *field, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    if (c->kind == 0)
        return cfg_doc_err(b->d, key_id, -SIM_ENOENT, field, err,
                           "no region or node named \"%s\"", c->name);
    if (c->kind == a->kind && c->idx == a->idx)
        return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                           "a %s from \"%s\" to itself", lt->what, c->name);
    if (a->kind == 1 && c->kind == 1)
        return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                           "\"%s\" and \"%s\" are both regions; a %s "
                           "is between a region and an edge or between "
                           "two nodes",
                           a->name, c->name, lt->what);
    if (a->kind == c->kind)
        return 0;
    /* Written either way round; a region only ever reaches edges. */
    size_t r = a->kind == 1 ? a->idx : c->idx;
    size_t node = a->kind == 1 ? c->idx : a->idx;
    if (t->nodes[node].tier != CFG_TIER_EDGE)
        return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                           "region \"%s\" can only have %s to "
                           "edge nodes; \"%s\" is %s %s",
                           t->regions[r].name, lt->whats, t->nodes[node].name,
                           t->nodes[node].tier == CFG_TIER_ORIGIN ? "an" : "a",
                           cfg_tier_name(t->nodes[node].tier));
    return 0;
}

/* The value of entry c in inner, in the stored unit (*v): a number, or
 * for a latency also a mapping, kept as a round-trip model (*model is 1 +
 * its index, else 0). */
static int
tb_link_number(struct topo_build *b, const struct link_table *lt,
               const struct cfg_map *inner, const char *c, int is_region_link,
               const char *field, int64_t *v, uint32_t *model,
               struct sim_err *err)
{
    int value_id = cfg_map_find(inner, c);
    *model = 0;
    if (lt->slot == LINK_RTT &&
        cfg_doc_node(b->d, value_id)->type == YAML_MAPPING_NODE) {
        int rc = tb_rtt_model(b, value_id, field, is_region_link, model, err);
        if (rc != 0)
            return rc;
        *v = b->t->rtt_models[*model - 1].rtt_ns;
        return 0;
    }
    double x;
    int rc = cfg_map_number(inner, c, 1, 0, lt->min, lt->is_min_excl, lt->max,
                            &x, err);
    if (rc != 0)
        return rc;
    *v = (int64_t)llround(x * lt->scale);
    return 0;
}

/* Stores value v (and a latency's model) in the link's entry e, rejecting
 * what does not go with what the link has already. */
static int
tb_link_store(const struct topo_build *b, const struct link_table *lt,
              struct link_entry *e, int64_t v, uint32_t model, const char *a,
              const char *c, int value_id, const char *field,
              struct sim_err *err)
{
    if (lt->slot == LINK_CAP && e->value[LINK_BPS] >= 0)
        return cfg_doc_err(b->d, value_id, -SIM_EBADVAL, field, err,
                           "the link between %s and %s has a bandwidth_mbps "
                           "already: a link is either shared "
                           "(link_capacity_mbps) or a per-response delay "
                           "(bandwidth_mbps), not both",
                           a, c);
    if (lt->slot == LINK_CAP && e->rtt_model != 0)
        return cfg_doc_err(b->d, value_id, -SIM_EBADVAL, field, err,
                           "the link between %s and %s has a latency "
                           "mapping: a shared link (link_capacity_mbps) "
                           "takes a constant latency",
                           a, c);
    if (lt->slot == LINK_RTT && (model != 0 || e->rtt_model != 0)) {
        if (e->value[LINK_RTT] >= 0)
            return cfg_doc_err(b->d, value_id, -SIM_EDUP, field, err,
                               "latency between %s and %s given twice; a "
                               "latency mapping is given once",
                               a, c);
        e->rtt_model = model;
    }
    return tb_set_link(b, lt, &e->value[lt->slot], v, a, c, value_id, field,
                       err);
}

/* One entry KEY.A.B of a link table: a's map inner, B's name key_id. */
static int
tb_link(struct topo_build *b, const struct link_table *lt,
        const struct cfg_map *inner, const struct link_end *a, int key_id,
        struct sim_err *err)
{
    struct link_end c = {.name = cfg_doc_scalar(b->d, key_id)};
    char field[CFG_FIELD_MAX];
    cfg_map_field(inner, c.name, field, sizeof field);
    c.kind = topo_lookup(b, c.name, &c.idx);
    int rc = tb_link_ends(b, lt, a, &c, key_id, field, err);
    if (rc != 0)
        return rc;
    int is_region_link = a->kind != c.kind;
    int64_t v;
    uint32_t model;
    rc = tb_link_number(b, lt, inner, c.name, is_region_link, field, &v, &model,
                        err);
    if (rc != 0)
        return rc;
    uint64_t key;
    if (is_region_link)
        key = topo_link_key(1, a->kind == 1 ? a->idx : c.idx,
                            a->kind == 1 ? c.idx : a->idx);
    else
        key = topo_link_key(0, a->idx, c.idx);
    return tb_link_store(b, lt, tb_link_entry(b, key), v, model, a->name,
                         c.name, cfg_map_find(inner, c.name), field, err);
}

/*
 * Reads link table lt (required or not) into the links. *table_id is set
 * to the table's yaml mapping, or 0 when it is absent.
 */
static int
tb_links(struct topo_build *b, const struct cfg_map *root,
         const struct link_table *lt, int required, int *table_id,
         struct sim_err *err)
{
    struct cfg_map table;
    int rc = cfg_map_child(root, lt->key, YAML_MAPPING_NODE, required, table_id,
                           err);
    if (rc != 0 || *table_id == 0)
        return rc;
    rc = cfg_map_open(&table, b->d, *table_id, lt->key, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&table, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, table.id);
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const char *a = cfg_doc_scalar(b->d, p->key);
        char field[CFG_FIELD_MAX];
        cfg_map_field(&table, a, field, sizeof field);
        struct link_end end = {.name = a};
        end.kind = topo_lookup(b, a, &end.idx);
        if (end.kind == 0)
            return cfg_doc_err(b->d, p->key, -SIM_ENOENT, field, err,
                               "no region or node named \"%s\"", a);
        struct cfg_map inner;
        rc = cfg_map_open(&inner, b->d, p->value, field, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&inner, NULL, NULL, err);
        if (rc != 0)
            return rc;
        const yaml_node_t *in = cfg_doc_node(b->d, inner.id);
        for (const yaml_node_pair_t *q = in->data.mapping.pairs.start;
             q < in->data.mapping.pairs.top; q++) {
            rc = tb_link(b, lt, &inner, &end, q->key, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* latency_ms (required), bandwidth_mbps and link_capacity_mbps
 * (optional). */
int
topo_read_links(struct topo_build *b, const struct cfg_map *root,
                struct sim_err *err)
{
    static const struct link_table rtt = {.key = "latency_ms",
                                          .what = "latency",
                                          .whats = "latencies",
                                          .unit = "ms",
                                          .scale = 1e6,
                                          .min = 0,
                                          .is_min_excl = 0,
                                          .max = RTT_MAX_MS,
                                          .slot = LINK_RTT};
    int rc = tb_links(b, root, &rtt, 1, &b->latency_id, err);
    if (rc != 0)
        return rc;
    static const struct link_table bw = {.key = "bandwidth_mbps",
                                         .what = "bandwidth",
                                         .whats = "bandwidths",
                                         .unit = "Mbps",
                                         .scale = 1e6,
                                         .min = 1e-6,
                                         .is_min_excl = 0,
                                         .max = 1e9,
                                         .slot = LINK_BPS};
    int bw_id;
    rc = tb_links(b, root, &bw, 0, &bw_id, err);
    if (rc != 0)
        return rc;
    static const struct link_table cap = {.key = "link_capacity_mbps",
                                          .what = "link capacity",
                                          .whats = "link capacities",
                                          .unit = "Mbps",
                                          .scale = 1e6,
                                          .min = 1e-6,
                                          .is_min_excl = 0,
                                          .max = 1e9,
                                          .slot = LINK_CAP};
    int cap_id;
    return tb_links(b, root, &cap, 0, &cap_id, err);
}

/* Every node with a parent needs the RTT to it. */
int
topo_parent_links(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int p = t->nodes[i].parent;
        if (p < 0)
            continue;
        uint64_t key = topo_link_key(0, i, (size_t)p);
        t->nodes[i].parent_rtt_ns = topo_link_value(b, key, LINK_RTT);
        t->nodes[i].parent_bps = topo_link_value(b, key, LINK_BPS);
        t->nodes[i].parent_capacity_bps = topo_link_value(b, key, LINK_CAP);
        t->nodes[i].parent_rtt_model = topo_link_model(b, key);
        if (t->nodes[i].parent_rtt_ns >= 0)
            continue;
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].parent", i);
        return cfg_doc_err(b->d, b->parent_id[i], -SIM_ENOKEY, field, err,
                           "no latency_ms entry between %s and %s",
                           t->nodes[i].name, t->nodes[p].name);
    }
    return 0;
}

static int
region_link_cmp(const void *a, const void *b)
{
    const struct cfg_region_link *x = a, *y = b;
    return (x->node > y->node) - (x->node < y->node);
}

/* Gives each region its links (those with a latency; tb_link let a region
 * reach only edges), by node index, and picks its edge: the lowest RTT,
 * the first listed in nodes on ties. */
int
topo_region_edges(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    t->region_edge = xmalloc(t->n_regions * sizeof *t->region_edge);
    for (size_t k = 0; k < b->n_links; k++) {
        const struct link_entry *e = &b->links[k];
        if ((e->key >> 63) && e->value[LINK_RTT] >= 0)
            t->regions[(e->key >> 32) & 0x7fffffffu].n_links++;
    }
    for (size_t r = 0; r < t->n_regions; r++) {
        struct cfg_region *g = &t->regions[r];
        g->links = xcalloc(g->n_links ? g->n_links : 1, sizeof *g->links);
        g->n_links = 0;
    }
    for (size_t k = 0; k < b->n_links; k++) {
        const struct link_entry *e = &b->links[k];
        if (!(e->key >> 63) || e->value[LINK_RTT] < 0)
            continue;
        struct cfg_region *g = &t->regions[(e->key >> 32) & 0x7fffffffu];
        struct cfg_region_link *l = &g->links[g->n_links++];
        l->node = (int)(e->key & 0xffffffffu);
        l->rtt_ns = e->value[LINK_RTT];
        l->bps = e->value[LINK_BPS];
        l->capacity_bps = e->value[LINK_CAP];
        l->rtt_model = e->rtt_model;
    }
    for (size_t r = 0; r < t->n_regions; r++) {
        struct cfg_region *g = &t->regions[r];
        qsort(g->links, g->n_links, sizeof *g->links, region_link_cmp);
        int best = -1;
        cfg_time_ns best_rtt = 0;
        for (size_t k = 0; k < g->n_links; k++)
            if (best < 0 || g->links[k].rtt_ns < best_rtt) {
                best = g->links[k].node;
                best_rtt = g->links[k].rtt_ns;
            }
        t->region_edge[r] = best;
        if (best >= 0)
            continue;
        /* Point at the region's latency entry, or at the region. */
        const char *name = t->regions[r].name;
        int key_id;
        cfg_doc_lookup(b->d, b->latency_id, name, &key_id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "latency_ms.%s", name);
        return cfg_doc_err(b->d, key_id ? key_id : b->region_name_id[r],
                           -SIM_ENOKEY, field, err,
                           "region \"%s\" has no latency to any edge", name);
    }
    return 0;
}
