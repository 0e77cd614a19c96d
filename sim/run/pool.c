/* pool.c: the fork pool: a sweep's points on N worker processes.
 *
 * The parent forks N workers and hands out points one at a time over a
 * pipe per worker (a fixed split would leave workers idle behind one slow
 * point); each worker writes its own runs, and SQLite's busy timeout
 * queues the writers. The parent only schedules and tells its observer.
 * These forks and gnuplot (sim/report/) are the only processes cdnsim
 * starts.
 *
 * A worker must not outlive its parent: an idle one sees the point pipe
 * close, and a busy one is sent SIGTERM by the kernel when the parent
 * dies (PR_SET_PDEATHSIG on Linux), which sets the stop flag its run
 * polls. Elsewhere, and as a second guard, the worker's run checks that
 * its parent is still the one that forked it.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "run/run.h"
#include "util/xalloc.h"

/* A worker's answer for one point; well under PIPE_BUF, so one write. */
struct point_msg {
    uint64_t point;
    int64_t run_id;
    int32_t code;
    struct run_warnings warn;
    char text[1024];
};

static int
read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, (char *)buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        got += (size_t)k;
    }
    return 0;
}

static int
write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t k = write(fd, (const char *)buf + put, n - put);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        put += (size_t)k;
    }
    return 0;
}

/* What a worker's run checks now and then. */
struct orphan_watch {
    pid_t parent;
    volatile sig_atomic_t *stop;
};

/* The run's progress hook in a worker: a parent gone (the worker has
 * been adopted by another process) stops the run. */
static void
watch_parent(void *ctx, uint64_t done, uint64_t total, int64_t sim_now_ns)
{
    struct orphan_watch *ow = ctx;
    (void)done, (void)total, (void)sim_now_ns;
    if (getppid() != ow->parent)
        *ow->stop = 1;
}

/* Asks the kernel to stop this worker when the parent dies; the parent
 * may have died before the request, hence the check after it. */
static void
die_with_parent(pid_t parent, volatile sig_atomic_t *stop)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent)
        *stop = 1;
}

/* A forked worker: runs the points the parent sends until it closes the
 * pipe, answering each. */
static void
worker_loop(const struct run_sweep *s, int in, int out, pid_t parent,
            volatile sig_atomic_t *stop)
{
    struct orphan_watch ow = {.parent = parent, .stop = stop};
    struct cdn_run_opts opts = {
        .stop = stop, .progress = watch_parent, .progress_ctx = &ow};
    die_with_parent(parent, stop);
    uint64_t p;
    while (!*stop && read_full(in, &p, sizeof p) == 0) {
        struct point_msg m;
        memset(&m, 0, sizeof m);
        struct sim_err err = {0};
        m.point = p;
        m.code =
            run_sweep_point(s, p, &opts, &m.warn, &m.run_id, NULL, NULL, &err);
        if (m.code != 0)
            sim_err_format(&err, m.text, sizeof m.text);
        if (write_full(out, &m, sizeof m) != 0)
            break;
    }
}

struct worker {
    pid_t pid;
    int to;        /* the parent's end of the point pipe, or -1 */
    int from;      /* the parent's end of the answer pipe, or -1 */
    int64_t point; /* the point it runs, or -1 when idle */
};

/* The state of the parent's loop. */
struct pool {
    const struct run_sweep *s;
    const uint64_t *pending;
    size_t n, next;    /* pending[next..n) not yet handed out */
    struct worker *ws; /* [started] */
    unsigned started, alive, running;
    volatile sig_atomic_t *stop;
    const struct run_observer *obs;
    struct run_tally *tally;
};

/* Sends the next pending point to w, or closes its pipe when none is
 * left (the worker then exits). */
static void
dispatch(struct pool *pl, struct worker *w)
{
    if (!*pl->stop && pl->next < pl->n) {
        uint64_t p = pl->pending[pl->next];
        if (write_full(w->to, &p, sizeof p) == 0) {
            pl->next++;
            w->point = (int64_t)p;
            pl->running++;
            return;
        }
    }
    close(w->to);
    w->to = -1;
    w->point = -1;
}

static void
note(struct pool *pl, uint64_t p, int code, const char *text,
     const struct run_warnings *warn)
{
    run_tally_add(pl->tally, code);
    pl->running--;
    pl->obs->point_done(pl->obs->ctx, p, code, text, warn);
}

/* Forks worker i with its two pipes. Returns 1 in the worker once its
 * work is done, 0 in the parent, -1 when no worker could be made. */
