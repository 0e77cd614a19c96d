/* content.c: what the workload's events do to the content of caches:
 * purges (hard or soft; of everything, of named objects, or by tag, class
 * or prefix), pushes (an off-peak fill), and purge_on_change, which is
 * evaluated lazily at lookup instead of one event per change.
 */
#include "model/content.h"
#include "model/edge.h"
#include "model/model_int.h"
#include "model/observers.h"

#include <stdlib.h>

/* Resolves each push's target nodes: caching nodes of the topology. */
int
content_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    c->push_nodes =
        xcalloc(w->n_events ? w->n_events : 1, sizeof *c->push_nodes);
    int rc = compute_init(c, err);
    if (rc != 0)
        return rc;
    if (c->is_no_cdn) /* its events are never scheduled (run.c) */
        return cache_key_init(c, err);
    for (size_t k = 0; k < w->n_events; k++) {
        const struct cfg_event *e = &w->events[k];
        if (e->kind != CFG_EVENT_PUSH)
            continue;
        c->push_nodes[k] = xcalloc(e->n_to, sizeof *c->push_nodes[k]);
        for (size_t j = 0; j < e->n_to; j++) {
            int i = cfg_node_index(c->t, e->to[j]);
            if (i < 0 || !c->t->nodes[i].has_cache) {
                char *field = xasprintf("%s.to[%zu]", e->field, j);
                sim_err_set(err, -SIM_ENOENT, e->to_marks[j].file,
                            e->to_marks[j].line, e->to_marks[j].col, field,
                            "%s\"%s\" is not a caching node of topology "
                            "\"%s\"",
                            i < 0 ? "" : "the origin ", e->to[j], c->t->name);
                free(field);
                return -SIM_ENOENT;
            }
            c->push_nodes[k][j] = i;
        }
    }
    rc = purge_order_init(c, err);
    return rc != 0 ? rc : cache_key_init(c, err);
}

void
content_fini(struct cdn *c)
{
    for (size_t k = 0; c->push_nodes && c->w && k < c->w->n_events; k++)
        free(c->push_nodes[k]);
    free(c->push_nodes);
    purge_order_fini(c);
    cache_key_fini(c);
    compute_fini(c);
}

/*
 * purge_on_change, evaluated lazily: has the origin purged copy o (of a
 * class whose objects the origin purges when they change) by `now`? It
 * has if the object changed after o's content was made and the purge has
 * had its delay to arrive: o's version is behind the version of
 * now - delay (class versions only rise). The result is the one purging
 * at each change would give, except that a purged copy holds its cache
 * space until it is next asked for, and a copy fetched between a change
 * and its purge's arrival survives the purge (it has the new content).
 */
int
purged_since_stored(const struct cdn *c, const struct cache_obj *o, int64_t now)
{
    uint64_t object = key_object(c, o->key);
    const struct cfg_class *cl = wl_gen_class_of(c->gen, object);
    if (o->is_negative || now < cl->purge_delay_ns)
        return 0;
    uint32_t then =
        wl_gen_object_version(c->gen, object, now - cl->purge_delay_ns);
    uint32_t behind = (then - (uint32_t)o->version) & CACHE_VERSION_MASK;
    return behind != 0 && behind < CACHE_VERSION_MASK / 2;
}

struct purge_ctx {
    const struct cdn *c;
    size_t event;
    int64_t now;
    uint64_t n;
    uint64_t *ids; /* hard purge by selector: the ids to remove */
    size_t n_ids, cap_ids;
};

static void
mark_stale(struct cache_obj *o, void *ctx)
{
    struct purge_ctx *p = ctx;
    if (o->expires_at > p->now)
        o->expires_at = p->now;
    p->n++;
}

/* A purge by tag, class or prefix, at one cached object: a soft purge
 * marks it at once; a hard one collects it (the store may not change
 * while it is walked). */
