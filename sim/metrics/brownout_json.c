/* brownout_json.c: the "brownouts" member of the JSON summary, in
 * json.c's layout (two spaces a level, one member a line): each brownout
 * of the topology, its settings and what it did. Written only when the
 * topology has brownouts, so other runs write what they always did. */
#include "metrics/metrics.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "util/json_escape.h"

static void
bj_indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

/* A member of an object at depth; first says no comma is due. */
static void
bj_key(FILE *out, int depth, int first, const char *key)
{
    fputs(first ? "\n" : ",\n", out);
    bj_indent(out, depth);
    json_fputs(out, key);
    fputs(": ", out);
}

/* As json.c prints reals: "%.6f", never NaN, inf or -0.000000. */
static void
bj_real(FILE *out, int depth, const char *key, double v)
{
    bj_key(out, depth, 0, key);
    if (!isfinite(v) || fabs(v) < 5e-7)
        v = 0.0;
    fprintf(out, "%.6f", v);
}

static void
bj_u64(FILE *out, int depth, const char *key, uint64_t v)
{
    bj_key(out, depth, 0, key);
    fprintf(out, "%" PRIu64, v);
}

void
met_brownouts_json(const struct met_run *r, FILE *out, int depth)
{
    fputc('[', out);
    for (size_t k = 0; k < r->n_brownouts; k++) {
        const struct met_brownout *b = &r->brownouts[k];
        fputs(k == 0 ? "\n" : ",\n", out);
        bj_indent(out, depth + 1);
        fputc('{', out);
        bj_key(out, depth + 2, 1, "node");
        json_fputs(out, b->node != NULL ? b->node : "");
        bj_real(out, depth + 2, "at_s", (double)b->at_ns / 1e9);
        bj_real(out, depth + 2, "for_s", (double)b->duration_ns / 1e9);
        bj_real(out, depth + 2, "error_share", b->error_share);
        bj_real(out, depth + 2, "add_latency_ms", (double)b->add_ns / 1e6);
        bj_u64(out, depth + 2, "requests", b->requests);
        bj_u64(out, depth + 2, "errors", b->errors);
        bj_u64(out, depth + 2, "slowed", b->slowed);
        fputc('\n', out);
        bj_indent(out, depth + 1);
        fputc('}', out);
    }
    fputc('\n', out);
    bj_indent(out, depth);
    fputc(']', out);
}
