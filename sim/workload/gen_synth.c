/* gen_synth.c: synthetic traffic: one Poisson source per region over the
 * catalog's classes, and one per flash crowd.
 *
 * A region's request picks a class by share, a rank from the class's Zipf
 * law, and maps the rank to an object through a scrambled ranking: the
 * class's global one or, with regional locality, with probability
 * 1 - overlap the region's own (an independent permutation). A region's
 * popularity is so the mixture overlap x global + (1 - overlap) x own.
 *
 * Every draw comes from the source's own streams, in a fixed order, and a
 * workload without classes, locality or a rate shape draws exactly what
 * the generator drew before they existed: the same seed gives the same
 * requests as in earlier versions.
 */
#include "workload/gen_int.h"

#include <stdlib.h>

#include "engine/engine.h"
#include "util/hash.h"
#include "util/xalloc.h"

/* The scrambler key of class k's global ranking; class 0 keeps the key
 * the one-catalog generator always used. */
static uint64_t
class_key(uint64_t seed, size_t k)
{
    uint64_t key = hash_combine(seed, WL_SALT_CLASS);
    return k == 0 ? key : hash_combine(key, (uint64_t)k);
}

void
wl_synth_init(struct wl_gen *g, const double *region_weights)
{
    const struct cfg_workload *w = g->w;
    size_t nc = w->n_classes;
    g->zipf = xcalloc(nc, sizeof *g->zipf);
    g->zipf_table = xcalloc(nc, sizeof *g->zipf_table);
    g->scrambler = xcalloc(nc, sizeof *g->scrambler);
    g->rank_memo = xcalloc(nc, sizeof *g->rank_memo);
    g->n_memo_ranks = xcalloc(nc, sizeof *g->n_memo_ranks);
    double *shares = xcalloc(nc, sizeof *shares);
    for (size_t k = 0; k < nc; k++) {
        const struct cfg_class *c = &w->classes[k];
        wl_zipf_init(&g->zipf[k], c->n_objects, c->zipf_alpha);
        wl_zipf_table_init(&g->zipf_table[k]);
        wl_scrambler_init(&g->scrambler[k], c->n_objects,
                          class_key(w->seed, k));
        shares[k] = c->share;
        g->n_memo_ranks[k] = c->n_objects < WL_RANK_MEMO_RANKS
                                 ? (uint32_t)c->n_objects
                                 : WL_RANK_MEMO_RANKS;
        g->rank_memo[k] = xcalloc(g->n_memo_ranks[k], sizeof *g->rank_memo[k]);
    }
    if (nc > 1) {
        g->class_table = gsl_ran_discrete_preproc(nc, shares);
        SIM_ASSERT(g->class_table != NULL); /* shares are > 0 */
    }
    free(shares);
    g->factor_max = wl_rate_factor_max(w);

    double total = 0;
    for (uint32_t r = 0; r < g->n_regions; r++)
        total += region_weights[r];
    g->regions = xcalloc(g->n_regions, sizeof *g->regions);
    for (uint32_t r = 0; r < g->n_regions; r++) {
        struct wl_region_src *s = &g->regions[r];
        s->clock.rng = sim_rng_new(w->seed, SIM_RNG_ID(SIM_RNG_ARRIVAL, r));
        s->popularity = sim_rng_new(w->seed, SIM_RNG_ID(SIM_RNG_POPULARITY, r));
        s->next_u = -1;
        double rate = w->rate * region_weights[r] / total * g->factor_max;
        s->clock.mean_gap_ns = 1e9 / rate;
        if (nc > 1)
            s->class_rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_CLASS, r));
        s->overlap = 1;
    }

    g->flash = xcalloc(w->n_flash ? w->n_flash : 1, sizeof *g->flash);
    for (size_t k = 0; k < w->n_flash; k++) {
        const struct cfg_flash *f = &w->flash[k];
        struct wl_flash_src *s = &g->flash[k];
        s->clock.rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_FLASH, k));
        s->clock.mean_gap_ns =
            1e9 / ((f->multiplier - 1) * w->rate * g->factor_max);
        s->clock.last_at = f->at;
        s->end_at = f->at > WL_NEVER - f->duration_ns ? WL_NEVER
                                                      : f->at + f->duration_ns;
        wl_zipf_init(&s->zipf, f->n_objects, f->zipf_alpha);
        wl_scrambler_init(&s->scrambler, f->n_objects,
                          hash_combine(w->seed ^ WL_SALT_FLASH, k));
    }
}

/* Called by gen.c once the overlaps are known: regions ranking objects
 * partly their own way get their own scramblers and stream. */
static void
synth_locality(struct wl_gen *g, uint32_t r)
{
    const struct cfg_workload *w = g->w;
    struct wl_region_src *s = &g->regions[r];
    if (s->overlap >= 1 || s->own != NULL)
        return;
    s->locality_rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_LOCALITY, r));
    s->own = xcalloc(w->n_classes, sizeof *s->own);
    for (size_t k = 0; k < w->n_classes; k++)
        wl_scrambler_init(&s->own[k], w->classes[k].n_objects,
                          hash_combine(class_key(w->seed, k) ^ WL_SALT_LOCALITY,
                                       (uint64_t)r + 1));
}

