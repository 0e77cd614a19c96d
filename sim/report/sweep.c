/* sweep.c: the report of a sweep (figures against the varied parameter,
 * one line per combination of the other varied values, and the best
 * points) and the table `cdnsim sweep` prints when it is done.
 *
 * The x axis is one --vary: the one the user names, else the first with a
 * numeric kind (size, duration, number) and more than one value, else the
 * first with more than one value. Every other --vary splits the points
 * into series, so a sweep of capacities x policies draws one miss-ratio
 * curve per policy.
 *
 * Every figure is a metric (sim/report/metric.c) read for every complete
 * point: the fixed ones, the defaults a report adds (the hit ratio of
 * each node a --vary changes, of each caching tier, each region's p99)
 * and the user's --metric paths. With --replications the last dimension
 * is the seed: collapse_replications folds each combination's runs into
 * one point holding means, standard deviations and 95% half-widths, and
 * everything after (table, JSON, summary rows, plots, report) reads
 * those. */

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"
#include "report/sweep_int.h"
#include "util/escape.h"
#include "util/json_escape.h"
#include "util/xalloc.h"

/* Offload to the 0.01% a reader sees: points that look equal are
 * ranked by cost instead of by noise below the last digit shown. */
static double
shown_offload(const struct sw_point *q)
{
    return round(PV(q, M_OFFLOAD) * 1e4);
}

/* Complete points, best offload first (cheaper first on a tie). */
int64_t *
sw_ranked(const struct sw_info *s)
{
    int64_t *r = xcalloc(s->n_complete + 1, sizeof *r);
    size_t k = 0;
    for (int64_t p = 0; p < s->n_points; p++) {
        if (!s->points[p].is_complete)
            continue;
        const struct sw_point *v = &s->points[p];
        size_t b = k++;
        while (b > 0) {
            const struct sw_point *u = &s->points[r[b - 1]];
            if (shown_offload(u) > shown_offload(v) ||
                (shown_offload(u) == shown_offload(v) &&
                 PV(u, M_COST) <= PV(v, M_COST)))
                break;
            r[b] = r[b - 1];
            b--;
        }
        r[b] = p;
    }
    return r;
}

/* A figure as the report's tables show it: the value, or the mean and
 * its 95% confidence half-width. */
static void
metric_cell(struct rep_doc *doc, const struct sw_info *s,
            const struct sw_point *q, size_t k)
{
    double v = PV(q, k), ci = q->ci[k];
    char a[48], b[48];
    if (!isfinite(v)) {
        rep_doc_cell(doc, "%s", "n/a");
        return;
    }
    const char *digits = k == M_COST ? "%.4f" : "%.3f";
    if (s->metrics[k].m.is_ratio)
        rep_fmt_pct(v, a, sizeof a);
    else if (k == M_PEAK || k == M_STEADY_PEAK)
        snprintf(a, sizeof a, "%.0f", v);
    else
        snprintf(a, sizeof a, digits, v);
    if (!isfinite(ci)) {
        rep_doc_cell(doc, "%s", a);
        return;
    }
    if (s->metrics[k].m.is_ratio)
        snprintf(b, sizeof b, "%.2f%%", 100 * ci);
    else if (k == M_PEAK || k == M_STEADY_PEAK)
        snprintf(b, sizeof b, "%.0f", ci);
    else
        snprintf(b, sizeof b, digits, ci);
    rep_doc_cell(doc, "%s ± %s", a, b);
}

/* The columns of the points' tables: the fixed figures, outdated
 * included, and the --metric paths. */
static int
is_doc_column(const struct sw_info *s, size_t k)
{
    return k < M_N_FIXED || s->metrics[k].in_table;
}

static void
point_row(struct rep_doc *doc, const struct sw_info *s,
          const struct sw_point *q)
{
    rep_doc_cell(doc, "%lld", (long long)q->point);
    rep_doc_cell(doc, "%s", q->params);
    for (size_t k = 0; k < s->n_metrics; k++)
        if (is_doc_column(s, k))
            metric_cell(doc, s, q, k);
    if (s->n_replications > 1)
        rep_doc_cell(doc, "%lld", (long long)q->n_runs);
    else
        rep_doc_cell(doc, "%lld", (long long)q->run_id);
}

