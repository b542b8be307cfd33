//! `wpadiag ie` on the elements `iwlist scan` printed in the seed report,
//! and on malformed input.

use std::process::{Command, Output};

const WPADIAG: &str = env!("CARGO_BIN_EXE_wpadiag");

fn ie(args: &[&str]) -> Output {
    Command::new(WPADIAG)
        .arg("ie")
        .args(args)
        .output()
        .expect("running wpadiag")
}

fn text(args: &[&str]) -> String {
    let output = ie(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&text(&all)).unwrap()
}

fn error(args: &[&str]) -> String {
    let output = ie(args);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn seed_iwlist_elements_one_block_each() {
    // The `IE: Unknown:` lines of the seed report, as pasted, and split by the shell.
    let out = text(&[
        "IE: Unknown: 000841414A5F574C414E",
        "IE:",
        "Unknown:",
        "010882848B960C183048",
        "IE: Unknown: 030101\nIE: Unknown: 2A0100",
        "32041224606C",
        "DD0900037F01010008FF7F",
    ]);
    assert_eq!(
        out,
        "\
SSID (id 0, 8 bytes, offset 0)
    \"AAJ_WLAN\"

Supported Rates (id 1, 8 bytes, offset 10)
    1* 2* 5.5* 11* 6 12 24 36 Mb/s (* basic)

DS Parameter Set (id 3, 1 byte, offset 20)
    channel 1

ERP (id 42, 1 byte, offset 23)
    0x00: no flags

Extended Supported Rates (id 50, 4 bytes, offset 26)
    9 18 48 54 Mb/s

Vendor Specific (id 221, 9 bytes, offset 32)
    Atheros (00:03:7F) type 1
    data: 01 00 08 ff 7f
"
    );
}

#[test]
fn rsn_with_preauth_and_wpa_vendor_element() {
    let out = text(&["30140100000fac040100000fac040100000fac020100"]);
    assert_eq!(
        out,
        "RSN (id 48, 20 bytes, offset 0)\n    RSN v1 group CCMP-128 pairwise CCMP-128 AKM PSK caps 0x0001 (preauth)\n"
    );
    let value = json(&["30140100000fac040100000fac040100000fac020100"]);
    let rsn = &value[0]["security"];
    assert_eq!(rsn["protocol"], "RSN");
    assert_eq!(rsn["group"], "CCMP-128");
    assert_eq!(rsn["pairwise"], serde_json::json!(["CCMP-128"]));
    assert_eq!(rsn["akm"], serde_json::json!(["PSK"]));
    assert_eq!(rsn["capabilities"], 1);
    assert_eq!(rsn["preauth"], true);
    assert_eq!(rsn["pmf_capable"], false);

    // WPA1 with TKIP, as an old AP sends it; colons and spaces between bytes.
    let value = json(&["dd:16:00:50:f2:01:01:00:00:50:f2:02:01:00:00:50:f2:02:01:00:00:50:f2:02"]);
    assert_eq!(value[0]["name"], "WPA");
    assert_eq!(
        value[0]["summary"],
        "WPA v1 group TKIP pairwise TKIP AKM PSK"
    );
    assert_eq!(value[0]["vendor"]["oui"], "00:50:F2");
    assert_eq!(value[0]["vendor"]["name"], "Microsoft");
    assert_eq!(value[0]["security"]["protocol"], "WPA");
}

#[test]
fn vendors_ht_and_odd_ssids() {
    let value = json(&[
        // WMM Parameter element.
        "dd180050f2020101800003a4000027a4000042435e0062322f00",
        // HT Capabilities: LDPC, 40 MHz, SGI-20/40, TX STBC, RX STBC 1, MCS 0-15.
        "2d1aef1117ffff000000000000000000000000000000000000000000",
        "3d1606050000000000000000000000000000000000000000",
        "dd07506f9a10140100",
        "dd050090 4c0401",
        "00050102ff0304",
        "0000",
        "ff03230102",
    ]);
    let summaries: Vec<(&str, &str)> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["summary"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summaries,
        vec![
            ("WMM", "WMM Parameter, version 1"),
            (
                "HT Capabilities",
                "caps 0x11ef: HT20/HT40, LDPC, SGI-20, SGI-40, TX STBC, RX STBC 1"
            ),
            ("HT Operation", "primary channel 6, secondary above"),
            (
                "Hotspot 2.0 Indication",
                "Wi-Fi Alliance (50:6F:9A) type 16"
            ),
            ("Vendor Specific", "Epigram (00:90:4C) type 4"),
            ("SSID", "$HEX[0102ff0304]"),
            ("SSID", "(empty: hidden network or wildcard)"),
            ("HE Capabilities", "23 01 02"),
        ]
    );
    assert_eq!(value[1]["details"][0], "max A-MPDU 65535 bytes, MCS 0-15");
    assert_eq!(value[2]["channel"], 6);
    assert_eq!(value[7]["ext_id"], 35);
    assert_eq!(value[5]["ssid"]["text"], serde_json::Value::Null);
    assert_eq!(value[5]["ssid"]["hex"], "0102ff0304");
}

#[test]
fn malformed_hex_and_cut_elements_fail_in_one_line() {
    assert_eq!(
        error(&["000841414A5F574C414"]),
        "wpadiag: argument 1: odd number of hex digits (19)\n"
    );
    assert_eq!(
        error(&["0008", "4141zz"]),
        "wpadiag: argument 2: not a hex digit: 'z'\n"
    );
    assert_eq!(
        error(&["000841414A5F574C41"]),
        "wpadiag: element 0 (SSID) at offset 0 truncated: need 8 bytes of body, have 7\n"
    );
    assert_eq!(
        error(&["03010630"]),
        "wpadiag: element at offset 3 truncated: need 2 bytes for ID and length, have 1\n"
    );
    assert_eq!(
        error(&["IE: Unknown:"]),
        "wpadiag: no element bytes given\n"
    );
}
