/* observers.h: private to sim/model/: the observers of outcomes (observe.c;
 * the two on the path of every request, observe_lookup and
 * observe_response, are inline in model_int.h), the counts kept per
 * content class (classes.c) and the workload's alert rules (alerts.c). */
#ifndef SIM_MODEL_OBSERVERS_H
#define SIM_MODEL_OBSERVERS_H

#include "model/model_int.h"

/* observe.c: the one place each outcome is counted and narrated. */
void observe_purged_copy(struct cdn *c, const struct req *r, int64_t now);
void observe_answer(struct cdn *c, const struct req *r, enum answer k,
                    const struct cache_obj *o, uint64_t evicted, int64_t now);
void observe_stale_if_error(struct cdn *c, const struct req *q, int64_t now);
void observe_client(struct cdn *c, const struct req *r, int64_t last_mile,
                    int64_t now);
void observe_refused(struct cdn *c, const struct req *r, int64_t now);
void observe_arrival(struct cdn *c, struct req *r, uint64_t asked_size,
                     int64_t now);
void observe_purge(struct cdn *c, uint32_t ni, size_t k, uint64_t n,
                   int64_t now);
void observe_push(struct cdn *c, uint32_t ni, size_t k, uint64_t sent,
                  uint64_t stored, int64_t now);
void observe_end(struct cdn *c);

/* classes.c: the client requests of each content class (met_run.classes,
 * when not NULL). */
void class_count_arrival(struct cdn *c, const struct req *r);
void class_count_answer(struct cdn *c, const struct req *r, int outdated,
                        uint64_t latency_ns);
void class_count_failed(struct cdn *c, const struct req *r);

/* alerts.c: the workload's metrics.alerts, window by window. init
 * resolves the rules' names (an unknown one is an input error); start
 * gives the run its met_alerts; count_client counts a measured client
 * answer (only when c->alerts); finish evaluates what is left and the
 * time series, and sorts. */
int alerts_init(struct cdn *c, struct sim_err *err);
void alerts_fini(struct cdn *c);
void alerts_start(struct cdn *c, struct met_run *m);
void alerts_count_client(struct cdn *c, const struct req *r,
                         uint64_t latency_ns, int64_t now);
void alerts_finish(struct cdn *c);

#endif
