/* fuzz_trace.c: the trace readers, plain and zstd-compressed.
 *
 * One source, six harnesses: the Makefile sets FUZZ_FORMAT (a
 * TRACE_* format) and FUZZ_ZSTD. Plain harnesses write the input to a
 * file as it is. zstd harnesses write an input that starts with the zstd
 * magic number as it is (mutated compressed data: the decoder's errors)
 * and compress any other input, as two frames split in its middle (the
 * reader's stream handling on frame boundaries). For csv, an input whose
 * first line starts with "columns:" gives the rest of that line as
 * --columns and the remaining lines as the file.
 *
 * Every record is read until the end or an error; an error must carry a
 * message, and a record must be numbered in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "fuzz.h"
#include "workload/workload.h"

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT must name the trace format"
#endif
#ifndef FUZZ_ZSTD
#error "FUZZ_ZSTD must say whether the file is compressed"
#endif

/* Records read at most: enough for any input the fuzzer makes, and a
 * bound on time for inputs that are tiny compressed and huge decoded. */
#define FUZZ_MAX_RECORDS 100000

static void
fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

#if FUZZ_ZSTD
/* Compresses data as two frames; returns the buffer (caller frees) and
 * its length in *out_len. */
static void *
compress_two_frames(const uint8_t *data, size_t size, size_t *out_len)
{
    size_t half = size / 2;
    size_t cap = ZSTD_compressBound(half) + ZSTD_compressBound(size - half);
    unsigned char *out = malloc(cap);
    if (out == NULL)
        abort();
    size_t a = ZSTD_compress(out, cap, data, half, 1);
    if (ZSTD_isError(a))
        fail("ZSTD_compress failed");
    size_t b = ZSTD_compress(out + a, cap - a, data + half, size - half, 1);
    if (ZSTD_isError(b))
        fail("ZSTD_compress failed");
    *out_len = a + b;
    return out;
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[FUZZ_PATH_MAX];
    char *columns = NULL;
    struct trace_opts opts = {0};
#if FUZZ_FORMAT == TRACE_CSV
    static const char prefix[] = "columns:";
    if (size >= sizeof prefix - 1 &&
        memcmp(data, prefix, sizeof prefix - 1) == 0) {
        const uint8_t *nl = memchr(data, '\n', size);
        size_t n = nl ? (size_t)(nl - data) : size;
        columns = fuzz_cstr(data + sizeof prefix - 1, n - (sizeof prefix - 1));
        opts.columns = columns;
        data += nl ? n + 1 : n;
        size -= nl ? n + 1 : n;
    }
#endif
#if FUZZ_ZSTD
    static const uint8_t magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    if (size >= 4 && memcmp(data, magic, 4) == 0) {
        fuzz_file(path, "input.zst", data, size);
    } else {
        size_t n;
        void *z = compress_two_frames(data, size, &n);
        fuzz_file(path, "input.zst", z, n);
        free(z);
    }
#else
    fuzz_file(path, "input", data, size);
#endif
    struct trace_reader *r = NULL;
    struct sim_err err = {0};
    int code = trace_open(path, FUZZ_FORMAT, &opts, &r, &err);
    if (code != 0) {
        if (code > 0 || r != NULL || err.msg[0] == '\0')
            fail("trace_open failed without a message");
    } else {
        struct trace_rec rec;
        uint64_t n = 0;
        int rc;
        while (n < FUZZ_MAX_RECORDS && (rc = trace_next(r, &rec)) == 1) {
            if (rec.index != n)
                fail("records out of order");
            if ((rec.has & TRACE_HAS_REGION) && rec.region_len == 0)
                fail("an empty region");
            n++;
        }
        if (n < FUZZ_MAX_RECORDS && rc < 0 &&
            (trace_error(r)->code != rc || trace_error(r)->msg[0] == '\0'))
            fail("trace_next failed without a message");
        trace_close(r);
    }
    free(columns);
    return 0;
}
