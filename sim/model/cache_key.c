/* cache_key.c: cache keys made of an object, its variant and its query
 * string.
 *
 * A class with `vary:` has each request draw one value per dimension
 * (encoding, device, ...) by their shares, and one with
 * `tracking_params:` gives a share of requests a tracking parameter
 * (utm_source, gclid, ...) with one of many values. Caches key on all of
 * it, as they key on the URL and the Vary'd request headers (RFC 9111
 * 4.1): every variant and every tracking value is its own cache entry and
 * its own origin fetch, though the origin serves the same object. A node
 * whose cache_key ignores the query (or that parameter) drops it from the
 * key before its lookup and from the request it sends upstream, as a URL
 * normalisation at the edge does; the origin serves the object whatever
 * the key.
 *
 * The key packs the three into the 64-bit id the caches and in-flight
 * maps already use, so the request path is unchanged: bits 0-41 the
 * object, 42-55 the tracking value (0: none), 56-63 the combination of
 * variant values (0: the first value of every dimension, which is also
 * the key a push stores). Workloads without vary: and tracking_params:
 * never build any of this (c->keys is NULL): keys are object ids, no
 * random number is drawn, and no hook runs.
 *
 * Counting: a fragmentation miss is a miss (no copy under the request's
 * key, no fetch of it in flight) at a node that holds the same object
 * under another key: a hit a key without that variant or parameter would
 * have had, at least until the copy it would have replaced was evicted.
 * Each node keeps, per object, how many keys it holds (the store tells it
 * of every insertion and removal), which also gives the variants per
 * object it holds at the end of the run.
 */
#include "model/content.h"
#include "model/edge.h"
#include "model/model_int.h"

#include <stdlib.h>
#include <string.h>

/* The share of a class's n_values a uniform draw u falls in. */
static uint32_t
draw_value(const struct cfg_vary_dim *dim, double u)
{
    uint32_t k = 0;
    while (k + 1 < dim->n_values && u >= dim->cum[k])
        k++;
    return k;
}

/* The store added (added = 1) or removed key at node ctx (its held map). */
static void
count_key(void *ctx, uint64_t key, int added)
{
    struct idmap *held = ctx;
    uint64_t object = key & KEY_OBJECT_MASK;
    uint32_t n = idmap_get(held, object);
    if (added)
        idmap_put(held, object, n == IDMAP_EMPTY ? 1 : n + 1);
    else if (n == 1)
        idmap_del(held, object);
    else if (n != IDMAP_EMPTY)
        idmap_put(held, object, n - 1);
}

/* The largest object id the workload makes, plus one. */
static uint64_t
id_space(const struct cfg_workload *w)
{
    uint64_t end = 0;
    for (size_t k = 0; k < w->n_classes; k++) {
        const struct cfg_class *cl = &w->classes[k];
        if (cl->first_id + cl->n_objects > end)
            end = cl->first_id + cl->n_objects;
    }
    for (size_t k = 0; k < w->n_flash; k++)
        if (w->flash[k].first_id + w->flash[k].n_objects > end)
            end = w->flash[k].first_id + w->flash[k].n_objects;
    if (w->churn.is_set && w->churn.first_id + w->n_requests > end)
        end = w->churn.first_id + w->n_requests;
    return end;
}

/* Which classes' tracking parameter node ni's cache key leaves out. */
static void
strip_rules(struct cdn *c, uint32_t ni)
{
    const struct cfg_node *cn = &c->t->nodes[ni];
    const struct cfg_cache_key *k =
        cn->cache_key.is_set ? &cn->cache_key : &c->t->cache_key;
    struct key_rules *kr = c->keys;
    size_t nc = c->w->n_classes;
    for (size_t j = 0; j < nc; j++) {
        const struct cfg_variants *v = &c->w->classes[j].variants;
        int strips = v->tracking_share > 0 &&
                     cfg_cache_key_ignores(k, v->tracking_param);
        kr->strip[ni * nc + j] = (uint8_t)strips;
        kr->strips_any[ni] |= (uint8_t)strips;
    }
}

