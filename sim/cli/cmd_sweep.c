/* cmd_sweep.c: `cdnsim sweep`: one topology and workload run at every
 * point of the cartesian product of --vary values, into one database.
 *
 * A point is the base files plus the user's --set arguments plus the
 * point's own assignments, run in-process exactly as `cdnsim run` would
 * run it (same seed, same overrides), so a point's rows equal those of the
 * equivalent run. The database records the sweep and each point; a point
 * counts as done only when its run is written, in the same transaction,
 * so an interrupted sweep is resumed by running the same command again.
 *
 * Parallelism: with --jobs N > 1 the parent forks N workers and hands out
 * points one at a time over a pipe per worker (a slow point does not hold
 * up a fixed share of the others); each worker writes its own runs, and
 * SQLite's busy timeout queues the writers. The parent only schedules,
 * shows progress and reports errors. With --jobs 1 points run in this
 * process. This and gnuplot (sim/report/) are the only forks. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config/config.h"
#include "metrics/metrics.h"
#include "model/model.h"
#include "report/report.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* Most values one --vary may take, and most points in a sweep. */
#define VARY_MAX_VALUES 10000
#define SWEEP_MAX_POINTS 100000

static const char sweep_usage[] =
    "usage: cdnsim sweep TOPOLOGY WORKLOAD --vary PATH=VALUES [--vary ...]\n"
    "                    --db FILE [options]\n"
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
    "                      sizes, durations and plain numbers)\n"
    "  --db FILE           the results database (created if new)\n"
    "  --jobs N            points run in parallel (default: the number of\n"
    "                      cores)\n"
    "  --set PATH=VALUE    an override for every point, repeatable; a --vary\n"
    "                      of the same path wins\n"
    "  --seed N            shorthand for --set seed=N\n"
    "  --requests N        shorthand for --set requests=N\n"
    "  --dry-run           check everything and list the points; run nothing\n"
    "  --quiet             no table of results at the end\n"
    "  --help              this text\n"
    "\n"
    "A progress bar appears on stderr when it is a terminal. Ctrl-C stops\n"
    "the sweep; the points finished so far are kept.\n"
    "\n"
    "exit status: 0 ok, 1 a point failed or the sweep was interrupted,\n"
    "2 usage error, 3 bad input.\n";

/* One --vary, parsed. */
struct vary {
    char *path;       /* owned */
    const char *spec; /* points into argv */
    const char *kind; /* "size", "duration", "number" or "text" */
    char **values;    /* [n], owned */
    double *nums;     /* [n] or NULL for text, owned */
    size_t n;
};

struct sweep_args {
    const char *topo;
    const char *workload;
    const char *db;
    struct cli_sets sets; /* the user's --set, --seed, --requests */
    const char **vary_args; /* the --vary arguments as given */
    size_t n_vary_args;
    long jobs; /* 0 = one per core */
    int quiet;
    int dry_run;
};

static void
args_fini(struct sweep_args *a)
{
    cli_sets_fini(&a->sets);
    free(a->vary_args);
}

/* Returns -1 to go on, or an exit status (help, usage error). */
static int
parse_args(int argc, char **argv, struct sweep_args *a)
{
    int n_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *v;
        int missing = 0, rc;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(sweep_usage, stdout);
            return EXIT_OK;
        } else if ((v = cli_opt_value(argc, argv, &i, "--vary", &missing))) {
            const char *eq = strchr(v, '=');
            if (eq == NULL || eq == v || eq[1] == '\0')
                return cli_usage_error("--vary needs PATH=VALUES, such as "
                                       "nodes.edge.cache.policy=lru,fifo; "
                                       "got \"%s\"",
                                       v);
            a->vary_args = xrealloc(a->vary_args, (a->n_vary_args + 1) *
                                                      sizeof *a->vary_args);
            a->vary_args[a->n_vary_args++] = v;
        } else if ((rc = cli_sets_option(&a->sets, argc, argv, &i, 1,
                                         &missing)) >= 0) {
            if (rc != 0)
                return rc;
        } else if ((v = cli_opt_value(argc, argv, &i, "--db", &missing))) {
            a->db = v;
        } else if ((v = cli_opt_value(argc, argv, &i, "--jobs", &missing))) {
            uint64_t x;
            if (parse_u64(v, &x) != 0 || x == 0 || x > 4096)
                return cli_usage_error("--jobs needs a number of processes "
                                       "from 1 to 4096, got \"%s\"",
                                       v);
            a->jobs = (long)x;
        } else if (strcmp(arg, "--dry-run") == 0) {
            a->dry_run = 1;
        } else if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0) {
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
    if (a->topo == NULL || a->workload == NULL)
        return cli_usage_error("sweep needs a TOPOLOGY and a WORKLOAD file");
    if (a->n_vary_args == 0)
        return cli_usage_error("sweep needs at least one --vary "
                               "PATH=VALUES");
    if (a->db == NULL && !a->dry_run)
        return cli_usage_error("sweep needs --db FILE for its results");
    return -1;
}

/* ---- --vary values -------------------------------------------------------
 *
 * Every value is kept as the text passed to --set, and its number is what
 * that text parses to, so the database records exactly what the run saw.
 */

