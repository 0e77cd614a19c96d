/* db_pop.c: the cache_servers rows of a run: one per cache server of
 * each node with cache_servers (model/pop.c counts them). */
#include "metrics/db_int.h"
#include "metrics/metrics.h"

const char met_pop_schema[] =
    "CREATE TABLE IF NOT EXISTS cache_servers (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    node             TEXT NOT NULL,\n"
    "    server           INTEGER NOT NULL,  -- 0 .. count-1\n"
    "    requests         INTEGER NOT NULL,  -- lookups hashed to it\n"
    "    hits             INTEGER NOT NULL,  -- fresh: ram_hits + ssd_hits\n"
    "    ram_hits         INTEGER NOT NULL,\n"
    "    ssd_hits         INTEGER NOT NULL,\n"
    "    bytes_hit        INTEGER NOT NULL,\n"
    "    rehashed_in      INTEGER NOT NULL,  -- lookups for keys whose home\n"
    "                                        -- server was down\n"
    "    failures         INTEGER NOT NULL,  -- failures that began\n"
    "    PRIMARY KEY (run_id, node, server)\n"
    ");\n";

int
db_insert_pop(struct db *d, const struct met_run *r, int64_t id)
{
    static const char sql[] =
        "INSERT INTO cache_servers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = 0;
    for (size_t i = 0; code == 0 && i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        for (size_t k = 0; code == 0 && k < n->n_servers; k++) {
            if (st == NULL && (code = db_prepare(d, sql, &st)) != 0)
                break;
            const struct met_pop_server *s = &n->servers[k];
            struct db_row w;
            db_row_start(&w, st);
            db_bind_i64(&w, id);
            db_bind_text(&w, n->name);
            db_bind_u64(&w, k);
            db_bind_u64(&w, s->requests);
            db_bind_u64(&w, s->hits);
            db_bind_u64(&w, s->ram_hits);
            db_bind_u64(&w, s->ssd_hits);
            db_bind_u64(&w, s->bytes_hit);
            db_bind_u64(&w, s->rehashed_in);
            db_bind_u64(&w, s->failures);
            code = db_row_insert(d, &w, "inserting into cache_servers");
        }
    }
    sqlite3_finalize(st);
    return code;
}
