/* config.h: topology and workload files, loaded from YAML into immutable
 * structs. All validation happens here, at load time; later code trusts
 * what it gets. */
#ifndef SIM_CONFIG_CONFIG_H
#define SIM_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/kv.h" /* struct cfg_mark, struct cfg_kv */
#include "util/sha256.h"

typedef int64_t cfg_time_ns; /* same representation as the engine's sim_time */

/*
 * Ranges of the numbers a configuration may give, so that every sum and
 * product the simulation makes of them stays finite and inside the
 * simulated clock (2^62 ns, about 146 years):
 * - a duration or a time (TTLs, windows, service times, outage and event
 *   times, lifetimes, ...) is at most 3650 days: a time below 2^62 plus a
 *   few of them cannot overflow 64 bits;
 * - a rate (requests or publications per second) is at most 10^9;
 * - a weight or share (regions, edges, classes, size tables) is at most
 *   10^12, so that sums of them stay finite;
 * - a multiplier or ratio (flash crowds, peak_to_trough) is at most 10^6;
 * - a price (egress_cost_per_gb) is at most 10^6 USD per GB.
 */
#define CFG_TIME_MAX_NS ((cfg_time_ns)3650 * 86400 * 1000000000)
#define CFG_CLOCK_END_NS                                                       \
    ((cfg_time_ns)1 << 62) /* the simulated clock's end                        \
                            */
#define CFG_TIME_MAX_TEXT "3650d"
#define CFG_RATE_MAX 1e9
#define CFG_WEIGHT_MAX 1e12
#define CFG_FACTOR_MAX 1e6
#define CFG_PRICE_MAX 1e6

enum cfg_tier { CFG_TIER_EDGE, CFG_TIER_SHIELD, CFG_TIER_ORIGIN };

/* "edge", "shield" or "origin". */
const char *cfg_tier_name(enum cfg_tier t);

/* What a node's cache key leaves out (cache_key: on the topology or a
 * node; the node's replaces the topology's). */
struct cfg_cache_key {
    int is_set;
    int ignore_all_query; /* ignore_query: true */
    char **ignored;       /* ignore_query: [names]: these parameters */
    size_t n_ignored;
};

struct cfg_cache {
    uint64_t capacity_bytes; /* > 0 */
    char *policy;            /* registered policy name; default "lru" */
    char *admission;         /* admission filter name; default "always" */
    struct cfg_kv *params;   /* every other key of the cache mapping */
    size_t n_params;
    struct cfg_mark policy_mark;
    char *field; /* "nodes[i].cache", for errors found later */
};

enum cfg_service_dist {
    CFG_SERVICE_FIXED,
    CFG_SERVICE_EXPONENTIAL,
    CFG_SERVICE_LOGNORMAL
};

/*
 * A node's processing capacity: every request that reaches the node waits
 * for one of `servers` and holds it for a service time drawn from the
 * distribution, before the node looks the object up (or, at an origin,
 * answers). FIFO queue, as in M/M/c.
 */
/* A configuration file as it was read, for the record of a run. */
struct cfg_source {
    char *text; /* every byte, NUL-terminated; owned */
    size_t len;
    char sha256[SHA256_HEX_LEN + 1]; /* of text, in hex */
};

struct cfg_service {
    int is_set;       /* service_time given; else no delay at all */
    uint32_t servers; /* 0 = as many as needed (a pure delay) */
    enum cfg_service_dist dist;
    cfg_time_ns mean_ns;       /* > 0 */
    double sigma;              /* lognormal only: sd of ln(service time) */
    struct cfg_mark mean_mark; /* of mean, for errors found with the
                                  workload */
};

#include "config/node_features.h"

