/* gen_zipf.c: Zipf popularity, rank scrambling, object sizes and the
 * Poisson-per-region synthetic generator. */
#include "workload/workload.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "engine/engine.h"
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

uint64_t
wl_object_size(const struct cfg_size *dist, uint64_t id, uint64_t seed)
{
    if (dist->dist == CFG_SIZE_FIXED)
        return dist->bytes;
    /* A uniform in (0,1) from the id alone, so an object keeps its size
     * wherever and however often it is drawn. */
    uint64_t h = hash_combine(seed ^ 0x51a3e5c0ffeeULL, id);
    double u = ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    double v = (double)dist->bytes * exp(dist->sigma * gsl_cdf_ugaussian_Pinv(u));
    if (v < (double)dist->min_bytes)
        return dist->min_bytes;
    if (v > (double)dist->max_bytes)
        return dist->max_bytes;
    uint64_t s = (uint64_t)llround(v);
    return s ? s : 1;
}

struct wl_source {
    gsl_rng *arrivals;
    gsl_rng *popularity;
    double mean_gap_ns;
    int64_t last_at;
    double carry_ns;     /* fractional nanoseconds not yet added */
    struct wl_request next; /* this region's pending arrival */
};

struct wl_gen {
    const struct cfg_workload *w;  /* borrowed */
    struct wl_zipf zipf;
    struct wl_source *src;
    uint32_t n_src;
    struct wl_scrambler scrambler;
};

static void source_advance(struct wl_gen *g, uint32_t r);

struct wl_gen *
wl_gen_new(const struct cfg_workload *w, const double *region_weights,
           uint32_t n_regions)
{
    struct wl_gen *g = xcalloc(1, sizeof *g);
    g->w = w;
    wl_zipf_init(&g->zipf, w->n_objects, w->zipf_alpha);
    g->n_src = n_regions;
    g->src = xcalloc(n_regions, sizeof *g->src);
    wl_scrambler_init(&g->scrambler, w->n_objects,
                      hash_combine(w->seed, 0x5c7a3b1e));
    double total = 0;
    for (uint32_t r = 0; r < n_regions; r++)
        total += region_weights[r];
    for (uint32_t r = 0; r < n_regions; r++) {
        struct wl_source *s = &g->src[r];
        s->arrivals = sim_rng_new(w->seed, SIM_RNG_ID(SIM_RNG_ARRIVAL, r));
        s->popularity = sim_rng_new(w->seed,
                                    SIM_RNG_ID(SIM_RNG_POPULARITY, r));
        double rate = w->rate * region_weights[r] / total;
        s->mean_gap_ns = 1e9 / rate;
        source_advance(g, r);
    }
    return g;
}

void
wl_gen_free(struct wl_gen *g)
{
    if (g == NULL)
        return;
    for (uint32_t r = 0; r < g->n_src; r++) {
        gsl_rng_free(g->src[r].arrivals);
        gsl_rng_free(g->src[r].popularity);
    }
    free(g->src);
    free(g);
}

/* Draws region r's next arrival into its pending slot. */
static void
source_advance(struct wl_gen *g, uint32_t r)
{
    struct wl_source *s = &g->src[r];
    /* Exponential gaps, with the sub-nanosecond remainder carried so that
     * high rates do not drift. */
    double gap = gsl_ran_exponential(s->arrivals, s->mean_gap_ns) + s->carry_ns;
    double whole = floor(gap);
    s->carry_ns = gap - whole;
    /* A source so slow that its next arrival lies past the simulated
     * clock's range (2^62 ns, 146 years) has no next arrival: it stays at
     * WL_NEVER and the merge never picks it. */
    if (whole >= (double)(WL_NEVER - s->last_at)) {
        s->last_at = WL_NEVER;
        s->next.at = WL_NEVER;
        return;
    }
    s->last_at += (int64_t)whole;
    uint64_t rank = wl_zipf_sample(&g->zipf, s->popularity);
    struct wl_request *out = &s->next;
    out->at = s->last_at;
    out->object = wl_scramble(&g->scrambler, rank - 1);
    out->size = wl_object_size(&g->w->size, out->object, g->w->seed);
    out->ttl_ns = g->w->ttl_ns;
    out->region = r;
}

int
wl_gen_next(struct wl_gen *g, struct wl_request *out)
{
    /* A linear scan: topologies have a handful of regions. */
    uint32_t best = 0;
    for (uint32_t r = 1; r < g->n_src; r++)
        if (g->src[r].next.at < g->src[best].next.at)
            best = r;
    if (g->src[best].next.at >= WL_NEVER)
        return 0; /* every source is too slow to produce another request */
    *out = g->src[best].next;
    source_advance(g, best);
    return 1;
}

uint64_t
wl_gen_object_at_rank(const struct wl_gen *g, uint64_t rank)
{
    return wl_scramble(&g->scrambler, rank - 1);
}

uint64_t
wl_gen_object_size(const struct wl_gen *g, uint64_t object)
{
    return wl_object_size(&g->w->size, object, g->w->seed);
}
