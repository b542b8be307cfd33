//! `ap-ignored-m2`: the AP never answered msg 2/4, and what we have cannot
//! tell why (the station's own log or capture only).

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::wire::eapol::KeyMsg;

pub struct ApIgnoredM2;

impl Rule for ApIgnoredM2 {
    fn id(&self) -> &'static str {
        "ap-ignored-m2"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M3) > 0 || ctx.count(KeyMsg::M2) == 0 {
            return None;
        }
        // Evidence of what the AP received would decide it: leave that to
        // psk-mismatch and m2-not-received.
        if ctx.coverage.acks || ctx.coverage.ap_log {
            return None;
        }
        // The AP starting over with M1 after an M2 is what "ignored" means;
        // an AP that went quiet instead is m3-not-received's pattern.
        let first_m2 = ctx.messages(KeyMsg::M2).map(|(i, _)| i).next()?;
        ctx.m1_after(first_m2)?;
        let m2_count = ctx.count(KeyMsg::M2);
        let m1_count = ctx.count(KeyMsg::M1);
        let summary = format!(
            "the AP never accepted any of the {m2_count} msg 2/4 the station sent (it sent msg 1/4 {m1_count} time(s) and never msg 3/4); from the station's side a wrong PSK and a lost msg 2/4 look identical"
        );
        let finding = Finding::new(self.id(), Confidence::Certain, summary);
        let finding = evidence::messages(ctx, finding, KeyMsg::M1);
        let finding = evidence::messages(ctx, finding, KeyMsg::M2);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::m1_timing(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        let station = ctx.station_uses_given_key();
        let finding = match station {
            Some(true) => finding.rules_out(
                "a station using another key than yours: its msg 2/4 verifies with your key",
            ),
            _ => finding,
        };
        Some(
            finding
                .rules_out("a problem before the handshake: authentication and association succeeded and msg 1/4 arrived")
                .next_step("check the PSK against the exact SSID: `wpadiag psk --ssid 'SSID' --ask --check HEX` with the psk= line of your wpa_supplicant.conf (wpa_passphrase with a different SSID gives a different PSK)")
                .next_step("capture on a monitor interface near the AP (`iw dev wlan0 interface add mon0 type monitor; tcpdump -i mon0 -w ap.pcap`) and run `wpadiag analyze ap.pcap`: ACKs of msg 2/4 tell a lost frame from a wrong key")
                .next_step("if another client connects fine, capture its handshake and verify your passphrase against it: `wpadiag analyze other.pcap --ask` proves the AP's PSK"),
        )
    }
}
