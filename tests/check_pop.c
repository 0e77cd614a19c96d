/* check_pop.c: a PoP's cache servers (cache_servers): exact counts of
 * RAM and SSD hits, promotion, failure and rehash on tiny traces; the
 * ring's load balance against the spread of consistent hashing's shares
 * and its one property (a failed server's keys, and only they, move to
 * their ring successors); input errors and the outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/pop.h"
#include "suites.h"
#include "util/hash.h"
#include "util/xalloc.h"

#define LINE "tests/scenarios/pop-line.yaml"

/* pop-line's ring, as the model builds it (salt: the node's name). */
static void
line_ring(struct pop_ring *r)
{
    pop_ring_build(r, 4, 50, hash_bytes("edge", 4));
}

/* The first object id whose home on pop-line's ring is server k. */
static uint64_t
object_homed_at(uint32_t k)
{
    struct pop_ring r;
    line_ring(&r);
    uint64_t id = 1;
    while (r.server[pop_ring_point_of(&r, pop_key_hash(id))] != k)
        id++;
    pop_ring_fini(&r);
    return id;
}

/* Runs LINE on a trace of (time in ms, object) records, 1-byte objects,
 * with the overrides sets; returns the edge's node (copied) and the
 * origin's requests. The servers are copied into servers[4]. */
struct line_run {
    struct met_counters edge;
    struct met_pop_server servers[4];
    uint64_t origin_requests;
    double mean_ms;
};

