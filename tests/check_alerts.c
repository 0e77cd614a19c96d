/* check_alerts.c: metrics.alerts: the exact breaching windows of a
 * deterministic scenario (an origin outage raises the error-rate alert
 * in the outage's windows and nowhere else), link utilisation against
 * the link's own series, the table, JSON, database and report, and the
 * input errors. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "suites.h"

#define TOPO "tests/scenarios/alerts.yaml"
#define WL "tests/data/alerts-workload.yaml"

/* The eight breaches tests/data/alerts-workload.yaml explains: window
 * [0, 5 s) has 24 hits of 50 (the first request for object 1 misses);
 * every window with misses has a p95 of 50 ms (40 ms to the origin and
 * back, 10 ms to the client); the requests that reach the origin in
 * [10, 20 s) fail, half of those windows. */
static const struct {
    double start_s;
    unsigned rule;
    const char *scope;
    double value;
} want[] = {
    {0, 1, "all", 0.48},     {0, 2, "region r", 50},  {0, 3, "node edge", 0.48},
    {5, 2, "region r", 50},  {10, 0, "all", 0.5},     {15, 0, "all", 0.5},
    {20, 2, "region r", 50}, {25, 2, "region r", 50},
};
#define N_WANT (sizeof want / sizeof want[0])

START_TEST(test_alerts_exact_windows)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(TOPO, WL, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.requests, 300);
    ck_assert_uint_eq(m.errors, 50);
    ck_assert_ptr_nonnull(m.alerts);
    ck_assert_uint_eq(m.alerts->n_rules, 4);
    ck_assert_str_eq(m.alerts->rules[0].text, "error_rate > 0.4");
    ck_assert_str_eq(m.alerts->rules[1].text, "hit_ratio < 0.5");
    ck_assert_str_eq(m.alerts->rules[2].text, "p95_latency_ms > 40");
    ck_assert_uint_eq(m.alerts->n, N_WANT);
    for (size_t k = 0; k < N_WANT; k++) {
        const struct met_alert *x = &m.alerts->v[k];
        char scope[128];
        met_alert_scope(x, scope, sizeof scope);
        ck_assert_int_eq(x->start_ns, (int64_t)(want[k].start_s * 1e9));
        ck_assert_int_eq(x->end_ns - x->start_ns, 5000000000LL);
        ck_assert_uint_eq(x->rule, want[k].rule);
        ck_assert_str_eq(scope, want[k].scope);
        /* Ratios are exact; a p95 is a histogram bucket's (0.8%). */
        ck_assert_double_eq_tol(x->value, want[k].value,
                                want[k].rule == 2 ? 0.4 : 1e-12);
    }
    test_free_run(t, w, &m);
}
END_TEST

