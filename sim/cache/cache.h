/* cache.h: a byte-capacity object store behind a pluggable policy.
 *
 * The store owns the objects, the id -> object table and the byte
 * accounting, and runs the fixed sequence (libCacheSim's template method):
 *   hit  -> on_hit
 *   miss -> admit? -> victim/on_remove until it fits -> on_insert
 * A policy only keeps an order and answers "who goes next". It never sees a
 * request, only objects, and never allocates or frees them.
 */
#ifndef SIM_CACHE_CACHE_H
#define SIM_CACHE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "util/err.h"
#include "util/kv.h" /* struct cfg_kv, for policy parameters */

#define CACHE_NIL UINT32_MAX  /* "no object" for 32-bit object indices */
#define CACHE_NEVER INT64_MAX /* expires_at of an object that never expires */

/*
 * A cached object. Policies read these fields but change none of them.
 * Each object is followed in memory by the policy's per-object state
 * (policy_ops.obj_state_size bytes, zeroed on insert): see cache_obj_state.
 */
struct cache_obj {
    uint64_t key;             /* object id */
    uint64_t size : 40;       /* bytes charged against the capacity; at
                                 most CACHE_MAX_OBJECT_SIZE */
    uint64_t version : 23;    /* the content's version (its low bits); 0
                                 on insert, set and read by the caller */
    uint64_t is_negative : 1; /* a cached 404; set by the caller */
    int64_t expires_at;       /* simulated ns; CACHE_NEVER if it never
                                 expires */
};

/* Objects this large or larger are never stored (24 bytes per record). */
#define CACHE_MAX_OBJECT_SIZE ((UINT64_C(1) << 40) - 1)
#define CACHE_VERSION_MASK ((UINT32_C(1) << 23) - 1)

struct cache_store;

/* The policy's view: its ops, its state and the store it orders. */
struct policy {
    const struct policy_ops *ops;
    struct cache_store *store; /* borrowed; outlives the policy */
    void *state;               /* ops->state_size zeroed bytes */
    uint64_t capacity_bytes;
    gsl_rng *rng;      /* this cache's own stream, made on
                          first use by policy_rng(); owned by
                          the store */
    uint64_t rng_seed; /* seeds rng */
};

/* The policy's own random stream, made on its first use (a stream's state
 * is 5 KB, and most policies draw nothing: a topology of many caches
 * should not pay for them). The same seed gives the same stream however
 * late it is made. */
gsl_rng *policy_rng(struct policy *p);

/*
 * Parameters. A policy or admission filter declares its tunables in one
 * table of struct cache_param; the store parses, range-checks and
 * defaults them from it (before start() runs, into the zeroed state), and
 * `cdnsim policies` prints it, so a parameter's default, range and
 * meaning are written once.
 */
enum cache_param_type {
    CACHE_PARAM_UINT,   /* whole number in [min, max], stored as unsigned */
    CACHE_PARAM_U64,    /* whole number in [min, max], stored as uint64_t */
    CACHE_PARAM_REAL,   /* number between min and max (ends closed unless
                           flagged open), stored as double */
    CACHE_PARAM_SIZE,   /* bytes such as "256KiB" in [min, max], stored as
                           uint64_t */
    CACHE_PARAM_CHOICE, /* one of choices, stored as its index (unsigned) */
};

#define CACHE_PARAM_MIN_OPEN 1u /* min itself is out of range */
#define CACHE_PARAM_MAX_OPEN 2u /* max itself is out of range */
#define CACHE_PARAM_REQUIRED 4u /* no default: leaving it out is an error */

struct cache_param {
    const char *name; /* the YAML key, [a-z0-9_]+ */
    enum cache_param_type type;
    unsigned flags;             /* CACHE_PARAM_* above */
    double min, max;            /* the range; unused for CHOICE */
    const char *const *choices; /* CHOICE: the spellings, NULL-ended */
    const char *def;            /* the default as a user would write it,
                                   set before any given value; NULL when
                                   REQUIRED, or when start() derives the
                                   default from a field left at 0 (help
                                   then says how) */
    const char *help;           /* what it means, for `cdnsim policies` */
    size_t offset;              /* of the value in the state */
};

