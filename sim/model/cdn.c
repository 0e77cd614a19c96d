/* cdn.c: the request lifecycle through edges, shields and origins.
 *
 * Three kinds of event drive a run:
 *   ARRIVAL(region)       a client request reaches its region's edge;
 *   REQ_AT(node, slot)    a request (a client's, or a child's fetch)
 *                         reaches a node, which answers it or fetches;
 *   RESP_AT(node, slot)   the parent's answer to the fetch that the
 *                         request in slot leads reaches the node;
 *   SERVED(node, slot)    a node with limited servers has finished its
 *                         work on the request, which now proceeds.
 * A request is one small record in a recycled pool; a node's in-flight map
 * (object -> leading request) is how later requests coalesce onto a fetch
 * already on its way. Links take half their RTT each way, so a request's
 * latency is the sum of the round trips it waited for, including the
 * client's own RTT to its edge. Arrival time is when the request reaches
 * the edge, which is also what an edge's log records.
 *
 * Freshness follows HTTP's Age rule in its simplest form: a response carries
 * the absolute time its content expires (origin fetch time + ttl), and every
 * cache that stores it keeps that expiry, so a copy fetched from a shield is
 * no fresher than the shield's.
 */
#include "model/model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <gsl/gsl_randist.h>

#include "cache/cache.h"
#include "engine/engine.h"
#include "util/hash.h"
#include "util/idmap.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "workload/workload.h"

enum ev_kind { EV_ARRIVAL = 1, EV_REQ_AT, EV_RESP_AT, EV_SERVED };

#define REQ_NIL UINT32_MAX

/* One request at one node. */
struct req {
    uint64_t object;
    uint64_t size;
    int64_t t_arrive;     /* when it reached its node, ns */
    int64_t expires_at;   /* on the way up, the TTL the origin will give
                             (0 = never expires); on the way back, the
                             absolute expiry of the content it carries */
    uint32_t node;
    uint32_t child;       /* the child's leading request this one fetches
                             for, or REQ_NIL for a client request */
    uint32_t next;        /* next coalesced waiter; free-list link when free */
    uint16_t region;
    uint8_t measured;     /* not part of the warm-up */
    uint8_t explain;      /* narrated by --explain */
};

struct node {
    struct cache_store *cache;   /* NULL for an origin */
    uint32_t parent;             /* REQ_NIL for an origin */
    int64_t up_ns;               /* one-way delay to the parent */
    int64_t down_ns;             /* and back; up + down = the RTT */
    int64_t down_bps;            /* the link's bandwidth, or -1: unlimited */
    struct idmap inflight;       /* object -> leading request slot */
    uint32_t up_channel;         /* requests to the parent */
    uint32_t down_channel;       /* the parent's answers to this node */
    /* Processing capacity (cfg_service), when the node has one. */
    const struct cfg_service *service; /* NULL: requests take no time */
    gsl_rng *service_rng;
    uint32_t busy;               /* servers at work */
    uint32_t *waiting;           /* FIFO ring of request slots */
    uint32_t waiting_cap;        /* a power of two */
    uint32_t waiting_head;
    uint32_t waiting_n;
};

struct cdn {
    const struct cfg_topology *t;  /* borrowed */
    const struct cfg_workload *w;  /* borrowed */
    struct node *nodes;
    uint32_t n_nodes;
    int64_t *region_rtt_ns;        /* [region]: RTT to its edge */
    int64_t *region_bps;           /* [region]: bandwidth to it, or -1 */
    struct sim_queue q;
    struct wl_gen *gen;
    struct wl_request pending;     /* the next client request */
    uint32_t arrival_channel;
    struct req *reqs;
    uint32_t reqs_cap;
    uint32_t reqs_used;
    uint32_t req_free;
    uint64_t generated;            /* client requests born so far */
    int has_run;
    /* --explain: narrate the life of the first measured requests. */
    FILE *explain;
    uint64_t explain_left;
    /* Measurement. */
    struct met_run *m;
    int64_t measured_start;
    int has_measured_start;
    int64_t origin_second;         /* current 1 s window of origin load */
    uint64_t origin_second_count;
};

