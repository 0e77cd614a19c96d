/* compare.c: runs side by side (`cdnsim report DB --run A,B`): a table of
 * headline metrics with one column per run and the difference of each
 * later run from the first, and the plots that overlay well (latency CDF,
 * origin load over time, hit ratio per node and tier).
 *
 * Every figure comes from the rows each run wrote, through the same
 * loader as the report of one run, so a run's column here equals its own
 * report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/xalloc.h"

/* How a metric is shown and how two values of it differ. */
enum cmp_kind {
    CMP_PCT,   /* a ratio, shown in %, differences in percentage points */
    CMP_COUNT, /* a whole number */
    CMP_BYTES,
    CMP_MS,
    CMP_USD,
    CMP_RATIO /* a plain ratio such as keys per object */
};

/* One row of the table: a metric's value in each run (NAN: n/a). */
struct cmp_row {
    char *label; /* owned */
    enum cmp_kind kind;
    double *v; /* [n_runs] */
};

struct cmp {
    struct run_info *runs;               /* [n_runs] */
    char **sha_topology, **sha_workload; /* [n_runs], NULL: not recorded */
    size_t n_runs;
    struct cmp_row *rows;
    size_t n_rows, cap_rows;
};

static double
share(int64_t num, int64_t den)
{
    return den > 0 && num >= 0 ? (double)num / (double)den : NAN;
}

static struct cmp_row *
add_row(struct cmp *c, enum cmp_kind kind, char *label)
{
    c->rows = xgrow(c->rows, &c->cap_rows, c->n_rows + 1, sizeof *c->rows, 16);
    struct cmp_row *r = &c->rows[c->n_rows++];
    r->label = label;
    r->kind = kind;
    r->v = xcalloc(c->n_runs, sizeof *r->v);
    for (size_t i = 0; i < c->n_runs; i++)
        r->v[i] = NAN;
    return r;
}

/* The headline rows every run has. */
static void
headline_rows(struct cmp *c)
{
    struct cmp_row *req = add_row(c, CMP_COUNT, xstrdup("measured requests"));
    struct cmp_row *off = add_row(c, CMP_PCT, xstrdup("offload"));
    struct cmp_row *boff = add_row(c, CMP_PCT, xstrdup("byte offload"));
    struct cmp_row *org = add_row(c, CMP_PCT, xstrdup("served from origin"));
    struct cmp_row *fail = add_row(c, CMP_PCT, xstrdup("failed"));
    struct cmp_row *old = add_row(c, CMP_PCT, xstrdup("outdated answers"));
    struct cmp_row *oreq = add_row(c, CMP_COUNT, xstrdup("origin requests"));
    struct cmp_row *ob = add_row(c, CMP_BYTES, xstrdup("origin bytes"));
    struct cmp_row *peak =
        add_row(c, CMP_COUNT, xstrdup("origin peak (req/s)"));
    struct cmp_row *cost = add_row(c, CMP_USD, xstrdup("egress cost"));
    struct cmp_row *mean = add_row(c, CMP_MS, xstrdup("latency mean"));
    struct cmp_row *p50 = add_row(c, CMP_MS, xstrdup("latency p50"));
    struct cmp_row *p90 = add_row(c, CMP_MS, xstrdup("latency p90"));
    struct cmp_row *p99 = add_row(c, CMP_MS, xstrdup("latency p99"));
    struct cmp_row *p999 = add_row(c, CMP_MS, xstrdup("latency p99.9"));
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct run_info *r = &c->runs[i];
        req->v[i] = (double)r->requests;
        /* Offload as the run's own report states it (older runs: as
         * their cdnsim defined it). */
        off->v[i] = r->offload;
        boff->v[i] = r->byte_offload;
        org->v[i] = share(r->from_origin, r->requests);
        fail->v[i] = share(r->errors, r->requests);
        old->v[i] = share(r->outdated, r->requests);
        oreq->v[i] = (double)r->origin_requests;
        ob->v[i] = (double)r->origin_bytes;
        peak->v[i] = (double)r->origin_peak_rps;
        cost->v[i] = r->cost_usd;
        mean->v[i] = r->lat_mean;
        p50->v[i] = r->lat_p50;
        p90->v[i] = r->lat_p90;
        p99->v[i] = r->lat_p99;
        p999->v[i] = r->lat_p999;
    }
}

