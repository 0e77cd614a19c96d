/* db_write.c: appends a finished run to the results database: the runs
 * row and its node, outcome, region, histogram, time-series and origin
 * load rows. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static int
insert_run(struct db *d, const struct met_run *r, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO runs (topology, topology_path, workload, workload_path,"
        " seed, overrides, started, finished, status, requests, bytes,"
        " errors, offload, byte_offload, origin_requests, origin_bytes,"
        " origin_peak_rps, cost_usd, latency_mean_ms, latency_p50_ms,"
        " latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms,"
        " window_s, events, wall_s, outdated, served_from_cache,"
        " served_from_origin, bytes_from_cache, bytes_from_origin,"
        " bytes_failed, pushed_bytes, topology_sha256, topology_text,"
        " workload_sha256, workload_text, cdnsim_version) VALUES (?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct met_lat l;
    met_lat_summary(&r->latency, &l);
    struct db_row w;
    db_row_start(&w, st);
    db_bind_text(&w, r->topology_name);
    db_bind_text(&w, r->topology_path);
    db_bind_text(&w, r->workload_name);
    db_bind_text(&w, r->workload_path);
    db_bind_u64(&w, r->seed);
    db_bind_text(&w, r->overrides);
    db_bind_text(&w, r->started);
    db_bind_text(&w, r->finished);
    db_bind_text(&w, r->is_complete ? "complete" : "interrupted");
    db_bind_u64(&w, r->requests);
    db_bind_u64(&w, r->bytes);
    db_bind_u64(&w, r->errors);
    db_bind_real(&w, met_offload(r));
    db_bind_real(&w, met_byte_offload(r));
    db_bind_u64(&w, r->origin_requests);
    db_bind_u64(&w, r->origin_bytes);
    db_bind_u64(&w, r->origin_peak_rps);
    db_bind_real(&w, met_total_cost(r));
    db_bind_real(&w, l.mean_ms);
    db_bind_real(&w, l.p50_ms);
    db_bind_real(&w, l.p90_ms);
    db_bind_real(&w, l.p99_ms);
    db_bind_real(&w, l.p999_ms);
    db_bind_real(&w, l.max_ms);
    db_bind_real(&w, (double)r->window_ns / 1e9);
    db_bind_u64(&w, r->events);
    db_bind_real(&w, r->wall_s);
    db_bind_u64(&w, r->outdated);
    db_bind_u64(&w, r->from_cache);
    db_bind_u64(&w, r->from_origin);
    db_bind_u64(&w, r->bytes_from_cache);
    db_bind_u64(&w, r->bytes_from_origin);
    db_bind_u64(&w, r->bytes_failed);
    db_bind_u64(&w, r->origin_pushed_bytes);
    db_bind_opt_text(&w, r->topology_sha256);
    db_bind_opt_text(&w, r->topology_text);
    db_bind_opt_text(&w, r->workload_sha256);
    db_bind_opt_text(&w, r->workload_text);
    db_bind_opt_text(&w, r->cdnsim_version);
    code = db_row_insert(d, &w, "inserting into runs");
    if (code == 0)
        *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    sqlite3_finalize(st);
    return code;
}

/* "INSERT INTO node_metrics (...) VALUES (...)" with node_counters.def's
 * columns after the node's identity; caller frees. */
static char *
node_insert_sql(void)
{
    struct strbuf b = {0};
    strbuf_put(&b, "INSERT INTO node_metrics (run_id, node, tier, depth");
    for (size_t i = 0; i < met_n_node_fields; i++)
        strbuf_printf(&b, ", %s", met_node_fields[i].name);
    strbuf_put(&b, ") VALUES (?, ?, ?, ?");
    for (size_t i = 0; i < met_n_node_fields; i++)
        strbuf_put(&b, ", ?");
    strbuf_put(&b, ")");
    return strbuf_take(&b);
}

static int
insert_nodes(struct db *d, const struct met_run *r, int64_t id)
{
    char *sql = node_insert_sql();
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    free(sql);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, n->name);
        db_bind_text(&w, n->tier);
        db_bind_i64(&w, n->depth);
        for (size_t k = 0; k < met_n_node_fields; k++) {
            const struct met_node_field *f = &met_node_fields[k];
            if (f->kind == MET_FIELD_COUNTER)
                db_bind_u64(&w, met_counter_get(&n->c, f));
            else if (f->kind == MET_FIELD_RATIO)
                db_bind_real(&w, met_field_ratio(&n->c, f));
            else
                db_bind_real(&w, met_node_cost(n));
        }
        code = db_row_insert(d, &w, "inserting into node_metrics");
    }
    sqlite3_finalize(st);
    return code;
}

