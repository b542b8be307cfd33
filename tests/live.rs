//! `wpadiag live` on a veth pair: the EAPOL frames of a project capture are
//! replayed into one end with their original timing (and 20 times faster),
//! `wpadiag live` captures on the other end, and its verdict must equal
//! `wpadiag analyze` on the same capture; so must `analyze` on the pcapng
//! that `live --write` wrote.
//!
//! Needs root (creating interfaces, packet sockets) and `ip` (iproute2);
//! otherwise each test prints why and returns. A radiotap stream cannot be
//! replayed this way: veth is always Ethernet (ARPHRD_ETHER), and a monitor
//! interface needs a Wi-Fi driver (mac80211_hwsim is not loadable here).

mod util;

use std::io::{BufRead, BufReader};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::socket::{self, AddressFamily, LinkAddr, SockFlag, SockType, SockaddrLike};
use serde_json::Value;
use wpadiag::source::CaptureReader;

/// Why the live tests cannot run here, if they cannot.
fn skip_reason() -> Option<String> {
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        });
    if uid.as_deref() != Some("0") {
        return Some("not root: creating a veth pair needs CAP_NET_ADMIN".to_string());
    }
    match Command::new("ip").arg("-V").output() {
        Ok(out) if out.status.success() => None,
        _ => Some("`ip` (iproute2) is not installed".to_string()),
    }
}

/// A veth pair, deleted on drop (deleting one end deletes both).
struct Veth {
    a: String,
    b: String,
}

