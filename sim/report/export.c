/* export.c: every table of a results database as CSV (RFC 4180).
 *
 * Tables come from sqlite_master, so tables added later are exported
 * without a change here. Values are SQLite's own text forms (a REAL keeps
 * 15 significant digits, as the sqlite3 shell prints it); NULL is an
 * empty field. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/outfile.h"
#include "util/xalloc.h"

/* Writes one field, quoted when it holds a comma, quote, CR or LF. */
static void
csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int
export_table(struct rep_db *d, const char *table, const char *path)
{
    /* The name comes from sqlite_master; quoting it as an identifier
     * keeps any name safe. */
    struct strbuf sql = {0};
    strbuf_put(&sql, "SELECT * FROM \"");
    for (const char *c = table; *c; c++) {
        if (*c == '"')
            strbuf_put(&sql, "\"");
        strbuf_putn(&sql, c, 1);
    }
    strbuf_put(&sql, "\" ORDER BY rowid");
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, strbuf_str(&sql), &st, 0);
    strbuf_fini(&sql);
    if (code != 0)
        return code;
    struct outfile out;
    if ((code = outfile_open(&out, path, 0, d->err)) != 0) {
        sqlite3_finalize(st);
        return code;
    }
    FILE *f = out.f;
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        csv_field(f, sqlite3_column_name(st, i));
    }
    fputs("\r\n", f);
    while ((code = rep_db_step(d, st, "reading a table")) == 1) {
        for (int i = 0; i < n; i++) {
            if (i)
                fputc(',', f);
            csv_field(f, rep_col_text(st, i));
        }
        fputs("\r\n", f);
    }
    sqlite3_finalize(st);
    if (code == 0)
        code = outfile_commit(&out, d->err);
    else
        outfile_abort(&out);
    return code;
}

int
rep_export_csv(const char *db_path, const char *dir, FILE *log,
               struct sim_err *err)
{
    struct rep_db d;
    sqlite3_stmt *st = NULL;
    char **tables = NULL;
    size_t n = 0, cap = 0;
    int code = rep_db_open(&d, db_path, err);
    if (code == 0)
        code = rep_db_query(&d,
                            "SELECT name FROM sqlite_master WHERE type ="
                            " 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE"
                            " '\\' ORDER BY rowid",
                            &st, 0);
    while (code == 0 && (code = rep_db_step(&d, st, "listing tables")) == 1) {
        code = 0;
        tables = xgrow(tables, &cap, n + 1, sizeof *tables, 16);
        tables[n++] = xstrdup(rep_col_text(st, 0));
    }
    sqlite3_finalize(st);
    if (code == 0)
        code = rep_mkdir(dir, err);
    for (size_t i = 0; code == 0 && i < n; i++) {
        char *path = xasprintf("%s/%s.csv", dir, tables[i]);
        code = export_table(&d, tables[i], path);
        if (code == 0 && log)
            fprintf(log, "%s\n", path);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(tables[i]);
    free(tables);
    rep_db_close(&d);
    return code;
}
