/* cmd_run.c: `cdnsim run` and `cdnsim validate`. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "report/report.h"
#include "run/run.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "workload/workload.h"

static const char run_usage[] =
    "usage: cdnsim run TOPOLOGY WORKLOAD [options]\n"
    "\n"
    "Simulates WORKLOAD on TOPOLOGY and prints a summary table.\n"
    "\n"
    "options:\n"
    "  --seed N            random seed (overrides the workload's seed)\n"
    "  --requests N        client requests to simulate (overrides requests)\n"
    "  --set PATH=VALUE    override any scalar of either file, repeatable:\n"
    "                      --set nodes.edge-fra.cache.capacity=20GiB\n"
    "                      --set catalog.zipf_alpha=1.0\n"
    "                      (sequence items by name or index; prefix\n"
    "                      topology. or workload. where a path is ambiguous)\n"
    "  --json FILE         write the JSON summary to FILE ('-' = stdout,\n"
    "                      which then carries only the JSON)\n"
    "  --db FILE           append the run to an SQLite database\n"
    "  --quiet             print no summary table\n"
    "  --explain N         narrate the life of the first N measured requests,\n"
    "                      event by event, on stdout before the table (on\n"
    "                      stderr with --json -)\n"
    "  --replications N    run N times (2 to 1000) with seeds derived from\n"
    "                      the seed, and give each figure's mean and 95%\n"
    "                      confidence interval (table, --json, and with\n"
    "                      --db every run and the summary, as a sweep)\n"
    "  --metric PATH       with --replications: also this figure, such as\n"
    "                      nodes.edge-fra.hit_ratio (repeatable)\n"
    "  --baseline no-cdn   run the same requests again with every region\n"
    "                      straight to its origin and no caches, and show\n"
    "                      the latency, origin load and cost the CDN saves\n"
    "                      (table, --json baseline, --db)\n"
    "  --top N             list the N objects (1 to 10000) with the most\n"
    "                      origin requests, and the N with the most origin\n"
    "                      bytes (table, --json top_objects, --db)\n"
    "  --help              this text\n"
    "\n"
    "exit status: 0 ok, 1 the run failed or was interrupted, 2 usage error,\n"
    "3 bad input.\n";

static const char validate_usage[] =
    "usage: cdnsim validate TOPOLOGY [WORKLOAD] [--set PATH=VALUE ...]\n"
    "\n"
    "Loads and checks the files (and the policies they name) without\n"
    "running anything. Exit status 0 when valid, 3 with the first error.\n";

struct run_args {
    const char *topo;
    const char *workload;
    struct cli_sets sets; /* --set, --seed, --requests */
    const char *json;
    const char *db;
    int quiet;
    uint64_t explain_n;
    uint64_t top_n;        /* --top N, 0: none */
    unsigned replications; /* 0: one run */
    int has_baseline;      /* --baseline no-cdn */
    const char **metrics;  /* --metric paths, each parsed once */
    size_t n_metrics;
};

static void
run_args_fini(struct run_args *a)
{
    cli_sets_fini(&a->sets);
    free(a->metrics);
}

