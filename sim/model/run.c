/* run.c: the run loop: client arrivals, the workload's scheduled events
 * and outages, and the record of the run.
 *
 * Event kinds (enum ev_kind, model_int.h):
 *   ARRIVAL(region)       the pending client request reaches its edge; the
 *                         next one is drawn and scheduled (one pending
 *                         arrival, so memory does not grow with the run);
 *   REQ_AT(node, slot)    a request (a client's, or a child's fetch)
 *                         reaches a node, which answers it or fetches;
 *   RESP_AT(node, slot)   the parent's answer to the fetch that the
 *                         request in slot leads reaches the node;
 *   SERVED(node, slot)    a node with limited servers has finished its
 *                         work on the request, which now proceeds;
 *   PURGE / PUSH(node, k) workload event k reaches the node;
 *   FAIL(node)            an outage of a node with servers starts: its
 *                         queue is dropped and its servers freed.
 * Arrival time is when the request reaches the edge, which is also what an
 * edge's log records.
 */
#include "model/model_int.h"

#include <sys/resource.h>
#include <time.h>

#include "model/content.h"
#include "model/edge.h"
#include "model/faults.h"
#include "model/observers.h"
#include "model/origin_route.h"
#include "model/transfer.h"
#include "util/utc.h"

/* Takes the next request from the workload and schedules its arrival. */
static void
schedule_next_arrival(struct cdn *c)
{
    if (c->w->n_requests > 0 && c->generated >= c->w->n_requests)
        return; /* n_requests 0: a trace's every record */
    int rc = wl_gen_next(c->gen, &c->pending);
    if (rc < 0)
        c->gen_error = rc; /* a bad trace record: no more arrivals */
    if (rc <= 0)
        return;
    const struct wl_request *p = &c->pending;
    c->pending_hash = hash_key32(p->object);
    cache_prefetch_hashed(c->nodes[c->t->region_edge[p->region]].cache,
                          c->pending_hash);
    sim_queue_push_channel(&c->q, c->arrival_channel, p->at, EV_ARRIVAL,
                           p->region, 0);
}

/* The pending client request reaches its edge. */
static void
client_arrival(struct cdn *c, int64_t now)
{
    const struct wl_request *p = &c->pending;
    uint32_t reg = p->region;
    int measured = c->generated >= c->w->warmup;
    c->generated++;
    if (measured && !c->has_measured_start) {
        c->has_measured_start = 1;
        c->measured_start = now;
        c->m->measured_start_ns = now;
        shared_measure_from(c, now);
    }
    uint32_t s = req_alloc(c);
    struct req *r = &c->reqs[s];
    if (c->keys != NULL) {
        r->object = cache_key_draw(c, p);
        r->hash = hash_key32(r->object);
    } else {
        r->object = p->object;
        r->hash = c->pending_hash;
    }
    r->size = p->size;
    r->t_arrive = now;
    r->ttl_ns = p->ttl_ns;
    r->expires_at = 0;
    r->swr_ns = p->swr_ns;
    r->sie_ns = p->sie_ns;
    r->node = route_client(c, reg, now);
    r->child = REQ_NIL;
    r->next = REQ_NIL;
    r->asked = p->version;
    r->version = 0;
    r->cond = NO_VERSION; /* clients hold no copy */
    r->current = p->version != WL_NO_VERSION ? p->version
                 : c->w->change_interval_ns > 0
                     ? origin_version(c, p->object, now)
                     : NO_VERSION;
    r->region = (uint16_t)reg;
    int bypass =
        c->is_no_cdn || p->is_uncacheable || wl_is_uncacheable(c->w, p->object);
    int purged_on_change =
        c->w->n_classes > 0 && c->w->classes[p->class_id].is_purged_on_change;
    /* The flags together, so that they are one read-modify-write of their
     * bytes (one at a time, each would read back a byte just stored). */
    r->measured = (uint8_t)measured;
    r->explain = 0;
    r->failed = 0;
    r->not_modified = 0;
    r->background = 0;
    r->bypass = (uint8_t)bypass;
    r->negative = 0;
    r->purged_on_change = (uint8_t)purged_on_change;
    r->via_origin = 0;
    r->up_timed_out = 0;
    r->current_rises = p->version == WL_NO_VERSION;
    r->outcome = 0;
    r->code = CODE_NONE;
    r->compute_pending = 0;
    r->produce = 0;
    if (wl_is_missing(c->w, p->object))
        r->size = NEGATIVE_SIZE; /* what a 404 weighs, not the object */
    observe_arrival(c, r, p->size, now);
    schedule_next_arrival(c);
    node_arrive(c, s, now);
}

