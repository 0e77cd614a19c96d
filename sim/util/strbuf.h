/* strbuf.h: a growing NUL-terminated string. */
#ifndef SIM_UTIL_STRBUF_H
#define SIM_UTIL_STRBUF_H

#include <stddef.h>

/*
 * Zero-initialise ({0}) to start empty; the owner frees with strbuf_fini
 * or takes the text with strbuf_take. s is NUL-terminated once anything
 * was put, NULL before.
 */
struct strbuf {
    char *s;
    size_t n;   /* bytes of text, without the NUL */
    size_t cap; /* bytes allocated */
};

/* Makes room for more bytes and a NUL after the text, for a writer that
 * fills b->s + b->n itself and then advances b->n and writes the NUL. */
void strbuf_reserve(struct strbuf *b, size_t more);

void strbuf_put(struct strbuf *b, const char *text);
void strbuf_putn(struct strbuf *b, const char *text, size_t n);
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends text as a JSON string literal, quotes included (json_escape.h's
 * rule). */
void strbuf_put_json(struct strbuf *b, const char *text);

/* The text, "" when nothing was put; valid until the next put. */
const char *strbuf_str(const struct strbuf *b);

/* The text as a malloc'd string ("" when nothing was put), which the
 * caller frees; b is empty again. */
char *strbuf_take(struct strbuf *b);

void strbuf_fini(struct strbuf *b);

#endif
