/* check_policies.c: each eviction policy's order on small hand-checked
 * sequences, its parameters, and the determinism of random choices. The
 * contract every policy keeps is tested over all of them in check_cache.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "cache/cache_int.h" /* cache_param_set */
#include "model/model.h"     /* cache_new_from_cfg */
#include "suites.h"

/* --- helpers --- */

/* A store of capacity bytes under the named policy, with no parameters. */
static struct cache_store *
pol_new(const char *policy, uint64_t capacity)
{
    struct sim_err err = {0};
    const struct policy_ops *ops = policy_find(policy);
    ck_assert_msg(ops != NULL, "policy %s is not registered", policy);
    struct cache_store *c = cache_new(ops, capacity, NULL, 0, 1, &err);
    ck_assert_msg(c != NULL, "%s: %s", policy, err.msg);
    return c;
}

/* A parameter as the topology loader would hand it over, from line 7. */
static struct cfg_kv
pol_kv(const char *key, const char *value)
{
    static char field[64];
    snprintf(field, sizeof field, "nodes[0].cache.%s", key);
    return (struct cfg_kv){.key = test_str(key),
                           .value = test_str(value),
                           .field = field,
                           .mark = {"t.yaml", 7, 15}};
}

/* A store with one parameter, or NULL with err filled. */
static struct cache_store *
pol_new_with(const char *policy, uint64_t capacity, const char *key,
             const char *value, struct sim_err *err)
{
    struct cfg_kv kv = pol_kv(key, value);
    return cache_new(policy_find(policy), capacity, &kv, 1, 1, err);
}

/* Looks up key as a request would: hit (1), or insert on a miss (0). */
static int
pol_access(struct cache_store *c, uint64_t key)
{
    struct cache_obj *o = cache_find(c, key);
    if (o != NULL) {
        cache_hit(c, o);
        return 1;
    }
    cache_insert(c, key, 1, CACHE_NEVER);
    return 0;
}

/* Every listed key is cached. */
static void
pol_expect_present(struct cache_store *c, const uint64_t *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(cache_find(c, keys[i]) != NULL,
                      "%s: key %llu should be cached", cache_ops(c)->name,
                      (unsigned long long)keys[i]);
}

/* POL_EXPECT(c, k1, k2, ...): every listed key is cached. */
#define POL_EXPECT(c, ...)                                                     \
    do {                                                                       \
        static const uint64_t k_[] = {__VA_ARGS__};                            \
        pol_expect_present((c), k_, sizeof k_ / sizeof k_[0]);                 \
    } while (0)

/* The key is not cached. */
static void
pol_expect_gone(struct cache_store *c, uint64_t key)
{
    ck_assert_msg(cache_find(c, key) == NULL, "%s: key %llu should be gone",
                  cache_ops(c)->name, (unsigned long long)key);
}

/* --- batch A: clock, lfu, lfuda, slru, 2q, arc, sieve, random --- */

START_TEST(test_policies_clock_eviction_order)
{
    /* One bit: second chance. List head -> tail (the hand) in comments. */
    struct cache_store *c = pol_new("clock", 3);
    pol_access(c, 1);
    pol_access(c, 2);
    pol_access(c, 3);                      /* 3 2 1 */
    ck_assert_int_eq(pol_access(c, 1), 1); /* 1 gets its bit */
    pol_access(c, 4); /* hand spares 1 (1 3 2), evicts 2: 4 1 3 */
    pol_expect_gone(c, 2);
    POL_EXPECT(c, 1, 3, 4);
    pol_access(c, 5); /* evicts 3: 5 4 1 */
    pol_expect_gone(c, 3);
    pol_access(c, 6); /* 1's bit is spent: evicts it */
    pol_expect_gone(c, 1);
    POL_EXPECT(c, 4, 5, 6);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_clock_counter_bits)
{
    /* The same requests under 1 and 2 bits: three hits on 1 count once
     * with one bit but three times with two. */
    for (int bits = 1; bits <= 2; bits++) {
        struct sim_err err = {0};
        struct cache_store *c =
            pol_new_with("clock", 3, "bits", bits == 1 ? "1" : "2", &err);
        ck_assert_ptr_nonnull(c);
        pol_access(c, 1);
        pol_access(c, 2);
        pol_access(c, 3);
        for (int i = 0; i < 3; i++)
            pol_access(c, 1);
        pol_access(c, 2);
        pol_access(c, 4); /* both: 1 and 2 spared, 3 evicted */
        pol_expect_gone(c, 3);
        pol_access(c, 5);
        if (bits == 1) {
            pol_expect_gone(c, 1); /* 1's single count is spent */
            POL_EXPECT(c, 2, 4, 5);
        } else {
            pol_expect_gone(c, 2); /* 1 still has 2 of its 3 counts */
            POL_EXPECT(c, 1, 4, 5);
        }
        cache_free(c);
    }
}
END_TEST

