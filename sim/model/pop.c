/* pop.c: a PoP as several cache servers (a caching node's cache_servers).
 *
 * A key goes to one server: by consistent hashing (pop_ring.c), the
 * server of the first ring point after the key's hash that is up, or by
 * modulo hashing, the (hash mod live)-th live server. Each server has two
 * stores: RAM (its own capacity and policy) in front of SSD (the node's
 * cache config, capacity / count). The rule, as in Apache Traffic Server's
 * RAM cache in front of its disk cache:
 *
 *   - a lookup reads RAM first; a RAM copy serves only while fresh (an
 *     expired or soft-purged one is dropped there, and the lookup goes on
 *     to SSD, which decides stale-while-revalidate and revalidation);
 *   - a fetched body is written to SSD only, through the node's admission
 *     policy (RAM sees only what was read back);
 *   - a fresh hit on SSD copies the object into RAM (promotion), which
 *     may evict from RAM; SSD keeps its copy (the tiers are inclusive:
 *     a RAM eviction loses nothing);
 *   - a fresh hit is answered after its tier's latency (EV_TIER_READ);
 *     misses pay none (the index is in memory), nor do stale answers
 *     (XXX: they read the SSD too).
 *
 * A server failure (failures:) takes the server out of the hashing: its
 * keys go to the next live server on the ring (rehashed), every other key
 * stays. The server loses its RAM (a restart) and keeps its SSD, so its
 * keys come back warm but not hot when it recovers. Failures are applied
 * when the node next handles a request, so server_failures counts those
 * that began before the last request the node saw.
 *
 * The node's other state stays per node: its in-flight map (coalescing),
 * its servers and queue (servers:), its outages and its miss causes (a
 * miss at a server that is not the key's home is told as cold or
 * capacity by what the node as a whole stored; rehashed_cold counts it).
 */
#include "model/model_int.h"
#include "model/pop.h"

#include <stdlib.h>
#include <string.h>

#include "model/content.h"
#include "model/edge.h"
#include "util/hash.h"

/* A change of a server's state: a failure starts (+1) or ends (-1). */
struct pop_change {
    int64_t at;
    uint32_t server;
    int delta;
};

struct pop {
    const struct cfg_pop *cfg;
    uint32_t node;
    struct pop_ring ring;     /* consistent hashing only */
    struct cache_store **ram; /* [count] */
    struct cache_store **ssd; /* [count] */
    uint32_t *down;           /* [count]: failures under way */
    uint32_t n_down;          /* servers with down > 0 */
    uint32_t *live;           /* modulo: the live servers, ascending */
    uint32_t n_live;
    struct pop_change *changes;    /* sorted by at, ends first */
    size_t n_changes, next_change; /* the first not applied yet */
    uint32_t server;               /* the current request's server */
    int is_ram;                    /* its lookup reads the RAM tier */
};

static int
change_cmp(const void *a, const void *b)
{
    const struct pop_change *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->delta != y->delta) /* a server back at t is up before a failure
                                 at t takes it again */
        return x->delta < y->delta ? -1 : 1;
    return (x->server > y->server) - (x->server < y->server);
}

static void
live_rebuild(struct pop *p)
{
    p->n_live = 0;
    for (uint32_t k = 0; k < p->cfg->count; k++)
        if (p->down[k] == 0)
            p->live[p->n_live++] = k;
}

/* Server k's stores: SSD is the node's cache config with its share of
 * the capacity; RAM its own. */
static int
pop_stores(struct pop *p, const struct cfg_node *cn, uint64_t seed, uint32_t k,
           struct sim_err *err)
{
    struct cfg_cache ssd = cn->cache;
    ssd.capacity_bytes = cn->cache.capacity_bytes / p->cfg->count;
    p->ssd[k] = cache_new_from_cfg(&ssd, hash_combine(seed, 2 * k + 1), err);
    if (p->ssd[k] == NULL)
        return err->code < 0 ? err->code : -SIM_EBADVAL;
    const struct cfg_cache *rc = &p->cfg->ram;
    p->ram[k] = cache_new_from_cfg(rc, hash_combine(seed, 2 * k + 2), err);
    if (p->ram[k] == NULL)
        return err->code < 0 ? err->code : -SIM_EBADVAL;
    if (cache_ops(p->ram[k])->needs_future)
        return sim_err_set(err, -SIM_EBADVAL, rc->policy_mark.file,
                           rc->policy_mark.line, rc->policy_mark.col, rc->field,
                           "policy \"%s\" needs to know future requests: "
                           "use it with `cdnsim replay`",
                           rc->policy);
    return 0;
}

static void
pop_changes(struct pop *p)
{
    const struct cfg_pop *cfg = p->cfg;
    p->changes = xcalloc(2 * cfg->n_failures + 1, sizeof *p->changes);
    for (size_t j = 0; j < cfg->n_failures; j++) {
        const struct cfg_pop_failure *f = &cfg->failures[j];
        p->changes[p->n_changes++] =
            (struct pop_change){.at = f->at, .server = f->server, .delta = 1};
        if (f->until != CFG_FOREVER)
            p->changes[p->n_changes++] = (struct pop_change){
                .at = f->until, .server = f->server, .delta = -1};
    }
    qsort(p->changes, p->n_changes, sizeof *p->changes, change_cmp);
}

