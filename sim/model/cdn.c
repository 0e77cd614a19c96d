/* cdn.c: the request lifecycle through edges, shields and origins.
 *
 * Three kinds of event drive a run:
 *   ARRIVAL(region)       a client request reaches its region's edge;
 *   REQ_AT(node, slot)    a request (a client's, or a child's fetch)
 *                         reaches a node, which answers it or fetches;
 *   RESP_AT(node, slot)   the parent's answer to the fetch that the
 *                         request in slot leads reaches the node;
 *   SERVED(node, slot)    a node with limited servers has finished its
 *                         work on the request, which now proceeds;
 *   PURGE / PUSH(node, k) workload event k reaches the node;
 *   FAIL(node)            an outage of a node with servers starts: its
 *                         queue is dropped and its servers freed.
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
#include "util/utc.h"
#include "util/xalloc.h"
#include "workload/workload.h"

enum ev_kind {
    EV_ARRIVAL = 1,
    EV_REQ_AT,
    EV_RESP_AT,
    EV_SERVED,
    EV_PURGE, /* target: node, ref: index of the workload event */
    EV_PUSH,  /* the same */
    EV_FAIL   /* target: a node with servers, at the start of an outage */
};

#define REQ_NIL UINT32_MAX

/* One request at one node. */
struct req {
    uint64_t object;
    uint64_t size;
    int64_t t_arrive;     /* when it reached its node, ns */
    int64_t ttl_ns;       /* on the way up: the TTL the origin will give
                             (0 = never expires) */
    int64_t expires_at;   /* on the way back: the absolute expiry of the
                             content it carries */
    int64_t swr_ns;       /* the object's stale-while-revalidate and */
    int64_t sie_ns;       /* stale-if-error windows (0 = none), as the
                             workload gives them when the request is made */
    uint32_t node;
    uint32_t child;       /* the child's leading request this one fetches
                             for, or REQ_NIL for a client request */
    uint32_t next;        /* next coalesced waiter; free-list link when free */
    uint32_t asked;       /* on the way up: the workload's version of the
                             object when the client asked, which the
                             origin answers with, or WL_NO_VERSION (its
                             own change_interval rule decides) */
    uint32_t version;     /* on the way back: the content's version */
    uint32_t cond;        /* the version the requester holds and asks to
                             revalidate, or NO_VERSION: a plain GET */
    uint32_t current;     /* a client request: the origin's version when it
                             was made, to tell an outdated answer; or
                             NO_VERSION when objects never change */
    uint16_t region;
    uint8_t measured : 1; /* not part of the warm-up */
    uint8_t explain : 1;  /* narrated by --explain */
    uint8_t failed : 1;   /* on the way back: an error, not the object */
    uint8_t not_modified : 1; /* on the way back: a 304, no body */
    uint8_t background : 1;   /* a stale-while-revalidate refresh: no
                                 client waits for it */
    uint8_t bypass : 1;       /* not cacheable: passed through, unstored */
    uint8_t negative : 1;     /* on the way back: a 404 */
    uint8_t purged_on_change : 1; /* its class has purge_on_change */
    uint8_t via_origin : 1;   /* on the way back: the origin answered (a
                                 body or a 304), not a cached copy */
    uint8_t current_rises : 1; /* current is the model's own version, which
                                  only rises: a newer answer (the object
                                  changed during the fetch) is not old */
    uint8_t outcome : 4;      /* enum met_outcome as the lookup saw it;
                                 settled when the node answers */
};

#define NO_VERSION UINT32_MAX

/* What a 404 weighs, headers and a short body, in cache and on links. */
#define NEGATIVE_SIZE 512


/* One direction pair of a link from a node to an upstream node. */
struct link {
    int64_t up_ns;               /* one-way delay upstream */
    int64_t down_ns;             /* and back; up + down = the RTT */
    int64_t down_bps;            /* bandwidth, or -1: unlimited */
    uint32_t up_channel;         /* requests going up */
    uint32_t down_channel;       /* answers coming down */
};

struct node {
    struct cache_store *cache;   /* NULL for an origin */
    uint32_t parent;             /* REQ_NIL for an origin */
    uint32_t backup;             /* backup parent, or REQ_NIL */
    struct link to_parent;
    struct link to_backup;       /* valid only when backup != REQ_NIL */
    struct idmap inflight;       /* object -> leading request slot */
    /* Scheduled outages (cfg_topology.outages): the current or next one. */
    const struct cfg_outage *outage;
    const struct cfg_outage *outage_end;
    const struct cfg_outage *outage_first; /* the node's first outage */
    /* Processing capacity (cfg_service), when the node has one. */
    const struct cfg_service *service; /* NULL: requests take no time */
    gsl_rng *service_rng;
    uint32_t busy;               /* servers at work */
    uint32_t *waiting;           /* FIFO ring of request slots */
    size_t waiting_cap;          /* a power of two, or 0 */
    uint32_t waiting_head;
    uint32_t waiting_n;
};

