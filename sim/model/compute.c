/* compute.c: what edges compute for a content class (an edge's
 * compute: block, sim/config/compute.c): compression, image
 * transformation and edge functions.
 *
 * Compression: a share `accept` of a class's client requests at the edge
 * send Accept-Encoding (drawn per request from the run's compute
 * stream). Their copy is a cache variant of its own, the compressed one
 * (bit KEY_ENCODED of the key, as Vary: Accept-Encoding keys it, RFC
 * 9110 12.5.3); the others get the identity copy. Upstream, the edge asks
 * for the identity object, and it compresses the body that comes: once
 * per compressed copy it produces, at cpu_ms each, and the answer shrinks
 * to ratio x its size (rounded, at least 1 byte).
 *
 * Transformation: every variant of the class's vary: dimensions is made
 * at the edge from the origin's one object (the Shopify case: one image,
 * many sizes and formats). The edge keys on the variant; upstream it
 * asks for the object itself (the variant bits cleared), so the shields
 * and the origin hold one copy per object instead of one per variant.
 * One transform per variant produced, at cpu_ms, and the variant weighs
 * ratio x the object. With both, the variant is compressed after it is
 * made.
 *
 * An edge function runs on every client answer the edge sends that is
 * not an error: hit_ms on a hit (a fresh or stale copy of its own),
 * miss_ms on anything else.
 *
 * CPU time is a plain delay: a produced copy is stored, and its waiters
 * answered, cpu_ms after its body came (new requests for it coalesce
 * meanwhile); a function's time is added before the answer leaves, and
 * counts in the edge's latency. No CPU is a server: nothing queues for
 * one, so compute never limits throughput (a node's servers: do that).
 * Counted per edge, measured requests only: compute_cpu_ns (all three),
 * compressions and transforms (copies produced), compress_saved (bytes
 * compressed answers did not send) and function_runs. 404s are neither
 * compressed nor transformed. Workloads without any compute: never build
 * this (c->compute is NULL) and pay one bit test per answer.
 */
#include "model/edge.h"
#include "model/model_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct compute {
    const struct cfg_compute **rule; /* [node * n_classes + class], or
                                        NULL: none */
    uint8_t *has_rule;               /* [node]: some class has one */
    int needs_keys;                  /* some rule compresses or transforms */
    gsl_rng *rng;                    /* Accept-Encoding draws */
    uint64_t *base_size;             /* [request slot]: compute_pending
                                        requests' origin object size */
    size_t base_cap;
};

/* The class of the workload named cc->class_name, or an input error at
 * the name's place in the topology. */
static int
resolve_class(const struct cdn *c, const struct cfg_compute *cc, size_t *out,
              struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    for (size_t k = 0; k < w->n_classes; k++)
        if (strcmp(w->classes[k].name, cc->class_name) == 0) {
            *out = k;
            return 0;
        }
    return sim_err_set(
        err, -SIM_ENOENT, cc->mark.file, cc->mark.line, cc->mark.col, cc->field,
        "workload \"%s\" has no class \"%s\"%s", w->name, cc->class_name,
        w->n_classes == 0 ? " (a trace has no classes)" : "");
}

int
compute_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_topology *t = c->t;
    size_t nc = c->w->n_classes;
    int any = 0;
    for (size_t i = 0; i < t->n_nodes; i++)
        any |= t->nodes[i].n_compute > 0;
    if (!any)
        return 0;
    struct compute *cp = xcalloc(1, sizeof *cp);
    c->compute = cp;
    cp->rule = xcalloc(t->n_nodes * (nc ? nc : 1), sizeof *cp->rule);
    cp->has_rule = xcalloc(t->n_nodes, 1);
    cp->rng = sim_rng_new(c->w->seed, SIM_RNG_ID(SIM_RNG_COMPUTE, 0));
    for (size_t i = 0; i < t->n_nodes; i++)
        for (size_t j = 0; j < t->nodes[i].n_compute; j++) {
            const struct cfg_compute *cc = &t->nodes[i].compute[j];
            size_t k = 0;
            int rc = resolve_class(c, cc, &k, err);
            if (rc != 0)
                return rc;
            cp->rule[i * nc + k] = cc;
            cp->has_rule[i] = 1;
            cp->needs_keys |= cc->has_compress || cc->has_transform;
        }
    return 0;
}

void
compute_fini(struct cdn *c)
{
    struct compute *cp = c->compute;
    if (cp == NULL)
        return;
    free(cp->rule);
    free(cp->has_rule);
    free(cp->base_size);
    gsl_rng_free(cp->rng);
    free(cp);
    c->compute = NULL;
}

int
compute_needs_keys(const struct cdn *c)
{
    return c->compute != NULL && c->compute->needs_keys;
}

/* Node ni's rule for the class of key, or NULL. */
static const struct cfg_compute *
rule_of(const struct cdn *c, uint32_t ni, uint64_t key)
{
    const struct compute *cp = c->compute;
    if (!cp->has_rule[ni])
        return NULL;
    const struct cfg_class *k = wl_gen_class_of(c->gen, key_object(c, key));
    if (k == NULL)
        return NULL;
    return cp->rule[ni * c->w->n_classes + (size_t)(k - c->w->classes)];
}

/* size x ratio, rounded, at least 1 byte. */
static uint64_t
scaled(uint64_t size, double ratio)
{
    double v = nearbyint((double)size * ratio);
    return v >= 1 ? (uint64_t)v : 1;
}

