/* check_placement.c: where copies are kept (a node's placement:): exact
 * counts of every mode on tiny traces, leave-copy-down and q-LRU against
 * their characteristic-time approximations, conservation, input errors
 * and the outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "config/config.h"
#include "engine/engine.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/xalloc.h"

#define LINE "tests/scenarios/placement-line.yaml"

/* The counters of the nodes of a run of LINE on a trace: one record per
 * entry of regions ("a" or "b"), 1 s apart, every one for object 1. */
struct line_run {
    struct met_counters edge_a, edge_b, shield;
    uint64_t origin_requests;
};

static struct line_run
run_line(const char *regions, const char *const *sets, size_t n_sets)
{
    char *dir = test_tmpdir();
    struct {
        char *s;
    } trace = {xasprintf("time,id,size,region\n")};
    for (size_t k = 0; regions[k] != '\0'; k++) {
        char *more = xasprintf("%s%zu,1,1,%c\n", trace.s, k * 1000, regions[k]);
        free(trace.s);
        trace.s = more;
    }
    char *trace_path = test_write_file(dir, "t.csv", trace.s);
    char *wl = test_write_file(dir, "w.yaml",
                               "name: placement-trace\nseed: 5\nwarmup: 0\n"
                               "trace: {path: t.csv, format: csv, "
                               "time_unit: ms}\n");
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model(LINE, wl, sets, n_sets, &t, &w, &m);
    struct line_run r = {
        .edge_a = test_node_named(&m, "edge-a")->c,
        .edge_b = test_node_named(&m, "edge-b")->c,
        .shield = test_node_named(&m, "shield")->c,
        .origin_requests = m.origin_requests,
    };
    test_free_run(t, w, &m);
    test_rmtree(dir);
    free(dir);
    free(trace_path);
    free(wl);
    free(trace.s);
    return r;
}

/* Every node's requests are its hits, misses and nothing else here. */
static void
assert_conserved(const struct met_counters *c)
{
    ck_assert_uint_eq(c->requests, c->hits + c->misses + c->expired +
                                       c->coalesced + c->bypass);
}

/* Leave copy everywhere (the default): the first request fills both
 * levels, then the edge hits; edge-b's miss hits the shield. */
START_TEST(test_placement_everywhere_exact)
{
    const char *sets[] = {"nodes.edge-a.placement=everywhere"};
    struct line_run r = run_line("aaaab", sets, 1);
    ck_assert_uint_eq(r.edge_a.hits, 3);
    ck_assert_uint_eq(r.edge_a.misses, 1);
    ck_assert_uint_eq(r.shield.requests, 2);
    ck_assert_uint_eq(r.shield.hits, 1);
    ck_assert_uint_eq(r.origin_requests, 1);
    ck_assert_uint_eq(r.edge_a.placement_skipped + r.shield.placement_skipped,
                      0);
    struct line_run d = run_line("aaaab", NULL, 0);
    ck_assert_mem_eq(&r, &d, sizeof r); /* the same as no key at all */
}
END_TEST

/* LCD at the edges: the origin's body stops at the shield; the second
 * request, a shield hit, leaves the copy one level down. edge-b's first
 * request is already a shield hit, so it stores at once. */
START_TEST(test_placement_lcd_exact)
{
    const char *sets[] = {"nodes.edge-a.placement=lcd",
                          "nodes.edge-b.placement=lcd"};
    struct line_run r = run_line("aaaab", sets, 2);
    ck_assert_uint_eq(r.edge_a.requests, 4);
    ck_assert_uint_eq(r.edge_a.misses, 2);
    ck_assert_uint_eq(r.edge_a.hits, 2);
    ck_assert_uint_eq(r.edge_a.placement_skipped, 1);
    ck_assert_uint_eq(r.edge_b.misses, 1);
    ck_assert_uint_eq(r.edge_b.placement_skipped, 0);
    ck_assert_uint_eq(r.shield.requests, 3);
    ck_assert_uint_eq(r.shield.hits, 2);
    ck_assert_uint_eq(r.shield.misses, 1);
    ck_assert_uint_eq(r.shield.placement_skipped, 0);
    ck_assert_uint_eq(r.origin_requests, 1);
    assert_conserved(&r.edge_a);
    assert_conserved(&r.shield);
}
END_TEST

/* An exclusive shield over lcd edges moves copies down (MCD): the
 * shield's hit hands its copy to edge-a and drops it, so edge-b's request
 * goes to the origin again. */
