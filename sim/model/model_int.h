/* model_int.h: private to sim/model/: the CDN's state (struct cdn, its
 * nodes, links and requests), the outcomes of a lookup and of an answer,
 * and what the model's files offer each other.
 *
 * Files of the model and what each owns:
 *   cdn.c      building and freeing a cdn;
 *   run.c      the run loop: events, client arrivals, the run's record;
 *   request.c  the request lifecycle: a lookup gives an outcome
 *              (enum lookup), a small handler acts on it; an answer from
 *              upstream is classified (enum answer) and handled the same
 *              way; fetches upstream and answers downstream;
 *   observe.c  counting: every outcome is recorded by one observer,
 *              which updates the counters and narrates (explain.c);
 *   explain.c  --explain's narration;
 *   route.c    links, routing of clients, the parent a fetch goes to,
 *              the client's last mile;
 *   outage.c   failure state: down, seems down, failed since;
 *   service.c  node queues and servers;
 *   overload.c queue_limit, timeout and rate_limit: requests a node
 *              refuses (503), times out (504) or limits (429);
 *   content.c  purges, pushes and purge_on_change;
 *   compute.c  edge compression, image transformation, edge functions.
 * Functions on the path of every request are static inline here; the
 * prototypes of the feature modules are in faults.h, transfer.h,
 * origin_route.h, content.h, edge.h and observers.h next to it.
 */
#ifndef SIM_MODEL_MODEL_INT_H
#define SIM_MODEL_MODEL_INT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "cache/cache.h"
#include "engine/engine.h"
#include "model/link.h"
#include "model/model.h"
#include "util/idmap.h"
#include "util/xalloc.h"

enum ev_kind {
    EV_ARRIVAL = 1,   /* target: region; the pending client request */
    EV_REQ_AT,        /* target: node, ref: request slot */
    EV_RESP_AT,       /* target: node, ref: the slot of the leading request
                         whose fetch the answer is for */
    EV_SERVED,        /* target: node, ref: request slot */
    EV_PURGE,         /* target: node, ref: index of the workload event */
    EV_PUSH,          /* the same */
    EV_FAIL,          /* target: a node with servers, at the start of an
                         outage */
    EV_LINK_DONE,     /* target: a shared link, ref: its generation
                         (link.h, shared.c) */
    EV_QUEUE_TIMEOUT, /* target: a node with a timeout: the first waiting
                         request's deadline (overload.c) */
    EV_TIMED_OUT,     /* target: node, ref: the slot of the 504 answer of a
                         request whose service outlasts its timeout */
    EV_BROWNOUT_DONE, /* target: node, ref: request slot: a brownout's
                         add_latency has passed (brownout.c) */
    EV_PRODUCED,      /* target: node, ref: the slot of a leading request
                         whose copy the edge has compressed or
                         transformed (compute.c) */
    EV_FUNCTION_DONE, /* target: node, ref: request slot: its edge
                         function has run (compute.c) */
    EV_UP_DEADLINE,   /* target: node, ref: the slot of a fetch's leader:
                         the node's timeout, if its parent has not answered
                         (upstream_timeout.c) */
    EV_TIER_READ,     /* target: node, ref: request slot: a hit's read
                         from a PoP server's RAM or SSD is done: it is
                         answered (pop.c) */
    EV_VIDEO          /* target: a video session, ref: enum video_step
                         (video.c) */
};

/* The HTTP code of an error a node's overload protection sent
 * (req.code; overload.c): none (a failure, or no error), 429, 503, 504. */
enum req_code { CODE_NONE, CODE_429, CODE_503, CODE_504 };

#define REQ_NIL UINT32_MAX

/* A version no copy has: a plain GET, or objects that never change. */
#define NO_VERSION UINT32_MAX

/* What a 404 weighs, headers and a short body, in cache and on links. */
#define NEGATIVE_SIZE 512

