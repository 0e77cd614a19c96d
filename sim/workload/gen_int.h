/* gen_int.h: private to sim/workload/: the workload source (struct wl_gen)
 * and its kinds: synthetic sources (gen_synth.c), churn (gen_churn.c) and
 * a trace (gen_trace.c), which gen.c merges and dispatches to. */
#ifndef SIM_WORKLOAD_GEN_INT_H
#define SIM_WORKLOAD_GEN_INT_H

#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "util/err.h"
#include "workload/workload.h"

/*
 * Random stream tags of the workload's own components, for sim_rng_new
 * (SIM_RNG_ID(tag, index)). They start far above the engine's tags so that
 * the two lists can grow independently without sharing an id.
 */
enum wl_rng_tag {
    WL_RNG_CLASS = 0x100, /* per region: the class of each request */
    WL_RNG_LOCALITY,      /* per region: global or regional ranking */
    WL_RNG_FLASH,         /* per flash crowd: times, ranks, regions */
    WL_RNG_CHURN_PUBLISH, /* churn: publications and their draws */
    WL_RNG_CHURN_REQUEST, /* churn: request times and regions */
    WL_RNG_TRACE_REGION,  /* trace: regions of records without one */
    WL_RNG_ATTACK         /* per attack: times, ids, regions */
};

/*
 * A Poisson clock: exponential gaps with the sub-nanosecond remainder
 * carried, so that high rates do not drift. Time-varying rates thin it
 * (Lewis and Shedler 1979): gaps are drawn at the highest rate and each
 * candidate is kept with probability rate(t) / highest rate.
 */
struct wl_clock {
    gsl_rng *rng;       /* gaps and thinning draws */
    double mean_gap_ns; /* at the highest rate */
    int64_t last_at;
    double carry_ns;
};

/*
 * Advances c past one arrival of a process whose rate is the clock's
 * highest rate times rate_factor(t) / factor_max (no thinning when w has a
 * constant rate). Returns 1, or 0 when the next arrival lies past
 * WL_NEVER (then c->last_at is WL_NEVER).
 */
int wl_clock_step(struct wl_clock *c, const struct cfg_workload *w,
                  double factor_max, volatile sig_atomic_t *stop);

/* Is *stop set (stop may be NULL)? Looked at every WL_STOP_EVERY steps
 * of a long loop. */
#define WL_STOP_EVERY 65536
#define WL_STOPPED(stop) ((stop) != NULL && *(stop) != 0)

/* The highest value of wl_rate_factor over time. */
double wl_rate_factor_max(const struct cfg_workload *w);

/* One region's base traffic: the catalog's classes. */
struct wl_region_src {
    struct wl_clock clock;    /* rng: SIM_RNG_ARRIVAL */
    gsl_rng *popularity;      /* Zipf ranks: SIM_RNG_POPULARITY */
    double next_u;            /* the first uniform of the next rank's
                                 draw, drawn ahead so that its table
                                 bucket is prefetched; < 0 before the
                                 first draw. popularity draws nothing
                                 else, so its sequence is unchanged */
    uint64_t rank_ahead;      /* with one class, the next request's rank,
                                 drawn a request ahead; 0 before */
    gsl_rng *class_rng;       /* only with more than one class */
    gsl_rng *locality_rng;    /* only when overlap < 1 */
    double overlap;           /* share of requests ranked globally */
    struct wl_scrambler *own; /* [class]: this region's own rankings, or
                                 NULL when overlap is 1 */
};

/*
 * What a class's global ranking gave for a rank: the object (as an offset
 * from the class's first id) and its size, both pure functions of the
 * rank and the seed. A draw of a popular rank repeats them instead of
 * scrambling the rank and inverting the size distribution again (a log, a
 * square root and an exp). size 0 marks a rank not drawn yet (or one
 * whose size does not fit: computed every time).
 */
struct wl_rank_memo {
    uint32_t offset;
    uint32_t size;
};

