/* sweep.c: the report of a sweep (figures against the varied parameter,
 * one line per combination of the other varied values, and the best
 * points) and the table `cdnsim sweep` prints when it is done.
 *
 * The x axis is one --vary: the one the user names, else the first with a
 * numeric kind (size, duration, number) and more than one value, else the
 * first with more than one value. Every other --vary splits the points
 * into series, so a sweep of capacities x policies draws one miss-ratio
 * curve per policy.
 *
 * Every figure is a metric (sim/report/metric.c) read for every complete
 * point: the fixed ones, the defaults a report adds (the hit ratio of
 * each node a --vary changes, of each caching tier, each region's p99)
 * and the user's --metric paths. With --replications the last dimension
 * is the seed: collapse_replications folds each combination's runs into
 * one point holding means, standard deviations and 95% half-widths, and
 * everything after (table, JSON, summary rows, plots, report) reads
 * those. */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"
#include "util/escape.h"
#include "util/json_escape.h"
#include "util/xalloc.h"

/* Points in the best-points table. */
#define SWEEP_BEST 10

struct sw_vary {
    char *path;
    char *spec;
    char *kind;
    int64_t n_values;
    char *label;    /* the shortest unambiguous tail of path */
    size_t lead;    /* the --vary of its dimension: itself, or for a
                       --vary-with the --vary it moves with */
};

/* The figures every sweep shows, first in sw_info.metrics, in this
 * order. */
enum {
    M_OFFLOAD,
    M_BYTE_OFFLOAD,
    M_P99,
    M_PEAK,
    M_STEADY_PEAK,
    M_MEAN_RPS,
    M_COST,
    M_OUTDATED,
    M_N_FIXED
};

/* One figure of the sweep: a metric path and how to show it. */
struct sw_metric {
    struct rep_metric m;
    char *plot;    /* plot file name: "sweep-hit-ratio" */
    char *title;   /* plot title */
    char *ylabel;  /* y axis label, with the unit */
    char *caption; /* under the plot */
    int in_table;  /* a column of the printed table (and JSON) */
};

/* A point of the sweep; with replications, one combination of the
 * other values, its figures the mean over the replications. */
struct sw_point {
    int64_t point;
    char *params;
    int is_complete;
    int64_t run_id;   /* the first replication's */
    int64_t n_runs;   /* replications measured (1 without) */
    double *v;        /* [n_metrics]: the value, or the mean; NAN: not
                         measured */
    double *ci;       /* [n_metrics]: 95% confidence half-width; NAN
                         with fewer than 2 replications */
    double *sd;       /* [n_metrics]: sample standard deviation */
    double *rv;       /* [n_metrics * n_rv]: each replication's value,
                         metric-major; NAN: not complete */
    int64_t *run_ids; /* [n_rv]: each replication's run, 0 if pending */
    int64_t n_rv;
    char **value;     /* [n_vary] as passed to --set */
    double *num;      /* [n_vary], NAN for text */
};

struct sw_info {
    int64_t id;
    char *topology_path, *workload_path, *overrides, *created;
    char *topology, *workload; /* names, from the first complete run */
    int64_t seed, n_points;
    struct sw_vary *vary;
    size_t n_vary;
    struct sw_point *points; /* [n_points] in point order */
    size_t n_complete;
    struct sw_metric *metrics; /* [n_metrics], owned */
    size_t n_metrics;
    int64_t n_replications; /* 1 without --replications */
};

/* A point's figure. */
#define PV(q, k) ((q)->v[(k)])

static void
metrics_free(struct sw_metric *v, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        rep_metric_fini(&v[k].m);
        free(v[k].plot);
        free(v[k].title);
        free(v[k].ylabel);
        free(v[k].caption);
    }
    free(v);
}

static void
sw_fini(struct sw_info *s)
{
    free(s->topology_path);
    free(s->workload_path);
    free(s->overrides);
    free(s->created);
    free(s->topology);
    free(s->workload);
    for (size_t j = 0; j < s->n_vary; j++) {
        free(s->vary[j].path);
        free(s->vary[j].spec);
        free(s->vary[j].kind);
        free(s->vary[j].label);
    }
    for (int64_t p = 0; s->points && p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        for (size_t j = 0; x->value && j < s->n_vary; j++)
            free(x->value[j]);
        free(x->value);
        free(x->num);
        free(x->params);
        free(x->v);
        free(x->ci);
        free(x->sd);
        free(x->rv);
        free(x->run_ids);
    }
    free(s->points);
    free(s->vary);
    metrics_free(s->metrics, s->n_metrics);
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
    return xstrdup(rep_col_text(st, i));
}

/* The last segments of path that no other --vary path ends with. */
static char *
short_label(const struct sw_info *s, size_t j)
{
    const char *path = s->vary[j].path;
    for (const char *tail = path + strlen(path); tail > path; tail--) {
        if (tail[-1] != '.' && tail != path + strlen(path))
            continue;
        if (*tail == '\0')
            continue;
        int clash = 0;
        for (size_t k = 0; k < s->n_vary && !clash; k++) {
            const char *other = s->vary[k].path;
            size_t lo = strlen(other), lt = strlen(tail);
            clash = k != j && lo >= lt && strcmp(other + lo - lt, tail) == 0 &&
                    (lo == lt || other[lo - lt - 1] == '.');
        }
        if (!clash)
            return xstrdup(tail);
    }
    return xstrdup(path);
}

/* The names a metric of scope may name, from run: "SELECT DISTINCT
 * ..." of nodes, tiers or regions. Caller frees with free_names. */
