//! What every printer shows, gathered once from the analysis: the rows of
//! each link's timeline and the key summary. Printers only format.

use std::collections::HashMap;

use crate::diagnose::Diagnosis;
use crate::handshake::{
    EventKind, LinkAnalysis, LinkId, LogFact, Observer, Origin, Timeline, keycheck::MicStatus,
};
use crate::wire::codes::{ReasonCode, StatusCode};

/// One input file as the report describes it.
#[derive(Debug, Clone, Default)]
pub struct InputSummary {
    pub name: String,
    /// "pcap, radiotap, 1093 records" / "wpa_supplicant log, 212 lines".
    pub description: String,
    /// What this kind of input cannot show.
    pub limits: Vec<String>,
    /// What was skipped and why.
    pub skipped: Vec<String>,
}

pub struct Report<'a> {
    pub timeline: &'a Timeline,
    pub analyses: &'a [LinkAnalysis],
    pub diagnosis: &'a Diagnosis,
    pub inputs: Vec<InputSummary>,
    pub key_given: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    ApToSta,
    StaToAp,
    /// A log line about the link, from the AP's or the station's log.
    Log(Observer),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub time: Option<f64>,
    pub origin: Origin,
    pub direction: Direction,
    pub what: String,
    pub replay_counter: Option<u64>,
    pub acked: Option<bool>,
    pub retry: bool,
    pub signal_dbm: Option<i8>,
    pub mic: MicStatus,
    /// Index into the link's (kept) attempts.
    pub attempt: usize,
    /// Its number among all the link's attempts (1-based).
    pub attempt_number: u64,
}

/// The key summary of one link (JSON `key`).
#[derive(Debug, Clone, Default)]
pub struct KeySummary {
    pub given: bool,
    pub station_uses_given_key: Option<bool>,
    pub ap_uses_given_key: Option<bool>,
    pub proved_by: Vec<String>,
    pub variant: Option<String>,
}

