/* check_compute.c: edge compute (an edge's compute: block): exact counts
 * of transforms, compressions and function runs on one object, the bytes
 * compression saved against the bytes the edge sent, the CPU time as the
 * sum of its parts and as the latency it adds, input errors at their
 * place, files without the key unchanged, and lesson 18's figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

/* A region, one edge (with the compute lines given), a shield and the
 * origin, all links without latency. */
static char *
line_topology(const char *dir, const char *compute)
{
    char *text = xasprintf(
        "name: line\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
        "  - name: edge\n    tier: edge\n    cache: {capacity: 1MiB}\n"
        "    parent: shield\n%s"
        "  - {name: shield, tier: shield, cache: {capacity: 1MiB}, "
        "parent: origin}\n"
        "  - {name: origin, tier: origin}\n"
        "latency_ms:\n  r: {edge: 0}\n  edge: {shield: 0}\n"
        "  shield: {origin: 0}\n",
        compute);
    char *path = test_write_file(dir, "line.yaml", text);
    free(text);
    return path;
}

/* One object of 1,000 bytes asked n times at 100/s, with the catalog
 * lines extra (vary:). Its class is "catalog". */
static char *
object_workload(const char *dir, unsigned n, const char *extra)
{
    char *text = xasprintf("name: compute\nseed: 7\nrequests: %u\n"
                           "arrival: {rate: 100}\ncatalog:\n  objects: 1\n"
                           "  zipf_alpha: 0\n"
                           "  size: {dist: fixed, bytes: 1000}\n%s",
                           n, extra);
    char *path = test_write_file(dir, "compute.yaml", text);
    free(text);
    return path;
}

static struct cfg_topology *last_t;
static struct cfg_workload *last_w;

