//! The handshake layer's product: per link, its attempts replayed and, with
//! a key, the proofs of which PMK each side used.

use std::collections::BTreeMap;

use crate::handshake::{
    attempt::{self, AttemptFacts},
    condense::Repeats,
    event::{EventKind, LogFact, Ssid},
    keycheck::KeyChecks,
    timeline::{Bss, LinkId, LinkTimeline, Timeline},
};

#[derive(Debug, Clone)]
pub struct LinkAnalysis {
    pub id: LinkId,
    pub link: LinkTimeline,
    pub attempts: Vec<AttemptFacts>,
    pub keys: KeyChecks,
    pub bss: Option<Bss>,
    /// Every SSID the inputs tie to this link, most trusted first: the
    /// user's, Beacon/Probe Response, (Re)Association Request, log lines.
    pub ssids: Vec<Ssid>,
}

impl LinkAnalysis {
    pub fn ssid(&self) -> Option<&Ssid> {
        self.ssids.first()
    }

    /// The number of attempt `index` among all the link's attempts,
    /// condensed ones included (1-based).
    pub fn attempt_number(&self, index: usize) -> u64 {
        match self.link.attempts.get(index) {
            Some(attempt) if attempt.number > 0 => attempt.number,
            _ => index as u64 + 1,
        }
    }

    /// Earlier attempts counted on attempt `index` (see
    /// [`crate::handshake::condense`]).
    pub fn repeats(&self, index: usize) -> Option<Repeats> {
        self.link.attempts.get(index).and_then(|a| a.repeats)
    }
}

/// Replays every link of the timeline without a key.
pub fn analyze(timeline: &Timeline, user_ssid: Option<&Ssid>) -> Vec<LinkAnalysis> {
    let bss_table = timeline.bss_table();
    // Beacon/Probe Response SSIDs per BSSID, first sighting first: one pass
    // over the timeline instead of one per link.
    let mut beacon_ssids: BTreeMap<crate::wire::MacAddr, Vec<&Ssid>> = BTreeMap::new();
    for event in &timeline.events {
        if let EventKind::Beacon { bssid, ssid, .. } = &event.kind {
            let seen = beacon_ssids.entry(*bssid).or_default();
            if !seen.contains(&ssid) {
                seen.push(ssid);
            }
        }
    }
    timeline
        .links()
        .into_iter()
        .map(|mut link| {
            // Each attempt's events move to its replay: kept once, not twice.
            let attempts = link
                .attempts
                .iter_mut()
                .map(|a| attempt::replay(&timeline.events, std::mem::take(&mut a.events)))
                .collect();
            let beacons = beacon_ssids.get(&link.id.ap).map(Vec::as_slice);
            let ssids = ssids_for(timeline, &link, &bss_table, beacons, user_ssid);
            LinkAnalysis {
                id: link.id,
                bss: bss_table.get(&link.id.ap).cloned(),
                link,
                attempts,
                keys: KeyChecks::default(),
                ssids,
            }
        })
        .collect()
}

fn ssids_for(
    timeline: &Timeline,
    link: &LinkTimeline,
    bss_table: &BTreeMap<crate::wire::MacAddr, Bss>,
    beacon_ssids: Option<&[&Ssid]>,
    user_ssid: Option<&Ssid>,
) -> Vec<Ssid> {
    let mut ssids: Vec<Ssid> = Vec::new();
    let mut add = |ssid: &Ssid| {
        if !ssid.0.is_empty() && !ssid.0.iter().all(|&b| b == 0) && !ssids.contains(ssid) {
            ssids.push(ssid.clone());
        }
    };
    if let Some(ssid) = user_ssid {
        add(ssid);
    }
    if let Some(bss) = bss_table.get(&link.id.ap) {
        add(&bss.ssid);
    }
    for &index in &link.events {
        match &timeline.events[index].kind {
            EventKind::AssociationRequest { elements, .. } => {
                if let Some(ssid) = &elements.ssid {
                    add(ssid);
                }
            }
            EventKind::Log {
                fact:
                    LogFact::Associating {
                        ssid: Some(ssid), ..
                    },
                ..
            } => add(ssid),
            _ => {}
        }
    }
    // Probe Responses of the same BSSID (hidden networks answer with the name).
    for ssid in beacon_ssids.unwrap_or_default() {
        add(ssid);
    }
    ssids
}

impl LinkAnalysis {
    /// The security elements the inputs show for this link, decoded:
    /// (whose, where from, one-line description). The AP's from its
    /// Beacon/Probe Response or the station's log, the station's from its
    /// association request (or log) and from msg 2/4 when that differs.
    pub fn security_elements(
        &self,
        events: &[crate::handshake::Event],
    ) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let ap = self
            .bss
            .as_ref()
            .and_then(|b| b.rsn.clone().or_else(|| b.wpa.clone()))
            .or_else(|| {
                self.link
                    .events
                    .iter()
                    .find_map(|&i| match &events.get(i)?.kind {
                        EventKind::Log {
                            fact: LogFact::ApIe(ie),
                            ..
                        } => Some(ie.clone()),
                        _ => None,
                    })
            });
        if let Some(ie) = ap {
            out.push(("AP", describe(&ie)));
        }
        let assoc = self.attempts.iter().find_map(|a| a.assoc_ie.clone());
        let m2 = self.attempts.iter().find_map(|a| a.m2_ie.clone());
        if let Some((_, ie)) = &assoc {
            out.push(("station", describe(ie)));
        }
        match (&assoc, &m2) {
            (Some((_, a)), Some((_, b))) if a != b => out.push(("station in msg 2/4", describe(b))),
            (None, Some((_, b))) => out.push(("station in msg 2/4", describe(b))),
            _ => {}
        }
        out
    }
}

fn describe(ie: &crate::handshake::event::SecurityIe) -> String {
    use crate::wire::rsn::RsnInfo;
    let parsed = if ie.id == 48 {
        RsnInfo::parse_rsn(&ie.body)
    } else {
        RsnInfo::parse_wpa(&ie.body)
    };
    match parsed {
        Ok(info) => info.describe(),
        Err(err) => format!(
            "undecodable element ({err}): {}",
            crate::wire::hex(&ie.body)
        ),
    }
}
