/* config.c: cfg_load, which runs the stages in order: parse both files,
 * apply the overrides to the trees, then read and validate each tree. */
#include "config/config.h"

#include <stddef.h>
#include <stdio.h>

#include "config/config_int.h"

/*
 * Checks what depends on both files: the work a node with servers could
 * have queued. If every request reached it, the last would be served
 * about requests x mean / servers after the first; that must stay well
 * inside the simulated clock (half its range), or the run could not end.
 * A whole-trace workload (requests 0) has no known count.
 */
static int
check_backlogs(const struct cfg_topology *t, const struct cfg_workload *w,
               struct sim_err *err)
{
    for (size_t i = 0; i < t->n_nodes; i++) {
        const struct cfg_service *sv = &t->nodes[i].service;
        if (!sv->is_set || sv->servers == 0)
            continue;
        double work_ns =
            (double)w->n_requests * (double)sv->mean_ns / (double)sv->servers;
        if (work_ns <= (double)(CFG_CLOCK_END_NS / 2))
            continue;
        char field[64];
        snprintf(field, sizeof field, "nodes[%zu].service_time.mean", i);
        return sim_err_set(err, -SIM_EBADVAL, sv->mean_mark.file,
                           sv->mean_mark.line, sv->mean_mark.col, field,
                           "%llu requests of %g s each on %u server%s are "
                           "%.3g years of work, more than the simulated "
                           "clock holds (73 years): lower the mean or the "
                           "requests, or add servers",
                           (unsigned long long)w->n_requests,
                           (double)sv->mean_ns / 1e9, sv->servers,
                           sv->servers == 1 ? "" : "s",
                           work_ns / 1e9 / (365.25 * 86400));
    }
    return 0;
}

int
cfg_load(const char *topo_path, const char *wl_path,
         const struct cfg_override *overrides, size_t n_overrides,
         struct cfg_topology **topo, struct cfg_workload **wl,
         struct sim_err *err)
{
    struct cfg_doc td = {0}, wd = {0};
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    *topo = NULL;
    if (wl != NULL)
        *wl = NULL;
    int rc = cfg_doc_load(&td, topo_path, err);
    if (rc == 0 && wl_path != NULL)
        rc = cfg_doc_load(&wd, wl_path, err);
    if (rc == 0)
        rc = cfg_apply_overrides(&td, wl_path ? &wd : NULL, overrides,
                                 n_overrides, err);
    if (rc == 0)
        rc = cfg_topology_build(&td, &t, err);
    if (rc == 0 && wl_path != NULL)
        rc = cfg_workload_build(&wd, &w, err);
    if (rc == 0 && w != NULL)
        rc = check_backlogs(t, w, err);
    cfg_doc_fini(&wd);
    cfg_doc_fini(&td);
    if (rc != 0) {
        cfg_workload_free(w);
        cfg_topology_free(t);
        return rc;
    }
    *topo = t;
    if (wl != NULL)
        *wl = w;
    else
        cfg_workload_free(w);
    return 0;
}

int
cfg_load_workload(const char *wl_path, const struct cfg_override *overrides,
                  size_t n_overrides, struct cfg_workload **wl,
                  struct sim_err *err)
{
    struct cfg_doc td = {0}, wd = {0}; /* td stays unloaded */
    struct cfg_workload *w = NULL;
    *wl = NULL;
    int rc = cfg_doc_load(&wd, wl_path, err);
    if (rc == 0)
        rc = cfg_apply_overrides(&td, &wd, overrides, n_overrides, err);
    if (rc == 0)
        rc = cfg_workload_build(&wd, &w, err);
    cfg_doc_fini(&wd);
    if (rc != 0)
        return rc;
    *wl = w;
    return 0;
}
