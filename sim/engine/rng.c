/* rng.c: per-component random streams derived from the run's seed. */
#include "engine/engine.h"

#include "util/err.h"
#include "util/hash.h"

/* MT19937's constants (Matsumoto and Nishimura, "Mersenne Twister: a
 * 623-dimensionally equidistributed uniform pseudo-random number
 * generator", ACM TOMACS 8(1), 1998): the recurrence's middle offset, its
 * twist matrix, and the split of a word into its top bit and the rest. */
#define MT_M 397
#define MT_MATRIX 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

static inline uint32_t
mt_twist(uint32_t hi, uint32_t lo, uint32_t far)
{
    uint32_t y = (hi & MT_UPPER) | (lo & MT_LOWER);
    return far ^ (y >> 1) ^ ((y & 1u) ? MT_MATRIX : 0u);
}

void
sim_mt_refill(struct sim_mt *s)
{
    /* The whole block of N words at once, as in the paper's reference
     * code; word i takes words i+1 and i+M, wrapping round. */
    uint32_t *mt = s->mt;
    int i = 0;
    for (; i < SIM_MT_N - MT_M; i++)
        mt[i] = mt_twist(mt[i], mt[i + 1], mt[i + MT_M]);
    for (; i < SIM_MT_N - 1; i++)
        mt[i] = mt_twist(mt[i], mt[i + 1], mt[i + MT_M - SIM_MT_N]);
    mt[SIM_MT_N - 1] = mt_twist(mt[SIM_MT_N - 1], mt[0], mt[MT_M - 1]);
    s->next = 0;
}

/*
 * Seeding as the authors' 2002 revision (init_genrand), which is also
 * what GSL's gsl_rng_mt19937 does, seed 0 meaning GSL's default 4357:
 * the streams are the very numbers GSL's generator of the same name gave
 * for the same seed, so runs are unchanged since cdnsim used it.
 */
static void
mt_set(void *state, unsigned long seed)
{
    struct sim_mt *s = state;
    uint32_t x = (uint32_t)(seed ? seed : 4357);
    s->mt[0] = x;
    for (uint32_t i = 1; i < SIM_MT_N; i++) {
        x = 1812433253u * (x ^ (x >> 30)) + i;
        s->mt[i] = x;
    }
    s->next = SIM_MT_N;
}

static unsigned long
mt_get(void *state)
{
    return sim_mt_next(state);
}

static double
mt_get_double(void *state)
{
    return sim_mt_next(state) / 4294967296.0;
}

/* The generator as a GSL type, so that GSL's distributions (the
 * ziggurat, discrete tables) draw from the same stream; its range is
 * GSL's mt19937's, which those functions read. */
static const gsl_rng_type sim_mt_type = {
    "cdnsim-mt19937", 0xffffffffUL, 0, sizeof(struct sim_mt), mt_set,
    mt_get,           mt_get_double};

gsl_rng *
sim_rng_new(uint64_t run_seed, uint64_t component_id)
{
    /* mt19937: well studied, and GSL's default; a fixed choice keeps runs
     * comparable across machines and GSL versions. */
    gsl_rng *r = gsl_rng_alloc(&sim_mt_type);
    SIM_ASSERT(r != NULL);
    uint64_t s = hash_combine(run_seed, component_id);
    /* GSL treats seed 0 as its default seed; avoid aliasing with 1. */
    gsl_rng_set(r, (unsigned long)(s ? s : 1));
    return r;
}