START_TEST(test_placement_exclusive_over_lcd_moves_down)
{
    const char *sets[] = {"nodes.edge-a.placement=lcd",
                          "nodes.edge-b.placement=lcd",
                          "nodes.shield.placement=exclusive"};
    struct line_run r = run_line("aaaab", sets, 3);
    ck_assert_uint_eq(r.edge_a.hits, 2);
    ck_assert_uint_eq(r.edge_a.misses, 2);
    ck_assert_uint_eq(r.edge_a.placement_skipped, 1);
    ck_assert_uint_eq(r.shield.requests, 3);
    ck_assert_uint_eq(r.shield.hits, 1);
    ck_assert_uint_eq(r.shield.misses, 2);
    ck_assert_uint_eq(r.shield.moved_down, 1);
    ck_assert_uint_eq(r.shield.placement_skipped, 0);
    ck_assert_uint_eq(r.edge_b.placement_skipped, 1); /* passed on */
    ck_assert_uint_eq(r.origin_requests, 2);
}
END_TEST

/* An exclusive shield over edges that store everything keeps nothing it
 * fetches for them: both edges' first requests reach the origin. */
START_TEST(test_placement_exclusive_over_everywhere_keeps_nothing)
{
    const char *sets[] = {"nodes.shield.placement=exclusive"};
    struct line_run r = run_line("aaaab", sets, 1);
    ck_assert_uint_eq(r.edge_a.hits, 3);
    ck_assert_uint_eq(r.shield.requests, 2);
    ck_assert_uint_eq(r.shield.misses, 2);
    ck_assert_uint_eq(r.shield.placement_skipped, 2);
    ck_assert_uint_eq(r.shield.moved_down, 0);
    ck_assert_uint_eq(r.origin_requests, 2);
}
END_TEST

/* Probabilistic at edge-a: it misses until its draw first says store,
 * then hits; the draws are its own stream's (node 0), recomputed here. */
START_TEST(test_placement_probabilistic_exact)
{
    const char *sets[] = {"nodes.edge-a.placement.mode=probabilistic",
                          "nodes.edge-a.placement.probability=0.2"};
    struct line_run r = run_line("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", sets, 2);
    gsl_rng *g = sim_rng_new(5, SIM_RNG_ID(SIM_RNG_PLACEMENT, 0));
    uint64_t declined = 0;
    while (declined < 29 && !(gsl_rng_uniform(g) < 0.2))
        declined++;
    gsl_rng_free(g);
    ck_assert_uint_gt(declined, 0); /* else the case shows little */
    ck_assert_uint_eq(r.edge_a.placement_skipped, declined);
    ck_assert_uint_eq(r.edge_a.misses, declined + 1);
    ck_assert_uint_eq(r.edge_a.hits, 30 - declined - 1);
    ck_assert_uint_eq(r.shield.hits, declined);
    ck_assert_uint_eq(r.shield.misses, 1);
}
END_TEST

/* --- theory: IRM Zipf traffic, unit sizes, no latency */