/* The same in the table, the JSON, the database and the report. */
START_TEST(test_alerts_outputs)
{
    char *dir = test_tmpdir();
    char db[512], rep[600], md[700];
    snprintf(db, sizeof db, "%s/a.db", dir);
    snprintf(rep, sizeof rep, "%s/rep", dir);
    snprintf(md, sizeof md, "%s/report.md", rep);
    char *out = NULL, *json = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--db", db, NULL),
                     0);
    ck_assert_ptr_nonnull(
        strstr(out, "alerts (metrics.alerts): 8 breaching windows of 4 "
                    "rules"));
    ck_assert_ptr_nonnull(strstr(out, "10.000-15.000         error_rate > "
                                      "0.4             all"));
    ck_assert_ptr_null(strstr(out, "5.000-10.000          error_rate"));
    /* README shows this section as measured. */
    char *at = strstr(out, "alerts (metrics.alerts)");
    int n_lines = 0;
    for (char *line = strtok(at, "\n"); line; line = strtok(NULL, "\n")) {
        test_assert_readme_says(line);
        n_lines++;
    }
    ck_assert_int_eq(n_lines, 10);
    ck_assert_int_eq(
        test_cdnsim(&json, NULL, "run", TOPO, WL, "--json", "-", NULL), 0);
    ck_assert_ptr_nonnull(strstr(json, "  \"alerts\": [\n    {\n"
                                       "      \"start_s\": 0.000000,\n"
                                       "      \"end_s\": 5.000000,\n"
                                       "      \"rule\": \"hit_ratio < 0.5\",\n"
                                       "      \"metric\": \"hit_ratio\",\n"
                                       "      \"scope\": \"all\",\n"
                                       "      \"value\": 0.480000,\n"
                                       "      \"threshold\": 0.500000\n"
                                       "    },\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"start_s\": 15.000000,\n"
                                       "      \"end_s\": 20.000000,\n"
                                       "      \"rule\": \"error_rate > 0.4\""));

    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT start_s, end_s, scope, value,"
                                        " threshold FROM alerts WHERE metric"
                                        " = 'error_rate' ORDER BY position",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_double_eq(sqlite3_column_double(st, 0), 10.0 + 5 * k);
        ck_assert_double_eq(sqlite3_column_double(st, 1), 15.0 + 5 * k);
        ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), "all");
        ck_assert_double_eq(sqlite3_column_double(st, 3), 0.5);
        ck_assert_double_eq(sqlite3_column_double(st, 4), 0.4);
    }
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    ck_assert_int_eq(
        sqlite3_prepare_v2(h, "SELECT count(*) FROM alerts", -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), (int)N_WANT);
    sqlite3_finalize(st);
    sqlite3_close(h);

    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db, "--out", rep, "--quiet", NULL),
        0);
    char *text = test_read_file(md);
    ck_assert_ptr_nonnull(strstr(text, "## Alerts"));
    ck_assert_ptr_nonnull(
        strstr(text, "| 10.000 | 15.000 | error\\_rate \\> 0.4 | all | "
                     "0.5000 |"));
    free(text);
    free(out);
    free(json);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Link utilisation on tests/scenarios/shared-link.yaml: the alerts are
 * exactly the windows of the link's own series above the threshold,
 * each link on its own and the edge's links together. */
START_TEST(test_alerts_link_utilisation)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: w\nseed: 5\nrequests: 20000\nwarmup: 1000\n"
        "arrival: {rate: 700}\n"
        "catalog: {objects: 1000000000, zipf_alpha: 0,\n"
        "          size: {dist: fixed, bytes: 12500}}\n"
        "metrics:\n  window: 1s\n  alerts:\n"
        "    - {metric: link_utilisation, above: 0.75}\n"
        "    - {metric: link_utilisation, above: 0.75, node: edge}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("tests/scenarios/shared-link.yaml", wl, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.n_links, 1);
    size_t n_above = 0, n_seen = 0;
    for (uint64_t k = 0; k < m.links[0].n_windows; k++) {
        struct met_link_rate rate;
        met_link_window_rate(&m, 0, k, &rate);
        if (!(rate.utilisation > 0.75))
            continue;
        /* Both rules, in rule order, for this window. */
        ck_assert_uint_lt(n_seen + 1, m.alerts->n);
        const struct met_alert *a = &m.alerts->v[n_seen++];
        const struct met_alert *b = &m.alerts->v[n_seen++];
        ck_assert_int_eq(a->start_ns, (int64_t)k * m.window_ns);
        ck_assert_uint_eq(a->rule, 0);
        ck_assert_str_eq(a->scope_kind, "link");
        ck_assert_str_eq(a->scope_name, "edge");
        ck_assert_str_eq(a->scope_to, "r");
        ck_assert_double_eq(a->value, rate.utilisation);
        ck_assert_int_eq(b->start_ns, a->start_ns);
        ck_assert_uint_eq(b->rule, 1);
        ck_assert_str_eq(b->scope_kind, "node");
        ck_assert_double_eq(b->value, rate.utilisation);
        n_above++;
    }
    ck_assert_uint_eq(m.alerts->n, 2 * n_above);
    /* At 70% load some seconds are above 75% and most are not. */
    ck_assert_uint_gt(n_above, 0);
    ck_assert_uint_lt(n_above, m.links[0].n_windows / 2);
    test_free_run(t, w, &m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A workload without metrics.alerts has no alerts anywhere. */
START_TEST(test_alerts_absent)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    static const char *const sets[] = {"requests=2000", "warmup=100"};
    test_run_model("topologies/global.yaml", "workloads/zipf.yaml", sets, 2, &t,
                   &w, &m);
    ck_assert_ptr_null(m.alerts);
    test_free_run(t, w, &m);
}
END_TEST

