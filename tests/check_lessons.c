/* check_lessons.c: every lesson of docs/tutorial.md runs and its claim
 * holds (with the figures the tutorial quotes, where they are exact). */
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "suites.h"
#include "util/xalloc.h"

#define ZIPF "workloads/zipf.yaml"
#define EDGE_ONLY "topologies/teaching/edge-only.yaml"
#define SHIELDED "topologies/teaching/shielded.yaml"

/*
 * A number from the JSON text: the keys are found one after the other, so
 * ("nodes", "edge-fra", "hit_ratio") reads that node's hit ratio.
 */
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

#define SHORT "--requests", "300000", "--set", "warmup=50000"

START_TEST(test_lesson_pull_through)
{
    char *out = NULL;
    const char *argv[] = {test_bin(),   "run",    EDGE_ONLY, ZIPF,
                          "--requests", "300000", "--set",   "warmup=50000",
                          "--explain",  "3",      "--quiet", NULL};
    ck_assert_int_eq(test_run(argv, &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "MISS: fetches from origin"));
    ck_assert_ptr_nonnull(strstr(out, "stores it"));
    free(out);
}
END_TEST

START_TEST(test_lesson_shield_saves_origin_load)
{
    char *a = test_cdnsim_json("run", EDGE_ONLY, ZIPF, SHORT, NULL);
    char *b = test_cdnsim_json("run", SHIELDED, ZIPF, SHORT, NULL);
    ck_assert_int_eq(num(a, 2, "origin", "requests"), 140916);
    ck_assert_int_eq(num(b, 2, "origin", "requests"), 47846);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.434, 0.0005);
    ck_assert_double_eq_tol(num(b, 1, "offload"), 0.808, 0.0005);
    ck_assert_double_eq_tol(num(a, 2, "cost_usd", "total"), 0.43, 0.005);
    ck_assert_double_eq_tol(num(b, 2, "cost_usd", "total"), 0.15, 0.005);
    ck_assert_double_eq_tol(num(a, 2, "latency_ms", "p50"), 99.9, 0.05);
    ck_assert_double_eq_tol(num(b, 2, "latency_ms", "p50"), 80.0, 0.05);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_lesson_short_ttl_costs_origin_load)
{
    char *a = test_cdnsim_json("run", SHIELDED, ZIPF, SHORT, "--set",
                               "catalog.ttl=10s", NULL);
    char *b = test_cdnsim_json("run", SHIELDED, ZIPF, SHORT, "--set",
                               "catalog.ttl=10m", NULL);
    ck_assert_int_eq(num(a, 2, "origin", "requests"), 108750);
    ck_assert_int_eq(num(a, 3, "tiers", "edge", "expired"), 14399);
    ck_assert_int_eq(num(b, 2, "origin", "requests"), 47846);
    ck_assert_int_eq(num(b, 3, "tiers", "edge", "expired"), 0);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_lesson_coalescing)
{
    char *a = test_cdnsim_json("run", "topologies/teaching/burst.yaml",
                               "workloads/burst.yaml", NULL);
    ck_assert_int_eq(num(a, 2, "origin", "requests"), 1);
    ck_assert_int_eq(num(a, 3, "nodes", "edge", "coalesced"), 199);
    free(a);
}
END_TEST

START_TEST(test_lesson_capacity_buys_hits)
{
    static const char *const caps[] = {"128MiB", "256MiB", "512MiB", "1GiB"};
    static const double want[] = {0.342, 0.434, 0.548, 0.654};
    for (int i = 0; i < 4; i++) {
        char set[64];
        snprintf(set, sizeof set, "nodes.edge-fra.cache.capacity=%s", caps[i]);
        char *a =
            test_cdnsim_json("run", EDGE_ONLY, ZIPF, SHORT, "--set", set, NULL);
        double h = num(a, 3, "nodes", "edge-fra", "hit_ratio");
        ck_assert_msg(h > want[i] - 0.0006 && h < want[i] + 0.0006,
                      "%s: hit ratio %.4f", caps[i], h);
        free(a);
    }
}
END_TEST