/* The row labelled label (taken), added when no run has had it yet. */
static struct cmp_row *
row_named(struct cmp *c, enum cmp_kind kind, char *label)
{
    for (size_t k = 0; k < c->n_rows; k++)
        if (strcmp(c->rows[k].label, label) == 0) {
            free(label);
            return &c->rows[k];
        }
    return add_row(c, kind, label);
}

/* Per-tier hit ratios and per-region p99s, by name across the runs (a
 * run without that tier or region shows n/a). */
static void
breakdown_rows(struct cmp *c)
{
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct run_info *r = &c->runs[i];
        for (size_t t = 0; t < r->n_tiers; t++) {
            const struct tier_row *tr = &r->tiers[t];
            if (strcmp(tr->tier, "origin") == 0)
                continue;
            struct cmp_row *row =
                row_named(c, CMP_PCT, xasprintf("%s hit ratio", tr->tier));
            row->v[i] = share((int64_t)tr->c.hits, (int64_t)tr->c.requests);
        }
    }
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct run_info *r = &c->runs[i];
        for (size_t g = 0; g < r->n_regions; g++) {
            struct cmp_row *row = row_named(
                c, CMP_MS, xasprintf("p99 latency, %s", r->regions[g].name));
            row->v[i] = r->regions[g].p99;
        }
    }
}

/* Adds the row label with values v[0..n_runs) when some run has a value
 * other than 0 (a run without the figure has NAN: n/a); frees label
 * otherwise. */
static void
add_row_if_any(struct cmp *c, enum cmp_kind kind, char *label, const double *v)
{
    int is_any = 0;
    for (size_t i = 0; i < c->n_runs; i++)
        is_any |= !isnan(v[i]) && v[i] != 0;
    if (!is_any) {
        free(label);
        return;
    }
    struct cmp_row *row = add_row(c, kind, label);
    memcpy(row->v, v, c->n_runs * sizeof *v);
}

/* The client requests overload protection answered 429, 503 and 504
 * (overload_metrics, all regions), when some run has any. */
static int
overload_rows(struct rep_db *d, struct cmp *c)
{
    if (!rep_db_has_table(d, "overload_metrics"))
        return 0;
    double *v = xcalloc(3 * c->n_runs, sizeof *v);
    int code = 0;
    for (size_t i = 0; code == 0 && i < c->n_runs; i++) {
        sqlite3_stmt *st = NULL;
        for (int k = 0; k < 3; k++)
            v[k * c->n_runs + i] = NAN;
        code = rep_db_query(d,
                            "SELECT rate_limited, refused, timed_out FROM"
                            " overload_metrics WHERE run_id = ? AND"
                            " region = '*'",
                            &st, 1, c->runs[i].id);
        if (code == 0 &&
            (code = rep_db_step(d, st, "reading overload_metrics")) == 1) {
            code = 0;
            for (int k = 0; k < 3; k++)
                v[k * c->n_runs + i] = (double)sqlite3_column_int64(st, k);
        }
        sqlite3_finalize(st);
    }
    static const char *const label[] = {"rate limited (429)", "refused (503)",
                                        "timed out (504)"};
    for (int k = 0; code == 0 && k < 3; k++)
        add_row_if_any(c, CMP_COUNT, xstrdup(label[k]), &v[k * c->n_runs]);
    free(v);
    return code;
}

/* Staged purges' stale refills and the cache keys' figures (node
 * counters of schema version 10), summed over the caching nodes, when
 * some run has any. */
