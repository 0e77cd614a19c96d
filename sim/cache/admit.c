/* admit.c: the admission filter registry, expanded from admissions.def. */
#include "cache/cache.h"

#include <stdio.h>
#include <string.h>

static const struct admit_ops *const admit_table[] = {
#define ADMIT(n) &admit_##n##_ops,
#include "cache/admissions.def"
#undef ADMIT
};

size_t
admit_count(void)
{
    return sizeof admit_table / sizeof admit_table[0];
}

const struct admit_ops *
admit_at(size_t i)
{
    return i < admit_count() ? admit_table[i] : NULL;
}

const struct admit_ops *
admit_find(const char *name)
{
    for (size_t i = 0; i < admit_count(); i++)
        if (strcmp(admit_table[i]->name, name) == 0)
            return admit_table[i];
    return NULL;
}

void
admit_names(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < admit_count() && n < len; i++) {
        int k = snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
                         admit_table[i]->name);
        if (k > 0)
            n += (size_t)k;
    }
}
