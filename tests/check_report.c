/* check_report.c: sweeps (ranges, parallel workers, resume), reports
 * (plot files, numbers in the HTML and Markdown) and CSV export, through
 * the cdnsim binary as a user runs them. */
#define _XOPEN_SOURCE 700 /* kill, nanosleep, setenv */
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

/* A small, fast scenario: the default topology, 20,000 requests. */
#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"
#define CAP "nodes.edge-fra.cache.capacity"
#define POL "nodes.edge-fra.cache.policy"

/* A sweep of 2 capacities x 2 policies into db; returns the exit status. */
static int
small_sweep(const char *db, const char *jobs, char **out)
{
    return test_cdnsim(out, NULL, "sweep", TOPO, WL, "--requests", "20000",
                       "--set", "warmup=2000", "--vary", CAP "=32MiB..64MiB*2",
                       "--vary", POL "=lru,s3fifo", "--jobs", jobs, "--db", db,
                       NULL);
}

/* The first column of the first row of sql, as text (caller frees). */
static char *
q_text(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *s = xstrdup(t ? (const char *)t : "");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return s;
}

static long long
q_int(const char *db, const char *sql)
{
    char *s = q_text(db, sql);
    long long v = strtoll(s, NULL, 10);
    free(s);
    return v;
}

static void
exec_sql(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s",
                  sql, sqlite3_errmsg(h));
    sqlite3_close(h);
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xmalloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static int
count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- Sweeps ---------------------------------------------------------------
 */

START_TEST(test_report_vary_ranges)
{
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB..8GiB*2", "--vary",
                                 "catalog.ttl=1m..10m+3m", "--vary",
                                 "catalog.zipf_alpha=0.6..1.0+0.2", "--vary",
                                 POL "=lru,s3fifo", NULL),
                     0);
    /* 4 x 4 x 3 x 2; the last --vary changes fastest. */
    ck_assert_msg(strstr(out, "96 points") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "    0  " CAP "=1GiB catalog.ttl=1m "
                                      "catalog.zipf_alpha=0.6 " POL "=lru\n"));
    ck_assert_ptr_nonnull(strstr(out,
                                 "    1  " CAP "=1GiB catalog.ttl=1m "
                                 "catalog.zipf_alpha=0.6 " POL "=s3fifo\n"));
    ck_assert_ptr_nonnull(strstr(out, "   95  " CAP "=8GiB catalog.ttl=10m "
                                      "catalog.zipf_alpha=1 " POL "=s3fifo\n"));
    ck_assert_ptr_nonnull(strstr(out, CAP "=4GiB catalog.ttl=7m "
                                          "catalog.zipf_alpha=0.8 "));
    free(out);
    /* A start the unit cannot hold exactly, and a factor that is not 2:
     * every value still parses back to the bytes computed. */
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1.5GiB..4GiB*1.5", NULL),
                     0);
    ck_assert_msg(strstr(out, "3 points") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, CAP "=1.5GiB\n"));
    ck_assert_ptr_nonnull(strstr(out, CAP "=2.25GiB\n"));
    ck_assert_ptr_nonnull(strstr(out, CAP "=3.375GiB\n"));
    free(out);
}
END_TEST

START_TEST(test_report_vary_errors)
{
    char *err;
    /* Usage errors: the shape of the command line. */
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--db", "x.db", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--vary"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary", CAP,
                                 "--db", "x.db", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "PATH=VALUES"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=1GiB,2GiB", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--db"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--vary",
                                 CAP "=1GiB,2GiB", "--jobs", "0", "--db",
                                 "x.db", NULL),
                     2);
    free(err);
    /* A malformed --vary is a usage error naming --vary, the path and
     * the bad part. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB..8GiB", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--vary: " CAP ": a range needs a "
                                      "step"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB..8GiB*1", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "above 1"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=8GiB..1GiB*2", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "below its start"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB..1h+1m", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "not both"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", POL "=lru,lru", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "listed twice"));
    free(err);
    /* A value the field refuses: found before anything runs. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", CAP "=1GiB,10 gigs", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "--vary: " CAP ":"));
    ck_assert_ptr_nonnull(strstr(err, "10 gigs"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", POL "=lru,lruu", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "--vary: " POL ": unknown policy "
                                      "\"lruu\""));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "sweep", TOPO, WL, "--dry-run",
                                 "--vary", "nodes.edge-xyz.cache.capacity=1GiB",
                                 NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "edge-xyz"));
    free(err);
}
END_TEST

/* Every node row of every point, in point order, as one string. */
static char *
sweep_rows(const char *db)
{
    return q_text(db,
                  "SELECT group_concat(x, '|') FROM (SELECT p.point || ' '"
                  " || p.params || ' ' || n.node || ' ' || n.tier || ' ' ||"
                  " n.requests || ' ' || n.hits || ' ' || n.misses || ' ' ||"
                  " n.expired || ' ' || n.coalesced || ' ' ||"
                  " n.bytes_requested || ' ' || n.bytes_hit || ' ' ||"
                  " n.bytes_out || ' ' || n.hit_ratio || ' ' ||"
                  " n.byte_hit_ratio || ' ' || n.cost_usd || ' ' ||"
                  " r.offload || ' ' || r.latency_p99_ms || ' ' ||"
                  " r.overrides AS x FROM sweep_points p"
                  " JOIN runs r ON r.id = p.run_id"
                  " JOIN node_metrics n ON n.run_id = p.run_id"
                  " WHERE p.sweep_id = 1 ORDER BY p.point, n.rowid)");
}

