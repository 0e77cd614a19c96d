/* metrics.h: counters, latency histograms, time series, and the writers
 * that turn a finished run into a table, JSON and SQLite rows. */
#ifndef SIM_METRICS_METRICS_H
#define SIM_METRICS_METRICS_H

#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

/*
 * Log-linear latency histogram over integer nanoseconds (HdrHistogram's
 * layout, written fresh): values below 2^MET_SUB_BITS are exact; above,
 * each power of two is split into 2^(MET_SUB_BITS-1) equal buckets, so a
 * bucket's width is at most 1/128 of its lower bound and any reported
 * percentile is within 0.8% of the true value. Values up to 2^MET_MAX_BITS
 * ns (about 9 days) are kept; larger ones are clamped into the top bucket.
 */
#define MET_SUB_BITS 8
#define MET_MAX_BITS 50
#define MET_HALF (1u << (MET_SUB_BITS - 1))
#define MET_N_BUCKETS ((MET_MAX_BITS - MET_SUB_BITS + 2) * MET_HALF)

struct met_hist {
    uint64_t count;
    uint64_t max;    /* largest value recorded, exact */
    uint64_t min;    /* smallest value recorded, exact */
    uint64_t sum_ns; /* the sum (met_hist_sum) while under 2^64, */
    int is_big;      /* else sum_big has it, and sum_ns = UINT64_MAX */
    long double sum_big;
    uint64_t bucket[MET_N_BUCKETS];
};

void met_hist_init(struct met_hist *h);
void met_hist_record(struct met_hist *h, uint64_t value_ns);
/* Adds every value of src into dst; exact. */
void met_hist_merge(struct met_hist *dst, const struct met_hist *src);
/* The value at quantile q in [0,1] (bucket midpoint, clamped to [min,max]);
 * 0 when empty. */
uint64_t met_hist_quantile(const struct met_hist *h, double q);
double met_hist_mean(const struct met_hist *h);
long double met_hist_sum(const struct met_hist *h);
/* Bucket i's bounds: values v with lo <= v <= hi land in bucket i. */
void met_hist_bucket_range(unsigned i, uint64_t *lo, uint64_t *hi);
unsigned met_hist_bucket_of(uint64_t value_ns);

/*
 * The outcome of each request at a node, named as CDN logs name them:
 * decided when the node answers it. HIT a fresh copy (a cached 404
 * included); MISS fetched, no copy held; EXPIRED a stale copy, refetched
 * with a new version; REVALIDATED a stale copy confirmed by a 304;
 * UPDATING a stale copy served at once while a refresh runs; STALE a stale
 * copy instead of an error; COALESCED answered by another request's fetch;
 * BYPASS not cacheable; ERROR an error.
 */
/* clang-format off: one outcome a line (clang-format 14 reflows this
 * list differently on each pass) */
#define MET_OUTCOMES(X)                                                        \
    X(HIT)                                                                     \
    X(MISS)                                                                    \
    X(EXPIRED)                                                                 \
    X(REVALIDATED)                                                             \
    X(UPDATING)                                                                \
    X(STALE)                                                                   \
    X(COALESCED)                                                               \
    X(BYPASS)                                                                  \
    X(ERROR)
/* clang-format on */

enum met_outcome {
#define X(name) MET_OUT_##name,
    MET_OUTCOMES(X)
#undef X
        MET_N_OUTCOMES
};

/* "HIT", "MISS", ... */
const char *met_outcome_name(enum met_outcome o);

/* What one node counted (measured requests only): the counters listed
 * in node_counters.def, and the outcomes. A hit is a request the
 * node answered from its own copy: fresh (HIT), or stale (UPDATING under
 * stale-while-revalidate, STALE under stale-if-error), so that hits =
 * outcome[HIT] + outcome[UPDATING] + outcome[STALE] and bytes_hit are the
 * sizes of the same requests. Invariants, checked by tests: requests +
 * stale_if_error = hits + misses + expired + coalesced + bypass +
 * rate_limited + refused + timed_out + brownout_errors (a stale-if-error
 * answer was first a miss, an expiry or a coalesced request; a request
 * turned away by the node's overload protection or answered with a
 * brownout's error has no lookup); what a node sends upstream = misses +
 * expired + updates + bypass + refetched. */
