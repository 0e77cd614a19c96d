/* run.h: the run pipeline and sweeps, the library under `cdnsim run` and
 * `cdnsim sweep`.
 *
 * One pipeline (run_point: load the files with the overrides, build the
 * CDN, run it, note the warnings) serves `cdnsim run`, every point of a
 * sweep and every MPI rank. A sweep is a plan (the --vary language,
 * parsed by a pure function) over one base run, and executors that run
 * its pending points: in this process, on a pool of forked workers, or
 * on MPI ranks. Nothing here prints: results, warnings and errors go back
 * to the caller (sim/cli/), which prints them.
 */
#ifndef SIM_RUN_RUN_H
#define SIM_RUN_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "util/err.h"
#include "util/sha256.h"

/* ---- One run ------------------------------------------------------------- */

/* The inputs of one run; every pointer is borrowed for the call. */
struct run_input {
    const char *topology_path;
    const char *workload_path;       /* NULL: the topology alone (validate) */
    const struct cfg_override *sets; /* [n_sets], applied in order */
    size_t n_sets;
};

/* Why a run made fewer requests than its workload asked for. */
enum run_ended_early {
    RUN_ENDED_IN_FULL = 0,
    RUN_ENDED_TRACE,   /* the trace ran out of records */
    RUN_ENDED_WORKLOAD /* arrivals grew too sparse for the simulated clock */
};

/* What a run noticed that its user should hear about. Plain data without
 * pointers, so that a worker process can send it whole. */
struct run_warnings {
    uint64_t n_reordered; /* trace records moved up to the time before */
    uint64_t n_made;      /* requests made, warm-up included */
    uint64_t n_requested; /* requests the workload asked for */
    int32_t ended_early;  /* enum run_ended_early */
};

/*
 * Writes warning i (counting from 0) of w into buf as a sentence without
 * "warning:" or newline. Returns 1, or 0 when w has no warning i.
 */
int run_warning_text(const struct run_warnings *w, unsigned i, char *buf,
                     size_t len);

/* A loaded, and perhaps finished, run. Fields are valid after
 * run_prepare / run_point succeed as described there. */
struct run_result {
    struct cfg_topology *t;
    struct cfg_workload *w; /* NULL without a workload */
    struct cdn *c;
    struct met_run m; /* valid when has_metrics; its names point
                         into t and w */
    int has_metrics;
    struct run_warnings warn;
    char *overrides; /* the overrides joined, m.overrides */
    char trace_sha256[SHA256_HEX_LEN + 1]; /* m.trace_sha256 when the
                                              workload replays a trace */
};

/* The SHA-256 of the trace w replays into out ("" without a trace).
 * Returns 0, or -SIM_EIO with err naming the file it cannot read. */
int run_trace_digest(const struct cfg_workload *w, char out[SHA256_HEX_LEN + 1],
                     struct sim_err *err);

/*
 * Loads the files with the overrides and builds the CDN, running
 * nothing: r->t, r->w, r->c and r->overrides are set. Returns 0 or the
 * code of the first input error (err filled). Clean up with
 * run_result_fini either way; r is initialised here.
 */
int run_prepare(const struct run_input *in, struct run_result *r,
                struct sim_err *err);

/*
 * Runs a prepared r (with a workload) with opts (may be NULL). Returns:
 *   0            a complete run: r->m, r->warn
 *   -SIM_EINTR   *opts->stop ended it: r->m holds what was measured,
 *                marked incomplete; r->warn the reordering only
 *   other        a bad trace record ended the run (its error in err;
 *                r->m holds what came before)
 * r->m.overrides is the input's overrides joined by spaces.
 */
int run_execute(struct run_result *r, const struct cdn_run_opts *opts,
                struct sim_err *err);

/* run_prepare, then run_execute: the whole pipeline of one run. Returns
 * an input error code, or what run_execute returns. */
int run_point(const struct run_input *in, const struct cdn_run_opts *opts,
              struct run_result *r, struct sim_err *err);

/*
 * `--baseline no-cdn` (baseline.c): runs r's workload again after
 * run_execute has run it (same seed, same requests) on the no-CDN
 * topology of r->t (cfg_topology_no_cdn) and keeps what it measured in
 * r->m.baseline. opts' stop and progress apply. Returns 0, -SIM_EINTR
 * (no baseline kept) or the workload's error code (err filled).
 */
int run_baseline(struct run_result *r, const struct cdn_run_opts *opts,
                 struct sim_err *err);

/* Frees what run_prepare / run_point made; r may be zeroed. */
void run_result_fini(struct run_result *r);

/* The overrides joined by spaces, for the record of a run; caller frees. */
char *run_overrides_join(const struct cfg_override *v, size_t n);

