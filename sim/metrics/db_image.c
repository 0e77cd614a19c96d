/* db_image.c: a run as an in-memory database image (for MPI ranks that
 * cannot write the file), and copying one into the results database. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- Run images ----------------------------------------------------------
 *
 * An image is a whole in-memory database (sqlite3_serialize) holding one
 * run. Copying it into the destination goes table by table with column
 * lists read from the image, so it needs no second list of the columns. */

int
met_run_image(const struct met_run *r, void **image, size_t *len,
              struct sim_err *err)
{
    struct db d = {.h = NULL, .path = ":memory:", .err = err};
    int64_t id = 0;
    *image = NULL;
    *len = 0;
    int code = db_begin(&d);
    if (code == 0)
        code = db_insert_all(&d, r, &id);
    if (code == 0) {
        code = db_exec(&d, "COMMIT", "committing");
        if (code == 0)
            d.in_txn = 0;
    }
    if (code == 0) {
        sqlite3_int64 n = 0;
        unsigned char *bytes = sqlite3_serialize(d.h, "main", &n, 0);
        if (bytes == NULL || n <= 0) {
            code = db_fail(&d, "serialising the run");
        } else {
            *image = xmalloc((size_t)n);
            memcpy(*image, bytes, (size_t)n);
            *len = (size_t)n;
        }
        sqlite3_free(bytes);
    }
    return db_close(&d, code);
}

/* "a, b, c": the columns of img.<table> except skip; caller frees. */
static int
image_columns(struct db *d, const char *table, const char *skip, char **out)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA img.table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct strbuf b = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (name == NULL || strcmp(name, skip) == 0)
            continue;
        if (b.n)
            strbuf_put(&b, ", ");
        strbuf_put(&b, name);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || b.n == 0) {
        strbuf_fini(&b);
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image has no table %s", table);
    }
    *out = strbuf_take(&b);
    return 0;
}

/* Copies the image's rows of a per-run table under run id. */
static int
image_copy_table(struct db *d, const char *table, int64_t id)
{
    char *cols = NULL;
    int code = image_columns(d, table, "run_id", &cols);
    if (code != 0)
        return code;
    char *sql = xasprintf("INSERT INTO main.%s (run_id, %s) SELECT ?, %s"
                          " FROM img.%s ORDER BY rowid",
                          table, cols, cols, table);
    sqlite3_stmt *st = NULL;
    code = db_prepare(d, sql, &st);
    if (code == 0) {
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        char what[64];
        snprintf(what, sizeof what, "copying into %s", table);
        code = db_row_insert(d, &w, what);
    }
    sqlite3_finalize(st);
    free(sql);
    free(cols);
    return code;
}

/* Copies the image's one run; sets *id to its new id. */
static int
image_copy(struct db *d, int64_t *id)
{
    static const char *const tables[] = {
        "node_metrics",        "node_outcomes",   "region_metrics",
        "latency_histogram",   "timeseries",      "origin_load",
        "link_metrics",        "link_timeseries", "overload_metrics",
        "overload_timeseries", "class_metrics",   "top_objects",
        "origin_nodes"};
    char *cols = NULL;
    int code = image_columns(d, "runs", "id", &cols);
    if (code != 0)
        return code;
    char *sql = xasprintf("INSERT INTO main.runs (%s) SELECT %s FROM"
                          " img.runs",
                          cols, cols);
    code = db_exec(d, sql, "copying the run");
    free(sql);
    free(cols);
    if (code == 0 && sqlite3_changes(d->h) != 1)
        code = sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image holds %d runs, not one",
                           sqlite3_changes(d->h));
    if (code != 0)
        return code;
    *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    for (size_t i = 0; code == 0 && i < sizeof tables / sizeof *tables; i++)
        code = image_copy_table(d, tables[i], *id);
    return code;
}

/* Attaches a copy of image as schema img and checks that it
 * is a results database of this version. */
static int
image_attach(struct db *d, const void *image, size_t len)
{
    /* ATTACH is refused inside a transaction, so this comes first. */
    int code =
        db_exec(d, "ATTACH ':memory:' AS img", "attaching the run image");
    if (code != 0)
        return code;
    /* SQLite frees the copy when the connection closes (or at once if
     * it refuses the image). */
    unsigned char *copy = sqlite3_malloc64(len ? len : 1);
    if (copy == NULL)
        return db_fail(d, "copying the run image");
    memcpy(copy, image, len);
    /* Not SQLITE_DESERIALIZE_READONLY: BEGIN IMMEDIATE would then refuse
     * to start, since it locks every attached database. Nothing writes
     * to the copy. */
    if (sqlite3_deserialize(d->h, "img", copy, (sqlite3_int64)len,
                            (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE) != SQLITE_OK)
        return db_fail(d, "reading the run image");
    sqlite3_stmt *st = NULL;
    code = db_prepare(d, "PRAGMA img.user_version", &st);
    if (code != 0)
        return code;
    int rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(d, "reading the run image");
    if (version != MET_DB_VERSION)
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image has schema version %d, not %d",
                           version, MET_DB_VERSION);
    return 0;
}

int
met_write_db_point_image(const void *image, size_t len, const char *path,
                         int64_t sweep_id, uint64_t p, int64_t *run_id,
                         struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    int is_complete = 0;
    *run_id = 0;
    int code = db_open(&d);
    if (code == 0)
        code = image_attach(&d, image, len);
    if (code == 0)
        code = db_begin_txn(&d);
    if (code == 0)
        code = db_point_status(&d, sweep_id, p, &is_complete, &id);
    if (code == 0 && !is_complete) {
        code = image_copy(&d, &id);
        if (code == 0)
            code = db_point_complete(&d, sweep_id, p, id);
    }
    code = db_close(&d, code);
    if (code == 0)
        *run_id = id;
    return code;
}
