/* check_model.c: the CDN model against theory, exact hand-checked cases,
 * conservation of requests, and determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

/* Loads, builds and runs; the caller frees *t, *w and m. */
static void
run_model(const char *topo, const char *wl, const char *const *sets,
          size_t n_sets, struct cfg_topology **t, struct cfg_workload **w,
          struct met_run *m)
{
    test_run_model(topo, wl, sets, n_sets, t, w, m);
}

/* --- theory: one LRU or FIFO cache under the independent reference model */

/*
 * Characteristic-time approximations. LRU (Che, Tung, Wang, IEEE JSAC 2002;
 * justified by Fricker, Robert, Roberts, ITC 2012): find T with
 * sum(1 - exp(-p_i T)) = C; hit ratio sum p_i (1 - exp(-p_i T)).
 * FIFO and RANDOM (Gelenbe 1973; Martina, Garetto, Leonardi, INFOCOM 2014):
 * find T with sum p_i T / (1 + p_i T) = C; hit ratio sum p_i^2 T/(1+p_i T).
 */
static double
occupancy(const double *p, size_t n, double T, int fifo)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += fifo ? p[i] * T / (1 + p[i] * T) : -expm1(-p[i] * T);
    return s;
}

static double
che_hit_ratio(const double *p, size_t n, double capacity, int fifo)
{
    double lo = 0, hi = 1;
    while (occupancy(p, n, hi, fifo) < capacity)
        hi *= 2;
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2;
        if (occupancy(p, n, mid, fifo) < capacity)
            lo = mid;
        else
            hi = mid;
    }
    double T = (lo + hi) / 2, h = 0;
    for (size_t i = 0; i < n; i++)
        h += p[i] * (fifo ? p[i] * T / (1 + p[i] * T) : -expm1(-p[i] * T));
    return h;
}

static const struct {
    const char *policy;
    double alpha;
    unsigned capacity; /* objects: 1% and 10% of 100,000 */
} theory_cases[] = {
    {"lru", 0.8, 1000},  {"lru", 0.8, 10000},  {"lru", 1.0, 1000},
    {"lru", 1.0, 10000}, {"fifo", 0.8, 1000},  {"fifo", 0.8, 10000},
    {"fifo", 1.0, 1000}, {"fifo", 1.0, 10000},
};

START_TEST(test_model_matches_che_approximation)
{
    char s_policy[64], s_alpha[64], s_cap[64];
    snprintf(s_policy, sizeof s_policy, "nodes.edge.cache.policy=%s",
             theory_cases[_i].policy);
    snprintf(s_alpha, sizeof s_alpha, "catalog.zipf_alpha=%.2f",
             theory_cases[_i].alpha);
    snprintf(s_cap, sizeof s_cap, "nodes.edge.cache.capacity=%u",
             theory_cases[_i].capacity);
    const char *sets[] = {s_policy, s_alpha, s_cap};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/one-edge.yaml", "tests/scenarios/irm.yaml", sets,
              3, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.coalesced, 0); /* zero latency: none */
    double sim = (double)edge->c.hits / (double)edge->c.requests;
    double *p = test_zipf_pmf(100000, theory_cases[_i].alpha);
    double want = che_hit_ratio(p, 100000, theory_cases[_i].capacity,
                                strcmp(theory_cases[_i].policy, "fifo") == 0);
    free(p);
    ck_assert_msg(fabs(sim - want) < 0.01,
                  "%s alpha %.1f C %u: simulated %.4f, theory %.4f",
                  theory_cases[_i].policy, theory_cases[_i].alpha,
                  theory_cases[_i].capacity, sim, want);
    test_free_run(t, w, &m);
}
END_TEST

/* --- exact, hand-checkable cases --- */

