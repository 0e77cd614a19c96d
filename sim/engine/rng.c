/* rng.c: per-component GSL random streams derived from the run's seed. */
#include "engine/engine.h"

#include "util/err.h"
#include "util/hash.h"

gsl_rng *
sim_rng_new(uint64_t run_seed, uint64_t component_id)
{
    /* mt19937: well studied, and GSL's default; a fixed choice keeps runs
     * comparable across machines and GSL versions. */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    SIM_ASSERT(r != NULL);
    uint64_t s = hash_combine(run_seed, component_id);
    /* GSL treats seed 0 as its default seed; avoid aliasing with 1. */
    gsl_rng_set(r, (unsigned long)(s ? s : 1));
    return r;
}
