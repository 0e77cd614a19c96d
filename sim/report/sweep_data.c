/* sweep_data.c: a sweep read back from the database: its --vary
 * dimensions, its points and every figure a reader asks for (metric.c),
 * with replications folded into means and 95% confidence half-widths. */

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"
#include "report/sweep_int.h"
#include "util/escape.h"
#include "util/json_escape.h"
#include "util/xalloc.h"

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

/* Frees points[0..n) with their n_vary values each, and the array. */
static void
points_free(struct sw_point *points, int64_t n, size_t n_vary)
{
    for (int64_t p = 0; points && p < n; p++) {
        struct sw_point *x = &points[p];
        for (size_t j = 0; x->value && j < n_vary; j++)
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
    free(points);
}

void
sw_fini(struct sw_info *s)
{
    free(s->topology_path);
    free(s->workload_path);
    free(s->overrides);
    free(s->created);
    free(s->topology_sha256);
    free(s->workload_sha256);
    free(s->cdnsim_version);
    free(s->topology);
    free(s->workload);
    for (size_t j = 0; j < s->n_vary; j++) {
        free(s->vary[j].path);
        free(s->vary[j].spec);
        free(s->vary[j].kind);
        free(s->vary[j].label);
    }
    points_free(s->points, s->n_points, s->n_vary);
    free(s->vary);
    metrics_free(s->metrics, s->n_metrics);
}

static char *
dup_col(sqlite3_stmt *st, int i)
{
    return xstrdup(rep_col_text(st, i));
}

/* Column i as a new string, or NULL for SQL NULL. */
static char *
dup_opt_col(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : dup_col(st, i);
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
        [REP_SCOPE_CLASS] = "SELECT class FROM class_metrics WHERE"
                            " run_id = ? ORDER BY rowid",
        [REP_SCOPE_PROVIDER] = "SELECT provider FROM provider_bills WHERE"
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
            code =
                rep_metric_check_name(m, (const char *const *)names, n, d->err);
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
        [REP_SCOPE_NODE] = "node",         [REP_SCOPE_TIER] = "tier",
        [REP_SCOPE_REGION] = "region",     [REP_SCOPE_CLASS] = "class",
        [REP_SCOPE_PROVIDER] = "provider",
    };
    if (m.scope == REP_SCOPE_RUN) {
        x->title = xstrdup(path);
    } else {
        /* The field follows "SCOPE.NAME.". */
        const char *field = path + m.field_at;
        x->title = xasprintf(
            "%s of %s %s",
            strcmp(field, "hit_ratio") == 0        ? "Hit ratio"
            : strcmp(field, "byte_hit_ratio") == 0 ? "Byte hit ratio"
            : strcmp(field, "latency_ms.p99") == 0 ? "p99 latency (ms)"
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
/* The --metric paths the sweep remembers (table sweep_metrics, absent
 * from files no sweep with --metric has written), in the order given. */
static int
add_stored_metrics(struct rep_db *d, int64_t sweep_id, struct sw_metric **v,
                   size_t *n, size_t *cap)
{
    if (!rep_db_has_table(d, "sweep_metrics"))
        return 0;
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            "SELECT path FROM sweep_metrics WHERE sweep_id = ?"
                            " ORDER BY position",
                            &st, 1, sweep_id);
    while (code == 0 && (code = rep_db_step(d, st, "reading the sweep")) == 1)
        code = metrics_add(v, n, cap, rep_col_text(st, 0), 1, d->err);
    sqlite3_finalize(st);
    return code;
}

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
    if (code == 0)
        code = add_stored_metrics(d, s->id, &v, &n, &cap);
    for (size_t i = 0; code == 0 && i < w->n_paths; i++)
        code = metrics_add(&v, &n, &cap, w->paths[i], 1, d->err);
    s->metrics = v;
    s->n_metrics = n;
    return code;
}

static void collapse_replications(struct sw_info *s);

/* The sweeps row: its files, seed, overrides and number of points. */
static int
load_header(struct rep_db *d, int64_t id, struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
                            d->version >= 4
                                ? "SELECT topology_path, workload_path, seed,"
                                  " overrides, points, created,"
                                  " topology_sha256, workload_sha256,"
                                  " cdnsim_version FROM sweeps WHERE id = ?"
                                : "SELECT topology_path, workload_path, seed,"
                                  " overrides, points, created, NULL, NULL,"
                                  " NULL FROM sweeps WHERE id = ?",
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
        s->topology_sha256 = dup_opt_col(st, 6);
        s->workload_sha256 = dup_opt_col(st, 7);
        s->cdnsim_version = dup_opt_col(st, 8);
    }
    sqlite3_finalize(st);
    return code;
}

/* The --vary dimensions, in command-line order, with their labels. */
static int
load_vary(struct rep_db *d, int64_t id, struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    /* moves_with came with version 4: before, every --vary is its own
     * dimension. */
    int code =
        rep_db_query(d,
                     d->version >= 4 ? "SELECT path, spec, kind, n_values,"
                                       " moves_with FROM sweep_vary"
                                       " WHERE sweep_id = ? ORDER BY position"
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
    if (code != 0)
        return code;
    for (size_t j = 0; j < s->n_vary; j++)
        s->vary[j].label = short_label(s, j);
    return 0;
}

/* Every point, its figures not measured yet. */
static void
alloc_points(struct sw_info *s)
{
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
}

/* Which points are complete (the point and its run), and their run. */
static int
load_points(struct rep_db *d, int64_t id, struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
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
    return code;
}

/* Each point's value of each --vary, as given and as a number. */
static int
load_params(struct rep_db *d, int64_t id, struct sw_info *s)
{
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d,
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
    return code;
}

/* Placeholders for what a damaged database lacks, and each point as
 * its own single replication, ready for collapse_replications. */
static void
finish_points(struct sw_info *s)
{
    for (int64_t p = 0; p < s->n_points; p++) {
        struct sw_point *x = &s->points[p];
        if (x->params == NULL)
            x->params = xstrdup("");
        for (size_t j = 0; j < s->n_vary; j++)
            if (x->value[j] == NULL) {
                x->value[j] = xstrdup("?");
                x->num[j] = NAN;
            }
        x->n_rv = 1;
        x->rv = xcalloc(s->n_metrics + 1, sizeof *x->rv);
        memcpy(x->rv, x->v, s->n_metrics * sizeof *x->rv);
        x->run_ids = xcalloc(1, sizeof *x->run_ids);
        x->run_ids[0] = x->is_complete ? x->run_id : 0;
    }
}

int
sw_load(struct rep_db *d, int64_t id, const struct sw_want *want,
        struct sw_info *s)
{
    int code = load_header(d, id, s);
    if (code == 0)
        code = load_vary(d, id, s);
    if (code == 0)
        code = build_metrics(d, s, want);
    if (code != 0)
        return code;
    alloc_points(s);
    code = load_points(d, id, s);
    if (code == 0)
        code = load_metric_values(d, s);
    if (code == 0)
        code = load_params(d, id, s);
    if (code != 0)
        return code;
    finish_points(s);
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
    /* The combinations in place of the points. */
    points_free(s->points, s->n_points, s->n_vary);
    s->points = combos;
    s->n_points = n_combos;
    s->n_complete = n_complete;
    s->n_replications = n_rep;
    struct sw_vary *rv = &s->vary[n_vary];
    free(rv->path);
    free(rv->spec);
    free(rv->kind);
    free(rv->label);
    s->n_vary = n_vary;
}