/* One request at one node. */
struct req {
    uint64_t object;
    uint64_t size;
    int64_t t_arrive;   /* when it reached its node, ns */
    int64_t ttl_ns;     /* on the way up: the TTL the origin will give
                           (0 = never expires) */
    int64_t expires_at; /* on the way back: the absolute expiry of the
                           content it carries */
    int64_t swr_ns;     /* the object's stale-while-revalidate and */
    int64_t sie_ns;     /* stale-if-error windows (0 = none), as the
                           workload gives them when the request is made */
    uint32_t node;
    uint32_t child;   /* the child's leading request this one fetches
                         for, or REQ_NIL for a client request */
    uint32_t next;    /* next coalesced waiter; free-list link when free */
    uint32_t asked;   /* on the way up: the workload's version of the
                         object when the client asked, which the
                         origin answers with, or WL_NO_VERSION (its
                         own change_interval rule decides) */
    uint32_t version; /* on the way back: the content's version */
    uint32_t cond;    /* the version the requester holds and asks to
                         revalidate, or NO_VERSION: a plain GET */
    uint32_t current; /* a client request: the origin's version when it
                         was made, to tell an outdated answer; or
                         NO_VERSION when objects never change */
    uint32_t hash;    /* hash_key32(object), set with object: the one
                         hashing for every table on the way */
    uint16_t region;
    uint8_t measured : 1;     /* not part of the warm-up */
    uint8_t explain : 1;      /* narrated by --explain */
    uint8_t failed : 1;       /* on the way back: an error, not the object */
    uint8_t not_modified : 1; /* on the way back: a 304, no body */
    uint8_t background : 1;   /* a stale-while-revalidate refresh: no
                                 client waits for it */
    uint8_t bypass : 1;       /* not cacheable: passed through, unstored */
    uint8_t negative : 1;     /* on the way back: a 404 */
    uint8_t purged_on_change : 1; /* its class has purge_on_change */
    uint8_t via_origin : 1;       /* on the way back: the origin answered (a
                                     body or a 304), not a cached copy */
    uint8_t current_rises : 1;    /* current is the model's own version, which
                                     only rises: a newer answer (the object
                                     changed during the fetch) is not old */
    uint8_t outcome : 4;          /* enum met_outcome as the lookup saw it;
                                     settled when the node answers */
    uint8_t code : 2;             /* on the way back: enum req_code of an
                                     error. At a node, before its lookup:
                                     CODE_504 marks a request in service whose
                                     504 already went (overload.c) */
    uint8_t compute_pending : 1;  /* a client request at an edge with a
                                     compute: rule for its class: its
                                     function and compression savings are
                                     still to count (compute.c) */
    uint8_t produce : 1;          /* and the edge produces its copy
                                     (compresses or transforms) from the
                                     body that comes */
    uint8_t up_timed_out : 1;     /* a fetch's leader whose requests had
                                     their 504 at the deadline: its late
                                     answer only fills the cache
                                     (upstream_timeout.c); 0 on a free slot */
};

/* A cache key (cache_key.c): bits 0-40 the object, 41 a compressed
 * copy (compute.c), 42-55 the tracking parameter's value (0: none),
 * 56-63 the combination of variants. */
#define KEY_OBJECT_MASK ((UINT64_C(1) << 41) - 1)
#define KEY_ENCODED (UINT64_C(1) << 41)
#define KEY_TRACKING_SHIFT 42
#define KEY_TRACKING_MASK (((UINT64_C(1) << 14) - 1) << KEY_TRACKING_SHIFT)
#define KEY_COMBO_SHIFT 56
#define KEY_COMBO_MASK (~UINT64_C(0) << KEY_COMBO_SHIFT)

/* The cache key rules of a run whose classes vary (cache_key.c). */
struct key_rules {
    gsl_rng *rng;        /* the variant and tracking draws */
    uint8_t *strip;      /* [node * n_classes + class]: the node's
                            key leaves out the class's tracking
                            parameter */
    uint8_t *strips_any; /* [node]: for some class */
    struct idmap *held;  /* [node]: object -> keys held, caching
                            nodes only */
};

