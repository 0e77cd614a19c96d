/* check_hop.c: latencies given as mappings (round-trip distributions,
 * losses, connection setup and pools) against their theory, and their
 * input errors. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util/xalloc.h"

#define UNIQUE "tests/scenarios/poisson-unique.yaml"

/* z of the standard normal at 0.5, 0.9, 0.95, 0.99. */
static const double quantile_p[] = {0.5, 0.9, 0.95, 0.99};
static const double quantile_z[] = {0, 1.2815516, 1.6448536, 2.3263479};
static const char *const quantile_key[] = {"p50", "p90", "p95", "p99"};

/* A number after the keys, found one after the other in the JSON. */
static double
num(const char *json, int n_keys, ...)
{
    const char *p = json;
    va_list ap;
    va_start(ap, n_keys);
    for (int i = 0; i < n_keys; i++) {
        const char *key = va_arg(ap, const char *);
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\":", key);
        p = strstr(p, quoted);
        ck_assert_msg(p != NULL, "no key %s", key);
        p += strlen(quoted);
    }
    va_end(ap);
    return strtod(p, NULL);
}

/*
 * Writes a one-region topology whose last mile is last_mile and whose
 * edge -> origin latency is up (YAML flow values) and runs it on the
 * unique workload (every request a miss) at rate per second, n requests.
 * Returns the JSON (caller frees).
 */
static char *
run_hop(const char *last_mile, const char *up, const char *rate, int n)
{
    char *dir = test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char *text = xasprintf(
        "name: hop\n"
        "regions:\n  - {name: r, weight: 1}\n"
        "nodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1, policy: lru},"
        " parent: origin}\n"
        "  - {name: origin, tier: origin}\n"
        "latency_ms:\n  r: {edge: %s}\n  edge: {origin: %s}\n",
        last_mile, up);
    char *topo = test_write_file(dir, "hop.yaml", text);
    char requests[32], set_rate[64];
    snprintf(requests, sizeof requests, "%d", n);
    snprintf(set_rate, sizeof set_rate, "arrival.rate=%s", rate);
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim(&out, &err, "run", topo, UNIQUE, "--requests",
                         requests, "--set", "warmup=0", "--set", set_rate,
                         "--json", "-", "--quiet", NULL);
    ck_assert_msg(rc == 0, "cdnsim exited %d: %s", rc, err);
    free(err);
    free(topo);
    free(text);
    test_rmtree(dir);
    free(dir);
    return out;
}

/* Requests for the theory runs: enough for 2% on a mean with a heavy
 * tail (the loss case), also under the sanitizers (a few seconds). */
static int
theory_n(void)
{
    return 200000;
}

/* The run's percentile key is within tol (relative) of want_ms. */
static void
assert_near(const char *json, const char *key, double want_ms, double tol)
{
    double got = num(json, 2, "latency_ms", key);
    ck_assert_msg(fabs(got - want_ms) <= tol * want_ms,
                  "%s: %.3f ms, theory %.3f ms", key, got, want_ms);
}

START_TEST(test_hop_lognormal_percentiles)
{
    char *j = run_hop("{rtt: 40, jitter: lognormal, sigma: 0.3}", "0", "700",
                      theory_n());
    for (int k = 0; k < 4; k++)
        assert_near(j, quantile_key[k], 40 * exp(quantile_z[k] * 0.3), 0.02);
    assert_near(j, "mean", 40 * exp(0.3 * 0.3 / 2), 0.02);
    free(j);
}
END_TEST

START_TEST(test_hop_pareto_percentiles)
{
    /* Median 30 ms, shape 3: scale 30 / 2^(1/3); x_q = scale (1-q)^(-1/3). */
    char *j = run_hop("{rtt: 30ms, jitter: pareto, alpha: 3}", "0", "700",
                      theory_n());
    double scale = 30 / cbrt(2);
    for (int k = 0; k < 4; k++)
        assert_near(j, quantile_key[k],
                    scale * pow(1 - quantile_p[k], -1.0 / 3), 0.02);
    free(j);
}
END_TEST