struct cdn *
cdn_new(const struct cfg_topology *t, const struct cfg_workload *w,
        struct sim_err *err)
{
    struct cdn *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->w = w;
    c->n_nodes = (uint32_t)t->n_nodes;
    c->nodes = xcalloc(c->n_nodes, sizeof *c->nodes);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct cfg_node *cn = &t->nodes[i];
        struct node *n = &c->nodes[i];
        idmap_init(&n->inflight);
        n->parent = cn->parent < 0 ? REQ_NIL : (uint32_t)cn->parent;
        n->down_bps = -1;
        if (cn->service.is_set) {
            n->service = &cn->service;
            n->service_rng = sim_rng_new(w ? w->seed : 1,
                                         SIM_RNG_ID(SIM_RNG_SERVICE, i));
        }
        if (cn->parent >= 0) {
            int64_t rtt = cfg_parent_rtt(t, (int)i);
            n->up_ns = rtt / 2;
            n->down_ns = rtt - rtt / 2;
            n->down_bps = cfg_parent_bps(t, (int)i);
        }
        if (!cn->has_cache)
            continue;
        n->cache = cache_new_from_cfg(&cn->cache,
                                      hash_combine(w ? w->seed : 1, i), err);
        if (n->cache == NULL) {
            cdn_free(c);
            return NULL;
        }
        if (cache_ops(n->cache)->needs_future) {
            /* XXX: synthetic runs could precompute next accesses by
             * generating ahead; until then offline policies are for replay. */
            char *field = xasprintf("%s.policy", cn->cache.field);
            sim_err_set(err, -SIM_EBADVAL, cn->cache.policy_mark.file,
                        cn->cache.policy_mark.line, cn->cache.policy_mark.col,
                        field, "policy \"%s\" needs to know future requests: "
                        "use it with `cdnsim replay`", cn->cache.policy);
            free(field);
            cdn_free(c);
            return NULL;
        }
    }
    c->region_rtt_ns = xcalloc(t->n_regions, sizeof *c->region_rtt_ns);
    c->region_bps = xcalloc(t->n_regions, sizeof *c->region_bps);
    for (size_t r = 0; r < t->n_regions; r++) {
        size_t k = r * t->n_nodes + (size_t)t->region_edge[r];
        c->region_rtt_ns[r] = t->region_rtt_ns[k];
        c->region_bps[r] = t->region_bps[k];
    }
    /* Every event travels on a channel whose times never decrease: a link
     * direction (constant delay) or a region's arrivals. */
    sim_queue_init(&c->q);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        c->nodes[i].up_channel = sim_queue_channel(&c->q);
        c->nodes[i].down_channel = sim_queue_channel(&c->q);
    }
    c->arrival_channel = sim_queue_channel(&c->q);
    c->req_free = REQ_NIL;
    return c;
}

void
cdn_free(struct cdn *c)
{
    if (c == NULL)
        return;
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        cache_free(c->nodes[i].cache);
        idmap_fini(&c->nodes[i].inflight);
        if (c->nodes[i].service_rng)
            gsl_rng_free(c->nodes[i].service_rng);
        free(c->nodes[i].waiting);
    }
    free(c->nodes);
    free(c->region_rtt_ns);
    free(c->region_bps);
    sim_queue_fini(&c->q);
    wl_gen_free(c->gen);
    free(c->reqs);
    free(c);
}

static uint32_t
req_alloc(struct cdn *c)
{
    if (c->req_free != REQ_NIL) {
        uint32_t s = c->req_free;
        c->req_free = c->reqs[s].next;
        return s;
    }
    if (c->reqs_used == c->reqs_cap) {
        c->reqs_cap = c->reqs_cap ? c->reqs_cap * 2 : 1024;
        SIM_ASSERT(c->reqs_cap < REQ_NIL);
        c->reqs = xrealloc(c->reqs, (size_t)c->reqs_cap * sizeof *c->reqs);
    }
    return c->reqs_used++;
}

