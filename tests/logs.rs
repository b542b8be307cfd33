//! Log parsing against the seed log and hostile input.

use std::fs::File;
use std::io::BufReader;

use wpadiag::handshake::event::{KeyAction, SecurityIe, Ssid};
use wpadiag::handshake::from_log::{Daemon, events_from_log, events_from_reader};
use wpadiag::handshake::{Event, EventKind, KeyEvent, LogFact, Observer, Origin};
use wpadiag::wire::MacAddr;
use wpadiag::wire::eapol::KeyMsg;

const SEED: &str = "../shared/seed/000_3cae40b0d8f988f2.txt";

fn mac(s: &str) -> MacAddr {
    MacAddr::parse(s).unwrap()
}

fn keys(events: &[Event]) -> Vec<(&KeyEvent, u64)> {
    events
        .iter()
        .filter_map(|e| match (&e.kind, e.origin) {
            (EventKind::Key(k), Origin::Line { number, .. }) => Some((&**k, number)),
            _ => None,
        })
        .collect()
}

fn facts(events: &[Event]) -> Vec<(&LogFact, u64)> {
    events
        .iter()
        .filter_map(|e| match (&e.kind, e.origin) {
            (EventKind::Log { fact, .. }, Origin::Line { number, .. }) => Some((fact, number)),
            _ => None,
        })
        .collect()
}

fn parse_text(text: &[u8]) -> (Vec<Event>, wpadiag::handshake::from_log::LogStats) {
    events_from_reader(text, 3).unwrap()
}

