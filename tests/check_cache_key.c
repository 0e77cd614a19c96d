/* check_cache_key.c: cache keys with variants (vary:) and query strings
 * (tracking_params:, cache_key: {ignore_query: ..}): exact counts on one
 * object, the number of distinct keys against its expectation, per-node
 * normalisation, purges of every variant, input errors, files without
 * the keys unchanged, class figures and attacks with keys (regressions),
 * and lesson 13's figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

#define ONE_EDGE "tests/scenarios/one-edge.yaml"

/* One object of 1 byte asked n times at 100/s, with the catalog lines
 * extra (vary:, tracking_params:) and events. */
static char *
one_object_workload(const char *dir, unsigned n, const char *extra,
                    const char *events)
{
    char *text = xasprintf("name: keys\nseed: 5\nrequests: %u\n"
                           "arrival: {rate: 100}\ncatalog:\n  objects: 1\n"
                           "  zipf_alpha: 0\n  size: {dist: fixed, bytes: 1}\n"
                           "%s%s",
                           n, extra, events);
    char *path = test_write_file(dir, "keys.yaml", text);
    free(text);
    return path;
}

/* The configuration of the last run, which its met_run borrows names
 * from: freed by done(). */
static struct cfg_topology *last_t;
static struct cfg_workload *last_w;

/* Runs topo x wl with sets into m; done(m) frees it. */
static void
run(const char *topo, const char *wl, const char *const *sets, size_t n,
    struct met_run *m)
{
    test_run_model(topo, wl, sets, n, &last_t, &last_w, m);
}

static void
done(struct met_run *m)
{
    met_run_fini(m);
    cfg_workload_free(last_w);
    cfg_topology_free(last_t);
    last_w = NULL;
    last_t = NULL;
}

/* Three encodings of one object: three cache entries and three origin
 * fetches; the second and third variants' first requests each find the
 * object held under another key. */
