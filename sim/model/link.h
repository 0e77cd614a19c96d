/* link.h: a link whose capacity concurrent transfers share (private to
 * model/).
 *
 * Egalitarian processor sharing at flow level: while n transfers are on
 * the link each one gets capacity / n. It is run exactly with a virtual
 * clock V, the bytes each active transfer has received since the link was
 * last idle, which rises at rate capacity / n(t). A transfer of s bytes
 * that starts when V = v gets the finish tag v + s and ends when V reaches
 * it; tags never change when others come or go, so a min-heap on them
 * finds the next transfer to end in O(log n). The link keeps one pending
 * completion event; any change reschedules it, and events from before a
 * change (a lower generation) are ignored when they fire.
 */
#ifndef SIM_MODEL_LINK_H
#define SIM_MODEL_LINK_H

#include <stdint.h>

#include "metrics/metrics.h"

/* One transfer on a link. */
struct link_xfer {
    double finish;    /* finish tag, in virtual bytes */
    uint64_t seq;     /* start order: breaks ties of tags */
    uint64_t payload; /* the caller's, returned when it ends */
    uint64_t size;    /* bytes */
    int64_t start_ns;
    int is_measured; /* started after the warm-up */
};

struct link_ps {
    double bytes_per_ns;    /* capacity, bits/s over 8e9 */
    double vtime;           /* V: bytes per active transfer since the
                               link was last idle */
    int64_t last_ns;        /* when V was last brought up to date */
    struct link_xfer *heap; /* min-heap on (finish, seq) */
    uint32_t n;             /* active transfers */
    uint32_t cap;
    uint64_t next_seq;
    uint32_t gen;       /* generation of the pending completion */
    int64_t pending_at; /* its time, or INT64_MAX: none pending */
    /* Measurement: from count_from on (INT64_MAX until the first
     * measured request), into m->links[met_index]. */
    struct met_run *m;
    uint32_t met_index;
    int64_t count_from;
};

/* Sets up an idle link of capacity_bps (> 0) bits/s, measured into
 * m->links[met_index] once link_ps_measure_from is called. */
void link_ps_init(struct link_ps *l, int64_t capacity_bps, struct met_run *m,
                  uint32_t met_index);
/* Frees the transfers still on the link. */
void link_ps_fini(struct link_ps *l);

/* Measurement starts at `at` (the first measured request's arrival). */
void link_ps_measure_from(struct link_ps *l, int64_t at);

/*
 * Starts a transfer of size (> 0) bytes at now, tagged is_measured when it
 * belongs to a measured request. Returns 1 when the link's next completion
 * moved: the caller then schedules an event at l->pending_at carrying
 * l->gen; else 0.
 */
int link_ps_start(struct link_ps *l, int64_t now, uint64_t size,
                  uint64_t payload, int is_measured);

/*
 * The completion event of generation gen fires at now: returns 0 if it is
 * stale (ignore it). Otherwise brings the link up to now and returns 1;
 * the caller then takes the finished transfers with link_ps_pop and, when
 * none is left, reschedules with link_ps_reschedule.
 */
int link_ps_fire(struct link_ps *l, int64_t now, uint32_t gen);

/* Takes one transfer that has finished by now into *payload (OUT) and
 * returns 1, or returns 0 when none has. */
int link_ps_pop(struct link_ps *l, int64_t now, uint64_t *payload);

/* After link_ps_pop: sets pending_at and a new gen for the next completion
 * and returns 1 when there is one to schedule, else 0 (the link is idle). */
int link_ps_reschedule(struct link_ps *l);

#endif
