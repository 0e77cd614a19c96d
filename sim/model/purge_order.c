/* purge_order.c: staged (cascading) and targeted purges, and the copies
 * a purged node refills from a parent the purge has not reached yet.
 *
 * A purge event with `order: [edge, shield]` and `step: 2s` reaches the
 * edges at at + propagation and the shields 2 s later; one with
 * `order: [edge-fra]` purges that node alone. Between the two stages a
 * purged edge that misses fetches the object from a shield that still
 * holds the copy the purge was meant to remove, and stores it again: a
 * stale refill (refilled_stale). Purging the parents first (shield, then
 * edge) leaves no such window, which is why a CDN purges from the origin
 * side outwards; the lesson in docs/tutorial.md measures it.
 *
 * Every purge's arrival time at each node is computed once here
 * (c->purge_reach); the run schedules its events from it. Files without
 * order: get at + propagation for every caching node, as before, and the
 * refill check is never called (c->has_staged_purges is 0).
 */
#include "model/content.h"
#include "model/model_int.h"

#include <stdlib.h>
#include <string.h>

#define REACH_NEVER (-1)

/* The error for order item j of event e: why (a phrase that follows
 * the quoted name) says what is wrong with it. */
static int
order_error(const struct cdn *c, const struct cfg_event *e, size_t j, int code,
            const char *why, struct sim_err *err)
{
    char *field = xasprintf("%s.order[%zu]", e->field, j);
    const struct cfg_mark *mk = &e->order_marks[j];
    sim_err_set(err, code, mk->file, mk->line, mk->col, field,
                "\"%s\" %s (topology \"%s\")", e->order[j], why, c->t->name);
    free(field);
    return code;
}

/* Sets reach[i] for the nodes order item j of e names (a tier, or one
 * caching node), reached at `at`. */
static int
resolve_item(const struct cdn *c, const struct cfg_event *e, size_t j,
             int64_t at, int64_t *reach, struct sim_err *err)
{
    const struct cfg_topology *t = c->t;
    const char *name = e->order[j];
    int is_tier = strcmp(name, cfg_tier_name(CFG_TIER_EDGE)) == 0 ||
                  strcmp(name, cfg_tier_name(CFG_TIER_SHIELD)) == 0;
    int found = 0;
    for (size_t i = 0; i < t->n_nodes; i++) {
        const struct cfg_node *n = &t->nodes[i];
        int named = is_tier ? strcmp(cfg_tier_name(n->tier), name) == 0
                            : strcmp(n->name, name) == 0;
        if (!named)
            continue;
        if (!n->has_cache)
            return order_error(c, e, j, -SIM_EBADVAL,
                               "is an origin: it holds no copies to purge",
                               err);
        if (reach[i] != REACH_NEVER)
            return order_error(c, e, j, -SIM_EBADVAL,
                               "names a node an earlier item of order: "
                               "already names (each node is purged once)",
                               err);
        reach[i] = at;
        found = 1;
    }
    if (!found)
        return order_error(c, e, j, -SIM_ENOENT,
                           is_tier ? "is a tier without nodes"
                                   : "is neither a tier (edge, shield) nor "
                                     "a node",
                           err);
    return 0;
}

/* When purge event k reaches each node: c->purge_reach[k][i], or
 * REACH_NEVER for nodes it does not target (and origins). */
static int
reach_of_event(struct cdn *c, size_t k, struct sim_err *err)
{
    const struct cfg_event *e = &c->w->events[k];
    int64_t *reach = xcalloc(c->n_nodes, sizeof *reach);
    c->purge_reach[k] = reach;
    int64_t first = add_sat(e->at, e->propagation_ns);
    for (uint32_t i = 0; i < c->n_nodes; i++)
        reach[i] =
            e->n_order == 0 && c->t->nodes[i].has_cache ? first : REACH_NEVER;
    int64_t at = first;
    for (size_t j = 0; j < e->n_order; j++) {
        int rc = resolve_item(c, e, j, at, reach, err);
        if (rc != 0)
            return rc;
        at = add_sat(at, e->step_ns);
    }
    if (e->n_order > 0)
        c->has_staged_purges = 1;
    return 0;
}

int
purge_order_init(struct cdn *c, struct sim_err *err)
{
    size_t n = c->w->n_events;
    c->purge_reach = xcalloc(n ? n : 1, sizeof *c->purge_reach);
    for (size_t k = 0; k < n; k++) {
        if (c->w->events[k].kind != CFG_EVENT_PURGE)
            continue;
        int rc = reach_of_event(c, k, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void
purge_order_fini(struct cdn *c)
{
    for (size_t k = 0; c->purge_reach && c->w && k < c->w->n_events; k++)
        free(c->purge_reach[k]);
    free(c->purge_reach);
    c->purge_reach = NULL;
}

void
purge_order_schedule(struct cdn *c, size_t k)
{
    for (uint32_t i = 0; i < c->n_nodes; i++)
        if (c->purge_reach[k][i] != REACH_NEVER)
            sim_queue_push(&c->q, c->purge_reach[k][i], EV_PURGE, i, k);
}

int
purge_event_selects(const struct cdn *c, size_t k, uint64_t object)
{
    const struct cfg_event *e = &c->w->events[k];
    switch (e->purge_by) {
    case CFG_PURGE_ALL:
        return 1;
    case CFG_PURGE_OBJECTS:
        object = wl_chunk_parent(c->w, object); /* its chunks go too */
        for (size_t j = 0; j < e->n_objects; j++)
            if (e->objects[j] == object)
                return 1;
        return 0;
    default:
        return wl_gen_purge_selects(c->gen, k, object);
    }
}

/* Did the origin serve (or revalidate) the copy r carries at or after
 * `at`? A copy with a TTL expires at the origin's answer + ttl, so its
 * answer's time is known; the origin then had the content the purge was
 * for. A copy that never expires cannot tell, and counts as older. */
static int
served_after(const struct req *r, int64_t at)
{
    return r->ttl_ns > 0 && r->expires_at != CACHE_NEVER &&
           r->expires_at - r->ttl_ns >= at;
}

/*
 * Node r->node answers the fetch r (from a child node) with its cached
 * copy at `now`. The child stores a stale copy when a purge of the object
 * has reached the child but not this node: its copy is one the purge was
 * meant to remove, unless the origin served that copy after the purge
 * was issued. Counted at the child (refilled_stale), once per fetch,
 * whatever number of purges it misses.
 */
void
purge_order_check_refill(struct cdn *c, const struct req *r, int64_t now)
{
    uint32_t child = c->reqs[r->child].node;
    for (size_t k = 0; k < c->w->n_events; k++) {
        const int64_t *reach = c->purge_reach[k];
        if (reach == NULL || c->w->events[k].n_order == 0)
            continue;
        int child_purged = reach[child] != REACH_NEVER && reach[child] <= now;
        int parent_purged =
            reach[r->node] != REACH_NEVER && reach[r->node] <= now;
        if (!child_purged || parent_purged ||
            served_after(r, c->w->events[k].at) ||
            !purge_event_selects(c, k, key_object(c, r->object)))
            continue;
        if (r->measured)
            c->m->nodes[child].c.refilled_stale++;
        if (r->explain)
            narrate(c, now,
                    "  %s: events[%zu] has not reached it yet: "
                    "%s, already purged, gets the old copy back "
                    "(refilled_stale)",
                    node_name(c, r->node), k, node_name(c, child));
        return;
    }
}
