//! `m3-rejected`: msg 3/4 reached the station and it never answered.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::LogFact;
use crate::wire::eapol::KeyMsg;

pub struct M3Rejected;

impl Rule for M3Rejected {
    fn id(&self) -> &'static str {
        "m3-rejected"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M4) > 0 {
            return None;
        }
        let m3s: Vec<_> = ctx.messages(KeyMsg::M3).map(|(_, m)| m).collect();
        let reached = m3s
            .iter()
            .any(|m| m.receiver_saw || m.acked == Some(true) || (m.on_air && m.acked.is_none()));
        if !reached || (m3s.len() < 2 && !ctx.ended_by_disconnect()) {
            return None;
        }
        // A station that sends encrypted data after M3 accepted it.
        let first_m3 = ctx.messages(KeyMsg::M3).map(|(i, _)| i).next()?;
        if ctx.station_encrypted_after(first_m3).is_some() {
            return None;
        }
        let station_check = ctx.log_facts().find_map(|(event, fact)| match fact {
            LogFact::CheckFailed {
                msg: Some(KeyMsg::M3),
                text,
                ..
            } => Some((event, text.clone())),
            _ => None,
        });
        let (confidence, summary) = match &station_check {
            Some(_) => (
                Confidence::Certain,
                "the station rejected msg 3/4 (see the logged check)",
            ),
            None if ctx.coverage.station_log => (
                Confidence::Likely,
                "msg 3/4 reached the station and it never sent msg 4/4",
            ),
            None => (
                Confidence::Possible,
                "msg 3/4 reached the station and no msg 4/4 followed: the station rejected it, or its msg 4/4 never reached the air",
            ),
        };
        let mut finding = Finding::new(self.id(), confidence, summary);
        if let Some((event, text)) = station_check {
            finding = finding.evidence(ctx.origin(event), format!("logged: {text}"));
        }
        let finding = evidence::messages(ctx, finding, KeyMsg::M3);
        let finding = evidence::m3_key_data(ctx, finding);
        let finding = evidence::deauths(ctx, finding);
        Some(
            finding
                .next_step("run wpa_supplicant with -dd: it logs why it drops msg 3/4 (MIC, ANonce, RSN element, key data)")
                .next_step("give wpadiag the passphrase: it then checks msg 3/4's MIC and unwraps its key data"),
        )
    }
}
