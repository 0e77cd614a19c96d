/* run_text.c: the words and tables of one run's report: the scenario,
 * the key numbers, the nodes, tiers and regions (run.c draws the plots).
 *
 * Everything comes from struct run_info, which run.c loads from the
 * database rows the run wrote. */
#include <string.h>

#include "metrics/metrics.h"
#include "report/report_int.h"

static const char *
plural(int64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void
describe_scenario(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32];
    rep_doc_h2(doc, "Scenario");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Topology ");
    rep_doc_bold(doc, "%s", r->topology);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, r->topology_path);
    rep_doc_text(
        doc, "): %zu %s", r->n_regions,
        plural((int64_t)r->n_regions, "client region", "client regions"));
    for (size_t i = 0; i < r->n_regions; i++)
        rep_doc_text(doc, "%s%s", i ? ", " : " (", r->regions[i].name);
    rep_doc_text(doc, "%s", r->n_regions ? ")" : "");
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        rep_doc_text(doc, "%s%d %s%s",
                     i == 0                ? "; "
                     : i + 1 == r->n_tiers ? " and "
                                           : ", ",
                     t->n_nodes, t->tier, t->n_nodes == 1 ? "" : "s");
    }
    rep_doc_text(doc, ". Workload ");
    rep_doc_bold(doc, "%s", r->workload);
    rep_doc_text(doc, " (");
    rep_doc_code(doc, r->workload_path);
    rep_doc_text(doc, "), seed %lld", (long long)r->seed);
    if (r->overrides[0]) {
        rep_doc_text(doc, ", with overrides ");
        rep_doc_code(doc, r->overrides);
    } else {
        rep_doc_text(doc, ", no overrides");
    }
    rep_doc_text(doc, ". The run measured %s client requests (%s)",
                 rep_fmt_count(r->requests, a, sizeof a),
                 rep_fmt_bytes((double)r->bytes, b, sizeof b));
    if (strcmp(r->status, "complete") == 0)
        rep_doc_text(doc, " and is complete; it started %s.", r->started);
    else
        rep_doc_text(doc,
                     "; it was interrupted (status %s), so these are "
                     "partial results.",
                     r->status);
    rep_doc_p_end(doc);
}

/* Every client request is answered by a cache, by the origin, or with
 * an error: three shares that add up to all of them. */
static void
describe_answers(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32], c[32];
    rep_doc_text(doc, "Caches answered ");
    rep_doc_bold(
        doc, "%s",
        rep_fmt_pct(rep_ratio(r->from_cache, r->requests), a, sizeof a));
    rep_doc_text(
        doc,
        " of the client requests (offload), the origin "
        "%s",
        rep_fmt_pct(rep_ratio(r->from_origin, r->requests), b, sizeof b));
    rep_doc_text(doc, ", and %s failed. ",
                 rep_fmt_pct(rep_ratio(r->errors, r->requests), c, sizeof c));
    rep_doc_text(doc,
                 "Byte offload (bytes answered by a cache%s, of "
                 "all bytes asked for) was ",
                 r->pushed_bytes > 0 ? ", less the bytes pushed into "
                                       "the caches"
                                     : "");
    rep_doc_bold(doc, "%s", rep_fmt_pct(r->byte_offload, b, sizeof b));
    rep_doc_text(doc, ". ");
}

/* A run written before version 3: offload then was 1 - origin requests /
 * client requests, which failures raised. */
static void
describe_old_offload(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32];
    rep_doc_text(doc, "Offload as an older cdnsim measured it (1 - "
                      "origin/client requests, which failed requests "
                      "raise) was ");
    rep_doc_bold(doc, "%s", rep_fmt_pct(r->offload, a, sizeof a));
    rep_doc_text(doc, ", byte offload ");
    rep_doc_bold(doc, "%s", rep_fmt_pct(r->byte_offload, b, sizeof b));
    rep_doc_text(doc, ". ");
}

