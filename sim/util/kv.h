/* kv.h: a located key = value pair, the form in which a module that
 * validates its own parameters (a cache policy, an admission filter) gets
 * them from a configuration file or the command line.
 *
 * The types keep their config names (cfg_) because the configuration
 * loader makes and owns them; they live in util so that modules below
 * config (the cache) can take them without depending on config.
 */
#ifndef SIM_UTIL_KV_H
#define SIM_UTIL_KV_H

/* Where a value came from, for error messages: a file position or "--set". */
struct cfg_mark {
    const char *file; /* borrowed from the owning topology/workload */
    int line;         /* 1-based; 0 for command-line overrides */
    int col;          /* 1-based */
};

/*
 * One extra key of a mapping handed to a module that validates it itself,
 * e.g. a cache's policy parameters ({policy: slru, segments: 4}). Whoever
 * fills one in owns its strings; the modules it is handed to only read
 * them.
 */
struct cfg_kv {
    char *key;
    char *value;          /* the scalar as written */
    char *field;          /* full field path, e.g. "nodes[2].cache.segments" */
    struct cfg_mark mark; /* of the value */
};

#endif
