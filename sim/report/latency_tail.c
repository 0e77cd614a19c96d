/* latency_tail.c: the tail of a run's latencies in its report, and the
 * latency paths of nodes and tiers for `--metric`.
 *
 * A CDF on a linear axis squeezes the slowest 1% of requests into the
 * top pixel or two, and that tail is what a latency target (a p99) is
 * about. The complementary CDF (the share of requests slower than x) on
 * a log y axis gives each decade of the tail the same room: p90 at 10%,
 * p99 at 1%, p99.9 at 0.1%. The plot marks the run's p50, p95 and p99;
 * the section's tables give each region's and each node's percentiles
 * with p95 beside p50, p90, p99 and p99.9. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/xalloc.h"

/* node_latency's columns by the JSON's latency_ms field names. */
static const struct {
    const char *field, *column;
} latency_columns[] = {
    {"latency_ms.mean", "latency_mean_ms"},
    {"latency_ms.p50", "latency_p50_ms"},
    {"latency_ms.p90", "latency_p90_ms"},
    {"latency_ms.p95", "latency_p95_ms"},
    {"latency_ms.p99", "latency_p99_ms"},
    {"latency_ms.p999", "latency_p999_ms"},
    {"latency_ms.max", "latency_max_ms"},
};

char *
rep_metric_latency_sql(enum rep_scope scope, const char *field)
{
    if (scope != REP_SCOPE_NODE && scope != REP_SCOPE_TIER)
        return NULL;
    for (size_t i = 0; i < sizeof latency_columns / sizeof *latency_columns;
         i++)
        if (strcmp(field, latency_columns[i].field) == 0)
            return xasprintf("SELECT %s FROM node_latency WHERE run_id = ?1"
                             " AND scope = '%s' AND name = ?2",
                             latency_columns[i].column,
                             scope == REP_SCOPE_NODE ? "node" : "tier");
    return NULL;
}

/* The run's p95 (ms), or -1 where the file has none (version < 5). */
static int
run_p95(struct rep_db *d, int64_t run_id, double *p95)
{
    *p95 = -1;
    if (d->version < 5)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, "SELECT latency_p95_ms FROM runs WHERE id = ?",
                            &st, 1, run_id);
    if (code == 0 && (code = rep_db_step(d, st, "reading the run")) == 1) {
        code = 0;
        if (sqlite3_column_type(st, 0) != SQLITE_NULL)
            *p95 = sqlite3_column_double(st, 0);
    }
    sqlite3_finalize(st);
    return code;
}

/* Marks being gathered for a plot: positions, titles, line types. */
struct marks {
    char **xs, **labels, **lts;
    size_t n;
};

/* Adds run r's p50, p95 (when known) and p99 to mk; prefix (or NULL)
 * starts each title, lt (0: the default grey) is their line type. */
static void
add_marks(struct marks *mk, const struct run_info *r, double p95,
          const char *prefix, int lt)
{
    const char *names[3] = {"p50", "p95", "p99"};
    double at[3] = {r->lat_p50, p95, r->lat_p99};
    for (int i = 0; i < 3; i++) {
        if (!(at[i] > 0)) /* unknown, or 0 (a log axis has no 0) */
            continue;
        mk->xs = xrealloc(mk->xs, (mk->n + 1) * sizeof *mk->xs);
        mk->labels = xrealloc(mk->labels, (mk->n + 1) * sizeof *mk->labels);
        mk->lts = xrealloc(mk->lts, (mk->n + 1) * sizeof *mk->lts);
        mk->xs[mk->n] = xasprintf("%.9g", at[i]);
        mk->labels[mk->n] =
            xasprintf("%s%s %.1f ms", prefix ? prefix : "", names[i], at[i]);
        mk->lts[mk->n] = xasprintf("%d", lt);
        mk->n++;
    }
}

/* Hands mk's marks to p (mark_lt only when some mark has a line type)
 * and frees them. */
static void
put_marks(struct rep_plot *p, struct marks *mk, int has_lt)
{
    rep_plot_num(p, "n_marks", (double)mk->n);
    rep_plot_strs(p, "mark_ms", (const char *const *)mk->xs, mk->n);
    rep_plot_strs(p, "mark_titles", (const char *const *)mk->labels, mk->n);
    if (has_lt)
        rep_plot_strs(p, "mark_lt", (const char *const *)mk->lts, mk->n);
    for (size_t i = 0; i < mk->n; i++) {
        free(mk->xs[i]);
        free(mk->labels[i]);
        free(mk->lts[i]);
    }
    free(mk->xs);
    free(mk->labels);
    free(mk->lts);
    memset(mk, 0, sizeof *mk);
}

/* The marks of the plot: the run's p50, p95 (when known) and p99. */
static void
ccdf_marks(struct rep_plot *p, const struct run_info *r, double p95)
{
    struct marks mk = {0};
    add_marks(&mk, r, p95, NULL, 0);
    put_marks(p, &mk, 0);
}

int
rep_latency_compare_marks(struct rep_db *d, struct rep_plot *p,
                          const struct run_info *const *runs, size_t n)
{
    struct marks mk = {0};
    int code = 0;
    for (size_t i = 0; code == 0 && i < n; i++) {
        double p95;
        code = run_p95(d, runs[i]->id, &p95);
        char *prefix = xasprintf("run %lld ", (long long)runs[i]->id);
        if (code == 0)
            add_marks(&mk, runs[i], p95, prefix, (int)i + 1);
        free(prefix);
    }
    put_marks(p, &mk, 1);
    return code;
}

