/* db_sweep.c: sweeps in the results database: the points of a sweep,
 * recording or resuming one (refused when a file changed), writing a
 * point's run, and a sweep's summary rows. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/strbuf.h"
#include "util/utc.h"
#include "util/xalloc.h"

/* ---- Sweeps ------------------------------------------------------------- */

uint64_t
met_sweep_n_points(const struct met_sweep *s)
{
    uint64_t n = 1;
    for (size_t j = 0; j < s->n_vary; j++)
        if (!s->vary[j].is_with)
            n *= s->vary[j].n_values;
    return n;
}

size_t
met_sweep_value(const struct met_sweep *s, uint64_t p, size_t j)
{
    /* Mixed radix over the dimensions, the last the lowest digit; a
     * --vary-with is a digit of the --vary before it. */
    while (j > 0 && s->vary[j].is_with)
        j--;
    for (size_t k = s->n_vary; k-- > j + 1;)
        if (!s->vary[k].is_with)
            p /= s->vary[k].n_values;
    return (size_t)(p % s->vary[j].n_values);
}

char *
met_sweep_params(const struct met_sweep *s, uint64_t p)
{
    size_t len = 1;
    for (size_t j = 0; j < s->n_vary; j++)
        len += strlen(s->vary[j].path) + 2 +
               strlen(s->vary[j].values[met_sweep_value(s, p, j)]);
    char *out = xmalloc(len);
    size_t n = 0;
    for (size_t j = 0; j < s->n_vary; j++)
        n += (size_t)snprintf(out + n, len - n, "%s%s=%s", j ? " " : "",
                              s->vary[j].path,
                              s->vary[j].values[met_sweep_value(s, p, j)]);
    out[n] = '\0';
    return out;
}

/* Point p's assignments as a JSON object; caller frees. */
static char *
sweep_params_json(const struct met_sweep *s, uint64_t p)
{
    struct strbuf b = {0};
    strbuf_put(&b, "{");
    for (size_t j = 0; j < s->n_vary; j++) {
        if (j)
            strbuf_put(&b, ", ");
        strbuf_put_json(&b, s->vary[j].path);
        strbuf_put(&b, ": ");
        strbuf_put_json(&b, s->vary[j].values[met_sweep_value(s, p, j)]);
    }
    strbuf_put(&b, "}");
    return strbuf_take(&b);
}

/* The --vary arguments, one "PATH=SPEC" a line ("--vary-with PATH=SPEC"
 * for a --vary-with); caller frees. */
static char *
sweep_vary_text(const struct met_sweep *s)
{
    struct strbuf b = {0};
    for (size_t j = 0; j < s->n_vary; j++)
        strbuf_printf(&b, "%s%s%s=%s", j ? "\n" : "",
                      s->vary[j].is_with ? "--vary-with " : "", s->vary[j].path,
                      s->vary[j].spec);
    return strbuf_take(&b);
}

/* The newest sweep of this identity, and the digests it began with. */
struct sweep_found {
    int64_t id; /* 0: none */
    uint64_t n_points;
    char *topology_sha256, *workload_sha256; /* NULL: not recorded */
    char *trace_sha256;                      /* NULL: none recorded */
};

static char *
col_dup_or_null(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

/* The digest of the trace sweep f->id began with, if it recorded one. */
static int
sweep_find_trace(struct db *d, struct sweep_found *f)
{
    static const char sql[] = "SELECT sha256 FROM sweep_files WHERE"
                              " sweep_id = ? AND role = 'trace'";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, f->id);
    int rc = w.rc == SQLITE_OK ? sqlite3_step(st) : w.rc;
    if (rc == SQLITE_ROW)
        f->trace_sha256 = col_dup_or_null(st, 0);
    else if (rc != SQLITE_DONE)
        code = db_fail(d, "looking up the sweep's trace");
    sqlite3_finalize(st);
    return code;
}

/* Looks the sweep up by identity; f->id = 0 if there is none. */
static int
sweep_find(struct db *d, const struct met_sweep *s, const char *vary,
           struct sweep_found *f)
{
    static const char sql[] =
        "SELECT id, points, topology_sha256, workload_sha256 FROM sweeps"
        " WHERE topology_path = ? AND workload_path = ? AND vary = ? AND"
        " overrides = ? ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct db_row w;
    db_row_start(&w, st);
    db_bind_text(&w, s->topology_path);
    db_bind_text(&w, s->workload_path);
    db_bind_text(&w, vary);
    db_bind_text(&w, s->overrides);
    memset(f, 0, sizeof *f);
    int rc = w.rc == SQLITE_OK ? sqlite3_step(st) : w.rc;
    if (rc == SQLITE_ROW) {
        f->id = sqlite3_column_int64(st, 0);
        f->n_points = (uint64_t)sqlite3_column_int64(st, 1);
        f->topology_sha256 = col_dup_or_null(st, 2);
        f->workload_sha256 = col_dup_or_null(st, 3);
    } else if (rc != SQLITE_DONE) {
        code = db_fail(d, "looking up the sweep");
    }
    sqlite3_finalize(st);
    if (code == 0 && f->id != 0)
        code = sweep_find_trace(d, f);
    return code;
}

