/* ghost.h: ids of evicted objects in bounded FIFO lists, with an id index.
 *
 * The ghost lists of ARC (B1 and B2), 2Q (A1out) and S3-FIFO: each
 * remembers (id, size) pairs of objects that left the cache, newest at the
 * head, so that a miss can ask whether its id left recently. A ghost has
 * GHOST_LISTS lists and one id index over them; an id is on at most one
 * list of a ghost, once. The lists count their entries and bytes, and
 * ghost_trim keeps them within the bounds a policy gives, so a ghost's
 * memory follows the cache's.
 *
 * Entries are 24 bytes in a pool the ghost owns: allocated by ghost_init,
 * doubled by ghost_push when full, freed by ghost_fini. They are linked by
 * index, and the id index (util/idmap.h) maps an id to a handle, the
 * entry's index with its list in the top bit, so an entry needs no list
 * field. Every operation is O(1) (pool growth amortised); ghost_trim is
 * O(1) per entry it drops. The functions are static inline, as in list.h:
 * they run on most misses of the policies that use them.
 */
#ifndef SIM_CACHE_GHOST_H
#define SIM_CACHE_GHOST_H

#include <stdint.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/idmap.h"
#include "util/xalloc.h"

/* Lists per ghost: ARC's B1 and B2; 2Q and S3-FIFO use list 0 only. */
#define GHOST_LISTS 2
#define GHOST_NONE IDMAP_EMPTY /* "no entry" */

/* A handle keeps the list in bit 31 and the entry's index below bit 30,
 * so no handle is GHOST_NONE. */
#define GHOST_MAX_ENTRIES (UINT32_C(1) << 30)

struct ghost_entry {
    uint64_t key;
    uint64_t size;
    uint32_t prev; /* newer entry, GHOST_NONE at the head */
    uint32_t next; /* older entry; the free chain's link when unused */
};

struct ghost_list {
    uint32_t head;  /* newest entry; GHOST_NONE when empty */
    uint32_t tail;  /* oldest entry: dropped first */
    uint32_t n;     /* entries on the list */
    uint64_t bytes; /* their sizes summed */
};

struct ghost {
    struct ghost_list list[GHOST_LISTS]; /* read-only for policies */
    struct ghost_entry *pool;            /* cap entries */
    size_t cap;                          /* a power of two, <= 2^30 */
    uint32_t free;    /* unused entries, chained; GHOST_NONE if none */
    struct idmap map; /* id -> handle */
};

/* Chains entries [from, to) onto the free chain. */
static inline void
ghost_free_range(struct ghost *g, uint32_t from, uint32_t to)
{
    for (uint32_t i = to; i-- > from;) {
        g->pool[i].next = g->free;
        g->free = i;
    }
}

/* Makes g empty; g owns memory from now on, freed by ghost_fini. */
static inline void
ghost_init(struct ghost *g)
{
    for (unsigned l = 0; l < GHOST_LISTS; l++)
        g->list[l] = (struct ghost_list){GHOST_NONE, GHOST_NONE, 0, 0};
    g->cap = 16; /* grows by doubling: small caches stay small */
    g->pool = xmalloc(g->cap * sizeof *g->pool);
    g->free = GHOST_NONE;
    ghost_free_range(g, 0, (uint32_t)g->cap);
    idmap_init(&g->map);
}

/* Frees what g owns; g must be initialised again before reuse. */
static inline void
ghost_fini(struct ghost *g)
{
    idmap_fini(&g->map);
    free(g->pool);
    g->pool = NULL;
}

/* The handle of key's entry, or GHOST_NONE if g does not remember key. */
static inline uint32_t
ghost_find(const struct ghost *g, uint64_t key)
{
    return idmap_get(&g->map, key);
}

/* The list that the entry with handle h (not GHOST_NONE) is on. */
static inline unsigned
ghost_list_of(uint32_t h)
{
    return h >> 31;
}

/* Takes the entry with handle h off its list and puts it on the free
 * chain; its id must already be out of the index. */
