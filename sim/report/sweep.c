/* sweep.c: the report of a sweep (figures against the varied parameter,
 * one line per combination of the other varied values, and the best
 * points) and the table `cdnsim sweep` prints when it is done.
 *
 * The x axis is one --vary: the one the user names, else the first with a
 * numeric kind (size, duration, number) and more than one value, else the
 * first with more than one value. Every other --vary splits the points
 * into series, so a sweep of capacities x policies draws one miss-ratio
 * curve per policy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"
#include "util/escape.h"
#include "util/xalloc.h"

/* Points in the best-points table. */
#define SWEEP_BEST 10

struct sw_vary {
    char *path;
    char *spec;
    char *kind;
    int64_t n_values;
    char *label;    /* the shortest unambiguous tail of path */
    size_t lead;    /* the --vary of its dimension: itself, or for a
                       --vary-with the --vary it moves with */
};

struct sw_point {
    int64_t point;
    char *params;
    int is_complete;
    int64_t run_id;
    double offload, byte_offload, p99_ms, cost_usd;
    double outdated;  /* share of requests answered with old content */
    int64_t origin_peak_rps, origin_requests, origin_bytes, requests;
    char **value; /* [n_vary] as passed to --set */
    double *num;  /* [n_vary], NAN for text */
};

struct sw_info {
    int64_t id;
    char *topology_path, *workload_path, *overrides, *created;
    char *topology, *workload; /* names, from the first complete run */
    int64_t seed, n_points;
    struct sw_vary *vary;
    size_t n_vary;
    struct sw_point *points; /* [n_points] in point order */
    size_t n_complete;
};

static void
sw_fini(struct sw_info *s)
{
    free(s->topology_path);
    free(s->workload_path);
    free(s->overrides);
    free(s->created);
    free(s->topology);
    free(s->workload);
    for (size_t j = 0; j < s->n_vary; j++) {
        free(s->vary[j].path);
        free(s->vary[j].spec);
        free(s->vary[j].kind);
        free(s->vary[j].label);
    }
    for (int64_t p = 0; s->points && p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        for (size_t j = 0; x->value && j < s->n_vary; j++)
            free(x->value[j]);
        free(x->value);
        free(x->num);
        free(x->params);
    }
    free(s->points);
    free(s->vary);
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
    return xstrdup(rep_col_text(st, i));
}

/* The last segments of path that no other --vary path ends with. */
static char *
short_label(const struct sw_info *s, size_t j)
{
    const char *path = s->vary[j].path;
    for (const char *tail = path + strlen(path); tail > path; tail--) {
        if (tail[-1] != '.' && tail != path + strlen(path))
            continue;
        if (*tail == '\0')
            continue;
        int clash = 0;
        for (size_t k = 0; k < s->n_vary && !clash; k++) {
            const char *other = s->vary[k].path;
            size_t lo = strlen(other), lt = strlen(tail);
            clash = k != j && lo >= lt && strcmp(other + lo - lt, tail) == 0 &&
                    (lo == lt || other[lo - lt - 1] == '.');
        }
        if (!clash)
            return xstrdup(tail);
    }
    return xstrdup(path);
}

