/* check_classes.c: figures per content class (metrics/classes.c): exact
 * counts on a two-class workload, the classes adding up to the run, no
 * classes for a catalog that names none, and the figures in the run
 * table, JSON, database, --metric paths and report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "report/report.h"
#include "suites.h"
#include "util/err.h"
#include "util/xalloc.h"

START_TEST(test_classes_exact_two_classes)
{
    /* One object per class, one request a second through one edge (hit
     * 10 ms, miss 40 ms, exactly): the cacheable class misses once and
     * hits after; the no-store class always goes to the origin. */
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: w\nseed: 4\nrequests: 300\narrival: {rate: 1}\n"
        "catalog:\n  size: {dist: fixed, bytes: 1000}\n  classes:\n"
        "    - {name: kept, share: 1, objects: 1, ttl: 1h}\n"
        "    - {name: passed, share: 1, objects: 1, cacheable: false}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("tests/scenarios/slow-origin.yaml", wl, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.n_classes, 2);
    const struct met_region *kept = &m.classes[0], *passed = &m.classes[1];
    ck_assert_str_eq(kept->name, "kept");
    ck_assert_str_eq(passed->name, "passed");
    ck_assert_uint_eq(kept->requests + passed->requests, 300);
    ck_assert_uint_gt(kept->requests, 100);
    ck_assert_uint_gt(passed->requests, 100);
    ck_assert_uint_eq(kept->hits, kept->requests - 1);
    ck_assert_uint_eq(kept->from_origin, 1);
    ck_assert_uint_eq(kept->bytes_hit, 1000 * (kept->requests - 1));
    ck_assert_uint_eq(passed->hits, 0);
    ck_assert_uint_eq(passed->from_origin, passed->requests);
    ck_assert_uint_eq(passed->bytes, 1000 * passed->requests);
    /* Latency: the passed class always 40 ms, the kept one 10 ms but its
     * first request. */
    ck_assert_uint_eq(met_hist_quantile(&passed->latency, 0.5), 40000000);
    ck_assert_uint_eq(passed->latency.min, 40000000);
    ck_assert_uint_eq(met_hist_quantile(&kept->latency, 0.5), 10000000);
    ck_assert_uint_eq(kept->latency.max, 40000000);
    ck_assert_uint_eq(kept->latency.count, kept->requests);
    test_free_run(t, w, &m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_classes_add_up_to_the_run)
{
    /* Every measured client request belongs to one class: the classes'
     * counts add up to the run's (churned and flash-crowd objects take
     * their class's). */
    const char *sets[] = {"workload.requests=80000", "warmup=8000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("topologies/global.yaml", "workloads/daily-mix.yaml", sets,
                   2, &t, &w, &m);
    ck_assert_uint_eq(m.n_classes, 5);
    struct met_region sum = {0};
    uint64_t answered = 0;
    for (size_t k = 0; k < m.n_classes; k++) {
        const struct met_region *g = &m.classes[k];
        sum.requests += g->requests;
        sum.bytes += g->bytes;
        sum.hits += g->hits;
        sum.bytes_hit += g->bytes_hit;
        sum.from_origin += g->from_origin;
        sum.errors += g->errors;
        sum.outdated += g->outdated;
        answered += g->latency.count;
        ck_assert_uint_eq(g->hits + g->from_origin + g->errors, g->requests);
    }
    ck_assert_uint_eq(sum.requests, m.requests);
    ck_assert_uint_eq(sum.bytes, m.bytes);
    ck_assert_uint_eq(sum.hits, m.from_cache);
    ck_assert_uint_eq(sum.bytes_hit, m.bytes_from_cache);
    ck_assert_uint_eq(sum.from_origin, m.from_origin);
    ck_assert_uint_eq(sum.errors, m.errors);
    ck_assert_uint_eq(sum.outdated, m.outdated);
    ck_assert_uint_eq(answered, m.latency.count);
    ck_assert_uint_gt(sum.outdated, 0);
    test_free_run(t, w, &m);
    /* A catalog that names no classes has no figures per class. */
    test_run_model("topologies/global.yaml", "workloads/zipf.yaml", sets, 2, &t,
                   &w, &m);
    ck_assert_ptr_null(m.classes);
    ck_assert_uint_eq(m.n_classes, 0);
    test_free_run(t, w, &m);
}
END_TEST

/* The number after the keys, found one after the other in the JSON. */
static double
json_num(const char *json, const char *const *keys, size_t n)
{
    const char *p = json;
    for (size_t i = 0; i < n; i++) {
        char *quoted = xasprintf("\"%s\":", keys[i]);
        p = strstr(p, quoted);
        ck_assert_msg(p != NULL, "no key %s", keys[i]);
        p += strlen(quoted);
        free(quoted);
    }
    return strtod(p, NULL);
}

/* Metric path's value for run 1 of db, read as the sweep report does. */
static double
metric_value(sqlite3 *db, const char *path)
{
    struct rep_metric m;
    struct sim_err err = {0};
    ck_assert_int_eq(rep_metric_parse(path, &m, &err), 0);
    ck_assert_int_eq(m.scope, REP_SCOPE_CLASS);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db, m.sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, 1);
    sqlite3_bind_text(st, 2, m.name, -1, SQLITE_TRANSIENT);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    rep_metric_fini(&m);
    return v;
}

