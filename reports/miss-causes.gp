# miss-causes.gp: why each caching tier fetched from upstream (cold,
# capacity, purged, expired), as stacked shares.
# Data: tier, then one share (%) per cause. Variables: n, titles[n],
# labels[] (the tick labels, one per row).
# Fills alternate dark and light so that neighbouring causes differ in
# grey as well as in colour.
load tdir . '/style.gp'
array fills[4] = ['#08519c', '#fdae6b', '#7b3294', '#c7e9c0']
set title 'Why misses happen, per tier'
set xlabel 'tier'
set ylabel 'share of the fetches (misses + expired, %)'
set yrange [0:100]
set ytics 0, 10, 100
set style data histograms
set style histogram rowstacked
set boxwidth 0.6 relative
set key outside right top vertical
plot for [k=1:n] data using (column(k+1)):xtic(labels[int(column(0)) + 1]) \
     title titles[k] \
     lc rgb fills[(k-1)%4+1] dt 1 fs solid 1.0 border lc rgb '#000000'
set output
