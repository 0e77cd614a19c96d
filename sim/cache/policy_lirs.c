/* policy_lirs.c: LIRS, low inter-reference recency set, byte-sized.
 *
 * Source: S. Jiang, X. Zhang, "LIRS: an efficient low inter-reference
 * recency set replacement policy to improve buffer cache performance",
 * SIGMETRICS 2002, section 3. Objects are LIR (low inter-reference
 * recency: kept) or HIR; a small share of the cache (L_hirs) holds the
 * resident HIR objects in a FIFO list Q, the rest (L_lirs) the LIR ones.
 * The stack S orders LIR objects, resident HIR objects and non-resident
 * HIR ids (ghosts) by recency, and is pruned so that its bottom is always
 * LIR. On a request for X:
 *   - X LIR (a hit): X goes to the top of S; S is pruned.
 *   - X resident HIR (a hit): if X is in S it becomes LIR, leaves Q, and
 *     the LIR object at S's bottom becomes HIR and goes to Q's end (S is
 *     pruned); if not, X goes to S's top and to Q's end, still HIR.
 *   - a miss: the front of Q is evicted (staying in S as a ghost if it is
 *     there). If X was a ghost in S it becomes LIR at S's top and the
 *     bottom LIR is demoted as above; otherwise it enters as resident HIR
 *     at S's top and Q's end. While the LIR objects fill less than L_lirs
 *     (the start), a new object becomes LIR at once.
 * Pruning removes HIR entries from S's bottom until an LIR one is there:
 * ghosts are forgotten, resident HIR objects stay in Q.
 *
 * Byte-sized variant: L_lirs and L_hirs are bytes (hir_share of the
 * capacity for L_hirs, at least 1), a promotion demotes bottom LIR
 * objects until the LIR bytes fit L_lirs again, and when Q is empty (real
 * sizes can leave it so) the victim is S's bottom LIR object. With unit
 * sizes it is the paper's LIRS. S's size is not bounded in the paper;
 * as libCacheSim does, S is kept within twice the capacity (bytes) by
 * forgetting the ghosts that became ghosts first. The hir_share default,
 * 1%, is the paper's and libCacheSim's.
 *
 * The hooks: admit records the miss; victim names Q's front (no side
 * effects); on_remove of a victim leaves a ghost if the object is in S,
 * any other removal (expiry, a new version) forgets the object; on_insert
 * and on_hit carry out the cases above. S's entries live in a pool the
 * policy owns (ghosts are not cached objects), with an id index for the
 * ghosts only; cost O(1) amortised per request (pruning removes what
 * earlier requests pushed).
 *
 * Against libCacheSim (LIRS, commit aa0fc40, built beside the project),
 * cloudphysics trace, unit sizes, miss ratio at 490 / 2449 / 4897
 * objects: 0.8314 / 0.8138 / 0.7518 here and there, equal to four
 * decimals (tests/check_replay.c).
 */
#include <stddef.h>

#include "cache/list.h"
#include "util/idmap.h"
#include "util/xalloc.h"

#define LIRS_NIL UINT32_MAX

/* An entry of S: a resident object (obj) or a ghost (obj = CACHE_NIL). */
struct lirs_node {
    uint64_t key;
    uint64_t size;
    uint32_t up, down;         /* neighbours in S: towards top, bottom */
    uint32_t g_newer, g_older; /* ghost FIFO links (ghosts only) */
    uint32_t obj;              /* the cached object's index, or CACHE_NIL */
};

