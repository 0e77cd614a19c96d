/* point.c: the run pipeline: files and overrides -> CDN -> run ->
 * results and warnings, the same for `cdnsim run`, a sweep's point and an
 * MPI rank. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "util/version.h"
#include "util/xalloc.h"
#include "workload/workload.h"

char *
run_overrides_join(const struct cfg_override *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i].text) + 1;
    char *s = xmalloc(len);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(v[i].text);
        if (i)
            s[at++] = ' ';
        memcpy(s + at, v[i].text, k);
        at += k;
    }
    s[at] = '\0';
    return s;
}

int
run_warning_text(const struct run_warnings *w, unsigned i, char *buf,
                 size_t len)
{
    unsigned long long n_re = (unsigned long long)w->n_reordered;
    if (n_re > 0 && i-- == 0) {
        snprintf(buf, len,
                 "%llu trace record%s came earlier than the record before "
                 "and %s moved up to its time (trace.out_of_order: clamp)",
                 n_re, n_re == 1 ? "" : "s", n_re == 1 ? "was" : "were");
        return 1;
    }
    if (w->ended_early == RUN_ENDED_IN_FULL || i != 0)
        return 0;
    if (w->ended_early == RUN_ENDED_TRACE)
        snprintf(buf, len, "the trace ended after %llu of %llu requests",
                 (unsigned long long)w->n_made,
                 (unsigned long long)w->n_requested);
    else
        snprintf(buf, len,
                 "the workload ended after %llu of %llu requests (its "
                 "arrivals grew too sparse for the simulated clock)",
                 (unsigned long long)w->n_made,
                 (unsigned long long)w->n_requested);
    return 1;
}

int
run_prepare(const struct run_input *in, struct run_result *r,
            struct sim_err *err)
{
    memset(r, 0, sizeof *r);
    r->overrides = run_overrides_join(in->sets, in->n_sets);
    int code = cfg_load(in->topology_path, in->workload_path, in->sets,
                        in->n_sets, &r->t, &r->w, err);
    if (code == 0 && (r->c = cdn_new(r->t, r->w, err)) == NULL)
        code = err->code;
    return code;
}

/* The warnings of a run that returned code: the reordering always, an
 * early end only of a complete run. */
static void
note_warnings(struct run_result *r, int code)
{
    const struct cfg_workload *w = r->w;
    uint64_t made = r->m.requests + r->m.warmup_requests;
    r->warn.n_reordered = wl_gen_n_reordered(cdn_workload(r->c));
    r->warn.n_made = made;
    r->warn.n_requested = w->n_requests;
    if (code != 0 || made >= w->n_requests)
        r->warn.ended_early = RUN_ENDED_IN_FULL;
    else if (w->trace.is_set)
        r->warn.ended_early = RUN_ENDED_TRACE;
    else
        r->warn.ended_early = RUN_ENDED_WORKLOAD;
}

int
run_trace_digest(const struct cfg_workload *w, char out[SHA256_HEX_LEN + 1],
                 struct sim_err *err)
{
    out[0] = '\0';
    if (!w->trace.is_set)
        return 0;
    if (sha256_file_hex(w->trace.path, out) != 0) {
        out[0] = '\0';
        return sim_err_set(err, -SIM_EIO, w->trace.path, 0, 0, NULL,
                           "cannot read the trace: %s", strerror(errno));
    }
    return 0;
}

int
run_execute(struct run_result *r, const struct cdn_run_opts *opts,
            struct sim_err *err)
{
    SIM_ASSERT(r->c != NULL && r->w != NULL && !r->has_metrics);
    /* Before the run: the digest of the bytes about to be replayed. */
    int code = run_trace_digest(r->w, r->trace_sha256, err);
    if (code != 0)
        return code;
    code = cdn_run(r->c, opts, &r->m);
    r->has_metrics = 1;
    r->m.overrides = r->overrides;
    r->m.topology_text = r->t->source.text;
    r->m.topology_sha256 = r->t->source.sha256;
    r->m.workload_text = r->w->source.text;
    r->m.workload_sha256 = r->w->source.sha256;
    if (r->trace_sha256[0] != '\0') {
        r->m.trace_path = r->w->trace.path;
        r->m.trace_sha256 = r->trace_sha256;
    }
    r->m.cdnsim_version = CDNSIM_VERSION;
    if (code != 0 && code != -SIM_EINTR) {
        /* A bad trace record ended the run: its error is the run's. */
        *err = *wl_gen_error(cdn_workload(r->c));
        if (err->code == 0)
            sim_err_set(err, code, r->w->path, 0, 0, NULL,
                        "the workload ended the run: %s", sim_strerror(code));
        return code;
    }
    note_warnings(r, code);
    return code;
}

int
run_point(const struct run_input *in, const struct cdn_run_opts *opts,
          struct run_result *r, struct sim_err *err)
{
    int code = run_prepare(in, r, err);
    return code != 0 ? code : run_execute(r, opts, err);
}

void
run_result_fini(struct run_result *r)
{
    if (r->has_metrics)
        met_run_fini(&r->m);
    free(r->overrides);
    cdn_free(r->c);
    cfg_workload_free(r->w);
    cfg_topology_free(r->t);
    memset(r, 0, sizeof *r);
}
