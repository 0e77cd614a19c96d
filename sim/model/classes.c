/* classes.c: counting the client requests of each content class
 * (metrics/classes.c has the record), as a region's are counted. Called
 * by observe.c only when the workload names classes, so that runs
 * without them pay one test per request; functions of their own file so
 * that the observers they are called from stay small. */
#include "model/model_int.h"
#include "model/observers.h"

/* The record of client request r's class: of its object, not of its
 * cache key, whose variant and query bits would make another id. */
static struct met_region *
class_record(const struct cdn *c, const struct req *r)
{
    const struct cfg_class *k =
        wl_gen_class_of(c->gen, key_object(c, r->object));
    return &c->m->classes[k - c->w->classes];
}

void
class_count_arrival(struct cdn *c, const struct req *r)
{
    struct met_region *k = class_record(c, r);
    k->requests++;
    k->bytes += r->size;
}

void
class_count_answer(struct cdn *c, const struct req *r, int outdated,
                   uint64_t latency_ns)
{
    struct met_region *k = class_record(c, r);
    k->outdated += (uint64_t)outdated;
    if (r->via_origin) {
        k->from_origin++;
        k->bytes_from_origin += r->size;
    } else {
        k->hits++;
        k->bytes_hit += r->size;
    }
    met_hist_record(&k->latency, latency_ns);
}

void
class_count_failed(struct cdn *c, const struct req *r)
{
    struct met_region *k = class_record(c, r);
    k->errors++;
    k->bytes_failed += r->size;
}