static char **
names_of(struct rep_db *d, enum rep_scope scope, int64_t run, size_t *n)
{
    static const char *const sql[] = {
        [REP_SCOPE_NODE] = "SELECT node FROM node_metrics WHERE run_id = ?"
                           " ORDER BY rowid",
        [REP_SCOPE_TIER] = "SELECT DISTINCT tier FROM node_metrics WHERE"
                           " run_id = ? ORDER BY rowid",
        [REP_SCOPE_REGION] = "SELECT region FROM region_metrics WHERE"
                             " run_id = ? ORDER BY rowid",
    };
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql[scope], &st, 1, run);
    while (code == 0 && rep_db_step(d, st, "reading names") == 1) {
        v = xgrow(v, &cap, *n + 1, sizeof *v, 8);
        v[(*n)++] = dup_col(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

static void
free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Reads every metric of every complete point. A metric naming a node,
 * tier or region that the sweep's first run lacks is a usage error that
 * lists the names it has. */
static int
load_metric_values(struct rep_db *d, struct sw_info *s)
{
    int64_t first = 0;
    for (int64_t p = 0; p < s->n_points && first == 0; p++)
        if (s->points[p].is_complete)
            first = s->points[p].run_id;
    int has_origin_load = rep_db_has_table(d, "origin_load");
    int code = 0;
    for (size_t k = 0; code == 0 && k < s->n_metrics; k++) {
        const struct rep_metric *m = &s->metrics[k].m;
        if (first != 0 && m->scope != REP_SCOPE_RUN) {
            size_t n;
            char **names = names_of(d, m->scope, first, &n);
            code = rep_metric_check_name(m, (const char *const *)names, n,
                                         d->err);
            free_names(names, n);
            if (code != 0)
                break;
        }
        /* An older file has no origin_load: not measured. */
        if (!has_origin_load && strstr(m->sql, "origin_load") != NULL)
            continue;
        sqlite3_stmt *st = NULL;
        code = rep_db_query(d, m->sql, &st, 0);
        for (int64_t p = 0; code == 0 && p < s->n_points; p++) {
            struct sw_point *x = &s->points[p];
            if (!x->is_complete)
                continue;
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, x->run_id);
            if (m->name)
                sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
            code = rep_db_step(d, st, "reading a metric");
            if (code == 1) {
                code = 0;
                if (sqlite3_column_type(st, 0) != SQLITE_NULL)
                    x->v[k] = sqlite3_column_double(st, 0);
            }
        }
        sqlite3_finalize(st);
    }
    return code;
}

/* What figures a reader of a sweep asks for. */
struct sw_want {
    const char *const *paths; /* --metric paths, [n_paths] */
    size_t n_paths;
    int defaults; /* also per-tier hit ratios, per-region p99 and the hit
                     ratio of each node a --vary changes */
};

/* The figures every sweep shows; [k] is metric k of the enum. */
static const struct {
    const char *path, *plot, *title, *ylabel, *caption;
} fixed_metrics[M_N_FIXED] = {
    {"offload", "sweep-hit-ratio", "Hit ratio of the CDN (offload)",
     "offload: requests served from a cache (%)",
     "Offload (client requests served from a cache / all client "
     "requests) against the varied parameter"},
    {"byte_offload", "sweep-byte-hit-ratio",
     "Byte hit ratio of the CDN (byte offload)",
     "byte offload: bytes served from a cache (%)",
     "Byte offload against the varied parameter"},
    {"latency_ms.p99", "sweep-p99-latency", "Client latency, 99th percentile",
     "p99 latency (ms)", "99th percentile of client latency"},
    {"origin.peak_rps", "sweep-origin-load", "Origin load",
     "origin peak (requests/s)",
     "Peak origin requests in one second (nearly always in the cold start "
     "just after the warm-up)"},
    {"origin.steady_peak_rps", "sweep-origin-steady-peak",
     "Origin load in steady state", "steady-state origin peak (requests/s)",
     "Peak origin requests per second after the settling time (MSER-5)"},
    {"origin.mean_rps", "sweep-origin-mean", "Mean origin load",
     "mean origin load (requests/s)",
     "Origin requests per second over the measured span"},
    {"cost_usd.total", "sweep-cost", "Egress cost", "egress cost (USD)",
     "Egress cost of all nodes"},
    /* Drawn only when some point has outdated answers (content that
     * changes), see has_outdated. */
    {"outdated_share", "sweep-outdated", "Outdated answers",
     "outdated answers (% of requests)",
     "Answers older than the origin's version when asked"},
};

/* Appends the metric path unless it is there already; in_table marks a
 * --metric the user asked for. Returns 0 or -SIM_EUSAGE. */
static int
metrics_add(struct sw_metric **v, size_t *n, size_t *cap, const char *path,
            int in_table, struct sim_err *err)
{
    for (size_t k = 0; k < *n; k++)
        if (strcmp((*v)[k].m.path, path) == 0) {
            (*v)[k].in_table |= in_table;
            return 0;
        }
    struct rep_metric m;
    int code = rep_metric_parse(path, &m, err);
    if (code != 0) {
        rep_metric_fini(&m);
        return code;
    }
    *v = xgrow(*v, cap, *n + 1, sizeof **v, 16);
    struct sw_metric *x = &(*v)[(*n)++];
    memset(x, 0, sizeof *x);
    x->m = m;
    x->in_table = in_table;
    x->plot = xasprintf("sweep-%s", path);
    for (char *c = x->plot; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            *c = '-';
    /* "Hit ratio of node edge-fra", "latency_ms.p99 of region eu". */
    static const char *const scope_word[] = {
        [REP_SCOPE_NODE] = "node",
        [REP_SCOPE_TIER] = "tier",
        [REP_SCOPE_REGION] = "region",
    };
    if (m.scope == REP_SCOPE_RUN) {
        x->title = xstrdup(path);
    } else {
        /* The field follows "SCOPE.NAME.". */
        const char *field = strchr(path, '.') + 1 + strlen(m.name) + 1;
        x->title = xasprintf("%s of %s %s",
                             strcmp(field, "hit_ratio") == 0 ? "Hit ratio"
                             : strcmp(field, "byte_hit_ratio") == 0
                                 ? "Byte hit ratio"
                             : strcmp(field, "latency_ms.p99") == 0
                                 ? "p99 latency (ms)"
                                 : field,
                             scope_word[m.scope], m.name);
    }
    x->ylabel = xasprintf("%s%s", path, m.is_ratio ? " (%)" : "");
    x->caption = xasprintf("%s against the varied parameter", path);
    return 0;
}

/* The run of the sweep's first complete point, or 0. */
static int64_t
first_run(struct rep_db *d, int64_t sweep_id)
{
    sqlite3_stmt *st = NULL;
    int64_t run = 0;
    if (rep_db_query(d,
                     "SELECT run_id FROM sweep_points WHERE sweep_id = ? AND"
                     " status = 'complete' AND run_id IS NOT NULL ORDER BY"
                     " point LIMIT 1",
                     &st, 1, sweep_id) == 0 &&
        rep_db_step(d, st, "reading the sweep") == 1)
        run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return run;
}

/* The sweep's figures: the fixed ones, the defaults w asks for, then
 * w's paths. Sets s->metrics (owned by s) and s->n_metrics. */
static int
build_metrics(struct rep_db *d, struct sw_info *s, const struct sw_want *w)
{
    struct sw_metric *v = NULL;
    size_t n = 0, cap = 0;
    int code = 0;
    for (size_t k = 0; k < M_N_FIXED; k++) {
        const char *path = fixed_metrics[k].path;
        code = metrics_add(&v, &n, &cap, path, 1, d->err);
        SIM_ASSERT(code == 0 && n == k + 1);
        struct sw_metric *x = &v[k];
        free(x->plot);
        free(x->title);
        free(x->ylabel);
        free(x->caption);
        x->plot = xstrdup(fixed_metrics[k].plot);
        x->title = xstrdup(fixed_metrics[k].title);
        x->ylabel = xstrdup(fixed_metrics[k].ylabel);
        x->caption = xstrdup(fixed_metrics[k].caption);
    }
    /* A version-1 file has no outdated column: its runs counted none. */
    if (d->version < 2) {
        free(v[M_OUTDATED].m.sql);
        v[M_OUTDATED].m.sql = xstrdup("SELECT 0 FROM runs WHERE id = ?1");
    }
    v[M_OUTDATED].in_table = 0;
    v[M_MEAN_RPS].in_table = 1;
    int64_t run = w->defaults ? first_run(d, s->id) : 0;
    if (run != 0) {
        size_t n_tiers, n_regions, n_nodes;
        char **tiers = names_of(d, REP_SCOPE_TIER, run, &n_tiers);
        char **regions = names_of(d, REP_SCOPE_REGION, run, &n_regions);
        char **nodes = names_of(d, REP_SCOPE_NODE, run, &n_nodes);
        for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
            const char *p = s->vary[j].path;
            if (strncmp(p, "nodes.", 6) != 0)
                continue;
            for (size_t i = 0; code == 0 && i < n_nodes; i++) {
                size_t ln = strlen(nodes[i]);
                if (strncmp(p + 6, nodes[i], ln) != 0 || p[6 + ln] != '.')
                    continue;
                char *path = xasprintf("nodes.%s.hit_ratio", nodes[i]);
                code = metrics_add(&v, &n, &cap, path, 0, d->err);
                free(path);
            }
        }
        for (size_t i = 0; code == 0 && i < n_tiers; i++) {
            if (strcmp(tiers[i], "origin") == 0)
                continue; /* an origin answers everything it is asked */
            char *path = xasprintf("tiers.%s.hit_ratio", tiers[i]);
            code = metrics_add(&v, &n, &cap, path, 0, d->err);
            free(path);
        }
        for (size_t i = 0; code == 0 && i < n_regions; i++) {
            char *path = xasprintf("regions.%s.latency_ms.p99", regions[i]);
            code = metrics_add(&v, &n, &cap, path, 0, d->err);
            free(path);
        }
        free_names(tiers, n_tiers);
        free_names(regions, n_regions);
        free_names(nodes, n_nodes);
    }
    for (size_t i = 0; code == 0 && i < w->n_paths; i++)
        code = metrics_add(&v, &n, &cap, w->paths[i], 1, d->err);
    s->metrics = v;
    s->n_metrics = n;
    return code;
}

static void collapse_replications(struct sw_info *s);

static int
load_sweep(struct rep_db *d, int64_t id, const struct sw_want *want,
           struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT topology_path, workload_path, seed,"
                            " overrides, points, created FROM sweeps"
                            " WHERE id = ?",
                            &st, 1, id);
    if (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "no sweep %lld in this database", (long long)id);
    if (code == 1) {
        code = 0;
        s->id = id;
        s->n_replications = 1;
        s->topology_path = dup_col(st, 0);
        s->workload_path = dup_col(st, 1);
        s->seed = sqlite3_column_int64(st, 2);
        s->overrides = dup_col(st, 3);
        s->n_points = sqlite3_column_int64(st, 4);
        s->created = dup_col(st, 5);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code != 0)
        return code;

    /* moves_with came with version 4: before, every --vary is its own
     * dimension. */
    code = rep_db_query(d,
                        d->version >= 4
                            ? "SELECT path, spec, kind, n_values, moves_with"
                              " FROM sweep_vary WHERE sweep_id = ?"
                              " ORDER BY position"
                            : "SELECT path, spec, kind, n_values, NULL"
                              " FROM sweep_vary WHERE sweep_id = ?"
                              " ORDER BY position",
                        &st, 1, id);
    size_t cap = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        s->vary = xgrow(s->vary, &cap, s->n_vary + 1, sizeof *s->vary, 4);
        struct sw_vary *v = &s->vary[s->n_vary++];
        v->path = dup_col(st, 0);
        v->spec = dup_col(st, 1);
        v->kind = dup_col(st, 2);
        v->n_values = sqlite3_column_int64(st, 3);
        v->label = NULL;
        int64_t with = sqlite3_column_type(st, 4) == SQLITE_NULL
                           ? -1
                           : sqlite3_column_int64(st, 4);
        v->lead = with >= 0 && (size_t)with < s->n_vary - 1 ? (size_t)with
                                                              : s->n_vary - 1;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code != 0)
        return code;
    for (size_t j = 0; j < s->n_vary; j++)
        s->vary[j].label = short_label(s, j);
    code = build_metrics(d, s, want);
    if (code != 0)
        return code;

    s->points =
        xcalloc(s->n_points > 0 ? (size_t)s->n_points : 1, sizeof *s->points);
    for (int64_t p = 0; p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        x->point = p;
        x->n_runs = 1;
        x->value = xcalloc(s->n_vary + 1, sizeof(char *));
        x->num = xcalloc(s->n_vary + 1, sizeof(double));
        x->v = xcalloc(s->n_metrics + 1, sizeof(double));
        x->ci = xcalloc(s->n_metrics + 1, sizeof(double));
        x->sd = xcalloc(s->n_metrics + 1, sizeof(double));
        for (size_t k = 0; k < s->n_metrics; k++)
            x->v[k] = x->ci[k] = x->sd[k] = NAN;
    }
    code = rep_db_query(d,
                        "SELECT p.point, p.params, p.status, p.run_id,"
                        " r.topology, r.workload, r.status"
                        " FROM sweep_points p LEFT JOIN runs r ON"
                        " r.id = p.run_id WHERE p.sweep_id = ?"
                        " ORDER BY p.point",
                        &st, 1, id);
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        int64_t p = sqlite3_column_int64(st, 0);
        if (p < 0 || p >= s->n_points)
            continue;
        struct sw_point *x = &s->points[p];
        x->params = dup_col(st, 1);
        x->is_complete = strcmp(rep_col_text(st, 2), "complete") == 0 &&
                         sqlite3_column_type(st, 3) != SQLITE_NULL &&
                         strcmp(rep_col_text(st, 6), "complete") == 0;
        if (!x->is_complete)
            continue;
        s->n_complete++;
        x->run_id = sqlite3_column_int64(st, 3);
        if (s->topology == NULL) {
            s->topology = dup_col(st, 4);
            s->workload = dup_col(st, 5);
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code == 0)
        code = load_metric_values(d, s);
    if (code != 0)
        return code;

    code = rep_db_query(d,
                        "SELECT point, position, value, value_num FROM"
                        " sweep_params WHERE sweep_id = ?",
                        &st, 1, id);
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1) {
        code = 0;
        int64_t p = sqlite3_column_int64(st, 0);
        int64_t j = sqlite3_column_int64(st, 1);
        if (p < 0 || p >= s->n_points || j < 0 || (size_t)j >= s->n_vary)
            continue;
        struct sw_point *x = &s->points[p];
        free(x->value[j]);
        x->value[j] = dup_col(st, 2);
        x->num[j] = sqlite3_column_type(st, 3) == SQLITE_NULL
                        ? NAN
                        : sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    if (code != 0)
        return code;
    for (int64_t p = 0; p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        if (x->params == NULL)
            x->params = xstrdup("");
        for (size_t j = 0; j < s->n_vary; j++)
            if (x->value[j] == NULL) {
                x->value[j] = xstrdup("?");
                x->num[j] = NAN;
            }
    }
    for (int64_t p = 0; p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        x->n_rv = 1;
        x->rv = xcalloc(s->n_metrics + 1, sizeof *x->rv);
        memcpy(x->rv, x->v, s->n_metrics * sizeof *x->rv);
        x->run_ids = xcalloc(1, sizeof *x->run_ids);
        x->run_ids[0] = x->is_complete ? x->run_id : 0;
    }
    collapse_replications(s);
    return 0;
}

