/* placement.c: where copies are kept along the path a body comes down
 * (a caching node's placement:, sim/config/placement.c).
 *
 * Every body a parent sends down to a child's leading request is handed
 * down here first (placement_hand_down, from answer_child), and the
 * child's node decides then whether it will store it; the decision rides
 * beside the child's request (placement.skip) to its node_response, which
 * stores or declines (placement_keeps). The modes, after
 * Laoutaris, Che, Stavrakakis, "The LCD interconnection of LRU caches and
 * its analysis" (Performance Evaluation 63, 2006), who name LCE, LCD, MCD
 * and Prob(p):
 *
 *   everywhere     stores every body (LCE, leave copy everywhere);
 *   lcd            stores a body only when its parent answered it
 *                  *directly*: as the origin, or from the parent's own
 *                  copy (a fresh hit, a stale copy served under
 *                  stale-while-revalidate or stale-if-error, a copy the
 *                  parent just revalidated with a 304). A body the
 *                  parent fetched and passed on is not stored, so a copy
 *                  moves one level down per request (leave copy down);
 *   probabilistic  stores a body with probability p, a Bernoulli draw
 *                  from the node's own stream (SIM_RNG_PLACEMENT), made
 *                  when the body is handed down (Prob(p); q-LRU in
 *                  Martina, Garetto, Leonardi, "A unified approach to the
 *                  performance analysis of caching systems", INFOCOM
 *                  2014);
 *   exclusive      stores like everywhere, but keeps no copy of what a
 *                  child below it stores: when it hands a body to a child
 *                  that stores it, its own copy (if any) is removed (the
 *                  copy *moves* down: counted in moved_down), and a body
 *                  it fetched for children that all store every body
 *                  (everywhere or exclusive) is not stored at all
 *                  (placement_skipped). With lcd children an exclusive
 *                  parent is Laoutaris's MCD (move copy down). A body
 *                  fetched for a probabilistic child is stored first and
 *                  dropped if the child's draw stores it, so it may have
 *                  evicted another copy on its way in. Copies a child
 *                  evicts are not sent back up (no demotion).
 *
 * A waiter that joined a revalidation at the parent (coalesced) counts as
 * passed on, not direct. The decision ignores the child's admission
 * filter: a child whose filter then rejects the body holds no copy
 * either. Pushes store whatever the placement.
 */
#include "model/content.h"
#include "model/model_int.h"

#include <stdlib.h>

/* A node's placement in the run. */
struct placement_node {
    enum cfg_placement mode;
    double probability; /* probabilistic */
    gsl_rng *rng;       /* probabilistic: its draws */
};

struct placement {
    struct placement_node *nodes; /* [node] */
    /* [request slot]: the body coming to this leading request is
     * declined by its node's placement. Beside the requests, not in
     * them: a request is 88 bytes with no bit to spare. Written for every
     * body handed down, read only by the node_response it reaches. */
    uint8_t *skip;
    size_t skip_cap;
};

void
placement_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    int any = 0;
    for (size_t i = 0; i < t->n_nodes; i++)
        any |= t->nodes[i].has_cache &&
               t->nodes[i].placement != CFG_PLACE_EVERYWHERE;
    if (!any)
        return; /* c->placement stays NULL: the request path is unchanged */
    uint64_t seed = c->w ? c->w->seed : 1;
    struct placement *p = xcalloc(1, sizeof *p);
    p->nodes = xcalloc(t->n_nodes, sizeof *p->nodes);
    for (size_t i = 0; i < t->n_nodes; i++) {
        const struct cfg_node *cn = &t->nodes[i];
        struct placement_node *pn = &p->nodes[i];
        pn->mode = cn->has_cache ? cn->placement : CFG_PLACE_EVERYWHERE;
        pn->probability = cn->placement_probability;
        if (pn->mode == CFG_PLACE_PROBABILISTIC)
            pn->rng = sim_rng_new(seed, SIM_RNG_ID(SIM_RNG_PLACEMENT, i));
    }
    c->placement = p;
}

