/* check_origin_routes.c: origin_routes (the origin of each miss by class
 * or object id, split over origins by a hash of the object): exact counts
 * per origin, the split against its weights within binomial noise, the
 * routed links' latencies, failover to a backup, input errors and the
 * outputs (JSON, origin_nodes, the report's Origins section). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "suites.h"
#include "util/xalloc.h"

#define TWO "tests/scenarios/two-origins.yaml"
#define UNIQUE "tests/scenarios/poisson-unique.yaml"
#define CLASSES "tests/scenarios/two-classes.yaml"
#define SPLIT "topologies/reference/split-origins.yaml"

/* The origin of run m named name. */
static const struct met_origin *
origin_named(const struct met_run *m, const char *name)
{
    for (size_t k = 0; k < m->n_origins; k++)
        if (strcmp(m->origins[k].name, name) == 0)
            return &m->origins[k];
    ck_abort_msg("no origin %s in the run", name);
    return NULL;
}

/* The origins' requests add up to the origin requests, their bytes to
 * the origin bytes (no pushes here). */
static void
assert_books(const struct met_run *m)
{
    uint64_t req = 0, bytes = 0;
    for (size_t k = 0; k < m->n_origins; k++) {
        req += m->origins[k].requests;
        bytes += m->origins[k].bytes;
    }
    ck_assert_uint_eq(req, m->origin_requests);
    ck_assert_uint_eq(bytes, m->origin_bytes - m->origin_pushed_bytes);
}

/* 200,000 requests (100,000 measured) for objects that never repeat:
 * every one reaches an origin, split 3:1 by the hash of its id. The
 * counts are exact (a regression check); the routed link's 30 ms and
 * the parent's 10 ms make up the clients' latency sum exactly. */
START_TEST(test_origin_routes_split_exact)
{
    const char *sets[] = {"requests=200000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(TWO, UNIQUE, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.n_origins, 2);
    const struct met_origin *a = origin_named(&m, "origin-a");
    const struct met_origin *b = origin_named(&m, "origin-b");
    ck_assert_uint_eq(m.origin_requests, 100000);
    ck_assert_uint_eq(a->requests, 74885);
    ck_assert_uint_eq(b->requests, 25115);
    ck_assert_uint_eq(a->objects, 74883);
    ck_assert_uint_eq(b->objects, 25114);
    ck_assert_uint_eq(a->peak_rps, 588);
    ck_assert_uint_eq(b->peak_rps, 212);
    assert_books(&m);
    /* The node counters agree: an origin's requests are its node's. */
    ck_assert_uint_eq(test_node_named(&m, "origin-a")->c.requests, a->requests);
    ck_assert_uint_eq(test_node_named(&m, "origin-b")->c.requests, b->requests);
    long double want = 10e6L * a->requests + 30e6L * b->requests;
    ck_assert_msg(met_hist_sum(&m.latency) == want,
                  "latency sum %.0Lf, want %.0Lf", met_hist_sum(&m.latency),
                  want);
    test_free_run(t, w, &m);
}
END_TEST

/* The split follows its weights: the number of distinct objects an
 * origin gets of N is Binomial(N, w / sum of weights), since each
 * object's hash is an independent uniform draw; within 4 standard
 * deviations, for splits of two and of three origins and two seeds
 * (the hash does not depend on the seed: the objects drawn do). */
static const struct {
    const char *split;
    double p[3];
    const char *seed;
} theory_cases[] = {
    {"{split: {origin-a: 3, origin-b: 1}}", {0.75, 0.25, 0}, "seed=11"},
    {"{split: {origin-a: 1, origin-b: 2, origin-c: 7}}",
     {0.1, 0.2, 0.7},
     "seed=12"},
    {"{split: {origin-a: 1, origin-b: 1}}", {0.5, 0.5, 0}, "seed=13"},
};

START_TEST(test_origin_routes_split_matches_binomial)
{
    char *dir = test_tmpdir();
    char *text = xasprintf(
        "name: three-origins\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
        "origin-a}\n"
        "  - {name: origin-a, tier: origin}\n"
        "  - {name: origin-b, tier: origin}\n"
        "  - {name: origin-c, tier: origin}\n"
        "latency_ms: {r: {edge: 0}, edge: {origin-a: 1, origin-b: 1, "
        "origin-c: 1}}\n"
        "origin_routes:\n  - %s\n",
        theory_cases[_i].split);
    char *topo = test_write_file(dir, "t.yaml", text);
    const char *sets[] = {"requests=300000", theory_cases[_i].seed};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, UNIQUE, sets, 2, &t, &w, &m);
    uint64_t n = 0;
    for (size_t k = 0; k < m.n_origins; k++)
        n += m.origins[k].objects;
    ck_assert_uint_gt(n, 199000); /* nearly all 200,000 distinct */
    for (size_t k = 0; k < 3; k++) {
        double p = theory_cases[_i].p[k];
        double got = (double)m.origins[k].objects;
        double sd = sqrt((double)n * p * (1 - p));
        ck_assert_msg(fabs(got - (double)n * p) <= 4 * sd + 1e-9,
                      "%s: %s got %.0f objects of %llu, want %.1f +- %.1f",
                      theory_cases[_i].split, m.origins[k].name, got,
                      (unsigned long long)n, (double)n * p, 4 * sd);
    }
    assert_books(&m);
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
    free(topo);
    free(text);
}
END_TEST

