/* gen_trace.c: a trace-driven workload: the records of a trace file, read
 * one at a time as the run needs them (constant memory however long the
 * trace), their timestamps turned into arrival times.
 *
 * Time: simulated time = (record time - base) x time_unit / speedup, where
 * base is the first record's time (rebase: true, the default) or 0. A
 * record earlier than the one before it is an error naming it, or, with
 * out_of_order: clamp, arrives at the previous record's time and is
 * counted (wl_gen_n_reordered). Records with equal times arrive together,
 * in file order.
 *
 * Each record gives the object and its size (a size of 0 counts as 1
 * byte); csv traces may add a region (a topology region's name: the
 * request comes from that region), a ttl (replacing catalog.ttl), an
 * s_maxage (replacing both: caches are shared), stale_while_revalidate
 * and stale_if_error windows (replacing the catalog's), tags (surrogate
 * keys, for purges by tag: purge_select.c), a version (the origin's
 * version of the object at that time) and cacheable (0: sent no-store).
 * Records without a region are spread over the regions by weight, from a
 * seeded stream.
 */
#include "workload/gen_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/xalloc.h"
#include "workload/trace_int.h"

static enum trace_format
format_of(enum cfg_trace_format f)
{
    switch (f) {
    case CFG_TRACE_CSV:
        return TRACE_CSV;
    case CFG_TRACE_WEBCACHESIM:
        return TRACE_WEBCACHESIM;
    case CFG_TRACE_ORACLE_GENERAL:
        break;
    }
    return TRACE_ORACLE_GENERAL;
}

int
wl_trace_init(struct wl_gen *g, struct sim_err *err)
{
    const struct cfg_workload *w = g->w;
    const struct cfg_trace *tr = &w->trace;
    struct wl_trace_src *t = xcalloc(1, sizeof *t);
    g->trace = t;
    struct trace_opts o = {.columns = tr->columns};
    struct sim_err rerr = {0};
    int rc = trace_open(tr->path, format_of(tr->format), &o, &t->reader, &rerr);
    if (rc == -SIM_EUSAGE || rc == -SIM_EBADVAL) {
        /* The workload's columns do not fit the file's header. */
        return sim_err_set(err, -SIM_EBADVAL, tr->columns_mark.file,
                           tr->columns_mark.line, tr->columns_mark.col,
                           "trace.columns", "%s: %s", tr->path, rerr.msg);
    }
    if (rc == -SIM_EIO && rerr.line == 0) {
        /* Cannot open or read it: point at the workload's path. */
        return sim_err_set(err, rc, tr->mark.file, tr->mark.line, tr->mark.col,
                           "trace.path", "%s: %s", tr->path, rerr.msg);
    }
    if (rc != 0) {
        *err = rerr;
        return rc;
    }
    if (g->n_regions > 1)
        t->region_rng =
            sim_rng_new(w->seed, SIM_RNG_ID(WL_RNG_TRACE_REGION, 0));
    return 0;
}

void
wl_trace_fini(struct wl_gen *g)
{
    struct wl_trace_src *t = g->trace;
    if (t == NULL)
        return;
    trace_close(t->reader);
    if (t->region_rng)
        gsl_rng_free(t->region_rng);
    free(t);
    g->trace = NULL;
}

/* Where a record is, for messages: "line N" for text formats, "record N"
 * for oracle_general; and the 1-based line (or record) number. */
/* t, or CFG_TIME_MAX_NS when longer: 3650 days is as good as forever. */
static int64_t
clamp_time(int64_t t)
{
    return t < CFG_TIME_MAX_NS ? t : CFG_TIME_MAX_NS;
}

static uint64_t
rec_where(const struct trace_reader *r, const struct trace_rec *rec, char *buf,
          size_t len)
{
    if (r->format == TRACE_ORACLE_GENERAL) {
        snprintf(buf, len, "record %llu", (unsigned long long)rec->index + 1);
        return rec->index + 1;
    }
    snprintf(buf, len, "line %llu", (unsigned long long)r->n_lines);
    return r->n_lines;
}

/* The 1-based column of a role in the record's line, 0 if unknown. */
static int
rec_col(const struct trace_reader *r, int role)
{
    if (r->format == TRACE_CSV)
        return r->col[role] + 1;
    if (r->format == TRACE_WEBCACHESIM)
        return role == TRACE_COL_TIME ? 1 : 0;
    return 0;
}

/* The region the record names, or -1 (with the error recorded). */
static int
rec_region(struct wl_gen *g, const struct trace_rec *rec)
{
    struct trace_reader *r = g->trace->reader;
    for (uint32_t k = 0; k < g->n_regions; k++)
        if (strlen(g->region_names[k]) == rec->region_len &&
            memcmp(g->region_names[k], rec->region, rec->region_len) == 0)
            return (int)k;
    char where[48], known[256];
    uint64_t line = rec_where(r, rec, where, sizeof where);
    size_t n = 0;
    known[0] = '\0';
    for (uint32_t k = 0; k < g->n_regions && n < sizeof known; k++)
        n += (size_t)snprintf(known + n, sizeof known - n, "%s%s",
                              k ? ", " : "", g->region_names[k]);
    return trace_fail(r, -SIM_ETRACE, line, rec_col(r, TRACE_COL_REGION),
                      "region",
                      "%s: no region \"%.*s\" in the topology (its regions: "
                      "%s)",
                      where, (int)(rec->region_len > 40 ? 40 : rec->region_len),
                      rec->region, known);
}

