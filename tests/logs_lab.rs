//! Logs of the radio lab (real hostapd and wpa_supplicant over
//! mac80211_hwsim), read from `captures/logs/`; skipped when absent.

use std::fs::File;
use std::io::BufReader;

use wpadiag::handshake::event::KeyAction;
use wpadiag::handshake::from_log::{Daemon, LogStats, events_from_reader};
use wpadiag::handshake::{Event, EventKind, LogFact, Observer};
use wpadiag::wire::MacAddr;
use wpadiag::wire::eapol::KeyMsg;

fn lab(scenario: &str, daemon: &str) -> Option<(Vec<Event>, LogStats)> {
    let path = format!("captures/logs/{scenario}.{daemon}.log");
    let Ok(file) = File::open(&path) else {
        eprintln!("skip: {path} not found");
        return None;
    };
    Some(events_from_reader(BufReader::new(file), 0).unwrap())
}

const AP: &str = "02:00:00:00:00:00";
const STA: &str = "02:00:00:00:01:00";

fn mac(s: &str) -> MacAddr {
    MacAddr::parse(s).unwrap()
}

fn line(e: &Event) -> u64 {
    match e.origin {
        Origin::Line { number, .. } => number,
        Origin::Frame { .. } => 0,
    }
}

/// (line, action, message, replay counter) of every key event.
fn key_summary(events: &[Event]) -> Vec<(u64, KeyAction, KeyMsg, Option<u64>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Key(k) => Some((line(e), k.action, k.msg, k.replay_counter)),
            _ => None,
        })
        .collect()
}

fn fact_lines(events: &[Event], want: impl Fn(&LogFact) -> bool) -> Vec<u64> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Log { fact, .. } if want(fact) => Some(line(e)),
            _ => None,
        })
        .collect()
}

fn deauths(events: &[Event]) -> Vec<(u64, MacAddr, MacAddr, u16)> {
    events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Deauthentication { ta, ra, reason, .. } => Some((line(e), ta, ra, reason)),
            _ => None,
        })
        .collect()
}

fn check_names(events: &[Event]) -> Vec<(&'static str, Option<KeyMsg>)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Log {
                fact: LogFact::CheckFailed { check, msg, .. },
                ..
            } => Some((*check, *msg)),
            _ => None,
        })
        .collect()
}

fn assert_link(events: &[Event], observer: Observer) {
    for e in events {
        assert_eq!(e.observer, observer, "line {}", line(e));
        assert!(e.time.get().is_some(), "line {}", line(e));
        match &e.kind {
            EventKind::Key(k) => assert_eq!((k.ap, k.sta), (mac(AP), mac(STA)), "line {}", line(e)),
            EventKind::Log { ap, sta, .. } => {
                assert_eq!(*ap, Some(mac(AP)), "line {} {sta:?}", line(e))
            }
            _ => {}
        }
    }
}

use KeyAction::{Received, Sent};
use KeyMsg::{Group1, Group2, M1, M2, M3, M4};
use wpadiag::handshake::Origin;

#[test]
fn wrong_key_station_side() {
    let Some((events, stats)) = lab("psk-mismatch", "wpa_supplicant") else {
        return;
    };
    assert_eq!(stats.daemon, Some(Daemon::Supplicant));
    assert_eq!((stats.lines, stats.truncated_lines), (1465, 0));
    assert_link(&events, Observer::Station);
    let keys = key_summary(&events);
    assert_eq!(
        keys.get(..8).unwrap(),
        &[
            (631, Received, M1, Some(1)),
            (646, Sent, M2, Some(1)),
            (667, Received, M1, Some(2)),
            (680, Sent, M2, Some(2)),
            (707, Received, M1, Some(3)),
            (720, Sent, M2, Some(3)),
            (741, Received, M1, Some(4)),
            (754, Sent, M2, Some(4)),
        ]
    );
    // -dd logs carry whole frames: the MIC can be checked offline.
    for e in &events {
        if let EventKind::Key(k) = &e.kind {
            let len = if k.msg == M1 { 99 } else { 121 };
            assert_eq!(
                k.eapol.as_ref().map(|f| f.len()),
                Some(len),
                "line {}",
                line(e)
            );
            assert!(k.nonce.is_complete());
        }
    }
    assert!(
        check_names(&events).is_empty(),
        "{:?}",
        check_names(&events)
    );
    assert_eq!(
        deauths(&events).first(),
        Some(&(775, mac(AP), mac(STA), 15))
    );
    assert_eq!(
        fact_lines(&events, |f| *f
            == LogFact::Disconnected {
                reason: Some(15),
                locally_generated: false
            })
        .first(),
        Some(&782)
    );
    assert_eq!(
        fact_lines(&events, |f| *f == LogFact::FourWayFailedGuess).first(),
        Some(&783)
    );
    assert_eq!(
        fact_lines(
            &events,
            |f| matches!(f, LogFact::TempDisabled { reason, auth_failures: Some(1) } if reason == "WRONG_KEY")
        ),
        vec![784]
    );
}

