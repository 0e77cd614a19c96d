/* check_workload.c: the Zipf sampler, rank scrambling, object sizes, and
 * the synthetic generator: content classes, the diurnal curve, flash
 * crowds, regional locality, churn and determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "config/config.h"
#include "engine/engine.h"
#include "suites.h"
#include "util/xalloc.h"
#include "workload/workload.h"

/*
 * The sampler against the exact Zipf pmf: over 10^6 draws from n = 1000,
 * every rank's frequency is within 5 standard errors of n p_i, and a
 * chi-square over the ranks with expected count >= 20 stays under the
 * 99.99% quantile (approximated as dof + 4.5 sqrt(2 dof)).
 */
static void
check_zipf(uint64_t n, double alpha)
{
    struct wl_zipf z;
    wl_zipf_init(&z, n, alpha);
    gsl_rng *rng = sim_rng_new(42, 1);
    const uint64_t draws = 1000000;
    uint64_t *count = xcalloc(n + 1, sizeof *count);
    for (uint64_t i = 0; i < draws; i++) {
        uint64_t k = wl_zipf_sample(&z, rng);
        ck_assert(k >= 1 && k <= n);
        count[k]++;
    }
    double norm = 0;
    for (uint64_t k = 1; k <= n; k++)
        norm += pow((double)k, -alpha);
    double chi2 = 0;
    int dof = -1;
    for (uint64_t k = 1; k <= n; k++) {
        double e = (double)draws * pow((double)k, -alpha) / norm;
        double sd = sqrt(e);
        ck_assert_msg(fabs((double)count[k] - e) < 5 * sd + 1,
                      "alpha %.2f rank %llu: %llu draws, expected %.1f", alpha,
                      (unsigned long long)k, (unsigned long long)count[k], e);
        if (e >= 20) {
            chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
            dof++;
        }
    }
    ck_assert_msg(chi2 < dof + 4.5 * sqrt(2.0 * dof), "chi2 %.1f dof %d", chi2,
                  dof);
    free(count);
    gsl_rng_free(rng);
}

START_TEST(test_workload_zipf_matches_pmf)
{
    static const double alphas[] = {0.0, 0.6, 0.8, 1.0, 1.2};
    check_zipf(1000, alphas[_i]);
}
END_TEST

/*
 * The table shortcut takes the same uniforms and gives the same ranks as
 * the sampler, draw for draw, past the draw where it is built, for
 * uniform, light and heavy tails, small and huge catalogs; and it does
 * answer most draws of the default catalog (else it would be dead code).
 */