/* Each node's outcome counts, zero ones included. */
static int
insert_outcomes(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO node_outcomes (run_id, node, outcome, count)"
        " VALUES (?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        for (int k = 0; code == 0 && k < MET_N_OUTCOMES; k++) {
            struct db_row w;
            db_row_start(&w, st);
            db_bind_i64(&w, id);
            db_bind_text(&w, r->nodes[i].name);
            db_bind_text(&w, met_outcome_name((enum met_outcome)k));
            db_bind_u64(&w, r->nodes[i].c.outcome[k]);
            code = db_row_insert(d, &w, "inserting into node_outcomes");
        }
    }
    sqlite3_finalize(st);
    return code;
}

/* The columns of region_metrics and class_metrics that INSERT fills:
 * region_counters.def's, then the latencies and the ratios; the p95 is
 * set later (db_latency.c). */
static const char answer_columns[] =
#define MET_REGION_COUNTER(name, json, column) " " #column ","
#include "metrics/region_counters.def"
#undef MET_REGION_COUNTER
    " latency_mean_ms, latency_p50_ms, latency_p90_ms, latency_p99_ms,"
    " latency_p999_ms, latency_max_ms, hit_ratio, byte_hit_ratio";

/* The rows of region_metrics (what "region") or class_metrics ("class"):
 * the client answers of g[0..n). */
static int
insert_answers(struct db *d, const char *what, const struct met_region *g0,
               size_t n, int64_t id)
{
    struct strbuf sql = {0};
    strbuf_printf(&sql, "INSERT INTO %s_metrics (run_id, %s,%s) VALUES (?, ?",
                  what, what, answer_columns);
    for (const char *c = answer_columns; *c; c++)
        if (*c == ',')
            strbuf_put(&sql, ", ?");
    strbuf_put(&sql, ", ?)");
    char *doing = xasprintf("inserting into %s_metrics", what);
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, strbuf_str(&sql), &st);
    for (size_t i = 0; code == 0 && i < n; i++) {
        const struct met_region *g = &g0[i];
        struct met_lat l;
        met_lat_summary(&g->latency, &l);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, g->name);
#define MET_REGION_COUNTER(name, json, column) db_bind_u64(&w, g->name);
#include "metrics/region_counters.def"
#undef MET_REGION_COUNTER
        db_bind_real(&w, l.mean_ms);
        db_bind_real(&w, l.p50_ms);
        db_bind_real(&w, l.p90_ms);
        db_bind_real(&w, l.p99_ms);
        db_bind_real(&w, l.p999_ms);
        db_bind_real(&w, l.max_ms);
        db_bind_real(&w, met_ratio(g->hits, g->requests));
        db_bind_real(&w, met_ratio(g->bytes_hit, g->bytes));
        code = db_row_insert(d, &w, doing);
    }
    sqlite3_finalize(st);
    free(doing);
    strbuf_fini(&sql);
    return code;
}

/* The non-empty buckets of one histogram. */
static int
insert_hist(struct db *d, sqlite3_stmt *st, int64_t id, const char *region,
            const struct met_hist *h)
{
    for (unsigned i = 0; i < MET_N_BUCKETS; i++) {
        if (h->bucket[i] == 0)
            continue;
        uint64_t lo, hi;
        met_hist_bucket_range(i, &lo, &hi);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, region);
        db_bind_u64(&w, lo);
        db_bind_u64(&w, hi);
        db_bind_u64(&w, h->bucket[i]);
        int code = db_row_insert(d, &w, "inserting into latency_histogram");
        if (code != 0)
            return code;
    }
    return 0;
}

