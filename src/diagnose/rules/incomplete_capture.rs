//! `incomplete-capture`: the inputs start or end mid-handshake and nothing
//! can be concluded.

use crate::diagnose::{Confidence, Context, Finding, Rule};
use crate::wire::eapol::KeyMsg;

pub struct IncompleteCapture;

impl Rule for IncompleteCapture {
    fn id(&self) -> &'static str {
        "incomplete-capture"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let first = ctx.facts.messages.first()?;
        let starts_late = first.msg != KeyMsg::M1 && ctx.link.attempt_number(ctx.attempt) == 1;
        let ends_early = ctx.is_last_attempt()
            && !ctx.ended_by_disconnect()
            && ctx.count(KeyMsg::M4) == 0
            && ctx.encrypting_without_m4().is_none();
        if !starts_late && !ends_early {
            return None;
        }
        let summary = match (starts_late, ends_early) {
            (true, true) => "the capture starts and ends in the middle of the handshake",
            (true, false) => "the capture starts in the middle of the handshake (no msg 1/4)",
            _ => "the capture ends in the middle of the handshake",
        };
        Some(
            Finding::new(self.id(), Confidence::Possible, summary)
                .evidence(ctx.message_origin(0), format!("first handshake message: {}", ctx.label(0)))
                .next_step("capture from before the station connects until after it gives up or connects: start the capture, then bring the station's interface up"),
        )
    }
}
