/* policy_belady.c: Belady's MIN, the offline optimum: evict the object
 * whose next request is farthest in the future.
 *
 * Source: Belady, "A study of replacement algorithms for a virtual-storage
 * computer", IBM Systems Journal 5(2), 1966 (algorithm MIN; optimality
 * proved by Mattson, Gecsei, Slutz, Traiger, IBM Systems J. 1970).
 *
 * Offline: the caller tells the store, before each access, when the
 * accessed object will next be requested (cache_set_next_access: the
 * request's index in the sequence, INT64_MAX if never); insert and hit
 * store it with the object, and needs_future = 1 lets callers that cannot
 * know the future (the CDN model) refuse this policy.
 *
 * With every size 1 this is MIN and its hit count is the optimum for a
 * cache that stores every miss (libCacheSim's Belady does the same): on
 * the cloudphysics trace it gives exactly libCacheSim's miss ratios,
 *   490: 0.7926; 2449: 0.7032; 4897: 0.6290.
 * With variable sizes it evicts by next request alone, regardless of
 * size, until the new object fits: a greedy heuristic, neither optimal
 * nor a bound (optimal caching with sizes is NP-hard; see Berger, Beckmann,
 * Harchol-Balter, "Practical bounds on optimal caching with variable
 * object sizes", SIGMETRICS 2018). Keying on size x distance instead
 * would need re-keying every object as time passes, which a heap cannot
 * do cheaply. Treat its byte results as a reference point, not a limit.
 *
 * Cost: O(log n) per insert, hit and remove (an indexed binary max-heap
 * keyed by next request, each object keeping its heap position); victim()
 * is O(1).
 */
#include <stdlib.h>

#include "cache/cache.h"
#include "util/xalloc.h"

struct belady_obj {
    int64_t next; /* index of its next request; INT64_MAX = never */
    uint32_t pos; /* index in the heap */
};

struct belady_state {
    uint32_t *heap; /* object indices; heap[0] is requested last */
    uint32_t n, cap;
};

static inline struct belady_obj *
bl_obj(const struct cache_store *c, uint32_t idx)
{
    return cache_obj_state(cache_obj_at(c, idx));
}

/* Should a sit above b? Later next request first; among objects never
 * requested again, the lower index (any choice is optimal). */
static inline int
bl_above(const struct cache_store *c, uint32_t a, uint32_t b)
{
    int64_t x = bl_obj(c, a)->next, y = bl_obj(c, b)->next;
    return x > y || (x == y && a < b);
}

static inline void
bl_place(struct policy *p, uint32_t pos, uint32_t idx)
{
    struct belady_state *s = p->state;
    s->heap[pos] = idx;
    bl_obj(p->store, idx)->pos = pos;
}

static void
bl_sift_up(struct policy *p, uint32_t pos)
{
    struct belady_state *s = p->state;
    uint32_t idx = s->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!bl_above(p->store, idx, s->heap[parent]))
            break;
        bl_place(p, pos, s->heap[parent]);
        pos = parent;
    }
    bl_place(p, pos, idx);
}

static void
bl_sift_down(struct policy *p, uint32_t pos)
{
    struct belady_state *s = p->state;
    uint32_t idx = s->heap[pos];
    for (;;) {
        uint32_t kid = 2 * pos + 1;
        if (kid >= s->n)
            break;
        if (kid + 1 < s->n &&
            bl_above(p->store, s->heap[kid + 1], s->heap[kid]))
            kid++;
        if (!bl_above(p->store, s->heap[kid], idx))
            break;
        bl_place(p, pos, s->heap[kid]);
        pos = kid;
    }
    bl_place(p, pos, idx);
}

/* Restores heap order around pos after its key changed either way. */
static void
bl_fix(struct policy *p, uint32_t pos)
{
    struct belady_state *s = p->state;
    if (pos > 0 && bl_above(p->store, s->heap[pos], s->heap[(pos - 1) / 2]))
        bl_sift_up(p, pos);
    else
        bl_sift_down(p, pos);
}

static int
belady_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct belady_state *s = p->state;
    s->cap = 1024;
    s->heap = xmalloc((size_t)s->cap * sizeof *s->heap);
    return 0;
}

static void
belady_stop(struct policy *p)
{
    struct belady_state *s = p->state;
    free(s->heap);
    s->heap = NULL;
}

static void
belady_on_insert(struct policy *p, struct cache_obj *o)
{
    struct belady_state *s = p->state;
    struct belady_obj *b = cache_obj_state(o);
    b->next = cache_next_access(p->store);
    if (s->n == s->cap) {
        SIM_ASSERT(s->cap < UINT32_MAX / 2);
        s->cap *= 2;
        s->heap = xrealloc(s->heap, (size_t)s->cap * sizeof *s->heap);
    }
    s->heap[s->n] = cache_obj_index(p->store, o);
    bl_sift_up(p, s->n++);
}

static void
belady_on_hit(struct policy *p, struct cache_obj *o)
{
    struct belady_obj *b = cache_obj_state(o);
    b->next = cache_next_access(p->store);
    bl_fix(p, b->pos);
}

static void
belady_on_remove(struct policy *p, struct cache_obj *o)
{
    struct belady_state *s = p->state;
    uint32_t pos = ((struct belady_obj *)cache_obj_state(o))->pos;
    uint32_t last = s->heap[--s->n];
    if (pos == s->n)
        return;
    bl_place(p, pos, last);
    bl_fix(p, pos);
}

static struct cache_obj *
belady_victim(struct policy *p)
{
    struct belady_state *s = p->state;
    return s->n ? cache_obj_at(p->store, s->heap[0]) : NULL;
}

const struct policy_ops policy_belady_ops = {
    .name = "belady",
    .abi = POLICY_ABI,
    .summary = "Belady's MIN (offline): evicts the object requested "
               "farthest in the future; needs the trace's next accesses",
    .params = "",
    .state_size = sizeof(struct belady_state),
    .obj_state_size = sizeof(struct belady_obj),
    .needs_future = 1,
    .start = belady_start,
    .stop = belady_stop,
    .on_insert = belady_on_insert,
    .on_hit = belady_on_hit,
    .on_remove = belady_on_remove,
    .victim = belady_victim,
};