START_TEST(test_report_sweep_jobs_agree)
{
    char *dir = test_tmpdir();
    char *a = xasprintf("%s/a.db", dir), *b = xasprintf("%s/b.db", dir),
         *c = xasprintf("%s/c.db", dir);
    char *out;
    ck_assert_int_eq(small_sweep(a, "2", &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "sweep 1: 4 points: 4 run now"));
    free(out);
    ck_assert_int_eq(small_sweep(b, "1", NULL), 0);
    ck_assert_int_eq(q_int(a, "SELECT count(*) FROM sweep_points WHERE"
                              " status = 'complete'"),
                     4);
    ck_assert_int_eq(q_int(a, "SELECT count(*) FROM node_metrics"), 24);
    char *ra = sweep_rows(a), *rb = sweep_rows(b);
    ck_assert_str_eq(ra, rb);
    free(ra), free(rb);
    /* A point equals `cdnsim run` with the same overrides. */
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "20000", "--set", "warmup=2000",
                                 "--set", CAP "=64MiB", "--set", POL "=s3fifo",
                                 "--db", c, NULL),
                     0);
    char *one = q_text(a, "SELECT group_concat(x, '|') FROM (SELECT n.node ||"
                          " ' ' || n.hits || ' ' || n.bytes_out AS x FROM"
                          " sweep_points p JOIN node_metrics n ON n.run_id ="
                          " p.run_id WHERE p.point = 3 ORDER BY n.rowid)");
    char *run = q_text(c, "SELECT group_concat(x, '|') FROM (SELECT node ||"
                          " ' ' || hits || ' ' || bytes_out AS x FROM"
                          " node_metrics ORDER BY rowid)");
    ck_assert_str_eq(one, run);
    free(one), free(run);
    char *o1 = q_text(a, "SELECT r.overrides FROM sweep_points p JOIN runs r"
                         " ON r.id = p.run_id WHERE p.point = 3");
    char *o2 = q_text(c, "SELECT overrides FROM runs");
    ck_assert_str_eq(o1, o2);
    free(o1), free(o2);
    /* What the sweep recorded about itself. */
    char *vary = q_text(a, "SELECT vary || '/' || overrides || '/' || points"
                           " || '/' || seed FROM sweeps WHERE id = 1");
    ck_assert_str_eq(vary, CAP "=32MiB..64MiB*2\n" POL "=lru,s3fifo/"
                               "workload.requests=20000 warmup=2000/4/1");
    free(vary);
    ck_assert_int_eq(q_int(a, "SELECT value_num FROM sweep_params WHERE"
                              " point = 2 AND position = 0"),
                     67108864);
    char *kind = q_text(a, "SELECT group_concat(kind) FROM sweep_vary");
    ck_assert_str_eq(kind, "size,text");
    free(kind);
    char *json = q_text(a, "SELECT params_json FROM sweep_points WHERE"
                           " point = 1");
    ck_assert_str_eq(json, "{\"" CAP "\": \"32MiB\", \"" POL "\": "
                           "\"s3fifo\"}");
    free(json);
    free(a), free(b), free(c);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_report_sweep_resumes)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    char *out;
    ck_assert_int_eq(small_sweep(db, "2", NULL), 0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 4);
    /* The same sweep again: nothing to do. */
    ck_assert_int_eq(small_sweep(db, "2", &out), 0);
    ck_assert_msg(strstr(out, "0 run now, 4 already complete") != NULL, "%s",
                  out);
    free(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 4);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sweeps"), 1);
    /* A point left pending (as an interruption leaves it) runs again,
     * alone. */
    exec_sql(db, "UPDATE sweep_points SET status = 'pending', run_id = NULL"
                 " WHERE point = 1");
    ck_assert_int_eq(small_sweep(db, "1", &out), 0);
    ck_assert_msg(strstr(out, "1 run now, 3 already complete") != NULL, "%s",
                  out);
    free(out);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 5);
    ck_assert_int_eq(q_int(db, "SELECT run_id FROM sweep_points WHERE"
                               " point = 1"),
                     5);
    /* Another --vary is another sweep. */
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "sweep", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=2000", "--vary",
                                 POL "=lru,fifo", "--db", db, "--quiet", NULL),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sweeps"), 2);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 7);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A signal to the sweep stops its workers; no point looks complete. */
START_TEST(test_report_sweep_interrupted)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/i.db", dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(test_bin(), test_bin(), "sweep", TOPO, WL, "--requests",
              "500000000", "--vary", POL "=lru,fifo", "--jobs", "2", "--db", db,
              (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {0, 800 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGTERM);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sweep_points WHERE"
                               " status = 'complete'"),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 0);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Every row a run left in the per-run tables, without its id. */
static char *
run_rows(const char *db, int64_t run_id)
{
    char *sql = xasprintf(
        "SELECT (SELECT group_concat(x, '|') FROM (SELECT node || tier ||"
        " requests || hits || bytes_out || cost_usd AS x FROM node_metrics"
        " WHERE run_id = %1$lld ORDER BY rowid)) || '/' || (SELECT"
        " group_concat(x, '|') FROM (SELECT node || outcome || count AS x"
        " FROM node_outcomes WHERE run_id = %1$lld ORDER BY rowid)) || '/'"
        " || (SELECT group_concat(x, '|') FROM (SELECT region || bucket_lo_ns"
        " || count AS x FROM latency_histogram WHERE run_id = %1$lld ORDER BY"
        " rowid)) || '/' || (SELECT group_concat(x, '|') FROM (SELECT node"
        " || window || requests || bytes_out AS x FROM timeseries WHERE"
        " run_id = %1$lld ORDER BY rowid)) || '/' || (SELECT group_concat(x,"
        " '|') FROM (SELECT region || requests || latency_p99_ms AS x FROM"
        " region_metrics WHERE run_id = %1$lld ORDER BY rowid)) || '/' ||"
        " (SELECT offload || overrides || seed || status FROM runs WHERE id"
        " = %1$lld)",
        (long long)run_id);
    char *rows = q_text(db, sql);
    free(sql);
    return rows;
}

