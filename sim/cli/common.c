/* common.c: error printing and exit codes shared by the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

void
cli_print_err(const struct sim_err *err)
{
    char buf[1024];
    fprintf(stderr, "cdnsim: %s\n", sim_err_format(err, buf, sizeof buf));
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cdnsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (try --help)\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

const char *
cli_opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

int
cli_exit_for(int code)
{
    switch (-code) {
    case SIM_OK:
        return EXIT_OK;
    case SIM_EUSAGE:
        return EXIT_USAGE;
    case SIM_EDB:
    case SIM_EINTR:
    case SIM_EINTERNAL:
        return EXIT_RUN_FAILED;
    default:
        return EXIT_BAD_INPUT; /* every input error, IO on inputs included */
    }
}
