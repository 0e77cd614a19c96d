/* sweep_plots.c: the figures of a sweep against the varied parameter:
 * which --vary is the x axis, how points group into series, and the
 * gnuplot data and scripts. */

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

int
sw_pick_x(struct rep_db *d, const struct sw_info *s, const char *x_path,
          size_t *x)
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
void
sw_layout_fini(struct sw_layout *l)
{
    for (size_t i = 0; i < l->n_series; i++)
        free(l->titles[i]);
    free(l->titles);
    free(l->start);
    free(l->order);
}

void
sw_make_layout(const struct sw_info *s, size_t x, struct sw_layout *l)
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

/* Does any complete point have outdated answers? Without, the outdated
 * plot would be a flat line at 0 and is left out. */
int
sw_has_outdated(const struct sw_info *s)
{
    for (int64_t p = 0; p < s->n_points; p++)
        if (s->points[p].is_complete && PV(&s->points[p], M_OUTDATED) > 0)
            return 1;
    return 0;
}

/* Is metric k drawn: measured at some point (not a figure an older
 * file lacks), and the outdated share only when there is one? */
int
sw_is_drawn(const struct sw_info *s, size_t k)
{
    if (k == M_OUTDATED && !sw_has_outdated(s))
        return 0;
    for (int64_t p = 0; p < s->n_points; p++)
        if (s->points[p].is_complete && isfinite(PV(&s->points[p], k)))
            return 1;
    return 0;
}

/* A value as a plot or table shows it: shares in percent. */
double
sw_shown(const struct sw_info *s, size_t k, double v)
{
    return s->metrics[k].m.is_ratio ? 100 * v : v;
}

int
sw_plots(struct rep_plotter *pl, const struct sw_info *s, size_t x,
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
    int has_ci = s->n_replications > 1;
    int code = 0;
    for (size_t m = 0; code == 0 && m < s->n_metrics; m++) {
        if (!sw_is_drawn(s, m))
            continue;
        const struct sw_metric *sm = &s->metrics[m];
        struct rep_plot p;
        code = rep_plot_begin(pl, &p, sm->plot, "sweep.gp");
        if (code != 0)
            break;
        fprintf(p.data,
                "# x\tx label\tpoint\truns\t95%% CI half-width"
                "\t%s\n",
                sm->ylabel);
        for (size_t i = 0; i < l->n_series; i++) {
            fputs("# series: ", p.data);
            rep_dat_label(p.data, l->titles[i]);
            fputc('\n', p.data);
            for (size_t k = l->start[i]; k < l->start[i + 1]; k++) {
                const struct sw_point *q = &s->points[l->order[k]];
                if (!isfinite(PV(q, m)))
                    continue;
                fprintf(p.data, "%.17g\t", x_coord(s, q, x));
                rep_dat_label(p.data, q->value[x] ? q->value[x] : "");
                double ci = isfinite(q->ci[m]) ? sw_shown(s, m, q->ci[m]) : 0;
                fprintf(p.data, "\t%lld\t%lld\t%.6f\t%.6f\n",
                        (long long)q->point, (long long)q->n_runs, ci,
                        sw_shown(s, m, PV(q, m)));
            }
            fputs("\n\n", p.data);
        }
        /* Tick labels by point number (column 3), exactly as given. */
        rep_plot_strs(&p, "xlabels", xlabels, (size_t)s->n_points);
        rep_plot_num(&p, "n", (double)l->n_series);
        rep_plot_strs(&p, "titles", (const char *const *)l->titles,
                      l->n_series);
        rep_plot_num(&p, "errorbars", has_ci);
        char *title = has_ci
                          ? xasprintf("%s (mean of %lld runs, 95%% CI)",
                                      sm->title, (long long)s->n_replications)
                          : xstrdup(sm->title);
        rep_plot_str(&p, "ptitle", title);
        free(title);
        rep_plot_str(&p, "ytitle", sm->ylabel);
        rep_plot_str(&p, "xtitle", xlabel);
        rep_plot_num(&p, "logx", l->logx);
        code = rep_plot_draw(pl, &p);
    }
    free(xlabels);
    free(xlabel);
    return code;
}
