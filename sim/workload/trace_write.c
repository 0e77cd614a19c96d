/* trace_write.c: writing traces in every format the readers read, plain or
 * zstd-compressed (a name ending in ".zst").
 *
 * Every format is written to a temporary file beside the output and
 * renamed into place by trace_writer_close, so that a failed or stopped
 * write never leaves a shorter trace that looks whole (and an old file of
 * the same name stays until the new one is complete). A device or pipe
 * (/dev/stdout, a FIFO) is written in place instead; oracle_general then
 * keeps its records in $TMPDIR until they are copied out. Text formats stream
 * out, one field at a time: no field is cut, however long.
 * oracle_general records carry each request's next access, which only the
 * future knows: trace_writer_close walks the temporary file backwards in
 * blocks, keeping for each object the position of its next request (one
 * id map entry per distinct object, never one per request), fills the
 * field in place, then renames or compresses the file into place.
 * libCacheSim counts those positions from 1 and marks "never again" with
 * -1; so do we (trace_oracle.c reads them back 0-based).
 */
#include "workload/trace_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/idmap.h"
#include "util/outfile.h"
#include "util/xalloc.h"

#define WBUF_SIZE ((size_t)1 << 20)
#define ORACLE_RECORD_SIZE 24
#define ORACLE_BLOCK 65536 /* records per block of the backward pass */

/* A buffered output file, zstd-compressed when zc is not NULL. */
struct wbuf {
    int fd;
    char *buf;
    size_t len;
    ZSTD_CCtx *zc;
    char *zbuf;
};

struct trace_writer {
    char *path;      /* the output as named, for messages */
    char *target;    /* what the last rename replaces (outfile_resolve) */
    int is_direct;   /* path is a device or pipe, written in place */
    char *tmp_path;  /* the records until then (uncompressed for oracle);
                        NULL for text written directly */
    char *ztmp_path; /* oracle_general .zst: the compressed copy */
    enum trace_format format;
    unsigned columns; /* csv: TRACE_HAS_* columns written */
    int is_zstd;
    struct wbuf out;
    uint64_t n_records;
};

/* write(2) of all n bytes, retrying on EINTR and short writes. */
static int
write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        s += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Opens the new file tmp_path for writing through b. */
static int
wbuf_open(struct wbuf *b, const char *tmp_path, int is_zstd)
{
    memset(b, 0, sizeof *b);
    b->fd = open(tmp_path, O_WRONLY | O_TRUNC);
    if (b->fd < 0)
        return -1;
    b->buf = xmalloc(WBUF_SIZE);
    if (is_zstd) {
        b->zc = ZSTD_createCCtx();
        SIM_ASSERT(b->zc != NULL);
        ZSTD_CCtx_setParameter(b->zc, ZSTD_c_compressionLevel, 3);
        b->zbuf = xmalloc(ZSTD_CStreamOutSize());
    }
    return 0;
}

/* Sends the buffer on (compressing it, and ending the frame if is_end). */
static int
wbuf_flush(struct wbuf *b, int is_end)
{
    if (b->zc == NULL) {
        int rc = write_all(b->fd, b->buf, b->len);
        b->len = 0;
        return rc;
    }
    ZSTD_inBuffer in = {b->buf, b->len, 0};
    size_t zcap = ZSTD_CStreamOutSize();
    for (;;) {
        ZSTD_outBuffer out = {b->zbuf, zcap, 0};
        size_t left = ZSTD_compressStream2(
            b->zc, &out, &in, is_end ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(left)) {
            errno = EIO;
            return -1;
        }
        if (write_all(b->fd, b->zbuf, out.pos) != 0)
            return -1;
        if (is_end ? left == 0 : in.pos == in.size)
            break;
    }
    b->len = 0;
    return 0;
}