static int
insert_hists(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO latency_histogram (run_id, region, bucket_lo_ns,"
        " bucket_hi_ns, count) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code == 0)
        code = insert_hist(d, st, id, "*", &r->latency);
    for (size_t i = 0; code == 0 && i < r->n_regions; i++)
        code =
            insert_hist(d, st, id, r->regions[i].name, &r->regions[i].latency);
    sqlite3_finalize(st);
    return code;
}

/* Every node gets the same windows 0 .. n-1, n the most any node has, so
 * that a plot of any node spans the whole run without gaps. */
static int
insert_timeseries(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO timeseries (run_id, node, window, t_start_s, requests,"
        " hits, misses, bytes_out) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static const struct met_window zero;
    uint64_t n_windows = 0;
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].n_windows > n_windows)
            n_windows = r->nodes[i].n_windows;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        for (uint64_t k = 0; code == 0 && k < n_windows; k++) {
            const struct met_window *win =
                k < n->n_windows ? &n->windows[k] : &zero;
            struct db_row w;
            db_row_start(&w, st);
            db_bind_i64(&w, id);
            db_bind_text(&w, n->name);
            db_bind_u64(&w, k);
            db_bind_real(&w, (double)k * (double)r->window_ns / 1e9);
            db_bind_u64(&w, win->requests);
            db_bind_u64(&w, win->hits);
            db_bind_u64(&w, win->misses);
            db_bind_u64(&w, win->bytes_out);
            code = db_row_insert(d, &w, "inserting into timeseries");
        }
    }
    sqlite3_finalize(st);
    return code;
}

static int
insert_origin_load(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO origin_load (run_id, mean_rps, settle_s,"
        " steady_mean_rps, steady_peak_rps) VALUES (?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct met_origin_load ol;
    met_origin_load(r, &ol);
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, id);
    db_bind_real(&w, ol.mean_rps);
    db_bind_real(&w, ol.settle_s);
    db_bind_real(&w, ol.steady_mean_rps);
    db_bind_real(&w, ol.steady_peak_rps);
    code = db_row_insert(d, &w, "inserting into origin_load");
    sqlite3_finalize(st);
    return code;
}

static void
bind_link_stats(struct db_row *w, const struct met_link_stats *s)
{
    db_bind_real(w, s->capacity_mbps);
    db_bind_u64(w, s->bytes);
    db_bind_real(w, s->utilisation);
    db_bind_real(w, s->mean_mbps);
    db_bind_real(w, s->p95_mbps);
    db_bind_real(w, s->peak_mbps);
    db_bind_real(w, s->offered_mbps);
    db_bind_u64(w, s->n_windows);
    db_bind_u64(w, s->overloaded_windows);
    db_bind_i64(w, met_link_is_overloaded(s));
}

static int
insert_link_window(struct db *d, sqlite3_stmt *st, int64_t id, const char *from,
                   const char *to, uint64_t window, double window_s,
                   const struct met_link_rate *rate)
{
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, id);
    db_bind_text(&w, from);
    db_bind_text(&w, to);
    db_bind_u64(&w, window);
    db_bind_real(&w, (double)window * window_s);
    db_bind_real(&w, rate->busy_s);
    db_bind_u64(&w, rate->bytes);
    db_bind_real(&w, rate->utilisation);
    db_bind_real(&w, rate->mbps);
    db_bind_u64(&w, rate->offered_bytes);
    return db_row_insert(d, &w, "inserting into link_timeseries");
}

/* Links with a capacity: one row each, one per node for its links
 * together, and each link's windows. */
static int
insert_links(struct db *d, const struct met_run *r, int64_t id)
{
    if (r->n_links == 0)
        return 0;
    static const char sql[] =
        "INSERT INTO link_metrics (run_id, from_node, to_name, to_kind,"
        " capacity_mbps, bytes, utilisation, mean_mbps, p95_mbps, peak_mbps,"
        " offered_mbps, windows, overloaded_windows, overloaded, transfers,"
        " offered_bytes, delivered_bytes, mean_transfer_ms, peak_transfers)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static const char sql_win[] =
        "INSERT INTO link_timeseries (run_id, from_node, to_name, window,"
        " t_start_s, busy_s, bytes, utilisation, mbps, offered_bytes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL, *sw = NULL;
    int code = db_prepare(d, sql, &st);
    if (code == 0)
        code = db_prepare(d, sql_win, &sw);
    double window_s = (double)r->window_ns / 1e9;
    for (size_t k = 0; code == 0 && k < r->n_links; k++) {
        const struct met_link *l = &r->links[k];
        struct met_link_stats s;
        met_link_summary(r, k, &s);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, l->from);
        db_bind_text(&w, l->to);
        db_bind_text(&w, l->to_is_region ? "region" : "node");
        bind_link_stats(&w, &s);
        db_bind_u64(&w, l->transfers);
        db_bind_u64(&w, l->offered_bytes);
        db_bind_u64(&w, l->delivered_bytes);
        db_bind_real(&w, s.mean_transfer_ms);
        db_bind_u64(&w, l->peak_transfers);
        code = db_row_insert(d, &w, "inserting into link_metrics");
        for (uint64_t j = 0; code == 0 && j < l->n_windows; j++) {
            struct met_link_rate rate;
            met_link_window_rate(r, k, j, &rate);
            code = insert_link_window(d, sw, id, l->from, l->to, j, window_s,
                                      &rate);
        }
    }
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        struct met_link_stats s;
        if (met_node_link_summary(r, i, &s) == 0)
            continue;
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, r->nodes[i].name);
        db_bind_text(&w, "*");
        db_bind_text(&w, "*");
        bind_link_stats(&w, &s);
        for (int j = 0; j < 5; j++)
            db_bind_null(&w);
        code = db_row_insert(d, &w, "inserting into link_metrics");
        for (uint64_t j = 0; code == 0 && j < s.n_windows; j++) {
            struct met_link_rate rate;
            met_node_window_rate(r, i, j, &rate);
            code = insert_link_window(d, sw, id, r->nodes[i].name, "*", j,
                                      window_s, &rate);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(sw);
    return code;
}