START_TEST(test_lesson_failover)
{
    char *a = test_cdnsim_json("run", "topologies/teaching/failover.yaml", ZIPF,
                               SHORT, NULL);
    /* 5 s of detection at 5,000 requests/s, and the 110 requests whose
     * fetches the failure cut off. */
    ck_assert_int_eq(num(a, 1, "errors"), 25502);
    ck_assert_int_eq(num(a, 4, "nodes", "edge-near", "outcomes", "ERROR"), 110);
    /* The rest arrived at the dead edge: counted by no node. */
    ck_assert_int_eq(num(a, 1, "errors") -
                         num(a, 4, "nodes", "edge-near", "outcomes", "ERROR"),
                     25392);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.4796, 0.00005);
    ck_assert_int_eq(num(a, 3, "nodes", "edge-far", "requests"), 150179);
    free(a);
}
END_TEST

START_TEST(test_lesson_eviction_policies)
{
    char *a = test_cdnsim_json(
        "replay", "tests/data/cloudphysics.oracleGeneral.bin.zst", "--format",
        "oracle_general", "--policy", "fifo,lru,s3fifo,belady", "--capacity",
        "0.1", "--unit-size", NULL);
    /* The rows come in the order asked. */
    double fifo = num(a, 1, "miss_ratio");
    const char *p = strstr(a, "\"lru\"");
    ck_assert_ptr_nonnull(p);
    double lru = num(p, 1, "miss_ratio");
    p = strstr(a, "\"s3fifo\"");
    ck_assert_ptr_nonnull(p);
    double s3fifo = num(p, 1, "miss_ratio");
    p = strstr(a, "\"belady\"");
    ck_assert_ptr_nonnull(p);
    double belady = num(p, 1, "miss_ratio");
    ck_assert(belady < s3fifo && s3fifo < lru && lru < fifo);
    ck_assert(belady > 0.6289 && belady < 0.6291);
    ck_assert_double_eq_tol(fifo, 0.8054, 0.00005);
    ck_assert_double_eq_tol(lru, 0.8049, 0.00005);
    ck_assert_double_eq_tol(s3fifo, 0.7525, 0.00005);
    /* S3-FIFO closes 30% of the gap between LRU and the optimum. */
    double closed = (lru - s3fifo) / (lru - belady);
    ck_assert_msg(closed > 0.295 && closed < 0.305, "closes %.3f", closed);
    free(a);
}
END_TEST

START_TEST(test_lesson_latency_by_distance)
{
    char *a = test_cdnsim_json("run", EDGE_ONLY, ZIPF, SHORT, NULL);
    double eu = num(a, 4, "regions", "eu", "latency_ms", "p50");
    double us = num(a, 4, "regions", "us", "latency_ms", "p50");
    double asia_max = num(a, 4, "regions", "asia", "latency_ms", "max");
    double eu_max = num(a, 4, "regions", "eu", "latency_ms", "max");
    ck_assert(us > eu);
    ck_assert_double_eq_tol(us, 159.9, 0.05);
    ck_assert_double_eq_tol(eu, 99.9, 0.05);
    ck_assert(asia_max == 208.0 && asia_max > eu_max);
    free(a);
}
END_TEST