static int
load_sweep(struct rep_db *d, int64_t id, struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT topology_path, workload_path, seed,"
                            " overrides, points, created FROM sweeps"
                            " WHERE id = ?",
                            &st, 1, id);
    if (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "no sweep %lld in this database", (long long)id);
    if (code == 1) {
        code = 0;
        s->id = id;
        s->topology_path = dup_col(st, 0);
        s->workload_path = dup_col(st, 1);
        s->seed = sqlite3_column_int64(st, 2);
        s->overrides = dup_col(st, 3);
        s->n_points = sqlite3_column_int64(st, 4);
        s->created = dup_col(st, 5);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code != 0)
        return code;

    /* moves_with came with version 4: before, every --vary is its own
     * dimension. */
    code = rep_db_query(d,
                        d->version >= 4
                            ? "SELECT path, spec, kind, n_values, moves_with"
                              " FROM sweep_vary WHERE sweep_id = ?"
                              " ORDER BY position"
                            : "SELECT path, spec, kind, n_values, NULL"
                              " FROM sweep_vary WHERE sweep_id = ?"
                              " ORDER BY position",
                        &st, 1, id);
    size_t cap = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        s->vary = xgrow(s->vary, &cap, s->n_vary + 1, sizeof *s->vary, 4);
        struct sw_vary *v = &s->vary[s->n_vary++];
        v->path = dup_col(st, 0);
        v->spec = dup_col(st, 1);
        v->kind = dup_col(st, 2);
        v->n_values = sqlite3_column_int64(st, 3);
        v->label = NULL;
        int64_t with = sqlite3_column_type(st, 4) == SQLITE_NULL
                           ? -1
                           : sqlite3_column_int64(st, 4);
        v->lead = with >= 0 && (size_t)with < s->n_vary - 1 ? (size_t)with
                                                              : s->n_vary - 1;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code != 0)
        return code;
    for (size_t j = 0; j < s->n_vary; j++)
        s->vary[j].label = short_label(s, j);

    s->points =
        xcalloc(s->n_points > 0 ? (size_t)s->n_points : 1, sizeof *s->points);
    for (int64_t p = 0; p < s->n_points; p++) {
        s->points[p].point = p;
        s->points[p].value = xcalloc(s->n_vary + 1, sizeof(char *));
        s->points[p].num = xcalloc(s->n_vary + 1, sizeof(double));
    }
    /* A version-1 file has no outdated column: its runs counted none. */
    char sql[512];
    snprintf(sql, sizeof sql, "%s%s%s",
             "SELECT p.point, p.params, p.status, p.run_id,"
             " r.offload, r.byte_offload, r.latency_p99_ms,"
             " r.cost_usd, r.origin_peak_rps, r.origin_requests,"
             " r.origin_bytes, r.requests, r.topology,"
             " r.workload, r.status, ",
             d->version >= 2 ? "coalesce(r.outdated, 0)" : "0",
             " FROM sweep_points p LEFT JOIN runs r ON r.id = p.run_id"
             " WHERE p.sweep_id = ? ORDER BY p.point");
    code = rep_db_query(d, sql, &st, 1, id);
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        int64_t p = sqlite3_column_int64(st, 0);
        if (p < 0 || p >= s->n_points)
            continue;
        struct sw_point *x = &s->points[p];
        x->params = dup_col(st, 1);
        x->is_complete = strcmp(rep_col_text(st, 2), "complete") == 0 &&
                         sqlite3_column_type(st, 3) != SQLITE_NULL &&
                         strcmp(rep_col_text(st, 14), "complete") == 0;
        if (!x->is_complete)
            continue;
        s->n_complete++;
        x->run_id = sqlite3_column_int64(st, 3);
        x->offload = sqlite3_column_double(st, 4);
        x->byte_offload = sqlite3_column_double(st, 5);
        x->p99_ms = sqlite3_column_double(st, 6);
        x->cost_usd = sqlite3_column_double(st, 7);
        x->origin_peak_rps = sqlite3_column_int64(st, 8);
        x->origin_requests = sqlite3_column_int64(st, 9);
        x->origin_bytes = sqlite3_column_int64(st, 10);
        x->requests = sqlite3_column_int64(st, 11);
        x->outdated = x->requests > 0 ? (double)sqlite3_column_int64(st, 15) /
                                            (double)x->requests
                                      : 0;
        if (s->topology == NULL) {
            s->topology = dup_col(st, 12);
            s->workload = dup_col(st, 13);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code != 0)
        return code;

    code = rep_db_query(d,
                        "SELECT point, position, value, value_num FROM"
                        " sweep_params WHERE sweep_id = ?",
                        &st, 1, id);
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        int64_t p = sqlite3_column_int64(st, 0);
        int64_t j = sqlite3_column_int64(st, 1);
        if (p < 0 || p >= s->n_points || j < 0 || (size_t)j >= s->n_vary)
            continue;
        struct sw_point *x = &s->points[p];
        free(x->value[j]);
        x->value[j] = dup_col(st, 2);
        x->num[j] = sqlite3_column_type(st, 3) == SQLITE_NULL
                        ? NAN
                        : sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    for (int64_t p = 0; p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        if (x->params == NULL)
            x->params = xstrdup("");
        for (size_t j = 0; j < s->n_vary; j++)
            if (x->value[j] == NULL) {
                x->value[j] = xstrdup("?");
                x->num[j] = NAN;
            }
    }
    return 0;
}