struct cdn {
    const struct cfg_topology *t;  /* borrowed */
    const struct cfg_workload *w;  /* borrowed */
    struct node *nodes;
    uint32_t n_nodes;
    struct cfg_region_link *region_links; /* [region_links_at[region] + k]:
                                      the links to the edges a region can
                                      reach (RTT, bandwidth, share), lowest
                                      RTT first; n_links in its cfg_region */
    size_t *region_links_at;       /* [region] */
    gsl_rng **routing_rng;         /* [region]: weighted routing only */
    int has_outages;
    int **push_nodes;              /* [event]: node indices of a push */
    struct sim_queue q;
    struct wl_gen *gen;
    struct wl_request pending;     /* the next client request */
    int gen_error;                 /* the workload's error code (a bad trace
                                      record) that ended arrivals, or 0 */
    uint32_t arrival_channel;
    struct req *reqs;
    size_t reqs_cap;
    uint32_t reqs_used;
    uint32_t req_free;
    uint64_t generated;            /* client requests born so far */
    int has_run;
    volatile sig_atomic_t *stop;   /* cdn_run's opts->stop, or NULL */
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

static void
link_init(struct link *l, const struct cfg_topology *t, size_t from,
          size_t to)
{
    int64_t rtt = cfg_link_rtt(t, from, to);
    l->up_ns = rtt / 2;
    l->down_ns = rtt - rtt / 2;
    l->down_bps = cfg_link_bps(t, from, to);
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

/* Region r's link to edge e. A linear walk from the nearest: clients go to
 * the nearest edge unless routing or failures say otherwise, so it ends at
 * once on the common path, where a binary search by node would not. */
static const struct cfg_region_link *
region_link_to(const struct cdn *c, uint32_t r, uint32_t e)
{
    const struct cfg_region_link *list = &c->region_links[c->region_links_at[r]];
    size_t n = c->t->regions[r].n_links;
    for (size_t k = 0; k < n; k++)
        if ((uint32_t)list[k].node == e)
            return &list[k];
    SIM_ASSERT(!"a client was routed to an edge its region cannot reach");
    return list;
}

static inline int64_t
add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
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

/* Is node i down at `now` (it answers nothing)? */
static int
node_is_down(const struct cdn *c, uint32_t i, int64_t now)
{
    if (!c->has_outages)
        return 0;
    const struct cfg_outage *o = current_outage(c, &c->nodes[i], now);
    return o != NULL && o->at <= now && now < outage_end(o);
}

/*
 * Did node i fail after `since` (when a request reached it) and by `now`?
 * A node that fails loses the requests it holds: those waiting for a
 * server or in service, and those waiting for an answer from upstream.
 */
static int
node_failed_since(const struct cdn *c, uint32_t i, int64_t since, int64_t now)
{
    if (!c->has_outages)
        return 0;
    const struct node *n = &c->nodes[i];
    for (const struct cfg_outage *o = n->outage_first;
         o != NULL && o < n->outage_end && o->at <= now; o++)
        if (o->at > since)
            return 1;
    return 0;
}

/* Does routing believe node i is down? It notices failures and recoveries
 * failure_detection late. */
static int
node_seems_down(const struct cdn *c, uint32_t i, int64_t now)
{
    if (!c->has_outages)
        return 0;
    const struct cfg_outage *o = current_outage(c, &c->nodes[i], now);
    int64_t det = c->t->detection_ns;
    return o != NULL && add_sat(o->at, det) <= now &&
           now < add_sat(outage_end(o), det);
}

/*
 * The edge a client of region r uses at `now`, by the region's routing:
 * static, its edge; weighted, one drawn by the shares; cost, the cheapest
 * (by egress price) within the RTT bound, the nearer on a tie; nearest,
 * the lowest RTT. Edges that seem down are passed over; when a rule finds
 * nothing it falls back to the nearest edge that does not seem down, and
 * when every edge seems down, to the nearest of all.
 */
static uint32_t
route_client(const struct cdn *c, uint32_t r, int64_t now)
{
    const struct cfg_region *g = &c->t->regions[r];
    const struct cfg_region_link *list =
        &c->region_links[c->region_links_at[r]];
    uint32_t n = (uint32_t)g->n_links;
    switch (g->routing) {
    case CFG_ROUTE_NEAREST:
        if (!c->has_outages)
            return (uint32_t)list[0].node;
        break;
    case CFG_ROUTE_STATIC:
        if (!node_seems_down(c, (uint32_t)g->static_edge, now))
            return (uint32_t)g->static_edge;
        break;
    case CFG_ROUTE_WEIGHTED: {
        double total = 0;
        for (uint32_t k = 0; k < n; k++)
            if (list[k].share > 0 &&
                !node_seems_down(c, (uint32_t)list[k].node, now))
                total += list[k].share;
        if (total <= 0)
            break;
        double u = gsl_rng_uniform(c->routing_rng[r]) * total;
        uint32_t last = (uint32_t)list[0].node;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t e = (uint32_t)list[k].node;
            if (list[k].share <= 0 || node_seems_down(c, e, now))
                continue;
            last = e;
            if (u < list[k].share)
                return e;
            u -= list[k].share;
        }
        return last; /* rounding left u just past the end */
    }
    case CFG_ROUTE_COST: {
        int64_t best = -1;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t e = (uint32_t)list[k].node;
            if (list[k].rtt_ns > g->max_rtt_ns || node_seems_down(c, e, now))
                continue;
            if (best < 0 || c->t->nodes[e].egress_cost_per_gb <
                                c->t->nodes[best].egress_cost_per_gb)
                best = e;
        }
        if (best >= 0)
            return (uint32_t)best;
        break;
    }
    }
    for (uint32_t k = 0; k < n; k++)
        if (!node_seems_down(c, (uint32_t)list[k].node, now))
            return (uint32_t)list[k].node;
    return (uint32_t)list[0].node;
}

/* The link from node i up to node up (its parent or its backup). */
static const struct link *
link_to(const struct cdn *c, uint32_t i, uint32_t up)
{
    const struct node *n = &c->nodes[i];
    return up == n->parent ? &n->to_parent : &n->to_backup;
}

