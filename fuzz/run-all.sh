#!/bin/sh
# Runs every fuzz target for SECONDS each (default 600), seeding each from
# the project's captures and logs, fuzz/seeds/ and the public captures.
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain,
# or stable with RUSTC_BOOTSTRAP=1 (set FUZZ_TOOLCHAIN=stable for that).
# Corpora grow under fuzz/corpus/ (not committed); crashes land in
# fuzz/artifacts/<target>/.
set -eu
cd "$(dirname "$0")"
seconds=${1:-600}
shift 2>/dev/null || true
targets=${*:-"capture_reader link_decode radiotap ieee80211 elements_rsn eapol_key_kde log_parser supplicant_conf analyze_file"}
toolchain=${FUZZ_TOOLCHAIN:-nightly}
if [ "$toolchain" = stable ]; then
    export RUSTC_BOOTSTRAP=1
fi

seed() { # seed TARGET FILE...
    dir="corpus/$1"
    shift
    mkdir -p "$dir"
    for file in "$@"; do
        [ -f "$file" ] || continue
        case "$file" in *.tsv|*.md) continue ;; esac
        cp -n "$file" "$dir/" 2>/dev/null || true
    done
}
captures="../captures/*.pcap* ../../shared/captures-public/*"
# shellcheck disable=SC2086
seed capture_reader $captures
# shellcheck disable=SC2086
seed analyze_file $captures ../captures/logs/*
seed log_parser ../captures/logs/*
seed supplicant_conf seeds/supplicant_conf/*

for target in $targets; do
    mkdir -p "corpus/$target" "artifacts/$target"
    cargo "+$toolchain" fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=1024 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1
done