struct met_counters {
    /* The counters of node_counters.def, in its order; the comments
     * there say what each one counts. */
#define MET_NODE_COUNTER(name, json, since, doc) uint64_t name;
#include "metrics/node_counters.def"
    uint64_t outcome[MET_N_OUTCOMES]; /* sums to requests */
};

/* Adds every counter and outcome of src to dst. */
void met_counters_add(struct met_counters *dst, const struct met_counters *src);

/* The rows of node_counters.def as data, for the writers and readers that
 * walk them all (JSON, database, report). */
enum met_field_kind {
    MET_FIELD_COUNTER, /* a member of struct met_counters */
    MET_FIELD_RATIO,   /* num / den, two members */
    MET_FIELD_COST     /* the node's egress cost (met_node_cost) */
};

struct met_node_field {
    const char *name; /* member, JSON key and database column */
    enum met_field_kind kind;
    int json;        /* position among the JSON members, 0: none */
    int since;       /* schema version that added the column */
    const char *doc; /* schema comment, "\n" between lines */
    size_t offset;   /* COUNTER: offsetof(struct met_counters, .) */
    size_t num, den; /* RATIO: the two counters' offsets */
};

/* The JSON positions of the edge compute counters, written only when
 * met_run.has_compute. */
#define MET_JSON_COMPUTE_FIRST 46
#define MET_JSON_COMPUTE_LAST 50
/* The JSON positions of the cache server counters, written only when
 * met_run.has_pop. */
#define MET_JSON_POP_FIRST 37
#define MET_JSON_POP_LAST 42

/* Every row, in node_counters.def (column) order. */
extern const struct met_node_field met_node_fields[];
extern const size_t met_n_node_fields;

/* The counter f (a MET_FIELD_COUNTER) of c. */
uint64_t met_counter_get(const struct met_counters *c,
                         const struct met_node_field *f);
/* Stores v as the counter f (a MET_FIELD_COUNTER) of c. */
void met_counter_set(struct met_counters *c, const struct met_node_field *f,
                     uint64_t v);
/* The ratio f (a MET_FIELD_RATIO) of c: met_ratio(num, den). */
double met_field_ratio(const struct met_counters *c,
                       const struct met_node_field *f);

/* One time-series window of one node. */
struct met_window {
    uint64_t requests;
    uint64_t hits;
    uint64_t misses; /* misses + expired: requests sent upstream */
    uint64_t bytes_out;
};

/* Client requests answered with an error a node's overload protection
 * sent (cfg_overload), by its code: in errors. A stale-if-error answer
 * below the node is not an error and is not counted here. */
struct met_overload {
    uint64_t rate_limited; /* 429 */
    uint64_t refused;      /* 503: queue_limit */
    uint64_t timed_out;    /* 504: timeout */
};

struct met_node {
    const char *name; /* borrowed from the topology */
    const char *tier; /* "edge", "shield" or "origin" */
    int depth;        /* origin 0, its children 1, ... */
    double egress_cost_per_gb;
    struct met_counters c;
    struct met_hist *latency;   /* time to answer at the node: from a
                                   request's arrival to its response
                                   leaving (measured requests); owned,
                                   NULL until the first (met_node_latency),
                                   so untouched nodes of a large topology
                                   cost no histogram */
    struct met_window *windows; /* [n_windows], owned */
    uint64_t n_windows;
    uint64_t windows_cap;
    struct met_overload *overload_windows; /* the node's 429s, 503s and
                                 504s per window, beside windows (NULL
                                 until it turns a request away; entries
                                 past overload_cap are 0) */
    uint64_t overload_cap;
    struct met_pop_server *servers; /* [n_servers]: a PoP's cache servers
                                       (cache_servers), owned; NULL for a
                                       node with one cache */
    size_t n_servers;
};

#include "metrics/pop.h"

struct met_run;

/* n's latency histogram, made empty on first use. */
struct met_hist *met_node_latency(struct met_node *n);

#include "metrics/billing.h"