impl Veth {
    fn create() -> Option<Veth> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let id = format!("wpd{}x{n}", std::process::id() % 100_000);
        let veth = Veth {
            a: format!("{id}a"),
            b: format!("{id}b"),
        };
        let ok = ip(&[
            "link", "add", &veth.a, "type", "veth", "peer", "name", &veth.b,
        ]);
        if !ok {
            eprintln!("skipped: `ip link add ... type veth` failed (no veth support?)");
            return None;
        }
        assert!(ip(&["link", "set", &veth.a, "up"]));
        assert!(ip(&["link", "set", &veth.b, "up"]));
        // Until linkwatch has activated the qdisc (operstate "up"), a veth
        // drops what is sent on it: wait, or the first frame may be lost.
        let deadline = Instant::now() + Duration::from_secs(5);
        while [&veth.a, &veth.b].iter().any(|name| {
            std::fs::read_to_string(format!("/sys/class/net/{name}/operstate"))
                .map_or(true, |s| s.trim() != "up")
        }) {
            assert!(Instant::now() < deadline, "veth pair did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(veth)
    }
}

impl Drop for Veth {
    fn drop(&mut self) {
        ip(&["link", "del", &self.a]);
    }
}

fn ip(args: &[&str]) -> bool {
    Command::new("ip")
        .args(args)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A packet socket that sends on `iface` and receives nothing (protocol 0).
fn sender(iface: &str) -> OwnedFd {
    let index = nix::net::if_::if_nametoindex(iface).expect("interface index");
    let fd = socket::socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
    .expect("packet socket");
    let raw = nix::libc::sockaddr_ll {
        sll_family: nix::libc::AF_PACKET as u16,
        sll_protocol: 0,
        sll_ifindex: index as i32,
        sll_hatype: 0,
        sll_pkttype: 0,
        sll_halen: 0,
        sll_addr: [0; 8],
    };
    let len = std::mem::size_of::<nix::libc::sockaddr_ll>() as nix::libc::socklen_t;
    // SAFETY: `raw` is an initialised sockaddr_ll of exactly `len` bytes,
    // alive for the call; from_raw copies it.
    let addr =
        unsafe { LinkAddr::from_raw((&raw const raw).cast::<nix::libc::sockaddr>(), Some(len)) }
            .expect("sockaddr_ll");
    socket::bind(fd.as_raw_fd(), &addr).expect("bind sender");
    fd
}

/// `wpadiag ARGS`, staying root even when the tests run under sudo.
fn run_as_root(args: &[&str]) -> std::process::Output {
    Command::new(util::bin())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("WPADIAG_PASSPHRASE")
        .env_remove("SUDO_UID")
        .env_remove("SUDO_GID")
        .output()
        .expect("run wpadiag")
}

fn frames_of(path: &Path) -> Vec<(f64, Vec<u8>)> {
    let mut reader = CaptureReader::open(path).expect("open capture");
    let mut frames = Vec::new();
    while let Some(record) = reader.next_record() {
        let record = record.expect("record");
        frames.push((record.time.secs(), record.data.to_vec()));
    }
    frames
}

struct LiveRun {
    report: Value,
    /// Seconds from sending each frame to its event line on stderr.
    latencies: Vec<f64>,
    stderr: Vec<String>,
    /// `Uid:`, `CapPrm:` and `CapEff:` of /proc/PID/status once capturing.
    privileges: Vec<String>,
}

/// Runs `wpadiag live` on one end, replays `capture` into the other at
/// `speed` times its original pace, and returns the live report.
/// How a replay ends.
#[derive(Clone, Copy, PartialEq)]
enum Stop {
    /// `--count` = the number of frames.
    Count,
    /// The frames' own end (`--until done` in `extra`).
    Itself,
    /// Only the first N frames, then SIGINT.
    InterruptAfter(usize),
}

fn replay(
    veth: &Veth,
    capture: &Path,
    speed: f64,
    write: &Path,
    extra: &[&str],
    stop: Stop,
    env: &[(&str, &str)],
) -> LiveRun {
    let mut frames = frames_of(capture);
    if let Stop::InterruptAfter(n) = stop {
        frames.truncate(n);
    }
    let span = frames.last().map_or(0.0, |f| f.0) - frames.first().map_or(0.0, |f| f.0);
    let count = frames.len().to_string();
    let duration = format!("{:.1}", span / speed + 10.0);
    let mut args = vec!["live", veth.b.as_str(), "--format", "json"];
    if stop == Stop::Count {
        args.extend_from_slice(&["--count", &count]);
    }
    args.extend_from_slice(&["--duration", &duration, "--write"]);
    let write_arg = write.to_str().expect("utf-8 temp path").to_string();
    args.push(&write_arg);
    args.extend_from_slice(extra);
    let mut child = Command::new(util::bin())
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("WPADIAG_PASSPHRASE")
        .env_remove("SUDO_UID")
        .env_remove("SUDO_GID")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn wpadiag live");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel::<(Instant, String)>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send((Instant::now(), line)).is_err() {
                break;
            }
        }
    });
    let mut lines: Vec<(Instant, String)> = Vec::new();
    // Wait until the socket is bound.
    loop {
        let (at, line) = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("wpadiag live did not start");
        let ready = line.contains("capturing on");
        lines.push((at, line));
        if ready {
            break;
        }
    }
    // Privileges are dropped before "capturing on" is printed.
    let status_text =
        std::fs::read_to_string(format!("/proc/{}/status", child.id())).expect("/proc/PID/status");
    let privileges = status_text
        .lines()
        .filter(|l| l.starts_with("Uid:") || l.starts_with("CapPrm:") || l.starts_with("CapEff:"))
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>();
    // As on a station's own interface: the AP's frames arrive from the
    // other end, the station's leave through the captured one (the kernel
    // shows outgoing frames only to ETH_P_ALL sockets).
    let fd = sender(&veth.a);
    let own = sender(&veth.b);
    let station: Option<Vec<u8>> = frames
        .first()
        .and_then(|f| f.1.get(..6))
        .map(<[u8]>::to_vec);
    // A frame that is not EAPOL, for the socket's filter to drop.
    let mut arp = vec![0xff; 6];
    arp.extend_from_slice(&[2, 0, 0, 0, 0, 9, 0x08, 0x06]);
    arp.resize(42, 0);
    socket::send(fd.as_raw_fd(), &arp, socket::MsgFlags::empty()).expect("send ARP");
    let t0 = frames.first().map_or(0.0, |f| f.0);
    let start = Instant::now();
    let mut sent = Vec::new();
    for (time, data) in &frames {
        let due = start + Duration::from_secs_f64(((time - t0) / speed).max(0.0));
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        sent.push(Instant::now());
        let from_station = station
            .as_deref()
            .is_some_and(|s| data.get(6..12) == Some(s));
        let out = if from_station { &own } else { &fd };
        let n = socket::send(out.as_raw_fd(), data, socket::MsgFlags::empty()).expect("send");
        assert_eq!(n, data.len());
    }
    if stop != Stop::Count && stop != Stop::Itself {
        // Let the last frame be seen, then Ctrl-C.
        std::thread::sleep(Duration::from_millis(300));
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .is_ok_and(|s| s.success())
        );
    }
    let mut stdout = child.stdout.take().expect("stdout");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut stdout, &mut out).expect("read stdout");
    let status = child.wait().expect("wait");
    reader.join().expect("stderr reader");
    lines.extend(rx.try_iter());
    let stderr: Vec<String> = lines.iter().map(|(_, l)| l.clone()).collect();
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "wpadiag live exited with {status}; stderr:\n{}",
        stderr.join("\n")
    );
    let report: Value = serde_json::from_slice(&out).unwrap_or_else(|err| {
        panic!(
            "live report is not JSON ({err}); stderr:\n{}",
            stderr.join("\n")
        )
    });
    let event_times: Vec<Instant> = lines
        .iter()
        .filter(|(_, l)| l.contains("EAPOL-Key"))
        .map(|(at, _)| *at)
        .collect();
    assert_eq!(
        event_times.len(),
        frames.len(),
        "one event line per replayed EAPOL-Key frame; stderr:\n{}",
        stderr.join("\n")
    );
    let latencies = sent
        .iter()
        .zip(&event_times)
        .map(|(s, e)| e.saturating_duration_since(*s).as_secs_f64())
        .collect();
    LiveRun {
        report,
        latencies,
        stderr,
        privileges,
    }
}