/* The mean, sample standard deviation and 95% confidence half-width
 * (Student's t with n - 1 degrees of freedom) of the finite x[0..n). */
static void
mean_ci(const double *x, size_t n, double *mean, double *sd, double *ci)
{
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            sum += x[i];
            m++;
        }
    *mean = m ? sum / (double)m : NAN;
    *sd = *ci = NAN;
    if (m < 2)
        return;
    double sq = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            sq += (x[i] - *mean) * (x[i] - *mean);
    *sd = sqrt(sq / (double)(m - 1));
    *ci = gsl_cdf_tdist_Pinv(0.975, (double)(m - 1)) * *sd / sqrt((double)m);
}

/*
 * A sweep with replications (its last --vary has kind "replication")
 * becomes the sweep of the other values: each new point stands for the
 * replications of one combination, complete when they all are, its
 * figures their means with confidence intervals. Point numbers become
 * combination numbers; run_id is the first replication's.
 */
static void
collapse_replications(struct sw_info *s)
{
    if (s->n_vary == 0 ||
        strcmp(s->vary[s->n_vary - 1].kind, "replication") != 0)
        return;
    int64_t n_rep = s->vary[s->n_vary - 1].n_values;
    if (n_rep < 1)
        return;
    size_t n_vary = s->n_vary - 1;
    int64_t n_combos = s->n_points / n_rep;
    struct sw_point *combos = xcalloc((size_t)n_combos + 1, sizeof *combos);
    double *x = xcalloc((size_t)n_rep, sizeof *x);
    size_t n_complete = 0;
    for (int64_t c = 0; c < n_combos; c++) {
        struct sw_point *q = &combos[c];
        struct sw_point *first = &s->points[c * n_rep];
        q->point = c;
        q->value = xcalloc(n_vary + 1, sizeof *q->value);
        q->num = xcalloc(n_vary + 1, sizeof *q->num);
        struct strbuf b = {0};
        for (size_t j = 0; j < n_vary; j++) {
            q->value[j] = xstrdup(first->value[j]);
            q->num[j] = first->num[j];
            strbuf_printf(&b, "%s%s=%s", j ? " " : "", s->vary[j].path,
                          first->value[j]);
        }
        q->params = xstrdup(n_vary ? strbuf_str(&b) : "(the base run)");
        strbuf_fini(&b);
        q->is_complete = 1;
        q->n_runs = 0;
        for (int64_t r = 0; r < n_rep; r++) {
            const struct sw_point *p = &s->points[c * n_rep + r];
            q->is_complete &= p->is_complete;
            q->n_runs += p->is_complete;
        }
        q->run_id = first->run_id;
        q->v = xcalloc(s->n_metrics + 1, sizeof *q->v);
        q->ci = xcalloc(s->n_metrics + 1, sizeof *q->ci);
        q->sd = xcalloc(s->n_metrics + 1, sizeof *q->sd);
        q->n_rv = n_rep;
        q->rv = xcalloc(s->n_metrics * (size_t)n_rep + 1, sizeof *q->rv);
        q->run_ids = xcalloc((size_t)n_rep, sizeof *q->run_ids);
        for (int64_t r = 0; r < n_rep; r++) {
            const struct sw_point *p = &s->points[c * n_rep + r];
            q->run_ids[r] = p->is_complete ? p->run_id : 0;
        }
        for (size_t k = 0; k < s->n_metrics; k++) {
            for (int64_t r = 0; r < n_rep; r++) {
                const struct sw_point *p = &s->points[c * n_rep + r];
                x[r] = p->is_complete ? p->v[k] : NAN;
                q->rv[k * (size_t)n_rep + (size_t)r] = x[r];
            }
            mean_ci(x, (size_t)n_rep, &q->v[k], &q->sd[k], &q->ci[k]);
        }
        n_complete += q->is_complete;
    }
    free(x);
    /* Swap the combinations in for the points. */
    struct sw_info old = *s;
    s->points = combos;
    s->n_points = n_combos;
    s->n_complete = n_complete;
    s->n_replications = n_rep;
    old.vary = NULL;
    old.n_vary = 0;
    old.topology_path = old.workload_path = old.overrides = old.created =
        NULL;
    old.topology = old.workload = NULL;
    old.metrics = NULL;
    old.n_metrics = 0;
    /* sw_fini frees the old points (it reads n_vary for their values:
     * free them here). */
    for (int64_t p = 0; p < old.n_points; p++)
        for (size_t j = 0; j < s->n_vary; j++)
            free(old.points[p].value[j]);
    sw_fini(&old);
    struct sw_vary *rv = &s->vary[n_vary];
    free(rv->path);
    free(rv->spec);
    free(rv->kind);
    free(rv->label);
    s->n_vary = n_vary;
}

