/* no_cdn.c: the topology `cdnsim run --baseline no-cdn` runs: the same
 * regions, each sent straight to the origin its default route ends at,
 * with no cache on the way.
 *
 * The model needs an edge in front of every region (routing, the last
 * mile), so each origin that some region reaches gets a pass-through edge
 * ("no-cdn:<origin>") at zero distance; the region's link to it carries
 * the whole region -> origin round trip. Every request is passed through
 * uncached (the model reads is_no_cdn), so nothing coalesces and every
 * client request reaches the origin once.
 *
 * The client's side stays as it is: a last mile whose latency is a
 * mapping keeps its model (jitter, loss, handshakes, reuse), with the
 * rest of the route's median added to every draw (offset_ns), so the
 * handshakes a client would make with the origin span the whole route;
 * the region link's bandwidth (the client's access line) is kept too.
 * Without that the baseline would draw no tail at all and the CDN would
 * look worse at p99 than it is. The topology's own nodes stay,
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

/* Region r's link in the baseline, l (rtt_ns already the whole route's):
 * the client's side of its link to its edge in t, that is the access
 * line's bandwidth and, for a mapping, the model with the rest of the
 * route as a constant offset (d's copy at the same place, past t's). */
static void
last_mile(struct cfg_topology *d, const struct cfg_topology *t, size_t r,
          struct cfg_region_link *l)
{
    const struct cfg_region *g = &t->regions[r];
    const struct cfg_region_link *own = NULL;
    for (size_t k = 0; k < g->n_links; k++)
        if (g->links[k].node == t->region_edge[r])
            own = &g->links[k];
    SIM_ASSERT(own != NULL);
    l->bps = own->bps;
    if (own->rtt_model == 0)
        return;
    struct cfg_rtt_model *m = &d->rtt_models[t->n_rtt_models + r];
    *m = t->rtt_models[own->rtt_model - 1]; /* a table stays t's */
    m->offset_ns = l->rtt_ns - own->rtt_ns;
    l->rtt_model = (uint32_t)(t->n_rtt_models + r + 1);
}

struct cfg_topology *
cfg_topology_no_cdn(const struct cfg_topology *t)
{
    struct cfg_topology *d = xmalloc(sizeof *d);
    *d = *t; /* everything else borrowed */
    d->is_no_cdn = 1;
    /* Each region goes straight to the origin its default route ends at:
     * the pass-through edges have no links to the other origins. */
    d->origin_routes = NULL;
    d->n_origin_routes = 0;
    d->origin_links = NULL;
    d->n_origin_links = 0;
    /* t's models at their indexes (its node links keep theirs), then one
     * slot per region for its last mile (last_mile). */
    d->n_rtt_models = t->n_rtt_models + t->n_regions;
    d->rtt_models = xcalloc(d->n_rtt_models, sizeof *d->rtt_models);
    if (t->n_rtt_models > 0)
        memcpy(d->rtt_models, t->rtt_models,
               t->n_rtt_models * sizeof *d->rtt_models);
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
        last_mile(d, t, r, &g->links[0]);
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
    free(d->rtt_models); /* the models' tables are t's */
    free(d->nodes);
    free(d);
}
