/* run.c: the report of one run: five plots, and the scenario and its key
 * numbers described in words (run_text.c), in HTML and Markdown.
 *
 * Everything comes from the database rows the run wrote; nothing is
 * recomputed from the model. Tiers are the sums of their nodes, in the
 * order edge, shield, origin, then any other tier. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

void
rep_run_info_fini(struct run_info *r)
{
    free(r->topology);
    free(r->topology_path);
    free(r->workload);
    free(r->workload_path);
    free(r->overrides);
    free(r->status);
    free(r->started);
    for (size_t i = 0; i < r->n_nodes; i++) {
        free(r->nodes[i].name);
        free(r->nodes[i].tier);
    }
    free(r->nodes);
    free(r->tiers);
    for (size_t i = 0; i < r->n_regions; i++)
        free(r->regions[i].name);
    free(r->regions);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
    return xstrdup(rep_col_text(st, i));
}

static int
load_run(struct rep_db *d, int64_t id, struct run_info *r)
{
    /* A version-1 file (opened read-only, so not upgraded) has no
     * outdated column, and runs written before an upgrade hold NULL:
     * -1, not measured. */
    char sql[768];
    snprintf(sql, sizeof sql, "%s%s, %s FROM runs WHERE id = ?",
             "SELECT topology, topology_path, workload, workload_path,"
             " overrides, status, started, seed, requests, bytes, errors,"
             " origin_requests, origin_bytes, origin_peak_rps, offload,"
             " byte_offload, cost_usd, latency_mean_ms, latency_p50_ms,"
             " latency_p90_ms, latency_p99_ms, latency_p999_ms,"
             " latency_max_ms, window_s, ",
             d->version >= 2 ? "coalesce(outdated, -1)" : "-1",
             d->version >= 3 ? "coalesce(served_from_cache, -1),"
                               " coalesce(served_from_origin, -1),"
                               " coalesce(pushed_bytes, 0)"
                             : "-1, -1, 0");
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, id);
    if (code != 0)
        return code;
    code = rep_db_step(d, st, "reading the run");
    if (code == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "no run %lld in this database", (long long)id);
    if (code < 0) {
        sqlite3_finalize(st);
        return code;
    }
    r->id = id;
    r->topology = col_dup(st, 0);
    r->topology_path = col_dup(st, 1);
    r->workload = col_dup(st, 2);
    r->workload_path = col_dup(st, 3);
    r->overrides = col_dup(st, 4);
    r->status = col_dup(st, 5);
    r->started = col_dup(st, 6);
    r->seed = sqlite3_column_int64(st, 7);
    r->requests = sqlite3_column_int64(st, 8);
    r->bytes = sqlite3_column_int64(st, 9);
    r->errors = sqlite3_column_int64(st, 10);
    r->origin_requests = sqlite3_column_int64(st, 11);
    r->origin_bytes = sqlite3_column_int64(st, 12);
    r->origin_peak_rps = sqlite3_column_int64(st, 13);
    r->offload = sqlite3_column_double(st, 14);
    r->byte_offload = sqlite3_column_double(st, 15);
    r->cost_usd = sqlite3_column_double(st, 16);
    r->lat_mean = sqlite3_column_double(st, 17);
    r->lat_p50 = sqlite3_column_double(st, 18);
    r->lat_p90 = sqlite3_column_double(st, 19);
    r->lat_p99 = sqlite3_column_double(st, 20);
    r->lat_p999 = sqlite3_column_double(st, 21);
    r->lat_max = sqlite3_column_double(st, 22);
    r->window_s = sqlite3_column_double(st, 23);
    r->outdated = sqlite3_column_int64(st, 24);
    r->from_cache = sqlite3_column_int64(st, 25);
    r->from_origin = sqlite3_column_int64(st, 26);
    r->pushed_bytes = sqlite3_column_int64(st, 27);
    sqlite3_finalize(st);
    return 0;
}

