/* engine.h: simulated clock, event queue and random streams. */
#ifndef SIM_ENGINE_ENGINE_H
#define SIM_ENGINE_ENGINE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "util/err.h"

/* Simulated time in integer nanoseconds; never a double. */
typedef int64_t sim_time;

#define SIM_US ((sim_time)1000)
#define SIM_MS ((sim_time)1000000)
#define SIM_S ((sim_time)1000000000)
#define SIM_TIME_MAX INT64_MAX

/*
 * llround(x) for a duration in ns, bit for bit, without the library call
 * (one or two per request): for 0 <= x < 2^63, truncation then a step up
 * when the part cut off is a half or more, which is exact (below 2^52 the
 * fraction x - trunc(x) is a double; above, x is whole). Other x go to
 * llround. Checked against llround in the engine suite.
 */
static inline int64_t
sim_round_ns(double x)
{
    if (!(x >= 0 && x < 9223372036854775808.0))
        return (int64_t)llround(x);
    int64_t t = (int64_t)x;
    return x - (double)t >= 0.5 ? t + 1 : t;
}

/* A heap entry of this kind stands for the head of channel `target`; no
 * event has it. */
#define SIM_KIND_CHANNEL UINT32_MAX

/*
 * One event: a plain record dispatched by kind (no closures, no per-event
 * allocation). kind, target and ref mean what the scheduling module says;
 * the model uses target for a node or source and ref for a request slot.
 */
struct sim_event {
    sim_time at;  /* when it fires */
    uint64_t seq; /* schedule order; breaks ties so equal times are FIFO */
    uint32_t kind;
    uint32_t target;
    uint64_t ref;
};

/*
 * A FIFO of events whose times never decrease, such as the deliveries over
 * one link with a constant delay, or one source's arrivals. Only its head
 * sits in the heap, so a run with thousands of events in flight keeps a
 * heap of a few dozen entries (DESIGN.md: ~2.5x faster than one big heap).
 */
struct sim_channel {
    struct sim_event *ring;
    uint32_t cap; /* a power of two */
    uint32_t head;
    uint32_t n;
    sim_time last_at; /* pushes must not go back in time */
};

/*
 * The event queue: a 4-ary min-heap ordered by (at, seq) holding loose
 * events and the head of every non-empty channel. Because seq is global,
 * events pop in exactly the (at, seq) order one heap of everything would
 * give. Push and pop are O(log h) for a heap of h entries.
 */
struct sim_queue {
    struct sim_event *heap;
    size_t n;
    size_t cap;
    uint64_t next_seq;
    struct sim_channel *channels;
    uint32_t n_channels;
    size_t channels_cap;
    uint64_t n_pending; /* events in the heap and in every channel */
    uint32_t express;   /* the express channel's id, or UINT32_MAX */
    /* The express channel's head's (at, seq), or both UINT64_MAX when it
     * is empty: a pop compares it with the heap's root, read from here
     * rather than from the channel's ring. */
    uint64_t express_at;
    uint64_t express_seq;
};

void sim_queue_init(struct sim_queue *q);
void sim_queue_fini(struct sim_queue *q);

/* Schedules an event; events with equal `at` fire in the order scheduled. */
void sim_queue_push(struct sim_queue *q, sim_time at, uint32_t kind,
                    uint32_t target, uint64_t ref);

/* Creates a channel and returns its id (0, 1, ...). */
uint32_t sim_queue_channel(struct sim_queue *q);

/* The rare steps of sim_queue_push_channel, out of line: a full ring
 * doubles; a channel that was empty puts its new head in the heap (or, for
 * the express channel, in the express key). */
void sim_queue_channel_grow(struct sim_channel *ch);
void sim_queue_channel_started(struct sim_queue *q, uint32_t ch);

/*
 * Schedules an event through channel ch. `at` must be no earlier than the
 * channel's previous event (asserted). Same ordering guarantees as
 * sim_queue_push. Inline: one per event, and its common case is a store
 * into the channel's ring.
 */
static inline void
sim_queue_push_channel(struct sim_queue *q, uint32_t id, sim_time at,
                       uint32_t kind, uint32_t target, uint64_t ref)
{
    SIM_ASSERT(id < q->n_channels && kind != SIM_KIND_CHANNEL);
    struct sim_channel *ch = &q->channels[id];
    SIM_ASSERT(at >= ch->last_at);
    ch->last_at = at;
    if (ch->n == ch->cap)
        sim_queue_channel_grow(ch);
    struct sim_event *ev = &ch->ring[(ch->head + ch->n) & (ch->cap - 1)];
    ev->at = at;
    ev->seq = q->next_seq++;
    ev->kind = kind;
    ev->target = target;
    ev->ref = ref;
    q->n_pending++;
    if (ch->n++ == 0)
        sim_queue_channel_started(q, id);
}

