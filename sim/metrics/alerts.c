/* alerts.c: a run's alerts (struct met_alerts, found by
 * sim/model/alerts.c): every window in which a rule of metrics.alerts
 * was breached, in the table, the JSON and the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/db_int.h"
#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

void
met_alerts_add(struct met_alerts *a, const struct met_alert *x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = *x;
}

static int
alert_cmp(const void *pa, const void *pb)
{
    const struct met_alert *a = pa, *b = pb;
    if (a->start_ns != b->start_ns)
        return a->start_ns < b->start_ns ? -1 : 1;
    if (a->rule != b->rule)
        return a->rule < b->rule ? -1 : 1;
    return (a->scope_order > b->scope_order) -
           (a->scope_order < b->scope_order);
}

void
met_alerts_sort(struct met_alerts *a)
{
    if (a->n > 1)
        qsort(a->v, a->n, sizeof *a->v, alert_cmp);
}

void
met_alert_scope(const struct met_alert *x, char *buf, size_t len)
{
    if (x->scope_to != NULL)
        snprintf(buf, len, "%s %s->%s", x->scope_kind, met_str(x->scope_name),
                 x->scope_to);
    else if (x->scope_name != NULL)
        snprintf(buf, len, "%s %s", x->scope_kind, x->scope_name);
    else
        snprintf(buf, len, "%s", x->scope_kind);
}

void
met_alerts_free(struct met_alerts *a)
{
    if (a == NULL)
        return;
    free(a->rules);
    free(a->v);
    free(a);
}

void
met_alerts_json(const struct met_run *r, FILE *out, int depth)
{
    const struct met_alerts *a = r->alerts;
    struct met_jw w = {out, depth, 0, 0};
    met_jw_open_array(&w, NULL);
    for (size_t k = 0; k < a->n; k++) {
        const struct met_alert *x = &a->v[k];
        const struct met_alert_rule *rule = &a->rules[x->rule];
        char scope[256];
        met_alert_scope(x, scope, sizeof scope);
        met_jw_open(&w, NULL);
        met_jw_real(&w, "start_s", (double)x->start_ns / 1e9);
        met_jw_real(&w, "end_s", (double)x->end_ns / 1e9);
        met_jw_str(&w, "rule", rule->text);
        met_jw_str(&w, "metric", rule->metric);
        met_jw_str(&w, "scope", scope);
        met_jw_real(&w, "value", x->value);
        met_jw_real(&w, "threshold", rule->threshold);
        met_jw_close(&w);
        met_jw_item_done(&w);
    }
    met_jw_close_array(&w, 0);
}

void
met_alerts_print(const struct met_run *r, FILE *out)
{
    const struct met_alerts *a = r->alerts;
    if (a == NULL)
        return;
    fprintf(out,
            "\nalerts (metrics.alerts): %zu breaching window%s of %zu "
            "rule%s\n",
            a->n, a->n == 1 ? "" : "s", a->n_rules, a->n_rules == 1 ? "" : "s");
    if (a->n == 0)
        return;
    fprintf(out, "%-21s %-28s %-26s %12s\n", "window(s)", "rule", "scope",
            "value");
    for (size_t k = 0; k < a->n; k++) {
        const struct met_alert *x = &a->v[k];
        char window[64], scope[256];
        snprintf(window, sizeof window, "%.3f-%.3f", (double)x->start_ns / 1e9,
                 (double)x->end_ns / 1e9);
        met_alert_scope(x, scope, sizeof scope);
        fprintf(out, "%-21s %-28s %-26s %12.4f\n", window,
                a->rules[x->rule].text, scope, x->value);
    }
}

const char met_alerts_schema[] =
    "CREATE TABLE IF NOT EXISTS alerts (     -- metrics.alerts, version 11\n"
    "    run_id           INTEGER NOT NULL REFERENCES runs(id),\n"
    "    position         INTEGER NOT NULL,  -- by window, rule, scope\n"
    "    start_s          REAL NOT NULL,     -- the window, from the\n"
    "    end_s            REAL NOT NULL,     -- measured start\n"
    "    rule             TEXT NOT NULL,     -- 'error_rate > 0.01'\n"
    "    metric           TEXT NOT NULL,     -- hit_ratio, p95_latency_ms,\n"
    "                                        -- error_rate, link_utilisation\n"
    "    scope            TEXT NOT NULL,     -- all, region R, node N,\n"
    "                                        -- link A->B\n"
    "    value            REAL NOT NULL,     -- the metric in the window\n"
    "    threshold        REAL NOT NULL,\n"
    "    PRIMARY KEY (run_id, position)\n"
    ");\n";

int
db_insert_alerts(struct db *d, const struct met_run *r, int64_t id)
{
    const struct met_alerts *a = r->alerts;
    if (a == NULL)
        return 0;
    sqlite3_stmt *st = NULL;
    int code = db_prepare(
        d, "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st);
    for (size_t k = 0; code == 0 && k < a->n; k++) {
        const struct met_alert *x = &a->v[k];
        const struct met_alert_rule *rule = &a->rules[x->rule];
        char scope[256];
        met_alert_scope(x, scope, sizeof scope);
        struct db_row w;
        db_row_start(&w, st);
        db_bind_i64(&w, id);
        db_bind_u64(&w, k);
        db_bind_real(&w, (double)x->start_ns / 1e9);
        db_bind_real(&w, (double)x->end_ns / 1e9);
        db_bind_text(&w, rule->text);
        db_bind_text(&w, rule->metric);
        db_bind_text(&w, scope);
        db_bind_real(&w, x->value);
        db_bind_real(&w, rule->threshold);
        code = db_row_insert(d, &w, "inserting into alerts");
    }
    sqlite3_finalize(st);
    return code;
}
