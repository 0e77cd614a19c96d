/* override.c: --set PATH=VALUE, applied to the YAML trees before they are
 * read, so that an overridden value goes through exactly the validation a
 * value in the file would.
 *
 * A replaced scalar is not edited in place: a new scalar node is added and
 * the mapping pair or sequence slot is pointed at it. The old node stays
 * in the document (and is freed with it); the new one is marked with the
 * override's number so that errors about it name "--set". */
#include "config/config_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Top-level keys that say which file a path is in ("name" is in both). */
static const char *const topo_roots[] = {"regions",
                                         "nodes",
                                         "latency_ms",
                                         "bandwidth_mbps",
                                         "outages",
                                         "failure_detection",
                                         "link_capacity_mbps",
                                         "cache_key",
                                         "providers",
                                         "brownouts",
                                         "dns_ttl",
                                         "placement",
                                         "origin_routes",
                                         NULL};
static const char *const wl_roots[] = {
    "seed",    "requests", "warmup", "arrival", "catalog",
    "metrics", "events",   "trace",  "video",   NULL};

/* Longest list of known names quoted in a message. */
#define KNOWN_MAX 320

/* One override being applied. */
struct set_ctx {
    const char *text;  /* "PATH=VALUE" as given */
    char *path;        /* own copy of PATH */
    const char *value; /* VALUE: points into text */
    char **seg;        /* PATH split at '.'; point into seg_buf */
    size_t *seg_end;   /* [k]: length of PATH up to the end of seg[k] */
    size_t n_seg;      /* entries in seg and seg_end */
    char *seg_buf;     /* a copy of PATH with each '.' made a '\0' */
    int set_no;        /* 1-based position on the command line */
};

