/* sweep_print.c: what `cdnsim sweep` prints when it is done: the table,
 * the sweep as JSON and its summary rows in the database. */

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

/* ---- The table `cdnsim sweep` prints ----------------------------------- */

/* The printed table's columns: heads of the fixed figures, in the enum's
 * order (outdated is not printed). */
static const char *const table_head[M_N_FIXED] = {
    "offload%",    "byte-off%",   "p99(ms)", "origin-peak",
    "steady-peak", "origin-mean", "cost($)", NULL};

/* Figure k of the printed table in its column's units and digits. */
static char *
table_value(const struct sw_info *s, size_t k, double v)
{
    if (!isfinite(v))
        return xstrdup("n/a");
    switch (k) {
    case M_OFFLOAD:
    case M_BYTE_OFFLOAD:
        return xasprintf("%.2f", 100 * v);
    case M_P99:
        return xasprintf("%.3f", v);
    case M_PEAK:
    case M_STEADY_PEAK:
        return xasprintf("%.0f", v);
    case M_MEAN_RPS:
        return xasprintf("%.1f", v);
    case M_COST:
        return xasprintf("%.4f", v);
    default:
        return xasprintf(s->metrics[k].m.is_ratio ? "%.4f" : "%.3f", v);
    }
}

static int
is_table_column(const struct sw_info *s, size_t k)
{
    return k < M_N_FIXED ? table_head[k] != NULL : s->metrics[k].in_table;
}

/* Loads sweep_id of db_path for the figures want asks for; the caller
 * ends with close_sweep. On failure nothing is left open: *s is zeroed
 * and d closed (close_sweep may still be called). */
static int
open_sweep(const char *db_path, int64_t sweep_id, const struct sw_want *want,
           struct rep_db *d, struct sw_info *s, struct sim_err *err)
{
    memset(s, 0, sizeof *s);
    int code = rep_db_open(d, db_path, err);
    if (code == 0 && !rep_db_has_table(d, "sweeps"))
        code = sim_err_set(err, -SIM_ENOENT, db_path, 0, 0, NULL,
                           "the database holds no sweeps");
    if (code == 0)
        code = sw_load(d, sweep_id, want, s);
    if (code != 0) {
        sw_fini(s);
        memset(s, 0, sizeof *s);
        rep_db_close(d);
    }
    return code;
}

static void
close_sweep(struct rep_db *d, struct sw_info *s)
{
    sw_fini(s);
    rep_db_close(d);
}

/* The printed table as cells, row 0 the heads; a pending point's row
 * ends after its status. Values may hold newlines or escape sequences:
 * parameters are shown escaped, so that each point keeps its row and the
 * terminal is not driven. */
static char **
table_cells(const struct sw_info *s, size_t *n_rows_out, size_t *n_cols_out)
{
    size_t n_cols = 2, n_rows = (size_t)s->n_points + 1;
    size_t *col_of = xcalloc(s->n_metrics + 1, sizeof *col_of);
    for (size_t k = 0; k < s->n_metrics; k++)
        if (is_table_column(s, k))
            col_of[k] = n_cols++;
    size_t run_col = n_cols++;
    char **cell = xcalloc(n_rows * n_cols, sizeof *cell);
    cell[0] = xstrdup("point");
    cell[1] = xstrdup("parameters");
    for (size_t k = 0; k < s->n_metrics; k++)
        if (is_table_column(s, k))
            cell[col_of[k]] =
                xstrdup(k < M_N_FIXED ? table_head[k] : s->metrics[k].m.path);
    cell[run_col] = xstrdup(s->n_replications > 1 ? "runs" : "run");
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        char **row = cell + ((size_t)p + 1) * n_cols;
        row[0] = xasprintf("%lld", (long long)q->point);
        row[1] = esc_term_dup(q->params);
        if (!q->is_complete) {
            row[2] = xstrdup(
                q->n_runs > 0 && s->n_replications > 1 ? "partial" : "pending");
            continue;
        }
        for (size_t k = 0; k < s->n_metrics; k++) {
            if (!is_table_column(s, k))
                continue;
            char *v = table_value(s, k, PV(q, k));
            if (s->n_replications > 1 && isfinite(q->ci[k])) {
                char *ci = table_value(s, k, q->ci[k]);
                row[col_of[k]] = xasprintf("%s±%s", v, ci);
                free(ci);
                free(v);
            } else {
                row[col_of[k]] = v;
            }
        }
        row[run_col] =
            xasprintf("%lld", s->n_replications > 1 ? (long long)q->n_runs
                                                    : (long long)q->run_id);
    }
    free(col_of);
    *n_rows_out = n_rows;
    *n_cols_out = n_cols;
    return cell;
}

