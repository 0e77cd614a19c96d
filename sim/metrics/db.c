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
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/strbuf.h"
#include "util/utc.h"
#include "util/xalloc.h"

#define DB_BUSY_TIMEOUT_MS 30000

/* Column names double as the documentation: README.md prints this text
 * (met_db_schema joins the parts).
 * Counts are 64-bit signed in SQLite; the seed is stored as the same 64
 * bits, so seeds of 2^63 and above read back negative. */
static const char db_schema_runs[] =
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
    "    errors           INTEGER NOT NULL,  -- failed: answered with an\n"
    "                                        -- error\n"
    "    offload          REAL NOT NULL,     -- served_from_cache /\n"
    "                                        -- requests (version 3; 1 -\n"
    "                                        -- origin/client requests\n"
    "                                        -- before)\n"
    "    byte_offload     REAL NOT NULL,     -- (bytes_from_cache -\n"
    "                                        -- pushed_bytes) / bytes\n"
    "                                        -- (version 3; 1 - origin/\n"
    "                                        -- client bytes before)\n"
    "    origin_requests  INTEGER NOT NULL,\n"
    "    origin_bytes     INTEGER NOT NULL,  -- answers and pushes\n"
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
    "    wall_s           REAL NOT NULL,     -- wall-clock run time\n"
    "    outdated         INTEGER,           -- answered with an older\n"
    "                                        -- version than the origin's\n"
    "                                        -- at request time; NULL:\n"
    "                                        -- not measured (version 1)\n"
    "    served_from_cache INTEGER,          -- client requests answered\n"
    "                                        -- by a cache, no origin\n"
    "                                        -- request made for them\n"
    "    served_from_origin INTEGER,         -- answered by the origin;\n"
    "                                        -- + served_from_cache +\n"
    "                                        -- errors = requests\n"
    "    bytes_from_cache INTEGER,           -- their sizes; the three\n"
    "    bytes_from_origin INTEGER,          -- add up to bytes\n"
    "    bytes_failed     INTEGER,\n"
    "    pushed_bytes     INTEGER,           -- bytes the origins pushed;\n"
    "                                        -- these six NULL: not\n"
    "                                        -- measured (version < 3)\n"
    "    topology_sha256  TEXT,              -- SHA-256 (hex) of the\n"
    "                                        -- topology file as read\n"
    "    topology_text    TEXT,              -- and its full text\n"
    "    workload_sha256  TEXT,\n"
    "    workload_text    TEXT,\n"
    "    cdnsim_version   TEXT               -- these five NULL: not\n"
    "                                        -- recorded (version < 4)\n"
    ");\n";

/* node_metrics comes next: its columns are node_counters.def's
 * (db_node_table). */
static const char db_schema_node_head[] =
    "CREATE TABLE IF NOT EXISTS node_metrics (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,\n"
    "    tier             TEXT NOT NULL,     -- 'edge', 'shield', 'origin'\n"
    "    depth            INTEGER NOT NULL,  -- origin 0, its children 1, "
    "...\n";

static const char db_schema_node_tail[] =
    "    PRIMARY KEY (run_id, node)\n"
    ");\n";