/* One time-series window of a link with capacity. */
struct met_link_window {
    int64_t busy_ns;        /* time in the window with a transfer on the
                               link (the link then sends at capacity) */
    uint64_t offered_bytes; /* bytes of the transfers that started in it */
};

/*
 * A link with a capacity (link_capacity_mbps) that concurrent transfers
 * share: the direction that carries bodies, from a node down to a child
 * node or to a region's clients. Measured from the first measured
 * request on, in time: every byte sent after it counts, a warm-up
 * request's included; transfers and the *_bytes totals count the
 * transfers of measured requests. A processor-sharing link sends at full
 * capacity whenever it has a transfer, so the bytes it sent in a span are
 * busy time x capacity.
 */
struct met_link {
    const char *from;            /* borrowed: the sending node's name */
    const char *to;              /* the receiving node's or region's name */
    int from_node;               /* index of the sending node */
    int to_is_region;            /* to names a region (the last mile) */
    int64_t capacity_bps;        /* > 0 */
    uint64_t transfers;          /* measured transfers started */
    uint64_t offered_bytes;      /* their bytes: what was asked of the link */
    uint64_t done;               /* of those, finished */
    uint64_t delivered_bytes;    /* their bytes; = offered_bytes once every
                                    transfer has finished (conservation) */
    long double transfer_ns_sum; /* time on the link of the finished ones */
    int64_t busy_ns;             /* measured time with a transfer on it */
    int64_t end_ns;              /* from the measured start: when it last
                                    went idle */
    int64_t last_offer_ns;       /* from the measured start: when the last
                                    measured transfer started */
    uint32_t peak_transfers;     /* most transfers on it at once */
    struct met_link_window *windows; /* [n_windows], owned */
    uint64_t n_windows;
    uint64_t windows_cap;
};

/* What a link (or a node's links together) carried over the measured
 * span, derived from met_link (met_link_summary, met_node_link_summary). */
struct met_link_stats {
    double capacity_mbps;        /* summed over a node's links */
    double span_s;               /* the run's measured span, or longer when
                                    the link was still busy after it */
    uint64_t bytes;              /* sent in the span: busy time x capacity */
    double utilisation;          /* bytes / (capacity x span), in [0, 1] */
    double mean_mbps;            /* bytes x 8 / span */
    double peak_mbps;            /* the busiest window's rate */
    double p95_mbps;             /* 95th percentile of the windows' rates
                                    (nearest rank): what transit is billed on */
    double offered_mbps;         /* offered_bytes x 8 / the time from the
                                    measured start to the last measured
                                    transfer's start (while requests came) */
    uint64_t n_windows;          /* windows of the span */
    uint64_t overloaded_windows; /* windows whose offered bytes exceed what
                                    the capacity can send in one */
    double mean_transfer_ms;     /* finished measured transfers; 0 if none */
};

/* Fills *out (OUT) for link k of r. */
void met_link_summary(const struct met_run *r, size_t k,
                      struct met_link_stats *out);
/* Fills *out (OUT) for node i's links with capacity together (its egress
 * over them, window by window); returns the number of such links (0: *out
 * is zero). */
size_t met_node_link_summary(const struct met_run *r, size_t i,
                             struct met_link_stats *out);
/* One window of a link (or of a node's links together). */
struct met_link_rate {
    double busy_s;          /* time with a transfer (summed over links) */
    uint64_t bytes;         /* sent: busy time x capacity */
    double utilisation;     /* bytes / (capacity x window) */
    double mbps;            /* bytes x 8 / window */
    uint64_t offered_bytes; /* of the transfers that started in it */
};
/* Fills *out (OUT) for window w of link k, or of node i's links. */
void met_link_window_rate(const struct met_run *r, size_t k, uint64_t w,
                          struct met_link_rate *out);
void met_node_window_rate(const struct met_run *r, size_t i, uint64_t w,
                          struct met_link_rate *out);

/* Is link k overloaded: offered more than its capacity on average, or in
 * some window? */
int met_link_is_overloaded(const struct met_link_stats *s);

/* Allocates r's n_links links (zeroed). */
void met_run_links(struct met_run *r, size_t n_links);
/* Link k's window holding t_ns (from the measured start, >= 0),
 * coarsening every series first when needed (met_run_window). */
