/* check_replicate.c: what-if studies a reviewer can trust (issue 11):
 * sweeps that answer any metric of any node, tier or region, and
 * replications whose means and 95% confidence intervals are checked
 * against a hand computation from the replications' own values. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "run/run.h"
#include "suites.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"
#define CAP "nodes.edge-fra.cache.capacity"
#define POL "nodes.edge-fra.cache.policy"

/* Student's t quantile p with 2 degrees of freedom has a closed form,
 * (2p - 1) / sqrt(2p(1 - p)): 4.3027 for p = 0.975, as printed in any
 * table. */
static double
t2_quantile(double p)
{
    return (2 * p - 1) / sqrt(2 * p * (1 - p));
}

static sqlite3 *
open_db(const char *path)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    return h;
}

static double
q_real(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row: %s", sql);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static char *
q_text(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "no row: %s", sql);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *s = xstrdup(t ? (const char *)t : "");
    sqlite3_finalize(st);
    return s;
}

/* All rows of sql, one a line, columns joined by '|'; caller frees. */
static char *
q_rows(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    char *out = xstrdup("");
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            char *next = xasprintf("%s%s%s", out, c ? "|" : "",
                                   t ? (const char *)t : "NULL");
            free(out);
            out = next;
        }
        char *next = xasprintf("%s\n", out);
        free(out);
        out = next;
    }
    sqlite3_finalize(st);
    return out;
}

/* text less its lines holding key (text is freed; caller frees the
 * result). */
static char *
without_lines(char *text, const char *key)
{
    char *out = xcalloc(strlen(text) + 1, 1);
    size_t n = 0;
    for (char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        if (line[len] == '\n')
            len++;
        char save = line[len];
        line[len] = '\0';
        if (strstr(line, key) == NULL) {
            memcpy(out + n, line, len);
            n += len;
        }
        line[len] = save;
        line += len;
    }
    free(text);
    return out;
}

/* A small two-policy edge-capacity sweep with 3 replications. */
static int
replicated_sweep(const char *db, const char *jobs, const char *json, char **out)
{
    return test_cdnsim(out, NULL, "sweep", TOPO, WL, "--requests", "20000",
                       "--set", "warmup=2000", "--vary", CAP "=32MiB,64MiB",
                       "--vary", POL "=lru,s3fifo", "--replications", "3",
                       "--metric", "nodes.edge-fra.hit_ratio", "--metric",
                       "regions.asia.latency_ms.p99", "--metric",
                       "tiers.edge.byte_hit_ratio", "--jobs", jobs, "--db", db,
                       "--json", json, NULL);
}

