/* catalog.c: the workload's catalog: objects, popularity, sizes and
 * freshness, as one catalog or as content classes, plus churn and
 * regional locality.
 *
 *   catalog:
 *     ttl: 1h                       # defaults for every class
 *     classes:
 *       - {name: static, share: 0.5, objects: 1e5, zipf_alpha: 0.9,
 *          size: {dist: lognormal, median: 16KiB, sigma: 1.2}, ttl: 30d}
 *       - {name: api, share: 0.3, objects: 2e4, ttl: 10s,
 *          change_interval: 30s, stale_while_revalidate: 30s,
 *          tags: [api]}
 *       - {name: assets, share: 0.1, objects: 1e4, immutable: true}
 *       - {name: personal, share: 0.2, objects: 1e6, cacheable: false}
 *     churn: {publish_rate: 0.5, lifetime: {dist: exponential, mean: 2h},
 *             requests_per_object: {dist: pareto, mean: 400, alpha: 1.5},
 *             class: static}
 *     locality: {overlap: 0.6, regions: {asia: 0.3}}
 *
 * Without classes the catalog's own keys (objects, zipf_alpha, size, ttl)
 * make one class, so a workload written before classes existed loads, and
 * generates, exactly as it did. */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define GIB 1073741824ULL

static const char *const catalog_keys[] = {"objects",
                                           "zipf_alpha",
                                           "size",
                                           "ttl",
                                           "s_maxage",
                                           "stale_while_revalidate",
                                           "stale_if_error",
                                           "change_interval",
                                           "uncacheable_share",
                                           "missing_share",
                                           "negative_ttl",
                                           "classes",
                                           "churn",
                                           "locality",
                                           "vary",
                                           "tracking_params",
                                           "chunk_size",
                                           NULL};
static const char *const catalog_required[] = {"objects", "zipf_alpha", NULL};
static const char *const size_keys[] = {
    "dist", "bytes", "median", "sigma", "min", "max", "alpha", "table", NULL};
static const char *const dist_required[] = {"dist", NULL};
static const char *const fixed_keys[] = {"dist", "bytes", NULL};
static const char *const lognormal_keys[] = {"dist", "median", "sigma",
                                             "min",  "max",    NULL};
static const char *const lognormal_required[] = {"dist", "median", "sigma",
                                                 NULL};
static const char *const pareto_keys[] = {"dist", "min", "alpha", "max", NULL};
static const char *const pareto_required[] = {"dist", "min", "alpha", NULL};
static const char *const empirical_keys[] = {"dist", "table", NULL};
static const char *const class_keys[] = {"name",
                                         "share",
                                         "objects",
                                         "zipf_alpha",
                                         "size",
                                         "ttl",
                                         "s_maxage",
                                         "stale_while_revalidate",
                                         "stale_if_error",
                                         "change_interval",
                                         "immutable",
                                         "cacheable",
                                         "tags",
                                         "purge_on_change",
                                         "purge_delay",
                                         "vary",
                                         "tracking_params",
                                         "chunk_size",
                                         NULL};
static const char *const class_required[] = {"name", "share", "objects", NULL};
static const char *const churn_keys[] = {"publish_rate", "lifetime",
                                         "requests_per_object", "class", NULL};
static const char *const churn_required[] = {"publish_rate", "lifetime",
                                             "requests_per_object", NULL};
static const char *const qdist_keys[] = {"dist", "mean", "sigma", "alpha",
                                         NULL};
static const char *const qdist_required[] = {"dist", "mean", NULL};
static const char *const locality_keys[] = {"overlap", "regions", NULL};

/* Keys a trace workload's catalog may not have: the trace gives them. */
static const char *const trace_forbidden[] = {
    "objects", "zipf_alpha",      "size",       "classes", "churn", "locality",
    "vary",    "tracking_params", "chunk_size", NULL};

void
cfg_size_copy(struct cfg_size *dst, const struct cfg_size *src)
{
    *dst = *src;
    if (src->n_table == 0)
        return;
    dst->table_bytes = xmalloc(src->n_table * sizeof *dst->table_bytes);
    dst->table_cdf = xmalloc(src->n_table * sizeof *dst->table_cdf);
    memcpy(dst->table_bytes, src->table_bytes,
           src->n_table * sizeof *dst->table_bytes);
    memcpy(dst->table_cdf, src->table_cdf,
           src->n_table * sizeof *dst->table_cdf);
}