/* One direction pair of a link from a node to an upstream node. */
struct link {
    int64_t up_ns;         /* one-way delay upstream */
    int64_t down_ns;       /* and back; up + down = the RTT */
    int64_t down_bps;      /* bandwidth, or -1: unlimited */
    uint32_t up_channel;   /* requests going up */
    uint32_t down_channel; /* answers coming down */
    int32_t shared;        /* index into cdn.shared when the link
                              down has a capacity, else -1 */
    int32_t hop;           /* index into cdn.hops when its latency
                              is a mapping (hop.c), else -1: the
                              constant up_ns and down_ns */
};

/* A link whose latency is a mapping (hop.c): its own random stream and,
 * with a keep-alive pool, its idle connections. */
struct hop {
    const struct cfg_rtt_model *cfg;
    gsl_rng *rng;
    double pareto_xm;    /* pareto jitter: the scale whose median is rtt,
                            rtt / 2^(1/alpha), worked out once */
    int64_t *idle_since; /* pool: ring of idle connections' release times,
                            oldest at idle_head */
    uint32_t idle_head;
    uint32_t n_idle;
    uint32_t n_busy; /* pool connections carrying a request */
    /* pool_full: wait: the fetches waiting for a connection, a FIFO
     * ring (each waiting fetch's t_arrive holds when it began to wait) */
    uint32_t *waiting;
    uint32_t wait_head, wait_n, wait_cap; /* wait_cap: 0 or a power of 2 */
    uint32_t node; /* the node whose link to a parent this is */
};

/* A link with a capacity (link_capacity_mbps), shared by the bodies it
 * carries down (shared.c). */
struct shared_link {
    struct link_ps ps;
    int64_t capacity_bps;
    uint32_t from; /* the sending node */
    uint32_t to;   /* the receiving node, or region */
    int to_is_region;
    int64_t down_ns;       /* what follows the last byte: node
                              links, the propagation down; a
                              region's, the client's whole RTT,
                              added to its latency */
    uint32_t down_channel; /* node links: where answers arrive */
};

/* What a shared link's transfer carries: the slot of a child's request
 * whose answer it is, or XFER_CLIENT | the slot of a client's request. */
#define XFER_CLIENT (1ULL << 32)

struct node {
    struct cache_store *cache; /* NULL for an origin */
    uint32_t parent;           /* REQ_NIL for an origin */
    uint32_t backup;           /* backup parent, or REQ_NIL */
    struct link to_parent;
    struct link to_backup; /* valid only when backup != REQ_NIL */
    struct idmap inflight; /* object -> leading request slot */
    /* What the node stored and lost, per object (miss_cause.c): 2 bits
     * an object below cdn.seen_dense, in pages made on first use; the
     * rest in seen_sparse (made on first use too). */
    uint8_t **seen_pages;
    struct idmap seen_sparse;
    /* Scheduled outages (cfg_topology.outages): the current or next one. */
    const struct cfg_outage *outage;
    const struct cfg_outage *outage_end;
    const struct cfg_outage *outage_first; /* the node's first outage */
    /* Processing capacity (cfg_service), when the node has one. */
    const struct cfg_service *service; /* NULL: requests take no time */
    gsl_rng *service_rng;
    uint32_t busy;      /* servers at work */
    uint32_t is_gated;  /* service or overload protection is set:
                           a request does not go straight to its
                           lookup (node_arrive) */
    uint32_t *waiting;  /* FIFO ring of request slots */
    size_t waiting_cap; /* a power of two, or 0 */
    uint32_t waiting_head;
    uint32_t waiting_n;
};

/* A rate_limit's token bucket, in integer units of 1e-12 token, so that
 * refilling over a whole number of ns at rate_milli tokens per 1000 s
 * adds exactly rate_milli x ns units (overload.c). */
struct token_bucket {
    int64_t level; /* tokens x 1e12 */
    int64_t at;    /* when level was last brought up to date */
};

/* A node's overload protection (overload.c), kept apart from struct node
 * so that nodes stay as small as they were. */
