/* cmd_trace.c: `cdnsim trace gen|stats|convert`: writing a workload out
 * as a trace, characterising a trace, and converting between formats. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "util/json_escape.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "workload/workload.h"

static const char trace_usage[] =
    "usage: cdnsim trace gen WORKLOAD --out FILE --format FORMAT [options]\n"
    "       cdnsim trace stats FILE --format FORMAT [options]\n"
    "       cdnsim trace convert IN OUT --from FORMAT --to FORMAT\n"
    "                            [--columns SPEC]\n"
    "\n"
    "gen writes the requests WORKLOAD would send as a trace, in time order:\n"
    "  --out FILE          the trace to write (.zst: compressed)\n"
    "  --format FORMAT     oracle_general (with next_access filled in),\n"
    "                      csv or webcachesim\n"
    "  --topology FILE     take the regions from this topology (csv gets a\n"
    "                      region column); without it, one region\n"
    "  --time-unit UNIT    ns, us, ms or s (default: ns for csv, s for the\n"
    "                      others; times are truncated to the unit)\n"
    "  --requests N, --seed N, --set PATH=VALUE   as for `cdnsim run`\n"
    "\n"
    "stats characterises a trace in one pass (--help gives the methods in\n"
    "README.md): requests, objects, working set, one-hit wonders, sizes,\n"
    "reuse distances, the request rate over time and a fitted Zipf alpha:\n"
    "  --format FORMAT     oracle_general, csv or webcachesim\n"
    "  --columns SPEC      csv: which columns hold time, id, size, ...\n"
    "  --time-unit UNIT    the unit of the trace's times (default s)\n"
    "  --sample RATE       object-level figures from a spatial sample of\n"
    "                      objects (0 < RATE <= 1; default 1: exact)\n"
    "  --reuse-objects N   objects tracked for reuse distances (SHARDS;\n"
    "                      default 262144; 0: all, exact)\n"
    "  --min-count N       fit Zipf over objects with >= N requests\n"
    "                      (default 10)\n"
    "  --json FILE         write the figures as JSON ('-' = stdout only)\n"
    "\n"
    "convert reads IN and writes OUT in another format (csv to csv keeps\n"
    "the optional columns and the ids as written; oracle_general output\n"
    "gets next_access).\n"
    "\n"
    "exit status: 0 ok, 1 the output could not be written, 2 usage error,\n"
    "3 bad input (configuration or trace).\n";

static int
parse_format(const char *opt, const char *v, enum trace_format *f)
{
    if (v == NULL)
        return cli_usage_error("%s is required (%s)", opt, TRACE_FORMAT_NAMES);
    if (trace_format_parse(v, f) != 0)
        return cli_usage_error("%s: unknown format \"%s\" (known: %s)", opt, v,
                               TRACE_FORMAT_NAMES);
    return -1;
}

static int
parse_unit(const char *v, int64_t *out)
{
    static const char *const names[] = {"ns", "us", "ms", "s"};
    static const int64_t ns[] = {1, 1000, 1000000, 1000000000};
    for (int k = 0; k < 4; k++) {
        if (strcmp(v, names[k]) == 0) {
            *out = ns[k];
            return -1;
        }
    }
    return cli_usage_error("--time-unit: expected ns, us, ms or s, got "
                           "\"%s\"",
                           v);
}

/* Prints an error and picks the exit status: an output that cannot be
 * written fails the run (1), an input is bad (3, or as its code says). */
static int
report(const struct sim_err *err, int is_output)
{
    cli_print_err(err);
    return is_output ? EXIT_RUN_FAILED : cli_exit_for(err->code);
}

/* Ctrl-C while a trace is written: the loop stops, the writer removes
 * its temporary file, and the output is left as it was. */
/* Reports an interrupted write; the exit status. */
static int
interrupted(struct trace_writer *w, const char *out)
{
    trace_writer_abort(w);
    cli_error("%s: interrupted: nothing written (the file is left as it "
              "was)",
              out);
    return EXIT_RUN_FAILED;
}

/* ---- gen ----------------------------------------------------------------- */

struct gen_args {
    const char *workload;
    const char *out;
    const char *format;
    const char *topology;
    int64_t unit_ns;
    struct cli_sets sets; /* --set, --seed, --requests */
};

