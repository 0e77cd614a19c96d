/* err.c: error records and their formatting. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"

const char *
sim_strerror(int code)
{
    switch (-code) {
    case SIM_OK:
        return "success";
#define X(name, text)                                                          \
    case SIM_E##name:                                                          \
        return text;
        SIM_ERRNO_MAP(X)
#undef X
    }
    return "unknown error";
}

int
sim_err_set(struct sim_err *err, int code, const char *file, int line, int col,
            const char *field, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    /* Messages quote user data (trace bytes, file names, YAML values):
     * control bytes are escaped here, where every error is made, so that
     * no printer can forget it. */
    err->code = code;
    file = file ? file : "";
    esc_term(err->file, sizeof err->file, file, strlen(file));
    err->line = line;
    err->col = col;
    field = field ? field : "";
    esc_term(err->field, sizeof err->field, field, strlen(field));
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n;
    if (len >= sizeof msg)
        len = sizeof msg - 1;
    esc_term(err->msg, sizeof err->msg, msg, len);
    return code;
}

void
sim_err_clear(struct sim_err *err)
{
    memset(err, 0, sizeof *err);
}

char *
sim_err_format(const struct sim_err *err, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
#define APPEND(...)                                                            \
    do {                                                                       \
        if (n < len) {                                                         \
            int k = snprintf(buf + n, len - n, __VA_ARGS__);                   \
            if (k > 0)                                                         \
                n += (size_t)k;                                                \
        }                                                                      \
    } while (0)
    if (err->file[0]) {
        APPEND("%s", err->file);
        if (err->line > 0)
            APPEND(":%d:%d", err->line, err->col);
        APPEND(": ");
    }
    if (err->field[0])
        APPEND("%s: ", err->field);
    APPEND("%s (%s)", err->msg, sim_strerror(err->code));
#undef APPEND
    return buf;
}

void
sim_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "cdnsim: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
