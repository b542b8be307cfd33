//! One attempt's EAPOL-Key messages, consolidated across sightings (802.11
//! retries, the same frame in a capture and in a log), and the structural
//! checks each side makes in hostap's order — those that need no key.

use crate::handshake::event::{
    Event, EventKind, KeyAction, KeyEvent, LogFact, Observer, Origin, Partial, SecurityIe,
};
use crate::wire::eapol::KeyMsg;

/// One EAPOL-Key message, however many times and by whom it was seen.
#[derive(Debug, Clone)]
pub struct Message {
    pub msg: KeyMsg,
    /// Event indices of every sighting, first one first.
    pub sightings: Vec<usize>,
    pub replay_counter: Option<u64>,
    pub nonce: Partial<32>,
    pub key_info: Option<u16>,
    pub descriptor_type: Option<u8>,
    pub key_data_len: Option<u16>,
    /// Seen in a monitor capture.
    pub on_air: bool,
    /// 802.11 transmissions seen (retries included).
    pub air_transmissions: u32,
    /// Some air sighting was acknowledged; `None` when no capture can tell.
    pub acked: Option<bool>,
    pub signal_dbm: Option<i8>,
    /// The sender's own log or capture shows it.
    pub sender_saw: bool,
    /// The receiver's own log or capture shows it.
    pub receiver_saw: bool,
    /// A sighting that carries the whole EAPOL frame.
    pub eapol_event: Option<usize>,
    pub mic_len: u8,
}

impl Message {
    pub fn first(&self) -> usize {
        self.sightings.first().copied().unwrap_or_default()
    }

    pub fn descriptor_version(&self) -> Option<u8> {
        self.key_info.map(|info| (info & 0x7) as u8)
    }

    fn absorb(&mut self, index: usize, event: &Event, key: &KeyEvent) {
        self.sightings.push(index);
        if self.nonce.known < key.nonce.known {
            self.nonce = key.nonce;
        }
        self.key_info = self.key_info.or(key.key_info);
        self.descriptor_type = self.descriptor_type.or(key.descriptor_type);
        self.key_data_len = self.key_data_len.or(key.key_data_len);
        self.replay_counter = self.replay_counter.or(key.replay_counter);
        if key.eapol.is_some() && self.eapol_event.is_none() {
            self.eapol_event = Some(index);
            self.mic_len = key.mic_len;
        }
        let from_ap = self.msg.from_authenticator();
        match (event.observer, key.air) {
            (Observer::Air, air) => {
                self.on_air = true;
                self.air_transmissions += 1;
                if let Some(air) = air {
                    self.acked = match (self.acked, air.acked) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        _ => None,
                    };
                    self.signal_dbm = self.signal_dbm.or(air.signal_dbm);
                }
            }
            (Observer::Station, _) => {
                if from_ap {
                    self.receiver_saw = true
                } else {
                    self.sender_saw = true
                }
            }
            (Observer::AccessPoint, _) => {
                if from_ap {
                    self.sender_saw = true
                } else {
                    self.receiver_saw = true
                }
            }
        }
    }

    fn matches(&self, key: &KeyEvent) -> bool {
        if self.msg != key.msg {
            return false;
        }
        let counters = match (self.replay_counter, key.replay_counter) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        counters && self.nonce.agrees_with(&key.nonce) != Some(false)
    }
}

/// A structural anomaly: one side broke a rule the other side checks.
/// Indices are into [`AttemptFacts::messages`] unless named `event`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// An M2 whose replay counter matches no M1 the AP sent: hostapd's
    /// `wpa_receive()` drops it without looking at the MIC.
    M2CounterUnmatched { m2: usize },
    /// The AP sent a message whose counter did not increase.
    ApCounterNotIncreased { msg: usize, previous: usize },
    /// M4 must echo the M3 counter.
    M4CounterMismatch { m4: usize, m3: usize },
    /// The ANonce of M3 differs from that of the M1 the station answered:
    /// wpa_supplicant drops M3 ("ANonce from message 1 ... differs").
    AnonceChanged { m1: usize, m3: usize },
    /// The station changed SNonce between answers in one attempt.
    SnonceChanged { first: usize, later: usize },
    /// The RSN element in M2 differs from the (Re)Association Request's:
    /// hostapd deauthenticates ("WPA IE from (Re)AssocReq did not match").
    RsnIeMismatchM2 { assoc_event: usize, m2: usize },
    /// Key descriptor version not the one the negotiated cipher/AKM needs.
    DescriptorVersion { msg: usize, got: u8, expected: u8 },
}

