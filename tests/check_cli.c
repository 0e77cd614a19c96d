/* check_cli.c: the cdnsim binary as a user runs it: exit statuses, error
 * messages, outputs, determinism and interruption. */
#define _DEFAULT_SOURCE   /* wait4 */
#define _XOPEN_SOURCE 700 /* kill, nanosleep */
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "metrics/metrics.h"
#include "suites.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define WL "workloads/zipf.yaml"

START_TEST(test_cli_help_and_version)
{
    char *out, *err;
    ck_assert_int_eq(test_cdnsim(&out, &err, "--version", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "cdnsim "));
    free(out), free(err);
    ck_assert_int_eq(test_cdnsim(&out, &err, "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "run TOPOLOGY WORKLOAD"));
    free(out), free(err);
    ck_assert_int_eq(test_cdnsim(&out, &err, "run", "--help", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "--set PATH=VALUE"));
    free(out), free(err);
    ck_assert_int_eq(test_cdnsim(&out, &err, "policies", NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "lru"));
    ck_assert_ptr_nonnull(strstr(out, "fifo"));
    free(out), free(err);
}
END_TEST

START_TEST(test_cli_usage_errors_exit_2)
{
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, NULL), 2);
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "frobnicate", NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown command"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, NULL), 2);
    ck_assert_ptr_nonnull(strstr(err, "WORKLOAD"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--bogus", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "--bogus"));
    free(err);
    ck_assert_int_eq(
        test_cdnsim(NULL, &err, "run", TOPO, WL, "--seed", "x", NULL), 2);
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--json", NULL),
                     2);
    ck_assert_ptr_nonnull(strstr(err, "needs a value"));
    free(err);
}
END_TEST

START_TEST(test_cli_bad_input_exits_3)
{
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, "no/such.yaml", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "no/such.yaml"));
    free(err);
    /* An override names itself as the source of the error. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO, WL, "--set",
                                 "nodes.edge-fra.cache.capacity=10 gigs", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "--set"));
    ck_assert_ptr_nonnull(strstr(err, "capacity"));
    ck_assert_ptr_nonnull(strstr(err, "10 gigs"));
    free(err);
    /* An unknown policy lists the known ones. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO, WL, "--set",
                                 "nodes.edge-fra.cache.policy=lruu", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "lruu"));
    ck_assert_ptr_nonnull(strstr(err, "known: "));
    free(err);
    /* A push to a node the topology does not have names the workload's
     * line. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate",
                                 "tests/scenarios/one-edge.yaml",
                                 "tests/scenarios/events.yaml", NULL),
                     0);
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO,
                                 "tests/scenarios/events.yaml", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "events.yaml:12:"));
    ck_assert_ptr_nonnull(strstr(err, "events[0].to[0]"));
    free(err);
    /* An offline policy needs future knowledge: only replay has it. */
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO, WL, "--set",
                                 "nodes.edge-fra.cache.policy=belady", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "cdnsim replay"));
    free(err);
}
END_TEST

START_TEST(test_cli_validate_ok)
{
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "validate", TOPO, WL, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "ok"));
    free(out);
}
END_TEST

/* The JSON text without its "engine" object (the only part that may vary
 * between two runs with one seed: wall-clock timings). */
static char *
strip_engine(char *json)
{
    char *e = strstr(json, "\"engine\"");
    ck_assert_ptr_nonnull(e);
    *e = '\0';
    return json;
}

START_TEST(test_cli_same_seed_same_results)
{
    char *dir = test_tmpdir();
    char *a = xasprintf("%s/a.json", dir), *b = xasprintf("%s/b.json", dir),
         *c = xasprintf("%s/c.json", dir);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "200000", "--set",
                                 "warmup=20000", "--json", a, NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "200000", "--set",
                                 "warmup=20000", "--json", b, NULL),
                     0);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                 "--requests", "200000", "--set",
                                 "warmup=20000", "--seed", "2", "--json", c,
                                 NULL),
                     0);
    char *ja = test_read_file(a), *jb = test_read_file(b),
         *jc = test_read_file(c);
    strip_engine(ja);
    strip_engine(jb);
    strip_engine(jc);
    ck_assert_str_eq(ja, jb);
    ck_assert_str_ne(ja, jc);
    free(ja), free(jb), free(jc);
    free(a), free(b), free(c);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_cli_json_to_stdout_is_only_json)
{
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=1000", "--json", "-",
                                 NULL),
                     0);
    /* One object and nothing else: no table before or after it. */
    ck_assert_int_eq(out[0], '{');
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        n--;
    ck_assert_int_eq(out[n - 1], '}');
    ck_assert_ptr_nonnull(strstr(out, "\"offload\""));
    ck_assert_ptr_null(strstr(out, "edge-fra  ")); /* a table row */
    free(out);
    /* Without --quiet and without JSON on stdout: the table. */
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", TOPO, WL, "--requests",
                                 "20000", "--set", "warmup=1000", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(out, "edge-fra"));
    ck_assert_ptr_nonnull(strstr(out, "shield-ams"));
    free(out);
}
END_TEST