/* The run's row of origin_load, if the file has the table. */
static int
load_origin_load(struct rep_db *d, struct run_info *r)
{
    r->settle_s = -1;
    if (!rep_db_has_table(d, "origin_load"))
        return 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT settle_s, steady_peak_rps,"
                            " steady_mean_rps, mean_rps FROM origin_load"
                            " WHERE run_id = ?",
                            &st, 1, r->id);
    if (code == 0 && (code = rep_db_step(d, st, "reading origin_load")) == 1) {
        r->settle_s = sqlite3_column_double(st, 0);
        r->steady_peak_rps = sqlite3_column_double(st, 1);
        r->steady_mean_rps = sqlite3_column_double(st, 2);
        r->mean_rps = sqlite3_column_double(st, 3);
        code = 0;
    }
    sqlite3_finalize(st);
    return code;
}

static struct tier_row *
tier_of(struct run_info *r, const char *tier)
{
    for (size_t i = 0; i < r->n_tiers; i++)
        if (strcmp(r->tiers[i].tier, tier) == 0)
            return &r->tiers[i];
    return NULL;
}

static int
tier_rank(const char *tier)
{
    if (strcmp(tier, "edge") == 0)
        return 0;
    if (strcmp(tier, "shield") == 0)
        return 1;
    if (strcmp(tier, "origin") == 0)
        return 2;
    return 3;
}

/* The query for a run's nodes: name, tier, every counter of
 * node_counters.def (0 for a column the file's schema version predates),
 * hit_ratio, byte_hit_ratio and cost_usd. Caller frees. */
static char *
node_query(const struct rep_db *d)
{
    struct strbuf b = {0};
    strbuf_put(&b, "SELECT node, tier");
    for (size_t i = 0; i < met_n_node_fields; i++) {
        const struct met_node_field *f = &met_node_fields[i];
        if (f->kind != MET_FIELD_COUNTER)
            continue;
        if (f->since == 1 || f->since <= d->version)
            strbuf_printf(&b, ", %s", f->name);
        else
            strbuf_put(&b, ", 0");
    }
    strbuf_put(&b, ", hit_ratio, byte_hit_ratio, cost_usd FROM node_metrics"
                   " WHERE run_id = ? ORDER BY rowid");
    return strbuf_take(&b);
}

/* Fills n from a row of node_query. */
static void
node_read(sqlite3_stmt *st, struct node_row *n)
{
    int col = 0;
    n->name = col_dup(st, col++);
    n->tier = col_dup(st, col++);
    for (size_t i = 0; i < met_n_node_fields; i++)
        if (met_node_fields[i].kind == MET_FIELD_COUNTER)
            met_counter_set(&n->c, &met_node_fields[i],
                            (uint64_t)sqlite3_column_int64(st, col++));
    n->hit_ratio = sqlite3_column_double(st, col++);
    n->byte_hit_ratio = sqlite3_column_double(st, col++);
    n->cost_usd = sqlite3_column_double(st, col++);
}

static int
load_nodes(struct rep_db *d, struct run_info *r)
{
    char *sql = node_query(d);
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, r->id);
    free(sql);
    size_t cap = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading nodes")) == 1) {
        code = 0;
        r->nodes = xgrow(r->nodes, &cap, r->n_nodes + 1, sizeof *r->nodes, 8);
        struct node_row *n = &r->nodes[r->n_nodes++];
        memset(n, 0, sizeof *n);
        node_read(st, n);
    }
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    /* Tiers in report order; a node list is short, so a linear scan per
     * node is fine. */
    r->tiers = xcalloc(r->n_nodes ? r->n_nodes : 1, sizeof *r->tiers);
    for (int rank = 0; rank <= 3; rank++) {
        for (size_t i = 0; i < r->n_nodes; i++) {
            struct node_row *n = &r->nodes[i];
            if (tier_rank(n->tier) != rank)
                continue;
            struct tier_row *t = tier_of(r, n->tier);
            if (t == NULL) {
                t = &r->tiers[r->n_tiers++];
                t->tier = n->tier;
            }
            t->n_nodes++;
            met_counters_add(&t->c, &n->c);
            t->cost_usd += n->cost_usd;
        }
    }
    return 0;
}

