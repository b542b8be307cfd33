#!/usr/bin/env bash
# Times `wpadiag analyze` against cat (the page-cache read limit), hcxpcapngtool,
# aircrack-ng and tshark on the big synthetic capture, and prints a markdown
# table with MB/s and the ratios wpadiag/peer.
#
#   bench/compare.sh [DIR] [RUNS]     # DIR default /tmp/wpadiag-bench, RUNS default 5
#
# The capture comes from ../shared/bench/gen_bigcap.py (1.1 GB pcap + pcapng,
# deterministic); big.pcap.gz is made once with gzip -1. The page cache is
# warmed before every timed run. Environment: WPADIAG (binary, default: build
# release), SIZE_MB (capture size, default 1024).
#
# Never `hcxpcapngtool -o /dev/null`: run as root it deletes /dev/null (it
# unlinks an output file of size 0). It writes to a scratch file here.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp/wpadiag-bench}"
runs="${2:-5}"
size_mb="${SIZE_MB:-1024}"
gen="$repo/../shared/bench/gen_bigcap.py"

for tool in python3 hyperfine gzip; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

if [[ -z "${WPADIAG:-}" ]]; then
  (cd "$repo" && cargo build --release --quiet)
  WPADIAG="${CARGO_TARGET_DIR:-$repo/target}/release/wpadiag"
fi

mkdir -p "$dir"
if [[ ! -f "$dir/big.pcap" || ! -f "$dir/big.pcapng" ]]; then
  python3 "$gen" --outdir "$dir" --size-mb "$size_mb"
fi
cd "$dir"
[[ -f big.pcap.gz ]] || gzip -1 -k -c big.pcap > big.pcap.gz
passphrase=$(python3 -c 'import json;print(json.load(open("big.manifest.json"))["passphrase"])')
export WPADIAG_PASSPHRASE="$passphrase"

warm='cat big.pcap big.pcapng big.pcap.gz > /dev/null'
out="compare-$(date -u +%Y%m%dT%H%M%SZ)"
names=()
cmds=()
add() { names+=("$1"); cmds+=("$2"); }

add 'cat big.pcap' 'cat big.pcap > /dev/null'
add 'cat big.pcapng' 'cat big.pcapng > /dev/null'
add 'zcat big.pcap.gz' 'zcat big.pcap.gz | cat > /dev/null'
add 'wpadiag big.pcap' "$WPADIAG analyze big.pcap > /dev/null || test \$? = 1"
add 'wpadiag big.pcap json' "$WPADIAG analyze --format json big.pcap > /dev/null || test \$? = 1"
add 'wpadiag big.pcapng' "$WPADIAG analyze big.pcapng > /dev/null || test \$? = 1"
add 'wpadiag big.pcap.gz' "$WPADIAG analyze big.pcap.gz > /dev/null || test \$? = 1"
if command -v hcxpcapngtool >/dev/null; then
  add 'hcxpcapngtool big.pcap' 'hcxpcapngtool -o hcx.22000 big.pcap > hcx.log 2>&1'
  add 'hcxpcapngtool big.pcapng' 'hcxpcapngtool -o hcx.22000 big.pcapng > hcx.log 2>&1'
fi
if command -v aircrack-ng >/dev/null; then
  # aircrack-ng 1.7 cannot read pcapng.
  add 'aircrack-ng big.pcap' 'aircrack-ng big.pcap < /dev/null > /dev/null 2>&1 || true'
fi

args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine --style basic --runs "$runs" --warmup 1 --prepare "$warm" \
  --export-json "$out-main.json" "${args[@]}"

if command -v tshark >/dev/null; then
  # About 45 s per run: one run only.
  hyperfine --style basic --runs 1 --prepare "$warm" --export-json "$out-tshark.json" \
    -n 'tshark -Y eapol big.pcap' \
    'tshark -r big.pcap -Y eapol -T fields -e frame.number > /dev/null'
fi

python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
results = json.load(open(f"{out}-main.json"))["results"]
if os.path.exists(f"{out}-tshark.json"):
    results += json.load(open(f"{out}-tshark.json"))["results"]
size = {"big.pcap": os.path.getsize("big.pcap"), "big.pcapng": os.path.getsize("big.pcapng")}
def input_of(name):
    # A .gz is measured by the bytes it inflates to, as zcat is.
    word = name.split()[1]
    return "big.pcapng" if word == "big.pcapng" else "big.pcap"
rows = {}
for r in results:
    name = r["command"]
    median = r["median"]
    cpu = r["user"] + r["system"]
    rows[name] = (median, cpu, size[input_of(name)] / median / 1e6)
def ratio(a, b):
    return f"{rows[a][2] / rows[b][2]:.2f}x" if a in rows and b in rows else ""
def cpu_ratio(a, b):
    # On a shared machine a run may wait for a core; CPU time does not.
    return f"{rows[b][1] / rows[a][1]:.2f}x" if a in rows and b in rows else ""
peer_of = {
    "cat big.pcap": "wpadiag big.pcap", "cat big.pcapng": "wpadiag big.pcapng",
    "zcat big.pcap.gz": "wpadiag big.pcap.gz",
    "hcxpcapngtool big.pcap": "wpadiag big.pcap", "hcxpcapngtool big.pcapng": "wpadiag big.pcapng",
    "aircrack-ng big.pcap": "wpadiag big.pcap", "tshark -Y eapol big.pcap": "wpadiag big.pcap",
}
print("\n| command | median wall s | cpu s (user+sys, mean) | MB/s | wpadiag/this | by cpu s |")
print("|---|---|---|---|---|---|")
for name, (median, cpu, rate) in rows.items():
    peer = peer_of.get(name, "")
    print(f"| `{name}` | {median:.3f} | {cpu:.3f} | {rate:,.0f} | {ratio(peer, name)} | {cpu_ratio(peer, name)} |")
print("\nMB/s are of the uncompressed capture. Ratios > 1 mean wpadiag is faster;")
print("against cat/zcat they are the share of the read (or inflate) limit reached.")
print("'by cpu s' compares CPU time instead of wall time: steadier when other")
print("work shares the cores.")
EOF
