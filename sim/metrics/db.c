/* db.c: appends a finished run to the SQLite results database.
 *
 * One run is one IMMEDIATE transaction: the write lock is taken up front,
 * so parallel sweep processes writing to one file queue on the busy timeout
 * instead of failing half-way, and an error or a kill leaves no partial
 * run. The schema is created inside that transaction too, so two processes
 * that find a new file do not race to create it. PRAGMA user_version holds
 * the schema version; a file from a newer cdnsim is refused rather than
 * written with rows it might misread. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"

#define DB_BUSY_TIMEOUT_MS 30000

/* Column names double as the documentation: README.md prints this text.
 * Counts are 64-bit signed in SQLite; the seed is stored as the same 64
 * bits, so seeds of 2^63 and above read back negative. */
static const char db_schema[] =
    "CREATE TABLE IF NOT EXISTS runs (\n"
    "    id               INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "    topology         TEXT NOT NULL,     -- topology name\n"
    "    topology_path    TEXT NOT NULL,\n"
    "    workload         TEXT NOT NULL,     -- workload name\n"
    "    workload_path    TEXT NOT NULL,\n"
    "    seed             INTEGER NOT NULL,\n"
    "    overrides        TEXT NOT NULL,     -- --set arguments, or ''\n"
    "    started          TEXT NOT NULL,     -- UTC ISO 8601, wall clock\n"
    "    finished         TEXT NOT NULL,\n"
    "    status           TEXT NOT NULL,     -- 'complete' or "
    "'interrupted'\n"
    "    requests         INTEGER NOT NULL,  -- measured client requests\n"
    "    bytes            INTEGER NOT NULL,  -- their sizes, summed\n"
    "    errors           INTEGER NOT NULL,  -- answered with an error\n"
    "    offload          REAL NOT NULL,     -- 1 - origin/client requests\n"
    "    byte_offload     REAL NOT NULL,     -- 1 - origin/client bytes\n"
    "    origin_requests  INTEGER NOT NULL,\n"
    "    origin_bytes     INTEGER NOT NULL,\n"
    "    origin_peak_rps  INTEGER NOT NULL,  -- most in one 1 s window\n"
    "    cost_usd         REAL NOT NULL,     -- egress cost, all nodes\n"
    "    latency_mean_ms  REAL NOT NULL,     -- client latency, all "
    "regions\n"
    "    latency_p50_ms   REAL NOT NULL,\n"
    "    latency_p90_ms   REAL NOT NULL,\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    latency_p999_ms  REAL NOT NULL,\n"
    "    latency_max_ms   REAL NOT NULL,\n"
    "    window_s         REAL NOT NULL,     -- time-series window length\n"
    "    events           INTEGER NOT NULL,  -- engine events processed\n"
    "    wall_s           REAL NOT NULL      -- wall-clock run time\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS node_metrics (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,\n"
    "    tier             TEXT NOT NULL,     -- 'edge', 'shield', 'origin'\n"
    "    depth            INTEGER NOT NULL,  -- origin 0, its children 1, "
    "...\n"
    "    requests         INTEGER NOT NULL,  -- hits+misses+expired+\n"
    "                                        -- coalesced+stale+bypass\n"
    "    hits             INTEGER NOT NULL,  -- from a fresh cached copy\n"
    "    misses           INTEGER NOT NULL,\n"
    "    expired          INTEGER NOT NULL,\n"
    "    coalesced        INTEGER NOT NULL,\n"
    "    bytes_requested  INTEGER NOT NULL,\n"
    "    bytes_hit        INTEGER NOT NULL,\n"
    "    bytes_out        INTEGER NOT NULL,  -- bytes sent downstream\n"
    "    errors           INTEGER NOT NULL,  -- error responses sent\n"
    "    stale            INTEGER NOT NULL,  -- stale-while-revalidate\n"
    "    updates          INTEGER NOT NULL,  -- background refreshes\n"
    "    revalidated      INTEGER NOT NULL,  -- 304s received\n"
    "    bytes_saved      INTEGER NOT NULL,  -- bodies 304s spared\n"
    "    stale_if_error   INTEGER NOT NULL,  -- stale instead of errors\n"
    "    bypass           INTEGER NOT NULL,  -- not cacheable\n"
    "    negative         INTEGER NOT NULL,  -- 404 answers sent\n"
    "    purged           INTEGER NOT NULL,  -- copies purged\n"
    "    pushed_bytes     INTEGER NOT NULL,  -- bytes stored by pushes\n"
    "    hit_ratio        REAL NOT NULL,     -- hits / requests\n"
    "    byte_hit_ratio   REAL NOT NULL,     -- bytes_hit / "
    "bytes_requested\n"
    "    cost_usd         REAL NOT NULL,     -- bytes_out egress cost\n"
    "    PRIMARY KEY (run_id, node)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS node_outcomes (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,\n"
    "    outcome          TEXT NOT NULL,     -- HIT, MISS, EXPIRED,\n"
    "                                        -- REVALIDATED, UPDATING,\n"
    "                                        -- STALE, COALESCED, BYPASS,\n"
    "                                        -- ERROR\n"
    "    count            INTEGER NOT NULL,\n"
    "    PRIMARY KEY (run_id, node, outcome)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS region_metrics (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    region           TEXT NOT NULL,\n"
    "    requests         INTEGER NOT NULL,\n"
    "    bytes            INTEGER NOT NULL,\n"
    "    errors           INTEGER NOT NULL,  -- not in the latencies\n"
    "    latency_mean_ms  REAL NOT NULL,\n"
    "    latency_p50_ms   REAL NOT NULL,\n"
    "    latency_p90_ms   REAL NOT NULL,\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    latency_p999_ms  REAL NOT NULL,\n"
    "    latency_max_ms   REAL NOT NULL,\n"
    "    PRIMARY KEY (run_id, region)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS latency_histogram (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    region           TEXT NOT NULL,     -- '*' = all regions\n"
    "    bucket_lo_ns     INTEGER NOT NULL,  -- values v with lo <= v <= "
    "hi\n"
    "    bucket_hi_ns     INTEGER NOT NULL,\n"
    "    count            INTEGER NOT NULL,  -- > 0: empty buckets omitted\n"
    "    PRIMARY KEY (run_id, region, bucket_lo_ns)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS timeseries (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,\n"
    "    window           INTEGER NOT NULL,  -- 0, 1, ... with no gaps\n"
    "    t_start_s        REAL NOT NULL,     -- window * window_s, from\n"
    "                                        -- the first measured request\n"
    "    requests         INTEGER NOT NULL,\n"
    "    hits             INTEGER NOT NULL,\n"
    "    misses           INTEGER NOT NULL,  -- misses + expired\n"
    "    bytes_out        INTEGER NOT NULL,\n"
    "    PRIMARY KEY (run_id, node, window)\n"
    ");\n";

