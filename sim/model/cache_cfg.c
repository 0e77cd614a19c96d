/* cache_cfg.c: a node's cache store from the topology's cache mapping.
 *
 * The store (sim/cache/) takes policy and filter operations and located
 * parameters but knows nothing of the topology's types; turning a
 * struct cfg_cache into a store, and locating the store's errors in the
 * topology file, is the model's job.
 */
#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "util/xalloc.h"

/* Gives an error that has no input position (from a start() hook) the
 * position of the cache mapping, and its field path under the mapping. */
static void
locate_err(const struct cfg_cache *cc, struct sim_err *err)
{
    if (err == NULL || err->file[0] != '\0' || err->line != 0)
        return;
    char field[sizeof err->field + 256], msg[sizeof err->msg];
    if (err->field[0])
        snprintf(field, sizeof field, "%s.%s", cc->field, err->field);
    else
        snprintf(field, sizeof field, "%s", cc->field);
    memcpy(msg, err->msg, sizeof msg);
    sim_err_set(err, err->code, cc->policy_mark.file, cc->policy_mark.line,
                cc->policy_mark.col, field, "%s", msg);
}

struct cache_store *
cache_new_from_cfg(const struct cfg_cache *cc, uint64_t rng_seed,
                   struct sim_err *err)
{
    const struct policy_ops *ops = policy_find(cc->policy);
    if (ops == NULL) {
        char names[1024];
        policy_names(names, sizeof names);
        char *field = xasprintf("%s.policy", cc->field);
        sim_err_set(err, -SIM_EBADVAL, cc->policy_mark.file,
                    cc->policy_mark.line, cc->policy_mark.col, field,
                    "unknown policy \"%s\" (known: %s)", cc->policy, names);
        free(field);
        return NULL;
    }
    const struct admit_ops *adm = NULL;
    if (cc->admission != NULL && (adm = admit_find(cc->admission)) == NULL) {
        char names[1024];
        admit_names(names, sizeof names);
        char *field = xasprintf("%s.admission", cc->field);
        sim_err_set(err, -SIM_EBADVAL, cc->policy_mark.file,
                    cc->policy_mark.line, cc->policy_mark.col, field,
                    "unknown admission \"%s\" (known: %s)", cc->admission,
                    names);
        free(field);
        return NULL;
    }
    struct cache_store *c = cache_new_admit(
        ops, adm, cc->capacity_bytes, cc->params, cc->n_params, rng_seed, err);
    if (c == NULL)
        locate_err(cc, err);
    return c;
}
