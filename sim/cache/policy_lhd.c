/* policy_lhd.c: LHD, evicting the sampled object of least hit density.
 *
 * Source: Beckmann, Chen, Cidon, "LHD: Improving Cache Hit Rate by
 * Maximizing Hit Density", NSDI 2018. An object's hit density is the hits
 * it can still expect divided by the space-time it will still use:
 * density(age) = P[hit after age] / (size x E[remaining lifetime | age]),
 * both read from histograms of the ages (accesses since the last access)
 * at which objects of its class were hit or evicted (section 4). Objects
 * are grouped in classes so that objects that behave differently get
 * their own estimate; the hits and evictions are counted per class and
 * age, and every `interval` accesses the densities are recomputed from
 * them and the counts decay (EWMA, x0.9), so the policy follows a
 * changing workload (section 5). Eviction draws `samples` cached objects
 * at random (with replacement, from the cache's own stream) and evicts
 * the one of least density (section 5.1).
 *
 * Choices, where the paper leaves room:
 * - Classes: by the sum of the object's last two hit ages in age buckets,
 *   log2-scaled (16 classes); a missing hit age counts as the largest
 *   age, so objects never hit, hit once and hit often fall apart. The
 *   paper also splits by application id; a cdnsim store sees no request,
 *   so this is the single-application case.
 * - Age coarsening (section 5.2): ages are counted in buckets of 2^shift
 *   accesses, 2,048 buckets per class, the last holding every older age.
 *   shift is the smallest that makes the buckets span 16 times the
 *   objects held: raised (merging bucket pairs) as soon as the cache
 *   holds more, lowered at a reconfiguration when it holds 4 times
 *   fewer.
 * - Before the first reconfiguration there are no histograms: the
 *   density is (16 - class) / (age + 1), recency with a preference for
 *   short reuse, the paper's code's starting ranks in spirit.
 * - An object whose age is in the last bucket has density 0 (it outlived
 *   what the histograms describe).
 * - Explorers (section 5.3): an access makes the object an explorer with
 *   probability 1/32 while explorers hold less than 1% of the capacity;
 *   an explorer is never evicted before its age reaches the last bucket,
 *   so classes that look useless still get measured.
 * - `interval` defaults to 65,536 accesses where the paper's code uses
 *   2^20: the traces this simulator replays are often a few hundred
 *   thousand requests, and LHD that never reconfigures is a sampled
 *   recency policy.
 * Removals that are not evictions (purges, replaced copies) also count as
 * evictions: for the model they end a lifetime all the same.
 *
 * Against libCacheSim (LHD, the paper authors' code) on the cloudphysics
 * trace, unit sizes, 490 / 2,449 / 4,897 objects: 0.8363 / 0.8222 / 0.8066
 * here against 0.8364 / 0.8237 / 0.8040. libCacheSim's LHD reconfigures
 * every 2^20 accesses, so on this 113,872-request trace it never leaves
 * its starting ranks; here it reconfigures once, and with `interval` above
 * the trace length (both then sampled recency policies with different
 * starting ranks and candidates: libCacheSim also tries the 8 objects
 * admitted last) it gives 0.8362 / 0.8223 / 0.8038. Sampling cannot
 * match another program's draws: tests/check_replay.c allows 0.005.
 *
 * Cost: on_hit, on_insert and on_remove O(1); victim O(samples); a
 * reconfiguration O(16 x 2,048), once per interval. Memory: 24 bytes per
 * object plus 3 x 16 x 2,048 floats (384 KiB) per cache.
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "engine/engine.h"
#include "util/xalloc.h"

#define LHD_CLASSES 16
#define LHD_AGES 2048 /* age buckets per class; the last holds older ones */
#define LHD_SPAN_PER_OBJECT 16 /* the buckets span 16 x objects held */
#define LHD_DECAY 0.9f
#define LHD_NO_HIT UINT32_MAX
#define LHD_EXPLORE_ONE_IN 32
#define LHD_EXPLORER_SHARE 0.01

