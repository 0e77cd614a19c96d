/* metric.c: any figure of a run, named by its path in the run's JSON
 * ("nodes.edge-fra.hit_ratio", "regions.asia.latency_ms.p99",
 * "tiers.edge.byte_hit_ratio", "origin.steady_peak_rps"), read back from
 * the results database.
 *
 * A path is the JSON's nesting joined by dots. Node, region and tier
 * names may hold dots themselves, so a path is read from both ends: the
 * scope from the front, the field from a fixed list at the back, and
 * whatever lies between is the name. Each metric becomes one SELECT of
 * one value for a run (?1) and a name (?2), with the definitions the
 * JSON uses: a tier's ratios are its nodes' sums divided, never a mean
 * of the nodes' ratios. */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/report_int.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* A field and the SQL expression of its value; ratio: a share shown in
 * percent. */
struct field {
    const char *name;
    const char *expr;
    int is_ratio;
};

static const struct field run_fields[] = {
    {"requests", "SELECT requests FROM runs WHERE id = ?1", 0},
    {"bytes", "SELECT bytes FROM runs WHERE id = ?1", 0},
    {"served_from_cache", "SELECT served_from_cache FROM runs WHERE id = ?1",
     0},
    {"served_from_origin", "SELECT served_from_origin FROM runs WHERE id = ?1",
     0},
    {"errors", "SELECT errors FROM runs WHERE id = ?1", 0},
    {"bytes_from_cache", "SELECT bytes_from_cache FROM runs WHERE id = ?1", 0},
    {"bytes_from_origin", "SELECT bytes_from_origin FROM runs WHERE id = ?1",
     0},
    {"bytes_failed", "SELECT bytes_failed FROM runs WHERE id = ?1", 0},
    {"outdated", "SELECT outdated FROM runs WHERE id = ?1", 0},
    {"rate_limited",
     "SELECT rate_limited FROM overload_metrics WHERE run_id = ?1 AND"
     " region = '*'",
     0},
    {"refused",
     "SELECT refused FROM overload_metrics WHERE run_id = ?1 AND"
     " region = '*'",
     0},
    {"timed_out",
     "SELECT timed_out FROM overload_metrics WHERE run_id = ?1 AND"
     " region = '*'",
     0},
    /* Not in the JSON: outdated / requests, as the sweep report shows. */
    {"outdated_share",
     "SELECT CASE WHEN requests > 0 THEN CAST(coalesce(outdated, 0) AS"
     " REAL) / requests ELSE 0 END FROM runs WHERE id = ?1",
     1},
    {"offload", "SELECT offload FROM runs WHERE id = ?1", 1},
    {"byte_offload", "SELECT byte_offload FROM runs WHERE id = ?1", 1},
    {"latency_ms.mean", "SELECT latency_mean_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.p50", "SELECT latency_p50_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.p90", "SELECT latency_p90_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.p95", "SELECT latency_p95_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.p99", "SELECT latency_p99_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.p999", "SELECT latency_p999_ms FROM runs WHERE id = ?1", 0},
    {"latency_ms.max", "SELECT latency_max_ms FROM runs WHERE id = ?1", 0},
    {"origin.requests", "SELECT origin_requests FROM runs WHERE id = ?1", 0},
    {"origin.bytes", "SELECT origin_bytes FROM runs WHERE id = ?1", 0},
    {"origin.pushed_bytes", "SELECT pushed_bytes FROM runs WHERE id = ?1", 0},
    {"origin.peak_rps", "SELECT origin_peak_rps FROM runs WHERE id = ?1", 0},
    {"origin.mean_rps", "SELECT mean_rps FROM origin_load WHERE run_id = ?1",
     0},
    {"origin.settle_s", "SELECT settle_s FROM origin_load WHERE run_id = ?1",
     0},
    {"origin.steady_mean_rps",
     "SELECT steady_mean_rps FROM origin_load WHERE run_id = ?1", 0},
    {"origin.steady_peak_rps",
     "SELECT steady_peak_rps FROM origin_load WHERE run_id = ?1", 0},
    {"cost_usd.total", "SELECT cost_usd FROM runs WHERE id = ?1", 0},
};

