# origin.gp: the load on the origin over the run: requests per second on
# the left axis, egress bandwidth on the right.
# Data: time (s, window middle), requests/s, Mbit/s; the last window,
# usually cut short by the end of the run, is left out. Variables: window
# (s).
load tdir . '/style.gp'
set title sprintf('Origin load over time (%g s windows)', window)
set xlabel 'time since the first measured request (s)'
set ylabel 'origin requests per second'
set y2label 'origin egress (Mbit/s)'
set ytics nomirror
set y2tics nomirror out
set yrange [0:*]
set y2range [0:*]
set key top right
plot data using 1:2 with linespoints lt 1 pointinterval 10 \
         title 'requests/s (left axis)', \
     '' using 1:3 axes x1y2 with linespoints lt 2 pointinterval 10 \
         title 'Mbit/s (right axis)'
set output