/* The n parameters of a table declared as a static array. */
#define CACHE_PARAMS(table) (table), (sizeof(table) / sizeof((table)[0]))

/*
 * Writes one line describing p into buf: name, default, accepted values
 * and help, e.g. "bits=1 (a whole number from 1 to 8): counter width".
 */
void cache_param_describe(const struct cache_param *p, char *buf, size_t len);

/*
 * Checks one key = value against a table without storing it: 0 if the
 * table has the key and its value parses and lies in range, else
 * -SIM_EBADVAL with err naming kv's field, or -SIM_EBADKEY for a key the
 * table lacks (listing the names it has). The same parsing and ranges as
 * cache_new applies, for callers that must reject bad input before making a
 * store (`cdnsim replay --policy lhd:samples=16`).
 */
int cache_param_check(const struct cache_param *t, size_t n,
                      const struct cfg_kv *kv, struct sim_err *err);

#define POLICY_ABI 3 /* bump when struct policy_ops changes */

struct policy_ops {
    const char *name;                 /* YAML spelling, [a-z0-9_]+ */
    unsigned abi;                     /* MUST equal POLICY_ABI */
    const char *summary;              /* one line for `cdnsim policies` */
    const struct cache_param *params; /* its parameters, NULL if none */
    size_t n_params;
    size_t state_size;     /* per-cache state, zeroed, then defaults */
    size_t obj_state_size; /* per-object state, zeroed on insert */
    int needs_future;      /* offline: needs cache_set_next_access before each
                              access (belady); 0 for every online policy */
    /* Optional hooks may be NULL. */
    /* After every parameter is set; may allocate what stop() frees. */
    int (*start)(struct policy *p, struct sim_err *err);
    void (*stop)(struct policy *p);
    /* Called on a miss before anything is evicted; 0 = do not store. */
    int (*admit)(struct policy *p, uint64_t key, uint64_t size);
    /* Required hooks. */
    void (*on_insert)(struct policy *p, struct cache_obj *o);
    void (*on_hit)(struct policy *p, struct cache_obj *o);
    void (*on_remove)(struct policy *p, struct cache_obj *o);
    /* The next object to evict, never NULL while the cache holds objects;
     * no side effects, except that a policy may reorder its own state as
     * it searches (CLOCK's hand, S3-FIFO's queue moves). */
    struct cache_obj *(*victim)(struct policy *p);
};

/* Registration list: POLICY(name) per line in policies.def. */
#define POLICY(n) extern const struct policy_ops policy_##n##_ops;
#include "cache/policies.def"
#undef POLICY

/* The registered policies, in policies.def order. */
size_t policy_count(void);
const struct policy_ops *policy_at(size_t i);

/* The policy registered under name, or NULL. */
const struct policy_ops *policy_find(const char *name);

/* Writes "fifo, lru, ..." (every registered name) into buf. */
void policy_names(char *buf, size_t len);

/*
 * Admission filters: whether a missed object is stored at all, decided
 * before anything is evicted, combinable with any policy
 * (cache: {policy: lru, admission: second_hit, ...}). A filter sees only
 * the misses the store is asked to insert, never hits. The registry works
 * like the policies' one: ADMIT(name) per line in admissions.def, one
 * admit_<name>.c each, whose ops table is its only export.
 */

/* The filter's view: its ops, its state and the store it guards. */
struct admit_filter {
    const struct admit_ops *ops;
    struct cache_store *store; /* borrowed; outlives the filter */
    void *state;               /* ops->state_size zeroed bytes */
    uint64_t capacity_bytes;   /* of the cache it guards */
    gsl_rng *rng;              /* its own random stream, apart from the
                                  policy's; owned by the store */
};

#define ADMIT_ABI 2 /* bump when struct admit_ops changes */

