/* request.c: the request lifecycle at a node.
 *
 * A request that reaches a node (after its queue, service.c) is looked up
 * once; the lookup's outcome (enum lookup) picks one small handler: the
 * origin serves, a fresh copy is a hit, a stale one under
 * stale-while-revalidate is served while one refresh goes up, a request
 * for an object already being fetched waits for that fetch (coalescing:
 * the node's in-flight map, object -> leading request), and a miss or an
 * expiry sends one fetch upstream. The answer to a fetch is classified the
 * same way (enum answer): stored, a 304 that validates the held copy, an
 * error (or the stale copy instead, stale-if-error), and then answers the
 * leading request and every waiter at once. The observers (observe.c)
 * count and narrate each outcome.
 *
 * Freshness follows HTTP's Age rule in its simplest form: a response
 * carries the absolute time its content expires (origin fetch time +
 * ttl), and every cache that stores it keeps that expiry, so a copy
 * fetched from a shield is no fresher than the shield's.
 */
#include "model/content.h"
#include "model/edge.h"
#include "model/faults.h"
#include "model/model_int.h"
#include "model/observers.h"
#include "model/origin_route.h"
#include "model/transfer.h"

/* Client request s is answered at its edge: its own round trip and the
 * body's time on its link come on top. Returns 1 when the body went onto
 * a shared last mile, which answers the client and frees s when it has
 * crossed (shared_done); else 0. */
static int
answer_client(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    int64_t last_mile = 0;
    if (!r->failed) {
        const struct cfg_region_link *l = region_link_to(c, r->region, r->node);
        if (l->capacity_bps > 0) {
            shared_send(c, c->region_shared[l - c->region_links], now, s,
                        XFER_CLIENT | s);
            return 1;
        }
        last_mile = (l->rtt_model ? hop_last_mile(c, l) : l->rtt_ns) +
                    transfer_ns(r->size, l->bps);
    }
    observe_client(c, r, last_mile, now);
    return 0;
}

/* s's answer goes down to the child request it fetched for. */
static void
answer_child(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    struct req *child = &c->reqs[r->child];
    child->expires_at = r->expires_at;
    child->failed = r->failed;
    child->version = r->version;
    child->not_modified = r->not_modified;
    child->negative = r->negative;
    child->via_origin = r->via_origin;
    if (r->failed) /* a waiting request's code is CODE_NONE */
        child->code = r->code;
    uint32_t child_node = child->node;
    const struct link *lk = link_to(c, child_node, r->node);
    int has_body = !r->failed && !r->not_modified; /* not an error or 304 */
    /* The child's node decides whether it stores the body (this may
     * remove r's node's own copy, exclusive). */
    if (c->placement != NULL && has_body)
        placement_hand_down(c, s, now);
    cache_prefetch_hashed(c->nodes[child_node].cache,
                          r->hash); /* its fill will look it up */
    if (has_body && lk->shared >= 0) {
        /* A shared link: the body reaches the child down_ns after it has
         * crossed (shared_done). */
        shared_send(c, lk->shared, now, s, r->child);
        return;
    }
    int64_t at =
        now + (lk->hop < 0 ? lk->down_ns : hop_down_ns(c, lk->hop, s, now));
    if (has_body)
        at += transfer_ns(r->size, lk->down_bps);
    if (r->explain)
        explain_send(c, r, child_node, at, now);
    if ((!has_body || lk->down_bps < 0) && lk->hop < 0)
        sim_queue_push_channel(&c->q, lk->down_channel, at, EV_RESP_AT,
                               child_node, r->child);
    else /* times depend on sizes: not monotone, so not a channel */
        sim_queue_push(&c->q, at, EV_RESP_AT, child_node, r->child);
}

/* The node of request s sends its response downstream and s is done. */
static void
respond(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    if (r->background) {
        /* A refresh nobody waits for: the copy is updated, that is all. */
        req_release(c, s);
        return;
    }
    if (r->compute_pending && compute_respond(c, s, now))
        return; /* its edge function is running (EV_FUNCTION_DONE) */
    observe_response(c, r, now);
    if (r->child == REQ_NIL) {
        if (answer_client(c, s, now))
            return; /* on a shared last mile: s lives until it crosses */
    } else {
        answer_child(c, s, now);
    }
    req_release(c, s);
}

