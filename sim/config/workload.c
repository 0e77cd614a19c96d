/* workload.c: the workload file: request count, warm-up, the trace of a
 * trace-driven workload, and the order in which the parts are read (the
 * catalog in catalog.c, arrivals in arrival.c, events in events.c). */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define GIB 1073741824ULL
#define NS_PER_S 1000000000LL

static const char *const root_keys[] = {
    "name",    "seed",   "requests", "warmup", "arrival", "catalog",
    "metrics", "events", "trace",    "video",  NULL};
static const char *const metrics_keys[] = {"window", "alerts", NULL};
static const char *const trace_keys[] = {"path",    "format", "time_unit",
                                         "speedup", "rebase", "out_of_order",
                                         "columns", NULL};
static const char *const trace_required[] = {"path", "format", NULL};
/* Roles a csv trace's columns may name (trace_opts.columns). */
static const char *const column_roles[] = {"time",
                                           "id",
                                           "size",
                                           "region",
                                           "ttl",
                                           "tags",
                                           "version",
                                           "cacheable",
                                           "s_maxage",
                                           "stale_while_revalidate",
                                           "stale_if_error",
                                           "cache_control",
                                           NULL};

/* The trace's path: relative to the workload file's directory, so that a
 * workload and its trace move together; a path from --set is taken as
 * given (relative to the working directory, like every command-line
 * path). */
static char *
resolve_path(const struct cfg_doc *d, int id, const char *path)
{
    struct cfg_mark mk = cfg_doc_mark(d, id);
    const char *slash = strrchr(d->path, '/');
    if (path[0] == '/' || mk.line == 0 || slash == NULL)
        return xstrdup(path);
    return xasprintf("%.*s/%s", (int)(slash - d->path), d->path, path);
}

/* trace.columns: {role: column number or header name, ...}, turned into
 * the reader's "role=column,..." text. */