static int
gen_parse(int argc, char **argv, struct gen_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *v;
        int missing = 0, rc;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(trace_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--out", &missing))) {
            a->out = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--format", &missing))) {
            a->format = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--topology",
                                      &missing))) {
            a->topology = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--time-unit",
                                      &missing))) {
            if ((rc = parse_unit(v, &a->unit_ns)) >= 0)
                return rc;
        } else if ((rc = cli_sets_option(&a->sets, argc, argv, &i, 1,
                                         &missing)) >= 0) {
            if (rc != 0)
                return rc;
        } else if (missing) {
            return cli_usage_error("%s needs a value", argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", argv[i]);
        } else if (a->workload == NULL) {
            a->workload = argv[i];
        } else {
            return cli_usage_error("unexpected argument \"%s\"", argv[i]);
        }
    }
    if (a->workload == NULL)
        return cli_usage_error("trace gen needs a WORKLOAD file");
    if (a->out == NULL)
        return cli_usage_error("trace gen needs --out FILE");
    return -1;
}

/* A class's tags joined by "|"; caller frees. */
static char *
join_tags(const struct cfg_class *cl)
{
    size_t len = 1;
    for (size_t j = 0; j < cl->n_tags; j++)
        len += strlen(cl->tags[j]) + 1;
    char *s = xmalloc(len), *p = s;
    for (size_t j = 0; j < cl->n_tags; j++) {
        if (j)
            *p++ = '|';
        size_t n = strlen(cl->tags[j]);
        memcpy(p, cl->tags[j], n);
        p += n;
    }
    *p = '\0';
    return s;
}

/* The columns that carry what the workload says about each request. */
static unsigned
gen_columns(const struct cfg_workload *w, const struct cfg_topology *t)
{
    unsigned cols = 0;
    for (size_t k = 0; k < w->n_classes; k++) {
        if (cfg_class_ttl(&w->classes[k]) > 0)
            cols |= TRACE_HAS_TTL; /* the lifetime caches give */
        if (w->classes[k].swr_ns > 0)
            cols |= TRACE_HAS_SWR;
        if (w->classes[k].sie_ns > 0)
            cols |= TRACE_HAS_SIE;
        if (w->classes[k].n_tags > 0)
            cols |= TRACE_HAS_TAGS;
        if (!w->classes[k].is_cacheable)
            cols |= TRACE_HAS_CACHEABLE;
    }
    if (w->has_explicit_classes)
        cols |= TRACE_HAS_VERSION;
    if (w->trace.is_set)
        cols |= TRACE_HAS_TTL | TRACE_HAS_VERSION | TRACE_HAS_CACHEABLE |
                TRACE_HAS_SWR | TRACE_HAS_SIE;
    if (t != NULL)
        cols |= TRACE_HAS_REGION;
    return cols;
}

/* The trace record of request q: time in units of unit_ns, the region
 * when names (the topology's regions) is given, the class's tags from
 * class_tags, and each column of cols the request has. */
static void
gen_record(const struct wl_request *q, int64_t unit_ns, const char **names,
           char **class_tags, unsigned cols, struct trace_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->time = q->at / unit_ns;
    rec->id = q->object;
    rec->size = q->size;
    if (names != NULL) {
        rec->has |= TRACE_HAS_REGION;
        rec->region = names[q->region];
        rec->region_len = strlen(names[q->region]);
    }
    if (q->ttl_ns > 0) {
        rec->has |= TRACE_HAS_TTL;
        rec->ttl_ns = q->ttl_ns;
    }
    if (class_tags != NULL && class_tags[q->class_id][0] != '\0') {
        rec->has |= TRACE_HAS_TAGS;
        rec->tags = class_tags[q->class_id];
        rec->tags_len = strlen(class_tags[q->class_id]);
    }
    if (q->swr_ns > 0) {
        rec->has |= TRACE_HAS_SWR;
        rec->swr_ns = q->swr_ns;
    }
    if (q->sie_ns > 0) {
        rec->has |= TRACE_HAS_SIE;
        rec->sie_ns = q->sie_ns;
    }
    if (q->version != WL_NO_VERSION) {
        rec->has |= TRACE_HAS_VERSION;
        rec->version = q->version;
    }
    if (cols & TRACE_HAS_CACHEABLE) {
        rec->has |= TRACE_HAS_CACHEABLE;
        rec->is_cacheable = !q->is_uncacheable;
    }
}

/* The regions the requests come from: the topology's, or without one a
 * single region "all". Sets *names and *weights (caller frees both) and
 * returns their number. */
