/* hop.c: links whose latency_ms entry is a mapping (cfg_rtt_model): each
 * round trip drawn from the link's distribution, losses, and the
 * handshake a new connection pays.
 *
 * Every such link has its own GSL stream, seeded from the run's seed and
 * the link's ends, so jitter added to one link never shifts another
 * link's draws, and links given a plain number keep the constant path
 * (request.c tests one index and takes it).
 *
 * A fetch over a node's link draws its whole round trip when it leaves:
 * the handshake (if the request needs a new connection) and half the
 * round trip go up, the other half is kept in hop_down_ns[slot of the
 * fetch] for the answer. A client's last mile draws its handshake and
 * round trip when the edge answers (its latency is the edge's time plus
 * that).
 *
 * Connections: without a pool, a request uses an open connection with
 * probability reuse, else it opens one. With a pool of N (node to
 * parent), a fetch takes the idle connection released last if it has
 * been idle at most idle_timeout, else opens one; a connection goes back
 * idle when its answer leaves the parent, unless N are open already
 * (then it closes). Idle connections time out oldest first.
 */
#include "model/model_int.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* One round trip on h: the distribution's draw and the model's constant
 * offset, plus rto for each loss (a lost round trip is retried after the
 * timeout).
 *
 * Normal deviates come from GSL's ziggurat (Marsaglia and Tsang, "The
 * Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8),
 * 2000): the same distribution as the polar method, but mostly one 32-bit
 * draw and a table lookup instead of two uniforms, a log and a square
 * root, which matters when every client request draws its last mile. */
static double
hop_rtt(const struct hop *h)
{
    const struct cfg_rtt_model *m = h->cfg;
    double x = (double)m->rtt_ns;
    switch (m->jitter) {
    case CFG_JITTER_NONE:
        break;
    case CFG_JITTER_LOGNORMAL: /* median rtt: exp(ln rtt + sigma Z) */
        x *= exp(gsl_ran_gaussian_ziggurat(h->rng, m->sigma));
        break;
    case CFG_JITTER_PARETO:
        x = gsl_ran_pareto(h->rng, m->alpha, h->pareto_xm);
        break;
    case CFG_JITTER_NORMAL:
        x += gsl_ran_gaussian_ziggurat(h->rng, (double)m->sd_ns);
        x = x < 0 ? 0 : x;
        break;
    case CFG_JITTER_EMPIRICAL:
        x = cfg_rtt_quantile(m, sim_rng_uniform(h->rng));
        break;
    }
    x += (double)m->offset_ns; /* exact: 0 but on a baseline's last mile */
    while (m->loss > 0 && sim_rng_uniform(h->rng) < m->loss)
        x += (double)m->rto_ns;
    return x;
}

/* The handshake of a new connection on h: its round trips, each drawn. */
static double
hop_handshake(const struct hop *h)
{
    const struct cfg_rtt_model *m = h->cfg;
    int is_resumed = m->resume > 0 && sim_rng_uniform(h->rng) < m->resume;
    double x = 0;
    for (int k = cfg_setup_rtts(m->setup, is_resumed); k > 0; k--)
        x += hop_rtt(h);
    return x;
}

/* Drops pool connections idle for longer than idle_timeout at now. */
static void
pool_expire(struct hop *h, int64_t now)
{
    while (h->n_idle > 0 &&
           now - h->idle_since[h->idle_head] > h->cfg->idle_timeout_ns) {
        h->idle_head = (h->idle_head + 1) % h->cfg->pool;
        h->n_idle--;
    }
}

/* What a request on h waits before its request can go: 0 on an open
 * connection, else a handshake. */
static double
hop_setup(struct hop *h, int64_t now)
{
    const struct cfg_rtt_model *m = h->cfg;
    if (m->setup == CFG_SETUP_NONE)
        return 0;
    if (m->pool == 0) {
        if (m->reuse > 0 && sim_rng_uniform(h->rng) < m->reuse)
            return 0;
        return hop_handshake(h);
    }
    pool_expire(h, now);
    h->n_busy++;
    if (h->n_idle > 0) { /* the most recently released one */
        h->n_idle--;
        return 0;
    }
    return hop_handshake(h);
}

/* A connection of h's pool is free again at now. */
static void
pool_release(struct hop *h, int64_t now)
{
    const struct cfg_rtt_model *m = h->cfg;
    if (m->pool == 0 || m->setup == CFG_SETUP_NONE)
        return;
    SIM_ASSERT(h->n_busy > 0);
    h->n_busy--;
    pool_expire(h, now);
    if (h->n_busy + h->n_idle >= m->pool)
        return; /* an extra connection: closed */
    h->idle_since[(h->idle_head + h->n_idle) % m->pool] = now;
    h->n_idle++;
}

