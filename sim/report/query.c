/* query.c: read-only access to a results database. */
#include <stdarg.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"

int
rep_db_fail(struct rep_db *d, const char *what)
{
    return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL, "%s: %s", what,
                       d->h ? sqlite3_errmsg(d->h) : "out of memory");
}

int
rep_db_query(struct rep_db *d, const char *sql, sqlite3_stmt **st, int n_args,
             ...)
{
    if (sqlite3_prepare_v2(d->h, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return rep_db_fail(d, "reading the database");
    }
    va_list ap;
    va_start(ap, n_args);
    int rc = SQLITE_OK;
    for (int i = 0; i < n_args && rc == SQLITE_OK; i++)
        rc = sqlite3_bind_int64(*st, i + 1, va_arg(ap, int64_t));
    va_end(ap);
    if (rc != SQLITE_OK) {
        int code = rep_db_fail(d, "reading the database");
        sqlite3_finalize(*st);
        *st = NULL;
        return code;
    }
    return 0;
}

int
rep_db_step(struct rep_db *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    return rep_db_fail(d, what);
}

int
rep_db_has_table(struct rep_db *d, const char *name)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    int yes = sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

const char *
rep_col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int
rep_db_open(struct rep_db *d, const char *path, struct sim_err *err)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    d->err = err;
    /* Read-only and no create: a mistyped name is an error, not a new
     * empty file. */
    if (sqlite3_open_v2(path, &d->h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return rep_db_fail(d, "cannot open database");
    if (sqlite3_busy_timeout(d->h, 30000) != SQLITE_OK)
        return rep_db_fail(d, "setting the busy timeout");
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, "PRAGMA user_version", &st, 0);
    if (code != 0)
        return code;
    int version = 0;
    code = rep_db_step(d, st, "reading the schema version");
    if (code == 1) {
        version = sqlite3_column_int(st, 0);
        code = 0;
    }
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    d->version = version;
    if (version > MET_DB_VERSION)
        return sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "database schema version %d is newer than this "
                           "cdnsim reads (%d)",
                           version, MET_DB_VERSION);
    if (!rep_db_has_table(d, "runs"))
        return sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "not a cdnsim results database (no runs table)");
    return 0;
}

void
rep_db_close(struct rep_db *d)
{
    sqlite3_close(d->h);
    d->h = NULL;
}