/* The counters nodes and tiers share (column names as in JSON), and
 * their ratios: node_counters.def's list. */
static const char *const counter_names[] = {
#define MET_NODE_COUNTER(name, json, since, doc) #name,
#include "metrics/node_counters.def"
};

static const struct {
    const char *name, *num, *den;
} ratio_fields[] = {
#define MET_NODE_RATIO(name, num, den, json, since, doc) {#name, #num, #den},
#include "metrics/node_counters.def"
};

static const struct field region_fields[] = {
    {"requests", "requests", 0},
    {"bytes", "bytes", 0},
    {"served_from_cache", "hits", 0},
    {"served_from_origin", "served_from_origin", 0},
    {"errors", "errors", 0},
    {"bytes_from_cache", "bytes_hit", 0},
    {"bytes_from_origin", "bytes_from_origin", 0},
    {"bytes_failed", "bytes_failed", 0},
    {"outdated", "outdated", 0},
    {"rate_limited",
     "(SELECT o.rate_limited FROM overload_metrics o WHERE o.run_id = ?1"
     " AND o.region = ?2)",
     0},
    {"refused",
     "(SELECT o.refused FROM overload_metrics o WHERE o.run_id = ?1 AND"
     " o.region = ?2)",
     0},
    {"timed_out",
     "(SELECT o.timed_out FROM overload_metrics o WHERE o.run_id = ?1 AND"
     " o.region = ?2)",
     0},
    /* Not in the JSON: outdated / requests. */
    {"outdated_share",
     "CASE WHEN requests > 0 THEN CAST(coalesce(outdated, 0) AS REAL) /"
     " requests ELSE 0 END",
     1},
    {"hit_ratio", "hit_ratio", 1},
    {"byte_hit_ratio", "byte_hit_ratio", 1},
    {"latency_ms.mean", "latency_mean_ms", 0},
    {"latency_ms.p50", "latency_p50_ms", 0},
    {"latency_ms.p90", "latency_p90_ms", 0},
    {"latency_ms.p95", "latency_p95_ms", 0}, /* regions only: see below */
    {"latency_ms.p99", "latency_p99_ms", 0},
    {"latency_ms.p999", "latency_p999_ms", 0},
    {"latency_ms.max", "latency_max_ms", 0},
};

#define N_OF(a) (sizeof(a) / sizeof *(a))

static const char *const scope_prefix[] = {
    [REP_SCOPE_NODE] = "nodes.",
    [REP_SCOPE_TIER] = "tiers.",
    [REP_SCOPE_REGION] = "regions.",
    [REP_SCOPE_CLASS] = "classes.",
};

/* Does path end with "." field, leaving a name of at least one byte
 * after prefix? Sets *name_len. */
static int
ends_with_field(const char *path, size_t prefix_len, const char *field,
                size_t *name_len)
{
    size_t lp = strlen(path), lf = strlen(field);
    if (lp < prefix_len + 2 + lf)
        return 0;
    if (strcmp(path + lp - lf, field) != 0 || path[lp - lf - 1] != '.')
        return 0;
    *name_len = lp - lf - 1 - prefix_len;
    return 1;
}

/* The SQL of a node's or tier's field f (a counter, a ratio, cost or an
 * outcome); NULL when f is none of them. *is_ratio set. */
