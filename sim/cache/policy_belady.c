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
 * key the object's heap entry by it, and needs_future = 1 lets callers
 * that cannot know the future (the CDN model) refuse this policy.
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
 * Cost: O(log n) per insert, hit and remove (an indexed binary heap,
 * heap.h, with the latest next request on top, each object keeping its
 * heap position); victim() is O(1).
 */
#include "cache/heap.h"

struct belady_obj {
    uint32_t pos; /* index in the heap; first, for heap.h */
};

struct belady_state {
    struct heap heap; /* the top is requested last */
};

/* The heap priority of the object being accessed: the later its next
 * request (INT64_MAX = never), the lower. INT64_MAX - next, in uint64_t,
 * reverses the order of every int64_t without overflow. The tie-break is
 * the object's index: among objects never requested again, any choice is
 * optimal. */
static inline uint64_t
bl_prio(const struct policy *p)
{
    return (uint64_t)INT64_MAX - (uint64_t)cache_next_access(p->store);
}

static int
belady_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct belady_state *s = p->state;
    heap_init(&s->heap);
    return 0;
}

static void
belady_stop(struct policy *p)
{
    struct belady_state *s = p->state;
    heap_fini(&s->heap);
}

static void
belady_on_insert(struct policy *p, struct cache_obj *o)
{
    struct belady_state *s = p->state;
    heap_push(&s->heap, p->store, o, bl_prio(p), cache_obj_index(p->store, o));
}

static void
belady_on_hit(struct policy *p, struct cache_obj *o)
{
    struct belady_state *s = p->state;
    struct belady_obj *b = cache_obj_state(o);
    heap_update(&s->heap, p->store, b->pos, bl_prio(p),
                cache_obj_index(p->store, o));
}

static void
belady_on_remove(struct policy *p, struct cache_obj *o)
{
    struct belady_state *s = p->state;
    struct belady_obj *b = cache_obj_state(o);
    heap_remove(&s->heap, p->store, b->pos);
}

static struct cache_obj *
belady_victim(struct policy *p)
{
    struct belady_state *s = p->state;
    return heap_top(&s->heap, p->store);
}

const struct policy_ops policy_belady_ops = {
    .name = "belady",
    .abi = POLICY_ABI,
    .summary = "Belady's MIN (offline): evicts the object requested "
               "farthest in the future; needs the trace's next accesses",
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
