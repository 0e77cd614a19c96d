/* trace_stats.c: one streaming pass over a trace that characterises it:
 * volume, objects, working set, one-hit wonders, the request rate over
 * time, request and object size percentiles, reuse distances and a fitted
 * Zipf exponent.
 *
 * Memory. Request-level figures (requests, bytes, sizes, the rate series)
 * take constant memory. Object-level figures (distinct objects, working
 * set, one-hit wonders, object sizes, the Zipf fit) need a count per
 * object: an id map of about 17 bytes per distinct object, or, with
 * sample_rate < 1, per sampled object: objects are sampled spatially (a
 * hash of the id below rate x 2^24, as SHARDS does), which keeps every
 * request of a sampled object, so per-object counts are exact and
 * totals are scaled by 1 / rate.
 *
 * Reuse distances (the number of distinct objects requested between two
 * requests for one object: LRU stack distances) use fixed-size SHARDS
 * (Waldspurger et al., "Efficient MRC construction with SHARDS", FAST
 * 2015): at most reuse_objects objects are tracked; when more would be,
 * the sampling threshold drops to the largest tracked hash and the
 * objects at or above it are forgotten. A sampled reference's distance is
 * its distance among sampled objects divided by the rate R then in force,
 * and counts with weight 1/R. Distinct objects between two references are
 * counted with a Fenwick tree over reference times holding a 1 at each
 * tracked object's last reference, renumbered whenever the time axis
 * fills. Each reference costs O(log n). The SHARDS paper reports mean
 * absolute miss-ratio-curve errors around 0.01 at 8K tracked objects;
 * README.md gives the percentile errors measured on our sample traces.
 *
 * The Zipf fit is a maximum-likelihood fit of p_i proportional to
 * i^-alpha over the objects requested at least min_count times, ranked
 * by their counts, the normalisation running over those ranks only
 * (rarer objects' ranks are too noisy to use). GSL's Brent minimiser
 * finds alpha within a bracket from a coarse scan; the standard error
 * comes from the Fisher information and the fit quality is the
 * Kolmogorov-Smirnov distance between the empirical and the fitted
 * rank distributions.
 */
#include "workload/trace_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>

#include "util/hash.h"
#include "util/idmap.h"
#include "util/xalloc.h"

#define HASH_SPACE ((uint64_t)1 << 24) /* spatial sampling resolution */

/* ---- A log-linear histogram with weights --------------------------------
 * Values below 2^SH_SUB are exact; above, each power of two is split into
 * SH_HALF buckets (at most 1/64 of the value wide). */
#define SH_SUB 7
#define SH_HALF (1u << (SH_SUB - 1))
#define SH_N ((64 - SH_SUB + 1) * SH_HALF + (1u << SH_SUB))

struct shist {
    double w[SH_N];
    double total;
    uint64_t max;
};

static unsigned
sh_bucket(uint64_t v)
{
    if (v < (1u << SH_SUB))
        return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);
    unsigned shift = msb - (SH_SUB - 1);
    return (1u << SH_SUB) + (shift - 1) * SH_HALF +
           ((unsigned)(v >> shift) - SH_HALF);
}

static void
sh_add(struct shist *h, uint64_t v, double weight)
{
    h->w[sh_bucket(v)] += weight;
    h->total += weight;
    if (v > h->max)
        h->max = v;
}

/* The value at quantile q: its bucket's midpoint, at most the maximum. */
static uint64_t
sh_quantile(const struct shist *h, double q)
{
    if (h->total <= 0)
        return 0;
    double target = q * h->total, cum = 0;
    for (unsigned i = 0; i < SH_N; i++) {
        cum += h->w[i];
        if (cum < target || h->w[i] == 0)
            continue;
        if (i < (1u << SH_SUB))
            return i;
        unsigned k = (i - (1u << SH_SUB)) / SH_HALF + 1;
        unsigned sub = (i - (1u << SH_SUB)) % SH_HALF;
        uint64_t lo = (uint64_t)(SH_HALF + sub) << k;
        uint64_t mid = lo + (((uint64_t)1 << k) - 1) / 2;
        return mid < h->max ? mid : h->max;
    }
    return h->max;
}

