/* store.c: the object table, byte accounting and the eviction loop.
 *
 * Objects live in one array of fixed-stride records (struct cache_obj plus
 * the policy's per-object state), recycled through a free list, so a cached
 * object costs sizeof(struct cache_obj) + obj_state_size bytes plus 10 to
 * 20 bytes of table. The table is open addressing with linear probing, load
 * at most 0.8, and backward-shift deletion (Knuth, TAOCP vol. 3, 6.4
 * Algorithm R), so it needs no tombstones. Each 8-byte slot holds the
 * object's index and the low 32 bits of its key's hash: probes compare the
 * hash before touching an object record, and deletion finds every entry's
 * home slot without reading records at all, which is where the time went
 * (records are random memory accesses).
 */
#include "cache/cache_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/hash.h"
#include "util/xalloc.h"

struct cache_store {
    struct cache_objects objects; /* first: cache.h's inline accessors
                                     read it through the store pointer */
    struct policy policy;
    int policy_started;        /* start() succeeded: stop() must run */
    struct admit_filter admit; /* admit.ops is never NULL ("always") */
    int admit_started;
    /* admit.ops->admit, or NULL when the filter admits everything: the
     * miss path tests this pointer and makes no call for "always". */
    int (*admit_fn)(struct admit_filter *f, uint64_t key, uint64_t size);
    uint64_t capacity_bytes;
    uint64_t used_bytes;
    uint32_t n_objects;
    /* Object records: objects.base, objects.stride bytes each. */
    size_t objs_cap;    /* records allocated */
    uint32_t objs_used; /* records ever handed out (high-water mark) */
    uint32_t free_head; /* recycled record chain, through obj.key */
    /* Table: slot = (hash32 << 32) | (object index + 1); 0 is empty. */
    uint64_t *table;
    uint32_t table_mask;
    struct cache_stats stats;
    int64_t next_access; /* of the current access; see cache.h */
    /* cache_observe_keys: told of each key added or removed, or NULL. */
    void (*key_observer)(void *ctx, uint64_t key, int added);
    void *key_observer_ctx;
};

static inline struct cache_obj *
obj_at(const struct cache_store *c, uint32_t i)
{
    return cache_obj_at(c, i);
}

gsl_rng *
policy_rng(struct policy *p)
{
    if (p->rng == NULL)
        p->rng = sim_rng_new(p->rng_seed, SIM_RNG_ID(SIM_RNG_POLICY, 0));
    return p->rng;
}

/* Records of stride bytes (> 0): the shift and inverse that turn a
 * record's byte offset into its index with no division (the offset is a
 * multiple of the stride, so multiplying its odd part by the inverse of
 * the stride's odd part modulo 2^64 is exact). */
static void
objects_init(struct cache_objects *a, size_t stride)
{
    a->base = NULL;
    a->stride = stride;
    a->stride_shift = (unsigned)__builtin_ctzll(stride);
    uint64_t odd = stride >> a->stride_shift, inv = odd;
    for (int i = 0; i < 5; i++) /* Newton: 3, 6, 12, 24, 48, 96 bits */
        inv *= 2 - odd * inv;
    SIM_ASSERT(odd * inv == 1);
    a->odd_inverse = inv;
}

/* The table of a store that has held nothing yet: one empty slot, never
 * written (the first insert grows it), so that a topology of many caches
 * costs no table until a cache is used. */
static uint64_t no_slots[1];

/* Slots of a store's first table. */
#define TABLE_FIRST_SLOTS 1024

static void
table_alloc(struct cache_store *c, uint32_t n_slots)
{
    c->table = xcalloc(n_slots, sizeof *c->table);
    c->table_mask = n_slots - 1;
}

/* Frees c and whatever of it exists; stop() hooks run only for the parts
 * whose start() succeeded. The one cleanup path of construction. */
static void
store_destroy(struct cache_store *c)
{
    if (c->admit_started && c->admit.ops->stop)
        c->admit.ops->stop(&c->admit);
    if (c->policy_started && c->policy.ops->stop)
        c->policy.ops->stop(&c->policy);
    free(c->admit.state);
    if (c->admit.rng)
        gsl_rng_free(c->admit.rng);
    free(c->policy.state);
    if (c->policy.rng)
        gsl_rng_free(c->policy.rng);
    free(c->objects.base);
    if (c->table != no_slots)
        free(c->table);
    free(c);
}

