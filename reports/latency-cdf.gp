# latency-cdf.gp: client latency as a cumulative distribution, one line
# per region and one for all regions, on a log x axis.
# Data: one index block per line: latency (ms), share answered within it
# (%). Variables: n, titles[n], and optionally plot_title.
load tdir . '/style.gp'
# plot_title, when set, replaces the title (runs side by side).
if (!exists('plot_title')) plot_title = 'Client latency per region (cumulative distribution)'
set title plot_title
set xlabel 'latency (ms, log scale)'
set ylabel 'requests answered within that time (%)'
set logscale x 10
set format x '%g'
set yrange [0:102]
set ytics 0, 10, 100
set grid xtics ytics lt 1 lw 0.6 lc rgb '#c8c8c8' dt 3
set key bottom right
plot for [i=1:n] data index (i-1) using 1:2 with linespoints lt i \
     pointinterval 12 title titles[i]
set output