START_TEST(test_classes_in_outputs)
{
    char *dir = test_tmpdir();
    char *json_path = xasprintf("%s/r.json", dir);
    char *db_path = xasprintf("%s/r.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", "topologies/global.yaml",
                                 "workloads/news-site.yaml", "--requests",
                                 "60000", "--set", "warmup=6000", "--json",
                                 json_path, "--db", db_path, NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "\nclass "));
    ck_assert_ptr_nonnull(strstr(out, "\narticles "));
    char *json = test_read_file(json_path);
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    static const char *const classes[] = {"articles", "assets"};
    static const char *const fields[] = {"hit_ratio", "byte_hit_ratio",
                                         "requests", "outdated",
                                         "latency_ms.p99"};
    for (size_t k = 0; k < 2; k++)
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            const char *keys[] = {"classes", classes[k], fields[f]};
            int is_p99 = strcmp(fields[f], "latency_ms.p99") == 0;
            if (is_p99)
                keys[2] = "latency_ms";
            double want =
                is_p99 ? json_num(json,
                                  (const char *const[]){"classes", classes[k],
                                                        "latency_ms", "p99"},
                                  4)
                       : json_num(json, keys, 3);
            char *path = xasprintf("classes.%s.%s", classes[k], fields[f]);
            double got = metric_value(db, path);
            ck_assert_msg(fabs(got - want) <= 1e-6 * (1 + fabs(want)),
                          "%s: database %g, JSON %g", path, got, want);
            free(path);
        }
    /* outdated_share = outdated / requests, articles only. */
    const char *req[] = {"classes", "articles", "requests"};
    const char *old[] = {"classes", "articles", "outdated"};
    double share = json_num(json, old, 3) / json_num(json, req, 3);
    ck_assert(share > 0);
    ck_assert(fabs(metric_value(db, "classes.articles.outdated_share") -
                   share) < 1e-9);
    sqlite3_close(db);
    /* A class the workload lacks is a usage error before anything runs. */
    char *err = NULL;
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "sweep", "topologies/global.yaml",
                    "workloads/news-site.yaml", "--requests", "2000", "--set",
                    "warmup=200", "--vary", "seed=1,2", "--metric",
                    "classes.video.hit_ratio", "--db", db_path, NULL),
        2);
    ck_assert_ptr_nonnull(strstr(err, "there is no class \"video\"; the "
                                      "classes (catalog.classes) are "
                                      "articles, assets"));
    /* The report's table. */
    char *rep_dir = xasprintf("%s/rep", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db_path, "--run", "1",
                                 "--out", rep_dir, NULL),
                     0);
    char *md_path = xasprintf("%s/report.md", rep_dir);
    char *md = test_read_file(md_path);
    const char *section = strstr(md, "## Content classes");
    ck_assert_ptr_nonnull(section);
    ck_assert_ptr_nonnull(strstr(section, "| articles | "));
    ck_assert_ptr_nonnull(strstr(section, "| assets | "));
    free(md), free(md_path), free(rep_dir), free(err), free(json), free(out);
    free(db_path), free(json_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The articles' or assets' share (hits or outdated) as "94.71%". */
static char *
pct(uint64_t num, uint64_t den)
{
    return xasprintf("%.2f%%", 100.0 * met_ratio(num, den));
}

START_TEST(test_classes_readme_figures)
{
    /* README's per-class example: news-site's articles with and without
     * purge_on_change. */
    const char *sets[] = {"catalog.classes.articles.purge_on_change=true"};
    char *hit[2], *outdated[2], *assets[2];
    for (int k = 0; k < 2; k++) {
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        test_run_model("topologies/global.yaml", "workloads/news-site.yaml",
                       sets, (size_t)k, &t, &w, &m);
        ck_assert_str_eq(m.classes[0].name, "articles");
        hit[k] = pct(m.classes[0].hits, m.classes[0].requests);
        outdated[k] = pct(m.classes[0].outdated, m.classes[0].requests);
        assets[k] = pct(m.classes[1].hits, m.classes[1].requests);
        test_free_run(t, w, &m);
    }
    char *phrase = xasprintf(
        "the articles, cached for an hour but changed every two minutes, "
        "hit %s, and %s of their answers are outdated; with "
        "`--set catalog.classes.articles.purge_on_change=true` they hit %s "
        "and %s are outdated, while the assets hit %s and %s",
        hit[0], outdated[0], hit[1], outdated[1], assets[0], assets[1]);
    test_assert_readme_says(phrase);
    free(phrase);
    for (int k = 0; k < 2; k++)
        free(hit[k]), free(outdated[k]), free(assets[k]);
}
END_TEST

Suite *
classes_suite(void)
{
    Suite *s = suite_create("classes");
    TCase *tc = tcase_create("classes");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_classes_exact_two_classes);
    tcase_add_test(tc, test_classes_add_up_to_the_run);
    tcase_add_test(tc, test_classes_in_outputs);
    tcase_add_test(tc, test_classes_readme_figures);
    suite_add_tcase(s, tc);
    return s;
}