/* The origin's load: in all, at its peak, and (when origin_load was
 * written) past the cold start. */
static void
describe_origin(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32], c[32];
    rep_doc_text(doc,
                 "The origin served %s requests (%s), at most %s in one "
                 "second",
                 rep_fmt_count(r->origin_requests, a, sizeof a),
                 rep_fmt_bytes((double)r->origin_bytes, b, sizeof b),
                 rep_fmt_count(r->origin_peak_rps, c, sizeof c));
    if (r->pushed_bytes > 0)
        rep_doc_text(doc, "; its bytes include %s pushed into caches",
                     rep_fmt_bytes((double)r->pushed_bytes, a, sizeof a));
    rep_doc_text(doc, ". ");
    if (r->settle_s >= 0)
        rep_doc_text(doc,
                     "On average it was asked %.1f requests per second; "
                     "after the first %.1f s of cold start (cut off by "
                     "MSER-5), %.1f on average and at most %.0f. ",
                     r->mean_rps, r->settle_s, r->steady_mean_rps,
                     r->steady_peak_rps);
}

/* Latency, cost by tier, then what went wrong, if anything. */
static void
describe_latency_cost_errors(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32];
    rep_doc_text(doc,
                 "Clients waited %.1f ms on average; half of them at "
                 "most %.1f ms, 99%% at most %.1f ms. ",
                 r->lat_mean, r->lat_p50, r->lat_p99);
    rep_doc_text(doc, "Egress cost $%.4f", r->cost_usd);
    for (size_t i = 0; i < r->n_tiers; i++)
        rep_doc_text(doc, "%s%s $%.4f", i ? ", " : " (", r->tiers[i].tier,
                     r->tiers[i].cost_usd);
    rep_doc_text(doc, "%s. ", r->n_tiers ? ")" : "");
    if (r->errors > 0)
        rep_doc_text(
            doc, "%s requests (%s) were answered with an error.",
            rep_fmt_count(r->errors, a, sizeof a),
            rep_fmt_pct(rep_ratio(r->errors, r->requests), b, sizeof b));
    else
        rep_doc_text(doc, "No request failed.");
    if (r->outdated > 0)
        rep_doc_text(
            doc,
            " %s requests (%s) got an older version of the "
            "object than the origin had when they were made.",
            rep_fmt_count(r->outdated, a, sizeof a),
            rep_fmt_pct(rep_ratio(r->outdated, r->requests), b, sizeof b));
}

/* The table's rows of where the requests were answered, and offload. */
static void
answer_rows(struct rep_doc *doc, const struct run_info *r)
{
    char a[32];
    rep_doc_cell(doc, "client requests (measured)");
    rep_doc_cell(doc, "%s", rep_fmt_count(r->requests, a, sizeof a));
    if (r->from_cache >= 0) {
        rep_doc_cell(doc, "served from a cache");
        rep_doc_cell(doc, "%s", rep_fmt_count(r->from_cache, a, sizeof a));
        rep_doc_cell(doc, "served from the origin");
        rep_doc_cell(doc, "%s", rep_fmt_count(r->from_origin, a, sizeof a));
        rep_doc_cell(doc, "failed (errors)");
        rep_doc_cell(doc, "%s", rep_fmt_count(r->errors, a, sizeof a));
        rep_doc_cell(doc, "offload (served from a cache / client "
                          "requests)");
    } else {
        rep_doc_cell(doc, "offload (1 - origin/client requests; before "
                          "version 3)");
    }
    rep_doc_cell(doc, "%s", rep_fmt_pct(r->offload, a, sizeof a));
    rep_doc_cell(doc, "byte offload");
    rep_doc_cell(doc, "%s", rep_fmt_pct(r->byte_offload, a, sizeof a));
}