struct cfg_node {
    char *name;
    enum cfg_tier tier;
    int has_cache;             /* edge and shield nodes: 1; origin: 0 */
    struct cfg_cache cache;    /* valid only when has_cache */
    int parent;                /* index into nodes[], -1 for an origin */
    double egress_cost_per_gb; /* USD per GB (1e9 bytes) sent; default 0 */
    int depth;                 /* hops to its origin: origin 0, its child 1 */
    struct cfg_service service;
    int backup_parent;           /* where misses go while the parent is known
                                    to be down; index into nodes[], or -1 */
    int provider;                /* index into providers[], or -1 */
    cfg_time_ns parent_rtt_ns;   /* RTT to parent; valid when parent >= 0 */
    int64_t parent_bps;          /* bandwidth to parent, bits/s, or -1
                                    (unlimited) */
    cfg_time_ns backup_rtt_ns;   /* RTT to backup_parent, when it is >= 0 */
    int64_t backup_bps;          /* bandwidth to backup_parent, or -1 */
    int64_t parent_capacity_bps; /* shared capacity of the link from the
                                    parent down to this node, bits/s, or
                                    -1 (not shared); never set together
                                    with parent_bps */
    int64_t backup_capacity_bps; /* the same for backup_parent */
    struct cfg_overload overload;
    struct cfg_cache_key cache_key; /* its own (is_set), else the
                                       topology's applies */
    uint32_t parent_rtt_model;      /* 1 + index into rtt_models when the
                                       latency to parent is a mapping, else 0
                                       (parent_rtt_ns, constant) */
    uint32_t backup_rtt_model;      /* the same for backup_parent */
    enum cfg_placement placement;   /* CFG_PLACE_EVERYWHERE unless set */
    double placement_probability;   /* probabilistic: in (0, 1]; else 1 */
    struct cfg_compute *compute;    /* edges: compute: per class
                                       (compute.c), in file order */
    size_t n_compute;
    struct cfg_pop *pop; /* cache_servers (pop.c), or NULL: one
                            cache */
};

/* A scheduled outage of one node: it answers nothing in [at, at + for). */
struct cfg_outage {
    int node;             /* index into nodes[] */
    cfg_time_ns at;       /* simulated time from the start */
    cfg_time_ns duration; /* CFG_FOREVER: it never comes back */
};

#define CFG_FOREVER INT64_MAX

/* A brownout of one node (steering.c): in [at, at + duration) it is up
 * but answers a share of the requests that reach it with an error (a
 * 500) and holds every other one add_ns before handling it. */
struct cfg_brownout {
    int node;             /* index into nodes[] */
    cfg_time_ns at;       /* simulated time from the start */
    cfg_time_ns duration; /* > 0 */
    double error_share;   /* [0, 1]: share answered with an error */
    cfg_time_ns add_ns;   /* >= 0: added before the node's lookup */
};

/* How a region picks the edge for each request (cfg_region.routing). */
enum cfg_routing {
    CFG_ROUTE_NEAREST,  /* the lowest RTT (default) */
    CFG_ROUTE_WEIGHTED, /* at random, by the shares in edges: */
    CFG_ROUTE_STATIC,   /* always edge: */
    CFG_ROUTE_COST      /* the cheapest edge within max_latency_ms */
};

/* A region's link to an edge it has a latency to. */
struct cfg_region_link {
    int node;             /* index into nodes[]: an edge */
    cfg_time_ns rtt_ns;   /* round-trip time, >= 0 */
    int64_t bps;          /* bandwidth, bits/s, or -1 (unlimited) */
    int64_t capacity_bps; /* shared capacity of the edge's link down
                             to the region, bits/s, or -1 (not shared);
                             never set together with bps */
    double share;         /* weighted routing: its share (> 0) when
                             listed in edges, else 0 */
    uint32_t rtt_model;   /* 1 + index into rtt_models when the
                             latency is a mapping, else 0 (rtt_ns,
                             constant) */
};

