/* replay.c: trace replay through single caches (`cdnsim replay`).
 *
 * The loop is libCacheSim's cachesim: no topology, no latency, one cache
 * per (policy, capacity), each seeing every request. Records are read in
 * batches of REPLAY_BATCH and each batch runs through every cache in turn:
 * one read of the trace serves all caches, the per-cache timing costs two
 * clock reads per batch rather than per request, and a cache's table and
 * lists stay in the CPU cache for a whole batch. See replay.h for the
 * first pass and its memory.
 */
#include "replay/replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "replay/policy_params.h"
#include "util/idmap.h"
#include "util/xalloc.h"

#define REPLAY_BATCH 4096 /* records per batch: 96 KiB of batch arrays */
#define REPLAY_PREFETCH 8 /* how far ahead a lookup's slot is prefetched */

struct replay_batch {
    size_t n;      /* records in the batch */
    size_t n_skip; /* leading records inside the warmup */
    uint64_t id[REPLAY_BATCH];
    uint64_t size[REPLAY_BATCH]; /* 1 with unit_size */
    int64_t next[REPLAY_BATCH];  /* next access; INT64_MAX for none */
};

struct replay_cache {
    struct cache_store *store;
    int is_offline; /* set the next access before each one */
    struct replay_result *res;
};

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* What the first pass learns. */
struct prepass {
    uint64_t n_records;
    uint64_t wss_objects;
    uint64_t wss_bytes;
    int64_t *next; /* [record index]: next access, or -1; only when
                      asked for */
};

static int
stopped(const struct replay_opts *o)
{
    return o->stop != NULL && *o->stop;
}

/*
 * Reads the whole trace once: counts the working set and, if want_next,
 * computes every record's next-access index going forwards (the previous
 * request for an object learns its successor when the successor arrives).
 */
static int
run_prepass(const struct replay_opts *o, int want_next, struct prepass *pp,
            struct sim_err *err)
{
    struct trace_reader *r = NULL;
    struct idmap ids;
    uint64_t *last = NULL; /* [object number]: its latest record index */
    size_t last_cap = 0, next_cap = 0;
    idmap_init(&ids);
    memset(pp, 0, sizeof *pp);
    int rc = trace_open(o->trace_path, o->format, o->trace_opts, &r, err);
    if (rc != 0)
        goto out;
    struct trace_rec rec;
    while ((rc = trace_next(r, &rec)) == 1) {
        if (want_next) {
            pp->next = xgrow(pp->next, &next_cap, (size_t)rec.index + 1,
                             sizeof *pp->next, 1 << 16);
            pp->next[rec.index] = -1;
        }
        uint32_t obj = idmap_get(&ids, rec.id);
        if (obj == IDMAP_EMPTY) {
            if (ids.n >= IDMAP_EMPTY - 1) {
                rc = sim_err_set(err, -SIM_EBADVAL, o->trace_path, 0, 0, NULL,
                                 "more than %u distinct objects: too "
                                 "many for a first pass",
                                 IDMAP_EMPTY - 2);
                goto out;
            }
            obj = ids.n;
            idmap_put(&ids, rec.id, obj);
            pp->wss_objects++;
            pp->wss_bytes += rec.size;
            if (want_next)
                last = xgrow(last, &last_cap, (size_t)obj + 1, sizeof *last,
                             1 << 16);
        } else if (want_next) {
            pp->next[last[obj]] = (int64_t)rec.index;
        }
        if (want_next)
            last[obj] = rec.index;
        pp->n_records++;
        if ((pp->n_records & 0xffff) == 0 && stopped(o)) {
            rc = sim_err_set(err, -SIM_EINTR, NULL, 0, 0, NULL,
                             "interrupted during the first pass");
            goto out;
        }
    }
    if (rc < 0 && err != NULL)
        *err = *trace_error(r);
out:
    trace_close(r);
    free(last);
    idmap_fini(&ids);
    if (rc < 0) {
        free(pp->next);
        pp->next = NULL;
    }
    return rc < 0 ? rc : 0;
}