static int
load_outcomes(struct rep_db *d, struct run_info *r)
{
    if (!rep_db_has_table(d, "node_outcomes"))
        return 0;
    static const char sql[] =
        "SELECT n.tier, o.outcome, sum(o.count) FROM node_outcomes o"
        " JOIN node_metrics n ON n.run_id = o.run_id AND n.node = o.node"
        " WHERE o.run_id = ? GROUP BY n.tier, o.outcome";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, r->id);
    while (code == 0 && (code = rep_db_step(d, st, "reading outcomes")) == 1) {
        code = 0;
        struct tier_row *t = tier_of(r, rep_col_text(st, 0));
        const char *name = rep_col_text(st, 1);
        for (int k = 0; t && k < MET_N_OUTCOMES; k++)
            if (strcmp(name, met_outcome_name((enum met_outcome)k)) == 0)
                t->outcome[k] += sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return code;
}

static int
load_regions(struct rep_db *d, struct run_info *r)
{
    /* A version-1 file has no regional hit ratios, and runs written
     * before an upgrade hold NULL: -1, not measured, shown as such. */
    char sql[512];
    snprintf(sql, sizeof sql, "%s%s, %s%s",
             "SELECT region, requests, bytes, errors, latency_mean_ms,"
             " latency_p50_ms, latency_p90_ms, latency_p99_ms,"
             " latency_p999_ms, latency_max_ms, ",
             d->version >= 2
                 ? "coalesce(hit_ratio, -1), coalesce(byte_hit_ratio, -1)"
                 : "-1, -1",
             d->version >= 3 ? "coalesce(served_from_origin, -1)" : "-1",
             " FROM region_metrics WHERE run_id = ? ORDER BY rowid");
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, r->id);
    size_t cap = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading regions")) == 1) {
        code = 0;
        r->regions =
            xgrow(r->regions, &cap, r->n_regions + 1, sizeof *r->regions, 8);
        struct region_row *g = &r->regions[r->n_regions++];
        g->name = col_dup(st, 0);
        g->requests = sqlite3_column_int64(st, 1);
        g->bytes = sqlite3_column_int64(st, 2);
        g->errors = sqlite3_column_int64(st, 3);
        g->mean = sqlite3_column_double(st, 4);
        g->p50 = sqlite3_column_double(st, 5);
        g->p90 = sqlite3_column_double(st, 6);
        g->p99 = sqlite3_column_double(st, 7);
        g->p999 = sqlite3_column_double(st, 8);
        g->max = sqlite3_column_double(st, 9);
        g->hit_ratio = sqlite3_column_double(st, 10);
        g->byte_hit_ratio = sqlite3_column_double(st, 11);
        g->from_origin = sqlite3_column_int64(st, 12);
    }
    sqlite3_finalize(st);
    return code;
}

int
rep_run_load(struct rep_db *d, int64_t run_id, struct run_info *r)
{
    memset(r, 0, sizeof *r);
    int code = load_run(d, run_id, r);
    if (code == 0)
        code = load_origin_load(d, r);
    if (code == 0)
        code = load_nodes(d, r);
    if (code == 0)
        code = load_outcomes(d, r);
    if (code == 0)
        code = load_regions(d, r);
    return code;
}

double
rep_ratio(int64_t num, int64_t den)
{
    return den > 0 ? (double)num / (double)den : 0.0;
}

/* ---- Plots --------------------------------------------------------------- */

/* The tick labels of a bar chart, one per data row, handed to the
 * template as the array "labels" (names kept exactly; see
 * rep_dat_label). */
struct labels {
    char **v; /* [n], owned */
    size_t n;
};

/* Starts a data row with its label, which lb takes (owned). */
static void
label_row(struct labels *lb, FILE *data, char *label)
{
    rep_dat_label(data, label);
    lb->v = xrealloc(lb->v, (lb->n + 1) * sizeof *lb->v);
    lb->v[lb->n++] = label;
}