struct lirs_state {
    double hir_share;              /* parameter: L_hirs / capacity */
    uint64_t lir_limit, hir_limit; /* L_lirs, L_hirs in bytes */
    uint64_t lir_bytes;            /* bytes of the LIR objects */
    uint64_t s_bytes;              /* bytes of S's entries */
    struct clist q;                /* resident HIR: head = end (newest), tail =
                                      front (next victim) */
    struct lirs_node *pool;
    size_t pool_cap;
    uint32_t pool_used, pool_free; /* free chain through .up */
    uint32_t top, bottom;          /* S's ends */
    uint32_t g_newest, g_oldest;   /* ghosts by when they became ghosts */
    struct idmap ghosts;           /* ghost key -> node */
    uint64_t n_ghosts;
    /* The miss being inserted. */
    uint64_t req_key;
    int has_req;
    uint32_t chosen; /* victim's choice, CACHE_NIL when none */
};

struct lirs_obj {
    struct clist_link q_link; /* on Q when resident HIR */
    uint32_t node;            /* its S entry, or LIRS_NIL */
    uint8_t is_lir;
};

static inline struct lirs_obj *
lirs_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
lirs_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct lirs_state *s = p->state;
    uint64_t c = p->capacity_bytes;
    s->hir_limit = (uint64_t)(s->hir_share * (double)c);
    if (s->hir_limit < 1)
        s->hir_limit = 1;
    s->lir_limit = c > s->hir_limit ? c - s->hir_limit : 0;
    clist_init(&s->q);
    s->pool_cap = 64;
    s->pool = xmalloc(s->pool_cap * sizeof *s->pool);
    s->pool_free = LIRS_NIL;
    s->top = s->bottom = s->g_newest = s->g_oldest = LIRS_NIL;
    idmap_init(&s->ghosts);
    s->chosen = CACHE_NIL;
    return 0;
}

static void
lirs_stop(struct policy *p)
{
    struct lirs_state *s = p->state;
    free(s->pool);
    s->pool = NULL;
    idmap_fini(&s->ghosts);
}

static uint32_t
node_new(struct lirs_state *s, uint64_t key, uint64_t size)
{
    uint32_t n = s->pool_free;
    if (n != LIRS_NIL) {
        s->pool_free = s->pool[n].up;
    } else {
        s->pool = xgrow(s->pool, &s->pool_cap, (size_t)s->pool_used + 1,
                        sizeof *s->pool, 64);
        n = s->pool_used++;
    }
    s->pool[n] = (struct lirs_node){key,      size,     LIRS_NIL, LIRS_NIL,
                                    LIRS_NIL, LIRS_NIL, CACHE_NIL};
    return n;
}

static void
s_push_top(struct lirs_state *s, uint32_t n)
{
    struct lirs_node *e = &s->pool[n];
    e->up = LIRS_NIL;
    e->down = s->top;
    if (s->top != LIRS_NIL)
        s->pool[s->top].up = n;
    else
        s->bottom = n;
    s->top = n;
    s->s_bytes += e->size;
}

static void
s_unlink(struct lirs_state *s, uint32_t n)
{
    struct lirs_node *e = &s->pool[n];
    if (e->up != LIRS_NIL)
        s->pool[e->up].down = e->down;
    else
        s->top = e->down;
    if (e->down != LIRS_NIL)
        s->pool[e->down].up = e->up;
    else
        s->bottom = e->up;
    s->s_bytes -= e->size;
}

static void
ghost_unlink_fifo(struct lirs_state *s, uint32_t n)
{
    struct lirs_node *e = &s->pool[n];
    if (e->g_newer != LIRS_NIL)
        s->pool[e->g_newer].g_older = e->g_older;
    else
        s->g_newest = e->g_older;
    if (e->g_older != LIRS_NIL)
        s->pool[e->g_older].g_newer = e->g_newer;
    else
        s->g_oldest = e->g_newer;
}

/* Takes node n out of S and frees it; a ghost leaves its index too. */
static void
node_drop(struct lirs_state *s, struct cache_store *c, uint32_t n)
{
    struct lirs_node *e = &s->pool[n];
    if (e->obj == CACHE_NIL) {
        idmap_del(&s->ghosts, e->key);
        ghost_unlink_fifo(s, n);
        s->n_ghosts--;
    } else {
        lirs_obj(cache_obj_at(c, e->obj))->node = LIRS_NIL;
    }
    s_unlink(s, n);
    e->up = s->pool_free;
    s->pool_free = n;
}