START_TEST(test_policies_sieve_eviction_order)
{
    struct cache_store *c = pol_new("sieve", 3);
    pol_access(c, 1);
    pol_access(c, 2);
    pol_access(c, 3);
    pol_access(c, 1); /* visited */
    pol_access(c, 4); /* the hand clears 1 and evicts 2 in place */
    pol_expect_gone(c, 2);
    POL_EXPECT(c, 1, 3, 4);
    /* The hand now stands at 3, ahead of 1: new objects go first, while 1
     * keeps its place at the tail (CLOCK would have moved it up). */
    pol_access(c, 5);
    pol_expect_gone(c, 3);
    pol_access(c, 6);
    pol_expect_gone(c, 4);
    POL_EXPECT(c, 1, 5, 6);
    /* Asking for the victim twice gives the same answer. */
    struct cache_obj *v = cache_victim(c);
    ck_assert_ptr_eq(cache_victim(c), v);
    ck_assert_uint_eq(v->key, 5);
    /* Removing the object under the hand moves the hand on. */
    cache_remove(c, v);
    ck_assert_uint_eq(cache_victim(c)->key, 6);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_lfu_eviction_order)
{
    struct cache_store *c = pol_new("lfu", 3);
    pol_access(c, 1);
    pol_access(c, 2);
    pol_access(c, 3);
    pol_access(c, 1);
    pol_access(c, 1); /* 1: 3 accesses */
    pol_access(c, 2); /* 2: 2, reached before 3 did */
    pol_access(c, 3); /* 3: 2 */
    pol_access(c, 4); /* least frequent are 2 and 3; 2 is the LRU one */
    pol_expect_gone(c, 2);
    POL_EXPECT(c, 1, 3, 4);
    pol_access(c, 5); /* 4 has 1 access */
    pol_expect_gone(c, 4);
    pol_access(c, 5);
    pol_access(c, 5);
    pol_access(c, 5); /* 5: 4 accesses, more than 1 */
    pol_access(c, 6); /* evicts 3 (2 accesses) */
    pol_expect_gone(c, 3);
    pol_access(c, 7); /* evicts 6, the newcomer */
    pol_expect_gone(c, 6);
    POL_EXPECT(c, 1, 5, 7);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_lfuda_aging)
{
    /* Keys K = count + L, L = key of the last eviction. */
    struct cache_store *c = pol_new("lfuda", 3);
    pol_access(c, 1);
    pol_access(c, 2);
    pol_access(c, 3); /* all K = 1 */
    pol_access(c, 1);
    pol_access(c, 1); /* 1: K = 3 */
    pol_access(c, 4); /* evicts 2 (K 1, oldest); L = 1; 4: K = 2 */
    pol_expect_gone(c, 2);
    pol_access(c, 5); /* evicts 3 (K 1); L = 1; 5: K = 2 */
    pol_expect_gone(c, 3);
    pol_access(c, 6); /* evicts 4 (K 2, older than 5); L = 2; 6: K = 3 */
    pol_expect_gone(c, 4);
    pol_access(c, 7); /* evicts 5 (K 2); L = 2; 7: K = 3 */
    pol_expect_gone(c, 5);
    POL_EXPECT(c, 1, 6, 7);
    /* 1, 6 and 7 all have K = 3: the aging caught up with 1's three
     * accesses, and 1 has held its key longest, so it goes (plain LFU
     * would keep it). */
    pol_access(c, 8);
    pol_expect_gone(c, 1);
    POL_EXPECT(c, 6, 7, 8);
    cache_free(c);

    c = pol_new("lfu", 3);
    for (uint64_t k = 1; k <= 3; k++)
        pol_access(c, k);
    pol_access(c, 1);
    pol_access(c, 1);
    for (uint64_t k = 4; k <= 8; k++)
        pol_access(c, k);
    POL_EXPECT(c, 1);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_slru_eviction_order)
{
    /* Two segments of 2 bytes each: segment 0 (probation), segment 1. */
    struct sim_err err = {0};
    struct cache_store *c = pol_new_with("slru", 4, "segments", "2", &err);
    ck_assert_ptr_nonnull(c);
    for (uint64_t k = 1; k <= 4; k++)
        pol_access(c, k); /* seg0: 4 3 2 1 */
    pol_access(c, 1);     /* seg1: 1 */
    pol_access(c, 2);     /* seg1: 2 1 */
    pol_access(c, 3);     /* seg1: 3 2 1 is over its share: 1 goes down,
                             seg0: 1 4 */
    pol_access(c, 5);     /* evicts seg0's tail, 4 */
    pol_expect_gone(c, 4);
    POL_EXPECT(c, 1, 2, 3, 5);
    pol_access(c, 6); /* evicts 1 (demoted earlier) */
    pol_expect_gone(c, 1);
    pol_access(c, 7); /* evicts 5 */
    pol_expect_gone(c, 5);
    POL_EXPECT(c, 2, 3, 6, 7);
    cache_free(c);

    /* Default: 4 segments of 1 byte each in a 4-byte cache. */
    c = pol_new("slru", 4);
    for (uint64_t k = 1; k <= 4; k++)
        pol_access(c, k);
    pol_access(c, 1); /* 1 in seg1 */
    pol_access(c, 1); /* 1 in seg2 */
    pol_access(c, 2); /* 2 in seg1 */
    pol_access(c, 5); /* seg0 holds 4 3: evicts 3 */
    pol_expect_gone(c, 3);
    pol_access(c, 6);
    pol_expect_gone(c, 4);
    pol_access(c, 7);
    pol_expect_gone(c, 5);
    POL_EXPECT(c, 1, 2, 6, 7);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_slru_one_segment_is_lru)
{
    struct sim_err err = {0};
    struct cache_store *a = pol_new_with("slru", 50, "segments", "1", &err);
    ck_assert_ptr_nonnull(a);
    struct cache_store *b = pol_new("lru", 50);
    uint64_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t key = (x >> 33) % 300;
        key = key * key % 300;
        ck_assert_int_eq(pol_access(a, key), pol_access(b, key));
    }
    cache_free(a);
    cache_free(b);
}
END_TEST

START_TEST(test_policies_2q_eviction_order)
{
    /* Capacity 4: Kin = 1 byte of A1in, A1out holds 2 ids. */
    ck_assert_ptr_null(policy_find("twoq"));
    struct cache_store *c = pol_new("2q", 4);
    for (uint64_t k = 1; k <= 4; k++)
        pol_access(c, k);                  /* A1in: 4 3 2 1 */
    ck_assert_int_eq(pol_access(c, 1), 1); /* a hit in A1in changes nothing */
    pol_access(c, 5); /* A1in over Kin: evicts 1 anyway; A1out: 1 */
    pol_expect_gone(c, 1);
    pol_access(c, 6); /* evicts 2; A1out: 2 1 */
    pol_expect_gone(c, 2);
    pol_access(c, 1); /* in A1out: evicts 3 (A1out: 3 2), 1 enters Am */
    pol_expect_gone(c, 3);
    /* One-time objects stream through A1in while 1 stays in Am. */
    for (uint64_t k = 7; k <= 12; k++)
        pol_access(c, k);
    POL_EXPECT(c, 1, 10, 11, 12);
    /* 2 fell off A1out long ago: it enters A1in again, evicting 10. */
    pol_access(c, 2);
    pol_expect_gone(c, 10);
    pol_access(c, 10); /* still in A1out: evicts 11, enters Am (10 1) */
    pol_expect_gone(c, 11);
    for (uint64_t k = 13; k <= 15; k++)
        pol_access(c, k); /* evict 12, 2, 13; A1in: 15 14 */
    pol_expect_gone(c, 2);
    POL_EXPECT(c, 1, 10, 14, 15);
    pol_access(c, 13); /* in A1out: evicts 14; Am: 13 10 1 */
    pol_expect_gone(c, 14);
    pol_access(c, 1);  /* Am: 1 13 10 */
    pol_access(c, 16); /* A1in (15) is within Kin: Am's LRU, 10, goes */
    pol_expect_gone(c, 10);
    POL_EXPECT(c, 1, 13, 15, 16);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_arc_eviction_order)
{
    /* c = 3. T1/T2 heads first; p starts at 0. */
    struct cache_store *c = pol_new("arc", 3);
    pol_access(c, 1);
    pol_access(c, 2);
    pol_access(c, 3); /* T1: 3 2 1 */
    pol_access(c, 1); /* T2: 1; T1: 3 2 */
    pol_access(c, 4); /* |T1| = 2 > p = 0: T1's tail 2 -> B1 */
    pol_expect_gone(c, 2);
    POL_EXPECT(c, 1, 3, 4);
    pol_access(c, 2); /* in B1: p = 1; |T1| = 2 > 1: 3 -> B1; 2 into T2 */
    pol_expect_gone(c, 3);
    POL_EXPECT(c, 1, 2, 4);
    pol_access(c, 5); /* |T1| = 1 = p: T2's tail, 1, -> B2 */
    pol_expect_gone(c, 1);
    POL_EXPECT(c, 2, 4, 5);
    pol_access(c, 1); /* in B2: p = 0; T1's tail 4 -> B1; 1 into T2 */
    pol_expect_gone(c, 4);
    POL_EXPECT(c, 1, 2, 5);
    /* A stream of new objects now only cycles T1: T2 (1, 2) stays. */
    for (uint64_t k = 6; k <= 20; k++)
        pol_access(c, k);
    POL_EXPECT(c, 1, 2, 20);
    cache_free(c);
}
END_TEST

