/* hash.h: 64-bit mixing functions used for tables, seeds and scrambling. */
#ifndef SIM_UTIL_HASH_H
#define SIM_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * splitmix64 finaliser (Steele, Lea, Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). A bijection on 64-bit integers, so it
 * doubles as a rank scrambler that never maps two ids to one.
 */
static inline uint64_t
hash_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The 32-bit hash that the object tables (cache/store.c) and idmap file a
 * key under. A caller that looks one key up in several of them works it
 * out once and passes it to their _hashed operations. */
static inline uint32_t
hash_key32(uint64_t key)
{
    return (uint32_t)hash_mix64(key);
}

/* Mixes two values into one, e.g. a master seed and a component id. */
static inline uint64_t
hash_combine(uint64_t a, uint64_t b)
{
    return hash_mix64(a ^ hash_mix64(b));
}

/* FNV-1a over bytes then mixed; for string ids and names. */
static inline uint64_t
hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return hash_mix64(h);
}

#endif
