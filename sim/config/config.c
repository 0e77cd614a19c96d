/* config.c: cfg_load, which runs the stages in order: parse both files,
 * apply the overrides to the trees, then read and validate each tree. */
#include "config/config.h"

#include <stddef.h>

#include "config/config_int.h"

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
