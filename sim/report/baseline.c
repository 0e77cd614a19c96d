/* baseline.c: the run report's "Without a CDN" section, from the
 * baselines and baseline_regions rows of `run --baseline no-cdn`
 * (sim/metrics/baseline.c says what they hold). */
#include <sqlite3.h>

#include "report/report_int.h"

/* The per-region table: the run's percentiles are the region_metrics
 * row's (p50, p95, p99), the baseline's and the saving are the row's. */
static int
baseline_regions_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    static const char sql[] =
        "SELECT b.region, b.rtt_ms, b.latency_p50_ms, b.saved_p50_ms,"
        " b.latency_p95_ms, b.saved_p95_ms, b.latency_p99_ms,"
        " b.saved_p99_ms FROM baseline_regions b"
        " WHERE b.run_id = ? ORDER BY b.rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    while (code == 0 &&
           (code = rep_db_step(d, st, "reading baseline_regions")) == 1) {
        code = 0;
        if (n++ == 0) {
            static const char *const head[] = {
                "region",          "RTT to origin (ms)", "p50 no CDN (ms)",
                "p50 saved (ms)",  "p95 no CDN (ms)",    "p95 saved (ms)",
                "p99 no CDN (ms)", "p99 saved (ms)"};
            static const int right[] = {0, 1, 1, 1, 1, 1, 1, 1};
            rep_doc_table_begin(doc, 8, head, right);
        }
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        for (int col = 1; col <= 7; col++)
            rep_doc_cell(doc, "%.1f", sqlite3_column_double(st, col));
    }
    if (n > 0)
        rep_doc_table_end(doc);
    sqlite3_finalize(st);
    return code;
}

int
rep_baseline_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "baselines"))
        return 0;
    static const char sql[] =
        "SELECT b.origin_requests, b.saved_origin_requests, b.origin_bytes,"
        " b.saved_origin_bytes, b.cost_usd, b.saved_cost_usd,"
        " b.latency_p95_ms, b.saved_p95_ms, b.has_cost_model"
        " FROM baselines b WHERE b.run_id = ?";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code == 0 && (code = rep_db_step(d, st, "reading baselines")) == 1) {
        long long base_req = sqlite3_column_int64(st, 0);
        long long saved_req = sqlite3_column_int64(st, 1);
        long long base_bytes = sqlite3_column_int64(st, 2);
        long long saved_bytes = sqlite3_column_int64(st, 3);
        rep_doc_h2(doc, "Without a CDN");
        rep_doc_p_begin(doc);
        rep_doc_text(
            doc,
            "The same requests (same seed) run again with every "
            "region sent straight to its origin, over the round "
            "trip of its default route, with no cache "
            "(--baseline no-cdn). Without the CDN the origin "
            "would have answered %lld requests and sent %.3f GB; "
            "the CDN saved it %lld requests (%.2f%%) and %.3f GB "
            "(%.2f%%). ",
            base_req, (double)base_bytes / 1e9, saved_req,
            base_req ? 100.0 * (double)saved_req / (double)base_req : 0.0,
            (double)saved_bytes / 1e9,
            base_bytes ? 100.0 * (double)saved_bytes / (double)base_bytes
                       : 0.0);
        rep_doc_text(doc,
                     "Over all regions the p95 latency would have been "
                     "%.1f ms, %.1f ms more than with the CDN.",
                     sqlite3_column_double(st, 6),
                     sqlite3_column_double(st, 7));
        double saved_usd = sqlite3_column_double(st, 5);
        if (sqlite3_column_int64(st, 8) > 0)
            rep_doc_text(doc,
                         " Egress at the nodes' prices would have cost "
                         "$%.4f; the CDN %s $%.4f%s.",
                         sqlite3_column_double(st, 4),
                         saved_usd >= 0 ? "saved" : "cost",
                         saved_usd >= 0 ? saved_usd : -saved_usd,
                         saved_usd >= 0 ? "" : " more");
        rep_doc_p_end(doc);
        code = 0;
        sqlite3_finalize(st);
        return baseline_regions_table(d, doc, run_id);
    }
    sqlite3_finalize(st);
    return code;
}
