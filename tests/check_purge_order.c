/* check_purge_order.c: staged (cascading) and targeted purges, and the
 * copies purged nodes refill from parents a purge has not reached yet
 * (refilled_stale): exact counts on a tiny scenario, input errors, the
 * database column, and lesson 14's figures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

#define TOPO "tests/scenarios/staged-purge.yaml"
#define WL "tests/scenarios/staged-purge-workload.yaml"

/* The counters of node name after a run of TOPO x WL with sets. */
struct staged {
    uint64_t refilled[3]; /* edge-a, edge-b, shield */
    uint64_t purged[3];
    uint64_t origin_requests;
};

static struct staged
run_staged(const char *topo, const char *wl, const char *const *sets,
           size_t n_sets)
{
    static const char *const names[] = {"edge-a", "edge-b", "shield"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(topo, wl, sets, n_sets, &t, &w, &m);
    struct staged s = {.origin_requests = m.origin_requests};
    for (size_t k = 0; k < 3; k++)
        for (size_t i = 0; i < m.n_nodes; i++)
            if (strcmp(m.nodes[i].name, names[k]) == 0) {
                s.refilled[k] = m.nodes[i].c.refilled_stale;
                s.purged[k] = m.nodes[i].c.purged;
            }
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
    return s;
}

/* Edges purged at 5 s, the shield at 7 s: each edge's first miss after
 * its purge is answered by the shield's old copy, exactly once (the edge
 * then holds it again). Shield first: its copy is gone before any edge is
 * purged, so each edge's miss reaches the origin and nothing is stale. */
START_TEST(test_purge_order_edges_first_refills_stale)
{
    struct staged s = run_staged(TOPO, WL, NULL, 0);
    ck_assert_uint_eq(s.refilled[0], 1);
    ck_assert_uint_eq(s.refilled[1], 1);
    ck_assert_uint_eq(s.refilled[2], 0);
    for (size_t k = 0; k < 3; k++)
        ck_assert_uint_eq(s.purged[k], 1);
    ck_assert_uint_eq(s.origin_requests, 1); /* the first fill only */

    const char *sets[] = {"events.0.order.0=shield", "events.0.order.1=edge"};
    s = run_staged(TOPO, WL, sets, 2);
    for (size_t k = 0; k < 3; k++) {
        ck_assert_uint_eq(s.refilled[k], 0);
        ck_assert_uint_eq(s.purged[k], 1);
    }
    ck_assert_uint_eq(s.origin_requests, 2); /* the fill, and the refill */
}
END_TEST

/* Without a step every stage arrives at once: no window, no stale copy;
 * the same without order:, which purges every caching node. */
START_TEST(test_purge_order_no_window_without_step)
{
    const char *sets[] = {"events.0.step=0s"};
    struct staged s = run_staged(TOPO, WL, sets, 1);
    for (size_t k = 0; k < 3; k++) {
        ck_assert_uint_eq(s.refilled[k], 0);
        ck_assert_uint_eq(s.purged[k], 1);
    }
    char *dir = test_tmpdir();
    char *path = test_write_file(dir, "plain.yaml",
                                 "name: plain\nseed: 3\nrequests: 200\n"
                                 "arrival: {rate: 20}\ncatalog: {objects: 1, "
                                 "zipf_alpha: 0, size: {dist: fixed, bytes: "
                                 "1000}}\nevents:\n  - {at: 5s, purge: all}\n");
    s = run_staged(TOPO, path, NULL, 0);
    for (size_t k = 0; k < 3; k++) {
        ck_assert_uint_eq(s.refilled[k], 0);
        ck_assert_uint_eq(s.purged[k], 1);
    }
    ck_assert_uint_eq(s.origin_requests, 2);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A targeted purge: only edge-a. The shield, never purged, refills it
 * with the old copy; edge-b and the shield keep theirs. */
START_TEST(test_purge_order_targets_one_node)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(
        dir, "one.yaml",
        "name: one\nseed: 3\nrequests: 200\narrival: {rate: 20}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, bytes: "
        "1000}}\nevents:\n  - {at: 5s, purge: [0], order: [edge-a]}\n");
    struct staged s = run_staged(TOPO, path, NULL, 0);
    ck_assert_uint_eq(s.purged[0], 1);
    ck_assert_uint_eq(s.purged[1], 0);
    ck_assert_uint_eq(s.purged[2], 0);
    ck_assert_uint_eq(s.refilled[0], 1);
    ck_assert_uint_eq(s.refilled[1], 0);
    ck_assert_uint_eq(s.origin_requests, 1);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* With a 1 s TTL every copy is refetched each second. Only edge-a is
 * purged (at 5.5 s): its next miss gets the shield's copy, which the
 * origin served before 5.5 s (one stale refill); later fetches the shield
 * answers carry copies the origin served after the purge, which are not
 * stale however often the shield answers them. */
START_TEST(test_purge_order_fresh_parent_copy_not_stale)
{
    char *dir = test_tmpdir();
    char *path = test_write_file(
        dir, "ttl.yaml",
        "name: ttl\nseed: 3\nrequests: 400\narrival: {rate: 20}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, bytes: "
        "1000}, ttl: 1s}\nevents:\n  - {at: 5.5s, purge: all, order: "
        "[edge-a]}\n");
    struct staged s = run_staged(TOPO, path, NULL, 0);
    ck_assert_uint_eq(s.purged[0], 1);
    ck_assert_uint_eq(s.refilled[0], 1);
    ck_assert_uint_eq(s.refilled[1], 0);
    free(path);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A soft purge marks copies stale: edge-a revalidates at the shield,
 * whose copy the purge has not reached, and keeps its old copy: that
 * counts as a stale refill too. */
START_TEST(test_purge_order_soft_revalidation_counts)
{
    const char *sets[] = {"events.0.mode=soft"};
    struct staged s = run_staged(TOPO, WL, sets, 1);
    ck_assert_uint_eq(s.refilled[0], 1);
    ck_assert_uint_eq(s.refilled[1], 1);
    ck_assert_uint_eq(s.refilled[2], 0);
}
END_TEST

/* Each bad order: or step: exits 3 with the file, line and column. */
START_TEST(test_purge_order_input_errors)
{
    static const struct {
        const char *event;
        const char *want;
    } cases[] = {
        {"{at: 5s, purge: all, order: [edge, origin]}",
         ":8:40: events[0].order[1]: \"origin\" is an origin"},
        {"{at: 5s, purge: all, order: [edge, edge-a]}",
         ":8:40: events[0].order[1]: \"edge-a\" names a node an earlier"},
        {"{at: 5s, purge: all, order: [edg]}",
         ":8:34: events[0].order[0]: \"edg\" is neither a tier"},
        {"{at: 5s, purge: all, step: 2s}",
         ":8:26: events[0].step: key \"step\" needs order:"},
        {"{at: 5s, purge: all, order: [edge], step: soon}",
         ":8:47: events[0].step: expected a duration"},
        {"{at: 5s, purge: all, order: []}",
         ":8:33: events[0].order: expected a list of tiers"},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *text = xasprintf("name: bad\nseed: 3\nrequests: 10\n"
                               "arrival: {rate: 20}\ncatalog: {objects: 1, "
                               "zipf_alpha: 0,\n  size: {dist: fixed, "
                               "bytes: 1000}}\nevents:\n  - %s\n",
                               cases[k].event);
        char *path = test_write_file(dir, "bad.yaml", text);
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "run", TOPO, path, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].event, rc);
        ck_assert_msg(err != NULL && strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].event, cases[k].want,
                      err ? err : "(null)");
        free(err);
        free(path);
        free(text);
    }
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The counter reaches the JSON, the table and the database. */
START_TEST(test_purge_order_outputs)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/runs.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--db", db, NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "refilled stale 2: copies purged nodes "
                                      "fetched from a parent the purge had "
                                      "not reached yet (edge-a 1, edge-b 1)"));
    free(out);
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", TOPO, WL, "--json", "-", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "\"refilled_stale\": 1"));
    free(out);
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT sum(refilled_stale) FROM "
                                        "node_metrics WHERE node LIKE 'edge%'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(h);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Lesson 14 (docs/tutorial.md): its figures. */
