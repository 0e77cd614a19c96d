# mrc.gp: an LRU miss-ratio curve (cdnsim replay --mrc): the miss ratio
# and the byte miss ratio against the cache size, on a log x axis.
# Data: cache size, miss ratio, byte miss ratio. Variables: plot_title,
# size_unit ('bytes' or 'objects').
load tdir . '/style.gp'
set title plot_title
set xlabel sprintf('LRU cache size (%s, log scale; ki = 1024, Mi = 1024 ki)', size_unit)
set ylabel 'miss ratio'
set logscale x 2
set format x '%.0b%B'
set yrange [0:1.02]
set ytics 0, 0.1, 1
set grid xtics ytics lt 1 lw 0.6 lc rgb '#c8c8c8' dt 3
set key top right
plot data using 1:2 with linespoints lt 1 pointinterval 4 title 'of requests (miss ratio)', \
     '' using 1:3 with linespoints lt 2 pointinterval 4 title 'of bytes (byte miss ratio)'
set output
