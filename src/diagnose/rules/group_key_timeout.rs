//! `group-key-timeout`: the 4-way handshake completed, the group key
//! handshake after it did not.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::LogFact;
use crate::wire::eapol::KeyMsg;

pub struct GroupKeyTimeout;

/// IEEE 802.11-2020 Table 9-49: reason 16, group key handshake timeout.
const REASON_GROUP_KEY_TIMEOUT: u16 = 16;

impl Rule for GroupKeyTimeout {
    fn id(&self) -> &'static str {
        "group-key-timeout"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let logged = ctx.has_fact(|f| matches!(f, LogFact::GroupKeyFailed));
        let deauth16 = ctx
            .deauths()
            .into_iter()
            .find(|(_, _, reason)| *reason == REASON_GROUP_KEY_TIMEOUT);
        let group1 = ctx.count(KeyMsg::Group1);
        let group2 = ctx.count(KeyMsg::Group2);
        // The AP re-sends group msg 1/2 only when no answer came.
        let unanswered = group1 >= 2 && group2 == 0;
        if logged.is_none() && deauth16.is_none() && !unanswered {
            return None;
        }
        let confidence = if logged.is_some() || deauth16.is_some() {
            Confidence::Certain
        } else {
            Confidence::Likely
        };
        let mut finding = Finding::new(
            self.id(),
            confidence,
            "the group key handshake failed: the AP sent group msg 1/2 and never got group msg 2/2",
        );
        if let Some(event) = logged {
            finding = finding.evidence(
                ctx.origin(event),
                "the AP logged that the group key handshake failed",
            );
        }
        let finding = evidence::messages(ctx, finding, KeyMsg::Group1);
        let finding = evidence::messages(ctx, finding, KeyMsg::Group2);
        let finding = evidence::deauths(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch: the 4-way handshake completed")
                .next_step("group key messages are encrypted with the new PTK: a station that fails to decrypt or answer them has a driver or key-installation problem")
                .next_step("as a workaround, disable periodic group rekeying on the AP (hostapd: wpa_group_rekey=0) and see whether the disconnects stop"),
        )
    }
}