/* x (>= 0: every draw is) rounded to the nearest ns; adding a half and
 * truncating is llround for such x and cheaper on every client request. */
static int64_t
clamp_ns(double x)
{
    SIM_ASSERT(x >= 0);
    return x < (double)CFG_TIME_MAX_NS ? (int64_t)(x + 0.5) : CFG_TIME_MAX_NS;
}

int64_t
hop_up_ns(struct cdn *c, int32_t k, uint32_t u, int64_t now)
{
    struct hop *h = &c->hops[k];
    double setup = hop_setup(h, now);
    int64_t rtt = clamp_ns(hop_rtt(h));
    c->hop_down_ns = xgrow(c->hop_down_ns, &c->hop_down_cap, (size_t)u + 1,
                           sizeof *c->hop_down_ns, 1024);
    c->hop_down_ns[u] = rtt - rtt / 2;
    return clamp_ns(setup + (double)(rtt / 2));
}

int64_t
hop_down_ns(struct cdn *c, int32_t k, uint32_t u, int64_t now)
{
    pool_release(&c->hops[k], now);
    SIM_ASSERT(u < c->hop_down_cap);
    return c->hop_down_ns[u];
}

int64_t
hop_last_mile(struct cdn *c, const struct cfg_region_link *l)
{
    struct hop *h = &c->hops[c->region_hop[l - c->region_links]];
    return clamp_ns(hop_setup(h, 0) + hop_rtt(h));
}

/* A new hop for model m, its stream named by id. */
static int32_t
hop_add(struct cdn *c, const struct cfg_rtt_model *m, uint64_t id)
{
    c->hops = xrealloc(c->hops, ((size_t)c->n_hops + 1) * sizeof *c->hops);
    struct hop *h = &c->hops[c->n_hops];
    h->cfg = m;
    h->rng = sim_rng_new(c->w ? c->w->seed : 1, id);
    /* The median of a pareto with scale xm is xm 2^(1/alpha). */
    h->pareto_xm = m->jitter == CFG_JITTER_PARETO
                       ? (double)m->rtt_ns / pow(2, 1 / m->alpha)
                       : 0;
    h->idle_since = m->pool ? xcalloc(m->pool, sizeof *h->idle_since) : NULL;
    h->idle_head = h->n_idle = h->n_busy = 0;
    return (int32_t)c->n_hops++;
}

/* A stream id for the link between a and b: 16 bits each, so links of
 * topologies beyond 65536 nodes may share a stream (still seeded, still
 * deterministic). */
static uint64_t
link_stream(enum sim_rng_tag tag, size_t a, size_t b)
{
    return SIM_RNG_ID(tag, ((uint32_t)a << 16) ^ (uint32_t)b);
}

void
hop_init(struct cdn *c)
{
    const struct cfg_topology *t = c->t;
    if (t->n_rtt_models == 0)
        return;
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        struct node *n = &c->nodes[i];
        const struct cfg_rtt_model *m;
        if (n->parent != REQ_NIL &&
            (m = cfg_link_rtt_model(t, i, n->parent)) != NULL)
            n->to_parent.hop =
                hop_add(c, m, link_stream(SIM_RNG_NODE_LINK, i, n->parent));
        if (n->backup != REQ_NIL &&
            (m = cfg_link_rtt_model(t, i, n->backup)) != NULL)
            n->to_backup.hop =
                hop_add(c, m, link_stream(SIM_RNG_NODE_LINK, i, n->backup));
    }
    for (size_t r = 0; r < t->n_regions; r++) {
        size_t at = c->region_links_at[r];
        for (size_t k = 0; k < t->regions[r].n_links; k++) {
            const struct cfg_region_link *l = &c->region_links[at + k];
            if (l->rtt_model == 0)
                continue;
            if (c->region_hop == NULL) {
                size_t n = c->region_links_at[t->n_regions - 1] +
                           t->regions[t->n_regions - 1].n_links;
                c->region_hop = xmalloc(n * sizeof *c->region_hop);
                for (size_t j = 0; j < n; j++)
                    c->region_hop[j] = -1;
            }
            c->region_hop[at + k] =
                hop_add(c, cfg_rtt_model_at(t, l->rtt_model),
                        link_stream(SIM_RNG_REGION_LINK, r, (size_t)l->node));
        }
    }
}

void
hop_fini(struct cdn *c)
{
    for (uint32_t k = 0; k < c->n_hops; k++) {
        gsl_rng_free(c->hops[k].rng);
        free(c->hops[k].idle_since);
    }
    free(c->hops);
    free(c->region_hop);
    free(c->hop_down_ns);
    c->hops = NULL;
    c->region_hop = NULL;
    c->hop_down_ns = NULL;
    c->n_hops = 0;
}