static void
key_rows(struct cmp *c)
{
    double *v = xcalloc(3 * c->n_runs, sizeof *v);
    for (size_t i = 0; i < c->n_runs; i++) {
        uint64_t keys = 0, objects = 0;
        for (size_t t = 0; t < c->runs[i].n_tiers; t++) {
            const struct met_counters *tc = &c->runs[i].tiers[t].c;
            v[i] += (double)tc->refilled_stale;
            v[c->n_runs + i] += (double)tc->fragment_misses;
            keys += tc->cached_keys;
            objects += tc->cached_objects;
        }
        v[2 * c->n_runs + i] = objects ? (double)keys / (double)objects : 0;
    }
    add_row_if_any(c, CMP_COUNT, xstrdup("refilled stale"), v);
    add_row_if_any(c, CMP_COUNT, xstrdup("fragment misses"), &v[c->n_runs]);
    add_row_if_any(c, CMP_RATIO, xstrdup("keys per object"), &v[2 * c->n_runs]);
    free(v);
}

/* A value as the table shows it. */
static void
fmt_value(enum cmp_kind k, double v, char *buf, size_t len)
{
    if (isnan(v)) {
        snprintf(buf, len, "n/a");
        return;
    }
    switch (k) {
    case CMP_PCT:
        rep_fmt_pct(v, buf, len);
        break;
    case CMP_COUNT:
        rep_fmt_count((int64_t)llround(v), buf, len);
        break;
    case CMP_BYTES:
        rep_fmt_bytes(v, buf, len);
        break;
    case CMP_MS:
        snprintf(buf, len, "%.3f ms", v);
        break;
    case CMP_USD:
        snprintf(buf, len, "$%.4f", v);
        break;
    case CMP_RATIO:
        snprintf(buf, len, "%.3f", v);
        break;
    }
}

/* The difference of v from base: percentage points for ratios, else
 * the signed change and its share of base. */
static void
fmt_diff(enum cmp_kind k, double base, double v, char *buf, size_t len)
{
    if (isnan(base) || isnan(v)) {
        snprintf(buf, len, "n/a");
        return;
    }
    double d = v - base;
    char abs_text[48], rel[32] = "";
    switch (k) {
    case CMP_PCT:
        snprintf(buf, len, "%+.2f pt", 100.0 * d);
        return;
    case CMP_COUNT: {
        char n[40];
        rep_fmt_count((int64_t)llround(fabs(d)), n, sizeof n);
        snprintf(abs_text, sizeof abs_text, "%s%s", d < 0 ? "-" : "+", n);
        break;
    }
    case CMP_BYTES: {
        char n[40];
        rep_fmt_bytes(fabs(d), n, sizeof n);
        snprintf(abs_text, sizeof abs_text, "%s%s", d < 0 ? "-" : "+", n);
        break;
    }
    case CMP_MS:
        snprintf(abs_text, sizeof abs_text, "%+.3f ms", d);
        break;
    case CMP_USD:
        snprintf(abs_text, sizeof abs_text, "%s$%.4f", d < 0 ? "-" : "+",
                 fabs(d));
        break;
    case CMP_RATIO:
        snprintf(abs_text, sizeof abs_text, "%+.3f", d);
        break;
    }
    if (base != 0)
        snprintf(rel, sizeof rel, " (%+.1f%%)", 100.0 * d / fabs(base));
    snprintf(buf, len, "%s%s", abs_text, rel);
}

/* ---- Plots --------------------------------------------------------------- */

static char *
run_title(const struct run_info *r)
{
    return r->overrides[0]
               ? xasprintf("run %lld: %s", (long long)r->id, r->overrides)
               : xasprintf("run %lld", (long long)r->id);
}

/* Draws p, a plot of n lines titled titles[0..n) (taken), when code is
 * 0; drops it otherwise. Returns code or the drawing's. */
static int
draw_lines(struct rep_plotter *pl, struct rep_plot *p, char **titles, size_t n,
           int code)
{
    if (code == 0) {
        rep_plot_num(p, "n", (double)n);
        rep_plot_strs(p, "titles", (const char *const *)titles, n);
        code = rep_plot_draw(pl, p);
    } else {
        rep_plot_drop(p);
    }
    for (size_t i = 0; i < n; i++)
        free(titles[i]);
    free(titles);
    return code;
}