void
cfg_size_fini(struct cfg_size *s)
{
    free(s->table_bytes);
    free(s->table_cdf);
    s->table_bytes = NULL;
    s->table_cdf = NULL;
    s->n_table = 0;
}

/* The clamp [min, max] must be a range and hold `inner` (the median). */
static int
size_check_clamp(const struct cfg_map *m, struct cfg_size *s,
                 const char *inner_key, struct sim_err *err)
{
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
    if (inner_key != NULL &&
        (s->bytes < s->min_bytes || s->bytes > s->max_bytes)) {
        snprintf(what, sizeof what, "a size between min and max (%s and %s)",
                 lo, hi);
        return cfg_map_bad(m, inner_key, cfg_map_find(m, inner_key), what, err);
    }
    return 0;
}

/* table: [[SIZE, WEIGHT], ...] with positive weights. */
static int
size_table(const struct cfg_map *m, struct cfg_size *s, struct sim_err *err)
{
    static const char what[] = "[size, weight] pairs such as [4KiB, 0.3]";
    struct cfg_items seq;
    int rc = cfg_map_items(m, "table", 1, &seq, err);
    if (rc != 0)
        return rc;
    size_t count = seq.count;
    s->table_bytes = xcalloc(count, sizeof *s->table_bytes);
    s->table_cdf = xcalloc(count, sizeof *s->table_cdf);
    s->n_table = count;
    double total = 0;
    for (size_t k = 0; k < count; k++) {
        int item = seq.item[k];
        const yaml_node_t *pair = cfg_doc_node(m->d, item);
        if (pair->type != YAML_SEQUENCE_NODE ||
            pair->data.sequence.items.top - pair->data.sequence.items.start !=
                2)
            return cfg_map_bad(m, "table", item, what, err);
        int size_id = pair->data.sequence.items.start[0];
        int weight_id = pair->data.sequence.items.start[1];
        const char *size = cfg_doc_scalar(m->d, size_id);
        const char *weight = cfg_doc_scalar(m->d, weight_id);
        double wv;
        if (size == NULL || parse_size(size, &s->table_bytes[k]) != 0 ||
            s->table_bytes[k] == 0)
            return cfg_map_bad(m, "table", size_id,
                               "a positive size such as \"4KiB\"", err);
        if (weight == NULL || parse_double(weight, &wv) != 0 || !(wv > 0) ||
            wv > CFG_WEIGHT_MAX)
            return cfg_map_bad(m, "table", weight_id,
                               "a weight > 0 and <= 1e+12", err);
        total += wv;
        s->table_cdf[k] = total;
    }
    for (size_t k = 0; k < count; k++)
        s->table_cdf[k] /= total;
    s->table_cdf[count - 1] = 1.0; /* exactly, whatever the rounding */
    return 0;
}

/* size: {dist: fixed, bytes}, {dist: lognormal, median, sigma, min, max},
 * {dist: pareto, min, alpha, max} or {dist: empirical, table}. */