/* Smallest T in [0, inf) with f(T) >= target, f increasing. */
static double
solve_increasing(double (*f)(double T, const void *arg), const void *arg,
                 double target)
{
    double lo = 0, hi = 1;
    while (f(hi, arg) < target)
        hi *= 2;
    for (int it = 0; it < 36; it++) {
        double mid = (lo + hi) / 2;
        if (f(mid, arg) < target)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

/*
 * q-LRU (Martina, Garetto, Leonardi, "A unified approach to the
 * performance analysis of caching systems", INFOCOM 2014): an LRU cache
 * that inserts a missed object with probability q holds object i with
 * probability q(1 - e^{-p_i T}) / (e^{-p_i T} + q(1 - e^{-p_i T})), T
 * such that these sum to C; the hit ratio is their p-weighted sum.
 */
struct qlru {
    const double *p;
    size_t n;
    double q;
};

static double
qlru_in(double p, double T, double q)
{
    double e = -expm1(-p * T);
    return q * e / (1 - e + q * e);
}

static double
qlru_occupancy(double T, const void *arg)
{
    const struct qlru *a = arg;
    double s = 0;
    for (size_t i = 0; i < a->n; i++)
        s += qlru_in(a->p[i], T, a->q);
    return s;
}

static double
qlru_hit_ratio(const double *p, size_t n, double q, double capacity)
{
    struct qlru a = {p, n, q};
    double T = solve_increasing(qlru_occupancy, &a, capacity), h = 0;
    for (size_t i = 0; i < n; i++)
        h += p[i] * qlru_in(p[i], T, q);
    return h;
}

/*
 * Leave copy down on a line edge -> shield -> origin of LRU caches, in
 * the characteristic-time decoupling (Che; Martina et al. 2014): each
 * cache evicts an object T1 (edge) or T2 (shield) after its last access
 * there. Object i, Poisson rate l. Follow the requests that reach the
 * shield (edge misses). After a shield hit the copy goes to the edge,
 * which hits until a gap of T1 without requests; the shield sees the
 * object again at the first request after that gap, Y later, having not
 * been touched meanwhile, so that request hits iff Y < T2. After a
 * shield miss the edge keeps nothing and the next request reaches the
 * shield after Exp(l): a hit iff it comes within T2. A two-state chain:
 * P(H->H) = P(Y < T2), P(M->H) = 1 - e^{-l T2}, so the shield's hit
 * probability is pi = b / (1 - a + b). E[Y] = e^{l T1} / l, and each
 * shield hit is followed by e^{l T1} - 1 edge hits on average, so the
 * edge's hit probability (= its occupancy, PASTA) is
 * pi (e^{l T1} - 1) / (1 + pi (e^{l T1} - 1)). P(Y > t) solves
 * G'(t) = -l e^{-l T1} G(t - T1), G = 1 on [0, T1], whose solution by
 * steps is G(t) = sum_{k <= t/T1} (-e^{-l T1})^k (l(t - k T1))^k / k!.
 * The shield holds the object min(next shield request, T2) after each
 * shield access, which gives its occupancy per cycle.
 */
struct lcd_object {
    double edge_in;    /* edge hit probability = occupancy */
    double shield_in;  /* shield occupancy */
    double shield_hit; /* hit probability of a request reaching it */
};

static void
lcd_object(double l, double T1, double T2, struct lcd_object *o)
{
    double d = l * T1, tau = l * T2, x = exp(-d);
    double G = 1, I = tau; /* k = 0: G = 1, its integral tau */
    double xk = 1, fact = 1;
    for (int k = 1; k * d < tau && k < 400; k++) {
        double r = tau - k * d;
        xk *= -x;
        fact *= k;
        double term = xk * pow(r, k) / fact;
        G += term;
        I += term * r / (k + 1);
        if (fabs(term) < 1e-17)
            break;
    }
    double a = 1 - G, b = -expm1(-tau);
    double pi = b / (1 - a + b);
    double e1 = expm1(d);
    o->edge_in = pi * e1 / (1 + pi * e1);
    o->shield_in = (pi * I + (1 - pi) * b) / (pi * exp(d) + 1 - pi);
    o->shield_hit = pi;
}

struct lcd {
    const double *p;
    size_t n;
    double T1, T2; /* the other cache's time, while one is solved */
};

static double
lcd_edge_occupancy(double T1, const void *arg)
{
    const struct lcd *a = arg;
    double s = 0;
    struct lcd_object o;
    for (size_t i = 0; i < a->n; i++) {
        lcd_object(a->p[i], T1, a->T2, &o);
        s += o.edge_in;
    }
    return s;
}

static double
lcd_shield_occupancy(double T2, const void *arg)
{
    const struct lcd *a = arg;
    double s = 0;
    struct lcd_object o;
    for (size_t i = 0; i < a->n; i++) {
        lcd_object(a->p[i], a->T1, T2, &o);
        s += o.shield_in;
    }
    return s;
}

/* T with f(T) = target, f increasing, searched from near T0 (so that
 * the probes stay where T1 / T2 is moderate and the series short). */
static double
solve_near(double (*f)(double T, const void *arg), const void *arg,
           double target, double T0)
{
    double lo = T0 / 2, hi = T0 * 2;
    while (f(lo, arg) > target)
        lo /= 2;
    while (f(hi, arg) < target)
        hi *= 2;
    for (int it = 0; it < 40; it++) {
        double mid = sqrt(lo * hi);
        if (f(mid, arg) < target)
            lo = mid;
        else
            hi = mid;
    }
    return sqrt(lo * hi);
}

/* The edge's hit ratio and the shield's (of the requests reaching it):
 * T1 and T2 solved in turn, from plain LRU's, until they settle. */
static void
lcd_hit_ratios(const double *p, size_t n, double c1, double c2, double *edge,
               double *shield)
{
    struct qlru lru = {p, n, 1};
    struct lcd a = {p, n, solve_increasing(qlru_occupancy, &lru, c1),
                    solve_increasing(qlru_occupancy, &lru, c2)};
    for (int it = 0; it < 30; it++) {
        double T1 = solve_near(lcd_edge_occupancy, &a, c1, a.T1);
        a.T1 = T1;
        double T2 = solve_near(lcd_shield_occupancy, &a, c2, a.T2);
        int settled = fabs(T2 - a.T2) < 1e-6 * T2;
        a.T2 = T2;
        if (settled)
            break;
    }
    double h = 0, up = 0, up_hit = 0;
    struct lcd_object o;
    for (size_t i = 0; i < n; i++) {
        lcd_object(p[i], a.T1, a.T2, &o);
        h += p[i] * o.edge_in;
        up += p[i] * (1 - o.edge_in);
        up_hit += p[i] * (1 - o.edge_in) * o.shield_hit;
    }
    *edge = h;
    *shield = up_hit / up;
}

static const struct {
    unsigned c1, c2; /* capacities in objects, of 10,000 */
} lcd_cases[] = {
    {100, 200},  /* T2 < T1: a copy left down is gone above by its return */
    {100, 1000}, /* T2 > T1 */
};

START_TEST(test_placement_lcd_matches_theory)
{
    char s_c1[64], s_c2[64];
    snprintf(s_c1, sizeof s_c1, "nodes.edge.cache.capacity=%u",
             lcd_cases[_i].c1);
    snprintf(s_c2, sizeof s_c2, "nodes.shield.cache.capacity=%u",
             lcd_cases[_i].c2);
    const char *sets[] = {"catalog.objects=10000", s_c1, s_c2,
                          test_sanitized() ? "workload.requests=600000"
                                           : "workload.requests=1500000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("tests/scenarios/lcd-line.yaml", "tests/scenarios/irm.yaml",
                   sets, 4, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    const struct met_node *shield = test_node_named(&m, "shield");
    ck_assert_uint_eq(edge->c.coalesced, 0); /* zero latency: none */
    /* Every origin body passes the shield and is declined by the edge. */
    ck_assert_uint_eq(edge->c.placement_skipped, shield->c.misses);
    double sim_edge = (double)edge->c.hits / (double)edge->c.requests;
    double sim_shield = (double)shield->c.hits / (double)shield->c.requests;
    double *p = test_zipf_pmf(10000, 0.8);
    double want_edge, want_shield;
    lcd_hit_ratios(p, 10000, lcd_cases[_i].c1, lcd_cases[_i].c2, &want_edge,
                   &want_shield);
    free(p);
    if (_i == 0 && !test_sanitized()) { /* README.md quotes case 0 */
        char text[128];
        snprintf(text, sizeof text,
                 "edge %.2f%% and shield %.2f%% for capacities 100 and 200",
                 100 * sim_edge, 100 * sim_shield);
        test_assert_readme_says(text);
        snprintf(text, sizeof text, "theory %.2f%% and %.2f%%", 100 * want_edge,
                 100 * want_shield);
        test_assert_readme_says(text);
    }
    double tol = test_sanitized() ? 0.015 : 0.005;
    ck_assert_msg(fabs(sim_edge - want_edge) < tol &&
                      fabs(sim_shield - want_shield) < tol,
                  "C %u/%u: edge %.4f (theory %.4f), shield %.4f (theory "
                  "%.4f)",
                  lcd_cases[_i].c1, lcd_cases[_i].c2, sim_edge, want_edge,
                  sim_shield, want_shield);
    test_free_run(t, w, &m);
}
END_TEST

static const double qlru_cases[] = {0.1, 0.5};

START_TEST(test_placement_qlru_matches_theory)
{
    char s_q[64];
    snprintf(s_q, sizeof s_q, "nodes.edge.placement.probability=%.2f",
             qlru_cases[_i]);
    const char *sets[] = {"catalog.objects=10000",
                          "nodes.edge.cache.capacity=100",
                          "nodes.edge.placement.mode=probabilistic", s_q,
                          test_sanitized() ? "workload.requests=600000"
                                           : "workload.requests=1500000"};
    struct cfg_topology *t;
    struct cfg_workload *w;
    struct met_run m;
    test_run_model("tests/scenarios/one-edge.yaml", "tests/scenarios/irm.yaml",
                   sets, 5, &t, &w, &m);
    const struct met_node *edge = test_node_named(&m, "edge");
    double sim = (double)edge->c.hits / (double)edge->c.requests;
    /* Each miss brings a body the draw declines with probability 1 - q. */
    double declined =
        (double)edge->c.placement_skipped / (double)edge->c.misses;
    ck_assert_msg(fabs(declined - (1 - qlru_cases[_i])) < 0.01,
                  "q %.2f: %.4f of the bodies declined", qlru_cases[_i],
                  declined);
    double *p = test_zipf_pmf(10000, 0.8);
    double want = qlru_hit_ratio(p, 10000, qlru_cases[_i], 100);
    free(p);
    double tol = test_sanitized() ? 0.015 : 0.005;
    ck_assert_msg(fabs(sim - want) < tol, "q %.2f: simulated %.4f, theory %.4f",
                  qlru_cases[_i], sim, want);
    test_free_run(t, w, &m);
}
END_TEST

/* Lesson 15 (docs/tutorial.md): the edges' hit ratio, the shield's
 * egress, the mean latency and the origin's requests under each
 * placement, as the lesson prints them. */
START_TEST(test_lesson_placement)
{
    static const struct {
        const char *sets[2];
        const char *edge_hit, *shield_gib, *mean_ms, *origin;
    } cases[] = {
        {{NULL, NULL}, "26.52%", "5.731 GiB", "84.175 ms", "47,848"},
        {{"placement.edge=lcd", NULL},
         "29.27%",
         "5.526 GiB",
         "82.932 ms",
         "47,847"},
        {{"placement.edge.mode=probabilistic",
          "placement.edge.probability=0.1"},
         "29.91%",
         "5.484 GiB",
         "83.391 ms",
         "47,841"},
        {{"placement.edge=lcd", "placement.shield=exclusive"},
         NULL,
         NULL,
         NULL,
         "99,964"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *sets[4] = {"workload.requests=300000", "warmup=50000"};
        size_t n = 2;
        for (size_t j = 0; j < 2 && cases[k].sets[j] != NULL; j++)
            sets[n++] = cases[k].sets[j];
        struct cfg_topology *t;
        struct cfg_workload *w;
        struct met_run m;
        test_run_model("topologies/teaching/placement.yaml",
                       "workloads/zipf.yaml", sets, n, &t, &w, &m);
        uint64_t hits = 0, requests = 0;
        for (size_t i = 0; i < m.n_nodes; i++)
            if (strcmp(m.nodes[i].tier, "edge") == 0) {
                hits += m.nodes[i].c.hits;
                requests += m.nodes[i].c.requests;
            }
        char text[64];
        if (cases[k].edge_hit != NULL) {
            snprintf(text, sizeof text, "%.2f%%",
                     100.0 * (double)hits / (double)requests);
            ck_assert_str_eq(text, cases[k].edge_hit);
            test_assert_doc_says("docs/tutorial.md", text);
            snprintf(text, sizeof text, "%.3f GiB",
                     (double)test_node_named(&m, "shield")->c.bytes_out /
                         (1024.0 * 1024 * 1024));
            ck_assert_str_eq(text, cases[k].shield_gib);
            test_assert_doc_says("docs/tutorial.md", text);
            snprintf(text, sizeof text, "%.3f ms",
                     met_hist_mean(&m.latency) / 1e6);
            ck_assert_str_eq(text, cases[k].mean_ms);
            test_assert_doc_says("docs/tutorial.md", text);
        } else {
            snprintf(text, sizeof text, "offload %.2f%%",
                     100.0 * met_offload(&m));
            ck_assert_str_eq(text, "offload 59.60%");
            test_assert_doc_says("docs/tutorial.md", text);
        }
        snprintf(text, sizeof text, "%llu,%03llu",
                 (unsigned long long)(m.origin_requests / 1000),
                 (unsigned long long)(m.origin_requests % 1000));
        ck_assert_str_eq(text, cases[k].origin);
        test_assert_doc_says("docs/tutorial.md", text);
        if (k == 0) {
            snprintf(text, sizeof text, "offload %.2f%%",
                     100.0 * met_offload(&m));
            ck_assert_str_eq(text, "offload 80.81%");
        }
        test_free_run(t, w, &m);
    }
    test_assert_doc_says("docs/tutorial.md", "instead of 80.81%");
}
END_TEST

/* Bad placements: exit 3, located, naming the field. */
START_TEST(test_placement_input_errors)
{
    static const struct {
        const char *placement;
        const char *want;
    } cases[] = {
        {"placement: lce",
         ":7:82: nodes[1].placement: expected a placement: everywhere"},
        {"placement: probabilistic",
         ":7:82: nodes[1].placement: expected a probability with"},
        {"placement: {mode: lcd, probability: 0.5}",
         ":7:94: nodes[1].placement.probability: probability belongs to mode "
         "probabilistic, not lcd"},
        {"placement: {mode: probabilistic}",
         ":7:82: nodes[1].placement.probability: missing key"},
        {"placement: {mode: probabilistic, probability: 0}",
         ":7:117: nodes[1].placement.probability: expected a number > 0 and "
         "<= 1"},
        {"placement: {mode: probabilistic, probability: 1.5}",
         ":7:117: nodes[1].placement.probability: expected a number > 0"},
        {"placement: {mode: lcd, keep: 1}",
         ":7:94: nodes[1].placement.keep: unknown key"},
    };
    char *dir = test_tmpdir();
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *text = xasprintf(
            "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
            "  - {name: origin, tier: origin}\n"
            "  # the edge\n"
            "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
            "origin, %s}\n"
            "latency_ms: {r: {edge: 1}, edge: {origin: 1}}\n",
            cases[k].placement);
        char *path = test_write_file(dir, "bad.yaml", text);
        char *err = NULL;
        int rc = test_cdnsim(NULL, &err, "validate", path, NULL);
        ck_assert_msg(rc == 3, "%s: exit %d", cases[k].placement, rc);
        ck_assert_msg(err != NULL && strstr(err, cases[k].want) != NULL,
                      "%s: want \"%s\", got: %s", cases[k].placement,
                      cases[k].want, err ? err : "(null)");
        free(err);
        free(path);
        free(text);
    }
    /* An origin stores nothing, so it has no placement. */
    char *text = xasprintf(
        "name: bad\nregions:\n  - {name: r, weight: 1}\nnodes:\n"
        "  - {name: origin, tier: origin, placement: lcd}\n"
        "  - {name: edge, tier: edge, cache: {capacity: 1000}, parent: "
        "origin}\n"
        "latency_ms: {r: {edge: 1}, edge: {origin: 1}}\n");
    char *path = test_write_file(dir, "bad.yaml", text);
    char *err = NULL;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", path, NULL), 3);
    ck_assert_msg(err != NULL && strstr(err, ":5:34: nodes[0].placement: an "
                                             "origin has no placement") != NULL,
                  "%s", err ? err : "(null)");
    free(err);
    free(path);
    free(text);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* The counters reach the JSON, the table's database and report's reads. */
START_TEST(test_placement_outputs)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/runs.db", dir);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run",
                                 "tests/scenarios/lcd-line.yaml",
                                 "tests/scenarios/irm.yaml", "--set",
                                 "workload.requests=20000", "--set", "warmup=0",
                                 "--db", db, "--json", "-", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "\"placement_skipped\": "));
    ck_assert_ptr_nonnull(strstr(out, "\"moved_down\": 0"));
    free(out);
    char *sql = xasprintf("SELECT n.placement_skipped = s.misses FROM "
                          "node_metrics n, node_metrics s WHERE n.node = "
                          "'edge' AND s.node = 'shield'");
    char *q_out = NULL;
    const char *argv[] = {"sqlite3", db, sql, NULL};
    ck_assert_int_eq(test_run(argv, &q_out, NULL), 0);
    ck_assert_str_eq(q_out, "1\n");
    free(q_out);
    free(sql);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

Suite *
placement_suite(void)
{
    Suite *s = suite_create("placement");
    TCase *tc = tcase_create("placement");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_placement_everywhere_exact);
    tcase_add_test(tc, test_placement_lcd_exact);
    tcase_add_test(tc, test_placement_exclusive_over_lcd_moves_down);
    tcase_add_test(tc, test_placement_exclusive_over_everywhere_keeps_nothing);
    tcase_add_test(tc, test_placement_probabilistic_exact);
    tcase_add_loop_test(tc, test_placement_lcd_matches_theory, 0,
                        sizeof lcd_cases / sizeof lcd_cases[0]);
    tcase_add_loop_test(tc, test_placement_qlru_matches_theory, 0,
                        sizeof qlru_cases / sizeof qlru_cases[0]);
    tcase_add_test(tc, test_placement_input_errors);
    tcase_add_test(tc, test_placement_outputs);
    if (!test_sanitized()) /* four runs of 300,000 requests */
        tcase_add_test(tc, test_lesson_placement);
    suite_add_tcase(s, tc);
    return s;
}
