/* yaml_doc.c: one YAML file as a libyaml document tree: loading, node
 * lookup, source marks and error records.
 *
 * Nodes are addressed by their libyaml id rather than by pointer, because
 * adding a node (an override) may move every node in memory. */
#include "config/config_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/sha256.h"
#include "util/xalloc.h"

/* Fills err from a libyaml parser failure and returns its code. */
static int
doc_syntax_err(const yaml_parser_t *p, const char *path, struct sim_err *err)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        return sim_err_set(err, -SIM_EINTERNAL, path, 0, 0, NULL,
                           "out of memory while parsing YAML");
    case YAML_READER_ERROR:
        /* The reader has no line position, only a byte offset. */
        if (p->problem_value != -1)
            return sim_err_set(err, -SIM_ESYNTAX, path, 0, 0, NULL,
                               "%s (byte 0x%02x at offset %zu)", problem,
                               (unsigned)p->problem_value, p->problem_offset);
        return sim_err_set(err, -SIM_ESYNTAX, path, 0, 0, NULL,
                           "%s (at byte offset %zu)", problem,
                           p->problem_offset);
    default:
        break;
    }
    int line = (int)p->problem_mark.line + 1;
    int col = (int)p->problem_mark.column + 1;
    if (p->context)
        return sim_err_set(err, -SIM_ESYNTAX, path, line, col, NULL,
                           "%s (%s, which began at line %d, column %d)",
                           problem, p->context, (int)p->context_mark.line + 1,
                           (int)p->context_mark.column + 1);
    return sim_err_set(err, -SIM_ESYNTAX, path, line, col, NULL, "%s", problem);
}

/* Rejects a second document in the same stream ("---" twice). */
static int
doc_check_single(yaml_parser_t *p, const char *path, struct sim_err *err)
{
    yaml_document_t extra;
    if (!yaml_parser_load(p, &extra))
        return doc_syntax_err(p, path, err);
    yaml_node_t *root = yaml_document_get_root_node(&extra);
    int rc = 0;
    if (root != NULL)
        rc =
            sim_err_set(err, -SIM_ESYNTAX, path, (int)root->start_mark.line + 1,
                        (int)root->start_mark.column + 1, NULL,
                        "a second YAML document; expected exactly one");
    yaml_document_delete(&extra);
    return rc;
}

/* Reads all of f into d->text (NUL-terminated) and hashes it. */
static int
doc_read_all(struct cfg_doc *d, FILE *f, const char *path, struct sim_err *err)
{
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL, "cannot read: %s",
                           strerror(errno));
    }
    buf[n] = '\0';
    d->text = buf;
    d->text_len = n;
    sha256_hex(buf, n, d->sha256);
    return 0;
}

int
cfg_doc_load(struct cfg_doc *d, const char *path, struct sim_err *err)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return sim_err_set(err, -SIM_EIO, path, 0, 0, NULL, "cannot open: %s",
                           strerror(errno));
    int rc = 0;
    int has_parser = 0;
    yaml_parser_t parser;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        rc = sim_err_set(err, -SIM_EIO, path, 0, 0, NULL, "cannot read: %s",
                         strerror(EISDIR));
        goto out;
    }
    if (!yaml_parser_initialize(&parser)) {
        rc = sim_err_set(err, -SIM_EINTERNAL, path, 0, 0, NULL,
                         "cannot initialise the YAML parser");
        goto out;
    }
    has_parser = 1;
    /* Parsed from the bytes kept for the record, so the text a run
     * records is exactly the text it read. */
    rc = doc_read_all(d, f, path, err);
    if (rc != 0)
        goto out;
    yaml_parser_set_input_string(&parser, (const unsigned char *)d->text,
                                 d->text_len);
    /* On failure yaml_parser_load leaves nothing to delete. */
    if (!yaml_parser_load(&parser, &d->doc)) {
        rc = doc_syntax_err(&parser, path, err);
        goto out;
    }
    d->is_loaded = 1;
    size_t n_nodes = (size_t)(d->doc.nodes.top - d->doc.nodes.start);
    d->n_set_of = n_nodes + 1;
    d->set_of = xcalloc(d->n_set_of, sizeof *d->set_of);
    yaml_node_t *root = yaml_document_get_root_node(&d->doc);
    if (root == NULL) {
        rc = sim_err_set(err, -SIM_EBADTYPE, path, 1, 1, NULL,
                         "the file is empty; expected a mapping such as "
                         "\"name: ...\"");
        goto out;
    }
    if (root->type != YAML_MAPPING_NODE) {
        char got[96];
        cfg_doc_describe(d, 1, got, sizeof got);
        rc = cfg_doc_err(d, 1, -SIM_EBADTYPE, NULL, err,
                         "expected a mapping at the top level, got %s", got);
        goto out;
    }
    rc = doc_check_single(&parser, path, err);
