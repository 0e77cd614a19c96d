/* idmap.c: open-addressing map from 64-bit ids to 32-bit values. */
#include "util/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/hash.h"
#include "util/xalloc.h"

static void
alloc_slots(struct idmap *m, uint32_t n_slots)
{
    m->keys = xmalloc((size_t)n_slots * sizeof *m->keys);
    m->vals = xmalloc((size_t)n_slots * sizeof *m->vals);
    memset(m->vals, 0xff, (size_t)n_slots * sizeof *m->vals);
    m->mask = n_slots - 1;
}

void
idmap_init(struct idmap *m)
{
    m->n = 0;
    alloc_slots(m, 64);
}

void
idmap_fini(struct idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static inline uint32_t
home_of(const struct idmap *m, uint64_t key)
{
    return hash_key32(key) & m->mask;
}

uint32_t
idmap_get(const struct idmap *m, uint64_t key)
{
    for (uint32_t s = home_of(m, key);; s = (s + 1) & m->mask) {
        if (m->vals[s] == IDMAP_EMPTY)
            return IDMAP_EMPTY;
        if (m->keys[s] == key)
            return m->vals[s];
    }
}

uint32_t
idmap_get_slot(const struct idmap *m, uint64_t key, uint32_t h, uint32_t *slot)
{
    for (uint32_t s = h & m->mask;; s = (s + 1) & m->mask) {
        if (m->vals[s] == IDMAP_EMPTY || m->keys[s] == key) {
            *slot = s;
            return m->vals[s];
        }
    }
}

static void
grow(struct idmap *m)
{
    uint64_t *keys = m->keys;
    uint32_t *vals = m->vals;
    uint32_t old_n = m->mask + 1;
    SIM_ASSERT(old_n < (1u << 31));
    alloc_slots(m, old_n * 2);
    for (uint32_t s = 0; s < old_n; s++) {
        if (vals[s] == IDMAP_EMPTY)
            continue;
        uint32_t t = home_of(m, keys[s]);
        while (m->vals[t] != IDMAP_EMPTY)
            t = (t + 1) & m->mask;
        m->keys[t] = keys[s];
        m->vals[t] = vals[s];
    }
    free(keys);
    free(vals);
}

void
idmap_put(struct idmap *m, uint64_t key, uint32_t val)
{
    SIM_ASSERT(val != IDMAP_EMPTY);
    if ((uint64_t)(m->n + 1) * 10 > (uint64_t)(m->mask + 1) * 7)
        grow(m);
    uint32_t s = home_of(m, key);
    for (; m->vals[s] != IDMAP_EMPTY; s = (s + 1) & m->mask) {
        if (m->keys[s] == key) {
            m->vals[s] = val;
            return;
        }
    }
    m->keys[s] = key;
    m->vals[s] = val;
    m->n++;
}

void
idmap_put_at(struct idmap *m, uint32_t slot, uint64_t key, uint32_t val)
{
    SIM_ASSERT(val != IDMAP_EMPTY && slot <= m->mask &&
               m->vals[slot] == IDMAP_EMPTY);
    if ((uint64_t)(m->n + 1) * 10 > (uint64_t)(m->mask + 1) * 7) {
        idmap_put(m, key, val); /* grows: the slot is no longer where */
        return;
    }
    m->keys[slot] = key;
    m->vals[slot] = val;
    m->n++;
}

uint32_t
idmap_del(struct idmap *m, uint64_t key)
{
    return idmap_del_hashed(m, key, hash_key32(key));
}

uint32_t
idmap_del_hashed(struct idmap *m, uint64_t key, uint32_t h)
{
    uint32_t s = h & m->mask;
    for (;; s = (s + 1) & m->mask) {
        if (m->vals[s] == IDMAP_EMPTY)
            return IDMAP_EMPTY;
        if (m->keys[s] == key)
            break;
    }
    uint32_t val = m->vals[s];
    /* Backward shift (Knuth, TAOCP vol. 3, 6.4 Algorithm R). */
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & m->mask; m->vals[j] != IDMAP_EMPTY;
         j = (j + 1) & m->mask) {
        uint32_t home = home_of(m, m->keys[j]);
        int stays =
            hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->vals[hole] = IDMAP_EMPTY;
    m->n--;
    return val;
}