#[test]
fn wrong_key_ap_side() {
    let Some((events, stats)) = lab("psk-mismatch", "hostapd") else {
        return;
    };
    assert_eq!(stats.daemon, Some(Daemon::Hostapd));
    assert_link(&events, Observer::AccessPoint);
    let keys = key_summary(&events);
    assert_eq!(
        keys.get(..8).unwrap(),
        &[
            (428, Sent, M1, Some(1)),
            (454, Received, M2, Some(1)),
            (472, Sent, M1, Some(2)),
            (488, Received, M2, Some(2)),
            (506, Sent, M1, Some(3)),
            (522, Received, M2, Some(3)),
            (540, Sent, M1, Some(4)),
            (556, Received, M2, Some(4)),
        ]
    );
    assert_eq!(
        fact_lines(&events, |f| matches!(
            f,
            LogFact::CheckFailed {
                check: "invalid-mic",
                msg: Some(M2),
                ..
            }
        ))
        .get(..4),
        Some(&[468, 502, 536, 570][..])
    );
    assert_eq!(
        fact_lines(&events, |f| *f == LogFact::PossiblePskMismatch).get(..4),
        Some(&[469, 503, 537, 571][..])
    );
    assert_eq!(
        fact_lines(
            &events,
            |f| matches!(f, LogFact::RetryLimit { state } if state == "PTKSTART")
        )
        .first(),
        Some(&574)
    );
    // The broadcast deauth at start-up, then the one that ends the attempt.
    let deauths = deauths(&events);
    assert_eq!(
        deauths.get(..2),
        Some(
            &[
                (245, mac(AP), MacAddr::BROADCAST, 2),
                (577, mac(AP), mac(STA), 15)
            ][..]
        )
    );
    assert!(fact_lines(&events, |f| *f == LogFact::HandshakeCompleted).is_empty());
}

#[test]
fn wrong_key_both_sides_show_the_same_frames() {
    let (Some((sta, _)), Some((ap, _))) = (
        lab("psk-mismatch", "wpa_supplicant"),
        lab("psk-mismatch", "hostapd"),
    ) else {
        return;
    };
    let frames = |events: &[Event], action, msg| -> Vec<Box<[u8]>> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Key(k) if k.action == action && k.msg == msg => k.eapol.clone(),
                _ => None,
            })
            .collect()
    };
    let sent = frames(&sta, Sent, M2);
    let received = frames(&ap, Received, M2);
    assert_eq!(sent.len(), 8);
    assert_eq!(sent, received);
    let anonce = |events: &[Event], action| {
        events.iter().find_map(|e| match &e.kind {
            EventKind::Key(k) if k.action == action && k.msg == M1 => Some(k.nonce),
            _ => None,
        })
    };
    assert_eq!(anonce(&sta, Received), anonce(&ap, Sent));
}

