/* cmd_report.c: `cdnsim report`: plots, HTML and Markdown from a results
 * database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "util/parse.h"

static const char report_usage[] =
    "usage: cdnsim report DB [--run ID[,ID...] | --sweep ID] --out DIR\n"
    "                     [options]\n"
    "\n"
    "Draws the plots of one run or one sweep of the results database DB\n"
    "with gnuplot (PNG and SVG) and writes DIR/report.html (self-contained,\n"
    "plots embedded) and DIR/report.md. Without --run or --sweep: the newest\n"
    "run.\n"
    "\n"
    "options:\n"
    "  --run ID          report run ID (runs.id)\n"
    "  --run A,B[,...]   compare runs side by side: headline metrics with\n"
    "                    the differences from run A, plots overlaid\n"
    "  --sweep ID        report sweep ID (sweeps.id): figures against the\n"
    "                    varied parameter and the best points\n"
    "  --out DIR         where to write (created if missing); the plots'\n"
    "                    data and gnuplot scripts go to DIR/data/\n"
    "  --x PATH          sweeps: the --vary path for the x axis (default:\n"
    "                    the first numeric one)\n"
    "  --metric PATH     sweeps: also draw this figure of the runs,\n"
    "                    repeatable (a path in a run's JSON, such as\n"
    "                    nodes.edge-fra.byte_hit_ratio)\n"
    "  --size WxH        plot size, pixels for PNG and points for SVG\n"
    "                    (default 960x600)\n"
    "  --templates DIR   the gnuplot templates (default: reports/ next to\n"
    "                    the executable or its parent directory)\n"
    "  --quiet           do not list the files written\n"
    "  --help            this text\n"
    "\n"
    "Needs gnuplot (Debian: gnuplot-nox); CDNSIM_GNUPLOT names another\n"
    "program. Exit status: 0 ok, 1 an output could not be written or\n"
    "gnuplot is missing or failed, 2 usage error, 3 bad input (database,\n"
    "run or sweep).\n";

/* Parses a positive id; 0 on error. */
static int64_t
parse_id(const char *s)
{
    uint64_t v;
    if (parse_u64(s, &v) != 0 || v == 0 || v > INT64_MAX)
        return 0;
    return (int64_t)v;
}

/* Most runs one report compares. */
#define REPORT_MAX_COMPARE 16

/* Parses "A,B,..." into ids (at most REPORT_MAX_COMPARE); returns how
 * many, or 0 on error. */
static size_t
parse_ids(const char *s, int64_t *ids)
{
    size_t n = 0;
    char buf[32];
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0 || len >= sizeof buf || n == REPORT_MAX_COMPARE)
            return 0;
        memcpy(buf, p, len);
        buf[len] = '\0';
        if ((ids[n++] = parse_id(buf)) == 0)
            return 0;
        if (comma == NULL)
            return n;
        p = comma + 1;
    }
}

/* Parses "WxH" with both in [64, 10000]. */
static int
parse_dims(const char *s, unsigned *w, unsigned *h)
{
    const char *x = strchr(s, 'x');
    if (x == NULL || x == s)
        return -1;
    char wbuf[16];
    size_t n = (size_t)(x - s);
    if (n >= sizeof wbuf)
        return -1;
    memcpy(wbuf, s, n);
    wbuf[n] = '\0';
    uint64_t a, b;
    if (parse_u64(wbuf, &a) != 0 || parse_u64(x + 1, &b) != 0 || a < 64 ||
        b < 64 || a > 10000 || b > 10000)
        return -1;
    *w = (unsigned)a;
    *h = (unsigned)b;
    return 0;
}

/* Output trouble is a failed command (1); the rest concerns the input. */
static int
report_exit(int code)
{
    return code == -SIM_EIO   ? EXIT_RUN_FAILED
           : code == -SIM_EDB ? EXIT_BAD_INPUT
                              : cli_exit_for(code);
}

int
cmd_report(int argc, char **argv)
{
    struct rep_opts o = {.width = REP_DEFAULT_WIDTH,
                         .height = REP_DEFAULT_HEIGHT,
                         .log = stdout};
    int64_t ids[REPORT_MAX_COMPARE];
    enum { MAX_METRICS = 64 };
    const char *metrics[MAX_METRICS];
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        int missing = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(report_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--run", &missing))) {
            size_t n = parse_ids(v, ids);
            if (n == 0)
                return cli_usage_error("--run needs a run id (1, 2, ...) "
                                       "or up to %d of them to compare "
                                       "(1,2), got \"%s\"",
                                       REPORT_MAX_COMPARE, v);
            o.run_id = ids[0];
            o.compare_ids = n > 1 ? ids : NULL;
            o.n_compare = n > 1 ? n : 0;
        } else if ((v = cli_opt_value(argc, argv, &i, "--sweep", &missing))) {
            if ((o.sweep_id = parse_id(v)) == 0)
                return cli_usage_error("--sweep needs a sweep id (1, 2, "
                                       "...), got \"%s\"",
                                       v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--out", &missing))) {
            o.out_dir = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--x", &missing))) {
            o.x_path = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--metric", &missing))) {
            if (cli_metric_arg(v) != 0)
                return EXIT_USAGE;
            if (o.n_metrics == MAX_METRICS)
                return cli_usage_error("at most %d --metric", MAX_METRICS);
            metrics[o.n_metrics++] = v;
            o.metrics = metrics;
        } else if ((v = cli_opt_value(argc, argv, &i, "--templates",
                                      &missing))) {
            o.templates = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--size", &missing))) {
            if (parse_dims(v, &o.width, &o.height) != 0)
                return cli_usage_error("--size needs WIDTHxHEIGHT, each 64 "
                                       "to 10000, such as 960x600; got "
                                       "\"%s\"",
                                       v);
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
            o.log = NULL;
        } else if (missing) {
            return cli_usage_error("%s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", arg);
        } else if (o.db_path == NULL) {
            o.db_path = arg;
        } else {
            return cli_usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (o.db_path == NULL)
        return cli_usage_error("report needs a results database (DB)");
    if (o.out_dir == NULL)
        return cli_usage_error("report needs --out DIR");
    if (o.run_id && o.sweep_id)
        return cli_usage_error("give --run or --sweep, not both");
    if (o.x_path && !o.sweep_id)
        return cli_usage_error("--x applies to sweeps (--sweep ID)");
    if (o.n_metrics && !o.sweep_id)
        return cli_usage_error("--metric applies to sweeps (--sweep ID)");
    struct sim_err err = {0};
    int code = rep_report(&o, &err);
    if (code != 0)
        cli_print_err(&err);
    return report_exit(code);
}
