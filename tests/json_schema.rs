//! The JSON report's key sets are an API: pinned here, record by record.

mod util;

use std::collections::BTreeSet;

use serde_json::Value;

fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn analyze_json_records_have_exactly_the_documented_keys() {
    let output = util::run(&[
        "analyze",
        "captures/handshake-ok-radiotap.pcap",
        "--format",
        "json",
        "--passphrase",
        "quiet-meadow-17",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let report = util::json(&output);
    assert_eq!(
        keys(&report),
        set(&[
            "verdict",
            "exit_status",
            "links",
            "general",
            "inputs",
            "version"
        ])
    );
    assert_eq!(report["verdict"], "handshake-ok");
    assert_eq!(report["exit_status"], 0);
    let link = &report["links"][0];
    assert_eq!(
        keys(link),
        set(&[
            "bssid",
            "sta",
            "ssid",
            "ssid_hex",
            "verdict",
            "confidence",
            "summary",
            "findings",
            "key",
            "security",
            "attempts",
            "timeline",
        ])
    );
    assert_eq!(link["bssid"], "02:00:00:00:00:00");
    assert_eq!(link["ssid"], "HomeLab-Fern");
    assert_eq!(link["ssid_hex"], "486f6d654c61622d4665726e");
    assert_eq!(link["security"][0]["whose"], "AP");
    assert!(
        link["security"][0]["element"]
            .as_str()
            .unwrap()
            .starts_with("RSN v1")
    );
    let finding = &link["findings"][0];
    assert_eq!(
        keys(finding),
        set(&[
            "id",
            "confidence",
            "summary",
            "attempt",
            "evidence",
            "rules_out",
            "next_steps",
            "ssid_wanted",
            "ssid_closest",
        ])
    );
    assert_eq!(
        keys(&finding["evidence"][0]),
        set(&["frame", "line", "input", "note"])
    );
    assert_eq!(
        keys(&link["key"]),
        set(&[
            "given",
            "station_uses_given_key",
            "ap_uses_given_key",
            "proved_by",
            "variant"
        ])
    );
    assert_eq!(link["key"]["given"], true);
    assert_eq!(link["key"]["station_uses_given_key"], true);
    assert_eq!(link["key"]["ap_uses_given_key"], true);
    assert_eq!(
        keys(&link["attempts"][0]),
        set(&[
            "index", "verdict", "m1", "m2", "m3", "m4", "group1", "group2", "repeats"
        ])
    );
    for row in link["timeline"].as_array().unwrap() {
        assert_eq!(
            keys(row),
            set(&[
                "time",
                "frame",
                "line",
                "input",
                "direction",
                "what",
                "replay_counter",
                "acked",
                "signal_dbm",
                "mic",
                "attempt",
            ])
        );
    }
    assert_eq!(
        keys(&report["inputs"][0]),
        set(&["name", "description", "limits", "skipped"])
    );
}

#[test]
fn redacted_json_has_no_address_or_ssid() {
    let output = util::run(&[
        "analyze",
        "captures/psk-mismatch-radiotap.pcap",
        "captures/logs/psk-mismatch.wpa_supplicant.log",
        "--format",
        "json",
        "--redact",
    ]);
    let text = util::stdout(&output);
    for secret in [
        "02:00:00:00:00:00",
        "02:00:00:00:01:00",
        "Corner Bakery",
        "436f726e65722042616b657279",
        "psk-mismatch-radiotap",
    ] {
        assert!(!text.contains(secret), "{secret} in redacted output");
    }
    let report = util::json(&output);
    assert_eq!(report["links"][0]["bssid"], "ap1");
    assert_eq!(report["links"][0]["ssid"], "ssid1");
    assert_eq!(report["links"][0]["ssid_hex"], Value::Null);
    assert_eq!(report["inputs"][1]["name"], "input2");
}

#[test]
fn redacted_text_and_markdown_have_no_address_or_ssid() {
    for format in ["text", "markdown"] {
        let output = util::run(&[
            "analyze",
            "captures/psk-mismatch-radiotap.pcap",
            "--format",
            format,
            "--redact",
            "--color",
            "never",
        ]);
        let text = util::stdout(&output);
        assert!(
            text.contains("ap1") && text.contains("sta1") && text.contains("ssid1"),
            "{text}"
        );
        for secret in ["02:00:00:00:00:00", "02:00:00:00:01:00", "Corner Bakery"] {
            assert!(!text.contains(secret), "{secret} in redacted {format}");
        }
    }
}
