/* placement.c: where a node keeps copies of what passes through it
 * (a node's `placement`):
 *
 *   - {name: edge-a, tier: edge, cache: {capacity: 1GiB}, parent: shield,
 *      placement: lcd}
 *   - {name: shield, tier: shield, cache: {capacity: 4GiB}, parent: origin,
 *      placement: {mode: probabilistic, probability: 0.25}}
 *
 * everywhere (the default) stores every body that comes down; lcd (leave
 * copy down) only a body its parent answered from its own copy or as the
 * origin; probabilistic stores a body with the given probability;
 * exclusive keeps no copy of what it hands to a child that stores it.
 * A tier's nodes may share one: placement: {edge: lcd} at the top of the
 * topology applies to every edge without its own. The model
 * (sim/model/placement.c) says exactly what each mode does.
 */
#include "config/config_int.h"

#include <string.h>

static const char *const placement_names[] = {
    [CFG_PLACE_EVERYWHERE] = "everywhere",
    [CFG_PLACE_LCD] = "lcd",
    [CFG_PLACE_EXCLUSIVE] = "exclusive",
    [CFG_PLACE_PROBABILISTIC] = "probabilistic",
};
static const char *const placement_keys[] = {"mode", "probability", NULL};
static const char *const placement_required[] = {"mode", NULL};

#define PLACEMENT_WHAT                                                         \
    "a placement: everywhere, lcd, exclusive or probabilistic (with a "        \
    "probability: {mode: probabilistic, probability: P})"

const char *
cfg_placement_name(enum cfg_placement p)
{
    return placement_names[p];
}

/* The mode named by value id of key in m, into *out. */
static int
pl_mode(const struct cfg_map *m, const char *key, int id,
        enum cfg_placement *out, struct sim_err *err)
{
    const char *text = cfg_doc_scalar(m->d, id);
    for (size_t k = 0; text != NULL && k < CFG_N_PLACEMENTS; k++)
        if (strcmp(text, placement_names[k]) == 0) {
            *out = (enum cfg_placement)k;
            return 0;
        }
    return cfg_map_bad(m, key, id, PLACEMENT_WHAT, err);
}

/* The mapping form, key of m: {mode, probability}. */
static int
pl_mapping(const struct cfg_map *owner, const char *key, struct cfg_node *n,
           struct sim_err *err)
{
    struct cfg_map m;
    int present;
    int rc = cfg_map_submap(owner, key, 0, &m, &present, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, placement_keys, placement_required, err);
    if (rc == 0)
        rc = pl_mode(&m, "mode", cfg_map_find(&m, "mode"), &n->placement, err);
    if (rc != 0)
        return rc;
    int p_id = cfg_map_find(&m, "probability");
    if (n->placement != CFG_PLACE_PROBABILISTIC) {
        if (p_id == 0)
            return 0;
        char field[CFG_FIELD_MAX];
        cfg_map_field(&m, "probability", field, sizeof field);
        return cfg_doc_err(m.d, cfg_map_key_id(&m, "probability"), -SIM_EBADKEY,
                           field, err,
                           "probability belongs to mode probabilistic, not "
                           "%s",
                           placement_names[n->placement]);
    }
    if (p_id == 0)
        return cfg_map_missing(&m, "probability", err);
    /* p = 0 would store nothing at all: a cache that never fills. */
    return cfg_map_number(&m, "probability", 1, 0, 0, 1, 1,
                          &n->placement_probability, err);
}

/* The placement given as key of m (a mode, or the mapping form). */
static int
pl_spec(const struct cfg_map *m, const char *key, struct cfg_node *n,
        struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    const yaml_node_t *v = cfg_doc_node(m->d, id);
    if (v->type == YAML_MAPPING_NODE)
        return pl_mapping(m, key, n, err);
    int rc = pl_mode(m, key, id, &n->placement, err);
    if (rc == 0 && n->placement == CFG_PLACE_PROBABILISTIC)
        return cfg_map_bad(m, key, id,
                           "a probability with probabilistic placement: "
                           "{mode: probabilistic, probability: P}",
                           err);
    return rc;
}

int
cfg_placement_build(const struct cfg_doc *d, int root, const struct cfg_map *m,
                    struct cfg_node *n, struct sim_err *err)
{
    static const char *const tier_keys[] = {"edge", "shield", NULL};
    n->placement = CFG_PLACE_EVERYWHERE;
    n->placement_probability = 1;
    if (cfg_map_find(m, "placement") != 0)
        return pl_spec(m, "placement", n, err);
    /* The topology's placement: {edge: ..., shield: ...}, per tier. */
    struct cfg_map top, tiers;
    int present;
    int rc = cfg_map_open(&top, d, root, "", err);
    if (rc == 0)
        rc = cfg_map_submap(&top, "placement", 0, &tiers, &present, err);
    if (rc != 0 || !present)
        return rc;
    rc = cfg_map_check_keys(&tiers, tier_keys, NULL, err);
    const char *tier = cfg_tier_name(n->tier);
    if (rc != 0 || cfg_map_find(&tiers, tier) == 0)
        return rc;
    return pl_spec(&tiers, tier, n, err);
}