struct met_link_window *met_link_window(struct met_run *r, size_t k,
                                        int64_t t_ns);
/* Link k was busy over [from_ns, to_ns) (from the measured start, >= 0):
 * adds the time to busy_ns and to each window it overlaps. */
void met_link_busy(struct met_run *r, size_t k, int64_t from_ns, int64_t to_ns);

/*
 * How client requests were answered, at run and at region level. Every
 * measured client request is exactly one of: served from a cache (an
 * edge's or a shield's copy, fresh or stale, with no request to the
 * origin made on its behalf), served from the origin (the origin's
 * answer, a body or a 304, reached it, by its own fetch or by joining
 * another's), or failed (answered with an error). Invariants, checked by
 * tests: requests = from_cache + from_origin + errors, and likewise in
 * bytes.
 */
struct met_region {
    const char *name; /* borrowed */
/* requests, bytes, hits, from_origin, errors, ...: one uint64_t each, as
 * region_counters.def documents them */
#define MET_REGION_COUNTER(name, json, column) uint64_t name;
#include "metrics/region_counters.def"
#undef MET_REGION_COUNTER
    struct met_overload overload;
    struct met_hist latency;
};

/* One object of a --top list. */
struct met_top_object {
    uint64_t object;
    const char *class_name;   /* borrowed; NULL for a trace */
    uint64_t requests;        /* measured client requests for it */
    uint64_t origin_requests; /* of the measured requests (and their
                                 revalidations and refreshes), those that
                                 reached an origin */
    uint64_t origin_bytes;    /* what the origin sent for them */
};

/*
 * A no-CDN baseline (`run --baseline no-cdn`, sim/run/baseline.c): the
 * same requests run again with every region sent straight to its origin,
 * no cache on the way (cfg_topology_no_cdn). What it measured, for
 * comparison with the run that carries it (sim/metrics/baseline.c).
 */
struct met_baseline_region {
    const char *name; /* borrowed */
    int64_t rtt_ns;   /* the region -> origin round trip it used */
    uint64_t requests;
    uint64_t errors;
    struct met_hist latency; /* the baseline's client latencies */
};

struct met_baseline {
    uint64_t requests; /* measured client requests */
    uint64_t errors;
    uint64_t origin_requests;
    uint64_t origin_bytes;
    double cost_usd;         /* met_total_cost of the baseline run */
    struct met_hist latency; /* all regions */
    struct met_baseline_region *regions; /* [n_regions], owned */
    size_t n_regions;
};

/* Frees b and what it owns; NULL is a no-op. */
void met_baseline_free(struct met_baseline *b);
/* Writes r's baseline (r->baseline set) and what the CDN saved against
 * it as the JSON object value of "baseline", members indented depth
 * levels (json.c's layout). */
void met_baseline_json(const struct met_run *r, FILE *out, int depth);
/* Prints the comparison under the run table; nothing without one. */
void met_baseline_print(const struct met_run *r, FILE *out);
/* The schema of tables baselines and baseline_regions. */
extern const char met_baseline_schema[];
/* Does some node of r have an egress price (a cost model)? */
int met_has_cost_model(const struct met_run *r);

#include "metrics/alerts.h"

/* The schema of table origin_nodes (db_origin.c). */
extern const char met_origin_nodes_schema[];

#include "metrics/video.h"

/* Everything a finished (or interrupted) run reports. */
/* One brownout of the topology and what it did (model/brownout.c):
 * measured requests that reached the node during it, those it answered
 * with an error and those it held for its add_latency. */
struct met_brownout {
    const char *node; /* borrowed from the topology */
    int64_t at_ns, duration_ns, add_ns;
    double error_share;
    uint64_t requests, errors, slowed;
};

/* Writes r's brownouts (n_brownouts > 0) as the JSON array value of
 * "brownouts", its members indented depth levels (json.c's layout). */
void met_brownouts_json(const struct met_run *r, FILE *out, int depth);

/* One origin of a run whose topology has origin_routes
 * (model/origin_route.c): what it served to measured requests. The
 * requests add up to met_run.origin_requests, the bytes to origin_bytes
 * less origin_pushed_bytes. */
