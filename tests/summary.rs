//! `wpadiag analyze DIR` and `--each`: one diagnosis per file, one summary
//! line per link.

mod util;

use std::collections::BTreeSet;
use std::path::Path;

fn expected_files() -> BTreeSet<String> {
    util::tsv(&Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/EXPECTED.tsv"))
        .into_iter()
        .map(|row| row["file"].clone())
        .collect()
}

#[test]
fn a_directory_gives_one_json_document_per_capture_and_log() {
    let output = util::run(&["analyze", "captures", "--format", "json"]);
    // Some project captures are failures on purpose.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let documents = util::json(&output);
    let documents = documents.as_array().expect("a JSON array");
    let files: BTreeSet<String> = documents
        .iter()
        .map(|d| d["file"].as_str().expect("file").to_string())
        .collect();
    assert_eq!(documents.len(), files.len(), "a file analysed twice");
    // README.md, EXPECTED.tsv and the lab's .env/.sh files are not inputs.
    assert_eq!(files, expected_files());
    let ok = documents
        .iter()
        .find(|d| d["file"] == "handshake-ok-radiotap.pcap")
        .expect("handshake-ok-radiotap.pcap");
    assert_eq!(ok["verdict"], "handshake-ok");
    assert_eq!(ok["exit_status"], 0);
    assert_eq!(ok["links"][0]["bssid"], "02:00:00:00:00:00");
    assert_eq!(ok["links"][0]["sta"], "02:00:00:00:01:00");
    assert_eq!(ok["inputs"].as_array().map(Vec::len), Some(1));
    let bad = documents
        .iter()
        .find(|d| d["file"] == "m4-lost-radiotap.pcap")
        .expect("m4-lost-radiotap.pcap");
    assert_eq!(bad["exit_status"], 1);
}

#[test]
fn a_directory_gives_a_table_with_one_line_per_link() {
    let output = util::run(&[
        "analyze", "captures", "--format", "text", "--color", "never",
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = util::stdout(&output);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["FILE", "BSSID", "STATION", "SSID", "VERDICT", "CONFIDENCE"]
    );
    let ok = text
        .lines()
        .find(|l| l.starts_with("handshake-ok-radiotap.pcap "))
        .expect("a line for handshake-ok-radiotap.pcap");
    let cells: Vec<&str> = ok.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "handshake-ok-radiotap.pcap",
            "02:00:00:00:00:00",
            "02:00:00:00:01:00",
            "HomeLab-Fern",
            "handshake-ok",
            "certain"
        ]
    );
    for file in expected_files() {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{file} "))),
            "no line for {file}"
        );
    }
    assert!(!text.contains("README.md"), "README.md analysed");
    assert!(
        text.contains(&format!("{} files", expected_files().len())),
        "summary count wrong:\n{text}"
    );
}

#[test]
fn plain_files_are_merged_unless_each_is_given() {
    let files = [
        "captures/handshake-ok-radiotap.pcap",
        "captures/psk-mismatch-radiotap.pcap",
    ];
    let merged = util::json(&util::run(&[
        "analyze", files[0], files[1], "--format", "json",
    ]));
    assert!(
        merged.is_object(),
        "two files without --each are one document"
    );
    assert_eq!(merged["inputs"].as_array().map(Vec::len), Some(2));

    let output = util::run(&["analyze", files[0], files[1], "--each", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let each = util::json(&output);
    let verdicts: Vec<(&str, &str)> = each
        .as_array()
        .expect("array")
        .iter()
        .map(|d| (d["file"].as_str().unwrap(), d["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [(files[0], "handshake-ok"), (files[1], "psk-mismatch")]
    );
}

#[test]
fn each_with_one_good_file_exits_zero_and_redacts() {
    let output = util::run(&[
        "analyze",
        "captures/handshake-ok-radiotap.pcap",
        "--each",
        "--redact",
        "--color",
        "never",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = util::stdout(&output);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        row,
        ["input1", "ap1", "sta1", "ssid1", "handshake-ok", "certain"]
    );
    assert!(!text.contains("HomeLab-Fern") && !text.contains("02:00:00"));
}

#[test]
fn an_unreadable_file_is_an_input_error_but_the_rest_is_reported() {
    let output = util::run(&[
        "analyze",
        "captures/handshake-ok-radiotap.pcap",
        "Cargo.lock.missing",
        "--each",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let each = util::json(&output);
    assert_eq!(each[0]["verdict"], "handshake-ok");
    assert_eq!(each[1]["file"], "Cargo.lock.missing");
    assert_eq!(each[1]["exit_status"], 2);
    assert!(
        each[1]["error"]
            .as_str()
            .unwrap()
            .contains("Cargo.lock.missing")
    );
}
