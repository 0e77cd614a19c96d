/* links.c: the report's section on links with a capacity
 * (link_metrics): what each carried, its utilisation, peak and
 * 95th-percentile rates, and which ones were offered more than they can
 * carry. Runs without such links (and older files) get no section. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/escape.h"
#include "util/xalloc.h"

/* The Links section's heading, explanation and table head. */
static void
links_table_begin(struct rep_doc *doc)
{
    rep_doc_h2(doc, "Links");
    rep_doc_p_begin(doc);
    rep_doc_text(doc, "Links with a capacity (link_capacity_mbps) are "
                      "shared by the transfers on them (processor "
                      "sharing). Rates are per time-series window; p95 "
                      "is the 95th percentile of the windows' rates, "
                      "the figure transit is billed on; offered is what "
                      "the measured requests asked of the link, on "
                      "average while they came.");
    rep_doc_p_end(doc);
    static const char *const head[] = {"link",          "capacity (Mbit/s)",
                                       "sent",          "utilisation",
                                       "mean (Mbit/s)", "p95 (Mbit/s)",
                                       "peak (Mbit/s)", "offered (Mbit/s)"};
    static const int right[] = {0, 1, 1, 1, 1, 1, 1, 1};
    rep_doc_table_begin(doc, 8, head, right);
}

/* The table row of the link_metrics row at st; adds to warn what an
 * overloaded link's warning says. */
static void
link_row(struct rep_doc *doc, sqlite3_stmt *st, struct strbuf *warn)
{
    char a[32];
    const char *from = rep_col_text(st, 0);
    int all = strcmp(rep_col_text(st, 2), "*") == 0;
    if (all)
        rep_doc_cell(doc, "%s (all its links)", from);
    else
        rep_doc_cell(doc, "%s -> %s", from, rep_col_text(st, 1));
    double capacity = sqlite3_column_double(st, 3);
    rep_doc_cell(doc, "%.3f", capacity);
    rep_doc_cell(
        doc, "%s",
        rep_fmt_bytes((double)sqlite3_column_int64(st, 4), a, sizeof a));
    rep_doc_cell(doc, "%s",
                 rep_fmt_pct(sqlite3_column_double(st, 5), a, sizeof a));
    rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 6));
    rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 7));
    rep_doc_cell(doc, "%.3f", sqlite3_column_double(st, 8));
    double offered = sqlite3_column_double(st, 9);
    rep_doc_cell(doc, "%.3f", offered);
    if (all || !sqlite3_column_int64(st, 12))
        return;
    if (offered > capacity)
        strbuf_printf(warn,
                      "The link %s -> %s is overloaded: it was "
                      "offered %.3f Mbit/s on average against a "
                      "capacity of %.3f Mbit/s, so its transfers "
                      "queue without bound.",
                      from, rep_col_text(st, 1), offered, capacity);
    else
        strbuf_printf(warn,
                      "The link %s -> %s was offered more than its "
                      "capacity (%.3f Mbit/s) in %lld of %lld "
                      "windows.",
                      from, rep_col_text(st, 1), capacity,
                      (long long)sqlite3_column_int64(st, 10),
                      (long long)sqlite3_column_int64(st, 11));
}

int
rep_links_section(struct rep_db *d, struct rep_doc *doc, int64_t run_id,
                  int has_plot)
{
    if (!rep_db_has_table(d, "link_metrics"))
        return 0;
    static const char sql[] =
        "SELECT from_node, to_name, to_kind, capacity_mbps, bytes,"
        " utilisation, mean_mbps, p95_mbps, peak_mbps, offered_mbps,"
        " overloaded_windows, windows, overloaded"
        " FROM link_metrics WHERE run_id = ? ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    int n = 0;
    struct strbuf warn = {0};
    while (code == 0 && (code = rep_db_step(d, st, "reading links")) == 1) {
        code = 0;
        if (n++ == 0)
            links_table_begin(doc);
        link_row(doc, st, &warn);
    }
    sqlite3_finalize(st);
    if (n > 0) {
        rep_doc_table_end(doc);
        if (has_plot)
            rep_doc_figure(doc, "links",
                           "Utilisation of each link with a capacity over "
                           "the run (100% = its capacity)");
        rep_doc_p_begin(doc);
        if (warn.n > 0)
            rep_doc_bold(doc, "%s", strbuf_str(&warn));
        else
            rep_doc_text(doc, "No link was offered more than its "
                              "capacity, on average or in any window.");
        rep_doc_p_end(doc);
    }
    strbuf_fini(&warn);
    return code;
}

/* The links of run run_id, sending node and receiver, in table order;
 * *n (OUT) of them, caller frees both arrays and their strings. */
static int
link_names(struct rep_db *d, int64_t run_id, char ***from, char ***to,
           size_t *n)
{
    static const char sql[] = "SELECT from_node, to_name FROM link_metrics"
                              " WHERE run_id = ? AND to_kind <> '*'"
                              " ORDER BY rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, run_id);
    size_t cap = 0, cap2 = 0;
    *from = *to = NULL;
    *n = 0;
    while (code == 0 && (code = rep_db_step(d, st, "reading links")) == 1) {
        code = 0;
        *from = xgrow(*from, &cap, *n + 1, sizeof **from, 8);
        *to = xgrow(*to, &cap2, *n + 1, sizeof **to, 8);
        (*from)[*n] = xstrdup(rep_col_text(st, 0));
        (*to)[*n] = xstrdup(rep_col_text(st, 1));
        (*n)++;
    }
    sqlite3_finalize(st);
    return code;
}

