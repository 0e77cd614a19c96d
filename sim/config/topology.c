/* topology.c: the topology file: regions, nodes and their caches, the
 * parent tree and the latency tables, validated as a whole.
 *
 * Sections are read in file order (name, regions, nodes, latency_ms), each
 * mapping's keys before its values; the checks that relate sections
 * (parents, cycles, missing latencies) come last. This file holds the
 * order of the steps (cfg_topology_build), the names every step looks up,
 * freeing and the accessors; the steps live in topo_*.c (topology_int.h
 * lists them). */
#include "config/topology_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/xalloc.h"

static const char *const root_keys[] = {"name",
                                        "regions",
                                        "nodes",
                                        "latency_ms",
                                        "bandwidth_mbps",
                                        "outages",
                                        "failure_detection",
                                        "providers",
                                        "link_capacity_mbps",
                                        "cache_key",
                                        "brownouts",
                                        "dns_ttl",
                                        "placement",
                                        "origin_routes",
                                        NULL};
static const char *const root_required[] = {"name", "regions", "nodes",
                                            "latency_ms", NULL};

/* The mark of a node, pointing at the topology's own copy of its path. */
struct cfg_mark
topo_mark(const struct topo_build *b, int id)
{
    struct cfg_mark m = cfg_doc_mark(b->d, id);
    if (m.file == b->d->path)
        m.file = b->t->path;
    return m;
}

/* Lists the node names, for "known nodes: ..." in a message. */
void
topo_node_names(const struct cfg_topology *t, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_nodes && t->nodes[i].name; i++) {
        int k =
            snprintf(buf + n, len - n, "%s%s", n ? ", " : "", t->nodes[i].name);
        if (k < 0 || n + (size_t)k >= len - 4) {
            snprintf(buf + n, len - n, "%s...", n ? ", " : "");
            return;
        }
        n += (size_t)k;
    }
}

static const char *
code_name(const struct cfg_topology *t, uint32_t code)
{
    size_t idx = code >> 1;
    return code & 1 ? t->nodes[idx].name : t->regions[idx].name;
}

/* Finds a name among the regions and the nodes read so far. Returns 1 for
 * a region, 2 for a node (with *idx set) and 0 when unknown. */
int
topo_lookup(const struct topo_build *b, const char *name, size_t *idx)
{
    const struct cfg_topology *t = b->t;
    uint32_t code = idmap_get(&b->names, hash_bytes(name, strlen(name)));
    if (code != IDMAP_EMPTY && strcmp(code_name(t, code), name) == 0) {
        *idx = code >> 1;
        return code & 1 ? 2 : 1;
    }
    if (!b->has_name_collision)
        return 0;
    for (size_t r = 0; r < t->n_regions; r++)
        if (t->regions[r].name && strcmp(t->regions[r].name, name) == 0) {
            *idx = r;
            return 1;
        }
    for (size_t i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].name && strcmp(t->nodes[i].name, name) == 0) {
            *idx = i;
            return 2;
        }
    return 0;
}

/* Indexes a name just stored in t (a region's, or a node's). */
void
topo_index_name(struct topo_build *b, const char *name, int is_node, size_t idx)
{
    uint64_t h = hash_bytes(name, strlen(name));
    if (idmap_get(&b->names, h) != IDMAP_EMPTY) {
        b->has_name_collision = 1;
        return;
    }
    idmap_put(&b->names, h, (uint32_t)(2 * idx + (is_node ? 1 : 0)));
}

/* Rejects a name already used: regions and nodes share one namespace,
 * because latency_ms keys may be either. name_id is the new name's value;
 * the new name is not yet stored in t. */
int
topo_check_unique(const struct topo_build *b, const char *name, int name_id,
                  const char *field, struct sim_err *err)
{
    size_t idx;
    int kind = topo_lookup(b, name, &idx);
    if (kind == 0)
        return 0;
    int first_id = kind == 1 ? b->region_name_id[idx] : b->node_name_id[idx];
    struct cfg_mark first = cfg_doc_mark(b->d, first_id);
    char where[64] = "";
    if (first.line > 0)
        snprintf(where, sizeof where, " at line %d", first.line);
    return cfg_doc_err(b->d, name_id, -SIM_EDUP, field, err,
                       "duplicate name \"%s\": already used by %s[%zu]%s "
                       "(regions and nodes share one namespace)",
                       name, kind == 1 ? "regions" : "nodes", idx, where);
}

/* The top-level keys and the topology's name. */
static int
tb_root(struct topo_build *b, struct cfg_map *root, struct sim_err *err)
{
    int rc = cfg_map_open(root, b->d, b->root, "", err);
    if (rc == 0)
        rc = cfg_map_check_keys(root, root_keys, root_required, err);
    if (rc == 0)
        rc = cfg_map_string(root, "name", NULL, &b->t->name, err);
    return rc;
}

