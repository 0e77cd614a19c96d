/* purge_select.c: which objects a purge by tag, class or prefix selects.
 *
 * A synthetic workload knows every object's class, so the answer is a pure
 * function of the object: the tags of its class (catalog.classes[].tags),
 * its class's name, and its key, "/<class>/<id>" (the URL path cdnsim
 * gives it, so that a prefix such as "/images/" selects one class).
 *
 * A trace says what an object carries only as its records go by: the tags
 * column (surrogate keys, separated by spaces, commas, semicolons or '|')
 * and the key (a csv trace's id as written; the decimal id for the binary
 * formats). Only the tags and prefixes that some purge names matter, so
 * each is a "selector" with the set of objects seen to match it; a record
 * adds its object to the sets it matches. Memory grows with the distinct
 * (object, selector) pairs, never with the number of requests. An object
 * is selected by what the records read before the purge said about it,
 * which is all a CDN would know of it then.
 */
#include "workload/gen_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/idmap.h"
#include "util/xalloc.h"
#include "workload/trace_int.h"

/* The selectors of a trace workload. */
struct wl_selector {
    const char *text; /* a tag or a prefix, borrowed from the event */
    size_t len;
    int is_prefix;
    struct idmap objects; /* the set of objects that match: id -> 1 */
};

struct wl_purge_index {
    struct wl_selector *sel;
    size_t n_sel;
    struct idmap tag_by_hash; /* hash_bytes(tag) -> selector index */
    size_t *event_first;      /* [event]: its selectors are */
    size_t *event_sel;        /* event_sel[event_first[k] ..
                                 event_first[k + 1]) */
    int has_prefix;
};

static size_t
find_or_add(struct wl_purge_index *x, const char *text, int is_prefix)
{
    for (size_t k = 0; k < x->n_sel; k++)
        if (x->sel[k].is_prefix == is_prefix &&
            strcmp(x->sel[k].text, text) == 0)
            return k;
    x->sel = xrealloc(x->sel, (x->n_sel + 1) * sizeof *x->sel);
    struct wl_selector *s = &x->sel[x->n_sel];
    s->text = text;
    s->len = strlen(text);
    s->is_prefix = is_prefix;
    idmap_init(&s->objects);
    if (is_prefix)
        x->has_prefix = 1;
    else /* distinct tags have distinct 64-bit hashes (checked on use) */
        idmap_put(&x->tag_by_hash, hash_bytes(text, s->len),
                  (uint32_t)x->n_sel);
    return x->n_sel++;
}

void
wl_purge_index_init(struct wl_gen *g)
{
    const struct cfg_workload *w = g->w;
    int needed = 0;
    for (size_t k = 0; k < w->n_events; k++)
        if (w->events[k].kind == CFG_EVENT_PURGE &&
            (w->events[k].purge_by == CFG_PURGE_TAG ||
             w->events[k].purge_by == CFG_PURGE_PREFIX))
            needed = 1;
    if (!w->trace.is_set || !needed)
        return;
    struct wl_purge_index *x = xcalloc(1, sizeof *x);
    idmap_init(&x->tag_by_hash);
    x->event_first = xcalloc(w->n_events + 1, sizeof *x->event_first);
    size_t total = 0;
    for (size_t k = 0; k < w->n_events; k++)
        total += w->events[k].n_names;
    x->event_sel = xcalloc(total ? total : 1, sizeof *x->event_sel);
    size_t at = 0;
    for (size_t k = 0; k < w->n_events; k++) {
        const struct cfg_event *e = &w->events[k];
        x->event_first[k] = at;
        if (e->kind == CFG_EVENT_PURGE &&
            (e->purge_by == CFG_PURGE_TAG || e->purge_by == CFG_PURGE_PREFIX))
            for (size_t j = 0; j < e->n_names; j++)
                x->event_sel[at++] = find_or_add(
                    x, e->names[j], e->purge_by == CFG_PURGE_PREFIX);
    }
    x->event_first[w->n_events] = at;
    g->purge_index = x;
}