#[test]
fn seed_log_gives_four_m1_four_m2_and_the_disconnect() {
    let Ok(file) = File::open(SEED) else {
        eprintln!("skip: {SEED} not found");
        return;
    };
    let (events, stats) = events_from_reader(BufReader::new(file), 1).unwrap();
    assert_eq!(stats.daemon, Some(Daemon::Supplicant));
    assert_eq!(stats.lines, 247); // the last line has no newline
    assert_eq!(stats.recognized + stats.skipped, 247);
    assert_eq!(stats.truncated_lines, 0);
    assert!(
        events
            .iter()
            .all(|e| e.observer == Observer::Station && e.time.get().is_none())
    );

    let ap = mac("00:27:19:fd:ca:94");
    let sta = mac("00:80:48:3d:5d:60");
    let keys = keys(&events);
    let summary: Vec<(KeyMsg, KeyAction, Option<u64>, u64)> = keys
        .iter()
        .map(|(k, line)| (k.msg, k.action, k.replay_counter, *line))
        .collect();
    use KeyAction::{Received, Sent};
    use KeyMsg::{M1, M2};
    assert_eq!(
        summary,
        vec![
            (M1, Received, Some(1), 150),
            (M2, Sent, Some(1), 157),
            (M1, Received, Some(2), 170),
            (M2, Sent, Some(2), 176),
            (M1, Received, Some(3), 189),
            (M2, Sent, Some(3), 195),
            (M1, Received, Some(4), 214),
            (M2, Sent, Some(4), 220),
        ]
    );
    let anonce_prefix = [
        0xaf, 0xa0, 0x0b, 0x03, 0x51, 0x8b, 0x24, 0x56, 0xa1, 0x2b, 0x35, 0x21, 0x8f, 0x94, 0x94,
        0x85, 0x27, 0x26, 0x76, 0x33, 0x6c, 0x7e, 0xb0, 0xcf, 0x2f, 0x14, 0x19,
    ];
    for (key, line) in &keys {
        assert_eq!((key.ap, key.sta), (ap, sta), "line {line}");
        assert!(key.eapol.is_none());
        match key.msg {
            M1 => {
                assert_eq!(key.nonce.known_bytes(), &anonce_prefix);
                assert!(!key.nonce.is_complete());
                assert_eq!(key.key_info, Some(0x8a));
                assert_eq!(key.descriptor_type, Some(2));
                assert_eq!(
                    (key.key_length, key.key_data_len, key.mic_len),
                    (Some(16), Some(0), 16)
                );
            }
            _ => {
                // "WPA: Renewed SNonce" is cut after 24 whole bytes and a half.
                assert_eq!(key.nonce.known, 24);
                assert_eq!(key.nonce.known_bytes().first(), Some(&0x6d));
                assert_eq!(key.nonce.known_bytes().last(), Some(&0x38));
            }
        }
    }

    let facts = facts(&events);
    let find =
        |want: &dyn Fn(&LogFact) -> bool| facts.iter().find(|(f, _)| want(f)).map(|(_, l)| *l);
    assert_eq!(
        find(
            &|f| matches!(f, LogFact::Associating { ssid: Some(s), freq_mhz: Some(2412) } if *s == Ssid(b"XXXXXXXX".to_vec()))
        ),
        Some(77)
    );
    let rsn_ap = SecurityIe {
        id: 48,
        body: vec![
            1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 1, 0,
        ],
    };
    let mut rsn_own = rsn_ap.clone();
    *rsn_own.body.last_mut().unwrap() = 0;
    *rsn_own.body.iter_mut().rev().nth(1).unwrap() = 0;
    assert_eq!(find(&|f| *f == LogFact::ApIe(rsn_ap.clone())), Some(84));
    assert_eq!(find(&|f| *f == LogFact::OwnIe(rsn_own.clone())), Some(88));
    let msg2_ies = facts
        .iter()
        .filter(|(f, _)| **f == LogFact::Msg2Ie(rsn_own.clone()))
        .count();
    assert_eq!(msg2_ies, 4);
    assert_eq!(find(&|f| *f == LogFact::FourWayFailedGuess), Some(227));
    assert_eq!(
        find(&|f| *f
            == LogFact::Disconnected {
                reason: None,
                locally_generated: false
            }),
        Some(230)
    );
    assert_eq!(find(&|f| *f == LogFact::Associated), Some(126));
    assert_eq!(
        find(&|f| *f
            == LogFact::StateChange {
                from: "ASSOCIATED".into(),
                to: "4WAY_HANDSHAKE".into()
            }),
        Some(149)
    );
    // The mailing-list subject "WPA: 4-Way Handshake failed" is no check.
    assert!(
        !facts
            .iter()
            .any(|(f, _)| matches!(f, LogFact::CheckFailed { .. }))
    );
    let notes: Vec<u64> = facts
        .iter()
        .filter(|(f, _)| matches!(f, LogFact::Note(_)))
        .map(|(_, l)| *l)
        .collect();
    assert!(notes.is_empty(), "{notes:?}");
    // Every log fact names the link once its addresses are known.
    for event in &events {
        if let EventKind::Log { ap: a, sta: s, .. } = &event.kind {
            assert_eq!((*a, *s), (Some(ap), Some(sta)), "{:?}", event.origin);
        }
    }
}

#[test]
fn tx_dump_fills_the_sent_frame() {
    // A -dd M2 with its TX dump (99-byte EAPOL frame, 22-byte RSN element).
    let mut frame = vec![0x01, 0x03, 0x00, 0x75, 0x02, 0x01, 0x0a, 0x00, 0x00];
    frame.extend_from_slice(&5u64.to_be_bytes());
    frame.extend((0..32).map(|i| 0x40 + i as u8)); // SNonce
    frame.extend([0u8; 16 + 8 + 8]);
    frame.extend([0xeeu8; 16]); // MIC
    frame.extend(22u16.to_be_bytes());
    frame.extend([
        0x30, 0x14, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
    ]);
    assert_eq!(frame.len(), 121);
    let hex: Vec<String> = frame.iter().map(|b| format!("{b:02x}")).collect();
    let log = format!(
        "wlan0: WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:00 (ver=2)\n\
         wlan0: WPA: Sending EAPOL-Key 2/4\n\
         WPA: Send EAPOL-Key frame to 02:00:00:00:00:00 ver=2 mic_len=16 key_mgmt=0x2\n\
         WPA: TX EAPOL-Key - hexdump(len=121): {}\n",
        hex.join(" ")
    );
    let (events, stats) = parse_text(log.as_bytes());
    assert_eq!(stats.recognized, 4);
    let keys = keys(&events);
    let (m2, line) = keys[1];
    assert_eq!((m2.msg, m2.action, line), (KeyMsg::M2, KeyAction::Sent, 2));
    assert_eq!(m2.replay_counter, Some(5));
    assert_eq!(m2.key_info, Some(0x010a));
    assert_eq!(m2.key_data_len, Some(22));
    assert!(m2.nonce.is_complete());
    assert_eq!(m2.nonce.bytes[31], 0x5f);
    assert_eq!(m2.eapol.as_deref(), Some(frame.as_slice()));
    assert_eq!(m2.ap, mac("02:00:00:00:00:00"));
}

