//! Assembles decoded wpa_supplicant or hostapd log lines into [`Event`]s,
//! the same vocabulary as capture frames.
//!
//! The supplicant prints one received EAPOL-Key frame over many lines
//! (`RX EAPOL from`, `key_info`, hexdumps of each field) and only then says
//! which message it took it for (`WPA: RX message N of 4-Way Handshake`);
//! its reply is one `WPA: Sending EAPOL-Key 2/4` line that echoes the replay
//! counter of the frame it answers (`wpa_supplicant_send_2_of_4`). So the
//! assembler keeps the frame being dumped and the last counter received, and
//! fills addresses it learns later (`PTK derivation - A1=.. A2=..`) in a
//! final pass.

use std::collections::HashMap;
use std::io::BufRead;

use super::event::{
    Event, EventKind, KeyAction, KeyEvent, LogFact, Observer, Origin, Partial, SecurityIe, Ssid,
};
use crate::source::log::LineReader;
use crate::wire::MacAddr;
use crate::wire::eapol::{EapolKey, KeyInfo, KeyMsg};
use crate::wire::log::{self as wlog, Hexdump, Record, Side, StaEvent, Stamp};

/// Which daemon wrote a log, decided by the lines only one of them prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    Supplicant,
    Hostapd,
}

/// Counts over one log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogStats {
    pub lines: u64,
    /// Lines decoded into a known record (whether or not they made an event).
    pub recognized: u64,
    /// Lines of other programs, prose, or messages this parser does not know.
    pub skipped: u64,
    /// Lines longer than the reader's limit, cut there.
    pub truncated_lines: u64,
    pub daemon: Option<Daemon>,
}

/// Parses a whole log; `file` goes into [`Origin::Line`].
pub fn events_from_log(
    text_lines: impl Iterator<Item = (u64, String)>,
    file: u16,
) -> (Vec<Event>, LogStats) {
    let mut assembler = LogAssembler::new(file);
    for (number, line) in text_lines {
        assembler.push(number, &line);
    }
    assembler.finish()
}

/// Reads a log from `reader` in bounded memory (see [`LineReader`]).
pub fn events_from_reader<R: BufRead>(
    reader: R,
    file: u16,
) -> std::io::Result<(Vec<Event>, LogStats)> {
    let mut lines = LineReader::new(reader);
    let mut assembler = LogAssembler::new(file);
    while let Some((number, line)) = lines.next_line()? {
        assembler.push(number, line);
    }
    assembler.stats.truncated_lines = lines.truncated_lines();
    Ok(assembler.finish())
}

/// Says whether the first bytes of a file are a wpa_supplicant or hostapd
/// log (possibly wrapped in prose, syslog or logcat), and whose. Binary
/// data (NUL bytes, capture or gzip magic) is never a log.
pub fn sniff(head: &[u8]) -> Option<Daemon> {
    const BINARY_MAGIC: &[&[u8]] = &[
        &[0xd4, 0xc3, 0xb2, 0xa1],
        &[0xa1, 0xb2, 0xc3, 0xd4],
        &[0x4d, 0x3c, 0xb2, 0xa1],
        &[0xa1, 0xb2, 0x3c, 0x4d],
        &[0x0a, 0x0d, 0x0d, 0x0a],
        &[0x1f, 0x8b],
    ];
    if BINARY_MAGIC.iter().any(|m| head.starts_with(m)) || head.contains(&0) {
        return None;
    }
    let (_, stats) = events_from_reader(head, 0).ok()?;
    stats.daemon
}

/// An EAPOL-Key frame the supplicant is dumping, field by field.
#[derive(Default)]
struct RxFrame {
    src: Option<MacAddr>,
    descriptor_type: Option<u8>,
    key_info: Option<u16>,
    key_length: Option<u16>,
    key_data_len: Option<u16>,
    replay_counter: Option<u64>,
    nonce: Partial<32>,
    mic_len: Option<u8>,
    eapol: Option<Box<[u8]>>,
}

/// Per-station state on the AP side.
#[derive(Default)]
struct ApSta {
    /// `EAPOL-4WAY-HS-COMPLETED` repeats "pairwise key handshake completed".
    completed: bool,
    last_deauth_line: Option<u64>,
}

/// Streaming form of [`events_from_log`]: push lines, then finish.
pub struct LogAssembler {
    file: u16,
    events: Vec<Event>,
    /// Which daemon printed the line behind each event, when known.
    sides: Vec<Option<Side>>,
    stats: LogStats,
    votes: [u64; 2],
    // Supplicant context.
    own_sta: Option<MacAddr>,
    bssid: Option<MacAddr>,
    rx: Option<RxFrame>,
    last_rx_counter: Option<u64>,
    snonce: Partial<32>,
    /// The last `Sent` key event, while its TX dump may still follow.
    last_sent: Option<usize>,
    /// Line of the last Deauthentication event made from a frame dump.
    last_frame_deauth: Option<u64>,
    // AP context.
    own_ap: Option<MacAddr>,
    /// BSSID of each BSS interface, for logs of multi-BSS hostapd.
    bss_by_iface: HashMap<String, MacAddr>,
    ap_stas: HashMap<MacAddr, ApSta>,
    /// hostapd's `WPA: Assign ANonce`, used in the next 1/4 and 3/4.
    ap_anonce: Partial<32>,
    /// hostapd's `WPA: RX EAPOL data` dump, until the line naming the message.
    ap_rx: Option<Box<[u8]>>,
    // Scan context (supplicant).
    /// Names already turned into Probe Requests.
    wanted_ssids: Vec<Ssid>,
    /// Beacon event of each (BSSID, SSID) a scan found.
    seen_bss: HashMap<(MacAddr, Ssid), usize>,
}

/// Bound on distinct scan names and BSSs kept from one log: a busy scan
/// lists a few dozen; the log is input.
const MAX_SCAN_NAMES: usize = 1024;