struct met_origin {
    const char *name;  /* borrowed from the topology */
    uint64_t requests; /* requests it answered (304s included) */
    uint64_t bytes;    /* bodies it sent for them */
    uint64_t objects;  /* distinct objects among them */
    uint64_t peak_rps; /* most of its requests in one 1 s window */
};

struct met_run {
    /* Identity, borrowed. */
    const char *topology_name;
    const char *topology_path;
    const char *workload_name;
    const char *workload_path;
    const char *overrides; /* the --set arguments joined by spaces, or "" */
    /* Provenance, borrowed, NULL when unknown: the files' full text and
     * SHA-256 (hex), and the cdnsim that ran. */
    const char *topology_text, *topology_sha256;
    const char *workload_text, *workload_sha256;
    const char *trace_path, *trace_sha256; /* the trace the workload
                                              replays; NULL: none */
    const char *cdnsim_version;
    uint64_t seed;
    int64_t window_ns; /* time-series window */
    int is_complete;   /* 0 if the run was interrupted */
    /* Client view, measured requests only. */
    uint64_t requests;
    uint64_t bytes;
    uint64_t warmup_requests; /* client requests left out as warm-up */
    struct met_hist latency;  /* all regions */
    struct met_region *regions;
    size_t n_regions;
    int has_compute; /* some edge has a compute: block: the JSON writes
                        the compute counters (MET_JSON_COMPUTE_*) */
    int has_pop;     /* some node has cache_servers: the JSON writes the
                        cache server counters (MET_JSON_POP_*) */
    /* The same figures per content class (catalog.classes given
     * explicitly), names borrowed from the workload; NULL otherwise
     * (met_run_classes, classes.c). */
    struct met_region *classes;
    size_t n_classes;
    /* --top N (model/top.c): the N objects with the most origin requests
     * and the N with the most origin bytes, owned; has_top 0 without. */
    int has_top;
    struct met_top_object *top_by_requests;
    size_t n_top_by_requests;
    struct met_top_object *top_by_bytes;
    size_t n_top_by_bytes;
    struct met_node *nodes; /* in topology order */
    size_t n_nodes;
    struct met_link *links; /* links with a capacity, or NULL */
    size_t n_links;
    struct met_brownout *brownouts; /* [n_brownouts], owned; NULL when the
                                       topology has none */
    size_t n_brownouts;
    struct met_origin *origins; /* [n_origins], owned; NULL without
                                   origin_routes */
    size_t n_origins;
    /* Origin load, summed over origin nodes. */
    uint64_t origin_requests;
    uint64_t origin_bytes;        /* bytes the origins sent: answers and
                                     pushes */
    uint64_t origin_pushed_bytes; /* of which pushes (sent, whether or not
                                     the node kept them) */
    uint64_t origin_peak_rps;     /* most origin requests in one 1 s window */
    struct met_overload overload; /* of errors, those by overload */
    uint64_t errors;              /* client requests answered with an error
                                     (failed) */
    uint64_t from_cache;          /* served from a cache (met_region) */
    uint64_t bytes_from_cache;
    uint64_t from_origin; /* served from the origin */
    uint64_t bytes_from_origin;
    uint64_t bytes_failed;
    uint64_t outdated;             /* client requests answered with an older
                                      version of the object than the origin had
                                      when they were made (served from a copy
                                      that was fresh by its TTL, or stale) */
    struct met_billing *billing;   /* owned, NULL: no provider billing */
    struct met_baseline *baseline; /* owned, NULL: no --baseline */
    struct met_alerts *alerts;     /* owned, NULL: no metrics.alerts */
    struct met_video *video;       /* owned, NULL: no video: block */
    /* Simulated span of the measured requests. */
    int64_t measured_start_ns;
    int64_t measured_end_ns;
    /* Engine figures: not part of the results (they vary run to run). */
    uint64_t events;
    double wall_s;
    double peak_rss_mib; /* the process's peak resident set so far */
    /* met_run_window's memo of the last window used: [lo, hi) in ns and
     * its index, so that most calls need no 64-bit division. */
    int64_t window_lo_ns;
    int64_t window_hi_ns;
    uint64_t window_index;
    char started[32]; /* UTC ISO 8601, wall clock */
    char finished[32];
};

