/* parse.c: sizes, durations and plain numbers. */
#include "util/parse.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

/* Splits "12.5GiB" into a number and a unit; the number must be present. */
static int
split_number(const char *s, double *num, int *is_integer, const char **unit)
{
    if (s == NULL || *s == '\0' || *s == '-' || *s == '+' || *s == ' ')
        return -SIM_EBADVAL;
    const char *p = s;
    *is_integer = 1;
    while ((*p >= '0' && *p <= '9') || *p == '.') {
        if (*p == '.')
            *is_integer = 0;
        p++;
    }
    if (p == s)
        return -SIM_EBADVAL;
    char buf[64];
    size_t n = (size_t)(p - s);
    if (n >= sizeof buf)
        return -SIM_EBADVAL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end != '\0' || errno != 0 || !isfinite(v))
        return -SIM_EBADVAL;
    *num = v;
    *unit = p;
    return 0;
}

int
parse_size(const char *s, uint64_t *out)
{
    static const struct {
        const char *name;
        double mult;
    } units[] = {
        {"", 1},
        {"B", 1},
        {"k", 1e3},
        {"K", 1e3},
        {"KB", 1e3},
        {"kB", 1e3},
        {"MB", 1e6},
        {"GB", 1e9},
        {"TB", 1e12},
        {"KiB", 1024.0},
        {"MiB", 1048576.0},
        {"GiB", 1073741824.0},
        {"TiB", 1099511627776.0},
    };
    double num;
    int is_integer;
    const char *unit;
    if (split_number(s, &num, &is_integer, &unit) != 0)
        return -SIM_EBADVAL;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].name) != 0)
            continue;
        if (units[i].mult == 1) {
            /* Plain bytes: must be a whole number, parsed exactly. */
            if (!is_integer)
                return -SIM_EBADVAL;
            char buf[32];
            size_t n = (size_t)(unit - s);
            if (n >= sizeof buf)
                return -SIM_EBADVAL;
            memcpy(buf, s, n);
            buf[n] = '\0';
            return parse_u64(buf, out);
        }
        double v = num * units[i].mult;
        if (v >= 18446744073709551615.0)
            return -SIM_EBADVAL;
        /* llround returns a long long, so it fails from 2^63 on; a double
         * of 2^53 or more is a whole number already. */
        *out = v < 9007199254740992.0 ? (uint64_t)llround(v) : (uint64_t)v;
        return 0;
    }
    return -SIM_EBADVAL;
}

int
parse_duration(const char *s, int64_t *out_ns)
{
    static const struct {
        const char *name;
        double mult;
    } units[] = {
        {"ns", 1},   {"us", 1e3},   {"ms", 1e6},    {"s", 1e9},
        {"m", 60e9}, {"h", 3600e9}, {"d", 86400e9},
    };
    double num;
    int is_integer;
    const char *unit;
    if (split_number(s, &num, &is_integer, &unit) != 0)
        return -SIM_EBADVAL;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(unit, units[i].name) != 0)
            continue;
        double v = num * units[i].mult;
        if (v >= 9.2e18)
            return -SIM_EBADVAL;
        *out_ns = (int64_t)llround(v);
        return 0;
    }
    return -SIM_EBADVAL;
}

int
parse_u64(const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return -SIM_EBADVAL;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno != 0)
        return -SIM_EBADVAL;
    *out = v;
    return 0;
}

int
parse_double(const char *s, double *out)
{
    if (s == NULL || *s == '\0' || *s == ' ')
        return -SIM_EBADVAL;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno != 0 || !isfinite(v))
        return -SIM_EBADVAL;
    *out = v;
    return 0;
}

int
parse_bool(const char *s, int *out)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
        *out = 1;
        return 0;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
        *out = 0;
        return 0;
    }
    return -SIM_EBADVAL;
}

void
format_size(uint64_t bytes, char *buf, unsigned len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%llu B", (unsigned long long)bytes);
    else
        snprintf(buf, len, "%.1f %s", v, units[u]);
}
