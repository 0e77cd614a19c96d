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
 * a search on every hit; a binary heap (heap.h) with the lowest (K, stamp)
 * on top does it in O(log n). The stamp rises with every insert and hit,
 * which gives the LRU order among equal keys and makes the order total
 * (deterministic). Cost: O(log n) per insert, hit and remove; victim O(1).
 * Memory: 16 bytes per object plus a 24-byte heap entry; the heap array is
 * allocated in start, doubles in on_insert when full and is freed in stop.
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
#include "cache/heap.h"

struct lfuda_state {
    struct heap heap; /* entries keyed by (K, stamp) */
    uint64_t age;     /* L: key of the last evicted object */
    uint64_t clock;   /* next stamp */
    uint32_t chosen;  /* object victim last returned, CACHE_NIL if none */
};

struct lfuda_obj {
    uint32_t pos;  /* index in the heap; first, for heap.h */
    uint64_t freq; /* F: accesses since insert */
};

static inline struct lfuda_obj *
lfuda_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
lfuda_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lfuda_state *s = p->state;
    heap_init(&s->heap);
    s->age = 0;
    s->clock = 0;
    s->chosen = CACHE_NIL;
    return 0;
}

static void
lfuda_stop(struct policy *p)
{
    struct lfuda_state *s = p->state;
    heap_fini(&s->heap);
}

static void
lfuda_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    lfuda_obj(o)->freq = 1;
    heap_push(&s->heap, p->store, o, 1 + s->age, s->clock++);
    s->chosen = CACHE_NIL;
}

static void
lfuda_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    struct lfuda_obj *lo = lfuda_obj(o);
    lo->freq++;
    /* The key never falls: F grew and L only grows. */
    heap_update(&s->heap, p->store, lo->pos, lo->freq + s->age, s->clock++);
    s->chosen = CACHE_NIL;
}

static void
lfuda_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lfuda_state *s = p->state;
    uint32_t pos = lfuda_obj(o)->pos;
    if (s->chosen == s->heap.e[pos].obj)
        s->age = s->heap.e[pos].prio; /* an eviction: the cache ages */
    s->chosen = CACHE_NIL;
    heap_remove(&s->heap, p->store, pos);
}

static struct cache_obj *
lfuda_victim(struct policy *p)
{
    struct lfuda_state *s = p->state;
    struct cache_obj *o = heap_top(&s->heap, p->store);
    if (o != NULL)
        s->chosen = s->heap.e[0].obj;
    return o;
}

const struct policy_ops policy_lfuda_ops = {
    .name = "lfuda",
    .abi = POLICY_ABI,
    .summary = "LFU with dynamic aging: key = count + age of the last "
               "eviction, smallest key goes",
    .state_size = sizeof(struct lfuda_state),
    .obj_state_size = sizeof(struct lfuda_obj),
    .start = lfuda_start,
    .stop = lfuda_stop,
    .on_insert = lfuda_on_insert,
    .on_hit = lfuda_on_hit,
    .on_remove = lfuda_on_remove,
    .victim = lfuda_victim,
};
