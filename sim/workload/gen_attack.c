/* gen_attack.c: the requests of arrival.attacks (cfg_attack): Poisson
 * arrivals at the attack's rate over its span, each for a fresh random
 * object id of its own range (a cache-busting URL) from a region drawn by
 * weight. Each attack draws from its own stream (WL_RNG_ATTACK), and the
 * merge puts attacks after every other source, so the other sources
 * draw, and their requests come, exactly as without the attack. */
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "util/xalloc.h"
#include "workload/gen_int.h"

int
wl_attack_check(const struct wl_gen *g, struct sim_err *err)
{
    for (size_t k = 0; k < g->w->n_attacks; k++) {
        const struct cfg_attack *a = &g->w->attacks[k];
        if (a->region != NULL && wl_region_index(g, a->region) < 0)
            return wl_unknown_region(g, a->region, &a->mark, a->field, err);
    }
    return 0;
}

void
wl_attack_init(struct wl_gen *g)
{
    const struct cfg_workload *w = g->w;
    g->attacks = xcalloc(w->n_attacks, sizeof *g->attacks);
    for (size_t k = 0; k < w->n_attacks; k++) {
        const struct cfg_attack *a = &w->attacks[k];
        struct wl_attack_src *s = &g->attacks[k];
        s->rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_ATTACK, k));
        s->mean_gap_ns = 1e9 / a->rate;
        s->last_at = a->at;
        s->region = a->region ? wl_region_index(g, a->region) : -1;
        s->end_at = a->at > WL_NEVER - a->duration_ns ? WL_NEVER
                                                      : a->at + a->duration_ns;
    }
}

void
wl_attack_fini(struct wl_gen *g)
{
    for (size_t k = 0; g->attacks != NULL && k < g->w->n_attacks; k++)
        gsl_rng_free(g->attacks[k].rng);
    free(g->attacks);
    g->attacks = NULL;
}

void
wl_attack_advance(struct wl_gen *g, size_t k)
{
    struct wl_attack_src *s = &g->attacks[k];
    struct wl_request *out = &g->next[WL_SRC_ATTACK(g, k)];
    /* The exponential gap with its sub-ns remainder carried (as
     * wl_clock_step does), at a constant rate. */
    double gap = gsl_ran_exponential(s->rng, s->mean_gap_ns) + s->carry_ns;
    double whole = floor(gap);
    s->carry_ns = gap - whole;
    if (s->last_at >= s->end_at || whole >= (double)(s->end_at - s->last_at)) {
        s->last_at = s->end_at;
        out->at = WL_NEVER;
        return;
    }
    s->last_at += (int64_t)whole;
    uint64_t salt = gsl_rng_get(s->rng) ^ ((uint64_t)gsl_rng_get(s->rng) << 32);
    uint64_t id = CFG_ATTACK_FIRST_ID | ((uint64_t)k << CFG_ATTACK_ID_BITS) |
                  (salt & (((uint64_t)1 << CFG_ATTACK_ID_BITS) - 1));
    out->at = s->last_at;
    wl_fill_object(g, g->w->attacks[k].class_idx, id, out);
    out->region =
        s->region >= 0 ? (uint32_t)s->region : wl_pick_region(g, s->rng);
}