void
node_respond(struct cdn *c, uint32_t s, int64_t now)
{
    respond(c, s, now);
}

/*
 * Sends one fetch up from node ni on behalf of leading request s, which is
 * now in ni's in-flight map. cond is the version ni holds (a conditional
 * request that may come back as a 304) or NO_VERSION; why names it for
 * --explain.
 */
static void
fetch_upstream(struct cdn *c, uint32_t s, int64_t now, uint32_t cond,
               const char *why)
{
    uint32_t ni = c->reqs[s].node;
    uint32_t target =
        c->oroutes == NULL
            ? route_upstream(c, ni, now)
            : origin_route_upstream(c, ni, c->reqs[s].object, now);
    const struct link *lk = link_to(c, ni, target);
    uint32_t u = req_alloc(c); /* may move c->reqs */
    struct req *up = &c->reqs[u];
    *up = c->reqs[s];
    up->node = target;
    up->child = s;
    up->next = REQ_NIL;
    up->cond = cond;
    up->background = 0;
    if (up->compute_pending) /* the origin's object, not s's copy */
        compute_upstream(c, up, s);
    if (c->overload != NULL && !c->reqs[s].background)
        up_deadline_arm(c, s, now); /* may grow c->up_deadline only */
    int64_t up_ns = lk->hop < 0 ? lk->up_ns : hop_up_ns(c, lk->hop, u, now);
    if (up_ns == HOP_WAITS) { /* hop.c sends it when a connection frees */
        if (up->explain)
            narrate(c, now,
                    "  %s: %s: every pooled connection to %s is busy: "
                    "the fetch waits",
                    node_name(c, ni), why, node_name(c, target));
        return;
    }
    up->t_arrive = now + up_ns;
    if (up->explain)
        explain_fetch(c, up, ni, why, now);
    if (c->nodes[target].cache != NULL)
        cache_prefetch_hashed(c->nodes[target].cache, up->hash);
    if (lk->hop < 0)
        sim_queue_push_channel(&c->q, lk->up_channel, up->t_arrive, EV_REQ_AT,
                               target, u);
    else /* drawn delays are not monotone: not a channel */
        sim_queue_push(&c->q, up->t_arrive, EV_REQ_AT, target, u);
}

/*
 * What node r->node has for request r at `now`. *copy is the copy it
 * holds (NULL: none, or one purge_on_change has purged, which the lookup
 * removes); *leader, for a copy that is not fresh, the request leading a
 * fetch of the object, or IDMAP_EMPTY, and *slot where the in-flight map's
 * probe for it stopped (for start_fetch's idmap_put_at).
 */
static inline enum lookup
lookup(struct cdn *c, struct req *r, int64_t now, struct cache_obj **copy,
       uint32_t *leader, uint32_t *slot)
{
    struct node *n = &c->nodes[r->node];
    if (n->cache == NULL)
        return LOOKUP_ORIGIN;
    if (r->bypass)
        return LOOKUP_BYPASS;
    struct cache_obj *o = cache_find_hashed(n->cache, r->object, r->hash);
    if (o != NULL && r->purged_on_change && purged_since_stored(c, o, now)) {
        observe_purged_copy(c, r, now);
        miss_cause_invalidated(c, r->node, r->object);
        cache_remove(n->cache, o);
        o = NULL;
    }
    *copy = o;
    if (o != NULL && o->expires_at > now)
        return LOOKUP_HIT;
    *leader = idmap_get_slot(&n->inflight, r->object, r->hash, slot);
    if (o != NULL && r->swr_ns > 0 && now < add_sat(o->expires_at, r->swr_ns))
        return *leader == IDMAP_EMPTY ? LOOKUP_STALE_REFRESH : LOOKUP_STALE;
    if (*leader != IDMAP_EMPTY)
        return LOOKUP_COALESCED;
    return o != NULL ? LOOKUP_EXPIRED : LOOKUP_MISS;
}

