//! A capture and both daemons' logs of one run, read together, make one
//! link whose timeline interleaves all three.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const WPADIAG: &str = env!("CARGO_BIN_EXE_wpadiag");

/// Runs `analyze --format json` on `files`; `None` (skip) when one is absent.
fn analyze(files: &[&str], passphrase: Option<&str>) -> Option<serde_json::Value> {
    if let Some(missing) = files.iter().find(|f| !Path::new(f).exists()) {
        eprintln!("skip: {missing} not found");
        return None;
    }
    let mut command = Command::new(WPADIAG);
    command
        .arg("analyze")
        .args(files)
        .args(["--format", "json"])
        .env_remove("WPADIAG_PASSPHRASE");
    if let Some(passphrase) = passphrase {
        command.env("WPADIAG_PASSPHRASE", passphrase);
    }
    let output = command.output().expect("running wpadiag");
    if String::from_utf8_lossy(&output.stderr).contains("log reading is not available") {
        eprintln!("skip: this build does not read logs");
        return None;
    }
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap())
}

const WRONG_KEY_RUN: [&str; 3] = [
    "captures/psk-mismatch-radiotap.pcap",
    "captures/logs/psk-mismatch.wpa_supplicant.log",
    "captures/logs/psk-mismatch.hostapd.log",
];

#[test]
fn capture_and_both_logs_make_one_link() {
    let Some(report) = analyze(&WRONG_KEY_RUN, None) else {
        return;
    };
    assert_eq!(report["verdict"], "psk-mismatch");
    let links = report["links"].as_array().unwrap();
    assert_eq!(links.len(), 1, "{links:#?}");
    let link = &links[0];
    assert_eq!(link["bssid"], "02:00:00:00:00:00");
    assert_eq!(link["sta"], "02:00:00:00:01:00");
    assert_eq!(link["verdict"], "psk-mismatch");
    assert_eq!(link["confidence"], "certain");

    let timeline = link["timeline"].as_array().unwrap();
    let mut per_input: BTreeMap<u64, usize> = BTreeMap::new();
    for row in timeline {
        *per_input.entry(row["input"].as_u64().unwrap()).or_default() += 1;
    }
    assert_eq!(per_input.keys().copied().collect::<Vec<_>>(), vec![1, 2, 3]);

    // The first msg 2/4 as each input saw it, in time order: the station
    // sends it (log line 646), it is on the air (frame 94), hostapd gets it
    // (line 454) and rejects its MIC (line 468).
    let first_m2: Vec<(u64, Option<u64>, Option<u64>, &str)> = timeline
        .iter()
        .map(|row| {
            (
                row["input"].as_u64().unwrap(),
                row["frame"].as_u64(),
                row["line"].as_u64(),
                row["what"].as_str().unwrap(),
            )
        })
        .skip_while(|(_, _, _, what)| !what.starts_with("EAPOL 2/4"))
        .take(4)
        .collect();
    assert_eq!(
        first_m2,
        vec![
            (2, None, Some(646), "EAPOL 2/4 sent"),
            (1, Some(94), None, "EAPOL 2/4"),
            (3, None, Some(454), "EAPOL 2/4 received"),
            (3, None, Some(468), "check failed: invalid-mic (msg 2/4)"),
        ]
    );
}

#[test]
fn the_right_passphrase_does_not_change_the_link() {
    let Some(report) = analyze(&WRONG_KEY_RUN, Some("sourdough&Rye#2210")) else {
        return;
    };
    let links = report["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["verdict"], "psk-mismatch");
    assert_eq!(links[0]["confidence"], "certain");
}

#[test]
fn station_log_alone_names_the_missing_network() {
    for files in [
        &["captures/logs/wpa2-ssid-mismatch.wpa_supplicant.log"][..],
        &[
            "captures/wpa2-ssid-mismatch-radiotap.pcap",
            "captures/logs/wpa2-ssid-mismatch.wpa_supplicant.log",
        ][..],
    ] {
        let Some(report) = analyze(files, None) else {
            return;
        };
        assert_eq!(report["verdict"], "ap-not-found", "{files:?}");
        assert_eq!(report["links"].as_array().unwrap().len(), 0);
        let finding = &report["general"][0];
        assert_eq!(finding["id"], "ap-not-found");
        assert_eq!(finding["ssid_wanted"], "Library-3F");
        assert_eq!(finding["ssid_closest"], "Library-2F");
    }
    // The configured network block is the evidence.
    let Some(report) = analyze(
        &["captures/logs/wpa2-ssid-mismatch.wpa_supplicant.log"],
        None,
    ) else {
        return;
    };
    let evidence = &report["general"][0]["evidence"][0];
    assert_eq!(
        (&evidence["input"], &evidence["line"]),
        (&1.into(), &21.into())
    );
}
