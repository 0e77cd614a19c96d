/* plot.c: data files, gnuplot driver scripts, and running gnuplot.
 *
 * Each plot is a data file (tab-separated, written by the caller), a
 * template in reports/ that knows how to draw that kind of data, and a
 * small driver script in out/data/ that sets the template's variables and
 * loads it twice, once for PNG and once for SVG. The driver stays behind
 * so that a plot can be restyled and redrawn with gnuplot alone.
 *
 * gnuplot is the one outside program cdnsim runs, and only from here:
 * fork, exec, wait, with stdout discarded and stderr passed through so
 * that its messages reach the user. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/report_int.h"
#include "util/escape.h"
#include "util/xalloc.h"

/* Is prog (a name looked up in PATH, or a path) executable? */
static int
program_exists(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (path == NULL || *path == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    char *copy = xstrdup(path);
    int found = 0;
    for (char *dir = copy, *next; dir && !found; dir = next) {
        next = strchr(dir, ':');
        if (next)
            *next++ = '\0';
        char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);
        struct stat sb;
        found = stat(full, &sb) == 0 && S_ISREG(sb.st_mode) &&
                access(full, X_OK) == 0;
        free(full);
    }
    free(copy);
    return found;
}

/* An absolute form of path if it exists, else a copy; caller frees. */
static char *
abs_path(const char *path)
{
    char *r = realpath(path, NULL);
    return r ? r : xstrdup(path);
}

/*
 * A gnuplot script is read line by line, and no quoting carries a line
 * end or other control character through: a newline in a path would end
 * the string (or the comment) it is in, and the rest of the line would
 * run as gnuplot commands, system() included. Such paths are refused;
 * what names the option the path came from.
 */
static int
check_script_path(struct rep_plotter *pl, const char *what, const char *path)
{
    size_t at = esc_find_control(path);
    if (at == 0)
        return 0;
    return sim_err_set(pl->err, -SIM_EIO, path, 0, 0, NULL,
                       "%s: byte %zu of this path is a control character "
                       "(0x%02x), which the gnuplot scripts cannot hold "
                       "safely; use a path without one",
                       what, at, (unsigned char)path[at - 1]);
}

/* check_script_path on the absolute form of path, which the scripts
 * hold (the working directory may bring the control character). */
static int
check_script_abs_path(struct rep_plotter *pl, const char *what,
                      const char *path)
{
    char *abs = abs_path(path);
    int code = check_script_path(pl, what, abs);
    free(abs);
    return code;
}

int
rep_plotter_init(struct rep_plotter *pl, const struct rep_opts *o,
                 const char *templates, struct sim_err *err)
{
    memset(pl, 0, sizeof *pl);
    pl->out_dir = o->out_dir;
    pl->templates = templates;
    pl->width = o->width ? o->width : REP_DEFAULT_WIDTH;
    pl->height = o->height ? o->height : REP_DEFAULT_HEIGHT;
    pl->log = o->log;
    pl->err = err;
    const char *g = getenv("CDNSIM_GNUPLOT");
    pl->gnuplot = g && *g ? g : "gnuplot";
    if (!program_exists(pl->gnuplot))
        return sim_err_set(err, -SIM_EIO, pl->gnuplot, 0, 0, NULL,
                           "gnuplot is needed to draw the plots and was not "
                           "found; install it (Debian: apt-get install "
                           "gnuplot-nox, which `make deps` does)");
    char *style = xasprintf("%s/style.gp", templates);
    int ok = access(style, R_OK) == 0;
    free(style);
    if (!ok)
        return sim_err_set(err, -SIM_ENOENT, templates, 0, 0, NULL,
                           "no gnuplot templates here (style.gp is "
                           "missing); give the reports/ directory of the "
                           "source tree with --templates DIR");
    pl->data_dir = xasprintf("%s/data", o->out_dir);
    int code = check_script_path(pl, "--out", o->out_dir);
    if (code == 0)
        code = check_script_abs_path(pl, "--templates", templates);
    if (code == 0)
        code = rep_mkdir(o->out_dir, err);
    if (code == 0)
        code = check_script_abs_path(pl, "--out", o->out_dir);
    if (code == 0)
        code = rep_mkdir(pl->data_dir, err);
    return code;
}