/* Passes the labels (and their count, nlabels) and draws; frees lb. */
static int
draw_with_labels(struct rep_plotter *pl, struct rep_plot *p, struct labels *lb)
{
    rep_plot_num(p, "nlabels", (double)lb->n);
    rep_plot_strs(p, "labels", (const char *const *)lb->v, lb->n);
    for (size_t i = 0; i < lb->n; i++)
        free(lb->v[i]);
    free(lb->v);
    return rep_plot_draw(pl, p);
}

static int
plot_hit_ratio(struct rep_plotter *pl, const struct run_info *r)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "hit-ratio", "hit-ratio.gp");
    if (code != 0)
        return code;
    struct labels lb = {0};
    fputs("# label\thit ratio (%)\tbyte hit ratio (%)\n", p.data);
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct node_row *x = &r->nodes[i];
        if (strcmp(x->tier, "origin") == 0)
            continue;
        label_row(&lb, p.data, xstrdup(x->name));
        fprintf(p.data, "\t%.4f\t%.4f\n", 100 * x->hit_ratio,
                100 * x->byte_hit_ratio);
    }
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        if (strcmp(t->tier, "origin") == 0)
            continue;
        label_row(&lb, p.data, xasprintf("%s (all)", t->tier));
        fprintf(p.data, "\t%.4f\t%.4f\n",
                100 * met_ratio(t->c.hits, t->c.requests),
                100 * met_ratio(t->c.bytes_hit, t->c.bytes_requested));
    }
    if (lb.n == 0) {
        label_row(&lb, p.data, xstrdup("(no caches)"));
        fputs("\t0\t0\n", p.data);
    }
    return draw_with_labels(pl, &p, &lb);
}

/* One row of a latency curve: the bucket [lo, hi] ns with cum of total
 * requests at or below it; first when it is the histogram's first. */
static void
latency_row(FILE *f, enum rep_curve curve, double lo, double hi, int64_t cum,
            int64_t total, int first)
{
    /* A log axis has no zero: the smallest x is 1 ns. */
    if (curve == REP_CURVE_CDF) {
        if (first && lo > 0)
            fprintf(f, "%.9g\t0\n", lo / 1e6);
        fprintf(f, "%.9g\t%.6f\n", (hi > 1 ? hi : 1) / 1e6,
                100.0 * (double)cum / (double)total);
        return;
    }
    if (first) /* everything is slower than the first bucket */
        fprintf(f, "%.9g\t100\n", (lo > 1 ? lo : 1) / 1e6);
    if (cum < total) /* a share of 0 has no place on a log axis */
        fprintf(f, "%.9g\t%.9g\n", (hi > 1 ? hi : 1) / 1e6,
                100.0 * (double)(total - cum) / (double)total);
}

int
rep_latency_block(struct rep_db *d, FILE *f, int64_t run_id, const char *region,
                  enum rep_curve curve, int *has_rows)
{
    static const char sql[] =
        "SELECT bucket_lo_ns, bucket_hi_ns, count FROM latency_histogram"
        " WHERE run_id = ? AND region = ? ORDER BY bucket_lo_ns";
    static const char what[] = "reading the latency histogram";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code != 0)
        return code;
    if (sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC) != SQLITE_OK) {
        code = rep_db_fail(d, what);
        sqlite3_finalize(st);
        return code;
    }
    /* Two passes over a few hundred rows: the total, then the sums. */
    int64_t total = 0;
    while ((code = rep_db_step(d, st, what)) == 1)
        total += sqlite3_column_int64(st, 2);
    *has_rows = total > 0;
    if (code == 0 && total > 0) {
        sqlite3_reset(st);
        int64_t cum = 0;
        int first = 1;
        fprintf(f, "# %s: latency (ms)\t%s (%%)\n", region,
                curve == REP_CURVE_CDF ? "requests within"
                                       : "slower than that");
        while ((code = rep_db_step(d, st, what)) == 1) {
            cum += sqlite3_column_int64(st, 2);
            latency_row(f, curve, (double)sqlite3_column_int64(st, 0),
                        (double)sqlite3_column_int64(st, 1), cum, total, first);
            first = 0;
        }
        fputs("\n\n", f);
    }
    sqlite3_finalize(st);
    return code;
}