impl LogAssembler {
    pub fn new(file: u16) -> Self {
        LogAssembler {
            file,
            events: Vec::new(),
            sides: Vec::new(),
            stats: LogStats::default(),
            votes: [0; 2],
            own_sta: None,
            bssid: None,
            rx: None,
            last_rx_counter: None,
            snonce: Partial::default(),
            last_sent: None,
            last_frame_deauth: None,
            own_ap: None,
            bss_by_iface: HashMap::new(),
            ap_stas: HashMap::new(),
            ap_anonce: Partial::default(),
            ap_rx: None,
            wanted_ssids: Vec::new(),
            seen_bss: HashMap::new(),
        }
    }

    /// Feeds line `number` (1-based).
    pub fn push(&mut self, number: u64, line: &str) {
        self.stats.lines += 1;
        let split = wlog::split(line);
        let record = wlog::decode(split.message);
        if record == Record::Other {
            self.stats.skipped += 1;
            return;
        }
        self.stats.recognized += 1;
        let program_side = match split.program {
            Some(p) if p.starts_with("wpa_supplicant") => Some(Side::Supplicant),
            Some(p) if p.starts_with("hostapd") => Some(Side::Hostapd),
            _ => None,
        };
        let side = record.side().or(program_side);
        match side {
            Some(Side::Supplicant) => self.votes[0] += 1,
            Some(Side::Hostapd) => self.votes[1] += 1,
            None => {}
        }
        let time = match split.stamp {
            Some(Stamp::Unix(t)) => Some(t),
            _ => None,
        };
        let ctx = Ctx {
            number,
            time,
            side,
            iface: split.iface,
            text: split.message.trim(),
        };
        self.handle(&ctx, record);
    }

    fn is_hostapd(&self, side: Option<Side>) -> bool {
        match side {
            Some(s) => s == Side::Hostapd,
            None => self.votes[1] > self.votes[0],
        }
    }

    fn emit(&mut self, ctx: &Ctx<'_>, kind: EventKind) -> usize {
        self.events.push(Event {
            origin: Origin::Line {
                file: self.file,
                number: ctx.number,
            },
            time: ctx.time.into(),
            observer: Observer::Station,
            kind,
        });
        self.sides.push(ctx.side);
        self.events.len() - 1
    }

    /// A supplicant-side log fact about the current link.
    fn fact(&mut self, ctx: &Ctx<'_>, fact: LogFact) {
        let (ap, sta) = (self.bssid, self.own_sta);
        self.emit(ctx, EventKind::Log { ap, sta, fact });
    }

    /// A network the station looks for, as a Probe Request: once per name,
    /// since scans repeat every few seconds.
    fn wanted(&mut self, ctx: &Ctx<'_>, printed: &str) {
        if self.is_hostapd(ctx.side) {
            return;
        }
        let ssid = Ssid(wlog::unescape_ssid(printed));
        if self.wanted_ssids.contains(&ssid) || self.wanted_ssids.len() >= MAX_SCAN_NAMES {
            return;
        }
        self.wanted_ssids.push(ssid.clone());
        let sta = self.own_sta.unwrap_or(MacAddr::ZERO);
        self.emit(ctx, EventKind::ProbeRequest { sta, ssid });
    }

    /// A BSS the scan found, as a Beacon: once per BSSID and name; a later
    /// line with the signal level fills it in.
    fn scan_result(
        &mut self,
        ctx: &Ctx<'_>,
        bssid: MacAddr,
        printed: &str,
        level: Option<i32>,
        freq_mhz: Option<u16>,
    ) {
        // Drivers without dBm report a quality (0..100) in the same field.
        let level = level.filter(|l| *l < 0).and_then(|l| i8::try_from(l).ok());
        let ssid = Ssid(wlog::unescape_ssid(printed));
        if let Some(&index) = self.seen_bss.get(&(bssid, ssid.clone())) {
            if let Some(EventKind::Beacon { signal_dbm, .. }) =
                self.events.get_mut(index).map(|e| &mut e.kind)
            {
                if signal_dbm.is_none() {
                    *signal_dbm = level;
                }
            }
            return;
        }
        if self.seen_bss.len() >= MAX_SCAN_NAMES {
            return;
        }
        let index = self.emit(
            ctx,
            EventKind::Beacon {
                bssid,
                probe_response: false,
                ssid: ssid.clone(),
                rsn: None,
                wpa: None,
                channel: freq_mhz.and_then(channel_of),
                signal_dbm: level,
            },
        );
        self.seen_bss.insert((bssid, ssid), index);
    }

    /// The AP's own address for a hostapd line: its interface's BSSID.
    fn ap_for(&self, ctx: &Ctx<'_>) -> Option<MacAddr> {
        ctx.iface
            .and_then(|iface| self.bss_by_iface.get(iface).copied())
            .or(self.own_ap)
    }

    fn ap_fact(&mut self, ctx: &Ctx<'_>, sta: MacAddr, fact: LogFact) {
        let ap = self.ap_for(ctx);
        self.emit(
            ctx,
            EventKind::Log {
                ap,
                sta: Some(sta),
                fact,
            },
        );
    }

