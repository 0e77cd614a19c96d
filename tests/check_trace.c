/* check_trace.c: trace writers (every format, next_access, compression),
 * the csv reader's optional columns, `trace stats` figures against exact
 * counts and a known Zipf exponent, and the `cdnsim trace` commands. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "suites.h"
#include "util/xalloc.h"
#include "workload/workload.h"

#define ck_assert_has(s, sub)                                                  \
    ck_assert_msg(strstr((s), (sub)) != NULL, "\"%s\" lacks \"%s\"", (s), (sub))

/* A small trace with every optional field and repeated objects. */
static const struct trace_rec recs[] = {
    {.time = 10, .id = 1, .size = 100},
    {.time = 11,
     .id = 2,
     .size = 200,
     .has = TRACE_HAS_REGION,
     .region = "eu",
     .region_len = 2},
    {.time = 11,
     .id = 1,
     .size = 100,
     .has = TRACE_HAS_TTL,
     .ttl_ns = 1500000000},
    {.time = 12,
     .id = 3,
     .size = 300,
     .has = TRACE_HAS_VERSION | TRACE_HAS_TAGS,
     .version = 7,
     .tags = "a,b",
     .tags_len = 3},
    {.time = 13,
     .id = 2,
     .size = 200,
     .has = TRACE_HAS_CACHEABLE,
     .is_cacheable = 0},
    {.time = 20, .id = 1, .size = 100},
};
#define N_RECS (sizeof recs / sizeof recs[0])

/* 0-based index of the next request for recs[i].id, or -1. */
static int64_t
next_of(size_t i)
{
    for (size_t j = i + 1; j < N_RECS; j++)
        if (recs[j].id == recs[i].id)
            return (int64_t)j;
    return -1;
}

static void
write_recs(const char *path, enum trace_format f, unsigned cols)
{
    struct trace_writer *w;
    struct sim_err err = {0};
    char buf[1024];
    ck_assert_msg(trace_writer_open(path, f, cols, &w, &err) == 0, "%s",
                  sim_err_format(&err, buf, sizeof buf));
    for (size_t i = 0; i < N_RECS; i++)
        ck_assert_int_eq(trace_write(w, &recs[i], &err), 0);
    ck_assert_msg(trace_writer_close(w, &err) == 0, "%s",
                  sim_err_format(&err, buf, sizeof buf));
}

static struct trace_reader *
open_ok(const char *path, enum trace_format f)
{
    struct trace_reader *r;
    struct sim_err err = {0};
    char buf[1024];
    ck_assert_msg(trace_open(path, f, NULL, &r, &err) == 0, "%s",
                  sim_err_format(&err, buf, sizeof buf));
    return r;
}

static const char *const out_names[] = {"t.oracleGeneral.bin",
                                        "t.oracleGeneral.bin.zst",
                                        "t.csv",
                                        "t.csv.zst",
                                        "t.tr",
                                        "t.tr.zst"};
static const enum trace_format out_formats[] = {
    TRACE_ORACLE_GENERAL, TRACE_ORACLE_GENERAL, TRACE_CSV, TRACE_CSV,
    TRACE_WEBCACHESIM,    TRACE_WEBCACHESIM};