struct cfg_region {
    char *name;
    double weight; /* > 0; shares are weight / sum of weights */
    enum cfg_routing routing;
    int static_edge;               /* static: index into nodes[]; else -1 */
    cfg_time_ns max_rtt_ns;        /* cost: the RTT bound; else 0 */
    struct cfg_region_link *links; /* the edges it reaches, by node index */
    size_t n_links;                /* >= 1 */
    cfg_time_ns dns_ttl_ns;        /* how long its clients keep a DNS answer
                                      after routing has noticed a change
                                      (steering.c): its own dns_ttl, else the
                                      topology's, else 0 */
    int is_anycast;                /* anycast: true: its edges share one
                                      address, a failed one is withdrawn at
                                      once (steering.c) */
};

/* "nearest", "weighted", "static" or "cost". */
const char *cfg_routing_name(enum cfg_routing r);

/* One step of tiered egress pricing: the GB of a month's volume above the
 * previous tier's bound and up to up_to_gb cost usd_per_gb each. */
struct cfg_price_tier {
    double up_to_gb; /* > the previous bound; 0 in the last tier:
                        no bound */
    double usd_per_gb;
};

/* A provider's price list beyond flat egress (sim/config/billing.c). */
struct cfg_billing {
    double request_usd_per_10k; /* per 10,000 client requests at its edges */
    struct cfg_price_tier *egress_tiers; /* [n_egress_tiers], or NULL: the
                                            flat egress_cost_per_gb */
    size_t n_egress_tiers;
    double link_usd_per_mbps_month;  /* per Mbit/s of a link's p95 rate */
    double storage_usd_per_gb_month; /* per GB pushed into its nodes */
};

/* A CDN provider of a multi-CDN topology: its nodes' default price. */
struct cfg_provider {
    char *name;
    double egress_cost_per_gb;
    struct cfg_billing *billing; /* the provider's billing: mapping, or
                                    NULL when absent; owned */
};

#include "config/rtt_model.h"

/* What an alert rule watches (metrics.alerts, alerts_spec.c). */
enum cfg_alert_metric {
    CFG_ALERT_HIT_RATIO,       /* below: client offload, or a node's */
    CFG_ALERT_P95_LATENCY,     /* above, ms: the clients' p95 */
    CFG_ALERT_ERROR_RATE,      /* above: failed client requests */
    CFG_ALERT_LINK_UTILISATION /* above: links with a capacity */
};

/* "hit_ratio", "p95_latency_ms", "error_rate", "link_utilisation". */
const char *cfg_alert_metric_name(enum cfg_alert_metric m);

/* One alert rule: a window breaches it when the metric is below
 * (is_below) or above the threshold. */
struct cfg_alert {
    enum cfg_alert_metric metric;
    int is_below;
    double threshold;     /* a ratio in [0, 1], or milliseconds */
    char *region;         /* region: only that region's clients; NULL
                             (and no node): all clients together */
    char *node;           /* node: that node (hit_ratio) or its links
                             together (link_utilisation); NULL: the
                             clients (hit_ratio), each link with a
                             capacity (link_utilisation) */
    struct cfg_mark mark; /* of region or node, for the errors found
                             when the run is built */
    char *field;          /* "metrics.alerts[i].region" (or .node) */
};

/*
 * A loaded topology. Latencies are round-trip times in nanoseconds (the
 * file gives milliseconds), symmetric. They are kept only where a request
 * can travel (a region's links to its edges, each node's link to its
 * parent and backup parent), so memory grows with the links, not with
 * the square of the nodes; latency_ms entries between other nodes are
 * checked and then dropped.
 */
