/* list.h: intrusive doubly linked lists of cached objects, by index.
 *
 * Policies keep their orders in these lists. The links live in the policy's
 * per-object state; a list names where (link_off bytes into that state), so
 * one object can be on a policy's different lists in turn (SLRU, 2Q, ARC).
 * Indices rather than pointers: the store may move its object array.
 */
#ifndef SIM_CACHE_LIST_H
#define SIM_CACHE_LIST_H

#include <stdint.h>

#include "cache/cache.h"

struct clist_link {
    uint32_t prev; /* towards the head; CACHE_NIL at the head */
    uint32_t next; /* towards the tail; CACHE_NIL at the tail */
};

struct clist {
    uint32_t head;  /* most recently pushed */
    uint32_t tail;  /* oldest: the usual victim */
    uint64_t n;     /* objects on the list */
    uint64_t bytes; /* their sizes summed */
};

static inline void
clist_init(struct clist *l)
{
    l->head = l->tail = CACHE_NIL;
    l->n = l->bytes = 0;
}

static inline struct clist_link *
clist_link_of(struct cache_obj *o, size_t link_off)
{
    return (struct clist_link *)((char *)cache_obj_state(o) + link_off);
}

/* Pushes o at the head of l. */
static inline void
clist_push_head(struct cache_store *c, struct clist *l, struct cache_obj *o,
                size_t link_off)
{
    uint32_t i = cache_obj_index(c, o);
    struct clist_link *k = clist_link_of(o, link_off);
    k->prev = CACHE_NIL;
    k->next = l->head;
    if (l->head != CACHE_NIL)
        clist_link_of(cache_obj_at(c, l->head), link_off)->prev = i;
    else
        l->tail = i;
    l->head = i;
    l->n++;
    l->bytes += o->size;
}

/* Unlinks o, which must be on l. */
static inline void
clist_remove(struct cache_store *c, struct clist *l, struct cache_obj *o,
             size_t link_off)
{
    struct clist_link *k = clist_link_of(o, link_off);
    if (k->prev != CACHE_NIL)
        clist_link_of(cache_obj_at(c, k->prev), link_off)->next = k->next;
    else
        l->head = k->next;
    if (k->next != CACHE_NIL)
        clist_link_of(cache_obj_at(c, k->next), link_off)->prev = k->prev;
    else
        l->tail = k->prev;
    k->prev = k->next = CACHE_NIL;
    l->n--;
    l->bytes -= o->size;
}

/* Moves o (on l) to the head of l. */
static inline void
clist_move_head(struct cache_store *c, struct clist *l, struct cache_obj *o,
                size_t link_off)
{
    if (l->head == cache_obj_index(c, o))
        return;
    clist_remove(c, l, o, link_off);
    clist_push_head(c, l, o, link_off);
}

/*
 * Hints that l's tail will be evicted next, for policies that evict from
 * the tail: starts loading the tail's table slot (which its removal
 * reads) and the record of the object behind it (the tail after that).
 * Called as each tail is evicted, it keeps the next victim's record and
 * slot a whole eviction ahead: the tail was the object behind the tail
 * last time, so reading it here costs nothing, and the eviction loop no
 * longer waits on two random memory accesses per victim. Changes nothing.
 */
static inline void
clist_prefetch_tail(struct cache_store *c, const struct clist *l,
                    size_t link_off)
{
    if (l->tail == CACHE_NIL)
        return;
    struct cache_obj *t = cache_obj_at(c, l->tail);
    cache_prefetch(c, t->key);
    uint32_t behind = clist_link_of(t, link_off)->prev;
    if (behind != CACHE_NIL)
        __builtin_prefetch(cache_obj_at(c, behind));
}

/* The tail object of l, or NULL when empty. */
static inline struct cache_obj *
clist_tail(struct cache_store *c, const struct clist *l)
{
    return l->tail == CACHE_NIL ? NULL : cache_obj_at(c, l->tail);
}

#endif