void
rep_plotter_fini(struct rep_plotter *pl)
{
    free(pl->data_dir);
    pl->data_dir = NULL;
}

/*
 * Appends s as a gnuplot single-quoted string: a quote is doubled, and a
 * control character, which would end the script line (and let the rest
 * of it run as commands), becomes a space. Single quotes also keep
 * gnuplot from running `backquoted` text, which it does in double
 * quotes. Every string from the user (a name, a title, a label) reaches
 * a script only through here; paths are checked by check_script_path.
 */
static void
gp_quote(struct strbuf *b, const char *s)
{
    strbuf_put(b, "'");
    for (; *s; s++) {
        if (*s == '\'')
            strbuf_put(b, "''");
        else if (esc_is_control((unsigned char)*s))
            strbuf_put(b, " ");
        else
            strbuf_putn(b, s, 1);
    }
    strbuf_put(b, "'");
}

int
rep_plot_begin(struct rep_plotter *pl, struct rep_plot *p, const char *name,
               const char *tmpl)
{
    memset(p, 0, sizeof *p);
    char *t = xasprintf("%s/%s", pl->templates, tmpl);
    int ok = access(t, R_OK) == 0;
    free(t);
    if (!ok)
        return sim_err_set(pl->err, -SIM_ENOENT, pl->templates, 0, 0, NULL,
                           "template %s is missing", tmpl);
    p->name = xstrdup(name);
    p->template_name = xstrdup(tmpl);
    p->data_path = xasprintf("%s/%s.dat", pl->data_dir, name);
    int code = outfile_open(&p->data_out, p->data_path, 0, pl->err);
    if (code != 0) {
        rep_plot_drop(p);
        return code;
    }
    p->data = p->data_out.f;
    return 0;
}

void
rep_plot_str(struct rep_plot *p, const char *var, const char *value)
{
    strbuf_printf(&p->vars, "%s = ", var);
    gp_quote(&p->vars, value);
    strbuf_put(&p->vars, "\n");
}

void
rep_plot_num(struct rep_plot *p, const char *var, double value)
{
    strbuf_printf(&p->vars, "%s = %.17g\n", var, value);
}

void
rep_plot_strs(struct rep_plot *p, const char *var, const char *const *values,
              size_t n)
{
    /* gnuplot arrays have at least one element. One line per element
     * keeps the lines short however many there are. */
    strbuf_printf(&p->vars, "array %s[%zu]\n", var, n ? n : 1);
    for (size_t i = 0; i < n || i == 0; i++) {
        strbuf_printf(&p->vars, "%s[%zu] = ", var, i + 1);
        gp_quote(&p->vars, i < n && values[i] ? values[i] : "");
        strbuf_put(&p->vars, "\n");
    }
}

