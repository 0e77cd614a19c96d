/* upstream_timeout.c: a node's timeout bounds the whole time a request
 * spends at the node, its wait for the parent's answer included.
 *
 * overload.c times out a request still waiting for (or in) the node's
 * own service. Once looked up, a request that misses leads a fetch (or
 * joins one); the fetch's leader s carries the deadline t_arrive +
 * timeout, an EV_UP_DEADLINE armed when the fetch leaves. If the parent's
 * answer has not come by then, the leader and every request coalesced
 * on its fetch are answered at once as a failed fetch would answer them:
 * a 504 (outcome ERROR, counted in timed_out_upstream), or the node's
 * stale copy where stale-if-error allows it. One deadline for the whole
 * fetch: a request that joined later is answered early rather than left
 * waiting on a fetch the node has given up on.
 *
 * The fetch itself is not cancelled (the parent works on it all the
 * same): the answers go from a copy t of the leader, and s stays in its
 * slot, marked up_timed_out, for the late answer, which fills the cache
 * like any answer but answers nobody (node_late_answer). The object
 * leaves the in-flight map at the deadline, so that a request after it
 * starts a fresh fetch (with its own deadline) instead of waiting on the
 * late one. A fetch still waiting for a pooled connection (hop.c) is
 * dropped when its turn comes: it never left.
 *
 * An event whose leader was answered meanwhile is stale: up_deadline[s]
 * holds the pending deadline and is cleared by the answer; a slot reused
 * by another leader with the same node and deadline would time out at
 * that same instant anyway.
 */
#include "model/faults.h"
#include "model/model_int.h"
#include "model/transfer.h"

#include <string.h>

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
up_deadline_arm(struct cdn *c, uint32_t s, int64_t now)
{
    const struct req *r = &c->reqs[s];
    const struct node_overload *no = node_overload(c, r->node);
    (void)now;
    if (no == NULL || no->cfg->timeout_ns == 0)
        return;
    if (s >= c->up_deadline_cap) {
        size_t old = c->up_deadline_cap;
        c->up_deadline = xgrow(c->up_deadline, &c->up_deadline_cap,
                               (size_t)s + 1, sizeof *c->up_deadline, 1024);
        memset(c->up_deadline + old, 0,
               (c->up_deadline_cap - old) * sizeof *c->up_deadline);
    }
    int64_t at = add_sat(r->t_arrive, no->cfg->timeout_ns);
    c->up_deadline[s] = at;
    sim_queue_push(&c->q, at, EV_UP_DEADLINE, r->node, s);
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
up_deadline_fire(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    if (c->up_deadline[s] != now || c->reqs[s].node != ni)
        return; /* answered in time */
    c->up_deadline[s] = 0;
    const struct req *r = &c->reqs[s];
    if (node_failed_since(c, ni, r->t_arrive, now))
        return; /* lost with the node: the answer finds it (answer_lost) */
    if (!r->bypass && idmap_get(&c->nodes[ni].inflight, r->object) == s)
        idmap_del_hashed(&c->nodes[ni].inflight, r->object, r->hash);
    if (r->explain)
        narrate(c, now, "  %s: no answer from upstream within its timeout",
                node_name(c, ni));
    uint32_t t = req_alloc(c); /* may move c->reqs */
    c->reqs[t] = c->reqs[s];   /* takes the waiters along */
    c->reqs[s].next = REQ_NIL;
    c->reqs[s].up_timed_out = 1;
    hop_copy_down(c, s, t); /* t answers down s's link */
    node_fetch_timed_out(c, t, now);
}