static int
count_rows(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

START_TEST(test_cli_db_appends_runs)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(test_cdnsim(NULL, NULL, "run", TOPO, WL, "--quiet",
                                     "--requests", "20000", "--set",
                                     "warmup=1000", "--db", db, NULL),
                         0);
    ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM runs WHERE "
                                    "status = 'complete'"),
                     2);
    ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM node_metrics "
                                    "WHERE run_id = 2"),
                     6);
    ck_assert_int_eq(count_rows(db, "SELECT sum(requests) FROM node_metrics "
                                    "WHERE run_id = 1 AND tier = 'edge'"),
                     19000);
    ck_assert_int_gt(count_rows(db, "SELECT count(*) FROM timeseries"), 0);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_cli_interrupted_run_never_looks_complete)
{
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/r.db", dir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(test_bin(), test_bin(), "run", TOPO, WL, "--quiet", "--requests",
              "500000000", "--db", db, (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {0, 800 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    if (access(db, F_OK) == 0)
        ck_assert_int_eq(count_rows(db, "SELECT count(*) FROM runs WHERE "
                                        "status = 'complete'"),
                         0);
    free(db);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Arrivals too sparse for the 64-bit clock end the run, with a warning:
 * never an overflow, a crash or a time series as long as the run. */
START_TEST(test_cli_sparse_arrivals_end_the_run)
{
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--quiet",
                                 "--requests", "10", "--set", "warmup=0",
                                 "--set", "arrival.rate=1e-9", NULL),
                     0);
    ck_assert_ptr_nonnull(strstr(err, "warning: the workload ended after"));
    free(err);
}
END_TEST

/* --explain narrates the first N measured requests, event by event. */
START_TEST(test_cli_explain_narrates_requests)
{
    char *out;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run",
                                 "tests/scenarios/slow-origin.yaml",
                                 "tests/scenarios/one-object.yaml", "--explain",
                                 "2", "--quiet", NULL),
                     0);
    int n_requests = 0;
    for (const char *p = out; (p = strstr(p, "  request ")) != NULL; p++)
        n_requests++;
    ck_assert_int_eq(n_requests, 2);
    ck_assert_ptr_nonnull(strstr(out, "edge: MISS: fetches from origin"));
    ck_assert_ptr_nonnull(strstr(out, "waits for that fetch (coalesced)"));
    ck_assert_ptr_nonnull(strstr(out, "origin serves object 0"));
    ck_assert_ptr_nonnull(strstr(out, "latency 40.000 ms"));
    free(out);
    /* Purges and pushes that happen meanwhile are narrated too. */
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run",
                                 "tests/scenarios/slow-origin.yaml",
                                 "tests/scenarios/events.yaml", "--explain",
                                 "5", "--quiet", NULL),
                     0);
    ck_assert_ptr_nonnull(
        strstr(out, "0.000000 s  events[0]: a push fills edge with 1000 B"));
    ck_assert_ptr_nonnull(strstr(
        out, "3.500000 s  events[1] reaches edge: a purge removes 1 cached "
             "copy"));
    free(out);
}
END_TEST

/* README.md shows what `make demo`'s run prints: it must be what the
 * program prints now. */
START_TEST(test_cli_readme_shows_the_demo_output)
{
    char *readme = test_read_file("README.md");
    const char *start = strstr(readme, "What it prints:\n\n```\n");
    ck_assert_ptr_nonnull(start);
    start += strlen("What it prints:\n\n```\n");
    const char *end = strstr(start, "```");
    ck_assert_ptr_nonnull(end);
    char *shown = xasprintf("%.*s", (int)(end - start), start);
    char *out = NULL;
    ck_assert_int_eq(test_cdnsim(&out, NULL, "run", "topologies/global.yaml",
                                 "workloads/zipf.yaml", NULL),
                     0);
    ck_assert_str_eq(shown, out);
    free(out);
    free(shown);
    free(readme);
}
END_TEST

