/* db_int.h: the results database's connection and row binding, shared
 * by the files that write it (private to metrics/). */
#ifndef SIM_METRICS_DB_INT_H
#define SIM_METRICS_DB_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "metrics/metrics.h"
#include "util/err.h"

/* The connection and where its errors are reported. */
struct db {
    sqlite3 *h;
    const char *path;
    struct sim_err *err;
    int in_txn; /* a transaction is open */
};

/* Binds a row's values in column order; the first failure sticks. */
struct db_row {
    sqlite3_stmt *st;
    int col;
    int rc;
};

/* Records SQLite's message for the failed step `what`; returns -SIM_EDB. */
int db_fail(struct db *d, const char *what);
/* Runs sql (no rows); returns 0 or db_fail(d, what). */
int db_exec(struct db *d, const char *sql, const char *what);
/* Prepares sql as *st (OUT, NULL on failure); returns 0 or -SIM_EDB. */
int db_prepare(struct db *d, const char *sql, sqlite3_stmt **st);

/* Starts binding a row of st at its first parameter. */
void db_row_start(struct db_row *w, sqlite3_stmt *st);
/* Bind the next parameter; after a failure they do nothing. */
void db_bind_u64(struct db_row *w, uint64_t v);
void db_bind_i64(struct db_row *w, int64_t v);
void db_bind_real(struct db_row *w, double v);
void db_bind_text(struct db_row *w, const char *s);     /* NULL binds "" */
void db_bind_opt_text(struct db_row *w, const char *s); /* NULL binds NULL */
void db_bind_null(struct db_row *w);
/* Runs the bound statement once and resets it for the next row; returns
 * 0 or db_fail(d, what). */
int db_row_insert(struct db *d, struct db_row *w, const char *what);

/* Opens d->path for writing (created if new). On failure the caller still
 * runs db_close. */
int db_open(struct db *d);
/* Starts an IMMEDIATE transaction with the schema in place. */
int db_begin_txn(struct db *d);
/* db_open, then db_begin_txn. */
int db_begin(struct db *d);
/* Commits when code is 0, else rolls back; closes the connection and
 * returns code (or the commit's error). */
int db_close(struct db *d, int code);

/* Creates the schema on a new file, or checks and upgrades the version of
 * an old one (db_schema.c). Runs inside the write transaction. */
int db_schema_ensure(struct db *d);

/* Inserts the run r and all its rows; sets *id (OUT) to its id
 * (db_write.c). */
int db_insert_all(struct db *d, const struct met_run *r, int64_t *id);

/* The overload tables' schema, and the run r's rows in them, run id id
 * (db_overload.c). */
extern const char db_schema_overload[];
int db_insert_overload(struct db *d, const struct met_run *r, int64_t id);
/* Inserts r's --top lists into top_objects (db_top.c); nothing without
 * --top. */
int db_insert_top(struct db *d, const struct met_run *r, int64_t id);
/* db_latency.c: run id's p95 latencies (runs, region_metrics) and its
 * node_latency rows. Returns 0 or an error code. */
int db_insert_latency(struct db *d, const struct met_run *r, int64_t id);
/* Inserts r's provider_bills rows, if it has a bill (db_billing.c). */
int db_insert_billing(struct db *d, const struct met_run *r, int64_t id);
/* Inserts r's cache_servers rows, one per server of each PoP node
 * (db_pop.c). */
int db_insert_pop(struct db *d, const struct met_run *r, int64_t id);
/* Inserts r's baselines and baseline_regions rows, if it has a baseline
 * (baseline.c). */
int db_insert_baseline(struct db *d, const struct met_run *r, int64_t id);
/* Inserts r's alerts rows, if its workload has rules (alerts.c). */
int db_insert_alerts(struct db *d, const struct met_run *r, int64_t id);
/* origin_nodes: what each origin served (db_origin.c); nothing without
 * origin_routes. */
int db_insert_origins(struct db *d, const struct met_run *r, int64_t id);
/* video_metrics: the run's video sessions (db_video.c). */
int db_insert_video(struct db *d, const struct met_run *r, int64_t id);

/* Records the trace a run or sweep replays: table "run_files" or
 * "sweep_files", owner_id the run's or sweep's id (db_write.c). Nothing
 * when sha256 is NULL. */
int db_insert_trace_file(struct db *d, const char *table, int64_t owner_id,
                         const char *path, const char *sha256);

/* Sweep point p's status and run; -SIM_EDB when the sweep has no such
 * point (db_sweep.c). */
int db_point_status(struct db *d, int64_t sweep_id, uint64_t p,
                    int *is_complete, int64_t *run_id);
/* Marks sweep point p complete with run run_id. */
int db_point_complete(struct db *d, int64_t sweep_id, uint64_t p,
                      int64_t run_id);

#endif
