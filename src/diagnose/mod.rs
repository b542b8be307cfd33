//! One rule per failure mode. Each looks at one attempt of one link and
//! may produce a finding; the order of [`RULES`] is their precedence when
//! choosing an attempt's verdict.

pub mod context;
mod evidence;
pub mod finding;
pub mod rules;

pub use context::{Context, Coverage};
pub use finding::{Confidence, Evidence, Finding};

use crate::handshake::{EventKind, LinkAnalysis, Origin, Timeline, event::Ssid, timeline::LinkId};

pub trait Rule: Sync {
    /// The finding id this rule produces.
    fn id(&self) -> &'static str;
    fn check(&self, ctx: &Context<'_>) -> Option<Finding>;
    /// Whether its finding is about the link's frames as a whole, not the
    /// attempt it was checked on: it then names no attempt.
    fn link_wide(&self) -> bool {
        false
    }
}

/// Precedence order: a specific, proved cause before a general pattern;
/// the patterns before "nothing to conclude".
pub const RULES: &[&dyn Rule] = &[
    &rules::sae_failure::SaeFailure,
    &rules::key_descriptor_mismatch::KeyDescriptorMismatch,
    &rules::rsn_ie_mismatch_m2::RsnIeMismatchM2,
    &rules::rsn_ie_mismatch_m3::RsnIeMismatchM3,
    &rules::anonce_changed::AnonceChanged,
    &rules::replay_counter::ReplayCounter,
    &rules::psk_mismatch::PskMismatch,
    &rules::m2_not_received::M2NotReceived,
    &rules::ap_ignored_m2::ApIgnoredM2,
    &rules::m1_unanswered::M1Unanswered,
    &rules::m3_not_received::M3NotReceived,
    &rules::m3_rejected::M3Rejected,
    &rules::m4_lost::M4Lost,
    &rules::group_key_timeout::GroupKeyTimeout,
    &rules::wrong_key_given::WrongKeyGiven,
    &rules::handshake_ok::HandshakeOk,
    &rules::incomplete_capture::IncompleteCapture,
    &rules::no_handshake::NoHandshake,
    // Last, and never an attempt's verdict: a pointer, not a diagnosis.
    &rules::suspicious_frames::SuspiciousFrames,
];

/// Findings listed beside a verdict but never chosen as one.
fn never_verdict(finding: &Finding) -> bool {
    finding.id == "suspicious-frames"
}

/// Whether `finding` can be an attempt's verdict (pointers cannot).
pub fn may_be_verdict(finding: &Finding) -> bool {
    !never_verdict(finding)
}

/// The diagnosis of one link.
#[derive(Debug, Clone)]
pub struct LinkDiagnosis {
    pub id: LinkId,
    pub ssid: Option<Ssid>,
    /// The chosen finding, without its evidence: that is in `findings[0]`.
    pub verdict: Finding,
    /// Every finding, verdict first, then by attempt.
    pub findings: Vec<Finding>,
    pub coverage: Coverage,
    /// Per attempt, its own verdict id; `None` when no rule concluded
    /// anything about it (an attempt in the middle of a capture is not an
    /// incomplete capture).
    pub attempt_verdicts: Vec<Option<&'static str>>,
}

/// The diagnosis of everything given.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub links: Vec<LinkDiagnosis>,
    /// Findings about no link in particular (`ap-not-found`, `no-handshake`).
    pub general: Vec<Finding>,
}

impl Diagnosis {
    /// The overall verdict: the first failing link's that concluded
    /// something, else the first failing one's, else success.
    pub fn verdict(&self) -> &'static str {
        self.headline().map_or("no-handshake", |f| f.id)
    }

    /// The finding the report leads with (see [`Diagnosis::verdict`]).
    pub fn headline(&self) -> Option<&Finding> {
        let failing = || {
            self.links
                .iter()
                .map(|l| &l.verdict)
                .chain(self.general.iter())
                .filter(|f| !f.is_success())
        };
        failing()
            .find(|f| !matches!(f.id, "no-handshake" | "incomplete-capture"))
            .or_else(|| failing().next())
            .or_else(|| self.links.first().map(|l| &l.verdict))
    }

    /// Every analysed link completed its handshake.
    pub fn all_ok(&self) -> bool {
        !self.links.is_empty()
            && self.general.is_empty()
            && self.links.iter().all(|l| l.verdict.is_success())
    }
}