/* Measured client request r will get `less` bytes fewer than its object
 * weighs: the client figures (which counted the object when r arrived)
 * count what the edge sends, as its answer will. */
static void
count_smaller(struct cdn *c, const struct req *r, uint64_t less)
{
    struct met_run *m = c->m;
    m->bytes -= less;
    m->regions[r->region].bytes -= less;
    if (m->classes != NULL) {
        const struct cfg_class *k =
            wl_gen_class_of(c->gen, key_object(c, r->object));
        m->classes[k - c->w->classes].bytes -= less;
    }
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
compute_at_node(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    if (r->child != REQ_NIL)
        return;
    const struct cfg_compute *cc = rule_of(c, r->node, r->object);
    if (cc == NULL)
        return;
    struct compute *cp = c->compute;
    cp->base_size = xgrow(cp->base_size, &cp->base_cap, (size_t)s + 1,
                          sizeof *cp->base_size, 1024);
    cp->base_size[s] = r->size;
    r->compute_pending = 1;
    int encoded = cc->has_compress && gsl_rng_uniform(cp->rng) < cc->accept;
    if (wl_is_missing(c->w, key_object(c, r->object)))
        return; /* a 404 is sent as it is */
    if (!encoded && !cc->has_transform)
        return;
    uint64_t size = r->size;
    if (cc->has_transform)
        size = scaled(size, cc->transform_ratio);
    if (encoded) {
        size = scaled(size, cc->compress_ratio);
        r->object |= KEY_ENCODED; /* cache_key_at_node hashes it */
    }
    if (r->measured)
        count_smaller(c, r, r->size - size);
    r->size = size;
    r->produce = 1;
    if (r->explain)
        narrate(c, now, "  %s: asks for the %s copy, %llu bytes",
                node_name(c, r->node),
                !encoded            ? "transformed"
                : cc->has_transform ? "transformed, compressed"
                                    : "compressed",
                (unsigned long long)size);
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
compute_upstream(struct cdn *c, struct req *up, uint32_t s)
{
    uint8_t produce = up->produce;
    up->compute_pending = 0;
    up->produce = 0;
    if (!produce)
        return;
    const struct cfg_compute *cc = rule_of(c, c->reqs[s].node, up->object);
    SIM_ASSERT(cc != NULL);
    up->size = c->compute->base_size[s];
    up->object &= ~(KEY_ENCODED | (cc->has_transform ? KEY_COMBO_MASK : 0));
    up->hash = hash_key32(up->object);
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
compute_copy(struct cdn *c, uint32_t b, uint32_t s)
{
    struct compute *cp = c->compute;
    cp->base_size = xgrow(cp->base_size, &cp->base_cap, (size_t)b + 1,
                          sizeof *cp->base_size, 1024);
    cp->base_size[b] = cp->base_size[s];
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) int
compute_produce(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    r->produce = 0;
    if (r->negative)
        return 0;
    const struct cfg_compute *cc = rule_of(c, r->node, r->object);
    SIM_ASSERT(cc != NULL);
    int encoded = (r->object & KEY_ENCODED) != 0;
    int64_t cpu = (cc->has_transform ? cc->transform_cpu_ns : 0) +
                  (encoded ? cc->compress_cpu_ns : 0);
    if (r->measured) {
        struct met_counters *mc = &c->m->nodes[r->node].c;
        mc->transforms += (uint64_t)cc->has_transform;
        mc->compressions += (uint64_t)encoded;
        mc->compute_cpu_ns += (uint64_t)cpu;
    }
    if (r->explain)
        narrate(c, now, "  %s: %s the body: %.3f ms of CPU",
                node_name(c, r->node),
                !encoded            ? "transforms"
                : cc->has_transform ? "transforms and compresses"
                                    : "compresses",
                (double)cpu / 1e6);
    if (cpu == 0)
        return 0;
    sim_queue_push(&c->q, now + cpu, EV_PRODUCED, r->node, s);
    return 1;
}

int
compute_respond(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    r->compute_pending = 0;
    if (r->failed)
        return 0;
    const struct cfg_compute *cc = rule_of(c, r->node, r->object);
    SIM_ASSERT(cc != NULL);
    struct met_counters *mc = &c->m->nodes[r->node].c;
    if (r->measured && (r->object & KEY_ENCODED) != 0 && !r->negative) {
        uint64_t base = c->compute->base_size[s];
        uint64_t identity =
            cc->has_transform ? scaled(base, cc->transform_ratio) : base;
        mc->compress_saved += identity - r->size;
    }
    if (!cc->has_function)
        return 0;
    int is_hit = r->outcome == MET_OUT_HIT || r->outcome == MET_OUT_UPDATING ||
                 r->outcome == MET_OUT_STALE;
    int64_t fn = is_hit ? cc->hit_ns : cc->miss_ns;
    if (r->measured) {
        mc->function_runs++;
        mc->compute_cpu_ns += (uint64_t)fn;
    }
    if (r->explain)
        narrate(c, now, "  %s: its edge function runs on the %s: %.3f ms",
                node_name(c, r->node), is_hit ? "hit" : "miss",
                (double)fn / 1e6);
    if (fn == 0)
        return 0;
    sim_queue_push(&c->q, now + fn, EV_FUNCTION_DONE, r->node, s);
    return 1;
}