START_TEST(test_model_coalesces_one_fetch)
{
    const char *sets[] = {"warmup=0"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 1, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *origin = test_node_named(&m, "origin");
    /* 100 requests within ~1 ms of an empty edge, 40 ms round trips: one
     * goes upstream, later ones wait for it or hit once it is back. */
    ck_assert_uint_eq(origin->c.requests, 1);
    ck_assert_uint_eq(edge->c.misses, 1);
    ck_assert_uint_eq(edge->c.hits + edge->c.coalesced + edge->c.misses, 100);
    ck_assert_uint_eq(edge->c.coalesced, 99); /* all inside 30 ms */
    ck_assert_uint_eq(m.origin_requests, 1);
    /* Every waiter's latency ends when the one fetch returns. */
    ck_assert_uint_eq(m.latency.max, 40 * 1000000ULL);
    ck_assert_uint_gt(m.latency.min, 10 * 1000000ULL);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_latency_is_sum_of_round_trips)
{
    /* Requests 1 s apart: the first misses (10 + 30 ms), the rest hit. */
    const char *sets[] = {"arrival.rate=1"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.requests, 100);
    ck_assert_uint_eq(m.latency.max, 40 * 1000000ULL);
    ck_assert_uint_eq(m.latency.min, 10 * 1000000ULL);
    ck_assert_uint_eq(met_hist_quantile(&m.latency, 0.5), 10 * 1000000ULL);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.hits, 99);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.bytes_out, 100 * 1000);
    ck_assert_uint_eq(test_node_named(&m, "origin")->c.bytes_out, 1000);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_bandwidth_adds_transfer_time)
{
    /* As above, plus 1 ms on the origin link and 0.1 ms on the client's. */
    const char *sets[] = {"arrival.rate=1"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/thin-links.yaml",
              "tests/scenarios/one-object.yaml", sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.latency.max, 41100000ULL);
    ck_assert_uint_eq(m.latency.min, 10100000ULL);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_ttl_expires_copies)
{
    /* One object requested 1000 times a second for 5 s, TTL 100 ms. */
    const char *sets[] = {"catalog.ttl=100ms", "arrival.rate=1000",
                          "workload.requests=5000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 3, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 1);
    ck_assert_uint_gt(edge->c.expired, 0);
    ck_assert_uint_eq(edge->c.requests, edge->c.hits + edge->c.misses +
                                            edge->c.expired +
                                            edge->c.coalesced);
    /* About 5 s of traffic. A copy expires 100 ms after the origin's
     * answer, which reaches the edge 15 ms later, so the edge holds it
     * fresh for 85 ms; the next request (about 1 ms later) refetches, and
     * the 30 ms round trip's requests coalesce onto that fetch. One fetch
     * per 85 + 1 + 30 = 116 ms: 5 s / 116 ms = 43 fetches. */
    uint64_t fetches = edge->c.misses + edge->c.expired;
    ck_assert_uint_eq(fetches, test_node_named(&m, "origin")->c.requests);
    ck_assert_msg(fetches >= 41 && fetches <= 45, "%llu fetches",
                  (unsigned long long)fetches);
    test_free_run(t, w, &m);
}
END_TEST

/* --- HTTP freshness: TTL theory, 304s, stale-while-revalidate, -if-error */

/*
 * A TTL cache under Poisson requests at rate lambda, the TTL counted from
 * the fetch and not reset by hits: each fetch is followed on average by
 * lambda T hits, so the hit ratio is lambda T / (1 + lambda T) (e.g.
 * Fofack, Nain, Neglia, Towsley, "Performance evaluation of hierarchical
 * TTL-based cache networks", Computer Networks 2014).
 */
START_TEST(test_model_ttl_cache_matches_theory)
{
    static const struct {
        const char *ttl;
        double t_s;
    } cases[] = {{"10ms", 0.01}, {"50ms", 0.05}};
    char ttl[64];
    snprintf(ttl, sizeof ttl, "catalog.ttl=%s", cases[_i].ttl);
    const char *sets[] = {"catalog.objects=1", "arrival.rate=100",
                          "workload.requests=300000", "warmup=1000", ttl};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/one-edge.yaml", "tests/scenarios/irm.yaml", sets,
              5, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    double lt = 100 * cases[_i].t_s;
    double want = lt / (1 + lt);
    double got = (double)edge->c.hits / (double)edge->c.requests;
    ck_assert_msg(fabs(got - want) < 0.01, "TTL %s: %.4f, theory %.4f",
                  cases[_i].ttl, got, want);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_revalidates_with_304)
{
    /* One object, 1,000 requests/s for 5 s, TTL 100 ms: ~43 refetches of
     * the held copy. Unchanged objects come back as bodiless 304s. */
    const char *sets[] = {"catalog.ttl=100ms", "arrival.rate=1000",
                          "workload.requests=5000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 3, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *origin = test_node_named(&m, "origin");
    ck_assert_uint_gt(edge->c.expired, 30);
    ck_assert_uint_eq(edge->c.revalidated, edge->c.expired);
    ck_assert_uint_eq(edge->c.outcome[MET_OUT_REVALIDATED],
                      edge->c.revalidated);
    ck_assert_uint_eq(edge->c.bytes_saved, 1000 * edge->c.revalidated);
    ck_assert_uint_eq(origin->c.bytes_out, 1000); /* the first fetch only */
    test_free_run(t, w, &m);

    /* An object that changes every 250 ms: some refetches bring a body. */
    const char *sets2[] = {"catalog.ttl=100ms", "arrival.rate=1000",
                           "workload.requests=5000",
                           "catalog.change_interval=250ms"};
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets2, 4, &t, &w, &m);
    edge = test_node_named(&m, "edge");
    origin = test_node_named(&m, "origin");
    /* 5 s / 250 ms = 20 changes: about 20 full answers after the first. */
    uint64_t full = edge->c.expired - edge->c.revalidated;
    ck_assert_msg(full >= 15 && full <= 21, "%llu full refetches",
                  (unsigned long long)full);
    ck_assert_uint_eq(origin->c.bytes_out, 1000 * (1 + full));
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_stale_while_revalidate)
{
    /* As above with a 1 s stale-while-revalidate window: after the first
     * miss nobody waits; each expiry costs one background refresh. */
    const char *sets[] = {"catalog.ttl=100ms", "arrival.rate=1000",
                          "workload.requests=5000",
                          "catalog.stale_while_revalidate=1s"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 4, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *origin = test_node_named(&m, "origin");
    ck_assert_uint_eq(edge->c.misses, 1);
    ck_assert_uint_eq(edge->c.expired, 0);
    ck_assert_uint_gt(edge->c.stale, edge->c.updates);
    ck_assert_uint_eq(edge->c.outcome[MET_OUT_UPDATING], edge->c.stale);
    /* Refreshes take 30 ms and the copy lives 85 ms at the edge: one per
     * ~116 ms, as many as the refetches without the window. */
    ck_assert_msg(edge->c.updates >= 38 && edge->c.updates <= 46,
                  "%llu refreshes", (unsigned long long)edge->c.updates);
    ck_assert_uint_eq(origin->c.requests, 1 + edge->c.updates);
    /* Stale answers are hits (met_counters.hits). */
    ck_assert_uint_eq(edge->c.requests, edge->c.hits + edge->c.misses +
                                            edge->c.expired +
                                            edge->c.coalesced);
    ck_assert_uint_eq(edge->c.hits,
                      edge->c.outcome[MET_OUT_HIT] + edge->c.stale);
    /* Only the first miss and the ~30 requests that waited for it took
     * longer than the 10 ms client round trip. */
    ck_assert_uint_le(edge->c.coalesced, 40);
    ck_assert_uint_eq(met_hist_quantile(&m.latency, 0.99), 10 * 1000000ULL);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_stale_if_error)
{
    /* The shield is down from 4 s to 6 s; edges that hold a stale copy
     * serve it instead of the error when it is at most 10 s stale. */
    const char *plain[] = {"warmup=0"};
    const char *sie[] = {"warmup=0", "catalog.stale_if_error=10s"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/failover.yaml",
              "tests/scenarios/failover-workload.yaml", plain, 1, &t, &w, &m);
    uint64_t errors_plain = m.errors;
    test_free_run(t, w, &m);
    run_model("tests/scenarios/failover.yaml",
              "tests/scenarios/failover-workload.yaml", sie, 2, &t, &w, &m);
    const struct met_node *a = test_node_named(&m, "edge-a");
    ck_assert_uint_gt(a->c.stale_if_error, 20);
    ck_assert_uint_eq(a->c.outcome[MET_OUT_STALE], a->c.stale_if_error);
    /* Expired copies are served; objects never fetched still fail. */
    ck_assert_uint_lt(m.errors + a->c.stale_if_error / 2, errors_plain);
    ck_assert_uint_gt(a->c.errors, 0);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_regress_11_stale_answers_are_hits)
{
    /* Every object weighs 20 KiB, so a node's hit ratio and byte hit
     * ratio must be equal, exactly: a stale answer (stale-while-
     * revalidate at the edges, stale-if-error at the shields while the
     * origin is down from 60 s to 120 s) is a hit in both terms. */
    char *dir = test_tmpdir();
    char *path = test_write_file(
        dir, "fixed.yaml",
        "name: fixed\nseed: 1\nrequests: 700000\nwarmup: 50000\n"
        "arrival: {rate: 5000}\ncatalog:\n  objects: 100000\n"
        "  zipf_alpha: 0.8\n  size: {dist: fixed, bytes: 20KiB}\n"
        "  ttl: 20s\n  stale_while_revalidate: 30s\n"
        "  stale_if_error: 10m\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("topologies/origin-outage.yaml", path, NULL, 0, &t, &w, &m);
    ck_assert_uint_gt(m.errors, 0);
    struct met_counters sums[3];
    const char *tiers[] = {"edge", "shield", "origin"};
    memset(sums, 0, sizeof sums);
    for (size_t i = 0; i < m.n_nodes; i++) {
        size_t k = 0;
        while (k < 2 && strcmp(m.nodes[i].tier, tiers[k]) != 0)
            k++;
        const struct met_counters *c = &m.nodes[i].c;
        sums[k].requests += c->requests;
        sums[k].hits += c->hits;
        sums[k].misses += c->misses;
        sums[k].expired += c->expired;
        sums[k].coalesced += c->coalesced;
        sums[k].bypass += c->bypass;
        sums[k].stale += c->stale;
        sums[k].stale_if_error += c->stale_if_error;
        sums[k].bytes_requested += c->bytes_requested;
        sums[k].bytes_hit += c->bytes_hit;
        for (int o = 0; o < MET_N_OUTCOMES; o++)
            sums[k].outcome[o] += c->outcome[o];
    }
    ck_assert_uint_gt(sums[0].stale, 0);
    ck_assert_uint_gt(sums[1].stale_if_error, 0);
    for (size_t i = 0; i < m.n_nodes + 3; i++) {
        const struct met_counters *c =
            i < m.n_nodes ? &m.nodes[i].c : &sums[i - m.n_nodes];
        const char *name =
            i < m.n_nodes ? m.nodes[i].name : tiers[i - m.n_nodes];
        ck_assert_msg(c->hits == c->outcome[MET_OUT_HIT] +
                                     c->outcome[MET_OUT_UPDATING] +
                                     c->outcome[MET_OUT_STALE],
                      "%s", name);
        ck_assert_msg(c->bytes_hit == c->hits * 20480, "%s", name);
        ck_assert_msg(c->bytes_requested == c->requests * 20480, "%s", name);
        ck_assert_msg(met_ratio(c->hits, c->requests) ==
                          met_ratio(c->bytes_hit, c->bytes_requested),
                      "%s: hit ratio %.6f, byte hit ratio %.6f", name,
                      met_ratio(c->hits, c->requests),
                      met_ratio(c->bytes_hit, c->bytes_requested));
        ck_assert_msg(c->requests + c->stale_if_error ==
                          c->hits + c->misses + c->expired + c->coalesced +
                              c->bypass,
                      "%s", name);
    }
    for (size_t i = 0; i < m.n_regions; i++)
        ck_assert(met_ratio(m.regions[i].hits, m.regions[i].requests) ==
                  met_ratio(m.regions[i].bytes_hit, m.regions[i].bytes));
    test_free_run(t, w, &m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_uncacheable_objects_bypass)
{
    /* Everything no-store: every request reaches the origin, nothing is
     * stored and nothing coalesces, even a burst for one object. */
    const char *sets[] = {"warmup=0", "catalog.uncacheable_share=1"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 2, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.bypass, 100);
    ck_assert_uint_eq(edge->c.coalesced, 0);
    ck_assert_uint_eq(m.origin_requests, 100);
    ck_assert_uint_eq(m.latency.min, 40 * 1000000ULL);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_negative_caching)
{
    /* One object the origin does not have, asked 1,000 times a second for
     * 5 s: its 404 is cached for 100 ms like any copy, so the origin sees
     * about one request per 116 ms, as in the TTL test, and every answer
     * is a 404 of 512 bytes. */
    const char *sets[] = {"arrival.rate=1000", "workload.requests=5000",
                          "catalog.missing_share=1",
                          "catalog.negative_ttl=100ms"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 4, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.negative, 5000);
    ck_assert_uint_eq(edge->c.revalidated, 0); /* 404s have no validator */
    ck_assert_msg(m.origin_requests >= 41 && m.origin_requests <= 45,
                  "%llu origin requests",
                  (unsigned long long)m.origin_requests);
    ck_assert_uint_eq(m.bytes, 5000 * 512);
    test_free_run(t, w, &m);
}
END_TEST

/* --- purge and push events --- */

START_TEST(test_model_push_and_purge)
{
    /* Pushed at 0 s, the first request hits; after the hard purge at
     * 3.5 s one request misses and refetches: the origin sends the pushed
     * copy and that one. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml", "tests/scenarios/events.yaml",
              NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *origin = test_node_named(&m, "origin");
    ck_assert_uint_eq(edge->c.hits, 9);
    ck_assert_uint_eq(edge->c.misses, 1);
    ck_assert_uint_eq(edge->c.purged, 1);
    ck_assert_uint_eq(edge->c.pushed_bytes, 1000);
    ck_assert_uint_eq(origin->c.requests, 1);
    ck_assert_uint_eq(origin->c.bytes_out, 2000);
    /* The push is origin load too: in its bytes and its time series. */
    ck_assert_uint_eq(m.origin_bytes, 2000);
    ck_assert_uint_eq(m.origin_pushed_bytes, 1000);
    ck_assert_uint_eq(origin->windows[0].bytes_out, 1000);
    test_free_run(t, w, &m);

    /* A soft purge only marks the copy stale: it comes back as a 304. */
    const char *soft[] = {"events.1.mode=soft"};
    run_model("tests/scenarios/slow-origin.yaml", "tests/scenarios/events.yaml",
              soft, 1, &t, &w, &m);
    edge = test_node_named(&m, "edge");
    origin = test_node_named(&m, "origin");
    ck_assert_uint_eq(edge->c.misses, 0);
    ck_assert_uint_eq(edge->c.expired, 1);
    ck_assert_uint_eq(edge->c.revalidated, 1);
    ck_assert_uint_eq(origin->c.bytes_out, 1000);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_regress_11_push_fits_the_cache)
{
    /* A push of the 50 most popular of 100 objects of 1,000 bytes into
     * an edge of 10,000 bytes sends the 10 that fit (ranks 1..10), not 50
     * of which 40 would be evicted by the push itself. A second push into
     * a node that holds them fresh sends nothing. */
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "t.yaml",
        "name: t\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 10000, policy: lru},"
        "\n     parent: origin}\n  - {name: origin, tier: origin}\n"
        "latency_ms: {r: {edge: 10}, edge: {origin: 30}}\n");
    char *path = test_write_file(
        dir, "w.yaml",
        "name: w\nseed: 3\nrequests: 1\narrival: {rate: 1}\ncatalog:\n"
        "  objects: 100\n  zipf_alpha: 0\n  size: {dist: fixed, bytes: "
        "1000}\n  ttl: 1h\n"
        "events:\n  - {at: 0s, push: 50, to: [edge]}\n"
        "  - {at: 0.5s, push: 50, to: [edge]}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model(topo, path, NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *origin = test_node_named(&m, "origin");
    ck_assert_uint_eq(edge->c.pushed_bytes, 10000);
    ck_assert_uint_eq(m.origin_pushed_bytes, 10000);
    ck_assert_uint_eq(m.origin_bytes, 10000 + 1000 * m.origin_requests);
    ck_assert_uint_eq(origin->c.bytes_out, m.origin_bytes);
    test_free_run(t, w, &m);
    free(topo);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Two one-object classes, news (tagged front) and sport, each asked about
 * 50 times a second for 10 s on slow-origin; `purge` is the event. */
static void
run_two_classes(const char *dir, const char *purge, const char *mode,
                struct cfg_topology **t, struct cfg_workload **w,
                struct met_run *m)
{
    char *yaml = xasprintf(
        "name: two-classes\nseed: 5\nrequests: 1000\narrival: {rate: 100}\n"
        "catalog:\n"
        "  classes:\n"
        "    - {name: news, share: 1, objects: 1, tags: [front, news],\n"
        "       size: {dist: fixed, bytes: 1000}}\n"
        "    - {name: sport, share: 1, objects: 1,\n"
        "       size: {dist: fixed, bytes: 1000}}\n"
        "events:\n  - {at: 5s, purge: %s, mode: %s}\n",
        purge, mode);
    char *path = test_write_file(dir, "two.yaml", yaml);
    run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, t, w, m);
    free(path);
    free(yaml);
}

START_TEST(test_model_purge_by_tag_class_prefix)
{
    /* Both objects are cached after their first miss. A hard purge that
     * selects news removes exactly that copy: one more miss, one more
     * origin fetch; sport never misses again. Selecting by tag, by class
     * and by key prefix ("/<class>/<id>") gives the same counts; a prefix
     * of "/" selects both. */
    static const struct {
        const char *purge;
        uint64_t purged;
    } cases[] = {
        {"{tag: front}", 1},           {"{tag: [front, news]}", 1},
        {"{class: news}", 1},          {"{prefix: /news/}", 1},
        {"{prefix: /news/0}", 1},      {"{prefix: /}", 2},
        {"{class: [news, sport]}", 2},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_two_classes(dir, cases[k].purge, "hard", &t, &w, &m);
        const struct met_node *edge = test_node_named(&m, "edge");
        ck_assert_msg(edge->c.purged == cases[k].purged, "%s: purged %llu",
                      cases[k].purge, (unsigned long long)edge->c.purged);
        ck_assert_uint_eq(edge->c.misses, 2 + cases[k].purged);
        ck_assert_uint_eq(edge->c.expired, 0);
        ck_assert_uint_eq(m.origin_requests, 2 + cases[k].purged);
        test_free_run(t, w, &m);
    }
    /* Soft: the copy is only marked stale and comes back as a 304. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_two_classes(dir, "{tag: front}", "soft", &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.purged, 1);
    ck_assert_uint_eq(edge->c.misses, 2);
    ck_assert_uint_eq(edge->c.expired, 1);
    ck_assert_uint_eq(edge->c.revalidated, 1);
    ck_assert_uint_eq(edge->c.bytes_saved, 1000);
    ck_assert_uint_eq(m.origin_bytes, 2000);
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_purge_by_tag_in_trace)
{
    /* A csv trace names its objects by URL and gives surrogate keys. At
     * 0 s both are fetched, at 1 s both hit; the purge at 2 s selects the
     * page tagged front (hard: a miss at 3 s; soft: a 304), or by prefix
     * the same page, or by a tag no record gives, nothing. */
    static const char csv[] = "time,id,size,tags\n"
                              "0,/news/1.html,1000,front|news\n"
                              "0,/sport/2.html,1000,sport\n"
                              "1,/news/1.html,1000,front|news\n"
                              "1,/sport/2.html,1000,sport\n"
                              "3,/news/1.html,1000,front|news\n"
                              "3,/sport/2.html,1000,sport\n";
    static const struct {
        const char *purge, *mode;
        uint64_t purged, misses, expired, origin_bytes;
    } cases[] = {
        {"{tag: front}", "hard", 1, 3, 0, 3000},
        {"{tag: front}", "soft", 1, 2, 1, 2000},
        {"{prefix: /news/}", "hard", 1, 3, 0, 3000},
        {"{tag: [sport, news]}", "hard", 2, 4, 0, 4000},
        {"{tag: video}", "hard", 0, 2, 0, 2000},
    };
    char *dir = test_tmpdir();
    char *cpath = test_write_file(dir, "t.csv", csv);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *yaml = xasprintf("name: t\ntrace: {path: t.csv, format: csv, "
                               "time_unit: s}\nevents:\n"
                               "  - {at: 2s, purge: %s, mode: %s}\n",
                               cases[k].purge, cases[k].mode);
        char *path = test_write_file(dir, "t.yaml", yaml);
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w,
                  &m);
        const struct met_node *edge = test_node_named(&m, "edge");
        ck_assert_msg(edge->c.purged == cases[k].purged &&
                          edge->c.misses == cases[k].misses &&
                          edge->c.expired == cases[k].expired &&
                          m.origin_bytes == cases[k].origin_bytes,
                      "%s %s: purged %llu misses %llu expired %llu origin "
                      "bytes %llu",
                      cases[k].purge, cases[k].mode,
                      (unsigned long long)edge->c.purged,
                      (unsigned long long)edge->c.misses,
                      (unsigned long long)edge->c.expired,
                      (unsigned long long)m.origin_bytes);
        ck_assert_uint_eq(edge->c.requests, 6);
        test_free_run(t, w, &m);
        free(path);
        free(yaml);
    }
    free(cpath);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_push_named_objects)
{
    /* push: [0] loads object 0 itself: the first request is a hit. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    char *dir = test_tmpdir();
    char *path = test_write_file(
        dir, "push.yaml",
        "name: push\nseed: 3\nrequests: 10\narrival: {rate: 1}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, "
        "bytes: 1000}}\n"
        "events:\n  - {at: 0s, push: [0], to: [edge]}\n");
    run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.hits, 10);
    ck_assert_uint_eq(edge->c.pushed_bytes, 1000);
    ck_assert_uint_eq(test_node_named(&m, "origin")->c.requests, 0);
    test_free_run(t, w, &m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* --- freshness per class and per record --- */

START_TEST(test_model_freshness_per_class)
{
    /* Two one-object classes with a 100 ms TTL under 1,000 requests/s.
     * With stale-while-revalidate on the catalog, no request ever waits
     * for an expired copy; set on class a alone, b's expiries still wait
     * (EXPIRED) while a's are served stale (UPDATING). */
    static const char base[] =
        "name: fresh\nseed: 9\nrequests: 5000\narrival: {rate: 1000}\n"
        "catalog:\n  ttl: 100ms\n%s"
        "  classes:\n"
        "    - {name: a, share: 1, objects: 1, size: {dist: fixed, bytes: "
        "1000}%s}\n"
        "    - {name: b, share: 1, objects: 1, size: {dist: fixed, bytes: "
        "1000}}\n"
        "    - {name: c, share: 1, objects: 1, immutable: true, size: {dist: "
        "fixed, bytes: 1000}}\n";
    char *dir = test_tmpdir();
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    char *yaml = xasprintf(base, "  stale_while_revalidate: 1s\n", "");
    char *path = test_write_file(dir, "f.yaml", yaml);
    run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 3);
    ck_assert_uint_eq(edge->c.expired, 0);
    ck_assert_uint_gt(edge->c.outcome[MET_OUT_UPDATING], 0);
    test_free_run(t, w, &m);
    free(path);
    free(yaml);

    yaml = xasprintf(base, "", ", stale_while_revalidate: 1s");
    path = test_write_file(dir, "f.yaml", yaml);
    run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w, &m);
    edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 3);
    ck_assert_uint_gt(edge->c.expired, 20);                   /* b's */
    ck_assert_uint_gt(edge->c.outcome[MET_OUT_UPDATING], 20); /* a's */
    ck_assert_uint_eq(m.origin_requests, 3 + edge->c.updates + edge->c.expired);
    test_free_run(t, w, &m);
    free(path);
    free(yaml);

    /* An immutable class never expires despite the catalog's ttl. */
    path = test_write_file(dir, "f.yaml",
                           "name: immutable\nseed: 9\nrequests: 5000\n"
                           "arrival: {rate: 1000}\ncatalog:\n  ttl: 100ms\n"
                           "  classes:\n    - {name: c, share: 1, objects: "
                           "1, immutable: true}\n");
    run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w, &m);
    edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 1);
    ck_assert_uint_eq(edge->c.expired, 0);
    ck_assert_uint_eq(m.origin_requests, 1);
    test_free_run(t, w, &m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_freshness_per_record)
{
    /* Trace columns override the catalog per record. ttl 1 s with
     * s_maxage 2 s: the copy fetched at 0 s (expiring at 2.015 s) is fresh
     * at 1.5 s and 1.8 s; without s_maxage it has expired at 1.5 s (and
     * is revalidated, so 1.8 s hits). With stale_while_revalidate 10 s the
     * 1.5 s request is served stale and refreshed in the background, so
     * 1.6 s hits. */
    static const struct {
        const char *csv;
        uint64_t hits, expired, stale;
    } cases[] = {
        {"time,id,size,ttl,s_maxage\n0,a,1000,1,2\n1500,a,1000,1,2\n"
         "1800,a,1000,1,2\n",
         2, 0, 0},
        {"time,id,size,ttl\n0,a,1000,1\n1500,a,1000,1\n1800,a,1000,1\n", 1, 1,
         0},
        {"time,id,size,ttl,stale_while_revalidate\n0,a,1000,1,10\n"
         "1500,a,1000,1,10\n1600,a,1000,1,10\n",
         1, 0, 1},
        /* The same from Cache-Control headers; no-cache (and max-age=0)
         * revalidates every use. */
        {"time,id,size,cache_control\n0,a,1000,\"max-age=1, s-maxage=2\"\n"
         "1500,a,1000,\"max-age=1, s-maxage=2\"\n"
         "1800,a,1000,\"max-age=1, s-maxage=2\"\n",
         2, 0, 0},
        {"time,id,size,cache_control\n0,a,1000,no-cache\n"
         "1500,a,1000,no-cache\n1800,a,1000,max-age=0\n",
         0, 2, 0},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *cpath = test_write_file(dir, "t.csv", cases[k].csv);
        char *path = test_write_file(dir, "t.yaml",
                                     "name: t\ntrace: {path: t.csv, format: "
                                     "csv, time_unit: ms}\n");
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w,
                  &m);
        const struct met_node *edge = test_node_named(&m, "edge");
        /* cases[k].hits are the fresh ones; stale answers are hits too. */
        ck_assert_msg(edge->c.hits == cases[k].hits + cases[k].stale &&
                          edge->c.expired == cases[k].expired &&
                          edge->c.stale == cases[k].stale,
                      "case %zu: hits %llu expired %llu stale %llu", k,
                      (unsigned long long)edge->c.hits,
                      (unsigned long long)edge->c.expired,
                      (unsigned long long)edge->c.stale);
        ck_assert_uint_eq(edge->c.misses, 1);
        test_free_run(t, w, &m);
        free(cpath);
        free(path);
    }
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_outdated_answers_theory)
{
    /* One object changing every I = 1 s, cached for T = 100 ms, asked
     * 1,000 times a second. A fetch is served by the origin at o and the
     * copy lives until o + T; the next fetch is served 15 ms (half the
     * RTT) plus ~1 ms (the next request) later, a cycle of L = 116 ms. A
     * change at x in (o, o + T), which happens in a cycle with probability
     * T / I at a uniform point, leaves the copy outdated for o + T - x: on
     * average T / 2. So the outdated share of requests is
     * T^2 / (2 I L) = 0.0431. */
    const char *sets[] = {"catalog.ttl=100ms", "catalog.change_interval=1s",
                          "arrival.rate=1000", "workload.requests=200000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/scenarios/one-object.yaml", sets, 4, &t, &w, &m);
    double share = (double)m.outdated / (double)m.requests;
    double want = 0.1 * 0.1 / (2 * 1.0 * 0.116);
    ck_assert_msg(fabs(share - want) < 0.006, "outdated %.4f, theory %.4f",
                  share, want);
    ck_assert_uint_eq(m.regions[0].outdated, m.outdated);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_outdated_answers_exact)
{
    /* A trace: version 1 at 0 s, version 2 from 1 s on, a TTL of 10 s.
     * Without a purge the requests at 1 s and 2 s hit the old copy; a
     * purge at 1.5 s (hard, or soft: the revalidation finds a new
     * version) leaves only the 1 s one outdated. */
    static const char csv[] = "time,id,size,ttl,version\n"
                              "0,a,1000,10,1\n"
                              "1,a,1000,10,2\n"
                              "2,a,1000,10,2\n";
    static const struct {
        const char *events;
        uint64_t outdated, origin_bytes;
    } cases[] = {
        {"", 2, 1000},
        {"events: [{at: 1500ms, purge: all}]\n", 1, 2000},
        {"events: [{at: 1500ms, purge: all, mode: soft}]\n", 1, 2000},
    };
    char *dir = test_tmpdir();
    char *cpath = test_write_file(dir, "t.csv", csv);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *yaml = xasprintf("name: t\ntrace: {path: t.csv, format: csv, "
                               "time_unit: s}\n%s",
                               cases[k].events);
        char *path = test_write_file(dir, "t.yaml", yaml);
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_model("tests/scenarios/slow-origin.yaml", path, NULL, 0, &t, &w,
                  &m);
        ck_assert_msg(m.outdated == cases[k].outdated &&
                          m.origin_bytes == cases[k].origin_bytes,
                      "case %zu: outdated %llu, origin bytes %llu", k,
                      (unsigned long long)m.outdated,
                      (unsigned long long)m.origin_bytes);
        test_free_run(t, w, &m);
        free(path);
        free(yaml);
    }
    free(cpath);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_region_hit_ratios)
{
    /* Two regions, each with its edge, behind one shield. x is fetched
     * from the origin for a (0 ms), found at the shield for b (100 ms)
     * and at a's edge for a (200 ms); y goes to the origin for b; z twice
     * for a, the second waiting for the first's origin fetch (coalesced):
     * neither is a hit. A region's hits are the answers no origin request
     * was made for. */
    static const char csv[] = "time,id,size,region\n"
                              "0,x,1000,a\n"
                              "100,x,1000,b\n"
                              "200,x,1000,a\n"
                              "300,y,500,b\n"
                              "400,z,100,a\n"
                              "401,z,100,a\n";
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "two.yaml",
        "name: two\nregions: [{name: a, weight: 1}, {name: b, weight: 1}]\n"
        "nodes:\n"
        "  - {name: ea, tier: edge, cache: {capacity: 1MiB}, parent: s}\n"
        "  - {name: eb, tier: edge, cache: {capacity: 1MiB}, parent: s}\n"
        "  - {name: s, tier: shield, cache: {capacity: 1MiB}, parent: o}\n"
        "  - {name: o, tier: origin}\n"
        "latency_ms: {a: {ea: 5}, b: {eb: 5}, ea: {s: 10}, eb: {s: 10},\n"
        "             s: {o: 20}}\n");
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *path = test_write_file(dir, "t.yaml",
                                 "name: t\ntrace: {path: "
                                 "t.csv, format: csv, time_unit: ms}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model(topo, path, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.regions[0].requests, 4);
    ck_assert_uint_eq(m.regions[0].hits, 1);
    ck_assert_uint_eq(m.regions[0].bytes_hit, 1000);
    ck_assert_uint_eq(m.regions[1].requests, 2);
    ck_assert_uint_eq(m.regions[1].hits, 1);
    ck_assert_uint_eq(m.regions[1].bytes_hit, 1000);
    ck_assert_uint_eq(m.regions[1].bytes, 1500);
    ck_assert_uint_eq(test_node_named(&m, "ea")->c.coalesced, 1);
    ck_assert_uint_eq(m.origin_requests, 3);
    test_free_run(t, w, &m);
    free(topo);
    free(cpath);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_failure_loses_held_requests)
{
    /* a at 0 ms: the edge fetches from the shield (there at 10 ms), which
     * fetches from the origin (answer back at 110 ms). The shield fails
     * at 50 ms for 10 ms: the fetch it held is lost and the client gets
     * an error; b at 200 ms is served normally. In the second topology
     * the origin takes 100 ms to serve a (from 10 ms) and fails at 50 ms:
     * the request in service is lost too. */
    static const char csv[] = "time,id,size\n0,a,1000\n200,b,1000\n";
    static const char *const topos[] = {
        "name: t\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: s}\n"
        "  - {name: s, tier: shield, cache: {capacity: 1MiB}, parent: o}\n"
        "  - {name: o, tier: origin}\n"
        "latency_ms: {r: {e: 10}, e: {s: 20}, s: {o: 100}}\n"
        "outages: [{fail: s, at: 50ms, for: 10ms}]\n",
        "name: t\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o}\n"
        "  - {name: o, tier: origin, servers: 1,\n"
        "     service_time: {dist: fixed, mean: 100ms}}\n"
        "latency_ms: {r: {e: 10}, e: {o: 20}}\n"
        "outages: [{fail: o, at: 50ms, for: 10ms}]\n",
    };
    char *dir = test_tmpdir();
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *path = test_write_file(dir, "t.yaml",
                                 "name: t\ntrace: {path: "
                                 "t.csv, format: csv, time_unit: ms}\n");
    for (size_t k = 0; k < 2; k++) {
        char *topo = test_write_file(dir, "topo.yaml", topos[k]);
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_model(topo, path, NULL, 0, &t, &w, &m);
        const struct met_node *e = test_node_named(&m, "e");
        ck_assert_msg(m.errors == 1, "topology %zu: %llu errors", k,
                      (unsigned long long)m.errors);
        ck_assert_uint_eq(e->c.outcome[MET_OUT_ERROR], 1);
        ck_assert_uint_eq(e->c.misses, 2);
        ck_assert_uint_eq(m.latency.count, 1); /* b's */
        if (k == 0) {
            /* The shield had counted a: its outcome is ERROR. */
            ck_assert_uint_eq(
                test_node_named(&m, "s")->c.outcome[MET_OUT_ERROR], 1);
            ck_assert_uint_eq(m.origin_requests, 2);
        } else {
            /* The origin never finished a: it counted only b. */
            ck_assert_uint_eq(m.origin_requests, 1);
        }
        test_free_run(t, w, &m);
        free(topo);
    }
    free(cpath);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_regress_11_failure_drops_the_queue)
{
    /* 100 requests at 0 ms queue for the origin's one server (10 ms
     * each); it fails at 100 ms for 100 ms. Nine are answered (at 10 ..
     * 90 ms); the one finishing at the instant of the failure and the 90
     * waiting are lost with it. The 5 requests of region late, at 300 ms,
     * find an idle origin: 10, 20, 30, 40 and 50 ms, not queued behind
     * requests failing one service time at a time. */
    char *csv = xstrdup("time,id,size,region\n");
    for (int i = 0; i < 100; i++) {
        char *more = xasprintf("%s0,o%d,1000,early\n", csv, i);
        free(csv);
        csv = more;
    }
    for (int i = 0; i < 5; i++) {
        char *more = xasprintf("%s300,late%d,1000,late\n", csv, i);
        free(csv);
        csv = more;
    }
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "q.yaml",
        "name: q\nregions: [{name: early, weight: 1}, {name: late, "
        "weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o}\n"
        "  - {name: o, tier: origin, servers: 1,\n"
        "     service_time: {dist: fixed, mean: 10ms}}\n"
        "latency_ms: {early: {e: 0}, late: {e: 0}, e: {o: 0}}\n"
        "outages: [{fail: o, at: 100ms, for: 100ms}]\n");
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *path = test_write_file(dir, "t.yaml",
                                 "name: t\ntrace: {path: "
                                 "t.csv, format: csv, time_unit: ms}\n");
    const char *sets[] = {"warmup=0"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model(topo, path, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.requests, 105);
    ck_assert_uint_eq(m.errors, 91);
    ck_assert_uint_eq(m.regions[0].errors, 91);
    ck_assert_uint_eq(m.regions[0].latency.count, 9);
    ck_assert_uint_eq(m.regions[0].latency.max, 90 * 1000000ULL);
    const struct met_hist *late = &m.regions[1].latency;
    ck_assert_uint_eq(m.regions[1].errors, 0);
    ck_assert_uint_eq(late->count, 5);
    ck_assert_uint_eq(late->min, 10 * 1000000ULL);
    ck_assert_uint_eq(late->max, 50 * 1000000ULL);
    ck_assert_double_eq_tol(met_hist_mean(late), 30e6, 1e-3);
    ck_assert_uint_eq(test_node_named(&m, "o")->c.requests, 9 + 5);
    test_free_run(t, w, &m);
    free(topo);
    free(cpath);
    free(path);
    free(csv);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_304_for_an_evicted_copy)
{
    /* The edge holds one object. a is fetched at 0 s (expiring at
     * 1.015 s); b, asked at 1.99 s, arrives at 2.02 s and evicts a, whose
     * revalidation (asked at 2 s) comes back as a 304 at 2.03 s for a copy
     * that is gone: the edge fetches the body, so the client waits two
     * round trips to the origin (70 ms) and the origin sends a twice. */
    static const char csv[] = "time,id,size,ttl\n"
                              "0,a,1000,1\n"
                              "1990,b,1000,1\n"
                              "2000,a,1000,1\n";
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "one-slot.yaml",
        "name: one-slot\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1500}, parent: "
        "origin}\n  - {name: origin, tier: origin}\n"
        "latency_ms: {r: {edge: 10}, edge: {origin: 30}}\n");
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *path = test_write_file(dir, "t.yaml",
                                 "name: t\ntrace: {path: "
                                 "t.csv, format: csv, time_unit: ms}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model(topo, path, NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 2);
    ck_assert_uint_eq(edge->c.expired, 1);
    ck_assert_uint_eq(edge->c.revalidated, 0);
    ck_assert_uint_eq(edge->c.refetched, 1);
    ck_assert_uint_eq(m.origin_requests, 4);
    ck_assert_uint_eq(m.origin_bytes, 3000);
    ck_assert_uint_eq(met_hist_quantile(&m.latency, 1.0), 70 * 1000000ULL);
    test_free_run(t, w, &m);
    free(topo);
    free(cpath);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_purge_on_change)
{
    /* The object changes 20 times in the run. Without purges the edge
     * keeps its first copy for the hour: every answer after the first
     * change is outdated. With purge_on_change each change removes the
     * copy: the next request misses and nothing is outdated (changes are
     * 1 s apart, fetches take 30 ms). With a 100 ms purge delay the
     * requests of the 100 ms after each change (about 100 each) are. */
    static const struct {
        const char *sets[2];
        size_t n_sets;
    } cases[] = {
        {{NULL, NULL}, 0},
        {{"catalog.classes.a.purge_on_change=true", NULL}, 1},
        {{"catalog.classes.a.purge_on_change=true",
          "catalog.classes.a.purge_delay=100ms"},
         2},
    };
    for (size_t k = 0; k < 3; k++) {
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_model("tests/scenarios/slow-origin.yaml",
                  "tests/scenarios/changing-object.yaml", cases[k].sets,
                  cases[k].n_sets, &t, &w, &m);
        const struct met_node *edge = test_node_named(&m, "edge");
        if (k == 0) {
            ck_assert_uint_eq(edge->c.misses, 1);
            ck_assert_uint_gt(m.outdated, 19000);
        } else {
            ck_assert_uint_ge(edge->c.purged, 19);
            ck_assert_uint_le(edge->c.purged, 20);
            ck_assert_uint_eq(edge->c.misses, 1 + edge->c.purged);
            ck_assert_uint_eq(m.origin_requests, edge->c.misses);
        }
        if (k == 1)
            ck_assert_uint_eq(m.outdated, 0);
        if (k == 2)
            ck_assert_msg(m.outdated > 1700 && m.outdated < 2300,
                          "%llu outdated", (unsigned long long)m.outdated);
        test_free_run(t, w, &m);
    }
}
END_TEST

