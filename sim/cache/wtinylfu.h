/* wtinylfu.h: private to sim/cache: W-TinyLFU's state and hooks
 * (policy_wtinylfu.c), shared with its adaptive variant
 * (policy_wtinylfu_adaptive.c), which runs the same cache and moves the
 * boundary between window and main. */
#ifndef SIM_CACHE_WTINYLFU_H
#define SIM_CACHE_WTINYLFU_H

#include "cache/list.h"

enum wt_seg { WT_WINDOW, WT_PROBATION, WT_PROTECTED };

struct wt_obj {
    struct clist_link link;
    uint8_t seg; /* enum wt_seg */
};

struct wtinylfu_state {
    double window_ratio;    /* of the capacity (parameter "window") */
    uint64_t window_max;    /* bytes */
    uint64_t main_max;      /* bytes: capacity - window_max */
    uint64_t protected_max; /* bytes: 80% of main_max */
    struct clist window, probation, protected_; /* head = most recent */
    uint64_t incoming; /* size of the miss being made room for */
    /* The sketch. */
    uint64_t n_design;   /* objects it is sized for */
    uint64_t *counters;  /* WT_ROWS rows of width 4-bit counters */
    uint64_t width;      /* counters per row, a power of two */
    uint64_t *door;      /* doorkeeper bits */
    uint64_t door_bits;  /* a power of two */
    uint64_t samples;    /* since the last aging, halved by it */
    uint64_t sample_max; /* W */
};

/* The hooks of policy_wtinylfu_ops. p->state starts with a struct
 * wtinylfu_state, and each object's state is a struct wt_obj. */
int wtinylfu_start(struct policy *p, struct sim_err *err);
void wtinylfu_stop(struct policy *p);
int wtinylfu_admit(struct policy *p, uint64_t key, uint64_t size);
void wtinylfu_on_insert(struct policy *p, struct cache_obj *o);
void wtinylfu_on_hit(struct policy *p, struct cache_obj *o);
void wtinylfu_on_remove(struct policy *p, struct cache_obj *o);
struct cache_obj *wtinylfu_victim(struct policy *p);

/*
 * Gives the window window_max bytes (at most the capacity) and main the
 * rest, 80% of it protected. Nothing is evicted: a larger window takes
 * main's least valuable objects (probation's LRU end, then protected's)
 * as its most recent ones, a smaller one hands its LRU objects to
 * probation while they fit, and protected's overflow goes to probation.
 */
void wtinylfu_set_window(struct policy *p, uint64_t window_max);

#endif
