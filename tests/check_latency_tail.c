/* check_latency_tail.c: the report's latency tail (a CCDF on a log y
 * axis with p50/p95/p99 marked, p95 in its tables) and the p95 paths of
 * `--metric` (issue 10, item 6), through the cdnsim binary. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"

/* One value of sql on db, printed by SQLite's printf (caller frees). */
static char *
q_text(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *v = xstrdup(t ? (const char *)t : "");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static void
exec_sql(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s",
                  sqlite3_errmsg(h));
    sqlite3_close(h);
}

static char *
out_file(const char *dir, const char *name)
{
    char *path = xasprintf("%s/%s", dir, name);
    char *text = test_read_file(path);
    free(path);
    return text;
}

/* A run of the default scenario into dir/run.db, reported into dir/out. */
static char *
run_and_report(const char *dir, const char *sql_after)
{
    char *db = xasprintf("%s/run.db", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "20000", "--set", "warmup=2000",
                                 "--db", db, NULL),
                     0);
    if (sql_after)
        exec_sql(db, sql_after);
    char *out_dir = xasprintf("%s/out", dir);
    char *err = NULL;
    int rc = test_cdnsim(NULL, &err, "report", db, "--run", "1", "--out",
                         out_dir, "--size", "640x400", NULL);
    ck_assert_msg(rc == 0, "report: %s", err);
    free(err);
    free(out_dir);
    return db;
}

/* The CCDF's blocks: x rising, y (% slower) in (0, 100] and falling;
 * in the block of all regions, more than half are slower than p50 / 1.1
 * and at most 1% slower than the run's p99. */
static void
check_ccdf_data(const char *dat, double p50, double p99)
{
    int n_blocks = 0, is_all = 0;
    double px = -1, py = 101, y_at_p99 = -1, y_below_p50 = -1;
    for (const char *line = dat; *line;) {
        size_t len = strcspn(line, "\n");
        if (len == 0) {
            px = -1, py = 101;
        } else if (line[0] == '#') {
            n_blocks++;
            is_all = strncmp(line, "# *:", 4) == 0;
        } else {
            char *end;
            double x = strtod(line, &end), y = strtod(end, NULL);
            ck_assert_msg(x > px && y > 0 && y <= 100 && y <= py,
                          "not a CCDF at %.*s", (int)len, line);
            if (is_all && x >= p99 && y_at_p99 < 0)
                y_at_p99 = y;
            if (is_all && x < p50 / 1.1)
                y_below_p50 = y;
            px = x, py = y;
        }
        line += len + (line[len] == '\n');
    }
    ck_assert_int_eq(n_blocks, 4); /* eu, us, asia, all */
    ck_assert_msg(y_at_p99 >= 0 && y_at_p99 <= 1.0, "%.6f%% past p99",
                  y_at_p99);
    ck_assert_msg(y_below_p50 > 50, "%.6f%% slower than p50/1.1", y_below_p50);
}

