/* trace_csv.c: delimited text traces with a header line.
 *
 * The header names the columns; --columns (struct trace_opts) picks which
 * hold the time, the id and the size, by 1-based number or by name, and
 * roles it leaves out are looked up among common header names. The
 * delimiter is a tab if the header has one, else a comma. Fields may be
 * double-quoted (a quoted field may hold the delimiter; "" inside stands
 * for one quote and is kept as written, which is enough to tell ids apart).
 * Spaces around a field are ignored. Blank lines hold no request and are
 * skipped. A missing size column makes every size 1 (a trace of object
 * keys, such as cache2k's); a missing time column makes a record's time
 * its index. Any bad field is an error naming the line and the column.
 *
 * Optional columns, found by header name or given in --columns: region
 * (a region's name), ttl (seconds, "1.5", or a duration with a unit,
 * "250ms"), tags (kept as text), version (a whole number) and cacheable
 * (1/0, true/false, yes/no), and the durations s_maxage,
 * stale_while_revalidate and stale_if_error (like ttl). A cache_control
 * column holds a response's Cache-Control header, read into those fields
 * (csv_cache_control); the fields' own columns, when also present, win.
 * An empty optional field means "not given" for that record.
 */
#include "workload/trace_int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/parse.h"

/* Header names recognised for each role when --columns does not say. */
static const char *const role_aliases[TRACE_N_ROLES][6] = {
    [TRACE_COL_TIME] = {"time", "timestamp", "clock_time", "ts", NULL},
    [TRACE_COL_ID] = {"id", "obj_id", "key", "object_id", "object", NULL},
    [TRACE_COL_SIZE] = {"size", "obj_size", "object_size", "bytes", NULL},
    [TRACE_COL_REGION] = {"region", NULL},
    [TRACE_COL_TTL] = {"ttl", "max_age", NULL},
    [TRACE_COL_TAGS] = {"tags", "surrogate_keys", "surrogate_key", NULL},
    [TRACE_COL_VERSION] = {"version", NULL},
    [TRACE_COL_CACHEABLE] = {"cacheable", NULL},
    [TRACE_COL_S_MAXAGE] = {"s_maxage", "s-maxage", NULL},
    [TRACE_COL_SWR] = {"stale_while_revalidate", "swr", NULL},
    [TRACE_COL_SIE] = {"stale_if_error", "sie", NULL},
    [TRACE_COL_CACHE_CONTROL] = {"cache_control", "cache-control",
                                 "cachecontrol", NULL},
};

#define CSV_MAX_HEADER 64 /* columns examined in a header */

/*
 * Reads one field starting at p (end is the line's end): sets *f and *n to
 * its text without quotes or surrounding spaces and returns where it stops
 * (at the delimiter or end), or NULL for a quote that is never closed.
 */
static const char *
csv_field(const char *p, const char *end, char delim, const char **f, size_t *n)
{
    while (p < end && *p == ' ')
        p++;
    if (p < end && *p == '"') {
        const char *s = ++p;
        for (;; p++) {
            if (p == end)
                return NULL;
            if (*p == '"') {
                if (p + 1 < end && p[1] == '"') {
                    p++;
                    continue;
                }
                break;
            }
        }
        *f = s;
        *n = (size_t)(p - s);
        p++;
        while (p < end && *p != delim)
            p++;
        return p;
    }
    const char *s = p;
    while (p < end && *p != delim)
        p++;
    const char *e = p;
    while (e > s && e[-1] == ' ')
        e--;
    *f = s;
    *n = (size_t)(e - s);
    return p;
}

/* The header's fields, copied out of the line buffer. */
struct csv_header {
    char names[CSV_MAX_HEADER][64];
    int n;     /* names kept, at most CSV_MAX_HEADER */
    int total; /* columns in the header */
};

static int
csv_column_by_name(const struct csv_header *h, const char *name, size_t len)
{
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < h->n; i++) {
            if (strlen(h->names[i]) != len)
                continue;
            if (pass == 0 ? strncmp(h->names[i], name, len) == 0
                          : strncasecmp(h->names[i], name, len) == 0)
                return i;
        }
    return -1;
}

static void
csv_header_list(const struct csv_header *h, char *buf, size_t len)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; i < h->n && k < len; i++) {
        int w = snprintf(buf + k, len - k, "%s%d=%s", i ? ", " : "", i + 1,
                         h->names[i]);
        if (w > 0)
            k += (size_t)w;
    }
}

