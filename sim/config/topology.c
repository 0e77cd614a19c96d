/* topology.c: the topology file: regions, nodes and their caches, the
 * parent tree and the latency tables, validated as a whole.
 *
 * Sections are read in file order (name, regions, nodes, latency_ms), each
 * mapping's keys before its values; the checks that relate sections
 * (parents, cycles, missing latencies) come last. */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/idmap.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* Longest list of names quoted in a message. */
#define NAMES_MAX 320

/* Largest accepted RTT in ms (11.6 days): far beyond any real link, and
 * small enough that the nanosecond value cannot overflow. */
#define RTT_MAX_MS 1e9

static const char *const tier_names[] = {
    [CFG_TIER_EDGE] = "edge",
    [CFG_TIER_SHIELD] = "shield",
    [CFG_TIER_ORIGIN] = "origin",
};

static const char *const root_keys[] = {
    "name",           "regions",  "nodes",           "latency_ms",
    "bandwidth_mbps", "outages",  "failure_detection", "providers",
    "link_capacity_mbps", "cache_key", "placement", NULL};
static const char *const outage_keys[] = {"fail", "at", "for", NULL};
static const char *const outage_required[] = {"fail", "at", NULL};
static const char *const root_required[] = {"name", "regions", "nodes",
                                            "latency_ms", NULL};
static const char *const region_keys[] = {
    "name", "weight", "routing", "edges", "edge", "max_latency_ms", NULL};
static const char *const region_required[] = {"name", "weight", NULL};
static const char *const routing_names[] = {
    [CFG_ROUTE_NEAREST] = "nearest",
    [CFG_ROUTE_WEIGHTED] = "weighted",
    [CFG_ROUTE_STATIC] = "static",
    [CFG_ROUTE_COST] = "cost",
};
static const char *const provider_keys[] = {"name", "egress_cost_per_gb",
                                            "billing", NULL};
static const char *const provider_required[] = {"name", "egress_cost_per_gb",
                                                NULL};
static const char *const node_keys[] = {"name",
                                        "tier",
                                        "cache",
                                        "parent",
                                        "egress_cost_per_gb",
                                        "servers",
                                        "service_time",
                                        "backup_parent",
                                        "provider",
                                        "queue_limit",
                                        "timeout",
                                        "rate_limit",
                                        "cache_key",
                                        "placement",
                                        NULL};
static const char *const service_keys[] = {"dist", "mean", "sigma", NULL};
static const char *const service_required[] = {"dist", "mean", NULL};
static const char *const node_required[] = {"name", "tier", NULL};
static const char *const cache_required[] = {"capacity", NULL};

/* One link's values while the tables are read: a region to an edge, or
 * two nodes. */
struct link_entry {
    uint64_t key;     /* link_key() */
    int64_t value[3]; /* [LINK_RTT] ns, [LINK_BPS] and [LINK_CAP] bits/s;
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
    /* The links the tables give, found by link_key(). */
    struct idmap link_index;
    struct link_entry *links;
    size_t n_links, cap_links;
    size_t cap_rtt_models;
};

/* The key of the link between region r and a node, or between two nodes
 * (either way round). */
static uint64_t
link_key(int is_region, size_t a, size_t b)
{
    if (!is_region && a > b) {
        size_t x = a;
        a = b;
        b = x;
    }
    return (is_region ? 1ULL << 63 : 0) | (uint64_t)a << 32 | (uint64_t)b;
}

/* The entry of a link, created with absent values if new. */
static struct link_entry *
tb_link_entry(struct topo_build *b, uint64_t key)
{
    uint32_t k = idmap_get(&b->link_index, key);
    if (k != IDMAP_EMPTY)
        return &b->links[k];
    b->links = xgrow(b->links, &b->cap_links, b->n_links + 1, sizeof *b->links,
                     64);
    struct link_entry *e = &b->links[b->n_links];
    e->key = key;
    e->value[LINK_RTT] = e->value[LINK_BPS] = e->value[LINK_CAP] = -1;
    e->rtt_model = 0;
    idmap_put(&b->link_index, key, (uint32_t)b->n_links++);
    return e;
}

/* The value of one link, or -1 when the tables do not give it. */
static int64_t
tb_link_value(const struct topo_build *b, uint64_t key, int what)
{
    uint32_t k = idmap_get(&b->link_index, key);
    return k == IDMAP_EMPTY ? -1 : b->links[k].value[what];
}

/* The round-trip model of one link (1 + index), or 0. */
static uint32_t
tb_link_model(const struct topo_build *b, uint64_t key)
{
    uint32_t k = idmap_get(&b->link_index, key);
    return k == IDMAP_EMPTY ? 0 : b->links[k].rtt_model;
}

const char *
cfg_routing_name(enum cfg_routing r)
{
    SIM_ASSERT(r >= CFG_ROUTE_NEAREST && r <= CFG_ROUTE_COST);
    return routing_names[r];
}

const char *
cfg_tier_name(enum cfg_tier t)
{
    SIM_ASSERT(t >= CFG_TIER_EDGE && t <= CFG_TIER_ORIGIN);
    return tier_names[t];
}

/* The mark of a node, pointing at the topology's own copy of its path. */
static struct cfg_mark
tb_mark(const struct topo_build *b, int id)
{
    struct cfg_mark m = cfg_doc_mark(b->d, id);
    if (m.file == b->d->path)
        m.file = b->t->path;
    return m;
}

/* Lists the node names, for "known nodes: ..." in a message. */
static void
node_names(const struct cfg_topology *t, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_nodes && t->nodes[i].name; i++) {
        int k =
            snprintf(buf + n, len - n, "%s%s", n ? ", " : "", t->nodes[i].name);
        if (k < 0 || n + (size_t)k >= len - 4) {
            snprintf(buf + n, len - n, "%s...", n ? ", " : "");
            return;
        }
        n += (size_t)k;
    }
}

static const char *
code_name(const struct cfg_topology *t, uint32_t code)
{
    size_t idx = code >> 1;
    return code & 1 ? t->nodes[idx].name : t->regions[idx].name;
}

/* Finds a name among the regions and the nodes read so far. Returns 1 for
 * a region, 2 for a node (with *idx set) and 0 when unknown. */
static int
tb_lookup(const struct topo_build *b, const char *name, size_t *idx)
{
    const struct cfg_topology *t = b->t;
    uint32_t code = idmap_get(&b->names, hash_bytes(name, strlen(name)));
    if (code != IDMAP_EMPTY && strcmp(code_name(t, code), name) == 0) {
        *idx = code >> 1;
        return code & 1 ? 2 : 1;
    }
    if (!b->has_name_collision)
        return 0;
    for (size_t r = 0; r < t->n_regions; r++)
        if (t->regions[r].name && strcmp(t->regions[r].name, name) == 0) {
            *idx = r;
            return 1;
        }
    for (size_t i = 0; i < t->n_nodes; i++)
        if (t->nodes[i].name && strcmp(t->nodes[i].name, name) == 0) {
            *idx = i;
            return 2;
        }
    return 0;
}

/* Indexes a name just stored in t (a region's, or a node's). */
static void
tb_index_name(struct topo_build *b, const char *name, int is_node,
              size_t idx)
{
    uint64_t h = hash_bytes(name, strlen(name));
    if (idmap_get(&b->names, h) != IDMAP_EMPTY) {
        b->has_name_collision = 1;
        return;
    }
    idmap_put(&b->names, h, (uint32_t)(2 * idx + (is_node ? 1 : 0)));
}