/* --- queueing: a node's servers against M/M/1 and M/M/c theory --- */

/*
 * Erlang's C formula: the probability that an arrival waits in an M/M/c
 * queue with offered load a = lambda/mu < c (Erlang 1917; e.g. Kleinrock,
 * Queueing Systems vol. 1, 1975, section 3.5).
 */
static double
erlang_c(unsigned c, double a)
{
    double term = 1, sum = 1; /* a^k/k! for k = 0 .. c-1, summed */
    for (unsigned k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double last = term * a / c / (1 - a / c); /* a^c/c! * c/(c-a) */
    return last / (sum + last);
}

/*
 * P(T > t) for the sojourn time T = W + S of M/M/c: W is 0 with
 * probability 1 - C and else exponential with rate theta = c mu - lambda;
 * S is exponential with rate mu.
 */
static double
mmc_tail(double t, double C, double mu, double theta)
{
    double ws =
        fabs(theta - mu) < 1e-12
            ? (1 + mu * t) * exp(-mu * t)
            : (theta * exp(-mu * t) - mu * exp(-theta * t)) / (theta - mu);
    return (1 - C) * exp(-mu * t) + C * ws;
}

static const struct {
    unsigned servers;
    double mean_ms; /* service time */
    double rate;    /* arrivals per second */
} queue_cases[] = {
    {1, 1.0, 700}, /* M/M/1, rho 0.7 */
    {4, 4.0, 800}, /* M/M/4, rho 0.8 */
};

START_TEST(test_model_queue_matches_mmc)
{
    unsigned c = queue_cases[_i].servers;
    char s_servers[64], s_mean[64], s_rate[64];
    snprintf(s_servers, sizeof s_servers, "nodes.origin.servers=%u", c);
    snprintf(s_mean, sizeof s_mean, "nodes.origin.service_time.mean=%gms",
             queue_cases[_i].mean_ms);
    snprintf(s_rate, sizeof s_rate, "arrival.rate=%g", queue_cases[_i].rate);
    const char *sets[] = {s_servers, s_mean, s_rate};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/queue.yaml",
              "tests/scenarios/poisson-unique.yaml", sets, 3, &t, &w, &m);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.hits, 0);
    double mu = 1000.0 / queue_cases[_i].mean_ms, lambda = queue_cases[_i].rate;
    double C = erlang_c(c, lambda / mu), theta = c * mu - lambda;
    double mean_s = C / theta + 1 / mu;
    double lo = 0, hi = 10;
    for (int it = 0; it < 200; it++) {
        double mid = (lo + hi) / 2;
        if (mmc_tail(mid, C, mu, theta) > 0.01)
            lo = mid;
        else
            hi = mid;
    }
    double p99_s = (lo + hi) / 2;
    double sim_mean = met_hist_mean(&m.latency) / 1e9;
    double sim_p99 = (double)met_hist_quantile(&m.latency, 0.99) / 1e9;
    ck_assert_msg(fabs(sim_mean / mean_s - 1) < 0.03,
                  "M/M/%u: mean %.4f ms, theory %.4f ms", c, sim_mean * 1e3,
                  mean_s * 1e3);
    ck_assert_msg(fabs(sim_p99 / p99_s - 1) < 0.03,
                  "M/M/%u: p99 %.4f ms, theory %.4f ms", c, sim_p99 * 1e3,
                  p99_s * 1e3);
    if (c == 1) { /* the closed forms: 1/(mu-lambda), ln(100)/(mu-lambda) */
        ck_assert(fabs(p99_s - log(100) / (mu - lambda)) < 1e-9);
        char *says =
            xasprintf("(ρ = 0.7: %.3f ms and %.2f ms measured, "
                      "%.3f ms and %.2f ms in theory)",
                      sim_mean * 1e3, sim_p99 * 1e3, mean_s * 1e3, p99_s * 1e3);
        test_assert_readme_says(says);
        free(says);
    }
    test_free_run(t, w, &m);
}
END_TEST

