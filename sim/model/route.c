/* route.c: links between nodes, the routing of clients to edges, the
 * parent a fetch goes to, and the client's last mile.
 *
 * A link takes half its RTT each way (the odd nanosecond on the way
 * down). A region's links to the edges it can reach are kept sorted by
 * RTT, so that the nearest edge, the common answer, is the first one.
 */
#include "model/model_int.h"
#include "model/transfer.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

static void
link_init(struct link *l, const struct cfg_topology *t, size_t from, size_t to)
{
    int64_t rtt = cfg_link_rtt(t, from, to);
    l->up_ns = rtt / 2;
    l->down_ns = rtt - rtt / 2;
    l->down_bps = cfg_link_bps(t, from, to);
    l->hop = -1; /* hop_init gives one to a link with a round-trip model */
}

/* Orders a region's links by RTT, then by node index. */
static int
link_by_rtt(const void *a, const void *b)
{
    const struct cfg_region_link *x = a, *y = b;
    if (x->rtt_ns != y->rtt_ns)
        return x->rtt_ns < y->rtt_ns ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

/* Each region's links to the edges it can reach, by RTT (the first
 * listed in nodes on ties), so that routing and the client's last mile read
 * them in place. */
static void
region_links_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    size_t n_links = 0;
    c->region_links_at = xcalloc(t->n_regions, sizeof *c->region_links_at);
    for (size_t r = 0; r < t->n_regions; r++) {
        c->region_links_at[r] = n_links;
        n_links += t->regions[r].n_links;
    }
    c->region_links = xcalloc(n_links ? n_links : 1, sizeof *c->region_links);
    for (size_t r = 0; r < t->n_regions; r++) {
        /* The config keeps them by node index; qsort is not stable, but
         * link_by_rtt orders ties by node index, which is the same. */
        size_t n = t->regions[r].n_links;
        struct cfg_region_link *list = &c->region_links[c->region_links_at[r]];
        memcpy(list, t->regions[r].links, n * sizeof *list);
        qsort(list, n, sizeof *list, link_by_rtt);
        SIM_ASSERT(n > 0 && list[0].node == t->region_edge[r]);
    }
}

/*
 * The links of every node to its parent and backup, the regions' links to
 * their edges, and the routing streams of regions with weighted routing.
 * Channels are the run loop's (run.c).
 */
void
route_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        struct node *n = &c->nodes[i];
        if (n->parent != REQ_NIL)
            link_init(&n->to_parent, t, i, n->parent);
        if (n->backup != REQ_NIL)
            link_init(&n->to_backup, t, i, n->backup);
    }
    region_links_init(c);
    c->routing_rng = xcalloc(t->n_regions, sizeof *c->routing_rng);
    for (size_t r = 0; r < t->n_regions; r++)
        if (t->regions[r].routing == CFG_ROUTE_WEIGHTED)
            c->routing_rng[r] = sim_rng_new(c->w ? c->w->seed : 1,
                                            SIM_RNG_ID(SIM_RNG_ROUTING, r));
    hop_init(c);
}

void
route_fini(struct cdn *c)
{
    hop_fini(c);
    free(c->region_links);
    free(c->region_links_at);
    for (uint32_t r = 0; c->routing_rng && r < c->t->n_regions; r++)
        if (c->routing_rng[r])
            gsl_rng_free(c->routing_rng[r]);
    free(c->routing_rng);
}

/* Weighted routing: an edge drawn by the shares among those that do not
 * seem down, or REQ_NIL when none has a share. */
static uint32_t
route_weighted(const struct cdn *c, uint32_t r, int64_t now)
{
    const struct cfg_region_link *list =
        &c->region_links[c->region_links_at[r]];
    uint32_t n = (uint32_t)c->t->regions[r].n_links;
    double total = 0;
    for (uint32_t k = 0; k < n; k++)
        if (list[k].share > 0 &&
            !region_sees_down(c, r, (uint32_t)list[k].node, now))
            total += list[k].share;
    if (total <= 0)
        return REQ_NIL;
    double u = sim_rng_uniform(c->routing_rng[r]) * total;
    uint32_t last = (uint32_t)list[0].node;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t e = (uint32_t)list[k].node;
        if (list[k].share <= 0 || region_sees_down(c, r, e, now))
            continue;
        last = e;
        if (u < list[k].share)
            return e;
        u -= list[k].share;
    }
    return last; /* rounding left u just past the end */
}

/* Cost routing: the cheapest edge (by egress price) within the RTT
 * bound, the nearer on a tie, or REQ_NIL. */
static uint32_t
route_cheapest(const struct cdn *c, uint32_t r, int64_t now)
{
    const struct cfg_region *g = &c->t->regions[r];
    const struct cfg_region_link *list =
        &c->region_links[c->region_links_at[r]];
    int64_t best = -1;
    for (uint32_t k = 0; k < (uint32_t)g->n_links; k++) {
        uint32_t e = (uint32_t)list[k].node;
        if (list[k].rtt_ns > g->max_rtt_ns || region_sees_down(c, r, e, now))
            continue;
        if (best < 0 || c->t->nodes[e].egress_cost_per_gb <
                            c->t->nodes[best].egress_cost_per_gb)
            best = e;
    }
    return best >= 0 ? (uint32_t)best : REQ_NIL;
}

/*
 * The edge a client of region r uses at `now`, by the region's routing:
 * static, its edge; weighted, one drawn by the shares; cost, the cheapest
 * (by egress price) within the RTT bound, the nearer on a tie; nearest,
 * the lowest RTT. Edges that seem down are passed over; when a rule finds
 * nothing it falls back to the nearest edge that does not seem down, and
 * when every edge seems down, to the nearest of all. route_client
 * (model_int.h) takes the common case, nearest without outages, inline.
 */
uint32_t
route_client_by_rule(const struct cdn *c, uint32_t r, int64_t now)
{
    const struct cfg_region *g = &c->t->regions[r];
    const struct cfg_region_link *list =
        &c->region_links[c->region_links_at[r]];
    uint32_t n = (uint32_t)g->n_links;
    uint32_t e = REQ_NIL;
    switch (g->routing) {
    case CFG_ROUTE_NEAREST:
        if (!c->has_outages)
            return (uint32_t)list[0].node;
        break;
    case CFG_ROUTE_STATIC:
        if (!region_sees_down(c, r, (uint32_t)g->static_edge, now))
            return (uint32_t)g->static_edge;
        break;
    case CFG_ROUTE_WEIGHTED:
        e = route_weighted(c, r, now);
        break;
    case CFG_ROUTE_COST:
        e = route_cheapest(c, r, now);
        break;
    }
    if (e != REQ_NIL)
        return e;
    for (uint32_t k = 0; k < n; k++)
        if (!region_sees_down(c, r, (uint32_t)list[k].node, now))
            return (uint32_t)list[k].node;
    return (uint32_t)list[0].node;
}