/* Runs one batch through one cache: the replay's hot loop. */
static void
feed(struct replay_cache *rc, const struct replay_batch *b)
{
    struct cache_store *c = rc->store;
    uint64_t misses = 0, bytes_missed = 0;
    size_t n = b->n;
    for (size_t i = 0; i < n; i++) {
        if (REPLAY_PREFETCH > 0 && i + REPLAY_PREFETCH < n)
            cache_prefetch(c, b->id[i + REPLAY_PREFETCH]);
        if (rc->is_offline)
            cache_set_next_access(c, b->next[i]);
        uint64_t key = b->id[i], size = b->size[i];
        struct cache_obj *o = cache_find(c, key);
        if (o != NULL && o->size == size) {
            cache_hit(c, o);
            continue;
        }
        cache_insert(c, key, size, CACHE_NEVER);
        if (i >= b->n_skip) {
            misses++;
            bytes_missed += size;
        }
    }
    rc->res->misses += misses;
    rc->res->bytes_missed += bytes_missed;
}

/* Checks names and capacities before any reading. */
static int
check_opts(const struct replay_opts *o, struct sim_err *err)
{
    if (o->n_policies == 0)
        return sim_err_set(err, -SIM_EUSAGE, NULL, 0, 0, "--policy",
                           "no policy given");
    if (o->n_capacities == 0)
        return sim_err_set(err, -SIM_EUSAGE, NULL, 0, 0, "--capacity",
                           "no capacity given");
    for (size_t i = 0; i < o->n_policies; i++) {
        if (policy_find(o->policies[i]) == NULL) {
            char names[1024];
            policy_names(names, sizeof names);
            return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--policy",
                               "unknown policy \"%s\" (known: %s)",
                               o->policies[i], names);
        }
    }
    for (size_t i = 0; i < o->n_capacities; i++) {
        const struct replay_capacity *c = &o->capacities[i];
        if (c->fraction != 0 ? !(c->fraction > 0 && c->fraction < 1)
                             : c->value == 0)
            return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--capacity",
                               "a capacity must be a positive size or a "
                               "fraction of the working set in (0, 1)");
    }
    if (o->admission != NULL && admit_find(o->admission) == NULL) {
        char names[1024];
        admit_names(names, sizeof names);
        return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--admission",
                           "unknown admission \"%s\" (known: %s)", o->admission,
                           names);
    }
    return 0;
}

/* Everything one replay holds while it runs (replay_state_free). */
struct replay_state {
    struct prepass pp;
    size_t n_caches;             /* policies x capacities */
    struct replay_cache *caches; /* [n_caches] */
    struct replay_result *res;   /* [n_caches]; the summary takes it */
    struct replay_batch *b;      /* the batch being read and fed */
    struct trace_reader *r;
    int any_offline; /* a policy needs each request's next access */
    int want_next;   /* ... and the format does not carry it, so the
                        first pass computes it */
};

static void
replay_state_init(const struct replay_opts *o, struct replay_state *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < o->n_policies; i++)
        s->any_offline |= policy_find(o->policies[i])->needs_future;
    s->want_next = s->any_offline && !trace_has_next_access(o->format);
    s->n_caches = o->n_policies * o->n_capacities;
    s->caches = xcalloc(s->n_caches, sizeof *s->caches);
    s->res = xcalloc(s->n_caches, sizeof *s->res);
}

/* Frees all but the results, which the caller hands on or frees. */
static void
replay_state_free(struct replay_state *s)
{
    trace_close(s->r);
    for (size_t i = 0; i < s->n_caches; i++)
        cache_free(s->caches[i].store);
    free(s->caches);
    free(s->b);
    free(s->pp.next);
}

/* The first pass, when a capacity is a fraction of the working set or an
 * offline policy needs next accesses the trace does not carry. */
static int
first_pass_if_needed(const struct replay_opts *o, struct replay_state *s,
                     struct replay_summary *out, struct sim_err *err)
{
    int any_fraction = 0;
    for (size_t i = 0; i < o->n_capacities; i++)
        any_fraction |= o->capacities[i].fraction != 0;
    if (!any_fraction && !s->want_next)
        return 0;
    double t0 = now_s();
    int rc = run_prepass(o, s->want_next, &s->pp, err);
    if (rc != 0)
        return rc;
    out->did_prepass = 1;
    out->computed_next_access = s->want_next;
    out->wss_objects = s->pp.wss_objects;
    out->wss_bytes = s->pp.wss_bytes;
    out->prepass_seconds = now_s() - t0;
    return 0;
}

