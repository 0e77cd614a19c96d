/* outfile.c: output files written to a temporary and renamed into place.
 *
 * rename(2) within one directory replaces the old name atomically, so a
 * reader (or a user after a full disk or Ctrl-C) sees the old file or the
 * complete new one. The temporary is named after the output with a
 * random suffix: "results.json.tmp-Xa81Qz". */
#define _XOPEN_SOURCE 700 /* realpath */
#include "util/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

char *
outfile_resolve(const char *path, int *is_direct)
{
    *is_direct = 0;
    struct stat sb;
    if (stat(path, &sb) != 0 || S_ISDIR(sb.st_mode))
        return xstrdup(path); /* new, or refused by outfile_make_tmp */
    if (!S_ISREG(sb.st_mode)) {
        *is_direct = 1;
        return xstrdup(path);
    }
    struct stat lsb;
    if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        char *target = realpath(path, NULL);
        if (target != NULL)
            return target;
    }
    return xstrdup(path);
}

char *
outfile_make_tmp(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    char *tmp = xasprintf("%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return NULL;
    }
    /* mkstemp makes the file 0600; the output gets what any new file
     * would (0666 less the umask). */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || close(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return NULL;
    }
    return tmp;
}

int
outfile_open(struct outfile *o, const char *path, int allow_stdout,
             struct sim_err *err)
{
    memset(o, 0, sizeof *o);
    if (allow_stdout && strcmp(path, "-") == 0) {
        o->path = xstrdup(path);
        o->f = stdout;
        return 0;
    }
    int is_direct;
    char *target = outfile_resolve(path, &is_direct);
    char *tmp = is_direct ? NULL : outfile_make_tmp(target);
    FILE *f = NULL;
    if (is_direct || tmp != NULL)
        f = fopen(is_direct ? path : tmp, "w");
    if (f == NULL) {
        int code = sim_err_set(err, -SIM_EIO, path, 0, 0, NULL,
                               "cannot write: %s", strerror(errno));
        if (tmp)
            unlink(tmp);
        free(tmp);
        free(target);
        return code;
    }
    o->path = target;
    o->tmp_path = tmp;
    o->f = f;
    return 0;
}

static void
outfile_clear(struct outfile *o)
{
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
}

int
outfile_commit(struct outfile *o, struct sim_err *err)
{
    if (o->path == NULL)
        return 0;
    errno = 0;
    int bad = fflush(o->f) != 0;
    bad |= ferror(o->f) != 0;
    int e = errno;
    if (o->f == stdout) {
        clearerr(stdout);
        outfile_clear(o);
        if (bad)
            return sim_err_set(err, -SIM_EIO, "standard output", 0, 0, NULL,
                               "write error: %s",
                               e ? strerror(e) : "output lost");
        return 0;
    }
    if (fclose(o->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    o->f = NULL;
    if (!bad && o->tmp_path && rename(o->tmp_path, o->path) != 0) {
        bad = 1;
        e = errno;
    }
    int code = 0;
    if (bad) {
        code = sim_err_set(err, -SIM_EIO, o->path, 0, 0, NULL,
                           "write error: %s%s", e ? strerror(e) : "output lost",
                           o->tmp_path ? " (the file was left as it was)" : "");
        if (o->tmp_path)
            unlink(o->tmp_path);
    }
    outfile_clear(o);
    return code;
}

void
outfile_abort(struct outfile *o)
{
    if (o->path == NULL)
        return;
    if (o->f != NULL && o->f != stdout)
        fclose(o->f);
    if (o->tmp_path)
        unlink(o->tmp_path);
    outfile_clear(o);
}
