/* policy_twoq.c: 2Q (full version), registered as "2q".
 *
 * Source: T. Johnson, D. Shasha, "2Q: a low overhead high performance
 * buffer management replacement algorithm", VLDB 1994, section 2.2 (the
 * full version with A1in, A1out and Am). A new object enters A1in, a FIFO;
 * hits there change nothing, which absorbs correlated references. When
 * A1in holds more than Kin (kin x capacity bytes) an eviction takes its
 * tail and remembers the id in A1out, a FIFO of ids only. A miss whose id
 * is in A1out was re-referenced after leaving A1in, so the object goes
 * into Am, an LRU; otherwise evictions come from Am's tail.
 *
 * A1out is the policy's own ghost (ghost.h), not objects of the store:
 * 24-byte entries in a FIFO plus an id index, allocated in start, grown in
 * on_remove when needed and freed in stop. It is bounded like
 * libCacheSim's Aout, by bytes (the remembered objects' sizes sum to at
 * most kout x capacity), and also by count (at most kout x the number of
 * cached objects), so its memory stays proportional to the cache's own
 * whatever the sizes; with unit sizes the two bounds coincide with the
 * paper's Kout = 50% of the page slots.
 *
 * A miss consults A1out in admit, which the store calls before the
 * evictions that make room, so a re-referenced id leaves A1out before new
 * ids arrive, as in the paper (and libCacheSim). Only evictions feed
 * A1out: the store asks victim and then removes that object, so on_remove
 * of the object victim last returned is an eviction, and other removals
 * (expiry, a new version) are forgotten.
 *
 * Cost: O(1) per hook (A1out growth amortised).
 *
 * Against libCacheSim (TwoQ), cloudphysics trace, unit sizes, miss ratio at
 * 490 / 2449 / 4897 objects: 0.8305 / 0.8151 / 0.7742 here, the reference
 * 0.8305 / 0.8151 / 0.7742: the same algorithm, exactly. (libCacheSim
 * also refuses objects larger than Kin; we store them, which matters only
 * with real sizes.)
 */
#include <string.h>

#include "cache/ghost.h"
#include "cache/list.h"

enum { TWOQ_A1IN = 0, TWOQ_AM = 1 };

struct twoq_state {
    struct clist a1in; /* FIFO of first-time objects */
    struct clist am;   /* LRU of re-referenced objects */
    double kin;        /* A1in share of capacity (parameter) */
    double kout;       /* A1out bound as a share (parameter) */
    uint64_t kin_bytes;
    uint64_t kout_bytes;
    struct ghost a1out; /* ids of objects evicted from A1in (list 0) */
    uint32_t chosen;    /* object victim last returned, CACHE_NIL if none */
    int has_hot;        /* the miss being inserted had its id in A1out */
    uint64_t hot_key;   /* that id; valid only while has_hot */
};

struct twoq_obj {
    struct clist_link link;
    uint8_t queue; /* TWOQ_A1IN or TWOQ_AM */
};

static inline struct twoq_obj *
twoq_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
twoq_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct twoq_state *s = p->state;
    clist_init(&s->a1in);
    clist_init(&s->am);
    s->kin_bytes = (uint64_t)((double)p->capacity_bytes * s->kin);
    s->kout_bytes = (uint64_t)((double)p->capacity_bytes * s->kout);
    ghost_init(&s->a1out);
    s->chosen = CACHE_NIL;
    s->has_hot = 0;
    return 0;
}

static void
twoq_stop(struct policy *p)
{
    struct twoq_state *s = p->state;
    ghost_fini(&s->a1out);
}

/* Remembers an object evicted from A1in at the head of A1out, dropping the
 * oldest ids beyond the bounds. n_cached is the number of cached objects. */
