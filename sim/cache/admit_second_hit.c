/* admit_second_hit.c: store an object only on its second request within a
 * window, against one-hit wonders.
 *
 * Source: the "cache on second hit" rule of Akamai's CDN, described by
 * Maggs and Sitaraman, "Algorithmic nuggets in content delivery", ACM
 * SIGCOMM CCR 45(3), 2015, in its section on Bloom filters: about three
 * quarters of the objects a CDN server sees are requested only once, and
 * not storing them leaves room for objects that are requested again. As
 * there, the set of recently requested ids is two Bloom filters (Bloom,
 * CACM 1970) used in turn, so memory is fixed whatever the number of
 * distinct objects.
 *
 * The window counts the misses the filter sees (a filter never sees hits).
 * Each miss is recorded in the current filter; after half a window the
 * filters rotate: the current one becomes the previous one and the old
 * previous one is cleared and reused. An id therefore counts as seen for
 * between half a window and a whole window of misses after its request.
 * A generation also ends early once its filter holds as many ids as its
 * bits support at about 1% false positives: memory stays bloom_bits
 * whatever the window, and a window too long for it only shortens.
 *
 * Defaults. window_requests: 10 x the number of objects the cache holds,
 * measured at each rotation (at least 2048), which is 10 x the objects the
 * cache can hold at the mean object size once it is full, with no size
 * estimate needed. bloom_bits: sized for half the window at 1% false
 * positives when window_requests is given (9.6 bits per id), else 2^20
 * bits per filter (256 KiB for the pair, ~109,000 ids per generation).
 * Sizes are rounded up to a power of two.
 *
 * Cost: O(k) per miss with k = 7 bit probes in each of two filters; a
 * rotation clears one filter, O(bloom_bits / 64) once per generation.
 */
#include "cache/cache.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/xalloc.h"

#define SH_PROBES 7        /* bit probes per id: ~1% at 9.6 bits/id */
#define SH_BITS_PER_ID 9.6 /* what 1% false positives needs */
#define SH_DEFAULT_BITS (1u << 20)
#define SH_MIN_GENERATION 1024 /* misses, for the automatic window */

struct second_hit_state {
    uint64_t window;      /* misses; 0 = automatic (see above) */
    uint64_t bits;        /* per filter, a power of two; 0 = default */
    uint64_t *cur, *prev; /* the two filters, bits / 64 words each */
    uint64_t gen_len;     /* misses in this generation before rotating */
    uint64_t gen_ids;     /* most ids one generation may insert */
    uint64_t n_misses;    /* seen in this generation */
    uint64_t n_ids;       /* new ids recorded in this generation */
};

static uint64_t
pow2_at_least(uint64_t x)
{
    uint64_t p = 64;
    while (p < x && p < (UINT64_C(1) << 40))
        p <<= 1;
    return p;
}

/* The length of the generation starting now. */
static uint64_t
sh_gen_len(const struct admit_filter *f)
{
    const struct second_hit_state *s = f->state;
    if (s->window)
        return (s->window + 1) / 2;
    uint64_t n = 5 * (uint64_t)cache_n_objects(f->store);
    return n > SH_MIN_GENERATION ? n : SH_MIN_GENERATION;
}

static int
sh_start(struct admit_filter *f, struct sim_err *err)
{
    (void)err;
    struct second_hit_state *s = f->state;
    if (s->bits == 0)
        s->bits =
            s->window
                ? (uint64_t)((double)((s->window + 1) / 2) * SH_BITS_PER_ID) + 1
                : SH_DEFAULT_BITS;
    s->bits = pow2_at_least(s->bits);
    s->cur = xcalloc(s->bits / 64, sizeof *s->cur);
    s->prev = xcalloc(s->bits / 64, sizeof *s->prev);
    s->gen_ids = (uint64_t)((double)s->bits / SH_BITS_PER_ID);
    if (s->gen_ids == 0)
        s->gen_ids = 1;
    s->gen_len = sh_gen_len(f);
    return 0;
}

static void
sh_stop(struct admit_filter *f)
{
    struct second_hit_state *s = f->state;
    free(s->cur);
    free(s->prev);
    s->cur = s->prev = NULL;
}

/* Probe i of an id: double hashing (Kirsch and Mitzenmacher, 2006) with
 * an odd step, so the probes of one id are distinct. */
static inline uint64_t
sh_probe(uint64_t h1, uint64_t h2, int i, uint64_t mask)
{
    return (h1 + (uint64_t)i * h2) & mask;
}

static int
sh_has(const uint64_t *bf, uint64_t h1, uint64_t h2, uint64_t mask)
{
    for (int i = 0; i < SH_PROBES; i++) {
        uint64_t b = sh_probe(h1, h2, i, mask);
        if (!(bf[b >> 6] & (UINT64_C(1) << (b & 63))))
            return 0;
    }
    return 1;
}

static void
sh_add(uint64_t *bf, uint64_t h1, uint64_t h2, uint64_t mask)
{
    for (int i = 0; i < SH_PROBES; i++) {
        uint64_t b = sh_probe(h1, h2, i, mask);
        bf[b >> 6] |= UINT64_C(1) << (b & 63);
    }
}

static int
sh_admit(struct admit_filter *f, uint64_t key, uint64_t size)
{
    (void)size;
    struct second_hit_state *s = f->state;
    uint64_t mask = s->bits - 1;
    uint64_t h1 = hash_mix64(key), h2 = hash_mix64(h1) | 1;
    int in_cur = sh_has(s->cur, h1, h2, mask);
    int seen = in_cur || sh_has(s->prev, h1, h2, mask);
    if (!in_cur) {
        sh_add(s->cur, h1, h2, mask);
        s->n_ids++;
    }
    if (++s->n_misses >= s->gen_len || s->n_ids >= s->gen_ids) {
        uint64_t *t = s->prev;
        s->prev = s->cur;
        s->cur = t;
        memset(s->cur, 0, s->bits / 8);
        s->n_misses = s->n_ids = 0;
        s->gen_len = sh_gen_len(f);
    }
    return seen;
}

static const struct cache_param sh_params[] = {
    {.name = "window_requests",
     .type = CACHE_PARAM_U64,
     .min = 2,
     .max = 0x1p64,
     .help = "misses an id is remembered for; by default 10x the cached "
             "objects",
     .offset = offsetof(struct second_hit_state, window)},
    {.name = "bloom_bits",
     .type = CACHE_PARAM_U64,
     .min = 1,
     .max = 0x1p40,
     .help = "bits per filter, rounded up to a power of two; by default "
             "2^20, or 9.6 per id of half a window",
     .offset = offsetof(struct second_hit_state, bits)},
};

const struct admit_ops admit_second_hit_ops = {
    .name = "second_hit",
    .abi = ADMIT_ABI,
    .summary = "stores an object on its second request within a window of "
               "misses (two rotating Bloom filters)",
    .params = sh_params,
    .n_params = sizeof sh_params / sizeof sh_params[0],
    .state_size = sizeof(struct second_hit_state),
    .start = sh_start,
    .stop = sh_stop,
    .admit = sh_admit,
};
