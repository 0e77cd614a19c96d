/* policy_lfuda.c: LFU with dynamic aging, unit-size variant.
 *
 * Source: M. Arlitt, L. Cherkasova, J. Dilley, R. Friedrich, T. Jin,
 * "Evaluating content management techniques for Web proxy caches", ACM
 * SIGMETRICS Performance Evaluation Review 27(4), 2000, section 2 (LFU-DA).
 * Each object has the key K = F + L, where F is its access count in the
 * cache (1 on insert) and L the cache's age: the key of the object most
 * recently evicted (0 at first). K is recomputed with the current L on
 * every hit; the object with the smallest K goes, the least recently
 * keyed one among ties. Aging lets objects that were popular long ago
 * leave once newer objects catch up. Sizes are ignored here (cost and
 * size weights are GDSF, a separate policy).
 *
 * Keys only grow and are not bounded in range, so a bucket list would need
 * a search on every hit; a binary min-heap ordered by (K, stamp) does it
 * in O(log n). The stamp rises with every insert and hit, which gives the
 * LRU order among equal keys and makes the order total (deterministic).
 * Cost: O(log n) per insert, hit and remove; victim O(1). Memory: 16 bytes
 * per object plus a 24-byte heap entry; the heap array is allocated in
 * start, doubles in on_insert when full and is freed in stop.
 *
 * L is the key of an *evicted* object only: the store asks victim and then
 * removes that object, so on_remove of the object victim last returned
 * counts as an eviction, while other removals (expiry, a new version) leave
 * L alone.
 *
 * Against libCacheSim (LFUDA), cloudphysics trace, unit sizes, miss ratio
 * at 490 / 2449 / 4897 objects: 0.8315 / 0.8202 / 0.8026 here, the
 * reference 0.8356 / 0.8218 / 0.8020. libCacheSim runs a different
 * variant: a hit adds the current age to the key (K += L) instead of
 * setting K = F + L, its age is the smallest key in the cache rather than
 * the last evicted one, and before the first eviction the age is 0, so
 * hits leave keys alone and the cache behaves as LRU. A throwaway
 * emulation of that bookkeeping reproduced the reference exactly (0.8356 /
 * 0.8218 / 0.8020); this file follows the paper.
 */
#include <stdlib.h>

#include "cache/cache.h"
#include "util/xalloc.h"

struct lfuda_entry {
    uint64_t key;   /* K = F + L when last set */
    uint64_t stamp; /* when last set; breaks ties, oldest first */
    uint32_t obj;   /* object index */
};

struct lfuda_state {
    struct lfuda_entry *heap; /* min-heap on (key, stamp) */
    uint32_t n;
    uint32_t cap;
    uint64_t age;    /* L: key of the last evicted object */
    uint64_t clock;  /* next stamp */
    uint32_t chosen; /* object victim last returned, CACHE_NIL if none */
};

struct lfuda_obj {
    uint32_t pos;  /* index in heap[] */
    uint64_t freq; /* F: accesses since insert */
};

static inline struct lfuda_obj *
lfuda_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static inline int
lfuda_less(const struct lfuda_entry *a, const struct lfuda_entry *b)
{
    return a->key < b->key || (a->key == b->key && a->stamp < b->stamp);
}

/* Writes e into heap slot i and tells its object where it is. */
static inline void
lfuda_place(struct policy *p, uint32_t i, struct lfuda_entry e)
{
    struct lfuda_state *s = p->state;
    s->heap[i] = e;
    lfuda_obj(cache_obj_at(p->store, e.obj))->pos = i;
}

static void
lfuda_sift_up(struct policy *p, uint32_t i)
{
    struct lfuda_state *s = p->state;
    struct lfuda_entry e = s->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!lfuda_less(&e, &s->heap[parent]))
            break;
        lfuda_place(p, i, s->heap[parent]);
        i = parent;
    }
    lfuda_place(p, i, e);
}

static void
lfuda_sift_down(struct policy *p, uint32_t i)
{
    struct lfuda_state *s = p->state;
    struct lfuda_entry e = s->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= s->n)
            break;
        if (c + 1 < s->n && lfuda_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!lfuda_less(&s->heap[c], &e))
            break;
        lfuda_place(p, i, s->heap[c]);
        i = c;
    }
    lfuda_place(p, i, e);
}

static int
lfuda_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lfuda_state *s = p->state;
    s->cap = 1024;
    s->heap = xmalloc((size_t)s->cap * sizeof *s->heap);
    s->n = 0;
    s->age = 0;
    s->clock = 0;
    s->chosen = CACHE_NIL;
    return 0;
}

static void
lfuda_stop(struct policy *p)
{
    struct lfuda_state *s = p->state;
    free(s->heap);
    s->heap = NULL;
}

static void
lfuda_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    if (s->n == s->cap) {
        SIM_ASSERT(s->cap < UINT32_MAX / 2);
        s->cap *= 2;
        s->heap = xrealloc(s->heap, (size_t)s->cap * sizeof *s->heap);
    }
    lfuda_obj(o)->freq = 1;
    s->heap[s->n] = (struct lfuda_entry){
        .key = 1 + s->age,
        .stamp = s->clock++,
        .obj = cache_obj_index(p->store, o),
    };
    lfuda_sift_up(p, s->n++);
    s->chosen = CACHE_NIL;
}

static void
lfuda_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    struct lfuda_obj *lo = lfuda_obj(o);
    lo->freq++;
    struct lfuda_entry *e = &s->heap[lo->pos];
    /* The key never falls: F grew and L only grows. */
    e->key = lo->freq + s->age;
    e->stamp = s->clock++;
    lfuda_sift_down(p, lo->pos);
    s->chosen = CACHE_NIL;
}

static void
lfuda_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    uint32_t i = lfuda_obj(o)->pos;
    if (s->chosen == s->heap[i].obj)
        s->age = s->heap[i].key; /* an eviction: the cache ages */
    s->chosen = CACHE_NIL;
    s->n--;
    if (i == s->n)
        return;
    /* Move the last entry into the hole and restore the order, which may
     * need it to go either way. */
    lfuda_place(p, i, s->heap[s->n]);
    if (i > 0 && lfuda_less(&s->heap[i], &s->heap[(i - 1) / 2]))
        lfuda_sift_up(p, i);
    else
        lfuda_sift_down(p, i);
}

static struct cache_obj *
lfuda_victim(struct policy *p)
{
    struct lfuda_state *s = p->state;
    if (s->n == 0)
        return NULL;
    s->chosen = s->heap[0].obj;
    return cache_obj_at(p->store, s->chosen);
}

const struct policy_ops policy_lfuda_ops = {
    .name = "lfuda",
    .abi = POLICY_ABI,
    .summary = "LFU with dynamic aging: key = count + age of the last "
               "eviction, smallest key goes",
    .params = "",
    .state_size = sizeof(struct lfuda_state),
    .obj_state_size = sizeof(struct lfuda_obj),
    .start = lfuda_start,
    .stop = lfuda_stop,
    .on_insert = lfuda_on_insert,
    .on_hit = lfuda_on_hit,
    .on_remove = lfuda_on_remove,
    .victim = lfuda_victim,
};
