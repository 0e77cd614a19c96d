/* check_link.c: links with a capacity (link_capacity_mbps) against
 * processor-sharing theory, exact hand-worked cases, conservation of
 * bytes, a saturated link's throughput, and what the CLI says. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <sqlite3.h>
#include <gsl/gsl_rng.h>

#include "config/config.h"
#include "engine/engine.h"
#include "metrics/metrics.h"
#include "model/link.h"
#include "model/model.h"
#include "suites.h"

#define SHARED "tests/scenarios/shared-link.yaml"
#define UNIQUE "tests/scenarios/poisson-unique.yaml"

/* A run with one link of capacity_bps measured from time 0. */
static void
one_link(struct met_run *m, struct link_ps *l, int64_t capacity_bps)
{
    met_run_init(m, 0, 0);
    m->window_ns = SIM_S;
    met_run_links(m, 1);
    m->links[0].capacity_bps = capacity_bps;
    link_ps_init(l, capacity_bps, m, 0);
    link_ps_measure_from(l, 0);
}

/* Fires the link's pending completion and records when each payload
 * ended in done_at[payload]; returns how many ended. */
static int
fire(struct link_ps *l, int64_t *done_at)
{
    int64_t at = l->pending_at;
    /* No ck_assert in the loop: Check writes to a pipe for each one. */
    if (!link_ps_fire(l, at, l->gen))
        ck_abort_msg("the pending completion at %lld was stale", (long long)at);
    uint64_t p;
    int n = 0;
    while (link_ps_pop(l, at, &p)) {
        done_at[p] = at;
        n++;
    }
    link_ps_reschedule(l);
    return n;
}

/* Two 1,000-byte transfers on 8 Mbit/s (one byte per microsecond), the
 * second starting at 500 us: the first is alone for 500 bytes, then each
 * gets half, so it ends at 1,500 us; the second then has 500 bytes left,
 * alone: 2,000 us. */
START_TEST(test_link_shares_equally)
{
    struct met_run m;
    struct link_ps l;
    one_link(&m, &l, 8000000);
    int64_t done_at[3] = {0};
    ck_assert(link_ps_start(&l, 0, 1000, 0, 1));
    ck_assert_int_eq(l.pending_at, 1000 * SIM_US);
    ck_assert(link_ps_start(&l, 500 * SIM_US, 1000, 1, 1));
    ck_assert_int_eq(l.pending_at, 1500 * SIM_US);
    /* The event scheduled before the second start is stale now. */
    ck_assert(!link_ps_fire(&l, 1000 * SIM_US, l.gen - 1));
    ck_assert_int_eq(fire(&l, done_at), 1);
    ck_assert_int_eq(done_at[0], 1500 * SIM_US);
    ck_assert_int_eq(l.pending_at, 2000 * SIM_US);
    ck_assert_int_eq(fire(&l, done_at), 1);
    ck_assert_int_eq(done_at[1], 2000 * SIM_US);
    ck_assert_int_eq(l.pending_at, INT64_MAX);
    /* Three equal transfers started together end together, at 3x. */
    for (uint64_t k = 0; k < 3; k++)
        link_ps_start(&l, 3000 * SIM_US, 1000, k, 1);
    ck_assert_int_eq(fire(&l, done_at), 3);
    ck_assert_int_eq(done_at[2], 6000 * SIM_US);
    /* 5,000 bytes over 5 ms of busy time: both at 1 byte/us. */
    ck_assert_int_eq(m.links[0].busy_ns, 5000 * SIM_US);
    ck_assert_uint_eq(m.links[0].delivered_bytes, 5000);
    ck_assert_uint_eq(m.links[0].peak_transfers, 3);
    link_ps_fini(&l);
    met_run_fini(&m);
}
END_TEST