/* Rejects a name already used: regions and nodes share one namespace,
 * because latency_ms keys may be either. name_id is the new name's value;
 * the new name is not yet stored in t. */
static int
tb_check_unique(const struct topo_build *b, const char *name, int name_id,
                const char *field, struct sim_err *err)
{
    size_t idx;
    int kind = tb_lookup(b, name, &idx);
    if (kind == 0)
        return 0;
    int first_id = kind == 1 ? b->region_name_id[idx] : b->node_name_id[idx];
    struct cfg_mark first = cfg_doc_mark(b->d, first_id);
    char where[64] = "";
    if (first.line > 0)
        snprintf(where, sizeof where, " at line %d", first.line);
    return cfg_doc_err(b->d, name_id, -SIM_EDUP, field, err,
                       "duplicate name \"%s\": already used by %s[%zu]%s "
                       "(regions and nodes share one namespace)",
                       name, kind == 1 ? "regions" : "nodes", idx, where);
}

/* The top-level keys and the topology's name. */
static int
tb_root(struct topo_build *b, struct cfg_map *root, struct sim_err *err)
{
    int rc = cfg_map_open(root, b->d, b->root, "", err);
    if (rc == 0)
        rc = cfg_map_check_keys(root, root_keys, root_required, err);
    if (rc == 0)
        rc = cfg_map_string(root, "name", NULL, &b->t->name, err);
    return rc;
}

/* regions: a non-empty sequence of {name, weight > 0}. */
static int
tb_regions(struct topo_build *b, const struct cfg_map *root,
           struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(root, "regions", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, seq);
    const yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    struct cfg_topology *t = b->t;
    t->regions = xcalloc(count, sizeof *t->regions);
    b->region_name_id = xcalloc(count, sizeof *b->region_name_id);
    b->region_item_id = xcalloc(count, sizeof *b->region_item_id);
    for (size_t r = 0; r < count && rc == 0; r++) {
        char field[CFG_FIELD_MAX], name_field[CFG_FIELD_MAX];
        struct cfg_map m;
        char *name = NULL;
        snprintf(field, sizeof field, "regions[%zu]", r);
        rc = cfg_map_open(&m, b->d, items[r], field, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&m, region_keys, region_required, err);
        if (rc == 0)
            rc = cfg_map_name(&m, "name", 1, &name, err);
        if (rc == 0) {
            cfg_map_field(&m, "name", name_field, sizeof name_field);
            rc = tb_check_unique(b, name, cfg_map_find(&m, "name"), name_field,
                                 err);
        }
        if (rc != 0) {
            free(name);
            break;
        }
        t->regions[r].name = name;
        tb_index_name(b, name, 0, r);
        t->regions[r].static_edge = -1;
        b->region_name_id[r] = cfg_map_find(&m, "name");
        b->region_item_id[r] = items[r];
        t->n_regions = r + 1;
        int routing_id = cfg_map_find(&m, "routing");
        if (routing_id != 0) {
            const char *name_r = cfg_doc_scalar(b->d, routing_id);
            size_t k = 0;
            while (k < 4 && (name_r == NULL ||
                             strcmp(name_r, routing_names[k]) != 0))
                k++;
            if (k == 4) {
                rc = cfg_map_bad(&m, "routing", routing_id,
                                 "a routing: nearest, weighted, static or "
                                 "cost", err);
                break;
            }
            t->regions[r].routing = (enum cfg_routing)k;
        }
        rc = cfg_map_number(&m, "weight", 1, 0, 0, 1, CFG_WEIGHT_MAX,
                            &t->regions[r].weight, err);
    }
    return rc;
}

/* Copies every key of the cache mapping other than the three it knows
 * into params, for the cache module to validate. */
static int
tb_cache_params(const struct topo_build *b, const struct cfg_map *m,
                struct cfg_cache *c, struct sim_err *err)
{
    static const char *const own[] = {"capacity", "policy", "admission"};
    const yaml_node_t *n = cfg_doc_node(b->d, m->id);
    const yaml_node_pair_t *start = n->data.mapping.pairs.start;
    size_t count = (size_t)(n->data.mapping.pairs.top - start);
    c->params = xcalloc(count, sizeof *c->params);
    for (size_t i = 0; i < count; i++) {
        const char *key = cfg_doc_scalar(b->d, start[i].key);
        int is_own = 0;
        for (size_t k = 0; k < sizeof own / sizeof own[0]; k++)
            is_own |= strcmp(key, own[k]) == 0;
        if (is_own)
            continue;
        const char *value = cfg_doc_scalar(b->d, start[i].value);
        if (value == NULL)
            return cfg_map_bad(m, key, start[i].value, "a single value", err);
        struct cfg_kv *kv = &c->params[c->n_params++];
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, key, field, sizeof field);
        kv->key = xstrdup(key);
        kv->value = xstrdup(value);
        kv->field = xstrdup(field);
        kv->mark = tb_mark(b, start[i].value);
    }
    return 0;
}

/* A node's cache: capacity > 0, policy and admission names, parameters. */
static int
tb_cache(const struct topo_build *b, const struct cfg_map *node,
         struct cfg_cache *c, struct sim_err *err)
{
    int id;
    int rc = cfg_map_child(node, "cache", YAML_MAPPING_NODE, 1, &id, err);
    if (rc != 0)
        return rc;
    struct cfg_map m;
    char field[CFG_FIELD_MAX];
    cfg_map_field(node, "cache", field, sizeof field);
    c->field = xstrdup(field);
    rc = cfg_map_open(&m, b->d, id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, NULL, cache_required, err);
    if (rc == 0)
        rc = cfg_map_size(&m, "capacity", 1, 0, &c->capacity_bytes, err);
    if (rc == 0)
        rc = cfg_map_string(&m, "policy", "lru", &c->policy, err);
    if (rc == 0)
        rc = cfg_map_string(&m, "admission", "always", &c->admission, err);
    if (rc != 0)
        return rc;
    /* Errors about the policy (found later) point at its name, or at the
     * cache mapping when the default is used. */
    int policy_id = cfg_map_find(&m, "policy");
    c->policy_mark = tb_mark(b, policy_id ? policy_id : id);
    return tb_cache_params(b, &m, c, err);
}

/* Rejects a key an origin cannot have. */
static int
tb_origin_key(const struct topo_build *b, const struct cfg_map *m,
              const char *key, const char *why, struct sim_err *err)
{
    int key_id = cfg_map_key_id(m, key);
    if (key_id == 0)
        return 0;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_doc_err(b->d, key_id, -SIM_EBADKEY, field, err,
                       "an origin has no %s: %s (allowed keys for an "
                       "origin: name, tier, egress_cost_per_gb, servers, "
                       "service_time, queue_limit, timeout, rate_limit)",
                       key, why);
}

