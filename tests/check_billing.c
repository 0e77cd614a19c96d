/* check_billing.c: provider billing beyond flat egress (providers[].
 * billing): request fees, egress tiers, 95th-percentile link billing,
 * storage of pushed content and the 30-day month, worked out by hand on
 * tests/scenarios/billing.yaml; the JSON, table, database and report
 * that show them; the input errors; and runs without billing unchanged. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "suites.h"

#define TOPO "tests/scenarios/billing.yaml"
#define TRACE_WL "tests/data/billing-workload.yaml"
#define PUSH_WL "tests/data/billing-push-workload.yaml"

/* Equal to the cent, and closer still: amounts are worked out in double
 * precision from exact inputs. */
#define ck_assert_usd(x, want) ck_assert_double_eq_tol((x), (want), 1e-9)

static void
run_bill(const char *wl, struct cfg_topology **t, struct cfg_workload **w,
         struct met_run *m)
{
    test_run_model(TOPO, wl, NULL, 0, t, w, m);
    ck_assert_ptr_nonnull(m->billing);
    ck_assert_uint_eq(m->billing->n_providers, 2);
}

/* Tiers of 1,000 GB at $0.10, 1,000 more at $0.05, the rest at $0.02. */
START_TEST(test_billing_tiers_by_hand)
{
    static const struct met_price_tier tiers[] = {
        {1000, 0.10}, {2000, 0.05}, {0, 0.02}};
    ck_assert_usd(met_tiered_usd(tiers, 3, 0), 0);
    ck_assert_usd(met_tiered_usd(tiers, 3, 500), 50);
    ck_assert_usd(met_tiered_usd(tiers, 3, 1000), 100);
    ck_assert_usd(met_tiered_usd(tiers, 3, 1500), 125);
    ck_assert_usd(met_tiered_usd(tiers, 3, 2000), 150);
    ck_assert_usd(met_tiered_usd(tiers, 3, 2721.6), 164.432);
    /* One tier is a flat price. */
    ck_assert_usd(met_tiered_usd(&tiers[2], 1, 2721.6), 54.432);
}
END_TEST

/* 21 objects of 1 MB over exactly 20 s: a month is 129,600 runs. cdn-a
 * (the edge): 0.021 GB = 2,721.6 GB a month = 1000 x 0.10 + 1000 x 0.05
 * + 721.6 x 0.02 = $164.432; 21 requests = $0.0021 a run, $272.16 a
 * month; its last mile carries one 0.1 s transfer at 80 Mbit/s in each
 * 1 s window (two in the last), so p95 = 8 Mbit/s = $16 a month. cdn-b
 * (the shield): flat 0.021 GB x $0.04 = $0.00084, no edge so no fees. */
START_TEST(test_billing_trace_by_hand)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_bill(TRACE_WL, &t, &w, &m);
    ck_assert_int_eq(m.measured_end_ns - m.measured_start_ns, 20000000000LL);

    struct met_provider_bill a, b;
    met_provider_bill(&m, 0, &a);
    ck_assert_str_eq(a.name, "cdn-a");
    ck_assert_uint_eq(a.requests, 21);
    ck_assert_uint_eq(a.egress_bytes, 21000000);
    ck_assert_uint_eq(a.pushed_bytes, 0);
    ck_assert_double_eq(a.month_factor, 129600);
    ck_assert_double_eq(a.link_p95_mbps, 8);
    ck_assert_usd(a.month_egress_usd, 164.432);
    ck_assert_usd(a.month_request_usd, 272.16);
    ck_assert_usd(a.month_link_usd, 16);
    ck_assert_usd(a.month_storage_usd, 0);
    ck_assert_usd(a.month_total_usd, 452.592);
    ck_assert_usd(a.egress_usd, 164.432 / 129600);
    ck_assert_usd(a.request_usd, 0.0021);
    ck_assert_usd(a.link_usd, 16.0 / 129600);
    ck_assert_usd(a.total_usd, 452.592 / 129600);

    met_provider_bill(&m, 1, &b);
    ck_assert_str_eq(b.name, "cdn-b");
    ck_assert_uint_eq(b.requests, 0);
    ck_assert_uint_eq(b.egress_bytes, 21000000);
    ck_assert_double_eq(b.link_p95_mbps, 0);
    ck_assert_usd(b.egress_usd, 0.00084);
    ck_assert_usd(b.month_egress_usd, 108.864);
    ck_assert_usd(b.request_usd, 0);
    ck_assert_usd(b.month_total_usd, 108.864);
    /* Flat egress is the nodes' own cost, and cost_usd is what it was:
     * flat egress at the edge's and the shield's prices. */
    ck_assert_double_eq(b.egress_usd, met_node_cost(&m.nodes[1]));
    ck_assert_usd(met_total_cost(&m), 0.021 * 0.05 + 0.021 * 0.04);
    test_free_run(t, w, &m);
}
END_TEST

