/* db_overload.c: the overload tables of the results database: client
 * requests answered 429, 503 or 504 (met_overload) per run and region,
 * and each node's 429s, 503s and 504s per time-series window. Their own
 * tables (schema version 6), so that a run without overload protection
 * adds a few zero rows and nothing else. */
#include <sqlite3.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"

const char db_schema_overload[] =
    "CREATE TABLE IF NOT EXISTS overload_metrics (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    region           TEXT NOT NULL,     -- '*' = all regions\n"
    "    rate_limited     INTEGER NOT NULL,  -- client requests answered\n"
    "                                        -- 429 (rate_limit)\n"
    "    refused          INTEGER NOT NULL,  -- 503 (queue_limit)\n"
    "    timed_out        INTEGER NOT NULL,  -- 504 (timeout); the three\n"
    "                                        -- are in errors\n"
    "    PRIMARY KEY (run_id, region)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS overload_timeseries (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,     -- nodes that sent any\n"
    "    window           INTEGER NOT NULL,  -- as in timeseries\n"
    "    t_start_s        REAL NOT NULL,\n"
    "    rate_limited     INTEGER NOT NULL,  -- the node's 429s,\n"
    "    refused          INTEGER NOT NULL,  -- 503s and\n"
    "    timed_out        INTEGER NOT NULL,  -- 504s in the window (own\n"
    "                                        -- timeout or upstream)\n"
    "    PRIMARY KEY (run_id, node, window)\n"
    ");\n";

static int
insert_overload_row(struct db *d, sqlite3_stmt *st, int64_t id,
                    const char *region, const struct met_overload *ov)
{
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, id);
    db_bind_text(&w, region);
    db_bind_u64(&w, ov->rate_limited);
    db_bind_u64(&w, ov->refused);
    db_bind_u64(&w, ov->timed_out);
    return db_row_insert(d, &w, "inserting into overload_metrics");
}

/* Node n's windows, when it turned any request away. */
static int
insert_overload_windows(struct db *d, sqlite3_stmt *st, int64_t id,
                        const struct met_run *r, const struct met_node *n)
{
    int code = 0;
    for (uint64_t k = 0; code == 0 && k < n->n_windows; k++) {
        static const struct met_overload zero;
        const struct met_overload *win =
            k < n->overload_cap ? &n->overload_windows[k] : &zero;
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, n->name);
        db_bind_u64(&w, k);
        db_bind_real(&w, (double)k * (double)r->window_ns / 1e9);
        db_bind_u64(&w, win->rate_limited);
        db_bind_u64(&w, win->refused);
        db_bind_u64(&w, win->timed_out);
        code = db_row_insert(d, &w, "inserting into overload_timeseries");
    }
    return code;
}

int
db_insert_overload(struct db *d, const struct met_run *r, int64_t id)
{
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d,
                          "INSERT INTO overload_metrics (run_id, region,"
                          " rate_limited, refused, timed_out) VALUES"
                          " (?, ?, ?, ?, ?)",
                          &st);
    if (code == 0)
        code = insert_overload_row(d, st, id, "*", &r->overload);
    for (size_t i = 0; code == 0 && i < r->n_regions; i++)
        code = insert_overload_row(d, st, id, r->regions[i].name,
                                   &r->regions[i].overload);
    sqlite3_finalize(st);
    st = NULL;
    if (code == 0)
        code = db_prepare(d,
                          "INSERT INTO overload_timeseries (run_id, node,"
                          " window, t_start_s, rate_limited, refused,"
                          " timed_out) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          &st);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        const struct met_counters *c = &r->nodes[i].c;
        if (c->rate_limited + c->refused + c->timed_out +
                c->timed_out_upstream >
            0)
            code = insert_overload_windows(d, st, id, r, &r->nodes[i]);
    }
    sqlite3_finalize(st);
    return code;
}