/// Runs every rule on every attempt of every link.
pub fn diagnose(timeline: &Timeline, links: &[LinkAnalysis]) -> Diagnosis {
    let mut diagnosed = Vec::new();
    for link in links {
        let coverage = Coverage::of(timeline, link);
        let per_attempt: Vec<Vec<Finding>> = (0..link.attempts.len())
            .map(|attempt| findings_of(timeline, link, coverage, attempt))
            .collect();
        let attempt_verdicts = per_attempt
            .iter()
            .map(|f| primary(f).map(|f| f.id))
            .collect();
        // An attempt stands for itself and for the repeats counted on it.
        let weights: Vec<usize> = (0..per_attempt.len())
            .map(|a| {
                let repeats = link
                    .link
                    .attempts
                    .get(a)
                    .and_then(|a| a.repeats)
                    .map_or(0, |r| r.count);
                1 + usize::try_from(repeats).unwrap_or(usize::MAX - 1)
            })
            .collect();
        let mut verdict = choose_verdict(&per_attempt, &weights);
        // One finding per id: the verdict, then each other id's first
        // occurrence, so a failure repeated in every attempt is listed once.
        // The verdict's evidence lives there only: a second copy per link
        // was a fifth of the memory of a capture of 10,000 stations.
        let mut findings = vec![verdict.clone()];
        verdict.evidence = Vec::new();
        for finding in per_attempt.into_iter().flatten() {
            if !findings.iter().any(|f| f.id == finding.id) {
                findings.push(finding);
            }
        }
        for finding in &mut findings {
            // Evidence in time order; origins compare by input, then position.
            finding
                .evidence
                .sort_by_key(|e| (e.origin.is_none(), e.origin));
        }
        diagnosed.push(LinkDiagnosis {
            id: link.id,
            ssid: link.ssid().cloned(),
            verdict,
            findings,
            coverage,
            attempt_verdicts,
        });
    }
    // Links where a handshake happened first, then in order of appearance.
    // `diagnosed` was built in the order of `links`: the keys come from
    // there by position, not by a search per comparison.
    // A condensed capture (one input) orders links by where they first
    // appear in it, repeats counted: their first events may be gone.
    let condensed = links
        .iter()
        .any(|a| a.link.attempts.iter().any(|t| t.repeats.is_some()));
    type FirstSeen = (bool, Option<Origin>, usize);
    let mut keyed: Vec<(FirstSeen, LinkDiagnosis)> = links
        .iter()
        .map(|a| {
            let messages: usize = a.attempts.iter().map(|f| f.messages.len()).sum();
            let first = a.link.events.first().copied().unwrap_or(usize::MAX);
            let origin = condensed
                .then(|| {
                    let own = timeline.events.get(first).map(|e| e.origin);
                    let repeated = a
                        .link
                        .attempts
                        .iter()
                        .filter_map(|t| t.repeats)
                        .map(|r| r.first);
                    own.into_iter().chain(repeated).min()
                })
                .flatten();
            (messages == 0, origin, first)
        })
        .zip(diagnosed)
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    let diagnosed: Vec<LinkDiagnosis> = keyed.into_iter().map(|(_, l)| l).collect();
    let general = rules::ap_not_found::general_findings(timeline, links, &diagnosed);
    Diagnosis {
        links: diagnosed,
        general,
    }
}