/* A class route, a range route and a split, in that order, over two
 * classes of 1,000 objects (media: ids 1000-1999) each asked for many
 * times through a cache too small to hold one: media and ids 0-499 go to
 * origin-b, ids 500-999 are split 3:1. Each object reaches exactly one
 * origin, so the origins' distinct objects add up to the 2,000. */
START_TEST(test_origin_routes_class_and_range_exact)
{
    char *dir = test_tmpdir();
    char *text = xasprintf(
        "name: class-routes\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1}, parent: "
        "origin-a}\n"
        "  - {name: origin-a, tier: origin}\n"
        "  - {name: origin-b, tier: origin}\n"
        "latency_ms: {r: {edge: 0}, edge: {origin-a: 1, origin-b: 2}}\n"
        "origin_routes:\n"
        "  - {class: media, origin: origin-b}\n"
        "  - {objects: [0, 499], origin: origin-b}\n"
        "  - {split: {origin-a: 3, origin-b: 1}}\n");
    char *topo = test_write_file(dir, "t.yaml", text);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, CLASSES, NULL, 0, &t, &w, &m);
    const struct met_origin *a = origin_named(&m, "origin-a");
    const struct met_origin *b = origin_named(&m, "origin-b");
    ck_assert_uint_eq(a->objects + b->objects, 2000);
    /* The split's share of ids 500-999 (the same objects whatever the
     * run: the hash is of the id). */
    ck_assert_uint_eq(a->objects, 389);
    ck_assert_uint_eq(b->objects, 1611);
    ck_assert_uint_eq(a->requests, 7762);
    ck_assert_uint_eq(b->requests, 32185);
    /* origin-b's 1,611 objects are media's 1,000, ids 0-499 and the
     * split's other 111: no media object reached origin-a. */
    assert_books(&m);
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
    free(topo);
    free(text);
}
END_TEST

/* An origin a route picks that seems down sends the misses to the
 * node's backup: origin-b is down for the whole run, so its share goes
 * to origin-c and nothing fails. */
