/* report_int.h: what the files of sim/report/ share (private). */
#ifndef SIM_REPORT_REPORT_INT_H
#define SIM_REPORT_REPORT_INT_H

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics/metrics.h" /* MET_N_OUTCOMES */
#include "report/report.h"
#include "util/err.h"
#include "util/outfile.h"
#include "util/strbuf.h"

/* ---- Reading the database (query.c) ------------------------------------ */

/* A read-only connection and where its errors go. */
struct rep_db {
    sqlite3 *h;
    const char *path;    /* borrowed */
    struct sim_err *err; /* borrowed */
    int version;         /* the file's schema version (PRAGMA user_version) */
};

/*
 * Opens path read-only and checks that it is a cdnsim results database (it
 * has a runs table and a schema version this cdnsim reads). Returns 0 or
 * -SIM_EDB; rep_db_close is safe either way.
 */
int rep_db_open(struct rep_db *d, const char *path, struct sim_err *err);
void rep_db_close(struct rep_db *d);

/* Records SQLite's message for the step `what`; returns -SIM_EDB. */
int rep_db_fail(struct rep_db *d, const char *what);

/* Prepares sql and binds the int64 arguments (n_args of them, in order).
 * Sets *st (OUT) or returns -SIM_EDB. */
int rep_db_query(struct rep_db *d, const char *sql, sqlite3_stmt **st,
                 int n_args, ...);

/* Steps st: 1 for a row, 0 at the end, or -SIM_EDB naming what. */
int rep_db_step(struct rep_db *d, sqlite3_stmt *st, const char *what);

/* Does the database have table name? */
int rep_db_has_table(struct rep_db *d, const char *name);

/* Column i as text, "" for NULL (valid until the next step). */
const char *rep_col_text(sqlite3_stmt *st, int i);

/* ---- Links with a capacity (links.c) ----------------------------------- */

struct rep_doc;
struct rep_plotter;

/* Writes run run_id's "Links" section into doc when it has links with a
 * capacity: their figures, the plot "links" when has_plot, and a sentence
 * on each overloaded one. Returns 0 or -SIM_EDB. */
int rep_links_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id,
                      int has_plot);

/* Writes run run_id's "Bill by provider" section into doc when it has
 * provider_bills rows (billing.c). Returns 0 or -SIM_EDB. */
int rep_billing_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* Writes run run_id's "Origins" section into doc when it has
 * origin_nodes rows (origins.c). Returns 0 or -SIM_EDB. */
int rep_origins_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* The provider bill's metrics (metric_billing.c): fills m's scope, sql,
 * name and field_at and returns 1 when path is one, else 0. */
struct rep_metric;
int rep_metric_parse_billing(const char *path, struct rep_metric *m);

/* Writes run run_id's "Alerts" section into doc when some window
 * breached a rule of metrics.alerts (alerts.c). Returns 0 or -SIM_EDB. */
int rep_alerts_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* Writes run run_id's "Without a CDN" section into doc when it ran with
 * --baseline no-cdn (baseline.c). Returns 0 or -SIM_EDB. */
int rep_baseline_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* Writes run run_id's "Video sessions" section into doc when its
 * workload had a video: block (video.c). Returns 0 or -SIM_EDB. */
int rep_video_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* Prints a warning line to out for each link overloaded at a complete
 * point of sweep sweep_id (after `cdnsim sweep`'s table). Returns 0 or
 * -SIM_EDB. */
int rep_links_sweep_warnings(struct rep_db *d, int64_t sweep_id, FILE *out);

/* Draws "links" (links.gp): each link's utilisation over time, when run
 * run_id has links with a capacity; *drawn (OUT) says whether it did.
 * Returns 0, -SIM_EDB or -SIM_EIO. */
int rep_links_plot(struct rep_db *d, struct rep_plotter *pl, int64_t run_id,
                   double window_s, int *drawn);

/* ---- Content classes (classes.c) ---------------------------------------- */

/* Writes run run_id's "Content classes" section into doc when the run
 * has figures per class (class_metrics). Returns 0 or -SIM_EDB. */
int rep_classes_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* Writes run run_id's "Objects loading the origin most" section (its
 * run --top lists, table top_objects) into doc when it has them (top.c).
 * Returns 0 or -SIM_EDB. */
