/* policy_car.c: CAR, Clock with Adaptive Replacement, byte-sized variant.
 *
 * Source: S. Bansal, D. S. Modha, "CAR: Clock with Adaptive Replacement",
 * FAST 2004, section III and Figure 2. ARC's four lists with its adaptive
 * target p, but T1 and T2 are clocks: a hit only sets the object's
 * reference bit, so a hit costs no list move. T1 holds objects seen once
 * recently, T2 objects seen at least twice; B1 and B2 remember the ids of
 * objects evicted from T1 and T2. REPLACE turns the clocks: while
 * |T1| >= max(1, p), T1's hand (its oldest object) is examined: with the
 * bit clear it is evicted to B1, with the bit set the bit is cleared and
 * the object moves to T2's tail (newest); otherwise T2's hand is examined:
 * evicted to B2 when clear, else cleared and sent round to T2's tail. On a
 * miss with the cache full, after REPLACE, the directory is trimmed: for
 * an id on neither ghost list, B1 loses its oldest id when |T1| + |B1|
 * reaches c, else B2 when all four lists reach 2c. A miss found in B1
 * raises p by max(1, |B2|/|B1|), one found in B2 lowers it by
 * max(1, |B1|/|B2|); both enter T2 with the bit clear, any other miss
 * enters T1.
 *
 * Byte-sized variant, as policy_arc.c: c is the capacity in bytes, every
 * |.| is bytes (ghosts keep their object's size), p moves by the ratio
 * times the missed object's size, and "reaches c" reads "the missed
 * object would not fit within c". With unit sizes this is the paper's
 * page-count CAR. Expiry and new versions take an object out of its
 * clock without a ghost entry.
 *
 * The hooks: admit sees every miss first (adapts p, takes the id off its
 * ghost list); victim turns the clocks (clearing bits and moving T1's
 * referenced objects to T2, the reordering the policy ABI allows while
 * searching) and names the victim; on_remove of that object records its
 * ghost; on_insert trims the directory when this miss evicted. Ghost
 * memory is bounded as ARC's: at most 2c bytes and twice the cached
 * objects' count.
 *
 * Cost: O(1) per hit; a miss is amortised O(1): each object's bit is
 * cleared at most once per hit it had.
 *
 * libCacheSim (commit aa0fc40) has no CAR to compare with; the paper's
 * claim is that CAR's miss ratio is close to ARC's, which check_policies.c
 * tests on the cloudphysics trace (see README).
 */
#include "cache/ghost.h"
#include "cache/list.h"

enum { CAR_T1 = 0, CAR_T2 = 1 };
enum { CAR_B1 = 0, CAR_B2 = 1, CAR_NONE = 2 }; /* ghost lists, or none */

struct car_state {
    struct clist t[2];  /* T1, T2: head = newest (clock tail), tail =
                           oldest (under the clock hand) */
    struct ghost ghost; /* list [CAR_B1] is B1, [CAR_B2] is B2 */
    double p;           /* target bytes of T1, 0..capacity */
    /* The miss being inserted, as admit saw it. */
    int has_req;
    uint64_t req_key;
    uint8_t req_ghost;   /* the ghost list it was found on */
    uint8_t has_evicted; /* this miss evicted (the cache was full) */
    uint32_t chosen;     /* victim's choice, CACHE_NIL when none */
    uint8_t chosen_to;   /* the ghost list that gets its id */
};

struct car_obj {
    struct clist_link link;
    uint8_t list; /* CAR_T1 or CAR_T2 */
    uint8_t ref;  /* the reference bit */
};

static inline struct car_obj *
car_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

static int
car_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct car_state *s = p->state;
    clist_init(&s->t[CAR_T1]);
    clist_init(&s->t[CAR_T2]);
    ghost_init(&s->ghost);
    s->chosen = CACHE_NIL;
    return 0;
}

static void
car_stop(struct policy *p)
{
    struct car_state *s = p->state;
    ghost_fini(&s->ghost);
}

static int
car_admit(struct policy *p, uint64_t key, uint64_t size)
{
    struct car_state *s = p->state;
    double c = (double)p->capacity_bytes;
    s->has_req = 1;
    s->req_key = key;
    s->req_ghost = CAR_NONE;
    s->has_evicted = 0;
    uint32_t g = ghost_find(&s->ghost, key);
    if (g == GHOST_NONE)
        return 1;
    double b1 = (double)s->ghost.list[CAR_B1].bytes;
    double b2 = (double)s->ghost.list[CAR_B2].bytes;
    s->req_ghost = (uint8_t)ghost_list_of(g);
    s->p = ghost_adapt_target(s->p, s->req_ghost == CAR_B1, b1, b2, size, c);
    ghost_drop(&s->ghost, g);
    return 1;
}

