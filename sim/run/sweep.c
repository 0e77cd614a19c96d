/* sweep.c: a sweep: one base run at every point of a plan, recorded in
 * one database, and the in-process executor.
 *
 * A point is the base files plus the user's --set arguments plus the
 * point's own assignments, run through run_point exactly as `cdnsim run`
 * runs (same seed, same overrides), so a point's rows equal those of the
 * equivalent run. The database records the sweep and each point; a point
 * counts as done only when its run is written, in the same transaction,
 * so an interrupted sweep is resumed by running the same command again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "util/version.h"
#include "util/xalloc.h"

/* No value of this --vary: the base configuration's own. */
#define NO_VALUE ((size_t)-1)

/*
 * The overrides of a point: the user's, then "PATH=VALUE" for each --vary
 * k whose idx[k] is not NO_VALUE. *texts (OUT) holds the texts made here;
 * free both with free_sets.
 */
static struct cfg_override *
make_sets(const struct run_sweep *s, const size_t *idx, size_t *n_sets,
          char ***texts)
{
    const struct run_plan *pl = &s->plan;
    size_t n = s->base.n_sets, n_texts = 0;
    for (size_t k = 0; k < pl->n_vary; k++)
        n_texts += pl->vary[k].n_paths;
    struct cfg_override *sets = xcalloc(n + n_texts + 1, sizeof *sets);
    *texts = xcalloc(n_texts + 1, sizeof **texts);
    for (size_t i = 0; i < n; i++)
        sets[i] = s->base.sets[i];
    n_texts = 0;
    for (size_t k = 0; k < pl->n_vary; k++) {
        if (idx[k] == NO_VALUE)
            continue;
        /* A wildcard sets every field it matches. */
        for (size_t i = 0; i < pl->vary[k].n_paths; i++) {
            char *t = xasprintf("%s=%s", pl->vary[k].paths[i],
                                pl->vary[k].values[idx[k]]);
            (*texts)[n_texts++] = t;
            sets[n++].text = t;
        }
    }
    *n_sets = n;
    return sets;
}

static void
free_sets(struct cfg_override *sets, char **texts)
{
    for (size_t k = 0; texts[k]; k++)
        free(texts[k]);
    free(texts);
    free(sets);
}

static void
source_copy(struct cfg_source *to, const struct cfg_source *from)
{
    free(to->text);
    *to = *from;
    to->text = xmalloc(from->len + 1);
    memcpy(to->text, from->text, from->len + 1);
}

/* Loads the configuration of the values idx and builds the CDN, running
 * nothing; with seed not NULL, sets *seed to the workload's seed and
 * keeps the files' text in s. */
static int
check_sets(struct run_sweep *s, const size_t *idx, uint64_t *seed,
           struct sim_err *err)
{
    char **texts;
    struct run_input in = s->base;
    struct cfg_override *sets = make_sets(s, idx, &in.n_sets, &texts);
    in.sets = sets;
    struct run_result r;
    int code = run_prepare(&in, &r, err);
    if (code == 0 && seed) {
        *seed = r.w->seed;
        source_copy(&s->topology, &r.t->source);
        source_copy(&s->workload, &r.w->source);
    }
    run_result_fini(&r);
    free_sets(sets, texts);
    return code;
}

/* An override error caused by --vary k: it names --vary (or
 * --vary-with) and the path as the user wrote it. */
static void
blame_vary(const struct run_sweep *s, size_t k, struct sim_err *err)
{
    if (strcmp(err->file, "--set") != 0)
        return;
    snprintf(err->file, sizeof err->file, "%s",
             s->plan.vary[k].is_with ? "--vary-with" : "--vary");
    snprintf(err->field, sizeof err->field, "%s", s->plan.vary[k].path);
}

/* The first values of all --vary together fail on an override: finds the
 * --vary that fails alone and puts the error on it. */
static int
blame_first_values(struct run_sweep *s, size_t *idx, int code,
                   struct sim_err *err)
{
    struct sim_err e2 = {0};
    size_t n_vary = s->plan.n_vary;
    for (size_t k = 0; k < n_vary; k++)
        idx[k] = NO_VALUE;
    if (check_sets(s, idx, NULL, &e2) != 0)
        return code; /* the user's own overrides fail */
    for (size_t k = 0; k < n_vary; k++) {
        idx[k] = 0;
        int c2 = check_sets(s, idx, NULL, &e2);
        idx[k] = NO_VALUE;
        if (c2 != 0) {
            *err = e2;
            blame_vary(s, k, err);
            return c2;
        }
    }
    return code;
}

