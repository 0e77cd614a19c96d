# style.gp: the look every cdnsim plot shares; each template loads it first.
#
# Set by the driver script (out/data/<plot>.gp): fmt ('png' or 'svg'),
# out (the file to write), width and height (pixels for PNG, points for
# SVG), data (the tab-separated data file), tdir (this directory).
#
# Plots must stay readable when printed in grey: every series differs in
# dash pattern and point type, bars in fill pattern or in lightness, never
# in hue alone. The colours (Okabe-Ito) also differ in lightness.
reset
if (fmt eq 'svg') {
    set terminal svg size width, height fixed noenhanced \
        font 'DejaVu Sans,12' background '#ffffff'
} else {
    set terminal pngcairo size width, height noenhanced \
        font 'DejaVu Sans,11' background '#ffffff'
}
set output out
set datafile separator "\t"
set border 3 lw 1.2
set xtics nomirror out
set ytics nomirror out
set grid ytics lt 1 lw 0.6 lc rgb '#c8c8c8' dt 3
set key opaque box lw 0.6 lc rgb '#999999' samplen 3.5 spacing 1.2
set title font ',14'
set linetype 1 lc rgb '#000000' lw 2.2 dt 1 pt 7 ps 1.1
set linetype 2 lc rgb '#0072b2' lw 2.2 dt 2 pt 5 ps 1.0
set linetype 3 lc rgb '#d55e00' lw 2.2 dt 4 pt 9 ps 1.3
set linetype 4 lc rgb '#009e73' lw 2.2 dt 3 pt 13 ps 1.2
set linetype 5 lc rgb '#cc79a7' lw 2.2 dt 5 pt 11 ps 1.3
set linetype 6 lc rgb '#e69f00' lw 2.2 dt (14,5,3,5) pt 4 ps 1.1
set linetype 7 lc rgb '#56b4e9' lw 2.2 dt (3,7) pt 6 ps 1.1
set linetype 8 lc rgb '#555555' lw 2.2 dt (18,6) pt 8 ps 1.2
set linetype cycle 8
