//! The crypto layer against the public captures in ../shared/captures-public,
//! with tshark (Debian package `tshark`) as the frame reader so this test
//! does not depend on wpadiag's own capture reader: every capture that
//! GROUND_TRUTH.tsv says VERIFIES has an M2 whose MIC verifies with the
//! known passphrase and none with a wrong one, and the M2s that verify only
//! after ANonce "nonce error correction" are exactly those it lists.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;
use wpadiag::crypto::{
    Endian, KeyMaterial, PairwiseKeys, PairwiseParams, Passphrase, Pmk, nonce_corrections,
};
use wpadiag::wire::MacAddr;
use wpadiag::wire::eapol::{EapolKey, KeyMsg};

const DIR: &str = "../shared/captures-public";

struct KeyFrame {
    frame: u64,
    ap: MacAddr,
    sta: MacAddr,
    msg: KeyMsg,
    eapol: Vec<u8>,
}

fn find<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|child| find(child, key))),
        Value::Array(list) => list.iter().find_map(|child| find(child, key)),
        _ => None,
    }
}

/// EAPOL-Key frames of `file` as tshark dissects them, or `None` without tshark.
fn key_frames(file: &str) -> Option<Vec<KeyFrame>> {
    let output = match Command::new("tshark")
        .args([
            "-r",
            &format!("{DIR}/{file}"),
            "-Y",
            "eapol.type == 3",
            "-T",
            "json",
            "-x",
        ])
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => panic!("running tshark: {err}"),
    };
    let packets: Value = serde_json::from_slice(&output.stdout).unwrap_or(Value::Array(vec![]));
    let mut frames = Vec::new();
    for packet in packets.as_array().into_iter().flatten() {
        let layers = &packet["_source"]["layers"];
        let text = |key: &str| find(layers, key).and_then(Value::as_str);
        let Some(raw) = layers["eapol_raw"].get(0).and_then(Value::as_str) else {
            continue;
        };
        let eapol = wpadiag::wire::parse_hex(raw).unwrap();
        let Ok(key) = EapolKey::new_detect(&eapol[..]) else {
            continue;
        };
        let msg = key.message();
        let src = text("wlan.sa").or(text("eth.src")).and_then(MacAddr::parse);
        let dst = text("wlan.da").or(text("eth.dst")).and_then(MacAddr::parse);
        let (Some(src), Some(dst)) = (src, dst) else {
            continue;
        };
        let (ap, sta) = if msg.from_authenticator() {
            (src, dst)
        } else {
            (dst, src)
        };
        let frame = text("frame.number").unwrap().parse().unwrap();
        frames.push(KeyFrame {
            frame,
            ap,
            sta,
            msg,
            eapol,
        });
    }
    Some(frames)
}

#[derive(Default, Debug, PartialEq, Eq)]
struct Outcome {
    /// M2 frames that verify with an ANonce as captured.
    m2_direct: BTreeSet<u64>,
    /// M2 frames that verify only with a corrected ANonce: (frame, delta, endian).
    m2_corrected: BTreeSet<(u64, i8, char)>,
    /// M3 frames that verify with the SNonce of some M2.
    m3: BTreeSet<u64>,
    /// M1 frames whose PMKID KDE matches the PMK.
    pmkid: BTreeSet<u64>,
}

/// The PMKID KDE (00-0F-AC:4) of an M1's key data.
fn pmkid_kde(key_data: &[u8]) -> Option<[u8; 16]> {
    let mut rest = key_data;
    while let [id, len, tail @ ..] = rest {
        let (body, next) = tail.split_at_checked(usize::from(*len))?;
        if *id == 0xdd && body.len() == 20 && body[..4] == [0x00, 0x0f, 0xac, 0x04] {
            return body[4..].try_into().ok();
        }
        rest = next;
    }
    None
}