static int
wb_size(const struct cfg_map *m, struct cfg_size *s, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, size_keys, dist_required, err);
    if (rc != 0)
        return rc;
    cfg_size_fini(s); /* replaces an inherited default */
    *s = (struct cfg_size){.min_bytes = 1, .max_bytes = 4 * GIB};
    int dist_id = cfg_map_find(m, "dist");
    const char *dist = cfg_doc_scalar(m->d, dist_id);
    if (dist != NULL && strcmp(dist, "fixed") == 0) {
        s->dist = CFG_SIZE_FIXED;
        rc = cfg_map_check_keys(m, fixed_keys, fixed_keys, err);
        if (rc == 0)
            rc = cfg_map_size(m, "bytes", 1, 0, &s->bytes, err);
        return rc;
    }
    if (dist != NULL && strcmp(dist, "lognormal") == 0) {
        s->dist = CFG_SIZE_LOGNORMAL;
        rc = cfg_map_check_keys(m, lognormal_keys, lognormal_required, err);
        if (rc == 0)
            rc = cfg_map_size(m, "median", 1, 0, &s->bytes, err);
        if (rc == 0)
            rc = cfg_map_number(m, "sigma", 1, 0, 0, 1, INFINITY, &s->sigma,
                                err);
        if (rc == 0)
            rc = cfg_map_size(m, "min", 0, 1, &s->min_bytes, err);
        if (rc == 0)
            rc = cfg_map_size(m, "max", 0, 4 * GIB, &s->max_bytes, err);
        return rc != 0 ? rc : size_check_clamp(m, s, "median", err);
    }
    if (dist != NULL && strcmp(dist, "pareto") == 0) {
        s->dist = CFG_SIZE_PARETO;
        rc = cfg_map_check_keys(m, pareto_keys, pareto_required, err);
        if (rc == 0)
            rc = cfg_map_size(m, "min", 1, 0, &s->bytes, err);
        if (rc == 0)
            rc = cfg_map_number(m, "alpha", 1, 0, 0, 1, INFINITY, &s->alpha,
                                err);
        if (rc == 0)
            rc = cfg_map_size(m, "max", 0, 4 * GIB, &s->max_bytes, err);
        s->min_bytes = s->bytes;
        return rc != 0 ? rc : size_check_clamp(m, s, NULL, err);
    }
    if (dist != NULL && strcmp(dist, "empirical") == 0) {
        s->dist = CFG_SIZE_EMPIRICAL;
        rc = cfg_map_check_keys(m, empirical_keys, empirical_keys, err);
        return rc != 0 ? rc : size_table(m, s, err);
    }
    return cfg_map_bad(m, "dist", dist_id,
                       "a size distribution: fixed, lognormal, pareto or "
                       "empirical",
                       err);
}

/* {dist: fixed|exponential|lognormal|pareto, mean, sigma, alpha}; the
 * mean is a duration when is_time, else a number. */
static int
wb_qdist(const struct cfg_map *m, int is_time, struct cfg_dist *q,
         struct sim_err *err)
{
    static const char *const names[] = {"fixed", "exponential", "lognormal",
                                        "pareto", NULL};
    int rc = cfg_map_check_keys(m, qdist_keys, qdist_required, err);
    if (rc != 0)
        return rc;
    int kind = 0;
    rc = cfg_map_choice(m, "dist", names,
                        "fixed, exponential, lognormal or pareto", &kind, err);
    if (rc != 0)
        return rc;
    q->kind = (enum cfg_dist_kind)kind;
    if (is_time) {
        int64_t ns;
        rc = cfg_map_duration(m, "mean", 1, 0, &ns, err);
        q->mean = (double)ns;
    } else {
        rc = cfg_map_number(m, "mean", 1, 0, 0, 1, CFG_WEIGHT_MAX, &q->mean,
                            err);
    }
    if (rc == 0 && q->kind == CFG_DIST_PARETO)
        rc = cfg_map_number(m, "alpha", 1, 0, 1, 1, CFG_FACTOR_MAX, &q->alpha,
                            err);
    if (rc == 0 && q->kind == CFG_DIST_LOGNORMAL)
        rc = cfg_map_number(m, "sigma", 1, 0, 0, 1, 10, &q->sigma, err);
    if (rc == 0 && q->kind != CFG_DIST_PARETO)
        rc = cfg_map_forbid(m, "alpha", "belongs to dist: pareto", err);
    if (rc == 0 && q->kind != CFG_DIST_LOGNORMAL)
        rc = cfg_map_forbid(m, "sigma", "belongs to dist: lognormal", err);
    return rc;
}

int
cfg_class_ref(const struct cfg_map *m, const char *key,
              const struct cfg_workload *w, size_t *out, struct sim_err *err)
{
    *out = 0;
    int id = cfg_map_find(m, key);
    if (id == 0)
        return 0;
    const char *name = cfg_doc_scalar(m->d, id);
    for (size_t k = 0; name != NULL && k < w->n_classes; k++) {
        if (strcmp(w->classes[k].name, name) == 0) {
            *out = k;
            return 0;
        }
    }
    char what[320];
    size_t n = (size_t)snprintf(what, sizeof what,
                                "a class of catalog."
                                "classes (");
    for (size_t k = 0; k < w->n_classes && n < sizeof what; k++)
        n += (size_t)snprintf(what + n, sizeof what - n, "%s%s", k ? ", " : "",
                              w->classes[k].name);
    if (n < sizeof what)
        snprintf(what + n, sizeof what - n, ")");
    return cfg_map_bad(m, key, id, what, err);
}