static char *
counter_sql(enum rep_scope scope, const char *f, int *is_ratio)
{
    int is_node = scope == REP_SCOPE_NODE;
    const char *where =
        is_node ? "run_id = ?1 AND node = ?2" : "run_id = ?1 AND tier = ?2";
    *is_ratio = 0;
    for (size_t i = 0; i < N_OF(ratio_fields); i++) {
        if (strcmp(f, ratio_fields[i].name) != 0)
            continue;
        *is_ratio = 1;
        if (is_node)
            return xasprintf("SELECT %s FROM node_metrics WHERE %s", f, where);
        const char *num = ratio_fields[i].num, *den = ratio_fields[i].den;
        /* No rows: no such tier (NULL); no requests: 0, as in JSON. */
        return xasprintf("SELECT CASE WHEN count(*) = 0 THEN NULL WHEN"
                         " sum(%s) > 0 THEN CAST(sum(%s) AS REAL) / sum(%s)"
                         " ELSE 0 END FROM node_metrics WHERE %s",
                         den, num, den, where);
    }
    char *sql = rep_metric_latency_sql(scope, f);
    if (sql != NULL)
        return sql;
    if (is_node && strcmp(f, "cost_usd") == 0)
        return xasprintf("SELECT cost_usd FROM node_metrics WHERE %s", where);
    if (strncmp(f, "outcomes.", 9) == 0) {
        for (int k = 0; k < MET_N_OUTCOMES; k++) {
            const char *outcome = met_outcome_name((enum met_outcome)k);
            if (strcmp(f + 9, outcome) != 0)
                continue;
            if (is_node)
                return xasprintf("SELECT coalesce((SELECT count FROM"
                                 " node_outcomes WHERE run_id = ?1 AND node"
                                 " = ?2 AND outcome = '%s'), 0) FROM"
                                 " node_metrics WHERE %s",
                                 outcome, where);
            return xasprintf("SELECT CASE WHEN (SELECT count(*) FROM"
                             " node_metrics WHERE %s) = 0 THEN NULL ELSE"
                             " coalesce((SELECT sum(o.count) FROM"
                             " node_outcomes o JOIN node_metrics n ON"
                             " n.run_id = o.run_id AND n.node = o.node WHERE"
                             " o.run_id = ?1 AND n.tier = ?2 AND o.outcome ="
                             " '%s'), 0) END",
                             where, outcome);
        }
        return NULL;
    }
    for (size_t i = 0; i < N_OF(counter_names); i++) {
        if (strcmp(f, counter_names[i]) != 0)
            continue;
        if (is_node)
            return xasprintf("SELECT %s FROM node_metrics WHERE %s", f, where);
        return xasprintf("SELECT CASE WHEN count(*) = 0 THEN NULL ELSE"
                         " sum(%s) END FROM node_metrics WHERE %s",
                         f, where);
    }
    return NULL;
}

/* class_metrics has no p95 column (the JSON's classes have none). */
static int
class_lacks(const char *f)
{
    return strcmp(f, "latency_ms.p95") == 0;
}

/* Tries the scoped path: sets m and returns 1 when it parses. */
static int
parse_scoped(const char *path, enum rep_scope scope, struct rep_metric *m)
{
    size_t lp = strlen(scope_prefix[scope]);
    if (strncmp(path, scope_prefix[scope], lp) != 0)
        return 0;
    /* The longest field that fits, so that "latency_ms.p99" wins over a
     * name ending in "latency_ms". */
    const char *rest = path + lp;
    size_t best_name = 0;
    char *best_sql = NULL;
    int best_ratio = 0;
    for (const char *dot = rest; (dot = strchr(dot, '.')) != NULL; dot++) {
        const char *f = dot + 1;
        size_t name_len;
        if (!ends_with_field(path, lp, f, &name_len))
            continue;
        char *sql = NULL;
        int is_ratio = 0;
        if (scope == REP_SCOPE_REGION || scope == REP_SCOPE_CLASS) {
            /* A class's figures are a region's (class_metrics). */
            const char *what = scope == REP_SCOPE_CLASS ? "class" : "region";
            for (size_t i = 0; i < N_OF(region_fields) && !sql; i++)
                if (strcmp(f, region_fields[i].name) == 0 &&
                    !(scope == REP_SCOPE_CLASS && class_lacks(f))) {
                    sql = xasprintf("SELECT %s FROM %s_metrics WHERE"
                                    " run_id = ?1 AND %s = ?2",
                                    region_fields[i].expr, what, what);
                    is_ratio = region_fields[i].is_ratio;
                }
        } else {
            sql = counter_sql(scope, f, &is_ratio);
        }
        if (sql) {
            /* The first dot gives the longest field. */
            best_name = name_len;
            best_sql = sql;
            best_ratio = is_ratio;
            break;
        }
    }
    if (best_sql == NULL)
        return 0;
    m->scope = scope;
    m->name = xasprintf("%.*s", (int)best_name, rest);
    m->sql = best_sql;
    m->is_ratio = best_ratio;
    m->field_at = lp + best_name + 1;
    return 1;
}

