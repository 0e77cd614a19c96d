/* table.c: the aligned summary a person reads after a run.
 *
 * Cells are formatted into strings first and the column widths taken from
 * the longest cell, so long node or region names and large counts never
 * break the alignment. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/xalloc.h"

#define TBL_MAX_COLS 13

/* A grid of owned strings; a row of NULLs prints as a rule. */
struct tbl {
    size_t n_cols;
    size_t n_left; /* the first n_left columns align left */
    char **cells;  /* [n_rows * n_cols] */
    size_t n_rows;
    size_t rows_cap;
    size_t row_fill; /* cells filled in the current row */
};

static void
tbl_init(struct tbl *t, size_t n_cols, size_t n_left)
{
    SIM_ASSERT(n_cols <= TBL_MAX_COLS);
    memset(t, 0, sizeof *t);
    t->n_cols = n_cols;
    t->n_left = n_left;
}

static void
tbl_fini(struct tbl *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
}

/* Starts a new row; its cells are NULL until tbl_cell fills them. */
static void
tbl_row(struct tbl *t)
{
    /* Rows of n_cols cells are the elements that grow. */
    t->cells = xgrow(t->cells, &t->rows_cap, t->n_rows + 1,
                     t->n_cols * sizeof *t->cells, 16);
    for (size_t c = 0; c < t->n_cols; c++)
        t->cells[t->n_rows * t->n_cols + c] = NULL;
    t->n_rows++;
    t->row_fill = 0;
}

static void tbl_cell(struct tbl *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tbl_cell(struct tbl *t, const char *fmt, ...)
{
    SIM_ASSERT(t->n_rows > 0 && t->row_fill < t->n_cols);
    va_list ap;
    va_start(ap, fmt);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(s, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    t->cells[(t->n_rows - 1) * t->n_cols + t->row_fill++] = s;
}

static void
tbl_print(const struct tbl *t, FILE *out)
{
    size_t width[TBL_MAX_COLS] = {0};
    size_t total = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = t->cells[r * t->n_cols + c];
            size_t len = s ? strlen(s) : 0;
            if (len > width[c])
                width[c] = len;
        }
    }
    for (size_t c = 0; c < t->n_cols; c++)
        total += width[c] + (c ? 2 : 0);
    for (size_t r = 0; r < t->n_rows; r++) {
        char *const *row = &t->cells[r * t->n_cols];
        if (row[0] == NULL) {
            for (size_t i = 0; i < total; i++)
                fputc('-', out);
            fputc('\n', out);
            continue;
        }
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = row[c] ? row[c] : "";
            int w = (int)width[c];
            if (c + 1 == t->n_cols && c < t->n_left)
                fprintf(out, "%s%s", c ? "  " : "", s); /* no trailing pad */
            else if (c < t->n_left)
                fprintf(out, "%s%-*s", c ? "  " : "", w, s);
            else
                fprintf(out, "%s%*s", c ? "  " : "", w, s);
        }
        fputc('\n', out);
    }
}

/* Bytes in binary units, e.g. "58.4 MiB", into buf. */
static const char *
fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB",
                                       "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
        snprintf(buf, len, "%" PRIu64 " B", bytes);
        return buf;
    }
    double v = (double)bytes / 1024.0;
    size_t u = 0;
    while (v >= 1024.0 && u + 1 < sizeof unit / sizeof unit[0]) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, unit[u]);
    return buf;
}

static void
node_cells(struct tbl *t, const char *name, const char *tier,
           const struct met_counters *c, double cost)
{
    tbl_row(t);
    tbl_cell(t, "%s", name);
    tbl_cell(t, "%s", tier);
    tbl_cell(t, "%" PRIu64, c->requests);
    tbl_cell(t, "%" PRIu64, c->hits);
    tbl_cell(t, "%" PRIu64, c->misses);
    tbl_cell(t, "%" PRIu64, c->expired);
    tbl_cell(t, "%" PRIu64, c->coalesced);
    tbl_cell(t, "%.2f", 100.0 * met_ratio(c->hits, c->requests));
    tbl_cell(t, "%.2f", 100.0 * met_ratio(c->bytes_hit, c->bytes_requested));
    tbl_cell(t, "%.3f", (double)c->bytes_out / (1024.0 * 1024.0 * 1024.0));
    tbl_cell(t, "%.4f", cost);
}