/* ---- Plans: the --vary language ------------------------------------------
 *
 * "PATH=VALUES" where VALUES is a list "a,b,c" (taken as written) or a
 * range "A..B*F" (multiplying by F > 1) or "A..B+S" (adding S > 0), up to
 * B, of sizes, durations or plain numbers. Whole numbers, sizes and
 * durations step exactly in integers; a range's values are written so
 * that --set reads back exactly the number recorded.
 */

#define RUN_VARY_MAX_VALUES 10000   /* most values one --vary may take */
#define RUN_SWEEP_MAX_POINTS 100000 /* most points in a sweep */

/* One --vary, parsed. */
struct run_vary {
    char *path;       /* owned; may hold a wildcard (see run_plan_expand) */
    char *spec;       /* the VALUES as written, owned */
    const char *kind; /* "size", "duration", "number" or "text" (static) */
    char **values;    /* [n], owned: the texts passed to --set */
    double *nums;     /* [n], owned, or NULL for text: bytes, seconds or
                         the number itself */
    size_t n;         /* > 0 after success */
    size_t cap;       /* entries allocated in values and nums */
    int is_with;      /* a --vary-with: moves in lock-step with the --vary
                         before it (same number of values) */
    int has_glob;     /* path names nodes or regions by a pattern */
    char **paths;     /* [n_paths], owned: the fields each value is set
                         on; path itself, or, with a wildcard, every
                         match once run_plan_expand has run */
    size_t n_paths;
};

/*
 * Parses one "PATH=VALUES" into v (initialised here). A pure function:
 * it reads nothing but arg. Returns 0, or -SIM_EBADVAL with err naming
 * file "--vary", field PATH and what is wrong. Free v with run_vary_fini
 * either way.
 */
int run_vary_parse(const char *arg, struct run_vary *v, struct sim_err *err);

void run_vary_fini(struct run_vary *v);

/*
 * Every --vary of a sweep. A --vary starts a dimension and each
 * --vary-with after it joins that dimension, taking its i-th value
 * whenever the --vary takes its i-th; the points are the cartesian
 * product of the dimensions.
 */
struct run_plan {
    struct run_vary *vary; /* [n_vary], owned */
    size_t n_vary;
    size_t n_dims;     /* the --vary among them */
    uint64_t n_points; /* product of the dimensions' value counts */
};

/*
 * Parses the --vary arguments args[0..n) into plan (initialised here):
 * each as run_vary_parse does; is_with (NULL: none) marks the
 * --vary-with arguments, which must follow a --vary and give as many
 * values as it does; no path twice, at most RUN_SWEEP_MAX_POINTS points.
 * A pure function. Returns 0 or -SIM_EBADVAL (-SIM_EUSAGE for a
 * --vary-with out of step) with err filled; free with run_plan_fini
 * either way.
 */
int run_plan_parse(const char *const *args, const unsigned char *is_with,
                   size_t n, struct run_plan *plan, struct sim_err *err);

/* The names a wildcard in a --vary path may stand for. */
struct run_names {
    const char *const *nodes; /* [n_nodes], in topology order */
    size_t n_nodes;
    const char *const *regions; /* [n_regions] */
    size_t n_regions;
};

/* Does some --vary of plan hold a wildcard? */
int run_plan_has_glob(const struct run_plan *plan);

/*
 * Fills each wildcard --vary's paths with the fields it stands for: a
 * path segment after "nodes" or "regions" holding *, ? or [...] matches
 * names as a shell glob does (fnmatch), in topology order. A pure
 * function. Returns 0, or -SIM_EUSAGE naming the pattern when it matches
 * no name, or -SIM_EBADVAL when two --vary set one field.
 */
int run_plan_expand(struct run_plan *plan, const struct run_names *names,
                    struct sim_err *err);

void run_plan_fini(struct run_plan *plan);

/* ---- Sweeps ------------------------------------------------------------- */

struct run_sweep {
    struct run_input base; /* files and the user's overrides */
    const char *db_path;   /* borrowed */
    struct run_plan plan;
    struct met_sweep_vary *mv; /* [plan.n_vary], as the database sees it */
    struct met_sweep ms;       /* the sweep as the database records it */
    char *user_overrides;      /* base.sets joined */
    int64_t id;                /* in the database, once begun */
    unsigned char *is_done;    /* [plan.n_points], once begun */
    struct cfg_source topology, workload; /* the files as checked, owned
                                             (empty without check) */
    char *trace_path; /* the base workload's trace, owned; NULL: none */
    char trace_sha256[SHA256_HEX_LEN + 1];
};

/*
 * Parses the --vary arguments over base (borrowed: must outlive s) into
 * s (is_with as for run_plan_parse), expanding wildcards over the base
 * configuration's names. With n_replications > 1 every combination of values
 * runs that many times: a last dimension, path "seed" and kind
 * "replication", whose values are the seeds run_replication_seed derives from
 * the base seed (then no --vary may set the seed: -SIM_EUSAGE; and no --vary
 * is needed). With check, also loads every value of every --vary once (the
 * others at their first value) to report a bad path or value before anything
 * runs, and sets s->ms.seed. Returns 0 or an input error code with err
 * filled (file "--vary" and the path for an error a --vary causes). Free
 * with run_sweep_fini either way.
 */