void
wl_purge_index_fini(struct wl_gen *g)
{
    struct wl_purge_index *x = g->purge_index;
    if (x == NULL)
        return;
    for (size_t k = 0; k < x->n_sel; k++)
        idmap_fini(&x->sel[k].objects);
    free(x->sel);
    idmap_fini(&x->tag_by_hash);
    free(x->event_first);
    free(x->event_sel);
    free(x);
    g->purge_index = NULL;
}

static int
is_tag_separator(char ch)
{
    return ch == ' ' || ch == ',' || ch == ';' || ch == '|' || ch == '\t';
}

void
wl_purge_index_add(struct wl_gen *g, const struct trace_rec *rec)
{
    struct wl_purge_index *x = g->purge_index;
    if (x == NULL)
        return;
    if (rec->has & TRACE_HAS_TAGS) {
        const char *p = rec->tags, *end = rec->tags + rec->tags_len;
        while (p < end) {
            while (p < end && is_tag_separator(*p))
                p++;
            const char *tag = p;
            while (p < end && !is_tag_separator(*p))
                p++;
            if (p == tag)
                break;
            size_t len = (size_t)(p - tag);
            uint32_t k = idmap_get(&x->tag_by_hash, hash_bytes(tag, len));
            if (k != IDMAP_EMPTY && x->sel[k].len == len &&
                memcmp(x->sel[k].text, tag, len) == 0)
                idmap_put(&x->sel[k].objects, rec->id, 1);
        }
    }
    if (!x->has_prefix)
        return;
    char digits[24];
    const char *key = rec->key;
    size_t key_len = rec->key_len;
    if (key == NULL) {
        key_len = (size_t)snprintf(digits, sizeof digits, "%" PRIu64, rec->id);
        key = digits;
    }
    for (size_t k = 0; k < x->n_sel; k++) {
        const struct wl_selector *s = &x->sel[k];
        if (s->is_prefix && s->len <= key_len &&
            memcmp(s->text, key, s->len) == 0)
            idmap_put(&x->sel[k].objects, rec->id, 1);
    }
}

/* Does prefix start the key cdnsim gives a synthetic object,
 * "/<class>/<id>"? Compared piece by piece: a class name has no length
 * limit. */
static int
synthetic_key_starts(const struct cfg_class *c, uint64_t object,
                     const char *prefix)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%" PRIu64, object);
    const char *const parts[] = {"/", c->name, "/", digits};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t n = strlen(parts[i]), left = strlen(prefix);
        if (left <= n)
            return strncmp(parts[i], prefix, left) == 0;
        if (strncmp(parts[i], prefix, n) != 0)
            return 0;
        prefix += n;
    }
    return *prefix == '\0';
}

int
wl_gen_purge_selects(const struct wl_gen *g, size_t k, uint64_t object)
{
    const struct cfg_event *e = &g->w->events[k];
    if (g->w->trace.is_set) {
        const struct wl_purge_index *x = g->purge_index;
        if (x == NULL)
            return 0;
        for (size_t j = x->event_first[k]; j < x->event_first[k + 1]; j++)
            if (idmap_get(&x->sel[x->event_sel[j]].objects, object) !=
                IDMAP_EMPTY)
                return 1;
        return 0;
    }
    object = wl_chunk_parent(g->w, object); /* a chunk goes with it */
    const struct cfg_class *c = wl_class_of(g, object);
    size_t ci = (size_t)(c - g->w->classes);
    for (size_t j = 0; j < e->n_names; j++) {
        switch (e->purge_by) {
        case CFG_PURGE_TAG:
            for (size_t t = 0; t < c->n_tags; t++)
                if (strcmp(c->tags[t], e->names[j]) == 0)
                    return 1;
            break;
        case CFG_PURGE_CLASS:
            if (e->class_idx[j] == ci)
                return 1;
            break;
        case CFG_PURGE_PREFIX:
            if (synthetic_key_starts(c, object, e->names[j]))
                return 1;
            break;
        default:
            return 0;
        }
    }
    return 0;
}