START_TEST(test_replicate_ci_by_hand)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    char *json = xasprintf("%s/r.json", dir);
    char *out = NULL;
    ck_assert_int_eq(replicated_sweep(db, "2", json, &out), 0);
    /* 4 combinations x 3 replications, one row per combination. */
    ck_assert_ptr_nonnull(strstr(out, "sweep 1: 12 points: 12 run now"));
    ck_assert_ptr_nonnull(strstr(out, "means of 3 runs per point"));
    ck_assert_ptr_nonnull(strstr(out, "nodes.edge-fra.hit_ratio"));
    sqlite3 *h = open_db(db);
    /* The seeds: the base seed (1), then two derived ones. */
    for (int r = 0; r < 3; r++) {
        char *sql = xasprintf("SELECT value FROM sweep_params WHERE"
                              " sweep_id = 1 AND point = %d AND path ="
                              " 'seed'",
                              r);
        char *seed = q_text(h, sql);
        char *want = xasprintf(
            "%llu", (unsigned long long)run_replication_seed(1, (uint64_t)r));
        ck_assert_str_eq(seed, want);
        free(seed), free(want), free(sql);
    }
    ck_assert_uint_eq(run_replication_seed(1, 0), 1);
    ck_assert(fabs(t2_quantile(0.975) - 4.3027) < 1e-4);
    ck_assert(run_replication_seed(1, 1) != run_replication_seed(1, 2));
    ck_assert(run_replication_seed(1, 1) < (UINT64_C(1) << 63));

    /* For each combination and metric, the mean and the 95% interval
     * worked out here from the runs' own rows. */
    static const char *const metric_sql[][2] = {
        {"offload", "SELECT r.offload FROM runs r"},
        {"nodes.edge-fra.hit_ratio",
         "SELECT n.hit_ratio FROM runs r JOIN node_metrics n ON n.run_id ="
         " r.id AND n.node = 'edge-fra'"},
        {"regions.asia.latency_ms.p99",
         "SELECT g.latency_p99_ms FROM runs r JOIN region_metrics g ON"
         " g.run_id = r.id AND g.region = 'asia'"},
        {"tiers.edge.byte_hit_ratio",
         "SELECT CAST((SELECT sum(bytes_hit) FROM node_metrics WHERE run_id"
         " = r.id AND tier = 'edge') AS REAL) / (SELECT sum(bytes_requested)"
         " FROM node_metrics WHERE run_id = r.id AND tier = 'edge') FROM"
         " runs r"},
    };
    for (int c = 0; c < 4; c++) {
        for (size_t k = 0; k < 4; k++) {
            double x[3];
            for (int r = 0; r < 3; r++) {
                char *sql = xasprintf("%s JOIN sweep_points p ON p.run_id ="
                                      " r.id WHERE p.sweep_id = 1 AND"
                                      " p.point = %d",
                                      metric_sql[k][1], c * 3 + r);
                x[r] = q_real(h, sql);
                free(sql);
            }
            double mean = (x[0] + x[1] + x[2]) / 3;
            double ss = 0;
            for (int r = 0; r < 3; r++)
                ss += (x[r] - mean) * (x[r] - mean);
            double sd = sqrt(ss / 2);
            double ci = t2_quantile(0.975) * sd / sqrt(3);
            char *sql = xasprintf("SELECT mean, stddev, ci95, runs FROM"
                                  " sweep_summary WHERE sweep_id = 1 AND"
                                  " point = %d AND metric = '%s'",
                                  c, metric_sql[k][0]);
            sqlite3_stmt *st = NULL;
            ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL),
                             SQLITE_OK);
            ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
            double tol = 1e-9 * (fabs(mean) + 1);
            ck_assert_msg(fabs(sqlite3_column_double(st, 0) - mean) < tol,
                          "%s point %d: mean %.12g, by hand %.12g",
                          metric_sql[k][0], c, sqlite3_column_double(st, 0),
                          mean);
            ck_assert(fabs(sqlite3_column_double(st, 1) - sd) < tol);
            ck_assert_msg(fabs(sqlite3_column_double(st, 2) - ci) < tol,
                          "%s point %d: ci %.12g, by hand %.12g",
                          metric_sql[k][0], c, sqlite3_column_double(st, 2),
                          ci);
            ck_assert_int_eq(sqlite3_column_int(st, 3), 3);
            sqlite3_finalize(st);
            free(sql);
        }
    }
    /* The replications differ: the interval is not a formality. */
    ck_assert(q_real(h, "SELECT max(ci95) FROM sweep_summary WHERE metric ="
                        " 'offload'") > 0);
    /* The table shows the same mean and half-width. */
    double m0 = q_real(h, "SELECT mean FROM sweep_summary WHERE point = 0"
                          " AND metric = 'offload'");
    double c0 = q_real(h, "SELECT ci95 FROM sweep_summary WHERE point = 0"
                          " AND metric = 'offload'");
    char *cell = xasprintf("%.2f±%.2f", 100 * m0, 100 * c0);
    ck_assert_msg(strstr(out, cell) != NULL, "no %s in\n%s", cell, out);
    free(cell);
    /* And the JSON, to six decimals, with each run's value. */
    char *j = test_read_file(json);
    char *want =
        xasprintf("\"offload\": {\"mean\": %.6f, \"ci95\": %.6f", m0, c0);
    ck_assert_msg(strstr(j, want) != NULL, "no %s in the JSON", want);
    ck_assert_ptr_nonnull(strstr(j, "\"replications\": 3,"));
    ck_assert_ptr_nonnull(strstr(j, "\"tiers.edge.byte_hit_ratio\": {"));
    free(want);
    /* With the sweep's provenance, as recorded in sweeps. */
    static const char *const prov[] = {"topology_sha256", "workload_sha256",
                                       "cdnsim_version"};
    for (size_t i = 0; i < 3; i++) {
        char *sql = xasprintf("SELECT %s FROM sweeps WHERE id = 1", prov[i]);
        char *v = q_text(h, sql);
        ck_assert_uint_ge(strlen(v), i < 2 ? 64 : 1);
        want = xasprintf("\"%s\": \"%s\",", prov[i], v);
        ck_assert_msg(strstr(j, want) != NULL, "no %s in the JSON", want);
        free(want), free(v), free(sql);
    }
    free(j);
    sqlite3_close(h);

    /* Deterministic: in one process, the same runs and the same
     * aggregate. */
    char *db2 = xasprintf("%s/r2.db", dir);
    char *json2 = xasprintf("%s/r2.json", dir);
    ck_assert_int_eq(replicated_sweep(db2, "1", json2, NULL), 0);
    sqlite3 *a = open_db(db), *b = open_db(db2);
    static const char rows_sql[] =
        "SELECT p.point, r.seed, r.offload, r.byte_offload,"
        " r.latency_p99_ms, r.origin_requests FROM sweep_points p JOIN runs"
        " r ON r.id = p.run_id ORDER BY p.point";
    static const char sum_sql[] = "SELECT * FROM sweep_summary ORDER BY"
                                  " point, metric";
    char *ra = q_rows(a, rows_sql), *rb = q_rows(b, rows_sql);
    ck_assert_str_eq(ra, rb);
    free(ra), free(rb);
    ra = q_rows(a, sum_sql), rb = q_rows(b, sum_sql);
    ck_assert_str_eq(ra, rb);
    free(ra), free(rb);
    sqlite3_close(a);
    sqlite3_close(b);
    /* Run ids differ with the order workers finish in: the JSON less
     * its run_ids lines is the same. */
    char *ja = without_lines(test_read_file(json), "\"run_ids\""),
         *jb = without_lines(test_read_file(json2), "\"run_ids\"");
    ck_assert(strcmp(ja, jb) == 0);
    free(ja), free(jb);
    free(out), free(db), free(db2), free(json), free(json2);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The must-hold: the report of a two-policy edge-capacity sweep
 * draws per-node hit ratio curves with error bars. */