/* Resolves each push's target nodes: caching nodes of the topology. */
static int
events_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    c->push_nodes = xcalloc(w->n_events ? w->n_events : 1,
                            sizeof *c->push_nodes);
    for (size_t k = 0; k < w->n_events; k++) {
        const struct cfg_event *e = &w->events[k];
        if (e->kind != CFG_EVENT_PUSH)
            continue;
        c->push_nodes[k] = xcalloc(e->n_to, sizeof *c->push_nodes[k]);
        for (size_t j = 0; j < e->n_to; j++) {
            int i = cfg_node_index(c->t, e->to[j]);
            if (i < 0 || !c->t->nodes[i].has_cache) {
                char *field = xasprintf("%s.to[%zu]", e->field, j);
                sim_err_set(err, -SIM_ENOENT, e->to_marks[j].file,
                            e->to_marks[j].line, e->to_marks[j].col, field,
                            "%s\"%s\" is not a caching node of topology "
                            "\"%s\"", i < 0 ? "" : "the origin ",
                            e->to[j], c->t->name);
                free(field);
                return -SIM_ENOENT;
            }
            c->push_nodes[k][j] = i;
        }
    }
    return 0;
}

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
        n->backup = cn->backup_parent < 0 ? REQ_NIL
                                          : (uint32_t)cn->backup_parent;
        if (cn->service.is_set) {
            n->service = &cn->service;
            n->service_rng = sim_rng_new(w ? w->seed : 1,
                                         SIM_RNG_ID(SIM_RNG_SERVICE, i));
        }
        if (n->parent != REQ_NIL)
            link_init(&n->to_parent, t, i, n->parent);
        if (n->backup != REQ_NIL)
            link_init(&n->to_backup, t, i, n->backup);
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
    region_links_init(c);
    if (w != NULL && events_init(c, err) != 0) {
        cdn_free(c);
        return NULL;
    }
    if (w != NULL) {
        /* The workload source opens its trace (if any) now, so that a
         * missing or malformed one is reported before anything runs. */
        const char **names = xcalloc(t->n_regions, sizeof *names);
        double *weights = xcalloc(t->n_regions, sizeof *weights);
        for (size_t r = 0; r < t->n_regions; r++) {
            names[r] = t->regions[r].name;
            weights[r] = t->regions[r].weight;
        }
        int rc = wl_gen_new(w, names, weights, (uint32_t)t->n_regions,
                            &c->gen, err);
        free(names);
        free(weights);
        if (rc != 0) {
            cdn_free(c);
            return NULL;
        }
    }
    c->routing_rng = xcalloc(t->n_regions, sizeof *c->routing_rng);
    for (size_t r = 0; r < t->n_regions; r++)
        if (t->regions[r].routing == CFG_ROUTE_WEIGHTED)
            c->routing_rng[r] = sim_rng_new(w ? w->seed : 1,
                                            SIM_RNG_ID(SIM_RNG_ROUTING, r));
    /* Outages are sorted by node: each node gets its own run of them. */
    c->has_outages = t->n_outages > 0;
    for (size_t k = 0; k < t->n_outages; k++) {
        struct node *n = &c->nodes[t->outages[k].node];
        if (n->outage == NULL)
            n->outage = n->outage_first = &t->outages[k];
        n->outage_end = &t->outages[k + 1];
    }
    /* Every event travels on a channel whose times never decrease: a link
     * direction (constant delay) or a region's arrivals. */
    sim_queue_init(&c->q);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        struct node *n = &c->nodes[i];
        n->to_parent.up_channel = sim_queue_channel(&c->q);
        n->to_parent.down_channel = sim_queue_channel(&c->q);
        n->to_backup.up_channel = sim_queue_channel(&c->q);
        n->to_backup.down_channel = sim_queue_channel(&c->q);
    }
    c->arrival_channel = sim_queue_channel(&c->q);
    c->req_free = REQ_NIL;
    return c;
}

const struct wl_gen *
cdn_workload(const struct cdn *c)
{
    return c->gen;
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
    free(c->region_links);
    free(c->region_links_at);
    for (size_t k = 0; c->push_nodes && c->w && k < c->w->n_events; k++)
        free(c->push_nodes[k]);
    free(c->push_nodes);
    for (uint32_t r = 0; c->routing_rng && r < c->t->n_regions; r++)
        if (c->routing_rng[r])
            gsl_rng_free(c->routing_rng[r]);
    free(c->routing_rng);
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
    SIM_ASSERT(c->reqs_used < REQ_NIL);
    c->reqs = xgrow(c->reqs, &c->reqs_cap, (size_t)c->reqs_used + 1,
                    sizeof *c->reqs, 1024);
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
    return met_run_window(c->m, node, now - c->measured_start);
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

/* The origin's version of an object at `now` by the catalog's rule
 * (the workload's), as the store keeps versions: modulo 2^23. */
static inline uint32_t
origin_version(const struct cdn *c, uint64_t object, int64_t now)
{
    return wl_catalog_version(c->w, object, now) & CACHE_VERSION_MASK;
}

/* How long size bytes take to cross a link of bps bits/s (-1: no time). */
static inline int64_t
transfer_ns(uint64_t size, int64_t bps)
{
    if (bps < 0)
        return 0;
    /* Clamped like every delay (see cdn_run), for a huge object on a
     * slow link. */
    double ns = (double)size * 8e9 / (double)bps;
    return ns < (double)CFG_TIME_MAX_NS ? (int64_t)llround(ns)
                                         : CFG_TIME_MAX_NS;
}

/* Client request r was answered with an error. */
static void
count_failed(struct cdn *c, const struct req *r)
{
    c->m->errors++;
    c->m->bytes_failed += r->size;
    c->m->regions[r->region].errors++;
    c->m->regions[r->region].bytes_failed += r->size;
}

/* The node of request s sends its response downstream and s is done. */
static void
respond(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (r->background) {
        /* A refresh nobody waits for: the copy is updated, that is all. */
        req_release(c, s);
        return;
    }
    if (r->measured) {
        struct met_counters *mc = &c->m->nodes[r->node].c;
        mc->outcome[r->failed ? MET_OUT_ERROR : r->outcome]++;
        if (r->negative && !r->failed)
            mc->negative++;
    }
    if (r->measured && r->failed) {
        c->m->nodes[r->node].c.errors++;
    } else if (r->measured && !r->not_modified) {
        c->m->nodes[r->node].c.bytes_out += r->size;
        window_at(c, r->node, now)->bytes_out += r->size;
    }
    if (r->child == REQ_NIL && r->failed) {
        if (r->explain)
            narrate(c, now, "  %s answers the client in %s with an error",
                    node_name(c, r->node), c->t->regions[r->region].name);
        if (r->measured)
            count_failed(c, r);
    } else if (r->child == REQ_NIL) {
        /* The client's round trip, and the body's time on its link. */
        const struct cfg_region_link *l =
            region_link_to(c, r->region, r->node);
        int64_t last_mile = l->rtt_ns + transfer_ns(r->size, l->bps);
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
            uint32_t behind = (r->current - r->version) & CACHE_VERSION_MASK;
            if (r->current != NO_VERSION && !r->negative && behind != 0 &&
                (!r->current_rises || behind < CACHE_VERSION_MASK / 2)) {
                c->m->outdated++;
                c->m->regions[r->region].outdated++;
            }
            struct met_region *g = &c->m->regions[r->region];
            if (r->via_origin) {
                c->m->from_origin++;
                c->m->bytes_from_origin += r->size;
                g->from_origin++;
                g->bytes_from_origin += r->size;
            } else {
                c->m->from_cache++;
                c->m->bytes_from_cache += r->size;
                g->hits++;
                g->bytes_hit += r->size;
            }
            met_hist_record(&c->m->latency, lat);
            met_hist_record(&c->m->regions[r->region].latency, lat);
            if (now > c->m->measured_end_ns)
                c->m->measured_end_ns = now;
        }
    } else {
        struct req *child = &c->reqs[r->child];
        child->expires_at = r->expires_at;
        child->failed = r->failed;
        child->version = r->version;
        child->not_modified = r->not_modified;
        child->negative = r->negative;
        child->via_origin = r->via_origin;
        uint32_t child_node = child->node;
        const struct node *cn = &c->nodes[child_node];
        const struct link *lk = link_to(c, child_node, r->node);
        int64_t at = now + lk->down_ns + transfer_ns(r->size, lk->down_bps);
        if (r->failed || r->not_modified)
            at = now + lk->down_ns; /* an error or a 304 carries no body */
        if (r->explain)
            narrate(c, now, "  %s sends %s %llu to %s, arriving at %.6f s",
                    node_name(c, r->node),
                    r->failed         ? "an error for object"
                    : r->not_modified ? "304 Not Modified for object"
                                      : "object",
                    (unsigned long long)r->object, node_name(c, child_node),
                    (double)at / 1e9);
        cache_prefetch(cn->cache, r->object); /* its fill will look it up */
        if (lk->down_bps < 0 || r->failed || r->not_modified)
            sim_queue_push_channel(&c->q, lk->down_channel, at, EV_RESP_AT,
                                   child_node, r->child);
        else /* times depend on sizes: not monotone, so not a channel */
            sim_queue_push(&c->q, at, EV_RESP_AT, child_node, r->child);
    }
    req_release(c, s);
}