static struct line_run
run_line(const uint64_t (*rec)[2], size_t n, const char *const *sets,
         size_t n_sets)
{
    char *dir = test_tmpdir();
    char *text = xstrdup("time,id,size\n");
    for (size_t k = 0; k < n; k++) {
        char *more =
            xasprintf("%s%llu,%llu,1\n", text, (unsigned long long)rec[k][0],
                      (unsigned long long)rec[k][1]);
        free(text);
        text = more;
    }
    char *trace = test_write_file(dir, "t.csv", text);
    char *wl = test_write_file(dir, "w.yaml",
                               "name: pop-trace\nseed: 5\nwarmup: 0\n"
                               "trace: {path: t.csv, format: csv, "
                               "time_unit: ms, rebase: false}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, sets, n_sets, &t, &w, &m);
    const struct met_node *e = test_node_named(&m, "edge");
    struct line_run r = {.edge = e->c, .origin_requests = m.origin_requests};
    ck_assert_uint_eq(e->n_servers, 4);
    memcpy(r.servers, e->servers, sizeof r.servers);
    r.mean_ms = met_hist_mean(&m.latency) / 1e6;
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
    free(trace);
    free(wl);
    free(text);
    return r;
}

/* A late answer is stored at its key's server, not at the one the last
 * request selected: x (homed at server 2) and y (at 0) both time out at
 * the edge (5 ms against a 40 ms round trip), their late answers fill
 * the SSDs, and x a second later is an SSD hit at server 2. */
START_TEST(test_pop_late_answer_at_home)
{
    uint64_t x = object_homed_at(2), y = object_homed_at(0);
    const uint64_t rec[][2] = {{0, x}, {1, y}, {1000, x}};
    static const char *const sets[] = {"nodes.edge.timeout=5ms",
                                       "latency_ms.edge.origin=20"};
    struct line_run r = run_line(rec, 3, sets, 2);
    ck_assert_uint_eq(r.edge.timed_out_upstream, 2);
    ck_assert_uint_eq(r.origin_requests, 2);
    ck_assert_uint_eq(r.edge.hits, 1);
    ck_assert_uint_eq(r.edge.ssd_hits, 1);
    ck_assert_uint_eq(r.servers[2].hits, 1);
    ck_assert_uint_eq(r.servers[0].hits, 0);
}
END_TEST

/* One object four times, 1 s apart, no failure: a miss fills the SSD,
 * the next request hits the SSD and promotes, the last two hit RAM. The
 * latency is each hit's tier's: (0 + 0.5 + 0.05 + 0.05) / 4 ms. */
START_TEST(test_pop_tiers_exact)
{
    uint64_t x = object_homed_at(2);
    const uint64_t rec[][2] = {{0, x}, {1000, x}, {2000, x}, {3000, x}};
    struct line_run r = run_line(rec, 4, NULL, 0);
    ck_assert_uint_eq(r.edge.requests, 4);
    ck_assert_uint_eq(r.edge.misses, 1);
    ck_assert_uint_eq(r.edge.hits, 3);
    ck_assert_uint_eq(r.edge.ssd_hits, 1);
    ck_assert_uint_eq(r.edge.promoted, 1);
    ck_assert_uint_eq(r.edge.ram_hits, 2);
    ck_assert_uint_eq(r.edge.rehashed + r.edge.server_failures, 0);
    ck_assert_uint_eq(r.origin_requests, 1);
    ck_assert_uint_eq(r.servers[2].requests, 4);
    ck_assert_uint_eq(r.servers[2].hits, 3);
    ck_assert_uint_eq(r.servers[2].bytes_hit, 3);
    ck_assert_uint_eq(r.servers[0].requests + r.servers[1].requests +
                          r.servers[3].requests,
                      0);
    ck_assert_msg(fabs(r.mean_ms - 0.15) < 1e-9, "mean %.6f ms", r.mean_ms);
    /* The SSD tier takes the node's admission: second_hit stores the
     * object at its second miss, so the third request is the SSD hit. */
    const char *sets[] = {"nodes.edge.cache.admission=second_hit"};
    struct line_run a = run_line(rec, 4, sets, 1);
    ck_assert_uint_eq(a.edge.misses, 2);
    ck_assert_uint_eq(a.edge.ssd_hits, 1);
    ck_assert_uint_eq(a.edge.ram_hits, 1);
    ck_assert_uint_eq(a.origin_requests, 2);
}
END_TEST

/* Server 1 fails in [60 s, 90 s). Its object: a miss and an SSD hit on
 * server 1; during the failure a rehashed cold miss and an SSD hit on
 * its ring successor; after it, an SSD hit on server 1 again (its SSD
 * kept the copy, its RAM was lost, so the hit promotes again). */
START_TEST(test_pop_failure_exact)
{
    uint64_t x = object_homed_at(1);
    const uint64_t rec[][2] = {
        {10000, x}, {20000, x}, {70000, x}, {80000, x}, {100000, x}};
    struct line_run r = run_line(rec, 5, NULL, 0);
    struct pop_ring ring;
    line_ring(&ring);
    uint32_t down[4] = {0, 1, 0, 0}, home;
    uint32_t succ = pop_ring_pick(&ring, pop_key_hash(x), down, &home);
    pop_ring_fini(&ring);
    ck_assert_uint_eq(home, 1);
    ck_assert_uint_ne(succ, 1);
    ck_assert_uint_eq(r.edge.requests, 5);
    ck_assert_uint_eq(r.edge.misses, 2);
    ck_assert_uint_eq(r.edge.ssd_hits, 3);
    ck_assert_uint_eq(r.edge.ram_hits, 0);
    ck_assert_uint_eq(r.edge.promoted, 3);
    ck_assert_uint_eq(r.edge.rehashed, 2);
    ck_assert_uint_eq(r.edge.rehashed_cold, 1);
    ck_assert_uint_eq(r.edge.server_failures, 1);
    ck_assert_uint_eq(r.origin_requests, 2);
    ck_assert_uint_eq(r.servers[1].requests, 3);
    ck_assert_uint_eq(r.servers[1].failures, 1);
    ck_assert_uint_eq(r.servers[succ].requests, 2);
    ck_assert_uint_eq(r.servers[succ].rehashed_in, 2);
    ck_assert_uint_eq(r.servers[succ].hits, 1);
}
END_TEST

/* During server 1's failure, 400 distinct objects once each: consistent
 * hashing rehashes exactly those homed at server 1; modulo hashing
 * (hash mod the 3 live servers, of 0, 2, 3) every one whose live server
 * is not its home (hash mod 4), worked out here from the hashes. */
START_TEST(test_pop_rehash_counts)
{
    enum { N = 400 };
    uint64_t(*rec)[2] = xcalloc(N, sizeof *rec);
    struct pop_ring ring;
    line_ring(&ring);
    uint64_t want_ring = 0, want_mod = 0;
    static const uint32_t live[3] = {0, 2, 3};
    for (size_t k = 0; k < N; k++) {
        rec[k][0] = 61000 + k;
        rec[k][1] = 1000 + k;
        uint64_t h = pop_key_hash(rec[k][1]);
        want_ring += ring.server[pop_ring_point_of(&ring, h)] == 1;
        want_mod += live[h % 3] != h % 4;
    }
    pop_ring_fini(&ring);
    struct line_run r = run_line((const uint64_t(*)[2])rec, N, NULL, 0);
    ck_assert_uint_eq(r.edge.rehashed, want_ring);
    ck_assert_uint_eq(r.edge.rehashed_cold, want_ring);
    ck_assert_uint_eq(r.servers[1].requests, 0);
    const char *sets[] = {"nodes.edge.cache_servers.hashing=modulo"};
    struct line_run m = run_line((const uint64_t(*)[2])rec, N, sets, 1);
    ck_assert_uint_eq(m.edge.rehashed, want_mod);
    /* Modulo moves about 3/4 of the keys (1 - 3/12 of hash residues
     * stay), consistent hashing about one server's share, 1/4. */
    ck_assert_msg(want_mod > 2 * want_ring && want_mod > N / 2,
                  "modulo %llu, ring %llu", (unsigned long long)want_mod,
                  (unsigned long long)want_ring);
    free(rec);
}
END_TEST

/*
 * Load balance: with M = N x V points placed at random, a server's share
 * of the circle is the sum of V of the M spacings, a Beta(V, M - V)
 * variable: mean 1/N and coefficient of variation sqrt((M - V) / (V (M
 * + 1))), about 1/sqrt(V) (the spacings of uniform points are Dirichlet;
 * David and Nagaraja, Order Statistics, 2003, 6.4). The measured spread
 * over N = 200 servers must be within 20% of it (the estimate's own
 * standard error is about 1/sqrt(2N) = 5%), and max/mean within the
 * Chernoff bound for a Gamma(V) share with a union over N servers at
 * probability 1e-3: V (d - ln(1 + d)) = ln(N / 1e-3).
 */
START_TEST(test_pop_ring_balance)
{
    static const uint32_t vnodes[] = {1, 10, 100, 1000};
    const uint32_t n = 200;
    double *share = xcalloc(n, sizeof *share);
    double prev_max = INFINITY;
    for (size_t j = 0; j < sizeof vnodes / sizeof vnodes[0]; j++) {
        uint32_t v = vnodes[j];
        struct pop_ring r;
        pop_ring_build(&r, n, v, 12345);
        pop_ring_shares(&r, n, share);
        pop_ring_fini(&r);
        double sum = 0, sq = 0, max = 0;
        for (uint32_t k = 0; k < n; k++) {
            sum += share[k];
            sq += share[k] * share[k];
            max = share[k] > max ? share[k] : max;
        }
        ck_assert_msg(fabs(sum - 1) < 1e-9, "shares sum to %.12f", sum);
        double mean = sum / n;
        double cv = sqrt(sq / n - mean * mean) / mean;
        double m = (double)n * v;
        double want = sqrt((m - v) / (v * (m + 1)));
        ck_assert_msg(fabs(cv / want - 1) < 0.2, "V=%u: cv %.4f, theory %.4f",
                      v, cv, want);
        /* Solve V (d - ln(1 + d)) = ln(N / 1e-3) for d by bisection. */
        double target = log(n / 1e-3) / v, lo = 0, hi = 100;
        for (int it = 0; it < 200; it++) {
            double d = (lo + hi) / 2;
            if (d - log1p(d) < target)
                lo = d;
            else
                hi = d;
        }
        ck_assert_msg(max / mean <= 1 + hi, "V=%u: max/mean %.3f > %.3f", v,
                      max / mean, 1 + hi);
        ck_assert_msg(max / mean < prev_max, "V=%u: no better balanced", v);
        prev_max = max / mean;
    }
    free(share);
}
END_TEST

/* The consistent-hashing property: when server 3 of 10 fails, every key
 * homed elsewhere keeps its server, and every key homed at 3 goes to the
 * server of the next point (found here by a scan) not of server 3. The
 * share that moves is server 3's arcs, about 1/N of the keys. */
START_TEST(test_pop_ring_only_failed_keys_move)
{
    const uint32_t n = 10, failed = 3;
    struct pop_ring r;
    pop_ring_build(&r, n, 100, 777);
    double share[10];
    pop_ring_shares(&r, n, share);
    uint32_t down[10] = {0};
    down[failed] = 1;
    const uint64_t keys = 100000;
    uint64_t moved = 0;
    for (uint64_t id = 0; id < keys; id++) {
        uint64_t h = pop_key_hash(id);
        uint32_t home, home2;
        uint32_t before = pop_ring_pick(&r, h, NULL, &home);
        uint32_t after = pop_ring_pick(&r, h, down, &home2);
        ck_assert_uint_eq(before, home);
        ck_assert_uint_eq(home, home2);
        if (home != failed) {
            ck_assert_uint_eq(after, before);
            continue;
        }
        moved++;
        uint32_t i = pop_ring_point_of(&r, h);
        while (r.server[i] == failed)
            i = (i + 1) % r.n;
        ck_assert_uint_eq(after, r.server[i]);
    }
    pop_ring_fini(&r);
    double p = share[failed], f = (double)moved / keys;
    ck_assert_msg(fabs(f - p) < 4 * sqrt(p * (1 - p) / keys),
                  "moved %.4f, share %.4f", f, p);
    ck_assert_msg(p > 0.5 / n && p < 1.5 / n, "share %.4f", p);
}
END_TEST

/* Bad cache_servers: exit 3, located, naming the field. */
START_TEST(test_pop_input_errors)
{
    static const struct {
        const char *servers;
        const char *want;
    } cases[] = {
        {"{ram: {capacity: 10}}", "nodes[1].cache_servers.count: missing key"},
        {"{count: 0, ram: {capacity: 10}}", "nodes[1].cache_servers.count: "
                                            "expected a positive whole number"},
        {"{count: 2000, ram: {capacity: 10}}",
         "nodes[1].cache_servers.count: expected a number of servers"},
        {"{count: 2}", "nodes[1].cache_servers.ram: missing key"},
        {"{count: 2, ram: {capacity: 10, size: 3}}",
         "nodes[1].cache_servers.ram.size: unknown key"},
        {"{count: 2, hashing: rendezvous, ram: {capacity: 10}}",
         "nodes[1].cache_servers.hashing: expected consistent or modulo"},
        {"{count: 2, ram: {capacity: 10, latency: -1ms}}",
         "nodes[1].cache_servers.ram.latency: expected a time"},
        {"{count: 2, ram: {capacity: 10}, failures: [{server: 2, at: 1s}]}",
         "nodes[1].cache_servers.failures[0].server: expected a server "
         "number from 0 to 1"},
        {"{count: 2, ram: {capacity: 10}, failures: [{server: 1, at: 5s, "
         "until: 2s}]}",
         "nodes[1].cache_servers.failures[0].until: expected a time after at"},
        {"{count: 2, ram: {capacity: 10}, failures: [{server: 1, at: 5s}, "
         "{server: 0, at: 9s, until: 10s}]}",
         "nodes[1].cache_servers.failures: every server is down at 9.000 s"},
        {"{count: 2, ram: {capacity: 10, policy: nope}}",
         "nodes[1].cache_servers.ram.policy"},
    };
    char *dir = test_tmpdir();
    char *wl = test_write_file(dir, "w.yaml",
                               "name: w\nrequests: 10\narrival: {rate: 1}\n"
                               "catalog: {objects: 10, zipf_alpha: 0.8, "
                               "size: {dist: fixed, bytes: 1}}\n");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *text = xasprintf(
            "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
            "  - {name: origin, tier: origin}\n"
            "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
            "origin,\n     cache_servers: %s}\n"
            "latency_ms: {r: {edge: 1}, edge: {origin: 1}}\n",
            cases[k].servers);
        char *path = test_write_file(dir, "bad.yaml", text);
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "run", path, wl, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].servers, rc);
        ck_assert_msg(err != NULL && strstr(err, "bad.yaml:") != NULL &&
                          strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].servers,
                      cases[k].want, err ? err : "(null)");
        free(err);
        free(path);
        free(text);
    }
    test_rmtree(dir);
    free(dir);
    free(wl);
}
END_TEST

