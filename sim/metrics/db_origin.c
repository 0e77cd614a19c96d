/* db_origin.c: the origin_nodes rows of a run whose topology has
 * origin_routes (model/origin_route.c counts them): what each origin
 * served. */
#include "metrics/db_int.h"
#include "metrics/metrics.h"

const char met_origin_nodes_schema[] =
    "CREATE TABLE IF NOT EXISTS origin_nodes ( -- version 20: runs with\n"
    "                                        -- origin_routes\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    origin           TEXT NOT NULL,     -- the origin node\n"
    "    requests         INTEGER NOT NULL,  -- measured requests it\n"
    "                                        -- answered; they add up to\n"
    "                                        -- runs.origin_requests\n"
    "    bytes            INTEGER NOT NULL,  -- bodies sent for them (no\n"
    "                                        -- pushes)\n"
    "    objects          INTEGER NOT NULL,  -- distinct objects among\n"
    "                                        -- them\n"
    "    share            REAL NOT NULL,     -- requests /\n"
    "                                        -- runs.origin_requests\n"
    "    mean_rps         REAL NOT NULL,     -- requests / measured span\n"
    "    peak_rps         INTEGER NOT NULL,  -- most in one 1 s window\n"
    "    PRIMARY KEY (run_id, origin)\n"
    ");\n";

int
db_insert_origins(struct db *d, const struct met_run *r, int64_t id)
{
    if (r->n_origins == 0)
        return 0;
    static const char sql[] =
        "INSERT INTO origin_nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    double span_s = (double)(r->measured_end_ns - r->measured_start_ns) / 1e9;
    for (size_t k = 0; code == 0 && k < r->n_origins; k++) {
        const struct met_origin *o = &r->origins[k];
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, o->name);
        db_bind_u64(&w, o->requests);
        db_bind_u64(&w, o->bytes);
        db_bind_u64(&w, o->objects);
        db_bind_real(&w, met_ratio(o->requests, r->origin_requests));
        db_bind_real(&w, span_s > 0 ? (double)o->requests / span_s : 0.0);
        db_bind_u64(&w, o->peak_rps);
        code = db_row_insert(d, &w, "inserting into origin_nodes");
    }
    sqlite3_finalize(st);
    return code;
}