START_TEST(test_hop_normal_percentiles)
{
    char *j =
        run_hop("{rtt: 20, jitter: normal, sd: 2}", "0", "700", theory_n());
    for (int k = 0; k < 4; k++)
        assert_near(j, quantile_key[k], 20 + 2 * quantile_z[k], 0.02);
    free(j);
}
END_TEST

START_TEST(test_hop_empirical_percentiles)
{
    /* Linear between rows: p50 = 20 + 10 (0.5-0.4)/0.5, p95 = 30 + 70
     * (0.95-0.9)/0.1 = 65, p99 = 93. (p90 sits on the kink at row 2,
     * where a sample's noise in p moves the value most: not checked.) */
    char *j = run_hop("{jitter: empirical, table: [[0.4, 20], [0.9, 30],"
                      " [1, 100]]}",
                      "0", "700", theory_n());
    assert_near(j, "p50", 22, 0.02);
    assert_near(j, "p95", 65, 0.02);
    assert_near(j, "p99", 93, 0.02);
    free(j);
}
END_TEST

START_TEST(test_hop_loss_adds_timeouts)
{
    /* Each round trip is lost with probability 0.1 and retried after 200
     * ms: mean 10 + 200 * 0.1 / 0.9; 90% take exactly 10 ms. */
    char *j =
        run_hop("{rtt: 10, loss: 0.1, rto: 200ms}", "0", "700", theory_n());
    assert_near(j, "mean", 10 + 200 * 0.1 / 0.9, 0.02);
    assert_near(j, "p50", 10, 0.01);
    assert_near(j, "p95", 210, 0.01);
    free(j);
}
END_TEST

/* Every request pays setup + 1 round trip of 10 ms on its last mile. */
static void
assert_setup(const char *spec, double want_ms)
{
    char *j = run_hop(spec, "0", "700", 2000);
    assert_near(j, "p50", want_ms, 0.001);
    assert_near(j, "max", want_ms, 0.001);
    free(j);
}

START_TEST(test_hop_setup_round_trips)
{
    assert_setup("{rtt: 10}", 10);
    assert_setup("{rtt: 10, setup: none}", 10);
    assert_setup("{rtt: 10, setup: tcp}", 20);
    assert_setup("{rtt: 10, setup: tls13}", 30);
    assert_setup("{rtt: 10, setup: tls12}", 40);
    assert_setup("{rtt: 10, setup: quic}", 20);
    assert_setup("{rtt: 10, setup: quic, resume: 1}", 10);
    assert_setup("{rtt: 10, setup: tls13, reuse: 1}", 10);
}
END_TEST

START_TEST(test_hop_reuse_share)
{
    /* A share 0.75 of requests on an open connection: mean 10 + 0.25 *
     * 20 = 15 ms, p50 10 and p90 30 exactly. */
    char *j =
        run_hop("{rtt: 10, setup: tls13, reuse: 0.75}", "0", "700", 40000);
    assert_near(j, "mean", 15, 0.02);
    assert_near(j, "p50", 10, 0.005); /* the histogram's resolution */
    assert_near(j, "p90", 30, 0.005);
    free(j);
}
END_TEST

START_TEST(test_hop_pool_keeps_connections_warm)
{
    /* One request at a time (1/s, each done in 30 ms or 10 ms): with a
     * pool and a long idle timeout only the first pays the handshake; a
     * 100 ms idle timeout closes every connection before the next. */
    char *warm = run_hop("0", "{rtt: 10, setup: tls13, pool: 4}", "1", 1000);
    assert_near(warm, "p99", 10, 0.001);
    assert_near(warm, "max", 30, 0.001);
    char *cold =
        run_hop("0", "{rtt: 10, setup: tls13, pool: 4, idle_timeout: 100ms}",
                "1", 1000);
    assert_near(cold, "p50", 30, 0.005);
    free(warm);
    free(cold);
}
END_TEST