/* servers and service_time: the node's processing capacity. */
static int
tb_service(const struct topo_build *b, const struct cfg_map *node,
           struct cfg_service *sv, struct sim_err *err)
{
    uint64_t servers = 0;
    int rc = cfg_map_count(node, "servers", 0, 0, 1, &servers, err);
    if (rc != 0)
        return rc;
    if (servers > UINT32_MAX)
        return cfg_map_bad(node, "servers", cfg_map_find(node, "servers"),
                           "a number of servers up to 4294967295", err);
    sv->servers = (uint32_t)servers;
    int id;
    rc = cfg_map_child(node, "service_time", YAML_MAPPING_NODE, servers > 0,
                       &id, err);
    if (rc != 0 || id == 0)
        return rc;
    char field[CFG_FIELD_MAX];
    cfg_map_field(node, "service_time", field, sizeof field);
    struct cfg_map m;
    rc = cfg_map_open(&m, b->d, id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, service_keys, service_required, err);
    if (rc != 0)
        return rc;
    static const char *const dists[] = {"fixed", "exponential", "lognormal"};
    int dist_id = cfg_map_find(&m, "dist");
    const char *dist = cfg_doc_scalar(b->d, dist_id);
    size_t k = 0;
    while (k < 3 && (dist == NULL || strcmp(dist, dists[k]) != 0))
        k++;
    if (k == 3)
        return cfg_map_bad(&m, "dist", dist_id,
                           "a distribution: fixed, exponential or lognormal",
                           err);
    sv->dist = (enum cfg_service_dist)k;
    rc = cfg_map_duration(&m, "mean", 1, 0, &sv->mean_ns, err);
    if (rc != 0)
        return rc;
    sv->mean_mark = tb_mark(b, cfg_map_find(&m, "mean"));
    if (sv->dist == CFG_SERVICE_LOGNORMAL) {
        rc = cfg_map_number(&m, "sigma", 1, 0, 0, 1, 10, &sv->sigma, err);
    } else if (cfg_map_find(&m, "sigma") != 0) {
        char sf[CFG_FIELD_MAX];
        cfg_map_field(&m, "sigma", sf, sizeof sf);
        rc = cfg_doc_err(b->d, cfg_map_key_id(&m, "sigma"), -SIM_EBADKEY, sf,
                         err, "sigma applies only to dist: lognormal");
    }
    sv->is_set = rc == 0;
    return rc;
}

/* A link's bandwidth or latency written on a node: says where it goes. */
static int
tb_link_key_on_node(const struct topo_build *b, const struct cfg_map *m,
                    struct sim_err *err)
{
    static const char *const link_keys[] = {"bandwidth_mbps", "latency_ms"};
    for (size_t k = 0; k < 2; k++) {
        int key_id = cfg_map_key_id(m, link_keys[k]);
        if (key_id == 0)
            continue;
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, link_keys[k], field, sizeof field);
        const char *name = cfg_doc_scalar(b->d, cfg_map_find(m, "name"));
        const char *parent = cfg_doc_scalar(b->d, cfg_map_find(m, "parent"));
        return cfg_doc_err(
            b->d, key_id, -SIM_EBADKEY, field, err,
            "%s belongs to a link, not a node: give it in the top-level "
            "%s table (%s: {%s: {%s: N}}; with --set: %s.%s.%s=N)",
            link_keys[k], link_keys[k], link_keys[k], name ? name : "NODE",
            parent ? parent : "PARENT", link_keys[k], name ? name : "NODE",
            parent ? parent : "PARENT");
    }
    return 0;
}

/* One item of nodes. */
static int
tb_node(struct topo_build *b, size_t i, int item, struct sim_err *err)
{
    struct cfg_node *node = &b->t->nodes[i];
    char field[CFG_FIELD_MAX], name_field[CFG_FIELD_MAX];
    struct cfg_map m;
    char *name = NULL;
    node->parent = -1;
    node->backup_parent = -1;
    node->provider = -1;
    snprintf(field, sizeof field, "nodes[%zu]", i);
    int rc = cfg_map_open(&m, b->d, item, field, err);
    if (rc == 0)
        rc = tb_link_key_on_node(b, &m, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, node_keys, node_required, err);
    if (rc == 0)
        rc = cfg_map_name(&m, "name", 1, &name, err);
    if (rc == 0) {
        cfg_map_field(&m, "name", name_field, sizeof name_field);
        rc =
            tb_check_unique(b, name, cfg_map_find(&m, "name"), name_field, err);
    }
    if (rc != 0) {
        free(name);
        return rc;
    }
    node->name = name;
    tb_index_name(b, name, 1, i);
    b->node_name_id[i] = cfg_map_find(&m, "name");

    int tier_id = cfg_map_find(&m, "tier");
    const char *tier = cfg_doc_scalar(b->d, tier_id);
    size_t k = 0;
    while (k < sizeof tier_names / sizeof tier_names[0] &&
           (tier == NULL || strcmp(tier, tier_names[k]) != 0))
        k++;
    if (k == sizeof tier_names / sizeof tier_names[0])
        return cfg_map_bad(&m, "tier", tier_id,
                           "a tier: edge, shield or origin", err);
    node->tier = (enum cfg_tier)k;

    if (node->tier == CFG_TIER_ORIGIN) {
        rc = tb_origin_key(b, &m, "cache", "requests end there", err);
        if (rc == 0)
            rc = tb_origin_key(b, &m, "parent", "it is the top of its tree",
                               err);
        if (rc == 0)
            rc = tb_origin_key(b, &m, "backup_parent",
                               "it is the top of its tree", err);
        if (rc == 0)
            rc = tb_origin_key(b, &m, "cache_key", "it caches nothing", err);
        if (rc == 0)
            rc = tb_origin_key(b, &m, "placement", "it caches nothing", err);
    } else {
        node->has_cache = 1;
        rc = tb_cache(b, &m, &node->cache, err);
        /* The parent's name is resolved once every node is known. */
        char *parent = NULL;
        if (rc == 0)
            rc = cfg_map_name(&m, "parent", 1, &parent, err);
        free(parent);
        b->parent_id[i] = cfg_map_find(&m, "parent");
        char *backup = NULL;
        if (rc == 0)
            rc = cfg_map_name(&m, "backup_parent", 0, &backup, err);
        free(backup);
        b->backup_id[i] = cfg_map_find(&m, "backup_parent");
        if (rc == 0)
            rc = cfg_cache_key_build(&m, &node->cache_key, err);
        if (rc == 0)
            rc = cfg_placement_build(b->d, b->root, &m, node, err);
    }
    /* A node of a provider costs the provider's price unless it says. */
    int provider_id = cfg_map_find(&m, "provider");
    if (rc == 0 && provider_id != 0) {
        const char *pname = cfg_doc_scalar(b->d, provider_id);
        size_t pk = 0;
        while (pk < b->t->n_providers &&
               (pname == NULL || strcmp(pname, b->t->providers[pk].name) != 0))
            pk++;
        if (pk == b->t->n_providers) {
            char what[NAMES_MAX];
            size_t used = (size_t)snprintf(what, sizeof what,
                                           "a provider listed in providers");
            for (size_t j = 0; j < b->t->n_providers && used < sizeof what;
                 j++)
                used += (size_t)snprintf(what + used, sizeof what - used,
                                         "%s%s", j ? ", " : " (",
                                         b->t->providers[j].name);
            if (b->t->n_providers && used < sizeof what)
                snprintf(what + used, sizeof what - used, ")");
            return cfg_map_bad(&m, "provider", provider_id, what, err);
        }
        node->provider = (int)pk;
    }
    double price = node->provider >= 0
                       ? b->t->providers[node->provider].egress_cost_per_gb
                       : 0;
    if (rc == 0)
        rc = cfg_map_number(&m, "egress_cost_per_gb", 0, price, 0, 0,
                            CFG_PRICE_MAX, &node->egress_cost_per_gb, err);
    if (rc == 0)
        rc = tb_service(b, &m, &node->service, err);
    if (rc == 0)
        rc = cfg_overload_build(&m, &node->service, &node->overload, err);
    return rc;
}

