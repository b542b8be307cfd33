//! Every vector of `../shared/vectors/wpa_vectors.json`, section by section.
//! Each test counts what it checked against the section length, so a vector
//! cannot be skipped silently.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use wpadiag::crypto::{
    self, KeyMaterial, MicAlgorithm, MicInput, MicKey, MicMismatch, PairwiseKeys, PairwiseParams,
    Passphrase, Pmk, keydata, mic, pmk, prf, ptk, typo,
};
use wpadiag::wire::{MacAddr, hex, parse_hex};

const VECTORS: &str = "../shared/vectors/wpa_vectors.json";

fn vectors() -> Value {
    let text =
        std::fs::read_to_string(VECTORS).expect("reading ../shared/vectors/wpa_vectors.json");
    serde_json::from_str(&text).expect("parsing wpa_vectors.json")
}

fn section(name: &str, expected: usize) -> Vec<Value> {
    let list = vectors()[name].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), expected, "section {name} changed size");
    list
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no {key}", v["id"]))
}

/// A field given either as hex (`key`) or as text (`key_ascii`).
fn bytes(v: &Value, key: &str) -> Vec<u8> {
    if let Some(ascii) = v[format!("{key}_ascii")].as_str() {
        return ascii.as_bytes().to_vec();
    }
    parse_hex(text(v, key)).unwrap_or_else(|| panic!("{}: bad hex in {key}", v["id"]))
}

fn array32(v: &Value, key: &str) -> [u8; 32] {
    bytes(v, key).try_into().expect("32 bytes")
}

fn mac(v: &Value, key: &str) -> MacAddr {
    MacAddr::from_slice(&bytes(v, key)).expect("6 bytes")
}

fn pmk_of(v: &Value) -> Pmk {
    Pmk::from_hex(text(v, "pmk")).unwrap()
}