/* Five 1 MB objects pushed into the edge and the shield: cdn-a stores
 * 0.005 GB at $20 per GB-month, $0.10 a month, whatever the span; cdn-b
 * has no storage price. */
START_TEST(test_billing_push_storage)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_bill(PUSH_WL, &t, &w, &m);
    struct met_provider_bill a, b;
    met_provider_bill(&m, 0, &a);
    met_provider_bill(&m, 1, &b);
    ck_assert_uint_eq(a.pushed_bytes, 5000000);
    ck_assert_uint_eq(b.pushed_bytes, 5000000);
    ck_assert_usd(a.month_storage_usd, 0.10);
    ck_assert(a.month_factor > 0);
    ck_assert_usd(a.storage_usd, 0.10 / a.month_factor);
    double span_s = (double)(m.measured_end_ns - m.measured_start_ns) / 1e9;
    ck_assert_double_eq_tol(a.month_factor, 30 * 86400 / span_s, 1e-6);
    ck_assert_usd(b.month_storage_usd, 0);
    ck_assert_usd(a.month_total_usd, a.month_egress_usd + a.month_request_usd +
                                         a.month_link_usd + 0.10);
    test_free_run(t, w, &m);
}
END_TEST

/* What the command line shows: the table, the JSON object, the rows of
 * provider_bills and the report's section, all with the same figures. */
START_TEST(test_billing_cli_outputs)
{
    char *dir = test_tmpdir();
    char *json = malloc(strlen(dir) + 16), *db = malloc(strlen(dir) + 16);
    char *rep = malloc(strlen(dir) + 16);
    sprintf(json, "%s/r.json", dir);
    sprintf(db, "%s/r.db", dir);
    sprintf(rep, "%s/rep", dir);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", TOPO, TRACE_WL, "--json",
                                 json, "--db", db, NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "cdn-a           0.001269    0.002100 "
                                      "   0.000123    0.000000    0.003492  "
                                      "     452.59\n"));
    ck_assert_ptr_nonnull(strstr(out, "total                              "
                                      "                             0.004332"
                                      "       561.46\n"));
    char *j = test_read_file(json);
    ck_assert_ptr_nonnull(strstr(j, "\n  \"billing\": {\n    \"providers\": "
                                    "{\n      \"cdn-a\": {\n"));
    ck_assert_ptr_nonnull(strstr(j, "\"total\": 452.592000"));
    ck_assert_ptr_nonnull(strstr(j, "\"month_factor\": 129600.000000,\n    "
                                    "\"total_usd\": 0.004332,\n    "
                                    "\"month_total_usd\": 561.456000\n  }"));
    free(j);

    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(h,
                           "SELECT provider, requests, month_egress_usd,"
                           " month_total_usd, request_usd FROM provider_bills"
                           " ORDER BY provider",
                           -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "cdn-a");
    ck_assert_int_eq(sqlite3_column_int64(st, 1), 21);
    ck_assert_usd(sqlite3_column_double(st, 2), 164.432);
    ck_assert_usd(sqlite3_column_double(st, 3), 452.592);
    ck_assert_usd(sqlite3_column_double(st, 4), 0.0021);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "cdn-b");
    ck_assert_usd(sqlite3_column_double(st, 3), 108.864);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);

    free(out);
    free(err);
    out = err = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, &err, "report", db, "--out", rep, "--quiet", NULL),
        0);
    char *md_path = malloc(strlen(rep) + 16);
    sprintf(md_path, "%s/report.md", rep);
    char *md = test_read_file(md_path);
    ck_assert_ptr_nonnull(strstr(md, "## Bill by provider"));
    ck_assert_ptr_nonnull(strstr(md, "| cdn-a | 0.0013 | 0.0021 | 0.0001 | "
                                     "0.0000 | 0.0035 | 452.59 |"));
    ck_assert_ptr_nonnull(strstr(md, "| all providers |  |  |  |  | 0.0043 |"
                                     " 561.46 |"));
    free(md);
    free(md_path);
    free(out);
    free(err);
    test_rmtree(dir);
    free(dir);
    free(json);
    free(db);
    free(rep);
}
END_TEST

