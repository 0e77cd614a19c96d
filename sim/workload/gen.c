/* gen.c: the workload source: building it for a workload, merging its
 * sources in time order, and what every kind of source shares (the rate
 * over the day, Poisson clocks, objects' sizes, TTLs and versions). */
#include "workload/gen_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define NS_PER_HOUR 3600000000000.0
#define PI 3.14159265358979323846

double
wl_rate_factor(const struct cfg_workload *w, int64_t t_ns)
{
    if (w->rate_shape == CFG_RATE_CONSTANT)
        return 1.0;
    double h = w->start_hour + (double)t_ns / NS_PER_HOUR;
    if (w->rate_shape == CFG_RATE_SINUSOID) {
        double r = w->peak_to_trough;
        double a = (r - 1.0) / (r + 1.0);
        return 1.0 + a * cos(2.0 * PI * (h - w->peak_hour) / 24.0);
    }
    double k = fmod(floor(h), (double)w->n_hourly);
    return w->hourly[(size_t)k] / w->rate;
}

double
wl_rate_factor_max(const struct cfg_workload *w)
{
    if (w->rate_shape == CFG_RATE_SINUSOID) {
        double r = w->peak_to_trough;
        return 1.0 + (r - 1.0) / (r + 1.0);
    }
    if (w->rate_shape == CFG_RATE_HOURLY) {
        double m = 0;
        for (size_t k = 0; k < w->n_hourly; k++)
            if (w->hourly[k] > m)
                m = w->hourly[k];
        return m / w->rate;
    }
    return 1.0;
}

int
wl_clock_step(struct wl_clock *c, const struct cfg_workload *w,
              double factor_max, volatile sig_atomic_t *stop)
{
    for (uint64_t candidates = 1;; candidates++) {
        /* Thinning through a long stretch of a very low rate can take
         * many candidates per arrival. */
        if (candidates % WL_STOP_EVERY == 0 && WL_STOPPED(stop)) {
            c->last_at = WL_NEVER;
            return 0;
        }
        double gap = wl_exponential(c->rng, c->mean_gap_ns) + c->carry_ns;
        double whole = wl_floor(gap);
        c->carry_ns = gap - whole;
        /* A source so slow that its next arrival lies past the simulated
         * clock's range (2^62 ns, 146 years) has no next arrival. */
        if (whole >= (double)(WL_NEVER - c->last_at)) {
            c->last_at = WL_NEVER;
            return 0;
        }
        c->last_at += (int64_t)whole;
        if (w->rate_shape == CFG_RATE_CONSTANT)
            return 1;
        if (sim_rng_uniform(c->rng) * factor_max <
            wl_rate_factor(w, c->last_at))
            return 1;
    }
}

const struct cfg_class *
wl_class_of(const struct wl_gen *g, uint64_t id)
{
    const struct cfg_workload *w = g->w;
    if (id < w->n_objects) {
        size_t lo = 0, hi = w->n_classes - 1;
        while (lo < hi) { /* the last class whose first id is <= id */
            size_t mid = hi - (hi - lo) / 2;
            if (w->classes[mid].first_id <= id)
                lo = mid;
            else
                hi = mid - 1;
        }
        return &w->classes[lo];
    }
    if (wl_chunk_parent(w, id) != id) /* a chunk: its object's class */
        return wl_class_of(g, wl_chunk_parent(w, id));
    if (id >= CFG_ATTACK_FIRST_ID)
        return &w->classes[w->attacks[(id - CFG_ATTACK_FIRST_ID) >>
                                      CFG_ATTACK_ID_BITS]
                               .class_idx];
    for (size_t k = 0; k < w->n_flash; k++)
        if (id - w->flash[k].first_id < w->flash[k].n_objects)
            return &w->classes[w->flash[k].class_idx];
    return &w->classes[w->churn.class_idx];
}

uint32_t
wl_change_version(const struct cfg_workload *w, uint64_t object,
                  int64_t interval_ns, int64_t at)
{
    if (interval_ns <= 0)
        return 0;
    object = wl_chunk_parent(w, object); /* a chunk changes with its object */
    uint64_t iv = (uint64_t)interval_ns;
    uint64_t phase = hash_combine(w->seed ^ WL_SALT_VERSION, object) % iv;
    return (uint32_t)((((uint64_t)at + phase) / iv) & 0x7fffffffu);
}

void
wl_fill_object(const struct wl_gen *g, size_t k, uint64_t id,
               struct wl_request *out)
{
    wl_fill_object_sized(
        g, k, id, wl_object_size(&g->w->classes[k].size, id, g->w->seed), out);
}

