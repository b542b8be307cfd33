//! No secret ever reaches stdout or stderr: every subcommand and format is
//! run with known secrets, given every way a user can give them, and the
//! output is searched for the passphrase, the PMK, the PTK and its parts
//! (KCK, KEK, TK) and the GTK, in text and in lower- and uppercase hex.

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wpadiag::crypto::{KeyData, PairwiseKeys, PairwiseParams, Passphrase, pmk::pmk};
use wpadiag::source::CaptureReader;
use wpadiag::wire::{self, MacAddr, ieee80211, link::Link};

const OK_CAPTURE: &str = "captures/handshake-ok-radiotap.pcap";
const OK_PASSPHRASE: &str = "quiet-meadow-17";
const OK_SSID: &str = "HomeLab-Fern";
const MISMATCH_CAPTURE: &str = "captures/psk-mismatch-radiotap.pcap";
const MISMATCH_PASSPHRASE: &str = "sourdough&Rye#2210";
const MISMATCH_SSID: &str = "Corner Bakery";

/// A secret and the forms it could leak in.
struct Secret {
    name: String,
    forms: Vec<String>,
}

impl Secret {
    fn text(name: &str, text: &str) -> Secret {
        Secret {
            name: name.to_string(),
            forms: vec![text.to_string()],
        }
    }
    fn bytes(name: &str, bytes: &[u8]) -> Secret {
        let lower = wire::hex(bytes);
        Secret {
            name: name.to_string(),
            forms: vec![lower.to_uppercase(), lower],
        }
    }
}

/// A directory for one test's passphrase and config files, removed when
/// the test ends.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(test: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("wpadiag-secrets-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    Scratch(dir)
}

/// How the secret is handed over for one run.
#[derive(Clone, Copy, Debug)]
enum Given {
    Flag,
    Env,
    File,
    Config,
}

const ALL_GIVEN: [Given; 4] = [Given::Flag, Given::Env, Given::File, Given::Config];

fn run_with(args: &[&str], given: Option<(Given, &str, &str)>, dir: &Path) -> Output {
    let mut command = Command::new(util::bin());
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("WPADIAG_PASSPHRASE")
        .env("NO_COLOR", "1");
    if let Some((how, passphrase, ssid)) = given {
        // Tests run in parallel: one file per run. A file shared by runs of
        // the same content was empty for a moment while another test
        // rewrote it, and a run reading it then failed.
        static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tag = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match how {
            Given::Flag => {
                command.args(["--passphrase", passphrase]);
            }
            Given::Env => {
                command.env("WPADIAG_PASSPHRASE", passphrase);
            }
            Given::File => {
                let path = dir.join(format!("pass-{tag:016x}"));
                std::fs::write(&path, format!("{passphrase}\n")).expect("write passphrase file");
                command.arg("--passphrase-file").arg(path);
            }
            Given::Config => {
                let path = dir.join(format!("wpa-{tag:016x}.conf"));
                std::fs::write(
                    &path,
                    format!(
                        "ctrl_interface=/run/wpa_supplicant\nnetwork={{\n\tssid=\"{ssid}\"\n\tpsk=\"{passphrase}\"\n\tkey_mgmt=WPA-PSK\n}}\n"
                    ),
                )
                .expect("write config");
                command.arg("--config").arg(path);
            }
        }
    }
    command.output().expect("run wpadiag")
}

/// Fails naming the secret and the run when any form of any secret shows.
fn assert_clean(label: &str, output: &Output, secrets: &[Secret]) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{label}: wpadiag panicked: {stderr}"
    );
    for secret in secrets {
        for form in &secret.forms {
            assert!(
                !stdout.contains(form.as_str()),
                "{label}: the {} appears on stdout",
                secret.name
            );
            assert!(
                !stderr.contains(form.as_str()),
                "{label}: the {} appears on stderr",
                secret.name
            );
        }
    }
}

fn mac(value: &serde_json::Value) -> MacAddr {
    MacAddr::parse(value.as_str().expect("MAC string")).expect("MAC")
}

fn nonce(value: &serde_json::Value) -> [u8; 32] {
    let bytes = wire::parse_hex(value.as_str().expect("nonce hex")).expect("nonce hex");
    bytes.try_into().expect("32-byte nonce")
}

/// The EAPOL frame of record `number` of a radiotap capture.
fn eapol_of(path: &str, number: u64) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut reader = CaptureReader::open(&path).expect("open capture");
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        if record.number != number {
            continue;
        }
        let decoded = wire::decode(record.linktype, record.data).expect("decode");
        let Link::Dot11(bytes) = decoded.link else {
            panic!("frame {number} is not 802.11");
        };
        let frame = ieee80211::parse(bytes).expect("802.11");
        let ieee80211::Body::Data {
            eapol: Some(eapol), ..
        } = frame.body
        else {
            panic!("frame {number} carries no EAPOL");
        };
        return eapol.to_vec();
    }
    panic!("no frame {number} in {}", path.display());
}

