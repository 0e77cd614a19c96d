/* miss_cause.c: why a node missed. Every miss (a lookup that found no
 * copy) is one of three kinds, the "three Cs" of Hill's cache-miss model
 * (M. D. Hill, "Aspects of cache memory and instruction buffer
 * performance", UC Berkeley, 1987) with "conflict" replaced by what a CDN
 * has instead:
 *
 *   cold      the node has never stored the object: its first request,
 *             and any request before a copy was first stored (a fetch that
 *             failed, or one the admission filter turned away);
 *   capacity  the node stored the object before and its policy evicted it
 *             (or a refetched body was not admitted, which drops the old
 *             copy: the cache chose to give the room to others);
 *   expiry    the copy was invalidated: removed by a hard purge, or by
 *             purge_on_change when the object changed. A copy merely past
 *             its TTL is still held: its lookup is an `expired` outcome,
 *             not a miss, so TTL expiry shows in the expired counter.
 *
 * so that misses_cold + misses_capacity + misses_expiry = misses exactly.
 *
 * The memory: each caching node remembers, per object it has ever
 * stored, STORED or INVALIDATED (2 bits). An object stored and now absent
 * was removed by one of the two, and only the invalidations are told here
 * (the store's evictions need no hook: an object marked STORED and
 * missing was evicted). A synthetic catalog's ids are dense ([0, n) over
 * its classes and flash crowds), so they take 2 bits each in pages of
 * 4,096 objects (1 KiB), made when the node first stores one of the
 * page's objects: at most n/4 bytes a node (25 KiB for the default
 * 100,000 objects), and nothing for a node that stores nothing (a
 * 10,000-node topology must stay small). Any other id (a trace's, churn's
 * new objects, a catalog past 2^28 objects) goes in an idmap of the
 * objects the node stored: 12 bytes a slot at a load of 0.35-0.7, 17-34
 * bytes an object. Both are bounded by the distinct objects, never by the
 * requests. The per-request cost is one write when a node stores a copy
 * and one read when it misses; hits pay nothing.
 */
#include "model/model_int.h"

#include <stdlib.h>

#include "util/xalloc.h"

enum {
    NEVER = 0,      /* never stored here */
    STORED = 1,     /* stored here; absent now means evicted */
    INVALIDATED = 2 /* its last copy here was purged or invalidated */
};

#define PAGE_BITS 12 /* 4,096 objects, 1 KiB, a page */
#define PAGE_OBJECTS (UINT64_C(1) << PAGE_BITS)
/* Past this many ids the page table itself (8 bytes a page) would cost
 * more than a node's idmap is likely to. */
#define DENSE_MAX (UINT64_C(1) << 28)

/* The end of the dense ids of w's synthetic catalog: every class's and
 * flash crowd's [first_id, first_id + n_objects); 0 for a trace or a
 * catalog too large to page. */
static uint64_t
dense_ids_end(const struct cfg_workload *w)
{
    uint64_t end = 0;
    for (size_t k = 0; w != NULL && k < w->n_classes; k++)
        if (w->classes[k].first_id + w->classes[k].n_objects > end)
            end = w->classes[k].first_id + w->classes[k].n_objects;
    for (size_t k = 0; w != NULL && w->n_classes > 0 && k < w->n_flash; k++)
        if (w->flash[k].first_id + w->flash[k].n_objects > end)
            end = w->flash[k].first_id + w->flash[k].n_objects;
    return end <= DENSE_MAX ? end : 0;
}

void
miss_cause_init(struct cdn *c, uint32_t ni)
{
    (void)ni;
    c->seen_dense = dense_ids_end(c->w); /* the same for every node */
}

void
miss_cause_fini(struct cdn *c, uint32_t ni)
{
    struct node *n = &c->nodes[ni];
    if (n->seen_pages != NULL) {
        for (uint64_t p = 0;
             p < (c->seen_dense + PAGE_OBJECTS - 1) >> PAGE_BITS; p++)
            free(n->seen_pages[p]);
        free(n->seen_pages);
        n->seen_pages = NULL;
    }
    if (n->seen_sparse.keys != NULL)
        idmap_fini(&n->seen_sparse);
}

static inline unsigned
seen_get(const struct cdn *c, const struct node *n, uint64_t object)
{
    if (object < c->seen_dense) {
        const uint8_t *page =
            n->seen_pages ? n->seen_pages[object >> PAGE_BITS] : NULL;
        uint64_t at = object & (PAGE_OBJECTS - 1);
        return page ? (page[at / 4] >> (at % 4 * 2)) & 3u : NEVER;
    }
    if (n->seen_sparse.keys == NULL)
        return NEVER;
    uint32_t v = idmap_get(&n->seen_sparse, object);
    return v == IDMAP_EMPTY ? NEVER : v;
}

static void
seen_set(const struct cdn *c, struct node *n, uint64_t object, unsigned v)
{
    if (object < c->seen_dense) {
        if (n->seen_pages == NULL)
            n->seen_pages = xcalloc(
                (size_t)((c->seen_dense + PAGE_OBJECTS - 1) >> PAGE_BITS),
                sizeof *n->seen_pages);
        uint8_t **page = &n->seen_pages[object >> PAGE_BITS];
        if (*page == NULL)
            *page = xcalloc(PAGE_OBJECTS / 4, 1);
        uint64_t at = object & (PAGE_OBJECTS - 1);
        uint8_t *b = &(*page)[at / 4];
        unsigned shift = (unsigned)(at % 4 * 2);
        *b = (uint8_t)((*b & ~(3u << shift)) | v << shift);
        return;
    }
    if (n->seen_sparse.keys == NULL)
        idmap_init(&n->seen_sparse);
    idmap_put(&n->seen_sparse, object, v);
}

void
miss_cause_stored(struct cdn *c, uint32_t ni, uint64_t object)
{
    seen_set(c, &c->nodes[ni], object, STORED);
}

void
miss_cause_invalidated(struct cdn *c, uint32_t ni, uint64_t object)
{
    seen_set(c, &c->nodes[ni], object, INVALIDATED);
}

void
miss_cause_count(const struct cdn *c, uint32_t ni, uint64_t object,
                 struct met_counters *mc)
{
    unsigned seen = seen_get(c, &c->nodes[ni], object);
    if (seen == NEVER)
        mc->misses_cold++;
    else if (seen == INVALIDATED)
        mc->misses_expiry++;
    else
        mc->misses_capacity++;
}