/* Hands one parameter to the filter if it is the filter's, else to the
 * policy. given[0] (the filter's) and given[1] (the policy's) note which
 * parameters were given, bit i for params[i], for the required ones. */
static int
store_configure(struct cache_store *c, const struct cfg_kv *kv,
                uint64_t given[2], struct sim_err *err)
{
    const struct admit_ops *adm = c->admit.ops;
    const struct policy_ops *ops = c->policy.ops;
    const struct cache_param *p =
        cache_param_find(adm->params, adm->n_params, kv->key);
    if (p != NULL) {
        given[0] |= UINT64_C(1) << (p - adm->params);
        return cache_param_set(p, kv, c->admit.state, err);
    }
    p = cache_param_find(ops->params, ops->n_params, kv->key);
    if (p != NULL) {
        given[1] |= UINT64_C(1) << (p - ops->params);
        return cache_param_set(p, kv, c->policy.state, err);
    }
    char names[512];
    cache_param_names(ops->params, ops->n_params, names, sizeof names);
    if (adm->n_params == 0)
        return sim_err_set(err, -SIM_EBADKEY, kv->mark.file, kv->mark.line,
                           kv->mark.col, kv->field,
                           "policy \"%s\" has no parameter \"%s\" (it "
                           "takes: %s)",
                           ops->name, kv->key, names);
    char adm_names[512];
    cache_param_names(adm->params, adm->n_params, adm_names, sizeof adm_names);
    return sim_err_set(err, -SIM_EBADKEY, kv->mark.file, kv->mark.line,
                       kv->mark.col, kv->field,
                       "neither policy \"%s\" (it takes: %s) nor admission "
                       "\"%s\" (it takes: %s) has a parameter \"%s\"",
                       ops->name, names, adm->name, adm_names, kv->key);
}

/* A required parameter that was not given is an error with no file
 * position (cache_new_from_cfg adds the mapping's). kind and name say
 * whose table t is ("admission", "size"). */
static int
store_check_required(const char *kind, const char *name,
                     const struct cache_param *t, size_t n, uint64_t given,
                     struct sim_err *err)
{
    for (size_t i = 0; i < n; i++) {
        if ((t[i].flags & CACHE_PARAM_REQUIRED) &&
            !(given & (UINT64_C(1) << i)))
            return sim_err_set(err, -SIM_ENOKEY, NULL, 0, 0, t[i].name,
                               "%s \"%s\" needs %s (%s)", kind, name, t[i].name,
                               t[i].help);
    }
    return 0;
}

struct cache_store *
cache_new(const struct policy_ops *ops, uint64_t capacity_bytes,
          const struct cfg_kv *params, size_t n_params, uint64_t rng_seed,
          struct sim_err *err)
{
    return cache_new_admit(ops, NULL, capacity_bytes, params, n_params,
                           rng_seed, err);
}

struct cache_store *
cache_new_admit(const struct policy_ops *ops, const struct admit_ops *adm,
                uint64_t capacity_bytes, const struct cfg_kv *params,
                size_t n_params, uint64_t rng_seed, struct sim_err *err)
{
    SIM_ASSERT(ops != NULL && ops->abi == POLICY_ABI);
    SIM_ASSERT(capacity_bytes > 0);
    if (adm == NULL)
        adm = &admit_always_ops;
    SIM_ASSERT(adm->abi == ADMIT_ABI);
    /* Which parameters were given is kept in one 64-bit mask each. */
    SIM_ASSERT(ops->n_params <= 64 && adm->n_params <= 64);
    struct cache_store *c = xcalloc(1, sizeof *c);
    c->capacity_bytes = capacity_bytes;
    objects_init(&c->objects,
                 (sizeof(struct cache_obj) + ops->obj_state_size + 7) & ~7u);
    c->free_head = CACHE_NIL;
    c->next_access = INT64_MAX;
    c->table = no_slots;
    c->table_mask = 0;
    c->policy.ops = ops;
    c->policy.store = c;
    c->policy.capacity_bytes = capacity_bytes;
    c->policy.state = xcalloc(1, ops->state_size ? ops->state_size : 1);
    c->policy.rng_seed = rng_seed;
    c->admit.ops = adm;
    c->admit.store = c;
    c->admit.capacity_bytes = capacity_bytes;
    c->admit.state = xcalloc(1, adm->state_size ? adm->state_size : 1);
    /* A second stream of the same component: index 1 under the policy
     * tag. Only a filter that decides anything needs one. */
    if (adm->admit)
        c->admit.rng = sim_rng_new(rng_seed, SIM_RNG_ID(SIM_RNG_POLICY, 1));
    c->admit_fn = adm->admit;
    cache_param_defaults(ops->params, ops->n_params, c->policy.state);
    cache_param_defaults(adm->params, adm->n_params, c->admit.state);
    uint64_t given[2] = {0, 0};
    for (size_t i = 0; i < n_params; i++)
        if (store_configure(c, &params[i], given, err) != 0)
            goto fail;
    if (store_check_required("admission", adm->name, adm->params, adm->n_params,
                             given[0], err) != 0 ||
        store_check_required("policy", ops->name, ops->params, ops->n_params,
                             given[1], err) != 0)
        goto fail;
    if (adm->start && adm->start(&c->admit, err) != 0)
        goto fail;
    c->admit_started = 1;
    if (ops->start && ops->start(&c->policy, err) != 0)
        goto fail;
    c->policy_started = 1;
    return c;
fail:
    store_destroy(c);
    return NULL;
}