/* Which of vary j's values point p takes (the last --vary fastest). */
static int64_t
value_index(const struct sw_info *s, int64_t p, size_t j)
{
    /* As met_sweep_value: a --vary-with is a digit of its --vary. */
    j = s->vary[j].lead;
    for (size_t k = s->n_vary; k-- > j + 1;)
        if (s->vary[k].lead == k)
            p /= s->vary[k].n_values > 0 ? s->vary[k].n_values : 1;
    return s->vary[j].n_values > 0 ? p % s->vary[j].n_values : 0;
}

static int
is_numeric(const struct sw_vary *v)
{
    return strcmp(v->kind, "text") != 0;
}

static int
pick_x(struct rep_db *d, const struct sw_info *s, const char *x_path, size_t *x)
{
    if (x_path) {
        for (size_t j = 0; j < s->n_vary; j++)
            if (strcmp(s->vary[j].path, x_path) == 0) {
                *x = j;
                return 0;
            }
        struct strbuf b = {0};
        for (size_t j = 0; j < s->n_vary; j++)
            strbuf_printf(&b, "%s%s", j ? ", " : "", s->vary[j].path);
        int code = sim_err_set(d->err, -SIM_EBADVAL, "--x", 0, 0, NULL,
                               "sweep %lld does not vary \"%s\"; it varies "
                               "%s",
                               (long long)s->id, x_path, strbuf_str(&b));
        strbuf_fini(&b);
        return code;
    }
    *x = 0;
    for (size_t j = 0; j < s->n_vary; j++)
        if (is_numeric(&s->vary[j]) && s->vary[j].n_values > 1) {
            *x = j;
            return 0;
        }
    for (size_t j = 0; j < s->n_vary; j++)
        if (s->vary[j].n_values > 1) {
            *x = j;
            return 0;
        }
    return 0;
}

/* The series of point p: the other --vary values, as a legend text;
 * caller frees. */
static char *
series_title(const struct sw_info *s, const struct sw_point *p, size_t x)
{
    struct strbuf b = {0};
    for (size_t j = 0; j < s->n_vary; j++) {
        /* Values linked with x's move along the x axis. */
        if (s->vary[j].lead == s->vary[x].lead)
            continue;
        strbuf_printf(&b, "%s%s=%s", b.n ? ", " : "", s->vary[j].label,
                       p->value[j]);
    }
    if (b.n == 0)
        strbuf_put(&b, "all points");
    char *t = xstrdup(strbuf_str(&b));
    strbuf_fini(&b);
    return t;
}

/* The x coordinate of p: its numeric value, or its value's position for
 * text. */
static double
x_coord(const struct sw_info *s, const struct sw_point *p, size_t x)
{
    if (is_numeric(&s->vary[x]) && !isnan(p->num[x]))
        return p->num[x];
    return (double)value_index(s, p->point, x);
}

/* Complete points grouped by series and sorted by x within each: an
 * index into points, plus where each series starts. */
struct sw_layout {
    int64_t *order; /* [n_complete] */
    size_t *start;  /* [n_series + 1] */
    char **titles;  /* [n_series] */
    size_t n_series;
    int logx;
};

