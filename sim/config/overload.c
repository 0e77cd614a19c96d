/* overload.c: a node's protection against overload:
 *
 *   - {name: origin, tier: origin, servers: 4,
 *      service_time: {dist: exponential, mean: 2ms},
 *      queue_limit: 100,     # a request finding 100 waiting: 503
 *      timeout: 500ms,       # not served 500 ms after arriving: 504
 *      rate_limit: {rate: 500, burst: 100, per: total}}   # else 429
 *
 * queue_limit needs servers (only then do requests wait), timeout needs
 * service_time (it bounds the wait plus the service) or a parent (it
 * bounds the wait for the parent's answer too); rate_limit applies
 * to any node. per: total (one bucket, the default) or region (one per
 * client region).
 */
#include "config/config_int.h"

#include <math.h>
#include <string.h>

static const char *const rate_keys[] = {"rate", "burst", "per", NULL};
static const char *const rate_required[] = {"rate", "burst", NULL};

/* The largest bucket: tokens are kept in units of 1e-12 (rate_milli per
 * ns), and burst x 1e12 must fit in an int64_t. */
#define BURST_MAX 1000000

/* Reports that key is set on a node that lacks what it needs. */
static int
ov_needs(const struct cfg_map *m, const char *key, const char *why,
         struct sim_err *err)
{
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_doc_err(m->d, cfg_map_key_id(m, key), -SIM_EBADVAL, field, err,
                       "%s %s", key, why);
}

/* queue_limit: a whole number >= 0, for a node with servers. */
static int
ov_queue_limit(const struct cfg_map *m, const struct cfg_service *sv,
               struct cfg_overload *ov, struct sim_err *err)
{
    int id = cfg_map_find(m, "queue_limit");
    if (id == 0)
        return 0;
    uint64_t limit;
    int rc = cfg_map_count(m, "queue_limit", 1, 0, 0, &limit, err);
    if (rc != 0)
        return rc;
    if (limit > UINT32_MAX)
        return cfg_map_bad(m, "queue_limit", id,
                           "a whole number from 0 to 4294967295", err);
    if (!sv->is_set || sv->servers == 0)
        return ov_needs(m, "queue_limit",
                        "needs servers and service_time: only then do "
                        "requests wait",
                        err);
    ov->has_queue_limit = 1;
    ov->queue_limit = (uint32_t)limit;
    return 0;
}

/* timeout: a duration > 0, for a node with service_time (it bounds the
 * wait for a server and the service) or a parent (it bounds the wait for
 * the parent's answer too: model/upstream_timeout.c). */
static int
ov_timeout(const struct cfg_map *m, const struct cfg_service *sv,
           struct cfg_overload *ov, struct sim_err *err)
{
    ov->timeout_ns = 0;
    if (cfg_map_find(m, "timeout") == 0)
        return 0;
    int rc = cfg_map_duration(m, "timeout", 1, 0, &ov->timeout_ns, err);
    if (rc != 0)
        return rc;
    if (ov->timeout_ns > CFG_TIME_MAX_NS)
        return cfg_map_bad(m, "timeout", cfg_map_find(m, "timeout"),
                           "a duration up to " CFG_TIME_MAX_TEXT, err);
    if (!sv->is_set && cfg_map_find(m, "parent") == 0)
        return ov_needs(m, "timeout",
                        "needs service_time or a parent: it bounds the wait "
                        "for a server and the service, and for the parent's "
                        "answer",
                        err);
    return 0;
}

/* rate_limit: {rate: requests/s > 0, burst: tokens >= 1, per}. */
static int
ov_rate_limit(const struct cfg_map *node, struct cfg_overload *ov,
              struct sim_err *err)
{
    struct cfg_map m;
    int present;
    int rc = cfg_map_submap(node, "rate_limit", 0, &m, &present, err);
    if (rc != 0 || !present)
        return rc;
    rc = cfg_map_check_keys(&m, rate_keys, rate_required, err);
    double rate;
    if (rc == 0)
        rc = cfg_map_number(&m, "rate", 1, 0, 0, 1, CFG_RATE_MAX, &rate, err);
    if (rc == 0 && llround(rate * 1000) < 1)
        rc = cfg_map_bad(&m, "rate", cfg_map_find(&m, "rate"),
                         "a rate of at least 0.001 requests per second", err);
    if (rc == 0)
        rc = cfg_map_count(&m, "burst", 1, 0, 1, &ov->burst, err);
    if (rc == 0 && ov->burst > BURST_MAX)
        rc = cfg_map_bad(&m, "burst", cfg_map_find(&m, "burst"),
                         "a whole number of requests from 1 to 1000000", err);
    if (rc != 0)
        return rc;
    ov->rate_milli = (uint64_t)llround(rate * 1000);
    int per_id = cfg_map_find(&m, "per");
    const char *per = per_id ? cfg_doc_scalar(m.d, per_id) : "total";
    if (per != NULL && strcmp(per, "total") == 0)
        ov->per = CFG_RATE_PER_TOTAL;
    else if (per != NULL && strcmp(per, "region") == 0)
        ov->per = CFG_RATE_PER_REGION;
    else
        return cfg_map_bad(&m, "per", per_id,
                           "who shares a bucket: total or region", err);
    ov->has_rate_limit = 1;
    return 0;
}

int
cfg_overload_build(const struct cfg_map *m, const struct cfg_service *sv,
                   struct cfg_overload *ov, struct sim_err *err)
{
    memset(ov, 0, sizeof *ov);
    int rc = ov_queue_limit(m, sv, ov, err);
    if (rc == 0)
        rc = ov_timeout(m, sv, ov, err);
    if (rc == 0)
        rc = ov_rate_limit(m, ov, err);
    return rc;
}
