//! `key-descriptor-mismatch`: the descriptor version disagrees with the
//! negotiated cipher and AKM.

use crate::diagnose::{Confidence, Context, Finding, Rule};
use crate::handshake::attempt::Check;

pub struct KeyDescriptorMismatch;

impl Rule for KeyDescriptorMismatch {
    fn id(&self) -> &'static str {
        "key-descriptor-mismatch"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let logged = ctx.failed_check("descriptor-version");
        let check = ctx.facts.checks.iter().find_map(|c| match c {
            Check::DescriptorVersion { msg, got, expected } => Some((*msg, *got, *expected)),
            _ => None,
        });
        let mut finding = match (check, logged) {
            (Some((msg, got, expected)), _) => Finding::new(
                self.id(),
                Confidence::Certain,
                format!("{} uses key descriptor version {got}, but the negotiated cipher and AKM need version {expected}", ctx.label(msg)),
            )
            .evidence(ctx.message_origin(msg), format!("key descriptor version {got}, expected {expected}")),
            (None, Some((event, _, _))) => Finding::new(
                self.id(),
                Confidence::Certain,
                "a daemon rejected an EAPOL-Key frame for its descriptor version",
            )
            .evidence(ctx.origin(event), "logged descriptor version error"),
            (None, None) => return None,
        };
        finding = finding.next_step("compare the pairwise cipher and AKM of both sides (e.g. TKIP needs version 1, CCMP with PSK version 2, PSK-SHA256 version 3)");
        Some(finding)
    }
}