/// Every secret of the verified handshake: passphrase, PMK, PTK, KCK, KEK,
/// TK and GTK, derived through the crate's own crypto.
fn verified_secrets() -> Vec<Secret> {
    let frames = util::run(&["frames", OK_CAPTURE, "--format", "json"]);
    assert_eq!(frames.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = util::stdout(&frames)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    let message = |name: &str| {
        lines
            .iter()
            .find(|l| l["message"] == name)
            .unwrap_or_else(|| panic!("no msg {name} in {OK_CAPTURE}"))
    };
    let (m1, m2, m3) = (message("1/4"), message("2/4"), message("3/4"));
    let passphrase = Passphrase::new(OK_PASSPHRASE.to_string()).expect("passphrase");
    let pmk = pmk(&passphrase, OK_SSID.as_bytes());
    let key_info = m2["key_info"].as_u64().expect("key_info");
    let params = PairwiseParams {
        aa: mac(&m1["ta"]),
        spa: mac(&m1["ra"]),
        anonce: nonce(&m1["nonce"]),
        snonce: nonce(&m2["nonce"]),
        descriptor_version: (key_info & 7) as u8,
        akm: Some(2),
        tkip: false,
    };
    let keys = PairwiseKeys::derive(&pmk, &params).expect("PTK");
    let eapol = eapol_of(OK_CAPTURE, m2["frame"].as_u64().expect("frame"));
    keys.verify_mic(&eapol, 16)
        .expect("the test's own PTK verifies msg 2/4");
    let m3_eapol = eapol_of(OK_CAPTURE, m3["frame"].as_u64().expect("frame"));
    let key_data: KeyData = keys.unwrap_key_data(&m3_eapol, 16).expect("unwrap M3");
    let gtk = key_data.rsn_gtk().expect("GTK KDE in msg 3/4");
    assert_eq!(gtk.len(), 16);
    let ptk = keys.ptk();
    let mut whole_ptk = ptk.kck().as_bytes().to_vec();
    whole_ptk.extend_from_slice(ptk.kek().as_bytes());
    whole_ptk.extend_from_slice(ptk.tk().as_bytes());
    vec![
        Secret::text("passphrase", OK_PASSPHRASE),
        Secret::bytes("PMK", pmk.as_bytes()),
        Secret::bytes("PTK", &whole_ptk),
        Secret::bytes("KCK", ptk.kck().as_bytes()),
        Secret::bytes("KEK", ptk.kek().as_bytes()),
        Secret::bytes("TK", ptk.tk().as_bytes()),
        Secret::bytes("GTK", gtk.as_bytes()),
        Secret::bytes("key data", key_data.as_bytes()),
    ]
}

fn mismatch_secrets() -> Vec<Secret> {
    let passphrase = Passphrase::new(MISMATCH_PASSPHRASE.to_string()).expect("passphrase");
    let pmk = pmk(&passphrase, MISMATCH_SSID.as_bytes());
    vec![
        Secret::text("passphrase", MISMATCH_PASSPHRASE),
        Secret::bytes("PMK", pmk.as_bytes()),
    ]
}

const ANALYZE_FORMATS: [&str; 3] = ["text", "markdown", "json"];

#[test]
fn analyze_never_prints_a_secret() {
    let dir = scratch("analyze");
    let cases = [
        (
            OK_CAPTURE,
            OK_PASSPHRASE,
            OK_SSID,
            verified_secrets(),
            "handshake-ok",
        ),
        (
            MISMATCH_CAPTURE,
            MISMATCH_PASSPHRASE,
            MISMATCH_SSID,
            mismatch_secrets(),
            "psk-mismatch",
        ),
    ];
    let mut runs = 0;
    for (capture, passphrase, ssid, secrets, verdict) in &cases {
        for format in ANALYZE_FORMATS {
            for redact in [false, true] {
                for given in ALL_GIVEN {
                    let mut args = vec!["analyze", capture, "--format", format];
                    if redact {
                        args.push("--redact");
                    }
                    let output = run_with(&args, Some((given, passphrase, ssid)), &dir);
                    let label = format!("analyze {capture} {format} redact={redact} {given:?}");
                    assert_clean(&label, &output, secrets);
                    if format == "json" {
                        let report = util::json(&output);
                        assert_eq!(report["verdict"], *verdict, "{label}");
                    }
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 2 * 3 * 2 * 4);
    // The PSK itself as hex (what `wpa_passphrase` prints) is not echoed.
    let secrets = verified_secrets();
    let pmk_hex = secrets[1].forms[1].clone();
    for format in ANALYZE_FORMATS {
        let output = run_with(
            &["analyze", OK_CAPTURE, "--format", format, "--psk", &pmk_hex],
            None,
            &dir,
        );
        assert_eq!(output.status.code(), Some(0), "--psk {format}");
        assert_clean(&format!("analyze --psk {format}"), &output, &secrets);
    }
}

#[test]
fn other_subcommands_never_print_a_secret() {
    let dir = scratch("other");
    let secrets = verified_secrets();
    for format in ["text", "json"] {
        for all in [false, true] {
            let mut args = vec!["frames", OK_CAPTURE, "--format", format];
            if all {
                args.push("--all");
            }
            let output = run_with(&args, None, &dir);
            assert_eq!(output.status.code(), Some(0), "frames {format}");
            assert_clean(&format!("frames {format} all={all}"), &output, &secrets);
        }
    }
    let output = run_with(
        &["ie", "30140100000fac040100000fac040100000fac020c00"],
        None,
        &dir,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_clean("ie", &output, &secrets);

    // `psk --check` with a wrong PSK must not print the right one.
    let wrong = "00".repeat(32);
    for given in [Given::Flag, Given::Env, Given::File] {
        let output = run_with(
            &["psk", "--ssid", OK_SSID, "--check", &wrong],
            Some((given, OK_PASSPHRASE, OK_SSID)),
            &dir,
        );
        assert_eq!(output.status.code(), Some(1), "psk --check wrong {given:?}");
        assert_clean(&format!("psk --check {given:?}"), &output, &secrets);
    }
    // Plain `psk` prints the PSK on request, and only that: the passphrase
    // never, and nothing on stderr but the hint.
    let output = run_with(
        &["psk", "--ssid", OK_SSID],
        Some((Given::Env, OK_PASSPHRASE, OK_SSID)),
        &dir,
    );
    assert_eq!(output.status.code(), Some(0));
    let pmk_hex = &secrets[1].forms[1];
    assert!(util::stdout(&output).contains(pmk_hex.as_str()));
    assert!(!String::from_utf8_lossy(&output.stderr).contains(pmk_hex.as_str()));
}

#[test]
fn error_paths_never_print_a_secret() {
    let dir = scratch("error");
    let secrets = verified_secrets();
    // A hex PSK with one bad digit: the other 63 are the real PMK.
    let mut bad_hex = secrets[1].forms[1].clone();
    bad_hex.replace_range(63..64, "g");
    let near_pmk = Secret::text("almost-PMK", &bad_hex[..62]);
    let output = run_with(&["analyze", OK_CAPTURE, "--psk", &bad_hex], None, &dir);
    assert_eq!(output.status.code(), Some(2));
    assert_clean("bad --psk", &output, &[near_pmk]);

    let seven = "meadow7";
    for given in [Given::Flag, Given::Env, Given::File] {
        let output = run_with(
            &["analyze", OK_CAPTURE],
            Some((given, seven, OK_SSID)),
            &dir,
        );
        assert_eq!(output.status.code(), Some(2), "7 characters {given:?}");
        assert_clean(
            &format!("7-char passphrase {given:?}"),
            &output,
            &[Secret::text("short passphrase", seven)],
        );
    }

    let missing = dir.join("does-not-exist.conf");
    let output = Command::new(util::bin())
        .args(["analyze", OK_CAPTURE, "--config"])
        .arg(&missing)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("WPADIAG_PASSPHRASE")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert_clean("unreadable --config", &output, &secrets);

    // A config whose only network is another one: its key is not used and
    // not shown.
    let output = run_with(
        &["analyze", OK_CAPTURE, "--format", "json"],
        Some((Given::Config, OK_PASSPHRASE, "Some-Other-Net")),
        &dir,
    );
    assert_clean("config without the network", &output, &secrets);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no network block"), "{stderr}");
}

#[test]
fn debug_of_key_types_shows_no_key_bytes() {
    use wpadiag::crypto::{KeyMaterial, Pmk, PmkCache};
    let pmk = Pmk::from_bytes([0xa5; 32]);
    let material = KeyMaterial::Pmk(pmk.clone());
    let mut cache = PmkCache::new(KeyMaterial::Passphrase(
        Passphrase::new("correct horse battery".to_string()).expect("passphrase"),
    ));
    cache.pmk(b"Net");
    let params = PairwiseParams {
        aa: MacAddr([2, 0, 0, 0, 0, 1]),
        spa: MacAddr([2, 0, 0, 0, 0, 2]),
        anonce: [1; 32],
        snonce: [2; 32],
        descriptor_version: 2,
        akm: Some(2),
        tkip: false,
    };
    let keys = PairwiseKeys::derive(&pmk, &params).expect("derive");
    let data = KeyData::from_slice(&[0xa5; 24]);
    let cached = wire::hex(cache.pmk(b"Net").as_bytes());
    let ptk_hex = wire::hex(keys.ptk().kck().as_bytes());
    for (name, debug) in [
        ("KeyMaterial", format!("{material:?}")),
        ("PmkCache", format!("{cache:?}")),
        ("PairwiseKeys", format!("{keys:?}")),
        ("KeyData", format!("{data:?}")),
    ] {
        let lower = debug.to_lowercase();
        assert!(
            !lower.contains("a5a5"),
            "{name} Debug shows key bytes: {debug}"
        );
        assert!(
            !lower.contains("165, 165"),
            "{name} Debug shows key bytes: {debug}"
        );
        assert!(
            !lower.contains(&cached),
            "{name} Debug shows the PMK: {debug}"
        );
        assert!(
            !lower.contains(&ptk_hex),
            "{name} Debug shows the KCK: {debug}"
        );
        assert!(
            !debug.contains("correct horse"),
            "{name} Debug shows the passphrase"
        );
    }
}