    fn handle(&mut self, ctx: &Ctx<'_>, record: Record<'_>) {
        match record {
            Record::Hexdump(h) => self.hexdump(ctx, h),
            Record::StateChange { from, to } => self.fact(
                ctx,
                LogFact::StateChange {
                    from: from.into(),
                    to: to.into(),
                },
            ),
            Record::TryingToAssociate {
                bssid,
                ssid,
                freq_mhz,
            } => {
                if bssid.is_some() {
                    self.bssid = bssid;
                }
                // A new association restarts the handshake: SNonce and counters.
                self.last_rx_counter = None;
                self.snonce = Partial::default();
                let ssid = ssid.map(|s| Ssid(wlog::unescape_ssid(s)));
                self.fact(ctx, LogFact::Associating { ssid, freq_mhz });
            }
            Record::AssociatedWith { bssid } => {
                self.bssid = Some(bssid);
                self.fact(ctx, LogFact::Associated);
            }
            Record::OwnAddress(mac) => {
                // The P2P device interface has its own address; it does not associate.
                if ctx.iface.is_some_and(|i| i.starts_with("p2p-dev-")) {
                    return;
                }
                if self.is_hostapd(ctx.side) {
                    self.own_ap = Some(mac);
                } else {
                    self.own_sta = Some(mac);
                }
            }
            Record::ApAddress { iface, bssid } => {
                self.own_ap.get_or_insert(bssid);
                // Bounded: a log names few interfaces, but it is input.
                if self.bss_by_iface.len() < 64 {
                    self.bss_by_iface.insert(iface.to_string(), bssid);
                }
            }
            Record::PtkDerivation { a1, a2 } => {
                // wpa_pmk_to_ptk prints its callers' order: the supplicant
                // passes (own, bssid), the authenticator (own, sta).
                if self.is_hostapd(ctx.side) {
                    self.own_ap = Some(a1);
                } else {
                    self.own_sta = Some(a1);
                    self.bssid = Some(a2);
                }
            }
            Record::RxEapolFrom(src) => {
                self.last_sent = None;
                self.rx = Some(RxFrame {
                    src: Some(src),
                    ..RxFrame::default()
                });
            }
            Record::Dot1xRx { .. } => {}
            Record::KeyDescriptorType(t) => self.rx_mut().descriptor_type = Some(t),
            Record::KeyInfo(info) => self.rx_mut().key_info = Some(info),
            Record::KeyLengths {
                key_length,
                key_data_length,
            } => {
                let rx = self.rx_mut();
                rx.key_length = Some(key_length);
                rx.key_data_len = Some(key_data_length);
            }
            Record::RxMessage { msg, from } => self.received(ctx, msg, from),
            Record::SendingKey(msg) => self.sending(ctx, msg),
            Record::SendKeyFrame { to, mic_len } => {
                if let Some(EventKind::Key(key)) = self
                    .last_sent
                    .and_then(|i| self.events.get_mut(i))
                    .map(|e| &mut e.kind)
                {
                    if let Some(to) = to {
                        key.ap = to;
                    }
                    if let Some(len) = mic_len {
                        key.mic_len = len;
                    }
                }
            }
            Record::FourWayFailedGuess => self.fact(ctx, LogFact::FourWayFailedGuess),
            Record::Disconnected {
                bssid,
                reason,
                locally_generated,
            } => {
                let ap = bssid.or(self.bssid);
                let sta = self.own_sta;
                self.emit(
                    ctx,
                    EventKind::Log {
                        ap,
                        sta,
                        fact: LogFact::Disconnected {
                            reason,
                            locally_generated,
                        },
                    },
                );
                self.rx = None;
            }
            Record::Connected { bssid } => {
                if bssid.is_some() {
                    self.bssid = bssid;
                }
                self.fact(ctx, LogFact::Connected);
            }
            Record::TempDisabled {
                reason,
                auth_failures,
            } => self.fact(
                ctx,
                LogFact::TempDisabled {
                    reason: reason.to_string(),
                    auth_failures,
                },
            ),
            Record::AuthTimedOut { bssid } => {
                let sta = self.own_sta;
                self.emit(
                    ctx,
                    EventKind::Log {
                        ap: bssid.or(self.bssid),
                        sta,
                        fact: LogFact::AuthenticationTimedOut,
                    },
                );
            }
            Record::AssocReject { bssid, status } => {
                let bssid = bssid.or(self.bssid).unwrap_or(MacAddr::ZERO);
                let sta = self.own_sta.unwrap_or(MacAddr::ZERO);
                match status {
                    Some(status) => {
                        self.emit(
                            ctx,
                            EventKind::AssociationResponse {
                                sta,
                                bssid,
                                status,
                                air: None,
                            },
                        );
                    }
                    None => self.fact(ctx, LogFact::Note(ctx.text.to_string())),
                }
            }
            Record::AuthReject {
                bssid,
                auth_type,
                transaction,
                status,
            } => {
                let bssid = bssid.or(self.bssid).unwrap_or(MacAddr::ZERO);
                let sta = self.own_sta.unwrap_or(MacAddr::ZERO);
                match status {
                    Some(status) => {
                        self.emit(
                            ctx,
                            EventKind::Authentication {
                                ta: bssid,
                                ra: sta,
                                bssid,
                                algorithm: auth_type.unwrap_or(0),
                                sequence: transaction.unwrap_or(2),
                                status,
                                air: None,
                            },
                        );
                    }
                    None => self.fact(ctx, LogFact::Note(ctx.text.to_string())),
                }
            }
            Record::CheckFailed(check) => {
                if self.is_hostapd(ctx.side) {
                    let fact = LogFact::CheckFailed {
                        check: check.name,
                        msg: check.msg,
                        text: ctx.text.into(),
                    };
                    let ap = self.ap_for(ctx);
                    self.emit(
                        ctx,
                        EventKind::Log {
                            ap,
                            sta: None,
                            fact,
                        },
                    );
                    return;
                }
                let from_frame = self.rx.as_ref().and_then(|rx| {
                    rx.key_info
                        .map(|info| KeyMsg::classify(KeyInfo(info), rx.key_data_len.unwrap_or(0)))
                });
                // wpa.c names the sender as `(src=MAC)` in most refusals.
                let src = ctx
                    .text
                    .find("src=")
                    .and_then(|at| ctx.text.get(at + 4..at + 21))
                    .and_then(MacAddr::parse);
                let ap = src
                    .or(self.rx.as_ref().and_then(|rx| rx.src))
                    .or(self.bssid);
                let fact = LogFact::CheckFailed {
                    check: check.name,
                    msg: check.msg.or(from_frame),
                    text: ctx.text.into(),
                };
                let sta = self.own_sta;
                self.emit(ctx, EventKind::Log { ap, sta, fact });
                // The frame was dropped: it answers nothing.
                self.rx = None;
            }
            Record::SaeConfirmMismatch => self.fact(ctx, LogFact::SaeConfirmMismatch),
            Record::Note => self.fact(ctx, LogFact::Note(ctx.text.to_string())),
            Record::ConfiguredNetwork { ssid, .. } | Record::ScanSsid(ssid) => {
                self.wanted(ctx, ssid);
            }
            Record::ScanResult {
                bssid,
                ssid,
                level,
                freq_mhz,
            } => self.scan_result(ctx, bssid, ssid, level, freq_mhz),
            Record::DriverDisconnect { disassociation } => {
                let recent = self
                    .last_frame_deauth
                    .is_some_and(|at| ctx.number.saturating_sub(at) <= 8);
                if !recent {
                    let _ = disassociation;
                    self.fact(
                        ctx,
                        LogFact::Disconnected {
                            reason: None,
                            locally_generated: false,
                        },
                    );
                }
            }
            Record::ApStaConnected(sta) => self.ap_fact(ctx, sta, LogFact::Connected),
            Record::ApStaDisconnected(sta) => self.ap_fact(
                ctx,
                sta,
                LogFact::Disconnected {
                    reason: None,
                    locally_generated: false,
                },
            ),
            Record::PossiblePskMismatch(sta) => {
                self.ap_fact(ctx, sta, LogFact::PossiblePskMismatch)
            }
            Record::FourWayCompleted(sta) => {
                let entry = self.ap_stas.entry(sta).or_default();
                if !entry.completed {
                    entry.completed = true;
                    self.ap_fact(ctx, sta, LogFact::HandshakeCompleted);
                }
            }
            Record::ApDeauth {
                sta,
                reason,
                from_sta,
                disassociation,
            } => {
                let ap = self.ap_for(ctx).unwrap_or(MacAddr::ZERO);
                let (ta, ra) = if from_sta { (sta, ap) } else { (ap, sta) };
                match reason {
                    Some(reason) => {
                        self.ap_stas.entry(sta).or_default().last_deauth_line = Some(ctx.number);
                        self.emit(
                            ctx,
                            EventKind::Deauthentication {
                                ta,
                                ra,
                                bssid: ap,
                                disassociation,
                                reason,
                                air: None,
                            },
                        );
                    }
                    None => self.ap_fact(ctx, sta, LogFact::Note(ctx.text.to_string())),
                }
            }
            Record::Sta { sta, event } => self.sta_event(ctx, sta, event),
            Record::Other => {}
        }
    }