impl Report<'_> {
    /// Each link's analysis by its id (the first of equal ids, as a scan
    /// finds it), for printers that walk the diagnosis's links: a scan of
    /// `analyses` per link made the report of 10,000 links quadratic.
    pub fn analyses_by_id(&self) -> HashMap<LinkId, &LinkAnalysis> {
        let mut by_id = HashMap::with_capacity(self.analyses.len());
        for analysis in self.analyses {
            by_id.entry(analysis.id).or_insert(analysis);
        }
        by_id
    }

    /// Time of the first event: timelines print seconds since it.
    pub fn epoch(&self) -> f64 {
        self.timeline
            .events
            .iter()
            .find_map(|e| e.time.get())
            .unwrap_or(0.0)
    }

    pub fn rows(&self, link: &LinkAnalysis) -> Vec<Row> {
        let mut message_of: HashMap<usize, (usize, usize)> = HashMap::new();
        let mut attempt_of: HashMap<usize, usize> = HashMap::new();
        for (a, facts) in link.attempts.iter().enumerate() {
            for &event in &facts.events {
                attempt_of.insert(event, a);
            }
            for (m, message) in facts.messages.iter().enumerate() {
                for &event in &message.sightings {
                    message_of.insert(event, (a, m));
                }
            }
        }
        let mut rows = Vec::new();
        for &index in &link.link.events {
            let Some(event) = self.timeline.events.get(index) else {
                continue;
            };
            let attempt = attempt_of.get(&index).copied().unwrap_or(0);
            let mut row = Row {
                time: event.time.get(),
                origin: event.origin,
                direction: Direction::Log(event.observer),
                what: String::new(),
                replay_counter: None,
                acked: None,
                retry: false,
                signal_dbm: None,
                mic: MicStatus::NotChecked,
                attempt,
                attempt_number: link.attempt_number(attempt),
            };
            match &event.kind {
                EventKind::Key(key) => {
                    row.direction = if key.msg.from_authenticator() {
                        Direction::ApToSta
                    } else {
                        Direction::StaToAp
                    };
                    let verb = match (event.observer, key.action) {
                        (Observer::Air, _) => "",
                        (_, crate::handshake::event::KeyAction::Sent) => " sent",
                        (_, crate::handshake::event::KeyAction::Received) => " received",
                        (Observer::Station, _) => " (station's capture)",
                        (Observer::AccessPoint, _) => " (AP's capture)",
                    };
                    row.what = format!("EAPOL {}{verb}", key.msg.label());
                    row.replay_counter = key.replay_counter;
                    if let Some(air) = key.air {
                        row.acked = air.acked;
                        row.retry = air.retry;
                        row.signal_dbm = air.signal_dbm;
                    }
                    if let Some(&(a, m)) = message_of.get(&index) {
                        row.mic = link.keys.mic(a, m);
                    }
                }
                EventKind::Authentication {
                    ta,
                    algorithm,
                    sequence,
                    status,
                    air,
                    ..
                } => {
                    row.direction = self.direction(link, *ta);
                    let algorithm = match algorithm {
                        0 => "open".to_string(),
                        1 => "shared key".to_string(),
                        2 => "FT".to_string(),
                        3 => "SAE".to_string(),
                        other => format!("algorithm {other}"),
                    };
                    row.what = format!("auth {algorithm} seq {sequence}{}", status_text(*status));
                    air_into(&mut row, *air);
                }
                EventKind::AssociationRequest {
                    reassociation, air, ..
                } => {
                    row.direction = Direction::StaToAp;
                    row.what = if *reassociation {
                        "reassoc request"
                    } else {
                        "assoc request"
                    }
                    .into();
                    air_into(&mut row, *air);
                }
                EventKind::AssociationResponse { status, air, .. } => {
                    row.direction = Direction::ApToSta;
                    row.what = format!("assoc response{}", status_text(*status));
                    air_into(&mut row, *air);
                }
                EventKind::Deauthentication {
                    ta,
                    disassociation,
                    reason,
                    air,
                    ..
                } => {
                    row.direction = self.direction(link, *ta);
                    let what = if *disassociation {
                        "disassoc"
                    } else {
                        "deauth"
                    };
                    row.what = format!("{what} reason {reason} ({})", ReasonCode(*reason).name());
                    air_into(&mut row, *air);
                }
                EventKind::Log { fact, .. } => match log_text(fact) {
                    Some(text) => row.what = text,
                    None => continue,
                },
                EventKind::ProtectedData { from_sta, air, .. } => {
                    row.direction = if *from_sta {
                        Direction::StaToAp
                    } else {
                        Direction::ApToSta
                    };
                    row.what = "encrypted data (first since EAPOL)".to_string();
                    air_into(&mut row, *air);
                }
                EventKind::Beacon { .. } | EventKind::ProbeRequest { .. } => continue,
            }
            rows.push(row);
        }
        rows
    }

    fn direction(&self, link: &LinkAnalysis, ta: crate::wire::MacAddr) -> Direction {
        if ta == link.id.ap {
            Direction::ApToSta
        } else {
            Direction::StaToAp
        }
    }

    pub fn key_summary(&self, link: &LinkAnalysis) -> KeySummary {
        let mut summary = KeySummary {
            given: link.keys.given,
            variant: link.keys.variant.clone(),
            ..KeySummary::default()
        };
        // "MIC of msg 2/4" -> where it was proved, in order of first proof.
        let mut proofs: Vec<(String, Vec<String>)> = Vec::new();
        let mut prove = |what: String, origin: Option<Origin>| {
            let at = origin.map(origin_short_plain).unwrap_or_default();
            match proofs.iter_mut().find(|(w, _)| *w == what) {
                Some((_, places)) => places.push(at),
                None => proofs.push((what, vec![at])),
            }
        };
        for (a, facts) in link.attempts.iter().enumerate() {
            for (m, message) in facts.messages.iter().enumerate() {
                let origin = self.timeline.events.get(message.first()).map(|e| e.origin);
                if let Some(pmkid) = link.keys.pmkid(a, m) {
                    summary.ap_uses_given_key =
                        Some(summary.ap_uses_given_key.unwrap_or(false) || pmkid);
                    if pmkid {
                        prove("PMKID in msg 1/4".to_string(), origin);
                    }
                }
                let verified = match link.keys.mic(a, m) {
                    MicStatus::Verified { .. } => true,
                    MicStatus::Failed => false,
                    _ => continue,
                };
                let slot = if message.msg.from_authenticator() {
                    &mut summary.ap_uses_given_key
                } else {
                    &mut summary.station_uses_given_key
                };
                *slot = Some(slot.unwrap_or(false) || verified);
                if verified {
                    prove(format!("MIC of msg {}", message.msg.label()), origin);
                }
            }
        }
        summary.proved_by = proofs
            .into_iter()
            .map(|(what, places)| format!("{what} ({})", places_text(&places)))
            .collect();
        summary
    }
}