void
cache_set_next_access(struct cache_store *c, int64_t next_access)
{
    c->next_access = next_access;
}

int64_t
cache_next_access(const struct cache_store *c)
{
    return c->next_access;
}

void
cache_free(struct cache_store *c)
{
    if (c != NULL)
        store_destroy(c);
}

static inline uint32_t
hash32(uint64_t key)
{
    return hash_key32(key);
}

#define SLOT_HASH(v) ((uint32_t)((v) >> 32))
#define SLOT_INDEX(v) ((uint32_t)(v)-1)

struct cache_obj *
cache_find(struct cache_store *c, uint64_t key)
{
    return cache_find_hashed(c, key, hash32(key));
}

struct cache_obj *
cache_find_hashed(struct cache_store *c, uint64_t key, uint32_t h)
{
    for (uint32_t s = h & c->table_mask;; s = (s + 1) & c->table_mask) {
        uint64_t v = c->table[s];
        if (v == 0)
            return NULL;
        if (SLOT_HASH(v) == h) {
            struct cache_obj *o = obj_at(c, SLOT_INDEX(v));
            if (o->key == key)
                return o;
        }
    }
}

void
cache_prefetch(const struct cache_store *c, uint64_t key)
{
    cache_prefetch_hashed(c, hash32(key));
}

void
cache_prefetch_hashed(const struct cache_store *c, uint32_t h)
{
    __builtin_prefetch(&c->table[h & c->table_mask]);
}

static void
table_put_slot(struct cache_store *c, uint64_t v)
{
    uint32_t s = SLOT_HASH(v) & c->table_mask;
    while (c->table[s] != 0)
        s = (s + 1) & c->table_mask;
    c->table[s] = v;
}

static void
table_put(struct cache_store *c, uint32_t idx, uint32_t h)
{
    table_put_slot(c, ((uint64_t)h << 32) | ((uint64_t)idx + 1));
}

static void
table_grow(struct cache_store *c)
{
    uint64_t *old = c->table;
    uint32_t old_n = c->table_mask + 1;
    if (old == no_slots) {
        table_alloc(c, TABLE_FIRST_SLOTS);
        return;
    }
    SIM_ASSERT(old_n < (1u << 31));
    table_alloc(c, old_n * 2);
    for (uint32_t s = 0; s < old_n; s++)
        if (old[s] != 0)
            table_put_slot(c, old[s]);
    free(old);
}

static void
table_delete(struct cache_store *c, uint32_t idx)
{
    uint32_t mask = c->table_mask;
    uint32_t s = hash32(obj_at(c, idx)->key) & mask;
    while (SLOT_INDEX(c->table[s]) != idx)
        s = (s + 1) & mask;
    /* Backward shift: pull later entries of the probe run into the hole
     * unless their home slot lies cyclically in (hole, their slot]. */
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & mask; c->table[j] != 0; j = (j + 1) & mask) {
        uint32_t home = SLOT_HASH(c->table[j]) & mask;
        int stays =
            hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            c->table[hole] = c->table[j];
            hole = j;
        }
    }
    c->table[hole] = 0;
}

void
cache_hit(struct cache_store *c, struct cache_obj *o)
{
    c->policy.ops->on_hit(&c->policy, o);
}