int
cache_key_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    int used = 0;
    for (size_t k = 0; k < w->n_classes; k++)
        used |= cfg_variants_used(&w->classes[k].variants);
    used |= compute_needs_keys(c); /* compressed copies are keys too */
    if (!used)
        return 0;
    if (id_space(w) > KEY_OBJECT_MASK)
        return sim_err_set(err, -SIM_EBADVAL, w->path, 0, 0, "catalog",
                           "vary:, tracking_params: and edge compress: or "
                           "transform: need object ids below 2^41; this "
                           "catalog's go up to %llu",
                           (unsigned long long)id_space(w));
    /* An attack's cache-busting ids lie above 2^62 (CFG_ATTACK_FIRST_ID):
     * they cannot be packed into a key. */
    if (w->n_attacks > 0)
        return sim_err_set(err, -SIM_EBADVAL, w->attacks[0].mark.file,
                           w->attacks[0].mark.line, w->attacks[0].mark.col,
                           "arrival.attacks[0]",
                           "arrival.attacks cannot be combined with "
                           "vary:, tracking_params: or an edge's "
                           "compress: or transform: (an attack's "
                           "cache-busting ids do not fit a cache key)");
    struct key_rules *kr = xcalloc(1, sizeof *kr);
    c->keys = kr;
    kr->rng = sim_rng_new(w->seed, SIM_RNG_ID(SIM_RNG_VARIANT, 0));
    kr->strip = xcalloc(c->n_nodes * w->n_classes, 1);
    kr->strips_any = xcalloc(c->n_nodes, 1);
    kr->held = xcalloc(c->n_nodes, sizeof *kr->held);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].cache == NULL)
            continue;
        idmap_init(&kr->held[i]);
        cache_observe_keys(c->nodes[i].cache, count_key, &kr->held[i]);
        strip_rules(c, i);
    }
    return 0;
}

void
cache_key_fini(struct cdn *c)
{
    struct key_rules *kr = c->keys;
    if (kr == NULL)
        return;
    /* c->nodes may be gone (cdn_free): the maps of nodes without a cache
     * are zeroed, which idmap_fini takes. */
    for (uint32_t i = 0; i < c->n_nodes; i++)
        idmap_fini(&kr->held[i]);
    free(kr->held);
    free(kr->strip);
    free(kr->strips_any);
    gsl_rng_free(kr->rng);
    free(kr);
    c->keys = NULL;
}

uint64_t
cache_key_draw(struct cdn *c, const struct wl_request *p)
{
    const struct cfg_variants *v = &c->w->classes[p->class_id].variants;
    SIM_ASSERT(p->object <= KEY_OBJECT_MASK);
    gsl_rng *rng = c->keys->rng;
    uint64_t combo = 0;
    for (size_t d = 0; d < v->n_dims; d++)
        combo = combo * v->dims[d].n_values +
                draw_value(&v->dims[d], sim_rng_uniform(rng));
    uint64_t tracking = 0;
    if (v->tracking_share > 0 && sim_rng_uniform(rng) < v->tracking_share)
        tracking = 1 + sim_rng_uniform_int(rng, v->tracking_values);
    return p->object | tracking << KEY_TRACKING_SHIFT |
           combo << KEY_COMBO_SHIFT;
}

/* The key request r is looked up under at caching node ni: without its
 * tracking parameter where ni's cache key ignores it. */
static uint64_t
key_at(const struct cdn *c, uint32_t ni, uint64_t key)
{
    const struct key_rules *kr = c->keys;
    if (!kr->strips_any[ni] || (key & KEY_TRACKING_MASK) == 0)
        return key;
    size_t cl = (size_t)(wl_gen_class_of(c->gen, key & KEY_OBJECT_MASK) -
                         c->w->classes);
    return kr->strip[ni * c->w->n_classes + cl] ? key & ~KEY_TRACKING_MASK
                                                : key;
}

void
cache_key_at_node(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    uint32_t ni = r->node;
    struct node *n = &c->nodes[ni];
    if (n->cache == NULL) {
        r->object &= KEY_OBJECT_MASK; /* the origin serves the object */
        r->hash = hash_key32(r->object);
        return;
    }
    uint64_t key = key_at(c, ni, r->object);
    if (key != r->object && r->explain)
        narrate(c, now, "  %s: its cache key leaves out the query string",
                node_name(c, ni));
    r->object = key;
    r->hash = hash_key32(key);
    if (!r->measured || r->bypass || cache_find(n->cache, key) != NULL ||
        idmap_get(&n->inflight, key) != IDMAP_EMPTY)
        return;
    if (idmap_get(&c->keys->held[ni], key & KEY_OBJECT_MASK) == IDMAP_EMPTY)
        return;
    c->m->nodes[ni].c.fragment_misses++;
    if (r->explain)
        narrate(c, now,
                "  %s holds object %llu under another key: a "
                "fragmentation miss",
                node_name(c, ni), (unsigned long long)(key & KEY_OBJECT_MASK));
}

void
cache_key_end(struct cdn *c)
{
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        if (c->nodes[i].cache == NULL)
            continue;
        c->m->nodes[i].c.cached_keys = cache_n_objects(c->nodes[i].cache);
        c->m->nodes[i].c.cached_objects = c->keys->held[i].n;
    }
}
