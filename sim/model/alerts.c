/* alerts.c: the workload's metrics.alerts, evaluated window by window.
 *
 * The clients' figures (hit ratio without a node: the share answered
 * from a cache; error rate; p95 latency) are counted as client requests
 * are answered, in the window of the answer, for all clients and for
 * each region a rule names; a scope's window is evaluated when its first
 * answer of a later window comes (answers come in time order), and the
 * last at the end of the run. Windows are metrics.window long, from the
 * measured start. A node's hit ratio and link utilisation come from the
 * run's time series after the run (their windows, which a run longer than
 * MET_MAX_WINDOWS windows has doubled). A window in which the scope saw
 * no request (no answered request, for p95) is not evaluated.
 */
#include "model/model_int.h"
#include "model/observers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One rule, its names resolved. */
struct alert_rule {
    const struct cfg_alert *a;
    int region;    /* -1: all clients */
    int node;      /* -1: none */
    int is_client; /* counted from the clients' answers */
};

/* The clients of one scope (a region, or all) in their current window. */
struct alert_scope {
    int64_t window; /* its index, or -1 before the first answer */
    uint64_t requests, errors, from_cache;
    struct met_hist *latency; /* only when a p95 rule watches the scope */
    int is_watched;
};

struct alerts {
    struct alert_rule *rules;
    size_t n_rules;
    struct alert_scope *scopes; /* [n_regions + 1]; the last is all */
    size_t n_scopes;
    int64_t window_ns;
};

/* A name from the workload that the topology lacks. */
static int
unknown_name(const struct cfg_alert *a, const char *what, const char *name,
             struct sim_err *err)
{
    return sim_err_set(err, -SIM_ENOENT, a->mark.file, a->mark.line,
                       a->mark.col, a->field, "the topology has no %s \"%s\"",
                       what, name);
}

static int
resolve_rule(struct cdn *c, const struct cfg_alert *a, struct alert_rule *ar,
             struct sim_err *err)
{
    ar->a = a;
    ar->region = -1;
    ar->node = -1;
    if (a->region != NULL) {
        for (size_t r = 0; r < c->t->n_regions; r++)
            if (strcmp(c->t->regions[r].name, a->region) == 0)
                ar->region = (int)r;
        if (ar->region < 0)
            return unknown_name(a, "region", a->region, err);
    }
    if (a->node != NULL && (ar->node = cfg_node_index(c->t, a->node)) < 0)
        return unknown_name(a, "node", a->node, err);
    ar->is_client = a->metric != CFG_ALERT_LINK_UTILISATION && ar->node < 0;
    return 0;
}

int
alerts_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    if (w->n_alerts == 0)
        return 0;
    struct alerts *al = xcalloc(1, sizeof *al);
    c->alerts = al;
    al->rules = xcalloc(w->n_alerts, sizeof *al->rules);
    al->n_rules = w->n_alerts;
    al->n_scopes = c->t->n_regions + 1;
    al->scopes = xcalloc(al->n_scopes, sizeof *al->scopes);
    al->window_ns = w->window_ns;
    for (size_t k = 0; k < al->n_rules; k++) {
        struct alert_rule *ar = &al->rules[k];
        int rc = resolve_rule(c, &w->alerts[k], ar, err);
        if (rc != 0)
            return rc;
        if (!ar->is_client)
            continue;
        struct alert_scope *s = &al->scopes[ar->region >= 0 ? (size_t)ar->region
                                                            : al->n_scopes - 1];
        s->is_watched = 1;
        if (ar->a->metric == CFG_ALERT_P95_LATENCY && s->latency == NULL) {
            s->latency = xmalloc(sizeof *s->latency);
            met_hist_init(s->latency);
        }
    }
    for (size_t k = 0; k < al->n_scopes; k++)
        al->scopes[k].window = -1;
    return 0;
}

void
alerts_fini(struct cdn *c)
{
    struct alerts *al = c->alerts;
    if (al == NULL)
        return;
    for (size_t k = 0; k < al->n_scopes; k++)
        free(al->scopes[k].latency);
    free(al->scopes);
    free(al->rules);
    free(al);
    c->alerts = NULL;
}

void
alerts_start(struct cdn *c, struct met_run *m)
{
    struct alerts *al = c->alerts;
    if (al == NULL)
        return;
    m->alerts = xcalloc(1, sizeof *m->alerts);
    m->alerts->n_rules = al->n_rules;
    m->alerts->rules = xcalloc(al->n_rules, sizeof *m->alerts->rules);
    for (size_t k = 0; k < al->n_rules; k++) {
        const struct cfg_alert *a = al->rules[k].a;
        struct met_alert_rule *mr = &m->alerts->rules[k];
        mr->metric = cfg_alert_metric_name(a->metric);
        mr->is_below = a->is_below;
        mr->threshold = a->threshold;
        snprintf(mr->text, sizeof mr->text, "%s %s %g", mr->metric,
                 a->is_below ? "<" : ">", a->threshold);
    }
}

/* Adds an alert when value is beyond rule k's threshold. */
static void
check(struct cdn *c, size_t k, int64_t start_ns, int64_t len_ns,
      const char *kind, const char *name, const char *to, uint32_t order,
      double value)
{
    const struct met_alert_rule *mr = &c->m->alerts->rules[k];
    if (mr->is_below ? !(value < mr->threshold) : !(value > mr->threshold))
        return;
    struct met_alert x = {
        .start_ns = start_ns,
        .end_ns = start_ns + len_ns,
        .rule = (uint32_t)k,
        .scope_kind = kind,
        .scope_name = name,
        .scope_to = to,
        .scope_order = order,
        .value = value,
    };
    met_alerts_add(c->m->alerts, &x);
}