static void
sh_quantiles(const struct shist *h, uint64_t *out)
{
    static const double qs[TRACE_STATS_NQ] = {0.5, 0.9, 0.99};
    for (int k = 0; k < TRACE_STATS_NQ; k++)
        out[k] = sh_quantile(h, qs[k]);
}

/* ---- Fixed-size SHARDS reuse distances -------------------------------- */

struct shards {
    uint64_t s_max;       /* most objects tracked; 0 = no limit */
    uint64_t threshold;   /* sampled when hash < threshold */
    struct idmap slot_of; /* id -> slot */
    uint64_t *slot_id;
    uint64_t *slot_time; /* last reference time (Fenwick position) */
    uint32_t *slot_hash;
    uint32_t *free_slots;
    uint32_t n_free;
    uint32_t n_slots; /* slots used (live + free) */
    size_t cap;       /* slots allocated in each per-slot array */
    uint32_t n_live;
    uint32_t *heap; /* max-heap of live slots by hash */
    int32_t *fen;   /* Fenwick tree over times, 1-based */
    uint64_t fen_size;
    uint64_t clock;    /* the next reference's time */
    struct shist hist; /* scaled distances, weighted */
    double cold;       /* first references (weighted) */
};

static uint32_t
obj_hash(uint64_t id)
{
    return (uint32_t)(hash_mix64(id ^ 0x5a4d5ULL) >> 40); /* 24 bits */
}

static void
fen_add(struct shards *s, uint64_t pos, int32_t v)
{
    for (uint64_t i = pos + 1; i <= s->fen_size; i += i & (~i + 1))
        s->fen[i] += v;
}

/* Marks at positions [0, pos). */
static int64_t
fen_prefix(const struct shards *s, uint64_t pos)
{
    int64_t sum = 0;
    for (uint64_t i = pos; i > 0; i -= i & (~i + 1))
        sum += s->fen[i];
    return sum;
}

static int
heap_above(const struct shards *s, uint32_t a, uint32_t b)
{
    return s->slot_hash[a] > s->slot_hash[b] ||
           (s->slot_hash[a] == s->slot_hash[b] &&
            s->slot_id[a] > s->slot_id[b]);
}

static void
heap_push(struct shards *s, uint32_t slot)
{
    uint32_t i = s->n_live++;
    while (i > 0 && heap_above(s, slot, s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = slot;
}

static uint32_t
heap_pop(struct shards *s)
{
    uint32_t top = s->heap[0], x = s->heap[--s->n_live];
    uint32_t i = 0;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= s->n_live)
            break;
        if (c + 1 < s->n_live && heap_above(s, s->heap[c + 1], s->heap[c]))
            c++;
        if (!heap_above(s, s->heap[c], x))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n_live > 0)
        s->heap[i] = x;
    return top;
}

static void
shards_init(struct shards *s, uint64_t s_max)
{
    memset(s, 0, sizeof *s);
    s->s_max = s_max;
    s->threshold = HASH_SPACE;
    idmap_init(&s->slot_of);
    s->fen_size = 4 * (s_max ? s_max : 4096);
    s->fen = xcalloc(s->fen_size + 1, sizeof *s->fen);
}

static void
shards_fini(struct shards *s)
{
    idmap_fini(&s->slot_of);
    free(s->slot_id);
    free(s->slot_time);
    free(s->slot_hash);
    free(s->free_slots);
    free(s->heap);
    free(s->fen);
}

/* qsort has no context argument in C11: the one compaction sorting at a
 * time points this at its times. */
static const uint64_t *sort_times;

static int
time_cmp(const void *a, const void *b)
{
    uint64_t x = sort_times[*(const uint32_t *)a];
    uint64_t y = sort_times[*(const uint32_t *)b];
    return x < y ? -1 : x > y;
}

/* Renumbers the live objects' times 0..n-1 in order, growing the axis
 * when it is more than half full of live objects. */
