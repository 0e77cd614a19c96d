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
 * been idle at most idle_timeout, else opens one while fewer than N are
 * open. When all N carry a fetch, pool_full decides: wait (the default)
 * queues the fetch, first come first served, and the next connection
 * released goes straight to the first in line, which sends at once, with
 * no handshake; the pool is then c servers of an M/M/c-like queue whose
 * service is a connection's hold time. open (the model before) opens an
 * extra connection, handshake included, which closes when its answer has
 * left. A connection is released when its answer leaves the parent; it
 * goes back idle if no fetch waits (and, with open, if fewer than N are
 * open). Idle connections time out oldest first.
 */
#include "model/model_int.h"
#include "model/origin_route.h"
#include "model/transfer.h"
#include "util/ring.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* x (>= 0: every draw is) rounded to the nearest ns; adding a half and
 * truncating is llround for such x and cheaper on every client request. */
static int64_t
clamp_ns(double x)
{
    SIM_ASSERT(x >= 0);
    return x < (double)CFG_TIME_MAX_NS ? (int64_t)(x + 0.5) : CFG_TIME_MAX_NS;
}

/* Fetch u goes up h now after setup: draws its round trip, keeps the way
 * down for hop_down_ns and returns the way up. */
static int64_t
hop_send(struct cdn *c, struct hop *h, uint32_t u, double setup)
{
    int64_t rtt = clamp_ns(hop_rtt(h));
    c->hop_down_ns = xgrow(c->hop_down_ns, &c->hop_down_cap, (size_t)u + 1,
                           sizeof *c->hop_down_ns, 1024);
    c->hop_down_ns[u] = rtt - rtt / 2;
    return clamp_ns(setup + (double)(rtt / 2));
}

/* Fetch u waits for a connection of h's pool, at the back of the line
 * (a ring like service.c's queue of a node's requests). */
static void
pool_wait_push(struct hop *h, uint32_t u)
{
    if (h->wait_n == h->wait_cap)
        h->wait_cap =
            (uint32_t)u32_ring_grow(&h->waiting, h->wait_cap, h->wait_head);
    h->waiting[(h->wait_head + h->wait_n++) & (h->wait_cap - 1)] = u;
}

/* The connection released at now goes to the first waiting fetch, which
 * began to wait at its t_arrive and leaves now, without a handshake;
 * returns 1. A fetch whose requests have timed out meanwhile
 * (upstream_timeout.c) is dropped instead, with its leader, which no
 * answer will reach: returns 0. */
static int
pool_hand_over(struct cdn *c, struct hop *h, int64_t now)
{
    uint32_t w = h->waiting[h->wait_head];
    h->wait_head = (h->wait_head + 1) & (h->wait_cap - 1);
    h->wait_n--;
    struct req *r = &c->reqs[w];
    if (r->child != REQ_NIL && c->reqs[r->child].up_timed_out) {
        uint32_t s = r->child;
        if (r->explain)
            narrate(c, now,
                    "  %s: a timed-out fetch gives up its place for "
                    "a pooled connection",
                    node_name(c, h->node));
        c->reqs[s].up_timed_out = 0;
        req_release(c, s);
        req_release(c, w);
        return 0;
    }
    if (r->measured) {
        struct met_counters *mc = &c->m->nodes[h->node].c;
        mc->pool_waits++;
        mc->pool_wait_ns += (uint64_t)(now - r->t_arrive);
    }
    r->t_arrive = now + hop_send(c, h, w, 0);
    if (r->explain)
        narrate(c, now,
                "  %s: a pooled connection frees up: the fetch goes "
                "to %s, arriving at %.6f s",
                node_name(c, h->node), node_name(c, r->node),
                (double)r->t_arrive / 1e9);
    if (c->nodes[r->node].cache != NULL)
        cache_prefetch_hashed(c->nodes[r->node].cache, r->hash);
    sim_queue_push(&c->q, r->t_arrive, EV_REQ_AT, r->node, w);
    return 1;
}