START_TEST(test_replicate_report_error_bars)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    char *json = xasprintf("%s/r.json", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(replicated_sweep(db, "2", json, NULL), 0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--quiet", "--size",
                                 "320x200", NULL),
                     0);
    char *png = xasprintf("%s/sweep-nodes-edge-fra-hit_ratio.png", out_dir);
    char *gp = xasprintf("%s/data/sweep-nodes-edge-fra-hit_ratio.gp", out_dir);
    char *dat =
        xasprintf("%s/data/sweep-nodes-edge-fra-hit_ratio.dat", out_dir);
    char *p = test_read_file(png), *g = test_read_file(gp),
         *d = test_read_file(dat);
    ck_assert(memcmp(p, "\x89PNG", 4) == 0);
    ck_assert_ptr_nonnull(strstr(g, "errorbars = 1\n"));
    ck_assert_ptr_nonnull(strstr(g, "ptitle = 'Hit ratio of node edge-fra "
                                    "(mean of 3 runs, 95% CI)'"));
    /* The template draws them as error bars. */
    char *tmpl = test_read_file("reports/sweep.gp");
    ck_assert_ptr_nonnull(strstr(tmpl, "using 1:6:5:xtic"));
    ck_assert_ptr_nonnull(strstr(tmpl, "with yerrorlines"));
    free(tmpl);
    /* One curve per policy, each point the mean with its half-width:
     * the data rows equal the summary in the database. */
    ck_assert_ptr_nonnull(strstr(d, "# series: policy=lru\n"));
    ck_assert_ptr_nonnull(strstr(d, "# series: policy=s3fifo\n"));
    sqlite3 *h = open_db(db);
    double m = q_real(h, "SELECT mean FROM sweep_summary WHERE point = 1"
                         " AND metric = 'nodes.edge-fra.hit_ratio'");
    double c = q_real(h, "SELECT ci95 FROM sweep_summary WHERE point = 1"
                         " AND metric = 'nodes.edge-fra.hit_ratio'");
    sqlite3_close(h);
    char *row =
        xasprintf("33554432\t32MiB\t1\t3\t%.6f\t%.6f\n", 100 * c, 100 * m);
    ck_assert_msg(strstr(d, row) != NULL, "no %s in\n%s", row, d);
    /* The defaults: each caching tier's hit ratio, each region's p99. */
    static const char *const defaults[] = {
        "sweep-tiers-edge-hit_ratio",      "sweep-tiers-shield-hit_ratio",
        "sweep-regions-eu-latency_ms-p99", "sweep-regions-asia-latency_ms-p99",
        "sweep-origin-steady-peak",        "sweep-origin-mean"};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        char *f = xasprintf("%s/%s.svg", out_dir, defaults[i]);
        ck_assert_msg(access(f, R_OK) == 0, "no %s", f);
        free(f);
    }
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = test_read_file(md_path);
    ck_assert_ptr_nonnull(strstr(md, "each combination run 3 times"));
    ck_assert_ptr_nonnull(strstr(md, " ± "));
    free(md), free(md_path);
    free(row), free(p), free(g), free(d), free(png), free(gp), free(dat);
    free(out_dir), free(json), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_replicate_metric_errors)
{
    char *err = NULL;
    /* An unknown path: a usage error giving examples, before anything
     * runs (no --db is written). */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=32MiB,64MiB", "--metric",
                                 "nodes.edge-fra.hit_rate", "--db",
                                 "/nonexistent/x.db", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "unknown metric "
                                      "\"nodes.edge-fra.hit_rate\""));
    ck_assert_ptr_nonnull(strstr(err, "regions.eu.latency_ms.p99"));
    free(err);
    /* A name the topology lacks lists the names it has. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=32MiB,64MiB", "--metric",
                                 "regions.mars.latency_ms.p99", "--dry-run",
                                 NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "there is no region \"mars\"; the "
                                      "regions are eu, us, asia"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 "seed=1,2", "--replications", "2", "--dry-run",
                                 NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "do not also --vary seed"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=32MiB", "--replications", "1", NULL),
                     2);
    free(err);
    /* An unwritable --json fails before any point runs. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=32MiB,64MiB", "--json",
                                 "/nonexistent/x.json", "--db",
                                 "/nonexistent/x.db", NULL),
                     1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.json"));
    free(err);
    /* report --metric is checked as sweep's is, and only for sweeps. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", "x.db", "--sweep", "1",
                                 "--out", "/nonexistent", "--metric",
                                 "tiers.edge.hit", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "unknown metric \"tiers.edge.hit\""));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", "x.db", "--out",
                                 "/nonexistent", "--metric", "offload", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--metric applies to sweeps"));
    free(err);
    /* Names with dots are read from both ends. */
    struct rep_metric m;
    struct sim_err e = {0};
    ck_assert_int_eq(rep_metric_parse("regions.eu.west.latency_ms.p99", &m, &e),
                     0);
    ck_assert_str_eq(m.name, "eu.west");
    ck_assert_int_eq(m.scope, REP_SCOPE_REGION);
    rep_metric_fini(&m);
    ck_assert_int_eq(rep_metric_parse("nodes.a.b.outcomes.MISS", &m, &e), 0);
    ck_assert_str_eq(m.name, "a.b");
    rep_metric_fini(&m);
    ck_assert_int_eq(rep_metric_parse("tiers.edge.hit_ratio", &m, &e), 0);
    ck_assert_int_eq(m.is_ratio, 1);
    rep_metric_fini(&m);
    ck_assert_int_eq(rep_metric_parse("nodes..hit_ratio", &m, &e), -SIM_EUSAGE);
    rep_metric_fini(&m);
}
END_TEST