int
cfg_topology_build(const struct cfg_doc *d, struct cfg_topology **out,
                   struct sim_err *err)
{
    *out = NULL;
    struct topo_build b = {.d = d, .root = cfg_doc_root(d)};
    idmap_init(&b.names);
    idmap_init(&b.link_index);
    b.t = xcalloc(1, sizeof *b.t);
    b.t->path = xstrdup(d->path);
    cfg_source_copy(&b.t->source, d);
    struct cfg_map root;
    int rc = tb_root(&b, &root, err);
    if (rc == 0)
        rc = cfg_cache_key_build(&root, &b.t->cache_key, err);
    if (rc == 0)
        rc = topo_read_regions(&b, &root, err);
    if (rc == 0)
        rc = topo_read_providers(&b, &root, err);
    if (rc == 0)
        rc = topo_read_nodes(&b, &root, err);
    if (rc == 0)
        rc = topo_resolve_parents(&b, err);
    if (rc == 0)
        rc = topo_check_cycles(&b, err);
    if (rc == 0)
        rc = topo_read_links(&b, &root, err);
    if (rc == 0)
        rc = topo_parent_links(&b, err);
    if (rc == 0)
        rc = topo_region_edges(&b, err);
    if (rc == 0)
        rc = topo_resolve_backups(&b, err);
    if (rc == 0)
        rc = topo_read_origin_routes(&b, &root, err);
    if (rc == 0)
        rc = topo_check_chain_rtts(&b, err);
    if (rc == 0)
        rc = topo_read_outages(&b, &root, err);
    if (rc == 0)
        rc = cfg_steering_build(&root, b.t, err);
    if (rc == 0)
        rc = topo_read_routing(&b, err);
    idmap_fini(&b.names);
    idmap_fini(&b.link_index);
    free(b.links);
    free(b.parent_id);
    free(b.backup_id);
    free(b.node_name_id);
    free(b.region_name_id);
    free(b.region_item_id);
    if (rc != 0) {
        cfg_topology_free(b.t);
        return rc;
    }
    *out = b.t;
    return 0;
}

void
cfg_topology_free(struct cfg_topology *t)
{
    if (t == NULL)
        return;
    free(t->source.text);
    for (size_t i = 0; i < t->n_nodes; i++) {
        struct cfg_cache *c = &t->nodes[i].cache;
        for (size_t k = 0; k < c->n_params; k++) {
            free(c->params[k].key);
            free(c->params[k].value);
            free(c->params[k].field);
        }
        free(c->params);
        free(c->field);
        free(c->admission);
        free(c->policy);
        free(t->nodes[i].name);
        cfg_cache_key_free(&t->nodes[i].cache_key);
        cfg_compute_free(&t->nodes[i]);
        cfg_pop_free(t->nodes[i].pop);
    }
    cfg_cache_key_free(&t->cache_key);
    for (size_t r = 0; r < t->n_regions; r++) {
        free(t->regions[r].name);
        free(t->regions[r].links);
    }
    for (size_t k = 0; k < t->n_providers; k++) {
        free(t->providers[k].name);
        cfg_billing_free(&t->providers[k]);
    }
    free(t->providers);
    free(t->region_edge);
    for (size_t k = 0; k < t->n_rtt_models; k++)
        cfg_rtt_model_fini(&t->rtt_models[k]);
    free(t->rtt_models);
    free(t->outages);
    cfg_steering_free(t);
    cfg_origin_routes_free(t);
    free(t->nodes);
    free(t->regions);
    free(t->name);
    free(t->path);
    free(t);
}

int
cfg_node_index(const struct cfg_topology *t, const char *name)
{
    for (size_t i = 0; i < t->n_nodes; i++)
        if (strcmp(t->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The index of region r's link to node in its links, or SIZE_MAX. */
size_t
topo_region_link_index(const struct cfg_topology *t, size_t r, size_t node)
{
    SIM_ASSERT(r < t->n_regions && node < t->n_nodes);
    const struct cfg_region *g = &t->regions[r];
    size_t lo = 0, hi = g->n_links;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((size_t)g->links[mid].node < node)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_links && (size_t)g->links[lo].node == node ? lo : SIZE_MAX;
}

/* Region r's link to node, or NULL. */
static const struct cfg_region_link *
region_link(const struct cfg_topology *t, size_t r, size_t node)
{
    size_t k = topo_region_link_index(t, r, node);
    return k == SIZE_MAX ? NULL : &t->regions[r].links[k];
}

cfg_time_ns
cfg_region_rtt(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->rtt_ns : -1;
}

int64_t
cfg_region_bps(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->bps : -1;
}

double
cfg_region_share(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->share : 0;
}

cfg_time_ns
cfg_link_rtt(const struct cfg_topology *t, size_t node, size_t up)
{
    SIM_ASSERT(node < t->n_nodes);
    const struct cfg_node *n = &t->nodes[node];
    if (n->parent >= 0 && (size_t)n->parent == up)
        return n->parent_rtt_ns;
    SIM_ASSERT(n->backup_parent >= 0 && (size_t)n->backup_parent == up);
    return n->backup_rtt_ns;
}

int64_t
cfg_link_bps(const struct cfg_topology *t, size_t node, size_t up)
{
    SIM_ASSERT(node < t->n_nodes);
    const struct cfg_node *n = &t->nodes[node];
    if (n->parent >= 0 && (size_t)n->parent == up)
        return n->parent_bps;
    SIM_ASSERT(n->backup_parent >= 0 && (size_t)n->backup_parent == up);
    return n->backup_bps;
}

cfg_time_ns
cfg_parent_rtt(const struct cfg_topology *t, int node)
{
    SIM_ASSERT(node >= 0 && (size_t)node < t->n_nodes);
    SIM_ASSERT(t->nodes[node].parent >= 0);
    return t->nodes[node].parent_rtt_ns;
}

int64_t
cfg_parent_bps(const struct cfg_topology *t, int node)
{
    SIM_ASSERT(node >= 0 && (size_t)node < t->n_nodes);
    SIM_ASSERT(t->nodes[node].parent >= 0);
    return t->nodes[node].parent_bps;
}
