/* check_misses.c: why misses happen (model/miss_cause.c). Exact counts of
 * cold, capacity and purged misses on hand-worked traces, the identity
 * cold + capacity + expiry = misses on the shipped scenarios, and the
 * figures in the JSON, the database, --metric paths and the report. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "report/report.h"
#include "suites.h"
#include "util/err.h"
#include "util/xalloc.h"

/* One edge holding a single 1000-byte object (LRU) in front of an origin. */
static const char one_slot_topology[] =
    "name: one-slot\n"
    "regions:\n  - {name: r, weight: 1}\n"
    "nodes:\n"
    "  - {name: edge, tier: edge, cache: {capacity: %s, policy: lru},"
    " parent: origin}\n"
    "  - {name: origin, tier: origin}\n"
    "latency_ms:\n  r: {edge: 10}\n  edge: {origin: 30}\n";

struct causes {
    uint64_t misses, cold, capacity, expiry, expired;
};

/* Runs the trace csv (time in ms, ids by name) with the workload lines extra
 * through one edge of the given capacity; returns the edge's causes. */
static struct causes
run_trace(const char *capacity, const char *csv, const char *extra)
{
    char *dir = test_tmpdir();
    char *topo_text = xasprintf(one_slot_topology, capacity);
    char *topo = test_write_file(dir, "t.yaml", topo_text);
    char *trace = test_write_file(dir, "t.csv", csv);
    char *wl_text = xasprintf("name: w\ntrace: {path: t.csv, format: csv, "
                              "time_unit: ms}\n%s",
                              extra);
    char *wl = test_write_file(dir, "w.yaml", wl_text);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, wl, NULL, 0, &t, &w, &m);
    const struct met_counters *c = &test_node_named(&m, "edge")->c;
    struct causes got = {c->misses, c->misses_cold, c->misses_capacity,
                         c->misses_expiry, c->expired};
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    free(wl), free(wl_text), free(trace), free(topo), free(topo_text);
    test_rmtree(dir);
    free(dir);
    return got;
}

static void
assert_causes(const char *what, struct causes got, struct causes want)
{
    ck_assert_msg(
        got.misses == want.misses && got.cold == want.cold &&
            got.capacity == want.capacity && got.expiry == want.expiry &&
            got.expired == want.expired,
        "%s: misses %llu cold %llu capacity %llu expiry %llu "
        "expired %llu",
        what, (unsigned long long)got.misses, (unsigned long long)got.cold,
        (unsigned long long)got.capacity, (unsigned long long)got.expiry,
        (unsigned long long)got.expired);
    ck_assert_uint_eq(got.cold + got.capacity + got.expiry, got.misses);
}

START_TEST(test_misses_capacity_one_object_alternating)
{
    /* Room for one object; a, b, a, b, a: the first a and b are cold,
     * each later one finds the other in the slot: evicted, 3 capacity
     * misses. With room for both the later ones hit. */
    static const char csv[] = "time,id,size\n0,a,1000\n1000,b,1000\n"
                              "2000,a,1000\n3000,b,1000\n4000,a,1000\n";
    assert_causes("one slot", run_trace("1000B", csv, ""),
                  (struct causes){5, 2, 3, 0, 0});
    assert_causes("two slots", run_trace("2000B", csv, ""),
                  (struct causes){2, 2, 0, 0, 0});
}
END_TEST

