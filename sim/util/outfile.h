/* outfile.h: output files that appear whole or not at all. */
#ifndef SIM_UTIL_OUTFILE_H
#define SIM_UTIL_OUTFILE_H

#include <stdio.h>

#include "util/err.h"

/*
 * One output file being written. The bytes go to a temporary file in the
 * same directory, renamed over the final name only once every write has
 * succeeded: a failed or interrupted write leaves the old file (or none),
 * never a truncated one that looks complete.
 */
struct outfile {
    char *path;     /* the final name, owned; NULL while closed */
    char *tmp_path; /* the temporary beside it, owned; NULL when written
                       directly (stdout, a device, a pipe) */
    FILE *f;        /* open for writing; stdout when path is "-" */
};

/*
 * Where the output path goes (caller frees): path itself, or for a
 * symbolic link to a regular file the file it names (renaming over the
 * link would replace the link). Sets *is_direct when path names an
 * existing device, pipe or socket (/dev/null, /dev/stdout, a FIFO): such
 * an output is written in place, since renaming over it would replace the
 * device or pipe by a file.
 */
char *outfile_resolve(const char *path, int *is_direct);

/*
 * Opens a temporary file beside path for writing (mode 0666 less the
 * umask, as a plain new file). With allow_stdout, "-" means standard
 * output; a device or pipe (outfile_resolve) is opened directly. Fails
 * at once when path is a directory or its directory cannot take a new
 * file, so that a command can check its outputs before long work.
 * Returns 0 or -SIM_EIO with err naming path; o is then closed.
 */
int outfile_open(struct outfile *o, const char *path, int allow_stdout,
                 struct sim_err *err);

/*
 * The temporary's name for a writer that opens it itself: a new, empty
 * file beside path (a resolved path: see outfile_resolve), made like
 * outfile_open makes it. Returns its name (caller frees and, on failure,
 * unlinks it) or NULL with errno set (EISDIR for a directory).
 */
char *outfile_make_tmp(const char *path);

/*
 * Flushes and checks every write, closes the file and renames it over
 * path (for stdout: flushes and checks). On failure the temporary is
 * removed and path left as it was. Closes o either way. Returns 0 or
 * -SIM_EIO with err naming path.
 */
int outfile_commit(struct outfile *o, struct sim_err *err);

/* Closes and removes the temporary; a no-op on a closed outfile. */
void outfile_abort(struct outfile *o);

#endif
