/* report.h: what a results database says, for people: plots drawn by
 * gnuplot from the templates in reports/, an HTML and a Markdown report,
 * a sweep's table of points, and every table as CSV.
 *
 * The module only reads the database (read-only connections). It is the
 * one place that runs an outside program: gnuplot, a runtime dependency
 * that `make deps` installs. */
#ifndef SIM_REPORT_REPORT_H
#define SIM_REPORT_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

/* Default plot size, pixels for PNG and points for SVG. */
#define REP_DEFAULT_WIDTH 960
#define REP_DEFAULT_HEIGHT 600

struct rep_opts {
    const char *db_path;
    int64_t run_id;        /* > 0: report this run */
    const int64_t *compare_ids; /* [n_compare] >= 2: compare these runs
                                   side by side instead */
    size_t n_compare;
    int64_t sweep_id;      /* > 0: report this sweep; with run_id also 0,
                              the newest run */
    const char *out_dir;   /* created, parents too, if missing */
    const char *templates; /* directory of the *.gp templates, or NULL to
                              look next to the executable (see
                              rep_find_templates) */
    const char *x_path;    /* sweeps: the --vary path on the x axis, or
                              NULL to pick the first numeric one */
    unsigned width;        /* plot size; > 0 */
    unsigned height;
    FILE *log; /* each file written is named here, or NULL */
};

/*
 * Writes the report of one run, of runs side by side (o->compare_ids) or
 * of one sweep into o->out_dir: the plots as
 * PNG and SVG, their data and gnuplot scripts under data/, report.html
 * (self-contained: PNGs embedded as data URIs) and report.md (linking the
 * PNGs). Returns 0 or, with err filled:
 *   -SIM_EDB     the database cannot be read or is not a cdnsim database
 *   -SIM_ENOENT  no such run or sweep, or no templates directory
 *   -SIM_EBADVAL x_path is not one of the sweep's --vary paths
 *   -SIM_EIO     an output could not be written, or gnuplot is missing
 *                (the message names the package) or failed
 */
int rep_report(const struct rep_opts *o, struct sim_err *err);

/*
 * The templates directory to use when none is given: "reports" next to
 * the running executable, in its parent directory, or in
 * ../share/cdnsim/ relative to it, else "reports" in the current
 * directory. Writes it into buf (len bytes) and returns buf.
 */
char *rep_find_templates(char *buf, size_t len);

/*
 * Writes every table of the database to dir/<table>.csv (dir and its
 * parents created if missing): a header row of column names, then the rows in
 * rowid order, RFC 4180 quoting, CRLF line ends. Names each file written on log
 * (may be NULL). Returns 0, -SIM_EDB (unreadable database) or -SIM_EIO.
 */
int rep_export_csv(const char *db_path, const char *dir, FILE *log,
                   struct sim_err *err);

/*
 * Prints the points of sweep sweep_id as an aligned table (parameters,
 * status, offload, byte offload, p99 latency, origin peak, cost). Returns
 * 0, -SIM_EDB or -SIM_ENOENT.
 */
int rep_print_sweep(const char *db_path, int64_t sweep_id, FILE *out,
                    struct sim_err *err);

#endif
