//! `rsn-ie-mismatch-m2`: the RSN element in msg 2/4 differs from the one
//! in the (Re)Association Request. hostapd's `wpa_receive()` compares them
//! byte for byte after the MIC check and deauthenticates on a difference.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::{Observer, attempt::Check};
use crate::wire::{eapol::KeyMsg, hex};

pub struct RsnIeMismatchM2;

impl Rule for RsnIeMismatchM2 {
    fn id(&self) -> &'static str {
        "rsn-ie-mismatch-m2"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let check = ctx.facts.checks.iter().find_map(|c| match c {
            Check::RsnIeMismatchM2 { assoc_event, m2 } => Some((*assoc_event, *m2)),
            _ => None,
        });
        let logged = ctx
            .failed_check("ie-mismatch")
            .filter(|(_, msg, observer)| {
                *observer == Observer::AccessPoint || *msg == Some(KeyMsg::M2)
            });
        let mut finding = match (check, logged) {
            (Some((assoc_event, m2)), _) => {
                let assoc = ctx.facts.assoc_ie.as_ref().map(|(_, ie)| hex(&ie.body)).unwrap_or_default();
                let in_m2 = ctx.facts.m2_ie.as_ref().map(|(_, ie)| hex(&ie.body)).unwrap_or_default();
                Finding::new(
                    self.id(),
                    if logged.is_some() { Confidence::Certain } else { Confidence::Likely },
                    "the RSN element the station put in msg 2/4 differs from the one in its association request; the AP drops the station for this",
                )
                .evidence(ctx.origin(assoc_event), format!("association request element: {assoc}"))
                .evidence(ctx.message_origin(m2), format!("msg 2/4 element: {in_m2}"))
            }
            (None, Some((event, _, _))) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the AP logged that the RSN element of msg 2/4 does not match the association request",
            )
            .evidence(ctx.origin(event), "logged element mismatch"),
            (None, None) => return None,
        };
        finding = evidence::deauths(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch as the cause: the AP rejects the element regardless of the key")
                .next_step("a supplicant or driver that builds the association request's element itself (SME offload) can disagree with wpa_supplicant's: update both, or try another driver")
                .next_step("compare the capabilities bytes (PMF, preauth) of both elements"),
        )
    }
}
