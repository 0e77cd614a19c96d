/* cmd_replay.c: `cdnsim replay`: a trace through single caches, as
 * libCacheSim's cachesim runs it. Options and output here; the replay
 * itself is replay_run() in sim/replay/replay.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "cli/cli.h"
#include "cli/replay_policy.h"
#include "replay/replay.h"
#include "util/json_escape.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/xalloc.h"

static const char replay_usage[] =
    "usage: cdnsim replay TRACE --format FORMAT --policy NAME[,NAME...]\n"
    "                     --capacity SIZE[,SIZE...] [options]\n"
    "\n"
    "Replays TRACE through one cache per policy and capacity, with no\n"
    "topology and no latency (as libCacheSim's cachesim): each request is\n"
    "a lookup, then a hit or a miss that inserts the object. All caches are\n"
    "fed from one pass over the trace. Prints, per policy and capacity,\n"
    "the requests counted, the miss ratio, the byte miss ratio and the\n"
    "cache's throughput (requests it processed per second of the time\n"
    "spent inside that cache, trace reading excluded; the line below the\n"
    "table gives the whole pass's throughput, reading included).\n"
    "\n"
    "options:\n"
    "  --format FORMAT     oracle_general (libCacheSim binary), csv (with a\n"
    "                      header line) or webcachesim (\"time id size\"\n"
    "                      lines); any of them may be zstd-compressed\n"
    "                      (.zst, or detected by the zstd magic number)\n"
    "  --policy LIST       registered policies (cdnsim policies), commas\n"
    "                      between names; each may carry parameters after\n"
    "                      colons, e.g. lhd:samples=16:interval=100000,lru\n"
    "                      (the keys and ranges of a topology's cache:\n"
    "                      mapping; cdnsim policies lists them)\n"
    "  --capacity LIST     cache sizes such as 64MiB or 1000000 (bytes, or\n"
    "                      objects with --unit-size), or fractions of the\n"
    "                      trace's working set in (0,1) such as 0.01 (of its\n"
    "                      distinct objects with --unit-size, else of their\n"
    "                      bytes), rounded to the nearest whole number;\n"
    "                      a fraction needs an extra first pass over the\n"
    "                      trace to count the working set\n"
    "  --admission NAME[:KEY=VALUE,...]\n"
    "                      admission filter in front of every cache, with\n"
    "                      its parameters (cdnsim policies lists them),\n"
    "                      e.g. size:max_object_size=1MiB (default: always)\n"
    "  --unit-size         count every object's size as 1: capacities are\n"
    "                      then in objects\n"
    "  --warmup N          the first N requests fill the caches but are not\n"
    "                      counted\n"
    "  --columns SPEC      csv only: which columns hold time, id and size,\n"
    "                      by 1-based number or header name, e.g.\n"
    "                      time=1,id=2,size=3 or id=key; roles left out are\n"
    "                      found by header name; no size column = size 1,\n"
    "                      no time column = the record's index\n"
    "  --json FILE         also write the rows as a JSON array to FILE\n"
    "                      ('-' = stdout, which then carries only the JSON)\n"
    "  --mrc               instead: the LRU miss-ratio curve in one pass\n"
    "                      (cdnsim replay --mrc --help)\n"
    "  --help              this text\n"
    "\n"
    "Offline policies (belady) need each request's next access: the\n"
    "oracle_general format carries it; for csv and webcachesim a first pass\n"
    "computes it, keeping 8 bytes per request in memory.\n"
    "\n"
    "exit status: 0 ok, 1 interrupted, 2 usage error (a policy parameter\n"
    "unknown, malformed or out of range included), 3 bad input (a bad\n"
    "trace, named with its record or line; an unknown policy).\n";

struct replay_args {
    const char *trace;
    const char *format;
    char *policy_text; /* owned copy, split in place */
    char **policies;   /* bare names once parsed */
    size_t n_policies;
    struct replay_policy_specs specs; /* their parameters */
    struct replay_capacity *caps;
    size_t n_caps;
    const char *admission;
    char *admission_text; /* owned copy of --admission, split in place */
    struct cfg_kv *adm_params;
    size_t n_adm_params;
    int unit_size;
    uint64_t warmup;
    const char *columns;
    const char *json;
};