/* The paper's directory replacement, after a miss that evicted, for an id
 * on neither ghost list. */
static void
car_trim_directory(struct policy *p, uint64_t size)
{
    struct car_state *s = p->state;
    uint64_t c = p->capacity_bytes;
    const struct ghost_list *b1 = &s->ghost.list[CAR_B1];
    const struct ghost_list *b2 = &s->ghost.list[CAR_B2];
    if (s->t[CAR_T1].bytes + b1->bytes + size > c) {
        while (b1->n > 0 && s->t[CAR_T1].bytes + b1->bytes + size > c)
            ghost_drop_oldest(&s->ghost, CAR_B1);
        return;
    }
    while (b2->n > 0 && s->t[CAR_T1].bytes + s->t[CAR_T2].bytes + b1->bytes +
                                b2->bytes + size >
                            2 * c)
        ghost_drop_oldest(&s->ghost, CAR_B2);
}

static void
car_on_insert(struct policy *p, struct cache_obj *o)
{
    struct car_state *s = p->state;
    int is_req = s->has_req && s->req_key == o->key;
    int from_ghost = is_req && s->req_ghost != CAR_NONE;
    if (is_req && !from_ghost && s->has_evicted)
        car_trim_directory(p, o->size);
    car_obj(o)->list = from_ghost ? CAR_T2 : CAR_T1;
    car_obj(o)->ref = 0;
    clist_push_head(p->store, &s->t[car_obj(o)->list], o, 0);
    s->has_req = 0;
    s->chosen = CACHE_NIL;
}

static void
car_on_hit(struct policy *p, struct cache_obj *o)
{
    (void)p;
    car_obj(o)->ref = 1;
}

static void
car_on_remove(struct policy *p, struct cache_obj *o)
{
    struct car_state *s = p->state;
    int evicted = s->chosen == cache_obj_index(p->store, o);
    s->chosen = CACHE_NIL;
    clist_remove(p->store, &s->t[car_obj(o)->list], o, 0);
    if (!evicted)
        return;
    s->has_evicted = 1;
    ghost_remove(&s->ghost, o->key);
    ghost_push(&s->ghost, s->chosen_to, o->key, o->size);
    uint32_t n_cached = cache_n_objects(p->store);
    ghost_trim(&s->ghost, 2 * p->capacity_bytes,
               2 * (uint64_t)(n_cached ? n_cached : 1));
}

/* REPLACE: turns the clocks until an object with a clear bit is under a
 * hand. Terminates: each turn either finds one or clears a bit. */
static struct cache_obj *
car_victim(struct policy *p)
{
    struct car_state *s = p->state;
    struct clist *t1 = &s->t[CAR_T1], *t2 = &s->t[CAR_T2];
    if (t1->n + t2->n == 0)
        return NULL;
    for (;;) {
        double target = s->p > 1 ? s->p : 1;
        int use_t1 = t1->n > 0 && ((double)t1->bytes >= target || t2->n == 0);
        struct clist *from = use_t1 ? t1 : t2;
        struct cache_obj *o = clist_tail(p->store, from);
        if (!car_obj(o)->ref) {
            s->chosen = cache_obj_index(p->store, o);
            s->chosen_to = use_t1 ? CAR_B1 : CAR_B2;
            return o;
        }
        car_obj(o)->ref = 0;
        clist_remove(p->store, from, o, 0);
        car_obj(o)->list = CAR_T2;
        clist_push_head(p->store, t2, o, 0);
    }
}

const struct policy_ops policy_car_ops = {
    .name = "car",
    .abi = POLICY_ABI,
    .summary = "CAR: ARC's adaptive split with two clocks, hits set a bit "
               "(bytes)",
    .state_size = sizeof(struct car_state),
    .obj_state_size = sizeof(struct car_obj),
    .start = car_start,
    .stop = car_stop,
    .admit = car_admit,
    .on_insert = car_on_insert,
    .on_hit = car_on_hit,
    .on_remove = car_on_remove,
    .victim = car_victim,
};