const char *
met_db_schema(void)
{
    return db_schema;
}

/* The connection and where its errors are reported. */
struct db {
    sqlite3 *h;
    const char *path;
    struct sim_err *err;
};

/* Records SQLite's message for the failed step `what`; returns -SIM_EDB. */
static int
db_fail(struct db *d, const char *what)
{
    return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL, "%s: %s", what,
                       d->h ? sqlite3_errmsg(d->h) : "out of memory");
}

static int
db_exec(struct db *d, const char *sql, const char *what)
{
    if (sqlite3_exec(d->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(d, what);
    return 0;
}

/* Binds a row's values in column order; the first failure sticks. */
struct row {
    sqlite3_stmt *st;
    int col;
    int rc;
};

static void
row_start(struct row *w, sqlite3_stmt *st)
{
    w->st = st;
    w->col = 0;
    w->rc = SQLITE_OK;
}

static void
bind_u64(struct row *w, uint64_t v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_int64(w->st, ++w->col, (sqlite3_int64)v);
}

static void
bind_i64(struct row *w, int64_t v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_int64(w->st, ++w->col, v);
}

static void
bind_real(struct row *w, double v)
{
    if (w->rc == SQLITE_OK)
        w->rc = sqlite3_bind_double(w->st, ++w->col, v);
}

static void
bind_text(struct row *w, const char *s)
{
    if (w->rc == SQLITE_OK)
        w->rc =
            sqlite3_bind_text(w->st, ++w->col, met_str(s), -1, SQLITE_STATIC);
}

/* Runs the bound statement once and resets it for the next row. */
static int
row_insert(struct db *d, struct row *w, const char *what)
{
    if (w->rc != SQLITE_OK)
        return db_fail(d, what);
    int rc = sqlite3_step(w->st);
    if (rc != SQLITE_DONE) {
        int code = db_fail(d, what);
        sqlite3_reset(w->st);
        return code;
    }
    if (sqlite3_reset(w->st) != SQLITE_OK)
        return db_fail(d, what);
    return 0;
}

static int
db_prepare(struct db *d, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(d->h, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_fail(d, "preparing a statement");
    }
    return 0;
}

/* Creates the schema on a new file, or checks the version of an old one.
 * Runs inside the write transaction. */
static int
db_schema_ensure(struct db *d)
{
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, "PRAGMA user_version", &st);
    if (code != 0)
        return code;
    int version = 0;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    else
        code = db_fail(d, "reading the schema version");
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    if (version > MET_DB_VERSION)
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "database schema version %d is newer than this "
                           "cdnsim writes (%d); use a newer cdnsim or "
                           "another file",
                           version, MET_DB_VERSION);
    /* A version-0 file may be new or may predate versioning: the IF NOT
     * EXISTS statements settle both. */
    code = db_exec(d, db_schema, "creating the schema");
    if (code == 0 && version < MET_DB_VERSION) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", MET_DB_VERSION);
        code = db_exec(d, sql, "setting the schema version");
    }
    return code;
}