/*
 * Sends one fetch up from node ni on behalf of leading request s, which is
 * now in ni's in-flight map. cond is the version ni holds (a conditional
 * request that may come back as a 304) or NO_VERSION; why names it for
 * --explain.
 */
static void
fetch_upstream(struct cdn *c, uint32_t s, int64_t now, uint32_t cond,
               const char *why)
{
    uint32_t ni = c->reqs[s].node;
    struct node *n = &c->nodes[ni];
    /* The parent, or the backup while the parent seems down and the
     * backup does not. */
    uint32_t target = n->parent;
    if (n->backup != REQ_NIL && node_seems_down(c, n->parent, now) &&
        !node_seems_down(c, n->backup, now))
        target = n->backup;
    const struct link *lk = link_to(c, ni, target);
    uint32_t u = req_alloc(c); /* may move c->reqs */
    struct req *up = &c->reqs[u];
    *up = c->reqs[s];
    up->node = target;
    up->child = s;
    up->next = REQ_NIL;
    up->cond = cond;
    up->background = 0;
    up->t_arrive = now + lk->up_ns;
    if (up->explain)
        narrate(c, now, "  %s: %s: %s from %s%s, arriving at %.6f s",
                node_name(c, ni), why,
                cond == NO_VERSION ? "fetches" : "revalidates",
                target == n->parent ? "" : "its backup parent ",
                node_name(c, target), (double)up->t_arrive / 1e9);
    if (c->nodes[target].cache != NULL)
        cache_prefetch(c->nodes[target].cache, up->object);
    sim_queue_push_channel(&c->q, lk->up_channel, up->t_arrive, EV_REQ_AT,
                           target, u);
}

/*
 * purge_on_change, evaluated lazily: has the origin purged copy o (of a
 * class whose objects the origin purges when they change) by `now`? It
 * has if the object changed after o's content was made and the purge has
 * had its delay to arrive: o's version is behind the version of
 * now - delay (class versions only rise). The result is the one purging
 * at each change would give, except that a purged copy holds its cache
 * space until it is next asked for, and a copy fetched between a change
 * and its purge's arrival survives the purge (it has the new content).
 */
