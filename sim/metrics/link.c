/* link.c: the measurements of links with a capacity: busy time and
 * offered bytes per window, and the figures a capacity planner reads
 * from them (utilisation, mean, peak and 95th-percentile rates, overload).
 *
 * A link's rate in a window is its busy time there x its capacity /
 * the window's width; the 95th percentile of those rates is the figure
 * transit is billed on (with 5-minute windows: metrics.window: 5m). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

void
met_run_links(struct met_run *r, size_t n_links)
{
    SIM_ASSERT(r->links == NULL);
    r->links = n_links ? xcalloc(n_links, sizeof *r->links) : NULL;
    r->n_links = n_links;
}

static struct met_link_window *
link_window_at(struct met_link *l, uint64_t w)
{
    if (w >= l->windows_cap) {
        uint64_t cap = l->windows_cap ? l->windows_cap * 2 : 64;
        if (cap <= w)
            cap = w + 1;
        SIM_ASSERT(cap <= SIZE_MAX / sizeof *l->windows);
        l->windows = xrealloc(l->windows, (size_t)cap * sizeof *l->windows);
        memset(l->windows + l->windows_cap, 0,
               (size_t)(cap - l->windows_cap) * sizeof *l->windows);
        l->windows_cap = cap;
    }
    if (w >= l->n_windows)
        l->n_windows = w + 1;
    return &l->windows[w];
}

struct met_link_window *
met_link_window(struct met_run *r, size_t k, int64_t t_ns)
{
    SIM_ASSERT(k < r->n_links);
    uint64_t w = met_window_index(r, t_ns);
    return link_window_at(&r->links[k], w);
}

void
met_link_busy(struct met_run *r, size_t k, int64_t from_ns, int64_t to_ns)
{
    SIM_ASSERT(k < r->n_links && 0 <= from_ns && from_ns <= to_ns);
    struct met_link *l = &r->links[k];
    l->busy_ns += to_ns - from_ns;
    if (to_ns > l->end_ns)
        l->end_ns = to_ns;
    /* A window's share of the interval; one long transfer on a slow link
     * may cover many windows. */
    while (from_ns < to_ns) {
        uint64_t w = met_window_index(r, from_ns);
        int64_t hi = ((int64_t)w + 1) * r->window_ns;
        int64_t upto = to_ns < hi ? to_ns : hi;
        link_window_at(l, w)->busy_ns += upto - from_ns;
        from_ns = upto;
    }
    /* Coarsening may have come in between: the index is taken afresh for
     * every window, and a merged window keeps the sum. */
}

