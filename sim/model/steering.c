/* steering.c: how a region's clients follow a failure of their edge.
 *
 * DNS TTL. A region with a dns_ttl keeps its clients' DNS answers for
 * dns_ttl: routing (failure_detection) notices a failure or a recovery,
 * and the region's clients follow dns_ttl later, all at once (the worst
 * case: every client refreshed its answer just before the change; RFC
 * 1035 section 3.2.1 bounds the caching by the TTL, no lower). Until then
 * they keep going to the failed edge and fail there (the connection is
 * refused; clients do not retry another edge), which the edge counts in
 * dns_stale_failed.
 *
 * Anycast. An anycast region's edges share one address and BGP picks
 * the edge: the nearest, or by the shares of weighted routing (the
 * catchments: some of a region's clients reach a PoP that is not its
 * nearest). A failed edge withdraws its route at once, so the region's
 * clients see it down exactly while it is (no failure_detection, no
 * DNS TTL); only the requests it held when it failed are lost.
 */
#include "model/faults.h"
#include "model/model_int.h"

/* The first of node i's outages, in order, that region r's clients still
 * go to it at `now` (seen delay late); scans from the node's first
 * outage, since the node's cursor follows the shorter failure_detection. */
static int
seems_down_after(const struct cdn *c, uint32_t i, int64_t delay, int64_t now)
{
    const struct node *n = &c->nodes[i];
    for (const struct cfg_outage *o = n->outage_first;
         o != NULL && o < n->outage_end && add_sat(o->at, delay) <= now; o++) {
        int64_t end =
            o->duration == CFG_FOREVER ? INT64_MAX : o->at + o->duration;
        if (now < add_sat(end, delay))
            return 1;
    }
    return 0;
}

int
region_sees_down_dns(const struct cdn *c, uint32_t r, uint32_t e, int64_t now)
{
    if (c->t->regions[r].is_anycast)
        return node_is_down(c, e, now); /* withdrawn at once */
    int64_t ttl = c->t->regions[r].dns_ttl_ns;
    if (ttl == 0)
        return node_seems_down(c, e, now);
    return seems_down_after(c, e, add_sat(c->t->detection_ns, ttl), now);
}

void
steering_count_refused(struct cdn *c, const struct req *r, int64_t now)
{
    /* Routing already knew the edge was down: only the region's cached
     * DNS answer sent the client here. */
    if (c->t->regions[r->region].dns_ttl_ns > 0 &&
        node_seems_down(c, r->node, now))
        c->m->nodes[r->node].c.dns_stale_failed++;
}