START_TEST(test_lesson_staged_purge)
{
    static const char *const topo = "topologies/teaching/shielded.yaml";
    static const char *const wl = "workloads/staged-purge.yaml";
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run a, b;
    test_run_model(topo, wl, NULL, 0, &t, &w, &a);
    cfg_workload_free(w);
    cfg_topology_free(t);
    const char *sets[] = {"events.0.order.0=shield", "events.0.order.1=edge"};
    test_run_model(topo, wl, sets, 2, &t, &w, &b);
    cfg_workload_free(w);
    cfg_topology_free(t);
    uint64_t stale_a = 0, stale_b = 0;
    for (size_t i = 0; i < a.n_nodes; i++) {
        stale_a += a.nodes[i].c.refilled_stale;
        stale_b += b.nodes[i].c.refilled_stale;
    }
    ck_assert_uint_eq(stale_a, 5953);
    ck_assert_uint_eq(stale_b, 0);
    ck_assert_uint_eq(a.origin_requests, 76686);
    ck_assert_uint_eq(b.origin_requests, 76891);
    test_assert_doc_says("docs/tutorial.md", "refilled stale 5953");
    test_assert_doc_says("docs/tutorial.md", "(edge-fra 2356, edge-lon 2358, "
                                             "edge-sin 1239)");
    test_assert_doc_says("docs/tutorial.md", "76,686 origin requests");
    test_assert_doc_says("docs/tutorial.md", "76,891");
    met_run_fini(&a);
    met_run_fini(&b);
}
END_TEST

Suite *
purge_order_suite(void)
{
    Suite *s = suite_create("purge_order");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, test_sanitized() ? 300 : 30);
    tcase_add_test(tc, test_purge_order_edges_first_refills_stale);
    tcase_add_test(tc, test_purge_order_no_window_without_step);
    tcase_add_test(tc, test_purge_order_targets_one_node);
    tcase_add_test(tc, test_purge_order_soft_revalidation_counts);
    tcase_add_test(tc, test_purge_order_fresh_parent_copy_not_stale);
    tcase_add_test(tc, test_purge_order_input_errors);
    tcase_add_test(tc, test_purge_order_outputs);
    tcase_add_test(tc, test_lesson_staged_purge);
    suite_add_tcase(s, tc);
    return s;
}
