/* mrc.h: LRU miss-ratio curves in one pass (`cdnsim replay --mrc`).
 *
 * Mattson et al.'s stack algorithm ("Evaluation techniques for storage
 * hierarchies", IBM Systems Journal 1970): a request hits an LRU cache of
 * size C exactly when its reuse distance -- the total size of the
 * distinct objects requested since the object's previous request, the
 * object itself included -- is at most C. So one pass that records every
 * request's distance gives the miss ratio at every size at once.
 *
 * Distances come from a Fenwick tree over last-access times (Olken,
 * "Efficient methods for calculating the success function of fixed space
 * replacement policies", LBL-12370, 1981, used a balanced tree; Almasi,
 * Cascaval and Padua, "Calculating stack distances efficiently", MSP
 * 2002, compare such trees): each object sits at the slot of its latest
 * request, weighted by its size, and the distance is the weight of the
 * slots after it. O(log n) per request. The slots are renumbered when they
 * run out, so memory is O(distinct objects), never O(requests).
 *
 * With a sample rate R < 1 this is SHARDS (Waldspurger, Park, Garthwaite
 * and Ahmad, "Efficient MRC construction with SHARDS", FAST 2015): only
 * objects with hash(key) mod P < T (R = T/P) are tracked, and the other
 * objects inside a distance are scaled by 1/R (the object itself is
 * sampled for sure). Each sampled request stands for 1/R requests, and
 * the ratio is taken over all counted requests (SHARDS_adj, which
 * corrects the sample's size). Fixed size (SHARDS_max): the rate starts
 * at 1 and, whenever more than max_objects objects are tracked, T drops
 * to the largest tracked hash, whose objects leave the stack; so a trace
 * with at most max_objects distinct objects is measured exactly.
 *
 * Definition, byte caches: the distance counts every object, also one
 * larger than a cache of size C, which such a cache never holds (the
 * replay refuses to insert it). When no object is larger than C the
 * curve equals `replay --policy lru` at C exactly. A request whose size
 * differs from the object's previous size is a miss (a new version), as
 * in the replay.
 */
#ifndef SIM_REPLAY_MRC_H
#define SIM_REPLAY_MRC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "workload/workload.h"

#define MRC_SHARDS_MODULUS (1u << 24)      /* P: hash values are taken mod P */
#define MRC_DEFAULT_MAX_OBJECTS (1u << 20) /* ~80 MiB of stack */

struct mrc_opts {
    const char *trace_path;
    enum trace_format format;
    const struct trace_opts *trace_opts; /* may be NULL */
    int unit_size;         /* every size counts as 1: sizes in objects */
    uint64_t warmup;       /* first requests update the stack only */
    double sample_rate;    /* (0, 1]: a fixed rate, rounded to T / P,
                              1 = exact; 0 = fixed size (SHARDS_max) */
    uint64_t max_objects;  /* fixed size: objects tracked at most; 0 =
                              MRC_DEFAULT_MAX_OBJECTS */
    const uint64_t *sizes; /* cache sizes to report, or NULL for a
                              geometric grid (four points per doubling) */
    size_t n_sizes;
    volatile sig_atomic_t *stop; /* may be NULL */
};

struct mrc_point {
    uint64_t size; /* cache size: bytes, or objects */
    double misses; /* (estimated, when sampled) missed requests */
    double miss_ratio;
    double byte_miss_ratio;
};

struct mrc_result {
    struct mrc_point *points; /* ascending size */
    size_t n_points;
    uint64_t n_records;     /* records read */
    uint64_t requests;      /* counted requests (after the warmup) */
    uint64_t bytes;         /* bytes they asked for */
    uint64_t n_sampled;     /* counted requests that were sampled */
    uint64_t sampled_bytes; /* their bytes */
    uint64_t n_slots;       /* stack slots allocated: at most max(1024,
                               2 x the most objects tracked at once + 2),
                               however many requests */
    int is_exact;           /* every request was tracked */
    uint64_t n_objects;     /* objects tracked at the end (sampled ones) */
    double sample_rate;     /* T / P at the end; 1 when exact */
    double seconds;         /* wall time of the pass */
    int is_complete;        /* 0 when stopped early */
};

/*
 * Reads the trace once and fills *out (caller frees with mrc_result_fini).
 * Returns 0, -SIM_EINTR when *stop ended it (*out holds the part read),
 * or another negative code with err set: a sample rate outside (0, 1], a
 * warmup that leaves nothing to count, a trace error, or more distinct
 * objects than 32-bit numbers hold.
 */
int mrc_run(const struct mrc_opts *o, struct mrc_result *out,
            struct sim_err *err);
void mrc_result_fini(struct mrc_result *r);

#endif