/*
 * M/M/1-PS: Poisson arrivals at rate lambda, exponential sizes of mean
 * 1 MB on 8 Gbit/s (mu = 1,000 transfers/s). The mean sojourn is
 * 1/(mu - lambda) (Kleinrock, Queueing Systems vol. 2, 1976, 4.4), and a
 * transfer of x bytes takes x/(C (1 - rho)) on average whatever its
 * neighbours: checked for the mean, and for the transfers of less than
 * half the mean size against their own mean size.
 */
START_TEST(test_link_mm1_ps_sojourn)
{
    static const double rhos[] = {0.5, 0.7, 0.8};
    double rho = rhos[_i];
    double mu = 1000, lambda = rho * mu, mean_bytes = 1e6;
    /* Closer to saturation the busy periods grow long and the mean
     * converges slowly: more transfers. */
    size_t n = rho > 0.75 ? 800000 : 300000;
    struct met_run m;
    struct link_ps l;
    one_link(&m, &l, 8000000000);
    gsl_rng *rng = sim_rng_new(7, (uint64_t)_i);
    int64_t *start = malloc(n * sizeof *start);
    int64_t *done_at = malloc(n * sizeof *done_at);
    double *size = malloc(n * sizeof *size);
    double t = 0;
    for (size_t k = 0; k < n; k++) {
        t += gsl_ran_exponential(rng, 1 / lambda);
        int64_t at = (int64_t)llround(t * 1e9);
        while (l.pending_at <= at)
            fire(&l, done_at);
        size[k] = ceil(gsl_ran_exponential(rng, mean_bytes));
        start[k] = at;
        if (size[k] < 1)
            size[k] = 1;
        link_ps_start(&l, at, (uint64_t)size[k], k, 1);
    }
    while (l.pending_at != INT64_MAX)
        fire(&l, done_at);
    /* Leave out the first tenth: the link starts empty. */
    double sum = 0, small_sum = 0, small_bytes = 0;
    size_t from = n / 10, small_n = 0;
    for (size_t k = from; k < n; k++) {
        double s = (double)(done_at[k] - start[k]) / 1e9;
        sum += s;
        if (size[k] < mean_bytes / 2) {
            small_sum += s;
            small_bytes += size[k];
            small_n++;
        }
    }
    double mean = sum / (double)(n - from), theory = 1 / (mu - lambda);
    if (getenv("CDNSIM_TEST_VERBOSE"))
        fprintf(stderr,
                "M/M/1-PS rho %.1f: mean %.4f ms (theory %.4f), "
                "small %.4f ms (theory %.4f)\n",
                rho, mean * 1e3, theory * 1e3,
                small_sum / (double)small_n * 1e3,
                small_bytes / (double)small_n / (1e9 * (1 - rho)) * 1e3);
    ck_assert_msg(fabs(mean / theory - 1) < 0.03,
                  "rho %.1f: mean sojourn %.4f ms, theory %.4f ms", rho,
                  mean * 1e3, theory * 1e3);
    /* The seeded run gives exactly what README.md quotes. */
    static const double readme_ms[] = {1.9991, 3.3320, 4.9600};
    ck_assert_double_eq_tol(mean * 1e3, readme_ms[_i], 0.00005);
    test_assert_readme_says("mean sojourn 1.9991, 3.3320 and 4.9600 ms at "
                            "utilisations 0.5, 0.7 and 0.8");
    double small = small_sum / (double)small_n;
    double small_theory = small_bytes / (double)small_n / (1e9 * (1 - rho));
    ck_assert_msg(fabs(small / small_theory - 1) < 0.03,
                  "rho %.1f: small transfers %.4f ms, theory %.4f ms", rho,
                  small * 1e3, small_theory * 1e3);
    /* Conservation: every byte offered was delivered, and the link sent
     * at capacity exactly while busy (to a rounding of 1 ns per end). */
    const struct met_link *ml = &m.links[0];
    ck_assert_uint_eq(ml->transfers, n);
    ck_assert_uint_eq(ml->done, n);
    ck_assert_uint_eq(ml->offered_bytes, ml->delivered_bytes);
    double sent = (double)ml->busy_ns * 1.0; /* 1 byte per ns */
    ck_assert_msg(sent >= (double)ml->delivered_bytes - 1 &&
                      sent <= (double)ml->delivered_bytes + (double)n,
                  "busy %.0f ns for %llu bytes", sent,
                  (unsigned long long)ml->delivered_bytes);
    free(start);
    free(done_at);
    free(size);
    gsl_rng_free(rng);
    link_ps_fini(&l);
    met_run_fini(&m);
}
END_TEST

