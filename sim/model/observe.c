/* observe.c: counting. Each step of a request's life that has an outcome
 * is recorded here, by one function per step that updates every counter
 * it touches (the node's, its time-series window's, the region's and the
 * run's; met_counters says what each means) and narrates it for --explain
 * (explain.c). The lifecycle (request.c) decides; this file only records,
 * so that a new outcome is counted and narrated in one place.
 *
 * Only measured requests (after the warm-up) count. A lookup is recorded
 * when it is made (requests, hits, misses, ...); the outcome it settles on
 * (met_counters.outcome) when the node answers, since an expiry may turn
 * out a revalidation, a miss a stale-if-error answer, any an error.
 * Those two observers (observe_lookup, observe_response) run at every
 * node for every request and are static inline in model_int.h.
 */
#include "model/model_int.h"

#include "model/content.h"
#include "model/edge.h"
#include "model/faults.h"
#include "model/observers.h"
#include "util/parse.h"

/* The origin sent size bytes at `now` (its peak requests/s). */
void
count_origin_load(struct cdn *c, int64_t now, uint64_t size)
{
    struct met_run *m = c->m;
    int64_t second = (now - c->measured_start) / SIM_S;
    if (second != c->origin_second) {
        if (c->origin_second_count > m->origin_peak_rps)
            m->origin_peak_rps = c->origin_second_count;
        c->origin_second = second;
        c->origin_second_count = 0;
    }
    c->origin_second_count++;
    m->origin_requests++;
    m->origin_bytes += size;
}

/* The copy r's lookup found had been purged when its object changed
 * (purge_on_change). */
void
observe_purged_copy(struct cdn *c, const struct req *r, int64_t now)
{
    if (r->explain)
        narrate(c, now,
                "  %s: its copy was purged when object %llu "
                "changed",
                node_name(c, r->node), (unsigned long long)r->object);
    if (r->measured)
        c->m->nodes[r->node].c.purged++;
}

/* The answer to the fetch r leads did k at r's node (o, evicted: see
 * explain_answer). */
void
observe_answer(struct cdn *c, const struct req *r, enum answer k,
               const struct cache_obj *o, uint64_t evicted, int64_t now)
{
    if (r->measured) {
        struct met_counters *mc = &c->m->nodes[r->node].c;
        if (k == ANSWER_VALIDATED) {
            mc->revalidated++;
            mc->bytes_saved += r->size;
        } else if (k == ANSWER_GONE) {
            mc->refetched++;
        }
    }
    if (r->explain)
        explain_answer(c, r, k, o, evicted, now);
}

/* Request q, waiting on a fetch that brought an error, gets its node's
 * stale copy instead (stale-if-error): a hit after all. */
void
observe_stale_if_error(struct cdn *c, const struct req *q, int64_t now)
{
    if (!q->measured || q->background)
        return;
    struct met_counters *mc = &c->m->nodes[q->node].c;
    mc->stale_if_error++;
    mc->hits++;
    mc->bytes_hit += q->size;
    window_at(c, q->node, now)->hits++;
}

/* Client request r was answered with an error at `now`. */
static void
count_failed(struct cdn *c, const struct req *r, int64_t now)
{
    if (c->alerts != NULL)
        alerts_count_client(c, r, 0, now);
    c->m->errors++;
    c->m->bytes_failed += r->size;
    c->m->regions[r->region].errors++;
    c->m->regions[r->region].bytes_failed += r->size;
    if (r->code != CODE_NONE) /* an overload's 429, 503 or 504 */
        overload_count_client(c, r);
    if (c->m->classes != NULL)
        class_count_failed(c, r);
}

/* An answer that is not older than the version the client asked when it
 * made the request (objects that never change are never outdated). */
static int
is_outdated(const struct req *r)
{
    uint32_t behind = (r->current - r->version) & CACHE_VERSION_MASK;
    return r->current != NO_VERSION && !r->negative && behind != 0 &&
           (!r->current_rises || behind < CACHE_VERSION_MASK / 2);
}

/* Client request r is answered: with an error, or with the object after
 * last_mile more on the client's own link. */