/* README.md shows the database schema: it must be the program's own. */
START_TEST(test_cli_readme_shows_the_schema)
{
    char *readme = test_read_file("README.md");
    char *schema = xstrdup(met_db_schema());
    for (char *line = strtok(schema, "\n"); line; line = strtok(NULL, "\n"))
        ck_assert_msg(strstr(readme, line) != NULL,
                      "README.md lacks schema line: %s", line);
    free(schema);
    free(readme);
}
END_TEST

/* Runs cdnsim with args, output discarded; returns its exit status and
 * sets *peak_kib to its own peak resident set (wait4's rusage). */
static int
cdnsim_peak_rss(const char *const *args, long *peak_kib)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0), dup2(nul, 1), dup2(nul, 2);
        /* execvp wants writable strings: copies, which the exec ends. */
        char *argv[16];
        int n = 0;
        argv[n++] = xstrdup(test_bin());
        for (; *args != NULL && n < 15; args++)
            argv[n++] = xstrdup(*args);
        argv[n] = NULL;
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
    *peak_kib = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Issue 12, item 5: a topology's latencies were n x n matrices (10,000
 * nodes: 1.7 GB to validate). A generated 10,000-node topology (100
 * regions by three routings, shields, backups, bandwidths) now validates
 * and runs in bounded memory: 48 MiB measured, twice that allowed, far
 * below the quadratic 1.7 GB. No time is checked: this machine is
 * shared. */
START_TEST(test_regress_12_large_topology_is_sparse)
{
    char *dir = test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char *yaml = NULL;
    const char *gen[] = {"sh", "tools/gen-topology.sh", "10000", NULL};
    ck_assert_int_eq(test_run(gen, &yaml, NULL), 0);
    char *topo = test_write_file(dir, "big.yaml", yaml);
    ck_assert_ptr_nonnull(topo);
    char *out = NULL;
    ck_assert_int_eq(
        test_cdnsim(&out, NULL, "validate", topo, "workloads/zipf.yaml", NULL),
        0);
    ck_assert_ptr_nonnull(strstr(out, "100 regions, 10000 nodes"));
    long peak_kib = 0;
    const char *validate[] = {"validate", topo, "workloads/zipf.yaml", NULL};
    ck_assert_int_eq(cdnsim_peak_rss(validate, &peak_kib), 0);
    const char *run[] = {"run",        topo,      "workloads/zipf.yaml",
                         "--requests", "3000",    "--set",
                         "warmup=0",   "--quiet", NULL};
    long run_kib = 0;
    ck_assert_int_eq(cdnsim_peak_rss(run, &run_kib), 0);
    /* Sanitizers multiply memory: the bound only holds without them. */
    if (!test_sanitized()) {
        ck_assert_msg(peak_kib < 100 * 1024, "validate peak RSS %ld KiB",
                      peak_kib);
        ck_assert_msg(run_kib < 100 * 1024, "run peak RSS %ld KiB", run_kib);
    }
    free(out);
    free(topo);
    free(yaml);
    test_rmtree(dir);
    free(dir);
}
END_TEST

/* Issue 12, item 2: weights that each fit a double but sum to infinity
 * made the rate NaN and the run abort on an assertion. validate and run
 * now reject them (exit 3) naming the file, line, column and field. */
START_TEST(test_regress_12_huge_weights_exit_3)
{
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate",
                                 "tests/data/bad/huge-weights.yaml", NULL),
                     3);
    ck_assert_ptr_nonnull(
        strstr(err, "huge-weights.yaml:5:24: regions[0].weight:"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "run", TOPO, WL, "--set",
                                 "regions.eu.weight=1e308", "--set",
                                 "regions.us.weight=1e308", "--quiet", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "--set: regions[0].weight:"));
    free(err);
}
END_TEST

/* Values at the limits run to the end: a body that would take 270 years
 * on a 1 bit/s link (its time is clamped to 3650 days), service times
 * of 3650 days, TTLs as long. Under make sanitize this checks that no
 * sum overflows. */
START_TEST(test_regress_12_limits_run)
{
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", "tests/scenarios/thin-links.yaml",
                    "tests/data/small-workload.yaml", "--requests", "300",
                    "--set", "warmup=0", "--set", "catalog.size.median=1GiB",
                    "--set", "bandwidth_mbps.edge.origin=1e-6", "--set",
                    "bandwidth_mbps.r.edge=1e-6", "--set", "catalog.ttl=3650d",
                    "--quiet", NULL),
        0);
    ck_assert_int_eq(
        test_cdnsim(NULL, NULL, "run", "tests/scenarios/queue.yaml",
                    "tests/data/small-workload.yaml", "--requests", "5",
                    "--set", "warmup=0", "--set",
                    "nodes.origin.service_time.mean=3650d", "--set",
                    "catalog.stale_if_error=3650d", "--quiet", NULL),
        0);
}
END_TEST

