/* billing.c: the run report's "Bill by provider" section, from the
 * provider_bills rows (sim/metrics/cost.c says how they are computed). */
#include <sqlite3.h>

#include "report/report_int.h"

int
rep_billing_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "provider_bills"))
        return 0;
    static const char sql[] =
        "SELECT provider, egress_usd, request_usd, link_usd, storage_usd,"
        " total_usd, month_total_usd, month_factor"
        " FROM provider_bills WHERE run_id = ? ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    double total = 0, month_total = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading bills")) == 1) {
        code = 0;
        if (n++ == 0) {
            rep_doc_h2(doc, "Bill by provider");
            rep_doc_p_begin(doc);
            rep_doc_text(doc,
                         "What each provider bills for this run: egress "
                         "(flat or by volume tiers), a fee per 10,000 "
                         "client requests at its edges, the 95th "
                         "percentile of each of its links' rates, and the "
                         "storage of pushed content. The month column "
                         "extrapolates the run to 30 days (x%.1f).",
                         sqlite3_column_double(st, 7));
            rep_doc_p_end(doc);
            static const char *const head[] = {
                "provider",    "egress ($)", "requests ($)", "links ($)",
                "storage ($)", "total ($)",  "month ($)"};
            static const int right[] = {0, 1, 1, 1, 1, 1, 1};
            rep_doc_table_begin(doc, 7, head, right);
        }
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        for (int col = 1; col <= 5; col++)
            rep_doc_cell(doc, "%.4f", sqlite3_column_double(st, col));
        rep_doc_cell(doc, "%.2f", sqlite3_column_double(st, 6));
        total += sqlite3_column_double(st, 5);
        month_total += sqlite3_column_double(st, 6);
    }
    if (n > 0) {
        rep_doc_cell(doc, "all providers");
        for (int col = 1; col <= 4; col++)
            rep_doc_cell(doc, "%s", "");
        rep_doc_cell(doc, "%.4f", total);
        rep_doc_cell(doc, "%.2f", month_total);
        rep_doc_table_end(doc);
    }
    sqlite3_finalize(st);
    return code;
}