static void
twoq_ghost_push(struct twoq_state *s, uint64_t key, uint64_t size,
                uint32_t n_cached)
{
    /* An id is in A1out at most once. */
    ghost_remove(&s->a1out, key);
    uint64_t max_n = (uint64_t)(s->kout * (double)n_cached);
    if (max_n == 0 || size > s->kout_bytes)
        return; /* it could never be held */
    ghost_push(&s->a1out, 0, key, size);
    ghost_trim(&s->a1out, s->kout_bytes, max_n);
}

/* Every miss the store is about to insert comes here first, before the
 * evictions that make room: the id leaves A1out now, as in the paper, so
 * it does not take a place there that those evictions could use. */
static int
twoq_admit(struct policy *p, uint64_t key, uint64_t size)
{
    (void)size;
    struct twoq_state *s = p->state;
    s->has_hot = ghost_remove(&s->a1out, key);
    if (s->has_hot)
        s->hot_key = key;
    return 1;
}

static void
twoq_on_insert(struct policy *p, struct cache_obj *o)
{
    struct twoq_state *s = p->state;
    if (s->has_hot && s->hot_key == o->key) {
        /* Seen again after leaving A1in: a hot object. */
        twoq_obj(o)->queue = TWOQ_AM;
        clist_push_head(p->store, &s->am, o, 0);
    } else {
        twoq_obj(o)->queue = TWOQ_A1IN;
        clist_push_head(p->store, &s->a1in, o, 0);
    }
    s->has_hot = 0;
    s->chosen = CACHE_NIL;
}

static void
twoq_on_hit(struct policy *p, struct cache_obj *o)
{
    struct twoq_state *s = p->state;
    /* A hit in A1in is left alone: it is likely a correlated reference. */
    if (twoq_obj(o)->queue == TWOQ_AM)
        clist_move_head(p->store, &s->am, o, 0);
}

static void
twoq_on_remove(struct policy *p, struct cache_obj *o)
{
    struct twoq_state *s = p->state;
    int evicted = s->chosen == cache_obj_index(p->store, o);
    s->chosen = CACHE_NIL;
    if (twoq_obj(o)->queue == TWOQ_AM) {
        clist_remove(p->store, &s->am, o, 0);
        return;
    }
    clist_remove(p->store, &s->a1in, o, 0);
    if (evicted)
        twoq_ghost_push(s, o->key, o->size, cache_n_objects(p->store));
}

static struct cache_obj *
twoq_victim(struct policy *p)
{
    struct twoq_state *s = p->state;
    struct clist *l = s->a1in.bytes > s->kin_bytes ? &s->a1in : &s->am;
    if (l->n == 0)
        l = l == &s->am ? &s->a1in : &s->am;
    struct cache_obj *o = clist_tail(p->store, l);
    s->chosen = o ? cache_obj_index(p->store, o) : CACHE_NIL;
    return o;
}

static const struct cache_param twoq_params[] = {
    {.name = "kin",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN | CACHE_PARAM_MAX_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.25",
     .help = "A1in's share of the capacity",
     .offset = offsetof(struct twoq_state, kin)},
    {.name = "kout",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN,
     .min = 0,
     .max = 4,
     .def = "0.5",
     .help = "A1out's ghost ids, as a share of the capacity",
     .offset = offsetof(struct twoq_state, kout)},
};

const struct policy_ops policy_twoq_ops = {
    .name = "2q",
    .abi = POLICY_ABI,
    .summary = "2Q: FIFO for new objects, ghost ids of its evictions, LRU "
               "for objects seen again",
    .params = twoq_params,
    .n_params = sizeof twoq_params / sizeof twoq_params[0],
    .state_size = sizeof(struct twoq_state),
    .obj_state_size = sizeof(struct twoq_obj),
    .start = twoq_start,
    .stop = twoq_stop,
    .admit = twoq_admit,
    .on_insert = twoq_on_insert,
    .on_hit = twoq_on_hit,
    .on_remove = twoq_on_remove,
    .victim = twoq_victim,
};
