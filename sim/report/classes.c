/* classes.c: the run report's "Content classes" section: each class of
 * the catalog (catalog.classes) with its hit ratio, byte hit ratio, share
 * of outdated answers and latency (class_metrics), so that a TTL or purge
 * policy per content type is judged on its own class. Runs without named
 * classes, and files from before the table, get no section. */
#include "report/report_int.h"

int
rep_classes_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "class_metrics"))
        return 0;
    static const char sql[] =
        "SELECT class, requests, hit_ratio, byte_hit_ratio,"
        " CASE WHEN requests > 0 THEN CAST(outdated AS REAL) / requests"
        " ELSE 0 END, errors, latency_p50_ms, latency_p90_ms,"
        " latency_p99_ms FROM class_metrics WHERE run_id = ? ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading classes")) == 1) {
        code = 0;
        if (n++ == 0) {
            rep_doc_h2(doc, "Content classes");
            rep_doc_p_begin(doc);
            rep_doc_text(doc, "The client requests for each class of the "
                              "catalog: the share served from a cache (hit "
                              "ratio, in requests and in bytes), the share "
                              "answered with an older version than the origin "
                              "had when asked (outdated), failures, and the "
                              "latency percentiles of the answered ones.");
            rep_doc_p_end(doc);
            static const char *const head[] = {
                "class",  "requests", "hit ratio", "byte hit ratio", "outdated",
                "failed", "p50 (ms)", "p90 (ms)",  "p99 (ms)"};
            static const int right[] = {0, 1, 1, 1, 1, 1, 1, 1, 1};
            rep_doc_table_begin(doc, 9, head, right);
        }
        char a[32];
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        rep_doc_cell(doc, "%s",
                     rep_fmt_count(sqlite3_column_int64(st, 1), a, sizeof a));
        for (int col = 2; col <= 4; col++)
            rep_doc_cell(
                doc, "%s",
                rep_fmt_pct(sqlite3_column_double(st, col), a, sizeof a));
        rep_doc_cell(doc, "%s",
                     rep_fmt_count(sqlite3_column_int64(st, 5), a, sizeof a));
        for (int col = 6; col <= 8; col++)
            rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, col));
    }
    sqlite3_finalize(st);
    if (n > 0)
        rep_doc_table_end(doc);
    return code;
}