/* Resolves the --columns text against the header into r->col[]. */
static int
csv_apply_columns(struct trace_reader *r, const struct csv_header *h,
                  const char *spec)
{
    char cols[512];
    const char *p = spec;
    while (*p != '\0') {
        const char *tok = p;
        const char *comma = strchr(p, ',');
        size_t tlen = comma ? (size_t)(comma - p) : strlen(p);
        p = comma ? comma + 1 : p + tlen;
        const char *eq = memchr(tok, '=', tlen);
        if (eq == NULL || eq == tok || eq == tok + tlen - 1)
            return trace_fail(r, -SIM_EUSAGE, 0, 0, "--columns",
                              "expected ROLE=COLUMN items such as "
                              "\"time=1,id=2,size=3\", got \"%.*s\"",
                              (int)tlen, tok);
        size_t rlen = (size_t)(eq - tok);
        int role = -1;
        for (int i = 0; i < TRACE_N_ROLES; i++)
            if (strlen(trace_role_names[i]) == rlen &&
                strncmp(trace_role_names[i], tok, rlen) == 0)
                role = i;
        if (role < 0)
            return trace_fail(r, -SIM_EUSAGE, 0, 0, "--columns",
                              "unknown role \"%.*s\" (known: time, id, size, "
                              "region, ttl, tags, version, cacheable)",
                              (int)rlen, tok);
        if (r->col[role] != -2)
            return trace_fail(r, -SIM_EUSAGE, 0, 0, "--columns",
                              "the %s column is given twice",
                              trace_role_names[role]);
        const char *ref = eq + 1;
        size_t ref_len = tlen - rlen - 1;
        uint64_t num;
        if (trace_parse_u64(ref, ref_len, &num) == 0) {
            if (num == 0)
                return trace_fail(r, -SIM_EUSAGE, 0, 0, "--columns",
                                  "column numbers start at 1, got %s=0",
                                  trace_role_names[role]);
            if (num > (uint64_t)h->total) {
                csv_header_list(h, cols, sizeof cols);
                return trace_fail(r, -SIM_EBADVAL, 1, 0, "--columns",
                                  "%s=%llu: the header has only %d "
                                  "column%s (%s)",
                                  trace_role_names[role],
                                  (unsigned long long)num, h->total,
                                  h->total == 1 ? "" : "s", cols);
            }
            r->col[role] = (int)num - 1;
        } else {
            int c = csv_column_by_name(h, ref, ref_len);
            if (c < 0) {
                csv_header_list(h, cols, sizeof cols);
                return trace_fail(r, -SIM_EBADVAL, 1, 0, "--columns",
                                  "%s=%.*s: the header has no column of "
                                  "that name (it has %s)",
                                  trace_role_names[role], (int)ref_len, ref,
                                  cols);
            }
            r->col[role] = c;
        }
    }
    return 0;
}

int
trace_csv_start(struct trace_reader *r, const char *columns)
{
    char *line;
    size_t len;
    int rc = trace_line(r, &line, &len);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return trace_fail(r, -SIM_ETRACE, 1, 0, NULL,
                          "the file is empty: a csv trace starts with a "
                          "header line");
    r->delim = memchr(line, '\t', len) ? '\t' : ',';

    struct csv_header h;
    h.n = h.total = 0;
    const char *p = line, *end = line + len;
    for (;;) {
        const char *f;
        size_t n;
        p = csv_field(p, end, r->delim, &f, &n);
        if (p == NULL)
            return trace_fail(r, -SIM_ETRACE, 1, h.total + 1, NULL,
                              "the header has a quote that is never closed");
        if (h.n < CSV_MAX_HEADER)
            snprintf(h.names[h.n++], sizeof h.names[0], "%.*s", (int)n, f);
        if (h.total < INT32_MAX)
            h.total++;
        if (p == end)
            break;
        p++;
    }

    for (int i = 0; i < TRACE_N_ROLES; i++)
        r->col[i] = -2; /* not given */
    if (columns != NULL && (rc = csv_apply_columns(r, &h, columns)) < 0)
        return rc;
    for (int i = 0; i < TRACE_N_ROLES; i++) {
        if (r->col[i] != -2)
            continue;
        r->col[i] = -1;
        for (int a = 0; role_aliases[i][a] != NULL && r->col[i] < 0; a++)
            r->col[i] = csv_column_by_name(&h, role_aliases[i][a],
                                           strlen(role_aliases[i][a]));
    }
    if (r->col[TRACE_COL_ID] < 0) {
        char cols[512];
        csv_header_list(&h, cols, sizeof cols);
        return trace_fail(r, -SIM_ETRACE, 1, 0, NULL,
                          "no id column in the header (%s): name it with "
                          "--columns id=N or id=NAME",
                          cols);
    }
    r->n_cols_needed = 0;
    for (int i = 0; i < TRACE_N_ROLES; i++)
        if (r->col[i] + 1 > r->n_cols_needed)
            r->n_cols_needed = r->col[i] + 1;
    return 0;
}