struct admit_ops {
    const char *name;                 /* YAML spelling, [a-z0-9_]+ */
    unsigned abi;                     /* MUST equal ADMIT_ABI */
    const char *summary;              /* one line for `cdnsim policies` */
    const struct cache_param *params; /* its parameters, NULL if none; a
                                         key of the cache mapping goes to
                                         the filter if it is here, else to
                                         the policy */
    size_t n_params;
    size_t state_size; /* per-cache state, zeroed, then defaults */
    /* Optional hooks may be NULL. */
    /* After every parameter is set; may allocate what stop() frees. An
     * error it finds in the parameters is reported with no file position
     * and the key alone as the field (cache_new_from_cfg adds the
     * mapping's). */
    int (*start)(struct admit_filter *f, struct sim_err *err);
    void (*stop)(struct admit_filter *f);
    /* 1 = store the object, 0 = do not. NULL only for a filter that
     * admits everything ("always"): the store then never calls it, so the
     * default costs nothing per miss. */
    int (*admit)(struct admit_filter *f, uint64_t key, uint64_t size);
};

/* Registration list: ADMIT(name) per line in admissions.def. */
#define ADMIT(n) extern const struct admit_ops admit_##n##_ops;
#include "cache/admissions.def"
#undef ADMIT

/* The registered admission filters, in admissions.def order. */
size_t admit_count(void);
const struct admit_ops *admit_at(size_t i);

/* The filter registered under name, or NULL. */
const struct admit_ops *admit_find(const char *name);

/* Writes "adaptsize, always, ..." (every registered name) into buf. */
void admit_names(char *buf, size_t len);

/* Counters kept by the store. */
struct cache_stats {
    uint64_t n_inserts;
    uint64_t n_evictions;
    uint64_t bytes_evicted;
    uint64_t n_rejected; /* not admitted, or larger than the capacity */
};

/*
 * Creates a store of capacity_bytes (> 0) ordered by ops, configured by
 * params (may be 0 of them). rng_seed seeds the policy's own random stream.
 * Returns the store (caller frees with cache_free) or NULL with err filled
 * (an unknown or bad parameter names its file, line and field).
 */
struct cache_store *cache_new(const struct policy_ops *ops,
                              uint64_t capacity_bytes,
                              const struct cfg_kv *params, size_t n_params,
                              uint64_t rng_seed, struct sim_err *err);

/*
 * Like cache_new, with an admission filter in front of the policy (adm
 * NULL means "always"; cache_new is this with adm NULL). Each parameter
 * goes to the filter if its table has the key, else to the policy; a key
 * neither has is an error naming it, and so is a value outside the
 * parameter's range or a required parameter left out (with no file
 * position: see cache_new_from_cfg). The filter's random stream is seeded
 * from rng_seed apart from the policy's, so adding a filter never shifts
 * the policy's draws. Errors from a start() hook carry no file position
 * either (see struct admit_ops). Same ownership as cache_new.
 */
struct cache_store *
cache_new_admit(const struct policy_ops *ops, const struct admit_ops *adm,
                uint64_t capacity_bytes, const struct cfg_kv *params,
                size_t n_params, uint64_t rng_seed, struct sim_err *err);
void cache_free(struct cache_store *c);

/*
 * For offline policies (belady): the position in the request sequence of
 * the next request for the object being accessed now (INT64_MAX if none).
 * The caller sets it before each find/hit/insert; policies read it with
 * cache_next_access() in their hooks. Online policies ignore it.
 */
void cache_set_next_access(struct cache_store *c, int64_t next_access);
int64_t cache_next_access(const struct cache_store *c);

/* The object with this key, or NULL. Touches no policy state. */
struct cache_obj *cache_find(struct cache_store *c, uint64_t key);

/*
 * Hints that key will be looked up soon: starts loading its table slot
 * into the CPU cache. Lookups are random memory accesses and dominate a
 * run's time; callers that know the next key ahead (the next arrival of a
 * source, a fetch on its way to a parent) hide most of that latency.
 */