#[test]
fn hmac_rfc2202() {
    let list = section("hmac", 4);
    let mut checked = 0;
    for v in &list {
        let (key, data, want) = (bytes(v, "key"), bytes(v, "data"), text(v, "mac"));
        let full = match text(v, "hash") {
            "md5" => {
                let mut m = <Hmac<md5::Md5> as KeyInit>::new_from_slice(&key).unwrap();
                m.update(&data);
                m.finalize().into_bytes().to_vec()
            }
            "sha1" => {
                let mut m = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&key).unwrap();
                m.update(&data);
                m.finalize().into_bytes().to_vec()
            }
            other => panic!("unknown hash {other}"),
        };
        assert_eq!(hex(&full), want, "{}", v["id"]);
        // The MIC functions are these HMACs, truncated to 16 bytes.
        let algorithm = if text(v, "hash") == "md5" {
            MicAlgorithm::HmacMd5
        } else {
            MicAlgorithm::HmacSha1_128
        };
        let mic = mic::compute(algorithm, &key, &data).unwrap();
        assert_eq!(hex(&mic), want[..32], "{}", v["id"]);
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn pbkdf2_sha1_ieee_j_4_2_and_rfc6070() {
    let list = section("pbkdf2_sha1", 7);
    let mut checked = 0;
    for v in &list {
        let (pass, salt) = (bytes(v, "passphrase"), bytes(v, "ssid"));
        let want = text(v, "psk");
        let iterations = v["iterations"].as_u64().unwrap() as u32;
        let mut out = vec![0u8; want.len() / 2];
        pmk::pbkdf2_sha1(&pass, &salt, iterations, &mut out);
        assert_eq!(hex(&out), want, "{}", v["id"]);
        if iterations == 4096 && out.len() == 32 {
            let passphrase = Passphrase::new(String::from_utf8(pass).unwrap()).unwrap();
            assert_eq!(pmk::pmk(&passphrase, &salt).to_hex(), want, "{}", v["id"]);
        }
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn prf_sha1_ieee_j_3_2_and_j_6_5() {
    let list = section("prf_sha1", 7);
    let mut checked = 0;
    for v in &list {
        let bits = v["bits"].as_u64().unwrap() as usize;
        let out = prf::prf_sha1(
            &bytes(v, "key"),
            &bytes(v, "label"),
            &bytes(v, "data"),
            bits,
        );
        assert_eq!(hex(&out), text(v, "out"), "{}", v["id"]);
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn ptk_ieee_j_7_and_j_13() {
    let list = section("ptk", 4);
    let mut checked = 0;
    for v in &list {
        let kdf = match text(v, "kdf") {
            "prf-sha1" => ptk::Kdf::PrfSha1,
            "kdf-sha256" => ptk::Kdf::KdfSha256,
            other => panic!("unknown kdf {other}"),
        };
        let bits = v["bits"].as_u64().unwrap() as usize;
        let data = ptk::expansion_data(
            mac(v, "aa"),
            mac(v, "spa"),
            &array32(v, "anonce"),
            &array32(v, "snonce"),
        );
        let out = ptk::expand(kdf, &pmk_of(v), &data, bits);
        assert_eq!(out.len() * 8, bits);
        let tk_len = text(v, "tk").len() / 2;
        assert_eq!(hex(&out[..16]), text(v, "kck"), "{}", v["id"]);
        assert_eq!(hex(&out[16..32]), text(v, "kek"), "{}", v["id"]);
        assert_eq!(hex(&out[32..32 + tk_len]), text(v, "tk"), "{}", v["id"]);
        if let Some(kdk) = v["kdk"].as_str() {
            assert_eq!(hex(&out[32 + tk_len..]), kdk, "{}", v["id"]);
        }
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn aes_key_wrap_rfc3394() {
    let list = section("aes_key_wrap", 6);
    let mut checked = 0;
    for v in &list {
        let (kek, plain, wrapped) = (bytes(v, "kek"), bytes(v, "plain"), bytes(v, "wrapped"));
        assert_eq!(
            keydata::aes_wrap(&kek, &plain).unwrap(),
            wrapped,
            "{}",
            v["id"]
        );
        let out = keydata::aes_unwrap_any(&kek, &wrapped).unwrap();
        assert_eq!(out.as_bytes(), &plain[..], "{}", v["id"]);
        let mut damaged = wrapped.clone();
        damaged[0] ^= 1;
        assert!(
            keydata::aes_unwrap_any(&kek, &damaged).is_err(),
            "{}",
            v["id"]
        );
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn aes_cmac_rfc4493() {
    let list = section("aes_cmac", 4);
    let mut checked = 0;
    for v in &list {
        let out = mic::compute(MicAlgorithm::AesCmac, &bytes(v, "key"), &bytes(v, "msg")).unwrap();
        assert_eq!(hex(&out), text(v, "mac"), "{}", v["id"]);
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

#[test]
fn pmkid_aircrack_captures() {
    let list = section("pmkid", 2);
    let mut checked = 0;
    for v in &list {
        let passphrase = Passphrase::new(text(v, "passphrase_ascii").into()).unwrap();
        let key = KeyMaterial::Passphrase(passphrase);
        let pmk = key.pmk_for_ssid(&bytes(v, "ssid"));
        assert_eq!(pmk.to_hex(), text(v, "pmk"), "{}", v["id"]);
        let id = crypto::pmkid(&pmk, mac(v, "aa"), mac(v, "spa"), false);
        assert_eq!(hex(&id), text(v, "pmkid"), "{}", v["id"]);
        checked += 1;
    }
    assert_eq!(checked, list.len());
}

fn params(v: &Value) -> PairwiseParams {
    PairwiseParams {
        aa: mac(v, "aa"),
        spa: mac(v, "spa"),
        anonce: array32(v, "anonce"),
        snonce: array32(v, "snonce"),
        descriptor_version: v["key_descriptor_version"].as_u64().unwrap() as u8,
        akm: None,
        tkip: v["ptk_bits"].as_u64() == Some(512),
    }
}

fn handshake_keys(v: &Value) -> PairwiseKeys {
    let passphrase = Passphrase::new(text(v, "passphrase_ascii").into()).unwrap();
    let pmk = KeyMaterial::Passphrase(passphrase).pmk_for_ssid(&bytes(v, "ssid"));
    assert_eq!(pmk.to_hex(), text(v, "pmk"), "{}", v["id"]);
    PairwiseKeys::derive(&pmk, &params(v)).unwrap()
}

#[test]
fn handshakes_full_chain_passphrase_to_mic() {
    let list = section("handshakes", 8);
    let (mut m2_checked, mut m3_checked, mut unwrapped) = (0, 0, 0);
    for v in &list {
        let id = &v["id"];
        let keys = handshake_keys(v);
        let ptk = keys.ptk();
        assert_eq!(hex(ptk.kck().as_bytes()), text(v, "kck"), "{id}");
        assert_eq!(hex(ptk.kek().as_bytes()), text(v, "kek"), "{id}");
        assert_eq!(hex(ptk.tk().as_bytes()), text(v, "tk"), "{id}");
        assert_eq!(
            keys.suite().ptk_bits() as u64,
            v["ptk_bits"].as_u64().unwrap(),
            "{id}"
        );

        let m2 = bytes(v, "m2_eapol");
        assert_eq!(hex(&m2[81..97]), text(v, "m2_mic"), "{id}");
        let proof = keys
            .verify_mic(&m2, 16)
            .unwrap_or_else(|e| panic!("{id}: M2 {e}"));
        let expected_mic = match v["key_descriptor_version"].as_u64() {
            Some(1) => MicAlgorithm::HmacMd5,
            Some(2) => MicAlgorithm::HmacSha1_128,
            _ => MicAlgorithm::AesCmac,
        };
        assert_eq!(proof.algorithm(), expected_mic, "{id}");
        // The KCK-only path the analysis runs on every candidate agrees.
        let pmk = pmk_of(v);
        let mic_key = MicKey::derive(&pmk, &params(v)).unwrap();
        let input = MicInput::new(&m2, 16).unwrap();
        assert_eq!(mic_key.verify(&input), Ok(proof), "{id}");
        m2_checked += 1;

        if let Some(m3_hex) = v["m3_eapol"].as_str() {
            let m3 = parse_hex(m3_hex).unwrap();
            assert_eq!(hex(&m3[81..97]), text(v, "m3_mic"), "{id}");
            keys.verify_mic(&m3, 16)
                .unwrap_or_else(|e| panic!("{id}: M3 {e}"));
            m3_checked += 1;
            let plain = keys.unwrap_key_data(&m3, 16).unwrap();
            if let Some(want) = v["m3_key_data_plain"].as_str() {
                assert_eq!(hex(plain.as_bytes()), want, "{id}");
                let gtk = plain.rsn_gtk().expect("GTK KDE");
                assert_eq!(hex(gtk.as_bytes()), text(v, "gtk"), "{id}");
                unwrapped += 1;
            } else {
                // WPA1 msg 3/4: the WPA element travels in the clear.
                assert_eq!(plain.as_bytes(), &m3[99..], "{id}");
                assert_eq!(plain.as_bytes()[0], 0xdd, "{id}");
            }
        }
    }
    assert_eq!((m2_checked, m3_checked, unwrapped), (8, 7, 5));
}

#[test]
fn handshakes_wrong_passphrase_and_wrong_nonce_do_not_verify() {
    for v in &section("handshakes", 8) {
        let id = &v["id"];
        let m2 = bytes(v, "m2_eapol");
        let wrong = KeyMaterial::Passphrase(Passphrase::new("not the passphrase".into()).unwrap());
        let pmk = wrong.pmk_for_ssid(&bytes(v, "ssid"));
        let keys = PairwiseKeys::derive(&pmk, &params(v)).unwrap();
        assert!(
            matches!(keys.verify_mic(&m2, 16), Err(MicMismatch::Differs { .. })),
            "{id}"
        );
        let mic_key = MicKey::derive(&pmk, &params(v)).unwrap();
        assert!(
            matches!(
                mic_key.verify(&MicInput::new(&m2, 16).unwrap()),
                Err(MicMismatch::Differs { .. })
            ),
            "{id}"
        );

        let right = KeyMaterial::Pmk(pmk_of(v));
        let mut p = params(v);
        p.anonce[31] ^= 1;
        let keys = PairwiseKeys::derive(&right.pmk_for_ssid(b""), &p).unwrap();
        assert!(keys.verify_mic(&m2, 16).is_err(), "{id}");
    }
}

#[test]
fn mic_fails_when_any_covered_byte_changes_and_ignores_padding() {
    let list = section("handshakes", 8);
    for v in list
        .iter()
        .filter(|v| v["id"] == "wpa2.eapol.cap" || v["id"] == "n-02.cap")
    {
        let keys = handshake_keys(v);
        let m2 = bytes(v, "m2_eapol");
        for at in 0..m2.len() {
            for flip in [0x01u8, 0x80] {
                let mut frame = m2.clone();
                frame[at] ^= flip;
                assert!(
                    keys.verify_mic(&frame, 16).is_err(),
                    "{} byte {at}",
                    v["id"]
                );
            }
        }
        let mut padded = m2.clone();
        padded.extend_from_slice(&[0xa5; 12]);
        assert!(keys.verify_mic(&padded, 16).is_ok(), "{}", v["id"]);
        assert!(matches!(
            keys.verify_mic(&m2, 24),
            Err(MicMismatch::Unsupported(_))
        ));
        assert!(matches!(
            keys.verify_mic(&m2[..60], 16),
            Err(MicMismatch::Frame(_))
        ));
    }
}

#[test]
fn typo_search_finds_a_swapped_pair_against_a_real_mic() {
    let v = section("handshakes", 8)
        .into_iter()
        .find(|v| v["id"] == "wpa2.eapol.cap")
        .unwrap();
    assert_eq!(text(&v, "passphrase_ascii"), "12345678");
    let m2 = bytes(&v, "m2_eapol");
    let p = params(&v);
    let verify = |pmk: &Pmk| {
        PairwiseKeys::derive(pmk, &p).is_ok_and(|keys| keys.verify_mic(&m2, 16).is_ok())
    };
    let progress_calls = std::sync::atomic::AtomicUsize::new(0);
    let report = |_done: usize, _total: usize| {
        progress_calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    };
    let found = typo::search(b"12345687", b"Harkonen", verify, Some(&report)).unwrap();
    assert_eq!(found.kind, "adjacent-swap");
    assert_eq!(found.description, "characters 7 and 8 swapped");
    assert!(progress_calls.into_inner() > 0);

    // The SSID typed in another case is found too.
    let found = typo::search(b"12345678", b"HARKONEN", verify, None).unwrap();
    assert_eq!(found.kind, "ssid-variant");
    assert_eq!(
        found.description,
        "network name with only its first letter upper case"
    );
}

#[test]
fn every_section_is_covered() {
    let all = vectors();
    let sections: Vec<&str> = all
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, value)| value.is_array())
        .map(|(name, _)| name.as_str())
        .collect();
    let covered = [
        "hmac",
        "pbkdf2_sha1",
        "prf_sha1",
        "ptk",
        "aes_key_wrap",
        "aes_cmac",
        "pmkid",
        "handshakes",
    ];
    for name in &sections {
        assert!(covered.contains(name), "section {name} has no test");
    }
    assert_eq!(sections.len(), covered.len());
}