START_TEST(test_workload_zipf_table_same_draws)
{
    static const struct {
        uint64_t n;
        double alpha;
    } cases[] = {{1, 0.8},
                 {2, 0.8},
                 {10, 0.0},
                 {1000, 0.6},
                 {100000, 0.8},
                 {100000, 1.0},
                 {100000, 1.2},
                 {70000, 2.5},
                 {1000000000ULL, 0.9},
                 {1000000000ULL, 1.5}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct wl_zipf z;
        wl_zipf_init(&z, cases[c].n, cases[c].alpha);
        struct wl_zipf_table t;
        wl_zipf_table_init(&t);
        gsl_rng *a = sim_rng_new(11, c), *b = sim_rng_new(11, c);
        uint64_t draws = WL_ZIPF_TABLE_AFTER + 200000;
        for (uint64_t i = 0; i < draws; i++) {
            uint64_t ka = wl_zipf_sample(&z, a);
            uint64_t kb = wl_zipf_table_sample(&t, &z, b, gsl_rng_uniform(b));
            ck_assert_msg(ka == kb, "n %llu alpha %.2f draw %llu: %llu vs %llu",
                          (unsigned long long)cases[c].n, cases[c].alpha,
                          (unsigned long long)i, (unsigned long long)ka,
                          (unsigned long long)kb);
        }
        ck_assert(t.rank != NULL);
        ck_assert(gsl_rng_get(a) == gsl_rng_get(b)); /* in step */
        if (cases[c].n == 100000 && cases[c].alpha == 0.8) {
            size_t known = 0, nb = (size_t)1 << WL_ZIPF_TABLE_BITS;
            for (size_t i = 0; i < nb; i++)
                known += t.rank[i] != 0;
            ck_assert_msg(known > nb / 3, "%zu of %zu buckets", known, nb);
        }
        wl_zipf_table_fini(&t);
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}
END_TEST

/* One first uniform g / 2^32 through the table and through the exact
 * sampler, from two streams in the same state: the same rank, and the
 * streams still in step. */
static void
check_zipf_chord_at(struct wl_zipf_table *t, const struct wl_zipf *z,
                    gsl_rng *a, gsl_rng *b, double g)
{
    if (g < 0 || g > 4294967295.0)
        return;
    double U = g / 4294967296.0;
    uint64_t ka = wl_zipf_sample_from(z, a, U);
    uint64_t kb = wl_zipf_table_sample(t, z, b, U);
    ck_assert_msg(ka == kb, "n %llu alpha %.2f g %.0f: %llu vs %llu",
                  (unsigned long long)z->n, z->alpha, g, (unsigned long long)ka,
                  (unsigned long long)kb);
    ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
}

/*
 * The table's second level (the chord) gives the sampler's rank at both
 * ends of every rank's run of uniforms and just outside them, where an
 * error in its margins would show first; and it covers most of the
 * uniforms the buckets leave to the exact path in the default catalog.
 */
START_TEST(test_workload_zipf_chord_same_ranks)
{
    static const struct {
        uint64_t n;
        double alpha;
    } cases[] = {{1, 0.8},      {10, 0.0},      {1000, 0.6},
                 {100000, 0.8}, {100000, 1.0},  {100000, 1.2},
                 {70000, 2.5},  {1000000, 0.0}, {1000000000ULL, 0.9}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        struct wl_zipf z;
        wl_zipf_init(&z, cases[c].n, cases[c].alpha);
        struct wl_zipf_table t;
        wl_zipf_table_init(&t);
        gsl_rng *a = sim_rng_new(5, c), *b = sim_rng_new(5, c);
        gsl_rng *build = sim_rng_new(6, c);
        for (uint64_t i = 0; i < 3000000 && t.lo == NULL; i++)
            wl_zipf_table_sample(&t, &z, build, gsl_rng_uniform(build));
        gsl_rng_free(build);
        /* Tiny catalogs rarely leave the buckets: no chord needed. */
        ck_assert_msg(t.lo != NULL || cases[c].n <= 10, "case %zu", c);
        double covered = 0;
        for (uint32_t k = 1; t.lo != NULL && k <= t.n_chord; k++) {
            double lo = t.lo[k], span = t.span[k];
            covered += span;
            if (span == 0)
                continue;
            check_zipf_chord_at(&t, &z, a, b, lo - 1);
            check_zipf_chord_at(&t, &z, a, b, lo);
            check_zipf_chord_at(&t, &z, a, b, lo + floor(span / 2));
            check_zipf_chord_at(&t, &z, a, b, lo + span - 1);
            check_zipf_chord_at(&t, &z, a, b, lo + span);
        }
        if (cases[c].n == 100000 && cases[c].alpha == 0.8) {
            /* Buckets of rank 0 take about 42% of the uniforms here. */
            size_t zero = 0, nb = (size_t)1 << WL_ZIPF_TABLE_BITS;
            for (size_t i = 0; i < nb; i++)
                zero += t.rank[i] == 0;
            ck_assert_msg(zero > nb / 3, "%zu of %zu buckets", zero, nb);
            ck_assert_msg(covered > 0.95 * (double)zero * 65536.0,
                          "%.0f of %zu", covered, zero * 65536);
        }
        wl_zipf_table_fini(&t);
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}
END_TEST

/* wl_floor is floor() bit for bit, and wl_exponential draws what
 * gsl_ran_exponential draws from the same stream. */
START_TEST(test_workload_inline_floor_and_exponential)
{
    static const double special[] = {-0.0,
                                     0.0,
                                     0.5,
                                     -0.5,
                                     1.0,
                                     -1.0,
                                     2.5,
                                     -2.5,
                                     0.49999999999999994,
                                     -0.49999999999999994,
                                     4503599627370495.5,
                                     -4503599627370495.5,
                                     4503599627370496.0,
                                     1e300,
                                     -1e300,
                                     INFINITY,
                                     -INFINITY,
                                     NAN};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        double a = floor(special[i]), b = wl_floor(special[i]);
        ck_assert_mem_eq(&a, &b, sizeof a);
    }
    gsl_rng *r1 = sim_rng_new(7, 1), *r2 = sim_rng_new(7, 1);
    for (int i = 0; i < 200000; i++) {
        double mu = i % 3 ? 2e5 : 1.7e-3;
        double a = gsl_ran_exponential(r1, mu), b = wl_exponential(r2, mu);
        ck_assert_mem_eq(&a, &b, sizeof a);
        double x = (i % 2 ? -a : a) + 0.5;
        double fa = floor(x), fb = wl_floor(x);
        ck_assert_mem_eq(&fa, &fb, sizeof fa);
    }
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}
END_TEST

START_TEST(test_workload_zipf_huge_catalog)
{
    /* No table: 10^9 objects cost nothing, and rank 1 has its mass. */
    struct wl_zipf z;
    wl_zipf_init(&z, 1000000000ULL, 0.9);
    gsl_rng *rng = sim_rng_new(3, 1);
    uint64_t ones = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t k = wl_zipf_sample(&z, rng);
        ck_assert(k >= 1 && k <= 1000000000ULL);
        ones += k == 1;
    }
    /* p_1 = 1 / sum_{k<=1e9} k^-0.9 = 0.014285 (Euler-Maclaurin); the
     * standard error of 2e5 draws is 0.00027, so 4 sd is 0.0011. */
    double p1 = (double)ones / 200000.0;
    ck_assert_msg(fabs(p1 - 0.014285) < 0.0011, "p1 %.5f", p1);
    gsl_rng_free(rng);
}
END_TEST

