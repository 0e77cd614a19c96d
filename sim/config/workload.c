/* workload.c: the workload file: request count, arrivals, the catalog
 * (popularity, sizes, TTL) and the metrics window. */
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
    "name", "seed", "requests", "warmup", "arrival", "catalog", "metrics",
    "events", NULL};
static const char *const root_required[] = {"name", "requests", "arrival",
                                            "catalog", NULL};
static const char *const arrival_keys[] = {"rate", NULL};
static const char *const catalog_keys[] = {
    "objects", "zipf_alpha", "size", "ttl", "stale_while_revalidate",
    "stale_if_error", "change_interval", "uncacheable_share",
    "missing_share", "negative_ttl", NULL};
static const char *const catalog_required[] = {"objects", "zipf_alpha", NULL};
static const char *const size_keys[] = {"dist", "bytes", "median", "sigma",
                                        "min",  "max",   NULL};
static const char *const dist_required[] = {"dist", NULL};
static const char *const fixed_keys[] = {"dist", "bytes", NULL};
static const char *const lognormal_keys[] = {"dist", "median", "sigma",
                                             "min",  "max",    NULL};
static const char *const lognormal_required[] = {"dist", "median", "sigma",
                                                 NULL};
static const char *const metrics_keys[] = {"window", NULL};

/* Opens the child mapping key of m into *out; *is_present says whether it
 * was there (an absent optional mapping is not an error). */
static int
wb_child_map(const struct cfg_map *m, const char *key, int required,
             struct cfg_map *out, int *is_present, struct sim_err *err)
{
    int id;
    *is_present = 0;
    int rc = cfg_map_child(m, key, YAML_MAPPING_NODE, required, &id, err);
    if (rc != 0 || id == 0)
        return rc;
    *is_present = 1;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_map_open(out, m->d, id, field, err);
}

/* catalog.size: {dist: fixed, bytes} or {dist: lognormal, median, sigma,
 * min, max}. */
static int
wb_size(const struct cfg_map *m, struct cfg_size *s, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, size_keys, dist_required, err);
    if (rc != 0)
        return rc;
    int dist_id = cfg_map_find(m, "dist");
    const char *dist = cfg_doc_scalar(m->d, dist_id);
    if (dist != NULL && strcmp(dist, "fixed") == 0) {
        s->dist = CFG_SIZE_FIXED;
        rc = cfg_map_check_keys(m, fixed_keys, fixed_keys, err);
        if (rc == 0)
            rc = cfg_map_size(m, "bytes", 1, 0, &s->bytes, err);
        return rc;
    }
    if (dist == NULL || strcmp(dist, "lognormal") != 0)
        return cfg_map_bad(m, "dist", dist_id,
                           "a size distribution: fixed or lognormal", err);
    s->dist = CFG_SIZE_LOGNORMAL;
    rc = cfg_map_check_keys(m, lognormal_keys, lognormal_required, err);
    if (rc == 0)
        rc = cfg_map_size(m, "median", 1, 0, &s->bytes, err);
    if (rc == 0)
        rc = cfg_map_number(m, "sigma", 1, 0, 0, 1, INFINITY, &s->sigma, err);
    if (rc == 0)
        rc = cfg_map_size(m, "min", 0, 1, &s->min_bytes, err);
    if (rc == 0)
        rc = cfg_map_size(m, "max", 0, 4 * GIB, &s->max_bytes, err);
    if (rc != 0)
        return rc;
    /* The clamp must be a range and hold the median. */
    char lo[32], hi[32], what[128];
    format_size(s->min_bytes, lo, sizeof lo);
    format_size(s->max_bytes, hi, sizeof hi);
    if (s->max_bytes < s->min_bytes) {
        if (cfg_map_find(m, "max") != 0) {
            snprintf(what, sizeof what, "a size >= min (%s)", lo);
            return cfg_map_bad(m, "max", cfg_map_find(m, "max"), what, err);
        }
        snprintf(what, sizeof what, "a size <= max (%s by default)", hi);
        return cfg_map_bad(m, "min", cfg_map_find(m, "min"), what, err);
    }
    if (s->bytes < s->min_bytes || s->bytes > s->max_bytes) {
        snprintf(what, sizeof what, "a size between min and max (%s and %s)",
                 lo, hi);
        return cfg_map_bad(m, "median", cfg_map_find(m, "median"), what, err);
    }
    return 0;
}

