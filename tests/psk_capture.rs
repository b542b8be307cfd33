//! `wpadiag psk --check` against the network names a capture holds.

mod util;

#[test]
fn check_reads_network_names_from_a_capture_and_never_echoes_the_psk() {
    // The wrong-ssid-psk run: the station's psk= is the right passphrase
    // hashed with "HomeLab-Fern-5G", a name its log never shows.
    let psk_for_5g = {
        let pmk = wpadiag::crypto::pmk::pmk_from_bytes(b"quiet-meadow-17", b"HomeLab-Fern-5G");
        wpadiag::wire::hex(pmk.as_bytes())
    };
    let output = util::run(&[
        "psk",
        "--ssid",
        "HomeLab-Fern",
        "--passphrase",
        "quiet-meadow-17",
        "--check",
        &psk_for_5g,
        "--capture",
        "captures/logs/wrong-ssid-psk.wpa_supplicant.log",
    ]);
    let text = util::stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("does not belong to this passphrase on network \"HomeLab-Fern\""),
        "{text}"
    );
    assert!(text.contains("names seen in --capture"), "{text}");
    assert!(
        !text.contains(&psk_for_5g),
        "the PSK must not be echoed: {text}"
    );
}

#[test]
fn capture_that_cannot_be_read_is_a_usage_error() {
    let output = util::run(&[
        "psk",
        "--ssid",
        "x1234567",
        "--passphrase",
        "quiet-meadow-17",
        "--check",
        &"00".repeat(32),
        "--capture",
        "no/such/file.pcap",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no/such/file.pcap"), "{stderr}");
}