/* LOOKUP_ORIGIN: an origin has everything; what it serves starts a new
 * TTL, and a conditional request for the current version gets a 304. */
static void
serve_origin(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    r->negative = (uint8_t)wl_is_missing(c->w, r->object);
    if (r->negative) /* 404s are cached for their own TTL */
        r->expires_at = now + c->w->negative_ttl_ns;
    else
        r->expires_at = r->ttl_ns ? now + r->ttl_ns : CACHE_NEVER;
    r->version = r->asked != WL_NO_VERSION ? r->asked & CACHE_VERSION_MASK
                                           : origin_version(c, r->object, now);
    /* A 404 carries no validator: it is never answered with a 304. */
    r->not_modified = !r->negative && r->cond == r->version;
    r->via_origin = 1;
    observe_lookup(c, r, LOOKUP_ORIGIN, now);
    respond(c, s, now);
}

/* LOOKUP_HIT: answered from the fresh copy o. */
static void
serve_hit(struct cdn *c, uint32_t s, struct cache_obj *o, int64_t now)
{
    struct req *r = &c->reqs[s];
    cache_hit(c->nodes[r->node].cache, o);
    r->expires_at = o->expires_at;
    r->version = o->version;
    int negative = o->is_negative;
    /* The flags together: one read-modify-write of their bytes. */
    r->negative = (uint8_t)negative;
    r->via_origin = 0;
    r->not_modified = !negative && r->cond == o->version;
    observe_lookup(c, r, LOOKUP_HIT, now);
    if (c->has_staged_purges && r->child != REQ_NIL)
        purge_order_check_refill(c, r, now);
    if (c->pops != NULL && pop_hit(c, s, o, now))
        return; /* answered after its tier's latency (pop.c) */
    respond(c, s, now);
}

/*
 * LOOKUP_STALE and LOOKUP_STALE_REFRESH: stale-while-revalidate (RFC
 * 5861): answer with the stale copy o at once; the first such request also
 * starts one background refresh, and while it is on its way later ones
 * are served stale too.
 */
static void
serve_stale(struct cdn *c, uint32_t s, struct cache_obj *o, enum lookup k,
            int64_t now)
{
    struct req *r = &c->reqs[s];
    struct node *n = &c->nodes[r->node];
    uint32_t held = o->version;
    observe_lookup(c, r, k, now);
    r->expires_at = o->expires_at;
    r->version = held;
    r->not_modified = r->cond == held;
    r->negative = o->is_negative;
    r->via_origin = 0;
    if (k == LOOKUP_STALE) {
        respond(c, s, now);
        return;
    }
    uint32_t b = req_alloc(c); /* may move c->reqs */
    r = &c->reqs[s];
    struct req *bg = &c->reqs[b];
    *bg = *r; /* what goes up (ttl_ns, asked) is r's own */
    bg->child = REQ_NIL;
    bg->next = REQ_NIL;
    bg->background = 1;
    bg->explain = 0;
    if (bg->compute_pending)
        compute_copy(c, b, s);
    respond(c, s, now);
    idmap_put(&n->inflight, c->reqs[b].object, b);
    fetch_upstream(c, b, now, held, "refresh");
}

/* LOOKUP_COALESCED: wait for the fetch leader leads (a LIFO chain; all
 * waiters are answered at the same instant, so order changes nothing). */
static void
join_fetch(struct cdn *c, uint32_t s, uint32_t leader, int64_t now)
{
    struct req *r = &c->reqs[s];
    observe_lookup(c, r, LOOKUP_COALESCED, now);
    r->next = c->reqs[leader].next;
    c->reqs[leader].next = s;
}

/* LOOKUP_MISS, LOOKUP_EXPIRED and LOOKUP_BYPASS: one fetch upstream; s
 * leads it (a bypass is in no in-flight map: it coalesces nothing). An
 * expired copy o is revalidated. slot is where lookup's probe of the
 * in-flight map stopped, which nothing has changed since. */
