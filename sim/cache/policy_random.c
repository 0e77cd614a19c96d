/* policy_random.c: evicts a uniformly random cached object.
 *
 * Source: random replacement (RR) as analysed by E. Gelenbe, "A unified
 * approach to the evaluation of a class of replacement algorithms", IEEE
 * Trans. Computers C-22(6), 1973; under the independent reference model
 * its hit ratio equals FIFO's.
 *
 * The cached objects' indices sit in one dense array and each object
 * remembers its slot, so removal is a swap with the last slot and a choice
 * is one draw of sim_rng_uniform_int on the cache's own stream
 * (policy_rng): the same seed and the same requests give the same
 * evictions.
 *
 * Cost: O(1) per hook (insert amortised: the array doubles when full).
 * Memory: 4 bytes per cached object in the array plus 4 in the object; the
 * array is allocated in start, grows in on_insert and is freed in stop.
 */
#include <stdlib.h>

#include "cache/cache.h"
#include "engine/engine.h"
#include "util/xalloc.h"

struct random_state {
    uint32_t *slots; /* object indices, [0, n) in use */
    uint32_t n;
    size_t cap;
    uint32_t chosen; /* object drawn by victim, CACHE_NIL if none: kept
                        until the next insert or remove, so that asking
                        twice gives the same answer */
};

struct random_obj {
    uint32_t slot; /* position in slots[] */
};

static inline struct random_obj *
random_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
random_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct random_state *s = p->state;
    s->cap = 1024;
    s->slots = xmalloc(s->cap * sizeof *s->slots);
    s->n = 0;
    s->chosen = CACHE_NIL;
    return 0;
}

static void
random_stop(struct policy *p)
{
    struct random_state *s = p->state;
    free(s->slots);
    s->slots = NULL;
}

static void
random_on_insert(struct policy *p, struct cache_obj *o)
{
    struct random_state *s = p->state;
    SIM_ASSERT(s->n < UINT32_MAX);
    s->slots =
        xgrow(s->slots, &s->cap, (size_t)s->n + 1, sizeof *s->slots, 1024);
    random_obj(o)->slot = s->n;
    s->slots[s->n++] = cache_obj_index(p->store, o);
    s->chosen = CACHE_NIL; /* the draw must include the newcomer */
}

static void
random_on_hit(struct policy *p, struct cache_obj *o)
{
    (void)p;
    (void)o;
}

static void
random_on_remove(struct policy *p, struct cache_obj *o)
{
    struct random_state *s = p->state;
    uint32_t slot = random_obj(o)->slot;
    uint32_t last = s->slots[--s->n];
    s->slots[slot] = last;
    random_obj(cache_obj_at(p->store, last))->slot = slot;
    s->chosen = CACHE_NIL;
}

static struct cache_obj *
random_victim(struct policy *p)
{
    struct random_state *s = p->state;
    if (s->n == 0)
        return NULL;
    if (s->chosen == CACHE_NIL)
        s->chosen = s->slots[sim_rng_uniform_int(policy_rng(p), s->n)];
    return cache_obj_at(p->store, s->chosen);
}

const struct policy_ops policy_random_ops = {
    .name = "random",
    .abi = POLICY_ABI,
    .summary = "random: evicts a uniformly random cached object (seeded, "
               "reproducible)",
    .state_size = sizeof(struct random_state),
    .obj_state_size = sizeof(struct random_obj),
    .start = random_start,
    .stop = random_stop,
    .on_insert = random_on_insert,
    .on_hit = random_on_hit,
    .on_remove = random_on_remove,
    .victim = random_victim,
};
