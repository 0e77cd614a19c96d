/* check_overload.c: queue_limit (503), timeout (504) and rate_limit (429)
 * at a node (sim/model/overload.c, sim/config/overload.c), with counts
 * derived by hand from fixed service times and trace arrivals. */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "report/report.h"
#include "suites.h"
#include "util/xalloc.h"
#include "workload/workload.h"

static char *with_commas(uint64_t v);

/* A trace of n requests for distinct objects, the k-th at k x step_ms,
 * from region (a csv trace in ms). */
static char *
trace_csv(int n, int step_ms, const char *region)
{
    char *csv = xstrdup("time,id,size,region\n");
    for (int k = 0; k < n; k++) {
        char *more = xasprintf("%s%d,%s%d,1000,%s\n", csv, k * step_ms, region,
                               k, region);
        free(csv);
        csv = more;
    }
    return csv;
}

/* Runs topology text topo on the csv trace csv (no warm-up), with sets. */
static void
run_text(const char *topo, const char *csv, const char *const *sets,
         size_t n_sets, struct cfg_topology **t, struct cfg_workload **w,
         struct met_run *m)
{
    char *dir = test_tmpdir();
    char *tpath = test_write_file(dir, "topo.yaml", topo);
    char *cpath = test_write_file(dir, "t.csv", csv);
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\nwarmup: 0\ntrace: {path: t.csv,"
                                  " format: csv, time_unit: ms}\n");
    test_run_model(tpath, wpath, sets, n_sets, t, w, m);
    test_rmtree(dir);
    free(dir);
    free(tpath);
    free(cpath);
    free(wpath);
}

/* Every node's requests are accounted for: a lookup outcome, or turned
 * away (metrics.h's invariant). */
static void
assert_node_invariant(const struct met_run *m)
{
    for (size_t i = 0; i < m->n_nodes; i++) {
        const struct met_counters *c = &m->nodes[i].c;
        ck_assert_uint_eq(c->requests + c->stale_if_error,
                          c->hits + c->misses + c->expired + c->coalesced +
                              c->bypass + c->rate_limited + c->refused +
                              c->timed_out);
        uint64_t outcomes = 0;
        for (int k = 0; k < MET_N_OUTCOMES; k++)
            outcomes += c->outcome[k];
        ck_assert_uint_eq(outcomes, c->requests);
    }
}

/* One origin server taking 10 ms a request, behind an edge, all links
 * 0 ms; extra is the origin's overload keys. */
static char *
one_server(const char *extra)
{
    return xasprintf("name: q\nregions: [{name: r, weight: 1}]\nnodes:\n"
                     "  - {name: e, tier: edge, cache: {capacity: 1MiB},"
                     " parent: o}\n"
                     "  - {name: o, tier: origin, servers: 1, %s\n"
                     "     service_time: {dist: fixed, mean: 10ms}}\n"
                     "latency_ms: {r: {e: 0}, e: {o: 0}}\n",
                     extra);
}

/* 100 requests at 0 ms: one is served, queue_limit wait, the rest are
 * refused at once. */
static void
check_queue_limit(const char *limit, uint64_t want_refused, const char *readme)
{
    char *extra = xasprintf("queue_limit: %s,", limit);
    char *topo = one_server(extra);
    char *csv = trace_csv(100, 0, "r");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    const struct met_node *o = test_node_named(&m, "o");
    ck_assert_uint_eq(o->c.refused, want_refused);
    ck_assert_uint_eq(o->c.requests, 100);
    char *says = xasprintf(readme, (unsigned long long)o->c.refused);
    test_assert_readme_says(says);
    free(says);
    ck_assert_uint_eq(o->c.outcome[MET_OUT_ERROR], want_refused);
    ck_assert_uint_eq(m.errors, want_refused);
    ck_assert_uint_eq(m.overload.refused, want_refused);
    ck_assert_uint_eq(m.regions[0].overload.refused, want_refused);
    ck_assert_uint_eq(m.overload.timed_out + m.overload.rate_limited, 0);
    /* The answered ones queue in order: the last ends at 10 ms x their
     * number. */
    ck_assert_uint_eq(m.latency.count, 100 - want_refused);
    ck_assert_uint_eq(m.latency.max, (100 - want_refused) * 10000000ULL);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    free(csv);
    free(topo);
    free(extra);
}

START_TEST(test_overload_queue_limit_refuses)
{
    check_queue_limit("5", 94, "`queue_limit: 5` refuses %llu and");
    check_queue_limit("0", 99, "and `queue_limit: 0` %llu;");
}
END_TEST

