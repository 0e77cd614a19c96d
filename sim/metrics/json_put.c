/* json_put.c: a small JSON object writer for sections that live outside
 * json.c (the baseline, the alerts), in json.c's layout: two spaces per
 * level, one member a line, reals as "%.6f" with NaN, inf and -0 as 0. */
#include <inttypes.h>
#include <math.h>

#include "metrics/metrics_int.h"
#include "util/json_escape.h"

static void
put_key(struct met_jw *w, const char *key)
{
    fputs(w->has_item ? ",\n" : "\n", w->out);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->out);
    if (key) {
        json_fputs(w->out, key);
        fputs(": ", w->out);
    }
    w->has_item = 1;
}

/* Opens an object (or an array) as member key, or as an array item or
 * the value of a key already written (key NULL). */
static void
jw_open_with(struct met_jw *w, const char *key, int c)
{
    if (key || w->is_array_item)
        put_key(w, key);
    fputc(c, w->out);
    w->depth++;
    w->has_item = 0;
    w->is_array_item = 0;
}

void
met_jw_open(struct met_jw *w, const char *key)
{
    jw_open_with(w, key, '{');
}

void
met_jw_open_array(struct met_jw *w, const char *key)
{
    jw_open_with(w, key, '[');
    w->is_array_item = 1;
}

static void
jw_close_with(struct met_jw *w, int c)
{
    w->depth--;
    if (w->has_item) {
        fputc('\n', w->out);
        for (int i = 0; i < w->depth; i++)
            fputs("  ", w->out);
    }
    fputc(c, w->out);
    w->has_item = 1;
}

void
met_jw_close(struct met_jw *w)
{
    jw_close_with(w, '}');
    w->is_array_item = 0;
}

void
met_jw_close_array(struct met_jw *w, int outer_is_array)
{
    jw_close_with(w, ']');
    w->is_array_item = outer_is_array;
}

void
met_jw_item_done(struct met_jw *w)
{
    w->is_array_item = 1;
}

void
met_jw_u64(struct met_jw *w, const char *key, uint64_t v)
{
    put_key(w, key);
    fprintf(w->out, "%" PRIu64, v);
}

void
met_jw_i64(struct met_jw *w, const char *key, int64_t v)
{
    put_key(w, key);
    fprintf(w->out, "%" PRId64, v);
}

void
met_jw_real(struct met_jw *w, const char *key, double v)
{
    put_key(w, key);
    if (!isfinite(v) || fabs(v) < 5e-7)
        v = 0.0;
    fprintf(w->out, "%.6f", v);
}

void
met_jw_str(struct met_jw *w, const char *key, const char *s)
{
    put_key(w, key);
    json_fputs(w->out, met_str(s));
}