/* Node ni's servers; its one store (made by node_init, which checked
 * the policy) gives way to them. */
static int
pop_new(struct cdn *c, uint32_t ni, struct sim_err *err)
{
    const struct cfg_node *cn = &c->t->nodes[ni];
    const struct cfg_pop *cfg = cn->pop;
    struct pop *p = xcalloc(1, sizeof *p);
    c->pops[ni] = p;
    cache_free(c->nodes[ni].cache); /* the servers' stores replace it */
    c->nodes[ni].cache = NULL;
    p->cfg = cfg;
    p->node = ni;
    p->ram = xcalloc(cfg->count, sizeof *p->ram);
    p->ssd = xcalloc(cfg->count, sizeof *p->ssd);
    p->down = xcalloc(cfg->count, sizeof *p->down);
    p->live = xcalloc(cfg->count, sizeof *p->live);
    live_rebuild(p);
    if (cfg->hashing == CFG_POP_CONSISTENT)
        pop_ring_build(&p->ring, cfg->count, cfg->vnodes,
                       hash_bytes(cn->name, strlen(cn->name)));
    pop_changes(p);
    uint64_t seed = hash_combine(c->w ? c->w->seed : 1, ni);
    for (uint32_t k = 0; k < cfg->count; k++) {
        int rc = pop_stores(p, cn, seed, k, err);
        if (rc != 0)
            return rc;
    }
    c->nodes[ni].cache = p->ssd[0];
    return 0;
}

/* The combinations not modelled: pushes into a PoP, and keys with
 * variants (their per-node key index would have to span servers). */
static int
pop_refuse(struct cdn *c, struct sim_err *err)
{
    const struct cfg_workload *w = c->w;
    for (size_t k = 0; k < w->n_classes; k++) {
        if (!cfg_variants_used(&w->classes[k].variants))
            continue;
        for (size_t i = 0; i < c->n_nodes; i++) {
            const struct cfg_pop *p = c->t->nodes[i].pop;
            if (p != NULL)
                return sim_err_set(
                    err, -SIM_EBADVAL, p->mark.file, p->mark.line, p->mark.col,
                    p->field,
                    "cache_servers with vary: or tracking_params: (class "
                    "\"%s\" of %s) is not modelled",
                    w->classes[k].name, w->path);
        }
    }
    for (size_t k = 0; k < w->n_events; k++) {
        const struct cfg_event *e = &w->events[k];
        for (size_t j = 0; e->kind == CFG_EVENT_PUSH && j < e->n_to; j++) {
            int i = cfg_node_index(c->t, e->to[j]);
            if (i < 0 || c->t->nodes[i].pop == NULL)
                continue;
            char *field = xasprintf("%s.to[%zu]", e->field, j);
            sim_err_set(err, -SIM_EBADVAL, e->to_marks[j].file,
                        e->to_marks[j].line, e->to_marks[j].col, field,
                        "a push into \"%s\", which has cache_servers, is "
                        "not modelled",
                        e->to[j]);
            free(field);
            return -SIM_EBADVAL;
        }
    }
    return 0;
}

int
pop_init(struct cdn *c, struct sim_err *err)
{
    int any = 0;
    for (size_t i = 0; i < c->n_nodes; i++)
        any |= c->t->nodes[i].pop != NULL;
    if (!any)
        return 0;
    int rc = c->w != NULL ? pop_refuse(c, err) : 0;
    if (rc != 0)
        return rc;
    c->pops = xcalloc(c->n_nodes, sizeof *c->pops);
    for (uint32_t i = 0; i < c->n_nodes && rc == 0; i++)
        if (c->t->nodes[i].pop != NULL && c->t->nodes[i].has_cache)
            rc = pop_new(c, i, err);
    return rc;
}