START_TEST(test_workload_scramble_is_a_bijection)
{
    static const uint64_t sizes[] = {1, 2, 3, 1000, 1024, 4097, 100000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t n = sizes[s];
        unsigned char *seen = xcalloc(n, 1);
        struct wl_scrambler sc;
        wl_scrambler_init(&sc, n, 77);
        uint64_t fixed = 0;
        for (uint64_t x = 0; x < n; x++) {
            uint64_t y = wl_scramble(&sc, x);
            ck_assert_uint_lt(y, n);
            ck_assert_int_eq(seen[y], 0);
            seen[y] = 1;
            fixed += x == y;
        }
        if (n >= 1000)
            ck_assert_uint_lt(fixed, n / 100); /* it does scramble */
        free(seen);
    }
}
END_TEST

START_TEST(test_workload_sizes)
{
    struct cfg_size fixed = {
        .dist = CFG_SIZE_FIXED, .bytes = 512, .min_bytes = 1};
    ck_assert_uint_eq(wl_object_size(&fixed, 9, 1), 512);
    struct cfg_size logn = {.dist = CFG_SIZE_LOGNORMAL,
                            .bytes = 20480,
                            .sigma = 1.0,
                            .min_bytes = 1,
                            .max_bytes = 4ULL << 30};
    /* One size per object, and a median near the configured one. */
    ck_assert_uint_eq(wl_object_size(&logn, 12345, 1),
                      wl_object_size(&logn, 12345, 1));
    uint64_t below = 0;
    for (uint64_t id = 0; id < 100000; id++)
        below += wl_object_size(&logn, id, 1) < 20480;
    ck_assert_msg(below > 49000 && below < 51000, "%llu below median",
                  (unsigned long long)below);
}
END_TEST

