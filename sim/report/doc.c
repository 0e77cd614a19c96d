/* doc.c: one report written twice, as self-contained HTML and as Markdown.
 *
 * The callers describe the document (headings, paragraphs made of plain,
 * bold and code pieces, tables, figures) and each piece is escaped for
 * each format here, so no caller deals with either syntax. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_int.h"
#include "util/outfile.h"
#include "util/xalloc.h"

struct rep_doc {
    FILE *html; /* html_out.f */
    FILE *md;   /* md_out.f */
    char *dir;
    struct outfile html_out; /* renamed into place by rep_doc_close */
    struct outfile md_out;
    size_t n_cols; /* of the open table, 0 when none */
    size_t col;    /* cells written in the current row */
    int *right;    /* [n_cols]: right-aligned? */
    size_t cap_right;
    struct sim_err err; /* the first error, reported at close */
};

static const char doc_css[] =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;"
    "max-width:62rem;margin:2rem auto;padding:0 1rem;color:#111;"
    "line-height:1.45}\n"
    "h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;"
    "border-bottom:1px solid #999}\n"
    "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}\n"
    "th,td{border:1px solid #888;padding:.2rem .55rem;vertical-align:top}\n"
    "th{background:#e8e8e8;text-align:left}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "figure{margin:1.5rem 0}img{max-width:100%;height:auto;"
    "border:1px solid #ccc}\n"
    "figcaption{font-size:.9rem;color:#333}\n"
    "code{font-size:.9em;background:#f2f2f2;padding:0 .2em}\n"
    "@media print{body{max-width:none}figure{break-inside:avoid}}\n";

static void
html_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* Backslash-escapes what Markdown would read as markup. */
static void
md_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#", *s))
            fputc('\\', f);
        if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

struct rep_doc *
rep_doc_open(const char *dir, const char *title, struct sim_err *err)
{
    struct rep_doc *d = xcalloc(1, sizeof *d);
    d->dir = xstrdup(dir);
    char *html_path = xasprintf("%s/report.html", dir);
    char *md_path = xasprintf("%s/report.md", dir);
    int code = outfile_open(&d->html_out, html_path, 0, err);
    if (code == 0 && (code = outfile_open(&d->md_out, md_path, 0, err)) != 0)
        outfile_abort(&d->html_out);
    free(md_path);
    free(html_path);
    if (code != 0) {
        free(d->dir);
        free(d);
        return NULL;
    }
    d->html = d->html_out.f;
    d->md = d->md_out.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n<title>",
          d->html);
    html_esc(d->html, title);
    fprintf(d->html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
            doc_css);
    html_esc(d->html, title);
    fputs("</h1>\n", d->html);
    fputs("# ", d->md);
    md_esc(d->md, title);
    fputs("\n\n", d->md);
    return d;
}

void
rep_doc_h2(struct rep_doc *d, const char *text)
{
    fputs("<h2>", d->html);
    html_esc(d->html, text);
    fputs("</h2>\n", d->html);
    fputs("## ", d->md);
    md_esc(d->md, text);
    fputs("\n\n", d->md);
}

void
rep_doc_p_begin(struct rep_doc *d)
{
    fputs("<p>", d->html);
}

void
rep_doc_text(struct rep_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    html_esc(d->html, s);
    md_esc(d->md, s);
    free(s);
}

void
rep_doc_bold(struct rep_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    fputs("<strong>", d->html);
    html_esc(d->html, s);
    fputs("</strong>", d->html);
    fputs("**", d->md);
    md_esc(d->md, s);
    fputs("**", d->md);
    free(s);
}

void
rep_doc_code(struct rep_doc *d, const char *text)
{
    fputs("<code>", d->html);
    html_esc(d->html, text);
    fputs("</code>", d->html);
    /* Inside a code span nothing is markup; only a backtick would end
     * it early. */
    fputc('`', d->md);
    for (const char *s = text; *s; s++)
        fputc(*s == '`' ? '\'' : *s == '\n' ? ' ' : *s, d->md);
    fputc('`', d->md);
}