void
wl_fill_object_sized(const struct wl_gen *g, size_t k, uint64_t id,
                     uint64_t size, struct wl_request *out)
{
    const struct cfg_workload *w = g->w;
    const struct cfg_class *c = &w->classes[k];
    out->object = id;
    out->size = size;
    out->ttl_ns = cfg_class_ttl(c);
    out->swr_ns = c->swr_ns;
    out->sie_ns = c->sie_ns;
    out->class_id = (uint16_t)k;
    out->is_uncacheable = !c->is_cacheable;
    if (!w->has_explicit_classes) {
        /* The catalog's own change_interval is the model's to apply. */
        out->version = WL_NO_VERSION;
    } else if (c->change_interval_ns > 0) {
        /* Each object changes every interval at its own phase, the same
         * rule the model applies to catalog.change_interval. */
        out->version = wl_change_version(w, id, c->change_interval_ns, out->at);
    } else {
        out->version = 0; /* immutable */
    }
}

uint32_t
wl_pick_region(const struct wl_gen *g, gsl_rng *rng)
{
    if (g->region_table == NULL)
        return 0;
    return (uint32_t)gsl_ran_discrete(rng, g->region_table);
}

int32_t
wl_region_index(const struct wl_gen *g, const char *name)
{
    for (uint32_t r = 0; r < g->n_regions; r++)
        if (strcmp(g->region_names[r], name) == 0)
            return (int32_t)r;
    return -1;
}

int
wl_unknown_region(const struct wl_gen *g, const char *region,
                  const struct cfg_mark *mark, const char *field,
                  struct sim_err *err)
{
    char known[256];
    size_t n = 0;
    known[0] = '\0';
    for (uint32_t j = 0; j < g->n_regions && n < sizeof known; j++)
        n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
                              j ? ", " : "", g->region_names[j]);
    return sim_err_set(
        err, -SIM_ENOENT, mark->file, mark->line, mark->col, field,
        "the topology has no region \"%s\" (its regions: %s)", region, known);
}

/* Resolves catalog.locality.regions against the topology's regions. */
static int
resolve_overlaps(struct wl_gen *g, double *overlap, struct sim_err *err)
{
    const struct cfg_workload *w = g->w;
    for (uint32_t r = 0; r < g->n_regions; r++)
        overlap[r] = w->overlap;
    for (size_t k = 0; k < w->n_overlaps; k++) {
        const struct cfg_overlap *o = &w->overlaps[k];
        int32_t r = wl_region_index(g, o->region);
        if (r < 0)
            return wl_unknown_region(g, o->region, &o->mark, o->field, err);
        overlap[r] = o->overlap;
    }
    return 0;
}

