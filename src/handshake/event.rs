//! Normalized events: what a capture frame or a log line says about a link,
//! in one vocabulary, so one diagnosis engine serves captures and logs.

use crate::wire::{MacAddr, eapol::KeyMsg};

/// Where an event came from, for the evidence a finding cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Frame `number` (1-based, as Wireshark counts) of input file `file`.
    Frame { file: u16, number: u64 },
    /// Line `number` (1-based) of input file `file`.
    Line { file: u16, number: u64 },
}

/// Who saw the event. It decides what an event proves: a station log's
/// "Sending 2/4" proves the station sent it, not that it reached the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Observer {
    /// A monitor-mode capture (802.11 frames, possibly with ACKs).
    Air,
    /// The station itself: its own-interface capture or its log.
    Station,
    /// The access point itself: its own-interface capture or its log.
    AccessPoint,
}

/// A value that may have been cut short (logs truncate long hexdumps).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Partial<const N: usize> {
    pub bytes: [u8; N],
    /// How many leading bytes are known; `N` when complete.
    pub known: u8,
}

impl<const N: usize> Default for Partial<N> {
    fn default() -> Self {
        Partial {
            bytes: [0; N],
            known: 0,
        }
    }
}

impl<const N: usize> Partial<N> {
    pub fn full(bytes: [u8; N]) -> Self {
        Partial {
            bytes,
            known: N as u8,
        }
    }
    /// Keeps up to `N` leading bytes of `prefix`.
    pub fn from_prefix(prefix: &[u8]) -> Self {
        let mut bytes = [0u8; N];
        let known = prefix.len().min(N);
        bytes[..known].copy_from_slice(&prefix[..known]);
        Partial {
            bytes,
            known: known as u8,
        }
    }
    pub fn is_complete(&self) -> bool {
        usize::from(self.known) == N
    }
    pub fn known_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.known).min(N)]
    }
    /// Equal where both are known; `None` when nothing is known on one side.
    pub fn agrees_with(&self, other: &Self) -> Option<bool> {
        let n = usize::from(self.known.min(other.known)).min(N);
        if n == 0 {
            return None;
        }
        Some(self.bytes[..n] == other.bytes[..n])
    }
    pub fn is_zero(&self) -> bool {
        self.known_bytes().iter().all(|&b| b == 0)
    }
}

impl<const N: usize> std::fmt::Debug for Partial<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", crate::wire::hex(self.known_bytes()))?;
        if !self.is_complete() {
            write!(f, "…")?;
        }
        Ok(())
    }
}

/// 802.11 facts about the frame that carried an event (monitor captures).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AirInfo {
    pub retry: bool,
    pub sequence_number: Option<u16>,
    pub signal_dbm: Option<i8>,
    pub bad_fcs: bool,
    /// `Some(true)` when an ACK to the transmitter followed within the ACK
    /// timeout; `None` when the capture cannot show ACKs.
    pub acked: Option<bool>,
    /// Transmitter address (addr2) of the frame.
    pub ta: Option<MacAddr>,
    /// Source address where it differs in meaning from the TA: addr3 of a
    /// frame from the DS (IEEE 802.11-2020 Table 9-30). An AP's own EAPOL
    /// frames have SA = TA = BSSID.
    pub sa: Option<MacAddr>,
}

/// What happened to a key frame, from the observer's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Seen on the air (monitor capture) or on a capture interface.
    Seen,
    /// The observer says it sent it (log "Sending", own-interface TX).
    Sent,
    /// The observer says it received and accepted it for processing.
    Received,
}

/// An EAPOL-Key frame on a link.
#[derive(Debug, Clone)]
pub struct KeyEvent {
    pub ap: MacAddr,
    pub sta: MacAddr,
    pub msg: KeyMsg,
    pub action: KeyAction,
    pub descriptor_type: Option<u8>,
    pub key_info: Option<u16>,
    pub key_length: Option<u16>,
    pub replay_counter: Option<u64>,
    pub nonce: Partial<32>,
    pub mic_len: u8,
    pub key_data_len: Option<u16>,
    /// The whole EAPOL frame when the source had it (captures, `-dd` TX
    /// dumps): what MIC checks and key-data unwrap run on.
    pub eapol: Option<Box<[u8]>>,
    pub air: Option<AirInfo>,
}

/// An octet-string SSID: not text (may be non-UTF-8, may end in spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Ssid(pub Vec<u8>);

impl Ssid {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
    /// Display form: UTF-8 as is, otherwise `$HEX[..]` as hashcat and
    /// hcxtools print it, never a lossy conversion.
    pub fn display(&self) -> String {
        match std::str::from_utf8(&self.0) {
            Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
            _ => format!("$HEX[{}]", crate::wire::hex(&self.0)),
        }
    }
}

/// A security element kept as its raw body (RSN element or WPA1 vendor
/// element), compared byte for byte and decoded on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityIe {
    /// 48 for RSN, 221 for the WPA1 vendor element.
    pub id: u8,
    /// The element body after ID and length (for WPA1: after OUI and type).
    pub body: Vec<u8>,
}

/// What a station's (re)association request asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssocElements {
    pub ssid: Option<Ssid>,
    pub rsn: Option<SecurityIe>,
    pub wpa: Option<SecurityIe>,
}