/* Prints the cells in columns as wide as their longest cell, the
 * parameters left-aligned and the figures right-aligned. */
static void
print_cells(char **cell, size_t n_rows, size_t n_cols, FILE *out)
{
    int *width = xcalloc(n_cols, sizeof *width);
    for (size_t r = 0; r < n_rows; r++)
        for (size_t c = 0; c < n_cols; c++) {
            const char *t = cell[r * n_cols + c];
            /* "±" is two bytes and one column. */
            int w = t ? (int)strlen(t) - (strstr(t, "±") ? 1 : 0) : 0;
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++) {
            const char *t = cell[r * n_cols + c];
            if (t == NULL)
                break; /* a pending point's row ends early */
            int pad = width[c] + (strstr(t, "±") ? 1 : 0);
            if (c == 1)
                fprintf(out, "  %-*s", pad, t);
            else
                fprintf(out, "%s%*s", c ? "  " : "", pad, t);
        }
        fputc('\n', out);
    }
    free(width);
}

int
rep_print_sweep(const char *db_path, int64_t sweep_id,
                const char *const *metrics, size_t n_metrics, FILE *out,
                struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {.paths = metrics, .n_paths = n_metrics};
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code != 0)
        return code;
    size_t n_rows, n_cols;
    char **cell = table_cells(&s, &n_rows, &n_cols);
    print_cells(cell, n_rows, n_cols, out);
    if (s.n_replications > 1)
        fprintf(out,
                "\nmeans of %lld runs per point (seeds from %lld, "
                "--replications) ± the half-width of their 95%% "
                "confidence interval (Student's t)\n",
                (long long)s.n_replications, (long long)s.seed);
    for (size_t i = 0; i < n_rows * n_cols; i++)
        free(cell[i]);
    free(cell);
    code = rep_links_sweep_warnings(&d, sweep_id, out);
    close_sweep(&d, &s);
    return code;
}

/* ---- The sweep as JSON, and its summary rows --------------------------- */

/* A string, or null when not recorded (files older than version 4). */
static void
json_opt_str(FILE *out, const char *v)
{
    if (v)
        json_fputs(out, v);
    else
        fputs("null", out);
}

static void
json_num(FILE *out, double v)
{
    if (!isfinite(v))
        fputs("null", out);
    else
        fprintf(out, "%.6f", fabs(v) < 5e-7 ? 0.0 : v);
}

/* The sweep's identity, its --vary parameters and the metrics' paths:
 * the members before "points". */