START_TEST(test_workload_size_distributions)
{
    /* Pareto: P(X > 2 x_m) = 2^-alpha; empirical: the table's shares. */
    struct cfg_size par = {.dist = CFG_SIZE_PARETO,
                           .bytes = 1000,
                           .alpha = 1.5,
                           .min_bytes = 1000,
                           .max_bytes = 4ULL << 30};
    uint64_t table[] = {512, 4096, 1 << 20};
    double cdf[] = {0.5, 0.8, 1.0};
    struct cfg_size emp = {.dist = CFG_SIZE_EMPIRICAL,
                           .table_bytes = table,
                           .table_cdf = cdf,
                           .n_table = 3};
    const uint64_t n = 200000;
    uint64_t above = 0, count[3] = {0, 0, 0};
    uint64_t bad = 0;
    for (uint64_t id = 0; id < n; id++) {
        uint64_t s = wl_object_size(&par, id, 5);
        bad += s < 1000;
        above += s > 2000;
        uint64_t e = wl_object_size(&emp, id, 5);
        count[e == 512 ? 0 : e == 4096 ? 1 : 2]++;
        bad += !(e == 512 || e == 4096 || e == (1 << 20));
    }
    ck_assert_uint_eq(bad, 0);
    double p = pow(2, -1.5), sd = sqrt(p * (1 - p) / (double)n);
    ck_assert_double_eq_tol((double)above / (double)n, p, 5 * sd);
    ck_assert_double_eq_tol((double)count[0] / (double)n, 0.5, 0.006);
    ck_assert_double_eq_tol((double)count[1] / (double)n, 0.3, 0.006);
    ck_assert_double_eq_tol((double)count[2] / (double)n, 0.2, 0.006);
}
END_TEST

/* --- the generator -------------------------------------------------------- */

/* Loads a workload written out from yaml (caller frees it). */
static struct cfg_workload *
load_wl(const char *yaml)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "w.yaml", yaml);
    struct cfg_workload *w;
    struct sim_err err = {0};
    char buf[1024];
    int rc = cfg_load_workload(path, NULL, 0, &w, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    free((char *)w->path);
    w->path = xstrdup("w.yaml"); /* the file goes with its directory */
    test_rmtree(dir);
    free(dir);
    free(path);
    return w;
}

static struct wl_gen *
gen_for(const struct cfg_workload *w, uint32_t n_regions)
{
    static const char *const names[] = {"eu", "us", "asia"};
    static const double weights[] = {0.5, 0.3, 0.2};
    struct wl_gen *g;
    struct sim_err err = {0};
    char buf[1024];
    int rc = wl_gen_new(w, names, weights, n_regions, &g, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    return g;
}

static const char classes_yaml[] =
    "name: mix\n"
    "requests: 1000000\n"
    "arrival: {rate: 1000}\n"
    "catalog:\n"
    "  ttl: 1h\n"
    "  zipf_alpha: 0.8\n"
    "  classes:\n"
    "    - {name: static, share: 0.5, objects: 10000,\n"
    "       size: {dist: lognormal, median: 16KiB, sigma: 1}, ttl: 30d}\n"
    "    - {name: pages, share: 0.2, objects: 2000, change_interval: 1h,\n"
    "       size: {dist: pareto, min: 8KiB, alpha: 1.5}}\n"
    "    - {name: api, share: 0.2, objects: 500, ttl: 10s,\n"
    "       change_interval: 30s, size: {dist: fixed, bytes: 2KiB}}\n"
    "    - {name: personal, share: 0.1, objects: 100000, cacheable: false,\n"
    "       size: {dist: empirical, table: [[1KiB, 1], [4KiB, 3]]}}\n";

START_TEST(test_workload_classes_match_config)
{
    /* Each class gets its share of requests (within 5 standard errors),
     * its own id range, its TTL, cacheability, version rule and sizes. */
    struct cfg_workload *w = load_wl(classes_yaml);
    ck_assert_uint_eq(w->n_classes, 4);
    ck_assert_uint_eq(w->classes[1].first_id, 10000);
    ck_assert_uint_eq(w->classes[3].first_id, 12500);
    ck_assert_uint_eq(w->n_objects, 112500);
    ck_assert_int_eq(w->classes[1].ttl_ns, 3600 * SIM_S); /* inherited */
    ck_assert_double_eq(w->classes[0].zipf_alpha, 0.8);
    struct wl_gen *g = gen_for(w, 3);
    const uint64_t n = 200000;
    uint64_t count[4] = {0}, below_median = 0, n_static = 0, small = 0;
    struct wl_request q;
    int64_t last = 0;
    /* Check's assertions are slow in a loop: count violations instead. */
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; i++) {
        bad += wl_gen_next(g, &q) != 1 || q.at < last;
        last = q.at;
        const struct cfg_class *c = &w->classes[q.class_id];
        count[q.class_id]++;
        bad += q.object < c->first_id || q.object >= c->first_id + c->n_objects;
        bad += q.ttl_ns != c->ttl_ns;
        bad += q.is_uncacheable != !c->is_cacheable;
        bad += q.size != wl_object_size(&c->size, q.object, 1);
        /* Immutable: version 0; else it steps once per interval. */
        uint64_t lo = c->change_interval_ns
                          ? (uint64_t)(q.at / c->change_interval_ns)
                          : 0;
        bad += q.version < lo || q.version > lo + (c->change_interval_ns > 0);
        if (q.class_id == 0) {
            n_static++;
            below_median += q.size < 16384;
        }
        if (q.class_id == 3)
            small += q.size == 1024;
    }
    ck_assert_uint_eq(bad, 0);
    for (int k = 0; k < 4; k++) {
        double e = (double)n * w->classes[k].share;
        ck_assert_msg(fabs((double)count[k] - e) < 5 * sqrt(e),
                      "class %d: %llu requests, expected %.0f", k,
                      (unsigned long long)count[k], e);
    }
    /* Sizes are per object, so request sizes follow the popularity: just
     * check they are spread both sides of the median, and the empirical
     * shares over the (nearly uniform) personal class. */
    ck_assert_double_eq_tol((double)below_median / (double)n_static, 0.5, 0.1);
    ck_assert_double_eq_tol((double)small / (double)count[3], 0.25, 0.02);
    ck_assert_uint_eq(wl_gen_object_ttl(g, 10100), 3600 * SIM_S);
    ck_assert_uint_eq(wl_gen_object_size(g, 12000), 2048);
    wl_gen_free(g);
    cfg_workload_free(w);
}
END_TEST

