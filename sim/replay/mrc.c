/* mrc.c: LRU miss-ratio curves by stack distances, exact or SHARDS
 * sampled (see mrc.h for the algorithms and their sources). */
#include "replay/mrc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/hash.h"
#include "util/idmap.h"
#include "util/xalloc.h"

#define SD_NONE UINT32_MAX /* a slot with no object */
#define SD_COLD UINT64_MAX /* distance of a first (or resized) request */
#define SD_MIN_SLOTS 1024u

/* An object of the stack: its size and the slot of its latest request. */
struct sd_obj {
    uint64_t key;
    uint64_t size;
    uint32_t slot; /* SD_NONE while the number is free */
};

/*
 * The LRU stack as slots in request order: slot_obj[s] is the object
 * whose latest request took slot s, and a Fenwick tree over the slots
 * holds their sizes, so the bytes requested after slot s are one prefix
 * sum away. A request frees its object's old slot and takes the next
 * one; when none is left, the live slots are packed to the front (the
 * order kept) and the tree is rebuilt, in O(slots). The slots are kept at
 * no more than twice the objects (and SD_MIN_SLOTS), so packing happens
 * at most once per half a table of requests: O(1) amortised.
 */
struct stackdist {
    struct idmap ids; /* key -> object number */
    struct sd_obj *objs;
    size_t objs_cap;
    uint32_t n_objs;     /* numbers handed out */
    uint32_t n_live;     /* objects on the stack */
    uint32_t *free_objs; /* numbers of removed objects, to reuse */
    size_t n_free, free_cap;
    uint32_t *slot_obj; /* [n_slots] */
    uint64_t *tree;     /* [n_slots + 1], 1-based Fenwick tree */
    uint32_t n_slots;
    uint32_t next;       /* the next free slot */
    uint64_t live_bytes; /* sum of every object's size */
};

static void
sd_init(struct stackdist *sd)
{
    memset(sd, 0, sizeof *sd);
    idmap_init(&sd->ids);
}

static void
sd_fini(struct stackdist *sd)
{
    idmap_fini(&sd->ids);
    free(sd->objs);
    free(sd->free_objs);
    free(sd->slot_obj);
    free(sd->tree);
    memset(sd, 0, sizeof *sd);
}

static void
tree_add(struct stackdist *sd, uint32_t slot, uint64_t delta)
{
    /* Unsigned wrap-around makes adding -size a subtraction. */
    for (uint32_t i = slot + 1; i <= sd->n_slots; i += i & (0u - i))
        sd->tree[i] += delta;
}

/* The sizes at slots 0..slot. */
static uint64_t
tree_prefix(const struct stackdist *sd, uint32_t slot)
{
    uint64_t sum = 0;
    for (uint32_t i = slot + 1; i > 0; i -= i & (0u - i))
        sum += sd->tree[i];
    return sum;
}

/* Packs the live slots to the front, growing the table if more than half
 * of it is live, and rebuilds the tree in O(n_slots). */
static void
sd_pack(struct stackdist *sd)
{
    uint32_t live = 0;
    for (uint32_t s = 0; s < sd->next; s++) {
        uint32_t o = sd->slot_obj[s];
        if (o == SD_NONE)
            continue;
        sd->slot_obj[live] = o;
        sd->objs[o].slot = live;
        live++;
    }
    uint64_t want = (uint64_t)live * 2 + 2;
    if (want < SD_MIN_SLOTS)
        want = SD_MIN_SLOTS;
    if (want > UINT32_MAX - 1)
        want = UINT32_MAX - 1;
    if (want > sd->n_slots) {
        sd->slot_obj = xrealloc(sd->slot_obj, want * sizeof *sd->slot_obj);
        sd->tree = xrealloc(sd->tree, (want + 1) * sizeof *sd->tree);
        sd->n_slots = (uint32_t)want;
    }
    sd->next = live;
    sd->tree[0] = 0;
    for (uint32_t s = 0; s < sd->n_slots; s++) {
        if (s >= live)
            sd->slot_obj[s] = SD_NONE;
        sd->tree[s + 1] = s < live ? sd->objs[sd->slot_obj[s]].size : 0;
    }
    /* Linear Fenwick build: each node passes its sum to its parent. */
    for (uint32_t i = 1; i <= sd->n_slots; i++) {
        uint64_t parent = (uint64_t)i + (i & (0u - i));
        if (parent <= sd->n_slots)
            sd->tree[parent] += sd->tree[i];
    }
}

/*
 * Records a request and returns its reuse distance (bytes, or objects
 * when every size is 1), or SD_COLD for an object's first request or one
 * whose size changed. Returns SD_COLD and sets *is_full when no object
 * number is left.
 */