static inline void
ghost_unlink(struct ghost *g, uint32_t h)
{
    uint32_t i = h & (GHOST_MAX_ENTRIES - 1);
    struct ghost_entry *e = &g->pool[i];
    struct ghost_list *gl = &g->list[ghost_list_of(h)];
    if (e->prev != GHOST_NONE)
        g->pool[e->prev].next = e->next;
    else
        gl->head = e->next;
    if (e->next != GHOST_NONE)
        g->pool[e->next].prev = e->prev;
    else
        gl->tail = e->prev;
    gl->n--;
    gl->bytes -= e->size;
    e->next = g->free;
    g->free = i;
}

/* Forgets the entry with handle h, from ghost_find. */
static inline void
ghost_drop(struct ghost *g, uint32_t h)
{
    idmap_del(&g->map, g->pool[h & (GHOST_MAX_ENTRIES - 1)].key);
    ghost_unlink(g, h);
}

/* Forgets key; returns 1 if g remembered it, 0 if not. */
static inline int
ghost_remove(struct ghost *g, uint64_t key)
{
    uint32_t h = idmap_del(&g->map, key);
    if (h == GHOST_NONE)
        return 0;
    ghost_unlink(g, h);
    return 1;
}

/* Remembers key with size bytes at the head of list l (< GHOST_LISTS).
 * key must not be on g: a policy decides whether a remembered id moves to
 * the head (ghost_remove first) or keeps its place (ghost_find first). */
static inline void
ghost_push(struct ghost *g, unsigned l, uint64_t key, uint64_t size)
{
    if (g->free == GHOST_NONE) {
        size_t old = g->cap;
        SIM_ASSERT(old <= GHOST_MAX_ENTRIES / 2);
        g->pool = xgrow(g->pool, &g->cap, old + 1, sizeof *g->pool, 256);
        ghost_free_range(g, (uint32_t)old, (uint32_t)g->cap);
    }
    struct ghost_list *gl = &g->list[l];
    uint32_t i = g->free;
    struct ghost_entry *e = &g->pool[i];
    g->free = e->next;
    *e = (struct ghost_entry){
        .key = key, .size = size, .prev = GHOST_NONE, .next = gl->head};
    if (gl->head != GHOST_NONE)
        g->pool[gl->head].prev = i;
    else
        gl->tail = i;
    gl->head = i;
    gl->n++;
    gl->bytes += size;
    idmap_put(&g->map, key, i | (uint32_t)l << 31);
}

/* Forgets the oldest entry of list l, if it has one. */
static inline void
ghost_drop_oldest(struct ghost *g, unsigned l)
{
    uint32_t i = g->list[l].tail;
    if (i != GHOST_NONE)
        ghost_drop(g, i | (uint32_t)l << 31);
}

/* Forgets oldest entries while the lists together hold more than
 * max_bytes bytes or more than max_n entries, taking each from the list
 * with more bytes (list 0 on a tie). */
static inline void
ghost_trim(struct ghost *g, uint64_t max_bytes, uint64_t max_n)
{
    const struct ghost_list *a = &g->list[0], *b = &g->list[1];
    while (a->n + b->n > 0 &&
           (a->bytes + b->bytes > max_bytes || (uint64_t)a->n + b->n > max_n))
        ghost_drop_oldest(g, b->n > 0 && (a->n == 0 || b->bytes > a->bytes));
}

/*
 * ARC's adaptation of T1's target size p (Megiddo & Modha, FAST 2003,
 * cases II and III; CAR uses the same rule, Bansal & Modha, FAST 2004) on
 * a miss of size bytes whose id was on ghost list B1 (in_b1) or B2, whose
 * lists hold b1 and b2 bytes: a B1 hit grows p by max(1, b2/b1) x size, a
 * B2 hit shrinks it by max(1, b1/b2) x size, within [0, capacity].
 */
static inline double
ghost_adapt_target(double p, int in_b1, double b1, double b2, uint64_t size,
                   double capacity)
{
    if (in_b1) {
        double delta = b1 > 0 && b2 / b1 > 1 ? b2 / b1 : 1;
        p += delta * (double)size;
        return p > capacity ? capacity : p;
    }
    double delta = b2 > 0 && b1 / b2 > 1 ? b1 / b2 : 1;
    p -= delta * (double)size;
    return p < 0 ? 0 : p;
}

#endif
