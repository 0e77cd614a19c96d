/* check_workload.c: the Zipf sampler, rank scrambling and object sizes. */
#include <math.h>
#include <stdlib.h>

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
                      "alpha %.2f rank %llu: %llu draws, expected %.1f",
                      alpha, (unsigned long long)k,
                      (unsigned long long)count[k], e);
        if (e >= 20) {
            chi2 += ((double)count[k] - e) * ((double)count[k] - e) / e;
            dof++;
        }
    }
    ck_assert_msg(chi2 < dof + 4.5 * sqrt(2.0 * dof), "chi2 %.1f dof %d",
                  chi2, dof);
    free(count);
    gsl_rng_free(rng);
}

START_TEST(test_workload_zipf_matches_pmf)
{
    static const double alphas[] = {0.0, 0.6, 0.8, 1.0, 1.2};
    check_zipf(1000, alphas[_i]);
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
    struct cfg_size fixed = {CFG_SIZE_FIXED, 512, 0, 1, 0};
    ck_assert_uint_eq(wl_object_size(&fixed, 9, 1), 512);
    struct cfg_size logn = {CFG_SIZE_LOGNORMAL, 20480, 1.0, 1,
                            4ULL << 30};
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

Suite *
workload_suite(void)
{
    Suite *s = suite_create("workload");
    TCase *tc = tcase_create("zipf");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_workload_zipf_matches_pmf, 0, 5);
    tcase_add_test(tc, test_workload_zipf_huge_catalog);
    suite_add_tcase(s, tc);
    tc = tcase_create("objects");
    tcase_add_test(tc, test_workload_scramble_is_a_bijection);
    tcase_add_test(tc, test_workload_sizes);
    suite_add_tcase(s, tc);
    return s;
}