void
observe_client(struct cdn *c, const struct req *r, int64_t last_mile,
               int64_t now)
{
    if (r->explain)
        explain_client(c, r, last_mile, now);
    if (c->video != NULL) /* video.c: a segment's session goes on */
        video_answered(c, r, r->failed, now + last_mile);
    if (!r->measured)
        return;
    if (r->failed) {
        count_failed(c, r, now);
        return;
    }
    struct met_run *m = c->m;
    struct met_region *g = &m->regions[r->region];
    uint64_t lat = (uint64_t)(now - r->t_arrive + last_mile);
    if (m->classes != NULL)
        class_count_answer(c, r, is_outdated(r), lat);
    if (is_outdated(r)) {
        m->outdated++;
        g->outdated++;
    }
    if (r->via_origin) {
        m->from_origin++;
        m->bytes_from_origin += r->size;
        g->from_origin++;
        g->bytes_from_origin += r->size;
    } else {
        m->from_cache++;
        m->bytes_from_cache += r->size;
        g->hits++;
        g->bytes_hit += r->size;
    }
    met_hist_record(&m->latency, lat);
    met_hist_record(&g->latency, lat);
    if (c->alerts != NULL)
        alerts_count_client(c, r, lat, now);
    if (now > m->measured_end_ns)
        m->measured_end_ns = now;
}

/* Request r reached a node that is down: it fails, and the node counts
 * nothing; a client's request counts as an error. */
void
observe_refused(struct cdn *c, const struct req *r, int64_t now)
{
    if (r->explain)
        narrate(c, now, "  %s is down: the request fails",
                node_name(c, r->node));
    if (r->child == REQ_NIL && c->video != NULL)
        video_answered(c, r, 1, now);
    if (r->child == REQ_NIL && r->measured) {
        count_failed(c, r, now);
        if (c->t->has_dns_ttl)
            steering_count_refused(c, r, now);
    }
}

/* Client request r (the c->generated-th) is born at its edge;
 * asked_size is its object's size (r->size is a 404's when the origin
 * lacks it). Decides whether --explain narrates it. */
void
observe_arrival(struct cdn *c, struct req *r, uint64_t asked_size, int64_t now)
{
    if (r->measured && c->explain_left > 0) {
        c->explain_left--;
        r->explain = 1;
        char size[32];
        format_size(asked_size, size, sizeof size);
        narrate(c, now, "request %llu: object %llu (%s) from %s reaches %s",
                (unsigned long long)c->generated, (unsigned long long)r->object,
                size, c->t->regions[r->region].name, node_name(c, r->node));
    }
    if (r->measured) {
        struct met_run *m = c->m;
        m->requests++;
        m->bytes += r->size;
        m->regions[r->region].requests++;
        m->regions[r->region].bytes += r->size;
        if (m->classes != NULL)
            class_count_arrival(c, r);
        if (c->top != NULL)
            top_count_request(c, r->object);
    }
}

/* Purge event k reached node ni, where it removed (or marked stale) n
 * copies. Purges and pushes count from the end of the warm-up on. */
void
observe_purge(struct cdn *c, uint32_t ni, size_t k, uint64_t n, int64_t now)
{
    const struct cfg_event *e = &c->w->events[k];
    if (cdn_is_measuring(c))
        c->m->nodes[ni].c.purged += n;
    if (explain_is_on(c))
        narrate(c, now, "%s reaches %s: %s %llu cached cop%s", e->field,
                node_name(c, ni),
                e->is_soft ? "a soft purge marks stale" : "a purge removes",
                (unsigned long long)n, n == 1 ? "y" : "ies");
}

/* The origin above node i (following parents). */
static uint32_t
origin_of(const struct cdn *c, uint32_t i)
{
    while (c->nodes[i].parent != REQ_NIL)
        i = c->nodes[i].parent;
    return i;
}

/* Push event k filled node ni: the origin sent `sent` bytes, of which
 * `stored` are still at the node when the push is done. */
void
observe_push(struct cdn *c, uint32_t ni, size_t k, uint64_t sent,
             uint64_t stored, int64_t now)
{
    if (cdn_is_measuring(c)) {
        uint32_t origin = origin_of(c, ni);
        struct met_run *m = c->m;
        m->nodes[ni].c.pushed_bytes += stored;
        m->nodes[origin].c.bytes_out += sent;
        m->origin_bytes += sent;
        m->origin_pushed_bytes += sent;
        /* A push before the first measured request falls in window 0. */
        int64_t t = c->has_measured_start ? now - c->measured_start : 0;
        met_run_window(m, origin, t > 0 ? t : 0)->bytes_out += sent;
    }
    if (explain_is_on(c)) {
        char size[32];
        format_size(stored, size, sizeof size);
        narrate(c, now, "%s: a push fills %s with %s", c->w->events[k].field,
                node_name(c, ni), size);
    }
}

/* The run ends: the last second of origin load counts for its peak. */
void
observe_end(struct cdn *c)
{
    if (c->origin_second_count > c->m->origin_peak_rps)
        c->m->origin_peak_rps = c->origin_second_count;
    if (c->keys != NULL)
        cache_key_end(c);
}