#[test]
fn prefixed_logs_keep_times_and_daemon() {
    let log = "\
Nov 10 04:21:44 host kernel: wlan0: authenticate with 02:00:00:00:00:00
Nov 10 04:21:44 host wpa_supplicant[812]: wlan0: Trying to associate with 02:00:00:00:00:00 (SSID='caf\\xc3\\xa9 \\\"x\\\"' freq=5180 MHz)
Nov 10 04:21:45 host NetworkManager[700]: <info>  [1699590105.1234] device (wlan0): supplicant interface state: associating -> 4-way handshake
Nov 10 04:21:49 host wpa_supplicant[812]: wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\"caf\\xc3\\xa9\" auth_failures=2 duration=20 reason=WRONG_KEY
1699590110.500000: wlan0: CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=15 locally_generated=1
11-10 04:21:44.123  1234  1234 D wpa_supplicant: wlan0: State: COMPLETED -> DISCONNECTED
";
    let (events, stats) = parse_text(log.as_bytes());
    assert_eq!((stats.lines, stats.recognized, stats.skipped), (6, 5, 1));
    assert_eq!(stats.daemon, Some(Daemon::Supplicant));
    let facts = facts(&events);
    assert_eq!(
        facts[0],
        (
            &LogFact::Associating {
                ssid: Some(Ssid("café \"x\"".as_bytes().to_vec())),
                freq_mhz: Some(5180)
            },
            2
        )
    );
    assert!(
        matches!(facts[1], (LogFact::Note(text), 3) if text.ends_with("associating -> 4-way handshake"))
    );
    assert_eq!(events[1].time.get(), Some(1_699_590_105.123_4));
    assert_eq!(
        facts[2],
        (
            &LogFact::TempDisabled {
                reason: "WRONG_KEY".into(),
                auth_failures: Some(2)
            },
            4
        )
    );
    assert_eq!(
        facts[3],
        (
            &LogFact::Disconnected {
                reason: Some(15),
                locally_generated: true
            },
            5
        )
    );
    assert_eq!(events[3].time.get(), Some(1_699_590_110.5));
    assert_eq!(events[0].time.get(), None);
    assert_eq!(facts[4].1, 6);
}

