/* config.h: topology and workload files, loaded from YAML into immutable
 * structs. All validation happens here, at load time; later code trusts
 * what it gets. */
#ifndef SIM_CONFIG_CONFIG_H
#define SIM_CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef int64_t cfg_time_ns; /* same representation as the engine's sim_time */

/* Where a value came from, for error messages: a file position or "--set". */
struct cfg_mark {
    const char *file; /* borrowed from the owning topology/workload */
    int line;         /* 1-based; 0 for command-line overrides */
    int col;          /* 1-based */
};

/*
 * One extra key of a mapping handed to a module that validates it itself,
 * e.g. a cache's policy parameters ({policy: slru, segments: 4}).
 */
struct cfg_kv {
    char *key;
    char *value;          /* the scalar as written */
    char *field;          /* full field path, e.g. "nodes[2].cache.segments" */
    struct cfg_mark mark; /* of the value */
};

enum cfg_tier { CFG_TIER_EDGE, CFG_TIER_SHIELD, CFG_TIER_ORIGIN };

/* "edge", "shield" or "origin". */
const char *cfg_tier_name(enum cfg_tier t);


struct cfg_cache {
    uint64_t capacity_bytes; /* > 0 */
    char *policy;            /* registered policy name; default "lru" */
    char *admission;         /* admission filter name; default "always" */
    struct cfg_kv *params;   /* every other key of the cache mapping */
    size_t n_params;
    struct cfg_mark policy_mark;
    char *field;             /* "nodes[i].cache", for errors found later */
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
struct cfg_service {
    int is_set;               /* service_time given; else no delay at all */
    uint32_t servers;         /* 0 = as many as needed (a pure delay) */
    enum cfg_service_dist dist;
    cfg_time_ns mean_ns;      /* > 0 */
    double sigma;             /* lognormal only: sd of ln(service time) */
};

struct cfg_node {
    char *name;
    enum cfg_tier tier;
    int has_cache;            /* edge and shield nodes: 1; origin: 0 */
    struct cfg_cache cache;   /* valid only when has_cache */
    int parent;               /* index into nodes[], -1 for an origin */
    double egress_cost_per_gb;/* USD per GB (1e9 bytes) sent; default 0 */
    int depth;                /* hops to its origin: origin 0, its child 1 */
    struct cfg_service service;
    int backup_parent;        /* where misses go while the parent is known
                                 to be down; index into nodes[], or -1 */
    int provider;             /* index into providers[], or -1 */
};

/* A scheduled outage of one node: it answers nothing in [at, at + for). */
struct cfg_outage {
    int node;                 /* index into nodes[] */
    cfg_time_ns at;           /* simulated time from the start */
    cfg_time_ns duration;     /* CFG_FOREVER: it never comes back */
};

#define CFG_FOREVER INT64_MAX

/* How a region picks the edge for each request (cfg_region.routing). */
enum cfg_routing {
    CFG_ROUTE_NEAREST,   /* the lowest RTT (default) */
    CFG_ROUTE_WEIGHTED,  /* at random, by the shares in edges: */
    CFG_ROUTE_STATIC,    /* always edge: */
    CFG_ROUTE_COST       /* the cheapest edge within max_latency_ms */
};

struct cfg_region {
    char *name;
    double weight;            /* > 0; shares are weight / sum of weights */
    enum cfg_routing routing;
    double *edge_share;       /* weighted: [node] share > 0 of each listed
                                 edge, 0 elsewhere; NULL otherwise */
    int static_edge;          /* static: index into nodes[]; else -1 */
    cfg_time_ns max_rtt_ns;   /* cost: the RTT bound; else 0 */
};

/* "nearest", "weighted", "static" or "cost". */
const char *cfg_routing_name(enum cfg_routing r);

/* A CDN provider of a multi-CDN topology: its nodes' default price. */
struct cfg_provider {
    char *name;
    double egress_cost_per_gb;
};

/*
 * A loaded topology. Latencies are round-trip times in nanoseconds (the
 * file gives milliseconds), symmetric; -1 where the file gives none.
 */
struct cfg_topology {
    char *path;
    char *name;
    struct cfg_region *regions;
    size_t n_regions;
    struct cfg_node *nodes;
    size_t n_nodes;
    cfg_time_ns *region_rtt_ns; /* [r * n_nodes + node], RTT or -1 */
    cfg_time_ns *node_rtt_ns;   /* [a * n_nodes + b], symmetric, or -1 */
    int *region_edge;           /* [r]: the edge each region uses (lowest
                                   RTT, first listed on ties) */
    int64_t *region_bps;        /* [r * n_nodes + node]: bandwidth of the
                                   region's link to an edge, bits/s, or -1
                                   (unlimited) */
    int64_t *node_bps;          /* [a * n_nodes + b], symmetric, or -1 */
    struct cfg_provider *providers;
    size_t n_providers;
    struct cfg_outage *outages; /* sorted by node, then time; a node's
                                   outages never overlap */
    size_t n_outages;
    cfg_time_ns detection_ns;   /* how long a failure or a recovery takes
                                   to be noticed by routing; default 0 */
};

enum cfg_size_dist { CFG_SIZE_FIXED, CFG_SIZE_LOGNORMAL };

struct cfg_size {
    enum cfg_size_dist dist;
    uint64_t bytes;   /* fixed: the size; lognormal: the median */
    double sigma;     /* lognormal only: sd of ln(size) */
    uint64_t min_bytes, max_bytes; /* clamp for lognormal; default 1, 4GiB */
};

/* A scheduled content operation (the workload's events list). */
enum cfg_event_kind { CFG_EVENT_PURGE, CFG_EVENT_PUSH };

struct cfg_event {
    enum cfg_event_kind kind;
    cfg_time_ns at;             /* from the start of the run */
    /* purge */
    int is_all;                 /* every cached object */
    uint64_t *objects;          /* else these ids */
    size_t n_objects;
    int is_soft;                /* mark stale (revalidate) rather than
                                   delete */
    cfg_time_ns propagation_ns; /* until the purge reaches every node */
    /* push: the `top` most popular objects into the nodes named in to */
    uint64_t top;
    char **to;
    struct cfg_mark *to_marks;
    size_t n_to;
    char *field;                /* "events[3]", for errors found later */
};

struct cfg_workload {
    char *path;
    char *name;
    uint64_t seed;
    uint64_t n_requests;    /* > 0 */
    uint64_t warmup;        /* < n_requests */
    double rate;            /* Poisson arrivals per second, all regions */
    uint64_t n_objects;     /* catalog size, > 0 */
    double zipf_alpha;      /* >= 0 */
    struct cfg_size size;
    cfg_time_ns ttl_ns;     /* 0 = objects never expire */
    cfg_time_ns swr_ns;     /* stale-while-revalidate window, 0 = none */
    cfg_time_ns sie_ns;     /* stale-if-error window, 0 = none */
    cfg_time_ns change_interval_ns; /* mean time between two versions of
                                       an object; 0 = objects never change */
    double uncacheable_share; /* objects sent with no-store/private: passed
                                 through every cache (BYPASS); 0 to 1 */
    double missing_share;     /* objects the origin does not have: it
                                 answers 404, which caches store for
                                 negative_ttl (negative caching); 0 to 1 */
    cfg_time_ns negative_ttl_ns; /* default 10s */
    cfg_time_ns window_ns;  /* time-series window; default 1s */
    struct cfg_event *events; /* in file order */
    size_t n_events;
};

/*
 * A --set override: "PATH=VALUE". The path's first key decides the file
 * (topology keys: regions, nodes, latency_ms, bandwidth_mbps; workload keys: seed, requests,
 * warmup, arrival, catalog, metrics); "topology." or "workload." may
 * prefix any path and is needed for "name". Sequence items are addressed by
 * their name ("nodes.edge-fra.cache.capacity") or index ("regions.0.weight").
 * A missing final key is added; a missing intermediate one is an error.
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

void cfg_topology_free(struct cfg_topology *t);
void cfg_workload_free(struct cfg_workload *w);

/* Index of the node named name, or -1. */
int cfg_node_index(const struct cfg_topology *t, const char *name);

/* RTT in ns between a node and its parent (always present once loaded). */
cfg_time_ns cfg_parent_rtt(const struct cfg_topology *t, int node);

/* Bandwidth in bits/s of the link between a node and its parent, or -1
 * when unlimited. */
int64_t cfg_parent_bps(const struct cfg_topology *t, int node);

#endif
