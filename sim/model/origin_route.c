/* origin_route.c: the topology's origin_routes in the model: which origin
 * a fetch leaving a node whose parent is an origin goes to, the links
 * to the origins other than the parent, and what each origin served.
 *
 * A route matches a request by the object's class (the workload's), by
 * its object id in a range, by both, or always; the first that matches
 * decides. A split picks among its origins by a hash of the object id
 * (not of the cache key: every variant of an object goes to the same
 * origin, as a path-based rule at a real CDN sends it), so an object
 * always reaches the same origin and the share of objects each origin
 * gets is its weight's, within binomial noise. Without the key
 * c->oroutes is NULL: fetch_upstream and link_to pay one pointer test.
 */
#include "model/model_int.h"

#include <stdlib.h>
#include <string.h>

#include "model/origin_route.h"
#include "util/hash.h"

/* Salt of the split's hash, so that it is independent of the other
 * hashes of an object id (tables, scrambling). */
#define ORIGIN_SPLIT_SALT 0x6f726967696e73ULL

struct origin_routes {
    const struct cfg_origin_route *routes;
    size_t n_routes;
    int *route_class;       /* [route]: index into w->classes, or -1 */
    int has_class;          /* some route matches by class */
    double *cum;            /* [cum_at[route] + k]: cumulative share of the
                               route's first k + 1 origins, the last 1 */
    size_t *cum_at;         /* [route] */
    uint32_t *links_at;     /* [node]: its first routed link, or REQ_NIL */
    struct link *links;     /* [t->n_origin_links], the config's order */
    uint32_t *ordinal;      /* [node]: index into met_run.origins, or
                               REQ_NIL for a node that is not an origin */
    struct idmap *objects;  /* [ordinal]: objects an origin served */
    int64_t *second;        /* [ordinal]: current 1 s window and */
    uint64_t *second_count; /* its count, for peak_rps */
    size_t n_origins;
};

/* Resolves each route's class among the workload's. */
static int
resolve_classes(struct cdn *c, struct origin_routes *o, struct sim_err *err)
{
    for (size_t r = 0; r < o->n_routes; r++) {
        const struct cfg_origin_route *cr = &o->routes[r];
        o->route_class[r] = -1;
        if (cr->class_name == NULL)
            continue;
        o->has_class = 1;
        size_t n =
            c->w != NULL && c->w->has_explicit_classes ? c->w->n_classes : 0;
        for (size_t k = 0; k < n; k++)
            if (strcmp(c->w->classes[k].name, cr->class_name) == 0)
                o->route_class[r] = (int)k;
        if (o->route_class[r] >= 0 || c->w == NULL)
            continue;
        char names[256] = "";
        for (size_t k = 0, len = 0; k < n && len + 40 < sizeof names; k++)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
                                    len ? ", " : "", c->w->classes[k].name);
        return sim_err_set(err, -SIM_ENOENT, cr->class_mark.file,
                           cr->class_mark.line, cr->class_mark.col,
                           cr->class_field,
                           "the workload has no class \"%s\" (%s)",
                           cr->class_name, n ? names : "it names no classes");
    }
    return 0;
}

/* The links routes add, by node (the config keeps them sorted). */
static void
links_init(struct cdn *c, struct origin_routes *o)
{
    const struct cfg_topology *t = c->t;
    o->links_at = xmalloc(c->n_nodes * sizeof *o->links_at);
    for (uint32_t i = 0; i < c->n_nodes; i++)
        o->links_at[i] = REQ_NIL;
    o->links =
        xcalloc(t->n_origin_links ? t->n_origin_links : 1, sizeof *o->links);
    for (size_t k = t->n_origin_links; k-- > 0;) {
        const struct cfg_origin_link *cl = &t->origin_links[k];
        struct link *l = &o->links[k];
        l->up_ns = cl->rtt_ns / 2;
        l->down_ns = cl->rtt_ns - cl->rtt_ns / 2;
        l->down_bps = cl->bps;
        l->shared = -1; /* the config refuses a capacity here */
        l->hop = -1;    /* hop_init gives one to a mapping */
        o->links_at[cl->node] = (uint32_t)k;
    }
}

/* The split's cumulative shares, and each origin's record. */
static void
shares_init(struct cdn *c, struct origin_routes *o)
{
    size_t total = 0;
    o->cum_at = xmalloc(o->n_routes * sizeof *o->cum_at);
    for (size_t r = 0; r < o->n_routes; r++) {
        o->cum_at[r] = total;
        total += o->routes[r].n_to;
    }
    o->cum = xmalloc(total * sizeof *o->cum);
    for (size_t r = 0; r < o->n_routes; r++) {
        const struct cfg_origin_route *cr = &o->routes[r];
        double sum = 0, run = 0;
        for (size_t k = 0; k < cr->n_to; k++)
            sum += cr->to[k].weight;
        for (size_t k = 0; k < cr->n_to; k++) {
            run += cr->to[k].weight;
            o->cum[o->cum_at[r] + k] = k + 1 == cr->n_to ? 1.0 : run / sum;
        }
    }
    o->ordinal = xmalloc(c->n_nodes * sizeof *o->ordinal);
    for (uint32_t i = 0; i < c->n_nodes; i++)
        o->ordinal[i] = c->t->nodes[i].tier == CFG_TIER_ORIGIN
                            ? (uint32_t)o->n_origins++
                            : REQ_NIL;
    o->objects = xcalloc(o->n_origins, sizeof *o->objects);
    for (size_t k = 0; k < o->n_origins; k++)
        idmap_init(&o->objects[k]);
    o->second = xcalloc(o->n_origins, sizeof *o->second);
    o->second_count = xcalloc(o->n_origins, sizeof *o->second_count);
}

