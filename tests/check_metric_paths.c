/* check_metric_paths.c: the provider bill as --metric paths in sweeps
 * (billing.total_usd, billing.providers.NAME.FIELD and its short form
 * providers.NAME.FIELD), worked out by hand on tests/scenarios/
 * billing.yaml; and `report --run A,B` showing the overload counts and
 * the stale refills and cache-key figures of the runs that have them. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

#define TOPO "tests/scenarios/billing.yaml"
#define TRACE_WL "tests/data/billing-workload.yaml"

/* The sweep_summary mean of metric at point p. */
static double
summary_mean(const char *db, int p, const char *metric)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT mean FROM sweep_summary"
                                        " WHERE point = ? AND metric = ?",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_text(st, 2, metric, -1, SQLITE_STATIC);
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no %s at point %d", metric,
                  p);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* The request fee of cdn-a at $1 and $2 per 10,000: its 21 requests cost
 * $0.0021 and $0.0042; a month (129,600 runs) of cdn-a is $164.432
 * egress + $272.16 (or $544.32) requests + $16 link, cdn-b's $108.864
 * (check_billing.c works these out). */
START_TEST(test_metric_paths_billing_in_sweep)
{
    char *dir = test_tmpdir();
    char db[512];
    snprintf(db, sizeof db, "%s/s.db", dir);
    char *out = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "sweep", TOPO, TRACE_WL, "--vary",
                    "providers.cdn-a.billing.request_usd_per_10k=1,2", "--db",
                    db, "--metric", "providers.cdn-a.usd.requests", "--metric",
                    "billing.total_usd", "--metric",
                    "billing.providers.cdn-b.month_usd.total", "--metric",
                    "providers.cdn-a.month_total", "--metric",
                    "billing.month_factor", "--quiet", NULL),
        0);
    for (int p = 0; p < 2; p++) {
        double fee = p + 1.0;
        double month_a = 164.432 + 272.16 * fee + 16;
        ck_assert_double_eq_tol(
            summary_mean(db, p, "providers.cdn-a.usd.requests"), 0.0021 * fee,
            1e-12);
        ck_assert_double_eq_tol(summary_mean(db, p, "billing.total_usd"),
                                (month_a + 108.864) / 129600, 1e-12);
        ck_assert_double_eq_tol(
            summary_mean(db, p, "billing.providers.cdn-b.month_usd.total"),
            108.864, 1e-9);
        ck_assert_double_eq_tol(
            summary_mean(db, p, "providers.cdn-a.month_total"), month_a, 1e-9);
        ck_assert_double_eq(summary_mean(db, p, "billing.month_factor"),
                            129600);
    }
    free(out);
    /* The sweep's table shows them too. */
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", TOPO, TRACE_WL, "--vary",
                                 "providers.cdn-a.billing.request_usd_per_10k="
                                 "1,2",
                                 "--db", db, "--metric", "billing.total_usd",
                                 NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "billing.total_usd"));
    free(out);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A provider the topology lacks, and one without any bill, are usage
 * errors that name what there is. */
START_TEST(test_metric_paths_billing_errors)
{
    char *dir = test_tmpdir();
    char db[512];
    snprintf(db, sizeof db, "%s/s.db", dir);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, TRACE_WL, "--vary",
                                 "seed=1,2", "--db", db, "--metric",
                                 "providers.cdn-z.usd.total", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "there is no provider \"cdn-z\"; the "
                                      "providers with a bill "
                                      "(providers[].billing) are cdn-a, "
                                      "cdn-b"));
    free(err);
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "sweep", "topologies/reference/multi-cdn.yaml",
                    "workloads/zipf.yaml", "--vary", "seed=1,2", "--db", db,
                    "--metric", "billing.providers.akamai.usd.total", NULL),
        2);
    ck_assert_ptr_nonnull(strstr(err, "are none"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, TRACE_WL, "--vary",
                                 "seed=1,2", "--db", db, "--metric",
                                 "providers.cdn-a.usd.totally", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "unknown metric"));
    free(err);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* n with its thousands grouped by commas, as the report writes counts
 * (n below 10^9). */
