/* billing.h: part of metrics.h (include that): the providers' bills beyond flat
 * egress (cost.c, db_billing.c). Apart so that metrics.h stays short; metrics.h
 * includes it where these declarations were, so that every user of met_run sees
 * them unchanged. */
#ifndef SIM_METRICS_BILLING_H
#define SIM_METRICS_BILLING_H

#ifndef SIM_METRICS_METRICS_H
#error "include metrics/metrics.h, which includes this file"
#endif

/*
 * The bill beyond flat egress (sim/metrics/cost.c), for the providers of
 * a topology whose price lists go further (providers[].billing): request
 * fees, tiered egress, 95th-percentile link billing and storage of pushed
 * content, for the run and extrapolated to a 30-day month.
 */
#define MET_MONTH_S (30.0 * 86400.0)

struct met_price_tier {
    double up_to_gb; /* 0 in the last tier: no bound */
    double usd_per_gb;
};

/* One provider's prices, copied from the topology. */
struct met_provider_prices {
    const char *name;             /* borrowed */
    double egress_usd_per_gb;     /* its flat price */
    struct met_price_tier *tiers; /* [n_tiers], owned; NULL: flat */
    size_t n_tiers;
    double request_usd_per_10k;
    double link_usd_per_mbps_month;
    double storage_usd_per_gb_month;
};

/* What a run's providers are billed on: set only when some provider has
 * a billing mapping, so runs without one write what they always did. */
struct met_billing {
    struct met_provider_prices *providers; /* [n_providers], owned */
    size_t n_providers;
    int *node_provider; /* [n_nodes] of the run: index into
                           providers, or -1; owned */
};

/* One provider's bill. The run's amounts are the month's scaled by the
 * measured span over 30 days, except flat egress and request fees, which
 * are the run's volume times the price. */
struct met_provider_bill {
    const char *name;
    uint64_t requests;     /* measured client requests at its edges */
    uint64_t egress_bytes; /* bytes_out of all its nodes */
    uint64_t pushed_bytes; /* pushed_bytes of all its nodes */
    double link_p95_mbps;  /* sum of its links' 95th percentiles */
    double month_factor;   /* 30 days / measured span; 0: no span */
    double egress_usd, request_usd, link_usd, storage_usd, total_usd;
    double month_egress_usd, month_request_usd, month_link_usd,
        month_storage_usd, month_total_usd;
};

/* Fills *out (OUT) for provider p of r->billing (which must be set). */
void met_provider_bill(const struct met_run *r, size_t p,
                       struct met_provider_bill *out);
/* The price of gb GB in a month under tiers (n >= 1). */
double met_tiered_usd(const struct met_price_tier *tiers, size_t n, double gb);
/* Frees b (owned arrays included); NULL is a no-op. */
void met_billing_free(struct met_billing *b);
/* Writes r's bill (r->billing set) as the JSON object value of
 * "billing", its members indented depth levels (json.c's layout). */
void met_billing_json(const struct met_run *r, FILE *out, int depth);
/* Prints r's bill under the run table; nothing when r->billing is NULL. */
void met_billing_print(const struct met_run *r, FILE *out);
/* The schema of table provider_bills. */
extern const char met_billing_schema[];

#endif
