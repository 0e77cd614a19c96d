/* fields.c: typed values read out of one YAML mapping, each checked and
 * each failure reported at the offending node with its field path.
 *
 * Messages follow one pattern, "expected WHAT, got VALUE", so that every
 * error names both what would have been accepted and what was found. */
#include "config/config_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/idmap.h"
#include "util/parse.h"
#include "util/xalloc.h"

int
cfg_map_open(struct cfg_map *m, const struct cfg_doc *d, int id,
             const char *field, struct sim_err *err)
{
    m->d = d;
    m->id = id;
    snprintf(m->field, sizeof m->field, "%s", field ? field : "");
    const yaml_node_t *n = cfg_doc_node(d, id);
    if (n == NULL || n->type != YAML_MAPPING_NODE) {
        char got[96];
        cfg_doc_describe(d, id, got, sizeof got);
        return cfg_doc_err(d, id, -SIM_EBADTYPE, m->field, err,
                           "expected a mapping, got %s", got);
    }
    return 0;
}

void
cfg_map_field(const struct cfg_map *m, const char *key, char *buf, size_t len)
{
    int n = m->field[0] ? snprintf(buf, len, "%s.%s", m->field, key)
                        : snprintf(buf, len, "%s", key);
    /* Mark a path too long for buf as cut, so that it is not mistaken for
     * a shorter field. */
    if ((n < 0 || (size_t)n >= len) && len > 4)
        memcpy(buf + len - 4, "...", 4);
}

/* Is key one of the NULL-terminated list? */
static int
is_listed(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return 1;
    return 0;
}