/* The README's examples of CDN behaviour, with the figures it quotes. */
START_TEST(test_examples_of_cdn_behaviour)
{
    char *a =
        test_cdnsim_json("run", "topologies/origin-outage.yaml", ZIPF, NULL);
    char *b = test_cdnsim_json("run", "topologies/origin-outage.yaml", ZIPF,
                               "--set", "catalog.stale_if_error=10m", NULL);
    /* Failed requests are not offloaded: cache + origin + failed. */
    ck_assert_int_eq(num(a, 1, "errors"), 247050);
    ck_assert_int_eq(num(a, 1, "served_from_cache"), 440286);
    ck_assert_int_eq(num(a, 1, "served_from_origin"), 212664);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.4892, 0.00005);
    ck_assert_int_eq(num(b, 1, "errors"), 113957);
    ck_assert_int_eq(num(b, 1, "served_from_cache"), 573405);
    ck_assert_int_eq(num(b, 1, "served_from_cache") -
                         num(a, 1, "served_from_cache"),
                     133119);
    ck_assert_double_eq_tol(num(b, 1, "offload"), 0.6371, 0.00005);
    free(a);
    free(b);
    a = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/purge-storm.yaml", NULL);
    b = test_cdnsim_json(
        "run", "topologies/global.yaml", "workloads/purge-storm.yaml", "--set",
        "events.0.mode=soft", "--set", "events.1.mode=soft", "--set",
        "events.2.mode=soft", "--set", "events.3.mode=soft", "--set",
        "events.4.mode=soft", "--set", "events.5.mode=soft", NULL);
    ck_assert(num(b, 3, "regions", "origin", "bytes") <
              0.75 * num(a, 3, "regions", "origin", "bytes"));
    ck_assert_int_eq(num(b, 3, "tiers", "edge", "revalidated"), 17107);
    ck_assert_double_eq_tol(num(a, 3, "regions", "origin", "bytes") / 1e9, 13.3,
                            0.05);
    ck_assert_double_eq_tol(num(b, 3, "regions", "origin", "bytes") / 1e9, 9.4,
                            0.05);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.5582, 0.00005);
    ck_assert_double_eq_tol(num(a, 1, "byte_offload"), 0.5498, 0.00005);
    ck_assert_double_eq_tol(num(b, 1, "offload"), 0.5585, 0.00005);
    ck_assert_double_eq_tol(num(b, 1, "byte_offload"), 0.5502, 0.00005);
    free(a);
    free(b);
    /* No purges at all: every event after the run's end. */
    a = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/purge-storm.yaml", "--set",
                         "events.0.at=2h", "--set", "events.1.at=2h", "--set",
                         "events.2.at=2h", "--set", "events.3.at=2h", "--set",
                         "events.4.at=2h", "--set", "events.5.at=2h", NULL);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.6894, 0.00005);
    ck_assert_double_eq_tol(num(a, 1, "byte_offload"), 0.6831, 0.00005);
    free(a);
    a = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/offpeak-push.yaml", NULL);
    b = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/offpeak-push.yaml", "--set",
                         "events.0.push=1", NULL);
    ck_assert(num(a, 3, "tiers", "edge", "hit_ratio") >
              num(b, 3, "tiers", "edge", "hit_ratio") + 0.02);
    ck_assert_double_eq_tol(num(a, 3, "tiers", "edge", "hit_ratio"), 0.426,
                            0.0005);
    ck_assert_double_eq_tol(num(b, 3, "tiers", "edge", "hit_ratio"), 0.400,
                            0.0005);
    ck_assert_double_eq_tol(num(a, 2, "latency_ms", "mean"), 66.7, 0.05);
    ck_assert_double_eq_tol(num(b, 2, "latency_ms", "mean"), 67.8, 0.05);
    /* The fill: 472.0 MB, all of it stored; edge-sin's 128 MiB limits
     * its share to 134.2 MB. */
    ck_assert_int_eq(num(a, 3, "regions", "origin", "pushed_bytes"), 471996403);
    ck_assert_int_eq(num(a, 3, "tiers", "edge", "pushed_bytes"), 471996403);
    ck_assert_int_eq(num(a, 3, "nodes", "edge-fra", "pushed_bytes"), 168889606);
    ck_assert_int_eq(num(a, 3, "nodes", "edge-sin", "pushed_bytes"), 134217191);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_lesson_purge_on_change)
{
    static const char *const wl = "workloads/news-site.yaml";
    char *a = test_cdnsim_json("run", "topologies/global.yaml", wl, NULL);
    char *b = test_cdnsim_json("run", "topologies/global.yaml", wl, "--set",
                               "catalog.classes.articles.ttl=10s", NULL);
    char *c =
        test_cdnsim_json("run", "topologies/global.yaml", wl, "--set",
                         "catalog.classes.articles.purge_on_change=true", NULL);
    ck_assert_int_eq(num(a, 1, "outdated"), 217533);
    ck_assert_int_eq(num(b, 1, "outdated"), 10415);
    ck_assert_int_eq(num(c, 1, "outdated"), 377);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.882547, 1e-6);
    ck_assert_double_eq_tol(num(b, 1, "offload"), 0.813242, 1e-6);
    ck_assert_double_eq_tol(num(b, 1, "byte_offload"), 0.799193, 1e-6);
    ck_assert_double_eq_tol(num(c, 1, "offload"), 0.873284, 1e-6);
    ck_assert_double_eq_tol(num(a, 3, "regions", "origin", "bytes") / 1e9, 7.1,
                            0.05);
    ck_assert_double_eq_tol(num(b, 3, "regions", "origin", "bytes") / 1e9, 7.8,
                            0.05);
    ck_assert_double_eq_tol(num(a, 1, "outdated") / num(a, 1, "requests"),
                            0.242, 0.0005);
    ck_assert_int_eq(num(b, 3, "tiers", "edge", "revalidated"), 10545);
    free(a);
    free(b);
    free(c);
}
END_TEST

