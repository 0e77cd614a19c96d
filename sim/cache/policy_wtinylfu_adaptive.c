/* policy_wtinylfu_adaptive.c: W-TinyLFU whose window size is tuned
 * online by hill climbing.
 *
 * Source: Einziger, Eytan, Friedman, Manes, "Adaptive Software Cache
 * Management", Middleware 2018, section 4 (the hill climber), as the
 * Caffeine simulator's "climber" policy runs it with its default "simple"
 * strategy. The cache is W-TinyLFU (policy_wtinylfu.c, the same code): a
 * small window favours frequency (TinyLFU's admission decides nearly
 * everything), a large one favours recency. The climber samples the hit
 * ratio over periods of `sample` x the objects held; after each period it
 * moves the window by a step, in the same direction as the last move if
 * the hit ratio did not fall, else in the other one. The step starts at
 * `step` of the capacity and shrinks by `decay` each period, so the size
 * settles; a change of the hit ratio of `restart` or more between two
 * periods (a new phase of the workload) restores the full step so the
 * search starts again.
 *
 * Choices, where the paper leaves room:
 * - The first period starts when the cache is first full (the first
 *   eviction): hit ratios of a cache still filling say nothing about its
 *   window. The first move grows the window (it starts at `window`, 1% by
 *   default, near the small end).
 * - Requests are the accesses the policy sees, hits and inserted misses;
 *   a miss that an admission filter turns away is not counted.
 * - Moving the boundary evicts nothing (wtinylfu_set_window): a larger
 *   window takes main's probation end as its most recent objects, as
 *   Caffeine does; a smaller one hands its LRU end to probation.
 *
 * On the CloudPhysics trace with unit sizes (490 / 2,449 / 4,897
 * objects) it misses 0.8292 / 0.8191 / 0.8019, against 0.8328 / 0.8167 /
 * 0.8042 for the fixed 1% window: a trace of 113,872 requests is 23
 * periods at 490 objects but 2 at 4,897, so the climber has little time
 * to gain there. On a trace whose first half rewards recency and second
 * half frequency it follows the better fixed window in each half
 * (tests/check_research.c, README). libCacheSim has no hill climber to
 * compare with.
 *
 * Cost: W-TinyLFU's per hook, plus two counters per access; a move at the
 * end of a period relinks at most the step's objects, O(1) amortised over
 * the period's requests.
 */
#include <math.h>

#include "cache/wtinylfu.h"

struct wta_state {
    struct wtinylfu_state wt; /* first: the shared hooks read p->state */
    double step_share;        /* parameter "step", of the capacity */
    double decay;             /* parameter */
    double restart;           /* parameter */
    unsigned sample;          /* parameter: period = sample x objects */
    int climbing;             /* set at the first eviction */
    int direction;            /* +1 grows the window, -1 shrinks it */
    double step;              /* bytes of the next move */
    uint64_t period;          /* requests per period */
    uint64_t requests, hits;  /* in the current period */
    double last_ratio;        /* of the previous period; < 0 if none */
};

static void
period_begin(struct policy *p)
{
    struct wta_state *s = p->state;
    uint64_t held = cache_n_objects(p->store);
    s->period = (uint64_t)s->sample * (held > 0 ? held : 1);
    s->requests = s->hits = 0;
}

/* The end of a period: one hill-climbing move of the window. */
static void
climb(struct policy *p)
{
    struct wta_state *s = p->state;
    double ratio = (double)s->hits / (double)s->requests;
    double full = s->step_share * (double)p->capacity_bytes;
    double step = s->step;
    if (s->last_ratio >= 0) {
        double change = ratio - s->last_ratio;
        if (change < 0)
            s->direction = -s->direction;
        s->step = fabs(change) >= s->restart ? full : s->step * s->decay;
    } else {
        s->step = s->step * s->decay;
    }
    s->last_ratio = ratio;
    double window = (double)s->wt.window_max + s->direction * step;
    if (window < 0)
        window = 0;
    if (window > (double)p->capacity_bytes)
        window = (double)p->capacity_bytes;
    wtinylfu_set_window(p, (uint64_t)llround(window));
    period_begin(p);
}

static void
count_access(struct policy *p, int hit)
{
    struct wta_state *s = p->state;
    if (!s->climbing)
        return;
    s->requests++;
    s->hits += (uint64_t)hit;
    if (s->requests >= s->period)
        climb(p);
}

static int
wta_start(struct policy *p, struct sim_err *err)
{
    struct wta_state *s = p->state;
    if (wtinylfu_start(p, err) != 0)
        return -1;
    s->direction = 1;
    s->step = s->step_share * (double)p->capacity_bytes;
    s->last_ratio = -1;
    return 0;
}

static void
wta_on_insert(struct policy *p, struct cache_obj *o)
{
    wtinylfu_on_insert(p, o);
    count_access(p, 0);
}

static void
wta_on_hit(struct policy *p, struct cache_obj *o)
{
    wtinylfu_on_hit(p, o);
    count_access(p, 1);
}

static struct cache_obj *
wta_victim(struct policy *p)
{
    struct wta_state *s = p->state;
    if (!s->climbing) {
        s->climbing = 1;
        period_begin(p);
    }
    return wtinylfu_victim(p);
}

static const struct cache_param wta_params[] = {
    {.name = "window",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MAX_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.01",
     .help = "the window's starting share of the capacity",
     .offset = offsetof(struct wta_state, wt) +
               offsetof(struct wtinylfu_state, window_ratio)},
    {.name = "step",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.0625",
     .help = "the first and restarted move of the window, a share of the "
             "capacity",
     .offset = offsetof(struct wta_state, step_share)},
    {.name = "decay",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.98",
     .help = "the step's factor after each period",
     .offset = offsetof(struct wta_state, decay)},
    {.name = "restart",
     .type = CACHE_PARAM_REAL,
     .flags = CACHE_PARAM_MIN_OPEN,
     .min = 0,
     .max = 1,
     .def = "0.05",
     .help = "a hit ratio change between periods that restores the full "
             "step",
     .offset = offsetof(struct wta_state, restart)},
    {.name = "sample",
     .type = CACHE_PARAM_UINT,
     .min = 1,
     .max = 1000,
     .def = "10",
     .help = "a period's requests, as a multiple of the objects held",
     .offset = offsetof(struct wta_state, sample)},
};

const struct policy_ops policy_wtinylfu_adaptive_ops = {
    .name = "wtinylfu_adaptive",
    .abi = POLICY_ABI,
    .summary = "adaptive W-TinyLFU: W-TinyLFU whose window size follows "
               "the hit ratio by hill climbing",
    .params = wta_params,
    .n_params = sizeof wta_params / sizeof wta_params[0],
    .state_size = sizeof(struct wta_state),
    .obj_state_size = sizeof(struct wt_obj),
    .start = wta_start,
    .stop = wtinylfu_stop,
    .admit = wtinylfu_admit,
    .on_insert = wta_on_insert,
    .on_hit = wta_on_hit,
    .on_remove = wtinylfu_on_remove,
    .victim = wta_victim,
};
