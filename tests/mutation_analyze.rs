//! The whole analysis on damaged inputs: every capture of the project and
//! of `../shared/captures-public/`, mutated deterministically (truncated at
//! record boundaries and random offsets, bits flipped, length fields forced
//! to 0 and 0xFFFFFFFF, records duplicated and swapped, a pcapng section
//! header in the middle), then arbitrary text and binary files. Each run of
//! `wpadiag analyze --format json` must finish in time, exit 0, 1 or 2 and
//! never panic, in bounded memory.

mod util;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use std::time::{Duration, Instant};
use util::XorShift;

const TIMEOUT: Duration = Duration::from_secs(5);
/// Peak resident memory allowed for one run (VmHWM), in KiB.
const MAX_RSS_KIB: u64 = 200 * 1024;
/// Record boundaries tried per file, sampled evenly.
const MAX_BOUNDARIES: usize = 20;

/// The inputs: the project's captures and the public ones.
fn corpus() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        root.join("captures"),
        root.join("../shared/captures-public"),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            println!("skipping {}: not present", dir.display());
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let in_captures = dir.ends_with("captures");
            let wanted = if in_captures {
                name.contains(".pcap")
            } else {
                !(name.ends_with(".tsv") || name.ends_with(".md"))
            };
            if path.is_file() && wanted {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Whole-file bytes, inflated when gzip (mutations act on the capture
/// structure, which the compressed bytes hide).
fn capture_bytes(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).expect("read capture");
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        if flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .is_ok()
        {
            return out;
        }
    }
    raw
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    Pcap { big_endian: bool },
    PcapNg,
    Other,
}

/// One record (pcap) or block (pcapng): its offset, length, and where its
/// length field is.
#[derive(Clone, Copy, Debug)]
struct Unit {
    start: usize,
    len: usize,
    len_field: usize,
    block_type: u32,
}

fn u32_at(data: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let bytes: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    })
}

/// Splits a capture into its records or blocks, as far as they are sound.
fn units(data: &[u8]) -> (Layout, Vec<Unit>) {
    let magic = u32_at(data, 0, false).unwrap_or(0);
    match magic {
        0xa1b2_c3d4 | 0xa1b2_3c4d | 0xd4c3_b2a1 | 0x4d3c_b2a1 => {
            let big_endian = matches!(magic, 0xd4c3_b2a1 | 0x4d3c_b2a1);
            let mut out = Vec::new();
            let mut at = 24;
            while let Some(incl) = u32_at(data, at + 8, big_endian) {
                let len = 16 + incl as usize;
                if at + len > data.len() {
                    break;
                }
                out.push(Unit {
                    start: at,
                    len,
                    len_field: at + 8,
                    block_type: 0,
                });
                at += len;
            }
            (Layout::Pcap { big_endian }, out)
        }
        0x0a0d_0d0a => {
            let mut out = Vec::new();
            let mut at = 0;
            let mut big_endian = false;
            while let Some(block_type) = u32_at(data, at, big_endian) {
                if block_type == 0x0a0d_0d0a {
                    big_endian = u32_at(data, at + 8, false) == Some(0x4d3c_2b1a);
                }
                let Some(len) = u32_at(data, at + 4, big_endian) else {
                    break;
                };
                let len = len as usize;
                if len < 12 || at + len > data.len() {
                    break;
                }
                out.push(Unit {
                    start: at,
                    len,
                    len_field: at + 4,
                    block_type,
                });
                at += len;
            }
            (Layout::PcapNg, out)
        }
        _ => (Layout::Other, Vec::new()),
    }
}

/// Up to `max` items of `items`, spread evenly.
fn sample<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    if items.len() <= max {
        return items.to_vec();
    }
    (0..max).map(|i| items[i * items.len() / max]).collect()
}