static void
replay_args_fini(struct replay_args *a)
{
    free(a->policy_text);
    free(a->policies);
    replay_policy_specs_fini(&a->specs);
    free(a->caps);
    free(a->admission_text);
    free(a->adm_params);
}

/* A fraction in (0, 1) of the working set, or a positive size. */
static int
parse_capacity(const char *s, struct replay_capacity *c)
{
    double f;
    if (parse_double(s, &f) == 0 && f > 0 && f < 1) {
        c->fraction = f;
        c->value = 0;
        return 0;
    }
    uint64_t v;
    if (parse_size(s, &v) != 0 || v == 0)
        return -1;
    c->fraction = 0;
    c->value = v;
    return 0;
}

static int
parse_policies(struct replay_args *a, const char *v)
{
    free(a->policy_text);
    free(a->policies);
    a->policy_text = xstrdup(v);
    a->policies = xmalloc((strlen(v) / 2 + 1) * sizeof *a->policies);
    a->n_policies = 0;
    char *p = a->policy_text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p == '\0')
            return cli_usage_error("--policy needs NAME[,NAME...], got "
                                   "\"%s\"",
                                   v);
        a->policies[a->n_policies++] = p;
        if (comma == NULL) {
            int rc = replay_policy_specs_parse(&a->specs, a->policies,
                                               a->n_policies);
            return rc >= 0 ? rc : 0;
        }
        p = comma + 1;
    }
}

static int
parse_capacities(struct replay_args *a, const char *v)
{
    char *text = xstrdup(v);
    free(a->caps);
    a->caps = xmalloc((strlen(v) / 2 + 1) * sizeof *a->caps);
    a->n_caps = 0;
    int rc = 0;
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (parse_capacity(p, &a->caps[a->n_caps]) != 0) {
            rc = cli_usage_error("--capacity: expected a positive size "
                                 "such as 64MiB or a fraction in (0,1) "
                                 "such as 0.01, got \"%s\"",
                                 p);
            break;
        }
        a->n_caps++;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    free(text);
    return rc;
}

/* "NAME" or "NAME:KEY=VALUE,KEY=VALUE". */
static int
parse_admission(struct replay_args *a, const char *v)
{
    free(a->admission_text);
    free(a->adm_params);
    a->admission_text = xstrdup(v);
    a->adm_params = xcalloc(strlen(v) / 2 + 1, sizeof *a->adm_params);
    a->n_adm_params = 0;
    char *colon = strchr(a->admission_text, ':');
    a->admission = a->admission_text;
    if (colon == NULL)
        return 0;
    *colon = '\0';
    char *p = colon + 1;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || eq[1] == '\0')
            return cli_usage_error("--admission needs NAME[:KEY=VALUE,...], "
                                   "got \"%s\"",
                                   v);
        *eq = '\0';
        struct cfg_kv *kv = &a->adm_params[a->n_adm_params++];
        kv->key = p;
        kv->value = eq + 1;
        kv->field = p;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

