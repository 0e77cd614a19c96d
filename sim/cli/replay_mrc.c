/* replay_mrc.c: `cdnsim replay TRACE --mrc`: an LRU miss-ratio curve in
 * one pass (sim/replay/mrc.c), printed as a table, written as CSV or
 * JSON and drawn by gnuplot (sim/report/mrc_plot.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "replay/mrc.h"
#include "report/report.h"
#include "util/json_escape.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/xalloc.h"

static const char mrc_usage[] =
    "usage: cdnsim replay TRACE --format FORMAT --mrc [options]\n"
    "\n"
    "Computes the LRU miss-ratio curve of TRACE in one pass: Mattson's\n"
    "stack distances, exact (a Fenwick tree over the last requests, memory\n"
    "per distinct object, not per request), or SHARDS spatial sampling\n"
    "with --sample. The miss ratio at a size equals what `replay --policy\n"
    "lru` gives at that size (byte caches: when no object is larger than\n"
    "the cache; see README).\n"
    "\n"
    "options:\n"
    "  --format FORMAT     as for replay (oracle_general, csv, webcachesim)\n"
    "  --columns SPEC      csv only: as for replay\n"
    "  --policy lru        the only policy the curve is for (accepted so\n"
    "                      that replay's --policy lru may stay; any other\n"
    "                      is a usage error)\n"
    "  --unit-size         every size counts as 1: cache sizes in objects\n"
    "  --capacity LIST     the cache sizes to report (bytes such as 64MiB,\n"
    "                      or objects with --unit-size); default: a grid\n"
    "                      of four sizes per doubling over the sizes where\n"
    "                      the curve moves\n"
    "  --sample R|auto     SHARDS: R in (0,1] tracks only keys with hash\n"
    "                      mod 2^24 below R * 2^24 and scales distances by\n"
    "                      1/R (1 = exact). auto (default): exact while at\n"
    "                      most --max-objects distinct objects are seen,\n"
    "                      then fixed-size SHARDS that keeps that many\n"
    "  --max-objects N     objects tracked by --sample auto (default\n"
    "                      1048576, about 80 MiB)\n"
    "  --warmup N          the first N requests fill the stack but are not\n"
    "                      counted\n"
    "  --out FILE          write the curve to FILE: JSON if FILE ends in\n"
    "                      .json, else CSV ('-' = stdout as CSV)\n"
    "  --plot DIR          draw DIR/mrc.png and DIR/mrc.svg with gnuplot\n"
    "  --templates DIR     the gnuplot templates (default: reports/)\n"
    "  --help              this text\n"
    "\n"
    "exit status: 0 ok, 1 interrupted or an output not written, 2 usage\n"
    "error, 3 bad input (a bad trace, named with its record or line).\n";

struct mrc_args {
    const char *trace;
    const char *format;
    const char *columns;
    int unit_size;
    uint64_t *sizes;
    size_t n_sizes;
    double sample;        /* 0 = auto */
    uint64_t max_objects; /* 0 = the default */
    uint64_t warmup;
    const char *out;
    const char *plot;
    const char *templates;
};

static int
parse_sizes(struct mrc_args *a, const char *v)
{
    char *text = xstrdup(v);
    free(a->sizes);
    a->sizes = xmalloc((strlen(v) / 2 + 1) * sizeof *a->sizes);
    a->n_sizes = 0;
    int rc = 0;
    for (char *p = text, *comma;; p = comma + 1) {
        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        uint64_t size;
        if (parse_size(p, &size) != 0 || size == 0) {
            rc = cli_usage_error("--capacity with --mrc: expected positive "
                                 "sizes such as 64MiB or 1000, got \"%s\"",
                                 p);
            break;
        }
        a->sizes[a->n_sizes++] = size;
        if (comma == NULL)
            break;
    }
    free(text);
    return rc;
}

static int
parse_sample(struct mrc_args *a, const char *v)
{
    if (strcmp(v, "auto") == 0) {
        a->sample = 0;
        return 0;
    }
    if (parse_double(v, &a->sample) != 0 || !(a->sample > 0 && a->sample <= 1))
        return cli_usage_error("--sample needs a rate in (0,1] or auto, "
                               "got \"%s\"",
                               v);
    return 0;
}

