/* origin_routes.c: the topology's origin_routes, which pick the origin a
 * miss goes to by its class or object id, and split it over several
 * origins by a hash of the object:
 *
 *   origin_routes:
 *     - {class: video, origin: origin-media}
 *     - {objects: [0, 9999], split: {origin-a: 3, origin-b: 1}}
 *     - {origin: origin-a}            # neither: every request
 *
 * The first route that matches a request decides; a request none matches
 * goes to its node's parent, as without the key. Routes apply where a
 * fetch leaves for an origin: at every node whose parent is an origin,
 * which needs a latency_ms entry to every origin a route names. Class
 * names are the workload's, resolved when the run is built
 * (model/origin_route.c).
 */
#include "config/topology_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const route_keys[] = {"class", "objects", "origin", "split",
                                         NULL};

/* objects: [lo, hi], whole numbers, lo <= hi. */
static int
route_objects(const struct cfg_map *m, struct cfg_origin_route *o,
              struct sim_err *err)
{
    int id = cfg_map_find(m, "objects");
    if (id == 0)
        return 0;
    const char *what = "a range [first, last] of object ids (whole numbers, "
                       "first <= last)";
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    if (n->type != YAML_SEQUENCE_NODE ||
        n->data.sequence.items.top - n->data.sequence.items.start != 2)
        return cfg_map_bad(m, "objects", id, what, err);
    uint64_t v[2];
    for (int k = 0; k < 2; k++) {
        int item = n->data.sequence.items.start[k];
        const char *text = cfg_doc_scalar(m->d, item);
        if (text == NULL || parse_u64(text, &v[k]) != 0)
            return cfg_map_bad(m, "objects", item, what, err);
    }
    if (v[0] > v[1])
        return cfg_map_bad(m, "objects", id, what, err);
    o->has_objects = 1;
    o->objects_lo = v[0];
    o->objects_hi = v[1];
    return 0;
}

/* The origin a route names at value id (field for the message). */
static int
route_origin(const struct topo_build *b, int id, const char *field, int *out,
             struct sim_err *err)
{
    const char *name = cfg_doc_scalar(b->d, id);
    size_t idx;
    if (name == NULL || topo_lookup(b, name, &idx) != 2 ||
        b->t->nodes[idx].tier != CFG_TIER_ORIGIN) {
        char names[NAMES_MAX] = "";
        for (size_t i = 0, n = 0; i < b->t->n_nodes && n + 64 < sizeof names;
             i++)
            if (b->t->nodes[i].tier == CFG_TIER_ORIGIN)
                n += (size_t)snprintf(names + n, sizeof names - n, "%s%s",
                                      n ? ", " : "", b->t->nodes[i].name);
        char got[64];
        cfg_doc_describe(b->d, id, got, sizeof got);
        return cfg_doc_err(b->d, id, -SIM_EBADVAL, field, err,
                           "expected the name of an origin (%s), got %s", names,
                           got);
    }
    *out = (int)idx;
    return 0;
}

/* origin: NAME or split: {NAME: weight, ...}, exactly one. */
static int
route_targets(const struct topo_build *b, const struct cfg_map *m,
              struct cfg_origin_route *o, struct sim_err *err)
{
    int origin_id = cfg_map_find(m, "origin");
    int split_id = cfg_map_find(m, "split");
    char field[CFG_FIELD_MAX];
    if ((origin_id != 0) == (split_id != 0)) {
        if (origin_id == 0)
            return cfg_map_missing(m, "origin", err);
        return cfg_map_forbid(m, "split",
                              "goes with no origin: (one or the "
                              "other)",
                              err);
    }
    if (origin_id != 0) {
        o->to = xcalloc(1, sizeof *o->to);
        o->n_to = 1;
        o->to[0].weight = 1;
        cfg_map_field(m, "origin", field, sizeof field);
        return route_origin(b, origin_id, field, &o->to[0].node, err);
    }
    struct cfg_map split;
    cfg_map_field(m, "split", field, sizeof field);
    int rc = cfg_map_open(&split, m->d, split_id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&split, NULL, NULL, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, split_id);
    size_t count =
        (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    if (count == 0)
        return cfg_doc_err(m->d, split_id, -SIM_EBADVAL, field, err,
                           "expected at least one origin and its weight");
    o->to = xcalloc(count, sizeof *o->to);
    for (size_t k = 0; k < count; k++) {
        const yaml_node_pair_t *p = &n->data.mapping.pairs.start[k];
        const char *name = cfg_doc_scalar(m->d, p->key);
        char sub[CFG_FIELD_MAX];
        cfg_map_field(&split, name, sub, sizeof sub);
        rc = route_origin(b, p->key, sub, &o->to[k].node, err);
        if (rc == 0)
            rc = cfg_map_number(&split, name, 1, 0, 0, 1, 1e9, &o->to[k].weight,
                                err);
        if (rc != 0)
            return rc;
        o->n_to++;
    }
    return 0;
}

/* origin_routes[i]. */
static int
route_parse(const struct topo_build *b, const struct cfg_map *m,
            struct cfg_origin_route *o, struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, route_keys, NULL, err);
    if (rc == 0)
        rc = cfg_map_name(m, "class", 0, &o->class_name, err);
    if (rc == 0 && o->class_name != NULL) {
        o->class_mark = topo_mark(b, cfg_map_find(m, "class"));
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, "class", field, sizeof field);
        o->class_field = xstrdup(field);
    }
    if (rc == 0)
        rc = route_objects(m, o, err);
    if (rc == 0)
        rc = route_targets(b, m, o, err);
    return rc;
}

