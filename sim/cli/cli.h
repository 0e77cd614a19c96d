/* cli.h: subcommands, exit codes and the printing of errors. */
#ifndef SIM_CLI_CLI_H
#define SIM_CLI_CLI_H

#include "util/err.h"

#define CDNSIM_VERSION "0.1.0"

/* Exit statuses, documented in README.md (jq's explicit enum). */
enum cli_exit {
    EXIT_OK = 0,          /* success */
    EXIT_RUN_FAILED = 1,  /* the run failed or was interrupted */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_BAD_INPUT = 3    /* bad configuration, trace or other input */
};

/* Each subcommand takes argv after its own name and returns an exit code. */
int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_trace(int argc, char **argv);

/* Prints "cdnsim: <formatted err>" to stderr. */
void cli_print_err(const struct sim_err *err);

/* Prints "cdnsim: <message>" to stderr and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Matches argv[*i] against option name in both spellings, "--opt VALUE"
 * and "--opt=VALUE". Returns the value (advancing *i past it), or NULL if
 * argv[*i] is not this option; sets *missing if it is but has no value.
 */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name,
                          int *missing);

/* Maps an error code to an exit status: input errors give EXIT_BAD_INPUT. */
int cli_exit_for(int code);

#endif
