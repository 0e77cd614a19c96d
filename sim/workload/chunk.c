/* chunk.c: chunk_size (sim/config/chunk.c): a client that wants an
 * object larger than its class's chunk_size asks for it as range
 * requests of chunk_size bytes, the last one the remainder, so that
 * caches hold large objects in parts (a chunk is its own entry, evicted
 * on its own). The chunks of one request arrive together, at the
 * request's time and in its region, in order; each counts as a client
 * request. A push of a split object pushes its chunks (the model asks
 * wl_gen_n_chunks). Only catalog objects are split (flash-crowd, churned and
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

uint64_t
wl_gen_n_chunks(const struct wl_gen *g, uint64_t object)
{
    const struct cfg_workload *w = g->w;
    if (w->chunk_bits == 0 || object >= w->n_objects)
        return 0;
    uint64_t chunk = wl_class_of(g, object)->chunk_bytes;
    uint64_t size = wl_gen_object_size(g, object);
    if (chunk == 0 || size <= chunk)
        return 0;
    return size / chunk + (size % chunk != 0);
}

uint64_t
wl_gen_chunk_id(const struct wl_gen *g, uint64_t object, uint64_t i)
{
    return CFG_CHUNK_FIRST_ID + (object << g->w->chunk_bits) + i;
}

uint64_t
wl_chunk_bytes(const struct wl_gen *g, uint64_t parent, uint64_t id)
{
    const struct cfg_class *c = wl_class_of(g, parent);
    uint64_t size = wl_object_size(&c->size, parent, g->w->seed);
    uint64_t start =
        (id & (((uint64_t)1 << g->w->chunk_bits) - 1)) * c->chunk_bytes;
    if (c->chunk_bytes == 0 || start >= size)
        return size; /* not split: the whole (never asked for so) */
    return size - start < c->chunk_bytes ? size - start : c->chunk_bytes;
}