static void
start_fetch(struct cdn *c, uint32_t s, const struct cache_obj *o, enum lookup k,
            uint32_t slot, int64_t now)
{
    struct req *r = &c->reqs[s];
    observe_lookup(c, r, k, now);
    r->next = REQ_NIL;
    if (k == LOOKUP_BYPASS) {
        fetch_upstream(c, s, now, NO_VERSION, "BYPASS");
        return;
    }
    idmap_put_at(&c->nodes[r->node].inflight, slot, r->object, s);
    fetch_upstream(c, s, now, o != NULL ? o->version : NO_VERSION,
                   o != NULL ? "EXPIRED" : "MISS");
}

/* Request s has reached its node: answer it, join a fetch, or fetch. */
void
node_request(struct cdn *c, uint32_t s, int64_t now)
{
    struct cache_obj *o = NULL;
    uint32_t leader = IDMAP_EMPTY, slot = 0;
    if (c->compute != NULL) /* edge compute (compute.c) */
        compute_at_node(c, s, now);
    if (c->keys != NULL) /* variants or query strings (cache_key.c) */
        cache_key_at_node(c, s, now);
    if (c->pops != NULL) /* the key's cache server and tier (pop.c) */
        pop_select(c, s, now);
    enum lookup k = lookup(c, &c->reqs[s], now, &o, &leader, &slot);
    switch (k) {
    case LOOKUP_ORIGIN:
        serve_origin(c, s, now);
        break;
    case LOOKUP_HIT:
        serve_hit(c, s, o, now);
        break;
    case LOOKUP_STALE:
    case LOOKUP_STALE_REFRESH:
        serve_stale(c, s, o, k, now);
        break;
    case LOOKUP_COALESCED:
        join_fetch(c, s, leader, now);
        break;
    case LOOKUP_BYPASS:
    case LOOKUP_EXPIRED:
    case LOOKUP_MISS:
        start_fetch(c, s, o, k, slot, now);
        break;
    }
}

/* ANSWER_LOST: the node failed while this fetch was on its way: it lost
 * the requests waiting for it, which get an error (a reset connection),
 * and stores nothing. */
static void
answer_lost(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (!r->bypass)
        idmap_del_hashed(&c->nodes[r->node].inflight, r->object, r->hash);
    observe_answer(c, r, ANSWER_LOST, NULL, 0, now);
    for (uint32_t w = s; w != REQ_NIL;) {
        uint32_t next = c->reqs[w].next;
        c->reqs[w].failed = 1;
        c->reqs[w].not_modified = 0;
        c->reqs[w].code = CODE_NONE;
        respond(c, w, now);
        w = next;
    }
}

/* What the answer to the fetch s leads does at its node, whose copy
 * (for an error or a 304) is o. */
static inline enum answer
classify_answer(const struct req *r, const struct cache_obj *o, int64_t now)
{
    if (r->failed)
        return o != NULL && r->sie_ns > 0 &&
                       now < add_sat(o->expires_at, r->sie_ns)
                   ? ANSWER_STALE_IF_ERROR
                   : ANSWER_ERROR;
    if (r->not_modified)
        return o != NULL && o->version == r->version ? ANSWER_VALIDATED
                                                     : ANSWER_GONE;
    return ANSWER_BODY;
}

/* ANSWER_BODY: the node stores what came if its policy admits it;
 * returns the stored copy or NULL. */
/* Inline by force: node_late_answer calls it too, and with two callers
 * the compiler kept it out of line, a call on every stored answer. */
static inline __attribute__((always_inline)) struct cache_obj *
store_answer(struct cdn *c, const struct req *r, int64_t now)
{
    struct cache_store *cs = c->nodes[r->node].cache;
    uint64_t evictions = cache_stats(cs)->n_evictions;
    struct cache_obj *o =
        cache_insert_hashed(cs, r->object, r->hash, r->size, r->expires_at);
    if (o != NULL) {
        o->version = r->version;
        o->is_negative = r->negative;
        miss_cause_stored(c, r->node, r->object);
    }
    observe_answer(c, r, ANSWER_BODY, o,
                   cache_stats(cs)->n_evictions - evictions, now);
    return o;
}