struct lhd_obj {
    uint64_t stamp;      /* the access clock at its last access */
    uint32_t hit_age[2]; /* its last two hit ages in accesses (saturated),
                            LHD_NO_HIT where it has fewer hits */
    uint32_t slot;       /* position in slots[] */
    uint8_t explorer;
};

struct lhd_state {
    unsigned samples;  /* parameter */
    uint64_t interval; /* parameter: accesses between reconfigurations */
    uint64_t now;      /* accesses so far */
    uint64_t until_reconfigure;
    uint64_t reconfigurations;
    unsigned shift;   /* an age bucket is 2^shift accesses */
    float *hits;      /* [class][age], EWMA-decayed counts */
    float *evictions; /* [class][age] */
    float *density;   /* [class][age], hits per access of lifetime */
    uint32_t *slots;  /* object indices, [0, n) in use, for sampling */
    uint32_t n;
    size_t cap;
    uint32_t chosen;         /* the victim drawn, until the next change */
    int64_t explorer_budget; /* bytes explorers may still take */
};

static inline struct lhd_obj *
lhd_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static inline unsigned
bit_length(uint64_t x)
{
    return x ? 64u - (unsigned)__builtin_clzll(x) : 0;
}

/* An age in accesses as a bucket at the current coarsening. */
static inline uint32_t
age_bucket(const struct lhd_state *s, uint64_t accesses)
{
    uint64_t b = accesses >> s->shift;
    return b < LHD_AGES - 1 ? (uint32_t)b : LHD_AGES - 1;
}

static unsigned
class_of(const struct lhd_state *s, const struct lhd_obj *w)
{
    uint64_t sum = 0;
    for (int i = 0; i < 2; i++)
        sum += w->hit_age[i] == LHD_NO_HIT ? LHD_AGES
                                           : age_bucket(s, w->hit_age[i]);
    unsigned c = bit_length(sum);
    return c < LHD_CLASSES ? c : LHD_CLASSES - 1;
}

static inline size_t
cell(unsigned cls, uint32_t age)
{
    return (size_t)cls * LHD_AGES + age;
}

/* The starting ranks: recency, short reuse first. */
static void
prior_densities(struct lhd_state *s)
{
    for (unsigned c = 0; c < LHD_CLASSES; c++)
        for (uint32_t a = 0; a < LHD_AGES; a++)
            s->density[cell(c, a)] = (float)(LHD_CLASSES - c) / (float)(a + 1);
}

/*
 * Hit density per class and age from the histograms (section 4): walking
 * down from the oldest age, hits_after is the hits at this age or later,
 * events_after the hits and evictions at this age or later, and lifetime
 * sums events_after over the ages walked, which is the expected remaining
 * lifetime (in buckets) times the events, so the ratio needs no division
 * per event.
 */
static void
model_densities(struct lhd_state *s)
{
    for (unsigned c = 0; c < LHD_CLASSES; c++) {
        double hits_after = 0, events_after = 0, lifetime = 0;
        for (uint32_t a = LHD_AGES; a-- > 0;) {
            hits_after += s->hits[cell(c, a)];
            events_after += s->hits[cell(c, a)] + s->evictions[cell(c, a)];
            lifetime += events_after;
            s->density[cell(c, a)] =
                lifetime > 1e-9 ? (float)(hits_after / lifetime) : 0.0f;
        }
    }
}

/* Ages count twice as many accesses per bucket: pairs of buckets merge;
 * the last bucket (every older age) stays the last. */
static void
coarsen_histogram(float *h)
{
    float oldest = h[LHD_AGES - 1];
    for (uint32_t a = 0; a < LHD_AGES / 2; a++)
        h[a] = h[2 * a] + h[2 * a + 1];
    h[LHD_AGES / 2 - 1] -= oldest;
    memset(h + LHD_AGES / 2, 0, (LHD_AGES / 2) * sizeof *h);
    h[LHD_AGES - 1] = oldest;
}

