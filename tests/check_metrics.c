/* check_metrics.c: histogram accuracy and bucket layout, the run record's
 * windows and derived figures, and the table, JSON and SQLite writers. */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "suites.h"
#include "util/xalloc.h"

/* A 64-bit LCG (Knuth's MMIX constants); the high bits are good enough
 * for spreading test values. */
static uint64_t
lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s;
}

/* Uniform in (0, 1). */
static double
lcg_unit(uint64_t *s)
{
    return ((double)(lcg_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The histogram's definition of a quantile, computed exactly: the smallest
 * value with at least ceil(q * n) values at or below it. */
static uint64_t
exact_quantile(const uint64_t *sorted, size_t n, double q)
{
    size_t rank = (size_t)ceil(q * (double)n);
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

enum { DIST_UNIFORM, DIST_EXP, DIST_PARETO, DIST_SMALL, N_DISTS };

static uint64_t
draw(int dist, uint64_t *s)
{
    switch (dist) {
    case DIST_UNIFORM:
        return 1 + lcg_next(s) % 1000000000ULL;
    case DIST_EXP:
        return (uint64_t)(-2e6 * log(lcg_unit(s)));
    case DIST_PARETO: {
        /* Heavy tail from 100 us, capped below the histogram's range. */
        double v = 1e5 / pow(lcg_unit(s), 1.0 / 1.2);
        return v > 1e12 ? 1000000000000ULL : (uint64_t)v;
    }
    default:
        return lcg_next(s) % 256;
    }
}

START_TEST(test_metrics_hist_quantiles_within_one_percent)
{
    const size_t n = 200000;
    uint64_t *v = xmalloc(n * sizeof *v);
    struct met_hist *h = xmalloc(sizeof *h);
    met_hist_init(h);
    uint64_t seed = 12345 + (uint64_t)_i;
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = draw(_i, &seed);
        sum += v[i];
        met_hist_record(h, v[i]);
    }
    qsort(v, n, sizeof *v, cmp_u64);
    ck_assert_uint_eq(h->count, n);
    ck_assert_uint_eq(h->min, v[0]);
    ck_assert_uint_eq(h->max, v[n - 1]);
    ck_assert_uint_eq(met_hist_quantile(h, 0.0), v[0]);
    ck_assert_uint_eq(met_hist_quantile(h, 1.0), v[n - 1]);
    double mean = (double)(sum / n);
    ck_assert(fabs(met_hist_mean(h) - mean) <= 1e-9 * mean + 1e-9);
    static const double qs[] = {0.01, 0.1,  0.25,  0.5,   0.75,
                                0.9,  0.99, 0.999, 0.9999};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        uint64_t want = exact_quantile(v, n, qs[k]);
        uint64_t got = met_hist_quantile(h, qs[k]);
        if (want < 256) {
            ck_assert_msg(got == want, "dist %d q %g: got %llu want %llu", _i,
                          qs[k], (unsigned long long)got,
                          (unsigned long long)want);
        } else {
            double rel = fabs((double)got - (double)want) / (double)want;
            ck_assert_msg(rel <= 0.01, "dist %d q %g: got %llu want %llu", _i,
                          qs[k], (unsigned long long)got,
                          (unsigned long long)want);
        }
    }
    free(h);
    free(v);
}
END_TEST

START_TEST(test_metrics_hist_empty_and_merge)
{
    struct met_hist *a = xmalloc(sizeof *a);
    struct met_hist *b = xmalloc(sizeof *b);
    struct met_hist *all = xmalloc(sizeof *all);
    met_hist_init(a);
    met_hist_init(b);
    met_hist_init(all);
    ck_assert_uint_eq(met_hist_quantile(a, 0.5), 0);
    ck_assert(met_hist_mean(a) == 0.0);
    uint64_t s = 99;
    for (int i = 0; i < 50000; i++) {
        uint64_t v = draw(i % 3, &s);
        met_hist_record(i % 2 ? a : b, v);
        met_hist_record(all, v);
    }
    met_hist_merge(a, b);
    ck_assert_uint_eq(a->count, all->count);
    ck_assert_uint_eq(a->min, all->min);
    ck_assert_uint_eq(a->max, all->max);
    ck_assert(met_hist_sum(a) == met_hist_sum(all));
    ck_assert(memcmp(a->bucket, all->bucket, sizeof a->bucket) == 0);
    /* Merging an empty histogram changes nothing, min included. */
    met_hist_init(b);
    met_hist_merge(a, b);
    ck_assert_uint_eq(a->min, all->min);
    ck_assert_uint_eq(a->count, all->count);
    free(all);
    free(b);
    free(a);
}
END_TEST

static void
check_in_bucket(uint64_t v)
{
    unsigned i = met_hist_bucket_of(v);
    ck_assert_uint_lt(i, MET_N_BUCKETS);
    uint64_t lo, hi;
    met_hist_bucket_range(i, &lo, &hi);
    if (v < ((uint64_t)1 << MET_MAX_BITS))
        ck_assert_msg(lo <= v && v <= hi, "%llu not in bucket %u",
                      (unsigned long long)v, i);
    else
        ck_assert_uint_eq(i, MET_N_BUCKETS - 1);
}

/* The sum is the long double sum from 0 that it used to be, bit for bit,
 * also once it passes 2^64 (where that one rounds), recorded or merged. */
START_TEST(test_metrics_hist_sum_as_long_double)
{
    struct met_hist *h = xcalloc(1, sizeof *h), *g = xcalloc(1, sizeof *g);
    met_hist_init(h);
    met_hist_init(g);
    long double want = 0, want_g = 0;
    uint64_t s = 7;
    for (int i = 0; i < 2000; i++) {
        /* Mostly large values, some odd small ones: rounding shows. */
        uint64_t v =
            i % 3 ? (UINT64_MAX >> (i % 7)) - (uint64_t)i : 1 + 2 * (uint64_t)i;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        if (s >> 63) {
            met_hist_record(h, v);
            want += (long double)v;
        } else {
            met_hist_record(g, v);
            want_g += (long double)v;
        }
        if (i == 1000) {
            ck_assert(met_hist_sum(h) == want);
            ck_assert(met_hist_sum(g) == want_g);
        }
    }
    ck_assert(met_hist_sum(h) == want);
    met_hist_merge(h, g);
    ck_assert(met_hist_sum(h) == want + want_g);
    /* Below 2^64 it stays an integer sum, exact. */
    met_hist_init(g);
    met_hist_record(g, UINT64_MAX - 5);
    met_hist_record(g, 5);
    ck_assert(!g->is_big && g->sum_ns == UINT64_MAX);
    met_hist_record(g, 1);
    ck_assert(g->is_big && met_hist_sum(g) == (long double)UINT64_MAX + 1);
    met_hist_record(g, 0); /* no overflow, nothing added */
    met_hist_record(g, 3);
    ck_assert(met_hist_sum(g) == (long double)UINT64_MAX + 1 + 3);
    free(h);
    free(g);
}
END_TEST

START_TEST(test_metrics_hist_buckets_consistent)
{
    for (uint64_t v = 0; v < 100000; v++)
        check_in_bucket(v);
    uint64_t s = 7;
    for (int k = 0; k < 200000; k++) {
        uint64_t r = lcg_next(&s);
        check_in_bucket(r >> (lcg_next(&s) >> 58));
    }
    check_in_bucket(UINT64_MAX);
    /* The buckets tile [0, 2^MET_MAX_BITS) without gaps or overlap, and
     * each is at most 1/128 of its lower bound wide. */
    uint64_t next = 0;
    for (unsigned i = 0; i < MET_N_BUCKETS; i++) {
        uint64_t lo, hi;
        met_hist_bucket_range(i, &lo, &hi);
        ck_assert_uint_eq(lo, next);
        ck_assert_uint_le(lo, hi);
        ck_assert_uint_eq(met_hist_bucket_of(lo), i);
        ck_assert_uint_eq(met_hist_bucket_of(hi), i);
        if (i >= 256)
            ck_assert_uint_le((hi - lo + 1) * 128, lo);
        else
            ck_assert_uint_eq(lo, hi);
        next = hi + 1;
    }
    ck_assert_uint_eq(next, (uint64_t)1 << MET_MAX_BITS);
}
END_TEST

START_TEST(test_metrics_windows_grow_and_zero)
{
    struct met_run *m = xmalloc(sizeof *m);
    met_run_init(m, 1, 1);
    struct met_node *n = &m->nodes[0];
    ck_assert_uint_eq(n->n_windows, 0);
    met_node_window(n, 0)->requests = 5;
    ck_assert_uint_eq(n->n_windows, 1);
    met_node_window(n, 1000)->hits = 2;
    ck_assert_uint_eq(n->n_windows, 1001);
    ck_assert_uint_ge(n->windows_cap, 1001);
    ck_assert_uint_eq(n->windows[0].requests, 5);
    for (uint64_t w = 1; w < 1000; w++) {
        ck_assert_uint_eq(n->windows[w].requests, 0);
        ck_assert_uint_eq(n->windows[w].hits, 0);
        ck_assert_uint_eq(n->windows[w].misses, 0);
        ck_assert_uint_eq(n->windows[w].bytes_out, 0);
    }
    /* An earlier window neither shrinks nor moves the count. */
    met_node_window(n, 7)->misses++;
    ck_assert_uint_eq(n->n_windows, 1001);
    for (uint64_t w = 1001; w < 5000; w++)
        met_node_window(n, w)->requests++;
    ck_assert_uint_eq(n->n_windows, 5000);
    ck_assert_uint_eq(n->windows[1000].hits, 2);
    ck_assert_uint_eq(n->windows[4999].requests, 1);
    ck_assert_uint_eq(m->regions[0].latency.count, 0);
    ck_assert_str_eq(m->overrides, "");
    met_run_fini(m);
    ck_assert_ptr_null(m->nodes);
    free(m);
}
END_TEST

/* node_counters.def: every member of struct met_counters is one counter
 * row, JSON positions run 1, 2, ... without gaps, versions are ones the
 * schema has had, and the sums add every counter. */
START_TEST(test_metrics_node_fields_well_formed)
{
    size_t n_counters = 0;
    int max_json = 0;
    for (size_t i = 0; i < met_n_node_fields; i++) {
        const struct met_node_field *f = &met_node_fields[i];
        ck_assert_int_ge(f->since, 1);
        ck_assert_int_le(f->since, MET_DB_VERSION);
        ck_assert_int_ge(f->json, 0);
        if (f->json > max_json)
            max_json = f->json;
        for (size_t j = 0; j < i; j++) {
            ck_assert_str_ne(f->name, met_node_fields[j].name);
            if (f->json > 0)
                ck_assert_int_ne(f->json, met_node_fields[j].json);
        }
        if (f->kind == MET_FIELD_COUNTER)
            n_counters++;
    }
    /* Positions 1 to 19 predate branches that add rows in parallel;
     * those may leave gaps (the JSON writer skips them), never twins. */
    for (int pos = 1; pos <= max_json; pos++) {
        int found = 0;
        for (size_t i = 0; i < met_n_node_fields; i++)
            found += met_node_fields[i].json == pos;
        ck_assert_msg(found == 1 || (found == 0 && pos > 19),
                      "JSON position %d used %d times", pos, found);
    }
    ck_assert_uint_eq(n_counters * sizeof(uint64_t) +
                          MET_N_OUTCOMES * sizeof(uint64_t),
                      sizeof(struct met_counters));
    /* Distinct values in every counter: a sum of two copies doubles each,
     * so no two rows share a member. */
    struct met_counters a, sum;
    memset(&a, 0, sizeof a);
    memset(&sum, 0, sizeof sum);
    uint64_t v = 1;
    for (size_t i = 0; i < met_n_node_fields; i++)
        if (met_node_fields[i].kind == MET_FIELD_COUNTER)
            met_counter_set(&a, &met_node_fields[i], v++);
    a.outcome[MET_OUT_MISS] = 7;
    met_counters_add(&sum, &a);
    met_counters_add(&sum, &a);
    v = 1;
    for (size_t i = 0; i < met_n_node_fields; i++) {
        const struct met_node_field *f = &met_node_fields[i];
        if (f->kind == MET_FIELD_COUNTER)
            ck_assert_uint_eq(met_counter_get(&sum, f), 2 * v++);
    }
    ck_assert_uint_eq(sum.outcome[MET_OUT_MISS], 14);
    a.hits = 1;
    a.requests = 4;
    for (size_t i = 0; i < met_n_node_fields; i++)
        if (strcmp(met_node_fields[i].name, "hit_ratio") == 0)
            ck_assert(met_field_ratio(&a, &met_node_fields[i]) == 0.25);
}
END_TEST

START_TEST(test_metrics_derived_figures)
{
    struct met_run *m = xmalloc(sizeof *m);
    met_run_init(m, 0, 2);
    ck_assert(met_ratio(1, 0) == 0.0);
    ck_assert(met_ratio(1, 4) == 0.25);
    ck_assert(met_offload(m) == 0.0);
    ck_assert(met_byte_offload(m) == 0.0);
    /* Offload is the share served from a cache: failures lower it, and
     * the origin's own request count does not enter. */
    m->requests = 200;
    m->from_cache = 140;
    m->from_origin = 40;
    m->errors = 20;
    m->origin_requests = 30;
    m->bytes = 1000;
    m->bytes_from_cache = 900;
    m->origin_bytes = 100;
    ck_assert(fabs(met_offload(m) - 0.7) < 1e-12);
    ck_assert(fabs(met_byte_offload(m) - 0.9) < 1e-12);
    /* Bytes pushed into the caches count against byte offload. */
    m->origin_pushed_bytes = 100;
    ck_assert(fabs(met_byte_offload(m) - 0.8) < 1e-12);
    m->origin_pushed_bytes = 1000;
    ck_assert(fabs(met_byte_offload(m) + 0.1) < 1e-12);
    m->nodes[0].egress_cost_per_gb = 0.08;
    m->nodes[0].c.bytes_out = 3000000000ULL;
    m->nodes[1].egress_cost_per_gb = 0.02;
    m->nodes[1].c.bytes_out = 1000000000ULL;
    ck_assert(fabs(met_node_cost(&m->nodes[0]) - 0.24) < 1e-12);
    ck_assert(fabs(met_total_cost(m) - 0.26) < 1e-12);
    met_run_fini(m);
    free(m);
}
END_TEST

static void
set_counters(struct met_node *n, uint64_t req, uint64_t hits, uint64_t miss,
             uint64_t exp, uint64_t coal)
{
    n->c.requests = req;
    n->c.hits = hits;
    n->c.misses = miss;
    n->c.expired = exp;
    n->c.coalesced = coal;
}

/* A small run with known figures: 2 regions, edge -> shield -> origin. */
static struct met_run *
sample_run(void)
{
    struct met_run *m = xmalloc(sizeof *m);
    met_run_init(m, 2, 3);
    m->topology_name = "tiny";
    m->topology_path = "topologies/tiny.yaml";
    m->workload_name = "zipf-0.8";
    m->workload_path = "workloads/zipf.yaml";
    m->seed = 7;
    m->window_ns = 2000000000;
    m->is_complete = 1;
    m->requests = 4;
    m->bytes = 400;
    m->warmup_requests = 10;
    m->origin_requests = 1;
    m->origin_bytes = 100;
    m->origin_peak_rps = 1;
    /* eu's three requests were served from a cache, us's one from the
     * origin. */
    m->from_cache = 3;
    m->bytes_from_cache = 300;
    m->from_origin = 1;
    m->bytes_from_origin = 100;
    m->measured_start_ns = 1000000000;
    m->measured_end_ns = 6000000000;
    m->events = 1000;
    m->wall_s = 0.5;
    snprintf(m->started, sizeof m->started, "2024-01-01T00:00:00Z");
    snprintf(m->finished, sizeof m->finished, "2024-01-01T00:00:01Z");

    m->regions[0].name = "eu";
    m->regions[0].requests = 3;
    m->regions[0].bytes = 300;
    m->regions[0].hits = 3;
    m->regions[0].bytes_hit = 300;
    m->regions[1].name = "us";
    m->regions[1].requests = 1;
    m->regions[1].bytes = 100;
    m->regions[1].from_origin = 1;
    m->regions[1].bytes_from_origin = 100;
    static const uint64_t eu_ms[] = {1, 2, 3};
    for (size_t i = 0; i < 3; i++)
        met_hist_record(&m->regions[0].latency, eu_ms[i] * 1000000);
    met_hist_record(&m->regions[1].latency, 10000000);
    met_hist_merge(&m->latency, &m->regions[0].latency);
    met_hist_merge(&m->latency, &m->regions[1].latency);

    struct met_node *e = &m->nodes[0], *s = &m->nodes[1], *o = &m->nodes[2];
    e->name = "edge-a";
    e->tier = "edge";
    e->depth = 2;
    e->egress_cost_per_gb = 0.085;
    set_counters(e, 4, 2, 1, 1, 0);
    e->c.bytes_requested = 400;
    e->c.bytes_hit = 100;
    e->c.bytes_out = 2000000000ULL;
    met_node_window(e, 0)->requests = 3;
    met_node_window(e, 2)->requests = 1;
    s->name = "shield-x";
    s->tier = "shield";
    s->depth = 1;
    set_counters(s, 2, 1, 1, 0, 0);
    s->c.bytes_requested = 200;
    s->c.bytes_hit = 100;
    s->c.bytes_out = 200;
    met_node_window(s, 0)->requests = 2;
    o->name = "origin";
    o->tier = "origin";
    o->depth = 0;
    set_counters(o, 1, 1, 0, 0, 0);
    o->c.bytes_requested = 100;
    o->c.bytes_hit = 100;
    o->c.bytes_out = 100;
    met_node_window(o, 1)->requests = 1;
    return m;
}

static void
free_run(struct met_run *m)
{
    met_run_fini(m);
    free(m);
}

static char *
json_of(const struct met_run *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(met_write_json(m, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* Braces balance outside strings, and never go below zero. */
static int
json_balanced(const char *s)
{
    int depth = 0, in_str = 0;
    for (; *s; s++) {
        if (in_str) {
            if (*s == '\\' && s[1])
                s++;
            else if (*s == '"')
                in_str = 0;
        } else if (*s == '"') {
            in_str = 1;
        } else if (*s == '{') {
            depth++;
        } else if (*s == '}' && --depth < 0) {
            return 0;
        }
    }
    return depth == 0 && !in_str;
}

START_TEST(test_metrics_json_fields)
{
    struct met_run *m = sample_run();
    char *j = json_of(m);
    static const char *const want[] = {
        "{\n  \"topology\": {\n    \"name\": \"tiny\",\n"
        "    \"path\": \"topologies/tiny.yaml\"\n  },\n",
        "\"seed\": 7,\n",
        "\"overrides\": \"\",\n",
        "\"complete\": true,\n",
        "\"requests\": 4,\n  \"bytes\": 400,\n",
        "\"offload\": 0.750000,\n",
        "\"byte_offload\": 0.750000,\n",
        "\"hit_ratio\": 0.500000",
        "\"byte_hit_ratio\": 0.250000",
        "\"max\": 10.000000\n",
        "\"cost_usd\": 0.170000\n",
        "\"cost_usd\": {\n    \"total\": 0.170000\n  },\n",
        "\"origin\": {\n    \"requests\": 1,\n    \"bytes\": 100,\n"
        "    \"pushed_bytes\": 0,\n    \"peak_rps\": 1,\n"
        /* One origin request in 5 s; two whole 2 s windows (0 and 1
         * requests), too few to cut any. */
        "    \"mean_rps\": 0.200000,\n    \"settle_s\": 0.000000,\n"
        "    \"steady_mean_rps\": 0.250000,\n"
        "    \"steady_peak_rps\": 0.500000\n  },\n",
        "\"us\": {\n      \"requests\": 1,\n      \"bytes\": 100,\n"
        "      \"served_from_cache\": 0,\n"
        "      \"served_from_origin\": 1,\n      \"errors\": 0,\n"
        "      \"bytes_from_cache\": 0,\n      \"bytes_from_origin\": 100,\n"
        "      \"bytes_failed\": 0,\n      \"outdated\": 0,\n"
        "      \"rate_limited\": 0,\n      \"refused\": 0,\n"
        "      \"timed_out\": 0,\n"
        "      \"hit_ratio\": 0.000000,\n      \"byte_hit_ratio\": 0.000000,\n"
        "      \"latency_ms\": {\n",
        "\"served_from_cache\": 3,\n  \"served_from_origin\": 1,\n"
        "  \"errors\": 0,\n  \"bytes_from_cache\": 300,\n"
        "  \"bytes_from_origin\": 100,\n  \"bytes_failed\": 0,\n",
        "\"tier\": \"shield\",\n",
        "\"events\": 1000,\n",
        "\"events_per_s\": 2000.000000,\n",
        /* Warm-up included: (4 + 10) requests in 0.5 s. */
        "\"requests_per_s\": 28.000000,\n",
        "\"peak_rss_mib\": 0.000000\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(j, want[i]) != NULL, "missing %s in\n%s", want[i],
                      j);
    ck_assert(json_balanced(j));
    ck_assert_ptr_null(strstr(j, "nan"));
    ck_assert_ptr_null(strstr(j, "inf"));
    /* Percentiles come from the histogram, in ms. */
    char p50[64];
    snprintf(p50, sizeof p50, "\"p50\": %.6f,",
             (double)met_hist_quantile(&m->latency, 0.5) / 1e6);
    ck_assert_ptr_nonnull(strstr(j, p50));
    /* Tiers in fixed order, each counted once. */
    const char *tiers = strstr(j, "\"tiers\": {");
    ck_assert_ptr_nonnull(tiers);
    const char *te = strstr(tiers, "\"edge\": {");
    const char *ts = strstr(tiers, "\"shield\": {");
    const char *to = strstr(tiers, "\"origin\": {");
    const char *nodes = strstr(j, "\"nodes\": {");
    ck_assert(te && ts && to && nodes);
    ck_assert(te < ts && ts < to && to < nodes);
    /* The engine object is the last member. */
    const char *eng = strstr(j, "\"engine\": {");
    ck_assert_ptr_nonnull(eng);
    const char *close = strchr(eng, '}');
    ck_assert_str_eq(close, "}\n}\n");
    char *again = json_of(m);
    ck_assert_str_eq(j, again);
    free(again);
    free(j);
    free_run(m);
}
END_TEST

START_TEST(test_metrics_json_escapes_and_edges)
{
    struct met_run *m = xmalloc(sizeof *m);
    met_run_init(m, 0, 0);
    m->topology_name = "a\"b\\c\nd\001e\t";
    m->overrides = "--set x=\"y\"";
    char *j = json_of(m);
    ck_assert_ptr_nonnull(
        strstr(j, "\"name\": \"a\\\"b\\\\c\\nd\\u0001e\\t\""));
    ck_assert_ptr_nonnull(strstr(j, "\"overrides\": \"--set x=\\\"y\\\"\""));
    /* Missing names become "", empty runs give zeros, never NaN. */
    ck_assert_ptr_nonnull(strstr(j, "\"path\": \"\""));
    ck_assert_ptr_nonnull(strstr(j, "\"complete\": false"));
    ck_assert_ptr_nonnull(strstr(j, "\"offload\": 0.000000"));
    ck_assert_ptr_nonnull(strstr(j, "\"tiers\": {},"));
    ck_assert_ptr_nonnull(strstr(j, "\"events_per_s\": 0.000000"));
    ck_assert_ptr_null(strstr(j, "nan"));
    ck_assert(json_balanced(j));
    free(j);
    /* A stream that cannot be written reports -SIM_EIO. */
    FILE *ro = fopen("/dev/null", "r");
    ck_assert_ptr_nonnull(ro);
    ck_assert_int_eq(met_write_json(m, ro), -SIM_EIO);
    fclose(ro);
    free_run(m);
}
END_TEST

static char *
table_of(const struct met_run *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    met_print_table(m, f);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

/* Every line of the block starting with `head` up to a blank line has the
 * same length: the columns line up. Returns the number of lines. */
static int
block_aligned(const char *text, const char *head)
{
    const char *p = strstr(text, head);
    ck_assert_ptr_nonnull(p);
    size_t width = strcspn(p, "\n");
    int lines = 0;
    while (*p && *p != '\n') {
        size_t len = strcspn(p, "\n");
        ck_assert_msg(len == width, "ragged line: %.*s", (int)len, p);
        lines++;
        p += len;
        if (*p)
            p++;
    }
    return lines;
}

START_TEST(test_metrics_table_aligned)
{
    struct met_run *m = sample_run();
    m->nodes[1].name = "shield-with-a-rather-long-name";
    m->regions[1].name = "south-america-east";
    char *t = table_of(m);
    static const char *const want[] = {
        "cdnsim: tiny (topologies/tiny.yaml) x zipf-0.8 "
        "(workloads/zipf.yaml), seed 7\n",
        "requests 4 measured (10 warm-up excluded) over 5.0 s simulated\n",
        "offload 75.00%   byte offload 75.00%   origin 1 req, 100 B, "
        "peak 1 req/s   cost $0.1700\n",
        "shield-with-a-rather-long-name",
        "south-america-east",
        "hit%",
        "p99.9",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(t, want[i]) != NULL, "missing %s in\n%s", want[i],
                      t);
    ck_assert_ptr_null(strstr(t, "INTERRUPTED"));
    /* Header, 3 nodes, rule, 3 tier totals. */
    ck_assert_int_eq(block_aligned(t, "node "), 8);
    /* Header, 2 regions, rule, all. */
    ck_assert_int_eq(block_aligned(t, "region "), 5);
    ck_assert_ptr_nonnull(strstr(t, "10.000"));
    free(t);
    m->is_complete = 0;
    t = table_of(m);
    ck_assert_ptr_nonnull(strstr(t, "INTERRUPTED"));
    free(t);
    free_run(m);
}
END_TEST

/* Runs a one-value query; fails the test on any error. */
static sqlite3_int64
q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    sqlite3_int64 v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static double
q_real(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Does the one-value text query give want? */
static int
q_text_is(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *v = sqlite3_column_text(st, 0);
    int ok = v && strcmp((const char *)v, want) == 0;
    sqlite3_finalize(st);
    return ok;
}

static int
nonempty_buckets(const struct met_hist *h)
{
    int n = 0;
    for (unsigned i = 0; i < MET_N_BUCKETS; i++)
        n += h->bucket[i] != 0;
    return n;
}

START_TEST(test_metrics_db_rows)
{
    char *dir = test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char *path = xasprintf("%s/runs.db", dir);
    struct met_run *m = sample_run();
    struct sim_err err = {0};
    int64_t id = -1;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 1);
    m->is_complete = 0;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);

    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs"), 2);
    ck_assert(
        q_text_is(db, "SELECT status FROM runs WHERE id = 1", "complete"));
    ck_assert(
        q_text_is(db, "SELECT status FROM runs WHERE id = 2", "interrupted"));
    ck_assert(q_text_is(db,
                        "SELECT topology || '|' || topology_path || '|'"
                        " || workload || '|' || workload_path || '|'"
                        " || overrides || '|' || started FROM runs"
                        " WHERE id = 1",
                        "tiny|topologies/tiny.yaml|zipf-0.8|"
                        "workloads/zipf.yaml||2024-01-01T00:00:00Z"));
    ck_assert_int_eq(q_int(db, "SELECT seed FROM runs WHERE id = 1"), 7);
    /* The origin's steady state, as the JSON test works it out. */
    ck_assert(fabs(q_real(db, "SELECT mean_rps FROM origin_load"
                              " WHERE run_id = 1") -
                   0.2) < 1e-12);
    ck_assert(fabs(q_real(db, "SELECT steady_peak_rps FROM origin_load"
                              " WHERE run_id = 1") -
                   0.5) < 1e-12);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM origin_load"), 2);
    ck_assert_int_eq(q_int(db, "SELECT requests FROM runs WHERE id = 1"), 4);
    ck_assert_int_eq(q_int(db, "SELECT events FROM runs WHERE id = 1"), 1000);
    ck_assert(fabs(q_real(db, "SELECT offload FROM runs WHERE id = 1") - 0.75) <
              1e-12);
    ck_assert(fabs(q_real(db, "SELECT cost_usd FROM runs WHERE id = 1") -
                   0.17) < 1e-9);
    ck_assert(q_real(db, "SELECT latency_max_ms FROM runs WHERE id = 1") ==
              10.0);
    ck_assert(q_real(db, "SELECT latency_p50_ms FROM runs WHERE id = 1") ==
              (double)met_hist_quantile(&m->latency, 0.5) / 1e6);
    ck_assert(q_real(db, "SELECT window_s FROM runs WHERE id = 1") == 2.0);

    ck_assert_int_eq(
        q_int(db, "SELECT count(*) FROM node_metrics WHERE run_id = 1"), 3);
    ck_assert(q_text_is(db,
                        "SELECT tier || depth FROM node_metrics"
                        " WHERE run_id = 1 AND node = 'edge-a'",
                        "edge2"));
    ck_assert(q_real(db, "SELECT hit_ratio FROM node_metrics"
                         " WHERE run_id = 1 AND node = 'edge-a'") == 0.5);
    ck_assert(q_real(db, "SELECT byte_hit_ratio FROM node_metrics"
                         " WHERE run_id = 1 AND node = 'edge-a'") == 0.25);
    ck_assert_int_eq(q_int(db, "SELECT hits + misses + expired + coalesced"
                               " - requests FROM node_metrics"
                               " WHERE run_id = 1 AND node = 'edge-a'"),
                     0);

    ck_assert_int_eq(
        q_int(db, "SELECT count(*) FROM region_metrics WHERE run_id = 1"), 2);
    ck_assert_int_eq(q_int(db, "SELECT requests * 1000 + bytes FROM"
                               " region_metrics WHERE run_id = 1"
                               " AND region = 'eu'"),
                     3300);
    ck_assert(q_real(db, "SELECT latency_max_ms FROM region_metrics"
                         " WHERE run_id = 1 AND region = 'eu'") == 3.0);

    /* Three nodes, each with windows 0..2 (the edge has the most). */
    ck_assert_int_eq(
        q_int(db, "SELECT count(*) FROM timeseries WHERE run_id = 1"), 9);
    ck_assert_int_eq(q_int(db, "SELECT requests FROM timeseries WHERE"
                               " run_id = 1 AND node = 'edge-a'"
                               " AND window = 1"),
                     0);
    ck_assert(q_real(db,
                     "SELECT t_start_s FROM timeseries WHERE"
                     " run_id = 1 AND node = 'edge-a' AND window = 2") == 4.0);
    ck_assert_int_eq(q_int(db, "SELECT requests FROM timeseries WHERE"
                               " run_id = 1 AND node = 'origin'"
                               " AND window = 1"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT sum(requests) FROM timeseries"
                               " WHERE run_id = 1 AND node = 'edge-a'"),
                     4);

    int buckets = nonempty_buckets(&m->latency) +
                  nonempty_buckets(&m->regions[0].latency) +
                  nonempty_buckets(&m->regions[1].latency);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM latency_histogram"
                               " WHERE run_id = 1"),
                     buckets);
    ck_assert_int_eq(q_int(db, "SELECT sum(count) FROM latency_histogram"
                               " WHERE run_id = 1 AND region = '*'"),
                     4);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM latency_histogram"
                               " WHERE run_id = 1 AND (bucket_lo_ns >"
                               " 10000000 OR bucket_hi_ns < 1000000)"),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM latency_histogram"
                               " WHERE run_id = 1 AND region = 'us'"
                               " AND bucket_lo_ns <= 10000000"
                               " AND bucket_hi_ns >= 10000000"),
                     1);
    sqlite3_close(db);
    free_run(m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Writes m as a new file at path, then turns it into an older schema's
 * file with downgrade_sql (which ends by setting PRAGMA user_version). */
static void
write_old_db(const struct met_run *m, const char *path,
             const char *downgrade_sql)
{
    struct sim_err err = {0};
    int64_t id = -1;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 1);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, downgrade_sql, NULL, NULL, NULL) ==
                      SQLITE_OK,
                  "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* Schema version 5: a version-4 file gets the p95 columns (NULL for its
 * old run) and node_latency; a new run fills both. */