struct cfg_topology {
    char *path;
    char *name;
    struct cfg_source source; /* the file as read */
    struct cfg_region *regions;
    size_t n_regions;
    struct cfg_node *nodes;
    size_t n_nodes;
    int *region_edge; /* [r]: the edge each region uses (lowest
                         RTT, first listed on ties) */
    struct cfg_provider *providers;
    size_t n_providers;
    struct cfg_outage *outages; /* sorted by node, then time; a node's
                                   outages never overlap */
    size_t n_outages;
    cfg_time_ns detection_ns;       /* how long a failure or a recovery takes
                                       to be noticed by routing; default 0 */
    struct cfg_cache_key cache_key; /* every node's unless it has its own */
    struct cfg_brownout *brownouts; /* sorted by node, then time; a node's
                                       brownouts never overlap; NULL when
                                       none */
    size_t n_brownouts;
    int has_dns_ttl;                  /* some region's dns_ttl_ns > 0 */
    int has_anycast;                  /* some region is_anycast */
    struct cfg_rtt_model *rtt_models; /* links whose latency is a mapping */
    size_t n_rtt_models;
    int is_no_cdn; /* made by cfg_topology_no_cdn, never
                      loaded: every request passes uncached */
    /* origin_routes (origin_routes.c): NULL and 0 without the key. */
    struct cfg_origin_route *origin_routes;
    size_t n_origin_routes;
    struct cfg_origin_link *origin_links; /* sorted by node, then origin */
    size_t n_origin_links;
};

#include "config/origin_routes.h"

/*
 * The round trip from region r to the origin its default route ends at:
 * its link to its edge (region_edge), then each parent link up to the
 * origin (*origin, OUT), using each link's median when its latency is a
 * mapping. What `--baseline no-cdn` sends the region's clients over.
 */
cfg_time_ns cfg_region_origin_rtt(const struct cfg_topology *t, size_t r,
                                  int *origin);

/*
 * The topology of a no-CDN baseline (no_cdn.c): t's nodes at their
 * indexes, plus a pass-through edge per origin that a region reaches
 * ("no-cdn:<origin>", no distance to it), and t's regions, each linked
 * only to its origin's pass-through edge with cfg_region_origin_rtt.
 * is_no_cdn is set. Borrows everything else from t, which must outlive
 * it; free with cfg_topology_no_cdn_free.
 */
struct cfg_topology *cfg_topology_no_cdn(const struct cfg_topology *t);
void cfg_topology_no_cdn_free(struct cfg_topology *d);

/* The round-trip model a link's rtt_model field names, or NULL (0). */
const struct cfg_rtt_model *cfg_rtt_model_at(const struct cfg_topology *t,
                                             uint32_t rtt_model);

/* jitter: empirical: the round trip (ns) at cumulative probability u. */
double cfg_rtt_quantile(const struct cfg_rtt_model *o, double u);

/* The model of node's link to up (its parent or backup), or NULL. */
const struct cfg_rtt_model *cfg_link_rtt_model(const struct cfg_topology *t,
                                               size_t node, size_t up);

enum cfg_size_dist {
    CFG_SIZE_FIXED,
    CFG_SIZE_LOGNORMAL,
    CFG_SIZE_PARETO,
    CFG_SIZE_EMPIRICAL
};

/* An object size distribution; each object draws its size once, from its
 * id (wl_object_size). */
struct cfg_size {
    enum cfg_size_dist dist;
    uint64_t bytes; /* fixed: the size; lognormal: the median; pareto:
                       the scale (the smallest size) */
    double sigma;   /* lognormal only: sd of ln(size) */
    uint64_t min_bytes, max_bytes; /* clamp for lognormal and pareto;
                                      default 1 (pareto: bytes), 4GiB */
    double alpha;                  /* pareto only: the shape, > 0 */
    uint64_t *table_bytes; /* empirical only: the sizes, in file order */
    double *table_cdf;     /* empirical only: cumulative shares, rising to
                              exactly 1 */
    size_t n_table;        /* entries in both tables; 0 otherwise */
};

/* A positive random quantity given by its mean: object lifetimes (ns) and
 * request volumes of churn (cfg_churn). */
enum cfg_dist_kind {
    CFG_DIST_FIXED,
    CFG_DIST_EXPONENTIAL,
    CFG_DIST_LOGNORMAL, /* mean and sigma (sd of the log) */
    CFG_DIST_PARETO     /* mean and alpha > 1 (the shape) */
};

struct cfg_dist {
    enum cfg_dist_kind kind;
    double mean;  /* > 0, in the quantity's unit */
    double sigma; /* lognormal only */
    double alpha; /* pareto only */
};