/* nodes: a non-empty sequence. */
static int
tb_nodes(struct topo_build *b, const struct cfg_map *root, struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(root, "nodes", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, seq);
    const yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    struct cfg_topology *t = b->t;
    t->nodes = xcalloc(count, sizeof *t->nodes);
    b->node_name_id = xcalloc(count, sizeof *b->node_name_id);
    b->parent_id = xcalloc(count, sizeof *b->parent_id);
    b->backup_id = xcalloc(count, sizeof *b->backup_id);
    for (size_t i = 0; i < count && rc == 0; i++) {
        /* Counted before reading so that the free path sees the item. */
        t->n_nodes = i + 1;
        rc = tb_node(b, i, items[i], err);
    }
    return rc;
}

/* Resolves each parent name: an existing node, not itself, not an edge. */
static int
tb_parents(struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int id = b->parent_id[i];
        if (id == 0)
            continue;
        const char *name = cfg_doc_scalar(b->d, id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].parent", i);
        size_t p;
        int kind = tb_lookup(b, name, &p);
        if (kind != 2) {
            char names[NAMES_MAX];
            node_names(t, names, sizeof names);
            return cfg_doc_err(b->d, id, -SIM_ENOENT, field, err,
                               "no node named \"%s\"%s (known nodes: %s)", name,
                               kind == 1 ? " (it is a region)" : "", names);
        }
        if (p == i)
            return cfg_doc_err(b->d, id, -SIM_ECYCLE, field, err,
                               "node \"%s\" cannot be its own parent", name);
        if (t->nodes[p].tier == CFG_TIER_EDGE)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "\"%s\" is an edge; an edge cannot be the "
                               "parent of another node (use a shield or an "
                               "origin)",
                               name);
        t->nodes[i].parent = (int)p;
    }
    return 0;
}

/* Rejects a cycle of parents (only shields can form one: an edge is
 * nobody's parent and an origin has none), then sets every depth. */
static int
tb_cycles(struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    size_t n = t->n_nodes;
    for (size_t i = 0; i < n; i++) {
        /* A path of n steps that has not reached an origin has entered a
         * cycle, and after n steps it is on it. */
        int j = (int)i;
        size_t steps = 0;
        while (t->nodes[j].parent >= 0 && steps < n) {
            j = t->nodes[j].parent;
            steps++;
        }
        if (t->nodes[j].parent < 0) {
            t->nodes[i].depth = (int)steps;
            continue;
        }
        /* Report the cycle at its first-listed member. */
        int first = j;
        for (int k = t->nodes[j].parent; k != j; k = t->nodes[k].parent)
            if (k < first)
                first = k;
        char path[NAMES_MAX];
        size_t len = 0;
        int k = first;
        do {
            int w = snprintf(path + len, sizeof path - len, "%s -> ",
                             t->nodes[k].name);
            if (w > 0 && len + (size_t)w < sizeof path)
                len += (size_t)w;
            k = t->nodes[k].parent;
        } while (k != first);
        snprintf(path + len, sizeof path - len, "%s", t->nodes[first].name);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%d].parent", first);
        return cfg_doc_err(b->d, b->parent_id[first], -SIM_ECYCLE, field, err,
                           "parent cycle: %s", path);
    }
    return 0;
}

/*
 * A per-link table of the topology file: latency_ms and bandwidth_mbps
 * have the same shape (NAME -> {NAME: number}, symmetric, a region only
 * ever linked to edges) and are read by the same code into the links
 * (one value of each link_entry).
 */
struct link_table {
    const char *key;      /* "latency_ms" */
    const char *what;     /* "latency", for messages */
    const char *whats;    /* "latencies" */
    const char *unit;     /* "ms" */
    double scale;         /* file unit -> stored unit (ms -> ns: 1e6) */
    double min;           /* smallest value allowed */
    int is_min_excl;      /* min itself is not allowed */
    double max;
    int slot;             /* LINK_RTT, LINK_BPS or LINK_CAP */
};

/* Stores one value in its slot, rejecting a different value given before. */
static int
tb_set_link(const struct topo_build *b, const struct link_table *lt,
            int64_t *slot, int64_t v, const char *a, const char *c,
            int value_id, const char *field, struct sim_err *err)
{
    if (*slot >= 0 && *slot != v)
        return cfg_doc_err(b->d, value_id, -SIM_EDUP, field, err,
                           "%s between %s and %s given twice: %g %s "
                           "here, %g %s before",
                           lt->what, a, c, (double)v / lt->scale, lt->unit,
                           (double)*slot / lt->scale, lt->unit);
    *slot = v;
    return 0;
}

/* A latency given as a mapping (latency_spec.c), kept in the topology's
 * rtt_models; *model (OUT) is 1 + its index. */
static int
tb_rtt_model(struct topo_build *b, int value_id, const char *field,
             int is_region_link, uint32_t *model, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    struct cfg_rtt_model o;
    int rc = cfg_rtt_model_parse(b->d, value_id, field, is_region_link, &o,
                                 err);
    if (rc != 0)
        return rc;
    t->rtt_models = xgrow(t->rtt_models, &b->cap_rtt_models,
                          t->n_rtt_models + 1, sizeof *t->rtt_models, 8);
    t->rtt_models[t->n_rtt_models++] = o;
    *model = (uint32_t)t->n_rtt_models;
    return 0;
}

/* One entry KEY.A.B of a link table. */
static int
tb_link(struct topo_build *b, const struct link_table *lt,
        const struct cfg_map *inner, const char *a, int a_kind, size_t a_idx,
        int key_id, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    const char *c = cfg_doc_scalar(b->d, key_id);
    char field[CFG_FIELD_MAX];
    cfg_map_field(inner, c, field, sizeof field);
    size_t c_idx;
    int c_kind = tb_lookup(b, c, &c_idx);
    if (c_kind == 0)
        return cfg_doc_err(b->d, key_id, -SIM_ENOENT, field, err,
                           "no region or node named \"%s\"", c);
    if (c_kind == a_kind && c_idx == a_idx)
        return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                           "a %s from \"%s\" to itself", lt->what, c);
    if (a_kind == 1 && c_kind == 1)
        return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                           "\"%s\" and \"%s\" are both regions; a %s "
                           "is between a region and an edge or between "
                           "two nodes",
                           a, c, lt->what);
    /* Written either way round; a region only ever reaches edges. */
    if (a_kind != c_kind) {
        size_t r = a_kind == 1 ? a_idx : c_idx;
        size_t node = a_kind == 1 ? c_idx : a_idx;
        if (t->nodes[node].tier != CFG_TIER_EDGE)
            return cfg_doc_err(b->d, key_id, -SIM_EBADVAL, field, err,
                               "region \"%s\" can only have %s to "
                               "edge nodes; \"%s\" is %s %s",
                               t->regions[r].name, lt->whats,
                               t->nodes[node].name,
                               t->nodes[node].tier == CFG_TIER_ORIGIN ? "an"
                                                                      : "a",
                               cfg_tier_name(t->nodes[node].tier));
    }
    int value_id = cfg_map_find(inner, c);
    uint32_t model = 0;
    int64_t v;
    if (lt->slot == LINK_RTT &&
        cfg_doc_node(b->d, value_id)->type == YAML_MAPPING_NODE) {
        int rc = tb_rtt_model(b, value_id, field, a_kind != c_kind, &model,
                              err);
        if (rc != 0)
            return rc;
        v = b->t->rtt_models[model - 1].rtt_ns;
    } else {
        double x;
        int rc = cfg_map_number(inner, c, 1, 0, lt->min, lt->is_min_excl,
                                lt->max, &x, err);
        if (rc != 0)
            return rc;
        v = (int64_t)llround(x * lt->scale);
    }
    uint64_t key;
    if (a_kind != c_kind)
        key = link_key(1, a_kind == 1 ? a_idx : c_idx,
                       a_kind == 1 ? c_idx : a_idx);
    else
        key = link_key(0, a_idx, c_idx);
    struct link_entry *e = tb_link_entry(b, key);
    if (lt->slot == LINK_CAP && e->value[LINK_BPS] >= 0)
        return cfg_doc_err(b->d, value_id, -SIM_EBADVAL, field, err,
                           "the link between %s and %s has a bandwidth_mbps "
                           "already: a link is either shared "
                           "(link_capacity_mbps) or a per-response delay "
                           "(bandwidth_mbps), not both",
                           a, c);
    if (lt->slot == LINK_CAP && e->rtt_model != 0)
        return cfg_doc_err(b->d, value_id, -SIM_EBADVAL, field, err,
                           "the link between %s and %s has a latency "
                           "mapping: a shared link (link_capacity_mbps) "
                           "takes a constant latency",
                           a, c);
    if (model != 0 || e->rtt_model != 0) {
        if (e->value[LINK_RTT] >= 0)
            return cfg_doc_err(b->d, value_id, -SIM_EDUP, field, err,
                               "latency between %s and %s given twice; a "
                               "latency mapping is given once",
                               a, c);
        e->rtt_model = model;
    }
    return tb_set_link(b, lt, &e->value[lt->slot], v, a, c, value_id, field,
                       err);
}

