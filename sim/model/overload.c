/* overload.c: a node's protection against overload (cfg_overload):
 *
 *   rate_limit   a token bucket (one, or one per client region): a
 *                request that finds it empty is answered 429 at once;
 *   queue_limit  a request that would wait for a server behind
 *                queue_limit others is answered 503 at once;
 *   timeout      a request not served within timeout of reaching the node
 *                (its wait plus its service) is answered 504 at that
 *                instant. One that is still waiting leaves the queue; one
 *                in service keeps its server to the end (the work is not
 *                undone), and its completion then only frees the server.
 *
 * Each is an error answer (outcome ERROR) with its code, which goes down
 * like any error: a node below with a stale copy may serve it instead
 * (stale-if-error), else it reaches the client, which counts it by code.
 * A request turned away never reaches the node's lookup: it counts in the
 * node's requests and in one of rate_limited, refused and timed_out,
 * which is where it was counted instead of a lookup outcome.
 *
 * The hooks in service.c run only for a node with protection
 * (node_overload), and node_arrive sends a request at a node with
 * neither servers nor protection straight to its lookup (node.is_gated).
 */
#include "model/edge.h"
#include "model/faults.h"
#include "model/model_int.h"
#include "model/transfer.h"

#include <stdlib.h>

/* One token, in the bucket's units. */
#define TOKEN 1000000000000LL

void
overload_init(struct cdn *c)
{
    size_t n_protected = 0;
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct cfg_overload *ov = &c->t->nodes[i].overload;
        n_protected +=
            ov->has_queue_limit || ov->timeout_ns > 0 || ov->has_rate_limit;
    }
    if (n_protected == 0)
        return; /* c->overload stays NULL: no node pays for it */
    c->overload = xcalloc(c->n_nodes, sizeof *c->overload);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        const struct cfg_overload *ov = &c->t->nodes[i].overload;
        struct node_overload *no = &c->overload[i];
        no->timeout_armed_at = -1;
        if (!ov->has_queue_limit && ov->timeout_ns == 0 && !ov->has_rate_limit)
            continue;
        no->cfg = ov;
        c->nodes[i].is_gated = 1;
        if (!ov->has_rate_limit)
            continue;
        size_t n_buckets = ov->per == CFG_RATE_PER_REGION ? c->t->n_regions : 1;
        no->buckets = xcalloc(n_buckets, sizeof *no->buckets);
        for (size_t k = 0; k < n_buckets; k++)
            no->buckets[k].level = (int64_t)ov->burst * TOKEN; /* full at 0 */
    }
}

void
overload_fini(struct cdn *c)
{
    for (uint32_t i = 0; c->overload != NULL && i < c->n_nodes; i++)
        free(c->overload[i].buckets);
    free(c->overload);
    c->overload = NULL;
}

/*
 * Takes a token from bucket b at `now` after refilling it for the time
 * since it was last used (a token bucket as in RFC 2697's committed
 * bucket, in integers so that no rounding drifts over a long run); 0 when
 * no whole token is left.
 */
static int
bucket_take(struct token_bucket *b, const struct cfg_overload *ov, int64_t now)
{
    int64_t full = (int64_t)ov->burst * TOKEN;
    int64_t rate = (int64_t)ov->rate_milli; /* units per ns */
    int64_t elapsed = now - b->at;
    int64_t room = full - b->level;
    /* elapsed x rate overflows only far past the time that fills it. */
    if (elapsed >= room / rate + 1)
        b->level = full;
    else
        b->level += elapsed * rate;
    b->at = now;
    if (b->level < TOKEN)
        return 0;
    b->level -= TOKEN;
    return 1;
}

/* Adds one answer with code to ov. */
static void
overload_add(struct met_overload *ov, enum req_code code)
{
    if (code == CODE_429)
        ov->rate_limited++;
    else if (code == CODE_503)
        ov->refused++;
    else
        ov->timed_out++;
}

/* Request r was turned away at its node with code: counted there. */
static void
observe_overload(struct cdn *c, const struct req *r, enum req_code code,
                 int64_t now)
{
    static const char *const what[] = {
        [CODE_429] = "429: no rate_limit token",
        [CODE_503] = "503: queue_limit requests already wait",
        [CODE_504] = "504: not served within its timeout",
    };
    if (r->explain)
        narrate(c, now, "  %s answers %s", node_name(c, r->node), what[code]);
    if (!r->measured)
        return;
    struct met_counters *mc = &c->m->nodes[r->node].c;
    mc->requests++;
    mc->bytes_requested += r->size;
    window_at(c, r->node, now)->requests++;
    overload_add(
        met_run_overload_window(c->m, r->node, now - c->measured_start), code);
    if (code == CODE_429)
        mc->rate_limited++;
    else if (code == CODE_503)
        mc->refused++;
    else
        mc->timed_out++;
}