/// Everything the key-less replay found in one attempt.
#[derive(Debug, Clone, Default)]
pub struct AttemptFacts {
    pub events: Vec<usize>,
    pub messages: Vec<Message>,
    pub checks: Vec<Check>,
    /// The station's security element from its (Re)Association Request
    /// (or, in a log, its own element).
    pub assoc_ie: Option<(usize, SecurityIe)>,
    /// The element in M2's key data (or the log's "WPA IE for msg 2/4").
    pub m2_ie: Option<(usize, SecurityIe)>,
}

impl AttemptFacts {
    pub fn of(&self, msg: KeyMsg) -> impl Iterator<Item = (usize, &Message)> {
        self.messages
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.msg == msg)
    }

    pub fn count(&self, msg: KeyMsg) -> usize {
        self.of(msg).count()
    }

    /// The M1 an M2 answered: same replay counter, else the last M1 before it.
    pub fn m1_for(&self, m2: usize) -> Option<usize> {
        let answer = self.messages.get(m2)?;
        let by_counter = self.of(KeyMsg::M1).filter(|(i, m)| {
            *i < m2 && m.replay_counter.is_some() && m.replay_counter == answer.replay_counter
        });
        by_counter
            .last()
            .or_else(|| self.of(KeyMsg::M1).filter(|(i, _)| *i < m2).last())
            .map(|(i, _)| i)
    }

    /// The M2 the AP answered with an M3: the last one before it.
    pub fn m2_before(&self, index: usize) -> Option<usize> {
        self.of(KeyMsg::M2)
            .filter(|(i, _)| *i < index)
            .last()
            .map(|(i, _)| i)
    }

    pub fn m3_before(&self, index: usize) -> Option<usize> {
        self.of(KeyMsg::M3)
            .filter(|(i, _)| *i < index)
            .last()
            .map(|(i, _)| i)
    }

    pub fn log_facts<'e>(&self, events: &'e [Event]) -> impl Iterator<Item = (usize, &'e LogFact)> {
        self.events
            .iter()
            .filter_map(move |&i| match &events.get(i)?.kind {
                EventKind::Log { fact, .. } => Some((i, fact)),
                _ => None,
            })
    }
}

/// Builds the facts of one attempt from its events (indices into
/// `events`), which the facts keep.
pub fn replay(events: &[Event], attempt_events: Vec<usize>) -> AttemptFacts {
    let mut facts = AttemptFacts {
        events: attempt_events,
        ..AttemptFacts::default()
    };
    for &index in &facts.events {
        let Some(event) = events.get(index) else {
            continue;
        };
        match &event.kind {
            EventKind::Key(key) => {
                let found = facts.messages.iter().rposition(|m| m.matches(key));
                let position = match found {
                    Some(position) => position,
                    None => {
                        facts.messages.push(Message {
                            msg: key.msg,
                            sightings: Vec::new(),
                            replay_counter: key.replay_counter,
                            nonce: key.nonce,
                            key_info: key.key_info,
                            descriptor_type: key.descriptor_type,
                            key_data_len: key.key_data_len,
                            on_air: false,
                            air_transmissions: 0,
                            acked: None,
                            signal_dbm: None,
                            sender_saw: false,
                            receiver_saw: false,
                            eapol_event: None,
                            mic_len: key.mic_len,
                        });
                        facts.messages.len() - 1
                    }
                };
                if let Some(message) = facts.messages.get_mut(position) {
                    message.absorb(index, event, key);
                }
                if key.msg == KeyMsg::M2 && facts.m2_ie.is_none() {
                    if let Some(ie) = key.eapol.as_deref().and_then(m2_security_ie) {
                        facts.m2_ie = Some((index, ie));
                    }
                }
            }
            EventKind::AssociationRequest { elements, .. } => {
                if let Some(ie) = elements.rsn.as_ref().or(elements.wpa.as_ref()).cloned() {
                    facts.assoc_ie = Some((index, ie));
                }
            }
            EventKind::Log {
                fact: LogFact::OwnIe(ie),
                ..
            } if facts.assoc_ie.is_none() => facts.assoc_ie = Some((index, ie.clone())),
            EventKind::Log {
                fact: LogFact::Msg2Ie(ie),
                ..
            } if facts.m2_ie.is_none() => facts.m2_ie = Some((index, ie.clone())),
            _ => {}
        }
    }
    facts.checks = structural_checks(&facts);
    facts
}