/* One dimension a class's responses vary by (vary: {encoding: {br: 0.6,
 * gzip: 0.4}}): each request draws one of its values by their shares. */
struct cfg_vary_dim {
    char *name;
    char **values;   /* in file order; values[0] is what a push
                        stores */
    double *cum;     /* [n_values]: cumulative shares, normalised
                        so that the last is 1 */
    size_t n_values; /* >= 1 */
};

/* Variants and query strings of a class (sim/config/vary.c). */
struct cfg_variants {
    struct cfg_vary_dim *dims;
    size_t n_dims;
    uint32_t n_combos;        /* product of the dims' n_values, <= 256 */
    double tracking_share;    /* requests with a tracking parameter, 0-1 */
    uint32_t tracking_values; /* its distinct values, 1 to 16383 */
    char *tracking_param;     /* its name ("utm_source" unless given) */
};

/* Does the class vary or carry tracking parameters? */
int cfg_variants_used(const struct cfg_variants *v);
/* Does cache key k leave out query parameter param? */
int cfg_cache_key_ignores(const struct cfg_cache_key *k, const char *param);

/*
 * A content class (catalog.classes): its own objects, popularity, sizes
 * and freshness. A catalog without classes is one class built from the
 * catalog's own keys, so every synthetic workload has at least one.
 */
struct cfg_class {
    char *name;
    double share;       /* > 0: share / sum of shares of requests */
    uint64_t n_objects; /* > 0 */
    uint64_t first_id;  /* its objects are the ids [first_id,
                           first_id + n_objects); classes, flash
                           crowds and churn never share an id */
    double zipf_alpha;  /* >= 0 */
    struct cfg_size size;
    cfg_time_ns ttl_ns;      /* max-age; 0 = never expires */
    cfg_time_ns s_maxage_ns; /* s-maxage, 0 = not given; every cache of a
                                CDN is a shared cache, so it replaces ttl
                                (RFC 9111 5.2.2.10): see cfg_class_ttl */
    cfg_time_ns swr_ns;      /* stale-while-revalidate window, 0 = none */
    cfg_time_ns sie_ns;      /* stale-if-error window, 0 = none */
    cfg_time_ns change_interval_ns; /* 0 = never changes */
    int is_immutable;           /* immutable: true: never changes and, unless
                                   the class gives a ttl, never expires */
    int is_cacheable;           /* 0: sent no-store, passes every cache */
    int is_purged_on_change;    /* purge_on_change: the origin purges each
                                   object from every cache when it changes */
    cfg_time_ns purge_delay_ns; /* ... and the purge takes this long to
                                   reach the caches */
    char **tags;                /* surrogate keys every object of the class
                                   carries, for purges by tag */
    size_t n_tags;
    struct cfg_variants variants; /* vary:, tracking_params: */
    uint64_t chunk_bytes; /* chunk_size: objects larger are asked for and
                             cached in chunks of this size (chunk.c); 0 =
                             whole */
};

/* The lifetime caches give an object of class c: s-maxage when given,
 * else max-age (ttl). */
static inline cfg_time_ns
cfg_class_ttl(const struct cfg_class *c)
{
    return c->s_maxage_ns > 0 ? c->s_maxage_ns : c->ttl_ns;
}

/* A flash crowd (arrival.flash_crowds): for [at, at + duration) the
 * request rate is multiplier times the normal rate, the extra requests
 * going to n_objects objects of their own. */
struct cfg_flash {
    cfg_time_ns at;
    cfg_time_ns duration_ns; /* > 0 */
    uint64_t n_objects;      /* > 0 */
    uint64_t first_id;
    double multiplier; /* > 1 */
    double zipf_alpha; /* popularity among its objects; 0 uniform */
    size_t class_idx;  /* sizes, TTL, cacheability of this class */
};

/* An attack (arrival.attacks): for [at, at + duration) an attacker sends
 * rate requests/s (Poisson) for cache-busting URLs: each names an object
 * no one else asks for (a random id from CFG_ATTACK_FIRST_ID on, attack k
 * its own 2^52 of them), of the class's sizes and TTL. */
