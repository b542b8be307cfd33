//! `rsn-ie-mismatch-m3`: the RSN element inside msg 3/4 differs from the
//! Beacon/Probe Response one. wpa_supplicant's `wpa_supplicant_validate_ie()`
//! deauthenticates with reason 17 ("IE in 3/4 msg does not match").

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::Observer;
use crate::wire::{eapol::KeyMsg, hex};

pub struct RsnIeMismatchM3;

impl Rule for RsnIeMismatchM3 {
    fn id(&self) -> &'static str {
        "rsn-ie-mismatch-m3"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let logged = ctx
            .failed_check("ie-mismatch")
            .filter(|(_, msg, observer)| {
                *observer == Observer::Station && *msg == Some(KeyMsg::M3)
            });
        let beacon = ctx
            .link
            .bss
            .as_ref()
            .and_then(|b| b.rsn.as_ref().map(|ie| (b.event, ie)));
        let mismatch = ctx.messages(KeyMsg::M3).find_map(|(index, _)| {
            let data = ctx.link.keys.m3_key_data(ctx.attempt, index)?;
            let in_m3 = data.ie.as_ref()?;
            let (beacon_event, beacon_ie) = beacon?;
            (in_m3.id == beacon_ie.id && in_m3.body != beacon_ie.body)
                .then(|| (index, beacon_event, hex(&beacon_ie.body), hex(&in_m3.body)))
        });
        let mut finding = match (mismatch, logged) {
            (Some((m3, beacon_event, beacon_hex, m3_hex)), _) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the RSN element inside msg 3/4 differs from the AP's Beacon/Probe Response: the station drops the AP for this",
            )
            .evidence(ctx.origin(beacon_event), format!("Beacon/Probe Response element: {beacon_hex}"))
            .evidence(ctx.message_origin(m3), format!("msg 3/4 element: {m3_hex}")),
            (None, Some((event, _, _))) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the station logged that the element in msg 3/4 does not match the Beacon/Probe Response",
            )
            .evidence(ctx.origin(event), "logged element mismatch"),
            (None, None) => return None,
        };
        finding = evidence::deauths(ctx, finding);
        Some(
            finding
                .rules_out("a PSK mismatch: msg 3/4's MIC verified before the element was compared")
                .next_step("an AP whose configuration changed (or that runs several BSSes with different settings) advertises one element and uses another: check its RSN/WPA settings and restart it"),
        )
    }
}
