/* topo_routing.c: the topology's tree, checked once every node and link
 * is known: parents and backup parents resolved, no cycle or loop, round
 * trips up any chain within range; then each region's routing details. */
#include "config/topology_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/xalloc.h"

/* A parent or backup (value id) that names no node; note says more. */
static int
tb_no_such_node(const struct topo_build *b, int id, const char *field,
                const char *name, const char *note, struct sim_err *err)
{
    char names[NAMES_MAX];
    topo_node_names(b->t, names, sizeof names);
    return cfg_doc_err(b->d, id, -SIM_ENOENT, field, err,
                       "no node named \"%s\"%s (known nodes: %s)", name, note,
                       names);
}

/* Resolves each parent name: an existing node, not itself, not an edge. */
int
topo_resolve_parents(struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int id = b->parent_id[i];
        if (id == 0)
            continue;
        const char *name = cfg_doc_scalar(b->d, id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].parent", i);
        size_t p;
        int kind = topo_lookup(b, name, &p);
        if (kind != 2)
            return tb_no_such_node(b, id, field, name,
                                   kind == 1 ? " (it is a region)" : "", err);
        if (p == i)
            return cfg_doc_err(b->d, id, -SIM_ECYCLE, field, err,
                               "node \"%s\" cannot be its own parent", name);
        if (t->nodes[p].tier == CFG_TIER_EDGE)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "\"%s\" is an edge; an edge cannot be the "
                               "parent of another node (use a shield or an "
                               "origin)",
                               name);
        t->nodes[i].parent = (int)p;
    }
    return 0;
}

/* Rejects a cycle of parents (only shields can form one: an edge is
 * nobody's parent and an origin has none), then sets every depth. */
int
topo_check_cycles(struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    size_t n = t->n_nodes;
    for (size_t i = 0; i < n; i++) {
        /* A path of n steps that has not reached an origin has entered a
         * cycle, and after n steps it is on it. */
        int j = (int)i;
        size_t steps = 0;
        while (t->nodes[j].parent >= 0 && steps < n) {
            j = t->nodes[j].parent;
            steps++;
        }
        if (t->nodes[j].parent < 0) {
            t->nodes[i].depth = (int)steps;
            continue;
        }
        /* Report the cycle at its first-listed member. */
        int first = j;
        for (int k = t->nodes[j].parent; k != j; k = t->nodes[k].parent)
            if (k < first)
                first = k;
        char path[NAMES_MAX];
        size_t len = 0;
        int k = first;
        do {
            int w = snprintf(path + len, sizeof path - len, "%s -> ",
                             t->nodes[k].name);
            if (w > 0 && len + (size_t)w < sizeof path)
                len += (size_t)w;
            k = t->nodes[k].parent;
        } while (k != first);
        snprintf(path + len, sizeof path - len, "%s", t->nodes[first].name);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%d].parent", first);
        return cfg_doc_err(b->d, b->parent_id[first], -SIM_ECYCLE, field, err,
                           "parent cycle: %s", path);
    }
    return 0;
}

/* Kahn's algorithm over parent and backup edges: whatever cannot be
 * peeled off, leaf side first, lies on a loop. Reported at the first node
 * on one with a backup. */
static int
tb_backup_loops(const struct topo_build *b, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    size_t n = t->n_nodes, done = 0;
    int *pending = xcalloc(n, sizeof *pending); /* children not yet peeled */
    int *stack = xmalloc(n * sizeof *stack);
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (t->nodes[i].parent >= 0)
            pending[t->nodes[i].parent]++;
        if (t->nodes[i].backup_parent >= 0)
            pending[t->nodes[i].backup_parent]++;
    }
    for (size_t i = 0; i < n; i++)
        if (pending[i] == 0)
            stack[top++] = (int)i;
    while (top > 0) {
        int v = stack[--top];
        done++;
        int up[2] = {t->nodes[v].parent, t->nodes[v].backup_parent};
        for (int k = 0; k < 2; k++)
            if (up[k] >= 0 && --pending[up[k]] == 0)
                stack[top++] = up[k];
    }
    int rc = 0;
    if (done < n) {
        size_t i = 0;
        while (i < n && (pending[i] == 0 || b->backup_id[i] == 0))
            i++;
        if (i == n)
            i = 0;
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].backup_parent", i);
        rc = cfg_doc_err(b->d,
                         b->backup_id[i] ? b->backup_id[i] : b->node_name_id[i],
                         -SIM_ECYCLE, field, err,
                         "parents and backup parents form a loop through "
                         "\"%s\"",
                         t->nodes[i].name);
    }
    free(stack);
    free(pending);
    return rc;
}

