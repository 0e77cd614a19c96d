/* plan.c: the --vary language: "PATH=VALUES" -> the texts each point
 * passes to --set, and the numbers they stand for.
 *
 * Every value is kept as the text passed to --set, and its number is what
 * that text parses to, so the database records exactly what the run saw.
 * Ranges of whole numbers, sizes and durations are stepped in exact
 * integer arithmetic (a double cannot hold every seed or byte count);
 * only a range with a fractional number or factor steps in doubles.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

enum vkind { VK_NUMBER, VK_DURATION, VK_SIZE, VK_TEXT };

static const char *const vkind_name[] = {"number", "duration", "size", "text"};

void
run_vary_fini(struct run_vary *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->values[i]);
    free(v->values);
    free(v->nums);
    free(v->path);
    free(v->spec);
    for (size_t i = 0; i < v->n_paths; i++)
        free(v->paths[i]);
    free(v->paths);
    memset(v, 0, sizeof *v);
}

/* The option a --vary was given with, for messages. */
static const char *
vary_option(const struct run_vary *v)
{
    return v->is_with ? "--vary-with" : "--vary";
}

static int vary_err(struct sim_err *err, const struct run_vary *v,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A malformed --vary (its own text: the list, the range, the plan), a
 * usage error: file "--vary", field its path. Whether the field takes
 * the values is checked when they are loaded (an input error). */
static int
vary_err(struct sim_err *err, const struct run_vary *v, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_err_set(err, -SIM_EUSAGE, vary_option(v), 0, 0, v->path, "%s",
                       msg);
}

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

/*
 * Appends text (taken) as the next value, unless it equals the last one
 * (a factor close to 1 on a small start would run the same point twice).
 */
static int
add_value(struct run_vary *v, enum vkind k, char *text, struct sim_err *err)
{
    if (v->n > 0 && strcmp(v->values[v->n - 1], text) == 0) {
        free(text);
        return 0;
    }
    if (v->n >= RUN_VARY_MAX_VALUES) {
        free(text);
        return vary_err(err, v, "\"%s\" gives more than %d values", v->spec,
                        RUN_VARY_MAX_VALUES);
    }
    double num = NAN;
    if (k != VK_TEXT)
        value_num(k, text, &num);
    /* Both arrays grow alike, so one capacity serves both. */
    size_t cap = v->cap;
    v->values = xgrow(v->values, &cap, v->n + 1, sizeof *v->values, 16);
    v->nums = xgrow(v->nums, &v->cap, v->n + 1, sizeof *v->nums, 16);
    v->values[v->n] = text;
    v->nums[v->n] = num;
    v->n++;
    return 0;
}

/* Splits a comma list in place into items (caller frees the array);
 * refuses empty and repeated items. */
static int
split_list(struct run_vary *v, char *copy, char ***items, size_t *n,
           struct sim_err *err)
{
    *items = NULL;
    *n = 0;
    for (char *p = copy, *next; p; p = next) {
        next = strchr(p, ',');
        if (next)
            *next++ = '\0';
        if (*p == '\0')
            return vary_err(err, v, "empty value in \"%s\"", v->spec);
        for (size_t i = 0; i < *n; i++)
            if (strcmp((*items)[i], p) == 0)
                return vary_err(err, v, "\"%s\" is listed twice", p);
        if (*n >= RUN_VARY_MAX_VALUES)
            return vary_err(err, v, "more than %d values", RUN_VARY_MAX_VALUES);
        *items = xrealloc(*items, (*n + 1) * sizeof **items);
        (*items)[(*n)++] = p;
    }
    return 0;
}

/* A comma list: each item taken as written. */
static int
parse_list(struct run_vary *v, struct sim_err *err)
{
    char *copy = xstrdup(v->spec);
    char **items;
    size_t n;
    int code = split_list(v, copy, &items, &n, err);
    if (code == 0) {
        enum vkind k = list_kind(items, n);
        v->kind = vkind_name[k];
        for (size_t i = 0; code == 0 && i < n; i++)
            code = add_value(v, k, xstrdup(items[i]), err);
        if (k == VK_TEXT) {
            free(v->nums);
            v->nums = NULL;
        }
    }
    free(items);
    free(copy);
    return code;
}

/* ---- Writing a range's values ------------------------------------------ */

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

/* ---- Ranges ---------------------------------------------------------------
 *
 * Exact ranges work on "keys": unsigned integers in the order of the
 * values. Sizes and durations are their bytes and nanoseconds; whole
 * numbers are themselves, or, when a range has a negative end, offset by
 * 2^63 so that order and differences survive.
 */

#define KEY_BIAS ((uint64_t)1 << 63)

struct range {
    enum vkind k;
    int geometric;    /* A..B*F rather than A..B+S */
    char *a, *b;      /* the ends as written, owned */
    const char *step; /* F or S as written */
    double fa, fb, fs;
    int is_exact;        /* keys below are valid */
    int is_biased;       /* number keys are offset by KEY_BIAS */
    uint64_t ka, kb, ks; /* start, end and step (or factor) as keys */
};

/* A whole number as written: an optional '-' and digits only. */
static int
whole_number(const char *s, int *is_neg, uint64_t *magnitude)
{
    *is_neg = *s == '-';
    s += *is_neg;
    if (*s < '0' || *s > '9')
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    *magnitude = strtoull(s, &end, 10);
    return errno == 0 && *end == '\0' ? 0 : -1;
}

/* Sets the keys of a range of whole numbers, if its ends and step are
 * whole numbers that fit. */
static void
number_keys(struct range *r)
{
    int neg[3];
    uint64_t mag[3];
    const char *texts[3] = {r->a, r->b, r->step};
    for (int i = 0; i < 3; i++)
        if (whole_number(texts[i], &neg[i], &mag[i]) != 0)
            return;
    r->is_biased = neg[0] || neg[1];
    if (r->is_biased) {
        for (int i = 0; i < 2; i++) {
            if (neg[i] ? mag[i] > KEY_BIAS : mag[i] >= KEY_BIAS)
                return;
        }
        r->ka = neg[0] ? KEY_BIAS - mag[0] : KEY_BIAS + mag[0];
        r->kb = neg[1] ? KEY_BIAS - mag[1] : KEY_BIAS + mag[1];
    } else {
        r->ka = mag[0];
        r->kb = mag[1];
    }
    if (neg[2] || (r->geometric && r->is_biased))
        return;
    r->ks = mag[2];
    r->is_exact = 1;
}

/* Sets the keys of a range of sizes or durations: the bytes or
 * nanoseconds of its ends, and of its step (a factor must be whole). */
static void
unit_keys(struct range *r)
{
    int64_t ns;
    if (r->k == VK_SIZE) {
        parse_size(r->a, &r->ka);
        parse_size(r->b, &r->kb);
    } else {
        parse_duration(r->a, &ns);
        r->ka = (uint64_t)ns;
        parse_duration(r->b, &ns);
        r->kb = (uint64_t)ns;
    }
    int neg;
    if (r->geometric) {
        r->is_exact = whole_number(r->step, &neg, &r->ks) == 0 && !neg;
    } else if (r->k == VK_SIZE) {
        r->is_exact = parse_size(r->step, &r->ks) == 0;
    } else {
        r->is_exact = parse_duration(r->step, &ns) == 0;
        r->ks = (uint64_t)ns;
    }
}

/* The text --set gets for key x. */
static char *
key_text(const struct range *r, uint64_t x)
{
    if (r->k != VK_NUMBER)
        return format_in_unit(r->k, x, unit_of(r->a));
    if (!r->is_biased)
        return xasprintf("%llu", (unsigned long long)x);
    if (x >= KEY_BIAS)
        return xasprintf("%llu", (unsigned long long)(x - KEY_BIAS));
    return xasprintf("-%llu", (unsigned long long)(KEY_BIAS - x));
}

/* A range stepped exactly: A, A+S, ... or A, A*F, ... up to B. */
static int
range_exact(struct run_vary *v, const struct range *r, struct sim_err *err)
{
    uint64_t x = r->ka;
    int code = 0;
    if (r->ka > r->kb) /* ends that a double cannot tell apart */
        return vary_err(err, v,
                        "the range ends below its start (\"%s\" < "
                        "\"%s\")",
                        r->b, r->a);
    for (;;) {
        code = add_value(v, r->k, key_text(r, x), err);
        if (code != 0)
            break;
        if (r->geometric ? x > r->kb / r->ks : r->kb - x < r->ks)
            break; /* the next value would pass B */
        x = r->geometric ? x * r->ks : x + r->ks;
    }
    return code;
}

/* base (>= 0, < 2^64) rounded to whole bytes or nanoseconds. llround
 * cannot hold 2^63 and above, where doubles are whole numbers anyway. */
static uint64_t
whole_units(double base)
{
    return base < 9.2e18 ? (uint64_t)llround(base) : (uint64_t)base;
}

/*
 * A range with a fractional number or factor, in doubles. Adding, the
 * count of steps is what fits in B - A with a little slack for rounding
 * (0.1..0.3+0.1 has 3 values); multiplying, a value may pass B by a
 * billionth. Numbers are written with 15 digits, which --set reads.
 */
static int
range_double(struct run_vary *v, const struct range *r, struct sim_err *err)
{
    double n_steps =
        r->geometric ? HUGE_VAL : floor((r->fb - r->fa) / r->fs + 1e-9);
    if (!r->geometric && n_steps >= RUN_VARY_MAX_VALUES)
        return vary_err(err, v, "\"%s\" gives more than %d values", v->spec,
                        RUN_VARY_MAX_VALUES);
    double hi = r->fb * (1 + 1e-9);
    for (size_t i = 0;; i++) {
        double x = r->geometric ? r->fa * pow(r->fs, (double)i)
                                : r->fa + (double)i * r->fs;
        if (r->geometric ? x > hi : (double)i > n_steps)
            break;
        char *text;
        if (r->k == VK_NUMBER) {
            text = xasprintf("%.15g", x);
        } else {
            /* Only a fractional factor gets here. */
            double base = (double)r->ka * pow(r->fs, (double)i);
            if (base >= 1.8e19)
                return vary_err(err, v, "\"%s\" overflows", v->spec);
            text = format_in_unit(r->k, whole_units(base), unit_of(r->a));
        }
        int code = add_value(v, r->k, text, err);
        if (code != 0)
            return code;
    }
    return 0;
}

/* Checks the step and the ends' order; fills fa, fb, fs. */
static int
range_check(struct run_vary *v, struct range *r, struct sim_err *err)
{
    value_num(r->k, r->a, &r->fa);
    value_num(r->k, r->b, &r->fb);
    if (r->geometric && (parse_double(r->step, &r->fs) != 0 || !(r->fs > 1)))
        return vary_err(err, v,
                        "the factor after '*' must be a number above 1, "
                        "got \"%s\"",
                        r->step);
    if (!r->geometric &&
        (value_num(r->k, r->step, &r->fs) != 0 || !(r->fs > 0)))
        return vary_err(err, v,
                        "the step after '+' must be a %s above 0, got \"%s\"",
                        vkind_name[r->k], r->step);
    if (r->fb < r->fa)
        return vary_err(err, v,
                        "the range ends below its start (\"%s\" < "
                        "\"%s\")",
                        r->b, r->a);
    if (r->geometric && !(r->fa > 0))
        return vary_err(
            err, v, "a multiplying range must start above 0, got \"%s\"", r->a);
    return 0;
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

/* Splits "A..B*F" or "A..B+S" (dots at "..") into r and checks it. */
static int
range_parse(struct run_vary *v, const char *dots, struct range *r,
            struct sim_err *err)
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
    r->a = dup_n(v->spec, (size_t)(dots - v->spec));
    r->b = dup_n(rest, (size_t)(op - rest));
    r->step = op + 1;
    r->geometric = *op == '*';
    if (*r->a == '\0' || *r->b == '\0' || *r->step == '\0')
        return vary_err(err, v, "a range is A..B*F or A..B+S, got \"%s\"",
                        v->spec);
    char *ab[2] = {r->a, r->b};
    r->k = list_kind(ab, 2);
    if (r->k == VK_TEXT)
        return vary_err(err, v,
                        "range ends \"%s\" and \"%s\" are not both sizes, "
                        "durations or numbers",
                        r->a, r->b);
    v->kind = vkind_name[r->k];
    return range_check(v, r, err);
}

/* A range A..B*F or A..B+S. */
static int
parse_range(struct run_vary *v, const char *dots, struct sim_err *err)
{
    struct range r;
    memset(&r, 0, sizeof r);
    int code = range_parse(v, dots, &r, err);
    if (code == 0) {
        if (r.k == VK_NUMBER)
            number_keys(&r);
        else
            unit_keys(&r);
        code = r.is_exact ? range_exact(v, &r, err) : range_double(v, &r, err);
    }
    free(r.a);
    free(r.b);
    return code;
}

/* ---- Wildcards ------------------------------------------------------------
 *
 * A wildcard may stand only for the names of nodes or regions: the
 * segment after "nodes" or "regions" (after "topology." too). Anywhere
 * else a *, ? or [ is taken as written.
 */

static int
is_glob(const char *seg, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (seg[i] == '*' || seg[i] == '?' || seg[i] == '[')
            return 1;
    return 0;
}

/*
 * Where the name segment of path starts and how long it is, and which
 * list it names (1 nodes, 2 regions); 0 when path addresses neither.
 */
static int
name_segment(const char *path, size_t *start, size_t *len)
{
    const char *p = path;
    if (strncmp(p, "topology.", 9) == 0)
        p += 9;
    int which = strncmp(p, "nodes.", 6) == 0     ? 1
                : strncmp(p, "regions.", 8) == 0 ? 2
                                                 : 0;
    if (which == 0)
        return 0;
    p += which == 1 ? 6 : 8;
    const char *dot = strchr(p, '.');
    *start = (size_t)(p - path);
    *len = dot ? (size_t)(dot - p) : strlen(p);
    return which;
}

/* Sets has_glob and, without a wildcard, the one path. */
static int
vary_glob(struct run_vary *v, struct sim_err *err)
{
    size_t start = 0, len = 0;
    v->has_glob = name_segment(v->path, &start, &len) != 0 &&
                  is_glob(v->path + start, len);
    if (!v->has_glob) {
        v->paths = xcalloc(1, sizeof *v->paths);
        v->paths[0] = xstrdup(v->path);
        v->n_paths = 1;
        return 0;
    }
    if (v->path[start + len] == '\0')
        return sim_err_set(err, -SIM_EUSAGE, vary_option(v), 0, 0, v->path,
                           "a wildcard stands for node or region names: "
                           "give the field after it, as in "
                           "nodes.edge-*.cache.capacity");
    return 0;
}

int
run_plan_has_glob(const struct run_plan *plan)
{
    for (size_t j = 0; j < plan->n_vary; j++)
        if (plan->vary[j].has_glob)
            return 1;
    return 0;
}

/* Sets v's paths to every match of its wildcard among names. */
static int
expand_one(struct run_vary *v, const struct run_names *names,
           struct sim_err *err)
{
    size_t start = 0, len = 0;
    int which = name_segment(v->path, &start, &len);
    const char *const *list = which == 1 ? names->nodes : names->regions;
    size_t n = which == 1 ? names->n_nodes : names->n_regions;
    char *pattern = dup_n(v->path + start, len);
    const char *rest = v->path + start + len;
    for (size_t i = 0; i < v->n_paths; i++)
        free(v->paths[i]);
    free(v->paths);
    v->paths = xcalloc(n + 1, sizeof *v->paths);
    v->n_paths = 0;
    for (size_t i = 0; i < n; i++)
        if (fnmatch(pattern, list[i], 0) == 0)
            v->paths[v->n_paths++] =
                xasprintf("%.*s%s%s", (int)start, v->path, list[i], rest);
    int code = 0;
    if (v->n_paths == 0) {
        struct strbuf known = {0};
        for (size_t i = 0; i < n && known.n < 200; i++)
            strbuf_printf(&known, "%s%s", i ? ", " : "", list[i]);
        code = sim_err_set(err, -SIM_EUSAGE, vary_option(v), 0, 0, v->path,
                           "\"%s\" matches no %s name (%ss: %s)", pattern,
                           which == 1 ? "node" : "region",
                           which == 1 ? "node" : "region",
                           known.n ? strbuf_str(&known) : "none");
        strbuf_fini(&known);
    }
    free(pattern);
    return code;
}

int
run_plan_expand(struct run_plan *plan, const struct run_names *names,
                struct sim_err *err)
{
    int code = 0;
    for (size_t j = 0; code == 0 && j < plan->n_vary; j++)
        if (plan->vary[j].has_glob)
            code = expand_one(&plan->vary[j], names, err);
    /* Two --vary on one field: the later would silently win. */
    for (size_t j = 0; code == 0 && j < plan->n_vary; j++) {
        const struct run_vary *v = &plan->vary[j];
        for (size_t k = 0; code == 0 && k < j; k++) {
            const struct run_vary *u = &plan->vary[k];
            for (size_t a = 0; code == 0 && a < v->n_paths; a++)
                for (size_t b = 0; code == 0 && b < u->n_paths; b++)
                    if (strcmp(v->paths[a], u->paths[b]) == 0)
                        code = vary_err(err, v, "sets %s, which %s sets too",
                                        v->paths[a], u->path);
        }
    }
    return code;
}

int
run_vary_parse(const char *arg, struct run_vary *v, struct sim_err *err)
{
    memset(v, 0, sizeof *v);
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0')
        return sim_err_set(err, -SIM_EUSAGE, "--vary", 0, 0, NULL,
                           "--vary needs PATH=VALUES, such as "
                           "nodes.edge.cache.policy=lru,fifo; got \"%s\"",
                           arg);
    v->path = dup_n(arg, (size_t)(eq - arg));
    v->spec = xstrdup(eq + 1);
    const char *dots = strstr(v->spec, "..");
    int code = dots ? parse_range(v, dots, err) : parse_list(v, err);
    if (code == 0 && v->n == 0)
        code = vary_err(err, v, "\"%s\" gives no values", v->spec);
    if (code == 0)
        code = vary_glob(v, err);
    return code;
}

void
run_plan_fini(struct run_plan *plan)
{
    for (size_t j = 0; j < plan->n_vary; j++)
        run_vary_fini(&plan->vary[j]);
    free(plan->vary);
    memset(plan, 0, sizeof *plan);
}

/* A --vary-with must follow a --vary and give as many values. */
static int
check_with(const struct run_plan *plan, size_t j, size_t lead,
           struct sim_err *err)
{
    const struct run_vary *v = &plan->vary[j];
    if (j == 0)
        return sim_err_set(err, -SIM_EUSAGE, "--vary-with", 0, 0, v->path,
                           "a --vary-with moves with the --vary before it; "
                           "give that --vary first");
    const struct run_vary *l = &plan->vary[lead];
    if (v->n != l->n)
        return sim_err_set(err, -SIM_EUSAGE, "--vary-with", 0, 0, v->path,
                           "\"%s\" gives %zu values, but the --vary it moves "
                           "with (%s=%s) gives %zu",
                           v->spec, v->n, l->path, l->spec, l->n);
    return 0;
}

int
run_plan_parse(const char *const *args, const unsigned char *is_with, size_t n,
               struct run_plan *plan, struct sim_err *err)
{
    memset(plan, 0, sizeof *plan);
    plan->vary = xcalloc(n + 1, sizeof *plan->vary);
    int code = 0;
    size_t lead = 0; /* the --vary of the current dimension */
    for (size_t j = 0; code == 0 && j < n; j++) {
        code = run_vary_parse(args[j], &plan->vary[j], err);
        plan->n_vary++;
        plan->vary[j].is_with = is_with && is_with[j];
        if (code != 0 && plan->vary[j].is_with)
            snprintf(err->file, sizeof err->file, "--vary-with");
        if (code == 0 && plan->vary[j].is_with)
            code = check_with(plan, j, lead, err);
        else if (code == 0)
            lead = j;
        for (size_t k = 0; code == 0 && k < j; k++)
            if (strcmp(plan->vary[k].path, plan->vary[j].path) == 0)
                code = vary_err(err, &plan->vary[j], "varied twice");
    }
    if (code == 0 && n == 0)
        code = sim_err_set(err, -SIM_EUSAGE, "--vary", 0, 0, NULL,
                           "a sweep needs at least one --vary PATH=VALUES");
    plan->n_points = code == 0;
    for (size_t j = 0; code == 0 && j < plan->n_vary; j++) {
        if (plan->vary[j].is_with)
            continue;
        plan->n_dims++;
        if (plan->n_points > RUN_SWEEP_MAX_POINTS / plan->vary[j].n)
            code = sim_err_set(err, -SIM_EUSAGE, "--vary", 0, 0, NULL,
                               "the --vary values make more than %d points",
                               RUN_SWEEP_MAX_POINTS);
        else
            plan->n_points *= plan->vary[j].n;
    }
    if (code != 0)
        plan->n_points = 0;
    return code;
}