/* `cdnsim run --replications`: a sweep of the seeds alone; its first
 * replication is the plain run. */
/* A sweep remembers its --metric paths: resumed without them, or with
 * another, its table (and report) still shows them, in the order asked. */
START_TEST(test_replicate_sweep_remembers_metrics)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/m.db", dir);
    const char *a = "nodes.edge-fra.hit_ratio", *b = "tiers.shield.hit_ratio";
    char *out = NULL;
#define SMALL_SWEEP(...)                                                       \
    test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--requests", "5000", "--set",  \
                "warmup=1000", "--vary", CAP "=32MiB,64MiB", "--jobs", "1",    \
                "--db", db, __VA_ARGS__)
    ck_assert_int_eq(SMALL_SWEEP("--metric", a, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, a));
    free(out);
    ck_assert_int_eq(SMALL_SWEEP(NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "0 run now, 2 already complete"));
    ck_assert_msg(strstr(out, a) != NULL, "resumed without --metric:\n%s", out);
    free(out);
    ck_assert_int_eq(SMALL_SWEEP("--metric", b, NULL), 0);
    const char *pa = strstr(out, a), *pb = strstr(out, b);
    ck_assert(pa != NULL && pb != NULL && pa < pb);
    free(out);
#undef SMALL_SWEEP
    sqlite3 *h = open_db(db);
    char *paths = q_text(h, "SELECT group_concat(path, ' ') FROM (SELECT path"
                            " FROM sweep_metrics WHERE sweep_id = 1 ORDER BY"
                            " position)");
    ck_assert_str_eq(paths, "nodes.edge-fra.hit_ratio tiers.shield.hit_ratio");
    free(paths);
    sqlite3_close(h);
    test_rmtree(dir);
    free(db);
    free(dir);
}
END_TEST