/* What is not modelled is refused where it is written: a push into a
 * PoP, vary: with one, exclusive placement on one, and an origin's. */
START_TEST(test_pop_refused_combinations)
{
    char *dir = test_tmpdir();
    char *push = test_write_file(
        dir, "push.yaml",
        "name: w\nrequests: 10\narrival: {rate: 1}\n"
        "catalog: {objects: 10, zipf_alpha: 0.8, size: {dist: fixed, "
        "bytes: 1}}\n"
        "events:\n  - {at: 1s, push: 5, to: [edge]}\n");
    char *vary = test_write_file(dir, "vary.yaml",
                                 "name: w\nrequests: 10\narrival: {rate: 1}\n"
                                 "catalog:\n  objects: 10\n  zipf_alpha: 0.8\n"
                                 "  size: {dist: fixed, bytes: 1}\n"
                                 "  vary: {encoding: {br: 0.5, gzip: 0.5}}\n");
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", LINE, push, NULL), 3);
    ck_assert_msg(err != NULL && strstr(err, "push.yaml:") != NULL &&
                      strstr(err, "events[0].to[0]: a push into \"edge\", "
                                  "which has cache_servers, is not "
                                  "modelled") != NULL,
                  "%s", err ? err : "(null)");
    free(err);
    err = NULL;
    int rc = test_cdnsim(NULL, &err, "run", LINE, vary, NULL);
    ck_assert_msg(rc == 3 && err != NULL &&
                      strstr(err, LINE ":12:5: nodes[0].cache_servers: "
                                       "cache_servers with vary: or "
                                       "tracking_params: (class") != NULL,
                  "exit %d: %s", rc, err ? err : "(null)");
    free(err);
    err = NULL;
    rc = test_cdnsim(NULL, &err, "run", LINE, push, "--set",
                     "nodes.edge.placement=exclusive", NULL);
    ck_assert_msg(rc == 3 && err != NULL &&
                      strstr(err, "nodes[0].cache_servers: cache_servers "
                                  "with placement exclusive") != NULL,
                  "exit %d: %s", rc, err ? err : "(null)");
    free(err);
    err = NULL;
    char *origin = test_write_file(
        dir, "o.yaml",
        "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
        "  - {name: origin, tier: origin, cache_servers: {count: 2}}\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
        "origin}\n"
        "latency_ms: {r: {edge: 1}, edge: {origin: 1}}\n");
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", origin, NULL), 3);
    ck_assert_msg(err != NULL &&
                      strstr(err, "nodes[0].cache_servers: an "
                                  "origin has no cache_servers") != NULL,
                  "%s", err ? err : "(null)");
    free(err);
    test_rmtree(dir);
    free(dir);
    free(push);
    free(vary);
    free(origin);
}
END_TEST