/* The first column of the first row of sql on the database at path. */
static double
db_num(const char *path, const char *sql)
{
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* The README's realistic examples: a day, a flash crowd, a real trace. */
START_TEST(test_examples_realistic_workloads)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/day.db", dir);
    char *a = test_cdnsim_json("run", "topologies/global.yaml",
                               "workloads/daily-mix.yaml", "--db", db, NULL);
    /* Per hour at the edges (hour 0 is 01:00, after the warm-up). */
#define EDGE_HOURS                                                             \
    " FROM (SELECT CAST(t_start_s / 3600 AS INT) h, SUM(requests) n,"          \
    " round(1.0 * SUM(hits) / SUM(requests), 3) r FROM timeseries"             \
    " WHERE run_id = 1 AND node LIKE 'edge%' GROUP BY h)"
    ck_assert_int_eq(db_num(db, "SELECT n" EDGE_HOURS " WHERE h = 7"), 161560);
    ck_assert_int_eq(db_num(db, "SELECT n" EDGE_HOURS " WHERE h = 18"), 627177);
    ck_assert(db_num(db, "SELECT min(r)" EDGE_HOURS) == 0.319);
    ck_assert(db_num(db, "SELECT max(r)" EDGE_HOURS) == 0.364);
#undef EDGE_HOURS
    free(db);
    test_assert_readme_says("8,280,000 measured requests, offload 52.11%, "
                            "byte offload 56.98%, origin peak 133 requests/s");
    test_assert_readme_says("the edges see 161,560 requests from 08:00 and "
                            "627,177 from 19:00; their hit ratio moves "
                            "between 0.319 and 0.364");
    ck_assert_int_eq(num(a, 1, "requests"), 8280000);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.5211, 0.00005);
    ck_assert_double_eq_tol(num(a, 1, "byte_offload"), 0.5698, 0.00005);
    ck_assert_int_eq(num(a, 3, "regions", "origin", "peak_rps"), 133);
    free(a);
    db = xasprintf("%s/flash.db", dir);
    a = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/flash-crowd.yaml", "--db", db, NULL);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.8041, 0.00005);
    ck_assert_int_eq(num(a, 3, "regions", "origin", "peak_rps"), 803);
    ck_assert_int_eq(num(a, 3, "tiers", "edge", "coalesced"), 3429);
    free(a);
    /* The edges' 10 s windows in the crowd (measured time 200-320 s: the
     * crowd starts at 5 min, 100 s of warm-up before) and outside it. */