START_TEST(test_replicate_run)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    char *json = xasprintf("%s/r.json", dir);
    char *one = xasprintf("%s/one.json", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=2000",
                                 "--replications", "3", "--metric",
                                 "nodes.edge-fra.hit_ratio", "--db", db,
                                 "--json", json, NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "3 replications (sweep 1 in "));
    ck_assert_ptr_nonnull(strstr(out, "(the base run)"));
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=2000", "--json", one,
                                 "--quiet", NULL),
                     0);
    sqlite3 *h = open_db(db);
    ck_assert(q_real(h, "SELECT count(*) FROM runs") == 3);
    double first = q_real(h, "SELECT r.offload FROM runs r JOIN sweep_points"
                             " p ON p.run_id = r.id WHERE p.point = 0");
    double mean = q_real(h, "SELECT avg(offload) FROM runs");
    ck_assert(fabs(q_real(h, "SELECT mean FROM sweep_summary WHERE metric ="
                             " 'offload'") -
                   mean) < 1e-12);
    sqlite3_close(h);
    char *j1 = test_read_file(one);
    char *want = xasprintf("\"offload\": %.6f,", first);
    ck_assert_msg(strstr(j1, want) != NULL,
                  "the plain run is not "
                  "replication 0: no %s",
                  want);
    free(want), free(j1);
    char *j = test_read_file(json);
    ck_assert_ptr_nonnull(strstr(j, "\"nodes.edge-fra.hit_ratio\": {"));
    free(j);
    /* A run's report states the origin's steady state, as stored. */
    char *rdir = xasprintf("%s/report", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--run", "1",
                                 "--out", rdir, "--quiet", "--size", "320x200",
                                 NULL),
                     0);
    h = open_db(db);
    char *line = xasprintf(
        "| origin steady-state peak / mean (requests/s, after %.1f s) | "
        "%.0f / %.1f |",
        q_real(h, "SELECT settle_s FROM origin_load WHERE run_id = 1"),
        q_real(h, "SELECT steady_peak_rps FROM origin_load WHERE run_id = 1"),
        q_real(h, "SELECT steady_mean_rps FROM origin_load WHERE run_id = 1"));
    sqlite3_close(h);
    char *md_path = xasprintf("%s/report.md", rdir);
    char *md = test_read_file(md_path);
    ck_assert_msg(strstr(md, line) != NULL, "no %s", line);
    ck_assert_ptr_nonnull(strstr(md, "(cut off by MSER-5)"));
    free(md), free(md_path), free(line), free(rdir);
    free(out);
    /* Without --db the runs live in a temporary database, removed. */
    char *tmp = xasprintf("%s/tmp", dir);
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    /* Restored below: without fork (CK_FORK=no) later tests share the
     * environment. */
    const char *old_tmp = getenv("TMPDIR");
    char *saved_tmp = old_tmp ? xstrdup(old_tmp) : NULL;
    setenv("TMPDIR", tmp, 1);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=2000",
                                 "--replications", "2", "--quiet", NULL),
                     0);
    int rmdir_rc = rmdir(tmp); /* only when empty */
    if (saved_tmp)
        setenv("TMPDIR", saved_tmp, 1);
    else
        unsetenv("TMPDIR");
    free(saved_tmp);
    ck_assert_int_eq(rmdir_rc, 0);
    char *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "run", TOPO, WL, "--metric", "offload", NULL),
        2);
    ck_assert_ptr_nonnull(strstr(err, "--metric needs --replications"));
    free(err);
    free(tmp), free(one), free(json), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The table block of text that starts at the first "point  parameters"
 * after marker, up to a blank line; with drop_last, each line less its
 * last column (run ids depend on which worker finishes first). Caller
 * frees. */
