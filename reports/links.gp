# links.gp: the utilisation of each link with a capacity over the run
# (link_capacity_mbps), one line per link, with the capacity as 100%.
# Data: one index block per link: time (s, window middle), utilisation
# (%), Mbit/s; the last window, usually cut short by the end of the run,
# is left out. Variables: n, titles[n], window (s).
load tdir . '/style.gp'
set title sprintf('Links with a capacity: utilisation over time (%g s windows)', window)
set xlabel 'time since the first measured request (s)'
set ylabel 'utilisation (% of the link capacity)'
set yrange [0:110]
set ytics 0, 10, 100
set grid ytics lt 1 lw 0.6 lc rgb '#c8c8c8' dt 3
set key bottom right
plot for [i=1:n] data index (i-1) using 1:2 with linespoints lt i \
     pointinterval 10 title titles[i], \
     100 with lines lt 1 lw 0.8 lc rgb '#808080' dt 2 title 'capacity'
set output
