/* compute.c: an edge's compute: block, what it does to each content
 * class's responses.
 *
 *   - {name: edge-a, tier: edge, cache: {capacity: 1GiB}, parent: shield,
 *      compute: {
 *        html: {compress: {ratio: 0.25, cpu_ms: 2, accept: 0.9},
 *               function: {hit_ms: 0.5, miss_ms: 3}},
 *        images: {transform: {ratio: 0.4, cpu_ms: 30}}}}
 *
 * Keys are class names of the workload (catalog.classes, or "catalog"
 * for a catalog without classes); the topology is read before the
 * workload, so the model resolves them (sim/model/compute.c, which says
 * what each part does). Only edges compute: they are where clients are
 * answered.
 */
#include "config/topology_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Longest accepted CPU or function time, ms (1000 s): far beyond any
 * edge work, and small enough to stay exact in ns. */
#define COMPUTE_MS_MAX 1e6

static const char *const class_keys[] = {"compress", "transform", "function",
                                         NULL};
static const char *const compress_keys[] = {"ratio", "cpu_ms", "accept", NULL};
static const char *const transform_keys[] = {"ratio", "cpu_ms", NULL};
static const char *const function_keys[] = {"hit_ms", "miss_ms", NULL};
static const char *const ratio_required[] = {"ratio", NULL};

/* A time in ms >= 0 under key (0 when absent), in ns. */
static int
compute_ms(const struct cfg_map *m, const char *key, cfg_time_ns *out,
           struct sim_err *err)
{
    double ms = 0;
    int rc = cfg_map_number(m, key, 0, 0, 0, 0, COMPUTE_MS_MAX, &ms, err);
    if (rc == 0)
        *out = (cfg_time_ns)llround(ms * 1e6);
    return rc;
}

/* Opens part key of a class's mapping, checking its keys; *is_present
 * says whether it is there. */
static int
compute_part(const struct cfg_map *cl, const char *key,
             const char *const *allowed, const char *const *required,
             struct cfg_map *out, int *is_present, struct sim_err *err)
{
    int rc = cfg_map_submap(cl, key, 0, out, is_present, err);
    if (rc == 0 && *is_present)
        rc = cfg_map_check_keys(out, allowed, required, err);
    return rc;
}

/* One class's {compress, transform, function}; at least one. */
static int
compute_class(const struct cfg_map *cl, struct cfg_compute *cc,
              struct sim_err *err)
{
    struct cfg_map p;
    int rc = cfg_map_check_keys(cl, class_keys, NULL, err);
    if (rc == 0)
        rc = compute_part(cl, "compress", compress_keys, ratio_required, &p,
                          &cc->has_compress, err);
    if (rc == 0 && cc->has_compress) {
        rc = cfg_map_number(&p, "ratio", 1, 0, 0, 1, 1, &cc->compress_ratio,
                            err);
        if (rc == 0)
            rc = compute_ms(&p, "cpu_ms", &cc->compress_cpu_ns, err);
        if (rc == 0)
            rc = cfg_map_number(&p, "accept", 0, 1, 0, 0, 1, &cc->accept, err);
    }
    if (rc == 0)
        rc = compute_part(cl, "transform", transform_keys, ratio_required, &p,
                          &cc->has_transform, err);
    if (rc == 0 && cc->has_transform) {
        rc = cfg_map_number(&p, "ratio", 1, 0, 0, 1, 1, &cc->transform_ratio,
                            err);
        if (rc == 0)
            rc = compute_ms(&p, "cpu_ms", &cc->transform_cpu_ns, err);
    }
    if (rc == 0)
        rc = compute_part(cl, "function", function_keys, NULL, &p,
                          &cc->has_function, err);
    if (rc == 0 && cc->has_function) {
        rc = compute_ms(&p, "hit_ms", &cc->hit_ns, err);
        if (rc == 0)
            rc = compute_ms(&p, "miss_ms", &cc->miss_ns, err);
    }
    if (rc == 0 && !cc->has_compress && !cc->has_transform && !cc->has_function)
        rc = cfg_doc_err(cl->d, cl->id, -SIM_ENOKEY, cl->field, err,
                         "a class's compute needs compress, transform or "
                         "function");
    return rc;
}

int
topo_read_compute(struct topo_build *b, const struct cfg_map *m,
                  struct cfg_node *node, struct sim_err *err)
{
    if (node->tier != CFG_TIER_EDGE)
        return cfg_map_forbid(
            m, "compute", "is for edges only: they answer the clients", err);
    struct cfg_map cm;
    int is_present;
    int rc = cfg_map_submap(m, "compute", 0, &cm, &is_present, err);
    if (rc == 0 && is_present)
        rc = cfg_map_check_keys(&cm, NULL, NULL, err);
    if (rc != 0 || !is_present)
        return rc;
    const yaml_node_t *n = cfg_doc_node(cm.d, cm.id);
    size_t count =
        (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (count == 0)
        return cfg_doc_err(cm.d, cm.id, -SIM_EBADVAL, cm.field, err,
                           "compute needs at least one class, such as "
                           "{images: {transform: {ratio: 0.4}}}");
    node->compute = xcalloc(count, sizeof *node->compute);
    for (size_t k = 0; k < count; k++) {
        const yaml_node_pair_t *pair = &n->data.mapping.pairs.start[k];
        struct cfg_compute *cc = &node->compute[node->n_compute++];
        cc->class_name = xstrdup(cfg_doc_scalar(cm.d, pair->key));
        char field[CFG_FIELD_MAX];
        cfg_map_field(&cm, cc->class_name, field, sizeof field);
        cc->field = xstrdup(field);
        cc->mark = topo_mark(b, pair->key);
        struct cfg_map cl;
        rc = cfg_map_open(&cl, cm.d, pair->value, field, err);
        if (rc == 0)
            rc = compute_class(&cl, cc, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void
cfg_compute_free(struct cfg_node *node)
{
    for (size_t k = 0; k < node->n_compute; k++) {
        free(node->compute[k].class_name);
        free(node->compute[k].field);
    }
    free(node->compute);
    node->compute = NULL;
    node->n_compute = 0;
}
