#!/bin/sh
# Runs every fuzz target for SECONDS each (default 600), seeding the
# capture reader with the public captures. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`).
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
mkdir -p corpus/capture_reader
for file in ../../shared/captures-public/*; do
    case "$file" in *.tsv|*.md) continue ;; esac
    cp -n "$file" corpus/capture_reader/ 2>/dev/null || true
done
for target in capture_reader link_decode radiotap ieee80211 elements_rsn eapol_key_kde; do
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=512
done
