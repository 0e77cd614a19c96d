/* cost.c: a provider's bill beyond flat egress, for the run and for a
 * 30-day month.
 *
 * How each price applies (as public CDN and transit price sheets bill):
 * - requests: a fee per 10,000 client requests at the provider's edges;
 * - egress: every byte its nodes send (bytes_out, as the flat cost), at
 *   each node's flat price, or, with egress_tiers, the month's volume
 *   priced tier by tier (the first up_to_gb GB at the first price, ...);
 * - links: the 95th percentile of each of its links' window rates
 *   (met_link_stats.p95_mbps: links with a capacity that its nodes send
 *   on), at a price per Mbit/s per month;
 * - storage: the bytes pushes stored at its nodes, held for the month,
 *   at a price per GB-month.
 * The month is the measured span scaled to 30 days (month_factor = 30 d
 * / span): volumes scale by it; the 95th percentile and the stored
 * bytes do not (a rate and a level, not a volume). The run's share of a
 * monthly amount is that amount / month_factor; flat egress and request
 * fees are linear, so their run amounts are the run's volume times the
 * price, exactly. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/json_escape.h"

double
met_tiered_usd(const struct met_price_tier *tiers, size_t n, double gb)
{
    double usd = 0, floor_gb = 0;
    for (size_t k = 0; k < n && gb > floor_gb; k++) {
        int is_last = k + 1 == n;
        double top = is_last ? gb : fmin(gb, tiers[k].up_to_gb);
        usd += (top - floor_gb) * tiers[k].usd_per_gb;
        floor_gb = top;
    }
    return usd;
}

void
met_billing_free(struct met_billing *b)
{
    if (b == NULL)
        return;
    for (size_t p = 0; p < b->n_providers; p++)
        free(b->providers[p].tiers);
    free(b->providers);
    free(b->node_provider);
    free(b);
}

/* Sums what provider p's nodes and links counted into out. */
static void
bill_volumes(const struct met_run *r, size_t p, struct met_provider_bill *out,
             double *flat_egress_usd)
{
    const struct met_billing *b = r->billing;
    *flat_egress_usd = 0;
    for (size_t i = 0; i < r->n_nodes; i++) {
        if (b->node_provider[i] != (int)p)
            continue;
        const struct met_node *n = &r->nodes[i];
        if (n->tier && strcmp(n->tier, "edge") == 0)
            out->requests += n->c.requests;
        out->egress_bytes += n->c.bytes_out;
        out->pushed_bytes += n->c.pushed_bytes;
        *flat_egress_usd += met_node_cost(n);
    }
    for (size_t k = 0; k < r->n_links; k++) {
        if (b->node_provider[r->links[k].from_node] != (int)p)
            continue;
        struct met_link_stats s;
        met_link_summary(r, k, &s);
        out->link_p95_mbps += s.p95_mbps;
    }
}

void
met_provider_bill(const struct met_run *r, size_t p,
                  struct met_provider_bill *out)
{
    const struct met_provider_prices *pr = &r->billing->providers[p];
    memset(out, 0, sizeof *out);
    out->name = pr->name;
    double flat_usd;
    bill_volumes(r, p, out, &flat_usd);
    double span_s =
        r->measured_end_ns > r->measured_start_ns
            ? (double)(r->measured_end_ns - r->measured_start_ns) / 1e9
            : 0.0;
    double f = span_s > 0 ? MET_MONTH_S / span_s : 0.0;
    out->month_factor = f;

    double gb = (double)out->egress_bytes / 1e9;
    if (pr->tiers == NULL) {
        out->egress_usd = flat_usd;
        out->month_egress_usd = flat_usd * f;
    } else {
        out->month_egress_usd = met_tiered_usd(pr->tiers, pr->n_tiers, gb * f);
        /* No span: the run is its own month. */
        out->egress_usd = f > 0 ? out->month_egress_usd / f
                                : met_tiered_usd(pr->tiers, pr->n_tiers, gb);
    }
    out->request_usd = (double)out->requests / 1e4 * pr->request_usd_per_10k;
    out->month_request_usd = out->request_usd * f;
    out->month_link_usd = out->link_p95_mbps * pr->link_usd_per_mbps_month;
    out->month_storage_usd =
        (double)out->pushed_bytes / 1e9 * pr->storage_usd_per_gb_month;
    out->link_usd = f > 0 ? out->month_link_usd / f : 0.0;
    out->storage_usd = f > 0 ? out->month_storage_usd / f : 0.0;
    out->total_usd =
        out->egress_usd + out->request_usd + out->link_usd + out->storage_usd;
    out->month_total_usd = out->month_egress_usd + out->month_request_usd +
                           out->month_link_usd + out->month_storage_usd;
}

