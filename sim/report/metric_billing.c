/* metric_billing.c: the provider bill's figures as metrics (--metric),
 * read back from provider_bills (sim/metrics/db_billing.c):
 *
 *   billing.total_usd, billing.month_total_usd, billing.month_factor
 *   billing.providers.NAME.FIELD   (the JSON's path)
 *   providers.NAME.FIELD           (the same, shorter)
 *
 * where FIELD is requests, egress_bytes, pushed_bytes, link_p95_mbps,
 * usd.egress, usd.requests, usd.links, usd.storage, usd.total, the same
 * under month_usd., or total and month_total (usd.total and
 * month_usd.total). A run without a bill has no such figure (NULL: not
 * measured). */
#include <string.h>

#include "report/report.h"
#include "report/report_int.h"
#include "util/xalloc.h"

#define N_OF(a) (sizeof(a) / sizeof *(a))

static const struct {
    const char *name, *expr;
} run_fields[] = {
    {"billing.total_usd",
     "SELECT sum(total_usd) FROM provider_bills WHERE run_id = ?1"},
    {"billing.month_total_usd",
     "SELECT sum(month_total_usd) FROM provider_bills WHERE run_id = ?1"},
    {"billing.month_factor",
     "SELECT max(month_factor) FROM provider_bills WHERE run_id = ?1"},
};

/* A provider's field and its column. */
static const struct {
    const char *name, *column;
} provider_fields[] = {
    {"requests", "requests"},
    {"egress_bytes", "egress_bytes"},
    {"pushed_bytes", "pushed_bytes"},
    {"link_p95_mbps", "link_p95_mbps"},
    {"usd.egress", "egress_usd"},
    {"usd.requests", "request_usd"},
    {"usd.links", "link_usd"},
    {"usd.storage", "storage_usd"},
    {"usd.total", "total_usd"},
    {"month_usd.egress", "month_egress_usd"},
    {"month_usd.requests", "month_request_usd"},
    {"month_usd.links", "month_link_usd"},
    {"month_usd.storage", "month_storage_usd"},
    {"month_usd.total", "month_total_usd"},
    {"total", "total_usd"},
    {"month_total", "month_total_usd"},
};

/* PREFIX NAME "." FIELD, the longest field first (a name may hold dots). */
static int
parse_provider(const char *path, const char *prefix, struct rep_metric *m)
{
    size_t lp = strlen(prefix);
    if (strncmp(path, prefix, lp) != 0)
        return 0;
    for (const char *dot = path + lp; (dot = strchr(dot, '.')) != NULL; dot++) {
        const char *f = dot + 1;
        if (dot == path + lp)
            continue; /* an empty name */
        for (size_t i = 0; i < N_OF(provider_fields); i++) {
            if (strcmp(f, provider_fields[i].name) != 0)
                continue;
            m->scope = REP_SCOPE_PROVIDER;
            m->name = xasprintf("%.*s", (int)(dot - path - lp), path + lp);
            m->sql = xasprintf("SELECT %s FROM provider_bills WHERE run_id ="
                               " ?1 AND provider = ?2",
                               provider_fields[i].column);
            m->field_at = (size_t)(f - path);
            return 1;
        }
    }
    return 0;
}

int
rep_metric_parse_billing(const char *path, struct rep_metric *m)
{
    for (size_t i = 0; i < N_OF(run_fields); i++)
        if (strcmp(path, run_fields[i].name) == 0) {
            m->scope = REP_SCOPE_RUN;
            m->sql = xstrdup(run_fields[i].expr);
            return 1;
        }
    return parse_provider(path, "billing.providers.", m) ||
           parse_provider(path, "providers.", m);
}
