/* admit_always.c: the default admission filter, which stores every object.
 *
 * Its admit hook is NULL on purpose: the store skips the call altogether,
 * so a cache without a filter pays nothing on the miss path.
 */
#include "cache/cache.h"

const struct admit_ops admit_always_ops = {
    .name = "always",
    .abi = ADMIT_ABI,
    .summary = "stores every missed object (the default)",
};