static int
purged_since_stored(const struct cdn *c, const struct cache_obj *o,
                    int64_t now)
{
    const struct cfg_class *cl = wl_gen_class_of(c->gen, o->key);
    if (o->is_negative || now < cl->purge_delay_ns)
        return 0;
    uint32_t then = wl_gen_object_version(c->gen, o->key,
                                          now - cl->purge_delay_ns);
    uint32_t behind = (then - (uint32_t)o->version) & CACHE_VERSION_MASK;
    return behind != 0 && behind < CACHE_VERSION_MASK / 2;
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
        /* An origin has everything; what it serves starts a new TTL, and a
         * conditional request for the current version gets a 304. */
        r->negative = (uint8_t)wl_is_missing(c->w, r->object);
        if (r->negative) /* 404s are cached for their own TTL */
            r->expires_at = now + c->w->negative_ttl_ns;
        else
            r->expires_at = r->ttl_ns ? now + r->ttl_ns : CACHE_NEVER;
        r->version = r->asked != WL_NO_VERSION
                         ? r->asked & CACHE_VERSION_MASK
                         : origin_version(c, r->object, now);
        /* A 404 carries no validator: it is never answered with a 304. */
        r->not_modified = !r->negative && r->cond == r->version;
        r->outcome = MET_OUT_HIT;
        r->via_origin = 1;
        if (r->measured) {
            mc->hits++;
            mc->bytes_hit += r->size;
            win->hits++;
            /* A 304 sends no body: origin bytes count what left it. */
            count_origin_load(c, now, r->not_modified ? 0 : r->size);
        }
        if (r->explain)
            narrate(c, now, "  %s serves object %llu%s", node_name(c, ni),
                    (unsigned long long)r->object,
                    r->not_modified ? ": not modified (304)" : "");
        respond(c, s, now);
        return;
    }
    if (r->bypass) {
        /* No-store: no lookup, no coalescing, straight to the parent. */
        r->outcome = MET_OUT_BYPASS;
        if (r->measured)
            mc->bypass++;
        r->next = REQ_NIL;
        fetch_upstream(c, s, now, NO_VERSION, "BYPASS");
        return;
    }
    struct cache_obj *o = cache_find(n->cache, r->object);
    if (o != NULL && r->purged_on_change && purged_since_stored(c, o, now)) {
        if (r->explain)
            narrate(c, now, "  %s: its copy was purged when object %llu "
                    "changed", node_name(c, ni),
                    (unsigned long long)r->object);
        cache_remove(n->cache, o);
        o = NULL;
        if (r->measured)
            mc->purged++;
    }
    if (o != NULL && o->expires_at > now) {
        cache_hit(n->cache, o);
        if (r->measured) {
            mc->hits++;
            mc->bytes_hit += r->size;
            win->hits++;
        }
        r->expires_at = o->expires_at;
        r->version = o->version;
        int negative = o->is_negative;
        /* The flags together: one read-modify-write of their bytes. */
        r->outcome = MET_OUT_HIT;
        r->negative = (uint8_t)negative;
        r->via_origin = 0;
        r->not_modified = !negative && r->cond == o->version;
        if (r->explain)
            narrate(c, now, "  %s: HIT%s", node_name(c, ni),
                    r->negative ? " (a cached 404)" : "");
        respond(c, s, now);
        return;
    }
    uint32_t leader = idmap_get(&n->inflight, r->object);
    if (o != NULL && r->swr_ns > 0 &&
        now < add_sat(o->expires_at, r->swr_ns)) {
        /* stale-while-revalidate (RFC 5861): answer with the stale copy at
         * once; the first such request also starts one background refresh,
         * and while it is on its way later ones are served stale too. */
        uint32_t held = o->version;
        int start_refresh = leader == IDMAP_EMPTY;
        r->outcome = MET_OUT_UPDATING;
        if (r->measured) {
            /* Answered from this node's copy: a hit, in requests and in
             * bytes alike (met_counters.hits). */
            mc->hits++;
            mc->stale++;
            mc->bytes_hit += r->size;
            win->hits++;
            mc->updates += (uint64_t)start_refresh;
        }
        if (r->explain)
            narrate(c, now, "  %s: STALE: serves its stale copy%s",
                    node_name(c, ni),
                    start_refresh ? " and refreshes it in the background"
                                  : " (a refresh is on its way)");
        r->expires_at = o->expires_at;
        r->version = held;
        r->not_modified = r->cond == held;
        r->negative = o->is_negative;
        r->via_origin = 0;
        if (!start_refresh) {
            respond(c, s, now);
            return;
        }
        uint32_t b = req_alloc(c); /* may move c->reqs */
        r = &c->reqs[s];
        struct req *bg = &c->reqs[b];
        *bg = *r; /* what goes up (ttl_ns, asked) is r's own */
        bg->child = REQ_NIL;
        bg->next = REQ_NIL;
        bg->background = 1;
        bg->explain = 0;
        respond(c, s, now);
        idmap_put(&n->inflight, c->reqs[b].object, b);
        fetch_upstream(c, b, now, held, "refresh");
        return;
    }
    if (leader != IDMAP_EMPTY) {
        /* Wait for the fetch already on its way (LIFO chain; all waiters
         * are answered at the same instant, so order changes nothing). */
        r->outcome = MET_OUT_COALESCED;
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
    r->outcome = o != NULL ? MET_OUT_EXPIRED : MET_OUT_MISS;
    if (r->measured) {
        if (o != NULL)
            mc->expired++;
        else
            mc->misses++;
        win->misses++;
    }
    r->next = REQ_NIL;
    idmap_put(&n->inflight, r->object, s);
    fetch_upstream(c, s, now, o != NULL ? o->version : NO_VERSION,
                   o != NULL ? "EXPIRED" : "MISS");
}

