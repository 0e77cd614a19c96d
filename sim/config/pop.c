/* pop.c: a caching node's cache_servers: the PoP as several cache servers
 * behind a hash of the key, each a RAM tier in front of an SSD tier:
 *
 *   - {name: edge, tier: edge, cache: {capacity: 8GiB}, parent: origin,
 *      cache_servers: {count: 4, vnodes: 100,
 *                      ram: {capacity: 256MiB, policy: lru, latency: 50us},
 *                      ssd_latency: 500us,
 *                      failures: [{server: 2, at: 10m, until: 20m}]}}
 *
 * The node's cache mapping becomes the SSD tier, split evenly across the
 * servers (capacity / count each, the same policy and admission). The
 * model (sim/model/pop.c) says what each key does at run time.
 */
#include "config/config_int.h"
#include "config/topology_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const pop_keys[] = {
    "count", "vnodes", "hashing", "ram", "ssd_latency", "failures", NULL};
static const char *const pop_required[] = {"count", "ram", NULL};
static const char *const ram_keys[] = {"capacity", "policy", "latency", NULL};
static const char *const ram_required[] = {"capacity", NULL};
static const char *const failure_keys[] = {"server", "at", "until", NULL};
static const char *const failure_required[] = {"server", "at", NULL};
static const char *const hashing_names[] = {
    [CFG_POP_CONSISTENT] = "consistent", [CFG_POP_MODULO] = "modulo", NULL};

/* Servers and points on one ring: enough for any PoP, small enough that
 * a ring stays a few MiB. */
#define POP_COUNT_MAX 1024
#define POP_POINTS_MAX (1u << 20)

/* A time >= 0 (key of m), 0 when absent: "at: 0s" and a zero latency are
 * valid, while durations elsewhere in the config are > 0. */
static int
pop_time(const struct cfg_map *m, const char *key, cfg_time_ns *out,
         struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    *out = 0;
    if (id == 0)
        return 0;
    const char *text = cfg_doc_scalar(m->d, id);
    int64_t v;
    if (text == NULL || parse_duration(text, &v) != 0 || v < 0 ||
        v > CFG_TIME_MAX_NS)
        return cfg_map_bad(m, key, id,
                           "a time such as \"500us\" or \"10m\", from 0 "
                           "up to " CFG_TIME_MAX_TEXT,
                           err);
    *out = v;
    return 0;
}

/* ram: {capacity, policy, latency}. */
static int
pop_ram(const struct topo_build *b, const struct cfg_map *pm, struct cfg_pop *p,
        struct sim_err *err)
{
    struct cfg_map m;
    int present;
    int rc = cfg_map_submap(pm, "ram", 1, &m, &present, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, ram_keys, ram_required, err);
    if (rc == 0)
        rc = cfg_map_size(&m, "capacity", 1, 0, &p->ram.capacity_bytes, err);
    if (rc == 0)
        rc = cfg_map_string(&m, "policy", "lru", &p->ram.policy, err);
    if (rc == 0)
        rc = pop_time(&m, "latency", &p->ram_latency_ns, err);
    if (rc != 0)
        return rc;
    p->ram.admission = xstrdup("always");
    p->ram.field = xstrdup(m.field);
    int policy_id = cfg_map_find(&m, "policy");
    p->ram.policy_mark = topo_mark(b, policy_id ? policy_id : m.id);
    return 0;
}

/* failures[k]: {server, at, until}. */
static int
pop_failure(const struct cfg_map *pm, int item, size_t k, struct cfg_pop *p,
            struct sim_err *err)
{
    struct cfg_map m;
    char field[CFG_FIELD_MAX + 32]; /* cfg_map_open truncates */
    snprintf(field, sizeof field, "%s.failures[%zu]", pm->field, k);
    int rc = cfg_map_open(&m, pm->d, item, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, failure_keys, failure_required, err);
    uint64_t server = 0;
    if (rc == 0)
        rc = cfg_map_count(&m, "server", 1, 0, 0, &server, err);
    if (rc == 0 && server >= p->count) {
        char what[96];
        snprintf(what, sizeof what, "a server number from 0 to %u (count %u)",
                 p->count - 1, p->count);
        return cfg_map_bad(&m, "server", cfg_map_find(&m, "server"), what, err);
    }
    struct cfg_pop_failure *f = &p->failures[k];
    f->server = (uint32_t)server;
    if (rc == 0)
        rc = pop_time(&m, "at", &f->at, err);
    f->until = CFG_FOREVER;
    if (rc == 0 && cfg_map_find(&m, "until") != 0) {
        rc = pop_time(&m, "until", &f->until, err);
        if (rc == 0 && f->until <= f->at)
            return cfg_map_bad(&m, "until", cfg_map_find(&m, "until"),
                               "a time after at", err);
    }
    return rc;
}

static int
failure_cmp(const void *a, const void *b)
{
    const struct cfg_pop_failure *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->server > y->server) - (x->server < y->server);
}