/* Expected requests in [a, b) h for rate factor f(t) x rate, by the
 * midpoint rule (the curves are smooth or constant within an hour). */
static double
expected_requests(const struct cfg_workload *w, double a_h, double b_h)
{
    double sum = 0;
    const int steps = 600;
    double dt = (b_h - a_h) / steps;
    for (int i = 0; i < steps; i++) {
        double t = a_h + (i + 0.5) * dt;
        sum += wl_rate_factor(w, (int64_t)(t * 3600e9)) * w->rate * dt * 3600;
    }
    return sum;
}

static const char *const diurnal_yaml[] = {
    "name: d\nrequests: 10000000\n"
    "arrival: {rate: 30, diurnal: {peak_hour: 18, peak_to_trough: 3},\n"
    "          start_hour: 5.5}\n"
    "catalog: {objects: 1000, zipf_alpha: 0.8}\n",
    "name: h\nrequests: 10000000\n"
    "arrival: {hourly: [10, 8, 6, 5, 5, 6, 10, 20, 30, 35, 35, 35, 35, 35,\n"
    "                   35, 35, 40, 45, 50, 55, 50, 40, 25, 15]}\n"
    "catalog: {objects: 1000, zipf_alpha: 0.8}\n",
};

START_TEST(test_workload_diurnal_follows_curve)
{
    /* Over one simulated day, requests in each hour match the integral of
     * the configured rate within 5 standard errors (Poisson), and the
     * peak hour holds the most. */
    struct cfg_workload *w = load_wl(diurnal_yaml[_i]);
    struct wl_gen *g = gen_for(w, 3);
    uint64_t hour[24] = {0};
    struct wl_request q;
    while (wl_gen_next(g, &q) == 1 && q.at < 24 * 3600 * SIM_S)
        hour[q.at / (3600 * SIM_S)]++;
    int peak = 0;
    double chi2 = 0;
    for (int h = 0; h < 24; h++) {
        double e = expected_requests(w, h, h + 1);
        ck_assert_msg(fabs((double)hour[h] - e) < 5 * sqrt(e),
                      "hour %d: %llu requests, expected %.0f", h,
                      (unsigned long long)hour[h], e);
        chi2 += ((double)hour[h] - e) * ((double)hour[h] - e) / e;
        if (hour[h] > hour[peak])
            peak = h;
    }
    ck_assert_double_lt(chi2, 24 + 4.5 * sqrt(48.0)); /* 99.99% */
    /* Sinusoid: the peak, 18:00 local, is 12.5 h into the run; table: the
     * hour with the highest rate. */
    ck_assert_int_eq(peak, _i == 0 ? 12 : 19);
    wl_gen_free(g);
    cfg_workload_free(w);
}
END_TEST

