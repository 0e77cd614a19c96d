/* text.c: number formats, base64, small file helpers. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "report/report_int.h"
#include "util/xalloc.h"

char *
rep_fmt_count(int64_t n, char *buf, size_t len)
{
    char digits[32];
    uint64_t v = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
    int k = snprintf(digits, sizeof digits, "%" PRIu64, v);
    char out[48];
    size_t o = 0;
    if (n < 0)
        out[o++] = '-';
    for (int i = 0; i < k; i++) {
        if (i > 0 && (k - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, len, "%s", out);
    return buf;
}

char *
rep_fmt_pct(double ratio, char *buf, size_t len)
{
    snprintf(buf, len, "%.2f%%", 100.0 * ratio);
    return buf;
}

char *
rep_fmt_bytes(double bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    unsigned u = 0;
    while (bytes >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%.0f B", bytes);
    else
        snprintf(buf, len, "%.1f %s", bytes, units[u]);
    return buf;
}

void
rep_base64(struct strbuf *b, const unsigned char *data, size_t n)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    strbuf_reserve(b, (n + 2) / 3 * 4);
    char *o = b->s + b->n;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v =
            (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = abc[(v >> 6) & 63];
        *o++ = abc[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)data[i + 1] << 8;
        *o++ = abc[v >> 18];
        *o++ = abc[(v >> 12) & 63];
        *o++ = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    *o = '\0';
    b->n = (size_t)(o - b->s);
}

int
rep_read_file(const char *path, char **out, size_t *n, struct sim_err *err)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL, "cannot read: %s",
                           strerror(errno));
    struct strbuf b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        strbuf_putn(&b, chunk, k);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        strbuf_fini(&b);
        return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL, "read error");
    }
    if (b.s == NULL)
        strbuf_put(&b, "");
    *out = b.s;
    *n = b.n;
    return 0;
}

/* Makes one directory unless it is there. */
static int
mkdir_one(const char *path, struct sim_err *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) {
        struct stat sb;
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            return 0;
        return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL,
                           "exists and is not a directory");
    }
    return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL,
                       "cannot make directory: %s", strerror(errno));
}

int
rep_mkdir(const char *path, struct sim_err *err)
{
    /* Each parent first, as mkdir -p does. */
    char *copy = xstrdup(path);
    int code = 0;
    for (char *p = copy + 1; code == 0 && *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        code = mkdir_one(copy, err);
        *p = '/';
    }
    if (code == 0)
        code = mkdir_one(copy, err);
    free(copy);
    return code;
}
