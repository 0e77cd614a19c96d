/* arrival.c: the workload's arrival process: a Poisson rate, its shape
 * over the day, and flash crowds.
 *
 *   arrival:
 *     rate: 2000                               # mean requests/s
 *     diurnal: {peak_hour: 20, peak_to_trough: 4}
 *     start_hour: 0                            # hour of day at time 0
 *     flash_crowds:
 *       - {at: 2h, duration: 10m, objects: 5, multiplier: 3}
 *
 * or, instead of rate and diurnal, a table of hourly rates that repeats:
 *
 *     hourly: [800, 600, 500, ..., 1200]       # requests/s, hour 0 first
 */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static const char *const arrival_keys[] = {
    "rate", "diurnal", "hourly", "start_hour", "flash_crowds", "attacks", NULL};
static const char *const diurnal_keys[] = {"peak_hour", "peak_to_trough", NULL};
static const char *const flash_keys[] = {
    "at", "duration", "objects", "multiplier", "zipf_alpha", "class", NULL};
static const char *const flash_required[] = {"at", "duration", "objects",
                                             "multiplier", NULL};

/* hourly: a non-empty sequence of rates >= 0, not all 0. */
static int
wb_hourly(const struct cfg_map *m, struct cfg_workload *w, struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(m, "hourly", YAML_SEQUENCE_NODE, 1, &seq, err);
    if (rc != 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    w->hourly = xcalloc(count, sizeof *w->hourly);
    double sum = 0;
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        const char *text = cfg_doc_scalar(m->d, item);
        double v;
        if (text == NULL || parse_double(text, &v) != 0 || v < 0 ||
            v > CFG_RATE_MAX)
            return cfg_map_bad(m, "hourly", item,
                               "a rate >= 0 and <= 1e+09 in requests per "
                               "second",
                               err);
        w->hourly[w->n_hourly++] = v;
        sum += v;
    }
    if (!(sum > 0))
        return cfg_map_bad(m, "hourly", seq,
                           "at least one hour with a rate > 0", err);
    w->rate = sum / (double)count;
    w->rate_shape = CFG_RATE_HOURLY;
    return 0;
}

static int
wb_flash(const struct cfg_map *m, struct cfg_workload *w, struct cfg_flash *f,
         struct sim_err *err)
{
    int rc = cfg_map_check_keys(m, flash_keys, flash_required, err);
    if (rc != 0)
        return rc;
    int at_id = cfg_map_find(m, "at");
    const char *at = cfg_doc_scalar(m->d, at_id);
    if (at == NULL || parse_duration(at, &f->at) != 0 ||
        f->at > CFG_TIME_MAX_NS)
        return cfg_map_bad(
            m, "at", at_id,
            "a time from the start such as \"10m\", up to " CFG_TIME_MAX_TEXT,
            err);
    rc = cfg_map_duration(m, "duration", 1, 0, &f->duration_ns, err);
    if (rc == 0)
        rc = cfg_map_count(m, "objects", 1, 0, 1, &f->n_objects, err);
    if (rc == 0 && f->n_objects > ((uint64_t)1 << 40))
        rc = cfg_map_bad(m, "objects", cfg_map_find(m, "objects"),
                         "a whole number from 1 to 2^40", err);
    if (rc == 0)
        rc = cfg_map_number(m, "multiplier", 1, 0, 1, 1, CFG_FACTOR_MAX,
                            &f->multiplier, err);
    if (rc == 0)
        rc = cfg_map_number(m, "zipf_alpha", 0, 0, 0, 0, INFINITY,
                            &f->zipf_alpha, err);
    if (rc == 0)
        rc = cfg_class_ref(m, "class", w, &f->class_idx, err);
    return rc;
}

static int
wb_flash_crowds(const struct cfg_map *m, struct cfg_workload *w,
                struct sim_err *err)
{
    int seq;
    int rc = cfg_map_child(m, "flash_crowds", YAML_SEQUENCE_NODE, 0, &seq, err);
    if (rc != 0 || seq == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, seq);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    w->flash = xcalloc(count ? count : 1, sizeof *w->flash);
    for (size_t k = 0; k < count; k++) {
        char field[CFG_FIELD_MAX];
        snprintf(field, sizeof field, "arrival.flash_crowds[%zu]", k);
        struct cfg_map fm;
        rc = cfg_map_open(&fm, m->d, n->data.sequence.items.start[k], field,
                          err);
        if (rc != 0)
            return rc;
        rc = wb_flash(&fm, w, &w->flash[w->n_flash++], err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int
cfg_arrival_build(const struct cfg_map *root, struct cfg_workload *w,
                  struct sim_err *err)
{
    struct cfg_map m, diurnal;
    int is_present;
    if (w->trace.is_set)
        return cfg_map_forbid(root, "arrival",
                              "does not go with trace: the "
                              "trace's timestamps drive the arrivals",
                              err);
    int rc = cfg_map_submap(root, "arrival", 1, &m, &is_present, err);
    if (rc != 0)
        return rc;
    int has_hourly = cfg_map_find(&m, "hourly") != 0;
    rc = cfg_map_check_keys(
        &m, arrival_keys,
        has_hourly ? NULL : (const char *const[]){"rate", NULL}, err);
    if (rc == 0 && has_hourly)
        rc = cfg_map_forbid(&m, "rate",
                            "does not go with hourly: the table "
                            "gives the rates",
                            err);
    if (rc == 0 && has_hourly)
        rc = cfg_map_forbid(&m, "diurnal",
                            "does not go with hourly: use "
                            "one or the other",
                            err);
    if (rc == 0 && has_hourly)
        rc = wb_hourly(&m, w, err);
    if (rc == 0 && !has_hourly)
        rc =
            cfg_map_number(&m, "rate", 1, 0, 0, 1, CFG_RATE_MAX, &w->rate, err);
    if (rc == 0)
        rc = cfg_map_submap(&m, "diurnal", 0, &diurnal, &is_present, err);
    if (rc == 0 && is_present) {
        w->rate_shape = CFG_RATE_SINUSOID;
        rc = cfg_map_check_keys(&diurnal, diurnal_keys, diurnal_keys, err);
        if (rc == 0)
            rc = cfg_map_number(&diurnal, "peak_hour", 1, 0, 0, 0, 24,
                                &w->peak_hour, err);
        if (rc == 0 && w->peak_hour >= 24)
            rc = cfg_map_bad(&diurnal, "peak_hour",
                             cfg_map_find(&diurnal, "peak_hour"),
                             "an hour >= 0 and < 24", err);
        if (rc == 0)
            rc = cfg_map_number(&diurnal, "peak_to_trough", 1, 0, 1, 0,
                                CFG_FACTOR_MAX, &w->peak_to_trough, err);
    }
    if (rc == 0)
        rc = cfg_map_number(&m, "start_hour", 0, 0, 0, 0, 24, &w->start_hour,
                            err);
    if (rc == 0 && w->start_hour >= 24)
        rc = cfg_map_bad(&m, "start_hour", cfg_map_find(&m, "start_hour"),
                         "an hour >= 0 and < 24", err);
    if (rc == 0)
        rc = wb_flash_crowds(&m, w, err);
    if (rc == 0)
        rc = cfg_attacks_build(&m, w, err);
    return rc;
}

void
cfg_arrival_free(struct cfg_workload *w)
{
    free(w->hourly);
    free(w->flash);
    cfg_attacks_free(w);
}
