# sweep.gp: one figure of a sweep against the varied parameter, one line
# per combination of the other varied values.
# Data: one index block per line: x, x tick label, offload (%), byte
# offload (%), p99 latency (ms), origin peak (req/s), cost (USD), point,
# outdated answers (% of requests).
# Variables: n, titles[n], col (the column to draw), ptitle, xtitle,
# ytitle, logx (1 for a log2 x axis), xlabels[] (the tick label of each
# point, by point number: exact, where the data's label column may have
# lost a double quote).
load tdir . '/style.gp'
set title ptitle
set xlabel xtitle
set ylabel ytitle
# Ranges padded by hand: autoscaling would stretch a log axis to the next
# power of two, and a flat line would have an empty y range.
stats data using 1 nooutput
xlo = STATS_min
xhi = STATS_max
stats data using col nooutput
ylo = STATS_min
yhi = STATS_max
if (logx) {
    set logscale x 2
    set xrange [xlo / 1.1 : xhi * 1.1]
} else {
    xpad = xhi > xlo ? (xhi - xlo) * 0.04 : (abs(xlo) > 0 ? abs(xlo) * 0.1 : 0.5)
    set xrange [xlo - xpad : xhi + xpad]
}
ypad = yhi > ylo ? (yhi - ylo) * 0.06 : (abs(ylo) > 0 ? abs(ylo) * 0.05 : 1)
set yrange [ylo - ypad : yhi + ypad]
set key below horizontal left Left reverse noopaque nobox maxcols 2
plot for [i=1:n] data index (i-1) \
     using 1:col:xtic(xlabels[int(column(8)) + 1]) with linespoints \
     lt i title titles[i]
set output
