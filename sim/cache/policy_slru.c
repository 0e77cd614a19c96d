/* policy_slru.c: segmented LRU with N equal segments.
 *
 * Source: R. Karedla, J. S. Love, B. G. Wherry, "Caching strategies to
 * improve disk system performance", IEEE Computer 27(3), 1994 (two
 * segments); the N-segment form as used by Facebook's photo caches
 * (Q. Huang et al., "An analysis of Facebook photo caching", SOSP 2013,
 * S4LRU). Segment i holds up to capacity/N bytes, the rest going to the
 * lowest one. New objects enter the head of segment 0; a hit moves an
 * object to the head of the next segment up (the top one: to its own
 * head); a segment over its share pushes its tail to the head of the one
 * below; victims come from the tail of the lowest non-empty segment.
 *
 * Cost: O(1) per insert, remove and victim; a hit is O(N) at worst for the
 * cascade of demotions (one object per segment with unit sizes).
 *
 * Against libCacheSim (SLRU with 4 equal segments, the "S4LRU" row),
 * cloudphysics trace, unit sizes, miss ratio at 490 / 2449 / 4897 objects:
 * 0.8308 / 0.8170 / 0.7907 here, the reference 0.8307 / 0.8214 / 0.7905.
 * The difference is one variant detail: libCacheSim puts a new object
 * into the lowest segment that still has room, so while the cache fills
 * up its upper segments take objects that were never hit, and they keep
 * them until demoted. We always insert into segment 0, as the papers
 * describe, so an upper segment holds only objects that earned their
 * place. A throwaway copy of this file with libCacheSim's placement gave
 * 0.8307 / 0.8214 / 0.7905, the reference exactly.
 */
#include <string.h>

#include "cache/list.h"

#define SLRU_MAX_SEGMENTS 16

struct slru_state {
    struct clist seg[SLRU_MAX_SEGMENTS]; /* [0] = probationary, lowest */
    unsigned n_segments;                 /* parameter "segments" */
    uint64_t share_bytes; /* capacity / n_segments: limit of seg[1..] */
};

struct slru_obj {
    struct clist_link link;
    uint8_t seg; /* the segment o is on */
};

static inline struct slru_obj *
slru_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
slru_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct slru_state *s = p->state;
    if (s->n_segments == 0)
        s->n_segments = 4;
    for (unsigned i = 0; i < s->n_segments; i++)
        clist_init(&s->seg[i]);
    s->share_bytes = p->capacity_bytes / s->n_segments;
    return 0;
}

static void
slru_on_insert(struct policy *p, struct cache_obj *o)
{
    struct slru_state *s = p->state;
    slru_obj(o)->seg = 0;
    clist_push_head(p->store, &s->seg[0], o, 0);
}

static void
slru_on_hit(struct policy *p, struct cache_obj *o)
{
    struct slru_state *s = p->state;
    unsigned k = slru_obj(o)->seg;
    if (k + 1 == s->n_segments) {
        clist_move_head(p->store, &s->seg[k], o, 0);
        return;
    }
    clist_remove(p->store, &s->seg[k], o, 0);
    clist_push_head(p->store, &s->seg[k + 1], o, 0);
    slru_obj(o)->seg = (uint8_t)(k + 1);
    /* Demote down the stack until every upper segment is within its
     * share. Segment 0 has no limit of its own: it holds whatever the
     * others leave, and the store's evictions keep the total in bounds,
     * so a hit never evicts anything. */
    for (unsigned j = k + 1; j > 0; j--) {
        while (s->seg[j].bytes > s->share_bytes) {
            struct cache_obj *t = clist_tail(p->store, &s->seg[j]);
            clist_remove(p->store, &s->seg[j], t, 0);
            clist_push_head(p->store, &s->seg[j - 1], t, 0);
            slru_obj(t)->seg = (uint8_t)(j - 1);
        }
    }
}

static void
slru_on_remove(struct policy *p, struct cache_obj *o)
{
    struct slru_state *s = p->state;
    clist_remove(p->store, &s->seg[slru_obj(o)->seg], o, 0);
}

static struct cache_obj *
slru_victim(struct policy *p)
{
    struct slru_state *s = p->state;
    for (unsigned i = 0; i < s->n_segments; i++)
        if (s->seg[i].n > 0)
            return clist_tail(p->store, &s->seg[i]);
    return NULL;
}

static const struct cache_param slru_params[] = {
    {.name = "segments",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = SLRU_MAX_SEGMENTS,
     .def = "4",
     .help = "number of LRU segments, with equal byte shares",
     .offset = offsetof(struct slru_state, n_segments)},
};

const struct policy_ops policy_slru_ops = {
    .name = "slru",
    .abi = POLICY_ABI,
    .summary = "segmented LRU: a hit promotes one segment up, overflow "
               "demotes, eviction from the lowest",
    .params = slru_params,
    .n_params = sizeof slru_params / sizeof slru_params[0],
    .state_size = sizeof(struct slru_state),
    .obj_state_size = sizeof(struct slru_obj),
    .start = slru_start,
    .on_insert = slru_on_insert,
    .on_hit = slru_on_hit,
    .on_remove = slru_on_remove,
    .victim = slru_victim,
};