static void
req_release(struct cdn *c, uint32_t s)
{
    c->reqs[s].next = c->req_free;
    c->req_free = s;
}

/* One line of --explain: the simulated time, then what happened. */
static void __attribute__((format(printf, 3, 4)))
narrate(const struct cdn *c, int64_t now, const char *fmt, ...)
{
    fprintf(c->explain, "%14.6f s  ", (double)now / 1e9);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->explain, fmt, ap);
    va_end(ap);
    fputc('\n', c->explain);
}

static const char *
node_name(const struct cdn *c, uint32_t i)
{
    return c->t->nodes[i].name;
}

/* The measured window of time `now`; only called for measured requests. */
static inline struct met_window *
window_at(struct cdn *c, uint32_t node, int64_t now)
{
    uint64_t w = (uint64_t)((now - c->measured_start) / c->w->window_ns);
    return met_node_window(&c->m->nodes[node], w);
}

static void
count_origin_load(struct cdn *c, int64_t now, uint64_t size)
{
    struct met_run *m = c->m;
    int64_t second = (now - c->measured_start) / SIM_S;
    if (second != c->origin_second) {
        if (c->origin_second_count > m->origin_peak_rps)
            m->origin_peak_rps = c->origin_second_count;
        c->origin_second = second;
        c->origin_second_count = 0;
    }
    c->origin_second_count++;
    m->origin_requests++;
    m->origin_bytes += size;
}

/* How long size bytes take to cross a link of bps bits/s (-1: no time). */
static inline int64_t
transfer_ns(uint64_t size, int64_t bps)
{
    return bps < 0 ? 0 : (int64_t)llround((double)size * 8e9 / (double)bps);
}

/* The node of request s sends its response downstream and s is done. */
static void
respond(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (r->measured) {
        c->m->nodes[r->node].c.bytes_out += r->size;
        window_at(c, r->node, now)->bytes_out += r->size;
    }
    if (r->child == REQ_NIL) {
        /* The client's round trip, and the body's time on its link. */
        int64_t last_mile = c->region_rtt_ns[r->region] +
                            transfer_ns(r->size, c->region_bps[r->region]);
        if (r->explain)
            narrate(c, now, "  %s answers the client in %s with object %llu: "
                    "latency %.3f ms (%.3f ms at the edge + %.3f ms to and "
                    "from the client)",
                    node_name(c, r->node), c->t->regions[r->region].name,
                    (unsigned long long)r->object,
                    (double)(now - r->t_arrive + last_mile) / 1e6,
                    (double)(now - r->t_arrive) / 1e6,
                    (double)last_mile / 1e6);
        if (r->measured) {
            uint64_t lat = (uint64_t)(now - r->t_arrive + last_mile);
            met_hist_record(&c->m->latency, lat);
            met_hist_record(&c->m->regions[r->region].latency, lat);
            if (now > c->m->measured_end_ns)
                c->m->measured_end_ns = now;
        }
    } else {
        struct req *child = &c->reqs[r->child];
        child->expires_at = r->expires_at;
        uint32_t child_node = child->node;
        const struct node *cn = &c->nodes[child_node];
        int64_t at = now + cn->down_ns + transfer_ns(r->size, cn->down_bps);
        if (r->explain)
            narrate(c, now, "  %s sends object %llu to %s, arriving at "
                    "%.6f s", node_name(c, r->node),
                    (unsigned long long)r->object, node_name(c, child_node),
                    (double)at / 1e9);
        cache_prefetch(cn->cache, r->object); /* its fill will look it up */
        if (cn->down_bps < 0)
            sim_queue_push_channel(&c->q, cn->down_channel, at, EV_RESP_AT,
                                   child_node, r->child);
        else /* times depend on sizes: not monotone, so not a channel */
            sim_queue_push(&c->q, at, EV_RESP_AT, child_node, r->child);
    }
    req_release(c, s);
}

