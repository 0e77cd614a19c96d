/* origins.c: the run report's "Origins" section, from the origin_nodes
 * rows of a run whose topology has origin_routes: how the routes spread
 * the misses over the origins. */
#include <sqlite3.h>

#include "report/report_int.h"

int
rep_origins_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "origin_nodes"))
        return 0;
    static const char sql[] =
        "SELECT origin, requests, bytes, objects, share, mean_rps, peak_rps"
        " FROM origin_nodes WHERE run_id = ? ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading origin_nodes")) == 1) {
        code = 0;
        if (n++ == 0) {
            rep_doc_h2(doc, "Origins");
            rep_doc_p_begin(doc);
            rep_doc_text(doc,
                         "The topology's origin_routes choose the origin of "
                         "each miss by its class or object id, and split "
                         "some over several origins by a hash of the "
                         "object: each origin's share of the origin "
                         "requests, the distinct objects it served, its "
                         "mean rate and its busiest second.");
            rep_doc_p_end(doc);
            static const char *const head[] = {
                "origin",  "requests", "GiB",     "objects",
                "share %", "mean rps", "peak rps"};
            static const int right[] = {0, 1, 1, 1, 1, 1, 1};
            rep_doc_table_begin(doc, 7, head, right);
        }
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 1));
        rep_doc_cell(doc, "%.3f",
                     (double)sqlite3_column_int64(st, 2) / 1073741824.0);
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 3));
        rep_doc_cell(doc, "%.2f", 100 * sqlite3_column_double(st, 4));
        rep_doc_cell(doc, "%.1f", sqlite3_column_double(st, 5));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 6));
    }
    if (n > 0)
        rep_doc_table_end(doc);
    sqlite3_finalize(st);
    return code;
}