#define EDGE_WINDOWS(in)                                                       \
    " FROM timeseries WHERE run_id = 1 AND node LIKE 'edge%' AND "             \
    "(t_start_s >= 200 AND t_start_s < 320) = " in
    /* Rounded as the README says them: to the thousand, the hundred. */
    ck_assert_double_eq_tol(
        db_num(db, "SELECT 1.0 * SUM(requests) /"
                   " COUNT(DISTINCT t_start_s)" EDGE_WINDOWS("1")),
        100000, 500);
    ck_assert_double_eq_tol(
        db_num(db, "SELECT 1.0 * SUM(requests) /"
                   " COUNT(DISTINCT t_start_s)" EDGE_WINDOWS("0")),
        20000, 500);
    ck_assert(
        db_num(db,
               "SELECT round(1.0 * SUM(hits) / SUM(requests), 3)" EDGE_WINDOWS(
                   "1")) == 0.877);
    ck_assert(
        db_num(db,
               "SELECT round(1.0 * SUM(hits) / SUM(requests), 3)" EDGE_WINDOWS(
                   "0")) == 0.398);
#undef EDGE_WINDOWS
    ck_assert_double_eq_tol(db_num(db, "SELECT AVG(requests) FROM timeseries"
                                       " WHERE run_id = 1 AND node = 'origin'"),
                            6900, 50);
    test_assert_readme_says("the edges' 10 s windows count 100,000 requests "
                            "during the crowd and 20,000 outside it, with a "
                            "hit ratio of 0.877 against 0.398; the origin "
                            "sees about 6,900 requests per 10 s");
    test_assert_readme_says("3,429 requests coalesce at the edges");
    test_assert_readme_says("Offload 80.41%, origin peak 803 requests/s.");
    free(db);
    a = test_cdnsim_json("run", "topologies/global.yaml",
                         "workloads/trace-web.yaml", NULL);
    ck_assert_int_eq(num(a, 1, "requests"), 56987);
    ck_assert_double_eq_tol(num(a, 1, "offload"), 0.3588, 0.00005);
    ck_assert_double_eq_tol(num(a, 1, "byte_offload"), 0.3321, 0.00005);
    ck_assert_double_eq_tol(num(a, 3, "tiers", "edge", "hit_ratio"), 0.3320,
                            0.00005);
    free(a);
    test_assert_readme_says("56,987 measured requests (10,000 of warm-up),\n"
                            "  offload 35.88%, byte offload 33.21%, edge hit "
                            "ratio 33.20%; 81% of its");
    /* "81% of its objects are requested once": trace stats' share. */
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(test_cdnsim(&out, &err, "trace", "stats",
                                 "workloads/traces/adaptsize-web.tr.zst",
                                 "--format", "webcachesim", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "one-hit wonders 81.10% of objects"));
    free(out);
    free(err);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Every reference architecture runs briefly and keeps the books. */
START_TEST(test_reference_architectures_run)
{
    glob_t g;
    ck_assert_int_eq(glob("topologies/reference/*.yaml", 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 6);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *a = test_cdnsim_json("run", g.gl_pathv[i], ZIPF, "--requests",
                                   "30000", "--set", "warmup=5000", NULL);
        ck_assert_msg(num(a, 1, "requests") == 25000, "%s", g.gl_pathv[i]);
        /* Per tier: requests = hits + misses + expired + coalesced. */
        const char *p = strstr(a, "\"tiers\"");
        ck_assert_ptr_nonnull(p);
        double req = num(p, 1, "requests"), hits = num(p, 1, "hits"),
               misses = num(p, 1, "misses"), coalesced = num(p, 1, "coalesced"),
               expired = num(p, 1, "expired");
        ck_assert_msg(req == hits + misses + coalesced + expired, "%s",
                      g.gl_pathv[i]);
        ck_assert_msg(num(a, 1, "offload") > 0.3, "%s", g.gl_pathv[i]);
        free(a);
    }
    globfree(&g);
}
END_TEST

/* Lesson 12: connection setup at the edge and pools to the origin. */
static void
assert_eu_p50_p99(const char *json, double p50, double p99)
{
    const char *eu = strstr(json, "\"eu\": {\n      \"requests\"");
    ck_assert_ptr_nonnull(eu);
    ck_assert_double_eq_tol(num(eu, 2, "latency_ms", "p50"), p50, 0.0005);
    ck_assert_double_eq_tol(num(eu, 2, "latency_ms", "p99"), p99, 0.0005);
}

