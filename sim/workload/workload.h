/* workload.h: synthetic request generators and trace readers. */
#ifndef SIM_WORKLOAD_WORKLOAD_H
#define SIM_WORKLOAD_WORKLOAD_H

#include <math.h>
#include <signal.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "config/config.h"
#include "engine/engine.h"
#include "util/hash.h"

/*
 * floor(x), bit for bit, without a call: built for the default x86-64
 * target, floor() is a library call (rounding instructions need SSE4.1),
 * and the generators take one or two per request. Below 2^52 in size a
 * double truncates exactly through int64_t; a zero keeps its sign; the
 * rest (larger, infinite, NaN) is floor()'s. Checked against floor() in
 * the workload suite.
 */
static inline double
wl_floor(double x)
{
    if (!(fabs(x) < 4503599627370496.0)) /* 2^52: already integral */
        return floor(x);
    double t = (double)(int64_t)x; /* toward zero */
    if (t > x)
        return t - 1.0;
    return t == 0.0 ? copysign(0.0, x) : t;
}

/* An exponential variate of mean mu: the formula of GSL 2's
 * gsl_ran_exponential (one uniform, -mu log1p(-u)), inline: the same
 * draws from the same stream (checked in the workload suite). */
static inline double
wl_exponential(gsl_rng *rng, double mu)
{
    double u = sim_rng_uniform(rng);
    return -mu * log1p(-u);
}

/*
 * Zipf(alpha) over ranks 1..n by rejection-inversion (W. Hörmann and
 * G. Derflinger, "Rejection-inversion to generate variates from monotone
 * discrete distributions", ACM TOMACS 6(3), 1996): O(1) per draw with no
 * table, for any n up to 2^63 and any alpha >= 0 (0 is uniform).
 */
struct wl_zipf {
    uint64_t n;
    double alpha;
    double h_x1;    /* H(1.5) - 1 */
    double h_n;     /* H(n + 0.5) */
    double squeeze; /* s = 2 - H^-1(H(2.5) - h(2)): accept without test */
};

void wl_zipf_init(struct wl_zipf *z, uint64_t n, double alpha);
/* A rank in [1, n]; rank 1 is the most popular. */
uint64_t wl_zipf_sample(const struct wl_zipf *z, gsl_rng *rng);
/* The same, its first uniform U already drawn from rng. */
uint64_t wl_zipf_sample_from(const struct wl_zipf *z, gsl_rng *rng, double U);

/*
 * A shortcut for the sampler: for each of 2^WL_ZIPF_TABLE_BITS equal
 * intervals of the first uniform, the rank every uniform in it gives at
 * the first trial, or 0 where that is not certain (the rank changes inside
 * the interval, or the trial may reject). A draw through the table takes
 * the same uniforms and gives the same ranks as wl_zipf_sample, without
 * its log1p and exp most of the time (the popular ranks); it is built at
 * the WL_ZIPF_TABLE_AFTER-th draw, so short runs never pay for it.
 */
#define WL_ZIPF_TABLE_BITS 16
#define WL_ZIPF_TABLE_AFTER 65536u

/*
 * Its second level, for the uniforms whose bucket holds 0: the first
 * uniform is a 32-bit integer g over 2^32, and each of the ranks 2 to
 * n_chord gets the run of g, [lo, lo + span), that certainly gives it at
 * the first trial (worked out from the sampler's H, with a safety margin
 * like the buckets'). It is built after WL_ZIPF_CHORD_RANKS / 4 draws
 * have taken the exact path past the buckets. A bucket's candidate ranks are
 * first[b] to first[b - 1], searched by bisection on lo; a g outside
 * its rank's run takes the sampler's exact path. At most
 * WL_ZIPF_CHORD_RANKS ranks, 6 bytes each, plus 4 bytes a bucket: 1 MiB
 * (the default catalog's 100,000 ranks are all covered).
 */
#define WL_ZIPF_CHORD_RANKS 131072u