void
rep_dat_label(FILE *f, const char *s)
{
    int is_quoted = *s == '\0';
    for (const char *c = s; *c && !is_quoted; c++)
        is_quoted = *c == ' ' || *c == '#' || *c == '"' ||
                    esc_is_control((unsigned char)*c);
    if (!is_quoted) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('\'', f);
        else if (esc_is_control((unsigned char)*s))
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

void
rep_plot_drop(struct rep_plot *p)
{
    outfile_abort(&p->data_out);
    free(p->data_path);
    free(p->template_name);
    free(p->name);
    strbuf_fini(&p->vars);
    memset(p, 0, sizeof *p);
}

/* Runs gnuplot on script; returns 0 or -SIM_EIO. */
static int
run_gnuplot(struct rep_plotter *pl, const char *script)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return sim_err_set(pl->err, -SIM_EIO, script, 0, 0, NULL,
                           "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, STDIN_FILENO);
            dup2(nul, STDOUT_FILENO);
        }
        /* execvp wants writable strings: copies, which the exec (or the
         * _exit) below releases. */
        char *argv[] = {xstrdup(pl->gnuplot), xstrdup(script), NULL};
        execvp(pl->gnuplot, argv);
        char name[256];
        esc_term(name, sizeof name, pl->gnuplot, strlen(pl->gnuplot));
        fprintf(stderr, "cdnsim: cannot run %s: %s\n", name, strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return sim_err_set(pl->err, -SIM_EIO, script, 0, 0, NULL,
                               "waiting for gnuplot: %s", strerror(errno));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return sim_err_set(pl->err, -SIM_EIO, script, 0, 0, NULL,
                           "gnuplot failed (exit status %d); its messages "
                           "are above",
                           WEXITSTATUS(status));
    return sim_err_set(pl->err, -SIM_EIO, script, 0, 0, NULL,
                       "gnuplot was killed by signal %d", WTERMSIG(status));
}

/* Is path a file of at least one byte? */
static int
nonempty(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

int
rep_plot_draw(struct rep_plotter *pl, struct rep_plot *p)
{
    int code = 0;
    char *script = xasprintf("%s/%s.gp", pl->data_dir, p->name);
    char *tdir = abs_path(pl->templates);
    char *odir = abs_path(pl->out_dir);
    char *data = abs_path(p->data_path);
    char *out[2] = {xasprintf("%s/%s.png", pl->out_dir, p->name),
                    xasprintf("%s/%s.svg", pl->out_dir, p->name)};
    static const char *const fmts[2] = {"png", "svg"};
    struct strbuf b = {0};
    int has_run = 0; /* gnuplot was started (and the old images removed) */

    p->data = NULL;
    if ((code = outfile_commit(&p->data_out, pl->err)) != 0)
        goto out;
    strbuf_printf(&b,
                  "# %s.gp: written by cdnsim report. Draw again with:"
                  " gnuplot %s\n",
                  p->name, script);
    strbuf_put(&b, "tdir = ");
    gp_quote(&b, tdir);
    strbuf_put(&b, "\ndata = ");
    gp_quote(&b, data);
    strbuf_printf(&b, "\nwidth = %u\nheight = %u\n", pl->width, pl->height);
    strbuf_put(&b, strbuf_str(&p->vars));
    for (int i = 0; i < 2; i++) {
        char *o = xasprintf("%s/%s.%s", odir, p->name, fmts[i]);
        strbuf_printf(&b, "fmt = '%s'\nout = ", fmts[i]);
        gp_quote(&b, o);
        strbuf_put(&b, "\nload tdir . ");
        char *t = xasprintf("/%s", p->template_name);
        gp_quote(&b, t);
        strbuf_put(&b, "\n");
        free(t);
        free(o);
    }
    struct outfile gp;
    if ((code = outfile_open(&gp, script, 0, pl->err)) != 0)
        goto out;
    fputs(strbuf_str(&b), gp.f);
    if ((code = outfile_commit(&gp, pl->err)) != 0)
        goto out;
    for (int i = 0; i < 2; i++)
        unlink(out[i]);
    has_run = 1;
    if ((code = run_gnuplot(pl, script)) != 0)
        goto out;
    for (int i = 0; i < 2; i++) {
        if (!nonempty(out[i])) {
            code = sim_err_set(pl->err, -SIM_EIO, out[i], 0, 0, NULL,
                               "gnuplot wrote nothing (template %s)",
                               p->template_name);
            goto out;
        }
        if (pl->log)
            fprintf(pl->log, "%s\n", out[i]);
    }
out:
    /* gnuplot writes the images itself: after a failure, what it left
     * may be cut short, and goes. */
    for (int i = 0; has_run && code != 0 && i < 2; i++)
        unlink(out[i]);
    strbuf_fini(&b);
    free(out[1]);
    free(out[0]);
    free(data);
    free(odir);
    free(tdir);
    free(script);
    rep_plot_drop(p);
    return code;
}
