/* edge.h: private to sim/model/: what an edge does beyond its cache:
 * compression, transformation and functions (compute.c), a PoP's cache
 * servers (pop.c) and video sessions (video.c). */
#ifndef SIM_MODEL_EDGE_H
#define SIM_MODEL_EDGE_H

#include "model/model_int.h"

/* compute.c: edge compression, transformation and functions. */
int compute_init(struct cdn *c, struct sim_err *err);
void compute_fini(struct cdn *c);
/* Do the rules need cache keys (compressed copies, variants)? */
int compute_needs_keys(const struct cdn *c);
/* Client request s is about to be looked up at its edge: its
 * Accept-Encoding, the copy it asks for and that copy's size. */
void compute_at_node(struct cdn *c, uint32_t s, int64_t now);
/* up, fetched for s (compute_pending), asks upstream for the origin's
 * object, not the copy s's edge produces from it. */
void compute_upstream(struct cdn *c, struct req *up, uint32_t s);
/* Background request b, a copy of s, goes upstream in its place. */
void compute_copy(struct cdn *c, uint32_t b, uint32_t s);
/* A body has come for s (produce): counts the production; returns 1 when
 * its CPU time delays the answer (EV_PRODUCED resumes node_response). */
int compute_produce(struct cdn *c, uint32_t s, int64_t now);
/* s (compute_pending) is answered: counts the compression savings and
 * runs its function; returns 1 when the function delays the answer
 * (EV_FUNCTION_DONE resumes node_respond). */
int compute_respond(struct cdn *c, uint32_t s, int64_t now);

/* pop.c: a PoP's cache servers (cache_servers). c->nodes[ni].cache of
 * such a node is the store of the server and tier the current event is
 * about: pop_select points it there before the lookup, pop_fill before
 * the answer of a fetch is stored, pop_purge at each store in turn. */
struct pop;
int pop_init(struct cdn *c, struct sim_err *err);
void pop_fini(struct cdn *c);
void pop_start_run(struct cdn *c, struct met_run *m);
/* Before request s's lookup at a PoP: the key's server (counted), and
 * its RAM tier when that holds a fresh copy, else its SSD tier. */
void pop_select(struct cdn *c, uint32_t s, int64_t now);
/* Before the answer of r's fetch is stored: the key's server's SSD. */
void pop_fill(struct cdn *c, const struct req *r, int64_t now);
/* A fresh hit o for s at a PoP: counted, promoted from SSD to RAM, and
 * answered after its tier's latency. Returns 1 when s's answer is then
 * scheduled (EV_TIER_READ), 0 when the caller answers now. */
int pop_hit(struct cdn *c, uint32_t s, const struct cache_obj *o, int64_t now);
uint64_t pop_purge(struct cdn *c, uint32_t ni, size_t k, int64_t now);

/* video.c: the workload's video: sessions. init makes c->video (NULL
 * without a video: block); start schedules the first session and gives
 * the run its met_video; answered is told of every client answer of a
 * run with sessions (is_failed: an error, at: when the client has it);
 * move_slot follows a client request copied to another slot (a 504's
 * copy, overload.c); finish sorts the figures. */
void video_init(struct cdn *c);
void video_fini(struct cdn *c);
void video_start(struct cdn *c, struct met_run *m);
void video_step(struct cdn *c, uint32_t session, uint64_t step, int64_t now);
void video_answered(struct cdn *c, const struct req *r, int is_failed,
                    int64_t at);
void video_move_slot(struct cdn *c, uint32_t from, uint32_t to);
void video_finish(struct cdn *c);

#endif