/* The capacity c stands for: its value, or its fraction of the working
 * set the first pass counted (objects with unit_size, else bytes). */
static int
capacity_of(const struct replay_opts *o, const struct replay_capacity *c,
            const struct prepass *pp, uint64_t *cap, struct sim_err *err)
{
    *cap = c->value;
    if (c->fraction == 0)
        return 0;
    uint64_t wss = o->unit_size ? pp->wss_objects : pp->wss_bytes;
    *cap = (uint64_t)llround(c->fraction * (double)wss);
    if (*cap == 0)
        return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--capacity",
                           "%g of a working set of %llu %s is no capacity "
                           "at all",
                           c->fraction, (unsigned long long)wss,
                           o->unit_size ? "objects" : "bytes");
    return 0;
}

/* A start() error has no position: the parameters came from --admission
 * (the policies take none here), so the field is named after it. */
static int
blame_admission(struct sim_err *err)
{
    if (err != NULL && err->file[0] == '\0' &&
        strncmp(err->field, "--", 2) != 0) {
        char field[sizeof err->field];
        snprintf(field, sizeof field, "--admission %.100s", err->field);
        memcpy(err->field, field, sizeof field);
    }
    return err ? err->code : -SIM_EBADVAL;
}

/* One cache per policy x capacity, for each policy every capacity in
 * order (the order of the results). */
static int
open_caches(const struct replay_opts *o, struct replay_state *s,
            struct sim_err *err)
{
    const struct admit_ops *adm =
        o->admission ? admit_find(o->admission) : NULL;
    for (size_t p = 0; p < o->n_policies; p++) {
        const struct policy_ops *ops = policy_find(o->policies[p]);
        for (size_t k = 0; k < o->n_capacities; k++) {
            uint64_t cap;
            int rc = capacity_of(o, &o->capacities[k], &s->pp, &cap, err);
            if (rc != 0)
                return rc;
            size_t i = p * o->n_capacities + k;
            s->caches[i].store = replay_cache_new(o, p, adm, cap, err);
            if (s->caches[i].store == NULL)
                return blame_admission(err);
            s->caches[i].is_offline = ops->needs_future;
            s->caches[i].res = &s->res[i];
            s->res[i].policy = ops->name;
            s->res[i].params = o->policy_params ? o->policy_params[p] : NULL;
            s->res[i].admission = o->admission ? o->admission : "always";
            s->res[i].capacity = cap;
        }
    }
    return 0;
}

/* The next access of rec for the offline policies: from the trace, or
 * from the first pass (whose record count it must not pass). */
static int
next_access_of(const struct replay_opts *o, const struct replay_state *s,
               const struct trace_rec *rec, int64_t *next, struct sim_err *err)
{
    *next = rec->next_access;
    if (s->want_next) {
        if (rec->index >= s->pp.n_records)
            return sim_err_set(err, -SIM_EIO, o->trace_path, 0, 0, NULL,
                               "the trace grew between the first pass and "
                               "the replay");
        *next = s->pp.next[rec->index];
    }
    if (*next < 0)
        *next = INT64_MAX;
    return 0;
}

/* Reads up to REPLAY_BATCH records into s->b. Returns 1 when the batch
 * is full, 0 at the end of the trace, or a negative code. */
static int
fill_batch(const struct replay_opts *o, struct replay_state *s,
           struct sim_err *err)
{
    struct replay_batch *b = s->b;
    struct trace_rec rec;
    int rc = 1;
    b->n = b->n_skip = 0;
    while (b->n < REPLAY_BATCH && (rc = trace_next(s->r, &rec)) == 1) {
        size_t n = b->n++;
        b->id[n] = rec.id;
        b->size[n] = o->unit_size ? 1 : rec.size;
        if (s->any_offline) {
            int code = next_access_of(o, s, &rec, &b->next[n], err);
            if (code != 0)
                return code;
        }
        if (rec.index < o->warmup)
            b->n_skip = n + 1;
    }
    if (rc < 0 && err != NULL)
        *err = *trace_error(s->r);
    return rc;
}

