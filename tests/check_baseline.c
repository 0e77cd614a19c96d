/* check_baseline.c: `run --baseline no-cdn`: the derived topology's round
 * trips, a deterministic one-region run where the baseline's latency is
 * the region -> origin round trip exactly and every client request
 * reaches the origin once, the saved figures as the differences, and the
 * table, JSON, database and report that show them. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "run/run.h"
#include "suites.h"

#define TOPO "tests/scenarios/baseline.yaml"
#define WL "tests/data/baseline-workload.yaml"

/* Runs topo x wl with the overrides sets (n_sets) and its baseline into
 * *r (caller frees). */
static void
run_with_baseline(const char *topo, const char *wl, const char *const *sets,
                  size_t n_sets, struct run_result *r)
{
    struct cfg_override ov[4];
    ck_assert_uint_le(n_sets, 4);
    for (size_t i = 0; i < n_sets; i++)
        ov[i].text = sets[i];
    struct run_input in = {.topology_path = topo,
                           .workload_path = wl,
                           .sets = ov,
                           .n_sets = n_sets};
    struct sim_err err = {0};
    char buf[1024];
    int rc = run_point(&in, NULL, r, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    rc = run_baseline(r, NULL, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    ck_assert_ptr_nonnull(r->m.baseline);
}

/* global.yaml: eu 8 + 10 + 85, us 10 + 18 + 22, asia 12 + 150 + 85. */
START_TEST(test_baseline_rtt_along_default_route)
{
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct sim_err err = {0};
    ck_assert_int_eq(
        cfg_load("topologies/global.yaml", NULL, NULL, 0, &t, &w, &err), 0);
    static const int64_t want_ms[] = {103, 50, 247};
    int origin;
    for (size_t r = 0; r < 3; r++) {
        ck_assert_int_eq(cfg_region_origin_rtt(t, r, &origin),
                         want_ms[r] * 1000000);
        ck_assert_str_eq(t->nodes[origin].name, "origin");
    }
    struct cfg_topology *d = cfg_topology_no_cdn(t);
    ck_assert_int_eq(d->is_no_cdn, 1);
    ck_assert_uint_eq(d->n_nodes, t->n_nodes + 1); /* one origin */
    ck_assert_str_eq(d->nodes[t->n_nodes].name, "no-cdn:origin");
    for (size_t r = 0; r < 3; r++) {
        ck_assert_int_eq(d->region_edge[r], (int)t->n_nodes);
        ck_assert_uint_eq(d->regions[r].n_links, 1);
        ck_assert_int_eq(d->regions[r].links[0].rtt_ns, want_ms[r] * 1000000);
    }
    cfg_topology_no_cdn_free(d);
    cfg_topology_free(t);
}
END_TEST

/* No cache, no coalescing, no service time: every client request goes to
 * the origin once and takes the 60 ms round trip exactly; the same
 * requests, so the origin sends exactly the clients' bytes. */
START_TEST(test_baseline_one_region_exact)
{
    struct run_result r;
    run_with_baseline(TOPO, WL, NULL, 0, &r);
    const struct met_run *m = &r.m;
    const struct met_baseline *b = m->baseline;
    ck_assert_uint_eq(m->requests, 25000);
    ck_assert_uint_eq(b->requests, m->requests);
    ck_assert_uint_eq(b->errors, 0);
    ck_assert_uint_eq(b->origin_requests, b->requests);
    ck_assert_uint_eq(b->origin_bytes, m->bytes);
    ck_assert_uint_eq(b->n_regions, 1);
    ck_assert_int_eq(b->regions[0].rtt_ns, 60000000);
    ck_assert_uint_eq(b->latency.count, 25000);
    ck_assert_uint_eq(b->latency.min, 60000000);
    ck_assert_uint_eq(b->latency.max, 60000000);
    for (int k = 0; k < 3; k++) {
        double q = k == 0 ? 0.5 : k == 1 ? 0.95 : 0.99;
        ck_assert_uint_eq(met_hist_quantile(&b->regions[0].latency, q),
                          60000000);
    }
    /* The CDN answered some from its caches: fewer origin requests. */
    ck_assert_uint_lt(m->origin_requests, b->origin_requests);
    /* Egress at 0.09 $/GB of the origin's bytes, nothing else. */
    ck_assert_double_eq_tol(b->cost_usd, (double)m->bytes / 1e9 * 0.09, 1e-12);
    run_result_fini(&r);
}
END_TEST

/* A JSON number after "key": in text (first match after from). */
static double
json_number(const char *text, const char *from, const char *key)
{
    const char *p = strstr(text, from);
    ck_assert_msg(p != NULL, "no %s in the JSON", from);
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    p = strstr(p, pat);
    ck_assert_msg(p != NULL, "no %s after %s", key, from);
    return strtod(p + strlen(pat), NULL);
}

/* The saved figures are baseline minus run, in JSON and the database,
 * from the same run's own figures. */
START_TEST(test_baseline_saved_is_difference)
{
    char *dir = test_tmpdir();
    char *json = NULL;
    char db[512];
    snprintf(db, sizeof db, "%s/b.db", dir);
    ck_assert_int_eq(test_cdnsim(&json, NULL, "run", TOPO, WL, "--baseline",
                                 "no-cdn", "--json", "-", "--db", db, NULL),
                     0);
    double run_origin = json_number(json, "\n  \"origin\": {", "requests");
    double run_bytes = json_number(json, "\n  \"origin\": {", "bytes");
    double run_cost = json_number(json, "\n  \"cost_usd\": {", "total");
    double run_p50 = json_number(json, "\n  \"latency_ms\": {", "p50");
    double base_origin =
        json_number(json, "\n  \"baseline\": {", "origin_requests");
    double base_bytes =
        json_number(json, "\n  \"baseline\": {", "origin_bytes");
    double base_cost = json_number(json, "\n  \"baseline\": {", "cost_usd");
    ck_assert_double_eq(base_origin, 25000);
    ck_assert_double_eq(
        json_number(json, "\n    \"saved\": {", "origin_requests"),
        base_origin - run_origin);
    ck_assert_double_eq(json_number(json, "\n    \"saved\": {", "origin_bytes"),
                        base_bytes - run_bytes);
    ck_assert_double_eq_tol(json_number(json, "\n    \"saved\": {", "cost_usd"),
                            base_cost - run_cost, 2e-6);
    ck_assert_double_eq_tol(json_number(json, "\n    \"saved\": {", "p50"),
                            60.0 - run_p50, 2e-6);

    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(
            h,
            "SELECT b.origin_requests, b.saved_origin_requests,"
            " r.origin_requests, b.saved_origin_bytes, r.origin_bytes,"
            " b.origin_bytes, g.rtt_ms, g.latency_p99_ms, g.saved_p50_ms,"
            " m.latency_p50_ms, b.has_cost_model"
            " FROM baselines b JOIN runs r ON r.id = b.run_id"
            " JOIN baseline_regions g ON g.run_id = b.run_id"
            " JOIN region_metrics m ON m.run_id = b.run_id"
            " AND m.region = g.region",
            -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int64(st, 0), 25000);
    ck_assert_int_eq(sqlite3_column_int64(st, 1),
                     25000 - sqlite3_column_int64(st, 2));
    ck_assert_int_eq(sqlite3_column_int64(st, 3),
                     sqlite3_column_int64(st, 5) - sqlite3_column_int64(st, 4));
    ck_assert_double_eq(sqlite3_column_double(st, 6), 60.0);
    ck_assert_double_eq(sqlite3_column_double(st, 7), 60.0);
    ck_assert_double_eq_tol(sqlite3_column_double(st, 8),
                            60.0 - sqlite3_column_double(st, 9), 1e-9);
    ck_assert_int_eq(sqlite3_column_int64(st, 10), 1);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);

    char rep[600];
    snprintf(rep, sizeof rep, "%s/rep", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db, "--out", rep, "--quiet", NULL),
        0);
    char md[700];
    snprintf(md, sizeof md, "%s/report.md", rep);
    char *text = test_read_file(md);
    ck_assert_ptr_nonnull(strstr(text, "## Without a CDN"));
    ck_assert_ptr_nonnull(
        strstr(text, "the origin would have answered 25000 requests"));
    ck_assert_ptr_nonnull(strstr(text, "| r | 60.0 | 60.0 |"));
    free(text);
    free(json);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_baseline_table_and_usage)
{
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", TOPO, WL, "--baseline", "no-cdn", NULL),
        0);
    ck_assert_ptr_nonnull(strstr(out, "no-CDN baseline"));
    ck_assert_ptr_nonnull(strstr(out, "origin requests:"));
    ck_assert_ptr_nonnull(strstr(out, " 25000 without: "));
    ck_assert_ptr_nonnull(strstr(out, "egress cost:"));
    free(out);
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "run", TOPO, WL, "--baseline", "cdn", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--baseline knows only \"no-cdn\""));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--baseline",
                                 "no-cdn", "--replications", "3", NULL),
                     2);
    free(err);
    /* Without --baseline, no baseline anywhere. */
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", TOPO, WL, "--json", "-", NULL), 0);
    ck_assert_ptr_null(strstr(out, "\"baseline\": {"));
    free(out);
}
END_TEST