/* The latency CDF over all regions, one line per run. */
static int
plot_latency(struct rep_db *d, struct rep_plotter *pl, const struct cmp *c)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "compare-latency-cdf", "latency-cdf.gp");
    if (code != 0)
        return code;
    char **titles = xcalloc(c->n_runs + 1, sizeof *titles);
    size_t n = 0;
    for (size_t i = 0; code == 0 && i < c->n_runs; i++) {
        int has_rows = 0;
        code = rep_latency_block(d, p.data, c->runs[i].id, "*", REP_CURVE_CDF,
                                 &has_rows);
        if (has_rows)
            titles[n++] = run_title(&c->runs[i]);
    }
    if (code == 0 && n == 0) {
        fputs("0.001\t0\n1\t0\n\n\n", p.data);
        titles[n++] = xstrdup("no requests measured");
    }
    if (code == 0)
        rep_plot_str(&p, "plot_title",
                     "Client latency, all regions, per run (cumulative "
                     "distribution)");
    return draw_lines(pl, &p, titles, n, code);
}

/* The tail over all regions, one CCDF per run (latency-ccdf.gp), each
 * run's p50, p95 and p99 marked in its line's colour. */
static int
plot_latency_tail(struct rep_db *d, struct rep_plotter *pl, const struct cmp *c)
{
    struct rep_plot p;
    int code =
        rep_plot_begin(pl, &p, "compare-latency-ccdf", "latency-ccdf.gp");
    if (code != 0)
        return code;
    char **titles = xcalloc(c->n_runs + 1, sizeof *titles);
    const struct run_info **drawn = xcalloc(c->n_runs + 1, sizeof *drawn);
    size_t n = 0;
    for (size_t i = 0; code == 0 && i < c->n_runs; i++) {
        int has_rows = 0;
        code = rep_latency_block(d, p.data, c->runs[i].id, "*", REP_CURVE_CCDF,
                                 &has_rows);
        if (has_rows) {
            drawn[n] = &c->runs[i];
            titles[n++] = run_title(&c->runs[i]);
        }
    }
    size_t n_marked = n;
    if (code == 0 && n == 0) {
        fputs("0.001\t100\n1\t100\n\n\n", p.data);
        titles[n++] = xstrdup("no requests measured");
    }
    if (code == 0) {
        rep_plot_str(&p, "plot_title",
                     "Client latency tail, all regions, per run (share "
                     "slower than x)");
        code = rep_latency_compare_marks(d, &p, drawn, n_marked);
    }
    free(drawn);
    return draw_lines(pl, &p, titles, n, code);
}

/* One run's origin requests per second as an index block (the last,
 * usually partial, window left out as in the report of one run). */
static int
origin_block(struct rep_db *d, FILE *f, const struct run_info *r)
{
    static const char sql[] =
        "SELECT t.t_start_s, sum(t.requests) FROM timeseries t"
        " JOIN node_metrics n ON n.run_id = t.run_id AND n.node = t.node"
        " WHERE t.run_id = ? AND n.tier = 'origin'"
        " GROUP BY t.window ORDER BY t.window";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, r->id);
    double w = r->window_s > 0 ? r->window_s : 1.0;
    char held[96] = "";
    int rows = 0;
    fprintf(f, "# run %lld: time (s)\torigin requests/s\n", (long long)r->id);
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading the time series")) == 1) {
        code = 0;
        if (rows > 0)
            fputs(held, f);
        snprintf(held, sizeof held, "%.6f\t%.6f\n",
                 sqlite3_column_double(st, 0) + w / 2,
                 (double)sqlite3_column_int64(st, 1) / w);
        rows++;
    }
    sqlite3_finalize(st);
    if (code == 0 && rows <= 2)
        fputs(rows > 0 ? held : "0\t0\n", f);
    fputs("\n\n", f);
    return code;
}

