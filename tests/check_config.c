/* check_config.c: topology and workload files: parsed values, defaults,
 * one fixture per class of bad input, and --set overrides. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "suites.h"
#include "util/xalloc.h"

#define DATA "tests/data/"
#define TOPO DATA "two-tier.yaml"
#define WL DATA "small-workload.yaml"

#define MS 1000000LL     /* ns per ms */
#define SEC 1000000000LL /* ns per s */
#define KIB 1024ULL
#define MIB (1024ULL * KIB)
#define GIB (1024ULL * MIB)

/* Loads topo and wl (may be NULL) with the overrides; fails the test with
 * the formatted error unless the load succeeds. */
static void
load_ok(const char *topo, const char *wl, const char *const *sets,
        size_t n_sets, struct cfg_topology **t, struct cfg_workload **w)
{
    struct cfg_override ov[16] = {{NULL}};
    ck_assert_uint_le(n_sets, 16);
    for (size_t i = 0; i < n_sets; i++)
        ov[i].text = sets[i];
    struct sim_err err = {0};
    int rc = cfg_load(topo, wl, ov, n_sets, t, w, &err);
    char buf[1024];
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    ck_assert_ptr_nonnull(*t);
    if (wl)
        ck_assert_ptr_nonnull(*w);
}

/* Loads expecting a failure: returns the code, with err filled in and both
 * outputs checked to be NULL. */
static int
load_err(const char *topo, const char *wl, const char *const *sets,
         size_t n_sets, struct sim_err *err)
{
    struct cfg_override ov[16] = {{NULL}};
    ck_assert_uint_le(n_sets, 16);
    for (size_t i = 0; i < n_sets; i++)
        ov[i].text = sets[i];
    struct cfg_topology *t = (struct cfg_topology *)1;
    struct cfg_workload *w = (struct cfg_workload *)1;
    memset(err, 0, sizeof *err);
    int rc = cfg_load(topo, wl, ov, n_sets, &t, &w, err);
    ck_assert_int_ne(rc, 0);
    ck_assert_int_eq(rc, err->code);
    ck_assert_ptr_null(t);
    ck_assert_ptr_null(w);
    return rc;
}

/* Asserts that s contains sub, showing both otherwise. */
#define ck_assert_has(s, sub)                                                  \
    ck_assert_msg(strstr((s), (sub)) != NULL, "\"%s\" lacks \"%s\"", (s), (sub))

/* --- good files --- */