START_TEST(test_trace_writers_round_trip)
{
    /* Every format, plain and compressed, reads back what was written;
     * oracle_general gains each request's next access, csv keeps the
     * optional fields. */
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/%s", dir, out_names[_i]);
    enum trace_format f = out_formats[_i];
    unsigned cols = TRACE_HAS_REGION | TRACE_HAS_TTL | TRACE_HAS_TAGS |
                    TRACE_HAS_VERSION | TRACE_HAS_CACHEABLE;
    write_recs(path, f, cols);
    struct trace_reader *r = open_ok(path, f);
    ck_assert_uint_eq(trace_columns(r), f == TRACE_CSV ? cols : 0);
    struct trace_rec rec;
    for (size_t i = 0; i < N_RECS; i++) {
        ck_assert_int_eq(trace_next(r, &rec), 1);
        ck_assert_int_eq(rec.time, recs[i].time);
        ck_assert_uint_eq(rec.id, recs[i].id);
        ck_assert_uint_eq(rec.size, recs[i].size);
        ck_assert_int_eq(rec.next_access,
                         f == TRACE_ORACLE_GENERAL ? next_of(i) : -1);
        if (f != TRACE_CSV) {
            ck_assert_uint_eq(rec.has, 0);
            continue;
        }
        ck_assert_uint_eq(rec.has, recs[i].has);
        if (rec.has & TRACE_HAS_REGION)
            ck_assert(rec.region_len == 2 && memcmp(rec.region, "eu", 2) == 0);
        if (rec.has & TRACE_HAS_TTL)
            ck_assert_int_eq(rec.ttl_ns, recs[i].ttl_ns);
        if (rec.has & TRACE_HAS_VERSION)
            ck_assert_uint_eq(rec.version, 7);
        if (rec.has & TRACE_HAS_TAGS) /* quoted in the file, as written */
            ck_assert(rec.tags_len == 3 && memcmp(rec.tags, "a,b", 3) == 0);
        if (rec.has & TRACE_HAS_CACHEABLE)
            ck_assert_int_eq(rec.is_cacheable, 0);
    }
    ck_assert_int_eq(trace_next(r, &rec), 0);
    trace_close(r);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_trace_writer_limits)
{
    /* oracle_general holds 32-bit times and sizes: a bigger one is an
     * error naming the record, and nothing is left behind. */
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/big.bin", dir);
    struct trace_writer *w;
    struct sim_err err = {0};
    ck_assert_int_eq(trace_writer_open(path, TRACE_ORACLE_GENERAL, 0, &w, &err),
                     0);
    struct trace_rec big = {.time = (int64_t)1 << 33, .id = 1, .size = 1};
    ck_assert_int_eq(trace_write(w, &recs[0], &err), 0);
    ck_assert_int_eq(trace_write(w, &big, &err), -SIM_EBADVAL);
    ck_assert_has(err.msg, "record 2");
    trace_writer_abort(w);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_null(f);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The text formats write 64-bit times, ids and sizes whole (a record of
 * three of the largest was cut at 47 characters). */
START_TEST(test_trace_writer_wide_numbers)
{
    char *dir = test_tmpdir();
    static const char *const formats[][2] = {{"csv", "%s,%s,%s\n"},
                                             {"webcachesim", "%s %s %s\n"}};
    const char *t = "9000000000000000000", *id = "18446744073709551615";
    char *in = xasprintf("%s/in.csv", dir);
    FILE *f = fopen(in, "w");
    fprintf(f, "time,id,size\n%s,%s,%s\n", t, id, id);
    fclose(f);
    for (size_t i = 0; i < 2; i++) {
        char *out = xasprintf("%s/out.%s", dir, formats[i][0]);
        char *so = NULL;
        ck_assert_int_eq(test_cdnsim(&so, NULL, "trace", "convert", in, out,
                                     "--from", "csv", "--to", formats[i][0],
                                     NULL),
                         0);
        free(so);
        char *text = test_read_file(out);
        char *line = xasprintf(formats[i][1], t, id, id);
        ck_assert_msg(strstr(text, line) != NULL, "%s lacks %s", text, line);
        free(line), free(text), free(out);
    }
    free(in);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A csv with a bad optional field: the error names line, column, role. */
static const struct {
    const char *text;
    int line, col;
    const char *field, *msg;
} bad_fields[] = {
    {"time,id,size,ttl\n1,1,10,60\n2,2,10,soon\n", 3, 4, "ttl",
     "expected a ttl in seconds"},
    {"time,id,size,version\n1,1,10,v2\n", 2, 4, "version",
     "a whole number for the version"},
    {"id,cacheable\n1,maybe\n", 2, 2, "cacheable", "1 or 0"},
    {"id,swr\n1,2,\n1,soon\n", 3, 2, "stale_while_revalidate",
     "expected stale_while_revalidate in seconds"},
    {"id,cache_control\n1,\"public, max-age=ten\"\n", 2, 2, "cache_control",
     "a whole number of seconds in \"max-age=ten\""},
    {"id,Cache-Control\n1,s-maxage\n", 2, 2, "cache_control",
     "seconds in \"s-maxage\""},
};

START_TEST(test_trace_csv_bad_optional_field)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "bad.csv", bad_fields[_i].text);
    struct trace_reader *r = open_ok(path, TRACE_CSV);
    struct trace_rec rec;
    int rc;
    while ((rc = trace_next(r, &rec)) == 1)
        ;
    ck_assert_int_eq(rc, -SIM_ETRACE);
    const struct sim_err *e = trace_error(r);
    ck_assert_int_eq(e->line, bad_fields[_i].line);
    ck_assert_int_eq(e->col, bad_fields[_i].col);
    ck_assert_str_eq(e->field, bad_fields[_i].field);
    ck_assert_has(e->msg, bad_fields[_i].msg);
    trace_close(r);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_trace_csv_optional_columns_by_name)
{
    /* Header aliases find the optional columns; empty fields give
     * nothing; ttl takes seconds or a unit. */
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "opt.csv",
                                 "ts,key,bytes,max_age,region,surrogate_keys\n"
                                 "5,a,10,0.25,asia,x y\n"
                                 "6,b,20,,,\n"
                                 "7,a,10,90ms,us,\n");
    struct trace_reader *r = open_ok(path, TRACE_CSV);
    ck_assert_uint_eq(trace_columns(r),
                      TRACE_HAS_TTL | TRACE_HAS_REGION | TRACE_HAS_TAGS);
    struct trace_rec rec;
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has,
                      TRACE_HAS_TTL | TRACE_HAS_REGION | TRACE_HAS_TAGS);
    ck_assert_int_eq(rec.ttl_ns, 250000000);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, 0);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_int_eq(rec.ttl_ns, 90000000);
    ck_assert(rec.region_len == 2 && memcmp(rec.region, "us", 2) == 0);
    trace_close(r);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_trace_csv_cache_control)
{
    /* A Cache-Control header fills the freshness fields; the fields' own
     * columns win; unknown directives are skipped. */
    char *dir = test_tmpdir();
    char *path = test_write_file(
        dir, "cc.csv",
        "time,id,size,cache_control,sie\n"
        "1,a,10,\"public, max-age=60, S-Maxage=3600, immutable\",\n"
        "2,b,10,\"max-age=5, stale-while-revalidate=30, "
        "stale-if-error=86400\",2h\n"
        "3,c,10,\"private, max-age=10\",\n"
        "4,d,10,no-store,\n"
        "5,e,10,no-cache,\n"
        "6,f,10,\"max-age=\"\"7\"\"\",\n"
        "7,g,10,,\n");
    struct trace_reader *r = open_ok(path, TRACE_CSV);
    const unsigned cc = TRACE_HAS_TTL | TRACE_HAS_S_MAXAGE | TRACE_HAS_SWR |
                        TRACE_HAS_SIE | TRACE_HAS_CACHEABLE;
    ck_assert_uint_eq(trace_columns(r), cc);
    struct trace_rec rec;
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, TRACE_HAS_TTL | TRACE_HAS_S_MAXAGE);
    ck_assert_int_eq(rec.ttl_ns, 60 * 1000000000LL);
    ck_assert_int_eq(rec.s_maxage_ns, 3600 * 1000000000LL);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, TRACE_HAS_TTL | TRACE_HAS_SWR | TRACE_HAS_SIE);
    ck_assert_int_eq(rec.swr_ns, 30 * 1000000000LL);
    ck_assert_int_eq(rec.sie_ns, 7200 * 1000000000LL); /* the sie column */
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, TRACE_HAS_TTL | TRACE_HAS_CACHEABLE);
    ck_assert_int_eq(rec.is_cacheable, 0);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, TRACE_HAS_CACHEABLE);
    ck_assert_int_eq(rec.is_cacheable, 0);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, TRACE_HAS_TTL);
    ck_assert_int_eq(rec.ttl_ns, 0);
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_int_eq(rec.ttl_ns, 7 * 1000000000LL); /* a quoted value */
    ck_assert_int_eq(trace_next(r, &rec), 1);
    ck_assert_uint_eq(rec.has, 0);
    ck_assert_int_eq(trace_next(r, &rec), 0);
    trace_close(r);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* --- stats ---------------------------------------------------------------- */

