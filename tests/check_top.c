/* check_top.c: `run --top N` (model/top.c): exact lists on a hand-worked
 * trace, the full list adding up to the origin's load, and the CLI's
 * table, JSON, database and usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/err.h"
#include "util/xalloc.h"

/* Loads topo and wl, runs with --top n into m; the caller frees. */
static void
run_top(const char *topo, const char *wl, const char *const *sets,
        size_t n_sets, uint64_t n, struct cfg_topology **t,
        struct cfg_workload **w, struct met_run *m)
{
    struct cfg_override ov[4] = {{0}};
    ck_assert_uint_le(n_sets, 4);
    for (size_t i = 0; i < n_sets; i++)
        ov[i].text = sets[i];
    struct sim_err err = {0};
    char buf[1024];
    int rc = cfg_load(topo, wl, ov, n_sets, t, w, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    struct cdn *c = cdn_new(*t, *w, &err);
    ck_assert_msg(c != NULL, "%s", sim_err_format(&err, buf, sizeof buf));
    struct cdn_run_opts opts = {.top_n = n};
    ck_assert_int_eq(cdn_run(c, &opts, m), 0);
    cdn_free(c);
}

START_TEST(test_top_exact_alternating)
{
    /* One edge with room for one of the two objects: 7 (500 B) and 8
     * (1000 B) alternate, 7 8 7 8 7, and every request misses: 7 reaches
     * the origin 3 times (1,500 B), 8 twice (2,000 B). By requests 7
     * leads, by bytes 8. */
    char *dir = test_tmpdir();
    char *topo = test_write_file(
        dir, "t.yaml",
        "name: one-slot\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000B, policy: lru},"
        " parent: origin}\n  - {name: origin, tier: origin}\n"
        "latency_ms:\n  r: {edge: 10}\n  edge: {origin: 30}\n");
    char *csv = test_write_file(dir, "t.csv",
                                "time,id,size\n0,7,500\n1000,8,1000\n"
                                "2000,7,500\n3000,8,1000\n4000,7,500\n");
    char *wl = test_write_file(dir, "w.yaml",
                               "name: w\ntrace: {path: t.csv, format: csv,"
                               " time_unit: ms}\n");
    for (uint64_t n = 1; n <= 5; n += 4) {
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        run_top(topo, wl, NULL, 0, n, &t, &w, &m);
        ck_assert_int_eq(m.has_top, 1);
        ck_assert_uint_eq(m.n_top_by_requests, n == 1 ? 1 : 2);
        ck_assert_uint_eq(m.n_top_by_bytes, n == 1 ? 1 : 2);
        const struct met_top_object *a = &m.top_by_requests[0];
        ck_assert_uint_eq(a->object, 7);
        ck_assert_uint_eq(a->requests, 3);
        ck_assert_uint_eq(a->origin_requests, 3);
        ck_assert_uint_eq(a->origin_bytes, 1500);
        ck_assert_ptr_null(a->class_name); /* a trace has no classes */
        const struct met_top_object *b = &m.top_by_bytes[0];
        ck_assert_uint_eq(b->object, 8);
        ck_assert_uint_eq(b->origin_requests, 2);
        ck_assert_uint_eq(b->origin_bytes, 2000);
        if (n > 1) {
            ck_assert_uint_eq(m.top_by_requests[1].object, 8);
            ck_assert_uint_eq(m.top_by_bytes[1].object, 7);
        }
        test_free_run(t, w, &m);
    }
    free(wl), free(csv), free(topo);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_top_full_list_adds_up)
{
    /* With N past the catalog every object that reached the origin is
     * listed: their origin requests and bytes add up to the origin's
     * (no pushes here), each list is in order, and a run without --top
     * has none. */
    const char *sets[] = {"workload.requests=100000", "warmup=10000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_top("topologies/global.yaml", "workloads/daily-mix.yaml", sets, 2,
            1000000, &t, &w, &m);
    uint64_t reqs = 0, bytes = 0;
    for (size_t i = 0; i < m.n_top_by_requests; i++) {
        const struct met_top_object *o = &m.top_by_requests[i];
        reqs += o->origin_requests;
        bytes += o->origin_bytes;
        ck_assert_ptr_nonnull(o->class_name);
        if (i > 0)
            ck_assert_uint_le(o->origin_requests,
                              m.top_by_requests[i - 1].origin_requests);
    }
    for (size_t i = 1; i < m.n_top_by_bytes; i++)
        ck_assert_uint_le(m.top_by_bytes[i].origin_bytes,
                          m.top_by_bytes[i - 1].origin_bytes);
    ck_assert_uint_eq(m.n_top_by_bytes, m.n_top_by_requests);
    ck_assert_uint_eq(reqs, m.origin_requests);
    ck_assert_uint_eq(bytes, m.origin_bytes);
    ck_assert_uint_gt(m.n_top_by_requests, 1000);
    test_free_run(t, w, &m);
    run_top("topologies/global.yaml", "workloads/daily-mix.yaml", sets, 2, 0,
            &t, &w, &m);
    ck_assert_int_eq(m.has_top, 0);
    ck_assert_ptr_null(m.top_by_requests);
    test_free_run(t, w, &m);
}
END_TEST

START_TEST(test_top_cli)
{
    char *dir = test_tmpdir();
    char *db_path = xasprintf("%s/r.db", dir);
    char *json_path = xasprintf("%s/r.json", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", "topologies/global.yaml",
                                 "workloads/news-site.yaml", "--requests",
                                 "30000", "--set", "warmup=3000", "--top", "3",
                                 "--db", db_path, "--json", json_path, NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "top objects by origin requests"));
    ck_assert_ptr_nonnull(strstr(out, "top objects by origin bytes"));
    char *json = test_read_file(json_path);
    const char *top = strstr(json, "\"top_objects\": {");
    ck_assert_ptr_nonnull(top);
    ck_assert_ptr_nonnull(strstr(top, "\"by_origin_requests\": ["));
    ck_assert_ptr_nonnull(strstr(top, "\"by_origin_bytes\": ["));
    /* The database holds the same first object and counts. */
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(db,
                           "SELECT object, class, origin_requests,"
                           " (SELECT count(*) FROM top_objects) FROM"
                           " top_objects WHERE ranking = 'origin_requests'"
                           " AND rank = 1",
                           -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long first_object = (long long)sqlite3_column_int64(st, 0);
    char first_class[64];
    snprintf(first_class, sizeof first_class, "%s",
             (const char *)sqlite3_column_text(st, 1));
    char *want = xasprintf("\"object\": %lld,\n        \"class\": \"%s\"",
                           (long long)sqlite3_column_int64(st, 0),
                           (const char *)sqlite3_column_text(st, 1));
    ck_assert_int_eq(sqlite3_column_int(st, 3), 6);
    sqlite3_finalize(st);
    sqlite3_close(db);
    ck_assert_msg(strstr(top, want) != NULL, "JSON lacks %s", want);
    free(want);
    /* The report's section lists the same first object. */
    char *rep_dir = xasprintf("%s/rep", dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db_path, "--out", rep_dir, NULL), 0);
    char *md_path = xasprintf("%s/report.md", rep_dir);
    char *md = test_read_file(md_path);
    const char *section = strstr(md, "## Objects loading the origin most");
    ck_assert_ptr_nonnull(section);
    char *row = xasprintf("| 1 | %lld | %s |", first_object, first_class);
    ck_assert_msg(strstr(section, row) != NULL, "report lacks %s", row);
    free(row), free(md), free(md_path), free(rep_dir);
    /* Usage errors: a count out of range, and --top with replications. */
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--top", "0", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--top needs a number of objects"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--top", "3",
                                 "--replications", "2", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--top lists one run's objects"));
    free(err), free(json), free(out), free(json_path), free(db_path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_top_readme_figure)
{
    /* README's --top example: the default scenario's first object. */
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_top("topologies/global.yaml", "workloads/zipf.yaml", NULL, 0, 3, &t, &w,
            &m);
    const struct met_top_object *o = &m.top_by_requests[0];
    char *phrase = xasprintf("the object reaching the origin most, %llu, did "
                             "so %llu times for its %llu requests",
                             (unsigned long long)o->object,
                             (unsigned long long)o->origin_requests,
                             (unsigned long long)o->requests);
    test_assert_readme_says(phrase);
    free(phrase);
    test_free_run(t, w, &m);
}
END_TEST

Suite *
top_suite(void)
{
    Suite *s = suite_create("top");
    TCase *tc = tcase_create("top");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_top_exact_alternating);
    tcase_add_test(tc, test_top_full_list_adds_up);
    tcase_add_test(tc, test_top_cli);
    tcase_add_test(tc, test_top_readme_figure);
    suite_add_tcase(s, tc);
    return s;
}
