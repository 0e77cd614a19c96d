/* heap.h: an indexed binary min-heap of cached objects by priority.
 *
 * For policies that evict by a priority (Belady, GDSF, LFU-DA). Each entry
 * carries its object's priority, a 64-bit prio and a 64-bit tie-break,
 * so comparisons read only the heap array, not the objects' records; the
 * entry with the lowest (prio, tie) is on top and leaves first. A policy
 * maps its own priority onto (prio, tie) so that this order is the one it
 * documents, and keeps ties unique (a stamp or the object's index), so the
 * order is total and the top does not depend on the heap's layout.
 *
 * Each object keeps its heap position in the first field of its policy
 * state, a uint32_t, so that an object whose priority changed is found in
 * O(1) and moved in O(log n). The entries are 24 bytes each in an array
 * the heap owns: allocated by heap_init, doubled by heap_push when full,
 * freed by heap_fini. Cost: O(log n) per push, update and remove; the top
 * is O(1). The functions are static inline, as in list.h.
 */
#ifndef SIM_CACHE_HEAP_H
#define SIM_CACHE_HEAP_H

#include <stdint.h>
#include <stdlib.h>

#include "cache/cache.h"
#include "util/err.h"
#include "util/xalloc.h"

struct heap_entry {
    uint64_t prio; /* lower leaves first */
    uint64_t tie;  /* among equal prio, lower leaves first */
    uint32_t obj;  /* the object's index */
};

struct heap {
    struct heap_entry *e; /* [0, n) in use; e[0] is the top */
    uint32_t n;           /* entries: the objects on the heap */
    size_t cap;           /* entries allocated */
};

/* Does a leave before b? */
static inline int
heap_before(const struct heap_entry *a, const struct heap_entry *b)
{
    return a->prio < b->prio || (a->prio == b->prio && a->tie < b->tie);
}

/* Writes e into position pos and tells its object where it is. */
static inline void
heap_place(struct heap *h, struct cache_store *c, uint32_t pos,
           struct heap_entry e)
{
    h->e[pos] = e;
    *(uint32_t *)cache_obj_state(cache_obj_at(c, e.obj)) = pos;
}

/* Moves the entry at pos up to where its priority belongs. */
static inline void
heap_sift_up(struct heap *h, struct cache_store *c, uint32_t pos)
{
    struct heap_entry e = h->e[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!heap_before(&e, &h->e[parent]))
            break;
        heap_place(h, c, pos, h->e[parent]);
        pos = parent;
    }
    heap_place(h, c, pos, e);
}

/* Moves the entry at pos down to where its priority belongs. */
static inline void
heap_sift_down(struct heap *h, struct cache_store *c, uint32_t pos)
{
    struct heap_entry e = h->e[pos];
    for (;;) {
        uint32_t kid = 2 * pos + 1;
        if (kid >= h->n)
            break;
        if (kid + 1 < h->n && heap_before(&h->e[kid + 1], &h->e[kid]))
            kid++;
        if (!heap_before(&h->e[kid], &e))
            break;
        heap_place(h, c, pos, h->e[kid]);
        pos = kid;
    }
    heap_place(h, c, pos, e);
}

/* Moves the entry at pos up or down, wherever its priority belongs. */
static inline void
heap_fix(struct heap *h, struct cache_store *c, uint32_t pos)
{
    if (pos > 0 && heap_before(&h->e[pos], &h->e[(pos - 1) / 2]))
        heap_sift_up(h, c, pos);
    else
        heap_sift_down(h, c, pos);
}

/* Makes h empty; h owns memory from now on, freed by heap_fini. */
static inline void
heap_init(struct heap *h)
{
    h->cap = 1024;
    h->e = xmalloc(h->cap * sizeof *h->e);
    h->n = 0;
}

/* Frees what h owns. */
static inline void
heap_fini(struct heap *h)
{
    free(h->e);
    h->e = NULL;
    h->n = h->cap = 0;
}

/* Adds o, which must not be on h, with priority (prio, tie). */
static inline void
heap_push(struct heap *h, struct cache_store *c, struct cache_obj *o,
          uint64_t prio, uint64_t tie)
{
    SIM_ASSERT(h->n < UINT32_MAX);
    h->e = xgrow(h->e, &h->cap, (size_t)h->n + 1, sizeof *h->e, 1024);
    h->e[h->n] = (struct heap_entry){
        .prio = prio, .tie = tie, .obj = cache_obj_index(c, o)};
    heap_sift_up(h, c, h->n++);
}

/* Gives the entry at position pos the priority (prio, tie), higher or
 * lower than before, and moves it to where that belongs. */
static inline void
heap_update(struct heap *h, struct cache_store *c, uint32_t pos, uint64_t prio,
            uint64_t tie)
{
    h->e[pos].prio = prio;
    h->e[pos].tie = tie;
    heap_fix(h, c, pos);
}

/* Removes the entry at position pos. */
static inline void
heap_remove(struct heap *h, struct cache_store *c, uint32_t pos)
{
    h->n--;
    if (pos == h->n)
        return;
    /* The last entry fills the hole; it may belong above or below. */
    heap_place(h, c, pos, h->e[h->n]);
    heap_fix(h, c, pos);
}

/* The object on top, which leaves first, or NULL when h is empty. */
static inline struct cache_obj *
heap_top(const struct heap *h, const struct cache_store *c)
{
    return h->n ? cache_obj_at(c, h->e[0].obj) : NULL;
}

#endif
