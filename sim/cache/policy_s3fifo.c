/* policy_s3fifo.c: S3-FIFO, three static FIFO queues.
 *
 * Source: Yang, Zhang, Qiu, Yue, Vinayak, "FIFO queues are all you need
 * for cache eviction", SOSP 2023, section 4 (Algorithm 1). New objects
 * enter a small FIFO (small_ratio of the capacity); an object leaving it
 * that was hit at least move_threshold times moves to the main FIFO,
 * otherwise it is evicted and its id goes to a ghost FIFO. A miss on an id
 * in the ghost inserts straight into main. Main is a FIFO with
 * reinsertion: an object leaving it with freq > 0 goes back to its head
 * with freq - 1 (a 2-bit CLOCK). Frequencies are capped at 3.
 *
 * Defaults follow libCacheSim's S3FIFO (small queue 10%, move after 2
 * hits), and so do three details the paper leaves open: freq restarts at 0
 * when an object moves to main; the ghost remembers ids whose sizes sum to
 * at most main's share of the capacity (floor(capacity x (1 -
 * small_ratio)); for unit sizes, as many ids as main holds objects); and
 * small is evicted from while main is within its share, main otherwise.
 * The ghost is looked up (and the id dropped from it) in the admit hook,
 * on the miss before anything is evicted, as libCacheSim does in its find;
 * a lookup in on_insert could miss an id that the miss's own evictions
 * had just pushed out of the ghost.
 *
 * victim() carries out the queue moves that the paper's eviction makes
 * (small -> main, main tail -> main head) until it reaches an object to
 * evict, and returns that object without removing it: the store removes
 * it through on_remove, which sends it to the ghost when it left small.
 * Only the object victim() last returned counts as evicted; any other
 * removal (a purge, a new version) leaves no ghost entry.
 *
 * Against libCacheSim on the cloudphysics trace (unit sizes, 113,872
 * requests), miss ratio here vs libCacheSim's table:
 *   490: 0.8304 vs 0.8304; 2449: 0.8025 vs 0.8025; 4897: 0.7525 vs 0.7525.
 * One difference remains for variable sizes: libCacheSim refuses to store
 * an object at least as large as the small queue; here it is stored and
 * leaves small first (put a size admission filter in front to refuse it).
 *
 * Cost: O(1) amortised per hook. A hit only bumps a counter; victim() may
 * move several objects, but each move is paid for by a hit (freq > 0).
 * The ghost (ghost.h) is a FIFO of (id, size) with an id index, O(1) per
 * operation.
 */
#include <string.h>

#include "cache/ghost.h"
#include "cache/list.h"

#define S3_FREQ_MAX 3

struct s3_obj {
    struct clist_link link;
    uint8_t freq;    /* hits since insert or last reinsertion, <= 3 */
    uint8_t in_main; /* 0: on small; 1: on main */
};

struct s3fifo_state {
    double small_ratio;       /* of the capacity (parameter) */
    unsigned move_threshold;  /* hits in small to move to main (parameter) */
    uint64_t main_bytes_max;  /* main's share: capacity - small's */
    struct clist small, main; /* head = newest */
    struct ghost ghost;       /* ids evicted from small (list 0) */
    uint64_t ghost_bytes_max; /* capacity x (1 - small_ratio), truncated */
    /* Set by admit on a ghost hit, consumed by on_insert. */
    int ghost_hit;
    uint64_t ghost_hit_key;
    /* The object victim() last returned: its removal is an eviction. */
    uint32_t victim_idx;
    uint64_t victim_key;
};

static inline struct s3_obj *
s3_obj(struct cache_obj *o)
{
    return cache_obj_state(o);
}

/* Remembers key (an object evicted from small). Like libCacheSim's ghost
 * FIFO, an id already remembered keeps its place. */
static void
s3_ghost_add(struct s3fifo_state *s, uint64_t key, uint64_t size)
{
    if (size > s->ghost_bytes_max || ghost_find(&s->ghost, key) != GHOST_NONE)
        return;
    ghost_push(&s->ghost, 0, key, size);
    ghost_trim(&s->ghost, s->ghost_bytes_max, UINT64_MAX);
}

static int
s3fifo_start(struct policy *p, struct sim_err *err)
{
    (void)err;
    struct s3fifo_state *s = p->state;
    /* Truncations as libCacheSim's, so that unit-size runs match it. */
    uint64_t small_max = (uint64_t)((double)p->capacity_bytes * s->small_ratio);
    s->main_bytes_max = p->capacity_bytes - small_max;
    s->ghost_bytes_max =
        (uint64_t)((double)p->capacity_bytes * (1.0 - s->small_ratio));
    clist_init(&s->small);
    clist_init(&s->main);
    ghost_init(&s->ghost);
    s->victim_idx = CACHE_NIL;
    return 0;
}

