/* content.h: private to sim/model/: what a node holds and how it changes:
 * purges and pushes (content.c), cache keys (cache_key.c), staged purges
 * (purge_order.c) and placements (placement.c). key_object, on the path
 * of every request, stays in model_int.h. */
#ifndef SIM_MODEL_CONTENT_H
#define SIM_MODEL_CONTENT_H

#include "model/model_int.h"

/* content.c */
int content_init(struct cdn *c, struct sim_err *err);
void content_fini(struct cdn *c);
int purged_since_stored(const struct cdn *c, const struct cache_obj *o,
                        int64_t now);
void node_purge(struct cdn *c, uint32_t ni, size_t k, int64_t now);
/* Purge event k in the store c->nodes[ni].cache points at; returns the
 * copies purged (content.c). */
uint64_t purge_store(struct cdn *c, uint32_t ni, size_t k, int64_t now);
void node_push(struct cdn *c, uint32_t ni, size_t k, int64_t now);

/* cache_key.c: variants and query strings in cache keys. */
int cache_key_init(struct cdn *c, struct sim_err *err);
void cache_key_fini(struct cdn *c);
/* The key of client request p: its object, variant and query string. */
uint64_t cache_key_draw(struct cdn *c, const struct wl_request *p);
/* Request s is about to be looked up at its node: its key there. */
void cache_key_at_node(struct cdn *c, uint32_t s, int64_t now);
/* The keys and objects each node holds at the end of the run. */
void cache_key_end(struct cdn *c);
/* Does purge event k select object (purge_order.c)? */
int purge_event_selects(const struct cdn *c, size_t k, uint64_t object);

/* purge_order.c: staged and targeted purges. */
int purge_order_init(struct cdn *c, struct sim_err *err);
void purge_order_fini(struct cdn *c);
/* Schedules purge event k's arrival at every node it targets. */
void purge_order_schedule(struct cdn *c, size_t k);
void purge_order_check_refill(struct cdn *c, const struct req *r, int64_t now);

/* placement.c: where copies are kept (a node's placement:). */
void placement_init(struct cdn *c);
void placement_fini(struct cdn *c);
/* The body of s's answer goes down to its child request: decides
 * whether the child's node stores it, and moves an exclusive node's copy
 * down. Called only when c->placement is set. */
void placement_hand_down(struct cdn *c, uint32_t s, int64_t now);
/* ANSWER_BODY at s's node when c->placement is set: does the node's
 * placement keep the body (then it is offered to the store)? A declined
 * body is counted and narrated here. */
int placement_keeps(struct cdn *c, uint32_t s, int64_t now);

#endif