/* Which of vary j's values point p takes (the last --vary fastest). */
static int64_t
value_index(const struct sw_info *s, int64_t p, size_t j)
{
    /* As met_sweep_value: a --vary-with is a digit of its --vary. */
    j = s->vary[j].lead;
    for (size_t k = s->n_vary; k-- > j + 1;)
        if (s->vary[k].lead == k)
            p /= s->vary[k].n_values > 0 ? s->vary[k].n_values : 1;
    return s->vary[j].n_values > 0 ? p % s->vary[j].n_values : 0;
}

static int
is_numeric(const struct sw_vary *v)
{
    return strcmp(v->kind, "text") != 0;
}

static int
pick_x(struct rep_db *d, const struct sw_info *s, const char *x_path, size_t *x)
{
    if (x_path) {
        for (size_t j = 0; j < s->n_vary; j++)
            if (strcmp(s->vary[j].path, x_path) == 0) {
                *x = j;
                return 0;
            }
        struct strbuf b = {0};
        for (size_t j = 0; j < s->n_vary; j++)
            strbuf_printf(&b, "%s%s", j ? ", " : "", s->vary[j].path);
        int code = sim_err_set(d->err, -SIM_EBADVAL, "--x", 0, 0, NULL,
                               "sweep %lld does not vary \"%s\"; it varies "
                               "%s",
                               (long long)s->id, x_path, strbuf_str(&b));
        strbuf_fini(&b);
        return code;
    }
    *x = 0;
    for (size_t j = 0; j < s->n_vary; j++)
        if (is_numeric(&s->vary[j]) && s->vary[j].n_values > 1) {
            *x = j;
            return 0;
        }
    for (size_t j = 0; j < s->n_vary; j++)
        if (s->vary[j].n_values > 1) {
            *x = j;
            return 0;
        }
    return 0;
}

/* The series of point p: the other --vary values, as a legend text;
 * caller frees. */
static char *
series_title(const struct sw_info *s, const struct sw_point *p, size_t x)
{
    struct strbuf b = {0};
    for (size_t j = 0; j < s->n_vary; j++) {
        /* Values linked with x's move along the x axis. */
        if (s->vary[j].lead == s->vary[x].lead)
            continue;
        strbuf_printf(&b, "%s%s=%s", b.n ? ", " : "", s->vary[j].label,
                       p->value[j]);
    }
    if (b.n == 0)
        strbuf_put(&b, "all points");
    char *t = xstrdup(strbuf_str(&b));
    strbuf_fini(&b);
    return t;
}

/* The x coordinate of p: its numeric value, or its value's position for
 * text. */
static double
x_coord(const struct sw_info *s, const struct sw_point *p, size_t x)
{
    if (is_numeric(&s->vary[x]) && !isnan(p->num[x]))
        return p->num[x];
    return (double)value_index(s, p->point, x);
}

/* Complete points grouped by series and sorted by x within each: an
 * index into points, plus where each series starts. */
struct sw_layout {
    int64_t *order; /* [n_complete] */
    size_t *start;  /* [n_series + 1] */
    char **titles;  /* [n_series] */
    size_t n_series;
    int logx;
};

static void
layout_fini(struct sw_layout *l)
{
    for (size_t i = 0; i < l->n_series; i++)
        free(l->titles[i]);
    free(l->titles);
    free(l->start);
    free(l->order);
}

static void
make_layout(const struct sw_info *s, size_t x, struct sw_layout *l)
{
    memset(l, 0, sizeof *l);
    size_t n = s->n_complete;
    l->order = xcalloc(n + 1, sizeof *l->order);
    l->start = xcalloc(n + 2, sizeof *l->start);
    l->titles = xcalloc(n + 1, sizeof *l->titles);
    size_t k = 0;
    /* Series in the order their first point appears. */
    int64_t *series_of = xcalloc((size_t)s->n_points + 1, sizeof *series_of);
    for (int64_t p = 0; p < s->n_points; p++) {
        if (!s->points[p].is_complete)
            continue;
        char *t = series_title(s, &s->points[p], x);
        size_t i = 0;
        while (i < l->n_series && strcmp(l->titles[i], t) != 0)
            i++;
        if (i == l->n_series)
            l->titles[l->n_series++] = t;
        else
            free(t);
        series_of[p] = (int64_t)i;
    }
    for (size_t i = 0; i < l->n_series; i++) {
        l->start[i] = k;
        for (int64_t p = 0; p < s->n_points; p++)
            if (s->points[p].is_complete && series_of[p] == (int64_t)i)
                l->order[k++] = p;
        /* Insertion sort by x: a series is short. */
        for (size_t a = l->start[i] + 1; a < k; a++) {
            int64_t v = l->order[a];
            size_t b = a;
            while (b > l->start[i] &&
                   x_coord(s, &s->points[l->order[b - 1]], x) >
                       x_coord(s, &s->points[v], x)) {
                l->order[b] = l->order[b - 1];
                b--;
            }
            l->order[b] = v;
        }
    }
    l->start[l->n_series] = k;
    free(series_of);

    /* A log axis where the values span a wide range or double. */
    const struct sw_vary *v = &s->vary[x];
    if (is_numeric(v)) {
        double lo = INFINITY, hi = 0;
        for (size_t i = 0; i < k; i++) {
            double c = x_coord(s, &s->points[l->order[i]], x);
            lo = c < lo ? c : lo;
            hi = c > hi ? c : hi;
        }
        int geometric = strstr(v->spec, "..") && strchr(v->spec, '*');
        l->logx = k > 0 && lo > 0 && hi > lo && (geometric || hi / lo >= 16);
    }
}