void
placement_fini(struct cdn *c)
{
    struct placement *p = c->placement;
    if (p == NULL)
        return;
    for (uint32_t i = 0; i < c->n_nodes; i++)
        if (p->nodes[i].rng != NULL)
            gsl_rng_free(p->nodes[i].rng);
    free(p->nodes);
    free(p->skip);
    free(p);
    c->placement = NULL;
}

/* Did r's node answer from its own copy, or as the origin (not a body it
 * fetched and passes on)? */
static int
answered_directly(const struct cdn *c, const struct req *r)
{
    if (c->nodes[r->node].cache == NULL)
        return 1;
    return r->outcome == MET_OUT_HIT || r->outcome == MET_OUT_UPDATING ||
           r->outcome == MET_OUT_STALE || r->outcome == MET_OUT_REVALIDATED;
}

/* Does node ni store a body its parent answered directly or not? Draws
 * from a probabilistic node's stream. */
static int
node_takes(struct placement *p, uint32_t ni, int direct)
{
    struct placement_node *pn = &p->nodes[ni];
    switch (pn->mode) {
    case CFG_PLACE_LCD:
        return direct;
    case CFG_PLACE_PROBABILISTIC:
        return sim_rng_uniform(pn->rng) < pn->probability;
    default:
        return 1;
    }
}

/* An exclusive node's copy of r's object went down to a child that
 * stores it: the node drops its own. */
static void
move_down(struct cdn *c, const struct req *r, int64_t now)
{
    struct cache_store *cs = c->nodes[r->node].cache;
    struct cache_obj *o = cache_find(cs, r->object);
    if (o == NULL)
        return;
    cache_remove(cs, o);
    if (r->measured)
        c->m->nodes[r->node].c.moved_down++;
    if (r->explain)
        narrate(c, now,
                "  %s hands object %llu down and drops its "
                "copy (placement exclusive)",
                node_name(c, r->node), (unsigned long long)r->object);
}

void
placement_hand_down(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    const struct req *child = &c->reqs[r->child];
    if (r->bypass) /* passed through: nobody stores it */
        return;
    struct placement *p = c->placement;
    int takes = node_takes(p, child->node, answered_directly(c, r));
    if (r->child >= p->skip_cap)
        p->skip = xgrow(p->skip, &p->skip_cap, (size_t)r->child + 1,
                        sizeof *p->skip, 1024);
    p->skip[r->child] = (uint8_t)!takes;
    if (takes && p->nodes[r->node].mode == CFG_PLACE_EXCLUSIVE)
        move_down(c, r, now);
}

/* Would every request waiting on the fetch s leads store the body at
 * its child's node whatever comes (an exclusive node then keeps none)?
 * A client, or a background refresh, keeps nothing below. */
static int
all_below_store(const struct cdn *c, uint32_t s)
{
    for (uint32_t w = s; w != REQ_NIL; w = c->reqs[w].next) {
        const struct req *q = &c->reqs[w];
        if (q->child == REQ_NIL)
            return 0;
        enum cfg_placement m = c->placement->nodes[c->reqs[q->child].node].mode;
        if (m != CFG_PLACE_EVERYWHERE && m != CFG_PLACE_EXCLUSIVE)
            return 0;
    }
    return 1;
}

int
placement_keeps(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    enum cfg_placement mode = c->placement->nodes[r->node].mode;
    int skip = c->placement->skip[s];
    if (!skip && mode == CFG_PLACE_EXCLUSIVE)
        skip = all_below_store(c, s);
    if (!skip)
        return 1;
    if (r->measured)
        c->m->nodes[r->node].c.placement_skipped++;
    if (r->explain)
        narrate(c, now,
                "  %s receives object %llu: does not store it "
                "(placement %s)",
                node_name(c, r->node), (unsigned long long)r->object,
                cfg_placement_name(mode));
    return 0;
}
