/* mpi.c: the MPI executor: a sweep's points on the ranks of an mpirun.
 *
 * Built with `make MPI=1` (CDNSIM_MPI) and started by mpirun with more
 * than one rank, a sweep spreads its points over the ranks. Rank 0 does
 * what the parent does without MPI (checks, records the sweep, schedules,
 * shows progress) and is the only process that writes the database: each
 * other rank runs the points rank 0 sends it, one at a time, and sends
 * back the run as a database image (met_run_image), which rank 0 appends
 * (met_write_db_point_image), so the rows are those a local run writes.
 * Rank 0 runs no points itself: start one rank more than the cores to use.
 * Without CDNSIM_MPI every function here is a no-op.
 */
#include <stdlib.h>
#include <string.h>

#include "run/run.h"

#ifndef CDNSIM_MPI

int
run_mpi_start(int *rank)
{
    *rank = 0;
    return 1;
}

void
run_mpi_finish(void)
{
}

void
run_mpi_abort(int status)
{
    exit(status);
}

void
run_mpi_announce(int64_t sweep_id)
{
    (void)sweep_id;
}

int64_t
run_mpi_listen(void)
{
    return 0;
}

void
run_exec_mpi(const struct run_sweep *s, const uint64_t *pending, size_t n,
             int n_ranks, volatile sig_atomic_t *stop,
             const struct run_observer *obs, struct run_tally *tally)
{
    (void)s, (void)pending, (void)n, (void)n_ranks, (void)stop, (void)obs;
    (void)tally;
    SIM_ASSERT(!"run_exec_mpi without MPI support");
}

void
run_mpi_serve(const struct run_sweep *s, volatile sig_atomic_t *stop)
{
    (void)s, (void)stop;
}

#else
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <time.h>

#include "util/xalloc.h"

enum { TAG_POINT = 1, TAG_STOP, TAG_RESULT };

/* What rank 0 tells the others once it has checked the sweep. */
struct mpi_go {
    int64_t sweep_id; /* 0: nothing to do, exit */
};

/* The head of a worker's answer; the error text and the image follow. */
struct mpi_head {
    uint64_t point;
    int32_t code;
    uint32_t text_len;
    uint64_t image_len;
    struct run_warnings warn;
};

/* Was this process started by an MPI launcher? (Open MPI, MPICH, PMIx.)
 * Without one, a sweep does not touch MPI at all, so that forking its
 * workers stays safe. */
static int
mpi_launched(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") ||
           getenv("PMIX_RANK");
}

int
run_mpi_start(int *rank)
{
    int n_ranks = 1;
    *rank = 0;
    if (!mpi_launched())
        return 1;
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    if (n_ranks == 1)
        MPI_Finalize(); /* a single rank is an ordinary sweep, forks too */
    return n_ranks;
}

void
run_mpi_finish(void)
{
    MPI_Finalize();
}

void
run_mpi_abort(int status)
{
    MPI_Abort(MPI_COMM_WORLD, status);
    exit(status); /* MPI_Abort does not return; the compiler cannot know */
}

void
run_mpi_announce(int64_t sweep_id)
{
    struct mpi_go go = {.sweep_id = sweep_id};
    MPI_Bcast(&go, (int)sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD);
}

int64_t
run_mpi_listen(void)
{
    struct mpi_go go;
    MPI_Bcast(&go, (int)sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD);
    return go.sweep_id;
}

/* Rank 0: appends one answer (msg, len bytes) to the database and tells
 * the observer. */
static void
take_answer(const struct run_sweep *s, const char *msg, int len,
            const struct run_observer *obs, struct run_tally *tally)
{
    struct mpi_head h;
    memset(&h, 0, sizeof h);
    int code = -SIM_EINTERNAL;
    char text[1024] = "a malformed answer from a worker rank";
    if ((size_t)len >= sizeof h) {
        memcpy(&h, msg, sizeof h);
        if (sizeof h + (size_t)h.text_len + h.image_len == (size_t)len) {
            snprintf(text, sizeof text, "%.*s", (int)h.text_len,
                     msg + sizeof h);
            code = h.code;
        }
    }
    if (code == 0) {
        struct sim_err err = {0};
        int64_t run_id;
        code = met_write_db_point_image(msg + sizeof h + h.text_len,
                                        (size_t)h.image_len, s->db_path, s->id,
                                        h.point, &run_id, &err);
        if (code != 0)
            sim_err_format(&err, text, sizeof text);
    }
    run_tally_add(tally, code);
    obs->point_done(obs->ctx, h.point, code, text, &h.warn);
}