/* An origin outage hits the baseline too: its clients get errors while
 * the origin is down, and pushes and purges of the workload do nothing
 * (no node to reach). */
START_TEST(test_baseline_outage_and_events)
{
    /* 75 s of requests: the origin is down from 60 s to 120 s. */
    static const char *const sets[] = {"requests=150000", "arrival.rate=2000"};
    struct run_result r;
    run_with_baseline("topologies/origin-outage.yaml",
                      "workloads/offpeak-push.yaml", sets, 2, &r);
    const struct met_baseline *b = r.m.baseline;
    ck_assert_uint_eq(b->requests, r.m.requests);
    ck_assert_uint_gt(b->errors, 0);
    /* A request the down origin refuses is an error, not origin load. */
    ck_assert_uint_eq(b->origin_requests + b->errors, b->requests);
    run_result_fini(&r);
}
END_TEST

/* The README's example: every line of the comparison, as measured, and
 * the 32% of requests that reach the origin with the CDN. */
START_TEST(test_baseline_readme_figures)
{
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--requests", "200000",
                                 "--baseline", "no-cdn", NULL),
                     0);
    char *at = strstr(out, "no-CDN baseline");
    ck_assert_ptr_nonnull(at);
    ck_assert_ptr_nonnull(strstr(at, "32034 with the CDN, 100000 without"));
    int n_lines = 0;
    for (char *line = strtok(at, "\n"); line; line = strtok(NULL, "\n")) {
        test_assert_readme_says(line);
        n_lines++;
    }
    ck_assert_int_eq(n_lines, 9);
    test_assert_readme_says("32% of the requests still miss at both tiers");
    test_assert_readme_says("eu 8 + 10 + 85 = 103 ms, us 10 + 18 + 22 = "
                            "50 ms, asia 12 + 150 + 85 = 247 ms");
    free(out);
}
END_TEST

Suite *
baseline_suite(void)
{
    Suite *s = suite_create("baseline");
    TCase *tc = tcase_create("model");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_baseline_rtt_along_default_route);
    tcase_add_test(tc, test_baseline_one_region_exact);
    tcase_add_test(tc, test_baseline_outage_and_events);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_baseline_saved_is_difference);
    tcase_add_test(tc, test_baseline_table_and_usage);
    tcase_add_test(tc, test_baseline_readme_figures);
    suite_add_tcase(s, tc);
    return s;
}
