/* cmd_sweep.c: `cdnsim sweep`: the command line of a sweep, its progress
 * bar and its printing. The sweep itself (the --vary plan, the points,
 * the fork pool and MPI executors) is sim/run/. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"
#include "run/run.h"
#include "util/escape.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/xalloc.h"

static const char sweep_usage[] =
    "usage: cdnsim sweep TOPOLOGY WORKLOAD --vary PATH=VALUES [--vary ...]\n"
    "                    --db FILE [options]\n"
    "       cdnsim sweep TOPOLOGY WORKLOAD --replications N --db FILE "
    "[options]\n"
    "\n"
    "Runs TOPOLOGY x WORKLOAD at every combination of the --vary values, all\n"
    "with the same seed, and records the runs, the sweep and each point in\n"
    "the SQLite database FILE. Running the same command again resumes: the\n"
    "points already complete are skipped.\n"
    "\n"
    "options:\n"
    "  --vary PATH=VALUES  a field (any --set path) and its values, "
    "repeatable:\n"
    "                      a list     nodes.edge-fra.cache.policy=lru,s3fifo\n"
    "                      doubling   "
    "nodes.edge-fra.cache.capacity=1GiB..64GiB*2\n"
    "                      steps      catalog.ttl=1m..10m+3m\n"
    "                      (A..B*F multiplies by F, A..B+S adds S, up to B;\n"
    "                      sizes, durations and plain numbers); a node or\n"
    "                      region name may be a glob, setting every match:\n"
    "                      nodes.edge-*.cache.capacity=128MiB..2GiB*2\n"
    "  --vary-with PATH=VALUES\n"
    "                      moves in lock-step with the --vary before it: its\n"
    "                      i-th value with that one's i-th (as many values)\n"
    "  --db FILE           the results database (created if new)\n"
    "  --jobs N            points run in parallel (default: the number of\n"
    "                      cores)\n"
    "  --set PATH=VALUE    an override for every point, repeatable; a --vary\n"
    "                      of the same path wins\n"
    "  --seed N            shorthand for --set seed=N\n"
    "  --requests N        shorthand for --set requests=N\n"
    "  --replications N    run every point N times (2 to 1000) with seeds\n"
    "                      derived from the base seed; the table, JSON,\n"
    "                      database summary and plots give each figure's\n"
    "                      mean and 95% confidence interval\n"
    "  --metric PATH       also show this figure of each run, repeatable: a\n"
    "                      path in the run's JSON, such as\n"
    "                      nodes.edge-fra.hit_ratio, tiers.edge.hit_ratio,\n"
    "                      regions.eu.latency_ms.p99, origin.steady_peak_rps\n"
    "  --json FILE         write the sweep's points and figures as JSON\n"
    "                      ('-' = stdout, which then carries it alone)\n"
    "  --force-new         record a new sweep even if FILE holds the same\n"
    "                      one (needed when the files changed since it\n"
    "                      began: resuming it is refused then)\n"
    "  --dry-run           check everything and list the points; run nothing\n"
    "  --quiet             no table of results at the end\n"
    "  --help              this text\n"
    "\n"
    "A progress bar appears on stderr when it is a terminal. Ctrl-C stops\n"
    "the sweep; the points finished so far are kept.\n"
    "\n"
    "exit status: 0 ok, 1 a point failed or the sweep was interrupted,\n"
    "2 usage error, 3 bad input.\n";

struct sweep_args {
    const char *topo;
    const char *workload;
    const char *db;
    struct cli_sets sets;   /* the user's --set, --seed, --requests */
    const char **vary_args; /* the --vary and --vary-with arguments */
    unsigned char *is_with; /* [n_vary_args]: 1 for a --vary-with */
    size_t n_vary_args;
    long jobs;             /* 0 = one per core */
    unsigned replications; /* 0: none */
    const char **metrics;  /* the --metric paths, parsed once here */
    size_t n_metrics;
    const char *json;
    int quiet;
    int dry_run;
    int force_new; /* a new sweep even if the file has the same one */
};

static void
args_fini(struct sweep_args *a)
{
    cli_sets_fini(&a->sets);
    free(a->vary_args);
    free(a->is_with);
    free(a->metrics);
}

