/* strbuf.c: a growing NUL-terminated string. */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/json_escape.h"
#include "util/xalloc.h"

/* The capacity at least doubles, so appending is amortised O(1). */
void
strbuf_reserve(struct strbuf *b, size_t more)
{
    SIM_ASSERT(more < SIZE_MAX - b->n - 1);
    b->s = xgrow(b->s, &b->cap, b->n + more + 1, 1, 64);
}

void
strbuf_putn(struct strbuf *b, const char *text, size_t n)
{
    strbuf_reserve(b, n);
    memcpy(b->s + b->n, text, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void
strbuf_put(struct strbuf *b, const char *text)
{
    strbuf_putn(b, text, strlen(text));
}

void
strbuf_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    SIM_ASSERT(k >= 0);
    strbuf_reserve(b, (size_t)k);
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

void
strbuf_put_json(struct strbuf *b, const char *text)
{
    strbuf_reserve(b, JSON_ESCAPE_MAX * strlen(text) + 2);
    char *o = b->s + b->n;
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        o += json_escape_char(*c, o);
    *o++ = '"';
    *o = '\0';
    b->n = (size_t)(o - b->s);
}

const char *
strbuf_str(const struct strbuf *b)
{
    return b->s ? b->s : "";
}

char *
strbuf_take(struct strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    memset(b, 0, sizeof *b);
    return s;
}

void
strbuf_fini(struct strbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}