fn verify(frames: &[KeyFrame], pmk: &Pmk) -> Outcome {
    let mut outcome = Outcome::default();
    let mut anonces: BTreeMap<(MacAddr, MacAddr), BTreeSet<[u8; 32]>> = BTreeMap::new();
    for f in frames
        .iter()
        .filter(|f| matches!(f.msg, KeyMsg::M1 | KeyMsg::M3))
    {
        let key = EapolKey::new_detect(&f.eapol[..]).unwrap();
        anonces
            .entry((f.ap, f.sta))
            .or_default()
            .insert(key.key_nonce());
    }
    let keys_for = |f: &KeyFrame, anonce: [u8; 32], snonce: [u8; 32]| {
        let key = EapolKey::new_detect(&f.eapol[..]).unwrap();
        let version = key.key_info().descriptor_version();
        let params = PairwiseParams {
            aa: f.ap,
            spa: f.sta,
            anonce,
            snonce,
            descriptor_version: version,
            akm: None,
            tkip: version == 1,
        };
        PairwiseKeys::derive(pmk, &params).ok()
    };
    for f in frames.iter().filter(|f| f.msg == KeyMsg::M1) {
        let key = EapolKey::new_detect(&f.eapol[..]).unwrap();
        let Some(pmkid) = pmkid_kde(key.key_data()) else {
            continue;
        };
        let sha256 = key.key_info().descriptor_version() == 3;
        if wpadiag::crypto::pmkid(pmk, f.ap, f.sta, sha256) == pmkid {
            outcome.pmkid.insert(f.frame);
        }
    }
    let mut snonces: BTreeMap<(MacAddr, MacAddr), BTreeSet<[u8; 32]>> = BTreeMap::new();
    for f in frames.iter().filter(|f| f.msg == KeyMsg::M2) {
        let key = EapolKey::new_detect(&f.eapol[..]).unwrap();
        let snonce = key.key_nonce();
        snonces.entry((f.ap, f.sta)).or_default().insert(snonce);
        let mic_len = key.mic_len();
        let candidates = anonces.get(&(f.ap, f.sta)).cloned().unwrap_or_default();
        let verifies = |anonce: [u8; 32]| {
            keys_for(f, anonce, snonce).is_some_and(|k| k.verify_mic(&f.eapol, mic_len).is_ok())
        };
        if candidates.iter().any(|a| verifies(*a)) {
            outcome.m2_direct.insert(f.frame);
            continue;
        }
        'search: for anonce in &candidates {
            for (corrected, delta, endian) in nonce_corrections(*anonce) {
                if verifies(corrected) {
                    let endian = if endian == Endian::Big { 'b' } else { 'l' };
                    outcome.m2_corrected.insert((f.frame, delta, endian));
                    break 'search;
                }
            }
        }
    }
    for f in frames.iter().filter(|f| f.msg == KeyMsg::M3) {
        let key = EapolKey::new_detect(&f.eapol[..]).unwrap();
        let anonce = key.key_nonce();
        let found = snonces
            .get(&(f.ap, f.sta))
            .into_iter()
            .flatten()
            .any(|snonce| {
                keys_for(f, anonce, *snonce)
                    .is_some_and(|k| k.verify_mic(&f.eapol, key.mic_len()).is_ok())
            });
        if found {
            outcome.m3.insert(f.frame);
        }
    }
    outcome
}

/// (file, passphrase, ssid, nonce_corrected_M2, pmkid) of every VERIFIES row
/// with one network.
fn verified_rows() -> Vec<(String, String, String, String, String)> {
    let text = std::fs::read_to_string(format!("{DIR}/GROUND_TRUTH.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (file, verdict, matched, corrected, pmkid) = (
        column("file"),
        column("verdict"),
        column("matched"),
        column("nonce_corrected_M2"),
        column("pmkid"),
    );
    lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row[verdict] == "VERIFIES" && !row[matched].contains(';'))
        .map(|row| {
            let (pass, ssid) = row[matched].rsplit_once('@').unwrap();
            (
                row[file].into(),
                pass.into(),
                ssid.into(),
                row[corrected].into(),
                row[pmkid].into(),
            )
        })
        .collect()
}

#[test]
fn known_passphrases_verify_and_wrong_ones_do_not() {
    let rows = verified_rows();
    assert_eq!(
        rows.len(),
        24,
        "VERIFIES rows with one network in GROUND_TRUTH.tsv"
    );
    let mut with_m2 = 0;
    for (file, pass, ssid, corrected, pmkids) in &rows {
        let Some(frames) = key_frames(file) else {
            eprintln!("skipping: tshark is not installed (Debian package tshark)");
            return;
        };
        let pmk = KeyMaterial::Passphrase(Passphrase::new(pass.clone()).unwrap())
            .pmk_for_ssid(ssid.as_bytes());
        let outcome = verify(&frames, &pmk);
        assert_ne!(outcome, Outcome::default(), "{file}: nothing verifies");
        if !outcome.m2_direct.is_empty() {
            with_m2 += 1;
        }
        // Ground truth writes each corrected M2 as e.g. "-5be:1" (count 1 each).
        let expected: BTreeSet<String> = if corrected == "-" {
            BTreeSet::new()
        } else {
            corrected.split(',').map(str::to_string).collect()
        };
        let got: BTreeSet<String> = outcome
            .m2_corrected
            .iter()
            .map(|(_, delta, endian)| format!("{delta:+}{endian}e:1"))
            .collect();
        assert_eq!(got, expected, "{file}: nonce-corrected M2s");

        // "ok:3 seen:3 zero:0": PMKIDs that match, one per M1 carrying one.
        let pmkid_ok = pmkids
            .strip_prefix("ok:")
            .and_then(|rest| rest.split(' ').next())
            .map_or(0, |n| n.parse::<usize>().unwrap());
        assert_eq!(outcome.pmkid.len(), pmkid_ok, "{file}: matching PMKIDs");

        let mut wrong = pass.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == 'x' { 'y' } else { 'x' });
        let wrong =
            KeyMaterial::Passphrase(Passphrase::new(wrong).unwrap()).pmk_for_ssid(ssid.as_bytes());
        assert_eq!(
            verify(&frames, &wrong),
            Outcome::default(),
            "{file}: wrong passphrase"
        );
    }
    assert!(
        with_m2 >= 20,
        "only {with_m2} captures had a directly verifying M2"
    );
}
