//! Capture records to events: decodes the link layer and the 802.11 frame,
//! keeps what a handshake diagnosis needs, and pairs ACKs with the frame
//! they acknowledge.
//!
//! Beacons arrive ten times a second per AP, so a Beacon becomes an event
//! only when its BSS is new or its SSID or security elements changed.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::handshake::event::{
    AirInfo, AssocElements, Event, EventKind, KeyAction, KeyEvent, Observer, Origin, Partial,
    SecurityIe, Ssid,
};
use crate::wire::{
    self, LinkType, MacAddr, Timestamp,
    eapol::{self, EapolKey},
    ieee80211::{self, Body, Elements},
    link::{Link, RadioInfo},
    radiotap,
};

/// The longest gap between a frame and the ACK that answers it. An ACK
/// follows after SIFS (10 or 16 us); capture timestamps are coarser and
/// some drivers stamp at the end of the frame, so allow generously.
const ACK_WINDOW_S: f64 = 0.005;

/// (station, SSID) pairs of directed probe requests remembered for the
/// per-pair count; past this, new pairs are not reported, so a day of
/// probing cannot grow memory.
const MAX_PROBE_PAIRS: usize = 4096;

/// A multiply-rotate hasher for the per-frame lookups keyed by MAC
/// addresses (every protected data frame asks whether its link was seen).
/// The keys come from the capture, but a slow lookup is the worst a
/// hostile capture could cause; SipHash was 14% of the run time.
#[derive(Default, Clone, Copy)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        if let Some(dest) = last.get_mut(..rest.len()) {
            dest.copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(last) ^ (rest.len() as u64) << 56);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<AddrHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<AddrHasher>>;

/// The most links (AP, station pairs), BSSs, probing stations and
/// protected-data pairs tracked per capture. A day of a busy channel has a
/// few thousand; beyond this the capture is hostile or generated, and the
/// state for newcomers is not kept (counted, and reported as skipped), so
/// memory stays bounded whatever the file holds.
pub const MAX_TRACKED: usize = 100_000;

/// What [`FrameIngest::skim`] found.
enum Skim {
    ReportedProtectedData,
    Ack { ra: MacAddr },
    Decode,
}

/// Slots of `FrameIngest::reported_recent`: a busy channel's links fit.
const RECENT_SLOTS: usize = 256;

/// A (BSSID, station) pair as one number, never 0 (an empty slot).
fn recent_key(bssid: MacAddr, sta: MacAddr) -> u128 {
    let wide = |mac: MacAddr| {
        let [a, b, c, d, e, f] = mac.0;
        u128::from(u64::from_be_bytes([0, 0, a, b, c, d, e, f]))
    };
    1 << 96 | wide(bssid) << 48 | wide(sta)
}

fn recent_slot(key: u128) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64);
    (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % RECENT_SLOTS
}

/// Why records were not turned into events, for the report's honesty section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestStats {
    pub records: u64,
    pub undecodable: u64,
    /// Frames whose FCS the radio marked bad: dropped, their bytes are
    /// not what was sent.
    pub bad_fcs: u64,
    /// Of those, the ones that carried EAPOL.
    pub bad_fcs_eapol: u64,
    /// Frames of links, BSSs or probing stations beyond [`MAX_TRACKED`].
    pub untracked: u64,
    pub eapol_key_frames: u64,
    pub acks: u64,
    pub unsupported_link: u64,
    /// First few decode errors: (frame number, error).
    pub errors: Vec<(u64, wire::Error)>,
    pub linktypes: Vec<LinkType>,
}

/// A frame waiting to see whether the next record is its ACK.
struct AwaitingAck {
    event: usize,
    ta: MacAddr,
    time: f64,
}

#[derive(PartialEq, Eq)]
struct BeaconKey {
    ssid: Vec<u8>,
    rsn: Option<Vec<u8>>,
    wpa: Option<Vec<u8>>,
}