static void
schedule_events(struct cdn *c)
{
    for (size_t k = 0; k < c->t->n_outages; k++) {
        const struct cfg_outage *o = &c->t->outages[k];
        if (c->nodes[o->node].service != NULL)
            sim_queue_push(&c->q, o->at, EV_FAIL, (uint32_t)o->node, 0);
    }
    /* A no-cdn baseline has no caches to purge or push into. */
    for (size_t k = 0; !c->is_no_cdn && k < c->w->n_events; k++) {
        const struct cfg_event *e = &c->w->events[k];
        if (e->kind == CFG_EVENT_PUSH) {
            for (size_t j = 0; j < e->n_to; j++)
                sim_queue_push(&c->q, e->at, EV_PUSH,
                               (uint32_t)c->push_nodes[k][j], k);
            continue;
        }
        purge_order_schedule(c, k);
    }
}

static double
wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The run's record before it starts: names, seed, what the run is. */
static void
record_start(struct cdn *c, struct met_run *m)
{
    const struct cfg_topology *t = c->t;
    m->topology_name = t->name;
    m->topology_path = t->path;
    m->workload_name = c->w->name;
    m->workload_path = c->w->path;
    m->overrides = "";
    m->seed = c->w->seed;
    m->window_ns = c->w->window_ns;
    for (size_t r = 0; r < t->n_regions; r++)
        m->regions[r].name = t->regions[r].name;
    for (size_t i = 0; i < t->n_nodes; i++) {
        m->nodes[i].name = t->nodes[i].name;
        m->nodes[i].tier = cfg_tier_name(t->nodes[i].tier);
        m->nodes[i].depth = t->nodes[i].depth;
        m->nodes[i].egress_cost_per_gb = t->nodes[i].egress_cost_per_gb;
    }
    m->billing = cdn_billing_new(t);
    brownout_start_run(c, m);
    origin_route_start_run(c, m);
    pop_start_run(c, m);
    utc_now(m->started);
}

/* Hands one event to what its kind does. */
static inline void
dispatch(struct cdn *c, const struct sim_event *ev)
{
    switch (ev->kind) {
    case EV_ARRIVAL:
        client_arrival(c, ev->at);
        break;
    case EV_REQ_AT:
        node_arrive(c, (uint32_t)ev->ref, ev->at);
        break;
    case EV_SERVED:
        node_served(c, ev->target, (uint32_t)ev->ref, ev->at);
        break;
    case EV_PURGE:
        node_purge(c, ev->target, (size_t)ev->ref, ev->at);
        break;
    case EV_PUSH:
        node_push(c, ev->target, (size_t)ev->ref, ev->at);
        break;
    case EV_RESP_AT:
    case EV_PRODUCED: /* an edge's copy is made (compute.c) */
        node_response(c, (uint32_t)ev->ref, ev->at);
        break;
    case EV_FAIL:
        node_fail(c, ev->target, ev->at);
        break;
    case EV_LINK_DONE:
        shared_done(c, ev->target, (uint32_t)ev->ref, ev->at);
        break;
    case EV_QUEUE_TIMEOUT:
        overload_queue_timeout(c, ev->target, ev->at);
        break;
    case EV_TIMED_OUT:
        overload_timed_out(c, ev->target, (uint32_t)ev->ref, ev->at);
        break;
    case EV_BROWNOUT_DONE:
        brownout_done(c, ev->target, (uint32_t)ev->ref, ev->at);
        break;
    case EV_FUNCTION_DONE:
        node_respond(c, (uint32_t)ev->ref, ev->at);
        break;
    case EV_UP_DEADLINE:
        up_deadline_fire(c, ev->target, (uint32_t)ev->ref, ev->at);
        break;
    case EV_TIER_READ: /* a PoP server's hit (pop.c) */
        node_respond(c, (uint32_t)ev->ref, ev->at);
        break;
    case EV_VIDEO:
        video_step(c, ev->target, ev->ref, ev->at);
        break;
    default:
        SIM_ASSERT(!"unknown event kind");
    }
}