/* Returns -1 to go on, or an exit status. */
static int
parse_args(int argc, char **argv, struct mrc_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *v;
        int missing = 0, rc;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(mrc_usage, stdout);
            return EXIT_OK;
        } else if (strcmp(arg, "--mrc") == 0) {
            continue;
        } else if (strcmp(arg, "--unit-size") == 0) {
            a->unit_size = 1;
        } else if ((v = cli_opt_value(argc, argv, &i, "--policy", &missing))) {
            /* Stack distances give one curve for every size only for a
             * stack policy (Mattson et al. 1970): LRU is the one here. */
            if (strcmp(v, "lru") != 0)
                return cli_usage_error(
                    "--mrc computes the LRU curve only (Mattson's stack "
                    "distances), not --policy \"%s\": run `cdnsim replay "
                    "--policy %s --capacity SIZES` for it",
                    v, v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--format", &missing))) {
            a->format = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--columns", &missing))) {
            a->columns = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--capacity",
                                      &missing))) {
            if ((rc = parse_sizes(a, v)) != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--sample", &missing))) {
            if ((rc = parse_sample(a, v)) != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--max-objects",
                                      &missing))) {
            if (parse_u64(v, &a->max_objects) != 0 || a->max_objects == 0 ||
                a->max_objects > UINT32_MAX / 2)
                return cli_usage_error("--max-objects needs a whole number "
                                       "in [1, %u], got \"%s\"",
                                       UINT32_MAX / 2, v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--warmup", &missing))) {
            if (parse_u64(v, &a->warmup) != 0)
                return cli_usage_error("--warmup needs a whole number of "
                                       "requests, got \"%s\"",
                                       v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--out", &missing))) {
            a->out = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--plot", &missing))) {
            a->plot = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--templates",
                                      &missing))) {
            a->templates = v;
        } else if (missing) {
            return cli_usage_error("%s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("option \"%s\" does not apply to --mrc "
                                   "(see cdnsim replay --mrc --help)",
                                   arg);
        } else if (a->trace == NULL) {
            a->trace = arg;
        } else {
            return cli_usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (a->trace == NULL)
        return cli_usage_error("replay needs a TRACE file");
    if (a->format == NULL)
        return cli_usage_error("replay needs --format (%s)",
                               TRACE_FORMAT_NAMES);
    return -1;
}

static int
ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

static void
write_json(const struct mrc_result *r, int unit_size, FILE *f)
{
    fprintf(f,
            "{\"unit\": \"%s\", \"exact\": %s, \"sample_rate\": %.10g, "
            "\"requests\": %llu, \"sampled_requests\": %llu, "
            "\"objects\": %llu, \"points\": [\n",
            unit_size ? "objects" : "bytes", r->is_exact ? "true" : "false",
            r->sample_rate, (unsigned long long)r->requests,
            (unsigned long long)r->n_sampled, (unsigned long long)r->n_objects);
    for (size_t i = 0; i < r->n_points; i++) {
        const struct mrc_point *p = &r->points[i];
        fprintf(f,
                "  {\"capacity\": %llu, \"misses\": %.0f, "
                "\"miss_ratio\": %.10g, \"byte_miss_ratio\": %.10g}%s\n",
                (unsigned long long)p->size, p->misses, p->miss_ratio,
                p->byte_miss_ratio, i + 1 < r->n_points ? "," : "");
    }
    fputs("]}\n", f);
}

static void
write_csv(const struct mrc_result *r, FILE *f)
{
    fputs("capacity,misses,miss_ratio,byte_miss_ratio\n", f);
    for (size_t i = 0; i < r->n_points; i++) {
        const struct mrc_point *p = &r->points[i];
        fprintf(f, "%llu,%.0f,%.10g,%.10g\n", (unsigned long long)p->size,
                p->misses, p->miss_ratio, p->byte_miss_ratio);
    }
}

