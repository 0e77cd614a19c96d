/* policy_fifo.c: first in, first out.
 *
 * Source: FIFO replacement as analysed by Gelenbe, "A unified approach to the
 * evaluation of a class of replacement algorithms", IEEE Trans. Computers
 * 1973. Cost: O(1) per hook; a hit changes nothing.
 */
#include "cache/list.h"

struct fifo_state {
    struct clist order; /* head = newest insert */
};

static void
fifo_on_insert(struct policy *p, struct cache_obj *o)
{
    struct fifo_state *s = p->state;
    clist_push_head(p->store, &s->order, o, 0);
}

static void
fifo_on_hit(struct policy *p, struct cache_obj *o)
{
    (void)p;
    (void)o;
}

static void
fifo_on_remove(struct policy *p, struct cache_obj *o)
{
    struct fifo_state *s = p->state;
    int was_tail = s->order.tail == cache_obj_index(p->store, o);
    clist_remove(p->store, &s->order, o, 0);
    if (was_tail) /* an eviction, most likely: the next one's ahead */
        clist_prefetch_tail(p->store, &s->order, 0);
}

static struct cache_obj *
fifo_victim(struct policy *p)
{
    struct fifo_state *s = p->state;
    return clist_tail(p->store, &s->order);
}

static int
fifo_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct fifo_state *s = p->state;
    clist_init(&s->order);
    return 0;
}

const struct policy_ops policy_fifo_ops = {
    .name = "fifo",
    .abi = POLICY_ABI,
    .summary = "first in, first out: evicts the oldest insert; hits change "
               "nothing",
    .state_size = sizeof(struct fifo_state),
    .obj_state_size = sizeof(struct clist_link),
    .start = fifo_start,
    .on_insert = fifo_on_insert,
    .on_hit = fifo_on_hit,
    .on_remove = fifo_on_remove,
    .victim = fifo_victim,
};