/* Evaluates the rules watching scope s (index si) in its window. */
static void
close_scope(struct cdn *c, size_t si)
{
    struct alerts *al = c->alerts;
    struct alert_scope *s = &al->scopes[si];
    if (s->window < 0 || s->requests == 0)
        return;
    int is_all = si == al->n_scopes - 1;
    const char *name = is_all ? NULL : c->t->regions[si].name;
    int64_t start = s->window * al->window_ns;
    for (size_t k = 0; k < al->n_rules; k++) {
        const struct alert_rule *ar = &al->rules[k];
        if (!ar->is_client || ar->region != (is_all ? -1 : (int)si))
            continue;
        double v;
        if (ar->a->metric == CFG_ALERT_HIT_RATIO)
            v = (double)s->from_cache / (double)s->requests;
        else if (ar->a->metric == CFG_ALERT_ERROR_RATE)
            v = (double)s->errors / (double)s->requests;
        else if (s->latency->count > 0)
            v = (double)met_hist_quantile(s->latency, 0.95) / 1e6;
        else
            continue;
        check(c, k, start, al->window_ns, is_all ? "all" : "region", name, NULL,
              is_all ? 0 : (uint32_t)si, v);
    }
}

static void
count_in_scope(struct cdn *c, size_t si, int64_t window, int is_failed,
               int is_from_cache, uint64_t latency_ns)
{
    struct alert_scope *s = &c->alerts->scopes[si];
    if (!s->is_watched)
        return;
    if (s->window != window) {
        close_scope(c, si);
        s->window = window;
        s->requests = s->errors = s->from_cache = 0;
        if (s->latency)
            met_hist_init(s->latency);
    }
    s->requests++;
    s->errors += is_failed;
    s->from_cache += is_from_cache;
    if (s->latency && !is_failed)
        met_hist_record(s->latency, latency_ns);
}

void
alerts_count_client(struct cdn *c, const struct req *r, uint64_t latency_ns,
                    int64_t now)
{
    int64_t window = (now - c->measured_start) / c->alerts->window_ns;
    int is_from_cache = !r->failed && !r->via_origin;
    count_in_scope(c, r->region, window, r->failed, is_from_cache, latency_ns);
    count_in_scope(c, c->alerts->n_scopes - 1, window, r->failed, is_from_cache,
                   latency_ns);
}

/* A node's hit ratio, from its time series. */
static void
check_node_series(struct cdn *c, size_t k, uint32_t ni)
{
    const struct met_run *m = c->m;
    const struct met_node *mn = &m->nodes[ni];
    for (uint64_t w = 0; w < mn->n_windows; w++)
        if (mn->windows[w].requests > 0)
            check(c, k, (int64_t)w * m->window_ns, m->window_ns, "node",
                  mn->name, NULL, ni,
                  (double)mn->windows[w].hits /
                      (double)mn->windows[w].requests);
}

/* Link utilisation: node ni's links with a capacity together, window
 * by window. */
static void
check_node_links(struct cdn *c, size_t k, uint32_t ni)
{
    const struct met_run *m = c->m;
    uint64_t n_windows = 0;
    for (size_t j = 0; j < m->n_links; j++)
        if (m->links[j].from_node == (int)ni &&
            m->links[j].n_windows > n_windows)
            n_windows = m->links[j].n_windows;
    for (uint64_t w = 0; w < n_windows; w++) {
        struct met_link_rate rate;
        met_node_window_rate(m, ni, w, &rate);
        check(c, k, (int64_t)w * m->window_ns, m->window_ns, "node",
              m->nodes[ni].name, NULL, ni, rate.utilisation);
    }
}

/* Link utilisation: each link with a capacity on its own. */
static void
check_each_link(struct cdn *c, size_t k)
{
    const struct met_run *m = c->m;
    for (size_t j = 0; j < m->n_links; j++) {
        const struct met_link *l = &m->links[j];
        for (uint64_t w = 0; w < l->n_windows; w++) {
            struct met_link_rate rate;
            met_link_window_rate(m, j, w, &rate);
            check(c, k, (int64_t)w * m->window_ns, m->window_ns, "link",
                  l->from, l->to, (uint32_t)j, rate.utilisation);
        }
    }
}

void
alerts_finish(struct cdn *c)
{
    struct alerts *al = c->alerts;
    if (al == NULL)
        return;
    for (size_t si = 0; si < al->n_scopes; si++)
        close_scope(c, si);
    for (size_t k = 0; k < al->n_rules; k++) {
        const struct alert_rule *ar = &al->rules[k];
        if (ar->a->metric == CFG_ALERT_HIT_RATIO && ar->node >= 0)
            check_node_series(c, k, (uint32_t)ar->node);
        else if (ar->a->metric == CFG_ALERT_LINK_UTILISATION && ar->node >= 0)
            check_node_links(c, k, (uint32_t)ar->node);
        else if (ar->a->metric == CFG_ALERT_LINK_UTILISATION)
            check_each_link(c, k);
    }
    met_alerts_sort(c->m->alerts);
}