static void
print_table(const struct mrc_args *a, const struct mrc_result *r)
{
    printf("%18s %14s %12s %15s\n",
           a->unit_size ? "capacity(objects)" : "capacity(bytes)",
           r->is_exact ? "misses" : "misses(est.)", "miss_ratio",
           "byte_miss_ratio");
    for (size_t i = 0; i < r->n_points; i++) {
        const struct mrc_point *p = &r->points[i];
        printf("%18llu %14.0f %12.6f %15.6f\n", (unsigned long long)p->size,
               p->misses, p->miss_ratio, p->byte_miss_ratio);
    }
    printf("\n%s: LRU miss-ratio curve, %llu requests counted (%llu "
           "warmup), %llu distinct objects%s, one pass in %.3f s\n",
           a->trace, (unsigned long long)r->requests,
           (unsigned long long)(r->n_records - r->requests),
           (unsigned long long)r->n_objects,
           r->is_exact ? "" : " in the sample", r->seconds);
    if (!r->is_exact)
        printf("SHARDS sample rate %.6g at the end: %llu of the counted "
               "requests sampled\n",
               r->sample_rate, (unsigned long long)r->n_sampled);
}

/* The curve's outputs besides the table; returns an exit status. */
static int
write_outputs(const struct mrc_args *a, const struct mrc_result *r)
{
    struct sim_err err;
    sim_err_clear(&err);
    if (a->out) {
        struct outfile f = {0};
        if (outfile_open(&f, a->out, 1, &err) != 0) {
            cli_print_err(&err);
            return EXIT_RUN_FAILED;
        }
        if (ends_with(a->out, ".json"))
            write_json(r, a->unit_size, f.f);
        else
            write_csv(r, f.f);
        if (outfile_commit(&f, &err) != 0) {
            cli_print_err(&err);
            return EXIT_RUN_FAILED;
        }
    }
    if (a->plot) {
        struct rep_mrc_point *pts = xcalloc(r->n_points + 1, sizeof *pts);
        for (size_t i = 0; i < r->n_points; i++) {
            pts[i].size = (double)r->points[i].size;
            pts[i].miss_ratio = r->points[i].miss_ratio;
            pts[i].byte_miss_ratio = r->points[i].byte_miss_ratio;
        }
        char *title = xasprintf("LRU miss-ratio curve of %s%s", a->trace,
                                r->is_exact ? "" : " (SHARDS)");
        int code = rep_mrc_plot(a->plot, a->templates, title, a->unit_size, pts,
                                r->n_points, stderr, &err);
        free(title);
        free(pts);
        if (code != 0) {
            cli_print_err(&err);
            return EXIT_RUN_FAILED;
        }
    }
    return EXIT_OK;
}

int
cmd_replay_mrc(int argc, char **argv)
{
    struct mrc_args a;
    memset(&a, 0, sizeof a);
    int status = parse_args(argc, argv, &a);
    if (status >= 0) {
        free(a.sizes);
        return status;
    }
    struct mrc_opts o;
    memset(&o, 0, sizeof o);
    if (trace_format_parse(a.format, &o.format) != 0) {
        free(a.sizes);
        return cli_usage_error("unknown --format \"%s\" (known: %s)", a.format,
                               TRACE_FORMAT_NAMES);
    }
    if (a.columns != NULL && o.format != TRACE_CSV) {
        free(a.sizes);
        return cli_usage_error("--columns applies to --format csv only");
    }
    struct trace_opts topts = {.columns = a.columns};
    o.trace_path = a.trace;
    o.trace_opts = &topts;
    o.unit_size = a.unit_size;
    o.warmup = a.warmup;
    o.sample_rate = a.sample;
    o.max_objects = a.max_objects;
    o.sizes = a.sizes;
    o.n_sizes = a.n_sizes;
    o.stop = &cli_stop_requested;
    cli_catch_stop_signals();

    struct mrc_result r;
    struct sim_err err;
    sim_err_clear(&err);
    int code = mrc_run(&o, &r, &err);
    if (code == -SIM_EINTR) {
        fputs("cdnsim: interrupted: the curve covers only the requests "
              "read so far\n",
              stderr);
        status = EXIT_RUN_FAILED;
    } else if (code != 0) {
        cli_print_err(&err);
        free(a.sizes);
        return cli_exit_for(code);
    } else {
        status = EXIT_OK;
    }
    if (a.out == NULL || strcmp(a.out, "-") != 0)
        print_table(&a, &r);
    int out_status = write_outputs(&a, &r);
    if (status == EXIT_OK)
        status = out_status;
    mrc_result_fini(&r);
    free(a.sizes);
    return status;
}