static void
vary_fini(struct vary *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->values[i]);
    free(v->values);
    free(v->nums);
    free(v->path);
    memset(v, 0, sizeof *v);
}

static void
vary_add(struct vary *v, char *text, double num)
{
    v->values = xrealloc(v->values, (v->n + 1) * sizeof *v->values);
    v->nums = xrealloc(v->nums, (v->n + 1) * sizeof *v->nums);
    v->values[v->n] = text;
    v->nums[v->n] = num;
    v->n++;
}

enum vkind { VK_NUMBER, VK_DURATION, VK_SIZE, VK_TEXT };

static const char *const vkind_name[] = {"number", "duration", "size", "text"};

/* The number a value stands for: bytes, seconds, or itself. */
static int
value_num(enum vkind k, const char *s, double *out)
{
    uint64_t b;
    int64_t ns;
    switch (k) {
    case VK_NUMBER:
        return parse_double(s, out);
    case VK_DURATION:
        if (parse_duration(s, &ns) != 0)
            return -SIM_EBADVAL;
        *out = (double)ns / 1e9;
        return 0;
    case VK_SIZE:
        if (parse_size(s, &b) != 0)
            return -SIM_EBADVAL;
        *out = (double)b;
        return 0;
    case VK_TEXT:
        break;
    }
    return -SIM_EBADVAL;
}

/* The kind every item of a list has: a number, then a duration, then a
 * size (a bare number is all three; "5m" is a duration, "5MB" a size). */
static enum vkind
list_kind(char **items, size_t n)
{
    for (int k = VK_NUMBER; k < VK_TEXT; k++) {
        size_t i = 0;
        double x;
        while (i < n && value_num((enum vkind)k, items[i], &x) == 0)
            i++;
        if (i == n)
            return (enum vkind)k;
    }
    return VK_TEXT;
}

static int vary_err(struct sim_err *err, const struct vary *v, const char *fmt,
                    ...) __attribute__((format(printf, 3, 4)));

/* An input error in a --vary: file "--vary", field its path. */
static int
vary_err(struct sim_err *err, const struct vary *v, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, v->path, "%s", msg);
}

/* A comma list: each item taken as written. */
static int
parse_list(struct vary *v, struct sim_err *err)
{
    char *copy = xstrdup(v->spec);
    char **items = NULL;
    size_t n = 0;
    int code = 0;
    for (char *p = copy, *next; p && code == 0; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (*p == '\0')
            code = vary_err(err, v, "empty value in \"%s\"", v->spec);
        for (size_t i = 0; code == 0 && i < n; i++)
            if (strcmp(items[i], p) == 0)
                code = vary_err(err, v, "\"%s\" is listed twice", p);
        if (code == 0 && n >= VARY_MAX_VALUES)
            code = vary_err(err, v, "more than %d values", VARY_MAX_VALUES);
        if (code == 0) {
            items = xrealloc(items, (n + 1) * sizeof *items);
            items[n++] = p;
        }
    }
    if (code == 0) {
        enum vkind k = list_kind(items, n);
        v->kind = vkind_name[k];
        for (size_t i = 0; i < n; i++) {
            double x = NAN;
            if (k != VK_TEXT)
                value_num(k, items[i], &x);
            vary_add(v, xstrdup(items[i]), x);
        }
        if (k == VK_TEXT) {
            free(v->nums);
            v->nums = NULL;
        }
    }
    free(items);
    free(copy);
    return code;
}

/* The unit part of "1.5GiB" ("GiB"), or "" for a bare number. */
static const char *
unit_of(const char *s)
{
    while ((*s >= '0' && *s <= '9') || *s == '.')
        s++;
    return s;
}

/* The units of one family, smallest first: binary or decimal sizes, or
 * durations. */
static const char *const size_bin_units[] = {"KiB", "MiB", "GiB", "TiB", NULL};
static const char *const size_dec_units[] = {"KB", "MB", "GB", "TB", NULL};
static const char *const duration_units[] = {"ns", "us", "ms", "s",
                                             "m",  "h",  "d",  NULL};

/* Text for v base units (bytes or ns) in unit with up to 3 decimals that
 * parses back to exactly v, or NULL. */
static char *
exact_in(enum vkind k, uint64_t v, const char *unit)
{
    char one[32];
    snprintf(one, sizeof one, "1%s", unit);
    uint64_t m = 0;
    int64_t m_ns = 0;
    if (k == VK_SIZE ? parse_size(one, &m) != 0
                     : parse_duration(one, &m_ns) != 0)
        return NULL;
    double mult = k == VK_SIZE ? (double)m : (double)m_ns;
    if ((double)v < mult)
        return NULL;
    for (int decimals = 0; decimals <= 3; decimals++) {
        char *t = xasprintf("%.*f%s", decimals, (double)v / mult, unit);
        uint64_t back = 0;
        int64_t back_ns = 0;
        int ok = k == VK_SIZE ? parse_size(t, &back) == 0 && back == v
                              : parse_duration(t, &back_ns) == 0 &&
                                    (uint64_t)back_ns == v;
        if (ok)
            return t;
        free(t);
    }
    return NULL;
}

