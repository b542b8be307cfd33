//! `m1-unanswered`: msg 1/4 arrives (or is sent) and the station never
//! answers with msg 2/4.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::wire::eapol::KeyMsg;

pub struct M1Unanswered;

impl Rule for M1Unanswered {
    fn id(&self) -> &'static str {
        "m1-unanswered"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        if ctx.count(KeyMsg::M1) == 0 || ctx.count(KeyMsg::M2) > 0 || ctx.count(KeyMsg::M3) > 0 {
            return None;
        }
        if ctx.count(KeyMsg::M1) < 2 && !ctx.ended_by_disconnect() {
            return None;
        }
        let m1s: Vec<_> = ctx.messages(KeyMsg::M1).map(|(_, m)| m).collect();
        let received = m1s.iter().any(|m| m.receiver_saw || m.acked == Some(true));
        let (confidence, summary) = if ctx.coverage.station_log || ctx.coverage.own_capture {
            (
                Confidence::Certain,
                "msg 1/4 reached the station, which never answered with msg 2/4",
            )
        } else if received {
            (
                Confidence::Likely,
                "the station acknowledged msg 1/4 but no msg 2/4 appears on the air: the station did not answer (or its answer never left its radio)",
            )
        } else {
            (
                Confidence::Possible,
                "msg 1/4 was sent but no msg 2/4 appears: either the station never got msg 1/4 or it did not answer",
            )
        };
        let finding = Finding::new(self.id(), confidence, summary);
        let finding = evidence::messages(ctx, finding, KeyMsg::M1);
        let finding = evidence::deauths(ctx, finding);
        let finding = evidence::log_verdicts(ctx, finding);
        Some(
            finding
                .next_step("run wpa_supplicant with -dd and look at what it logs after \"RX EAPOL\": a dropped msg 1/4 is logged with the reason")
                .next_step("check that the station's network block matches the AP's security (key_mgmt, proto, pairwise) and that it is not waiting for 802.1X/EAP")
                .next_step("on a current Linux kernel, EAPOL may travel over nl80211's control port: a capture on the station's interface can miss frames that were really sent; capture in monitor mode"),
        )
    }
}
