# latency-ccdf.gp: the tail of client latency as a complementary CDF,
# one line per region and one for all regions, on log x and log y axes
# (each step down the y axis is a tail ten times rarer), with the run's
# p50, p95 and p99 marked by dashed vertical lines.
# Data: one index block per line: latency (ms), share of requests slower
# than that (%). Variables: n, titles[n], n_marks, mark_ms[n_marks]
# (numbers written as strings), mark_titles[n_marks]; optionally
# plot_title, and mark_lt[n_marks] (runs side by side: each mark in the
# line type of its run's curve, instead of grey).
load tdir . '/style.gp'
# plot_title, when set, replaces the title (runs side by side).
if (!exists('plot_title')) plot_title = 'Client latency tail per region (share of requests slower than x)'
set title plot_title
set xlabel 'latency (ms, log scale)'
set ylabel 'requests slower than that (%, log scale)'
set logscale x 10
set logscale y 10
set format x '%g'
set format y '%g'
set yrange [*:100]
set grid xtics ytics mytics lt 1 lw 0.6 lc rgb '#c8c8c8' dt 3
set key top right
do for [i=1:n_marks] {
    if (exists('mark_lt')) {
        set arrow i from (mark_ms[i] + 0), graph 0 to (mark_ms[i] + 0), \
            graph 1 nohead lw 1 lc (mark_lt[i] + 0) dt 2
        set label i mark_titles[i] at (mark_ms[i] + 0), graph 0.03 \
            rotate by 90 left offset (i % 2 ? -0.6 : 1.3), 0 \
            tc lt (mark_lt[i] + 0)
    } else {
        set arrow i from (mark_ms[i] + 0), graph 0 to (mark_ms[i] + 0), \
            graph 1 nohead lw 1 lc rgb '#606060' dt 2
        set label i mark_titles[i] at (mark_ms[i] + 0), graph 0.03 \
            rotate by 90 left offset (i % 2 ? -0.6 : 1.3), 0 tc rgb '#404040'
    }
}
plot for [i=1:n] data index (i-1) using 1:2 with linespoints lt i \
     pointinterval 12 title titles[i]
set output