/* The table's rows of the origin's load. */
static void
origin_rows(struct rep_doc *doc, const struct run_info *r)
{
    char a[32];
    rep_doc_cell(doc, "origin requests");
    rep_doc_cell(doc, "%s", rep_fmt_count(r->origin_requests, a, sizeof a));
    rep_doc_cell(doc, "origin bytes");
    rep_doc_cell(doc, "%s",
                 rep_fmt_bytes((double)r->origin_bytes, a, sizeof a));
    rep_doc_cell(doc, "origin peak (requests in one second)");
    rep_doc_cell(doc, "%s", rep_fmt_count(r->origin_peak_rps, a, sizeof a));
    if (r->settle_s >= 0) {
        rep_doc_cell(doc, "origin mean (requests/s)");
        rep_doc_cell(doc, "%.1f", r->mean_rps);
        rep_doc_cell(doc,
                     "origin steady-state peak / mean (requests/s, "
                     "after %.1f s)",
                     r->settle_s);
        rep_doc_cell(doc, "%.0f / %.1f", r->steady_peak_rps,
                     r->steady_mean_rps);
    }
}

/* The key numbers as a table, for readers who skip the prose. */
static void
key_numbers_table(struct rep_doc *doc, const struct run_info *r)
{
    char a[32];
    static const char *const head[] = {"figure", "value"};
    static const int right[] = {0, 1};
    rep_doc_table_begin(doc, 2, head, right);
    answer_rows(doc, r);
    origin_rows(doc, r);
    rep_doc_cell(doc, "latency mean / p50 / p90 (ms)");
    rep_doc_cell(doc, "%.3f / %.3f / %.3f", r->lat_mean, r->lat_p50,
                 r->lat_p90);
    rep_doc_cell(doc, "latency p99 / p99.9 / max (ms)");
    rep_doc_cell(doc, "%.3f / %.3f / %.3f", r->lat_p99, r->lat_p999,
                 r->lat_max);
    rep_doc_cell(doc, "egress cost (USD)");
    rep_doc_cell(doc, "%.4f", r->cost_usd);
    if (r->from_cache < 0) {
        rep_doc_cell(doc, "errors");
        rep_doc_cell(doc, "%s", rep_fmt_count(r->errors, a, sizeof a));
    }
    rep_doc_cell(doc, "outdated answers");
    if (r->outdated < 0) /* not measured (schema version 1) */
        rep_doc_cell(doc, "n/a");
    else
        rep_doc_cell(doc, "%s", rep_fmt_count(r->outdated, a, sizeof a));
    rep_doc_table_end(doc);
}

static void
describe_numbers(struct rep_doc *doc, const struct run_info *r)
{
    rep_doc_h2(doc, "Key numbers");
    rep_doc_p_begin(doc);
    if (r->from_cache >= 0)
        describe_answers(doc, r);
    else
        describe_old_offload(doc, r);
    describe_origin(doc, r);
    describe_latency_cost_errors(doc, r);
    rep_doc_p_end(doc);
    key_numbers_table(doc, r);
}