static uint64_t
sd_access(struct stackdist *sd, uint64_t key, uint64_t size, int *is_full)
{
    uint64_t dist = SD_COLD;
    uint32_t o = idmap_get(&sd->ids, key);
    if (o == IDMAP_EMPTY) {
        if (sd->n_free > 0) {
            o = sd->free_objs[--sd->n_free];
        } else if (sd->n_objs >= UINT32_MAX / 2) {
            *is_full = 1;
            return SD_COLD;
        } else {
            o = sd->n_objs++;
            sd->objs = xgrow(sd->objs, &sd->objs_cap, sd->n_objs,
                             sizeof *sd->objs, 1024);
        }
        sd->objs[o].key = key;
        sd->n_live++;
        idmap_put(&sd->ids, key, o);
    } else {
        struct sd_obj *ob = &sd->objs[o];
        if (ob->size == size)
            dist = sd->live_bytes - tree_prefix(sd, ob->slot) + size;
        tree_add(sd, ob->slot, 0 - ob->size);
        sd->live_bytes -= ob->size;
        sd->slot_obj[ob->slot] = SD_NONE;
    }
    if (sd->next == sd->n_slots)
        sd_pack(sd);
    uint32_t s = sd->next++;
    sd->slot_obj[s] = o;
    sd->objs[o].slot = s;
    sd->objs[o].size = size;
    tree_add(sd, s, size);
    sd->live_bytes += size;
    return dist;
}

/* Takes object o off the stack (SHARDS_max dropping it from the sample). */
static void
sd_remove(struct stackdist *sd, uint32_t o)
{
    struct sd_obj *ob = &sd->objs[o];
    tree_add(sd, ob->slot, 0 - ob->size);
    sd->live_bytes -= ob->size;
    sd->slot_obj[ob->slot] = SD_NONE;
    ob->slot = SD_NONE;
    idmap_del(&sd->ids, ob->key);
    sd->free_objs = xgrow(sd->free_objs, &sd->free_cap, sd->n_free + 1,
                          sizeof *sd->free_objs, 1024);
    sd->free_objs[sd->n_free++] = o;
    sd->n_live--;
}

/* Distances counted per bucket: bucket k holds the requests whose
 * (scaled) distance d has bound[k-1] < d <= bound[k], so the hits of a
 * cache of size bound[k] are exactly the sum of buckets 0..k. Counts are
 * weighted, 1/R per sampled request (1 when exact: whole numbers, exact
 * in a double up to 2^53). */
struct mrc_hist {
    uint64_t *bound; /* ascending, distinct */
    size_t n;
    double *hits;      /* [n] requests */
    double *hit_bytes; /* [n] their bytes */
};

/* The default grid: round(2^(k/4)), k = 0, 1, ..., up to 2^62. */
static void
hist_grid(struct mrc_hist *h)
{
    h->bound = xmalloc(256 * sizeof *h->bound);
    h->n = 0;
    for (int k = 0; k <= 62 * 4; k++) {
        uint64_t v = (uint64_t)llround(exp2((double)k / 4.0));
        if (h->n == 0 || v > h->bound[h->n - 1])
            h->bound[h->n++] = v;
    }
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void
hist_init(struct mrc_hist *h, const uint64_t *sizes, size_t n_sizes)
{
    memset(h, 0, sizeof *h);
    if (sizes == NULL || n_sizes == 0) {
        hist_grid(h);
    } else {
        h->bound = xmalloc(n_sizes * sizeof *h->bound);
        memcpy(h->bound, sizes, n_sizes * sizeof *h->bound);
        qsort(h->bound, n_sizes, sizeof *h->bound, cmp_u64);
        for (size_t i = 0; i < n_sizes; i++)
            if (h->n == 0 || h->bound[i] != h->bound[h->n - 1])
                h->bound[h->n++] = h->bound[i];
    }
    h->hits = xcalloc(h->n, sizeof *h->hits);
    h->hit_bytes = xcalloc(h->n, sizeof *h->hit_bytes);
}

static void
hist_fini(struct mrc_hist *h)
{
    free(h->bound);
    free(h->hits);
    free(h->hit_bytes);
}

/* The first bucket whose bound is >= dist (n when none is). */
static size_t
hist_bucket(const struct mrc_hist *h, uint64_t dist)
{
    size_t lo = 0, hi = h->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->bound[mid] >= dist)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* SHARDS_max's sample: a max-heap of (hash << 32 | object number), so the
 * object with the largest hash is on top. */
struct hash_heap {
    uint64_t *v;
    size_t n, cap;
};

static void
heap_push(struct hash_heap *h, uint64_t x)
{
    h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v, 1024);
    size_t i = h->n++;
    while (i > 0 && h->v[(i - 1) / 2] < x) {
        h->v[i] = h->v[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->v[i] = x;
}

static uint64_t
heap_pop(struct hash_heap *h)
{
    uint64_t top = h->v[0], x = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1] > h->v[c])
            c++;
        if (h->v[c] <= x)
            break;
        h->v[i] = h->v[c];
        i = c;
    }
    if (h->n > 0)
        h->v[i] = x;
    return top;
}

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The state of one pass. */
struct mrc_pass {
    struct stackdist sd;
    struct mrc_hist h;
    uint32_t threshold;    /* T: sampled when hash mod P < T */
    double rate;           /* T / P */
    uint64_t max_objects;  /* SHARDS_max; 0 = a fixed rate */
    struct hash_heap heap; /* SHARDS_max's tracked objects */
    double est_requests;   /* sum of the sampled requests' weights */
    double est_bytes;
};

