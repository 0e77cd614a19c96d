/* db_billing.c: the provider_bills rows of a run whose topology gives
 * providers a billing mapping (sim/metrics/cost.c computes them). */
#include "metrics/db_int.h"
#include "metrics/metrics.h"

const char met_billing_schema[] =
    "CREATE TABLE IF NOT EXISTS provider_bills (\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    provider         TEXT NOT NULL,\n"
    "    requests         INTEGER NOT NULL,  -- client requests at its edges\n"
    "    egress_bytes     INTEGER NOT NULL,  -- bytes_out of its nodes\n"
    "    pushed_bytes     INTEGER NOT NULL,  -- stored by pushes\n"
    "    link_p95_mbps    REAL NOT NULL,     -- summed over its links\n"
    "    month_factor     REAL NOT NULL,     -- 30 days / measured span\n"
    "    egress_usd       REAL NOT NULL,     -- the run's share (README)\n"
    "    request_usd      REAL NOT NULL,\n"
    "    link_usd         REAL NOT NULL,\n"
    "    storage_usd      REAL NOT NULL,\n"
    "    total_usd        REAL NOT NULL,\n"
    "    month_egress_usd REAL NOT NULL,     -- extrapolated to 30 days\n"
    "    month_request_usd REAL NOT NULL,\n"
    "    month_link_usd   REAL NOT NULL,\n"
    "    month_storage_usd REAL NOT NULL,\n"
    "    month_total_usd  REAL NOT NULL,\n"
    "    PRIMARY KEY (run_id, provider)\n"
    ");\n";

int
db_insert_billing(struct db *d, const struct met_run *r, int64_t id)
{
    if (r->billing == NULL)
        return 0;
    static const char sql[] =
        "INSERT INTO provider_bills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?)";
    sqlite3_stmt *st = NULL;
    int code = db_prepare(d, sql, &st);
    for (size_t p = 0; code == 0 && p < r->billing->n_providers; p++) {
        struct met_provider_bill b;
        met_provider_bill(r, p, &b);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_text(&w, b.name);
        db_bind_u64(&w, b.requests);
        db_bind_u64(&w, b.egress_bytes);
        db_bind_u64(&w, b.pushed_bytes);
        db_bind_real(&w, b.link_p95_mbps);
        db_bind_real(&w, b.month_factor);
        db_bind_real(&w, b.egress_usd);
        db_bind_real(&w, b.request_usd);
        db_bind_real(&w, b.link_usd);
        db_bind_real(&w, b.storage_usd);
        db_bind_real(&w, b.total_usd);
        db_bind_real(&w, b.month_egress_usd);
        db_bind_real(&w, b.month_request_usd);
        db_bind_real(&w, b.month_link_usd);
        db_bind_real(&w, b.month_storage_usd);
        db_bind_real(&w, b.month_total_usd);
        code = db_row_insert(d, &w, "inserting into provider_bills");
    }
    sqlite3_finalize(st);
    return code;
}
