//! `ap-not-found` and the capture-wide `no-handshake`: findings about no
//! link in particular.

use std::collections::BTreeSet;

use crate::diagnose::{Confidence, Finding, LinkDiagnosis};
use crate::handshake::{EventKind, LinkAnalysis, LogFact, Timeline, event::Ssid};

/// Findings about the inputs as a whole.
pub fn general_findings(
    timeline: &Timeline,
    links: &[LinkAnalysis],
    _diagnosed: &[LinkDiagnosis],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let advertised: BTreeSet<&Ssid> = timeline
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Beacon { ssid, .. } => Some(ssid),
            _ => None,
        })
        .collect();
    let linked: BTreeSet<Ssid> = links.iter().flat_map(|l| l.ssids.iter().cloned()).collect();
    let mut wanted: Vec<(usize, &Ssid)> = Vec::new();
    for (index, event) in timeline.events.iter().enumerate() {
        let ssid = match &event.kind {
            EventKind::ProbeRequest { ssid, .. } => ssid,
            EventKind::Log {
                fact:
                    LogFact::Associating {
                        ssid: Some(ssid), ..
                    },
                ..
            } => ssid,
            _ => continue,
        };
        if !advertised.contains(ssid)
            && !linked.contains(ssid)
            && !wanted.iter().any(|(_, s)| *s == ssid)
        {
            wanted.push((index, ssid));
        }
    }
    if links.is_empty() {
        for (index, ssid) in wanted {
            let origin = timeline.events.get(index).map(|e| e.origin);
            let closest = advertised
                .iter()
                .min_by_key(|candidate| edit_distance(candidate.as_bytes(), ssid.as_bytes()))
                .filter(|candidate| {
                    edit_distance(candidate.as_bytes(), ssid.as_bytes())
                        <= ssid.0.len().max(3) / 2 + 1
                });
            let mut finding = Finding::new(
                "ap-not-found",
                if advertised.is_empty() {
                    Confidence::Likely
                } else {
                    Confidence::Certain
                },
                "the station looks for a network that no AP in the inputs advertises",
            )
            .evidence(
                origin,
                "the station asks for the network it is configured with",
            );
            if closest.is_some() {
                finding = finding.evidence(None, "an AP advertises a network whose name differs only slightly: compare the names character by character (case and spaces count)");
            }
            finding.ssid_hint = closest.map(|s| (*s).clone());
            finding.ssid_wanted = Some(ssid.clone());
            findings.push(
                finding
                    .next_step("compare the ssid= of the station's network block with the AP's name byte for byte")
                    .next_step("if the AP hides its SSID, set scan_ssid=1 in the station's network block"),
            );
        }
        if findings.is_empty() {
            let beacons = advertised.len();
            let summary = if beacons > 0 {
                "the inputs hold no handshake at all: only Beacons or other traffic"
            } else {
                "the inputs hold no handshake and no AP at all"
            };
            findings.push(
                Finding::new("no-handshake", Confidence::Possible, summary)
                    .next_step("capture on the AP's channel from before the station connects (`iw dev mon0 set channel N`)")
                    .next_step("check the capture filter: EAPOL is ethertype 0x888e"),
            );
        }
    }
    findings
}

fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            let substitute = previous + usize::from(!ca.eq_ignore_ascii_case(cb) || ca != cb);
            row[j + 1] = substitute.min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}