/* 100 requests at 0 ms with a timeout: those served by then (10, 20, 30
 * ms...) are answered, the rest get a 504 at the timeout. A request is
 * answered only when its service ends before the deadline. */
static void
check_timeout(const char *timeout, uint64_t want_timed_out, const char *readme)
{
    char *extra = xasprintf("timeout: %s,", timeout);
    char *topo = one_server(extra);
    char *csv = trace_csv(100, 0, "r");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    const struct met_node *o = test_node_named(&m, "o");
    ck_assert_uint_eq(o->c.timed_out, want_timed_out);
    ck_assert_uint_eq(m.overload.timed_out, want_timed_out);
    char *says = xasprintf(readme, (unsigned long long)o->c.timed_out);
    test_assert_readme_says(says);
    free(says);
    ck_assert_uint_eq(m.errors, want_timed_out);
    ck_assert_uint_eq(m.latency.count, 100 - want_timed_out);
    ck_assert_uint_eq(m.latency.max, (100 - want_timed_out) * 10000000ULL);
    /* Every client got exactly one answer: the timed-out request still
     * in service answers nothing more when its service ends. */
    ck_assert_uint_eq(m.latency.count + m.errors, 100);
    ck_assert_uint_eq(o->c.requests, 100);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    free(csv);
    free(topo);
    free(extra);
}

START_TEST(test_overload_timeout_answers_504)
{
    check_timeout("35ms", 97, "`timeout: 35ms` times out %llu (those");
    check_timeout("30ms", 98, "and `timeout: 30ms` %llu;");
}
END_TEST

START_TEST(test_overload_timed_out_service_then_failure)
{
    /* The request's service (10 ms) outlasts its timeout (5 ms): a 504 at
     * 5 ms; the origin fails at 7 ms, so its SERVED at 10 ms finds a lost
     * request, which has already been answered: no second answer. The
     * one at 200 ms, after the recovery, is served in 10 ms... and times
     * out too; the one with a 20 ms timeout is answered. */
    char *topo = one_server("timeout: 5ms,");
    char *more =
        xasprintf("%soutages: [{fail: o, at: 7ms, for: 100ms}]\n", topo);
    const char csv[] = "time,id,size,region\n0,a,1000,r\n200,b,1000,r\n";
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(more, csv, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.requests, 2);
    ck_assert_uint_eq(m.errors, 2);
    ck_assert_uint_eq(m.overload.timed_out, 2);
    ck_assert_uint_eq(test_node_named(&m, "o")->c.timed_out, 2);
    test_free_run(t, w, &m);
    const char *sets[] = {"nodes.o.timeout=20ms"};
    run_text(more, csv, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.errors, 1); /* a, lost in the failure */
    ck_assert_uint_eq(m.overload.timed_out, 0);
    ck_assert_uint_eq(m.latency.count, 1);
    ck_assert_uint_eq(m.latency.max, 10000000ULL);
    test_free_run(t, w, &m);
    free(more);
    free(topo);
}
END_TEST

/* Region r's 101 requests 1 ms apart against rate 100/s, burst 5: the 5
 * tokens of the full bucket and the 10 that 100 ms refill are answered
 * (the last at exactly 100 ms, when the 10th whole token is in), the 86
 * others get a 429. */
