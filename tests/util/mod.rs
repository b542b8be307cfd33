//! Helpers shared by the integration tests: run the binary, read TSV tables.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_wpadiag")
}

/// Runs `wpadiag ARGS` from the crate root with a clean environment for
/// the variables wpadiag reads.
pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("WPADIAG_PASSPHRASE")
        .env_remove("NO_COLOR")
        .output()
        .expect("run wpadiag")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not JSON ({err}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `wpadiag analyze PATH --format json --no-typo-search EXTRA...`: the exit
/// status and the report.
pub fn analyze_json(path: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let path = path.to_string_lossy();
    let mut args = vec!["analyze", &path, "--format", "json", "--no-typo-search"];
    args.extend_from_slice(extra);
    let output = run(&args);
    (output.status.code(), json(&output))
}

/// The public captures, next to the repository (`../shared`).
pub fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(path)
}

/// [`shared`], if it is there; otherwise says which test part is skipped.
/// The shared files sit beside the repository, not in it.
pub fn shared_present(path: &str) -> Option<PathBuf> {
    let full = shared(path);
    if full.exists() {
        Some(full)
    } else {
        eprintln!("skipping: {} not found", full.display());
        None
    }
}

/// Rows of a tab-separated file with a header line, as maps from column name.
pub fn tsv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .map(|line| {
            header
                .iter()
                .zip(line.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A small deterministic generator (xorshift64) for mutation tests: the
/// same seed gives the same mutants on every machine.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform enough in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Little-endian pcap records: (offset of the record data, its length).
pub fn pcap_records(pcap: &[u8]) -> Vec<(usize, usize)> {
    assert_eq!(&pcap[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "little-endian pcap");
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let incl = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        out.push((at + 16, incl));
        at += 16 + incl;
    }
    out
}