int
wl_gen_new(const struct cfg_workload *w, const char *const *region_names,
           const double *region_weights, uint32_t n_regions,
           struct wl_gen **out, struct sim_err *err)
{
    *out = NULL;
    SIM_ASSERT(n_regions > 0);
    struct wl_gen *g = xcalloc(1, sizeof *g);
    g->w = w;
    g->n_regions = n_regions;
    g->region_names = xcalloc(n_regions, sizeof *g->region_names);
    for (uint32_t r = 0; r < n_regions; r++)
        g->region_names[r] = xstrdup(region_names[r]);
    if (n_regions > 1) {
        g->region_table = gsl_ran_discrete_preproc(n_regions, region_weights);
        SIM_ASSERT(g->region_table != NULL); /* weights are > 0 */
    }
    int rc = 0;
    if (w->trace.is_set) {
        g->n_src = 1;
        g->next = xcalloc(1, sizeof *g->next);
        wl_purge_index_init(g); /* before the first record is read */
        rc = wl_trace_init(g, err);
        if (rc == 0 && (rc = wl_trace_advance(g)) < 0)
            *err = g->err;
        if (rc >= 0)
            rc = 0;
    } else {
        double *overlap = xcalloc(n_regions, sizeof *overlap);
        rc = resolve_overlaps(g, overlap, err);
        if (rc == 0)
            rc = wl_attack_check(g, err);
        if (rc == 0) {
            g->n_synth = n_regions + (uint32_t)w->n_flash;
            g->n_src = g->n_synth + (w->churn.is_set ? 1u : 0u) +
                       (uint32_t)w->n_attacks;
            g->next = xcalloc(g->n_src, sizeof *g->next);
            wl_synth_init(g, region_weights);
            for (uint32_t r = 0; r < n_regions; r++)
                g->regions[r].overlap = overlap[r];
        }
        free(overlap);
    }
    if (rc != 0) {
        wl_gen_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void
wl_gen_free(struct wl_gen *g)
{
    if (g == NULL)
        return;
    wl_trace_fini(g);
    wl_purge_index_fini(g);
    wl_churn_fini(g);
    wl_attack_fini(g);
    wl_synth_fini(g);
    if (g->region_table)
        gsl_ran_discrete_free(g->region_table);
    for (uint32_t r = 0; r < g->n_regions; r++)
        free(g->region_names[r]);
    free(g->region_names);
    free(g->next);
    free(g);
}

void
wl_gen_set_stop(struct wl_gen *g, volatile sig_atomic_t *stop)
{
    g->stop = stop;
}

/* Draws every synthetic source's first request, in source order. Once a
 * run, so out of line: inlined, it made wl_gen_next save registers on
 * every call. */
static __attribute__((noinline)) void
synth_prime(struct wl_gen *g)
{
    for (uint32_t i = 0; i < g->n_regions + g->w->n_flash; i++)
        wl_synth_advance(g, i);
    if (g->w->churn.is_set) {
        wl_churn_init(g);
        wl_churn_advance(g);
    }
    if (g->w->n_attacks > 0) {
        wl_attack_init(g);
        for (size_t k = 0; k < g->w->n_attacks; k++)
            wl_attack_advance(g, k);
    }
}

int
wl_gen_next(struct wl_gen *g, struct wl_request *out)
{
    if (!g->is_primed) {
        g->is_primed = 1;
        if (g->trace == NULL)
            synth_prime(g);
    }
    if (g->chunks_left > 0)
        return wl_chunk_next(g, out);
    if (g->state != 0)
        return g->state < 0 ? g->state : 0;
    /* A linear scan: a handful of regions, crowds and one churn source. */
    uint32_t best = 0;
    for (uint32_t i = 1; i < g->n_src; i++)
        if (g->next[i].at < g->next[best].at)
            best = i;
    if (g->next[best].at >= WL_NEVER) {
        g->state = 1; /* every source has ended or become too slow */
        return 0;
    }
    *out = g->next[best];
    if (g->w->chunk_bits != 0)
        wl_chunk_split(g, out);
    if (g->trace != NULL) {
        int rc = wl_trace_advance(g);
        if (rc < 0)
            g->state = rc; /* reported on the next call */
    } else if (best < g->n_synth) {
        wl_synth_advance(g, best);
    } else if (g->churn != NULL && best == WL_SRC_CHURN(g)) {
        wl_churn_advance(g);
    } else {
        wl_attack_advance(g, best - WL_SRC_ATTACK(g, 0));
    }
    return 1;
}

const struct sim_err *
wl_gen_error(const struct wl_gen *g)
{
    return &g->err;
}

uint64_t
wl_gen_n_reordered(const struct wl_gen *g)
{
    return g->trace ? g->trace->n_reordered : 0;
}

uint64_t
wl_gen_object_at_rank(const struct wl_gen *g, uint64_t rank)
{
    SIM_ASSERT(g->scrambler != NULL);
    return g->w->classes[0].first_id + wl_scramble(&g->scrambler[0], rank - 1);
}

uint64_t
wl_gen_object_size(const struct wl_gen *g, uint64_t object)
{
    if (g->w->n_classes == 0)
        return 1;
    uint64_t parent = wl_chunk_parent(g->w, object);
    if (parent != object) /* a chunk: its part of the object */
        return wl_chunk_bytes(g, parent, object);
    return wl_object_size(&wl_class_of(g, object)->size, object, g->w->seed);
}

uint32_t
wl_gen_object_version(const struct wl_gen *g, uint64_t object, int64_t at)
{
    if (g->w->n_classes == 0)
        return WL_NO_VERSION;
    const struct cfg_class *c = wl_class_of(g, object);
    struct wl_request q = {.at = at};
    wl_fill_object(g, (size_t)(c - g->w->classes), object, &q);
    return q.version;
}

const struct cfg_class *
wl_gen_class_of(const struct wl_gen *g, uint64_t object)
{
    return g->w->n_classes == 0 ? NULL : wl_class_of(g, object);
}

int64_t
wl_gen_object_ttl(const struct wl_gen *g, uint64_t object)
{
    if (g->w->n_classes == 0)
        return g->w->s_maxage_ns > 0 ? g->w->s_maxage_ns : g->w->ttl_ns;
    return cfg_class_ttl(wl_class_of(g, object));
}
