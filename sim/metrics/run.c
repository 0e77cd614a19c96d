/* run.c: the met_run record's lifetime, time-series windows, the
 * figures derived from its counters (ratios, offload, egress cost), and
 * node_counters.def as a table (met_node_fields) with the tier sums. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

void
met_run_init(struct met_run *r, size_t n_regions, size_t n_nodes)
{
    memset(r, 0, sizeof *r);
    met_hist_init(&r->latency);
    r->overrides = "";
    r->regions = xcalloc(n_regions, sizeof *r->regions);
    r->n_regions = n_regions;
    for (size_t i = 0; i < n_regions; i++)
        met_hist_init(&r->regions[i].latency);
    r->nodes = xcalloc(n_nodes, sizeof *r->nodes);
    r->n_nodes = n_nodes;
}

void
met_run_fini(struct met_run *r)
{
    for (size_t i = 0; i < r->n_nodes; i++) {
        free(r->nodes[i].windows);
        free(r->nodes[i].overload_windows);
        free(r->nodes[i].latency);
        free(r->nodes[i].servers);
    }
    free(r->nodes);
    for (size_t k = 0; k < r->n_links; k++)
        free(r->links[k].windows);
    free(r->links);
    r->links = NULL;
    r->n_links = 0;
    free(r->regions);
    free(r->classes);
    free(r->origins);
    r->origins = NULL;
    r->n_origins = 0;
    r->classes = NULL;
    r->n_classes = 0;
    free(r->top_by_requests);
    free(r->top_by_bytes);
    r->top_by_requests = r->top_by_bytes = NULL;
    r->n_top_by_requests = r->n_top_by_bytes = 0;
    r->has_top = 0;
    met_billing_free(r->billing);
    r->billing = NULL;
    met_baseline_free(r->baseline);
    r->baseline = NULL;
    met_alerts_free(r->alerts);
    r->alerts = NULL;
    met_video_free(r->video);
    r->video = NULL;
    free(r->brownouts);
    r->brownouts = NULL;
    r->n_brownouts = 0;
    r->nodes = NULL;
    r->regions = NULL;
    r->n_nodes = 0;
    r->n_regions = 0;
}

struct met_window *
met_node_window(struct met_node *n, uint64_t w)
{
    if (w >= n->windows_cap) {
        /* Doubling keeps appends amortised O(1); a jump ahead (a node idle
         * for a while) allocates straight to the index it needs. */
        uint64_t cap = n->windows_cap ? n->windows_cap * 2 : 64;
        if (cap <= w)
            cap = w + 1;
        SIM_ASSERT(cap <= SIZE_MAX / sizeof *n->windows);
        n->windows = xrealloc(n->windows, (size_t)cap * sizeof *n->windows);
        memset(n->windows + n->windows_cap, 0,
               (size_t)(cap - n->windows_cap) * sizeof *n->windows);
        n->windows_cap = cap;
    }
    if (w >= n->n_windows)
        n->n_windows = w + 1;
    return &n->windows[w];
}

double
met_ratio(uint64_t num, uint64_t den)
{
    return den ? (double)num / (double)den : 0.0;
}

double
met_offload(const struct met_run *r)
{
    return met_ratio(r->from_cache, r->requests);
}

double
met_byte_offload(const struct met_run *r)
{
    if (r->bytes == 0)
        return 0.0;
    return ((double)r->bytes_from_cache - (double)r->origin_pushed_bytes) /
           (double)r->bytes;
}

double
met_node_cost(const struct met_node *n)
{
    return (double)n->c.bytes_out / 1e9 * n->egress_cost_per_gb;
}

double
met_total_cost(const struct met_run *r)
{
    double sum = 0.0;
    for (size_t i = 0; i < r->n_nodes; i++)
        sum += met_node_cost(&r->nodes[i]);
    return sum;
}

struct met_hist *
met_node_latency(struct met_node *n)
{
    if (n->latency == NULL) {
        n->latency = xmalloc(sizeof *n->latency);
        met_hist_init(n->latency);
    }
    return n->latency;
}

void
met_tier_latency(const struct met_run *r, const char *tier,
                 struct met_hist *out)
{
    met_hist_init(out);
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].latency != NULL &&
            strcmp(met_str(r->nodes[i].tier), tier) == 0)
            met_hist_merge(out, r->nodes[i].latency);
}

void
met_lat_summary(const struct met_hist *h, struct met_lat *out)
{
    out->mean_ms = met_hist_mean(h) / 1e6;
    out->p50_ms = met_ns_to_ms(met_hist_quantile(h, 0.5));
    out->p90_ms = met_ns_to_ms(met_hist_quantile(h, 0.9));
    out->p95_ms = met_ns_to_ms(met_hist_quantile(h, 0.95));
    out->p99_ms = met_ns_to_ms(met_hist_quantile(h, 0.99));
    out->p999_ms = met_ns_to_ms(met_hist_quantile(h, 0.999));
    out->max_ms = h->count ? met_ns_to_ms(h->max) : 0.0;
}

size_t
met_tier_list(const struct met_run *r, const char **tiers)
{
    static const char *const order[] = {"edge", "shield", "origin"};
    size_t n = 0;
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        for (size_t i = 0; i < r->n_nodes; i++) {
            if (strcmp(met_str(r->nodes[i].tier), order[k]) == 0) {
                tiers[n++] = r->nodes[i].tier;
                break;
            }
        }
    }
    /* Tiers outside the known three keep their topology order. */
    for (size_t i = 0; i < r->n_nodes; i++) {
        const char *t = met_str(r->nodes[i].tier);
        int seen = 0;
        for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
            seen |= strcmp(t, order[k]) == 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(t, met_str(tiers[j])) == 0;
        if (!seen)
            tiers[n++] = t;
    }
    return n;
}

