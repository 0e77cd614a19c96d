/* brownout.c: nodes that answer worse for a while (cfg_brownout), and the
 * DNS TTL that keeps a region's clients on an edge after routing has
 * noticed it failed.
 *
 * Brownout. During a brownout of node n, every request that reaches n
 * (a client's or a child's fetch) first draws from n's own random stream
 * (SIM_RNG_BROWNOUT, n): with probability error_share n answers it at
 * once with an error, a 500 that goes down like any error (a node below
 * with a stale copy may serve that instead, stale-if-error; else the
 * client counts it in errors). Every other request waits add_latency
 * before n handles it (its queue, service and lookup then follow as
 * usual), so the time shows in n's latency and in the client's. A node
 * that fails while it holds such a request loses it, as in an outage.
 * Routing does not avoid a node in a brownout: it is up.
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
#include "model/model_int.h"

#include <stdlib.h>

#include <gsl/gsl_rng.h>

/* One node's brownouts (sorted by time) and its random stream. */
struct node_brownout {
    const struct cfg_brownout *cur; /* the current or next one */
    const struct cfg_brownout *end;
    gsl_rng *rng;
};

void
brownout_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    if (t->n_brownouts == 0)
        return; /* c->brownouts stays NULL: no node pays for it */
    c->brownouts = xcalloc(c->n_nodes, sizeof *c->brownouts);
    for (size_t k = 0; k < t->n_brownouts; k++) {
        uint32_t i = (uint32_t)t->brownouts[k].node;
        struct node_brownout *nb = &c->brownouts[i];
        if (nb->cur == NULL) {
            nb->cur = &t->brownouts[k];
            nb->rng = sim_rng_new(c->w ? c->w->seed : 1,
                                  SIM_RNG_ID(SIM_RNG_BROWNOUT, i));
        }
        nb->end = &t->brownouts[k + 1];
        c->nodes[i].is_gated = 1; /* node_arrive asks brownout_takes */
    }
}

void
brownout_fini(struct cdn *c)
{
    for (uint32_t i = 0; c->brownouts != NULL && i < c->n_nodes; i++)
        if (c->brownouts[i].rng != NULL)
            gsl_rng_free(c->brownouts[i].rng);
    free(c->brownouts);
    c->brownouts = NULL;
}

void
brownout_start_run(struct cdn *c, struct met_run *m)
{
    const struct cfg_topology *t = c->t;
    if (t->n_brownouts == 0)
        return;
    m->brownouts = xcalloc(t->n_brownouts, sizeof *m->brownouts);
    m->n_brownouts = t->n_brownouts;
    for (size_t k = 0; k < t->n_brownouts; k++) {
        const struct cfg_brownout *b = &t->brownouts[k];
        struct met_brownout *mb = &m->brownouts[k];
        mb->node = t->nodes[b->node].name;
        mb->at_ns = b->at;
        mb->duration_ns = b->duration;
        mb->error_share = b->error_share;
        mb->add_ns = b->add_ns;
    }
}

/* Node ni's brownout under way at `now`, or NULL. Time only moves
 * forward, so the cursor only moves forward. */
static const struct cfg_brownout *
current_brownout(struct cdn *c, uint32_t ni, int64_t now)
{
    struct node_brownout *nb = &c->brownouts[ni];
    if (nb->cur == NULL)
        return NULL;
    while (nb->cur < nb->end && add_sat(nb->cur->at, nb->cur->duration) <= now)
        nb->cur++;
    return nb->cur < nb->end && nb->cur->at <= now ? nb->cur : NULL;
}

/* Request s gets node ni's brownout error (a 500) now. */
static void
brownout_error(struct cdn *c, uint32_t ni, uint32_t s, struct met_brownout *mb,
               int64_t now)
{
    struct req *r = &c->reqs[s];
    if (r->explain)
        narrate(c, now, "  %s is browned out: it answers 500",
                node_name(c, ni));
    if (r->measured) {
        struct met_counters *mc = &c->m->nodes[ni].c;
        mc->requests++;
        mc->bytes_requested += r->size;
        mc->brownout_errors++;
        window_at(c, ni, now)->requests++;
        mb->errors++;
    }
    r->failed = 1;
    r->not_modified = 0;
    r->code = CODE_NONE; /* not an overload code: counted in errors only */
    r->outcome = MET_OUT_ERROR;
    node_respond(c, s, now);
}

int
brownout_takes(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    const struct cfg_brownout *b = current_brownout(c, ni, now);
    if (b == NULL)
        return 0;
    struct met_brownout *mb = &c->m->brownouts[b - c->t->brownouts];
    const struct req *r = &c->reqs[s];
    if (r->measured)
        mb->requests++;
    if (b->error_share > 0 &&
        gsl_rng_uniform(c->brownouts[ni].rng) < b->error_share) {
        brownout_error(c, ni, s, mb, now);
        return 1;
    }
    if (b->add_ns == 0)
        return 0;
    if (r->measured) {
        c->m->nodes[ni].c.brownout_slowed++;
        mb->slowed++;
    }
    if (r->explain)
        narrate(c, now,
                "  %s is browned out: it takes the request up %.3f ms "
                "later",
                node_name(c, ni), (double)b->add_ns / 1e6);
    sim_queue_push(&c->q, add_sat(now, b->add_ns), EV_BROWNOUT_DONE, ni, s);
    return 1;
}

void
brownout_done(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    if (node_failed_since(c, ni, c->reqs[s].t_arrive, now)) {
        node_refuse(c, s, now); /* lost in the failure, as in node_served */
        return;
    }
    node_admit(c, s, now);
}

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
brownout_count_refused(struct cdn *c, const struct req *r, int64_t now)
{
    /* Routing already knew the edge was down: only the region's cached
     * DNS answer sent the client here. */
    if (c->t->regions[r->region].dns_ttl_ns > 0 &&
        node_seems_down(c, r->node, now))
        c->m->nodes[r->node].c.dns_stale_failed++;
}