/// "frame 12" / "line 40" without the input number.
fn origin_short_plain(origin: Origin) -> String {
    origin_text(origin)
}

/// "frame 3" / "frames 3, 5, 9" / "line 4, frame 9".
fn places_text(places: &[String]) -> String {
    let frames: Option<Vec<&str>> = places.iter().map(|p| p.strip_prefix("frame ")).collect();
    match frames {
        Some(numbers) if numbers.len() > 1 => format!("frames {}", numbers.join(", ")),
        _ => places.join(", "),
    }
}

fn air_into(row: &mut Row, air: Option<crate::handshake::event::AirInfo>) {
    if let Some(air) = air {
        row.acked = air.acked;
        row.retry = air.retry;
        row.signal_dbm = air.signal_dbm;
    }
}

fn status_text(status: u16) -> String {
    if status == 0 {
        String::new()
    } else {
        format!(" status {status} ({})", StatusCode(status).name())
    }
}

/// "frame 12" / "line 40", the way evidence cites an origin.
pub fn origin_text(origin: Origin) -> String {
    match origin {
        Origin::Frame { number, .. } => format!("frame {number}"),
        Origin::Line { number, .. } => format!("line {number}"),
    }
}

/// Short form for timeline columns, with the input's number when there
/// are several inputs.
pub fn origin_short(origin: Origin, several_inputs: bool) -> String {
    let (file, mark, number) = match origin {
        Origin::Frame { file, number } => (file, "#", number),
        Origin::Line { file, number } => (file, "L", number),
    };
    if several_inputs {
        format!("{}:{mark}{number}", file + 1)
    } else {
        format!("{mark}{number}")
    }
}

fn log_text(fact: &LogFact) -> Option<String> {
    Some(match fact {
        LogFact::StateChange { from, to } => format!("state {from} -> {to}"),
        LogFact::Associating { freq_mhz, .. } => match freq_mhz {
            Some(freq) => format!("trying to associate ({freq} MHz)"),
            None => "trying to associate".to_string(),
        },
        LogFact::Associated => "associated".to_string(),
        LogFact::FourWayFailedGuess => {
            "\"4-Way Handshake failed - pre-shared key may be incorrect\"".to_string()
        }
        LogFact::TempDisabled { reason, .. } => format!("network temporarily disabled ({reason})"),
        LogFact::Connected => "connected".to_string(),
        LogFact::Disconnected { reason, .. } => match reason {
            Some(r) => format!("disconnected reason {r} ({})", ReasonCode(*r).name()),
            None => "disconnected".to_string(),
        },
        LogFact::AuthenticationTimedOut => "authentication timed out".to_string(),
        LogFact::CheckFailed { check, msg, .. } => match msg {
            Some(m) => format!("check failed: {check} (msg {})", m.label()),
            None => format!("check failed: {check}"),
        },
        LogFact::PossiblePskMismatch => "AP-STA-POSSIBLE-PSK-MISMATCH".to_string(),
        LogFact::RetryLimit { state } => format!("retry limit reached ({state})"),
        LogFact::HandshakeCompleted => "handshake completed".to_string(),
        LogFact::GroupKeyFailed => "group key handshake failed".to_string(),
        LogFact::SaeConfirmMismatch => "SAE confirm mismatch".to_string(),
        LogFact::ApIe(_) | LogFact::OwnIe(_) | LogFact::Msg2Ie(_) | LogFact::Note(_) => {
            return None;
        }
    })
}