/* A run sent as a database image (as MPI ranks send theirs) lands in the
 * database exactly as a run written directly. */
START_TEST(test_report_run_image_round_trip)
{
    char *dir = test_tmpdir();
    char *a = xasprintf("%s/a.db", dir), *b = xasprintf("%s/b.db", dir);
    static const struct cfg_override sets[] = {{"workload.requests=5000"},
                                               {"warmup=500"}};
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct sim_err err = {0};
    ck_assert_int_eq(cfg_load(TOPO, WL, sets, 2, &t, &w, &err), 0);
    struct cdn *c = cdn_new(t, w, &err);
    ck_assert_ptr_nonnull(c);
    struct met_run m;
    ck_assert_int_eq(cdn_run(c, &(struct cdn_run_opts){0}, &m), 0);
    m.overrides = "workload.requests=5000 warmup=500";

    static const char *const values[] = {"lru", "fifo"};
    const struct met_sweep_vary v = {.path = POL,
                                     .spec = "lru,fifo",
                                     .kind = "text",
                                     .values = values,
                                     .n_values = 2};
    const struct met_sweep sw = {.topology_path = TOPO,
                                 .workload_path = WL,
                                 .overrides = "",
                                 .seed = 1,
                                 .vary = &v,
                                 .n_vary = 1};
    unsigned char done[2];
    int64_t id_a, id_b, run_a, run_b;
    ck_assert_int_eq(met_sweep_begin(a, &sw, &id_a, done, &err), 0);
    ck_assert_int_eq(met_sweep_begin(b, &sw, &id_b, done, &err), 0);
    ck_assert_int_eq(met_write_db_point(&m, a, id_a, 1, &run_a, &err), 0);
    void *image = NULL;
    size_t len = 0;
    ck_assert_int_eq(met_run_image(&m, &image, &len, &err), 0);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(
        met_write_db_point_image(image, len, b, id_b, 1, &run_b, &err), 0);
    char *ra = run_rows(a, run_a), *rb = run_rows(b, run_b);
    ck_assert_str_eq(ra, rb);
    free(ra), free(rb);
    /* A point already complete keeps its run. */
    int64_t again;
    ck_assert_int_eq(
        met_write_db_point_image(image, len, b, id_b, 1, &again, &err), 0);
    ck_assert_int_eq(again, run_b);
    ck_assert_int_eq(q_int(b, "SELECT count(*) FROM runs"), 1);
    ck_assert_int_eq(met_sweep_begin(b, &sw, &id_b, done, &err), 0);
    ck_assert_int_eq(done[0], 0);
    ck_assert_int_eq(done[1], 1);
    /* Bytes that are no image are refused, and nothing is written. */
    static const char junk[] = "not a database image at all, not at all";
    sim_err_clear(&err);
    ck_assert_int_eq(
        met_write_db_point_image(junk, sizeof junk, b, id_b, 0, &again, &err),
        -SIM_EDB);
    ck_assert_ptr_nonnull(strstr(err.file, "b.db"));
    ck_assert_int_eq(q_int(b, "SELECT count(*) FROM runs"), 1);
    free(image);
    met_run_fini(&m);
    cdn_free(c);
    cfg_workload_free(w);
    cfg_topology_free(t);
    free(a), free(b);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* mpirun -n 2: rank 1 runs the points, rank 0 writes them; the results
 * equal those of --jobs 1. Needs the MPI build ($CDNSIM_MPI_BIN, which
 * `make test` makes when mpicc is installed); skipped without it. */
START_TEST(test_report_sweep_mpi_equals_jobs_1)
{
    const char *bin = getenv("CDNSIM_MPI_BIN");
    if (bin == NULL || *bin == '\0' || access(bin, X_OK) != 0) {
        fprintf(stderr, "report: MPI sweep test skipped (no "
                        "CDNSIM_MPI_BIN; make MPI=1 builds one)\n");
        return;
    }
    char *dir = test_tmpdir();
    char *a = xasprintf("%s/mpi.db", dir), *b = xasprintf("%s/one.db", dir);
    const char *argv[32];
    int n = 0;
    argv[n++] = "mpirun";
    if (geteuid() == 0)
        argv[n++] = "--allow-run-as-root";
    argv[n++] = "--oversubscribe";
    argv[n++] = "-n";
    argv[n++] = "2";
    const char *rest[] = {bin,          "sweep",
                          TOPO,         WL,
                          "--requests", "20000",
                          "--set",      "warmup=2000",
                          "--vary",     CAP "=32MiB..64MiB*2",
                          "--vary",     POL "=lru,s3fifo",
                          "--db",       a,
                          NULL};
    for (int i = 0; rest[i]; i++)
        argv[n++] = rest[i];
    argv[n] = NULL;
    char *out, *err;
    int rc = test_run(argv, &out, &err);
    ck_assert_msg(rc == 0, "mpirun: exit %d: %s", rc, err);
    ck_assert_msg(strstr(out, "4 run now") != NULL, "%s", out);
    free(out), free(err);
    ck_assert_int_eq(small_sweep(b, "1", NULL), 0);
    char *ra = sweep_rows(a), *rb = sweep_rows(b);
    ck_assert_str_eq(ra, rb);
    free(ra), free(rb);
    free(a), free(b);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Reports --------------------------------------------------------------
 */

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* dir/name.png is a PNG of w x h pixels and dir/name.svg an SVG of that
 * size; returns the PNG's bytes (caller frees). */
static char *
check_plot(const char *dir, const char *name, unsigned w, unsigned h,
           size_t *png_len)
{
    char *png = xasprintf("%s/%s.png", dir, name);
    char *svg = xasprintf("%s/%s.svg", dir, name);
    size_t n;
    char *p = slurp(png, &n);
    const unsigned char *u = (const unsigned char *)p;
    ck_assert_msg(n > 1000, "%s: %zu bytes", png, n);
    ck_assert_msg(memcmp(u, "\x89PNG\r\n\x1a\n", 8) == 0,
                  "%s: no PNG "
                  "signature",
                  png);
    ck_assert_msg(memcmp(u + 12, "IHDR", 4) == 0, "%s: no IHDR", png);
    ck_assert_uint_eq(be32(u + 16), w);
    ck_assert_uint_eq(be32(u + 20), h);
    char *s = slurp(svg, NULL);
    ck_assert_msg(strstr(s, "<svg") != NULL, "%s: no <svg", svg);
    char want[64];
    snprintf(want, sizeof want, "width=\"%u\" height=\"%u\"", w, h);
    ck_assert_msg(strstr(s, want) != NULL, "%s: not %s", svg, want);
    ck_assert_ptr_nonnull(strstr(s, "</svg>"));
    free(s);
    free(svg);
    free(png);
    *png_len = n;
    return p;
}

static int
b64_value(char c)
{
    const char *abc =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(abc, c);
    return c && p ? (int)(p - abc) : -1;
}

/* Does the HTML embed exactly these bytes as a base64 PNG? */
static int
html_embeds(const char *html, const char *bytes, size_t n)
{
    static const char tag[] = "data:image/png;base64,";
    for (const char *p = html; (p = strstr(p, tag)) != NULL; p++) {
        const char *s = p + sizeof tag - 1;
        size_t len = strcspn(s, "\"");
        unsigned char *dec = xmalloc(len);
        size_t k = 0;
        for (size_t i = 0; i + 4 <= len; i += 4) {
            int v[4];
            for (int j = 0; j < 4; j++)
                v[j] = s[i + j] == '=' ? 0 : b64_value(s[i + j]);
            uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
                         (uint32_t)v[2] << 6 | (uint32_t)v[3];
            dec[k++] = (unsigned char)(x >> 16);
            if (s[i + 2] != '=')
                dec[k++] = (unsigned char)(x >> 8);
            if (s[i + 3] != '=')
                dec[k++] = (unsigned char)x;
        }
        int same = k == n && memcmp(dec, bytes, n) == 0;
        free(dec);
        if (same)
            return 1;
    }
    return 0;
}

/* The number in the DB formatted as the report prints it. */
static char *
pct_of(const char *db, const char *sql)
{
    char *v = q_text(db, sql);
    char *s = xasprintf("%.2f%%", 100 * strtod(v, NULL));
    free(v);
    return s;
}

START_TEST(test_report_run_plots_and_numbers)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/run.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "20000", "--set", "warmup=2000",
                                 "--db", db, NULL),
                     0);
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "report", db, "--run", "1",
                                 "--out", out_dir, "--size", "800x500", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "report.html"));
    free(out);
    char *html_path = xasprintf("%s/report.html", out_dir);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *html = slurp(html_path, NULL), *md = slurp(md_path, NULL);
    static const char *const plots[] = {
        "hit-ratio", "latency-cdf", "latency-ccdf", "origin",
        "cost",      "outcomes",    "miss-causes"};
    for (size_t i = 0; i < 7; i++) {
        size_t n;
        char *png = check_plot(out_dir, plots[i], 800, 500, &n);
        ck_assert_msg(html_embeds(html, png, n), "%s.png not embedded",
                      plots[i]);
        char *link = xasprintf("](%s.png)", plots[i]);
        ck_assert_ptr_nonnull(strstr(md, link));
        free(link);
        free(png);
    }
    /* Self-contained: no file or web reference. */
    ck_assert_int_eq(count_of(html, "src=\"data:image/png;base64,"), 7);
    ck_assert_int_eq(count_of(html, "src=\"http"), 0);
    ck_assert_int_eq(count_of(html, "href="), 0);
    /* The numbers are the database's. */
    char *off = pct_of(db, "SELECT offload FROM runs WHERE id = 1");
    char *boff = pct_of(db, "SELECT byte_offload FROM runs WHERE id = 1");
    char *hit = pct_of(db, "SELECT hit_ratio FROM node_metrics WHERE"
                           " node = 'edge-fra'");
    char *cost = q_text(db, "SELECT printf('$%.4f', cost_usd) FROM runs");
    char *p99 = q_text(db, "SELECT printf('99%% at most %.1f ms',"
                           " latency_p99_ms) FROM runs");
    char *req = q_text(db, "SELECT printf('%,d', requests) FROM runs");
    const char *docs[] = {html, md};
    for (int d = 0; d < 2; d++) {
        ck_assert_msg(strstr(docs[d], off) != NULL, "offload %s missing", off);
        ck_assert_ptr_nonnull(strstr(docs[d], boff));
        ck_assert_ptr_nonnull(strstr(docs[d], hit));
        ck_assert_ptr_nonnull(strstr(docs[d], cost));
        ck_assert_msg(strstr(docs[d], p99) != NULL, "%s missing", p99);
        ck_assert_msg(strstr(docs[d], req) != NULL, "%s missing", req);
        ck_assert_ptr_nonnull(strstr(docs[d], "3 client regions (eu, us, "
                                              "asia); 3 edges, 2 shields and "
                                              "1 origin"));
    }
    /* The drivers stay behind so that a plot can be drawn again. */
    char *gp = xasprintf("%s/data/latency-cdf.gp", out_dir);
    char *gps = slurp(gp, NULL);
    ck_assert_ptr_nonnull(strstr(gps, "load tdir"));
    free(gps), free(gp);
    free(off), free(boff), free(hit), free(cost), free(p99), free(req);
    free(html), free(md), free(html_path), free(md_path);
    free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_report_reads_version_1)
{
    /* A database from before the outdated columns (schema version 1) is
     * reported as it is (read-only: no upgrade), with no outdated answers;
     * the next run written to it upgrades it. */
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/old.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "2000", "--set", "warmup=0",
                                 "--db", db, NULL),
                     0);
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(h,
                     "ALTER TABLE runs DROP COLUMN outdated;"
                     "ALTER TABLE region_metrics DROP COLUMN "
                     "outdated; ALTER TABLE node_metrics DROP "
                     "COLUMN refetched; ALTER TABLE "
                     "region_metrics DROP COLUMN hits; ALTER "
                     "TABLE region_metrics DROP COLUMN "
                     "bytes_hit; ALTER TABLE region_metrics "
                     "DROP COLUMN hit_ratio; ALTER TABLE "
                     "region_metrics DROP COLUMN byte_hit_ratio;" DROP_VERSION_3
                     " PRAGMA user_version = 1",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim(&out, &err, "report", db, "--run", "1", "--out",
                         out_dir, "--size", "320x200", NULL);
    ck_assert_msg(rc == 0, "report: %s", err);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = slurp(md_path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "| outdated answers | n/a |"));
    /* Its offload is labelled with the definition it was written with. */
    ck_assert_ptr_nonnull(strstr(md, "Offload as an older cdnsim measured "
                                     "it"));
    ck_assert_ptr_nonnull(strstr(md, "| errors | "));
    ck_assert_ptr_nonnull(strstr(md, "| n/a | n/a |")); /* region hits */
    free(md), free(md_path), free(out), free(err);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "2000", "--set", "warmup=0",
                                 "--db", db, NULL),
                     0);
    char *v = q_text(db, "PRAGMA user_version");
    ck_assert_int_eq(atoi(v), MET_DB_VERSION);
    free(v);
    free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_report_sweep_outdated)
{
    /* Content that changes: a TTL sweep draws the outdated answers too,
     * rising with the TTL, and the points' table shows them. */
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/s.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "sweep", "tests/scenarios/slow-origin.yaml",
                    "tests/scenarios/changing-object.yaml", "--requests",
                    "5000", "--vary", "catalog.classes.a.ttl=100ms,1s,10s",
                    "--db", db, NULL),
        0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--quiet", "--size",
                                 "320x200", NULL),
                     0);
    size_t n;
    free(check_plot(out_dir, "sweep-outdated", 320, 200, &n));
    char *dat_path = xasprintf("%s/data/sweep-outdated.dat", out_dir);
    char *dat = slurp(dat_path, NULL);
    double share[3];
    const char *p = dat;
    for (int k = 0; k < 3; k++) {
        p = strstr(p, k == 0 ? "100ms\t" : k == 1 ? "\t1s\t" : "\t10s\t");
        ck_assert_ptr_nonnull(p);
        /* The last column of the row. */
        const char *eol = strchr(p, '\n');
        const char *tab = eol;
        while (tab > p && tab[-1] != '\t')
            tab--;
        share[k] = strtod(tab, NULL);
    }
    ck_assert_msg(share[0] < share[1] && share[1] < share[2],
                  "outdated %% %g %g %g", share[0], share[1], share[2]);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = slurp(md_path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "The share of outdated answers ranges"));
    free(md), free(md_path), free(dat), free(dat_path);
    free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_report_sweep_plots_and_numbers)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/s.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(small_sweep(db, "2", NULL), 0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--quiet", NULL),
                     0);
    /* The fixed figures, then the defaults: the hit ratio of the node
     * the sweep varies, of each caching tier, and each region's p99. */
    static const char *const plots[] = {"sweep-hit-ratio",
                                        "sweep-byte-hit-ratio",
                                        "sweep-p99-latency",
                                        "sweep-origin-load",
                                        "sweep-origin-steady-peak",
                                        "sweep-origin-mean",
                                        "sweep-cost",
                                        "sweep-nodes-edge-fra-hit_ratio",
                                        "sweep-tiers-edge-hit_ratio",
                                        "sweep-tiers-shield-hit_ratio",
                                        "sweep-regions-eu-latency_ms-p99",
                                        "sweep-regions-us-latency_ms-p99",
                                        "sweep-regions-asia-latency_ms-p99"};
    for (size_t i = 0; i < sizeof plots / sizeof *plots; i++) {
        size_t n;
        free(check_plot(out_dir, plots[i], 960, 600, &n));
    }
    /* One line per policy: two index blocks, capacity on x. */
    char *dat_path = xasprintf("%s/data/sweep-cost.dat", out_dir);
    char *dat = slurp(dat_path, NULL);
    ck_assert_int_eq(count_of(dat, "# series: policy="), 2);
    ck_assert_ptr_nonnull(strstr(dat, "33554432\t32MiB\t"));
    free(dat), free(dat_path);
    char *html_path = xasprintf("%s/report.html", out_dir);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *html = slurp(html_path, NULL), *md = slurp(md_path, NULL);
    char *best = pct_of(db, "SELECT max(offload) FROM runs");
    char *worst = pct_of(db, "SELECT min(offload) FROM runs");
    char *params = q_text(db, "SELECT p.params FROM sweep_points p JOIN runs"
                              " r ON r.id = p.run_id ORDER BY"
                              " round(r.offload * 10000) DESC, r.cost_usd"
                              " LIMIT 1");
    const char *docs[] = {html, md};
    for (int d = 0; d < 2; d++) {
        ck_assert_msg(strstr(docs[d], best) != NULL, "best %s missing", best);
        ck_assert_ptr_nonnull(strstr(docs[d], worst));
        ck_assert_ptr_nonnull(strstr(docs[d], params));
        ck_assert_ptr_nonnull(strstr(docs[d], "4 points, 4 of them "
                                              "complete"));
        ck_assert_ptr_nonnull(strstr(docs[d], "Best points"));
    }
    /* The best point heads the findings. */
    char *lead = xasprintf("The highest offload, <strong>%s</strong>, comes "
                           "from point",
                           best);
    ck_assert_ptr_nonnull(strstr(html, lead));
    free(lead);
    ck_assert_int_eq(count_of(html, "src=\"data:image/png;base64,"), 13);
    /* --x picks the axis; a path the sweep does not vary is refused. */
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--x", POL, "--quiet", NULL),
                     0);
    dat_path = xasprintf("%s/data/sweep-cost.dat", out_dir);
    dat = slurp(dat_path, NULL);
    ck_assert_int_eq(count_of(dat, "# series: capacity="), 2);
    ck_assert_ptr_nonnull(strstr(dat, "\ts3fifo\t"));
    free(dat), free(dat_path);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--sweep", "1",
                                 "--out", out_dir, "--x", "catalog.ttl", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "does not vary"));
    free(err);
    free(best), free(worst), free(params);
    free(html), free(md), free(html_path), free(md_path);
    free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_report_errors)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/e.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "--out"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--out", out_dir,
                                 "--size", "big", NULL),
                     2);
    free(err);
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "report", db, "--out", out_dir, NULL), 3);
    ck_assert_ptr_nonnull(strstr(err, db));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "2000", "--set", "warmup=0",
                                 "--db", db, NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--run", "7",
                                 "--out", out_dir, NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "no run 7"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--sweep", "1",
                                 "--out", out_dir, NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "sweep"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--out", out_dir,
                                 "--templates", dir, NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "--templates"));
    free(err);
    /* Without gnuplot: a clear failure naming what to install. */
    setenv("CDNSIM_GNUPLOT", "/nonexistent/gnuplot", 1);
    int rc = test_cdnsim(NULL, &err, "report", db, "--out", out_dir, NULL);
    unsetenv("CDNSIM_GNUPLOT");
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, "gnuplot-nox"));
    free(err);
    free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* ---- Export ---------------------------------------------------------------
 */

