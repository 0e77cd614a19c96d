/* check_fault.c: SIGKILL at seeded random moments of `cdnsim run --db` and
 * `cdnsim sweep --jobs 2 --db`, and what must hold afterwards.
 *
 * After every kill the database passes PRAGMA integrity_check, every run
 * marked complete has all its rows (its measured requests, a row per
 * node, a time series), every sweep point marked complete has such a run,
 * and a sweep has no run that is not a complete point's. Running the same
 * sweep again then resumes it to exactly one run per point. Finally a
 * killed sweep must leave no worker behind.
 *
 * The kill times are fractions of a run's measured duration, drawn from a
 * fixed seed: the same moments relative to the work on every machine (and
 * under the sanitizers, which only make everything slower). The test
 * makes itself the subreaper of its children, so that the workers of a
 * killed sweep are reparented to it and can be waited for and counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "util/xalloc.h"

#define TOPO "topologies/global.yaml"
#define TOPO_NODES 6

/* 90,000 measured requests with 10 ms windows: about a third of a run's
 * time goes into writing its rows, so kills land in the write too. */
static const char fault_workload[] =
    "name: fault\n"
    "requests: 100000\n"
    "warmup: 10000\n"
    "arrival: {rate: 5000}\n"
    "catalog: {objects: 100000, zipf_alpha: 0.8, ttl: 1m,\n"
    "          size: {dist: lognormal, median: 20KiB, sigma: 1}}\n"
    "metrics: {window: 10ms}\n";
#define FAULT_MEASURED 90000

/* The sweep: 3 x 2 points. */
#define SWEEP_POINTS 6

static uint64_t
splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
uniform(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) / 9007199254740992.0;
}

static double
now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&t, &t) != 0 && errno == EINTR)
        ;
}

/* Starts cdnsim with args (NULL-terminated) in a process group of its
 * own, its output discarded. */
static pid_t
spawn(const char *const *args)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        /* execv wants writable strings: copies, which the exec (or the
         * _exit) releases. */
        char *argv[32];
        int n = 0;
        argv[n++] = xstrdup(test_bin());
        for (; *args && n < 31; args++)
            argv[n++] = xstrdup(*args);
        argv[n] = NULL;
        execv(argv[0], argv);
        _exit(127);
    }
    setpgid(pid, pid); /* also here: no race with the kill below */
    return pid;
}

/* Waits for pid; returns its exit status, or 128 + the signal. */
static int
wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ck_assert_int_eq(errno, EINTR);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reaps every child until none is left or timeout_s passes; returns 1
 * when none is left. Workers of a killed sweep are our children here
 * (subreaper). */
static int
reap_all(double timeout_s)
{
    double end = now_s() + timeout_s;
    for (;;) {
        pid_t p = waitpid(-1, NULL, WNOHANG);
        if (p < 0 && errno == ECHILD)
            return 1;
        if (p > 0)
            continue;
        if (now_s() > end)
            return 0;
        sleep_s(0.005);
    }
}

/* Runs args to the end; returns the wall time in seconds. */
static double
run_timed(const char *const *args)
{
    double t0 = now_s();
    ck_assert_int_eq(wait_for(spawn(args)), 0);
    return now_s() - t0;
}

static int
db_int(sqlite3 *h, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
                  "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* What a checked database holds. */
struct db_counts {
    int runs;            /* all of them complete */
    int points_complete; /* sweep databases */
    int sweeps;
};

/* Opens the database at path as the next cdnsim would, for writing (a hot
 * journal is rolled back first), and checks PRAGMA integrity_check.
 * Returns NULL when there is no file. */
static sqlite3 *
open_checked(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return NULL;
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    sqlite3_busy_timeout(h, 10000);
    sqlite3_stmt *st;
    ck_assert_int_eq(
        sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL),
        SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "ok");
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    return h;
}

/*
 * Checks the database at path after a kill (a missing file or one
 * without tables holds nothing, which is fine) and counts what it holds.
 */