static const char *const fixed_head[M_N_FIXED] = {"offload",
                                                  "byte offload",
                                                  "p99 (ms)",
                                                  "origin peak (req/s)",
                                                  "steady origin peak (req/s)",
                                                  "mean origin (req/s)",
                                                  "cost (USD)",
                                                  "outdated"};

/* The head of the points' tables; free with points_table_end. */
static void
points_table_begin(struct rep_doc *doc, const struct sw_info *s)
{
    size_t n = 0;
    const char **head = xcalloc(s->n_metrics + 4, sizeof *head);
    int *right = xcalloc(s->n_metrics + 4, sizeof *right);
    head[n] = "point";
    right[n++] = 1;
    head[n] = "parameters";
    right[n++] = 0;
    for (size_t k = 0; k < s->n_metrics; k++) {
        if (!is_doc_column(s, k))
            continue;
        head[n] = k < M_N_FIXED ? fixed_head[k] : s->metrics[k].m.path;
        right[n++] = 1;
    }
    head[n] = s->n_replications > 1 ? "runs" : "run";
    right[n++] = 1;
    rep_doc_table_begin(doc, n, head, right);
    free(head);
    free(right);
}

/* The extreme points of one figure, for the findings paragraph. */
static void
describe_range(struct rep_doc *doc, const struct sw_info *s, const char *what,
               double (*get)(const struct sw_point *),
               const char *fmt_pct_or_num)
{
    const struct sw_point *lo = NULL, *hi = NULL;
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        if (!q->is_complete)
            continue;
        if (lo == NULL || get(q) < get(lo))
            lo = q;
        if (hi == NULL || get(q) > get(hi))
            hi = q;
    }
    if (lo == NULL)
        return;
    char a[48], b[48];
    if (strcmp(fmt_pct_or_num, "%") == 0) {
        rep_fmt_pct(get(lo), a, sizeof a);
        rep_fmt_pct(get(hi), b, sizeof b);
    } else {
        snprintf(a, sizeof a, fmt_pct_or_num, get(lo));
        snprintf(b, sizeof b, fmt_pct_or_num, get(hi));
    }
    if (strcmp(a, b) == 0) {
        rep_doc_text(doc, "%s is %s at every point. ", what, a);
        return;
    }
    rep_doc_text(doc, "%s ranges from %s (", what, a);
    rep_doc_code(doc, lo->params);
    rep_doc_text(doc, ") to %s (", b);
    rep_doc_code(doc, hi->params);
    rep_doc_text(doc, "). ");
}

static double
get_offload(const struct sw_point *q)
{
    return PV(q, M_OFFLOAD);
}
static double
get_bytes(const struct sw_point *q)
{
    return PV(q, M_BYTE_OFFLOAD);
}
static double
get_p99(const struct sw_point *q)
{
    return PV(q, M_P99);
}
static double
get_cost(const struct sw_point *q)
{
    return PV(q, M_COST);
}
static double
get_outdated(const struct sw_point *q)
{
    return PV(q, M_OUTDATED);
}
static double
get_steady_peak(const struct sw_point *q)
{
    return PV(q, M_STEADY_PEAK);
}

static int
count_tiers(struct rep_db *d, const struct sw_info *s, struct strbuf *out)
{
    int64_t run = 0;
    for (int64_t p = 0; p < s->n_points && run == 0; p++)
        if (s->points[p].is_complete)
            run = s->points[p].run_id;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT count(*) FROM region_metrics"
                            " WHERE run_id = ?",
                            &st, 1, run);
    if (code == 0 && (code = rep_db_step(d, st, "reading regions")) == 1) {
        int64_t n = sqlite3_column_int64(st, 0);
        strbuf_printf(out, "%lld %s", (long long)n,
                      n == 1 ? "client region" : "client regions");
        code = 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code == 0)
        code = rep_db_query(d,
                            "SELECT tier, count(*) FROM node_metrics"
                            " WHERE run_id = ? GROUP BY tier ORDER BY"
                            " CASE tier WHEN 'edge' THEN 0 WHEN 'shield'"
                            " THEN 1 WHEN 'origin' THEN 2 ELSE 3 END,"
                            " min(rowid)",
                            &st, 1, run);
    while (code == 0 && (code = rep_db_step(d, st, "reading nodes")) == 1) {
        code = 0;
        int64_t n = sqlite3_column_int64(st, 1);
        strbuf_printf(out, ", %lld %s%s", (long long)n, rep_col_text(st, 0),
                      n == 1 ? "" : "s");
    }
    sqlite3_finalize(st);
    return code;
}

