/* overload.c: the report's "Overload" section (overload_metrics and
 * node_metrics' rate_limited, refused and timed_out): how many client
 * requests each region got answered with a 429, 503 or 504, and which
 * nodes turned them away. Runs where nothing was turned away (and older
 * files) get no section. */
#include <stdlib.h>

#include "report/report_int.h"

/* The clients' answers by code, per region, with the run's total last. */
static int
region_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    static const char sql[] =
        "SELECT o.region, r.requests, o.rate_limited, o.refused,"
        " o.timed_out FROM overload_metrics o LEFT JOIN region_metrics r"
        " ON r.run_id = o.run_id AND r.region = o.region"
        " WHERE o.run_id = ? ORDER BY o.region = '*', o.rowid";
    static const char *const head[] = {"region",        "requests",
                                       "429 (rate)",    "503 (queue)",
                                       "504 (timeout)", "share turned away"};
    static const int right[] = {0, 1, 1, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code != 0)
        return code;
    int64_t total_requests = 0;
    rep_doc_table_begin(doc, 6, head, right);
    while ((code = rep_db_step(d, st, "reading overload_metrics")) == 1) {
        int is_all = rep_col_text(st, 0)[0] == '*';
        int64_t requests =
            is_all ? total_requests : sqlite3_column_int64(st, 1);
        total_requests += is_all ? 0 : requests;
        int64_t n = 0;
        char a[32];
        rep_doc_cell(doc, "%s", is_all ? "all" : rep_col_text(st, 0));
        rep_doc_cell(doc, "%s", rep_fmt_count(requests, a, sizeof a));
        for (int k = 2; k <= 4; k++) {
            int64_t v = sqlite3_column_int64(st, k);
            n += v;
            rep_doc_cell(doc, "%s", rep_fmt_count(v, a, sizeof a));
        }
        rep_doc_cell(
            doc, "%s",
            rep_fmt_pct(requests > 0 ? (double)n / (double)requests : 0, a,
                        sizeof a));
    }
    rep_doc_table_end(doc);
    sqlite3_finalize(st);
    return code < 0 ? code : 0;
}

/* The nodes that turned requests away. */
static int
node_table(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    static const char sql[] =
        "SELECT node, tier, requests, rate_limited, refused, timed_out"
        " FROM node_metrics WHERE run_id = ? AND"
        " coalesce(rate_limited, 0) + coalesce(refused, 0) +"
        " coalesce(timed_out, 0) > 0 ORDER BY rowid";
    static const char *const head[] = {"node",          "tier",
                                       "requests",      "rate_limited (429)",
                                       "refused (503)", "timed_out (504)"};
    static const int right[] = {0, 0, 1, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code != 0)
        return code;
    rep_doc_table_begin(doc, 6, head, right);
    while ((code = rep_db_step(d, st, "reading node_metrics")) == 1) {
        char a[32];
        rep_doc_cell(doc, "%s", rep_col_text(st, 0));
        rep_doc_cell(doc, "%s", rep_col_text(st, 1));
        for (int k = 2; k <= 5; k++)
            rep_doc_cell(
                doc, "%s",
                rep_fmt_count(sqlite3_column_int64(st, k), a, sizeof a));
    }
    rep_doc_table_end(doc);
    sqlite3_finalize(st);
    return code < 0 ? code : 0;
}

int
rep_overload_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "overload_metrics"))
        return 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT count(*) FROM node_metrics WHERE"
                            " run_id = ? AND coalesce(rate_limited, 0) +"
                            " coalesce(refused, 0) + coalesce(timed_out, 0)"
                            " > 0",
                            &st, 1, run_id);
    if (code != 0)
        return code;
    code = rep_db_step(d, st, "reading node_metrics");
    int64_t n_nodes = code == 1 ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (code < 0)
        return code;
    if (n_nodes == 0)
        return 0;
    rep_doc_h2(doc, "Overload");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Requests that a node's overload protection turned away: "
                      "a 429 when its rate_limit had no token, a 503 when "
                      "queue_limit requests already waited for a server, a 504 "
                      "when one was not served within its timeout. First the "
                      "client requests answered with each code (a coalesced "
                      "request shares its leader's answer; one a cache below "
                      "covered with a stale copy is not counted), then the "
                      "nodes that sent them.");
    rep_doc_p_end(doc);
    code = region_table(d, doc, run_id);
    if (code == 0)
        code = node_table(d, doc, run_id);
    return code;
}
