/* check_steering.c: brownouts and DNS TTL drain (sim/model/brownout.c,
 * sim/config/steering.c), with counts derived by hand from trace arrivals
 * every 10 ms and constant link delays. */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

/* A csv trace of n requests for distinct objects, the k-th at k x 10 ms,
 * from region r. */
static char *
trace_every_10ms(int n)
{
    size_t cap = (size_t)n * 32 + 64, len = 0;
    char *csv = xmalloc(cap);
    len += (size_t)snprintf(csv, cap, "time,id,size,region\n");
    for (int k = 0; k < n; k++)
        len += (size_t)snprintf(csv + len, cap - len, "%d,o%d,1000,r\n", k * 10,
                                k);
    return csv;
}

/* Runs topology text topo on csv (no warm-up). */
static void
run_text(const char *topo, const char *csv, struct cfg_topology **t,
         struct cfg_workload **w, struct met_run *m)
{
    char *dir = test_tmpdir();
    char *tpath = test_write_file(dir, "topo.yaml", topo);
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\nwarmup: 0\ntrace: {path: t.csv,"
                                  " format: csv, time_unit: ms}\n");
    test_run_model(tpath, wpath, NULL, 0, t, w, m);
    test_rmtree(dir);
    free(dir);
    free(tpath);
    free(cpath);
    free(wpath);
}

/* An edge e (10 ms from the clients) and an origin o (20 ms from e);
 * extra is appended at the root (brownouts:, outages: ...). */
static char *
two_tier(const char *extra)
{
    return xasprintf("name: b\nregions: [{name: r, weight: 1}]\nnodes:\n"
                     "  - {name: e, tier: edge, cache: {capacity: 1MiB},"
                     " parent: o}\n"
                     "  - {name: o, tier: origin}\n"
                     "latency_ms: {r: {e: 10}, e: {o: 20}}\n%s",
                     extra);
}

/* Every node's requests are accounted for: a lookup outcome, turned away
 * or a brownout's error (metrics.h's invariant). */
static void
assert_node_invariant(const struct met_run *m)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        const struct met_counters *c = &m->nodes[i].c;
        ck_assert_uint_eq(c->requests + c->stale_if_error,
                          c->hits + c->misses + c->expired + c->coalesced +
                              c->bypass + c->rate_limited + c->refused +
                              c->timed_out + c->brownout_errors);
        uint64_t outcomes = 0;
        for (int k = 0; k < MET_N_OUTCOMES; k++)
            outcomes += c->outcome[k];
        ck_assert_uint_eq(outcomes, c->requests);
    }
}

/* Runs the two tiers with extra on 1,000 requests (10 s). */
static void
run_two_tier(const char *extra, struct cfg_topology **t,
             struct cfg_workload **w, struct met_run *m)
{
    char *topo = two_tier(extra);
    char *csv = trace_every_10ms(1000);
    run_text(topo, csv, t, w, m);
    free(csv);
    free(topo);
}

/* error_share 1 on the origin from 2 s for 3 s: the 300 requests that
 * reach it then (at the edge at k x 10 ms, at the origin 10 ms later:
 * those of the edge's 1.99 ... 4.98 s) all fail. */
START_TEST(test_brownout_share_one_fails_every_request)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_two_tier("brownouts:\n  - {node: o, at: 2s, for: 3s, error_share: 1}\n",
                 &t, &w, &m);
    const struct met_node *o = test_node_named(&m, "o");
    ck_assert_uint_eq(o->c.brownout_errors, 300);
    ck_assert_uint_eq(o->c.brownout_slowed, 0);
    ck_assert_uint_eq(o->c.requests, 1000);
    ck_assert_uint_eq(o->c.outcome[MET_OUT_ERROR], 300);
    ck_assert_uint_eq(m.errors, 300);
    ck_assert_uint_eq(m.regions[0].errors, 300);
    /* A 500 is not an overload code. */
    ck_assert_uint_eq(
        m.overload.refused + m.overload.timed_out + m.overload.rate_limited, 0);
    ck_assert_uint_eq(m.n_brownouts, 1);
    ck_assert_uint_eq(m.brownouts[0].requests, 300);
    ck_assert_uint_eq(m.brownouts[0].errors, 300);
    ck_assert_uint_eq(m.brownouts[0].slowed, 0);
    assert_node_invariant(&m);
    char *says = xasprintf("with `error_share: 1` for 3 s fails exactly %llu "
                           "requests",
                           (unsigned long long)m.errors);
    test_assert_readme_says(says);
    free(says);
    test_free_run(t, w, &m);
}
END_TEST

