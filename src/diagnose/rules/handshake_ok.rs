//! `handshake-ok`: all four messages, consistent; with a key, every MIC
//! verifies. A msg 4/4 the sniffer missed does not hide a completed
//! handshake when the station already encrypts with the new keys.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::{LogFact, keycheck::MicStatus};
use crate::wire::eapol::KeyMsg;

pub struct HandshakeOk;

impl Rule for HandshakeOk {
    fn id(&self) -> &'static str {
        "handshake-ok"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let completed_log =
            ctx.has_fact(|f| matches!(f, LogFact::HandshakeCompleted | LogFact::Connected));
        let m3_reached = ctx
            .messages(KeyMsg::M3)
            .any(|(_, m)| m.on_air || m.receiver_saw || m.sender_saw);
        let last_m4 = ctx.messages(KeyMsg::M4).map(|(i, _)| i).last();
        let m3_after_m4 = last_m4.is_some_and(|m4| ctx.messages(KeyMsg::M3).any(|(i, _)| i > m4));
        let seen = (m3_reached && last_m4.is_some() && !m3_after_m4) || completed_log.is_some();
        // Where nothing shows the end, what the station did may.
        let m4_missed = if seen {
            None
        } else {
            Some(ctx.encrypting_without_m4()?)
        };
        let any_failed = ctx
            .facts
            .messages
            .iter()
            .enumerate()
            .any(|(i, _)| ctx.mic(i) == MicStatus::Failed);
        if any_failed {
            return None;
        }
        let verified =
            ctx.station_uses_given_key() == Some(true) && ctx.ap_uses_given_key() != Some(false);
        let m4_acked = last_m4
            .and_then(|i| ctx.message(i))
            .is_some_and(|m| m.acked == Some(true) || m.receiver_saw);
        let confidence = if m4_missed.is_some() {
            // Inferred, not seen.
            Confidence::Likely
        } else if verified || completed_log.is_some() || m4_acked {
            Confidence::Certain
        } else {
            Confidence::Likely
        };
        let mut summary = if verified {
            "the 4-way handshake completed and every MIC checked verifies with your key".to_string()
        } else {
            "the 4-way handshake completed".to_string()
        };
        if m4_missed.is_some() {
            summary.push_str(
                "; msg 4/4 is not in the capture, but the station encrypts with the new keys and the AP never re-sent msg 3/4",
            );
        }
        let mut finding = Finding::new(self.id(), confidence, summary);
        for kind in [KeyMsg::M1, KeyMsg::M2, KeyMsg::M3, KeyMsg::M4] {
            finding = evidence::messages(ctx, finding, kind);
        }
        finding = evidence::m3_key_data(ctx, finding);
        if let Some(event) = m4_missed {
            finding = finding.evidence(
                ctx.origin(event),
                "the station's first encrypted data frame after msg 3/4: it installs the new keys as it sends msg 4/4, which the capture missed",
            );
        }
        if let Some(event) = completed_log {
            finding = finding.evidence(
                ctx.origin(event),
                "a daemon logged the handshake as completed",
            );
        }
        Some(finding)
    }
}