/// Turns the records of one capture file into events.
pub struct FrameIngest {
    file: u16,
    events: Vec<Event>,
    stats: IngestStats,
    awaiting_ack: Option<AwaitingAck>,
    beacons: FastMap<MacAddr, BeaconKey>,
    probes: FastMap<(MacAddr, Vec<u8>), u32>,
    saw_ack: bool,
    /// Links whose first protected data frame since their last EAPOL-Key
    /// frame has been reported.
    encrypted_reported: FastSet<(MacAddr, MacAddr)>,
    /// Some members of `encrypted_reported`, direct-mapped by
    /// [`recent_slot`]: most protected frames are answered by one compare
    /// instead of a set lookup (which was 9% of the run time). An entry
    /// leaves with its member.
    reported_recent: Box<[u128; RECENT_SLOTS]>,
    /// The (AP, station) pairs that produced an event.
    links: FastSet<(MacAddr, MacAddr)>,
    /// Ethernet-like captures come from one side's own interface.
    own_interface_observer: Observer,
    /// Events before this index were handed out by [`FrameIngest::take_new`].
    taken: usize,
}

impl FrameIngest {
    pub fn new(file: u16) -> Self {
        FrameIngest {
            file,
            events: Vec::new(),
            stats: IngestStats::default(),
            awaiting_ack: None,
            beacons: FastMap::default(),
            probes: FastMap::default(),
            saw_ack: false,
            encrypted_reported: FastSet::default(),
            reported_recent: Box::new([0; RECENT_SLOTS]),
            links: FastSet::default(),
            own_interface_observer: Observer::Station,
            taken: 0,
        }
    }

    /// The events pushed since the last call, for a live capture that shows
    /// them as they are decoded. With `hold_unacked`, a frame still waiting
    /// for its ACK (and what follows it) stays for the next call, so its
    /// `acked` is known when it is shown; a caller passes `false` once the
    /// ACK window has passed without a new record.
    pub fn take_new(&mut self, hold_unacked: bool) -> &[Event] {
        let end = match &self.awaiting_ack {
            Some(wait) if hold_unacked => wait.event.max(self.taken),
            _ => self.events.len(),
        };
        let start = self.taken.min(end);
        self.taken = end;
        self.events.get(start..end).unwrap_or_default()
    }