/* The Scenario section: files, seed, overrides and what is varied. */
static void
doc_scenario(struct rep_doc *doc, const struct sw_info *s, const char *shape)
{
    char a[32], b[32];

    rep_doc_h2(doc, "Scenario");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Sweep %lld runs topology ", (long long)s->id);
    rep_doc_bold(doc, "%s", s->topology);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, s->topology_path);
    rep_doc_text(doc, "; %s) with workload ", shape);
    rep_doc_bold(doc, "%s", s->workload);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, s->workload_path);
    rep_doc_text(doc, "), seed %lld", (long long)s->seed);
    if (s->overrides[0]) {
        rep_doc_text(doc, ", overrides ");
        rep_doc_code(doc, s->overrides);
    }
    rep_doc_text(doc, ". It varies ");
    for (size_t j = 0; j < s->n_vary; j++) {
        rep_doc_text(doc, "%s",
                     j == 0               ? ""
                     : j + 1 == s->n_vary ? " and "
                                          : ", ");
        rep_doc_code(doc, s->vary[j].path);
        rep_doc_text(doc, " over %lld %s (", (long long)s->vary[j].n_values,
                     s->vary[j].n_values == 1 ? "value" : "values");
        rep_doc_code(doc, s->vary[j].spec);
        rep_doc_text(doc, ")");
        if (s->vary[j].lead != j) {
            rep_doc_text(doc, " in step with ");
            rep_doc_code(doc, s->vary[s->vary[j].lead].path);
        }
    }
    if (s->n_replications > 1)
        rep_doc_text(doc,
                     ", each combination run %lld times with seeds derived "
                     "from seed %lld (--replications): %s combinations, %s "
                     "of them complete. Figures are the means of the runs "
                     "with 95%% confidence intervals (Student's t), drawn "
                     "as error bars.",
                     (long long)s->n_replications, (long long)s->seed,
                     rep_fmt_count(s->n_points, a, sizeof a),
                     rep_fmt_count((int64_t)s->n_complete, b, sizeof b));
    else
        rep_doc_text(doc,
                     ": %s points, %s of them complete. Every point uses "
                     "the same seed, so the points differ only in what is "
                     "varied.",
                     rep_fmt_count(s->n_points, a, sizeof a),
                     rep_fmt_count((int64_t)s->n_complete, b, sizeof b));
    rep_doc_p_end(doc);
}

/* The Findings section: the best point and the range of each figure. */
static void
doc_findings(struct rep_doc *doc, const struct sw_info *s,
             const struct sw_point *best, size_t x, const struct sw_layout *l)
{
    char a[32];

    rep_doc_h2(doc, "Findings");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "The highest offload, ");
    rep_doc_bold(doc, "%s", rep_fmt_pct(PV(best, M_OFFLOAD), a, sizeof a));
    rep_doc_text(doc, ", comes from point %lld (", (long long)best->point);
    rep_doc_code(doc, best->params);
    rep_doc_text(doc,
                 "): byte offload %s, p99 latency %.1f ms, origin peak "
                 "%.0f requests/s (%.0f in steady state), cost $%.4f. ",
                 rep_fmt_pct(PV(best, M_BYTE_OFFLOAD), a, sizeof a),
                 PV(best, M_P99), PV(best, M_PEAK), PV(best, M_STEADY_PEAK),
                 PV(best, M_COST));
    describe_range(doc, s, "Offload", get_offload, "%");
    describe_range(doc, s, "Byte offload", get_bytes, "%");
    describe_range(doc, s, "The p99 latency", get_p99, "%.1f ms");
    if (sw_is_drawn(s, M_STEADY_PEAK))
        describe_range(doc, s,
                       "The origin's steady-state peak (after the cold "
                       "start MSER-5 cuts off)",
                       get_steady_peak, "%.0f requests/s");
    describe_range(doc, s, "Egress cost", get_cost, "$%.4f");
    if (sw_has_outdated(s))
        describe_range(doc, s, "The share of outdated answers", get_outdated,
                       "%");
    rep_doc_text(doc, "The plots put ");
    rep_doc_code(doc, s->vary[x].path);
    rep_doc_text(doc, " on the x axis");
    if (l->n_series > 1)
        rep_doc_text(doc, " and draw one line for each combination of the "
                          "other varied values");
    rep_doc_text(doc, ".");
    rep_doc_p_end(doc);
}

