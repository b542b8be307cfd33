//! Merges the events of every input on one timeline, and splits them per
//! link (AP, station) and per attempt.

use std::collections::BTreeMap;

use crate::handshake::condense::{AttemptPlan, KeptAttempt, Repeats};
use crate::handshake::event::{Event, EventKind, LogFact, Observer, SecurityIe, Ssid};
use crate::wire::{LinkType, MacAddr, eapol::KeyMsg};

/// What kind of input a file was, which decides what it can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputKind {
    Capture {
        linktypes: Vec<LinkType>,
        /// Any ACK frame at all: otherwise "not acknowledged" is unknowable.
        shows_acks: bool,
    },
    Log {
        observer: Observer,
    },
}

#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub kind: InputKind,
}

impl Input {
    /// A capture of 802.11 frames from the air (monitor mode).
    pub fn is_air_capture(&self) -> bool {
        matches!(&self.kind, InputKind::Capture { linktypes, .. } if linktypes.iter().any(|l| l.is_wireless()))
    }
}

/// What Beacons and Probe Responses said about an AP.
#[derive(Debug, Clone)]
pub struct Bss {
    pub bssid: MacAddr,
    pub ssid: Ssid,
    pub rsn: Option<SecurityIe>,
    pub wpa: Option<SecurityIe>,
    pub channel: Option<u8>,
    pub signal_dbm: Option<i8>,
    /// Event index of the Beacon/Probe Response the elements came from.
    pub event: usize,
}

/// Everything known, in time order.
#[derive(Debug, Default)]
pub struct Timeline {
    pub events: Vec<Event>,
    pub inputs: Vec<Input>,
    /// Links whose repeated attempts were condensed while reading.
    pub plan: AttemptPlan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkId {
    pub ap: MacAddr,
    pub sta: MacAddr,
}

/// One try at connecting: from authentication or association (or the first
/// M1 of a new ANonce) to the deauthentication that ends it.
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// Indices into the timeline's events. [`crate::handshake::analyze`]
    /// moves them to the attempt's replay (`AttemptFacts::events`).
    pub events: Vec<usize>,
    /// 1-based among all the link's attempts, condensed ones included.
    pub number: u64,
    /// Earlier attempts judged the same, counted on this one.
    pub repeats: Option<Repeats>,
}

#[derive(Debug, Clone)]
pub struct LinkTimeline {
    pub id: LinkId,
    pub events: Vec<usize>,
    pub attempts: Vec<Attempt>,
}

impl Timeline {
    /// Adds one input's events; call [`Timeline::finish`] when all are in.
    pub fn add(&mut self, input: Input, events: Vec<Event>) {
        self.inputs.push(input);
        if self.events.is_empty() {
            self.events = events;
        } else {
            self.events.extend(events);
        }
    }

    /// Sorts by time, keeping each input's own order. Lines without a
    /// timestamp take the last time seen before them in the same input.
    pub fn finish(&mut self) {
        let times = self.sort_times();
        if times.windows(2).all(|w| w[0].total_cmp(&w[1]).is_le()) {
            // One capture usually is in order: no second copy of every event.
            return;
        }
        let mut keyed: Vec<(f64, usize, Event)> = self
            .events
            .drain(..)
            .enumerate()
            .map(|(seq, event)| (times[seq], seq, event))
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        self.events = keyed.into_iter().map(|(_, _, e)| e).collect();
    }

    /// Lets the condensing plan go once the links are split: only
    /// [`Self::links`] reads it, and each attempt has its repeats by then.
    pub fn release_plan(&mut self) {
        self.plan = AttemptPlan::new();
    }

    /// Drops the EAPOL frames' bytes. The key checks are the last to read
    /// them; what the diagnosis and the report need was taken out before.
    pub fn release_frames(&mut self) {
        for event in &mut self.events {
            if let EventKind::Key(key) = &mut event.kind {
                key.eapol = None;
            }
        }
    }

    /// Each event's time for sorting: its own, else the last one seen
    /// before it in the same input.
    fn sort_times(&self) -> Vec<f64> {
        let mut carried: BTreeMap<u16, f64> = BTreeMap::new();
        self.events
            .iter()
            .map(|event| {
                let file = file_of(event);
                match event.time.get() {
                    Some(t) => {
                        carried.insert(file, t);
                        t
                    }
                    None => carried.get(&file).copied().unwrap_or(0.0),
                }
            })
            .collect()
    }

