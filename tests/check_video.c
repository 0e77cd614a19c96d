/* check_video.c: video sessions (the workload's video: block): the
 * playback clock against hand arithmetic on a line of constant links
 * (startup and stalls), the throughput rule's exact picks, exact counts,
 * the outputs and input errors. */
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

#define LINE "tests/scenarios/video-line.yaml"
#define LINE_WL "tests/scenarios/video-line-workload.yaml"

/* The scenario's constants: round trips 10 ms (client) and 20 ms (edge to
 * origin), the client's link 8 Mbit/s = 1e6 bytes/s. */
#define RTT_S 0.030
#define BYTES_PER_S 1e6

static struct met_video
run_line(const char *wl, const char *const *sets, size_t n_sets,
         uint64_t *requests)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, sets, n_sets, &t, &w, &m);
    ck_assert_ptr_nonnull(m.video);
    struct met_video v = *m.video;
    v.startup_ns = NULL; /* freed with the run */
    v.n_startup = 0;
    if (requests != NULL)
        *requests = m.requests;
    test_free_run(t, w, &m);
    return v;
}

/* With every segment a miss over constant links, each takes the two
 * round trips plus its bytes over the client's link, so startup is
 * startup_segments x that, and one second of media per 155 ms never
 * stalls. */
START_TEST(test_video_startup_theory)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, LINE_WL, NULL, 0, &t, &w, &m);
    const struct met_video *v = m.video;
    double seg_bytes = 1000 * 125.0 * 1.0; /* 1000 kbps x 1 s */
    double per_segment = RTT_S + seg_bytes / BYTES_PER_S;
    ck_assert_uint_eq(v->n_startup, 1);
    ck_assert_int_eq(v->startup_ns[0], llround(3 * per_segment * 1e9));
    ck_assert_int_eq(v->startup_ns[0], 465000000); /* 3 x 155 ms */
    ck_assert_uint_eq(v->sessions, 1);
    ck_assert_uint_eq(v->finished, 1);
    ck_assert_uint_eq(v->segments, 10);
    ck_assert_uint_eq(v->bytes, 10 * 125000);
    ck_assert_uint_eq(v->stalls, 0);
    ck_assert_int_eq(v->played_ns, 10 * 1000000000LL);
    ck_assert_double_eq(met_video_rebuffer_ratio(v), 0);
    ck_assert_uint_eq(m.requests, 11); /* and the workload's own one */
    test_free_run(t, w, &m);
}
END_TEST

/* A bitrate twice the link: each 1 s segment takes d = 30 ms + 2 s, so
 * after a one-segment startup of d every later segment ends a stall of
 * d - 1 s: 9 stalls, 9.27 s, in a session of 10 segments. */
START_TEST(test_video_stall_theory)
{
    const char *sets[] = {"video.ladder.0=16000", "video.startup_segments=1"};
    struct met_video v = run_line(LINE_WL, sets, 2, NULL);
    double d = RTT_S + 16000 * 125.0 / BYTES_PER_S;
    ck_assert_uint_eq(v.stalls, 9);
    ck_assert_uint_eq(v.stalled_sessions, 1);
    ck_assert_int_eq(v.stall_ns, llround(9 * (d - 1) * 1e9));
    ck_assert_int_eq(v.played_ns, 10000000000LL);
    ck_assert_double_eq_tol(met_video_rebuffer_ratio(&v),
                            9 * (d - 1) / (10 + 9 * (d - 1)), 1e-12);
    ck_assert_double_eq(met_video_mean_kbps(&v), 16000);
}
END_TEST

/* The throughput rule on a ladder of 1000, 4000 and 16000 kbps over the
 * 8 Mbit/s link: the first segment (lowest rung, 125 kB in at most 155
 * ms, at least 6.4 Mbit/s) moves the session to 4000; 500 kB segments
 * then measure 7.5 to 7.9 Mbit/s (miss or hit), below 16000, so every
 * session stays at 4000. Four sessions, exact counts. */
