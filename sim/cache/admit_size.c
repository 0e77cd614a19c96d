/* admit_size.c: a size threshold; objects above max_object_size are not
 * stored.
 *
 * The simplest CDN admission rule (e.g. a "large file" cut-off): one large
 * object can push out thousands of small ones that together earn more hits.
 * Cost: O(1) per miss, no memory.
 */
#include "cache/cache.h"

#include <string.h>

#include "util/parse.h"

struct size_state {
    uint64_t max_bytes; /* largest object stored; 0 until configured */
};

static int
size_configure(struct admit_filter *f, const struct cfg_kv *kv,
               struct sim_err *err)
{
    struct size_state *s = f->state;
    if (strcmp(kv->key, "max_object_size") != 0)
        return ADMIT_NOT_MINE;
    uint64_t v;
    if (parse_size(kv->value, &v) != 0 || v == 0)
        return sim_err_set(err, -SIM_EBADVAL, kv->mark.file, kv->mark.line,
                           kv->mark.col, kv->field,
                           "expected a positive size such as \"1GiB\", "
                           "got \"%s\"",
                           kv->value);
    s->max_bytes = v;
    return 0;
}

static int
size_start(struct admit_filter *f, struct sim_err *err)
{
    struct size_state *s = f->state;
    if (s->max_bytes == 0)
        return sim_err_set(err, -SIM_ENOKEY, NULL, 0, 0, "max_object_size",
                           "admission \"size\" needs max_object_size, e.g. "
                           "\"max_object_size: 1GiB\"");
    return 0;
}

static int
size_admit(struct admit_filter *f, uint64_t key, uint64_t size)
{
    (void)key;
    const struct size_state *s = f->state;
    return size <= s->max_bytes;
}

const struct admit_ops admit_size_ops = {
    .name = "size",
    .abi = ADMIT_ABI,
    .summary = "stores only objects of at most max_object_size bytes",
    .params = "max_object_size=SIZE (required; larger objects are not "
              "stored)",
    .state_size = sizeof(struct size_state),
    .configure = size_configure,
    .start = size_start,
    .admit = size_admit,
};
