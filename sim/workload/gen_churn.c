/* gen_churn.c: catalog churn as a shot-noise process (Traverso et al.,
 * "Temporal locality in today's content caching: why it matters and how
 * to model it", ACM CCR 43(5), 2013).
 *
 * New objects are published as a Poisson process (shaped by the diurnal
 * curve, like the rest of the traffic). Object i, published at tau_i,
 * draws a volume V_i (the requests it will get, on average, over its
 * whole life) and a lifetime L_i, and is then requested as an
 * inhomogeneous Poisson process of rate (V_i / L_i) exp(-(t - tau_i) / L_i):
 * fresh content is hot and cools down.
 *
 * Its requests are drawn one at a time by inverting the integrated rate:
 * with R the expected requests still to come, an Exp(1) draw E either
 * exceeds R (the object is never requested again and is forgotten) or the
 * next request comes when R has fallen to R - E, at
 * tau + L ln(V / (R - E)). Every live object keeps just that next time, in
 * a min-heap, so memory holds the objects still being requested, about
 * publish_rate x E[L ln V] of them, however long the run.
 */
#include "workload/gen_int.h"

#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "util/xalloc.h"

/* One draw of a positive quantity with the given mean. */
static double
dist_draw(const struct cfg_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case CFG_DIST_EXPONENTIAL:
        return gsl_ran_exponential(rng, d->mean);
    case CFG_DIST_LOGNORMAL:
        return gsl_ran_lognormal(rng, log(d->mean) - d->sigma * d->sigma / 2,
                                 d->sigma);
    case CFG_DIST_PARETO:
        /* Mean x_m alpha / (alpha - 1) for alpha > 1. */
        return gsl_ran_pareto(rng, d->alpha,
                              d->mean * (d->alpha - 1) / d->alpha);
    case CFG_DIST_FIXED:
        break;
    }
    return d->mean;
}

static int
obj_before(const struct wl_churn_obj *a, const struct wl_churn_obj *b)
{
    return a->next_at < b->next_at ||
           (a->next_at == b->next_at && a->id < b->id);
}

static void
heap_down(struct wl_churn *ch, size_t i)
{
    struct wl_churn_obj x = ch->heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= ch->n_heap)
            break;
        if (c + 1 < ch->n_heap && obj_before(&ch->heap[c + 1], &ch->heap[c]))
            c++;
        if (!obj_before(&ch->heap[c], &x))
            break;
        ch->heap[i] = ch->heap[c];
        i = c;
    }
    ch->heap[i] = x;
}

static void
heap_push(struct wl_churn *ch, const struct wl_churn_obj *o)
{
    ch->heap =
        xgrow(ch->heap, &ch->cap_heap, ch->n_heap + 1, sizeof *ch->heap, 256);
    size_t i = ch->n_heap++;
    while (i > 0 && obj_before(o, &ch->heap[(i - 1) / 2])) {
        ch->heap[i] = ch->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    ch->heap[i] = *o;
}

static void
heap_pop(struct wl_churn *ch)
{
    ch->heap[0] = ch->heap[--ch->n_heap];
    if (ch->n_heap > 0)
        heap_down(ch, 0);
}

/* Moves o to its next request; 0 when it has none left. */
static int
obj_step(struct wl_churn *ch, struct wl_churn_obj *o)
{
    double e = gsl_ran_exponential(ch->request_rng, 1.0);
    if (e >= o->remaining)
        return 0;
    o->remaining -= e;
    double t = (double)o->published_at +
               o->lifetime_ns * log(o->volume / o->remaining);
    if (!(t < (double)WL_NEVER))
        return 0;
    int64_t at = (int64_t)t;
    o->next_at = at > o->next_at ? at : o->next_at; /* rounding guard */
    return 1;
}

void
wl_churn_init(struct wl_gen *g)
{
    const struct cfg_workload *w = g->w;
    const struct cfg_churn *cc = &w->churn;
    struct wl_churn *ch = xcalloc(1, sizeof *ch);
    g->churn = ch;
    ch->publish.rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_CHURN_PUBLISH, 0));
    ch->publish.mean_gap_ns = 1e9 / (cc->publish_rate * g->factor_max);
    ch->request_rng = sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_CHURN_REQUEST, 0));
    wl_clock_step(&ch->publish, w, g->factor_max, g->stop);
}

void
wl_churn_fini(struct wl_gen *g)
{
    struct wl_churn *ch = g->churn;
    if (ch == NULL)
        return;
    gsl_rng_free(ch->publish.rng);
    gsl_rng_free(ch->request_rng);
    free(ch->heap);
    free(ch);
    g->churn = NULL;
}

void
wl_churn_advance(struct wl_gen *g)
{
    const struct cfg_churn *cc = &g->w->churn;
    struct wl_churn *ch = g->churn;
    struct wl_request *out = &g->next[WL_SRC_CHURN(g)];
    /* The object just handed out (still the heap's top) moves on. */
    if (ch->is_emitted) {
        if (obj_step(ch, &ch->heap[0]))
            heap_down(ch, 0);
        else
            heap_pop(ch);
    }
    /* Publish everything due before the earliest pending request. A stop
     * ends publishing (what is published goes on in time order). */
    for (uint64_t k = 1;
         ch->publish.last_at < WL_NEVER &&
         (ch->n_heap == 0 || ch->publish.last_at <= ch->heap[0].next_at);
         k++) {
        if (k % WL_STOP_EVERY == 0 && WL_STOPPED(g->stop)) {
            ch->publish.last_at = WL_NEVER;
            break;
        }
        struct wl_churn_obj o = {0};
        o.id = cc->first_id + ch->n_published++;
        o.published_at = ch->publish.last_at;
        o.next_at = o.published_at;
        o.volume = dist_draw(&cc->volume, ch->publish.rng);
        o.lifetime_ns = dist_draw(&cc->lifetime, ch->publish.rng);
        if (o.lifetime_ns < 1)
            o.lifetime_ns = 1;
        o.remaining = o.volume;
        if (o.volume > 0 && obj_step(ch, &o))
            heap_push(ch, &o);
        wl_clock_step(&ch->publish, g->w, g->factor_max, g->stop);
    }
    ch->is_emitted = ch->n_heap > 0;
    if (ch->n_heap == 0) {
        out->at = WL_NEVER;
        return;
    }
    const struct wl_churn_obj *top = &ch->heap[0];
    out->at = top->next_at;
    wl_fill_object(g, cc->class_idx, top->id, out);
    out->region = wl_pick_region(g, ch->request_rng);
}