START_TEST(test_overload_rate_limit_token_bucket)
{
    const char topo[] =
        "name: rl\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o,\n"
        "     rate_limit: {rate: 100, burst: 5}}\n"
        "  - {name: o, tier: origin}\n"
        "latency_ms: {r: {e: 0}, e: {o: 0}}\n";
    char *csv = trace_csv(101, 1, "r");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    ck_assert_uint_eq(e->c.rate_limited, 86);
    ck_assert_uint_eq(e->c.misses, 15);
    char *says = xasprintf("`{rate: 100, burst: 5}` get %llu answers (5 of "
                           "the full bucket, 10 refilled in 100 ms) and "
                           "%llu 429s",
                           (unsigned long long)e->c.misses,
                           (unsigned long long)e->c.rate_limited);
    test_assert_readme_says(says);
    free(says);
    ck_assert_uint_eq(m.overload.rate_limited, 86);
    ck_assert_uint_eq(m.regions[0].overload.rate_limited, 86);
    ck_assert_uint_eq(m.origin_requests, 15);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    /* 1.01 tokens short: 100 ms x 99.99/s refills 9.999 tokens. */
    const char *sets[] = {"nodes.e.rate_limit.rate=99.99"};
    run_text(topo, csv, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(test_node_named(&m, "e")->c.rate_limited, 87);
    test_free_run(t, w, &m);
    free(csv);
}
END_TEST

START_TEST(test_overload_rate_limit_per_region)
{
    /* Two regions send 10 requests each at 0 ms to one edge with burst 5
     * and a negligible rate: per region each has its own 5 tokens, in
     * total they share 5. */
    const char topo[] =
        "name: rl\nregions: [{name: a, weight: 1}, {name: b, weight: 1}]\n"
        "nodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o,\n"
        "     rate_limit: {rate: 0.001, burst: 5, per: region}}\n"
        "  - {name: o, tier: origin}\n"
        "latency_ms: {a: {e: 0}, b: {e: 0}, e: {o: 0}}\n";
    char *ca = trace_csv(10, 0, "a");
    char *cb = trace_csv(10, 0, "b");
    char *csv = xasprintf("%s%s", ca, strchr(cb, '\n') + 1);
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.regions[0].overload.rate_limited, 5);
    ck_assert_uint_eq(m.regions[1].overload.rate_limited, 5);
    test_free_run(t, w, &m);
    const char *sets[] = {"nodes.e.rate_limit.per=total"};
    run_text(topo, csv, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.overload.rate_limited, 15);
    ck_assert_uint_eq(m.regions[0].overload.rate_limited, 5);
    ck_assert_uint_eq(m.regions[1].overload.rate_limited, 10);
    test_free_run(t, w, &m);
    free(csv);
    free(ca);
    free(cb);
}
END_TEST

START_TEST(test_overload_stale_if_error_covers_a_503)
{
    /* a is cached at the edge at 0 ms for 1 s (stale_if_error 60 s). At
     * 2000 ms x takes the origin's one server (queue_limit 0); a, expired
     * at 2001 ms, is revalidated, refused with a 503, and the edge serves
     * its stale copy: no error reaches the client. y, at 2002 ms, has no
     * copy: its 503 does. */
    char *topo = one_server("queue_limit: 0,");
    const char csv[] = "time,id,size,region,ttl,stale_if_error\n"
                       "0,a,1000,r,1,60\n"
                       "2000,x,1000,r,1,60\n"
                       "2001,a,1000,r,1,60\n"
                       "2002,y,1000,r,1,60\n";
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    ck_assert_uint_eq(test_node_named(&m, "o")->c.refused, 2);
    ck_assert_uint_eq(e->c.stale_if_error, 1);
    ck_assert_uint_eq(e->c.outcome[MET_OUT_STALE], 1);
    ck_assert_uint_eq(m.errors, 1);
    ck_assert_uint_eq(m.overload.refused, 1);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    free(topo);
}
END_TEST

