//! The manual pages in man/ are what `wpadiag man` renders from the clap
//! definitions today, and `man` renders them without warnings.

mod util;

use std::path::Path;
use std::process::Command;

fn committed() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("man")
}

fn page_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".1"))
        .collect();
    names.sort();
    names
}

#[test]
fn committed_man_pages_are_current() {
    let fresh = std::env::temp_dir().join(format!("wpadiag-man-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let output = util::run(&["man", "--out", fresh.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let names = page_names(&fresh);
    assert!(
        names.len() >= 5,
        "expected wpadiag.1 and one page per command, got {names:?}"
    );
    assert_eq!(
        page_names(&committed()),
        names,
        "man/ holds other pages than `wpadiag man` writes: run `cargo run -- man --out man`"
    );
    for name in &names {
        let new = std::fs::read_to_string(fresh.join(name)).unwrap();
        let old = std::fs::read_to_string(committed().join(name)).unwrap();
        assert!(
            new == old,
            "man/{name} is out of date: run `cargo run -- man --out man`"
        );
    }
    let _ = std::fs::remove_dir_all(&fresh);
}

#[test]
fn main_page_has_the_sections_a_unix_user_looks_for() {
    let page = std::fs::read_to_string(committed().join("wpadiag.1")).unwrap();
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "EXAMPLES",
        "EXIT STATUS",
        "ENVIRONMENT",
        "FILES",
        "SEE ALSO",
    ] {
        assert!(
            page.contains(&format!(".SH {section}\n"))
                || page.contains(&format!(".SH \"{section}\"\n")),
            "wpadiag.1 has no {section} section"
        );
    }
    for name in [
        "WPADIAG_PASSPHRASE",
        "NO_COLOR",
        "wpa_supplicant(8)",
        "hostapd(8)",
        "iw(8)",
        "tcpdump(8)",
    ] {
        assert!(page.contains(name), "wpadiag.1 does not mention {name}");
    }
    assert!(
        !page.contains("wpadiag\\-man"),
        "the hidden man command is listed"
    );
}

#[test]
fn every_page_renders_without_warnings() {
    if Command::new("man").arg("--version").output().is_err() {
        eprintln!("skipped: man(1) is not installed");
        return;
    }
    for name in page_names(&committed()) {
        let path = committed().join(&name);
        let output = Command::new("man")
            .arg("-l")
            .arg(&path)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("LC_ALL", "C.UTF-8")
            .output()
            .expect("run man");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "man -l {name}: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("warning")
                && !stdout.to_lowercase().contains("warning"),
            "man -l {name} warns: {stderr}"
        );
        assert!(
            stdout.contains("EXAMPLES"),
            "{name} rendered without EXAMPLES:\n{stdout}"
        );
    }
}

/// `--help` shows each subcommand's long description, not only its first
/// line (a doc comment on the subcommand's enum variant would replace it).
#[test]
fn help_shows_each_subcommand_long_description() {
    let cases = [
        ("analyze", "merged on one timeline"),
        ("psk", "wpa_passphrase SSID PASSPHRASE"),
        ("ie", "IE: Unknown:"),
        ("completions", "Load it for the current shell"),
        ("live", "falls back to such a monitor interface"),
    ];
    for (command, text) in cases {
        let out = Command::new(util::bin())
            .args([command, "--help"])
            .output()
            .expect("run wpadiag");
        assert!(out.status.success());
        let help = String::from_utf8_lossy(&out.stdout).replace('\n', " ");
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains(text),
            "{command} --help lacks {text:?}:\n{help}"
        );
    }
}
