/* replay_policy.c: parameters given with the policy names of `cdnsim
 * replay --policy`, as lhd:samples=16:interval=100000. Colons separate
 * them because commas already separate the policies. */
#include "cli/replay_policy.h"

#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "cli/cli.h"
#include "util/xalloc.h"

static char *
keep(struct replay_policy_specs *s, char *text)
{
    s->owned[s->n_owned++] = text;
    return text;
}

/* Checks one parameter of entry name against the policy's table and
 * against the ones before it (kv[0..i)). */
static int
check_param(const char *name, const struct cfg_kv *kv, size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (strcmp(kv[j].key, kv[i].key) == 0)
            return cli_usage_error("--policy %s: parameter \"%s\" given "
                                   "twice",
                                   name, kv[i].key);
    const struct policy_ops *ops = policy_find(name);
    if (ops == NULL)
        return -1; /* replay_run names the known policies */
    struct sim_err err;
    sim_err_clear(&err);
    if (cache_param_check(ops->params, ops->n_params, &kv[i], &err) != 0)
        return cli_usage_error("--policy %s: %s", name, err.msg);
    return -1;
}

/* Parses "KEY=VALUE[:KEY=VALUE...]" (text, split in place) into kv for
 * policy name; *n gets their count. */
static int
parse_entry(struct replay_policy_specs *s, const char *name, char *text,
            const char *label, struct cfg_kv *kv, size_t *n)
{
    *n = 0;
    for (char *p = text;;) {
        char *colon = strchr(p, ':');
        if (colon)
            *colon = '\0';
        char *eq = strchr(p, '=');
        if (eq == NULL || eq == p || eq[1] == '\0')
            return cli_usage_error("--policy needs NAME[:KEY=VALUE...] "
                                   "with commas between policies, got "
                                   "\"%s\"",
                                   label);
        *eq = '\0';
        struct cfg_kv *k = &kv[*n];
        k->key = p;
        k->value = eq + 1;
        k->field = keep(s, xasprintf("--policy %s:%s", name, p));
        int rc = check_param(name, kv, (*n)++);
        if (rc >= 0)
            return rc;
        if (colon == NULL)
            return -1;
        p = colon + 1;
    }
}

int
replay_policy_specs_parse(struct replay_policy_specs *s, char **entries,
                          size_t n)
{
    replay_policy_specs_fini(s);
    size_t n_kv = 0;
    for (size_t i = 0; i < n; i++)
        for (const char *c = entries[i]; *c; c++)
            n_kv += *c == ':';
    s->by_policy = xcalloc(n, sizeof *s->by_policy);
    s->params = xcalloc(n, sizeof *s->params);
    s->kv = xcalloc(n_kv + 1, sizeof *s->kv);
    s->owned = xcalloc(n + n_kv, sizeof *s->owned);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char *colon = strchr(entries[i], ':');
        if (colon == NULL)
            continue;
        char *label = keep(s, xstrdup(entries[i]));
        *colon = '\0';
        struct replay_policy_params *pp = &s->params[i];
        int rc =
            parse_entry(s, entries[i], colon + 1, label, s->kv + used, &pp->n);
        if (rc >= 0)
            return rc;
        pp->label = label;
        pp->kv = s->kv + used;
        used += pp->n;
        s->by_policy[i] = pp;
    }
    return -1;
}

void
replay_policy_specs_fini(struct replay_policy_specs *s)
{
    for (size_t i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->kv);
    free(s->params);
    free(s->by_policy);
    memset(s, 0, sizeof *s);
}