/*
 * Reads link table lt (required or not) into the links. *table_id is set
 * to the table's yaml mapping, or 0 when it is absent.
 */
static int
tb_links(struct topo_build *b, const struct cfg_map *root,
         const struct link_table *lt, int required, int *table_id,
         struct sim_err *err)
{
    struct cfg_map table;
    int rc = cfg_map_child(root, lt->key, YAML_MAPPING_NODE, required,
                           table_id, err);
    if (rc != 0 || *table_id == 0)
        return rc;
    rc = cfg_map_open(&table, b->d, *table_id, lt->key, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&table, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, table.id);
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const char *a = cfg_doc_scalar(b->d, p->key);
        char field[CFG_FIELD_MAX];
        cfg_map_field(&table, a, field, sizeof field);
        size_t a_idx;
        int a_kind = tb_lookup(b, a, &a_idx);
        if (a_kind == 0)
            return cfg_doc_err(b->d, p->key, -SIM_ENOENT, field, err,
                               "no region or node named \"%s\"", a);
        struct cfg_map inner;
        rc = cfg_map_open(&inner, b->d, p->value, field, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&inner, NULL, NULL, err);
        if (rc != 0)
            return rc;
        const yaml_node_t *in = cfg_doc_node(b->d, inner.id);
        for (const yaml_node_pair_t *q = in->data.mapping.pairs.start;
             q < in->data.mapping.pairs.top; q++) {
            rc = tb_link(b, lt, &inner, a, a_kind, a_idx, q->key, err);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* latency_ms (required), bandwidth_mbps and link_capacity_mbps
 * (optional). */
static int
tb_latencies(struct topo_build *b, const struct cfg_map *root,
             struct sim_err *err)
{
    static const struct link_table rtt = {
        .key = "latency_ms", .what = "latency", .whats = "latencies",
        .unit = "ms", .scale = 1e6, .min = 0, .is_min_excl = 0,
        .max = RTT_MAX_MS, .slot = LINK_RTT};
    int rc = tb_links(b, root, &rtt, 1, &b->latency_id, err);
    if (rc != 0)
        return rc;
    static const struct link_table bw = {
        .key = "bandwidth_mbps", .what = "bandwidth", .whats = "bandwidths",
        .unit = "Mbps",
        .scale = 1e6, .min = 1e-6, .is_min_excl = 0, .max = 1e9,
        .slot = LINK_BPS};
    int bw_id;
    rc = tb_links(b, root, &bw, 0, &bw_id, err);
    if (rc != 0)
        return rc;
    static const struct link_table cap = {
        .key = "link_capacity_mbps", .what = "link capacity",
        .whats = "link capacities", .unit = "Mbps",
        .scale = 1e6, .min = 1e-6, .is_min_excl = 0, .max = 1e9,
        .slot = LINK_CAP};
    int cap_id;
    return tb_links(b, root, &cap, 0, &cap_id, err);
}

/* Every node with a parent needs the RTT to it. */
static int
tb_parent_latencies(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int p = t->nodes[i].parent;
        if (p < 0)
            continue;
        uint64_t key = link_key(0, i, (size_t)p);
        t->nodes[i].parent_rtt_ns = tb_link_value(b, key, LINK_RTT);
        t->nodes[i].parent_bps = tb_link_value(b, key, LINK_BPS);
        t->nodes[i].parent_capacity_bps = tb_link_value(b, key, LINK_CAP);
        t->nodes[i].parent_rtt_model = tb_link_model(b, key);
        if (t->nodes[i].parent_rtt_ns >= 0)
            continue;
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].parent", i);
        return cfg_doc_err(b->d, b->parent_id[i], -SIM_ENOKEY, field, err,
                           "no latency_ms entry between %s and %s",
                           t->nodes[i].name, t->nodes[p].name);
    }
    return 0;
}

/* The index of region r's link to node in its links, or SIZE_MAX. */
static size_t
region_link_index(const struct cfg_topology *t, size_t r, size_t node)
{
    SIM_ASSERT(r < t->n_regions && node < t->n_nodes);
    const struct cfg_region *g = &t->regions[r];
    size_t lo = 0, hi = g->n_links;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((size_t)g->links[mid].node < node)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_links && (size_t)g->links[lo].node == node ? lo
                                                               : SIZE_MAX;
}

/* Region r's link to node, or NULL. */
static const struct cfg_region_link *
region_link(const struct cfg_topology *t, size_t r, size_t node)
{
    size_t k = region_link_index(t, r, node);
    return k == SIZE_MAX ? NULL : &t->regions[r].links[k];
}

static int
region_link_cmp(const void *a, const void *b)
{
    const struct cfg_region_link *x = a, *y = b;
    return (x->node > y->node) - (x->node < y->node);
}

/* Gives each region its links (those with a latency; tb_link let a region
 * reach only edges), by node index, and picks its edge: the lowest RTT,
 * the first listed in nodes on ties. */
