//! A deauthentication flood (what `aireplay-ng -0` sends to force a
//! handshake) must not bury the report: the text and Markdown reports
//! count alike timeline rows and long evidence lists instead of printing
//! thousands of lines; `-v` and JSON keep every one.

mod util;

use std::path::PathBuf;

const AP: [u8; 6] = [0x02, 0, 0, 0, 0, 0];
const STA: [u8; 6] = [0x02, 0, 0, 0, 0x01, 0];
const FLOOD: usize = 600;

/// The lab's handshake-ok capture and, timed a minute before it,
/// `FLOOD` deauthentications in both directions, with `reason(n)`.
fn flooded(name: &str, reason: impl Fn(usize) -> u16) -> PathBuf {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures/handshake-ok-radiotap.pcap");
    let mut out = std::fs::read(base).unwrap();
    for n in 0..FLOOD {
        let (from, to) = if n % 2 == 0 { (AP, STA) } else { (STA, AP) };
        let mut frame = vec![0, 0, 8, 0, 0, 0, 0, 0]; // radiotap, no fields
        frame.extend_from_slice(&[0xc0, 0x00, 0x3a, 0x01]);
        frame.extend_from_slice(&to);
        frame.extend_from_slice(&from);
        frame.extend_from_slice(&AP);
        frame.extend_from_slice(&((n as u16 % 4096) << 4).to_le_bytes());
        frame.extend_from_slice(&reason(n).to_le_bytes());
        let second = 1_795_639_800u32 + (n / 100) as u32;
        let micros = (n % 100) as u32 * 10_000;
        for word in [second, micros, frame.len() as u32, frame.len() as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&frame);
    }
    let path =
        std::env::temp_dir().join(format!("wpadiag-flood-{}-{name}.pcap", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

/// How many lines of `report` contain `needle`.
fn lines_with(report: &str, needle: &str) -> usize {
    report.lines().filter(|l| l.contains(needle)).count()
}

/// N in a line "... and N more ...".
fn count_after_and(line: &str) -> Option<usize> {
    line.split("and ").nth(1)?.split(' ').next()?.parse().ok()
}

#[test]
fn a_deauthentication_flood_is_counted_not_listed() {
    let path = flooded("same", |_| 7);
    let file = path.to_string_lossy().into_owned();
    let text = util::stdout(&util::run(&["analyze", &file]));
    let markdown = util::stdout(&util::run(&["analyze", &file, "--format", "markdown"]));
    let verbose = util::stdout(&util::run(&["analyze", &file, "-v"]));
    let json = util::json(&util::run(&["analyze", &file, "--format", "json"]));
    std::fs::remove_file(&path).unwrap();

    // Every one in -v and JSON.
    assert!(
        lines_with(&verbose, "deauth reason 7") >= FLOOD,
        "{}",
        lines_with(&verbose, "deauth reason 7")
    );
    let rows = json["links"][0]["timeline"].as_array().unwrap();
    let in_json = rows
        .iter()
        .filter(|r| {
            r["what"]
                .as_str()
                .is_some_and(|w| w.contains("deauth reason 7"))
        })
        .count();
    assert_eq!(in_json, FLOOD);
    // Counted in text and Markdown, with both senders and the last frame.
    for report in [&text, &markdown] {
        assert!(lines_with(report, "deauth reason 7") < 10, "{report}");
        let summary = report
            .lines()
            .find(|l| l.contains("more alike"))
            .unwrap_or_else(|| panic!("no count in {report}"));
        assert!(
            summary.contains(&format!("... and {} more alike", FLOOD - 1)),
            "{summary}"
        );
        assert!(
            summary.contains("AP->STA") && summary.contains("STA->AP"),
            "{summary}"
        );
        assert!(
            report.lines().count() < 200,
            "{} lines",
            report.lines().count()
        );
    }
    // The flood's own attempt cites every deauthentication; the text names
    // each kind once and counts the rest.
    assert!(
        lines_with(&verbose, "disconnected: reason 7") >= FLOOD,
        "{}",
        lines_with(&verbose, "disconnected: reason 7")
    );
    for report in [&text, &markdown] {
        assert_eq!(lines_with(report, "disconnected: reason 7"), 2, "{report}");
        let counted: usize = report
            .lines()
            .filter(|l| l.contains("more alike, the last at frame"))
            .filter_map(count_after_and)
            .sum();
        assert_eq!(counted + 2, FLOOD, "{report}");
    }
    // The verdict is still the handshake's.
    assert_eq!(json["links"][0]["verdict"], "handshake-ok");
}

#[test]
fn a_long_list_of_different_evidence_is_cut_with_a_count() {
    // 150 reasons, each note about four times: nothing to group, too many
    // to list.
    let path = flooded("varied", |n| 1 + (n % 150) as u16);
    let file = path.to_string_lossy().into_owned();
    let text = util::stdout(&util::run(&["analyze", &file]));
    let json = util::json(&util::run(&["analyze", &file, "--format", "json"]));
    std::fs::remove_file(&path).unwrap();

    let total = json["links"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["evidence"].as_array().unwrap().len())
        .find(|&n| n >= FLOOD)
        .expect("a finding citing every deauthentication");
    // The first cut list in the text is that finding's.
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines
        .iter()
        .position(|l| l.contains("-v lists every one"))
        .unwrap_or_else(|| panic!("no count in {text}"));
    let listed = lines[..cut]
        .iter()
        .rev()
        .take_while(|l| l.trim_start().starts_with("- frame"))
        .count();
    let rest = count_after_and(lines[cut]).unwrap();
    assert_eq!(listed, 39, "{text}");
    assert_eq!(listed + rest, total, "{text}");
}