/*
 * Writes v base units (bytes or ns) the way a person would: in the
 * largest unit of the range start's family, from the start's own unit up,
 * that says it exactly ("1GiB" for 1024MiB, "2.25GiB", "90s" as "1.5m"),
 * else in the base unit. The text always parses back to v, so the run sees
 * exactly the value recorded.
 */
static char *
format_in_unit(enum vkind k, uint64_t v, const char *unit)
{
    const char *const *family = NULL;
    if (k == VK_DURATION)
        family = duration_units;
    else if (strstr(unit, "i"))
        family = size_bin_units;
    else if (*unit)
        family = size_dec_units;
    size_t from = 0, n = 0;
    while (family && family[n]) {
        if (strcmp(family[n], unit) == 0)
            from = n;
        n++;
    }
    for (size_t i = n; family && i-- > from;) {
        char *t = exact_in(k, v, family[i]);
        if (t)
            return t;
    }
    return k == VK_SIZE ? xasprintf("%llu", (unsigned long long)v)
                        : xasprintf("%lluns", (unsigned long long)v);
}

/* A copy of the first n bytes of s; caller frees. */
static char *
dup_n(const char *s, size_t n)
{
    char *t = xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

/* A range A..B*F or A..B+S. */
static int
parse_range(struct vary *v, const char *dots, struct sim_err *err)
{
    const char *rest = dots + 2;
    const char *op = strrchr(rest, '*');
    const char *plus = strrchr(rest, '+');
    if (plus && (!op || plus > op))
        op = plus;
    if (op == NULL)
        return vary_err(err, v,
                        "a range needs a step: A..B*F multiplies by F, "
                        "A..B+S adds S; got \"%s\"",
                        v->spec);
    char *a = dup_n(v->spec, (size_t)(dots - v->spec));
    char *b = dup_n(rest, (size_t)(op - rest));
    const char *step = op + 1;
    int geometric = *op == '*';
    int code = 0;
    enum vkind k = VK_TEXT;
    char *ab[2] = {a, b};
    if (*a == '\0' || *b == '\0' || *step == '\0') {
        code = vary_err(err, v, "a range is A..B*F or A..B+S, got \"%s\"",
                        v->spec);
        goto out;
    }
    k = list_kind(ab, 2);
    if (k == VK_TEXT) {
        code = vary_err(err, v,
                        "range ends \"%s\" and \"%s\" are not both sizes, "
                        "durations or numbers",
                        a, b);
        goto out;
    }
    v->kind = vkind_name[k];
    /* The step: a factor > 1, or an increment of the ends' kind > 0. */
    double fa, fb, fs;
    value_num(k, a, &fa);
    value_num(k, b, &fb);
    if (geometric ? parse_double(step, &fs) != 0 || !(fs > 1)
                  : value_num(k, step, &fs) != 0 || !(fs > 0)) {
        code =
            vary_err(err, v,
                     geometric ? "the factor after '*' must be a number "
                                 "above 1, got \"%s\""
                               : "the step after '+' must be a %s above "
                                 "0, got \"%s\"",
                     geometric ? step : vkind_name[k], geometric ? "" : step);
        goto out;
    }
    if (fb < fa) {
        code = vary_err(err, v,
                        "the range ends below its start (\"%s\" < "
                        "\"%s\")",
                        b, a);
        goto out;
    }
    if (geometric && !(fa > 0)) {
        code = vary_err(err, v,
                        "a multiplying range must start above 0, "
                        "got \"%s\"",
                        a);
        goto out;
    }
    /* Sizes and durations step in whole bytes and nanoseconds, from the
     * exact start; numbers step in doubles and are written with 15
     * digits, which is what --set then reads. */
    uint64_t a_int = 0, s_int = 0;
    if (k == VK_SIZE) {
        parse_size(a, &a_int);
        if (!geometric)
            parse_size(step, &s_int);
    } else if (k == VK_DURATION) {
        int64_t ns;
        parse_duration(a, &ns);
        a_int = (uint64_t)ns;
        if (!geometric) {
            parse_duration(step, &ns);
            s_int = (uint64_t)ns;
        }
    }
    double hi = fb * (1 + 1e-9);
    for (size_t i = 0; code == 0; i++) {
        double x = geometric ? fa * pow(fs, (double)i) : fa + (double)i * fs;
        if (x > hi)
            break;
        if (i >= VARY_MAX_VALUES) {
            code = vary_err(err, v, "\"%s\" gives more than %d values", v->spec,
                            VARY_MAX_VALUES);
            break;
        }
        char *text;
        if (k == VK_NUMBER) {
            text = xasprintf("%.15g", x);
        } else {
            double base = geometric ? (double)a_int * pow(fs, (double)i)
                                    : (double)a_int + (double)i * (double)s_int;
            if (base >= 1.8e19) {
                code = vary_err(err, v, "\"%s\" overflows", v->spec);
                break;
            }
            text = format_in_unit(k, (uint64_t)llround(base), unit_of(a));
        }
        /* Equal neighbours (a factor close to 1 on a small start) would
         * run the same point twice. */
        if (v->n > 0 && strcmp(v->values[v->n - 1], text) == 0) {
            free(text);
            continue;
        }
        double num;
        value_num(k, text, &num);
        vary_add(v, text, num);
    }
out:
    free(b);
    free(a);
    return code;
}

/* Parses "PATH=VALUES" (checked for '=' by parse_args) into v. */
static int
parse_vary(const char *arg, struct vary *v, struct sim_err *err)
{
    memset(v, 0, sizeof *v);
    const char *eq = strchr(arg, '=');
    v->path = dup_n(arg, (size_t)(eq - arg));
    v->spec = eq + 1;
    const char *dots = strstr(v->spec, "..");
    int code = dots ? parse_range(v, dots, err) : parse_list(v, err);
    if (code == 0 && v->n == 0)
        code = vary_err(err, v, "\"%s\" gives no values", v->spec);
    return code;
}

/* ---- The sweep ------------------------------------------------------------
 */

struct sweep {
    const struct sweep_args *a;
    struct vary *vary; /* [n_vary] */
    size_t n_vary;
    struct met_sweep_vary *mv; /* the same, as the database sees them */
    struct met_sweep ms;
    char *user_overrides; /* the user's --set arguments joined */
    uint64_t n_points;
    int64_t id;
    unsigned char *is_done; /* [n_points] */
};

static void
sweep_fini(struct sweep *s)
{
    for (size_t j = 0; j < s->n_vary; j++)
        vary_fini(&s->vary[j]);
    free(s->vary);
    free(s->mv);
    free(s->user_overrides);
    free(s->is_done);
}

/* The overrides of point p: the user's, then one per --vary. The texts
 * of the point's own (from texts[0]) are owned by the caller, as is the
 * array; free with free_point_sets. */
static struct cfg_override *
point_sets(const struct sweep *s, uint64_t p, char ***texts)
{
    size_t n_user = s->a->sets.n;
    struct cfg_override *sets = xcalloc(n_user + s->n_vary + 1, sizeof *sets);
    *texts = xcalloc(s->n_vary + 1, sizeof **texts);
    for (size_t i = 0; i < n_user; i++)
        sets[i] = s->a->sets.v[i];
    for (size_t j = 0; j < s->n_vary; j++) {
        size_t k = met_sweep_value(&s->ms, p, j);
        (*texts)[j] = xasprintf("%s=%s", s->vary[j].path, s->vary[j].values[k]);
        sets[n_user + j].text = (*texts)[j];
    }
    return sets;
}

static void
free_point_sets(const struct sweep *s, struct cfg_override *sets, char **texts)
{
    for (size_t j = 0; j < s->n_vary; j++)
        free(texts[j]);
    free(texts);
    free(sets);
}

/* Loads the configuration with the user's --set arguments and, for each
 * --vary k with idx[k] != NO_VALUE, its value idx[k]; builds the CDN and
 * runs nothing. */
#define NO_VALUE ((size_t)-1)

static int
check_sets(const struct sweep *s, const size_t *idx, uint64_t *seed,
           struct sim_err *err)
{
    size_t n_user = s->a->sets.n, n = n_user;
    struct cfg_override *sets = xcalloc(n_user + s->n_vary + 1, sizeof *sets);
    char **texts = xcalloc(s->n_vary + 1, sizeof *texts);
    for (size_t i = 0; i < n_user; i++)
        sets[i] = s->a->sets.v[i];
    for (size_t k = 0; k < s->n_vary; k++) {
        if (idx[k] == NO_VALUE)
            continue;
        texts[k] =
            xasprintf("%s=%s", s->vary[k].path, s->vary[k].values[idx[k]]);
        sets[n++].text = texts[k];
    }
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct cdn *c = NULL;
    int code = cfg_load(s->a->topo, s->a->workload, sets, n, &t, &w, err);
    if (code == 0 && (c = cdn_new(t, w, err)) == NULL)
        code = err->code;
    if (code == 0 && seed)
        *seed = w->seed;
    cdn_free(c);
    cfg_workload_free(w);
    cfg_topology_free(t);
    for (size_t k = 0; k < s->n_vary; k++)
        free(texts[k]);
    free(texts);
    free(sets);
    return code;
}

/* An override error caused by --vary k: it names --vary and the path as
 * the user wrote it. */
static void
blame_vary(const struct sweep *s, size_t k, struct sim_err *err)
{
    if (strcmp(err->file, "--set") != 0)
        return;
    snprintf(err->file, sizeof err->file, "--vary");
    snprintf(err->field, sizeof err->field, "%s", s->vary[k].path);
}

/*
 * Checks every value of every --vary once, the others at their first
 * value: the sum of the value counts rather than their product, which
 * catches a bad path or value before anything runs. A combination that
 * only fails together is reported when its point runs. An override error
 * is put on the --vary that causes it: the first values are tried one
 * --vary at a time when all of them together fail.
 */
static int
check_values(const struct sweep *s, uint64_t *seed, struct sim_err *err)
{
    size_t *idx = xcalloc(s->n_vary + 1, sizeof *idx);
    int code = check_sets(s, idx, seed, err);
    if (code != 0 && strcmp(err->file, "--set") == 0) {
        struct sim_err e2 = {0};
        for (size_t k = 0; k < s->n_vary; k++)
            idx[k] = NO_VALUE;
        if (check_sets(s, idx, NULL, &e2) == 0) {
            for (size_t k = 0; k < s->n_vary; k++) {
                idx[k] = 0;
                int c2 = check_sets(s, idx, NULL, &e2);
                idx[k] = NO_VALUE;
                if (c2 != 0) {
                    *err = e2;
                    blame_vary(s, k, err);
                    code = c2;
                    break;
                }
            }
        }
    }
    for (size_t k = 0; k < s->n_vary; k++)
        idx[k] = 0;
    for (size_t j = 0; code == 0 && j < s->n_vary; j++) {
        for (size_t i = 1; code == 0 && i < s->vary[j].n; i++) {
            idx[j] = i;
            code = check_sets(s, idx, NULL, err);
            if (code != 0)
                blame_vary(s, j, err);
        }
        idx[j] = 0;
    }
    free(idx);
    return code;
}

/* Parses the --vary arguments; with check, also loads each value once
 * (check_values) to report bad input before anything runs. */
static int
sweep_init(struct sweep *s, const struct sweep_args *a, int check,
           struct sim_err *err)
{
    memset(s, 0, sizeof *s);
    s->a = a;
    s->vary = xcalloc(a->n_vary_args, sizeof *s->vary);
    s->mv = xcalloc(a->n_vary_args, sizeof *s->mv);
    int code = 0;
    for (size_t j = 0; code == 0 && j < a->n_vary_args; j++) {
        code = parse_vary(a->vary_args[j], &s->vary[j], err);
        s->n_vary++;
        for (size_t k = 0; code == 0 && k < j; k++)
            if (strcmp(s->vary[k].path, s->vary[j].path) == 0)
                code = vary_err(err, &s->vary[j], "varied twice");
    }
    if (code != 0)
        return code;
    s->n_points = 1;
    for (size_t j = 0; j < s->n_vary; j++) {
        if (s->n_points > SWEEP_MAX_POINTS / s->vary[j].n)
            return sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, NULL,
                               "the --vary values make more than %d "
                               "points",
                               SWEEP_MAX_POINTS);
        s->n_points *= s->vary[j].n;
        s->mv[j] = (struct met_sweep_vary){
            .path = s->vary[j].path,
            .spec = s->vary[j].spec,
            .kind = s->vary[j].kind,
            .values = (const char *const *)s->vary[j].values,
            .nums = s->vary[j].nums,
            .n_values = s->vary[j].n,
        };
    }
    s->user_overrides = cli_sets_join(a->sets.v, a->sets.n);
    s->ms = (struct met_sweep){
        .topology_path = a->topo,
        .workload_path = a->workload,
        .overrides = s->user_overrides,
        .vary = s->mv,
        .n_vary = s->n_vary,
    };
    s->is_done = xcalloc((size_t)s->n_points, 1);
    return check ? check_values(s, &s->ms.seed, err) : 0;
}