/* Does any complete point have outdated answers? Without, the outdated
 * plot would be a flat line at 0 and is left out. */
static int
has_outdated(const struct sw_info *s)
{
    for (int64_t p = 0; p < s->n_points; p++)
        if (s->points[p].is_complete && PV(&s->points[p], M_OUTDATED) > 0)
            return 1;
    return 0;
}

/* Is metric k drawn: measured at some point (not a figure an older
 * file lacks), and the outdated share only when there is one? */
static int
is_drawn(const struct sw_info *s, size_t k)
{
    if (k == M_OUTDATED && !has_outdated(s))
        return 0;
    for (int64_t p = 0; p < s->n_points; p++)
        if (s->points[p].is_complete && isfinite(PV(&s->points[p], k)))
            return 1;
    return 0;
}

/* A value as a plot or table shows it: shares in percent. */
static double
shown(const struct sw_info *s, size_t k, double v)
{
    return s->metrics[k].m.is_ratio ? 100 * v : v;
}

static int
sweep_plots(struct rep_plotter *pl, const struct sw_info *s, size_t x,
            const struct sw_layout *l)
{
    const struct sw_vary *v = &s->vary[x];
    /* The tick labels are the values as given ("32MiB", "5m"), so they
     * carry the unit; the label says what kind of value it is. */
    char *xlabel;
    if (is_numeric(v) && strcmp(v->kind, "number") != 0)
        xlabel = xasprintf("%s (%s%s)", v->path, v->kind,
                           l->logx ? ", log scale" : "");
    else
        xlabel = xasprintf("%s%s", v->path, l->logx ? " (log scale)" : "");
    const char **xlabels = xcalloc((size_t)s->n_points + 1, sizeof *xlabels);
    for (int64_t p = 0; p < s->n_points; p++)
        xlabels[p] = s->points[p].value[x];
    int has_ci = s->n_replications > 1;
    int code = 0;
    for (size_t m = 0; code == 0 && m < s->n_metrics; m++) {
        if (!is_drawn(s, m))
            continue;
        const struct sw_metric *sm = &s->metrics[m];
        struct rep_plot p;
        code = rep_plot_begin(pl, &p, sm->plot, "sweep.gp");
        if (code != 0)
            break;
        fprintf(p.data, "# x\tx label\tpoint\truns\t95%% CI half-width"
                        "\t%s\n",
                sm->ylabel);
        for (size_t i = 0; i < l->n_series; i++) {
            fputs("# series: ", p.data);
            rep_dat_label(p.data, l->titles[i]);
            fputc('\n', p.data);
            for (size_t k = l->start[i]; k < l->start[i + 1]; k++) {
                const struct sw_point *q = &s->points[l->order[k]];
                if (!isfinite(PV(q, m)))
                    continue;
                fprintf(p.data, "%.17g\t", x_coord(s, q, x));
                rep_dat_label(p.data, q->value[x] ? q->value[x] : "");
                double ci = isfinite(q->ci[m]) ? shown(s, m, q->ci[m]) : 0;
                fprintf(p.data, "\t%lld\t%lld\t%.6f\t%.6f\n",
                        (long long)q->point, (long long)q->n_runs, ci,
                        shown(s, m, PV(q, m)));
            }
            fputs("\n\n", p.data);
        }
        /* Tick labels by point number (column 3), exactly as given. */
        rep_plot_strs(&p, "xlabels", xlabels, (size_t)s->n_points);
        rep_plot_num(&p, "n", (double)l->n_series);
        rep_plot_strs(&p, "titles", (const char *const *)l->titles,
                      l->n_series);
        rep_plot_num(&p, "errorbars", has_ci);
        char *title = has_ci ? xasprintf("%s (mean of %lld runs, 95%% CI)",
                                         sm->title,
                                         (long long)s->n_replications)
                             : xstrdup(sm->title);
        rep_plot_str(&p, "ptitle", title);
        free(title);
        rep_plot_str(&p, "ytitle", sm->ylabel);
        rep_plot_str(&p, "xtitle", xlabel);
        rep_plot_num(&p, "logx", l->logx);
        code = rep_plot_draw(pl, &p);
    }
    free(xlabels);
    free(xlabel);
    return code;
}

/* Offload to the 0.01% a reader sees: points that look equal are
 * ranked by cost instead of by noise below the last digit shown. */
static double
shown_offload(const struct sw_point *q)
{
    return round(PV(q, M_OFFLOAD) * 1e4);
}

/* Complete points, best offload first (cheaper first on a tie). */
static int64_t *
ranked(const struct sw_info *s)
{
    int64_t *r = xcalloc(s->n_complete + 1, sizeof *r);
    size_t k = 0;
    for (int64_t p = 0; p < s->n_points; p++) {
        if (!s->points[p].is_complete)
            continue;
        const struct sw_point *v = &s->points[p];
        size_t b = k++;
        while (b > 0) {
            const struct sw_point *u = &s->points[r[b - 1]];
            if (shown_offload(u) > shown_offload(v) ||
                (shown_offload(u) == shown_offload(v) &&
                 PV(u, M_COST) <= PV(v, M_COST)))
                break;
            r[b] = r[b - 1];
            b--;
        }
        r[b] = p;
    }
    return r;
}

/* A figure as the report's tables show it: the value, or the mean and
 * its 95% confidence half-width. */
static void
metric_cell(struct rep_doc *doc, const struct sw_info *s,
            const struct sw_point *q, size_t k)
{
    double v = PV(q, k), ci = q->ci[k];
    char a[48], b[48];
    if (!isfinite(v)) {
        rep_doc_cell(doc, "%s", "n/a");
        return;
    }
    const char *digits = k == M_COST ? "%.4f" : "%.3f";
    if (s->metrics[k].m.is_ratio)
        rep_fmt_pct(v, a, sizeof a);
    else if (k == M_PEAK || k == M_STEADY_PEAK)
        snprintf(a, sizeof a, "%.0f", v);
    else
        snprintf(a, sizeof a, digits, v);
    if (!isfinite(ci)) {
        rep_doc_cell(doc, "%s", a);
        return;
    }
    if (s->metrics[k].m.is_ratio)
        snprintf(b, sizeof b, "%.2f%%", 100 * ci);
    else if (k == M_PEAK || k == M_STEADY_PEAK)
        snprintf(b, sizeof b, "%.0f", ci);
    else
        snprintf(b, sizeof b, digits, ci);
    rep_doc_cell(doc, "%s ± %s", a, b);
}

/* The columns of the points' tables: the fixed figures, outdated
 * included, and the --metric paths. */
static int
is_doc_column(const struct sw_info *s, size_t k)
{
    return k < M_N_FIXED || s->metrics[k].in_table;
}

static void
point_row(struct rep_doc *doc, const struct sw_info *s,
          const struct sw_point *q)
{
    rep_doc_cell(doc, "%lld", (long long)q->point);
    rep_doc_cell(doc, "%s", q->params);
    for (size_t k = 0; k < s->n_metrics; k++)
        if (is_doc_column(s, k))
            metric_cell(doc, s, q, k);
    if (s->n_replications > 1)
        rep_doc_cell(doc, "%lld", (long long)q->n_runs);
    else
        rep_doc_cell(doc, "%lld", (long long)q->run_id);
}

