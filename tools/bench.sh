#!/usr/bin/env bash
# bench.sh: throughput and memory of the engine (make bench). Not a test:
# it prints figures for README.md and judges nothing.
#
#   1. the default scenario (3 regions, 3 edges, 2 shields, 1 origin) with
#      1M and 10M client requests: requests/s, events/s, peak RSS;
#   2. one LRU edge in front of an origin, Zipf(0.8) over 1M objects,
#      cache of 100,000 objects, 10M requests;
#   3. with CACHESIM=path/to/cachesim, one cache replayed by cdnsim and by
#      libCacheSim's cachesim (see the end).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./cdnsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field() { # field FILE KEY: a number from the JSON's engine object
    sed -n "s/.*\"$2\": \([0-9.e+-]*\).*/\1/p" "$1" | tail -1
}

report() { # report LABEL FILE
    awk -v label="$1" -v rps="$(field "$2" requests_per_s)" \
        -v eps="$(field "$2" events_per_s)" -v wall="$(field "$2" wall_s)" \
        -v rss="$(field "$2" peak_rss_mib)" 'BEGIN {
        printf "%-42s %6.2f M req/s %6.2f M events/s  wall %6.2f s  peak RSS %6.1f MiB\n",
            label, rps / 1e6, eps / 1e6, wall, rss }'
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
for n in 1000000 10000000; do
    $bin run topologies/global.yaml workloads/zipf.yaml --quiet \
        --requests $n --set warmup=100000 --json "$out/global-$n.json"
    report "default scenario, $n requests" "$out/global-$n.json"
done
$bin run tests/scenarios/one-edge.yaml tests/scenarios/irm.yaml --quiet \
    --requests 10000000 --set warmup=1000000 --set catalog.objects=1000000 \
    --set nodes.edge.cache.capacity=100000 --json "$out/one-edge.json"
report "one LRU edge, 1M objects, 10M requests" "$out/one-edge.json"

# 3. Against libCacheSim's cachesim, when CACHESIM names its binary: one
#    LRU and one S3-FIFO cache, unit sizes, over a 20M-request Zipf(0.9)
#    trace of 10^6 objects that cdnsim writes in oracleGeneral format.
#    Whole-process wall time and peak RSS of each (/usr/bin/time).
#    cachesim writes its results as <trace>.cachesim into the current
#    directory, so it runs in the temporary one, removed at the end.
if [ -n "${CACHESIM:-}" ]; then
    cachesim=$(command -v "$CACHESIM") ||
        { echo "bench.sh: CACHESIM=$CACHESIM: not found" >&2; exit 1; }
    case $cachesim in /*) ;; *) cachesim=$PWD/$cachesim ;; esac
    cat >"$out/zipf.yaml" <<'YAML'
name: zipf-0.9-replay
seed: 1
requests: 20000000
arrival: {rate: 10000}
catalog: {objects: 1000000, zipf_alpha: 0.9, size: {dist: fixed, bytes: 1}}
YAML
    trace="$out/zipf.oracleGeneral.bin"
    $bin trace gen "$out/zipf.yaml" --out "$trace" --format oracle_general \
        >/dev/null
    for pc in "lru 100000" "lru 10000" "s3fifo 100000" "s3fifo 10000"; do
        set -- $pc
        /usr/bin/time -f "%e %M" -o "$out/t" $bin replay "$trace" \
            --format oracle_general --policy "$1" --capacity "$2" \
            --unit-size >/dev/null 2>&1
        read -r a_s a_kib <"$out/t"
        (cd "$out" && /usr/bin/time -f "%e %M" -o "$out/t" "$cachesim" \
            "$trace" oracleGeneral "$1" "$2" --ignore-obj-size 1 \
            --num-thread 1 >/dev/null 2>&1)
        read -r b_s b_kib <"$out/t"
        awk -v p="$1" -v c="$2" -v as="$a_s" -v ak="$a_kib" -v bs="$b_s" \
            -v bk="$b_kib" 'BEGIN {
            printf "%-8s %7s objects: cdnsim %5.2f s %7.1f MiB   cachesim %5.2f s %7.1f MiB\n",
                p, c, as, ak / 1024, bs, bk / 1024 }'
    done
fi