/* Takes one option at argv[*i]: returns -1 when taken, 0 when argv[*i] is
 * no option of sweep's (or lacks its value: *missing), or an exit
 * status after printing a usage error. */
static int
parse_option(int argc, char **argv, int *i, struct sweep_args *a, int *missing)
{
    const char *arg = argv[*i];
    const char *v;
    int rc;
    int is_with = 0;
    if ((v = cli_opt_value(argc, argv, i, "--vary", missing)) ||
        (is_with = 1,
         v = cli_opt_value(argc, argv, i, "--vary-with", missing))) {
        const char *eq = strchr(v, '=');
        if (eq == NULL || eq == v || eq[1] == '\0')
            return cli_usage_error("%s needs PATH=VALUES, such as "
                                   "nodes.edge.cache.policy=lru,fifo; "
                                   "got \"%s\"",
                                   is_with ? "--vary-with" : "--vary", v);
        a->vary_args =
            xrealloc(a->vary_args, (a->n_vary_args + 1) * sizeof *a->vary_args);
        a->is_with =
            xrealloc(a->is_with, (a->n_vary_args + 1) * sizeof *a->is_with);
        a->is_with[a->n_vary_args] = (unsigned char)is_with;
        a->vary_args[a->n_vary_args++] = v;
    } else if ((rc = cli_sets_option(&a->sets, argc, argv, i, 1, missing)) >=
               0) {
        return rc != 0 ? rc : -1;
    } else if ((v = cli_opt_value(argc, argv, i, "--db", missing))) {
        a->db = v;
    } else if ((v = cli_opt_value(argc, argv, i, "--jobs", missing))) {
        uint64_t x;
        if (parse_u64(v, &x) != 0 || x == 0 || x > 4096)
            return cli_usage_error("--jobs needs a number of processes "
                                   "from 1 to 4096, got \"%s\"",
                                   v);
        a->jobs = (long)x;
    } else if (strcmp(arg, "--force-new") == 0) {
        a->force_new = 1;
    } else if ((v = cli_opt_value(argc, argv, i, "--replications", missing))) {
        uint64_t x;
        if (parse_u64(v, &x) != 0 || x < 2 || x > 1000)
            return cli_usage_error("--replications needs a number of runs "
                                   "per point from 2 to 1000, got \"%s\"",
                                   v);
        a->replications = (unsigned)x;
    } else if ((v = cli_opt_value(argc, argv, i, "--metric", missing))) {
        if (cli_metric_arg(v) != 0)
            return EXIT_USAGE;
        a->metrics =
            xrealloc(a->metrics, (a->n_metrics + 1) * sizeof *a->metrics);
        a->metrics[a->n_metrics++] = v;
    } else if ((v = cli_opt_value(argc, argv, i, "--json", missing))) {
        a->json = v;
    } else if (strcmp(arg, "--dry-run") == 0) {
        a->dry_run = 1;
    } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
        a->quiet = 1;
    } else {
        return 0;
    }
    return -1;
}

/* Returns -1 to go on, or an exit status (help, usage error). */
static int
parse_args(int argc, char **argv, struct sweep_args *a)
{
    int n_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        int missing = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(sweep_usage, stdout);
            return EXIT_OK;
        }
        int rc = parse_option(argc, argv, &i, a, &missing);
        if (rc > 0)
            return rc;
        if (missing)
            return cli_usage_error("%s needs a value", arg);
        if (rc < 0)
            continue;
        if (arg[0] == '-' && arg[1] != '\0')
            return cli_usage_error("unknown option \"%s\"", arg);
        if (n_pos == 0)
            a->topo = arg;
        else if (n_pos == 1)
            a->workload = arg;
        else
            return cli_usage_error("unexpected argument \"%s\"", arg);
        n_pos++;
    }
    if (a->topo == NULL || a->workload == NULL)
        return cli_usage_error("sweep needs a TOPOLOGY and a WORKLOAD file");
    if (a->n_vary_args == 0 && a->replications == 0)
        return cli_usage_error("sweep needs at least one --vary "
                               "PATH=VALUES (or --replications N)");
    if (a->db == NULL && !a->dry_run)
        return cli_usage_error("sweep needs --db FILE for its results");
    return -1;
}