/* Is ch a byte that separates tags in a trace's tags field (see
 * workload/purge_select.c), or a control character? */
static int
is_tag_separator(char ch)
{
    return (unsigned char)ch <= ' ' || ch == ',' || ch == ';' || ch == '|' ||
           ch == 0x7f;
}

/*
 * A trace keeps a request's tags in one field, split at blanks, ',', ';'
 * and '|' when read: a tag holding one of them could be purged in a
 * synthetic run but never in its generated trace. Such tags are refused.
 */
static int
check_tags(const struct cfg_map *m, const struct cfg_class *c,
           struct sim_err *err)
{
    for (size_t k = 0; k < c->n_tags; k++) {
        for (const char *t = c->tags[k]; *t; t++) {
            if (!is_tag_separator(*t))
                continue;
            char field[CFG_FIELD_MAX];
            cfg_map_field(m, "tags", field, sizeof field);
            return cfg_doc_err(m->d, cfg_map_find(m, "tags"), -SIM_EBADVAL,
                               field, err,
                               "tag \"%s\" holds a blank, ',', ';', '|' or "
                               "a control character, which separate tags "
                               "in a trace; use '-' or '_' instead",
                               c->tags[k]);
        }
    }
    return 0;
}

/* One item of catalog.classes; the defaults come from the catalog. */
static int
wb_class(const struct cfg_map *m, const struct cfg_workload *w,
         struct cfg_class *c, struct sim_err *err)
{
    struct cfg_map size;
    int is_present;
    c->zipf_alpha = w->zipf_alpha;
    cfg_size_copy(&c->size, &w->size);
    int rc = cfg_map_check_keys(m, class_keys, class_required, err);
    if (rc == 0)
        rc = cfg_map_name(m, "name", 1, &c->name, err);
    if (rc == 0)
        rc = cfg_map_number(m, "share", 1, 0, 0, 1, CFG_WEIGHT_MAX, &c->share,
                            err);
    if (rc == 0)
        rc = cfg_map_count(m, "objects", 1, 0, 1, &c->n_objects, err);
    if (rc == 0 && c->n_objects > ((uint64_t)1 << 40)) {
        char what[64];
        snprintf(what, sizeof what, "a whole number from 1 to 2^40");
        rc = cfg_map_bad(m, "objects", cfg_map_find(m, "objects"), what, err);
    }
    if (rc == 0)
        rc = cfg_map_number(m, "zipf_alpha", 0, w->zipf_alpha, 0, 0, INFINITY,
                            &c->zipf_alpha, err);
    if (rc == 0)
        rc = cfg_map_submap(m, "size", 0, &size, &is_present, err);
    if (rc == 0 && is_present)
        rc = wb_size(&size, &c->size, err);
    if (rc == 0)
        rc = cfg_map_bool(m, "immutable", 0, &c->is_immutable, err);
    if (rc == 0 && c->is_immutable)
        rc = cfg_map_forbid(m, "change_interval",
                            "does not go with "
                            "immutable: true (an immutable object never "
                            "changes)",
                            err);
    /* An immutable class never expires unless it says otherwise: the
     * catalog's ttl is for objects that may change. */
    if (rc == 0)
        rc = cfg_map_duration(m, "ttl", 0, c->is_immutable ? 0 : w->ttl_ns,
                              &c->ttl_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "s_maxage", 0,
                              c->is_immutable ? 0 : w->s_maxage_ns,
                              &c->s_maxage_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "stale_while_revalidate", 0, w->swr_ns,
                              &c->swr_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "stale_if_error", 0, w->sie_ns, &c->sie_ns,
                              err);
    if (rc == 0)
        rc = cfg_map_duration(m, "change_interval", 0, w->change_interval_ns,
                              &c->change_interval_ns, err);
    if (rc == 0)
        rc = cfg_map_bool(m, "cacheable", 1, &c->is_cacheable, err);
    if (rc == 0)
        rc = cfg_map_strings(m, "tags",
                             "a tag or a list of tags (surrogate "
                             "keys)",
                             &c->tags, &c->n_tags, err);
    if (rc == 0)
        rc = check_tags(m, c, err);
    if (rc == 0)
        rc =
            cfg_map_bool(m, "purge_on_change", 0, &c->is_purged_on_change, err);
    if (rc == 0 && c->is_purged_on_change && c->change_interval_ns == 0)
        rc = cfg_map_bad(m, "purge_on_change",
                         cfg_map_find(m, "purge_on_change"),
                         "false for objects that never change (give the "
                         "class a change_interval)",
                         err);
    /* purge_delay alone is allowed, so that --set or --vary can turn
     * purge_on_change on and off around it. */
    if (rc == 0)
        rc = cfg_map_duration(m, "purge_delay", 0, 0, &c->purge_delay_ns, err);
    if (rc == 0)
        rc = cfg_variants_build(m, &c->variants, err);
    return rc;
}