static int
plot_origin(struct rep_db *d, struct rep_plotter *pl, const struct cmp *c)
{
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "compare-origin", "compare-origin.gp");
    if (code != 0)
        return code;
    char **titles = xcalloc(c->n_runs + 1, sizeof *titles);
    for (size_t i = 0; code == 0 && i < c->n_runs; i++) {
        code = origin_block(d, p.data, &c->runs[i]);
        titles[i] = run_title(&c->runs[i]);
    }
    return draw_lines(pl, &p, titles, c->n_runs, code);
}

/* The bars' labels: the caching nodes, then the tiers as "TIER (all)",
 * each once, in the order first met across the runs (caller frees each
 * and the array). */
static char **
hit_ratio_labels(const struct cmp *c, size_t *n_labels)
{
    char **labels = NULL;
    *n_labels = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < c->n_runs; i++) {
            const struct run_info *r = &c->runs[i];
            size_t n = pass == 0 ? r->n_nodes : r->n_tiers;
            for (size_t k = 0; k < n; k++) {
                const char *tier =
                    pass == 0 ? r->nodes[k].tier : r->tiers[k].tier;
                if (strcmp(tier, "origin") == 0)
                    continue;
                char *l = pass == 0 ? xstrdup(r->nodes[k].name)
                                    : xasprintf("%s (all)", tier);
                size_t j = 0;
                while (j < *n_labels && strcmp(labels[j], l) != 0)
                    j++;
                if (j < *n_labels) {
                    free(l);
                    continue;
                }
                labels = xrealloc(labels, (*n_labels + 1) * sizeof *labels);
                labels[(*n_labels)++] = l;
            }
        }
    return labels;
}

/* The hit ratio of the node or tier labelled label in run r; NAN when
 * the run has none of that name. */
static double
hit_ratio_of(const struct run_info *r, const char *label)
{
    double v = NAN;
    for (size_t k = 0; k < r->n_nodes; k++)
        if (strcmp(r->nodes[k].name, label) == 0)
            v = r->nodes[k].hit_ratio;
    for (size_t k = 0; k < r->n_tiers; k++) {
        char *l = xasprintf("%s (all)", r->tiers[k].tier);
        if (strcmp(l, label) == 0)
            v = share((int64_t)r->tiers[k].c.hits,
                      (int64_t)r->tiers[k].c.requests);
        free(l);
    }
    return v;
}

/* The plot's data: a row per label, a column per run. */
static void
hit_ratio_rows(FILE *data, const struct cmp *c, char *const *labels,
               size_t n_labels)
{
    fputs("# label", data);
    for (size_t i = 0; i < c->n_runs; i++)
        fprintf(data, "\trun %lld hit ratio (%%)", (long long)c->runs[i].id);
    fputc('\n', data);
    for (size_t j = 0; j < n_labels; j++) {
        rep_dat_label(data, labels[j]);
        for (size_t i = 0; i < c->n_runs; i++) {
            double v = hit_ratio_of(&c->runs[i], labels[j]);
            /* gnuplot draws no bar for a missing value. */
            if (isnan(v))
                fputs("\t?", data);
            else
                fprintf(data, "\t%.4f", 100 * v);
        }
        fputc('\n', data);
    }
}

/* Hit ratio of each caching node and tier (by name across the runs), one
 * bar per run. */
static int
plot_hit_ratio(struct rep_plotter *pl, const struct cmp *c)
{
    struct rep_plot p;
    int code =
        rep_plot_begin(pl, &p, "compare-hit-ratio", "compare-hit-ratio.gp");
    if (code != 0)
        return code;
    size_t n_labels;
    char **labels = hit_ratio_labels(c, &n_labels);
    hit_ratio_rows(p.data, c, labels, n_labels);
    if (n_labels == 0) {
        labels = xrealloc(labels, sizeof *labels);
        labels[n_labels++] = xstrdup("(no caches)");
        fputs("\"(no caches)\"", p.data);
        for (size_t i = 0; i < c->n_runs; i++)
            fputs("\t0", p.data);
        fputc('\n', p.data);
    }
    char **titles = xcalloc(c->n_runs + 1, sizeof *titles);
    for (size_t i = 0; i < c->n_runs; i++)
        titles[i] = xasprintf("run %lld", (long long)c->runs[i].id);
    rep_plot_num(&p, "n", (double)c->n_runs);
    rep_plot_strs(&p, "titles", (const char *const *)titles, c->n_runs);
    rep_plot_num(&p, "nlabels", (double)n_labels);
    rep_plot_strs(&p, "labels", (const char *const *)labels, n_labels);
    code = rep_plot_draw(pl, &p);
    for (size_t i = 0; i < c->n_runs; i++)
        free(titles[i]);
    free(titles);
    for (size_t j = 0; j < n_labels; j++)
        free(labels[j]);
    free(labels);
    return code;
}