/* The same at the edge: clients get the 500 at once. */
START_TEST(test_brownout_at_the_edge)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_two_tier("brownouts:\n  - {node: e, at: 2s, for: 3s, error_share: 1}\n",
                 &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    ck_assert_uint_eq(e->c.brownout_errors, 300);
    ck_assert_uint_eq(e->c.misses, 700);
    ck_assert_uint_eq(test_node_named(&m, "o")->c.requests, 700);
    ck_assert_uint_eq(m.errors, 300);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
}
END_TEST

/* error_share 0 and no add_latency: every figure as without the brownout,
 * which only counts the requests it saw. */
START_TEST(test_brownout_share_zero_changes_nothing)
{
    struct cfg_topology *t0, *t1;
    struct cfg_workload *w0, *w1;
    struct met_run m0, m1;
    run_two_tier("", &t0, &w0, &m0);
    run_two_tier("brownouts:\n  - {node: o, at: 2s, for: 3s, error_share: 0}\n",
                 &t1, &w1, &m1);
    ck_assert_uint_eq(m1.brownouts[0].requests, 300);
    ck_assert_uint_eq(m1.brownouts[0].errors + m1.brownouts[0].slowed, 0);
    ck_assert_uint_eq(m0.errors, m1.errors);
    ck_assert_uint_eq(m0.latency.count, m1.latency.count);
    ck_assert_uint_eq(m0.latency.max, m1.latency.max);
    ck_assert(met_hist_sum(&m0.latency) == met_hist_sum(&m1.latency));
    ck_assert_int_eq(
        memcmp(m0.latency.bucket, m1.latency.bucket, sizeof m0.latency.bucket),
        0);
    for (size_t i = 0; i < m0.n_nodes; i++)
        ck_assert_int_eq(
            memcmp(&m0.nodes[i].c, &m1.nodes[i].c, sizeof m0.nodes[i].c), 0);
    test_free_run(t0, w0, &m0);
    test_free_run(t1, w1, &m1);
}
END_TEST

/* add_latency 7 ms on the edge for the whole run: every answer (30 ms:
 * 10 ms to the edge and back, 20 ms to the origin and back) takes 37 ms,
 * and the median moves by exactly 7 ms. */
START_TEST(test_brownout_add_latency_shows_in_p50)
{
    struct cfg_topology *t0, *t1;
    struct cfg_workload *w0, *w1;
    struct met_run m0, m1;
    run_two_tier("", &t0, &w0, &m0);
    run_two_tier("brownouts:\n  - {node: e, at: 0s, for: 1h, add_latency:"
                 " 7ms}\n",
                 &t1, &w1, &m1);
    ck_assert_uint_eq(m0.latency.min, 30000000);
    ck_assert_uint_eq(m0.latency.max, 30000000);
    ck_assert_uint_eq(m1.latency.min, 37000000);
    ck_assert_uint_eq(m1.latency.max, 37000000);
    uint64_t p0 = met_hist_quantile(&m0.latency, 0.5);
    uint64_t p1 = met_hist_quantile(&m1.latency, 0.5);
    ck_assert_msg(p0 == 30000000 && p1 == 37000000, "p50 %llu -> %llu",
                  (unsigned long long)p0, (unsigned long long)p1);
    char *says = xasprintf("`add_latency: 7ms` on the edge moves the median "
                           "from %.0f ms to %.0f ms",
                           (double)p0 / 1e6, (double)p1 / 1e6);
    test_assert_readme_says(says);
    free(says);
    const struct met_node *e = test_node_named(&m1, "e");
    ck_assert_uint_eq(e->c.brownout_slowed, 1000);
    ck_assert_uint_eq(m1.brownouts[0].slowed, 1000);
    ck_assert_uint_eq(m1.errors, 0);
    assert_node_invariant(&m1);
    test_free_run(t0, w0, &m0);
    test_free_run(t1, w1, &m1);
}
END_TEST

