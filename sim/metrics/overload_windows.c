/* overload_windows.c: each node's 429s, 503s and 504s per time-series
 * window (met_node.overload_windows). A series of its own beside the
 * node's windows, allocated only for a node that turns a request away,
 * so that struct met_window, which every request's lookup touches, stays
 * as small as it was. */
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

struct met_overload *
met_run_overload_window(struct met_run *r, size_t i, int64_t t_ns)
{
    met_run_window(r, i, t_ns); /* coarsens and sizes windows first */
    struct met_node *n = &r->nodes[i];
    if (n->overload_cap < n->windows_cap) {
        SIM_ASSERT(n->windows_cap <= SIZE_MAX / sizeof *n->overload_windows);
        n->overload_windows =
            xrealloc(n->overload_windows,
                     (size_t)n->windows_cap * sizeof *n->overload_windows);
        memset(n->overload_windows + n->overload_cap, 0,
               (size_t)(n->windows_cap - n->overload_cap) *
                   sizeof *n->overload_windows);
        n->overload_cap = n->windows_cap;
    }
    return &n->overload_windows[r->window_index];
}

void
met_overload_coarsen(struct met_node *n)
{
    uint64_t have =
        n->n_windows < n->overload_cap ? n->n_windows : n->overload_cap;
    uint64_t m = (have + 1) / 2;
    for (uint64_t k = 0; k < m; k++) {
        struct met_overload sum = n->overload_windows[2 * k];
        if (2 * k + 1 < have) {
            const struct met_overload *b = &n->overload_windows[2 * k + 1];
            sum.rate_limited += b->rate_limited;
            sum.refused += b->refused;
            sum.timed_out += b->timed_out;
        }
        n->overload_windows[k] = sum;
    }
    if (have > m)
        memset(n->overload_windows + m, 0,
               (size_t)(have - m) * sizeof *n->overload_windows);
}
