/* pop.h: the hash ring of a PoP's cache servers (private to model/;
 * pop_ring.c), apart from the model's state so that tests reach it.
 *
 * Consistent hashing (Karger, Lehman, Leighton, Panigrahy, Levine and
 * Lewin, "Consistent hashing and random trees", STOC 1997): each server
 * puts vnodes points on a circle of 2^64 positions; a key belongs to the
 * server of the first point at or after its own hash, going round. A
 * server that leaves hands exactly its arcs to the servers of the next
 * points, and nothing else moves; with V points per server each server's
 * share of the circle is a sum of V arcs, so its load's spread shrinks
 * as 1/sqrt(V) (tests/check_pop.c checks both).
 */
#ifndef SIM_MODEL_POP_H
#define SIM_MODEL_POP_H

#include <stdint.h>

struct pop_ring {
    uint64_t *point;  /* [n] positions, ascending */
    uint32_t *server; /* [n] the server each point belongs to */
    uint32_t n;       /* count x vnodes */
};

/* Builds r for count servers of vnodes points each; salt (the node's
 * name hashed) places the points. Free with pop_ring_fini. */
void pop_ring_build(struct pop_ring *r, uint32_t count, uint32_t vnodes,
                    uint64_t salt);
void pop_ring_fini(struct pop_ring *r);

/* Where key hash h lands: the index of the first point at or after h,
 * going round (O(log n)). */
uint32_t pop_ring_point_of(const struct pop_ring *r, uint64_t h);

/* The server for hash h: the first point's server (*home) if it is up,
 * else the next point's whose server is up (down[s] != 0: down; at least
 * one server must be up). */
uint32_t pop_ring_pick(const struct pop_ring *r, uint64_t h,
                       const uint32_t *down, uint32_t *home);

/* Each server's share of the circle into share[count] (they sum to 1). */
void pop_ring_shares(const struct pop_ring *r, uint32_t count, double *share);

/* The ring position of an object (a hash apart from the store's). */
uint64_t pop_key_hash(uint64_t object);

#endif
