//! Condensing repeated attempts must not change what the analysis
//! concludes: every link's verdict, and every attempt's verdict once each
//! kept attempt is counted with the repeats it stands for, equal those of
//! `--all-attempts`, which analyses every attempt.

mod util;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn analyze(path: &Path, extra: &[&str]) -> Value {
    let (code, report) = util::analyze_json(path, extra);
    assert!(
        matches!(code, Some(0 | 1)),
        "{}: exit {code:?}",
        path.display()
    );
    report
}

/// Per link: its verdict, and attempt number -> verdict for every attempt
/// (the kept ones) plus the repeats each stands for.
struct Link {
    verdict: String,
    attempts: BTreeMap<u64, String>,
    /// Attempts counted on a kept one: (kept number, count, first, last).
    repeats: Vec<(u64, u64, u64, u64)>,
}

fn links(report: &Value) -> BTreeMap<(String, String), Link> {
    let mut out = BTreeMap::new();
    for link in report["links"].as_array().expect("links") {
        let mut attempts = BTreeMap::new();
        let mut repeats = Vec::new();
        for attempt in link["attempts"].as_array().expect("attempts") {
            let number = attempt["index"].as_u64().expect("index");
            let verdict = attempt["verdict"].as_str().unwrap_or("-").to_string();
            attempts.insert(number, verdict);
            if let Some(r) = attempt["repeats"].as_object() {
                repeats.push((
                    number,
                    r["count"].as_u64().expect("count"),
                    r["first"].as_u64().expect("first"),
                    r["last"].as_u64().expect("last"),
                ));
            }
        }
        let key = (
            link["bssid"].as_str().unwrap_or_default().to_string(),
            link["sta"].as_str().unwrap_or_default().to_string(),
        );
        out.insert(
            key,
            Link {
                verdict: link["verdict"].as_str().unwrap_or_default().to_string(),
                attempts,
                repeats,
            },
        );
    }
    out
}

/// A directory removed when the test ends.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("wpadiag-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Compares a condensed report with the full one; returns how many
/// attempts were counted rather than kept.
fn same_conclusions(name: &str, condensed: &Value, full: &Value) -> u64 {
    assert_eq!(condensed["verdict"], full["verdict"], "{name}: verdict");
    let condensed = links(condensed);
    let full = links(full);
    assert_eq!(
        condensed.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>(),
        "{name}: links"
    );
    let mut counted = 0;
    for (id, link) in &condensed {
        let all = &full[id];
        assert_eq!(link.verdict, all.verdict, "{name} {id:?}: link verdict");
        // A kept attempt has its own number and the verdict it has when
        // every attempt is analysed.
        for (number, verdict) in &link.attempts {
            assert_eq!(
                all.attempts.get(number),
                Some(verdict),
                "{name} {id:?}: attempt {number}"
            );
        }
        // The repeats' bounds are attempts with the same verdict, and the
        // weighted counts of each verdict are those of the full analysis.
        let mut weighted: BTreeMap<&str, u64> = BTreeMap::new();
        for verdict in link.attempts.values() {
            *weighted.entry(verdict).or_default() += 1;
        }
        for &(kept, count, first, last) in &link.repeats {
            let verdict = &link.attempts[&kept];
            assert!(
                first <= last && last < kept,
                "{name} {id:?}: {first}-{last} before {kept}"
            );
            assert_eq!(
                &all.attempts[&first], verdict,
                "{name} {id:?}: attempt {first}"
            );
            assert_eq!(
                &all.attempts[&last], verdict,
                "{name} {id:?}: attempt {last}"
            );
            *weighted.entry(verdict).or_default() += count;
            counted += count;
        }
        let mut expected: BTreeMap<&str, u64> = BTreeMap::new();
        for verdict in all.attempts.values() {
            *expected.entry(verdict).or_default() += 1;
        }
        assert_eq!(weighted, expected, "{name} {id:?}: attempt verdicts");
        assert!(all.repeats.is_empty(), "--all-attempts condensed {name}");
    }
    counted
}

#[test]
fn condensing_a_long_capture_keeps_every_conclusion() {
    let Some(generator) = util::shared_present("bench/gen_bigcap.py") else {
        return;
    };
    let dir = Scratch::new("condense");
    // 64 stations, about 1,000 attempts: each station tries about 15
    // times, three kinds of failure and success in turn; enough folding
    // for the condenser to compact its store several times.
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--size-mb", "16", "--hs-every", "25", "--outdir"])
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!(
                "skipping: python3 {} failed: {other:?}",
                generator.display()
            );
            return;
        }
    }
    let capture = dir.path().join("big.pcap");
    let key = ["--passphrase", "correct horse battery staple"];
    let condensed = analyze(&capture, &key);
    let full = analyze(&capture, &[&key[..], &["--all-attempts"]].concat());
    let counted = same_conclusions("generated", &condensed, &full);
    assert!(counted >= 600, "only {counted} attempts condensed");
    let limits = condensed["inputs"][0]["limits"].to_string();
    assert!(
        limits.contains(&format!("{counted} attempts had the same findings")),
        "{limits}"
    );
    assert!(
        !full["inputs"][0]["limits"]
            .to_string()
            .contains("same findings")
    );

    // The text report says what it counted.
    let text = util::stdout(&util::run(&[
        "analyze",
        &capture.to_string_lossy(),
        "--passphrase",
        key[1],
        "--no-typo-search",
    ]));
    assert!(text.contains(" with the same findings (#"), "{text}");

    // Two inputs are matched up on one timeline: neither is condensed.
    let twice = util::run(&[
        "analyze",
        &capture.to_string_lossy(),
        &dir.path().join("big.pcapng").to_string_lossy(),
        "--format",
        "json",
        "--passphrase",
        key[1],
        "--no-typo-search",
    ]);
    let twice = util::json(&twice);
    assert!(
        !twice.to_string().contains("\"repeats\":{"),
        "two inputs were condensed"
    );
}

#[test]
fn condensing_changes_no_conclusion_on_real_captures() {
    let mut cases: Vec<(std::path::PathBuf, String, String)> = Vec::new();
    if let Some(manifest) = util::shared_present("captures-public/MANIFEST.tsv") {
        for row in util::tsv(&manifest) {
            cases.push((
                util::shared(&format!("captures-public/{}", row["file"])),
                row["passphrase"].clone(),
                row["ssid"].clone(),
            ));
        }
    }
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    for row in util::tsv(&ours.join("EXPECTED.tsv")) {
        cases.push((
            ours.join(&row["file"]),
            row["passphrase"].clone(),
            row["ssid"].clone(),
        ));
    }
    assert!(cases.len() > 10, "{} captures", cases.len());
    for (path, passphrase, ssid) in &cases {
        let mut key: Vec<&str> = Vec::new();
        if !passphrase.is_empty() && passphrase != "-" {
            key.extend(["--passphrase", passphrase.as_str()]);
        }
        if !ssid.is_empty() && ssid != "-" && !ssid.contains(';') {
            key.extend(["--ssid", ssid.as_str()]);
        }
        let condensed = analyze(path, &key);
        let full = analyze(path, &[&key[..], &["--all-attempts"]].concat());
        same_conclusions(&path.display().to_string(), &condensed, &full);
    }
}