static const char *const fixed_head[M_N_FIXED] = {
    "offload",          "byte offload", "p99 (ms)",
    "origin peak (req/s)", "steady origin peak (req/s)",
    "mean origin (req/s)", "cost (USD)",  "outdated"};

/* The head of the points' tables; free with points_table_end. */
static void
points_table_begin(struct rep_doc *doc, const struct sw_info *s)
{
    size_t n = 0;
    const char **head = xcalloc(s->n_metrics + 4, sizeof *head);
    int *right = xcalloc(s->n_metrics + 4, sizeof *right);
    head[n] = "point";
    right[n++] = 1;
    head[n] = "parameters";
    right[n++] = 0;
    for (size_t k = 0; k < s->n_metrics; k++) {
        if (!is_doc_column(s, k))
            continue;
        head[n] = k < M_N_FIXED ? fixed_head[k] : s->metrics[k].m.path;
        right[n++] = 1;
    }
    head[n] = s->n_replications > 1 ? "runs" : "run";
    right[n++] = 1;
    rep_doc_table_begin(doc, n, head, right);
    free(head);
    free(right);
}

/* The extreme points of one figure, for the findings paragraph. */
static void
describe_range(struct rep_doc *doc, const struct sw_info *s, const char *what,
               double (*get)(const struct sw_point *),
               const char *fmt_pct_or_num)
{
    const struct sw_point *lo = NULL, *hi = NULL;
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        if (!q->is_complete)
            continue;
        if (lo == NULL || get(q) < get(lo))
            lo = q;
        if (hi == NULL || get(q) > get(hi))
            hi = q;
    }
    if (lo == NULL)
        return;
    char a[48], b[48];
    if (strcmp(fmt_pct_or_num, "%") == 0) {
        rep_fmt_pct(get(lo), a, sizeof a);
        rep_fmt_pct(get(hi), b, sizeof b);
    } else {
        snprintf(a, sizeof a, fmt_pct_or_num, get(lo));
        snprintf(b, sizeof b, fmt_pct_or_num, get(hi));
    }
    if (strcmp(a, b) == 0) {
        rep_doc_text(doc, "%s is %s at every point. ", what, a);
        return;
    }
    rep_doc_text(doc, "%s ranges from %s (", what, a);
    rep_doc_code(doc, lo->params);
    rep_doc_text(doc, ") to %s (", b);
    rep_doc_code(doc, hi->params);
    rep_doc_text(doc, "). ");
}

static double
get_offload(const struct sw_point *q)
{
    return PV(q, M_OFFLOAD);
}
static double
get_bytes(const struct sw_point *q)
{
    return PV(q, M_BYTE_OFFLOAD);
}
static double
get_p99(const struct sw_point *q)
{
    return PV(q, M_P99);
}
static double
get_cost(const struct sw_point *q)
{
    return PV(q, M_COST);
}
static double
get_outdated(const struct sw_point *q)
{
    return PV(q, M_OUTDATED);
}
static double
get_steady_peak(const struct sw_point *q)
{
    return PV(q, M_STEADY_PEAK);
}

static int
count_tiers(struct rep_db *d, const struct sw_info *s, struct strbuf *out)
{
    int64_t run = 0;
    for (int64_t p = 0; p < s->n_points && run == 0; p++)
        if (s->points[p].is_complete)
            run = s->points[p].run_id;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT count(*) FROM region_metrics"
                            " WHERE run_id = ?",
                            &st, 1, run);
    if (code == 0 && (code = rep_db_step(d, st, "reading regions")) == 1) {
        int64_t n = sqlite3_column_int64(st, 0);
        strbuf_printf(out, "%lld %s", (long long)n,
                       n == 1 ? "client region" : "client regions");
        code = 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (code == 0)
        code = rep_db_query(d,
                            "SELECT tier, count(*) FROM node_metrics"
                            " WHERE run_id = ? GROUP BY tier ORDER BY"
                            " CASE tier WHEN 'edge' THEN 0 WHEN 'shield'"
                            " THEN 1 WHEN 'origin' THEN 2 ELSE 3 END,"
                            " min(rowid)",
                            &st, 1, run);
    while (code == 0 && (code = rep_db_step(d, st, "reading nodes")) == 1) {
        code = 0;
        int64_t n = sqlite3_column_int64(st, 1);
        strbuf_printf(out, ", %lld %s%s", (long long)n, rep_col_text(st, 0),
                       n == 1 ? "" : "s");
    }
    sqlite3_finalize(st);
    return code;
}

