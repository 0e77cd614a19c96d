/* main.c: cdnsim's entry point: dispatches to a subcommand. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: cdnsim COMMAND [ARGS]\n"
    "\n"
    "A discrete-event simulator of multi-tier content delivery networks.\n"
    "\n"
    "commands:\n"
    "  run TOPOLOGY WORKLOAD [options]   simulate and report (run --help)\n"
    "  validate TOPOLOGY [WORKLOAD]      check the files, run nothing\n"
    "  policies                          list the cache policies\n"
    "  replay TRACE [options]            a trace through single caches\n"
    "  sweep TOPOLOGY WORKLOAD --vary PATH=VALUES --db FILE\n"
    "                                    run every combination of values\n"
    "  report DB --out DIR               plots, HTML and Markdown reports\n"
    "  export DB --csv DIR               every table of DB as CSV\n"
    "  trace gen|stats|convert ...       make, characterise, convert traces\n"
    "\n"
    "  cdnsim --help | --version\n"
    "\n"
    "exit status: 0 ok, 1 the run failed or was interrupted, 2 usage error,\n"
    "3 bad input (configuration or trace).\n";

static int
dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("cdnsim %s\n", CDNSIM_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "policies") == 0)
        return cmd_policies(argc - 2, argv + 2);
    if (strcmp(cmd, "replay") == 0)
        return cmd_replay(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "export") == 0)
        return cmd_export(argc - 2, argv + 2);
    if (strcmp(cmd, "trace") == 0)
        return cmd_trace(argc - 2, argv + 2);
    cli_error("unknown command \"%s\"", cmd);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/*
 * Whatever a command printed is only known to have arrived once stdout is
 * flushed: a full disk or a closed file shows up here, and a command
 * whose output was lost has failed (exit 1), as with any output file.
 */
static int
check_stdout(int status)
{
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = errno;
    bad |= ferror(stdout) != 0;
    if (!bad)
        return status;
    cli_error("error writing to standard output: %s",
              e ? strerror(e) : "output lost");
    return status == EXIT_OK ? EXIT_RUN_FAILED : status;
}

int
main(int argc, char **argv)
{
    /* GSL must report, not abort; callers check its status returns. */
    gsl_set_error_handler_off();
    return check_stdout(dispatch(argc, argv));
}
