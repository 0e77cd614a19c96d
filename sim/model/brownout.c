/* brownout.c: nodes that answer worse for a while (cfg_brownout). How a
 * region's clients follow a failure (DNS TTL, anycast) is steering.c's.
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
 */
#include "model/faults.h"
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
        sim_rng_uniform(c->brownouts[ni].rng) < b->error_share) {
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
