/* no_cdn.c: the topology `cdnsim run --baseline no-cdn` runs: the same
 * regions, each sent straight to the origin its default route ends at,
 * with no cache on the way.
 *
 * The model needs an edge in front of every region (routing, the last
 * mile), so each origin that some region reaches gets a pass-through edge
 * ("no-cdn:<origin>") at zero distance; the region's link to it carries
 * the whole region -> origin round trip. Every request is passed through
 * uncached (the model reads is_no_cdn), so nothing coalesces and every
 * client request reaches the origin once. The topology's own nodes stay,
 * at their indexes, so the origins keep their servers, overload
 * protection and outages (and their random streams); no region reaches
 * the edges and shields, so they see no traffic.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/xalloc.h"

cfg_time_ns
cfg_region_origin_rtt(const struct cfg_topology *t, size_t r, int *origin)
{
    SIM_ASSERT(r < t->n_regions);
    const struct cfg_region *g = &t->regions[r];
    int node = t->region_edge[r];
    cfg_time_ns rtt = 0;
    for (size_t k = 0; k < g->n_links; k++)
        if (g->links[k].node == node)
            rtt = g->links[k].rtt_ns; /* a mapping's median */
    while (t->nodes[node].parent >= 0) {
        rtt += t->nodes[node].parent_rtt_ns;
        node = t->nodes[node].parent;
    }
    *origin = node;
    return rtt;
}

/* A pass-through edge in front of origin o. */
static void
pass_through_node(struct cfg_node *n, const struct cfg_topology *t, int o)
{
    memset(n, 0, sizeof *n);
    n->name = xasprintf("no-cdn:%s", t->nodes[o].name);
    n->tier = CFG_TIER_EDGE;
    n->has_cache = 1; /* the model's edges have one; nothing is stored */
    n->cache.capacity_bytes = 1;
    n->cache.policy = xstrdup("lru");
    n->cache.admission = xstrdup("always");
    n->cache.field = xstrdup("baseline");
    n->parent = o;
    n->depth = 1;
    n->backup_parent = -1;
    n->provider = -1;
    n->parent_bps = -1;
    n->backup_bps = -1;
    n->parent_capacity_bps = -1;
    n->backup_capacity_bps = -1;
}

struct cfg_topology *
cfg_topology_no_cdn(const struct cfg_topology *t)
{
    struct cfg_topology *d = xmalloc(sizeof *d);
    *d = *t; /* everything else borrowed */
    d->is_no_cdn = 1;
    /* The pass-through edge of each origin some region reaches. */
    int *edge_of = xmalloc(t->n_nodes * sizeof *edge_of);
    for (size_t i = 0; i < t->n_nodes; i++)
        edge_of[i] = -1;
    d->nodes = xcalloc(t->n_nodes + t->n_regions, sizeof *d->nodes);
    memcpy(d->nodes, t->nodes, t->n_nodes * sizeof *d->nodes);
    d->regions = xcalloc(t->n_regions, sizeof *d->regions);
    d->region_edge = xcalloc(t->n_regions, sizeof *d->region_edge);
    for (size_t r = 0; r < t->n_regions; r++) {
        int o;
        cfg_time_ns rtt = cfg_region_origin_rtt(t, r, &o);
        if (edge_of[o] < 0) {
            edge_of[o] = (int)d->n_nodes;
            pass_through_node(&d->nodes[d->n_nodes++], t, o);
        }
        struct cfg_region *g = &d->regions[r];
        g->name = t->regions[r].name;
        g->weight = t->regions[r].weight;
        g->routing = CFG_ROUTE_NEAREST;
        g->static_edge = -1;
        g->links = xcalloc(1, sizeof *g->links);
        g->n_links = 1;
        g->links[0].node = edge_of[o];
        g->links[0].rtt_ns = rtt;
        g->links[0].bps = -1;
        g->links[0].capacity_bps = -1;
        d->region_edge[r] = edge_of[o];
    }
    free(edge_of);
    return d;
}

void
cfg_topology_no_cdn_free(struct cfg_topology *d)
{
    if (d == NULL)
        return;
    /* Only the pass-through edges, which the regions reach, are this
     * file's; the other nodes are t's. */
    for (size_t r = 0; r < d->n_regions; r++) {
        struct cfg_node *n = &d->nodes[d->region_edge[r]];
        if (n->name == NULL)
            continue; /* freed for an earlier region */
        free(n->name);
        free(n->cache.policy);
        free(n->cache.admission);
        free(n->cache.field);
        n->name = NULL;
    }
    for (size_t r = 0; r < d->n_regions; r++)
        free(d->regions[r].links);
    free(d->regions);
    free(d->region_edge);
    free(d->nodes);
    free(d);
}