static size_t
gen_regions(const struct cfg_topology *t, const char ***names, double **weights)
{
    size_t n_regions = t ? t->n_regions : 1;
    *names = xcalloc(n_regions, sizeof **names);
    *weights = xcalloc(n_regions, sizeof **weights);
    for (size_t r = 0; r < n_regions; r++) {
        (*names)[r] = t ? t->regions[r].name : "all";
        (*weights)[r] = t ? t->regions[r].weight : 1.0;
    }
    return n_regions;
}

/* Each class's tags as the trace carries them, "a|b|c", made once and as
 * long as they are: a trace has to purge what the synthetic workload
 * purges. Caller frees each of w->n_classes and the array. */
static char **
gen_class_tags(const struct cfg_workload *w)
{
    char **class_tags = xcalloc(w->n_classes, sizeof *class_tags);
    for (size_t k = 0; k < w->n_classes; k++)
        class_tags[k] = join_tags(&w->classes[k]);
    return class_tags;
}

/* What the generator loop wrote. */
struct gen_totals {
    uint64_t n, bytes;
    int64_t last_at; /* the last request's time */
};

/* Writes the workload's requests to tw until it has them all, the
 * generator ends or fails, a write fails or a stop signal arrives.
 * Returns the last wl_gen_next or trace_write result (<0: failed). */
static int
gen_write_all(struct wl_gen *g, const struct cfg_workload *w,
              const struct gen_args *a, const char **names, char **class_tags,
              unsigned cols, struct trace_writer *tw, struct gen_totals *tot,
              struct sim_err *err)
{
    int rc = 0;
    struct wl_request q;
    while ((w->n_requests == 0 || tot->n < w->n_requests) &&
           !cli_stop_requested && (rc = wl_gen_next(g, &q)) == 1) {
        struct trace_rec rec;
        gen_record(&q, a->unit_ns, names, class_tags, cols, &rec);
        if ((rc = trace_write(tw, &rec, err)) != 0)
            break;
        tot->n++;
        tot->bytes += q.size;
        tot->last_at = q.at;
    }
    return rc;
}

/* After the loop: an interrupted or failed trace is removed, a complete
 * one closed and summed up on stdout. Returns the exit status. */
static int
gen_finish(const struct gen_args *a, enum trace_format f, struct wl_gen *g,
           struct trace_writer *tw, int rc, const struct gen_totals *tot,
           struct sim_err *err)
{
    if (cli_stop_requested)
        return interrupted(tw, a->out);
    if (rc < 0) {
        int is_output = err->code != 0; /* else the workload failed */
        if (!is_output)
            *err = *wl_gen_error(g);
        trace_writer_abort(tw);
        return report(err, is_output);
    }
    if (trace_writer_close(tw, err) != 0)
        return report(err, 1);
    char size[32];
    format_size(tot->bytes, size, sizeof size);
    printf("%s: %" PRIu64 " requests, %s, over %.3f s (%s)\n", a->out, tot->n,
           size, (double)tot->last_at / 1e9, trace_format_name(f));
    return EXIT_OK;
}

static int
trace_gen(int argc, char **argv)
{
    struct gen_args a = {0};
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct wl_gen *g = NULL;
    struct trace_writer *tw = NULL;
    char **class_tags = NULL; /* [w->n_classes] when tags are written */
    struct sim_err err = {0};
    enum trace_format f = TRACE_CSV;
    int status = gen_parse(argc, argv, &a);
    if (status < 0)
        status = parse_format("--format", a.format, &f);
    if (status >= 0)
        goto out;
    if (a.unit_ns == 0)
        a.unit_ns = f == TRACE_CSV ? 1 : 1000000000;
    int rc =
        a.topology
            ? cfg_load(a.topology, a.workload, a.sets.v, a.sets.n, &t, &w, &err)
            : cfg_load_workload(a.workload, a.sets.v, a.sets.n, &w, &err);
    const char **names;
    double *weights;
    size_t n_regions = gen_regions(t, &names, &weights);
    if (rc == 0)
        rc = wl_gen_new(w, names, weights, (uint32_t)n_regions, &g, &err);
    unsigned cols = rc == 0 ? gen_columns(w, t) : 0;
    if (rc != 0) {
        status = report(&err, 0);
        goto out_free;
    }
    cli_catch_stop_signals(); /* before the temporary file exists */
    if ((rc = trace_writer_open(a.out, f, cols, &tw, &err)) != 0) {
        status = report(&err, 1);
        goto out_free;
    }
    if (cols & TRACE_HAS_TAGS)
        class_tags = gen_class_tags(w);
    struct gen_totals tot = {0};
    rc = gen_write_all(g, w, &a, t ? names : NULL, class_tags, cols, tw, &tot,
                       &err);
    status = gen_finish(&a, f, g, tw, rc, &tot, &err);
out_free:
    for (size_t k = 0; class_tags != NULL && k < w->n_classes; k++)
        free(class_tags[k]);
    free(class_tags);
    free(names);
    free(weights);
out:
    wl_gen_free(g);
    cfg_workload_free(w);
    cfg_topology_free(t);
    cli_sets_fini(&a.sets);
    return status;
}