/* The first --vary after j that is no --vary-with, or n_vary. */
static size_t
next_dim(const struct run_sweep *s, size_t j)
{
    do
        j++;
    while (j < s->plan.n_vary && s->plan.vary[j].is_with);
    return j;
}

/* Value i of the dimension [j, end) fails: puts the error on the one of
 * its --vary that fails alone at value i, else on the --vary. */
static void
blame_linked(struct run_sweep *s, size_t *idx, size_t j, size_t end, size_t i,
             struct sim_err *err)
{
    size_t culprit = j;
    for (size_t k = j; end > j + 1 && k < end; k++) {
        struct sim_err e2 = {0};
        for (size_t m = j; m < end; m++)
            idx[m] = m == k ? i : 0;
        if (check_sets(s, idx, NULL, &e2) != 0) {
            culprit = k;
            break;
        }
    }
    for (size_t m = j; m < end; m++)
        idx[m] = i;
    blame_vary(s, culprit, err);
}

/*
 * Checks every value of every dimension once (a --vary with its
 * --vary-with), the others at their first value: the sum of the value
 * counts rather than their product, which
 * catches a bad path or value before anything runs. A combination that
 * only fails together is reported when its point runs.
 */
static int
check_values(struct run_sweep *s, uint64_t *seed, struct sim_err *err)
{
    size_t n_vary = s->plan.n_vary;
    size_t *idx = xcalloc(n_vary + 1, sizeof *idx);
    int code = check_sets(s, idx, seed, err);
    if (code != 0 && strcmp(err->file, "--set") == 0)
        code = blame_first_values(s, idx, code, err);
    for (size_t k = 0; k < n_vary; k++)
        idx[k] = 0;
    /* A dimension at a time: linked values only ever run together. */
    for (size_t j = 0; code == 0 && j < n_vary; j = next_dim(s, j)) {
        size_t end = next_dim(s, j);
        for (size_t i = 1; code == 0 && i < s->plan.vary[j].n; i++) {
            for (size_t k = j; k < end; k++)
                idx[k] = i;
            code = check_sets(s, idx, NULL, err);
            if (code != 0)
                blame_linked(s, idx, j, end, i, err);
        }
        for (size_t k = j; k < end; k++)
            idx[k] = 0;
    }
    free(idx);
    return code;
}

/* The digest of the trace the base workload replays, recorded with the
 * sweep so that resuming it over another trace is refused. */
static int
base_trace_digest(struct run_sweep *s, struct sim_err *err)
{
    struct run_result r;
    int code = run_prepare(&s->base, &r, err);
    if (code == 0 && r.w != NULL && r.w->trace.is_set) {
        code = run_trace_digest(r.w, s->trace_sha256, err);
        if (code == 0) {
            s->trace_path = xstrdup(r.w->trace.path);
            s->ms.trace_path = s->trace_path;
            s->ms.trace_sha256 = s->trace_sha256;
        }
    }
    run_result_fini(&r);
    return code;
}

/* Expands the wildcards of the plan over the names of the base
 * configuration's nodes and regions. */
static int
expand_globs(struct run_sweep *s, struct sim_err *err)
{
    struct run_result r;
    int code = run_prepare(&s->base, &r, err);
    if (code == 0) {
        const struct cfg_topology *t = r.t;
        const char **nodes = xcalloc(t->n_nodes + 1, sizeof *nodes);
        const char **regions = xcalloc(t->n_regions + 1, sizeof *regions);
        for (size_t i = 0; i < t->n_nodes; i++)
            nodes[i] = t->nodes[i].name;
        for (size_t i = 0; i < t->n_regions; i++)
            regions[i] = t->regions[i].name;
        struct run_names names = {nodes, t->n_nodes, regions, t->n_regions};
        code = run_plan_expand(&s->plan, &names, err);
        free(nodes);
        free(regions);
    }
    run_result_fini(&r);
    return code;
}

