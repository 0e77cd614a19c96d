/* xalloc.h: allocation that aborts on out-of-memory (Redis, jq). */
#ifndef SIM_UTIL_XALLOC_H
#define SIM_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Each returns valid memory or prints and aborts; never NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/*
 * Makes the array p, of *cap elements of elem_size bytes, hold at least
 * need elements: the capacity doubles, from first when it is 0, until it
 * does (first > 0). Returns the array, moved or not; elements past the old
 * capacity are uninitialised. Aborts when the size overflows, as on
 * out-of-memory. The usual call appends one element:
 *     a = xgrow(a, &cap, n + 1, sizeof *a, 64);
 *     a[n++] = x;
 */
void *xgrow_slow(void *p, size_t *cap, size_t need, size_t elem_size,
                 size_t first);

static inline void *
xgrow(void *p, size_t *cap, size_t need, size_t elem_size, size_t first)
{
    /* Inline: most calls find room, which is one comparison. */
    return need <= *cap ? p : xgrow_slow(p, cap, need, elem_size, first);
}

#endif