/* Appends n bytes, of any length. */
static int
wbuf_write(struct wbuf *b, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        if (b->len == WBUF_SIZE && wbuf_flush(b, 0) != 0)
            return -1;
        size_t k = WBUF_SIZE - b->len < n ? WBUF_SIZE - b->len : n;
        memcpy(b->buf + b->len, s, k);
        b->len += k;
        s += k;
        n -= k;
    }
    return 0;
}

static int
wbuf_putc(struct wbuf *b, char ch)
{
    return wbuf_write(b, &ch, 1);
}

static int
wbuf_puts(struct wbuf *b, const char *s)
{
    return wbuf_write(b, s, strlen(s));
}

/* Flushes everything and closes; the buffers are freed either way. */
static int
wbuf_close(struct wbuf *b)
{
    int rc = 0;
    if (b->fd >= 0) {
        rc = wbuf_flush(b, 1);
        if (close(b->fd) != 0)
            rc = -1;
        b->fd = -1;
    }
    ZSTD_freeCCtx(b->zc);
    free(b->zbuf);
    free(b->buf);
    b->zc = NULL;
    b->zbuf = b->buf = NULL;
    return rc;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int
fail_errno(const struct trace_writer *w, const char *what, struct sim_err *err)
{
    return sim_err_set(err, -SIM_EIO, w->path, 0, 0, NULL, "cannot %s: %s",
                       what, strerror(errno));
}

/* The csv header: time, id, size and the chosen optional columns. */
static int
csv_header(struct trace_writer *w)
{
    char line[192] = "time,id,size"; /* fixed names, 111 bytes at most */
    static const struct {
        unsigned bit;
        const char *name;
    } cols[] = {{TRACE_HAS_REGION, "region"},
                {TRACE_HAS_TTL, "ttl"},
                {TRACE_HAS_TAGS, "tags"},
                {TRACE_HAS_VERSION, "version"},
                {TRACE_HAS_CACHEABLE, "cacheable"},
                {TRACE_HAS_S_MAXAGE, "s_maxage"},
                {TRACE_HAS_SWR, "stale_while_revalidate"},
                {TRACE_HAS_SIE, "stale_if_error"}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        if (w->columns & cols[k].bit) {
            strcat(line, ",");
            strcat(line, cols[k].name);
        }
    }
    strcat(line, "\n");
    return wbuf_write(&w->out, line, strlen(line));
}

int
trace_writer_open(const char *path, enum trace_format f, unsigned columns,
                  struct trace_writer **out, struct sim_err *err)
{
    *out = NULL;
    struct trace_writer *w = xcalloc(1, sizeof *w);
    w->path = xstrdup(path);
    w->format = f;
    w->columns = f == TRACE_CSV ? columns : 0;
    w->is_zstd = ends_with(path, ".zst");
    w->out.fd = -1;
    int is_oracle = f == TRACE_ORACLE_GENERAL;
    w->target = outfile_resolve(path, &w->is_direct);
    if (w->is_direct && is_oracle) {
        const char *dir = getenv("TMPDIR");
        char *base = xasprintf("%s/cdnsim-trace", dir && *dir ? dir : "/tmp");
        w->tmp_path = outfile_make_tmp(base);
        free(base);
    } else if (!w->is_direct) {
        w->tmp_path = outfile_make_tmp(w->target);
    }
    const char *first = w->is_direct && !is_oracle ? path : w->tmp_path;
    if (first == NULL ||
        wbuf_open(&w->out, first, w->is_zstd && !is_oracle) != 0) {
        int rc = fail_errno(w, "create the trace", err);
        trace_writer_abort(w);
        return rc;
    }
    if (f == TRACE_CSV && csv_header(w) != 0) {
        int rc = fail_errno(w, "write the trace", err);
        trace_writer_abort(w);
        return rc;
    }
    *out = w;
    return 0;
}

static void
store_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void
store_le64(unsigned char *p, uint64_t v)
{
    store_le32(p, (uint32_t)v);
    store_le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A TTL as the csv reader reads it back exactly: whole seconds, else
 * milliseconds, microseconds or nanoseconds with their unit. */
static void
format_ttl(int64_t ns, char *buf, size_t len)
{
    if (ns % 1000000000 == 0)
        snprintf(buf, len, "%" PRId64, ns / 1000000000);
    else if (ns % 1000000 == 0)
        snprintf(buf, len, "%" PRId64 "ms", ns / 1000000);
    else if (ns % 1000 == 0)
        snprintf(buf, len, "%" PRId64 "us", ns / 1000);
    else
        snprintf(buf, len, "%" PRId64 "ns", ns);
}

/* Appends a text field, quoted when it holds a delimiter, a quote or a
 * line end (a quote doubled, as RFC 4180 says). */
static int
put_text(struct wbuf *b, const char *s, size_t n)
{
    int is_quoted = 0;
    for (size_t i = 0; i < n && !is_quoted; i++)
        is_quoted = s[i] == ',' || s[i] == '"' || s[i] == '\t' ||
                    s[i] == '\n' || s[i] == '\r';
    if (!is_quoted)
        return wbuf_write(b, s, n);
    int rc = wbuf_putc(b, '"');
    for (size_t i = 0; i < n && rc == 0;) {
        const char *q = memchr(s + i, '"', n - i);
        size_t k = q ? (size_t)(q - (s + i)) + 1 : n - i;
        rc = wbuf_write(b, s + i, k);
        if (rc == 0 && q)
            rc = wbuf_putc(b, '"');
        i += k;
    }
    return rc == 0 ? wbuf_putc(b, '"') : rc;
}

/* A binary oracle_general record (next_access filled in by close). */
static int
write_oracle(struct trace_writer *w, const struct trace_rec *rec,
             struct sim_err *err)
{
    unsigned long long idx = (unsigned long long)w->n_records + 1;
    if (rec->time < 0 || rec->time > (int64_t)UINT32_MAX ||
        rec->size > UINT32_MAX)
        return sim_err_set(err, -SIM_EBADVAL, w->path, 0, 0, NULL,
                           "record %llu: oracle_general keeps times and "
                           "sizes in 32 bits; time %" PRId64 " or size "
                           "%" PRIu64 " does not fit (try a coarser "
                           "--time-unit)",
                           idx, rec->time, rec->size);
    unsigned char r[ORACLE_RECORD_SIZE];
    store_le32(r, (uint32_t)rec->time);
    store_le64(r + 4, rec->id);
    store_le32(r + 12, (uint32_t)rec->size);
    store_le64(r + 16, (uint64_t)-1); /* filled in by close */
    if (wbuf_write(&w->out, r, sizeof r) != 0)
        return fail_errno(w, "write the trace", err);
    w->n_records++;
    return 0;
}

/* A text record's time, key and size: "time,key,size" for a csv record
 * with a text key, else the three numbers. Returns 0 or a wbuf error. */
static int
put_head(struct trace_writer *w, const struct trace_rec *rec)
{
    struct wbuf *b = &w->out;
    char num[80];
    if (w->format == TRACE_CSV && rec->key != NULL) {
        snprintf(num, sizeof num, "%" PRId64 ",", rec->time);
        int rc = wbuf_puts(b, num);
        if (rc == 0)
            rc = put_text(b, rec->key, rec->key_len);
        snprintf(num, sizeof num, ",%" PRIu64, rec->size);
        return rc == 0 ? wbuf_puts(b, num) : rc;
    }
    char sep = w->format == TRACE_CSV ? ',' : ' ';
    snprintf(num, sizeof num, "%" PRId64 "%c%" PRIu64 "%c%" PRIu64, rec->time,
             sep, rec->id, sep, rec->size);
    return wbuf_puts(b, num);
}

/* The optional columns the writer has, each after a comma, empty when
 * the record lacks it. Returns 0 or a wbuf error. */
static int
put_columns(struct trace_writer *w, const struct trace_rec *rec)
{
    struct wbuf *b = &w->out;
    char num[48];
    int rc = 0;
    if (rc == 0 && (w->columns & TRACE_HAS_REGION)) {
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & TRACE_HAS_REGION))
            rc = put_text(b, rec->region, rec->region_len);
    }
    if (rc == 0 && (w->columns & TRACE_HAS_TTL)) {
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & TRACE_HAS_TTL)) {
            format_ttl(rec->ttl_ns, num, sizeof num);
            rc = wbuf_puts(b, num);
        }
    }
    if (rc == 0 && (w->columns & TRACE_HAS_TAGS)) {
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & TRACE_HAS_TAGS))
            rc = put_text(b, rec->tags, rec->tags_len);
    }
    if (rc == 0 && (w->columns & TRACE_HAS_VERSION)) {
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & TRACE_HAS_VERSION)) {
            snprintf(num, sizeof num, "%" PRIu64, rec->version);
            rc = wbuf_puts(b, num);
        }
    }
    if (rc == 0 && (w->columns & TRACE_HAS_CACHEABLE)) {
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & TRACE_HAS_CACHEABLE))
            rc = wbuf_putc(b, rec->is_cacheable ? '1' : '0');
    }
    const struct {
        unsigned bit;
        int64_t ns;
    } durations[] = {{TRACE_HAS_S_MAXAGE, rec->s_maxage_ns},
                     {TRACE_HAS_SWR, rec->swr_ns},
                     {TRACE_HAS_SIE, rec->sie_ns}};
    for (size_t d = 0; d < sizeof durations / sizeof durations[0]; d++) {
        if (rc != 0 || !(w->columns & durations[d].bit))
            continue;
        rc = wbuf_putc(b, ',');
        if (rc == 0 && (rec->has & durations[d].bit)) {
            format_ttl(durations[d].ns, num, sizeof num);
            rc = wbuf_puts(b, num);
        }
    }
    return rc;
}