#[test]
fn correct_key_completes_on_both_sides() {
    if let Some((events, _)) = lab("handshake-ok", "wpa_supplicant") {
        assert_link(&events, Observer::Station);
        assert_eq!(
            key_summary(&events),
            vec![
                (631, Received, M1, Some(1)),
                (646, Sent, M2, Some(1)),
                (671, Received, M3, Some(2)),
                (675, Sent, M4, Some(2))
            ]
        );
        assert_eq!(fact_lines(&events, |f| *f == LogFact::Connected), vec![712]);
        assert!(check_names(&events).is_empty());
    }
    if let Some((events, _)) = lab("handshake-ok", "hostapd") {
        assert_link(&events, Observer::AccessPoint);
        assert_eq!(
            key_summary(&events),
            vec![
                (425, Sent, M1, Some(1)),
                (451, Received, M2, Some(1)),
                (467, Sent, M3, Some(2)),
                (490, Received, M4, Some(2))
            ]
        );
        assert_eq!(
            fact_lines(&events, |f| *f == LogFact::HandshakeCompleted),
            vec![502]
        );
        assert!(check_names(&events).is_empty());
    }
}

#[test]
fn lost_frames_end_in_retry_limits() {
    if let Some((events, _)) = lab("m2-not-received", "hostapd") {
        let keys = key_summary(&events);
        assert_eq!(
            keys,
            vec![
                (421, Sent, M1, Some(1)),
                (448, Sent, M1, Some(2)),
                (457, Sent, M1, Some(3)),
                (466, Sent, M1, Some(4))
            ]
        );
        assert_eq!(
            fact_lines(
                &events,
                |f| matches!(f, LogFact::RetryLimit { state } if state == "PTKSTART")
            ),
            vec![475]
        );
    }
    if let Some((events, _)) = lab("m4-lost", "hostapd") {
        let m3s = key_summary(&events)
            .iter()
            .filter(|k| (k.1, k.2) == (Sent, M3))
            .count();
        assert_eq!(m3s, 12);
        assert_eq!(
            fact_lines(
                &events,
                |f| matches!(f, LogFact::RetryLimit { state } if state == "PTKINITNEGOTIATING")
            ),
            vec![522, 823, 1124]
        );
    }
    if let Some((events, _)) = lab("group-key-timeout", "hostapd") {
        let keys = key_summary(&events);
        assert_eq!(
            keys.get(4..8).unwrap(),
            &[
                (523, Sent, Group1, Some(3)),
                (536, Sent, Group1, Some(4)),
                (548, Sent, Group1, Some(5)),
                (560, Sent, Group1, Some(6))
            ]
        );
        assert_eq!(
            fact_lines(&events, |f| *f == LogFact::GroupKeyFailed),
            vec![573, 923]
        );
        assert_eq!(deauths(&events).get(1), Some(&(583, mac(AP), mac(STA), 16)));
    }
    if let Some((events, _)) = lab("group-key-timeout", "wpa_supplicant") {
        let keys = key_summary(&events);
        assert_eq!(
            keys.get(4..6).unwrap(),
            &[
                (756, Received, Group1, Some(3)),
                (777, Sent, Group2, Some(3))
            ]
        );
    }
}

#[test]
fn ssid_mismatch_scans_become_probes_and_beacons() {
    let Some((events, _)) = lab("wpa2-ssid-mismatch", "wpa_supplicant") else {
        return;
    };
    let probes: Vec<(u64, MacAddr, &[u8])> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProbeRequest { sta, ssid } => Some((line(e), *sta, ssid.as_bytes())),
            _ => None,
        })
        .collect();
    // The configured network (line 21) only: later dumps and probes repeat it.
    assert_eq!(probes, vec![(21, mac(STA), &b"Library-3F"[..])]);
    #[allow(clippy::type_complexity)]
    let beacons: Vec<(u64, MacAddr, &[u8], Option<i8>, Observer)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Beacon {
                bssid,
                ssid,
                signal_dbm,
                rsn: None,
                channel: Some(6),
                probe_response: false,
                ..
            } => Some((line(e), *bssid, ssid.as_bytes(), *signal_dbm, e.observer)),
            _ => None,
        })
        .collect();
    // `BSS: Add new id` comes first; the scan line after it adds the level.
    assert_eq!(
        beacons,
        vec![(
            430,
            mac(AP),
            &b"Library-2F"[..],
            Some(-30),
            Observer::Station
        )]
    );
}
