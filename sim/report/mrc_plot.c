/* mrc_plot.c: a miss-ratio curve drawn by gnuplot (reports/mrc.gp), for
 * `cdnsim replay --mrc --plot DIR`; the curve comes from
 * sim/replay/mrc.c, this file only draws it, like the report's plots. */
#include <limits.h>
#include <string.h>

#include "report/report_int.h"

int
rep_mrc_plot(const char *out_dir, const char *templates, const char *title,
             int is_objects, const struct rep_mrc_point *pts, size_t n,
             FILE *log, struct sim_err *err)
{
    char tbuf[PATH_MAX];
    if (templates == NULL)
        templates = rep_find_templates(tbuf, sizeof tbuf);
    struct rep_opts o;
    memset(&o, 0, sizeof o);
    o.out_dir = out_dir;
    o.log = log;
    struct rep_plotter pl;
    int code = rep_plotter_init(&pl, &o, templates, err);
    struct rep_plot p;
    if (code == 0)
        code = rep_plot_begin(&pl, &p, "mrc", "mrc.gp");
    if (code == 0) {
        fputs("# cache size\tmiss ratio\tbyte miss ratio\n", p.data);
        for (size_t i = 0; i < n; i++)
            fprintf(p.data, "%.17g\t%.10g\t%.10g\n", pts[i].size,
                    pts[i].miss_ratio, pts[i].byte_miss_ratio);
        rep_plot_str(&p, "plot_title", title);
        rep_plot_str(&p, "size_unit", is_objects ? "objects" : "bytes");
        code = rep_plot_draw(&pl, &p);
    }
    rep_plotter_fini(&pl);
    return code;
}