/// Facts only logs carry: the daemons' own state and verdicts. They are
/// evidence of what a daemon decided, not of why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFact {
    StateChange {
        from: Box<str>,
        to: Box<str>,
    },
    /// "Trying to associate with BSSID (SSID='..' freq=..)".
    Associating {
        ssid: Option<Ssid>,
        freq_mhz: Option<u16>,
    },
    Associated,
    /// The supplicant's "4-Way Handshake failed - pre-shared key may be
    /// incorrect": printed on any disconnect during the handshake.
    FourWayFailedGuess,
    /// `CTRL-EVENT-SSID-TEMP-DISABLED ... reason=..`.
    TempDisabled {
        reason: String,
        auth_failures: Option<u32>,
    },
    Connected,
    /// `CTRL-EVENT-DISCONNECTED ... reason=N [locally_generated=1]`.
    Disconnected {
        reason: Option<u16>,
        locally_generated: bool,
    },
    AuthenticationTimedOut,
    /// A check of the 4-way handshake failed on this side; `check` names it
    /// (`invalid-mic`, `replay-counter`, `anonce-differs`, `ie-mismatch`,
    /// `unwrap-failed`, `descriptor-version`, ...), `msg` is the message.
    CheckFailed {
        check: &'static str,
        msg: Option<KeyMsg>,
        text: Box<str>,
    },
    /// hostapd's `AP-STA-POSSIBLE-PSK-MISMATCH`.
    PossiblePskMismatch,
    /// hostapd gave up re-sending (`PTKSTART`/`PTKINITNEGOTIATING`/group).
    RetryLimit {
        state: String,
    },
    /// hostapd's "pairwise key handshake completed" / `EAPOL-4WAY-HS-COMPLETED`.
    HandshakeCompleted,
    GroupKeyFailed,
    /// The AP's element as the supplicant recorded it (`WPA: set AP RSN IE`).
    ApIe(SecurityIe),
    /// The station's own element (`Set own WPA IE default`).
    OwnIe(SecurityIe),
    /// The element the station put in msg 2/4 (`WPA IE for msg 2/4`).
    Msg2Ie(SecurityIe),
    SaeConfirmMismatch,
    /// Any other line worth showing in a timeline.
    Note(String),
}

/// What one event says.
#[derive(Debug, Clone)]
pub enum EventKind {
    Key(Box<KeyEvent>),
    /// Beacon or Probe Response.
    Beacon {
        bssid: MacAddr,
        probe_response: bool,
        ssid: Ssid,
        rsn: Option<Box<SecurityIe>>,
        wpa: Option<Box<SecurityIe>>,
        channel: Option<u8>,
        signal_dbm: Option<i8>,
    },
    ProbeRequest {
        sta: MacAddr,
        ssid: Ssid,
    },
    Authentication {
        ta: MacAddr,
        ra: MacAddr,
        bssid: MacAddr,
        algorithm: u16,
        sequence: u16,
        status: u16,
        air: Option<AirInfo>,
    },
    AssociationRequest {
        sta: MacAddr,
        bssid: MacAddr,
        reassociation: bool,
        /// Boxed: inline they made every event a quarter larger.
        elements: Box<AssocElements>,
        air: Option<AirInfo>,
    },
    AssociationResponse {
        sta: MacAddr,
        bssid: MacAddr,
        status: u16,
        air: Option<AirInfo>,
    },
    /// Deauthentication or Disassociation.
    Deauthentication {
        ta: MacAddr,
        ra: MacAddr,
        bssid: MacAddr,
        disassociation: bool,
        reason: u16,
        air: Option<AirInfo>,
    },
    /// The first protected (encrypted) data frame of a station since the
    /// last EAPOL-Key frame of its link: the station has installed a
    /// pairwise key, so it accepted msg 3/4.
    ProtectedData {
        sta: MacAddr,
        bssid: MacAddr,
        /// Sent by the station (rather than by the AP to it).
        from_sta: bool,
        air: Option<AirInfo>,
    },
    /// A log line's fact about the link between `ap` and `sta` (either may
    /// be unknown in the line itself: the log parser fills in what its
    /// context says).
    Log {
        ap: Option<MacAddr>,
        sta: Option<MacAddr>,
        fact: LogFact,
    },
}

/// An event's time in seconds, if it has one: an f64 with NaN for none,
/// half the size of an `Option<f64>` in every event kept.
#[derive(Clone, Copy)]
pub struct EventTime(f64);

impl EventTime {
    pub const NONE: EventTime = EventTime(f64::NAN);

    pub fn get(self) -> Option<f64> {
        (!self.0.is_nan()).then_some(self.0)
    }
}

/// A NaN time is no time.
impl From<Option<f64>> for EventTime {
    fn from(time: Option<f64>) -> Self {
        EventTime(time.unwrap_or(f64::NAN))
    }
}

impl From<f64> for EventTime {
    fn from(time: f64) -> Self {
        EventTime(time)
    }
}

impl PartialEq for EventTime {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl std::fmt::Debug for EventTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

#[derive(Debug, Clone)]
pub struct Event {
    pub origin: Origin,
    /// Seconds (Unix time for captures and `-t` logs; none when the line
    /// had no timestamp).
    pub time: EventTime,
    pub observer: Observer,
    pub kind: EventKind,
}

#[cfg(test)]
mod tests {
    /// Every event of every kept attempt stays in memory until the report,
    /// so its size is most of what a long capture costs per attempt.
    #[test]
    fn an_event_stays_at_most_88_bytes() {
        assert!(std::mem::size_of::<super::Event>() <= 88);
    }

    #[test]
    fn an_event_time_is_none_only_when_not_given() {
        use super::EventTime;
        assert_eq!(EventTime::from(Some(1.5)).get(), Some(1.5));
        assert_eq!(EventTime::from(0.0).get(), Some(0.0));
        assert_eq!(EventTime::from(None).get(), None);
        assert_eq!(EventTime::NONE, EventTime::from(None));
        assert_ne!(EventTime::NONE, EventTime::from(-1.0));
    }
}
