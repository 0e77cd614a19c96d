/* faults.h: private to sim/model/: what a node does when it is not
 * simply up: brownouts (brownout.c), the client side of failed edges
 * (steering.c), overload protection (overload.c) and the timeout of a
 * fetch upstream (upstream_timeout.c). Apart from model_int.h to keep
 * that short; the inline helpers on the path of every request
 * (node_overload, up_deadline_passed, region_sees_down) stay there. */
#ifndef SIM_MODEL_FAULTS_H
#define SIM_MODEL_FAULTS_H

#include "model/model_int.h"

/* brownout.c: brownouts; steering.c: DNS TTLs and anycast. */
struct node_brownout;
void brownout_init(struct cdn *c);
void brownout_fini(struct cdn *c);
void brownout_start_run(struct cdn *c, struct met_run *m);
/* Does node ni's brownout take request s at `now` (an error sent, or the
 * request held for add_latency)? Then node_arrive is done with it. */
int brownout_takes(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);
/* EV_BROWNOUT_DONE: s, held by ni's brownout, goes on to node_admit. */
void brownout_done(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);

/* Client request r failed at its edge, which was down. */
void steering_count_refused(struct cdn *c, const struct req *r, int64_t now);

/* overload.c */
void overload_init(struct cdn *c);
void overload_fini(struct cdn *c);

/* Does node ni turn request s away on arrival (rate_limit, or
 * queue_limit when it would wait)? Then s is answered and gone. */
int overload_refuses(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);
/* s starts its service at ni now, to end at done: arms its timeout. */
void overload_serve(struct cdn *c, uint32_t ni, uint32_t s, int64_t done,
                    int64_t now);
/* s has just joined ni's queue: arms the queue's timeout. */
void overload_queued(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);
/* Has s, just taken from ni's queue, waited past its timeout? Then its
 * 504 is sent and s is gone. */
int overload_expired(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);
void overload_queue_timeout(struct cdn *c, uint32_t ni, int64_t now);
void overload_timed_out(struct cdn *c, uint32_t ni, uint32_t t, int64_t now);

/* upstream_timeout.c: a node's timeout bounds the wait for its parent.
 * Fetch leader s leaves its node now: arms its deadline if the node has
 * a timeout. */
void up_deadline_arm(struct cdn *c, uint32_t s, int64_t now);
/* EV_UP_DEADLINE of leader s at node ni. */
void up_deadline_fire(struct cdn *c, uint32_t ni, uint32_t s, int64_t now);

/* request.c: answers the copy t of a timed-out fetch's leader, with its
 * waiters, with a 504 (or a stale copy, stale-if-error). */
void node_fetch_timed_out(struct cdn *c, uint32_t t, int64_t now);
/* request.c: the late answer to timed-out leader s: stored, not sent. */
void node_late_answer(struct cdn *c, uint32_t s, int64_t now);

/* Measured client request r failed with an overload's code (observe.c). */
void overload_count_client(struct cdn *c, const struct req *r);

#endif