/* Runs the batch through every cache, timing each cache on its own. */
static void
feed_caches(struct replay_state *s)
{
    const struct replay_batch *b = s->b;
    uint64_t counted = b->n - b->n_skip, bytes = 0;
    for (size_t i = b->n_skip; i < b->n; i++)
        bytes += b->size[i];
    for (size_t i = 0; i < s->n_caches && b->n > 0; i++) {
        double t0 = now_s();
        feed(&s->caches[i], b);
        s->caches[i].res->seconds += now_s() - t0;
        s->caches[i].res->requests += counted;
        s->caches[i].res->bytes += bytes;
        s->caches[i].res->n_fed += b->n;
    }
}

/* The replay pass proper: batch after batch until the end of the trace
 * or a stop (*interrupted then 1). */
static int
replay_pass(const struct replay_opts *o, struct replay_state *s,
            struct replay_summary *out, int *interrupted, struct sim_err *err)
{
    s->b = xmalloc(sizeof *s->b);
    double t_start = now_s();
    int rc = trace_open(o->trace_path, o->format, o->trace_opts, &s->r, err);
    if (rc != 0)
        return rc;
    *interrupted = 0;
    int ended = 0;
    while (!ended) {
        if ((rc = fill_batch(o, s, err)) < 0)
            return rc;
        ended = rc == 0;
        feed_caches(s);
        out->n_records += s->b->n;
        if (!ended && stopped(o)) {
            *interrupted = 1;
            break;
        }
    }
    out->pass_seconds = now_s() - t_start;
    return 0;
}

/* What only the whole pass can tell: the trace did not change since the
 * first pass, it held requests, and the warmup left some to count. */
static int
check_pass(const struct replay_opts *o, const struct replay_state *s,
           const struct replay_summary *out, struct sim_err *err)
{
    if (s->want_next && out->n_records != s->pp.n_records)
        return sim_err_set(err, -SIM_EIO, o->trace_path, 0, 0, NULL,
                           "the trace changed between the first pass (%llu "
                           "records) and the replay (%llu)",
                           (unsigned long long)s->pp.n_records,
                           (unsigned long long)out->n_records);
    if (out->n_records == 0)
        return sim_err_set(err, -SIM_ETRACE, o->trace_path, 0, 0, NULL,
                           "the trace holds no requests");
    if (o->warmup >= out->n_records)
        return sim_err_set(err, -SIM_EBADVAL, NULL, 0, 0, "--warmup",
                           "a warmup of %llu requests leaves nothing to "
                           "count in %s (%llu requests)",
                           (unsigned long long)o->warmup, o->trace_path,
                           (unsigned long long)out->n_records);
    return 0;
}

int
replay_run(const struct replay_opts *o, struct replay_summary *out,
           struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_opts(o, err);
    if (rc != 0)
        return rc;
    struct replay_state s;
    replay_state_init(o, &s);
    int interrupted = 0;
    if ((rc = first_pass_if_needed(o, &s, out, err)) != 0 ||
        (rc = open_caches(o, &s, err)) != 0 ||
        (rc = replay_pass(o, &s, out, &interrupted, err)) != 0 ||
        (!interrupted && (rc = check_pass(o, &s, out, err)) != 0)) {
        replay_state_free(&s);
        free(s.res);
        memset(out, 0, sizeof *out);
        return rc;
    }
    replay_state_free(&s);
    out->results = s.res;
    out->n_results = s.n_caches;
    out->is_complete = !interrupted;
    if (interrupted)
        return sim_err_set(err, -SIM_EINTR, NULL, 0, 0, NULL,
                           "interrupted after %llu requests",
                           (unsigned long long)out->n_records);
    return 0;
}

void
replay_summary_fini(struct replay_summary *s)
{
    if (s == NULL)
        return;
    free(s->results);
    memset(s, 0, sizeof *s);
}