struct cfg_attack {
    cfg_time_ns at;
    cfg_time_ns duration_ns; /* > 0 */
    double rate;             /* > 0, requests/s */
    size_t class_idx;        /* sizes, TTL, cacheability of this class */
    char *region;            /* where the attacker is (a topology region,
                                checked by the workload source), or NULL:
                                drawn by weight per request */
    struct cfg_mark mark;    /* of region's value */
    char *field;             /* "arrival.attacks[0].region" */
};

#define CFG_ATTACK_FIRST_ID ((uint64_t)1 << 62)
#define CFG_ATTACK_ID_BITS 52
#define CFG_ATTACKS_MAX 64

/* Catalog churn (catalog.churn), a shot-noise model: new objects are
 * published as a Poisson process; each one draws how many requests it
 * will get and a lifetime L, and its request rate decays as exp(-t/L). */
struct cfg_churn {
    int is_set;
    double publish_rate;      /* new objects per second, > 0 */
    struct cfg_dist lifetime; /* L, in ns */
    struct cfg_dist volume;   /* expected requests over an object's life */
    size_t class_idx;         /* sizes, TTL, cacheability of this class */
    uint64_t first_id;        /* the n-th object published is first_id + n */
};

/* One region's own overlap (catalog.locality.regions); the region name is
 * checked against the topology when the run is built. */
struct cfg_overlap {
    char *region;
    double overlap;       /* 0 to 1 */
    struct cfg_mark mark; /* of the region's key */
    char *field;          /* "catalog.locality.regions.asia" */
};

/* How the request rate varies in time (arrival). */
enum cfg_rate_shape {
    CFG_RATE_CONSTANT, /* rate */
    CFG_RATE_SINUSOID, /* rate x (1 + a cos(2 pi (h - peak) / 24)) */
    CFG_RATE_HOURLY    /* hourly[h mod n_hourly] */
};

/* The trace formats a trace workload can read (cfg_trace). */
enum cfg_trace_format {
    CFG_TRACE_ORACLE_GENERAL,
    CFG_TRACE_CSV,
    CFG_TRACE_WEBCACHESIM
};

/* A trace-driven workload (trace:): requests come from a recorded trace,
 * at its timestamps, instead of from the catalog. */
struct cfg_trace {
    int is_set;
    char *path; /* resolved: relative to the workload file's
                   directory unless absolute or from --set */
    enum cfg_trace_format format;
    int64_t time_unit_ns;      /* 1 (ns), 1000 (us), 10^6 (ms), 10^9 (s) */
    double speedup;            /* > 0: simulated time = trace time / speedup */
    int is_rebased;            /* 1 (default): the first record arrives at
                                  simulated time 0; 0: trace time 0 is
                                  simulated time 0 */
    int is_clamp_out_of_order; /* 1: an earlier timestamp than the previous
                                  record's is moved up to it and counted;
                                  0: it is an error */
    char *columns;             /* csv: "role=column,..." for the reader, or
                                  NULL (found by header name) */
    struct cfg_mark mark;      /* of path, for errors found when the file
                                  is opened */
    struct cfg_mark columns_mark; /* of columns, when given */
};

/* A scheduled content operation (the workload's events list). */
enum cfg_event_kind { CFG_EVENT_PURGE, CFG_EVENT_PUSH };

/* What a purge selects (cfg_event.purge_by). */
enum cfg_purge_by {
    CFG_PURGE_ALL,     /* every cached object */
    CFG_PURGE_OBJECTS, /* the ids in objects */
    CFG_PURGE_TAG,     /* objects carrying any of the tags in names */
    CFG_PURGE_CLASS,   /* objects of the classes in class_idx */
    CFG_PURGE_PREFIX   /* objects whose key starts with one of names */
};