static void
stats_of(const char *path, enum trace_format f,
         const struct trace_stats_opts *o, struct trace_stats *st)
{
    struct trace_reader *r = open_ok(path, f);
    struct sim_err err = {0};
    char buf[1024];
    ck_assert_msg(trace_stats_run(r, o, st, &err) == 0, "%s",
                  sim_err_format(&err, buf, sizeof buf));
    trace_close(r);
}

START_TEST(test_trace_stats_exact_figures)
{
    /* a b c a b d a: objects 4, one-hit wonders c and d, every reuse
     * distance 2 ({b,c}, {c,a}, {b,d}); sizes as written. */
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "s.tr",
                                 "1 1 10\n2 2 20\n3 3 30\n4 1 10\n"
                                 "5 2 20\n6 4 40\n7 1 10\n");
    struct trace_stats st;
    struct trace_stats_opts o = {.reuse_objects = 0};
    stats_of(path, TRACE_WEBCACHESIM, &o, &st);
    ck_assert_uint_eq(st.requests, 7);
    ck_assert_uint_eq(st.bytes, 140);
    ck_assert_double_eq(st.unique_objects, 4);
    ck_assert_double_eq(st.wss_bytes, 100);
    ck_assert_double_eq_tol(st.one_hit_ratio, 0.5, 1e-12);
    ck_assert_double_eq(st.reuses, 3);
    ck_assert_double_eq(st.cold, 4);
    for (int k = 0; k < TRACE_STATS_NQ; k++)
        ck_assert_uint_eq(st.reuse[k], 2);
    ck_assert_uint_eq(st.request_size[0], 20);
    ck_assert_uint_eq(st.request_size_max, 40);
    ck_assert_int_eq(st.first_time, 1);
    ck_assert_int_eq(st.last_time, 7);
    ck_assert_int_eq(st.has_fit, 0);
    uint64_t sum = 0;
    for (size_t k = 0; k < st.n_windows; k++)
        sum += st.windows[k];
    ck_assert_uint_eq(sum, 7);
    trace_stats_fini(&st);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* README's example of `trace stats` is what the program prints (its
 * first eleven lines, up to the rate's heading). */
