/* topo_nodes.c: the topology's regions, providers and nodes: each node's
 * tier, cache, parents (by name; topo_routing.c resolves them), provider,
 * price, servers and overload protection. */
#include "config/topology_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const tier_names[] = {
    [CFG_TIER_EDGE] = "edge",
    [CFG_TIER_SHIELD] = "shield",
    [CFG_TIER_ORIGIN] = "origin",
    NULL,
};

static const char *const region_keys[] = {
    "name",           "weight",  "routing", "edges", "edge",
    "max_latency_ms", "dns_ttl", "anycast", NULL};
static const char *const region_required[] = {"name", "weight", NULL};
static const char *const routing_names[] = {
    [CFG_ROUTE_NEAREST] = "nearest",
    [CFG_ROUTE_WEIGHTED] = "weighted",
    [CFG_ROUTE_STATIC] = "static",
    [CFG_ROUTE_COST] = "cost",
    NULL,
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
                                        "compute",
                                        "cache_servers",
                                        NULL};
static const char *const service_keys[] = {"dist", "mean", "sigma", NULL};
static const char *const service_required[] = {"dist", "mean", NULL};
static const char *const node_required[] = {"name", "tier", NULL};
static const char *const cache_required[] = {"capacity", NULL};

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

/* regions: a non-empty sequence of {name, weight > 0}. */
int
topo_read_regions(struct topo_build *b, const struct cfg_map *root,
                  struct sim_err *err)
{
    struct cfg_items seq;
    int rc = cfg_map_items(root, "regions", 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_item_t *items = seq.item;
    size_t count = seq.count;
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
            rc = topo_check_unique(b, name, cfg_map_find(&m, "name"),
                                   name_field, err);
        }
        if (rc != 0) {
            free(name);
            break;
        }
        t->regions[r].name = name;
        topo_index_name(b, name, 0, r);
        t->regions[r].static_edge = -1;
        b->region_name_id[r] = cfg_map_find(&m, "name");
        b->region_item_id[r] = items[r];
        t->n_regions = r + 1;
        int routing = CFG_ROUTE_NEAREST;
        rc = cfg_map_choice(&m, "routing", routing_names,
                            "a routing: nearest, weighted, static or cost",
                            &routing, err);
        if (rc != 0)
            break;
        t->regions[r].routing = (enum cfg_routing)routing;
        rc = cfg_map_number(&m, "weight", 1, 0, 0, 1, CFG_WEIGHT_MAX,
                            &t->regions[r].weight, err);
    }
    return rc;
}

/* providers: [{name, egress_cost_per_gb}], read before the nodes. */
int
topo_read_providers(struct topo_build *b, const struct cfg_map *root,
                    struct sim_err *err)
{
    struct cfg_items seq;
    int rc = cfg_map_items(root, "providers", 0, &seq, err);
    if (rc != 0 || seq.id == 0)
        return rc;
    struct cfg_topology *t = b->t;
    const yaml_node_item_t *items = seq.item;
    size_t count = seq.count;
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
                rc = cfg_doc_err(b->d, cfg_map_find(&m, "name"), -SIM_EDUP, nf,
                                 err, "provider \"%s\" is listed twice", name);
            }
        if (rc != 0) {
            free(name);
            break;
        }
        t->providers[k].name = name;
        t->n_providers = k + 1;
        rc = cfg_map_number(&m, "egress_cost_per_gb", 1, 0, 0, 0, CFG_PRICE_MAX,
                            &t->providers[k].egress_cost_per_gb, err);
        if (rc == 0)
            rc = cfg_billing_read(&m, &t->providers[k], err);
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
        kv->mark = topo_mark(b, start[i].value);
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
    c->policy_mark = topo_mark(b, policy_id ? policy_id : id);
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
    static const char *const dists[] = {"fixed", "exponential", "lognormal",
                                        NULL};
    int dist = 0;
    rc = cfg_map_choice(&m, "dist", dists,
                        "a distribution: fixed, exponential or lognormal",
                        &dist, err);
    if (rc != 0)
        return rc;
    sv->dist = (enum cfg_service_dist)dist;
    rc = cfg_map_duration(&m, "mean", 1, 0, &sv->mean_ns, err);
    if (rc != 0)
        return rc;
    sv->mean_mark = topo_mark(b, cfg_map_find(&m, "mean"));
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

