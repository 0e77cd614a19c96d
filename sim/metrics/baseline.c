/* baseline.c: a run's no-CDN baseline (struct met_baseline) and what the
 * CDN saved against it, in the table, the JSON and the database.
 *
 * "Saved" is always baseline minus CDN: latency milliseconds at each
 * percentile, origin requests and bytes, and the egress cost of every
 * node (met_total_cost). A negative figure is a loss: a CDN whose edges
 * charge more than the origin can cost more than no CDN at all. */
#include <stdlib.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"

void
met_baseline_free(struct met_baseline *b)
{
    if (b == NULL)
        return;
    free(b->regions);
    free(b);
}

int
met_has_cost_model(const struct met_run *r)
{
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].egress_cost_per_gb > 0)
            return 1;
    return r->billing != NULL;
}

/* The three percentiles the baseline compares, in ms. */
struct three {
    double p50, p95, p99;
};

static struct three
percentiles(const struct met_hist *h)
{
    struct met_lat l;
    met_lat_summary(h, &l);
    return (struct three){l.p50_ms, l.p95_ms, l.p99_ms};
}

static void
json_three(struct met_jw *w, const char *key, struct three v)
{
    met_jw_open(w, key);
    met_jw_real(w, "p50", v.p50);
    met_jw_real(w, "p95", v.p95);
    met_jw_real(w, "p99", v.p99);
    met_jw_close(w);
}

static struct three
minus(struct three a, struct three b)
{
    return (struct three){a.p50 - b.p50, a.p95 - b.p95, a.p99 - b.p99};
}

void
met_baseline_json(const struct met_run *r, FILE *out, int depth)
{
    const struct met_baseline *b = r->baseline;
    struct met_jw w = {out, depth, 0, 0};
    met_jw_open(&w, NULL);
    met_jw_str(&w, "kind", "no-cdn");
    met_jw_u64(&w, "requests", b->requests);
    met_jw_u64(&w, "errors", b->errors);
    met_jw_u64(&w, "origin_requests", b->origin_requests);
    met_jw_u64(&w, "origin_bytes", b->origin_bytes);
    met_jw_real(&w, "cost_usd", b->cost_usd);
    struct three base = percentiles(&b->latency);
    json_three(&w, "latency_ms", base);
    met_jw_open_array(&w, "regions");
    for (size_t k = 0; k < b->n_regions; k++) {
        const struct met_baseline_region *g = &b->regions[k];
        struct three gb = percentiles(&g->latency);
        struct three gc = percentiles(&r->regions[k].latency);
        met_jw_open(&w, NULL);
        met_jw_str(&w, "name", g->name);
        met_jw_real(&w, "rtt_ms", met_ns_to_ms((uint64_t)g->rtt_ns));
        met_jw_u64(&w, "requests", g->requests);
        met_jw_u64(&w, "errors", g->errors);
        json_three(&w, "latency_ms", gb);
        json_three(&w, "saved_ms", minus(gb, gc));
        met_jw_close(&w);
        met_jw_item_done(&w);
    }
    met_jw_close_array(&w, 0);
    met_jw_open(&w, "saved");
    met_jw_i64(&w, "origin_requests",
               (int64_t)(b->origin_requests - r->origin_requests));
    met_jw_i64(&w, "origin_bytes",
               (int64_t)(b->origin_bytes - r->origin_bytes));
    met_jw_real(&w, "cost_usd", b->cost_usd - met_total_cost(r));
    json_three(&w, "latency_ms", minus(base, percentiles(&r->latency)));
    met_jw_close(&w);
    met_jw_close(&w);
}

static void
print_latency_row(FILE *out, const char *name, double rtt_ms, struct three c,
                  struct three b)
{
    fprintf(out,
            "%-12s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f "
            "%8.1f\n",
            name, rtt_ms, c.p50, b.p50, b.p50 - c.p50, c.p95, b.p95,
            b.p95 - c.p95, c.p99, b.p99, b.p99 - c.p99);
}

/* "a with the CDN, b without: c saved (d% of b)". */
static void
print_saving(FILE *out, const char *what, uint64_t cdn, uint64_t base)
{
    fprintf(out, "%-16s %llu with the CDN, %llu without: %lld saved (%.2f%%)\n",
            what, (unsigned long long)cdn, (unsigned long long)base,
            (long long)(base - cdn),
            100.0 * ((double)base - (double)cdn) / (base ? (double)base : 1));
}