int
rep_latency_ccdf_plot(struct rep_db *d, struct rep_plotter *pl,
                      const struct run_info *r, int *drawn)
{
    *drawn = 0;
    double p95;
    int code = run_p95(d, r->id, &p95);
    struct rep_plot p;
    if (code == 0)
        code = rep_plot_begin(pl, &p, "latency-ccdf", "latency-ccdf.gp");
    if (code != 0)
        return code;
    const char **titles = xcalloc(r->n_regions + 1, sizeof *titles);
    size_t n = 0;
    for (size_t i = 0; code == 0 && i <= r->n_regions; i++) {
        const char *name = i < r->n_regions ? r->regions[i].name : "*";
        int has_rows = 0;
        code = rep_latency_block(d, p.data, r->id, name, REP_CURVE_CCDF,
                                 &has_rows);
        if (has_rows)
            titles[n++] = i < r->n_regions ? name : "all regions";
    }
    if (code != 0 || n == 0) { /* nothing measured: no plot */
        rep_plot_drop(&p);
        free(titles);
        return code;
    }
    rep_plot_num(&p, "n", (double)n);
    rep_plot_strs(&p, "titles", titles, n);
    free(titles);
    ccdf_marks(&p, r, p95);
    code = rep_plot_draw(pl, &p);
    *drawn = code == 0;
    return code;
}

/* One row of percentiles (columns 1..6 of st: p50 p90 p95 p99 p99.9 max);
 * a NULL p95 (a file before version 5) is "n/a". */
static void
percentile_cells(struct rep_doc *doc, sqlite3_stmt *st, int first)
{
    for (int c = first; c < first + 6; c++)
        if (sqlite3_column_type(st, c) == SQLITE_NULL)
            rep_doc_cell(doc, "n/a");
        else
            rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, c));
}

/* The regions' and the run's percentiles. */
static int
regions_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    const char *p95 = d->version >= 5 ? "latency_p95_ms" : "NULL";
    char *sql = xasprintf(
        "SELECT region, latency_p50_ms, latency_p90_ms, %s, latency_p99_ms,"
        " latency_p999_ms, latency_max_ms, rowid FROM region_metrics WHERE"
        " run_id = ?1 UNION ALL SELECT 'all', latency_p50_ms,"
        " latency_p90_ms, %s, latency_p99_ms, latency_p999_ms,"
        " latency_max_ms, 9e18 FROM runs WHERE id = ?1 ORDER BY 8",
        p95, p95);
    static const char *const head[] = {"region", "p50 (ms)", "p90", "p95",
                                       "p99",    "p99.9",    "max"};
    static const int right[] = {0, 1, 1, 1, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    free(sql);
    int has_table = code == 0;
    if (has_table)
        rep_doc_table_begin(doc, 7, head, right);
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading the regions")) == 1) {
        code = 0;
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        percentile_cells(doc, st, 1);
    }
    sqlite3_finalize(st);
    if (has_table)
        rep_doc_table_end(doc);
    return code;
}

/* Each node's and tier's time to answer (node_latency, version 5 on). */
static int
nodes_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "node_latency"))
        return 0;
    static const char sql[] =
        "SELECT CASE scope WHEN 'tier' THEN 'all ' || name ELSE name END,"
        " tier, answered, latency_p50_ms, latency_p90_ms, latency_p95_ms,"
        " latency_p99_ms, latency_p999_ms, latency_max_ms FROM node_latency"
        " WHERE run_id = ? ORDER BY scope, rowid";
    static const char *const head[] = {"node",     "tier",  "answered",
                                       "p50 (ms)", "p90",   "p95",
                                       "p99",      "p99.9", "max"};
    static const int right[] = {0, 0, 1, 1, 1, 1, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    char a[32];
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading node latencies")) == 1) {
        code = 0;
        if (n++ == 0)
            rep_doc_table_begin(doc, 9, head, right);
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        rep_doc_cell(doc, "%s", rep_col_text(st, 1));
        rep_doc_cell(doc, "%s",
                     rep_fmt_count(sqlite3_column_int64(st, 2), a, sizeof a));
        percentile_cells(doc, st, 3);
    }
    sqlite3_finalize(st);
    if (n > 0)
        rep_doc_table_end(doc);
    return code;
}

int
rep_latency_tail_section(struct rep_db *d, struct rep_doc *doc,
                         const struct run_info *r, int has_plot)
{
    rep_doc_h2(doc, "Latency tail");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Client latency by region: the percentiles (p95 "
                      "beside the others), and the share of requests "
                      "slower than a given time on a log scale, where "
                      "each step down is ten times rarer.");
    rep_doc_p_end(doc);
    int code = regions_table(d, doc, r->id);
    if (code == 0 && has_plot)
        rep_doc_figure(doc, "latency-ccdf",
                       "Share of requests slower than a given latency "
                       "(log-log), per region; the dashed lines mark the "
                       "run's p50, p95 and p99");
    if (code == 0 && rep_db_has_table(d, "node_latency")) {
        rep_doc_p_begin(doc);
        rep_doc_text(doc, "Time to answer at each node and tier, from a "
                          "request's arrival there to its response "
                          "leaving (a hit answers at once):");
        rep_doc_p_end(doc);
        code = nodes_table(d, doc, r->id);
    }
    return code;
}