/*
 * LFU and LFU-DA against an obviously right O(n) reference: arrays of
 * cached keys with a count, a key K and a stamp; evict the smallest
 * (K, stamp). Explicit removals are mixed in: they must not age the cache.
 */
static const struct {
    const char *policy;
    int aging;
    uint64_t capacity;
} freq_cases[] = {
    {"lfu", 0, 1},   {"lfu", 0, 7},   {"lfu", 0, 64},
    {"lfuda", 1, 1}, {"lfuda", 1, 7}, {"lfuda", 1, 64},
};

START_TEST(test_policies_lfu_exact_against_naive)
{
    const uint64_t cap = freq_cases[_i].capacity;
    const int aging = freq_cases[_i].aging;
    struct cache_store *c = pol_new(freq_cases[_i].policy, cap);
    uint64_t keys[64], count[64], prio[64], stamp[64];
    uint64_t n = 0, age = 0, clock = 0, want = 0, got = 0, x = 5;
    for (int i = 0; i < 30000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = x >> 33;
        uint64_t key = (r % 200) * (r % 200) % 199;
        uint64_t j;
        for (j = 0; j < n && keys[j] != key; j++)
            ;
        if (r % 29 == 0) { /* an explicit removal, not an eviction */
            if (j < n) {
                cache_remove(c, cache_find(c, key));
                n--;
                keys[j] = keys[n], count[j] = count[n], prio[j] = prio[n],
                stamp[j] = stamp[n];
            }
            continue;
        }
        got += (uint64_t)pol_access(c, key);
        if (j < n) {
            want++;
            count[j]++;
            prio[j] = count[j] + (aging ? age : 0);
            stamp[j] = clock++;
            continue;
        }
        if (n == cap) {
            uint64_t v = 0;
            for (uint64_t m = 1; m < n; m++)
                if (prio[m] < prio[v] ||
                    (prio[m] == prio[v] && stamp[m] < stamp[v]))
                    v = m;
            if (aging)
                age = prio[v];
            n--;
            keys[v] = keys[n], count[v] = count[n], prio[v] = prio[n],
            stamp[v] = stamp[n];
        }
        keys[n] = key, count[n] = 1, prio[n] = 1 + (aging ? age : 0);
        stamp[n++] = clock++;
        ck_assert_uint_eq(got, want);
    }
    ck_assert_uint_eq(cache_n_objects(c), n);
    for (uint64_t j = 0; j < n; j++)
        ck_assert_ptr_nonnull(cache_find(c, keys[j]));
    ck_assert_uint_gt(got, 100);
    cache_free(c);
}
END_TEST

/* Fills a cache of 10 and evicts 4000 times; returns the evicted keys'
 * sequence hash and fills counts[10]. */
static uint64_t
random_run(uint64_t seed, unsigned counts[10])
{
    struct sim_err err = {0};
    struct cache_store *c =
        cache_new(policy_find("random"), 10, NULL, 0, seed, &err);
    ck_assert_ptr_nonnull(c);
    for (uint64_t k = 0; k < 10; k++)
        cache_insert(c, k, 1, CACHE_NEVER);
    memset(counts, 0, 10 * sizeof counts[0]);
    uint64_t h = 0;
    for (int i = 0; i < 4000; i++) {
        struct cache_obj *v = cache_victim(c);
        ck_assert_ptr_eq(cache_victim(c), v); /* asking again: same */
        uint64_t key = v->key;
        counts[key]++;
        h = h * 31 + key;
        cache_remove(c, v);
        cache_insert(c, key, 1, CACHE_NEVER);
    }
    cache_free(c);
    return h;
}

START_TEST(test_policies_random_is_deterministic)
{
    unsigned a[10], b[10], d[10];
    uint64_t ha = random_run(42, a), hb = random_run(42, b),
             hd = random_run(43, d);
    ck_assert_uint_eq(ha, hb);
    ck_assert_mem_eq(a, b, sizeof a);
    ck_assert_uint_ne(ha, hd);
    /* Uniform: 400 expected each; +-120 is over 6 standard deviations. */
    for (int k = 0; k < 10; k++) {
        ck_assert_uint_gt(a[k], 280);
        ck_assert_uint_lt(a[k], 520);
    }
    /* Through the eviction loop too: the same seed, the same contents. */
    struct cache_store *x = pol_new("random", 50), *y = pol_new("random", 50);
    uint64_t r = 7;
    for (int i = 0; i < 20000; i++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t key = (r >> 33) % 400;
        ck_assert_int_eq(pol_access(x, key), pol_access(y, key));
    }
    cache_free(x);
    cache_free(y);
}
END_TEST

/* Parameters: a bad value or an unknown key names the field and line. */
static const struct {
    const char *policy, *key, *value;
    int code; /* expected error, 0 = accepted */
} param_cases[] = {
    {"clock", "bits", "1", 0},
    {"clock", "bits", "8", 0},
    {"clock", "bits", "0", -SIM_EBADVAL},
    {"clock", "bits", "9", -SIM_EBADVAL},
    {"clock", "bits", "two", -SIM_EBADVAL},
    {"clock", "bits", "1.5", -SIM_EBADVAL},
    {"clock", "segments", "4", -SIM_EBADKEY},
    {"slru", "segments", "16", 0},
    {"slru", "segments", "0", -SIM_EBADVAL},
    {"slru", "segments", "17", -SIM_EBADVAL},
    {"slru", "segments", "-1", -SIM_EBADVAL},
    {"slru", "segment", "4", -SIM_EBADKEY},
    {"2q", "kin", "0.1", 0},
    {"2q", "kout", "1", 0},
    {"2q", "kin", "0", -SIM_EBADVAL},
    {"2q", "kin", "1", -SIM_EBADVAL},
    {"2q", "kin", "25%", -SIM_EBADVAL},
    {"2q", "kout", "0", -SIM_EBADVAL},
    {"2q", "kout", "5", -SIM_EBADVAL},
    {"2q", "kinn", "0.25", -SIM_EBADKEY},
    {"lfu", "bits", "1", -SIM_EBADKEY},
    {"lfuda", "bits", "1", -SIM_EBADKEY},
    {"arc", "p", "0", -SIM_EBADKEY},
    {"sieve", "bits", "1", -SIM_EBADKEY},
    {"random", "seed", "1", -SIM_EBADKEY},
};

START_TEST(test_policies_params)
{
    struct sim_err err = {0};
    struct cache_store *c =
        pol_new_with(param_cases[_i].policy, 100, param_cases[_i].key,
                     param_cases[_i].value, &err);
    if (param_cases[_i].code == 0) {
        ck_assert_msg(c != NULL, "%s %s=%s: %s", param_cases[_i].policy,
                      param_cases[_i].key, param_cases[_i].value, err.msg);
        pol_access(c, 1);
        ck_assert_int_eq(pol_access(c, 1), 1);
        cache_free(c);
        return;
    }
    ck_assert_ptr_null(c);
    ck_assert_int_eq(err.code, param_cases[_i].code);
    ck_assert_str_eq(err.file, "t.yaml");
    ck_assert_int_eq(err.line, 7);
    ck_assert_int_eq(err.col, 15);
    char field[64];
    snprintf(field, sizeof field, "nodes[0].cache.%s", param_cases[_i].key);
    ck_assert_str_eq(err.field, field);
    /* The message quotes what was wrong: the value, or the unknown key. */
    const char *quoted = param_cases[_i].code == -SIM_EBADVAL
                             ? param_cases[_i].value
                             : param_cases[_i].key;
    ck_assert_msg(strstr(err.msg, quoted) != NULL,
                  "message \"%s\" lacks "
                  "\"%s\"",
                  err.msg, quoted);
}
END_TEST

