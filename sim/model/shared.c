/* shared.c: links with a capacity (link_capacity_mbps) in the request
 * lifecycle: which links are shared, bodies put on them (shared_send)
 * and handed on when they have crossed (shared_done). The sharing itself
 * is link.c's (processor sharing with a virtual clock).
 *
 * A topology without such links leaves c->shared NULL, and the paths of
 * every request are those without links (request.c tests one field).
 */
#include "model/model_int.h"
#include "model/observers.h"
#include "model/transfer.h"

#include <stdlib.h>
#include <string.h>

/* Adds a link with a capacity down from node `from`; returns its index.
 * down_ns is what follows the last byte (shared_link). */
static int32_t
shared_add(struct cdn *c, int64_t capacity_bps, uint32_t from, uint32_t to,
           int to_is_region, int64_t down_ns, uint32_t down_channel)
{
    c->shared = xgrow(c->shared, &c->shared_cap, (size_t)c->n_shared + 1,
                      sizeof *c->shared, 8);
    struct shared_link *sl = &c->shared[c->n_shared];
    memset(sl, 0, sizeof *sl);
    sl->capacity_bps = capacity_bps;
    sl->from = from;
    sl->to = to;
    sl->to_is_region = to_is_region;
    sl->down_ns = down_ns;
    sl->down_channel = down_channel;
    return (int32_t)c->n_shared++;
}

static int32_t
shared_add_node_link(struct cdn *c, int64_t capacity_bps, uint32_t from,
                     uint32_t to, const struct link *lk)
{
    return shared_add(c, capacity_bps, from, to, 0, lk->down_ns,
                      lk->down_channel);
}

/*
 * The links with a capacity: each node's links down from its parent and
 * backup, in node order, then each region's links from its edges, in
 * region order and by RTT. After route_init and the channels.
 */
void
shared_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct cfg_node *cn = &t->nodes[i];
        struct node *n = &c->nodes[i];
        n->to_parent.shared = n->to_backup.shared = -1;
        if (n->parent != REQ_NIL && cn->parent_capacity_bps > 0)
            n->to_parent.shared = shared_add_node_link(
                c, cn->parent_capacity_bps, n->parent, i, &n->to_parent);
        if (n->backup != REQ_NIL && cn->backup_capacity_bps > 0)
            n->to_backup.shared = shared_add_node_link(
                c, cn->backup_capacity_bps, n->backup, i, &n->to_backup);
    }
    size_t n_links = 0;
    for (size_t r = 0; r < t->n_regions; r++)
        n_links += t->regions[r].n_links;
    for (uint32_t r = 0; r < t->n_regions; r++) {
        for (size_t j = 0; j < t->regions[r].n_links; j++) {
            size_t k = c->region_links_at[r] + j;
            const struct cfg_region_link *l = &c->region_links[k];
            if (l->capacity_bps <= 0)
                continue;
            if (c->region_shared == NULL) {
                c->region_shared = xmalloc(n_links * sizeof *c->region_shared);
                for (size_t m = 0; m < n_links; m++)
                    c->region_shared[m] = -1;
            }
            /* The client's whole RTT follows the body's last byte. */
            c->region_shared[k] = shared_add(
                c, l->capacity_bps, (uint32_t)l->node, r, 1, l->rtt_ns, 0);
        }
    }
}

void
shared_fini(struct cdn *c)
{
    for (uint32_t k = 0; k < c->n_shared; k++)
        link_ps_fini(&c->shared[k].ps);
    free(c->shared);
    free(c->region_shared);
}

/* The run's record gets one met_link per shared link (cdn_run). */
void
shared_start_run(struct cdn *c, struct met_run *m)
{
    const struct cfg_topology *t = c->t;
    met_run_links(m, c->n_shared);
    for (uint32_t k = 0; k < c->n_shared; k++) {
        struct shared_link *sl = &c->shared[k];
        struct met_link *ml = &m->links[k];
        ml->from = t->nodes[sl->from].name;
        ml->to =
            sl->to_is_region ? t->regions[sl->to].name : t->nodes[sl->to].name;
        ml->from_node = (int)sl->from;
        ml->to_is_region = sl->to_is_region;
        ml->capacity_bps = sl->capacity_bps;
        link_ps_init(&sl->ps, sl->capacity_bps, m, k);
    }
}

/* Measurement starts at `now`, the first measured request's arrival. */
void
shared_measure_from(struct cdn *c, int64_t now)
{
    for (uint32_t k = 0; k < c->n_shared; k++)
        link_ps_measure_from(&c->shared[k].ps, now);
}

/* XXX: a body already on the link finishes even if its sender fails
 * meanwhile (a receiver that failed still loses it, node_response). */
void
shared_send(struct cdn *c, int32_t k, int64_t now, uint32_t s, uint64_t payload)
{
    struct shared_link *sl = &c->shared[k];
    const struct req *r = &c->reqs[s];
    if (r->explain) {
        uint32_t n = sl->ps.n;
        narrate(c, now,
                "  %s starts sending object %llu to %s%s over a shared "
                "link (%u other transfer%s on it)",
                node_name(c, sl->from), (unsigned long long)r->object,
                sl->to_is_region ? "the client in " : "",
                sl->to_is_region ? c->t->regions[sl->to].name
                                 : node_name(c, sl->to),
                n, n == 1 ? "" : "s");
    }
    if (link_ps_start(&sl->ps, now, r->size, payload, r->measured))
        sim_queue_push(&c->q, sl->ps.pending_at, EV_LINK_DONE, (uint32_t)k,
                       sl->ps.gen);
}

void
shared_done(struct cdn *c, uint32_t k, uint32_t gen, int64_t now)
{
    struct shared_link *sl = &c->shared[k];
    if (!link_ps_fire(&sl->ps, now, gen))
        return; /* superseded by a later change of the link */
    uint64_t p;
    while (link_ps_pop(&sl->ps, now, &p)) {
        uint32_t s = (uint32_t)p;
        const struct req *r = &c->reqs[s];
        if (p & XFER_CLIENT) {
            /* The body has crossed: the client has it a one-way delay
             * later, and its request's round trip counts whole. */
            observe_client(c, r, sl->down_ns, now);
            req_release(c, s);
            continue;
        }
        int64_t at = now + sl->down_ns;
        if (r->explain)
            narrate(c, now,
                    "  %s has sent object %llu to %s, arriving at "
                    "%.6f s",
                    node_name(c, sl->from), (unsigned long long)r->object,
                    node_name(c, r->node), (double)at / 1e9);
        /* Completions come in time order and down_ns is constant. */
        sim_queue_push_channel(&c->q, sl->down_channel, at, EV_RESP_AT, r->node,
                               s);
    }
    if (link_ps_reschedule(&sl->ps))
        sim_queue_push(&c->q, sl->ps.pending_at, EV_LINK_DONE, k, sl->ps.gen);
}
