/* admit_size.c: a size threshold; objects above max_object_size are not
 * stored.
 *
 * The simplest CDN admission rule (e.g. a "large file" cut-off): one large
 * object can push out thousands of small ones that together earn more hits.
 * Cost: O(1) per miss, no memory.
 */
#include "cache/cache.h"

#include <string.h>

struct size_state {
    uint64_t max_bytes; /* largest object stored (required parameter) */
};

static int
size_admit(struct admit_filter *f, uint64_t key, uint64_t size)
{
    (void)key;
    const struct size_state *s = f->state;
    return size <= s->max_bytes;
}

static const struct cache_param size_params[] = {
    {.name = "max_object_size",
     .type = CACHE_PARAM_SIZE,
     .flags = CACHE_PARAM_REQUIRED,
     .min = 1,
     .max = 0x1p64,
     .help = "the largest object stored, e.g. \"max_object_size: 1GiB\"",
     .offset = offsetof(struct size_state, max_bytes)},
};

const struct admit_ops admit_size_ops = {
    .name = "size",
    .abi = ADMIT_ABI,
    .summary = "stores only objects of at most max_object_size bytes",
    .params = size_params,
    .n_params = sizeof size_params / sizeof size_params[0],
    .state_size = sizeof(struct size_state),
    .admit = size_admit,
};
