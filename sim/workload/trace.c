/* trace.c: opening trace files, their buffered and optionally zstd-
 * compressed byte stream, and the parsers every text format shares.
 *
 * Reads go through read(2) in 1 MiB pieces rather than stdio or mmap:
 * one copy, constant memory, and the same path for plain and compressed
 * files (ZSTD_decompressStream writes straight into the decoded buffer).
 */
#include "workload/trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hash.h"
#include "util/xalloc.h"

static const char *const format_names[] = {
    [TRACE_ORACLE_GENERAL] = "oracle_general",
    [TRACE_CSV] = "csv",
    [TRACE_WEBCACHESIM] = "webcachesim",
};

const char *const trace_role_names[TRACE_N_ROLES] = {
    [TRACE_COL_TIME] = "time",
    [TRACE_COL_ID] = "id",
    [TRACE_COL_SIZE] = "size",
    [TRACE_COL_REGION] = "region",
    [TRACE_COL_TTL] = "ttl",
    [TRACE_COL_TAGS] = "tags",
    [TRACE_COL_VERSION] = "version",
    [TRACE_COL_CACHEABLE] = "cacheable",
    [TRACE_COL_S_MAXAGE] = "s_maxage",
    [TRACE_COL_SWR] = "stale_while_revalidate",
    [TRACE_COL_SIE] = "stale_if_error",
    [TRACE_COL_CACHE_CONTROL] = "cache_control",
};

int
trace_format_parse(const char *name, enum trace_format *out)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            *out = (enum trace_format)i;
            return 0;
        }
    }
    return -SIM_EBADVAL;
}

const char *
trace_format_name(enum trace_format f)
{
    return format_names[f];
}

unsigned
trace_columns(const struct trace_reader *r)
{
    unsigned has = 0;
    if (r->format != TRACE_CSV)
        return 0;
    if (r->col[TRACE_COL_REGION] >= 0)
        has |= TRACE_HAS_REGION;
    if (r->col[TRACE_COL_TTL] >= 0)
        has |= TRACE_HAS_TTL;
    if (r->col[TRACE_COL_TAGS] >= 0)
        has |= TRACE_HAS_TAGS;
    if (r->col[TRACE_COL_VERSION] >= 0)
        has |= TRACE_HAS_VERSION;
    if (r->col[TRACE_COL_CACHEABLE] >= 0)
        has |= TRACE_HAS_CACHEABLE;
    if (r->col[TRACE_COL_S_MAXAGE] >= 0)
        has |= TRACE_HAS_S_MAXAGE;
    if (r->col[TRACE_COL_SWR] >= 0)
        has |= TRACE_HAS_SWR;
    if (r->col[TRACE_COL_SIE] >= 0)
        has |= TRACE_HAS_SIE;
    /* A Cache-Control header is read into the fields it can set. */
    if (r->col[TRACE_COL_CACHE_CONTROL] >= 0)
        has |= TRACE_HAS_TTL | TRACE_HAS_S_MAXAGE | TRACE_HAS_SWR |
               TRACE_HAS_SIE | TRACE_HAS_CACHEABLE;
    return has;
}

const char *
trace_path(const struct trace_reader *r)
{
    return r->path;
}

int
trace_has_next_access(enum trace_format f)
{
    return f == TRACE_ORACLE_GENERAL;
}