/* The simulated arrival time of record rec: rebased, moved up to the
 * time before it when out of order and allowed (else an error), scaled
 * by the time unit and speedup. Returns 0 or a trace_fail code. */
static int
trace_arrival(struct wl_gen *g, const struct trace_rec *rec, int64_t *out_at)
{
    const struct cfg_trace *tr = &g->w->trace;
    struct wl_trace_src *t = g->trace;
    struct trace_reader *r = t->reader;
    char where[48];
    int rc;
    int64_t time = rec->time;
    if (!t->has_base) {
        t->has_base = 1;
        t->base = tr->is_rebased ? time : 0;
        t->last_time = t->base;
    }
    if (time < t->last_time) {
        if (!tr->is_clamp_out_of_order) {
            uint64_t line = rec_where(r, rec, where, sizeof where);
            rc = trace_fail(r, -SIM_ETRACE, line, rec_col(r, TRACE_COL_TIME),
                            "time",
                            "%s: time %lld is earlier than the time before "
                            "it (%lld): the trace must be in time order (or "
                            "set trace.out_of_order: clamp)",
                            where, (long long)time, (long long)t->last_time);
            return rc;
        }
        time = t->last_time;
        t->n_reordered++;
    }
    t->last_time = time;
    /* long double holds every int64 exactly, and rounding is monotone, so
     * arrival times never go backwards. */
    long double at = (long double)(time - t->base) *
                     (long double)tr->time_unit_ns / (long double)tr->speedup;
    if (!(at < (long double)WL_NEVER)) {
        uint64_t line = rec_where(r, rec, where, sizeof where);
        rc =
            trace_fail(r, -SIM_ETRACE, line, rec_col(r, TRACE_COL_TIME), "time",
                       "%s: time %lld lies more than 146 years after the "
                       "start (check trace.time_unit)",
                       where, (long long)time);
        return rc;
    }
    *out_at = (int64_t)at;
    return 0;
}

/* The record's TTL and stale windows, the workload's where it gives
 * none, clamped to what a configuration may give. */
static void
trace_lifetimes(const struct cfg_workload *w, const struct trace_rec *rec,
                struct wl_request *out)
{
    /* s-maxage wins at shared caches; the catalog's keys are defaults for
     * the records that give nothing. A record's 0 (max-age=0, no-cache)
     * means stale at once, every use revalidated: a lifetime of 1 ns, as
     * 0 stands for "never expires" inside. */
    if (rec->has & TRACE_HAS_S_MAXAGE)
        out->ttl_ns = rec->s_maxage_ns > 0 ? rec->s_maxage_ns : 1;
    else if (w->s_maxage_ns > 0)
        out->ttl_ns = w->s_maxage_ns;
    else if (rec->has & TRACE_HAS_TTL)
        out->ttl_ns = rec->ttl_ns > 0 ? rec->ttl_ns : 1;
    else
        out->ttl_ns = w->ttl_ns;
    out->swr_ns = rec->has & TRACE_HAS_SWR ? rec->swr_ns : w->swr_ns;
    out->sie_ns = rec->has & TRACE_HAS_SIE ? rec->sie_ns : w->sie_ns;
    /* A record's lifetimes are clamped to the longest a configuration may
     * give (config.h), so that the model's sums of them stay in range. */
    out->ttl_ns = clamp_time(out->ttl_ns);
    out->swr_ns = clamp_time(out->swr_ns);
    out->sie_ns = clamp_time(out->sie_ns);
}

int
wl_trace_advance(struct wl_gen *g)
{
    struct wl_trace_src *t = g->trace;
    struct trace_reader *r = t->reader;
    struct wl_request *out = &g->next[0];
    struct trace_rec rec;
    int rc = trace_next(r, &rec);
    if (rc <= 0) {
        out->at = WL_NEVER;
        if (rc < 0)
            g->err = *trace_error(r);
        return rc;
    }
    int64_t at = WL_NEVER;
    if ((rc = trace_arrival(g, &rec, &at)) != 0)
        goto fail;
    out->at = at;
    out->object = rec.id;
    out->size = rec.size ? rec.size : 1;
    trace_lifetimes(g->w, &rec, out);
    out->version = rec.has & TRACE_HAS_VERSION
                       ? (uint32_t)(rec.version & 0x7fffffffu)
                       : WL_NO_VERSION;
    out->is_uncacheable = rec.has & TRACE_HAS_CACHEABLE ? !rec.is_cacheable : 0;
    out->class_id = 0;
    if (rec.has & TRACE_HAS_REGION) {
        int k = rec_region(g, &rec);
        if (k < 0) {
            rc = k;
            goto fail;
        }
        out->region = (uint32_t)k;
    } else {
        out->region = wl_pick_region(g, t->region_rng);
    }
    wl_purge_index_add(g, &rec);
    return 1;
fail:
    out->at = WL_NEVER;
    g->err = *trace_error(r);
    return rc;
}