START_TEST(test_config_loads_topology)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, NULL, NULL, 0, &t, &w);
    ck_assert_ptr_null(w);
    ck_assert_str_eq(t->path, TOPO);
    ck_assert_str_eq(t->name, "two-tier");

    ck_assert_uint_eq(t->n_regions, 2);
    ck_assert_str_eq(t->regions[0].name, "eu");
    ck_assert_double_eq_tol(t->regions[0].weight, 0.6, 1e-12);
    ck_assert_str_eq(t->regions[1].name, "us");
    ck_assert_double_eq_tol(t->regions[1].weight, 0.4, 1e-12);

    ck_assert_uint_eq(t->n_nodes, 4);
    const struct cfg_node *fra = &t->nodes[0], *iad = &t->nodes[1];
    const struct cfg_node *ams = &t->nodes[2], *origin = &t->nodes[3];
    ck_assert_str_eq(fra->name, "edge-fra");
    ck_assert_int_eq(fra->tier, CFG_TIER_EDGE);
    ck_assert_int_eq(ams->tier, CFG_TIER_SHIELD);
    ck_assert_int_eq(origin->tier, CFG_TIER_ORIGIN);
    ck_assert_str_eq(cfg_tier_name(ams->tier), "shield");

    /* Caches: capacities in bytes, defaults, parameters passed through. */
    ck_assert_int_eq(fra->has_cache, 1);
    ck_assert_int_eq(origin->has_cache, 0);
    ck_assert_uint_eq(fra->cache.capacity_bytes, 10 * GIB);
    ck_assert_uint_eq(iad->cache.capacity_bytes, 1 * MIB);
    ck_assert_uint_eq(ams->cache.capacity_bytes, 100 * GIB);
    ck_assert_str_eq(fra->cache.policy, "lru");
    ck_assert_str_eq(iad->cache.policy, "slru");
    ck_assert_str_eq(ams->cache.policy, "lru");
    ck_assert_str_eq(fra->cache.admission, "always");
    ck_assert_str_eq(ams->cache.admission, "second_hit");
    ck_assert_str_eq(fra->cache.field, "nodes[0].cache");
    ck_assert_str_eq(fra->cache.policy_mark.file, TOPO);
    ck_assert_int_eq(fra->cache.policy_mark.line, 10);
    ck_assert_uint_eq(fra->cache.n_params, 0);
    ck_assert_uint_eq(ams->cache.n_params, 0);
    ck_assert_uint_eq(iad->cache.n_params, 1);
    const struct cfg_kv *kv = &iad->cache.params[0];
    ck_assert_str_eq(kv->key, "segments");
    ck_assert_str_eq(kv->value, "4");
    ck_assert_str_eq(kv->field, "nodes[1].cache.segments");
    ck_assert_str_eq(kv->mark.file, TOPO);
    ck_assert_int_eq(kv->mark.line, 13);
    ck_assert_int_eq(kv->mark.col, 82);

    /* The tree. */
    ck_assert_int_eq(fra->parent, 2);
    ck_assert_int_eq(iad->parent, 2);
    ck_assert_int_eq(ams->parent, 3);
    ck_assert_int_eq(origin->parent, -1);
    ck_assert_int_eq(fra->depth, 2);
    ck_assert_int_eq(ams->depth, 1);
    ck_assert_int_eq(origin->depth, 0);
    ck_assert_double_eq_tol(fra->egress_cost_per_gb, 0.02, 1e-12);
    ck_assert_double_eq(iad->egress_cost_per_gb, 0);
    ck_assert_double_eq_tol(origin->egress_cost_per_gb, 0.09, 1e-12);
    ck_assert_int_eq(cfg_node_index(t, "shield-ams"), 2);
    ck_assert_int_eq(cfg_node_index(t, "eu"), -1);

    /* RTTs in ns, -1 where none was given; a parent link either way
     * round. */
    ck_assert_int_eq(cfg_region_rtt(t, 0, 0), 8 * MS);
    ck_assert_int_eq(cfg_region_rtt(t, 0, 1), 90 * MS);
    ck_assert_int_eq(cfg_region_rtt(t, 1, 1), 10 * MS);
    ck_assert_int_eq(cfg_region_rtt(t, 0, 2), -1);
    ck_assert_int_eq(t->regions[0].n_links, 2);
    ck_assert_int_eq(cfg_region_bps(t, 0, 0), -1);
    ck_assert_int_eq(cfg_link_rtt(t, 0, 2), 10500000);
    ck_assert_int_eq(cfg_parent_rtt(t, 0), 10500000);
    ck_assert_int_eq(cfg_link_rtt(t, 1, 2), 80 * MS);
    ck_assert_int_eq(cfg_link_bps(t, 1, 2), -1);
    ck_assert_int_eq(cfg_parent_rtt(t, 1), 80 * MS);
    ck_assert_int_eq(cfg_parent_rtt(t, 2), 30 * MS);

    /* eu: fra is nearest; us: a tie, so the first in nodes order. */
    ck_assert_int_eq(t->region_edge[0], 0);
    ck_assert_int_eq(t->region_edge[1], 0);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_loads_workload)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, WL, NULL, 0, &t, &w);
    ck_assert_str_eq(w->path, WL);
    ck_assert_str_eq(w->name, "small");
    ck_assert_uint_eq(w->seed, 42);
    ck_assert_uint_eq(w->n_requests, 1000000); /* written 1e6 */
    ck_assert_uint_eq(w->warmup, 1000);
    ck_assert_double_eq(w->rate, 2500.5);
    ck_assert_uint_eq(w->n_objects, 5000);
    ck_assert_double_eq_tol(w->zipf_alpha, 0.9, 1e-12);
    ck_assert_int_eq(w->size.dist, CFG_SIZE_LOGNORMAL);
    ck_assert_uint_eq(w->size.bytes, 20 * KIB);
    ck_assert_double_eq(w->size.sigma, 1.5);
    ck_assert_uint_eq(w->size.min_bytes, 1);
    ck_assert_uint_eq(w->size.max_bytes, 1 * GIB);
    ck_assert_int_eq(w->ttl_ns, 90 * SEC);
    ck_assert_int_eq(w->window_ns, 250 * MS);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_applies_defaults)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(DATA "three-tier.yaml", DATA "minimal-workload.yaml", NULL, 0, &t,
            &w);
    ck_assert_uint_eq(w->seed, 1);
    ck_assert_uint_eq(w->warmup, 0);
    ck_assert_double_eq(w->zipf_alpha, 0);
    ck_assert_int_eq(w->size.dist, CFG_SIZE_FIXED);
    ck_assert_uint_eq(w->size.bytes, 1);
    ck_assert_int_eq(w->ttl_ns, 0);
    ck_assert_int_eq(w->window_ns, 1 * SEC);

    /* Shields above shields; parents listed before their children. */
    ck_assert_int_eq(t->nodes[0].depth, 0);
    ck_assert_int_eq(t->nodes[1].depth, 1);
    ck_assert_int_eq(t->nodes[2].depth, 2);
    ck_assert_int_eq(t->nodes[3].depth, 3);
    ck_assert_int_eq(t->nodes[3].parent, 2);
    ck_assert_int_eq(t->nodes[2].parent, 1);
    ck_assert_uint_eq(t->nodes[3].cache.capacity_bytes, 1000);
    ck_assert_uint_eq(t->nodes[1].cache.capacity_bytes, 1024 * GIB);
    ck_assert_str_eq(t->nodes[3].cache.policy, "lru");
    ck_assert_str_eq(t->nodes[3].cache.admission, "always");
    /* No policy written: later errors point at the cache mapping. */
    ck_assert_int_eq(t->nodes[3].cache.policy_mark.line, 9);
    ck_assert_int_eq(cfg_parent_rtt(t, 1), 250000);
    ck_assert_int_eq(t->region_edge[0], 3);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_loads_workload_features)
{
    /* Classes inherit the catalog's defaults and own consecutive id
     * ranges; flash crowds and churn come after them. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, DATA "classes-workload.yaml", NULL, 0, &t, &w);
    ck_assert_uint_eq(w->n_classes, 4);
    ck_assert_int_eq(w->has_explicit_classes, 1);
    const struct cfg_class *c = w->classes;
    ck_assert_str_eq(c[0].name, "static");
    ck_assert_int_eq(c[0].ttl_ns, 30LL * 86400 * SEC);
    ck_assert_int_eq(c[3].ttl_ns, 10LL * 60 * SEC); /* the catalog's */
    ck_assert_int_eq(c[3].is_cacheable, 0);
    ck_assert_int_eq(c[1].change_interval_ns, 60 * SEC);
    /* Freshness: windows inherited unless given; s-maxage wins. */
    ck_assert_int_eq(c[0].swr_ns, 5 * SEC);
    ck_assert_int_eq(c[2].swr_ns, 1 * SEC);
    ck_assert_int_eq(c[1].sie_ns, 3600 * SEC);
    ck_assert_int_eq(c[0].sie_ns, 0);
    ck_assert_int_eq(c[2].ttl_ns, 2 * SEC);
    ck_assert_int_eq(cfg_class_ttl(&c[2]), 3 * SEC);
    ck_assert_int_eq(cfg_class_ttl(&c[1]), 30 * SEC);
    ck_assert_uint_eq(c[0].n_tags, 1);
    ck_assert_str_eq(c[0].tags[0], "assets");
    ck_assert_uint_eq(c[2].n_tags, 2);
    ck_assert_str_eq(c[2].tags[1], "dynamic");
    ck_assert_uint_eq(c[1].n_tags, 0);
    ck_assert_int_eq(c[1].size.dist, CFG_SIZE_PARETO);
    ck_assert_double_eq(c[1].size.alpha, 1.5);
    ck_assert_uint_eq(c[1].size.max_bytes, 4 * MIB);
    ck_assert_int_eq(c[3].size.dist, CFG_SIZE_EMPIRICAL);
    ck_assert_uint_eq(c[3].size.n_table, 2);
    ck_assert_uint_eq(c[3].size.table_bytes[1], 8 * KIB);
    ck_assert_double_eq_tol(c[3].size.table_cdf[0], 0.25, 1e-12);
    ck_assert_uint_eq(c[2].first_id, 24000);
    ck_assert_uint_eq(w->n_objects, 125000);
    ck_assert_uint_eq(w->flash[0].first_id, 125000);
    ck_assert_uint_eq(w->flash[0].class_idx, 1);
    ck_assert_int_eq(w->flash[0].at, 60 * SEC);
    ck_assert_uint_eq(w->churn.first_id, 125003);
    ck_assert_int_eq(w->churn.lifetime.kind, CFG_DIST_EXPONENTIAL);
    ck_assert_double_eq(w->churn.lifetime.mean, 30e9);
    ck_assert_double_eq(w->churn.volume.alpha, 1.5);
    ck_assert_int_eq(w->rate_shape, CFG_RATE_SINUSOID);
    ck_assert_double_eq(w->peak_to_trough, 3);
    ck_assert_double_eq(w->overlap, 0.6);
    ck_assert_uint_eq(w->n_overlaps, 1);
    ck_assert_str_eq(w->overlaps[0].region, "asia");
    ck_assert_double_eq(w->overlaps[0].overlap, 0.3);
    cfg_workload_free(w);
    cfg_topology_free(t);

    /* A trace workload: requests default to the whole trace, the path is
     * relative to the workload file, csv columns become the reader's
     * spec. */
    load_ok(TOPO, DATA "trace-workload.yaml", NULL, 0, &t, &w);
    ck_assert_int_eq(w->trace.is_set, 1);
    ck_assert_str_eq(w->trace.path, DATA "traces/regions.csv");
    ck_assert_int_eq(w->trace.format, CFG_TRACE_CSV);
    ck_assert_int_eq(w->trace.time_unit_ns, MS);
    ck_assert_double_eq(w->trace.speedup, 4);
    ck_assert_int_eq(w->trace.is_rebased, 0);
    ck_assert_int_eq(w->trace.is_clamp_out_of_order, 1);
    ck_assert_str_eq(w->trace.columns, "time=1,region=region");
    ck_assert_uint_eq(w->n_requests, 0);
    ck_assert_uint_eq(w->n_classes, 0);
    ck_assert_int_eq(w->ttl_ns, 5 * 60 * SEC);
    cfg_workload_free(w);
    cfg_topology_free(t);

    /* --set reaches into classes by name, and a path from --set is taken
     * as given. */
    const char *sets[] = {"catalog.classes.api.ttl=5s",
                          "trace.path=tests/data/traces/tiny.csv"};
    load_ok(TOPO, DATA "classes-workload.yaml", sets, 1, &t, &w);
    ck_assert_int_eq(w->classes[2].ttl_ns, 5 * SEC);
    cfg_workload_free(w);
    cfg_topology_free(t);
    load_ok(TOPO, DATA "trace-workload.yaml", sets + 1, 1, &t, &w);
    ck_assert_str_eq(w->trace.path, "tests/data/traces/tiny.csv");
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* Loads every *.yaml in dir together with other, in the given role. */
static void
load_dir(const char *dir, const char *other, int is_topo_dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct cfg_topology *t;
        struct cfg_workload *w;
        if (is_topo_dir)
            load_ok(path, other, NULL, 0, &t, &w);
        else
            load_ok(other, path, NULL, 0, &t, &w);
        cfg_workload_free(w);
        cfg_topology_free(t);
        n++;
    }
    closedir(d);
    ck_assert_int_gt(n, 0);
}

