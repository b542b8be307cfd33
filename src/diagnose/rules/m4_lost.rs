//! `m4-lost`: the station sent msg 4/4 and the AP keeps re-sending msg 3/4.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::wire::eapol::KeyMsg;

pub struct M4Lost;

impl Rule for M4Lost {
    fn id(&self) -> &'static str {
        "m4-lost"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let m4s: Vec<(usize, _)> = ctx.messages(KeyMsg::M4).collect();
        let m3s: Vec<(usize, _)> = ctx.messages(KeyMsg::M3).collect();
        let first_m4 = m4s.first().map(|(i, _)| *i);
        let m4_sent = m4s.iter().any(|(_, m)| m.sender_saw || m.on_air);
        let m4_received = m4s
            .iter()
            .any(|(_, m)| m.receiver_saw || m.acked == Some(true));
        let resent_after = first_m4.is_some_and(|m4| m3s.iter().any(|(i, _)| *i > m4));
        // No M4 in view, but the station encrypts after M3 while the AP
        // keeps re-sending M3: the station answered, the answer was lost.
        let first_m3 = m3s.first().map(|(i, _)| *i);
        let encrypted = first_m3.and_then(|m3| ctx.station_encrypted_after(m3));
        if m4s.is_empty() && m3s.len() >= 2 {
            if let Some(event) = encrypted {
                let finding = Finding::new(
                    self.id(),
                    Confidence::Likely,
                    "the station accepted msg 3/4 (it sends encrypted data with the new key) but no msg 4/4 reached the air, and the AP kept re-sending msg 3/4: msg 4/4 was lost",
                )
                .evidence(ctx.origin(event), "the station's first encrypted data frame after msg 3/4");
                let finding = evidence::messages(ctx, finding, KeyMsg::M3);
                let finding = evidence::deauths(ctx, finding);
                return Some(finding.next_step(
                    "a station that installs its keys before msg 4/4 leaves sends msg 4/4 encrypted and the AP drops it: look for driver or firmware updates",
                ));
            }
        }
        // Without any M4 in view the station may have sent it: only the
        // station's own evidence says so.
        let ap_log_missing = ctx.coverage.ap_log && m4_sent && !m4_received;
        if !m4_sent || (!resent_after && !ap_log_missing) {
            return None;
        }
        let (confidence, summary) = if m4_received {
            (
                Confidence::Likely,
                "the AP acknowledged msg 4/4 at the radio but kept re-sending msg 3/4: it did not accept msg 4/4",
            )
        } else if ap_log_missing || m4s.iter().any(|(_, m)| m.acked == Some(false)) {
            (
                Confidence::Certain,
                "the station sent msg 4/4 but the AP never received it, and kept re-sending msg 3/4",
            )
        } else {
            (
                Confidence::Likely,
                "the station sent msg 4/4 and the AP kept re-sending msg 3/4: msg 4/4 did not reach the AP",
            )
        };
        let finding = Finding::new(self.id(), confidence, summary);
        let finding = evidence::messages(ctx, finding, KeyMsg::M3);
        let finding = evidence::messages(ctx, finding, KeyMsg::M4);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch: msg 3/4 is only sent after msg 2/4 verified")
                .next_step("a station that installs its keys before msg 4/4 leaves sends msg 4/4 encrypted and the AP drops it: look for driver or firmware updates")
                .next_step("check the radio path from the station to the AP (signal, power saving)"),
        )
    }
}