out:
    if (has_parser)
        yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

void
cfg_doc_fini(struct cfg_doc *d)
{
    if (d->is_loaded)
        yaml_document_delete(&d->doc);
    free(d->set_of);
    d->set_of = NULL;
    free(d->text);
    d->text = NULL;
    d->text_len = 0;
    d->n_set_of = 0;
    d->is_loaded = 0;
}

int
cfg_doc_root(const struct cfg_doc *d)
{
    /* libyaml defines the root as the first node. */
    (void)d;
    return 1;
}

const yaml_node_t *
cfg_doc_node(const struct cfg_doc *d, int id)
{
    if (!d->is_loaded || id <= 0 ||
        id > (int)(d->doc.nodes.top - d->doc.nodes.start))
        return NULL;
    return d->doc.nodes.start + (id - 1);
}

const char *
cfg_doc_scalar(const struct cfg_doc *d, int id)
{
    const yaml_node_t *n = cfg_doc_node(d, id);
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

struct cfg_mark
cfg_doc_mark(const struct cfg_doc *d, int id)
{
    struct cfg_mark m = {d->path, 0, 0};
    if (id > 0 && (size_t)id < d->n_set_of && d->set_of[id] != 0) {
        m.file = CFG_SET_FILE;
        return m;
    }
    const yaml_node_t *n = cfg_doc_node(d, id);
    if (n != NULL) {
        m.line = (int)n->start_mark.line + 1;
        m.col = (int)n->start_mark.column + 1;
    }
    return m;
}

int
cfg_doc_err(const struct cfg_doc *d, int id, int code, const char *field,
            struct sim_err *err, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct cfg_mark m = cfg_doc_mark(d, id);
    return sim_err_set(err, code, m.file, m.line, m.col, field, "%s", msg);
}

void
cfg_doc_describe(const struct cfg_doc *d, int id, char *buf, size_t len)
{
    const yaml_node_t *n = cfg_doc_node(d, id);
    if (n == NULL) {
        snprintf(buf, len, "nothing");
    } else if (n->type == YAML_MAPPING_NODE) {
        snprintf(buf, len, "a mapping");
    } else if (n->type == YAML_SEQUENCE_NODE) {
        snprintf(buf, len, "a sequence");
    } else {
        /* Long values are cut so that the message keeps its end. */
        const char *s = (const char *)n->data.scalar.value;
        if (strlen(s) > 60)
            snprintf(buf, len, "\"%.57s...\"", s);
        else
            snprintf(buf, len, "\"%s\"", s);
    }
}

int
cfg_doc_lookup(const struct cfg_doc *d, int map_id, const char *key,
               int *key_id)
{
    if (key_id)
        *key_id = 0;
    const yaml_node_t *m = cfg_doc_node(d, map_id);
    if (m == NULL || m->type != YAML_MAPPING_NODE)
        return 0;
    for (const yaml_node_pair_t *p = m->data.mapping.pairs.start;
         p < m->data.mapping.pairs.top; p++) {
        const char *k = cfg_doc_scalar(d, p->key);
        if (k != NULL && strcmp(k, key) == 0) {
            if (key_id)
                *key_id = p->key;
            return p->value;
        }
    }
    return 0;
}

/* Notes that override set_no made node id. */
static int
doc_mark_set(struct cfg_doc *d, int id, int set_no)
{
    if (id == 0)
        return 0;
    size_t old = d->n_set_of;
    d->set_of =
        xgrow(d->set_of, &d->n_set_of, (size_t)id + 1, sizeof *d->set_of, 64);
    memset(d->set_of + old, 0, (d->n_set_of - old) * sizeof *d->set_of);
    d->set_of[id] = set_no;
    return id;
}

int
cfg_doc_add_scalar(struct cfg_doc *d, const char *text, int set_no)
{
    int id = yaml_document_add_scalar(&d->doc, NULL, (const yaml_char_t *)text,
                                      -1, YAML_PLAIN_SCALAR_STYLE);
    return doc_mark_set(d, id, set_no);
}

int
cfg_doc_add_mapping(struct cfg_doc *d, int set_no)
{
    int id = yaml_document_add_mapping(&d->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
    return doc_mark_set(d, id, set_no);
}

void
cfg_source_copy(struct cfg_source *src, const struct cfg_doc *d)
{
    src->len = d->text_len;
    src->text = xmalloc(d->text_len + 1);
    if (d->text_len)
        memcpy(src->text, d->text, d->text_len);
    src->text[d->text_len] = '\0';
    memcpy(src->sha256, d->sha256, sizeof src->sha256);
}