/* SHARDS_max: while too many objects are tracked, the threshold drops to
 * the largest tracked hash and every object at or above it leaves. */
static void
pass_shrink(struct mrc_pass *p)
{
    while (p->sd.n_live > p->max_objects && p->heap.n > 0) {
        uint32_t top_hash = (uint32_t)(p->heap.v[0] >> 32);
        p->threshold = top_hash;
        while (p->heap.n > 0 && (p->heap.v[0] >> 32) >= top_hash)
            sd_remove(&p->sd, (uint32_t)heap_pop(&p->heap));
    }
    p->rate = (double)p->threshold / MRC_SHARDS_MODULUS;
}

/* One request: sampled or not, its distance into the histogram. */
static int
pass_request(struct mrc_pass *p, const struct trace_rec *rec, uint64_t size,
             int is_counted, struct mrc_result *out)
{
    if (is_counted) {
        out->requests++;
        out->bytes += size;
    }
    uint32_t hash = (uint32_t)(hash_mix64(rec->id) & (MRC_SHARDS_MODULUS - 1));
    if (hash >= p->threshold)
        return 0;
    int is_full = 0;
    uint32_t n_before = p->sd.n_live;
    uint64_t dist = sd_access(&p->sd, rec->id, size, &is_full);
    if (is_full)
        return -1;
    double weight = 1.0 / p->rate;
    if (p->max_objects > 0 && p->sd.n_live > n_before) {
        uint32_t o = idmap_get(&p->sd.ids, rec->id);
        heap_push(&p->heap, (uint64_t)hash << 32 | o);
    }
    if (is_counted) {
        out->n_sampled++;
        out->sampled_bytes += size;
        p->est_requests += weight;
        p->est_bytes += weight * (double)size;
        if (dist != SD_COLD && p->rate < 1) {
            /* The object itself is in the sample for sure; only the
             * others stand for 1/R times their number. Rounded up: a
             * distance is a whole size. */
            double scaled = (double)size + ceil((double)(dist - size) * weight);
            dist =
                scaled >= 18446744073709551615.0 ? SD_COLD : (uint64_t)scaled;
        }
        size_t k = dist == SD_COLD ? p->h.n : hist_bucket(&p->h, dist);
        if (k < p->h.n) {
            p->h.hits[k] += weight;
            p->h.hit_bytes[k] += weight * (double)size;
        }
    }
    if (p->max_objects > 0 && p->sd.n_live > p->max_objects)
        pass_shrink(p);
    return 0;
}

