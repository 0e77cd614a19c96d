/* check_cache.c: the store's accounting, LRU/FIFO order and exactness,
 * the policy contract over every registered policy, and the id map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "suites.h"
#include "util/hash.h"
#include "util/idmap.h"
#include "util/xalloc.h"

static struct cache_store *
new_cache(const char *policy, uint64_t capacity)
{
    struct sim_err err = {0};
    const struct policy_ops *ops = policy_find(policy);
    ck_assert_ptr_nonnull(ops);
    struct cache_store *c = cache_new(ops, capacity, NULL, 0, 1, &err);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* Looks up key as a request would: hit, or insert on a miss. */
static int
access_key(struct cache_store *c, uint64_t key, uint64_t size)
{
    struct cache_obj *o = cache_find(c, key);
    if (o != NULL && o->size == size) {
        cache_hit(c, o);
        return 1;
    }
    cache_insert(c, key, size, CACHE_NEVER);
    return 0;
}

START_TEST(test_cache_byte_accounting)
{
    struct cache_store *c = new_cache("lru", 100);
    ck_assert_ptr_nonnull(cache_insert(c, 1, 40, CACHE_NEVER));
    ck_assert_ptr_nonnull(cache_insert(c, 2, 40, CACHE_NEVER));
    ck_assert_uint_eq(cache_used_bytes(c), 80);
    /* 30 more bytes do not fit: the LRU object (1) goes. */
    ck_assert_ptr_nonnull(cache_insert(c, 3, 30, CACHE_NEVER));
    ck_assert_uint_eq(cache_used_bytes(c), 70);
    ck_assert_ptr_null(cache_find(c, 1));
    /* Larger than the whole cache: not stored, nothing evicted. */
    ck_assert_ptr_null(cache_insert(c, 4, 101, CACHE_NEVER));
    ck_assert_uint_eq(cache_n_objects(c), 2);
    ck_assert_uint_eq(cache_stats(c)->n_rejected, 1);
    /* Exactly the capacity fits, after evicting everything else. */
    ck_assert_ptr_nonnull(cache_insert(c, 5, 100, CACHE_NEVER));
    ck_assert_uint_eq(cache_used_bytes(c), 100);
    ck_assert_uint_eq(cache_n_objects(c), 1);
    /* A new size for an id replaces the old version. */
    ck_assert_ptr_nonnull(cache_insert(c, 5, 10, CACHE_NEVER));
    ck_assert_uint_eq(cache_used_bytes(c), 10);
    ck_assert_uint_eq(cache_n_objects(c), 1);
    ck_assert_uint_eq(cache_find(c, 5)->size, 10);
    cache_remove(c, cache_find(c, 5));
    ck_assert_uint_eq(cache_used_bytes(c), 0);
    ck_assert_uint_eq(cache_n_objects(c), 0);
    cache_free(c);
}
END_TEST

START_TEST(test_cache_lru_eviction_order)
{
    struct cache_store *c = new_cache("lru", 3);
    access_key(c, 1, 1);
    access_key(c, 2, 1);
    access_key(c, 3, 1);
    ck_assert_int_eq(access_key(c, 1, 1), 1); /* 1 is now most recent */
    access_key(c, 4, 1);                      /* evicts 2 */
    ck_assert_ptr_null(cache_find(c, 2));
    ck_assert_ptr_nonnull(cache_find(c, 1));
    access_key(c, 5, 1); /* evicts 3 */
    ck_assert_ptr_null(cache_find(c, 3));
    ck_assert_ptr_nonnull(cache_find(c, 1));
    cache_free(c);
}
END_TEST

START_TEST(test_cache_fifo_eviction_order)
{
    struct cache_store *c = new_cache("fifo", 3);
    access_key(c, 1, 1);
    access_key(c, 2, 1);
    access_key(c, 3, 1);
    ck_assert_int_eq(access_key(c, 1, 1), 1); /* a hit changes nothing */
    access_key(c, 4, 1);                      /* evicts 1, the oldest */
    ck_assert_ptr_null(cache_find(c, 1));
    ck_assert_ptr_nonnull(cache_find(c, 2));
    cache_free(c);
}
END_TEST

/* --- exactness against a minimal reference on a committed trace --- */

struct trace_req {
    uint64_t id;
    uint64_t size;
};

static struct trace_req *
load_trace(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cap = 1024;
    struct trace_req *t = xmalloc(cap * sizeof *t);
    *n = 0;
    unsigned long long ts, id, size;
    while (fscanf(f, "%llu %llu %llu", &ts, &id, &size) == 3) {
        if (*n == cap) {
            cap *= 2;
            t = xrealloc(t, cap * sizeof *t);
        }
        t[*n].id = id;
        t[(*n)++].size = size;
    }
    fclose(f);
    return t;
}