/* One integer query of the database at path. */
static long long
db_query(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* The JSON has each PoP node's cache_servers array, the database a row
 * per server whose requests add up to the node's lookups. */
START_TEST(test_pop_outputs)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(dir, "w.yaml",
                               "name: w\nseed: 3\nrequests: 20000\n"
                               "warmup: 1000\narrival: {rate: 200}\n"
                               "catalog: {objects: 2000, zipf_alpha: 0.8, "
                               "size: {dist: fixed, bytes: 1}}\n");
    char *db = xasprintf("%s/r.db", dir);
    char *json = test_cdnsim_json("run", LINE, wl, "--db", db, NULL);
    ck_assert_ptr_nonnull(strstr(json, "\"cache_servers\": [\n"));
    ck_assert_ptr_nonnull(strstr(json, "\"rehashed_in\": "));
    ck_assert_int_eq(db_query(db, "SELECT count(*) FROM cache_servers"), 4);
    long long lookups = db_query(
        db, "SELECT requests - bypass - rate_limited - refused - timed_out"
            " - brownout_errors FROM node_metrics WHERE node = 'edge'");
    ck_assert_int_eq(db_query(db, "SELECT sum(requests) FROM cache_servers"),
                     lookups);
    ck_assert_int_eq(db_query(db, "SELECT sum(hits) FROM cache_servers"),
                     db_query(db, "SELECT ram_hits + ssd_hits FROM node_metrics"
                                  " WHERE node = 'edge'"));
    ck_assert_int_eq(db_query(db, "SELECT sum(failures) FROM cache_servers"),
                     1);
    ck_assert_int_eq(db_query(db, "PRAGMA user_version"), MET_DB_VERSION);
    free(json);
    test_rmtree(dir);
    free(dir);
    free(db);
    free(wl);
}
END_TEST