/// What must not differ between live and offline: the verdicts and, per
/// attempt, its message counts and verdict.
fn essence(report: &Value) -> Value {
    let links: Vec<Value> = report["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|link| {
            serde_json::json!({
                "bssid": link["bssid"],
                "sta": link["sta"],
                "verdict": link["verdict"],
                "confidence": link["confidence"],
                "findings": link["findings"].as_array().map(|f| f.iter().map(|f| f["id"].clone()).collect::<Vec<_>>()),
                "attempts": link["attempts"],
            })
        })
        .collect();
    serde_json::json!({
        "verdict": report["verdict"],
        "exit_status": report["exit_status"],
        "links": links,
    })
}

fn analyze(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "analyze",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    util::json(&util::run(&args))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wpadiag-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or(f64::NAN)
}

fn check_capture(
    file: &str,
    speed: f64,
    extra: &[&str],
    expected_verdict: &str,
) -> Option<LiveRun> {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return None;
    }
    let veth = Veth::create()?;
    let capture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(file);
    let written = temp(&format!("{file}-{speed}x.pcapng"));
    let run = replay(&veth, &capture, speed, &written, extra, Stop::Count, &[]);
    drop(veth);
    let offline = analyze(&capture, extra);
    assert_eq!(offline["verdict"], expected_verdict);
    assert_eq!(
        essence(&run.report),
        essence(&offline),
        "live differs from analyze; stderr:\n{}",
        run.stderr.join("\n")
    );
    // The written file reads back with the same findings.
    let reread = analyze(&written, extra);
    assert_eq!(essence(&reread), essence(&offline));
    let frames = frames_of(&capture);
    let rewritten = frames_of(&written);
    assert_eq!(rewritten.len(), frames.len());
    for ((_, original), (_, copy)) in frames.iter().zip(&rewritten) {
        assert_eq!(original, copy);
    }
    if let Ok(out) = Command::new("tshark")
        .args([
            "-r",
            written.to_str().expect("path"),
            "-T",
            "fields",
            "-e",
            "frame.number",
        ])
        .output()
    {
        assert!(
            out.status.success(),
            "tshark could not read the written pcapng"
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            frames.len()
        );
    } else {
        eprintln!("tshark not installed: written pcapng checked with wpadiag only");
    }
    eprintln!(
        "latency {file} at {speed}x, frame sent -> event line: median {:.2} ms, max {:.2} ms over {} frames",
        percentile(&run.latencies, 0.5) * 1e3,
        percentile(&run.latencies, 1.0) * 1e3,
        run.latencies.len()
    );
    let _ = std::fs::remove_file(&written);
    Some(run)
}

#[test]
fn psk_mismatch_live_equals_analyze() {
    check_capture("psk-mismatch-ethernet.pcap", 1.0, &[], "ap-ignored-m2");
}

#[test]
fn psk_mismatch_live_at_20x_equals_analyze() {
    check_capture("psk-mismatch-ethernet.pcap", 20.0, &[], "ap-ignored-m2");
}

