#!/bin/bash
# Radio-lab hook (LAB_HOOK) for the m1-unanswered capture: the station's
# interface drops every incoming EAPOL-Key frame at its ingress qdisc, so
# wpa_supplicant never sees msg 1/4 and never answers it. The radio still
# acknowledges each msg 1/4 at the 802.11 layer, and the packet taps run before
# the ingress qdisc, so msg 1/4 shows in the monitor captures and in the
# station's own EAPOL capture. Runs inside the VM before wpa_supplicant starts.
dev=${STA_IFACE:-wlan1}
tc qdisc add dev "$dev" ingress
# u32 offsets count from the EAPOL header: byte 1 is the packet type, 3 = EAPOL-Key
tc filter add dev "$dev" parent ffff: protocol 0x888e prio 1 u32 match u8 3 0xff at 1 action drop
echo "ingress drop of EAPOL-Key frames on $dev installed"
# A background job cannot trap the SIGINT that ends it, so keep the drop
# counters up to date in a file instead.
out=${HOOK_OUT:-/tmp}/ingress-stats.txt
while :; do
    sleep 2
    { tc -s qdisc show dev "$dev" ingress; tc -s filter show dev "$dev" ingress; } > "$out.new" 2>&1
    mv "$out.new" "$out"
done
