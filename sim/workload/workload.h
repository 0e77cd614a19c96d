/* workload.h: synthetic request generators and trace readers. */
#ifndef SIM_WORKLOAD_WORKLOAD_H
#define SIM_WORKLOAD_WORKLOAD_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "config/config.h"

/*
 * Zipf(alpha) over ranks 1..n by rejection-inversion (W. Hörmann and
 * G. Derflinger, "Rejection-inversion to generate variates from monotone
 * discrete distributions", ACM TOMACS 6(3), 1996): O(1) per draw with no
 * table, for any n up to 2^63 and any alpha >= 0 (0 is uniform).
 */
struct wl_zipf {
    uint64_t n;
    double alpha;
    double h_x1;      /* H(1.5) - 1 */
    double h_n;       /* H(n + 0.5) */
    double squeeze;   /* s = 2 - H^-1(H(2.5) - h(2)): accept without test */
};

void wl_zipf_init(struct wl_zipf *z, uint64_t n, double alpha);
/* A rank in [1, n]; rank 1 is the most popular. */
uint64_t wl_zipf_sample(const struct wl_zipf *z, gsl_rng *rng);

/*
 * A bijection of [0, n) chosen by key: maps popularity rank - 1 to an object
 * id so that popularity is not tied to id order. A Feistel network with
 * cycle-walking, so it needs no table at any n < 2^64.
 */
struct wl_scrambler {
    uint64_t n;
    unsigned half;          /* bits per Feistel half */
    uint64_t half_mask;
    uint64_t round_key[4];
};

void wl_scrambler_init(struct wl_scrambler *sc, uint64_t n, uint64_t key);
uint64_t wl_scramble(const struct wl_scrambler *sc, uint64_t x);

/* The size of object id under dist; a pure function of (id, seed). */
uint64_t wl_object_size(const struct cfg_size *dist, uint64_t id,
                        uint64_t seed);

/* Later than any arrival: the end of the simulated clock's usable range. */
#define WL_NEVER ((int64_t)1 << 62)

/* One client request, as a workload source produces it. */
struct wl_request {
    int64_t at;        /* arrival time at the edge, ns */
    uint64_t object;   /* object id */
    uint64_t size;     /* bytes */
    int64_t ttl_ns;    /* freshness lifetime given at the origin; 0 = the
                          copy never expires */
    uint32_t region;   /* index into the topology's regions */
};

/*
 * A synthetic generator: one Poisson source per region (rate times the
 * region's share), each with its own random streams, so that sources are
 * independent and one pending arrival per source is all the state it keeps.
 * The generator merges the regions into one stream in time order.
 */
struct wl_gen;

/* Caller frees with wl_gen_free. region_weights has n_regions entries. */
struct wl_gen *wl_gen_new(const struct cfg_workload *w,
                          const double *region_weights, uint32_t n_regions);
void wl_gen_free(struct wl_gen *g);

/*
 * Fills *out with the next request over all regions, in time order (ties go
 * to the lower region index). Returns 1, or 0 when the source has no more
 * requests (a synthetic source runs out only when its rate is so low that
 * the next arrival would come after WL_NEVER).
 */
int wl_gen_next(struct wl_gen *g, struct wl_request *out);

/* The id and size of the object of popularity rank (1 = most popular), for
 * pushing the most popular objects ahead of demand. */
uint64_t wl_gen_object_at_rank(const struct wl_gen *g, uint64_t rank);
uint64_t wl_gen_object_size(const struct wl_gen *g, uint64_t object);

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
     */
    const char *columns;
};

/* One request as recorded. */
struct trace_rec {
    int64_t time;        /* as given by the trace, in its own unit */
    uint64_t id;         /* object id; string ids are hashed (hash_bytes) */
    uint64_t size;       /* bytes as given (0 is passed through) */
    int64_t next_access; /* index of the next request for id, -1 when there
                            is none or the format does not say */
    uint64_t index;      /* 0-based record number in the trace */
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

/* Does this format carry next_access (only oracle_general does)? */
int trace_has_next_access(enum trace_format f);

/* Closes r and frees everything it holds; trace_close(NULL) is a no-op. */
void trace_close(struct trace_reader *r);

#endif
