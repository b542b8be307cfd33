//! What a person at a terminal sees on stderr while a large capture is
//! analysed: the read's progress, then each step of the analysis, all gone
//! before the report; and none of it when stderr is not a terminal.

mod util;

use std::path::PathBuf;
use std::process::Command;

/// A capture over the progress threshold (50 MB): a real handshake, then
/// protected data frames of another station.
fn large_capture() -> PathBuf {
    let base = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("captures/handshake-ok-radiotap.pcap"),
    )
    .unwrap();
    let mut out = base.clone();
    let mut frame = vec![0, 0, 8, 0, 0, 0, 0, 0]; // radiotap, no fields
    frame.extend_from_slice(&[0x88, 0x41, 0, 0]); // QoS data, To DS, protected
    frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 0]);
    frame.extend_from_slice(&[0x02, 0, 0, 0, 9, 9]);
    frame.extend_from_slice(&[0x02, 0, 0, 0, 0, 0]);
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.resize(1500, 0x5a);
    let mut record = Vec::new();
    for word in [2_000_000_000u32, 0, 1500, 1500] {
        record.extend_from_slice(&word.to_le_bytes());
    }
    record.extend_from_slice(&frame);
    while out.len() < 52 << 20 {
        out.extend_from_slice(&record);
    }
    let path = std::env::temp_dir().join(format!("wpadiag-terminal-{}.pcap", std::process::id()));
    std::fs::write(&path, out).unwrap();
    path
}

#[test]
fn analysis_steps_show_on_a_terminal_only() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: script (util-linux) not found");
        return;
    }
    let capture = large_capture();
    let json = capture.with_extension("json");
    // `script` gives the command a terminal; its own stdout is what the
    // terminal showed, here stderr only (the report goes to a file).
    let command = format!(
        "{} analyze {} --format json > {}",
        util::bin(),
        capture.display(),
        json.display()
    );
    let shown = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&shown.stdout).into_owned();
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();

    // Without a terminal: stderr stays quiet.
    let quiet = util::run(&["analyze", &capture.to_string_lossy()]);
    std::fs::remove_file(&capture).unwrap();
    std::fs::remove_file(&json).unwrap();

    assert_eq!(report["verdict"], "handshake-ok", "{screen}");
    // The read's bar waits 0.3 s before it draws: this read may be quicker.
    let at = |step: &str| {
        screen
            .find(step)
            .unwrap_or_else(|| panic!("no {step:?} in {screen:?}"))
    };
    assert!(
        at("\x1b[Kanalysing ") < at("\x1b[Kdiagnosing "),
        "{screen:?}"
    );
    let links = report["links"].as_array().unwrap().len();
    let noun = if links == 1 { "link" } else { "links" };
    assert!(
        screen.contains(&format!("diagnosing {links} {noun}...")),
        "{screen:?}"
    );
    // Each note is erased before the next and the last before the end.
    assert!(screen.trim_end().ends_with("\r\x1b[K"), "{screen:?}");
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(!stderr.contains("analysing"), "{stderr}");
    assert_eq!(quiet.status.code(), Some(0), "{stderr}");
}