/* A recorded digest that differs from now's (neither unknown). */
static int
digest_differs(const char *recorded, const char *now)
{
    return recorded && now && strcmp(recorded, now) != 0;
}

/* Refuses to resume sweep f when a file changed since it began. */
static int
sweep_check_files(struct db *d, const struct met_sweep *s,
                  const struct sweep_found *f)
{
    const char *file = NULL, *was = NULL, *now = NULL;
    if (digest_differs(f->topology_sha256, s->topology_sha256)) {
        file = s->topology_path;
        was = f->topology_sha256;
        now = s->topology_sha256;
    } else if (digest_differs(f->workload_sha256, s->workload_sha256)) {
        file = s->workload_path;
        was = f->workload_sha256;
        now = s->workload_sha256;
    } else if (digest_differs(f->trace_sha256, s->trace_sha256)) {
        file = s->trace_path;
        was = f->trace_sha256;
        now = s->trace_sha256;
    }
    if (file == NULL)
        return 0;
    return sim_err_set(d->err, -SIM_EBADVAL, d->path, 0, 0, NULL,
                       "sweep %lld began with other contents of %s (SHA-256 "
                       "%.12s..., now %.12s...), so its points cannot be "
                       "resumed: run with --force-new to start a new sweep "
                       "in this file, or restore the file",
                       (long long)f->id, file, was, now);
}

/* The sweeps row; *id is its id. */
static int
insert_sweep_row(struct db *d, const struct met_sweep *s, const char *vary,
                 int64_t *id)
{
    static const char sql[] =
        "INSERT INTO sweeps (topology_path, workload_path, seed, vary,"
        " overrides, points, created, topology_sha256, topology_text,"
        " workload_sha256, workload_text, cdnsim_version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    char created[UTC_TEXT_LEN];
    utc_now(created);
    struct db_row w;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    db_row_start(&w, st);
    db_bind_text(&w, s->topology_path);
    db_bind_text(&w, s->workload_path);
    db_bind_u64(&w, s->seed);
    db_bind_text(&w, vary);
    db_bind_text(&w, s->overrides);
    db_bind_u64(&w, met_sweep_n_points(s));
    db_bind_text(&w, created);
    db_bind_opt_text(&w, s->topology_sha256);
    db_bind_opt_text(&w, s->topology_text);
    db_bind_opt_text(&w, s->workload_sha256);
    db_bind_opt_text(&w, s->workload_text);
    db_bind_opt_text(&w, s->cdnsim_version);
    code = db_row_insert(d, &w, "inserting into sweeps");
    if (code == 0)
        *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    sqlite3_finalize(st);
    return code;
}

/* One sweep_vary row per --vary and --vary-with, in command-line order;
 * moves_with is the --vary a --vary-with moves with. */
static int
insert_vary_rows(struct db *d, const struct met_sweep *s, int64_t id)
{
    static const char sql[] =
        "INSERT INTO sweep_vary (sweep_id, position, path, spec, kind,"
        " n_values, moves_with, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    struct db_row w;
    int code = db_prepare(d, sql, &st);
    for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_u64(&w, j);
        db_bind_text(&w, s->vary[j].path);
        db_bind_text(&w, s->vary[j].spec);
        db_bind_text(&w, s->vary[j].kind);
        db_bind_u64(&w, s->vary[j].n_values);
        size_t lead = j;
        while (lead > 0 && s->vary[lead].is_with)
            lead--;
        if (lead != j)
            db_bind_u64(&w, lead);
        else if (w.rc == SQLITE_OK)
            w.rc = sqlite3_bind_null(st, ++w.col);
        struct strbuf fields = {0};
        for (size_t i = 0; i < s->vary[j].n_fields; i++)
            strbuf_printf(&fields, "%s%s", i ? "\n" : "", s->vary[j].fields[i]);
        char *ftext = s->vary[j].n_fields ? strbuf_take(&fields)
                                          : xstrdup(s->vary[j].path);
        db_bind_text(&w, ftext);
        code = db_row_insert(d, &w, "inserting into sweep_vary");
        free(ftext);
    }
    sqlite3_finalize(st);
    return code;
}