static void
layout_fini(struct sw_layout *l)
{
    for (size_t i = 0; i < l->n_series; i++)
        free(l->titles[i]);
    free(l->titles);
    free(l->start);
    free(l->order);
}

static void
make_layout(const struct sw_info *s, size_t x, struct sw_layout *l)
{
    memset(l, 0, sizeof *l);
    size_t n = s->n_complete;
    l->order = xcalloc(n + 1, sizeof *l->order);
    l->start = xcalloc(n + 2, sizeof *l->start);
    l->titles = xcalloc(n + 1, sizeof *l->titles);
    size_t k = 0;
    /* Series in the order their first point appears. */
    int64_t *series_of = xcalloc((size_t)s->n_points + 1, sizeof *series_of);
    for (int64_t p = 0; p < s->n_points; p++) {
        if (!s->points[p].is_complete)
            continue;
        char *t = series_title(s, &s->points[p], x);
        size_t i = 0;
        while (i < l->n_series && strcmp(l->titles[i], t) != 0)
            i++;
        if (i == l->n_series)
            l->titles[l->n_series++] = t;
        else
            free(t);
        series_of[p] = (int64_t)i;
    }
    for (size_t i = 0; i < l->n_series; i++) {
        l->start[i] = k;
        for (int64_t p = 0; p < s->n_points; p++)
            if (s->points[p].is_complete && series_of[p] == (int64_t)i)
                l->order[k++] = p;
        /* Insertion sort by x: a series is short. */
        for (size_t a = l->start[i] + 1; a < k; a++) {
            int64_t v = l->order[a];
            size_t b = a;
            while (b > l->start[i] &&
                   x_coord(s, &s->points[l->order[b - 1]], x) >
                       x_coord(s, &s->points[v], x)) {
                l->order[b] = l->order[b - 1];
                b--;
            }
            l->order[b] = v;
        }
    }
    l->start[l->n_series] = k;
    free(series_of);

    /* A log axis where the values span a wide range or double. */
    const struct sw_vary *v = &s->vary[x];
    if (is_numeric(v)) {
        double lo = INFINITY, hi = 0;
        for (size_t i = 0; i < k; i++) {
            double c = x_coord(s, &s->points[l->order[i]], x);
            lo = c < lo ? c : lo;
            hi = c > hi ? c : hi;
        }
        int geometric = strstr(v->spec, "..") && strchr(v->spec, '*');
        l->logx = k > 0 && lo > 0 && hi > lo && (geometric || hi / lo >= 16);
    }
}

struct sw_metric {
    const char *name; /* plot file name */
    int col;          /* data column */
    const char *title;
    const char *ylabel;
    const char *caption;
};

static const struct sw_metric sw_metrics[] = {
    {"sweep-hit-ratio", 3, "Hit ratio of the CDN (offload)",
     "offload: requests served from a cache (%)",
     "Offload (client requests served from a cache / all client "
     "requests) against the varied parameter"},
    {"sweep-byte-hit-ratio", 4, "Byte hit ratio of the CDN (byte offload)",
     "byte offload: bytes served from a cache (%)",
     "Byte offload against the varied parameter"},
    {"sweep-p99-latency", 5, "Client latency, 99th percentile",
     "p99 latency (ms)", "99th percentile of client latency"},
    {"sweep-origin-load", 6, "Origin load", "origin peak (requests/s)",
     "Peak origin requests in one second"},
    {"sweep-cost", 7, "Egress cost", "egress cost (USD)",
     "Egress cost of all nodes"},
    /* Last: drawn only when some point has outdated answers (content
     * that changes), see has_outdated. */
    {"sweep-outdated", 9, "Outdated answers",
     "outdated answers (% of requests)",
     "Answers older than the origin's version when asked"},
};

#define SW_N_METRICS (sizeof sw_metrics / sizeof *sw_metrics)