START_TEST(test_config_loads_examples)
{
    load_dir("topologies", "workloads/zipf.yaml", 1);
    load_dir("workloads", "topologies/global.yaml", 0);
}
END_TEST

/* --- one fixture per class of bad input --- */

struct bad_case {
    const char *file; /* under tests/data/bad/ */
    int is_workload;  /* loaded as the workload, with a good topology */
    int code;
    int line, col;
    const char *field; /* expected err.field */
    const char *msg;   /* a substring of err.msg */
};

static const struct bad_case bad_cases[] = {
    {"unknown-key.yaml", 0, -SIM_EBADKEY, 10, 5, "nodes[0].egress_cost",
     "allowed: name, tier, cache, parent, egress_cost_per_gb"},
    {"missing-key.yaml", 0, -SIM_ENOKEY, 7, 5, "nodes[1].tier",
     "missing key \"tier\""},
    {"wrong-type.yaml", 0, -SIM_EBADTYPE, 4, 3, "regions",
     "expected a sequence"},
    {"zero-capacity.yaml", 0, -SIM_EBADVAL, 6, 48, "nodes[0].cache.capacity",
     "expected a positive size such as \"64GiB\", got \"0\""},
    {"negative-capacity.yaml", 0, -SIM_EBADVAL, 9, 17,
     "nodes[0].cache.capacity", "got \"-1GiB\""},
    {"bad-size.yaml", 0, -SIM_EBADVAL, 7, 52, "nodes[1].cache.capacity",
     "expected a positive size such as \"64GiB\", got \"10 gigs\""},
    {"huge-weights.yaml", 0, -SIM_EBADVAL, 5, 24, "regions[0].weight",
     "expected a number > 0 and <= 1e+12, got \"1e308\""},
    {"zero-weight.yaml", 0, -SIM_EBADVAL, 5, 24, "regions[1].weight",
     "expected a number > 0 and <= 1e+12, got \"0\""},
    {"duplicate-name.yaml", 0, -SIM_EDUP, 8, 12, "nodes[2].name",
     "duplicate name \"eu\": already used by regions[0] at line 4"},
    {"duplicate-key.yaml", 0, -SIM_EDUP, 4, 27, "regions[0].weight",
     "key \"weight\" given twice"},
    {"unknown-parent.yaml", 0, -SIM_ENOENT, 6, 63, "nodes[0].parent",
     "no node named \"shield-xx\" (known nodes: edge, origin)"},
    {"parent-cycle.yaml", 0, -SIM_ECYCLE, 7, 69, "nodes[1].parent",
     "parent cycle: shield-b -> shield-a -> shield-b"},
    {"self-parent.yaml", 0, -SIM_ECYCLE, 7, 67, "nodes[1].parent",
     "cannot be its own parent"},
    {"edge-parent.yaml", 0, -SIM_EBADVAL, 7, 65, "nodes[1].parent",
     "an edge cannot be the parent"},
    {"origin-with-cache.yaml", 0, -SIM_EBADKEY, 7, 34, "nodes[1].cache",
     "an origin has no cache"},
    {"servers-without-service-time.yaml", 0, -SIM_ENOKEY, 7, 5,
     "nodes[1].service_time", "service_time"},
    {"static-unknown-edge.yaml", 0, -SIM_ENOKEY, 4, 50, "regions[0].edge",
     "no latency_ms entry between eu and edge-b"},
    {"edges-without-weighted.yaml", 0, -SIM_EBADKEY, 4, 27, "regions[0].edges",
     "belongs to routing: weighted"},
    {"unknown-provider.yaml", 0, -SIM_EBADVAL, 8, 42, "nodes[0].provider",
     "providers (cdn-a), got \"cdn-b\""},
    {"outage-unknown-node.yaml", 0, -SIM_EBADVAL, 12, 12, "outages[0].fail",
     "known nodes: edge, origin"},
    {"overlapping-outages.yaml", 0, -SIM_EBADVAL, 13, 24, "outages[1].at",
     "overlaps outages[0]"},
    {"backup-loop.yaml", 0, -SIM_ECYCLE, 7, 92, "nodes[1].backup_parent",
     "form a loop"},
    {"zero-bandwidth.yaml", 0, -SIM_EBADVAL, 12, 18,
     "bandwidth_mbps.edge.origin", "got \"0\""},
    {"zero-link-capacity.yaml", 0, -SIM_EBADVAL, 12, 18,
     "link_capacity_mbps.edge.origin", ">= 1e-06 and <= 1e+09, got \"0\""},
    {"negative-link-capacity.yaml", 0, -SIM_EBADVAL, 12, 14,
     "link_capacity_mbps.eu.edge", "got \"-100\""},
    {"link-capacity-unknown-node.yaml", 0, -SIM_ENOENT, 12, 10,
     "link_capacity_mbps.edge.orgin", "no region or node named \"orgin\""},
    {"link-capacity-and-bandwidth.yaml", 0, -SIM_EBADVAL, 14, 18,
     "link_capacity_mbps.origin.edge", "either shared"},
    {"bad-service-dist.yaml", 0, -SIM_EBADVAL, 10, 26,
     "nodes[1].service_time.dist", "fixed, exponential or lognormal"},
    {"bad-tier.yaml", 0, -SIM_EBADVAL, 6, 24, "nodes[0].tier",
     "edge, shield or origin, got \"egde\""},
    {"no-nodes.yaml", 0, -SIM_EBADVAL, 5, 8, "nodes", "at least one item"},
    {"latency-unknown-name.yaml", 0, -SIM_ENOENT, 9, 17,
     "latency_ms.eu.edge-xxx", "no region or node named \"edge-xxx\""},
    {"region-to-shield.yaml", 0, -SIM_EBADVAL, 10, 17, "latency_ms.eu.shield",
     "only have latencies to edge nodes"},
    {"conflicting-latency.yaml", 0, -SIM_EDUP, 11, 18, "latency_ms.origin.edge",
     "given twice: 31 ms here, 30 ms before"},
    {"missing-parent-latency.yaml", 0, -SIM_ENOKEY, 7, 67, "nodes[1].parent",
     "no latency_ms entry between shield and origin"},
    {"region-without-edge.yaml", 0, -SIM_ENOKEY, 5, 12, "latency_ms.us",
     "region \"us\" has no latency to any edge"},
    {"syntax-error.yaml", 0, -SIM_ESYNTAX, 5, 6, "",
     "did not find expected ',' or '}'"},
    {"empty.yaml", 0, -SIM_EBADTYPE, 1, 1, "", "the file is empty"},
    {"root-sequence.yaml", 0, -SIM_EBADTYPE, 2, 1, "",
     "expected a mapping at the top level, got a sequence"},
    {"two-documents.yaml", 0, -SIM_ESYNTAX, 4, 1, "", "a second YAML document"},
    {"warmup-not-below-requests.yaml", 1, -SIM_EBADVAL, 4, 9, "warmup",
     "below requests (1000), got \"1000\""},
    {"bad-duration.yaml", 1, -SIM_EBADVAL, 8, 8, "catalog.ttl",
     "a unit is needed) up to 3650d, got \"60\""},
    {"bad-zipf-alpha.yaml", 1, -SIM_EBADVAL, 7, 15, "catalog.zipf_alpha",
     "expected a number >= 0, got \"-0.5\""},
    {"bad-rate.yaml", 1, -SIM_EBADVAL, 4, 17, "arrival.rate",
     "expected a number > 0 and <= 1e+09, got \"0\""},
    {"bad-requests.yaml", 1, -SIM_EBADVAL, 3, 11, "requests",
     "expected a positive whole number, got \"1500.5\""},
    {"missing-sigma.yaml", 1, -SIM_ENOKEY, 8, 9, "catalog.size.sigma",
     "missing key \"sigma\""},
    {"unknown-size-dist.yaml", 1, -SIM_EBADVAL, 8, 16, "catalog.size.dist",
     "fixed, lognormal, pareto or empirical, got \"weibull\""},
    {"unknown-workload-key.yaml", 1, -SIM_EBADKEY, 4, 22, "arrival.burst",
     "unknown key \"burst\" (allowed: rate, diurnal"},
    {"trace-with-arrival.yaml", 1, -SIM_EBADKEY, 4, 1, "arrival",
     "does not go with trace"},
    {"trace-objects.yaml", 1, -SIM_EBADKEY, 4, 11, "catalog.objects",
     "does not go with trace"},
    {"push-with-trace.yaml", 1, -SIM_EBADKEY, 5, 14, "events[0].push",
     "a trace has no popularity ranking"},
    {"bad-time-unit.yaml", 1, -SIM_EBADVAL, 3, 59, "trace.time_unit",
     "ns, us, ms or s, got \"minutes\""},
    {"purge-unknown-tag.yaml", 1, -SIM_EBADVAL, 9, 27, "events[0].purge.tag",
     "no class carries tag \"sports\""},
    {"purge-unknown-class.yaml", 1, -SIM_EBADVAL, 10, 36,
     "events[0].purge.class",
     "no class \"video\" in the catalog (its classes: news, api)"},
    {"purge-two-selectors.yaml", 1, -SIM_EBADVAL, 9, 21, "events[0].purge",
     "one of tag:, class: or prefix:, not several"},
    {"purge-class-with-trace.yaml", 1, -SIM_EBADKEY, 5, 22,
     "events[0].purge.class", "a trace's objects have no classes"},
    {"immutable-changes.yaml", 1, -SIM_EBADKEY, 7, 63,
     "catalog.classes[0].change_interval", "does not go with immutable: true"},
    {"purge-on-change-immutable.yaml", 1, -SIM_EBADVAL, 7, 58,
     "catalog.classes[0].purge_on_change",
     "expected false for objects that never change"},
    {"push-unknown-object.yaml", 1, -SIM_EBADVAL, 7, 24, "events[0].push",
     "expected object ids of the catalog (0 to 99), got \"100\""},
    {"unknown-class.yaml", 1, -SIM_EBADVAL, 7, 65,
     "arrival.flash_crowds[0].class",
     "a class of catalog.classes (static, api), got \"news\""},
    {"duplicate-class.yaml", 1, -SIM_EDUP, 8, 14, "catalog.classes[1].name",
     "already used by catalog.classes[0]"},
    {"objects-with-classes.yaml", 1, -SIM_EBADKEY, 6, 3, "catalog.objects",
     "give objects for each class"},
    {"bad-size-table.yaml", 1, -SIM_EBADVAL, 8, 53, "catalog.size.table",
     "a weight > 0 and <= 1e+12, got \"0\""},
    {"hourly-and-rate.yaml", 1, -SIM_EBADKEY, 4, 11, "arrival.rate",
     "does not go with hourly"},
    {"bad-peak-to-trough.yaml", 1, -SIM_EBADVAL, 6, 44,
     "arrival.diurnal.peak_to_trough", "expected a number >= 1"},
    {"bad-churn-alpha.yaml", 1, -SIM_EBADVAL, 11, 58,
     "catalog.churn.requests_per_object.alpha", "expected a number > 1"},
};