static struct db_counts
check_db(const char *path, int is_sweep)
{
    struct db_counts c = {0, 0, 0};
    sqlite3 *h = open_checked(path);
    if (h == NULL)
        return c;
    /* The schema is made in the first write transaction: all or none. */
    int n_tables = db_int(h, "SELECT count(*) FROM sqlite_master WHERE "
                             "type = 'table' AND name IN ('runs', "
                             "'node_metrics', 'timeseries', 'sweeps', "
                             "'sweep_points')");
    if (n_tables == 0) {
        sqlite3_close(h);
        return c;
    }
    ck_assert_int_eq(n_tables, 5);
    c.runs = db_int(h, "SELECT count(*) FROM runs");
    /* SIGKILL leaves no 'interrupted' run: a run is written whole at its
     * end, or not at all. */
    ck_assert_int_eq(db_int(h, "SELECT count(*) FROM runs WHERE status != "
                               "'complete'"),
                     0);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM runs r WHERE r.requests != %d"
             " OR (SELECT count(*) FROM node_metrics n WHERE n.run_id = r.id)"
             " != %d"
             " OR NOT EXISTS (SELECT 1 FROM timeseries t WHERE t.run_id ="
             " r.id)",
             FAULT_MEASURED, TOPO_NODES);
    ck_assert_int_eq(db_int(h, sql), 0);
    if (is_sweep) {
        c.sweeps = db_int(h, "SELECT count(*) FROM sweeps");
        c.points_complete = db_int(h, "SELECT count(*) FROM sweep_points "
                                      "WHERE status = 'complete'");
        /* A sweep and all its points are recorded together. */
        ck_assert_int_eq(db_int(h, "SELECT count(*) FROM sweeps s WHERE "
                                   "s.points != (SELECT count(*) FROM "
                                   "sweep_points p WHERE p.sweep_id = "
                                   "s.id)"),
                         0);
        /* A complete point has its run; every run is a complete point's
         * (a point and its run are written in one transaction). */
        ck_assert_int_eq(db_int(h, "SELECT count(*) FROM sweep_points p "
                                   "WHERE p.status = 'complete' AND NOT "
                                   "EXISTS (SELECT 1 FROM runs r WHERE "
                                   "r.id = p.run_id)"),
                         0);
        ck_assert_int_eq(db_int(h, "SELECT count(*) FROM sweep_points WHERE "
                                   "status = 'pending' AND run_id IS NOT "
                                   "NULL"),
                         0);
        ck_assert_int_eq(c.runs, c.points_complete);
    }
    sqlite3_close(h);
    return c;
}

/* Kills to make: fewer under the sanitizers, where every run is slower. */
static int
n_kills(int n)
{
    return test_sanitized() ? n / 3 : n;
}

START_TEST(test_fault_run_killed)
{
    char *dir = test_tmpdir();
    char *wl = test_write_file(dir, "fault.yaml", fault_workload);
    char *base_db = xasprintf("%s/base.db", dir);
    char *db = xasprintf("%s/killed.db", dir);
    const char *base_args[] = {"run",  TOPO,    wl,  "--quiet",
                               "--db", base_db, NULL};
    double t_full = run_timed(base_args);
    ck_assert_int_eq(check_db(base_db, 0).runs, 1);

    const char *args[] = {"run", TOPO, wl, "--quiet", "--db", db, NULL};
    uint64_t rng = 12;
    int n_finished = 0, n = n_kills(12);
    for (int i = 0; i < n; i++) {
        /* Up to 1.2 times the run: a few kills come too late. */
        double at = 1.2 * t_full * uniform(&rng);
        pid_t pid = spawn(args);
        sleep_s(at);
        kill(pid, SIGKILL);
        int status = wait_for(pid);
        ck_assert_msg(status == 0 || status == 128 + SIGKILL, "run exited %d",
                      status);
        n_finished += status == 0;
        struct db_counts c = check_db(db, 0);
        ck_assert_int_ge(c.runs, n_finished);
        ck_assert_int_le(c.runs, i + 1);
    }
    /* Some kills must have hit a running process, or nothing above
     * tested a crash (the kill times fall within the run's length
     * five times in six). */
    ck_assert_msg(n_finished < n, "all %d runs finished before their kill", n);
    /* The file is still usable. */
    run_timed(args);
    ck_assert_int_ge(check_db(db, 0).runs, n_finished + 1);
    test_rmtree(dir);
    free(db);
    free(base_db);
    free(wl);
    free(dir);
}
END_TEST

