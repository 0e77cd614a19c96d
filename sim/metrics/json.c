/* json.c: the JSON summary of a run.
 *
 * The output is byte-stable: keys come in a fixed order, nodes in topology
 * order, and every real number is printed with "%.6f" (never NaN or inf),
 * so two runs with the same inputs and seed give identical files except for
 * the "engine" object, which is last so that tools can drop it. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "metrics/metrics_int.h"
#include "util/json_escape.h"
#include "util/xalloc.h"

static void
put_indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

/* A JSON string literal (util/json_escape.h); NULL is written as "". */
static void
put_str(FILE *out, const char *s)
{
    json_fputs(out, met_str(s));
}

/* The writer's position: nesting depth and whether a comma is due. */
struct jw {
    FILE *out;
    int depth;
    int has_item; /* the open object already has a member */
};

static void
jw_key(struct jw *w, const char *key)
{
    fputs(w->has_item ? ",\n" : "\n", w->out);
    put_indent(w->out, w->depth);
    put_str(w->out, key);
    fputs(": ", w->out);
    w->has_item = 1;
}

static void
jw_open(struct jw *w, const char *key)
{
    if (key)
        jw_key(w, key);
    fputc('{', w->out);
    w->depth++;
    w->has_item = 0;
}

static void
jw_close(struct jw *w)
{
    w->depth--;
    if (w->has_item) {
        fputc('\n', w->out);
        put_indent(w->out, w->depth);
    }
    fputc('}', w->out);
    w->has_item = 1;
}

static void
jw_u64(struct jw *w, const char *key, uint64_t v)
{
    jw_key(w, key);
    fprintf(w->out, "%" PRIu64, v);
}

/* Undefined figures (NaN, inf) become 0, and values that round to zero
 * print as 0.000000, never -0.000000. */
static void
jw_real(struct jw *w, const char *key, double v)
{
    jw_key(w, key);
    if (!isfinite(v) || fabs(v) < 5e-7)
        v = 0.0;
    fprintf(w->out, "%.6f", v);
}

static void
jw_str(struct jw *w, const char *key, const char *s)
{
    jw_key(w, key);
    put_str(w->out, s);
}

/* A member only when its value is known (provenance of a run written
 * by something other than the run pipeline may be missing). */
static void
jw_known_str(struct jw *w, const char *key, const char *s)
{
    if (s)
        jw_str(w, key, s);
}

static void
jw_bool(struct jw *w, const char *key, int b)
{
    jw_key(w, key);
    fputs(b ? "true" : "false", w->out);
}

/* The errors that overload protection sent, by code (met_overload). */
static void
jw_overload(struct jw *w, const struct met_overload *ov)
{
    jw_u64(w, "rate_limited", ov->rate_limited);
    jw_u64(w, "refused", ov->refused);
    jw_u64(w, "timed_out", ov->timed_out);
}

static void
jw_latency(struct jw *w, const struct met_hist *h)
{
    struct met_lat l;
    met_lat_summary(h, &l);
    jw_open(w, "latency_ms");
    jw_real(w, "mean", l.mean_ms);
    jw_real(w, "p50", l.p50_ms);
    jw_real(w, "p90", l.p90_ms);
    jw_real(w, "p95", l.p95_ms);
    jw_real(w, "p99", l.p99_ms);
    jw_real(w, "p999", l.p999_ms);
    jw_real(w, "max", l.max_ms);
    jw_close(w);
}

/* key: the client answers of each region (or content class) g[0..n). */
static void
jw_answers(struct jw *w, const char *key, const struct met_region *g, size_t n,
           int with_overload)
{
    jw_open(w, key);
    for (size_t i = 0; i < n; i++, g++) {
        jw_open(w, met_str(g->name));
#define MET_REGION_COUNTER(name, json, column) jw_u64(w, #json, g->name);
#include "metrics/region_counters.def"
#undef MET_REGION_COUNTER
        if (with_overload)
            jw_overload(w, &g->overload);
        jw_real(w, "hit_ratio", met_ratio(g->hits, g->requests));
        jw_real(w, "byte_hit_ratio", met_ratio(g->bytes_hit, g->bytes));
        jw_latency(w, &g->latency);
        jw_close(w);
    }
    jw_close(w);
}

/* An array member; its elements are objects (jw_element). */
static void
jw_open_array(struct jw *w, const char *key)
{
    jw_key(w, key);
    fputc('[', w->out);
    w->depth++;
    w->has_item = 0;
}

static void
jw_close_array(struct jw *w)
{
    w->depth--;
    if (w->has_item) {
        fputc('\n', w->out);
        put_indent(w->out, w->depth);
    }
    fputc(']', w->out);
    w->has_item = 1;
}