int rep_top_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* ---- Why misses happen (miss_causes.c) ---------------------------------- */

struct run_info;

/* Draws "miss-causes" (miss-causes.gp): each caching tier's fetches by
 * cause, when the file records them (schema version 7); *drawn (OUT)
 * says whether it did. Returns 0, -SIM_ENOENT or -SIM_EIO. */
int rep_miss_causes_plot(struct rep_db *d, struct rep_plotter *pl,
                         const struct run_info *r, int *drawn);

/* Writes the "Why misses happen" section (a table per node and tier, the
 * plot when has_plot) into doc, when the file records the causes. */
void rep_miss_causes_section(struct rep_db *d, struct rep_doc *doc,
                             const struct run_info *r, int has_plot);

/* ---- Numbers and text (text.c); growing strings are util/strbuf.h ------- */

/* A whole number with thousands separators: "900,000". Returns buf. */
char *rep_fmt_count(int64_t n, char *buf, size_t len);

/* A ratio as a percentage with two decimals: "66.59%". Returns buf. */
char *rep_fmt_pct(double ratio, char *buf, size_t len);

/* Bytes in the largest binary unit that keeps them readable. */
char *rep_fmt_bytes(double bytes, char *buf, size_t len);

/* Appends the RFC 4648 base64 encoding of data to b. */
void rep_base64(struct strbuf *b, const unsigned char *data, size_t n);

/* Reads a whole file into *out (OUT, caller frees; NUL-terminated after
 * *n bytes). Returns 0 or -SIM_EIO. */
int rep_read_file(const char *path, char **out, size_t *n, struct sim_err *err);

/* Makes directory path and its parents unless they exist. Returns 0 or
 * -SIM_EIO. */
int rep_mkdir(const char *path, struct sim_err *err);

/* ---- HTML and Markdown at once (doc.c) --------------------------------- */

/*
 * A report document written as report.html and report.md side by side.
 * Text is escaped for each format; paragraphs are built from plain, bold
 * and code pieces. Write errors are remembered and reported by
 * rep_doc_close.
 */
struct rep_doc;

/* Creates dir/report.html and dir/report.md with a title. Returns the
 * document (caller ends it with rep_doc_close) or NULL with err set. */
struct rep_doc *rep_doc_open(const char *dir, const char *title,
                             struct sim_err *err);
