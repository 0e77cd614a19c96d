/* policy.c: the policy registry, expanded from policies.def. */
#include "cache/cache.h"

#include <stdio.h>
#include <string.h>

static const struct policy_ops *const policy_table[] = {
#define POLICY(n) &policy_##n##_ops,
#include "cache/policies.def"
#undef POLICY
};

size_t
policy_count(void)
{
    return sizeof policy_table / sizeof policy_table[0];
}

const struct policy_ops *
policy_at(size_t i)
{
    return i < policy_count() ? policy_table[i] : NULL;
}

const struct policy_ops *
policy_find(const char *name)
{
    for (size_t i = 0; i < policy_count(); i++)
        if (strcmp(policy_table[i]->name, name) == 0)
            return policy_table[i];
    return NULL;
}

void
policy_names(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < policy_count() && n < len; i++) {
        int k = snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                         policy_table[i]->name);
        if (k > 0)
            n += (size_t)k;
    }
}
