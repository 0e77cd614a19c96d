/* top.c: `--top N`, the objects that load the origin most. While a run
 * with --top counts, each object requested in the measured part gets a
 * record (an idmap from its id to a slot of a growing array): its client
 * requests, the requests for it that reached an origin and the bytes the
 * origin sent for them (a 304 sends none). The memory is one record (32
 * bytes) and one idmap slot (17-34 bytes) per distinct object requested,
 * bounded by the catalog (or the trace's distinct objects), never by the
 * requests; runs without --top keep nothing and pay one predictable
 * branch per origin request and per arrival. The counts are exact. At the
 * end the N with the most origin requests, and the N with the most
 * origin bytes, go to the run's record (met_run.top_by_requests, ...). */
#include "model/model_int.h"

#include <stdlib.h>

#include "util/xalloc.h"

struct top_rec {
    uint64_t object;
    uint64_t requests;        /* measured client requests */
    uint64_t origin_requests; /* measured requests reaching an origin */
    uint64_t origin_bytes;    /* bytes the origin sent for them */
};

struct top_counter {
    uint64_t n_top;       /* N of --top */
    struct idmap slot_of; /* object id -> index into recs */
    struct top_rec *recs;
    size_t n_recs, cap_recs;
};

void
top_init(struct cdn *c, uint64_t n_top)
{
    if (n_top == 0)
        return;
    c->top = xcalloc(1, sizeof *c->top);
    c->top->n_top = n_top;
    idmap_init(&c->top->slot_of);
}

void
top_fini(struct cdn *c)
{
    if (c->top == NULL)
        return;
    idmap_fini(&c->top->slot_of);
    free(c->top->recs);
    free(c->top);
    c->top = NULL;
}

/* The record of object, made on first use. */
static struct top_rec *
record_of(struct top_counter *t, uint64_t object)
{
    uint32_t i = idmap_get(&t->slot_of, object);
    if (i == IDMAP_EMPTY) {
        SIM_ASSERT(t->n_recs < IDMAP_EMPTY);
        t->recs =
            xgrow(t->recs, &t->cap_recs, t->n_recs + 1, sizeof *t->recs, 1024);
        i = (uint32_t)t->n_recs++;
        t->recs[i] = (struct top_rec){.object = object};
        idmap_put(&t->slot_of, object, i);
    }
    return &t->recs[i];
}

void
top_count_request(struct cdn *c, uint64_t object)
{
    record_of(c->top, object)->requests++;
}

void
top_count_origin(struct cdn *c, uint64_t object, uint64_t bytes)
{
    struct top_rec *r = record_of(c->top, object);
    r->origin_requests++;
    r->origin_bytes += bytes;
}

/* Most origin requests first; ties: more bytes, then the smaller id (a
 * total order, so the list is the same on every platform). */
static int
by_requests(const void *a, const void *b)
{
    const struct top_rec *x = a, *y = b;
    if (x->origin_requests != y->origin_requests)
        return x->origin_requests > y->origin_requests ? -1 : 1;
    if (x->origin_bytes != y->origin_bytes)
        return x->origin_bytes > y->origin_bytes ? -1 : 1;
    return x->object < y->object ? -1 : x->object > y->object;
}

/* Most origin bytes first; ties: more requests, then the smaller id. */
static int
by_bytes(const void *a, const void *b)
{
    const struct top_rec *x = a, *y = b;
    if (x->origin_bytes != y->origin_bytes)
        return x->origin_bytes > y->origin_bytes ? -1 : 1;
    if (x->origin_requests != y->origin_requests)
        return x->origin_requests > y->origin_requests ? -1 : 1;
    return x->object < y->object ? -1 : x->object > y->object;
}

/* The first n of recs as the run's list (objects with no origin
 * request are left out). */
static struct met_top_object *
top_list(const struct cdn *c, const struct top_rec *recs, size_t n,
         size_t *n_out)
{
    struct met_top_object *v = xcalloc(n ? n : 1, sizeof *v);
    size_t k = 0;
    for (; k < n && recs[k].origin_requests > 0; k++) {
        const struct cfg_class *cl = wl_gen_class_of(c->gen, recs[k].object);
        v[k] = (struct met_top_object){
            .object = recs[k].object,
            .class_name = cl != NULL ? cl->name : NULL,
            .requests = recs[k].requests,
            .origin_requests = recs[k].origin_requests,
            .origin_bytes = recs[k].origin_bytes,
        };
    }
    *n_out = k;
    return v;
}

void
top_finish(struct cdn *c, struct met_run *m)
{
    if (c->top == NULL)
        return;
    struct top_counter *t = c->top;
    size_t n = t->n_top < t->n_recs ? (size_t)t->n_top : t->n_recs;
    m->has_top = 1;
    qsort(t->recs, t->n_recs, sizeof *t->recs, by_requests);
    m->top_by_requests = top_list(c, t->recs, n, &m->n_top_by_requests);
    qsort(t->recs, t->n_recs, sizeof *t->recs, by_bytes);
    m->top_by_bytes = top_list(c, t->recs, n, &m->n_top_by_bytes);
}