START_TEST(test_config_rejects_bad_file)
{
    const struct bad_case *c = &bad_cases[_i];
    char path[256];
    snprintf(path, sizeof path, DATA "bad/%s", c->file);
    struct sim_err err;
    int rc = c->is_workload ? load_err(TOPO, path, NULL, 0, &err)
                            : load_err(path, NULL, NULL, 0, &err);
    char buf[1024];
    sim_err_format(&err, buf, sizeof buf);
    ck_assert_msg(rc == c->code, "%s: code %d (%s), want %d: %s", c->file, rc,
                  sim_strerror(rc), c->code, buf);
    ck_assert_str_eq(err.file, path);
    ck_assert_msg(err.line == c->line && err.col == c->col,
                  "%s: at %d:%d, want %d:%d: %s", c->file, err.line, err.col,
                  c->line, c->col, buf);
    ck_assert_str_eq(err.field, c->field);
    ck_assert_has(err.msg, c->msg);
}
END_TEST

START_TEST(test_config_rejects_missing_file)
{
    struct sim_err err;
    ck_assert_int_eq(load_err(DATA "no/such.yaml", NULL, NULL, 0, &err),
                     -SIM_EIO);
    ck_assert_str_eq(err.file, DATA "no/such.yaml");
    ck_assert_has(err.msg, "No such file or directory");
    ck_assert_int_eq(load_err(TOPO, DATA "no/such.yaml", NULL, 0, &err),
                     -SIM_EIO);
    ck_assert_int_eq(load_err(DATA "bad", NULL, NULL, 0, &err), -SIM_EIO);
    ck_assert_has(err.msg, "directory");
}
END_TEST

