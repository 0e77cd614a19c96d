/* check_mrc.c: LRU miss-ratio curves (`cdnsim replay --mrc`): the exact
 * curve equals replaying an LRU cache at each size (objects: always;
 * bytes: when no object is larger than the cache), SHARDS within stated
 * tolerances of the exact curve on real traces, memory bounded by the
 * objects, the command line and the README's figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/mrc.h"
#include "replay/replay.h"
#include "suites.h"
#include "util/xalloc.h"
#include "workload/workload.h"

#define CLOUDPHYSICS "tests/data/cloudphysics.oracleGeneral.bin.zst"
#define WCS_TRACE "tests/data/webcachesim-test.tr"
#define ADAPTSIZE "tests/data/adaptsize-web.tr.zst"
#define CACHE2K "tests/data/cache2k-web12.csv.zst"

struct trace_case {
    const char *path;
    enum trace_format format;
};

static const struct trace_case real_traces[] = {
    {CLOUDPHYSICS, TRACE_ORACLE_GENERAL},
    {WCS_TRACE, TRACE_WEBCACHESIM},
    {ADAPTSIZE, TRACE_WEBCACHESIM},
    {CACHE2K, TRACE_CSV},
};
#define N_REAL (sizeof real_traces / sizeof real_traces[0])

static void
run_mrc(const struct trace_case *t, int unit_size, double rate,
        uint64_t max_objects, const uint64_t *sizes, size_t n_sizes,
        uint64_t warmup, struct mrc_result *r)
{
    struct mrc_opts o = {.trace_path = t->path,
                         .format = t->format,
                         .unit_size = unit_size,
                         .warmup = warmup,
                         .sample_rate = rate,
                         .max_objects = max_objects,
                         .sizes = sizes,
                         .n_sizes = n_sizes};
    struct sim_err err;
    sim_err_clear(&err);
    int rc = mrc_run(&o, r, &err);
    ck_assert_msg(rc == 0, "%s: %s", t->path, err.msg);
}

/* LRU replayed at each size: misses[i] (OUT). */
static void
run_lru(const struct trace_case *t, int unit_size, const uint64_t *sizes,
        size_t n_sizes, uint64_t warmup, uint64_t *misses)
{
    const char *pol[] = {"lru"};
    struct replay_capacity caps[16];
    ck_assert_uint_le(n_sizes, 16);
    for (size_t i = 0; i < n_sizes; i++)
        caps[i] = (struct replay_capacity){.value = sizes[i]};
    struct replay_opts o = {.trace_path = t->path,
                            .format = t->format,
                            .policies = pol,
                            .n_policies = 1,
                            .capacities = caps,
                            .n_capacities = n_sizes,
                            .unit_size = unit_size,
                            .warmup = warmup,
                            .seed = 1};
    struct replay_summary s;
    struct sim_err err;
    sim_err_clear(&err);
    ck_assert_msg(replay_run(&o, &s, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < n_sizes; i++)
        misses[i] = s.results[i].misses;
    replay_summary_fini(&s);
}

/* Object caches: the curve is LRU's miss count at every size, exactly. */
START_TEST(test_mrc_objects_equal_lru_replay)
{
    static const uint64_t sizes[] = {1, 2, 7, 100, 490, 2449, 4897, 20000};
    size_t n = sizeof sizes / sizeof sizes[0];
    for (size_t t = 0; t < N_REAL; t++) {
        for (uint64_t warmup = 0; warmup <= 5000; warmup += 5000) {
            struct mrc_result r;
            uint64_t lru[8];
            run_mrc(&real_traces[t], 1, 1, 0, sizes, n, warmup, &r);
            run_lru(&real_traces[t], 1, sizes, n, warmup, lru);
            ck_assert(r.is_exact);
            ck_assert_uint_eq(r.n_points, n);
            for (size_t i = 0; i < n; i++) {
                ck_assert_uint_eq(r.points[i].size, sizes[i]);
                ck_assert_msg(r.points[i].misses == (double)lru[i],
                              "%s at %llu objects: curve %.0f, lru %llu",
                              real_traces[t].path, (unsigned long long)sizes[i],
                              r.points[i].misses, (unsigned long long)lru[i]);
                ck_assert(r.points[i].miss_ratio ==
                          (double)lru[i] / (double)r.requests);
            }
            mrc_result_fini(&r);
        }
    }
}
END_TEST

/*
 * Byte caches: equal when every object fits (the largest object of
 * webcachesim-test is 46 bytes, of adaptsize-web 4,092,928). Below that
 * the curve counts the too-large objects in the distances, which an LRU
 * cache refuses to hold, so the curve's misses can only be more.
 */
START_TEST(test_mrc_bytes_equal_lru_when_objects_fit)
{
    static const uint64_t wcs_sizes[] = {46, 50, 100, 300, 1000, 1500};
    static const uint64_t as_sizes[] = {4092928, 16 << 20, 100 << 20,
                                        1ull << 30};
    static const uint64_t small[] = {5, 10, 20, 40};
    struct {
        const struct trace_case *t;
        const uint64_t *sizes;
        size_t n;
        int is_equal;
    } cases[] = {
        {&real_traces[1], wcs_sizes, 6, 1},
        {&real_traces[2], as_sizes, 4, 1},
        {&real_traces[1], small, 4, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct mrc_result r;
        uint64_t lru[8];
        run_mrc(cases[c].t, 0, 1, 0, cases[c].sizes, cases[c].n, 0, &r);
        run_lru(cases[c].t, 0, cases[c].sizes, cases[c].n, 0, lru);
        for (size_t i = 0; i < cases[c].n; i++) {
            if (cases[c].is_equal)
                ck_assert_msg(r.points[i].misses == (double)lru[i],
                              "%s at %llu bytes: curve %.0f, lru %llu",
                              cases[c].t->path,
                              (unsigned long long)cases[c].sizes[i],
                              r.points[i].misses, (unsigned long long)lru[i]);
            else
                ck_assert(r.points[i].misses >= (double)lru[i]);
        }
        mrc_result_fini(&r);
    }
    /* The README's example of the difference. */
    static const uint64_t ten[] = {10};
    struct mrc_result r;
    uint64_t lru10;
    run_mrc(&real_traces[1], 0, 1, 0, ten, 1, 0, &r);
    run_lru(&real_traces[1], 0, ten, 1, 0, &lru10);
    char phrase[128];
    snprintf(phrase, sizeof phrase,
             "webcachesim-test at 10 bytes: %.0f misses against LRU's %llu",
             r.points[0].misses, (unsigned long long)lru10);
    /* With thousands separators, as the README writes them. */
    ck_assert_str_eq(phrase, "webcachesim-test at 10 bytes: 9595 misses "
                             "against LRU's 9560");
    test_assert_readme_says("webcachesim-test at 10 bytes: 9,595 misses "
                            "against LRU's 9,560");
    mrc_result_fini(&r);
}
END_TEST

/* The default grid: four sizes per doubling, miss ratios that never rise,
 * and at the end only the first requests of objects miss. */
START_TEST(test_mrc_default_grid_ends_at_cold_misses)
{
    struct mrc_result r;
    run_mrc(&real_traces[0], 1, 1, 0, NULL, 0, 0, &r);
    ck_assert_uint_gt(r.n_points, 40);
    for (size_t i = 1; i < r.n_points; i++) {
        ck_assert_uint_gt(r.points[i].size, r.points[i - 1].size);
        ck_assert(r.points[i].size <=
                  (uint64_t)llround(r.points[i - 1].size * 1.2) + 1);
        ck_assert(r.points[i].miss_ratio <= r.points[i - 1].miss_ratio);
    }
    ck_assert_uint_eq(r.requests, 113872);
    ck_assert_uint_eq(r.n_objects, 48974);
    ck_assert(r.points[r.n_points - 1].misses == 48974.0);
    ck_assert(r.points[r.n_points - 2].misses > 48974.0);
    mrc_result_fini(&r);
}
END_TEST

/* Mean and largest absolute difference of two curves' miss ratios over
 * the sizes up to the number of objects. */
static void
curve_error(const struct mrc_result *exact, const struct mrc_result *est,
            double *mean, double *worst)
{
    double sum = 0;
    size_t n = 0;
    *worst = 0;
    ck_assert_uint_eq(exact->n_points, est->n_points);
    for (size_t i = 0; i < exact->n_points; i++) {
        if (exact->points[i].size > exact->n_objects)
            continue;
        double d =
            fabs(exact->points[i].miss_ratio - est->points[i].miss_ratio);
        sum += d;
        n++;
        if (d > *worst)
            *worst = d;
    }
    ck_assert_uint_gt(n, 20);
    *mean = sum / (double)n;
}

/* The grid 2^(k/4) from 16 objects on, as explicit sizes. */
static size_t
grid_sizes(uint64_t *sizes, size_t cap)
{
    size_t n = 0;
    for (int k = 16; k < 16 + (int)cap; k++)
        sizes[n++] = (uint64_t)llround(exp2(k / 4.0));
    return n;
}

/*
 * SHARDS on the real traces, against the exact curve, object caches:
 * fixed size with 4,096 objects (what --sample auto does past its limit):
 * mean error <= 0.025, largest <= 0.05; fixed rate 0.1: mean <= 0.05.
 * Measured: see README (the errors depend on the hash, which is fixed).
 */
START_TEST(test_mrc_shards_within_tolerance)
{
    uint64_t sizes[56];
    size_t n = grid_sizes(sizes, 56);
    const struct trace_case *ts[] = {&real_traces[0], &real_traces[2],
                                     &real_traces[3]};
    for (size_t t = 0; t < 3; t++) {
        struct mrc_result exact, fixed_size, fixed_rate;
        run_mrc(ts[t], 1, 1, 0, sizes, n, 0, &exact);
        run_mrc(ts[t], 1, 0, 4096, sizes, n, 0, &fixed_size);
        run_mrc(ts[t], 1, 0.1, 0, sizes, n, 0, &fixed_rate);
        ck_assert(!fixed_size.is_exact && !fixed_rate.is_exact);
        ck_assert_uint_eq(fixed_size.n_objects, 4096);
        ck_assert(fixed_size.sample_rate < 0.5);
        double mean, worst;
        curve_error(&exact, &fixed_size, &mean, &worst);
        ck_assert_msg(mean <= 0.025 && worst <= 0.05,
                      "%s fixed size: mean %.4f worst %.4f", ts[t]->path, mean,
                      worst);
        curve_error(&exact, &fixed_rate, &mean, &worst);
        ck_assert_msg(mean <= 0.05, "%s rate 0.1: mean %.4f", ts[t]->path,
                      mean);
        mrc_result_fini(&exact);
        mrc_result_fini(&fixed_size);
        mrc_result_fini(&fixed_rate);
    }
    test_assert_readme_says("at most 0.025 (largest error 0.05) with "
                            "`--max-objects 4096`, and at most 0.05 with "
                            "`--sample 0.1`");
}
END_TEST

/* Byte caches sampled: adaptsize-web at fixed size 4,096 objects, the
 * byte miss ratio within 0.05 on average of the exact one. */
START_TEST(test_mrc_shards_bytes_within_tolerance)
{
    uint64_t sizes[24];
    for (size_t i = 0; i < 24; i++)
        sizes[i] = (uint64_t)llround(exp2(22 + i / 2.0));
    struct mrc_result exact, est;
    run_mrc(&real_traces[2], 0, 1, 0, sizes, 24, 0, &exact);
    run_mrc(&real_traces[2], 0, 0, 4096, sizes, 24, 0, &est);
    double sum = 0;
    for (size_t i = 0; i < 24; i++)
        sum += fabs(exact.points[i].byte_miss_ratio -
                    est.points[i].byte_miss_ratio);
    ck_assert_msg(sum / 24 <= 0.05, "mean byte error %.4f", sum / 24);
    mrc_result_fini(&exact);
    mrc_result_fini(&est);
}
END_TEST

/* Fixed size is exact while the objects fit in it. */
START_TEST(test_mrc_fixed_size_exact_when_objects_fit)
{
    struct mrc_result exact, auto_r;
    run_mrc(&real_traces[1], 0, 1, 0, NULL, 0, 0, &exact);
    run_mrc(&real_traces[1], 0, 0, 960, NULL, 0, 0, &auto_r);
    ck_assert(auto_r.is_exact);
    ck_assert_uint_eq(auto_r.n_points, exact.n_points);
    for (size_t i = 0; i < exact.n_points; i++) {
        ck_assert(exact.points[i].misses == auto_r.points[i].misses);
        ck_assert(exact.points[i].byte_miss_ratio ==
                  auto_r.points[i].byte_miss_ratio);
    }
    mrc_result_fini(&auto_r);
    run_mrc(&real_traces[1], 0, 0, 959, NULL, 0, 0, &auto_r);
    ck_assert(!auto_r.is_exact);
    ck_assert_uint_le(auto_r.n_objects, 959);
    mrc_result_fini(&auto_r);
    mrc_result_fini(&exact);
}
END_TEST

/* Memory follows the objects, not the requests: 400,000 requests (40,000
 * sanitized) over 300 objects keep 1,024 stack slots, and the curve is
 * still LRU's. */
START_TEST(test_mrc_memory_bounded_by_objects)
{
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/many.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("id\n", f);
    unsigned n = test_sanitized() ? 40000 : 400000;
    uint64_t x = 12345;
    for (unsigned i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        /* Skewed: half the requests go to the first 30 objects. */
        unsigned id = (x >> 33) % 2 ? (unsigned)(x >> 40) % 30
                                    : (unsigned)(x >> 40) % 300;
        fprintf(f, "%u\n", id);
    }
    ck_assert_int_eq(fclose(f), 0);
    struct trace_case t = {path, TRACE_CSV};
    static const uint64_t sizes[] = {10, 30, 100, 200, 299};
    struct mrc_result r;
    uint64_t lru[5];
    run_mrc(&t, 1, 1, 0, sizes, 5, 0, &r);
    run_lru(&t, 1, sizes, 5, 0, lru);
    ck_assert_uint_eq(r.requests, n);
    ck_assert_uint_eq(r.n_objects, 300);
    ck_assert_uint_eq(r.n_slots, 1024);
    for (size_t i = 0; i < 5; i++)
        ck_assert(r.points[i].misses == (double)lru[i]);
    mrc_result_fini(&r);
    /* 48,974 objects: slots at most twice that. */
    run_mrc(&real_traces[0], 1, 1, 0, NULL, 0, 0, &r);
    ck_assert_uint_le(r.n_slots, 2 * 48974 + 2);
    mrc_result_fini(&r);
    test_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

/* The command line: table, CSV and JSON files, errors. */
START_TEST(test_mrc_cli)
{
    char *dir = test_tmpdir();
    char *csv = xasprintf("%s/c.csv", dir), *json = xasprintf("%s/c.json", dir);
    char *out = NULL, *err = NULL;
    int st = test_cdnsim(&out, &err, "replay", CLOUDPHYSICS, "--format",
                         "oracle_general", "--mrc", "--unit-size", "--capacity",
                         "490,4897", "--out", csv, NULL);
    ck_assert_msg(st == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(out, "4897          91657     0.804913"));
    test_assert_readme_says("490          95415     0.837915        0.837915");
    test_assert_readme_says("4897          91657     0.804913        0.804913");
    char *text = test_read_file(csv);
    ck_assert_str_eq(text, "capacity,misses,miss_ratio,byte_miss_ratio\n"
                           "490,95415,0.8379145005,0.8379145005\n"
                           "4897,91657,0.8049125334,0.8049125334\n");
    free(text);
    free(out);
    free(err);
    st = test_cdnsim(&out, &err, "replay", WCS_TRACE, "--format", "webcachesim",
                     "--mrc", "--capacity", "1000", "--sample", "1", "--out",
                     json, NULL);
    ck_assert_msg(st == 0, "%s", err);
    text = test_read_file(json);
    ck_assert_ptr_nonnull(strstr(text, "\"exact\": true"));
    ck_assert_ptr_nonnull(strstr(text, "{\"capacity\": 1000, \"misses\": "
                                       "1997, \"miss_ratio\": 0.1903354937"));
    free(text);
    free(out);
    free(err);
    /* Usage errors exit 2, a bad trace 3. */
    const char *bad[][8] = {
        {"--sample", "0", NULL},        {"--sample", "1.5", NULL},
        {"--policy", "fifo", NULL},     {"--capacity", "0.5", NULL},
        {"--policy", "lru,fifo", NULL}, {"--max-objects", "0", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[16] = {"replay", WCS_TRACE, "--format", "webcachesim",
                                "--mrc"};
        size_t n = 5;
        for (size_t j = 0; bad[i][j] != NULL; j++)
            args[n++] = bad[i][j];
        args[n] = NULL;
        st = test_cdnsim_argv(NULL, &err, args);
        ck_assert_msg(st == 2, "%s %s: exit %d", bad[i][0], bad[i][1], st);
        free(err);
    }
    /* --policy lru is what --mrc computes anyway: the same curve. */
    char *same = NULL;
    st = test_cdnsim(&same, &err, "replay", CLOUDPHYSICS, "--format",
                     "oracle_general", "--mrc", "--policy", "lru",
                     "--unit-size", "--capacity", "490,4897", NULL);
    ck_assert_msg(st == 0, "%s", err);
    ck_assert_ptr_nonnull(strstr(same, "4897          91657     0.804913"));
    free(same);
    free(err);
    st = test_cdnsim(NULL, &err, "replay", WCS_TRACE, "--format", "webcachesim",
                     "--mrc", "--policy", "lhd", NULL);
    ck_assert_int_eq(st, 2);
    ck_assert_msg(strstr(err, "--mrc computes the LRU curve only (Mattson's "
                              "stack distances), not --policy \"lhd\"") != NULL,
                  "%s", err);
    free(err);
    st = test_cdnsim(NULL, &err, "replay", "tests/data/traces/bad-size.csv",
                     "--format", "csv", "--mrc", NULL);
    ck_assert_int_eq(st, 3);
    ck_assert_ptr_nonnull(strstr(err, "bad-size.csv"));
    free(err);
    test_rmtree(dir);
    free(csv);
    free(json);
    free(dir);
}
END_TEST

/* --plot draws mrc.png and mrc.svg with gnuplot. */
START_TEST(test_mrc_plot)
{
    char *dir = test_tmpdir();
    char *err = NULL;
    int st =
        test_cdnsim(NULL, &err, "replay", WCS_TRACE, "--format", "webcachesim",
                    "--mrc", "--plot", dir, "--templates", "reports", NULL);
    ck_assert_msg(st == 0, "%s", err);
    free(err);
    const char *files[] = {"mrc.png", "mrc.svg", "data/mrc.dat", "data/mrc.gp"};
    for (size_t i = 0; i < 4; i++) {
        char *p = xasprintf("%s/%s", dir, files[i]);
        char *text = test_read_file(p);
        ck_assert_msg(text != NULL && strlen(text) > 0, "%s", p);
        free(text);
        free(p);
    }
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
mrc_suite(void)
{
    Suite *s = suite_create("mrc");
    TCase *tc = tcase_create("mrc");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_mrc_objects_equal_lru_replay);
    tcase_add_test(tc, test_mrc_bytes_equal_lru_when_objects_fit);
    tcase_add_test(tc, test_mrc_default_grid_ends_at_cold_misses);
    tcase_add_test(tc, test_mrc_shards_within_tolerance);
    tcase_add_test(tc, test_mrc_shards_bytes_within_tolerance);
    tcase_add_test(tc, test_mrc_fixed_size_exact_when_objects_fit);
    tcase_add_test(tc, test_mrc_memory_bounded_by_objects);
    tcase_add_test(tc, test_mrc_cli);
    tcase_add_test(tc, test_mrc_plot);
    suite_add_tcase(s, tc);
    return s;
}