/* Request s has reached its node: answer it, join a fetch, or fetch. */
static void
node_request(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    uint32_t ni = r->node;
    struct node *n = &c->nodes[ni];
    struct met_counters *mc = &c->m->nodes[ni].c;
    struct met_window *win = NULL;
    if (r->measured) {
        win = window_at(c, ni, now);
        mc->requests++;
        mc->bytes_requested += r->size;
        win->requests++;
    }
    if (n->cache == NULL) {
        /* An origin has everything; what it serves starts a new TTL. */
        if (r->measured) {
            mc->hits++;
            mc->bytes_hit += r->size;
            win->hits++;
            count_origin_load(c, now, r->size);
        }
        r->expires_at = r->expires_at ? now + r->expires_at : CACHE_NEVER;
        if (r->explain)
            narrate(c, now, "  %s serves object %llu", node_name(c, ni),
                    (unsigned long long)r->object);
        respond(c, s, now);
        return;
    }
    struct cache_obj *o = cache_find(n->cache, r->object);
    if (o != NULL && o->expires_at > now) {
        cache_hit(n->cache, o);
        if (r->measured) {
            mc->hits++;
            mc->bytes_hit += r->size;
            win->hits++;
        }
        r->expires_at = o->expires_at;
        if (r->explain)
            narrate(c, now, "  %s: HIT", node_name(c, ni));
        respond(c, s, now);
        return;
    }
    uint32_t leader = idmap_get(&n->inflight, r->object);
    if (leader != IDMAP_EMPTY) {
        /* Wait for the fetch already on its way (LIFO chain; all waiters
         * are answered at the same instant, so order changes nothing). */
        if (r->measured)
            mc->coalesced++;
        if (r->explain)
            narrate(c, now, "  %s: object %llu is already being fetched: "
                    "waits for that fetch (coalesced)", node_name(c, ni),
                    (unsigned long long)r->object);
        r->next = c->reqs[leader].next;
        c->reqs[leader].next = s;
        return;
    }
    if (r->measured) {
        if (o != NULL)
            mc->expired++;
        else
            mc->misses++;
        win->misses++;
    }
    r->next = REQ_NIL;
    idmap_put(&n->inflight, r->object, s);
    uint32_t u = req_alloc(c); /* may move c->reqs: r is stale from here */
    struct req *up = &c->reqs[u];
    *up = c->reqs[s];
    up->node = n->parent;
    up->child = s;
    up->next = REQ_NIL;
    up->t_arrive = now + n->up_ns;
    if (up->explain)
        narrate(c, now, "  %s: %s: fetches from %s, arriving at %.6f s",
                node_name(c, ni), o != NULL ? "EXPIRED" : "MISS",
                node_name(c, n->parent), (double)up->t_arrive / 1e9);
    if (c->nodes[n->parent].cache != NULL)
        cache_prefetch(c->nodes[n->parent].cache, up->object);
    sim_queue_push_channel(&c->q, n->up_channel, up->t_arrive, EV_REQ_AT,
                           n->parent, u);
}

/* The parent's answer for leading request s has reached s's node. */
static void
node_response(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    struct node *n = &c->nodes[r->node];
    idmap_del(&n->inflight, r->object);
    uint64_t evictions = cache_stats(n->cache)->n_evictions;
    struct cache_obj *stored =
        cache_insert(n->cache, r->object, r->size, r->expires_at);
    if (r->explain) {
        uint64_t evicted = cache_stats(n->cache)->n_evictions - evictions;
        if (stored == NULL)
            narrate(c, now, "  %s receives object %llu: does not store it "
                    "(too large, or not admitted)", node_name(c, r->node),
                    (unsigned long long)r->object);
        else
            narrate(c, now, "  %s receives object %llu: stores it, evicting "
                    "%llu object%s", node_name(c, r->node),
                    (unsigned long long)r->object,
                    (unsigned long long)evicted, evicted == 1 ? "" : "s");
    }
    int64_t expires_at = r->expires_at;
    uint32_t w = r->next;
    respond(c, s, now);
    while (w != REQ_NIL) {
        uint32_t next = c->reqs[w].next;
        c->reqs[w].expires_at = expires_at;
        respond(c, w, now);
        w = next;
    }
}

