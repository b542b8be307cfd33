//! The full report on the seed log (a wpa_supplicant debug log from a
//! mailing-list thread: four msg 1/4, four msg 2/4, no msg 3/4), compared
//! with `tests/snapshots/seed.txt`. After a deliberate change of the
//! report, rewrite the snapshot with `WPADIAG_UPDATE_SNAPSHOTS=1 cargo test
//! --test seed` and review the diff.

use std::path::Path;
use std::process::{Command, Output};

const WPADIAG: &str = env!("CARGO_BIN_EXE_wpadiag");
const SEED: &str = "../shared/seed/000_3cae40b0d8f988f2.txt";
const SNAPSHOT: &str = "tests/snapshots/seed.txt";

fn analyze(args: &[&str]) -> Option<Output> {
    if !Path::new(SEED).exists() {
        eprintln!("skip: {SEED} not found");
        return None;
    }
    let output = Command::new(WPADIAG)
        .arg("analyze")
        .arg(SEED)
        .args(args)
        .env_remove("WPADIAG_PASSPHRASE")
        .env("NO_COLOR", "1")
        .output()
        .expect("running wpadiag");
    if String::from_utf8_lossy(&output.stderr).contains("log reading is not available") {
        eprintln!("skip: this build does not read logs");
        return None;
    }
    // A diagnosed failure exits 1.
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output)
}

/// The lines of `expected` and `got` with `-`/`+` marks where they differ
/// (a longest-common-subsequence diff; reports are short).
fn line_diff(expected: &str, got: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    out
}

#[test]
fn seed_text_report_matches_the_snapshot() {
    let Some(output) = analyze(&["--color", "never"]) else {
        return;
    };
    // The version line changes with every release; the rest must not.
    let got = String::from_utf8(output.stdout)
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "VERSION");
    if std::env::var_os("WPADIAG_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &got).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(SNAPSHOT).unwrap();
    if expected != got {
        panic!(
            "the report differs from {SNAPSHOT} (- snapshot, + now); if the change is \
             intended, run with WPADIAG_UPDATE_SNAPSHOTS=1:\n{}",
            line_diff(&expected, &got)
        );
    }
}

#[test]
fn seed_json_names_the_link_and_counts() {
    let Some(output) = analyze(&["--format", "json"]) else {
        return;
    };
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "ap-ignored-m2");
    assert_eq!(report["links"].as_array().unwrap().len(), 1);
    let link = &report["links"][0];
    assert_eq!(link["verdict"], "ap-ignored-m2");
    assert_eq!(link["bssid"], "00:27:19:fd:ca:94");
    assert_eq!(link["sta"], "00:80:48:3d:5d:60");
    assert_eq!(link["ssid"], "XXXXXXXX");
    let attempt = &link["attempts"][0];
    assert_eq!(
        (
            &attempt["m1"],
            &attempt["m2"],
            &attempt["m3"],
            &attempt["m4"]
        ),
        (&4.into(), &4.into(), &0.into(), &0.into())
    );
    // Every msg 1/4 and 2/4 with its line and replay counter.
    let keys: Vec<(u64, &str, u64)> = link["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["what"].as_str().unwrap().starts_with("EAPOL"))
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["what"].as_str().unwrap(),
                row["replay_counter"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (150, "EAPOL 1/4 received", 1),
            (157, "EAPOL 2/4 sent", 1),
            (170, "EAPOL 1/4 received", 2),
            (176, "EAPOL 2/4 sent", 2),
            (189, "EAPOL 1/4 received", 3),
            (195, "EAPOL 2/4 sent", 3),
            (214, "EAPOL 1/4 received", 4),
            (220, "EAPOL 2/4 sent", 4),
        ]
    );
}

#[test]
fn line_diff_marks_changes() {
    assert_eq!(line_diff("a\nb\nc\n", "a\nx\nc\n"), "  a\n- b\n+ x\n  c\n");
    assert_eq!(line_diff("a\n", "a\nb\n"), "  a\n+ b\n");
}
