/* xalloc.c: checked allocation. */
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void
oom(size_t n)
{
    fprintf(stderr, "cdnsim: out of memory allocating %zu bytes\n", n);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        oom(n);
    return p;
}

void *
xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        oom(count * size);
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        oom(n);
    return q;
}

char *
xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xmalloc(n);
    memcpy(d, s, n);
    return d;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    /* Format into a guess first; most strings here are short. */
    size_t cap = 128;
    for (;;) {
        char *s = xmalloc(cap);
        va_list aq;
        va_copy(aq, ap);
        int n = vsnprintf(s, cap, fmt, aq);
        va_end(aq);
        if (n < 0)
            n = 0, s[0] = '\0';
        if ((size_t)n < cap)
            return s;
        free(s);
        cap = (size_t)n + 1;
    }
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void *
xgrow_slow(void *p, size_t *cap, size_t need, size_t elem_size, size_t first)
{
    size_t n = *cap ? *cap : first;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            oom(SIZE_MAX);
        n *= 2;
    }
    if (elem_size != 0 && n > SIZE_MAX / elem_size)
        oom(SIZE_MAX);
    p = xrealloc(p, n * elem_size);
    *cap = n;
    return p;
}
