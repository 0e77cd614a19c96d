/* admit_adaptsize.c: probabilistic size-aware admission, as in AdaptSize.
 *
 * Source: Berger, Sitaraman, Harchol-Balter, "AdaptSize: Orchestrating the
 * hot object memory cache in a content delivery network", NSDI 2017,
 * section 4: an object of size s is admitted with probability e^(-s/c).
 * Small objects are almost always stored, objects much larger than c
 * almost never, and a large object that keeps coming back is eventually
 * stored anyway, which a hard size threshold never allows.
 * XXX: AdaptSize re-tunes c every interval with a Markov model of the
 * cache; here c is a fixed parameter.
 * Cost: O(1) per miss (one exp and one uniform draw from the filter's own
 * random stream, so runs are reproducible).
 */
#include "cache/cache.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "util/parse.h"

struct adaptsize_state {
    uint64_t c_bytes; /* the size scale c; 0 until configured or started */
};

static int
adaptsize_configure(struct admit_filter *f, const struct cfg_kv *kv,
                    struct sim_err *err)
{
    struct adaptsize_state *s = f->state;
    if (strcmp(kv->key, "c") != 0)
        return ADMIT_NOT_MINE;
    uint64_t v;
    if (parse_size(kv->value, &v) != 0 || v == 0)
        return sim_err_set(err, -SIM_EBADVAL, kv->mark.file, kv->mark.line,
                           kv->mark.col, kv->field,
                           "expected a positive size such as \"256KiB\", "
                           "got \"%s\"",
                           kv->value);
    s->c_bytes = v;
    return 0;
}

static int
adaptsize_start(struct admit_filter *f, struct sim_err *err)
{
    (void)err;
    struct adaptsize_state *s = f->state;
    if (s->c_bytes == 0)
        s->c_bytes = 256 * 1024;
    return 0;
}

static int
adaptsize_admit(struct admit_filter *f, uint64_t key, uint64_t size)
{
    (void)key;
    const struct adaptsize_state *s = f->state;
    double p = exp(-(double)size / (double)s->c_bytes);
    return gsl_rng_uniform(f->rng) < p;
}

const struct admit_ops admit_adaptsize_ops = {
    .name = "adaptsize",
    .abi = ADMIT_ABI,
    .summary = "stores an object of size s with probability exp(-s/c) "
               "(AdaptSize, fixed c)",
    .params = "c=256KiB (size scale: larger objects are rarely stored)",
    .state_size = sizeof(struct adaptsize_state),
    .configure = adaptsize_configure,
    .start = adaptsize_start,
    .admit = adaptsize_admit,
};