/// The deterministic mutants of one capture, each with its name.
fn mutants(data: &[u8], seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = XorShift(seed | 1);
    let mut out = Vec::new();
    let (layout, units) = units(data);
    // Truncation at record boundaries, and inside the record header.
    for unit in sample(&units, MAX_BOUNDARIES) {
        out.push((
            format!("cut-at-{}", unit.start),
            data[..unit.start].to_vec(),
        ));
        let mid = (unit.start + 6).min(data.len());
        out.push((format!("cut-at-{mid}"), data[..mid].to_vec()));
    }
    for _ in 0..16 {
        let at = rng.below(data.len() + 1);
        out.push((format!("cut-random-{at}"), data[..at].to_vec()));
    }
    // 32 bit flips in 8 mutants of 4, the first in the leading 64 bytes
    // (headers) half the time.
    for round in 0..8 {
        let mut copy = data.to_vec();
        let mut flips = Vec::new();
        for flip in 0..4 {
            if copy.is_empty() {
                break;
            }
            let range = if flip == 0 && round % 2 == 0 {
                copy.len().min(64)
            } else {
                copy.len()
            };
            let at = rng.below(range);
            let bit = rng.below(8);
            copy[at] ^= 1 << bit;
            flips.push(format!("{at}.{bit}"));
        }
        out.push((format!("flip-{}", flips.join("-")), copy));
    }
    if units.is_empty() {
        return out;
    }
    let big_endian = matches!(layout, Layout::Pcap { big_endian: true })
        || (layout == Layout::PcapNg && data.get(8..12) == Some(&[0x1a, 0x2b, 0x3c, 0x4d]));
    let middle = units[units.len() / 2];
    for (name, value) in [("zero", 0u32), ("max", u32::MAX)] {
        for unit in [middle, units[0], *units.last().unwrap_or(&middle)] {
            let mut copy = data.to_vec();
            let bytes = if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            copy[unit.len_field..unit.len_field + 4].copy_from_slice(&bytes);
            out.push((format!("len-{name}-at-{}", unit.start), copy));
        }
    }
    let record = |u: &Unit| &data[u.start..u.start + u.len];
    // A record duplicated.
    let mut copy = data[..middle.start + middle.len].to_vec();
    copy.extend_from_slice(record(&middle));
    copy.extend_from_slice(&data[middle.start + middle.len..]);
    out.push((format!("dup-{}", middle.start), copy));
    // Two records swapped.
    let index = units.len() / 2;
    if let Some(next) = units.get(index + 1) {
        let mut copy = data[..middle.start].to_vec();
        copy.extend_from_slice(record(next));
        copy.extend_from_slice(record(&middle));
        copy.extend_from_slice(&data[next.start + next.len..]);
        out.push((format!("swap-{}", middle.start), copy));
    }
    // A section header in the middle of a pcapng file: alone, and with the
    // section's interfaces.
    if layout == Layout::PcapNg {
        let shb = record(&units[0]).to_vec();
        let mut with_idbs = shb.clone();
        for unit in units.iter().skip(1).take_while(|u| u.block_type == 1) {
            with_idbs.extend_from_slice(record(unit));
        }
        for (name, insert) in [("shb", shb), ("shb-idb", with_idbs)] {
            let mut copy = data[..middle.start].to_vec();
            copy.extend_from_slice(&insert);
            copy.extend_from_slice(&data[middle.start..]);
            out.push((format!("{name}-at-{}", middle.start), copy));
        }
    }
    out
}

/// What one run of `wpadiag analyze` did.
#[derive(Debug)]
struct RunResult {
    code: Option<i32>,
    peak_rss_kib: u64,
    stderr: String,
    timed_out: bool,
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `wpadiag analyze FILE --format json`, killing it after `timeout`,
/// and watching its peak resident memory meanwhile.
fn analyze(path: &Path, timeout: Duration) -> RunResult {
    let stderr_path = path.with_extension("stderr");
    let stderr_file = std::fs::File::create(&stderr_path).expect("stderr file");
    let started = Instant::now();
    let mut child = Command::new(util::bin())
        .arg("analyze")
        .arg(path)
        .args(["--format", "json"])
        .env_remove("WPADIAG_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file)
        .spawn()
        .expect("spawn wpadiag");
    let pid = child.id();
    let mut peak = 0;
    let mut timed_out = false;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        match child.try_wait().expect("wait") {
            Some(status) => break status,
            None if started.elapsed() > timeout => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().expect("wait after kill");
            }
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let _ = std::fs::remove_file(&stderr_path);
    RunResult {
        code: status.code(),
        peak_rss_kib: peak,
        stderr,
        timed_out,
    }
}

/// Why a run is unacceptable, or `None`.
fn verdict_of(result: &RunResult) -> Option<String> {
    if result.timed_out {
        return Some(format!("did not finish within {TIMEOUT:?}"));
    }
    if result.stderr.contains("panicked") || result.code == Some(101) {
        return Some(format!("panicked: {}", result.stderr.trim()));
    }
    if !matches!(result.code, Some(0..=2)) {
        return Some(format!(
            "exit status {:?}: {}",
            result.code,
            result.stderr.trim()
        ));
    }
    if result.peak_rss_kib > MAX_RSS_KIB {
        return Some(format!("peak RSS {} KiB", result.peak_rss_kib));
    }
    None
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wpadiag-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes each input to the scratch dir and analyses them on `threads`
/// threads; returns the failures and how many ran.
fn run_all(dir: &Path, inputs: Vec<(String, Vec<u8>)>, threads: usize) -> (Vec<String>, usize) {
    let queue = Mutex::new(inputs.into_iter().enumerate());
    let failures = Mutex::new(Vec::new());
    let count = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("queue").next();
                    let Some((index, (name, bytes))) = next else {
                        break;
                    };
                    let path = dir.join(format!("m{index}.bin"));
                    std::fs::write(&path, &bytes).expect("write mutant");
                    let result = analyze(&path, TIMEOUT);
                    if let Some(why) = verdict_of(&result) {
                        let keep = dir.join(format!("failed-{index}.bin"));
                        let _ = std::fs::rename(&path, &keep);
                        failures
                            .lock()
                            .expect("failures")
                            .push(format!("{name} ({}): {why}", keep.display()));
                    } else {
                        let _ = std::fs::remove_file(&path);
                    }
                    *count.lock().expect("count") += 1;
                }
            });
        }
    });
    let ran = *count.lock().expect("count");
    (failures.into_inner().expect("failures"), ran)
}

