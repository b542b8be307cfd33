//! `m2-not-received`: the station sent msg 2/4 and the AP never got it.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::wire::eapol::KeyMsg;

pub struct M2NotReceived;

impl Rule for M2NotReceived {
    fn id(&self) -> &'static str {
        "m2-not-received"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M3) > 0 || ctx.count(KeyMsg::M2) == 0 {
            return None;
        }
        let m2s: Vec<_> = ctx.messages(KeyMsg::M2).map(|(_, m)| m).collect();
        if m2s.iter().any(|m| m.receiver_saw || m.acked == Some(true)) {
            return None;
        }
        let on_air_unacked =
            ctx.coverage.acks && m2s.iter().any(|m| m.on_air && m.acked == Some(false));
        let sent_not_on_air =
            ctx.coverage.air && m2s.iter().all(|m| !m.on_air) && m2s.iter().any(|m| m.sender_saw);
        let ap_log_silent = ctx.coverage.ap_log && m2s.iter().any(|m| m.sender_saw || m.on_air);
        let (confidence, summary) = if ap_log_silent {
            (
                Confidence::Certain,
                "the station sent msg 2/4 but the AP's log shows it never received one",
            )
        } else if on_air_unacked {
            (
                Confidence::Likely,
                "msg 2/4 went out on the air but the AP never acknowledged it: the frames do not reach the AP",
            )
        } else if sent_not_on_air {
            (
                Confidence::Likely,
                "the station says it sent msg 2/4, but no msg 2/4 is on the air: it never left the station's radio",
            )
        } else {
            return None;
        };
        let finding = Finding::new(self.id(), confidence, summary);
        let finding = evidence::messages(ctx, finding, KeyMsg::M1);
        let finding = evidence::messages(ctx, finding, KeyMsg::M2);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::m1_timing(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch as the cause seen here: the AP never got a msg 2/4 to check")
                .next_step("look at the radio path from the station to the AP: signal strength, distance, antenna, regulatory/TX power settings, driver bugs (try another driver version or disable power saving)")
                .next_step("capture on a monitor interface close to the AP to see whether the station's frames arrive at all")
                .next_step("if the station's driver sends EAPOL at a high rate or with hardware encryption flags, try a driver option that sends management/EAPOL frames at the lowest rate"),
        )
    }
}