static void
run_shared(const char *wl, const char *const *sets, size_t n_sets,
           struct cfg_topology **t, struct cfg_workload **w, struct met_run *m)
{
    test_run_model(SHARED, wl, sets, n_sets, t, w, m);
}

/* The whole model: with no other delay, a client's latency is its
 * body's time on the shared last mile, an M/D/1-PS queue whose mean
 * sojourn is 1/(mu - lambda) as for exponential sizes (insensitivity). */
START_TEST(test_link_model_matches_ps)
{
    const char *sets[] = {"catalog.size.bytes=12500", "arrival.rate=700",
                          "requests=300000", "warmup=10000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_shared(UNIQUE, sets, 4, &t, &w, &m);
    double mean_s = met_hist_mean(&m.latency) / 1e9, theory = 1.0 / 300;
    ck_assert_msg(fabs(mean_s / theory - 1) < 0.03,
                  "mean latency %.4f ms, theory %.4f ms", mean_s * 1e3,
                  theory * 1e3);
    ck_assert_uint_eq(m.n_links, 1);
    struct met_link_stats s;
    met_link_summary(&m, 0, &s);
    ck_assert_msg(fabs(s.mean_transfer_ms / (theory * 1e3) - 1) < 0.03,
                  "mean transfer %.4f ms", s.mean_transfer_ms);
    /* rho = 0.7: 70 Mbit/s of 100 on average, offered and sent. */
    ck_assert_msg(fabs(s.utilisation - 0.7) < 0.01, "%f", s.utilisation);
    ck_assert_msg(fabs(s.offered_mbps - 70) < 0.7, "%f", s.offered_mbps);
    ck_assert(s.peak_mbps >= s.p95_mbps && s.p95_mbps >= s.mean_mbps);
    ck_assert(s.peak_mbps <= 100 * (1 + 1e-9));
    ck_assert(s.offered_mbps < s.capacity_mbps);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* A node's link down from its parent, with lognormal sizes: the mean
 * sojourn of M/G/1-PS is E[S]/C / (1 - rho) for any size distribution.
 * E[S] is the run's own mean request size (each object draws its size
 * once). Every body the origin sent crossed the link whole. */
START_TEST(test_link_parent_link_matches_ps)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    struct sim_err err = {0};
    char buf[1024];
    int rc = cfg_load("tests/scenarios/shared-parent-link.yaml",
                      "tests/scenarios/unique-lognormal.yaml", NULL, 0, &t, &w,
                      &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    struct cdn *c = cdn_new(t, w, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(cdn_run(c, NULL, &m), 0);
    cdn_free(c);
    ck_assert_uint_eq(m.n_links, 1);
    ck_assert_str_eq(m.links[0].from, "origin");
    ck_assert_str_eq(m.links[0].to, "edge");
    double mean_bytes = (double)m.bytes / (double)m.requests;
    double service_s = mean_bytes * 8 / 100e6;
    double rho = 500 * service_s, theory = service_s / (1 - rho);
    double mean_s = met_hist_mean(&m.latency) / 1e9;
    if (getenv("CDNSIM_TEST_VERBOSE"))
        fprintf(stderr,
                "M/G/1-PS parent link rho %.3f: mean %.4f ms "
                "(theory %.4f)\n",
                rho, mean_s * 1e3, theory * 1e3);
    ck_assert(rho > 0.6 && rho < 0.7);
    ck_assert_msg(fabs(mean_s / theory - 1) < 0.03,
                  "mean latency %.4f ms, theory %.4f ms", mean_s * 1e3,
                  theory * 1e3);
    /* What README.md quotes. */
    ck_assert_double_eq_tol(mean_s * 1e3, 3.848, 0.0005);
    ck_assert_double_eq_tol(theory * 1e3, 3.847, 0.0005);
    ck_assert_double_eq_tol(rho, 0.658, 0.0005);
    test_assert_readme_says("3.848 ms against E[S]/C/(1 − rho) = 3.847 ms "
                            "at rho 0.658");
    const struct met_link *l = &m.links[0];
    ck_assert_uint_eq(l->offered_bytes, m.nodes[1].c.bytes_out);
    ck_assert_uint_eq(l->delivered_bytes, l->offered_bytes);
    ck_assert_uint_eq(l->done, l->transfers);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* Bytes in = bytes out: with no warm-up every body the edge sent went
 * onto the link and came off it whole. */
START_TEST(test_link_conserves_bytes)
{
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_shared("tests/scenarios/lognormal-sizes.yaml", NULL, 0, &t, &w, &m);
    const struct met_link *l = &m.links[0];
    uint64_t edge_out = m.nodes[0].c.bytes_out;
    ck_assert_uint_eq(l->transfers, 50000);
    ck_assert_uint_eq(l->done, 50000);
    ck_assert_uint_eq(l->offered_bytes, edge_out);
    ck_assert_uint_eq(l->delivered_bytes, edge_out);
    ck_assert_uint_eq(m.bytes, edge_out);
    /* What the windows sent adds up to the bytes delivered. */
    struct met_link_stats s;
    met_link_summary(&m, 0, &s);
    ck_assert_msg(llabs((long long)s.bytes - (long long)edge_out) <=
                      (long long)l->transfers,
                  "sent %llu, delivered %llu", (unsigned long long)s.bytes,
                  (unsigned long long)edge_out);
    int64_t busy = 0;
    for (uint64_t k = 0; k < l->n_windows; k++)
        busy += l->windows[k].busy_ns;
    ck_assert_int_eq(busy, l->busy_ns);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* Offered 150% of its capacity, a link sends exactly its capacity the
 * whole time, and the run says it is overloaded. */
START_TEST(test_link_saturated_throughput)
{
    const char *sets[] = {"catalog.size.bytes=12500", "arrival.rate=1500",
                          "requests=60000", "warmup=1000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    run_shared(UNIQUE, sets, 4, &t, &w, &m);
    struct met_link_stats s;
    met_link_summary(&m, 0, &s);
    ck_assert_msg(fabs(s.mean_mbps / 100 - 1) < 0.01, "mean %f Mbit/s",
                  s.mean_mbps);
    ck_assert_msg(fabs(s.p95_mbps / 100 - 1) < 0.01, "p95 %f Mbit/s",
                  s.p95_mbps);
    ck_assert_msg(fabs(s.offered_mbps / 150 - 1) < 0.02, "offered %f",
                  s.offered_mbps);
    ck_assert(met_link_is_overloaded(&s));
    /* The bytes delivered over the time the link was busy: capacity. */
    const struct met_link *l = &m.links[0];
    double mbps =
        (double)l->delivered_bytes * 8 / ((double)l->end_ns / 1e9) / 1e6;
    ck_assert_msg(fabs(mbps / 100 - 1) < 0.01, "delivered %f Mbit/s", mbps);
    met_run_fini(&m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}
END_TEST

/* The table's link section and its warning, the JSON's links. */
START_TEST(test_link_cli_reports_overload)
{
    char *out, *err;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", SHARED, UNIQUE,
                                 "--requests", "20000", "--set", "warmup=1000",
                                 "--set", "catalog.size.bytes=12500", "--set",
                                 "arrival.rate=1500", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "capacity(Mbit/s)"));
    ck_assert_ptr_nonnull(strstr(out, "warning: link edge->r is overloaded"));
    free(out);
    free(err);
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", SHARED, UNIQUE,
                                 "--requests", "20000", "--set", "warmup=1000",
                                 "--set", "catalog.size.bytes=12500", "--set",
                                 "arrival.rate=100", "--json", "-", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "\"edge->r\": {"));
    ck_assert_ptr_nonnull(strstr(out, "\"p95_mbps\""));
    ck_assert_ptr_nonnull(strstr(out, "\"overloaded\": false"));
    free(out);
    free(err);
    /* Bad values are input errors naming file, line and column. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate",
                                 "tests/data/bad/negative-link-capacity.yaml",
                                 NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "negative-link-capacity.yaml:12:14: "
                                      "link_capacity_mbps.eu.edge"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", SHARED, UNIQUE,
                                 "--set", "link_capacity_mbps.r.edge=0", NULL),
                     3);
    free(err);
}
END_TEST

/* Two runs with one seed give the same bytes (the engine's timings
 * aside), links and all. */
START_TEST(test_link_runs_are_deterministic)
{
    char *out[2];
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(test_cdnsim(&out[k], NULL, "run", SHARED,
                                     "tests/scenarios/lognormal-sizes.yaml",
                                     "--requests", "20000", "--set",
                                     "arrival.rate=1000", "--json", "-", NULL),
                         0);
        char *engine = strstr(out[k], "\"engine\"");
        ck_assert_ptr_nonnull(engine);
        *engine = '\0';
    }
    ck_assert_ptr_nonnull(strstr(out[0], "\"edge->r\""));
    ck_assert_str_eq(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}
END_TEST

/* A busy interval split over windows, and windows merged in pairs when a
 * run outgrows MET_MAX_WINDOWS: the busy time is kept exactly. */
START_TEST(test_link_windows_split_and_coarsen)
{
    struct met_run m;
    met_run_init(&m, 0, 1);
    m.window_ns = SIM_S;
    met_run_links(&m, 1);
    m.links[0].capacity_bps = 8000000;
    met_link_busy(&m, 0, SIM_S / 2, 3 * SIM_S);
    ck_assert_uint_eq(m.links[0].n_windows, 3);
    ck_assert_int_eq(m.links[0].windows[0].busy_ns, SIM_S / 2);
    ck_assert_int_eq(m.links[0].windows[1].busy_ns, SIM_S);
    ck_assert_int_eq(m.links[0].windows[2].busy_ns, SIM_S);
    struct met_link_rate rate;
    met_link_window_rate(&m, 0, 1, &rate);
    ck_assert_uint_eq(rate.bytes, 1000000);
    ck_assert(fabs(rate.mbps - 8) < 1e-9 && fabs(rate.utilisation - 1) < 1e-12);
    /* Past the last window: every series halves its resolution. */
    met_link_busy(&m, 0, (int64_t)MET_MAX_WINDOWS * SIM_S,
                  (int64_t)MET_MAX_WINDOWS * SIM_S + SIM_S);
    ck_assert_int_eq(m.window_ns, 2 * SIM_S);
    ck_assert_int_eq(m.links[0].windows[0].busy_ns, SIM_S + SIM_S / 2);
    ck_assert_int_eq(m.links[0].windows[1].busy_ns, SIM_S);
    ck_assert_int_eq(m.links[0].windows[MET_MAX_WINDOWS / 2].busy_ns, SIM_S);
    ck_assert_int_eq(m.links[0].busy_ns, 3 * SIM_S + SIM_S / 2);
    met_run_fini(&m);
}
END_TEST

/* The database rows and the report's section and overload sentence. */
START_TEST(test_link_db_and_report)
{
    char *dir = test_tmpdir();
    char db[512], out_dir[512], md[600];
    snprintf(db, sizeof db, "%s/r.db", dir);
    snprintf(out_dir, sizeof out_dir, "%s/report", dir);
    snprintf(md, sizeof md, "%s/report.md", out_dir);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", SHARED, UNIQUE, "--requests", "20000",
                    "--set", "warmup=1000", "--set", "catalog.size.bytes=12500",
                    "--set", "arrival.rate=1500", "--db", db, "--quiet", NULL),
        0);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(
        sqlite3_prepare_v2(h,
                           "SELECT to_name, overloaded, p95_mbps,"
                           " (SELECT count(*) FROM link_timeseries)"
                           " FROM link_metrics ORDER BY rowid",
                           -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "r");
    ck_assert_int_eq(sqlite3_column_int(st, 1), 1);
    ck_assert(fabs(sqlite3_column_double(st, 2) - 100) < 1);
    ck_assert_int_gt(sqlite3_column_int(st, 3), 10);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW); /* the node's row */
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "*");
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
    /* The report needs gnuplot, which make deps installs: the other
     * report tests fail without it, and so does this one. */
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "report", db, "--out", out_dir,
                                 "--quiet", NULL),
                     0);
    FILE *f = fopen(md, "r");
    ck_assert_ptr_nonnull(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    ck_assert_ptr_nonnull(strstr(text, "## Links"));
    ck_assert_ptr_nonnull(strstr(text, "is overloaded"));
    ck_assert_ptr_nonnull(strstr(text, "](links.png)"));
    /* A sweep over the capacity says which points overloaded the link. */
    char sweep_db[512];
    snprintf(sweep_db, sizeof sweep_db, "%s/sweep.db", dir);
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "sweep", SHARED, UNIQUE, "--vary",
                                 "link_capacity_mbps.r.edge=60,100", "--set",
                                 "catalog.size.bytes=12500", "--requests",
                                 "20000", "--set", "warmup=1000", "--db",
                                 sweep_db, "--jobs", "1", NULL),
                     0);
    ck_assert_msg(strstr(out, "warning: point 0: link edge->r is "
                              "overloaded") != NULL,
                  "%s", out);
    ck_assert_ptr_null(strstr(out, "point 1: link"));
    free(out);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* README's example: the default scenario with a capacity on the origin's
 * link to shield-ams, comfortable at 400 Mbit/s and saturated at 250. */