    /// Hands out the events that no later record can change (all but a
    /// frame still waiting for its ACK, and what follows it), so a long
    /// capture need not hold them here.
    pub fn drain_settled(&mut self) -> std::vec::Drain<'_, Event> {
        let end = match &mut self.awaiting_ack {
            Some(wait) => {
                let end = wait.event;
                wait.event = 0;
                end
            }
            None => self.events.len(),
        };
        self.taken = self.taken.saturating_sub(end);
        self.events.drain(..end)
    }

    /// Whether any ACK frame was seen: otherwise a missing ACK is unknowable.
    pub fn shows_acks(&self) -> bool {
        self.saw_ack
    }

    /// Counters so far (the final ones come with [`FrameIngest::finish`]).
    pub fn stats(&self) -> &IngestStats {
        &self.stats
    }

    /// Ethernet captures are assumed to be the station's own; a capture on
    /// the AP's interface is declared with this.
    pub fn set_own_interface_observer(&mut self, observer: Observer) {
        self.own_interface_observer = observer;
    }

    /// `time` is only turned into seconds for the frames that need it.
    pub fn push(
        &mut self,
        number: u64,
        time: impl Into<Timestamp>,
        linktype: LinkType,
        data: &[u8],
    ) {
        self.stats.records += 1;
        if !self.stats.linktypes.contains(&linktype) {
            self.stats.linktypes.push(linktype);
        }
        match self.skim(linktype, data) {
            // All the full decoding would change: no frame awaits an ACK.
            Skim::ReportedProtectedData => self.awaiting_ack = None,
            Skim::Ack { ra } => self.push_ack(ra, time.into().secs()),
            Skim::Decode => self.decode_and_push(number, time.into().secs(), linktype, data),
        }
    }

    fn decode_and_push(&mut self, number: u64, time: f64, linktype: LinkType, data: &[u8]) {
        let decoded = match wire::decode(linktype, data) {
            Ok(decoded) => decoded,
            Err(wire::Error::Unsupported(_)) => {
                self.stats.unsupported_link += 1;
                return;
            }
            Err(err) => {
                self.note_error(number, err);
                return;
            }
        };
        let origin = Origin::Frame {
            file: self.file,
            number,
        };
        match decoded.link {
            Link::Dot11(bytes) => self.push_dot11(origin, time, decoded.radio, bytes),
            Link::Ethernet {
                dst,
                src,
                ethertype,
                payload,
            } => {
                self.awaiting_ack = None;
                if ethertype == eapol::ETHERTYPE && self.track_pair(src, dst) {
                    self.push_eapol(origin, time, src, dst, None, None, payload);
                }
            }
        }
    }

    /// Sorts out, from the fixed header fields alone, the two kinds of
    /// frame that make up most of a busy channel and need no decoding:
    /// protected unicast data of a link whose first protected frame since
    /// its last EAPOL-Key frame is already reported (the full decoding
    /// turns it into nothing), and ACKs. Whatever would make the full
    /// decoding act otherwise (a radio header it rejects, a bad FCS, a
    /// short or 4-address header, a group receiver, a link not seen yet)
    /// answers [`Skim::Decode`].
    fn skim(&mut self, linktype: LinkType, data: &[u8]) -> Skim {
        let frame = match linktype {
            LinkType::RADIOTAP => {
                let Some((header_len, flags)) = radiotap::header_len_and_flags(data) else {
                    return Skim::Decode;
                };
                if flags & radiotap::flags::BAD_FCS != 0 {
                    return Skim::Decode;
                }
                let frame = data.get(header_len..).unwrap_or_default();
                if flags & radiotap::flags::FCS_AT_END == 0 {
                    frame
                } else {
                    match frame.len().checked_sub(4).and_then(|end| frame.get(..end)) {
                        Some(frame) => frame,
                        None => return Skim::Decode,
                    }
                }
            }
            LinkType::IEEE802_11 => data,
            _ => return Skim::Decode,
        };
        let Some(fc) = ieee80211::frame_control(frame) else {
            return Skim::Decode;
        };
        // `ieee80211::parse` needs an ACK's receiver address, nothing else.
        if fc.frame_type() == ieee80211::frame_type::CONTROL
            && fc.subtype() == ieee80211::subtype::ACK
        {
            return match frame.get(4..10).and_then(MacAddr::from_slice) {
                Some(ra) => Skim::Ack { ra },
                None => Skim::Decode,
            };
        }
        if self.is_reported_protected_data(fc, frame) {
            Skim::ReportedProtectedData
        } else {
            Skim::Decode
        }
    }

    /// See [`FrameIngest::skim`]; `frame` is the 802.11 frame.
    fn is_reported_protected_data(&mut self, fc: ieee80211::FrameControl, frame: &[u8]) -> bool {
        let sub = fc.subtype();
        // Data, protected, not a null subtype, exactly one DS bit.
        if fc.frame_type() != ieee80211::frame_type::DATA
            || !fc.protected()
            || sub & 0x4 != 0
            || fc.to_ds() == fc.from_ds()
        {
            return false;
        }
        // The header `ieee80211::parse` requires of this subtype.
        let header_len = match (sub & 0x8 != 0, fc.order()) {
            (false, _) => 24,
            (true, false) => 26,
            (true, true) => 30,
        };
        let (Some(ra), Some(ta)) = (
            frame.get(4..10).and_then(MacAddr::from_slice),
            frame.get(10..16).and_then(MacAddr::from_slice),
        ) else {
            return false;
        };
        if frame.len() < header_len || ra.is_group() {
            return false;
        }
        // With one DS bit the station is the peer `track` keys the link
        // by, so a reported (bssid, station) was also tracked.
        let (bssid, sta) = if fc.to_ds() { (ra, ta) } else { (ta, ra) };
        if sta.is_group() {
            return false;
        }
        let key = recent_key(bssid, sta);
        let slot = recent_slot(key);
        if self.reported_recent.get(slot) == Some(&key) {
            return true;
        }
        if !self.encrypted_reported.contains(&(bssid, sta)) {
            return false;
        }
        if let Some(entry) = self.reported_recent.get_mut(slot) {
            *entry = key;
        }
        true
    }

    /// Forgets that `link`'s first protected frame was reported.
    fn unreport(&mut self, link: (MacAddr, MacAddr)) {
        if self.encrypted_reported.remove(&link) {
            let key = recent_key(link.0, link.1);
            if let Some(entry) = self.reported_recent.get_mut(recent_slot(key)) {
                if *entry == key {
                    *entry = 0;
                }
            }
        }
    }

    /// An ACK to `ra`: it answers the frame awaiting one when that came
    /// from `ra` just before.
    fn push_ack(&mut self, ra: MacAddr, time: f64) {
        self.stats.acks += 1;
        self.saw_ack = true;
        if let Some(wait) = self.awaiting_ack.take() {
            if ra == wait.ta && time - wait.time <= ACK_WINDOW_S {
                if let Some(air) = self.events.get_mut(wait.event).and_then(air_of) {
                    air.acked = Some(true);
                }
            }
        }
    }

    /// Whether a frame of this kind between these addresses may create or
    /// extend a link: false once [`MAX_TRACKED`] links exist and this would
    /// be a new one.
    fn track(&mut self, body: &Body<'_>, ta: MacAddr, ra: MacAddr, bssid: MacAddr) -> bool {
        let peer = match body {
            Body::Data { eapol: Some(_), .. }
            | Body::Authentication { .. }
            | Body::AssociationRequest { .. }
            | Body::AssociationResponse { .. }
            | Body::Deauthentication { .. }
            | Body::Disassociation { .. } => {
                if ta == bssid {
                    ra
                } else {
                    ta
                }
            }
            Body::Data {
                protected: true, ..
            } => {
                if ta == bssid {
                    ra
                } else {
                    ta
                }
            }
            _ => return true,
        };
        if peer.is_group() {
            return true;
        }
        self.track_pair(bssid, peer)
    }

    fn track_pair(&mut self, a: MacAddr, b: MacAddr) -> bool {
        // Either order names the same link.
        let key = if a <= b { (a, b) } else { (b, a) };
        if self.links.contains(&key) {
            return true;
        }
        if self.links.len() >= MAX_TRACKED {
            self.stats.untracked += 1;
            return false;
        }
        self.links.insert(key);
        true
    }

    fn note_error(&mut self, number: u64, err: wire::Error) {
        self.stats.undecodable += 1;
        if self.stats.errors.len() < 16 {
            self.stats.errors.push((number, err));
        }
    }

    fn push_dot11(&mut self, origin: Origin, time: f64, radio: Option<RadioInfo>, bytes: &[u8]) {
        let number = match origin {
            Origin::Frame { number, .. } | Origin::Line { number, .. } => number,
        };
        if radio.is_some_and(|r| r.bad_fcs) {
            // A bad FCS means the bytes are not what was sent: an address,
            // a replay counter or a nonce may be wrong, so the frame proves
            // nothing. Nor is a damaged ACK known to answer anything.
            self.stats.bad_fcs += 1;
            if matches!(
                ieee80211::parse(bytes),
                Ok(ieee80211::Frame {
                    body: Body::Data { eapol: Some(_), .. },
                    ..
                })
            ) {
                self.stats.bad_fcs_eapol += 1;
            }
            self.awaiting_ack = None;
            return;
        }
        let frame = match ieee80211::parse(bytes) {
            Ok(frame) => frame,
            Err(err) => {
                self.awaiting_ack = None;
                self.note_error(number, err);
                return;
            }
        };
        if let Body::Ack = frame.body {
            self.push_ack(frame.ra(), time);
            return;
        }
        self.awaiting_ack = None;
        let air = AirInfo {
            retry: frame.retry(),
            sequence_number: frame.sequence_number(),
            signal_dbm: radio.and_then(|r| r.signal_dbm),
            bad_fcs: false,
            acked: None,
            ta: frame.ta(),
            sa: if frame.fc.from_ds() && !frame.fc.to_ds() {
                frame.addr3
            } else {
                frame.ta()
            },
        };
        let ta = frame.ta().unwrap_or(MacAddr::ZERO);
        let ra = frame.ra();
        let bssid = frame.bssid().unwrap_or(MacAddr::ZERO);
        if !self.track(&frame.body, ta, ra, bssid) {
            self.awaiting_ack = None;
            return;
        }
        let before = self.events.len();
        match frame.body {
            Body::Data {
                eapol: Some(eapol), ..
            } => {
                self.push_eapol(origin, time, ta, ra, Some(bssid), Some(air), eapol);
            }
            Body::Data {
                protected: true,
                null: false,
                eapol: None,
            } if frame.fc.to_ds() != frame.fc.from_ds() && !ra.is_group() => {
                let from_sta = frame.fc.to_ds();
                let sta = if from_sta { ta } else { ra };
                // Most data frames belong to a link already reported:
                // `contains` answers them without touching the table.
                let link = (bssid, sta);
                if !self.encrypted_reported.contains(&link)
                    && self.encrypted_reported.len() < MAX_TRACKED
                {
                    self.encrypted_reported.insert(link);
                    self.push_event(
                        origin,
                        time,
                        Observer::Air,
                        EventKind::ProtectedData {
                            sta,
                            bssid,
                            from_sta,
                            air: Some(air),
                        },
                    );
                }
            }
            Body::Beacon { elements } | Body::ProbeResponse { elements } => {
                let probe_response = matches!(frame.body, Body::ProbeResponse { .. });
                self.push_beacon(origin, time, bssid, probe_response, elements, air);
            }
            Body::ProbeRequest { elements } => {
                let ssid = elements.ssid().unwrap_or_default();
                // Broadcast probes name no network; a directed one says what the station looks for.
                if !ssid.is_empty() {
                    use std::collections::hash_map::Entry;
                    let full = self.probes.len() >= MAX_PROBE_PAIRS;
                    let seen = match self.probes.entry((ta, ssid.to_vec())) {
                        Entry::Occupied(mut entry) => {
                            let seen = entry.get_mut();
                            *seen = seen.saturating_add(1);
                            *seen
                        }
                        Entry::Vacant(entry) if !full => *entry.insert(1),
                        // Too many pairs (a scan storm or garbage): stay
                        // bounded and report no new pair.
                        Entry::Vacant(_) => {
                            self.stats.untracked += 1;
                            u32::MAX
                        }
                    };
                    if seen <= 3 {
                        self.push_event(
                            origin,
                            time,
                            Observer::Air,
                            EventKind::ProbeRequest {
                                sta: ta,
                                ssid: Ssid(ssid.to_vec()),
                            },
                        );
                    }
                }
            }
            Body::Authentication {
                algorithm,
                sequence,
                status,
                ..
            } => self.push_event(
                origin,
                time,
                Observer::Air,
                EventKind::Authentication {
                    ta,
                    ra,
                    bssid,
                    algorithm,
                    sequence,
                    status,
                    air: Some(air),
                },
            ),
            Body::AssociationRequest {
                reassociation,
                elements,
            } => self.push_event(
                origin,
                time,
                Observer::Air,
                EventKind::AssociationRequest {
                    sta: ta,
                    bssid,
                    reassociation,
                    elements: Box::new(AssocElements {
                        ssid: elements.ssid().map(|s| Ssid(s.to_vec())),
                        rsn: security_ie(elements, 48),
                        wpa: security_ie(elements, 221),
                    }),
                    air: Some(air),
                },
            ),
            Body::AssociationResponse { status, .. } => self.push_event(
                origin,
                time,
                Observer::Air,
                EventKind::AssociationResponse {
                    sta: ra,
                    bssid,
                    status,
                    air: Some(air),
                },
            ),
            Body::Deauthentication { reason } | Body::Disassociation { reason } => {
                let disassociation = matches!(frame.body, Body::Disassociation { .. });
                self.push_event(
                    origin,
                    time,
                    Observer::Air,
                    EventKind::Deauthentication {
                        ta,
                        ra,
                        bssid,
                        disassociation,
                        reason,
                        air: Some(air),
                    },
                )
            }
            _ => {}
        }
        // Unicast frames that went into an event wait for their ACK.
        if self.events.len() > before && !ra.is_group() {
            self.awaiting_ack = Some(AwaitingAck {
                event: self.events.len() - 1,
                ta,
                time,
            });
        }
    }

    fn push_beacon(
        &mut self,
        origin: Origin,
        time: f64,
        bssid: MacAddr,
        probe_response: bool,
        elements: Elements<'_>,
        air: AirInfo,
    ) {
        let ssid = elements.ssid().unwrap_or_default();
        let rsn = elements.rsn();
        let wpa = elements.wpa();
        let unchanged = self.beacons.get(&bssid).is_some_and(|known| {
            known.ssid == ssid && known.rsn.as_deref() == rsn && known.wpa.as_deref() == wpa
        });
        if unchanged {
            return;
        }
        if !self.beacons.contains_key(&bssid) && self.beacons.len() >= MAX_TRACKED {
            self.stats.untracked += 1;
            return;
        }
        self.beacons.insert(
            bssid,
            BeaconKey {
                ssid: ssid.to_vec(),
                rsn: rsn.map(<[u8]>::to_vec),
                wpa: wpa.map(<[u8]>::to_vec),
            },
        );
        self.push_event(
            origin,
            time,
            Observer::Air,
            EventKind::Beacon {
                bssid,
                probe_response,
                ssid: Ssid(ssid.to_vec()),
                rsn: security_ie(elements, 48).map(Box::new),
                wpa: security_ie(elements, 221).map(Box::new),
                channel: elements.ds_channel(),
                signal_dbm: air.signal_dbm,
            },
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_eapol(
        &mut self,
        origin: Origin,
        time: f64,
        ta: MacAddr,
        ra: MacAddr,
        bssid: Option<MacAddr>,
        air: Option<AirInfo>,
        eapol_frame: &[u8],
    ) {
        let Some((_, packet_type, _)) = eapol::header(eapol_frame) else {
            return;
        };
        if packet_type != eapol::PACKET_TYPE_KEY {
            return;
        }
        let key = match EapolKey::new_detect(eapol_frame) {
            Ok(key) => key,
            Err(err) => {
                if let Origin::Frame { number, .. } = origin {
                    self.note_error(number, err);
                }
                return;
            }
        };
        self.stats.eapol_key_frames += 1;
        let msg = key.message();
        self.unreport((bssid.unwrap_or(ta), ta));
        self.unreport((bssid.unwrap_or(ra), ra));
        // The authenticator sends M1, M3 and group 1/2; the rest come from the station.
        let (ap, sta) = if msg.from_authenticator() {
            (ta, ra)
        } else {
            (ra, ta)
        };
        let ap = match bssid {
            Some(bssid) if bssid != MacAddr::ZERO => bssid,
            _ => ap,
        };
        let observer = if air.is_some() {
            Observer::Air
        } else {
            self.own_interface_observer
        };
        let mic_len = key.mic_len();
        let covered = key.mic_covered();
        let event = KeyEvent {
            ap,
            sta,
            msg,
            action: KeyAction::Seen,
            descriptor_type: Some(key.descriptor_type()),
            key_info: Some(key.key_info().0),
            key_length: Some(key.key_length()),
            replay_counter: Some(key.replay_counter()),
            nonce: Partial::full(key.key_nonce()),
            mic_len: mic_len as u8,
            key_data_len: Some(key.key_data_length()),
            eapol: Some(covered.into()),
            air,
        };
        self.push_event(origin, time, observer, EventKind::Key(Box::new(event)));
    }

    fn push_event(&mut self, origin: Origin, time: f64, observer: Observer, kind: EventKind) {
        self.events.push(Event {
            origin,
            time: time.into(),
            observer,
            kind,
        });
    }

    /// Ends the file: a capture with no ACK at all cannot show whether a
    /// frame was acknowledged, so `acked` becomes unknown rather than false.
    pub fn finish(mut self) -> (Vec<Event>, IngestStats) {
        settle_acks(&mut self.events, self.saw_ack);
        (self.events, self.stats)
    }
}

/// What `acked` can mean once the whole capture is known: with no ACK in
/// it, nothing; otherwise a frame not seen acknowledged was not. The same
/// again changes nothing, so events handed out early may be settled twice.
pub fn settle_acks(events: &mut [Event], shows_acks: bool) {
    for event in events {
        let broadcast =
            matches!(&event.kind, EventKind::Deauthentication { ra, .. } if ra.is_group());
        if let Some(air) = air_of(event) {
            if broadcast {
                air.acked = None;
                continue;
            }
            air.acked = match (shows_acks, air.acked) {
                (false, _) => None,
                (true, Some(true)) => Some(true),
                (true, _) => Some(false),
            };
        }
    }
}

fn air_of(event: &mut Event) -> Option<&mut AirInfo> {
    match &mut event.kind {
        EventKind::Key(key) => key.air.as_mut(),
        EventKind::Authentication { air, .. }
        | EventKind::AssociationRequest { air, .. }
        | EventKind::AssociationResponse { air, .. }
        | EventKind::Deauthentication { air, .. }
        | EventKind::ProtectedData { air, .. } => air.as_mut(),
        _ => None,
    }
}

fn security_ie(elements: Elements<'_>, id: u8) -> Option<SecurityIe> {
    let body = if id == 48 {
        elements.rsn()?
    } else {
        elements.wpa()?
    };
    Some(SecurityIe {
        id,
        body: body.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// EAPOL-Key msg 1/4 (RSN, HMAC-SHA1 descriptor), replay counter `rc`.
    fn m1(rc: u8) -> Vec<u8> {
        let mut eapol = vec![0x02, 0x03, 0x00, 95, 0x02, 0x00, 0x8a, 0x00, 0x10];
        eapol.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, rc]);
        eapol.extend((0..32u8).map(|i| i + 0xa0));
        eapol.extend_from_slice(&[0; 16 + 8 + 8 + 16 + 2]);
        eapol
    }

    const AP: [u8; 6] = [2, 0, 0, 0, 0, 0];
    const STA: [u8; 6] = [2, 0, 0, 0, 1, 0];

    fn ethernet_m1(rc: u8) -> Vec<u8> {
        let mut frame = STA.to_vec();
        frame.extend_from_slice(&AP);
        frame.extend_from_slice(&[0x88, 0x8e]);
        frame.extend(m1(rc));
        frame
    }

    /// The same message from the air: a FromDS data frame with LLC/SNAP.
    fn dot11_m1(rc: u8) -> Vec<u8> {
        let mut frame = vec![0x08, 0x02, 0, 0];
        frame.extend_from_slice(&STA);
        frame.extend_from_slice(&AP);
        frame.extend_from_slice(&AP);
        frame.extend_from_slice(&[rc << 4, 0]);
        frame.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x88, 0x8e]);
        frame.extend(m1(rc));
        frame
    }

    fn ack_to_ap() -> Vec<u8> {
        let mut frame = vec![0xd4, 0, 0, 0];
        frame.extend_from_slice(&AP);
        frame
    }

    fn counter(event: &Event) -> Option<u64> {
        match &event.kind {
            EventKind::Key(key) => key.replay_counter,
            _ => None,
        }
    }

    #[test]
    fn take_new_hands_out_each_event_once() {
        let mut ingest = FrameIngest::new(0);
        assert!(ingest.take_new(true).is_empty());
        ingest.push(1, 10.0, LinkType::ETHERNET, &ethernet_m1(1));
        let first: Vec<_> = ingest.take_new(true).iter().map(counter).collect();
        assert_eq!(first, [Some(1)]);
        assert!(ingest.take_new(true).is_empty());
        ingest.push(2, 11.0, LinkType::ETHERNET, &ethernet_m1(2));
        ingest.push(3, 12.0, LinkType::ETHERNET, &ethernet_m1(3));
        let next: Vec<_> = ingest.take_new(true).iter().map(counter).collect();
        assert_eq!(next, [Some(2), Some(3)]);
        assert_eq!(ingest.stats().eapol_key_frames, 3);
        let (events, _) = ingest.finish();
        assert_eq!(events.len(), 3);
    }

    #[test]
    fn take_new_holds_a_frame_until_its_ack_window() {
        let mut ingest = FrameIngest::new(0);
        ingest.push(1, 10.0, LinkType::IEEE802_11, &dot11_m1(1));
        assert!(ingest.take_new(true).is_empty(), "waits for its ACK");
        ingest.push(2, 10.000_05, LinkType::IEEE802_11, &ack_to_ap());
        let taken = ingest.take_new(true);
        assert_eq!(taken.len(), 1);
        assert_eq!(counter(&taken[0]), Some(1));
        assert!(
            matches!(&taken[0].kind, EventKind::Key(k) if k.air.is_some_and(|a| a.acked == Some(true)))
        );
        assert!(ingest.shows_acks());
        // No ACK comes for the next one: the caller gives up waiting.
        ingest.push(3, 11.0, LinkType::IEEE802_11, &dot11_m1(2));
        assert!(ingest.take_new(true).is_empty());
        let late: Vec<_> = ingest.take_new(false).iter().map(counter).collect();
        assert_eq!(late, [Some(2)]);
        assert!(ingest.take_new(false).is_empty());
        let (events, stats) = ingest.finish();
        assert_eq!(events.len(), 2);
        assert_eq!(stats.acks, 1);
    }

    fn mac(n: u32) -> MacAddr {
        let b = n.to_be_bytes();
        MacAddr([0x02, 0, b[0], b[1], b[2], b[3]])
    }

    #[test]
    fn links_beyond_the_cap_are_counted_not_tracked() {
        let mut ingest = FrameIngest::new(0);
        let ap = mac(0);
        for n in 1..=MAX_TRACKED as u32 {
            assert!(ingest.track_pair(ap, mac(n)));
        }
        assert_eq!(ingest.links.len(), MAX_TRACKED);
        // A known link stays tracked, in either address order.
        assert!(ingest.track_pair(mac(7), ap));
        assert_eq!(ingest.stats.untracked, 0);
        // New ones are refused and counted.
        assert!(!ingest.track_pair(ap, mac(MAX_TRACKED as u32 + 1)));
        assert!(!ingest.track_pair(mac(MAX_TRACKED as u32 + 2), ap));
        assert_eq!(ingest.stats.untracked, 2);
        assert_eq!(ingest.links.len(), MAX_TRACKED);
    }

    /// A radiotap header: TSFT (when `tsft`), Flags, dBm signal.
    fn radiotap(tsft: bool, flags: u8) -> Vec<u8> {
        let present: u32 = if tsft { 0x23 } else { 0x22 };
        let mut h = vec![0, 0, 0, 0];
        h.extend(present.to_le_bytes());
        if tsft {
            h.extend(0x0102_0304_0506_0708u64.to_le_bytes());
        }
        h.extend([flags, 0xc4]);
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        h
    }

    /// A protected data frame: `fc1` holds the DS bits and flags, `qos`
    /// picks the QoS Data subtype.
    fn protected_data(fc1: u8, qos: bool, a1: MacAddr, a2: MacAddr, seq: u8) -> Vec<u8> {
        let mut frame = vec![if qos { 0x88 } else { 0x08 }, fc1 | 0x40, 0, 0];
        frame.extend(a1.0);
        frame.extend(a2.0);
        frame.extend(a1.0);
        frame.extend([seq << 4, 0]);
        if qos {
            frame.extend([0, 0]);
        }
        frame.extend([0x5a; 20]);
        frame
    }

    /// The shortcuts for reported protected data and ACKs change nothing: a stream
    /// of such frames mixed with EAPOL, ACKs, bad FCS, FCS at the end,
    /// group receivers, 4-address and cut-short frames gives the same
    /// events and counters as the full decoding of every frame.
    #[test]
    fn skimmed_frames_match_full_decoding() {
        let (ap, sta) = (MacAddr(AP), MacAddr(STA));
        let mut frames: Vec<(LinkType, Vec<u8>)> = Vec::new();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..4000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let r = state;
            let (a1, a2) = match r % 5 {
                0 => (ap, sta),
                1 => (sta, ap),
                2 => (ap, mac(r as u32 % 7 + 1)),
                3 => (mac(r as u32 % 7 + 1), ap),
                _ => (MacAddr::BROADCAST, ap),
            };
            let fc1 = [0x01, 0x02, 0x00, 0x03, 0x81, 0x82][(r >> 8) as usize % 6];
            let mut frame = match (r >> 16) % 16 {
                0 => dot11_m1(i as u8),
                1 => ack_to_ap(),
                _ => protected_data(fc1, r & (1 << 20) != 0, a1, a2, i as u8),
            };
            if r & (1 << 21) != 0 {
                frame.truncate((r >> 24) as usize % 40);
            }
            let fcs = r & (1 << 30) != 0;
            if fcs {
                frame.extend([1, 2, 3, 4]);
            }
            if r & (1 << 31) != 0 {
                frames.push((LinkType::IEEE802_11, frame));
            } else {
                let bad = if (r >> 32) % 8 == 0 { 0x40 } else { 0 };
                let flags = bad | if fcs { 0x10 } else { 0 };
                let mut record = radiotap(r & (1 << 33) != 0, flags);
                record.extend(frame);
                frames.push((LinkType::RADIOTAP, record));
            }
        }
        let mut quick = FrameIngest::new(0);
        let mut full = FrameIngest::new(0);
        let mut shortcuts = 0;
        for (n, (linktype, record)) in frames.iter().enumerate() {
            let time = n as f64 * 0.001;
            shortcuts += usize::from(!matches!(quick.skim(*linktype, record), Skim::Decode));
            quick.push(n as u64 + 1, time, *linktype, record);
            full.stats.records += 1;
            if !full.stats.linktypes.contains(linktype) {
                full.stats.linktypes.push(*linktype);
            }
            full.decode_and_push(n as u64 + 1, time, *linktype, record);
        }
        assert!(shortcuts > 1000, "{shortcuts}");
        let (quick_events, quick_stats) = quick.finish();
        let (full_events, full_stats) = full.finish();
        assert!(full_events.len() > 100, "{}", full_events.len());
        assert!(full_stats.bad_fcs > 100 && full_stats.undecodable > 100);
        assert_eq!(quick_stats, full_stats);
        assert_eq!(format!("{quick_events:?}"), format!("{full_events:?}"));
    }

    #[test]
    fn group_receivers_are_not_links() {
        let mut ingest = FrameIngest::new(0);
        let body = Body::Deauthentication { reason: 3 };
        assert!(ingest.track(&body, mac(0), MacAddr::BROADCAST, mac(0)));
        assert!(ingest.links.is_empty());
        assert!(ingest.track(&body, mac(0), mac(1), mac(0)));
        assert_eq!(ingest.links.len(), 1);
    }
}