int
origin_route_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_topology *t = c->t;
    if (t->n_origin_routes == 0)
        return 0;
    struct origin_routes *o = xcalloc(1, sizeof *o);
    c->oroutes = o;
    o->routes = t->origin_routes;
    o->n_routes = t->n_origin_routes;
    o->route_class = xcalloc(o->n_routes, sizeof *o->route_class);
    links_init(c, o);
    shares_init(c, o);
    return resolve_classes(c, o, err);
}

void
origin_route_fini(struct cdn *c)
{
    struct origin_routes *o = c->oroutes;
    if (o == NULL)
        return;
    for (size_t k = 0; k < o->n_origins; k++)
        idmap_fini(&o->objects[k]);
    free(o->objects);
    free(o->second);
    free(o->second_count);
    free(o->ordinal);
    free(o->cum);
    free(o->cum_at);
    free(o->links);
    free(o->links_at);
    free(o->route_class);
    free(o);
    c->oroutes = NULL;
}

struct link *
origin_route_links(struct cdn *c, size_t *n)
{
    *n = c->oroutes != NULL ? c->t->n_origin_links : 0;
    return c->oroutes != NULL ? c->oroutes->links : NULL;
}

const struct link *
origin_route_link(const struct cdn *c, uint32_t i, uint32_t up)
{
    const struct origin_routes *o = c->oroutes;
    const struct cfg_topology *t = c->t;
    for (size_t k = o->links_at[i];
         k < t->n_origin_links && t->origin_links[k].node == (int)i; k++)
        if (t->origin_links[k].origin == (int)up)
            return &o->links[k];
    SIM_ASSERT(!"a fetch went to an origin its node has no link to");
    return &c->nodes[i].to_parent;
}

/* Does route r match object (its class, its id)? */
static int
route_matches(const struct cdn *c, size_t r, uint64_t object)
{
    const struct origin_routes *o = c->oroutes;
    const struct cfg_origin_route *cr = &o->routes[r];
    if (cr->has_objects && (object < cr->objects_lo || object > cr->objects_hi))
        return 0;
    if (cr->class_name == NULL)
        return 1;
    const struct cfg_class *k =
        c->gen != NULL ? wl_gen_class_of(c->gen, object) : NULL;
    return k != NULL && (int)(k - c->w->classes) == o->route_class[r];
}

uint32_t
origin_route_pick(const struct cdn *c, uint32_t dflt, uint64_t object)
{
    const struct origin_routes *o = c->oroutes;
    for (size_t r = 0; r < o->n_routes; r++) {
        if (!route_matches(c, r, object))
            continue;
        const struct cfg_origin_route *cr = &o->routes[r];
        if (cr->n_to == 1)
            return (uint32_t)cr->to[0].node;
        /* The top 53 bits of a 64-bit mix: uniform in [0, 1). */
        double u =
            (double)(hash_mix64(object ^ ORIGIN_SPLIT_SALT) >> 11) * 0x1p-53;
        const double *cum = &o->cum[o->cum_at[r]];
        size_t k = 0;
        while (k + 1 < cr->n_to && u >= cum[k])
            k++;
        return (uint32_t)cr->to[k].node;
    }
    return dflt;
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) uint32_t
origin_route_upstream(const struct cdn *c, uint32_t i, uint64_t object,
                      int64_t now)
{
    const struct node *n = &c->nodes[i];
    if (n->parent == REQ_NIL || c->nodes[n->parent].cache != NULL)
        return route_upstream(c, i, now);
    uint32_t o = origin_route_pick(c, n->parent, key_object(c, object));
    if (n->backup != REQ_NIL && node_seems_down(c, o, now) &&
        !node_seems_down(c, n->backup, now))
        return n->backup;
    return o;
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
origin_route_start_run(struct cdn *c, struct met_run *m)
{
    struct origin_routes *o = c->oroutes;
    if (o == NULL)
        return;
    m->origins = xcalloc(o->n_origins, sizeof *m->origins);
    m->n_origins = o->n_origins;
    for (uint32_t i = 0; i < c->n_nodes; i++)
        if (o->ordinal[i] != REQ_NIL)
            m->origins[o->ordinal[i]].name = c->t->nodes[i].name;
}

void
origin_route_count(struct cdn *c, const struct req *r, uint64_t size,
                   int64_t now)
{
    struct origin_routes *o = c->oroutes;
    uint32_t k = o->ordinal[r->node];
    struct met_origin *mo = &c->m->origins[k];
    int64_t second = (now - c->measured_start) / SIM_S;
    if (second != o->second[k]) {
        if (o->second_count[k] > mo->peak_rps)
            mo->peak_rps = o->second_count[k];
        o->second[k] = second;
        o->second_count[k] = 0;
    }
    o->second_count[k]++;
    mo->requests++;
    mo->bytes += size;
    uint64_t object = key_object(c, r->object);
    if (idmap_get(&o->objects[k], object) == IDMAP_EMPTY) {
        idmap_put(&o->objects[k], object, 1);
        mo->objects++;
    }
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
origin_route_end(struct cdn *c)
{
    struct origin_routes *o = c->oroutes;
    for (size_t k = 0; o != NULL && k < o->n_origins; k++)
        if (o->second_count[k] > c->m->origins[k].peak_rps)
            c->m->origins[k].peak_rps = o->second_count[k];
}