/* error_share 0.5: about half, drawn from the node's own stream: the same
 * seed gives the same count, and the count is within 4 sd of 150. */
START_TEST(test_brownout_half_is_deterministic)
{
    const char *extra =
        "brownouts:\n  - {node: o, at: 2s, for: 3s, error_share: 0.5}\n";
    struct cfg_topology *t0, *t1;
    struct cfg_workload *w0, *w1;
    struct met_run m0, m1;
    run_two_tier(extra, &t0, &w0, &m0);
    run_two_tier(extra, &t1, &w1, &m1);
    uint64_t n = m0.brownouts[0].errors;
    ck_assert_uint_eq(n, m1.brownouts[0].errors);
    ck_assert_uint_eq(m0.errors, n);
    ck_assert_msg(fabs((double)n - 150) <= 4 * sqrt(300 * 0.25), "%llu",
                  (unsigned long long)n);
    test_free_run(t0, w0, &m0);
    test_free_run(t1, w1, &m1);
}
END_TEST

/* A brownout's 500 is an error like another: an edge holding a stale copy
 * within stale_if_error serves it instead. */
START_TEST(test_brownout_error_allows_stale_if_error)
{
    /* a is fetched at 0 ms (fresh for 1 s, stale_if_error 60 s); at 2 s
     * the edge revalidates it, the origin answers 500, the stale copy
     * goes out. */
    const char csv[] = "time,id,size,region,ttl,stale_if_error\n"
                       "0,a,1000,r,1,60\n"
                       "2000,a,1000,r,1,60\n";
    char *topo = two_tier(
        "brownouts:\n  - {node: o, at: 1s, for: 5s, error_share: 1}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    ck_assert_uint_eq(e->c.stale_if_error, 1);
    ck_assert_uint_eq(test_node_named(&m, "o")->c.brownout_errors, 1);
    ck_assert_uint_eq(m.errors, 0);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    free(topo);
}
END_TEST

/* A request the brownout holds is lost when its node fails meanwhile. */
START_TEST(test_brownout_held_request_lost_in_failure)
{
    /* a reaches the edge at 1000 ms (z at 0 ms starts the clock), o at
     * 1010 ms, which holds it until 1060 ms; o fails at 1030 ms: the
     * request fails, as in an outage. */
    const char csv[] = "time,id,size,region\n0,z,1000,r\n1000,a,1000,r\n";
    char *topo = two_tier(
        "brownouts:\n  - {node: o, at: 1s, for: 5s, add_latency: 50ms}\n"
        "outages:\n  - {fail: o, at: 1030ms, for: 1s}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, &t, &w, &m);
    ck_assert_uint_eq(m.errors, 1);
    ck_assert_uint_eq(m.brownouts[0].slowed, 1);
    test_free_run(t, w, &m);
    free(topo);
}
END_TEST

/* Two edges for one city; near fails at 3 s for 4 s, routing notices 1 s
 * later. extra is the region's own keys, root the root's. */
static char *
two_edges(const char *extra, const char *root)
{
    return xasprintf("name: d\nregions: [{name: r, weight: 1%s}]\nnodes:\n"
                     "  - {name: near, tier: edge, cache: {capacity: 1MiB},"
                     " parent: o}\n"
                     "  - {name: far, tier: edge, cache: {capacity: 1MiB},"
                     " parent: o}\n"
                     "  - {name: o, tier: origin}\n"
                     "latency_ms: {r: {near: 5, far: 35}, near: {o: 20},"
                     " far: {o: 20}}\n"
                     "failure_detection: 1s\n"
                     "outages:\n  - {fail: near, at: 3s, for: 4s}\n%s",
                     extra, root);
}

/* Clients arrive every 10 ms. Without a TTL, those at 3.00 ... 3.99 s
 * fail at near (100) and so do the two whose fetches were out when it
 * failed (sent at 2.98 and 2.99 s, answers due after 3 s): 102. With
 * dns_ttl 2 s, clients follow routing 2 s later, at 6 s: 200 more fail
 * (4.00 ... 5.99 s), all counted as dns_stale_failed at near. near
 * recovers at 7 s, routing sees it at 8 s, the region at 10 s (the end):
 * far answers from 6 s to the end (400). */
static void
check_dns_drain(const char *region_keys, const char *root, uint64_t want_failed,
                uint64_t want_stale, uint64_t want_far)
{
    char *topo = two_edges(region_keys, root);
    char *csv = trace_every_10ms(1000);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, &t, &w, &m);
    ck_assert_uint_eq(m.errors, want_failed);
    ck_assert_uint_eq(test_node_named(&m, "near")->c.dns_stale_failed,
                      want_stale);
    ck_assert_uint_eq(test_node_named(&m, "far")->c.requests, want_far);
    if (want_stale == 200) { /* README: the 2 s case */
        char *says = xasprintf("302 with `dns_ttl: 2s`, %llu of them counted "
                               "in near's `dns_stale_failed`",
                               (unsigned long long)test_node_named(&m, "near")
                                   ->c.dns_stale_failed);
        test_assert_readme_says(says);
        free(says);
    } else if (want_stale == 0 && region_keys[0] == '\0' && root[0] == '\0') {
        char *says = xasprintf("%llu requests fail without a TTL",
                               (unsigned long long)m.errors);
        test_assert_readme_says(says);
        free(says);
    }
    test_free_run(t, w, &m);
    free(csv);
    free(topo);
}

START_TEST(test_dns_ttl_keeps_clients_on_a_failed_edge)
{
    check_dns_drain("", "", 102, 0, 400);
    /* 8 s of the 10 s go by before near comes back into the answers. */
    check_dns_drain(", dns_ttl: 2s", "", 302, 200, 400);
    check_dns_drain("", "dns_ttl: 2s\n", 302, 200, 400);
    /* A region's own dns_ttl wins over the topology's. */
    check_dns_drain(", dns_ttl: 0s", "dns_ttl: 2s\n", 102, 0, 400);
    /* 500 ms: clients move at 4.5 s (50 stale), come back at 8.5 s. */
    check_dns_drain(", dns_ttl: 500ms", "", 152, 50, 400);
}
END_TEST

/* Anycast: near's route is withdrawn at 3 s and back at 7 s, so the
 * region's clients move at once both ways (failure_detection does not
 * apply): only the two requests near held when it failed are lost, and
 * far answers 3.00 ... 6.99 s (400). */
START_TEST(test_anycast_withdrawal_moves_clients_at_once)
{
    check_dns_drain(", anycast: true", "", 2, 0, 400);
    /* The topology's dns_ttl does not apply to an anycast region. */
    check_dns_drain(", anycast: true", "dns_ttl: 2s\n", 2, 0, 400);
    char *topo = two_edges(", anycast: true", "");
    char *csv = trace_every_10ms(1000);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, &t, &w, &m);
    ck_assert_uint_eq(test_node_named(&m, "near")->c.requests, 600);
    char *says = xasprintf("an anycast region loses only the %llu requests "
                           "near held when it failed",
                           (unsigned long long)m.errors);
    test_assert_readme_says(says);
    free(says);
    test_free_run(t, w, &m);
    free(csv);
    free(topo);
}
END_TEST