#[test]
fn hostile_input_never_panics_and_is_counted() {
    // Binary garbage, including NUL, invalid UTF-8 and lone CRs.
    let mut garbage = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..200_000 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push((x >> 24) as u8);
    }
    let (_, stats) = parse_text(&garbage);
    assert!(stats.lines > 0);
    assert_eq!(stats.lines, stats.recognized + stats.skipped);

    // One 10 MB line: cut at 64 KiB, counted, next line still read.
    let mut long = vec![b'a'; 10 * 1024 * 1024];
    long.extend_from_slice(b"\nWPA: Sending EAPOL-Key 2/4\n");
    let (events, stats) = parse_text(&long);
    assert_eq!(
        (stats.lines, stats.truncated_lines, events.len()),
        (2, 1, 1)
    );

    // Truncated and absurd hexdumps, half lines, wrong lengths.
    let log = "\
CTRL-EVENT-DISCONNECTED bssid=zz reason=99999999
RX EAPOL from 02:00:00:00:00:00
replay_counter - hexdump(len=8): 00 00 00
key_nonce - hexdump(len=99999999999999999999): ff
key_mic - hexdump(len=300): 01 02
RX EAPOL - hexdump(len=4): 01 03 00 ff
WPA: TX EAPOL-Key - hexdump(len=2): 01
WPA: set AP RSN IE - hexdump(len=1): 30
WPA: set AP RSN IE - hexdump(len=5): 30 ff 01
nl80211: MLME event frame - hexdump(len=3): c0 00 3a
key_info 0xzz (
key_length=
Trying to associate with 
Trying to associate with 02:00:00:00:00:00 (SSID='
STA 02:00:00:00:01:00 WPA: sending
STA 02:00 WPA: sending 1/4 msg of 4-Way Handshake
WPA: RX message 9 of 4-Way Handshake from 02:00:00:00:00:00
WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:00 (ver=2)
";
    let (events, stats) = parse_text(log.as_bytes());
    assert_eq!(stats.lines, 18);
    let keys = keys(&events);
    assert_eq!(keys.len(), 1);
    let (m1, line) = keys[0];
    assert_eq!((m1.msg, line, m1.replay_counter), (KeyMsg::M1, 18, None));
    // A MIC length that fits no descriptor is not taken.
    assert_eq!(m1.mic_len, 16);
    assert!(m1.eapol.is_none());
    let ap_ie = facts(&events).into_iter().find_map(|(f, _)| match f {
        LogFact::ApIe(ie) => Some(ie.body.clone()),
        _ => None,
    });
    assert_eq!(ap_ie, Some(vec![0x01]));
}

#[test]
fn other_daemons_interleaved_are_skipped() {
    let log = "\
Nov 10 04:21:44 host dhclient[99]: DHCPDISCOVER on wlan0 to 255.255.255.255 port 67
Nov 10 04:21:44 host wpa_supplicant[812]: wlan0: WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:00 (ver=2)
Nov 10 04:21:44 host avahi-daemon[500]: Joining mDNS multicast group on interface wlan0.IPv6
Nov 10 04:21:44 host kernel: [ 1234.5678] wlan0: RX AssocResp from 02:00:00:00:00:00 (capab=0x411 status=0 aid=1)
Nov 10 04:21:44 host wpa_supplicant[812]: wlan0: WPA: Sending EAPOL-Key 2/4
";
    let (events, stats) = events_from_log(
        log.lines()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, l.to_string())),
        2,
    );
    assert_eq!((stats.recognized, stats.skipped), (2, 3));
    let lines: Vec<Origin> = events.iter().map(|e| e.origin).collect();
    assert_eq!(
        lines,
        vec![
            Origin::Line { file: 2, number: 2 },
            Origin::Line { file: 2, number: 5 }
        ]
    );
}

#[test]
fn ie_mismatch_in_m3_from_syslog() {
    // As users post it (wlan0, syslog): the refusal names the AP and both elements.
    let log = "\
Mar 14 20:44:03 blackbox wpa_supplicant[7957]: wlan0: Associated with 00:18:f8:4b:d6:23
Mar 14 20:44:03 blackbox wpa_supplicant[7957]: wlan0: WPA: IE in 3/4 msg does not match with IE in Beacon/ProbeResp (src=00:18:f8:4b:d6:23)
Mar 14 20:44:03 blackbox wpa_supplicant[7957]: WPA: RSN IE in Beacon/ProbeResp - hexdump(len=22): 30 14 01 00 00 0f ac 04 01 00 00 0f ac 04 01 00 00 0f ac 02 0c 00
Mar 14 20:44:03 blackbox wpa_supplicant[7957]: WPA: RSN IE in 3/4 msg - hexdump(len=22): 30 14 01 00 00 0f ac 04 01 00 00 0f ac 04 01 00 00 0f ac 02 00 00
Mar 14 20:44:03 blackbox kernel: [175926.316604] rndis_wlan 1-6:1.0: wlan0: media disconnect
Mar 14 20:44:04 blackbox wpa_supplicant[7957]: wlan0: CTRL-EVENT-DISCONNECTED bssid=00:00:00:00:00:00 reason=0
";
    let (events, stats) = parse_text(log.as_bytes());
    assert_eq!((stats.recognized, stats.skipped), (5, 1));
    let ap = mac("00:18:f8:4b:d6:23");
    let facts = facts(&events);
    assert!(matches!(
        facts[1],
        (
            LogFact::CheckFailed {
                check: "ie-mismatch",
                msg: Some(KeyMsg::M3),
                ..
            },
            2
        )
    ));
    match &events[1].kind {
        EventKind::Log { ap: a, .. } => assert_eq!(*a, Some(ap)),
        other => panic!("unexpected {other:?}"),
    }
    match facts[2] {
        (LogFact::ApIe(ie), 3) => assert_eq!(ie.body.get(18..), Some(&[0x0c, 0x00][..])),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        matches!(facts[3], (LogFact::Note(text), 4) if text.starts_with("WPA: RSN IE in 3/4 msg"))
    );
    assert_eq!(
        facts[4],
        (
            &LogFact::Disconnected {
                reason: Some(0),
                locally_generated: false
            },
            6
        )
    );
}