START_TEST(test_fault_sweep_killed_resumes)
{
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    char *dir = test_tmpdir();
    char *wl = test_write_file(dir, "fault.yaml", fault_workload);
    char *base_db = xasprintf("%s/base.db", dir);
    char *db = xasprintf("%s/killed.db", dir);
    const char *base_args[] = {"sweep",
                               TOPO,
                               wl,
                               "--vary",
                               "catalog.zipf_alpha=0.6,0.8,1.0",
                               "--vary",
                               "nodes.edge-fra.cache.policy=lru,fifo",
                               "--jobs",
                               "2",
                               "--quiet",
                               "--db",
                               base_db,
                               NULL};
    double t_full = run_timed(base_args);
    ck_assert_int_eq(check_db(base_db, 1).points_complete, SWEEP_POINTS);

    const char *args[] = {"sweep",
                          TOPO,
                          wl,
                          "--vary",
                          "catalog.zipf_alpha=0.6,0.8,1.0",
                          "--vary",
                          "nodes.edge-fra.cache.policy=lru,fifo",
                          "--jobs",
                          "2",
                          "--quiet",
                          "--db",
                          db,
                          NULL};
    uint64_t rng = 7;
    int n = n_kills(9);
    for (int i = 0; i < n; i++) {
        double at = t_full * uniform(&rng);
        pid_t pid = spawn(args);
        sleep_s(at);
        kill(pid, SIGKILL); /* the parent only, as a crash would */
        int status = wait_for(pid);
        ck_assert_msg(status == 0 || status == 128 + SIGKILL, "sweep exited %d",
                      status);
        /* Workers still running write their point's run; wait for them
         * (test_fault_sweep_leaves_no_worker checks they stop at once). */
        if (!reap_all(30)) {
            kill(-pid, SIGKILL);
            reap_all(5);
        }
        struct db_counts c = check_db(db, 1);
        ck_assert_int_le(c.sweeps, 1);
        ck_assert_int_le(c.points_complete, SWEEP_POINTS);
    }
    /* The same command again completes the sweep: one run per point. */
    run_timed(args);
    struct db_counts c = check_db(db, 1);
    ck_assert_int_eq(c.sweeps, 1);
    ck_assert_int_eq(c.points_complete, SWEEP_POINTS);
    ck_assert_int_eq(c.runs, SWEEP_POINTS);
    /* Once complete, running it again changes nothing. */
    run_timed(args);
    ck_assert_int_eq(check_db(db, 1).runs, SWEEP_POINTS);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    test_rmtree(dir);
    free(db);
    free(base_db);
    free(wl);
    free(dir);
}
END_TEST

/* Issue 12, item 8: the workers of a sweep whose parent was killed must
 * stop, not compute on (their points could not be reported anyway). */
START_TEST(test_fault_sweep_leaves_no_worker)
{
    ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    char *dir = test_tmpdir();
    char *db = xasprintf("%s/long.db", dir);
    /* Two points of several seconds each. */
    const char *args[] = {"sweep",
                          TOPO,
                          "workloads/zipf.yaml",
                          "--vary",
                          "requests=5000000,5000001",
                          "--jobs",
                          "2",
                          "--quiet",
                          "--db",
                          db,
                          NULL};
    pid_t pid = spawn(args);
    /* The sweep is recorded before the workers start; give them a moment
     * to be well into their points. */
    double end = now_s() + 30;
    int has_sweep = 0;
    while (!has_sweep && now_s() < end) {
        sleep_s(0.02);
        sqlite3 *h;
        if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
            sqlite3_stmt *st;
            sqlite3_busy_timeout(h, 1000);
            if (sqlite3_prepare_v2(h, "SELECT count(*) FROM sweeps", -1, &st,
                                   NULL) == SQLITE_OK) {
                has_sweep = sqlite3_step(st) == SQLITE_ROW &&
                            sqlite3_column_int(st, 0) > 0;
                sqlite3_finalize(st);
            }
        }
        sqlite3_close(h);
    }
    ck_assert_msg(has_sweep, "the sweep never started");
    sleep_s(0.2);
    kill(pid, SIGKILL);
    ck_assert_int_eq(wait_for(pid), 128 + SIGKILL);
    int is_gone = reap_all(1.0);
    if (!is_gone) {
        kill(-pid, SIGKILL);
        reap_all(5);
    }
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    sqlite3 *h = open_checked(db);
    if (h != NULL) {
        /* Killed mid-point: nothing of those points was written. */
        ck_assert_int_eq(db_int(h, "SELECT count(*) FROM sweep_points WHERE "
                                   "status = 'complete'"),
                         0);
        sqlite3_close(h);
    }
    test_rmtree(dir);
    free(db);
    free(dir);
    /* Pending issue 12 item 8 (the sweep's workers are to stop when their
     * parent dies, helper H7's change to cmd_sweep.c): until that lands
     * this check fails, and CDNSIM_FAULT_SKIP_ORPHANS=1 skips it alone. */
    const char *skip = getenv("CDNSIM_FAULT_SKIP_ORPHANS");
    if (skip == NULL || strcmp(skip, "1") != 0)
        ck_assert_msg(is_gone, "sweep workers still ran 1 s after their "
                               "parent was killed");
}
END_TEST

Suite *
fault_suite(void)
{
    Suite *s = suite_create("fault");
    TCase *tc = tcase_create("sigkill");
    tcase_set_timeout(tc, test_sanitized() ? 600 : 120);
    tcase_add_test(tc, test_fault_run_killed);
    tcase_add_test(tc, test_fault_sweep_killed_resumes);
    tcase_add_test(tc, test_fault_sweep_leaves_no_worker);
    suite_add_tcase(s, tc);
    return s;
}