/* Rank 0: waits for the next answer, drawing progress meanwhile; returns
 * the answer (caller frees) and its source rank. */
static char *
await_answer(const struct run_observer *obs, unsigned busy, int *len,
             int *source)
{
    MPI_Status st;
    for (;;) {
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (flag)
            break;
        /* Polled rather than blocked on, so that the progress bar and a
         * stop request are seen while every rank is busy. */
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        obs->tick(obs->ctx, busy, 0);
    }
    MPI_Get_count(&st, MPI_BYTE, len);
    char *msg = xmalloc(*len > 0 ? (size_t)*len : 1);
    MPI_Recv(msg, *len, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    *source = st.MPI_SOURCE;
    return msg;
}

void
run_exec_mpi(const struct run_sweep *s, const uint64_t *pending, size_t n,
             int n_ranks, volatile sig_atomic_t *stop,
             const struct run_observer *obs, struct run_tally *tally)
{
    size_t next = 0;
    unsigned busy = 0;
    for (int r = 1; r < n_ranks; r++) {
        if (next < n) {
            MPI_Send(&pending[next++], 1, MPI_UINT64_T, r, TAG_POINT,
                     MPI_COMM_WORLD);
            busy++;
        } else {
            MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
        }
    }
    obs->tick(obs->ctx, busy, 1);
    while (busy > 0) {
        int len = 0, source = 0;
        char *msg = await_answer(obs, busy, &len, &source);
        take_answer(s, msg, len, obs, tally);
        free(msg);
        if (!*stop && next < n) {
            MPI_Send(&pending[next++], 1, MPI_UINT64_T, source, TAG_POINT,
                     MPI_COMM_WORLD);
        } else {
            MPI_Send(NULL, 0, MPI_BYTE, source, TAG_STOP, MPI_COMM_WORLD);
            busy--;
        }
        obs->tick(obs->ctx, busy, 0);
    }
    if (*stop || next < n)
        tally->is_interrupted = 1;
}

/* A rank above 0: runs point p and sends rank 0 the answer. */
static void
serve_point(const struct run_sweep *s, uint64_t p,
            const struct cdn_run_opts *opts)
{
    void *image = NULL;
    size_t image_len = 0;
    int64_t run_id = 0;
    struct sim_err err = {0};
    struct mpi_head h = {.point = p};
    h.code =
        run_sweep_point(s, p, opts, &h.warn, &run_id, &image, &image_len, &err);
    char text[1024] = "";
    if (h.code != 0)
        sim_err_format(&err, text, sizeof text);
    if (h.code == 0 && image_len > (size_t)INT_MAX - sizeof h) {
        h.code = -SIM_EINTERNAL;
        snprintf(text, sizeof text,
                 "the run's %zu bytes are too many to send in one MPI "
                 "message",
                 image_len);
        image_len = 0;
    }
    h.text_len = (uint32_t)strlen(text);
    h.image_len = h.code == 0 ? image_len : 0;
    size_t len = sizeof h + h.text_len + (size_t)h.image_len;
    char *msg = xmalloc(len);
    memcpy(msg, &h, sizeof h);
    memcpy(msg + sizeof h, text, h.text_len);
    if (h.image_len)
        memcpy(msg + sizeof h + h.text_len, image, (size_t)h.image_len);
    MPI_Send(msg, (int)len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    free(msg);
    free(image);
}

void
run_mpi_serve(const struct run_sweep *s, volatile sig_atomic_t *stop)
{
    struct cdn_run_opts opts = {.stop = stop};
    for (;;) {
        MPI_Status st;
        uint64_t p = 0;
        MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
        if (st.MPI_TAG != TAG_POINT) {
            MPI_Recv(NULL, 0, MPI_BYTE, 0, st.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            break;
        }
        MPI_Recv(&p, 1, MPI_UINT64_T, 0, TAG_POINT, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
        serve_point(s, p, &opts);
    }
}
#endif