START_TEST(test_metrics_db_upgrades_version_4)
{
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/old.db", dir);
    struct met_run *m = sample_run();
    struct met_hist *edge = met_node_latency(&m->nodes[0]);
    met_hist_record(edge, 2000000);
    met_hist_record(edge, 4000000);
    write_old_db(m, path, DROP_SINCE_5 " PRAGMA user_version = 4");
    struct sim_err err = {0};
    int64_t id = -1;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND"
                               " latency_p95_ms IS NULL"),
                     1);
    /* eu's 1, 2 and 3 ms: p95 is 3 ms (within the histogram's 0.8%). */
    ck_assert(fabs(q_real(db, "SELECT latency_p95_ms FROM region_metrics"
                              " WHERE run_id = 2 AND region = 'eu'") -
                   3) < 0.03);
    ck_assert(fabs(q_real(db, "SELECT latency_p95_ms FROM runs WHERE id = 2") -
                   10) < 0.08);
    ck_assert_int_eq(q_int(db, "SELECT answered FROM node_latency WHERE"
                               " run_id = 2 AND scope = 'node' AND"
                               " name = 'edge-a'"),
                     2);
    ck_assert(fabs(q_real(db, "SELECT latency_max_ms FROM node_latency WHERE"
                              " run_id = 2 AND scope = 'tier' AND"
                              " name = 'edge'") -
                   4) < 1e-9);
    ck_assert_int_eq(q_int(db, "SELECT answered FROM node_latency WHERE"
                               " run_id = 2 AND scope = 'node' AND"
                               " name = 'origin'"),
                     0);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM node_latency WHERE"
                               " run_id = 1"),
                     0);
    sqlite3_close(db);
    free_run(m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_metrics_db_upgrades_version_3)
{
    /* A file written by schema version 3 gets the provenance columns;
     * its old run holds NULL there, the new one the files' record. */
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/old.db", dir);
    struct met_run *m = sample_run();
    struct sim_err err = {0};
    int64_t id = -1;
    write_old_db(m, path, DROP_VERSION_4 " PRAGMA user_version = 3");
    sqlite3 *db = NULL;
    m->topology_sha256 = "abc";
    m->topology_text = "name: tiny\n";
    m->cdnsim_version = "9.9";
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND"
                               " topology_sha256 IS NULL AND"
                               " cdnsim_version IS NULL"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE id = 2 AND"
                               " topology_sha256 = 'abc' AND topology_text ="
                               " 'name: tiny' || char(10) AND"
                               " workload_sha256 IS NULL AND"
                               " cdnsim_version = '9.9'"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM pragma_table_info("
                               "'sweep_vary') WHERE name IN ('moves_with',"
                               " 'fields')"),
                     2);
    sqlite3_close(db);
    met_run_fini(m);
    free(m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_metrics_db_upgrades_version_2)
{
    /* A file written by schema version 2 gets the answer split; its old
     * run holds NULL there, the new one its counts. */
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/old.db", dir);
    struct met_run *m = sample_run();
    m->from_cache = 3;
    m->from_origin = 1;
    m->origin_pushed_bytes = 5;
    m->regions[0].bytes_failed = 9;
    struct sim_err err = {0};
    int64_t id = -1;
    write_old_db(m, path, DROP_VERSION_3 " PRAGMA user_version = 2");
    sqlite3 *db = NULL;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM runs WHERE id = 1 AND"
                               " served_from_cache IS NULL AND"
                               " pushed_bytes IS NULL"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT served_from_cache * 100 +"
                               " served_from_origin * 10 + pushed_bytes"
                               " FROM runs WHERE id = 2"),
                     315);
    ck_assert_int_eq(q_int(db, "SELECT sum(served_from_origin) * 100 +"
                               " sum(bytes_failed) FROM region_metrics"
                               " WHERE run_id = 2"),
                     109);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM region_metrics"
                               " WHERE run_id = 1 AND bytes_failed IS NULL"),
                     2);
    sqlite3_close(db);
    met_run_fini(m);
    free(m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_metrics_db_upgrades_version_1)
{
    /* A file written by schema version 1 (without the outdated columns)
     * gets them, and the old run reads 0 there. */
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/old.db", dir);
    struct met_run *m = sample_run();
    m->outdated = 7;
    m->regions[0].outdated = 7;
    struct sim_err err = {0};
    int64_t id = -1;
    write_old_db(m, path,
                 "ALTER TABLE runs DROP COLUMN outdated;"
                 "ALTER TABLE region_metrics DROP COLUMN "
                 "outdated; ALTER TABLE node_metrics DROP "
                 "COLUMN refetched; ALTER TABLE "
                 "region_metrics DROP COLUMN hits; ALTER "
                 "TABLE region_metrics DROP COLUMN "
                 "bytes_hit; ALTER TABLE region_metrics "
                 "DROP COLUMN hit_ratio; ALTER TABLE "
                 "region_metrics DROP COLUMN byte_hit_ratio;" DROP_VERSION_3
                 " PRAGMA user_version = 1");
    sqlite3 *db = NULL;
    ck_assert_int_eq(met_write_db(m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT sum(outdated) FROM runs"), 7);
    ck_assert_int_eq(q_int(db, "SELECT outdated IS NULL FROM runs WHERE"
                               " id = 1"),
                     1);
    ck_assert_int_eq(q_int(db, "SELECT sum(outdated) FROM region_metrics"
                               " WHERE run_id = 2"),
                     7);
    sqlite3_close(db);
    met_run_fini(m);
    free(m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_metrics_db_errors)
{
    char *dir = test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    struct met_run *m = sample_run();
    struct sim_err err = {0};
    int64_t id = 99;

    /* A directory that does not exist. */
    char *bad = xasprintf("%s/no/such/dir/runs.db", dir);
    ck_assert_int_eq(met_write_db(m, bad, &id, &err), -SIM_EDB);
    ck_assert_int_eq(id, 0);
    ck_assert_int_eq(err.code, -SIM_EDB);
    ck_assert_str_eq(err.file, bad);
    char buf[1024];
    sim_err_format(&err, buf, sizeof buf);
    ck_assert_msg(strstr(buf, bad) != NULL, "path not in: %s", buf);
    ck_assert_msg(strstr(err.msg, "open") != NULL, "message: %s", err.msg);

    /* A file from a newer schema is left alone. */
    char *newer = xasprintf("%s/newer.db", dir);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(newer, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    sim_err_clear(&err);
    ck_assert_int_eq(met_write_db(m, newer, &id, &err), -SIM_EDB);
    ck_assert_msg(strstr(err.msg, "newer") != NULL, "message: %s", err.msg);
    ck_assert_int_eq(sqlite3_open(newer, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_master"), 0);
    sqlite3_close(db);

    /* A failure half-way (a clashing table) rolls the whole run back. */
    char *clash = xasprintf("%s/clash.db", dir);
    ck_assert_int_eq(sqlite3_open(clash, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db, "CREATE TABLE timeseries (x)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    sim_err_clear(&err);
    ck_assert_int_eq(met_write_db(m, clash, &id, &err), -SIM_EDB);
    ck_assert_msg(strstr(err.msg, "timeseries") != NULL, "message: %s",
                  err.msg);
    ck_assert_int_eq(sqlite3_open(clash, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM sqlite_master"
                               " WHERE name = 'runs'"),
                     0);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), 0);
    sqlite3_close(db);

    const char *schema = met_db_schema();
    ck_assert_ptr_nonnull(strstr(schema, "CREATE TABLE IF NOT EXISTS runs"));
    ck_assert_ptr_nonnull(
        strstr(schema, "CREATE TABLE IF NOT EXISTS latency_histogram"));

    free(clash);
    free(newer);
    free(bad);
    free_run(m);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A long run's series coarsens instead of growing without bound. */
START_TEST(test_metrics_series_coarsens)
{
    struct met_run r;
    met_run_init(&r, 1, 2);
    r.window_ns = 1000;
    for (int64_t t = 0; t < (int64_t)MET_MAX_WINDOWS * 1000; t += 500)
        met_run_window(&r, 0, t)->requests++;
    ck_assert_int_eq(r.window_ns, 1000);
    ck_assert_uint_eq(r.nodes[0].n_windows, MET_MAX_WINDOWS);
    /* One step past the end: every window pair merges, totals stay. */
    met_run_window(&r, 1, (int64_t)MET_MAX_WINDOWS * 1000)->requests++;
    ck_assert_int_eq(r.window_ns, 2000);
    ck_assert_uint_eq(r.nodes[0].n_windows, MET_MAX_WINDOWS / 2);
    ck_assert_uint_eq(r.nodes[0].windows[0].requests, 4);
    ck_assert_uint_eq(r.nodes[1].n_windows, MET_MAX_WINDOWS / 2 + 1);
    uint64_t total = 0;
    for (uint64_t k = 0; k < r.nodes[0].n_windows; k++)
        total += r.nodes[0].windows[k].requests;
    ck_assert_uint_eq(total, 2 * MET_MAX_WINDOWS);
    met_run_fini(&r);
}
END_TEST

/* The origin's steady state, by hand: 5 cold windows of 100 requests,
 * then 15 of 10, 12, 10, ... (batch means 10.8, 11.2, 10.8), then a
 * window the run cut short. MSER-5 over y = 100, 10.8, 11.2, 10.8 scores
 * d = 1: ((2/15)^2 * 2 + (4/15)^2) / 3^2 = 0.0119 against d = 2:
 * (0.2^2 * 2) / 2^2 = 0.02, so the first batch (5 windows) is cut. */
START_TEST(test_metrics_origin_steady_state)
{
    struct met_run r;
    met_run_init(&r, 1, 2);
    r.window_ns = 1000000000;
    r.nodes[0].depth = 0; /* the origin */
    r.nodes[1].depth = 1;
    r.measured_start_ns = 7;
    r.measured_end_ns = 7 + 20500000000;
    uint64_t total = 0;
    for (int64_t k = 0; k < 21; k++) {
        uint64_t n = k < 5 ? 100 : k == 20 ? 3 : (k % 2 ? 10 : 12);
        met_run_window(&r, 0, k * r.window_ns)->requests = n;
        met_run_window(&r, 1, k * r.window_ns)->requests = 1000;
        total += n;
    }
    r.origin_requests = total;
    ck_assert_uint_eq(total, 500 + 164 + 3);
    struct met_origin_load ol;
    met_origin_load(&r, &ol);
    ck_assert_uint_eq(ol.settle_windows, 5);
    ck_assert_double_eq_tol(ol.settle_s, 5.0, 1e-12);
    ck_assert_uint_eq(ol.steady_windows, 15);
    ck_assert_double_eq_tol(ol.steady_peak_rps, 12.0, 1e-12);
    ck_assert_double_eq_tol(ol.steady_mean_rps, 164.0 / 15, 1e-12);
    ck_assert_double_eq_tol(ol.mean_rps, 667 / 20.5, 1e-12);

    /* Windows of 2 s: rates are per second. */
    r.window_ns *= 2;
    r.measured_end_ns = 7 + 41000000000;
    met_origin_load(&r, &ol);
    ck_assert_double_eq_tol(ol.settle_s, 10.0, 1e-12);
    ck_assert_double_eq_tol(ol.steady_peak_rps, 6.0, 1e-12);

    /* Under 10 whole windows: nothing is cut. */
    r.window_ns /= 2;
    r.measured_end_ns = 7 + 9000000000;
    met_origin_load(&r, &ol);
    ck_assert_uint_eq(ol.settle_windows, 0);
    ck_assert_uint_eq(ol.steady_windows, 9);
    ck_assert_double_eq_tol(ol.steady_peak_rps, 100.0, 1e-12);
    met_run_fini(&r);
}
END_TEST

Suite *
metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("histogram");
    tcase_set_timeout(tc, test_sanitized() ? 300 : 60);
    tcase_add_loop_test(tc, test_metrics_hist_quantiles_within_one_percent, 0,
                        N_DISTS);
    tcase_add_test(tc, test_metrics_hist_empty_and_merge);
    tcase_add_test(tc, test_metrics_hist_buckets_consistent);
    tcase_add_test(tc, test_metrics_hist_sum_as_long_double);
    suite_add_tcase(s, tc);
    tc = tcase_create("run");
    tcase_add_test(tc, test_metrics_windows_grow_and_zero);
    tcase_add_test(tc, test_metrics_derived_figures);
    tcase_add_test(tc, test_metrics_node_fields_well_formed);
    tcase_add_test(tc, test_metrics_series_coarsens);
    tcase_add_test(tc, test_metrics_origin_steady_state);
    suite_add_tcase(s, tc);
    tc = tcase_create("writers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_metrics_json_fields);
    tcase_add_test(tc, test_metrics_json_escapes_and_edges);
    tcase_add_test(tc, test_metrics_table_aligned);
    tcase_add_test(tc, test_metrics_db_rows);
    tcase_add_test(tc, test_metrics_db_errors);
    tcase_add_test(tc, test_metrics_db_upgrades_version_1);
    tcase_add_test(tc, test_metrics_db_upgrades_version_4);
    tcase_add_test(tc, test_metrics_db_upgrades_version_3);
    tcase_add_test(tc, test_metrics_db_upgrades_version_2);
    suite_add_tcase(s, tc);
    return s;
}