static void
shards_compact(struct shards *s)
{
    uint32_t n = s->n_live;
    uint32_t *order = xmalloc((n ? n : 1) * sizeof *order);
    memcpy(order, s->heap, n * sizeof *order);
    sort_times = s->slot_time;
    qsort(order, n, sizeof *order, time_cmp);
    sort_times = NULL;
    if ((uint64_t)n * 2 > s->fen_size) {
        s->fen_size = 4 * (uint64_t)n;
        free(s->fen);
        s->fen = xcalloc(s->fen_size + 1, sizeof *s->fen);
    } else {
        memset(s->fen, 0, (s->fen_size + 1) * sizeof *s->fen);
    }
    for (uint32_t k = 0; k < n; k++) {
        s->slot_time[order[k]] = k;
        fen_add(s, k, 1);
    }
    s->clock = n;
    free(order);
}

static void
shards_evict(struct shards *s)
{
    /* Lower the threshold to the largest tracked hash and forget every
     * object at or above it (SHARDS, fixed size). */
    s->threshold = s->slot_hash[s->heap[0]];
    while (s->n_live > 0 && s->slot_hash[s->heap[0]] >= s->threshold) {
        uint32_t slot = heap_pop(s);
        fen_add(s, s->slot_time[slot], -1);
        idmap_del(&s->slot_of, s->slot_id[slot]);
        s->free_slots[s->n_free++] = slot;
    }
}

static void
shards_access(struct shards *s, uint64_t id)
{
    uint32_t h = obj_hash(id);
    if (h >= s->threshold)
        return;
    double rate = (double)s->threshold / (double)HASH_SPACE;
    uint32_t slot = idmap_get(&s->slot_of, id);
    if (slot != IDMAP_EMPTY) {
        int64_t d =
            fen_prefix(s, s->clock) - fen_prefix(s, s->slot_time[slot] + 1);
        sh_add(&s->hist, (uint64_t)llround((double)d / rate), 1.0 / rate);
        fen_add(s, s->slot_time[slot], -1);
    } else {
        s->cold += 1.0 / rate;
        if (s->n_free > 0) {
            slot = s->free_slots[--s->n_free];
        } else {
            if (s->n_slots == s->cap) {
                /* slot_id sets the capacity; the other arrays follow. */
                s->slot_id = xgrow(s->slot_id, &s->cap, (size_t)s->n_slots + 1,
                                   sizeof *s->slot_id, 1024);
                s->slot_time =
                    xrealloc(s->slot_time, s->cap * sizeof *s->slot_time);
                s->slot_hash =
                    xrealloc(s->slot_hash, s->cap * sizeof *s->slot_hash);
                s->free_slots =
                    xrealloc(s->free_slots, s->cap * sizeof *s->free_slots);
                s->heap = xrealloc(s->heap, s->cap * sizeof *s->heap);
            }
            slot = s->n_slots++;
        }
        s->slot_id[slot] = id;
        s->slot_hash[slot] = h;
        idmap_put(&s->slot_of, id, slot);
        heap_push(s, slot);
    }
    s->slot_time[slot] = s->clock;
    fen_add(s, s->clock, 1);
    if (++s->clock == s->fen_size)
        shards_compact(s);
    if (s->s_max > 0 && s->n_live > s->s_max)
        shards_evict(s);
}

/* ---- The Zipf fit ----------------------------------------------------- */

struct zipf_fit {
    const double *count;    /* [K], descending */
    const double *log_rank; /* [K]: ln(i + 1) */
    size_t k;
    double n; /* sum of count */
    double s; /* sum of count x ln rank */
};

/* Negative log-likelihood: alpha S + N ln sum_{i<=K} i^-alpha. */
static double
zipf_nll(double alpha, void *params)
{
    const struct zipf_fit *f = params;
    double h = 0;
    for (size_t i = 0; i < f->k; i++)
        h += exp(-alpha * f->log_rank[i]);
    return alpha * f->s + f->n * log(h);
}

static int
count_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* The alpha that minimises zipf_nll: a coarse scan finds a bracket,
 * Brent's method the minimum. */
