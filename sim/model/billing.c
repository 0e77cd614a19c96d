/* billing.c: the topology's provider price lists, copied into the run's
 * record, where sim/metrics/cost.c bills them. */
#include <string.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model_int.h"
#include "util/xalloc.h"

struct met_billing *
cdn_billing_new(const struct cfg_topology *t)
{
    int is_billed = 0;
    for (size_t p = 0; p < t->n_providers; p++)
        is_billed |= t->providers[p].billing != NULL;
    if (!is_billed)
        return NULL;
    struct met_billing *b = xcalloc(1, sizeof *b);
    b->providers = xcalloc(t->n_providers, sizeof *b->providers);
    b->n_providers = t->n_providers;
    for (size_t p = 0; p < t->n_providers; p++) {
        const struct cfg_provider *cp = &t->providers[p];
        struct met_provider_prices *mp = &b->providers[p];
        mp->name = cp->name;
        mp->egress_usd_per_gb = cp->egress_cost_per_gb;
        const struct cfg_billing *cb = cp->billing;
        if (cb == NULL)
            continue;
        mp->request_usd_per_10k = cb->request_usd_per_10k;
        mp->link_usd_per_mbps_month = cb->link_usd_per_mbps_month;
        mp->storage_usd_per_gb_month = cb->storage_usd_per_gb_month;
        if (cb->n_egress_tiers > 0) {
            mp->tiers = xcalloc(cb->n_egress_tiers, sizeof *mp->tiers);
            mp->n_tiers = cb->n_egress_tiers;
            for (size_t k = 0; k < cb->n_egress_tiers; k++) {
                mp->tiers[k].up_to_gb = cb->egress_tiers[k].up_to_gb;
                mp->tiers[k].usd_per_gb = cb->egress_tiers[k].usd_per_gb;
            }
        }
    }
    b->node_provider =
        xcalloc(t->n_nodes ? t->n_nodes : 1, sizeof *b->node_provider);
    for (size_t i = 0; i < t->n_nodes; i++)
        b->node_provider[i] = t->nodes[i].provider;
    return b;
}