int
trace_fail(struct trace_reader *r, int code, uint64_t line, int col,
           const char *field, const char *fmt, ...)
{
    char msg[sizeof r->err.msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* sim_err's line is an int: a record beyond 2^31 keeps its number in
     * the message, which every caller includes. */
    int l = line > (uint64_t)0x7fffffff ? 0 : (int)line;
    sim_err_set(&r->err, code, r->path, l, col, field, "%s", msg);
    r->state = code;
    return code;
}

/* read(2) that retries on EINTR; returns bytes read, 0 at EOF, -1. */
static ssize_t
read_some(int fd, void *buf, size_t n)
{
    for (;;) {
        ssize_t k = read(fd, buf, n);
        if (k >= 0 || errno != EINTR)
            return k;
    }
}

static int
fail_read(struct trace_reader *r)
{
    return trace_fail(r, -SIM_EIO, 0, 0, NULL, "cannot read: %s",
                      strerror(errno));
}

/* Decompresses into buf[len, cap - 1). */
static int
fill_zstd(struct trace_reader *r)
{
    struct trace_src *s = &r->src;
    ZSTD_outBuffer out = {s->buf + s->len, s->cap - 1 - s->len, 0};
    while (out.pos < out.size) {
        if (s->zin.pos == s->zin.size && !s->zin_eof) {
            ssize_t k = read_some(s->fd, s->zbuf, TRACE_BUF_SIZE);
            if (k < 0)
                return fail_read(r);
            s->zin.src = s->zbuf;
            s->zin.size = (size_t)k;
            s->zin.pos = 0;
            s->zin_eof = k == 0;
        }
        size_t before = out.pos, in_before = s->zin.pos;
        size_t rc = ZSTD_decompressStream(s->zd, &out, &s->zin);
        if (ZSTD_isError(rc))
            return trace_fail(r, -SIM_ETRACE, 0, 0, NULL,
                              "bad zstd data after %llu records: %s",
                              (unsigned long long)r->n_records,
                              ZSTD_getErrorName(rc));
        int progress = out.pos != before || s->zin.pos != in_before;
        if (progress)
            s->zlast = rc;
        /* With the input gone, a call that yields nothing means the stream
         * is drained; the last call that did anything must have ended a
         * frame (a call after that already expects the next frame). */
        if (s->zin_eof && s->zin.pos == s->zin.size && !progress) {
            if (s->zlast != 0)
                return trace_fail(r, -SIM_ETRACE, 0, 0, NULL,
                                  "the zstd stream is truncated (after %llu "
                                  "records)",
                                  (unsigned long long)r->n_records);
            break;
        }
    }
    s->len += out.pos;
    if (out.pos == 0)
        s->at_eof = 1;
    return (int)out.pos;
}

int
trace_src_fill(struct trace_reader *r)
{
    struct trace_src *s = &r->src;
    if (s->at_eof)
        return 0;
    if (s->pos > 0) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->pos = 0;
    }
    if (s->len >= s->cap - 1)
        return 0; /* full: the caller decides whether that is an error */
    if (s->zd != NULL)
        return fill_zstd(r);
    ssize_t k = read_some(s->fd, s->buf + s->len, s->cap - 1 - s->len);
    if (k < 0)
        return fail_read(r);
    if (k == 0)
        s->at_eof = 1;
    s->len += (size_t)k;
    return (int)k;
}

int
trace_line(struct trace_reader *r, char **line, size_t *len)
{
    struct trace_src *s = &r->src;
    size_t scanned = 0; /* bytes after pos already known to hold no '\n' */
    for (;;) {
        char *start = (char *)s->buf + s->pos;
        size_t avail = s->len - s->pos;
        char *nl = memchr(start + scanned, '\n', avail - scanned);
        size_t n;
        if (nl != NULL) {
            n = (size_t)(nl - start);
            s->pos += n + 1;
        } else if (s->at_eof) {
            if (avail == 0)
                return 0;
            n = avail; /* a last line without its newline */
            s->pos = s->len;
        } else {
            if (s->pos == 0 && s->len >= s->cap - 1)
                return trace_fail(r, -SIM_ETRACE, r->n_lines + 1, 0, NULL,
                                  "line %llu is longer than %zu bytes",
                                  (unsigned long long)r->n_lines + 1,
                                  TRACE_BUF_SIZE - 1);
            scanned = avail;
            int rc = trace_src_fill(r);
            if (rc < 0)
                return rc;
            continue;
        }
        if (n > 0 && start[n - 1] == '\r')
            n--;
        start[n] = '\0'; /* the '\n', the '\r', or the spare byte */
        r->n_lines++;
        *line = start;
        *len = n;
        return 1;
    }
}