/* The waiters of the fetch s leads get its error's code (an overload's
 * 429, 503 or 504), which they carry down; rare, so apart from the loop
 * that answers them. */
static void
pass_code(struct cdn *c, uint32_t s, uint8_t code)
{
    for (uint32_t w = c->reqs[s].next; w != REQ_NIL; w = c->reqs[w].next)
        c->reqs[w].code = code & 3;
}

/*
 * Answers the leading request s and every waiter of its fetch, as k
 * says: the error, or the content (stale, o's, or new, r's) with its
 * expiry and version; a 304 for those that asked to revalidate the
 * version they hold.
 */
/* Inline by force, like store_answer (node_fetch_timed_out calls it). */
static inline __attribute__((always_inline)) void
answer_waiters(struct cdn *c, uint32_t s, enum answer k,
               const struct cache_obj *o, int64_t now)
{
    struct req *r = &c->reqs[s];
    int failed = k == ANSWER_ERROR;
    int stale_if_error = k == ANSWER_STALE_IF_ERROR;
    if (k == ANSWER_VALIDATED && r->outcome == MET_OUT_EXPIRED)
        r->outcome = MET_OUT_REVALIDATED; /* the leader's own fetch: 304 */
    int64_t expires_at = stale_if_error ? o->expires_at : r->expires_at;
    uint32_t version = stale_if_error ? o->version : r->version;
    int negative = stale_if_error ? o->is_negative : r->negative;
    int via_origin = !stale_if_error && r->via_origin;
    if (failed && r->code != CODE_NONE)
        pass_code(c, s, r->code);
    uint32_t w = s;
    while (w != REQ_NIL) {
        struct req *q = &c->reqs[w];
        uint32_t next = w == s ? r->next : q->next;
        int not_modified = !failed && q->cond == version;
        q->expires_at = expires_at;
        q->version = version;
        /* The flags together, so that they are one read-modify-write of
         * their bytes (one at a time, each would read back a byte just
         * stored, which stalls). */
        q->failed = (uint8_t)failed;
        q->not_modified = (uint8_t)not_modified;
        q->negative = (uint8_t)negative;
        q->via_origin = (uint8_t)via_origin;
        if (stale_if_error) {
            q->outcome = MET_OUT_STALE;
            observe_stale_if_error(c, q, now);
        }
        respond(c, w, now);
        w = next;
    }
}

/* The parent's answer for leading request s has reached s's node. */
void
node_response(struct cdn *c, uint32_t s, int64_t now)
{
    if (c->up_deadline != NULL && up_deadline_passed(c, s)) {
        node_late_answer(c, s, now);
        return;
    }
    struct req *r = &c->reqs[s];
    struct node *n = &c->nodes[r->node];
    if (node_failed_since(c, r->node, r->t_arrive, now)) {
        answer_lost(c, s, now);
        return;
    }
    /* An edge makes its copy (compresses, transforms) from the body
     * first: its CPU time delays everything that follows. */
    if (r->produce && !r->failed && !r->not_modified &&
        compute_produce(c, s, now))
        return;
    if (r->bypass) {
        /* Passed through: nothing was in flight, nothing is stored. */
        observe_answer(c, r, ANSWER_PASSED, NULL, 0, now);
        respond(c, s, now);
        return;
    }
    idmap_del_hashed(&n->inflight, r->object, r->hash);
    if (c->pops != NULL) /* the key's server's SSD (pop.c) */
        pop_fill(c, r, now);
    /* The held copy matters only for a 304 or an error; a full answer
     * replaces it in cache_insert, which finds it itself. */
    struct cache_obj *o = r->failed || r->not_modified
                              ? cache_find_hashed(n->cache, r->object, r->hash)
                              : NULL;
    enum answer k = classify_answer(r, o, now);
    switch (k) {
    case ANSWER_VALIDATED:
        /* The held copy is good for a new lifetime, and was just used;
         * no body came. */
        o->expires_at = r->expires_at;
        cache_hit(n->cache, o);
        observe_answer(c, r, k, o, 0, now);
        break;
    case ANSWER_GONE:
        /* A 304 for a copy evicted while its revalidation was on its way
         * validates nothing: fetch the body, and keep every waiter
         * waiting for it (about 0.5% of revalidations on the default
         * scenario). */
        observe_answer(c, r, k, o, 0, now);
        r->not_modified = 0;
        idmap_put(&n->inflight, r->object, s);
        fetch_upstream(c, s, now, NO_VERSION, "its copy was evicted");
        return;
    case ANSWER_BODY:
        /* Without placements every body is offered to the store. */
        o = c->placement == NULL || placement_keeps(c, s, now)
                ? store_answer(c, r, now)
                : NULL;
        break;
    default: /* an error, or the stale copy instead */
        observe_answer(c, r, k, o, 0, now);
        break;
    }
    answer_waiters(c, s, k, o, now);
}

