/* report.c: rep_report picks the run or sweep and the templates, then
 * hands over to run.c or sweep.c. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report_int.h"
#include "util/xalloc.h"

/* Does dir hold the templates (its style.gp)? */
static int
has_templates(const char *dir)
{
    char *style = xasprintf("%s/style.gp", dir);
    int ok = access(style, R_OK) == 0;
    free(style);
    return ok;
}

char *
rep_find_templates(char *buf, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        /* ./cdnsim beside reports/, build/cdnsim under the source tree,
         * or an installed bin/ beside share/. */
        static const char *const rel[] = {"reports", "../reports",
                                          "../share/cdnsim/reports"};
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            char *dir = xasprintf("%s/%s", exe, rel[i]);
            int ok = has_templates(dir);
            if (ok)
                snprintf(buf, len, "%s", dir);
            free(dir);
            if (ok)
                return buf;
        }
    }
    snprintf(buf, len, "reports");
    return buf;
}

/* The newest run's id, or -SIM_ENOENT if there is none. */
static int
newest_run(struct rep_db *d, int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, "SELECT max(id) FROM runs", &st, 0);
    if (code != 0)
        return code;
    code = rep_db_step(d, st, "reading runs");
    if (code == 1) {
        code = 0;
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                               "the database holds no runs");
        else
            *id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return code;
}

/* Is there a row with this id in table (runs or sweeps)? */
static int
row_exists(struct rep_db *d, const char *table, int64_t id)
{
    char *sql = xasprintf("SELECT 1 FROM %s WHERE id = ?", table);
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, id);
    free(sql);
    if (code == 0) {
        code = rep_db_step(d, st, "reading the database");
        sqlite3_finalize(st);
    }
    if (code == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "no %s %lld in this database",
                           strcmp(table, "runs") == 0 ? "run" : "sweep",
                           (long long)id);
    return code < 0 ? code : 0;
}

int
rep_report(const struct rep_opts *o, struct sim_err *err)
{
    struct rep_db d;
    struct rep_plotter pl;
    memset(&pl, 0, sizeof pl);
    char tbuf[PATH_MAX];
    const char *templates =
        o->templates ? o->templates : rep_find_templates(tbuf, sizeof tbuf);
    int code = rep_db_open(&d, o->db_path, err);
    int64_t run_id = o->run_id;
    if (code == 0 && o->sweep_id > 0 && !rep_db_has_table(&d, "sweeps"))
        code = sim_err_set(err, -SIM_ENOENT, o->db_path, 0, 0, NULL,
                           "the database holds no sweeps");
    if (code == 0 && o->n_compare >= 2) {
        for (size_t i = 0; code == 0 && i < o->n_compare; i++)
            code = row_exists(&d, "runs", o->compare_ids[i]);
    } else if (code == 0 && o->sweep_id > 0)
        code = row_exists(&d, "sweeps", o->sweep_id);
    else if (code == 0 && run_id > 0)
        code = row_exists(&d, "runs", run_id);
    else if (code == 0)
        code = newest_run(&d, &run_id);
    if (code == 0)
        code = rep_plotter_init(&pl, o, templates, err);
    if (code == 0 && o->n_compare >= 2)
        code = rep_compare_report(&d, o, &pl);
    else if (code == 0 && o->sweep_id > 0)
        code = rep_sweep_report(&d, o, &pl, o->sweep_id);
    else if (code == 0)
        code = rep_run_report(&d, o, &pl, run_id);
    rep_plotter_fini(&pl);
    rep_db_close(&d);
    return code;
}
