/* latency_spec.c: a latency_ms entry given as a mapping (a round-trip
 * distribution, losses and connection setup) read into a cfg_rtt_model.
 *
 *   latency_ms:
 *     eu: {edge-fra: {rtt: 40, jitter: lognormal, sigma: 0.3}}
 *     edge-fra: {origin: {rtt: 30ms, setup: tls13, pool: 16}}
 *
 * rtt is the median round trip, in milliseconds or with a unit. A plain
 * number keeps today's constant link and never comes here.
 */
#include "config/config_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define SPEC_MAX_NS 1e15 /* 1e9 ms, the bound of a plain latency */

static const char *const spec_keys[] = {
    "rtt",    "jitter", "sigma",        "alpha",     "sd",
    "table",  "loss",   "rto",          "setup",     "reuse",
    "resume", "pool",   "idle_timeout", "pool_full", NULL};

static const char *const jitter_names[] = {
    [CFG_JITTER_NONE] = "none",           [CFG_JITTER_LOGNORMAL] = "lognormal",
    [CFG_JITTER_PARETO] = "pareto",       [CFG_JITTER_NORMAL] = "normal",
    [CFG_JITTER_EMPIRICAL] = "empirical", NULL};

static const char *const pool_full_names[] = {
    [CFG_POOL_WAIT] = "wait", [CFG_POOL_OPEN] = "open", NULL};

static const char *const setup_names[] = {
    [CFG_SETUP_NONE] = "none",   [CFG_SETUP_TCP] = "tcp",
    [CFG_SETUP_TLS13] = "tls13", [CFG_SETUP_TLS12] = "tls12",
    [CFG_SETUP_QUIC] = "quic",   NULL};

const char *
cfg_setup_name(enum cfg_setup s)
{
    return setup_names[s];
}

int
cfg_setup_rtts(enum cfg_setup s, int is_resumed)
{
    switch (s) {
    case CFG_SETUP_NONE:
        return 0;
    case CFG_SETUP_TCP:
        return 1;
    case CFG_SETUP_TLS13: /* TCP's handshake, then TLS 1.3's one RTT */
        return 2;
    case CFG_SETUP_TLS12: /* TCP, then TLS 1.2's two RTTs (RFC 5246) */
        return 3;
    case CFG_SETUP_QUIC: /* transport and TLS in one RTT (RFC 9000) */
        return is_resumed ? 0 : 1;
    }
    return 0;
}

/* A time in ms ("40", "0.5") or with a unit ("40ms"), >= 0 (> 0 when
 * is_positive); *out unchanged when absent. */
static int
spec_time(const struct cfg_map *m, const char *key, int is_positive,
          cfg_time_ns *out, struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    if (id == 0)
        return 0;
    const char *v = cfg_doc_scalar(m->d, id);
    double ms;
    int64_t ns;
    if (v != NULL && parse_double(v, &ms) == 0)
        ns = ms * 1e6 < SPEC_MAX_NS && ms * 1e6 > -SPEC_MAX_NS
                 ? (int64_t)llround(ms * 1e6)
                 : -1;
    else if (v == NULL || parse_duration(v, &ns) != 0)
        ns = -1;
    if (ns < 0 || ns > (int64_t)SPEC_MAX_NS || (is_positive && ns == 0))
        return cfg_map_bad(m, key, id,
                           is_positive ? "a time > 0 in ms, or with a unit "
                                         "such as \"40ms\""
                                       : "a time >= 0 in ms, or with a unit "
                                         "such as \"40ms\"",
                           err);
    *out = ns;
    return 0;
}

/* One [p, ms] row of an empirical table. */
static int
spec_row(const struct cfg_map *m, int row_id, size_t k, double prev_p,
         cfg_time_ns prev_ns, double *p, cfg_time_ns *ns, struct sim_err *err)
{
    char field[CFG_FIELD_MAX];
    char key[32];
    snprintf(key, sizeof key, "table[%zu]", k);
    cfg_map_field(m, key, field, sizeof field);
    const yaml_node_t *n = cfg_doc_node(m->d, row_id);
    const char *ps = NULL, *ms = NULL;
    if (n->type == YAML_SEQUENCE_NODE &&
        n->data.sequence.items.top - n->data.sequence.items.start == 2) {
        ps = cfg_doc_scalar(m->d, n->data.sequence.items.start[0]);
        ms = cfg_doc_scalar(m->d, n->data.sequence.items.start[1]);
    }
    double v;
    if (ps == NULL || ms == NULL || parse_double(ps, p) != 0 ||
        parse_double(ms, &v) != 0)
        return cfg_doc_err(m->d, row_id, -SIM_EBADVAL, field, err,
                           "expected a row [p, ms] of two numbers");
    if (!(*p > prev_p && *p <= 1) || (k == 0 && *p <= 0))
        return cfg_doc_err(m->d, row_id, -SIM_EBADVAL, field, err,
                           "p must rise within (0, 1], got %g after %g", *p,
                           prev_p);
    if (!(v >= 0 && v * 1e6 < SPEC_MAX_NS) || llround(v * 1e6) < prev_ns)
        return cfg_doc_err(m->d, row_id, -SIM_EBADVAL, field, err,
                           "the round trips must be >= 0 ms and not fall, "
                           "got %g",
                           v);
    *ns = (cfg_time_ns)llround(v * 1e6);
    return 0;
}

