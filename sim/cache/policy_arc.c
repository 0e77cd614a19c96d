/* policy_arc.c: ARC, adaptive replacement cache, byte-sized variant.
 *
 * Source: N. Megiddo, D. S. Modha, "ARC: a self-tuning, low overhead
 * replacement cache", FAST 2003, section 4 and Figure 4. T1 holds objects
 * seen once recently, T2 objects seen at least twice (a hit in T1 or T2
 * moves the object to T2's head); B1 and B2 remember the ids of objects
 * evicted from T1 and T2. The target p for T1 adapts: a miss found in B1
 * means T1 was too small and raises p, one found in B2 lowers it, by
 * max(|B2|/|B1|, 1) and max(|B1|/|B2|, 1). REPLACE evicts T1's tail into
 * B1 when |T1| > p (or |T1| = p and the miss was in B2), else T2's tail
 * into B2. A miss in no list first trims the directory: when |T1| + |B1|
 * would exceed c, B1 loses its oldest id (or, with B1 empty, T1's tail is
 * evicted without a trace); when all four lists reach 2c, B2 loses its
 * oldest id. A miss found in B1 or B2 enters T2, any other enters T1.
 *
 * Byte-sized variant: c is the capacity in bytes and every |.| is bytes
 * (ghosts keep their object's size), as in libCacheSim; p moves by the
 * ratio times the size of the missed object, so that with unit sizes it
 * is the paper's page-count ARC exactly, and with real sizes p moves by
 * the bytes the missed object would have needed. As in libCacheSim the
 * directory is trimmed only when an eviction is due, and a miss on an
 * object too big for the whole cache is not seen at all.
 *
 * The hooks: admit sees every miss before the evictions that make room
 * for it (it adapts p and takes the id off its ghost list, so victim knows
 * which case applies); victim only decides; on_remove of the object victim
 * returned carries the decision out (trims and the ghost entry), while any
 * other removal (expiry, a new version) just leaves T1 or T2.
 *
 * B1 and B2 are the two lists of the policy's own ghost (ghost.h): 24-byte
 * entries plus an id index, allocated in start, grown in on_remove, freed
 * in stop.
 * Besides the paper's bound (ghost bytes at most 2c) they never hold more
 * ids than twice the number of cached objects, so their memory stays
 * proportional to the cache's whatever the sizes; with unit sizes that
 * extra bound never binds.
 *
 * Cost: O(1) per hook (pool growth amortised).
 *
 * Against libCacheSim (ARC), cloudphysics trace, unit sizes, miss ratio at
 * 490 / 2449 / 4897 objects: 0.8275 / 0.8114 / 0.7728 here, the reference
 * 0.8275 / 0.8114 / 0.7728: the same algorithm, exactly. With real sizes
 * the two differ in how far p moves (libCacheSim: the ratio alone).
 */
#include "cache/ghost.h"
#include "cache/list.h"

enum { ARC_T1 = 0, ARC_T2 = 1 };
enum { ARC_B1 = 0, ARC_B2 = 1, ARC_NONE = 2 }; /* ghost lists, or none */

struct arc_state {
    struct clist t[2];  /* T1, T2; head = most recent */
    struct ghost ghost; /* list [ARC_B1] is B1, [ARC_B2] is B2 */
    double p;           /* target bytes of T1, 0..capacity */
    /* The miss being inserted, as admit saw it. */
    int has_req;
    uint64_t req_key;
    uint64_t req_size;
    uint8_t req_ghost; /* the ghost list it was found on */
    /* victim's decision, carried out by on_remove of that object. */
    uint32_t chosen;     /* CACHE_NIL when none */
    uint8_t chosen_to;   /* ghost list that gets its id, or ARC_NONE */
    uint8_t chosen_trim; /* ghost list that loses its oldest id */
};

struct arc_obj {
    struct clist_link link;
    uint8_t list; /* ARC_T1 or ARC_T2 */
};

static inline struct arc_obj *
arc_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
arc_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct arc_state *s = p->state;
    clist_init(&s->t[ARC_T1]);
    clist_init(&s->t[ARC_T2]);
    ghost_init(&s->ghost);
    s->p = 0;
    s->has_req = 0;
    s->chosen = CACHE_NIL;
    return 0;
}

static void
arc_stop(struct policy *p)
{
    struct arc_state *s = p->state;
    ghost_fini(&s->ghost);
}

static int
arc_admit(struct policy *p, uint64_t key, uint64_t size)
{
    struct arc_state *s = p->state;
    double c = (double)p->capacity_bytes;
    s->has_req = 1;
    s->req_key = key;
    s->req_size = size;
    s->req_ghost = ARC_NONE;
    uint32_t g = ghost_find(&s->ghost, key);
    if (g == GHOST_NONE)
        return 1;
    double b1 = (double)s->ghost.list[ARC_B1].bytes;
    double b2 = (double)s->ghost.list[ARC_B2].bytes;
    s->req_ghost = (uint8_t)ghost_list_of(g);
    /* Case II (a B1 hit: T1 would have kept it) grows T1's target, case
     * III (B2) shrinks it. */
    s->p = ghost_adapt_target(s->p, s->req_ghost == ARC_B1, b1, b2, size, c);
    ghost_drop(&s->ghost, g);
    return 1;
}