static void
run(const char *topo, const char *wl, struct met_run *m)
{
    test_run_model(topo, wl, NULL, 0, &last_t, &last_w, m);
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

#define FOUR_WIDTHS "  vary: {width: {a: 1, b: 1, c: 1, d: 1}}\n"

/*
 * Four variants of one object. Stored at the origin, each variant is its
 * own fetch at the shield and at the origin (4 origin requests, 4 shield
 * entries). Made at the edge, the edge still keys on the 4 variants (4
 * misses, 4 transforms of 10 ms) but asks upstream for the object: one
 * shield entry and one origin fetch. Every client answer weighs half the
 * object; the shield sends the whole object 4 times.
 */
START_TEST(test_compute_transform_fetches_the_object_once)
{
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 1000, FOUR_WIDTHS);
    char *plain = line_topology(dir, "");
    struct met_run m;
    run(plain, wl, &m);
    ck_assert_uint_eq(m.origin_requests, 4);
    ck_assert_uint_eq(test_node_named(&m, "shield")->c.cached_keys, 4);
    done(&m);
    free(plain);

    char *topo = line_topology(
        dir, "    compute: {catalog: {transform: {ratio: 0.5, cpu_ms: 10}}}\n");
    run(topo, wl, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *shield = test_node_named(&m, "shield");
    ck_assert_uint_eq(m.origin_requests, 1);
    ck_assert_uint_eq(shield->c.cached_keys, 1);
    ck_assert_uint_eq(shield->c.requests, 4);
    ck_assert_uint_eq(shield->c.bytes_out, 4 * 1000);
    ck_assert_uint_eq(edge->c.misses, 4);
    ck_assert_uint_eq(edge->c.cached_keys, 4);
    ck_assert_uint_eq(edge->c.transforms, 4);
    ck_assert_uint_eq(edge->c.compressions, 0);
    ck_assert_uint_eq(edge->c.compute_cpu_ns, 4 * 10000000ULL);
    ck_assert_uint_eq(edge->c.bytes_out, 1000 * 500);
    ck_assert_uint_eq(m.bytes, 1000 * 500);
    ck_assert_uint_eq(shield->c.transforms, 0);
    /* Requests that came while a variant was being made waited for it. */
    ck_assert_uint_eq(edge->c.hits + edge->c.misses + edge->c.coalesced, 1000);
    done(&m);
    free(topo);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/*
 * Compression for half the clients: the compressed and the identity
 * copies are two keys at the edge (2 misses, 1 compression of 2 ms), the
 * shield sees the identity object only. Each compressed answer saves
 * 1000 x (1 - 0.25) = 750 bytes, so compress_saved is 750 x the
 * compressed answers, which the bytes the edge sent give independently:
 * sent = 250 x N + 1000 x (2000 - N).
 */
START_TEST(test_compute_compress_saves_what_it_says)
{
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 2000, "");
    char *topo = line_topology(dir, "    compute:\n      catalog:\n"
                                    "        compress: {ratio: 0.25, cpu_ms: "
                                    "2, accept: 0.5}\n");
    struct met_run m;
    run(topo, wl, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *shield = test_node_named(&m, "shield");
    ck_assert_uint_eq(edge->c.misses, 2);
    ck_assert_uint_eq(edge->c.cached_keys, 2);
    ck_assert_uint_eq(edge->c.cached_objects, 1);
    ck_assert_uint_eq(edge->c.compressions, 1);
    ck_assert_uint_eq(edge->c.transforms, 0);
    ck_assert_uint_eq(edge->c.compute_cpu_ns, 2000000);
    ck_assert_uint_eq(shield->c.misses, 1);
    ck_assert_uint_eq(shield->c.requests, 2);
    ck_assert_uint_eq(m.origin_requests, 1);
    uint64_t sent = edge->c.bytes_out;
    ck_assert_uint_eq((2000 * 1000 - sent) % 750, 0);
    uint64_t compressed = (2000 * 1000 - sent) / 750;
    ck_assert_uint_eq(edge->c.compress_saved, 750 * compressed);
    ck_assert_uint_eq(m.bytes, sent);
    /* Binomial(2000, 0.5): sd 22.4. */
    ck_assert_uint_gt(compressed, 1000 - 112);
    ck_assert_uint_lt(compressed, 1000 + 112);
    done(&m);
    free(topo);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/*
 * Both on a class with variants: each of 4 widths is made and then
 * compressed (accept: 1), 200 bytes a copy; compress_saved counts the
 * 300 bytes of the transformed copy each answer does not carry.
 */
START_TEST(test_compute_transform_then_compress)
{
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 500, FOUR_WIDTHS);
    char *topo =
        line_topology(dir, "    compute: {catalog: {transform: {ratio: 0.5, "
                           "cpu_ms: 3}, compress: {ratio: 0.4, cpu_ms: 1}}}\n");
    struct met_run m;
    run(topo, wl, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(m.origin_requests, 1);
    ck_assert_uint_eq(edge->c.transforms, 4);
    ck_assert_uint_eq(edge->c.compressions, 4);
    ck_assert_uint_eq(edge->c.compute_cpu_ns, 4 * (3 + 1) * 1000000ULL);
    ck_assert_uint_eq(edge->c.bytes_out, 500 * 200);
    ck_assert_uint_eq(edge->c.compress_saved, 500 * 300);
    done(&m);
    free(topo);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/*
 * An edge function of 5 ms on a hit and 20 ms on a miss, links without
 * latency: every client answer is exactly its function's time late, so
 * the mean latency times the requests is the CPU time, which is hits x 5
 * ms + misses x 20 ms; one run per answered request.
 */
START_TEST(test_compute_function_adds_its_time)
{
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 1000, FOUR_WIDTHS);
    char *topo = line_topology(
        dir, "    compute: {catalog: {function: {hit_ms: 5, miss_ms: 20}}}\n");
    struct met_run m;
    run(topo, wl, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.function_runs, 1000);
    ck_assert_uint_eq(edge->c.hits, 996);
    ck_assert_uint_eq(edge->c.compute_cpu_ns,
                      996 * 5000000ULL + 4 * 20000000ULL);
    ck_assert_uint_eq(m.origin_requests, 4); /* no transform: 4 variants */
    ck_assert_double_eq_tol(met_hist_mean(&m.latency) * 1000,
                            (double)edge->c.compute_cpu_ns, 1000);
    ck_assert_uint_eq(met_hist_quantile(&m.latency, 0.5) / 1000000, 5);
    done(&m);
    free(topo);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A topology without compute: writes no compute member in the JSON; one
 * with it writes all five for every node and tier. */
START_TEST(test_compute_json_only_when_used)
{
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 200, "");
    char *plain = line_topology(dir, "");
    char *out = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", plain, wl, "--json", "-", NULL), 0);
    ck_assert_ptr_null(strstr(out, "compute_cpu_ns"));
    ck_assert_ptr_null(strstr(out, "function_runs"));
    free(out);
    char *topo =
        line_topology(dir, "    compute: {catalog: {function: {hit_ms: 1}}}\n");
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", topo, wl, "--json", "-", NULL), 0);
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, "\"function_runs\"")) != NULL; p++)
        n++;
    ck_assert_uint_eq(n, 3 + 3); /* 3 nodes, 3 tiers */
    ck_assert_ptr_nonnull(strstr(out, "\"function_runs\": 200"));
    free(out);
    free(topo);
    free(plain);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Bad compute: blocks exit 3 at their place. */
START_TEST(test_compute_input_errors)
{
    static const struct {
        const char *compute;
        const char *want;
    } cases[] = {
        {"    compute: {catalog: {compress: {ratio: 0}}}\n",
         ":9:43: nodes[0].compute.catalog.compress.ratio: expected a number "
         "> 0 and <= 1"},
        {"    compute: {catalog: {transform: {ratio: 1.5}}}\n",
         ":9:44: nodes[0].compute.catalog.transform.ratio: expected a number "
         "> 0 and <= 1"},
        {"    compute: {catalog: {transform: {ratio: 1, cpu_ms: -1}}}\n",
         ":9:55: nodes[0].compute.catalog.transform.cpu_ms: expected a "
         "number >= 0"},
        {"    compute: {catalog: {function: {hit_ms: -2}}}\n",
         ":9:44: nodes[0].compute.catalog.function.hit_ms: expected a number "
         ">= 0"},
        {"    compute: {catalog: {compress: {ratio: 0.5, accept: 2}}}\n",
         "nodes[0].compute.catalog.compress.accept: expected a number >= 0 "
         "and <= 1"},
        {"    compute: {catalog: {compress: {cpu_ms: 1}}}\n",
         ":9:35: nodes[0].compute.catalog.compress.ratio: missing key "
         "\"ratio\""},
        {"    compute: {catalog: {gzip: {ratio: 0.5}}}\n",
         ":9:25: nodes[0].compute.catalog.gzip: unknown key \"gzip\""},
        {"    compute: {catalog: {}}\n",
         ":9:24: nodes[0].compute.catalog: a class's compute needs compress, "
         "transform or function"},
        {"    compute: {photos: {transform: {ratio: 0.5}}}\n",
         ":9:15: nodes[0].compute.photos: workload \"compute\" has no class "
         "\"photos\""},
    };
    char *dir = test_tmpdir();
    char *wl = object_workload(dir, 10, "");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *topo = line_topology(dir, cases[k].compute);
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "run", topo, wl, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].compute, rc);
        ck_assert_msg(err != NULL && strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].compute,
                      cases[k].want, err ? err : "(null)");
        free(err);
        free(topo);
    }
    char *topo = line_topology(dir, "");
    char *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "run", topo, wl, "--set",
                    "nodes.shield.compute.catalog.function.hit_ms=1", NULL),
        3);
    ck_assert_ptr_nonnull(strstr(err, "is for edges only"));
    free(err);
    free(topo);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Lesson 18 (docs/tutorial.md): its figures. The two runs draw the same
 * requests (the topology changes none of the workload's draws), and the
 * variants weigh what the image does (ratio: 1), so the bytes the
 * clients got differ by exactly what compression saved. */
START_TEST(test_lesson_edge_compute)
{
    static const char *const wl = "workloads/images.yaml";
    struct met_run a, b;
    run("topologies/teaching/shielded.yaml", wl, &a);
    struct cfg_topology *ta = last_t;
    struct cfg_workload *wa = last_w;
    run("topologies/teaching/image-edges.yaml", wl, &b);
    uint64_t transforms = 0, compressions = 0, cpu = 0, saved = 0;
    for (size_t i = 0; i < b.n_nodes; i++) {
        transforms += b.nodes[i].c.transforms;
        compressions += b.nodes[i].c.compressions;
        cpu += b.nodes[i].c.compute_cpu_ns;
        saved += b.nodes[i].c.compress_saved;
        ck_assert_uint_eq(b.nodes[i].c.compute_cpu_ns,
                          b.nodes[i].c.transforms * 25000000ULL +
                              b.nodes[i].c.compressions * 1000000ULL);
    }
    ck_assert_uint_eq(a.requests, b.requests);
    ck_assert_uint_eq(a.bytes - b.bytes, saved);
    ck_assert_uint_eq(a.origin_requests, 129889);
    ck_assert_uint_eq(b.origin_requests, 71127);
    ck_assert_uint_eq(transforms, 125811);
    ck_assert_uint_eq(compressions, 59336);
    ck_assert_uint_eq(cpu, 3204611000000ULL);
    ck_assert_uint_eq(saved, 2096901212ULL);
    ck_assert_double_eq_tol(met_offload(&a), 0.4783, 5e-5);
    ck_assert_double_eq_tol(met_offload(&b), 0.7142, 5e-5);
    ck_assert_double_eq_tol((double)a.origin_bytes / (1 << 30), 13.556, 5e-4);
    ck_assert_double_eq_tol((double)b.origin_bytes / (1 << 30), 6.733, 5e-4);
    ck_assert_double_eq_tol(met_hist_mean(&a.latency) / 1e6, 110.443, 5e-4);
    ck_assert_double_eq_tol(met_hist_mean(&b.latency) / 1e6, 105.879, 5e-4);
    static const char *const says[] = {
        "129,889 origin requests",
        "13.556 GiB",
        "offload 47.83%",
        "71,127",
        "6.733 GiB",
        "71.42%",
        "125,811 transforms",
        "59,336",
        "3,204.6 CPU seconds",
        "2,096,901,212 bytes",
        "110.443 ms",
        "105.879 ms",
        "50.4 simulated seconds",
    };
    for (size_t k = 0; k < sizeof says / sizeof says[0]; k++)
        test_assert_doc_says("docs/tutorial.md", says[k]);
    done(&b);
    met_run_fini(&a);
    cfg_workload_free(wa);
    cfg_topology_free(ta);
}
END_TEST

Suite *
compute_suite(void)
{
    Suite *s = suite_create("compute");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, test_sanitized() ? 300 : 30);
    tcase_add_test(tc, test_compute_transform_fetches_the_object_once);
    tcase_add_test(tc, test_compute_compress_saves_what_it_says);
    tcase_add_test(tc, test_compute_transform_then_compress);
    tcase_add_test(tc, test_compute_function_adds_its_time);
    tcase_add_test(tc, test_compute_json_only_when_used);
    tcase_add_test(tc, test_compute_input_errors);
    tcase_add_test(tc, test_lesson_edge_compute);
    suite_add_tcase(s, tc);
    return s;
}
