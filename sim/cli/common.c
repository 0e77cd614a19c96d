/* common.c: error printing and exit codes shared by the subcommands. */
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/report.h"
#include "util/outfile.h"
#include "util/escape.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* Prints "cdnsim: " and the text, control bytes escaped, and a newline. */
static void
print_escaped(const char *text, const char *suffix)
{
    char *safe = esc_term_dup(text);
    fprintf(stderr, "cdnsim: %s%s\n", safe, suffix);
    free(safe);
}

static char *
vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    else
        s[0] = '\0';
    return s;
}

void
cli_print_err(const struct sim_err *err)
{
    char buf[1024];
    print_escaped(sim_err_format(err, buf, sizeof buf), "");
}

volatile sig_atomic_t cli_stop_requested;

static void
on_stop_signal(int sig)
{
    (void)sig;
    cli_stop_requested = 1;
}

void
cli_catch_stop_signals(void)
{
    cli_stop_requested = 0; /* the tests run several commands in-process */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    print_escaped(text, "");
    free(text);
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = vformat(fmt, ap);
    va_end(ap);
    print_escaped(text, " (try --help)");
    free(text);
    return EXIT_USAGE;
}

const char *
cli_opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

void
cli_sets_fini(struct cli_sets *s)
{
    for (size_t i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->v);
    memset(s, 0, sizeof *s);
}

void
cli_sets_add(struct cli_sets *s, const char *text)
{
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++].text = text;
}

void
cli_sets_add_owned(struct cli_sets *s, char *text)
{
    cli_sets_add(s, text);
    s->owned = xrealloc(s->owned, (s->n_owned + 1) * sizeof *s->owned);
    s->owned[s->n_owned++] = text;
}

int
cli_sets_option(struct cli_sets *s, int argc, char **argv, int *i,
                int shorthands, int *missing)
{
    const char *v;
    uint64_t x;
    if ((v = cli_opt_value(argc, argv, i, "--set", missing))) {
        if (strchr(v, '=') == NULL)
            return cli_usage_error("--set needs PATH=VALUE, got \"%s\"", v);
        cli_sets_add(s, v);
        return 0;
    }
    if (!shorthands)
        return -1;
    if ((v = cli_opt_value(argc, argv, i, "--seed", missing))) {
        if (parse_u64(v, &x) != 0)
            return cli_usage_error("--seed needs a whole number, got \"%s\"",
                                   v);
        cli_sets_add_owned(s, xasprintf("workload.seed=%s", v));
        return 0;
    }
    if ((v = cli_opt_value(argc, argv, i, "--requests", missing))) {
        if (parse_u64(v, &x) != 0 || x == 0)
            return cli_usage_error("--requests needs a positive whole "
                                   "number, got \"%s\"",
                                   v);
        cli_sets_add_owned(s, xasprintf("workload.requests=%s", v));
        return 0;
    }
    return -1;
}

int
cli_exit_for(int code)
{
    switch (-code) {
    case SIM_OK:
        return EXIT_OK;
    case SIM_EUSAGE:
        return EXIT_USAGE;
    case SIM_EDB:
    case SIM_EINTR:
    case SIM_EINTERNAL:
        return EXIT_RUN_FAILED;
    default:
        return EXIT_BAD_INPUT; /* every input error, IO on inputs included */
    }
}

int
cli_metric_arg(const char *path)
{
    struct rep_metric m;
    struct sim_err err = {0};
    int code = rep_metric_parse(path, &m, &err);
    rep_metric_fini(&m);
    if (code == 0)
        return 0;
    cli_print_err(&err);
    return EXIT_USAGE;
}

int
cli_check_metric_names(const struct cfg_topology *t,
                       const struct cfg_workload *w, const char *const *paths,
                       size_t n, struct sim_err *err)
{
    /* Content classes have figures when the catalog names them. */
    size_t n_classes = w && w->has_explicit_classes ? w->n_classes : 0;
    const char **classes = xcalloc(n_classes + 1, sizeof *classes);
    for (size_t k = 0; k < n_classes; k++)
        classes[k] = w->classes[k].name;
    const char **nodes = xcalloc(t->n_nodes + 1, sizeof *nodes);
    const char **tiers = xcalloc(t->n_nodes + 1, sizeof *tiers);
    const char **regions = xcalloc(t->n_regions + 1, sizeof *regions);
    size_t n_tiers = 0;
    for (size_t i = 0; i < t->n_nodes; i++) {
        nodes[i] = t->nodes[i].name;
        const char *tier = cfg_tier_name(t->nodes[i].tier);
        size_t k = 0;
        while (k < n_tiers && strcmp(tiers[k], tier) != 0)
            k++;
        if (k == n_tiers)
            tiers[n_tiers++] = tier;
    }
    for (size_t i = 0; i < t->n_regions; i++)
        regions[i] = t->regions[i].name;
    /* A run has a bill per provider when some provider has billing. */
    const char **providers = xcalloc(t->n_providers + 1, sizeof *providers);
    size_t n_billed = 0;
    for (size_t i = 0; i < t->n_providers; i++)
        n_billed += t->providers[i].billing != NULL;
    for (size_t i = 0; n_billed > 0 && i < t->n_providers; i++)
        providers[i] = t->providers[i].name;
    int code = 0;
    for (size_t i = 0; code == 0 && i < n; i++) {
        struct rep_metric m;
        code = rep_metric_parse(paths[i], &m, err);
        if (code == 0 && m.scope == REP_SCOPE_NODE)
            code = rep_metric_check_name(&m, nodes, t->n_nodes, err);
        else if (code == 0 && m.scope == REP_SCOPE_TIER)
            code = rep_metric_check_name(&m, tiers, n_tiers, err);
        else if (code == 0 && m.scope == REP_SCOPE_REGION)
            code = rep_metric_check_name(&m, regions, t->n_regions, err);
        else if (code == 0 && m.scope == REP_SCOPE_CLASS)
            code = rep_metric_check_name(&m, classes, n_classes, err);
        else if (code == 0 && m.scope == REP_SCOPE_PROVIDER)
            code = rep_metric_check_name(&m, providers,
                                         n_billed ? t->n_providers : 0, err);
        rep_metric_fini(&m);
    }
    free(classes);
    free(providers);
    free(nodes);
    free(tiers);
    free(regions);
    return code;
}

int
cli_write_sweep_aggregate(const char *db, int64_t sweep_id,
                          const char *const *metrics, size_t n_metrics,
                          const char *json)
{
    struct sim_err err = {0};
    struct met_summary_row *rows = NULL;
    size_t n_rows = 0;
    int code = rep_sweep_summary(db, sweep_id, metrics, n_metrics, &rows,
                                 &n_rows, &err);
    if (code == 0)
        code = met_sweep_write_summary(db, sweep_id, rows, n_rows, &err);
    met_summary_rows_free(rows, n_rows);
    if (code == 0 && json) {
        struct outfile out = {0};
        code = outfile_open(&out, json, 1, &err);
        if (code == 0)
            code =
                rep_sweep_json(db, sweep_id, metrics, n_metrics, out.f, &err);
        if (code == 0)
            code = outfile_commit(&out, &err);
        outfile_abort(&out);
    }
    if (code != 0) {
        cli_print_err(&err);
        return code == -SIM_EUSAGE ? EXIT_USAGE : EXIT_RUN_FAILED;
    }
    return EXIT_OK;
}
