/* fuzz_cache_control.c: the Cache-Control parser of csv traces
 * (RFC 9111 5.2.2 directives into a record's ttl, s-maxage,
 * stale-while-revalidate, stale-if-error and cacheable fields).
 *
 * The parser is private to the csv reader, so it is reached the way a
 * trace reaches it: each input line becomes one record's cache_control
 * field (quoted, its quotes doubled as csv writes them). Every duration it
 * yields must be a non-negative count of nanoseconds, whole seconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "workload/workload.h"

static void
fail(const char *what)
{
    fprintf(stderr, "fuzz: %s\n", what);
    abort();
}

static void
check_secs(int64_t ns, const char *field)
{
    if (ns < 0 || ns % 1000000000 != 0) {
        fprintf(stderr, "fuzz: %s = %lld ns\n", field, (long long)ns);
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char header[] = "id,cache_control\n";
    /* Worst case: every byte a quote (doubled), plus a line's frame. */
    char *csv = malloc(sizeof header + 2 * size + 8 * (size + 1));
    if (csv == NULL)
        abort();
    size_t n = 0;
    memcpy(csv, header, sizeof header - 1);
    n = sizeof header - 1;
    for (size_t i = 0; i <= size;) {
        memcpy(csv + n, "1,\"", 3);
        n += 3;
        for (; i < size && data[i] != '\n' && data[i] != '\r'; i++) {
            if (data[i] == '"')
                csv[n++] = '"';
            csv[n++] = (char)data[i];
        }
        memcpy(csv + n, "\"\n", 2);
        n += 2;
        i++;
    }
    char path[FUZZ_PATH_MAX];
    fuzz_file(path, "input.csv", csv, n);
    free(csv);
    struct trace_reader *r = NULL;
    struct sim_err err = {0};
    if (trace_open(path, TRACE_CSV, NULL, &r, &err) != 0)
        fail("the trace's header was refused");
    struct trace_rec rec;
    int rc;
    while ((rc = trace_next(r, &rec)) == 1) {
        if (rec.has & TRACE_HAS_TTL)
            check_secs(rec.ttl_ns, "max-age");
        if (rec.has & TRACE_HAS_S_MAXAGE)
            check_secs(rec.s_maxage_ns, "s-maxage");
        if (rec.has & TRACE_HAS_SWR)
            check_secs(rec.swr_ns, "stale-while-revalidate");
        if (rec.has & TRACE_HAS_SIE)
            check_secs(rec.sie_ns, "stale-if-error");
        if ((rec.has & TRACE_HAS_CACHEABLE) && rec.is_cacheable != 0)
            fail("Cache-Control made a record cacheable");
    }
    if (rc < 0 && trace_error(r)->msg[0] == '\0')
        fail("an error without a message");
    trace_close(r);
    return 0;
}
