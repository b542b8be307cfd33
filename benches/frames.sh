#!/bin/sh
# Throughput of `wpadiag frames` over a large synthetic radiotap capture
# from ../shared/bench/gen_bigcap.py, as pcap and pcapng, warm page cache.
# Usage: benches/frames.sh [SIZE_MB] [OUTDIR]   (defaults: 1100, /tmp/wpadiag-bench)
# Prints MB/s and frames/s for the default (handshake) listing, which reads
# the file twice, and for `--all --format json`.
set -eu
cd "$(dirname "$0")/.."
size=${1:-1100}
out=${2:-/tmp/wpadiag-bench}
mkdir -p "$out"
python3 ../shared/bench/gen_bigcap.py --outdir "$out" --size-mb "$size" >/dev/null
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/wpadiag
cp "$bin" "$out/wpadiag"
bin=$out/wpadiag

now() { date +%s.%N; }
for file in "$out/big.pcap" "$out/big.pcapng"; do
    bytes=$(stat -c %s "$file")
    cat "$file" >/dev/null
    frames=$("$bin" frames --all "$file" | wc -l)
    for mode in default all-json; do
        best=
        for _ in 1 2 3; do
            start=$(now)
            if [ "$mode" = default ]; then
                "$bin" frames "$file" >/dev/null
            else
                "$bin" frames --all --format json "$file" >/dev/null
            fi
            end=$(now)
            t=$(echo "$end - $start" | bc -l)
            if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
        done
        printf '%-8s %-9s %8.0f MB/s %10.0f frames/s  (%.3f s, %d frames, best of 3)\n' \
            "$(basename "$file" | sed 's/big\.//')" "$mode" \
            "$(echo "$bytes / 1000000 / $best" | bc -l)" \
            "$(echo "$frames / $best" | bc -l)" "$best" "$frames"
    done
done