START_TEST(test_trace_stats_readme_example)
{
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, &err, "trace", "stats",
                    "tests/data/cloudphysics.oracleGeneral.bin.zst", "--format",
                    "oracle_general", NULL),
        0);
    char *end = out;
    for (int i = 0; i < 11 && end != NULL; i++)
        end = strchr(end + (i > 0), '\n');
    ck_assert_ptr_nonnull(end);
    end[1] = '\0';
    char *readme = test_read_file("README.md");
    ck_assert_msg(strstr(readme, out) != NULL, "README.md lacks:\n%s", out);
    free(readme);
    free(out);
    free(err);
}
END_TEST

START_TEST(test_trace_stats_sampling_stays_close)
{
    /* On the CloudPhysics trace (48,974 objects): SHARDS with 8,192
     * tracked objects keeps the reuse-distance percentiles within 5% of
     * the exact ones, and a 50% object sample estimates the objects and
     * one-hit wonders within 5%. */
    const char *path = "tests/data/cloudphysics.oracleGeneral.bin.zst";
    struct trace_stats exact, approx;
    struct trace_stats_opts o = {.reuse_objects = 0};
    stats_of(path, TRACE_ORACLE_GENERAL, &o, &exact);
    o.reuse_objects = 8192;
    o.sample_rate = 0.5;
    stats_of(path, TRACE_ORACLE_GENERAL, &o, &approx);
    ck_assert_double_eq(exact.unique_objects, 48974);
    ck_assert_double_eq_tol(approx.unique_objects, 48974, 0.05 * 48974);
    ck_assert_double_eq_tol(approx.one_hit_ratio, exact.one_hit_ratio,
                            0.05 * exact.one_hit_ratio);
    ck_assert_double_lt(approx.reuse_rate, 1);
    for (int k = 0; k < TRACE_STATS_NQ; k++)
        ck_assert_msg(fabs((double)approx.reuse[k] - (double)exact.reuse[k]) <
                          0.05 * (double)exact.reuse[k],
                      "q%d: %llu vs exact %llu", k,
                      (unsigned long long)approx.reuse[k],
                      (unsigned long long)exact.reuse[k]);
    trace_stats_fini(&exact);
    trace_stats_fini(&approx);
}
END_TEST