    fn rx_mut(&mut self) -> &mut RxFrame {
        self.rx.get_or_insert_with(RxFrame::default)
    }

    fn received(&mut self, ctx: &Ctx<'_>, msg: KeyMsg, from: Option<MacAddr>) {
        let rx = self.rx.take().unwrap_or_default();
        let ap = from.or(rx.src).or(self.bssid);
        if ap.is_some() {
            self.bssid = ap;
        }
        self.last_rx_counter = rx.replay_counter.or(self.last_rx_counter);
        let key = KeyEvent {
            ap: ap.unwrap_or(MacAddr::ZERO),
            sta: self.own_sta.unwrap_or(MacAddr::ZERO),
            msg,
            action: KeyAction::Received,
            descriptor_type: rx.descriptor_type,
            key_info: rx.key_info,
            key_length: rx.key_length,
            replay_counter: rx.replay_counter,
            nonce: rx.nonce,
            mic_len: rx.mic_len.unwrap_or(16),
            key_data_len: rx.key_data_len,
            eapol: rx.eapol,
            air: None,
        };
        self.emit(ctx, EventKind::Key(Box::new(key)));
    }

    fn sending(&mut self, ctx: &Ctx<'_>, msg: KeyMsg) {
        let key = KeyEvent {
            ap: self.bssid.unwrap_or(MacAddr::ZERO),
            sta: self.own_sta.unwrap_or(MacAddr::ZERO),
            msg,
            action: KeyAction::Sent,
            descriptor_type: None,
            key_info: None,
            key_length: None,
            // The supplicant echoes the counter of the frame it answers.
            replay_counter: self.last_rx_counter,
            nonce: if msg == KeyMsg::M2 {
                self.snonce
            } else {
                Partial::default()
            },
            mic_len: 16,
            key_data_len: None,
            eapol: None,
            air: None,
        };
        self.last_sent = Some(self.emit(ctx, EventKind::Key(Box::new(key))));
    }

    fn sta_event(&mut self, ctx: &Ctx<'_>, sta: MacAddr, event: StaEvent<'_>) {
        let ap = self.ap_for(ctx).unwrap_or(MacAddr::ZERO);
        match event {
            StaEvent::SendingKey(msg) | StaEvent::ReceivedKey(msg) => {
                let sent = matches!(event, StaEvent::SendingKey(_));
                if sent && msg == KeyMsg::M1 {
                    self.ap_stas.entry(sta).or_default().completed = false;
                }
                let mut key = KeyEvent {
                    ap,
                    sta,
                    msg,
                    action: if sent {
                        KeyAction::Sent
                    } else {
                        KeyAction::Received
                    },
                    descriptor_type: None,
                    key_info: None,
                    key_length: None,
                    replay_counter: None,
                    nonce: Partial::default(),
                    mic_len: 16,
                    key_data_len: None,
                    eapol: None,
                    air: None,
                };
                if sent && matches!(msg, KeyMsg::M1 | KeyMsg::M3) {
                    key.nonce = self.ap_anonce;
                }
                if !sent {
                    if let Some(frame) = self.ap_rx.take() {
                        attach_frame(&mut key, frame);
                    }
                }
                let at = self.emit(ctx, EventKind::Key(Box::new(key)));
                self.last_sent = sent.then_some(at);
            }
            StaEvent::CheckFailed(check) => {
                // The dumped frame was refused before any "received" line.
                self.ap_rx = None;
                let fact = LogFact::CheckFailed {
                    check: check.name,
                    msg: check.msg,
                    text: ctx.text.into(),
                };
                self.ap_fact(ctx, sta, fact);
            }
            StaEvent::RetryLimit { state } => self.ap_fact(
                ctx,
                sta,
                LogFact::RetryLimit {
                    state: state.to_string(),
                },
            ),
            StaEvent::PairwiseCompleted => {
                self.ap_stas.entry(sta).or_default().completed = true;
                self.ap_fact(ctx, sta, LogFact::HandshakeCompleted);
            }
            StaEvent::GroupFailed => self.ap_fact(ctx, sta, LogFact::GroupKeyFailed),
            StaEvent::AuthenticationOk { algorithm } => {
                self.emit(
                    ctx,
                    EventKind::Authentication {
                        ta: ap,
                        ra: sta,
                        bssid: ap,
                        algorithm,
                        sequence: 2,
                        status: 0,
                        air: None,
                    },
                );
            }
            StaEvent::AssociationOk { .. } => {
                self.ap_stas.entry(sta).or_default().last_deauth_line = None;
                self.emit(
                    ctx,
                    EventKind::AssociationResponse {
                        sta,
                        bssid: ap,
                        status: 0,
                        air: None,
                    },
                );
            }
            StaEvent::Deauthenticated { text } | StaEvent::Disassociated { text } => {
                // Already reported with its reason since the last association.
                let recent = self
                    .ap_stas
                    .get(&sta)
                    .and_then(|s| s.last_deauth_line)
                    .is_some();
                let fact = if recent {
                    LogFact::Note(text.to_string())
                } else {
                    LogFact::Disconnected {
                        reason: None,
                        locally_generated: text.contains("local"),
                    }
                };
                self.ap_fact(ctx, sta, fact);
            }
            StaEvent::GroupCompleted | StaEvent::Note(_) => {
                self.ap_fact(ctx, sta, LogFact::Note(ctx.text.to_string()));
            }
        }
    }