int
rep_links_plot(struct rep_db *d, struct rep_plotter *pl, int64_t run_id,
               double window_s, int *drawn)
{
    *drawn = 0;
    if (!rep_db_has_table(d, "link_metrics"))
        return 0;
    char **from, **to;
    size_t n;
    int code = link_names(d, run_id, &from, &to, &n);
    if (code != 0 || n == 0)
        goto out;
    struct rep_plot p;
    code = rep_plot_begin(pl, &p, "links", "links.gp");
    if (code != 0)
        goto out;
    static const char sql[] =
        "SELECT t_start_s, utilisation, mbps FROM link_timeseries WHERE run_id "
        "= ?"
        " AND from_node = ? AND to_name = ? ORDER BY window";
    double w = window_s > 0 ? window_s : 1.0;
    char **titles = xcalloc(n, sizeof *titles);
    for (size_t k = 0; code == 0 && k < n; k++) {
        titles[k] = xasprintf("%s -> %s", from[k], to[k]);
        sqlite3_stmt *st = NULL;
        code = rep_db_query(d, sql, &st, 1, run_id);
        if (code == 0 &&
            (sqlite3_bind_text(st, 2, from[k], -1, SQLITE_STATIC) !=
                 SQLITE_OK ||
             sqlite3_bind_text(st, 3, to[k], -1, SQLITE_STATIC) != SQLITE_OK))
            code = rep_db_fail(d, "reading link windows");
        fprintf(p.data, "%s# %s -> %s: time (s)\tutilisation (%%)\tMbit/s\n",
                k ? "\n\n" : "", from[k], to[k]);
        int rows = 0;
        char held[128] = "";
        while (code == 0 &&
               (code = rep_db_step(d, st, "reading link windows")) == 1) {
            code = 0;
            /* As the origin plot: the last window is held back. */
            if (rows > 0)
                fputs(held, p.data);
            snprintf(held, sizeof held, "%.6f\t%.6f\t%.6f\n",
                     sqlite3_column_double(st, 0) + w / 2,
                     100.0 * sqlite3_column_double(st, 1),
                     sqlite3_column_double(st, 2));
            rows++;
        }
        sqlite3_finalize(st);
        if (code == 0 && rows <= 2)
            fputs(rows > 0 ? held : "0\t0\t0\n", p.data);
    }
    if (code == 0) {
        rep_plot_num(&p, "n", (double)n);
        rep_plot_num(&p, "window", w);
        rep_plot_strs(&p, "titles", (const char *const *)titles, n);
        code = rep_plot_draw(pl, &p);
        *drawn = code == 0;
    } else {
        rep_plot_drop(&p);
    }
    for (size_t k = 0; k < n; k++)
        free(titles[k]);
    free(titles);
out:
    for (size_t k = 0; k < n && from; k++) {
        free(from[k]);
        free(to[k]);
    }
    free(from);
    free(to);
    return code;
}

int
rep_links_sweep_warnings(struct rep_db *d, int64_t sweep_id, FILE *out)
{
    if (!rep_db_has_table(d, "link_metrics"))
        return 0;
    static const char sql[] =
        "SELECT p.point, l.from_node, l.to_name, l.offered_mbps,"
        " l.capacity_mbps, l.overloaded_windows, l.windows"
        " FROM sweep_points p JOIN link_metrics l ON l.run_id = p.run_id"
        " WHERE p.sweep_id = ? AND p.status = 'complete' AND l.overloaded"
        " AND l.to_kind <> '*' ORDER BY p.point, l.rowid";
    sqlite3_stmt *st = NULL;
    int code = rep_db_query(d, sql, &st, 1, sweep_id);
    while (code == 0 && (code = rep_db_step(d, st, "reading links")) == 1) {
        code = 0;
        char *from = esc_term_dup(rep_col_text(st, 1));
        char *to = esc_term_dup(rep_col_text(st, 2));
        double offered = sqlite3_column_double(st, 3);
        double capacity = sqlite3_column_double(st, 4);
        if (offered > capacity)
            fprintf(out,
                    "warning: point %lld: link %s->%s is overloaded: "
                    "offered %.3f Mbit/s on average against a capacity of "
                    "%.3f Mbit/s\n",
                    (long long)sqlite3_column_int64(st, 0), from, to, offered,
                    capacity);
        else
            fprintf(out,
                    "warning: point %lld: link %s->%s was offered more than "
                    "its capacity (%.3f Mbit/s) in %lld of %lld windows\n",
                    (long long)sqlite3_column_int64(st, 0), from, to, capacity,
                    (long long)sqlite3_column_int64(st, 5),
                    (long long)sqlite3_column_int64(st, 6));
        free(from);
        free(to);
    }
    sqlite3_finalize(st);
    return code;
}