/* Ages count half as many accesses per bucket: each bucket's count is
 * spread evenly over two; what now lies beyond the range joins the last. */
static void
refine_histogram(float *h)
{
    float oldest = h[LHD_AGES / 2 - 1] / 2;
    for (uint32_t a = LHD_AGES / 2; a < LHD_AGES; a++)
        oldest += h[a];
    for (uint32_t a = LHD_AGES - 1; a-- > 0;)
        h[a] = h[a / 2] / 2;
    h[LHD_AGES - 1] = oldest;
}

static void
change_shift(struct lhd_state *s, int up)
{
    for (unsigned c = 0; c < LHD_CLASSES; c++) {
        if (up) {
            coarsen_histogram(s->hits + cell(c, 0));
            coarsen_histogram(s->evictions + cell(c, 0));
        } else {
            refine_histogram(s->hits + cell(c, 0));
            refine_histogram(s->evictions + cell(c, 0));
        }
    }
    s->shift = up ? s->shift + 1 : s->shift - 1;
    if (s->reconfigurations)
        model_densities(s);
}

/* True when the buckets span fewer accesses than the objects need. */
static int
span_too_short(const struct lhd_state *s, uint64_t objects)
{
    return ((uint64_t)LHD_AGES << s->shift) < LHD_SPAN_PER_OBJECT * objects;
}

static void
reconfigure(struct lhd_state *s)
{
    model_densities(s);
    size_t n = (size_t)LHD_CLASSES * LHD_AGES;
    for (size_t i = 0; i < n; i++) {
        s->hits[i] *= LHD_DECAY;
        s->evictions[i] *= LHD_DECAY;
    }
    s->reconfigurations++;
    if (s->shift > 0 && ((uint64_t)LHD_AGES << (s->shift - 1)) >=
                            4 * LHD_SPAN_PER_OBJECT * (uint64_t)s->n)
        change_shift(s, 0);
}

/* One access (a hit or an insert) has happened. */
static void
tick(struct lhd_state *s)
{
    s->now++;
    if (--s->until_reconfigure == 0) {
        reconfigure(s);
        s->until_reconfigure = s->interval;
    }
}

static void
maybe_explore(struct policy *p, struct cache_obj *o)
{
    struct lhd_state *s = p->state;
    struct lhd_obj *w = lhd_obj(o);
    if (w->explorer || s->explorer_budget < (int64_t)o->size)
        return;
    if (sim_rng_uniform_int(policy_rng(p), LHD_EXPLORE_ONE_IN) == 0) {
        w->explorer = 1;
        s->explorer_budget -= (int64_t)o->size;
    }
}

static double
rank_of(const struct lhd_state *s, struct cache_obj *o)
{
    struct lhd_obj *w = lhd_obj(o);
    uint32_t age = age_bucket(s, s->now - w->stamp);
    if (age == LHD_AGES - 1)
        return -1.0;
    if (w->explorer)
        return DBL_MAX;
    /* An empty object would divide by zero: count it as one byte. */
    double size = o->size ? (double)o->size : 1.0;
    return (double)s->density[cell(class_of(s, w), age)] / size;
}

/* --- hooks --- */

static int
lhd_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lhd_state *s = p->state;
    size_t n = (size_t)LHD_CLASSES * LHD_AGES;
    s->hits = xcalloc(n, sizeof *s->hits);
    s->evictions = xcalloc(n, sizeof *s->evictions);
    s->density = xcalloc(n, sizeof *s->density);
    prior_densities(s);
    s->cap = 1024;
    s->slots = xmalloc(s->cap * sizeof *s->slots);
    s->chosen = CACHE_NIL;
    s->until_reconfigure = s->interval;
    s->explorer_budget =
        (int64_t)((double)p->capacity_bytes * LHD_EXPLORER_SHARE);
    return 0;
}