struct node_overload {
    const struct cfg_overload *cfg; /* NULL: the node has none */
    int64_t timeout_armed_at;       /* the pending EV_QUEUE_TIMEOUT, or -1 */
    struct token_bucket *buckets;   /* rate_limit: one, or one per region */
};

struct cdn {
    const struct cfg_topology *t; /* borrowed */
    const struct cfg_workload *w; /* borrowed */
    struct node *nodes;
    uint32_t n_nodes;
    struct cfg_region_link *region_links; /* [region_links_at[region] + k]:
                                      the links to the edges a region can
                                      reach (RTT, bandwidth, share), lowest
                                      RTT first; n_links in its cfg_region */
    size_t *region_links_at;              /* [region] */
    int32_t *region_shared;               /* [region_links_at[region] + k]: the
                                             index into shared of that link, or
                                             -1; NULL when no region link has a
                                             capacity */
    struct node_overload *overload;       /* [node], or NULL when no node has
                                            overload protection */
    struct hop *hops;                     /* links whose latency is a mapping */
    uint32_t n_hops;
    int32_t *region_hop;  /* [region_links_at[region] + k]: the
                             index into hops, or -1; NULL when no
                             region link has one */
    int64_t *hop_down_ns; /* [request slot]: a fetch's drawn way
                             down, set by hop_up_ns */
    int64_t *up_deadline; /* [request slot]: a fetch leader's pending
                             EV_UP_DEADLINE, or 0 (upstream_timeout.c) */
    size_t up_deadline_cap;
    size_t hop_down_cap;
    struct shared_link *shared; /* links with a capacity, or NULL */
    uint32_t n_shared;
    size_t shared_cap;
    gsl_rng **routing_rng;           /* [region]: weighted routing only */
    struct node_brownout *brownouts; /* [node] (brownout.c), or NULL when
                                      the topology has no brownouts */
    int has_outages;
    struct top_counter *top;       /* --top's counts (top.c), or NULL */
    uint64_t seen_dense;           /* object ids below it are the synthetic
                                      catalog's: node.seen_pages hold them */
    int **push_nodes;              /* [event]: node indices of a push */
    int64_t **purge_reach;         /* [event][node]: when a purge reaches
                                      the node, or -1 (purge_order.c) */
    int has_staged_purges;         /* some purge has order: */
    struct placement *placement;   /* nodes' placements (placement.c), or
                                      NULL when every node stores
                                      everywhere */
    struct alerts *alerts;         /* metrics.alerts (alerts.c), or NULL */
    int is_no_cdn;                 /* the --baseline no-cdn topology
                                      (cfg_topology.is_no_cdn): every
                                      request passes its edge uncached and
                                      the workload's events do nothing */
    struct key_rules *keys;        /* cache keys with variants and query
                                      strings (cache_key.c), or NULL:
                                      keys are object ids */
    struct compute *compute;       /* edges' compute: rules (compute.c), or
                                      NULL when no edge has one */
    struct origin_routes *oroutes; /* origin_routes (origin_route.c), or
                                      NULL: misses go to the parent */
    struct pop **pops;             /* [node]: its cache servers (pop.c), or
                                      NULL for a node with one cache; NULL
                                      when no node has cache_servers */
    struct video *video;           /* the workload's video sessions
                                      (video.c), or NULL */
    struct sim_queue q;
    struct wl_gen *gen;
    struct wl_request pending; /* the next client request */
    uint32_t pending_hash;     /* hash_key32(pending.object) */
    int gen_error;             /* the workload's error code (a bad trace
                                  record) that ended arrivals, or 0 */
    uint32_t arrival_channel;
    struct req *reqs;
    size_t reqs_cap;
    uint32_t reqs_used;
    uint32_t req_free;
    uint64_t generated; /* client requests born so far */
    int has_run;
    volatile sig_atomic_t *stop; /* cdn_run's opts->stop, or NULL */
    /* --explain: narrate the life of the first measured requests. */
    FILE *explain;
    uint64_t explain_left;
    /* Measurement. */
    struct met_run *m;
    int64_t measured_start;
    int has_measured_start;
    int64_t origin_second; /* current 1 s window of origin load */
    uint64_t origin_second_count;
};

