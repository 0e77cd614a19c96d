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

/* The sampler's loop, its first uniform U already drawn (workload.h). */
uint64_t
wl_zipf_sample_from(const struct wl_zipf *z, gsl_rng *rng, double U)
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
    return wl_zipf_sample_from(z, rng, sim_rng_uniform(rng));
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

/* U where the trial's continuous rank x is y: x falls as U grows
 * (u = h_n + U (h_x1 - h_n), H increasing), and x = y where u = H(y). */
static double
zipf_u_at(const struct wl_zipf *z, double y)
{
    return (zipf_H(z, y) - z->h_n) / (z->h_x1 - z->h_n);
}

/*
 * One margin in U for every rank up to nc: zipf_error_bound (in x) times
 * |dU/dx| = h(y) / (h_n - h_x1), at its largest over y in [1/2, nc + 1],
 * four times over, which also covers the few ulps of computing U through
 * H and of the bounds below. The bound is 1024 (y eps + y^alpha ulp_u),
 * so the product is 1024 (y^(1 - alpha) eps + ulp_u): largest at an end.
 */
static double
zipf_u_margin(const struct wl_zipf *z, uint32_t nc)
{
    double ulp_u = (fabs(z->h_n) + fabs(z->h_x1)) * DBL_EPSILON;
    double a = 1.0 - z->alpha;
    double y_pow = fmax(pow(0.5, a), pow((double)nc + 1.0, a));
    return 4.0 * 1024.0 * (y_pow * DBL_EPSILON + ulp_u) / (z->h_n - z->h_x1);
}

/*
 * The chord level (see struct wl_zipf_table). Rank k comes out of the
 * trial for x in [k - 1/2, k + 1/2), and is accepted at once when
 * k - x <= squeeze. Let c_j = U(j + 1/2), one H a rank. g/2^32 in
 * (c_k, c_(k-1)) gives k, less a margin at both ends. Where the squeeze
 * is under 1/2, U(k - squeeze) is bounded below without another H: H is
 * concave (h falls), so H(k - s) <= H(k - 1/2) + h(k - 1/2) (1/2 - s), and
 * h(k - 1/2) <= H(k - 1/2) - H(k - 3/2), the mean of h over the rank
 * before; in U that is c_(k-1) - (1/2 - s) (c_(k-2) - c_(k-1)). Ranks
 * whose run is empty (or not below the previous rank's) keep span 0.
 */
static void
zipf_chord_build(struct wl_zipf_table *t, const struct wl_zipf *z)
{
    uint32_t nc =
        z->n < WL_ZIPF_CHORD_RANKS ? (uint32_t)z->n : WL_ZIPF_CHORD_RANKS;
    const double two32 = 4294967296.0;
    double m = zipf_u_margin(z, nc);
    double squeeze_gap = z->squeeze < 0.5 ? 0.5 - z->squeeze : 0.0;
    t->n_chord = nc;
    t->lo = xcalloc((size_t)nc + 2, sizeof *t->lo);
    t->span = xcalloc((size_t)nc + 1, sizeof *t->span);
    t->first = xcalloc((size_t)1 << WL_ZIPF_TABLE_BITS, sizeof *t->first);
    t->lo[1] = UINT32_MAX; /* rank 1 (x clamped up) has no run */
    double c_k2 = zipf_u_at(z, 0.5), c_k1 = zipf_u_at(z, 1.5);
    for (uint32_t k = 2; k <= nc; k++) {
        double c_k = zipf_u_at(z, k + 0.5);
        double start = c_k + m;
        double end = c_k1 - squeeze_gap * (c_k2 - c_k1) - 2.0 * m;
        c_k2 = c_k1;
        c_k1 = c_k;
        /* g/2^32 > start and g/2^32 < end; both in [0, 1]. */
        double g_lo = floor(fmax(start, 0.0) * two32) + 1.0;
        double g_hi = ceil(fmin(end, 1.0) * two32) - 1.0;
        uint32_t lo = g_lo <= (double)UINT32_MAX ? (uint32_t)g_lo : UINT32_MAX;
        if (lo > t->lo[k - 1])
            lo = t->lo[k - 1]; /* keeps lo sorted; this rank's span is 0 */
        else if (g_hi >= g_lo)
            t->span[k] = (uint16_t)fmin(g_hi - g_lo + 1.0, UINT16_MAX);
        t->lo[k] = lo;
    }
    t->lo[nc + 1] = 0;
    uint32_t k = nc + 1;
    for (size_t b = 0; b < (size_t)1 << WL_ZIPF_TABLE_BITS; b++) {
        uint32_t last_g = (uint32_t)(((b + 1) << 16) - 1);
        while (k > 1 && t->lo[k - 1] <= last_g)
            k--;
        t->first[b] = k;
    }
}

/* The rank that g certainly gives at the first trial by the chord level,
 * or 0 when that is not certain. */
static inline uint32_t
zipf_chord_rank(const struct wl_zipf_table *t, uint32_t g)
{
    size_t b = g >> 16;
    uint32_t lo = t->first[b], hi = b > 0 ? t->first[b - 1] : t->n_chord + 1;
    while (lo < hi) { /* the least k in [lo, hi] with t->lo[k] <= g */
        uint32_t mid = lo + (hi - lo) / 2;
        if (t->lo[mid] <= g)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (lo <= t->n_chord && g - t->lo[lo] < t->span[lo])
        return lo;
    return 0;
}

void
wl_zipf_table_init(struct wl_zipf_table *t)
{
    t->rank = NULL;
    t->draws = 0;
    t->n_chord = 0;
    t->first = NULL;
    t->lo = NULL;
    t->span = NULL;
}

void
wl_zipf_table_fini(struct wl_zipf_table *t)
{
    free(t->rank);
    free(t->first);
    free(t->lo);
    free(t->span);
    wl_zipf_table_init(t);
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
            return wl_zipf_sample_from(z, rng, U);
        zipf_table_build(t, z);
    }
    uint16_t k = t->rank[zipf_bucket(U)];
    if (k != 0)
        return k;
    if (t->lo == NULL) {
        /* Built once the exact path has taken about a quarter of the
         * chord's own cost (one H a rank), so that it is repaid soon. */
        if (++t->draws - WL_ZIPF_TABLE_AFTER < WL_ZIPF_CHORD_RANKS / 4)
            return wl_zipf_sample_from(z, rng, U);
        zipf_chord_build(t, z);
    }
    /* U is a 32-bit draw over 2^32 (sim_rng_uniform): g is exact. */
    uint32_t chord = zipf_chord_rank(t, (uint32_t)(U * 4294967296.0));
    return chord != 0 ? chord : wl_zipf_sample_from(z, rng, U);
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