static int
insert_run(struct db *d, const struct met_run *r, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO runs (topology, topology_path, workload, workload_path,"
        " seed, overrides, started, finished, status, requests, bytes,"
        " errors, offload, byte_offload, origin_requests, origin_bytes,"
        " origin_peak_rps, cost_usd, latency_mean_ms, latency_p50_ms,"
        " latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms,"
        " window_s, events, wall_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct met_lat l;
    met_lat_summary(&r->latency, &l);
    struct row w;
    row_start(&w, st);
    bind_text(&w, r->topology_name);
    bind_text(&w, r->topology_path);
    bind_text(&w, r->workload_name);
    bind_text(&w, r->workload_path);
    bind_u64(&w, r->seed);
    bind_text(&w, r->overrides);
    bind_text(&w, r->started);
    bind_text(&w, r->finished);
    bind_text(&w, r->is_complete ? "complete" : "interrupted");
    bind_u64(&w, r->requests);
    bind_u64(&w, r->bytes);
    bind_u64(&w, r->errors);
    bind_real(&w, met_offload(r));
    bind_real(&w, met_byte_offload(r));
    bind_u64(&w, r->origin_requests);
    bind_u64(&w, r->origin_bytes);
    bind_u64(&w, r->origin_peak_rps);
    bind_real(&w, met_total_cost(r));
    bind_real(&w, l.mean_ms);
    bind_real(&w, l.p50_ms);
    bind_real(&w, l.p90_ms);
    bind_real(&w, l.p99_ms);
    bind_real(&w, l.p999_ms);
    bind_real(&w, l.max_ms);
    bind_real(&w, (double)r->window_ns / 1e9);
    bind_u64(&w, r->events);
    bind_real(&w, r->wall_s);
    code = row_insert(d, &w, "inserting into runs");
    if (code == 0)
        *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    sqlite3_finalize(st);
    return code;
}

static int
insert_nodes(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO node_metrics (run_id, node, tier, depth, requests,"
        " hits, misses, expired, coalesced, bytes_requested, bytes_hit,"
        " bytes_out, errors, stale, updates, revalidated, bytes_saved,"
        " stale_if_error, bypass, negative, purged, pushed_bytes, hit_ratio,"
        " byte_hit_ratio, cost_usd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        const struct met_counters *c = &n->c;
        struct row w;
        row_start(&w, st);
        bind_i64(&w, id);
        bind_text(&w, n->name);
        bind_text(&w, n->tier);
        bind_i64(&w, n->depth);
        bind_u64(&w, c->requests);
        bind_u64(&w, c->hits);
        bind_u64(&w, c->misses);
        bind_u64(&w, c->expired);
        bind_u64(&w, c->coalesced);
        bind_u64(&w, c->bytes_requested);
        bind_u64(&w, c->bytes_hit);
        bind_u64(&w, c->bytes_out);
        bind_u64(&w, c->errors);
        bind_u64(&w, c->stale);
        bind_u64(&w, c->updates);
        bind_u64(&w, c->revalidated);
        bind_u64(&w, c->bytes_saved);
        bind_u64(&w, c->stale_if_error);
        bind_u64(&w, c->bypass);
        bind_u64(&w, c->negative);
        bind_u64(&w, c->purged);
        bind_u64(&w, c->pushed_bytes);
        bind_real(&w, met_ratio(c->hits, c->requests));
        bind_real(&w, met_ratio(c->bytes_hit, c->bytes_requested));
        bind_real(&w, met_node_cost(n));
        code = row_insert(d, &w, "inserting into node_metrics");
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
            struct row w;
            row_start(&w, st);
            bind_i64(&w, id);
            bind_text(&w, r->nodes[i].name);
            bind_text(&w, met_outcome_name((enum met_outcome)k));
            bind_u64(&w, r->nodes[i].c.outcome[k]);
            code = row_insert(d, &w, "inserting into node_outcomes");
        }
    }
    sqlite3_finalize(st);
    return code;
}

