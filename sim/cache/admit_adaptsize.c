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
#include "engine/engine.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

struct adaptsize_state {
    uint64_t c_bytes; /* the size scale c (parameter) */
};

static int
adaptsize_admit(struct admit_filter *f, uint64_t key, uint64_t size)
{
    (void)key;
    const struct adaptsize_state *s = f->state;
    double p = exp(-(double)size / (double)s->c_bytes);
    return sim_rng_uniform(f->rng) < p;
}

static const struct cache_param adaptsize_params[] = {
    {.name = "c",
     .type = CACHE_PARAM_SIZE,
     .min = 1,
     .max = 0x1p64,
     .def = "256KiB",
     .help = "the size scale: larger objects are rarely stored",
     .offset = offsetof(struct adaptsize_state, c_bytes)},
};

const struct admit_ops admit_adaptsize_ops = {
    .name = "adaptsize",
    .abi = ADMIT_ABI,
    .summary = "stores an object of size s with probability exp(-s/c) "
               "(AdaptSize, fixed c)",
    .params = adaptsize_params,
    .n_params = sizeof adaptsize_params / sizeof adaptsize_params[0],
    .state_size = sizeof(struct adaptsize_state),
    .admit = adaptsize_admit,
};
