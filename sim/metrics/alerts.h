/* alerts.h: part of metrics.h (include that): the windows that breached an
 * alert rule (alerts.c). Apart so that metrics.h stays short; metrics.h
 * includes it where these declarations were, so that every user of met_run sees
 * them unchanged. */
#ifndef SIM_METRICS_ALERTS_H
#define SIM_METRICS_ALERTS_H

#ifndef SIM_METRICS_METRICS_H
#error "include metrics/metrics.h, which includes this file"
#endif

/*
 * Alerts (the workload's metrics.alerts, evaluated by sim/model/alerts.c):
 * every window in which a rule's metric was beyond its threshold.
 */
struct met_alert_rule {
    const char *metric; /* "hit_ratio", ... (static) */
    int is_below;       /* breached below the threshold, else above */
    double threshold;
    char text[64]; /* "error_rate > 0.5" */
};

struct met_alert {
    int64_t start_ns, end_ns; /* the window, from the measured start */
    uint32_t rule;            /* index into rules */
    const char *scope_kind;   /* "all", "region", "node" or "link" */
    const char *scope_name;   /* borrowed; NULL for "all" */
    const char *scope_to;     /* a link's receiving end, else NULL */
    uint32_t scope_order;     /* region, node or link index: the order
                                 within a window and rule */
    double value;             /* the metric in that window */
};

struct met_alerts {
    struct met_alert_rule *rules; /* [n_rules], owned */
    size_t n_rules;
    struct met_alert *v; /* [n], by window, rule, scope; owned */
    size_t n, cap;
};

/* Appends an alert (copied) to a. */
void met_alerts_add(struct met_alerts *a, const struct met_alert *x);
/* Orders a's alerts by window start, rule, then scope. */
void met_alerts_sort(struct met_alerts *a);
/* "region eu", "link shield-ams->edge-fra", "all" into buf. */
void met_alert_scope(const struct met_alert *x, char *buf, size_t len);
void met_alerts_free(struct met_alerts *a); /* NULL is a no-op */
/* The "alerts" array's value (json.c's layout, depth levels). */
void met_alerts_json(const struct met_run *r, FILE *out, int depth);
/* Prints the breaching windows under the run table; nothing without
 * rules. */
void met_alerts_print(const struct met_run *r, FILE *out);
/* The schema of table alerts. */
extern const char met_alerts_schema[];

#endif