static int
insert_regions(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO region_metrics (run_id, region, requests, bytes,"
        " errors, latency_mean_ms, latency_p50_ms, latency_p90_ms,"
        " latency_p99_ms, latency_p999_ms, latency_max_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    for (size_t i = 0; code == 0 && i < r->n_regions; i++) {
        const struct met_region *g = &r->regions[i];
        struct met_lat l;
        met_lat_summary(&g->latency, &l);
        struct row w;
        row_start(&w, st);
        bind_i64(&w, id);
        bind_text(&w, g->name);
        bind_u64(&w, g->requests);
        bind_u64(&w, g->bytes);
        bind_u64(&w, g->errors);
        bind_real(&w, l.mean_ms);
        bind_real(&w, l.p50_ms);
        bind_real(&w, l.p90_ms);
        bind_real(&w, l.p99_ms);
        bind_real(&w, l.p999_ms);
        bind_real(&w, l.max_ms);
        code = row_insert(d, &w, "inserting into region_metrics");
    }
    sqlite3_finalize(st);
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
        struct row w;
        row_start(&w, st);
        bind_i64(&w, id);
        bind_text(&w, region);
        bind_u64(&w, lo);
        bind_u64(&w, hi);
        bind_u64(&w, h->bucket[i]);
        int code = row_insert(d, &w, "inserting into latency_histogram");
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
            struct row w;
            row_start(&w, st);
            bind_i64(&w, id);
            bind_text(&w, n->name);
            bind_u64(&w, k);
            bind_real(&w, (double)k * (double)r->window_ns / 1e9);
            bind_u64(&w, win->requests);
            bind_u64(&w, win->hits);
            bind_u64(&w, win->misses);
            bind_u64(&w, win->bytes_out);
            code = row_insert(d, &w, "inserting into timeseries");
        }
    }
    sqlite3_finalize(st);
    return code;
}

int
met_write_db(const struct met_run *r, const char *path, int64_t *run_id,
             struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    int in_txn = 0;
    int code = 0;
    *run_id = 0;

    int rc = sqlite3_open_v2(path, &d.h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        code = db_fail(&d, "cannot open database");
        goto out;
    }
    if (sqlite3_busy_timeout(d.h, DB_BUSY_TIMEOUT_MS) != SQLITE_OK) {
        code = db_fail(&d, "setting the busy timeout");
        goto out;
    }
    code = db_exec(&d, "PRAGMA foreign_keys = ON", "enabling foreign keys");
    if (code != 0)
        goto out;
    code = db_exec(&d, "BEGIN IMMEDIATE", "starting a transaction");
    if (code != 0)
        goto out;
    in_txn = 1;
    if ((code = db_schema_ensure(&d)) != 0 ||
        (code = insert_run(&d, r, &id)) != 0 ||
        (code = insert_nodes(&d, r, id)) != 0 ||
        (code = insert_outcomes(&d, r, id)) != 0 ||
        (code = insert_regions(&d, r, id)) != 0 ||
        (code = insert_hists(&d, r, id)) != 0 ||
        (code = insert_timeseries(&d, r, id)) != 0)
        goto out;
    code = db_exec(&d, "COMMIT", "committing the run");
    if (code == 0)
        in_txn = 0;
out:
    /* A failed COMMIT may leave the transaction open; the error already
     * recorded is the one to report, so ROLLBACK's own result is moot. */
    if (in_txn && d.h && !sqlite3_get_autocommit(d.h))
        sqlite3_exec(d.h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(d.h);
    if (code == 0)
        *run_id = id;
    return code;
}
