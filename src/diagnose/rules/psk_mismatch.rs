//! `psk-mismatch`: the station and the AP derive different PMKs.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::{LogFact, Observer, attempt::Check};
use crate::wire::eapol::KeyMsg;

pub struct PskMismatch;

impl Rule for PskMismatch {
    fn id(&self) -> &'static str {
        "psk-mismatch"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M2) == 0 {
            return None;
        }
        let station = ctx.station_uses_given_key();
        let ap = ctx.ap_uses_given_key();
        let finding = match (station, ap) {
            (Some(true), Some(false)) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the AP uses a different PSK than the station: the station's messages verify with your key, the AP's do not",
            ),
            (Some(false), Some(true)) => Finding::new(
                self.id(),
                Confidence::Certain,
                "the station uses a different PSK than the AP: the AP's messages verify with your key, the station's do not",
            ),
            _ => self
                .proved_by_ap_log(ctx)
                .or_else(|| self.inferred(ctx, station))?,
        };
        let finding = evidence::messages(ctx, finding, KeyMsg::M1);
        let finding = evidence::messages(ctx, finding, KeyMsg::M2);
        let finding = evidence::messages(ctx, finding, KeyMsg::M3);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::m1_timing(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .rules_out("lost msg 2/4: the AP received it")
                .rules_out("an RSN element mismatch: the elements in the association request and msg 2/4 agree (or the AP said the MIC was wrong)")
                .next_step("compare the PSK of both sides for this exact SSID: `wpadiag psk --ssid SSID --ask` on the passphrase each side is configured with, or `--check` the psk= line of wpa_supplicant.conf")
                .next_step("re-type the passphrase on the AP and on the station; watch for a keyboard layout (y/z), Caps Lock, or trailing spaces")
                .next_step("if the station's psk= was made with wpa_passphrase, make sure it was run with the network's exact SSID (case and spaces count)"),
        )
    }
}

impl PskMismatch {
    fn proved_by_ap_log(&self, ctx: &Context<'_>) -> Option<Finding> {
        let invalid_mic = ctx
            .failed_check("invalid-mic")
            .filter(|(_, msg, observer)| {
                *observer == Observer::AccessPoint && matches!(msg, Some(KeyMsg::M2) | None)
            })
            .map(|(event, _, _)| event);
        let mismatch = ctx.has_fact(|f| matches!(f, LogFact::PossiblePskMismatch));
        let event = invalid_mic.or(mismatch)?;
        Some(
            Finding::new(
                self.id(),
                Confidence::Certain,
                "the AP rejected msg 2/4 because its MIC is invalid: the station and the AP use different PSKs",
            )
            .evidence(ctx.origin(event), "the AP logged that the MIC of msg 2/4 is invalid"),
        )
    }

    /// Without a proof: the AP acknowledged valid-looking M2s and still
    /// started over with M1 or gave up, and the RSN elements agree.
    fn inferred(&self, ctx: &Context<'_>, station: Option<bool>) -> Option<Finding> {
        if ctx.count(KeyMsg::M3) > 0 {
            return None;
        }
        let ie_mismatch = ctx
            .facts
            .checks
            .iter()
            .any(|c| matches!(c, Check::RsnIeMismatchM2 { .. }));
        if ie_mismatch {
            return None;
        }
        // Received: acknowledged at the AP's radio, or in the AP's own log or capture.
        let acked: Vec<usize> = ctx
            .messages(KeyMsg::M2)
            .filter(|(_, m)| m.acked == Some(true) || m.receiver_saw)
            .map(|(i, _)| i)
            .collect();
        // hostapd answers an M2 whose MIC fails by re-sending M1 (after
        // its retransmission timeout); an AP that accepted M2 goes on with
        // M3 instead, so an M1 after an acknowledged M2 is the tell.
        let first = *acked.first()?;
        ctx.m1_after(first)?;
        let summary = match station {
            Some(true) => {
                "the AP acknowledged every msg 2/4, which verify with your key, and never answered with msg 3/4: the AP uses a different PSK"
            }
            Some(false) => {
                "the AP acknowledged msg 2/4 and never answered it; the station does not use your key either: the two sides' PSKs most likely differ"
            }
            None => {
                "the AP acknowledged msg 2/4 and never answered with msg 3/4: the AP most likely computed a different MIC, i.e. uses a different PSK"
            }
        };
        Some(Finding::new(self.id(), Confidence::Likely, summary))
    }
}