/*
 * backup_parent: an existing non-edge node other than the node and its
 * parent, with a latency to the node; and no loop through parents and
 * backups together, or two nodes whose parents are both down could send
 * each other the same fetch forever.
 */
int
topo_resolve_backups(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int id = b->backup_id[i];
        if (id == 0)
            continue;
        const char *name = cfg_doc_scalar(b->d, id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].backup_parent", i);
        size_t p;
        if (topo_lookup(b, name, &p) != 2)
            return tb_no_such_node(b, id, field, name, "", err);
        if (p == i || (int)p == t->nodes[i].parent)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "the backup must differ from the node and "
                               "from its parent \"%s\"",
                               t->nodes[t->nodes[i].parent].name);
        if (t->nodes[p].tier == CFG_TIER_EDGE)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "\"%s\" is an edge; an edge cannot serve "
                               "another node's misses",
                               name);
        uint64_t key = topo_link_key(0, i, p);
        t->nodes[i].backup_rtt_ns = topo_link_value(b, key, LINK_RTT);
        t->nodes[i].backup_bps = topo_link_value(b, key, LINK_BPS);
        t->nodes[i].backup_capacity_bps = topo_link_value(b, key, LINK_CAP);
        t->nodes[i].backup_rtt_model = topo_link_model(b, key);
        if (t->nodes[i].backup_rtt_ns < 0)
            return cfg_doc_err(b->d, id, -SIM_ENOKEY, field, err,
                               "no latency_ms entry between %s and %s",
                               t->nodes[i].name, name);
        t->nodes[i].backup_parent = (int)p;
    }
    return tb_backup_loops(b, err);
}

/*
 * A request's round trips up a chain of parents and backups add up: the
 * longest chain from any node must stay within CFG_TIME_MAX_NS, like any
 * other duration. Parents and backups form no loop (topo_resolve_backups), so
 * an explicit depth-first walk computes each node's longest chain once.
 */
int
topo_check_chain_rtts(const struct topo_build *b, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    size_t n = t->n_nodes;
    cfg_time_ns *longest = xmalloc(n * sizeof *longest);
    for (size_t i = 0; i < n; i++)
        longest[i] = -1; /* not yet known */
    /* The stack holds at most two entries per level of the walk. */
    int *stack = xmalloc((2 * n + 2) * sizeof *stack);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t top = 0;
        if (longest[i] < 0)
            stack[top++] = (int)i;
        while (top > 0) {
            const struct cfg_node *v = &t->nodes[stack[top - 1]];
            int up[2] = {v->parent, v->backup_parent};
            cfg_time_ns rtt[2] = {v->parent_rtt_ns, v->backup_rtt_ns};
            /* origin_routes may send its misses to a farther origin. */
            if (t->n_origin_links > 0) {
                cfg_time_ns routed =
                    cfg_origin_routed_rtt(t, (size_t)stack[top - 1]);
                rtt[0] = routed > rtt[0] ? routed : rtt[0];
            }
            cfg_time_ns best = 0;
            int is_ready = 1;
            for (int k = 0; k < 2; k++) {
                if (up[k] < 0)
                    continue;
                if (longest[up[k]] < 0) {
                    stack[top++] = up[k];
                    is_ready = 0;
                } else if (rtt[k] + longest[up[k]] > best) {
                    best = rtt[k] + longest[up[k]];
                }
            }
            if (!is_ready)
                continue;
            /* Kept just past the limit, so that sums cannot overflow. */
            longest[stack[--top]] =
                best > CFG_TIME_MAX_NS ? CFG_TIME_MAX_NS + 1 : best;
        }
        if (longest[i] > CFG_TIME_MAX_NS) {
            char field[CFG_FIELD_MAX];
            snprintf(field, sizeof field, "nodes[%zu].parent", i);
            rc = cfg_doc_err(b->d, b->parent_id[i], -SIM_EBADVAL, field, err,
                             "the round trips from %s up its parents and "
                             "backups add up to more than " CFG_TIME_MAX_TEXT,
                             t->nodes[i].name);
        }
    }
    free(stack);
    free(longest);
    return rc;
}

/* An edge that region r names for its routing: it must be an edge the
 * region has a latency to. Sets *idx. */
static int
tb_region_edge_ref(const struct topo_build *b, size_t r, int id,
                   const char *field, size_t *idx, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    const char *name = cfg_doc_scalar(b->d, id);
    if (name == NULL || topo_lookup(b, name, idx) != 2 ||
        t->nodes[*idx].tier != CFG_TIER_EDGE)
        return cfg_doc_err(b->d, id, -SIM_ENOENT, field, err,
                           "expected an edge node, got \"%s\"",
                           name ? name : "?");
    if (cfg_region_rtt(t, r, *idx) < 0)
        return cfg_doc_err(b->d, id, -SIM_ENOKEY, field, err,
                           "no latency_ms entry between %s and %s",
                           t->regions[r].name, name);
    return 0;
}