/* Anycast catchments from weighted shares: a quarter of the region
 * reaches far although near is nearer; while near is withdrawn (3 to
 * 7 s) far has them all. The draws outside the outage are those of the
 * same run without it (one draw per request from the region's stream),
 * so far gains exactly near's requests of 3.00 ... 6.99 s. */
START_TEST(test_anycast_catchments_shift_on_withdrawal)
{
    char *csv = trace_every_10ms(1000);
    char *with = two_edges(", anycast: true, routing: weighted,"
                           " edges: {near: 3, far: 1}",
                           "");
    /* The same without the outage (an outage after the trace's end). */
    char *without = xasprintf("%s", with);
    char *at = strstr(without, "at: 3s, for: 4s");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "at: 1h, for: 4s", strlen("at: 1h, for: 4s"));
    struct cfg_topology *t0, *t1;
    struct cfg_workload *w0, *w1;
    struct met_run m0, m1;
    run_text(without, csv, &t0, &w0, &m0);
    run_text(with, csv, &t1, &w1, &m1);
    uint64_t far0 = test_node_named(&m0, "far")->c.requests;
    uint64_t near0 = test_node_named(&m0, "near")->c.requests;
    ck_assert_uint_eq(far0 + near0, 1000);
    /* A quarter, within 4 sd. */
    ck_assert_msg(fabs((double)far0 - 250) <= 4 * sqrt(1000 * 0.1875), "%llu",
                  (unsigned long long)far0);
    uint64_t far1 = test_node_named(&m1, "far")->c.requests;
    uint64_t near1 = test_node_named(&m1, "near")->c.requests;
    /* near answers only outside the outage; what it would have had
     * inside went to far, less the requests it held when it failed,
     * which it counted before failing. */
    ck_assert_uint_eq(far1 + near1, 1000);
    ck_assert_uint_le(m1.errors, 2);
    ck_assert_uint_ge(far1, far0 + 250);
    test_free_run(t0, w0, &m0);
    test_free_run(t1, w1, &m1);
    free(with);
    free(without);
    free(csv);
}
END_TEST

