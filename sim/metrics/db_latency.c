/* db_latency.c: the latency figures schema version 5 added: the p95 of
 * the runs and region_metrics rows, and node_latency (time to answer at
 * each node and tier).
 *
 * The p95 columns are filled by UPDATE after the rows are inserted, so
 * the long INSERTs of db_write.c stay as they were.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

/* Sets latency_p95_ms of the runs row and of each region_metrics row. */
static int
update_p95(struct db *d, const struct met_run *r, int64_t id)
{
    sqlite3_stmt *st = NULL;
    int code =
        db_prepare(d, "UPDATE runs SET latency_p95_ms = ?2 WHERE id = ?1", &st);
    struct met_lat l;
    struct db_row w;
    if (code == 0) {
        met_lat_summary(&r->latency, &l);
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_real(&w, l.p95_ms);
        code = db_row_insert(d, &w, "setting the run's p95 latency");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code == 0)
        code = db_prepare(d,
                          "UPDATE region_metrics SET latency_p95_ms = ?3"
                          " WHERE run_id = ?1 AND region = ?2",
                          &st);
    for (size_t i = 0; code == 0 && i < r->n_regions; i++) {
        met_lat_summary(&r->regions[i].latency, &l);
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, r->regions[i].name);
        db_bind_real(&w, l.p95_ms);
        code = db_row_insert(d, &w, "setting a region's p95 latency");
    }
    sqlite3_finalize(st);
    return code;
}

/* One node_latency row; h may be NULL (nothing answered). */
static int
insert_row(struct db *d, sqlite3_stmt *st, int64_t id, const char *scope,
           const char *name, const char *tier, const struct met_hist *h)
{
    struct met_hist *empty = NULL;
    if (h == NULL) {
        empty = xmalloc(sizeof *empty);
        met_hist_init(empty);
        h = empty;
    }
    struct met_lat l;
    met_lat_summary(h, &l);
    struct db_row w;
    db_row_start(&w, st);
    db_bind_i64(&w, id);
    db_bind_text(&w, scope);
    db_bind_text(&w, name);
    db_bind_text(&w, tier);
    db_bind_u64(&w, h->count);
    db_bind_real(&w, l.mean_ms);
    db_bind_real(&w, l.p50_ms);
    db_bind_real(&w, l.p90_ms);
    db_bind_real(&w, l.p95_ms);
    db_bind_real(&w, l.p99_ms);
    db_bind_real(&w, l.p999_ms);
    db_bind_real(&w, l.max_ms);
    free(empty);
    return db_row_insert(d, &w, "inserting into node_latency");
}

/* Each node's row, then each tier's (its nodes merged). */
static int
insert_node_latency(struct db *d, const struct met_run *r, int64_t id)
{
    sqlite3_stmt *st = NULL;
    int code = db_prepare(
        d,
        "INSERT INTO node_latency (run_id, scope, name, tier, answered,"
        " latency_mean_ms, latency_p50_ms, latency_p90_ms, latency_p95_ms,"
        " latency_p99_ms, latency_p999_ms, latency_max_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &st);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++)
        code = insert_row(d, st, id, "node", r->nodes[i].name, r->nodes[i].tier,
                          r->nodes[i].latency);
    const char **tiers = xcalloc(r->n_nodes ? r->n_nodes : 1, sizeof *tiers);
    size_t n_tiers = met_tier_list(r, tiers);
    struct met_hist *h = xmalloc(sizeof *h);
    for (size_t k = 0; code == 0 && k < n_tiers; k++) {
        met_tier_latency(r, tiers[k], h);
        code = insert_row(d, st, id, "tier", tiers[k], tiers[k], h);
    }
    free(h);
    free(tiers);
    sqlite3_finalize(st);
    return code;
}

int
db_insert_latency(struct db *d, const struct met_run *r, int64_t id)
{
    int code = update_p95(d, r, id);
    if (code == 0)
        code = insert_node_latency(d, r, id);
    return code;
}