/* Returns -1 to go on, or an exit status (help, usage error). */
static int
parse_args(int argc, char **argv, struct run_args *a, int is_run)
{
    int n_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        int missing = 0, rc;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(is_run ? run_usage : validate_usage, stdout);
            return EXIT_OK;
        } else if ((rc = cli_sets_option(&a->sets, argc, argv, &i, is_run,
                                         &missing)) >= 0) {
            if (rc != 0)
                return rc;
        } else if (is_run &&
                   (v = cli_opt_value(argc, argv, &i, "--json", &missing))) {
            a->json = v;
        } else if (is_run &&
                   (v = cli_opt_value(argc, argv, &i, "--db", &missing))) {
            a->db = v;
        } else if (is_run &&
                   (v = cli_opt_value(argc, argv, &i, "--explain", &missing))) {
            if (parse_u64(v, &a->explain_n) != 0)
                return cli_usage_error("--explain needs a number of requests, "
                                       "got \"%s\"",
                                       v);
        } else if (is_run &&
                   (v = cli_opt_value(argc, argv, &i, "--top", &missing))) {
            if (parse_u64(v, &a->top_n) != 0 || a->top_n < 1 ||
                a->top_n > 10000)
                return cli_usage_error("--top needs a number of objects "
                                       "from 1 to 10000, got \"%s\"",
                                       v);
        } else if (is_run && (v = cli_opt_value(argc, argv, &i,
                                                "--replications", &missing))) {
            uint64_t x;
            if (parse_u64(v, &x) != 0 || x < 2 || x > 1000)
                return cli_usage_error("--replications needs a number of "
                                       "runs from 2 to 1000, got \"%s\"",
                                       v);
            a->replications = (unsigned)x;
        } else if (is_run &&
                   (v = cli_opt_value(argc, argv, &i, "--metric", &missing))) {
            if (cli_metric_arg(v) != 0)
                return EXIT_USAGE;
            a->metrics =
                xrealloc(a->metrics, (a->n_metrics + 1) * sizeof *a->metrics);
            a->metrics[a->n_metrics++] = v;
        } else if (is_run && (v = cli_opt_value(argc, argv, &i, "--baseline",
                                                &missing))) {
            if (strcmp(v, "no-cdn") != 0)
                return cli_usage_error("--baseline knows only \"no-cdn\", "
                                       "got \"%s\"",
                                       v);
            a->has_baseline = 1;
        } else if (is_run &&
                   (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)) {
            a->quiet = 1;
        } else if (missing) {
            return cli_usage_error("%s needs a value", arg);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("unknown option \"%s\"", arg);
        } else if (n_pos == 0) {
            a->topo = arg;
            n_pos++;
        } else if (n_pos == 1) {
            a->workload = arg;
            n_pos++;
        } else {
            return cli_usage_error("unexpected argument \"%s\"", arg);
        }
        if (missing)
            return cli_usage_error("%s needs a value", arg);
    }
    if (a->topo == NULL)
        return cli_usage_error("%s needs a TOPOLOGY file",
                               is_run ? "run" : "validate");
    if (is_run && a->workload == NULL)
        return cli_usage_error("run needs a WORKLOAD file after the "
                               "topology");
    if (a->n_metrics && !a->replications)
        return cli_usage_error("--metric needs --replications (one run's "
                               "--json holds every metric)");
    if (a->replications && a->top_n)
        return cli_usage_error("--top lists one run's objects: leave out "
                               "--replications");
    if (a->replications && a->has_baseline)
        return cli_usage_error("--baseline compares one run: leave out "
                               "--replications");
    if (a->replications && a->explain_n)
        return cli_usage_error("--explain narrates one run: leave out "
                               "--replications");
    return -1;
}

int
cmd_validate(int argc, char **argv)
{
    struct run_args a = {0};
    int rc = parse_args(argc, argv, &a, 0);
    if (rc >= 0) {
        run_args_fini(&a);
        return rc;
    }
    struct run_input in = {.topology_path = a.topo,
                           .workload_path = a.workload,
                           .sets = a.sets.v,
                           .n_sets = a.sets.n};
    struct run_result r;
    struct sim_err err = {0};
    int code = run_prepare(&in, &r, &err);
    const struct cfg_topology *t = r.t;
    const struct cfg_workload *w = r.w;
    if (code != 0) {
        cli_print_err(&err);
    } else {
        printf("%s: ok: topology \"%s\", %zu regions, %zu nodes\n", a.topo,
               t->name, t->n_regions, t->n_nodes);
        if (w && w->trace.is_set && w->n_requests == 0)
            printf("%s: ok: workload \"%s\", every request of trace %s\n",
                   a.workload, w->name, w->trace.path);
        else if (w && w->trace.is_set)
            printf("%s: ok: workload \"%s\", %llu requests from trace "
                   "%s\n",
                   a.workload, w->name, (unsigned long long)w->n_requests,
                   w->trace.path);
        else if (w)
            printf("%s: ok: workload \"%s\", %llu requests over %llu "
                   "objects\n",
                   a.workload, w->name, (unsigned long long)w->n_requests,
                   (unsigned long long)w->n_objects);
    }
    run_result_fini(&r);
    run_args_fini(&a);
    return cli_exit_for(code);
}

/* Progress on stderr: only on a terminal, and only once a run is slow. */
struct progress {
    struct timespec start;
    double last_print;
    int printed;
};

