/* queue.c: the event queue: a 4-ary heap keyed by (time, sequence) over
 * loose events and the heads of monotone channels. */
#include "engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/xalloc.h"

#define KIND_CHANNEL SIM_KIND_CHANNEL

/* (at, seq) as one unsigned 128-bit key: a single compare, with no
 * branch for the unpredictable heap comparisons. at is never negative. */
__extension__ typedef unsigned __int128 ev_key;

static inline ev_key
key_of(const struct sim_event *e)
{
    return ((ev_key)(uint64_t)e->at << 64) | e->seq;
}

/*
 * The heap keeps HEAP_PAD entries past its last one at the largest key,
 * so that every parent has four children to compare, with no bounds
 * check, and the best child is picked with no branch: the comparisons
 * of a sift are unpredictable by nature, and a mispredicted branch per
 * level was most of the heap's time (perf: the heap was 10% of the
 * default scenario).
 */
#define HEAP_PAD 4

static const struct sim_event heap_pad = {-1, UINT64_MAX, 0, 0, 0};

/* Makes room for n entries and their padding. */
static inline void
heap_reserve(struct sim_queue *q, size_t n)
{
    size_t old_cap = q->cap;
    q->heap = xgrow(q->heap, &q->cap, n + HEAP_PAD, sizeof *q->heap, 64);
    if (q->cap != old_cap)
        for (size_t j = old_cap; j < q->cap; j++)
            q->heap[j] = heap_pad;
}

void
sim_queue_init(struct sim_queue *q)
{
    memset(q, 0, sizeof *q);
    q->express = UINT32_MAX;
    q->express_at = UINT64_MAX;
    q->express_seq = UINT64_MAX;
    heap_reserve(q, 1); /* so that heap[0] can always be read */
}

void
sim_queue_fini(struct sim_queue *q)
{
    for (uint32_t i = 0; i < q->n_channels; i++)
        free(q->channels[i].ring);
    free(q->channels);
    free(q->heap);
    memset(q, 0, sizeof *q);
}

static void
heap_insert(struct sim_queue *q, const struct sim_event *ev)
{
    heap_reserve(q, q->n + 1);
    size_t i = q->n++;
    ev_key k = key_of(ev);
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!(k < key_of(&q->heap[parent])))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = *ev;
}

/* Of the four children from c on, the one with the smallest key. */
static inline size_t
best_child(const struct sim_event *h, size_t c)
{
    size_t a = c + (key_of(&h[c + 1]) < key_of(&h[c]));
    size_t b = c + 2 + (key_of(&h[c + 3]) < key_of(&h[c + 2]));
    size_t b_wins = key_of(&h[b]) < key_of(&h[a]);
    return a + ((b - a) & (0 - b_wins));
}

/* Puts ev at the root and sifts it down to its place. Inline in the pop,
 * which calls it for nearly every event. */
static inline __attribute__((always_inline)) void
heap_replace_root(struct sim_queue *q, const struct sim_event *ev)
{
    struct sim_event last = *ev;
    ev_key k = key_of(&last);
    struct sim_event *h = q->heap;
    size_t n = q->n, i = 0;
    for (;;) {
        size_t child = 4 * i + 1;
        if (child >= n)
            break;
        size_t best = best_child(h, child);
        if (!(key_of(&h[best]) < k))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

/* Removes the heap's root. */
static void
heap_remove_root(struct sim_queue *q)
{
    struct sim_event last = q->heap[--q->n];
    q->heap[q->n] = heap_pad; /* before the sift, which may look at it */
    if (q->n > 0)
        heap_replace_root(q, &last);
}

void
sim_queue_push(struct sim_queue *q, sim_time at, uint32_t kind, uint32_t target,
               uint64_t ref)
{
    SIM_ASSERT(kind != KIND_CHANNEL);
    struct sim_event ev = {at, q->next_seq++, kind, target, ref};
    heap_insert(q, &ev);
    q->n_pending++;
}

uint32_t
sim_queue_channel(struct sim_queue *q)
{
    SIM_ASSERT(q->n_channels < UINT32_MAX);
    q->channels = xgrow(q->channels, &q->channels_cap,
                        (size_t)q->n_channels + 1, sizeof *q->channels, 16);
    struct sim_channel *ch = &q->channels[q->n_channels];
    memset(ch, 0, sizeof *ch);
    ch->last_at = INT64_MIN;
    return q->n_channels++;
}

void
sim_queue_channel_grow(struct sim_channel *ch)
{
    /* Double the ring, unrolling it so that head is 0 again. */
    uint32_t cap = ch->cap ? ch->cap * 2 : 64;
    struct sim_event *ring = xmalloc(cap * sizeof *ring);
    for (uint32_t i = 0; i < ch->n; i++)
        ring[i] = ch->ring[(ch->head + i) & (ch->cap - 1)];
    free(ch->ring);
    ch->ring = ring;
    ch->cap = cap;
    ch->head = 0;
}

void
sim_queue_channel_started(struct sim_queue *q, uint32_t id)
{
    const struct sim_channel *ch = &q->channels[id];
    const struct sim_event *first = &ch->ring[ch->head];
    if (id == q->express) {
        q->express_at = (uint64_t)first->at;
        q->express_seq = first->seq;
        return;
    }
    struct sim_event head = {first->at, first->seq, KIND_CHANNEL, id, 0};
    heap_insert(q, &head);
}

void
sim_queue_set_express(struct sim_queue *q, uint32_t id)
{
    SIM_ASSERT(id < q->n_channels && q->channels[id].n == 0);
    q->express = id;
}

/* Pops the express channel's head into *out if it comes before the heap's
 * root (an empty heap's root is a pad, after everything); returns 1 if it
 * did. */
static inline int
pop_express(struct sim_queue *q, struct sim_event *out)
{
    ev_key express = ((ev_key)q->express_at << 64) | q->express_seq;
    if (!(express < key_of(&q->heap[0])))
        return 0;
    struct sim_channel *ch = &q->channels[q->express];
    *out = ch->ring[ch->head];
    ch->head = (ch->head + 1) & (ch->cap - 1);
    q->n_pending--;
    if (--ch->n > 0) {
        q->express_at = (uint64_t)ch->ring[ch->head].at;
        q->express_seq = ch->ring[ch->head].seq;
    } else {
        q->express_at = UINT64_MAX;
        q->express_seq = UINT64_MAX;
    }
    return 1;
}

int
sim_queue_pop(struct sim_queue *q, struct sim_event *out)
{
    if (pop_express(q, out))
        return 1;
    if (q->n == 0)
        return 0;
    struct sim_event top = q->heap[0];
    q->n_pending--;
    if (top.kind != KIND_CHANNEL) {
        *out = top;
        heap_remove_root(q);
        return 1;
    }
    struct sim_channel *ch = &q->channels[top.target];
    *out = ch->ring[ch->head];
    ch->head = (ch->head + 1) & (ch->cap - 1);
    if (--ch->n > 0) {
        /* Events wait in a ring for as long as their link's delay, and the
         * object tables' random accesses push them out of the CPU's cache
         * meanwhile: start loading the events after the next one (two
         * per cache line), which the next pops read. */
        if (ch->n > 1)
            __builtin_prefetch(&ch->ring[(ch->head + 2) & (ch->cap - 1)]);
        /* The channel's next event takes its place: one sift, not two. */
        const struct sim_event *next = &ch->ring[ch->head];
        struct sim_event head = {next->at, next->seq, KIND_CHANNEL, top.target,
                                 0};
        heap_replace_root(q, &head);
    } else {
        heap_remove_root(q);
    }
    return 1;
}