fn file_seed(path: &Path) -> u64 {
    // FNV-1a of the file name: the same mutants on every machine.
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn mutated_captures_never_panic_hang_or_bloat() {
    let files = corpus();
    assert!(
        files.len() >= 20,
        "expected the project's captures, found {}",
        files.len()
    );
    let dir = scratch("mutants");
    let mut inputs = Vec::new();
    for file in &files {
        let data = capture_bytes(file);
        let base = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        for (name, bytes) in mutants(&data, file_seed(file)) {
            inputs.push((format!("{base}: {name}"), bytes));
        }
    }
    let expected = inputs.len();
    let started = Instant::now();
    let (failures, ran) = run_all(&dir, inputs, 2);
    println!(
        "{ran} mutants of {} files in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(ran, expected);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Arbitrary files given to `analyze`: it must decide they are neither a
/// capture nor a log, or read them as text, without panicking.
fn arbitrary_inputs() -> Vec<(String, Vec<u8>)> {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut inputs = Vec::new();
    for size in [1024, 4096, 65_536, 300_000, 1 << 20] {
        let bytes: Vec<u8> = (0..size).map(|_| rng.next() as u8).collect();
        inputs.push((format!("random {size} bytes"), bytes));
    }
    // Random printable text with random newlines: looks like a log.
    let text: Vec<u8> = (0..200_000)
        .map(|_| match rng.below(40) {
            0 => b'\n',
            _ => b' ' + rng.below(95) as u8,
        })
        .collect();
    inputs.push(("random text".to_string(), text));
    inputs.push(("10 MB single line".to_string(), vec![b'a'; 10 << 20]));
    let mut long_log = b"1700000000.000000: wlan0: WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:01 (ver=2)\n".to_vec();
    long_log.extend(std::iter::repeat_n(b'0', 10 << 20));
    long_log.push(b'\n');
    inputs.push(("log line of 10 MB".to_string(), long_log));
    inputs.push(("NUL bytes".to_string(), vec![0; 100_000]));
    let mut nul_text =
        b"wlan0: WPA: RX message 1 of 4-Way Handshake from 02:00:00:00:00:01\n".repeat(50);
    nul_text.extend_from_slice(&[0, 0, 0, b'\n']);
    nul_text.extend(b"wlan0: State: ASSOCIATED -> 4WAY_HANDSHAKE\0\n".repeat(50));
    inputs.push(("log with NUL bytes".to_string(), nul_text));
    let mut invalid_utf8 = Vec::new();
    for _ in 0..2000 {
        invalid_utf8.extend_from_slice(
            b"wlan0: WPA: own WPA IE - hexdump(len=22): 30 14 \xff\xfe\xc3\x28 01 00\n",
        );
        invalid_utf8.extend_from_slice(b"\xed\xa0\x80 key_info 0x\xf0\x28\x8c\x28\n");
    }
    inputs.push(("invalid UTF-8 log".to_string(), invalid_utf8));
    inputs.push(("empty".to_string(), Vec::new()));
    // Capture magics followed by noise.
    for magic in [
        &[0xd4u8, 0xc3, 0xb2, 0xa1][..],
        &[
            0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a,
        ][..],
        &[0x1f, 0x8b, 0x08, 0x00][..],
    ] {
        let mut bytes = magic.to_vec();
        bytes.extend((0..100_000).map(|_| rng.next() as u8));
        inputs.push((format!("magic {:02x?} then noise", magic), bytes));
    }
    inputs
}

#[test]
fn arbitrary_files_never_panic() {
    let dir = scratch("arbitrary");
    let inputs = arbitrary_inputs();
    let expected = inputs.len();
    let (failures, ran) = run_all(&dir, inputs, 2);
    assert_eq!(ran, expected);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same at a larger scale, for a long run by hand:
/// `cargo test --release --test mutation_analyze -- --ignored long_mutation`
/// (WPADIAG_MUTATION_SECONDS, default 600).
#[test]
#[ignore]
fn long_mutation() {
    let seconds: u64 = std::env::var("WPADIAG_MUTATION_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    let files = corpus();
    let data: Vec<(PathBuf, Vec<u8>)> = files
        .iter()
        .map(|f| (f.clone(), capture_bytes(f)))
        .collect();
    let dir = scratch("long");
    let started = Instant::now();
    let mut round = 0u64;
    let mut total = 0;
    let mut failures = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        let mut inputs = Vec::new();
        for (file, bytes) in &data {
            let base = file.file_name().and_then(|n| n.to_str()).unwrap_or("?");
            for (name, mutant) in mutants(bytes, file_seed(file) ^ round.wrapping_mul(0x9e37_79b9))
            {
                inputs.push((format!("{base} round {round}: {name}"), mutant));
            }
        }
        let (mut failed, ran) = run_all(&dir, inputs, 2);
        failures.append(&mut failed);
        total += ran;
        round += 1;
    }
    println!(
        "{total} runs in {round} rounds, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