static double
since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) +
           (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void
show_progress(void *ctx, uint64_t done, uint64_t total, int64_t sim_now_ns)
{
    struct progress *p = ctx;
    double el = since(&p->start);
    if (el < 2.0 || el - p->last_print < 0.25)
        return;
    p->last_print = el;
    p->printed = 1;
    double rps = done / el;
    if (total == 0) { /* a whole trace: its length is not known */
        fprintf(stderr, "\r%llu requests, simulated %.1f s, %.2f M req/s   ",
                (unsigned long long)done, (double)sim_now_ns / 1e9, rps / 1e6);
        return;
    }
    double eta = rps > 0 ? (double)(total - done) / rps : 0;
    fprintf(stderr,
            "\r%llu/%llu requests (%.0f%%), simulated %.1f s, %.2f M req/s, "
            "ETA %.0f s   ",
            (unsigned long long)done, (unsigned long long)total,
            100.0 * (double)done / (double)total, (double)sim_now_ns / 1e9,
            rps / 1e6, eta);
}

/* Prints the run's warnings, and that it was interrupted. */
static void
print_warnings(const struct run_warnings *warn, int code)
{
    char msg[512];
    for (unsigned i = 0; run_warning_text(warn, i, msg, sizeof msg); i++)
        fprintf(stderr, "cdnsim: warning: %s\n", msg);
    if (code == -SIM_EINTR)
        fputs("cdnsim: interrupted: results so far are marked incomplete\n",
              stderr);
}

/* Is --json "-", stdout, which then carries the JSON alone? */
static int
is_json_to_stdout(const struct run_args *a)
{
    return a->json && strcmp(a->json, "-") == 0;
}

/* The outputs are checked before the run, which may take long: an
 * unwritable --json or --db fails now, not after the simulation. Opens
 * json (when --json is given) and notes whether --db is a new file. */
static int
open_outputs(const struct run_args *a, struct outfile *json, int *is_new_db,
             struct sim_err *err)
{
    struct stat db_sb;
    *is_new_db = a->db && stat(a->db, &db_sb) != 0;
    if ((a->json && outfile_open(json, a->json, 1, err) != 0) ||
        (a->db && met_check_db(a->db, err) != 0))
        return -1;
    return 0;
}

/* The table, the JSON (into json, opened by open_outputs) and the
 * database row of run m, as the options say. Returns EXIT_OK or
 * EXIT_RUN_FAILED. */
static int
write_outputs(const struct run_args *a, const struct met_run *m,
              struct outfile *json)
{
    int status = EXIT_OK;
    struct sim_err err = {0};
    if (!a->quiet && !is_json_to_stdout(a))
        met_print_table(m, stdout);
    if (a->json) {
        met_write_json(m, json->f); /* errors stay in the stream: below */
        if (outfile_commit(json, &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
        }
    }
    if (a->db) {
        int64_t run_id;
        if (met_write_db(m, a->db, &run_id, &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
        }
    }
    return status;
}

/* ---- --replications: a sweep of the seeds alone ------------------------ */

static void
rep_point_done(void *ctx, uint64_t p, int code, const char *text,
               const struct run_warnings *warn)
{
    (void)ctx;
    char msg[512];
    if (code != 0 && code != -SIM_EINTR)
        fprintf(stderr, "cdnsim: replication %llu: %s\n", (unsigned long long)p,
                text);
    for (unsigned i = 0;
         code == 0 && run_warning_text(warn, i, msg, sizeof msg); i++)
        fprintf(stderr, "cdnsim: replication %llu: warning: %s\n",
                (unsigned long long)p, msg);
}

static void
rep_tick(void *ctx, unsigned n_running, int force)
{
    (void)ctx, (void)n_running, (void)force;
}

static void
rep_notice(void *ctx, const char *text)
{
    (void)ctx;
    fprintf(stderr, "cdnsim: %s\n", text);
}

/* Where the replications' runs go: --db, else a database in a new
 * temporary directory (*tmp_dir, removed by the caller). NULL when that
 * directory cannot be made (said on stderr). */
static char *
replications_db(const struct run_args *a, char **tmp_dir)
{
    *tmp_dir = NULL;
    if (a->db)
        return xstrdup(a->db);
    const char *t = getenv("TMPDIR");
    char *dir = xasprintf("%s/cdnsim-run-XXXXXX", t && *t ? t : "/tmp");
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "cdnsim: cannot make a temporary directory "
                        "for the replications\n");
        free(dir);
        return NULL;
    }
    *tmp_dir = dir;
    return xasprintf("%s/runs.db", dir);
}

/* Runs the replications s lacks, one after the other. */
static int
run_pending_replications(struct run_sweep *s, const struct run_args *a)
{
    uint64_t *pending = xcalloc((size_t)s->plan.n_points, sizeof *pending);
    size_t n_pending = 0;
    for (uint64_t p = 0; p < s->plan.n_points; p++)
        if (!s->is_done[p])
            pending[n_pending++] = p;
    cli_catch_stop_signals();
    const struct run_observer obs = {
        .point_done = rep_point_done,
        .tick = rep_tick,
        .notice = rep_notice,
    };
    struct run_tally tally = {0};
    run_exec_serial(s, pending, n_pending, &cli_stop_requested, &obs, &tally);
    free(pending);
    if (!tally.failed && !tally.is_interrupted)
        return EXIT_OK;
    fprintf(stderr, "cdnsim: %s: %llu of %u replications complete\n",
            tally.is_interrupted ? "interrupted" : "failed",
            (unsigned long long)(tally.done + s->plan.n_points - n_pending),
            a->replications);
    return EXIT_RUN_FAILED;
}

/* The means and confidence intervals: JSON, and the table unless quiet
 * or the JSON goes to stdout. */
static int
print_replications(const struct run_sweep *s, const struct run_args *a,
                   const char *db)
{
    struct sim_err err = {0};
    int status =
        cli_write_sweep_aggregate(db, s->id, a->metrics, a->n_metrics, a->json);
    if (status != EXIT_OK || a->quiet || (a->json && strcmp(a->json, "-") == 0))
        return status;
    printf("cdnsim: %s x %s, %u replications (sweep %lld%s%s)\n\n", a->topo,
           a->workload, a->replications, (long long)s->id, a->db ? " in " : "",
           a->db ? a->db : "");
    if (rep_print_sweep(db, s->id, a->metrics, a->n_metrics, stdout, &err) !=
        0) {
        cli_print_err(&err);
        return EXIT_RUN_FAILED;
    }
    return EXIT_OK;
}

/*
 * Runs the replications as a sweep with no --vary (so --db holds every
 * run, the sweep and its summary, and `cdnsim sweep` can resume it),
 * one after another in this process. Without --db the sweep lives in a
 * temporary database, removed at the end.
 */
static int
run_replications(const struct run_args *a)
{
    struct run_input base = {.topology_path = a->topo,
                             .workload_path = a->workload,
                             .sets = a->sets.v,
                             .n_sets = a->sets.n};
    struct sim_err err = {0};
    struct run_sweep s;
    memset(&s, 0, sizeof s);
    char *tmp_dir = NULL;
    char *db = replications_db(a, &tmp_dir);
    if (db == NULL)
        return EXIT_RUN_FAILED;
    struct run_result r;
    int status = EXIT_OK;
    int code = run_prepare(&base, &r, &err);
    if (code == 0)
        code = cli_check_metric_names(r.t, r.w, a->metrics, a->n_metrics, &err);
    run_result_fini(&r);
    if (code == 0)
        code = run_sweep_init(&s, &base, db, NULL, NULL, 0, a->replications, 1,
                              &err);
    if (code != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    s.ms.metrics = a->metrics;
    s.ms.n_metrics = a->n_metrics;
    struct outfile json = {0};
    if ((a->json && outfile_open(&json, a->json, 1, &err) != 0) ||
        met_check_db(db, &err) != 0 || run_sweep_begin(&s, &err) != 0) {
        outfile_abort(&json);
        cli_print_err(&err);
        status = EXIT_RUN_FAILED;
        goto out;
    }
    outfile_abort(&json); /* written whole at the end */
    status = run_pending_replications(&s, a);
    if (status == EXIT_OK)
        status = print_replications(&s, a, db);
out:
    run_sweep_fini(&s);
    if (tmp_dir) {
        unlink(db);
        rmdir(tmp_dir);
    }
    free(db);
    free(tmp_dir);
    return status;
}

int
cmd_run(int argc, char **argv)
{
    struct run_args a = {0};
    int rc = parse_args(argc, argv, &a, 1);
    if (rc >= 0) {
        run_args_fini(&a);
        return rc;
    }
    if (a.replications) {
        rc = run_replications(&a);
        run_args_fini(&a);
        return rc;
    }
    struct run_input in = {.topology_path = a.topo,
                           .workload_path = a.workload,
                           .sets = a.sets.v,
                           .n_sets = a.sets.n};
    struct run_result r;
    struct sim_err err = {0};
    struct outfile json = {0};
    int status = EXIT_OK, is_new_db = 0;
    int code = run_prepare(&in, &r, &err);
    if (code != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    if (open_outputs(&a, &json, &is_new_db, &err) != 0) {
        cli_print_err(&err);
        status = EXIT_RUN_FAILED;
        goto out;
    }

    cli_catch_stop_signals();

    struct progress prog = {0};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    struct cdn_run_opts opts = {
        .stop = &cli_stop_requested,
        .progress = isatty(STDERR_FILENO) ? show_progress : NULL,
        .progress_ctx = &prog,
        /* With --json -, stdout carries the JSON alone. */
        .explain = !a.explain_n            ? NULL
                   : is_json_to_stdout(&a) ? stderr
                                           : stdout,
        .explain_n = a.explain_n,
        .top_n = a.top_n,
    };
    code = run_execute(&r, &opts, &err);
    if (code == 0 && a.has_baseline)
        code = run_baseline(&r, &opts, &err);
    if (prog.printed)
        fputs("\r\033[K", stderr);
    if (code != 0 && code != -SIM_EINTR) {
        /* A bad trace record ended the run: no results to write, and no
         * empty database left by the check above. */
        struct stat db_sb;
        cli_print_err(&err);
        status = cli_exit_for(code);
        if (is_new_db && stat(a.db, &db_sb) == 0 && db_sb.st_size == 0)
            unlink(a.db);
        goto out;
    }
    print_warnings(&r.warn, code);
    status = write_outputs(&a, &r.m, &json);
    if (code == -SIM_EINTR)
        status = EXIT_RUN_FAILED;
out:
    outfile_abort(&json);
    run_result_fini(&r);
    run_args_fini(&a);
    return status;
}