/* --- outages, failover routing and backup parents --- */

START_TEST(test_model_fails_over_and_back)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/failover.yaml",
              "tests/scenarios/failover-workload.yaml", NULL, 0, &t, &w, &m);
    const struct met_node *a = test_node_named(&m, "edge-a");
    const struct met_node *b = test_node_named(&m, "edge-b");
    /* Clients refused by the dead edge-a before routing noticed (1 s to
     * 1.5 s, about 50 of them) are the errors no edge answered. */
    uint64_t refused = m.errors - a->c.errors - b->c.errors;
    ck_assert_msg(refused > 25 && refused < 80, "%llu refused",
                  (unsigned long long)refused);
    ck_assert_uint_eq(m.requests, a->c.requests + b->c.requests + refused);
    /* edge-b serves only while edge-a seems down: 1.5 s to 3.5 s, windows
     * 3 to 6 of 500 ms (the first arrival is a few ms after 0). */
    uint64_t in_outage = 0;
    for (uint64_t k = 0; k < b->n_windows; k++)
        if (k >= 3 && k <= 6)
            in_outage += b->windows[k].requests;
    ck_assert_uint_gt(b->c.requests, 100);
    ck_assert_uint_eq(in_outage, b->c.requests);
    /* And edge-a serves again after it: something in windows 7 and up. */
    uint64_t after = 0;
    for (uint64_t k = 7; k < a->n_windows; k++)
        after += a->windows[k].requests;
    ck_assert_uint_gt(after, 300);
    /* Without a backup, misses while the shield is down (4 s to 6 s)
     * fail: the edges pass those errors to their clients. */
    ck_assert_uint_gt(a->c.errors, 50);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_backup_parent_takes_over)
{
    const char *sets[] = {"nodes.edge-a.backup_parent=origin",
                          "nodes.edge-b.backup_parent=origin"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/failover.yaml",
              "tests/scenarios/failover-workload.yaml", sets, 2, &t, &w, &m);
    const struct met_node *a = test_node_named(&m, "edge-a");
    const struct met_node *shield = test_node_named(&m, "shield");
    const struct met_node *origin = test_node_named(&m, "origin");
    /* From 4.5 s (noticed) to 6.5 s (recovery noticed) edge-a's misses go
     * straight to the origin: the origin sees more than the shield sends,
     * and only the 0.5 s before detection still fails: about a quarter of
     * the 186 errors of the same run without a backup. */
    uint64_t from_shield = shield->c.misses + shield->c.expired;
    ck_assert_uint_gt(origin->c.requests, from_shield + 50);
    ck_assert_uint_lt(a->c.errors, 80);
    ck_assert_uint_gt(a->c.errors, 0);
    test_free_run(t, w, &m);
}
END_TEST