static void
arc_on_insert(struct policy *p, struct cache_obj *o)
{
    struct arc_state *s = p->state;
    int hot = s->has_req && s->req_key == o->key && s->req_ghost != ARC_NONE;
    arc_obj(o)->list = hot ? ARC_T2 : ARC_T1;
    clist_push_head(p->store, &s->t[arc_obj(o)->list], o, 0);
    s->has_req = 0;
    s->chosen = CACHE_NIL;
}

static void
arc_on_hit(struct policy *p, struct cache_obj *o)
{
    struct arc_state *s = p->state;
    if (arc_obj(o)->list == ARC_T2) {
        clist_move_head(p->store, &s->t[ARC_T2], o, 0);
        return;
    }
    clist_remove(p->store, &s->t[ARC_T1], o, 0);
    arc_obj(o)->list = ARC_T2;
    clist_push_head(p->store, &s->t[ARC_T2], o, 0);
}

static void
arc_on_remove(struct policy *p, struct cache_obj *o)
{
    struct arc_state *s = p->state;
    int evicted = s->chosen == cache_obj_index(p->store, o);
    s->chosen = CACHE_NIL;
    clist_remove(p->store, &s->t[arc_obj(o)->list], o, 0);
    if (!evicted)
        return;
    if (s->chosen_trim != ARC_NONE)
        ghost_drop_oldest(&s->ghost, s->chosen_trim);
    if (s->chosen_to != ARC_NONE) {
        /* An id is on the ghost lists at most once. */
        ghost_remove(&s->ghost, o->key);
        ghost_push(&s->ghost, s->chosen_to, o->key, o->size);
        /* Within 2c bytes and twice the cached objects' count, taking
         * from the list with more bytes. */
        uint32_t n_cached = cache_n_objects(p->store);
        ghost_trim(&s->ghost, 2 * p->capacity_bytes,
                   2 * (uint64_t)(n_cached ? n_cached : 1));
    }
}

/* REPLACE(x, p) of the paper: which of T1 and T2 gives up its tail. */
static int
arc_replace_from(const struct arc_state *s, uint8_t req_ghost)
{
    const struct clist *t1 = &s->t[ARC_T1], *t2 = &s->t[ARC_T2];
    double t1_bytes = (double)t1->bytes;
    if ((t1->n > 0 &&
         (t1_bytes > s->p || (req_ghost == ARC_B2 && t1_bytes == s->p))) ||
        t2->n == 0)
        return ARC_T1;
    return ARC_T2;
}

static struct cache_obj *
arc_victim(struct policy *p)
{
    struct arc_state *s = p->state;
    const struct clist *t1 = &s->t[ARC_T1], *t2 = &s->t[ARC_T2];
    if (t1->n + t2->n == 0)
        return NULL;
    uint64_t c = p->capacity_bytes;
    uint64_t size = s->has_req ? s->req_size : 0;
    uint8_t ghost = s->has_req ? s->req_ghost : ARC_NONE;
    const struct ghost_list *b1 = &s->ghost.list[ARC_B1];
    const struct ghost_list *b2 = &s->ghost.list[ARC_B2];
    s->chosen_trim = ARC_NONE;
    if (ghost == ARC_NONE) {
        /* Case IV: make room in the directory first. */
        if (t1->bytes + b1->bytes + size > c) {
            if (b1->n > 0) {
                s->chosen_trim = ARC_B1;
            } else if (t1->n > 0) {
                struct cache_obj *o = clist_tail(p->store, t1);
                s->chosen = cache_obj_index(p->store, o);
                s->chosen_to = ARC_NONE;
                return o;
            }
        } else if (t1->bytes + b1->bytes + t2->bytes + b2->bytes >= 2 * c &&
                   b2->n > 0) {
            s->chosen_trim = ARC_B2;
        }
    }
    int from = arc_replace_from(s, ghost);
    struct cache_obj *o = clist_tail(p->store, &s->t[from]);
    s->chosen = cache_obj_index(p->store, o);
    s->chosen_to = from == ARC_T1 ? ARC_B1 : ARC_B2;
    return o;
}

const struct policy_ops policy_arc_ops = {
    .name = "arc",
    .abi = POLICY_ABI,
    .summary = "ARC: recency and frequency lists with ghost ids steering an "
               "adaptive split (bytes)",
    .state_size = sizeof(struct arc_state),
    .obj_state_size = sizeof(struct arc_obj),
    .start = arc_start,
    .stop = arc_stop,
    .admit = arc_admit,
    .on_insert = arc_on_insert,
    .on_hit = arc_on_hit,
    .on_remove = arc_on_remove,
    .victim = arc_victim,
};
