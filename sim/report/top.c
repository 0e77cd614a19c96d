/* top.c: the run report's "Objects loading the origin most" section, for
 * a run made with `run --top N` (table top_objects): the objects with the
 * most origin requests, then those with the most origin bytes. Other runs
 * and older files get no section. */
#include "report/report_int.h"

/* One ranking's table; *n (OUT) its rows. */
static int
ranking_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id,
              const char *ranking, int *n)
{
    static const char sql[] =
        "SELECT rank, object, class, requests, origin_requests, origin_bytes"
        " FROM top_objects WHERE run_id = ?1 AND ranking = ?2 ORDER BY rank";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code == 0 &&
        sqlite3_bind_text(st, 2, ranking, -1, SQLITE_STATIC) != SQLITE_OK)
        code = -SIM_EDB;
    *n = 0;
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading top objects")) == 1) {
        code = 0;
        if ((*n)++ == 0) {
            static const char *const head[] = {
                "rank",     "object",          "class",
                "requests", "origin requests", "origin bytes"};
            static const int right[] = {1, 1, 0, 1, 1, 1};
            rep_doc_table_begin(doc, 6, head, right);
        }
        char a[32];
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 0));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 1));
        rep_doc_cell(doc, "%s", rep_col_text(st, 2));
        rep_doc_cell(doc, "%s",
                     rep_fmt_count(sqlite3_column_int64(st, 3), a, sizeof a));
        rep_doc_cell(doc, "%s",
                     rep_fmt_count(sqlite3_column_int64(st, 4), a, sizeof a));
        rep_doc_cell(
            doc, "%s",
            rep_fmt_bytes((double)sqlite3_column_int64(st, 5), a, sizeof a));
    }
    sqlite3_finalize(st);
    if (*n > 0)
        rep_doc_table_end(doc);
    return code;
}

int
rep_top_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "top_objects"))
        return 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT count(*) FROM top_objects WHERE"
                            " run_id = ?",
                            &st, 1, run_id);
    int64_t rows = 0;
    if (code == 0 && (code = rep_db_step(d, st, "counting top objects")) == 1)
        rows = sqlite3_column_int64(st, 0), code = 0;
    sqlite3_finalize(st);
    if (code != 0 || rows == 0)
        return code;
    rep_doc_h2(doc, "Objects loading the origin most");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "The objects with the most requests reaching an origin "
                      "(revalidations and background refreshes included), with "
                      "their class, their client requests and the bytes the "
                      "origin sent for them (run --top).");
    rep_doc_p_end(doc);
    int n = 0;
    code = ranking_table(d, doc, run_id, "origin_requests", &n);
    if (code == 0) {
        rep_doc_p_begin(doc);
        rep_doc_text(doc, "The objects with the most origin bytes:");
        rep_doc_p_end(doc);
        code = ranking_table(d, doc, run_id, "origin_bytes", &n);
    }
    return code;
}