static const struct {
    const char *alert;
    const char *message; /* after "w.yaml:" */
} bad_alerts[] = {
    {"{metric: hit_ratio, below: 0.5, colour: red}",
     "10:39: metrics.alerts[0].colour: unknown key \"colour\""},
    {"{metric: hit_rate, below: 0.5}",
     "10:16: metrics.alerts[0].metric: expected hit_ratio, p95_latency_ms, "
     "error_rate or link_utilisation, got \"hit_rate\""},
    {"{metric: hit_ratio, above: 0.5}",
     "10:27: metrics.alerts[0].above: key \"above\" does not go with metric "
     "hit_ratio, which alerts below a threshold (use below:)"},
    {"{metric: error_rate, below: 0.5}",
     "10:28: metrics.alerts[0].below: key \"below\" does not go with metric "
     "error_rate"},
    {"{metric: error_rate, above: 1.5}",
     "10:35: metrics.alerts[0].above: expected a number >= 0 and <= 1, got "
     "\"1.5\""},
    {"{metric: p95_latency_ms, above: -1}",
     "10:39: metrics.alerts[0].above: expected a number >= 0"},
    {"{metric: error_rate}",
     "10:7: metrics.alerts[0].above: missing key \"above\""},
    {"{metric: link_utilisation, above: 0.8, region: r}",
     "10:46: metrics.alerts[0].region: key \"region\" does not go with "
     "metric link_utilisation"},
    {"{metric: p95_latency_ms, above: 100, node: edge}",
     "10:44: metrics.alerts[0].node: key \"node\" does not go with metric "
     "p95_latency_ms"},
    {"{metric: hit_ratio, below: 0.5, region: r, node: edge}",
     "10:50: metrics.alerts[0].node: key \"node\" does not go with region"},
    {"{metric: error_rate, above: 0.1, region: mars}",
     "10:48: metrics.alerts[0].region: the topology has no region \"mars\""},
    {"{metric: hit_ratio, below: 0.1, node: pluto}",
     "10:45: metrics.alerts[0].node: the topology has no node \"pluto\""},
    {"[1, 2]", "10:7: metrics.alerts[0]: expected a mapping"},
};

START_TEST(test_alerts_input_errors)
{
    char *dir = test_tmpdir();
    char text[1024];
    snprintf(text, sizeof text,
             "name: w\nseed: 1\nrequests: 2000\nwarmup: 100\n"
             "arrival: {rate: 1000}\n"
             "catalog: {objects: 100, zipf_alpha: 0.8, size: {dist: fixed, "
             "bytes: 1000}}\n"
             "metrics:\n  window: 1s\n  alerts:\n    - %s\n",
             bad_alerts[_i].alert);
    char *wl = test_write_file(dir, "w.yaml", text);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run",
                                 "tests/scenarios/one-edge.yaml", wl, "-q",
                                 NULL),
                     3);
    char want_msg[512];
    snprintf(want_msg, sizeof want_msg, "w.yaml:%s", bad_alerts[_i].message);
    ck_assert_msg(strstr(err, want_msg) != NULL, "got: %s\nwant: %s", err,
                  want_msg);
    free(err);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
alerts_suite(void)
{
    Suite *s = suite_create("alerts");
    TCase *tc = tcase_create("windows");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_alerts_exact_windows);
    tcase_add_test(tc, test_alerts_link_utilisation);
    tcase_add_test(tc, test_alerts_absent);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_alerts_outputs);
    tcase_add_loop_test(tc, test_alerts_input_errors, 0,
                        (int)(sizeof bad_alerts / sizeof bad_alerts[0]));
    suite_add_tcase(s, tc);
    return s;
}