/* The All points section, the points not run yet included. */
static void
doc_all_points(struct rep_doc *doc, const struct sw_info *s)
{
    rep_doc_h2(doc, "All points");
    points_table_begin(doc, s);
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        if (q->is_complete) {
            point_row(doc, s, q);
            continue;
        }
        rep_doc_cell(doc, "%lld", (long long)q->point);
        rep_doc_cell(doc, "%s", q->params);
        int first = 1;
        for (size_t k = 0; k < s->n_metrics; k++)
            if (is_doc_column(s, k)) {
                rep_doc_cell(doc, "%s", first ? "not run yet" : "");
                first = 0;
            }
        rep_doc_cell(doc, "%s", "");
    }
    rep_doc_table_end(doc);
}

static int
sweep_doc(struct rep_db *d, const struct rep_opts *o, const struct sw_info *s,
          size_t x, const struct sw_layout *l)
{
    struct strbuf shape = {0};
    int code = count_tiers(d, s, &shape);
    if (code != 0) {
        strbuf_fini(&shape);
        return code;
    }
    char *title = xasprintf("cdnsim sweep %lld: %s with %s", (long long)s->id,
                            s->topology, s->workload);
    struct rep_doc *doc = rep_doc_open(o->out_dir, title, d->err);
    free(title);
    if (doc == NULL) {
        strbuf_fini(&shape);
        return d->err->code;
    }
    doc_scenario(doc, s, strbuf_str(&shape));
    int64_t *rank = sw_ranked(s);
    doc_findings(doc, s, &s->points[rank[0]], x, l);

    rep_doc_h2(doc, "Best points");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Ranked by offload as shown (to 0.01%%), the cheaper "
                      "point first where that is equal.");
    rep_doc_p_end(doc);
    points_table_begin(doc, s);
    for (size_t i = 0; i < s->n_complete && i < SWEEP_BEST; i++)
        point_row(doc, s, &s->points[rank[i]]);
    rep_doc_table_end(doc);
    free(rank);

    rep_doc_h2(doc, "Plots");
    for (size_t m = 0; m < s->n_metrics; m++)
        if (sw_is_drawn(s, m))
            rep_doc_figure(doc, s->metrics[m].plot, s->metrics[m].caption);

    doc_all_points(doc, s);

    strbuf_fini(&shape);
    code = rep_doc_close(doc, d->err);
    if (code == 0 && o->log)
        fprintf(o->log, "%s/report.html\n%s/report.md\n", o->out_dir,
                o->out_dir);
    return code;
}

int
rep_sweep_report(struct rep_db *d, const struct rep_opts *o,
                 struct rep_plotter *pl, int64_t sweep_id)
{
    struct sw_info s;
    memset(&s, 0, sizeof s);
    struct sw_layout l;
    memset(&l, 0, sizeof l);
    size_t x = 0;
    struct sw_want want = {
        .paths = o->metrics, .n_paths = o->n_metrics, .defaults = 1};
    int code = sw_load(d, sweep_id, &want, &s);
    if (code == 0 && s.n_complete == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "sweep %lld has no complete points yet",
                           (long long)sweep_id);
    if (code == 0 && s.n_vary == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "sweep %lld varies nothing but the seed (cdnsim "
                           "run --replications): nothing to plot against; "
                           "its figures are in sweep_summary",
                           (long long)sweep_id);
    if (code == 0)
        code = sw_pick_x(d, &s, o->x_path, &x);
    if (code == 0) {
        sw_make_layout(&s, x, &l);
        code = sw_plots(pl, &s, x, &l);
    }
    if (code == 0)
        code = sweep_doc(d, o, &s, x, &l);
    sw_layout_fini(&l);
    sw_fini(&s);
    return code;
}