/* ---- The document -------------------------------------------------------- */

static void
describe_runs(struct rep_doc *doc, const struct cmp *c)
{
    rep_doc_h2(doc, "Runs");
    rep_doc_p_begin(doc);
    rep_doc_text(doc,
                 "Differences are each run's value less run %lld's "
                 "(ratios in percentage points, the rest also as a "
                 "share of run %lld's value).",
                 (long long)c->runs[0].id, (long long)c->runs[0].id);
    rep_doc_p_end(doc);
    static const char *const head[] = {
        "run",       "topology",         "workload",        "seed",
        "overrides", "topology SHA-256", "workload SHA-256"};
    static const int right[] = {1, 0, 0, 1, 0, 0, 0};
    rep_doc_table_begin(doc, 7, head, right);
    for (size_t i = 0; i < c->n_runs; i++) {
        const struct run_info *r = &c->runs[i];
        rep_doc_cell(doc, "%lld", (long long)r->id);
        rep_doc_cell(doc, "%s (%s)", r->topology, r->topology_path);
        rep_doc_cell(doc, "%s (%s)", r->workload, r->workload_path);
        rep_doc_cell(doc, "%lld", (long long)r->seed);
        rep_doc_cell(doc, "%s", r->overrides[0] ? r->overrides : "none");
        rep_doc_cell(doc, "%.12s%s",
                     c->sha_topology[i] ? c->sha_topology[i] : "n/a",
                     c->sha_topology[i] ? "..." : "");
        rep_doc_cell(doc, "%.12s%s",
                     c->sha_workload[i] ? c->sha_workload[i] : "n/a",
                     c->sha_workload[i] ? "..." : "");
    }
    rep_doc_table_end(doc);
}

static void
metric_table(struct rep_doc *doc, const struct cmp *c)
{
    rep_doc_h2(doc, "Headline metrics");
    size_t n_cols = 1 + c->n_runs + (c->n_runs - 1);
    char **head = xcalloc(n_cols, sizeof *head);
    int *right = xcalloc(n_cols, sizeof *right);
    head[0] = xstrdup("metric");
    for (size_t i = 0; i < c->n_runs; i++) {
        head[1 + i] = xasprintf("run %lld", (long long)c->runs[i].id);
        right[1 + i] = 1;
    }
    for (size_t i = 1; i < c->n_runs; i++) {
        head[c->n_runs + i] =
            xasprintf("run %lld - run %lld", (long long)c->runs[i].id,
                      (long long)c->runs[0].id);
        right[c->n_runs + i] = 1;
    }
    rep_doc_table_begin(doc, n_cols, (const char *const *)head, right);
    char buf[128];
    for (size_t k = 0; k < c->n_rows; k++) {
        const struct cmp_row *row = &c->rows[k];
        rep_doc_cell(doc, "%s", row->label);
        for (size_t i = 0; i < c->n_runs; i++) {
            fmt_value(row->kind, row->v[i], buf, sizeof buf);
            rep_doc_cell(doc, "%s", buf);
        }
        for (size_t i = 1; i < c->n_runs; i++) {
            fmt_diff(row->kind, row->v[0], row->v[i], buf, sizeof buf);
            rep_doc_cell(doc, "%s", buf);
        }
    }
    rep_doc_table_end(doc);
    for (size_t i = 0; i < n_cols; i++)
        free(head[i]);
    free(head);
    free(right);
}