/* --- batch B: s3fifo, wtinylfu, gdsf, hyperbolic, belady, admission --- */

static struct cache_store *
pb_cache(const char *policy, uint64_t capacity, const struct cfg_kv *kv,
         size_t n_kv)
{
    struct sim_err err = {0};
    const struct policy_ops *ops = policy_find(policy);
    ck_assert_ptr_nonnull(ops);
    struct cache_store *c = cache_new(ops, capacity, kv, n_kv, 1, &err);
    ck_assert_msg(c != NULL, "%s: %s", policy, err.msg);
    return c;
}

/* A parameter as the YAML loader would hand it over, on line `line`. */
static struct cfg_kv
pb_kv(const char *key, const char *value, const char *field, int line)
{
    struct cfg_kv kv = {.key = test_str(key),
                        .value = test_str(value),
                        .field = test_str(field),
                        .mark = {"t.yaml", line, 9}};
    return kv;
}

/* A request: hit, or insert on a miss; 1 on a hit. */
static int
pb_access(struct cache_store *c, uint64_t key, uint64_t size)
{
    struct cache_obj *o = cache_find(c, key);
    if (o != NULL) {
        cache_hit(c, o);
        return 1;
    }
    cache_insert(c, key, size, CACHE_NEVER);
    return 0;
}

/* Asks for the victim and removes it, as the store's eviction loop does. */
static uint64_t
pb_evict(struct cache_store *c)
{
    struct cache_obj *v = cache_victim(c);
    ck_assert_ptr_nonnull(v);
    uint64_t key = v->key;
    ck_assert_ptr_eq(cache_find(c, key), v);
    cache_remove(c, v);
    return key;
}

START_TEST(test_policies_s3fifo_order)
{
    /* Capacity 10: small holds 1, main 9, the ghost 9 ids. */
    struct cache_store *c = pb_cache("s3fifo", 10, NULL, 0);
    for (uint64_t k = 1; k <= 10; k++)
        pb_access(c, k, 1);
    /* Everything is on small (main is empty). 1: 2 hits; 2: 1 hit; 3: 3. */
    ck_assert_int_eq(pb_access(c, 1, 1), 1);
    ck_assert_int_eq(pb_access(c, 1, 1), 1);
    ck_assert_int_eq(pb_access(c, 2, 1), 1);
    for (int i = 0; i < 3; i++)
        pb_access(c, 3, 1);
    /* 1 has 2 hits: it moves to main; 2 has 1: it is evicted. */
    ck_assert_uint_eq(pb_evict(c), 2);
    ck_assert_uint_eq(pb_evict(c), 4); /* 3 moved to main on the way */
    /* A hit in main earns 1 a trip back to main's head. */
    ck_assert_int_eq(pb_access(c, 1, 1), 1);
    for (uint64_t k = 5; k <= 10; k++)
        ck_assert_uint_eq(pb_evict(c), k);
    /* Small is empty: main (head 3, tail 1) goes; 1 is reinserted once. */
    ck_assert_uint_eq(pb_evict(c), 3);
    ck_assert_uint_eq(pb_evict(c), 1);
    ck_assert_uint_eq(cache_n_objects(c), 0);
    /* 2 left small as a victim, so its id is in the ghost: a miss on it
     * inserts into main. 3 left main: no ghost entry, so it enters small
     * and, small being evicted first while main is within its share, it
     * is the next victim although it is newer. */
    pb_access(c, 2, 1);
    pb_access(c, 3, 1);
    ck_assert_uint_eq(cache_victim(c)->key, 3);
    cache_free(c);
}
END_TEST