/* Parses the --vary arguments into s over a's files and overrides; with
 * check, also loads each value once. */
static int
sweep_init(struct run_sweep *s, const struct sweep_args *a, int check,
           struct sim_err *err)
{
    struct run_input base = {
        .topology_path = a->topo,
        .workload_path = a->workload,
        .sets = a->sets.v,
        .n_sets = a->sets.n,
    };
    return run_sweep_init(s, &base, a->db, a->vary_args, a->is_with,
                          a->n_vary_args, a->replications, check, err);
}

/* ---- Progress -------------------------------------------------------------
 */

struct bar {
    int is_on; /* stderr is a terminal */
    struct timespec t0;
    uint64_t total;       /* points in the sweep */
    uint64_t done_before; /* complete before this invocation */
    uint64_t done_now;    /* completed by this invocation */
    uint64_t failed;
    unsigned running;
    double frac; /* --jobs 1: share of the current point */
    double last_draw;
    int drawn;
};

static double
elapsed(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) +
           (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void
fmt_secs(double s, char *buf, size_t len)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60)
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(buf, len, "%lds", t);
}

static void
bar_draw(struct bar *b, int force)
{
    if (!b->is_on)
        return;
    double el = elapsed(&b->t0);
    if (!force && el - b->last_draw < 0.25)
        return;
    b->last_draw = el;
    uint64_t done = b->done_before + b->done_now + b->failed;
    double progress = (double)(b->done_now + b->failed) + b->frac;
    double left = (double)(b->total - done) - b->frac;
    enum { WIDTH = 24 };
    int fill =
        b->total
            ? (int)((double)WIDTH * ((double)done + b->frac) / (double)b->total)
            : WIDTH;
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    char el_s[32], eta_s[32];
    fmt_secs(el, el_s, sizeof el_s);
    if (progress > 0.01)
        fmt_secs(el / progress * left, eta_s, sizeof eta_s);
    else
        snprintf(eta_s, sizeof eta_s, "?");
    fprintf(stderr, "\r[%s] %llu/%llu points", bar, (unsigned long long)done,
            (unsigned long long)b->total);
    if (b->running)
        fprintf(stderr, ", %u running", b->running);
    if (b->failed)
        fprintf(stderr, ", %llu failed", (unsigned long long)b->failed);
    fprintf(stderr, ", %s elapsed, ETA %s\033[K", el_s, eta_s);
    b->drawn = 1;
}

static void
bar_clear(struct bar *b)
{
    if (b->is_on && b->drawn)
        fputs("\r\033[K", stderr);
    b->drawn = 0;
}

/* Prints text about point p above the bar, its control characters
 * escaped. */
static void
bar_print(struct bar *b, const char *prefix, uint64_t p, const char *text)
{
    bar_clear(b);
    char *safe = esc_term_dup(text);
    fprintf(stderr, "cdnsim: point %llu: %s%s\n", (unsigned long long)p, prefix,
            safe);
    free(safe);
    bar_draw(b, 1);
}

/* The observer's hooks: the executors' news drawn on the bar. */
static void
on_point_done(void *ctx, uint64_t p, int code, const char *text,
              const struct run_warnings *warn)
{
    struct bar *b = ctx;
    if (code == 0)
        b->done_now++;
    else if (code != -SIM_EINTR)
        b->failed++;
    if (code != 0 && code != -SIM_EINTR)
        bar_print(b, "", p, text);
    char msg[512];
    for (unsigned i = 0;
         code == 0 && run_warning_text(warn, i, msg, sizeof msg); i++)
        bar_print(b, "warning: ", p, msg);
}

static void
on_tick(void *ctx, unsigned n_running, int force)
{
    struct bar *b = ctx;
    b->running = n_running;
    if (force)
        b->frac = 0;
    bar_draw(b, force);
}

static void
on_notice(void *ctx, const char *text)
{
    struct bar *b = ctx;
    bar_clear(b);
    fprintf(stderr, "cdnsim: %s\n", text);
    bar_draw(b, 1);
}

/* The in-process run's progress: the share of the current point. */
static void
point_progress(void *ctx, uint64_t done, uint64_t total, int64_t sim_now_ns)
{
    struct bar *b = ctx;
    (void)sim_now_ns;
    b->frac = total ? (double)done / (double)total : 0;
    bar_draw(b, 0);
}

