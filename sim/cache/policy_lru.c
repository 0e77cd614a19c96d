/* policy_lru.c: least recently used.
 *
 * Source: the classic LRU stack algorithm (Mattson, Gecsei, Slutz, Traiger,
 * "Evaluation techniques for storage hierarchies", IBM Systems J. 1970).
 * Cost: O(1) per insert, hit, remove and victim (one doubly linked list).
 */
#include "cache/list.h"

struct lru_state {
    struct clist order; /* head = most recently used */
};

static void
lru_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lru_state *s = p->state;
    clist_push_head(p->store, &s->order, o, 0);
}

static void
lru_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lru_state *s = p->state;
    clist_move_head(p->store, &s->order, o, 0);
}

static void
lru_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lru_state *s = p->state;
    int was_tail = s->order.tail == cache_obj_index(p->store, o);
    clist_remove(p->store, &s->order, o, 0);
    if (was_tail) /* an eviction, most likely: the next one's ahead */
        clist_prefetch_tail(p->store, &s->order, 0);
}

static struct cache_obj *
lru_victim(struct policy *p)
{
    struct lru_state *s = p->state;
    return clist_tail(p->store, &s->order);
}

static int
lru_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lru_state *s = p->state;
    clist_init(&s->order);
    return 0;
}

const struct policy_ops policy_lru_ops = {
    .name = "lru",
    .abi = POLICY_ABI,
    .summary = "least recently used: evicts the object unused the longest",
    .state_size = sizeof(struct lru_state),
    .obj_state_size = sizeof(struct clist_link),
    .start = lru_start,
    .on_insert = lru_on_insert,
    .on_hit = lru_on_hit,
    .on_remove = lru_on_remove,
    .victim = lru_victim,
};