START_TEST(test_video_abr_exact)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: abr\nseed: 3\nrequests: 1\narrival: {rate: 0.001}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, bytes: "
        "100}}\n"
        "video: {sessions: 4, rate: 1, titles: 2, ladder: [1000, 4000, "
        "16000], segment: 1s, length: 10s, length_dist: fixed}\n");
    uint64_t requests = 0;
    struct met_video v = run_line(wl, NULL, 0, &requests);
    ck_assert_uint_eq(v.sessions, 4);
    ck_assert_uint_eq(v.finished, 4);
    ck_assert_uint_eq(v.failed, 0);
    ck_assert_uint_eq(v.segments, 40);
    ck_assert_uint_eq(v.switches, 4);
    ck_assert_uint_eq(v.bytes, 4 * (125000 + 9 * 500000));
    ck_assert_double_eq_tol(met_video_mean_kbps(&v), 3700, 1e-9);
    ck_assert_uint_eq(v.stalls, 0);
    ck_assert_uint_eq(requests, 41);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The table, the JSON and the database say the same. */
START_TEST(test_video_outputs)
{
    char *dir = test_tmpdir();
    char db[512];
    snprintf(db, sizeof db, "%s/v.db", dir);
    char *out = NULL, *json = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "run", LINE, LINE_WL, "--db", db, NULL), 0);
    ck_assert_ptr_nonnull(
        strstr(out, "video: 1 sessions (1 finished, 0 failed), 10 segments, "
                    "mean bitrate 1000 kbps, 0 switches\n"
                    "video: startup p50 465.0 ms, p95 465.0 ms; 0 stalls in "
                    "0 sessions, 0.000 s stalled, rebuffer ratio 0.0000\n"));
    ck_assert_int_eq(
        test_cdnsim(&json, NULL, "run", LINE, LINE_WL, "--json", "-", NULL), 0);
    ck_assert_ptr_nonnull(strstr(json,
                                 "  \"video\": {\n"
                                 "    \"sessions\": 1,\n"
                                 "    \"finished\": 1,\n"
                                 "    \"failed\": 0,\n"
                                 "    \"segments\": 10,\n"
                                 "    \"bytes\": 1250000,\n"
                                 "    \"startup_p50_ms\": 465.000000,\n"));
    sqlite3 *h = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(h,
                           "SELECT sessions, segments, startup_p95_ms, "
                           "rebuffer_ratio, mean_bitrate_kbps FROM "
                           "video_metrics",
                           -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
    ck_assert_int_eq(sqlite3_column_int(st, 1), 10);
    ck_assert_double_eq(sqlite3_column_double(st, 2), 465.0);
    ck_assert_double_eq(sqlite3_column_double(st, 3), 0);
    ck_assert_double_eq(sqlite3_column_double(st, 4), 1000);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
    free(out);
    free(json);
    /* The report's section reads the row. */
    char rep[600], md[700];
    snprintf(rep, sizeof rep, "%s/rep", dir);
    snprintf(md, sizeof md, "%s/report.md", rep);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "report", db, "--out", rep, "--quiet", NULL),
        0);
    char *text = test_read_file(md);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "## Video sessions"));
    ck_assert_ptr_nonnull(strstr(text, "| 1 | 1 | 0 | 10 | 465.0 | 465.0 | 0 "
                                       "| 0 | 0.000 | 0.0000 | 1000 | 0 |"));
    free(text);
    /* A workload without video: has no video object and no row. */
    ck_assert_int_eq(test_cdnsim(&json, NULL, "run", LINE,
                                 "tests/data/minimal-workload.yaml", "--json",
                                 "-", NULL),
                     0);
    ck_assert_ptr_null(strstr(json, "\"video\""));
    free(json);
    test_rmtree(dir);
    free(dir);
}
END_TEST

