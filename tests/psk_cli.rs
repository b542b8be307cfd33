//! `wpadiag psk` against `wpa_passphrase` (Debian package wpasupplicant),
//! the ways of handing over a secret, and errors that never echo it.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;
use std::process::{Command, Output};

const WPADIAG: &str = env!("CARGO_BIN_EXE_wpadiag");

fn wpadiag(args: &[&OsStr], env: Option<&str>) -> Output {
    let mut command = Command::new(WPADIAG);
    command
        .arg("psk")
        .args(args)
        .env_remove("WPADIAG_PASSPHRASE");
    if let Some(value) = env {
        command.env("WPADIAG_PASSPHRASE", value);
    }
    command.output().expect("running wpadiag")
}

fn os(text: &str) -> &OsStr {
    OsStr::new(text)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("wpadiag-psk-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

/// `wpa_passphrase SSID PASS` without its `#psk="..."` line, or `None` when
/// the tool is not installed.
fn wpa_passphrase(ssid: &[u8], passphrase: &str) -> Option<Vec<u8>> {
    let output = match Command::new("wpa_passphrase")
        .arg(OsString::from_vec(ssid.to_vec()))
        .arg(passphrase)
        .output()
    {
        Ok(output) => output,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
        Err(err) => panic!("running wpa_passphrase: {err}"),
    };
    assert!(
        output.status.success(),
        "wpa_passphrase failed for {passphrase:?}"
    );
    let kept: Vec<&[u8]> = output
        .stdout
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"\t#psk="))
        .collect();
    Some(kept.concat())
}

#[test]
fn output_is_wpa_passphrase_without_the_passphrase_line() {
    let cases: &[(&[u8], &str)] = &[
        (b"IEEE", "password"),
        (b"Home Net", "pass word with spaces"),
        ("Café Ünïcode 网络".as_bytes(), "12345678"),
        (b"\xff\xfe raw bytes", "raw ssid bytes"),
        (b"quote\"and\\slash", "q\"uote'back\\slash"),
        (b"$(id);`ls`|&>", "$HOME $(id) `ls`; rm -rf / |&<>*?"),
        (b"trailing space ", " leading and trailing "),
        (b"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", &"~".repeat(63)),
        (b"x", "!#%&()*+,-./:;<=>?@[]^_{|}~"),
    ];
    for (ssid, passphrase) in cases {
        let Some(expected) = wpa_passphrase(ssid, passphrase) else {
            eprintln!("skipping: wpa_passphrase is not installed (Debian package wpasupplicant)");
            return;
        };
        let ssid_arg = OsString::from_vec(ssid.to_vec());
        // The passphrase reaches wpadiag by the environment here, as we advise.
        let output = wpadiag(&[os("--ssid"), &ssid_arg], Some(passphrase));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&expected),
            "ssid {ssid:?}"
        );
        assert_eq!(output.stdout, expected);
        assert!(!stdout(&output).contains(passphrase));
        assert_eq!(stderr(&output), "");
    }
}

#[test]
fn ieee_vector_and_hex_ssid() {
    let output = wpadiag(&[os("--ssid-hex"), os("49454545")], Some("password"));
    // SSID "IEEE" given as hex is written the way wpa_supplicant.conf takes hex.
    assert_eq!(
        stdout(&output),
        "network={\n\tssid=49454545\n\
         \tpsk=f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e\n}\n"
    );
}

fn pmk_hex(passphrase: &[u8], ssid: &[u8]) -> String {
    wpadiag::crypto::pmk::pmk_from_bytes(passphrase, ssid).to_hex()
}

#[test]
fn passphrase_on_the_command_line_gets_a_hint() {
    let output = wpadiag(
        &[os("--ssid"), os("IEEE"), os("--passphrase"), os("password")],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("WPADIAG_PASSPHRASE, --passphrase-file or --ask"),
        "{err}"
    );
    assert!(!err.contains("password"));
}

#[test]
fn passphrase_file_takes_the_first_line_without_its_ending() {
    let path = temp_file("pass", b"password\r\nsecond line\n");
    let output = wpadiag(
        &[
            os("--ssid"),
            os("IEEE"),
            os("--passphrase-file"),
            path.as_os_str(),
        ],
        None,
    );
    std::fs::remove_file(&path).ok();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output)
            .contains("psk=f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e")
    );
}

