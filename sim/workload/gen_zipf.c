/* gen_zipf.c: Zipf popularity by rejection-inversion, and the rank
 * scrambler that maps popularity ranks to object ids. */
#include "workload/workload.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "util/hash.h"
#include "util/xalloc.h"

/* log1p(x)/x, accurate near 0 (Taylor series there). */
static double
log1p_over_x(double x)
{
    if (fabs(x) > 1e-8)
        return log1p(x) / x;
    return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

/* (exp(x)-1)/x, accurate near 0. */
static double
expm1_over_x(double x)
{
    if (fabs(x) > 1e-8)
        return expm1(x) / x;
    return 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

/* h(x) = x^-alpha, the (unnormalised) density being sampled. */
static double
zipf_h(const struct wl_zipf *z, double x)
{
    return exp(-z->alpha * log(x));
}

/* H(x) = integral of h: (x^(1-alpha) - 1) / (1 - alpha), or log(x) at 1. */
static double
zipf_H(const struct wl_zipf *z, double x)
{
    double lx = log(x);
    return expm1_over_x((1.0 - z->alpha) * lx) * lx;
}

static double
zipf_H_inv(const struct wl_zipf *z, double y)
{
    double t = y * (1.0 - z->alpha);
    if (t < -1.0)
        t = -1.0; /* rounding guard: H_inv is defined for t >= -1 */
    return exp(log1p_over_x(t) * y);
}

void
wl_zipf_init(struct wl_zipf *z, uint64_t n, double alpha)
{
    z->n = n;
    z->alpha = alpha;
    z->h_x1 = zipf_H(z, 1.5) - 1.0;
    z->h_n = zipf_H(z, (double)n + 0.5);
    z->squeeze = 2.0 - zipf_H_inv(z, zipf_H(z, 2.5) - zipf_h(z, 2.0));
}

/* One trial of the sampler with the uniform U: the rank, with *accepted
 * set when the trial accepts it (else the sampler draws again). */
static inline uint64_t
zipf_trial(const struct wl_zipf *z, double U, int *accepted, double *x_out)
{
    double u = z->h_n + U * (z->h_x1 - z->h_n);
    double x = zipf_H_inv(z, u);
    double kd = wl_floor(x + 0.5);
    uint64_t k;
    if (kd < 1.0)
        k = 1;
    else if (kd > (double)z->n)
        k = z->n;
    else
        k = (uint64_t)kd;
    /* Accept at once inside the squeeze, else compare against the
     * hat's area up to k + 1/2 (Hörmann & Derflinger, algorithm ZRI). */
    *accepted = (double)k - x <= z->squeeze ||
                u >= zipf_H(z, (double)k + 0.5) - zipf_h(z, (double)k);
    *x_out = x;
    return k;
}

/* The sampler's loop, its first uniform U already drawn. */
static uint64_t
zipf_sample_from(const struct wl_zipf *z, gsl_rng *rng, double U)
{
    for (;;) {
        int accepted;
        double x;
        uint64_t k = zipf_trial(z, U, &accepted, &x);
        if (accepted)
            return k;
        U = sim_rng_uniform(rng);
    }
}

uint64_t
wl_zipf_sample(const struct wl_zipf *z, gsl_rng *rng)
{
    return zipf_sample_from(z, rng, sim_rng_uniform(rng));
}

/*
 * The table's buckets split [0, 1) into 2^WL_ZIPF_TABLE_BITS equal
 * intervals of the first uniform. x (the continuous rank) is a monotone
 * function of it, so if both ends of a bucket give x well inside the same
 * rank's rounding interval and inside the squeeze, every uniform of the
 * bucket gives that rank at its first trial. "Well inside" is a margin
 * far above the floating-point error of computing x (a few ulps of x, and
 * x^alpha times a few ulps of u, where x is most sensitive to u), so a
 * computed x inside the bucket cannot fall on the other side.
 */
static double
zipf_error_bound(const struct wl_zipf *z, double x)
{
    double ulp_u = (fabs(z->h_n) + fabs(z->h_x1)) * DBL_EPSILON;
    return 1024.0 * (x * DBL_EPSILON + exp(z->alpha * log(x)) * ulp_u);
}

static void
zipf_table_build(struct wl_zipf_table *t, const struct wl_zipf *z)
{
    size_t nb = (size_t)1 << WL_ZIPF_TABLE_BITS;
    t->rank = xcalloc(nb, sizeof *t->rank);
    double x_prev = 0;
    for (size_t b = 0; b <= nb; b++) {
        int accepted;
        double x;
        zipf_trial(z, (double)b / (double)nb, &accepted, &x);
        if (b > 0) {
            double lo = fmin(x_prev, x), hi = fmax(x_prev, x);
            double kd = floor(lo + 0.5);
            double margin = zipf_error_bound(z, hi);
            if (kd >= 1.0 && kd <= (double)z->n && kd <= UINT16_MAX &&
                lo - margin >= kd - 0.5 && hi + margin < kd + 0.5 &&
                kd - (lo - margin) <= z->squeeze)
                t->rank[b - 1] = (uint16_t)kd;
        }
        x_prev = x;
    }
}

void
wl_zipf_table_init(struct wl_zipf_table *t)
{
    t->rank = NULL;
    t->draws = 0;
}

void
wl_zipf_table_fini(struct wl_zipf_table *t)
{
    free(t->rank);
    t->rank = NULL;
}

static inline size_t
zipf_bucket(double U)
{
    return (size_t)(U * (double)((size_t)1 << WL_ZIPF_TABLE_BITS));
}

uint64_t
wl_zipf_table_sample(struct wl_zipf_table *t, const struct wl_zipf *z,
                     gsl_rng *rng, double U)
{
    if (t->rank == NULL) {
        /* Built once the draws would repay it (2^16 + 1 trials). */
        if (++t->draws < WL_ZIPF_TABLE_AFTER)
            return zipf_sample_from(z, rng, U);
        zipf_table_build(t, z);
    }
    uint16_t k = t->rank[zipf_bucket(U)];
    return k != 0 ? k : zipf_sample_from(z, rng, U);
}

void
wl_zipf_table_prefetch(const struct wl_zipf_table *t, double U)
{
    if (t->rank != NULL)
        __builtin_prefetch(&t->rank[zipf_bucket(U)]);
}

void
wl_scrambler_init(struct wl_scrambler *sc, uint64_t n, uint64_t key)
{
    /* A four-round balanced Feistel network over the smallest even number
     * of bits that covers n (Luby and Rackoff: a pseudo-random permutation),
     * then cycle-walking until the value falls back inside [0, n). The
     * domain is under 4n, so fewer than four walks are expected. */
    unsigned bits = n > 1 ? 64u - (unsigned)__builtin_clzll(n - 1) : 1;
    bits += bits & 1;
    sc->n = n;
    sc->half = bits / 2;
    sc->half_mask = ((uint64_t)1 << sc->half) - 1; /* half <= 32 */
    for (int r = 0; r < 4; r++)
        sc->round_key[r] = hash_combine(key, (uint64_t)r);
}

uint64_t
wl_scramble(const struct wl_scrambler *sc, uint64_t x)
{
    if (sc->n <= 1)
        return 0;
    do {
        uint64_t left = x >> sc->half, right = x & sc->half_mask;
        for (int r = 0; r < 4; r++) {
            /* Round function: multiplicative hashing (Knuth, TAOCP vol. 3,
             * 6.4) keeps the top bits of a 64-bit product, its best mixed. */
            uint64_t f = ((right ^ sc->round_key[r]) * 0x9e3779b97f4a7c15ULL) >>
                         (64 - sc->half);
            uint64_t next_right = left ^ f;
            left = right;
            right = next_right;
        }
        x = (left << sc->half) | right;
    } while (x >= sc->n);
    return x;
}
