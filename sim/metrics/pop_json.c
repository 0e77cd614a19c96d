/* pop_json.c: a PoP node's "cache_servers" member of the JSON summary, in
 * json.c's layout (two spaces a level, one member a line): each cache
 * server's load, so that the balance across servers shows. Written only
 * for nodes with cache_servers, so other runs write what they always
 * did. */
#include "metrics/metrics.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/json_escape.h"

static void
pj_indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

static void
pj_u64(FILE *out, int depth, int first, const char *key, uint64_t v)
{
    fputs(first ? "\n" : ",\n", out);
    pj_indent(out, depth);
    json_fputs(out, key);
    fprintf(out, ": %" PRIu64, v);
}

void
met_pop_json(const struct met_node *n, FILE *out, int depth)
{
    fputc('[', out);
    for (size_t k = 0; k < n->n_servers; k++) {
        const struct met_pop_server *s = &n->servers[k];
        fputs(k == 0 ? "\n" : ",\n", out);
        pj_indent(out, depth + 1);
        fputc('{', out);
        pj_u64(out, depth + 2, 1, "server", k);
        pj_u64(out, depth + 2, 0, "requests", s->requests);
        pj_u64(out, depth + 2, 0, "hits", s->hits);
        pj_u64(out, depth + 2, 0, "ram_hits", s->ram_hits);
        pj_u64(out, depth + 2, 0, "ssd_hits", s->ssd_hits);
        pj_u64(out, depth + 2, 0, "bytes_hit", s->bytes_hit);
        pj_u64(out, depth + 2, 0, "rehashed_in", s->rehashed_in);
        pj_u64(out, depth + 2, 0, "failures", s->failures);
        fputc('\n', out);
        pj_indent(out, depth + 1);
        fputc('}', out);
    }
    fputc('\n', out);
    pj_indent(out, depth);
    fputc(']', out);
}