/* Ranks memoised per class: the most popular 2^17, every rank of a
 * catalog of up to 131,072 objects (the default's 10^5: each rank is
 * worked out once). At most 1 MiB per class, allocated zeroed, so its
 * pages are touched only as ranks are drawn. 2^14 ranks (128 KiB, 70% of
 * the default's draws) kept the memo in the CPU's cache, but the rest then
 * cost a scramble and a size each: 2^17 runs the default scenario in 3.9%
 * fewer instructions at 10^6 requests, and in no more time. */
#define WL_RANK_MEMO_RANKS 131072u

/* A flash crowd's extra traffic. */
struct wl_flash_src {
    struct wl_clock clock; /* rng: WL_RNG_FLASH */
    int64_t end_at;        /* at + duration */
    struct wl_zipf zipf;
    struct wl_scrambler scrambler;
};

/* An attack's requests (gen_attack.c). */
struct wl_attack_src {
    gsl_rng *rng; /* WL_RNG_ATTACK */
    double mean_gap_ns;
    double carry_ns; /* the sub-ns remainder of the gaps */
    int64_t last_at;
    int64_t end_at; /* at + duration */
    int32_t region; /* the attacker's region, or -1: by weight */
};

/* A published object of churn: its request rate decays from publication. */
struct wl_churn_obj {
    int64_t next_at; /* its next request; heap key (then id) */
    uint64_t id;
    int64_t published_at;
    double volume;      /* expected requests over its whole life */
    double remaining;   /* expected requests after next_at */
    double lifetime_ns; /* decay time L */
};

struct wl_churn {
    struct wl_clock publish; /* rng: WL_RNG_CHURN_PUBLISH (also draws the
                                volume and lifetime of each object) */
    gsl_rng *request_rng;    /* WL_RNG_CHURN_REQUEST */
    uint64_t n_published;
    int is_emitted;            /* the heap's top is the request last handed
                                  out: move it on before the next */
    struct wl_churn_obj *heap; /* min-heap on (next_at, id): the live
                                  objects, each with its next request */
    size_t n_heap, cap_heap;
};

/* The trace-driven source. */
struct wl_trace_src {
    struct trace_reader *reader;
    gsl_rng *region_rng; /* regions of records without one */
    int64_t base;        /* trace time of simulated time 0 */
    int has_base;
    int64_t last_time; /* the previous record's (clamped) time */
    uint64_t n_reordered;
};

struct wl_gen {
    const struct cfg_workload *w; /* borrowed */
    uint32_t n_regions;
    char **region_names;              /* owned copies */
    gsl_ran_discrete_t *region_table; /* by weight; NULL with one region */
    /* Pending requests of every source, merged by wl_gen_next: regions
     * first, then flash crowds, then churn; ties go to the lower index. */
    struct wl_request *next; /* [n_src] */
    uint32_t n_src;
    int state; /* 0 running, 1 ended, < 0 error code */
    struct sim_err err;
    volatile sig_atomic_t *stop; /* borrowed, may be NULL */
    int is_primed;               /* the sources' first requests are drawn */
    /* Synthetic. */
    struct wl_zipf *zipf;             /* [class] */
    struct wl_zipf_table *zipf_table; /* [class], shared by the regions */
    struct wl_scrambler *scrambler;   /* [class]: the global ranking */
    struct wl_rank_memo **rank_memo;  /* [class]: what the global ranking
                                         gave for its popular ranks */
    uint32_t *n_memo_ranks;           /* [class]: ranks in rank_memo[k] */
    gsl_ran_discrete_t *class_table;  /* by share; NULL with one class */
    double factor_max;
    struct wl_region_src *regions; /* [n_regions] */
    struct wl_flash_src *flash;    /* [w->n_flash] */
    struct wl_churn *churn;        /* NULL without churn */
    struct wl_attack_src *attacks; /* [w->n_attacks] */
    uint32_t n_synth;              /* regions and flash crowds: the
                                      sources before churn */
    /* Trace. */
    struct wl_trace_src *trace;         /* NULL for a synthetic workload */
    struct wl_purge_index *purge_index; /* a trace's tags and keys that
                                           purges name; else NULL */
    /* chunk_size (chunk.c): the request being split, and its chunks still
     * to come after the one given. */
    struct wl_request chunk_req;
    uint64_t chunks_left;
    uint64_t chunk_next; /* index of the next chunk */
};