/* Zeroes all of *r, then allocates the per-region and per-node arrays
 * (zeroed, histograms initialised); overrides is set to "". The caller
 * fills names and frees with met_run_fini. */
void met_run_init(struct met_run *r, size_t n_regions, size_t n_nodes);
/* Adds n_classes zeroed per-class records (names left to the caller) to
 * r, freed by met_run_fini (classes.c). */
void met_run_classes(struct met_run *r, size_t n_classes);
/* Frees what met_run_init and met_node_window allocated (not the borrowed
 * strings) and zeroes the counts; *r may be initialised again. */
void met_run_fini(struct met_run *r);

/* Node n's time-series window w, for the caller to add one measured
 * request's counts to. Grows the array geometrically; windows that did not
 * exist are zero, and w may jump ahead. The pointer is valid until the next
 * call for n. n_windows becomes at least w + 1. */
struct met_window *met_node_window(struct met_node *n, uint64_t w);

/*
 * Most windows a node's time series keeps. A run longer than this many
 * windows has its windows merged in pairs and r->window_ns doubled, as
 * often as needed, so the series' memory is bounded however long the
 * simulated span (about 1 MiB per node).
 */
#define MET_MAX_WINDOWS 32768

/*
 * The window of node i holding simulated time t_ns (counted from the first
 * measured request, >= 0), coarsening every node's series first when t_ns
 * lies past MET_MAX_WINDOWS windows.
 */
struct met_window *met_run_window(struct met_run *r, size_t i, int64_t t_ns);
/* Node i's overload counts (met_node.overload_windows) in the window
 * holding t_ns, as met_run_window finds it. */
struct met_overload *met_run_overload_window(struct met_run *r, size_t i,
                                             int64_t t_ns);

/* Derived figures. */
double met_ratio(uint64_t num, uint64_t den); /* 0 when den is 0 */
/* Offload: the share of client requests served from a cache,
 * from_cache / requests; failures lower it. */
double met_offload(const struct met_run *r);
/* Byte offload: the share of client bytes served from a cache, less what
 * pushes cost the origin: (bytes_from_cache - origin_pushed_bytes) /
 * bytes. Negative when pushes sent more than the caches answered. */
double met_byte_offload(const struct met_run *r);
/*
 * The origin's load in steady state (sim/metrics/origin.c): the
 * settling time is the cold start after the warm-up that MSER-5 cuts
 * off the origin's time series (whole windows only, at most half of
 * them; 0 for runs under 10 whole windows), and the peak and mean are
 * over the whole windows after it. Rates are origin requests per second
 * of simulated time, a window's count divided by the window length.
 */
struct met_origin_load {
    double mean_rps;         /* origin requests / measured span, all of it */
    uint64_t settle_windows; /* windows cut off as the cold start */
    double settle_s;         /* their length in seconds */
    uint64_t steady_windows; /* whole windows after them */
    double steady_peak_rps;  /* the busiest of those, per second */
    double steady_mean_rps;  /* their mean */
};

/* Fills *out (OUT) from r's origin time series. */
void met_origin_load(const struct met_run *r, struct met_origin_load *out);

double met_node_cost(const struct met_node *n); /* USD */
double met_total_cost(const struct met_run *r);

/* Writes the aligned summary table for people. */
void met_print_table(const struct met_run *r, FILE *out);

/*
 * Writes the JSON summary object (keys documented in README.md). Byte-stable:
 * the same run gives the same bytes, except the "engine" object's timings.
 * Returns 0 or -SIM_EIO.
 */
int met_write_json(const struct met_run *r, FILE *out);

/*
 * Appends the run to the SQLite database at path (created if new), in one
 * transaction: an interrupted write leaves no trace. Sets *run_id (OUT).
 * Returns 0 or -SIM_EDB with err naming the file and SQLite's message.
 */
int met_write_db(const struct met_run *r, const char *path, int64_t *run_id,
                 struct sim_err *err);

/*
 * Checks that met_write_db could write to path: opens it for writing
 * (creating an empty database if there is none), takes the write lock
 * and checks the schema version, then rolls back. For commands to fail
 * before a long run rather than after it. Returns 0 or -SIM_EDB.
 */