/* Records (not lines: a quoted field may hold a line break) in a CSV. */
static int
csv_records(const char *text)
{
    int n = 0, quoted = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && p[0] == '\r' && p[1] == '\n')
            n++;
    }
    return n;
}

START_TEST(test_report_export_csv)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/x.db", dir);
    char *csv = xasprintf("%s/csv", dir);
    ck_assert_int_eq(small_sweep(db, "2", NULL), 0);
    /* A table with the characters RFC 4180 quotes. */
    exec_sql(db, "CREATE TABLE notes (id INTEGER, text TEXT);"
                 "INSERT INTO notes VALUES (1, 'a, \"b\"'), (2, 'two\nlines'),"
                 " (3, NULL)");
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "export", db, "--csv", csv, NULL),
                     0);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT name FROM sqlite_master WHERE"
                                        " type = 'table' AND name NOT LIKE"
                                        " 'sqlite%'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int n_tables = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        char *sql = xasprintf("SELECT count(*) FROM \"%s\"", t);
        long long rows = q_int(db, sql);
        char *path = xasprintf("%s/%s.csv", csv, t);
        ck_assert_ptr_nonnull(strstr(out, path));
        char *text = slurp(path, NULL);
        ck_assert_msg(csv_records(text) == rows + 1,
                      "%s: %d records, %lld "
                      "rows",
                      t, csv_records(text), rows);
        free(text), free(path), free(sql);
        n_tables++;
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* The 29 of the schema (origin_load, sweep_summary, sweep_metrics,
     * link_metrics, link_timeseries, overload_metrics,
     * overload_timeseries, class_metrics, top_objects, node_latency,
     * provider_bills, baselines, baseline_regions, alerts and
     * origin_nodes, cache_servers, video_metrics among them) and notes. */
    ck_assert_int_eq(n_tables, 30);
    free(out);
    char *notes_path = xasprintf("%s/notes.csv", csv);
    char *notes = slurp(notes_path, NULL);
    ck_assert_str_eq(notes, "id,text\r\n1,\"a, \"\"b\"\"\"\r\n"
                            "2,\"two\nlines\"\r\n3,\r\n");
    free(notes), free(notes_path);
    /* The header row names the columns. */
    char *runs_path = xasprintf("%s/runs.csv", csv);
    char *runs = slurp(runs_path, NULL);
    ck_assert_int_eq(strncmp(runs, "id,topology,topology_path,workload,", 35),
                     0);
    free(runs), free(runs_path);
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "export", db, NULL), 2);
    free(err);
    free(csv), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/*
 * An installed cdnsim (`make install`: PREFIX/bin/cdnsim and the templates
 * in PREFIX/share/cdnsim/reports) finds its templates from any working
 * directory; a copy of the binary with no templates near it says so.
 */
