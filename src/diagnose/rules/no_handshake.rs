//! `no-handshake`: a link with authentication or association but no
//! EAPOL-Key frames.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::EventKind;

pub struct NoHandshake;

impl Rule for NoHandshake {
    fn id(&self) -> &'static str {
        "no-handshake"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if !ctx.facts.messages.is_empty() {
            return None;
        }
        let assoc_status =
            ctx.facts
                .events
                .iter()
                .find_map(|&i| match &ctx.timeline.events.get(i)?.kind {
                    EventKind::AssociationResponse { status, .. } => Some((i, *status)),
                    _ => None,
                });
        let summary = match assoc_status {
            Some((_, 0)) => {
                "the station associated but no EAPOL-Key frame of this link is in the inputs"
            }
            Some((_, _)) => "the AP refused the association, so no handshake started",
            None => "no EAPOL-Key frame of this link is in the inputs",
        };
        let mut finding = Finding::new(self.id(), Confidence::Possible, summary);
        if let Some((event, status)) = assoc_status {
            let code = crate::wire::codes::StatusCode(status);
            finding = finding.evidence(
                ctx.origin(event),
                format!("association response status {status} ({})", code.name()),
            );
        }
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .next_step("capture on the AP's channel in monitor mode from before the station connects; a capture on the station's own interface may miss EAPOL sent over nl80211's control port")
                .next_step("if the network uses 802.1X/EAP or SAE, the 4-way handshake only starts after that authentication succeeds"),
        )
    }
}