int
db_insert_trace_file(struct db *d, const char *table, int64_t owner_id,
                     const char *path, const char *sha256)
{
    if (sha256 == NULL)
        return 0;
    int is_run = strcmp(table, "run_files") == 0;
    SIM_ASSERT(is_run || strcmp(table, "sweep_files") == 0);
    const char *sql = is_run ? "INSERT INTO run_files (run_id, role, path,"
                               " sha256) VALUES (?, 'trace', ?, ?)"
                             : "INSERT INTO sweep_files (sweep_id, role,"
                               " path, sha256) VALUES (?, 'trace', ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, owner_id);
    db_bind_text(&w, path);
    db_bind_text(&w, sha256);
    code = db_row_insert(d, &w,
                         is_run ? "inserting into run_files"
                                : "inserting into sweep_files");
    sqlite3_finalize(st);
    return code;
}

int
db_insert_all(struct db *d, const struct met_run *r, int64_t *id)
{
    int code;
    if ((code = insert_run(d, r, id)) != 0 ||
        (code = insert_nodes(d, r, *id)) != 0 ||
        (code = insert_outcomes(d, r, *id)) != 0 ||
        (code = insert_answers(d, "region", r->regions, r->n_regions, *id)) !=
            0 ||
        (code = insert_answers(d, "class", r->classes, r->n_classes, *id)) !=
            0 ||
        (code = insert_hists(d, r, *id)) != 0 ||
        (code = db_insert_latency(d, r, *id)) != 0 ||
        (code = insert_timeseries(d, r, *id)) != 0 ||
        (code = insert_origin_load(d, r, *id)) != 0 ||
        (code = insert_links(d, r, *id)) != 0 ||
        (code = db_insert_top(d, r, *id)) != 0 ||
        (code = db_insert_billing(d, r, *id)) != 0 ||
        (code = db_insert_baseline(d, r, *id)) != 0 ||
        (code = db_insert_alerts(d, r, *id)) != 0 ||
        (code = db_insert_origins(d, r, *id)) != 0 ||
        (code = db_insert_video(d, r, *id)) != 0 ||
        (code = db_insert_trace_file(d, "run_files", *id, r->trace_path,
                                     r->trace_sha256)) != 0 ||
        (code = db_insert_overload(d, r, *id)) != 0 ||
        (code = db_insert_pop(d, r, *id)) != 0)
        return code;
    return 0;
}

int
met_write_db(const struct met_run *r, const char *path, int64_t *run_id,
             struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    *run_id = 0;
    int code = db_begin(&d);
    if (code == 0)
        code = db_insert_all(&d, r, &id);
    code = db_close(&d, code);
    if (code == 0)
        *run_id = id;
    return code;
}

int
met_check_db(const char *path, struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    /* Opening for writing, locking and checking the schema version is
     * what met_write_db does first; rolled back, it leaves the file as it
     * was (or a new, empty database). */
    int code = db_begin(&d);
    if (code == 0) {
        code = db_exec(&d, "ROLLBACK", "rolling back the check");
        d.in_txn = 0;
    }
    return db_close(&d, code);
}
