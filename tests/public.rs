//! Every public capture in ../shared/captures-public/ against its ground
//! truth (GROUND_TRUTH.tsv, checked there by independent tools).

mod util;

use serde_json::Value;

fn analyze(file: &str, extra: &[&str]) -> (Option<i32>, Value) {
    util::analyze_json(&util::shared(&format!("captures-public/{file}")), extra)
}

/// Some link proves the key: a MIC or PMKID of either side verifies.
fn some_link_verifies(report: &Value) -> bool {
    report["links"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|link| {
            link["key"]["station_uses_given_key"] == true
                || link["key"]["ap_uses_given_key"] == true
        })
}

#[test]
fn every_public_capture_matches_its_ground_truth() {
    let Some(truth) = util::shared_present("captures-public/GROUND_TRUTH.tsv") else {
        return;
    };
    let rows = util::tsv(&truth);
    assert_eq!(rows.len(), 36, "GROUND_TRUTH.tsv rows");
    let mut failures = Vec::new();
    for row in &rows {
        let file = row["file"].as_str();
        match row["verdict"].as_str() {
            "VERIFIES" => {
                // "pass@ssid;pass@ssid": each network's passphrase must verify
                // something, and a wrong one must not.
                for pair in row["matched"].split(';') {
                    let Some((pass, ssid)) = pair.rsplit_once('@') else {
                        failures.push(format!("{file}: bad matched column"));
                        continue;
                    };
                    let (code, report) = analyze(file, &["--passphrase", pass, "--ssid", ssid]);
                    if !matches!(code, Some(0 | 1)) {
                        failures.push(format!("{file}: exit {code:?}"));
                    }
                    if !some_link_verifies(&report) {
                        failures.push(format!("{file}: {pass}@{ssid} verifies nothing"));
                    }
                    let (_, wrong) = analyze(
                        file,
                        &["--passphrase", "not-the-passphrase-1", "--ssid", ssid],
                    );
                    if some_link_verifies(&wrong) {
                        failures.push(format!("{file}: a wrong passphrase verifies"));
                    }
                }
            }
            "NO_EAPOL" => {
                let (code, report) = analyze(file, &[]);
                let no_keys = report["links"].as_array().into_iter().flatten().all(|l| {
                    l["attempts"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .all(|a| a["m1"] == 0 && a["m2"] == 0 && a["m3"] == 0 && a["m4"] == 0)
                });
                if code != Some(1) || !no_keys || report["verdict"] == "handshake-ok" {
                    failures.push(format!(
                        "{file}: expected no handshake, got {} (exit {code:?})",
                        report["verdict"]
                    ));
                }
            }
            "INCOMPLETE" => {
                let (code, report) = analyze(file, &[]);
                if code != Some(1) || report["verdict"] == "handshake-ok" {
                    failures.push(format!(
                        "{file}: an incomplete handshake passed as {}",
                        report["verdict"]
                    ));
                }
            }
            "KEYVER0_ONLY" => {
                // SAE: the PMK does not come from the passphrase; nothing may
                // claim to verify or to fail.
                let (_, report) = analyze(file, &["--passphrase", &row["passphrase_tested"]]);
                for link in report["links"].as_array().into_iter().flatten() {
                    if !link["key"]["station_uses_given_key"].is_null()
                        || !link["key"]["ap_uses_given_key"].is_null()
                    {
                        failures.push(format!("{file}: SAE key claimed {}", link["key"]));
                    }
                }
            }
            "UNTESTED" => {
                let (code, _) = analyze(file, &[]);
                if !matches!(code, Some(0 | 1)) {
                    failures.push(format!("{file}: exit {code:?}"));
                }
            }
            other => failures.push(format!("{file}: unknown ground truth {other}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_passphrase_capture_is_the_canonical_case_without_acks() {
    // Four M1/M2 rounds, no M3, deauthentication; raw 802.11 without ACKs:
    // the AP ignored every msg 2/4 and the capture cannot say why.
    let (code, report) = analyze("john-samples_wpa.bad.passphrase.cap", &[]);
    assert_eq!(code, Some(1));
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "ap-ignored-m2");
    assert_eq!(link["attempts"][0]["m1"], 4);
    assert_eq!(link["attempts"][0]["m2"], 4);
    assert_eq!(link["attempts"][0]["m3"], 0);
}

#[test]
fn nonce_corrected_m2_is_reported_as_such() {
    // MOM1: the AP's ANonce of the answered M1 is not in the capture; the
    // ground truth lists corrections of -5/-4/+5 (big endian).
    let (_, report) = analyze(
        "aircrack-ng_MOM1.cap",
        &["--passphrase", "MOM12345", "--ssid", "MOM1"],
    );
    let corrected = report["links"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|l| l["findings"].as_array().cloned().unwrap_or_default())
        .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
        .any(|e| {
            e["note"]
                .as_str()
                .is_some_and(|n| n.contains("ANonce correction"))
        });
    assert!(corrected, "{report:#}");
}

#[test]
fn pmkid_alone_proves_the_ap_key() {
    let (_, report) = analyze(
        "aircrack-ng_test-pmkid.pcap",
        &["--passphrase", "SP-91862D361"],
    );
    let link = &report["links"][0];
    assert_eq!(link["key"]["ap_uses_given_key"], true, "{link:#}");
    assert!(
        link["key"]["proved_by"][0]
            .as_str()
            .unwrap()
            .starts_with("PMKID")
    );
}

#[test]
fn an_attempt_no_rule_concludes_about_has_no_verdict() {
    // virgin_broadband: a station's attempt in the middle of the capture
    // shows only its association, msg 2/4 and msg 4/4. The capture does not
    // end there, so it is not an incomplete capture: nothing is concluded.
    if util::shared_present("captures-public/pyrit_wpapsk-virgin_broadband.dump.gz").is_none() {
        return;
    }
    let (_, report) = analyze("pyrit_wpapsk-virgin_broadband.dump.gz", &[]);
    let attempts: Vec<&Value> = report["links"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["attempts"].as_array().unwrap())
        .collect();
    let open = attempts
        .iter()
        .find(|a| a["m1"] == 0 && a["m2"] == 1 && a["m4"] == 1)
        .expect("the attempt with msg 2/4 and 4/4 alone");
    assert_eq!(open["verdict"], Value::Null, "{open}");
    // Every other attempt keeps a verdict of its own.
    assert!(
        attempts
            .iter()
            .filter(|a| !std::ptr::eq(**a, *open))
            .all(|a| a["verdict"].is_string()),
        "{attempts:?}"
    );
}