static double
zipf_mle(struct zipf_fit *f)
{
    const double step = 0.05, top = 4.0;
    size_t best = 0, n_steps = (size_t)(top / step);
    double best_v = INFINITY;
    for (size_t i = 0; i <= n_steps; i++) {
        double v = zipf_nll((double)i * step, f);
        if (v < best_v) {
            best_v = v;
            best = i;
        }
    }
    double alpha = (double)best * step;
    if (best > 0 && best < n_steps) {
        gsl_function fn = {zipf_nll, f};
        gsl_min_fminimizer *m =
            gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
        double lo = alpha - step, hi = alpha + step;
        if (m != NULL &&
            gsl_min_fminimizer_set(m, &fn, alpha, lo, hi) == GSL_SUCCESS) {
            for (int it = 0; it < 100; it++) {
                if (gsl_min_fminimizer_iterate(m) != GSL_SUCCESS)
                    break;
                lo = gsl_min_fminimizer_x_lower(m);
                hi = gsl_min_fminimizer_x_upper(m);
                if (gsl_min_test_interval(lo, hi, 1e-7, 0) == GSL_SUCCESS)
                    break;
            }
            alpha = gsl_min_fminimizer_x_minimum(m);
        }
        gsl_min_fminimizer_free(m);
    }
    return alpha;
}

/* Under the fit: Var(ln i), for the Fisher information N Var(ln i), and
 * the KS distance between the ranked counts and the fitted law. */
static void
zipf_quality(const struct zipf_fit *f, double alpha, double *var, double *ks)
{
    const double *c = f->count, *lr = f->log_rank;
    size_t k = f->k;
    double h = 0, m1 = 0, m2 = 0;
    for (size_t i = 0; i < k; i++) {
        double p = exp(-alpha * lr[i]);
        h += p;
        m1 += p * lr[i];
        m2 += p * lr[i] * lr[i];
    }
    m1 /= h;
    m2 /= h;
    *var = m2 - m1 * m1;
    double cum_emp = 0, cum_fit = 0, dist = 0;
    for (size_t i = 0; i < k; i++) {
        cum_emp += c[i] / f->n;
        cum_fit += exp(-alpha * lr[i]) / h;
        if (fabs(cum_emp - cum_fit) > dist)
            dist = fabs(cum_emp - cum_fit);
    }
    *ks = dist;
}

/* Zipf's alpha by maximum likelihood over the objects with at least
 * fit_min_count requests, ranked by count; its standard error and the KS
 * distance. Fewer than ten such objects: no fit. */
static void
fit_zipf(const struct idmap *counts, struct trace_stats *st)
{
    size_t k = 0;
    for (uint64_t i = 0; i <= counts->mask && counts->keys != NULL; i++)
        if (counts->vals[i] != IDMAP_EMPTY &&
            counts->vals[i] >= st->fit_min_count)
            k++;
    st->fit_objects = k;
    if (k < 10) {
        st->has_fit = 0;
        return;
    }
    double *c = xmalloc(k * sizeof *c);
    double *lr = xmalloc(k * sizeof *lr);
    size_t j = 0;
    for (uint64_t i = 0; i <= counts->mask; i++)
        if (counts->vals[i] != IDMAP_EMPTY &&
            counts->vals[i] >= st->fit_min_count)
            c[j++] = counts->vals[i];
    qsort(c, k, sizeof *c, count_desc);
    struct zipf_fit f = {c, lr, k, 0, 0};
    for (size_t i = 0; i < k; i++) {
        lr[i] = log((double)(i + 1));
        f.n += c[i];
        f.s += c[i] * lr[i];
    }
    double alpha = zipf_mle(&f);
    double var, ks;
    zipf_quality(&f, alpha, &var, &ks);
    st->has_fit = 1;
    st->alpha = alpha;
    st->alpha_stderr = var > 0 ? 1.0 / sqrt(f.n * var) : 0;
    st->fit_ks = ks;
    st->fit_requests = f.n;
    free(c);
    free(lr);
}

/* ---- The pass ----------------------------------------------------------- */

/* Adds one request at trace time t to the rate series, doubling the
 * window (and merging pairs) when it would need too many. */