static const struct {
    const char *video;
    const char *message;
} bad_video[] = {
    {"{sessions: 1, rate: 1, ladder: [500, 300]}",
     "7:45: video.ladder[1]: expected a bitrate in kbps above the one "
     "before it"},
    {"{sessions: 0, rate: 1, ladder: [500]}", "7:19: video.sessions"},
    {"{sessions: 1, rate: 1}", "7:8: video.ladder: missing key \"ladder\""},
    {"{sessions: 1, rate: 1, ladder: [500], bitrate: 3}",
     "video.bitrate: unknown key"},
    {"{sessions: 1, rate: 1, ladder: [500], max_buffer: 1s, segment: 4s}",
     "video.max_buffer: expected a duration at least one segment"},
    {"{sessions: 1, rate: 1, ladder: [500], length: 2h, max_length: 1h}",
     "video.max_length: expected a duration at least length"},
    {"{sessions: 1, rate: 1, ladder: [500], length_dist: normal}",
     "video.length_dist: expected exponential or fixed"},
};

START_TEST(test_video_bad_input)
{
    char *dir = test_tmpdir();
    char text[1024];
    snprintf(text, sizeof text,
             "name: w\nseed: 1\nrequests: 10\n"
             "arrival: {rate: 10}\n"
             "catalog: {objects: 10, zipf_alpha: 0.8}\n"
             "# video\n"
             "video: %s\n",
             bad_video[_i].video);
    char *wl = test_write_file(dir, "w.yaml", text);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", LINE, wl, "-q", NULL), 3);
    ck_assert_msg(strstr(err, bad_video[_i].message) != NULL,
                  "got: %s\nwant: %s", err, bad_video[_i].message);
    free(err);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

#define OC "topologies/reference/open-connect.yaml"
#define OC_WL "workloads/video.yaml"

/* The tutorial's figure, as printed. */
static void
tutorial_says(const char *fmt, double x)
{
    char phrase[160];
    snprintf(phrase, sizeof phrase, fmt, x);
    test_assert_doc_says("docs/tutorial.md", phrase);
}

/* The edges' hit ratio: their hits over their requests. */
static double
edge_hit_ratio(const struct met_run *m)
{
    uint64_t hits = 0, requests = 0;
    for (size_t i = 0; i < m->n_nodes; i++)
        if (strcmp(m->nodes[i].tier, "edge") == 0) {
            hits += m->nodes[i].c.hits;
            requests += m->nodes[i].c.requests;
        }
    return (double)hits / (double)requests;
}

/* Tutorial lesson 17: edge capacity barely moves startup; a thin fill
 * link stalls sessions, whatever the edges hold. */
START_TEST(test_lesson_video)
{
    static const char *const small[] = {
        "nodes.oca-isp-a.cache.capacity=512MiB",
        "nodes.oca-isp-b.cache.capacity=512MiB",
        "nodes.oca-isp-c.cache.capacity=512MiB"};
    static const char *const thin[] = {
        "link_capacity_mbps.oca-ixp-east.origin=300",
        "link_capacity_mbps.oca-ixp-west.origin=300",
        "nodes.oca-isp-a.cache.capacity=32GiB",
        "nodes.oca-isp-b.cache.capacity=32GiB",
        "nodes.oca-isp-c.cache.capacity=32GiB"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(OC, OC_WL, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(m.video->sessions, 1200);
    ck_assert_uint_eq(m.video->stalls, 0);
    ck_assert_double_eq_tol(edge_hit_ratio(&m), 0.4092, 0.00005);
    tutorial_says("start in %.1f ms (p50)",
                  (double)met_video_startup_q(m.video, 0.5) / 1e6);
    tutorial_says("at %.0f kbps on", met_video_mean_kbps(m.video));
    tutorial_says("hit ratio from %.2f%%", 100 * edge_hit_ratio(&m));
    int64_t p50_big = met_video_startup_q(m.video, 0.5);
    test_free_run(t, w, &m);

    test_run_model(OC, OC_WL, small, 3, &t, &w, &m);
    ck_assert_uint_eq(m.video->stalls, 0);
    ck_assert_int_gt(met_video_startup_q(m.video, 0.5), p50_big);
    tutorial_says("to %.2f%%, yet", 100 * edge_hit_ratio(&m));
    tutorial_says("only rises to %.1f ms",
                  (double)met_video_startup_q(m.video, 0.5) / 1e6);
    test_free_run(t, w, &m);

    /* The thin fill link, with the file's 8 GiB edges and with 32. */
    for (size_t n = 2; n <= 5; n += 3) {
        test_run_model(OC, OC_WL, thin, n, &t, &w, &m);
        const struct met_video *v = m.video;
        ck_assert_uint_eq(v->stalls, n == 2 ? 1260 : 1261);
        ck_assert_uint_eq(v->stalled_sessions, 135);
        ck_assert_double_eq_tol(met_video_rebuffer_ratio(v), 0.0117, 0.00005);
        tutorial_says("%.0f stalls hit", (double)v->stalls);
        tutorial_says("stalls hit %.0f sessions", (double)v->stalled_sessions);
        if (n == 2) {
            tutorial_says("startup p95 grows to %.1f ms",
                          (double)met_video_startup_q(v, 0.95) / 1e6);
            tutorial_says("bitrate falls to %.0f kbps", met_video_mean_kbps(v));
        }
        test_free_run(t, w, &m);
    }
}
END_TEST

/* A workload of one 2.5 MiB object (a class with chunk_size 1 MiB) and
 * one 3 MiB object of a class without: each request for the first is
 * three range requests (1 MiB, 1 MiB, 0.5 MiB), each its own cache entry;
 * the second is asked for whole. */
static char *
chunk_workload(const char *dir, const char *extra)
{
    char text[1024];
    snprintf(text, sizeof text,
             "name: chunks\nseed: 1\nrequests: 40\narrival: {rate: 10}\n"
             "catalog:\n  classes:\n"
             "    - {name: big, share: 1, objects: 1, zipf_alpha: 0, "
             "size: {dist: fixed, bytes: 2621440}, chunk_size: 1MiB}\n"
             "    - {name: whole, share: 1, objects: 1, zipf_alpha: 0, "
             "size: {dist: fixed, bytes: 3MiB}}\n%s",
             extra);
    return test_write_file(dir, "w.yaml", text);
}

START_TEST(test_chunk_arithmetic)
{
    char *dir = test_tmpdir();
    char *wl = chunk_workload(dir, "");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(w->classes[0].chunk_bytes, 1048576);
    ck_assert_uint_eq(w->classes[1].chunk_bytes, 0);
    ck_assert_uint_eq(w->chunk_bits, 2); /* 3 chunks fit 2 bits */
    ck_assert_uint_eq(m.requests, 40);
    /* Chunks are requests of their class; a whole request of big makes
     * three, so big's requests are a multiple of 3 and weigh 2.5 MiB per
     * three; whole's weigh 3 MiB each. */
    const struct met_region *big = &m.classes[0], *whole = &m.classes[1];
    ck_assert_uint_eq(big->requests + whole->requests, 40);
    ck_assert_uint_eq(big->requests % 3, 0);
    ck_assert_uint_eq(big->bytes, big->requests / 3 * 2621440);
    ck_assert_uint_eq(whole->bytes, whole->requests * 3145728);
    /* The origin sends each chunk once and the whole object once. */
    ck_assert_uint_eq(m.origin_requests, 4);
    ck_assert_uint_eq(test_node_named(&m, "origin")->c.bytes_requested,
                      2621440 + 3145728);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.misses, 4);
    test_free_run(t, w, &m);
    free(wl);

    /* A purge of object 0 by id takes its three chunks: the next
     * requests for them miss again. */
    wl = chunk_workload(dir, "events:\n  - {at: 1s, purge: [0]}\n");
    test_run_model(LINE, wl, NULL, 0, &t, &w, &m);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.misses, 7);
    test_free_run(t, w, &m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Partial caching: an edge of 2 MiB cannot hold the 2.5 MiB object whole
 * but holds two of its chunks; asked for whole, the object is never
 * stored (every request misses). */
START_TEST(test_chunk_partial_caching)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: chunks\nseed: 1\nrequests: 30\narrival: {rate: 10}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, bytes: "
        "2621440}, chunk_size: 1MiB}\n");
    const char *sets[] = {"nodes.edge.cache.capacity=2MiB"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, sets, 1, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(m.requests, 30);
    ck_assert_uint_gt(edge->c.hits, 0);
    ck_assert_uint_eq(edge->c.hits + edge->c.misses + edge->c.coalesced, 30);
    test_free_run(t, w, &m);
    const char *whole[] = {"nodes.edge.cache.capacity=2MiB",
                           "catalog.chunk_size=3MiB"};
    test_run_model(LINE, wl, whole, 2, &t, &w, &m);
    ck_assert_uint_eq(test_node_named(&m, "edge")->c.hits, 0);
    ck_assert_uint_eq(m.requests, 30);
    test_free_run(t, w, &m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* A push of a split object sends its chunks: every later request hits. */
START_TEST(test_chunk_push)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: chunks\nseed: 1\nrequests: 30\narrival: {rate: 10}\n"
        "catalog: {objects: 1, zipf_alpha: 0, size: {dist: fixed, bytes: "
        "2621440}, chunk_size: 1MiB}\n"
        "events:\n  - {at: 0s, push: 1, to: [edge]}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, NULL, 0, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    ck_assert_uint_eq(edge->c.misses, 0);
    ck_assert_uint_eq(edge->c.hits, 30);
    ck_assert_uint_eq(edge->c.pushed_bytes, 2621440);
    ck_assert_uint_eq(m.origin_requests, 0);
    test_free_run(t, w, &m);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_chunk_bad_input)
{
    char *dir = test_tmpdir();
    char *err = NULL;
    char *wl = test_write_file(
        dir, "w.yaml",
        "name: w\nrequests: 10\narrival: {rate: 10}\n"
        "catalog: {objects: 1000000000, zipf_alpha: 0, chunk_size: 1KiB,\n"
        "  size: {dist: lognormal, median: 1MiB, sigma: 1}}\n");
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", LINE, wl, "-q", NULL), 3);
    ck_assert_msg(strstr(err, "w.yaml:4:59: catalog.chunk_size: expected a "
                              "chunk size large enough") != NULL,
                  "got: %s", err);
    free(err);
    free(wl);
    wl = test_write_file(dir, "w.yaml",
                         "name: w\nrequests: 10\narrival: {rate: 10}\n"
                         "catalog: {objects: 10, zipf_alpha: 0, chunk_size: "
                         "0}\n");
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", LINE, wl, "-q", NULL), 3);
    ck_assert_msg(strstr(err, "catalog.chunk_size") != NULL, "got: %s", err);
    free(err);
    free(wl);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
video_suite(void)
{
    Suite *s = suite_create("video");
    TCase *tc = tcase_create("sessions");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_video_startup_theory);
    tcase_add_test(tc, test_video_stall_theory);
    tcase_add_test(tc, test_video_abr_exact);
    tcase_add_test(tc, test_video_outputs);
    tcase_add_test(tc, test_lesson_video);
    tcase_add_test(tc, test_chunk_arithmetic);
    tcase_add_test(tc, test_chunk_partial_caching);
    tcase_add_test(tc, test_chunk_push);
    tcase_add_test(tc, test_chunk_bad_input);
    tcase_add_loop_test(tc, test_video_bad_input, 0,
                        (int)(sizeof bad_video / sizeof bad_video[0]));
    suite_add_tcase(s, tc);
    return s;
}