/// The element an M2 carries in its (unencrypted) key data.
fn m2_security_ie(eapol: &[u8]) -> Option<SecurityIe> {
    let key = crate::wire::eapol::EapolKey::new_detect(eapol).ok()?;
    let data = key.key_data();
    let id = *data.first()?;
    let len = usize::from(*data.get(1)?);
    let body = data.get(2..2 + len)?;
    match id {
        48 => Some(SecurityIe {
            id,
            body: body.to_vec(),
        }),
        221 => body
            .strip_prefix(&[0x00, 0x50, 0xf2, 0x01][..])
            .map(|wpa| SecurityIe {
                id,
                body: wpa.to_vec(),
            }),
        _ => None,
    }
}

fn structural_checks(facts: &AttemptFacts) -> Vec<Check> {
    let mut checks = Vec::new();
    // Authenticator: every new message it sends carries a larger counter.
    let mut previous_ap: Option<(usize, u64)> = None;
    for (index, message) in facts.messages.iter().enumerate() {
        if !message.msg.from_authenticator() {
            continue;
        }
        let Some(counter) = message.replay_counter else {
            continue;
        };
        if let Some((previous, last)) = previous_ap {
            if counter <= last {
                checks.push(Check::ApCounterNotIncreased {
                    msg: index,
                    previous,
                });
            }
        }
        previous_ap = Some((index, counter));
    }
    let m1_counters: Vec<u64> = facts
        .of(KeyMsg::M1)
        .filter_map(|(_, m)| m.replay_counter)
        .collect();
    let mut first_snonce: Option<usize> = None;
    for (index, m2) in facts.of(KeyMsg::M2) {
        if let Some(counter) = m2.replay_counter {
            if !m1_counters.is_empty() && !m1_counters.contains(&counter) {
                checks.push(Check::M2CounterUnmatched { m2: index });
            }
        }
        match first_snonce {
            None => first_snonce = Some(index),
            Some(first) => {
                let changed = facts
                    .messages
                    .get(first)
                    .is_some_and(|f| f.nonce.agrees_with(&m2.nonce) == Some(false));
                if changed {
                    checks.push(Check::SnonceChanged {
                        first,
                        later: index,
                    });
                }
            }
        }
    }
    for (index, m3) in facts.of(KeyMsg::M3) {
        let answered_m1 = facts.m2_before(index).and_then(|m2| facts.m1_for(m2));
        if let Some(m1) = answered_m1 {
            let differs = facts
                .messages
                .get(m1)
                .is_some_and(|first| first.nonce.agrees_with(&m3.nonce) == Some(false));
            if differs {
                checks.push(Check::AnonceChanged { m1, m3: index });
            }
        }
    }
    for (index, m4) in facts.of(KeyMsg::M4) {
        if let Some(m3) = facts.m3_before(index) {
            let m3_counter = facts.messages.get(m3).and_then(|m| m.replay_counter);
            if let (Some(a), Some(b)) = (m3_counter, m4.replay_counter) {
                if a != b
                    && !facts
                        .of(KeyMsg::M3)
                        .any(|(_, m)| m.replay_counter == Some(b))
                {
                    checks.push(Check::M4CounterMismatch { m4: index, m3 });
                }
            }
        }
    }
    if let (Some((assoc_event, assoc)), Some((m2_event, m2))) = (&facts.assoc_ie, &facts.m2_ie) {
        if assoc != m2 {
            let m2 = facts
                .messages
                .iter()
                .position(|m| m.sightings.contains(m2_event))
                .or_else(|| facts.of(KeyMsg::M2).map(|(i, _)| i).next());
            if let Some(m2) = m2 {
                checks.push(Check::RsnIeMismatchM2 {
                    assoc_event: *assoc_event,
                    m2,
                });
            }
        }
    }
    let expected = expected_descriptor_version(facts);
    if let Some(expected) = expected {
        for (index, message) in facts.messages.iter().enumerate() {
            if let Some(got) = message.descriptor_version() {
                if got != expected {
                    checks.push(Check::DescriptorVersion {
                        msg: index,
                        got,
                        expected,
                    });
                    break;
                }
            }
        }
    }
    checks
}