/* Pops and runs events until none is left, the clock's end or a stop;
 * returns 0 or -SIM_EINTR, and the number of events in *events. */
static int
run_events(struct cdn *c, const struct cdn_run_opts *opts, uint64_t *events)
{
    uint64_t n = 0;
    struct sim_event ev;
    int rc = 0;
    while (sim_queue_pop(&c->q, &ev)) {
        /* The end of the simulated clock (2^62 ns, 146 years), as for the
         * workload's arrivals. Every delay added to an event's time is at
         * most CFG_TIME_MAX_NS, so no time computed from one before it
         * can overflow; validation keeps runs far from it. */
        if (ev.at >= WL_NEVER)
            break;
        n++;
        dispatch(c, &ev);
        if ((n & 0xffff) == 0) {
            if (opts && opts->stop && *opts->stop) {
                rc = -SIM_EINTR;
                break;
            }
            if (opts && opts->progress)
                opts->progress(opts->progress_ctx, c->generated,
                               c->w->n_requests, ev.at);
        }
    }
    *events = n;
    return rc;
}

int
cdn_run(struct cdn *c, const struct cdn_run_opts *opts, struct met_run *m)
{
    SIM_ASSERT(!c->has_run);
    c->has_run = 1;
    met_run_init(m, c->t->n_regions, c->t->n_nodes);
    if (c->w->has_explicit_classes) { /* figures per content class */
        met_run_classes(m, c->w->n_classes);
        for (size_t k = 0; k < c->w->n_classes; k++)
            m->classes[k].name = c->w->classes[k].name;
    }
    c->m = m;
    m->has_compute = c->compute != NULL;
    top_init(c, opts ? opts->top_n : 0);
    if (opts && opts->explain && opts->explain_n > 0) {
        c->explain = opts->explain;
        c->explain_left = opts->explain_n;
    }
    record_start(c, m);
    alerts_start(c, m);
    shared_start_run(c, m);
    double wall0 = wall_seconds();

    c->stop = opts ? opts->stop : NULL;
    wl_gen_set_stop(c->gen, c->stop);
    schedule_events(c);
    schedule_next_arrival(c);
    if (c->video != NULL)
        video_start(c, m);
    uint64_t events = 0;
    int rc = run_events(c, opts, &events);

    observe_end(c);
    origin_route_end(c);
    alerts_finish(c);
    if (c->video != NULL)
        video_finish(c);
    top_finish(c, m);
    if (rc == 0 && c->gen_error != 0)
        rc = c->gen_error;
    /* A stop can also end the workload early (wl_gen_set_stop). */
    if (rc == 0 && opts && opts->stop && *opts->stop)
        rc = -SIM_EINTR;
    m->is_complete = rc == 0;
    m->warmup_requests =
        c->generated < c->w->warmup ? c->generated : c->w->warmup;
    m->events = events;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        m->peak_rss_mib = (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
    m->wall_s = wall_seconds() - wall0;
    utc_now(m->finished);
    return rc;
}
