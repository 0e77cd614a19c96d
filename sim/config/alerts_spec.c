/* alerts_spec.c: metrics.alerts in the workload, thresholds that each
 * metrics window is checked against (the model evaluates them,
 * sim/model/alerts.c):
 *
 *   metrics:
 *     window: 5s
 *     alerts:
 *       - {metric: hit_ratio, below: 0.6}
 *       - {metric: p95_latency_ms, above: 150, region: asia}
 *       - {metric: error_rate, above: 0.01}
 *       - {metric: link_utilisation, above: 0.8, node: edge-fra}
 *
 * The names of regions and nodes are the topology's, checked when the run
 * is built (they need both files).
 */
#include "config/config_int.h"

#include <stdio.h>
#include <string.h>

#include "util/xalloc.h"

#define ALERTS_MAX 256

static const char *const alert_keys[] = {"metric", "above", "below",
                                         "region", "node",  NULL};
static const char *const alert_required[] = {"metric", NULL};
static const char *const metric_names[] = {
    [CFG_ALERT_HIT_RATIO] = "hit_ratio",
    [CFG_ALERT_P95_LATENCY] = "p95_latency_ms",
    [CFG_ALERT_ERROR_RATE] = "error_rate",
    [CFG_ALERT_LINK_UTILISATION] = "link_utilisation",
};

const char *
cfg_alert_metric_name(enum cfg_alert_metric m)
{
    SIM_ASSERT(m >= CFG_ALERT_HIT_RATIO && m <= CFG_ALERT_LINK_UTILISATION);
    return metric_names[m];
}

/* The threshold: hit_ratio falls below it, the others rise above it. */
static int
alert_threshold(const struct cfg_map *m, struct cfg_alert *a,
                struct sim_err *err)
{
    a->is_below = a->metric == CFG_ALERT_HIT_RATIO;
    const char *key = a->is_below ? "below" : "above";
    char why[96];
    snprintf(why, sizeof why,
             "does not go with metric %s, which alerts "
             "%s a threshold (use %s:)",
             metric_names[a->metric], key, key);
    int rc = cfg_map_forbid(m, a->is_below ? "above" : "below", why, err);
    if (rc != 0)
        return rc;
    if (a->metric == CFG_ALERT_P95_LATENCY)
        return cfg_map_number(m, key, 1, 0, 0, 0, 1e9, &a->threshold, err);
    return cfg_map_number(m, key, 1, 0, 0, 0, 1, &a->threshold, err);
}

/* region: for the clients' metrics, node: for a node's; not both. */
static int
alert_scope(const struct cfg_map *m, struct cfg_alert *a, struct sim_err *err)
{
    int takes_region = a->metric != CFG_ALERT_LINK_UTILISATION;
    int takes_node = a->metric == CFG_ALERT_HIT_RATIO ||
                     a->metric == CFG_ALERT_LINK_UTILISATION;
    char why[96];
    snprintf(why, sizeof why, "does not go with metric %s",
             metric_names[a->metric]);
    int rc = takes_region ? 0 : cfg_map_forbid(m, "region", why, err);
    if (rc == 0 && !takes_node)
        rc = cfg_map_forbid(m, "node", why, err);
    if (rc == 0 && cfg_map_find(m, "region") && cfg_map_find(m, "node"))
        rc = cfg_map_forbid(m, "node",
                            "does not go with region: an "
                            "alert watches one region or one node",
                            err);
    if (rc == 0)
        rc = cfg_map_name(m, "region", 0, &a->region, err);
    if (rc == 0)
        rc = cfg_map_name(m, "node", 0, &a->node, err);
    const char *key = a->region ? "region" : a->node ? "node" : NULL;
    if (rc == 0 && key != NULL) {
        a->mark = cfg_doc_mark(m->d, cfg_map_find(m, key));
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, key, field, sizeof field);
        a->field = xstrdup(field);
    }
    return rc;
}

static int
alert_build(const struct cfg_map *m, struct cfg_alert *a, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, alert_keys, alert_required, err);
    if (rc != 0)
        return rc;
    int id = cfg_map_find(m, "metric");
    const char *name = cfg_doc_scalar(m->d, id);
    size_t k = 0;
    while (k < sizeof metric_names / sizeof metric_names[0] &&
           (name == NULL || strcmp(name, metric_names[k]) != 0))
        k++;
    if (k == sizeof metric_names / sizeof metric_names[0])
        return cfg_map_bad(m, "metric", id,
                           "hit_ratio, p95_latency_ms, error_rate or "
                           "link_utilisation",
                           err);
    a->metric = (enum cfg_alert_metric)k;
    rc = alert_threshold(m, a, err);
    return rc != 0 ? rc : alert_scope(m, a, err);
}

int
cfg_alerts_build(const struct cfg_map *metrics, struct cfg_workload *w,
                 struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(metrics, "alerts", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(metrics->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (count > ALERTS_MAX)
        return cfg_map_bad(metrics, "alerts", seq, "at most 256 alerts", err);
    w->alerts = xcalloc(count ? count : 1, sizeof *w->alerts);
    for (size_t k = 0; k < count; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "metrics.alerts[%zu]", k);
        struct cfg_map am;
        rc = cfg_map_open(&am, metrics->d, n->data.sequence.items.start[k],
                          field, err);
        if (rc != 0)
            return rc;
        rc = alert_build(&am, &w->alerts[w->n_alerts++], err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void
cfg_alerts_free(struct cfg_workload *w)
{
    for (size_t k = 0; k < w->n_alerts; k++) {
        free(w->alerts[k].region);
        free(w->alerts[k].node);
        free(w->alerts[k].field);
    }
    free(w->alerts);
}
