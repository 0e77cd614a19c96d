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
 * B1 and B2 are the policy's own: a pool of 32-byte entries in two lists
 * plus an id map, allocated in start, grown in on_remove, freed in stop.
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
#include <stdlib.h>

#include "cache/list.h"
#include "util/idmap.h"
#include "util/xalloc.h"

enum { ARC_T1 = 0, ARC_T2 = 1 };
enum { ARC_NONE = 0, ARC_B1 = 1, ARC_B2 = 2 }; /* ghost list ids */

struct arc_ghost {
    uint64_t key;
    uint64_t size;
    uint32_t prev; /* newer entry, CACHE_NIL at the head */
    uint32_t next; /* older entry; free list link when unused */
    uint8_t list;  /* ARC_B1 or ARC_B2 */
};

struct arc_glist {
    uint32_t head; /* most recently evicted */
    uint32_t tail; /* oldest: trimmed first */
    uint32_t n;
    uint64_t bytes;
};

struct arc_state {
    struct clist t[2];     /* T1, T2; head = most recent */
    struct arc_glist b[3]; /* [ARC_B1], [ARC_B2]; [0] unused */
    struct arc_ghost *ghosts;
    uint32_t ghost_cap;
    uint32_t ghost_free;
    struct idmap ghost_map; /* key -> ghost entry */
    double p;               /* target bytes of T1, 0..capacity */
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

static void
arc_ghost_free_range(struct arc_state *s, uint32_t from, uint32_t to)
{
    for (uint32_t i = to; i-- > from;) {
        s->ghosts[i].next = s->ghost_free;
        s->ghost_free = i;
    }
}

static int
arc_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct arc_state *s = p->state;
    clist_init(&s->t[ARC_T1]);
    clist_init(&s->t[ARC_T2]);
    for (int i = 0; i < 3; i++)
        s->b[i] = (struct arc_glist){CACHE_NIL, CACHE_NIL, 0, 0};
    s->ghost_cap = 256;
    s->ghosts = xmalloc((size_t)s->ghost_cap * sizeof *s->ghosts);
    s->ghost_free = CACHE_NIL;
    arc_ghost_free_range(s, 0, s->ghost_cap);
    idmap_init(&s->ghost_map);
    s->p = 0;
    s->has_req = 0;
    s->chosen = CACHE_NIL;
    return 0;
}

static void
arc_stop(struct policy *p)
{
    struct arc_state *s = p->state;
    idmap_fini(&s->ghost_map);
    free(s->ghosts);
    s->ghosts = NULL;
}

/* Unlinks ghost entry g from its list and frees it. */
static void
arc_ghost_drop(struct arc_state *s, uint32_t g)
{
    struct arc_ghost *e = &s->ghosts[g];
    struct arc_glist *l = &s->b[e->list];
    if (e->prev != CACHE_NIL)
        s->ghosts[e->prev].next = e->next;
    else
        l->head = e->next;
    if (e->next != CACHE_NIL)
        s->ghosts[e->next].prev = e->prev;
    else
        l->tail = e->prev;
    l->n--;
    l->bytes -= e->size;
    idmap_del(&s->ghost_map, e->key);
    e->next = s->ghost_free;
    s->ghost_free = g;
}

static void
arc_ghost_push(struct arc_state *s, uint8_t list, uint64_t key, uint64_t size)
{
    if (s->ghost_free == CACHE_NIL) {
        uint32_t old = s->ghost_cap;
        SIM_ASSERT(old < UINT32_MAX / 2);
        s->ghost_cap *= 2;
        s->ghosts =
            xrealloc(s->ghosts, (size_t)s->ghost_cap * sizeof *s->ghosts);
        arc_ghost_free_range(s, old, s->ghost_cap);
    }
    struct arc_glist *l = &s->b[list];
    /* An id is on the ghost lists at most once. */
    uint32_t dup = idmap_get(&s->ghost_map, key);
    if (dup != IDMAP_EMPTY)
        arc_ghost_drop(s, dup);
    uint32_t g = s->ghost_free;
    struct arc_ghost *e = &s->ghosts[g];
    s->ghost_free = e->next;
    *e = (struct arc_ghost){.key = key,
                            .size = size,
                            .prev = CACHE_NIL,
                            .next = l->head,
                            .list = list};
    if (l->head != CACHE_NIL)
        s->ghosts[l->head].prev = g;
    else
        l->tail = g;
    l->head = g;
    l->n++;
    l->bytes += size;
    idmap_put(&s->ghost_map, key, g);
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
    uint32_t g = idmap_get(&s->ghost_map, key);
    if (g == IDMAP_EMPTY)
        return 1;
    double b1 = (double)s->b[ARC_B1].bytes, b2 = (double)s->b[ARC_B2].bytes;
    if (s->ghosts[g].list == ARC_B1) {
        /* Case II: T1 would have kept it; grow T1's target. */
        double delta = b1 > 0 && b2 / b1 > 1 ? b2 / b1 : 1;
        s->p = s->p + delta * (double)size;
        if (s->p > c)
            s->p = c;
    } else {
        /* Case III: T2 would have kept it; shrink T1's target. */
        double delta = b2 > 0 && b1 / b2 > 1 ? b1 / b2 : 1;
        s->p = s->p - delta * (double)size;
        if (s->p < 0)
            s->p = 0;
    }
    s->req_ghost = s->ghosts[g].list;
    arc_ghost_drop(s, g);
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

/* Keeps the ghosts within 2c bytes and twice the cached objects' count,
 * taking from the list with more bytes. */
static void
arc_ghost_bound(struct policy *p, uint32_t n_cached)
{
    struct arc_state *s = p->state;
    uint64_t max_n = 2 * (uint64_t)(n_cached ? n_cached : 1);
    while (s->b[ARC_B1].n + s->b[ARC_B2].n > 0 &&
           (s->b[ARC_B1].bytes + s->b[ARC_B2].bytes > 2 * p->capacity_bytes ||
            (uint64_t)s->b[ARC_B1].n + s->b[ARC_B2].n > max_n)) {
        int l = s->b[ARC_B1].bytes >= s->b[ARC_B2].bytes ? ARC_B1 : ARC_B2;
        arc_ghost_drop(s, s->b[l].tail);
    }
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
    if (s->chosen_trim != ARC_NONE && s->b[s->chosen_trim].n > 0)
        arc_ghost_drop(s, s->b[s->chosen_trim].tail);
    if (s->chosen_to != ARC_NONE) {
        arc_ghost_push(s, s->chosen_to, o->key, o->size);
        arc_ghost_bound(p, cache_n_objects(p->store));
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
    const struct arc_glist *b1 = &s->b[ARC_B1], *b2 = &s->b[ARC_B2];
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
    .params = "",
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