static void
json_sweep_head(FILE *out, const struct sw_info *s)
{
    fprintf(out,
            "{\n  \"sweep\": %lld,\n  \"topology_path\": ", (long long)s->id);
    json_fputs(out, s->topology_path);
    fputs(",\n  \"workload_path\": ", out);
    json_fputs(out, s->workload_path);
    fputs(",\n  \"topology_sha256\": ", out);
    json_opt_str(out, s->topology_sha256);
    fputs(",\n  \"workload_sha256\": ", out);
    json_opt_str(out, s->workload_sha256);
    fputs(",\n  \"cdnsim_version\": ", out);
    json_opt_str(out, s->cdnsim_version);
    fprintf(out, ",\n  \"seed\": %lld,\n  \"overrides\": ", (long long)s->seed);
    json_fputs(out, s->overrides);
    fprintf(out, ",\n  \"replications\": %lld,\n  \"vary\": [",
            (long long)s->n_replications);
    for (size_t j = 0; j < s->n_vary; j++) {
        fputs(j ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
        json_fputs(out, s->vary[j].path);
        fputs(", \"spec\": ", out);
        json_fputs(out, s->vary[j].spec);
        fputs(", \"kind\": ", out);
        json_fputs(out, s->vary[j].kind);
        fputc('}', out);
    }
    fputs(s->n_vary ? "\n  ],\n  \"metrics\": [" : "],\n  \"metrics\": [", out);
    for (size_t k = 0; k < s->n_metrics; k++) {
        fputs(k ? ", " : "", out);
        json_fputs(out, s->metrics[k].m.path);
    }
    fputs("]", out);
}

/* A point's "metrics" object: each metric's mean, confidence interval and
 * standard deviation (null for an incomplete point) and its runs' values. */
static void
json_point_metrics(FILE *out, const struct sw_info *s, const struct sw_point *q)
{
    fputs("],\n      \"metrics\": {", out);
    for (size_t k = 0; k < s->n_metrics; k++) {
        fputs(k ? ",\n        " : "\n        ", out);
        json_fputs(out, s->metrics[k].m.path);
        fputs(": {\"mean\": ", out);
        json_num(out, q->is_complete ? PV(q, k) : NAN);
        fputs(", \"ci95\": ", out);
        json_num(out, q->is_complete ? q->ci[k] : NAN);
        fputs(", \"stddev\": ", out);
        json_num(out, q->is_complete ? q->sd[k] : NAN);
        fputs(", \"values\": [", out);
        for (int64_t r = 0; r < q->n_rv; r++) {
            fputs(r ? ", " : "", out);
            json_num(out, q->rv[k * (size_t)q->n_rv + (size_t)r]);
        }
        fputs("]}", out);
    }
    fputs("\n      }\n    }", out);
}

/* One element of "points": its parameters, values, runs and metrics. */
static void
json_point(FILE *out, const struct sw_info *s, const struct sw_point *q,
           int is_first)
{
    fprintf(out, "%s\n    {\n      \"point\": %lld,\n      \"params\": ",
            is_first ? "" : ",", (long long)q->point);
    json_fputs(out, q->params);
    fputs(",\n      \"values\": {", out);
    for (size_t j = 0; j < s->n_vary; j++) {
        fputs(j ? ", " : "", out);
        json_fputs(out, s->vary[j].path);
        fputs(": ", out);
        json_fputs(out, q->value[j]);
    }
    fprintf(out, "},\n      \"complete\": %s,\n      \"run_ids\": [",
            q->is_complete ? "true" : "false");
    for (int64_t r = 0; r < q->n_rv; r++)
        fprintf(out, "%s%lld", r ? ", " : "", (long long)q->run_ids[r]);
    json_point_metrics(out, s, q);
}

int
rep_sweep_json(const char *db_path, int64_t sweep_id,
               const char *const *metrics, size_t n_metrics, FILE *out,
               struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {
        .paths = metrics, .n_paths = n_metrics, .defaults = 1};
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code != 0)
        return code;
    json_sweep_head(out, &s);
    fputs(",\n  \"points\": [", out);
    for (int64_t p = 0; p < s.n_points; p++)
        json_point(out, &s, &s.points[p], p == 0);
    fputs(s.n_points ? "\n  ]\n}\n" : "]\n}\n", out);
    close_sweep(&d, &s);
    if (fflush(out) != 0 || ferror(out))
        return sim_err_set(err, -SIM_EIO, "--json", 0, 0, NULL,
                           "cannot write the sweep's JSON");
    return 0;
}

int
rep_sweep_summary(const char *db_path, int64_t sweep_id,
                  const char *const *metrics, size_t n_metrics,
                  struct met_summary_row **rows, size_t *n_rows,
                  struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {
        .paths = metrics, .n_paths = n_metrics, .defaults = 1};
    *rows = NULL;
    *n_rows = 0;
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code == 0) {
        size_t n = 0;
        struct met_summary_row *v =
            xcalloc((size_t)s.n_points * s.n_metrics + 1, sizeof *v);
        for (int64_t p = 0; p < s.n_points; p++) {
            const struct sw_point *q = &s.points[p];
            if (!q->is_complete)
                continue;
            for (size_t k = 0; k < s.n_metrics; k++) {
                if (!isfinite(PV(q, k)))
                    continue;
                v[n++] = (struct met_summary_row){
                    .point = q->point,
                    .params = xstrdup(q->params),
                    .metric = xstrdup(s.metrics[k].m.path),
                    .n = q->n_runs,
                    .mean = PV(q, k),
                    .stddev = q->sd[k],
                    .ci95 = q->ci[k],
                };
            }
        }
        *rows = v;
        *n_rows = n;
    }
    close_sweep(&d, &s);
    return code;
}
