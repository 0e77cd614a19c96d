/* origin_routes.h: part of config.h (include that): the topology's
 * origin_routes (origin_routes.c). Apart so that config.h stays short;
 * config.h includes it where these types were. */
#ifndef SIM_CONFIG_ORIGIN_ROUTES_H
#define SIM_CONFIG_ORIGIN_ROUTES_H

#ifndef SIM_CONFIG_CONFIG_H
#error "include config/config.h, which includes this file"
#endif

/* One origin a route sends misses to, with its weight in a split. */
struct cfg_origin_pick {
    int node;      /* index into nodes[]: an origin */
    double weight; /* > 0; a plain origin: 1 */
};

/*
 * One entry of origin_routes: which requests it takes (a class, a range
 * of object ids, both, or neither: every request) and the origins their
 * misses go to. The first route that matches a request decides; a
 * request no route matches goes to the node's parent.
 */
struct cfg_origin_route {
    char *class_name; /* class: a workload class, resolved when the run
                         is built (model/origin_route.c); NULL: any */
    struct cfg_mark class_mark;
    char *class_field;          /* "origin_routes[i].class" */
    int has_objects;            /* objects: [lo, hi] given */
    uint64_t objects_lo;        /* inclusive */
    uint64_t objects_hi;        /* inclusive */
    struct cfg_origin_pick *to; /* [n_to]: one for origin:, the split's */
    size_t n_to;
};

/* A link that origin_routes adds: from a node whose parent is an origin
 * to another origin a route names (not its parent or backup). */
struct cfg_origin_link {
    int node;
    int origin;
    cfg_time_ns rtt_ns;
    int64_t bps;        /* -1: unlimited */
    uint32_t rtt_model; /* as cfg_region_link.rtt_model */
};

#endif