/* Removes HIR entries (ghosts and resident HIR) from S's bottom. */
static void
lirs_prune(struct lirs_state *s, struct cache_store *c)
{
    while (s->bottom != LIRS_NIL) {
        uint32_t obj = s->pool[s->bottom].obj;
        if (obj != CACHE_NIL && lirs_obj(cache_obj_at(c, obj))->is_lir)
            return;
        node_drop(s, c, s->bottom);
    }
}

/* Demotes S's bottom LIR objects to resident HIR at Q's end until the LIR
 * bytes fit, never the object keep (just promoted). */
static void
lirs_demote(struct lirs_state *s, struct cache_store *c, struct cache_obj *keep)
{
    while (s->lir_bytes > s->lir_limit) {
        lirs_prune(s, c);
        if (s->bottom == LIRS_NIL)
            return;
        struct cache_obj *o = cache_obj_at(c, s->pool[s->bottom].obj);
        if (o == keep)
            return;
        lirs_obj(o)->is_lir = 0;
        s->lir_bytes -= o->size;
        node_drop(s, c, s->bottom);
        clist_push_head(c, &s->q, o, 0);
    }
    lirs_prune(s, c);
}

/* Keeps S within twice the capacity by forgetting the oldest ghosts, and
 * the ghosts within twice the cached objects (so that tiny objects cannot
 * make them many; with unit sizes this never binds). */
static void
lirs_limit_stack(struct lirs_state *s, struct cache_store *c, uint64_t capacity)
{
    uint64_t n_cached = cache_n_objects(c);
    uint64_t max_ghosts = 2 * (n_cached ? n_cached : 1);
    while ((s->s_bytes > 2 * capacity || s->n_ghosts > max_ghosts) &&
           s->g_oldest != LIRS_NIL)
        node_drop(s, c, s->g_oldest);
}

static int
lirs_admit(struct policy *p, uint64_t key, uint64_t size)
{
    (void)size;
    struct lirs_state *s = p->state;
    s->has_req = 1;
    s->req_key = key;
    return 1;
}

/* Makes o LIR at S's top (from a ghost or a resident HIR entry n). */
static void
lirs_promote(struct lirs_state *s, struct cache_store *c, struct cache_obj *o,
             uint32_t n)
{
    s_unlink(s, n);
    s_push_top(s, n);
    lirs_obj(o)->is_lir = 1;
    s->lir_bytes += o->size;
    lirs_demote(s, c, o);
    lirs_prune(s, c);
}

static void
lirs_on_insert(struct policy *p, struct cache_obj *o)
{
    struct lirs_state *s = p->state;
    struct cache_store *c = p->store;
    struct lirs_obj *lo = lirs_obj(o);
    uint32_t idx = cache_obj_index(c, o);
    s->has_req = 0;
    s->chosen = CACHE_NIL;
    uint32_t n = idmap_get(&s->ghosts, o->key);
    if (n != IDMAP_EMPTY) {
        /* A ghost in S: its recency is low, so it enters as LIR. */
        idmap_del(&s->ghosts, o->key);
        ghost_unlink_fifo(s, n);
        s->pool[n].obj = idx;
        s->s_bytes = s->s_bytes - s->pool[n].size + o->size;
        s->pool[n].size = o->size;
        s->n_ghosts--;
        lo->node = n;
        lirs_promote(s, c, o, n);
    } else {
        n = node_new(s, o->key, o->size);
        s->pool[n].obj = idx;
        lo->node = n;
        s_push_top(s, n);
        if (s->lir_bytes + o->size <= s->lir_limit) {
            lo->is_lir = 1; /* the start: LIR fills first */
            s->lir_bytes += o->size;
        } else {
            lo->is_lir = 0;
            clist_push_head(c, &s->q, o, 0);
            lirs_prune(s, c); /* only when S held no LIR object */
        }
    }
    lirs_limit_stack(s, c, p->capacity_bytes);
}

