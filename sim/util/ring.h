/* ring.h: growing a FIFO ring of request slots (uint32_t), as the
 * queues of a node's servers (model/service.c) and of a keep-alive
 * pool's connections (model/hop.c) keep them: buf[cap], cap a power of
 * two (or 0), the oldest entry at head, entry k at (head + k) & (cap - 1).
 */
#ifndef CDNSIM_UTIL_RING_H
#define CDNSIM_UTIL_RING_H

#include <stdint.h>
#include <string.h>

#include "util/xalloc.h"

/* The ring buf[cap] is full: doubles it (64 entries at first) and
 * returns the new capacity. Full, the ring wraps at head, so the part
 * before head moves past the old end, where the doubled ring continues
 * it. */
static inline size_t
u32_ring_grow(uint32_t **buf, size_t cap, uint32_t head)
{
    size_t grown = cap;
    *buf = xgrow(*buf, &grown, cap + 1, sizeof **buf, 64);
    memcpy(*buf + cap, *buf, head * sizeof **buf);
    return grown;
}

#endif
