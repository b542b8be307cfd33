//! `wrong-key-given`: the key the user gave verifies neither side.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::keycheck::TYPO_SEARCHES_PER_SSID;
use crate::wire::eapol::KeyMsg;

pub struct WrongKeyGiven;

impl Rule for WrongKeyGiven {
    fn id(&self) -> &'static str {
        "wrong-key-given"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if !ctx.link.keys.given {
            return None;
        }
        let station = ctx.station_uses_given_key();
        let ap = ctx.ap_uses_given_key();
        if station == Some(true) || ap == Some(true) || (station.is_none() && ap.is_none()) {
            return None;
        }
        let summary = if ctx.count(KeyMsg::M3) > 0 {
            "the key you gave verifies neither the station's nor the AP's messages: both sides share another key, so the capture is fine and your key is not the one in use"
        } else {
            "the key you gave does not verify the station's messages: the station uses another key"
        };
        let mut finding = Finding::new(self.id(), Confidence::Certain, summary);
        for kind in [KeyMsg::M1, KeyMsg::M2, KeyMsg::M3] {
            finding = evidence::messages(ctx, finding, kind);
        }
        if let Some(variant) = &ctx.link.keys.variant {
            finding = finding.evidence(
                None,
                format!("a variant of your passphrase verifies: {variant}"),
            );
        } else if ctx.link.keys.typo_skipped {
            finding = finding.evidence(
                None,
                format!(
                    "typo variants of your passphrase were not tried on this link: none verified the first {TYPO_SEARCHES_PER_SSID} failing links of its network (--sta with this station's address analyses it alone, with its own search)"
                ),
            );
        }
        Some(
            finding
                .next_step("check which SSID the key belongs to: the PMK depends on the exact SSID (case, spaces)")
                .next_step("give wpadiag the key the station is configured with (`--config /etc/wpa_supplicant/wpa_supplicant.conf`) and, separately, the AP's"),
        )
    }
}