/*
 * What a node's lookup finds for a request (request.c), the one thing
 * the lifecycle, the counters and --explain all act on.
 */
enum lookup {
    LOOKUP_ORIGIN,        /* the node is an origin: it has everything */
    LOOKUP_BYPASS,        /* not cacheable: no lookup, straight upstream */
    LOOKUP_HIT,           /* a fresh copy */
    LOOKUP_STALE,         /* a stale copy usable under stale-while-
                             revalidate; a refresh is already on its way */
    LOOKUP_STALE_REFRESH, /* the same, and this request starts it */
    LOOKUP_COALESCED,     /* a fetch for the object is on its way: wait */
    LOOKUP_EXPIRED,       /* an expired copy: revalidate it upstream */
    LOOKUP_MISS           /* no copy: fetch it */
};

/* What the answer to a node's fetch does at the node (request.c). */
enum answer {
    ANSWER_LOST,           /* the node failed while the fetch was out */
    ANSWER_PASSED,         /* a bypass fetch: passed on, nothing stored */
    ANSWER_ERROR,          /* an error, passed to every waiter */
    ANSWER_STALE_IF_ERROR, /* an error, but a stale copy may serve */
    ANSWER_VALIDATED,      /* a 304 for the copy held: fresh again */
    ANSWER_GONE,           /* a 304 for a copy evicted meanwhile: refetch */
    ANSWER_BODY            /* the object (or a 404): stored if admitted */
};

/* Saturating a + b for b >= 0. */
static inline int64_t
add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
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
    return ns < (double)CFG_TIME_MAX_NS ? sim_round_ns(ns) : CFG_TIME_MAX_NS;
}

/* A request slot from the pool; may move c->reqs. */
static inline uint32_t
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

static inline void
req_release(struct cdn *c, uint32_t s)
{
    c->reqs[s].next = c->req_free;
    c->req_free = s;
}

static inline const char *
node_name(const struct cdn *c, uint32_t i)
{
    return c->t->nodes[i].name;
}

/* Has the warm-up ended (purges and pushes count from then on)? */
static inline int
cdn_is_measuring(const struct cdn *c)
{
    return c->generated >= c->w->warmup;
}

/* Is --explain still narrating (events that are not a request's)? */
static inline int
explain_is_on(const struct cdn *c)
{
    return c->explain != NULL && c->explain_left > 0;
}

/* The origin's version of an object at `now` by the catalog's rule
 * (the workload's), as the store keeps versions: modulo 2^23. */
static inline uint32_t
origin_version(const struct cdn *c, uint64_t object, int64_t now)
{
    return wl_catalog_version(c->w, object, now) & CACHE_VERSION_MASK;
}

/* route.c */
void route_init(struct cdn *c);
void route_fini(struct cdn *c);
uint32_t route_client_by_rule(const struct cdn *c, uint32_t r, int64_t now);

/* Region r's link to edge e. A linear walk from the nearest: clients go to
 * the nearest edge unless routing or failures say otherwise, so it ends at
 * once on the common path, where a binary search by node would not. */
static inline const struct cfg_region_link *
region_link_to(const struct cdn *c, uint32_t r, uint32_t e)
{
    const struct cfg_region_link *list =
        &c->region_links[c->region_links_at[r]];
    size_t n = c->t->regions[r].n_links;
    for (size_t k = 0; k < n; k++)
        if ((uint32_t)list[k].node == e)
            return &list[k];
    SIM_ASSERT(!"a client was routed to an edge its region cannot reach");
    return list;
}

/* origin_route.c: the link from node i to origin up that a route
 * added (neither its parent nor its backup). */
const struct link *origin_route_link(const struct cdn *c, uint32_t i,
                                     uint32_t up);