/* --- --set overrides --- */

START_TEST(test_config_set_overrides_capacity)
{
    const char *sets[] = {"nodes.edge-fra.cache.capacity=20GiB",
                          "topology.nodes.edge-iad.cache.capacity=2MiB"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, WL, sets, 2, &t, &w);
    ck_assert_uint_eq(t->nodes[0].cache.capacity_bytes, 20 * GIB);
    ck_assert_uint_eq(t->nodes[1].cache.capacity_bytes, 2 * MIB);
    ck_assert_uint_eq(t->nodes[2].cache.capacity_bytes, 100 * GIB);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_set_adds_missing_key)
{
    const char *sets[] = {"catalog.ttl=10m", "warmup=5",
                          "workload.metrics.window=2s"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, DATA "minimal-workload.yaml", sets, 2, &t, &w);
    ck_assert_int_eq(w->ttl_ns, 600 * SEC);
    ck_assert_uint_eq(w->warmup, 5);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* A missing mapping on the way is added too, and checked as the file's
 * own would be, with errors naming --set and the field. */
START_TEST(test_config_set_adds_missing_mapping)
{
    const char *sets[] = {
        "workload.metrics.window=2s", "bandwidth_mbps.edge-fra.shield-ams=100",
        "nodes.origin.servers=2", "nodes.origin.service_time.dist=fixed",
        "nodes.origin.service_time.mean=5ms"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, DATA "minimal-workload.yaml", sets, 5, &t, &w);
    ck_assert_int_eq(w->window_ns, 2 * SEC);
    ck_assert_uint_eq(t->nodes[3].service.servers, 2);
    ck_assert_int_eq(t->nodes[3].service.mean_ns, 5 * MS);
    ck_assert_int_eq(t->nodes[3].service.dist, CFG_SERVICE_FIXED);
    cfg_workload_free(w);
    cfg_topology_free(t);
    /* What the new mapping lacks or has wrong is the --set's error. */
    struct sim_err err;
    ck_assert_int_eq(load_err(TOPO, NULL, sets + 4, 1, &err), -SIM_ENOKEY);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_str_eq(err.field, "nodes[3].service_time.dist");
    ck_assert_has(err.msg, "missing key \"dist\"");
    const char *zero[] = {"bandwidth_mbps.edge-fra.shield-ams=0"};
    ck_assert_int_eq(load_err(TOPO, NULL, zero, 1, &err), -SIM_EBADVAL);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_str_eq(err.field, "bandwidth_mbps.edge-fra.shield-ams");
    /* A link's bandwidth on a node: refused, saying where it goes. */
    const char *on_node[] = {"nodes.edge-fra.bandwidth_mbps=100"};
    ck_assert_int_eq(load_err(TOPO, NULL, on_node, 1, &err), -SIM_EBADKEY);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_str_eq(err.field, "nodes[0].bandwidth_mbps");
    ck_assert_str_eq(err.msg, "bandwidth_mbps belongs to a link, not a node: "
                              "give it in the top-level bandwidth_mbps table "
                              "(bandwidth_mbps: {edge-fra: {shield-ams: N}}; "
                              "with --set: "
                              "bandwidth_mbps.edge-fra.shield-ams=N)");
    /* Unknown fields stay refused, the made mapping's key first. */
    const char *unknown[] = {"nodes.edge-fra.colour.red=1"};
    ck_assert_int_eq(load_err(TOPO, NULL, unknown, 1, &err), -SIM_EBADKEY);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_str_eq(err.field, "nodes[0].colour");
    ck_assert_has(err.msg, "unknown key \"colour\"");
}
END_TEST

START_TEST(test_config_set_selects_by_name_and_index)
{
    const char *sets[] = {"regions.us.weight=3", "regions.0.weight=2",
                          "nodes.1.cache.policy=fifo",
                          "nodes.shield-ams.egress_cost_per_gb=0.5"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, WL, sets, 4, &t, &w);
    ck_assert_double_eq(t->regions[0].weight, 2);
    ck_assert_double_eq(t->regions[1].weight, 3);
    ck_assert_str_eq(t->nodes[1].cache.policy, "fifo");
    ck_assert_double_eq(t->nodes[2].egress_cost_per_gb, 0.5);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_set_latency_and_order)
{
    /* eu's nearest edge becomes iad; the later of two settings wins. */
    const char *sets[] = {"latency_ms.eu.edge-fra=500",
                          "latency_ms.eu.edge-fra=100", "workload.name=renamed",
                          "topology.name=t2", "seed=7"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, WL, sets, 5, &t, &w);
    ck_assert_int_eq(cfg_region_rtt(t, 0, 0), 100 * MS);
    ck_assert_int_eq(t->region_edge[0], 1);
    ck_assert_str_eq(t->name, "t2");
    ck_assert_str_eq(w->name, "renamed");
    ck_assert_uint_eq(w->seed, 7);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_set_param_comes_from_set)
{
    const char *sets[] = {"nodes.edge-iad.cache.segments=3",
                          "nodes.edge-fra.cache.probation=0.2"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(TOPO, NULL, sets, 2, &t, &w);
    const struct cfg_kv *kv = &t->nodes[1].cache.params[0];
    ck_assert_str_eq(kv->value, "3");
    ck_assert_str_eq(kv->mark.file, "--set");
    ck_assert_int_eq(kv->mark.line, 0);
    ck_assert_uint_eq(t->nodes[0].cache.n_params, 1);
    ck_assert_str_eq(t->nodes[0].cache.params[0].key, "probation");
    ck_assert_str_eq(t->nodes[0].cache.params[0].field,
                     "nodes[0].cache.probation");
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_config_set_bad_value_names_set)
{
    const char *sets[] = {"nodes.edge-fra.cache.capacity=10 gigs"};
    struct sim_err err;
    ck_assert_int_eq(load_err(TOPO, WL, sets, 1, &err), -SIM_EBADVAL);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_int_eq(err.line, 0);
    ck_assert_int_eq(err.col, 0);
    ck_assert_str_eq(err.field, "nodes[0].cache.capacity");
    ck_assert_str_eq(err.msg, "expected a positive size such as \"64GiB\", "
                              "got \"10 gigs\"");
    char buf[1024];
    ck_assert_str_eq(sim_err_format(&err, buf, sizeof buf),
                     "--set: nodes[0].cache.capacity: expected a positive "
                     "size such as \"64GiB\", got \"10 gigs\" (invalid "
                     "value)");
    /* A value the file had right is still reported at the file. */
    const char *later[] = {"requests=10"};
    ck_assert_int_eq(load_err(TOPO, WL, later, 1, &err), -SIM_EBADVAL);
    ck_assert_str_eq(err.file, WL);
    ck_assert_str_eq(err.field, "warmup");
    ck_assert_has(err.msg, "add --set warmup=M with M below 10 (such as "
                           "--set warmup=1)");
}
END_TEST

/* Overrides that cannot be applied at all. */
struct bad_set {
    const char *set;
    int code;
    const char *field;
    const char *msg;
};

static const struct bad_set bad_sets[] = {
    {"name=x", -SIM_EBADVAL, "name",
     "write \"topology.name\" or \"workload.name\""},
    {"nodes.edge-xxx.cache.capacity=1GiB", -SIM_EBADVAL,
     "nodes.edge-xxx.cache.capacity",
     "no such field \"nodes.edge-xxx\" (known nodes: edge-fra, edge-iad, "
     "shield-ams, origin; or an index below 4)"},
    {"regions.7.weight=1", -SIM_EBADVAL, "regions.7.weight",
     "no such field \"regions.7\" (known regions: eu, us"},
    {"colour=blue", -SIM_EBADVAL, "colour", "no such field \"colour\""},
    {"latency_ms.asia.edge-fra=3", -SIM_ENOENT, "latency_ms.asia",
     "no region or node named \"asia\""},
    {"nodes.edge-fra.tier.x=1", -SIM_EBADVAL, "nodes.edge-fra.tier.x",
     "\"nodes.edge-fra.tier\" is a single value (\"edge\")"},
    {"nodes.edge-fra.cache=1GiB", -SIM_EBADTYPE, "nodes.edge-fra.cache",
     "is a mapping; --set replaces only single values"},
    {"catalog.zipf=1", -SIM_EBADKEY, "catalog.zipf",
     "unknown key \"zipf\" (allowed: objects, zipf_alpha, size, ttl, s_maxage, "
     "stale_while_revalidate"},
    {"catalog.zipf_alpha=-1", -SIM_EBADVAL, "catalog.zipf_alpha", "got \"-1\""},
    {"nodes.edge-iad.parent=nowhere", -SIM_ENOENT, "nodes[1].parent",
     "no node named \"nowhere\""},
    {"workload", -SIM_EBADVAL, "workload", "expected PATH=VALUE"},
    {"=1", -SIM_EBADVAL, "=1", "expected PATH=VALUE"},
    {"catalog..ttl=1s", -SIM_EBADVAL, "catalog..ttl", "empty field name"},
    {"topology=1", -SIM_EBADVAL, "topology", "needs a field after it"},
};

/*
 * Issue 12, item 2: numbers whose sums or products feed the simulated
 * clock are bounded at load time (see CFG_TIME_MAX_NS and the others in
 * config.h), each error naming the field. Each case is one or two --set
 * values on the good files (and the topology's service times for the
 * last ones).
 */
struct unsafe_case {
    const char *topo; /* NULL: TOPO */
    const char *sets[3];
    const char *field;
    const char *msg;
};

#define THIN "tests/scenarios/thin-links.yaml"
#define QUEUE "tests/scenarios/queue.yaml"

static const struct unsafe_case unsafe_cases[] = {
    {NULL,
     {"regions.eu.weight=1e308", "regions.us.weight=1e308"},
     "regions[0].weight",
     "<= 1e+12, got \"1e308\""},
    {NULL, {"arrival.rate=1e308"}, "arrival.rate", "<= 1e+09"},
    {NULL, {"catalog.ttl=100000d"}, "catalog.ttl", "up to 3650d"},
    {NULL,
     {"catalog.stale_if_error=3651d"},
     "catalog.stale_if_error",
     "up to 3650d"},
    {NULL, {"metrics.window=10000d"}, "metrics.window", "up to 3650d"},
    {NULL,
     {"nodes.edge-fra.egress_cost_per_gb=1e308"},
     "nodes[0].egress_cost_per_gb",
     "<= 1e+06"},
    {THIN,
     {"bandwidth_mbps.edge.origin=1e-9"},
     "bandwidth_mbps.edge.origin",
     ">= 1e-06"},
    {QUEUE,
     {"nodes.origin.service_time.mean=100000d"},
     "nodes[1].service_time.mean",
     "up to 3650d"},
    /* Each fits; their product (the work queued at one server) does
     * not: 10^6 requests of 1,000 days. */
    {QUEUE,
     {"nodes.origin.service_time.mean=1000d"},
     "nodes[1].service_time.mean",
     "1000000 requests of 8.64e+07 s each on 1 server are"},
};

START_TEST(test_regress_12_rejects_unsafe_numbers)
{
    const struct unsafe_case *c = &unsafe_cases[_i];
    size_t n = 0;
    while (n < 3 && c->sets[n] != NULL)
        n++;
    struct sim_err err;
    ck_assert_int_eq(load_err(c->topo ? c->topo : TOPO, WL, c->sets, n, &err),
                     -SIM_EBADVAL);
    ck_assert_str_eq(err.field, c->field);
    ck_assert_has(err.msg, c->msg);
}
END_TEST

/* The same numbers at their limits load, and the run uses them with no
 * overflow (sanitizers check that in make sanitize). */
START_TEST(test_regress_12_limits_load)
{
    const char *sets[] = {"catalog.ttl=3650d",
                          "catalog.stale_while_revalidate=3650d",
                          "bandwidth_mbps.edge.origin=1e-6",
                          "arrival.rate=1e9",
                          "regions.r.weight=1e12",
                          "nodes.edge.egress_cost_per_gb=1e6"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(THIN, WL, sets, 6, &t, &w);
    ck_assert_int_eq(w->ttl_ns, CFG_TIME_MAX_NS);
    ck_assert_int_eq(cfg_parent_bps(t, 0), 1);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* A chain of n shields 10^9 ms apart (the largest RTT) above one edge. */
static char *
chain_topology(int n)
{
    size_t cap = 4096 + (size_t)n * 160, len = 0;
    char *s = xmalloc(cap);
    len += (size_t)snprintf(s + len, cap - len,
                            "name: chain\nregions: [{name: r, weight: 1}]\n"
                            "nodes:\n  - {name: e, tier: edge, cache: "
                            "{capacity: 1MiB}, parent: s0}\n");
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len,
                                "  - {name: s%d, tier: shield, cache: "
                                "{capacity: 1MiB}, parent: s%d}\n",
                                i, i + 1);
    len += (size_t)snprintf(s + len, cap - len,
                            "  - {name: s%d, tier: origin}\nlatency_ms:\n"
                            "  r: {e: 1}\n  e: {s0: 1e9}\n",
                            n);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "  s%d: {s%d: 1e9}\n", i,
                                i + 1);
    return s;
}

/* Round trips add up along a chain of parents: 400 links of 11.6 days
 * overflowed the metrics' window arithmetic and aborted the run. The
 * longest chain may take 3650 days, as any duration. */
START_TEST(test_regress_12_rejects_long_chains)
{
    char *dir = test_tmpdir();
    char *text = chain_topology(400);
    char *path = test_write_file(dir, "chain.yaml", text);
    struct sim_err err;
    ck_assert_int_eq(load_err(path, NULL, NULL, 0, &err), -SIM_EBADVAL);
    ck_assert_str_eq(err.field, "nodes[0].parent");
    ck_assert_has(err.msg, "the round trips from e up its parents and "
                           "backups add up to more than 3650d");
    free(path);
    free(text);
    text = chain_topology(300); /* 3,472 days */
    path = test_write_file(dir, "chain.yaml", text);
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_ok(path, NULL, NULL, 0, &t, &w);
    cfg_topology_free(t);
    free(path);
    free(text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_config_set_rejects_bad_override)
{
    const struct bad_set *c = &bad_sets[_i];
    struct sim_err err;
    int rc = load_err(TOPO, WL, &c->set, 1, &err);
    char buf[1024];
    sim_err_format(&err, buf, sizeof buf);
    ck_assert_msg(rc == c->code, "%s: code %d, want %d: %s", c->set, rc,
                  c->code, buf);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_int_eq(err.line, 0);
    ck_assert_str_eq(err.field, c->field);
    ck_assert_has(err.msg, c->msg);
}
END_TEST

START_TEST(test_config_set_needs_its_file)
{
    const char *sets[] = {"catalog.ttl=1h"};
    struct sim_err err;
    ck_assert_int_eq(load_err(TOPO, NULL, sets, 1, &err), -SIM_EBADVAL);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_has(err.msg, "no workload file was given");
}
END_TEST

Suite *
config_suite(void)
{
    Suite *s = suite_create("config");

    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_config_loads_topology);
    tcase_add_test(tc, test_config_loads_workload);
    tcase_add_test(tc, test_config_applies_defaults);
    tcase_add_test(tc, test_config_loads_examples);
    tcase_add_test(tc, test_config_loads_workload_features);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, test_config_rejects_bad_file, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, test_config_rejects_missing_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("ranges");
    tcase_add_loop_test(tc, test_regress_12_rejects_unsafe_numbers, 0,
                        sizeof unsafe_cases / sizeof unsafe_cases[0]);
    tcase_add_test(tc, test_regress_12_limits_load);
    tcase_add_test(tc, test_regress_12_rejects_long_chains);
    suite_add_tcase(s, tc);

    tc = tcase_create("overrides");
    tcase_add_test(tc, test_config_set_overrides_capacity);
    tcase_add_test(tc, test_config_set_adds_missing_key);
    tcase_add_test(tc, test_config_set_adds_missing_mapping);
    tcase_add_test(tc, test_config_set_selects_by_name_and_index);
    tcase_add_test(tc, test_config_set_latency_and_order);
    tcase_add_test(tc, test_config_set_param_comes_from_set);
    tcase_add_test(tc, test_config_set_bad_value_names_set);
    tcase_add_loop_test(tc, test_config_set_rejects_bad_override, 0,
                        (int)(sizeof bad_sets / sizeof bad_sets[0]));
    tcase_add_test(tc, test_config_set_needs_its_file);
    suite_add_tcase(s, tc);
    return s;
}