    pub fn bss_table(&self) -> BTreeMap<MacAddr, Bss> {
        let mut table = BTreeMap::new();
        for (index, event) in self.events.iter().enumerate() {
            if let EventKind::Beacon {
                bssid,
                ssid,
                rsn,
                wpa,
                channel,
                signal_dbm,
                ..
            } = &event.kind
            {
                let entry = table.entry(*bssid).or_insert_with(|| Bss {
                    bssid: *bssid,
                    ssid: ssid.clone(),
                    rsn: rsn.as_deref().cloned(),
                    wpa: wpa.as_deref().cloned(),
                    channel: *channel,
                    signal_dbm: *signal_dbm,
                    event: index,
                });
                // A hidden SSID's beacon has an empty or zeroed SSID; a
                // Probe Response reveals it.
                if entry.ssid.0.iter().all(|&b| b == 0) && !ssid.0.iter().all(|&b| b == 0) {
                    entry.ssid = ssid.clone();
                }
                if entry.rsn.is_none() && rsn.is_some() {
                    entry.rsn = rsn.as_deref().cloned();
                    entry.event = index;
                }
            }
        }
        table
    }

    /// Groups events into links. Beacons and probe requests belong to no
    /// link; log facts without addresses go to the input's only link.
    pub fn links(&self) -> Vec<LinkTimeline> {
        let mut links: BTreeMap<LinkId, Vec<usize>> = BTreeMap::new();
        let mut last_link_of_file: BTreeMap<u16, LinkId> = BTreeMap::new();
        let mut orphans: Vec<usize> = Vec::new();
        for (index, event) in self.events.iter().enumerate() {
            let file = file_of(event);
            match link_of(event) {
                LinkOf::One(id) => {
                    links.entry(id).or_default().push(index);
                    last_link_of_file.insert(file, id);
                }
                LinkOf::AllOfAp(ap) => {
                    for (id, events) in links.iter_mut() {
                        if id.ap == ap {
                            events.push(index);
                        }
                    }
                }
                LinkOf::Context => match last_link_of_file.get(&file) {
                    Some(id) => links.entry(*id).or_default().push(index),
                    None => orphans.push(index),
                },
                LinkOf::None => {}
            }
        }
        // Facts logged before the first addressed line (e.g. a state change)
        // belong to the first link of that file.
        for index in orphans {
            let file = file_of(&self.events[index]);
            if let Some(id) = first_link_of_file(self, &links, file) {
                let events = links.entry(id).or_default();
                events.push(index);
                events.sort_unstable();
            }
        }
        links
            .into_iter()
            .filter(|(_, events)| events.iter().any(|&i| is_link_activity(&self.events[i])))
            .map(|(id, events)| {
                let attempts = match self.plan.get(&id) {
                    Some(kept) => split_as_planned(&self.events, &events, kept),
                    None => split_attempts(&self.events, &events),
                };
                LinkTimeline {
                    id,
                    events,
                    attempts,
                }
            })
            .collect()
    }
}

fn first_link_of_file(
    timeline: &Timeline,
    links: &BTreeMap<LinkId, Vec<usize>>,
    file: u16,
) -> Option<LinkId> {
    links
        .iter()
        .filter_map(|(id, events)| {
            events
                .iter()
                .find(|&&i| file_of(&timeline.events[i]) == file)
                .map(|&i| (i, *id))
        })
        .min()
        .map(|(_, id)| id)
}

pub(crate) fn file_of(event: &Event) -> u16 {
    match event.origin {
        crate::handshake::Origin::Frame { file, .. }
        | crate::handshake::Origin::Line { file, .. } => file,
    }
}

pub(crate) enum LinkOf {
    One(LinkId),
    AllOfAp(MacAddr),
    Context,
    None,
}

pub(crate) fn link_of(event: &Event) -> LinkOf {
    match &event.kind {
        EventKind::Key(key) => LinkOf::One(LinkId {
            ap: key.ap,
            sta: key.sta,
        }),
        EventKind::Authentication { ta, ra, bssid, .. } => {
            let sta = if ta == bssid { *ra } else { *ta };
            LinkOf::One(LinkId { ap: *bssid, sta })
        }
        EventKind::AssociationRequest { sta, bssid, .. }
        | EventKind::AssociationResponse { sta, bssid, .. } => LinkOf::One(LinkId {
            ap: *bssid,
            sta: *sta,
        }),
        EventKind::Deauthentication { ta, ra, bssid, .. } => {
            let sta = if ta == bssid { *ra } else { *ta };
            if sta.is_group() {
                LinkOf::AllOfAp(*bssid)
            } else {
                LinkOf::One(LinkId { ap: *bssid, sta })
            }
        }
        EventKind::Log {
            ap: Some(ap),
            sta: Some(sta),
            ..
        } => LinkOf::One(LinkId { ap: *ap, sta: *sta }),
        EventKind::Log { .. } => LinkOf::Context,
        EventKind::ProtectedData { sta, bssid, .. } => LinkOf::One(LinkId {
            ap: *bssid,
            sta: *sta,
        }),
        EventKind::Beacon { .. } | EventKind::ProbeRequest { .. } => LinkOf::None,
    }
}

