/* policy_params.c: the replay's caches with per-policy parameters. */
#include "replay/policy_params.h"

#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "util/xalloc.h"

struct cache_store *
replay_cache_new(const struct replay_opts *o, size_t p,
                 const struct admit_ops *adm, uint64_t cap, struct sim_err *err)
{
    const struct policy_ops *ops = policy_find(o->policies[p]);
    const struct replay_policy_params *pp =
        o->policy_params ? o->policy_params[p] : NULL;
    if (pp == NULL || pp->n == 0)
        return cache_new_admit(ops, adm, cap, o->admission_params,
                               o->n_admission_params, o->seed, err);
    /* One list, as a topology's cache mapping gives it: the store sends
     * each key to the filter if its table has it, else to the policy. */
    size_t n = o->n_admission_params + pp->n;
    struct cfg_kv *kv = xmalloc(n * sizeof *kv);
    if (o->n_admission_params > 0)
        memcpy(kv, o->admission_params, o->n_admission_params * sizeof *kv);
    memcpy(kv + o->n_admission_params, pp->kv, pp->n * sizeof *kv);
    struct cache_store *c = cache_new_admit(ops, adm, cap, kv, n, o->seed, err);
    free(kv);
    return c;
}