/* Issue 12, item 3: churn publishing 10^12 objects a second grew to
 * 2.5 GB. What a run would publish is now bounded at load time. */
START_TEST(test_regress_12_churn_is_bounded)
{
    char *err;
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO,
                                 "workloads/daily-mix.yaml", "--set",
                                 "catalog.churn.publish_rate=1e9", NULL),
                     3);
    ck_assert_ptr_nonnull(strstr(err, "catalog.churn.publish_rate: expected "
                                      "a rate that publishes at most"));
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, &err, "validate", TOPO,
                                 "workloads/daily-mix.yaml", "--set",
                                 "catalog.churn.publish_rate=1e12", NULL),
                     3);
    free(err);
    ck_assert_int_eq(test_cdnsim(NULL, NULL, "validate", TOPO,
                                 "workloads/daily-mix.yaml", NULL),
                     0);
}
END_TEST

/* Issue 12, item 3: Ctrl-C reaches the generator's own loops. An hour
 * at rate 0 in an hourly table of 10^9 requests/s is crossed by thinning
 * 3.6 x 10^12 candidates: the run must still stop at once. */
/* Runs workload text wl on TOPO, interrupts it after half a second and
 * returns its exit status (128 + signal when a signal ended it). */
static int
interrupted_status(const char *wl_text)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(dir, "w.yaml", wl_text);
    ck_assert_ptr_nonnull(wl);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(test_bin(), test_bin(), "run", TOPO, wl, "--quiet", (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {0, 500 * 1000 * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    free(wl);
    test_rmtree(dir);
    free(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Issue 12, item 3: Ctrl-C reaches long loops inside one step of the run.
 * An hour at rate 0 in an hourly table of 10^9 requests/s is crossed by
 * thinning 3.6 x 10^12 candidates; a push of 10^12 objects is one event.
 * Each run must stop at once, interrupted (exit 1). */
START_TEST(test_regress_12_interrupt_reaches_long_loops)
{
    ck_assert_int_eq(interrupted_status("name: slow-hour\n"
                                        "requests: 1000\n"
                                        "arrival: {hourly: [0, 1e9]}\n"
                                        "catalog: {objects: 100, "
                                        "zipf_alpha: 0}\n"),
                     1);
    ck_assert_int_eq(interrupted_status("name: big-push\n"
                                        "requests: 1000\n"
                                        "arrival: {rate: 100}\n"
                                        "catalog: {objects: 1e12, "
                                        "zipf_alpha: 0.8}\n"
                                        "events:\n"
                                        "  - {at: 1s, push: 1e12, "
                                        "to: [edge-fra]}\n"),
                     1);
}
END_TEST

Suite *
cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("usage");
    tcase_add_test(tc, test_cli_help_and_version);
    tcase_add_test(tc, test_cli_usage_errors_exit_2);
    tcase_add_test(tc, test_cli_bad_input_exits_3);
    tcase_add_test(tc, test_cli_validate_ok);
    tcase_add_test(tc, test_cli_readme_shows_the_schema);
    tcase_add_test(tc, test_cli_readme_shows_the_demo_output);
    tcase_add_test(tc, test_cli_explain_narrates_requests);
    tcase_add_test(tc, test_cli_sparse_arrivals_end_the_run);
    suite_add_tcase(s, tc);

    tc = tcase_create("issue12");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_regress_12_large_topology_is_sparse);
    tcase_add_test(tc, test_regress_12_huge_weights_exit_3);
    tcase_add_test(tc, test_regress_12_limits_run);
    tcase_add_test(tc, test_regress_12_churn_is_bounded);
    tcase_add_test(tc, test_regress_12_interrupt_reaches_long_loops);
    suite_add_tcase(s, tc);
    tc = tcase_create("outputs");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 60);
    tcase_add_test(tc, test_cli_same_seed_same_results);
    tcase_add_test(tc, test_cli_json_to_stdout_is_only_json);
    tcase_add_test(tc, test_cli_db_appends_runs);
    tcase_add_test(tc, test_cli_interrupted_run_never_looks_complete);
    suite_add_tcase(s, tc);
    return s;
}