START_TEST(test_report_finds_installed_templates)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/run.db", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "2000", "--set", "warmup=0",
                                 "--db", db, NULL),
                     0);
    /* The layout `make install PREFIX=dir/prefix` makes, by hand. */
    char *script = xasprintf(
        "set -e; p=%s/prefix; mkdir -p $p/bin $p/share/cdnsim/reports "
        "%s/alone; cp %s $p/bin/cdnsim; cp %s $p/../alone/cdnsim; "
        "cp reports/*.gp $p/share/cdnsim/reports/",
        dir, dir, test_bin(), test_bin());
    const char *install[] = {"sh", "-c", script, NULL};
    ck_assert_int_eq(test_run(install, NULL, NULL), 0);
    /* Run from dir, where no reports/ directory is. */
    char *run = xasprintf("cd %s && exec prefix/bin/cdnsim report run.db "
                          "--out out",
                          dir);
    const char *argv[] = {"sh", "-c", run, NULL};
    char *err;
    int rc = test_run(argv, NULL, &err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    free(err);
    char *html = xasprintf("%s/out/report.html", dir);
    ck_assert_int_eq(access(html, R_OK), 0);
    char *alone = xasprintf("cd %s && exec alone/cdnsim report run.db "
                            "--out out2",
                            dir);
    argv[2] = alone;
    ck_assert_int_eq(test_run(argv, NULL, &err), 3);
    ck_assert_msg(strstr(err, "--templates") != NULL, "%s", err);
    free(err);
    free(alone), free(html), free(run), free(script), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_regress_11_report_outage_answers)
{
    /* The origin is down from 2 s to 4 s: failed requests lower the
     * offload, and the report says how the requests were answered (cache,
     * origin, failed), never that failures were answered "without the
     * origin". */
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/run.db", dir);
    char *out_dir = xasprintf("%s/out", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run",
                                 "topologies/origin-outage.yaml", WL, "--quiet",
                                 "--requests", "30000", "--set", "warmup=2000",
                                 "--set", "outages.0.at=2s", "--set",
                                 "outages.0.for=2s", "--db", db, NULL),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT served_from_cache + served_from_origin"
                               " + errors - requests FROM runs"),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT errors FROM runs"), 6811);
    ck_assert_int_eq(q_int(db, "SELECT served_from_cache FROM runs"), 9292);
    ck_assert_int_eq(q_int(db, "SELECT served_from_origin FROM runs"), 11897);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM region_metrics WHERE"
                               " hits + served_from_origin + errors !="
                               " requests OR bytes_hit + bytes_from_origin"
                               " + bytes_failed != bytes"),
                     0);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db, "--out", out_dir, NULL), 0);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = slurp(md_path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "Caches answered **33.19%** of the "
                                     "client requests (offload), the origin "
                                     "42.49%, and 24.32% failed."));
    ck_assert_ptr_null(strstr(md, "without the origin"));
    ck_assert_ptr_nonnull(strstr(md, "| failed (errors) | 6,811 |"));
    free(md), free(md_path), free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A table wider than the 16 columns the document once held: nine runs
 * side by side are 18 columns (this aborted). */