/* The link from node i up to node up (its parent or its backup, or an
 * origin a route sent it to). */
static inline const struct link *
link_to(const struct cdn *c, uint32_t i, uint32_t up)
{
    const struct node *n = &c->nodes[i];
    if (up == n->parent)
        return &n->to_parent;
    if (up == n->backup || c->oroutes == NULL)
        return &n->to_backup;
    return origin_route_link(c, i, up);
}

/* outage.c: the out-of-line parts of the three questions below. */
void outage_init(struct cdn *c);
int outage_is_down(const struct cdn *c, uint32_t i, int64_t now);
int outage_seems_down(const struct cdn *c, uint32_t i, int64_t now);
int outage_failed_since(const struct cdn *c, uint32_t i, int64_t since,
                        int64_t now);

/* Is node i down at `now` (it answers nothing)? */
static inline int
node_is_down(const struct cdn *c, uint32_t i, int64_t now)
{
    return c->has_outages && outage_is_down(c, i, now);
}

/* Does routing believe node i is down? It notices failures and
 * recoveries failure_detection late. */
static inline int
node_seems_down(const struct cdn *c, uint32_t i, int64_t now)
{
    return c->has_outages && outage_seems_down(c, i, now);
}

/* Did node i fail after `since` (when a request reached it) and by `now`?
 * A node that fails loses the requests it holds: those waiting for a
 * server or in service, and those waiting for an answer from upstream. */
static inline int
node_failed_since(const struct cdn *c, uint32_t i, int64_t since, int64_t now)
{
    return c->has_outages && outage_failed_since(c, i, since, now);
}

/* steering.c (brownout.c, steering.c, overload.c and upstream_timeout.c:
 * faults.h). */
int region_sees_down_dns(const struct cdn *c, uint32_t r, uint32_t e,
                         int64_t now);

/* Do region r's clients see edge e as down at `now`? As routing does
 * (node_seems_down), or dns_ttl later when the region has one, or at
 * once (node_is_down) when the region is anycast. */
static inline int
region_sees_down(const struct cdn *c, uint32_t r, uint32_t e, int64_t now)
{
    if (!c->t->has_dns_ttl && !c->t->has_anycast)
        return node_seems_down(c, e, now);
    return region_sees_down_dns(c, r, e, now);
}

/* The edge a client of region r uses at `now` (route_client_by_rule);
 * nearest routing without outages, the common case, is the first link. */
static inline uint32_t
route_client(const struct cdn *c, uint32_t r, int64_t now)
{
    if (c->t->regions[r].routing == CFG_ROUTE_NEAREST && !c->has_outages)
        return (uint32_t)c->region_links[c->region_links_at[r]].node;
    return route_client_by_rule(c, r, now);
}

/* Where node i sends a fetch at `now`: its parent, or its backup while the
 * parent seems down and the backup does not. */
static inline uint32_t
route_upstream(const struct cdn *c, uint32_t i, int64_t now)
{
    const struct node *n = &c->nodes[i];
    if (n->backup != REQ_NIL && node_seems_down(c, n->parent, now) &&
        !node_seems_down(c, n->backup, now))
        return n->backup;
    return n->parent;
}

/* origin_route.c (the rest: origin_route.h): what an origin served a
 * measured request (c->m->origins). */
void origin_route_count(struct cdn *c, const struct req *r, uint64_t size,
                        int64_t now);

/* hop.c and shared.c: transfer.h. content.c, cache_key.c, purge_order.c,
 * placement.c: content.h. compute.c, pop.c, video.c: edge.h. observe.c,
 * classes.c, alerts.c: observers.h. */

/* The request at the front of node n's line for a server, which leaves
 * it (service.c). */
static inline uint32_t
queue_pop(struct node *n)
{
    uint32_t s = n->waiting[n->waiting_head];
    n->waiting_head = (uint32_t)((n->waiting_head + 1) & (n->waiting_cap - 1));
    n->waiting_n--;
    return s;
}

