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
 * Cost: O(log n) per insert, hit and remove (an indexed binary min-heap
 * keyed by (H, last update); each object keeps its heap position in its
 * state); victim() is O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "util/xalloc.h"

struct gdsf_obj {
    double h;      /* priority */
    uint64_t seq;  /* when h was last set, for ties */
    uint32_t freq; /* accesses since insert */
    uint32_t pos;  /* index in the heap */
};

struct gdsf_state {
    int cost_packets; /* 0: cost 1; 1: 2 + size/536 */
    double l;         /* inflation: H of the last evicted object */
    uint64_t tick;    /* counts priority updates */
    uint32_t *heap;   /* object indices; heap[0] has the lowest (h,seq) */
    uint32_t n, cap;
    uint32_t victim_idx; /* the object victim() last returned */
    uint64_t victim_key;
};

static inline struct gdsf_obj *
gd_obj(const struct cache_store *c, uint32_t idx)
{
    return cache_obj_state(cache_obj_at(c, idx));
}

static inline int
gd_less(const struct cache_store *c, uint32_t a, uint32_t b)
{
    const struct gdsf_obj *x = gd_obj(c, a), *y = gd_obj(c, b);
    return x->h < y->h || (x->h == y->h && x->seq < y->seq);
}

static inline void
gd_place(struct policy *p, uint32_t pos, uint32_t idx)
{
    struct gdsf_state *s = p->state;
    s->heap[pos] = idx;
    gd_obj(p->store, idx)->pos = pos;
}

static void
gd_sift_up(struct policy *p, uint32_t pos)
{
    struct gdsf_state *s = p->state;
    uint32_t idx = s->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!gd_less(p->store, idx, s->heap[parent]))
            break;
        gd_place(p, pos, s->heap[parent]);
        pos = parent;
    }
    gd_place(p, pos, idx);
}

static void
gd_sift_down(struct policy *p, uint32_t pos)
{
    struct gdsf_state *s = p->state;
    uint32_t idx = s->heap[pos];
    for (;;) {
        uint32_t kid = 2 * pos + 1;
        if (kid >= s->n)
            break;
        if (kid + 1 < s->n && gd_less(p->store, s->heap[kid + 1], s->heap[kid]))
            kid++;
        if (!gd_less(p->store, s->heap[kid], idx))
            break;
        gd_place(p, pos, s->heap[kid]);
        pos = kid;
    }
    gd_place(p, pos, idx);
}

static void
gd_set_priority(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    double cost = s->cost_packets ? (double)(2 + o->size / 536) : 1.0;
    /* A zero-byte object costs nothing to keep: count it as one byte. */
    double size = o->size ? (double)o->size : 1.0;
    g->h = s->l + (double)g->freq * cost / size;
    g->seq = ++s->tick;
}

static int
gdsf_configure(struct policy *p, const struct cfg_kv *kv, struct sim_err *err)
{
    struct gdsf_state *s = p->state;
    if (strcmp(kv->key, "cost") != 0)
        return sim_err_set(err, -SIM_EBADKEY, kv->mark.file, kv->mark.line,
                           kv->mark.col, kv->field,
                           "policy \"gdsf\" has no parameter \"%s\" (it "
                           "takes cost)",
                           kv->key);
    if (strcmp(kv->value, "1") == 0)
        s->cost_packets = 0;
    else if (strcmp(kv->value, "packets") == 0)
        s->cost_packets = 1;
    else
        return sim_err_set(
            err, -SIM_EBADVAL, kv->mark.file, kv->mark.line, kv->mark.col,
            kv->field, "expected \"1\" or \"packets\", got \"%s\"", kv->value);
    return 0;
}

static int
gdsf_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct gdsf_state *s = p->state;
    s->cap = 1024;
    s->heap = xmalloc((size_t)s->cap * sizeof *s->heap);
    s->victim_idx = CACHE_NIL;
    return 0;
}

static void
gdsf_stop(struct policy *p)
{
    struct gdsf_state *s = p->state;
    free(s->heap);
    s->heap = NULL;
}

static void
gdsf_on_insert(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    g->freq = 1;
    gd_set_priority(p, o);
    if (s->n == s->cap) {
        SIM_ASSERT(s->cap < UINT32_MAX / 2);
        s->cap *= 2;
        s->heap = xrealloc(s->heap, (size_t)s->cap * sizeof *s->heap);
    }
    s->heap[s->n] = cache_obj_index(p->store, o);
    gd_sift_up(p, s->n++);
}

static void
gdsf_on_hit(struct policy *p, struct cache_obj *o)
{
    struct gdsf_obj *g = cache_obj_state(o);
    if (g->freq < UINT32_MAX)
        g->freq++;
    /* H only grows (L never falls, freq rises), so it only sinks. */
    gd_set_priority(p, o);
    gd_sift_down(p, g->pos);
}

static void
gdsf_on_remove(struct policy *p, struct cache_obj *o)
{
    struct gdsf_state *s = p->state;
    struct gdsf_obj *g = cache_obj_state(o);
    uint32_t idx = cache_obj_index(p->store, o);
    if (idx == s->victim_idx && o->key == s->victim_key) {
        s->l = g->h;
        s->victim_idx = CACHE_NIL;
    }
    uint32_t pos = g->pos, last = s->heap[--s->n];
    if (pos == s->n)
        return;
    gd_place(p, pos, last);
    if (pos > 0 && gd_less(p->store, last, s->heap[(pos - 1) / 2]))
        gd_sift_up(p, pos);
    else
        gd_sift_down(p, pos);
}

static struct cache_obj *
gdsf_victim(struct policy *p)
{
    struct gdsf_state *s = p->state;
    if (s->n == 0)
        return NULL;
    struct cache_obj *o = cache_obj_at(p->store, s->heap[0]);
    s->victim_idx = s->heap[0];
    s->victim_key = o->key;
    return o;
}

const struct policy_ops policy_gdsf_ops = {
    .name = "gdsf",
    .abi = POLICY_ABI,
    .summary = "GreedyDual-Size-Frequency: evicts the lowest L + freq x "
               "cost / size, with L inflating to each victim's value",
    .params = "cost=1 (or packets: 2 + size/536)",
    .state_size = sizeof(struct gdsf_state),
    .obj_state_size = sizeof(struct gdsf_obj),
    .configure = gdsf_configure,
    .start = gdsf_start,
    .stop = gdsf_stop,
    .on_insert = gdsf_on_insert,
    .on_hit = gdsf_on_hit,
    .on_remove = gdsf_on_remove,
    .victim = gdsf_victim,
};
