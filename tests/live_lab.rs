//! `wpadiag live` in the radio lab (../shared/lab): real hostapd and
//! wpa_supplicant on mac80211_hwsim radios in a VM, a wrong passphrase,
//! live captures on the sniffer radio, on the station's interface and on a
//! monitor interface wpadiag adds itself, each compared with the offline
//! analysis of the lab's own captures (tests/lab/run-live-lab.sh).
//! A run takes one to two minutes of emulation: opt in with WPADIAG_LAB=1.

use std::path::Path;
use std::process::Command;

#[test]
fn live_in_the_radio_lab_equals_analyze() {
    if std::env::var_os("WPADIAG_LAB").is_none_or(|v| v != "1") {
        eprintln!("skipped: set WPADIAG_LAB=1 to run the radio lab (1-2 min)");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("../shared/lab/run-scenario.sh").exists() {
        eprintln!("skipped: no radio lab at ../shared/lab");
        return;
    }
    let outdir = std::env::temp_dir().join(format!("wpadiag-live-lab-{}", std::process::id()));
    let out = Command::new("bash")
        .arg(root.join("tests/lab/run-live-lab.sh"))
        .arg("wpa2-psk-wrongpass")
        .arg(&outdir)
        .output()
        .expect("run tests/lab/run-live-lab.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(2) {
        eprintln!("skipped: the lab could not run: {stderr}");
        return;
    }
    assert!(
        out.status.success(),
        "lab checks failed:\n{stdout}\n{stderr}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        11,
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&outdir);
}
