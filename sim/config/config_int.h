/* config_int.h: private to sim/config: the YAML document, typed field
 * readers, overrides and the two builders.
 *
 * The files are loaded into libyaml document trees first, --set overrides
 * edit those trees, and only then are the trees read into the structs of
 * config.h. Every yaml node keeps its source: a file position, or the
 * number of the override that made it, so that an error about an
 * overridden value names "--set" instead of a line that says otherwise. */
#ifndef SIM_CONFIG_CONFIG_INT_H
#define SIM_CONFIG_CONFIG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config/config.h"
#include "util/err.h"

/* Longest field path we build ("nodes[12].cache.segments"); sim_err keeps
 * fewer characters and truncates. */
#define CFG_FIELD_MAX 256

/* What cfg_mark.file says for a value that came from the command line. */
#define CFG_SET_FILE "--set"

/* One loaded YAML file; its root is always a mapping once loaded. */
struct cfg_doc {
    const char *path;    /* as given by the caller; borrowed */
    yaml_document_t doc; /* valid only while is_loaded */
    int is_loaded;
    int *set_of;     /* [node id]: 1 + index of the --set that made
                        the node, 0 for a node read from the file */
    size_t n_set_of; /* entries in set_of */
    char *text;      /* the file's bytes, NUL-terminated; owned */
    size_t text_len;
    char sha256[SHA256_HEX_LEN + 1]; /* of text */
};

/* --- yaml_doc.c --- */

/*
 * Reads and parses the file at path into d (which the caller provides and
 * later passes to cfg_doc_fini, also after a failure). Returns 0, or
 * -SIM_EIO (cannot read), -SIM_ESYNTAX (not YAML, or more than one
 * document) or -SIM_EBADTYPE (empty, or the root is not a mapping).
 */
int cfg_doc_load(struct cfg_doc *d, const char *path, struct sim_err *err);

/* Copies d's text and its digest into src (which then owns a copy). */
void cfg_source_copy(struct cfg_source *src, const struct cfg_doc *d);

/* Frees the document tree. d may be all zero. */
void cfg_doc_fini(struct cfg_doc *d);

/* The root mapping's node id. */
int cfg_doc_root(const struct cfg_doc *d);

/* The node with this id (1-based), or NULL for 0 or an id out of range.
 * Valid until the next node is added to the document. */
const yaml_node_t *cfg_doc_node(const struct cfg_doc *d, int id);

/* The text of a scalar node, or NULL if id is not a scalar. */
const char *cfg_doc_scalar(const struct cfg_doc *d, int id);

/* Where node id came from: the file (1-based line and column) or --set. */
struct cfg_mark cfg_doc_mark(const struct cfg_doc *d, int id);

/*
 * Fills err for a problem with node id (its mark, see cfg_doc_mark) at the
 * given field path and returns code.
 */