/* Index of the first churn source in next[] (after regions and crowds). */
#define WL_SRC_FLASH(g, k) ((g)->n_regions + (uint32_t)(k))
#define WL_SRC_CHURN(g) ((g)->n_regions + (uint32_t)(g)->w->n_flash)
/* Index of attack k: the last sources, so that ties between a request of
 * theirs and another go to the other, which then comes as without them. */
#define WL_SRC_ATTACK(g, k)                                                    \
    (WL_SRC_CHURN(g) + ((g)->w->churn.is_set ? 1u : 0u) + (uint32_t)(k))

/* chunk.c: a request for an object of a class with chunk_size larger
 * than a chunk becomes its chunk 0, the rest waiting in g; chunk_next
 * gives the next of them (while g->chunks_left > 0). */
void wl_chunk_split(struct wl_gen *g, struct wl_request *out);
int wl_chunk_next(struct wl_gen *g, struct wl_request *out);
/* The size of chunk id of object parent. */
uint64_t wl_chunk_bytes(const struct wl_gen *g, uint64_t parent, uint64_t id);

/* The class of object id (classes, then flash crowds, then churn). */
const struct cfg_class *wl_class_of(const struct wl_gen *g, uint64_t id);

/* Fills the object fields of *out (size, TTL, version, cacheability,
 * class) for object id of class k requested at out->at. */
void wl_fill_object(const struct wl_gen *g, size_t k, uint64_t id,
                    struct wl_request *out);

/* wl_fill_object with the object's size already known (it must be
 * wl_object_size's for id). */
void wl_fill_object_sized(const struct wl_gen *g, size_t k, uint64_t id,
                          uint64_t size, struct wl_request *out);

/* A region drawn by weight from rng (0 with one region). */
uint32_t wl_pick_region(const struct wl_gen *g, gsl_rng *rng);

/* The index of region name among g's, or -1 (gen.c). */
int32_t wl_region_index(const struct wl_gen *g, const char *name);

/* The input error for a region the topology lacks, named at mark and
 * field, listing the regions it has; returns -SIM_ENOENT (gen.c). */
int wl_unknown_region(const struct wl_gen *g, const char *region,
                      const struct cfg_mark *mark, const char *field,
                      struct sim_err *err);

/* gen_synth.c */
void wl_synth_init(struct wl_gen *g, const double *region_weights);
void wl_synth_fini(struct wl_gen *g);
/* Draws the next request of source i (a region or a flash crowd) into
 * g->next[i]; at WL_NEVER when it has no more. */
void wl_synth_advance(struct wl_gen *g, uint32_t i);

/* gen_attack.c */
/* Checks that each attack's region is one of g's; 0 or -SIM_ENOENT. */
int wl_attack_check(const struct wl_gen *g, struct sim_err *err);
void wl_attack_init(struct wl_gen *g);
void wl_attack_fini(struct wl_gen *g);
/* Draws attack k's next request into its g->next slot (WL_NEVER after
 * its end). */
void wl_attack_advance(struct wl_gen *g, size_t k);

/* gen_churn.c */
void wl_churn_init(struct wl_gen *g);
void wl_churn_fini(struct wl_gen *g);
void wl_churn_advance(struct wl_gen *g);

/* purge_select.c: a trace workload's index of the objects that carry the
 * tags (or keys with the prefixes) its purges name. init builds nothing
 * unless the workload is a trace with such purges. */
struct trace_rec;
void wl_purge_index_init(struct wl_gen *g);
void wl_purge_index_fini(struct wl_gen *g);
/* Notes what a trace record says about its object. */
void wl_purge_index_add(struct wl_gen *g, const struct trace_rec *rec);

/* gen_trace.c */
int wl_trace_init(struct wl_gen *g, struct sim_err *err);
void wl_trace_fini(struct wl_gen *g);
/* Reads the next record into g->next[0]: 1, 0 at the end, or a negative
 * code recorded in g->err. */
int wl_trace_advance(struct wl_gen *g);

#endif