static void
print_nodes(const struct met_run *r, FILE *out)
{
    struct tbl t;
    tbl_init(&t, 11, 2);
    tbl_row(&t);
    static const char *const head[] = {
        "node",      "tier", "requests",  "hits",     "misses",  "expired",
        "coalesced", "hit%", "byte-hit%", "out(GiB)", "cost($)",
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        node_cells(&t, met_str(n->name), met_str(n->tier), &n->c,
                   met_node_cost(n));
    }
    const char **tiers = xcalloc(r->n_nodes, sizeof *tiers);
    size_t n_tiers = met_tier_list(r, tiers);
    if (n_tiers > 0)
        tbl_row(&t);
    for (size_t k = 0; k < n_tiers; k++) {
        struct met_counters sum;
        met_tier_sum(r, tiers[k], &sum);
        double cost = 0.0;
        for (size_t i = 0; i < r->n_nodes; i++)
            if (strcmp(met_str(r->nodes[i].tier), tiers[k]) == 0)
                cost += met_node_cost(&r->nodes[i]);
        node_cells(&t, "total", tiers[k], &sum, cost);
    }
    free(tiers);
    tbl_print(&t, out);
    tbl_fini(&t);
}

/* A row of the miss causes: each cause's count and its share of what
 * the node fetched on a lookup (misses + expired). */
static void
miss_cause_cells(struct tbl *t, const char *name, const char *tier,
                 const struct met_counters *c)
{
    uint64_t fetched = c->misses + c->expired;
    const uint64_t part[] = {c->misses_cold, c->misses_capacity,
                             c->misses_expiry, c->expired};
    tbl_row(t);
    tbl_cell(t, "%s", name);
    tbl_cell(t, "%s", tier);
    tbl_cell(t, "%" PRIu64, c->misses);
    for (size_t k = 0; k < sizeof part / sizeof part[0]; k++)
        tbl_cell(t, "%" PRIu64 " (%.1f%%)", part[k],
                 100.0 * met_ratio(part[k], fetched));
}

/* Why the caching nodes fetched: misses by cause (model/miss_cause.c),
 * and the copies refetched past their TTL. */