struct wl_zipf_table {
    uint16_t *rank; /* [2^WL_ZIPF_TABLE_BITS], or NULL until built */
    uint32_t draws; /* before it is built; then also those that took the
                       exact path before the chord level is */
    uint32_t n_chord;
    uint32_t *first; /* [2^WL_ZIPF_TABLE_BITS]: the least k with lo[k] <= the
                        bucket's last g, in [1, n_chord + 1] */
    uint32_t *lo;    /* [n_chord + 2], by rank, non-increasing; lo[n_chord
                        + 1] = 0 */
    uint16_t *span;  /* [n_chord + 1], by rank; 0: no run */
};

void wl_zipf_table_init(struct wl_zipf_table *t);
void wl_zipf_table_fini(struct wl_zipf_table *t);
/* Exactly wl_zipf_sample(z, rng), t being z's table, when U is the
 * uniform that wl_zipf_sample would have drawn first from rng (a caller
 * may draw it ahead, to prefetch its bucket). */
uint64_t wl_zipf_table_sample(struct wl_zipf_table *t, const struct wl_zipf *z,
                              gsl_rng *rng, double U);
/* Starts loading the bucket of the first uniform U of a coming draw: the
 * table is 128 KiB, and its buckets are taken at random. */
void wl_zipf_table_prefetch(const struct wl_zipf_table *t, double U);

/*
 * A bijection of [0, n) chosen by key: maps popularity rank - 1 to an object
 * id so that popularity is not tied to id order. A Feistel network with
 * cycle-walking, so it needs no table at any n < 2^64.
 */
struct wl_scrambler {
    uint64_t n;
    unsigned half; /* bits per Feistel half */
    uint64_t half_mask;
    uint64_t round_key[4];
};

void wl_scrambler_init(struct wl_scrambler *sc, uint64_t n, uint64_t key);
uint64_t wl_scramble(const struct wl_scrambler *sc, uint64_t x);

/*
 * Salts of the per-object hashes: each property that is a pure function of
 * (seed, object id) mixes the seed with its own salt first, so that two
 * properties of one object are independent. The one list, so that no two
 * share a salt by accident. WL_SALT_SIZE is wider than an int, which an
 * enum constant cannot be in C11: it is the one macro.
 */
enum wl_salt {
    WL_SALT_VERSION = 0x7e51015,   /* the phase of an object's changes */
    WL_SALT_UNCACHEABLE = 0xb1a55, /* uncacheable_share: sent no-store */
    WL_SALT_MISSING = 0x404404,    /* missing_share: a 404 */
    WL_SALT_CLASS = 0x5c7a3b1e,    /* a class's rank scrambling key */
    WL_SALT_FLASH = 0xf1a5c0d,     /* a flash crowd's rank scrambling */
    WL_SALT_LOCALITY = 0x10ca1     /* a region's own ranking */
};
#define WL_SALT_SIZE 0x51a3e5c0ffeeULL /* an object's size draw */

/* The size of object id under dist; a pure function of (id, seed). */
uint64_t wl_object_size(const struct cfg_size *dist, uint64_t id,
                        uint64_t seed);

/* Later than any arrival: the end of the simulated clock's usable range. */
#define WL_NEVER ((int64_t)1 << 62)

/* wl_request.version when the workload does not say: the model's own rule
 * (catalog.change_interval) decides the origin's version. */
#define WL_NO_VERSION UINT32_MAX

/* One client request, as a workload source produces it. */
struct wl_request {
    int64_t at;             /* arrival time at the edge, ns */
    uint64_t object;        /* object id */
    uint64_t size;          /* bytes */
    int64_t ttl_ns;         /* freshness lifetime caches give it (s-maxage
                               when the object has one, else max-age); 0 = the
                               copy never expires */
    int64_t swr_ns;         /* its stale-while-revalidate window, 0 = none */
    int64_t sie_ns;         /* its stale-if-error window, 0 = none */
    uint32_t region;        /* index into the topology's regions */
    uint32_t version;       /* the origin's version of the object when the
                               request arrives, or WL_NO_VERSION */
    uint16_t class_id;      /* index into cfg_workload.classes; 0 for a trace */
    uint8_t is_uncacheable; /* sent no-store: every cache passes it on */
};

