//! The handshake layer's product: per link, its attempts replayed and, with
//! a key, the proofs of which PMK each side used.

use std::collections::BTreeMap;

use crate::handshake::{
    attempt::{self, AttemptFacts},
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
        .map(|link| {
            let attempts = link
                .attempts
                .iter()
                .map(|a| attempt::replay(&timeline.events, &a.events))
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
            EventKind::AssociationRequest {
                ssid: Some(ssid), ..
            } => add(ssid),
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