static void
print_miss_causes(const struct met_run *r, FILE *out)
{
    struct tbl t;
    tbl_init(&t, 7, 2);
    tbl_row(&t);
    static const char *const head[] = {"node",     "tier",   "misses", "cold",
                                       "capacity", "purged", "expired"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    const char **tiers = xcalloc(r->n_nodes, sizeof *tiers);
    size_t n_tiers = met_tier_list(r, tiers);
    for (size_t k = 0; k < n_tiers; k++) {
        struct met_counters sum;
        met_tier_sum(r, tiers[k], &sum);
        if (sum.misses + sum.expired == 0)
            continue; /* an origin tier: it has every object */
        for (size_t i = 0; i < r->n_nodes; i++)
            if (strcmp(met_str(r->nodes[i].tier), tiers[k]) == 0)
                miss_cause_cells(&t, met_str(r->nodes[i].name), tiers[k],
                                 &r->nodes[i].c);
        miss_cause_cells(&t, "total", tiers[k], &sum);
    }
    free(tiers);
    fputs("misses by cause (% of misses + expired): cold = never stored "
          "there, capacity = evicted, purged, expired = past its TTL\n",
          out);
    tbl_print(&t, out);
    tbl_fini(&t);
}

static void
region_cells(struct tbl *t, const char *name, const struct met_region *g,
             const struct met_hist *h)
{
    struct met_lat l;
    met_lat_summary(h, &l);
    tbl_row(t);
    tbl_cell(t, "%s", name);
    tbl_cell(t, "%" PRIu64, g->requests);
    tbl_cell(t, "%.2f", 100.0 * met_ratio(g->hits, g->requests));
    tbl_cell(t, "%.2f", 100.0 * met_ratio(g->from_origin, g->requests));
    tbl_cell(t, "%.2f", 100.0 * met_ratio(g->errors, g->requests));
    tbl_cell(t, "%.2f", 100.0 * met_ratio(g->bytes_hit, g->bytes));
    tbl_cell(t, "%.3f", l.mean_ms);
    tbl_cell(t, "%.3f", l.p50_ms);
    tbl_cell(t, "%.3f", l.p90_ms);
    tbl_cell(t, "%.3f", l.p95_ms);
    tbl_cell(t, "%.3f", l.p99_ms);
    tbl_cell(t, "%.3f", l.p999_ms);
    tbl_cell(t, "%.3f", l.max_ms);
}

/* Each content class's answers (metrics/classes.c); hit% + origin% +
 * failed% = 100 as for the regions, and outdated% of its requests. */
static void
print_classes(const struct met_run *r, FILE *out)
{
    struct tbl t;
    tbl_init(&t, 12, 1);
    tbl_row(&t);
    static const char *const head[] = {
        "class",     "requests", "hit%", "byte-hit%", "origin%", "failed%",
        "outdated%", "mean(ms)", "p50",  "p90",       "p99",     "max",
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    for (size_t k = 0; k < r->n_classes; k++) {
        const struct met_region *g = &r->classes[k];
        struct met_lat l;
        met_lat_summary(&g->latency, &l);
        tbl_row(&t);
        tbl_cell(&t, "%s", met_str(g->name));
        tbl_cell(&t, "%" PRIu64, g->requests);
        tbl_cell(&t, "%.2f", 100.0 * met_ratio(g->hits, g->requests));
        tbl_cell(&t, "%.2f", 100.0 * met_ratio(g->bytes_hit, g->bytes));
        tbl_cell(&t, "%.2f", 100.0 * met_ratio(g->from_origin, g->requests));
        tbl_cell(&t, "%.2f", 100.0 * met_ratio(g->errors, g->requests));
        tbl_cell(&t, "%.2f", 100.0 * met_ratio(g->outdated, g->requests));
        tbl_cell(&t, "%.3f", l.mean_ms);
        tbl_cell(&t, "%.3f", l.p50_ms);
        tbl_cell(&t, "%.3f", l.p90_ms);
        tbl_cell(&t, "%.3f", l.p99_ms);
        tbl_cell(&t, "%.3f", l.max_ms);
    }
    tbl_print(&t, out);
    tbl_fini(&t);
}

/* A --top list (model/top.c), under its title. */
static void
print_top(const char *title, const struct met_top_object *v, size_t n,
          FILE *out)
{
    struct tbl t;
    tbl_init(&t, 6, 2);
    tbl_row(&t);
    static const char *const head[] = {"object",         "class",
                                       "requests",       "origin req",
                                       "origin req/req", "origin bytes"};
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    for (size_t i = 0; i < n; i++) {
        char bytes[32];
        tbl_row(&t);
        tbl_cell(&t, "%" PRIu64, v[i].object);
        tbl_cell(&t, "%s", v[i].class_name ? v[i].class_name : "-");
        tbl_cell(&t, "%" PRIu64, v[i].requests);
        tbl_cell(&t, "%" PRIu64, v[i].origin_requests);
        tbl_cell(&t, "%.3f", met_ratio(v[i].origin_requests, v[i].requests));
        tbl_cell(&t, "%s", fmt_bytes(v[i].origin_bytes, bytes, sizeof bytes));
    }
    fprintf(out, "%s\n", title);
    tbl_print(&t, out);
    tbl_fini(&t);
}

static void
print_regions(const struct met_run *r, FILE *out)
{
    struct tbl t;
    tbl_init(&t, 13, 1);
    tbl_row(&t);
    /* hit% (served from a cache) + origin% + failed% = 100. */
    static const char *const head[] = {
        "region",    "requests", "hit%", "origin%", "failed%",
        "byte-hit%", "mean(ms)", "p50",  "p90",     "p95",
        "p99",       "p99.9",    "max",
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    struct met_region all = {.requests = r->requests, .bytes = r->bytes};
    for (size_t i = 0; i < r->n_regions; i++) {
        const struct met_region *g = &r->regions[i];
        region_cells(&t, met_str(g->name), g, &g->latency);
        all.hits += g->hits;
        all.bytes_hit += g->bytes_hit;
        all.from_origin += g->from_origin;
        all.errors += g->errors;
    }
    tbl_row(&t);
    region_cells(&t, "all", &all, &r->latency);
    tbl_print(&t, out);
    tbl_fini(&t);
}

static void
link_cells(struct tbl *t, const char *name, const struct met_link_stats *s,
           const char *transfer)
{
    char bytes[32];
    tbl_row(t);
    tbl_cell(t, "%s", name);
    tbl_cell(t, "%.3f", s->capacity_mbps);
    tbl_cell(t, "%s", fmt_bytes(s->bytes, bytes, sizeof bytes));
    tbl_cell(t, "%.2f", 100.0 * s->utilisation);
    tbl_cell(t, "%.3f", s->mean_mbps);
    tbl_cell(t, "%.3f", s->p95_mbps);
    tbl_cell(t, "%.3f", s->peak_mbps);
    tbl_cell(t, "%.2f",
             s->capacity_mbps > 0 ? 100.0 * s->offered_mbps / s->capacity_mbps
                                  : 0.0);
    tbl_cell(t, "%s", transfer);
}

/* Links with a capacity, each node's together, and a warning line for
 * each link offered more than its capacity. */
static void
print_links(const struct met_run *r, FILE *out)
{
    struct tbl t;
    tbl_init(&t, 9, 1);
    tbl_row(&t);
    static const char *const head[] = {
        "link", "capacity(Mbit/s)", "sent",         "util%", "mean", "p95",
        "peak", "offered%",         "transfer(ms)",
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        tbl_cell(&t, "%s", head[i]);
    for (size_t k = 0; k < r->n_links; k++) {
        const struct met_link *l = &r->links[k];
        struct met_link_stats s;
        met_link_summary(r, k, &s);
        char name[256], transfer[32];
        snprintf(name, sizeof name, "%s->%s", met_str(l->from), met_str(l->to));
        snprintf(transfer, sizeof transfer, "%.3f", s.mean_transfer_ms);
        link_cells(&t, name, &s, transfer);
    }
    int first = 1;
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct met_link_stats s;
        if (met_node_link_summary(r, i, &s) == 0)
            continue;
        if (first)
            tbl_row(&t);
        first = 0;
        char name[256];
        snprintf(name, sizeof name, "%s (all)", met_str(r->nodes[i].name));
        link_cells(&t, name, &s, "");
    }
    tbl_print(&t, out);
    tbl_fini(&t);
    for (size_t k = 0; k < r->n_links; k++) {
        const struct met_link *l = &r->links[k];
        struct met_link_stats s;
        met_link_summary(r, k, &s);
        if (s.offered_mbps > s.capacity_mbps)
            fprintf(out,
                    "warning: link %s->%s is overloaded: offered %.3f "
                    "Mbit/s on average against a capacity of %.3f Mbit/s; "
                    "its transfers queue without bound\n",
                    met_str(l->from), met_str(l->to), s.offered_mbps,
                    s.capacity_mbps);
        else if (s.overloaded_windows > 0)
            fprintf(out,
                    "warning: link %s->%s was offered more than its "
                    "capacity (%.3f Mbit/s) in %" PRIu64 " of %" PRIu64
                    " windows of %g s\n",
                    met_str(l->from), met_str(l->to), s.capacity_mbps,
                    s.overloaded_windows, s.n_windows,
                    (double)r->window_ns / 1e9);
    }
}

/* A staged purge refilled purged nodes from parents it had not reached
 * yet: how many copies, and where (nothing when none). */
static void
print_stale_refills(const struct met_run *r, FILE *out)
{
    uint64_t total = 0;
    for (size_t i = 0; i < r->n_nodes; i++)
        total += r->nodes[i].c.refilled_stale;
    if (total == 0)
        return;
    fprintf(out,
            "refilled stale %" PRIu64 ": copies purged nodes fetched "
            "from a parent the purge had not reached yet (",
            total);
    const char *sep = "";
    for (size_t i = 0; i < r->n_nodes; i++) {
        if (r->nodes[i].c.refilled_stale == 0)
            continue;
        fprintf(out, "%s%s %" PRIu64, sep, met_str(r->nodes[i].name),
                r->nodes[i].c.refilled_stale);
        sep = ", ";
    }
    fputs(")\n", out);
}

/* Cache keys with variants or query strings: the misses they cost and
 * the keys each caching node held per object (nothing when no class
 * varies). */
static void
print_cache_keys(const struct met_run *r, FILE *out)
{
    uint64_t fragment = 0, misses = 0, keys = 0;
    for (size_t i = 0; i < r->n_nodes; i++) {
        fragment += r->nodes[i].c.fragment_misses;
        misses += r->nodes[i].c.misses;
        keys += r->nodes[i].c.cached_keys;
    }
    if (fragment == 0 && keys == 0)
        return;
    fprintf(out,
            "fragmentation misses %" PRIu64 " (%.2f%% of misses): the "
            "object was cached under another variant or query string\n",
            fragment, 100.0 * met_ratio(fragment, misses));
    fputs("keys per object held:", out);
    for (size_t i = 0; i < r->n_nodes; i++)
        if (r->nodes[i].c.cached_objects > 0)
            fprintf(out, " %s %.3f", met_str(r->nodes[i].name),
                    met_ratio(r->nodes[i].c.cached_keys,
                              r->nodes[i].c.cached_objects));
    fputc('\n', out);
}

/* The run's identity and its headline: requests, offload, the origin's
 * load and cost. */
static void
print_headline(const struct met_run *r, FILE *out)
{
    fprintf(out, "cdnsim: %s (%s) x %s (%s), seed %" PRIu64 "\n",
            met_str(r->topology_name), met_str(r->topology_path),
            met_str(r->workload_name), met_str(r->workload_path), r->seed);
    if (r->overrides && r->overrides[0])
        fprintf(out, "overrides: %s\n", r->overrides);
    double span_s =
        r->measured_end_ns > r->measured_start_ns
            ? (double)(r->measured_end_ns - r->measured_start_ns) / 1e9
            : 0.0;
    fprintf(out, "requests %" PRIu64 " measured", r->requests);
    if (r->warmup_requests)
        fprintf(out, " (%" PRIu64 " warm-up excluded)", r->warmup_requests);
    fprintf(out, " over %.1f s simulated\n", span_s);
    char obytes[32], pbytes[32], pushed[64] = "";
    if (r->origin_pushed_bytes > 0)
        snprintf(pushed, sizeof pushed, " (%s pushed)",
                 fmt_bytes(r->origin_pushed_bytes, pbytes, sizeof pbytes));
    fprintf(out,
            "offload %.2f%%   byte offload %.2f%%   origin %" PRIu64
            " req, %s%s, peak %" PRIu64 " req/s   cost $%.4f\n",
            100.0 * met_offload(r), 100.0 * met_byte_offload(r),
            r->origin_requests,
            fmt_bytes(r->origin_bytes, obytes, sizeof obytes), pushed,
            r->origin_peak_rps, met_total_cost(r));
    struct met_origin_load ol;
    met_origin_load(r, &ol);
    fprintf(out,
            "origin load: mean %.1f req/s; after settling %.1f s: mean "
            "%.1f req/s, peak %.0f req/s\n",
            ol.mean_rps, ol.settle_s, ol.steady_mean_rps, ol.steady_peak_rps);
}

/* Where the client requests were answered, and why some failed or were
 * outdated. */
static void
print_answers(const struct met_run *r, FILE *out)
{
    fprintf(out,
            "answered from a cache %" PRIu64
            " (%.2f%%), from the origin %" PRIu64 " (%.2f%%), failed %" PRIu64
            " (%.2f%%)\n",
            r->from_cache, 100.0 * met_ratio(r->from_cache, r->requests),
            r->from_origin, 100.0 * met_ratio(r->from_origin, r->requests),
            r->errors, 100.0 * met_ratio(r->errors, r->requests));
    const struct met_overload *ov = &r->overload;
    uint64_t n_overload = ov->rate_limited + ov->refused + ov->timed_out;
    if (r->errors > 0 && n_overload == 0)
        fprintf(out,
                "errors %" PRIu64 " (%.2f%% of requests): a node on their "
                "path was down; latencies cover the others\n",
                r->errors, 100.0 * met_ratio(r->errors, r->requests));
    else if (r->errors > 0)
        fprintf(out,
                "errors %" PRIu64 " (%.2f%% of requests): %" PRIu64
                " rate-limited (429), %" PRIu64 " refused (503), %" PRIu64
                " timed out (504), %" PRIu64 " a node on their path was "
                "down; latencies cover the others\n",
                r->errors, 100.0 * met_ratio(r->errors, r->requests),
                ov->rate_limited, ov->refused, ov->timed_out,
                r->errors - n_overload);
    if (r->outdated > 0)
        fprintf(out,
                "outdated %" PRIu64 " (%.2f%% of requests): answered with an "
                "older version than the origin had when asked\n",
                r->outdated, 100.0 * met_ratio(r->outdated, r->requests));
}

void
met_print_table(const struct met_run *r, FILE *out)
{
    print_headline(r, out);
    print_answers(r, out);
    print_stale_refills(r, out);
    print_cache_keys(r, out);
    if (!r->is_complete)
        fputs("INTERRUPTED: these figures cover only part of the workload\n",
              out);
    fputc('\n', out);
    print_nodes(r, out);
    fputc('\n', out);
    print_regions(r, out);
    if (r->classes != NULL) {
        fputc('\n', out);
        print_classes(r, out);
    }
    fputc('\n', out);
    print_miss_causes(r, out);
    if (r->has_top) {
        fputc('\n', out);
        print_top("top objects by origin requests (--top)", r->top_by_requests,
                  r->n_top_by_requests, out);
        fputc('\n', out);
        print_top("top objects by origin bytes (--top)", r->top_by_bytes,
                  r->n_top_by_bytes, out);
    }
    if (r->n_links > 0) {
        fputc('\n', out);
        print_links(r, out);
    }
    met_billing_print(r, out);
    met_alerts_print(r, out);
    met_baseline_print(r, out);
    met_video_print(r, out);
}