/* jitter: empirical: table [[p, ms], ...], rising to p = 1; the median
 * (linear between rows) becomes rtt. */
static int
spec_table(const struct cfg_map *m, struct cfg_rtt_model *o,
           struct sim_err *err)
{
    int id;
    int rc = cfg_map_child(m, "table", YAML_SEQUENCE_NODE, 1, &id, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    size_t len =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    o->table_p = xcalloc(len ? len : 1, sizeof *o->table_p);
    o->table_ns = xcalloc(len ? len : 1, sizeof *o->table_ns);
    for (size_t k = 0; k < len; k++) {
        rc = spec_row(m, n->data.sequence.items.start[k], k,
                      k ? o->table_p[k - 1] : 0, k ? o->table_ns[k - 1] : 0,
                      &o->table_p[k], &o->table_ns[k], err);
        if (rc != 0)
            return rc;
        o->n_table = k + 1;
    }
    if (len == 0 || o->table_p[len - 1] != 1) {
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, "table", field, sizeof field);
        return cfg_doc_err(m->d, id, -SIM_EBADVAL, field, err,
                           "the last row's p must be 1");
    }
    o->rtt_ns = (cfg_time_ns)llround(cfg_rtt_quantile(o, 0.5));
    return 0;
}

/* The parameter the jitter names (sigma, alpha, sd or table) and no
 * other. */
static int
spec_jitter(const struct cfg_map *m, struct cfg_rtt_model *o,
            struct sim_err *err)
{
    static const char *const params[] = {"sigma", "alpha", "sd", "table"};
    static const char *const owner[] = {"lognormal", "pareto", "normal",
                                        "empirical"};
    for (int k = 0; k < 4; k++) {
        int id = cfg_map_find(m, params[k]);
        if (id != 0 && (int)o->jitter != k + 1) {
            char field[CFG_FIELD_MAX];
            cfg_map_field(m, params[k], field, sizeof field);
            return cfg_doc_err(m->d, cfg_map_key_id(m, params[k]), -SIM_EBADKEY,
                               field, err, "%s belongs to jitter: %s",
                               params[k], owner[k]);
        }
    }
    switch (o->jitter) {
    case CFG_JITTER_LOGNORMAL:
        return cfg_map_number(m, "sigma", 1, 0, 0, 1, 10, &o->sigma, err);
    case CFG_JITTER_PARETO:
        return cfg_map_number(m, "alpha", 1, 0, 0, 1, 1e6, &o->alpha, err);
    case CFG_JITTER_NORMAL:
        if (cfg_map_find(m, "sd") == 0)
            return cfg_map_missing(m, "sd", err);
        return spec_time(m, "sd", 1, &o->sd_ns, err);
    case CFG_JITTER_EMPIRICAL:
        return spec_table(m, o, err);
    case CFG_JITTER_NONE:
        break;
    }
    return 0;
}

/* rtt: required, except with an empirical table, which gives it. */
static int
spec_rtt(const struct cfg_map *m, struct cfg_rtt_model *o, struct sim_err *err)
{
    int has_rtt = cfg_map_find(m, "rtt") != 0;
    if (o->jitter == CFG_JITTER_EMPIRICAL) {
        if (!has_rtt)
            return 0;
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, "rtt", field, sizeof field);
        return cfg_doc_err(m->d, cfg_map_key_id(m, "rtt"), -SIM_EBADKEY, field,
                           err,
                           "jitter: empirical takes its round trips from "
                           "table; drop rtt");
    }
    if (!has_rtt) {
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, "rtt", field, sizeof field);
        return cfg_doc_err(m->d, m->id, -SIM_ENOKEY, field, err,
                           "missing key \"rtt\" (the median round trip%s)",
                           o->jitter != CFG_JITTER_NONE ? "; jitter varies it"
                                                        : "");
    }
    return spec_time(m, "rtt", 0, &o->rtt_ns, err);
}