/* ---- JSON, in json.c's layout ------------------------------------------ */

struct bill_json {
    FILE *out;
    int depth;
    int has_item;
};

static void
bj_key(struct bill_json *w, const char *key)
{
    fputs(w->has_item ? ",\n" : "\n", w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
    json_fputs(w->out, key);
    fputs(": ", w->out);
    w->has_item = 1;
}

static void
bj_open(struct bill_json *w, const char *key)
{
    if (key)
        bj_key(w, key);
    fputc('{', w->out);
    w->depth++;
    w->has_item = 0;
}

static void
bj_close(struct bill_json *w)
{
    w->depth--;
    if (w->has_item) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    fputc('}', w->out);
    w->has_item = 1;
}

/* As json.c prints reals: "%.6f", never NaN, inf or -0.000000. */
static void
bj_real(struct bill_json *w, const char *key, double v)
{
    bj_key(w, key);
    if (!isfinite(v) || fabs(v) < 5e-7)
        v = 0.0;
    fprintf(w->out, "%.6f", v);
}

static void
bj_u64(struct bill_json *w, const char *key, uint64_t v)
{
    bj_key(w, key);
    fprintf(w->out, "%" PRIu64, v);
}

static void
bj_amounts(struct bill_json *w, const char *key, double egress, double requests,
           double links, double storage, double total)
{
    bj_open(w, key);
    bj_real(w, "egress", egress);
    bj_real(w, "requests", requests);
    bj_real(w, "links", links);
    bj_real(w, "storage", storage);
    bj_real(w, "total", total);
    bj_close(w);
}

void
met_billing_json(const struct met_run *r, FILE *out, int depth)
{
    struct bill_json w = {out, depth, 0};
    double total = 0, month_total = 0, factor = 0;
    bj_open(&w, NULL);
    bj_open(&w, "providers");
    for (size_t p = 0; p < r->billing->n_providers; p++) {
        struct met_provider_bill b;
        met_provider_bill(r, p, &b);
        bj_open(&w, b.name);
        bj_u64(&w, "requests", b.requests);
        bj_u64(&w, "egress_bytes", b.egress_bytes);
        bj_u64(&w, "pushed_bytes", b.pushed_bytes);
        bj_real(&w, "link_p95_mbps", b.link_p95_mbps);
        bj_amounts(&w, "usd", b.egress_usd, b.request_usd, b.link_usd,
                   b.storage_usd, b.total_usd);
        bj_amounts(&w, "month_usd", b.month_egress_usd, b.month_request_usd,
                   b.month_link_usd, b.month_storage_usd, b.month_total_usd);
        bj_close(&w);
        total += b.total_usd;
        month_total += b.month_total_usd;
        factor = b.month_factor;
    }
    bj_close(&w);
    bj_real(&w, "month_factor", factor);
    bj_real(&w, "total_usd", total);
    bj_real(&w, "month_total_usd", month_total);
    bj_close(&w);
}

void
met_billing_print(const struct met_run *r, FILE *out)
{
    if (r->billing == NULL)
        return;
    fprintf(out, "\n%-12s %11s %11s %11s %11s %11s %12s\n", "provider",
            "egress($)", "requests($)", "links($)", "storage($)", "total($)",
            "month($)");
    double total = 0, month_total = 0;
    for (size_t p = 0; p < r->billing->n_providers; p++) {
        struct met_provider_bill b;
        met_provider_bill(r, p, &b);
        fprintf(out, "%-12s %11.6f %11.6f %11.6f %11.6f %11.6f %12.2f\n",
                b.name, b.egress_usd, b.request_usd, b.link_usd, b.storage_usd,
                b.total_usd, b.month_total_usd);
        total += b.total_usd;
        month_total += b.month_total_usd;
    }
    fprintf(out, "%-12s %11s %11s %11s %11s %11.6f %12.2f\n", "total", "", "",
            "", "", total, month_total);
}