    fn hexdump(&mut self, ctx: &Ctx<'_>, h: Hexdump<'_>) {
        let label = h.label;
        match label {
            "replay_counter" => {
                let bytes = h.bytes();
                if let Ok(counter) = <[u8; 8]>::try_from(bytes.as_slice()) {
                    self.rx_mut().replay_counter = Some(u64::from_be_bytes(counter));
                }
            }
            "key_nonce" => {
                let bytes = h.bytes();
                self.rx_mut().nonce = Partial::from_prefix(&bytes);
            }
            "key_mic" => self.rx_mut().mic_len = u8::try_from(h.len).ok(),
            "WPA: Renewed SNonce" => self.snonce = Partial::from_prefix(&h.bytes()),
            // hostapd: SM_STATE(WPA_PTK, PTKSTART) assigns the ANonce before 1/4.
            "WPA: Assign ANonce" => self.ap_anonce = Partial::from_prefix(&h.bytes()),
            // hostapd: __wpa_send_eapol dumps the counter of the frame just sent.
            "WPA: Replay Counter" => {
                let bytes = h.bytes();
                let Ok(counter) = <[u8; 8]>::try_from(bytes.as_slice()) else {
                    return;
                };
                if let Some(EventKind::Key(key)) = self
                    .last_sent
                    .and_then(|i| self.events.get_mut(i))
                    .map(|e| &mut e.kind)
                {
                    if key.replay_counter.is_none() {
                        key.replay_counter = Some(u64::from_be_bytes(counter));
                    }
                }
            }
            "WPA: RX EAPOL data" => self.ap_rx = full_eapol_key(&h),
            "WPA: set AP RSN IE" | "WPA: set AP WPA IE" => {
                if let Some(ie) = security_ie(&h) {
                    self.fact(ctx, LogFact::ApIe(ie));
                }
            }
            // Printed with an ie-mismatch refusal (wpa_report_ie_mismatch).
            "WPA: RSN IE in Beacon/ProbeResp" | "WPA: WPA IE in Beacon/ProbeResp" => {
                if let Some(ie) = security_ie(&h) {
                    self.fact(ctx, LogFact::ApIe(ie));
                }
            }
            "WPA: RSN IE in 3/4 msg" | "WPA: WPA IE in 3/4 msg" | "RSNE in EAPOL-Key msg 3/4" => {
                self.fact(ctx, LogFact::Note(ctx.text.to_string()))
            }
            "WPA: Set own WPA IE default" => {
                if let Some(ie) = security_ie(&h) {
                    self.fact(ctx, LogFact::OwnIe(ie));
                }
            }
            "WPA: WPA IE for msg 2/4" => {
                if let Some(ie) = security_ie(&h) {
                    self.fact(ctx, LogFact::Msg2Ie(ie));
                }
            }
            _ if is_rx_frame_label(label) => {
                if let Some(frame) = full_eapol_key(&h) {
                    let rx = self.rx_mut();
                    fill_from_frame(rx, &frame);
                    rx.eapol = Some(frame);
                }
            }
            _ if is_tx_frame_label(label) => {
                let Some(frame) = full_eapol_key(&h) else {
                    return;
                };
                if let Some(EventKind::Key(key)) = self
                    .last_sent
                    .and_then(|i| self.events.get_mut(i))
                    .map(|e| &mut e.kind)
                {
                    if key.eapol.is_none() {
                        attach_frame(key, frame);
                    }
                }
            }
            _ if label.contains("MLME") || label.contains("mlme") => {
                self.mgmt_frame(ctx, &h.bytes())
            }
            _ => {}
        }
    }

    /// A Deauthentication or Disassociation frame the driver dumped.
    fn mgmt_frame(&mut self, ctx: &Ctx<'_>, bytes: &[u8]) {
        let disassociation = match bytes.first() {
            Some(0xc0) => false,
            Some(0xa0) => true,
            _ => return,
        };
        let addr = |at: usize| bytes.get(at..at + 6).and_then(MacAddr::from_slice);
        let (Some(ra), Some(ta), Some(bssid), Some(reason)) =
            (addr(4), addr(10), addr(16), crate::wire::u16_le(bytes, 24))
        else {
            return;
        };
        self.last_frame_deauth = Some(ctx.number);
        // hostapd says why it deauthenticates before the driver reports the frame.
        for peer in [ra, ta] {
            if let Some(entry) = self.ap_stas.get_mut(&peer) {
                let recent = entry
                    .last_deauth_line
                    .is_some_and(|at| ctx.number.saturating_sub(at) <= 60);
                entry.last_deauth_line = Some(ctx.number);
                if recent {
                    return;
                }
            }
        }
        self.emit(
            ctx,
            EventKind::Deauthentication {
                ta,
                ra,
                bssid,
                disassociation,
                reason,
                air: None,
            },
        );
    }

