//! `anonce-changed`: the ANonce in msg 3/4 differs from the msg 1/4 the
//! station answered; wpa_supplicant drops such a msg 3/4.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::attempt::Check;
use crate::wire::eapol::KeyMsg;

pub struct AnonceChanged;

impl Rule for AnonceChanged {
    fn id(&self) -> &'static str {
        "anonce-changed"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let check = ctx.facts.checks.iter().find_map(|c| match c {
            Check::AnonceChanged { m1, m3 } => Some((*m1, *m3)),
            _ => None,
        });
        let logged = ctx.failed_check("anonce-differs");
        let completed = ctx.count(KeyMsg::M4) > 0;
        let mut finding = match (check, logged) {
            (_, Some((event, _, _))) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the station dropped msg 3/4 because its ANonce differs from msg 1/4's",
            )
            .evidence(ctx.origin(event), "logged ANonce mismatch"),
            // A station that answered anyway did not see a change (the
            // capture may have missed an M1).
            (Some(_), None) if completed => return None,
            (Some((m1, m3)), None) => Finding::new(
                self.id(),
                Confidence::Likely,
                "the ANonce in msg 3/4 differs from the msg 1/4 the station answered",
            )
            .evidence(
                ctx.message_origin(m1),
                format!("{}: ANonce of the answered message", ctx.label(m1)),
            )
            .evidence(
                ctx.message_origin(m3),
                format!("{}: a different ANonce", ctx.label(m3)),
            ),
            (None, None) => return None,
        };
        finding = evidence::deauths(ctx, finding);
        Some(
            finding
                .next_step("an AP that restarts its handshake state (or two APs answering with the same BSSID) changes the ANonce: check the AP's logs and firmware"),
        )
    }
}