struct cfg_event {
    enum cfg_event_kind kind;
    cfg_time_ns at; /* from the start of the run */
    /* purge */
    enum cfg_purge_by purge_by;
    uint64_t *objects; /* OBJECTS (and a push of named objects):
                          these ids */
    size_t n_objects;
    char **names; /* TAG: tags; CLASS: class names; PREFIX:
                     key prefixes */
    size_t n_names;
    size_t *class_idx;          /* CLASS: [n_names] indices into classes */
    int is_soft;                /* mark stale (revalidate) rather than
                                   delete */
    cfg_time_ns propagation_ns; /* until the purge reaches every node */
    /* A staged or targeted purge (order:): only the caching nodes named
     * here, by tier ("edge", "shield") or by node name, are purged; item
     * j reaches its nodes at at + propagation + j x step. n_order 0: every
     * caching node at at + propagation. Names are resolved by the model. */
    char **order;
    struct cfg_mark *order_marks;
    size_t n_order;
    cfg_time_ns step_ns;
    /* push: the `top` most popular objects (or, when top is 0, the ids in
     * objects) into the nodes named in to */
    uint64_t top;
    char **to;
    struct cfg_mark *to_marks;
    size_t n_to;
    char *field; /* "events[3]", for errors found later */
};

struct cfg_workload {
    char *path;
    char *name;
    struct cfg_source source; /* the file as read */
    uint64_t seed;
    uint64_t n_requests; /* > 0; 0 only for a trace: the whole trace */
    uint64_t warmup;     /* < n_requests */
    /* Arrivals (synthetic workloads). */
    double rate; /* mean Poisson arrivals per second, all
                    regions (hourly: the mean of the table) */
    enum cfg_rate_shape rate_shape;
    double peak_hour;      /* sinusoid: the hour of the peak, [0, 24) */
    double peak_to_trough; /* sinusoid: peak rate / lowest rate, >= 1 */
    double *hourly;        /* hourly: requests/s for each hour, cycling */
    size_t n_hourly;
    double start_hour;       /* the hour of day at simulated time 0 */
    struct cfg_flash *flash; /* flash crowds, in file order */
    size_t n_flash;
    struct cfg_attack *attacks; /* attacks, in file order */
    size_t n_attacks;
    /* The catalog. With catalog.classes, n_objects is their sum and
     * zipf_alpha, size and ttl_ns are the defaults the classes inherit;
     * change_interval_ns is then 0 (each class has its own). */
    uint64_t n_objects; /* catalog size, > 0 */
    double zipf_alpha;  /* >= 0 */
    struct cfg_size size;
    cfg_time_ns ttl_ns;      /* 0 = objects never expire */
    cfg_time_ns s_maxage_ns; /* 0 = none; see cfg_class.s_maxage_ns */
    cfg_time_ns swr_ns;      /* stale-while-revalidate window, 0 = none */
    cfg_time_ns sie_ns;      /* stale-if-error window, 0 = none */
    cfg_time_ns change_interval_ns; /* mean time between two versions of
                                       an object; 0 = objects never change */
    double uncacheable_share;    /* objects sent with no-store/private: passed
                                    through every cache (BYPASS); 0 to 1 */
    double missing_share;        /* objects the origin does not have: it
                                    answers 404, which caches store for
                                    negative_ttl (negative caching); 0 to 1 */
    cfg_time_ns negative_ttl_ns; /* default 10s */
    struct cfg_class *classes;   /* >= 1 for a synthetic workload, 0 for a
                                    trace; ids in file order */
    size_t n_classes;
    int has_explicit_classes; /* catalog.classes was given */
    struct cfg_churn churn;
    double overlap;               /* regional locality: the share of a region's
                                     requests that follow the global ranking
                                     (the rest follow the region's own); 1 =
                                     every region ranks objects alike */
    struct cfg_overlap *overlaps; /* per-region overlaps */
    size_t n_overlaps;
    struct cfg_trace trace;
    cfg_time_ns window_ns;    /* time-series window; default 1s */
    struct cfg_alert *alerts; /* metrics.alerts (alerts_spec.c), or NULL */
    size_t n_alerts;
    struct cfg_event *events; /* in file order */
    size_t n_events;
    struct cfg_video *video; /* the video: block (video.c), or NULL */
    unsigned chunk_bits;     /* some class has chunk_size: bits of a chunk
                                index in chunk ids (CFG_CHUNK_FIRST_ID); 0 =
                                no chunks */
};