void
met_links_coarsen(struct met_run *r)
{
    for (size_t k = 0; k < r->n_links; k++) {
        struct met_link *l = &r->links[k];
        uint64_t m = (l->n_windows + 1) / 2;
        for (uint64_t j = 0; j < m; j++) {
            struct met_link_window sum = l->windows[2 * j];
            if (2 * j + 1 < l->n_windows) {
                sum.busy_ns += l->windows[2 * j + 1].busy_ns;
                sum.offered_bytes += l->windows[2 * j + 1].offered_bytes;
            }
            l->windows[j] = sum;
        }
        if (l->n_windows > m)
            memset(l->windows + m, 0,
                   (size_t)(l->n_windows - m) * sizeof *l->windows);
        l->n_windows = m;
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The span the figures of links ending at end_ns are taken over. */
static int64_t
link_span_ns(const struct met_run *r, int64_t end_ns)
{
    int64_t span = r->measured_end_ns - r->measured_start_ns;
    if (span < end_ns)
        span = end_ns;
    return span > 0 ? span : 0;
}

/* Window w of the links listed in ks, together. */
static void
window_rate(const struct met_run *r, const size_t *ks, size_t n, uint64_t w,
            struct met_link_rate *out)
{
    memset(out, 0, sizeof *out);
    double bits = 0, capacity_bps = 0;
    int64_t busy_ns = 0;
    for (size_t j = 0; j < n; j++) {
        const struct met_link *l = &r->links[ks[j]];
        capacity_bps += (double)l->capacity_bps;
        if (w >= l->n_windows)
            continue;
        busy_ns += l->windows[w].busy_ns;
        bits += (double)l->windows[w].busy_ns / 1e9 * (double)l->capacity_bps;
        out->offered_bytes += l->windows[w].offered_bytes;
    }
    double window_s = (double)r->window_ns / 1e9;
    out->busy_s = (double)busy_ns / 1e9;
    out->bytes = (uint64_t)llround(bits / 8);
    out->mbps = window_s > 0 ? bits / window_s / 1e6 : 0.0;
    out->utilisation = capacity_bps > 0 && window_s > 0
                           ? bits / (capacity_bps * window_s)
                           : 0.0;
}

void
met_link_window_rate(const struct met_run *r, size_t k, uint64_t w,
                     struct met_link_rate *out)
{
    SIM_ASSERT(k < r->n_links);
    window_rate(r, &k, 1, w, out);
}

/* The indices of node i's links into ks (room for r->n_links); returns
 * how many. */
static size_t
node_links(const struct met_run *r, size_t i, size_t *ks)
{
    size_t n = 0;
    for (size_t k = 0; k < r->n_links; k++)
        if (r->links[k].from_node == (int)i)
            ks[n++] = k;
    return n;
}

void
met_node_window_rate(const struct met_run *r, size_t i, uint64_t w,
                     struct met_link_rate *out)
{
    size_t *ks = xcalloc(r->n_links ? r->n_links : 1, sizeof *ks);
    window_rate(r, ks, node_links(r, i, ks), w, out);
    free(ks);
}

/*
 * Fills *s from the links listed in ks (their windows summed window by
 * window): the one link of met_link_summary, or a node's links.
 */
static void
links_stats(const struct met_run *r, const size_t *ks, size_t n,
            struct met_link_stats *s)
{
    memset(s, 0, sizeof *s);
    if (n == 0)
        return;
    int64_t end_ns = 0, offer_ns = 0;
    uint64_t n_windows = 0, offered = 0, done = 0;
    long double busy_bits = 0, transfer_ns = 0; /* busy ns x bits/s */
    double capacity_bps = 0;
    for (size_t j = 0; j < n; j++) {
        const struct met_link *l = &r->links[ks[j]];
        capacity_bps += (double)l->capacity_bps;
        busy_bits += (long double)l->busy_ns * (long double)l->capacity_bps;
        offered += l->offered_bytes;
        done += l->done;
        transfer_ns += l->transfer_ns_sum;
        if (l->end_ns > end_ns)
            end_ns = l->end_ns;
        if (l->last_offer_ns > offer_ns)
            offer_ns = l->last_offer_ns;
        if (l->n_windows > n_windows)
            n_windows = l->n_windows;
    }
    int64_t span = link_span_ns(r, end_ns);
    s->capacity_mbps = capacity_bps / 1e6;
    s->span_s = (double)span / 1e9;
    s->bytes = (uint64_t)llroundl(busy_bits / 8e9L);
    s->n_windows = n_windows;
    if (span > 0) {
        s->utilisation = (double)(busy_bits / 1e9L) / capacity_bps / s->span_s;
        s->mean_mbps = (double)s->bytes * 8 / s->span_s / 1e6;
        double offer_s = offer_ns > 0 ? (double)offer_ns / 1e9 : s->span_s;
        s->offered_mbps = (double)offered * 8 / offer_s / 1e6;
    }
    s->mean_transfer_ms = done ? (double)(transfer_ns / done) / 1e6 : 0.0;
    if (n_windows == 0 || r->window_ns <= 0)
        return;
    double *rates = xcalloc(n_windows, sizeof *rates);
    for (uint64_t w = 0; w < n_windows; w++) {
        struct met_link_rate rate;
        window_rate(r, ks, n, w, &rate);
        rates[w] = rate.mbps;
        if ((double)rate.offered_bytes * 8 >
            capacity_bps * (double)r->window_ns / 1e9)
            s->overloaded_windows++;
        if (rates[w] > s->peak_mbps)
            s->peak_mbps = rates[w];
    }
    qsort(rates, n_windows, sizeof *rates, cmp_double);
    /* Nearest rank: drop the busiest 5% of windows, bill the next. */
    uint64_t rank = (uint64_t)ceil(0.95 * (double)n_windows);
    s->p95_mbps = rates[rank > 0 ? rank - 1 : 0];
    free(rates);
}

void
met_link_summary(const struct met_run *r, size_t k, struct met_link_stats *out)
{
    SIM_ASSERT(k < r->n_links);
    links_stats(r, &k, 1, out);
}

size_t
met_node_link_summary(const struct met_run *r, size_t i,
                      struct met_link_stats *out)
{
    size_t *ks = xcalloc(r->n_links ? r->n_links : 1, sizeof *ks);
    size_t n = node_links(r, i, ks);
    links_stats(r, ks, n, out);
    free(ks);
    return n;
}

int
met_link_is_overloaded(const struct met_link_stats *s)
{
    return s->offered_mbps > s->capacity_mbps || s->overloaded_windows > 0;
}
