/* classes.c: the figures of each content class (catalog.classes): the
 * client requests for the class's objects, counted as a region's are
 * (struct met_region: served from a cache, from the origin, failed,
 * outdated, latency), so that a TTL or a purge policy per content type
 * can be judged on its own class. Written to the JSON (`classes`), the
 * database (class_metrics), the run table and the report. */
#include "metrics/metrics.h"

#include "util/xalloc.h"

void
met_run_classes(struct met_run *r, size_t n_classes)
{
    r->classes = xcalloc(n_classes ? n_classes : 1, sizeof *r->classes);
    r->n_classes = n_classes;
    for (size_t k = 0; k < n_classes; k++)
        met_hist_init(&r->classes[k].latency);
}
