/* link.c: links shared by concurrent transfers, by egalitarian processor
 * sharing run with a virtual clock (see link.h).
 *
 * Cost: O(log n) per transfer start and end for n transfers on the link,
 * plus one event per change of the next completion (a start reschedules
 * it; the stale event is dropped when it fires).
 *
 * Precision: V is a double, reset to 0 whenever the link goes idle, so it
 * stays within a busy period's bytes per transfer; a completion is
 * scheduled at the nanosecond V reaches the tag or just after (rounded
 * up), and a tag within a few units in the last place (or a millionth
 * of a byte) of V counts as reached, so rounding never leaves a transfer
 * behind. At 10^14 bytes (a day's busy period at 10 Gbit/s with one
 * transfer at a time) that is 0.1 byte. */
#include "model/link.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
link_ps_init(struct link_ps *l, int64_t capacity_bps, struct met_run *m,
             uint32_t met_index)
{
    SIM_ASSERT(capacity_bps > 0);
    memset(l, 0, sizeof *l);
    l->bytes_per_ns = (double)capacity_bps / 8e9;
    l->pending_at = INT64_MAX;
    l->m = m;
    l->met_index = met_index;
    l->count_from = INT64_MAX;
}

void
link_ps_fini(struct link_ps *l)
{
    free(l->heap);
    l->heap = NULL;
    l->n = l->cap = 0;
}

void
link_ps_measure_from(struct link_ps *l, int64_t at)
{
    l->count_from = at;
}

static int
xfer_before(const struct link_xfer *a, const struct link_xfer *b)
{
    if (a->finish != b->finish)
        return a->finish < b->finish;
    return a->seq < b->seq;
}

static void
heap_up(struct link_xfer *h, uint32_t i)
{
    struct link_xfer x = h[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!xfer_before(&x, &h[p]))
            break;
        h[i] = h[p];
        i = p;
    }
    h[i] = x;
}

static void
heap_down(struct link_xfer *h, uint32_t n, uint32_t i)
{
    struct link_xfer x = h[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && xfer_before(&h[c + 1], &h[c]))
            c++;
        if (!xfer_before(&h[c], &x))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
}

/* Brings V and the measurements up to now: over [last_ns, now) the n
 * transfers each got capacity / n. */
static void
advance(struct link_ps *l, int64_t now)
{
    SIM_ASSERT(now >= l->last_ns);
    if (l->n > 0 && now > l->last_ns) {
        l->vtime += (double)(now - l->last_ns) * l->bytes_per_ns / l->n;
        int64_t from = l->last_ns > l->count_from ? l->last_ns : l->count_from;
        if (now > from)
            met_link_busy(l->m, l->met_index, from - l->count_from,
                          now - l->count_from);
    }
    l->last_ns = now;
}

/* The time V reaches the smallest tag, rounded up to a nanosecond. */
static int64_t
next_completion(const struct link_ps *l)
{
    double left = l->heap[0].finish - l->vtime; /* bytes per transfer */
    if (left <= 0)
        return l->last_ns;
    double ns = ceil(left * l->n / l->bytes_per_ns);
    /* Clamped like every delay of a run (CFG_TIME_MAX_NS, 3650 days). */
    double cap = 3650.0 * 86400 * 1e9;
    return l->last_ns + (int64_t)(ns < cap ? ns : cap);
}

int
link_ps_start(struct link_ps *l, int64_t now, uint64_t size, uint64_t payload,
              int is_measured)
{
    SIM_ASSERT(size > 0);
    advance(l, now);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->heap = xrealloc(l->heap, (size_t)l->cap * sizeof *l->heap);
    }
    struct link_xfer *x = &l->heap[l->n];
    x->finish = l->vtime + (double)size;
    x->seq = l->next_seq++;
    x->payload = payload;
    x->size = size;
    x->start_ns = now;
    x->is_measured = is_measured;
    heap_up(l->heap, l->n++);
    if (now >= l->count_from) {
        struct met_link *ml = &l->m->links[l->met_index];
        if (l->n > ml->peak_transfers)
            ml->peak_transfers = l->n;
        met_link_window(l->m, l->met_index, now - l->count_from)
            ->offered_bytes += size;
    }
    if (is_measured) {
        struct met_link *ml = &l->m->links[l->met_index];
        ml->transfers++;
        ml->offered_bytes += size;
        if (now >= l->count_from)
            ml->last_offer_ns = now - l->count_from;
    }
    /* One more transfer slows every other one: the next completion is
     * later (or, if this one is the smallest, possibly sooner). */
    return link_ps_reschedule(l);
}

int
link_ps_fire(struct link_ps *l, int64_t now, uint32_t gen)
{
    if (gen != l->gen || now != l->pending_at)
        return 0;
    l->pending_at = INT64_MAX;
    advance(l, now);
    return 1;
}

int
link_ps_pop(struct link_ps *l, int64_t now, uint64_t *payload)
{
    if (l->n == 0)
        return 0;
    const struct link_xfer *x = &l->heap[0];
    /* A few units in the last place of the tag: V and the tag are sums
     * of byte counts, which may have rounded on the way. */
    double tol = fabs(x->finish) * 4 * DBL_EPSILON + 1e-6;
    if (x->finish > l->vtime + tol)
        return 0;
    *payload = x->payload;
    if (x->is_measured) {
        struct met_link *ml = &l->m->links[l->met_index];
        ml->done++;
        ml->delivered_bytes += x->size;
        ml->transfer_ns_sum += (long double)(now - x->start_ns);
    }
    l->heap[0] = l->heap[--l->n];
    if (l->n > 0)
        heap_down(l->heap, l->n, 0);
    else
        l->vtime = 0; /* idle: start the next busy period afresh */
    return 1;
}

int
link_ps_reschedule(struct link_ps *l)
{
    if (l->n == 0) {
        l->pending_at = INT64_MAX;
        return 0;
    }
    int64_t at = next_completion(l);
    if (at == l->pending_at)
        return 0; /* the event already pending is still right */
    l->pending_at = at;
    l->gen++;
    return 1;
}