/* Multi-CDN steering (topologies/reference/multi-cdn.yaml), 200 s of traffic at
 * 5,000 requests/s, with a-fra down from 60 s to 120 s. */
START_TEST(test_model_routes_by_cost_weight_and_pin)
{
    const char *sets[] = {"workload.requests=1000000", "warmup=0",
                          "outages.0.for=60s"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("topologies/reference/multi-cdn.yaml", "workloads/zipf.yaml",
              sets, 3, &t, &w, &m);
    const struct met_node *a_fra = test_node_named(&m, "a-fra"),
                          *b_fra = test_node_named(&m, "b-fra"),
                          *a_iad = test_node_named(&m, "a-iad"),
                          *b_iad = test_node_named(&m, "b-iad"),
                          *b_sin = test_node_named(&m, "b-sin");
    const struct met_region *eu = &m.regions[0], *us = &m.regions[1],
                            *asia = &m.regions[2];
    /* Pinned: every Asian request goes to b-sin, though a-fra is cheaper. */
    ck_assert_uint_eq(b_sin->c.requests, asia->requests);
    /* Weighted 3:1. */
    ck_assert_uint_eq(a_iad->c.requests + b_iad->c.requests, us->requests);
    double share = (double)a_iad->c.requests / (double)us->requests;
    ck_assert_msg(fabs(share - 0.75) < 0.01, "a-iad share %.4f", share);
    /* Cost: cheap cdn-a (30 ms, within 40 ms) rather than nearer cdn-b,
     * except while a-fra seems down (90 s to 150 s): b-fra then takes
     * Europe, about 60 s x 2,500 requests/s, and the 30 s before the
     * failure is noticed are refused (no edge answered them). */
    uint64_t refused = m.errors - a_fra->c.errors - b_fra->c.errors;
    ck_assert_uint_eq(eu->requests,
                      a_fra->c.requests + b_fra->c.requests + refused);
    ck_assert_msg(fabs((double)b_fra->c.requests / 150000.0 - 1) < 0.03,
                  "b-fra %llu", (unsigned long long)b_fra->c.requests);
    ck_assert_msg(fabs((double)refused / 75000.0 - 1) < 0.03, "refused %llu",
                  (unsigned long long)refused);
    test_free_run(t, w, &m);
}
END_TEST

/* --- conservation --- */

/* The default scenario with stale-while-revalidate, so that background
 * refreshes are counted too; with a short TTL, so that some 304s find
 * their copy evicted; with the origin down from 60 s to 120 s and
 * stale-if-error, so that failures are counted; and with a push into
 * every edge. */
static const struct {
    const char *topology, *workload;
    const char *sets[4];
} conserve_cases[] = {
    {"topologies/global.yaml",
     "workloads/zipf.yaml",
     {"workload.requests=300000", "warmup=50000",
      "catalog.stale_while_revalidate=10s", "catalog.uncacheable_share=0.1"}},
    {"topologies/global.yaml",
     "workloads/zipf.yaml",
     {"workload.requests=300000", "warmup=50000", "catalog.ttl=5s",
      "catalog.uncacheable_share=0.1"}},
    {"topologies/origin-outage.yaml",
     "workloads/zipf.yaml",
     {"workload.requests=700000", "warmup=50000", "catalog.stale_if_error=30s",
      "catalog.uncacheable_share=0.1"}},
    {"topologies/global.yaml",
     "workloads/offpeak-push.yaml",
     {"workload.requests=100000", "warmup=0", "catalog.ttl=1m",
      "catalog.uncacheable_share=0.1"}},
};

START_TEST(test_model_conserves_requests)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model(conserve_cases[_i].topology, conserve_cases[_i].workload,
              conserve_cases[_i].sets, 4, &t, &w, &m);
    int has_outages = t->n_outages > 0;
    if (_i == 1)
        ck_assert_uint_gt(test_node_named(&m, "edge-fra")->c.refetched, 0);
    if (has_outages)
        ck_assert_uint_gt(m.errors, 0);
    else
        ck_assert_uint_eq(m.errors, 0);
    if (_i == 3)
        ck_assert_uint_gt(m.origin_pushed_bytes, 0);
    ck_assert_uint_gt(test_node_named(&m, "edge-fra")->c.bypass, 0);
    uint64_t edge_requests = 0, origin_requests = 0, origin_bytes = 0;
    uint64_t pushed = 0;
    for (size_t i = 0; i < m.n_nodes; i++) {
        const struct met_counters *c = &m.nodes[i].c;
        ck_assert_msg(c->requests + c->stale_if_error ==
                          c->hits + c->misses + c->expired + c->coalesced +
                              c->bypass,
                      "node %s", m.nodes[i].name);
        ck_assert_msg(c->hits == c->outcome[MET_OUT_HIT] +
                                     c->outcome[MET_OUT_UPDATING] +
                                     c->outcome[MET_OUT_STALE],
                      "node %s", m.nodes[i].name);
        /* Every request has exactly one outcome. */
        uint64_t outcomes = 0;
        for (int k = 0; k < MET_N_OUTCOMES; k++)
            outcomes += c->outcome[k];
        ck_assert_uint_eq(outcomes, c->requests);
        ck_assert_uint_eq(c->outcome[MET_OUT_ERROR], c->errors);
        /* What the node's children sent up is what it received; a node
         * that is down counts nothing of what reaches it. */
        uint64_t from_children = 0;
        int has_children = 0;
        for (size_t j = 0; j < t->n_nodes; j++) {
            if (t->nodes[j].parent == (int)i) {
                from_children += m.nodes[j].c.misses + m.nodes[j].c.expired +
                                 m.nodes[j].c.updates + m.nodes[j].c.bypass +
                                 m.nodes[j].c.refetched;
                has_children = 1;
            }
        }
        if (has_children && has_outages)
            ck_assert_msg(c->requests <= from_children, "node %s",
                          m.nodes[i].name);
        else if (has_children)
            ck_assert_msg(c->requests == from_children, "node %s",
                          m.nodes[i].name);
        if (strcmp(m.nodes[i].tier, "edge") == 0)
            edge_requests += c->requests;
        if (strcmp(m.nodes[i].tier, "origin") == 0) {
            origin_requests += c->requests;
            origin_bytes += c->bytes_out;
        }
        /* A push leaves at most a cache's capacity stored. */
        pushed += c->pushed_bytes;
        if (t->nodes[i].has_cache)
            ck_assert_uint_le(c->pushed_bytes,
                              t->nodes[i].cache.capacity_bytes);
        /* A node sends one response per request it receives, with a body
         * but for a 304 (which clients never get: they hold no copy) or
         * an error. */
        ck_assert_uint_le(c->bytes_hit, c->bytes_requested);
        if (strcmp(m.nodes[i].tier, "edge") == 0 && !has_outages)
            ck_assert_uint_eq(c->bytes_out, c->bytes_requested);
        else if (strcmp(m.nodes[i].tier, "origin") != 0)
            ck_assert_uint_le(c->bytes_out, c->bytes_requested);
    }
    ck_assert_uint_eq(edge_requests, m.requests);
    ck_assert_uint_eq(origin_requests, m.origin_requests);
    /* The origin's bytes are its answers' and its pushes'. */
    ck_assert_uint_eq(origin_bytes, m.origin_bytes);
    ck_assert_uint_le(pushed, m.origin_pushed_bytes);
    ck_assert_uint_eq(m.requests, _i == 2 ? 650000 : _i == 3 ? 100000 : 250000);
    /* Each region sends to its own edge here. */
    ck_assert_uint_eq(test_node_named(&m, "edge-fra")->c.requests,
                      m.regions[0].requests);
    ck_assert_uint_eq(test_node_named(&m, "edge-iad")->c.requests,
                      m.regions[1].requests);
    ck_assert_uint_eq(test_node_named(&m, "edge-sin")->c.requests,
                      m.regions[2].requests);
    /* Errors are left out of the latencies. */
    ck_assert_uint_eq(m.latency.count, m.requests - m.errors);
    /* Every client request is served from a cache, from the origin, or
     * fails; in requests and in bytes, per region and in all. */
    ck_assert_uint_eq(m.requests, m.from_cache + m.from_origin + m.errors);
    ck_assert_uint_eq(m.bytes, m.bytes_from_cache + m.bytes_from_origin +
                                   m.bytes_failed);
    struct met_region all = {0};
    for (size_t g = 0; g < m.n_regions; g++) {
        const struct met_region *r = &m.regions[g];
        ck_assert_uint_eq(r->requests, r->hits + r->from_origin + r->errors);
        ck_assert_uint_eq(r->bytes, r->bytes_hit + r->bytes_from_origin +
                                        r->bytes_failed);
        all.hits += r->hits;
        all.bytes_hit += r->bytes_hit;
        all.from_origin += r->from_origin;
        all.errors += r->errors;
    }
    ck_assert_uint_eq(all.hits, m.from_cache);
    ck_assert_uint_eq(all.bytes_hit, m.bytes_from_cache);
    ck_assert_uint_eq(all.from_origin, m.from_origin);
    ck_assert_uint_eq(all.errors, m.errors);
    ck_assert(met_offload(&m) == met_ratio(m.from_cache, m.requests));
    /* The windows add up to the totals. */
    for (size_t i = 0; i < m.n_nodes; i++) {
        uint64_t req = 0, hits = 0, out = 0;
        for (uint64_t k = 0; k < m.nodes[i].n_windows; k++) {
            req += m.nodes[i].windows[k].requests;
            hits += m.nodes[i].windows[k].hits;
            out += m.nodes[i].windows[k].bytes_out;
        }
        ck_assert_uint_eq(req, m.nodes[i].c.requests);
        ck_assert_uint_eq(hits, m.nodes[i].c.hits);
        ck_assert_uint_eq(out, m.nodes[i].c.bytes_out);
    }
    test_free_run(t, w, &m);
}
END_TEST