/* The recorded digests of the runs' files (version 4 on). */
static int
load_digests(struct rep_db *d, struct cmp *c)
{
    if (d->version < 4)
        return 0;
    int code = 0;
    for (size_t i = 0; code == 0 && i < c->n_runs; i++) {
        sqlite3_stmt *st = NULL;
        code = rep_db_query(d,
                            "SELECT topology_sha256, workload_sha256 FROM"
                            " runs WHERE id = ?",
                            &st, 1, c->runs[i].id);
        if (code == 0 && (code = rep_db_step(d, st, "reading the run")) == 1) {
            code = 0;
            for (int k = 0; k < 2; k++) {
                const unsigned char *t = sqlite3_column_text(st, k);
                char **slot = k ? &c->sha_workload[i] : &c->sha_topology[i];
                *slot = t ? xstrdup((const char *)t) : NULL;
            }
        }
        sqlite3_finalize(st);
    }
    return code;
}

static void
cmp_fini(struct cmp *c)
{
    for (size_t i = 0; i < c->n_runs; i++) {
        rep_run_info_fini(&c->runs[i]);
        free(c->sha_topology[i]);
        free(c->sha_workload[i]);
    }
    for (size_t k = 0; k < c->n_rows; k++) {
        free(c->rows[k].label);
        free(c->rows[k].v);
    }
    free(c->rows);
    free(c->runs);
    free(c->sha_topology);
    free(c->sha_workload);
}

int
rep_compare_report(struct rep_db *d, const struct rep_opts *o,
                   struct rep_plotter *pl)
{
    struct cmp c;
    memset(&c, 0, sizeof c);
    c.n_runs = o->n_compare;
    c.runs = xcalloc(c.n_runs, sizeof *c.runs);
    c.sha_topology = xcalloc(c.n_runs, sizeof *c.sha_topology);
    c.sha_workload = xcalloc(c.n_runs, sizeof *c.sha_workload);
    int code = 0;
    for (size_t i = 0; code == 0 && i < c.n_runs; i++)
        code = rep_run_load(d, o->compare_ids[i], &c.runs[i]);
    if (code == 0)
        code = load_digests(d, &c);
    if (code == 0) {
        headline_rows(&c);
        code = overload_rows(d, &c);
        key_rows(&c);
        breakdown_rows(&c);
    }
    if (code == 0) {
        code = plot_hit_ratio(pl, &c);
    }
    if (code == 0)
        code = plot_latency(d, pl, &c);
    if (code == 0)
        code = plot_latency_tail(d, pl, &c);
    if (code == 0)
        code = plot_origin(d, pl, &c);
    if (code == 0) {
        struct strbuf t = {0};
        strbuf_put(&t, "cdnsim runs ");
        for (size_t i = 0; i < c.n_runs; i++)
            strbuf_printf(&t, "%s%lld",
                          i == 0              ? ""
                          : i + 1 == c.n_runs ? " and "
                                              : ", ",
                          (long long)c.runs[i].id);
        strbuf_put(&t, " side by side");
        struct rep_doc *doc = rep_doc_open(o->out_dir, strbuf_str(&t), d->err);
        strbuf_fini(&t);
        if (doc == NULL) {
            code = d->err->code;
        } else {
            describe_runs(doc, &c);
            metric_table(doc, &c);
            rep_doc_h2(doc, "Plots");
            rep_doc_figure(doc, "compare-hit-ratio",
                           "Hit ratio of each caching node and tier, one "
                           "bar per run");
            rep_doc_figure(doc, "compare-latency-cdf",
                           "Client latency over all regions, one line per "
                           "run (log scale)");
            rep_doc_figure(doc, "compare-latency-ccdf",
                           "The tail of client latency over all regions: "
                           "the share of requests slower than a given "
                           "time, one line per run (log-log)");
            rep_doc_figure(doc, "compare-origin",
                           "Origin requests per second over time, one line "
                           "per run");
            code = rep_doc_close(doc, d->err);
        }
        if (code == 0 && o->log)
            fprintf(o->log, "%s/report.html\n%s/report.md\n", o->out_dir,
                    o->out_dir);
    }
    cmp_fini(&c);
    return code;
}