static void
s3fifo_stop(struct policy *p)
{
    struct s3fifo_state *s = p->state;
    ghost_fini(&s->ghost);
}

static int
s3fifo_admit(struct policy *p, uint64_t key, uint64_t size)
{
    (void)size;
    struct s3fifo_state *s = p->state;
    s->ghost_hit = ghost_remove(&s->ghost, key);
    s->ghost_hit_key = key;
    return 1;
}

static void
s3fifo_on_insert(struct policy *p, struct cache_obj *o)
{
    struct s3fifo_state *s = p->state;
    struct s3_obj *so = s3_obj(o);
    if (s->ghost_hit && s->ghost_hit_key == o->key) {
        so->in_main = 1;
        clist_push_head(p->store, &s->main, o, 0);
    } else {
        clist_push_head(p->store, &s->small, o, 0);
    }
    s->ghost_hit = 0;
}

static void
s3fifo_on_hit(struct policy *p, struct cache_obj *o)
{
    (void)p;
    struct s3_obj *so = s3_obj(o);
    if (so->freq < S3_FREQ_MAX)
        so->freq++;
}

static void
s3fifo_on_remove(struct policy *p, struct cache_obj *o)
{
    struct s3fifo_state *s = p->state;
    struct s3_obj *so = s3_obj(o);
    int evicted = cache_obj_index(p->store, o) == s->victim_idx &&
                  o->key == s->victim_key;
    if (evicted)
        s->victim_idx = CACHE_NIL;
    if (so->in_main) {
        clist_remove(p->store, &s->main, o, 0);
    } else {
        clist_remove(p->store, &s->small, o, 0);
        if (evicted)
            s3_ghost_add(s, o->key, o->size);
    }
}

static struct cache_obj *
s3fifo_pick(struct policy *p, struct cache_obj *o)
{
    struct s3fifo_state *s = p->state;
    s->victim_idx = cache_obj_index(p->store, o);
    s->victim_key = o->key;
    return o;
}

static struct cache_obj *
s3fifo_victim(struct policy *p)
{
    struct s3fifo_state *s = p->state;
    if (s->main.bytes <= s->main_bytes_max && s->small.n > 0) {
        /* Evict from small: objects hit often enough move to main, even
         * if main then exceeds its share (the next eviction trims it). */
        struct cache_obj *o;
        while ((o = clist_tail(p->store, &s->small)) != NULL) {
            struct s3_obj *so = s3_obj(o);
            if (so->freq < s->move_threshold)
                return s3fifo_pick(p, o);
            clist_remove(p->store, &s->small, o, 0);
            so->freq = 0;
            so->in_main = 1;
            clist_push_head(p->store, &s->main, o, 0);
        }
    }
    /* Evict from main: a FIFO with reinsertion of hit objects. */
    for (;;) {
        struct cache_obj *o = clist_tail(p->store, &s->main);
        if (o == NULL)
            return NULL;
        struct s3_obj *so = s3_obj(o);
        if (so->freq == 0)
            return s3fifo_pick(p, o);
        so->freq--;
        clist_move_head(p->store, &s->main, o, 0);
    }
}

static const struct cache_param s3fifo_params[] = {
    {.name = "small_ratio",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN | CACHE_PARAM_MAX_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.1",
     .help = "the small FIFO's share of the capacity",
     .offset = offsetof(struct s3fifo_state, small_ratio)},
    {.name = "move_threshold",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = S3_FREQ_MAX,
     .def = "2",
     .help = "hits on small that move an object to main",
     .offset = offsetof(struct s3fifo_state, move_threshold)},
};

const struct policy_ops policy_s3fifo_ops = {
    .name = "s3fifo",
    .abi = POLICY_ABI,
    .summary = "S3-FIFO: small FIFO filters one-hit objects, main FIFO "
               "with reinsertion, ghost of recent ids",
    .params = s3fifo_params,
    .n_params = sizeof s3fifo_params / sizeof s3fifo_params[0],
    .state_size = sizeof(struct s3fifo_state),
    .obj_state_size = sizeof(struct s3_obj),
    .start = s3fifo_start,
    .stop = s3fifo_stop,
    .admit = s3fifo_admit,
    .on_insert = s3fifo_on_insert,
    .on_hit = s3fifo_on_hit,
    .on_remove = s3fifo_on_remove,
    .victim = s3fifo_victim,
};
