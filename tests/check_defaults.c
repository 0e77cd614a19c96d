/* check_defaults.c: the shipped topologies' round trips (issue 10, item 5)
 * give continuous latency percentiles, and README's figures about their
 * tail hold. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "util/xalloc.h"

#define GLOBAL "topologies/global.yaml"
#define ZIPF "workloads/zipf.yaml"

/* The number after "key": at or after p. */
static double
num_after(const char *p, const char *key)
{
    char quoted[64];
    snprintf(quoted, sizeof quoted, "\"%s\":", key);
    const char *at = strstr(p, quoted);
    ck_assert_msg(at != NULL, "no key %s", key);
    return strtod(at + strlen(quoted), NULL);
}

/* The latency_ms object after the object "owner" (a region name, or
 * NULL for the run's own, the first in the file) has percentiles that
 * all differ, rising. */
static void
assert_continuous(const char *json, const char *file, const char *owner)
{
    const char *p = json;
    if (owner != NULL) {
        char key[96];
        snprintf(key, sizeof key, "\"%s\": {\n      \"requests\"", owner);
        p = strstr(json, key);
        ck_assert_msg(p != NULL, "%s: no region %s", file, owner);
    }
    p = strstr(p, "\"latency_ms\": {");
    ck_assert_ptr_nonnull(p);
    static const char *const keys[] = {"p50", "p90", "p95", "p99", "p999"};
    double prev = -1;
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        double v = num_after(p, keys[k]);
        ck_assert_msg(v > prev, "%s: %s's %s %.6f is not above %.6f", file,
                      owner ? owner : "the run", keys[k], v, prev);
        prev = v;
    }
}

/* The region names of a topology file: "  - {name: X, weight" lines. */
static int
region_names(const char *path, char names[][32], int max)
{
    char *text = test_read_file(path);
    int n = 0;
    for (const char *p = text; n < max && (p = strstr(p, "{name: ")) != NULL;
         p++) {
        const char *name = p + strlen("{name: ");
        size_t len = strcspn(name, ",}");
        if (strncmp(name + len, ", weight", 8) != 0 || len >= 32)
            continue;
        memcpy(names[n], name, len);
        names[n][len] = '\0';
        n++;
    }
    free(text);
    return n;
}

/* Every region of the default scenario (and of its copy with an origin
 * outage) and of each reference architecture, and each run as a whole: p50 <
 * p90 < p95 < p99 < p99.9 (the issue: eu's p90, p99 and p99.9 were one constant
 * sum). */
START_TEST(test_defaults_percentiles_are_continuous)
{
    glob_t g;
    ck_assert_int_eq(glob("topologies/reference/*.yaml", 0, NULL, &g), 0);
    const char *requests = test_sanitized() ? "30000" : "200000";
    static const char *const others[] = {GLOBAL,
                                         "topologies/origin-outage.yaml"};
    for (size_t i = 0; i < g.gl_pathc + 2; i++) {
        const char *file =
            i < g.gl_pathc ? g.gl_pathv[i] : others[i - g.gl_pathc];
        char *json = test_cdnsim_json("run", file, ZIPF, "--requests", requests,
                                      "--set", "warmup=20000", NULL);
        assert_continuous(json, file, NULL);
        char names[16][32];
        int n = region_names(file, names, 16);
        ck_assert_msg(n >= 3, "%s: %d regions found", file, n);
        for (int r = 0; r < n; r++)
            assert_continuous(json, file, names[r]);
        free(json);
    }
    globfree(&g);
}
END_TEST

/* README: what eu's tail is made of in the demo run. */
START_TEST(test_defaults_readme_tail)
{
    char *a = test_cdnsim_json("run", GLOBAL, ZIPF, NULL);
    char *b = test_cdnsim_json("run", GLOBAL, ZIPF, "--set",
                               "latency_ms.eu.edge-fra.reuse=1", "--set",
                               "bandwidth_mbps.eu.edge-fra=1000000", NULL);
    const char *eu_a = strstr(a, "\"eu\": {\n      \"requests\"");
    const char *eu_b = strstr(b, "\"eu\": {\n      \"requests\"");
    ck_assert(eu_a != NULL && eu_b != NULL);
    ck_assert_double_eq_tol(num_after(eu_a, "p99"), 137.9, 0.05);
    ck_assert_double_eq_tol(num_after(eu_b, "p99"), 108.8, 0.05);
    ck_assert_double_eq_tol(num_after(eu_a, "max"), 330, 0.5);
    ck_assert_double_eq_tol(num_after(eu_b, "max"), 191, 0.5);
    test_assert_readme_says("(`--set latency_ms.eu.edge-fra.reuse=1 --set "
                            "bandwidth_mbps.eu.edge-fra=1000000`), eu's p99 "
                            "falls from 137.9 to 108.8 ms and its longest "
                            "latency from 330 to 191 ms");
    free(a);
    free(b);
}
END_TEST

