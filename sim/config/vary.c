/* vary.c: cache keys: what a class's responses vary by, the tracking
 * parameters its URLs carry, and what a node's cache key leaves out.
 *
 *   catalog:                        # or each of catalog.classes
 *     vary:                         # one variant per dimension per request
 *       encoding: {br: 0.6, gzip: 0.3, identity: 0.1}
 *       device: {mobile: 0.7, desktop: 0.3}
 *     tracking_params: 0.3          # or {share: 0.3, param: gclid,
 *                                   #     values: 1000}
 *
 *   cache_key: {ignore_query: true} # topology-wide, or on a node; or
 *                                   # ignore_query: [utm_source, gclid]
 *
 * The model turns them into cache keys (sim/model/cache_key.c).
 */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define VARY_COMBOS_MAX 256
#define TRACKING_VALUES_MAX 16383

static const char *const tracking_keys[] = {"share", "param", "values", NULL};
static const char *const tracking_required[] = {"share", NULL};
static const char *const cache_key_keys[] = {"ignore_query", NULL};

/* One dimension: {value: share, ..}, shares > 0, normalised. */
static int
vary_dim(const struct cfg_map *vary, const yaml_node_pair_t *pair,
         struct cfg_vary_dim *dim, struct sim_err *err)
{
    const char *name = cfg_doc_scalar(vary->d, pair->key);
    char field[CFG_FIELD_MAX];
    cfg_map_field(vary, name, field, sizeof field);
    dim->name = xstrdup(name);
    struct cfg_map m;
    int rc = cfg_map_open(&m, vary->d, pair->value, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m.d, m.id);
    size_t count =
        (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (count == 0)
        return cfg_doc_err(m.d, m.id, -SIM_EBADVAL, field, err,
                           "a dimension needs at least one value with its "
                           "share, such as {br: 0.6, gzip: 0.4}");
    dim->values = xcalloc(count, sizeof *dim->values);
    dim->cum = xcalloc(count, sizeof *dim->cum);
    double sum = 0;
    for (size_t k = 0; k < count; k++) {
        const char *value =
            cfg_doc_scalar(m.d, n->data.mapping.pairs.start[k].key);
        dim->values[dim->n_values++] = xstrdup(value);
        double share;
        rc = cfg_map_number(&m, value, 1, 0, 0, 1, CFG_WEIGHT_MAX, &share, err);
        if (rc != 0)
            return rc;
        sum += share;
        dim->cum[k] = sum;
    }
    for (size_t k = 0; k < count; k++)
        dim->cum[k] /= sum;
    dim->cum[count - 1] = 1.0;
    return 0;
}

/* vary: {dimension: {value: share, ..}, ..}. */
static int
vary_dims(const struct cfg_map *m, struct cfg_variants *v, struct sim_err *err)
{
    struct cfg_map vary;
    int is_present;
    int rc = cfg_map_submap(m, "vary", 0, &vary, &is_present, err);
    if (rc == 0 && is_present)
        rc = cfg_map_check_keys(&vary, NULL, NULL, err);
    v->n_combos = 1;
    if (rc != 0 || !is_present)
        return rc;
    const yaml_node_t *n = cfg_doc_node(vary.d, vary.id);
    size_t count =
        (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    v->dims = xcalloc(count ? count : 1, sizeof *v->dims);
    for (size_t k = 0; k < count; k++) {
        struct cfg_vary_dim *dim = &v->dims[v->n_dims++];
        rc = vary_dim(&vary, &n->data.mapping.pairs.start[k], dim, err);
        if (rc != 0)
            return rc;
        uint64_t combos = (uint64_t)v->n_combos * dim->n_values;
        if (combos > VARY_COMBOS_MAX)
            return cfg_doc_err(vary.d, n->data.mapping.pairs.start[k].value,
                               -SIM_EBADVAL, vary.field, err,
                               "the dimensions make %llu combinations of "
                               "values; at most %d",
                               (unsigned long long)combos, VARY_COMBOS_MAX);
        v->n_combos = (uint32_t)combos;
    }
    return 0;
}

/* tracking_params: SHARE or {share: S, param: NAME, values: N}. */
static int
tracking(const struct cfg_map *m, struct cfg_variants *v, struct sim_err *err)
{
    v->tracking_values = TRACKING_VALUES_MAX;
    int id = cfg_map_find(m, "tracking_params");
    const yaml_node_t *n = id ? cfg_doc_node(m->d, id) : NULL;
    int rc = 0;
    char *param = NULL;
    if (n != NULL && n->type == YAML_MAPPING_NODE) {
        struct cfg_map t;
        int is_present;
        uint64_t values = TRACKING_VALUES_MAX;
        rc = cfg_map_submap(m, "tracking_params", 0, &t, &is_present, err);
        if (rc == 0)
            rc = cfg_map_check_keys(&t, tracking_keys, tracking_required, err);
        if (rc == 0)
            rc = cfg_map_number(&t, "share", 1, 0, 0, 0, 1, &v->tracking_share,
                                err);
        if (rc == 0)
            rc = cfg_map_name(&t, "param", 0, &param, err);
        if (rc == 0)
            rc = cfg_map_count(&t, "values", 0, TRACKING_VALUES_MAX, 1, &values,
                               err);
        if (rc == 0 && values > TRACKING_VALUES_MAX)
            rc = cfg_map_bad(&t, "values", cfg_map_find(&t, "values"),
                             "a whole number from 1 to 16383", err);
        v->tracking_values = (uint32_t)values;
    } else {
        rc = cfg_map_number(m, "tracking_params", 0, 0, 0, 0, 1,
                            &v->tracking_share, err);
    }
    v->tracking_param = param != NULL ? param : xstrdup("utm_source");
    return rc;
}

int
cfg_variants_build(const struct cfg_map *m, struct cfg_variants *v,
                   struct sim_err *err)
{
    int rc = vary_dims(m, v, err);
    if (rc == 0)
        rc = tracking(m, v, err);
    return rc;
}

void
cfg_variants_free(struct cfg_variants *v)
{
    for (size_t k = 0; k < v->n_dims; k++) {
        free(v->dims[k].name);
        cfg_strings_free(v->dims[k].values, v->dims[k].n_values);
        free(v->dims[k].cum);
    }
    free(v->dims);
    free(v->tracking_param);
    memset(v, 0, sizeof *v);
}

int
cfg_variants_used(const struct cfg_variants *v)
{
    return v->n_dims > 0 || v->tracking_share > 0;
}

int
cfg_cache_key_build(const struct cfg_map *m, struct cfg_cache_key *k,
                    struct sim_err *err)
{
    struct cfg_map ck;
    int is_present;
    int rc = cfg_map_submap(m, "cache_key", 0, &ck, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    rc = cfg_map_check_keys(&ck, cache_key_keys, NULL, err);
    if (rc != 0)
        return rc;
    k->is_set = 1;
    int id = cfg_map_find(&ck, "ignore_query");
    const yaml_node_t *n = id ? cfg_doc_node(ck.d, id) : NULL;
    if (n != NULL && n->type == YAML_SEQUENCE_NODE)
        return cfg_map_strings(&ck, "ignore_query",
                               "true, false or a list of query parameters",
                               &k->ignored, &k->n_ignored, err);
    return cfg_map_bool(&ck, "ignore_query", 0, &k->ignore_all_query, err);
}

void
cfg_cache_key_free(struct cfg_cache_key *k)
{
    cfg_strings_free(k->ignored, k->n_ignored);
    memset(k, 0, sizeof *k);
}

int
cfg_cache_key_ignores(const struct cfg_cache_key *k, const char *param)
{
    if (k->ignore_all_query)
        return 1;
    for (size_t j = 0; j < k->n_ignored; j++)
        if (strcmp(k->ignored[j], param) == 0)
            return 1;
    return 0;
}
