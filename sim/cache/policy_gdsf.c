/* policy_gdsf.c: GreedyDual-Size-Frequency.
 *
 * Source: Cherkasova, "Improving WWW proxies performance with
 * Greedy-Dual-Size-Frequency caching policy", HP Laboratories report
 * HPL-98-69R1, 1998; Arlitt, Cherkasova, Dilley, Friedrich, Jin,
 * "Evaluating content management techniques for Web proxy caches", ACM
 * SIGMETRICS Performance Evaluation Review 27(4), 2000, section 3. Each
 * object has the priority H = L + freq x cost / size; the object with the
 * lowest H is evicted and the cache's inflation value L becomes its H, so
 * objects that have not been touched for a long time age relative to
 * newly computed priorities. freq counts the object's accesses since it
 * was inserted (1 on insert); a hit recomputes H with the current L.
 *
 * cost: "1" (the default) maximises the hit ratio, favouring small
 * objects; "packets" is 2 + size/536 in whole packets (Cao and Irani,
 * "Cost-aware WWW proxy caching algorithms", USITS 1997), an estimate of
 * network cost that favours byte hits more evenly.
 *
 * Ties in H go to the object whose priority was set longest ago (an LRU
 * order among equals), so runs do not depend on heap layout alone.
 * Only the object victim() last returned sets L when it is removed: a
 * purge or a new version is not an eviction and must not inflate L.
 *
 * Cost: O(log n) per insert, hit and remove (an indexed binary heap,
 * heap.h, with the lowest (H, last update) on top; each object keeps its
 * heap position in its state); victim() is O(1).
 */
#include <string.h>

#include "cache/heap.h"

struct gdsf_obj {
    uint32_t pos;  /* index in the heap; first, for heap.h */
    uint32_t freq; /* accesses since insert */
};

struct gdsf_state {
    unsigned cost_packets; /* parameter "cost": 0 for "1", 1 for
                              "packets" (2 + size/536) */
    double l;              /* inflation: H of the last evicted object */
    uint64_t tick;         /* counts priority updates */
    struct heap heap;      /* entries keyed by (H, when H was set) */
    uint32_t victim_idx;   /* the object victim() last returned */
    uint64_t victim_key;
};

/* H as a heap priority and back. H is positive and finite, and positive
 * doubles' IEEE 754 bit patterns order as the numbers do, so the heap's
 * integer order is the order of H. */
static inline uint64_t
gd_prio(double h)
{
    uint64_t prio;
    memcpy(&prio, &h, sizeof prio);
    return prio;
}

static inline double
gd_h(uint64_t prio)
{
    double h;
    memcpy(&h, &prio, sizeof h);
    return h;
}

/* H = L + freq x cost / size for o. */
static double
gd_h_of(const struct gdsf_state *s, const struct cache_obj *o, uint32_t freq)
{
    double cost = s->cost_packets ? (double)(2 + o->size / 536) : 1.0;
    /* A zero-byte object costs nothing to keep: count it as one byte. */
    double size = o->size ? (double)o->size : 1.0;
    return s->l + (double)freq * cost / size;
}

static int
gdsf_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct gdsf_state *s = p->state;
    heap_init(&s->heap);
    s->victim_idx = CACHE_NIL;
    return 0;
}

static void
gdsf_stop(struct policy *p)
{
    struct gdsf_state *s = p->state;
    heap_fini(&s->heap);
}

static void
gdsf_on_insert(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    g->freq = 1;
    heap_push(&s->heap, p->store, o, gd_prio(gd_h_of(s, o, g->freq)),
              ++s->tick);
}

static void
gdsf_on_hit(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    if (g->freq < UINT32_MAX)
        g->freq++;
    /* H only grows (L never falls, freq rises), so it only sinks. */
    heap_update(&s->heap, p->store, g->pos, gd_prio(gd_h_of(s, o, g->freq)),
                ++s->tick);
}

static void
gdsf_on_remove(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    uint32_t idx = cache_obj_index(p->store, o);
    if (idx == s->victim_idx && o->key == s->victim_key) {
        s->l = gd_h(s->heap.e[g->pos].prio);
        s->victim_idx = CACHE_NIL;
    }
    heap_remove(&s->heap, p->store, g->pos);
}

static struct cache_obj *
gdsf_victim(struct policy *p)
{
    struct gdsf_state *s = p->state;
    struct cache_obj *o = heap_top(&s->heap, p->store);
    if (o != NULL) {
        s->victim_idx = s->heap.e[0].obj;
        s->victim_key = o->key;
    }
    return o;
}

static const char *const gdsf_costs[] = {"1", "packets", NULL};

static const struct cache_param gdsf_params[] = {
    {.name = "cost",
     .type = CACHE_PARAM_CHOICE,
     .choices = gdsf_costs,
     .def = "1",
     .help = "an object's cost: 1 for the hit ratio, packets (2 + "
             "size/536) for the byte hit ratio",
     .offset = offsetof(struct gdsf_state, cost_packets)},
};

const struct policy_ops policy_gdsf_ops = {
    .name = "gdsf",
    .abi = POLICY_ABI,
    .summary = "GreedyDual-Size-Frequency: evicts the lowest L + freq x "
               "cost / size, with L inflating to each victim's value",
    .params = gdsf_params,
    .n_params = sizeof gdsf_params / sizeof gdsf_params[0],
    .state_size = sizeof(struct gdsf_state),
    .obj_state_size = sizeof(struct gdsf_obj),
    .start = gdsf_start,
    .stop = gdsf_stop,
    .on_insert = gdsf_on_insert,
    .on_hit = gdsf_on_hit,
    .on_remove = gdsf_on_remove,
    .victim = gdsf_victim,
};