static void
grouped(long long n, char *buf, size_t len)
{
    if (n >= 1000000)
        snprintf(buf, len, "%lld,%03lld,%03lld", n / 1000000, n / 1000 % 1000,
                 n % 1000);
    else if (n >= 1000)
        snprintf(buf, len, "%lld,%03lld", n / 1000, n % 1000);
    else
        snprintf(buf, len, "%lld", n);
}

/* report --run 1,2,3: a rate-limited attack (429s), cache keys with
 * variants (fragment misses, keys per object) and a staged purge (stale
 * refills); each row shows the run that has the figure, 0 for the
 * others, and rows no run has are left out. */
START_TEST(test_metric_paths_compare_counters)
{
    char *dir = test_tmpdir();
    char db[512], rep[600], md[700];
    snprintf(db, sizeof db, "%s/c.db", dir);
    snprintf(rep, sizeof rep, "%s/rep", dir);
    snprintf(md, sizeof md, "%s/report.md", rep);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", "topologies/rate-limit.yaml",
                    "workloads/attack.yaml", "--requests", "20000", "--set",
                    "warmup=2000", "--db", db, "-q", NULL),
        0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", "topologies/global.yaml",
                                 "workloads/query-strings.yaml", "--requests",
                                 "20000", "--set", "warmup=2000", "--db", db,
                                 "-q", NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run",
                                 "tests/scenarios/staged-purge.yaml",
                                 "tests/scenarios/staged-purge-workload.yaml",
                                 "--db", db, "-q", NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--run", "1,2,3",
                                 "--out", rep, "--quiet", NULL),
                     0);
    char *text = test_read_file(md);
    /* Each run's own figures, from its own database rows. */
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(
            h,
            "SELECT (SELECT rate_limited FROM overload_metrics WHERE run_id"
            " = 1 AND region = '*'), (SELECT sum(fragment_misses) FROM"
            " node_metrics WHERE run_id = 2), (SELECT CAST(sum(cached_keys)"
            " AS REAL) / sum(cached_objects) FROM node_metrics WHERE run_id"
            " = 2), (SELECT sum(refilled_stale) FROM node_metrics WHERE"
            " run_id = 3)",
            -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long n429 = sqlite3_column_int64(st, 0);
    long long frag = sqlite3_column_int64(st, 1);
    double kpo = sqlite3_column_double(st, 2);
    long long refilled = sqlite3_column_int64(st, 3);
    sqlite3_finalize(st);
    sqlite3_close(h);
    ck_assert_int_gt(n429, 0);
    ck_assert_int_gt(frag, 0);
    ck_assert_int_eq(refilled, 2);
    char want[256], count[32];
    grouped(n429, count, sizeof count);
    snprintf(want, sizeof want, "| rate limited (429) | %s | 0 | 0 |", count);
    ck_assert_msg(strstr(text, want) != NULL, "no \"%s\" in\n%s", want, text);
    grouped(frag, count, sizeof count);
    snprintf(want, sizeof want, "| fragment misses | 0 | %s | 0 |", count);
    ck_assert_msg(strstr(text, want) != NULL, "no \"%s\"", want);
    snprintf(want, sizeof want, "| keys per object | 0.000 | %.3f | 0.000 |",
             kpo);
    ck_assert_msg(strstr(text, want) != NULL, "no \"%s\"", want);
    ck_assert_ptr_nonnull(strstr(text, "| refilled stale | 0 | 0 | 2 |"));
    /* No run refused (503) or timed out (504) anything: no such rows. */
    ck_assert_ptr_null(strstr(text, "refused (503)"));
    ck_assert_ptr_null(strstr(text, "timed out (504)"));
    free(text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
metric_paths_suite(void)
{
    Suite *s = suite_create("metric_paths");
    TCase *tc = tcase_create("billing");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_metric_paths_billing_in_sweep);
    tcase_add_test(tc, test_metric_paths_billing_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("compare");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_metric_paths_compare_counters);
    suite_add_tcase(s, tc);
    return s;
}
