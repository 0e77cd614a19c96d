/* pop.h: part of metrics.h (include that): a PoP's cache servers (pop_json.c,
 * db_pop.c). Apart so that metrics.h stays short; metrics.h includes it where
 * these declarations were, so that every user of met_run sees them unchanged.
 */
#ifndef SIM_METRICS_POP_H
#define SIM_METRICS_POP_H

#ifndef SIM_METRICS_METRICS_H
#error "include metrics/metrics.h, which includes this file"
#endif

/* One cache server of a PoP (model/pop.c), measured requests only: the
 * lookups the hashing sent it, its fresh hits (from RAM or SSD) and
 * their bytes, the lookups it took for a server that was down (not the
 * key's home), and its failures. */
struct met_pop_server {
    uint64_t requests, hits, ram_hits, ssd_hits, bytes_hit, rehashed_in,
        failures;
};

/* Writes node n's servers as the JSON array value of "cache_servers",
 * its members indented depth levels (json.c's layout; pop_json.c). */
void met_pop_json(const struct met_node *n, FILE *out, int depth);
/* The schema of table cache_servers (db_pop.c). */
extern const char met_pop_schema[];

#endif
