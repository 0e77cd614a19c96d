/* db_top.c: a run's --top lists (model/top.c) as rows of top_objects:
 * one per object and ranking, in rank order. */
#include <sqlite3.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"

/* The rows of one ranking ("origin_requests" or "origin_bytes"). */
static int
insert_ranking(struct db *d, sqlite3_stmt *st, int64_t id, const char *ranking,
               const struct met_top_object *v, size_t n)
{
    int code = 0;
    for (size_t i = 0; code == 0 && i < n; i++) {
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, ranking);
        db_bind_u64(&w, i + 1);
        db_bind_u64(&w, v[i].object);
        db_bind_text(&w, v[i].class_name);
        db_bind_u64(&w, v[i].requests);
        db_bind_u64(&w, v[i].origin_requests);
        db_bind_u64(&w, v[i].origin_bytes);
        code = db_row_insert(d, &w, "inserting into top_objects");
    }
    return code;
}

int
db_insert_top(struct db *d, const struct met_run *r, int64_t id)
{
    if (!r->has_top)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d,
                          "INSERT INTO top_objects (run_id, ranking, rank,"
                          " object, class, requests, origin_requests,"
                          " origin_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                          &st);
    if (code == 0)
        code = insert_ranking(d, st, id, "origin_requests", r->top_by_requests,
                              r->n_top_by_requests);
    if (code == 0)
        code = insert_ranking(d, st, id, "origin_bytes", r->top_by_bytes,
                              r->n_top_by_bytes);
    sqlite3_finalize(st);
    return code;
}
