/* xalloc.h: allocation that aborts on out-of-memory (Redis, jq). */
#ifndef SIM_UTIL_XALLOC_H
#define SIM_UTIL_XALLOC_H

#include <stddef.h>

/* Each returns valid memory or prints and aborts; never NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
