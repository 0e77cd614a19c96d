# compare-origin.gp: origin requests per second over time, one line per
# run (cdnsim report --run A,B).
# Data: one index block per run: time (s, window middle), requests/s.
# Variables: n, titles[n].
load tdir . '/style.gp'
set title 'Origin load over time, per run'
set xlabel 'time since the first measured request (s)'
set ylabel 'origin requests per second'
set yrange [0:*]
set key top right
plot for [i=1:n] data index (i-1) using 1:2 with linespoints lt i \
     pointinterval 10 title titles[i]
set output