/* Does any complete point have outdated answers? Without, the outdated
 * plot would be a flat line at 0 and is left out. */
static int
has_outdated(const struct sw_info *s)
{
    for (int64_t p = 0; p < s->n_points; p++)
        if (s->points[p].is_complete && s->points[p].outdated > 0)
            return 1;
    return 0;
}

/* How many of sw_metrics this sweep draws. */
static size_t
n_metrics(const struct sw_info *s)
{
    return has_outdated(s) ? SW_N_METRICS : SW_N_METRICS - 1;
}

static int
sweep_plots(struct rep_plotter *pl, const struct sw_info *s, size_t x,
            const struct sw_layout *l)
{
    const struct sw_vary *v = &s->vary[x];
    /* The tick labels are the values as given ("32MiB", "5m"), so they
     * carry the unit; the label says what kind of value it is. */
    char *xlabel;
    if (is_numeric(v) && strcmp(v->kind, "number") != 0)
        xlabel = xasprintf("%s (%s%s)", v->path, v->kind,
                           l->logx ? ", log scale" : "");
    else
        xlabel = xasprintf("%s%s", v->path, l->logx ? " (log scale)" : "");
    const char **xlabels = xcalloc((size_t)s->n_points + 1, sizeof *xlabels);
    for (int64_t p = 0; p < s->n_points; p++)
        xlabels[p] = s->points[p].value[x];
    int code = 0;
    for (size_t m = 0; code == 0 && m < n_metrics(s); m++) {
        struct rep_plot p;
        code = rep_plot_begin(pl, &p, sw_metrics[m].name, "sweep.gp");
        if (code != 0)
            break;
        fputs("# x\tx label\toffload (%)\tbyte offload (%)\tp99 (ms)\t"
              "origin peak (req/s)\tcost (USD)\tpoint\toutdated (%)\n",
              p.data);
        for (size_t i = 0; i < l->n_series; i++) {
            fputs("# series: ", p.data);
            rep_dat_label(p.data, l->titles[i]);
            fputc('\n', p.data);
            for (size_t k = l->start[i]; k < l->start[i + 1]; k++) {
                const struct sw_point *q = &s->points[l->order[k]];
                fprintf(p.data, "%.17g\t", x_coord(s, q, x));
                rep_dat_label(p.data, q->value[x] ? q->value[x] : "");
                fprintf(p.data,
                        "\t%.6f\t%.6f\t%.6f\t%lld\t%.6f\t%lld\t"
                        "%.6f\n",
                        100 * q->offload,
                        100 * q->byte_offload, q->p99_ms,
                        (long long)q->origin_peak_rps, q->cost_usd,
                        (long long)q->point, 100 * q->outdated);
            }
            fputs("\n\n", p.data);
        }
        /* Tick labels by point number (column 8), exactly as given. */
        rep_plot_strs(&p, "xlabels", xlabels, (size_t)s->n_points);
        rep_plot_num(&p, "n", (double)l->n_series);
        rep_plot_strs(&p, "titles", (const char *const *)l->titles,
                      l->n_series);
        rep_plot_num(&p, "col", sw_metrics[m].col);
        rep_plot_str(&p, "ptitle", sw_metrics[m].title);
        rep_plot_str(&p, "ytitle", sw_metrics[m].ylabel);
        rep_plot_str(&p, "xtitle", xlabel);
        rep_plot_num(&p, "logx", l->logx);
        code = rep_plot_draw(pl, &p);
    }
    free(xlabels);
    free(xlabel);
    return code;
}

/* Offload to the 0.01% a reader sees: points that look equal are
 * ranked by cost instead of by noise below the last digit shown. */
static double
shown_offload(const struct sw_point *q)
{
    return round(q->offload * 1e4);
}