/*
 * A workload source: requests in time order, from one of two kinds.
 *
 * Synthetic (gen_synth.c): per region, a Poisson source whose rate follows
 * the arrival shape (constant, a sinusoid over the day, or an hourly
 * table), each request drawing a content class and a Zipf rank, mapped to
 * an object by the class's (and, with locality, the region's) scrambled
 * ranking; plus flash crowds and catalog churn (gen_churn.c) as further
 * sources. Each source keeps one pending arrival and its own random
 * streams, and the generator merges them in time order.
 *
 * Trace (gen_trace.c): the records of a trace file, read as they are
 * needed, their timestamps turned into arrival times.
 */
struct wl_gen;

/*
 * Builds the source for workload w over the topology's regions (names and
 * weights, n_regions entries each; borrowed for the call only). w is
 * borrowed and must outlive the generator. Returns 0 and sets *out (caller
 * frees with wl_gen_free), or a negative code with err filled and *out
 * NULL: a trace that cannot be opened or read (-SIM_EIO, -SIM_ETRACE,
 * naming the file), csv columns that do not fit its header (naming the
 * workload's columns key), or a region in catalog.locality.regions that
 * the topology lacks (-SIM_ENOENT at its key).
 */
int wl_gen_new(const struct cfg_workload *w, const char *const *region_names,
               const double *region_weights, uint32_t n_regions,
               struct wl_gen **out, struct sim_err *err);
void wl_gen_free(struct wl_gen *g);

/*
 * Fills *out with the next request over all regions, in time order (ties go
 * to the lower region index, then to earlier sources). Returns 1; 0 when
 * the source has no more requests (a trace ended, or a synthetic source
 * became so slow that its next arrival would come after WL_NEVER); or a
 * negative code when a trace record is bad, with the details in
 * wl_gen_error(). After 0 or an error every call returns the same.
 */
int wl_gen_next(struct wl_gen *g, struct wl_request *out);

/*
 * Lets the generator's long loops (thinning through hours of a rate near
 * zero, publishing churn) look at *stop now and then: once it is set, the
 * synthetic sources end, as if their next arrivals lay past WL_NEVER, and
 * wl_gen_next soon returns 0. stop is borrowed (NULL: never stop). A
 * synthetic generator draws nothing before its first wl_gen_next, so
 * building one (validate) never loops.
 */
void wl_gen_set_stop(struct wl_gen *g, volatile sig_atomic_t *stop);

/* The error that ended a trace (file, record line, field), code 0 if
 * none. Valid until the generator is freed. */
const struct sim_err *wl_gen_error(const struct wl_gen *g);

/* A trace with out_of_order: clamp: how many records came earlier than
 * the record before them and were moved up to its time. 0 otherwise. */
uint64_t wl_gen_n_reordered(const struct wl_gen *g);

/* The object of popularity rank (1 = most popular) in the first class, for
 * pushing the most popular objects ahead of demand (synthetic only), and
 * the size and TTL any object of the catalog would be served with. */
uint64_t wl_gen_object_at_rank(const struct wl_gen *g, uint64_t rank);
uint64_t wl_gen_object_size(const struct wl_gen *g, uint64_t object);
int64_t wl_gen_object_ttl(const struct wl_gen *g, uint64_t object);
/* chunk_size (chunk.c): how many chunks object is asked for in (0 when
 * it is asked for whole), and the id of its chunk i. wl_gen_object_size
 * of a chunk id is that chunk's size. */
uint64_t wl_gen_n_chunks(const struct wl_gen *g, uint64_t object);
uint64_t wl_gen_chunk_id(const struct wl_gen *g, uint64_t object, uint64_t i);
/* The workload's version of object at time at (as a request made then
 * would carry), or WL_NO_VERSION when the model's own rule applies. */
uint32_t wl_gen_object_version(const struct wl_gen *g, uint64_t object,
                               int64_t at);
/*
 * Object semantics the model asks about, decided here and nowhere else.
 *
 * wl_change_version: the version at time at of an object that changes
 * every interval_ns at its own phase (a pure function of the id and seed,
 * so no state is kept per object), in 31 bits; 0 when interval_ns <= 0
 * (it never changes). Classes with change_interval and the catalog's own
 * change_interval (wl_catalog_version, for requests that carry
 * WL_NO_VERSION) use the same rule.
 */
uint32_t wl_change_version(const struct cfg_workload *w, uint64_t object,
                           int64_t interval_ns, int64_t at);