/* The parent's answer for leading request s has reached s's node. */
static void
node_response(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    uint32_t ni = r->node;
    struct node *n = &c->nodes[ni];
    struct met_counters *mc = &c->m->nodes[ni].c;
    if (node_failed_since(c, ni, r->t_arrive, now)) {
        /* The node failed while this fetch was on its way: it lost the
         * requests waiting for it, which get an error (a reset
         * connection), and stores nothing. */
        if (!r->bypass)
            idmap_del(&n->inflight, r->object);
        if (r->explain)
            narrate(c, now, "  %s failed while fetching object %llu: its "
                    "waiting requests get an error", node_name(c, ni),
                    (unsigned long long)r->object);
        for (uint32_t w = s; w != REQ_NIL;) {
            uint32_t next = c->reqs[w].next;
            c->reqs[w].failed = 1;
            c->reqs[w].not_modified = 0;
            respond(c, w, now);
            w = next;
        }
        return;
    }
    if (r->bypass) {
        /* Passed through: nothing was in flight, nothing is stored. */
        if (r->explain)
            narrate(c, now, "  %s passes %s for object %llu on (not "
                    "cacheable)", node_name(c, ni),
                    r->failed ? "an error" : "the answer",
                    (unsigned long long)r->object);
        respond(c, s, now);
        return;
    }
    idmap_del(&n->inflight, r->object);
    /* The held copy matters only for a 304 or an error; a full answer
     * replaces it in cache_insert, which finds it itself. */
    struct cache_obj *o = r->failed || r->not_modified
                              ? cache_find(n->cache, r->object)
                              : NULL;
    int failed = r->failed;
    if (failed && o != NULL && r->sie_ns > 0 &&
        now < add_sat(o->expires_at, r->sie_ns)) {
        /* stale-if-error (RFC 5861): the stale copy instead of the error,
         * for the leader and every waiter. */
        failed = 0;
        if (r->explain)
            narrate(c, now, "  %s receives an error for object %llu: serves "
                    "its stale copy instead (stale-if-error)",
                    node_name(c, ni), (unsigned long long)r->object);
    } else if (failed) {
        if (r->explain)
            narrate(c, now, "  %s receives an error for object %llu",
                    node_name(c, ni), (unsigned long long)r->object);
    } else if (r->not_modified && o != NULL && o->version == r->version) {
        /* 304: the held copy is good for a new lifetime, and was just
         * used; no body came. */
        o->expires_at = r->expires_at;
        cache_hit(n->cache, o);
        if (r->measured) {
            mc->revalidated++;
            mc->bytes_saved += r->size;
        }
        if (r->explain)
            narrate(c, now, "  %s receives 304 Not Modified for object %llu: "
                    "its copy is fresh again", node_name(c, ni),
                    (unsigned long long)r->object);
    } else if (r->not_modified) {
        /* A 304 for a copy that was evicted while its revalidation was on
         * its way validates nothing: fetch the body, and keep every waiter
         * waiting for it (about 0.5% of revalidations on the default
         * scenario). */
        if (r->explain)
            narrate(c, now, "  %s receives 304 Not Modified for object %llu, "
                    "but its copy is gone", node_name(c, ni),
                    (unsigned long long)r->object);
        r->not_modified = 0;
        if (r->measured)
            mc->refetched++;
        idmap_put(&n->inflight, r->object, s);
        fetch_upstream(c, s, now, NO_VERSION, "its copy was evicted");
        return;
    } else {
        uint64_t evictions = cache_stats(n->cache)->n_evictions;
        o = cache_insert(n->cache, r->object, r->size, r->expires_at);
        if (o != NULL) {
            o->version = r->version;
            o->is_negative = r->negative;
        }
        if (r->explain) {
            uint64_t evicted = cache_stats(n->cache)->n_evictions - evictions;
            if (o == NULL)
                narrate(c, now, "  %s receives object %llu: does not store "
                        "it (too large, or not admitted)", node_name(c, ni),
                        (unsigned long long)r->object);
            else
                narrate(c, now, "  %s receives object %llu: stores it, "
                        "evicting %llu object%s", node_name(c, ni),
                        (unsigned long long)r->object,
                        (unsigned long long)evicted, evicted == 1 ? "" : "s");
        }
    }
    /* What every request of the fetch gets: the error, or the content
     * (stale or new) with its expiry and version; a 304 for those that
     * asked to revalidate the version they hold. */
    int stale_if_error = r->failed && !failed;
    if (!failed && !stale_if_error && r->not_modified &&
        r->outcome == MET_OUT_EXPIRED)
        r->outcome = MET_OUT_REVALIDATED; /* the leader's own fetch: 304 */
    int64_t expires_at = stale_if_error ? o->expires_at : r->expires_at;
    uint32_t version = stale_if_error ? o->version : r->version;
    int negative = stale_if_error ? o->is_negative
                                  : r->negative;
    int via_origin = !stale_if_error && r->via_origin;
    uint32_t w = s;
    while (w != REQ_NIL) {
        struct req *q = &c->reqs[w];
        uint32_t next = w == s ? r->next : q->next;
        int not_modified = !failed && q->cond == version;
        q->expires_at = expires_at;
        q->version = version;
        /* The flags together, so that they are one read-modify-write of
         * their bytes (one at a time, each would read back a byte just
         * stored, which stalls). */
        q->failed = (uint8_t)failed;
        q->not_modified = (uint8_t)not_modified;
        q->negative = (uint8_t)negative;
        q->via_origin = (uint8_t)via_origin;
        if (stale_if_error) {
            q->outcome = MET_OUT_STALE;
            if (q->measured && !q->background) {
                /* Answered from this node's copy after all: a hit. */
                mc->stale_if_error++;
                mc->hits++;
                mc->bytes_hit += q->size;
                window_at(c, ni, now)->hits++;
            }
        }
        respond(c, w, now);
        w = next;
    }
}

/*
 * Request s has reached a node that is down. The node answers nothing and
 * counts nothing; the sender learns of the failure one link delay later
 * (as a refused connection, not a timeout) and passes an error down.
 */
static void
node_refuse(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (r->explain)
        narrate(c, now, "  %s is down: the request fails",
                node_name(c, r->node));
    if (r->child == REQ_NIL) {
        /* A client at a dead edge: an error, after its own round trip. */
        if (r->measured)
            count_failed(c, r);
        req_release(c, s);
        return;
    }
    struct req *child = &c->reqs[r->child];
    child->failed = 1;
    uint32_t child_node = child->node;
    const struct link *lk = link_to(c, child_node, r->node);
    sim_queue_push_channel(&c->q, lk->down_channel, now + lk->down_ns,
                           EV_RESP_AT, child_node, r->child);
    req_release(c, s);
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
    if (!(v < (double)CFG_TIME_MAX_NS)) /* a far tail: see cdn_run */
        return CFG_TIME_MAX_NS;
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
    if (node_is_down(c, c->reqs[s].node, now)) {
        node_refuse(c, s, now);
        return;
    }
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
        /* Full, so it wraps at head: the part before head moves past the
         * old end, where the doubled ring continues it. */
        size_t cap = n->waiting_cap;
        n->waiting = xgrow(n->waiting, &cap, cap + 1, sizeof *n->waiting, 64);
        memcpy(n->waiting + n->waiting_cap, n->waiting,
               n->waiting_head * sizeof *n->waiting);
        n->waiting_cap = cap;
    }
    n->waiting[(n->waiting_head + n->waiting_n++) & (n->waiting_cap - 1)] = s;
}

/*
 * Node ni fails (an outage starts): the requests waiting for a server are
 * lost at once, and so are those in service, whose servers are free from
 * now on, so that requests arriving after the recovery find an idle node.
 * The ones in service are refused when their SERVED fires (node_served
 * sees the failure): their events cannot be found in the queue now.
 */
static void
node_fail(struct cdn *c, uint32_t ni, int64_t now)
{
    struct node *n = &c->nodes[ni];
    if (c->explain != NULL && c->explain_left > 0 && n->waiting_n > 0)
        narrate(c, now, "%s fails: %u waiting requests are lost",
                node_name(c, ni), n->waiting_n);
    while (n->waiting_n > 0) {
        uint32_t s = n->waiting[n->waiting_head];
        n->waiting_head = (n->waiting_head + 1) & (n->waiting_cap - 1);
        n->waiting_n--;
        node_refuse(c, s, now);
    }
    n->busy = 0;
}