/* Every failure's start: at least one server must be up, since a PoP
 * with none is a node outage (outages:), which routing knows about. */
static int
pop_some_up(const struct cfg_map *pm, int seq_id, const struct cfg_pop *p,
            struct sim_err *err)
{
    uint8_t *down = xcalloc(p->count, 1);
    int rc = 0;
    for (size_t k = 0; k < p->n_failures && rc == 0; k++) {
        cfg_time_ns t = p->failures[k].at;
        memset(down, 0, p->count);
        uint32_t n_down = 0;
        for (size_t j = 0; j < p->n_failures; j++) {
            const struct cfg_pop_failure *f = &p->failures[j];
            if (f->at <= t && t < f->until && !down[f->server]) {
                down[f->server] = 1;
                n_down++;
            }
        }
        if (n_down == p->count) {
            char field[CFG_FIELD_MAX];
            cfg_map_field(pm, "failures", field, sizeof field);
            rc = cfg_doc_err(pm->d, seq_id, -SIM_EBADVAL, field, err,
                             "every server is down at %.3f s: a PoP with "
                             "no server up is a node outage (use "
                             "outages:)",
                             (double)t / 1e9);
        }
    }
    free(down);
    return rc;
}

static int
pop_failures(const struct cfg_map *pm, struct cfg_pop *p, struct sim_err *err)
{
    struct cfg_items seq;
    int rc = cfg_map_items(pm, "failures", 0, &seq, err);
    if (rc != 0 || seq.id == 0)
        return rc;
    p->failures = xcalloc(seq.count ? seq.count : 1, sizeof *p->failures);
    for (size_t k = 0; k < seq.count && rc == 0; k++) {
        rc = pop_failure(pm, seq.item[k], k, p, err);
        p->n_failures = k + 1;
    }
    if (rc != 0)
        return rc;
    qsort(p->failures, p->n_failures, sizeof *p->failures, failure_cmp);
    return pop_some_up(pm, seq.id, p, err);
}

/* count, vnodes and hashing; the SSD tier must give each server a byte. */
static int
pop_shape(const struct cfg_map *m, const struct cfg_node *n, struct cfg_pop *p,
          struct sim_err *err)
{
    uint64_t count = 0, vnodes = 0;
    int rc = cfg_map_count(m, "count", 1, 0, 1, &count, err);
    if (rc == 0 && (count > POP_COUNT_MAX || count > n->cache.capacity_bytes))
        return cfg_map_bad(m, "count", cfg_map_find(m, "count"),
                           "a number of servers from 1 to 1024, at most "
                           "the cache's capacity in bytes",
                           err);
    if (rc == 0)
        rc = cfg_map_count(m, "vnodes", 0, 100, 1, &vnodes, err);
    if (rc == 0 && vnodes * count > POP_POINTS_MAX)
        return cfg_map_bad(m, "vnodes", cfg_map_find(m, "vnodes"),
                           "at most 1048576 ring points in all (count x "
                           "vnodes)",
                           err);
    int hashing = CFG_POP_CONSISTENT;
    if (rc == 0)
        rc = cfg_map_choice(m, "hashing", hashing_names, "consistent or modulo",
                            &hashing, err);
    p->count = (uint32_t)count;
    p->vnodes = (uint32_t)vnodes;
    p->hashing = (enum cfg_pop_hashing)hashing;
    return rc;
}

int
cfg_pop_build(const struct topo_build *b, const struct cfg_map *node,
              struct cfg_node *n, struct sim_err *err)
{
    struct cfg_map m;
    int present;
    int rc = cfg_map_submap(node, "cache_servers", 0, &m, &present, err);
    if (rc != 0 || !present)
        return rc;
    struct cfg_pop *p = xcalloc(1, sizeof *p);
    n->pop = p;
    p->field = xstrdup(m.field);
    p->mark = topo_mark(b, cfg_map_key_id(node, "cache_servers"));
    rc = cfg_map_check_keys(&m, pop_keys, pop_required, err);
    if (rc == 0)
        rc = pop_shape(&m, n, p, err);
    if (rc == 0)
        rc = pop_ram(b, &m, p, err);
    if (rc == 0)
        rc = pop_time(&m, "ssd_latency", &p->ssd_latency_ns, err);
    if (rc == 0)
        rc = pop_failures(&m, p, err);
    if (rc == 0 && n->placement == CFG_PLACE_EXCLUSIVE)
        rc = cfg_doc_err(b->d, cfg_map_key_id(node, "cache_servers"),
                         -SIM_EBADKEY, m.field, err,
                         "cache_servers with placement exclusive is not "
                         "modelled (a parent's copy would have to be "
                         "found on the server of its key when a child "
                         "stores it)");
    return rc;
}

void
cfg_pop_free(struct cfg_pop *p)
{
    if (p == NULL)
        return;
    free(p->ram.policy);
    free(p->ram.admission);
    free(p->ram.field);
    free(p->failures);
    free(p->field);
    free(p);
}
