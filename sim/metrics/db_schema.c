/* db_schema.c: the results database's schema: its text (README.md shows
 * it), node_metrics' columns from node_counters.def, and the version check
 * and in-place upgrade of older files.
 *
 * PRAGMA user_version holds the schema version; a file from a newer
 * cdnsim is refused rather than written with rows it might misread. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/strbuf.h"

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
    "    cdnsim_version   TEXT,              -- these five NULL: not\n"
    "                                        -- recorded (version < 4)\n"
    "    latency_p95_ms   REAL               -- NULL: version < 5\n"
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

static const char db_schema_node_tail[] = "    PRIMARY KEY (run_id, node)\n"
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
    "    latency_p95_ms   REAL,              -- NULL: version < 5\n"
    "    PRIMARY KEY (run_id, region)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS class_metrics ( -- version 7: per\n"
    "                                        -- content class\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    class            TEXT NOT NULL,     -- catalog.classes name\n"
    "    requests         INTEGER NOT NULL,  -- the columns as in\n"
    "    bytes            INTEGER NOT NULL,  -- region_metrics\n"
    "    errors           INTEGER NOT NULL,\n"
    "    latency_mean_ms  REAL NOT NULL,\n"
    "    latency_p50_ms   REAL NOT NULL,\n"
    "    latency_p90_ms   REAL NOT NULL,\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    latency_p999_ms  REAL NOT NULL,\n"
    "    latency_max_ms   REAL NOT NULL,\n"
    "    outdated         INTEGER NOT NULL,\n"
    "    hits             INTEGER NOT NULL,\n"
    "    bytes_hit        INTEGER NOT NULL,\n"
    "    hit_ratio        REAL NOT NULL,\n"
    "    byte_hit_ratio   REAL NOT NULL,\n"
    "    served_from_origin INTEGER NOT NULL,\n"
    "    bytes_from_origin INTEGER NOT NULL,\n"
    "    bytes_failed     INTEGER NOT NULL,\n"
    "    PRIMARY KEY (run_id, class)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS top_objects ( -- version 7: run --top N\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    ranking          TEXT NOT NULL,     -- 'origin_requests' or\n"
    "                                        -- 'origin_bytes'\n"
    "    rank             INTEGER NOT NULL,  -- 1, 2, ... N\n"
    "    object           INTEGER NOT NULL,\n"
    "    class            TEXT NOT NULL,     -- '' for a trace\n"
    "    requests         INTEGER NOT NULL,  -- client requests for it\n"
    "    origin_requests  INTEGER NOT NULL,  -- of those reaching an\n"
    "                                        -- origin\n"
    "    origin_bytes     INTEGER NOT NULL,  -- sent by the origin\n"
    "    PRIMARY KEY (run_id, ranking, rank)\n"
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
    "CREATE TABLE IF NOT EXISTS link_metrics (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    from_node        TEXT NOT NULL,     -- the node that sends\n"
    "    to_name          TEXT NOT NULL,     -- the node or region that\n"
    "                                        -- receives; '*' = all the\n"
    "                                        -- node's links together\n"
    "    to_kind          TEXT NOT NULL,     -- 'node', 'region' or '*'\n"
    "    capacity_mbps    REAL NOT NULL,     -- link_capacity_mbps\n"
    "    bytes            INTEGER NOT NULL,  -- sent in the span: busy\n"
    "                                        -- time x capacity\n"
    "    utilisation      REAL NOT NULL,     -- bytes / (capacity x span)\n"
    "    mean_mbps        REAL NOT NULL,\n"
    "    p95_mbps         REAL NOT NULL,     -- 95th percentile of the\n"
    "                                        -- windows' rates (billing)\n"
    "    peak_mbps        REAL NOT NULL,     -- the busiest window's rate\n"
    "    offered_mbps     REAL NOT NULL,     -- measured transfers' bytes\n"
    "                                        -- over the time they came\n"
    "    windows          INTEGER NOT NULL,\n"
    "    overloaded_windows INTEGER NOT NULL,  -- offered > capacity\n"
    "    overloaded       INTEGER NOT NULL,  -- 1: offered > capacity on\n"
    "                                        -- average or in a window\n"
    "    transfers        INTEGER,           -- measured transfers (NULL\n"
    "                                        -- for '*' rows)\n"
    "    offered_bytes    INTEGER,\n"
    "    delivered_bytes  INTEGER,           -- = offered_bytes once all\n"
    "                                        -- have finished\n"
    "    mean_transfer_ms REAL,              -- time on the link\n"
    "    peak_transfers   INTEGER,           -- most at once\n"
    "    PRIMARY KEY (run_id, from_node, to_name)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS link_timeseries (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    from_node        TEXT NOT NULL,\n"
    "    to_name          TEXT NOT NULL,\n"
    "    window           INTEGER NOT NULL,  -- as in timeseries\n"
    "    t_start_s        REAL NOT NULL,\n"
    "    busy_s           REAL NOT NULL,     -- time with a transfer on it\n"
    "                                        -- (a node's '*' row: summed)\n"
    "    bytes            INTEGER NOT NULL,  -- sent: busy time x capacity\n"
    "    utilisation      REAL NOT NULL,     -- bytes / (capacity x window)\n"
    "    mbps             REAL NOT NULL,     -- bytes x 8 / window\n"
    "    offered_bytes    INTEGER NOT NULL,  -- of transfers started in it\n"
    "    PRIMARY KEY (run_id, from_node, to_name, window)\n"
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
    ");\n"
    "CREATE TABLE IF NOT EXISTS run_files (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    role             TEXT NOT NULL,     -- 'trace': the trace the\n"
    "                                        -- workload replays\n"
    "    path             TEXT NOT NULL,     -- as the run opened it\n"
    "    sha256           TEXT NOT NULL,     -- of its bytes as read\n"
    "    PRIMARY KEY (run_id, role)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_files (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    role             TEXT NOT NULL,     -- as in run_files, for the\n"
    "    path             TEXT NOT NULL,     -- files the sweep began\n"
    "    sha256           TEXT NOT NULL,     -- with; resuming with\n"
    "                                        -- other contents is refused\n"
    "    PRIMARY KEY (sweep_id, role)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS node_latency (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    scope            TEXT NOT NULL,     -- 'node' or 'tier'\n"
    "    name             TEXT NOT NULL,     -- the node's or tier's\n"
    "    tier             TEXT NOT NULL,\n"
    "    answered         INTEGER NOT NULL,  -- measured responses sent\n"
    "    latency_mean_ms  REAL NOT NULL,     -- time to answer there:\n"
    "    latency_p50_ms   REAL NOT NULL,     -- a request's arrival to\n"
    "    latency_p90_ms   REAL NOT NULL,     -- its response leaving\n"
    "    latency_p95_ms   REAL NOT NULL,     -- (0 when none answered)\n"
    "    latency_p99_ms   REAL NOT NULL,\n"
    "    latency_p999_ms  REAL NOT NULL,\n"
    "    latency_max_ms   REAL NOT NULL,\n"
    "    PRIMARY KEY (run_id, scope, name)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS sweep_metrics (\n"
    "    sweep_id         INTEGER NOT NULL REFERENCES sweeps(id),\n"
    "    position         INTEGER NOT NULL,  -- 0 = the first asked for\n"
    "    path             TEXT NOT NULL,     -- a --metric, as given:\n"
    "                                        -- the table, JSON, summary\n"
    "                                        -- rows and report show it\n"
    "    PRIMARY KEY (sweep_id, path)\n"
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
        strbuf_put(&b, db_schema_overload);
        strbuf_put(&b, met_billing_schema);
        strbuf_put(&b, met_baseline_schema);
        strbuf_put(&b, met_alerts_schema);
        strbuf_put(&b, met_origin_nodes_schema);
        strbuf_put(&b, met_pop_schema);
        strbuf_put(&b, met_video_schema);
        schema = strbuf_take(&b);
    }
    return schema;
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

/* Reads the file's schema version (PRAGMA user_version; 0 for a new
 * file) into *version; a version newer than this cdnsim writes is an
 * error. */