/* Node ni has served request s: its server takes the next waiting one. */
static void
node_served(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    struct node *n = &c->nodes[ni];
    if (node_failed_since(c, ni, c->reqs[s].t_arrive, now)) {
        /* Lost in the failure, which freed its server and dropped the
         * queue (node_fail): the server is not this request's any more. */
        node_refuse(c, s, now);
        return;
    }
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
    if (c->w->n_requests > 0 && c->generated >= c->w->n_requests)
        return; /* n_requests 0: a trace's every record */
    int rc = wl_gen_next(c->gen, &c->pending);
    if (rc < 0)
        c->gen_error = rc; /* a bad trace record: no more arrivals */
    if (rc <= 0)
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
    r->ttl_ns = p->ttl_ns;
    r->expires_at = 0;
    r->swr_ns = p->swr_ns;
    r->sie_ns = p->sie_ns;
    r->node = route_client(c, reg, now);
    r->child = REQ_NIL;
    r->next = REQ_NIL;
    r->asked = p->version;
    r->version = 0;
    r->cond = NO_VERSION; /* clients hold no copy */
    r->current = p->version != WL_NO_VERSION ? p->version
                 : c->w->change_interval_ns > 0
                     ? origin_version(c, p->object, now)
                     : NO_VERSION;
    r->region = (uint16_t)reg;
    int bypass = p->is_uncacheable || wl_is_uncacheable(c->w, p->object);
    int purged_on_change = c->w->n_classes > 0 &&
                           c->w->classes[p->class_id].is_purged_on_change;
    /* The flags together, so that they are one read-modify-write of their
     * bytes (one at a time, each would read back a byte just stored). */
    r->measured = (uint8_t)measured;
    r->explain = 0;
    r->failed = 0;
    r->not_modified = 0;
    r->background = 0;
    r->bypass = (uint8_t)bypass;
    r->negative = 0;
    r->purged_on_change = (uint8_t)purged_on_change;
    r->via_origin = 0;
    r->current_rises = p->version == WL_NO_VERSION;
    r->outcome = 0;
    if (wl_is_missing(c->w, p->object))
        r->size = NEGATIVE_SIZE; /* what a 404 weighs, not the object */
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
        c->m->bytes += r->size;
        c->m->regions[reg].requests++;
        c->m->regions[reg].bytes += r->size;
    }
    schedule_next_arrival(c);
    node_arrive(c, s, now);
}

struct purge_ctx {
    const struct cdn *c;
    size_t event;
    int64_t now;
    uint64_t n;
    uint64_t *ids;      /* hard purge by selector: the ids to remove */
    size_t n_ids, cap_ids;
};

static void
mark_stale(struct cache_obj *o, void *ctx)
{
    struct purge_ctx *p = ctx;
    if (o->expires_at > p->now)
        o->expires_at = p->now;
    p->n++;
}

/* A purge by tag, class or prefix, at one cached object: a soft purge
 * marks it at once; a hard one collects it (the store may not change
 * while it is walked). */
static void
purge_selected(struct cache_obj *o, void *ctx)
{
    struct purge_ctx *p = ctx;
    if (!wl_gen_purge_selects(p->c->gen, p->event, o->key))
        return;
    if (p->c->w->events[p->event].is_soft) {
        mark_stale(o, p);
        return;
    }
    p->ids = xgrow(p->ids, &p->cap_ids, p->n_ids + 1, sizeof *p->ids, 256);
    p->ids[p->n_ids++] = o->key;
}

/*
 * Purge event k reaches node ni: a hard purge deletes, a soft one marks
 * the copies stale so that the next request revalidates them (and gets a
 * 304 if the object did not change). A fetch already in flight still
 * stores what it brings. A purge by tag, class or prefix looks at every
 * object the node holds (as a CDN's surrogate-key index would find them).
 */
static void
node_purge(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    const struct cfg_event *e = &c->w->events[k];
    struct cache_store *cs = c->nodes[ni].cache;
    struct purge_ctx p = {.c = c, .event = k, .now = now};
    switch (e->purge_by) {
    case CFG_PURGE_ALL:
        if (e->is_soft)
            cache_each(cs, mark_stale, &p);
        else
            for (struct cache_obj *o; (o = cache_victim(cs)) != NULL; p.n++)
                cache_remove(cs, o);
        break;
    case CFG_PURGE_OBJECTS:
        for (size_t j = 0; j < e->n_objects; j++) {
            struct cache_obj *o = cache_find(cs, e->objects[j]);
            if (o == NULL)
                continue;
            if (e->is_soft)
                mark_stale(o, &p);
            else
                cache_remove(cs, o), p.n++;
        }
        break;
    case CFG_PURGE_TAG:
    case CFG_PURGE_CLASS:
    case CFG_PURGE_PREFIX:
        cache_each(cs, purge_selected, &p);
        for (size_t j = 0; j < p.n_ids; j++)
            cache_remove(cs, cache_find(cs, p.ids[j])), p.n++;
        free(p.ids);
        break;
    }
    if (c->generated >= c->w->warmup) /* after the warm-up */
        c->m->nodes[ni].c.purged += p.n;
    if (c->explain != NULL && c->explain_left > 0)
        narrate(c, now, "%s reaches %s: %s %llu cached cop%s",
                e->field, node_name(c, ni),
                e->is_soft ? "a soft purge marks stale" : "a purge removes",
                (unsigned long long)p.n, p.n == 1 ? "y" : "ies");
}

/* The origin above node i (following parents). */
static uint32_t
origin_of(const struct cdn *c, uint32_t i)
{
    while (c->nodes[i].parent != REQ_NIL)
        i = c->nodes[i].parent;
    return i;
}

/* One object a push sends. */
struct push_item {
    uint64_t id;
    uint64_t size;
    int is_sent; /* stored when it arrived */
};

/* Pushes one object into a node's cache; returns whether it was stored
 * (not when the node already held it fresh, or did not admit it). */
static int
push_object(struct cdn *c, struct cache_store *cs, uint64_t id, uint64_t size,
            int64_t now)
{
    struct cache_obj *o = cache_find(cs, id);
    if (o != NULL && o->expires_at > now)
        return 0;
    int64_t ttl = wl_gen_object_ttl(c->gen, id);
    o = cache_insert(cs, id, size, ttl ? now + ttl : CACHE_NEVER);
    if (o == NULL)
        return 0;
    uint32_t v = wl_gen_object_version(c->gen, id, now);
    o->version = v != WL_NO_VERSION ? v & CACHE_VERSION_MASK
                                    : origin_version(c, id, now);
    return 1;
}

/* Adds object id to the push list if it fits in what is left of the
 * node's capacity (*room); a copy held fresh stays and takes its room. */