static int
tb_region_edges(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    t->region_edge = xmalloc(t->n_regions * sizeof *t->region_edge);
    for (size_t k = 0; k < b->n_links; k++) {
        const struct link_entry *e = &b->links[k];
        if ((e->key >> 63) && e->value[LINK_RTT] >= 0)
            t->regions[(e->key >> 32) & 0x7fffffffu].n_links++;
    }
    for (size_t r = 0; r < t->n_regions; r++) {
        struct cfg_region *g = &t->regions[r];
        g->links = xcalloc(g->n_links ? g->n_links : 1, sizeof *g->links);
        g->n_links = 0;
    }
    for (size_t k = 0; k < b->n_links; k++) {
        const struct link_entry *e = &b->links[k];
        if (!(e->key >> 63) || e->value[LINK_RTT] < 0)
            continue;
        struct cfg_region *g = &t->regions[(e->key >> 32) & 0x7fffffffu];
        struct cfg_region_link *l = &g->links[g->n_links++];
        l->node = (int)(e->key & 0xffffffffu);
        l->rtt_ns = e->value[LINK_RTT];
        l->bps = e->value[LINK_BPS];
        l->capacity_bps = e->value[LINK_CAP];
        l->rtt_model = e->rtt_model;
    }
    for (size_t r = 0; r < t->n_regions; r++) {
        struct cfg_region *g = &t->regions[r];
        qsort(g->links, g->n_links, sizeof *g->links, region_link_cmp);
        int best = -1;
        cfg_time_ns best_rtt = 0;
        for (size_t k = 0; k < g->n_links; k++)
            if (best < 0 || g->links[k].rtt_ns < best_rtt) {
                best = g->links[k].node;
                best_rtt = g->links[k].rtt_ns;
            }
        t->region_edge[r] = best;
        if (best >= 0)
            continue;
        /* Point at the region's latency entry, or at the region. */
        const char *name = t->regions[r].name;
        int key_id;
        cfg_doc_lookup(b->d, b->latency_id, name, &key_id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "latency_ms.%s", name);
        return cfg_doc_err(b->d, key_id ? key_id : b->region_name_id[r],
                           -SIM_ENOKEY, field, err,
                           "region \"%s\" has no latency to any edge", name);
    }
    return 0;
}

/* An outage and its place in the file, for the overlap check. */
struct outage_ref {
    struct cfg_outage o;
    size_t idx;
};

/* By node, then start, then file order. */
static int
outage_ref_cmp(const void *a, const void *b)
{
    const struct outage_ref *x = a, *y = b;
    if (x->o.node != y->o.node)
        return x->o.node < y->o.node ? -1 : 1;
    if (x->o.at != y->o.at)
        return x->o.at < y->o.at ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int
outage_cmp(const void *a, const void *b)
{
    const struct cfg_outage *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/*
 * backup_parent: an existing non-edge node other than the node and its
 * parent, with a latency to the node; and no loop through parents and
 * backups together, or two nodes whose parents are both down could send
 * each other the same fetch forever.
 */
static int
tb_backups(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int id = b->backup_id[i];
        if (id == 0)
            continue;
        const char *name = cfg_doc_scalar(b->d, id);
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].backup_parent", i);
        size_t p;
        if (tb_lookup(b, name, &p) != 2) {
            char names[NAMES_MAX];
            node_names(t, names, sizeof names);
            return cfg_doc_err(b->d, id, -SIM_ENOENT, field, err,
                               "no node named \"%s\" (known nodes: %s)", name,
                               names);
        }
        if (p == i || (int)p == t->nodes[i].parent)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "the backup must differ from the node and "
                               "from its parent \"%s\"",
                               t->nodes[t->nodes[i].parent].name);
        if (t->nodes[p].tier == CFG_TIER_EDGE)
            return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                               "\"%s\" is an edge; an edge cannot serve "
                               "another node's misses", name);
        uint64_t key = link_key(0, i, p);
        t->nodes[i].backup_rtt_ns = tb_link_value(b, key, LINK_RTT);
        t->nodes[i].backup_bps = tb_link_value(b, key, LINK_BPS);
        t->nodes[i].backup_capacity_bps = tb_link_value(b, key, LINK_CAP);
        t->nodes[i].backup_rtt_model = tb_link_model(b, key);
        if (t->nodes[i].backup_rtt_ns < 0)
            return cfg_doc_err(b->d, id, -SIM_ENOKEY, field, err,
                               "no latency_ms entry between %s and %s",
                               t->nodes[i].name, name);
        t->nodes[i].backup_parent = (int)p;
    }
    /* Kahn's algorithm over parent and backup edges: whatever cannot be
     * peeled off, leaf side first, lies on a loop. */
    size_t n = t->n_nodes, done = 0;
    int *pending = xcalloc(n, sizeof *pending); /* children not yet peeled */
    int *stack = xmalloc(n * sizeof *stack);
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        if (t->nodes[i].parent >= 0)
            pending[t->nodes[i].parent]++;
        if (t->nodes[i].backup_parent >= 0)
            pending[t->nodes[i].backup_parent]++;
    }
    for (size_t i = 0; i < n; i++)
        if (pending[i] == 0)
            stack[top++] = (int)i;
    while (top > 0) {
        int v = stack[--top];
        done++;
        int up[2] = {t->nodes[v].parent, t->nodes[v].backup_parent};
        for (int k = 0; k < 2; k++)
            if (up[k] >= 0 && --pending[up[k]] == 0)
                stack[top++] = up[k];
    }
    int rc = 0;
    if (done < n) {
        size_t i = 0;
        while (i < n && (pending[i] == 0 || b->backup_id[i] == 0))
            i++;
        if (i == n)
            i = 0;
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "nodes[%zu].backup_parent", i);
        rc = cfg_doc_err(b->d, b->backup_id[i] ? b->backup_id[i]
                                                 : b->node_name_id[i],
                         -SIM_ECYCLE, field, err,
                         "parents and backup parents form a loop through "
                         "\"%s\"", t->nodes[i].name);
    }
    free(stack);
    free(pending);
    return rc;
}

/*
 * A request's round trips up a chain of parents and backups add up: the
 * longest chain from any node must stay within CFG_TIME_MAX_NS, like any
 * other duration. Parents and backups form no loop (tb_backups), so an
 * explicit depth-first walk computes each node's longest chain once.
 */
static int
tb_chain_rtts(const struct topo_build *b, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    size_t n = t->n_nodes;
    cfg_time_ns *longest = xmalloc(n * sizeof *longest);
    for (size_t i = 0; i < n; i++)
        longest[i] = -1; /* not yet known */
    /* The stack holds at most two entries per level of the walk. */
    int *stack = xmalloc((2 * n + 2) * sizeof *stack);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t top = 0;
        if (longest[i] < 0)
            stack[top++] = (int)i;
        while (top > 0) {
            const struct cfg_node *v = &t->nodes[stack[top - 1]];
            int up[2] = {v->parent, v->backup_parent};
            cfg_time_ns rtt[2] = {v->parent_rtt_ns, v->backup_rtt_ns};
            cfg_time_ns best = 0;
            int is_ready = 1;
            for (int k = 0; k < 2; k++) {
                if (up[k] < 0)
                    continue;
                if (longest[up[k]] < 0) {
                    stack[top++] = up[k];
                    is_ready = 0;
                } else if (rtt[k] + longest[up[k]] > best) {
                    best = rtt[k] + longest[up[k]];
                }
            }
            if (!is_ready)
                continue;
            /* Kept just past the limit, so that sums cannot overflow. */
            longest[stack[--top]] =
                best > CFG_TIME_MAX_NS ? CFG_TIME_MAX_NS + 1 : best;
        }
        if (longest[i] > CFG_TIME_MAX_NS) {
            char field[CFG_FIELD_MAX];
            snprintf(field, sizeof field, "nodes[%zu].parent", i);
            rc = cfg_doc_err(b->d, b->parent_id[i], -SIM_EBADVAL, field, err,
                             "the round trips from %s up its parents and "
                             "backups add up to more than "
                             CFG_TIME_MAX_TEXT, t->nodes[i].name);
        }
    }
    free(stack);
    free(longest);
    return rc;
}

/* outages: [{fail: NODE, at: DURATION, for: DURATION}], and how long
 * routing takes to notice (failure_detection). */
