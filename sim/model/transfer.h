/* transfer.h: private to sim/model/: links with a capacity (shared.c)
 * and links whose latency is a mapping (hop.c). */
#ifndef SIM_MODEL_TRANSFER_H
#define SIM_MODEL_TRANSFER_H

#include "model/model_int.h"

/* shared.c: links with a capacity. */
/* hop.c: links whose latency is a mapping. */
void hop_init(struct cdn *c);
void hop_fini(struct cdn *c);
/* Fetch u leaves over hop h at now: its delay to the parent, or
 * HOP_WAITS when it waits for a pooled connection (pool_full: wait);
 * hop.c then sends it itself (EV_REQ_AT) when a connection frees up. */
#define HOP_WAITS (-1)
int64_t hop_up_ns(struct cdn *c, int32_t h, uint32_t u, int64_t now);
/* The answer to fetch u leaves its parent over h at now: its delay down,
 * and the fetch's connection is released. */
int64_t hop_down_ns(struct cdn *c, int32_t h, uint32_t u, int64_t now);
/* Request to, a copy of from, answers in its stead: it takes from's
 * drawn way down (if from came over a hop). */
void hop_copy_down(struct cdn *c, uint32_t from, uint32_t to);
int64_t hop_last_mile(struct cdn *c, const struct cfg_region_link *l);

void shared_init(struct cdn *c);
void shared_fini(struct cdn *c);
void shared_start_run(struct cdn *c, struct met_run *m);
void shared_measure_from(struct cdn *c, int64_t now);
/* Starts request s's body on shared link k at now; payload is what
 * shared_done hands on when it has crossed (see XFER_CLIENT). */
void shared_send(struct cdn *c, int32_t k, int64_t now, uint32_t s,
                 uint64_t payload);
/* Link k's completion event of generation gen fires at now. */
void shared_done(struct cdn *c, uint32_t k, uint32_t gen, int64_t now);

#endif