START_TEST(test_link_readme_example)
{
    char *out, *err;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--set",
                                 "link_capacity_mbps.shield-ams.origin=400",
                                 "--json", "-", NULL),
                     0);
    free(err);
    const char *l = strstr(out, "\"origin->shield-ams\": {");
    ck_assert_ptr_nonnull(l);
    ck_assert_ptr_nonnull(strstr(l, "\"mean_mbps\": 249.38"));
    ck_assert_ptr_nonnull(strstr(l, "\"p95_mbps\": 270.73"));
    ck_assert_ptr_nonnull(strstr(l, "\"peak_mbps\": 281.19"));
    ck_assert_ptr_nonnull(strstr(l, "\"utilisation\": 0.6234"));
    ck_assert_ptr_nonnull(strstr(l, "\"mean_transfer_ms\": 1.80"));
    ck_assert_ptr_nonnull(strstr(l, "\"overloaded\": false"));
    const char *eu = strstr(out, "\"eu\": {\n      \"requests\"");
    ck_assert_ptr_nonnull(eu);
    ck_assert_ptr_nonnull(strstr(eu, "\"p99\": 143.13"));
    /* 0.62346...: 62.35%, not merely 0.6234. */
    ck_assert_ptr_nonnull(strstr(l, "\"utilisation\": 0.62346"));
    test_assert_readme_says("link_capacity_mbps.shield-ams.origin=400`: the "
                            "origin's link to the Amsterdam shield carries "
                            "249.4 Mbit/s on average, 270.7 at the 95th "
                            "percentile of its 1 s windows and 281.2 at "
                            "peak, 62.35% of its capacity; a body spends "
                            "1.8 ms on it and eu's p99 latency is 143.1 ms.");
    free(out);
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", "--set",
                                 "link_capacity_mbps.shield-ams.origin=250",
                                 NULL),
                     0);
    free(err);
    ck_assert_msg(strstr(out, "warning: link origin->shield-ams was offered "
                              "more than its capacity (250.000 Mbit/s) in 45 "
                              "of 181 windows of 1 s") != NULL,
                  "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "1484.160"));
    ck_assert_ptr_nonnull(strstr(out, "10234.102"));
    /* On the right rows: the link's transfer time, eu's p90, p95, p99. */
    const char *row = strstr(out, "\norigin->shield-ams ");
    ck_assert_ptr_nonnull(row);
    ck_assert_ptr_nonnull(strstr(row, "1484.160\n"));
    row = strstr(out, "\neu ");
    ck_assert_ptr_nonnull(row);
    ck_assert_ptr_nonnull(strstr(row, "  1228.931  2961.179  10234.102  "));
    test_assert_readme_says("At 250 Mbit/s (`=250`), the mean demand, it "
                            "saturates: it is offered more than its "
                            "capacity in 45 of 181 windows (the table ends "
                            "with a warning saying so), bodies wait 1.5 s on "
                            "it on average and eu's p99 latency is 10.2 s.");
    free(out);
}
END_TEST