START_TEST(test_overload_upstream_timeout_stale_if_error)
{
    /* The edge times out at 15 ms. At 2000 ms x takes the origin's one
     * server (10 ms); a, expired at 2001 ms, is revalidated behind it
     * (answered at 2020 ms, past its deadline of 2016 ms): the edge serves
     * its stale copy at 2016 ms. y, at 2002 ms, has no copy: a 504 at
     * 2017 ms. The late answers still count: the 304 renews a's copy and
     * y's body is stored, so both hit at 2100 ms. */
    char *topo = xasprintf(
        "name: q\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o,"
        " timeout: 15ms}\n"
        "  - {name: o, tier: origin, servers: 1,"
        " service_time: {dist: fixed, mean: 10ms}}\n"
        "latency_ms: {r: {e: 0}, e: {o: 0}}\n");
    const char csv[] = "time,id,size,region,ttl,stale_if_error\n"
                       "0,a,1000,r,1,60\n"
                       "2000,x,1000,r,1,60\n"
                       "2001,a,1000,r,1,60\n"
                       "2002,y,1000,r,1,60\n"
                       "2100,y,1000,r,1,60\n"
                       "2101,a,1000,r,1,60\n";
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_text(topo, csv, NULL, 0, &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    ck_assert_uint_eq(e->c.stale_if_error, 1);
    ck_assert_uint_eq(e->c.outcome[MET_OUT_STALE], 1);
    ck_assert_uint_eq(e->c.timed_out_upstream, 1);
    ck_assert_uint_eq(m.errors, 1);
    ck_assert_uint_eq(m.overload.timed_out, 1);
    ck_assert_uint_eq(e->c.hits, 3);
    ck_assert_uint_eq(e->c.outcome[MET_OUT_HIT], 2);
    assert_node_invariant(&m);
    test_free_run(t, w, &m);
    free(topo);
}
END_TEST

/* Bad values: exit 3, file:line:col and the field. */
START_TEST(test_overload_rejects_bad_values)
{
    static const struct {
        const char *keys, *field, *says;
    } bad[] = {
        {"rate_limit: {rate: -1, burst: 5},", "nodes[1].rate_limit.rate",
         "a number > 0"},
        {"rate_limit: {rate: 0, burst: 5},", "nodes[1].rate_limit.rate",
         "a number > 0"},
        {"rate_limit: {rate: 0.0001, burst: 5},", "nodes[1].rate_limit.rate",
         "at least 0.001"},
        {"rate_limit: {rate: 10, burst: 0},", "nodes[1].rate_limit.burst",
         "a positive whole number"},
        {"rate_limit: {rate: 10, burst: 5, per: client},",
         "nodes[1].rate_limit.per", "total or region"},
        {"rate_limit: {rate: 10},", "nodes[1].rate_limit", "burst"},
        {"queue_limit: -1,", "nodes[1].queue_limit", "a whole number >= 0"},
        {"timeout: -5ms,", "nodes[1].timeout", ""},
        {"timeout: 0ms,", "nodes[1].timeout", ""},
    };
    char *dir = test_tmpdir();
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\ntrace: {path: t.csv, format:"
                                  " csv}\n");
    char *cpath = test_write_file(dir, "t.csv", "time,id,size\n0,a,1\n");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *topo = one_server(bad[i].keys);
        char *tpath = test_write_file(dir, "topo.yaml", topo);
        char *out = NULL, *err = NULL;
        int rc = test_cdnsim(&out, &err, "run", tpath, wpath, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", bad[i].keys, rc);
        char *where = xasprintf("%s:5:", tpath);
        ck_assert_msg(strstr(err, where) != NULL, "%s: %s", bad[i].keys, err);
        ck_assert_msg(strstr(err, bad[i].field) != NULL, "%s: %s", bad[i].keys,
                      err);
        ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s: %s", bad[i].keys,
                      err);
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

START_TEST(test_overload_needs_servers)
{
    /* queue_limit without servers, timeout without service_time. */
    static const char *const keys[] = {"queue_limit: 3", "timeout: 1s"};
    char *dir = test_tmpdir();
    char *wpath = test_write_file(dir, "wl.yaml",
                                  "name: t\ntrace: {path: t.csv, format:"
                                  " csv}\n");
    char *cpath = test_write_file(dir, "t.csv", "time,id,size\n0,a,1\n");
    for (size_t i = 0; i < 2; i++) {
        char *topo = xasprintf("name: q\nregions: [{name: r, weight: 1}]\n"
                               "nodes:\n  - {name: e, tier: edge, cache:"
                               " {capacity: 1MiB}, parent: o}\n"
                               "  - {name: o, tier: origin, %s}\n"
                               "latency_ms: {r: {e: 0}, e: {o: 0}}\n",
                               keys[i]);
        char *tpath = test_write_file(dir, "topo.yaml", topo);
        char *err = NULL;
        ck_assert_int_eq(test_cdnsim(NULL, &err, "run", tpath, wpath, NULL), 3);
        ck_assert_msg(strstr(err, "service_time") != NULL, "%s", err);
        char *where = xasprintf("%s:5:", tpath);
        ck_assert_msg(strstr(err, where) != NULL, "%s", err);
        free(where);
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

/* --- attacks (arrival.attacks) --- */

static const char attack_topo[] =
    "name: rl2\nregions: [{name: users, weight: 1}, {name: bots, weight: 1}]\n"
    "nodes:\n"
    "  - {name: edge, tier: edge, cache: {capacity: 1MiB}, parent: origin,\n"
    "     rate_limit: {rate: 500, burst: 100}}\n"
    "  - {name: origin, tier: origin}\n"
    "latency_ms: {users: {edge: 0}, bots: {edge: 0}, edge: {origin: 0}}\n";

/* A workload of 2,000 requests: almost none ordinary (0.001/s), an
 * attack of 2,000/s from bots from 0 s. */
static const char attack_wl[] =
    "name: atk\nseed: 1\nrequests: 2000\nwarmup: 0\n"
    "arrival:\n  rate: 0.001\n  attacks:\n"
    "    - {at: 0s, duration: 10s, rate: 2000, region: bots}\n"
    "catalog: {objects: 100, zipf_alpha: 0.8, size: {dist: fixed, bytes:"
    " 1000}, ttl: 1m}\n";

static void
load_pair(const char *topo, const char *wl, struct cfg_topology **t,
          struct cfg_workload **w)
{
    char *dir = test_tmpdir();
    char *tpath = test_write_file(dir, "topo.yaml", topo);
    char *wpath = test_write_file(dir, "wl.yaml", wl);
    struct sim_err err = {0};
    char buf[1024];
    int rc = cfg_load(tpath, wpath, NULL, 0, t, w, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    test_rmtree(dir);
    free(dir);
    free(tpath);
    free(wpath);
}

START_TEST(test_overload_rate_limit_holds_an_attack)
{
    /* 2,000 attack requests (about 1 s of them) through a bucket of 100
     * refilled at 500/s: 100 + 500 x ~1 s reach the origin, each a miss
     * (every URL is new); the rest get a 429 at the edge. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_pair(attack_topo, attack_wl, &t, &w);
    struct sim_err err = {0};
    struct cdn *c = cdn_new(t, w, &err);
    ck_assert_ptr_nonnull(c);
    struct met_run m;
    ck_assert_int_eq(cdn_run(c, NULL, &m), 0);
    cdn_free(c);
    double span_s = (double)(m.measured_end_ns - m.measured_start_ns) / 1e9;
    ck_assert_double_eq_tol(span_s, 1.0, 0.05);
    ck_assert_uint_eq(m.origin_requests, 595);
    char *says = xasprintf("`{rate: 500, burst: 100}` gets %llu of its first "
                           "2,000 requests",
                           (unsigned long long)m.origin_requests);
    test_assert_readme_says(says);
    free(says);
    ck_assert_double_eq_tol((double)m.origin_requests, 100 + 500 * span_s, 2);
    ck_assert_uint_eq(m.overload.rate_limited, 2000 - 595);
    ck_assert_uint_eq(m.regions[1].overload.rate_limited, 2000 - 595);
    ck_assert_uint_eq(m.regions[1].requests, 2000);
    assert_node_invariant(&m);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* The requests of a workload's generator, attack requests left out. */
static size_t
draw_ordinary(const struct cfg_topology *t, const struct cfg_workload *w,
              struct wl_request *out, size_t n)
{
    const char *names[8];
    double weights[8];
    for (size_t r = 0; r < t->n_regions; r++) {
        names[r] = t->regions[r].name;
        weights[r] = t->regions[r].weight;
    }
    struct wl_gen *g = NULL;
    struct sim_err err = {0};
    ck_assert_int_eq(
        wl_gen_new(w, names, weights, (uint32_t)t->n_regions, &g, &err), 0);
    size_t k = 0, n_attack = 0;
    struct wl_request q;
    while (k < n && wl_gen_next(g, &q) == 1) {
        if (q.object >= CFG_ATTACK_FIRST_ID) {
            ck_assert_str_eq(t->regions[q.region].name, "bots");
            n_attack++;
            continue;
        }
        out[k++] = q;
    }
    wl_gen_free(g);
    return n_attack;
}

START_TEST(test_overload_attack_leaves_other_draws_alone)
{
    /* The same workload with and without an attack (and a flash crowd,
     * another source): the ordinary requests are the same, at the same
     * times, for the same objects from the same regions. */
    static const char wl[] =
        "name: mix\nseed: 3\nrequests: 1000\n"
        "arrival:\n  rate: 500\n"
        "  flash_crowds: [{at: 1s, duration: 2s, objects: 5, multiplier:"
        " 3}]\n%s"
        "catalog: {objects: 1000, zipf_alpha: 0.8, size: {dist: lognormal,"
        " median: 2KiB, sigma: 1}, ttl: 1m}\n";
    char *with = xasprintf(wl, "  attacks: [{at: 0.5s, duration: 2s, rate:"
                               " 800, region: bots}]\n");
    char *without = xasprintf(wl, "");
    enum { N = 3000 };
    struct wl_request *a = xcalloc(N, sizeof *a);
    struct wl_request *b = xcalloc(N, sizeof *b);
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_pair(attack_topo, with, &t, &w);
    size_t n_attack = draw_ordinary(t, w, a, N);
    cfg_workload_free(w);
    cfg_topology_free(t);
    load_pair(attack_topo, without, &t, &w);
    ck_assert_uint_eq(draw_ordinary(t, w, b, N), 0);
    cfg_workload_free(w);
    cfg_topology_free(t);
    /* 800/s for 2 s. */
    ck_assert_uint_gt(n_attack, 1500);
    ck_assert_uint_lt(n_attack, 1700);
    for (size_t k = 0; k < N; k++) {
        ck_assert_int_eq(a[k].at, b[k].at);
        ck_assert_uint_eq(a[k].object, b[k].object);
        ck_assert_uint_eq(a[k].size, b[k].size);
        ck_assert_uint_eq(a[k].region, b[k].region);
    }
    free(a);
    free(b);
    free(with);
    free(without);
}
END_TEST

START_TEST(test_overload_attack_rejects_bad_values)
{
    static const struct {
        const char *attack, *says;
    } bad[] = {
        {"{at: 0s, duration: 1s, rate: 0}", "arrival.attacks[0].rate"},
        {"{at: 0s, duration: 1s, rate: -5}", "arrival.attacks[0].rate"},
        {"{at: 0s, rate: 5}", "duration"},
        {"{at: 0s, duration: 1s, rate: 5, region: mars}", "no region \"mars\""},
        {"{at: 0s, duration: 1s, rate: 5, class: none}",
         "arrival.attacks[0].class"},
    };
    char *dir = test_tmpdir();
    char *tpath = test_write_file(dir, "topo.yaml", attack_topo);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *wl = xasprintf(
            "name: atk\nrequests: 10\n"
            "arrival:\n  rate: 10\n  attacks:\n"
            "    - %s\n"
            "catalog: {objects: 10, zipf_alpha: 1, size: {dist: fixed,"
            " bytes: 1}, ttl: 1m}\n",
            bad[i].attack);
        char *wpath = test_write_file(dir, "wl.yaml", wl);
        char *err = NULL;
        ck_assert_int_eq(test_cdnsim(NULL, &err, "run", tpath, wpath, NULL), 3);
        char *where = xasprintf("%s:6:", wpath);
        ck_assert_msg(strstr(err, where) != NULL, "%s", err);
        ck_assert_msg(strstr(err, bad[i].says) != NULL, "%s", err);
        free(where);
        free(err);
        free(wpath);
        free(wl);
    }
    test_rmtree(dir);
    free(dir);
    free(tpath);
}
END_TEST

/* The value of --metric path for run 1 of the database at db_path. */
static int64_t
metric_of(sqlite3 *db, const char *path)
{
    struct rep_metric m;
    struct sim_err err = {0};
    ck_assert_int_eq(rep_metric_parse(path, &m, &err), 0);
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, m.sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", path, sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, 1);
    if (m.name != NULL)
        sqlite3_bind_text(st, 2, m.name, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    rep_metric_fini(&m);
    return v;
}

START_TEST(test_overload_db_and_metric_paths)
{
    /* The attack run's counts in the database, read back by the --metric
     * paths of the JSON. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    load_pair(attack_topo, attack_wl, &t, &w);
    struct sim_err err = {0};
    struct cdn *c = cdn_new(t, w, &err);
    ck_assert_ptr_nonnull(c);
    struct met_run m;
    ck_assert_int_eq(cdn_run(c, NULL, &m), 0);
    cdn_free(c);
    char *dir = test_tmpdir();
    char *path = xasprintf("%s/r.db", dir);
    int64_t id = 0;
    ck_assert_int_eq(met_write_db(&m, path, &id, &err), 0);
    ck_assert_int_eq(id, 1);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    int64_t limited = (int64_t)m.overload.rate_limited;
    ck_assert_int_gt(limited, 0);
    ck_assert_int_eq(metric_of(db, "rate_limited"), limited);
    ck_assert_int_eq(metric_of(db, "refused"), 0);
    ck_assert_int_eq(metric_of(db, "timed_out"), 0);
    ck_assert_int_eq(metric_of(db, "regions.bots.rate_limited"), limited);
    ck_assert_int_eq(metric_of(db, "regions.users.rate_limited"), 0);
    ck_assert_int_eq(metric_of(db, "nodes.edge.rate_limited"), limited);
    ck_assert_int_eq(metric_of(db, "tiers.edge.rate_limited"), limited);
    ck_assert_int_eq(metric_of(db, "nodes.origin.refused"), 0);
    /* Per window: the edge's 429s add up to its counter. */
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT sum(rate_limited), count(*)"
                                        " FROM overload_timeseries WHERE"
                                        " node = 'edge'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int64(st, 0), limited);
    ck_assert_int_gt(sqlite3_column_int64(st, 1), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* The report has an Overload section with the bots' 429s; a run where
     * nothing was turned away has none. */
    char *out = xasprintf("%s/rep", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", path, "--run", "1",
                                 "--out", out, NULL),
                     0);
    char *md_path = xasprintf("%s/report.md", out);
    char *md = test_read_file(md_path);
    char *n429 = with_commas((uint64_t)limited);
    char *row = xasprintf("| bots | 2,000 | %s | 0 | 0 |", n429);
    free(n429);
    ck_assert_ptr_nonnull(strstr(md, "## Overload"));
    ck_assert_msg(strstr(md, row) != NULL, "%s", row);
    free(md);
    free(row);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    const char *sets[] = {"nodes.edge.rate_limit.rate=1e6"};
    char *tpath = test_write_file(dir, "t.yaml", attack_topo);
    char *wpath = test_write_file(dir, "w.yaml", attack_wl);
    test_run_model(tpath, wpath, sets, 1, &t, &w, &m);
    ck_assert_uint_eq(m.errors, 0);
    ck_assert_int_eq(met_write_db(&m, path, &id, &err), 0);
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", path, "--run", "2",
                                 "--out", out, NULL),
                     0);
    md = test_read_file(md_path);
    ck_assert_ptr_null(strstr(md, "## Overload"));
    free(md);
    free(md_path);
    free(out);
    free(tpath);
    free(wpath);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    test_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

/* Thousands with commas, as README writes counts. */
static char *
with_commas(uint64_t v)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    char out[48];
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return xstrdup(out);
}

/* The region named name of m. */
static const struct met_region *
region_named(const struct met_run *m, const char *name)
{
    for (size_t i = 0; i < m->n_regions; i++)
        if (strcmp(m->regions[i].name, name) == 0)
            return &m->regions[i];
    ck_abort_msg("no region %s", name);
    return NULL;
}

/* README's attack example, run as it says, with and without the limit. */
START_TEST(test_overload_readme_attack_figures)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("topologies/rate-limit.yaml", "workloads/attack.yaml", NULL,
                   0, &t, &w, &m);
    const struct met_region *eu = region_named(&m, "eu");
    const struct met_region *us = region_named(&m, "us");
    const struct met_region *bots = region_named(&m, "bots");
    char *limited = with_commas(bots->overload.rate_limited);
    char *peak0 = with_commas(m.origin_peak_rps);
    char *sent = with_commas(bots->requests);
    char *phrase =
        xasprintf("the edge answers %s of the bots' %s requests "
                  "with a 429, the origin's peak is %s "
                  "requests/s, and no eu or us request fails "
                  "(eu's p90 latency %.1f ms)",
                  limited, sent, peak0,
                  (double)met_hist_quantile(&eu->latency, 0.9) / 1e6);
    test_assert_readme_says(phrase);
    ck_assert_uint_eq(eu->errors + us->errors, 0);
    ck_assert_uint_eq(m.overload.rate_limited, bots->overload.rate_limited);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.rate_limited,
                      bots->overload.rate_limited);
    /* The limit holds the bots to about 500/s during the 20 s attack. */
    ck_assert_uint_le(m.origin_peak_rps, 800);
    free(phrase);
    free(limited);
    free(sent);
    free(peak0);
    test_free_run(t, w, &m);

    const char *sets[] = {"nodes.edge.rate_limit.rate=1e9"};
    test_run_model("topologies/rate-limit.yaml", "workloads/attack.yaml", sets,
                   1, &t, &w, &m);
    eu = region_named(&m, "eu");
    us = region_named(&m, "us");
    char *peak = with_commas(m.origin_peak_rps);
    char *refused = with_commas(m.overload.refused);
    phrase = xasprintf("the origin's peak is %s requests/s, its queue fills "
                       "and %s requests get a 503, %llu of them eu's and "
                       "%llu us's, and eu's p90 latency is %.1f ms",
                       peak, refused, (unsigned long long)eu->overload.refused,
                       (unsigned long long)us->overload.refused,
                       (double)met_hist_quantile(&eu->latency, 0.9) / 1e6);
    test_assert_readme_says(phrase);
    ck_assert_uint_eq(m.overload.rate_limited, 0);
    ck_assert_uint_gt(m.origin_peak_rps, 2000);
    free(phrase);
    free(peak);
    free(refused);
    test_free_run(t, w, &m);
}
END_TEST

/* An edge with a 35 ms timeout in front of an origin taking 10 ms a
 * request (one server, or unlimited servers behind a pool of one
 * connection): e_link is the edge's link to it. 100 requests at 0 ms, the
 * same 100 objects again at 2 s. */
static void
run_upstream_timeout(const char *origin, const char *e_link,
                     struct cfg_topology **t, struct cfg_workload **w,
                     struct met_run *m)
{
    char *topo = xasprintf(
        "name: q\nregions: [{name: r, weight: 1}]\nnodes:\n"
        "  - {name: e, tier: edge, cache: {capacity: 1MiB}, parent: o,"
        " timeout: 35ms}\n"
        "  - {name: o, tier: origin, %s service_time: {dist: fixed,"
        " mean: 10ms}}\n"
        "latency_ms: {r: {e: 0}, e: {o: %s}}\n",
        origin, e_link);
    char *first = trace_csv(100, 0, "r");
    char *csv = xstrdup(first);
    for (int k = 0; k < 100; k++) {
        char *more = xasprintf("%s2000,r%d,1000,r\n", csv, k);
        free(csv);
        csv = more;
    }
    run_text(topo, csv, NULL, 0, t, w, m);
    assert_node_invariant(m);
    free(csv);
    free(first);
    free(topo);
}

START_TEST(test_overload_timeout_bounds_upstream_wait)
{
    /* The origin answers the fetches at 10, 20, 30 ms, ...: the edge's
     * requests still waiting at 35 ms get a 504 then (97). The origin
     * serves the rest all the same and their late answers fill the edge's
     * cache, so the second 100 all hit. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_upstream_timeout("servers: 1,", "0", &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "e");
    const struct met_node *o = test_node_named(&m, "o");
    ck_assert_uint_eq(e->c.timed_out_upstream, 97);
    ck_assert_uint_eq(e->c.outcome[MET_OUT_ERROR], 97);
    ck_assert_uint_eq(e->c.timed_out, 0); /* its own service: none */
    ck_assert_uint_eq(m.errors, 97);
    ck_assert_uint_eq(m.overload.timed_out, 97);
    /* The node's 504 windows hold the upstream ones too. */
    uint64_t in_windows = 0;
    for (uint64_t k = 0; k < e->n_windows && k < e->overload_cap; k++)
        in_windows += e->overload_windows[k].timed_out;
    ck_assert_uint_eq(in_windows, 97);
    ck_assert_uint_eq(m.latency.count, 103); /* one answer each */
    ck_assert_uint_eq(m.latency.max, 30000000ULL);
    ck_assert_uint_eq(e->c.hits, 100);
    ck_assert_uint_eq(o->c.requests, 100);
    test_free_run(t, w, &m);
    /* Behind a pool of one connection (pool_full: wait) the fetches go
     * one at a time: 3 answered, the 4th (sent at 30 ms) answered late at
     * 40 ms and stored, and the 96 still waiting for the connection then
     * are dropped without reaching the origin. At 2 s: 4 hits, and of the
     * 96 fetches again 3 answered and 93 timed out. Each answered or late
     * fetch but the first waited 10, 20 and 30 ms. */
    run_upstream_timeout("", "{rtt: 0, setup: tcp, pool: 1}", &t, &w, &m);
    e = test_node_named(&m, "e");
    o = test_node_named(&m, "o");
    ck_assert_uint_eq(e->c.timed_out_upstream, 97 + 93);
    ck_assert_uint_eq(m.errors, 97 + 93);
    ck_assert_uint_eq(e->c.hits, 4);
    ck_assert_uint_eq(o->c.requests, 4 + 4);
    ck_assert_uint_eq(e->c.pool_waits, 6);
    ck_assert_uint_eq(e->c.pool_wait_ns, 2 * 60000000ULL);
    test_free_run(t, w, &m);
}
END_TEST

Suite *
overload_suite(void)
{
    Suite *s = suite_create("overload");
    TCase *tc = tcase_create("overload");
    tcase_add_test(tc, test_overload_queue_limit_refuses);
    tcase_add_test(tc, test_overload_timeout_answers_504);
    tcase_add_test(tc, test_overload_timed_out_service_then_failure);
    tcase_add_test(tc, test_overload_timeout_bounds_upstream_wait);
    tcase_add_test(tc, test_overload_rate_limit_token_bucket);
    tcase_add_test(tc, test_overload_rate_limit_per_region);
    tcase_add_test(tc, test_overload_stale_if_error_covers_a_503);
    tcase_add_test(tc, test_overload_upstream_timeout_stale_if_error);
    tcase_add_test(tc, test_overload_rejects_bad_values);
    tcase_add_test(tc, test_overload_needs_servers);
    tcase_add_test(tc, test_overload_rate_limit_holds_an_attack);
    tcase_add_test(tc, test_overload_attack_leaves_other_draws_alone);
    tcase_add_test(tc, test_overload_attack_rejects_bad_values);
    tcase_add_test(tc, test_overload_readme_attack_figures);
    tcase_add_test(tc, test_overload_db_and_metric_paths);
    suite_add_tcase(s, tc);
    return s;
}
