/* suites.h: every Check suite, one line each (expanded by check_main.c). */
#ifndef CDNSIM_TESTS_SUITES_H
#define CDNSIM_TESTS_SUITES_H

#include <check.h>

#define CDNSIM_SUITES(X)                                                       \
    X(parse)                                                                   \
    X(util)                                                                    \
    X(engine)                                                                  \
    X(config)                                                                  \
    X(cache)                                                                   \
    X(policies)                                                                \
    X(workload)                                                                \
    X(metrics)                                                                 \
    X(model)                                                                   \
    X(misses)                                                                  \
    X(classes)                                                                 \
    X(top)                                                                     \
    X(link)                                                                    \
    X(overload)                                                                \
    X(hop)                                                                     \
    X(replay)                                                                  \
    X(mrc)                                                                     \
    X(trace)                                                                   \
    X(cli)                                                                     \
    X(lessons)                                                                 \
    X(report)                                                                  \
    X(hardening)                                                               \
    X(sweep)                                                                   \
    X(replicate)                                                               \
    X(fault)                                                                   \
    X(purge_order)                                                             \
    X(cache_key)                                                               \
    X(billing)                                                                 \
    X(defaults)                                                                \
    X(tail)                                                                    \
    X(research)                                                                \
    X(baseline)                                                                \
    X(alerts)                                                                  \
    X(metric_paths)                                                            \
    X(steering)                                                                \
    X(placement)                                                               \
    X(compute)                                                                 \
    X(origin_routes)                                                           \
    X(pop)                                                                     \
    X(video)

#define X(name) Suite *name##_suite(void);
CDNSIM_SUITES(X)
#undef X

/* Shared helpers (testutil.c). */

/* Path of the cdnsim binary for exec tests ($CDNSIM_BIN, else ./cdnsim). */
const char *test_bin(void);

/* Is the slow tier enabled ($CDNSIM_SLOW)? Slow cases are skipped otherwise. */
int test_slow_enabled(void);

/* Runs under sanitizers ($CDNSIM_SANITIZE): heavy cases scale down. */
int test_sanitized(void);

/*
 * Runs argv (argv[0] resolved by PATH rules; use test_bin()) with stdout and
 * stderr captured into malloc'd strings (caller frees; either may be NULL
 * to discard). Returns the exit status, or 128+signal.
 */
int test_run(const char *const argv[], char **out, char **errout);

/* A writable copy of s that lives as long as the process, for the char *
 * fields of configuration records (struct cfg_kv, struct cfg_cache) that
 * tests fill in from literals. */
char *test_str(const char *s);

/*
 * Runs the cdnsim binary (test_bin()) with the arguments, NULL-terminated
 * (at most 30), as test_run does: returns the exit status.
 */
int test_cdnsim(char **out, char **err, const char *a1, ...);
int test_cdnsim_argv(char **out, char **err, const char *const *args);

/* Runs cdnsim with the arguments (NULL-terminated, at most 21) plus
 * "--json -", asserts that it exits 0 and returns the JSON (caller
 * frees). */
char *test_cdnsim_json(const char *a1, ...);

/* Zipf(alpha) probabilities p_i of ranks i = 1..n, for the theory checks
 * (caller frees). */
double *test_zipf_pmf(size_t n, double alpha);

/* A new empty directory under $TMPDIR (mkdtemp); caller removes it. */
char *test_tmpdir(void);

/* Removes a directory tree made by test_tmpdir(). */
void test_rmtree(const char *dir);

/* Writes text to dir/name; returns the path (caller frees) or NULL. */
char *test_write_file(const char *dir, const char *name, const char *text);

struct cfg_topology;
struct cfg_workload;
struct met_run;
struct met_node;

/* Loads topo and wl with the overrides sets (at most 16), builds the
 * model and runs it into m; fails the test on any error, naming it. The
 * caller frees *t, *w and m. */
void test_run_model(const char *topo, const char *wl, const char *const *sets,
                    size_t n_sets, struct cfg_topology **t,
                    struct cfg_workload **w, struct met_run *m);