void
wl_synth_fini(struct wl_gen *g)
{
    for (uint32_t r = 0; g->regions != NULL && r < g->n_regions; r++) {
        struct wl_region_src *s = &g->regions[r];
        gsl_rng_free(s->clock.rng);
        gsl_rng_free(s->popularity);
        if (s->class_rng)
            gsl_rng_free(s->class_rng);
        if (s->locality_rng)
            gsl_rng_free(s->locality_rng);
        free(s->own);
    }
    free(g->regions);
    for (size_t k = 0; g->flash != NULL && k < g->w->n_flash; k++)
        gsl_rng_free(g->flash[k].clock.rng);
    free(g->flash);
    if (g->class_table)
        gsl_ran_discrete_free(g->class_table);
    for (size_t k = 0; g->rank_memo != NULL && k < g->w->n_classes; k++)
        free(g->rank_memo[k]);
    free(g->rank_memo);
    free(g->n_memo_ranks);
    for (size_t k = 0; g->zipf_table != NULL && k < g->w->n_classes; k++)
        wl_zipf_table_fini(&g->zipf_table[k]);
    free(g->zipf_table);
    free(g->zipf);
    free(g->scrambler);
}

/* Fills *out for the object at rank of class k's global ranking, through
 * the class's memo. */
static void
fill_ranked(struct wl_gen *g, size_t k, uint64_t rank, struct wl_request *out)
{
    const struct cfg_class *c = &g->w->classes[k];
    struct wl_rank_memo *m = &g->rank_memo[k][rank - 1];
    if (m->size != 0) {
        wl_fill_object_sized(g, k, c->first_id + m->offset, m->size, out);
        return;
    }
    uint64_t offset = wl_scramble(&g->scrambler[k], rank - 1);
    uint64_t size = wl_object_size(&c->size, c->first_id + offset, g->w->seed);
    m->offset = (uint32_t)offset; /* < rank <= WL_RANK_MEMO_RANKS */
    m->size = size <= UINT32_MAX ? (uint32_t)size : 0;
    wl_fill_object_sized(g, k, c->first_id + offset, size, out);
}

/* A rank of class k from region s's popularity stream, which gives
 * nothing else: its first uniform was drawn ahead (next_u), and the next
 * one is drawn here and its table bucket prefetched. The stream's numbers
 * are consumed in the same order as by wl_zipf_sample alone. */
static uint64_t
draw_rank(struct wl_gen *g, struct wl_region_src *s, size_t k)
{
    if (s->next_u < 0)
        s->next_u = sim_rng_uniform(s->popularity);
    uint64_t rank = wl_zipf_table_sample(&g->zipf_table[k], &g->zipf[k],
                                         s->popularity, s->next_u);
    s->next_u = sim_rng_uniform(s->popularity);
    wl_zipf_table_prefetch(&g->zipf_table[k], s->next_u);
    return rank;
}

/* Region r's next request. */
static void
region_advance(struct wl_gen *g, uint32_t r)
{
    struct wl_region_src *s = &g->regions[r];
    struct wl_request *out = &g->next[r];
    if (s->overlap < 1 && s->own == NULL)
        synth_locality(g, r);
    if (!wl_clock_step(&s->clock, g->w, g->factor_max, g->stop)) {
        out->at = WL_NEVER;
        return;
    }
    size_t k = 0;
    uint64_t rank;
    if (g->class_table != NULL) {
        k = gsl_ran_discrete(s->class_rng, g->class_table);
        rank = draw_rank(g, s, k);
    } else {
        /* One class: the next request's rank is drawn now, a request
         * ahead, so that its memo entry is on its way (see next_u). */
        rank = s->rank_ahead != 0 ? s->rank_ahead : draw_rank(g, s, 0);
        s->rank_ahead = draw_rank(g, s, 0);
        if (s->rank_ahead <= g->n_memo_ranks[0])
            __builtin_prefetch(&g->rank_memo[0][s->rank_ahead - 1]);
    }
    const struct wl_scrambler *sc = &g->scrambler[k];
    if (s->own != NULL && sim_rng_uniform(s->locality_rng) >= s->overlap)
        sc = &s->own[k];
    out->at = s->clock.last_at;
    if (sc == &g->scrambler[k] && rank <= g->n_memo_ranks[k])
        fill_ranked(g, k, rank, out);
    else
        wl_fill_object(
            g, k, g->w->classes[k].first_id + wl_scramble(sc, rank - 1), out);
    out->region = r;
}

/* Flash crowd k's next extra request. */
static void
flash_advance(struct wl_gen *g, size_t k)
{
    const struct cfg_flash *f = &g->w->flash[k];
    struct wl_flash_src *s = &g->flash[k];
    struct wl_request *out = &g->next[WL_SRC_FLASH(g, k)];
    if (s->clock.last_at >= s->end_at ||
        !wl_clock_step(&s->clock, g->w, g->factor_max, g->stop) ||
        s->clock.last_at >= s->end_at) {
        s->clock.last_at = s->end_at;
        out->at = WL_NEVER;
        return;
    }
    uint64_t rank = wl_zipf_sample(&s->zipf, s->clock.rng);
    out->at = s->clock.last_at;
    wl_fill_object(g, f->class_idx,
                   f->first_id + wl_scramble(&s->scrambler, rank - 1), out);
    out->region = wl_pick_region(g, s->clock.rng);
}

void
wl_synth_advance(struct wl_gen *g, uint32_t i)
{
    if (i < g->n_regions)
        region_advance(g, i);
    else
        flash_advance(g, i - g->n_regions);
}