/* A last mile given both a latency mapping and a bandwidth_mbps (as
 * global.yaml's are) loads, and the body's serialisation is added to the
 * drawn round trip: 10,000 B at 8 Mbit/s is 10 ms on a 10 ms rtt. Until
 * session 6 the bandwidth was refused as a second latency. */
START_TEST(test_defaults_bandwidth_with_latency_mapping)
{
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "bw.yaml",
        "name: bw\n"
        "regions:\n  - {name: r, weight: 1}\n"
        "nodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1MiB}, parent: "
        "origin}\n"
        "  - {name: origin, tier: origin}\n"
        "latency_ms:\n  r: {edge: {rtt: 10, setup: tls13, reuse: 1}}\n"
        "  edge: {origin: 0}\n"
        "bandwidth_mbps:\n  r: {edge: 8}\n");
    char *json = test_cdnsim_json(
        "run", topo, "tests/scenarios/poisson-unique.yaml", "--requests",
        "2000", "--set", "warmup=0", "--set", "catalog.size.bytes=10000", NULL);
    const char *lat = strstr(json, "\"latency_ms\": {");
    ck_assert_ptr_nonnull(lat);
    ck_assert_double_eq_tol(num_after(lat, "mean"), 20.0, 1e-9);
    ck_assert_double_eq_tol(num_after(lat, "max"), 20.0, 1e-9);
    free(json);
    free(topo);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* README's no-CDN baseline on the default scenario: what the median
 * saves, and that the tail saves more (without a CDN the handshakes span
 * the whole route). */
START_TEST(test_defaults_baseline_prose)
{
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", GLOBAL, ZIPF, "--requests",
                                 "200000", "--baseline", "no-cdn", NULL),
                     0);
    const char *base = strstr(out, "no-CDN baseline");
    ck_assert_ptr_nonnull(base);
    const char *eu = strstr(base, "\neu     ");
    const char *asia = strstr(base, "\nasia   ");
    ck_assert(eu != NULL && asia != NULL);
    double f[10], g[10];
    ck_assert_int_eq(sscanf(eu + 4, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf",
                            &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6],
                            &f[7], &f[8], &f[9]),
                     10);
    ck_assert_int_eq(sscanf(asia + 6, "%lf %lf %lf %lf %lf %lf %lf %lf %lf %lf",
                            &g[0], &g[1], &g[2], &g[3], &g[4], &g[5], &g[6],
                            &g[7], &g[8], &g[9]),
                     10);
    ck_assert_double_eq_tol(f[3], 82.0, 0.01); /* p50 saved */
    ck_assert_double_eq_tol(g[3], 86.0, 0.01);
    ck_assert_double_eq_tol(f[9], 194.5, 0.01); /* p99 saved */
    ck_assert_double_eq_tol(g[9], 475.0, 0.01);
    ck_assert(f[6] > f[3] && g[6] > g[3]); /* the tail saves more */
    test_assert_readme_says("The CDN takes 82.0 ms off the median in Europe "
                            "and 86.0 ms in Asia");
    test_assert_readme_says("(194.5 ms at eu's p99, 475.0 ms at asia's)");
    free(out);
}
END_TEST

Suite *
defaults_suite(void)
{
    Suite *s = suite_create("defaults");
    TCase *tc = tcase_create("defaults");
    tcase_set_timeout(tc, test_sanitized() ? 900 : 120);
    tcase_add_test(tc, test_defaults_percentiles_are_continuous);
    tcase_add_test(tc, test_defaults_readme_tail);
    tcase_add_test(tc, test_defaults_bandwidth_with_latency_mapping);
    tcase_add_test(tc, test_defaults_baseline_prose);
    suite_add_tcase(s, tc);
    return s;
}
