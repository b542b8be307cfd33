//! `m3-not-received`: the AP accepted msg 2/4 (it stopped re-sending msg
//! 1/4, or says it sent msg 3/4) but no msg 3/4 reached the station.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::wire::eapol::KeyMsg;

pub struct M3NotReceived;

impl Rule for M3NotReceived {
    fn id(&self) -> &'static str {
        "m3-not-received"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let m3s: Vec<_> = ctx.messages(KeyMsg::M3).map(|(_, m)| m).collect();
        if m3s.iter().any(|m| m.on_air || m.receiver_saw) || ctx.count(KeyMsg::M4) > 0 {
            return None;
        }
        let ap_sent = m3s.iter().any(|m| m.sender_saw);
        let last_m2 = ctx.messages(KeyMsg::M2).map(|(i, _)| i).last()?;
        let acked = ctx
            .message(last_m2)
            .is_some_and(|m| m.acked == Some(true) || m.receiver_saw);
        // The AP stopping its M1 retransmissions after an M2 says it
        // accepted it; from the station's side that is all there is to see.
        // After the first M2, not the last: an AP that rejected every M2
        // also stops after its last M1, at its retry limit.
        let first_m2 = ctx.messages(KeyMsg::M2).map(|(i, _)| i).next()?;
        let went_quiet = ctx.m1_after(first_m2).is_none() && ctx.ended_by_disconnect();
        let station_view = ctx.coverage.station_log || ctx.coverage.own_capture;
        let (confidence, summary) = if ap_sent && (station_view || ctx.coverage.air) {
            (
                Confidence::Certain,
                "the AP sent msg 3/4 but it never reached the station",
            )
        } else if ap_sent {
            (
                Confidence::Possible,
                "the AP sent msg 3/4 and never got msg 4/4: msg 3/4 or msg 4/4 was lost (the AP's side alone cannot tell which)",
            )
        } else if acked && went_quiet {
            (
                Confidence::Likely,
                "the AP received msg 2/4 and stopped sending msg 1/4 (so it accepted it), but no msg 3/4 followed",
            )
        } else if went_quiet && !ctx.coverage.acks && station_view {
            (
                Confidence::Possible,
                "the AP stopped sending msg 1/4 after the station's msg 2/4 (so it most likely accepted it), but no msg 3/4 reached the station",
            )
        } else {
            return None;
        };
        let finding = Finding::new(self.id(), confidence, summary);
        let finding = evidence::messages(ctx, finding, KeyMsg::M2);
        let finding = evidence::messages(ctx, finding, KeyMsg::M3);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch: the AP only sends msg 3/4 after msg 2/4's MIC verified")
                .next_step("look at the radio path from the AP to the station: msg 3/4 is the largest handshake frame and is sent at the AP's chosen rate")
                .next_step("capture on a monitor interface near the station to see whether msg 3/4 is transmitted and retried"),
        )
    }
}
