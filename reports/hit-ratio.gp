# hit-ratio.gp: hit ratio and byte hit ratio of each caching node and of
# each tier as a whole (origins, always 100%, are left out).
# Data: label, hit ratio (%), byte hit ratio (%). Variables: nlabels,
# labels[nlabels] (the tick labels, exact; the data's label column may
# have lost a double quote).
load tdir . '/style.gp'
set title 'Hit ratio per node and tier'
set xlabel 'caching node, or all nodes of a tier'
set ylabel 'hit ratio (%)'
set yrange [0:110]
set ytics 0, 10, 100
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9 relative
set key top right horizontal
if (nlabels > 6) { set xtics rotate by -30 left }
plot data using 2:xtic(labels[int(column(0)) + 1]) \
         title 'of requests (hit ratio)' \
         dt 1 lc rgb '#5a5a5a' fs solid 0.85 border lc rgb '#000000', \
     '' using 3 title 'of bytes (byte hit ratio)' \
         dt 1 lc rgb '#000000' fs pattern 5 border lc rgb '#000000'
set output