static void
series_add(struct trace_stats *st, int64_t t)
{
    uint64_t off = (uint64_t)(t - st->first_time);
    uint64_t k = off / (uint64_t)st->window_len;
    while (k >= TRACE_STATS_MAX_WINDOWS) {
        for (size_t i = 0; i < TRACE_STATS_MAX_WINDOWS / 2; i++)
            st->windows[i] = st->windows[2 * i] + st->windows[2 * i + 1];
        memset(st->windows + TRACE_STATS_MAX_WINDOWS / 2, 0,
               TRACE_STATS_MAX_WINDOWS / 2 * sizeof *st->windows);
        st->window_len *= 2;
        st->n_windows = (st->n_windows + 1) / 2;
        k = off / (uint64_t)st->window_len;
    }
    st->windows[k]++;
    if (k + 1 > st->n_windows)
        st->n_windows = k + 1;
}

int
trace_stats_run(struct trace_reader *r, const struct trace_stats_opts *o,
                struct trace_stats *st, struct sim_err *err)
{
    memset(st, 0, sizeof *st);
    double rate =
        o && o->sample_rate > 0 && o->sample_rate < 1 ? o->sample_rate : 1.0;
    uint64_t threshold = (uint64_t)ceil(rate * (double)HASH_SPACE);
    st->sample_rate = (double)threshold / (double)HASH_SPACE;
    st->fit_min_count = o && o->fit_min_count ? o->fit_min_count : 10;
    st->window_len = 1;
    st->windows = xcalloc(TRACE_STATS_MAX_WINDOWS, sizeof *st->windows);
    struct shist *req_sizes = xcalloc(1, sizeof *req_sizes);
    struct shist *obj_sizes = xcalloc(1, sizeof *obj_sizes);
    struct shards *sh = xmalloc(sizeof *sh);
    shards_init(sh, o ? o->reuse_objects : TRACE_STATS_REUSE_OBJECTS);
    struct idmap counts;
    idmap_init(&counts);
    uint64_t n_objects = 0, n_once = 0;
    double wss = 0;
    int64_t last = 0;
    struct trace_rec rec;
    int rc;
    while ((rc = trace_next(r, &rec)) == 1) {
        int64_t t = rec.time;
        if (st->requests == 0) {
            st->first_time = t;
            last = t;
        }
        if (t < last) {
            st->n_out_of_order++;
            t = last; /* the series counts it where order allows */
        }
        last = t;
        st->requests++;
        st->bytes += rec.size;
        sh_add(req_sizes, rec.size, 1.0);
        series_add(st, t);
        shards_access(sh, rec.id);
        if (threshold < HASH_SPACE && obj_hash(rec.id) >= threshold)
            continue;
        uint32_t c = idmap_get(&counts, rec.id);
        if (c == IDMAP_EMPTY) {
            idmap_put(&counts, rec.id, 1);
            n_objects++;
            n_once++;
            wss += (double)rec.size;
            sh_add(obj_sizes, rec.size, 1.0);
        } else {
            n_once -= c == 1;
            if (c < IDMAP_EMPTY - 1)
                idmap_put(&counts, rec.id, c + 1);
        }
    }
    if (rc < 0) {
        *err = *trace_error(r);
    } else {
        st->last_time = last;
        st->unique_objects = (double)n_objects / st->sample_rate;
        st->wss_bytes = wss / st->sample_rate;
        st->one_hit_ratio = n_objects ? (double)n_once / (double)n_objects : 0;
        sh_quantiles(req_sizes, st->request_size);
        st->request_size_max = req_sizes->max;
        sh_quantiles(obj_sizes, st->object_size);
        sh_quantiles(&sh->hist, st->reuse);
        st->reuses = sh->hist.total;
        st->cold = sh->cold;
        st->reuse_rate = (double)sh->threshold / (double)HASH_SPACE;
        fit_zipf(&counts, st);
        rc = 0;
    }
    idmap_fini(&counts);
    shards_fini(sh);
    free(sh);
    free(req_sizes);
    free(obj_sizes);
    if (rc != 0)
        trace_stats_fini(st);
    return rc;
}

void
trace_stats_fini(struct trace_stats *st)
{
    free(st->windows);
    st->windows = NULL;
    st->n_windows = 0;
}
