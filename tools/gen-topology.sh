#!/bin/sh
# gen-topology.sh: writes a large synthetic topology to stdout, for
# checking that loading and running scale with the number of nodes:
# NODES nodes (one origin, NODES/100 shields, the rest edges, each edge
# with a backup shield), NODES/100 regions that each reach 10 edges (a
# third of them by nearest, weighted and cost routing each).
#   tools/gen-topology.sh 10000 > big.yaml
set -eu
nodes=${1:?usage: gen-topology.sh NODES}
awk -v n="$nodes" 'BEGIN {
    s = int(n / 100); if (s < 2) s = 2
    e = n - 1 - s; if (e < 1) { print "too few nodes" > "/dev/stderr"; exit 2 }
    r = int(n / 100); if (r < 1) r = 1
    printf "name: generated-%d\nregions:\n", n
    for (i = 0; i < r; i++) {
        printf "  - {name: r%d, weight: %d", i, 1 + i % 5
        if (i % 3 == 1) {
            printf ", routing: weighted, edges: {"
            for (k = 0; k < 10; k++)
                printf "%se%d: %d", k ? ", " : "", (i * 10 + k * 97) % e, 1 + k
            printf "}"
        } else if (i % 3 == 2) {
            printf ", routing: cost, max_latency_ms: 40"
        }
        printf "}\n"
    }
    printf "nodes:\n  - {name: origin, tier: origin, egress_cost_per_gb: 0.05}\n"
    for (i = 0; i < s; i++)
        printf "  - {name: s%d, tier: shield, cache: {capacity: 1GiB}, parent: origin}\n", i
    for (i = 0; i < e; i++)
        printf "  - {name: e%d, tier: edge, cache: {capacity: 64MiB, policy: %s}, parent: s%d, backup_parent: s%d}\n", \
            i, i % 2 ? "lru" : "s3fifo", i % s, (i + 1) % s
    printf "latency_ms:\n"
    for (i = 0; i < r; i++) {
        printf "  r%d: {", i
        for (k = 0; k < 10; k++)
            printf "%se%d: %d", k ? ", " : "", (i * 10 + k * 97) % e, 5 + (i + 3 * k) % 60
        printf "}\n"
    }
    for (i = 0; i < e; i++)
        printf "  e%d: {s%d: %d, s%d: %d}\n", i, i % s, 4 + i % 30, (i + 1) % s, 20 + i % 40
    for (i = 0; i < s; i++)
        printf "  s%d: {origin: %d}\n", i, 30 + i % 70
    printf "bandwidth_mbps:\n"
    for (i = 0; i < e; i += 2)
        printf "  e%d: {s%d: %d}\n", i, i % s, 1000 + i % 9000
}'