static int
plot_latency(struct rep_db *d, struct rep_plotter *pl, const struct run_info *r)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "latency-cdf", "latency-cdf.gp");
    if (code != 0)
        return code;
    const char **titles = xcalloc(r->n_regions + 1, sizeof *titles);
    size_t n = 0;
    for (size_t i = 0; code == 0 && i <= r->n_regions; i++) {
        const char *name = i < r->n_regions ? r->regions[i].name : "*";
        int has_rows = 0;
        code =
            rep_latency_block(d, p.data, r->id, name, REP_CURVE_CDF, &has_rows);
        if (has_rows)
            titles[n++] = i < r->n_regions ? name : "all regions";
    }
    if (code == 0 && n == 0) {
        /* Nothing measured: one flat line keeps gnuplot content. */
        fputs("0.001\t0\n1\t0\n\n\n", p.data);
        titles[n++] = "no requests measured";
    }
    if (code != 0) {
        rep_plot_drop(&p);
        free(titles);
        return code;
    }
    rep_plot_num(&p, "n", (double)n);
    rep_plot_strs(&p, "titles", titles, n);
    free(titles);
    return rep_plot_draw(pl, &p);
}

static int
plot_origin(struct rep_db *d, struct rep_plotter *pl, const struct run_info *r)
{
    static const char sql[] =
        "SELECT t.window, t.t_start_s, sum(t.requests), sum(t.bytes_out)"
        " FROM timeseries t JOIN node_metrics n ON n.run_id = t.run_id"
        " AND n.node = t.node WHERE t.run_id = ? AND n.tier = 'origin'"
        " GROUP BY t.window ORDER BY t.window";
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "origin", "origin.gp");
    if (code != 0)
        return code;
    sqlite3_stmt *st = NULL;
    code = rep_db_query(d, sql, &st, 1, r->id);
    double w = r->window_s > 0 ? r->window_s : 1.0;
    int rows = 0;
    char held[128] = "";
    fputs("# time (s)\torigin requests/s\torigin egress (Mbit/s)\n", p.data);
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading the time series")) == 1) {
        code = 0;
        /* Each window is plotted at its middle. A row is held back until
         * the next arrives: the last window, usually cut short by the end
         * of the run, would look like a collapse of the load. */
        if (rows > 0)
            fputs(held, p.data);
        snprintf(held, sizeof held, "%.6f\t%.6f\t%.6f\n",
                 sqlite3_column_double(st, 1) + w / 2,
                 (double)sqlite3_column_int64(st, 2) / w,
                 (double)sqlite3_column_int64(st, 3) * 8 / w / 1e6);
        rows++;
    }
    sqlite3_finalize(st);
    if (code == 0 && rows <= 2)
        fputs(rows > 0 ? held : "0\t0\t0\n", p.data);
    if (code != 0) {
        rep_plot_drop(&p);
        return code;
    }
    rep_plot_num(&p, "window", w);
    return rep_plot_draw(pl, &p);
}

static int
plot_cost(struct rep_plotter *pl, const struct run_info *r)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "cost", "cost.gp");
    if (code != 0)
        return code;
    struct labels lb = {0};
    fputs("# label\tnode cost (USD)\ttier cost (USD)\n", p.data);
    for (size_t i = 0; i < r->n_nodes; i++) {
        label_row(&lb, p.data, xstrdup(r->nodes[i].name));
        fprintf(p.data, "\t%.6f\t0\n", r->nodes[i].cost_usd);
    }
    for (size_t i = 0; i < r->n_tiers; i++) {
        label_row(&lb, p.data, xasprintf("%s (all)", r->tiers[i].tier));
        fprintf(p.data, "\t0\t%.6f\n", r->tiers[i].cost_usd);
    }
    if (lb.n == 0) {
        label_row(&lb, p.data, xstrdup("(no nodes)"));
        fputs("\t0\t0\n", p.data);
    }
    return draw_with_labels(pl, &p, &lb);
}