static void
lirs_on_hit(struct policy *p, struct cache_obj *o)
{
    struct lirs_state *s = p->state;
    struct cache_store *c = p->store;
    struct lirs_obj *lo = lirs_obj(o);
    if (lo->is_lir) {
        uint32_t n = lo->node;
        int was_bottom = n == s->bottom;
        s_unlink(s, n);
        s_push_top(s, n);
        if (was_bottom)
            lirs_prune(s, c);
        return;
    }
    if (lo->node != LIRS_NIL) {
        clist_remove(c, &s->q, o, 0);
        lirs_promote(s, c, o, lo->node);
        return;
    }
    uint32_t n = node_new(s, o->key, o->size);
    s->pool[n].obj = cache_obj_index(c, o);
    lo->node = n;
    s_push_top(s, n);
    clist_move_head(c, &s->q, o, 0);
    lirs_limit_stack(s, c, p->capacity_bytes);
}

static void
lirs_on_remove(struct policy *p, struct cache_obj *o)
{
    struct lirs_state *s = p->state;
    struct cache_store *c = p->store;
    struct lirs_obj *lo = lirs_obj(o);
    int evicted = s->chosen == cache_obj_index(c, o);
    s->chosen = CACHE_NIL;
    if (lo->is_lir) {
        s->lir_bytes -= o->size;
        node_drop(s, c, lo->node);
        lirs_prune(s, c);
        return;
    }
    clist_remove(c, &s->q, o, 0);
    if (lo->node == LIRS_NIL)
        return;
    if (!evicted) {
        node_drop(s, c, lo->node);
        lirs_prune(s, c);
        return;
    }
    /* Evicted while in S: a ghost remembers its recency. */
    uint32_t n = lo->node;
    struct lirs_node *e = &s->pool[n];
    e->obj = CACHE_NIL;
    lo->node = LIRS_NIL;
    idmap_put(&s->ghosts, e->key, n);
    s->n_ghosts++;
    e->g_newer = LIRS_NIL;
    e->g_older = s->g_newest;
    if (s->g_newest != LIRS_NIL)
        s->pool[s->g_newest].g_newer = n;
    else
        s->g_oldest = n;
    s->g_newest = n;
}

static struct cache_obj *
lirs_victim(struct policy *p)
{
    struct lirs_state *s = p->state;
    struct cache_obj *o = clist_tail(p->store, &s->q);
    /* Q empty: every cached object is LIR, in S; the lowest one goes. */
    for (uint32_t n = s->bottom; o == NULL && n != LIRS_NIL; n = s->pool[n].up)
        if (s->pool[n].obj != CACHE_NIL)
            o = cache_obj_at(p->store, s->pool[n].obj);
    if (o != NULL)
        s->chosen = cache_obj_index(p->store, o);
    return o;
}

static const struct cache_param lirs_params[] = {
    {.name = "hir_share",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN | CACHE_PARAM_MAX_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.01",
     .help = "share of the capacity for resident HIR objects (L_hirs; the "
             "paper's 1%)",
     .offset = offsetof(struct lirs_state, hir_share)},
};

const struct policy_ops policy_lirs_ops = {
    .name = "lirs",
    .abi = POLICY_ABI,
    .summary = "LIRS: keeps objects of low inter-reference recency, a small "
               "FIFO of the others (bytes)",
    .params = CACHE_PARAMS(lirs_params),
    .state_size = sizeof(struct lirs_state),
    .obj_state_size = sizeof(struct lirs_obj),
    .start = lirs_start,
    .stop = lirs_stop,
    .admit = lirs_admit,
    .on_insert = lirs_on_insert,
    .on_hit = lirs_on_hit,
    .on_remove = lirs_on_remove,
    .victim = lirs_victim,
};