static int
db_read_version(struct db *d, int *version)
{
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, "PRAGMA user_version", &st);
    if (code != 0)
        return code;
    *version = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    else
        code = db_fail(d, "reading the schema version");
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    if (*version > MET_DB_VERSION)
        return sim_err_set(d->err, -SIM_EDB, d->path, 0, 0, NULL,
                           "database schema version %d is newer than this "
                           "cdnsim writes (%d); use a newer cdnsim or "
                           "another file",
                           *version, MET_DB_VERSION);
    return 0;
}

/* Version 2 added the outdated answers and the regions' hits (at the
 * ends of their tables, as in the schema text). */
static int
db_upgrade_to_2(struct db *d)
{
    return db_exec(d,
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
}

/* Version 3 added the answer split (and redefined offload, which older
 * rows keep as they were written). */
static int
db_upgrade_to_3(struct db *d)
{
    return db_exec(d,
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
}

/* Version 4 added provenance, and linked and wildcard --vary (the sweep
 * tables, which a file that never held a sweep lacks). */
static int
db_upgrade_to_4(struct db *d)
{
    int code = db_exec(d,
                       "ALTER TABLE runs ADD COLUMN topology_sha256 TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN topology_text TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN workload_sha256 TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN workload_text TEXT;\n"
                       "ALTER TABLE runs ADD COLUMN cdnsim_version TEXT;\n",
                       "upgrading the schema to version 4");
    if (code == 0 && db_has_sweeps(d))
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
    return code;
}

/* Creates the schema on a new file, or checks the version of an old one.
 * Runs inside the write transaction. */
int
db_schema_ensure(struct db *d)
{
    int version;
    int code = db_read_version(d, &version);
    if (code != 0)
        return code;
    /* A version-0 file may be new or may predate versioning: the IF NOT
     * EXISTS statements settle both. An older file gets each version's
     * changes in turn; every version's block is guarded on its own
     * (version >= 1 && version < N), so that blocks added on branches
     * merge in any order. */
    if (code == 0 && version >= 1 && version < 2)
        code = db_upgrade_to_2(d);
    if (code == 0 && version >= 1 && version < 3)
        code = db_upgrade_to_3(d);
    if (code == 0 && version >= 1 && version < 4)
        code = db_upgrade_to_4(d);
    /* Version 10 added node_metrics.refilled_stale, a node counter of
     * since 10, which db_upgrade_nodes adds below: nothing else changed.
     * Version 15 added node_metrics.placement_skipped and moved_down, the
     * same way, version 16 pool_waits, pool_wait_ns, pool_wait_mean_ns
     * and timed_out_upstream, and version 18 the edge compute counters. */
    if (code == 0 && version >= 1 && version < 5)
        code = db_exec(d,
                       "ALTER TABLE runs ADD COLUMN latency_p95_ms REAL;\n"
                       "ALTER TABLE region_metrics ADD COLUMN latency_p95_ms "
                       "REAL;\n",
                       "upgrading the schema to version 5");
    /* Version 11 added the tables baselines, baseline_regions and
     * alerts: met_db_schema() below creates them in place, and no older
     * table changed. */
    if (code == 0 && version >= 1 && version < 11)
        code = db_exec(d, met_baseline_schema, "upgrading to version 11");
    if (code == 0 && version >= 1 && version < 11)
        code = db_exec(d, met_alerts_schema, "upgrading to version 11");
    /* Version 19 added the table video_metrics and version 20 the table
     * origin_nodes, both created in place by met_db_schema() below (IF NOT
     * EXISTS): no older table changed. */
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