int cfg_doc_err(const struct cfg_doc *d, int id, int code, const char *field,
                struct sim_err *err, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/*
 * Describes a node for "got ..." in a message: a scalar as its quoted text
 * (shortened if long), otherwise "a mapping" or "a sequence".
 */
void cfg_doc_describe(const struct cfg_doc *d, int id, char *buf, size_t len);

/* The value id of key in mapping map_id, or 0 when absent. *key_id (if
 * not NULL) is set to the key's node id, or 0. */
int cfg_doc_lookup(const struct cfg_doc *d, int map_id, const char *key,
                   int *key_id);

/*
 * Adds a plain scalar with this text, made by override number set_no
 * (1-based). Returns its id, or 0 if libyaml refuses the text (it must be
 * valid UTF-8).
 */
int cfg_doc_add_scalar(struct cfg_doc *d, const char *text, int set_no);

/* Adds an empty mapping made by override number set_no. Returns its id, or
 * 0 if libyaml cannot. */
int cfg_doc_add_mapping(struct cfg_doc *d, int set_no);

/* --- fields.c: reading typed values out of one mapping --- */

/* A mapping being read, with its field path for messages. */
struct cfg_map {
    const struct cfg_doc *d;
    int id;                    /* the mapping node */
    char field[CFG_FIELD_MAX]; /* "" for the root, else "nodes[1].cache" */
};

/*
 * Points m at node id, which must be a mapping; field is its path. Returns
 * 0, or -SIM_EBADTYPE naming the field when id is not a mapping.
 */
int cfg_map_open(struct cfg_map *m, const struct cfg_doc *d, int id,
                 const char *field, struct sim_err *err);

/* Writes the path of key under m ("nodes[1].cache" + "capacity"). */
void cfg_map_field(const struct cfg_map *m, const char *key, char *buf,
                   size_t len);

/*
 * Checks every key of m: a scalar, not repeated, and one of allowed (a
 * NULL-terminated list) unless allowed is NULL. Then checks that each of
 * required (NULL-terminated, may be NULL) is present. Returns 0 or
 * -SIM_EBADTYPE, -SIM_EDUP, -SIM_EBADKEY (the message lists allowed) or
 * -SIM_ENOKEY.
 */
int cfg_map_check_keys(const struct cfg_map *m, const char *const *allowed,
                       const char *const *required, struct sim_err *err);

/* The value id of key, or 0. */
int cfg_map_find(const struct cfg_map *m, const char *key);

/* The key node id of key, or 0. */
int cfg_map_key_id(const struct cfg_map *m, const char *key);

/*
 * Reports that key's value (node id) is not what was wanted: "expected
 * WHAT, got DESCRIPTION", with -SIM_EBADTYPE when the value is not a
 * scalar and -SIM_EBADVAL when it is. Returns the code.
 */
int cfg_map_bad(const struct cfg_map *m, const char *key, int id,
                const char *what, struct sim_err *err);

/* Reports a missing required key at the mapping; returns -SIM_ENOKEY. */
int cfg_map_missing(const struct cfg_map *m, const char *key,
                    struct sim_err *err);

/*
 * The child of key, which must be a mapping or sequence as type says.
 * When absent sets *out to 0 and returns 0, or -SIM_ENOKEY if required.
 * A sequence must not be empty when required.
 */
int cfg_map_child(const struct cfg_map *m, const char *key,
                  yaml_node_type_t type, int required, int *out,
                  struct sim_err *err);

/* A sequence's items, as cfg_map_items finds them. */
struct cfg_items {
    int id;                       /* the sequence node; 0 when absent */
    const yaml_node_item_t *item; /* [count]: the items' node ids */
    size_t count;
};

/* The sequence under key, read as cfg_map_child reads it (required ones
 * are not empty), with its items. */
int cfg_map_items(const struct cfg_map *m, const char *key, int required,
                  struct cfg_items *out, struct sim_err *err);

/*
 * A name (non-empty, no spaces, '.' or '='), copied into *out (caller
 * frees). Absent: -SIM_ENOKEY if required, else *out = NULL.
 */
int cfg_map_name(const struct cfg_map *m, const char *key, int required,
                 char **out, struct sim_err *err);

/* A non-empty string, copied into *out (caller frees); dflt (copied) when
 * absent. */
int cfg_map_string(const struct cfg_map *m, const char *key, const char *dflt,
                   char **out, struct sim_err *err);

/*
 * One non-empty string or a non-empty list of them, copied into *out
 * (*n_out entries; free with cfg_strings_free, also after an error). Absent:
 * *out NULL, *n_out 0. what says what was expected, for the message.
 */
int cfg_map_strings(const struct cfg_map *m, const char *key, const char *what,
                    char ***out, size_t *n_out, struct sim_err *err);
void cfg_strings_free(char **v, size_t n);

/* A size > 0 (parse_size); dflt when absent and not required. */
int cfg_map_size(const struct cfg_map *m, const char *key, int required,
                 uint64_t dflt, uint64_t *out, struct sim_err *err);

/* A whole number >= min: digits, or an exactly integral "1e6". */
int cfg_map_count(const struct cfg_map *m, const char *key, int required,
                  uint64_t dflt, uint64_t min, uint64_t *out,
                  struct sim_err *err);

/* A finite number >= min (or > min when is_min_excl), at most max. */
int cfg_map_number(const struct cfg_map *m, const char *key, int required,
                   double dflt, double min, int is_min_excl, double max,
                   double *out, struct sim_err *err);

/* A duration > 0 with a unit (parse_duration). */
int cfg_map_duration(const struct cfg_map *m, const char *key, int required,
                     int64_t dflt, int64_t *out, struct sim_err *err);

/*
 * Opens the child mapping key of m into *out; *is_present says whether it
 * was there (an absent optional mapping is not an error, an absent
 * required one is -SIM_ENOKEY).
 */
int cfg_map_submap(const struct cfg_map *m, const char *key, int required,
                   struct cfg_map *out, int *is_present, struct sim_err *err);

/* true/false (or yes/no); dflt when absent. */
int cfg_map_bool(const struct cfg_map *m, const char *key, int dflt, int *out,
                 struct sim_err *err);

/*
 * An optional key naming one of names (NULL-terminated): *out is its
 * index, left alone when the key is absent. Any other value is an error,
 * "expected WHAT", or "expected one of A, B, C" when what is NULL.
 */
int cfg_map_choice(const struct cfg_map *m, const char *key,
                   const char *const *names, const char *what, int *out,
                   struct sim_err *err);

/*
 * Rejects key if m has it: -SIM_EBADKEY at the key, with the message
 * "key \"KEY\" WHY" (why says what excludes it). 0 when absent.
 */
int cfg_map_forbid(const struct cfg_map *m, const char *key, const char *why,
                   struct sim_err *err);

/* --- alerts_spec.c --- */

/* Reads metrics.alerts (metrics is the metrics mapping) into w->alerts. */
int cfg_alerts_build(const struct cfg_map *metrics, struct cfg_workload *w,
                     struct sim_err *err);
void cfg_alerts_free(struct cfg_workload *w);

/* --- video.c --- */

/* Reads the workload's video: block (root is the workload's mapping)
 * into w->video, which stays NULL without one. */
int cfg_video_build(const struct cfg_map *root, struct cfg_workload *w,
                    struct sim_err *err);
void cfg_video_free(struct cfg_workload *w);

/* --- chunk.c --- */

/* Reads catalog.chunk_size and each class's (after the catalog is
 * built) and sets w->chunk_bits. */
int cfg_chunks_build(const struct cfg_map *root, struct cfg_workload *w,
                     struct sim_err *err);

/* --- attack.c --- */

/* Reads arrival.attacks (m is the arrival mapping; the classes are read
 * already) into w->attacks. */
int cfg_attacks_build(const struct cfg_map *m, struct cfg_workload *w,
                      struct sim_err *err);
void cfg_attacks_free(struct cfg_workload *w);

/* --- overload.c --- */

/* Reads node's queue_limit, timeout and rate_limit (m is the node's
 * mapping; its service must be read already) into *ov. */
int cfg_overload_build(const struct cfg_map *m, const struct cfg_service *sv,
                       struct cfg_overload *ov, struct sim_err *err);

/* --- placement.c --- */

/* Reads a caching node's placement (m is the node's mapping, whose tier
 * is read already) into n: its own placement:, else its tier's in the
 * topology's placement: mapping (root is the root mapping's id). */
int cfg_placement_build(const struct cfg_doc *d, int root,
                        const struct cfg_map *m, struct cfg_node *n,
                        struct sim_err *err);

/* --- override.c --- */

/*
 * Applies the overrides in order to the two documents (wl may be NULL or
 * not loaded when no workload file was given). Returns 0, or
 * -SIM_EBADVAL / -SIM_EBADTYPE with err naming file "--set" and the path.
 */
int cfg_apply_overrides(struct cfg_doc *topo, struct cfg_doc *wl,
                        const struct cfg_override *ov, size_t n,
                        struct sim_err *err);

/* --- topology.c (topo_*.c), workload.c --- */

/*
 * Reads and validates a topology document. On success sets *out (caller
 * frees with cfg_topology_free) and returns 0; else returns a negative
 * SIM_E* code with err filled in and leaves *out NULL.
 */
int cfg_topology_build(const struct cfg_doc *d, struct cfg_topology **out,
                       struct sim_err *err);

/* --- steering.c --- */

/* brownouts: and dns_ttl (the topology's and each region's) of the
 * topology whose root mapping is root and whose regions and nodes are
 * built. */
int cfg_steering_build(const struct cfg_map *root, struct cfg_topology *t,
                       struct sim_err *err);
void cfg_steering_free(struct cfg_topology *t);

/* --- latency_spec.c --- */

/*
 * Reads the latency mapping at node id (field is its path) into *out;
 * is_region_link forbids pool. Returns 0, or an input error naming the
 * key (and leaves *out empty). Free with cfg_rtt_model_fini.
 */
int cfg_rtt_model_parse(const struct cfg_doc *d, int id, const char *field,
                        int is_region_link, struct cfg_rtt_model *out,
                        struct sim_err *err);
void cfg_rtt_model_fini(struct cfg_rtt_model *o);

/* --- events.c --- */

/* Reads the workload's optional events list into w. */
int cfg_events_build(const struct cfg_doc *d, const struct cfg_map *root,
                     struct cfg_workload *w, struct sim_err *err);

/* Frees w's events. */
void cfg_events_free(struct cfg_workload *w);

/* The same for a workload document (cfg_workload_free). */
int cfg_workload_build(const struct cfg_doc *d, struct cfg_workload **out,
                       struct sim_err *err);

/* --- catalog.c, arrival.c: the parts of a workload document --- */

/*
 * Reads catalog: (required unless the workload has a trace) into w: the
 * legacy keys, classes (or the one class the legacy keys make), churn and
 * locality. Object ids of the classes are assigned here; flash crowds and
 * churn get theirs from cfg_workload_assign_ids.
 */
int cfg_catalog_build(const struct cfg_map *root, struct cfg_workload *w,
                      struct sim_err *err);

/* Reads arrival: rate and its shape, and flash crowds (which name
 * classes, so the catalog is read first). */
/* Rejects churn that would publish more objects over the run than memory
 * should hold (CFG_CHURN_MAX_PUBLISHED); needs arrival and catalog read. */
int cfg_churn_check_run(const struct cfg_map *root,
                        const struct cfg_workload *w, struct sim_err *err);

/* The most objects churn may publish over a run (about 48 bytes each while
 * they are requested). */
#define CFG_CHURN_MAX_PUBLISHED 4e6

int cfg_arrival_build(const struct cfg_map *root, struct cfg_workload *w,
                      struct sim_err *err);

/* Gives flash crowds and churn their object ids, after the classes'. */
void cfg_workload_assign_ids(struct cfg_workload *w);

/* Frees what the two builders allocated. */
void cfg_catalog_free(struct cfg_workload *w);

/* --- pop.c --- */

struct topo_build;
/* Reads a caching node's cache_servers (m is the node's mapping; its
 * cache and placement are read already) into n->pop, or leaves it NULL
 * when absent. */
int cfg_pop_build(const struct topo_build *b, const struct cfg_map *m,
                  struct cfg_node *n, struct sim_err *err);
void cfg_pop_free(struct cfg_pop *p); /* NULL is a no-op */

/* --- vary.c --- */

/* A class's vary: and tracking_params: from the mapping m (a class, or
 * the catalog of a workload without classes). */
int cfg_variants_build(const struct cfg_map *m, struct cfg_variants *v,
                       struct sim_err *err);
void cfg_variants_free(struct cfg_variants *v);
/* cache_key: of m (the topology's root or a node), when present. */
int cfg_cache_key_build(const struct cfg_map *m, struct cfg_cache_key *k,
                        struct sim_err *err);
void cfg_cache_key_free(struct cfg_cache_key *k);
void cfg_arrival_free(struct cfg_workload *w);

/* The index of the class named by key's value in *out (0 when key is
 * absent); an unknown name is -SIM_EBADVAL listing the classes. */
int cfg_class_ref(const struct cfg_map *m, const char *key,
                  const struct cfg_workload *w, size_t *out,
                  struct sim_err *err);

/* A deep copy of a size distribution, and freeing its tables. */
void cfg_size_copy(struct cfg_size *dst, const struct cfg_size *src);
void cfg_size_fini(struct cfg_size *s);

/* --- billing.c --- */

/* Reads the optional billing mapping of a providers[] entry into
 * p->billing (allocated when present; free with cfg_billing_free, also
 * after an error). */
int cfg_billing_read(const struct cfg_map *provider, struct cfg_provider *p,
                     struct sim_err *err);
void cfg_billing_free(struct cfg_provider *p);

#endif