static inline uint32_t
wl_catalog_version(const struct cfg_workload *w, uint64_t object, int64_t at)
{
    return wl_change_version(w, object, w->change_interval_ns, at);
}

/* The catalog object a chunk id is part of (chunk_size; the chunk
 * splitting is chunk.c's); any other id is its own object. */
static inline uint64_t
wl_chunk_parent(const struct cfg_workload *w, uint64_t id)
{
    if (w->chunk_bits == 0 || id < CFG_CHUNK_FIRST_ID ||
        id >= 2 * CFG_CHUNK_FIRST_ID)
        return id;
    return (id - CFG_CHUNK_FIRST_ID) >> w->chunk_bits;
}

/* Is object among the share of the catalog that salt picks? Fixed per
 * object (a hash of its id and the seed), so every request agrees; the
 * chunks of an object agree with it. */
static inline int
wl_in_share(const struct cfg_workload *w, uint64_t object, uint64_t salt,
            double share)
{
    if (share <= 0)
        return 0;
    object = wl_chunk_parent(w, object);
    uint64_t h = hash_combine(w->seed ^ salt, object);
    return (double)(h >> 11) * (1.0 / 9007199254740992.0) < share;
}

/* Objects of the catalog's uncacheable_share, sent with no-store (on top
 * of a class's or a trace record's own no-store, wl_request). */
static inline int
wl_is_uncacheable(const struct cfg_workload *w, uint64_t object)
{
    return wl_in_share(w, object, WL_SALT_UNCACHEABLE, w->uncacheable_share);
}

/* Objects the origin lacks (missing_share): requests get a 404. */
static inline int
wl_is_missing(const struct cfg_workload *w, uint64_t object)
{
    return wl_in_share(w, object, WL_SALT_MISSING, w->missing_share);
}

/* The class of an object of a synthetic workload (NULL for a trace). */
const struct cfg_class *wl_gen_class_of(const struct wl_gen *g,
                                        uint64_t object);

/*
 * Does purge event k, a purge by tag, class or prefix, select object? A
 * synthetic object carries its class's tags and the key "/<class>/<id>";
 * a trace object, the tags and key its records read so far gave it
 * (purge_select.c). 0 for any other event.
 */
int wl_gen_purge_selects(const struct wl_gen *g, size_t k, uint64_t object);

/* The diurnal factor: the arrival rate at simulated time t_ns divided by
 * the workload's mean rate (1 for a constant rate). */
double wl_rate_factor(const struct cfg_workload *w, int64_t t_ns);

/* ---- Trace readers -------------------------------------------------------
 *
 * Streaming readers of recorded request traces: constant memory (two 1 MiB
 * buffers and, for compressed files, one zstd stream), one record per call.
 * Every format may be zstd-compressed: a file whose name ends in ".zst" or
 * that starts with the zstd magic number is decompressed as it is read.
 * A malformed record is an error naming the file and the record; nothing
 * is skipped silently.
 */

enum trace_format {
    TRACE_ORACLE_GENERAL, /* libCacheSim oracleGeneral: 24-byte records */
    TRACE_CSV,            /* delimited text with a header line */
    TRACE_WEBCACHESIM     /* text lines "time id size" */
};

/* Parses a format's name ("oracle_general", "csv", "webcachesim");
 * returns 0, or -SIM_EBADVAL for an unknown name. */
int trace_format_parse(const char *name, enum trace_format *out);

/* The name trace_format_parse accepts for f. */
const char *trace_format_name(enum trace_format f);

/* Every format name, comma-separated, for error messages and --help. */
#define TRACE_FORMAT_NAMES "oracle_general, csv, webcachesim"

/* Options of trace_open; a zeroed struct (or NULL) asks for the defaults. */
struct trace_opts {
    /*
     * csv only: which columns hold time, id and size, as
     * "time=1,id=2,size=3" (1-based column numbers) or header names
     * ("id=key,size=bytes"). Roles left out are found by header name
     * (time: time, timestamp, clock_time, ts; id: id, obj_id, key,
     * object_id, object; size: size, obj_size, object_size, bytes; any
     * case). The id is required; without a size every request has size 1,
     * without a time a record's time is its index. NULL = all by name.
     * The optional roles region, ttl (max_age), tags (surrogate_keys),
     * version, cacheable, s_maxage, stale_while_revalidate and
     * stale_if_error are found the same way.
     */
    const char *columns;
};

