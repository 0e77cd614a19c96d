# outcomes.gp: what happened to the requests reaching each tier (HIT,
# MISS, COALESCED, ...), as stacked shares.
# Data: tier, then one share (%) per outcome. Variables: n, titles[n],
# labels[] (the tick labels, one per row).
# Fills alternate dark and light so that neighbouring stacks differ in grey
# as well as in colour.
load tdir . '/style.gp'
array fills[9] = ['#1a1a1a', '#9ecae1', '#d55e00', '#fff7bc', '#08519c', \
                  '#74c476', '#7b3294', '#e0e0e0', '#cc79a7']
set title 'Outcome mix per tier'
set xlabel 'tier'
set ylabel 'share of the requests reaching the tier (%)'
set yrange [0:100]
set ytics 0, 10, 100
set style data histograms
set style histogram rowstacked
set boxwidth 0.6 relative
set key outside right top vertical
plot for [k=1:n] data using (column(k+1)):xtic(labels[int(column(0)) + 1]) \
     title titles[k] \
     lc rgb fills[(k-1)%9+1] dt 1 fs solid 1.0 border lc rgb '#000000'
set output