/*
 * The reference: a plain array of cached ids with a stamp per entry;
 * evict the smallest stamp until the object fits. LRU restamps on hits,
 * FIFO does not. O(n) per request, obviously right. An id seen with a new
 * size is a new version: the old one is dropped first, as in the store.
 */
static uint64_t
reference_hits(const struct trace_req *t, size_t n, uint64_t capacity,
               int is_lru, int unit)
{
    uint64_t *ids = xmalloc(n * sizeof *ids), *sizes = xmalloc(n * 8),
             *stamp = xmalloc(n * 8);
    size_t k = 0;
    uint64_t used = 0, hits = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t size = unit ? 1 : t[i].size;
        size_t j;
        for (j = 0; j < k && ids[j] != t[i].id; j++)
            ;
        if (j < k && sizes[j] == size) {
            hits++;
            if (is_lru)
                stamp[j] = i;
            continue;
        }
        if (j < k) { /* new version */
            used -= sizes[j];
            ids[j] = ids[k - 1], sizes[j] = sizes[k - 1],
            stamp[j] = stamp[k - 1];
            k--;
        }
        if (size > capacity)
            continue;
        while (used + size > capacity) {
            size_t v = 0;
            for (size_t m = 1; m < k; m++)
                if (stamp[m] < stamp[v])
                    v = m;
            used -= sizes[v];
            ids[v] = ids[k - 1], sizes[v] = sizes[k - 1],
            stamp[v] = stamp[k - 1];
            k--;
        }
        ids[k] = t[i].id, sizes[k] = size, stamp[k] = i;
        k++;
        used += size;
    }
    free(ids);
    free(sizes);
    free(stamp);
    return hits;
}

static const struct {
    const char *policy;
    int is_lru;
    int unit;
    uint64_t capacity;
} exact_cases[] = {
    {"lru", 1, 1, 10},  {"lru", 1, 1, 100},   {"lru", 1, 1, 500},
    {"fifo", 0, 1, 10}, {"fifo", 0, 1, 100},  {"fifo", 0, 1, 500},
    {"lru", 1, 0, 50},  {"lru", 1, 0, 1000},  {"lru", 1, 0, 5000},
    {"fifo", 0, 0, 50}, {"fifo", 0, 0, 1000}, {"fifo", 0, 0, 5000},
};

START_TEST(test_cache_exact_against_reference)
{
    size_t n;
    struct trace_req *t = load_trace("tests/data/webcachesim-test.tr", &n);
    ck_assert_uint_eq(n, 10492);
    struct cache_store *c =
        new_cache(exact_cases[_i].policy, exact_cases[_i].capacity);
    uint64_t hits = 0;
    for (size_t i = 0; i < n; i++) {
        hits += (uint64_t)access_key(c, t[i].id,
                                     exact_cases[_i].unit ? 1 : t[i].size);
        ck_assert_uint_le(cache_used_bytes(c), exact_cases[_i].capacity);
    }
    uint64_t want =
        reference_hits(t, n, exact_cases[_i].capacity, exact_cases[_i].is_lru,
                       exact_cases[_i].unit);
    ck_assert_msg(hits == want,
                  "%s cap %llu unit %d: %llu hits, reference "
                  "%llu",
                  exact_cases[_i].policy,
                  (unsigned long long)exact_cases[_i].capacity,
                  exact_cases[_i].unit, (unsigned long long)hits,
                  (unsigned long long)want);
    ck_assert_uint_gt(hits, 0);
    cache_free(c);
    free(t);
}
END_TEST

/* --- the contract, over every registered policy --- */

