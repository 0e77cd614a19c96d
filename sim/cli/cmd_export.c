/* cmd_export.c: `cdnsim export`: every table of a results database as
 * CSV. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"

static const char export_usage[] =
    "usage: cdnsim export DB --csv DIR [--quiet]\n"
    "\n"
    "Writes every table of the results database DB to DIR/<table>.csv\n"
    "(DIR created if missing): a header row, then the rows, quoted as RFC\n"
    "4180 says, with CRLF line ends. Lists the files written unless\n"
    "--quiet.\n"
    "\n"
    "Exit status: 0 ok, 1 a file could not be written, 2 usage error,\n"
    "3 the database cannot be read.\n";

int
cmd_export(int argc, char **argv)
{
    const char *db = NULL, *dir = NULL;
    FILE *log = stdout;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        int missing = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(export_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--csv", &missing))) {
            dir = v;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            log = NULL;
        } else if (missing) {
            return cli_usage_error("%s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", arg);
        } else if (db == NULL) {
            db = arg;
        } else {
            return cli_usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (db == NULL)
        return cli_usage_error("export needs a results database (DB)");
    if (dir == NULL)
        return cli_usage_error("export needs --csv DIR");
    struct sim_err err = {0};
    int code = rep_export_csv(db, dir, log, &err);
    if (code != 0)
        cli_print_err(&err);
    return code == -SIM_EIO   ? EXIT_RUN_FAILED
           : code == -SIM_EDB ? EXIT_BAD_INPUT
                              : cli_exit_for(code);
}
