/* video.c: the run report's "Video sessions" section, from the
 * video_metrics row of a run whose workload has a video: block
 * (sim/model/video.c says how the figures are found). */
#include <sqlite3.h>

#include "report/report_int.h"

int
rep_video_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id)
{
    if (!rep_db_has_table(d, "video_metrics"))
        return 0;
    static const char sql[] =
        "SELECT sessions, finished, failed, segments, startup_p50_ms,"
        " startup_p95_ms, stalls, stalled_sessions, stall_s,"
        " rebuffer_ratio, mean_bitrate_kbps, switches"
        " FROM video_metrics WHERE run_id = ?";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    if (code == 0 &&
        (code = rep_db_step(d, st, "reading video_metrics")) == 1) {
        code = 0;
        rep_doc_h2(doc, "Video sessions");
        rep_doc_p_begin(doc);
        rep_doc_text(doc, "What the viewers of the workload's video: "
                          "sessions saw: startup is the wait from a "
                          "session's arrival to the start of playback, a "
                          "stall an empty buffer after it.");
        rep_doc_p_end(doc);
        static const char *const head[] = {"sessions",
                                           "finished",
                                           "failed",
                                           "segments",
                                           "startup p50 (ms)",
                                           "startup p95 (ms)",
                                           "stalls",
                                           "stalled sessions",
                                           "stalled (s)",
                                           "rebuffer ratio",
                                           "mean bitrate (kbps)",
                                           "switches"};
        static const int right[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        rep_doc_table_begin(doc, 12, head, right);
        for (int col = 0; col < 4; col++)
            rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, col));
        rep_doc_cell(doc, "%.1f", sqlite3_column_double(st, 4));
        rep_doc_cell(doc, "%.1f", sqlite3_column_double(st, 5));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 6));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 7));
        rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 8));
        rep_doc_cell(doc, "%.4f", sqlite3_column_double(st, 9));
        rep_doc_cell(doc, "%.0f", sqlite3_column_double(st, 10));
        rep_doc_cell(doc, "%lld", (long long)sqlite3_column_int64(st, 11));
        rep_doc_table_end(doc);
    }
    sqlite3_finalize(st);
    return code;
}