uint64_t
run_replication_seed(uint64_t base_seed, uint64_t i)
{
    if (i == 0)
        return base_seed;
    /* splitmix64's output function over base + i * golden ratio. */
    uint64_t z = base_seed + i * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z >> 1; /* below 2^63: the database keeps seeds signed */
}

/*
 * Appends the replications as the last, fastest dimension of the plan:
 * path "seed", kind "replication", the seeds of replications 0 .. n-1
 * as values, their numbers as nums. The base seed is the one the user's
 * files and --set arguments give.
 */
static int
add_replications(struct run_sweep *s, unsigned n, struct sim_err *err)
{
    struct run_plan *pl = &s->plan;
    for (size_t j = 0; j < pl->n_vary; j++)
        if (strcmp(pl->vary[j].path, "seed") == 0 ||
            strcmp(pl->vary[j].path, "workload.seed") == 0)
            return sim_err_set(err, -SIM_EUSAGE, "--replications", 0, 0, NULL,
                               "--replications chooses the seeds: do not "
                               "also --vary %s",
                               pl->vary[j].path);
    size_t *idx = xcalloc(pl->n_vary + 1, sizeof *idx);
    for (size_t j = 0; j < pl->n_vary; j++)
        idx[j] = NO_VALUE;
    uint64_t base_seed = 0;
    int code = check_sets(s, idx, &base_seed, err);
    free(idx);
    if (code != 0)
        return code;
    if (pl->n_points > RUN_SWEEP_MAX_POINTS / n)
        return sim_err_set(err, -SIM_EUSAGE, "--replications", 0, 0, NULL,
                           "the --vary values times %u replications make "
                           "more than %d points",
                           n, RUN_SWEEP_MAX_POINTS);
    pl->vary = xrealloc(pl->vary, (pl->n_vary + 1) * sizeof *pl->vary);
    struct run_vary *v = &pl->vary[pl->n_vary++];
    memset(v, 0, sizeof *v);
    v->path = xstrdup("seed");
    v->spec = xasprintf("%u replications", n);
    v->kind = "replication";
    v->n = n;
    v->paths = xcalloc(1, sizeof *v->paths);
    v->paths[0] = xstrdup("seed");
    v->n_paths = 1;
    pl->n_dims++;
    v->values = xcalloc(n, sizeof *v->values);
    v->nums = xcalloc(n, sizeof *v->nums);
    for (unsigned i = 0; i < n; i++) {
        v->values[i] = xasprintf(
            "%llu", (unsigned long long)run_replication_seed(base_seed, i));
        v->nums[i] = i;
    }
    pl->n_points = (pl->n_points ? pl->n_points : 1) * n;
    return 0;
}

int
run_sweep_init(struct run_sweep *s, const struct run_input *base,
               const char *db_path, const char *const *vary_args,
               const unsigned char *is_with, size_t n_vary_args,
               unsigned n_replications, int check, struct sim_err *err)
{
    memset(s, 0, sizeof *s);
    s->base = *base;
    s->db_path = db_path;
    int code = 0;
    if (n_vary_args > 0 || n_replications < 2)
        code = run_plan_parse(vary_args, is_with, n_vary_args, &s->plan, err);
    if (code == 0 && run_plan_has_glob(&s->plan))
        code = expand_globs(s, err);
    if (code == 0 && n_replications > 1)
        code = add_replications(s, n_replications, err);
    if (code != 0)
        return code;
    s->mv = xcalloc(s->plan.n_vary, sizeof *s->mv);
    for (size_t j = 0; j < s->plan.n_vary; j++) {
        const struct run_vary *v = &s->plan.vary[j];
        s->mv[j] = (struct met_sweep_vary){
            .path = v->path,
            .spec = v->spec,
            .kind = v->kind,
            .values = (const char *const *)v->values,
            .nums = v->nums,
            .n_values = v->n,
            .is_with = v->is_with,
            .fields = (const char *const *)v->paths,
            .n_fields = v->n_paths,
        };
    }
    s->user_overrides = run_overrides_join(base->sets, base->n_sets);
    s->ms = (struct met_sweep){
        .topology_path = base->topology_path,
        .workload_path = base->workload_path,
        .overrides = s->user_overrides,
        .vary = s->mv,
        .n_vary = s->plan.n_vary,
    };
    s->is_done = xcalloc((size_t)s->plan.n_points, 1);
    if (!check)
        return 0;
    code = check_values(s, &s->ms.seed, err);
    if (s->topology.text) {
        s->ms.topology_text = s->topology.text;
        s->ms.topology_sha256 = s->topology.sha256;
        s->ms.workload_text = s->workload.text;
        s->ms.workload_sha256 = s->workload.sha256;
    }
    if (code == 0)
        code = base_trace_digest(s, err);
    s->ms.cdnsim_version = CDNSIM_VERSION;
    return code;
}

