/* gen_zipf.c: Zipf popularity by rejection-inversion, and the rank
 * scrambler that maps popularity ranks to object ids. */
#include "workload/workload.h"

#include <math.h>
#include <stdlib.h>

#include "util/hash.h"

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

uint64_t
wl_zipf_sample(const struct wl_zipf *z, gsl_rng *rng)
{
    for (;;) {
        double u = z->h_n + gsl_rng_uniform(rng) * (z->h_x1 - z->h_n);
        double x = zipf_H_inv(z, u);
        double kd = floor(x + 0.5);
        uint64_t k;
        if (kd < 1.0)
            k = 1;
        else if (kd > (double)z->n)
            k = z->n;
        else
            k = (uint64_t)kd;
        /* Accept at once inside the squeeze, else compare against the
         * hat's area up to k + 1/2 (Hörmann & Derflinger, algorithm ZRI). */
        if ((double)k - x <= z->squeeze ||
            u >= zipf_H(z, (double)k + 0.5) - zipf_h(z, (double)k))
            return k;
    }
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
            uint64_t f = ((right ^ sc->round_key[r]) *
                          0x9e3779b97f4a7c15ULL) >> (64 - sc->half);
            uint64_t next_right = left ^ f;
            left = right;
            right = next_right;
        }
        x = (left << sc->half) | right;
    } while (x >= sc->n);
    return x;
}