/* A service time for node n, in ns (at least 1). */
static int64_t
service_draw(const struct node *n)
{
    const struct cfg_service *sv = n->service;
    double mean = (double)sv->mean_ns, v = mean;
    switch (sv->dist) {
    case CFG_SERVICE_FIXED:
        break;
    case CFG_SERVICE_EXPONENTIAL:
        v = gsl_ran_exponential(n->service_rng, mean);
        break;
    case CFG_SERVICE_LOGNORMAL:
        /* The mean is the configured one: mu = ln(mean) - sigma^2 / 2. */
        v = gsl_ran_lognormal(n->service_rng,
                              log(mean) - sv->sigma * sv->sigma / 2,
                              sv->sigma);
        break;
    }
    int64_t ns = (int64_t)llround(v);
    return ns > 0 ? ns : 1;
}

/*
 * Request s reaches its node. A node with a processing capacity first
 * queues it for a server (FIFO, as in M/M/c) and takes it up again when
 * SERVED fires; otherwise it is looked at at once.
 */
static void
node_arrive(struct cdn *c, uint32_t s, int64_t now)
{
    struct node *n = &c->nodes[c->reqs[s].node];
    if (n->service == NULL) {
        node_request(c, s, now);
        return;
    }
    if (n->service->servers == 0 || n->busy < n->service->servers) {
        n->busy++;
        int64_t done = now + service_draw(n);
        if (c->reqs[s].explain)
            narrate(c, now, "  %s: a server takes it, done at %.6f s",
                    node_name(c, c->reqs[s].node), (double)done / 1e9);
        sim_queue_push(&c->q, done, EV_SERVED, c->reqs[s].node, s);
        return;
    }
    if (c->reqs[s].explain)
        narrate(c, now, "  %s: all %u servers busy: waits, %u ahead in line",
                node_name(c, c->reqs[s].node), n->service->servers,
                n->waiting_n);
    if (n->waiting_n == n->waiting_cap) {
        uint32_t cap = n->waiting_cap ? n->waiting_cap * 2 : 64;
        uint32_t *ring = xmalloc(cap * sizeof *ring);
        for (uint32_t i = 0; i < n->waiting_n; i++)
            ring[i] = n->waiting[(n->waiting_head + i) & (n->waiting_cap - 1)];
        free(n->waiting);
        n->waiting = ring;
        n->waiting_cap = cap;
        n->waiting_head = 0;
    }
    n->waiting[(n->waiting_head + n->waiting_n++) & (n->waiting_cap - 1)] = s;
}

/* Node ni has served request s: its server takes the next waiting one. */
static void
node_served(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    struct node *n = &c->nodes[ni];
    if (n->waiting_n > 0) {
        uint32_t next = n->waiting[n->waiting_head];
        n->waiting_head = (n->waiting_head + 1) & (n->waiting_cap - 1);
        n->waiting_n--;
        sim_queue_push(&c->q, now + service_draw(n), EV_SERVED, ni, next);
    } else {
        n->busy--;
    }
    node_request(c, s, now);
}

/* Takes the next request from the workload and schedules its arrival. */
static void
schedule_next_arrival(struct cdn *c)
{
    if (c->generated >= c->w->n_requests || !wl_gen_next(c->gen, &c->pending))
        return;
    const struct wl_request *p = &c->pending;
    cache_prefetch(c->nodes[c->t->region_edge[p->region]].cache, p->object);
    sim_queue_push_channel(&c->q, c->arrival_channel, p->at, EV_ARRIVAL,
                           p->region, 0);
}

