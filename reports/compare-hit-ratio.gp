# compare-hit-ratio.gp: hit ratio of each caching node and tier, one bar
# per run (cdnsim report --run A,B).
# Data: label, then the hit ratio (%) of each run ('?' where a run lacks
# the node). Variables: n, titles[n] (the runs), nlabels, labels[nlabels].
load tdir . '/style.gp'
set title 'Hit ratio per node and tier, per run'
set xlabel 'caching node, or all nodes of a tier'
set ylabel 'hit ratio (%)'
set yrange [0:110]
set ytics 0, 10, 100
set datafile missing '?'
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9 relative
set key top right horizontal
if (nlabels > 6) { set xtics rotate by -30 left }
# The first run in solid grey as in hit-ratio.gp; the others hatched.
plot data using 2:xtic(labels[int(column(0)) + 1]) title titles[1] \
         dt 1 lc rgb '#5a5a5a' fs solid 0.85 border lc rgb '#000000', \
     for [i=2:n] '' using (column(i+1)) title titles[i] \
         dt 1 lc rgb '#000000' fs pattern (i + 3) % 8 border lc rgb '#000000'
set output
