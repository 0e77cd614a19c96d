/* metrics_int.h: helpers the metrics writers share (private to metrics/). */
#ifndef SIM_METRICS_METRICS_INT_H
#define SIM_METRICS_METRICS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics/metrics.h"

/* A histogram's summary in milliseconds; every field is 0 when empty. */
struct met_lat {
    double mean_ms;
    double p50_ms;
    double p90_ms;
    double p95_ms;
    double p99_ms;
    double p999_ms;
    double max_ms;
};

/* The latency of every node of tier in r merged into *out (OUT). */
void met_tier_latency(const struct met_run *r, const char *tier,
                      struct met_hist *out);

/* Fills *out (OUT) from h. */
void met_lat_summary(const struct met_hist *h, struct met_lat *out);

/*
 * The distinct tiers of r's nodes in report order: "edge", "shield",
 * "origin" (those present), then any other tier in topology order. Returns
 * the count; tiers (OUT) must have room for r->n_nodes entries and holds
 * pointers borrowed from the nodes.
 */
size_t met_tier_list(const struct met_run *r, const char **tiers);

/* Sums the counters of r's nodes whose tier is tier into *sum (OUT). */
void met_tier_sum(const struct met_run *r, const char *tier,
                  struct met_counters *sum);

/* The index of the window holding t_ns (>= 0), coarsening every series
 * first when t_ns lies past MET_MAX_WINDOWS windows. */
uint64_t met_window_index(struct met_run *r, int64_t t_ns);

/* Merges node n's overload windows in pairs, before its n_windows halves
 * (part of coarsening a run; overload_windows.c). */
void met_overload_coarsen(struct met_node *n);

/* Merges each link's windows in pairs (part of coarsening a run). */
void met_links_coarsen(struct met_run *r);

/*
 * A JSON writer in json.c's layout for sections written outside json.c
 * (json_put.c). Start with {out, depth of the value, 0, 0} where the
 * value of a key json.c has written is due, and open it with key NULL.
 * Objects in an array: open each with key NULL, and after closing it call
 * met_jw_item_done so the next one also starts on its own line.
 */
struct met_jw {
    FILE *out;
    int depth;
    int has_item;      /* the open object or array has a member */
    int is_array_item; /* the next value is an array item (no key) */
};

void met_jw_open(struct met_jw *w, const char *key);
void met_jw_open_array(struct met_jw *w, const char *key);
void met_jw_close(struct met_jw *w);
/* outer_is_array: the array closed is itself an item of an array. */
void met_jw_close_array(struct met_jw *w, int outer_is_array);
void met_jw_item_done(struct met_jw *w);
void met_jw_u64(struct met_jw *w, const char *key, uint64_t v);
void met_jw_i64(struct met_jw *w, const char *key, int64_t v);
void met_jw_real(struct met_jw *w, const char *key, double v);
void met_jw_str(struct met_jw *w, const char *key, const char *s);

/* s, or "" for NULL: hand-built runs may leave names unset. */
static inline const char *
met_str(const char *s)
{
    return s ? s : "";
}

/* Simulated or measured nanoseconds as milliseconds. */
static inline double
met_ns_to_ms(uint64_t ns)
{
    return (double)ns / 1e6;
}

#endif