START_TEST(test_lesson_handshakes)
{
    static const char *const h = "topologies/teaching/handshakes.yaml";
    static const struct {
        const char *set[3];
        double p50, p99;
        const char *row;
    } runs[] = {
        {{"latency_ms.eu.edge.setup=tls12"},
         305.136,
         357.564,
         "| TCP + TLS 1.2 to the edge | 305.136 | 357.564 |"},
        {{NULL},
         286.261,
         332.399,
         "| TCP + TLS 1.3 (the file) | 286.261 | "
         "332.399 |"},
        {{"latency_ms.eu.edge.setup=quic"},
         267.911,
         309.330,
         "| QUIC | 267.911 | 309.330 |"},
        {{"latency_ms.eu.edge.setup=quic", "latency_ms.eu.edge.resume=1"},
         250.085,
         282.067,
         "| QUIC, 0-RTT resumption for all | 250.085 | 282.067 |"},
        {{"latency_ms.eu.edge.reuse=0.8"},
         251.134,
         321.913,
         "| TLS 1.3, 80% of requests on an open connection | 251.134 | "
         "321.913 |"},
        {{"latency_ms.edge.origin.pool=256",
          "latency_ms.edge.origin.pool_full=open"},
         286.261,
         332.399,
         "| TLS 1.3, pool of 256 that opens more when full (`pool_full: "
         "open`) | 286.261 | 332.399 |"},
        {{"latency_ms.edge.origin.pool=256"},
         129.237,
         170.394,
         "| TLS 1.3, pool of 256 to the origin | 129.237 | 170.394 |"},
        {{"latency_ms.edge.origin.pool=128"},
         129.237,
         170.394,
         "| TLS 1.3, pool of 128 | 129.237 | 170.394 |"},
        {{"latency_ms.edge.origin.pool=64"},
         5217.714,
         14864.613,
         "| TLS 1.3, pool of 64 | 5217.714 | 14864.613 |"},
        {{"latency_ms.edge.origin.pool=64", "nodes.edge.timeout=1s"},
         61.735,
         93.061,
         "| TLS 1.3, pool of 64, edge `timeout: 1s` | 61.735 | 93.061 |"},
    };
    char *file = NULL, *json[10] = {NULL};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        const char *a = runs[i].set[0], *b = runs[i].set[1];
        json[i] =
            b ? test_cdnsim_json("run", h, ZIPF, SHORT, "--set", a, "--set", b,
                                 NULL)
            : a ? test_cdnsim_json("run", h, ZIPF, SHORT, "--set", a, NULL)
                : test_cdnsim_json("run", h, ZIPF, SHORT, NULL);
        assert_eu_p50_p99(json[i], runs[i].p50, runs[i].p99);
        test_assert_doc_says("docs/tutorial.md", runs[i].row);
    }
    file = json[1];
    /* The pool that opens when full never reuses a connection: the same
     * run as the file's exactly. */
    const char *l1 = strstr(file, "\"latency_ms\": {");
    const char *l2 = strstr(json[5], "\"latency_ms\": {");
    ck_assert(l1 && l2);
    ck_assert_int_eq(strncmp(l1, l2, 200), 0);
    /* Waits: none with 256, a few while 128 warm up, every fetch with 64;
     * with the timeout, the 504s. */
    ck_assert_uint_eq(num(json[6], 3, "nodes", "edge", "pool_waits"), 0);
    ck_assert_uint_eq(num(json[7], 3, "nodes", "edge", "pool_waits"), 13042);
    ck_assert_double_eq_tol(
        num(json[7], 3, "nodes", "edge", "pool_wait_mean_ns") / 1e6, 1.6, 0.05);
    ck_assert_uint_eq(num(json[8], 3, "nodes", "edge", "pool_waits"),
                      num(json[8], 3, "nodes", "edge", "misses") +
                          num(json[8], 3, "nodes", "edge", "expired"));
    ck_assert_uint_eq(num(json[9], 3, "nodes", "edge", "timed_out_upstream"),
                      140530);
    ck_assert_double_eq_tol(num(json[9], 1, "errors") / 250000, 0.562, 0.0005);
    test_assert_doc_says("docs/tutorial.md",
                         "(13,042 fetches waited, 1.6 ms on average)");
    test_assert_doc_says("docs/tutorial.md",
                         "(`timed_out_upstream` 140,530 at the edge, 56.2% "
                         "of the requests failed)");
    /* More than half miss; about 2,800 fetches a second to the origin. */
    ck_assert_double_eq_tol(num(file, 3, "tiers", "edge", "hit_ratio"), 0.4321,
                            0.00005);
    double rps = num(file, 3, "regions", "origin", "mean_rps");
    ck_assert_msg(rps > 2700 && rps < 2850, "%.1f fetches/s", rps);
    test_assert_doc_says("docs/tutorial.md",
                         "the median falls from 286.3 to 129.2 ms and p99 "
                         "from 332.4 to 170.4 ms.");
    test_assert_doc_says("docs/tutorial.md", "answer has left: the edge sends "
                                             "about 2,800 fetches a second");
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        free(json[i]);
}
END_TEST