/* Joins a NULL-terminated list with ", ". */
static void
join_list(const char *const *list, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (; *list && n < len; list++) {
        int k = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *list);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

/* Mappings with more keys than this find repeated keys through a hash
 * table, so that a topology's latency table with thousands of names is not
 * checked pair by pair. */
#define KEY_SCAN_MAX 16

/* The earlier pair of the mapping starting at start whose key is key, or
 * NULL. With seen (a map from key hashes to pair indices, one per hash),
 * records key there when it is new. */
static const yaml_node_pair_t *
earlier_key(const struct cfg_map *m, const yaml_node_pair_t *start,
            const yaml_node_pair_t *p, const char *key, struct idmap *seen)
{
    if (seen != NULL) {
        uint64_t h = hash_bytes(key, strlen(key));
        uint32_t k = idmap_get(seen, h);
        if (k == IDMAP_EMPTY) {
            idmap_put(seen, h, (uint32_t)(p - start));
            return NULL;
        }
        const char *prev = cfg_doc_scalar(m->d, start[k].key);
        if (prev != NULL && strcmp(prev, key) == 0)
            return &start[k];
        /* Two keys share a hash: compare them all. */
    }
    for (const yaml_node_pair_t *q = start; q < p; q++) {
        const char *prev = cfg_doc_scalar(m->d, q->key);
        if (prev != NULL && strcmp(prev, key) == 0)
            return q;
    }
    return NULL;
}

/* One key of a mapping: a name, not given before, allowed. */
static int
check_key(const struct cfg_map *m, const yaml_node_pair_t *start,
          const yaml_node_pair_t *p, const char *const *allowed,
          struct idmap *seen, struct sim_err *err)
{
    const char *key = cfg_doc_scalar(m->d, p->key);
    char field[CFG_FIELD_MAX];
    if (key == NULL) {
        char got[96];
        cfg_doc_describe(m->d, p->key, got, sizeof got);
        return cfg_doc_err(m->d, p->key, -SIM_EBADTYPE, m->field, err,
                           "expected a key name, got %s", got);
    }
    cfg_map_field(m, key, field, sizeof field);
    const yaml_node_pair_t *q = earlier_key(m, start, p, key, seen);
    if (q != NULL) {
        struct cfg_mark first = cfg_doc_mark(m->d, q->key);
        return cfg_doc_err(m->d, p->key, -SIM_EDUP, field, err,
                           "key \"%s\" given twice (first at line %d)", key,
                           first.line);
    }
    if (allowed != NULL && !is_listed(allowed, key)) {
        char list[400];
        join_list(allowed, list, sizeof list);
        return cfg_doc_err(m->d, p->key, -SIM_EBADKEY, field, err,
                           "unknown key \"%s\" (allowed: %s)", key, list);
    }
    return 0;
}

int
cfg_map_check_keys(const struct cfg_map *m, const char *const *allowed,
                   const char *const *required, struct sim_err *err)
{
    const yaml_node_t *n = cfg_doc_node(m->d, m->id);
    const yaml_node_pair_t *start = n->data.mapping.pairs.start;
    const yaml_node_pair_t *top = n->data.mapping.pairs.top;
    struct idmap seen, *seen_p = NULL;
    if (top - start > KEY_SCAN_MAX) {
        idmap_init(&seen);
        seen_p = &seen;
    }
    int rc = 0;
    for (const yaml_node_pair_t *p = start; p < top && rc == 0; p++)
        rc = check_key(m, start, p, allowed, seen_p, err);
    if (seen_p != NULL)
        idmap_fini(seen_p);
    if (rc != 0)
        return rc;
    for (; required && *required; required++)
        if (cfg_map_find(m, *required) == 0)
            return cfg_map_missing(m, *required, err);
    return 0;
}

int
cfg_map_find(const struct cfg_map *m, const char *key)
{
    return cfg_doc_lookup(m->d, m->id, key, NULL);
}

int
cfg_map_key_id(const struct cfg_map *m, const char *key)
{
    int key_id;
    cfg_doc_lookup(m->d, m->id, key, &key_id);
    return key_id;
}

int
cfg_map_bad(const struct cfg_map *m, const char *key, int id, const char *what,
            struct sim_err *err)
{
    char field[CFG_FIELD_MAX], got[96];
    cfg_map_field(m, key, field, sizeof field);
    cfg_doc_describe(m->d, id, got, sizeof got);
    int code = cfg_doc_scalar(m->d, id) ? -SIM_EBADVAL : -SIM_EBADTYPE;
    return cfg_doc_err(m->d, id, code, field, err, "expected %s, got %s", what,
                       got);
}

int
cfg_map_missing(const struct cfg_map *m, const char *key, struct sim_err *err)
{
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_doc_err(m->d, m->id, -SIM_ENOKEY, field, err,
                       "missing key \"%s\"", key);
}

/*
 * Looks up a key whose value must be a scalar. Returns 1 with *id and
 * *text set when present, 0 when absent and optional, or an error.
 */
static int
map_scalar(const struct cfg_map *m, const char *key, int required,
           const char *what, int *id, const char **text, struct sim_err *err)
{
    *id = cfg_map_find(m, key);
    if (*id == 0)
        return required ? cfg_map_missing(m, key, err) : 0;
    *text = cfg_doc_scalar(m->d, *id);
    if (*text == NULL)
        return cfg_map_bad(m, key, *id, what, err);
    return 1;
}

int
cfg_map_child(const struct cfg_map *m, const char *key, yaml_node_type_t type,
              int required, int *out, struct sim_err *err)
{
    *out = 0;
    int id = cfg_map_find(m, key);
    if (id == 0)
        return required ? cfg_map_missing(m, key, err) : 0;
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    if (n->type != type)
        return cfg_map_bad(m, key, id,
                           type == YAML_MAPPING_NODE
                               ? "a mapping"
                               : "a sequence (items written \"- ...\")",
                           err);
    if (required && type == YAML_SEQUENCE_NODE &&
        n->data.sequence.items.start == n->data.sequence.items.top) {
        char field[CFG_FIELD_MAX];
        cfg_map_field(m, key, field, sizeof field);
        return cfg_doc_err(m->d, id, -SIM_EBADVAL, field, err,
                           "expected at least one item, got an empty "
                           "sequence");
    }
    *out = id;
    return 0;
}

int
cfg_map_items(const struct cfg_map *m, const char *key, int required,
              struct cfg_items *out, struct sim_err *err)
{
    *out = (struct cfg_items){0};
    int rc = cfg_map_child(m, key, YAML_SEQUENCE_NODE, required, &out->id, err);
    if (rc != 0 || out->id == 0)
        return rc;
    const yaml_node_t *n = cfg_doc_node(m->d, out->id);
    out->item = n->data.sequence.items.start;
    out->count = (size_t)(n->data.sequence.items.top - out->item);
    return 0;
}

/* Names end up in --set paths, so '.', '=' and blanks are reserved. */
static int
is_valid_name(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == '.' || *s == '=' || *s == 0x7f)
            return 0;
    return 1;
}