/* ---- The sweep ------------------------------------------------------------
 */

static long
default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

static void
print_dry_run(const struct run_sweep *s, const struct sweep_args *a)
{
    printf("%llu points of %s x %s:\n", (unsigned long long)s->plan.n_points,
           a->topo, a->workload);
    for (size_t j = 0; j < s->plan.n_vary; j++) {
        const struct run_vary *v = &s->plan.vary[j];
        if (!v->has_glob)
            continue;
        char *safe = esc_term_dup(v->path);
        printf("%s sets", safe);
        free(safe);
        for (size_t i = 0; i < v->n_paths; i++) {
            safe = esc_term_dup(v->paths[i]);
            printf("%s %s", i ? "," : "", safe);
            free(safe);
        }
        printf("\n");
    }
    for (uint64_t p = 0; p < s->plan.n_points; p++) {
        char *params = met_sweep_params(&s->ms, p);
        char *safe = esc_term_dup(params);
        printf("%5llu  %s\n", (unsigned long long)p, safe);
        free(safe);
        free(params);
    }
}

/* The --metric paths name nodes, tiers and regions of the topology (as
 * the user's overrides leave it): checked before anything runs. */
static int
check_metrics(const struct sweep_args *a, struct sim_err *err)
{
    struct run_input base = {
        .topology_path = a->topo,
        .workload_path = a->workload,
        .sets = a->sets.v,
        .n_sets = a->sets.n,
    };
    struct run_result r;
    int code = run_prepare(&base, &r, err);
    if (code == 0)
        code = cli_check_metric_names(r.t, r.w, a->metrics, a->n_metrics, err);
    run_result_fini(&r);
    return code;
}

/* Is --json "-": stdout then carries the JSON alone. */
static int
is_json_to_stdout(const struct sweep_args *a)
{
    return a->json && strcmp(a->json, "-") == 0;
}

/* The summary after the points: the table of results, or why some are
 * missing. Returns the exit status. */