void cache_prefetch(const struct cache_store *c, uint64_t key);

/* cache_find, cache_prefetch and cache_insert for a key whose
 * hash_key32(key) the caller already has (util/hash.h): the same
 * operations, with no hashing. */
struct cache_obj *cache_find_hashed(struct cache_store *c, uint64_t key,
                                    uint32_t h);
void cache_prefetch_hashed(const struct cache_store *c, uint32_t h);
struct cache_obj *cache_insert_hashed(struct cache_store *c, uint64_t key,
                                      uint32_t h, uint64_t size,
                                      int64_t expires_at);

/* Records a hit on o (calls on_hit). */
void cache_hit(struct cache_store *c, struct cache_obj *o);

/*
 * Stores key with size bytes, evicting until it fits. An existing object
 * with the same key is replaced (removed first, then inserted anew): a new
 * size or a refetch is a new version of the object. Returns the new object,
 * or NULL if it was not stored (larger than the capacity or not admitted).
 * The returned pointer is valid until the next insert.
 */
struct cache_obj *cache_insert(struct cache_store *c, uint64_t key,
                               uint64_t size, int64_t expires_at);

/* The object the policy would evict next, or NULL when empty. For tests
 * and tools: it asks the policy exactly as the eviction loop does. */
struct cache_obj *cache_victim(struct cache_store *c);

/* Calls fn on every cached object, in no particular order; fn must not
 * insert or remove objects. */
void cache_each(struct cache_store *c, void (*fn)(struct cache_obj *, void *),
                void *ctx);

/* Removes o from the cache (calls on_remove). */
void cache_remove(struct cache_store *c, struct cache_obj *o);

uint64_t cache_used_bytes(const struct cache_store *c);
uint64_t cache_capacity_bytes(const struct cache_store *c);
uint32_t cache_n_objects(const struct cache_store *c);

/* Has fn(ctx, key, added) told of every key the store adds (added 1) or
 * removes (0: evicted, removed, or replaced by a new copy), for a caller
 * that indexes keys (sim/model/cache_key.c). NULL fn: nothing is told,
 * and the store's insertions and removals test one pointer. */
void cache_observe_keys(struct cache_store *c,
                        void (*fn)(void *ctx, uint64_t key, int added),
                        void *ctx);
const struct cache_stats *cache_stats(const struct cache_store *c);
const struct policy_ops *cache_ops(const struct cache_store *c);

/* The store's admission filter ("always" when it has none). */
const struct admit_ops *cache_admit_ops(const struct cache_store *c);

/* Bytes of memory the store uses per cached object, for the benchmark. */
size_t cache_bytes_per_object(const struct cache_store *c);

/*
 * Object <-> index, for policies that link objects by 32-bit index. Inline,
 * as the list operations of every hit and eviction use them: the store's
 * first member describes its record array (private to store.c otherwise).
 */
struct cache_objects {
    char *base;            /* the records */
    size_t stride;         /* bytes per record */
    unsigned stride_shift; /* stride = odd << stride_shift */
    uint64_t odd_inverse;  /* odd * odd_inverse = 1 (mod 2^64) */
};

static inline const struct cache_objects *
cache_objects_of(const struct cache_store *c)
{
    return (const struct cache_objects *)(const void *)c;
}

static inline struct cache_obj *
cache_obj_at(const struct cache_store *c, uint32_t idx)
{
    const struct cache_objects *a = cache_objects_of(c);
    return (struct cache_obj *)(a->base + (size_t)idx * a->stride);
}

static inline uint32_t
cache_obj_index(const struct cache_store *c, const struct cache_obj *o)
{
    const struct cache_objects *a = cache_objects_of(c);
    uint64_t offset = (uint64_t)((const char *)o - a->base);
    return (uint32_t)((offset >> a->stride_shift) * a->odd_inverse);
}

/* The policy's per-object state behind o. */
static inline void *
cache_obj_state(struct cache_obj *o)
{
    return o + 1;
}

#endif