static const char db_schema_rest[] =
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
    "    outdated         INTEGER,           -- as runs.outdated\n"
    "    hits             INTEGER,           -- served from a cache, as\n"
    "                                        -- runs.served_from_cache;\n"
    "                                        -- NULL as runs.outdated\n"
    "    bytes_hit        INTEGER,\n"
    "    hit_ratio        REAL,              -- hits / requests\n"
    "    byte_hit_ratio   REAL,              -- bytes_hit / bytes\n"
    "    served_from_origin INTEGER,         -- as in runs: + hits +\n"
    "                                        -- errors = requests; NULL\n"
    "                                        -- as runs.pushed_bytes\n"
    "    bytes_from_origin INTEGER,\n"
    "    bytes_failed     INTEGER,\n"
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
    ");\n"
    "CREATE TABLE IF NOT EXISTS origin_load (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    mean_rps         REAL NOT NULL,     -- origin_requests / measured\n"
    "                                        -- span\n"
    "    settle_s         REAL NOT NULL,     -- cold start MSER-5 cut off\n"
    "    steady_mean_rps  REAL NOT NULL,     -- over the whole windows\n"
    "    steady_peak_rps  REAL NOT NULL,     -- after settle_s\n"
    "    PRIMARY KEY (run_id)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweeps (\n"
    "    id               INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "    topology_path    TEXT NOT NULL,\n"
    "    workload_path    TEXT NOT NULL,\n"
    "    seed             INTEGER NOT NULL,  -- unless a --vary sets it\n"
    "    vary             TEXT NOT NULL,     -- --vary arguments, one a "
    "line\n"
    "    overrides        TEXT NOT NULL,     -- --set arguments, or ''\n"
    "    points           INTEGER NOT NULL,  -- product of the value "
    "counts\n"
    "    created          TEXT NOT NULL,     -- UTC ISO 8601, wall clock\n"
    "    topology_sha256  TEXT,              -- the files the sweep\n"
    "    topology_text    TEXT,              -- began with, as in runs;\n"
    "    workload_sha256  TEXT,              -- resuming with other\n"
    "    workload_text    TEXT,              -- contents is refused\n"
    "    cdnsim_version   TEXT               -- NULL before version 4\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_vary (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    position         INTEGER NOT NULL,  -- 0 = the first --vary\n"
    "    path             TEXT NOT NULL,     -- as for --set\n"
    "    spec             TEXT NOT NULL,     -- as given: "
    "'1GiB..8GiB*2'\n"
    "    kind             TEXT NOT NULL,     -- 'size', 'duration',\n"
    "                                        -- 'number' or 'text'\n"
    "    n_values         INTEGER NOT NULL,\n"
    "    moves_with       INTEGER,           -- a --vary-with: position of\n"
    "                                        -- the --vary it moves with;\n"
    "                                        -- NULL: its own dimension\n"
    "    fields           TEXT,              -- the fields a wildcard path\n"
    "                                        -- sets, one a line (else\n"
    "                                        -- path); NULL before\n"
    "                                        -- version 4\n"
    "    PRIMARY KEY (sweep_id, position)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_points (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    point            INTEGER NOT NULL,  -- 0, 1, ...: the last "
    "--vary\n"
    "                                        -- changes fastest\n"
    "    params           TEXT NOT NULL,     -- the point's --set "
    "arguments\n"
    "    params_json      TEXT NOT NULL,     -- {\"PATH\": \"VALUE\", "
    "...}\n"
    "    status           TEXT NOT NULL,     -- 'pending' or 'complete'\n"
    "    run_id           INTEGER REFERENCES runs(id),  -- once complete\n"
    "    PRIMARY KEY (sweep_id, point)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_params (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    point            INTEGER NOT NULL,\n"
    "    position         INTEGER NOT NULL,  -- of the --vary\n"
    "    path             TEXT NOT NULL,\n"
    "    value            TEXT NOT NULL,     -- as passed to --set\n"
    "    value_num        REAL,              -- bytes, seconds or the\n"
    "                                        -- number; NULL for text\n"
    "    PRIMARY KEY (sweep_id, point, position)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_summary (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    point            INTEGER NOT NULL,  -- with --replications: the\n"
    "                                        -- combination of the other\n"
    "                                        -- values, 0, 1, ...\n"
    "    params           TEXT NOT NULL,     -- its --set arguments\n"
    "    metric           TEXT NOT NULL,     -- JSON path: 'offload',\n"
    "                                        -- 'nodes.edge.hit_ratio'\n"
    "    runs             INTEGER NOT NULL,  -- replications measured\n"
    "    mean             REAL NOT NULL,\n"
    "    stddev           REAL,              -- sample; NULL for 1 run\n"
    "    ci95             REAL,              -- 95% half-width, Student\n"
    "                                        -- t; NULL for 1 run\n"
    "    PRIMARY KEY (sweep_id, point, metric)\n"
    ");\n";

/* The SQL type of a node_metrics column. */
static const char *
node_column_type(const struct met_node_field *f)
{
    return f->kind == MET_FIELD_COUNTER ? "INTEGER" : "REAL";
}

/* Appends node_metrics' CREATE statement: each column of
 * node_counters.def on a line with its type and comment, the comment's
 * further lines aligned under its first. */
static void
db_node_table(struct strbuf *b)
{
    strbuf_put(b, db_schema_node_head);
    for (size_t i = 0; i < met_n_node_fields; i++) {
        const struct met_node_field *f = &met_node_fields[i];
        char type[32];
        snprintf(type, sizeof type, "%s%s,", node_column_type(f),
                 f->since == 1 ? " NOT NULL" : "");
        if (f->doc[0] == '\0') {
            strbuf_printf(b, "    %-16s %s\n", f->name, type);
            continue;
        }
        strbuf_printf(b, "    %-16s %-19s", f->name, type);
        const char *line = f->doc;
        for (int first = 1;; first = 0) {
            size_t len = strcspn(line, "\n");
            strbuf_printf(b, "%*s-- %.*s\n", first ? 0 : 40, "", (int)len,
                          line);
            if (line[len] == '\0')
                break;
            line += len + 1;
        }
    }
    strbuf_put(b, db_schema_node_tail);
}

const char *
met_db_schema(void)
{
    /* Built once and kept for the life of the process. */
    static char *schema;
    if (schema == NULL) {
        struct strbuf b = {0};
        strbuf_put(&b, db_schema_runs);
        db_node_table(&b);
        strbuf_put(&b, db_schema_rest);
        schema = strbuf_take(&b);
    }
    return schema;
}