/* Optional fields of a record (trace_rec.has) and optional columns of a
 * trace (trace_columns); only csv traces have them. */
enum {
    TRACE_HAS_REGION = 1u << 0,
    TRACE_HAS_TTL = 1u << 1,
    TRACE_HAS_TAGS = 1u << 2,
    TRACE_HAS_VERSION = 1u << 3,
    TRACE_HAS_CACHEABLE = 1u << 4,
    TRACE_HAS_S_MAXAGE = 1u << 5,
    TRACE_HAS_SWR = 1u << 6, /* stale_while_revalidate */
    TRACE_HAS_SIE = 1u << 7  /* stale_if_error */
};

/* One request as recorded. */
struct trace_rec {
    int64_t time;        /* as given by the trace, in its own unit */
    uint64_t id;         /* object id; string ids are hashed (hash_bytes) */
    uint64_t size;       /* bytes as given (0 is passed through) */
    int64_t next_access; /* index of the next request for id, -1 when there
                            is none or the format does not say */
    uint64_t index;      /* 0-based record number in the trace */
    unsigned has;        /* TRACE_HAS_* bits: the optional fields this
                            record gives (a column with an empty field
                            gives nothing) */
    const char *region;  /* HAS_REGION: the region's name, region_len
                            bytes, not NUL-terminated; valid until the next
                            trace_next */
    size_t region_len;
    const char *tags; /* HAS_TAGS: the field as written, tags_len bytes;
                         valid until the next trace_next */
    size_t tags_len;
    int64_t ttl_ns;      /* HAS_TTL */
    uint64_t version;    /* HAS_VERSION */
    int is_cacheable;    /* HAS_CACHEABLE: 1 or 0 */
    int64_t s_maxage_ns; /* HAS_S_MAXAGE */
    int64_t swr_ns;      /* HAS_SWR */
    int64_t sie_ns;      /* HAS_SIE */
    const char *key;     /* csv: the id field as written, key_len bytes
                            (valid until the next trace_next); NULL for the
                            binary and webcachesim formats */
    size_t key_len;
};

struct trace_reader;

/*
 * Opens path as a trace of the given format (opts may be NULL). Returns 0
 * and sets *out (caller closes it with trace_close), or a negative code
 * with err filled and *out NULL: -SIM_EIO when the file cannot be opened
 * or read, -SIM_ETRACE when it is not a trace of that format (a bad zstd
 * header, a csv header without an id column), -SIM_EUSAGE for a
 * malformed opts->columns and -SIM_EBADVAL when it names a column the
 * header lacks.
 */
int trace_open(const char *path, enum trace_format format,
               const struct trace_opts *opts, struct trace_reader **out,
               struct sim_err *err);

/*
 * Reads the next record into *rec. Returns 1 with *rec filled, 0 at the end
 * of the trace, or a negative code: -SIM_ETRACE for a malformed record,
 * -SIM_EIO for a read error; trace_error() then holds the details. After
 * an error or the end every further call returns the same.
 */
int trace_next(struct trace_reader *r, struct trace_rec *rec);

/*
 * The last error of r (code 0 if none): err->file is the path, err->line
 * the record number (1-based) for oracle_general and the line number for
 * the text formats, err->col the 1-based column of a bad text field, and
 * err->field that column's role ("id", "size", "time"). Valid until the
 * reader is closed.
 */
const struct sim_err *trace_error(const struct trace_reader *r);

/* The TRACE_HAS_* columns the trace has (csv only; 0 for the others). */
unsigned trace_columns(const struct trace_reader *r);

/* The path r was opened with. */
const char *trace_path(const struct trace_reader *r);

/* Does this format carry next_access (only oracle_general does)? */
int trace_has_next_access(enum trace_format f);

/* Closes r and frees everything it holds; trace_close(NULL) is a no-op. */
void trace_close(struct trace_reader *r);

/* ---- Trace writers (trace_write.c) ----------------------------------------
 *
 * Every format the readers read, zstd-compressed when the name ends in
 * ".zst". Memory stays constant for the text formats; oracle_general keeps
 * one id map entry per distinct object while it computes next_access at
 * close. Records go to a temporary file beside the output, renamed into
 * place by trace_writer_close: the output appears whole or not at all.
 */
