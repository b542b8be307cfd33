#!/usr/bin/env bash
# `wpadiag live` in the radio lab (../shared/lab: real hostapd and
# wpa_supplicant on mac80211_hwsim radios in a QEMU VM), compared with
# `wpadiag analyze` on the lab's own captures of the same run.
#
#   tests/lab/run-live-lab.sh [SCENARIO] [OUTDIR]
#       SCENARIO default wpa2-psk-wrongpass, OUTDIR default /tmp/wpadiag-live-lab
#
# Needs the lab (../shared/lab/README.md; ~1-2 min per run under TCG) and a
# release build. Exits 0 when every check holds, 1 when one fails, 2 when
# the lab cannot run. `cargo test --test live_lab` runs it when
# WPADIAG_LAB=1.
set -uo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
lab="$repo/../shared/lab"
scenario="${1:-wpa2-psk-wrongpass}"
outdir="${2:-/tmp/wpadiag-live-lab}"
bin="${WPADIAG:-${CARGO_TARGET_DIR:-$repo/target}/release/wpadiag}"

[[ -x "$lab/run-scenario.sh" ]] || { echo "no radio lab at $lab" >&2; exit 2; }
if [[ -z "${WPADIAG:-}" ]]; then
  (cd "$repo" && cargo build --release --quiet) || exit 2
fi
command -v python3 >/dev/null || { echo "missing: python3" >&2; exit 2; }

LAB_HOOK="$repo/tests/lab/live-hook.sh" LAB_HOOK_FILES="$bin" \
  "$lab/run-scenario.sh" "$scenario" "$outdir" > "$outdir.log" 2>&1
status=$?
# 0: the daemons did what the scenario expects; 3: they did not (still a
# valid run to compare); anything else: the lab failed.
if [[ $status != 0 && $status != 3 ]]; then
  echo "the lab run failed ($status); see $outdir.log" >&2
  exit 2
fi

analyze() {
  WPADIAG_PASSPHRASE="$sta_pass" "$bin" analyze --format json --no-typo-search --ssid "$ssid" "$@"
}
ssid=$(sed -n 's/^SSID=//p' "$outdir/params.env" | head -1)
sta_pass=$(sed -n 's/^STA_PASS=//p' "$outdir/params.env" | head -1)
# params.env is written with printf %q.
ssid=$(eval "printf %s $ssid")
sta_pass=$(eval "printf %s $sta_pass")

analyze "$outdir/monitor-mon0.pcap" > "$outdir/analyze-mon0.json"
analyze "$outdir/sta-eapol.pcap" > "$outdir/analyze-sta.json"
for name in mon0 sta monitor; do
  analyze "$outdir/hook/live-$name.pcapng" > "$outdir/analyze-live-$name.json"
done

python3 - "$outdir" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
def load(name):
    try:
        return json.loads((out / name).read_text())
    except Exception as err:
        return {"error": f"{name}: {err}"}
def attempts(report):
    return [(len(l.get("attempts", [])), l.get("verdict")) for l in report.get("links", [])]
failures = []
def check(what, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail else ""))
    if not ok:
        failures.append(what)
params = (out / "params.env").read_text()
control_port = "CONTROL_PORT=1" in params
# With the control port, EAPOL bypasses the station's interface: live falls
# back to a monitor interface on its radio, and sees what the sniffer sees.
sta_offline = "analyze-mon0.json" if control_port else "analyze-sta.json"
pairs = [
    ("live mon0 = analyze of the lab's mon0 capture", "hook/live-mon0.json", "analyze-mon0.json"),
    ("live on the station's interface = analyze of the lab's " + sta_offline, "hook/live-sta.json", sta_offline),
    ("live --monitor = analyze of the lab's mon0 capture", "hook/live-monitor.json", "analyze-mon0.json"),
]
for what, live, offline in pairs:
    a, b = load(live), load(offline)
    check(what, a.get("verdict") == b.get("verdict") and a.get("verdict") is not None,
          f"{a.get('verdict')} vs {b.get('verdict')}")
for name in ("mon0", "sta", "monitor"):
    a, b = load(f"hook/live-{name}.json"), load(f"analyze-live-{name}.json")
    check(f"live {name}: its report = analyze of the pcapng it wrote",
          a.get("verdict") == b.get("verdict") and attempts(a) == attempts(b),
          f"{a.get('verdict')} {attempts(a)} vs {b.get('verdict')} {attempts(b)}")
err = (out / "hook/live-monitor.err").read_text(errors="replace")
check("--monitor created its interface", "created monitor interface wpadiagmon" in err)
check("--monitor removed its interface", "removed monitor interface wpadiagmon" in err)
after = (out / "hook/interfaces-after.txt").read_text().split()
check("no monitor interface left behind", not any(n.startswith("wpadiagmon") for n in after), " ".join(after))
check("privileges: uid 65534 with CAP_NET_ADMIN alone while the interface exists",
      "continuing as uid 65534 (SUDO_UID) with CAP_NET_ADMIN only" in err)
sta_err = (out / "hook/live-sta.err").read_text(errors="replace")
if control_port:
    check("control port: the empty station capture is explained while capturing",
          "associated" in sta_err and "nl80211's control port" in sta_err)
    check("control port: live fell back to a monitor interface and removed it as uid 65534",
          "continuing as uid 65534 (SUDO_UID) with CAP_NET_ADMIN and CAP_NET_RAW only" in sta_err
          and "falling back to a monitor interface" in sta_err
          and "CAP_NET_RAW dropped" in sta_err
          and "removed monitor interface wpadiagmon" in sta_err)
else:
    check("EAPOL on the station's interface: every capability dropped at the first frame",
          "EAPOL arrives on wlan1; capabilities dropped" in sta_err)
sys.exit(1 if failures else 0)
PY
