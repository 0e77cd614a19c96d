/* replay.h: trace replay through single caches (`cdnsim replay`).
 *
 * libCacheSim's cachesim loop, apart from the CDN model: every request of
 * a trace goes to one cache, with no topology and no latency: lookup,
 * then a hit (cache_hit) or a miss (cache_insert, evicting as needed). A
 * cached object whose size differs from the request's is a miss and is
 * stored anew (a new version). Several caches, one per policy and
 * capacity, are fed from ONE pass over the trace: records are read in
 * batches of a few thousand and each batch goes through every cache in
 * turn, which also keeps each cache's memory warm in the CPU cache for
 * the length of a batch.
 *
 * A first pass over the trace runs only when something needs the whole
 * trace before the replay: a capacity given as a fraction of the working
 * set, or an offline policy (one that reads cache_next_access()) on a
 * format without next_access. That pass keeps one id table entry per
 * distinct object and, for the offline case, one 8-byte next-access index
 * per request (so O(requests) memory, 8 bytes each); the replay pass
 * itself uses constant memory besides the caches.
 */
#ifndef SIM_REPLAY_REPLAY_H
#define SIM_REPLAY_REPLAY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "util/kv.h"
#include "workload/workload.h" /* enum trace_format, struct trace_opts */

struct replay_capacity {
    uint64_t value;  /* bytes (objects with unit_size); used when
                        fraction is 0 */
    double fraction; /* in (0, 1): that share of the working set (distinct
                        objects with unit_size, else their bytes, each
                        object counted at its first size), rounded to the
                        nearest whole number; 0 = use value */
};

/* One --policy entry's parameters (`lhd:samples=16:interval=100000`). */
struct replay_policy_params {
    const char *label;       /* the entry as written, for the output */
    const struct cfg_kv *kv; /* its parameters, in order */
    size_t n;                /* > 0 */
};

struct replay_opts {
    const char *trace_path;
    enum trace_format format;
    const struct trace_opts *trace_opts; /* may be NULL */
    const char *const *policies;         /* registered policy names */
    size_t n_policies;                   /* > 0 */
    const struct replay_policy_params *const *policy_params; /* per
                            policy: its parameters or NULL for none; the
                            array itself may be NULL (none anywhere) */
    const struct replay_capacity *capacities;
    size_t n_capacities;   /* > 0 */
    const char *admission; /* admission filter name; NULL = "always" */
    const struct cfg_kv *admission_params; /* the filter's parameters, for
                                              every cache; may be NULL */
    size_t n_admission_params;
    int unit_size;               /* every request's size counts as 1 */
    uint64_t warmup;             /* first requests that fill the caches but are
                                    not counted */
    uint64_t seed;               /* each cache's random stream (all the same,
                                    so a cache's result does not depend on
                                    what else runs in the pass) */
    volatile sig_atomic_t *stop; /* set non-zero to end early; may be NULL */
};

/* One cache's outcome. */
struct replay_result {
    const char *policy; /* the policy's registered name (static) */
    const struct replay_policy_params *params; /* borrowed from opts;
                                                  NULL = the defaults */
    const char *admission; /* borrowed from opts, or "always" */
    uint64_t capacity;     /* bytes, or objects with unit_size */
    uint64_t requests;     /* counted requests (after the warmup) */
    uint64_t misses;       /* of the counted requests */
    uint64_t bytes;        /* bytes the counted requests asked for */
    uint64_t bytes_missed; /* of which were misses */
    uint64_t n_fed;        /* every request fed, warmup included */
    double seconds;        /* wall time spent inside this cache's lookups
                              and inserts (not reading the trace);
                              n_fed / seconds is its throughput */
};

struct replay_summary {
    struct replay_result *results; /* n_policies x n_capacities, for each
                                      policy every capacity in order */
    size_t n_results;
    uint64_t n_records;       /* records read by the replay pass */
    int did_prepass;          /* a first pass ran (see above) */
    int computed_next_access; /* ... and computed next-access indices */
    uint64_t wss_objects;     /* distinct objects; valid when did_prepass */
    uint64_t wss_bytes;       /* their bytes at first size; ditto */
    double prepass_seconds;   /* wall time of the first pass */
    double pass_seconds;      /* wall time of the replay pass, reading
                                 included */
    int is_complete;          /* 0 when stopped early */
};

/*
 * Replays the trace through every policy x capacity. Returns 0 with *out
 * filled (caller frees with replay_summary_fini), -SIM_EINTR when *stop
 * ended it early (*out then holds what was measured, is_complete 0), or
 * another negative code with err filled and *out zeroed: an unknown policy
 * or admission name (-SIM_EBADVAL, listing the known ones), a fraction
 * outside (0, 1) or one that gives a capacity of 0, a warmup that leaves
 * nothing to count, or a trace error (file and record, as trace_next).
 */
int replay_run(const struct replay_opts *o, struct replay_summary *out,
               struct sim_err *err);

void replay_summary_fini(struct replay_summary *s);

#endif