/* The routing detail each routing takes (edges, edge, max_latency_ms). */
static const char *const routing_detail[] = {
    [CFG_ROUTE_NEAREST] = NULL,
    [CFG_ROUTE_WEIGHTED] = "edges",
    [CFG_ROUTE_STATIC] = "edge",
    [CFG_ROUTE_COST] = "max_latency_ms",
};

/* A region (mapping m) gives the detail of its own routing, and no
 * other's. */
static int
tb_routing_keys(const struct cfg_map *m, enum cfg_routing routing,
                struct sim_err *err)
{
    for (int k = CFG_ROUTE_WEIGHTED; k <= CFG_ROUTE_COST; k++) {
        const char *key = routing_detail[k];
        int present = cfg_map_find(m, key) != 0;
        if (present && k != (int)routing) {
            char kf[CFG_FIELD_MAX];
            cfg_map_field(m, key, kf, sizeof kf);
            return cfg_doc_err(m->d, cfg_map_key_id(m, key), -SIM_EBADKEY, kf,
                               err,
                               "%s belongs to routing: %s, and this "
                               "region's routing is %s",
                               key, cfg_routing_name((enum cfg_routing)k),
                               cfg_routing_name(routing));
        }
        if (!present && k == (int)routing)
            return cfg_map_missing(m, key, err);
    }
    return 0;
}

/* edges: {EDGE: share > 0}, at least one, each an edge region r has a
 * latency to; the shares go on the region's links. */
static int
tb_routing_weighted(const struct topo_build *b, size_t r,
                    const struct cfg_map *m, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    struct cfg_region *g = &t->regions[r];
    int id;
    int rc = cfg_map_child(m, "edges", YAML_MAPPING_NODE, 1, &id, err);
    struct cfg_map em;
    char ef[CFG_FIELD_MAX];
    cfg_map_field(m, "edges", ef, sizeof ef);
    if (rc == 0)
        rc = cfg_map_open(&em, b->d, id, ef, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&em, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, id);
    if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
        return cfg_doc_err(b->d, id, -SIM_EBADVAL, ef, err,
                           "expected at least one edge with its share");
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const char *name = cfg_doc_scalar(b->d, p->key);
        char pf[CFG_FIELD_MAX];
        cfg_map_field(&em, name, pf, sizeof pf);
        size_t idx;
        rc = tb_region_edge_ref(b, r, p->key, pf, &idx, err);
        if (rc != 0)
            return rc;
        /* The edge has a latency: it is one of the region's links. */
        struct cfg_region_link *l =
            &g->links[topo_region_link_index(t, r, idx)];
        rc = cfg_map_number(&em, name, 1, 0, 0, 1, CFG_WEIGHT_MAX, &l->share,
                            err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Region r's routing details: the one its routing uses, and no other. */
static int
tb_region_routing(const struct topo_build *b, size_t r, struct sim_err *err)
{
    struct cfg_region *g = &b->t->regions[r];
    char field[CFG_FIELD_MAX];
    snprintf(field, sizeof field, "regions[%zu]", r);
    struct cfg_map m;
    int rc = cfg_map_open(&m, b->d, b->region_item_id[r], field, err);
    if (rc == 0)
        rc = tb_routing_keys(&m, g->routing, err);
    if (rc != 0)
        return rc;
    if (g->routing == CFG_ROUTE_STATIC) {
        char ef[CFG_FIELD_MAX];
        cfg_map_field(&m, "edge", ef, sizeof ef);
        size_t idx;
        rc = tb_region_edge_ref(b, r, cfg_map_find(&m, "edge"), ef, &idx, err);
        if (rc == 0)
            g->static_edge = (int)idx;
    } else if (g->routing == CFG_ROUTE_COST) {
        double ms;
        rc = cfg_map_number(&m, "max_latency_ms", 1, 0, 0, 0, RTT_MAX_MS, &ms,
                            err);
        if (rc == 0)
            g->max_rtt_ns = (cfg_time_ns)llround(ms * 1e6);
    } else if (g->routing == CFG_ROUTE_WEIGHTED) {
        rc = tb_routing_weighted(b, r, &m, err);
    }
    return rc;
}

/* Each region's routing details, once nodes and latencies are known:
 * edges (weighted), edge (static), max_latency_ms (cost), and only the
 * one its routing uses. */
int
topo_read_routing(const struct topo_build *b, struct sim_err *err)
{
    for (size_t r = 0; r < b->t->n_regions; r++) {
        int rc = tb_region_routing(b, r, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}