int
trace_parse_u64(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 20)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int
trace_parse_i64(const char *s, size_t n, int64_t *out)
{
    int neg = n > 0 && s[0] == '-';
    uint64_t v;
    if (trace_parse_u64(s + neg, n - (size_t)neg, &v) != 0 ||
        v > (uint64_t)INT64_MAX)
        return -1;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

uint64_t
trace_parse_id(const char *s, size_t n)
{
    uint64_t v;
    if (trace_parse_u64(s, n, &v) == 0)
        return v;
    return hash_bytes(s, n);
}

static int
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * Reads the first bytes and decides whether the file is zstd: by its magic
 * number, which a ".zst" name then must have.
 */
static int
detect_zstd(struct trace_reader *r)
{
    struct trace_src *s = &r->src;
    while (s->len < 4 && !s->at_eof) {
        int rc = trace_src_fill(r);
        if (rc < 0)
            return rc;
    }
    static const unsigned char magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    int is_zstd = s->len >= 4 && memcmp(s->buf, magic, 4) == 0;
    if (!is_zstd) {
        if (has_suffix(r->path, ".zst"))
            return trace_fail(r, -SIM_ETRACE, 0, 0, NULL,
                              "the name ends in .zst but the file does not "
                              "start with the zstd magic number");
        return 0;
    }
    /* What was read is compressed input: hand it to the decompressor. */
    s->zd = ZSTD_createDCtx();
    if (s->zd == NULL)
        return trace_fail(r, -SIM_EINTERNAL, 0, 0, NULL,
                          "cannot create a zstd context");
    s->zbuf = xmalloc(TRACE_BUF_SIZE);
    memcpy(s->zbuf, s->buf, s->len);
    s->zin.src = s->zbuf;
    s->zin.size = s->len;
    s->zin.pos = 0;
    s->zin_eof = s->at_eof;
    s->at_eof = 0;
    s->len = s->pos = 0;
    return 0;
}

int
trace_open(const char *path, enum trace_format format,
           const struct trace_opts *opts, struct trace_reader **out,
           struct sim_err *err)
{
    *out = NULL;
    struct trace_reader *r = xcalloc(1, sizeof *r);
    r->path = xstrdup(path);
    r->format = format;
    r->src.fd = -1;
    r->src.cap = TRACE_BUF_SIZE + 1;
    r->src.buf = xmalloc(r->src.cap);
    int rc;
    r->src.fd = open(path, O_RDONLY);
    if (r->src.fd < 0) {
        rc = trace_fail(r, -SIM_EIO, 0, 0, NULL, "cannot open the trace: %s",
                        strerror(errno));
        goto fail;
    }
    if ((rc = detect_zstd(r)) < 0)
        goto fail;
    switch (format) {
    case TRACE_ORACLE_GENERAL:
        r->next = trace_oracle_next;
        break;
    case TRACE_WEBCACHESIM:
        r->next = trace_webcachesim_next;
        break;
    case TRACE_CSV:
        r->next = trace_csv_next;
        if ((rc = trace_csv_start(r, opts ? opts->columns : NULL)) < 0)
            goto fail;
        break;
    }
    *out = r;
    return 0;
fail:
    if (err != NULL)
        *err = r->err;
    trace_close(r);
    return rc;
}

int
trace_next(struct trace_reader *r, struct trace_rec *rec)
{
    if (r->state != 0)
        return r->state < 0 ? r->state : 0;
    rec->has = 0;
    rec->key = NULL;
    rec->key_len = 0;
    int rc = r->next(r, rec);
    if (rc == 1) {
        rec->index = r->n_records++;
    } else if (rc == 0) {
        r->state = 1;
    }
    return rc;
}

const struct sim_err *
trace_error(const struct trace_reader *r)
{
    return &r->err;
}

void
trace_close(struct trace_reader *r)
{
    if (r == NULL)
        return;
    if (r->src.fd >= 0)
        close(r->src.fd);
    ZSTD_freeDCtx(r->src.zd);
    free(r->src.zbuf);
    free(r->src.buf);
    free(r->path);
    free(r);
}