/* ---- stats --------------------------------------------------------------- */

static void
json_q(FILE *f, const char *key, const uint64_t *q, const char *extra)
{
    fprintf(f,
            "  \"%s\": {\"p50\": %" PRIu64 ", \"p90\": %" PRIu64
            ", \"p99\": %" PRIu64 "%s},\n",
            key, q[0], q[1], q[2], extra);
}

static void
stats_json(FILE *f, const char *path, enum trace_format fmt, int64_t unit_ns,
           const struct trace_stats *st)
{
    double unit_s = (double)unit_ns / 1e9;
    fputs("{\n  \"trace\": ", f);
    json_fputs(f, path);
    fprintf(f, ",\n  \"format\": \"%s\",\n", trace_format_name(fmt));
    fprintf(f, "  \"requests\": %" PRIu64 ",\n  \"bytes\": %" PRIu64 ",\n",
            st->requests, st->bytes);
    fprintf(f,
            "  \"first_time\": %" PRId64 ",\n  \"last_time\": %" PRId64
            ",\n  \"duration_s\": %.6f,\n  \"out_of_order\": %" PRIu64 ",\n",
            st->first_time, st->last_time,
            (double)(st->last_time - st->first_time) * unit_s,
            st->n_out_of_order);
    fprintf(f, "  \"objects\": %.0f,\n  \"object_sample_rate\": %.6f,\n",
            st->unique_objects, st->sample_rate);
    fprintf(f, "  \"working_set_bytes\": %.0f,\n", st->wss_bytes);
    fprintf(f, "  \"one_hit_wonder_ratio\": %.6f,\n", st->one_hit_ratio);
    char extra[96];
    snprintf(extra, sizeof extra, ", \"max\": %" PRIu64, st->request_size_max);
    json_q(f, "request_size", st->request_size, extra);
    json_q(f, "object_size", st->object_size, "");
    snprintf(extra, sizeof extra,
             ", \"reuses\": %.0f, \"cold\": %.0f, \"sample_rate\": %.6f",
             st->reuses, st->cold, st->reuse_rate);
    json_q(f, "reuse_distance", st->reuse, extra);
    if (st->has_fit)
        fprintf(f,
                "  \"zipf\": {\"alpha\": %.6f, \"stderr\": %.6f, \"ks\": "
                "%.6f, \"objects\": %" PRIu64 ", \"min_count\": %" PRIu64
                ", \"requests\": %.0f},\n",
                st->alpha, st->alpha_stderr, st->fit_ks, st->fit_objects,
                st->fit_min_count, st->fit_requests);
    else
        fputs("  \"zipf\": null,\n", f);
    fprintf(f, "  \"rate\": {\"window_s\": %.6f, \"requests\": [",
            (double)st->window_len * unit_s);
    for (size_t k = 0; k < st->n_windows; k++)
        fprintf(f, "%s%" PRIu64, k ? ", " : "", st->windows[k]);
    fputs("]}\n}\n", f);
}

