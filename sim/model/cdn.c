/* cdn.c: building a CDN from a topology and a workload, and freeing it.
 *
 * A cdn holds one node per topology node (its cache, links, outages and
 * servers), the regions' links, the workload source and the event queue.
 * The run is run.c's; a request's life at a node is request.c's.
 */
#include "model/model_int.h"

#include <stdlib.h>

#include "model/content.h"
#include "model/edge.h"
#include "model/faults.h"
#include "model/observers.h"
#include "model/origin_route.h"
#include "model/transfer.h"
#include "util/hash.h"

/* Node i of the topology: its links are route_init's, its outages
 * outage_init's. Returns 0 or an error code with err filled. */
static int
node_init(struct cdn *c, uint32_t i, struct sim_err *err)
{
    const struct cfg_node *cn = &c->t->nodes[i];
    struct node *n = &c->nodes[i];
    uint64_t seed = c->w ? c->w->seed : 1;
    idmap_init(&n->inflight);
    n->parent = cn->parent < 0 ? REQ_NIL : (uint32_t)cn->parent;
    n->backup = cn->backup_parent < 0 ? REQ_NIL : (uint32_t)cn->backup_parent;
    if (cn->service.is_set) {
        n->service = &cn->service;
        n->service_rng = sim_rng_new(seed, SIM_RNG_ID(SIM_RNG_SERVICE, i));
        n->is_gated = 1;
    }
    if (!cn->has_cache)
        return 0;
    miss_cause_init(c, i);
    n->cache = cache_new_from_cfg(&cn->cache, hash_combine(seed, i), err);
    if (n->cache == NULL)
        return err->code < 0 ? err->code : -SIM_EBADVAL;
    if (cache_ops(n->cache)->needs_future) {
        /* XXX: synthetic runs could precompute next accesses by
         * generating ahead; until then offline policies are for replay. */
        char *field = xasprintf("%s.policy", cn->cache.field);
        sim_err_set(err, -SIM_EBADVAL, cn->cache.policy_mark.file,
                    cn->cache.policy_mark.line, cn->cache.policy_mark.col,
                    field,
                    "policy \"%s\" needs to know future requests: "
                    "use it with `cdnsim replay`",
                    cn->cache.policy);
        free(field);
        return -SIM_EBADVAL;
    }
    return 0;
}

/* The workload source, which opens its trace (if any) now, so that a
 * missing or malformed one is reported before anything runs. */
static int
workload_init(struct cdn *c, struct sim_err *err)
{
    const struct cfg_topology *t = c->t;
    const char **names = xcalloc(t->n_regions, sizeof *names);
    double *weights = xcalloc(t->n_regions, sizeof *weights);
    for (size_t r = 0; r < t->n_regions; r++) {
        names[r] = t->regions[r].name;
        weights[r] = t->regions[r].weight;
    }
    int rc =
        wl_gen_new(c->w, names, weights, (uint32_t)t->n_regions, &c->gen, err);
    free(names);
    free(weights);
    return rc;
}

/*
 * The channels of the node links. Every event sent over a link with a
 * constant delay is scheduled that delay after the moment it is sent, and
 * the clock never goes back, so the events of one delay come due in the
 * order they were sent, whatever link and direction they cross: one
 * channel per distinct delay is monotone. Sharing it keeps the heap to a
 * few heads (the default scenario's 10 link directions have 5 delays,
 * since a link's RTT in whole milliseconds splits evenly both ways), so
 * that the sift after a pop rarely goes below the root's children. The
 * pop order is the same: every pop takes the least (time, seq).
 */
static void
link_channels(struct cdn *c, struct idmap *by_delay, struct link *l)
{
    int64_t delays[2] = {l->up_ns, l->down_ns};
    uint32_t *channels[2] = {&l->up_channel, &l->down_channel};
    for (int d = 0; d < 2; d++) {
        uint64_t key = (uint64_t)delays[d];
        uint32_t ch = idmap_get(by_delay, key);
        if (ch == IDMAP_EMPTY) {
            ch = sim_queue_channel(&c->q);
            idmap_put(by_delay, key, ch);
        }
        *channels[d] = ch;
    }
}

static void
link_channels_init(struct cdn *c)
{
    struct idmap by_delay; /* delay in ns -> channel */
    idmap_init(&by_delay);
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        link_channels(c, &by_delay, &c->nodes[i].to_parent);
        link_channels(c, &by_delay, &c->nodes[i].to_backup);
    }
    size_t n_routed; /* after the nodes' own: their channels stay put */
    struct link *routed = origin_route_links(c, &n_routed);
    for (size_t k = 0; k < n_routed; k++)
        link_channels(c, &by_delay, &routed[k]);
    idmap_fini(&by_delay);
}

struct cdn *
cdn_new(const struct cfg_topology *t, const struct cfg_workload *w,
        struct sim_err *err)
{
    struct cdn *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->w = w;
    c->n_nodes = (uint32_t)t->n_nodes;
    c->is_no_cdn = t->is_no_cdn;
    c->nodes = xcalloc(c->n_nodes, sizeof *c->nodes);
    for (uint32_t i = 0; i < c->n_nodes; i++)
        if (node_init(c, i, err) != 0) {
            cdn_free(c);
            return NULL;
        }
    if (origin_route_init(c, err) != 0 ||
        pop_init(c, err) != 0) { /* origin_routes, cache_servers */
        cdn_free(c);
        return NULL;
    }
    route_init(c);
    overload_init(c);
    placement_init(c);
    if (w != NULL)
        video_init(c);
    if (w != NULL && (content_init(c, err) != 0 || alerts_init(c, err) != 0 ||
                      workload_init(c, err) != 0)) {
        cdn_free(c);
        return NULL;
    }
    outage_init(c);
    brownout_init(c);
    sim_queue_init(&c->q);
    link_channels_init(c);
    c->arrival_channel = sim_queue_channel(&c->q);
    /* One arrival is pending at a time: its channel empties at every
     * arrival and is refilled at once, so it stays out of the heap. */
    sim_queue_set_express(&c->q, c->arrival_channel);
    shared_init(c);
    c->req_free = REQ_NIL;
    return c;
}

const struct wl_gen *
cdn_workload(const struct cdn *c)
{
    return c->gen;
}

void
cdn_free(struct cdn *c)
{
    if (c == NULL)
        return;
    pop_fini(c); /* frees the stores of PoP nodes' servers */
    for (uint32_t i = 0; i < c->n_nodes; i++) {
        cache_free(c->nodes[i].cache);
        idmap_fini(&c->nodes[i].inflight);
        miss_cause_fini(c, i);
        if (c->nodes[i].service_rng)
            gsl_rng_free(c->nodes[i].service_rng);
        free(c->nodes[i].waiting);
    }
    free(c->nodes);
    overload_fini(c);
    placement_fini(c);
    alerts_fini(c);
    video_fini(c);
    brownout_fini(c);
    top_fini(c);
    shared_fini(c);
    route_fini(c);
    origin_route_fini(c);
    content_fini(c);
    sim_queue_fini(&c->q);
    wl_gen_free(c->gen);
    free(c->reqs);
    free(c->up_deadline);
    free(c);
}
