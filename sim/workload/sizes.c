/* sizes.c: object sizes: each object's size is a pure function of its id
 * and the seed, drawn once from its class's distribution by inversion of
 * one uniform derived from the id, so no table of sizes is ever kept. */
#include "workload/workload.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

#include "util/hash.h"

/* Clamps v to [lo, hi] and rounds to whole bytes, at least 1. */
static uint64_t
clamp_bytes(double v, uint64_t lo, uint64_t hi)
{
    if (v < (double)lo)
        return lo;
    if (!(v <= (double)hi)) /* also NaN and +inf */
        return hi;
    uint64_t s = (uint64_t)llround(v);
    return s ? s : 1;
}

uint64_t
wl_object_size(const struct cfg_size *dist, uint64_t id, uint64_t seed)
{
    if (dist->dist == CFG_SIZE_FIXED)
        return dist->bytes;
    /* A uniform in (0,1) from the id alone, so an object keeps its size
     * wherever and however often it is drawn. */
    uint64_t h = hash_combine(seed ^ WL_SALT_SIZE, id);
    double u = ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    switch (dist->dist) {
    case CFG_SIZE_LOGNORMAL: {
        double v =
            (double)dist->bytes * exp(dist->sigma * gsl_cdf_ugaussian_Pinv(u));
        return clamp_bytes(v, dist->min_bytes, dist->max_bytes);
    }
    case CFG_SIZE_PARETO: {
        /* Inversion: P(X > x) = (x_m / x)^alpha for x >= x_m. */
        double v = (double)dist->bytes * pow(u, -1.0 / dist->alpha);
        return clamp_bytes(v, dist->min_bytes, dist->max_bytes);
    }
    case CFG_SIZE_EMPIRICAL: {
        /* The first entry whose cumulative share reaches u. */
        size_t lo = 0, hi = dist->n_table - 1;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (dist->table_cdf[mid] < u)
                lo = mid + 1;
            else
                hi = mid;
        }
        return dist->table_bytes[lo];
    }
    case CFG_SIZE_FIXED:
        break;
    }
    return dist->bytes;
}