/* Lesson 16 (docs/tutorial.md): the figures it quotes. */
static void
lesson_run(const char *set, struct cfg_topology **t, struct cfg_workload **w,
           struct met_run *m)
{
    const char *sets[3] = {"requests=300000", "warmup=50000", set};
    test_run_model("topologies/teaching/dns-anycast.yaml",
                   "workloads/zipf.yaml", sets, set != NULL ? 3 : 2, t, w, m);
}

/* The tutorial quotes v with thousands separators, in fmt's %s. */
static void
assert_tutorial_says(const char *fmt, unsigned long long v)
{
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%llu", v), j = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[j++] = ',';
        grouped[j++] = digits[i];
    }
    grouped[j] = '\0';
    char *says = xasprintf(fmt, grouped);
    test_assert_doc_says("docs/tutorial.md", says);
    free(says);
}

START_TEST(test_lesson_dns_or_anycast)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    lesson_run(NULL, &t, &w, &m);
    ck_assert_uint_eq(m.errors, 150648);
    ck_assert_uint_eq(test_node_named(&m, "edge-near")->c.dns_stale_failed,
                      125146);
    ck_assert_double_eq_tol(met_offload(&m), 0.2045, 0.00005);
    ck_assert_double_eq_tol((double)m.errors / (double)m.requests, 0.6026,
                            0.00005);
    assert_tutorial_says("the clients never leave: %s requests", m.errors);
    test_free_run(t, w, &m);
    lesson_run("dns_ttl=10s", &t, &w, &m);
    ck_assert_uint_eq(m.errors, 75286);
    ck_assert_uint_eq(test_node_named(&m, "edge-near")->c.dns_stale_failed,
                      49784);
    assert_tutorial_says("`--set dns_ttl=10s` %s requests fail", m.errors);
    test_free_run(t, w, &m);
    lesson_run("dns_ttl=0s", &t, &w, &m);
    ck_assert_uint_eq(m.errors, 25502); /* lesson 6's */
    test_free_run(t, w, &m);
    lesson_run("regions.0.anycast=true", &t, &w, &m);
    ck_assert_uint_eq(m.errors, 110);
    ck_assert_uint_eq(test_node_named(&m, "edge-far")->c.requests, 150538);
    assert_tutorial_says("edge-far at once (%s requests)",
                         test_node_named(&m, "edge-far")->c.requests);
    ck_assert_double_eq_tol(met_offload(&m), 0.5351, 0.00005);
    assert_tutorial_says("only the %s requests it held", m.errors);
    test_free_run(t, w, &m);
}
END_TEST