/// Every rule's finding on attempt `attempt` of `link`, in precedence order.
pub fn findings_of(
    timeline: &Timeline,
    link: &LinkAnalysis,
    coverage: Coverage,
    attempt: usize,
) -> Vec<Finding> {
    let Some(facts) = link.attempts.get(attempt) else {
        return Vec::new();
    };
    let ctx = Context {
        timeline,
        link,
        attempt,
        facts,
        coverage,
    };
    RULES
        .iter()
        .filter_map(|rule| rule.check(&ctx).map(|f| (rule.link_wide(), f)))
        .map(|(link_wide, mut f)| {
            if !link_wide {
                f.attempt = Some(attempt);
                f.attempt_number = Some(link.attempt_number(attempt));
            }
            // Evidence in time order; origins compare by input, then position.
            f.evidence.sort_by_key(|e| (e.origin.is_none(), e.origin));
            f
        })
        .collect()
}

/// The link's verdict: its last attempt that concluded something, unless
/// a failure recurs in more attempts than succeeded. A station that fails
/// the same way again and again and then connects once just before the
/// capture ends (e.g. before the next group rekey) still has that failure.
/// `weights`: how many attempts each one stands for (itself and the
/// repeats counted on it).
fn choose_verdict(per_attempt: &[Vec<Finding>], weights: &[usize]) -> Finding {
    let conclusive = |f: &Finding| !matches!(f.id, "incomplete-capture" | "no-handshake");
    let primaries: Vec<(&Finding, usize)> = per_attempt
        .iter()
        .zip(weights)
        .filter_map(|(f, &w)| primary(f).map(|f| (f, w)))
        .collect();
    let weight_of = |pred: &dyn Fn(&Finding) -> bool| -> usize {
        primaries
            .iter()
            .filter(|(f, _)| pred(f))
            .map(|(_, w)| w)
            .sum()
    };
    let successes = weight_of(&|f| f.is_success());
    let mut recurring: Option<(&Finding, usize)> = None;
    for (finding, _) in primaries
        .iter()
        .filter(|(f, _)| conclusive(f) && !f.is_success())
    {
        let count = weight_of(&|f| f.id == finding.id);
        if count >= 2 && count > successes && recurring.is_none_or(|(_, best)| count > best) {
            recurring = Some((finding, count));
        }
    }
    let last = primaries
        .iter()
        .rev()
        .find(|(f, _)| conclusive(f))
        .or_else(|| primaries.last())
        .map(|(f, _)| *f);
    let chosen = match (recurring, last) {
        (Some((failure, _)), Some(last)) if last.is_success() => Some(failure),
        (_, last) => last,
    };
    match chosen {
        Some(verdict) => {
            let mut verdict = verdict.clone();
            let same = weight_of(&|f| f.id == verdict.id);
            if same > 1 {
                verdict.summary = format!(
                    "{} (the same in {same} of {} attempts)",
                    verdict.summary,
                    weights.iter().sum::<usize>()
                );
            }
            verdict
        }
        None => Finding::new(
            "incomplete-capture",
            Confidence::Possible,
            "nothing on this link can be concluded",
        ),
    }
}

/// An attempt's own verdict: its first finding that may be one.
fn primary(findings: &[Finding]) -> Option<&Finding> {
    findings.iter().find(|f| !never_verdict(f))
}

