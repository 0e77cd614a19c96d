/* origin.c: the origin's load in steady state: when the cold start is
 * over, the mean rate and the peak after it.
 *
 * A run starts with caches that only the warm-up has filled, so the
 * origin's busiest second is nearly always one of the first after the
 * warm-up, whatever is studied. The settling time is found with MSER-5
 * (the marginal standard error rule on batch means of 5 windows: White,
 * "An effective truncation heuristic for bias reduction in simulation
 * output", Simulation 69(6), 1997; White, Cobb and Spratt, WSC 2000):
 * of the truncation points d = 0 .. half the batches, the one whose
 * remaining batch means have the smallest squared standard error,
 * sum((y_i - mean)^2) / (n - d)^2. It needs no tuning constant, and a
 * run that starts warm keeps all its windows (d = 0). Only whole windows
 * count: the last, cut short by the end of the run, would look quiet. */
#include <stdlib.h>

#include "metrics/metrics.h"
#include "util/xalloc.h"

/* Windows per batch of MSER-5. */
#define ORIGIN_BATCH 5

/* The truncation MSER picks over batch means y[0..n): a batch index
 * from 0 to n/2, the first of equal ones. */
static size_t
mser_truncation(const double *y, size_t n)
{
    size_t best = 0;
    long double best_score = 0;
    for (size_t d = 0; d <= n / 2; d++) {
        long double sum = 0, sq = 0;
        size_t m = n - d;
        for (size_t i = d; i < n; i++)
            sum += y[i];
        long double mean = sum / (long double)m;
        for (size_t i = d; i < n; i++)
            sq += (y[i] - mean) * (y[i] - mean);
        long double score = sq / ((long double)m * (long double)m);
        if (d == 0 || score < best_score) {
            best = d;
            best_score = score;
        }
    }
    return best;
}

void
met_origin_load(const struct met_run *r, struct met_origin_load *out)
{
    *out = (struct met_origin_load){0};
    double window_s = (double)r->window_ns / 1e9;
    double span_s = (double)(r->measured_end_ns - r->measured_start_ns) / 1e9;
    if (span_s > 0)
        out->mean_rps = (double)r->origin_requests / span_s;
    if (r->window_ns <= 0 || r->measured_end_ns <= r->measured_start_ns)
        return;
    uint64_t n_full =
        (uint64_t)((r->measured_end_ns - r->measured_start_ns) / r->window_ns);
    uint64_t n_windows = 0;
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].depth == 0 && r->nodes[i].n_windows > n_windows)
            n_windows = r->nodes[i].n_windows;
    if (n_full > n_windows)
        n_full = n_windows; /* no origin request after these */
    if (n_full == 0)
        return;
    /* Origin requests per whole window, summed over the origins. */
    uint64_t *x = xcalloc((size_t)n_full, sizeof *x);
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        if (n->depth != 0)
            continue;
        for (uint64_t k = 0; k < n_full && k < n->n_windows; k++)
            x[k] += n->windows[k].requests;
    }
    size_t n_batches = (size_t)(n_full / ORIGIN_BATCH);
    size_t first = 0; /* the first steady window */
    if (n_batches >= 2) {
        double *y = xcalloc(n_batches, sizeof *y);
        for (size_t b = 0; b < n_batches; b++) {
            uint64_t s = 0;
            for (size_t k = 0; k < ORIGIN_BATCH; k++)
                s += x[b * ORIGIN_BATCH + k];
            y[b] = (double)s / ORIGIN_BATCH;
        }
        first = mser_truncation(y, n_batches) * ORIGIN_BATCH;
        free(y);
    }
    uint64_t peak = 0, sum = 0;
    for (size_t k = first; k < n_full; k++) {
        peak = x[k] > peak ? x[k] : peak;
        sum += x[k];
    }
    free(x);
    out->settle_windows = first;
    out->settle_s = (double)first * window_s;
    out->steady_windows = n_full - first;
    out->steady_peak_rps = (double)peak / window_s;
    out->steady_mean_rps = (double)sum / ((double)(n_full - first) * window_s);
}
