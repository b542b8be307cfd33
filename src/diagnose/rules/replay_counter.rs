//! `replay-counter`: one side misused the EAPOL-Key replay counter.

use crate::diagnose::{Confidence, Context, Finding, Rule, evidence};
use crate::handshake::attempt::Check;
use crate::wire::eapol::KeyMsg;

pub struct ReplayCounter;

impl Rule for ReplayCounter {
    fn id(&self) -> &'static str {
        "replay-counter"
    }

    fn check(&self, ctx: &Context<'_>) -> Option<Finding> {
        let logged = ctx.failed_check("replay-counter");
        let mut finding: Option<Finding> = None;
        for check in &ctx.facts.checks {
            let (summary, msg, note) = match check {
                Check::M2CounterUnmatched { m2 } => (
                    "msg 2/4 carries a replay counter that matches no msg 1/4 the AP sent: the AP drops it without checking it",
                    *m2,
                    "replay counter matches no msg 1/4",
                ),
                Check::ApCounterNotIncreased { msg, .. } => (
                    "the AP sent a message whose replay counter did not increase: the station drops it",
                    *msg,
                    "replay counter did not increase",
                ),
                Check::M4CounterMismatch { m4, .. } => (
                    "msg 4/4 does not echo the replay counter of msg 3/4: the AP drops it",
                    *m4,
                    "replay counter differs from msg 3/4's",
                ),
                _ => continue,
            };
            let current = finding.take().unwrap_or_else(|| {
                // A monitor capture can miss the M1 an M2 answers; the logs cannot.
                let confidence =
                    if logged.is_some() || ctx.coverage.station_log || ctx.coverage.ap_log {
                        Confidence::Certain
                    } else {
                        Confidence::Possible
                    };
                Finding::new(self.id(), confidence, summary)
            });
            finding = Some(current.evidence(
                ctx.message_origin(msg),
                format!("{}: {note}", ctx.label(msg)),
            ));
        }
        // A completed handshake shows the receiver accepted the counters.
        if ctx.count(KeyMsg::M4) > 0 && logged.is_none() {
            return None;
        }
        let mut finding = match (finding, logged) {
            (Some(f), _) => f,
            (None, Some((event, _, _))) => Finding::new(
                self.id(),
                Confidence::Certain,
                "a daemon dropped an EAPOL-Key frame because of its replay counter",
            )
            .evidence(ctx.origin(event), "logged replay counter error"),
            (None, None) => return None,
        };
        finding = evidence::deauths(ctx, finding);
        Some(finding.next_step(
            "replay counter errors come from implementation bugs or from frames replayed by a third party: note both sides' firmware/driver versions",
        ))
    }
}
