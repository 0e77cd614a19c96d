/* sweep_int.h: what the files of a sweep's report share: the sweep read
 * from the database (sweep_data.c), its plots (sweep_plots.c), its report
 * (sweep.c) and the table, JSON and summary rows `cdnsim sweep` prints
 * (sweep_print.c). */
#ifndef CDNSIM_REPORT_SWEEP_INT_H
#define CDNSIM_REPORT_SWEEP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "report/report_int.h"
/* Points in the best-points table. */
#define SWEEP_BEST 10

struct sw_vary {
    char *path;
    char *spec;
    char *kind;
    int64_t n_values;
    char *label; /* the shortest unambiguous tail of path */
    size_t lead; /* the --vary of its dimension: itself, or for a
                    --vary-with the --vary it moves with */
};

/* The figures every sweep shows, first in sw_info.metrics, in this
 * order. */
enum {
    M_OFFLOAD,
    M_BYTE_OFFLOAD,
    M_P99,
    M_PEAK,
    M_STEADY_PEAK,
    M_MEAN_RPS,
    M_COST,
    M_OUTDATED,
    M_N_FIXED
};

/* One figure of the sweep: a metric path and how to show it. */
struct sw_metric {
    struct rep_metric m;
    char *plot;    /* plot file name: "sweep-hit-ratio" */
    char *title;   /* plot title */
    char *ylabel;  /* y axis label, with the unit */
    char *caption; /* under the plot */
    int in_table;  /* a column of the printed table (and JSON) */
};

/* A point of the sweep; with replications, one combination of the
 * other values, its figures the mean over the replications. */
struct sw_point {
    int64_t point;
    char *params;
    int is_complete;
    int64_t run_id;   /* the first replication's */
    int64_t n_runs;   /* replications measured (1 without) */
    double *v;        /* [n_metrics]: the value, or the mean; NAN: not
                         measured */
    double *ci;       /* [n_metrics]: 95% confidence half-width; NAN
                         with fewer than 2 replications */
    double *sd;       /* [n_metrics]: sample standard deviation */
    double *rv;       /* [n_metrics * n_rv]: each replication's value,
                         metric-major; NAN: not complete */
    int64_t *run_ids; /* [n_rv]: each replication's run, 0 if pending */
    int64_t n_rv;
    char **value; /* [n_vary] as passed to --set */
    double *num;  /* [n_vary], NAN for text */
};

struct sw_info {
    int64_t id;
    char *topology_path, *workload_path, *overrides, *created;
    /* Provenance (schema version 4 on; NULL before): the files the sweep
     * began with and the cdnsim that began it. */
    char *topology_sha256, *workload_sha256, *cdnsim_version;
    char *topology, *workload; /* names, from the first complete run */
    int64_t seed, n_points;
    struct sw_vary *vary;
    size_t n_vary;
    struct sw_point *points; /* [n_points] in point order */
    size_t n_complete;
    struct sw_metric *metrics; /* [n_metrics], owned */
    size_t n_metrics;
    int64_t n_replications; /* 1 without --replications */
};

/* A point's figure. */
#define PV(q, k) ((q)->v[(k)])

/* What figures a reader of a sweep asks for. */
struct sw_want {
    const char *const *paths; /* --metric paths, [n_paths] */
    size_t n_paths;
    int defaults; /* also per-tier hit ratios, per-region p99 and the hit
                     ratio of each node a --vary changes */
};

/* Complete points grouped by series and sorted by x within each: an
 * index into points, plus where each series starts. */
struct sw_layout {
    int64_t *order; /* [n_complete] */
    size_t *start;  /* [n_series + 1] */
    char **titles;  /* [n_series] */
    size_t n_series;
    int logx;
};

/* sweep_data.c: reads sweep id with the figures want asks for, folding
 * replications. Returns 0 or a negative SIM_E* code. */
int sw_load(struct rep_db *d, int64_t id, const struct sw_want *want,
            struct sw_info *s);
void sw_fini(struct sw_info *s);

/* sweep_plots.c */
int sw_pick_x(struct rep_db *d, const struct sw_info *s, const char *x_path,
              size_t *x);
void sw_make_layout(const struct sw_info *s, size_t x, struct sw_layout *l);
void sw_layout_fini(struct sw_layout *l);
int sw_has_outdated(const struct sw_info *s);
int sw_is_drawn(const struct sw_info *s, size_t k);
double sw_shown(const struct sw_info *s, size_t k, double v);
int sw_plots(struct rep_plotter *pl, const struct sw_info *s, size_t x,
             const struct sw_layout *l);

/* sweep.c: the points in the order the best-points table shows them. */
int64_t *sw_ranked(const struct sw_info *s);

#endif /* CDNSIM_REPORT_SWEEP_INT_H */