static int
sweep_doc(struct rep_db *d, const struct rep_opts *o, const struct sw_info *s,
          size_t x, const struct sw_layout *l)
{
    struct strbuf shape = {0};
    int code = count_tiers(d, s, &shape);
    if (code != 0) {
        strbuf_fini(&shape);
        return code;
    }
    char *title = xasprintf("cdnsim sweep %lld: %s with %s", (long long)s->id,
                            s->topology, s->workload);
    struct rep_doc *doc = rep_doc_open(o->out_dir, title, d->err);
    free(title);
    if (doc == NULL) {
        strbuf_fini(&shape);
        return d->err->code;
    }
    char a[32], b[32];

    rep_doc_h2(doc, "Scenario");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Sweep %lld runs topology ", (long long)s->id);
    rep_doc_bold(doc, "%s", s->topology);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, s->topology_path);
    rep_doc_text(doc, "; %s) with workload ", strbuf_str(&shape));
    rep_doc_bold(doc, "%s", s->workload);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, s->workload_path);
    rep_doc_text(doc, "), seed %lld", (long long)s->seed);
    if (s->overrides[0]) {
        rep_doc_text(doc, ", overrides ");
        rep_doc_code(doc, s->overrides);
    }
    rep_doc_text(doc, ". It varies ");
    for (size_t j = 0; j < s->n_vary; j++) {
        rep_doc_text(doc, "%s",
                     j == 0               ? ""
                     : j + 1 == s->n_vary ? " and "
                                          : ", ");
        rep_doc_code(doc, s->vary[j].path);
        rep_doc_text(doc, " over %lld %s (", (long long)s->vary[j].n_values,
                     s->vary[j].n_values == 1 ? "value" : "values");
        rep_doc_code(doc, s->vary[j].spec);
        rep_doc_text(doc, ")");
        if (s->vary[j].lead != j) {
            rep_doc_text(doc, " in step with ");
            rep_doc_code(doc, s->vary[s->vary[j].lead].path);
        }
    }
    if (s->n_replications > 1)
        rep_doc_text(doc,
                     ", each combination run %lld times with seeds derived "
                     "from seed %lld (--replications): %s combinations, %s "
                     "of them complete. Figures are the means of the runs "
                     "with 95%% confidence intervals (Student's t), drawn "
                     "as error bars.",
                     (long long)s->n_replications, (long long)s->seed,
                     rep_fmt_count(s->n_points, a, sizeof a),
                     rep_fmt_count((int64_t)s->n_complete, b, sizeof b));
    else
        rep_doc_text(doc,
                     ": %s points, %s of them complete. Every point uses "
                     "the same seed, so the points differ only in what is "
                     "varied.",
                     rep_fmt_count(s->n_points, a, sizeof a),
                     rep_fmt_count((int64_t)s->n_complete, b, sizeof b));
    rep_doc_p_end(doc);

    int64_t *rank = ranked(s);
    rep_doc_h2(doc, "Findings");
    rep_doc_p_begin(doc);
    const struct sw_point *best = &s->points[rank[0]];
    rep_doc_text(doc, "The highest offload, ");
    rep_doc_bold(doc, "%s", rep_fmt_pct(PV(best, M_OFFLOAD), a, sizeof a));
    rep_doc_text(doc, ", comes from point %lld (", (long long)best->point);
    rep_doc_code(doc, best->params);
    rep_doc_text(doc,
                 "): byte offload %s, p99 latency %.1f ms, origin peak "
                 "%.0f requests/s (%.0f in steady state), cost $%.4f. ",
                 rep_fmt_pct(PV(best, M_BYTE_OFFLOAD), a, sizeof a),
                 PV(best, M_P99), PV(best, M_PEAK), PV(best, M_STEADY_PEAK),
                 PV(best, M_COST));
    describe_range(doc, s, "Offload", get_offload, "%");
    describe_range(doc, s, "Byte offload", get_bytes, "%");
    describe_range(doc, s, "The p99 latency", get_p99, "%.1f ms");
    if (is_drawn(s, M_STEADY_PEAK))
        describe_range(doc, s,
                       "The origin's steady-state peak (after the cold "
                       "start MSER-5 cuts off)",
                       get_steady_peak, "%.0f requests/s");
    describe_range(doc, s, "Egress cost", get_cost, "$%.4f");
    if (has_outdated(s))
        describe_range(doc, s, "The share of outdated answers", get_outdated,
                       "%");
    rep_doc_text(doc, "The plots put ");
    rep_doc_code(doc, s->vary[x].path);
    rep_doc_text(doc, " on the x axis");
    if (l->n_series > 1)
        rep_doc_text(doc, " and draw one line for each combination of the "
                          "other varied values");
    rep_doc_text(doc, ".");
    rep_doc_p_end(doc);

    rep_doc_h2(doc, "Best points");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Ranked by offload as shown (to 0.01%%), the cheaper "
                      "point first where that is equal.");
    rep_doc_p_end(doc);
    points_table_begin(doc, s);
    for (size_t i = 0; i < s->n_complete && i < SWEEP_BEST; i++)
        point_row(doc, s, &s->points[rank[i]]);
    rep_doc_table_end(doc);
    free(rank);

    rep_doc_h2(doc, "Plots");
    for (size_t m = 0; m < s->n_metrics; m++)
        if (is_drawn(s, m))
            rep_doc_figure(doc, s->metrics[m].plot, s->metrics[m].caption);

    rep_doc_h2(doc, "All points");
    points_table_begin(doc, s);
    for (int64_t p = 0; p < s->n_points; p++) {
        const struct sw_point *q = &s->points[p];
        if (q->is_complete) {
            point_row(doc, s, q);
            continue;
        }
        rep_doc_cell(doc, "%lld", (long long)q->point);
        rep_doc_cell(doc, "%s", q->params);
        int first = 1;
        for (size_t k = 0; k < s->n_metrics; k++)
            if (is_doc_column(s, k)) {
                rep_doc_cell(doc, "%s", first ? "not run yet" : "");
                first = 0;
            }
        rep_doc_cell(doc, "%s", "");
    }
    rep_doc_table_end(doc);
    strbuf_fini(&shape);
    code = rep_doc_close(doc, d->err);
    if (code == 0 && o->log)
        fprintf(o->log, "%s/report.html\n%s/report.md\n", o->out_dir,
                o->out_dir);
    return code;
}

int
rep_sweep_report(struct rep_db *d, const struct rep_opts *o,
                 struct rep_plotter *pl, int64_t sweep_id)
{
    struct sw_info s;
    memset(&s, 0, sizeof s);
    struct sw_layout l;
    memset(&l, 0, sizeof l);
    size_t x = 0;
    struct sw_want want = {
        .paths = o->metrics, .n_paths = o->n_metrics, .defaults = 1};
    int code = load_sweep(d, sweep_id, &want, &s);
    if (code == 0 && s.n_complete == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "sweep %lld has no complete points yet",
                           (long long)sweep_id);
    if (code == 0 && s.n_vary == 0)
        code = sim_err_set(d->err, -SIM_ENOENT, d->path, 0, 0, NULL,
                           "sweep %lld varies nothing but the seed (cdnsim "
                           "run --replications): nothing to plot against; "
                           "its figures are in sweep_summary",
                           (long long)sweep_id);
    if (code == 0)
        code = pick_x(d, &s, o->x_path, &x);
    if (code == 0) {
        make_layout(&s, x, &l);
        code = sweep_plots(pl, &s, x, &l);
    }
    if (code == 0)
        code = sweep_doc(d, o, &s, x, &l);
    layout_fini(&l);
    sw_fini(&s);
    return code;
}

/* ---- The table `cdnsim sweep` prints ----------------------------------- */

/* The printed table's columns: heads of the fixed figures, in the enum's
 * order (outdated is not printed). */
static const char *const table_head[M_N_FIXED] = {
    "offload%",    "byte-off%",   "p99(ms)", "origin-peak",
    "steady-peak", "origin-mean", "cost($)", NULL};

/* Figure k of the printed table in its column's units and digits. */
static char *
table_value(const struct sw_info *s, size_t k, double v)
{
    if (!isfinite(v))
        return xstrdup("n/a");
    switch (k) {
    case M_OFFLOAD:
    case M_BYTE_OFFLOAD:
        return xasprintf("%.2f", 100 * v);
    case M_P99:
        return xasprintf("%.3f", v);
    case M_PEAK:
    case M_STEADY_PEAK:
        return xasprintf("%.0f", v);
    case M_MEAN_RPS:
        return xasprintf("%.1f", v);
    case M_COST:
        return xasprintf("%.4f", v);
    default:
        return xasprintf(s->metrics[k].m.is_ratio ? "%.4f" : "%.3f", v);
    }
}

static int
is_table_column(const struct sw_info *s, size_t k)
{
    return k < M_N_FIXED ? table_head[k] != NULL : s->metrics[k].in_table;
}

/* Loads sweep_id of db_path for the figures want asks for. */
static int
open_sweep(const char *db_path, int64_t sweep_id, const struct sw_want *want,
           struct rep_db *d, struct sw_info *s, struct sim_err *err)
{
    memset(s, 0, sizeof *s);
    int code = rep_db_open(d, db_path, err);
    if (code == 0 && !rep_db_has_table(d, "sweeps"))
        code = sim_err_set(err, -SIM_ENOENT, db_path, 0, 0, NULL,
                           "the database holds no sweeps");
    if (code == 0)
        code = load_sweep(d, sweep_id, want, s);
    return code;
}

