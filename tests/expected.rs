//! Every capture and log the project made (captures/EXPECTED.tsv) gives
//! the verdict the table lists, with the right link and key facts.

mod util;

use std::path::Path;

#[test]
fn every_project_capture_gives_its_expected_verdict() {
    let table = util::tsv(&Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/EXPECTED.tsv"));
    assert!(table.len() >= 60, "EXPECTED.tsv lost rows: {}", table.len());
    let mut failures = Vec::new();
    for row in &table {
        let file = format!("captures/{}", row["file"]);
        let side = if file.contains("-ap-ethernet") {
            "ap"
        } else {
            "station"
        };
        let output = util::run(&[
            "analyze",
            &file,
            "--format",
            "json",
            "--color",
            "never",
            "--ssid",
            &row["ssid"],
            "--passphrase",
            &row["passphrase"],
            "--capture-side",
            side,
        ]);
        let code = output.status.code();
        if !matches!(code, Some(0 | 1)) {
            failures.push(format!("{file}: exit status {code:?}"));
            continue;
        }
        let report = util::json(&output);
        let verdict = report["verdict"].as_str().unwrap_or_default().to_string();
        let accepted: Vec<&str> = row["verdict"].split('|').collect();
        if !accepted.contains(&verdict.as_str()) {
            failures.push(format!(
                "{file}: verdict {verdict}, expected {}",
                row["verdict"]
            ));
            continue;
        }
        // Exit status follows the verdict.
        let want_code = if verdict == "handshake-ok" { 0 } else { 1 };
        if code != Some(want_code) {
            failures.push(format!("{file}: exit {code:?} for {verdict}"));
        }
        let links = report["links"].as_array().cloned().unwrap_or_default();
        if let Some(link) = links.first() {
            if link["bssid"] != row["ap"].as_str() || link["sta"] != row["sta"].as_str() {
                failures.push(format!("{file}: link {} / {}", link["bssid"], link["sta"]));
            }
            // A successful PSK handshake with the network's passphrase and
            // whole frames proves the station's key.
            let psk_capture = !file.contains("sae") && !file.ends_with(".log");
            if verdict == "handshake-ok"
                && psk_capture
                && link["key"]["station_uses_given_key"] != true
            {
                failures.push(format!("{file}: key not proved: {}", link["key"]));
            }
        } else if !matches!(verdict.as_str(), "no-handshake" | "ap-not-found") {
            failures.push(format!("{file}: no link for verdict {verdict}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows wrong:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[test]
fn psk_mismatch_radiotap_proves_the_station_key_and_names_acked_m2s() {
    // The station's passphrase (not the AP's) makes every M2 verify.
    let output = util::run(&[
        "analyze",
        "captures/psk-mismatch-radiotap.pcap",
        "--format",
        "json",
        "--passphrase",
        "baguette-2210",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = util::json(&output);
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "psk-mismatch");
    assert_eq!(link["key"]["station_uses_given_key"], true);
    assert_eq!(link["key"]["ap_uses_given_key"], serde_json::Value::Null);
    let m2_rows: Vec<&serde_json::Value> = link["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["what"] == "EAPOL 2/4")
        .collect();
    assert!(m2_rows.len() >= 4, "{m2_rows:?}");
    assert!(
        m2_rows
            .iter()
            .all(|r| r["acked"] == true && r["mic"] == "ok"),
        "{m2_rows:?}"
    );
}

#[test]
fn wrong_ssid_psk_is_found_when_the_config_ssid_is_tried() {
    // The station's psk= was made for "HomeLab-Fern-5G": with the network's
    // passphrase and that SSID, the station's M2 verifies.
    let output = util::run(&[
        "analyze",
        "captures/psk-mismatch-radiotap.pcap",
        "--format",
        "json",
        "--passphrase",
        "sourdough&Rye#2210",
    ]);
    let report = util::json(&output);
    assert_eq!(report["links"][0]["key"]["station_uses_given_key"], false);
}

#[test]
fn canonical_case_reads_three_ways() {
    // Four msg 1/4 (replay counters 1-4), each answered by msg 2/4, then a
    // deauthentication; the station's passphrase makes every msg 2/4 verify.
    let verdict = |file: &str| {
        let output = util::run(&[
            "analyze",
            file,
            "--format",
            "json",
            "--passphrase",
            "baguette-2210",
        ]);
        let report = util::json(&output);
        let counters: Vec<u64> = report["links"][0]["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["what"]
                    .as_str()
                    .is_some_and(|w| w.starts_with("EAPOL 1/4"))
                    && r["attempt"] == 1
            })
            .filter_map(|r| r["replay_counter"].as_u64())
            .collect();
        assert_eq!(counters, [1, 2, 3, 4], "{file}");
        report["links"][0]["verdict"].as_str().unwrap().to_string()
    };
    // Acknowledged by the AP, and the key makes M2 verify: the AP's PSK differs.
    assert_eq!(
        verdict("captures/psk-mismatch-radiotap.pcap"),
        "psk-mismatch"
    );
    // Not acknowledged: the frames never reach the AP.
    assert_eq!(
        verdict("captures/m2-not-received-noack-radiotap.pcap"),
        "m2-not-received"
    );
    // The station's own capture cannot tell the two apart.
    assert_eq!(
        verdict("captures/psk-mismatch-ethernet.pcap"),
        "ap-ignored-m2"
    );
}
