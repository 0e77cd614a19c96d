/* fuzz_parse.c: the value parsers behind every size, duration, number and
 * flag of the YAML files and the command line (--set values and --vary
 * ranges end up here too). Besides not crashing, an accepted size or
 * duration must be the number times its unit, rounded: the harness works
 * that out again in long double, from the text, as a second opinion. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/parse.h"

static void
fail(const char *what, const char *input, long double want, long double got)
{
    fprintf(stderr, "fuzz: %s for \"%s\": expected %.0Lf, got %.0Lf\n", what,
            input, want, got);
    abort();
}

/* The value of "<digits and dots><unit>" with the unit's multiplier, or
 * -1 when the unit is not in units (NULL-terminated pairs). */
static long double
expected(const char *s, const char *const *names, const long double *mults)
{
    size_t n = strspn(s, "0123456789.");
    char num[80];
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, s, n);
    num[n] = '\0';
    for (size_t i = 0; names[i]; i++)
        if (strcmp(s + n, names[i]) == 0)
            return strtold(num, NULL) * mults[i];
    return -1;
}

/* got is want rounded to a whole number (within double precision). */
static int
is_rounded(long double want, long double got)
{
    return fabsl(got - want) <= 0.5L + want * 1e-15L;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const size_units[] = {"",    "B",   "k",   "K",  "KB",
                                             "kB",  "MB",  "GB",  "TB", "KiB",
                                             "MiB", "GiB", "TiB", NULL};
    static const long double size_mults[] = {1,
                                             1,
                                             1e3L,
                                             1e3L,
                                             1e3L,
                                             1e3L,
                                             1e6L,
                                             1e9L,
                                             1e12L,
                                             1024.0L,
                                             1048576.0L,
                                             1073741824.0L,
                                             1099511627776.0L};
    static const char *const time_units[] = {"ns", "us", "ms", "s",
                                             "m",  "h",  "d",  NULL};
    static const long double time_mults[] = {1,     1e3L,    1e6L,    1e9L,
                                             60e9L, 3600e9L, 86400e9L};
    char *s = fuzz_cstr(data, size);
    uint64_t bytes, u;
    int64_t ns;
    double x;
    int b;
    char buf[64];
    if (parse_size(s, &bytes) == 0) {
        long double want = expected(s, size_units, size_mults);
        if (want < 0 || !is_rounded(want, (long double)bytes))
            fail("parse_size", s, want, (long double)bytes);
        format_size(bytes, buf, sizeof buf);
    }
    if (parse_duration(s, &ns) == 0) {
        long double want = expected(s, time_units, time_mults);
        if (want < 0 || !is_rounded(want, (long double)ns))
            fail("parse_duration", s, want, (long double)ns);
    }
    if (parse_u64(s, &u) == 0 && strtold(s, NULL) != (long double)u)
        fail("parse_u64", s, strtold(s, NULL), (long double)u);
    if (parse_double(s, &x) == 0 && !isfinite(x))
        fail("parse_double (not finite)", s, 0, 0);
    (void)parse_bool(s, &b);
    free(s);
    return 0;
}