static void
purge_selected(struct cache_obj *o, void *ctx)
{
    struct purge_ctx *p = ctx;
    if (!purge_event_selects(p->c, p->event, key_object(p->c, o->key)))
        return;
    if (p->c->w->events[p->event].is_soft) {
        mark_stale(o, p);
        return;
    }
    p->ids = xgrow(p->ids, &p->cap_ids, p->n_ids + 1, sizeof *p->ids, 256);
    p->ids[p->n_ids++] = o->key;
}

/* A hard purge removes copy o from node ni. */
static void
purge_remove(struct cdn *c, uint32_t ni, struct cache_obj *o)
{
    miss_cause_invalidated(c, ni, o->key);
    cache_remove(c->nodes[ni].cache, o);
}

/* Purges what the event selects among every copy node ni holds. */
static void
purge_each_selected(struct cdn *c, uint32_t ni, struct purge_ctx *p)
{
    struct cache_store *cs = c->nodes[ni].cache;
    cache_each(cs, purge_selected, p);
    for (size_t j = 0; j < p->n_ids; j++)
        purge_remove(c, ni, cache_find(cs, p->ids[j])), p->n++;
    free(p->ids);
}

/*
 * Purge event k reaches node ni's store (c->nodes[ni].cache; a PoP's
 * servers have several, which pop_purge points it at in turn), and
 * returns the copies it purged: a hard purge deletes, a soft one marks
 * the copies stale so that the next request revalidates them (and gets a
 * 304 if the object did not change). A fetch already in flight still
 * stores what it brings. A purge by tag, class or prefix looks at every
 * object the node holds (as a CDN's surrogate-key index would find them).
 */
uint64_t
purge_store(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    const struct cfg_event *e = &c->w->events[k];
    struct cache_store *cs = c->nodes[ni].cache;
    struct purge_ctx p = {.c = c, .event = k, .now = now};
    switch (e->purge_by) {
    case CFG_PURGE_ALL:
        if (e->is_soft)
            cache_each(cs, mark_stale, &p);
        else
            for (struct cache_obj *o; (o = cache_victim(cs)) != NULL; p.n++)
                purge_remove(c, ni, o);
        break;
    case CFG_PURGE_OBJECTS:
        if (c->keys != NULL || c->w->chunk_bits != 0) {
            /* every key (or chunk) of each object */
            purge_each_selected(c, ni, &p);
            break;
        }
        for (size_t j = 0; j < e->n_objects; j++) {
            struct cache_obj *o = cache_find(cs, e->objects[j]);
            if (o == NULL)
                continue;
            if (e->is_soft)
                mark_stale(o, &p);
            else
                purge_remove(c, ni, o), p.n++;
        }
        break;
    case CFG_PURGE_TAG:
    case CFG_PURGE_CLASS:
    case CFG_PURGE_PREFIX:
        purge_each_selected(c, ni, &p);
        break;
    }
    return p.n;
}

void
node_purge(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    /* A PoP's servers each have two stores (pop.c). */
    uint64_t n = c->pops != NULL && c->pops[ni] != NULL
                     ? pop_purge(c, ni, k, now)
                     : purge_store(c, ni, k, now);
    observe_purge(c, ni, k, n, now);
}

/* One object a push sends. */
struct push_item {
    uint64_t id;
    uint64_t size;
    int is_sent; /* stored when it arrived */
};

/* Pushes one object into a node's cache; returns whether it was stored
 * (not when the node already held it fresh, or did not admit it). */
static int
push_object(struct cdn *c, struct cache_store *cs, uint64_t id, uint64_t size,
            int64_t now)
{
    struct cache_obj *o = cache_find(cs, id);
    if (o != NULL && o->expires_at > now)
        return 0;
    int64_t ttl = wl_gen_object_ttl(c->gen, id);
    o = cache_insert(cs, id, size, ttl ? now + ttl : CACHE_NEVER);
    if (o == NULL)
        return 0;
    uint32_t v = wl_gen_object_version(c->gen, id, now);
    o->version = v != WL_NO_VERSION ? v & CACHE_VERSION_MASK
                                    : origin_version(c, id, now);
    return 1;
}