/* catalog: objects, zipf_alpha, size, ttl. */
static int
wb_catalog(const struct cfg_map *root, struct cfg_workload *w,
           struct sim_err *err)
{
    struct cfg_map m, size;
    int is_present;
    int rc = wb_child_map(root, "catalog", 1, &m, &is_present, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, catalog_keys, catalog_required, err);
    if (rc == 0)
        rc = cfg_map_count(&m, "objects", 1, 0, 1, &w->n_objects, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "zipf_alpha", 1, 0, 0, 0, INFINITY,
                            &w->zipf_alpha, err);
    if (rc == 0)
        rc = wb_child_map(&m, "size", 0, &size, &is_present, err);
    if (rc == 0 && is_present)
        rc = wb_size(&size, &w->size, err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "ttl", 0, 0, &w->ttl_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "stale_while_revalidate", 0, 0, &w->swr_ns,
                              err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "stale_if_error", 0, 0, &w->sie_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "change_interval", 0, 0,
                              &w->change_interval_ns, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "uncacheable_share", 0, 0, 0, 0, 1,
                            &w->uncacheable_share, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "missing_share", 0, 0, 0, 0, 1,
                            &w->missing_share, err);
    if (rc == 0)
        rc = cfg_map_duration(&m, "negative_ttl", 0, 10 * NS_PER_S,
                              &w->negative_ttl_ns, err);
    return rc;
}

int
cfg_workload_build(const struct cfg_doc *d, struct cfg_workload **out,
                   struct sim_err *err)
{
    *out = NULL;
    struct cfg_workload *w = xcalloc(1, sizeof *w);
    w->path = xstrdup(d->path);
    /* Defaults of the optional fields. */
    w->seed = 1;
    w->size.dist = CFG_SIZE_FIXED;
    w->size.bytes = 1;
    w->size.min_bytes = 1;
    w->size.max_bytes = 4 * GIB;
    w->window_ns = NS_PER_S;

    struct cfg_map root, arrival, metrics;
    int is_present;
    int rc = cfg_map_open(&root, d, cfg_doc_root(d), "", err);
    if (rc == 0)
        rc = cfg_map_check_keys(&root, root_keys, root_required, err);
    if (rc == 0)
        rc = cfg_map_string(&root, "name", NULL, &w->name, err);
    if (rc == 0)
        rc = cfg_map_count(&root, "seed", 0, 1, 0, &w->seed, err);
    if (rc == 0)
        rc = cfg_map_count(&root, "requests", 1, 0, 1, &w->n_requests, err);
    if (rc == 0)
        rc = cfg_map_count(&root, "warmup", 0, 0, 0, &w->warmup, err);
    if (rc == 0 && w->warmup >= w->n_requests) {
        char what[96];
        /* Say so when requests, not warmup, is what came from --set. */
        struct cfg_mark req = cfg_doc_mark(d, cfg_map_find(&root, "requests"));
        snprintf(what, sizeof what, "a whole number below requests (%llu%s)",
                 (unsigned long long)w->n_requests,
                 req.line == 0 ? ", set by --set" : "");
        rc = cfg_map_bad(&root, "warmup", cfg_map_find(&root, "warmup"), what,
                         err);
    }
    if (rc == 0)
        rc = wb_child_map(&root, "arrival", 1, &arrival, &is_present, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&arrival, arrival_keys, arrival_keys, err);
    if (rc == 0)
        rc = cfg_map_number(&arrival, "rate", 1, 0, 0, 1, INFINITY, &w->rate,
                            err);
    if (rc == 0)
        rc = wb_catalog(&root, w, err);
    if (rc == 0)
        rc = wb_child_map(&root, "metrics", 0, &metrics, &is_present, err);
    if (rc == 0 && is_present) {
        rc = cfg_map_check_keys(&metrics, metrics_keys, NULL, err);
        if (rc == 0)
            rc = cfg_map_duration(&metrics, "window", 0, NS_PER_S,
                                  &w->window_ns, err);
    }
    if (rc == 0)
        rc = cfg_events_build(d, &root, w, err);
    if (rc != 0) {
        cfg_workload_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void
cfg_workload_free(struct cfg_workload *w)
{
    if (w == NULL)
        return;
    cfg_events_free(w);
    free(w->name);
    free(w->path);
    free(w);
}