/* Frees what test_run_model made. */
void test_free_run(struct cfg_topology *t, struct cfg_workload *w,
                   struct met_run *m);

/* The node of run m named name; fails the test when there is none. */
const struct met_node *test_node_named(const struct met_run *m,
                                       const char *name);

/* The whole file at path (caller frees); fails the test if it cannot
 * be opened. */
char *test_read_file(const char *path);

/* Fails the test unless README.md holds phrase, any run of white space in
 * either counting as one space (so a figure may wrap across lines). */
void test_assert_readme_says(const char *phrase);
/* The same for the document at path (docs/tutorial.md, ...). */
void test_assert_doc_says(const char *path, const char *phrase);

/* SQL that removes what schema version 3 added: turns a
 * database written today into one of version 2 (the upgrade tests). */
#define DROP_VERSION_3                                                         \
    "ALTER TABLE runs DROP COLUMN served_from_cache;"                          \
    "ALTER TABLE runs DROP COLUMN served_from_origin;"                         \
    "ALTER TABLE runs DROP COLUMN bytes_from_cache;"                           \
    "ALTER TABLE runs DROP COLUMN bytes_from_origin;"                          \
    "ALTER TABLE runs DROP COLUMN bytes_failed;"                               \
    "ALTER TABLE runs DROP COLUMN pushed_bytes;"                               \
    "ALTER TABLE region_metrics DROP COLUMN served_from_origin;"               \
    "ALTER TABLE region_metrics DROP COLUMN bytes_from_origin;"                \
    "ALTER TABLE region_metrics DROP COLUMN bytes_failed;" DROP_VERSION_4

/* SQL that turns a new file into one of schema version 3 (provenance and
 * linked --vary columns dropped; the sweep tables, empty in these tests,
 * made again, since SQLite's DROP COLUMN trips over their comments). */
#define DROP_VERSION_4                                                         \
    "ALTER TABLE runs DROP COLUMN topology_sha256;"                            \
    "ALTER TABLE runs DROP COLUMN topology_text;"                              \
    "ALTER TABLE runs DROP COLUMN workload_sha256;"                            \
    "ALTER TABLE runs DROP COLUMN workload_text;"                              \
    "ALTER TABLE runs DROP COLUMN cdnsim_version;" DROP_SINCE_5                \
    "DROP TABLE sweeps; DROP TABLE sweep_vary;"                                \
    "CREATE TABLE sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT,"               \
    " topology_path TEXT NOT NULL, workload_path TEXT NOT NULL,"               \
    " seed INTEGER NOT NULL, vary TEXT NOT NULL, overrides TEXT NOT NULL,"     \
    " points INTEGER NOT NULL, created TEXT NOT NULL);"                        \
    "CREATE TABLE sweep_vary (sweep_id INTEGER NOT NULL REFERENCES"            \
    " sweeps(id), position INTEGER NOT NULL, path TEXT NOT NULL,"              \
    " spec TEXT NOT NULL, kind TEXT NOT NULL, n_values INTEGER NOT NULL,"      \
    " PRIMARY KEY (sweep_id, position));"

/* Everything versions 5 and later added: a file written today becomes
 * one of version 4. */
#define DROP_SINCE_5                                                           \
    DROP_VERSION_5 DROP_VERSION_6 DROP_VERSION_7 DROP_VERSION_10               \
        DROP_VERSION_14 DROP_VERSION_15 DROP_VERSION_16 DROP_VERSION_17        \
            DROP_VERSION_18 DROP_VERSION_19 DROP_VERSION_20

/* SQL that removes what schema version 18 added (edge compute). */
#define DROP_VERSION_18                                                        \
    "ALTER TABLE node_metrics DROP COLUMN compute_cpu_ns;"                     \
    "ALTER TABLE node_metrics DROP COLUMN compressions;"                       \
    "ALTER TABLE node_metrics DROP COLUMN transforms;"                         \
    "ALTER TABLE node_metrics DROP COLUMN compress_saved;"                     \
    "ALTER TABLE node_metrics DROP COLUMN function_runs;"