int run_sweep_init(struct run_sweep *s, const struct run_input *base,
                   const char *db_path, const char *const *vary_args,
                   const unsigned char *is_with, size_t n_vary_args,
                   unsigned n_replications, int check, struct sim_err *err);

/* The seed of replication i of a run whose files give base_seed:
 * base_seed itself for i = 0, else splitmix64 of base_seed and i, below
 * 2^63. Deterministic. */
uint64_t run_replication_seed(uint64_t base_seed, uint64_t i);

void run_sweep_fini(struct run_sweep *s);

/* Records the sweep in the database (or finds it): sets s->id and
 * s->is_done. Returns 0 or -SIM_EDB. */
int run_sweep_begin(struct run_sweep *s, struct sim_err *err);

/*
 * Runs point p as `cdnsim run` would and writes it to the database as
 * point p, or, with image not NULL, into a database image for another
 * process to write (*image OUT, caller frees). Sets *warn. Returns 0 with
 * *run_id (OUT, 0 for an image) set, -SIM_EINTR when stopped (nothing is
 * written: the point stays pending), or another code with err filled.
 */
int run_sweep_point(const struct run_sweep *s, uint64_t p,
                    const struct cdn_run_opts *opts, struct run_warnings *warn,
                    int64_t *run_id, void **image, size_t *image_len,
                    struct sim_err *err);

/* ---- Executors ------------------------------------------------------------
 *
 * Each runs a list of pending points of a begun sweep and tells an
 * observer what happens; stop (set by the caller's SIGINT and SIGTERM
 * handler, which forked workers inherit) ends them early, leaving the
 * unfinished points pending.
 */

struct run_observer {
    void *ctx;
    /* Point p ended: code 0 (written), -SIM_EINTR (stopped, still
     * pending) or an error, with text saying what went wrong. */
    void (*point_done)(void *ctx, uint64_t p, int code, const char *text,
                       const struct run_warnings *warn);
    /* Now and then, with the number of points running; force after a
     * change. */
    void (*tick)(void *ctx, unsigned n_running, int force);
    /* Something the user should know that is no point's result. */
    void (*notice)(void *ctx, const char *text);
    /* In-process runs only: the progress of the current point. */
    cdn_progress_fn *point_progress;
};

/* What happened to the pending points. */
struct run_tally {
    uint64_t done;
    uint64_t failed;
    int is_interrupted; /* some points were left pending */
};

/* Counts a point that ended with code: done, failed, or interrupted. */
void run_tally_add(struct run_tally *t, int code);

/* Runs the points one after another in this process. */
void run_exec_serial(const struct run_sweep *s, const uint64_t *pending,
                     size_t n, volatile sig_atomic_t *stop,
                     const struct run_observer *obs, struct run_tally *tally);

/*
 * Runs the points on n_workers forked workers, handing out one point at
 * a time. A worker stops when the parent dies, even mid-run. Returns 1 in
 * a worker once its work is done (the caller cleans up and exits with
 * status 0, printing nothing), 0 in the parent. Falls back to
 * run_exec_serial when no worker can be started.
 */
int run_exec_pool(const struct run_sweep *s, const uint64_t *pending, size_t n,
                  unsigned n_workers, volatile sig_atomic_t *stop,
                  const struct run_observer *obs, struct run_tally *tally);

/*
 * MPI (built with `make MPI=1`, started by mpirun): rank 0 checks the
 * sweep, records it, schedules the points and is the only process that
 * writes the database; each other rank runs the points it is sent and
 * sends back a database image. Without MPI support these are no-ops and
 * run_mpi_start returns 1.
 */

/* Starts MPI when an MPI launcher started this process; sets *rank and
 * returns the number of ranks (1: an ordinary process, MPI finished). */
int run_mpi_start(int *rank);

/* Ends MPI (after run_mpi_start returned more than 1). */
void run_mpi_finish(void);

/* Ends every rank at once with status (a rank that cannot go on). */
void run_mpi_abort(int status) __attribute__((noreturn));

/* Rank 0: tells the other ranks which sweep to serve (0: none, exit). */
void run_mpi_announce(int64_t sweep_id);

/* Ranks above 0: the sweep rank 0 announced, or 0 for none. */
int64_t run_mpi_listen(void);

/* Rank 0: hands the points to ranks 1..n_ranks-1 and writes their runs. */
void run_exec_mpi(const struct run_sweep *s, const uint64_t *pending, size_t n,
                  int n_ranks, volatile sig_atomic_t *stop,
                  const struct run_observer *obs, struct run_tally *tally);

/* Ranks above 0: runs the points rank 0 sends until it says stop. */
void run_mpi_serve(const struct run_sweep *s, volatile sig_atomic_t *stop);

#endif
