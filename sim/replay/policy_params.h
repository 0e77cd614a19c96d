/* policy_params.h: private to sim/replay: a replay cache made with its
 * policy's own parameters (--policy lhd:samples=16) besides the admission
 * filter's. */
#ifndef SIM_REPLAY_POLICY_PARAMS_H
#define SIM_REPLAY_POLICY_PARAMS_H

#include "replay/replay.h"

struct admit_ops;

/*
 * The store for policy number p of o at capacity cap, behind filter adm
 * (NULL = always): cache_new_admit with the admission parameters followed
 * by the policy's. NULL with err filled on a bad parameter or a start()
 * error.
 */
struct cache_store *replay_cache_new(const struct replay_opts *o, size_t p,
                                     const struct admit_ops *adm, uint64_t cap,
                                     struct sim_err *err);

#endif