/* overload.c (the rest: faults.h) */
/* Node ni's overload protection, or NULL. */
static inline struct node_overload *
node_overload(const struct cdn *c, uint32_t ni)
{
    return c->overload != NULL && c->overload[ni].cfg != NULL ? &c->overload[ni]
                                                              : NULL;
}

/* upstream_timeout.c (the rest: faults.h) */
/* The parent's answer for leader s arrives: clears its deadline; returns
 * 1 when s's requests had their 504 already (then it is a late answer). */
static inline int
up_deadline_passed(struct cdn *c, uint32_t s)
{
    if (s < c->up_deadline_cap)
        c->up_deadline[s] = 0;
    return c->reqs[s].up_timed_out;
}

/* service.c */
void node_arrive(struct cdn *c, uint32_t s, int64_t now);
/* The part of node_arrive after the down check and any brownout:
 * overload protection, then the queue for a server, then the lookup. */
void node_admit(struct cdn *c, uint32_t s, int64_t now);
void node_served(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);
void node_fail(struct cdn *c, uint32_t ni, int64_t now);

/* request.c */
void node_request(struct cdn *c, uint32_t s, int64_t now);
void node_response(struct cdn *c, uint32_t s, int64_t now);
void node_refuse(struct cdn *c, uint32_t s, int64_t now);
/* The node of request s answers it and s is done (a response, or an
 * error with its code). */
void node_respond(struct cdn *c, uint32_t s, int64_t now);

/* billing.c: the providers' price lists for the run's record, or NULL
 * when no provider has a billing mapping; met_run_fini frees it. */
struct met_billing *cdn_billing_new(const struct cfg_topology *t);

/* The object a cache key is of (cache_key.c); keys are object ids when
 * no class varies. */
static inline uint64_t
key_object(const struct cdn *c, uint64_t key)
{
    return c->keys != NULL ? key & KEY_OBJECT_MASK : key;
}

/* top.c: --top N's counts per object. */
void top_init(struct cdn *c, uint64_t n_top);
void top_fini(struct cdn *c);
void top_count_request(struct cdn *c, uint64_t object);
void top_count_origin(struct cdn *c, uint64_t object, uint64_t bytes);
void top_finish(struct cdn *c, struct met_run *m);

/* miss_cause.c: what node ni stored and lost, to tell a miss's cause. */
void miss_cause_init(struct cdn *c, uint32_t ni);
void miss_cause_fini(struct cdn *c, uint32_t ni);
void miss_cause_stored(struct cdn *c, uint32_t ni, uint64_t object);
void miss_cause_invalidated(struct cdn *c, uint32_t ni, uint64_t object);
void miss_cause_count(const struct cdn *c, uint32_t ni, uint64_t object,
                      struct met_counters *mc);
/* The origin sent size bytes at `now` (its peak requests/s). */
void count_origin_load(struct cdn *c, int64_t now, uint64_t size);