START_TEST(test_tail_report_ccdf_and_p95)
{
    char *dir = test_tmpdir();
    char *db = run_and_report(dir, NULL);
    char *out = xasprintf("%s/out", dir);
    char *dat = out_file(out, "data/latency-ccdf.dat");
    char *p50 = q_text(db, "SELECT latency_p50_ms FROM runs");
    char *p99 = q_text(db, "SELECT latency_p99_ms FROM runs");
    check_ccdf_data(dat, atof(p50), atof(p99));
    /* The marks are the run's p50, p95 and p99, in that order. */
    char *gp = out_file(out, "data/latency-ccdf.gp");
    char *want = q_text(db, "SELECT printf('mark_titles[1] = ''p50 %.1f ms''"
                            "', latency_p50_ms) FROM runs");
    ck_assert_msg(strstr(gp, want) != NULL, "%s not in the plot", want);
    free(want);
    want = q_text(db, "SELECT printf('mark_titles[2] = ''p95 %.1f ms''', "
                      "latency_p95_ms) FROM runs");
    ck_assert_msg(strstr(gp, want) != NULL, "%s not in the plot", want);
    free(want);
    want = q_text(db, "SELECT printf('mark_titles[3] = ''p99 %.1f ms''', "
                      "latency_p99_ms) FROM runs");
    ck_assert_msg(strstr(gp, want) != NULL, "%s not in the plot", want);
    free(want);
    ck_assert_ptr_nonnull(strstr(gp, "/latency-ccdf.gp'"));
    char *tmpl = test_read_file("reports/latency-ccdf.gp");
    ck_assert_ptr_nonnull(strstr(tmpl, "\nset logscale y 10\n"));
    free(tmpl);
    /* p95 in the tables: eu's row, the run's, edge-fra's time to answer. */
    char *md = out_file(out, "report.md");
    char *html = out_file(out, "report.html");
    ck_assert_ptr_nonnull(
        strstr(md, "| region | p50 (ms) | p90 | p95 | p99 | p99.9 | max |"));
    static const char *const rows[] = {
        "SELECT printf('| eu | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |',"
        " latency_p50_ms, latency_p90_ms, latency_p95_ms, latency_p99_ms,"
        " latency_p999_ms, latency_max_ms) FROM region_metrics WHERE"
        " region = 'eu'",
        "SELECT printf('| all | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |',"
        " latency_p50_ms, latency_p90_ms, latency_p95_ms, latency_p99_ms,"
        " latency_p999_ms, latency_max_ms) FROM runs",
        "SELECT printf('| shield-ams | shield | %,d | %.3f | %.3f | %.3f |"
        " %.3f | %.3f | %.3f |', answered, latency_p50_ms, latency_p90_ms,"
        " latency_p95_ms, latency_p99_ms, latency_p999_ms, latency_max_ms)"
        " FROM node_latency WHERE scope = 'node' AND name = 'shield-ams'",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char *row = q_text(db, rows[i]);
        ck_assert_msg(strstr(md, row) != NULL, "report.md lacks %s", row);
        free(row);
    }
    ck_assert_ptr_nonnull(strstr(md, "](latency-ccdf.png)"));
    ck_assert_ptr_nonnull(strstr(html, "Latency tail"));
    free(html), free(md), free(gp), free(p50), free(p99), free(dat);
    free(out), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A file from before p95 (schema version 4): the tables say n/a, the
 * plot marks p50 and p99 only, and no node table. */
START_TEST(test_tail_report_before_p95)
{
    char *dir = test_tmpdir();
    char *db = run_and_report(dir, DROP_VERSION_5 " PRAGMA user_version = 4");
    char *out = xasprintf("%s/out", dir);
    char *md = out_file(out, "report.md");
    char *row = q_text(db, "SELECT printf('| eu | %.3f | %.3f | n/a | %.3f |',"
                           " latency_p50_ms, latency_p90_ms, latency_p99_ms)"
                           " FROM region_metrics WHERE region = 'eu'");
    ck_assert_msg(strstr(md, row) != NULL, "report.md lacks %s", row);
    ck_assert_ptr_null(strstr(md, "Time to answer at each node"));
    char *gp = out_file(out, "data/latency-ccdf.gp");
    ck_assert_ptr_nonnull(strstr(gp, "n_marks = 2"));
    ck_assert_ptr_null(strstr(gp, "'p95 "));
    free(gp), free(row), free(md), free(out), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The p95 paths in a sweep: the table shows what the database holds for
 * each point's run. */
START_TEST(test_tail_sweep_metric_p95)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/s.db", dir);
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim(&out, &err, "sweep", TOPO, WL, "--requests", "20000",
                         "--set", "warmup=1000", "--vary",
                         "nodes.edge-fra.cache.capacity=64MiB,256MiB",
                         "--metric", "regions.eu.latency_ms.p95", "--metric",
                         "tiers.edge.latency_ms.p95", "--metric",
                         "nodes.shield-ams.latency_ms.p95", "--metric",
                         "latency_ms.p95", "--db", db, "--jobs", "1", NULL);
    ck_assert_msg(rc == 0, "sweep: %s", err);
    free(err);
    ck_assert_ptr_nonnull(strstr(out, "regions.eu.latency_ms.p95"));
    for (int run = 1; run <= 2; run++) {
        char *sql = xasprintf(
            "SELECT printf('%%.3f %%.3f %%.3f %%.3f',"
            " (SELECT latency_p95_ms FROM region_metrics WHERE run_id = %d"
            " AND region = 'eu'), (SELECT latency_p95_ms FROM node_latency"
            " WHERE run_id = %d AND scope = 'tier' AND name = 'edge'),"
            " (SELECT latency_p95_ms FROM node_latency WHERE run_id = %d AND"
            " scope = 'node' AND name = 'shield-ams'), (SELECT"
            " latency_p95_ms FROM runs WHERE id = %d))",
            run, run, run, run);
        char *want = q_text(db, sql);
        char a[4][32];
        ck_assert_int_eq(
            sscanf(want, "%31s %31s %31s %31s", a[0], a[1], a[2], a[3]), 4);
        const char *row = strstr(out, run == 1 ? "\n    0  " : "\n    1  ");
        ck_assert_ptr_nonnull(row);
        const char *end = strchr(row + 1, '\n');
        char *line = xasprintf("%.*s", (int)(end - row), row);
        const char *at = line;
        for (int k = 0; k < 4; k++) {
            at = strstr(at, a[k]);
            ck_assert_msg(at != NULL, "point %d lacks %s: %s", run - 1, a[k],
                          line);
            at += strlen(a[k]);
        }
        free(line), free(want), free(sql);
    }
    free(out);
    /* A class has no p95 (class_metrics keeps none). */
    rc =
        test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--requests", "2000",
                    "--vary", "nodes.edge-fra.cache.capacity=64MiB", "--metric",
                    "classes.static.latency_ms.p95", "--db", db, NULL);
    ck_assert_int_eq(rc, 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown metric"));
    free(err), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
tail_suite(void)
{
    Suite *s = suite_create("tail");
    TCase *tc = tcase_create("tail");
    tcase_set_timeout(tc, test_sanitized() ? 900 : 120);
    tcase_add_test(tc, test_tail_report_ccdf_and_p95);
    tcase_add_test(tc, test_tail_report_before_p95);
    tcase_add_test(tc, test_tail_sweep_metric_p95);
    suite_add_tcase(s, tc);
    return s;
}