int
rep_print_sweep(const char *db_path, int64_t sweep_id,
                const char *const *metrics, size_t n_metrics, FILE *out,
                struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {.paths = metrics, .n_paths = n_metrics};
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code != 0) {
        sw_fini(&s);
        rep_db_close(&d);
        return code;
    }
    /* Cells first, then widths from the longest. Values may hold
     * newlines or escape sequences: parameters are shown escaped, so
     * that each point keeps its row and the terminal is not driven. */
    size_t n_cols = 2, n_rows = (size_t)s.n_points + 1;
    size_t *col_of = xcalloc(s.n_metrics + 1, sizeof *col_of);
    for (size_t k = 0; k < s.n_metrics; k++)
        if (is_table_column(&s, k))
            col_of[k] = n_cols++;
    size_t run_col = n_cols++;
    char **cell = xcalloc(n_rows * n_cols, sizeof *cell);
    cell[0] = xstrdup("point");
    cell[1] = xstrdup("parameters");
    for (size_t k = 0; k < s.n_metrics; k++)
        if (is_table_column(&s, k))
            cell[col_of[k]] = xstrdup(k < M_N_FIXED ? table_head[k]
                                                    : s.metrics[k].m.path);
    cell[run_col] = xstrdup(s.n_replications > 1 ? "runs" : "run");
    for (int64_t p = 0; p < s.n_points; p++) {
        const struct sw_point *q = &s.points[p];
        char **row = cell + ((size_t)p + 1) * n_cols;
        row[0] = xasprintf("%lld", (long long)q->point);
        row[1] = esc_term_dup(q->params);
        if (!q->is_complete) {
            row[2] = xstrdup(q->n_runs > 0 && s.n_replications > 1
                                 ? "partial"
                                 : "pending");
            continue;
        }
        for (size_t k = 0; k < s.n_metrics; k++) {
            if (!is_table_column(&s, k))
                continue;
            char *v = table_value(&s, k, PV(q, k));
            if (s.n_replications > 1 && isfinite(q->ci[k])) {
                char *ci = table_value(&s, k, q->ci[k]);
                row[col_of[k]] = xasprintf("%s±%s", v, ci);
                free(ci);
                free(v);
            } else {
                row[col_of[k]] = v;
            }
        }
        row[run_col] = xasprintf("%lld", s.n_replications > 1
                                             ? (long long)q->n_runs
                                             : (long long)q->run_id);
    }
    int *width = xcalloc(n_cols, sizeof *width);
    for (size_t r = 0; r < n_rows; r++)
        for (size_t c = 0; c < n_cols; c++) {
            const char *t = cell[r * n_cols + c];
            /* "±" is two bytes and one column. */
            int w = t ? (int)strlen(t) - (strstr(t, "±") ? 1 : 0) : 0;
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < n_rows; r++) {
        for (size_t c = 0; c < n_cols; c++) {
            const char *t = cell[r * n_cols + c];
            if (t == NULL)
                break; /* a pending point's row ends early */
            int pad = width[c] + (strstr(t, "±") ? 1 : 0);
            if (c == 1)
                fprintf(out, "  %-*s", pad, t);
            else
                fprintf(out, "%s%*s", c ? "  " : "", pad, t);
        }
        fputc('\n', out);
    }
    if (s.n_replications > 1)
        fprintf(out,
                "\nmeans of %lld runs per point (seeds from %lld, "
                "--replications) ± the half-width of their 95%% "
                "confidence interval (Student's t)\n",
                (long long)s.n_replications, (long long)s.seed);
    for (size_t i = 0; i < n_rows * n_cols; i++)
        free(cell[i]);
    free(cell);
    free(width);
    free(col_of);
    code = rep_links_sweep_warnings(&d, sweep_id, out);
    sw_fini(&s);
    rep_db_close(&d);
    return code;
}

/* ---- The sweep as JSON, and its summary rows --------------------------- */

static void
json_num(FILE *out, double v)
{
    if (!isfinite(v))
        fputs("null", out);
    else
        fprintf(out, "%.6f", fabs(v) < 5e-7 ? 0.0 : v);
}

int
rep_sweep_json(const char *db_path, int64_t sweep_id,
               const char *const *metrics, size_t n_metrics, FILE *out,
               struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {
        .paths = metrics, .n_paths = n_metrics, .defaults = 1};
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code != 0) {
        sw_fini(&s);
        rep_db_close(&d);
        return code;
    }
    fprintf(out, "{\n  \"sweep\": %lld,\n  \"topology_path\": ",
            (long long)s.id);
    json_fputs(out, s.topology_path);
    fputs(",\n  \"workload_path\": ", out);
    json_fputs(out, s.workload_path);
    fprintf(out, ",\n  \"seed\": %lld,\n  \"overrides\": ", (long long)s.seed);
    json_fputs(out, s.overrides);
    fprintf(out, ",\n  \"replications\": %lld,\n  \"vary\": [",
            (long long)s.n_replications);
    for (size_t j = 0; j < s.n_vary; j++) {
        fputs(j ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
        json_fputs(out, s.vary[j].path);
        fputs(", \"spec\": ", out);
        json_fputs(out, s.vary[j].spec);
        fputs(", \"kind\": ", out);
        json_fputs(out, s.vary[j].kind);
        fputc('}', out);
    }
    fputs(s.n_vary ? "\n  ],\n  \"metrics\": [" : "],\n  \"metrics\": [",
          out);
    for (size_t k = 0; k < s.n_metrics; k++) {
        fputs(k ? ", " : "", out);
        json_fputs(out, s.metrics[k].m.path);
    }
    fputs("],\n  \"points\": [", out);
    for (int64_t p = 0; p < s.n_points; p++) {
        const struct sw_point *q = &s.points[p];
        fprintf(out, "%s\n    {\n      \"point\": %lld,\n      \"params\": ",
                p ? "," : "", (long long)q->point);
        json_fputs(out, q->params);
        fputs(",\n      \"values\": {", out);
        for (size_t j = 0; j < s.n_vary; j++) {
            fputs(j ? ", " : "", out);
            json_fputs(out, s.vary[j].path);
            fputs(": ", out);
            json_fputs(out, q->value[j]);
        }
        fprintf(out, "},\n      \"complete\": %s,\n      \"run_ids\": [",
                q->is_complete ? "true" : "false");
        for (int64_t r = 0; r < q->n_rv; r++)
            fprintf(out, "%s%lld", r ? ", " : "", (long long)q->run_ids[r]);
        fputs("],\n      \"metrics\": {", out);
        for (size_t k = 0; k < s.n_metrics; k++) {
            fputs(k ? ",\n        " : "\n        ", out);
            json_fputs(out, s.metrics[k].m.path);
            fputs(": {\"mean\": ", out);
            json_num(out, q->is_complete ? PV(q, k) : NAN);
            fputs(", \"ci95\": ", out);
            json_num(out, q->is_complete ? q->ci[k] : NAN);
            fputs(", \"stddev\": ", out);
            json_num(out, q->is_complete ? q->sd[k] : NAN);
            fputs(", \"values\": [", out);
            for (int64_t r = 0; r < q->n_rv; r++) {
                fputs(r ? ", " : "", out);
                json_num(out, q->rv[k * (size_t)q->n_rv + (size_t)r]);
            }
            fputs("]}", out);
        }
        fputs("\n      }\n    }", out);
    }
    fputs(s.n_points ? "\n  ]\n}\n" : "]\n}\n", out);
    sw_fini(&s);
    rep_db_close(&d);
    if (fflush(out) != 0 || ferror(out))
        return sim_err_set(err, -SIM_EIO, "--json", 0, 0, NULL,
                           "cannot write the sweep's JSON");
    return 0;
}

int
rep_sweep_summary(const char *db_path, int64_t sweep_id,
                  const char *const *metrics, size_t n_metrics,
                  struct met_summary_row **rows, size_t *n_rows,
                  struct sim_err *err)
{
    struct rep_db d;
    struct sw_info s;
    struct sw_want want = {
        .paths = metrics, .n_paths = n_metrics, .defaults = 1};
    *rows = NULL;
    *n_rows = 0;
    int code = open_sweep(db_path, sweep_id, &want, &d, &s, err);
    if (code == 0) {
        size_t n = 0;
        struct met_summary_row *v = xcalloc(
            (size_t)s.n_points * s.n_metrics + 1, sizeof *v);
        for (int64_t p = 0; p < s.n_points; p++) {
            const struct sw_point *q = &s.points[p];
            if (!q->is_complete)
                continue;
            for (size_t k = 0; k < s.n_metrics; k++) {
                if (!isfinite(PV(q, k)))
                    continue;
                v[n++] = (struct met_summary_row){
                    .point = q->point,
                    .params = xstrdup(q->params),
                    .metric = xstrdup(s.metrics[k].m.path),
                    .n = q->n_runs,
                    .mean = PV(q, k),
                    .stddev = q->sd[k],
                    .ci95 = q->ci[k],
                };
            }
        }
        *rows = v;
        *n_rows = n;
    }
    sw_fini(&s);
    rep_db_close(&d);
    return code;
}