static int
wb_classes(const struct cfg_map *cat, struct cfg_workload *w,
           struct sim_err *err)
{
    struct cfg_items seq;
    int rc = cfg_map_items(cat, "classes", 1, &seq, err);
    if (rc != 0)
        return rc;
    size_t count = seq.count;
    w->classes = xcalloc(count, sizeof *w->classes);
    uint64_t next_id = 0;
    for (size_t k = 0; k < count; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "catalog.classes[%zu]", k);
        struct cfg_map m;
        rc = cfg_map_open(&m, cat->d, seq.item[k], field, err);
        if (rc != 0)
            return rc;
        struct cfg_class *c = &w->classes[w->n_classes++];
        rc = wb_class(&m, w, c, err);
        if (rc != 0)
            return rc;
        for (size_t j = 0; j < k; j++) {
            if (strcmp(w->classes[j].name, c->name) != 0)
                continue;
            char f[CFG_FIELD_MAX];
            cfg_map_field(&m, "name", f, sizeof f);
            return cfg_doc_err(cat->d, cfg_map_find(&m, "name"), -SIM_EDUP, f,
                               err,
                               "duplicate class name \"%s\": already "
                               "used by catalog.classes[%zu]",
                               c->name, j);
        }
        c->first_id = next_id;
        next_id += c->n_objects;
    }
    w->n_objects = next_id;
    w->change_interval_ns = 0; /* each class has its own */
    return 0;
}