/* Opens the next object element of the open array. */
static void
jw_element(struct jw *w)
{
    fputs(w->has_item ? ",\n" : "\n", w->out);
    put_indent(w->out, w->depth);
    jw_open(w, NULL);
}

/* key: a --top list of objects, as an array in rank order. */
static void
jw_top_list(struct jw *w, const char *key, const struct met_top_object *v,
            size_t n)
{
    jw_open_array(w, key);
    for (size_t i = 0; i < n; i++) {
        jw_element(w);
        jw_u64(w, "object", v[i].object);
        jw_str(w, "class", v[i].class_name ? v[i].class_name : "");
        jw_u64(w, "requests", v[i].requests);
        jw_u64(w, "origin_requests", v[i].origin_requests);
        jw_u64(w, "origin_bytes", v[i].origin_bytes);
        jw_close(w);
    }
    jw_close_array(w);
}

/* The list's row at JSON position pos, or NULL if none has it. */
static const struct met_node_field *
field_at_json(int pos)
{
    for (size_t i = 0; i < met_n_node_fields; i++)
        if (met_node_fields[i].json == pos)
            return &met_node_fields[i];
    return NULL;
}

/* The last JSON position used. Positions may have gaps (rows added on
 * branches merged in any order each take their own), which are skipped. */
static int
last_json_position(void)
{
    int last = 0;
    for (size_t i = 0; i < met_n_node_fields; i++)
        if (met_node_fields[i].json > last)
            last = met_node_fields[i].json;
    return last;
}

/* A node's latency_ms (all 0 when it answered nothing measured). */
static void
jw_node_latency(struct jw *w, const struct met_node *n)
{
    if (n->latency != NULL) {
        jw_latency(w, n->latency);
        return;
    }
    struct met_hist *h = xmalloc(sizeof *h);
    met_hist_init(h);
    jw_latency(w, h);
    free(h);
}

/* A tier's latency_ms: its nodes' times to answer together. */
static void
jw_tier_latency(struct jw *w, const struct met_run *r, const char *tier)
{
    struct met_hist *h = xmalloc(sizeof *h);
    met_tier_latency(r, tier, h);
    jw_latency(w, h);
    free(h);
}

/* The members nodes and tiers share: node_counters.def's figures in
 * their JSON order, then the outcomes. */
static void
jw_counters(struct jw *w, const struct met_run *r, const struct met_counters *c)
{
    int last = last_json_position();
    for (int pos = 1; pos <= last; pos++) {
        const struct met_node_field *f = field_at_json(pos);
        if (f == NULL || (!r->has_compute && pos >= MET_JSON_COMPUTE_FIRST &&
                          pos <= MET_JSON_COMPUTE_LAST))
            continue;
        if (!r->has_pop && pos >= MET_JSON_POP_FIRST &&
            pos <= MET_JSON_POP_LAST) /* no cache_servers: as before */
            continue;
        if (f->kind == MET_FIELD_COUNTER)
            jw_u64(w, f->name, met_counter_get(c, f));
        else if (f->kind == MET_FIELD_RATIO)
            jw_real(w, f->name, met_field_ratio(c, f));
    }
    jw_open(w, "outcomes");
    for (int k = 0; k < MET_N_OUTCOMES; k++)
        jw_u64(w, met_outcome_name((enum met_outcome)k), c->outcome[k]);
    jw_close(w);
}

static void
jw_link_stats(struct jw *w, const struct met_link_stats *s)
{
    jw_real(w, "capacity_mbps", s->capacity_mbps);
    jw_u64(w, "bytes", s->bytes);
    jw_real(w, "utilisation", s->utilisation);
    jw_real(w, "mean_mbps", s->mean_mbps);
    jw_real(w, "peak_mbps", s->peak_mbps);
    jw_real(w, "p95_mbps", s->p95_mbps);
    jw_real(w, "offered_mbps", s->offered_mbps);
    jw_u64(w, "windows", s->n_windows);
    jw_u64(w, "overloaded_windows", s->overloaded_windows);
    jw_bool(w, "overloaded", met_link_is_overloaded(s));
}

/* "links": each link with a capacity, keyed "FROM->TO"; "link_egress":
 * each node's links with a capacity together. */
