/* err.h: error codes and the error record every fallible function fills. */
#ifndef SIM_UTIL_ERR_H
#define SIM_UTIL_ERR_H

#include <stddef.h>

/*
 * The single table of error codes (libuv style). Each becomes SIM_E<NAME>
 * with a negative value; sim_strerror() expands the same table.
 */
#define SIM_ERRNO_MAP(X)                                                       \
    X(BADVAL, "invalid value")                                                 \
    X(BADKEY, "unknown key")                                                   \
    X(NOKEY, "missing key")                                                    \
    X(BADTYPE, "wrong type")                                                   \
    X(DUP, "duplicate name")                                                   \
    X(NOENT, "no such name")                                                   \
    X(CYCLE, "cycle")                                                          \
    X(SYNTAX, "syntax error")                                                  \
    X(IO, "input/output error")                                                \
    X(TRACE, "malformed trace")                                                \
    X(USAGE, "usage error")                                                    \
    X(DB, "database error")                                                    \
    X(INTR, "interrupted")                                                     \
    X(INTERNAL, "internal error")

enum sim_errno {
    SIM_OK = 0,
#define X(name, text) SIM_E##name,
    SIM_ERRNO_FIRST_ = 0,
    SIM_ERRNO_MAP(X)
#undef X
};
/* Codes are returned negated: return -SIM_EBADVAL. */

/*
 * Details of one error, owned by the caller. file/line/col name the input
 * position (line and col are 1-based; 0 when unknown); field is the path of
 * the offending field, e.g. "nodes[1].cache.capacity".
 */
struct sim_err {
    int code; /* negative SIM_E* code, 0 when no error */
    char file[256];
    int line;
    int col;
    char field[160];
    char msg[512];
};

/* Text for a (negative) code; never NULL. */
const char *sim_strerror(int code);

/*
 * Fills err (if not NULL) and returns code, so that callers can write
 * `return sim_err_set(err, -SIM_EBADVAL, file, line, col, field, "...")`.
 * file and field may be NULL.
 */
int sim_err_set(struct sim_err *err, int code, const char *file, int line,
                int col, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Clears err to "no error". */
void sim_err_clear(struct sim_err *err);

/*
 * Formats err as "file:line:col: field: message (reason)" into buf,
 * leaving out the parts that are empty. Returns buf.
 */
char *sim_err_format(const struct sim_err *err, char *buf, size_t len);

/* Bugs, not errors: always on, aborts with the expression and position. */
#define SIM_ASSERT(x) ((x) ? (void)0 : sim_assert_fail(#x, __FILE__, __LINE__))
_Noreturn void sim_assert_fail(const char *expr, const char *file, int line);

#endif