static char *
table_after(const char *text, const char *marker, int drop_last)
{
    const char *at = strstr(text, marker);
    ck_assert_msg(at != NULL, "no %s", marker);
    at = strstr(at, "point  parameters");
    ck_assert_ptr_nonnull(at);
    const char *end = strstr(at, "\n\n");
    ck_assert_ptr_nonnull(end);
    char *out = xcalloc((size_t)(end - at) + 2, 1);
    size_t n = 0;
    while (at < end) {
        size_t len = strcspn(at, "\n");
        size_t keep = len;
        if (drop_last) {
            while (keep > 0 && at[keep - 1] == ' ')
                keep--;
            while (keep > 0 && at[keep - 1] != ' ')
                keep--;
            while (keep > 0 && at[keep - 1] == ' ')
                keep--;
        }
        memcpy(out + n, at, keep);
        n += keep;
        out[n++] = '\n';
        at += len + (at[len] == '\n');
    }
    return out;
}

/* Fails unless the line of table for point holds text. */
static void
assert_point_has(const char *table, int point, const char *text)
{
    char *head = xasprintf("\n%5d  ", point);
    const char *row = strstr(table, head);
    ck_assert_msg(row != NULL, "no point %d", point);
    size_t len = strcspn(row + 1, "\n");
    char *line = xcalloc(len + 1, 1);
    memcpy(line, row + 1, len);
    ck_assert_msg(strstr(line, text) != NULL, "point %d lacks %s: %s", point,
                  text, line);
    free(line);
    free(head);
}

/* The README's sweep figures: the shield sweep (but its run ids), the
 * replicated study and run --replications, as printed. */