static void
jw_links(struct jw *w, const struct met_run *r)
{
    jw_open(w, "links");
    for (size_t k = 0; k < r->n_links; k++) {
        const struct met_link *l = &r->links[k];
        struct met_link_stats s;
        met_link_summary(r, k, &s);
        char *key = xasprintf("%s->%s", met_str(l->from), met_str(l->to));
        jw_open(w, key);
        free(key);
        jw_str(w, "from", l->from);
        jw_str(w, "to", l->to);
        jw_str(w, "to_kind", l->to_is_region ? "region" : "node");
        jw_link_stats(w, &s);
        jw_u64(w, "transfers", l->transfers);
        jw_u64(w, "offered_bytes", l->offered_bytes);
        jw_u64(w, "transfers_done", l->done);
        jw_u64(w, "delivered_bytes", l->delivered_bytes);
        jw_real(w, "mean_transfer_ms", s.mean_transfer_ms);
        jw_u64(w, "peak_transfers", l->peak_transfers);
        jw_close(w);
    }
    jw_close(w);
    jw_open(w, "link_egress");
    for (size_t i = 0; i < r->n_nodes; i++) {
        struct met_link_stats s;
        if (met_node_link_summary(r, i, &s) == 0)
            continue;
        jw_open(w, met_str(r->nodes[i].name));
        jw_link_stats(w, &s);
        jw_close(w);
    }
    jw_close(w);
}

/* Where the run came from: its input files (with their digests and texts
 * when known), the trace, and the run's version, seed and overrides. */
static void
jw_provenance(struct jw *w, const struct met_run *r)
{
    jw_open(w, "topology");
    jw_str(w, "name", r->topology_name);
    jw_str(w, "path", r->topology_path);
    jw_known_str(w, "sha256", r->topology_sha256);
    jw_known_str(w, "text", r->topology_text);
    jw_close(w);
    jw_open(w, "workload");
    jw_str(w, "name", r->workload_name);
    jw_str(w, "path", r->workload_path);
    jw_known_str(w, "sha256", r->workload_sha256);
    jw_known_str(w, "text", r->workload_text);
    if (r->trace_sha256) {
        jw_open(w, "trace");
        jw_str(w, "path", r->trace_path);
        jw_str(w, "sha256", r->trace_sha256);
        jw_close(w);
    }
    jw_close(w);
    jw_known_str(w, "cdnsim_version", r->cdnsim_version);
    jw_u64(w, "seed", r->seed);
    jw_str(w, "overrides", r->overrides);
}

/* The client answers of the whole run, at the top level. */
static void
jw_run_answers(struct jw *w, const struct met_run *r)
{
    jw_u64(w, "requests", r->requests);
    jw_u64(w, "bytes", r->bytes);
    jw_u64(w, "served_from_cache", r->from_cache);
    jw_u64(w, "served_from_origin", r->from_origin);
    jw_u64(w, "errors", r->errors);
    jw_u64(w, "bytes_from_cache", r->bytes_from_cache);
    jw_u64(w, "bytes_from_origin", r->bytes_from_origin);
    jw_u64(w, "bytes_failed", r->bytes_failed);
    jw_u64(w, "outdated", r->outdated);
    jw_overload(w, &r->overload);
    jw_real(w, "offload", met_offload(r));
    jw_real(w, "byte_offload", met_byte_offload(r));
    jw_latency(w, &r->latency);
}

/* "tiers": each tier's nodes summed, in met_tier_list order. */
static void
jw_tiers(struct jw *w, const struct met_run *r)
{
    jw_open(w, "tiers");
    const char **tiers = xcalloc(r->n_nodes, sizeof *tiers);
    size_t n_tiers = met_tier_list(r, tiers);
    for (size_t k = 0; k < n_tiers; k++) {
        struct met_counters sum;
        met_tier_sum(r, tiers[k], &sum);
        jw_open(w, tiers[k]);
        jw_counters(w, r, &sum);
        jw_tier_latency(w, r, tiers[k]);
        jw_close(w);
    }
    free(tiers);
    jw_close(w);
}

/* "nodes": each node in topology order, its cost last. */
static void
jw_nodes(struct jw *w, const struct met_run *r)
{
    jw_open(w, "nodes");
    for (size_t i = 0; i < r->n_nodes; i++) {
        const struct met_node *n = &r->nodes[i];
        jw_open(w, met_str(n->name));
        jw_str(w, "tier", n->tier);
        jw_counters(w, r, &n->c);
        jw_node_latency(w, n);
        for (size_t k = 0; k < met_n_node_fields; k++)
            if (met_node_fields[k].kind == MET_FIELD_COST)
                jw_real(w, met_node_fields[k].name, met_node_cost(n));
        if (n->servers != NULL) { /* a PoP's servers (pop_json.c) */
            jw_key(w, "cache_servers");
            met_pop_json(n, w->out, w->depth);
        }
        jw_close(w);
    }
    jw_close(w);
}