/* explain.c: one line, or one step of a request, per call. */
void narrate(const struct cdn *c, int64_t now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void explain_lookup(const struct cdn *c, const struct req *r, enum lookup k,
                    int64_t now);
void explain_answer(const struct cdn *c, const struct req *r, enum answer k,
                    const struct cache_obj *o, uint64_t evicted, int64_t now);
void explain_fetch(const struct cdn *c, const struct req *up, uint32_t from,
                   const char *why, int64_t now);
void explain_send(const struct cdn *c, const struct req *r, uint32_t to,
                  int64_t at, int64_t now);
void explain_client(const struct cdn *c, const struct req *r, int64_t last_mile,
                    int64_t now);
void explain_service(const struct cdn *c, uint32_t ni, int64_t done,
                     int64_t now);
void explain_fail(const struct cdn *c, uint32_t ni, int64_t now);

/*
 * The two observers that run at every node for every request, inline
 * (the others are in observe.c): a lookup is recorded when it is made,
 * the outcome it settles on when the node answers.
 */

/* The measured window of time `now`; only called for measured requests.
 * Inline, the common case: `now` in the window met_run_window used last,
 * which the node already has; anything else is met_run_window's. */
static inline struct met_window *
window_at(struct cdn *c, uint32_t node, int64_t now)
{
    struct met_run *m = c->m;
    int64_t t = now - c->measured_start;
    if (t >= m->window_lo_ns && t < m->window_hi_ns &&
        m->window_index < m->nodes[node].n_windows)
        return &m->nodes[node].windows[m->window_index];
    return met_run_window(m, node, t);
}

static inline void
count_lookup(struct cdn *c, const struct req *r, enum lookup k, int64_t now)
{
    struct met_counters *mc = &c->m->nodes[r->node].c;
    struct met_window *win = window_at(c, r->node, now);
    mc->requests++;
    mc->bytes_requested += r->size;
    win->requests++;
    switch (k) {
    case LOOKUP_ORIGIN:
    case LOOKUP_HIT:
    case LOOKUP_STALE:
    case LOOKUP_STALE_REFRESH:
        /* Answered from this node's copy (an origin has them all), fresh
         * or stale: a hit, in requests and in bytes alike. */
        mc->hits++;
        mc->bytes_hit += r->size;
        win->hits++;
        break;
    case LOOKUP_COALESCED:
        mc->coalesced++;
        break;
    case LOOKUP_BYPASS:
        mc->bypass++;
        break;
    case LOOKUP_EXPIRED:
        mc->expired++;
        win->misses++;
        break;
    case LOOKUP_MISS:
        mc->misses++;
        win->misses++;
        miss_cause_count(c, r->node, r->object, mc);
        break;
    }
    if (k == LOOKUP_STALE || k == LOOKUP_STALE_REFRESH) {
        mc->stale++;
        mc->updates += k == LOOKUP_STALE_REFRESH;
    }
    /* A 304 sends no body: origin bytes count what left it. */
    if (k == LOOKUP_ORIGIN) {
        count_origin_load(c, now, r->not_modified ? 0 : r->size);
        if (c->oroutes != NULL)
            origin_route_count(c, r, r->not_modified ? 0 : r->size, now);
        if (c->top != NULL)
            top_count_origin(c, r->object, r->not_modified ? 0 : r->size);
    }
}

/* The lookup for r at its node found k; r->outcome starts as what the
 * lookup saw. */
static inline void
observe_lookup(struct cdn *c, struct req *r, enum lookup k, int64_t now)
{
    static const uint8_t outcome_of[] = {
        [LOOKUP_ORIGIN] = MET_OUT_HIT,
        [LOOKUP_BYPASS] = MET_OUT_BYPASS,
        [LOOKUP_HIT] = MET_OUT_HIT,
        [LOOKUP_STALE] = MET_OUT_UPDATING,
        [LOOKUP_STALE_REFRESH] = MET_OUT_UPDATING,
        [LOOKUP_COALESCED] = MET_OUT_COALESCED,
        [LOOKUP_EXPIRED] = MET_OUT_EXPIRED,
        [LOOKUP_MISS] = MET_OUT_MISS,
    };
    r->outcome = outcome_of[k] & 0xf;
    if (r->measured)
        count_lookup(c, r, k, now);
    if (r->explain)
        explain_lookup(c, r, k, now);
}

/* r's node answers it (downstream or to the client): its settled
 * outcome, and what the node sent. */
static inline void
observe_response(struct cdn *c, const struct req *r, int64_t now)
{
    if (!r->measured)
        return;
    struct met_node *mn = &c->m->nodes[r->node];
    struct met_counters *mc = &mn->c;
    mc->outcome[r->failed ? MET_OUT_ERROR : r->outcome]++;
    met_hist_record(mn->latency ? mn->latency : met_node_latency(mn),
                    (uint64_t)(now - r->t_arrive));
    if (r->negative && !r->failed)
        mc->negative++;
    if (r->failed) {
        mc->errors++;
    } else if (!r->not_modified) {
        mc->bytes_out += r->size;
        window_at(c, r->node, now)->bytes_out += r->size;
    }
}

#endif