static void
push_select(struct cdn *c, struct cache_store *cs, uint64_t id, int64_t now,
            uint64_t *room, struct push_item **items, size_t *cap_items,
            size_t *n_items)
{
    const struct cache_obj *o = cache_find(cs, id);
    int is_held = o != NULL && o->expires_at > now;
    uint64_t size = is_held ? o->size : wl_gen_object_size(c->gen, id);
    if (size > *room)
        return;
    *room -= size;
    if (is_held)
        return;
    *items = xgrow(*items, cap_items, *n_items + 1, sizeof **items, 64);
    (*items)[(*n_items)++] = (struct push_item){.id = id, .size = size};
}

/*
 * Push event k fills node ni with the `top` most popular objects (or the
 * objects it names), as an off-peak fill does: each is stored fresh (a
 * new TTL) unless the node already holds it fresh. A fill is planned to
 * fit the node: objects are taken most popular first (or in the order
 * named) while they fit in its capacity, the fresh copies it holds
 * counted, so that the push does not evict what it has just sent. What
 * the origin sent counts as its bytes out (origin.bytes, its time series,
 * origin.pushed_bytes); what is still stored when the push is done counts
 * as the node's pushed_bytes, never more than its capacity (a policy may
 * still evict some of the push, e.g. S3-FIFO's small queue).
 */
static void
node_push(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    const struct cfg_event *e = &c->w->events[k];
    struct cache_store *cs = c->nodes[ni].cache;
    uint64_t n = c->w->classes[0].n_objects; /* pushes rank the first class */
    uint64_t top = e->top < n ? e->top : n;
    /* A push may name 2^40 objects: the list grows with what fits, the
     * walk ends when nothing more can, and a stop ends it early. */
    struct push_item *items = NULL;
    size_t n_items = 0, cap_items = 0;
    uint64_t room = cache_capacity_bytes(cs);
    for (uint64_t rank = 1; rank <= top && room > 0; rank++) {
        if ((rank & 0xffff) == 0 && c->stop != NULL && *c->stop)
            break;
        push_select(c, cs, wl_gen_object_at_rank(c->gen, rank), now, &room,
                    &items, &cap_items, &n_items);
    }
    for (size_t j = 0; e->top == 0 && j < e->n_objects; j++)
        push_select(c, cs, e->objects[j], now, &room, &items, &cap_items,
                    &n_items);
    /* Least popular (or last named) first, so that the most popular (the
     * first named) end up most recent. */
    uint64_t sent = 0, stored = 0;
    for (size_t j = n_items; j-- > 0;) {
        items[j].is_sent = push_object(c, cs, items[j].id, items[j].size, now);
        if (items[j].is_sent)
            sent += items[j].size;
    }
    for (size_t j = 0; j < n_items; j++) {
        const struct cache_obj *o =
            items[j].is_sent ? cache_find(cs, items[j].id) : NULL;
        if (o != NULL)
            stored += items[j].size;
    }
    free(items);
    if (c->generated >= c->w->warmup) { /* after the warm-up */
        uint32_t origin = origin_of(c, ni);
        struct met_run *m = c->m;
        m->nodes[ni].c.pushed_bytes += stored;
        m->nodes[origin].c.bytes_out += sent;
        m->origin_bytes += sent;
        m->origin_pushed_bytes += sent;
        /* A push before the first measured request falls in window 0. */
        int64_t t = c->has_measured_start ? now - c->measured_start : 0;
        met_run_window(m, origin, t > 0 ? t : 0)->bytes_out += sent;
    }
    if (c->explain != NULL && c->explain_left > 0) {
        char size[32];
        format_size(stored, size, sizeof size);
        narrate(c, now, "%s: a push fills %s with %s", e->field,
                node_name(c, ni), size);
    }
}

static void
schedule_events(struct cdn *c)
{
    for (size_t k = 0; k < c->t->n_outages; k++) {
        const struct cfg_outage *o = &c->t->outages[k];
        if (c->nodes[o->node].service != NULL)
            sim_queue_push(&c->q, o->at, EV_FAIL, (uint32_t)o->node, 0);
    }
    for (size_t k = 0; k < c->w->n_events; k++) {
        const struct cfg_event *e = &c->w->events[k];
        if (e->kind == CFG_EVENT_PUSH) {
            for (size_t j = 0; j < e->n_to; j++)
                sim_queue_push(&c->q, e->at, EV_PUSH,
                               (uint32_t)c->push_nodes[k][j], k);
            continue;
        }
        for (uint32_t i = 0; i < c->n_nodes; i++)
            if (c->nodes[i].cache != NULL)
                sim_queue_push(&c->q, add_sat(e->at, e->propagation_ns),
                               EV_PURGE, i, k);
    }
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
    utc_now(m->started);
    double wall0 = wall_seconds();

    c->stop = opts ? opts->stop : NULL;
    wl_gen_set_stop(c->gen, c->stop);
    schedule_events(c);
    schedule_next_arrival(c);

    int rc = 0;
    uint64_t events = 0;
    struct sim_event ev;
    while (sim_queue_pop(&c->q, &ev)) {
        /* The end of the simulated clock (2^62 ns, 146 years), as for the
         * workload's arrivals. Every delay added to an event's time is at
         * most CFG_TIME_MAX_NS, so no time computed from one before it
         * can overflow; validation keeps runs far from it. */
        if (ev.at >= WL_NEVER)
            break;
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
        case EV_PURGE:
            node_purge(c, ev.target, (size_t)ev.ref, ev.at);
            break;
        case EV_PUSH:
            node_push(c, ev.target, (size_t)ev.ref, ev.at);
            break;
        case EV_RESP_AT:
            node_response(c, (uint32_t)ev.ref, ev.at);
            break;
        case EV_FAIL:
            node_fail(c, ev.target, ev.at);
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
    if (rc == 0 && c->gen_error != 0)
        rc = c->gen_error;
    /* A stop can also end the workload early (wl_gen_set_stop). */
    if (rc == 0 && opts && opts->stop && *opts->stop)
        rc = -SIM_EINTR;
    m->is_complete = rc == 0;
    m->warmup_requests =
        c->generated < c->w->warmup ? c->generated : c->w->warmup;
    m->events = events;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        m->peak_rss_mib = (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
    m->wall_s = wall_seconds() - wall0;
    utc_now(m->finished);
    return rc;
}