START_TEST(test_misses_two_objects_one_slot_synthetic)
{
    /* The same with a synthetic catalog (its ids kept 2 bits each): two
     * objects requested at random, room for one: each misses cold once,
     * every later miss is the other object having taken the slot. */
    char *dir = test_tmpdir();
    char *topo_text = xasprintf(one_slot_topology, "1000B");
    char *topo = test_write_file(dir, "t.yaml", topo_text);
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: w\nseed: 9\nrequests: 1000\narrival: {rate: 1}\n"
        "catalog: {objects: 2, zipf_alpha: 0, size: {dist: fixed, "
        "bytes: 1000}}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, wl, NULL, 0, &t, &w, &m);
    const struct met_counters *c = &test_node_named(&m, "edge")->c;
    ck_assert_uint_eq(c->misses_cold, 2);
    ck_assert_uint_eq(c->misses_expiry, 0);
    ck_assert_uint_eq(c->misses_capacity, c->misses - 2);
    /* About half the requests ask for the object not in the slot. */
    ck_assert_uint_gt(c->misses_capacity, 400);
    ck_assert_uint_lt(c->misses_capacity, 600);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    free(wl), free(topo), free(topo_text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_misses_ttl_expiry)
{
    /* A TTL of 1 s: a at 0 s is cold; at 2 s its copy is still held but
     * stale, an expired outcome (not a miss); at 2.5 s it is fresh again.
     * With b in between in a one-object cache, the stale a was evicted:
     * a capacity miss, not an expiry. */
    static const char csv[] = "time,id,size,ttl\n0,a,1000,1\n"
                              "2000,a,1000,1\n2500,a,1000,1\n";
    assert_causes("ttl", run_trace("1000B", csv, ""),
                  (struct causes){1, 1, 0, 0, 1});
    static const char csv2[] = "time,id,size,ttl\n0,a,1000,1\n"
                               "1500,b,1000,1\n2000,a,1000,1\n";
    assert_causes("ttl then evicted", run_trace("1000B", csv2, ""),
                  (struct causes){3, 2, 1, 0, 0});
}
END_TEST

START_TEST(test_misses_purge_invalidates)
{
    /* Object 7 (a) at 0 s and 2 s, with a purge at 1 s: a hard purge removes
     * the copy (the 2 s request is an expiry miss); a soft one marks it stale
     * (an expired outcome); a purge of another object changes nothing (a hit).
     * A purged and refetched copy evicted later is a capacity miss again. */
    static const char csv[] = "time,id,size\n0,7,1000\n2000,7,1000\n";
    assert_causes("hard purge",
                  run_trace("1MiB", csv, "events: [{at: 1s, purge: all}]\n"),
                  (struct causes){2, 1, 0, 1, 0});
    assert_causes(
        "soft purge",
        run_trace("1MiB", csv, "events: [{at: 1s, purge: all, mode: soft}]\n"),
        (struct causes){1, 1, 0, 0, 1});
    assert_causes("hard purge of b",
                  run_trace("1MiB", csv, "events: [{at: 1s, purge: [8]}]\n"),
                  (struct causes){1, 1, 0, 0, 0});
    static const char csv2[] = "time,id,size\n0,7,1000\n2000,7,1000\n"
                               "3000,8,1000\n4000,7,1000\n";
    assert_causes("purged, refetched, evicted",
                  run_trace("1000B", csv2, "events: [{at: 1s, purge: [7]}]\n"),
                  (struct causes){4, 2, 1, 1, 0});
}
END_TEST

START_TEST(test_misses_purge_on_change)
{
    /* One object that changes every 10 s on average, purged from the
     * caches on each change, requested once a second: no two requests
     * overlap (a round trip is 80 ms), so every copy the purge removed
     * is found by exactly one request, a miss of cause expiry. */
    char *dir = test_tmpdir();
    char *wl =
        test_write_file(dir, "w.yaml",
                        "name: w\nseed: 5\nrequests: 400\narrival: {rate: 1}\n"
                        "catalog:\n  size: {dist: fixed, bytes: 1000}\n"
                        "  classes:\n    - {name: news, share: 1, objects: 1,"
                        " change_interval: 10s, purge_on_change: true}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("tests/scenarios/slow-origin.yaml", wl, NULL, 0, &t, &w, &m);
    const struct met_counters *c = &test_node_named(&m, "edge")->c;
    ck_assert_uint_eq(c->misses_cold, 1);
    ck_assert_uint_eq(c->misses_capacity, 0);
    ck_assert_uint_gt(c->purged, 10);
    ck_assert_uint_eq(c->misses_expiry, c->purged);
    ck_assert_uint_eq(c->misses, 1 + c->purged);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* cold + capacity + expiry = misses at every node and tier of r. */
static void
assert_identity(const char *what, const struct met_run *r)
{
    struct met_counters tier = {0};
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct met_counters *c = &r->nodes[i].c;
        ck_assert_msg(c->misses_cold + c->misses_capacity + c->misses_expiry ==
                          c->misses,
                      "%s, %s: %llu + %llu + %llu != %llu misses", what,
                      r->nodes[i].name, (unsigned long long)c->misses_cold,
                      (unsigned long long)c->misses_capacity,
                      (unsigned long long)c->misses_expiry,
                      (unsigned long long)c->misses);
        met_counters_add(&tier, c);
    }
    ck_assert_uint_eq(tier.misses_cold + tier.misses_capacity +
                          tier.misses_expiry,
                      tier.misses);
}

static const struct {
    const char *topology, *workload;
    const char *requests; /* NULL: the whole trace */
    int has_capacity;     /* the caches fill: capacity misses must show */
    int has_purges;       /* the workload purges: expiry misses must show */
} scenarios[] = {
    {"topologies/global.yaml", "workloads/zipf.yaml", "60000", 1, 0},
    /* The first purge is at 30 s, the 150,000th request. */
    {"topologies/global.yaml", "workloads/purge-storm.yaml", "200000", 1, 1},
    {"topologies/global.yaml", "workloads/daily-mix.yaml", "60000", 1, 0},
    /* Ids by name (hashed): the memory of objects outside a catalog. */
    {"topologies/global.yaml", "workloads/trace-web.yaml", NULL, 0, 0},
    {"topologies/origin-outage.yaml", "workloads/flash-crowd.yaml", "60000", 1,
     0},
};

START_TEST(test_misses_sum_identity_on_scenarios)
{
    char *requests = xasprintf("workload.requests=%s", scenarios[_i].requests);
    const char *sets[] = {requests, "warmup=6000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(scenarios[_i].topology, scenarios[_i].workload, sets,
                   scenarios[_i].requests ? 2 : 0, &t, &w, &m);
    free(requests);
    assert_identity(scenarios[_i].workload, &m);
    struct met_counters all = {0};
    for (size_t i = 0; i < m.n_nodes; i++)
        met_counters_add(&all, &m.nodes[i].c);
    ck_assert_uint_gt(all.misses_cold, 0);
    if (scenarios[_i].has_capacity)
        ck_assert_uint_gt(all.misses_capacity, 0);
    if (scenarios[_i].has_purges)
        ck_assert_uint_gt(all.misses_expiry, 0);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

START_TEST(test_misses_unbounded_cache_has_only_cold)
{
    /* Caches larger than the catalog, copies that do not expire within
     * the run (a TTL of ten years) and no
     * purges: nothing is ever evicted, so every miss is cold, and each
     * object misses at most once per node (the cold misses at an edge
     * count the distinct objects that reached it, never more than the
     * catalog's 100,000). */
    const char *sets[] = {"workload.requests=200000",
                          "warmup=0",
                          "catalog.ttl=3650d",
                          "nodes.edge-fra.cache.capacity=100GiB",
                          "nodes.edge-iad.cache.capacity=100GiB",
                          "nodes.edge-sin.cache.capacity=100GiB",
                          "nodes.shield-ams.cache.capacity=100GiB",
                          "nodes.shield-ord.cache.capacity=100GiB"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("topologies/global.yaml", "workloads/zipf.yaml", sets,
                   sizeof sets / sizeof sets[0], &t, &w, &m);
    for (size_t i = 0; i < m.n_nodes; i++) {
        const struct met_counters *c = &m.nodes[i].c;
        ck_assert_uint_eq(c->misses_capacity, 0);
        ck_assert_uint_eq(c->misses_expiry, 0);
        ck_assert_uint_eq(c->misses_cold, c->misses);
        ck_assert_uint_le(c->misses_cold, 100000);
    }
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* The number after "key": following the keys one after the other in the
 * JSON text, so ("nodes", "edge-fra", "misses") is that node's misses. */
static uint64_t
json_u64(const char *json, const char *const *keys, size_t n_keys)
{
    const char *p = json;
    for (size_t i = 0; i < n_keys; i++) {
        char *quoted = xasprintf("\"%s\":", keys[i]);
        p = strstr(p, quoted);
        ck_assert_msg(p != NULL, "no key %s", keys[i]);
        p += strlen(quoted);
        free(quoted);
    }
    return strtoull(p, NULL, 10);
}

/* The value of metric path (a --metric path) of run 1 in the file db. */
static int64_t
metric_value(sqlite3 *db, const char *path)
{
    struct rep_metric m;
    struct sim_err err = {0};
    ck_assert_int_eq(rep_metric_parse(path, &m, &err), 0);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, m.sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, 1);
    if (m.name != NULL)
        sqlite3_bind_text(st, 2, m.name, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    rep_metric_fini(&m);
    return v;
}

START_TEST(test_misses_in_json_db_metric_and_report)
{
    char *dir = test_tmpdir();
    char *json_path = xasprintf("%s/r.json", dir);
    char *db_path = xasprintf("%s/r.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", "topologies/global.yaml",
                                 "workloads/purge-storm.yaml", "--requests",
                                 "200000", "--set", "warmup=20000", "--json",
                                 json_path, "--db", db_path, NULL),
                     0);
    /* The run table's section. */
    ck_assert_ptr_nonnull(
        strstr(out, "misses by cause (% of misses + expired)"));
    char *json = test_read_file(json_path);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    static const char *const scopes[][2] = {{"nodes", "edge-fra"},
                                            {"nodes", "shield-ord"},
                                            {"tiers", "edge"},
                                            {"tiers", "shield"}};
    static const char *const causes[] = {"misses_cold", "misses_capacity",
                                         "misses_expiry"};
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        const char *keys[] = {scopes[s][0], scopes[s][1], "misses"};
        uint64_t misses = json_u64(json, keys, 3), sum = 0;
        for (size_t k = 0; k < 3; k++) {
            keys[2] = causes[k];
            uint64_t v = json_u64(json, keys, 3);
            sum += v;
            char *path =
                xasprintf("%s.%s.%s", scopes[s][0], scopes[s][1], causes[k]);
            ck_assert_msg((uint64_t)metric_value(db, path) == v,
                          "%s: database %lld, JSON %llu", path,
                          (long long)metric_value(db, path),
                          (unsigned long long)v);
            free(path);
        }
        keys[2] = "misses_expiry"; /* the purges at 30 s show */
        ck_assert_uint_gt(json_u64(json, keys, 3), 0);
        ck_assert_msg(sum == misses && misses > 0, "%s %s: %llu != %llu",
                      scopes[s][0], scopes[s][1], (unsigned long long)sum,
                      (unsigned long long)misses);
    }
    sqlite3_close(db);
    /* The report's section names every caching node. */
    char *rep_dir = xasprintf("%s/rep", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db_path, "--out", rep_dir, NULL), 0);
    char *md_path = xasprintf("%s/report.md", rep_dir);
    char *md = test_read_file(md_path);
    const char *section = strstr(md, "## Why misses happen");
    ck_assert_ptr_nonnull(section);
    ck_assert_ptr_nonnull(strstr(section, "| edge-sin | edge |"));
    ck_assert_ptr_nonnull(strstr(section, "| all 2 | shield |"));
    ck_assert_ptr_nonnull(strstr(section, "miss-causes.png"));
    free(md), free(md_path), free(rep_dir), free(json), free(out);
    free(db_path), free(json_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_misses_older_file_upgraded)
{
    /* A file from before version 7 gets the three columns; its old run
     * reads NULL there, and its report has no miss-cause section (the
     * causes were not recorded), while the new run's has. */
    char *dir = test_tmpdir();
    char *db_path = xasprintf("%s/r.db", dir);
    const char *run[] = {test_bin(),
                         "run",
                         "topologies/global.yaml",
                         "workloads/zipf.yaml",
                         "--requests",
                         "20000",
                         "--set",
                         "warmup=2000",
                         "--quiet",
                         "--db",
                         db_path,
                         NULL};
    ck_assert_int_eq(test_run(run, NULL, NULL), 0);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, DROP_SINCE_5 "PRAGMA user_version = 4",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    ck_assert_int_eq(test_run(run, NULL, NULL), 0);
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT run_id, misses_cold IS NULL,"
                                        " misses_cold + misses_capacity +"
                                        " misses_expiry = misses FROM"
                                        " node_metrics WHERE node ="
                                        " 'edge-fra' ORDER BY run_id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 1), 1);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 1), 0);
    ck_assert_int_eq(sqlite3_column_int(st, 2), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (int id = 1; id <= 2; id++) {
        char *rep_dir = xasprintf("%s/rep%d", dir, id);
        char *run_id = xasprintf("%d", id);
        ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db_path, "--run",
                                     run_id, "--out", rep_dir, NULL),
                         0);
        char *md_path = xasprintf("%s/report.md", rep_dir);
        char *md = test_read_file(md_path);
        ck_assert_int_eq(strstr(md, "## Why misses happen") != NULL, id == 2);
        free(md), free(md_path), free(run_id), free(rep_dir);
    }
    free(db_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* tier's share of fetches (misses + expired) that part is, as "69.0%". */
static char *
share_of(const struct met_run *m, const char *tier, size_t part_offset)
{
    struct met_counters sum = {0};
    for (size_t i = 0; i < m->n_nodes; i++)
        if (strcmp(m->nodes[i].tier, tier) == 0)
            met_counters_add(&sum, &m->nodes[i].c);
    uint64_t part;
    memcpy(&part, (const char *)&sum + part_offset, sizeof part);
    return xasprintf("%.1f%%",
                     100.0 * met_ratio(part, sum.misses + sum.expired));
}

START_TEST(test_misses_readme_figures)
{
    /* README's sentence under the demo output: the default scenario's
     * edge shares, and purge-storm's shield share of purged copies. */
    if (test_sanitized())
        return; /* two full runs: too slow under sanitizers */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("topologies/global.yaml", "workloads/zipf.yaml", NULL, 0, &t,
                   &w, &m);
    char *cap =
        share_of(&m, "edge", offsetof(struct met_counters, misses_capacity));
    char *cold =
        share_of(&m, "edge", offsetof(struct met_counters, misses_cold));
    char *expired =
        share_of(&m, "edge", offsetof(struct met_counters, expired));
    char *phrase = xasprintf("at the edges %s of their fetches are capacity "
                             "misses (objects stored there and evicted "
                             "since), %s cold (never stored there) and %s "
                             "copies past their one-minute TTL",
                             cap, cold, expired);
    test_assert_readme_says(phrase);
    free(phrase), free(cap), free(cold), free(expired);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    test_run_model("topologies/global.yaml", "workloads/purge-storm.yaml", NULL,
                   0, &t, &w, &m);
    char *purged =
        share_of(&m, "shield", offsetof(struct met_counters, misses_expiry));
    phrase =
        xasprintf("makes %s of the shields' fetches purged copies", purged);
    test_assert_readme_says(phrase);
    free(phrase), free(purged);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

Suite *
misses_suite(void)
{
    Suite *s = suite_create("misses");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, test_sanitized() ? 300 : 60);
    tcase_add_test(tc, test_misses_capacity_one_object_alternating);
    tcase_add_test(tc, test_misses_two_objects_one_slot_synthetic);
    tcase_add_test(tc, test_misses_ttl_expiry);
    tcase_add_test(tc, test_misses_purge_invalidates);
    tcase_add_test(tc, test_misses_purge_on_change);
    tcase_add_test(tc, test_misses_unbounded_cache_has_only_cold);
    suite_add_tcase(s, tc);
    tc = tcase_create("scenarios");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 120);
    tcase_add_loop_test(tc, test_misses_sum_identity_on_scenarios, 0,
                        (int)(sizeof scenarios / sizeof scenarios[0]));
    tcase_add_test(tc, test_misses_in_json_db_metric_and_report);
    tcase_add_test(tc, test_misses_older_file_upgraded);
    tcase_add_test(tc, test_misses_readme_figures);
    suite_add_tcase(s, tc);
    return s;
}