static int
wb_churn(const struct cfg_map *cat, struct cfg_workload *w, struct sim_err *err)
{
    struct cfg_map m, sub;
    int is_present;
    int rc = cfg_map_submap(cat, "churn", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    struct cfg_churn *ch = &w->churn;
    ch->is_set = 1;
    rc = cfg_map_check_keys(&m, churn_keys, churn_required, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "publish_rate", 1, 0, 0, 1, CFG_RATE_MAX,
                            &ch->publish_rate, err);
    if (rc == 0)
        rc = cfg_map_submap(&m, "lifetime", 1, &sub, &is_present, err);
    if (rc == 0)
        rc = wb_qdist(&sub, 1, &ch->lifetime, err);
    if (rc == 0)
        rc = cfg_map_submap(&m, "requests_per_object", 1, &sub, &is_present,
                            err);
    if (rc == 0)
        rc = wb_qdist(&sub, 0, &ch->volume, err);
    if (rc == 0)
        rc = cfg_class_ref(&m, "class", w, &ch->class_idx, err);
    return rc;
}

static int
wb_locality(const struct cfg_map *cat, struct cfg_workload *w,
            struct sim_err *err)
{
    struct cfg_map m, regions;
    int is_present;
    int rc = cfg_map_submap(cat, "locality", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    rc = cfg_map_check_keys(&m, locality_keys, NULL, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "overlap", 0, 1, 0, 0, 1, &w->overlap, err);
    if (rc == 0)
        rc = cfg_map_submap(&m, "regions", 0, &regions, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    rc = cfg_map_check_keys(&regions, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(regions.d, regions.id);
    size_t count =
        (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    w->overlaps = xcalloc(count ? count : 1, sizeof *w->overlaps);
    for (size_t k = 0; k < count; k++) {
        const yaml_node_pair_t *p = &n->data.mapping.pairs.start[k];
        const char *name = cfg_doc_scalar(regions.d, p->key);
        struct cfg_overlap *o = &w->overlaps[w->n_overlaps++];
        o->region = xstrdup(name);
        o->mark = cfg_doc_mark(regions.d, p->key);
        char field[CFG_FIELD_MAX];
        cfg_map_field(&regions, name, field, sizeof field);
        o->field = xstrdup(field);
        rc = cfg_map_number(&regions, name, 1, 0, 0, 0, 1, &o->overlap, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * The simulated time the run lasts, estimated: the t at which the catalog's
 * mean rate and churn together have sent every request. Churn objects
 * published at rate p, each expected to get V requests spread as
 * exp(-age / L) / L, have sent p V (t - L (1 - exp(-t / L))) requests by
 * t: it starts cold and reaches p V per second after a few lifetimes.
 * Bisection: the total only grows with t.
 */
static double
run_seconds(const struct cfg_workload *w)
{
    const struct cfg_churn *ch = &w->churn;
    double n = (double)w->n_requests, p = ch->publish_rate;
    double v = ch->volume.mean, l = ch->lifetime.mean / 1e9;
    double lo = 0, hi = fmin(n / w->rate, n / (p * v) + l);
    for (int k = 0; k < 200 && hi > lo * (1 + 1e-9); k++) {
        double t = lo + (hi - lo) / 2;
        double sent = w->rate * t + p * v * (t - l * -expm1(-t / l));
        if (sent < n)
            lo = t;
        else
            hi = t;
    }
    return hi;
}

int
cfg_churn_check_run(const struct cfg_map *root, const struct cfg_workload *w,
                    struct sim_err *err)
{
    /* The generator publishes every object due before the next request
     * of churn: all of them stay in memory while they may be requested,
     * so what a run can publish is what it may have to hold. */
    double seconds = run_seconds(w);
    double published = w->churn.publish_rate * seconds;
    if (published <= CFG_CHURN_MAX_PUBLISHED)
        return 0;
    struct cfg_map cat, churn;
    int is_present;
    int rc = cfg_map_submap(root, "catalog", 1, &cat, &is_present, err);
    if (rc == 0)
        rc = cfg_map_submap(&cat, "churn", 1, &churn, &is_present, err);
    if (rc != 0)
        return rc;
    char what[320];
    snprintf(what, sizeof what,
             "a rate that publishes at most %g objects over the run (this "
             "one would publish about %.3g over the %.3g s of simulated "
             "time that %llu requests take)",
             CFG_CHURN_MAX_PUBLISHED, published, seconds,
             (unsigned long long)w->n_requests);
    return cfg_map_bad(&churn, "publish_rate",
                       cfg_map_find(&churn, "publish_rate"), what, err);
}

/* The catalog's keys (fewer with a trace or with classes) and, without
 * classes, its number of objects. */
static int
wb_catalog_keys(const struct cfg_map *m, struct cfg_workload *w, int is_trace,
                int has_classes, struct sim_err *err)
{
    int rc = cfg_map_check_keys(
        m, catalog_keys, is_trace || has_classes ? NULL : catalog_required,
        err);
    for (const char *const *k = trace_forbidden; is_trace && *k && rc == 0; k++)
        rc = cfg_map_forbid(m, *k,
                            "does not go with trace: the trace "
                            "gives the requests",
                            err);
    if (rc == 0 && has_classes)
        rc = cfg_map_forbid(m, "objects",
                            "does not go with classes: give "
                            "objects for each class",
                            err);
    if (rc == 0 && !has_classes)
        rc = cfg_map_count(m, "objects", !is_trace, 0, 1, &w->n_objects, err);
    if (rc == 0 && !has_classes && w->n_objects > ((uint64_t)1 << 40)) {
        rc = cfg_map_bad(m, "objects", cfg_map_find(m, "objects"),
                         "a whole number from 1 to 2^40", err);
    }
    return rc;
}

/* zipf_alpha, size and the freshness and error settings: the single
 * catalog's, or the defaults of every class. */
static int
wb_catalog_defaults(const struct cfg_map *m, struct cfg_workload *w,
                    int is_trace, int has_classes, struct sim_err *err)
{
    struct cfg_map size;
    int is_present;
    int rc = cfg_map_number(m, "zipf_alpha", !is_trace && !has_classes, 0, 0, 0,
                            INFINITY, &w->zipf_alpha, err);
    if (rc == 0)
        rc = cfg_map_submap(m, "size", 0, &size, &is_present, err);
    if (rc == 0 && is_present)
        rc = wb_size(&size, &w->size, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "ttl", 0, 0, &w->ttl_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "s_maxage", 0, 0, &w->s_maxage_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "stale_while_revalidate", 0, 0, &w->swr_ns,
                              err);
    if (rc == 0)
        rc = cfg_map_duration(m, "stale_if_error", 0, 0, &w->sie_ns, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "change_interval", 0, 0,
                              &w->change_interval_ns, err);
    if (rc == 0)
        rc = cfg_map_number(m, "uncacheable_share", 0, 0, 0, 0, 1,
                            &w->uncacheable_share, err);
    if (rc == 0)
        rc = cfg_map_number(m, "missing_share", 0, 0, 0, 0, 1,
                            &w->missing_share, err);
    if (rc == 0)
        rc = cfg_map_duration(m, "negative_ttl", 0, 10 * 1000000000LL,
                              &w->negative_ttl_ns, err);
    return rc;
}

/* A catalog without classes is its one class. Its change_interval is
 * applied at the origin (wl_catalog_version), as it always was. */
static int
wb_single_class(const struct cfg_map *m, struct cfg_workload *w,
                struct sim_err *err)
{
    w->classes = xcalloc(1, sizeof *w->classes);
    w->n_classes = 1;
    struct cfg_class *c = &w->classes[0];
    c->name = xstrdup("catalog");
    c->share = 1;
    c->n_objects = w->n_objects;
    c->zipf_alpha = w->zipf_alpha;
    cfg_size_copy(&c->size, &w->size);
    c->ttl_ns = w->ttl_ns;
    c->s_maxage_ns = w->s_maxage_ns;
    c->swr_ns = w->swr_ns;
    c->sie_ns = w->sie_ns;
    c->is_cacheable = 1;
    return cfg_variants_build(m, &c->variants, err);
}

int
cfg_catalog_build(const struct cfg_map *root, struct cfg_workload *w,
                  struct sim_err *err)
{
    struct cfg_map m;
    int is_present;
    int is_trace = w->trace.is_set;
    w->overlap = 1;
    int rc = cfg_map_submap(root, "catalog", !is_trace, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    int has_classes = cfg_map_find(&m, "classes") != 0;
    rc = wb_catalog_keys(&m, w, is_trace, has_classes, err);
    if (rc == 0)
        rc = wb_catalog_defaults(&m, w, is_trace, has_classes, err);
    if (rc == 0 && has_classes)
        rc = wb_classes(&m, w, err);
    if (rc == 0 && !has_classes && !is_trace)
        rc = wb_single_class(&m, w, err);
    for (const char *const *k =
             (const char *const[]){"vary", "tracking_params", NULL};
         has_classes && *k && rc == 0; k++)
        rc = cfg_map_forbid(&m, *k,
                            "does not go with classes: give it to "
                            "each class that varies",
                            err);
    w->has_explicit_classes = has_classes;
    if (rc == 0)
        rc = wb_churn(&m, w, err);
    if (rc == 0)
        rc = wb_locality(&m, w, err);
    return rc;
}

void
cfg_catalog_free(struct cfg_workload *w)
{
    for (size_t k = 0; k < w->n_classes; k++) {
        free(w->classes[k].name);
        cfg_size_fini(&w->classes[k].size);
        cfg_strings_free(w->classes[k].tags, w->classes[k].n_tags);
        cfg_variants_free(&w->classes[k].variants);
    }
    free(w->classes);
    for (size_t k = 0; k < w->n_overlaps; k++) {
        free(w->overlaps[k].region);
        free(w->overlaps[k].field);
    }
    free(w->overlaps);
    cfg_size_fini(&w->size);
}
