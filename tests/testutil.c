/* testutil.c: helpers shared by the suites (exec, temp dirs, tiers). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "suites.h"
#include "util/err.h"
#include "util/xalloc.h"

const char *
test_bin(void)
{
    const char *b = getenv("CDNSIM_BIN");
    return b && *b ? b : "./cdnsim";
}

int
test_slow_enabled(void)
{
    const char *s = getenv("CDNSIM_SLOW");
    return s && *s && strcmp(s, "0") != 0;
}

int
test_sanitized(void)
{
    const char *s = getenv("CDNSIM_SANITIZE");
    return s && *s && strcmp(s, "0") != 0;
}

static char *
slurp_fd(int fd)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        /* Room for at least one byte more and the NUL. */
        buf = xgrow(buf, &cap, n + 2, 1, 4096);
        ssize_t k = read(fd, buf + n, cap - n - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
    }
    buf[n] = '\0';
    return buf;
}

char *
test_str(const char *s)
{
    /* Kept reachable from here, so that leak checkers see no leak. */
    static char **kept;
    static size_t n_kept;
    kept = xrealloc(kept, (n_kept + 1) * sizeof *kept);
    return kept[n_kept++] = xstrdup(s);
}

int
test_run(const char *const argv[], char **out, char **errout)
{
    /* Temporary files rather than pipes: no deadlock on large output. */
    char out_path[] = "/tmp/cdnsim-out-XXXXXX";
    char err_path[] = "/tmp/cdnsim-err-XXXXXX";
    int ofd = mkstemp(out_path), efd = mkstemp(err_path);
    if (ofd < 0 || efd < 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        /* execvp wants writable strings: copies, which the exec (or the
         * _exit) releases. */
        size_t n = 0;
        while (argv[n] != NULL)
            n++;
        char **copy = xcalloc(n + 1, sizeof *copy);
        for (size_t i = 0; i < n; i++)
            copy[i] = xstrdup(argv[i]);
        execvp(copy[0], copy);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    if (out)
        *out = slurp_fd(ofd);
    if (errout)
        *errout = slurp_fd(efd);
    close(ofd);
    close(efd);
    unlink(out_path);
    unlink(err_path);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

char *
test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl =
        xasprintf("%s/cdnsim-test-XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(tmpl) == NULL) {
        free(tmpl);
        return NULL;
    }
    return tmpl;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void
test_rmtree(const char *dir)
{
    if (dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *
test_write_file(const char *dir, const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        free(path);
        return NULL;
    }
    fputs(text, f);
    if (fclose(f) != 0) {
        free(path);
        return NULL;
    }
    return path;
}

char *
test_read_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    ck_assert_msg(fd >= 0, "cannot open %s", path);
    char *text = slurp_fd(fd);
    close(fd);
    return text;
}

/* s with every run of white space made one space, in place. */
static void
squeeze_space(char *s)
{
    char *to = s;
    for (const char *at = s; *at; at++) {
        int space = *at == ' ' || *at == '\n' || *at == '\t';
        if (!space)
            *to++ = *at;
        else if (to == s || to[-1] != ' ')
            *to++ = ' ';
    }
    *to = '\0';
}

void
test_assert_doc_says(const char *path, const char *phrase)
{
    char *text = test_read_file(path);
    char *want = xstrdup(phrase);
    squeeze_space(text);
    squeeze_space(want);
    ck_assert_msg(strstr(text, want) != NULL, "%s does not say: %s", path,
                  want);
    free(want);
    free(text);
}

void
test_assert_readme_says(const char *phrase)
{
    test_assert_doc_says("README.md", phrase);
}

int
test_cdnsim_argv(char **out, char **err, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = test_bin();
    for (; *args != NULL && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    return test_run(argv, out, err);
}

char *
test_cdnsim_json(const char *a1, ...)
{
    const char *args[24];
    int n = 0;
    va_list ap;
    va_start(ap, a1);
    for (const char *a = a1; a != NULL && n < 21; a = va_arg(ap, const char *))
        args[n++] = a;
    va_end(ap);
    args[n++] = "--json";
    args[n++] = "-";
    args[n] = NULL;
    char *out = NULL, *err = NULL;
    int rc = test_cdnsim_argv(&out, &err, args);
    ck_assert_msg(rc == 0, "cdnsim exited %d: %s", rc, err);
    free(err);
    return out;
}

double *
test_zipf_pmf(size_t n, double alpha)
{
    double *p = xmalloc(n * sizeof *p), sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i] = pow((double)(i + 1), -alpha);
    for (size_t i = 0; i < n; i++)
        p[i] /= sum;
    return p;
}

int
test_cdnsim(char **out, char **err, const char *a1, ...)
{
    const char *args[32];
    int n = 0;
    va_list ap;
    va_start(ap, a1);
    for (const char *a = a1; a != NULL && n < 31; a = va_arg(ap, const char *))
        args[n++] = a;
    va_end(ap);
    args[n] = NULL;
    return test_cdnsim_argv(out, err, args);
}

void
test_run_model(const char *topo, const char *wl, const char *const *sets,
               size_t n_sets, struct cfg_topology **t, struct cfg_workload **w,
               struct met_run *m)
{
    struct cfg_override ov[16];
    ck_assert_uint_le(n_sets, 16);
    for (size_t i = 0; i < n_sets; i++)
        ov[i].text = sets[i];
    struct sim_err err = {0};
    char buf[1024];
    int rc = cfg_load(topo, wl, ov, n_sets, t, w, &err);
    ck_assert_msg(rc == 0, "%s", sim_err_format(&err, buf, sizeof buf));
    struct cdn *c = cdn_new(*t, *w, &err);
    ck_assert_msg(c != NULL, "%s", sim_err_format(&err, buf, sizeof buf));
    ck_assert_int_eq(cdn_run(c, NULL, m), 0);
    cdn_free(c);
}

void
test_free_run(struct cfg_topology *t, struct cfg_workload *w, struct met_run *m)
{
    met_run_fini(m);
    cfg_workload_free(w);
    cfg_topology_free(t);
}

const struct met_node *
test_node_named(const struct met_run *m, const char *name)
{
    for (size_t i = 0; i < m->n_nodes; i++)
        if (strcmp(m->nodes[i].name, name) == 0)
            return &m->nodes[i];
    ck_abort_msg("no node %s", name);
    return NULL;
}