    /// Ends the log: decides the daemon, sets observers, fills addresses
    /// learned after the lines that needed them.
    pub fn finish(mut self) -> (Vec<Event>, LogStats) {
        let daemon = match self.votes {
            [0, 0] => None,
            [s, h] if h > s => Some(Daemon::Hostapd),
            _ => Some(Daemon::Supplicant),
        };
        self.stats.daemon = daemon;
        let default_side = match daemon {
            Some(Daemon::Hostapd) => Side::Hostapd,
            _ => Side::Supplicant,
        };
        // Supplicant events before the first address line get the first AP seen.
        let first_ap = self
            .events
            .iter()
            .zip(self.sides.iter())
            .find_map(|(e, side)| match (&e.kind, side) {
                (_, Some(Side::Hostapd)) => None,
                (EventKind::Key(k), _) if k.ap != MacAddr::ZERO => Some(k.ap),
                (EventKind::Log { ap: Some(ap), .. }, _) => Some(*ap),
                _ => None,
            });
        let fallback_ap = first_ap.or(self.bssid);
        for (event, side) in self.events.iter_mut().zip(self.sides.iter()) {
            let side = side.unwrap_or(default_side);
            event.observer = match side {
                Side::Supplicant => Observer::Station,
                Side::Hostapd => Observer::AccessPoint,
            };
            let (own_ap, own_sta) = match side {
                Side::Hostapd => (self.own_ap, None),
                Side::Supplicant => (fallback_ap, self.own_sta),
            };
            fill_addresses(&mut event.kind, own_ap, own_sta);
        }
        (self.events, self.stats)
    }
}

/// The channel number of a centre frequency (IEEE 802.11-2020 Annex E);
/// 6 GHz numbers overlap 2.4 GHz ones, as in a DS Parameter Set.
fn channel_of(freq_mhz: u16) -> Option<u8> {
    let number = match freq_mhz {
        2484 => 14,
        2412..=2472 => (freq_mhz - 2407) / 5,
        5000..=5895 => (freq_mhz - 5000) / 5,
        5955..=7115 => (freq_mhz - 5950) / 5,
        _ => return None,
    };
    u8::try_from(number).ok()
}

struct Ctx<'a> {
    number: u64,
    time: Option<f64>,
    side: Option<Side>,
    iface: Option<&'a str>,
    text: &'a str,
}

fn fill(slot: &mut MacAddr, value: Option<MacAddr>) {
    if *slot == MacAddr::ZERO {
        if let Some(v) = value {
            *slot = v;
        }
    }
}