/* The JSON gains "brownouts" only when the topology has some. */
START_TEST(test_brownout_json)
{
    char *dir = test_tmpdir();
    char *topo =
        two_tier("brownouts:\n  - {node: o, at: 2s, for: 3s, error_share: 1,"
                 " add_latency: 5ms}\n");
    char *csv = trace_every_10ms(1000);
    char *tpath = test_write_file(dir, "topo.yaml", topo);
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\nwarmup: 0\ntrace: {path: t.csv,"
                                  " format: csv, time_unit: ms}\n");
    char *jpath = xasprintf("%s/out.json", dir);
    int rc =
        test_cdnsim(NULL, NULL, "run", tpath, wpath, "--json", jpath, NULL);
    ck_assert_int_eq(rc, 0);
    char *json = test_read_file(jpath);
    ck_assert_ptr_nonnull(strstr(json, "\"brownouts\": [\n    {\n"
                                       "      \"node\": \"o\",\n"
                                       "      \"at_s\": 2.000000,\n"
                                       "      \"for_s\": 3.000000,\n"
                                       "      \"error_share\": 1.000000,\n"
                                       "      \"add_latency_ms\": 5.000000,\n"
                                       "      \"requests\": 300,\n"
                                       "      \"errors\": 300,\n"
                                       "      \"slowed\": 0\n    }\n  ],"));
    ck_assert_ptr_nonnull(strstr(json, "\"brownout_errors\": 300"));
    free(json);
    free(topo);
    topo = two_tier("");
    free(tpath);
    tpath = test_write_file(dir, "topo.yaml", topo);
    rc = test_cdnsim(NULL, NULL, "run", tpath, wpath, "--json", jpath, NULL);
    ck_assert_int_eq(rc, 0);
    json = test_read_file(jpath);
    ck_assert_ptr_null(strstr(json, "\"brownouts\""));
    free(json);
    test_rmtree(dir);
    free(dir);
    free(topo);
    free(csv);
    free(tpath);
    free(cpath);
    free(wpath);
    free(jpath);
}
END_TEST

/* One integer from sql on db. */
static int64_t
q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The counters go to node_metrics; a file of version 10 gains them (NULL
 * for its old runs). */