/* A ttl field: a duration with a unit, or seconds ("60", "0.25"). */
static int
csv_ttl(const char *s, size_t n, int64_t *out)
{
    char buf[64];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (parse_duration(buf, out) == 0)
        return 0;
    double v;
    if (parse_double(buf, &v) != 0 || v < 0 || v > 9.2e9)
        return -1;
    *out = (int64_t)llround(v * 1e9);
    return 0;
}

/*
 * A Cache-Control header (RFC 9111 5.2.2) into rec: max-age is the ttl,
 * s-maxage, stale-while-revalidate and stale-if-error (RFC 5861) their
 * fields, no-cache a ttl of 0 (stored, revalidated at every use), no-store
 * and private make the response uncacheable (by a shared cache). Other
 * directives (public, must-revalidate, immutable, ...) change nothing
 * cdnsim models and are skipped; directive names are case-insensitive.
 * Returns 0, or -1 with *bad pointing at a directive whose value is not a
 * number of seconds.
 */
static int
csv_cache_control(const char *s, size_t n, struct trace_rec *rec,
                  const char **bad, size_t *bad_len)
{
    static const struct {
        const char *name;
        unsigned bit;
        size_t offset;
    } timed[] = {
        {"max-age", TRACE_HAS_TTL, offsetof(struct trace_rec, ttl_ns)},
        {"s-maxage", TRACE_HAS_S_MAXAGE,
         offsetof(struct trace_rec, s_maxage_ns)},
        {"stale-while-revalidate", TRACE_HAS_SWR,
         offsetof(struct trace_rec, swr_ns)},
        {"stale-if-error", TRACE_HAS_SIE, offsetof(struct trace_rec, sie_ns)},
    };
    const char *p = s, *end = s + n;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ','))
            p++;
        const char *d = p;
        while (p < end && *p != ',')
            p++;
        const char *e = p;
        while (e > d && e[-1] == ' ')
            e--;
        if (e == d)
            continue;
        const char *eq = memchr(d, '=', (size_t)(e - d));
        size_t name_len = (size_t)((eq ? eq : e) - d);
        while (name_len > 0 && d[name_len - 1] == ' ')
            name_len--;
        int known = 0;
        for (size_t k = 0; k < sizeof timed / sizeof timed[0]; k++) {
            if (strlen(timed[k].name) != name_len ||
                strncasecmp(d, timed[k].name, name_len) != 0)
                continue;
            known = 1;
            const char *v = eq ? eq + 1 : e;
            while (v < e && *v == ' ')
                v++;
            /* A quoted value (its quotes doubled inside a quoted csv
             * field, which csv_field keeps as written). */
            while (v < e && *v == '"' && e[-1] == '"' && e - v >= 2)
                v++, e--;
            uint64_t secs;
            if (eq == NULL || trace_parse_u64(v, (size_t)(e - v), &secs) != 0 ||
                secs > 9200000000ULL) {
                *bad = d;
                *bad_len = (size_t)(p - d);
                return -1;
            }
            *(int64_t *)((char *)rec + timed[k].offset) =
                (int64_t)secs * 1000000000LL;
            rec->has |= timed[k].bit;
        }
        if (known)
            continue;
        if (name_len == 8 && strncasecmp(d, "no-cache", 8) == 0) {
            rec->ttl_ns = 0;
            rec->has |= TRACE_HAS_TTL;
        } else if ((name_len == 8 && strncasecmp(d, "no-store", 8) == 0) ||
                   (name_len == 7 && strncasecmp(d, "private", 7) == 0)) {
            rec->is_cacheable = 0;
            rec->has |= TRACE_HAS_CACHEABLE;
        }
    }
    return 0;
}

/* The s-maxage, stale-while-revalidate and stale-if-error columns, each a
 * duration as csv_ttl reads it. Returns 1 or a trace_fail code. */
