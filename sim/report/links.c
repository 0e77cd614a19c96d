/* links.c: the report's section on links with a capacity
 * (link_metrics): what each carried, its utilisation, peak and
 * 95th-percentile rates, and which ones were offered more than they can
 * carry. Runs without such links (and older files) get no section. */
#include <string.h>

#include "report/report_int.h"

int
rep_links_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "link_metrics"))
        return 0;
    static const char sql[] =
        "SELECT from_node, to_name, to_kind, capacity_mbps, bytes,"
        " utilisation, mean_mbps, p95_mbps, peak_mbps, offered_mbps,"
        " overloaded_windows, windows, overloaded"
        " FROM link_metrics WHERE run_id = ? ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    struct strbuf warn = {0};
    while (code == 0 && (code = rep_db_step(d, st, "reading links")) == 1) {
        code = 0;
        if (n++ == 0) {
            rep_doc_h2(doc, "Links");
            rep_doc_p_begin(doc);
            rep_doc_text(doc,
                         "Links with a capacity (link_capacity_mbps) are "
                         "shared by the transfers on them (processor "
                         "sharing). Rates are per time-series window; p95 "
                         "is the 95th percentile of the windows' rates, "
                         "the figure transit is billed on; offered is what "
                         "the measured requests asked of the link, on "
                         "average while they came.");
            rep_doc_p_end(doc);
            static const char *const head[] = {
                "link",          "capacity (Mbit/s)", "sent",
                "utilisation",   "mean (Mbit/s)",     "p95 (Mbit/s)",
                "peak (Mbit/s)", "offered (Mbit/s)"};
            static const int right[] = {0, 1, 1, 1, 1, 1, 1, 1};
            rep_doc_table_begin(doc, 8, head, right);
        }
        char a[32];
        const char *from = rep_col_text(st, 0);
        int all = strcmp(rep_col_text(st, 2), "*") == 0;
        if (all)
            rep_doc_cell(doc, "%s (all its links)", from);
        else
            rep_doc_cell(doc, "%s -> %s", from, rep_col_text(st, 1));
        double capacity = sqlite3_column_double(st, 3);
        rep_doc_cell(doc, "%.3f", capacity);
        rep_doc_cell(
            doc, "%s",
            rep_fmt_bytes((double)sqlite3_column_int64(st, 4), a, sizeof a));
        rep_doc_cell(doc, "%s",
                     rep_fmt_pct(sqlite3_column_double(st, 5), a, sizeof a));
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 6));
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 7));
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 8));
        double offered = sqlite3_column_double(st, 9);
        rep_doc_cell(doc, "%.3f", offered);
        if (all || !sqlite3_column_int64(st, 12))
            continue;
        if (offered > capacity)
            strbuf_printf(&warn,
                          "The link %s -> %s is overloaded: it was "
                          "offered %.3f Mbit/s on average against a "
                          "capacity of %.3f Mbit/s, so its transfers "
                          "queue without bound. ",
                          from, rep_col_text(st, 1), offered, capacity);
        else
            strbuf_printf(&warn,
                          "The link %s -> %s was offered more than its "
                          "capacity (%.3f Mbit/s) in %lld of %lld "
                          "windows. ",
                          from, rep_col_text(st, 1), capacity,
                          (long long)sqlite3_column_int64(st, 10),
                          (long long)sqlite3_column_int64(st, 11));
    }
    sqlite3_finalize(st);
    if (n > 0) {
        rep_doc_table_end(doc);
        rep_doc_p_begin(doc);
        if (warn.n > 0)
            rep_doc_bold(doc, "%s", strbuf_str(&warn));
        else
            rep_doc_text(doc, "No link was offered more than its "
                              "capacity, on average or in any window.");
        rep_doc_p_end(doc);
    }
    strbuf_fini(&warn);
    return code;
}