/* "12,345" for the tutorial. */
static void
thousands(char *buf, size_t len, uint64_t v)
{
    if (v >= 1000)
        snprintf(buf, len, "%llu,%03llu", (unsigned long long)(v / 1000),
                 (unsigned long long)(v % 1000));
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
}

/* Says the tutorial holds the formatted figure, and that it is want. */
static void
says(const char *got, const char *want)
{
    ck_assert_str_eq(got, want);
    test_assert_doc_says("docs/tutorial.md", got);
}

/* Lesson 17 (docs/tutorial.md): a server failure in a PoP of 8, without
 * it, with consistent hashing and with modulo hashing. */
START_TEST(test_lesson_pop_servers)
{
    static const struct {
        const char *sets[2];
        const char *hit, *origin, *rehashed, *cold, *more;
    } cases[] = {
        {{"nodes.edge.cache_servers.failures.0.at=1h",
          "nodes.edge.cache_servers.failures.0.until=2h"},
         "80.78%",
         "47,930",
         NULL,
         NULL,
         NULL},
        {{NULL, NULL}, "78.84%", "52,748", "10,027", "4,486", "10%"},
        {{"nodes.edge.cache_servers.hashing=modulo", NULL},
         "67.42%",
         "80,999",
         "86,576",
         "35,126",
         "69%"},
    };
    uint64_t base_origin = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *sets[4] = {"workload.requests=300000", "warmup=50000"};
        size_t n = 2;
        for (size_t j = 0; j < 2 && cases[k].sets[j] != NULL; j++)
            sets[n++] = cases[k].sets[j];
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        test_run_model("topologies/teaching/pop-servers.yaml",
                       "workloads/zipf.yaml", sets, n, &t, &w, &m);
        const struct met_counters *c = &test_node_named(&m, "edge")->c;
        char text[64];
        snprintf(text, sizeof text, "%.2f%%",
                 100.0 * (double)c->hits / (double)c->requests);
        says(text, cases[k].hit);
        thousands(text, sizeof text, m.origin_requests);
        says(text, cases[k].origin);
        if (k == 0) {
            base_origin = m.origin_requests;
            ck_assert_uint_eq(c->rehashed, 0);
            snprintf(text, sizeof text, "%.0f%% of them",
                     100.0 * (double)c->ram_hits / (double)c->hits);
            says(text, "46% of them");
        } else {
            thousands(text, sizeof text, c->rehashed);
            says(text, cases[k].rehashed);
            thousands(text, sizeof text, c->rehashed_cold);
            says(text, cases[k].cold);
            snprintf(text, sizeof text, "%.0f%%",
                     100.0 *
                         ((double)m.origin_requests / (double)base_origin - 1));
            says(text, cases[k].more);
            ck_assert_uint_eq(c->server_failures, 1);
        }
        test_free_run(t, w, &m);
    }
}
END_TEST

Suite *
pop_suite(void)
{
    Suite *s = suite_create("pop");
    TCase *tc = tcase_create("pop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_pop_tiers_exact);
    tcase_add_test(tc, test_pop_late_answer_at_home);
    tcase_add_test(tc, test_pop_failure_exact);
    tcase_add_test(tc, test_pop_rehash_counts);
    tcase_add_test(tc, test_pop_ring_balance);
    tcase_add_test(tc, test_pop_ring_only_failed_keys_move);
    tcase_add_test(tc, test_pop_input_errors);
    tcase_add_test(tc, test_pop_refused_combinations);
    tcase_add_test(tc, test_pop_outputs);
    tcase_add_test(tc, test_lesson_pop_servers);
    suite_add_tcase(s, tc);
    return s;
}