static int
csv_durations(struct trace_reader *r, struct trace_rec *rec,
              const char *const *f, const size_t *n, unsigned long long ln)
{
    const char *v;
    size_t k;
    static const struct {
        int col;
        unsigned bit;
        size_t offset;
    } durations[] = {
        {TRACE_COL_S_MAXAGE, TRACE_HAS_S_MAXAGE,
         offsetof(struct trace_rec, s_maxage_ns)},
        {TRACE_COL_SWR, TRACE_HAS_SWR, offsetof(struct trace_rec, swr_ns)},
        {TRACE_COL_SIE, TRACE_HAS_SIE, offsetof(struct trace_rec, sie_ns)},
    };
    for (size_t d = 0; d < sizeof durations / sizeof durations[0]; d++) {
        int col = durations[d].col;
        if ((k = n[col]) == 0)
            continue;
        v = f[col];
        int64_t *dst = (int64_t *)((char *)rec + durations[d].offset);
        if (csv_ttl(v, k, dst) != 0)
            return trace_fail(r, -SIM_ETRACE, ln, r->col[col] + 1,
                              trace_role_names[col],
                              "line %llu, column %d: expected %s in seconds "
                              "or with a unit (\"90\", \"250ms\"), got "
                              "\"%.*s\"",
                              ln, r->col[col] + 1, trace_role_names[col],
                              (int)(k > 40 ? 40 : k), v);
        rec->has |= durations[d].bit;
    }
    return 1;
}

/* The cacheable column: 1 or 0, true or false. Returns 1 or a trace_fail
 * code. */
static int
csv_cacheable(struct trace_reader *r, struct trace_rec *rec, const char *v,
              size_t k, unsigned long long ln)
{
    char buf[8];
    int b = -1;
    if (k < sizeof buf) {
        memcpy(buf, v, k);
        buf[k] = '\0';
        if (strcmp(buf, "1") == 0)
            b = 1;
        else if (strcmp(buf, "0") == 0)
            b = 0;
        else if (parse_bool(buf, &b) != 0)
            b = -1;
    }
    if (b < 0)
        return trace_fail(
            r, -SIM_ETRACE, ln, r->col[TRACE_COL_CACHEABLE] + 1, "cacheable",
            "line %llu, column %d: expected 1 or 0 (true "
            "or false) for cacheable, got \"%.*s\"",
            ln, r->col[TRACE_COL_CACHEABLE] + 1, (int)(k > 40 ? 40 : k), v);
    rec->is_cacheable = b;
    rec->has |= TRACE_HAS_CACHEABLE;
    return 1;
}

/* The optional fields of a record that has them. */
static int
csv_optional(struct trace_reader *r, struct trace_rec *rec,
             const char *const *f, const size_t *n, unsigned long long ln)
{
    const char *v;
    size_t k;
    /* First, so that the fields' own columns override what it says. */
    if ((k = n[TRACE_COL_CACHE_CONTROL]) > 0) {
        const char *bad;
        size_t bad_len;
        if (csv_cache_control(f[TRACE_COL_CACHE_CONTROL], k, rec, &bad,
                              &bad_len) != 0)
            return trace_fail(r, -SIM_ETRACE, ln,
                              r->col[TRACE_COL_CACHE_CONTROL] + 1,
                              "cache_control",
                              "line %llu, column %d: expected a whole "
                              "number of seconds in \"%.*s\"",
                              ln, r->col[TRACE_COL_CACHE_CONTROL] + 1,
                              (int)(bad_len > 60 ? 60 : bad_len), bad);
    }
    if ((k = n[TRACE_COL_REGION]) > 0) {
        rec->has |= TRACE_HAS_REGION;
        rec->region = f[TRACE_COL_REGION];
        rec->region_len = k;
    }
    if ((k = n[TRACE_COL_TAGS]) > 0) {
        rec->has |= TRACE_HAS_TAGS;
        rec->tags = f[TRACE_COL_TAGS];
        rec->tags_len = k;
    }
    if ((k = n[TRACE_COL_TTL]) > 0) {
        v = f[TRACE_COL_TTL];
        if (csv_ttl(v, k, &rec->ttl_ns) != 0)
            return trace_fail(
                r, -SIM_ETRACE, ln, r->col[TRACE_COL_TTL] + 1, "ttl",
                "line %llu, column %d: expected a ttl in "
                "seconds or with a unit (\"90\", \"250ms\"), "
                "got \"%.*s\"",
                ln, r->col[TRACE_COL_TTL] + 1, (int)(k > 40 ? 40 : k), v);
        rec->has |= TRACE_HAS_TTL;
    }
    int rc = csv_durations(r, rec, f, n, ln);
    if (rc != 1)
        return rc;
    if ((k = n[TRACE_COL_VERSION]) > 0) {
        v = f[TRACE_COL_VERSION];
        if (trace_parse_u64(v, k, &rec->version) != 0)
            return trace_fail(
                r, -SIM_ETRACE, ln, r->col[TRACE_COL_VERSION] + 1, "version",
                "line %llu, column %d: expected a whole number "
                "for the version, got \"%.*s\"",
                ln, r->col[TRACE_COL_VERSION] + 1, (int)(k > 40 ? 40 : k), v);
        rec->has |= TRACE_HAS_VERSION;
    }
    if ((k = n[TRACE_COL_CACHEABLE]) > 0)
        return csv_cacheable(r, rec, f[TRACE_COL_CACHEABLE], k, ln);
    return 1;
}

