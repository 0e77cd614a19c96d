# cost.gp: egress cost of each node and, hatched, of each tier.
# Data: label, node cost (USD), tier cost (USD); one of the two is 0.
# Variables: nlabels, labels[nlabels] (the tick labels, one per row).
load tdir . '/style.gp'
set title 'Egress cost per node and tier'
set xlabel 'node, or all nodes of a tier'
set ylabel 'egress cost (USD)'
set yrange [0:*]
set style data histograms
set style histogram rowstacked
set boxwidth 0.7 relative
set key top left
if (nlabels > 6) { set xtics rotate by -30 left }
plot data using 2:xtic(labels[int(column(0)) + 1]) title 'one node' \
         dt 1 lc rgb '#6e6e6e' fs solid 0.8 border lc rgb '#000000', \
     '' using 3 title 'a tier (sum of its nodes)' \
         dt 1 lc rgb '#000000' fs pattern 4 border lc rgb '#000000'
set output
