/* video.c: a run's video sessions (struct met_video, counted by
 * sim/model/video.c): startup, rebuffering and bitrate, in the table,
 * the JSON and the database. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

void
met_video_startup(struct met_video *v, int64_t ns)
{
    v->startup_ns = xgrow(v->startup_ns, &v->cap_startup, v->n_startup + 1,
                          sizeof *v->startup_ns, 64);
    v->startup_ns[v->n_startup++] = ns;
}

static int
ns_cmp(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
    return (a > b) - (a < b);
}

void
met_video_finish(struct met_video *v)
{
    if (v->n_startup > 1)
        qsort(v->startup_ns, v->n_startup, sizeof *v->startup_ns, ns_cmp);
}

int64_t
met_video_startup_q(const struct met_video *v, double q)
{
    if (v->n_startup == 0)
        return 0;
    /* Nearest rank: the smallest value with at least q of them at or
     * below it. */
    size_t rank = (size_t)ceil(q * (double)v->n_startup);
    return v->startup_ns[rank > 0 ? rank - 1 : 0];
}

double
met_video_rebuffer_ratio(const struct met_video *v)
{
    int64_t total = v->played_ns + v->stall_ns;
    return total > 0 ? (double)v->stall_ns / (double)total : 0;
}

double
met_video_mean_kbps(const struct met_video *v)
{
    return v->segments > 0 ? v->kbps_sum / (double)v->segments : 0;
}

void
met_video_free(struct met_video *v)
{
    if (v == NULL)
        return;
    free(v->startup_ns);
    free(v);
}

void
met_video_json(const struct met_run *r, FILE *out, int depth)
{
    const struct met_video *v = r->video;
    struct met_jw w = {out, depth, 0, 0};
    met_jw_open(&w, NULL);
    met_jw_u64(&w, "sessions", v->sessions);
    met_jw_u64(&w, "finished", v->finished);
    met_jw_u64(&w, "failed", v->failed);
    met_jw_u64(&w, "segments", v->segments);
    met_jw_u64(&w, "bytes", v->bytes);
    met_jw_real(&w, "startup_p50_ms",
                (double)met_video_startup_q(v, 0.5) / 1e6);
    met_jw_real(&w, "startup_p95_ms",
                (double)met_video_startup_q(v, 0.95) / 1e6);
    met_jw_u64(&w, "stalls", v->stalls);
    met_jw_u64(&w, "stalled_sessions", v->stalled_sessions);
    met_jw_real(&w, "stall_s", (double)v->stall_ns / 1e9);
    met_jw_real(&w, "played_s", (double)v->played_ns / 1e9);
    met_jw_real(&w, "rebuffer_ratio", met_video_rebuffer_ratio(v));
    met_jw_real(&w, "mean_bitrate_kbps", met_video_mean_kbps(v));
    met_jw_u64(&w, "switches", v->switches);
    met_jw_close(&w);
}

void
met_video_print(const struct met_run *r, FILE *out)
{
    const struct met_video *v = r->video;
    if (v == NULL)
        return;
    fprintf(out,
            "\nvideo: %llu sessions (%llu finished, %llu failed), %llu "
            "segments, mean bitrate %.0f kbps, %llu switches\n",
            (unsigned long long)v->sessions, (unsigned long long)v->finished,
            (unsigned long long)v->failed, (unsigned long long)v->segments,
            met_video_mean_kbps(v), (unsigned long long)v->switches);
    fprintf(out,
            "video: startup p50 %.1f ms, p95 %.1f ms; %llu stalls in %llu "
            "sessions, %.3f s stalled, rebuffer ratio %.4f\n",
            (double)met_video_startup_q(v, 0.5) / 1e6,
            (double)met_video_startup_q(v, 0.95) / 1e6,
            (unsigned long long)v->stalls,
            (unsigned long long)v->stalled_sessions, (double)v->stall_ns / 1e9,
            met_video_rebuffer_ratio(v));
}

const char met_video_schema[] =
    "CREATE TABLE IF NOT EXISTS video_metrics ( -- video:, version 19\n"
    "    run_id            INTEGER PRIMARY KEY REFERENCES runs(id),\n"
    "    sessions          INTEGER NOT NULL,  -- measured, started\n"
    "    finished          INTEGER NOT NULL,  -- watched to their end\n"
    "    failed            INTEGER NOT NULL,  -- ended by an error\n"
    "    segments          INTEGER NOT NULL,\n"
    "    bytes             INTEGER NOT NULL,\n"
    "    startup_p50_ms    REAL NOT NULL,     -- arrival to playback\n"
    "    startup_p95_ms    REAL NOT NULL,\n"
    "    stalls            INTEGER NOT NULL,  -- empty buffer, after start\n"
    "    stalled_sessions  INTEGER NOT NULL,\n"
    "    stall_s           REAL NOT NULL,\n"
    "    played_s          REAL NOT NULL,     -- media time played\n"
    "    rebuffer_ratio    REAL NOT NULL,     -- stall / (played + stall)\n"
    "    mean_bitrate_kbps REAL NOT NULL,     -- over segments\n"
    "    switches          INTEGER NOT NULL   -- rung changes\n"
    ");\n";

int
db_insert_video(struct db *d, const struct met_run *r, int64_t id)
{
    const struct met_video *v = r->video;
    if (v == NULL)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d,
                          "INSERT INTO video_metrics VALUES (?, ?, ?, ?, ?, ?,"
                          " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          &st);
    if (code == 0) {
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_u64(&w, v->sessions);
        db_bind_u64(&w, v->finished);
        db_bind_u64(&w, v->failed);
        db_bind_u64(&w, v->segments);
        db_bind_u64(&w, v->bytes);
        db_bind_real(&w, (double)met_video_startup_q(v, 0.5) / 1e6);
        db_bind_real(&w, (double)met_video_startup_q(v, 0.95) / 1e6);
        db_bind_u64(&w, v->stalls);
        db_bind_u64(&w, v->stalled_sessions);
        db_bind_real(&w, (double)v->stall_ns / 1e9);
        db_bind_real(&w, (double)v->played_ns / 1e9);
        db_bind_real(&w, met_video_rebuffer_ratio(v));
        db_bind_real(&w, met_video_mean_kbps(v));
        db_bind_u64(&w, v->switches);
        code = db_row_insert(d, &w, "inserting into video_metrics");
    }
    sqlite3_finalize(st);
    return code;
}
