/* miss_causes.c: the run report's "Why misses happen" section and its
 * plot. Each caching tier's fetches (misses and expired copies) split by
 * cause: cold (never stored at the node), capacity (evicted), purged (a
 * purge or purge_on_change removed the copy) and expired (a copy held past
 * its TTL, refetched or revalidated). model/miss_cause.c defines the
 * causes; a file older than schema version 7 did not record them and gets
 * no section. */
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/xalloc.h"

/* The schema version that added node_metrics.misses_cold, ... */
#define MISS_CAUSES_SINCE 7

enum { N_CAUSES = 4 };

static const char *const cause_titles[N_CAUSES] = {
    "cold (never stored there)", "capacity (evicted)", "purged (invalidated)",
    "expired (past its TTL)"};

/* c's fetches by cause, in cause_titles order; returns their sum. */
static uint64_t
causes_of(const struct met_counters *c, uint64_t part[N_CAUSES])
{
    part[0] = c->misses_cold;
    part[1] = c->misses_capacity;
    part[2] = c->misses_expiry;
    part[3] = c->expired;
    return c->misses + c->expired;
}

/* Does tier t fetch on lookups (an origin tier never does)? */
static int
is_caching_tier(const struct tier_row *t)
{
    return t->c.misses + t->c.expired > 0;
}

/* Did the run record its miss causes? Not in a file older than schema
 * version 7, nor for a run written before the file was upgraded to it
 * (its causes read 0 and do not add up to its misses). */
static int
has_causes(const struct rep_db *d, const struct run_info *r)
{
    if (d->version < MISS_CAUSES_SINCE)
        return 0;
    int any = 0;
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct met_counters *c = &r->tiers[i].c;
        if (c->misses_cold + c->misses_capacity + c->misses_expiry != c->misses)
            return 0;
        any |= is_caching_tier(&r->tiers[i]);
    }
    return any;
}

int
rep_miss_causes_plot(struct rep_db *d, struct rep_plotter *pl,
                     const struct run_info *r, int *drawn)
{
    *drawn = 0;
    if (!has_causes(d, r))
        return 0;
    struct rep_plot p;
    int code = rep_plot_begin(pl, &p, "miss-causes", "miss-causes.gp");
    if (code != 0)
        return code;
    fputs("# tier\tcold (%)\tcapacity (%)\tpurged (%)\texpired (%)\n", p.data);
    const char **labels = xcalloc(r->n_tiers, sizeof *labels);
    size_t n = 0;
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        if (!is_caching_tier(t))
            continue;
        uint64_t part[N_CAUSES];
        uint64_t fetched = causes_of(&t->c, part);
        rep_dat_label(p.data, t->tier);
        for (int k = 0; k < N_CAUSES; k++)
            fprintf(p.data, "\t%.4f", 100 * met_ratio(part[k], fetched));
        fputc('\n', p.data);
        labels[n++] = t->tier;
    }
    rep_plot_num(&p, "n", N_CAUSES);
    rep_plot_strs(&p, "titles", cause_titles, N_CAUSES);
    rep_plot_num(&p, "nlabels", (double)n);
    rep_plot_strs(&p, "labels", labels, n);
    free(labels);
    code = rep_plot_draw(pl, &p);
    if (code == 0)
        *drawn = 1;
    return code;
}

/* One row: name, tier, fetches, then each cause's count and share. */
static void
cause_row(struct rep_doc *doc, const char *name, const char *tier,
          const struct met_counters *c)
{
    char a[32], b[32];
    uint64_t part[N_CAUSES];
    uint64_t fetched = causes_of(c, part);
    rep_doc_cell(doc, "%s", name);
    rep_doc_cell(doc, "%s", tier);
    rep_doc_cell(doc, "%s", rep_fmt_count((int64_t)fetched, a, sizeof a));
    for (int k = 0; k < N_CAUSES; k++)
        rep_doc_cell(doc, "%s (%s)",
                     rep_fmt_count((int64_t)part[k], a, sizeof a),
                     rep_fmt_pct(met_ratio(part[k], fetched), b, sizeof b));
}

void
rep_miss_causes_section(struct rep_db *d, struct rep_doc *doc,
                        const struct run_info *r, int has_plot)
{
    if (!has_causes(d, r))
        return;
    rep_doc_h2(doc, "Why misses happen");
    rep_doc_p_begin(doc);
    rep_doc_text(doc,
                 "What each caching node fetched from upstream on a lookup "
                 "(its misses and its expired copies), by cause: cold, the "
                 "node had never stored the object (its first request, or "
                 "one its admission turned away); capacity, it had stored "
                 "it and evicted it; purged, a purge or purge_on_change "
                 "removed the copy; expired, the copy was held past its "
                 "TTL. Cold misses fall only with more requests per "
                 "object; capacity misses with a larger cache or a better "
                 "policy; expired ones with longer TTLs or "
                 "stale-while-revalidate.");
    rep_doc_p_end(doc);
    static const char *const head[] = {"node",     "tier",   "fetched", "cold",
                                       "capacity", "purged", "expired"};
    static const int right[] = {0, 0, 1, 1, 1, 1, 1};
    rep_doc_table_begin(doc, 7, head, right);
    for (size_t i = 0; i < r->n_tiers; i++) {
        const struct tier_row *t = &r->tiers[i];
        if (!is_caching_tier(t))
            continue;
        for (size_t j = 0; j < r->n_nodes; j++)
            if (strcmp(r->nodes[j].tier, t->tier) == 0)
                cause_row(doc, r->nodes[j].name, t->tier, &r->nodes[j].c);
        char *all = xasprintf("all %d", t->n_nodes);
        cause_row(doc, all, t->tier, &t->c);
        free(all);
    }
    rep_doc_table_end(doc);
    if (has_plot)
        rep_doc_figure(doc, "miss-causes",
                       "Why each caching tier fetched: the share of its "
                       "misses and expired copies by cause");
}