START_TEST(test_cache_key_variants_multiply_entries)
{
    char *dir = test_tmpdir();
    char *wl = one_object_workload(
        dir, 1000, "  vary: {encoding: {br: 0.6, gzip: 0.3, identity: 0.1}}\n",
        "");
    struct met_run m;
    const char *sets[] = {"nodes.edge.cache.capacity=1MiB"};
    run(ONE_EDGE, wl, sets, 1, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(m.origin_requests, 3);
    ck_assert_uint_eq(edge->c.misses, 3);
    ck_assert_uint_eq(edge->c.fragment_misses, 2);
    ck_assert_uint_eq(edge->c.cached_keys, 3);
    ck_assert_uint_eq(edge->c.cached_objects, 1);
    ck_assert_uint_eq(edge->c.hits, 997);
    done(&m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/*
 * A tracking parameter on a quarter of 2,000 requests, with 16,383
 * values: each tracked request draws a value; every distinct value is a
 * key and an origin fetch. T ~ Binomial(2000, 0.25) tracked requests give
 * V (1 - (1 - 1/V)^T) distinct values on average (V = 16,383): 492.6 at
 * the mean T = 500, sd about 19 (T's). Normalised (ignore_query: true, or
 * a list naming the class's parameter), the object is one key; a list of
 * other parameters normalises nothing.
 */
START_TEST(test_cache_key_tracking_fragments_and_normalises)
{
    char *dir = test_tmpdir();
    char *wl = one_object_workload(dir, 2000, "  tracking_params: 0.25\n", "");
    const char *big = "nodes.edge.cache.capacity=1MiB";
    struct met_run m;
    const char *plain[] = {big};
    run(ONE_EDGE, wl, plain, 1, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    double v = 16383, expect = 1 + v * (1 - pow(1 - 1 / v, 500));
    ck_assert_msg(fabs((double)m.origin_requests - expect) < 80,
                  "origin requests %llu, expected about %.1f",
                  (unsigned long long)m.origin_requests, expect);
    ck_assert_uint_eq(edge->c.cached_keys, m.origin_requests);
    ck_assert_uint_eq(edge->c.fragment_misses, m.origin_requests - 1);
    uint64_t fragmented = m.origin_requests;
    done(&m);

    const char *ignore_all[] = {big, "cache_key.ignore_query=true"};
    run(ONE_EDGE, wl, ignore_all, 2, &m);
    edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(m.origin_requests, 1);
    ck_assert_uint_eq(edge->c.fragment_misses, 0);
    ck_assert_uint_eq(edge->c.cached_keys, 1);
    done(&m);

    const char *ignore_it[] = {big, "cache_key.ignore_query.0=utm_source"};
    const char *ignore_other[] = {big, "cache_key.ignore_query.0=gclid"};
    char *topo_text = test_read_file(ONE_EDGE);
    char *with_list =
        xasprintf("%scache_key: {ignore_query: [x]}\n", topo_text);
    char *topo = test_write_file(dir, "topo.yaml", with_list);
    run(topo, wl, ignore_it, 2, &m);
    ck_assert_uint_eq(m.origin_requests, 1);
    done(&m);
    run(topo, wl, ignore_other, 2, &m);
    ck_assert_uint_eq(m.origin_requests, fragmented);
    done(&m);
    free(topo);
    free(with_list);
    free(topo_text);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A shield that normalises the query serves every tracked request from
 * one key, though the edges above it still key on the query string; the
 * origin fetches the object once. */
START_TEST(test_cache_key_normalised_at_one_node)
{
    char *dir = test_tmpdir();
    char *wl = one_object_workload(
        dir, 400, "  tracking_params: {share: 1, values: 100}\n", "");
    struct met_run m;
    const char *sets[] = {"nodes.shield.cache_key.ignore_query=true"};
    run("tests/scenarios/staged-purge.yaml", wl, sets, 1, &m);
    const struct met_node *shield = test_node_named(&m, "shield");
    const struct met_node *a = test_node_named(&m, "edge-a");
    ck_assert_uint_eq(m.origin_requests, 1);
    ck_assert_uint_eq(shield->c.misses, 1);
    ck_assert_uint_eq(shield->c.cached_keys, 1);
    ck_assert_uint_gt(a->c.cached_keys, 50); /* of 100 values */
    ck_assert_uint_eq(a->c.cached_objects, 1);
    /* Every miss but those made before the first copy came back (a
     * round trip of 60 ms or more, at 50 requests/s) finds the object
     * held under another value. */
    ck_assert_uint_lt(a->c.fragment_misses, a->c.misses);
    ck_assert_uint_ge(a->c.fragment_misses + 10, a->c.misses);
    done(&m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A purge of an object removes every variant of it. */
START_TEST(test_cache_key_purge_removes_every_variant)
{
    char *dir = test_tmpdir();
    char *wl = one_object_workload(
        dir, 1000, "  vary: {encoding: {br: 0.6, gzip: 0.3, identity: 0.1}}\n",
        "events:\n  - {at: 5s, purge: [0]}\n");
    struct met_run m;
    const char *sets[] = {"nodes.edge.cache.capacity=1MiB"};
    run(ONE_EDGE, wl, sets, 1, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.purged, 3);
    ck_assert_uint_eq(m.origin_requests, 6);
    done(&m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* tracking_params: 0 and no vary: is a workload without the keys: the
 * same bytes of JSON as workloads/zipf.yaml. */
START_TEST(test_cache_key_unused_changes_nothing)
{
    char *dir = test_tmpdir();
    char *zipf = test_read_file("workloads/zipf.yaml");
    char *text = xasprintf("%s  tracking_params: 0\n", zipf);
    char *wl = test_write_file(dir, "zero.yaml", text);
    char *a = NULL, *b = NULL;
    ck_assert_int_eq(test_cdnsim(&a, NULL, "run",
                                 "topologies/teaching/shielded.yaml", wl,
                                 "--requests", "40000", "--set", "warmup=4000",
                                 "--json", "-", NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(&b, NULL, "run",
                                 "topologies/teaching/shielded.yaml",
                                 "workloads/zipf.yaml", "--requests", "40000",
                                 "--set", "warmup=4000", "--json", "-", NULL),
                     0);
    /* The paths differ; from "complete" to the wall-clock "engine" the
     * bytes must not. */
    const char *pa = strstr(a, "\"complete\""), *pb = strstr(b, "\"complete\"");
    const char *ea = strstr(a, "\"engine\""), *eb = strstr(b, "\"engine\"");
    ck_assert(pa && pb && ea && eb);
    ck_assert_int_eq((int)(ea - pa), (int)(eb - pb));
    ck_assert(memcmp(pa, pb, (size_t)(ea - pa)) == 0);
    ck_assert_ptr_nonnull(strstr(a, "\"fragment_misses\": 0"));
    free(a);
    free(b);
    free(wl);
    free(text);
    free(zipf);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Bad vary:, tracking_params: and cache_key: exit 3 at their place. */
START_TEST(test_cache_key_input_errors)
{
    static const struct {
        const char *extra;
        const char *want;
    } cases[] = {
        {"  vary: {encoding: {br: -1}}\n",
         ":9:25: catalog.vary.encoding.br: expected a number > 0"},
        {"  vary: {encoding: {}}\n",
         ":9:20: catalog.vary.encoding: a dimension needs at least one"},
        {"  vary: [br]\n", ":9:9: catalog.vary: expected a mapping"},
        {"  vary: {a: {x: 1, y: 1, z: 1, w: 1}, b: {x: 1, y: 1, z: 1, w: 1},"
         " c: {x: 1, y: 1, z: 1, w: 1}, d: {x: 1, y: 1, z: 1, w: 1, v: 1}}\n",
         "catalog.vary: the dimensions make 320 combinations"},
        {"  tracking_params: 1.5\n",
         ":9:20: catalog.tracking_params: expected a number >= 0 and <= 1"},
        {"  tracking_params: {share: 0.5, values: 20000}\n",
         "catalog.tracking_params.values: expected a whole number from 1 to "
         "16383"},
        {"  tracking_params: {share: 0.5, param: a b}\n",
         "catalog.tracking_params.param"},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *wl = one_object_workload(dir, 10, cases[k].extra, "");
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "run", ONE_EDGE, wl, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].extra, rc);
        ck_assert_msg(err != NULL && strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].extra, cases[k].want,
                      err ? err : "(null)");
        free(err);
        free(wl);
    }
    char *wl = one_object_workload(dir, 10, "  tracking_params: 0.5\n", "");
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", ONE_EDGE, wl, "--set",
                                 "nodes.origin.cache_key.ignore_query=true",
                                 NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "an origin has no cache_key"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", ONE_EDGE, wl, "--set",
                                 "cache_key.ignore_query=maybe", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "cache_key.ignore_query: expected"));
    free(err);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Regression: with vary: on the second class, every request was counted
 * in the first class (its cache key, not its object, was looked up).
 * The variant draws have their own stream, so each class has exactly the
 * requests it has without vary:. */
START_TEST(test_regress_vary_class_attribution)
{
    static const char *const base =
        "name: two\nseed: 3\nrequests: 4000\narrival: {rate: 1000}\n"
        "catalog:\n  classes:\n"
        "    - {name: a, share: 1, objects: 50, size: {dist: fixed, bytes: "
        "10}}\n"
        "    - {name: b, share: 1, objects: 50, size: {dist: fixed, bytes: "
        "10}%s}\n";
    char *dir = test_tmpdir();
    char *plain_text = xasprintf(base, "");
    char *vary_text = xasprintf(base, ", vary: {device: {m: 1, d: 1}}");
    char *plain = test_write_file(dir, "plain.yaml", plain_text);
    char *vary = test_write_file(dir, "vary.yaml", vary_text);
    struct met_run a, b;
    run(ONE_EDGE, plain, NULL, 0, &a);
    struct cfg_topology *ta = last_t;
    struct cfg_workload *wa = last_w;
    run(ONE_EDGE, vary, NULL, 0, &b);
    ck_assert_uint_eq(b.n_classes, 2);
    ck_assert_uint_gt(a.classes[1].requests, 1500);
    for (size_t k = 0; k < 2; k++) {
        ck_assert_uint_eq(b.classes[k].requests, a.classes[k].requests);
        ck_assert_uint_eq(b.classes[k].bytes, a.classes[k].bytes);
    }
    done(&b);
    met_run_fini(&a);
    cfg_workload_free(wa);
    cfg_topology_free(ta);
    free(plain);
    free(vary);
    free(plain_text);
    free(vary_text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Regression: an attack with cache keys (here tracking_params:) aborted
 * on an assertion (an attack's ids do not fit a key); now an input
 * error at the attack. */
START_TEST(test_regress_attack_with_cache_keys)
{
    char *err = NULL;
    int rc = test_cdnsim(NULL, &err, "run", "topologies/rate-limit.yaml",
                         "workloads/attack.yaml", "--set",
                         "catalog.tracking_params=0.3", NULL);
    ck_assert_int_eq(rc, 3);
    ck_assert_ptr_nonnull(strstr(err, "workloads/attack.yaml:13:52: "
                                      "arrival.attacks[0]: arrival.attacks "
                                      "cannot be combined with vary:"));
    free(err);
}
END_TEST

/* Lesson 13 (docs/tutorial.md): its figures. */
START_TEST(test_lesson_query_strings)
{
    static const char *const topo = "topologies/teaching/shielded.yaml";
    static const char *const wl = "workloads/query-strings.yaml";
    struct met_run a, b;
    struct cfg_topology *ta, *tb;
    struct cfg_workload *wa, *wb;
    test_run_model(topo, wl, NULL, 0, &ta, &wa, &a);
    const char *sets[] = {"cache_key.ignore_query=true"};
    test_run_model(topo, wl, sets, 1, &tb, &wb, &b);
    uint64_t frag_a = 0, frag_b = 0;
    for (size_t i = 0; i < a.n_nodes; i++) {
        frag_a += a.nodes[i].c.fragment_misses;
        frag_b += b.nodes[i].c.fragment_misses;
    }
    ck_assert_uint_eq(a.origin_requests, 156330);
    ck_assert_uint_eq(b.origin_requests, 92572);
    ck_assert_uint_eq(frag_a, 140725);
    ck_assert_uint_eq(frag_b, 59132);
    ck_assert_double_eq_tol(met_offload(&a), 0.3742, 5e-5);
    ck_assert_double_eq_tol(met_offload(&b), 0.6291, 5e-5);
    const struct met_node *sa = test_node_named(&a, "shield");
    const struct met_node *sb = test_node_named(&b, "shield");
    ck_assert_double_eq_tol(met_ratio(sa->c.cached_keys, sa->c.cached_objects),
                            1.704, 5e-4);
    ck_assert_double_eq_tol(met_ratio(sb->c.cached_keys, sb->c.cached_objects),
                            1.349, 5e-4);
    static const char *const says[] = {
        "offload 37.42%",
        "62.91%",
        "156,330",
        "92,572",
        "fragmentation misses 140725 (39.32% of misses)",
        "59,132",
        "shield 1.704",
        "1.349",
    };
    for (size_t k = 0; k < sizeof says / sizeof says[0]; k++)
        test_assert_doc_says("docs/tutorial.md", says[k]);
    met_run_fini(&a);
    met_run_fini(&b);
    cfg_workload_free(wa);
    cfg_workload_free(wb);
    cfg_topology_free(ta);
    cfg_topology_free(tb);
}
END_TEST

Suite *
cache_key_suite(void)
{
    Suite *s = suite_create("cache_key");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, test_sanitized() ? 300 : 30);
    tcase_add_test(tc, test_cache_key_variants_multiply_entries);
    tcase_add_test(tc, test_cache_key_tracking_fragments_and_normalises);
    tcase_add_test(tc, test_cache_key_normalised_at_one_node);
    tcase_add_test(tc, test_cache_key_purge_removes_every_variant);
    tcase_add_test(tc, test_cache_key_unused_changes_nothing);
    tcase_add_test(tc, test_cache_key_input_errors);
    tcase_add_test(tc, test_regress_vary_class_attribution);
    tcase_add_test(tc, test_regress_attack_with_cache_keys);
    tcase_add_test(tc, test_lesson_query_strings);
    suite_add_tcase(s, tc);
    return s;
}
