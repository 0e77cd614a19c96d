/* billing.c: a provider's price list beyond flat egress (providers[k].
 * billing in a topology): request fees, tiered egress, 95th-percentile
 * link billing and storage of pushed content.
 *
 * The prices are what public CDN price sheets list (a fee per 10,000
 * HTTP requests, egress in volume tiers per month, transit billed on the
 * 95th percentile of 5-minute rates, storage per GB-month); how they
 * turn into a bill is sim/metrics/cost.c. */
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "config/config_int.h"
#include "util/xalloc.h"

static const char *const billing_keys[] = {
    "request_usd_per_10k", "egress_tiers", "link_usd_per_mbps_month",
    "storage_usd_per_gb_month", NULL};
static const char *const tier_keys[] = {"up_to_gb", "usd_per_gb", NULL};
static const char *const tier_required[] = {"usd_per_gb", NULL};

/* Tier k of egress_tiers (n tiers in all): every tier but the last has
 * an up_to_gb above the one before; the last has none. */
static int
billing_tier(const struct cfg_doc *d, int id, size_t k, size_t n,
             double prev_gb, const char *seq_field, struct cfg_price_tier *out,
             struct sim_err *err)
{
    char field[CFG_FIELD_MAX + 24]; /* cfg_map_open truncates */
    snprintf(field, sizeof field, "%s[%zu]", seq_field, k);
    struct cfg_map m;
    int rc = cfg_map_open(&m, d, id, field, err);
    if (rc == 0)
        rc = cfg_map_check_keys(&m, tier_keys, tier_required, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "usd_per_gb", 1, 0, 0, 0, CFG_PRICE_MAX,
                            &out->usd_per_gb, err);
    if (rc != 0)
        return rc;
    int is_last = k + 1 == n;
    if (is_last) {
        if (cfg_map_find(&m, "up_to_gb") == 0)
            return 0;
        char f[CFG_FIELD_MAX];
        cfg_map_field(&m, "up_to_gb", f, sizeof f);
        return cfg_doc_err(d, cfg_map_find(&m, "up_to_gb"), -SIM_EBADVAL, f,
                           err,
                           "the last tier has no bound: it prices every GB "
                           "above the one before");
    }
    if (cfg_map_find(&m, "up_to_gb") == 0)
        return cfg_map_missing(&m, "up_to_gb", err);
    /* Bounds rise strictly, so every tier prices at least some volume. */
    return cfg_map_number(&m, "up_to_gb", 1, 0, prev_gb, 1, 1e15,
                          &out->up_to_gb, err);
}

/* egress_tiers: a non-empty sequence of tiers into b. */
static int
billing_tiers(const struct cfg_map *m, struct cfg_billing *b,
              struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(m, "egress_tiers", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, "egress_tiers", field, sizeof field);
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    const yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    if (count == 0)
        return cfg_doc_err(m->d, seq, -SIM_EBADVAL, field, err,
                           "expected at least one tier");
    b->egress_tiers = xcalloc(count, sizeof *b->egress_tiers);
    b->n_egress_tiers = count;
    double prev_gb = 0;
    for (size_t k = 0; k < count && rc == 0; k++) {
        rc = billing_tier(m->d, items[k], k, count, prev_gb, field,
                          &b->egress_tiers[k], err);
        prev_gb = b->egress_tiers[k].up_to_gb;
    }
    return rc;
}

int
cfg_billing_read(const struct cfg_map *provider, struct cfg_provider *p,
                 struct sim_err *err)
{
    struct cfg_map m;
    int is_present;
    int rc = cfg_map_submap(provider, "billing", 0, &m, &is_present, err);
    if (rc != 0 || !is_present)
        return rc;
    p->billing = xcalloc(1, sizeof *p->billing);
    struct cfg_billing *b = p->billing;
    rc = cfg_map_check_keys(&m, billing_keys, NULL, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "request_usd_per_10k", 0, 0, 0, 0,
                            CFG_PRICE_MAX, &b->request_usd_per_10k, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "link_usd_per_mbps_month", 0, 0, 0, 0,
                            CFG_PRICE_MAX, &b->link_usd_per_mbps_month, err);
    if (rc == 0)
        rc = cfg_map_number(&m, "storage_usd_per_gb_month", 0, 0, 0, 0,
                            CFG_PRICE_MAX, &b->storage_usd_per_gb_month, err);
    if (rc == 0)
        rc = billing_tiers(&m, b, err);
    return rc;
}

void
cfg_billing_free(struct cfg_provider *p)
{
    if (p->billing == NULL)
        return;
    free(p->billing->egress_tiers);
    free(p->billing);
    p->billing = NULL;
}
