/* pop_ring.c: the consistent-hashing ring of a PoP's cache servers
 * (pop.h says what it guarantees). Building sorts count x vnodes points
 * once; a lookup is a binary search, plus a walk past the points of
 * servers that are down. */
#include "model/pop.h"

#include <stdlib.h>

#include "util/err.h"
#include "util/hash.h"
#include "util/xalloc.h"

struct ring_point {
    uint64_t at;
    uint32_t server;
};

static int
point_cmp(const void *a, const void *b)
{
    const struct ring_point *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->server > y->server) - (x->server < y->server);
}

void
pop_ring_build(struct pop_ring *r, uint32_t count, uint32_t vnodes,
               uint64_t salt)
{
    SIM_ASSERT(count >= 1 && vnodes >= 1);
    uint32_t n = count * vnodes;
    struct ring_point *p = xcalloc(n, sizeof *p);
    for (uint32_t k = 0; k < count; k++)
        for (uint32_t v = 0; v < vnodes; v++) {
            /* splitmix64 of (server, vnode) under the node's salt: points
             * as if placed at random, the same in every run. */
            p[k * vnodes + v].at = hash_combine(salt, ((uint64_t)k << 32) | v);
            p[k * vnodes + v].server = k;
        }
    qsort(p, n, sizeof *p, point_cmp);
    r->point = xcalloc(n, sizeof *r->point);
    r->server = xcalloc(n, sizeof *r->server);
    for (uint32_t i = 0; i < n; i++) {
        r->point[i] = p[i].at;
        r->server[i] = p[i].server;
    }
    r->n = n;
    free(p);
}

void
pop_ring_fini(struct pop_ring *r)
{
    free(r->point);
    free(r->server);
    r->point = NULL;
    r->server = NULL;
    r->n = 0;
}

uint32_t
pop_ring_point_of(const struct pop_ring *r, uint64_t h)
{
    uint32_t lo = 0, hi = r->n; /* the first point >= h is in [lo, hi] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->point[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == r->n ? 0 : lo; /* past the last point: round to the first */
}

uint32_t
pop_ring_pick(const struct pop_ring *r, uint64_t h, const uint32_t *down,
              uint32_t *home)
{
    uint32_t i = pop_ring_point_of(r, h);
    *home = r->server[i];
    for (uint32_t step = 0; step < r->n; step++) {
        uint32_t s = r->server[i];
        if (down == NULL || down[s] == 0)
            return s;
        i = i + 1 == r->n ? 0 : i + 1;
    }
    SIM_ASSERT(!"every server of the ring is down");
    return *home;
}

void
pop_ring_shares(const struct pop_ring *r, uint32_t count, double *share)
{
    for (uint32_t k = 0; k < count; k++)
        share[k] = 0;
    /* Point i owns the arc (point[i-1], point[i]]; the first one's arc
     * wraps from the last point. */
    for (uint32_t i = 0; i < r->n; i++) {
        uint64_t from = r->point[i == 0 ? r->n - 1 : i - 1];
        uint64_t arc = r->point[i] - from; /* modulo 2^64: wraps */
        if (r->n == 1)
            arc = UINT64_MAX;
        share[r->server[i]] += (double)arc / 18446744073709551616.0;
    }
}

uint64_t
pop_key_hash(uint64_t object)
{
    /* Another splitmix64 than the store's hash_key32, so that where a key
     * lands on the ring says nothing about its slot in a table. */
    return hash_mix64(object ^ 0x243f6a8885a308d3ULL);
}
