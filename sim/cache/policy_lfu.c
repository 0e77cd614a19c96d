/* policy_lfu.c: least frequently used in O(1), LRU among equal counts.
 *
 * Source: K. Shah, A. Mitra, D. Matani, "An O(1) algorithm for
 * implementing the LFU cache eviction scheme", 2010, sections 3-4. The
 * objects with the same access count share a bucket; the buckets form a
 * list in increasing count, so the victim is in the first bucket and a hit
 * moves an object to the bucket right after its own (creating it when the
 * next count is missing). Within a bucket, objects are in the order they
 * reached that count, so the victim is the least recently used among the
 * least frequently used. The count starts at 1 on insert and is forgotten
 * on eviction (in-cache LFU).
 *
 * Cost: O(1) per insert, hit, remove and victim. Memory: 12 bytes per
 * object plus one 40-byte bucket per distinct count in the cache (never
 * more buckets than objects, plus a spare). The bucket pool is allocated in
 * start, doubles in on_insert/on_hit when it runs out, and is freed in
 * stop.
 *
 * Against libCacheSim (LFU), cloudphysics trace, unit sizes, miss ratio at
 * 490 / 2449 / 4897 objects: 0.8497 / 0.8172 / 0.7907 here, the reference
 * 0.8497 / 0.8172 / 0.7907: the same algorithm and tie order, exactly.
 */
#include <stdlib.h>

#include "cache/list.h"
#include "util/xalloc.h"

struct lfu_bucket {
    uint64_t count;    /* accesses of every object in it */
    struct clist objs; /* head = reached this count last; tail = victim */
    uint32_t prev;     /* bucket with the next lower count, or CACHE_NIL */
    uint32_t next;     /* next higher count; free list link when unused */
};

struct lfu_state {
    struct lfu_bucket *pool;
    size_t pool_cap;
    uint32_t free;  /* unused buckets, chained through next */
    uint32_t first; /* lowest-count bucket, CACHE_NIL when empty */
};

struct lfu_obj {
    struct clist_link link;
    uint32_t bucket;
};

static inline struct lfu_obj *
lfu_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

/* Chains buckets [from, to) onto the free list. */
static void
lfu_free_range(struct lfu_state *s, uint32_t from, uint32_t to)
{
    for (uint32_t i = to; i-- > from;) {
        s->pool[i].next = s->free;
        s->free = i;
    }
}

static int
lfu_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lfu_state *s = p->state;
    s->pool_cap = 64;
    s->pool = xmalloc(s->pool_cap * sizeof *s->pool);
    s->free = CACHE_NIL;
    lfu_free_range(s, 0, (uint32_t)s->pool_cap);
    s->first = CACHE_NIL;
    return 0;
}

static void
lfu_stop(struct policy *p)
{
    struct lfu_state *s = p->state;
    free(s->pool);
    s->pool = NULL;
}

/* A new bucket for count, linked between prev and next (either NIL). */
static uint32_t
lfu_bucket_new(struct lfu_state *s, uint64_t count, uint32_t prev,
               uint32_t next)
{
    if (s->free == CACHE_NIL) {
        size_t old = s->pool_cap;
        SIM_ASSERT(old < UINT32_MAX / 2);
        s->pool = xgrow(s->pool, &s->pool_cap, old + 1, sizeof *s->pool, 64);
        lfu_free_range(s, (uint32_t)old, (uint32_t)s->pool_cap);
    }
    uint32_t b = s->free;
    struct lfu_bucket *nb = &s->pool[b];
    s->free = nb->next;
    nb->count = count;
    clist_init(&nb->objs);
    nb->prev = prev;
    nb->next = next;
    if (prev != CACHE_NIL)
        s->pool[prev].next = b;
    else
        s->first = b;
    if (next != CACHE_NIL)
        s->pool[next].prev = b;
    return b;
}

/* Unlinks bucket b if it has no objects left. */
static void
lfu_bucket_release_if_empty(struct lfu_state *s, uint32_t b)
{
    struct lfu_bucket *ob = &s->pool[b];
    if (ob->objs.n > 0)
        return;
    if (ob->prev != CACHE_NIL)
        s->pool[ob->prev].next = ob->next;
    else
        s->first = ob->next;
    if (ob->next != CACHE_NIL)
        s->pool[ob->next].prev = ob->prev;
    ob->next = s->free;
    s->free = b;
}

static void
lfu_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lfu_state *s = p->state;
    uint32_t b = s->first;
    if (b == CACHE_NIL || s->pool[b].count != 1)
        b = lfu_bucket_new(s, 1, CACHE_NIL, s->first);
    lfu_obj(o)->bucket = b;
    clist_push_head(p->store, &s->pool[b].objs, o, 0);
}

static void
lfu_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lfu_state *s = p->state;
    uint32_t b = lfu_obj(o)->bucket;
    uint64_t count = s->pool[b].count + 1;
    uint32_t nb = s->pool[b].next;
    if (nb == CACHE_NIL || s->pool[nb].count != count)
        nb = lfu_bucket_new(s, count, b, nb); /* may move the pool */
    clist_remove(p->store, &s->pool[b].objs, o, 0);
    clist_push_head(p->store, &s->pool[nb].objs, o, 0);
    lfu_obj(o)->bucket = nb;
    lfu_bucket_release_if_empty(s, b);
}

static void
lfu_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lfu_state *s = p->state;
    uint32_t b = lfu_obj(o)->bucket;
    clist_remove(p->store, &s->pool[b].objs, o, 0);
    lfu_bucket_release_if_empty(s, b);
}

static struct cache_obj *
lfu_victim(struct policy *p)
{
    struct lfu_state *s = p->state;
    if (s->first == CACHE_NIL)
        return NULL;
    return clist_tail(p->store, &s->pool[s->first].objs);
}

const struct policy_ops policy_lfu_ops = {
    .name = "lfu",
    .abi = POLICY_ABI,
    .summary = "LFU: evicts the least frequently used object (LRU among "
               "ties), O(1) frequency lists",
    .state_size = sizeof(struct lfu_state),
    .obj_state_size = sizeof(struct lfu_obj),
    .start = lfu_start,
    .stop = lfu_stop,
    .on_insert = lfu_on_insert,
    .on_hit = lfu_on_hit,
    .on_remove = lfu_on_remove,
    .victim = lfu_victim,
};