/* The connection and where its errors are reported. */
struct db {
    sqlite3 *h;
    const char *path;
    struct sim_err *err;
    int in_txn;            /* a transaction is open */
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

/* Text, or NULL for a value not known. */
static void
bind_opt_text(struct row *w, const char *s)
{
    if (w->rc == SQLITE_OK)
        w->rc = s ? sqlite3_bind_text(w->st, ++w->col, s, -1, SQLITE_STATIC)
                  : sqlite3_bind_null(w->st, ++w->col);
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

/* Does the file have the sweep tables (an older file may not)? */
static int
db_has_sweeps(struct db *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(d->h,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = 'sweeps'",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    int has = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return has;
}

/* Adds the node_metrics columns that schema versions after version
 * added (node_counters.def's since), as a file of that version lacks. */
static int
db_upgrade_nodes(struct db *d, int version)
{
    struct strbuf sql = {0};
    for (size_t i = 0; i < met_n_node_fields; i++) {
        const struct met_node_field *f = &met_node_fields[i];
        if (f->since > version)
            strbuf_printf(&sql, "ALTER TABLE node_metrics ADD COLUMN %s %s;\n",
                          f->name, node_column_type(f));
    }
    int code = 0;
    if (sql.n > 0) {
        char what[64];
        snprintf(what, sizeof what, "upgrading the schema from version %d",
                 version);
        code = db_exec(d, strbuf_str(&sql), what);
    }
    strbuf_fini(&sql);
    return code;
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
     * EXISTS statements settle both. A version-1 file lacks the columns
     * version 2 added (at the ends of their tables, as here). */
    if (version == 1)
        code = db_exec(d,
                       "ALTER TABLE runs ADD COLUMN outdated INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN outdated "
                       "INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN hits INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN bytes_hit "
                       "INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN hit_ratio "
                       "REAL;\n"
                       "ALTER TABLE region_metrics ADD COLUMN byte_hit_ratio "
                       "REAL;\n",
                       "upgrading the schema from version 1");
    /* Version 3 added the answer split (and redefined offload, which
     * older rows keep as they were written). */
    if (code == 0 && (version == 1 || version == 2))
        code = db_exec(d,
                       "ALTER TABLE runs ADD COLUMN served_from_cache "
                       "INTEGER;\n"
                       "ALTER TABLE runs ADD COLUMN served_from_origin "
                       "INTEGER;\n"
                       "ALTER TABLE runs ADD COLUMN bytes_from_cache "
                       "INTEGER;\n"
                       "ALTER TABLE runs ADD COLUMN bytes_from_origin "
                       "INTEGER;\n"
                       "ALTER TABLE runs ADD COLUMN bytes_failed INTEGER;\n"
                       "ALTER TABLE runs ADD COLUMN pushed_bytes INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN "
                       "served_from_origin INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN "
                       "bytes_from_origin INTEGER;\n"
                       "ALTER TABLE region_metrics ADD COLUMN bytes_failed "
                       "INTEGER;\n",
                       "upgrading the schema to version 3");
    /* Version 4 added provenance and linked and wildcard --vary. */
    if (code == 0 && version >= 1 && version <= 3)
        code = db_exec(d,
                       "ALTER TABLE runs ADD COLUMN topology_sha256 TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN topology_text TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN workload_sha256 TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN workload_text TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN cdnsim_version TEXT;\n",
                       "upgrading the schema to version 4");
    if (code == 0 && version >= 1 && version <= 3 && db_has_sweeps(d))
        code = db_exec(d,
                       "ALTER TABLE sweeps ADD COLUMN topology_sha256 TEXT;\n"
                       "ALTER TABLE sweeps ADD COLUMN topology_text TEXT;\n"
                       "ALTER TABLE sweeps ADD COLUMN workload_sha256 TEXT;\n"
                       "ALTER TABLE sweeps ADD COLUMN workload_text TEXT;\n"
                       "ALTER TABLE sweeps ADD COLUMN cdnsim_version TEXT;\n"
                       "ALTER TABLE sweep_vary ADD COLUMN moves_with "
                       "INTEGER;\n"
                       "ALTER TABLE sweep_vary ADD COLUMN fields TEXT;\n",
                       "upgrading the sweeps to version 4");
    if (code == 0 && version >= 1)
        code = db_upgrade_nodes(d, version);
    if (code == 0)
        code = db_exec(d, met_db_schema(), "creating the schema");
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
    bind_u64(&w, r->outdated);
    bind_u64(&w, r->from_cache);
    bind_u64(&w, r->from_origin);
    bind_u64(&w, r->bytes_from_cache);
    bind_u64(&w, r->bytes_from_origin);
    bind_u64(&w, r->bytes_failed);
    bind_u64(&w, r->origin_pushed_bytes);
    bind_opt_text(&w, r->topology_sha256);
    bind_opt_text(&w, r->topology_text);
    bind_opt_text(&w, r->workload_sha256);
    bind_opt_text(&w, r->workload_text);
    bind_opt_text(&w, r->cdnsim_version);
    code = row_insert(d, &w, "inserting into runs");
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
        struct row w;
        row_start(&w, st);
        bind_i64(&w, id);
        bind_text(&w, n->name);
        bind_text(&w, n->tier);
        bind_i64(&w, n->depth);
        for (size_t k = 0; k < met_n_node_fields; k++) {
            const struct met_node_field *f = &met_node_fields[k];
            if (f->kind == MET_FIELD_COUNTER)
                bind_u64(&w, met_counter_get(&n->c, f));
            else if (f->kind == MET_FIELD_RATIO)
                bind_real(&w, met_field_ratio(&n->c, f));
            else
                bind_real(&w, met_node_cost(n));
        }
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
        " latency_p99_ms, latency_p999_ms, latency_max_ms, outdated, hits,"
        " bytes_hit, hit_ratio, byte_hit_ratio, served_from_origin,"
        " bytes_from_origin, bytes_failed)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
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
        bind_u64(&w, g->outdated);
        bind_u64(&w, g->hits);
        bind_u64(&w, g->bytes_hit);
        bind_real(&w, met_ratio(g->hits, g->requests));
        bind_real(&w, met_ratio(g->bytes_hit, g->bytes));
        bind_u64(&w, g->from_origin);
        bind_u64(&w, g->bytes_from_origin);
        bind_u64(&w, g->bytes_failed);
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

/* Opens path for writing (created if new). On failure the caller still
 * runs db_close. */
static int
db_open(struct db *d)
{
    int rc = sqlite3_open_v2(d->path, &d->h,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK)
        return db_fail(d, "cannot open database");
    if (sqlite3_busy_timeout(d->h, DB_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return db_fail(d, "setting the busy timeout");
    return db_exec(d, "PRAGMA foreign_keys = ON", "enabling foreign keys");
}

/* Starts an IMMEDIATE transaction with the schema in place. */
static int
db_begin_txn(struct db *d)
{
    int code = db_exec(d, "BEGIN IMMEDIATE", "starting a transaction");
    if (code != 0)
        return code;
    d->in_txn = 1;
    return db_schema_ensure(d);
}

/* Opens path and starts the write transaction. */
static int
db_begin(struct db *d)
{
    int code = db_open(d);
    return code != 0 ? code : db_begin_txn(d);
}

/* Commits when code is 0, else rolls back; closes the connection. */
static int
db_close(struct db *d, int code)
{
    if (code == 0 && d->in_txn) {
        code = db_exec(d, "COMMIT", "committing");
        if (code == 0)
            d->in_txn = 0;
    }
    /* A failed COMMIT may leave the transaction open; the error already
     * recorded is the one to report, so ROLLBACK's own result is moot. */
    if (d->in_txn && d->h && !sqlite3_get_autocommit(d->h))
        sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(d->h);
    d->h = NULL;
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
    struct row w;
    row_start(&w, st);
    bind_i64(&w, id);
    bind_real(&w, ol.mean_rps);
    bind_real(&w, ol.settle_s);
    bind_real(&w, ol.steady_mean_rps);
    bind_real(&w, ol.steady_peak_rps);
    code = row_insert(d, &w, "inserting into origin_load");
    sqlite3_finalize(st);
    return code;
}

static int
insert_all(struct db *d, const struct met_run *r, int64_t *id)
{
    int code;
    if ((code = insert_run(d, r, id)) != 0 ||
        (code = insert_nodes(d, r, *id)) != 0 ||
        (code = insert_outcomes(d, r, *id)) != 0 ||
        (code = insert_regions(d, r, *id)) != 0 ||
        (code = insert_hists(d, r, *id)) != 0 ||
        (code = insert_timeseries(d, r, *id)) != 0 ||
        (code = insert_origin_load(d, r, *id)) != 0)
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
        code = insert_all(&d, r, &id);
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

/* ---- Sweeps ------------------------------------------------------------- */

uint64_t
met_sweep_n_points(const struct met_sweep *s)
{
    uint64_t n = 1;
    for (size_t j = 0; j < s->n_vary; j++)
        if (!s->vary[j].is_with)
            n *= s->vary[j].n_values;
    return n;
}

size_t
met_sweep_value(const struct met_sweep *s, uint64_t p, size_t j)
{
    /* Mixed radix over the dimensions, the last the lowest digit; a
     * --vary-with is a digit of the --vary before it. */
    while (j > 0 && s->vary[j].is_with)
        j--;
    for (size_t k = s->n_vary; k-- > j + 1;)
        if (!s->vary[k].is_with)
            p /= s->vary[k].n_values;
    return (size_t)(p % s->vary[j].n_values);
}

char *
met_sweep_params(const struct met_sweep *s, uint64_t p)
{
    size_t len = 1;
    for (size_t j = 0; j < s->n_vary; j++)
        len += strlen(s->vary[j].path) + 2 +
               strlen(s->vary[j].values[met_sweep_value(s, p, j)]);
    char *out = xmalloc(len);
    size_t n = 0;
    for (size_t j = 0; j < s->n_vary; j++)
        n += (size_t)snprintf(out + n, len - n, "%s%s=%s", j ? " " : "",
                              s->vary[j].path,
                              s->vary[j].values[met_sweep_value(s, p, j)]);
    out[n] = '\0';
    return out;
}

/* Point p's assignments as a JSON object; caller frees. */
static char *
sweep_params_json(const struct met_sweep *s, uint64_t p)
{
    struct strbuf b = {0};
    strbuf_put(&b, "{");
    for (size_t j = 0; j < s->n_vary; j++) {
        if (j)
            strbuf_put(&b, ", ");
        strbuf_put_json(&b, s->vary[j].path);
        strbuf_put(&b, ": ");
        strbuf_put_json(&b, s->vary[j].values[met_sweep_value(s, p, j)]);
    }
    strbuf_put(&b, "}");
    return strbuf_take(&b);
}

/* The --vary arguments, one "PATH=SPEC" a line ("--vary-with PATH=SPEC"
 * for a --vary-with); caller frees. */
static char *
sweep_vary_text(const struct met_sweep *s)
{
    struct strbuf b = {0};
    for (size_t j = 0; j < s->n_vary; j++)
        strbuf_printf(&b, "%s%s%s=%s", j ? "\n" : "",
                      s->vary[j].is_with ? "--vary-with " : "",
                      s->vary[j].path, s->vary[j].spec);
    return strbuf_take(&b);
}

/* The newest sweep of this identity, and the digests it began with. */
struct sweep_found {
    int64_t id; /* 0: none */
    uint64_t n_points;
    char *topology_sha256, *workload_sha256; /* NULL: not recorded */
};

static char *
col_dup_or_null(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

/* Looks the sweep up by identity; f->id = 0 if there is none. */
static int
sweep_find(struct db *d, const struct met_sweep *s, const char *vary,
           struct sweep_found *f)
{
    static const char sql[] =
        "SELECT id, points, topology_sha256, workload_sha256 FROM sweeps"
        " WHERE topology_path = ? AND workload_path = ? AND vary = ? AND"
        " overrides = ? ORDER BY id DESC LIMIT 1";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct row w;
    row_start(&w, st);
    bind_text(&w, s->topology_path);
    bind_text(&w, s->workload_path);
    bind_text(&w, vary);
    bind_text(&w, s->overrides);
    memset(f, 0, sizeof *f);
    int rc = w.rc == SQLITE_OK ? sqlite3_step(st) : w.rc;
    if (rc == SQLITE_ROW) {
        f->id = sqlite3_column_int64(st, 0);
        f->n_points = (uint64_t)sqlite3_column_int64(st, 1);
        f->topology_sha256 = col_dup_or_null(st, 2);
        f->workload_sha256 = col_dup_or_null(st, 3);
    } else if (rc != SQLITE_DONE) {
        code = db_fail(d, "looking up the sweep");
    }
    sqlite3_finalize(st);
    return code;
}

/* A recorded digest that differs from now's (neither unknown). */
static int
digest_differs(const char *recorded, const char *now)
{
    return recorded && now && strcmp(recorded, now) != 0;
}

/* Refuses to resume sweep f when a file changed since it began. */
static int
sweep_check_files(struct db *d, const struct met_sweep *s,
                  const struct sweep_found *f)
{
    const char *file = NULL, *was = NULL, *now = NULL;
    if (digest_differs(f->topology_sha256, s->topology_sha256)) {
        file = s->topology_path;
        was = f->topology_sha256;
        now = s->topology_sha256;
    } else if (digest_differs(f->workload_sha256, s->workload_sha256)) {
        file = s->workload_path;
        was = f->workload_sha256;
        now = s->workload_sha256;
    }
    if (file == NULL)
        return 0;
    return sim_err_set(d->err, -SIM_EBADVAL, d->path, 0, 0, NULL,
                       "sweep %lld began with other contents of %s (SHA-256 "
                       "%.12s..., now %.12s...), so its points cannot be "
                       "resumed: run with --force-new to start a new sweep "
                       "in this file, or restore the file",
                       (long long)f->id, file, was, now);
}

static int
sweep_insert(struct db *d, const struct met_sweep *s, const char *vary,
             int64_t *id)
{
    static const char sql_sweep[] =
        "INSERT INTO sweeps (topology_path, workload_path, seed, vary,"
        " overrides, points, created, topology_sha256, topology_text,"
        " workload_sha256, workload_text, cdnsim_version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static const char sql_vary[] =
        "INSERT INTO sweep_vary (sweep_id, position, path, spec, kind,"
        " n_values, moves_with, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    static const char sql_point[] =
        "INSERT INTO sweep_points (sweep_id, point, params, params_json,"
        " status, run_id) VALUES (?, ?, ?, ?, 'pending', NULL)";
    static const char sql_param[] =
        "INSERT INTO sweep_params (sweep_id, point, position, path, value,"
        " value_num) VALUES (?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL, *sp = NULL, *sa = NULL;
    char created[UTC_TEXT_LEN];
    utc_now(created);
    uint64_t n_points = met_sweep_n_points(s);
    struct row w;
    int code = db_prepare(d, sql_sweep, &st);
    if (code != 0)
        goto out;
    row_start(&w, st);
    bind_text(&w, s->topology_path);
    bind_text(&w, s->workload_path);
    bind_u64(&w, s->seed);
    bind_text(&w, vary);
    bind_text(&w, s->overrides);
    bind_u64(&w, n_points);
    bind_text(&w, created);
    bind_opt_text(&w, s->topology_sha256);
    bind_opt_text(&w, s->topology_text);
    bind_opt_text(&w, s->workload_sha256);
    bind_opt_text(&w, s->workload_text);
    bind_opt_text(&w, s->cdnsim_version);
    if ((code = row_insert(d, &w, "inserting into sweeps")) != 0)
        goto out;
    *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    sqlite3_finalize(st);
    st = NULL;

    if ((code = db_prepare(d, sql_vary, &st)) != 0)
        goto out;
    for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
        row_start(&w, st);
        bind_i64(&w, *id);
        bind_u64(&w, j);
        bind_text(&w, s->vary[j].path);
        bind_text(&w, s->vary[j].spec);
        bind_text(&w, s->vary[j].kind);
        bind_u64(&w, s->vary[j].n_values);
        size_t lead = j;
        while (lead > 0 && s->vary[lead].is_with)
            lead--;
        if (lead != j)
            bind_u64(&w, lead);
        else if (w.rc == SQLITE_OK)
            w.rc = sqlite3_bind_null(st, ++w.col);
        struct strbuf fields = {0};
        for (size_t i = 0; i < s->vary[j].n_fields; i++)
            strbuf_printf(&fields, "%s%s", i ? "\n" : "",
                          s->vary[j].fields[i]);
        char *ftext = s->vary[j].n_fields ? strbuf_take(&fields)
                                          : xstrdup(s->vary[j].path);
        bind_text(&w, ftext);
        code = row_insert(d, &w, "inserting into sweep_vary");
        free(ftext);
    }
    if (code != 0 || (code = db_prepare(d, sql_point, &sp)) != 0 ||
        (code = db_prepare(d, sql_param, &sa)) != 0)
        goto out;
    for (uint64_t p = 0; code == 0 && p < n_points; p++) {
        char *params = met_sweep_params(s, p);
        char *json = sweep_params_json(s, p);
        row_start(&w, sp);
        bind_i64(&w, *id);
        bind_u64(&w, p);
        bind_text(&w, params);
        bind_text(&w, json);
        code = row_insert(d, &w, "inserting into sweep_points");
        free(json);
        free(params);
        for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
            const struct met_sweep_vary *v = &s->vary[j];
            size_t k = met_sweep_value(s, p, j);
            row_start(&w, sa);
            bind_i64(&w, *id);
            bind_u64(&w, p);
            bind_u64(&w, j);
            bind_text(&w, v->path);
            bind_text(&w, v->values[k]);
            if (v->nums)
                bind_real(&w, v->nums[k]);
            else if (w.rc == SQLITE_OK)
                w.rc = sqlite3_bind_null(sa, ++w.col);
            code = row_insert(d, &w, "inserting into sweep_params");
        }
    }
out:
    sqlite3_finalize(sa);
    sqlite3_finalize(sp);
    sqlite3_finalize(st);
    return code;
}

static int
sweep_done_points(struct db *d, int64_t id, uint64_t n_points,
                  unsigned char *is_done)
{
    static const char sql[] =
        "SELECT point FROM sweep_points WHERE sweep_id = ? AND"
        " status = 'complete'";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    int rc = sqlite3_bind_int64(st, 1, id);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 p = sqlite3_column_int64(st, 0);
        if (p >= 0 && (uint64_t)p < n_points)
            is_done[p] = 1;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        code = db_fail(d, "reading the sweep's points");
    sqlite3_finalize(st);
    return code;
}

int
met_sweep_begin(const char *path, const struct met_sweep *s,
                int64_t *sweep_id, unsigned char *is_done,
                struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    uint64_t n_points = met_sweep_n_points(s);
    char *vary = sweep_vary_text(s);
    int64_t id = 0;
    struct sweep_found f = {0};
    *sweep_id = 0;
    memset(is_done, 0, (size_t)n_points);
    int code = db_begin(&d);
    if (code == 0 && !s->is_new)
        code = sweep_find(&d, s, vary, &f);
    if (code == 0 && f.id != 0)
        code = sweep_check_files(&d, s, &f);
    id = f.id;
    if (code == 0 && id != 0 && f.n_points != n_points)
        code = sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "sweep %lld is recorded with %llu points, but "
                           "its --vary arguments now give %llu",
                           (long long)id, (unsigned long long)f.n_points,
                           (unsigned long long)n_points);
    else if (code == 0 && id != 0)
        code = sweep_done_points(&d, id, n_points, is_done);
    else if (code == 0)
        code = sweep_insert(&d, s, vary, &id);
    code = db_close(&d, code);
    free(f.topology_sha256);
    free(f.workload_sha256);
    free(vary);
    if (code == 0)
        *sweep_id = id;
    else
        memset(is_done, 0, (size_t)n_points);
    return code;
}

/* The point's status and run: *exists 0 when the sweep has no such point. */
static int
point_status(struct db *d, int64_t sweep_id, uint64_t p, int *exists,
             int *is_complete, int64_t *run_id)
{
    static const char sql[] =
        "SELECT status = 'complete', run_id FROM sweep_points"
        " WHERE sweep_id = ? AND point = ?";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    *exists = 0;
    struct row w;
    row_start(&w, st);
    bind_i64(&w, sweep_id);
    bind_u64(&w, p);
    int rc = w.rc == SQLITE_OK ? sqlite3_step(st) : w.rc;
    if (rc == SQLITE_ROW) {
        *exists = 1;
        *is_complete = sqlite3_column_int(st, 0);
        *run_id = sqlite3_column_int64(st, 1);
    } else if (rc != SQLITE_DONE) {
        code = db_fail(d, "reading a sweep point");
    }
    sqlite3_finalize(st);
    return code;
}

static int
point_complete(struct db *d, int64_t sweep_id, uint64_t p, int64_t run_id)
{
    static const char sql[] =
        "UPDATE sweep_points SET status = 'complete', run_id = ?"
        " WHERE sweep_id = ? AND point = ?";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct row w;
    row_start(&w, st);
    bind_i64(&w, run_id);
    bind_i64(&w, sweep_id);
    bind_u64(&w, p);
    code = row_insert(d, &w, "marking the sweep point complete");
    sqlite3_finalize(st);
    return code;
}

int
met_write_db_point(const struct met_run *r, const char *path,
                   int64_t sweep_id, uint64_t p, int64_t *run_id,
                   struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    int exists = 0, is_complete = 0;
    *run_id = 0;
    int code = db_begin(&d);
    if (code == 0)
        code = point_status(&d, sweep_id, p, &exists, &is_complete, &id);
    if (code == 0 && !exists)
        code = sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "sweep %lld has no point %llu",
                           (long long)sweep_id, (unsigned long long)p);
    if (code == 0 && !is_complete) {
        code = insert_all(&d, r, &id);
        if (code == 0)
            code = point_complete(&d, sweep_id, p, id);
    }
    code = db_close(&d, code);
    if (code == 0)
        *run_id = id;
    return code;
}

/* ---- Run images ----------------------------------------------------------
 *
 * An image is a whole in-memory database (sqlite3_serialize) holding one
 * run. Copying it into the destination goes table by table with column
 * lists read from the image, so it needs no second list of the columns. */

int
met_run_image(const struct met_run *r, void **image, size_t *len,
              struct sim_err *err)
{
    struct db d = {.h = NULL, .path = ":memory:", .err = err};
    int64_t id = 0;
    *image = NULL;
    *len = 0;
    int code = db_begin(&d);
    if (code == 0)
        code = insert_all(&d, r, &id);
    if (code == 0) {
        code = db_exec(&d, "COMMIT", "committing");
        if (code == 0)
            d.in_txn = 0;
    }
    if (code == 0) {
        sqlite3_int64 n = 0;
        unsigned char *bytes = sqlite3_serialize(d.h, "main", &n, 0);
        if (bytes == NULL || n <= 0) {
            code = db_fail(&d, "serialising the run");
        } else {
            *image = xmalloc((size_t)n);
            memcpy(*image, bytes, (size_t)n);
            *len = (size_t)n;
        }
        sqlite3_free(bytes);
    }
    return db_close(&d, code);
}

/* "a, b, c": the columns of img.<table> except skip; caller frees. */
static int
image_columns(struct db *d, const char *table, const char *skip, char **out)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA img.table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    if (code != 0)
        return code;
    struct strbuf b = {0};
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (name == NULL || strcmp(name, skip) == 0)
            continue;
        if (b.n)
            strbuf_put(&b, ", ");
        strbuf_put(&b, name);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || b.n == 0) {
        strbuf_fini(&b);
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image has no table %s", table);
    }
    *out = strbuf_take(&b);
    return 0;
}

/* Copies the image's rows of a per-run table under run id. */
static int
image_copy_table(struct db *d, const char *table, int64_t id)
{
    char *cols = NULL;
    int code = image_columns(d, table, "run_id", &cols);
    if (code != 0)
        return code;
    char *sql = xasprintf("INSERT INTO main.%s (run_id, %s) SELECT ?, %s"
                          " FROM img.%s ORDER BY rowid",
                          table, cols, cols, table);
    sqlite3_stmt *st = NULL;
    code = db_prepare(d, sql, &st);
    if (code == 0) {
        struct row w;
        row_start(&w, st);
        bind_i64(&w, id);
        char what[64];
        snprintf(what, sizeof what, "copying into %s", table);
        code = row_insert(d, &w, what);
    }
    sqlite3_finalize(st);
    free(sql);
    free(cols);
    return code;
}

/* Copies the image's one run; sets *id to its new id. */
static int
image_copy(struct db *d, int64_t *id)
{
    static const char *const tables[] = {"node_metrics", "node_outcomes",
                                         "region_metrics",
                                         "latency_histogram", "timeseries",
                                         "origin_load"};
    char *cols = NULL;
    int code = image_columns(d, "runs", "id", &cols);
    if (code != 0)
        return code;
    char *sql = xasprintf("INSERT INTO main.runs (%s) SELECT %s FROM"
                          " img.runs",
                          cols, cols);
    code = db_exec(d, sql, "copying the run");
    free(sql);
    free(cols);
    if (code == 0 && sqlite3_changes(d->h) != 1)
        code = sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image holds %d runs, not one",
                           sqlite3_changes(d->h));
    if (code != 0)
        return code;
    *id = (int64_t)sqlite3_last_insert_rowid(d->h);
    for (size_t i = 0; code == 0 && i < sizeof tables / sizeof *tables; i++)
        code = image_copy_table(d, tables[i], *id);
    return code;
}

/* Attaches a copy of image as schema img and checks that it
 * is a results database of this version. */
static int
image_attach(struct db *d, const void *image, size_t len)
{
    /* ATTACH is refused inside a transaction, so this comes first. */
    int code = db_exec(d, "ATTACH ':memory:' AS img",
                       "attaching the run image");
    if (code != 0)
        return code;
    /* SQLite frees the copy when the connection closes (or at once if
     * it refuses the image). */
    unsigned char *copy = sqlite3_malloc64(len ? len : 1);
    if (copy == NULL)
        return db_fail(d, "copying the run image");
    memcpy(copy, image, len);
    /* Not SQLITE_DESERIALIZE_READONLY: BEGIN IMMEDIATE would then refuse
     * to start, since it locks every attached database. Nothing writes
     * to the copy. */
    if (sqlite3_deserialize(d->h, "img", copy, (sqlite3_int64)len,
                            (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE) != SQLITE_OK)
        return db_fail(d, "reading the run image");
    sqlite3_stmt *st = NULL;
    code = db_prepare(d, "PRAGMA img.user_version", &st);
    if (code != 0)
        return code;
    int rc = sqlite3_step(st);
    int version = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(d, "reading the run image");
    if (version != MET_DB_VERSION)
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "the run image has schema version %d, not %d",
                           version, MET_DB_VERSION);
    return 0;
}

int
met_write_db_point_image(const void *image, size_t len, const char *path,
                         int64_t sweep_id, uint64_t p, int64_t *run_id,
                         struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    int64_t id = 0;
    int exists = 0, is_complete = 0;
    *run_id = 0;
    int code = db_open(&d);
    if (code == 0)
        code = image_attach(&d, image, len);
    if (code == 0)
        code = db_begin_txn(&d);
    if (code == 0)
        code = point_status(&d, sweep_id, p, &exists, &is_complete, &id);
    if (code == 0 && !exists)
        code = sim_err_set(err, -SIM_EDB, path, 0, 0, NULL,
                           "sweep %lld has no point %llu",
                           (long long)sweep_id, (unsigned long long)p);
    if (code == 0 && !is_complete) {
        code = image_copy(&d, &id);
        if (code == 0)
            code = point_complete(&d, sweep_id, p, id);
    }
    code = db_close(&d, code);
    if (code == 0)
        *run_id = id;
    return code;
}

void
met_summary_rows_free(struct met_summary_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].params);
        free(rows[i].metric);
    }
    free(rows);
}