/* Complete points, best offload first (cheaper first on a tie). */
static int64_t *
ranked(const struct sw_info *s)
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
                 u->cost_usd <= v->cost_usd))
                break;
            r[b] = r[b - 1];
            b--;
        }
        r[b] = p;
    }
    return r;
}

static void
point_row(struct rep_doc *doc, const struct sw_info *s,
          const struct sw_point *q)
{
    char a[32], b[32];
    (void)s;
    rep_doc_cell(doc, "%lld", (long long)q->point);
    rep_doc_cell(doc, "%s", q->params);
    rep_doc_cell(doc, "%s", rep_fmt_pct(q->offload, a, sizeof a));
    rep_doc_cell(doc, "%s", rep_fmt_pct(q->byte_offload, b, sizeof b));
    rep_doc_cell(doc, "%.3f", q->p99_ms);
    rep_doc_cell(doc, "%s", rep_fmt_count(q->origin_peak_rps, a, sizeof a));
    rep_doc_cell(doc, "%.4f", q->cost_usd);
    rep_doc_cell(doc, "%s", rep_fmt_pct(q->outdated, a, sizeof a));
    rep_doc_cell(doc, "%lld", (long long)q->run_id);
}

static const char *const point_head[] = {
    "point",      "parameters", "offload",
    "byte offload", "p99 (ms)", "origin peak (req/s)",
    "cost (USD)", "outdated",   "run"};
static const int point_right[] = {1, 0, 1, 1, 1, 1, 1, 1, 1};
#define POINT_COLS (sizeof point_head / sizeof *point_head)

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
    return q->offload;
}
static double
get_bytes(const struct sw_point *q)
{
    return q->byte_offload;
}
static double
get_p99(const struct sw_point *q)
{
    return q->p99_ms;
}
static double
get_cost(const struct sw_point *q)
{
    return q->cost_usd;
}
static double
get_outdated(const struct sw_point *q)
{
    return q->outdated;
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
    char a[32], b[32];

    rep_doc_h2(doc, "Scenario");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Sweep %lld runs topology ", (long long)s->id);
    rep_doc_bold(doc, "%s", s->topology);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, s->topology_path);
    rep_doc_text(doc, "; %s) with workload ", strbuf_str(&shape));
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
    rep_doc_text(doc,
                 ": %s points, %s of them complete. Every point uses the "
                 "same seed, so the points differ only in what is varied.",
                 rep_fmt_count(s->n_points, a, sizeof a),
                 rep_fmt_count((int64_t)s->n_complete, b, sizeof b));
    rep_doc_p_end(doc);

    int64_t *rank = ranked(s);
    rep_doc_h2(doc, "Findings");
    rep_doc_p_begin(doc);
    const struct sw_point *best = &s->points[rank[0]];
    rep_doc_text(doc, "The highest offload, ");
    rep_doc_bold(doc, "%s", rep_fmt_pct(best->offload, a, sizeof a));
    rep_doc_text(doc, ", comes from point %lld (", (long long)best->point);
    rep_doc_code(doc, best->params);
    rep_doc_text(doc,
                 "): byte offload %s, p99 latency %.1f ms, origin peak "
                 "%s requests/s, cost $%.4f. ",
                 rep_fmt_pct(best->byte_offload, a, sizeof a), best->p99_ms,
                 rep_fmt_count(best->origin_peak_rps, b, sizeof b),
                 best->cost_usd);
    describe_range(doc, s, "Offload", get_offload, "%");
    describe_range(doc, s, "Byte offload", get_bytes, "%");
    describe_range(doc, s, "The p99 latency", get_p99, "%.1f ms");
    describe_range(doc, s, "Egress cost", get_cost, "$%.4f");
    if (has_outdated(s))
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

    rep_doc_h2(doc, "Best points");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Ranked by offload as shown (to 0.01%%), the cheaper "
                      "point first where that is equal.");
    rep_doc_p_end(doc);
    rep_doc_table_begin(doc, POINT_COLS, point_head, point_right);
    for (size_t i = 0; i < s->n_complete && i < SWEEP_BEST; i++)
        point_row(doc, s, &s->points[rank[i]]);
    rep_doc_table_end(doc);
    free(rank);

    rep_doc_h2(doc, "Plots");
    for (size_t m = 0; m < n_metrics(s); m++)
        rep_doc_figure(doc, sw_metrics[m].name, sw_metrics[m].caption);

    rep_doc_h2(doc, "All points");
    rep_doc_table_begin(doc, POINT_COLS, point_head, point_right);
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        if (q->is_complete) {
            point_row(doc, s, q);
            continue;
        }
        rep_doc_cell(doc, "%lld", (long long)q->point);
        rep_doc_cell(doc, "%s", q->params);
        for (int c = 0; c < 5; c++)
            rep_doc_cell(doc, "%s", c == 0 ? "not run yet" : "");
        rep_doc_cell(doc, "%s", "");
    }
    rep_doc_table_end(doc);
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
    int code = load_sweep(d, sweep_id, &s);
    if (code == 0 && s.n_complete == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "sweep %lld has no complete points yet",
                           (long long)sweep_id);
    if (code == 0 && s.n_vary == 0)
        code =
            sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                        "sweep %lld has no --vary rows", (long long)sweep_id);
    if (code == 0)
        code = pick_x(d, &s, o->x_path, &x);
    if (code == 0) {
        make_layout(&s, x, &l);
        code = sweep_plots(pl, &s, x, &l);
    }
    if (code == 0)
        code = sweep_doc(d, o, &s, x, &l);
    layout_fini(&l);
    sw_fini(&s);
    return code;
}

