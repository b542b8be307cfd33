#!/usr/bin/env bash
# Time from a frame entering an interface to `wpadiag live` printing its
# event line: the veth replays of tests/live.rs (frames of captures/*-ethernet.pcap
# sent into a veth pair with their original timing, at 1x and 20x), built in
# release mode, repeated RUNS times; prints each run's median and max.
#
#   sudo bench/live-latency.sh [RUNS]        # RUNS default 5; needs root (veth)
#
# A benchmark, not a test: the tests only print these figures.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
[[ $(id -u) == 0 ]] || { echo "needs root (creates a veth pair)" >&2; exit 2; }
cd "$repo"
cargo test --release --quiet --test live --no-run
echo "| run | capture | speed | median ms | max ms | frames |"
echo "|---|---|---|---|---|---|"
for run in $(seq "$runs"); do
  cargo test --release --quiet --test live -- --test-threads 1 --nocapture \
      psk_mismatch_live_equals_analyze psk_mismatch_live_at_20x handshake_ok_live 2>&1 |
    sed -n 's/^\.*latency \(.*\) at \(.*\)x, frame sent -> event line: median \(.*\) ms, max \(.*\) ms over \(.*\) frames$/\1 \2 \3 \4 \5/p' |
    while read -r file speed median max frames; do
      echo "| $run | $file | ${speed}x | $median | $max | $frames |"
    done
done