struct trace_writer;

/*
 * Starts writing path (a temporary file beside it, made now: an output
 * that cannot be written fails here). columns (csv only) says which
 * optional columns to write (TRACE_HAS_* bits); a record without one of
 * them leaves it empty.
 * Returns 0 and sets *out, or -SIM_EIO with err filled.
 */
int trace_writer_open(const char *path, enum trace_format f, unsigned columns,
                      struct trace_writer **out, struct sim_err *err);

/* Appends one record (its time in the trace's own unit; index and
 * next_access are ignored). Returns 0, -SIM_EIO, or -SIM_EBADVAL for a
 * time or size oracle_general cannot hold (32 bits). */
int trace_write(struct trace_writer *w, const struct trace_rec *rec,
                struct sim_err *err);

/* Finishes the file (oracle_general: fills next_access), renames it to
 * its name and frees w. On failure the temporary file is removed and the
 * name left as it was. Returns 0 or a negative code. */
int trace_writer_close(struct trace_writer *w, struct sim_err *err);

/* Frees w and removes its temporary file (an older file of the output's
 * name is kept); NULL is a no-op. */
void trace_writer_abort(struct trace_writer *w);

/* ---- Trace statistics (trace_stats.c) -----------------------------------
 *
 * One pass: request-level figures in constant memory, object-level ones
 * with one small map entry per (sampled) distinct object, reuse distances
 * with fixed-size SHARDS sampling. The file's comment gives the methods.
 */
#define TRACE_STATS_NQ 3                 /* percentiles: p50, p90, p99 */
#define TRACE_STATS_MAX_WINDOWS 128      /* rate series length, at most */
#define TRACE_STATS_REUSE_OBJECTS 262144 /* default SHARDS size */

struct trace_stats_opts {
    double sample_rate;     /* (0, 1): objects sampled by hash for the
                               object-level figures; 0 or 1: all */
    uint64_t reuse_objects; /* most objects tracked for reuse distances;
                               0 = every object (exact, unbounded) */
    uint64_t fit_min_count; /* Zipf fit over objects with at least this
                               many requests; 0 = 10 */
};

struct trace_stats {
    uint64_t requests;
    uint64_t bytes;
    int64_t first_time, last_time; /* in the trace's unit */
    uint64_t n_out_of_order;       /* records earlier than the one before */
    double sample_rate;            /* of objects, as applied (1 = exact) */
    double unique_objects;         /* distinct objects (sampled / rate) */
    double wss_bytes;     /* working set: their sizes at first request */
    double one_hit_ratio; /* objects requested once / objects */
    uint64_t request_size[TRACE_STATS_NQ]; /* p50, p90, p99 of requests */
    uint64_t request_size_max;
    uint64_t object_size[TRACE_STATS_NQ]; /* of distinct objects */
    uint64_t reuse[TRACE_STATS_NQ];       /* reuse distances (distinct objects
                                             between two requests for one) */
    double reuses;     /* requests with a reuse distance (estimated) */
    double cold;       /* first requests of an object (estimated) */
    double reuse_rate; /* SHARDS sampling rate at the end (1 = exact) */
    uint64_t *windows; /* requests per window, [n_windows] */
    size_t n_windows;
    int64_t window_len;   /* trace time units per window */
    int has_fit;          /* fewer than 10 objects qualify: no fit */
    double alpha;         /* fitted Zipf exponent */
    double alpha_stderr;  /* its standard error (Fisher information) */
    double fit_ks;        /* Kolmogorov-Smirnov distance of the fit */
    double fit_requests;  /* requests of the objects fitted */
    uint64_t fit_objects; /* objects fitted (requested >= min count) */
    uint64_t fit_min_count;
};

/*
 * Reads r to its end and fills *st (caller frees with trace_stats_fini).
 * Returns 0, or the reader's error code with err filled (then *st holds
 * nothing to free).
 */
int trace_stats_run(struct trace_reader *r, const struct trace_stats_opts *o,
                    struct trace_stats *st, struct sim_err *err);
void trace_stats_fini(struct trace_stats *st);

#endif