void
pop_fini(struct cdn *c)
{
    for (size_t i = 0; c->pops != NULL && i < c->n_nodes; i++) {
        struct pop *p = c->pops[i];
        if (p == NULL)
            continue;
        for (uint32_t k = 0; k < p->cfg->count; k++) {
            cache_free(p->ram[k]);
            cache_free(p->ssd[k]);
        }
        c->nodes[i].cache = NULL; /* one of p->ssd */
        pop_ring_fini(&p->ring);
        free(p->ram);
        free(p->ssd);
        free(p->down);
        free(p->live);
        free(p->changes);
        free(p);
    }
    free(c->pops);
    c->pops = NULL;
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
pop_start_run(struct cdn *c, struct met_run *m)
{
    m->has_pop = c->pops != NULL;
    for (size_t i = 0; c->pops != NULL && i < c->n_nodes; i++)
        if (c->pops[i] != NULL) {
            m->nodes[i].n_servers = c->pops[i]->cfg->count;
            m->nodes[i].servers =
                xcalloc(m->nodes[i].n_servers, sizeof *m->nodes[i].servers);
        }
}

/* A failure of server k begins: out of the hashing, its RAM lost. */
static void
server_fails(struct cdn *c, struct pop *p, uint32_t k)
{
    p->n_down++;
    struct cache_store *ram = p->ram[k];
    for (struct cache_obj *o; (o = cache_victim(ram)) != NULL;)
        cache_remove(ram, o);
    if (cdn_is_measuring(c)) {
        c->m->nodes[p->node].c.server_failures++;
        c->m->nodes[p->node].servers[k].failures++;
    }
}

/* Applies the failures and recoveries due by now. */
static void
pop_advance(struct cdn *c, struct pop *p, int64_t now)
{
    int changed = 0;
    while (p->next_change < p->n_changes &&
           p->changes[p->next_change].at <= now) {
        const struct pop_change *ch = &p->changes[p->next_change++];
        if (ch->delta > 0 && p->down[ch->server]++ == 0)
            server_fails(c, p, ch->server);
        else if (ch->delta < 0 && --p->down[ch->server] == 0)
            p->n_down--;
        changed = 1;
    }
    if (changed)
        live_rebuild(p);
}

/* The server of object for p now; *home the one with every server up. */
static uint32_t
pop_server_of(const struct pop *p, uint64_t object, uint32_t *home)
{
    uint64_t h = pop_key_hash(object);
    if (p->cfg->hashing == CFG_POP_CONSISTENT)
        return pop_ring_pick(&p->ring, h, p->n_down ? p->down : NULL, home);
    *home = (uint32_t)(h % p->cfg->count);
    return p->n_down ? p->live[h % p->n_live] : *home;
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
pop_select(struct cdn *c, uint32_t s, int64_t now)
{
    struct req *r = &c->reqs[s];
    struct pop *p = c->pops[r->node];
    if (p == NULL || r->bypass)
        return;
    pop_advance(c, p, now);
    uint32_t home;
    uint32_t k = pop_server_of(p, r->object, &home);
    struct cache_obj *o = cache_find_hashed(p->ram[k], r->object, r->hash);
    if (o != NULL && o->expires_at <= now) { /* RAM serves fresh copies */
        cache_remove(p->ram[k], o);
        o = NULL;
    }
    p->server = k;
    p->is_ram = o != NULL;
    c->nodes[r->node].cache = o != NULL ? p->ram[k] : p->ssd[k];
    if (!r->measured)
        return;
    struct met_node *mn = &c->m->nodes[r->node];
    mn->servers[k].requests++;
    if (k != home) {
        mn->c.rehashed++;
        mn->servers[k].rehashed_in++;
        if (o == NULL && cache_find_hashed(p->ssd[k], r->object, r->hash) ==
                             NULL) /* the detour costs a fetch */
            mn->c.rehashed_cold++;
    }
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) void
pop_fill(struct cdn *c, const struct req *r, int64_t now)
{
    struct pop *p = c->pops[r->node];
    if (p == NULL)
        return;
    pop_advance(c, p, now);
    uint32_t home;
    c->nodes[r->node].cache = p->ssd[pop_server_of(p, r->object, &home)];
}

/* Out of line, as every feature's hook (docs/architecture.md). */
__attribute__((noinline)) int
pop_hit(struct cdn *c, uint32_t s, const struct cache_obj *o, int64_t now)
{
    const struct req *r = &c->reqs[s];
    struct pop *p = c->pops[r->node];
    if (p == NULL)
        return 0;
    uint32_t k = p->server;
    struct met_node *mn = &c->m->nodes[r->node];
    int64_t latency =
        p->is_ram ? p->cfg->ram_latency_ns : p->cfg->ssd_latency_ns;
    if (!p->is_ram) {
        struct cache_obj *copy = cache_insert_hashed(
            p->ram[k], r->object, r->hash, o->size, o->expires_at);
        if (copy != NULL) {
            copy->version = o->version;
            copy->is_negative = o->is_negative;
        }
        if (copy != NULL && r->measured)
            mn->c.promoted++;
    }
    if (r->measured) {
        struct met_pop_server *ms = &mn->servers[k];
        ms->hits++;
        ms->bytes_hit += r->size;
        if (p->is_ram) {
            mn->c.ram_hits++;
            ms->ram_hits++;
        } else {
            mn->c.ssd_hits++;
            ms->ssd_hits++;
        }
    }
    if (latency == 0)
        return 0;
    sim_queue_push(&c->q, now + latency, EV_TIER_READ, r->node, s);
    return 1;
}

uint64_t
pop_purge(struct cdn *c, uint32_t ni, size_t k, int64_t now)
{
    struct pop *p = c->pops[ni];
    struct cache_store *keep = c->nodes[ni].cache;
    uint64_t n = 0;
    for (uint32_t j = 0; j < p->cfg->count; j++) {
        /* RAM copies go too, uncounted: each is a copy of an SSD one
         * (or of one SSD evicted since), and counting both would count
         * one object twice. */
        c->nodes[ni].cache = p->ram[j];
        (void)purge_store(c, ni, k, now);
        c->nodes[ni].cache = p->ssd[j];
        n += purge_store(c, ni, k, now);
    }
    c->nodes[ni].cache = keep;
    return n;
}