START_TEST(test_workload_flash_crowd_adds_requests)
{
    /* A crowd of 3x for 60 s adds 2 x rate x 60 requests, for its own
     * objects only, inside its interval. */
    struct cfg_workload *w =
        load_wl("name: f\nrequests: 1000000\n"
                "arrival:\n  rate: 500\n  flash_crowds:\n"
                "    - {at: 100s, duration: 60s, objects: 4, multiplier: 3}\n"
                "catalog: {objects: 1000, zipf_alpha: 0.8}\n");
    ck_assert_uint_eq(w->flash[0].first_id, 1000);
    struct wl_gen *g = gen_for(w, 2);
    uint64_t crowd = 0, inside = 0, bad = 0;
    struct wl_request q;
    while (wl_gen_next(g, &q) == 1 && q.at < 300 * SIM_S) {
        int in = q.at >= 100 * SIM_S && q.at < 160 * SIM_S;
        inside += in;
        if (q.object >= 1000) {
            crowd++;
            bad += !in || q.object >= 1004;
        }
    }
    ck_assert_uint_eq(bad, 0);
    double e = 2 * 500 * 60;
    ck_assert_double_eq_tol((double)crowd, e, 5 * sqrt(e));
    ck_assert_double_eq_tol((double)inside, 3 * e / 2, 5 * sqrt(3 * e / 2));
    wl_gen_free(g);
    cfg_workload_free(w);
}
END_TEST

/* How many of region a's 20 most requested objects are among region b's. */
static int
top_overlap(const char *yaml)
{
    struct cfg_workload *w = load_wl(yaml);
    struct wl_gen *g = gen_for(w, 2);
    uint64_t n = w->n_objects;
    uint64_t *cnt[2] = {xcalloc(n, sizeof(uint64_t)),
                        xcalloc(n, sizeof(uint64_t))};
    struct wl_request q;
    for (int i = 0; i < 200000 && wl_gen_next(g, &q) == 1; i++)
        cnt[q.region][q.object]++;
    uint64_t top[2][20];
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 20; k++) {
            uint64_t best = 0;
            for (uint64_t o = 1; o < n; o++)
                if (cnt[r][o] > cnt[r][best])
                    best = o;
            top[r][k] = best;
            cnt[r][best] = 0;
        }
    int common = 0;
    for (int a = 0; a < 20; a++)
        for (int b = 0; b < 20; b++)
            common += top[0][a] == top[1][b];
    free(cnt[0]);
    free(cnt[1]);
    wl_gen_free(g);
    cfg_workload_free(w);
    return common;
}

START_TEST(test_workload_regional_locality)
{
    /* overlap 1: regions rank alike; 0: their top objects are unrelated;
     * a per-region overlap sits in between. */
    const char *base = "name: l\nrequests: 1000000\narrival: {rate: 1000}\n"
                       "catalog:\n  objects: 10000\n  zipf_alpha: 1.0\n";
    char *yaml = xasprintf("%s", base);
    int same = top_overlap(yaml);
    free(yaml);
    yaml = xasprintf("%s  locality: {overlap: 0}\n", base);
    int apart = top_overlap(yaml);
    free(yaml);
    yaml = xasprintf("%s  locality: {overlap: 0, regions: {eu: 0.5, us: 1}}\n",
                     base);
    int half = top_overlap(yaml);
    free(yaml);
    ck_assert_int_ge(same, 17);
    ck_assert_int_le(apart, 2);
    ck_assert_msg(half > apart && half < same, "%d %d %d", same, half, apart);
}
END_TEST

