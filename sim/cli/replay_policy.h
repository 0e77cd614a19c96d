/* replay_policy.h: `cdnsim replay --policy NAME[:KEY=VALUE...]` entries:
 * a policy's parameters on the command line, checked against the
 * policy's parameter table (the one a topology's cache mapping uses). */
#ifndef SIM_CLI_REPLAY_POLICY_H
#define SIM_CLI_REPLAY_POLICY_H

#include <stddef.h>

#include "replay/replay.h"

/* What the entries of one --policy list own. */
struct replay_policy_specs {
    struct replay_policy_params *params; /* one per entry with parameters */
    const struct replay_policy_params **by_policy; /* per entry, or NULL */
    struct cfg_kv *kv;                             /* every entry's, in order */
    char **owned;                                  /* labels and field names */
    size_t n_owned;
};

/*
 * Splits each of the n entries in place at its first ':' (entries[i]
 * becomes the bare policy name) and records its KEY=VALUE parameters,
 * each range-checked by the policy's own table. Returns -1 when all is
 * well, or EXIT_USAGE after printing why: a malformed entry, a key given
 * twice, a key the policy does not take or a value out of its range
 * (naming the policy and the parameter). An unknown policy name is left
 * for replay_run to report.
 */
int replay_policy_specs_parse(struct replay_policy_specs *s, char **entries,
                              size_t n);

void replay_policy_specs_fini(struct replay_policy_specs *s);

#endif