void
run_sweep_fini(struct run_sweep *s)
{
    free(s->trace_path);
    run_plan_fini(&s->plan);
    free(s->mv);
    free(s->user_overrides);
    free(s->is_done);
    free(s->topology.text);
    free(s->workload.text);
    memset(s, 0, sizeof *s);
}

int
run_sweep_begin(struct run_sweep *s, struct sim_err *err)
{
    return met_sweep_begin(s->db_path, &s->ms, &s->id, s->is_done, err);
}

/* A file edited while the sweep runs would mix two studies in one: the
 * point fails rather than record other inputs under this sweep. */
static int
check_unchanged(const struct run_sweep *s, const struct run_result *r,
                struct sim_err *err)
{
    const char *was[2] = {s->ms.topology_sha256, s->ms.workload_sha256};
    const struct cfg_source *now[2] = {&r->t->source, &r->w->source};
    const char *path[2] = {s->base.topology_path, s->base.workload_path};
    for (int i = 0; i < 2; i++)
        if (was[i] && strcmp(was[i], now[i]->sha256) != 0)
            return sim_err_set(err, -SIM_EBADVAL, path[i], 0, 0, NULL,
                               "the file changed while the sweep ran "
                               "(SHA-256 %.12s..., now %.12s...)",
                               was[i], now[i]->sha256);
    return 0;
}

int
run_sweep_point(const struct run_sweep *s, uint64_t p,
                const struct cdn_run_opts *opts, struct run_warnings *warn,
                int64_t *run_id, void **image, size_t *image_len,
                struct sim_err *err)
{
    size_t *idx = xcalloc(s->plan.n_vary + 1, sizeof *idx);
    for (size_t j = 0; j < s->plan.n_vary; j++)
        idx[j] = met_sweep_value(&s->ms, p, j);
    char **texts;
    struct run_input in = s->base;
    struct cfg_override *sets = make_sets(s, idx, &in.n_sets, &texts);
    in.sets = sets;
    struct run_result r;
    memset(warn, 0, sizeof *warn);
    *run_id = 0;
    int code = run_point(&in, opts, &r, err);
    if (code == 0)
        code = check_unchanged(s, &r, err);
    if (code == 0) {
        *warn = r.warn;
        if (image)
            code = met_run_image(&r.m, image, image_len, err);
        else
            code = met_write_db_point(&r.m, s->db_path, s->id, p, run_id, err);
    }
    run_result_fini(&r);
    free_sets(sets, texts);
    free(idx);
    return code;
}

void
run_tally_add(struct run_tally *t, int code)
{
    if (code == 0)
        t->done++;
    else if (code == -SIM_EINTR)
        t->is_interrupted = 1;
    else
        t->failed++;
}

void
run_exec_serial(const struct run_sweep *s, const uint64_t *pending, size_t n,
                volatile sig_atomic_t *stop, const struct run_observer *obs,
                struct run_tally *tally)
{
    for (size_t i = 0; i < n && !*stop; i++) {
        struct sim_err err = {0};
        struct run_warnings warn;
        int64_t run_id = 0;
        obs->tick(obs->ctx, 1, 1);
        struct cdn_run_opts opts = {
            .stop = stop,
            .progress = obs->point_progress,
            .progress_ctx = obs->ctx,
        };
        int code = run_sweep_point(s, pending[i], &opts, &warn, &run_id, NULL,
                                   NULL, &err);
        char text[1024];
        sim_err_format(&err, text, sizeof text);
        run_tally_add(tally, code);
        obs->tick(obs->ctx, 0, 1);
        obs->point_done(obs->ctx, pending[i], code, text, &warn);
        obs->tick(obs->ctx, 0, 1);
    }
    if (*stop)
        tally->is_interrupted = 1;
}