/*
 * Makes channel ch the queue's express channel: its head stays out of the
 * heap, and every pop compares it with the heap's root instead. For a
 * channel that empties at nearly every pop and is refilled at once (one
 * pending client arrival), this saves a heap insert and a root removal
 * per event at the price of one compare per pop; the order of pops is the
 * same. At most one channel is express; call before its first push.
 */
void sim_queue_set_express(struct sim_queue *q, uint32_t ch);

/* Removes the earliest event into *out. Returns 0 when the queue is empty. */
int sim_queue_pop(struct sim_queue *q, struct sim_event *out);

/* Events scheduled and not yet popped. */
static inline uint64_t
sim_queue_size(const struct sim_queue *q)
{
    return q->n_pending;
}

/*
 * A random stream for one component, seeded by mixing the run's seed with
 * the component's id (splitmix64), so that adding a component never shifts
 * another one's numbers. Caller frees with gsl_rng_free(). The generator
 * is cdnsim's own MT19937 (rng.c) behind GSL's interface: GSL's
 * distributions take it like any GSL generator, and the hot draws below
 * read its state inline instead of through GSL's function pointers.
 */
gsl_rng *sim_rng_new(uint64_t run_seed, uint64_t component_id);

/* The state behind a stream of sim_rng_new: MT19937's 624 words and the
 * index of the next one to hand out (624: the block is used up). */
#define SIM_MT_N 624
struct sim_mt {
    uint32_t mt[SIM_MT_N];
    uint32_t next;
};

/* Regenerates the block of 624 words (once every 624 draws). */
void sim_mt_refill(struct sim_mt *s);

/* The next 32-bit output: the next word of the block, tempered
 * (Matsumoto and Nishimura 1998, the tempering of their section 2). */
static inline uint32_t
sim_mt_next(struct sim_mt *s)
{
    if (s->next >= SIM_MT_N)
        sim_mt_refill(s);
    uint32_t y = s->mt[s->next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

/* gsl_rng_get(r) for a stream of sim_rng_new, inline. */
static inline uint32_t
sim_rng_get(gsl_rng *r)
{
    return sim_mt_next((struct sim_mt *)r->state);
}

/* gsl_rng_uniform(r), [0, 1), for a stream of sim_rng_new, inline: the
 * 32-bit output over 2^32, as GSL's mt19937 divides it. */
static inline double
sim_rng_uniform(gsl_rng *r)
{
    return sim_rng_get(r) / 4294967296.0;
}

/* gsl_rng_uniform_int(r, n), [0, n), for a stream of sim_rng_new and
 * 0 < n <= 2^32 - 1: GSL's method for a generator of range 2^32 - 1, an
 * output divided by (2^32 - 1) / n, drawn again when the quotient is n or
 * more, so that the same draws give the same integers. */
static inline uint32_t
sim_rng_uniform_int(gsl_rng *r, uint32_t n)
{
    SIM_ASSERT(n > 0);
    uint32_t scale = 0xffffffffu / n;
    uint32_t k;
    do
        k = sim_rng_get(r) / scale;
    while (k >= n);
    return k;
}

/* Component ids for sim_rng_new: a class tag plus an index. */
#define SIM_RNG_ID(tag, index) (((uint64_t)(tag) << 32) | (uint64_t)(index))
enum sim_rng_tag {
    SIM_RNG_ARRIVAL = 1,    /* one per arrival source (region) */
    SIM_RNG_POPULARITY,     /* one per arrival source */
    SIM_RNG_POLICY,         /* one per cache node (random eviction etc.) */
    SIM_RNG_CATALOG,        /* object sizes and other per-object draws */
    SIM_RNG_SERVICE,        /* one per node with a service time */
    SIM_RNG_ROUTING,        /* one per region with weighted routing */
    SIM_RNG_VARIANT,        /* the variants and query strings of requests
                               (sim/model/cache_key.c) */
    SIM_RNG_NODE_LINK,      /* one per node link whose latency is a mapping */
    SIM_RNG_REGION_LINK,    /* one per region link whose latency is one */
    SIM_RNG_BROWNOUT = 43,  /* one per node with brownouts (a value of its
                               own, apart from tags added meanwhile) */
    SIM_RNG_PLACEMENT = 52, /* one per node with probabilistic placement
                              (sim/model/placement.c) */
    SIM_RNG_COMPUTE = 61,   /* Accept-Encoding draws at edges that compress
                               (sim/model/compute.c) */
    SIM_RNG_VIDEO = 62      /* the video sessions (sim/model/video.c) */
};

#endif