static double
ratio_clamped(double num, double den)
{
    if (!(den > 0))
        return 0;
    double r = num / den;
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

/* The curve from the histogram. With the default grid, only the part
 * that moves: from the last size with no hit to the first that has them
 * all. Ratios are over every counted request (SHARDS_adj); a sampled
 * estimate outside [0, 1] is clamped to it. */
static void
pass_points(const struct mrc_pass *p, int is_grid, struct mrc_result *out)
{
    const struct mrc_hist *h = &p->h;
    double all = 0;
    for (size_t k = 0; k < h->n; k++)
        all += h->hits[k];
    size_t first = 0, last = h->n ? h->n - 1 : 0;
    if (is_grid) {
        double cum = 0;
        for (size_t k = 0; k < h->n; k++) {
            cum += h->hits[k];
            if (cum == 0)
                first = k;
            if (cum >= all) {
                last = k;
                break;
            }
        }
    }
    out->points = xcalloc(last - first + 1, sizeof *out->points);
    double hits = 0, hit_bytes = 0;
    for (size_t k = 0; k < h->n && k <= last; k++) {
        hits += h->hits[k];
        hit_bytes += h->hit_bytes[k];
        if (k < first)
            continue;
        struct mrc_point *pt = &out->points[out->n_points++];
        pt->size = h->bound[k];
        double misses = p->est_requests - hits;
        pt->misses = misses < 0 ? 0 : misses;
        pt->miss_ratio = ratio_clamped(misses, (double)out->requests);
        pt->byte_miss_ratio =
            ratio_clamped(p->est_bytes - hit_bytes, (double)out->bytes);
    }
}

static int
check_opts(const struct mrc_opts *o, struct sim_err *err)
{
    if (!(o->sample_rate >= 0 && o->sample_rate <= 1))
        return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--sample",
                           "a sample rate must be in (0, 1], got %g",
                           o->sample_rate);
    if (o->sample_rate > 0 && llround(o->sample_rate * MRC_SHARDS_MODULUS) < 1)
        return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--sample",
                           "a sample rate below 1/%u samples nothing",
                           MRC_SHARDS_MODULUS);
    for (size_t i = 0; i < o->n_sizes; i++)
        if (o->sizes[i] == 0)
            return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--capacity",
                               "a cache size must be positive");
    return 0;
}

/* Reads the trace through the pass; 0 at its end, 1 when stopped, or a
 * negative code. */
static int
pass_read(const struct mrc_opts *o, struct mrc_pass *p, struct mrc_result *out,
          struct sim_err *err)
{
    struct trace_reader *r = NULL;
    int rc = trace_open(o->trace_path, o->format, o->trace_opts, &r, err);
    if (rc != 0)
        return rc;
    struct trace_rec rec;
    while ((rc = trace_next(r, &rec)) == 1) {
        uint64_t size = o->unit_size ? 1 : rec.size;
        out->n_records++;
        if (pass_request(p, &rec, size, rec.index >= o->warmup, out) != 0) {
            rc = sim_err_set(err, -SIM_EBADVAL, o->trace_path, 0, 0, NULL,
                             "more than %u distinct objects: too many for "
                             "one pass; sample them with --sample",
                             UINT32_MAX / 2);
            trace_close(r);
            return rc;
        }
        if ((out->n_records & 0xffff) == 0 && o->stop != NULL && *o->stop) {
            trace_close(r);
            return 1;
        }
    }
    if (rc < 0 && err != NULL)
        *err = *trace_error(r);
    trace_close(r);
    return rc;
}

int
mrc_run(const struct mrc_opts *o, struct mrc_result *out, struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_opts(o, err);
    if (rc != 0)
        return rc;
    struct mrc_pass p;
    memset(&p, 0, sizeof p);
    if (o->sample_rate > 0) {
        p.threshold = (uint32_t)llround(o->sample_rate * MRC_SHARDS_MODULUS);
    } else {
        p.threshold = MRC_SHARDS_MODULUS;
        p.max_objects =
            o->max_objects ? o->max_objects : MRC_DEFAULT_MAX_OBJECTS;
    }
    p.rate = (double)p.threshold / MRC_SHARDS_MODULUS;
    sd_init(&p.sd);
    hist_init(&p.h, o->sizes, o->n_sizes);

    double t0 = now_s();
    rc = pass_read(o, &p, out, err);
    out->seconds = now_s() - t0;
    out->sample_rate = p.rate;
    out->is_exact = p.threshold == MRC_SHARDS_MODULUS;
    out->n_objects = p.sd.n_live;
    out->n_slots = p.sd.n_slots;
    if (rc == 0 && out->n_records == 0)
        rc = sim_err_set(err, -SIM_ETRACE, o->trace_path, 0, 0, NULL,
                         "the trace holds no requests");
    else if (rc == 0 && out->requests == 0)
        rc = sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--warmup",
                         "a warmup of %llu requests leaves nothing to count "
                         "in %s (%llu requests)",
                         (unsigned long long)o->warmup, o->trace_path,
                         (unsigned long long)out->n_records);
    if (rc >= 0) {
        pass_points(&p, o->sizes == NULL || o->n_sizes == 0, out);
        out->is_complete = rc == 0;
    }
    sd_fini(&p.sd);
    hist_fini(&p.h);
    free(p.heap.v);
    if (rc < 0) {
        mrc_result_fini(out);
        return rc;
    }
    if (rc == 1)
        return sim_err_set(err, -SIM_EINTR, NULL, 0, 0, NULL,
                           "interrupted after %llu requests",
                           (unsigned long long)out->n_records);
    return 0;
}

void
mrc_result_fini(struct mrc_result *r)
{
    if (r == NULL)
        return;
    free(r->points);
    memset(r, 0, sizeof *r);
}