START_TEST(test_hop_pool_size_limits_warm_share)
{
    /* 700 requests/s each holding a connection 10 ms: about 7 busy at a
     * time, Poisson. With pool_full: open a pool of 1 leaves most to open
     * their own connection and pay; 64 covers nearly all. The mean falls
     * as the pool grows. */
    char *small = run_hop(
        "0", "{rtt: 10, setup: tls13, pool: 1, pool_full: open}", "700", 20000);
    char *large =
        run_hop("0", "{rtt: 10, setup: tls13, pool: 64, pool_full: open}",
                "700", 20000);
    double m_small = num(small, 2, "latency_ms", "mean");
    double m_large = num(large, 2, "latency_ms", "mean");
    ck_assert_msg(m_small > 20 && m_large < 10.1,
                  "pool 1 mean %.3f, pool 64 mean %.3f", m_small, m_large);
    free(small);
    free(large);
}
END_TEST

/*
 * Erlang's C formula: the probability that an arrival waits in an M/M/c
 * queue with offered load a = lambda/mu < c (Erlang 1917; Kleinrock,
 * Queueing Systems vol. 1, 1975, section 3.5).
 */
static double
erlang_c(unsigned c, double a)
{
    double term = 1, sum = 1; /* a^k/k! for k = 0 .. c-1 */
    for (unsigned k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double last = term * a / c / (1 - a / c); /* a^c/c! * c/(c-a) */
    return last / (sum + last);
}

/*
 * Runs n unique requests (every one a fetch) at rate per second through
 * an edge whose link to the origin is up (a flow mapping) to an origin
 * with unlimited servers and exponential service of mean_ms, plus sets.
 * Returns the JSON (caller frees).
 */
static char *
run_pool(const char *up, double mean_ms, double rate, int n,
         const char *const *sets, int n_sets)
{
    char *dir = test_tmpdir();
    char *text = xasprintf(
        "name: pool\n"
        "regions:\n  - {name: r, weight: 1}\n"
        "nodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1, policy: lru},"
        " parent: origin}\n"
        "  - {name: origin, tier: origin,"
        " service_time: {dist: exponential, mean: %gms}}\n"
        "latency_ms:\n  r: {edge: 0}\n  edge: {origin: %s}\n",
        mean_ms, up);
    char *topo = test_write_file(dir, "pool.yaml", text);
    char requests[32], set_rate[64];
    snprintf(requests, sizeof requests, "%d", n);
    snprintf(set_rate, sizeof set_rate, "arrival.rate=%g", rate);
    const char *argv[32] = {"run",    topo,     UNIQUE,   "--requests",
                            requests, "--set",  set_rate, "--json",
                            "-",      "--quiet"};
    int argc = 10;
    for (int i = 0; i < n_sets && argc < 30; i++) {
        argv[argc++] = "--set";
        argv[argc++] = sets[i];
    }
    argv[argc] = NULL;
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim_argv(&out, &err, argv);
    ck_assert_msg(rc == 0, "cdnsim exited %d: %s", rc, err);
    free(err);
    free(topo);
    free(text);
    test_rmtree(dir);
    free(dir);
    return out;
}

/* The edge node's counter key in the JSON. */
static double
edge_num(const char *json, const char *key)
{
    return num(json, 3, "nodes", "edge", key);
}

START_TEST(test_hop_pool_waits_as_mmc)
{
    /* Poisson fetches (800/s), each holding its pooled connection for the
     * origin's exponential service (mean 4 ms; the link adds nothing): a
     * pool of 4 is an M/M/4 queue at rho 0.8. The share of fetches that
     * wait is Erlang's C and their mean wait over all fetches C / (c mu -
     * lambda) (Kleinrock, section 3.5). */
    unsigned c = 4;
    double mu = 250, lambda = 800;
    char *j =
        run_pool("{rtt: 0, setup: tcp, pool: 4}", 4, lambda, 4000000, NULL, 0);
    double fetches = edge_num(j, "misses");
    double waits = edge_num(j, "pool_waits");
    double wait_s = edge_num(j, "pool_wait_ns") / 1e9 / fetches;
    double C = erlang_c(c, lambda / mu), want = C / (c * mu - lambda);
    ck_assert_msg(fabs(waits / fetches / C - 1) < 0.03,
                  "P(wait) %.4f, Erlang C %.4f", waits / fetches, C);
    ck_assert_msg(fabs(wait_s / want - 1) < 0.03,
                  "mean wait %.4f ms, theory %.4f ms", wait_s * 1e3,
                  want * 1e3);
    /* The mean over the fetches that waited: 1 / (c mu - lambda). */
    ck_assert_msg(fabs(edge_num(j, "pool_wait_mean_ns") / 1e6 / 5.0 - 1) < 0.03,
                  "mean of the waits %.4f ms, theory 5 ms",
                  edge_num(j, "pool_wait_mean_ns") / 1e6);
    char *says =
        xasprintf("(%.2f%% of fetches wait, Erlang C %.2f%%; mean "
                  "wait %.3f ms, theory %.3f ms)",
                  100 * waits / fetches, 100 * C, wait_s * 1e3, want * 1e3);
    test_assert_readme_says(says);
    free(says);
    free(j);
}
END_TEST

/* The runs' client latency_ms members are the same, byte for byte. */
static void
assert_same_latency(const char *a, const char *b)
{
    const char *pa = strstr(a, "\"latency_ms\""),
               *pb = strstr(b, "\"latency_ms\"");
    const char *ea = strstr(a, "\"tiers\""), *eb = strstr(b, "\"tiers\"");
    ck_assert(pa && pb && ea && eb);
    ck_assert_msg(ea - pa == eb - pb && memcmp(pa, pb, (size_t)(ea - pa)) == 0,
                  "%.*s\nvs\n%.*s", (int)(ea - pa), pa, (int)(eb - pb), pb);
}

START_TEST(test_hop_streams_are_per_link)
{
    /* The same seed gives the same draws. */
    char *a =
        run_hop("{rtt: 40, jitter: lognormal, sigma: 0.3}", "0", "700", 5000);
    char *b =
        run_hop("{rtt: 40, jitter: lognormal, sigma: 0.3}", "0", "700", 5000);
    assert_same_latency(a, b);
    /* A model on the edge's link to the origin draws from that link's
     * own stream: a table of zeros draws a number per fetch yet adds
     * nothing, and the last mile's draws, hence the latencies, stay the
     * same. Had the links shared a stream, every draw would shift. */
    char *c = run_hop("{rtt: 40, jitter: lognormal, sigma: 0.3}",
                      "{jitter: empirical, table: [[1, 0]]}", "700", 5000);
    assert_same_latency(a, c);
    free(a);
    free(b);
    free(c);
}
END_TEST

/* A topology whose last mile is spec must be refused with exit 3 and a
 * message naming field at line 9 (the latency entry). */
static void
assert_bad(const char *spec, const char *field, const char *phrase)
{
    char *dir = test_tmpdir();
    char *text = xasprintf(
        "name: bad\n"
        "regions:\n  - {name: r, weight: 1}\n"
        "nodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1, policy: lru},"
        " parent: origin}\n"
        "  - {name: origin, tier: origin}\n"
        "latency_ms:\n  edge: {origin: 0}\n  r: {edge: %s}\n",
        spec);
    char *topo = test_write_file(dir, "bad.yaml", text);
    char *err = NULL;
    int rc = test_cdnsim(NULL, &err, "run", topo, UNIQUE, "--requests", "10",
                         "--set", "warmup=0", NULL);
    ck_assert_msg(rc == 3, "%s: exit %d: %s", spec, rc, err);
    char *where = xstrdup("bad.yaml:9:");
    ck_assert_msg(strstr(err, where) != NULL && strstr(err, field) != NULL &&
                      strstr(err, phrase) != NULL,
                  "%s: %s", spec, err);
    free(where);
    free(err);
    free(topo);
    free(text);
    test_rmtree(dir);
    free(dir);
}

START_TEST(test_hop_rejects_bad_values)
{
    assert_bad("{rtt: -5}", "latency_ms.r.edge.rtt", "a time >= 0");
    assert_bad("{jitter: lognormal, sigma: 0.3}", "latency_ms.r.edge.rtt",
               "jitter varies it");
    assert_bad("{rtt: 40, jitter: gamma}", "latency_ms.r.edge.jitter",
               "one of none, lognormal");
    assert_bad("{rtt: 40, jitter: lognormal, sigma: 0}",
               "latency_ms.r.edge.sigma", "expected");
    assert_bad("{rtt: 40, jitter: lognormal}", "latency_ms.r.edge.sigma",
               "missing");
    assert_bad("{rtt: 40, loss: 1, rto: 1s}", "latency_ms.r.edge.loss",
               "[0, 1)");
    assert_bad("{rtt: 40, loss: -0.1, rto: 1s}", "latency_ms.r.edge.loss",
               "expected");
    assert_bad("{rtt: 40, loss: 0.1}", "latency_ms.r.edge.rto", "missing");
    assert_bad("{rtt: 40, setup: ssl3}", "latency_ms.r.edge.setup",
               "one of none, tcp");
    assert_bad("{rtt: 40, setup: tls13, pool: 8}", "latency_ms.r.edge.pool",
               "a node's link to a parent");
    assert_bad("{rtt: 40, setup: tls13, resume: 0.5}",
               "latency_ms.r.edge.resume", "quic");
    assert_bad("{rtt: 40, sigma: 0.3}", "latency_ms.r.edge.sigma",
               "jitter: lognormal");
    assert_bad("{rtt: 40, sd: 3}", "latency_ms.r.edge.sd", "normal");
    assert_bad("{jitter: empirical, table: [[0.5, 20], [0.4, 30], [1, 40]]}",
               "latency_ms.r.edge.table[1]", "rise");
    assert_bad("{jitter: empirical, table: [[0.5, 20]]}",
               "latency_ms.r.edge.table", "last row");
    assert_bad("{rtt: 40, colour: red}", "latency_ms.r.edge.colour", "unknown");
    assert_bad("{rtt: 40, setup: tls13, pool_full: wait}",
               "latency_ms.r.edge.pool_full", "belongs to pool");
    assert_bad("{rtt: 40, setup: tls13, pool_full: later}",
               "latency_ms.r.edge.pool_full", "one of wait, open");
}
END_TEST

START_TEST(test_hop_set_overrides_a_plain_latency)
{
    /* --set turns a plain latency into a mapping, key by key. */
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim(&out, &err, "run", "tests/scenarios/one-edge.yaml",
                         UNIQUE, "--requests", "20000", "--set", "warmup=0",
                         "--set", "latency_ms.r.edge.rtt=40", "--set",
                         "latency_ms.r.edge.jitter=lognormal", "--set",
                         "latency_ms.r.edge.sigma=0.3", "--json", "-",
                         "--quiet", NULL);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    double p50 = num(out, 2, "latency_ms", "p50");
    double p90 = num(out, 2, "latency_ms", "p90");
    ck_assert_msg(p90 > p50 * 1.3, "p50 %.3f p90 %.3f", p50, p90);
    free(out);
    free(err);
}
END_TEST

Suite *
hop_suite(void)
{
    Suite *s = suite_create("hop");
    TCase *tc = tcase_create("theory");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_hop_lognormal_percentiles);
    tcase_add_test(tc, test_hop_pareto_percentiles);
    tcase_add_test(tc, test_hop_normal_percentiles);
    tcase_add_test(tc, test_hop_empirical_percentiles);
    tcase_add_test(tc, test_hop_loss_adds_timeouts);
    tcase_add_test(tc, test_hop_pool_waits_as_mmc);
    suite_add_tcase(s, tc);
    tc = tcase_create("setup");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hop_setup_round_trips);
    tcase_add_test(tc, test_hop_reuse_share);
    tcase_add_test(tc, test_hop_pool_keeps_connections_warm);
    tcase_add_test(tc, test_hop_pool_size_limits_warm_share);
    tcase_add_test(tc, test_hop_streams_are_per_link);
    suite_add_tcase(s, tc);
    tc = tcase_create("errors");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hop_rejects_bad_values);
    tcase_add_test(tc, test_hop_set_overrides_a_plain_latency);
    suite_add_tcase(s, tc);
    return s;
}
