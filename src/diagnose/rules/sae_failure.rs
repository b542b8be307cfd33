//! `sae-failure`: WPA3-SAE authentication fails before any EAPOL.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::{EventKind, LogFact};
use crate::wire::codes::StatusCode;
use crate::wire::eapol::KeyMsg;

pub struct SaeFailure;

/// IEEE 802.11-2020 Table 9-151: authentication algorithm number of SAE.
const ALGORITHM_SAE: u16 = 3;

impl Rule for SaeFailure {
    fn id(&self) -> &'static str {
        "sae-failure"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M1) > 0 {
            return None;
        }
        let rejected: Vec<(usize, u16, u16)> = ctx
            .facts
            .events
            .iter()
            .filter_map(|&i| match &ctx.timeline.events.get(i)?.kind {
                EventKind::Authentication {
                    algorithm: ALGORITHM_SAE,
                    sequence,
                    status,
                    ..
                } if *status != 0 => Some((i, *sequence, *status)),
                _ => None,
            })
            .collect();
        let mismatch = ctx.has_fact(|f| matches!(f, LogFact::SaeConfirmMismatch));
        if rejected.is_empty() && mismatch.is_none() {
            return None;
        }
        let mut finding = Finding::new(
            self.id(),
            Confidence::Certain,
            match mismatch {
                Some(_) => {
                    "SAE authentication failed: the confirm message did not match, i.e. the two sides use different passwords"
                }
                None => "SAE authentication was rejected before any EAPOL frame",
            },
        );
        for (event, sequence, status) in rejected {
            let code = StatusCode(status);
            let what = if sequence == 1 { "commit" } else { "confirm" };
            finding = finding.evidence(
                ctx.origin(event),
                format!("SAE {what} with status {status} ({})", code.name()),
            );
        }
        if let Some(event) = mismatch {
            finding = finding.evidence(
                ctx.origin(event),
                "a daemon logged \"SAE: Confirm mismatch\"",
            );
        }
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .rules_out("the 4-way handshake: it never started")
                .next_step("re-enter the password on both sides (SAE compares it without a handshake to look at; a PMK cannot be checked offline)")
                .next_step("check sae_pwe / H2E settings on both sides when the status is 126 (unknown password identifier) or 123"),
        )
    }
}
