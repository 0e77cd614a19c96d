# sweep.gp: one figure of a sweep against the varied parameter, one line
# per combination of the other varied values.
# Data: one index block per line: x, x tick label, point, runs (the
# replications measured), the 95% confidence half-width (0 without
# replications), the value (the mean of the runs).
# Variables: n, titles[n], ptitle, xtitle, ytitle, logx (1 for a log2 x
# axis), errorbars (1: draw the confidence intervals as error bars),
# xlabels[] (the tick label of each point, by point number: exact, where
# the data's label column may have lost a double quote).
load tdir . '/style.gp'
set title ptitle
set xlabel xtitle
set ylabel ytitle
# Ranges padded by hand: autoscaling would stretch a log axis to the next
# power of two, and a flat line would have an empty y range.
stats data using 1 nooutput
xlo = STATS_min
xhi = STATS_max
stats data using ($6 - $5) nooutput
ylo = STATS_min
stats data using ($6 + $5) nooutput
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
if (errorbars) {
    set bars small
    plot for [i=1:n] data index (i-1) \
         using 1:6:5:xtic(xlabels[int(column(3)) + 1]) with yerrorlines \
         lt i title titles[i]
} else {
    plot for [i=1:n] data index (i-1) \
         using 1:6:xtic(xlabels[int(column(3)) + 1]) with linespoints \
         lt i title titles[i]
}
set output