/* --- workloads: traces, classes, flash crowds ------------------------------
 */

/* The run's JSON without its identity and engine figures, which differ
 * between a synthetic run and its trace's (caller frees). */
static char *
json_of(struct met_run *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    m->workload_name = "w";
    m->workload_path = "w.yaml";
    ck_assert_int_eq(met_write_json(m, f), 0);
    fclose(f);
    char *engine = strstr(buf, "\"engine\"");
    ck_assert_ptr_nonnull(engine);
    *engine = '\0';
    return buf;
}

/* Runs with the cdn kept, for its workload's error. Returns cdn_run's
 * code; the caller frees m (when 0 or an input error), *t and *w. */
static int
run_model_rc(const char *topo, const char *wl, struct cfg_topology **t,
             struct cfg_workload **w, struct met_run *m, struct sim_err *err)
{
    char buf[1024];
    int rc = cfg_load(topo, wl, NULL, 0, t, w, err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(err, buf, sizeof buf));
    struct cdn *c = cdn_new(*t, *w, err);
    if (c == NULL)
        return err->code;
    rc = cdn_run(c, NULL, m);
    if (rc != 0)
        *err = *wl_gen_error(cdn_workload(c));
    cdn_free(c);
    return rc;
}

START_TEST(test_model_trace_matches_synthetic)
{
    /* The classes workload as synthetic traffic, and as the trace
     * `cdnsim trace gen` writes for it (ns times, regions, TTLs, windows,
     * tags, versions, cacheability), give byte-identical results, purges
     * by tag included. */
    const char *topo = "topologies/global.yaml";
    const char *wl = "tests/data/classes-workload.yaml";
    char *dir = test_tmpdir();
    char *csv = xasprintf("%s/classes.csv", dir);
    const char *argv[] = {test_bin(),   "trace", "gen",   wl,
                          "--topology", topo,    "--out", csv,
                          "--format",   "csv",   NULL};
    char *out, *err;
    ck_assert_msg(test_run(argv, &out, &err) == 0, "%s", err);
    free(out);
    free(err);
    char *yaml = xasprintf("name: classes-trace\nseed: 7\nwarmup: 10000\n"
                           "trace: {path: %s, format: csv, time_unit: ns,\n"
                           "        rebase: false}\n"
                           "catalog: {stale_while_revalidate: 5s}\n"
                           "events:\n"
                           "  - {at: 90s, purge: {tag: dynamic}, mode: soft}\n"
                           "  - {at: 100s, purge: {tag: assets}}\n",
                           csv);
    char *trace_wl = test_write_file(dir, "trace.yaml", yaml);
    struct cfg_topology *t1, *t2;
    struct cfg_workload *w1, *w2;
    struct met_run m1, m2;
    run_model(topo, wl, NULL, 0, &t1, &w1, &m1);
    run_model(topo, trace_wl, NULL, 0, &t2, &w2, &m2);
    ck_assert_uint_eq(m1.requests, 50000);
    ck_assert_uint_gt(test_node_named(&m1, "edge-fra")->c.bypass, 0);
    ck_assert_uint_gt(test_node_named(&m1, "edge-fra")->c.revalidated +
                          test_node_named(&m1, "shield-ams")->c.revalidated,
                      0);
    ck_assert_uint_gt(test_node_named(&m1, "edge-fra")->c.purged, 100);
    /* The synthetic run's figures per class are its own: a trace names
     * no classes. */
    struct met_region *classes = m1.classes;
    m1.classes = NULL;
    char *j1 = json_of(&m1), *j2 = json_of(&m2);
    m1.classes = classes;
    ck_assert_ptr_nonnull(classes);
    ck_assert_str_eq(j1, j2);
    free(j1);
    free(j2);
    test_free_run(t1, w1, &m1);
    test_free_run(t2, w2, &m2);
    free(yaml);
    free(trace_wl);
    free(csv);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_trace_region_column)
{
    /* Each record goes to its region's edge; the one without a region is
     * placed by weight. Times in seconds at a speedup of 2: the last
     * record arrives at 3.5 s. */
    char *dir = test_tmpdir();
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    char *yaml = xasprintf("name: regions\n"
                           "trace: {path: %s/tests/data/traces/regions.csv,\n"
                           "        format: csv, speedup: 2}\n",
                           cwd);
    char *path = test_write_file(dir, "r.yaml", yaml);
    free(yaml);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("topologies/global.yaml", path, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.requests, 8);
    ck_assert_uint_eq(m.regions[0].requests + m.regions[1].requests +
                          m.regions[2].requests,
                      8);
    ck_assert_uint_ge(m.regions[0].requests, 3); /* eu */
    ck_assert_uint_ge(m.regions[1].requests, 2); /* us */
    ck_assert_uint_ge(m.regions[2].requests, 2); /* asia */
    ck_assert_uint_eq(test_node_named(&m, "edge-fra")->c.requests,
                      m.regions[0].requests);
    ck_assert_uint_eq(test_node_named(&m, "edge-iad")->c.requests,
                      m.regions[1].requests);
    ck_assert_uint_eq(test_node_named(&m, "edge-sin")->c.requests,
                      m.regions[2].requests);
    ck_assert_int_eq(m.measured_start_ns, 0);
    /* The last request (3.5 s) hits at edge-fra (eu asked first). */
    ck_assert_int_eq(m.measured_end_ns, 3500000000LL);
    test_free_run(t, w, &m);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A trace workload over the given csv text, run on one-edge. */
static int
run_csv(const char *dir, const char *csv, const char *trace_opts,
        struct met_run *m, struct sim_err *err, struct cfg_topology **t,
        struct cfg_workload **w)
{
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *yaml =
        xasprintf("name: t\ntrace: {path: t.csv, format: csv%s}\n", trace_opts);
    char *wpath = test_write_file(dir, "t.yaml", yaml);
    int rc = run_model_rc("topologies/global.yaml", wpath, t, w, m, err);
    free(cpath);
    free(yaml);
    free(wpath);
    return rc;
}

START_TEST(test_model_trace_errors)
{
    /* Out-of-order times are an error naming the line, or, with clamp,
     * moved up and counted; an unknown region is an error naming line and
     * column. */
    char *dir = test_tmpdir();
    const char *ooo = "time,id,size\n10,1,5\n12,2,5\n11,3,5\n13,1,5\n";
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    struct sim_err err = {0};
    int rc = run_csv(dir, ooo, "", &m, &err, &t, &w);
    ck_assert_int_eq(rc, -SIM_ETRACE);
    ck_assert_int_eq(err.line, 4);
    ck_assert_int_eq(err.col, 1);
    ck_assert_str_eq(err.field, "time");
    ck_assert_ptr_nonnull(strstr(err.msg, "earlier than the time before"));
    ck_assert_uint_eq(m.requests, 2); /* what came before it */
    test_free_run(t, w, &m);

    rc = run_csv(dir, ooo, ", out_of_order: clamp", &m, &err, &t, &w);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(m.requests, 4);
    test_free_run(t, w, &m);

    rc = run_csv(dir, "time,id,size,region\n1,1,5,eu\n2,1,5,mars\n", "", &m,
                 &err, &t, &w);
    ck_assert_int_eq(rc, -SIM_ETRACE);
    ck_assert_int_eq(err.line, 3);
    ck_assert_int_eq(err.col, 4);
    ck_assert_str_eq(err.field, "region");
    ck_assert_ptr_nonnull(strstr(err.msg, "no region \"mars\""));
    ck_assert_ptr_nonnull(strstr(err.msg, "eu, us, asia"));
    test_free_run(t, w, &m);

    /* A bad first record fails when the run is built. */
    rc =
        run_csv(dir, "time,id,size,region\n1,1,5,mars\n", "", &m, &err, &t, &w);
    ck_assert_int_eq(rc, -SIM_ETRACE);
    ck_assert_int_eq(err.line, 2);
    cfg_workload_free(w);
    cfg_topology_free(t);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_model_flash_crowd_in_time_series)
{
    /* 1,000 requests/s, tripled from 30 s to 40 s: the edge's 1 s windows
     * show it there and nowhere else. */
    const char *sets[] = {"warmup=0", "workload.requests=90000",
                          "arrival.rate=1000", "arrival.flash_crowds.0.at=30s"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/one-edge.yaml", "tests/data/flash-workload.yaml",
              sets, 4, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_ge(edge->n_windows, 55);
    for (uint64_t k = 1; k < 55; k++) {
        double r = (double)edge->windows[k].requests;
        /* Window k covers [k, k+1) s after the first request (~1 ms). */
        double e = k >= 30 && k < 39 ? 3000 : k == 29 || k == 39 ? -1 : 1000;
        if (e < 0)
            continue;
        ck_assert_msg(fabs(r - e) < 5 * sqrt(e),
                      "window %llu: %.0f, want "
                      "%.0f",
                      (unsigned long long)k, r, e);
    }
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_model_classes_ttl_behaviour)
{
    /* Three classes of one object each, 1,000 requests/s for 5 s on one
     * edge 30 ms from its origin: the 100 ms class is refetched about
     * every 116 ms (as in the TTL test), the immutable one once, and the
     * uncacheable one passes every request on. */
    const char *sets[] = {"warmup=0"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_model("tests/scenarios/slow-origin.yaml",
              "tests/data/ttl-classes-workload.yaml", sets, 1, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    double share = (double)edge->c.bypass / (double)m.requests;
    ck_assert_double_eq_tol(share, 0.2, 5 * sqrt(0.2 * 0.8 / 5000));
    ck_assert_uint_eq(edge->c.misses, 2); /* short and long, once */
    ck_assert_msg(edge->c.expired >= 40 && edge->c.expired <= 44,
                  "%llu expired", (unsigned long long)edge->c.expired);
    ck_assert_uint_eq(m.origin_requests,
                      edge->c.bypass + edge->c.misses + edge->c.expired);
    test_free_run(t, w, &m);
}
END_TEST

Suite *
model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("theory");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 120);
    tcase_add_loop_test(tc, test_model_matches_che_approximation, 0,
                        (int)(sizeof theory_cases / sizeof theory_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("exact");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_model_coalesces_one_fetch);
    tcase_add_test(tc, test_model_latency_is_sum_of_round_trips);
    tcase_add_test(tc, test_model_ttl_expires_copies);
    tcase_add_test(tc, test_model_bandwidth_adds_transfer_time);
    suite_add_tcase(s, tc);
    tc = tcase_create("freshness");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_loop_test(tc, test_model_ttl_cache_matches_theory, 0, 2);
    tcase_add_test(tc, test_model_revalidates_with_304);
    tcase_add_test(tc, test_model_stale_while_revalidate);
    tcase_add_test(tc, test_model_stale_if_error);
    tcase_add_test(tc, test_regress_11_stale_answers_are_hits);
    tcase_add_test(tc, test_model_push_and_purge);
    tcase_add_test(tc, test_regress_11_push_fits_the_cache);
    tcase_add_test(tc, test_model_purge_by_tag_class_prefix);
    tcase_add_test(tc, test_model_purge_by_tag_in_trace);
    tcase_add_test(tc, test_model_push_named_objects);
    tcase_add_test(tc, test_model_freshness_per_class);
    tcase_add_test(tc, test_model_freshness_per_record);
    tcase_add_test(tc, test_model_outdated_answers_theory);
    tcase_add_test(tc, test_model_outdated_answers_exact);
    tcase_add_test(tc, test_model_purge_on_change);
    tcase_add_test(tc, test_model_304_for_an_evicted_copy);
    tcase_add_test(tc, test_model_region_hit_ratios);
    tcase_add_test(tc, test_model_failure_loses_held_requests);
    tcase_add_test(tc, test_regress_11_failure_drops_the_queue);
    tcase_add_test(tc, test_model_uncacheable_objects_bypass);
    tcase_add_test(tc, test_model_negative_caching);
    suite_add_tcase(s, tc);
    tc = tcase_create("queueing");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_loop_test(tc, test_model_queue_matches_mmc, 0,
                        (int)(sizeof queue_cases / sizeof queue_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("failures");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_model_fails_over_and_back);
    tcase_add_test(tc, test_model_backup_parent_takes_over);
    tcase_add_test(tc, test_model_routes_by_cost_weight_and_pin);
    suite_add_tcase(s, tc);
    tc = tcase_create("conservation");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_loop_test(tc, test_model_conserves_requests, 0,
                        sizeof conserve_cases / sizeof conserve_cases[0]);
    suite_add_tcase(s, tc);
    tc = tcase_create("workloads");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_model_trace_matches_synthetic);
    tcase_add_test(tc, test_model_trace_region_column);
    tcase_add_test(tc, test_model_trace_errors);
    tcase_add_test(tc, test_model_flash_crowd_in_time_series);
    tcase_add_test(tc, test_model_classes_ttl_behaviour);
    suite_add_tcase(s, tc);
    return s;
}
