/* node_features.h: part of config.h (include that): what a node may carry
 * beyond its cache and service: overload protection (overload.c), a
 * placement (placement.c), edge compute (compute.c) and a PoP's cache
 * servers (pop.c). Apart so that config.h stays short; config.h includes
 * it where these types were, before struct cfg_node embeds them. */
#ifndef SIM_CONFIG_NODE_FEATURES_H
#define SIM_CONFIG_NODE_FEATURES_H

#ifndef SIM_CONFIG_CONFIG_H
#error "include config/config.h, which includes this file"
#endif

/* Who shares a rate_limit token bucket. */
enum cfg_rate_per {
    CFG_RATE_PER_TOTAL, /* one bucket for every request at the node */
    CFG_RATE_PER_REGION /* one bucket per client region */
};

/*
 * A node's protection against overload (overload.c). A request refused by
 * one is answered with an error that carries the HTTP code: 503 when
 * queue_limit requests already wait for a server, 504 when it is not
 * served within timeout of its arrival, 429 when rate_limit has no token
 * for it.
 */
struct cfg_overload {
    int has_queue_limit;    /* else requests wait without a limit */
    uint32_t queue_limit;   /* most requests waiting for a server (needs
                               servers) */
    cfg_time_ns timeout_ns; /* longest wait plus service; 0: none (needs
                               service_time) */
    int has_rate_limit;
    uint64_t rate_milli; /* tokens per 1000 s (rate x 1000), >= 1 */
    uint64_t burst;      /* the bucket's size in tokens, >= 1 */
    enum cfg_rate_per per;
};

/* Where a caching node keeps copies of the bodies that come down to it
 * (cfg_node.placement; sim/model/placement.c). */
enum cfg_placement {
    CFG_PLACE_EVERYWHERE,    /* every body (leave copy everywhere) */
    CFG_PLACE_LCD,           /* leave copy down: only a body its parent
                                answered from its own copy */
    CFG_PLACE_EXCLUSIVE,     /* no copy of what a child below stores */
    CFG_PLACE_PROBABILISTIC, /* a body with placement_probability */
    CFG_N_PLACEMENTS
};

/* "everywhere", "lcd", "exclusive" or "probabilistic". */
const char *cfg_placement_name(enum cfg_placement p);

/* What an edge computes for one content class (compute.c): compression,
 * image transformation, an edge function. CPU times are delays added to
 * the requests that wait for them; nothing queues for a CPU. */
struct cfg_compute {
    char *class_name;     /* a class of the workload: resolved when the run
                             is built (model/compute.c) */
    struct cfg_mark mark; /* of the class key, for that error */
    char *field;          /* "nodes[i].compute.NAME" */
    int has_compress;
    double compress_ratio;       /* (0, 1]: compressed / identity bytes */
    cfg_time_ns compress_cpu_ns; /* >= 0, per compressed copy produced */
    double accept;               /* [0, 1]: share of clients sending
                                    Accept-Encoding (default 1) */
    int has_transform;
    double transform_ratio;       /* (0, 1]: a variant's bytes / the
                                     origin object's */
    cfg_time_ns transform_cpu_ns; /* >= 0, per variant produced */
    int has_function;
    cfg_time_ns hit_ns;  /* >= 0: the function's time on a hit */
    cfg_time_ns miss_ns; /* >= 0: on anything else answered */
};

/* How a PoP maps keys to its cache servers (cfg_pop.hashing). */
enum cfg_pop_hashing {
    CFG_POP_CONSISTENT, /* a ring with vnodes points per server */
    CFG_POP_MODULO      /* key hash modulo the live servers */
};

/* One failure of one cache server: down in [at, until). */
struct cfg_pop_failure {
    uint32_t server;   /* < cfg_pop.count */
    cfg_time_ns at;    /* >= 0, from the start */
    cfg_time_ns until; /* > at; CFG_FOREVER: never back */
};

/* A PoP's cache servers (a caching node's cache_servers, sim/config/pop.c;
 * the model is sim/model/pop.c): count servers behind a hash of the key,
 * each with a RAM tier in front of its share of the node's cache (the
 * SSD tier: capacity / count, the node's policy and admission). */
struct cfg_pop {
    uint32_t count;  /* >= 1 */
    uint32_t vnodes; /* points per server on the ring, >= 1 */
    enum cfg_pop_hashing hashing;
    struct cfg_cache ram;             /* capacity and policy per server;
                                         admission "always", no params */
    cfg_time_ns ram_latency_ns;       /* added to a hit from RAM, >= 0 */
    cfg_time_ns ssd_latency_ns;       /* added to a hit from SSD, >= 0 */
    struct cfg_pop_failure *failures; /* sorted by at, then server */
    size_t n_failures;
    struct cfg_mark mark; /* of the cache_servers key, for the
                             combinations the model refuses */
    char *field;          /* "nodes[i].cache_servers" */
};

#endif
