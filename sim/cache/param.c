/* param.c: parameters of policies and admission filters, parsed,
 * range-checked, defaulted and described from their tables (see struct
 * cache_param in cache.h). */
#include "cache/cache_int.h"

#include <stdio.h>
#include <string.h>

#include "util/parse.h"

/* Bounds at or above this are "no upper bound" in descriptions. */
#define PARAM_UNBOUNDED 1e18

/* Parses text as p says into *whole (whole numbers, sizes, a choice's
 * index) or *real; 0 if it parses and lies in p's range, else -1. */
static int
param_parse(const struct cache_param *p, const char *text, uint64_t *whole,
            double *real)
{
    switch (p->type) {
    case CACHE_PARAM_UINT:
    case CACHE_PARAM_U64:
    case CACHE_PARAM_SIZE: {
        int rc = p->type == CACHE_PARAM_SIZE ? parse_size(text, whole)
                                             : parse_u64(text, whole);
        if (rc != 0)
            return -1;
        double v = (double)*whole;
        return v >= p->min && v <= p->max ? 0 : -1;
    }
    case CACHE_PARAM_REAL:
        if (parse_double(text, real) != 0)
            return -1;
        if ((p->flags & CACHE_PARAM_MIN_OPEN) ? !(*real > p->min)
                                              : !(*real >= p->min))
            return -1;
        if ((p->flags & CACHE_PARAM_MAX_OPEN) ? !(*real < p->max)
                                              : !(*real <= p->max))
            return -1;
        return 0;
    case CACHE_PARAM_CHOICE:
        for (uint64_t i = 0; p->choices[i] != NULL; i++)
            if (strcmp(p->choices[i], text) == 0) {
                *whole = i;
                return 0;
            }
        return -1;
    }
    return -1;
}

static void
param_store(const struct cache_param *p, uint64_t whole, double real,
            void *state)
{
    char *at = (char *)state + p->offset;
    switch (p->type) {
    case CACHE_PARAM_UINT:
    case CACHE_PARAM_CHOICE: {
        unsigned v = (unsigned)whole;
        memcpy(at, &v, sizeof v);
        break;
    }
    case CACHE_PARAM_U64:
    case CACHE_PARAM_SIZE:
        memcpy(at, &whole, sizeof whole);
        break;
    case CACHE_PARAM_REAL:
        memcpy(at, &real, sizeof real);
        break;
    }
}

static int param_bad_value(const struct cache_param *p, const struct cfg_kv *kv,
                           struct sim_err *err);

void
cache_param_defaults(const struct cache_param *t, size_t n, void *state)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].def == NULL)
            continue;
        uint64_t whole = 0;
        double real = 0;
        SIM_ASSERT(param_parse(&t[i], t[i].def, &whole, &real) == 0);
        param_store(&t[i], whole, real, state);
    }
}

const struct cache_param *
cache_param_find(const struct cache_param *t, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, key) == 0)
            return &t[i];
    return NULL;
}

/* What p accepts, e.g. "a whole number from 1 to 8". */
static void
param_range(const struct cache_param *p, char *buf, size_t len)
{
    switch (p->type) {
    case CACHE_PARAM_UINT:
    case CACHE_PARAM_U64:
        if (p->max >= PARAM_UNBOUNDED)
            snprintf(buf, len, "a whole number of at least %.15g", p->min);
        else
            snprintf(buf, len, "a whole number from %.15g to %.15g", p->min,
                     p->max);
        return;
    case CACHE_PARAM_SIZE:
        if (p->min <= 1 && p->max >= PARAM_UNBOUNDED)
            snprintf(buf, len, "a positive size");
        else
            snprintf(buf, len, "a size from %.15g to %.15g bytes", p->min,
                     p->max);
        return;
    case CACHE_PARAM_REAL:
        snprintf(buf, len, "a number in %c%.15g, %.15g%c",
                 (p->flags & CACHE_PARAM_MIN_OPEN) ? '(' : '[', p->min, p->max,
                 (p->flags & CACHE_PARAM_MAX_OPEN) ? ')' : ']');
        return;
    case CACHE_PARAM_CHOICE: {
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; p->choices[i] != NULL && used < len; i++) {
            const char *sep = i == 0                      ? ""
                              : p->choices[i + 1] == NULL ? " or "
                                                          : ", ";
            int k = snprintf(buf + used, len - used, "%s\"%s\"", sep,
                             p->choices[i]);
            if (k > 0)
                used += (size_t)k;
        }
        return;
    }
    }
}

int
cache_param_set(const struct cache_param *p, const struct cfg_kv *kv,
                void *state, struct sim_err *err)
{
    uint64_t whole = 0;
    double real = 0;
    if (param_parse(p, kv->value, &whole, &real) == 0) {
        param_store(p, whole, real, state);
        return 0;
    }
    return param_bad_value(p, kv, err);
}

int
cache_param_check(const struct cache_param *t, size_t n,
                  const struct cfg_kv *kv, struct sim_err *err)
{
    const struct cache_param *p = cache_param_find(t, n, kv->key);
    if (p == NULL) {
        char names[256];
        cache_param_names(t, n, names, sizeof names);
        return sim_err_set(
            err, -SIM_EBADKEY, kv->mark.file, kv->mark.line, kv->mark.col,
            kv->field, "no parameter \"%s\" (it takes: %s)", kv->key, names);
    }
    uint64_t whole = 0;
    double real = 0;
    if (param_parse(p, kv->value, &whole, &real) == 0)
        return 0;
    return param_bad_value(p, kv, err);
}

/* The error for a value p does not accept, naming its range. */
static int
param_bad_value(const struct cache_param *p, const struct cfg_kv *kv,
                struct sim_err *err)
{
    char range[160];
    param_range(p, range, sizeof range);
    int has_example = p->def != NULL && p->type != CACHE_PARAM_CHOICE;
    return sim_err_set(
        err, -SIM_EBADVAL, kv->mark.file, kv->mark.line, kv->mark.col,
        kv->field, "%s (%s) must be %s%s%s%s, got \"%s\"", p->name, p->help,
        range, has_example ? " such as \"" : "", has_example ? p->def : "",
        has_example ? "\"" : "", kv->value);
}

void
cache_param_describe(const struct cache_param *p, char *buf, size_t len)
{
    char range[160];
    param_range(p, range, sizeof range);
    if (p->def != NULL)
        snprintf(buf, len, "%s=%s: %s (%s)", p->name, p->def, p->help, range);
    else if (p->flags & CACHE_PARAM_REQUIRED)
        snprintf(buf, len, "%s (required): %s (%s)", p->name, p->help, range);
    else
        snprintf(buf, len, "%s: %s (%s)", p->name, p->help, range);
}

void
cache_param_names(const struct cache_param *t, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    snprintf(buf, len, "none");
    for (size_t i = 0; i < n && used < len; i++) {
        int k =
            snprintf(buf + used, len - used, "%s%s", i ? ", " : "", t[i].name);
        if (k > 0)
            used += (size_t)k;
    }
}