int
rep_metric_parse(const char *path, struct rep_metric *m, struct sim_err *err)
{
    memset(m, 0, sizeof *m);
    m->path = xstrdup(path);
    for (size_t i = 0; i < N_OF(run_fields); i++)
        if (strcmp(path, run_fields[i].name) == 0) {
            m->scope = REP_SCOPE_RUN;
            m->sql = xstrdup(run_fields[i].expr);
            m->is_ratio = run_fields[i].is_ratio;
            return 0;
        }
    if (rep_metric_parse_billing(path, m) ||
        parse_scoped(path, REP_SCOPE_NODE, m) ||
        parse_scoped(path, REP_SCOPE_TIER, m) ||
        parse_scoped(path, REP_SCOPE_REGION, m) ||
        parse_scoped(path, REP_SCOPE_CLASS, m))
        return 0;
    return sim_err_set(
        err, -SIM_EUSAGE, "--metric", 0, 0, NULL,
        "unknown metric \"%s\": a metric is a path in the run's JSON, such "
        "as offload, byte_offload, latency_ms.p99, origin.steady_peak_rps, "
        "cost_usd.total, tiers.edge.hit_ratio, nodes.edge-fra.hit_ratio, "
        "nodes.edge-fra.outcomes.MISS, regions.eu.latency_ms.p99, "
        "regions.eu.byte_hit_ratio, classes.static.hit_ratio, "
        "billing.total_usd or providers.cdn-a.usd.total",
        path);
}

void
rep_metric_fini(struct rep_metric *m)
{
    free(m->path);
    free(m->sql);
    free(m->name);
    memset(m, 0, sizeof *m);
}

int
rep_metric_check_name(const struct rep_metric *m, const char *const *names,
                      size_t n_names, struct sim_err *err)
{
    if (m->scope == REP_SCOPE_RUN)
        return 0;
    for (size_t i = 0; i < n_names; i++)
        if (strcmp(names[i], m->name) == 0)
            return 0;
    static const char *const what[] = {
        [REP_SCOPE_NODE] = "node",         [REP_SCOPE_TIER] = "tier",
        [REP_SCOPE_REGION] = "region",     [REP_SCOPE_CLASS] = "class",
        [REP_SCOPE_PROVIDER] = "provider",
    };
    static const char *const whats[] = {
        [REP_SCOPE_NODE] = "nodes",
        [REP_SCOPE_TIER] = "tiers",
        [REP_SCOPE_REGION] = "regions",
        [REP_SCOPE_CLASS] = "classes (catalog.classes)",
        [REP_SCOPE_PROVIDER] = "providers with a bill (providers[].billing)",
    };
    struct strbuf b = {0};
    for (size_t i = 0; i < n_names; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    int code = sim_err_set(err, -SIM_EUSAGE, "--metric", 0, 0, NULL,
                           "%s: there is no %s \"%s\"; the %s are %s", m->path,
                           what[m->scope], m->name, whats[m->scope],
                           n_names ? strbuf_str(&b) : "none");
    strbuf_fini(&b);
    return code;
}