int
trace_csv_next(struct trace_reader *r, struct trace_rec *rec)
{
    char *line;
    size_t len;
    int rc;
    do {
        rc = trace_line(r, &line, &len);
        if (rc <= 0)
            return rc;
    } while (len == 0);

    unsigned long long ln = (unsigned long long)r->n_lines;
    const char *f[TRACE_N_ROLES] = {NULL};
    size_t n[TRACE_N_ROLES] = {0};
    const char *p = line, *end = line + len;
    int k = 0;
    for (;;) {
        const char *fk;
        size_t nk;
        p = csv_field(p, end, r->delim, &fk, &nk);
        if (p == NULL)
            return trace_fail(r, -SIM_ETRACE, ln, k + 1, NULL,
                              "line %llu, column %d: a quote is never closed",
                              ln, k + 1);
        for (int i = 0; i < TRACE_N_ROLES; i++)
            if (r->col[i] == k) {
                f[i] = fk;
                n[i] = nk;
            }
        k++;
        if (p == end || k >= r->n_cols_needed)
            break;
        p++;
    }
    /* A short line lacks nothing optional (those fields are empty), but a
     * missing time, id or size is an error. */
    for (int i = 0; i < TRACE_COL_REGION; i++)
        if (r->col[i] >= k)
            return trace_fail(
                r, -SIM_ETRACE, ln, r->col[i] + 1, trace_role_names[i],
                "line %llu has %d column%s; the %s is column "
                "%d",
                ln, k, k == 1 ? "" : "s", trace_role_names[i], r->col[i] + 1);

    int c = r->col[TRACE_COL_ID];
    if (n[TRACE_COL_ID] == 0)
        return trace_fail(r, -SIM_ETRACE, ln, c + 1, "id",
                          "line %llu, column %d: the id is empty", ln, c + 1);
    rec->id = trace_parse_id(f[TRACE_COL_ID], n[TRACE_COL_ID]);
    rec->key = f[TRACE_COL_ID];
    rec->key_len = n[TRACE_COL_ID];

    c = r->col[TRACE_COL_TIME];
    if (c < 0) {
        rec->time = (int64_t)r->n_records;
    } else if (trace_parse_i64(f[TRACE_COL_TIME], n[TRACE_COL_TIME],
                               &rec->time) != 0) {
        return trace_fail(
            r, -SIM_ETRACE, ln, c + 1, "time",
            "line %llu, column %d: expected a whole number "
            "for the time, got \"%.*s\"",
            ln, c + 1, (int)(n[TRACE_COL_TIME] > 40 ? 40 : n[TRACE_COL_TIME]),
            f[TRACE_COL_TIME]);
    }

    c = r->col[TRACE_COL_SIZE];
    if (c < 0) {
        rec->size = 1;
    } else if (trace_parse_u64(f[TRACE_COL_SIZE], n[TRACE_COL_SIZE],
                               &rec->size) != 0) {
        return trace_fail(
            r, -SIM_ETRACE, ln, c + 1, "size",
            "line %llu, column %d: expected a whole number "
            "of bytes for the size, got \"%.*s\"",
            ln, c + 1, (int)(n[TRACE_COL_SIZE] > 40 ? 40 : n[TRACE_COL_SIZE]),
            f[TRACE_COL_SIZE]);
    }
    rec->next_access = -1;
    return csv_optional(r, rec, f, n, ln);
}