START_TEST(test_workload_churn_publishes_decaying_objects)
{
    /* One new object a second, each with 50 requests expected over a
     * 10 s exponential decay: about 50 churn requests a second, made at a
     * mean age of 10 s. */
    struct cfg_workload *w = load_wl(
        "name: c\nrequests: 1000000\narrival: {rate: 100}\n"
        "catalog:\n  objects: 1000\n  zipf_alpha: 0.8\n"
        "  churn: {publish_rate: 1, lifetime: {dist: fixed, mean: 10s},\n"
        "          requests_per_object: {dist: fixed, mean: 50}}\n");
    ck_assert_uint_eq(w->churn.first_id, 1000);
    struct wl_gen *g = gen_for(w, 3);
    uint64_t churn = 0, base = 0, max_id = 0;
    struct wl_request q;
    while (wl_gen_next(g, &q) == 1 && q.at < 1000 * SIM_S) {
        if (q.object >= 1000) {
            churn++;
            if (q.object > max_id)
                max_id = q.object;
        } else {
            base++;
        }
    }
    /* Objects published in [0, 1000 s) minus the tail still to come. */
    ck_assert_double_eq_tol((double)churn, 50 * 990.0, 0.06 * 50 * 990);
    ck_assert_double_eq_tol((double)base, 100000, 5 * sqrt(100000.0));
    ck_assert_double_eq_tol((double)(max_id - 1000), 1000, 150);
    wl_gen_free(g);
    cfg_workload_free(w);
}
END_TEST

START_TEST(test_workload_same_seed_same_requests)
{
    /* Every feature at once: the same seed gives the same requests, and
     * another seed different ones. */
    static const char extra[] =
        "  churn: {publish_rate: 0.5, lifetime: {dist: exponential, mean: "
        "1m},\n          requests_per_object: {dist: pareto, mean: 20, "
        "alpha: 1.5}}\n"
        "  locality: {overlap: 0.5}\n";
    char *yaml = xasprintf("%s%s", classes_yaml, extra);
    char *flash = strstr(yaml, "arrival: {rate: 1000}");
    ck_assert_ptr_nonnull(flash);
    struct cfg_workload *w = load_wl(yaml);
    struct wl_gen *a = gen_for(w, 3), *b = gen_for(w, 3);
    w->seed = 2;
    struct wl_gen *c = gen_for(w, 3);
    struct wl_request qa, qb, qc;
    int differ = 0, same = 0;
    for (int i = 0; i < 100000; i++) {
        int ok = wl_gen_next(a, &qa) == 1 && wl_gen_next(b, &qb) == 1 &&
                 wl_gen_next(c, &qc) == 1;
        same += ok && memcmp(&qa, &qb, sizeof qa) == 0;
        differ += qa.object != qc.object;
    }
    ck_assert_int_eq(same, 100000);
    ck_assert_int_gt(differ, 50000);
    wl_gen_free(a);
    wl_gen_free(b);
    wl_gen_free(c);
    cfg_workload_free(w);
    free(yaml);
}
END_TEST

Suite *
workload_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *tc = tcase_create("zipf");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_workload_zipf_matches_pmf, 0, 5);
    tcase_add_test(tc, test_workload_zipf_huge_catalog);
    tcase_add_test(tc, test_workload_zipf_table_same_draws);
    tcase_add_test(tc, test_workload_zipf_chord_same_ranks);
    suite_add_tcase(s, tc);
    tc = tcase_create("objects");
    tcase_add_test(tc, test_workload_scramble_is_a_bijection);
    tcase_add_test(tc, test_workload_sizes);
    tcase_add_test(tc, test_workload_size_distributions);
    suite_add_tcase(s, tc);
    tc = tcase_create("generator");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_workload_classes_match_config);
    tcase_add_loop_test(tc, test_workload_diurnal_follows_curve, 0, 2);
    tcase_add_test(tc, test_workload_flash_crowd_adds_requests);
    tcase_add_test(tc, test_workload_regional_locality);
    tcase_add_test(tc, test_workload_churn_publishes_decaying_objects);
    tcase_add_test(tc, test_workload_same_seed_same_requests);
    tcase_add_test(tc, test_workload_inline_floor_and_exponential);
    suite_add_tcase(s, tc);
    return s;
}