void
met_baseline_print(const struct met_run *r, FILE *out)
{
    const struct met_baseline *b = r->baseline;
    if (b == NULL)
        return;
    fputs("\nno-CDN baseline (--baseline no-cdn: each region straight to its "
          "origin, no caches)\n",
          out);
    fprintf(out, "%-12s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s\n",
            "latency(ms)", "rtt", "p50", "base", "saved", "p95", "base",
            "saved", "p99", "base", "saved");
    for (size_t k = 0; k < b->n_regions; k++)
        print_latency_row(out, met_str(b->regions[k].name),
                          met_ns_to_ms((uint64_t)b->regions[k].rtt_ns),
                          percentiles(&r->regions[k].latency),
                          percentiles(&b->regions[k].latency));
    fprintf(out,
            "%-12s %8s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f "
            "%8.1f\n",
            "all", "", percentiles(&r->latency).p50,
            percentiles(&b->latency).p50,
            percentiles(&b->latency).p50 - percentiles(&r->latency).p50,
            percentiles(&r->latency).p95, percentiles(&b->latency).p95,
            percentiles(&b->latency).p95 - percentiles(&r->latency).p95,
            percentiles(&r->latency).p99, percentiles(&b->latency).p99,
            percentiles(&b->latency).p99 - percentiles(&r->latency).p99);
    print_saving(out, "origin requests:", r->origin_requests,
                 b->origin_requests);
    print_saving(out, "origin bytes:", r->origin_bytes, b->origin_bytes);
    if (met_has_cost_model(r)) {
        double cdn = met_total_cost(r);
        fprintf(out, "%-16s $%.6f with the CDN, $%.6f without: $%.6f saved\n",
                "egress cost:", cdn, b->cost_usd, b->cost_usd - cdn);
    }
}

const char met_baseline_schema[] =
    "CREATE TABLE IF NOT EXISTS baselines (   -- run --baseline no-cdn\n"
    "    run_id           INTEGER PRIMARY KEY REFERENCES runs(id),\n"
    "    kind             TEXT NOT NULL,     -- 'no-cdn'\n"
    "    requests         INTEGER NOT NULL,  -- measured, as in the run\n"
    "    errors           INTEGER NOT NULL,\n"
    "    origin_requests  INTEGER NOT NULL,  -- without the CDN\n"
    "    origin_bytes     INTEGER NOT NULL,\n"
    "    cost_usd         REAL NOT NULL,     -- egress of every node\n"
    "    latency_p50_ms   REAL NOT NULL,     -- all regions\n"
    "    latency_p95_ms   REAL NOT NULL,\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    saved_origin_requests INTEGER NOT NULL, -- baseline - run\n"
    "    saved_origin_bytes INTEGER NOT NULL,\n"
    "    saved_cost_usd   REAL NOT NULL,\n"
    "    saved_p50_ms     REAL NOT NULL,\n"
    "    saved_p95_ms     REAL NOT NULL,\n"
    "    saved_p99_ms     REAL NOT NULL,\n"
    "    has_cost_model   INTEGER NOT NULL   -- 1: some node has a price\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS baseline_regions (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    region           TEXT NOT NULL,\n"
    "    rtt_ms           REAL NOT NULL,     -- region -> origin\n"
    "    requests         INTEGER NOT NULL,\n"
    "    errors           INTEGER NOT NULL,\n"
    "    latency_p50_ms   REAL NOT NULL,     -- without the CDN\n"
    "    latency_p95_ms   REAL NOT NULL,\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    saved_p50_ms     REAL NOT NULL,     -- baseline - run\n"
    "    saved_p95_ms     REAL NOT NULL,\n"
    "    saved_p99_ms     REAL NOT NULL,\n"
    "    PRIMARY KEY (run_id, region)\n"
    ");\n";

static void
bind_three(struct db_row *w, struct three v)
{
    db_bind_real(w, v.p50);
    db_bind_real(w, v.p95);
    db_bind_real(w, v.p99);
}

static int
insert_regions(struct db *d, const struct met_run *r, int64_t id)
{
    const struct met_baseline *b = r->baseline;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d,
                          "INSERT INTO baseline_regions VALUES (?, ?, ?, ?,"
                          " ?, ?, ?, ?, ?, ?, ?)",
                          &st);
    for (size_t k = 0; code == 0 && k < b->n_regions; k++) {
        const struct met_baseline_region *g = &b->regions[k];
        struct three gb = percentiles(&g->latency);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, g->name);
        db_bind_real(&w, met_ns_to_ms((uint64_t)g->rtt_ns));
        db_bind_u64(&w, g->requests);
        db_bind_u64(&w, g->errors);
        bind_three(&w, gb);
        bind_three(&w, minus(gb, percentiles(&r->regions[k].latency)));
        code = db_row_insert(d, &w, "inserting into baseline_regions");
    }
    sqlite3_finalize(st);
    return code;
}

int
db_insert_baseline(struct db *d, const struct met_run *r, int64_t id)
{
    const struct met_baseline *b = r->baseline;
    if (b == NULL)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d,
                          "INSERT INTO baselines VALUES (?, ?, ?, ?, ?, ?, ?,"
                          " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          &st);
    if (code == 0) {
        struct three base = percentiles(&b->latency);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, "no-cdn");
        db_bind_u64(&w, b->requests);
        db_bind_u64(&w, b->errors);
        db_bind_u64(&w, b->origin_requests);
        db_bind_u64(&w, b->origin_bytes);
        db_bind_real(&w, b->cost_usd);
        bind_three(&w, base);
        db_bind_i64(&w, (int64_t)(b->origin_requests - r->origin_requests));
        db_bind_i64(&w, (int64_t)(b->origin_bytes - r->origin_bytes));
        db_bind_real(&w, b->cost_usd - met_total_cost(r));
        bind_three(&w, minus(base, percentiles(&r->latency)));
        db_bind_i64(&w, met_has_cost_model(r));
        code = db_row_insert(d, &w, "inserting into baselines");
    }
    sqlite3_finalize(st);
    return code == 0 ? insert_regions(d, r, id) : code;
}