#[test]
fn every_prefix_of_every_line_decodes_without_panic() {
    let mut text = std::fs::read_to_string(SEED).unwrap_or_default();
    // A -dd line of each kind the assembler reads, whole frames included.
    text.push_str(
        "1795639856.445343: RX EAPOL - hexdump(len=99): 02 03 00 5f 02 00 8a 00 10 00 00 00 00 00 00 00 01 fc f1 d1 af 2a 66 45 5c ef 5e fa aa ad 99 07 e6 93 31 39 21 88 c9 42 e1 90 3b 64 6e ad b5 96 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\
         1795639860.511911: nl80211: MLME event frame - hexdump(len=26): c0 00 3a 01 02 00 00 00 01 00 02 00 00 00 00 00 02 00 00 00 00 00 90 00 0f 00\n\
         1795639856.461860: 1795639856.461865: wlan0: STA 02:00:00:00:01:00 WPA: received EAPOL-Key frame (2/4 Pairwise)\n\
         11-10 04:21:44.123  1234  1234 D wpa_supplicant: wlan0: Trying to associate with 02:00:00:00:00:00 (SSID='\\xff\\x00 é' freq=2412 MHz)\n",
    );
    let mut cut_lines = Vec::new();
    for line in text.lines() {
        for (at, _) in line.char_indices() {
            let prefix = &line[..at];
            let split = wpadiag::wire::log::split(prefix);
            let _ = wpadiag::wire::log::decode(split.message);
            cut_lines.push(prefix.to_string());
        }
    }
    let count = cut_lines.len() as u64;
    let (_, stats) = events_from_log(
        cut_lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, l)),
        0,
    );
    assert_eq!(stats.lines, count);
    assert_eq!(stats.recognized + stats.skipped, count);
}

#[test]
fn hostapd_syslog_lines() {
    let log = "\
Nov 10 04:21:44 ap hostapd: wlan0: STA 02:00:00:00:01:00 IEEE 802.11: associated (aid 1)
Nov 10 04:21:44 ap hostapd: wlan0: STA 02:00:00:00:01:00 RADIUS: starting accounting session 1
Nov 10 04:21:44 ap hostapd: wlan0: STA 02:00:00:00:01:00 WPA: pairwise key handshake completed (RSN)
Nov 10 04:21:44 ap hostapd: wlan0: EAPOL-4WAY-HS-COMPLETED 02:00:00:00:01:00
Nov 10 04:21:50 ap hostapd: wlan0: STA 02:00:00:00:01:00 WPA: group key handshake failed (RSN) after 4 tries
";
    let (events, stats) = parse_text(log.as_bytes());
    assert_eq!(stats.daemon, Some(Daemon::Hostapd));
    assert!(
        events
            .iter()
            .all(|e| e.observer == Observer::AccessPoint && e.time.get().is_none())
    );
    let facts = facts(&events);
    let wanted: Vec<(&LogFact, u64)> = facts
        .into_iter()
        .filter(|(f, _)| !matches!(f, LogFact::Note(_)))
        .collect();
    assert_eq!(
        wanted,
        vec![
            (&LogFact::HandshakeCompleted, 3),
            (&LogFact::GroupKeyFailed, 5)
        ]
    );
    for event in &events {
        if let EventKind::Log { sta, ap, .. } = &event.kind {
            assert_eq!((*sta, *ap), (Some(mac("02:00:00:00:01:00")), None));
        }
    }
}