static int
wb_columns(const struct cfg_map *t, struct cfg_trace *tr, struct sim_err *err)
{
    struct cfg_map m;
    int is_present;
    int rc = cfg_map_submap(t, "columns", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    if (tr->format != CFG_TRACE_CSV)
        return cfg_map_forbid(t, "columns",
                              "is for format: csv only (the "
                              "other formats have fixed fields)",
                              err);
    rc = cfg_map_check_keys(&m, column_roles, NULL, err);
    if (rc != 0)
        return rc;
    tr->columns_mark = cfg_doc_mark(m.d, m.id);
    const yaml_node_t *n = cfg_doc_node(m.d, m.id);
    char *spec = NULL;
    for (const yaml_node_pair_t *p = n->data.mapping.pairs.start;
         p < n->data.mapping.pairs.top; p++) {
        const char *role = cfg_doc_scalar(m.d, p->key);
        const char *col = cfg_doc_scalar(m.d, p->value);
        if (col == NULL || *col == '\0' || strpbrk(col, ",=") != NULL) {
            free(spec);
            return cfg_map_bad(&m, role, p->value,
                               "a column number (from 1) or a header name "
                               "without ',' or '='",
                               err);
        }
        char *next = xasprintf("%s%s%s=%s", spec ? spec : "", spec ? "," : "",
                               role, col);
        free(spec);
        spec = next;
    }
    tr->columns = spec;
    return 0;
}

/* trace: {path, format, time_unit, speedup, rebase, out_of_order,
 * columns}. */
static int
wb_trace(const struct cfg_map *root, struct cfg_workload *w,
         struct sim_err *err)
{
    static const char *const formats[] = {"oracle_general", "csv",
                                          "webcachesim", NULL};
    static const char *const units[] = {"ns", "us", "ms", "s", NULL};
    static const int64_t unit_ns[] = {1, 1000, 1000000, NS_PER_S};
    static const char *const orders[] = {"error", "clamp", NULL};
    struct cfg_map m;
    int is_present;
    int rc = cfg_map_submap(root, "trace", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    struct cfg_trace *tr = &w->trace;
    tr->is_set = 1;
    int fmt = 0, unit = 3, order = 0;
    rc = cfg_map_check_keys(&m, trace_keys, trace_required, err);
    tr->mark = cfg_doc_mark(m.d, cfg_map_find(&m, "path"));
    if (rc == 0)
        rc = cfg_map_string(&m, "path", NULL, &tr->path, err);
    if (rc == 0) {
        char *given = tr->path;
        tr->path = resolve_path(m.d, cfg_map_find(&m, "path"), given);
        free(given);
    }
    if (rc == 0)
        rc = cfg_map_choice(
            &m, "format", formats,
            "a trace format: oracle_general, csv or webcachesim", &fmt, err);
    if (rc == 0)
        rc = cfg_map_choice(
            &m, "time_unit", units,
            "the unit of the trace's timestamps: ns, us, ms or s", &unit, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "speedup", 0, 1, 0, 1, CFG_FACTOR_MAX,
                            &tr->speedup, err);
    if (rc == 0)
        rc = cfg_map_bool(&m, "rebase", 1, &tr->is_rebased, err);
    if (rc == 0)
        rc = cfg_map_choice(&m, "out_of_order", orders, "error or clamp",
                            &order, err);
    tr->format = (enum cfg_trace_format)fmt;
    tr->time_unit_ns = unit_ns[unit];
    tr->is_clamp_out_of_order = order == 1;
    if (rc == 0)
        rc = wb_columns(&m, tr, err);
    return rc;
}

/* warmup must leave requests to measure. */
static int
wb_warmup(const struct cfg_doc *d, const struct cfg_map *root,
          const struct cfg_workload *w, struct sim_err *err)
{
    if (w->n_requests == 0 || w->warmup < w->n_requests)
        return 0;
    int warmup_id = cfg_map_find(root, "warmup");
    struct cfg_mark req = cfg_doc_mark(d, cfg_map_find(root, "requests"));
    struct cfg_mark wu = cfg_doc_mark(d, warmup_id);
    if (req.line == 0 && wu.line > 0) {
        /* A short run asked for on the command line (--requests) is
         * not wrong; the file's warm-up is too long for it, so say
         * how to shorten that too. */
        return cfg_doc_err(d, warmup_id, -SIM_EBADVAL, "warmup", err,
                           "the file's warm-up of %llu requests leaves "
                           "nothing to measure of the %llu requests asked "
                           "for: add --set warmup=M with M below %llu "
                           "(such as --set warmup=%llu)",
                           (unsigned long long)w->warmup,
                           (unsigned long long)w->n_requests,
                           (unsigned long long)w->n_requests,
                           (unsigned long long)(w->n_requests / 10));
    }
    char what[96];
    snprintf(what, sizeof what, "a whole number below requests (%llu)",
             (unsigned long long)w->n_requests);
    return cfg_map_bad(root, "warmup", warmup_id, what, err);
}

/* The top-level keys, the name, the seed and how many requests. */
static int
wb_root(const struct cfg_doc *d, const struct cfg_map *root, int is_trace,
        struct cfg_workload *w, struct sim_err *err)
{
    int rc = cfg_map_check_keys(
        root, root_keys,
        is_trace ? (const char *const[]){"name", NULL}
                 : (const char *const[]){"name", "requests", "arrival",
                                         "catalog", NULL},
        err);
    if (rc == 0)
        rc = cfg_map_string(root, "name", NULL, &w->name, err);
    if (rc == 0)
        rc = cfg_map_count(root, "seed", 0, 1, 0, &w->seed, err);
    if (rc == 0)
        rc = cfg_map_count(root, "requests", !is_trace, 0, 1, &w->n_requests,
                           err);
    if (rc == 0)
        rc = cfg_map_count(root, "warmup", 0, 0, 0, &w->warmup, err);
    if (rc == 0)
        rc = wb_warmup(d, root, w, err);
    return rc;
}

/* metrics: {window}, the length of a time-series window. */
static int
wb_metrics(const struct cfg_map *root, struct cfg_workload *w,
           struct sim_err *err)
{
    struct cfg_map metrics;
    int is_present;
    int rc = cfg_map_submap(root, "metrics", 0, &metrics, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    rc = cfg_map_check_keys(&metrics, metrics_keys, NULL, err);
    if (rc == 0)
        rc = cfg_map_duration(&metrics, "window", 0, NS_PER_S, &w->window_ns,
                              err);
    if (rc == 0)
        rc = cfg_alerts_build(&metrics, w, err);
    return rc;
}

int
cfg_workload_build(const struct cfg_doc *d, struct cfg_workload **out,
                   struct sim_err *err)
{
    *out = NULL;
    struct cfg_workload *w = xcalloc(1, sizeof *w);
    w->path = xstrdup(d->path);
    cfg_source_copy(&w->source, d);
    /* Defaults of the optional fields. */
    w->seed = 1;
    w->size.dist = CFG_SIZE_FIXED;
    w->size.bytes = 1;
    w->size.min_bytes = 1;
    w->size.max_bytes = 4 * GIB;
    w->window_ns = NS_PER_S;

    struct cfg_map root;
    int rc = cfg_map_open(&root, d, cfg_doc_root(d), "", err);
    int is_trace = cfg_map_find(&root, "trace") != 0;
    if (rc == 0)
        rc = wb_root(d, &root, is_trace, w, err);
    if (rc == 0)
        rc = wb_trace(&root, w, err);
    if (rc == 0)
        rc = cfg_catalog_build(&root, w, err);
    if (rc == 0)
        rc = cfg_arrival_build(&root, w, err);
    if (rc == 0 && w->churn.is_set)
        rc = cfg_churn_check_run(&root, w, err);
    if (rc == 0)
        cfg_workload_assign_ids(w);
    if (rc == 0)
        rc = cfg_chunks_build(&root, w, err);
    if (rc == 0)
        rc = wb_metrics(&root, w, err);
    if (rc == 0)
        rc = cfg_events_build(d, &root, w, err);
    if (rc == 0)
        rc = cfg_video_build(&root, w, err);
    if (rc != 0) {
        cfg_workload_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void
cfg_workload_assign_ids(struct cfg_workload *w)
{
    /* After the classes: each flash crowd, then churn, which counts up
     * from its first id for as long as the run publishes. */
    uint64_t next = w->n_objects;
    for (size_t k = 0; k < w->n_flash; k++) {
        w->flash[k].first_id = next;
        next += w->flash[k].n_objects;
    }
    w->churn.first_id = next;
}

void
cfg_workload_free(struct cfg_workload *w)
{
    if (w == NULL)
        return;
    free(w->source.text);
    cfg_events_free(w);
    cfg_video_free(w);
    cfg_alerts_free(w);
    cfg_catalog_free(w);
    cfg_arrival_free(w);
    free(w->trace.path);
    free(w->trace.columns);
    free(w->name);
    free(w->path);
    free(w);
}