#[test]
fn psk_mismatch_live_with_key_equals_analyze() {
    let Some(run) = check_capture(
        "psk-mismatch-ethernet.pcap",
        20.0,
        &[
            "--ssid",
            "Corner Bakery",
            "--psk",
            PSK_CORNER_BAKERY,
            "--no-typo-search",
        ],
        "ap-ignored-m2",
    ) else {
        return;
    };
    // With a key, the failed MIC of the first msg 2/4 is shown as soon as
    // it is certain, before the capture ends.
    let first_finding = run
        .stderr
        .iter()
        .position(|l| l.starts_with("wpadiag: finding "))
        .expect("a streamed finding");
    let second_m2 = run
        .stderr
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("EAPOL-Key 2/4"))
        .nth(1)
        .map(|(i, _)| i)
        .expect("two msg 2/4 lines");
    assert!(first_finding < second_m2, "{}", run.stderr.join("\n"));
    assert!(!run.stderr.iter().any(|l| l.contains(PSK_CORNER_BAKERY)));
    // Each msg 2/4 line carries its MIC check: the station used another key.
    let m2_lines: Vec<&String> = run
        .stderr
        .iter()
        .filter(|l| l.contains("EAPOL-Key 2/4"))
        .collect();
    assert_eq!(m2_lines.len(), 8);
    for line in m2_lines {
        assert!(line.ends_with("  MIC does NOT verify"), "{line:?}");
    }
}

#[test]
fn handshake_ok_live_equals_analyze() {
    check_capture("handshake-ok-ethernet.pcap", 1.0, &[], "handshake-ok");
}

#[test]
fn handshake_ok_live_at_20x_equals_analyze() {
    check_capture("handshake-ok-ethernet.pcap", 20.0, &[], "handshake-ok");
}

#[test]
fn ctrl_c_leaves_a_readable_pcapng_and_a_report() {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/psk-mismatch-ethernet.pcap");
    let written = temp("interrupted.pcapng");
    // The first attempt only: four M1/M2 exchanges, 3 s of capture at 1x.
    let run = replay(
        &veth,
        &capture,
        1.0,
        &written,
        &[],
        Stop::InterruptAfter(8),
        &[],
    );
    drop(veth);
    // Root without sudo: the capabilities go, the uid stays.
    assert_eq!(
        run.privileges,
        [
            "Uid: 0",
            "CapPrm: 0000000000000000",
            "CapEff: 0000000000000000"
        ]
    );
    assert!(
        run.stderr
            .iter()
            .any(|l| l == "wpadiag: capture socket open; continuing with no capabilities"),
        "{}",
        run.stderr.join("\n")
    );
    assert!(
        run.stderr
            .iter()
            .any(|l| l.contains("interrupted: 8 frames captured, 8 written")),
        "{}",
        run.stderr.join("\n")
    );
    let first = run
        .stderr
        .iter()
        .find(|l| l.contains("EAPOL-Key"))
        .expect("an event line");
    assert!(
        first.ends_with(
            "EAPOL-Key 1/4       02:00:00:00:00:00 -> 02:00:00:00:01:00  AP->STA  replay counter 1"
        ),
        "{first:?}"
    );
    assert!(first.trim_start().starts_with("0.000000"), "{first:?}");
    let attempts = run.report["links"][0]["attempts"]
        .as_array()
        .expect("attempts")
        .clone();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["m1"], 4);
    assert_eq!(attempts[0]["m2"], 4);
    assert_eq!(attempts[0]["verdict"], "ap-ignored-m2");
    let reread = analyze(&written, &[]);
    assert_eq!(essence(&reread), essence(&run.report));
    assert_eq!(frames_of(&written).len(), 8);
    if let Ok(out) = Command::new("tshark")
        .args([
            "-r",
            written.to_str().expect("path"),
            "-T",
            "fields",
            "-e",
            "eapol.keydes.replay_counter",
        ])
        .output()
    {
        assert!(out.status.success());
        let counters: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert_eq!(counters, ["1", "1", "2", "2", "3", "3", "4", "4"]);
    }
    let _ = std::fs::remove_file(&written);
}