START_TEST(test_origin_routes_backup)
{
    char *dir = test_tmpdir();
    char *text = xasprintf(
        "name: routed-backup\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
        "origin-a, backup_parent: origin-c}\n"
        "  - {name: origin-a, tier: origin}\n"
        "  - {name: origin-b, tier: origin}\n"
        "  - {name: origin-c, tier: origin}\n"
        "latency_ms: {r: {edge: 0}, edge: {origin-a: 1, origin-b: 1, "
        "origin-c: 5}}\n"
        "outages: [{fail: origin-b, at: 0s}]\n"
        "origin_routes: [{split: {origin-a: 3, origin-b: 1}}]\n");
    char *topo = test_write_file(dir, "t.yaml", text);
    const char *sets[] = {"requests=200000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, UNIQUE, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.errors, 0);
    ck_assert_uint_eq(origin_named(&m, "origin-b")->requests, 0);
    /* The same split as test_origin_routes_split_exact's. */
    ck_assert_uint_eq(origin_named(&m, "origin-a")->requests, 74885);
    ck_assert_uint_eq(origin_named(&m, "origin-c")->requests, 25115);
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
    free(topo);
    free(text);
}
END_TEST

/* Bad routes are input errors at the value (exit 3). */
START_TEST(test_origin_routes_input_errors)
{
    static const struct {
        const char *routes;
        const char *want;
    } cases[] = {
        {"[{origin: origin-z}]",
         ":9:26: origin_routes[0].origin: expected the name of an origin "
         "(origin-a, origin-b, origin-c), got \"origin-z\""},
        {"[{origin: edge}]", ":9:26: origin_routes[0].origin: expected the "
                             "name of an origin"},
        {"[{split: {origin-a: 0}}]",
         "origin_routes[0].split.origin-a: expected a number > 0"},
        {"[{split: {origin-a: 1, nowhere: 1}}]",
         "origin_routes[0].split.nowhere: expected the name of an origin"},
        {"[{split: {}}]", "origin_routes[0].split: expected at least one"},
        {"[{objects: [5, 1], origin: origin-a}]",
         "origin_routes[0].objects: expected a range [first, last]"},
        {"[{objects: 5, origin: origin-a}]",
         "origin_routes[0].objects: expected a range [first, last]"},
        {"[{class: media}]", "origin_routes[0].origin: missing key"},
        {"[{origin: origin-a, split: {origin-b: 1}}]",
         "origin_routes[0].split: key \"split\" goes with no origin:"},
        {"[{origin: origin-a}, {origin: origin-b}]",
         ":9:37: origin_routes[1]: never used: origin_routes[0] before it "
         "matches every request"},
        {"[{path: /media, origin: origin-a}]",
         "origin_routes[0].path: unknown key"},
        {"[]", "origin_routes: expected at least one route"},
        {"[{origin: origin-c}]",
         "origin_routes[0].origin: no latency_ms entry between edge and "
         "origin-c"},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *text = xasprintf(
            "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
            "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
            "origin-a}\n"
            "  - {name: origin-a, tier: origin}\n"
            "  - {name: origin-b, tier: origin}\n"
            "  - {name: origin-c, tier: origin}\n"
            "origin_routes: %s\n"
            "latency_ms: {r: {edge: 1}, edge: {origin-a: 1, origin-b: 2}}\n",
            cases[k].routes);
        char *path = test_write_file(dir, "bad.yaml", text);
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "validate", path, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].routes, rc);
        ck_assert_msg(err != NULL && strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].routes,
                      cases[k].want, err ? err : "(null)");
        free(err);
        free(path);
        free(text);
    }
    /* A class the workload lacks, found when the run is built. */
    char *text = xasprintf(
        "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
        "origin-a}\n"
        "  - {name: origin-a, tier: origin}\n"
        "  - {name: origin-b, tier: origin}\n"
        "origin_routes: [{class: video, origin: origin-b}]\n"
        "latency_ms: {r: {edge: 1}, edge: {origin-a: 1, origin-b: 2}}\n");
    char *path = test_write_file(dir, "bad.yaml", text);
    char *err = NULL;
    int rc = test_cdnsim(NULL, &err, "run", path, CLASSES, "--quiet", NULL);
    ck_assert_int_eq(rc, 3);
    ck_assert_msg(err != NULL &&
                      strstr(err, ":8:25: origin_routes[0].class: the "
                                  "workload has no class \"video\" (pages, "
                                  "media)") != NULL,
                  "got: %s", err ? err : "(null)");
    free(err);
    rc = test_cdnsim(NULL, &err, "run", path, UNIQUE, "--quiet", NULL);
    ck_assert_int_eq(rc, 3);
    ck_assert_msg(err != NULL && strstr(err, "it names no classes") != NULL,
                  "got: %s", err ? err : "(null)");
    free(err);
    free(path);
    free(text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

static long long
q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The reference topology at 100,000 requests: exact per-origin counts in
 * the JSON, the same rows in origin_nodes, the report's Origins section;
 * and a file without the key writes no by_origin and no rows. */
START_TEST(test_origin_routes_outputs)
{
    char *json =
        test_cdnsim_json("run", SPLIT, "workloads/zipf.yaml", "--requests",
                         "100000", "--set", "warmup=10000", NULL);
    const char *by = strstr(json, "\"by_origin\": [");
    ck_assert_ptr_nonnull(by);
    static const char *const want[] = {
        "\"name\": \"origin-us\",\n        \"requests\": 25504,",
        "\"name\": \"origin-eu\",\n        \"requests\": 12497,",
        "\"name\": \"bucket\",\n        \"requests\": 4120,",
    };
    for (size_t k = 0; k < 3; k++)
        ck_assert_msg(strstr(by, want[k]) != NULL, "want %s in %s", want[k],
                      by);
    /* README's 60.55%, 29.67% and 9.78%. */
    static const char *const shares[] = {
        "\"share\": 0.605494,", "\"share\": 0.296693,", "\"share\": 0.097813,"};
    for (size_t k = 0; k < 3; k++)
        ck_assert_msg(strstr(by, shares[k]) != NULL, "want %s", shares[k]);
    free(json);
    json =
        test_cdnsim_json("run", "topologies/global.yaml", "workloads/zipf.yaml",
                         "--requests", "20000", "--set", "warmup=1000", NULL);
    ck_assert_ptr_null(strstr(json, "by_origin"));
    free(json);

    char *dir = test_tmpdir();
    char *db_path = xasprintf("%s/r.db", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", SPLIT,
                                 "workloads/zipf.yaml", "--requests", "100000",
                                 "--set", "warmup=10000", "--db", db_path,
                                 "--quiet", NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--requests", "20000",
                                 "--set", "warmup=1000", "--db", db_path,
                                 "--quiet", NULL),
                     0);
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM origin_nodes"), 3);
    ck_assert_int_eq(q_int(db, "SELECT requests FROM origin_nodes WHERE "
                               "run_id = 1 AND origin = 'bucket'"),
                     4120);
    ck_assert_int_eq(q_int(db, "SELECT sum(o.requests) = r.origin_requests "
                               "FROM origin_nodes o JOIN runs r ON r.id = "
                               "o.run_id"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM origin_nodes WHERE "
                               "run_id = 2"),
                     0);
    sqlite3_close(db);
    char *out_dir = xasprintf("%s/rep", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db_path, "--run", "1",
                                 "--out", out_dir, NULL),
                     0);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = test_read_file(md_path);
    ck_assert_ptr_nonnull(strstr(md, "## Origins"));
    ck_assert_ptr_nonnull(
        strstr(md, "| bucket | 4120 | 0.134 | 3520 | 9.78 | 226.0 | 289 |"));
    free(md);
    free(md_path);
    test_assert_readme_says("origin-us 25,504 origin requests (60.55%), "
                            "origin-eu 12,497 (29.67%) and the bucket 4,120 "
                            "(9.78%)");
    test_assert_readme_says("`cdnsim: bad.yaml:8:25: origin_routes[0].class: "
                            "the workload has no class \"video\" (pages, "
                            "media)`");
    free(out_dir);
    free(db_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* README: the split should follow the origins' capacity; an even split
 * overloads origin-eu's 16 servers. Whole default runs. */
START_TEST(test_origin_routes_readme_capacity)
{
    char *a = test_cdnsim_json("run", SPLIT, "workloads/zipf.yaml", NULL);
    char *b = test_cdnsim_json("run", SPLIT, "workloads/zipf.yaml", "--set",
                               "origin_routes.1.split.origin-us=1", NULL);
    static const char *const want_a[] = {
        "\"name\": \"origin-eu\",\n        \"requests\": 90143,",
        "\"mean_rps\": 499.473650,\n        \"peak_rps\": 589",
        "\"p99\": 292.552703,",
    };
    static const char *const want_b[] = {
        "\"name\": \"origin-eu\",\n        \"requests\": 134741,",
        "\"mean_rps\": 746.675202,\n        \"peak_rps\": 829",
        "\"p99\": 9495.904255,",
        "\"p99\": 589.299711,",
        "\"mean\": 1198.083122,",
    };
    for (size_t k = 0; k < 3; k++)
        ck_assert_msg(strstr(a, want_a[k]) != NULL, "2:1 lacks %s", want_a[k]);
    for (size_t k = 0; k < 5; k++)
        ck_assert_msg(strstr(b, want_b[k]) != NULL, "1:1 lacks %s", want_b[k]);
    ck_assert_ptr_nonnull(strstr(a, "\"mean\": 68.960663"));
    free(a);
    free(b);
    test_assert_readme_says("the 2:1 split gives origin-eu 499.5 requests/s on "
                            "average (peak 589) and the clients a p99 of "
                            "292.553 ms");
    test_assert_readme_says("sends origin-eu 746.7 requests/s, with seconds "
                            "of 829, past what it serves");
    test_assert_readme_says("the origin's own p99 stays at 589.300 ms while "
                            "the fetches wait for a pooled connection "
                            "upstream (edge-fra's mean pool wait 5.7 s), and "
                            "the clients' p99 becomes 9,495.904 ms (mean "
                            "1,198.083 ms instead of 68.961)");
}
END_TEST

/* A routed link's pool fills: its waits count at the node that routes
 * (its hop names the node; it once named none and the count crashed). */
START_TEST(test_origin_routes_routed_pool_waits)
{
    char *out = test_cdnsim_json("run", SPLIT, "workloads/zipf.yaml", "--seed",
                                 "1", "--requests", "30000", "--set",
                                 "warmup=3000", "--quiet", NULL);
    const char *fra = strstr(out, "\"edge-fra\": {");
    ck_assert_ptr_nonnull(fra);
    const char *waits = strstr(fra, "\"pool_waits\": ");
    ck_assert_ptr_nonnull(waits);
    ck_assert_int_gt(atol(waits + strlen("\"pool_waits\": ")), 0);
    free(out);
}
END_TEST

Suite *
origin_routes_suite(void)
{
    Suite *s = suite_create("origin_routes");
    TCase *tc = tcase_create("origin_routes");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_origin_routes_split_exact);
    tcase_add_loop_test(tc, test_origin_routes_split_matches_binomial, 0,
                        sizeof theory_cases / sizeof theory_cases[0]);
    tcase_add_test(tc, test_origin_routes_class_and_range_exact);
    tcase_add_test(tc, test_origin_routes_backup);
    tcase_add_test(tc, test_origin_routes_input_errors);
    tcase_add_test(tc, test_origin_routes_outputs);
    tcase_add_test(tc, test_origin_routes_routed_pool_waits);
    if (!test_sanitized()) /* two whole default runs */
        tcase_add_test(tc, test_origin_routes_readme_capacity);
    suite_add_tcase(s, tc);
    return s;
}