int
trace_write(struct trace_writer *w, const struct trace_rec *rec,
            struct sim_err *err)
{
    if (w->format == TRACE_ORACLE_GENERAL)
        return write_oracle(w, rec, err);
    /* Text, a field at a time. Numbers fit num (a 64-bit integer and a
     * unit); text fields (a csv key, a URL, is kept as written so that
     * purges by prefix still find it) go out whole. */
    int rc = put_head(w, rec);
    if (rc == 0)
        rc = put_columns(w, rec);
    if (rc == 0)
        rc = wbuf_putc(&w->out, '\n');
    if (rc != 0)
        return fail_errno(w, "write the trace", err);
    w->n_records++;
    return 0;
}

static ssize_t
pio(int fd, void *buf, size_t n, off_t at, int is_write)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k =
            is_write
                ? pwrite(fd, (char *)buf + done, n - done, at + (off_t)done)
                : pread(fd, (char *)buf + done, n - done, at + (off_t)done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    return (ssize_t)done;
}

/*
 * Fills every record's next_access, last block first: for each record,
 * from the end, the map holds the position (1-based) of the object's
 * next request, or nothing.
 */
static int
oracle_next_access(struct trace_writer *w, struct sim_err *err)
{
    int fd = open(w->tmp_path, O_RDWR);
    if (fd < 0)
        return fail_errno(w, "reopen the temporary trace", err);
    if (w->n_records >= IDMAP_EMPTY) {
        close(fd);
        return sim_err_set(err, -SIM_EBADVAL, w->path, 0, 0, NULL,
                           "oracle_general output is limited to %u records",
                           IDMAP_EMPTY - 1);
    }
    struct idmap next;
    idmap_init(&next);
    unsigned char *buf = xmalloc((size_t)ORACLE_BLOCK * ORACLE_RECORD_SIZE);
    int rc = 0;
    uint64_t end = w->n_records;
    while (end > 0 && rc == 0) {
        uint64_t start = end > ORACLE_BLOCK ? end - ORACLE_BLOCK : 0;
        size_t bytes = (size_t)(end - start) * ORACLE_RECORD_SIZE;
        off_t at = (off_t)start * ORACLE_RECORD_SIZE;
        if (pio(fd, buf, bytes, at, 0) < 0) {
            rc = fail_errno(w, "read the temporary trace", err);
            break;
        }
        for (uint64_t i = end; i-- > start;) {
            unsigned char *r = buf + (size_t)(i - start) * ORACLE_RECORD_SIZE;
            uint64_t id = load_le64(r + 4);
            uint32_t pos = idmap_get(&next, id);
            store_le64(r + 16,
                       pos == IDMAP_EMPTY ? (uint64_t)-1 : (uint64_t)pos);
            idmap_put(&next, id, (uint32_t)(i + 1));
        }
        if (pio(fd, buf, bytes, at, 1) < 0)
            rc = fail_errno(w, "write the temporary trace", err);
        end = start;
    }
    free(buf);
    idmap_fini(&next);
    if (close(fd) != 0 && rc == 0)
        rc = fail_errno(w, "write the temporary trace", err);
    return rc;
}

