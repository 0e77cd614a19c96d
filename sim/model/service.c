/* service.c: node capacity: servers and a FIFO queue in front of a node's
 * lookup (cfg_service; M/M/c with exponential times), and what an outage
 * does to them.
 */
#include "model/faults.h"
#include "model/model_int.h"
#include "util/ring.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

/* A service time for node n, in ns (at least 1). */
static int64_t
service_draw(const struct node *n)
{
    const struct cfg_service *sv = n->service;
    double mean = (double)sv->mean_ns, v = mean;
    switch (sv->dist) {
    case CFG_SERVICE_FIXED:
        break;
    case CFG_SERVICE_EXPONENTIAL:
        v = gsl_ran_exponential(n->service_rng, mean);
        break;
    case CFG_SERVICE_LOGNORMAL:
        /* The mean is the configured one: mu = ln(mean) - sigma^2 / 2. */
        v = gsl_ran_lognormal(n->service_rng,
                              log(mean) - sv->sigma * sv->sigma / 2, sv->sigma);
        break;
    }
    if (!(v < (double)CFG_TIME_MAX_NS)) /* a far tail: see cdn_run */
        return CFG_TIME_MAX_NS;
    int64_t ns = sim_round_ns(v);
    return ns > 0 ? ns : 1;
}

/* Request s waits for one of node n's servers, at the back of the line. */
static void
queue_push(struct node *n, uint32_t s)
{
    if (n->waiting_n == n->waiting_cap)
        n->waiting_cap =
            u32_ring_grow(&n->waiting, n->waiting_cap, n->waiting_head);
    n->waiting[(n->waiting_head + n->waiting_n++) & (n->waiting_cap - 1)] = s;
}

/*
 * Request s reaches its node. A node with a processing capacity first
 * queues it for a server (FIFO, as in M/M/c) and takes it up again when
 * SERVED fires; otherwise it is looked at at once.
 */
void
node_arrive(struct cdn *c, uint32_t s, int64_t now)
{
    uint32_t ni = c->reqs[s].node;
    struct node *n = &c->nodes[ni];
    if (node_is_down(c, ni, now)) {
        node_refuse(c, s, now);
        return;
    }
    if (!n->is_gated) { /* no service time, overload protection, brownout */
        node_request(c, s, now);
        return;
    }
    if (c->brownouts != NULL && brownout_takes(c, ni, s, now))
        return;
    node_admit(c, s, now);
}

void
node_admit(struct cdn *c, uint32_t s, int64_t now)
{
    uint32_t ni = c->reqs[s].node;
    struct node *n = &c->nodes[ni];
    if (node_overload(c, ni) != NULL && overload_refuses(c, ni, s, now))
        return;
    if (n->service == NULL) {
        node_request(c, s, now);
        return;
    }
    if (n->service->servers == 0 || n->busy < n->service->servers) {
        n->busy++;
        int64_t done = now + service_draw(n);
        if (c->reqs[s].explain)
            explain_service(c, ni, done, now);
        if (node_overload(c, ni) != NULL)
            overload_serve(c, ni, s, done, now);
        sim_queue_push(&c->q, done, EV_SERVED, ni, s);
        return;
    }
    if (c->reqs[s].explain)
        explain_service(c, ni, -1, now);
    queue_push(n, s);
    if (node_overload(c, ni) != NULL)
        overload_queued(c, ni, s, now);
}

/*
 * Node ni fails (an outage starts): the requests waiting for a server are
 * lost at once, and so are those in service, whose servers are free from
 * now on, so that requests arriving after the recovery find an idle node.
 * The ones in service are refused when their SERVED fires (node_served
 * sees the failure): their events cannot be found in the queue now.
 */
void
node_fail(struct cdn *c, uint32_t ni, int64_t now)
{
    struct node *n = &c->nodes[ni];
    if (explain_is_on(c) && n->waiting_n > 0)
        explain_fail(c, ni, now);
    while (n->waiting_n > 0)
        node_refuse(c, queue_pop(n), now);
    n->busy = 0;
}

/* Node ni's server that has finished takes the next waiting request, or
 * is idle; a request that waited past its timeout was answered with a
 * 504 instead (overload_expired) and is skipped. */
static void
serve_next(struct cdn *c, uint32_t ni, int64_t now)
{
    struct node *n = &c->nodes[ni];
    while (n->waiting_n > 0) {
        uint32_t s = queue_pop(n);
        if (node_overload(c, ni) != NULL && overload_expired(c, ni, s, now))
            continue;
        int64_t done = now + service_draw(n);
        if (node_overload(c, ni) != NULL)
            overload_serve(c, ni, s, done, now);
        sim_queue_push(&c->q, done, EV_SERVED, ni, s);
        return;
    }
    n->busy--;
}

/* Node ni has served request s: its server takes the next waiting one. */
void
node_served(struct cdn *c, uint32_t ni, uint32_t s, int64_t now)
{
    /* A request whose 504 has gone (overload_serve) only frees its
     * server. */
    int is_answered = c->reqs[s].code == CODE_504;
    if (node_failed_since(c, ni, c->reqs[s].t_arrive, now)) {
        /* Lost in the failure, which freed its server and dropped the
         * queue (node_fail): the server is not this request's any more. */
        if (is_answered)
            req_release(c, s);
        else
            node_refuse(c, s, now);
        return;
    }
    serve_next(c, ni, now);
    if (is_answered)
        req_release(c, s);
    else
        node_request(c, s, now);
}
