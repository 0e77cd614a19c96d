/* outage.c: failure state: which nodes are down, which seem down to
 * routing, and which failed while holding a request.
 *
 * A node is down during each of its outages (cfg_topology.outages) and
 * seems down to routing failure_detection later, at the start and at the
 * end. Each node keeps a cursor into its sorted outages, which only moves
 * forward with the clock. A node that fails loses what it holds; that is
 * found lazily (outage_failed_since) when an answer or the end of a
 * service reaches a request that arrived before the failure.
 */
#include "model/model_int.h"

/* Gives each node its run of the outages, which are sorted by node. */
void
outage_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    c->has_outages = t->n_outages > 0;
    for (size_t k = 0; k < t->n_outages; k++) {
        struct node *n = &c->nodes[t->outages[k].node];
        if (n->outage == NULL)
            n->outage = n->outage_first = &t->outages[k];
        n->outage_end = &t->outages[k + 1];
    }
}

static inline int64_t
outage_end(const struct cfg_outage *o)
{
    return o->duration == CFG_FOREVER ? INT64_MAX : o->at + o->duration;
}

/*
 * The outage of node n that matters at `now`: the one under way or being
 * noticed, or the next one; NULL when none is left. Time only moves
 * forward, so the cursor only moves forward.
 */
static const struct cfg_outage *
current_outage(const struct cdn *c, struct node *n, int64_t now)
{
    while (n->outage < n->outage_end &&
           add_sat(outage_end(n->outage), c->t->detection_ns) <= now)
        n->outage++;
    return n->outage < n->outage_end ? n->outage : NULL;
}

int
outage_is_down(const struct cdn *c, uint32_t i, int64_t now)
{
    const struct cfg_outage *o = current_outage(c, &c->nodes[i], now);
    return o != NULL && o->at <= now && now < outage_end(o);
}

int
outage_failed_since(const struct cdn *c, uint32_t i, int64_t since, int64_t now)
{
    const struct node *n = &c->nodes[i];
    for (const struct cfg_outage *o = n->outage_first;
         o != NULL && o < n->outage_end && o->at <= now; o++)
        if (o->at > since)
            return 1;
    return 0;
}

int
outage_seems_down(const struct cdn *c, uint32_t i, int64_t now)
{
    const struct cfg_outage *o = current_outage(c, &c->nodes[i], now);
    int64_t det = c->t->detection_ns;
    return o != NULL && add_sat(o->at, det) <= now &&
           now < add_sat(outage_end(o), det);
}