int met_check_db(const char *path, struct sim_err *err);

/*
 * The database schema version met_write_db writes (PRAGMA user_version).
 * It changes only when an existing table changes meaning; a new table
 * (the sweep tables were one) is created in place on any file of this
 * version, since a reader that does not know it never looks at it.
 */
/* Version 6 added node_metrics.rate_limited, refused and timed_out, and
 * the same three to runs and region_metrics. */
/* Version 2 added runs.outdated, node_metrics.refetched,
 * region_metrics.outdated, hits, bytes_hit, hit_ratio and byte_hit_ratio;
 * 3 redefined offload and byte_offload (failures lower them), node hits
 * (stale answers count) and origin_bytes (pushes count), and added the
 * answer split (served_from_cache, ...) to runs and region_metrics and
 * runs.pushed_bytes; 4 added provenance (the files' text and SHA-256
 * and the cdnsim version) to runs and sweeps, and sweep_vary.moves_with
 * and fields; 5 added p95 latencies (runs, region_metrics) and the
 * node_latency table; 6 added the overload counters
 * (node_metrics.rate_limited, refused, timed_out); 7 added the miss
 * causes (node_metrics.misses_cold, misses_capacity, misses_expiry); 10
 * added node_metrics.refilled_stale (staged purges) and the cache-key
 * figures (fragment_misses, cached_keys, cached_objects,
 * keys_per_object); 8 added the table provider_bills (created in
 * place). 9 was never released. 11 added the tables baselines,
 * baseline_regions (--baseline no-cdn) and alerts (created in place). 14
 * added node_metrics.brownout_errors, brownout_slowed and
 * dns_stale_failed (brownouts, dns_ttl), node counters that
 * db_upgrade_nodes adds: nothing else changed. 12 added
 * node_metrics.placement_skipped and moved_down, the same way. 16 added
 * pool_waits, pool_wait_ns, pool_wait_mean_ns and timed_out_upstream,
 * the same way. 18 added
 * the edge compute counters (compute_cpu_ns, compressions, transforms,
 * compress_saved, function_runs), the same way. 17 added
 * node_metrics.ram_hits, ssd_hits, promoted, rehashed, rehashed_cold and
 * server_failures (cache_servers), the same way, and the table
 * cache_servers (created in place). 19 added the table video_metrics
 * (video sessions, created in place). 20 added the table origin_nodes
 * (origin_routes; created in place). */
#define MET_DB_VERSION 20

/* ---- Sweeps ---------------------------------------------------------------
 *
 * A sweep runs one topology and workload at every point of the cartesian
 * product of its --vary values. The database records the sweep, each
 * --vary, each point with its --set assignments and, once the point's run
 * is written, the run's id (one transaction with the run). A sweep is
 * "the same" as an earlier one when topology path, workload path, --vary
 * arguments and --set arguments all match: its points are then resumed.
 */

/* One --vary: a field path and the values it takes. */
struct met_sweep_vary {
    const char *path;          /* as for --set: "nodes.edge.cache.policy" */
    const char *spec;          /* the values as given: "1GiB..8GiB*2" */
    const char *kind;          /* "size", "duration", "number" or "text" */
    const char *const *values; /* [n_values], each as passed to --set */
    const double *nums;        /* [n_values]: bytes, seconds or the number;
                                  NULL when kind is "text" */
    size_t n_values;           /* > 0 */
    int is_with;               /* a --vary-with: takes the i-th value
                                  whenever the --vary before it does */
    const char *const *fields; /* [n_fields]: the fields a wildcard path
                                  sets (NULL: path itself) */
    size_t n_fields;
};

