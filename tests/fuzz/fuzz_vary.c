/* fuzz_vary.c: the --vary language, as run_plan_parse reads it.
 *
 * Each input line (at most 3) is one --vary PATH=VALUES, or a
 * --vary-with when it starts with "+", and the lines together are a
 * sweep's plan: lists, A..B*F and A..B+S ranges, the value kinds, range
 * generation and formatting, linked dimensions, wildcards (expanded
 * against fixed node and region names), the limits on values and points.
 * The parser is a pure function (sim/run/plan.c), so the harness reads no
 * files and runs nothing; loading each value into the files is what the
 * set harness covers for --set.
 *
 * Invariants: a refused plan says why (a code and a message); an
 * accepted one has as many points as the product of its dimensions'
 * value counts, within RUN_SWEEP_MAX_POINTS, every --vary has a path, a
 * kind and at least one value, a --vary-with as many values as its
 * --vary, no two neighbouring values are the same, and a value of a
 * numeric kind stands for a number (the one --set will read). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "run/run.h"

#define FUZZ_MAX_VARY 3

static void
fail(const char *what)
{
    fprintf(stderr, "fuzz: --vary plan: %s\n", what);
    abort();
}

static void
check_plan(const struct run_plan *plan)
{
    uint64_t n_points = 1;
    size_t n_dims = 0;
    for (size_t j = 0; j < plan->n_vary; j++) {
        const struct run_vary *v = &plan->vary[j];
        if (v->path == NULL || v->path[0] == '\0' || v->kind == NULL ||
            v->n == 0)
            fail("a --vary without a path, a kind or values");
        int is_text = strcmp(v->kind, "text") == 0;
        if (!is_text && v->nums == NULL)
            fail("a numeric --vary without its numbers");
        for (size_t i = 0; i < v->n; i++) {
            if (i > 0 && strcmp(v->values[i - 1], v->values[i]) == 0)
                fail("the same value twice in a row");
            if (!is_text && isnan(v->nums[i]))
                fail("a numeric value that does not parse");
        }
        if (v->is_with) {
            if (j == 0 || v->n != plan->vary[j - 1].n)
                fail("a --vary-with out of step with its --vary");
            continue;
        }
        n_dims++;
        n_points *= v->n;
    }
    if (n_dims != plan->n_dims || n_points != plan->n_points ||
        n_points > RUN_SWEEP_MAX_POINTS)
        fail("a point count that is not the product of the value counts");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    static const char *const nodes[] = {"edge-a", "edge-b", "shield", "origin"};
    static const char *const regions[] = {"eu", "us"};
    static const struct run_names names = {nodes, 4, regions, 2};
    const char *args[FUZZ_MAX_VARY];
    unsigned char is_with[FUZZ_MAX_VARY];
    size_t n = 0;
    for (char *p = text, *nl; p && n < FUZZ_MAX_VARY; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        is_with[n] = p[0] == '+';
        args[n] = p + is_with[n];
        n++;
    }
    struct run_plan plan;
    struct sim_err err = {0};
    int code = run_plan_parse(args, is_with, n, &plan, &err);
    if (code == 0 && run_plan_has_glob(&plan))
        code = run_plan_expand(&plan, &names, &err);
    if (code == 0)
        check_plan(&plan);
    else if (code >= 0 || err.code != code || err.msg[0] == '\0')
        fail("an error without a code and a message");
    run_plan_fini(&plan);
    free(text);
    return 0;
}