/* The pending client request reaches its edge. */
static void
client_arrival(struct cdn *c, int64_t now)
{
    const struct wl_request *p = &c->pending;
    uint32_t reg = p->region;
    int measured = c->generated >= c->w->warmup;
    c->generated++;
    if (measured && !c->has_measured_start) {
        c->has_measured_start = 1;
        c->measured_start = now;
        c->m->measured_start_ns = now;
    }
    uint32_t s = req_alloc(c);
    struct req *r = &c->reqs[s];
    r->object = p->object;
    r->size = p->size;
    r->t_arrive = now;
    r->expires_at = p->ttl_ns; /* a TTL on the way up: see struct req */
    r->node = (uint32_t)c->t->region_edge[reg];
    r->child = REQ_NIL;
    r->next = REQ_NIL;
    r->region = (uint16_t)reg;
    r->measured = (uint8_t)measured;
    r->explain = 0;
    if (measured && c->explain_left > 0) {
        c->explain_left--;
        r->explain = 1;
        char size[32];
        format_size(p->size, size, sizeof size);
        narrate(c, now, "request %llu: object %llu (%s) from %s reaches %s",
                (unsigned long long)c->generated,
                (unsigned long long)p->object, size,
                c->t->regions[reg].name, node_name(c, r->node));
    }
    if (measured) {
        c->m->requests++;
        c->m->bytes += p->size;
        c->m->regions[reg].requests++;
        c->m->regions[reg].bytes += p->size;
    }
    schedule_next_arrival(c);
    node_arrive(c, s, now);
}

static void
iso_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double
wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
cdn_run(struct cdn *c, const struct cdn_run_opts *opts, struct met_run *m)
{
    SIM_ASSERT(!c->has_run);
    c->has_run = 1;
    const struct cfg_topology *t = c->t;
    met_run_init(m, t->n_regions, t->n_nodes);
    c->m = m;
    if (opts && opts->explain && opts->explain_n > 0) {
        c->explain = opts->explain;
        c->explain_left = opts->explain_n;
    }
    m->topology_name = t->name;
    m->topology_path = t->path;
    m->workload_name = c->w->name;
    m->workload_path = c->w->path;
    m->overrides = "";
    m->seed = c->w->seed;
    m->window_ns = c->w->window_ns;
    for (size_t r = 0; r < t->n_regions; r++)
        m->regions[r].name = t->regions[r].name;
    for (size_t i = 0; i < t->n_nodes; i++) {
        m->nodes[i].name = t->nodes[i].name;
        m->nodes[i].tier = cfg_tier_name(t->nodes[i].tier);
        m->nodes[i].depth = t->nodes[i].depth;
        m->nodes[i].egress_cost_per_gb = t->nodes[i].egress_cost_per_gb;
    }
    iso_now(m->started, sizeof m->started);
    double wall0 = wall_seconds();

    double *weights = xcalloc(t->n_regions, sizeof *weights);
    for (size_t r = 0; r < t->n_regions; r++)
        weights[r] = t->regions[r].weight;
    c->gen = wl_gen_new(c->w, weights, (uint32_t)t->n_regions);
    free(weights);
    schedule_next_arrival(c);

    int rc = 0;
    uint64_t events = 0;
    struct sim_event ev;
    while (sim_queue_pop(&c->q, &ev)) {
        events++;
        switch (ev.kind) {
        case EV_ARRIVAL:
            client_arrival(c, ev.at);
            break;
        case EV_REQ_AT:
            node_arrive(c, (uint32_t)ev.ref, ev.at);
            break;
        case EV_SERVED:
            node_served(c, ev.target, (uint32_t)ev.ref, ev.at);
            break;
        case EV_RESP_AT:
            node_response(c, (uint32_t)ev.ref, ev.at);
            break;
        default:
            SIM_ASSERT(!"unknown event kind");
        }
        if ((events & 0xffff) == 0) {
            if (opts && opts->stop && *opts->stop) {
                rc = -SIM_EINTR;
                break;
            }
            if (opts && opts->progress)
                opts->progress(opts->progress_ctx, c->generated,
                               c->w->n_requests, ev.at);
        }
    }
    if (c->origin_second_count > m->origin_peak_rps)
        m->origin_peak_rps = c->origin_second_count;
    m->is_complete = rc == 0;
    m->warmup_requests =
        c->generated < c->w->warmup ? c->generated : c->w->warmup;
    m->events = events;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        m->peak_rss_mib = (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
    m->wall_s = wall_seconds() - wall0;
    iso_now(m->finished, sizeof m->finished);
    return rc;
}