struct met_sweep {
    const char *topology_path;
    const char *workload_path;
    const char *overrides; /* the user's --set arguments joined by
                              spaces (--seed, --requests included), or
                              "" */
    uint64_t seed;         /* every point's seed unless one varies it */
    const struct met_sweep_vary *vary; /* borrowed, [n_vary] */
    size_t n_vary;                     /* > 0 */
    /* Provenance, borrowed, as in struct met_run (NULL: unknown). */
    const char *topology_text, *topology_sha256;
    const char *workload_text, *workload_sha256;
    const char *trace_path, *trace_sha256; /* the base workload's trace;
                                              NULL: none */
    const char *cdnsim_version;
    int is_new;                 /* --force-new: record a new sweep even
                                   when the same one is in the file */
    const char *const *metrics; /* --metric paths, borrowed, [n_metrics]:
                                   remembered with the sweep (a resumed
                                   sweep adds the new ones) */
    size_t n_metrics;
};

/* Points in the sweep: the product of the value counts (caller makes sure
 * it does not overflow). */
uint64_t met_sweep_n_points(const struct met_sweep *s);

/* Which of vary j's values point p takes. Points count like nested loops
 * in --vary order: the last --vary changes fastest; a --vary-with takes
 * the value number of the --vary it moves with. */
size_t met_sweep_value(const struct met_sweep *s, uint64_t p, size_t j);

/* Point p's --set arguments, "PATH=VALUE" joined by spaces; caller frees. */
char *met_sweep_params(const struct met_sweep *s, uint64_t p);

/*
 * Finds the same sweep in the database at path (created if new), or
 * records it with all its points pending, in one transaction. Sets
 * *sweep_id (OUT) and, for each point, is_done[p] (OUT, caller-allocated
 * with met_sweep_n_points entries) to 1 if its run is already complete,
 * else 0. The newest same sweep is resumed only if it began with the
 * same file contents (SHA-256); otherwise -SIM_EBADVAL says so, unless
 * s->is_new, which always records a new sweep. Returns 0, -SIM_EBADVAL or
 * -SIM_EDB with err naming the file.
 */
int met_sweep_begin(const char *path, const struct met_sweep *s,
                    int64_t *sweep_id, unsigned char *is_done,
                    struct sim_err *err);

/*
 * Appends the complete run r as point p of sweep sweep_id, marking the
 * point complete in the same transaction. A point some other process has
 * completed meanwhile is left as it is and r is not written: *run_id (OUT)
 * is then the earlier run's id. Returns 0 or -SIM_EDB.
 */
int met_write_db_point(const struct met_run *r, const char *path,
                       int64_t sweep_id, uint64_t p, int64_t *run_id,
                       struct sim_err *err);

/*
 * The run r as the bytes of a results database holding it alone (an
 * SQLite image), for a process that cannot write the database itself to
 * send to one that can (MPI ranks). Sets *image (OUT, caller frees) and
 * *len. Returns 0 or -SIM_EDB.
 */
int met_run_image(const struct met_run *r, void **image, size_t *len,
                  struct sim_err *err);

/*
 * Appends the run held in an image from met_run_image to the database at
 * path as point p of sweep sweep_id, exactly as met_write_db_point would
 * have written it (same rows in the same order, a new run id). Returns 0
 * or -SIM_EDB (also for an image that is not a run of this schema).
 */
int met_write_db_point_image(const void *image, size_t len, const char *path,
                             int64_t sweep_id, uint64_t p, int64_t *run_id,
                             struct sim_err *err);

/* The aggregate of one metric at one point of a sweep (one combination
 * of the other values, with replications): what sweep_summary holds. */
struct met_summary_row {
    int64_t point; /* the combination's number (the point's without
                      replications) */
    char *params;  /* its --set arguments, owned */
    char *metric;  /* the metric's JSON path, owned */
    int64_t n;     /* runs measured */
    double mean;
    double stddev; /* sample standard deviation; NAN for one run */
    double ci95;   /* 95% confidence half-width (Student's t); NAN for
                      one run */
};

void met_summary_rows_free(struct met_summary_row *rows, size_t n);

/*
 * Replaces the summary rows of sweep sweep_id in the database at path
 * with rows[0..n), in one transaction. Returns 0 or -SIM_EDB.
 */
int met_sweep_write_summary(const char *path, int64_t sweep_id,
                            const struct met_summary_row *rows, size_t n,
                            struct sim_err *err);

/*
 * The CREATE statements of the results database (static text, with SQL
 * comments giving units), as met_write_db runs them; README.md shows it.
 */
const char *met_db_schema(void);

#endif