/* ---- The table `cdnsim sweep` prints ----------------------------------- */

int
rep_print_sweep(const char *db_path, int64_t sweep_id, FILE *out,
                struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    memset(&s, 0, sizeof s);
    int code = rep_db_open(&d, db_path, err);
    if (code == 0 && !rep_db_has_table(&d, "sweeps"))
        code = sim_err_set(err, -SIM_ENOENT, db_path, 0, 0, NULL,
                           "the database holds no sweeps");
    if (code == 0)
        code = load_sweep(&d, sweep_id, &s);
    /* Values may hold newlines or escape sequences: shown escaped, so
     * that each point keeps its row and the terminal is not driven. */
    char **shown = NULL; /* [n_points]: params as esc_term writes them */
    if (code == 0) {
        /* Column widths from the longest cell. */
        int wp = (int)strlen("parameters");
        shown = xcalloc((size_t)s.n_points + 1, sizeof *shown);
        for (int64_t p = 0; p < s.n_points; p++) {
            shown[p] = esc_term_dup(s.points[p].params);
            int n = (int)strlen(shown[p]);
            wp = n > wp ? n : wp;
        }
        fprintf(out, "%5s  %-*s  %8s  %9s  %9s  %11s  %9s  %5s\n", "point", wp,
                "parameters", "offload%", "byte-off%", "p99(ms)", "origin-peak",
                "cost($)", "run");
        for (int64_t p = 0; p < s.n_points; p++) {
            const struct sw_point *q = &s.points[p];
            if (!q->is_complete) {
                fprintf(out, "%5lld  %-*s  %8s\n", (long long)q->point, wp,
                        shown[p], "pending");
                continue;
            }
            fprintf(out,
                    "%5lld  %-*s  %8.2f  %9.2f  %9.3f  %11lld  %9.4f"
                    "  %5lld\n",
                    (long long)q->point, wp, shown[p], 100 * q->offload,
                    100 * q->byte_offload, q->p99_ms,
                    (long long)q->origin_peak_rps, q->cost_usd,
                    (long long)q->run_id);
        }
        for (int64_t p = 0; p < s.n_points; p++)
            free(shown[p]);
        free(shown);
    }
    sw_fini(&s);
    rep_db_close(&d);
    return code;
}
