/* cache_int.h: private to sim/cache: the parameter tables' machinery that
 * the store runs (param.c). */
#ifndef SIM_CACHE_CACHE_INT_H
#define SIM_CACHE_CACHE_INT_H

#include "cache/cache.h"

/* Sets every parameter of the table that has a default in state. A
 * default that does not parse or is out of range is a bug (asserted). */
void cache_param_defaults(const struct cache_param *t, size_t n, void *state);

/* The parameter of the table named key, or NULL. */
const struct cache_param *cache_param_find(const struct cache_param *t,
                                           size_t n, const char *key);

/*
 * Parses kv's value as p describes and stores it in state. Returns 0, or
 * -SIM_EBADVAL with err naming kv's file, line, field and value; state is
 * then unchanged.
 */
int cache_param_set(const struct cache_param *p, const struct cfg_kv *kv,
                    void *state, struct sim_err *err);

/* Writes the table's names, "a, b, c", into buf ("none" if empty). */
void cache_param_names(const struct cache_param *t, size_t n, char *buf,
                       size_t len);

#endif