static void
node_tables(struct rep_doc *doc, const struct run_info *r)
{
    char a[32], b[32];
    rep_doc_h2(doc, "Nodes and tiers");
    static const char *const head[] = {
        "node",           "tier",      "requests",  "hit ratio",
        "byte hit ratio", "bytes out", "cost (USD)"};
    static const int right[] = {0, 0, 1, 1, 1, 1, 1};
    rep_doc_table_begin(doc, 7, head, right);
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct node_row *n = &r->nodes[i];
        rep_doc_cell(doc, "%s", n->name);
        rep_doc_cell(doc, "%s", n->tier);
        rep_doc_cell(doc, "%s",
                     rep_fmt_count((int64_t)n->c.requests, a, sizeof a));
        rep_doc_cell(doc, "%s", rep_fmt_pct(n->hit_ratio, a, sizeof a));
        rep_doc_cell(doc, "%s", rep_fmt_pct(n->byte_hit_ratio, b, sizeof b));
        rep_doc_cell(doc, "%s",
                     rep_fmt_bytes((double)n->c.bytes_out, a, sizeof a));
        rep_doc_cell(doc, "%.4f", n->cost_usd);
    }
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        rep_doc_cell(doc, "all %d", t->n_nodes);
        rep_doc_cell(doc, "%s", t->tier);
        rep_doc_cell(doc, "%s",
                     rep_fmt_count((int64_t)t->c.requests, a, sizeof a));
        rep_doc_cell(
            doc, "%s",
            rep_fmt_pct(met_ratio(t->c.hits, t->c.requests), a, sizeof a));
        rep_doc_cell(
            doc, "%s",
            rep_fmt_pct(met_ratio(t->c.bytes_hit, t->c.bytes_requested), b,
                        sizeof b));
        rep_doc_cell(doc, "%s",
                     rep_fmt_bytes((double)t->c.bytes_out, a, sizeof a));
        rep_doc_cell(doc, "%.4f", t->cost_usd);
    }
    rep_doc_table_end(doc);

    rep_doc_h2(doc, "Regions");
    /* The hit ratio is the share served from a cache; with the share
     * served from the origin and the failures it makes up the requests. */
    static const char *const rhead[] = {"region",    "requests",
                                        "failed",    "from the origin",
                                        "hit ratio", "byte hit ratio",
                                        "mean (ms)", "p50",
                                        "p90",       "p99",
                                        "p99.9",     "max"};
    static const int rright[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    rep_doc_table_begin(doc, 12, rhead, rright);
    for (size_t i = 0; i < r->n_regions; i++) {
        const struct region_row *g = &r->regions[i];
        rep_doc_cell(doc, "%s", g->name);
        rep_doc_cell(doc, "%s", rep_fmt_count(g->requests, a, sizeof a));
        rep_doc_cell(doc, "%s", rep_fmt_count(g->errors, a, sizeof a));
        if (g->from_origin < 0)
            rep_doc_cell(doc, "n/a");
        else
            rep_doc_cell(doc, "%s", rep_fmt_count(g->from_origin, a, sizeof a));
        if (g->hit_ratio < 0) { /* a version-1 file did not measure them */
            rep_doc_cell(doc, "n/a");
            rep_doc_cell(doc, "n/a");
        } else {
            rep_doc_cell(doc, "%s", rep_fmt_pct(g->hit_ratio, a, sizeof a));
            rep_doc_cell(doc, "%s",
                         rep_fmt_pct(g->byte_hit_ratio, a, sizeof a));
        }
        rep_doc_cell(doc, "%.3f", g->mean);
        rep_doc_cell(doc, "%.3f", g->p50);
        rep_doc_cell(doc, "%.3f", g->p90);
        rep_doc_cell(doc, "%.3f", g->p99);
        rep_doc_cell(doc, "%.3f", g->p999);
        rep_doc_cell(doc, "%.3f", g->max);
    }
    rep_doc_table_end(doc);
}

static void
figures(struct rep_doc *doc)
{
    rep_doc_h2(doc, "Plots");
    rep_doc_figure(doc, "hit-ratio",
                   "Hit ratio and byte hit ratio of each caching node and "
                   "of each tier as a whole");
    rep_doc_figure(doc, "latency-cdf",
                   "Client latency per region: the share of requests "
                   "answered within a given time (log scale)");
    rep_doc_figure(doc, "origin",
                   "Requests per second and egress bandwidth at the origin "
                   "over the run");
    rep_doc_figure(doc, "cost", "Egress cost of each node and of each tier");
    rep_doc_figure(doc, "outcomes",
                   "What happened to the requests reaching each tier");
}

void
rep_run_text(struct rep_doc *doc, const struct run_info *r)
{
    describe_scenario(doc, r);
    describe_numbers(doc, r);
    figures(doc);
    node_tables(doc, r);
}