/* A node's mapping: its keys, then its name (unique, then indexed). */
static int
tb_node_name(struct topo_build *b, size_t i, int item, struct cfg_map *m,
             struct sim_err *err)
{
    char field[CFG_FIELD_MAX], name_field[CFG_FIELD_MAX];
    char *name = NULL;
    snprintf(field, sizeof field, "nodes[%zu]", i);
    int rc = cfg_map_open(m, b->d, item, field, err);
    if (rc == 0)
        rc = tb_link_key_on_node(b, m, err);
    if (rc == 0)
        rc = cfg_map_check_keys(m, node_keys, node_required, err);
    if (rc == 0)
        rc = cfg_map_name(m, "name", 1, &name, err);
    if (rc == 0) {
        cfg_map_field(m, "name", name_field, sizeof name_field);
        rc = topo_check_unique(b, name, cfg_map_find(m, "name"), name_field,
                               err);
    }
    if (rc != 0) {
        free(name);
        return rc;
    }
    b->t->nodes[i].name = name;
    topo_index_name(b, name, 1, i);
    b->node_name_id[i] = cfg_map_find(m, "name");
    return 0;
}

/* An origin's keys (none of a cache's), or a cache and the names of the
 * parents, which are resolved once every node is known. */
static int
tb_node_tree(struct topo_build *b, size_t i, const struct cfg_map *m,
             struct sim_err *err)
{
    struct cfg_node *node = &b->t->nodes[i];
    int rc;
    if (node->tier == CFG_TIER_ORIGIN) {
        rc = tb_origin_key(b, m, "cache", "requests end there", err);
        if (rc == 0)
            rc =
                tb_origin_key(b, m, "parent", "it is the top of its tree", err);
        if (rc == 0)
            rc = tb_origin_key(b, m, "backup_parent",
                               "it is the top of its tree", err);
        if (rc == 0)
            rc = tb_origin_key(b, m, "cache_key", "it caches nothing", err);
        if (rc == 0)
            rc = tb_origin_key(b, m, "placement", "it caches nothing", err);
        if (rc == 0)
            rc = tb_origin_key(b, m, "cache_servers", "it caches nothing", err);
        return rc;
    }
    node->has_cache = 1;
    rc = tb_cache(b, m, &node->cache, err);
    char *parent = NULL;
    if (rc == 0)
        rc = cfg_map_name(m, "parent", 1, &parent, err);
    free(parent);
    b->parent_id[i] = cfg_map_find(m, "parent");
    char *backup = NULL;
    if (rc == 0)
        rc = cfg_map_name(m, "backup_parent", 0, &backup, err);
    free(backup);
    b->backup_id[i] = cfg_map_find(m, "backup_parent");
    if (rc == 0)
        rc = cfg_cache_key_build(m, &node->cache_key, err);
    if (rc == 0)
        rc = cfg_placement_build(b->d, b->root, m, node, err);
    if (rc == 0)
        rc = cfg_pop_build(b, m, node, err); /* after cache and placement */
    return rc;
}

/* provider: one listed in providers. Sets *provider to its index; leaves
 * it alone when the node names none. */
static int
tb_node_provider(const struct topo_build *b, const struct cfg_map *m,
                 int *provider, struct sim_err *err)
{
    const struct cfg_topology *t = b->t;
    int provider_id = cfg_map_find(m, "provider");
    if (provider_id == 0)
        return 0;
    const char *pname = cfg_doc_scalar(b->d, provider_id);
    size_t pk = 0;
    while (pk < t->n_providers &&
           (pname == NULL || strcmp(pname, t->providers[pk].name) != 0))
        pk++;
    if (pk == t->n_providers) {
        char what[NAMES_MAX];
        size_t used = (size_t)snprintf(what, sizeof what,
                                       "a provider listed in providers");
        for (size_t j = 0; j < t->n_providers && used < sizeof what; j++)
            used += (size_t)snprintf(what + used, sizeof what - used, "%s%s",
                                     j ? ", " : " (", t->providers[j].name);
        if (t->n_providers && used < sizeof what)
            snprintf(what + used, sizeof what - used, ")");
        return cfg_map_bad(m, "provider", provider_id, what, err);
    }
    *provider = (int)pk;
    return 0;
}

/* One item of nodes. */
static int
tb_node(struct topo_build *b, size_t i, int item, struct sim_err *err)
{
    struct cfg_node *node = &b->t->nodes[i];
    struct cfg_map m;
    node->parent = -1;
    node->backup_parent = -1;
    node->provider = -1;
    int rc = tb_node_name(b, i, item, &m, err);
    if (rc != 0)
        return rc;
    int tier = 0;
    rc = cfg_map_choice(&m, "tier", tier_names,
                        "a tier: edge, shield or origin", &tier, err);
    if (rc != 0)
        return rc;
    node->tier = (enum cfg_tier)tier;
    rc = tb_node_tree(b, i, &m, err);
    if (rc == 0)
        rc = tb_node_provider(b, &m, &node->provider, err);
    /* A node of a provider costs the provider's price unless it says. */
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
    if (rc == 0)
        rc = topo_read_compute(b, &m, node, err);
    return rc;
}

/* nodes: a non-empty sequence. */
int
topo_read_nodes(struct topo_build *b, const struct cfg_map *root,
                struct sim_err *err)
{
    struct cfg_items seq;
    int rc = cfg_map_items(root, "nodes", 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_item_t *items = seq.item;
    size_t count = seq.count;
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