START_TEST(test_cache_policy_contract)
{
    const struct policy_ops *ops = policy_at((size_t)_i);
    ck_assert_ptr_nonnull(ops);
    ck_assert_uint_eq(ops->abi, POLICY_ABI);
    ck_assert(ops->name && ops->summary && ops->on_insert && ops->on_hit &&
              ops->on_remove && ops->victim);
    for (const char *p = ops->name; *p; p++)
        ck_assert((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                  *p == '_');
    ck_assert_ptr_eq(policy_find(ops->name), ops);
    struct sim_err err = {0};
    const uint64_t cap = 5000;
    struct cache_store *c = cache_new(ops, cap, NULL, 0, 7, &err);
    ck_assert_ptr_nonnull(c);
    uint64_t x = 99, requests = 0, hits = 0;
    for (int i = 0; i < 50000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t key = (x >> 33) % 997;
        key = key * key % 997; /* skewed popularity */
        uint64_t size = 1 + key % 97;
        requests++;
        struct cache_obj *o = cache_find(c, key);
        if (o != NULL) {
            cache_hit(c, o);
            hits++;
        } else {
            o = cache_insert(c, key, size, CACHE_NEVER);
            if (o != NULL) {
                /* A repeated access to a just-inserted object hits. */
                ck_assert_ptr_eq(cache_find(c, key), o);
            }
        }
        ck_assert_uint_le(cache_used_bytes(c), cap);
        if (i % 97 == 0) {
            /* The next victim is an object the cache holds. */
            struct cache_obj *v = cache_victim(c);
            ck_assert_ptr_nonnull(v);
            ck_assert_ptr_eq(cache_find(c, v->key), v);
        }
    }
    ck_assert_uint_gt(hits, 0);
    /* Counts add up. */
    const struct cache_stats *st = cache_stats(c);
    ck_assert_uint_eq(st->n_inserts - st->n_evictions, cache_n_objects(c));
    ck_assert_uint_eq(hits + st->n_inserts + st->n_rejected, requests);
    /* Drain by victims: every one is held, and the store ends empty. */
    while (cache_n_objects(c) > 0) {
        struct cache_obj *v = cache_victim(c);
        ck_assert_ptr_nonnull(v);
        ck_assert_ptr_eq(cache_find(c, v->key), v);
        cache_remove(c, v);
    }
    ck_assert_uint_eq(cache_used_bytes(c), 0);
    cache_free(c);
}
END_TEST

START_TEST(test_cache_unknown_param_is_an_error)
{
    struct cfg_kv kv = {.key = test_str("segments"),
                        .value = test_str("4"),
                        .field = test_str("nodes[0].cache.segments"),
                        .mark = {"t.yaml", 7, 15}};
    struct sim_err err = {0};
    struct cache_store *c = cache_new(policy_find("lru"), 100, &kv, 1, 1, &err);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(err.code, -SIM_EBADKEY);
    ck_assert_int_eq(err.line, 7);
    ck_assert_str_eq(err.field, "nodes[0].cache.segments");
}
END_TEST

START_TEST(test_cache_idmap)
{
    struct idmap m;
    idmap_init(&m);
    for (uint32_t i = 0; i < 20000; i++)
        idmap_put(&m, (uint64_t)i * 7919, i);
    ck_assert_uint_eq(m.n, 20000);
    for (uint32_t i = 0; i < 20000; i += 2)
        ck_assert_uint_eq(idmap_del(&m, (uint64_t)i * 7919), i);
    ck_assert_uint_eq(idmap_del(&m, 3), IDMAP_EMPTY);
    for (uint32_t i = 0; i < 20000; i++)
        ck_assert_uint_eq(idmap_get(&m, (uint64_t)i * 7919),
                          i % 2 ? i : IDMAP_EMPTY);
    idmap_put(&m, 7919, 5);
    ck_assert_uint_eq(idmap_get(&m, 7919), 5);
    idmap_fini(&m);
}
END_TEST

/* A get that finds the key absent, then idmap_put_at: the same slots as
 * idmap_put gives, through growths and deletions. */
START_TEST(test_cache_idmap_put_at)
{
    struct idmap a, b;
    idmap_init(&a);
    idmap_init(&b);
    for (uint32_t i = 0; i < 5000; i++) {
        uint64_t key = (uint64_t)i * 2654435761u % 100003;
        uint32_t slot = UINT32_MAX;
        uint32_t had = idmap_get_slot(&a, key, hash_key32(key), &slot);
        ck_assert_uint_eq(had, idmap_get(&b, key));
        ck_assert_uint_le(slot, a.mask);
        if (had == IDMAP_EMPTY)
            idmap_put_at(&a, slot, key, i);
        idmap_put(&b, key, had == IDMAP_EMPTY ? i : had);
        if (i % 3 == 0) {
            uint64_t gone = (uint64_t)(i / 2) * 2654435761u % 100003;
            ck_assert_uint_eq(idmap_del_hashed(&a, gone, hash_key32(gone)),
                              idmap_del(&b, gone));
        }
        ck_assert_uint_eq(a.n, b.n);
        ck_assert_uint_eq(a.mask, b.mask);
    }
    ck_assert_mem_eq(a.vals, b.vals, (a.mask + 1) * sizeof *a.vals);
    for (uint32_t s = 0; s <= a.mask; s++)
        if (a.vals[s] != IDMAP_EMPTY)
            ck_assert_uint_eq(a.keys[s], b.keys[s]);
    idmap_fini(&a);
    idmap_fini(&b);
}
END_TEST

Suite *
cache_suite(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("store");
    tcase_add_test(tc, test_cache_byte_accounting);
    tcase_add_test(tc, test_cache_lru_eviction_order);
    tcase_add_test(tc, test_cache_fifo_eviction_order);
    tcase_add_test(tc, test_cache_unknown_param_is_an_error);
    tcase_add_test(tc, test_cache_idmap);
    tcase_add_test(tc, test_cache_idmap_put_at);
    suite_add_tcase(s, tc);
    tc = tcase_create("exact");
    tcase_add_loop_test(tc, test_cache_exact_against_reference, 0,
                        (int)(sizeof exact_cases / sizeof exact_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("contract");
    tcase_add_loop_test(tc, test_cache_policy_contract, 0, (int)policy_count());
    suite_add_tcase(s, tc);
    return s;
}