/* SQL that removes what schema version 6 added (overload counters). */
#define DROP_VERSION_6                                                         \
    "ALTER TABLE node_metrics DROP COLUMN rate_limited;"                       \
    "ALTER TABLE node_metrics DROP COLUMN refused;"                            \
    "ALTER TABLE node_metrics DROP COLUMN timed_out;"                          \
    "DROP TABLE overload_metrics; DROP TABLE overload_timeseries;"

/* SQL that removes what schema version 7 added (the miss causes). */
#define DROP_VERSION_7                                                         \
    "ALTER TABLE node_metrics DROP COLUMN misses_cold;"                        \
    "ALTER TABLE node_metrics DROP COLUMN misses_capacity;"                    \
    "ALTER TABLE node_metrics DROP COLUMN misses_expiry;"

/* SQL that removes what schema version 10 added (staged purges, keys). */
#define DROP_VERSION_10                                                        \
    "ALTER TABLE node_metrics DROP COLUMN refilled_stale;"                     \
    "ALTER TABLE node_metrics DROP COLUMN fragment_misses;"                    \
    "ALTER TABLE node_metrics DROP COLUMN cached_keys;"                        \
    "ALTER TABLE node_metrics DROP COLUMN cached_objects;"                     \
    "ALTER TABLE node_metrics DROP COLUMN keys_per_object;"

/* SQL that removes what schema version 15 added (placement counters). */
#define DROP_VERSION_15                                                        \
    "ALTER TABLE node_metrics DROP COLUMN placement_skipped;"                  \
    "ALTER TABLE node_metrics DROP COLUMN moved_down;"

/* SQL that removes what schema version 20 added (origin_routes). */
#define DROP_VERSION_20 "DROP TABLE origin_nodes;"

/* SQL that removes what schema version 16 added (keep-alive pool waits,
 * upstream timeouts). */
#define DROP_VERSION_16                                                        \
    "ALTER TABLE node_metrics DROP COLUMN pool_waits;"                         \
    "ALTER TABLE node_metrics DROP COLUMN pool_wait_ns;"                       \
    "ALTER TABLE node_metrics DROP COLUMN pool_wait_mean_ns;"                  \
    "ALTER TABLE node_metrics DROP COLUMN timed_out_upstream;"

/* SQL that removes what schema version 17 added (cache_servers). */
#define DROP_VERSION_17                                                        \
    "ALTER TABLE node_metrics DROP COLUMN ram_hits;"                           \
    "ALTER TABLE node_metrics DROP COLUMN ssd_hits;"                           \
    "ALTER TABLE node_metrics DROP COLUMN promoted;"                           \
    "ALTER TABLE node_metrics DROP COLUMN rehashed;"                           \
    "ALTER TABLE node_metrics DROP COLUMN rehashed_cold;"                      \
    "ALTER TABLE node_metrics DROP COLUMN server_failures;"                    \
    "DROP TABLE cache_servers;"

/* SQL that removes what schema version 19 added (video sessions). */
#define DROP_VERSION_19 "DROP TABLE video_metrics;"

/* SQL that removes what schema version 14 added (brownouts, dns_ttl). */
#define DROP_VERSION_14                                                        \
    "ALTER TABLE node_metrics DROP COLUMN brownout_errors;"                    \
    "ALTER TABLE node_metrics DROP COLUMN brownout_slowed;"                    \
    "ALTER TABLE node_metrics DROP COLUMN dns_stale_failed;"

/* SQL that removes what schema version 5 added (p95 latencies, the
 * node_latency table): turns a database written today into one of
 * version 4. */
#define DROP_VERSION_5                                                         \
    "ALTER TABLE runs DROP COLUMN latency_p95_ms;"                             \
    "ALTER TABLE region_metrics DROP COLUMN latency_p95_ms;"                   \
    "DROP TABLE node_latency;"

#endif
