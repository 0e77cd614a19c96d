/* chunk.c: chunk_size (sim/config/chunk.c): a client that wants an
 * object larger than its class's chunk_size asks for it as range
 * requests of chunk_size bytes, the last one the remainder, so that
 * caches hold large objects in parts (a chunk is its own entry, evicted
 * on its own). The chunks of one request arrive together, at the
 * request's time and in its region, in order; each counts as a client
 * request. Only catalog objects are split (flash-crowd, churned and
 * attack objects are asked for whole); the chunks carry the object's
 * TTL, version and cacheability. */
#include "workload/gen_int.h"

/* The request for chunk i of the object g->chunk_req asks for. */
static void
chunk_fill(const struct wl_gen *g, uint64_t i, struct wl_request *out)
{
    const struct wl_request *whole = &g->chunk_req;
    uint64_t chunk = g->w->classes[whole->class_id].chunk_bytes;
    *out = *whole;
    out->object = CFG_CHUNK_FIRST_ID + (whole->object << g->w->chunk_bits) + i;
    uint64_t start = i * chunk;
    out->size = whole->size - start < chunk ? whole->size - start : chunk;
}

void
wl_chunk_split(struct wl_gen *g, struct wl_request *out)
{
    if (out->object >= g->w->n_objects) /* not a catalog object */
        return;
    uint64_t chunk = g->w->classes[out->class_id].chunk_bytes;
    if (chunk == 0 || out->size <= chunk)
        return;
    g->chunk_req = *out;
    uint64_t n = out->size / chunk + (out->size % chunk != 0);
    g->chunks_left = n - 1;
    g->chunk_next = 1;
    chunk_fill(g, 0, out);
}

int
wl_chunk_next(struct wl_gen *g, struct wl_request *out)
{
    chunk_fill(g, g->chunk_next++, out);
    g->chunks_left--;
    return 1;
}