static int
start_worker(struct pool *pl, unsigned i)
{
    int to[2], from[2];
    if (pipe(to) != 0)
        return -1;
    if (pipe(from) != 0) {
        close(to[0]), close(to[1]);
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(to[0]), close(to[1]), close(from[0]), close(from[1]);
        return -1;
    }
    if (pid == 0) {
        for (unsigned k = 0; k < i; k++) {
            if (pl->ws[k].to >= 0)
                close(pl->ws[k].to);
            close(pl->ws[k].from);
        }
        close(to[1]);
        close(from[0]);
        worker_loop(pl->s, to[0], from[1], parent, pl->stop);
        close(to[0]);
        close(from[1]);
        return 1;
    }
    close(to[0]);
    close(from[1]);
    pl->ws[i] =
        (struct worker){.pid = pid, .to = to[1], .from = from[0], .point = -1};
    return 0;
}

/* Reads worker w's answer, or notes that it has gone. */
static void
take_answer(struct pool *pl, struct worker *w)
{
    struct point_msg m;
    if (read_full(w->from, &m, sizeof m) != 0) {
        /* The worker is gone: its point, if any, failed. */
        struct run_warnings none = {0};
        if (w->point >= 0)
            note(pl, (uint64_t)w->point,
                 *pl->stop ? -SIM_EINTR : -SIM_EINTERNAL,
                 "the worker process ended unexpectedly", &none);
        if (w->to >= 0)
            close(w->to);
        close(w->from);
        w->to = w->from = -1;
        w->point = -1;
        pl->alive--;
        return;
    }
    m.text[sizeof m.text - 1] = '\0';
    note(pl, m.point, m.code, m.text, &m.warn);
    dispatch(pl, w);
}

/* The parent's loop: answers in, points out, until every worker ends. */
static void
serve_workers(struct pool *pl)
{
    struct pollfd *fds = xcalloc(pl->started, sizeof *fds);
    int forwarded = 0;
    while (pl->alive > 0) {
        if (*pl->stop && !forwarded) {
            /* A Ctrl-C reaches the workers by itself; a signal sent to
             * this process alone is passed on. */
            for (unsigned i = 0; i < pl->started; i++)
                if (pl->ws[i].from >= 0)
                    kill(pl->ws[i].pid, SIGTERM);
            forwarded = 1;
        }
        for (unsigned i = 0; i < pl->started; i++) {
            fds[i].fd = pl->ws[i].from;
            fds[i].events = POLLIN;
            fds[i].revents = 0;
        }
        int k = poll(fds, pl->started, 250);
        if (k < 0 && errno != EINTR)
            break;
        for (unsigned i = 0; k > 0 && i < pl->started; i++)
            if (pl->ws[i].from >= 0 && fds[i].revents != 0)
                take_answer(pl, &pl->ws[i]);
        pl->obs->tick(pl->obs->ctx, pl->running, 0);
    }
    free(fds);
}

int
run_exec_pool(const struct run_sweep *s, const uint64_t *pending, size_t n,
              unsigned n_workers, volatile sig_atomic_t *stop,
              const struct run_observer *obs, struct run_tally *tally)
{
    struct pool pl = {.s = s,
                      .pending = pending,
                      .n = n,
                      .stop = stop,
                      .obs = obs,
                      .tally = tally};
    pl.ws = xcalloc(n_workers, sizeof *pl.ws);
    for (unsigned i = 0; i < n_workers; i++)
        pl.ws[i].to = pl.ws[i].from = -1;
    fflush(NULL);
    for (unsigned i = 0; i < n_workers; i++) {
        int rc = start_worker(&pl, i);
        if (rc == 1) {
            free(pl.ws);
            return 1;
        }
        if (rc < 0)
            break;
        pl.started++;
    }
    if (pl.started == 0) {
        /* No process to fork: run here rather than not at all. */
        free(pl.ws);
        obs->notice(obs->ctx, "cannot start worker processes; running "
                              "the points one at a time");
        run_exec_serial(s, pending, n, stop, obs, tally);
        return 0;
    }
    pl.alive = pl.started;
    for (unsigned i = 0; i < pl.started; i++)
        dispatch(&pl, &pl.ws[i]);
    obs->tick(obs->ctx, pl.running, 1);
    serve_workers(&pl);
    for (unsigned i = 0; i < pl.started; i++) {
        if (pl.ws[i].to >= 0)
            close(pl.ws[i].to);
        if (pl.ws[i].from >= 0)
            close(pl.ws[i].from);
        while (waitpid(pl.ws[i].pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (*stop || pl.next < n)
        tally->is_interrupted = 1;
    free(pl.ws);
    return 0;
}