/* README's example is the program's own output. */
START_TEST(test_billing_readme_figures)
{
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, TRACE_WL, NULL), 0);
    const char *rows[] = {
        "cdn-a           0.001269    0.002100    0.000123    0.000000    "
        "0.003492       452.59",
        "cdn-b           0.000840    0.000000    0.000000    0.000000    "
        "0.000840       108.86",
        "total                                                           "
        "0.004332       561.46"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ck_assert_msg(strstr(out, rows[i]) != NULL, "output lacks %s", rows[i]);
        test_assert_readme_says(rows[i]);
    }
    test_assert_readme_says("1,000 x 0.10 + 1,000 x 0.05 + 721.6 x 0.02 = "
                            "$164.432; 21 requests a run are 2,721,600 a "
                            "month, $272.16; its link's p95 is 8 Mbit/s");
    test_assert_readme_says("$16.00; $452.59 in all. cdn-b's shield sends "
                            "0.021 GB at $0.04: $0.00084 a run, $108.86 a "
                            "month");
    test_assert_readme_says("(5 MB pushed into cdn-a's edge at $20 per "
                            "GB-month: $0.10 a month)");
    free(out);
}
END_TEST

/* A topology without billing writes no bill anywhere (its JSON is
 * main's, byte for byte: checked across topologies by hand, see the
 * branch notes), and its database has an empty provider_bills. */
START_TEST(test_billing_absent_changes_nothing)
{
    char *dir = test_tmpdir();
    char *db = malloc(strlen(dir) + 16);
    sprintf(db, "%s/r.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run",
                                 "topologies/reference/multi-cdn.yaml",
                                 "tests/data/small-workload.yaml", "--json",
                                 "-", "--db", db, NULL),
                     0);
    ck_assert_ptr_null(strstr(out, "\"billing\""));
    free(out);
    out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run",
                                 "topologies/reference/multi-cdn.yaml",
                                 "tests/data/small-workload.yaml", NULL),
                     0);
    ck_assert_ptr_null(strstr(out, "month($)"));
    free(out);
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT count(*) FROM provider_bills",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int64(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    test_rmtree(dir);
    free(dir);
    free(db);
}
END_TEST

/* Each bad billing list: the text replaced in billing.yaml, and the
 * start of the message (file:line:col: field: ...), exit 3. */
static const struct {
    const char *from, *to, *message;
} bad_billing[] = {
    {"up_to_gb: 2000", "up_to_gb: 900",
     "t.yaml:15:22: providers[0].billing.egress_tiers[1].up_to_gb: expected "
     "a number > 1000 and <= 1e+15, got \"900\""},
    {"{usd_per_gb: 0.02}", "{up_to_gb: 5000, usd_per_gb: 0.02}",
     "t.yaml:16:22: providers[0].billing.egress_tiers[2].up_to_gb: the last "
     "tier has no bound"},
    {"{up_to_gb: 1000, usd_per_gb: 0.10}", "{usd_per_gb: 0.10}",
     "t.yaml:14:11: providers[0].billing.egress_tiers[0].up_to_gb: missing "
     "key \"up_to_gb\""},
    {"request_usd_per_10k: 1.0", "request_usd_per_10k: -1",
     "t.yaml:12:28: providers[0].billing.request_usd_per_10k: expected a "
     "number >= 0"},
    {"link_usd_per_mbps_month", "link_usd_per_mbit",
     "t.yaml:17:7: providers[0].billing.link_usd_per_mbit: unknown key"},
    {"billing: {request_usd_per_10k: 0.5}", "billing: {egress_tiers: []}",
     "t.yaml:21:29: providers[1].billing.egress_tiers: expected at least one "
     "tier"},
    {"billing: {request_usd_per_10k: 0.5}", "billing: 3",
     "t.yaml:21:14: providers[1].billing: expected a mapping"},
};

START_TEST(test_billing_input_errors)
{
    char *text = test_read_file(TOPO);
    char *dir = test_tmpdir();
    const char *from = bad_billing[_i].from;
    char *at = strstr(text, from);
    ck_assert_ptr_nonnull(at);
    size_t head = (size_t)(at - text);
    char *bad = malloc(strlen(text) + strlen(bad_billing[_i].to) + 1);
    sprintf(bad, "%.*s%s%s", (int)head, text, bad_billing[_i].to,
            at + strlen(from));
    char *path = test_write_file(dir, "t.yaml", bad);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", path, TRACE_WL, NULL), 3);
    ck_assert_msg(strstr(err, bad_billing[_i].message) != NULL,
                  "stderr: %s\nwanted: %s", err, bad_billing[_i].message);
    free(err);
    free(path);
    free(bad);
    free(text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
billing_suite(void)
{
    Suite *s = suite_create("billing");
    TCase *tc = tcase_create("bill");
    tcase_add_test(tc, test_billing_tiers_by_hand);
    tcase_add_test(tc, test_billing_trace_by_hand);
    tcase_add_test(tc, test_billing_push_storage);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_billing_cli_outputs);
    tcase_add_test(tc, test_billing_readme_figures);
    tcase_add_test(tc, test_billing_absent_changes_nothing);
    tcase_add_loop_test(tc, test_billing_input_errors, 0,
                        (int)(sizeof bad_billing / sizeof bad_billing[0]));
    suite_add_tcase(s, tc);
    return s;
}