#[test]
fn until_done_stops_when_the_handshake_completes() {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/handshake-ok-ethernet.pcap");
    let written = temp("until-done.pcapng");
    let started = Instant::now();
    // As under `sudo`: once the socket is open, wpadiag goes on as the user.
    let run = replay(
        &veth,
        &capture,
        1.0,
        &written,
        &["--until", "done"],
        Stop::Itself,
        &[("SUDO_UID", "65534"), ("SUDO_GID", "65534")],
    );
    drop(veth);
    // --duration is the capture's span + 10 s: stopping well before it
    // means --until done stopped the capture.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        run.stderr
            .iter()
            .any(|l| l.contains("the handshake ended (--until done): 4 frames captured")),
        "{}",
        run.stderr.join("\n")
    );
    assert_eq!(run.report["verdict"], "handshake-ok");
    assert_eq!(run.report["exit_status"], 0);
    assert!(
        run.stderr
            .iter()
            .any(|l| l
                == "wpadiag: capture socket open; continuing as uid 65534 (SUDO_UID) with no capabilities"),
        "{}",
        run.stderr.join("\n")
    );
    assert_eq!(
        run.privileges,
        [
            "Uid: 65534",
            "CapPrm: 0000000000000000",
            "CapEff: 0000000000000000"
        ]
    );
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&written).expect("written"));
    assert_eq!(owner, 65534, "the capture file is handed to the sudo user");
    assert_eq!(frames_of(&written).len(), 4);
    let _ = std::fs::remove_file(&written);
}

/// Interfaces whose names wpadiag gives the monitor interfaces it adds.
fn monitor_interfaces() -> Vec<String> {
    std::fs::read_dir("/sys/class/net")
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("wpadiagmon"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn monitor_on_a_wired_interface_is_refused_cleanly() {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    let before = monitor_interfaces();
    let out = run_as_root(&[
        "live",
        &veth.b,
        "--monitor",
        "--channel",
        "6",
        "--duration",
        "1",
    ]);
    drop(veth);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // Without cfg80211 the kernel has no nl80211 family; with it, a veth is
    // no Wi-Fi interface: either way one line says why, and nothing is left.
    assert!(
        stderr.contains("--monitor needs a Wi-Fi driver that speaks nl80211")
            || stderr.contains("is not a Wi-Fi (nl80211) interface"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(monitor_interfaces(), before);
}

#[test]
fn channel_needs_monitor_and_a_real_channel() {
    let out = Command::new(util::bin())
        .args(["live", "lo", "--channel", "6"])
        .output()
        .expect("run wpadiag");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--monitor"));
    let out = Command::new(util::bin())
        .args(["live", "lo", "--monitor", "--channel", "15"])
        .output()
        .expect("run wpadiag");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no 2.4 or 5 GHz channel 15"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_empty_managed_capture_is_explained() {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    let out = run_as_root(&[
        "live",
        &veth.b,
        "--duration",
        "0.5",
        "--ssid",
        "Library-2F",
        "--format",
        "json",
    ]);
    drop(veth);
    let report = util::json(&out);
    assert_eq!(report["verdict"], "no-handshake");
    let limits = report["inputs"][0]["limits"].as_array().expect("limits");
    assert!(
        limits.iter().any(|l| {
            let l = l.as_str().unwrap_or_default();
            l.contains("nl80211's control port") && l.contains("monitor interface")
        }),
        "{limits:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--duration reached: 0 frames captured"),
        "{stderr}"
    );
}

#[test]
fn wpa_ctrl_events_are_shown_and_merged() {
    use std::os::unix::net::UnixDatagram;
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    // A stand-in for wpa_supplicant's control interface.
    let server_path = temp("wlan-ctrl");
    let _ = std::fs::remove_file(&server_path);
    let server = UnixDatagram::bind(&server_path).expect("bind control socket");
    let daemon = std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let (n, peer) = server.recv_from(&mut buf).expect("ATTACH");
        assert_eq!(buf.get(..n), Some(&b"ATTACH"[..]));
        let peer = peer.as_pathname().expect("client path").to_path_buf();
        server.send_to(b"OK\n", &peer).expect("reply");
        server
            .send_to(
                b"<3>CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=15",
                &peer,
            )
            .expect("event");
        let (n, _) = server.recv_from(&mut buf).expect("DETACH");
        buf.get(..n).map(<[u8]>::to_vec)
    });
    let out = run_as_root(&[
        "live",
        &veth.b,
        "--duration",
        "1",
        "--format",
        "json",
        "--wpa-ctrl",
        server_path.to_str().expect("path"),
    ]);
    drop(veth);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("wpa_supplicant: CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=15"),
        "{stderr}"
    );
    assert_eq!(
        daemon.join().expect("daemon").as_deref(),
        Some(&b"DETACH"[..])
    );
    let report = util::json(&out);
    let inputs = report["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    assert_eq!(
        inputs[1]["description"],
        "wpa_supplicant control interface events, 1 messages, 1 recognized"
    );
    let _ = std::fs::remove_file(&server_path);
}

