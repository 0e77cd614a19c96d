/* hist.c: the log-linear latency histogram. */
#include "metrics/metrics.h"

#include <string.h>

void
met_hist_init(struct met_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

unsigned
met_hist_bucket_of(uint64_t v)
{
    const uint64_t top = (uint64_t)1 << MET_MAX_BITS;
    if (v >= top)
        v = top - 1;
    if (v < (1u << MET_SUB_BITS))
        return (unsigned)v;
    /* Octave k >= 1 holds [2^(k+SUB-1), 2^(k+SUB)) in MET_HALF buckets. */
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - (MET_SUB_BITS - 1);
    unsigned k = shift;
    unsigned sub = (unsigned)(v >> shift) - MET_HALF;
    return (1u << MET_SUB_BITS) + (k - 1) * MET_HALF + sub;
}

void
met_hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi)
{
    if (i < (1u << MET_SUB_BITS)) {
        *lo = *hi = i;
        return;
    }
    unsigned k = (i - (1u << MET_SUB_BITS)) / MET_HALF + 1;
    unsigned sub = (i - (1u << MET_SUB_BITS)) % MET_HALF;
    uint64_t base = (uint64_t)(MET_HALF + sub) << k;
    *lo = base;
    *hi = base + ((uint64_t)1 << k) - 1;
}

/*
 * The sum was a long double, summed from 0. Below 2^64 such a sum of
 * integers is exact, as is sum_ns; so the first sum that does not fit in
 * 64 bits continues in long double from the exact value, and every later
 * sum rounds as the long double one did: the same mean, bit for bit.
 */
long double
met_hist_sum(const struct met_hist *h)
{
    return h->is_big ? h->sum_big : (long double)h->sum_ns;
}

/* Adds x to the sum in long double. Once there, sum_ns stays at
 * UINT64_MAX, so that every record but one of 0 (which adds nothing)
 * overflows and comes here, with no test of is_big on the common path. */
static void
sum_add(struct met_hist *h, long double x)
{
    if (!h->is_big) {
        h->sum_big = (long double)h->sum_ns;
        h->is_big = 1;
        h->sum_ns = UINT64_MAX;
    }
    h->sum_big += x;
}

void
met_hist_record(struct met_hist *h, uint64_t v)
{
    h->bucket[met_hist_bucket_of(v)]++;
    h->count++;
    uint64_t sum;
    if (!__builtin_add_overflow(h->sum_ns, v, &sum)) /* is_big: v is 0 */
        h->sum_ns = sum;
    else
        sum_add(h, (long double)v);
    if (v > h->max)
        h->max = v;
    if (v < h->min)
        h->min = v;
}

void
met_hist_merge(struct met_hist *dst, const struct met_hist *src)
{
    for (unsigned i = 0; i < MET_N_BUCKETS; i++)
        dst->bucket[i] += src->bucket[i];
    dst->count += src->count;
    uint64_t sum;
    if (!dst->is_big && !src->is_big &&
        !__builtin_add_overflow(dst->sum_ns, src->sum_ns, &sum))
        dst->sum_ns = sum;
    else
        sum_add(dst, met_hist_sum(src));
    if (src->max > dst->max)
        dst->max = src->max;
    if (src->min < dst->min)
        dst->min = src->min;
}

uint64_t
met_hist_quantile(const struct met_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (q <= 0)
        return h->min;
    if (q >= 1)
        return h->max;
    /* The smallest value with at least ceil(q * count) values at or below. */
    uint64_t rank = (uint64_t)(q * (double)h->count);
    if ((double)rank < q * (double)h->count)
        rank++;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < MET_N_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            uint64_t lo, hi;
            met_hist_bucket_range(i, &lo, &hi);
            uint64_t mid = lo + (hi - lo) / 2;
            if (mid < h->min)
                mid = h->min;
            if (mid > h->max)
                mid = h->max;
            return mid;
        }
    }
    return h->max;
}

double
met_hist_mean(const struct met_hist *h)
{
    return h->count ? (double)(met_hist_sum(h) / (long double)h->count) : 0.0;
}