/// A link exists because a connection was tried on it: authentication,
/// association or EAPOL-Key. Context (log facts, encrypted data, a lone
/// deauthentication of a station that left) does not make one.
fn is_link_activity(event: &Event) -> bool {
    // A daemon's log only speaks of its own links: there even a
    // disconnection is one.
    let from_log =
        event.observer != Observer::Air && matches!(event.kind, EventKind::Deauthentication { .. });
    from_log
        || matches!(
            event.kind,
            EventKind::Key(_)
                | EventKind::Authentication { .. }
                | EventKind::AssociationRequest { .. }
                | EventKind::AssociationResponse { .. }
        )
        || matches!(
            &event.kind,
            EventKind::Log {
                ap: Some(_),
                sta: Some(_),
                ..
            }
        )
}

/// Splits a link's events into attempts (see [`Attempt`]).
fn split_attempts(events: &[Event], indices: &[usize]) -> Vec<Attempt> {
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut current = Attempt::default();
    let mut state = AttemptState::default();
    for &index in indices {
        let event = &events[index];
        if state.starts_new(event) && !current.events.is_empty() {
            attempts.push(std::mem::take(&mut current));
            state = AttemptState::default();
        }
        state.absorb(event);
        current.events.push(index);
    }
    if !current.events.is_empty() {
        attempts.push(current);
    }
    for (i, attempt) in attempts.iter_mut().enumerate() {
        attempt.number = i as u64 + 1;
    }
    attempts
}

/// Splits a condensed link where reading did: an event belongs to the
/// last kept attempt that starts at or before it in the input. Sorting by
/// time may move a frame across that boundary (timestamps out of order);
/// the input's order may not change, and dropping the attempts between two
/// kept ones would change the state [`split_attempts`] carries.
fn split_as_planned(events: &[Event], indices: &[usize], kept: &[KeptAttempt]) -> Vec<Attempt> {
    let mut attempts: Vec<Attempt> = kept
        .iter()
        .map(|k| Attempt {
            events: Vec::new(),
            number: k.number,
            repeats: k.repeats,
        })
        .collect();
    for &index in indices {
        let Some(event) = events.get(index) else {
            continue;
        };
        let slot = kept
            .partition_point(|k| k.start <= event.origin)
            .saturating_sub(1);
        if let Some(attempt) = attempts.get_mut(slot) {
            attempt.events.push(index);
        }
    }
    attempts.retain(|a| !a.events.is_empty());
    attempts
}

#[derive(Default)]
pub(crate) struct AttemptState {
    key_messages: u32,
    associated: bool,
    ended: bool,
    anonce: Option<[u8; 32]>,
    anonce_known: u8,
    last_m1_counter: Option<u64>,
    saw_m3: bool,
}

impl AttemptState {
    pub(crate) fn starts_new(&self, event: &Event) -> bool {
        match &event.kind {
            EventKind::Authentication { sequence: 1, .. } => {
                self.key_messages > 0 || self.associated || self.ended
            }
            EventKind::AssociationRequest { .. } => {
                self.key_messages > 0 || self.associated || self.ended
            }
            EventKind::Log {
                fact: LogFact::Associating { .. },
                ..
            } => self.key_messages > 0 || self.ended,
            EventKind::Key(key) if key.msg == KeyMsg::M1 => {
                if self.ended {
                    return true;
                }
                let (Some(anonce), true) = (self.anonce, key.nonce.known > 0) else {
                    return false;
                };
                let n = usize::from(self.anonce_known.min(key.nonce.known));
                let changed = anonce[..n] != key.nonce.bytes[..n];
                let counter_reset = match (self.last_m1_counter, key.replay_counter) {
                    (Some(last), Some(now)) => now <= last,
                    _ => false,
                };
                changed && (counter_reset || self.saw_m3)
            }
            EventKind::Key(_) => self.ended,
            _ => false,
        }
    }

    pub(crate) fn absorb(&mut self, event: &Event) {
        match &event.kind {
            EventKind::Key(key) => {
                self.key_messages += 1;
                match key.msg {
                    KeyMsg::M1 => {
                        if self.anonce.is_none() && key.nonce.known > 0 {
                            self.anonce = Some(key.nonce.bytes);
                            self.anonce_known = key.nonce.known;
                        }
                        if key.replay_counter.is_some() {
                            self.last_m1_counter = key.replay_counter;
                        }
                    }
                    KeyMsg::M3 => self.saw_m3 = true,
                    _ => {}
                }
            }
            EventKind::AssociationRequest { .. } | EventKind::AssociationResponse { .. } => {
                self.associated = true
            }
            EventKind::Deauthentication { .. }
            | EventKind::Log {
                fact: LogFact::Disconnected { .. },
                ..
            } => self.ended = true,
            _ => {}
        }
    }
}