START_TEST(test_report_compare_many_runs)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/c.db", dir);
    char *out_dir = xasprintf("%s/cmp", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "3000", "--set", "warmup=300",
                                 "--replications", "9", "--db", db, NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--run",
                                 "1,2,3,4,5,6,7,8,9", "--out", out_dir,
                                 "--quiet", NULL),
                     0);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = slurp(md_path, NULL);
    ck_assert_ptr_nonnull(
        strstr(md, "| run 8 | run 9 | run 2 - run 1 | run 3 - run 1 |"));
    ck_assert_ptr_nonnull(strstr(md, "| run 9 - run 1 |\n"));
    free(md), free(md_path), free(out_dir), free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* report --run A,B: one column per run, the difference from the first,
 * each figure as the runs' rows hold it, and the plots overlaid. */
START_TEST(test_report_compare_runs)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/c.db", dir);
    char *out_dir = xasprintf("%s/cmp", dir);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(
            test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet", "--requests",
                        "20000", "--set", "warmup=2000", "--set",
                        i ? CAP "=1GiB" : CAP "=64MiB", "--db", db, NULL),
            0);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "report", db, "--run", "1,2",
                                 "--out", out_dir, NULL),
                     0);
    free(out);
    char *md_path = xasprintf("%s/report.md", out_dir);
    char *md = slurp(md_path, NULL);
    ck_assert_ptr_nonnull(strstr(md, "# cdnsim runs 1 and 2 side by side"));
    ck_assert_ptr_nonnull(
        strstr(md, "| metric | run 1 | run 2 | run 2 - run 1 |"));
    /* The runs' offload is the same (shield-ams catches what edge-fra
     * misses), so only the edge row below shows a column swapped or a
     * difference of the wrong sign: its hit ratios must differ. */
    char *diff = q_text(
        db, "SELECT sum(CASE WHEN run_id = 2 THEN hits ELSE -hits END) > 0"
            " FROM node_metrics WHERE tier = 'edge'");
    ck_assert_str_eq(diff, "1");
    free(diff);
    /* Offload and the edge tier's hit ratio, as the rows hold them. */
    char *want =
        q_text(db, "SELECT printf('| offload | %.2f%% | %.2f%% | %+.2f pt |',"
                   " a.offload * 100, b.offload * 100,"
                   " (b.offload - a.offload) * 100)"
                   " FROM runs a, runs b WHERE a.id = 1 AND b.id = 2");
    ck_assert_msg(strstr(md, want) != NULL, "%s lacks %s", md, want);
    free(want);
    want = q_text(
        db, "WITH e AS (SELECT run_id, 1.0 * sum(hits) / sum(requests) AS h"
            " FROM node_metrics WHERE tier = 'edge' GROUP BY run_id)"
            " SELECT printf('| edge hit ratio | %.2f%% | %.2f%% | %+.2f pt |',"
            " a.h * 100, b.h * 100, (b.h - a.h) * 100)"
            " FROM e a, e b WHERE a.run_id = 1 AND b.run_id = 2");
    ck_assert_msg(strstr(md, want) != NULL, "%s lacks %s", md, want);
    free(want);
    ck_assert_ptr_nonnull(strstr(md, "| origin requests | "));
    ck_assert_ptr_nonnull(strstr(md, "| p99 latency, asia | "));
    ck_assert_ptr_nonnull(strstr(md, CAP "=1GiB"));
    ck_assert_ptr_nonnull(strstr(md, "![Client latency over all regions"));
    free(md);
    free(md_path);
    /* One origin block and one latency block per run. */
    char *dat_path = xasprintf("%s/data/compare-origin.dat", out_dir);
    char *dat = slurp(dat_path, NULL);
    ck_assert_ptr_nonnull(strstr(dat, "# run 1: time (s)"));
    ck_assert_ptr_nonnull(strstr(dat, "# run 2: time (s)"));
    free(dat);
    free(dat_path);
    dat_path = xasprintf("%s/data/compare-hit-ratio.dat", out_dir);
    dat = slurp(dat_path, NULL);
    ck_assert_ptr_nonnull(strstr(dat, "\trun 1 hit ratio (%)\trun 2 hit "
                                      "ratio (%)\n"));
    ck_assert_ptr_nonnull(strstr(dat, "\nedge-fra\t"));
    free(dat);
    free(dat_path);
    static const char *const plots[] = {
        "compare-hit-ratio", "compare-latency-cdf", "compare-latency-ccdf",
        "compare-origin"};
    for (int i = 0; i < 4; i++) {
        char *png = xasprintf("%s/%s.png", out_dir, plots[i]);
        ck_assert_msg(access(png, R_OK) == 0, "%s missing", png);
        free(png);
    }
    /* The tail plot: one CCDF block per run, all shares in (0, 100]. */
    dat_path = xasprintf("%s/data/compare-latency-ccdf.dat", out_dir);
    dat = slurp(dat_path, NULL);
    ck_assert_int_eq(count_of(dat, "# *: latency (ms)"), 2);
    ck_assert_ptr_null(strstr(dat, "\t0\n"));
    free(dat);
    free(dat_path);
    /* Each run's p50, p95 and p99 marked, in its curve's line type. */
    dat_path = xasprintf("%s/data/compare-latency-ccdf.gp", out_dir);
    dat = slurp(dat_path, NULL);
    ck_assert_ptr_nonnull(strstr(dat, "n_marks = 6"));
    ck_assert_ptr_nonnull(strstr(dat, "'run 1 p50 "));
    ck_assert_ptr_nonnull(strstr(dat, "'run 2 p99 "));
    ck_assert_ptr_nonnull(strstr(dat, "mark_lt[4] = '2'"));
    free(dat);
    free(dat_path);
    /* A run that is not there, and ids that are not ids. */
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "report", db, "--run", "1,9",
                                 "--out", out_dir, NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "no run 9 in this database"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--run", "1,x",
                                 "--out", out_dir, NULL),
                     2);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--run", "1,,2",
                                 "--out", out_dir, NULL),
                     2);
    free(out_dir);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_report_vary_ranges);
    tcase_add_test(tc, test_report_vary_errors);
    tcase_add_test(tc, test_report_sweep_jobs_agree);
    tcase_add_test(tc, test_report_sweep_resumes);
    tcase_add_test(tc, test_report_sweep_interrupted);
    tcase_add_test(tc, test_report_run_image_round_trip);
    tcase_add_test(tc, test_report_sweep_mpi_equals_jobs_1);
    suite_add_tcase(s, tc);
    tc = tcase_create("report");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_report_run_plots_and_numbers);
    tcase_add_test(tc, test_report_compare_runs);
    tcase_add_test(tc, test_report_compare_many_runs);
    tcase_add_test(tc, test_regress_11_report_outage_answers);
    tcase_add_test(tc, test_report_sweep_plots_and_numbers);
    tcase_add_test(tc, test_report_reads_version_1);
    tcase_add_test(tc, test_report_sweep_outdated);
    tcase_add_test(tc, test_report_errors);
    tcase_add_test(tc, test_report_finds_installed_templates);
    tcase_add_test(tc, test_report_export_csv);
    suite_add_tcase(s, tc);
    return s;
}