void
rep_doc_p_end(struct rep_doc *d)
{
    fputs("</p>\n", d->html);
    fputs("\n\n", d->md);
}

void
rep_doc_table_begin(struct rep_doc *d, size_t n_cols, const char *const *head,
                    const int *right)
{
    SIM_ASSERT(n_cols > 0 && d->n_cols == 0);
    d->right = xgrow(d->right, &d->cap_right, n_cols, sizeof *d->right, 16);
    d->n_cols = n_cols;
    d->col = 0;
    fputs("<table>\n<thead><tr>", d->html);
    fputc('|', d->md);
    for (size_t i = 0; i < n_cols; i++) {
        d->right[i] = right ? right[i] : 0;
        fputs("<th>", d->html);
        html_esc(d->html, head[i]);
        fputs("</th>", d->html);
        fputc(' ', d->md);
        md_esc(d->md, head[i]);
        fputs(" |", d->md);
    }
    fputs("</tr></thead>\n<tbody>\n", d->html);
    fputs("\n|", d->md);
    for (size_t i = 0; i < n_cols; i++)
        fputs(d->right[i] ? " ---: |" : " --- |", d->md);
    fputc('\n', d->md);
}

void
rep_doc_cell(struct rep_doc *d, const char *fmt, ...)
{
    SIM_ASSERT(d->n_cols > 0);
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    if (d->col == 0) {
        fputs("<tr>", d->html);
        fputc('|', d->md);
    }
    fputs(d->right[d->col] ? "<td class=\"n\">" : "<td>", d->html);
    html_esc(d->html, s);
    fputs("</td>", d->html);
    fputc(' ', d->md);
    md_esc(d->md, s);
    fputs(" |", d->md);
    free(s);
    if (++d->col == d->n_cols) {
        fputs("</tr>\n", d->html);
        fputc('\n', d->md);
        d->col = 0;
    }
}

void
rep_doc_table_end(struct rep_doc *d)
{
    SIM_ASSERT(d->col == 0);
    fputs("</tbody>\n</table>\n", d->html);
    fputc('\n', d->md);
    d->n_cols = 0;
}

void
rep_doc_figure(struct rep_doc *d, const char *name, const char *caption)
{
    char *png = xasprintf("%s/%s.png", d->dir, name);
    char *bytes = NULL;
    size_t n = 0;
    struct sim_err e = {0};
    if (rep_read_file(png, &bytes, &n, &e) != 0) {
        if (d->err.code == 0)
            d->err = e;
        free(png);
        return;
    }
    struct strbuf b = {0};
    rep_base64(&b, (const unsigned char *)bytes, n);
    fputs("<figure>\n<img alt=\"", d->html);
    html_esc(d->html, caption);
    fprintf(d->html, "\" src=\"data:image/png;base64,%s\">\n<figcaption>",
            strbuf_str(&b));
    html_esc(d->html, caption);
    fputs("</figcaption>\n</figure>\n", d->html);
    fputs("![", d->md);
    md_esc(d->md, caption);
    fprintf(d->md, "](%s.png)\n\n*", name);
    md_esc(d->md, caption);
    fprintf(d->md, "* (vector: [%s.svg](%s.svg))\n\n", name, name);
    strbuf_fini(&b);
    free(bytes);
    free(png);
}

int
rep_doc_close(struct rep_doc *d, struct sim_err *err)
{
    fputs("</body>\n</html>\n", d->html);
    int code = 0;
    if (d->err.code != 0) {
        *err = d->err;
        code = d->err.code;
        outfile_abort(&d->html_out);
        outfile_abort(&d->md_out);
    } else {
        code = outfile_commit(&d->html_out, err);
        if (code == 0)
            code = outfile_commit(&d->md_out, err);
        else
            outfile_abort(&d->md_out);
    }
    free(d->right);
    free(d->dir);
    free(d);
    return code;
}