/* ---- Progress -------------------------------------------------------------
 */

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

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

/* Prints a point's error above the bar. */
static void
bar_error(struct bar *b, uint64_t p, const char *text)
{
    bar_clear(b);
    fprintf(stderr, "cdnsim: point %llu: %s\n", (unsigned long long)p, text);
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

/* ---- Running points -------------------------------------------------------
 */

/*
 * Runs point p as `cdnsim run` would and writes it to the database, or,
 * with image not NULL, into a database image for another process to write
 * (*image OUT, caller frees; *run_id is then 0). Returns 0 with *run_id
 * (OUT) set, -SIM_EINTR when stopped (nothing is written: the point stays
 * pending), or another code with err filled.
 */
static int
run_point(const struct sweep *s, uint64_t p, struct bar *bar, int64_t *run_id,
          void **image, size_t *image_len, struct sim_err *err)
{
    char **texts;
    struct cfg_override *sets = point_sets(s, p, &texts);
    size_t n_sets = s->a->sets.n + s->n_vary;
    struct cfg_topology *t = NULL;
    struct cfg_workload *w = NULL;
    struct cdn *c = NULL;
    struct met_run m;
    int have_run = 0;
    char *overrides = NULL;
    int code = cfg_load(s->a->topo, s->a->workload, sets, n_sets, &t, &w, err);
    if (code == 0 && (c = cdn_new(t, w, err)) == NULL)
        code = err->code;
    if (code != 0)
        goto out;
    struct cdn_run_opts opts = {
        .stop = &stop_requested,
        .progress = bar && bar->is_on ? point_progress : NULL,
        .progress_ctx = bar,
    };
    code = cdn_run(c, &opts, &m);
    have_run = 1;
    if (code != 0)
        goto out;
    overrides = cli_sets_join(sets, n_sets);
    m.overrides = overrides;
    if (image)
        code = met_run_image(&m, image, image_len, err);
    else
        code = met_write_db_point(&m, s->a->db, s->id, p, run_id, err);
out:
    if (have_run)
        met_run_fini(&m);
    free(overrides);
    cdn_free(c);
    cfg_workload_free(w);
    cfg_topology_free(t);
    free_point_sets(s, sets, texts);
    return code;
}

/* What happened to the pending points of this invocation. */
struct outcome {
    uint64_t done;
    uint64_t failed;
    int is_interrupted;
    int worst; /* exit status of the worst failure */
};

static void
note_result(struct outcome *o, struct bar *b, uint64_t p, int code,
            const char *text)
{
    if (code == 0) {
        o->done++;
        b->done_now++;
    } else if (code == -SIM_EINTR) {
        o->is_interrupted = 1;
    } else {
        o->failed++;
        b->failed++;
        int st = cli_exit_for(code);
        if (st > o->worst)
            o->worst = st;
        bar_error(b, p, text);
    }
}

static void
run_serial(const struct sweep *s, const uint64_t *pending, size_t n,
           struct bar *b, struct outcome *o)
{
    for (size_t i = 0; i < n && !stop_requested; i++) {
        struct sim_err err = {0};
        int64_t run_id = 0;
        b->running = 1;
        b->frac = 0;
        bar_draw(b, 1);
        int code = run_point(s, pending[i], b, &run_id, NULL, NULL, &err);
        b->running = 0;
        b->frac = 0;
        char text[1024];
        sim_err_format(&err, text, sizeof text);
        note_result(o, b, pending[i], code, text);
        bar_draw(b, 1);
    }
    if (stop_requested)
        o->is_interrupted = 1;
}

/* A worker's answer for one point; well under PIPE_BUF, so one write. */
struct point_msg {
    uint64_t point;
    int64_t run_id;
    int32_t code;
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

/* A forked worker: runs the points the parent sends until it closes the
 * pipe, answering each. */
static void
worker_loop(const struct sweep *s, int in, int out)
{
    uint64_t p;
    while (!stop_requested && read_full(in, &p, sizeof p) == 0) {
        struct point_msg m;
        memset(&m, 0, sizeof m);
        struct sim_err err = {0};
        m.point = p;
        m.code = run_point(s, p, NULL, &m.run_id, NULL, NULL, &err);
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

/* Sends the next pending point to w, or closes its pipe when none is
 * left (the worker then exits). */
static void
dispatch(struct worker *w, const uint64_t *pending, size_t n, size_t *next)
{
    if (!stop_requested && *next < n) {
        uint64_t p = pending[*next];
        if (write_full(w->to, &p, sizeof p) == 0) {
            (*next)++;
            w->point = (int64_t)p;
            return;
        }
    }
    close(w->to);
    w->to = -1;
    w->point = -1;
}

/*
 * Runs the pending points on n_workers forked workers. Returns 1 in a
 * worker once its work is done (the caller then cleans up and exits), 0
 * in the parent.
 */
static int
run_parallel(const struct sweep *s, const uint64_t *pending, size_t n,
             unsigned n_workers, struct bar *b, struct outcome *o)
{
    struct worker *ws = xcalloc(n_workers, sizeof *ws);
    unsigned started = 0;
    for (unsigned i = 0; i < n_workers; i++)
        ws[i].to = ws[i].from = -1;
    fflush(NULL);
    for (unsigned i = 0; i < n_workers; i++) {
        int to[2], from[2];
        if (pipe(to) != 0)
            break;
        if (pipe(from) != 0) {
            close(to[0]);
            close(to[1]);
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(to[0]), close(to[1]), close(from[0]), close(from[1]);
            break;
        }
        if (pid == 0) {
            for (unsigned k = 0; k < i; k++) {
                if (ws[k].to >= 0)
                    close(ws[k].to);
                close(ws[k].from);
            }
            close(to[1]);
            close(from[0]);
            free(ws);
            worker_loop(s, to[0], from[1]);
            close(to[0]);
            close(from[1]);
            return 1;
        }
        close(to[0]);
        close(from[1]);
        ws[i] = (struct worker){
            .pid = pid, .to = to[1], .from = from[0], .point = -1};
        started++;
    }
    if (started == 0) {
        /* No process to fork: run here rather than not at all. */
        bar_error(b, pending[0],
                  "cannot start worker processes; running "
                  "the points one at a time");
        free(ws);
        run_serial(s, pending, n, b, o);
        return 0;
    }
    size_t next = 0;
    for (unsigned i = 0; i < started; i++) {
        dispatch(&ws[i], pending, n, &next);
        b->running += ws[i].point >= 0;
    }
    bar_draw(b, 1);
    struct pollfd *fds = xcalloc(started, sizeof *fds);
    int forwarded = 0;
    unsigned alive = started;
    while (alive > 0) {
        if (stop_requested && !forwarded) {
            /* A Ctrl-C reaches the workers by itself; a signal sent to
             * this process alone is passed on. */
            for (unsigned i = 0; i < started; i++)
                if (ws[i].from >= 0)
                    kill(ws[i].pid, SIGTERM);
            forwarded = 1;
        }
        for (unsigned i = 0; i < started; i++) {
            fds[i].fd = ws[i].from;
            fds[i].events = POLLIN;
            fds[i].revents = 0;
        }
        int k = poll(fds, started, 250);
        if (k < 0 && errno != EINTR)
            break;
        for (unsigned i = 0; k > 0 && i < started; i++) {
            struct worker *w = &ws[i];
            if (w->from < 0 || fds[i].revents == 0)
                continue;
            struct point_msg m;
            if (read_full(w->from, &m, sizeof m) != 0) {
                /* The worker is gone: its point, if any, failed. */
                if (w->point >= 0) {
                    note_result(o, b, (uint64_t)w->point,
                                stop_requested ? -SIM_EINTR : -SIM_EINTERNAL,
                                "the worker process ended unexpectedly");
                    b->running--;
                }
                if (w->to >= 0)
                    close(w->to);
                close(w->from);
                w->to = w->from = -1;
                w->point = -1;
                alive--;
                continue;
            }
            m.text[sizeof m.text - 1] = '\0';
            note_result(o, b, m.point, m.code, m.text);
            b->running--;
            dispatch(w, pending, n, &next);
            b->running += w->point >= 0;
        }
        bar_draw(b, 0);
    }
    for (unsigned i = 0; i < started; i++) {
        if (ws[i].to >= 0)
            close(ws[i].to);
        if (ws[i].from >= 0)
            close(ws[i].from);
        while (waitpid(ws[i].pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (stop_requested || next < n)
        o->is_interrupted = 1;
    free(fds);
    free(ws);
    return 0;
}

/* ---- MPI ----------------------------------------------------------------
 *
 * Built with `make MPI=1` (CDNSIM_MPI) and started by mpirun with more
 * than one rank, a sweep spreads its points over the ranks. Rank 0 does
 * what the parent does without MPI (checks, records the sweep, schedules,
 * shows progress) and is the only process that writes the database: each
 * other rank runs the points rank 0 sends it, one at a time, and sends
 * back the run as a database image (met_run_image), which rank 0 appends
 * (met_write_db_point_image), so the rows are those a local run writes.
 * Rank 0 runs no points itself: start one rank more than the cores to use.
 */
#ifdef CDNSIM_MPI
#include <limits.h>
#include <mpi.h>

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

static void
mpi_tell(int64_t sweep_id)
{
    struct mpi_go go = {.sweep_id = sweep_id};
    MPI_Bcast(&go, (int)sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD);
}

/* Rank 0: hands the pending points out and appends what comes back. */
static void
mpi_coordinate(const struct sweep *s, const uint64_t *pending, size_t n,
               int n_ranks, struct bar *b, struct outcome *o)
{
    size_t next = 0;
    int busy = 0;
    for (int r = 1; r < n_ranks; r++) {
        if (next < n) {
            MPI_Send(&pending[next++], 1, MPI_UINT64_T, r, TAG_POINT,
                     MPI_COMM_WORLD);
            busy++;
        } else {
            MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
        }
    }
    b->running = (unsigned)busy;
    bar_draw(b, 1);
    while (busy > 0) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (!flag) {
            /* Polled rather than blocked on, so that the progress bar and
             * a stop request are seen while every rank is busy. */
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
            bar_draw(b, 0);
            continue;
        }
        int len = 0;
        MPI_Get_count(&st, MPI_BYTE, &len);
        char *msg = xmalloc(len > 0 ? (size_t)len : 1);
        MPI_Recv(msg, len, MPI_BYTE, st.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
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
                                            (size_t)h.image_len, s->a->db,
                                            s->id, h.point, &run_id, &err);
            if (code != 0)
                sim_err_format(&err, text, sizeof text);
        }
        free(msg);
        note_result(o, b, h.point, code, text);
        if (!stop_requested && next < n) {
            MPI_Send(&pending[next++], 1, MPI_UINT64_T, st.MPI_SOURCE,
                     TAG_POINT, MPI_COMM_WORLD);
        } else {
            MPI_Send(NULL, 0, MPI_BYTE, st.MPI_SOURCE, TAG_STOP,
                     MPI_COMM_WORLD);
            busy--;
            b->running--;
        }
        bar_draw(b, 0);
    }
    if (stop_requested || next < n)
        o->is_interrupted = 1;
}

/* A rank other than 0: runs points until told to stop. */
static int
mpi_serve(int argc, char **argv)
{
    struct mpi_go go;
    MPI_Bcast(&go, (int)sizeof go, MPI_BYTE, 0, MPI_COMM_WORLD);
    if (go.sweep_id == 0)
        return EXIT_OK;
    struct sweep_args a = {0};
    struct sweep s;
    struct sim_err err = {0};
    memset(&s, 0, sizeof s);
    /* Rank 0 has parsed and checked the same arguments already. */
    if (parse_args(argc, argv, &a) >= 0 || sweep_init(&s, &a, 0, &err) != 0)
        MPI_Abort(MPI_COMM_WORLD, EXIT_BAD_INPUT);
    s.id = go.sweep_id;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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
        void *image = NULL;
        size_t image_len = 0;
        int64_t run_id = 0;
        sim_err_clear(&err);
        struct mpi_head h = {.point = p};
        h.code = run_point(&s, p, NULL, &run_id, &image, &image_len, &err);
        char text[1024] = "";
        if (h.code != 0)
            sim_err_format(&err, text, sizeof text);
        if (h.code == 0 && image_len > (size_t)INT_MAX - sizeof h) {
            h.code = -SIM_EINTERNAL;
            snprintf(text, sizeof text,
                     "the run's %zu bytes are too many "
                     "to send in one MPI message",
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
    sweep_fini(&s);
    args_fini(&a);
    return EXIT_OK;
}
#endif

static long
default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

static void
print_dry_run(const struct sweep *s)
{
    printf("%llu points of %s x %s:\n", (unsigned long long)s->n_points,
           s->a->topo, s->a->workload);
    for (uint64_t p = 0; p < s->n_points; p++) {
        char *params = met_sweep_params(&s->ms, p);
        printf("%5llu  %s\n", (unsigned long long)p, params);
        free(params);
    }
}

/* The sweep of parsed arguments: everything but MPI's start and end. */
static int
sweep_main(struct sweep_args *a, int n_ranks, int *is_worker,
           int64_t *announced)
{
    struct sweep s;
    struct sim_err err = {0};
    uint64_t *pending = NULL;
    int status = EXIT_OK;
    int code = sweep_init(&s, a, 1, &err);
    if (code != 0) {
        cli_print_err(&err);
        status = cli_exit_for(code);
        goto out;
    }
    if (a->dry_run) {
        print_dry_run(&s);
        goto out;
    }
    code = met_sweep_begin(a->db, &s.ms, &s.id, s.is_done, &err);
    if (code != 0) {
        cli_print_err(&err);
        status = EXIT_RUN_FAILED;
        goto out;
    }
    *announced = s.id;

    pending = xcalloc((size_t)s.n_points, sizeof *pending);
    size_t n_pending = 0;
    for (uint64_t p = 0; p < s.n_points; p++)
        if (!s.is_done[p])
            pending[n_pending++] = p;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct bar bar = {.is_on = isatty(STDERR_FILENO),
                      .total = s.n_points,
                      .done_before = s.n_points - n_pending};
    clock_gettime(CLOCK_MONOTONIC, &bar.t0);
    struct outcome o = {0};
    long jobs = a->jobs ? a->jobs : default_jobs();
    if (n_ranks > 1) {
#ifdef CDNSIM_MPI
        mpi_tell(s.id);
        mpi_coordinate(&s, pending, n_pending, n_ranks, &bar, &o);
#endif
    } else if (n_pending > 0 && (jobs == 1 || n_pending == 1)) {
        run_serial(&s, pending, n_pending, &bar, &o);
    } else if (n_pending > 0) {
        unsigned n_workers =
            (unsigned)((size_t)jobs < n_pending ? (size_t)jobs : n_pending);
        *is_worker = run_parallel(&s, pending, n_pending, n_workers, &bar, &o);
        if (*is_worker)
            goto out;
    }
    bar_clear(&bar);

    if (!a->quiet) {
        printf("sweep %lld: %llu points: %llu run now, %llu already "
               "complete",
               (long long)s.id, (unsigned long long)s.n_points,
               (unsigned long long)o.done, (unsigned long long)bar.done_before);
        if (o.failed)
            printf(", %llu failed", (unsigned long long)o.failed);
        printf("; results in %s\n\n", a->db);
        fflush(stdout);
        if (rep_print_sweep(a->db, s.id, stdout, &err) != 0) {
            cli_print_err(&err);
            status = EXIT_RUN_FAILED;
        }
        printf("\nplots and a report: cdnsim report %s --sweep %lld --out "
               "DIR\n",
               a->db, (long long)s.id);
    }
    if (o.is_interrupted) {
        fprintf(stderr,
                "cdnsim: interrupted: %llu of %llu points complete; "
                "run the same command again to resume\n",
                (unsigned long long)(bar.done_before + o.done),
                (unsigned long long)s.n_points);
        status = EXIT_RUN_FAILED;
    } else if (o.failed) {
        fprintf(stderr, "cdnsim: %llu of %llu points failed\n",
                (unsigned long long)o.failed, (unsigned long long)s.n_points);
        status = EXIT_RUN_FAILED;
    }
out:
    free(pending);
    sweep_fini(&s);
    return status;
}

int
cmd_sweep(int argc, char **argv)
{
    int n_ranks = 1;
#ifdef CDNSIM_MPI
    int rank = 0;
    if (mpi_launched()) {
        MPI_Init(NULL, NULL);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
        if (n_ranks == 1) {
            /* A single rank is an ordinary sweep, forks included. */
            MPI_Finalize();
        } else if (rank > 0) {
            int st = mpi_serve(argc, argv);
            MPI_Finalize();
            return st;
        }
    }
#endif
    struct sweep_args a = {0};
    int is_worker = 0;
    int64_t announced = 0;
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        status = sweep_main(&a, n_ranks, &is_worker, &announced);
    args_fini(&a);
#ifdef CDNSIM_MPI
    if (n_ranks > 1) {
        /* The other ranks wait to hear whether there is work. */
        if (announced == 0)
            mpi_tell(0);
        MPI_Finalize();
    }
#endif
    return is_worker ? EXIT_OK : status;
}