/* docs/architecture.md's "Try it": 70 Mbit/s on a 100 Mbit/s last mile,
 * then 150. */
START_TEST(test_link_architecture_example)
{
    char *out, *err;
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", SHARED,
                                 "tests/scenarios/poisson-unique.yaml", "--set",
                                 "catalog.size.bytes=12500", "--requests",
                                 "300000", "--set", "warmup=10000", "--json",
                                 "-", NULL),
                     0);
    free(err);
    const char *all = strstr(out, "\"latency_ms\": {\n    \"mean\": ");
    ck_assert_ptr_nonnull(all);
    double mean =
        strtod(all + strlen("\"latency_ms\": {\n    \"mean\": "), NULL);
    ck_assert_double_eq_tol(mean, 3.315, 0.0005);
    test_assert_readme_says("(mean latency 3.315 ms against 3.333 ms at "
                            "rho 0.7, `./cdnsim run "
                            "tests/scenarios/shared-link.yaml "
                            "tests/scenarios/poisson-unique.yaml --set "
                            "catalog.size.bytes=12500 --requests 300000 "
                            "--set warmup=10000`)");
    test_assert_doc_says("docs/architecture.md",
                         "puts 70 Mbit/s on a 100 Mbit/s last mile (mean "
                         "latency 3.315 ms; M/G/1-PS theory 1/(1000 − 700) "
                         "s = 3.333 ms)");
    free(out);
    const char *warning =
        "warning: link edge->r is overloaded: offered 149.906 Mbit/s on "
        "average against a capacity of 100.000 Mbit/s; its transfers queue "
        "without bound";
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", SHARED,
                                 "tests/scenarios/poisson-unique.yaml", "--set",
                                 "catalog.size.bytes=12500", "--requests",
                                 "300000", "--set", "warmup=10000", "--set",
                                 "arrival.rate=1500", NULL),
                     0);
    free(err);
    ck_assert_msg(strstr(out, warning) != NULL, "%s", out);
    test_assert_doc_says("docs/architecture.md", warning);
    free(out);
}
END_TEST

Suite *
link_suite(void)
{
    Suite *s = suite_create("link");
    TCase *tc = tcase_create("exact");
    tcase_add_test(tc, test_link_shares_equally);
    tcase_add_test(tc, test_link_windows_split_and_coarsen);
    suite_add_tcase(s, tc);
    tc = tcase_create("theory");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_loop_test(tc, test_link_mm1_ps_sojourn, 0, 3);
    tcase_add_test(tc, test_link_model_matches_ps);
    tcase_add_test(tc, test_link_parent_link_matches_ps);
    tcase_add_test(tc, test_link_conserves_bytes);
    tcase_add_test(tc, test_link_saturated_throughput);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_link_cli_reports_overload);
    tcase_add_test(tc, test_link_db_and_report);
    tcase_add_test(tc, test_link_runs_are_deterministic);
    tcase_add_test(tc, test_link_readme_example);
    tcase_add_test(tc, test_link_architecture_example);
    suite_add_tcase(s, tc);
    return s;
}
