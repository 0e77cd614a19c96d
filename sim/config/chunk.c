/* chunk.c: chunk_size, on the catalog (the default of every class) or on
 * a class:
 *
 *   catalog:
 *     classes:
 *       - {name: movies, share: 0.1, objects: 500, chunk_size: 2MiB,
 *          size: {dist: lognormal, median: 400MiB, sigma: 1, max: 8GiB}}
 *
 * An object of such a class larger than chunk_size is asked for, and
 * cached, as range requests of chunk_size bytes (the last one the
 * remainder), each chunk its own cache entry (the model's id for chunk i
 * of object o is CFG_CHUNK_FIRST_ID + (o << chunk_bits) + i). All the
 * ids must fit below 2^41, which bounds objects x chunks per object.
 */
#include "config/config_int.h"

#include <stdio.h>

#define CHUNK_ID_BITS 40 /* chunk ids span [2^40, 2^41) */

/* The largest size an object of class c can have. */
static uint64_t
largest_size(const struct cfg_size *z)
{
    if (z->dist == CFG_SIZE_FIXED)
        return z->bytes;
    if (z->dist == CFG_SIZE_EMPIRICAL) {
        uint64_t most = 0;
        for (size_t k = 0; k < z->n_table; k++)
            if (z->table_bytes[k] > most)
                most = z->table_bytes[k];
        return most;
    }
    return z->max_bytes;
}

/* Bits that hold every chunk index of class c (0 without chunks). */
static unsigned
chunk_bits_of(const struct cfg_class *c)
{
    if (c->chunk_bytes == 0)
        return 0;
    uint64_t most = largest_size(&c->size);
    uint64_t n = most / c->chunk_bytes + (most % c->chunk_bytes != 0);
    unsigned bits = 1;
    while (bits < 63 && ((uint64_t)1 << bits) < n)
        bits++;
    return bits;
}

/* chunk_size of the class whose mapping is m (dflt: the catalog's). */
static int
class_chunk(const struct cfg_map *m, uint64_t dflt, struct cfg_class *c,
            struct sim_err *err)
{
    return cfg_map_size(m, "chunk_size", 0, dflt, &c->chunk_bytes, err);
}

/* Every catalog id shifted by chunk_bits must stay below 2^40. */
static int
check_room(const struct cfg_map *m, struct cfg_workload *w, struct sim_err *err)
{
    if (w->chunk_bits == 0)
        return 0;
    if (w->chunk_bits < CHUNK_ID_BITS &&
        w->n_objects <= ((uint64_t)1 << (CHUNK_ID_BITS - w->chunk_bits)))
        return 0;
    char what[160];
    snprintf(what, sizeof what,
             "a chunk size large enough that objects (%llu) x chunks of "
             "the largest object (2^%u) stay within 2^40",
             (unsigned long long)w->n_objects, w->chunk_bits);
    return cfg_map_bad(m, "chunk_size", cfg_map_find(m, "chunk_size"), what,
                       err);
}

int
cfg_chunks_build(const struct cfg_map *root, struct cfg_workload *w,
                 struct sim_err *err)
{
    struct cfg_map cat;
    int is_present;
    if (w->trace.is_set) /* catalog.chunk_size is refused with a trace */
        return 0;
    int rc = cfg_map_submap(root, "catalog", 0, &cat, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    uint64_t dflt = 0;
    rc = cfg_map_size(&cat, "chunk_size", 0, 0, &dflt, err);
    struct cfg_items seq = {0};
    if (rc == 0 && w->has_explicit_classes)
        rc = cfg_map_items(&cat, "classes", 1, &seq, err);
    const struct cfg_map *blame = &cat; /* where an error is reported */
    struct cfg_map m;
    for (size_t k = 0; rc == 0 && k < w->n_classes; k++) {
        struct cfg_class *c = &w->classes[k];
        if (w->has_explicit_classes) {
            char field[CFG_FIELD_MAX];
            snprintf(field, sizeof field, "catalog.classes[%zu]", k);
            rc = cfg_map_open(&m, cat.d, seq.item[k], field, err);
            if (rc == 0)
                rc = class_chunk(&m, dflt, c, err);
        } else {
            c->chunk_bytes = dflt;
        }
        unsigned bits = chunk_bits_of(c);
        if (rc == 0 && bits > w->chunk_bits) {
            w->chunk_bits = bits;
            blame = w->has_explicit_classes && cfg_map_find(&m, "chunk_size")
                        ? &m
                        : &cat;
            rc = check_room(blame, w, err);
        }
    }
    return rc;
}
