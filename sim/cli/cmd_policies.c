/* cmd_policies.c: `cdnsim policies`: every registered policy, one line. */
#include <stdio.h>
#include <string.h>

#include "cache/cache.h"
#include "cli/cli.h"

/* One line per parameter, under the summary. */
static void
print_params(const struct cache_param *t, size_t n, size_t width)
{
    for (size_t i = 0; i < n; i++) {
        char line[512];
        cache_param_describe(&t[i], line, sizeof line);
        printf("  %-*s  %s %s\n", (int)width, "",
               i ? "       " : "params:", line);
    }
}

int
cmd_policies(int argc, char **argv)
{
    if (argc > 0 &&
        (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        puts(
            "usage: cdnsim policies\n\n"
            "Lists every eviction policy and admission filter with a\n"
            "one-line description and its parameters (set them in the\n"
            "topology: cache: {policy: NAME, admission: NAME, PARAM: VALUE}).");
        return EXIT_OK;
    }
    if (argc > 0)
        return cli_usage_error("policies takes no arguments, got \"%s\"",
                               argv[0]);
    size_t width = 0;
    for (size_t i = 0; i < policy_count(); i++)
        if (strlen(policy_at(i)->name) > width)
            width = strlen(policy_at(i)->name);
    for (size_t i = 0; i < admit_count(); i++)
        if (strlen(admit_at(i)->name) > width)
            width = strlen(admit_at(i)->name);
    puts("eviction policies (cache: {policy: NAME, PARAM: VALUE}):");
    for (size_t i = 0; i < policy_count(); i++) {
        const struct policy_ops *ops = policy_at(i);
        printf("  %-*s  %s\n", (int)width, ops->name, ops->summary);
        print_params(ops->params, ops->n_params, width);
    }
    puts("\nadmission filters (cache: {admission: NAME, PARAM: VALUE}):");
    for (size_t i = 0; i < admit_count(); i++) {
        const struct admit_ops *ops = admit_at(i);
        printf("  %-*s  %s\n", (int)width, ops->name, ops->summary);
        print_params(ops->params, ops->n_params, width);
    }
    return EXIT_OK;
}
