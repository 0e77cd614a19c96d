/* origin_route.h: private to sim/model/: origin_routes (origin_route.c).
 * origin_route_link and origin_route_count stay in model_int.h, for its
 * inline link_to and count_lookup. */
#ifndef SIM_MODEL_ORIGIN_ROUTE_H
#define SIM_MODEL_ORIGIN_ROUTE_H

#include "model/model_int.h"

/* origin_route.c: origin_routes (c->oroutes). init resolves the
 * routes' classes (an unknown one is an input error) and makes the links
 * the routes add, before route_init; upstream is route_upstream for a
 * fetch of object, with the routes deciding which origin a node whose
 * parent is an origin asks; pick is the origin the routes give object
 * (dflt when none matches); count records what an origin served a
 * measured request (c->m->origins). */
int origin_route_init(struct cdn *c, struct sim_err *err);
void origin_route_fini(struct cdn *c);
struct link *origin_route_links(struct cdn *c, size_t *n);
uint32_t origin_route_pick(const struct cdn *c, uint32_t dflt, uint64_t object);
uint32_t origin_route_upstream(const struct cdn *c, uint32_t i, uint64_t object,
                               int64_t now);
void origin_route_start_run(struct cdn *c, struct met_run *m);
void origin_route_end(struct cdn *c);

#endif
