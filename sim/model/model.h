/* model.h: the CDN itself: regions, routing, nodes, the life of a request,
 * coalescing and expiry, driven by the engine's event queue. */
#ifndef SIM_MODEL_MODEL_H
#define SIM_MODEL_MODEL_H

#include <signal.h>
#include <stdint.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "util/err.h"
#include "workload/workload.h"

struct cdn;

/*
 * Builds the CDN for a loaded topology and workload: one cache per caching
 * node, with its policy looked up and configured (an unknown policy or a bad
 * policy parameter is an input error naming file, line and field). Both
 * configs are borrowed and must outlive the cdn. Returns the cdn (caller
 * frees with cdn_free) or NULL with err filled.
 */
struct cdn *cdn_new(const struct cfg_topology *t, const struct cfg_workload *w,
                    struct sim_err *err);
void cdn_free(struct cdn *c);

struct cache_store;

/*
 * Creates the store a topology's cache mapping describes: looks up the
 * policy and the admission filter by name and configures them from the
 * mapping's other keys. An unknown name is an input error that lists the
 * known ones and names cc's file, line and field; an error from a start()
 * hook, which has no position (a missing required key), gets the position
 * of cc's policy and its field path under cc. Same ownership as cache_new.
 */
struct cache_store *cache_new_from_cfg(const struct cfg_cache *cc,
                                       uint64_t rng_seed, struct sim_err *err);

/* The cdn's workload source (for its error and warning counts), or NULL
 * when the cdn was built without a workload. */
const struct wl_gen *cdn_workload(const struct cdn *c);

/* Called now and then during a run (about every 2^16 events). */
typedef void cdn_progress_fn(void *ctx, uint64_t requests_done,
                             uint64_t requests_total, int64_t sim_now_ns);

struct cdn_run_opts {
    volatile sig_atomic_t *stop; /* set non-zero to end the run early */
    cdn_progress_fn *progress;   /* may be NULL */
    void *progress_ctx;
    FILE *explain;      /* narrate requests here, or NULL */
    uint64_t explain_n; /* how many measured requests to narrate */
    uint64_t top_n;     /* --top N: list the N objects loading
                           the origin most (0: none) */
};

/*
 * Runs the workload (once per cdn) to the end (every request answered) or until
 * *stop, filling out (initialised here; caller frees with met_run_fini).
 * Returns 0, -SIM_EINTR if stopped early (out then holds what was measured and
 * out->is_complete is 0), or the workload's error code when a bad trace
 * record ended the arrivals (wl_gen_error(cdn_workload(c)) has the
 * details; out holds what came before it and is_complete is 0).
 */
int cdn_run(struct cdn *c, const struct cdn_run_opts *opts,
            struct met_run *out);

#endif
