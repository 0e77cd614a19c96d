/* trace_oracle.c: libCacheSim's oracleGeneral binary trace format.
 *
 * Each request is a packed 24-byte little-endian record
 *   { u32 time; u64 id; u32 size; i64 next_access }
 * where next_access is the position of the next request for the same id.
 * libCacheSim's converter counts those positions from 1 (on the
 * cloudphysics trace every value is exactly the 0-based index of the next
 * request plus one), so the reader subtracts one to give the 0-based index
 * that struct trace_rec promises. -1 and INT64_MAX (libCacheSim writes
 * both) and anything not positive mean "never again". A file whose length
 * is not a multiple of 24 ends in a truncated record: an error, never a
 * silently dropped request.
 */
#include "workload/trace_int.h"

#define ORACLE_RECORD_SIZE 24

/* Explicit little-endian loads: compilers make each one plain load on
 * little-endian hosts, and the format stays right on big-endian ones. */
static inline uint32_t
load_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t
load_le64(const unsigned char *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

int
trace_oracle_next(struct trace_reader *r, struct trace_rec *rec)
{
    struct trace_src *s = &r->src;
    while (s->len - s->pos < ORACLE_RECORD_SIZE) {
        if (s->at_eof) {
            size_t left = s->len - s->pos;
            if (left == 0)
                return 0;
            unsigned long long n = (unsigned long long)r->n_records + 1;
            return trace_fail(r, -SIM_ETRACE, n, 0, NULL,
                              "record %llu is truncated: the file ends %zu "
                              "bytes into it (oracle_general records are "
                              "%d bytes)",
                              n, left, ORACLE_RECORD_SIZE);
        }
        int rc = trace_src_fill(r);
        if (rc < 0)
            return rc;
    }
    const unsigned char *p = s->buf + s->pos;
    s->pos += ORACLE_RECORD_SIZE;
    rec->time = (int64_t)load_le32(p);
    rec->id = load_le64(p + 4);
    rec->size = load_le32(p + 12);
    int64_t next = (int64_t)load_le64(p + 16);
    rec->next_access = next > 0 && next != INT64_MAX ? next - 1 : -1;
    return 1;
}