static int
tb_outages(struct topo_build *b, const struct cfg_map *root,
           struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    int rc = cfg_map_duration(root, "failure_detection", 0, 0,
                              &t->detection_ns, err);
    int seq;
    if (rc == 0)
        rc = cfg_map_child(root, "outages", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(b->d, seq);
    size_t count = (size_t)(n->data.sequence.items.top -
                            n->data.sequence.items.start);
    t->outages = xcalloc(count ? count : 1, sizeof *t->outages);
    int *item_ids = xmalloc((count ? count : 1) * sizeof *item_ids);
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        item_ids[k] = item;
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "outages[%zu]", k);
        struct cfg_map m;
        rc = cfg_map_open(&m, b->d, item, field, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&m, outage_keys, outage_required, err);
        if (rc != 0)
            break;
        struct cfg_outage *o = &t->outages[t->n_outages];
        const char *name = cfg_doc_scalar(b->d, cfg_map_find(&m, "fail"));
        size_t idx;
        if (name == NULL || tb_lookup(b, name, &idx) != 2) {
            char names[NAMES_MAX];
            node_names(t, names, sizeof names);
            char what[NAMES_MAX + 32];
            snprintf(what, sizeof what, "a node name (known nodes: %s)",
                     names);
            rc = cfg_map_bad(&m, "fail", cfg_map_find(&m, "fail"), what, err);
            break;
        }
        o->node = (int)idx;
        /* "at: 0s" is a valid start: parse it here, since durations in the
         * config are otherwise > 0. */
        const char *at = cfg_doc_scalar(b->d, cfg_map_find(&m, "at"));
        if (at == NULL || parse_duration(at, &o->at) != 0 ||
            o->at > CFG_TIME_MAX_NS) {
            rc = cfg_map_bad(&m, "at", cfg_map_find(&m, "at"),
                             "a time from the start such as \"10m\", up to "
                             CFG_TIME_MAX_TEXT, err);
            break;
        }
        o->duration = CFG_FOREVER;
        rc = cfg_map_duration(&m, "for", 0, CFG_FOREVER, &o->duration, err);
        if (rc != 0)
            break;
        t->n_outages++;
    }
    /* A node's outages, in time order, must not overlap: sorted by node
     * and time (file order on ties), any overlap shows between
     * neighbours. The one reported is the first in file order that
     * overlaps an outage starting no later. */
    struct outage_ref *order =
        xmalloc((t->n_outages ? t->n_outages : 1) * sizeof *order);
    for (size_t k = 0; k < t->n_outages; k++)
        order[k] = (struct outage_ref){.o = t->outages[k], .idx = k};
    if (rc == 0)
        qsort(order, t->n_outages, sizeof *order, outage_ref_cmp);
    size_t bad = SIZE_MAX, bad_prev = 0;
    for (size_t k = 1; rc == 0 && k < t->n_outages; k++) {
        const struct cfg_outage *x = &order[k - 1].o, *y = &order[k].o;
        if (x->node == y->node &&
            (x->duration == CFG_FOREVER || x->duration > y->at - x->at) &&
            order[k].idx < bad) {
            bad = order[k].idx;
            bad_prev = order[k - 1].idx;
        }
    }
    if (bad != SIZE_MAX) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "outages[%zu].at", bad);
        rc = cfg_doc_err(b->d, cfg_doc_lookup(b->d, item_ids[bad], "at", NULL),
                         -SIM_EBADVAL, field, err,
                         "overlaps outages[%zu] of the same node", bad_prev);
    }
    free(order);
    free(item_ids);
    if (rc == 0)
        qsort(t->outages, t->n_outages, sizeof *t->outages, outage_cmp);
    return rc;
}

/* providers: [{name, egress_cost_per_gb}], read before the nodes. */
static int
tb_providers(struct topo_build *b, const struct cfg_map *root,
             struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(root, "providers", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    struct cfg_topology *t = b->t;
    const yaml_node_t *n = cfg_doc_node(b->d, seq);
    const yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    t->providers = xcalloc(count ? count : 1, sizeof *t->providers);
    for (size_t k = 0; k < count && rc == 0; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "providers[%zu]", k);
        struct cfg_map m;
        rc = cfg_map_open(&m, b->d, items[k], field, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&m, provider_keys, provider_required, err);
        char *name = NULL;
        if (rc == 0)
            rc = cfg_map_name(&m, "name", 1, &name, err);
        for (size_t j = 0; rc == 0 && j < t->n_providers; j++)
            if (strcmp(t->providers[j].name, name) == 0) {
                char nf[CFG_FIELD_MAX];
                cfg_map_field(&m, "name", nf, sizeof nf);
                rc = cfg_doc_err(b->d, cfg_map_find(&m, "name"), -SIM_EDUP,
                                 nf, err, "provider \"%s\" is listed twice",
                                 name);
            }
        if (rc != 0) {
            free(name);
            break;
        }
        t->providers[k].name = name;
        t->n_providers = k + 1;
        rc = cfg_map_number(&m, "egress_cost_per_gb", 1, 0, 0, 0,
                            CFG_PRICE_MAX,
                            &t->providers[k].egress_cost_per_gb, err);
        if (rc == 0)
            rc = cfg_billing_read(&m, &t->providers[k], err);
    }
    return rc;
}

/* An edge that region r names for its routing: it must be an edge the
 * region has a latency to. Sets *idx. */
static int
tb_region_edge_ref(const struct topo_build *b, size_t r, int id,
                   const char *field, size_t *idx, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    const char *name = cfg_doc_scalar(b->d, id);
    if (name == NULL || tb_lookup(b, name, idx) != 2 ||
        t->nodes[*idx].tier != CFG_TIER_EDGE)
        return cfg_doc_err(b->d, id, -SIM_ENOENT, field, err,
                           "expected an edge node, got \"%s\"",
                           name ? name : "?");
    if (cfg_region_rtt(t, r, *idx) < 0)
        return cfg_doc_err(b->d, id, -SIM_ENOKEY, field, err,
                           "no latency_ms entry between %s and %s",
                           t->regions[r].name, name);
    return 0;
}

/* Each region's routing details, once nodes and latencies are known:
 * edges (weighted), edge (static), max_latency_ms (cost), and only the
 * one its routing uses. */
