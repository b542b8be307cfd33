//! `handshake-ok`: all four messages, consistent; with a key, every MIC verifies.

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
        let complete = (m3_reached && last_m4.is_some() && !m3_after_m4) || completed_log.is_some();
        if !complete {
            return None;
        }
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
        let confidence = if verified || completed_log.is_some() || m4_acked {
            Confidence::Certain
        } else {
            Confidence::Likely
        };
        let summary = if verified {
            "the 4-way handshake completed and every MIC checked verifies with your key"
        } else {
            "the 4-way handshake completed"
        };
        let mut finding = Finding::new(self.id(), confidence, summary);
        for kind in [KeyMsg::M1, KeyMsg::M2, KeyMsg::M3, KeyMsg::M4] {
            finding = evidence::messages(ctx, finding, kind);
        }
        finding = evidence::m3_key_data(ctx, finding);
        if let Some(event) = completed_log {
            finding = finding.evidence(
                ctx.origin(event),
                "a daemon logged the handshake as completed",
            );
        }
        Some(finding)
    }
}