const struct met_node_field met_node_fields[] = {
#define MET_NODE_COUNTER(n, pos, ver, text)                                    \
    {.name = #n,                                                               \
     .kind = MET_FIELD_COUNTER,                                                \
     .json = pos,                                                              \
     .since = ver,                                                             \
     .doc = text,                                                              \
     .offset = offsetof(struct met_counters, n)},
#define MET_NODE_RATIO(n, num_, den_, pos, ver, text)                          \
    {.name = #n,                                                               \
     .kind = MET_FIELD_RATIO,                                                  \
     .json = pos,                                                              \
     .since = ver,                                                             \
     .doc = text,                                                              \
     .num = offsetof(struct met_counters, num_),                               \
     .den = offsetof(struct met_counters, den_)},
#define MET_NODE_COST(n, pos, ver, text)                                       \
    {.name = #n,                                                               \
     .kind = MET_FIELD_COST,                                                   \
     .json = pos,                                                              \
     .since = ver,                                                             \
     .doc = text},
#include "metrics/node_counters.def"
};

const size_t met_n_node_fields =
    sizeof met_node_fields / sizeof met_node_fields[0];

static uint64_t
counter_at(const struct met_counters *c, size_t offset)
{
    uint64_t v;
    memcpy(&v, (const char *)c + offset, sizeof v);
    return v;
}

uint64_t
met_counter_get(const struct met_counters *c, const struct met_node_field *f)
{
    SIM_ASSERT(f->kind == MET_FIELD_COUNTER);
    return counter_at(c, f->offset);
}

void
met_counter_set(struct met_counters *c, const struct met_node_field *f,
                uint64_t v)
{
    SIM_ASSERT(f->kind == MET_FIELD_COUNTER);
    memcpy((char *)c + f->offset, &v, sizeof v);
}

double
met_field_ratio(const struct met_counters *c, const struct met_node_field *f)
{
    SIM_ASSERT(f->kind == MET_FIELD_RATIO);
    return met_ratio(counter_at(c, f->num), counter_at(c, f->den));
}

void
met_counters_add(struct met_counters *dst, const struct met_counters *src)
{
#define MET_NODE_COUNTER(name, json, since, doc) dst->name += src->name;
#include "metrics/node_counters.def"
    for (int k = 0; k < MET_N_OUTCOMES; k++)
        dst->outcome[k] += src->outcome[k];
}

void
met_tier_sum(const struct met_run *r, const char *tier,
             struct met_counters *sum)
{
    memset(sum, 0, sizeof *sum);
    for (size_t i = 0; i < r->n_nodes; i++)
        if (strcmp(met_str(r->nodes[i].tier), met_str(tier)) == 0)
            met_counters_add(sum, &r->nodes[i].c);
}

/* Halves the resolution of every node's series: window k of the new
 * series is windows 2k and 2k + 1 of the old. */
static void
coarsen(struct met_run *r)
{
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct met_node *n = &r->nodes[i];
        uint64_t m = (n->n_windows + 1) / 2;
        for (uint64_t k = 0; k < m; k++) {
            struct met_window sum = n->windows[2 * k];
            if (2 * k + 1 < n->n_windows) {
                const struct met_window *b = &n->windows[2 * k + 1];
                sum.requests += b->requests;
                sum.hits += b->hits;
                sum.misses += b->misses;
                sum.bytes_out += b->bytes_out;
            }
            n->windows[k] = sum;
        }
        if (n->n_windows > m)
            memset(n->windows + m, 0,
                   (size_t)(n->n_windows - m) * sizeof *n->windows);
        met_overload_coarsen(n);
        n->n_windows = m;
    }
    met_links_coarsen(r);
    r->window_ns *= 2;
    r->window_hi_ns = 0; /* the memo is stale */
}

uint64_t
met_window_index(struct met_run *r, int64_t t_ns)
{
    SIM_ASSERT(t_ns >= 0 && r->window_ns > 0);
    while ((uint64_t)(t_ns / r->window_ns) >= MET_MAX_WINDOWS)
        coarsen(r);
    return (uint64_t)(t_ns / r->window_ns);
}

struct met_window *
met_run_window(struct met_run *r, size_t i, int64_t t_ns)
{
    SIM_ASSERT(t_ns >= 0 && r->window_ns > 0);
    if (t_ns < r->window_lo_ns || t_ns >= r->window_hi_ns) {
        while ((uint64_t)(t_ns / r->window_ns) >= MET_MAX_WINDOWS)
            coarsen(r);
        r->window_index = (uint64_t)(t_ns / r->window_ns);
        r->window_lo_ns = (int64_t)r->window_index * r->window_ns;
        r->window_hi_ns = r->window_lo_ns + r->window_ns;
    }
    return met_node_window(&r->nodes[i], r->window_index);
}

const char *
met_outcome_name(enum met_outcome o)
{
    static const char *const names[] = {
#define X(name) #name,
        MET_OUTCOMES(X)
#undef X
    };
    return o < MET_N_OUTCOMES ? names[o] : "?";
}