#[test]
fn without_privileges_it_names_the_fix() {
    if let Some(reason) = skip_reason() {
        eprintln!("skipped: {reason}");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: setpriv (util-linux) is not installed");
        return;
    }
    let Some(veth) = Veth::create() else { return };
    let written = temp("never.pcapng");
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
        ])
        .arg(util::bin())
        .args(["live", &veth.b, "--duration", "1", "--write"])
        .arg(&written)
        .output()
        .expect("run setpriv");
    drop(veth);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.starts_with("setpriv:") {
        eprintln!("skipped: nobody cannot run the test binary here: {stderr}");
        return;
    }
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "wpadiag: capturing needs CAP_NET_RAW: run with sudo, or once \
         `sudo setcap cap_net_raw,cap_net_admin+ep $(command -v wpadiag)`"
    );
    assert!(out.stdout.is_empty());
    // Nothing was touched: the output file was never created.
    assert!(!written.exists());
}

/// The radiotap path of `LiveCapture` and the streaming ingest, without
/// root and without Wi-Fi hardware: a datagram socket pair stands in for
/// the packet socket of a monitor interface (veth cannot carry radiotap).
#[test]
fn radiotap_frames_through_live_capture_give_the_offline_verdict() {
    use std::os::unix::net::UnixDatagram;
    use wpadiag::handshake::{self, Timeline, from_frame::FrameIngest, timeline};
    use wpadiag::source::live::LiveCapture;
    use wpadiag::wire::LinkType;

    let capture = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/handshake-ok-radiotap.pcap");
    let frames = frames_of(&capture);
    let (feed, end) = UnixDatagram::pair().expect("socket pair");
    let mut live = LiveCapture::new(OwnedFd::from(end), LinkType::RADIOTAP).expect("live capture");
    let mut ingest = FrameIngest::new(0);
    let mut shown = 0;
    let mut number = 0u64;
    for (_, data) in &frames {
        feed.send(data).expect("send");
        let packet = live.recv().expect("recv").expect("a frame");
        assert_eq!(packet.data, &data[..]);
        assert_eq!(packet.original_len, data.len());
        number += 1;
        let time = packet.time();
        ingest.push(number, time, LinkType::RADIOTAP, packet.data);
        shown += ingest.take_new(true).len();
    }
    // Nothing more: the receive times out instead of blocking forever.
    let started = Instant::now();
    assert!(live.recv().expect("recv").is_none());
    assert!(started.elapsed() < Duration::from_secs(2));
    shown += ingest.take_new(false).len();
    let (events, stats) = ingest.finish();
    assert_eq!(shown, events.len());
    let offline = analyze(&capture, &[]);
    assert_eq!(offline["verdict"], "handshake-ok");
    let mut timeline = Timeline::default();
    timeline.add(
        timeline::Input {
            name: "live".to_string(),
            kind: timeline::InputKind::Capture {
                linktypes: vec![LinkType::RADIOTAP],
                shows_acks: stats.acks > 0,
            },
        },
        events,
    );
    timeline.finish();
    let analyses = handshake::analyze(&timeline, None);
    let diagnosis = wpadiag::diagnose::diagnose(&timeline, &analyses);
    assert_eq!(diagnosis.verdict(), "handshake-ok");
    assert_eq!(
        analyses.len(),
        offline["links"].as_array().map_or(0, Vec::len)
    );
    let offline_m = &offline["links"][0]["attempts"][0];
    let facts = &analyses[0].attempts;
    assert_eq!(
        facts.len(),
        offline["links"][0]["attempts"]
            .as_array()
            .map_or(0, Vec::len)
    );
    assert_eq!(offline_m["m4"], 1);
}

/// wpa_passphrase 'Corner Bakery' 'sourdough&Rye#2210'
const PSK_CORNER_BAKERY: &str = "0365de1d0dc22c9f9cd4b06aa425421e49e9b9f7ad913c7ea4cc22c257e93bb3";