void
cache_each(struct cache_store *c, void (*fn)(struct cache_obj *, void *),
           void *ctx)
{
    for (uint32_t s = 0; s <= c->table_mask; s++)
        if (c->table[s] != 0)
            fn(obj_at(c, SLOT_INDEX(c->table[s])), ctx);
}

struct cache_obj *
cache_victim(struct cache_store *c)
{
    return c->n_objects ? c->policy.ops->victim(&c->policy) : NULL;
}

void
cache_remove(struct cache_store *c, struct cache_obj *o)
{
    uint32_t idx = cache_obj_index(c, o);
    if (c->key_observer != NULL)
        c->key_observer(c->key_observer_ctx, o->key, 0);
    c->policy.ops->on_remove(&c->policy, o);
    table_delete(c, idx);
    c->used_bytes -= o->size;
    c->n_objects--;
    o->key = c->free_head;
    c->free_head = idx;
}

static uint32_t
obj_alloc(struct cache_store *c)
{
    if (c->free_head != CACHE_NIL) {
        uint32_t idx = c->free_head;
        c->free_head = (uint32_t)obj_at(c, idx)->key;
        return idx;
    }
    /* Indices are 32-bit, and CACHE_NIL is none of them. */
    SIM_ASSERT(c->objs_used < CACHE_NIL - 1);
    c->objects.base = xgrow(c->objects.base, &c->objs_cap,
                            (size_t)c->objs_used + 1, c->objects.stride, 1024);
    return c->objs_used++;
}

struct cache_obj *
cache_insert(struct cache_store *c, uint64_t key, uint64_t size,
             int64_t expires_at)
{
    return cache_insert_hashed(c, key, hash32(key), size, expires_at);
}

struct cache_obj *
cache_insert_hashed(struct cache_store *c, uint64_t key, uint32_t h,
                    uint64_t size, int64_t expires_at)
{
    struct cache_obj *old = cache_find_hashed(c, key, h);
    if (old != NULL)
        cache_remove(c, old);
    if (size > c->capacity_bytes || size > CACHE_MAX_OBJECT_SIZE ||
        (c->admit_fn && !c->admit_fn(&c->admit, key, size)) ||
        (c->policy.ops->admit &&
         !c->policy.ops->admit(&c->policy, key, size))) {
        c->stats.n_rejected++;
        return NULL;
    }
    while (c->used_bytes + size > c->capacity_bytes) {
        struct cache_obj *v = c->policy.ops->victim(&c->policy);
        SIM_ASSERT(v != NULL);
        c->stats.n_evictions++;
        c->stats.bytes_evicted += v->size;
        cache_remove(c, v);
    }
    if ((uint64_t)(c->n_objects + 1) * 10 > (uint64_t)(c->table_mask + 1) * 8)
        table_grow(c);
    uint32_t idx = obj_alloc(c);
    struct cache_obj *o = obj_at(c, idx);
    memset(o, 0, c->objects.stride);
    o->key = key;
    o->size = size;
    o->expires_at = expires_at;
    table_put(c, idx, h);
    c->used_bytes += size;
    c->n_objects++;
    c->stats.n_inserts++;
    c->policy.ops->on_insert(&c->policy, o);
    if (c->key_observer != NULL)
        c->key_observer(c->key_observer_ctx, key, 1);
    return o;
}

void
cache_observe_keys(struct cache_store *c,
                   void (*fn)(void *ctx, uint64_t key, int added), void *ctx)
{
    c->key_observer = fn;
    c->key_observer_ctx = ctx;
}

uint64_t
cache_used_bytes(const struct cache_store *c)
{
    return c->used_bytes;
}

uint64_t
cache_capacity_bytes(const struct cache_store *c)
{
    return c->capacity_bytes;
}

uint32_t
cache_n_objects(const struct cache_store *c)
{
    return c->n_objects;
}

const struct cache_stats *
cache_stats(const struct cache_store *c)
{
    return &c->stats;
}

const struct policy_ops *
cache_ops(const struct cache_store *c)
{
    return c->policy.ops;
}

const struct admit_ops *
cache_admit_ops(const struct cache_store *c)
{
    return c->admit.ops;
}

size_t
cache_bytes_per_object(const struct cache_store *c)
{
    if (c->n_objects == 0)
        return 0;
    size_t total = (size_t)c->objs_cap * c->objects.stride +
                   (size_t)(c->table_mask + 1) * sizeof *c->table;
    return total / c->n_objects;
}
