/* db.c: the results database's connection: opening, the write
 * transaction, statements and row binding (db_int.h).
 *
 * One run is one IMMEDIATE transaction: the write lock is taken up front,
 * so parallel sweep processes writing to one file queue on the busy timeout
 * instead of failing half-way, and an error or a kill leaves no partial
 * run. The schema is created inside that transaction too, so two processes
 * that find a new file do not race to create it (db_schema.c). The writers
 * are db_write.c (runs), db_sweep.c (sweeps) and db_image.c (run images). */
#include <sqlite3.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"

#define DB_BUSY_TIMEOUT_MS 30000

/* Records SQLite's message for the failed step `what`; returns -SIM_EDB. */
int
db_fail(struct db *d, const char *what)
{
    return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL, "%s: %s", what,
                       d->h ? sqlite3_errmsg(d->h) : "out of memory");
}

int
db_exec(struct db *d, const char *sql, const char *what)
{
    if (sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(d, what);
    return 0;
}

void
db_row_start(struct db_row *w, sqlite3_stmt *st)
{
    w->st = st;
    w->col = 0;
    w->rc = SQLITE_OK;
}

void
db_bind_u64(struct db_row *w, uint64_t v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_int64(w->st, ++w->col, (sqlite3_int64)v);
}

void
db_bind_i64(struct db_row *w, int64_t v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_int64(w->st, ++w->col, v);
}

void
db_bind_real(struct db_row *w, double v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_double(w->st, ++w->col, v);
}

void
db_bind_text(struct db_row *w, const char *s)
{
    if (w->rc == SQLITE_OK)
        w->rc =
            sqlite3_bind_text(w->st, ++w->col, met_str(s), -1, SQLITE_STATIC);
}

/* Text, or NULL for a value not known. */
void
db_bind_opt_text(struct db_row *w, const char *s)
{
    if (w->rc == SQLITE_OK)
        w->rc = s ? sqlite3_bind_text(w->st, ++w->col, s, -1, SQLITE_STATIC)
                  : sqlite3_bind_null(w->st, ++w->col);
}

void
db_bind_null(struct db_row *w)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_null(w->st, ++w->col);
}

/* Runs the bound statement once and resets it for the next row. */
int
db_row_insert(struct db *d, struct db_row *w, const char *what)
{
    if (w->rc != SQLITE_OK)
        return db_fail(d, what);
    int rc = sqlite3_step(w->st);
    if (rc != SQLITE_DONE) {
        int code = db_fail(d, what);
        sqlite3_reset(w->st);
        return code;
    }
    if (sqlite3_reset(w->st) != SQLITE_OK)
        return db_fail(d, what);
    return 0;
}

int
db_prepare(struct db *d, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(d->h, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_fail(d, "preparing a statement");
    }
    return 0;
}

/* Opens path for writing (created if new). On failure the caller still
 * runs db_close. */
int
db_open(struct db *d)
{
    int rc = sqlite3_open_v2(d->path, &d->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return db_fail(d, "cannot open database");
    if (sqlite3_busy_timeout(d->h, DB_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return db_fail(d, "setting the busy timeout");
    return db_exec(d, "PRAGMA foreign_keys = ON", "enabling foreign keys");
}

/* Starts an IMMEDIATE transaction with the schema in place. */
int
db_begin_txn(struct db *d)
{
    int code = db_exec(d, "BEGIN IMMEDIATE", "starting a transaction");
    if (code != 0)
        return code;
    d->in_txn = 1;
    return db_schema_ensure(d);
}

/* Opens path and starts the write transaction. */
int
db_begin(struct db *d)
{
    int code = db_open(d);
    return code != 0 ? code : db_begin_txn(d);
}

/* Commits when code is 0, else rolls back; closes the connection. */
int
db_close(struct db *d, int code)
{
    if (code == 0 && d->in_txn) {
        code = db_exec(d, "COMMIT", "committing");
        if (code == 0)
            d->in_txn = 0;
    }
    /* A failed COMMIT may leave the transaction open; the error already
     * recorded is the one to report, so ROLLBACK's own result is moot. */
    if (d->in_txn && d->h && !sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(d->h);
    d->h = NULL;
    return code;
}