static int
tb_routing(const struct topo_build *b, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    static const char *const detail[] = {
        [CFG_ROUTE_NEAREST] = NULL,
        [CFG_ROUTE_WEIGHTED] = "edges",
        [CFG_ROUTE_STATIC] = "edge",
        [CFG_ROUTE_COST] = "max_latency_ms",
    };
    for (size_t r = 0; r < t->n_regions; r++) {
        struct cfg_region *g = &t->regions[r];
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "regions[%zu]", r);
        struct cfg_map m;
        int rc = cfg_map_open(&m, b->d, b->region_item_id[r], field, err);
        if (rc != 0)
            return rc;
        for (int k = CFG_ROUTE_WEIGHTED; k <= CFG_ROUTE_COST; k++) {
            int present = cfg_map_find(&m, detail[k]) != 0;
            if (present && k != (int)g->routing) {
                char kf[CFG_FIELD_MAX];
                cfg_map_field(&m, detail[k], kf, sizeof kf);
                return cfg_doc_err(b->d, cfg_map_key_id(&m, detail[k]),
                                   -SIM_EBADKEY, kf, err,
                                   "%s belongs to routing: %s, and this "
                                   "region's routing is %s",
                                   detail[k], routing_names[k],
                                   routing_names[g->routing]);
            }
            if (!present && k == (int)g->routing)
                return cfg_map_missing(&m, detail[k], err);
        }
        if (g->routing == CFG_ROUTE_STATIC) {
            char ef[CFG_FIELD_MAX];
            cfg_map_field(&m, "edge", ef, sizeof ef);
            size_t idx;
            rc = tb_region_edge_ref(b, r, cfg_map_find(&m, "edge"), ef, &idx,
                                    err);
            if (rc != 0)
                return rc;
            g->static_edge = (int)idx;
        } else if (g->routing == CFG_ROUTE_COST) {
            double ms;
            rc = cfg_map_number(&m, "max_latency_ms", 1, 0, 0, 0, RTT_MAX_MS,
                                &ms, err);
            if (rc != 0)
                return rc;
            g->max_rtt_ns = (cfg_time_ns)llround(ms * 1e6);
        } else if (g->routing == CFG_ROUTE_WEIGHTED) {
            int id;
            rc = cfg_map_child(&m, "edges", YAML_MAPPING_NODE, 1, &id, err);
            struct cfg_map em;
            char ef[CFG_FIELD_MAX];
            cfg_map_field(&m, "edges", ef, sizeof ef);
            if (rc == 0)
                rc = cfg_map_open(&em, b->d, id, ef, err);
            if (rc == 0)
                rc = cfg_map_check_keys(&em, NULL, NULL, err);
            if (rc != 0)
                return rc;
            const yaml_node_t *n = cfg_doc_node(b->d, id);
            if (n->data.mapping.pairs.start == n->data.mapping.pairs.top)
                return cfg_doc_err(b->d, id, -SIM_EBADVAL, ef, err,
                                   "expected at least one edge with its "
                                   "share");
            for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
                 p < n->data.mapping.pairs.top; p++) {
                const char *name = cfg_doc_scalar(b->d, p->key);
                char pf[CFG_FIELD_MAX];
                cfg_map_field(&em, name, pf, sizeof pf);
                size_t idx;
                rc = tb_region_edge_ref(b, r, p->key, pf, &idx, err);
                /* The edge has a latency: it is one of the region's links. */
                struct cfg_region_link *l =
                    rc == 0 ? &g->links[region_link_index(t, r, idx)] : NULL;
                if (rc == 0)
                    rc = cfg_map_number(&em, name, 1, 0, 0, 1,
                                        CFG_WEIGHT_MAX, &l->share, err);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return 0;
}

int
cfg_topology_build(const struct cfg_doc *d, struct cfg_topology **out,
                   struct sim_err *err)
{
    *out = NULL;
    struct topo_build b = {.d = d, .root = cfg_doc_root(d)};
    idmap_init(&b.names);
    idmap_init(&b.link_index);
    b.t = xcalloc(1, sizeof *b.t);
    b.t->path = xstrdup(d->path);
    cfg_source_copy(&b.t->source, d);
    struct cfg_map root;
    int rc = tb_root(&b, &root, err);
    if (rc == 0)
        rc = cfg_cache_key_build(&root, &b.t->cache_key, err);
    if (rc == 0)
        rc = tb_regions(&b, &root, err);
    if (rc == 0)
        rc = tb_providers(&b, &root, err);
    if (rc == 0)
        rc = tb_nodes(&b, &root, err);
    if (rc == 0)
        rc = tb_parents(&b, err);
    if (rc == 0)
        rc = tb_cycles(&b, err);
    if (rc == 0)
        rc = tb_latencies(&b, &root, err);
    if (rc == 0)
        rc = tb_parent_latencies(&b, err);
    if (rc == 0)
        rc = tb_region_edges(&b, err);
    if (rc == 0)
        rc = tb_backups(&b, err);
    if (rc == 0)
        rc = tb_chain_rtts(&b, err);
    if (rc == 0)
        rc = tb_outages(&b, &root, err);
    if (rc == 0)
        rc = tb_routing(&b, err);
    idmap_fini(&b.names);
    idmap_fini(&b.link_index);
    free(b.links);
    free(b.parent_id);
    free(b.backup_id);
    free(b.node_name_id);
    free(b.region_name_id);
    free(b.region_item_id);
    if (rc != 0) {
        cfg_topology_free(b.t);
        return rc;
    }
    *out = b.t;
    return 0;
}

void
cfg_topology_free(struct cfg_topology *t)
{
    if (t == NULL)
        return;
    free(t->source.text);
    for (size_t i = 0; i < t->n_nodes; i++) {
        struct cfg_cache *c = &t->nodes[i].cache;
        for (size_t k = 0; k < c->n_params; k++) {
            free(c->params[k].key);
            free(c->params[k].value);
            free(c->params[k].field);
        }
        free(c->params);
        free(c->field);
        free(c->admission);
        free(c->policy);
        free(t->nodes[i].name);
        cfg_cache_key_free(&t->nodes[i].cache_key);
    }
    cfg_cache_key_free(&t->cache_key);
    for (size_t r = 0; r < t->n_regions; r++) {
        free(t->regions[r].name);
        free(t->regions[r].links);
    }
    for (size_t k = 0; k < t->n_providers; k++) {
        free(t->providers[k].name);
        cfg_billing_free(&t->providers[k]);
    }
    free(t->providers);
    free(t->region_edge);
    for (size_t k = 0; k < t->n_rtt_models; k++)
        cfg_rtt_model_fini(&t->rtt_models[k]);
    free(t->rtt_models);
    free(t->outages);
    free(t->nodes);
    free(t->regions);
    free(t->name);
    free(t->path);
    free(t);
}

int
cfg_node_index(const struct cfg_topology *t, const char *name)
{
    for (size_t i = 0; i < t->n_nodes; i++)
        if (strcmp(t->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

cfg_time_ns
cfg_region_rtt(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->rtt_ns : -1;
}

int64_t
cfg_region_bps(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->bps : -1;
}

double
cfg_region_share(const struct cfg_topology *t, size_t r, size_t node)
{
    const struct cfg_region_link *l = region_link(t, r, node);
    return l ? l->share : 0;
}

cfg_time_ns
cfg_link_rtt(const struct cfg_topology *t, size_t node, size_t up)
{
    SIM_ASSERT(node < t->n_nodes);
    const struct cfg_node *n = &t->nodes[node];
    if (n->parent >= 0 && (size_t)n->parent == up)
        return n->parent_rtt_ns;
    SIM_ASSERT(n->backup_parent >= 0 && (size_t)n->backup_parent == up);
    return n->backup_rtt_ns;
}

int64_t
cfg_link_bps(const struct cfg_topology *t, size_t node, size_t up)
{
    SIM_ASSERT(node < t->n_nodes);
    const struct cfg_node *n = &t->nodes[node];
    if (n->parent >= 0 && (size_t)n->parent == up)
        return n->parent_bps;
    SIM_ASSERT(n->backup_parent >= 0 && (size_t)n->backup_parent == up);
    return n->backup_bps;
}

cfg_time_ns
cfg_parent_rtt(const struct cfg_topology *t, int node)
{
    SIM_ASSERT(node >= 0 && (size_t)node < t->n_nodes);
    SIM_ASSERT(t->nodes[node].parent >= 0);
    return t->nodes[node].parent_rtt_ns;
}

int64_t
cfg_parent_bps(const struct cfg_topology *t, int node)
{
    SIM_ASSERT(node >= 0 && (size_t)node < t->n_nodes);
    SIM_ASSERT(t->nodes[node].parent >= 0);
    return t->nodes[node].parent_bps;
}
