/* baseline.c: `cdnsim run --baseline no-cdn`: the run's workload again,
 * same seed and so the same requests, on the no-CDN topology
 * (cfg_topology_no_cdn: every region straight to its origin, no cache),
 * kept in the run's record as met_run.baseline for the table, the JSON,
 * the database and the report to compare against. */
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "util/xalloc.h"
#include "workload/workload.h"

/* What the comparison keeps of the baseline's run bm. */
static struct met_baseline *
baseline_of(const struct cfg_topology *t, const struct met_run *bm)
{
    struct met_baseline *b = xcalloc(1, sizeof *b);
    b->requests = bm->requests;
    b->errors = bm->errors;
    b->origin_requests = bm->origin_requests;
    b->origin_bytes = bm->origin_bytes;
    b->cost_usd = met_total_cost(bm);
    b->latency = bm->latency;
    b->n_regions = t->n_regions;
    b->regions = xcalloc(t->n_regions, sizeof *b->regions);
    for (size_t k = 0; k < t->n_regions; k++) {
        struct met_baseline_region *g = &b->regions[k];
        int origin;
        g->name = t->regions[k].name;
        g->rtt_ns = cfg_region_origin_rtt(t, k, &origin);
        g->requests = bm->regions[k].requests;
        g->errors = bm->regions[k].errors;
        g->latency = bm->regions[k].latency;
    }
    return b;
}

int
run_baseline(struct run_result *r, const struct cdn_run_opts *opts,
             struct sim_err *err)
{
    SIM_ASSERT(r->has_metrics && r->m.baseline == NULL);
    struct cfg_topology *d = cfg_topology_no_cdn(r->t);
    struct cdn *c = cdn_new(d, r->w, err);
    if (c == NULL) {
        cfg_topology_no_cdn_free(d);
        return err->code;
    }
    /* Progress and a stop as for the run; no narration, no --top. */
    struct cdn_run_opts bo = {0};
    if (opts) {
        bo.stop = opts->stop;
        bo.progress = opts->progress;
        bo.progress_ctx = opts->progress_ctx;
    }
    struct met_run bm;
    int code = cdn_run(c, &bo, &bm);
    if (code == 0)
        r->m.baseline = baseline_of(r->t, &bm);
    else if (code != -SIM_EINTR)
        *err = *wl_gen_error(cdn_workload(c));
    met_run_fini(&bm);
    cdn_free(c);
    cfg_topology_no_cdn_free(d);
    return code;
}
