/* cli.h: subcommands, exit codes and the printing of errors. */
#ifndef SIM_CLI_CLI_H
#define SIM_CLI_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

#include "util/version.h" /* CDNSIM_VERSION */

/* Exit statuses, documented in README.md (jq's explicit enum). */
enum cli_exit {
    EXIT_OK = 0,         /* success */
    EXIT_RUN_FAILED = 1, /* the run failed or was interrupted */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_BAD_INPUT = 3   /* bad configuration, trace or other input */
};

/* Each subcommand takes argv after its own name and returns an exit code. */
int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_replay(int argc, char **argv);
/* `replay --mrc`: an LRU miss-ratio curve (replay_mrc.c). */
int cmd_replay_mrc(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_trace(int argc, char **argv);

/* Prints "cdnsim: <formatted err>" to stderr. Every printer of errors
 * escapes control bytes (util/escape.h): messages quote user data. */
void cli_print_err(const struct sim_err *err);

/* Set by SIGINT or SIGTERM once cli_catch_stop_signals() has run: long
 * commands poll it, stop cleanly and exit 1 (an interrupted run is never
 * marked complete). */
extern volatile sig_atomic_t cli_stop_requested;

/* Clears cli_stop_requested and routes SIGINT and SIGTERM to it. Call it
 * before creating anything a stop must clean up (a temporary file). */
void cli_catch_stop_signals(void);

/* Prints "cdnsim: <message>" and a newline to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "cdnsim: <message>" to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Matches argv[*i] against option name in both spellings, "--opt VALUE"
 * and "--opt=VALUE". Returns the value (advancing *i past it), or NULL if
 * argv[*i] is not this option; sets *missing if it is but has no value.
 */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name,
                          int *missing);

/*
 * The overrides of one command line: every --set PATH=VALUE in order, and
 * --seed N / --requests N as the overrides they stand for.
 */
struct cli_sets {
    struct cfg_override *v; /* [n], in command-line order */
    size_t n;
    char **owned; /* texts made for --seed and --requests */
    size_t n_owned;
};

/* Frees what the list made (not the argv strings it points into). */
void cli_sets_fini(struct cli_sets *s);

/* Adds one PATH=VALUE override; text is borrowed and must outlive s. */
void cli_sets_add(struct cli_sets *s, const char *text);

/* Adds one PATH=VALUE override made with malloc; s takes it over. */
void cli_sets_add_owned(struct cli_sets *s, char *text);

/*
 * Takes argv[*i] if it is --set, or (with shorthands) --seed or
 * --requests, advancing *i past its value. Returns 0 when taken, -1 when
 * argv[*i] is none of them (or lacks its value: *missing is then set), or
 * EXIT_USAGE after printing why the value is bad.
 */
int cli_sets_option(struct cli_sets *s, int argc, char **argv, int *i,
                    int shorthands, int *missing);

/* Maps an error code to an exit status: input errors give EXIT_BAD_INPUT. */
int cli_exit_for(int code);

/* Checks that a --metric path parses (which names it holds is checked
 * later, against the topology). Returns 0, or prints why not and returns
 * EXIT_USAGE. */
int cli_metric_arg(const char *path);

/*
 * Checks that every --metric path (paths[0..n)) parses and names a
 * node, tier or region of t, or a content class of w (NULL: none).
 * Returns 0 or -SIM_EUSAGE with err listing what there is.
 */
int cli_check_metric_names(const struct cfg_topology *t,
                           const struct cfg_workload *w,
                           const char *const *paths, size_t n,
                           struct sim_err *err);

/*
 * After a sweep's points (or `run --replications`): records the
 * aggregate of every complete point in the database (sweep_summary) and
 * writes the sweep's JSON to json (NULL: none; "-": stdout). Prints any
 * error; returns an exit status.
 */
int cli_write_sweep_aggregate(const char *db, int64_t sweep_id,
                              const char *const *metrics, size_t n_metrics,
                              const char *json);

#endif
