#!/bin/bash
# Runs inside the radio lab's VM (../shared/lab, LAB_HOOK): three
# `wpadiag live` captures of the same scenario, side by side:
#   mon0          the lab's sniffer radio (radiotap, no ACKs), as root;
#   $STA_IFACE    the station's own interface (EAPOL as Ethernet frames);
#   --monitor     a monitor interface wpadiag adds to the station's radio.
# Each stops on SIGINT at the end of the scenario (or LIVE_DURATION).
out=$HOOK_OUT
bin=$HOOK_FILES/wpadiag
trap 'echo "hook: interrupted"' INT TERM
export WPADIAG_PASSPHRASE="$STA_PASS"
common=(--ssid "$SSID" --no-typo-search --format json)
[ -n "${LIVE_DURATION:-}" ] && common+=(--duration "$LIVE_DURATION")

"$bin" live mon0 "${common[@]}" --write "$out/live-mon0.pcapng" \
    > "$out/live-mon0.json" 2> "$out/live-mon0.err" &
# The other two as if run through sudo by an unprivileged user (uid 65534):
# they must keep just what their monitor interface needs, and no more.
as_user=(env SUDO_UID=65534 SUDO_GID=65534)
"${as_user[@]}" "$bin" live "$STA_IFACE" "${common[@]}" --write "$out/live-sta.pcapng" \
    > "$out/live-sta.json" 2> "$out/live-sta.err" &
"${as_user[@]}" "$bin" live "$STA_IFACE" --monitor --channel "$CHANNEL" "${common[@]}" \
    --write "$out/live-monitor.pcapng" > "$out/live-monitor.json" 2> "$out/live-monitor.err" &
# A trapped signal ends `wait` early: wait again for the reports.
wait; wait
ls /sys/class/net > "$out/interfaces-after.txt"