/* The tutorial's title and README's pointer to it say how many lessons
 * there are: as many as the tutorial has "## N." headings, numbered from
 * 1 upwards (a number may be skipped: lessons are numbered when they are
 * planned, and one may land before another with a lower number). */
START_TEST(test_tutorial_counts_its_lessons)
{
    static const char *const words[] = {
        "zero",     "one",      "two",      "three",   "four",    "five",
        "six",      "seven",    "eight",    "nine",    "ten",     "eleven",
        "twelve",   "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty"};
    char *text = test_read_file("docs/tutorial.md");
    ck_assert_ptr_nonnull(text);
    int n = 0, last = 0;
    for (const char *p = text; (p = strstr(p, "\n## ")) != NULL; p++) {
        int k = 0;
        if (sscanf(p + 4, "%d.", &k) == 1) {
            ck_assert_int_gt(k, last);
            ck_assert_int_eq(last == 0, k == 1);
            last = k;
            n++;
        }
    }
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (int)(sizeof words / sizeof words[0]));
    char title[96];
    snprintf(title, sizeof title,
             "# Learning CDNs with cdnsim: %s short lessons\n", words[n]);
    ck_assert_msg(strncmp(text, title, strlen(title)) == 0,
                  "docs/tutorial.md should begin with \"%s\"", title);
    char pointer[64];
    snprintf(pointer, sizeof pointer, "has %s short lessons", words[n]);
    test_assert_readme_says(pointer);
    free(text);
}
END_TEST

Suite *
lessons_suite(void)
{
    Suite *s = suite_create("lessons");
    TCase *tc = tcase_create("tutorial");
    tcase_set_timeout(tc, test_sanitized() ? 900 : 120);
    tcase_add_test(tc, test_lesson_pull_through);
    tcase_add_test(tc, test_lesson_shield_saves_origin_load);
    tcase_add_test(tc, test_lesson_short_ttl_costs_origin_load);
    tcase_add_test(tc, test_lesson_coalescing);
    tcase_add_test(tc, test_lesson_capacity_buys_hits);
    tcase_add_test(tc, test_lesson_failover);
    tcase_add_test(tc, test_lesson_eviction_policies);
    tcase_add_test(tc, test_lesson_latency_by_distance);
    tcase_add_test(tc, test_reference_architectures_run);
    tcase_add_test(tc, test_examples_of_cdn_behaviour);
    tcase_add_test(tc, test_lesson_purge_on_change);
    tcase_add_test(tc, test_lesson_handshakes);
    tcase_add_test(tc, test_tutorial_counts_its_lessons);
    suite_add_tcase(s, tc);
    tc = tcase_create("realistic");
    tcase_set_timeout(tc, test_sanitized() ? 900 : 120);
    tcase_add_test(tc, test_examples_realistic_workloads);
    suite_add_tcase(s, tc);
    return s;
}