/* Every point, pending, with its value of each --vary. */
static int
insert_point_rows(struct db *d, const struct met_sweep *s, int64_t id)
{
    static const char sql_point[] =
        "INSERT INTO sweep_points (sweep_id, point, params, params_json,"
        " status, run_id) VALUES (?, ?, ?, ?, 'pending', NULL)";
    static const char sql_param[] =
        "INSERT INTO sweep_params (sweep_id, point, position, path, value,"
        " value_num) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *sp = NULL, *sa = NULL;
    struct db_row w;
    uint64_t n_points = met_sweep_n_points(s);
    int code = db_prepare(d, sql_point, &sp);
    if (code == 0)
        code = db_prepare(d, sql_param, &sa);
    for (uint64_t p = 0; code == 0 && p < n_points; p++) {
        char *params = met_sweep_params(s, p);
        char *json = sweep_params_json(s, p);
        db_row_start(&w, sp);
        db_bind_i64(&w, id);
        db_bind_u64(&w, p);
        db_bind_text(&w, params);
        db_bind_text(&w, json);
        code = db_row_insert(d, &w, "inserting into sweep_points");
        free(json);
        free(params);
        for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
            const struct met_sweep_vary *v = &s->vary[j];
            size_t k = met_sweep_value(s, p, j);
            db_row_start(&w, sa);
            db_bind_i64(&w, id);
            db_bind_u64(&w, p);
            db_bind_u64(&w, j);
            db_bind_text(&w, v->path);
            db_bind_text(&w, v->values[k]);
            if (v->nums)
                db_bind_real(&w, v->nums[k]);
            else if (w.rc == SQLITE_OK)
                w.rc = sqlite3_bind_null(sa, ++w.col);
            code = db_row_insert(d, &w, "inserting into sweep_params");
        }
    }
    sqlite3_finalize(sa);
    sqlite3_finalize(sp);
    return code;
}

/* Adds the --metric paths the sweep does not hold yet, after those it
 * holds, so that its table and report show them without asking again. */
static int
sweep_remember_metrics(struct db *d, const struct met_sweep *s, int64_t id)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO sweep_metrics (sweep_id, position, path)"
        " SELECT ?1, COALESCE(MAX(position) + 1, 0), ?2 FROM sweep_metrics"
        " WHERE sweep_id = ?1";
    if (s->n_metrics == 0)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    struct db_row w;
    for (size_t i = 0; code == 0 && i < s->n_metrics; i++) {
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, s->metrics[i]);
        code = db_row_insert(d, &w, "inserting into sweep_metrics");
    }
    sqlite3_finalize(st);
    return code;
}

/* A new sweep: its row, its dimensions and its pending points. */
static int
sweep_insert(struct db *d, const struct met_sweep *s, const char *vary,
             int64_t *id)
{
    int code = insert_sweep_row(d, s, vary, id);
    if (code == 0)
        code = db_insert_trace_file(d, "sweep_files", *id, s->trace_path,
                                    s->trace_sha256);
    if (code == 0)
        code = insert_vary_rows(d, s, *id);
    if (code == 0)
        code = insert_point_rows(d, s, *id);
    return code;
}

static int
sweep_done_points(struct db *d, int64_t id, uint64_t n_points,
                  unsigned char *is_done)
{
    static const char sql[] =
        "SELECT point FROM sweep_points WHERE sweep_id = ? AND"
        " status = 'complete'";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    int rc = sqlite3_bind_int64(st, 1, id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 p = sqlite3_column_int64(st, 0);
        if (p >= 0 && (uint64_t)p < n_points)
            is_done[p] = 1;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        code = db_fail(d, "reading the sweep's points");
    sqlite3_finalize(st);
    return code;
}

int
met_sweep_begin(const char *path, const struct met_sweep *s, int64_t *sweep_id,
                unsigned char *is_done, struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    uint64_t n_points = met_sweep_n_points(s);
    char *vary = sweep_vary_text(s);
    int64_t id = 0;
    struct sweep_found f = {0};
    *sweep_id = 0;
    memset(is_done, 0, (size_t)n_points);
    int code = db_begin(&d);
    if (code == 0 && !s->is_new)
        code = sweep_find(&d, s, vary, &f);
    if (code == 0 && f.id != 0)
        code = sweep_check_files(&d, s, &f);
    id = f.id;
    if (code == 0 && id != 0 && f.n_points != n_points)
        code = sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "sweep %lld is recorded with %llu points, but "
                           "its --vary arguments now give %llu",
                           (long long)id, (unsigned long long)f.n_points,
                           (unsigned long long)n_points);
    else if (code == 0 && id != 0)
        code = sweep_done_points(&d, id, n_points, is_done);
    else if (code == 0)
        code = sweep_insert(&d, s, vary, &id);
    if (code == 0)
        code = sweep_remember_metrics(&d, s, id);
    code = db_close(&d, code);
    free(f.topology_sha256);
    free(f.workload_sha256);
    free(f.trace_sha256);
    free(vary);
    if (code == 0)
        *sweep_id = id;
    else
        memset(is_done, 0, (size_t)n_points);
    return code;
}

