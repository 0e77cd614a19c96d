/* topology_int.h: private to the topology reader: the state of one
 * topology being built (struct topo_build) and the steps and helpers its
 * files share.
 *
 *   topology.c      cfg_topology_build (the order of the steps), freeing,
 *                   names (lookup, uniqueness) and the public accessors
 *   topo_nodes.c    regions, providers and nodes (caches, service,
 *                   tiers, origins)
 *   topo_links.c    the link tables (latency_ms, bandwidth_mbps,
 *                   link_capacity_mbps), parents' links, regions' edges
 *   topo_routing.c  parents, cycles, backups, chains of round trips and
 *                   each region's routing details
 *   topo_outages.c  outages and failure_detection
 *
 * Every step returns 0 or a negative SIM_E* code with err filled in, and
 * reads only what earlier steps have stored (cfg_topology_build gives the
 * order). */
#ifndef SIM_CONFIG_TOPOLOGY_INT_H
#define SIM_CONFIG_TOPOLOGY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "config/config_int.h"
#include "util/idmap.h"

/* Longest list of names quoted in a message. */
#define NAMES_MAX 320

/* Largest accepted RTT in ms (11.6 days): far beyond any real link, and
 * small enough that the nanosecond value cannot overflow. */
#define RTT_MAX_MS 1e9

/* One link's values while the tables are read: a region to an edge, or
 * two nodes. */
struct link_entry {
    uint64_t key;       /* topo_link_key() */
    int64_t value[3];   /* [LINK_RTT] ns, [LINK_BPS] and [LINK_CAP] bits/s;
                           -1 absent */
    uint32_t rtt_model; /* 1 + index into rtt_models, or 0 */
};

enum { LINK_RTT, LINK_BPS, LINK_CAP };

/* State while one topology is read; the yaml ids let later checks point
 * at the value they are about. */
struct topo_build {
    const struct cfg_doc *d;
    struct cfg_topology *t;
    int root;            /* the root mapping */
    int *region_name_id; /* [r]: the region's name value */
    int *region_item_id; /* [r]: the region's mapping */
    int *node_name_id;   /* [i]: the node's name value */
    int *parent_id;      /* [i]: the node's parent value, 0 if none */
    int *backup_id;      /* [i]: the node's backup_parent value, 0 if none */
    int latency_id;      /* the latency_ms mapping */
    /* Names of regions and nodes by hash (hash_bytes): code 2 * index +
     * (1 for a node). A hash two names share keeps the first; lookups
     * missing in the map then scan the names. */
    struct idmap names;
    int has_name_collision;
    /* The links the tables give, found by topo_link_key(). */
    struct idmap link_index;
    struct link_entry *links;
    size_t n_links, cap_links;
    size_t cap_rtt_models;
};

/* --- topology.c: names and marks --- */

/* The mark of a node, pointing at the topology's own copy of its path. */
struct cfg_mark topo_mark(const struct topo_build *b, int id);

/* Lists the node names, for "known nodes: ..." in a message. */
void topo_node_names(const struct cfg_topology *t, char *buf, size_t len);

/* Finds a name among the regions and the nodes read so far. Returns 1 for
 * a region, 2 for a node (with *idx set) and 0 when unknown. */
int topo_lookup(const struct topo_build *b, const char *name, size_t *idx);

/* Indexes a name just stored in t (a region's, or a node's). */
void topo_index_name(struct topo_build *b, const char *name, int is_node,
                     size_t idx);

/* Rejects a name already used (regions and nodes share one namespace).
 * name_id is the new name's value; the name is not yet stored in t. */
int topo_check_unique(const struct topo_build *b, const char *name, int name_id,
                      const char *field, struct sim_err *err);

/* The index of region r's link to node in its links, or SIZE_MAX. */
size_t topo_region_link_index(const struct cfg_topology *t, size_t r,
                              size_t node);

/* --- topo_nodes.c --- */

/* regions: a non-empty sequence of {name, weight > 0}. */
int topo_read_regions(struct topo_build *b, const struct cfg_map *root,
                      struct sim_err *err);

/* providers: [{name, egress_cost_per_gb}], read before the nodes. */
int topo_read_providers(struct topo_build *b, const struct cfg_map *root,
                        struct sim_err *err);

/* nodes: a non-empty sequence; parents are only named here. */
int topo_read_nodes(struct topo_build *b, const struct cfg_map *root,
                    struct sim_err *err);

/* --- compute.c --- */

/* An edge's compute: (m is the node's mapping, whose tier is read) into
 * node->compute; other tiers may not have one. */
int topo_read_compute(struct topo_build *b, const struct cfg_map *m,
                      struct cfg_node *node, struct sim_err *err);
/* Frees node->compute (also after an error). */
void cfg_compute_free(struct cfg_node *node);

/* --- topo_links.c --- */

/* The key of the link between region r and a node, or between two nodes
 * (either way round). */
uint64_t topo_link_key(int is_region, size_t a, size_t b);

/* The value of one link (slot LINK_*), or -1 when the tables do not give
 * it. */
int64_t topo_link_value(const struct topo_build *b, uint64_t key, int what);

/* The round-trip model of one link (1 + index), or 0. */
uint32_t topo_link_model(const struct topo_build *b, uint64_t key);

/* latency_ms (required), bandwidth_mbps and link_capacity_mbps
 * (optional). */
int topo_read_links(struct topo_build *b, const struct cfg_map *root,
                    struct sim_err *err);

/* Every node with a parent needs the RTT to it. */
int topo_parent_links(const struct topo_build *b, struct sim_err *err);

/* Each region's links and its nearest edge. */
int topo_region_edges(const struct topo_build *b, struct sim_err *err);

/* --- topo_routing.c --- */

/* Resolves each parent name: an existing node, not itself, not an edge. */
int topo_resolve_parents(struct topo_build *b, struct sim_err *err);

/* Rejects a cycle of parents, then sets every depth. */
int topo_check_cycles(struct topo_build *b, struct sim_err *err);

/* backup_parent: resolved, with a latency, and no loop with parents. */
int topo_resolve_backups(const struct topo_build *b, struct sim_err *err);

/* The longest chain of round trips up from any node stays in range. */
int topo_check_chain_rtts(const struct topo_build *b, struct sim_err *err);

/* Each region's routing details (edges, edge, max_latency_ms). */
int topo_read_routing(const struct topo_build *b, struct sim_err *err);

/* --- origin_routes.c --- */

/* origin_routes: the routes, and the links they add. */
int topo_read_origin_routes(struct topo_build *b, const struct cfg_map *root,
                            struct sim_err *err);
void cfg_origin_routes_free(struct cfg_topology *t);
/* The longest round trip from node to an origin a route adds, or -1. */
cfg_time_ns cfg_origin_routed_rtt(const struct cfg_topology *t, size_t node);

/* --- topo_outages.c --- */

/* outages and failure_detection. */
int topo_read_outages(struct topo_build *b, const struct cfg_map *root,
                      struct sim_err *err);

#endif