/* A connection of h's pool is free again at now. */
static void
pool_release(struct cdn *c, struct hop *h, int64_t now)
{
    const struct cfg_rtt_model *m = h->cfg;
    if (m->pool == 0 || m->setup == CFG_SETUP_NONE)
        return;
    SIM_ASSERT(h->n_busy > 0);
    while (h->wait_n > 0) /* wait: it stays busy, for the next fetch */
        if (pool_hand_over(c, h, now))
            return;
    h->n_busy--;
    pool_expire(h, now);
    if (h->n_busy + h->n_idle >= m->pool)
        return; /* an extra connection: closed */
    h->idle_since[(h->idle_head + h->n_idle) % m->pool] = now;
    h->n_idle++;
}

int64_t
hop_up_ns(struct cdn *c, int32_t k, uint32_t u, int64_t now)
{
    struct hop *h = &c->hops[k];
    const struct cfg_rtt_model *m = h->cfg;
    if (m->pool > 0 && m->setup != CFG_SETUP_NONE &&
        m->pool_full == CFG_POOL_WAIT) {
        pool_expire(h, now);
        if (h->n_idle == 0 && h->n_busy >= m->pool) {
            c->reqs[u].t_arrive = now; /* until pool_hand_over */
            pool_wait_push(h, u);
            return HOP_WAITS;
        }
    }
    return hop_send(c, h, u, hop_setup(h, now));
}

int64_t
hop_down_ns(struct cdn *c, int32_t k, uint32_t u, int64_t now)
{
    SIM_ASSERT(u < c->hop_down_cap);
    int64_t down = c->hop_down_ns[u]; /* before a hand-over grows it */
    pool_release(c, &c->hops[k], now);
    return down;
}

void
hop_copy_down(struct cdn *c, uint32_t from, uint32_t to)
{
    if (from >= c->hop_down_cap)
        return; /* from came over no hop */
    c->hop_down_ns = xgrow(c->hop_down_ns, &c->hop_down_cap, (size_t)to + 1,
                           sizeof *c->hop_down_ns, 1024);
    c->hop_down_ns[to] = c->hop_down_ns[from];
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
    h->waiting = NULL;
    h->wait_head = h->wait_n = h->wait_cap = 0;
    h->node = UINT32_MAX; /* a region's link */
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
            (m = cfg_link_rtt_model(t, i, n->parent)) != NULL) {
            n->to_parent.hop =
                hop_add(c, m, link_stream(SIM_RNG_NODE_LINK, i, n->parent));
            c->hops[n->to_parent.hop].node = i;
        }
        if (n->backup != REQ_NIL &&
            (m = cfg_link_rtt_model(t, i, n->backup)) != NULL) {
            n->to_backup.hop =
                hop_add(c, m, link_stream(SIM_RNG_NODE_LINK, i, n->backup));
            c->hops[n->to_backup.hop].node = i;
        }
    }
    size_t n_routed; /* links origin_routes adds */
    struct link *routed = origin_route_links(c, &n_routed);
    for (size_t k = 0; k < n_routed; k++) {
        const struct cfg_origin_link *l = &t->origin_links[k];
        if (l->rtt_model != 0) {
            routed[k].hop =
                hop_add(c, cfg_rtt_model_at(t, l->rtt_model),
                        link_stream(SIM_RNG_NODE_LINK, (size_t)l->node,
                                    (size_t)l->origin));
            /* its pool's waits count at the node (pool_hand_over) */
            c->hops[routed[k].hop].node = (uint32_t)l->node;
        }
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
        free(c->hops[k].waiting);
    }
    free(c->hops);
    free(c->region_hop);
    free(c->hop_down_ns);
    c->hops = NULL;
    c->region_hop = NULL;
    c->hop_down_ns = NULL;
    c->n_hops = 0;
}