START_TEST(test_brownout_db_columns_and_upgrade)
{
    char *dir = test_tmpdir();
    char *topo = two_tier(
        "brownouts:\n  - {node: o, at: 2s, for: 3s, error_share: 1}\n");
    char *csv = trace_every_10ms(1000);
    char *tpath = test_write_file(dir, "topo.yaml", topo);
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\nwarmup: 0\ntrace: {path: t.csv,"
                                  " format: csv, time_unit: ms}\n");
    char *db_path = xasprintf("%s/runs.db", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", tpath, wpath, "--db", db_path, NULL), 0);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(
        sqlite3_exec(db,
                     DROP_VERSION_14 DROP_VERSION_15 DROP_VERSION_16
                         DROP_VERSION_17 DROP_VERSION_18
                     "PRAGMA user_version = 10",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", tpath, wpath, "--db", db_path, NULL), 0);
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    ck_assert_int_eq(q_int(db, "PRAGMA user_version"), MET_DB_VERSION);
    ck_assert_int_eq(q_int(db, "SELECT count(*) FROM node_metrics WHERE"
                               " run_id = 1 AND brownout_errors IS NULL"),
                     2);
    ck_assert_int_eq(q_int(db, "SELECT brownout_errors FROM node_metrics"
                               " WHERE run_id = 2 AND node = 'o'"),
                     300);
    sqlite3_close(db);
    test_rmtree(dir);
    free(dir);
    free(topo);
    free(csv);
    free(tpath);
    free(cpath);
    free(wpath);
    free(db_path);
}
END_TEST

/* Bad values: exit 3, file:line:col and the field. */
START_TEST(test_steering_rejects_bad_values)
{
    static const struct {
        const char *extra, *where, *field, *says;
    } bad[] = {
        {"brownouts:\n  - {node: o, at: 1s, for: 1s, error_share: 1.5}\n",
         ":8:", "brownouts[0].error_share", "<= 1"},
        {"brownouts:\n  - {node: o, at: 1s, for: 1s, error_share: -0.1}\n",
         ":8:", "brownouts[0].error_share", ""},
        {"brownouts:\n  - {node: o, at: 1s, for: 1s, add_latency: 5}\n",
         ":8:", "brownouts[0].add_latency", "a unit is needed"},
        {"brownouts:\n  - {node: o, at: 1s, for: 1s, add_latency: -5ms}\n",
         ":8:", "brownouts[0].add_latency", ""},
        {"brownouts:\n  - {node: x, at: 1s, for: 1s}\n",
         ":8:", "brownouts[0].node", "the name of a node"},
        {"brownouts:\n  - {node: o, at: 1s}\n", ":8:", "brownouts[0]", "for"},
        {"brownouts:\n  - {node: o, at: 1s, for: 0s}\n",
         ":8:", "brownouts[0].for", ""},
        {"brownouts:\n  - {node: o, at: soon, for: 1s}\n",
         ":8:", "brownouts[0].at", ""},
        {"brownouts:\n  - {node: o, at: 1s, for: 1s, share: 1}\n",
         ":8:", "brownouts[0]", "share"},
        {"brownouts:\n  - {node: o, at: 1s, for: 5s}\n"
         "  - {node: o, at: 3s, for: 1s}\n",
         ":9:", "brownouts[1].at", "overlaps brownouts[0]"},
        {"brownouts: {node: o}\n", ":7:", "brownouts", ""},
        {"dns_ttl: -1s\n", ":7:", "dns_ttl", ""},
        {"dns_ttl: 30\n", ":7:", "dns_ttl", "a unit is needed"},
    };
    char *dir = test_tmpdir();
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\ntrace: {path: t.csv, format:"
                                  " csv}\n");
    char *cpath = test_write_file(dir, "t.csv", "time,id,size\n0,a,1\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *topo = two_tier(bad[i].extra);
        char *tpath = test_write_file(dir, "topo.yaml", topo);
        char *out = NULL, *err = NULL;
        int rc = test_cdnsim(&out, &err, "run", tpath, wpath, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", bad[i].extra, rc);
        char *where = xasprintf("%s%s", tpath, bad[i].where);
        ck_assert_msg(strstr(err, where) != NULL, "%s: %s", bad[i].extra, err);
        ck_assert_msg(strstr(err, bad[i].field) != NULL, "%s: %s", bad[i].extra,
                      err);
        ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s: %s", bad[i].extra,
                      err);
        free(where);
        free(out);
        free(err);
        free(tpath);
        free(topo);
    }
    /* A region's dns_ttl and anycast. */
    static const struct {
        const char *keys, *field, *says;
    } bad_region[] = {
        {", dns_ttl: often", "regions[0].dns_ttl", "a unit is needed"},
        {", anycast: maybe", "regions[0].anycast", "true or false"},
        {", anycast: true, routing: static, edge: far", "regions[0].anycast",
         "nearest or weighted"},
        {", anycast: true, dns_ttl: 5s", "regions[0].anycast", "no dns_ttl"},
    };
    for (size_t i = 0; i < sizeof bad_region / sizeof *bad_region; i++) {
        char *topo = two_edges(bad_region[i].keys, "");
        char *tpath = test_write_file(dir, "topo.yaml", topo);
        char *out = NULL, *err = NULL;
        int rc = test_cdnsim(&out, &err, "run", tpath, wpath, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", bad_region[i].keys, rc);
        char *where = xasprintf("%s:2:", tpath);
        ck_assert_msg(strstr(err, where) != NULL, "%s", err);
        ck_assert_msg(strstr(err, bad_region[i].field) != NULL, "%s", err);
        ck_assert_msg(strstr(err, bad_region[i].says) != NULL, "%s", err);
        free(where);
        free(out);
        free(err);
        free(tpath);
        free(topo);
    }
    test_rmtree(dir);
    free(dir);
    free(wpath);
    free(cpath);
}
END_TEST

Suite *
steering_suite(void)
{
    Suite *s = suite_create("steering");
    TCase *tc = tcase_create("steering");
    tcase_add_test(tc, test_brownout_share_one_fails_every_request);
    tcase_add_test(tc, test_brownout_at_the_edge);
    tcase_add_test(tc, test_brownout_share_zero_changes_nothing);
    tcase_add_test(tc, test_brownout_add_latency_shows_in_p50);
    tcase_add_test(tc, test_brownout_half_is_deterministic);
    tcase_add_test(tc, test_brownout_error_allows_stale_if_error);
    tcase_add_test(tc, test_brownout_held_request_lost_in_failure);
    tcase_add_test(tc, test_dns_ttl_keeps_clients_on_a_failed_edge);
    tcase_add_test(tc, test_anycast_withdrawal_moves_clients_at_once);
    tcase_add_test(tc, test_anycast_catchments_shift_on_withdrawal);
    tcase_add_test(tc, test_brownout_json);
    tcase_add_test(tc, test_brownout_db_columns_and_upgrade);
    tcase_add_test(tc, test_steering_rejects_bad_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("lesson");
    tcase_set_timeout(tc, test_sanitized() ? 900 : 60);
    tcase_add_test(tc, test_lesson_dns_or_anycast);
    suite_add_tcase(s, tc);
    return s;
}