static void
stats_table(FILE *f, const char *path, enum trace_format fmt, int64_t unit_ns,
            const struct trace_stats *st)
{
    double unit_s = (double)unit_ns / 1e9;
    char a[32], b[32], c[32], d[32];
    fprintf(f, "trace           %s (%s)\n", path, trace_format_name(fmt));
    format_size(st->bytes, a, sizeof a);
    fprintf(f, "requests        %" PRIu64 " (%s)\n", st->requests, a);
    fprintf(f, "time            %" PRId64 " to %" PRId64 " (%.3f s)\n",
            st->first_time, st->last_time,
            (double)(st->last_time - st->first_time) * unit_s);
    if (st->n_out_of_order)
        fprintf(f,
                "out of order    %" PRIu64 " records earlier than the one "
                "before\n",
                st->n_out_of_order);
    const char *est = st->sample_rate < 1 ? " (estimated from a sample)" : "";
    fprintf(f, "objects         %.0f%s\n", st->unique_objects, est);
    format_size((uint64_t)st->wss_bytes, a, sizeof a);
    fprintf(f, "working set     %s\n", a);
    fprintf(f, "one-hit wonders %.2f%% of objects\n", 100 * st->one_hit_ratio);
    format_size(st->request_size[0], a, sizeof a);
    format_size(st->request_size[1], b, sizeof b);
    format_size(st->request_size[2], c, sizeof c);
    format_size(st->request_size_max, d, sizeof d);
    fprintf(f, "request sizes   p50 %s  p90 %s  p99 %s  max %s\n", a, b, c, d);
    format_size(st->object_size[0], a, sizeof a);
    format_size(st->object_size[1], b, sizeof b);
    format_size(st->object_size[2], c, sizeof c);
    fprintf(f, "object sizes    p50 %s  p90 %s  p99 %s\n", a, b, c);
    fprintf(f,
            "reuse distance  p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64
            " objects (%.0f reuses; SHARDS rate %.4f)\n",
            st->reuse[0], st->reuse[1], st->reuse[2], st->reuses,
            st->reuse_rate);
    if (st->has_fit)
        fprintf(
            f,
            "zipf alpha      %.4f +- %.4f (KS distance %.4f; %" PRIu64
            " objects with >= %" PRIu64 " requests, %.1f%% of "
            "requests)%s\n",
            st->alpha, st->alpha_stderr, st->fit_ks, st->fit_objects,
            st->fit_min_count,
            100.0 * st->fit_requests /
                (st->sample_rate * (double)(st->requests ? st->requests : 1)),
            st->sample_rate < 1 ? " (sampled ranks: biased, see "
                                  "README.md)"
                                : "");
    else
        fprintf(f,
                "zipf alpha      no fit (fewer than 10 objects with >= "
                "%" PRIu64 " requests)\n",
                st->fit_min_count);
    double win_s = (double)st->window_len * unit_s;
    fprintf(f, "rate            requests/s in windows of %.6g s:\n", win_s);
    for (size_t k = 0; k < st->n_windows; k++)
        fprintf(f, "%s%.1f", k % 8 == 0 ? (k ? "\n  " : "  ") : " ",
                win_s > 0 ? (double)st->windows[k] / win_s : 0);
    fputc('\n', f);
}

struct stats_args {
    const char *path, *format, *columns, *json;
    int64_t unit_ns; /* of the trace's times */
    struct trace_stats_opts o;
};

/* Returns an exit status, or -1 to go on with *a set. */
static int
stats_parse(int argc, char **argv, struct stats_args *a)
{
    struct trace_stats_opts *o = &a->o;
    for (int i = 0; i < argc; i++) {
        const char *v;
        int missing = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(trace_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--format", &missing))) {
            a->format = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--columns", &missing))) {
            a->columns = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--json", &missing))) {
            a->json = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--time-unit",
                                      &missing))) {
            int rc = parse_unit(v, &a->unit_ns);
            if (rc >= 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--sample", &missing))) {
            if (parse_double(v, &o->sample_rate) != 0 ||
                !(o->sample_rate > 0) || o->sample_rate > 1)
                return cli_usage_error("--sample needs a rate in (0, 1], got "
                                       "\"%s\"",
                                       v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--reuse-objects",
                                      &missing))) {
            if (parse_u64(v, &o->reuse_objects) != 0 ||
                o->reuse_objects > UINT32_MAX / 2)
                return cli_usage_error("--reuse-objects needs a whole number "
                                       "(0 = all), got \"%s\"",
                                       v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--min-count",
                                      &missing))) {
            if (parse_u64(v, &o->fit_min_count) != 0 || o->fit_min_count == 0)
                return cli_usage_error("--min-count needs a positive whole "
                                       "number, got \"%s\"",
                                       v);
        } else if (missing) {
            return cli_usage_error("%s needs a value", argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", argv[i]);
        } else if (a->path == NULL) {
            a->path = argv[i];
        } else {
            return cli_usage_error("unexpected argument \"%s\"", argv[i]);
        }
    }
    if (a->path == NULL)
        return cli_usage_error("trace stats needs a trace FILE");
    return -1;
}