/* setup, reuse, resume, pool, idle_timeout and pool_full. */
static int
spec_setup(const struct cfg_map *m, int is_region_link, struct cfg_rtt_model *o,
           struct sim_err *err)
{
    int v = 0;
    int rc = cfg_map_choice(m, "setup", setup_names, NULL, &v, err);
    o->setup = (enum cfg_setup)v;
    if (rc == 0)
        rc = cfg_map_number(m, "reuse", 0, 0, 0, 0, 1, &o->reuse, err);
    if (rc == 0)
        rc = cfg_map_number(m, "resume", 0, 0, 0, 0, 1, &o->resume, err);
    double pool = 0;
    if (rc == 0)
        rc = cfg_map_number(m, "pool", 0, 0, 1, 0, 1e6, &pool, err);
    if (rc != 0)
        return rc;
    o->pool = (uint32_t)pool;
    o->idle_timeout_ns = 60000000000LL; /* nginx's upstream keepalive */
    rc = spec_time(m, "idle_timeout", 1, &o->idle_timeout_ns, err);
    v = CFG_POOL_WAIT;
    if (rc == 0)
        rc = cfg_map_choice(m, "pool_full", pool_full_names, NULL, &v, err);
    if (rc != 0)
        return rc;
    o->pool_full = (enum cfg_pool_full)v;
    const char *bad = NULL, *why = NULL;
    if (o->setup == CFG_SETUP_NONE) {
        static const char *const needs_setup[] = {"reuse", "resume", "pool",
                                                  "idle_timeout", "pool_full"};
        for (int k = 0; k < 5 && bad == NULL; k++)
            if (cfg_map_find(m, needs_setup[k]))
                bad = needs_setup[k];
        why = "it needs a setup (tcp, tls13, tls12 or quic)";
    } else if (o->setup != CFG_SETUP_QUIC && cfg_map_find(m, "resume")) {
        bad = "resume";
        why = "0-RTT resumption needs setup: quic";
    } else if (is_region_link && cfg_map_find(m, "pool")) {
        bad = "pool";
        why = "keep-alive pools are for a node's link to a parent; a "
              "region's clients use reuse";
    } else if (cfg_map_find(m, "pool") && cfg_map_find(m, "reuse")) {
        bad = "reuse";
        why = "with a pool, the pool decides reuse";
    } else if (!cfg_map_find(m, "pool") && cfg_map_find(m, "idle_timeout")) {
        bad = "idle_timeout";
        why = "it belongs to pool";
    } else if (!cfg_map_find(m, "pool") && cfg_map_find(m, "pool_full")) {
        bad = "pool_full";
        why = "it belongs to pool";
    }
    if (bad == NULL)
        return 0;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, bad, field, sizeof field);
    return cfg_doc_err(m->d, cfg_map_key_id(m, bad), -SIM_EBADKEY, field, err,
                       "%s: %s", bad, why);
}

int
cfg_rtt_model_parse(const struct cfg_doc *d, int id, const char *field,
                    int is_region_link, struct cfg_rtt_model *out,
                    struct sim_err *err)
{
    memset(out, 0, sizeof *out);
    struct cfg_map m;
    int rc = cfg_map_open(&m, d, id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, spec_keys, NULL, err);
    int v = 0;
    if (rc == 0)
        rc = cfg_map_choice(&m, "jitter", jitter_names, NULL, &v, err);
    out->jitter = (enum cfg_jitter)v;
    if (rc == 0)
        rc = spec_rtt(&m, out, err);
    if (rc == 0)
        rc = spec_jitter(&m, out, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "loss", 0, 0, 0, 0, 1, &out->loss, err);
    if (rc == 0 && out->loss >= 1)
        rc = cfg_map_bad(&m, "loss", cfg_map_find(&m, "loss"),
                         "a probability in [0, 1)", err);
    if (rc == 0)
        rc = spec_time(&m, "rto", 1, &out->rto_ns, err);
    if (rc == 0 && out->loss > 0 && out->rto_ns == 0)
        rc = cfg_map_missing(&m, "rto", err);
    if (rc == 0)
        rc = spec_setup(&m, is_region_link, out, err);
    if (rc != 0)
        cfg_rtt_model_fini(out);
    return rc;
}

void
cfg_rtt_model_fini(struct cfg_rtt_model *o)
{
    free(o->table_p);
    free(o->table_ns);
    o->table_p = NULL;
    o->table_ns = NULL;
    o->n_table = 0;
}

double
cfg_rtt_quantile(const struct cfg_rtt_model *o, double u)
{
    /* Below the first row: its round trip; then linear between rows, the
     * inverse of a piecewise-linear CDF. */
    size_t k = 0;
    while (k + 1 < o->n_table && o->table_p[k] < u)
        k++;
    if (k == 0 || u >= o->table_p[k])
        return (double)o->table_ns[k];
    double p0 = o->table_p[k - 1], p1 = o->table_p[k];
    double x0 = (double)o->table_ns[k - 1], x1 = (double)o->table_ns[k];
    return x0 + (x1 - x0) * (u - p0) / (p1 - p0);
}

const struct cfg_rtt_model *
cfg_rtt_model_at(const struct cfg_topology *t, uint32_t rtt_model)
{
    if (rtt_model == 0)
        return NULL;
    SIM_ASSERT(rtt_model <= t->n_rtt_models);
    return &t->rtt_models[rtt_model - 1];
}

const struct cfg_rtt_model *
cfg_link_rtt_model(const struct cfg_topology *t, size_t node, size_t up)
{
    SIM_ASSERT(node < t->n_nodes);
    const struct cfg_node *n = &t->nodes[node];
    if (n->parent >= 0 && (size_t)n->parent == up)
        return cfg_rtt_model_at(t, n->parent_rtt_model);
    return cfg_rtt_model_at(t, n->backup_rtt_model);
}