/* Returns -1 to go on, or an exit status (help, usage error). */
static int
parse_args(int argc, char **argv, struct replay_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        int missing = 0, rc;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(replay_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--format", &missing))) {
            a->format = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--policy", &missing))) {
            if ((rc = parse_policies(a, v)) != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--capacity",
                                      &missing))) {
            if ((rc = parse_capacities(a, v)) != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--admission",
                                      &missing))) {
            if ((rc = parse_admission(a, v)) != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--warmup", &missing))) {
            if (parse_u64(v, &a->warmup) != 0)
                return cli_usage_error("--warmup needs a whole number of "
                                       "requests, got \"%s\"",
                                       v);
        } else if ((v = cli_opt_value(argc, argv, &i, "--columns", &missing))) {
            a->columns = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--json", &missing))) {
            a->json = v;
        } else if (strcmp(arg, "--unit-size") == 0) {
            a->unit_size = 1;
        } else if (missing) {
            return cli_usage_error("%s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", arg);
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
    if (a->n_policies == 0)
        return cli_usage_error("replay needs --policy NAME[,NAME...]");
    if (a->n_caps == 0)
        return cli_usage_error("replay needs --capacity SIZE[,SIZE...]");
    return -1;
}

static void
json_ratio(FILE *f, uint64_t num, uint64_t den)
{
    if (den == 0)
        fputs("null", f);
    else
        fprintf(f, "%.10g", (double)num / (double)den);
}

/* ", "params": {"samples": "16"}" when the policy was given parameters
 * (values as written), nothing otherwise. */
static void
write_json_params(FILE *f, const struct replay_policy_params *pp)
{
    if (pp == NULL)
        return;
    fputs(", \"params\": {", f);
    for (size_t i = 0; i < pp->n; i++) {
        fputs(i ? ", " : "", f);
        json_fputs(f, pp->kv[i].key);
        fputs(": ", f);
        json_fputs(f, pp->kv[i].value);
    }
    fputs("}", f);
}

/* The policy column: the --policy entry as written. */
static const char *
policy_label(const struct replay_result *r)
{
    return r->params ? r->params->label : r->policy;
}

static int
write_json(const struct replay_summary *s, FILE *f)
{
    fputs("[\n", f);
    for (size_t i = 0; i < s->n_results; i++) {
        const struct replay_result *r = &s->results[i];
        fputs("  {\"policy\": ", f);
        json_fputs(f, r->policy);
        write_json_params(f, r->params);
        fputs(", \"admission\": ", f);
        json_fputs(f, r->admission);
        fprintf(f,
                ", \"capacity\": %llu, \"requests\": %llu, "
                "\"misses\": %llu, \"miss_ratio\": ",
                (unsigned long long)r->capacity,
                (unsigned long long)r->requests, (unsigned long long)r->misses);
        json_ratio(f, r->misses, r->requests);
        fputs(", \"byte_miss_ratio\": ", f);
        json_ratio(f, r->bytes_missed, r->bytes);
        fputs(", \"requests_per_s\": ", f);
        if (r->seconds > 0)
            fprintf(f, "%.0f", (double)r->n_fed / r->seconds);
        else
            fputs("null", f);
        fprintf(f, "}%s\n", i + 1 < s->n_results ? "," : "");
    }
    fputs("]\n", f);
    return ferror(f) ? -1 : 0;
}

static void
print_ratio(uint64_t num, uint64_t den)
{
    if (den == 0)
        printf(" %15s", "-");
    else
        printf(" %15.6f", (double)num / (double)den);
}

static void
print_table(const struct replay_args *a, const struct replay_summary *s)
{
    size_t pw = strlen("policy"), aw = strlen("admission");
    for (size_t i = 0; i < s->n_results; i++) {
        if (strlen(policy_label(&s->results[i])) > pw)
            pw = strlen(policy_label(&s->results[i]));
        if (strlen(s->results[i].admission) > aw)
            aw = strlen(s->results[i].admission);
    }
    printf("%-*s  %-*s %18s %12s %12s %15s %15s %10s\n", (int)pw, "policy",
           (int)aw, "admission",
           a->unit_size ? "capacity(objects)" : "capacity(bytes)", "requests",
           "misses", "miss_ratio", "byte_miss_ratio", "M req/s");
    for (size_t i = 0; i < s->n_results; i++) {
        const struct replay_result *r = &s->results[i];
        printf("%-*s  %-*s %18llu %12llu %12llu", (int)pw, policy_label(r),
               (int)aw, r->admission, (unsigned long long)r->capacity,
               (unsigned long long)r->requests, (unsigned long long)r->misses);
        print_ratio(r->misses, r->requests);
        print_ratio(r->bytes_missed, r->bytes);
        if (r->seconds > 0)
            printf(" %10.2f\n", (double)r->n_fed / r->seconds / 1e6);
        else
            printf(" %10s\n", "-");
    }
    printf("\n%s: %llu requests (%llu warmup), one pass in %.3f s "
           "(%.2f M req/s for the %zu cache%s together)\n",
           a->trace, (unsigned long long)s->n_records,
           (unsigned long long)(a->warmup < s->n_records ? a->warmup
                                                         : s->n_records),
           s->pass_seconds,
           s->pass_seconds > 0 ? (double)s->n_records / s->pass_seconds / 1e6
                               : 0.0,
           s->n_results, s->n_results == 1 ? "" : "s");
    if (s->did_prepass)
        printf("first pass in %.3f s: working set %llu objects, %llu "
               "bytes%s\n",
               s->prepass_seconds, (unsigned long long)s->wss_objects,
               (unsigned long long)s->wss_bytes,
               s->computed_next_access ? "; next accesses computed" : "");
}

/* The replay's options from the command line's (a, which o borrows from,
 * with *topts): -1, or the exit status of a usage error. */
static int
opts_from_args(const struct replay_args *a, struct replay_opts *o,
               struct trace_opts *topts)
{
    memset(o, 0, sizeof *o);
    if (trace_format_parse(a->format, &o->format) != 0)
        return cli_usage_error("unknown --format \"%s\" (known: %s)", a->format,
                               TRACE_FORMAT_NAMES);
    if (a->columns != NULL && o->format != TRACE_CSV)
        return cli_usage_error("--columns applies to --format csv only");
    memset(topts, 0, sizeof *topts);
    topts->columns = a->columns;
    o->trace_path = a->trace;
    o->trace_opts = topts;
    o->policies = (const char *const *)a->policies;
    o->n_policies = a->n_policies;
    o->policy_params = a->specs.by_policy;
    o->capacities = a->caps;
    o->n_capacities = a->n_caps;
    o->admission = a->admission;
    o->admission_params = a->adm_params;
    o->n_admission_params = a->n_adm_params;
    o->unit_size = a->unit_size;
    o->warmup = a->warmup;
    o->seed = 1;
    o->stop = &cli_stop_requested;
    return -1;
}

int
cmd_replay(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--mrc") == 0)
            return cmd_replay_mrc(argc, argv);
    struct replay_args a;
    memset(&a, 0, sizeof a);
    int status = parse_args(argc, argv, &a);
    if (status >= 0) {
        replay_args_fini(&a);
        return status;
    }
    struct replay_opts o;
    struct trace_opts topts;
    status = opts_from_args(&a, &o, &topts);
    if (status >= 0) {
        replay_args_fini(&a);
        return status;
    }

    cli_catch_stop_signals();

    struct replay_summary s;
    struct sim_err err;
    sim_err_clear(&err);
    /* The output is checked before the replay, which may take long. */
    struct outfile json = {0};
    if (a.json && outfile_open(&json, a.json, 1, &err) != 0) {
        cli_print_err(&err);
        replay_args_fini(&a);
        return EXIT_RUN_FAILED;
    }
    int code = replay_run(&o, &s, &err);
    if (code == -SIM_EINTR && s.n_results > 0) {
        fputs("cdnsim: interrupted: the results cover only the requests "
              "read so far\n",
              stderr);
        status = EXIT_RUN_FAILED;
    } else if (code != 0) {
        cli_print_err(&err);
        outfile_abort(&json);
        replay_args_fini(&a);
        return cli_exit_for(code);
    } else {
        status = EXIT_OK;
    }

    int json_to_stdout = a.json && strcmp(a.json, "-") == 0;
    if (!json_to_stdout)
        print_table(&a, &s);
    if (a.json) {
        write_json(&s, json.f); /* errors stay in the stream: below */
        if (outfile_commit(&json, &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
        }
    }
    replay_summary_fini(&s);
    replay_args_fini(&a);
    return status;
}