fn fill_opt(slot: &mut Option<MacAddr>, value: Option<MacAddr>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn fill_addresses(kind: &mut EventKind, ap: Option<MacAddr>, sta: Option<MacAddr>) {
    match kind {
        EventKind::Key(key) => {
            fill(&mut key.ap, ap);
            fill(&mut key.sta, sta);
        }
        EventKind::Log { ap: a, sta: s, .. } => {
            fill_opt(a, ap);
            fill_opt(s, sta);
        }
        EventKind::Authentication { ta, ra, bssid, .. } => {
            fill(ta, ap);
            fill(bssid, ap);
            fill(ra, sta);
        }
        EventKind::AssociationResponse { sta: s, bssid, .. } => {
            fill(bssid, ap);
            fill(s, sta);
        }
        EventKind::ProbeRequest { sta: s, .. } => fill(s, sta),
        EventKind::Deauthentication { ta, ra, bssid, .. } => {
            fill(bssid, ap);
            // Whichever side is unknown is the daemon's own.
            if *ta == MacAddr::ZERO {
                fill(ta, ap);
            }
            if *ra == MacAddr::ZERO {
                fill(ra, ap);
            }
        }
        _ => {}
    }
}

fn security_ie(h: &Hexdump<'_>) -> Option<SecurityIe> {
    let bytes = h.bytes();
    let (id, body) = wlog::security_element_body(&bytes)?;
    Some(SecurityIe {
        id,
        body: body.to_vec(),
    })
}

fn is_rx_frame_label(label: &str) -> bool {
    matches!(label, "RX EAPOL" | "WPA: RX EAPOL-Key" | "EAPOL-Key RX")
}

fn is_tx_frame_label(label: &str) -> bool {
    matches!(
        label,
        "TX EAPOL" | "WPA: TX EAPOL-Key" | "WPA: EAPOL-Key TX" | "EAPOL-Key TX"
    )
}

/// The dump as an EAPOL-Key frame, only when complete and well-formed.
fn full_eapol_key(h: &Hexdump<'_>) -> Option<Box<[u8]>> {
    let bytes = h.bytes();
    if bytes.len() != h.len {
        return None;
    }
    EapolKey::new_detect(bytes.as_slice()).ok()?;
    Some(bytes.into_boxed_slice())
}

fn fill_from_frame(rx: &mut RxFrame, frame: &[u8]) {
    let Ok(key) = EapolKey::new_detect(frame) else {
        return;
    };
    rx.descriptor_type = Some(key.descriptor_type());
    rx.key_info = Some(key.key_info().0);
    rx.key_length = Some(key.key_length());
    rx.key_data_len = Some(key.key_data_length());
    rx.replay_counter = Some(key.replay_counter());
    rx.nonce = Partial::full(key.key_nonce());
    rx.mic_len = u8::try_from(key.mic_len()).ok();
}

/// Fills a key event from the whole frame the daemon dumped.
fn attach_frame(key: &mut KeyEvent, frame: Box<[u8]>) {
    let Ok(view) = EapolKey::new_detect(&*frame) else {
        return;
    };
    key.descriptor_type = Some(view.descriptor_type());
    key.key_info = Some(view.key_info().0);
    key.key_length = Some(view.key_length());
    key.key_data_len = Some(view.key_data_length());
    key.replay_counter = Some(view.replay_counter());
    key.nonce = Partial::full(view.key_nonce());
    key.mic_len = u8::try_from(view.mic_len()).unwrap_or(16);
    key.eapol = Some(frame);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Event>, LogStats) {
        events_from_log(
            text.lines()
                .enumerate()
                .map(|(i, l)| (i as u64 + 1, l.to_string())),
            0,
        )
    }

    fn mac(s: &str) -> MacAddr {
        MacAddr::parse(s).unwrap()
    }

    #[test]
    fn scans_give_one_probe_per_name_and_one_beacon_per_bss() {
        let (events, _) = run("\
   id=0 ssid='Caf\\xc3\\xa9'
nl80211: Scan probed for SSID 'Caf\\xc3\\xa9'
nl80211: Scan probed for SSID 'Other'
wlan0: 0: 00:27:19:fd:ca:94 ssid='Cafe' wpa_ie_len=0 rsn_ie_len=20 caps=0x11 level=40 freq=2412
wlan0: 1: 00:27:19:fd:ca:95 ssid='Cafe' wpa_ie_len=0 rsn_ie_len=20 caps=0x11 level=-61 freq=2412
nl80211: Scan probed for SSID 'Caf\\xc3\\xa9'
wlan0: 0: 00:27:19:fd:ca:94 ssid='Cafe' wpa_ie_len=0 rsn_ie_len=20 caps=0x11 level=-50 freq=2412
wlan0: Own MAC address: 00:80:48:3d:5d:60
");
        let sta = mac("00:80:48:3d:5d:60");
        let summary: Vec<(u64, String)> = events
            .iter()
            .map(|e| {
                let Origin::Line { number, .. } = e.origin else {
                    unreachable!()
                };
                let what = match &e.kind {
                    EventKind::ProbeRequest { sta: s, ssid } => {
                        assert_eq!(*s, sta);
                        format!("probe {:?}", String::from_utf8_lossy(ssid.as_bytes()))
                    }
                    EventKind::Beacon {
                        bssid,
                        signal_dbm,
                        channel,
                        ..
                    } => format!("beacon {bssid} {signal_dbm:?} {channel:?}"),
                    other => format!("{other:?}"),
                };
                (number, what)
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, "probe \"Café\"".to_string()),
                (3, "probe \"Other\"".to_string()),
                // A positive level is a quality, not dBm; the repeat gives the dBm.
                (4, "beacon 00:27:19:fd:ca:94 Some(-50) Some(1)".to_string()),
                (5, "beacon 00:27:19:fd:ca:95 Some(-61) Some(1)".to_string()),
            ]
        );
    }

    #[test]
    fn channels_of_frequencies() {
        assert_eq!(channel_of(2412), Some(1));
        assert_eq!(channel_of(2437), Some(6));
        assert_eq!(channel_of(2484), Some(14));
        assert_eq!(channel_of(5180), Some(36));
        assert_eq!(channel_of(5955), Some(1));
        assert_eq!(channel_of(2400), None);
        assert_eq!(channel_of(58320), None);
    }

    #[test]
    fn hostapd_scans_ask_for_nothing() {
        let (events, _) = run("\
wlan0: AP-STA-CONNECTED 02:00:00:00:01:00
nl80211: Scan SSID Cafe
");
        assert!(
            events
                .iter()
                .all(|e| !matches!(e.kind, EventKind::ProbeRequest { .. }))
        );
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn sent_m2_echoes_counter_and_learns_own_address_later() {
        let (events, stats) = run("\
RX EAPOL from 02:00:00:00:00:00
key_info 0x8a (ver=2 keyidx=0 rsvd=0 Pairwise Ack)
key_length=16 key_data_length=0
replay_counter - hexdump(len=8): 00 00 00 00 00 00 00 07
key_nonce - hexdump(len=32): 11 22
WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:00 (ver=2)
WPA: Renewed SNonce - hexdump(len=32): aa bb cc
WPA: PTK derivation - A1=02:00:00:00:01:00 A2=02:00:00:00:00:00
WPA: Sending EAPOL-Key 2/4
some unrelated line
");
        assert_eq!(stats.daemon, Some(Daemon::Supplicant));
        assert_eq!(stats.lines, 10);
        assert_eq!(stats.skipped, 1);
        let keys: Vec<&KeyEvent> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Key(k) => Some(&**k),
                _ => None,
            })
            .collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (keys[0].msg, keys[0].action, keys[0].replay_counter),
            (KeyMsg::M1, KeyAction::Received, Some(7))
        );
        assert_eq!(keys[0].nonce.known_bytes(), &[0x11, 0x22]);
        assert_eq!(keys[0].sta, mac("02:00:00:00:01:00"));
        assert_eq!(
            (keys[1].msg, keys[1].action, keys[1].replay_counter),
            (KeyMsg::M2, KeyAction::Sent, Some(7))
        );
        assert_eq!(keys[1].nonce.known_bytes(), &[0xaa, 0xbb, 0xcc]);
        assert_eq!(keys[1].ap, mac("02:00:00:00:00:00"));
        assert!(events.iter().all(|e| e.observer == Observer::Station));
    }

    #[test]
    fn mic_failure_names_the_dropped_message() {
        let (events, _) = run("\
RX EAPOL from 02:00:00:00:00:00
key_info 0x13ca (ver=2 keyidx=0 rsvd=0 Pairwise Install Ack MIC Secure Encr)
key_length=16 key_data_length=56
WPA: Invalid EAPOL-Key MIC - dropping packet
");
        let fact = events.iter().find_map(|e| match &e.kind {
            EventKind::Log {
                fact: LogFact::CheckFailed { check, msg, .. },
                ap,
                ..
            } => Some((*check, *msg, *ap)),
            _ => None,
        });
        assert_eq!(
            fact,
            Some((
                "invalid-mic",
                Some(KeyMsg::M3),
                Some(mac("02:00:00:00:00:00"))
            ))
        );
    }

    #[test]
    fn hostapd_wrong_key_attempt() {
        let (events, stats) = run("\
1700000000.000001: wlan0: interface state UNINITIALIZED->ENABLED
1700000000.000002: Using interface wlan0 with hwaddr 02:00:00:00:00:00 and ssid \"test\"
1700000001.000000: wlan0: STA 02:00:00:00:01:00 IEEE 802.11: authentication OK (open system)
1700000001.000100: wlan0: STA 02:00:00:00:01:00 IEEE 802.11: association OK (aid 1)
1700000001.100000: wlan0: STA 02:00:00:00:01:00 WPA: sending 1/4 msg of 4-Way Handshake
1700000001.200000: wlan0: STA 02:00:00:00:01:00 WPA: received EAPOL-Key frame (2/4 Pairwise)
1700000001.200100: wlan0: STA 02:00:00:00:01:00 WPA: invalid MIC in msg 2/4 of 4-Way Handshake
1700000005.000000: wlan0: STA 02:00:00:00:01:00 WPA: PTKSTART: Retry limit 4 reached
1700000005.000001: wlan0: AP-STA-POSSIBLE-PSK-MISMATCH 02:00:00:00:01:00
1700000005.000100: hostapd_wpa_auth_disconnect: WPA authenticator requests disconnect: STA 02:00:00:00:01:00 reason 15
1700000005.000200: wlan0: STA 02:00:00:00:01:00 IEEE 802.11: deauthenticated due to local deauth request
1700000005.000300: wlan0: AP-STA-DISCONNECTED 02:00:00:00:01:00
");
        assert_eq!(stats.daemon, Some(Daemon::Hostapd));
        assert!(events.iter().all(|e| e.observer == Observer::AccessPoint));
        let ap = mac("02:00:00:00:00:00");
        let sta = mac("02:00:00:00:01:00");
        let deauth = events.iter().find_map(|e| match e.kind {
            EventKind::Deauthentication { ta, ra, reason, .. } => Some((ta, ra, reason)),
            _ => None,
        });
        assert_eq!(deauth, Some((ap, sta, 15)));
        let m1 = events.iter().find_map(|e| match &e.kind {
            EventKind::Key(k) if k.msg == KeyMsg::M1 => Some((k.ap, k.sta, k.action, e.time.get())),
            _ => None,
        });
        assert_eq!(m1, Some((ap, sta, KeyAction::Sent, Some(1_700_000_001.1))));
        let facts: Vec<&LogFact> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Log { fact, .. } => Some(fact),
                _ => None,
            })
            .collect();
        assert!(facts.iter().any(|f| matches!(
            f,
            LogFact::CheckFailed {
                check: "invalid-mic",
                msg: Some(KeyMsg::M2),
                ..
            }
        )));
        assert!(
            facts
                .iter()
                .any(|f| matches!(f, LogFact::RetryLimit { state } if state == "PTKSTART"))
        );
        assert!(facts.contains(&&LogFact::PossiblePskMismatch));
        assert!(facts.contains(&&LogFact::Note(
            "deauthenticated due to local deauth request".into()
        )));
    }

    #[test]
    fn sniff_tells_logs_from_captures_and_prose() {
        let seed = std::fs::read("../shared/seed/000_3cae40b0d8f988f2.txt").unwrap_or_default();
        if !seed.is_empty() {
            assert_eq!(sniff(&seed), Some(Daemon::Supplicant));
        }
        assert_eq!(
            sniff(b"1700000000.1: wlan0: AP-STA-POSSIBLE-PSK-MISMATCH 02:00:00:00:01:00\n"),
            Some(Daemon::Hostapd)
        );
        assert_eq!(sniff(b"Dear list,\nmy wifi fails.\n"), None);
        assert_eq!(sniff(&[0xd4, 0xc3, 0xb2, 0xa1, b'W', b'P', b'A']), None);
        assert_eq!(sniff(b"WPA: Sending EAPOL-Key 2/4\0"), None);
    }

    #[test]
    fn multi_bss_hostapd_names_each_bssid() {
        let (events, _) = run("\
Using interface wlan0 with hwaddr 02:00:00:00:00:00 and ssid \"a\"
Using interface wlan0-1 with hwaddr 02:00:00:00:00:01 and ssid \"b\"
wlan0-1: STA 02:00:00:00:01:00 WPA: sending 1/4 msg of 4-Way Handshake
wlan0: STA 02:00:00:00:02:00 WPA: sending 1/4 msg of 4-Way Handshake
");
        let aps: Vec<(MacAddr, MacAddr)> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Key(k) => Some((k.ap, k.sta)),
                _ => None,
            })
            .collect();
        assert_eq!(
            aps,
            vec![
                (mac("02:00:00:00:00:01"), mac("02:00:00:00:01:00")),
                (mac("02:00:00:00:00:00"), mac("02:00:00:00:02:00"))
            ]
        );
    }

    #[test]
    fn driver_deauth_frame_dump_gives_addresses_and_reason() {
        let (events, _) = run("\
nl80211: MLME event frame - hexdump(len=26): c0 00 3a 01 02 00 00 00 01 00 02 00 00 00 00 00 02 00 00 00 00 00 00 00 0f 00
nl80211: Deauthenticate event
");
        assert_eq!(events.len(), 1);
        match events[0].kind {
            EventKind::Deauthentication {
                ta,
                ra,
                reason,
                disassociation,
                ..
            } => {
                assert_eq!(
                    (ta, ra, reason, disassociation),
                    (
                        mac("02:00:00:00:00:00"),
                        mac("02:00:00:00:01:00"),
                        15,
                        false
                    )
                );
            }
            ref other => panic!("unexpected {other:?}"),
        }
    }
}