/* The point's status and run; an error when the sweep has no such point. */
int
db_point_status(struct db *d, int64_t sweep_id, uint64_t p, int *is_complete,
                int64_t *run_id)
{
    static const char sql[] =
        "SELECT status = 'complete', run_id FROM sweep_points"
        " WHERE sweep_id = ? AND point = ?";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, sweep_id);
    db_bind_u64(&w, p);
    int rc = w.rc == SQLITE_OK ? sqlite3_step(st) : w.rc;
    if (rc == SQLITE_ROW) {
        *is_complete = sqlite3_column_int(st, 0);
        *run_id = sqlite3_column_int64(st, 1);
    } else if (rc == SQLITE_DONE) {
        code = sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "sweep %lld has no point %llu", (long long)sweep_id,
                           (unsigned long long)p);
    } else {
        code = db_fail(d, "reading a sweep point");
    }
    sqlite3_finalize(st);
    return code;
}

int
db_point_complete(struct db *d, int64_t sweep_id, uint64_t p, int64_t run_id)
{
    static const char sql[] =
        "UPDATE sweep_points SET status = 'complete', run_id = ?"
        " WHERE sweep_id = ? AND point = ?";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, run_id);
    db_bind_i64(&w, sweep_id);
    db_bind_u64(&w, p);
    code = db_row_insert(d, &w, "marking the sweep point complete");
    sqlite3_finalize(st);
    return code;
}

int
met_write_db_point(const struct met_run *r, const char *path, int64_t sweep_id,
                   uint64_t p, int64_t *run_id, struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    int is_complete = 0;
    *run_id = 0;
    int code = db_begin(&d);
    if (code == 0)
        code = db_point_status(&d, sweep_id, p, &is_complete, &id);
    if (code == 0 && !is_complete) {
        code = db_insert_all(&d, r, &id);
        if (code == 0)
            code = db_point_complete(&d, sweep_id, p, id);
    }
    code = db_close(&d, code);
    if (code == 0)
        *run_id = id;
    return code;
}

void
met_summary_rows_free(struct met_summary_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].params);
        free(rows[i].metric);
    }
    free(rows);
}

int
met_sweep_write_summary(const char *path, int64_t sweep_id,
                        const struct met_summary_row *rows, size_t n,
                        struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    sqlite3_stmt *del = NULL, *ins = NULL;
    int code = db_begin(&d);
    if (code == 0)
        code = db_prepare(&d, "DELETE FROM sweep_summary WHERE sweep_id = ?",
                          &del);
    if (code == 0) {
        struct db_row w;
        db_row_start(&w, del);
        db_bind_i64(&w, sweep_id);
        code = db_row_insert(&d, &w, "clearing sweep_summary");
    }
    if (code == 0)
        code = db_prepare(&d,
                          "INSERT INTO sweep_summary (sweep_id, point, params,"
                          " metric, runs, mean, stddev, ci95) VALUES (?, ?,"
                          " ?, ?, ?, ?, ?, ?)",
                          &ins);
    for (size_t i = 0; code == 0 && i < n; i++) {
        const struct met_summary_row *r = &rows[i];
        struct db_row w;
        db_row_start(&w, ins);
        db_bind_i64(&w, sweep_id);
        db_bind_i64(&w, r->point);
        db_bind_text(&w, r->params);
        db_bind_text(&w, r->metric);
        db_bind_i64(&w, r->n);
        db_bind_real(&w, r->mean);
        if (w.rc == SQLITE_OK)
            w.rc = isfinite(r->stddev)
                       ? sqlite3_bind_double(ins, ++w.col, r->stddev)
                       : sqlite3_bind_null(ins, ++w.col);
        if (w.rc == SQLITE_OK)
            w.rc = isfinite(r->ci95)
                       ? sqlite3_bind_double(ins, ++w.col, r->ci95)
                       : sqlite3_bind_null(ins, ++w.col);
        code = db_row_insert(&d, &w, "inserting into sweep_summary");
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return db_close(&d, code);
}
