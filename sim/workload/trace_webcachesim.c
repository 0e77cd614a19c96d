/* trace_webcachesim.c: webcachesim's text format, one request a line:
 * "time id size", separated by spaces or tabs.
 *
 * webcachesim (Berger et al., NSDI 2017) lets a line carry further
 * columns after the size (costs, features); they are not part of a
 * request here and are ignored. Blank lines hold no request and are
 * skipped; any other line with fewer than three fields, or a time or size
 * that is not a whole number, is an error naming the line and column.
 * Ids are numbers, or strings hashed like csv string ids.
 */
#include "workload/trace_int.h"

static const char *const wcs_roles[3] = {"time", "id", "size"};

int
trace_webcachesim_next(struct trace_reader *r, struct trace_rec *rec)
{
    char *line;
    size_t len;
    for (;;) {
        int rc = trace_line(r, &line, &len);
        if (rc <= 0)
            return rc;
        const char *f[3];
        size_t n[3];
        int k = 0;
        const char *p = line, *end = line + len;
        while (k < 3) {
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p == end)
                break;
            f[k] = p;
            while (p < end && *p != ' ' && *p != '\t')
                p++;
            n[k] = (size_t)(p - f[k]);
            k++;
        }
        if (k == 0)
            continue; /* blank */
        uint64_t ln = r->n_lines;
        if (k < 3)
            return trace_fail(r, -SIM_ETRACE, ln, k + 1, wcs_roles[k],
                              "line %llu has %d field%s; expected \"time id "
                              "size\"",
                              (unsigned long long)ln, k, k == 1 ? "" : "s");
        if (trace_parse_i64(f[0], n[0], &rec->time) != 0)
            return trace_fail(r, -SIM_ETRACE, ln, 1, "time",
                              "line %llu: expected a whole number for the "
                              "time, got \"%.*s\"",
                              (unsigned long long)ln,
                              (int)(n[0] > 40 ? 40 : n[0]), f[0]);
        rec->id = trace_parse_id(f[1], n[1]);
        if (trace_parse_u64(f[2], n[2], &rec->size) != 0)
            return trace_fail(r, -SIM_ETRACE, ln, 3, "size",
                              "line %llu: expected a whole number of bytes "
                              "for the size, got \"%.*s\"",
                              (unsigned long long)ln,
                              (int)(n[2] > 40 ? 40 : n[2]), f[2]);
        rec->next_access = -1;
        return 1;
    }
}
