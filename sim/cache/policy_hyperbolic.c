/* policy_hyperbolic.c: hyperbolic caching, size-aware, by sampling.
 *
 * Source: Blankstein, Sen, Freedman, "Hyperbolic caching: flexible caching
 * for web applications", USENIX ATC 2017. An object's priority is
 * n / (t x size): n its accesses since it entered the cache, t the time it
 * has been there, size its bytes (the paper's size-aware variant of
 * n / t). Priorities change with time and are not kept in order;
 * eviction draws `samples` cached objects at random (64 by default, as in
 * the paper) and evicts the one with the lowest priority.
 *
 * Why hyperbolic rather than LHD (Beckmann, Chen, Cidon, NSDI 2018): both
 * evict by sampling, but LHD's ranks come from hit and eviction age
 * histograms per class, re-solved every so many accesses, with several
 * tunables of its own; hyperbolic is a one-line priority that is easy to
 * check by hand and, like LHD, is size-aware and frequency-aware with no
 * list to maintain. It is the simpler defensible choice here.
 *
 * Time is this cache's own access count (inserts and hits), so priorities
 * need no clock and runs are reproducible. t counts from just before the
 * insert (an object is at least one access old), so a new object's
 * priority is finite. Sampling is with replacement and uses the cache's
 * random stream (policy_rng); when the cache holds no more objects than
 * `samples`, every object is examined instead, so small caches evict the
 * exact minimum. Ties go to the object examined first.
 *
 * Cost: O(1) per insert, hit and remove (a dense array of cached objects,
 * swap-remove, each object keeping its slot); O(samples) per victim.
 */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cache/cache.h"
#include "engine/engine.h"
#include "util/xalloc.h"

#define HYP_MAX_SAMPLES 4096

struct hyp_obj {
    uint64_t since; /* access count when inserted */
    uint32_t n;     /* accesses since inserted, >= 1 */
    uint32_t slot;  /* index in the dense array */
};

struct hyperbolic_state {
    unsigned samples; /* objects examined per eviction (parameter) */
    uint64_t now;     /* accesses seen */
    uint32_t *dense;  /* the cached objects' indices, in any order */
    uint32_t n;
    size_t cap;
};

static inline struct hyp_obj *
hyp_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
hyp_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct hyperbolic_state *s = p->state;
    s->cap = 1024;
    s->dense = xmalloc(s->cap * sizeof *s->dense);
    return 0;
}

static void
hyp_stop(struct policy *p)
{
    struct hyperbolic_state *s = p->state;
    free(s->dense);
    s->dense = NULL;
}

static void
hyp_on_insert(struct policy *p, struct cache_obj *o)
{
    struct hyperbolic_state *s = p->state;
    struct hyp_obj *h = hyp_obj(o);
    h->since = s->now++;
    h->n = 1;
    SIM_ASSERT(s->n < UINT32_MAX);
    s->dense =
        xgrow(s->dense, &s->cap, (size_t)s->n + 1, sizeof *s->dense, 1024);
    h->slot = s->n;
    s->dense[s->n++] = cache_obj_index(p->store, o);
}

static void
hyp_on_hit(struct policy *p, struct cache_obj *o)
{
    struct hyperbolic_state *s = p->state;
    struct hyp_obj *h = hyp_obj(o);
    s->now++;
    if (h->n < UINT32_MAX)
        h->n++;
}

static void
hyp_on_remove(struct policy *p, struct cache_obj *o)
{
    struct hyperbolic_state *s = p->state;
    uint32_t slot = hyp_obj(o)->slot, last = s->dense[--s->n];
    s->dense[slot] = last;
    hyp_obj(cache_obj_at(p->store, last))->slot = slot;
}

/* Is a's priority below b's? n_a / (t_a size_a) < n_b / (t_b size_b),
 * cross-multiplied in double: the products overflow 64 bits. */
static int
hyp_lower(const struct hyperbolic_state *s, struct cache_obj *a,
          struct cache_obj *b)
{
    const struct hyp_obj *x = hyp_obj(a), *y = hyp_obj(b);
    double ta = (double)(s->now - x->since), tb = (double)(s->now - y->since);
    double sa = a->size ? (double)a->size : 1.0;
    double sb = b->size ? (double)b->size : 1.0;
    return (double)x->n * tb * sb < (double)y->n * ta * sa;
}

static struct cache_obj *
hyp_victim(struct policy *p)
{
    struct hyperbolic_state *s = p->state;
    if (s->n == 0)
        return NULL;
    int all = s->n <= s->samples;
    uint32_t k = all ? s->n : s->samples;
    struct cache_obj *best = NULL;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t slot =
            all ? i : (uint32_t)sim_rng_uniform_int(policy_rng(p), s->n);
        struct cache_obj *o = cache_obj_at(p->store, s->dense[slot]);
        if (best == NULL || hyp_lower(s, o, best))
            best = o;
    }
    return best;
}

static const struct cache_param hyp_params[] = {
    {.name = "samples",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = HYP_MAX_SAMPLES,
     .def = "64",
     .help = "objects examined per eviction",
     .offset = offsetof(struct hyperbolic_state, samples)},
};

const struct policy_ops policy_hyperbolic_ops = {
    .name = "hyperbolic",
    .abi = POLICY_ABI,
    .summary = "hyperbolic caching: evicts the lowest accesses / (time "
               "cached x size) among random samples",
    .params = hyp_params,
    .n_params = sizeof hyp_params / sizeof hyp_params[0],
    .state_size = sizeof(struct hyperbolic_state),
    .obj_state_size = sizeof(struct hyp_obj),
    .start = hyp_start,
    .stop = hyp_stop,
    .on_insert = hyp_on_insert,
    .on_hit = hyp_on_hit,
    .on_remove = hyp_on_remove,
    .victim = hyp_victim,
};