START_TEST(test_policies_s3fifo_params)
{
    struct cfg_kv kv[2] = {
        pb_kv("small_ratio", "0.5", "nodes[0].cache.small_ratio", 4),
        pb_kv("move_threshold", "1", "nodes[0].cache.move_threshold", 5)};
    struct cache_store *c = pb_cache("s3fifo", 4, kv, 2);
    /* Small holds 2, and one hit is enough to move to main. */
    pb_access(c, 1, 1);
    pb_access(c, 2, 1);
    pb_access(c, 1, 1);
    ck_assert_uint_eq(pb_evict(c), 2);
    cache_free(c);
    struct sim_err err = {0};
    kv[1] = pb_kv("move_threshold", "4", "nodes[0].cache.move_threshold", 5);
    ck_assert_ptr_null(cache_new(policy_find("s3fifo"), 4, kv, 2, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 5);
    ck_assert_str_eq(err.field, "nodes[0].cache.move_threshold");
    kv[0] = pb_kv("small", "0.5", "nodes[0].cache.small", 3);
    ck_assert_ptr_null(cache_new(policy_find("s3fifo"), 4, kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADKEY);
    ck_assert_int_eq(err.line, 3);
    ck_assert_str_eq(err.field, "nodes[0].cache.small");
}
END_TEST

START_TEST(test_policies_wtinylfu_order)
{
    /* Capacity 10, window 0.1: window 1, probation + protected 9. */
    struct cfg_kv kv = pb_kv("window", "0.1", "nodes[0].cache.window", 4);
    struct cache_store *c = pb_cache("wtinylfu", 10, &kv, 1);
    for (uint64_t k = 1; k <= 10; k++)
        pb_access(c, k, 1);
    /* 10 is in the window, 9..1 went to probation as the window spilled. */
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(pb_access(c, 1, 1), 1); /* 1: protected */
    /* The window's 10 (seen once) meets probation's 2 (seen once): a tie
     * keeps main's object, so the newcomer 10 goes. */
    pb_access(c, 11, 1);
    ck_assert_ptr_null(cache_find(c, 10));
    ck_assert_ptr_nonnull(cache_find(c, 2));
    /* 11, seen three times, beats 2 and enters main. */
    pb_access(c, 11, 1);
    pb_access(c, 11, 1);
    pb_access(c, 12, 1);
    ck_assert_ptr_null(cache_find(c, 2));
    ck_assert_ptr_nonnull(cache_find(c, 11));
    ck_assert_ptr_nonnull(cache_find(c, 12));
    ck_assert_ptr_nonnull(cache_find(c, 1));
    ck_assert_uint_eq(cache_n_objects(c), 10);
    cache_free(c);
    struct sim_err err = {0};
    kv = pb_kv("window", "1.5", "nodes[0].cache.window", 6);
    ck_assert_ptr_null(cache_new(policy_find("wtinylfu"), 10, &kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 6);
    ck_assert_str_eq(err.field, "nodes[0].cache.window");
}
END_TEST

START_TEST(test_policies_gdsf_order)
{
    /* H = L + freq / size, L = 0 at first. */
    struct cache_store *c = pb_cache("gdsf", 100, NULL, 0);
    pb_access(c, 1, 10); /* H = 0.1 */
    pb_access(c, 2, 20); /* H = 0.05 */
    pb_access(c, 3, 50); /* H = 0.02 */
    pb_access(c, 3, 50);
    pb_access(c, 3, 50); /* freq 3: H = 0.06 */
    pb_access(c, 4, 30); /* evicts 2 (0.05); L = 0.05; H(4) = 0.0833 */
    ck_assert_ptr_null(cache_find(c, 2));
    pb_access(c, 5, 20); /* evicts 3 (0.06); L = 0.06; H(5) = 0.11 */
    ck_assert_ptr_null(cache_find(c, 3));
    ck_assert_uint_eq(cache_used_bytes(c), 60);
    /* Left: 4 (0.0833) < 1 (0.1) < 5 (0.11). */
    ck_assert_uint_eq(pb_evict(c), 4);
    ck_assert_uint_eq(pb_evict(c), 1);
    ck_assert_uint_eq(pb_evict(c), 5);
    cache_free(c);
    /* Packet cost 2 + size/536 nearly cancels size for large objects:
     * 53,600 bytes with 2 accesses have H = 2 x 102 / 53600 = 0.0038,
     * 1000 bytes with 1 have 3 / 1000 = 0.003, so the small one goes;
     * under cost 1 (2 / 53600 vs 1 / 1000) the large one goes. */
    struct cfg_kv kv = pb_kv("cost", "packets", "nodes[0].cache.cost", 4);
    for (int packets = 0; packets < 2; packets++) {
        c = pb_cache("gdsf", 100000, &kv, (size_t)packets);
        pb_access(c, 1, 53600);
        pb_access(c, 1, 53600);
        pb_access(c, 2, 1000);
        ck_assert_uint_eq(cache_victim(c)->key, packets ? 2 : 1);
        cache_free(c);
    }
    struct sim_err err = {0};
    kv = pb_kv("cost", "bytes", "nodes[0].cache.cost", 8);
    ck_assert_ptr_null(cache_new(policy_find("gdsf"), 10, &kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 8);
    ck_assert_str_eq(err.field, "nodes[0].cache.cost");
}
END_TEST

START_TEST(test_policies_hyperbolic_order)
{
    /* Fewer objects than samples: the exact minimum of n / (t x size),
     * with t counted in accesses since just before the insert. */
    struct cache_store *c = pb_cache("hyperbolic", 3, NULL, 0);
    pb_access(c, 1, 1);
    pb_access(c, 2, 1);
    pb_access(c, 3, 1);
    pb_access(c, 1, 1);
    pb_access(c, 1, 1);
    pb_access(c, 2, 1);
    /* At time 6: 1 = 3/6, 2 = 2/5, 3 = 1/4. */
    pb_access(c, 4, 1);
    ck_assert_ptr_null(cache_find(c, 3));
    /* At time 7: 1 = 3/7, 2 = 2/6, 4 = 1/1. */
    pb_access(c, 5, 1);
    ck_assert_ptr_null(cache_find(c, 2));
    ck_assert_ptr_nonnull(cache_find(c, 1));
    cache_free(c);
    /* Size counts: 2 accesses each, 50 bytes lose to 10 bytes. */
    c = pb_cache("hyperbolic", 100, NULL, 0);
    pb_access(c, 1, 50);
    pb_access(c, 2, 10);
    pb_access(c, 1, 50);
    pb_access(c, 2, 10);
    pb_access(c, 3, 50);
    ck_assert_ptr_null(cache_find(c, 1));
    ck_assert_ptr_nonnull(cache_find(c, 2));
    cache_free(c);
    /* Sampling draws from the cache's own seeded stream: two caches with
     * one seed evict alike. */
    struct cfg_kv kv = pb_kv("samples", "4", "nodes[0].cache.samples", 4);
    struct cache_store *a = pb_cache("hyperbolic", 50, &kv, 1);
    struct cache_store *b = pb_cache("hyperbolic", 50, &kv, 1);
    uint64_t x = 5;
    for (int i = 0; i < 3000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t key = (x >> 33) % 200;
        ck_assert_int_eq(pb_access(a, key, 1), pb_access(b, key, 1));
    }
    cache_free(a);
    cache_free(b);
    struct sim_err err = {0};
    kv = pb_kv("samples", "0", "nodes[0].cache.samples", 9);
    ck_assert_ptr_null(
        cache_new(policy_find("hyperbolic"), 10, &kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 9);
}
END_TEST

/* The most hits any demand cache of `cap` unit objects can get on seq
 * from this state: tries every eviction at every full miss. */
static int
pb_opt_hits(const int *seq, int n, int i, int *cached, int k, int cap)
{
    int hits = 0;
    for (; i < n; i++) {
        int j;
        for (j = 0; j < k && cached[j] != seq[i]; j++)
            ;
        if (j < k) {
            hits++;
            continue;
        }
        if (k < cap) {
            cached[k++] = seq[i];
            continue;
        }
        int best = 0;
        for (j = 0; j < k; j++) {
            int saved = cached[j];
            cached[j] = seq[i];
            int h = pb_opt_hits(seq, n, i + 1, cached, k, cap);
            cached[j] = saved;
            if (h > best)
                best = h;
        }
        return hits + best;
    }
    return hits;
}

START_TEST(test_policies_belady_is_optimal)
{
    ck_assert_int_eq(policy_find("belady")->needs_future, 1);
    ck_assert_int_eq(policy_find("lru")->needs_future, 0);
    ck_assert_int_eq(policy_find("s3fifo")->needs_future, 0);
    uint64_t x = 42;
    for (int trial = 0; trial < 12; trial++) {
        enum { N = 11 };
        int seq[N], cached[4];
        int cap = 2 + trial % 2, n_keys = 4 + trial % 3;
        for (int i = 0; i < N; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            seq[i] = (int)((x >> 33) % (uint64_t)n_keys);
        }
        int want = pb_opt_hits(seq, N, 0, cached, 0, cap);
        struct cache_store *c = pb_cache("belady", (uint64_t)cap, NULL, 0);
        int hits = 0;
        for (int i = 0; i < N; i++) {
            int64_t next = INT64_MAX;
            for (int j = i + 1; j < N; j++)
                if (seq[j] == seq[i]) {
                    next = j;
                    break;
                }
            cache_set_next_access(c, next);
            hits += pb_access(c, (uint64_t)seq[i], 1);
        }
        ck_assert_msg(hits == want, "trial %d: belady %d hits, optimum %d",
                      trial, hits, want);
        cache_free(c);
    }
}
END_TEST

START_TEST(test_policies_belady_order)
{
    /* Requests 1 2 3 1 2 4 1 2: at 4, 3 is never requested again while 1
     * and 2 are, so 3 goes although it is the most recent. */
    struct cache_store *c = pb_cache("belady", 3, NULL, 0);
    const uint64_t seq[] = {1, 2, 3, 1, 2, 4, 1, 2};
    const int64_t next[] = {3, 4,         INT64_MAX, 6,
                            7, INT64_MAX, INT64_MAX, INT64_MAX};
    int hits = 0;
    for (int i = 0; i < 8; i++) {
        cache_set_next_access(c, next[i]);
        hits += pb_access(c, seq[i], 1);
        if (i == 5)
            ck_assert_ptr_null(cache_find(c, 3));
    }
    ck_assert_int_eq(hits, 4);
    cache_free(c);
}
END_TEST

/* --- admission filters --- */

static struct cfg_cache
pb_cfg(const char *policy, const char *admission, uint64_t capacity,
       struct cfg_kv *params, size_t n_params)
{
    struct cfg_cache cc = {.capacity_bytes = capacity,
                           .policy = test_str(policy),
                           .admission = test_str(admission),
                           .params = params,
                           .n_params = n_params,
                           .policy_mark = {"t.yaml", 3, 13},
                           .field = test_str("nodes[0].cache")};
    return cc;
}

START_TEST(test_policies_admit_registry)
{
    ck_assert_uint_ge(admit_count(), 4);
    for (size_t i = 0; i < admit_count(); i++) {
        const struct admit_ops *a = admit_at(i);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(a->abi, ADMIT_ABI);
        ck_assert(a->name && a->summary);
        ck_assert_ptr_eq(admit_find(a->name), a);
        if (i > 0)
            ck_assert_int_lt(strcmp(admit_at(i - 1)->name, a->name), 0);
    }
    ck_assert_ptr_null(admit_at(admit_count()));
    ck_assert_ptr_null(admit_find("never"));
    /* The default has no admit call at all. */
    ck_assert_ptr_null(admit_find("always")->admit);
    struct cache_store *c = pb_cache("lru", 10, NULL, 0);
    ck_assert_ptr_eq(cache_admit_ops(c), admit_find("always"));
    cache_free(c);
}
END_TEST

START_TEST(test_policies_admit_size)
{
    struct cfg_kv kv =
        pb_kv("max_object_size", "1KiB", "nodes[0].cache.max_object_size", 4);
    struct cfg_cache cc = pb_cfg("lru", "size", 10000, &kv, 1);
    struct sim_err err = {0};
    struct cache_store *c = cache_new_from_cfg(&cc, 1, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_ptr_eq(cache_admit_ops(c), admit_find("size"));
    ck_assert_ptr_null(cache_insert(c, 1, 1025, CACHE_NEVER));
    ck_assert_ptr_nonnull(cache_insert(c, 2, 1024, CACHE_NEVER));
    ck_assert_uint_eq(cache_stats(c)->n_rejected, 1);
    ck_assert_uint_eq(cache_n_objects(c), 1);
    cache_free(c);
    /* A bad value names its own line and field. */
    kv = pb_kv("max_object_size", "huge", "nodes[0].cache.max_object_size", 6);
    cc = pb_cfg("lru", "size", 10000, &kv, 1);
    ck_assert_ptr_null(cache_new_from_cfg(&cc, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 6);
    ck_assert_str_eq(err.field, "nodes[0].cache.max_object_size");
    ck_assert_ptr_nonnull(strstr(err.msg, "huge"));
    /* A missing required key names the mapping's position. */
    cc = pb_cfg("lru", "size", 10000, NULL, 0);
    ck_assert_ptr_null(cache_new_from_cfg(&cc, 1, &err));
    ck_assert_int_eq(err.code, -SIM_ENOKEY);
    ck_assert_str_eq(err.file, "t.yaml");
    ck_assert_int_eq(err.line, 3);
    ck_assert_str_eq(err.field, "nodes[0].cache.max_object_size");
}
END_TEST

START_TEST(test_policies_admit_second_hit)
{
    /* The window: 4 misses, so filters rotate every 2. */
    struct cfg_kv kv =
        pb_kv("window_requests", "4", "nodes[0].cache.window_requests", 4);
    struct sim_err err = {0};
    struct cache_store *c = cache_new_admit(
        policy_find("lru"), admit_find("second_hit"), 100, &kv, 1, 1, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    ck_assert_ptr_null(cache_insert(c, 1, 1, CACHE_NEVER));    /* first */
    ck_assert_ptr_nonnull(cache_insert(c, 1, 1, CACHE_NEVER)); /* second */
    ck_assert_ptr_null(cache_insert(c, 2, 1, CACHE_NEVER));
    ck_assert_ptr_null(cache_insert(c, 3, 1, CACHE_NEVER));
    ck_assert_ptr_null(cache_insert(c, 4, 1, CACHE_NEVER));
    ck_assert_ptr_null(cache_insert(c, 5, 1, CACHE_NEVER));
    /* 2 was seen 4 misses ago, two rotations back: forgotten. */
    ck_assert_ptr_null(cache_insert(c, 2, 1, CACHE_NEVER));
    ck_assert_ptr_nonnull(cache_insert(c, 2, 1, CACHE_NEVER));
    ck_assert_uint_eq(cache_stats(c)->n_rejected, 6);
    cache_free(c);
    /* Default window: a one-hit wonder is never stored, a repeat is. */
    c = cache_new_admit(policy_find("lru"), admit_find("second_hit"), 1000,
                        NULL, 0, 1, &err);
    ck_assert_ptr_nonnull(c);
    for (uint64_t k = 0; k < 5000; k++)
        ck_assert_ptr_null(cache_insert(c, 1000000 + k, 1, CACHE_NEVER));
    for (uint64_t k = 0; k < 100; k++) {
        ck_assert_ptr_null(cache_insert(c, k, 1, CACHE_NEVER));
        ck_assert_ptr_nonnull(cache_insert(c, k, 1, CACHE_NEVER));
    }
    cache_free(c);
    kv = pb_kv("bloom_bits", "-3", "nodes[0].cache.bloom_bits", 7);
    ck_assert_ptr_null(cache_new_admit(
        policy_find("lru"), admit_find("second_hit"), 100, &kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 7);
    ck_assert_str_eq(err.field, "nodes[0].cache.bloom_bits");
}
END_TEST

START_TEST(test_policies_admit_adaptsize)
{
    struct cfg_kv kv = pb_kv("c", "1KiB", "nodes[0].cache.c", 4);
    struct sim_err err = {0};
    struct cache_store *c =
        cache_new_admit(policy_find("fifo"), admit_find("adaptsize"),
                        UINT64_C(1) << 40, &kv, 1, 3, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    int small = 0, huge = 0;
    for (uint64_t k = 0; k < 1000; k++) {
        small += cache_insert(c, 2 * k, 10, CACHE_NEVER) != NULL;
        huge += cache_insert(c, 2 * k + 1, 100 * 1024, CACHE_NEVER) != NULL;
    }
    /* e^(-10/1024) = 0.990; e^(-100) is 0 in practice. */
    ck_assert_int_ge(small, 970);
    ck_assert_int_eq(huge, 0);
    cache_free(c);
    kv = pb_kv("c", "0", "nodes[0].cache.c", 5);
    ck_assert_ptr_null(cache_new_admit(
        policy_find("fifo"), admit_find("adaptsize"), 100, &kv, 1, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 5);
    ck_assert_str_eq(err.field, "nodes[0].cache.c");
}
END_TEST

START_TEST(test_policies_admit_routing)
{
    struct sim_err err = {0};
    /* An unknown filter lists the known ones. */
    struct cfg_cache cc = pb_cfg("lru", "bogus", 100, NULL, 0);
    ck_assert_ptr_null(cache_new_from_cfg(&cc, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_int_eq(err.line, 3);
    ck_assert_str_eq(err.field, "nodes[0].cache.admission");
    for (size_t i = 0; i < admit_count(); i++)
        ck_assert_ptr_nonnull(strstr(err.msg, admit_at(i)->name));
    /* Each key goes to whichever of filter and policy takes it. */
    struct cfg_kv kv[3] = {
        pb_kv("window", "0.05", "nodes[0].cache.window", 4),
        pb_kv("window_requests", "100", "nodes[0].cache.window_requests", 5),
        pb_kv("bloom_bits", "4096", "nodes[0].cache.bloom_bits", 6)};
    cc = pb_cfg("wtinylfu", "second_hit", 100, kv, 3);
    struct cache_store *c = cache_new_from_cfg(&cc, 1, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    cache_free(c);
    /* A key neither takes is the policy's error, at its own line. */
    kv[2] = pb_kv("segments", "4", "nodes[0].cache.segments", 6);
    ck_assert_ptr_null(cache_new_from_cfg(&cc, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADKEY);
    ck_assert_int_eq(err.line, 6);
    ck_assert_str_eq(err.field, "nodes[0].cache.segments");
    /* With a policy that takes nothing, the message names both. */
    cc = pb_cfg("lru", "second_hit", 100, &kv[2], 1);
    ck_assert_ptr_null(cache_new_from_cfg(&cc, 1, &err));
    ck_assert_int_eq(err.code, -SIM_EBADKEY);
    ck_assert_ptr_nonnull(strstr(err.msg, "second_hit"));
    ck_assert_ptr_nonnull(strstr(err.msg, "lru"));
    /* Filters combine with any policy and keep the contract. */
    struct cfg_kv m =
        pb_kv("max_object_size", "50", "nodes[0].cache.max_object_size", 4);
    for (size_t i = 0; i < policy_count(); i++) {
        const struct policy_ops *ops = policy_at(i);
        c = cache_new_admit(ops, admit_find("size"), 500, &m, 1, 1, &err);
        ck_assert_msg(c != NULL, "%s: %s", ops->name, err.msg);
        uint64_t x = 7;
        for (int r = 0; r < 3000; r++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t key = (x >> 33) % 300;
            cache_set_next_access(c, INT64_MAX);
            pb_access(c, key, 1 + key % 97);
            ck_assert_uint_le(cache_used_bytes(c), 500);
        }
        for (struct cache_obj *v; (v = cache_victim(c)) != NULL;) {
            ck_assert_uint_le(v->size, 50);
            cache_remove(c, v);
        }
        cache_free(c);
    }
}
END_TEST

/*
 * Variable sizes, explicit removals (not evictions) and new versions mixed
 * with accesses, with some victims asked for and not removed: every path
 * must leave the policy's lists, queues, ghost, heap or sample array
 * consistent, a drain by victims must empty the cache, and the emptied
 * cache must work again. Each access also sets a next access (not the
 * true future, but a changing one) for the offline policies.
 */
static void
stress_policy(const struct policy_ops *ops, int n_ops, uint64_t seed)
{
    const uint64_t cap = 3000;
    struct sim_err err = {0};
    struct cache_store *c = cache_new(ops, cap, NULL, 0, seed, &err);
    ck_assert_msg(c != NULL, "%s: %s", ops->name, err.msg);
    uint64_t x = seed;
    for (int i = 0; i < n_ops; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t r = x >> 33;
        uint64_t key = (r % 1500) * (r % 1500) % 1499;
        uint64_t size = 1 + (key * 7919) % 200;
        cache_set_next_access(c, (int64_t)(i + (int)(r % 5000)));
        struct cache_obj *o = cache_find(c, key);
        switch (r % 23) {
        case 0: /* expiry or purge */
            if (o != NULL)
                cache_remove(c, o);
            break;
        case 1: /* a new version with another size */
            cache_insert(c, key, size + 1 + r % 50, CACHE_NEVER);
            break;
        default:
            if (o != NULL)
                cache_hit(c, o);
            else
                cache_insert(c, key, size, CACHE_NEVER);
        }
        /* Checked with plain ifs: each passing ck_assert costs a message
         * to Check's parent process, which would dominate the long run. */
        if (cache_used_bytes(c) > cap)
            ck_abort_msg("%s: op %d: %" PRIu64 " bytes over %" PRIu64,
                         ops->name, i, cache_used_bytes(c), cap);
        if (r % 101 == 0 && cache_n_objects(c) > 0) {
            struct cache_obj *v = cache_victim(c);
            if (v == NULL || cache_find(c, v->key) != v)
                ck_abort_msg("%s: op %d: a bad victim", ops->name, i);
        }
    }
    while (cache_n_objects(c) > 0)
        pb_evict(c);
    ck_assert_uint_eq(cache_used_bytes(c), 0);
    ck_assert_ptr_null(cache_victim(c));
    for (uint64_t k = 0; k < 100; k++)
        pb_access(c, k, 1);
    ck_assert_uint_eq(cache_n_objects(c), 100);
    cache_free(c);
}

/* Every registered policy (policies.def), two seeds. */
START_TEST(test_policies_mixed_operations)
{
    stress_policy(policy_at((size_t)_i), 60000, 2024);
    stress_policy(policy_at((size_t)_i), 60000, 99);
}
END_TEST

/* The same, 50 times longer, for `make test-all` (tagged slow). */
START_TEST(test_policies_mixed_operations_long)
{
    stress_policy(policy_at((size_t)_i), 3000000, 7);
}
END_TEST

/* --- parameter tables, over every registered policy and filter --- */

/* Creates a store with name=value as the one parameter of the policy or
 * filter (with lru, or with the always filter); 1 if it was accepted. */
static int
param_accepted(const struct policy_ops *ops, const struct admit_ops *adm,
               const char *name, const char *value)
{
    struct cfg_kv kv[2] = {
        pb_kv(name, value, "nodes[0].cache.x", 4),
        pb_kv("max_object_size", "1GiB", "nodes[0].cache.max_object_size", 5)};
    /* The size filter's required parameter, unless it is the one tried. */
    size_t n = adm != NULL && strcmp(adm->name, "size") == 0 &&
                       strcmp(name, "max_object_size") != 0
                   ? 2
                   : 1;
    struct sim_err err = {0};
    struct cache_store *c = cache_new_admit(ops, adm, 1000, kv, n, 1, &err);
    if (c == NULL) {
        ck_assert_int_eq(err.code, -SIM_EBADVAL);
        ck_assert_str_eq(err.field, "nodes[0].cache.x");
        ck_assert_ptr_nonnull(strstr(err.msg, value));
        return 0;
    }
    cache_free(c);
    return 1;
}

/* Does p take value? Parsed into a scratch state, as the store does,
 * without starting anything (the largest bloom_bits would allocate
 * 128 GiB). */
static int
param_ok(const struct cache_param *p, const char *value)
{
    struct cfg_kv kv = pb_kv(p->name, value, "nodes[0].cache.x", 4);
    uint64_t state[64] = {0};
    ck_assert_uint_le(p->offset + sizeof(double), sizeof state);
    struct sim_err err = {0};
    if (cache_param_set(p, &kv, state, &err) == 0)
        return 1;
    ck_assert_int_eq(err.code, -SIM_EBADVAL);
    ck_assert_str_eq(err.field, "nodes[0].cache.x");
    ck_assert_int_eq(err.line, 4);
    ck_assert_ptr_nonnull(strstr(err.msg, value));
    return 0;
}

/* Whole numbers and sizes: the ends are in, one past them is not. */
static void
check_whole_range(const struct cache_param *p)
{
    char v[32];
    snprintf(v, sizeof v, "%.0f", p->min);
    ck_assert_msg(param_ok(p, v), "%s=%s", p->name, v);
    if (p->min >= 1) {
        snprintf(v, sizeof v, "%.0f", p->min - 1);
        ck_assert_msg(!param_ok(p, v), "%s=%s", p->name, v);
    }
    if (p->max < 1e15) {
        snprintf(v, sizeof v, "%.0f", p->max);
        ck_assert_msg(param_ok(p, v), "%s=%s", p->name, v);
        snprintf(v, sizeof v, "%.0f", p->max + 1);
        ck_assert_msg(!param_ok(p, v), "%s=%s", p->name, v);
    }
    ck_assert(!param_ok(p, "x"));
}

/* One table: well formed, its default accepted as a value, its range
 * enforced at the ends, and its description printable. */
static void
check_param_table(const struct policy_ops *ops, const struct admit_ops *adm,
                  const struct cache_param *t, size_t n)
{
    ck_assert((t == NULL) == (n == 0));
    for (size_t i = 0; i < n; i++) {
        const struct cache_param *p = &t[i];
        ck_assert(p->name != NULL && p->help != NULL && p->help[0]);
        for (const char *c = p->name; *c; c++)
            ck_assert((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                      *c == '_');
        for (size_t k = 0; k < i; k++)
            ck_assert_str_ne(t[k].name, p->name);
        ck_assert(!((p->flags & CACHE_PARAM_REQUIRED) && p->def != NULL));
        /* The default, given as a value, makes a working store. */
        if (p->def != NULL)
            ck_assert_msg(param_accepted(ops, adm, p->name, p->def), "%s=%s",
                          p->name, p->def);
        switch (p->type) {
        case CACHE_PARAM_UINT:
        case CACHE_PARAM_U64:
        case CACHE_PARAM_SIZE:
            check_whole_range(p);
            break;
        case CACHE_PARAM_REAL: {
            char v[32];
            snprintf(v, sizeof v, "%.17g", p->min);
            ck_assert_int_eq(param_ok(p, v),
                             !(p->flags & CACHE_PARAM_MIN_OPEN));
            snprintf(v, sizeof v, "%.17g", p->max);
            ck_assert_int_eq(param_ok(p, v),
                             !(p->flags & CACHE_PARAM_MAX_OPEN));
            ck_assert(!param_ok(p, "25%"));
            break;
        }
        case CACHE_PARAM_CHOICE:
            ck_assert_ptr_nonnull(p->choices);
            for (size_t k = 0; p->choices[k] != NULL; k++)
                ck_assert(param_ok(p, p->choices[k]));
            ck_assert(!param_ok(p, "bogus"));
            break;
        }
        char line[512];
        cache_param_describe(p, line, sizeof line);
        ck_assert_ptr_eq(strstr(line, p->name), line);
        ck_assert_ptr_nonnull(strstr(line, p->help));
    }
}

START_TEST(test_policies_param_tables)
{
    for (size_t i = 0; i < policy_count(); i++) {
        const struct policy_ops *ops = policy_at(i);
        check_param_table(ops, NULL, ops->params, ops->n_params);
    }
    const struct policy_ops *lru = policy_find("lru");
    for (size_t i = 0; i < admit_count(); i++) {
        const struct admit_ops *adm = admit_at(i);
        check_param_table(lru, adm, adm->params, adm->n_params);
        /* A filter's key would hide a policy's key of the same name. */
        for (size_t k = 0; k < adm->n_params; k++)
            for (size_t j = 0; j < policy_count(); j++) {
                const struct policy_ops *ops = policy_at(j);
                for (size_t m = 0; m < ops->n_params; m++)
                    ck_assert_str_ne(adm->params[k].name, ops->params[m].name);
            }
    }
}
END_TEST

Suite *
policies_suite(void)
{
    Suite *s = suite_create("policies");
    /* Batch A: clock, lfu, lfuda, slru, 2q, arc, sieve, random. */
    TCase *tc = tcase_create("order");
    tcase_add_test(tc, test_policies_clock_eviction_order);
    tcase_add_test(tc, test_policies_clock_counter_bits);
    tcase_add_test(tc, test_policies_sieve_eviction_order);
    tcase_add_test(tc, test_policies_lfu_eviction_order);
    tcase_add_test(tc, test_policies_lfuda_aging);
    tcase_add_test(tc, test_policies_slru_eviction_order);
    tcase_add_test(tc, test_policies_slru_one_segment_is_lru);
    tcase_add_test(tc, test_policies_2q_eviction_order);
    tcase_add_test(tc, test_policies_arc_eviction_order);
    tcase_add_loop_test(tc, test_policies_lfu_exact_against_naive, 0,
                        (int)(sizeof freq_cases / sizeof freq_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("random");
    tcase_add_test(tc, test_policies_random_is_deterministic);
    suite_add_tcase(s, tc);
    tc = tcase_create("mixed");
    tcase_add_loop_test(tc, test_policies_mixed_operations, 0,
                        (int)policy_count());
    suite_add_tcase(s, tc);
    tc = tcase_create("mixed_long");
    tcase_set_tags(tc, "slow");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, test_policies_mixed_operations_long, 0,
                        (int)policy_count());
    suite_add_tcase(s, tc);
    tc = tcase_create("params");
    tcase_add_test(tc, test_policies_param_tables);
    tcase_add_loop_test(tc, test_policies_params, 0,
                        (int)(sizeof param_cases / sizeof param_cases[0]));
    suite_add_tcase(s, tc);
    /* Batch B: s3fifo, wtinylfu, gdsf, hyperbolic, belady; admission. */
    tc = tcase_create("order_b");
    tcase_add_test(tc, test_policies_s3fifo_order);
    tcase_add_test(tc, test_policies_s3fifo_params);
    tcase_add_test(tc, test_policies_wtinylfu_order);
    tcase_add_test(tc, test_policies_gdsf_order);
    tcase_add_test(tc, test_policies_hyperbolic_order);
    tcase_add_test(tc, test_policies_belady_order);
    tcase_add_test(tc, test_policies_belady_is_optimal);
    suite_add_tcase(s, tc);
    tc = tcase_create("admission");
    tcase_add_test(tc, test_policies_admit_registry);
    tcase_add_test(tc, test_policies_admit_size);
    tcase_add_test(tc, test_policies_admit_second_hit);
    tcase_add_test(tc, test_policies_admit_adaptsize);
    tcase_add_test(tc, test_policies_admit_routing);
    suite_add_tcase(s, tc);
    return s;
}
