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

#include "metrics/metrics.h"
#include "util/err.h"

/* Default plot size, pixels for PNG and points for SVG. */
#define REP_DEFAULT_WIDTH 960
#define REP_DEFAULT_HEIGHT 600

struct rep_opts {
    const char *db_path;
    int64_t run_id;             /* > 0: report this run */
    const int64_t *compare_ids; /* [n_compare] >= 2: compare these runs
                                   side by side instead */
    size_t n_compare;
    int64_t sweep_id;           /* > 0: report this sweep; with run_id also 0,
                                   the newest run */
    const char *out_dir;        /* created, parents too, if missing */
    const char *templates;      /* directory of the *.gp templates, or NULL to
                                   look next to the executable (see
                                   rep_find_templates) */
    const char *x_path;         /* sweeps: the --vary path on the x axis, or
                                   NULL to pick the first numeric one */
    const char *const *metrics; /* sweeps: --metric paths to draw too,
                                   [n_metrics] */
    size_t n_metrics;
    unsigned width; /* plot size; > 0 */
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
 * status, offload, byte offload, p99 latency, origin peak, steady-state
 * origin peak, mean origin rate, cost, then the metrics paths[0..n), a
 * column each). A sweep with replications shows one row per combination
 * of the other values, each figure as "mean±half-width" of its 95%
 * confidence interval. Returns 0, -SIM_EDB, -SIM_ENOENT or -SIM_EUSAGE
 * (a metric that does not parse, or names no node, tier or region of
 * the sweep's runs).
 */
int rep_print_sweep(const char *db_path, int64_t sweep_id,
                    const char *const *metrics, size_t n_metrics, FILE *out,
                    struct sim_err *err);

/*
 * Writes sweep sweep_id as JSON: its files, seed, overrides, --vary
 * dimensions and replications, the metric paths (the table's, the
 * report's defaults and metrics[0..n)), and for each point (each
 * combination, with replications) its parameters, run ids and, per
 * metric, mean, ci95 (the 95% half-width, null for one run), stddev and
 * each run's value. Returns as rep_print_sweep, or -SIM_EIO.
 */
int rep_sweep_json(const char *db_path, int64_t sweep_id,
                   const char *const *metrics, size_t n_metrics, FILE *out,
                   struct sim_err *err);

/*
 * The aggregate of every complete point of sweep sweep_id for the
 * metrics rep_sweep_json writes, as rows for met_sweep_write_summary.
 * Sets *rows (OUT; free with met_summary_rows_free) and *n_rows. Returns
 * as rep_print_sweep.
 */
int rep_sweep_summary(const char *db_path, int64_t sweep_id,
                      const char *const *metrics, size_t n_metrics,
                      struct met_summary_row **rows, size_t *n_rows,
                      struct sim_err *err);

/* ---- Metrics: any figure of a run by its JSON path ------------------------
 */

enum rep_scope {
    REP_SCOPE_RUN,      /* the run as a whole: "offload", "origin.peak_rps" */
    REP_SCOPE_NODE,     /* "nodes.NAME.FIELD" */
    REP_SCOPE_TIER,     /* "tiers.NAME.FIELD" */
    REP_SCOPE_REGION,   /* "regions.NAME.FIELD" */
    REP_SCOPE_CLASS,    /* "classes.NAME.FIELD": a content class */
    REP_SCOPE_PROVIDER, /* "billing.providers.NAME.FIELD" or
                           "providers.NAME.FIELD": a provider's bill */
};

/* One metric: a path of the run's JSON and how to read it back. */
struct rep_metric {
    char *path; /* as given, owned */
    char *sql;  /* SELECT of its value for run ?1 and name ?2, owned;
                   no row or NULL: not measured (no such name) */
    char *name; /* the node, tier or region, owned; NULL for a run's */
    enum rep_scope scope;
    int is_ratio;    /* a share from 0 to 1 (shown in percent) */
    size_t field_at; /* scoped: where FIELD starts in path */
};

/*
 * Parses path into m (initialised here): a number of the run's JSON
 * (README.md, Outputs), such as "offload", "latency_ms.p99",
 * "origin.steady_peak_rps", "tiers.edge.hit_ratio",
 * "nodes.edge-fra.outcomes.MISS" or "regions.eu.latency_ms.p99". A pure
 * function: names are checked by rep_metric_check_name. Returns 0, or
 * -SIM_EUSAGE with err (file "--metric") giving valid examples. Free m
 * with rep_metric_fini either way.
 */
int rep_metric_parse(const char *path, struct rep_metric *m,
                     struct sim_err *err);

void rep_metric_fini(struct rep_metric *m);

/* Checks that m's name (a node's, tier's or region's, as its scope says)
 * is one of names[0..n). Returns 0, or -SIM_EUSAGE with err listing the
 * names. */
int rep_metric_check_name(const struct rep_metric *m, const char *const *names,
                          size_t n_names, struct sim_err *err);

/* One point of a miss-ratio curve (`cdnsim replay --mrc --plot DIR`). */
struct rep_mrc_point {
    double size; /* cache size: bytes, or objects */
    double miss_ratio;
    double byte_miss_ratio;
};

/*
 * Draws "mrc" (mrc.gp) into out_dir: miss ratio and byte miss ratio
 * against the cache size on a log axis, with title above it; the data
 * and script go to out_dir/data. templates NULL = rep_find_templates.
 * Names each file written on log (may be NULL). Returns 0, -SIM_ENOENT
 * (no templates) or -SIM_EIO (gnuplot missing or failed, a file not
 * written).
 */
int rep_mrc_plot(const char *out_dir, const char *templates, const char *title,
                 int is_objects, const struct rep_mrc_point *pts, size_t n,
                 FILE *log, struct sim_err *err);

#endif