START_TEST(test_replicate_readme_figures)
{
    char *dir = test_tmpdir();
    char *readme = test_read_file("README.md");
    char *db = xasprintf("%s/s.db", dir);
    char *out = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--requests", "300000",
                    "--set", "warmup=30000", "--vary",
                    "nodes.shield-ams.cache.capacity=256MiB..4GiB*2", "--vary",
                    "nodes.shield-ams.cache.policy=lru,s3fifo", "--db", db,
                    "--jobs", "2", NULL),
        0);
    char *want = table_after(readme,
                             "--vary nodes.shield-ams.cache.policy="
                             "lru,s3fifo --db results/sweep.db",
                             1);
    char *got = table_after(out, "sweep 1:", 1);
    ck_assert_str_eq(got, want);
    /* The prose under the table quotes it. */
    test_assert_readme_says("S3-FIFO beats LRU on a small shield (55.20% "
                            "offload against 52.05% at 256 MiB");
    assert_point_has(got, 0, "  52.05  ");
    assert_point_has(got, 1, "  55.20  ");
    test_assert_readme_says("is 2556 requests/s from 512 MiB on");
    for (int point = 2; point <= 9; point++)
        assert_point_has(got, point, "  2556  ");
    test_assert_readme_says("falls from 2372 to 1478 requests/s, and the "
                            "mean origin rate (`origin-mean`) from 2374.1 "
                            "to 1548.4");
    assert_point_has(got, 0, "  2372  ");
    assert_point_has(got, 0, "  2374.1  ");
    assert_point_has(got, 9, "  1478  ");
    assert_point_has(got, 9, "  1548.4  ");
    test_assert_readme_says("The overall p99 (`p99(ms)`) moves with the "
                            "shield too, from 279.970 ms at 256 MiB with "
                            "LRU to 271.581 ms from 2 GiB on");
    assert_point_has(got, 0, "  279.970  ");
    for (int point = 6; point <= 9; point++)
        assert_point_has(got, point, "  271.581  ");
    free(want), free(got), free(out);
    char *db2 = xasprintf("%s/t.db", dir);
    char *json = xasprintf("%s/t.json", dir);
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--requests", "100000",
                    "--set", "warmup=10000", "--vary", CAP "=128MiB..512MiB*2",
                    "--vary", POL "=lru,s3fifo", "--replications", "3",
                    "--metric", "nodes.edge-fra.hit_ratio", "--metric",
                    "regions.eu.latency_ms.p99", "--db", db2, "--json", json,
                    "--jobs", "2", NULL),
        0);
    want = table_after(readme,
                       "--db results/study.db --json "
                       "results/study.json",
                       0);
    got = table_after(out, "sweep 1:", 0);
    ck_assert_str_eq(got, want);
    ck_assert_ptr_nonnull(strstr(out, "means of 3 runs per point"));
    /* The prose under the table quotes it. */
    test_assert_readme_says("(53.09% at every point");
    for (int point = 0; point < 6; point++)
        assert_point_has(got, point, "  53.09±0.24  ");
    test_assert_readme_says("edge-fra's own hit ratio rises from 34.08% to "
                            "49.71% with LRU. S3-FIFO's lead at 128 MiB "
                            "(37.14% against 34.08%) is far wider than the "
                            "two intervals (±0.49 and ±0.34 points)");
    assert_point_has(got, 0, "  0.3408±0.0034  ");
    assert_point_has(got, 1, "  0.3714±0.0049  ");
    assert_point_has(got, 4, "  0.4971±");
    test_assert_readme_says("at 512 MiB LRU is ahead by 0.34 points");
    assert_point_has(got, 5, "  0.4937±");
    free(want), free(got), free(out);
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--requests",
                                 "100000", "--set", "warmup=10000",
                                 "--replications", "5", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(readme, "offload 53.17%±0.19, origin "
                                         "steady-state peak 2514±41"));
    ck_assert_ptr_nonnull(strstr(out, "  53.17±0.19  "));
    ck_assert_ptr_nonnull(strstr(out, "  2514±41  "));
    free(out);
    free(json), free(db2), free(db), free(readme);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
replicate_suite(void)
{
    Suite *s = suite_create("replicate");
    TCase *tc = tcase_create("sweeps");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 120);
    tcase_add_test(tc, test_replicate_ci_by_hand);
    tcase_add_test(tc, test_replicate_report_error_bars);
    tcase_add_test(tc, test_replicate_metric_errors);
    tcase_add_test(tc, test_replicate_sweep_remembers_metrics);
    tcase_add_test(tc, test_replicate_run);
    tcase_add_test(tc, test_replicate_readme_figures);
    suite_add_tcase(s, tc);
    return s;
}
