/* alerts.c: the run report's "Alerts" section, from the alerts rows of a
 * run whose workload has metrics.alerts (sim/model/alerts.c says how
 * they are found). */
#include <sqlite3.h>

#include "report/report_int.h"

int
rep_alerts_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "alerts"))
        return 0;
    static const char sql[] =
        "SELECT start_s, end_s, rule, scope, value FROM alerts"
        " WHERE run_id = ? ORDER BY position";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading alerts")) == 1) {
        code = 0;
        if (n++ == 0) {
            rep_doc_h2(doc, "Alerts");
            rep_doc_p_begin(doc);
            rep_doc_text(doc, "Every metrics window in which a rule of the "
                              "workload's metrics.alerts was breached (times "
                              "from the start of measurement).");
            rep_doc_p_end(doc);
            static const char *const head[] = {"from (s)", "to (s)", "rule",
                                               "scope", "value"};
            static const int right[] = {1, 1, 0, 0, 1};
            rep_doc_table_begin(doc, 5, head, right);
        }
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 0));
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 1));
        rep_doc_cell(doc, "%s", rep_col_text(st, 2));
        rep_doc_cell(doc, "%s", rep_col_text(st, 3));
        rep_doc_cell(doc, "%.4f", sqlite3_column_double(st, 4));
    }
    if (n > 0)
        rep_doc_table_end(doc);
    sqlite3_finalize(st);
    return code;
}