static void
lhd_stop(struct policy *p)
{
    struct lhd_state *s = p->state;
    free(s->hits);
    free(s->evictions);
    free(s->density);
    free(s->slots);
    s->hits = s->evictions = s->density = NULL;
    s->slots = NULL;
}

static void
lhd_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lhd_state *s = p->state;
    struct lhd_obj *w = lhd_obj(o);
    SIM_ASSERT(s->n < UINT32_MAX);
    s->slots =
        xgrow(s->slots, &s->cap, (size_t)s->n + 1, sizeof *s->slots, 1024);
    w->slot = s->n;
    s->slots[s->n++] = cache_obj_index(p->store, o);
    w->stamp = s->now;
    w->hit_age[0] = w->hit_age[1] = LHD_NO_HIT;
    s->chosen = CACHE_NIL;
    while (span_too_short(s, s->n))
        change_shift(s, 1);
    maybe_explore(p, o);
    tick(s);
}

static void
lhd_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lhd_state *s = p->state;
    struct lhd_obj *w = lhd_obj(o);
    uint64_t age = s->now - w->stamp;
    s->hits[cell(class_of(s, w), age_bucket(s, age))] += 1.0f;
    w->hit_age[1] = w->hit_age[0];
    w->hit_age[0] = age < LHD_NO_HIT ? (uint32_t)age : LHD_NO_HIT - 1;
    w->stamp = s->now;
    s->chosen = CACHE_NIL;
    maybe_explore(p, o);
    tick(s);
}

static void
lhd_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lhd_state *s = p->state;
    struct lhd_obj *w = lhd_obj(o);
    s->evictions[cell(class_of(s, w), age_bucket(s, s->now - w->stamp))] +=
        1.0f;
    if (w->explorer)
        s->explorer_budget += (int64_t)o->size;
    uint32_t last = s->slots[--s->n];
    s->slots[w->slot] = last;
    lhd_obj(cache_obj_at(p->store, last))->slot = w->slot;
    s->chosen = CACHE_NIL;
}

static struct cache_obj *
lhd_victim(struct policy *p)
{
    struct lhd_state *s = p->state;
    if (s->n == 0)
        return NULL;
    if (s->chosen == CACHE_NIL) {
        gsl_rng *rng = policy_rng(p);
        double best = DBL_MAX;
        for (unsigned i = 0; i < s->samples; i++) {
            uint32_t idx = s->slots[sim_rng_uniform_int(rng, s->n)];
            double r = rank_of(s, cache_obj_at(p->store, idx));
            /* The first draw is taken even at DBL_MAX (an explorer). */
            if (r < best || s->chosen == CACHE_NIL) {
                best = r;
                s->chosen = idx;
            }
        }
    }
    return cache_obj_at(p->store, s->chosen);
}

static const struct cache_param lhd_params[] = {
    {.name = "samples",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = 1024,
     .def = "32",
     .help = "objects drawn at random per eviction",
     .offset = offsetof(struct lhd_state, samples)},
    {.name = "interval",
     .type = CACHE_PARAM_U64,
     .min = 1,
     .max = 1e18,
     .def = "65536",
     .help = "accesses between reconfigurations of the hit densities",
     .offset = offsetof(struct lhd_state, interval)},
};

const struct policy_ops policy_lhd_ops = {
    .name = "lhd",
    .abi = POLICY_ABI,
    .summary = "LHD: evicts the least hit density of sampled objects, "
               "learned from per-class hit and eviction ages",
    .params = lhd_params,
    .n_params = sizeof lhd_params / sizeof lhd_params[0],
    .state_size = sizeof(struct lhd_state),
    .obj_state_size = sizeof(struct lhd_obj),
    .start = lhd_start,
    .stop = lhd_stop,
    .on_insert = lhd_on_insert,
    .on_hit = lhd_on_hit,
    .on_remove = lhd_on_remove,
    .victim = lhd_victim,
};
