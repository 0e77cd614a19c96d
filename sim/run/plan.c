/* plan.c: the --vary language: "PATH=VALUES" -> the texts each point
 * passes to --set, and the numbers they stand for.
 *
 * Every value is kept as the text passed to --set, and its number is what
 * that text parses to, so the database records exactly what the run saw.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/run.h"
#include "util/parse.h"
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
    memset(v, 0, sizeof *v);
}

static int vary_err(struct sim_err *err, const struct run_vary *v,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An input error in a --vary: file "--vary", field its path. */
static int
vary_err(struct sim_err *err, const struct run_vary *v, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, v->path, "%s", msg);
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
    v->values = xrealloc(v->values, (v->n + 1) * sizeof *v->values);
    v->nums = xrealloc(v->nums, (v->n + 1) * sizeof *v->nums);
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
            return vary_err(err, v, "more than %d values",
                            RUN_VARY_MAX_VALUES);
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

/* ---- Ranges ------------------------------------------------------------- */

struct range {
    enum vkind k;
    int geometric;    /* A..B*F rather than A..B+S */
    char *a, *b;      /* the ends as written, owned */
    const char *step; /* F or S as written */
    double fa, fb, fs;
};

/*
 * The values of a checked range. Sizes and durations step in whole bytes
 * and nanoseconds, from the exact start; numbers step in doubles and are
 * written with 15 digits, which is what --set then reads.
 */
static int
range_values(struct run_vary *v, const struct range *r, struct sim_err *err)
{
    uint64_t a_int = 0, s_int = 0;
    int64_t ns;
    if (r->k == VK_SIZE) {
        parse_size(r->a, &a_int);
        if (!r->geometric)
            parse_size(r->step, &s_int);
    } else if (r->k == VK_DURATION) {
        parse_duration(r->a, &ns);
        a_int = (uint64_t)ns;
        if (!r->geometric) {
            parse_duration(r->step, &ns);
            s_int = (uint64_t)ns;
        }
    }
    double hi = r->fb * (1 + 1e-9);
    for (size_t i = 0;; i++) {
        double x = r->geometric ? r->fa * pow(r->fs, (double)i)
                                : r->fa + (double)i * r->fs;
        if (x > hi)
            break;
        if (i >= RUN_VARY_MAX_VALUES)
            return vary_err(err, v, "\"%s\" gives more than %d values",
                            v->spec, RUN_VARY_MAX_VALUES);
        char *text;
        if (r->k == VK_NUMBER) {
            text = xasprintf("%.15g", x);
        } else {
            double base = r->geometric
                              ? (double)a_int * pow(r->fs, (double)i)
                              : (double)a_int + (double)i * (double)s_int;
            if (base >= 1.8e19)
                return vary_err(err, v, "\"%s\" overflows", v->spec);
            text = format_in_unit(r->k, (uint64_t)llround(base), unit_of(r->a));
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
    if (r->geometric &&
        (parse_double(r->step, &r->fs) != 0 || !(r->fs > 1)))
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
        return vary_err(err, v, "the range ends below its start (\"%s\" < "
                                "\"%s\")",
                        r->b, r->a);
    if (r->geometric && !(r->fa > 0))
        return vary_err(err, v,
                        "a multiplying range must start above 0, got \"%s\"",
                        r->a);
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
    if (code == 0)
        code = range_values(v, &r, err);
    free(r.a);
    free(r.b);
    return code;
}

int
run_vary_parse(const char *arg, struct run_vary *v, struct sim_err *err)
{
    memset(v, 0, sizeof *v);
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0')
        return sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, NULL,
                           "--vary needs PATH=VALUES, such as "
                           "nodes.edge.cache.policy=lru,fifo; got \"%s\"",
                           arg);
    v->path = dup_n(arg, (size_t)(eq - arg));
    v->spec = xstrdup(eq + 1);
    const char *dots = strstr(v->spec, "..");
    int code = dots ? parse_range(v, dots, err) : parse_list(v, err);
    if (code == 0 && v->n == 0)
        code = vary_err(err, v, "\"%s\" gives no values", v->spec);
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

int
run_plan_parse(const char *const *args, size_t n, struct run_plan *plan,
               struct sim_err *err)
{
    memset(plan, 0, sizeof *plan);
    plan->vary = xcalloc(n + 1, sizeof *plan->vary);
    int code = 0;
    for (size_t j = 0; code == 0 && j < n; j++) {
        code = run_vary_parse(args[j], &plan->vary[j], err);
        plan->n_vary++;
        for (size_t k = 0; code == 0 && k < j; k++)
            if (strcmp(plan->vary[k].path, plan->vary[j].path) == 0)
                code = vary_err(err, &plan->vary[j], "varied twice");
    }
    if (code == 0 && n == 0)
        code = sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, NULL,
                           "a sweep needs at least one --vary PATH=VALUES");
    plan->n_points = code == 0;
    for (size_t j = 0; code == 0 && j < plan->n_vary; j++) {
        if (plan->n_points > RUN_SWEEP_MAX_POINTS / plan->vary[j].n)
            code = sim_err_set(err, -SIM_EBADVAL, "--vary", 0, 0, NULL,
                               "the --vary values make more than %d points",
                               RUN_SWEEP_MAX_POINTS);
        else
            plan->n_points *= plan->vary[j].n;
    }
    if (code != 0)
        plan->n_points = 0;
    return code;
}