static void
jw_top_objects(struct jw *w, const struct met_run *r)
{
    jw_open(w, "top_objects");
    jw_top_list(w, "by_origin_requests", r->top_by_requests,
                r->n_top_by_requests);
    jw_top_list(w, "by_origin_bytes", r->top_by_bytes, r->n_top_by_bytes);
    jw_close(w);
}

/* "origin": what the origins sent, and their load past the cold start. */
static void
jw_origin(struct jw *w, const struct met_run *r)
{
    jw_open(w, "origin");
    jw_u64(w, "requests", r->origin_requests);
    jw_u64(w, "bytes", r->origin_bytes);
    jw_u64(w, "pushed_bytes", r->origin_pushed_bytes);
    jw_u64(w, "peak_rps", r->origin_peak_rps);
    struct met_origin_load ol;
    met_origin_load(r, &ol);
    jw_real(w, "mean_rps", ol.mean_rps);
    jw_real(w, "settle_s", ol.settle_s);
    jw_real(w, "steady_mean_rps", ol.steady_mean_rps);
    jw_real(w, "steady_peak_rps", ol.steady_peak_rps);
    /* Each origin, with origin_routes only (files without it write what
     * they always did). */
    if (r->n_origins > 0) {
        double span_s =
            (double)(r->measured_end_ns - r->measured_start_ns) / 1e9;
        jw_open_array(w, "by_origin");
        for (size_t k = 0; k < r->n_origins; k++) {
            const struct met_origin *o = &r->origins[k];
            jw_element(w);
            jw_str(w, "name", o->name);
            jw_u64(w, "requests", o->requests);
            jw_u64(w, "bytes", o->bytes);
            jw_u64(w, "objects", o->objects);
            jw_real(w, "share", met_ratio(o->requests, r->origin_requests));
            jw_real(w, "mean_rps",
                    span_s > 0 ? (double)o->requests / span_s : 0.0);
            jw_u64(w, "peak_rps", o->peak_rps);
            jw_close(w);
        }
        jw_close_array(w);
    }
    jw_close(w);
}

/* "engine": last, so that comparisons can cut it off: it varies run to
 * run. */
static void
jw_engine(struct jw *w, const struct met_run *r)
{
    jw_open(w, "engine");
    jw_u64(w, "events", r->events);
    jw_real(w, "wall_s", r->wall_s);
    jw_real(w, "events_per_s",
            r->wall_s > 0 ? (double)r->events / r->wall_s : 0.0);
    /* Every client request the engine simulated, warm-up included. */
    jw_real(w, "requests_per_s",
            r->wall_s > 0
                ? (double)(r->requests + r->warmup_requests) / r->wall_s
                : 0.0);
    jw_real(w, "peak_rss_mib", r->peak_rss_mib);
    jw_close(w);
}

int
met_write_json(const struct met_run *r, FILE *out)
{
    struct jw w = {.out = out};
    jw_open(&w, NULL);
    jw_provenance(&w, r);
    jw_bool(&w, "complete", r->is_complete);
    jw_run_answers(&w, r);
    jw_tiers(&w, r);
    jw_nodes(&w, r);
    jw_answers(&w, "regions", r->regions, r->n_regions, 1);
    if (r->classes != NULL) /* overload codes are counted per region only */
        jw_answers(&w, "classes", r->classes, r->n_classes, 0);
    if (r->has_top)
        jw_top_objects(&w, r);
    if (r->n_links > 0)
        jw_links(&w, r);
    jw_origin(&w, r);
    jw_open(&w, "cost_usd");
    jw_real(&w, "total", met_total_cost(r));
    jw_close(&w);
    if (r->billing != NULL) { /* sim/metrics/cost.c */
        jw_key(&w, "billing");
        met_billing_json(r, out, w.depth);
    }
    if (r->alerts != NULL) { /* sim/metrics/alerts.c */
        jw_key(&w, "alerts");
        met_alerts_json(r, out, w.depth);
    }
    if (r->baseline != NULL) { /* sim/metrics/baseline.c */
        jw_key(&w, "baseline");
        met_baseline_json(r, out, w.depth);
    }
    if (r->n_brownouts > 0) { /* sim/metrics/brownout_json.c */
        jw_key(&w, "brownouts");
        met_brownouts_json(r, out, w.depth);
    }
    if (r->video != NULL) { /* sim/metrics/video.c */
        jw_key(&w, "video");
        met_video_json(r, out, w.depth);
    }
    jw_engine(&w, r);
    jw_close(&w);
    fputc('\n', out);
    if (fflush(out) != 0 || ferror(out))
        return -SIM_EIO;
    return 0;
}