/* Writes n requests of a Zipf(alpha) workload over `objects` objects. */
static void
write_zipf_trace(const char *dir, const char *path, double alpha,
                 uint64_t objects, uint64_t n)
{
    char *yaml =
        xasprintf("name: z\nseed: 11\nrequests: %llu\n"
                  "arrival: {rate: 1000}\n"
                  "catalog: {objects: %llu, zipf_alpha: %g}\n",
                  (unsigned long long)n, (unsigned long long)objects, alpha);
    char *wl_path = test_write_file(dir, "z.yaml", yaml);
    struct cfg_workload *w;
    struct sim_err err = {0};
    char buf[1024];
    ck_assert_msg(cfg_load_workload(wl_path, NULL, 0, &w, &err) == 0, "%s",
                  sim_err_format(&err, buf, sizeof buf));
    const char *names[] = {"r"};
    double weights[] = {1};
    struct wl_gen *g;
    ck_assert_int_eq(wl_gen_new(w, names, weights, 1, &g, &err), 0);
    struct trace_writer *tw;
    ck_assert_int_eq(
        trace_writer_open(path, TRACE_ORACLE_GENERAL, 0, &tw, &err), 0);
    struct wl_request q;
    uint64_t bad = 0; /* Check's assertions are slow in a loop */
    for (uint64_t i = 0; i < n; i++) {
        bad += wl_gen_next(g, &q) != 1;
        struct trace_rec rec = {
            .time = q.at / 1000000000, .id = q.object, .size = q.size};
        bad += trace_write(tw, &rec, &err) != 0;
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_int_eq(trace_writer_close(tw, &err), 0);
    wl_gen_free(g);
    cfg_workload_free(w);
    free(wl_path);
    free(yaml);
}

START_TEST(test_trace_stats_fits_zipf_alpha)
{
    /* The maximum-likelihood fit recovers the exponent of generated
     * Zipf traces within 0.02 (measured: within 0.002 for 0.7, 0.9 and
     * 1.1 over 10,000 objects and 500,000 requests). */
    static const double alphas[] = {0.7, 0.9, 1.1};
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/z.bin", dir);
    write_zipf_trace(dir, path, alphas[_i], 10000, 500000);
    struct trace_stats st;
    stats_of(path, TRACE_ORACLE_GENERAL, NULL, &st);
    ck_assert_int_eq(st.has_fit, 1);
    ck_assert_msg(fabs(st.alpha - alphas[_i]) < 0.02,
                  "fitted %.4f for %.2f (stderr %.4f, KS %.4f)", st.alpha,
                  alphas[_i], st.alpha_stderr, st.fit_ks);
    ck_assert_double_lt(st.fit_ks, 0.02);
    ck_assert_double_gt(st.alpha_stderr, 0);
    trace_stats_fini(&st);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_trace_commands)
{
    char *dir = test_tmpdir();
    char *csv = xasprintf("%s/g.csv", dir);
    char *bin = xasprintf("%s/g.bin.zst", dir);
    char *back = xasprintf("%s/back.csv", dir);
    char *out, *err;
    /* gen: the default workload for one region, 2,000 requests. */
    const char *gen[] = {"trace",
                         "gen",
                         "workloads/zipf.yaml",
                         "--out",
                         csv,
                         "--format",
                         "csv",
                         "--requests",
                         "2000",
                         "--topology",
                         "topologies/global.yaml",
                         "--set",
                         "warmup=0",
                         NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, gen), 0);
    ck_assert_has(out, "2000 requests");
    free(out), free(err);
    /* convert to oracle_general (compressed) and back: region and ttl are
     * lost on the way (oracle_general has no such fields). */
    const char *conv[] = {"trace", "convert",        csv, bin, "--from", "csv",
                          "--to",  "oracle_general", NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, conv), 0);
    free(out), free(err);
    const char *conv2[] = {"trace",          "convert", bin,   back, "--from",
                           "oracle_general", "--to",    "csv", NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, conv2), 0);
    free(out), free(err);
    /* stats: JSON with the figures. */
    const char *stats[] = {
        "trace",       "stats", bin,      "--format", "oracle_general",
        "--min-count", "3",     "--json", "-",        NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, stats), 0);
    ck_assert_has(out, "\"requests\": 2000,");
    ck_assert_has(out, "\"zipf\": {\"alpha\": ");
    ck_assert_has(out, "\"one_hit_wonder_ratio\": ");
    free(out), free(err);
    /* Usage errors exit 2; a bad trace exits 3 naming the line. */
    const char *bad_fmt[] = {"trace",    "stats",   csv,
                             "--format", "parquet", NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, bad_fmt), 2);
    ck_assert_has(err, "unknown format");
    free(out), free(err);
    const char *no_out[] = {"trace",    "gen", "workloads/zipf.yaml",
                            "--format", "csv", NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, no_out), 2);
    free(out), free(err);
    const char *bad[] = {"trace",    "stats", "tests/data/traces/bad-size.csv",
                         "--format", "csv",   NULL};
    ck_assert_int_eq(test_cdnsim_argv(&out, &err, bad), 3);
    ck_assert_has(err, "bad-size.csv:4:3: size:");
    free(out), free(err);
    free(csv);
    free(bin);
    free(back);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("write");
    tcase_add_loop_test(tc, test_trace_writers_round_trip, 0,
                        sizeof out_names / sizeof out_names[0]);
    tcase_add_test(tc, test_trace_writer_limits);
    tcase_add_test(tc, test_trace_writer_wide_numbers);
    tcase_add_loop_test(tc, test_trace_csv_bad_optional_field, 0,
                        sizeof bad_fields / sizeof bad_fields[0]);
    tcase_add_test(tc, test_trace_csv_optional_columns_by_name);
    tcase_add_test(tc, test_trace_csv_cache_control);
    suite_add_tcase(s, tc);
    tc = tcase_create("stats");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_trace_stats_exact_figures);
    tcase_add_test(tc, test_trace_stats_sampling_stays_close);
    tcase_add_test(tc, test_trace_stats_readme_example);
    tcase_add_loop_test(tc, test_trace_stats_fits_zipf_alpha, 0, 3);
    suite_add_tcase(s, tc);
    tc = tcase_create("commands");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_trace_commands);
    suite_add_tcase(s, tc);
    return s;
}