/// IEEE 802.11-2020 12.7.2 b.1: the descriptor version follows from the
/// AKM and pairwise cipher the station chose (its element in M2 or the
/// association request).
fn expected_descriptor_version(facts: &AttemptFacts) -> Option<u8> {
    let ie = facts
        .m2_ie
        .as_ref()
        .or(facts.assoc_ie.as_ref())
        .map(|(_, ie)| ie)?;
    let (pairwise, akm) = first_pairwise_and_akm(ie)?;
    let tkip = pairwise == 2;
    let version = match akm {
        1 | 2 if tkip => 1,
        1 | 2 => 2,
        3..=6 => 3,
        _ => 0,
    };
    Some(version)
}

/// The first pairwise cipher and AKM suite types of a security element
/// (both 00-0F-AC for RSN, 00-50-F2 for WPA1, whose numbering agrees for
/// the values used here).
pub fn first_pairwise_and_akm(ie: &SecurityIe) -> Option<(u8, u8)> {
    use crate::wire::rsn::RsnInfo;
    let info = if ie.id == 48 {
        RsnInfo::parse_rsn(&ie.body)
    } else {
        RsnInfo::parse_wpa(&ie.body)
    }
    .ok()?;
    Some((
        info.pairwise_ciphers.first()?.suite_type(),
        info.akms.first()?.suite_type(),
    ))
}

/// Origin of an event, for evidence.
pub fn origin_of(events: &[Event], index: usize) -> Option<Origin> {
    events.get(index).map(|e| e.origin)
}