#[test]
fn bad_secrets_are_usage_errors_on_one_line_without_the_secret() {
    let long = "L".repeat(64);
    let not_hex = "q".repeat(64);
    let cases: Vec<(Vec<&OsStr>, Option<&str>, &str, &str)> = vec![
        (
            vec![os("--passphrase"), os("Sev7en!")],
            None,
            "Sev7en!",
            "8 to 63 characters",
        ),
        (vec![], Some(&long), "LLLLLLLL", "this one has 64"),
        (vec![], Some("ünïcode-pass"), "code-pass", "printable ASCII"),
        (
            vec![os("--psk"), os("secretzz")],
            None,
            "secretzz",
            "64 hex digits",
        ),
        (
            vec![os("--check"), os(&not_hex)],
            Some("password"),
            "qqqq",
            "non-hex",
        ),
        (
            vec![os("--check"), os("abcdef12")],
            Some("password"),
            "abcdef12",
            "got 8 characters",
        ),
    ];
    for (mut args, env, secret, reason) in cases {
        args.extend([os("--ssid"), os("IEEE")]);
        let output = wpadiag(&args, env);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
        assert!(!err.contains(secret), "{args:?} leaked: {err}");
        assert_eq!(stdout(&output), "");
    }
    let output = wpadiag(&[os("--ssid"), os("IEEE")], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no passphrase given"));
    let output = wpadiag(&[], Some("password"));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--ssid"));
}

#[test]
fn check_says_match_or_names_the_other_ssid() {
    let right = pmk_hex(b"password", b"IEEE");
    let output = wpadiag(
        &[os("--ssid"), os("IEEE"), os("--check"), os(&right)],
        Some("password"),
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "match: the PSK given with --check belongs to this passphrase on network \"IEEE\"\n"
    );

    // wpa_passphrase was run with "ieee-guest"; the user now checks "IEEE".
    let other = pmk_hex(b"password", b"ieee-guest");
    let args = [
        os("--ssid"),
        os("IEEE"),
        os("--ssid"),
        os("ieee-guest"),
        os("--check"),
        os(&other),
    ];
    let output = wpadiag(&args, Some("password"));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("mismatch: "), "{text}");
    assert!(text.contains("on network \"ieee-guest\""), "{text}");

    // A case variant of the SSID is tried without being named.
    let lower = pmk_hex(b"password", b"ieee");
    let output = wpadiag(
        &[os("--ssid"), os("IEEE"), os("--check"), os(&lower)],
        Some("password"),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("on network \"ieee\""));

    let check = [os("--ssid"), os("IEEE"), os("--check"), os(&right)];
    let output = wpadiag(&check, Some("pa55word"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the passphrase itself differs"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("pa55word"));

    // The PSK was made from "password"; the user typed two characters swapped.
    let output = wpadiag(&check, Some("passwrod"));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.ends_with(
            "it belongs to a variant of this passphrase (adjacent-swap): characters 6 and 7 swapped\n"
        ),
        "{text}"
    );
    assert!(!text.contains("passwrod") && !text.contains("password"));
}

#[test]
fn config_file_gives_the_ssid_and_the_psk_to_check() {
    let good = pmk_hex(b"password", b"IEEE");
    let conf = format!(
        "ctrl_interface=/run/wpa_supplicant\n\
         network={{\n\tssid=\"IEEE\"\n\t#psk=\"password\"\n\tpsk={good}\n}}\n\
         network={{\n\tssid=\"Lab # 2\"\n\tpsk=\"another-pass\"\n\tkey_mgmt=WPA-PSK\n}}\n"
    );
    let path = temp_file("wpa.conf", conf.as_bytes());
    let config = path.as_os_str();

    let output = wpadiag(
        &[os("--config"), config, os("--ssid"), os("IEEE")],
        Some("password"),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("match: the psk of "),
        "{}",
        stdout(&output)
    );

    let output = wpadiag(
        &[os("--config"), config, os("--ssid"), os("IEEE")],
        Some("passw0rd"),
    );
    assert_eq!(output.status.code(), Some(1));

    // Without a passphrase elsewhere, the block's own passphrase is printed as a PSK.
    let output = wpadiag(&[os("--config"), config, os("--ssid"), os("Lab # 2")], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!(
            "network={{\n\tssid=\"Lab # 2\"\n\tpsk={}\n}}\n",
            pmk_hex(b"another-pass", b"Lab # 2")
        )
    );

    let output = wpadiag(&[os("--config"), config], Some("password"));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("name one with --ssid"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("another-pass"));
    std::fs::remove_file(&path).ok();
}

#[test]
fn non_utf8_ssid_round_trips_as_bytes() {
    let ssid = OsStr::from_bytes(b"caf\xe9");
    let output = wpadiag(&[os("--ssid"), ssid], Some("password"));
    assert_eq!(output.status.code(), Some(0));
    let mut expected = b"network={\n\tssid=\"caf\xe9\"\n\tpsk=".to_vec();
    expected.extend_from_slice(pmk_hex(b"password", b"caf\xe9").as_bytes());
    expected.extend_from_slice(b"\n}\n");
    assert_eq!(output.stdout, expected);
}