int
met_sweep_write_summary(const char *path, int64_t sweep_id,
                        const struct met_summary_row *rows, size_t n,
                        struct sim_err *err)
{
    struct db d = {.h = NULL, .path = path, .err = err};
    sqlite3_stmt *del = NULL, *ins = NULL;
    int code = db_begin(&d);
    if (code == 0)
        code = db_prepare(&d, "DELETE FROM sweep_summary WHERE sweep_id = ?",
                          &del);
    if (code == 0) {
        struct row w;
        row_start(&w, del);
        bind_i64(&w, sweep_id);
        code = row_insert(&d, &w, "clearing sweep_summary");
    }
    if (code == 0)
        code = db_prepare(&d,
                          "INSERT INTO sweep_summary (sweep_id, point, params,"
                          " metric, runs, mean, stddev, ci95) VALUES (?, ?,"
                          " ?, ?, ?, ?, ?, ?)",
                          &ins);
    for (size_t i = 0; code == 0 && i < n; i++) {
        const struct met_summary_row *r = &rows[i];
        struct row w;
        row_start(&w, ins);
        bind_i64(&w, sweep_id);
        bind_i64(&w, r->point);
        bind_text(&w, r->params);
        bind_text(&w, r->metric);
        bind_i64(&w, r->n);
        bind_real(&w, r->mean);
        if (w.rc == SQLITE_OK)
            w.rc = isfinite(r->stddev)
                       ? sqlite3_bind_double(ins, ++w.col, r->stddev)
                       : sqlite3_bind_null(ins, ++w.col);
        if (w.rc == SQLITE_OK)
            w.rc = isfinite(r->ci95)
                       ? sqlite3_bind_double(ins, ++w.col, r->ci95)
                       : sqlite3_bind_null(ins, ++w.col);
        code = row_insert(&d, &w, "inserting into sweep_summary");
    }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    return db_close(&d, code);
}
