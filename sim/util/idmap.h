/* idmap.h: a map from 64-bit ids to 32-bit values (open addressing).
 *
 * Linear probing, load at most 0.7, backward-shift deletion, so lookups
 * stay short with no tombstones however many inserts and deletes a long
 * run makes. Used for in-flight fetches and per-trace bookkeeping.
 */
#ifndef SIM_UTIL_IDMAP_H
#define SIM_UTIL_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
    uint64_t *keys;
    uint32_t *vals; /* IDMAP_EMPTY marks a free slot */
    uint32_t mask;  /* slots - 1, slots a power of two */
    uint32_t n;     /* entries */
};

#define IDMAP_EMPTY UINT32_MAX /* not storable as a value */

void idmap_init(struct idmap *m);
void idmap_fini(struct idmap *m);

/* The value stored under key, or IDMAP_EMPTY. */
uint32_t idmap_get(const struct idmap *m, uint64_t key);

/* Stores val (!= IDMAP_EMPTY) under key, replacing any old value. */
void idmap_put(struct idmap *m, uint64_t key, uint32_t val);

/* As idmap_get for a key whose hash_key32 is h (util/hash.h), and *slot
 * is where the probe stopped: key's slot, or the free slot where
 * idmap_put would store it. */
uint32_t idmap_get_slot(const struct idmap *m, uint64_t key, uint32_t h,
                        uint32_t *slot);

/* As idmap_put for a key that idmap_get_slot found absent at slot, m
 * unchanged since: the same map results, with one probe fewer (a get and
 * then an insert, as for a fetch that joins the in-flight map). */
void idmap_put_at(struct idmap *m, uint32_t slot, uint64_t key, uint32_t val);

/* Removes key; returns its value, or IDMAP_EMPTY if absent. */
uint32_t idmap_del(struct idmap *m, uint64_t key);
/* idmap_del for a key whose hash_key32 is h. */
uint32_t idmap_del_hashed(struct idmap *m, uint64_t key, uint32_t h);

#endif
