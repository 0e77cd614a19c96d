/* trace_int.h: private to sim/workload/: the reader record shared by the
 * trace formats, its buffered (optionally zstd) byte source and the
 * field parsers.
 *
 * A reader owns one decoded-byte buffer of TRACE_BUF_SIZE bytes, plus one
 * of compressed input for zstd files: memory stays constant however long
 * the trace is. Text readers hand out lines in place (NUL-terminated in the
 * buffer), so a line may be at most TRACE_BUF_SIZE - 1 bytes long.
 */
#ifndef SIM_WORKLOAD_TRACE_INT_H
#define SIM_WORKLOAD_TRACE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <zstd.h>

#include "workload/workload.h"

#define TRACE_BUF_SIZE ((size_t)1 << 20) /* bytes per read, and per line */

struct trace_src {
    int fd;
    unsigned char *buf; /* decoded bytes; [pos, len) not yet consumed */
    size_t pos, len;
    size_t cap; /* bytes allocated; one is kept for a final NUL */
    int at_eof; /* no byte will follow buf[len - 1] */
    /* zstd only (zd != NULL). */
    ZSTD_DCtx *zd;
    unsigned char *zbuf; /* compressed input */
    ZSTD_inBuffer zin;   /* the unconsumed part of zbuf */
    int zin_eof;         /* the file has no more compressed bytes */
    size_t zlast;        /* result of the last decompress call that
                            made progress: 0 = it ended a frame */
};

/* Which csv column holds each role, 0-based; -1 when absent. The roles
 * after size are optional and never required (TRACE_HAS_* says which a
 * record gives). */
enum {
    TRACE_COL_TIME,
    TRACE_COL_ID,
    TRACE_COL_SIZE,
    TRACE_COL_REGION,
    TRACE_COL_TTL,
    TRACE_COL_TAGS,
    TRACE_COL_VERSION,
    TRACE_COL_CACHEABLE,
    TRACE_COL_S_MAXAGE,
    TRACE_COL_SWR,
    TRACE_COL_SIE,
    TRACE_COL_CACHE_CONTROL,
    TRACE_N_ROLES
};

struct trace_reader {
    char *path;
    enum trace_format format;
    struct trace_src src;
    int (*next)(struct trace_reader *r, struct trace_rec *rec);
    int state;          /* 0 reading, 1 ended, < 0 the error code */
    uint64_t n_records; /* records returned so far */
    uint64_t n_lines;   /* text formats: lines consumed so far */
    struct sim_err err;
    /* csv only. */
    char delim;
    int col[TRACE_N_ROLES];
    int n_cols_needed; /* 1 + the largest column in col[] */
};

/* Role names as error messages and --columns spell them. */
extern const char *const trace_role_names[TRACE_N_ROLES];

/*
 * Records an error on r (which then returns code forever) and returns code.
 * err->file is r's path; line and col as given (0 when unknown).
 */
int trace_fail(struct trace_reader *r, int code, uint64_t line, int col,
               const char *field, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Moves the unconsumed bytes to the front of the buffer and appends more.
 * Returns the number of bytes added (0 only at the end of the file, which
 * then sets at_eof) or a negative code recorded on r.
 */
int trace_src_fill(struct trace_reader *r);

/*
 * The next line, without its "\n" or "\r\n", NUL-terminated in place; valid
 * until the next call. Returns 1, 0 at the end of the file, or a negative
 * code recorded on r (a line longer than the buffer).
 */
int trace_line(struct trace_reader *r, char **line, size_t *len);

/* Whole decimal numbers, exactly n bytes of s: 0 or -1 (bad or overflow). */
int trace_parse_u64(const char *s, size_t n, uint64_t *out);
int trace_parse_i64(const char *s, size_t n, int64_t *out);

/* An id field: a decimal number below 2^64 is the id itself, anything else
 * is a string id, hashed with hash_bytes. n must be > 0. */
uint64_t trace_parse_id(const char *s, size_t n);

/* Per-format hooks. */
int trace_oracle_next(struct trace_reader *r, struct trace_rec *rec);
int trace_webcachesim_next(struct trace_reader *r, struct trace_rec *rec);
/* Reads the header and resolves the columns (columns may be NULL). */
int trace_csv_start(struct trace_reader *r, const char *columns);
int trace_csv_next(struct trace_reader *r, struct trace_rec *rec);

#endif