void
overload_count_client(struct cdn *c, const struct req *r)
{
    overload_add(&c->m->overload, (enum req_code)r->code);
    overload_add(&c->m->regions[r->region].overload, (enum req_code)r->code);
}

/* Request s is answered with the error code, now. */
static void
send_error(struct cdn *c, uint32_t s, enum req_code code, int64_t now)
{
    struct req *r = &c->reqs[s];
    observe_overload(c, r, code, now);
    r->failed = 1;
    r->not_modified = 0;
    r->code = code & 3;
    r->outcome = MET_OUT_ERROR;
    node_respond(c, s, now);
}

int
overload_refuses(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    struct node *n = &c->nodes[ni];
    struct node_overload *no = &c->overload[ni];
    const struct cfg_overload *ov = no->cfg;
    if (ov->has_rate_limit) {
        size_t k = ov->per == CFG_RATE_PER_REGION ? c->reqs[s].region : 0;
        if (!bucket_take(&no->buckets[k], ov, now)) {
            send_error(c, s, CODE_429, now);
            return 1;
        }
    }
    /* Only a request that would wait is refused (queue_limit implies
     * servers > 0). */
    if (ov->has_queue_limit && n->busy >= n->service->servers &&
        n->waiting_n >= ov->queue_limit) {
        send_error(c, s, CODE_503, now);
        return 1;
    }
    return 0;
}

/* When request s at node ni times out. */
static int64_t
deadline_of(const struct cdn *c, uint32_t ni, uint32_t s)
{
    return add_sat(c->reqs[s].t_arrive, c->overload[ni].cfg->timeout_ns);
}

void
overload_serve(struct cdn *c, uint32_t ni, uint32_t s, int64_t done,
               int64_t now)
{
    (void)now;
    if (c->overload[ni].cfg->timeout_ns == 0)
        return;
    int64_t deadline = deadline_of(c, ni, s);
    if (done < deadline)
        return;
    /* The 504 goes at the deadline from a copy of s, which the event owns;
     * s keeps the server until done and is marked so that its SERVED
     * only frees it (node_served). */
    uint32_t t = req_alloc(c); /* may move c->reqs */
    c->reqs[t] = c->reqs[s];
    if (c->video != NULL) /* a segment's session waits for the copy */
        video_move_slot(c, s, t);
    c->reqs[s].code = CODE_504;
    hop_copy_down(c, s, t); /* t answers down s's link */
    sim_queue_push(&c->q, deadline, EV_TIMED_OUT, ni, t);
}

/* Arms node n's queue timeout for the first waiting request's deadline
 * (the queue is FIFO by arrival, so it is the earliest). */
static void
arm_queue_timeout(struct cdn *c, uint32_t ni)
{
    const struct node *n = &c->nodes[ni];
    int64_t at = deadline_of(c, ni, n->waiting[n->waiting_head]);
    c->overload[ni].timeout_armed_at = at;
    sim_queue_push(&c->q, at, EV_QUEUE_TIMEOUT, ni, 0);
}

void
overload_queued(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    const struct node_overload *no = &c->overload[ni];
    (void)s;
    (void)now;
    if (no->cfg->timeout_ns > 0 && no->timeout_armed_at < 0)
        arm_queue_timeout(c, ni);
}

int
overload_expired(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    if (c->overload[ni].cfg->timeout_ns == 0 || deadline_of(c, ni, s) > now)
        return 0;
    send_error(c, s, CODE_504, now);
    return 1;
}

/* Node ni's queue timeout fires: every request at the front of the queue
 * whose deadline has come is answered 504; the timeout is armed again for
 * the next one. One event per node is pending at most. */
void
overload_queue_timeout(struct cdn *c, uint32_t ni, int64_t now)
{
    struct node *n = &c->nodes[ni];
    c->overload[ni].timeout_armed_at = -1;
    while (n->waiting_n > 0) {
        if (deadline_of(c, ni, n->waiting[n->waiting_head]) > now) {
            arm_queue_timeout(c, ni);
            return;
        }
        send_error(c, queue_pop(n), CODE_504, now);
    }
}

/* The 504 of a request whose service outlasts its timeout (slot t, the
 * copy overload_serve made) is due. */
void
overload_timed_out(struct cdn *c, uint32_t ni, uint32_t t, int64_t now)
{
    if (node_failed_since(c, ni, c->reqs[t].t_arrive, now)) {
        node_refuse(c, t, now); /* lost in the failure, as in node_served */
        return;
    }
    send_error(c, t, CODE_504, now);
}