static int
trace_stats_cmd(int argc, char **argv)
{
    struct stats_args a = {
        .unit_ns = 1000000000,
        .o = {.reuse_objects = TRACE_STATS_REUSE_OBJECTS},
    };
    int status = stats_parse(argc, argv, &a);
    if (status >= 0)
        return status;
    const char *path = a.path, *json = a.json;
    int64_t unit_ns = a.unit_ns;
    enum trace_format f;
    status = parse_format("--format", a.format, &f);
    if (status >= 0)
        return status;
    struct trace_opts topts = {.columns = a.columns};
    struct trace_reader *r = NULL;
    struct sim_err err = {0};
    struct trace_stats st;
    /* The output is checked before the trace is read, which may take
     * long. */
    struct outfile jf = {0};
    if (json && outfile_open(&jf, json, 1, &err) != 0)
        return report(&err, 1);
    if (trace_open(path, f, &topts, &r, &err) != 0) {
        outfile_abort(&jf);
        return report(&err, 0);
    }
    int rc = trace_stats_run(r, &a.o, &st, &err);
    trace_close(r);
    if (rc != 0) {
        outfile_abort(&jf);
        return report(&err, 0);
    }
    status = EXIT_OK;
    int json_to_stdout = json && strcmp(json, "-") == 0;
    if (!json_to_stdout)
        stats_table(stdout, path, f, unit_ns, &st);
    if (json) {
        stats_json(jf.f, path, f, unit_ns, &st);
        if (outfile_commit(&jf, &err) != 0)
            status = report(&err, 1);
    }
    trace_stats_fini(&st);
    return status;
}

/* ---- convert ------------------------------------------------------------- */

static int
trace_convert(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *from = NULL, *to = NULL;
    const char *columns = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        int missing = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(trace_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--from", &missing))) {
            from = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--to", &missing))) {
            to = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--columns", &missing))) {
            columns = v;
        } else if (missing) {
            return cli_usage_error("%s needs a value", argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", argv[i]);
        } else if (in == NULL) {
            in = argv[i];
        } else if (out == NULL) {
            out = argv[i];
        } else {
            return cli_usage_error("unexpected argument \"%s\"", argv[i]);
        }
    }
    if (in == NULL || out == NULL)
        return cli_usage_error("trace convert needs IN and OUT files");
    enum trace_format ff, tf;
    int status = parse_format("--from", from, &ff);
    if (status < 0)
        status = parse_format("--to", to, &tf);
    if (status >= 0)
        return status;
    struct trace_opts topts = {.columns = columns};
    struct trace_reader *r = NULL;
    struct trace_writer *w = NULL;
    struct sim_err err = {0};
    if (trace_open(in, ff, &topts, &r, &err) != 0)
        return report(&err, 0);
    cli_catch_stop_signals(); /* before the temporary file exists */
    int rc = trace_writer_open(out, tf, trace_columns(r), &w, &err);
    if (rc != 0) {
        trace_close(r);
        return report(&err, 1);
    }
    uint64_t n = 0;
    struct trace_rec rec;
    while (!cli_stop_requested && (rc = trace_next(r, &rec)) == 1) {
        if ((rc = trace_write(w, &rec, &err)) != 0)
            break;
        n++;
    }
    if (cli_stop_requested) {
        trace_close(r);
        return interrupted(w, out);
    }
    int is_output = rc < 0 && err.code != 0;
    if (rc < 0 && !is_output)
        err = *trace_error(r);
    trace_close(r);
    if (rc < 0) {
        trace_writer_abort(w);
        return report(&err, is_output && err.code == -SIM_EIO);
    }
    if (trace_writer_close(w, &err) != 0)
        return report(&err, 1);
    printf("%s: %" PRIu64 " requests (%s)\n", out, n, trace_format_name(tf));
    return EXIT_OK;
}

int
cmd_trace(int argc, char **argv)
{
    if (argc < 1) {
        fputs(trace_usage, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        fputs(trace_usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "gen") == 0)
        return trace_gen(argc - 1, argv + 1);
    if (strcmp(argv[0], "stats") == 0)
        return trace_stats_cmd(argc - 1, argv + 1);
    if (strcmp(argv[0], "convert") == 0)
        return trace_convert(argc - 1, argv + 1);
    return cli_usage_error("unknown trace command \"%s\" (gen, stats or "
                           "convert)",
                           argv[0]);
}