/* Copies the finished temporary file to dest (an existing file),
 * compressing it when is_zstd. */
static int
oracle_copy_out(struct trace_writer *w, const char *dest, int is_zstd,
                struct sim_err *err)
{
    int in = open(w->tmp_path, O_RDONLY);
    if (in < 0)
        return fail_errno(w, "reopen the temporary trace", err);
    struct wbuf out;
    if (wbuf_open(&out, dest, is_zstd) != 0) {
        close(in);
        return fail_errno(w, "create the trace", err);
    }
    int rc = 0;
    for (;;) {
        ssize_t k = read(in, out.buf, WBUF_SIZE);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = fail_errno(w, "read the temporary trace", err);
            break;
        }
        if (k == 0)
            break;
        out.len = (size_t)k;
        if (wbuf_flush(&out, 0) != 0) {
            rc = fail_errno(w, "write the trace", err);
            break;
        }
    }
    close(in);
    if (wbuf_close(&out) != 0 && rc == 0)
        rc = fail_errno(w, "write the trace", err);
    return rc;
}

static void
writer_free(struct trace_writer *w)
{
    free(w->ztmp_path);
    free(w->tmp_path);
    free(w->target);
    free(w->path);
    free(w);
}

int
trace_writer_close(struct trace_writer *w, struct sim_err *err)
{
    int rc = 0;
    if (wbuf_close(&w->out) != 0)
        rc = fail_errno(w, "write the trace", err);
    if (rc == 0 && w->format == TRACE_ORACLE_GENERAL) {
        rc = oracle_next_access(w, err);
        if (rc == 0 && w->is_direct) {
            rc = oracle_copy_out(w, w->path, w->is_zstd, err);
        } else if (rc == 0 && w->is_zstd) {
            w->ztmp_path = outfile_make_tmp(w->target);
            rc = w->ztmp_path == NULL
                     ? fail_errno(w, "create the trace", err)
                     : oracle_copy_out(w, w->ztmp_path, 1, err);
        }
    }
    if (rc == 0 && !w->is_direct &&
        rename(w->ztmp_path ? w->ztmp_path : w->tmp_path, w->target) != 0)
        rc = fail_errno(w, "rename the temporary trace into place", err);
    if (rc != 0) {
        trace_writer_abort(w);
        return rc;
    }
    if (w->tmp_path && (w->ztmp_path || w->is_direct))
        unlink(w->tmp_path);
    writer_free(w);
    return 0;
}

void
trace_writer_abort(struct trace_writer *w)
{
    if (w == NULL)
        return;
    wbuf_close(&w->out);
    if (w->tmp_path)
        unlink(w->tmp_path);
    if (w->ztmp_path)
        unlink(w->ztmp_path);
    writer_free(w);
}