void rep_doc_h2(struct rep_doc *d, const char *text);
void rep_doc_p_begin(struct rep_doc *d);
void rep_doc_text(struct rep_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rep_doc_bold(struct rep_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rep_doc_code(struct rep_doc *d, const char *text);
void rep_doc_p_end(struct rep_doc *d);
/* A table of n_cols columns; right[i] aligns column i right (numbers). */
void rep_doc_table_begin(struct rep_doc *d, size_t n_cols,
                         const char *const *head, const int *right);
/* The next cell; a row ends after n_cols cells. */
void rep_doc_cell(struct rep_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rep_doc_table_end(struct rep_doc *d);
/* A figure: dir/<name>.png embedded in the HTML, linked from Markdown. */
void rep_doc_figure(struct rep_doc *d, const char *name, const char *caption);
/* Finishes and closes both files; frees d. Returns 0 or -SIM_EIO. */
int rep_doc_close(struct rep_doc *d, struct sim_err *err);

/* ---- Overload (overload.c) --------------------------------------------- */

/* Writes run run_id's "Overload" section into doc when some node turned
 * requests away (429, 503, 504). */
int rep_overload_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id);

/* ---- Plots (plot.c) ------------------------------------------------------ */

/* Where plots go and how they are drawn, for one report. */
struct rep_plotter {
    const char *out_dir;   /* borrowed */
    char *data_dir;        /* out_dir/data, owned */
    const char *templates; /* borrowed */
    const char *gnuplot;   /* the program to run */
    unsigned width, height;
    FILE *log;           /* may be NULL */
    struct sim_err *err; /* borrowed */
};

/* Checks that gnuplot can be run and the templates exist, and makes
 * out_dir/data. Returns 0, -SIM_EIO (gnuplot missing, naming the package
 * to install; a directory not writable) or -SIM_ENOENT (templates). */
int rep_plotter_init(struct rep_plotter *pl, const struct rep_opts *o,
                     const char *templates, struct sim_err *err);
void rep_plotter_fini(struct rep_plotter *pl);

/* One plot being prepared: its data file is open for the caller's rows. */
struct rep_plot {
    char *name;              /* output base name, owned: "hit-ratio" */
    char *template_name;     /* "hit-ratio.gp", owned */
    char *data_path;         /* data_dir/<name>.dat, owned */
    FILE *data;              /* open for writing (data_out.f) */
    struct outfile data_out; /* renamed into place by rep_plot_draw */
    struct strbuf vars;      /* gnuplot assignments for the template */
};

/* Starts plot name drawn by template tmpl (a file name in the templates
 * directory). Returns 0 or -SIM_EIO. */
int rep_plot_begin(struct rep_plotter *pl, struct rep_plot *p, const char *name,
                   const char *tmpl);
/* Template variables: a string, a number, an array of strings (a NULL
 * element is ""). Strings keep every character but control characters,
 * which become spaces. */
void rep_plot_str(struct rep_plot *p, const char *var, const char *value);
void rep_plot_num(struct rep_plot *p, const char *var, double value);
void rep_plot_strs(struct rep_plot *p, const char *var,
                   const char *const *values, size_t n);
/*
 * Writes s as a text column of a data file, double-quoted when it is
 * empty or holds a blank, '#', a double quote or a control character, so
 * that it stays one column and no row reads as a comment. gnuplot reads
 * no escape in a data file: a double quote in s becomes ' and a control
 * character a space. Templates therefore take tick labels from arrays
 * (rep_plot_strs), which hold names exactly; this column is for people
 * reading the file.
 */
void rep_dat_label(FILE *f, const char *s);
/*
 * Closes the data file, writes data/<name>.gp (which a user may run again
 * with gnuplot) and runs gnuplot on it, drawing <name>.png and <name>.svg.
 * Frees what rep_plot_begin made, on success or not. Returns 0 or -SIM_EIO.
 */
int rep_plot_draw(struct rep_plotter *pl, struct rep_plot *p);
/* Frees a plot that will not be drawn. */
void rep_plot_drop(struct rep_plot *p);

/* ---- One run, as the database holds it (run.c) -------------------------- */

struct node_row {
    char *name;
    char *tier;
    struct met_counters c; /* node_counters.def's counters (outcomes 0) */
    double hit_ratio, byte_hit_ratio, cost_usd;
};

struct tier_row {
    char *tier; /* borrowed from a node_row */
    int n_nodes;
    struct met_counters c; /* its nodes' sums (outcomes 0) */
    double cost_usd;
    int64_t outcome[MET_N_OUTCOMES];
};

struct region_row {
    char *name;
    int64_t requests, bytes, errors;
    int64_t from_origin;                   /* -1: not measured */
    double hit_ratio, byte_hit_ratio;      /* answered by a cache */
    double mean, p50, p90, p99, p999, max; /* ms */
};

struct run_info {
    int64_t id;
    char *topology, *topology_path, *workload, *workload_path;
    char *overrides, *status, *started;
    int64_t seed, requests, bytes, errors, outdated;
    int64_t from_cache, from_origin; /* -1: not measured (version < 3) */
    int64_t pushed_bytes;
    int64_t origin_requests, origin_bytes, origin_peak_rps;
    double offload, byte_offload, cost_usd;
    double lat_mean, lat_p50, lat_p90, lat_p99, lat_p999, lat_max;
    double window_s;
    /* The origin's steady state (origin_load); settle_s < 0: not
     * measured (a file from before the table). */
    double settle_s, steady_peak_rps, steady_mean_rps, mean_rps;
    struct node_row *nodes;
    size_t n_nodes;
    struct tier_row *tiers;
    size_t n_tiers;
    struct region_row *regions;
    size_t n_regions;
};

/* Reads run run_id with its nodes (and tiers), outcomes and regions into
 * r (initialised here). Returns 0, -SIM_ENOENT or -SIM_EDB; free r with
 * rep_run_info_fini either way. */
int rep_run_load(struct rep_db *d, int64_t run_id, struct run_info *r);
void rep_run_info_fini(struct run_info *r);

/* num / den, 0 when den is not positive. */
double rep_ratio(int64_t num, int64_t den);

/* Writes the report's text of run r (run_text.c): the scenario and its
 * key numbers in words and a table, the list of plots, and the node, tier
 * and region tables. */
void rep_run_text(struct rep_doc *doc, const struct run_info *r);

/* A latency curve from a run's histogram: the share of requests within
 * each latency (CDF) or slower than it (CCDF, for the tail on log axes). */
enum rep_curve { REP_CURVE_CDF, REP_CURVE_CCDF };

/* Writes the curve of run_id's histogram of region ("*": all) as an
 * index block of f: latency (ms) and the share (%) at each bucket bound;
 * a CCDF share of 0 has no place on a log axis and ends the block.
 * *has_rows 0 when nothing was measured. Returns 0 or -SIM_EDB. */
int rep_latency_block(struct rep_db *d, FILE *f, int64_t run_id,
                      const char *region, enum rep_curve curve, int *has_rows);

/* ---- The latency tail (latency_tail.c) ---------------------------------- */

/* Draws "latency-ccdf" (latency-ccdf.gp): per region and for all, the
 * share of requests slower than each latency on log-log axes, with the
 * run's p50, p95 and p99 marked; *drawn (OUT) 0 when nothing was
 * measured. Returns 0, -SIM_EDB or -SIM_EIO. */
int rep_latency_ccdf_plot(struct rep_db *d, struct rep_plotter *pl,
                          const struct run_info *r, int *drawn);

/* Marks on p each of the n runs' p50, p95 (when the file has it) and p99,
 * titled with the run's id, in the line type of its curve (the i-th run
 * is line i + 1: mark_lt). Returns 0 or -SIM_EDB. */
int rep_latency_compare_marks(struct rep_db *d, struct rep_plot *p,
                              const struct run_info *const *runs, size_t n);

/* Writes the "Latency tail" section: each region's and the run's p50,
 * p90, p95, p99, p99.9 and max, the plot when has_plot, and each node's
 * and tier's time to answer when the file has them. Returns 0 or
 * -SIM_EDB. */
int rep_latency_tail_section(struct rep_db *d, struct rep_doc *doc,
                             const struct run_info *r, int has_plot);

/* The SQL of a node's or tier's latency_ms.FIELD (node_latency), ?1 the
 * run and ?2 the name; NULL when field is not a latency or scope is
 * neither. Caller frees. */
char *rep_metric_latency_sql(enum rep_scope scope, const char *field);

/* ---- The kinds of report (run.c, sweep.c, compare.c) --------------------- */

int rep_run_report(struct rep_db *d, const struct rep_opts *o,
                   struct rep_plotter *pl, int64_t run_id);
int rep_sweep_report(struct rep_db *d, const struct rep_opts *o,
                     struct rep_plotter *pl, int64_t sweep_id);
/* Runs o->compare_ids side by side. */
int rep_compare_report(struct rep_db *d, const struct rep_opts *o,
                       struct rep_plotter *pl);

#endif