/* Cold and out of line: an upstream timeout's, rare, so that the hot
 * paths around it are not laid out for it. */
__attribute__((cold, noinline)) void
node_fetch_timed_out(struct cdn *c, uint32_t t, int64_t now)
{
    struct req *r = &c->reqs[t];
    r->failed = 1;
    r->not_modified = 0;
    r->code = CODE_504;
    if (c->pops != NULL) /* its stale copy is at the key's server */
        pop_fill(c, r, now);
    const struct cache_obj *o =
        r->bypass
            ? NULL
            : cache_find_hashed(c->nodes[r->node].cache, r->object, r->hash);
    enum answer k = classify_answer(r, o, now);
    if (k == ANSWER_ERROR) /* counted per node and per window */
        for (uint32_t w = t; w != REQ_NIL; w = c->reqs[w].next)
            if (c->reqs[w].measured) {
                c->m->nodes[r->node].c.timed_out_upstream++;
                met_run_overload_window(c->m, r->node, now - c->measured_start)
                    ->timed_out++;
            }
    observe_answer(c, r, k, o, 0, now);
    answer_waiters(c, t, k, o, now);
}

/* The fetch was not cancelled when its requests timed out, and what it
 * brings is what any answer would leave: a body is stored (the next
 * request hits), a 304 renews the copy it validates; an error leaves
 * nothing. Nobody is answered: they had their 504. Cold and out of
 * line, like node_fetch_timed_out. */
__attribute__((cold, noinline)) void
node_late_answer(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (c->pops != NULL) /* stored at the key's server, as node_response */
        pop_fill(c, r, now);
    struct cache_store *cs = c->nodes[r->node].cache;
    if (r->explain)
        narrate(c, now, "  %s: the late answer for object %llu arrives",
                node_name(c, r->node), (unsigned long long)r->object);
    if (!node_failed_since(c, r->node, r->t_arrive, now) && !r->bypass &&
        !r->failed) {
        if (!r->not_modified) {
            if (c->placement == NULL || placement_keeps(c, s, now))
                store_answer(c, r, now);
        } else {
            struct cache_obj *o = cache_find_hashed(cs, r->object, r->hash);
            if (o != NULL && o->version == r->version)
                o->expires_at = r->expires_at;
        }
    }
    c->reqs[s].up_timed_out = 0;
    req_release(c, s);
}

/*
 * Request s has reached a node that is down. The node answers nothing and
 * counts nothing; the sender learns of the failure one link delay later
 * (as a refused connection, not a timeout) and passes an error down.
 */
void
node_refuse(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    observe_refused(c, r, now);
    if (r->child == REQ_NIL) {
        /* A client at a dead edge: an error, after its own round trip. */
        req_release(c, s);
        return;
    }
    struct req *child = &c->reqs[r->child];
    child->failed = 1;
    child->code = CODE_NONE;
    uint32_t child_node = child->node;
    const struct link *lk = link_to(c, child_node, r->node);
    if (lk->hop < 0)
        sim_queue_push_channel(&c->q, lk->down_channel, now + lk->down_ns,
                               EV_RESP_AT, child_node, r->child);
    else
        sim_queue_push(&c->q, now + hop_down_ns(c, lk->hop, s, now), EV_RESP_AT,
                       child_node, r->child);
    req_release(c, s);
}