static int set_err(const struct set_ctx *s, int code, struct sim_err *err,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reports a problem with an override: file "--set", field = its path. */
static int
set_err(const struct set_ctx *s, int code, struct sim_err *err, const char *fmt,
        ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sim_err_set(err, code, CFG_SET_FILE, 0, 0,
                       s->path && s->path[0] ? s->path : s->text, "%s", msg);
}

/* Is key one of the NULL-terminated list? */
static int
is_root_of(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (strcmp(*list, key) == 0)
            return 1;
    return 0;
}

/* Appends name to a ", "-separated list, ending it with "..." once full. */
static void
known_add(char *buf, size_t *n, const char *name)
{
    if (*n >= KNOWN_MAX - 4)
        return;
    int k = snprintf(buf + *n, KNOWN_MAX - *n, "%s%s", *n ? ", " : "", name);
    if (k < 0 || *n + (size_t)k >= KNOWN_MAX - 4) {
        snprintf(buf + *n, KNOWN_MAX - *n, "%s...", *n ? ", " : "");
        *n = KNOWN_MAX;
        return;
    }
    *n += (size_t)k;
}

/* Splits "PATH=VALUE" and PATH into its segments. */
static int
set_split(struct set_ctx *s, struct sim_err *err)
{
    const char *eq = strchr(s->text, '=');
    if (eq == NULL)
        return set_err(s, -SIM_EBADVAL, err, "expected PATH=VALUE, got \"%s\"",
                       s->text);
    size_t len = (size_t)(eq - s->text);
    s->path = xmalloc(len + 1);
    memcpy(s->path, s->text, len);
    s->path[len] = '\0';
    s->value = eq + 1;
    if (len == 0)
        return set_err(s, -SIM_EBADVAL, err,
                       "expected PATH=VALUE with a field path before '=', "
                       "got \"%s\"",
                       s->text);
    s->seg_buf = xstrdup(s->path);
    size_t max = 1;
    for (const char *p = s->path; *p; p++)
        max += *p == '.';
    s->seg = xcalloc(max, sizeof *s->seg);
    s->seg_end = xcalloc(max, sizeof *s->seg_end);
    char *p = s->seg_buf;
    for (;;) {
        char *dot = strchr(p, '.');
        if (dot)
            *dot = '\0';
        if (*p == '\0')
            return set_err(s, -SIM_EBADVAL, err, "empty field name in \"%s\"",
                           s->path);
        s->seg[s->n_seg] = p;
        s->seg_end[s->n_seg] = (size_t)(p - s->seg_buf) + strlen(p);
        s->n_seg++;
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    return 0;
}

/* Chooses the document from the first segment; sets *first to the first
 * segment inside that document. */
static int
set_pick_doc(const struct set_ctx *s, struct cfg_doc *topo, struct cfg_doc *wl,
             struct cfg_doc **out, size_t *first, struct sim_err *err)
{
    const char *s0 = s->seg[0];
    const char *which;
    *first = 0;
    if (strcmp(s0, "topology") == 0 || strcmp(s0, "workload") == 0) {
        if (s->n_seg < 2)
            return set_err(s, -SIM_EBADVAL, err,
                           "\"%s\" needs a field after it, such as "
                           "\"%s.name\"",
                           s0, s0);
        *first = 1;
        which = s0;
    } else if (strcmp(s0, "name") == 0) {
        return set_err(s, -SIM_EBADVAL, err,
                       "\"name\" is in both files: write \"topology.name\" "
                       "or \"workload.name\"");
    } else if (is_root_of(topo_roots, s0)) {
        which = "topology";
    } else if (is_root_of(wl_roots, s0)) {
        which = "workload";
    } else {
        char known[KNOWN_MAX];
        size_t n = 0;
        known[0] = '\0';
        known_add(known, &n, "name");
        for (const char *const *r = topo_roots; *r; r++)
            known_add(known, &n, *r);
        for (const char *const *r = wl_roots; *r; r++)
            known_add(known, &n, *r);
        return set_err(s, -SIM_EBADVAL, err, "no such field \"%s\" (known: %s)",
                       s0, known);
    }
    *out = strcmp(which, "topology") == 0 ? topo : wl;
    if (*out == NULL || !(*out)->is_loaded)
        return set_err(s, -SIM_EBADVAL, err,
                       "no %s file was given, so \"%s\" cannot be set", which,
                       s->path);
    return 0;
}

/* The document's node id as a writable pointer (d is ours to edit). */
static yaml_node_t *
node_rw(struct cfg_doc *d, int id)
{
    return d->doc.nodes.start + (id - 1);
}

/* The item of a sequence whose "name" is seg, else the item at index seg;
 * -1 when neither exists. */
static long
seq_find(const struct cfg_doc *d, const yaml_node_t *seq, const char *seg)
{
    const yaml_node_item_t *start = seq->data.sequence.items.start;
    const yaml_node_item_t *top = seq->data.sequence.items.top;
    for (const yaml_node_item_t *it = start; it < top; it++) {
        const char *name =
            cfg_doc_scalar(d, cfg_doc_lookup(d, *it, "name", NULL));
        if (name != NULL && strcmp(name, seg) == 0)
            return (long)(it - start);
    }
    if (seg[0] < '0' || seg[0] > '9' || strlen(seg) > 9)
        return -1;
    char *end;
    long i = strtol(seg, &end, 10);
    if (*end != '\0' || i >= (long)(top - start))
        return -1;
    return i;
}

/* Reports that item seg k does not exist in sequence cur, listing the
 * names there. (A missing key of a mapping is added instead.) */
static int
set_no_item(const struct set_ctx *s, const struct cfg_doc *d, int cur, size_t k,
            struct sim_err *err)
{
    const yaml_node_t *n = cfg_doc_node(d, cur);
    char known[KNOWN_MAX];
    size_t len = 0;
    known[0] = '\0';
    int prefix = (int)s->seg_end[k];
    const yaml_node_item_t *start = n->data.sequence.items.start;
    const yaml_node_item_t *top = n->data.sequence.items.top;
    for (const yaml_node_item_t *it = start; it < top; it++) {
        const char *name =
            cfg_doc_scalar(d, cfg_doc_lookup(d, *it, "name", NULL));
        if (name)
            known_add(known, &len, name);
    }
    /* The sequence is never the root, so a key led to it. */
    return set_err(s, -SIM_EBADVAL, err,
                   "no such field \"%.*s\" (known %s: %s; or an index "
                   "below %ld)",
                   prefix, s->path, s->seg[k - 1], len ? known : "none",
                   (long)(top - start));
}

/* Adds the final key, missing from mapping map, with the override's
 * value. */
static int
set_add_key(const struct set_ctx *s, struct cfg_doc *d, int map,
            const char *key, struct sim_err *err)
{
    int key_id = cfg_doc_add_scalar(d, key, s->set_no);
    int value_id = key_id ? cfg_doc_add_scalar(d, s->value, s->set_no) : 0;
    if (value_id == 0)
        return set_err(s, -SIM_EBADVAL, err,
                       "the path or value is not valid UTF-8");
    if (!yaml_document_append_mapping_pair(&d->doc, map, key_id, value_id))
        return set_err(s, -SIM_EINTERNAL, err,
                       "cannot add \"%s\" to the document", key);
    return 0;
}

/*
 * Adds key, missing from mapping *map, holding a new empty mapping, and
 * moves *map to it: the rest of the path is built inside. Whether the key
 * may be there at all is for the validation of the file, which names
 * "--set" as the source of what is made here.
 */
static int
set_add_mapping(const struct set_ctx *s, struct cfg_doc *d, int *map,
                const char *key, struct sim_err *err)
{
    int key_id = cfg_doc_add_scalar(d, key, s->set_no);
    int value_id = key_id ? cfg_doc_add_mapping(d, s->set_no) : 0;
    if (key_id == 0)
        return set_err(s, -SIM_EBADVAL, err, "the path is not valid UTF-8");
    if (value_id == 0 ||
        !yaml_document_append_mapping_pair(&d->doc, *map, key_id, value_id))
        return set_err(s, -SIM_EINTERNAL, err,
                       "cannot add \"%s\" to the document", key);
    *map = value_id;
    return 0;
}

/* Points slot i of node parent (a mapping pair's value or a sequence
 * item) at a new scalar holding the override's value. */
static int
set_replace(const struct set_ctx *s, struct cfg_doc *d, int parent, long i,
            struct sim_err *err)
{
    const yaml_node_t *p = cfg_doc_node(d, parent);
    int old = p->type == YAML_MAPPING_NODE
                  ? p->data.mapping.pairs.start[i].value
                  : p->data.sequence.items.start[i];
    const yaml_node_t *o = cfg_doc_node(d, old);
    if (o->type != YAML_SCALAR_NODE)
        return set_err(s, -SIM_EBADTYPE, err,
                       "\"%s\" is a %s; --set replaces only single values "
                       "such as \"%s.NAME=VALUE\"",
                       s->path,
                       o->type == YAML_MAPPING_NODE ? "mapping" : "sequence",
                       s->path);
    int id = cfg_doc_add_scalar(d, s->value, s->set_no);
    if (id == 0)
        return set_err(s, -SIM_EBADVAL, err, "the value is not valid UTF-8");
    /* Adding a node may have moved every node: look the parent up again. */
    yaml_node_t *w = node_rw(d, parent);
    if (w->type == YAML_MAPPING_NODE)
        w->data.mapping.pairs.start[i].value = id;
    else
        w->data.sequence.items.start[i] = id;
    return 0;
}

/*
 * A latency_ms entry given as a plain number that a --set path goes into
 * (latency_ms.A.B.jitter=...): the number becomes the mapping {rtt:
 * NUMBER} (latency_spec.c) in slot i of mapping parent, and *cur moves to
 * it.
 */
static int
set_latency_mapping(const struct set_ctx *s, struct cfg_doc *d, int parent,
                    long i, int *cur, struct sim_err *err)
{
    char *rtt = xstrdup(cfg_doc_scalar(d, *cur));
    int map = cfg_doc_add_mapping(d, s->set_no);
    int key_id = map ? cfg_doc_add_scalar(d, "rtt", s->set_no) : 0;
    int value_id = key_id ? cfg_doc_add_scalar(d, rtt, s->set_no) : 0;
    free(rtt);
    if (value_id == 0 ||
        !yaml_document_append_mapping_pair(&d->doc, map, key_id, value_id))
        return set_err(s, -SIM_EINTERNAL, err,
                       "cannot turn the latency into a mapping");
    /* Adding nodes may have moved every node: look the parent up again. */
    node_rw(d, parent)->data.mapping.pairs.start[i].value = map;
    *cur = map;
    return 0;
}

/* Follows the path from the document root and applies the value. */
static int
set_walk(const struct set_ctx *s, struct cfg_doc *d, size_t first,
         struct sim_err *err)
{
    int cur = cfg_doc_root(d);
    int parent = 0; /* the mapping cur is a value of, and its slot */
    long parent_i = -1;
    for (size_t k = first; k < s->n_seg; k++) {
        const char *seg = s->seg[k];
        int is_last = k + 1 == s->n_seg;
        const yaml_node_t *n = cfg_doc_node(d, cur);
        long i = -1;
        if (n->type == YAML_MAPPING_NODE) {
            const yaml_node_pair_t *start = n->data.mapping.pairs.start;
            for (const yaml_node_pair_t *p = start;
                 p < n->data.mapping.pairs.top; p++) {
                const char *key = cfg_doc_scalar(d, p->key);
                if (key != NULL && strcmp(key, seg) == 0) {
                    i = (long)(p - start);
                    break;
                }
            }
            if (i < 0 && is_last)
                return set_add_key(s, d, cur, seg, err);
            if (i < 0) {
                int rc = set_add_mapping(s, d, &cur, seg, err);
                if (rc != 0)
                    return rc;
                continue;
            }
            if (is_last)
                return set_replace(s, d, cur, i, err);
            parent = cur;
            parent_i = i;
            cur = start[i].value;
        } else if (n->type == YAML_SEQUENCE_NODE) {
            i = seq_find(d, n, seg);
            if (i < 0)
                return set_no_item(s, d, cur, k, err);
            if (is_last)
                return set_replace(s, d, cur, i, err);
            parent = 0;
            cur = n->data.sequence.items.start[i];
        } else if (k == first + 3 && parent != 0 &&
                   strcmp(s->seg[first], "latency_ms") == 0) {
            int rc = set_latency_mapping(s, d, parent, parent_i, &cur, err);
            if (rc != 0)
                return rc;
            k--; /* walk segment k again, inside the new mapping */
        } else {
            char got[96];
            cfg_doc_describe(d, cur, got, sizeof got);
            return set_err(s, -SIM_EBADVAL, err,
                           "no such field \"%.*s\": \"%.*s\" is a single "
                           "value (%s)",
                           (int)s->seg_end[k], s->path, (int)s->seg_end[k - 1],
                           s->path, got);
        }
    }
    return 0; /* not reached: the last segment returns above */
}

/* Frees what set_split made. */
static void
set_fini(struct set_ctx *s)
{
    free(s->seg_end);
    free(s->seg);
    free(s->seg_buf);
    free(s->path);
}

/* Applies one "PATH=VALUE", override number set_no. */
static int
set_one(struct cfg_doc *topo, struct cfg_doc *wl, const char *text, int set_no,
        struct sim_err *err)
{
    struct set_ctx s = {.text = text, .set_no = set_no};
    struct cfg_doc *d = NULL;
    size_t first = 0;
    int rc = set_split(&s, err);
    if (rc == 0)
        rc = set_pick_doc(&s, topo, wl, &d, &first, err);
    if (rc == 0)
        rc = set_walk(&s, d, first, err);
    set_fini(&s);
    return rc;
}

/*
 * "...cache.policy=NAME:KEY=VALUE:..." (replay's --policy entries, so
 * that a sweep can --vary a policy with its parameters): the policy, then
 * each parameter as "...cache.KEY=VALUE", which the cache's own table
 * checks when the node is built. Returns 1 when text is not such an
 * override (set_one applies it), else 0 or an error code.
 */
static int
set_policy_params(struct cfg_doc *topo, struct cfg_doc *wl, const char *text,
                  int set_no, struct sim_err *err)
{
    static const char tail[] = ".cache.policy=";
    const char *at = strstr(text, tail);
    const char *colon = at ? strchr(at + sizeof tail - 1, ':') : NULL;
    if (colon == NULL || strchr(text, '=') != at + sizeof tail - 2)
        return 1;
    size_t prefix = (size_t)(at - text) + strlen(".cache.");
    char *first = xasprintf("%.*s", (int)(colon - text), text);
    int rc = set_one(topo, wl, first, set_no, err);
    free(first);
    for (const char *p = colon + 1; rc == 0;) {
        size_t len = strcspn(p, ":");
        const char *eq = memchr(p, '=', len);
        const char *why = NULL;
        if (eq == NULL || eq == p || eq + 1 == p + len)
            why = "expected KEY=VALUE after the policy's name (such as "
                  "lhd:samples=16), got";
        /* A key given twice, as replay's --policy refuses it. */
        for (const char *q = colon + 1; why == NULL && q < p;
             q += strcspn(q, ":") + 1)
            if (strncmp(q, p, (size_t)(eq - p) + 1) == 0)
                why = "a parameter given twice:";
        if (why != NULL) {
            char *path = xasprintf("%.*spolicy", (int)prefix, text);
            rc = sim_err_set(err, -SIM_EBADVAL, CFG_SET_FILE, 0, 0, path,
                             "%s \"%.*s\"", why, (int)len, p);
            free(path);
            break;
        }
        char *one = xasprintf("%.*s%.*s", (int)prefix, text, (int)len, p);
        rc = set_one(topo, wl, one, set_no, err);
        free(one);
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    return rc;
}

int
cfg_apply_overrides(struct cfg_doc *topo, struct cfg_doc *wl,
                    const struct cfg_override *ov, size_t n,
                    struct sim_err *err)
{
    for (size_t i = 0; i < n; i++) {
        SIM_ASSERT(ov[i].text != NULL);
        int rc = set_policy_params(topo, wl, ov[i].text, (int)i + 1, err);
        if (rc == 1)
            rc = set_one(topo, wl, ov[i].text, (int)i + 1, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}