int
cfg_map_name(const struct cfg_map *m, const char *key, int required, char **out,
             struct sim_err *err)
{
    static const char what[] = "a name (no spaces, '.' or '=')";
    *out = NULL;
    int id;
    const char *text;
    int rc = map_scalar(m, key, required, what, &id, &text, err);
    if (rc <= 0)
        return rc;
    if (!is_valid_name(text))
        return cfg_map_bad(m, key, id, what, err);
    *out = xstrdup(text);
    return 0;
}

int
cfg_map_string(const struct cfg_map *m, const char *key, const char *dflt,
               char **out, struct sim_err *err)
{
    static const char what[] = "a non-empty string";
    *out = NULL;
    int id;
    const char *text;
    int rc = map_scalar(m, key, dflt == NULL, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = xstrdup(dflt);
        return 0;
    }
    if (*text == '\0')
        return cfg_map_bad(m, key, id, what, err);
    *out = xstrdup(text);
    return 0;
}

int
cfg_map_strings(const struct cfg_map *m, const char *key, const char *what,
                char ***out, size_t *n_out, struct sim_err *err)
{
    *out = NULL;
    *n_out = 0;
    int id = cfg_map_find(m, key);
    if (id == 0)
        return 0;
    const yaml_node_t *n = cfg_doc_node(m->d, id);
    const char *text = cfg_doc_scalar(m->d, id);
    if (text != NULL) {
        if (*text == '\0')
            return cfg_map_bad(m, key, id, what, err);
        *out = xcalloc(1, sizeof **out);
        (*out)[0] = xstrdup(text);
        *n_out = 1;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE ||
        n->data.sequence.items.top == n->data.sequence.items.start)
        return cfg_map_bad(m, key, id, what, err);
    size_t count =
        (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *out = xcalloc(count, sizeof **out);
    for (size_t k = 0; k < count; k++) {
        int item = n->data.sequence.items.start[k];
        const char *v = cfg_doc_scalar(m->d, item);
        if (v == NULL || *v == '\0')
            return cfg_map_bad(m, key, item, what, err);
        (*out)[k] = xstrdup(v);
        *n_out = k + 1;
    }
    return 0;
}

void
cfg_strings_free(char **v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(v[k]);
    free(v);
}

int
cfg_map_size(const struct cfg_map *m, const char *key, int required,
             uint64_t dflt, uint64_t *out, struct sim_err *err)
{
    static const char what[] = "a positive size such as \"64GiB\"";
    int id;
    const char *text;
    int rc = map_scalar(m, key, required, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = dflt;
        return 0;
    }
    uint64_t v;
    if (parse_size(text, &v) != 0 || v == 0)
        return cfg_map_bad(m, key, id, what, err);
    *out = v;
    return 0;
}

/* Plain decimal notation only: no hex, "inf" or "nan" through strtod. */
static int
is_decimal_text(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (strchr("0123456789.eE+-", *s) == NULL)
            return 0;
    return 1;
}

/* A whole number written as digits or in exponent form ("1e6"). */
static int
parse_count(const char *s, uint64_t *out)
{
    if (parse_u64(s, out) == 0)
        return 0;
    double v;
    if (!is_decimal_text(s) || parse_double(s, &v) != 0)
        return -SIM_EBADVAL;
    /* 2^64 is the first double above UINT64_MAX. */
    if (v < 0 || v != floor(v) || v >= 18446744073709551616.0)
        return -SIM_EBADVAL;
    *out = (uint64_t)v;
    return 0;
}

int
cfg_map_count(const struct cfg_map *m, const char *key, int required,
              uint64_t dflt, uint64_t min, uint64_t *out, struct sim_err *err)
{
    char what[64];
    if (min == 0)
        snprintf(what, sizeof what, "a whole number >= 0");
    else if (min == 1)
        snprintf(what, sizeof what, "a positive whole number");
    else
        snprintf(what, sizeof what, "a whole number >= %llu",
                 (unsigned long long)min);
    int id;
    const char *text;
    int rc = map_scalar(m, key, required, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = dflt;
        return 0;
    }
    uint64_t v;
    if (parse_count(text, &v) != 0 || v < min)
        return cfg_map_bad(m, key, id, what, err);
    *out = v;
    return 0;
}

int
cfg_map_number(const struct cfg_map *m, const char *key, int required,
               double dflt, double min, int is_min_excl, double max,
               double *out, struct sim_err *err)
{
    char what[96];
    int n = snprintf(what, sizeof what, "a number %s %g",
                     is_min_excl ? ">" : ">=", min);
    if (isfinite(max) && n > 0 && (size_t)n < sizeof what)
        snprintf(what + n, sizeof what - (size_t)n, " and <= %g", max);
    int id;
    const char *text;
    int rc = map_scalar(m, key, required, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = dflt;
        return 0;
    }
    double v;
    if (!is_decimal_text(text) || parse_double(text, &v) != 0 ||
        (is_min_excl ? v <= min : v < min) || v > max)
        return cfg_map_bad(m, key, id, what, err);
    *out = v;
    return 0;
}

int
cfg_map_duration(const struct cfg_map *m, const char *key, int required,
                 int64_t dflt, int64_t *out, struct sim_err *err)
{
    static const char what[] =
        "a positive duration such as \"1s\" or \"250ms\" (a unit is "
        "needed) up to " CFG_TIME_MAX_TEXT;
    int id;
    const char *text;
    int rc = map_scalar(m, key, required, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = dflt;
        return 0;
    }
    int64_t v;
    if (parse_duration(text, &v) != 0 || v <= 0 || v > CFG_TIME_MAX_NS)
        return cfg_map_bad(m, key, id, what, err);
    *out = v;
    return 0;
}

int
cfg_map_submap(const struct cfg_map *m, const char *key, int required,
               struct cfg_map *out, int *is_present, struct sim_err *err)
{
    int id;
    *is_present = 0;
    int rc = cfg_map_child(m, key, YAML_MAPPING_NODE, required, &id, err);
    if (rc != 0 || id == 0)
        return rc;
    *is_present = 1;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_map_open(out, m->d, id, field, err);
}

int
cfg_map_bool(const struct cfg_map *m, const char *key, int dflt, int *out,
             struct sim_err *err)
{
    static const char what[] = "true or false";
    int id;
    const char *text;
    int rc = map_scalar(m, key, 0, what, &id, &text, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *out = dflt;
        return 0;
    }
    if (parse_bool(text, out) != 0)
        return cfg_map_bad(m, key, id, what, err);
    return 0;
}

int
cfg_map_forbid(const struct cfg_map *m, const char *key, const char *why,
               struct sim_err *err)
{
    int key_id = cfg_map_key_id(m, key);
    if (key_id == 0)
        return 0;
    char field[CFG_FIELD_MAX];
    cfg_map_field(m, key, field, sizeof field);
    return cfg_doc_err(m->d, key_id, -SIM_EBADKEY, field, err, "key \"%s\" %s",
                       key, why);
}

int
cfg_map_choice(const struct cfg_map *m, const char *key,
               const char *const *names, const char *what, int *out,
               struct sim_err *err)
{
    int id = cfg_map_find(m, key);
    if (id == 0)
        return 0;
    const char *text = cfg_doc_scalar(m->d, id);
    for (int k = 0; text != NULL && names[k] != NULL; k++)
        if (strcmp(text, names[k]) == 0) {
            *out = k;
            return 0;
        }
    char listed[160];
    if (what == NULL) {
        size_t len = (size_t)snprintf(listed, sizeof listed, "one of");
        for (int k = 0; names[k] != NULL && len < sizeof listed; k++)
            len += (size_t)snprintf(listed + len, sizeof listed - len, "%s %s",
                                    k ? "," : "", names[k]);
        what = listed;
    }
    return cfg_map_bad(m, key, id, what, err);
}