static int
plot_outcomes(struct rep_plotter *pl, const struct run_info *r)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "outcomes", "outcomes.gp");
    if (code != 0)
        return code;
    /* Only the outcomes some tier has: nine mostly empty stacks would
     * crowd the legend. */
    int used[MET_N_OUTCOMES] = {0};
    const char *titles[MET_N_OUTCOMES];
    size_t n = 0;
    for (int k = 0; k < MET_N_OUTCOMES; k++) {
        for (size_t i = 0; i < r->n_tiers; i++)
            used[k] |= r->tiers[i].outcome[k] > 0;
        if (used[k])
            titles[n++] = met_outcome_name((enum met_outcome)k);
    }
    if (n == 0) {
        used[MET_OUT_HIT] = 1;
        titles[n++] = met_outcome_name(MET_OUT_HIT);
    }
    fputs("# tier", p.data);
    for (size_t k = 0; k < n; k++)
        fprintf(p.data, "\t%s (%%)", titles[k]);
    fputc('\n', p.data);
    struct labels lb = {0};
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        int64_t sum = 0;
        for (int k = 0; k < MET_N_OUTCOMES; k++)
            sum += t->outcome[k];
        label_row(&lb, p.data, xstrdup(t->tier));
        for (int k = 0; k < MET_N_OUTCOMES; k++)
            if (used[k])
                fprintf(p.data, "\t%.4f", 100 * rep_ratio(t->outcome[k], sum));
        fputc('\n', p.data);
    }
    if (lb.n == 0) {
        label_row(&lb, p.data, xstrdup("(none)"));
        fputs("\t0\n", p.data);
    }
    rep_plot_num(&p, "n", (double)n);
    rep_plot_strs(&p, "titles", titles, n);
    return draw_with_labels(pl, &p, &lb);
}

int
rep_run_report(struct rep_db *d, const struct rep_opts *o,
               struct rep_plotter *pl, int64_t run_id)
{
    struct run_info r;
    int code = rep_run_load(d, run_id, &r);
    if (code == 0)
        code = plot_hit_ratio(pl, &r);
    if (code == 0)
        code = plot_latency(d, pl, &r);
    if (code == 0)
        code = plot_origin(d, pl, &r);
    if (code == 0)
        code = plot_cost(pl, &r);
    if (code == 0)
        code = plot_outcomes(pl, &r);
    int has_links_plot = 0, has_causes_plot = 0, has_ccdf_plot = 0;
    if (code == 0)
        code = rep_latency_ccdf_plot(d, pl, &r, &has_ccdf_plot);
    if (code == 0)
        code = rep_links_plot(d, pl, r.id, r.window_s, &has_links_plot);
    if (code == 0)
        code = rep_miss_causes_plot(d, pl, &r, &has_causes_plot);
    if (code == 0) {
        char *title = xasprintf("cdnsim run %lld: %s with %s", (long long)r.id,
                                r.topology, r.workload);
        struct rep_doc *doc = rep_doc_open(o->out_dir, title, d->err);
        free(title);
        if (doc == NULL) {
            code = d->err->code;
        } else {
            rep_run_text(doc, &r);
            code = rep_latency_tail_section(d, doc, &r, has_ccdf_plot);
            if (code == 0)
                code = rep_classes_section(d, doc, r.id);
            rep_miss_causes_section(d, doc, &r, has_causes_plot);
            if (code == 0)
                code = rep_top_section(d, doc, r.id);
            if (code == 0)
                code = rep_links_section(d, doc, r.id, has_links_plot);
            if (code == 0)
                code = rep_overload_section(d, doc, r.id);
            if (code == 0)
                code = rep_origins_section(d, doc, r.id);
            if (code == 0)
                code = rep_billing_section(d, doc, r.id);
            if (code == 0)
                code = rep_alerts_section(d, doc, r.id);
            if (code == 0)
                code = rep_baseline_section(d, doc, r.id);
            if (code == 0)
                code = rep_video_section(d, doc, r.id);
            int close_code = rep_doc_close(doc, d->err);
            if (code == 0)
                code = close_code;
        }
        if (code == 0 && o->log)
            fprintf(o->log, "%s/report.html\n%s/report.md\n", o->out_dir,
                    o->out_dir);
    }
    rep_run_info_fini(&r);
    return code;
}