static int
print_summary(const struct run_sweep *s, const struct sweep_args *a,
              const struct bar *b, const struct run_tally *o)
{
    uint64_t n_points = s->plan.n_points;
    int status = cli_write_sweep_aggregate(a->db, s->id, a->metrics,
                                           a->n_metrics, a->json);
    if (!a->quiet && !is_json_to_stdout(a)) {
        struct sim_err err = {0};
        printf("sweep %lld: %llu points: %llu run now, %llu already "
               "complete",
               (long long)s->id, (unsigned long long)n_points,
               (unsigned long long)o->done, (unsigned long long)b->done_before);
        if (o->failed)
            printf(", %llu failed", (unsigned long long)o->failed);
        printf("; results in %s\n\n", a->db);
        fflush(stdout);
        if (rep_print_sweep(a->db, s->id, a->metrics, a->n_metrics, stdout,
                            &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
        }
        printf("\nplots and a report: cdnsim report %s --sweep %lld --out "
               "DIR\n",
               a->db, (long long)s->id);
    }
    if (o->is_interrupted) {
        fprintf(stderr,
                "cdnsim: interrupted: %llu of %llu points complete; "
                "run the same command again to resume\n",
                (unsigned long long)(b->done_before + o->done),
                (unsigned long long)n_points);
        status = EXIT_RUN_FAILED;
    } else if (o->failed) {
        fprintf(stderr, "cdnsim: %llu of %llu points failed\n",
                (unsigned long long)o->failed, (unsigned long long)n_points);
        status = EXIT_RUN_FAILED;
    }
    return status;
}

/* Runs the pending points on the executor the options choose. Returns 1
 * in a forked worker once its work is done, else 0. */
static int
execute(const struct run_sweep *s, const struct sweep_args *a,
        const uint64_t *pending, size_t n_pending, int n_ranks, struct bar *bar,
        struct run_tally *o)
{
    const struct run_observer obs = {
        .ctx = bar,
        .point_done = on_point_done,
        .tick = on_tick,
        .notice = on_notice,
        .point_progress = bar->is_on ? point_progress : NULL,
    };
    long jobs = a->jobs ? a->jobs : default_jobs();
    if (n_ranks > 1) {
        run_mpi_announce(s->id);
        run_exec_mpi(s, pending, n_pending, n_ranks, &cli_stop_requested, &obs,
                     o);
    } else if (n_pending > 0 && (jobs == 1 || n_pending == 1)) {
        run_exec_serial(s, pending, n_pending, &cli_stop_requested, &obs, o);
    } else if (n_pending > 0) {
        unsigned n_workers =
            (unsigned)((size_t)jobs < n_pending ? (size_t)jobs : n_pending);
        return run_exec_pool(s, pending, n_pending, n_workers,
                             &cli_stop_requested, &obs, o);
    }
    return 0;
}

/* The sweep of parsed arguments: everything but MPI's start and end. */
static int
sweep_main(struct sweep_args *a, int n_ranks, int *is_worker,
           int64_t *announced)
{
    struct run_sweep s;
    struct sim_err err = {0};
    uint64_t *pending = NULL;
    int status = EXIT_OK;
    int code = sweep_init(&s, a, 1, &err);
    if (code != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    if (a->n_metrics > 0 && (code = check_metrics(a, &err)) != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    if (a->dry_run) {
        print_dry_run(&s, a);
        goto out;
    }
    if (a->json && !is_json_to_stdout(a)) {
        /* An unwritable --json fails now, not after the points. */
        struct outfile probe = {0};
        if (outfile_open(&probe, a->json, 0, &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
            goto out;
        }
        outfile_abort(&probe);
    }
    s.ms.is_new = a->force_new;
    s.ms.metrics = a->metrics;
    s.ms.n_metrics = a->n_metrics;
    if ((code = run_sweep_begin(&s, &err)) != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    *announced = s.id;
    uint64_t n_points = s.plan.n_points;
    pending = xcalloc((size_t)n_points, sizeof *pending);
    size_t n_pending = 0;
    for (uint64_t p = 0; p < n_points; p++)
        if (!s.is_done[p])
            pending[n_pending++] = p;
    cli_catch_stop_signals();
    signal(SIGPIPE, SIG_IGN);
    struct bar bar = {.is_on = isatty(STDERR_FILENO),
                      .total = n_points,
                      .done_before = n_points - n_pending};
    clock_gettime(CLOCK_MONOTONIC, &bar.t0);
    struct run_tally o = {0};
    *is_worker = execute(&s, a, pending, n_pending, n_ranks, &bar, &o);
    if (*is_worker)
        goto out;
    bar_clear(&bar);
    status = print_summary(&s, a, &bar, &o);
out:
    free(pending);
    run_sweep_fini(&s);
    return status;
}

/* A rank above 0: serves the sweep rank 0 announces. */
static int
mpi_rank_main(int argc, char **argv)
{
    int64_t sweep_id = run_mpi_listen();
    if (sweep_id == 0)
        return EXIT_OK;
    struct sweep_args a = {0};
    struct run_sweep s;
    struct sim_err err = {0};
    memset(&s, 0, sizeof s);
    /* Rank 0 has parsed and checked the same arguments already. */
    if (parse_args(argc, argv, &a) >= 0 || sweep_init(&s, &a, 0, &err) != 0)
        run_mpi_abort(EXIT_BAD_INPUT);
    s.id = sweep_id;
    cli_catch_stop_signals();
    run_mpi_serve(&s, &cli_stop_requested);
    run_sweep_fini(&s);
    args_fini(&a);
    return EXIT_OK;
}

int
cmd_sweep(int argc, char **argv)
{
    int rank = 0;
    int n_ranks = run_mpi_start(&rank);
    if (n_ranks > 1 && rank > 0) {
        int st = mpi_rank_main(argc, argv);
        run_mpi_finish();
        return st;
    }
    struct sweep_args a = {0};
    int is_worker = 0;
    int64_t announced = 0;
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        status = sweep_main(&a, n_ranks, &is_worker, &announced);
    args_fini(&a);
    if (n_ranks > 1) {
        /* The other ranks wait to hear whether there is work. */
        if (announced == 0)
            run_mpi_announce(0);
        run_mpi_finish();
    }
    return is_worker ? EXIT_OK : status;
}