/* Adds object id to the push list if it fits in what is left of the
 * node's capacity (*room); a copy held fresh stays and takes its room. */
static void
push_select(struct cdn *c, struct cache_store *cs, uint64_t id, int64_t now,
            uint64_t *room, struct push_item **items, size_t *cap_items,
            size_t *n_items)
{
    const struct cache_obj *o = cache_find(cs, id);
    int is_held = o != NULL && o->expires_at > now;
    uint64_t size = is_held ? o->size : wl_gen_object_size(c->gen, id);
    if (size > *room)
        return;
    *room -= size;
    if (is_held)
        return;
    *items = xgrow(*items, cap_items, *n_items + 1, sizeof **items, 64);
    (*items)[(*n_items)++] = (struct push_item){.id = id, .size = size};
}

/* push_select for object id, or for each of its chunks when the
 * workload asks for it in chunks (chunk_size): clients find those. */
static void
push_select_object(struct cdn *c, struct cache_store *cs, uint64_t id,
                   int64_t now, uint64_t *room, struct push_item **items,
                   size_t *cap_items, size_t *n_items)
{
    uint64_t n = c->w->chunk_bits != 0 ? wl_gen_n_chunks(c->gen, id) : 0;
    if (n == 0) {
        push_select(c, cs, id, now, room, items, cap_items, n_items);
        return;
    }
    for (uint64_t i = 0; i<n && * room> 0; i++)
        push_select(c, cs, wl_gen_chunk_id(c->gen, id, i), now, room, items,
                    cap_items, n_items);
}

/*
 * Push event k fills node ni with the `top` most popular objects (or the
 * objects it names), as an off-peak fill does: each is stored fresh (a
 * new TTL) unless the node already holds it fresh. A fill is planned to
 * fit the node: objects are taken most popular first (or in the order
 * named) while they fit in its capacity, the fresh copies it holds
 * counted, so that the push does not evict what it has just sent. What
 * the origin sent counts as its bytes out (origin.bytes, its time series,
 * origin.pushed_bytes); what is still stored when the push is done counts
 * as the node's pushed_bytes, never more than its capacity (a policy may
 * still evict some of the push, e.g. S3-FIFO's small queue).
 */
void
node_push(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    const struct cfg_event *e = &c->w->events[k];
    struct cache_store *cs = c->nodes[ni].cache;
    uint64_t n = c->w->classes[0].n_objects; /* pushes rank the first class */
    uint64_t top = e->top < n ? e->top : n;
    /* A push may name 2^40 objects: the list grows with what fits, the
     * walk ends when nothing more can, and a stop ends it early. */
    struct push_item *items = NULL;
    size_t n_items = 0, cap_items = 0;
    uint64_t room = cache_capacity_bytes(cs);
    for (uint64_t rank = 1; rank <= top && room > 0; rank++) {
        if ((rank & 0xffff) == 0 && c->stop != NULL && *c->stop)
            break;
        push_select_object(c, cs, wl_gen_object_at_rank(c->gen, rank), now,
                           &room, &items, &cap_items, &n_items);
    }
    for (size_t j = 0; e->top == 0 && j < e->n_objects; j++)
        push_select_object(c, cs, e->objects[j], now, &room, &items, &cap_items,
                           &n_items);
    /* Least popular (or last named) first, so that the most popular (the
     * first named) end up most recent. */
    uint64_t sent = 0, stored = 0;
    for (size_t j = n_items; j-- > 0;) {
        items[j].is_sent = push_object(c, cs, items[j].id, items[j].size, now);
        if (items[j].is_sent) {
            sent += items[j].size;
            miss_cause_stored(c, ni, items[j].id);
        }
    }
    for (size_t j = 0; j < n_items; j++) {
        const struct cache_obj *o =
            items[j].is_sent ? cache_find(cs, items[j].id) : NULL;
        if (o != NULL)
            stored += items[j].size;
    }
    free(items);
    observe_push(c, ni, k, sent, stored, now);
}