/* The link from node i to origin o, which a route may send it to. */
static int
route_link(struct topo_build *b, size_t i, int o, int name_id,
           const char *field, struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    const struct cfg_node *n = &t->nodes[i];
    if (o == n->parent || o == n->backup_parent)
        return 0; /* the node's own links */
    for (size_t k = 0; k < t->n_origin_links; k++)
        if (t->origin_links[k].node == (int)i && t->origin_links[k].origin == o)
            return 0;
    uint64_t key = topo_link_key(0, i, (size_t)o);
    cfg_time_ns rtt = topo_link_value(b, key, LINK_RTT);
    if (rtt < 0)
        return cfg_doc_err(b->d, name_id, -SIM_ENOKEY, field, err,
                           "no latency_ms entry between %s and %s (%s's "
                           "parent is an origin, so routes apply there)",
                           n->name, t->nodes[o].name, n->name);
    if (topo_link_value(b, key, LINK_CAP) >= 0)
        return cfg_doc_err(b->d, name_id, -SIM_EBADVAL, field, err,
                           "the link between %s and %s has a "
                           "link_capacity_mbps, which a routed origin link "
                           "does not take (give it a bandwidth_mbps)",
                           n->name, t->nodes[o].name);
    t->origin_links = xrealloc(t->origin_links, (t->n_origin_links + 1) *
                                                    sizeof *t->origin_links);
    t->origin_links[t->n_origin_links++] = (struct cfg_origin_link){
        .node = (int)i,
        .origin = o,
        .rtt_ns = rtt,
        .bps = topo_link_value(b, key, LINK_BPS),
        .rtt_model = topo_link_model(b, key),
    };
    return 0;
}

static int
origin_link_cmp(const void *a, const void *b)
{
    const struct cfg_origin_link *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (x->origin > y->origin) - (x->origin < y->origin);
}

/* Every node whose parent is an origin gets a link to every origin a
 * route names. */
static int
routes_links(struct topo_build *b, const struct cfg_items *items,
             struct sim_err *err)
{
    struct cfg_topology *t = b->t;
    for (size_t i = 0; i < t->n_nodes; i++) {
        int p = t->nodes[i].parent;
        if (p < 0 || t->nodes[p].tier != CFG_TIER_ORIGIN)
            continue;
        for (size_t r = 0; r < t->n_origin_routes; r++) {
            const struct cfg_origin_route *o = &t->origin_routes[r];
            int map = items->item[r];
            int one = cfg_doc_lookup(b->d, map, "origin", NULL);
            int split = cfg_doc_lookup(b->d, map, "split", NULL);
            for (size_t k = 0; k < o->n_to; k++) {
                int name_id = one ? one
                                  : cfg_doc_node(b->d, split)
                                        ->data.mapping.pairs.start[k]
                                        .key;
                char field[CFG_FIELD_MAX];
                snprintf(field, sizeof field, "origin_routes[%zu].%s", r,
                         one ? "origin" : "split");
                int rc = route_link(b, i, o->to[k].node, name_id, field, err);
                if (rc != 0)
                    return rc;
            }
        }
    }
    if (t->n_origin_links > 1)
        qsort(t->origin_links, t->n_origin_links, sizeof *t->origin_links,
              origin_link_cmp);
    return 0;
}

int
topo_read_origin_routes(struct topo_build *b, const struct cfg_map *root,
                        struct sim_err *err)
{
    struct cfg_items items;
    int rc = cfg_map_items(root, "origin_routes", 0, &items, err);
    if (rc != 0 || items.id == 0)
        return rc;
    struct cfg_topology *t = b->t;
    if (items.count == 0)
        return cfg_doc_err(b->d, items.id, -SIM_EBADVAL, "origin_routes", err,
                           "expected at least one route");
    t->origin_routes = xcalloc(items.count, sizeof *t->origin_routes);
    int catch_all = -1; /* the first route that matches every request */
    for (size_t r = 0; r < items.count; r++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "origin_routes[%zu]", r);
        if (catch_all >= 0)
            return cfg_doc_err(b->d, items.item[r], -SIM_EBADVAL, field, err,
                               "never used: origin_routes[%d] before it "
                               "matches every request",
                               catch_all);
        struct cfg_map m;
        rc = cfg_map_open(&m, b->d, items.item[r], field, err);
        struct cfg_origin_route *o = &t->origin_routes[t->n_origin_routes++];
        if (rc == 0)
            rc = route_parse(b, &m, o, err);
        if (rc != 0)
            return rc;
        if (o->class_name == NULL && !o->has_objects)
            catch_all = (int)r;
    }
    return routes_links(b, &items, err);
}

void
cfg_origin_routes_free(struct cfg_topology *t)
{
    for (size_t r = 0; r < t->n_origin_routes; r++) {
        free(t->origin_routes[r].class_name);
        free(t->origin_routes[r].class_field);
        free(t->origin_routes[r].to);
    }
    free(t->origin_routes);
    free(t->origin_links);
    t->origin_routes = NULL;
    t->origin_links = NULL;
    t->n_origin_routes = t->n_origin_links = 0;
}

cfg_time_ns
cfg_origin_routed_rtt(const struct cfg_topology *t, size_t node)
{
    cfg_time_ns most = -1;
    for (size_t k = 0; k < t->n_origin_links; k++)
        if (t->origin_links[k].node == (int)node &&
            t->origin_links[k].rtt_ns > most)
            most = t->origin_links[k].rtt_ns;
    return most;
}