/// What kind of sighting the event was, for the timeline.
pub fn action_of(event: &Event) -> Option<KeyAction> {
    match &event.kind {
        EventKind::Key(key) => Some(key.action),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Events built by hand for the replay and rule tests.
    use crate::handshake::event::{
        AirInfo, Event, EventKind, KeyAction, KeyEvent, Observer, Origin, Partial,
    };
    use crate::wire::{MacAddr, eapol::KeyMsg};

    pub const AP: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0]);
    pub const STA: MacAddr = MacAddr([0x02, 0, 0, 0, 1, 0]);

    pub fn nonce(seed: u8) -> Partial<32> {
        Partial::full([seed; 32])
    }

    /// A key frame seen on the air, frame `number`, with an ACK state.
    pub fn key(
        number: u64,
        msg: KeyMsg,
        counter: u64,
        nonce: Partial<32>,
        acked: Option<bool>,
    ) -> Event {
        key_by(number, msg, counter, nonce, Observer::Air, acked)
    }

    pub fn key_by(
        number: u64,
        msg: KeyMsg,
        counter: u64,
        nonce: Partial<32>,
        observer: Observer,
        acked: Option<bool>,
    ) -> Event {
        Event {
            origin: Origin::Frame { file: 0, number },
            time: (number as f64).into(),
            observer,
            kind: EventKind::Key(Box::new(KeyEvent {
                ap: AP,
                sta: STA,
                msg,
                action: KeyAction::Seen,
                descriptor_type: Some(2),
                key_info: Some(0x000a),
                key_length: Some(16),
                replay_counter: Some(counter),
                nonce,
                mic_len: 16,
                key_data_len: Some(if msg == KeyMsg::M2 { 22 } else { 0 }),
                eapol: None,
                air: (observer == Observer::Air).then_some(AirInfo {
                    acked,
                    ..AirInfo::default()
                }),
            })),
        }
    }

    pub fn deauth(number: u64, reason: u16) -> Event {
        Event {
            origin: Origin::Frame { file: 0, number },
            time: (number as f64).into(),
            observer: Observer::Air,
            kind: EventKind::Deauthentication {
                ta: AP,
                ra: STA,
                bssid: AP,
                disassociation: false,
                reason,
                air: Some(AirInfo::default()),
            },
        }
    }

    /// The canonical failure: M1 with replay counters 1..=4, each answered
    /// by an M2 (acknowledged as given), then a deauthentication.
    pub fn canonical(observer: Observer, acked: Option<bool>) -> Vec<Event> {
        let mut events = Vec::new();
        for counter in 1..=4u64 {
            let n = counter * 10;
            events.push(key_by(
                n,
                KeyMsg::M1,
                counter,
                nonce(0xa0),
                observer,
                acked.map(|_| true),
            ));
            events.push(key_by(
                n + 1,
                KeyMsg::M2,
                counter,
                nonce(0x50),
                observer,
                acked,
            ));
        }
        events.push(deauth(50, 15));
        events
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn replay_all(events: &[Event]) -> AttemptFacts {
        let indices: Vec<usize> = (0..events.len()).collect();
        replay(events, indices)
    }

    #[test]
    fn air_retransmissions_are_one_message() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(false)),
            key(2, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(3, KeyMsg::M2, 1, nonce(2), Some(true)),
        ];
        let facts = replay_all(&events);
        assert_eq!(facts.count(KeyMsg::M1), 1);
        let (_, m1) = facts.of(KeyMsg::M1).next().unwrap();
        assert_eq!(m1.air_transmissions, 2);
        assert_eq!(m1.acked, Some(true));
        assert_eq!(m1.sightings, vec![0, 1]);
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }

    #[test]
    fn m2_echoing_no_m1_counter_is_flagged() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 7, nonce(2), Some(true)),
        ];
        let facts = replay_all(&events);
        assert_eq!(facts.checks, vec![Check::M2CounterUnmatched { m2: 1 }]);
    }

    #[test]
    fn anonce_of_m3_must_be_the_answered_m1s() {
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 1, nonce(2), Some(true)),
            key(3, KeyMsg::M3, 2, nonce(9), Some(true)),
        ];
        let facts = replay_all(&events);
        assert_eq!(facts.checks, vec![Check::AnonceChanged { m1: 0, m3: 2 }]);
    }

    #[test]
    fn m4_must_echo_m3_counter_and_ap_counters_must_grow() {
        let events = vec![
            key(1, KeyMsg::M1, 5, nonce(1), Some(true)),
            key(2, KeyMsg::M2, 5, nonce(2), Some(true)),
            key(3, KeyMsg::M3, 5, nonce(1), Some(true)),
            key(4, KeyMsg::M4, 9, Partial::full([0; 32]), Some(true)),
        ];
        let facts = replay_all(&events);
        assert!(facts.checks.contains(&Check::ApCounterNotIncreased {
            msg: 2,
            previous: 0
        }));
        assert!(
            facts
                .checks
                .contains(&Check::M4CounterMismatch { m4: 3, m3: 2 })
        );
    }

    #[test]
    fn partial_nonces_agree_as_far_as_they_go() {
        let mut cut = [0x33u8; 32];
        cut[27..].fill(0);
        let events = vec![
            key(1, KeyMsg::M1, 1, nonce(0x33), Some(true)),
            key(
                2,
                KeyMsg::M1,
                1,
                Partial {
                    bytes: cut,
                    known: 27,
                },
                None,
            ),
        ];
        let facts = replay_all(&events);
        assert_eq!(facts.count(KeyMsg::M1), 1);
        assert!(facts.messages[0].nonce.is_complete());
    }

    #[test]
    fn canonical_case_is_four_rounds_without_anomalies() {
        let events = canonical(Observer::Air, Some(true));
        let facts = replay_all(&events);
        assert_eq!((facts.count(KeyMsg::M1), facts.count(KeyMsg::M2)), (4, 4));
        assert_eq!(facts.m1_for(3), Some(2));
        assert!(facts.checks.is_empty(), "{:?}", facts.checks);
    }
}