/* Chunk ids (chunk_size, sim/config/chunk.c): chunk i of catalog object
 * o is CFG_CHUNK_FIRST_ID + (o << chunk_bits) + i, in [2^40, 2^41): after
 * every catalog id (at most 2^40 of them) and below the video segments'. */
#define CFG_CHUNK_FIRST_ID ((uint64_t)1 << 40)

#include "config/video.h"

/*
 * A --set override: "PATH=VALUE". The path's first key decides the file
 * (topology keys: regions, nodes, latency_ms, bandwidth_mbps; workload keys:
 * seed, requests, warmup, arrival, catalog, metrics, events, trace);
 * "topology." or "workload." may prefix any path and is needed for "name".
 * Sequence items are addressed by their name ("nodes.edge-fra.cache.capacity")
 * or index ("regions.0.weight"). Missing keys are added, intermediate ones as
 * mappings (which the validation then checks as if the file had them); a
 * missing sequence item is an error.
 */
struct cfg_override {
    const char *text; /* the whole "PATH=VALUE", borrowed */
};

/*
 * Loads and validates both files, applying the overrides. On success sets
 * *topo and *wl (caller frees with cfg_topology_free / cfg_workload_free)
 * and returns 0. On failure returns a negative SIM_E* code with err filled
 * in (file, line, column, field path, message) and sets both to NULL.
 * wl_path may be NULL to load only the topology (then *wl is NULL).
 */
int cfg_load(const char *topo_path, const char *wl_path,
             const struct cfg_override *overrides, size_t n_overrides,
             struct cfg_topology **topo, struct cfg_workload **wl,
             struct sim_err *err);

/*
 * Loads and validates a workload file alone (for tools that need no
 * topology, such as `cdnsim trace gen`); overrides may only name workload
 * fields. Same contract as cfg_load: 0 and *wl (caller frees with
 * cfg_workload_free), or a negative code with err filled and *wl NULL.
 */
int cfg_load_workload(const char *wl_path, const struct cfg_override *overrides,
                      size_t n_overrides, struct cfg_workload **wl,
                      struct sim_err *err);

void cfg_topology_free(struct cfg_topology *t);
void cfg_workload_free(struct cfg_workload *w);

/* Index of the node named name, or -1. */
int cfg_node_index(const struct cfg_topology *t, const char *name);

/* RTT in ns of region r's link to node, or -1 when it has none
 * (O(log links)). */
cfg_time_ns cfg_region_rtt(const struct cfg_topology *t, size_t r, size_t node);

/* Bandwidth in bits/s of region r's link to node, or -1 when unlimited or
 * when there is no link. */
int64_t cfg_region_bps(const struct cfg_topology *t, size_t r, size_t node);

/* Weighted routing: region r's share of node (> 0 for the edges it lists
 * in edges), else 0. */
double cfg_region_share(const struct cfg_topology *t, size_t r, size_t node);

/* RTT in ns of the link from node up to `up`, which must be its parent or
 * its backup parent. */
cfg_time_ns cfg_link_rtt(const struct cfg_topology *t, size_t node, size_t up);

/* Bandwidth in bits/s of that link, or -1 when unlimited. */
int64_t cfg_link_bps(const struct cfg_topology *t, size_t node, size_t up);

/* RTT in ns between a node and its parent (always present once loaded). */
cfg_time_ns cfg_parent_rtt(const struct cfg_topology *t, int node);

/* Bandwidth in bits/s of the link between a node and its parent, or -1
 * when unlimited. */
int64_t cfg_parent_bps(const struct cfg_topology *t, int node);

#endif
