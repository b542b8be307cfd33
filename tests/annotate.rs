//! `analyze --annotate`: the input frames again, with wpadiag's notes as
//! pcapng packet comments.

mod util;

use std::process::Command;

#[test]
fn annotated_capture_keeps_every_frame_and_comments_the_handshake() {
    let dir = std::env::temp_dir().join(format!("wpadiag-annotate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("annotated.pcapng");
    let out_text = out.to_string_lossy().into_owned();
    let output = util::run(&[
        "analyze",
        "captures/psk-mismatch-radiotap.pcap",
        "--format",
        "json",
        "--passphrase",
        "baguette-2210",
        "--annotate",
        &out_text,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("461 frames"), "{stderr}");

    // Our reader sees the same frames, with the same verdict.
    let again = util::run(&["analyze", &out_text, "--format", "json"]);
    assert_eq!(util::json(&again)["verdict"], "psk-mismatch");

    // Wireshark's view of the comments, where tshark is installed.
    let tshark = Command::new("tshark")
        .args([
            "-r",
            &out_text,
            "-Y",
            "frame.comment",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "frame.comment",
        ])
        .output();
    match tshark {
        Ok(result) if result.status.success() => {
            let text = String::from_utf8_lossy(&result.stdout);
            let line = |frame: &str| {
                text.lines()
                    .find(|l| l.split('\t').next() == Some(frame))
                    .unwrap_or_else(|| panic!("no comment on frame {frame}: {text}"))
                    .to_string()
            };
            assert!(line("1").contains("wpadiag verdict: psk-mismatch"));
            let m2 = line("94");
            assert!(
                m2.contains("EAPOL 2/4") && m2.contains("MIC verifies"),
                "{m2}"
            );
        }
        _ => eprintln!("skipping the tshark check: tshark not available"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