/// The text of a link's SSID for display; redaction happens in `report`.
pub fn ssid_of(timeline: &Timeline, link: &LinkAnalysis) -> Option<Ssid> {
    link.ssid().cloned().or_else(|| {
        timeline.events.iter().find_map(|e| match &e.kind {
            EventKind::Beacon { bssid, ssid, .. } if *bssid == link.id.ap => Some(ssid.clone()),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handshake::{
        Input, InputKind, Observer, analyze,
        attempt::fixtures::{canonical, deauth, key, nonce},
    };
    use crate::wire::{LinkType, eapol::KeyMsg};

    fn diagnose_events(events: Vec<crate::handshake::Event>, kind: InputKind) -> Diagnosis {
        let mut timeline = Timeline::default();
        timeline.add(
            Input {
                name: "test".into(),
                kind,
            },
            events,
        );
        timeline.finish();
        let links = analyze(&timeline, None);
        diagnose(&timeline, &links)
    }

    fn air(shows_acks: bool) -> InputKind {
        InputKind::Capture {
            linktypes: vec![LinkType::RADIOTAP],
            shows_acks,
        }
    }

    #[test]
    fn canonical_case_acknowledged_is_a_psk_mismatch() {
        let d = diagnose_events(canonical(Observer::Air, Some(true)), air(true));
        assert_eq!(d.verdict(), "psk-mismatch");
        assert_eq!(d.links[0].verdict.confidence, Confidence::Likely);
        assert!(!d.all_ok());
    }

    #[test]
    fn canonical_case_unacknowledged_is_m2_not_received() {
        let d = diagnose_events(canonical(Observer::Air, Some(false)), air(true));
        assert_eq!(d.verdict(), "m2-not-received");
    }

    #[test]
    fn canonical_case_without_acks_cannot_decide() {
        let d = diagnose_events(canonical(Observer::Air, None), air(false));
        assert_eq!(d.verdict(), "ap-ignored-m2");
    }

    #[test]
    fn canonical_case_from_the_station_is_ap_ignored_m2() {
        let d = diagnose_events(
            canonical(Observer::Station, None),
            InputKind::Capture {
                linktypes: vec![LinkType::ETHERNET],
                shows_acks: false,
            },
        );
        assert_eq!(d.verdict(), "ap-ignored-m2");
        assert_eq!(d.links[0].verdict.confidence, Confidence::Certain);
        let steps = d.links[0].verdict.next_steps.join("\n");
        assert!(steps.contains("wpadiag psk"), "{steps}");
        assert!(steps.contains("monitor"), "{steps}");
    }

    #[test]
    fn complete_handshake_is_ok_and_exit_zero() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 1, nonce(2), Some(true)),
            key(3, KeyMsg::M3, 2, nonce(1), Some(true)),
            key(
                4,
                KeyMsg::M4,
                2,
                crate::handshake::event::Partial::full([0; 32]),
                Some(true),
            ),
        ];
        let d = diagnose_events(events, air(true));
        assert_eq!(d.verdict(), "handshake-ok");
        assert_eq!(d.links[0].verdict.confidence, Confidence::Certain);
        assert!(d.all_ok());
    }

    #[test]
    fn ap_silent_after_acked_m2_is_m3_not_received() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 1, nonce(2), Some(true)),
            deauth(9, 15),
        ];
        let d = diagnose_events(events, air(true));
        assert_eq!(d.verdict(), "m3-not-received");
    }

    #[test]
    fn m3_resent_after_m4_is_m4_lost() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 1, nonce(2), Some(true)),
            key(3, KeyMsg::M3, 2, nonce(1), Some(true)),
            key(
                4,
                KeyMsg::M4,
                2,
                crate::handshake::event::Partial::full([0; 32]),
                Some(false),
            ),
            key(5, KeyMsg::M3, 3, nonce(1), Some(true)),
            deauth(9, 15),
        ];
        let d = diagnose_events(events, air(true));
        assert_eq!(d.verdict(), "m4-lost");
        assert_eq!(d.links[0].verdict.confidence, Confidence::Certain);
    }

    #[test]
    fn evidence_cites_frames_in_order() {
        let d = diagnose_events(canonical(Observer::Air, Some(true)), air(true));
        // The verdict's evidence is listed with it, first among the findings.
        assert_eq!(d.links[0].findings[0].id, d.links[0].verdict.id);
        let frames: Vec<u64> = d.links[0].findings[0]
            .evidence
            .iter()
            .filter_map(|e| match e.origin {
                Some(crate::handshake::Origin::Frame { number, .. }) => Some(number),
                _ => None,
            })
            .collect();
        let mut sorted = frames.clone();
        sorted.sort_unstable();
        assert_eq!(frames, sorted);
        assert_eq!(frames.first(), Some(&10));
        assert_eq!(frames.last(), Some(&50));
    }
}
