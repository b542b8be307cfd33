//! `wpadiag live`: capture on an interface, show each handshake event as it
//! is decoded, and print the same report as `analyze` when the capture stops.

mod monitor;
mod privileges;
mod sock;
mod watch;

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::cli::analyze::{self, Output, Side};
use crate::cli::{Color, EXIT_ERROR, Format, key_args::KeyArgs};
use wpadiag::{
    crypto::PmkCache,
    diagnose::{self, Confidence},
    handshake::{
        self, Event, EventKind, Observer, Origin, Timeline,
        event::Ssid,
        from_frame::FrameIngest,
        from_log::LogAssembler,
        keycheck::{KeyInput, MicStatus},
        timeline::{Input, InputKind},
    },
    report::{InputSummary, redact::Namer},
    source::{
        live::{self, LiveCapture},
        pcapng_writer::PcapngWriter,
        wpa_ctrl::WpaCtrl,
    },
    wire::LinkType,
};

/// Watch a handshake happen on an interface and diagnose it.
///
/// On a station's own (managed) interface wpadiag sees the EAPOL frames as
/// Ethernet frames; on a monitor interface it sees radiotap + 802.11, with
/// ACKs, retries, signal strength and deauthentications. Each handshake
/// event is printed on stderr as it is decoded; the report (as `analyze`
/// prints it) goes to stdout when the capture stops: after --duration,
/// --count frames, --until done, or Ctrl-C.
///
/// With --monitor, wpadiag adds a monitor interface to the radio of IFACE
/// (over nl80211, as `iw` would), tunes it to the network's channel,
/// captures there, and removes it when it stops, also on Ctrl-C and on
/// errors. Current kernels and supplicants pass EAPOL over nl80211's control
/// port, past the managed interface: when a Wi-Fi station interface has
/// associated and no EAPOL came through it within 2 s, wpadiag says so and
/// falls back to such a monitor interface by itself (not with
/// --no-fallback). --wpa-ctrl adds the supplicant's own events.
///
/// Needs CAP_NET_RAW (and CAP_NET_ADMIN for --monitor): run with sudo, or
/// once `sudo setcap cap_net_raw,cap_net_admin+ep $(command -v wpadiag)`.
/// Once its sockets are open, wpadiag gives up every capability it no
/// longer needs (under sudo it becomes the invoking user).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  sudo wpadiag live wlan0 --ssid 'Home Net' --ask --until done
      On the station's own interface while it connects; stops when the handshake ends.
  sudo wpadiag live mon0 --duration 60 --write attempt.pcapng --handshake-only
      A monitor interface for a minute; keeps the handshake frames for a bug report.
  sudo wpadiag live wlan0 --monitor --channel 6 --ssid 'Home Net' --ask --until done
      Adds a monitor interface to wlan0's radio on channel 6, watches, removes it.")]
pub struct Args {
    /// The interface to capture on (managed: Ethernet frames; monitor: radiotap).
    #[arg(value_name = "IFACE")]
    pub interface: String,

    /// The network name (for the key checks, and to explain an empty capture).
    #[arg(long, value_name = "SSID")]
    pub ssid: Option<String>,

    /// Stop after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,

    /// Stop after this many captured frames.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,

    /// Stop when a link's handshake completed or certainly failed.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub until: Option<Until>,

    /// Write the captured frames to FILE as pcapng (valid even when interrupted).
    #[arg(long, value_name = "FILE.pcapng")]
    pub write: Option<PathBuf>,

    /// With --write: only EAPOL, Authentication, (Re)Association,
    /// Deauthentication and Disassociation frames.
    #[arg(long, requires = "write")]
    pub handshake_only: bool,

    /// Output format of the final report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Replace MAC addresses and SSIDs by stable pseudonyms (event lines too).
    #[arg(long)]
    pub redact: bool,

    /// Colour: auto (terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Whose interface a managed (Ethernet) interface is.
    #[arg(long, value_enum, default_value_t = Side::Station, value_name = "SIDE")]
    pub capture_side: Side,

    /// Do not try typo variants of a passphrase that verifies nothing.
    #[arg(long)]
    pub no_typo_search: bool,

    /// wpa_supplicant's control socket (e.g. /var/run/wpa_supplicant/wlan0):
    /// its CTRL-EVENT-* messages are shown and merged into the timeline.
    #[arg(long, value_name = "PATH")]
    pub wpa_ctrl: Option<PathBuf>,

    /// Add a monitor interface to IFACE's radio and capture there (removed
    /// at the end): sees ACKs, retries, signal and deauthentications.
    #[arg(long)]
    pub monitor: bool,

    /// On a Wi-Fi station interface whose capture stays empty after it
    /// associates (EAPOL over nl80211's control port), do not fall back to a
    /// monitor interface on its radio.
    #[arg(long, conflicts_with = "monitor")]
    pub no_fallback: bool,

    /// With --monitor: the channel (2.4/5 GHz number, or a frequency like
    /// 5955MHz). Default: IFACE's current channel, else the channel of the
    /// network (--ssid) in the kernel's scan results.
    #[arg(long, value_name = "CHANNEL", requires = "monitor", value_parser = monitor::parse_channel)]
    pub channel: Option<u32>,

    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Until {
    /// A link's handshake completed, or failed with a certain finding.
    Done,
}

/// Up to this many events, the diagnosis is re-run on every EAPOL-Key or
/// deauthentication event; beyond, at most once per [`DIAGNOSE_EVERY`].
const SMALL_TIMELINE: usize = 5_000;
const DIAGNOSE_EVERY: Duration = Duration::from_secs(1);

/// How long after the last frame an event waits for its ACK.
const ACK_WAIT: Duration = Duration::from_millis(50);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    live::check_name(&args.interface)?;
    let mut monitor = if args.monitor {
        match monitor::MonitorInterface::create(
            &args.interface,
            args.channel,
            args.ssid.as_ref().map(|s| s.as_bytes()),
        ) {
            Ok(monitor) => monitor,
            Err(err) if is_permission(&err) => {
                eprintln!(
                    "wpadiag: adding a monitor interface needs CAP_NET_ADMIN: run with sudo, or \
                     once `sudo setcap cap_net_raw,cap_net_admin+ep $(command -v wpadiag)`"
                );
                return Ok(ExitCode::from(EXIT_ERROR));
            }
            Err(err) => return Err(err),
        }
    } else {
        None
    };
    let mut capture_name = match &monitor {
        Some(monitor) => monitor.name.clone(),
        None => args.interface.clone(),
    };
    let plan = live::plan(&capture_name)?;
    let mut linktype = plan.linktype;
    let ifindex = nix::net::if_::if_nametoindex(capture_name.as_str())
        .with_context(|| format!("no network interface named {capture_name}"))?;
    // The socket first: without privileges, say so before anything else.
    let filter = plan.eapol_only.then_some(&live::EAPOL_FILTER[..]);
    let fd = match sock::open_bound(ifindex, plan.protocol, filter) {
        Ok(fd) => fd,
        Err(errno) if live::is_permission_error(errno) => {
            eprintln!(
                "wpadiag: capturing needs CAP_NET_RAW: run with sudo, or once \
                 `sudo setcap cap_net_raw,cap_net_admin+ep $(command -v wpadiag)`"
            );
            return Ok(ExitCode::from(EXIT_ERROR));
        }
        Err(errno) => {
            return Err(std::io::Error::from(errno))
                .with_context(|| format!("opening a packet socket on {capture_name}"));
        }
    };
    let mut capture =
        LiveCapture::new(fd, plan.linktype).context("setting up the packet socket")?;

    let user_ssid = args.ssid.as_ref().map(|s| Ssid(s.as_bytes().to_vec()));
    let resolved = args.key.resolve(args.ssid.as_ref().map(|s| s.as_bytes()))?;
    let key_given = resolved.is_some();
    let network_ssid = resolved.as_ref().and_then(|r| r.ssid.clone());
    let mut cache = resolved.map(|r| PmkCache::new(r.key));

    let file = match &args.write {
        Some(path) => {
            Some(File::create(path).with_context(|| format!("creating {}", path.display()))?)
        }
        None => None,
    };
    let mut ctrl = match &args.wpa_ctrl {
        Some(path) => Some(CtrlEvents::start(path)?),
        None => None,
    };
    let mut watch = if monitor.is_none() && plan.linktype == LinkType::ETHERNET {
        watch::AssociationWatch::start(&capture_name, ifindex)
    } else {
        None
    };
    // A station interface of a Wi-Fi card can fall back to a monitor
    // interface on its radio if its capture stays empty: that needs
    // CAP_NET_RAW and CAP_NET_ADMIN until the first EAPOL frame (before
    // which no frame is decoded) or the fallback.
    let mut fallback_armed = watch.is_some() && !args.no_fallback;
    // Everything that needed privileges is open: go on with none, or with
    // CAP_NET_ADMIN alone while a monitor interface is left to remove.
    let (keep, why): (&[caps::Capability], String) = if fallback_armed {
        (
            &[
                caps::Capability::CAP_NET_RAW,
                caps::Capability::CAP_NET_ADMIN,
            ],
            format!("until EAPOL shows on {capture_name} or a monitor interface takes over"),
        )
    } else if monitor.is_some() {
        (
            &[caps::Capability::CAP_NET_ADMIN],
            "to remove the monitor interface".to_string(),
        )
    } else {
        (&[], String::new())
    };
    let dropped = privileges::drop(
        keep,
        &why,
        file.as_ref(),
        ctrl.as_ref().map(|c| c.local.as_path()),
    )?;
    if let Some(dropped) = dropped {
        eprintln!("wpadiag: capture socket open; {dropped}");
    }
    let mut writer = match (file, &args.write) {
        (Some(file), Some(path)) => Some(
            PcapngWriter::new(BufWriter::new(file), plan.linktype, &capture_name)
                .with_context(|| format!("writing {}", path.display()))?,
        ),
        _ => None,
    };
    let mut writer_interface = 0u32;
    let mut linktypes = vec![plan.linktype];
    let mut fell_back: Option<String> = None;

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second Ctrl-C ends at once, should the report itself hang.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))?;
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }

    let mut ingest = FrameIngest::new(0);
    ingest.set_own_interface_observer(match args.capture_side {
        Side::Station => Observer::Station,
        Side::Ap => Observer::AccessPoint,
    });
    let namer = Namer::new(args.redact);
    eprintln!(
        "wpadiag: capturing on {} ({}{}); stop with Ctrl-C",
        capture_name,
        plan.linktype.name(),
        if plan.linktype == LinkType::ETHERNET {
            ", EAPOL frames only"
        } else {
            ""
        }
    );
    let started = Instant::now();
    let deadline = args
        .duration
        .map(|secs| started + Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(Duration::MAX));
    let mut frames: u64 = 0;
    let mut written: u64 = 0;
    let mut seen: Vec<Event> = Vec::new();
    let mut epoch: Option<f64> = None;
    let mut certain_shown: Vec<&'static str> = Vec::new();
    let mut last_frame = Instant::now();
    let mut stop_reason = "interrupted";
    let mut pending = false;
    let mut last_diagnosis: Option<Instant> = None;
    loop {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            stop_reason = "--duration reached";
            break;
        }
        if args.count.is_some_and(|n| frames >= n) {
            stop_reason = "--count reached";
            break;
        }
        if let Some(ctrl) = &mut ctrl {
            ctrl.drain(&mut epoch);
        }
        if let Some(warning) = watch.as_mut().and_then(|w| w.poll(frames)) {
            if fallback_armed {
                fallback_armed = false;
                eprintln!(
                    "wpadiag: {warning}; falling back to a monitor interface on its radio \
                     (--no-fallback to not)"
                );
                match fall_back(&args) {
                    Ok((new_monitor, new_capture)) => {
                        if let Some(writer) = &mut writer {
                            writer_interface = writer
                                .add_interface(new_capture.linktype(), &new_monitor.name)
                                .context("writing the capture file")?;
                        }
                        linktype = new_capture.linktype();
                        linktypes.push(linktype);
                        capture_name = new_monitor.name.clone();
                        fell_back = Some(warning);
                        capture = new_capture;
                        monitor = Some(new_monitor);
                        privileges::narrow(&[caps::Capability::CAP_NET_ADMIN])?;
                        eprintln!(
                            "wpadiag: capturing on {capture_name} ({}); CAP_NET_RAW dropped",
                            linktype.name()
                        );
                    }
                    Err(err) => {
                        privileges::narrow(&[])?;
                        eprintln!(
                            "wpadiag: the fallback failed: {err:#}; capabilities dropped. \
                             Try `wpadiag live {} --monitor`{}",
                            args.interface,
                            if ctrl.is_some() {
                                ""
                            } else {
                                ", or --wpa-ctrl for the supplicant's own events"
                            }
                        );
                    }
                }
            } else {
                eprintln!(
                    "wpadiag: {warning}, so this capture will stay empty. To see the handshake, \
                     stop (Ctrl-C) and run `wpadiag live {} --monitor`{}",
                    args.interface,
                    if ctrl.is_some() {
                        "; the supplicant's own events (--wpa-ctrl) are still shown"
                    } else {
                        ", or add --wpa-ctrl for the supplicant's own events"
                    }
                );
            }
        }
        let new = match capture.recv() {
            Ok(Some(packet)) => {
                if fallback_armed {
                    // EAPOL comes through the interface: no fallback, and
                    // no capability while anything is decoded.
                    fallback_armed = false;
                    privileges::narrow(&[])?;
                    eprintln!("wpadiag: EAPOL arrives on {capture_name}; capabilities dropped");
                }
                frames += 1;
                last_frame = Instant::now();
                if let Some(writer) = &mut writer {
                    if !args.handshake_only || live::is_handshake_frame(linktype, packet.data) {
                        writer
                            .write_frame_on(
                                writer_interface,
                                packet.time_ns,
                                packet.data,
                                packet.original_len,
                                None,
                            )
                            .context("writing the capture file")?;
                        written += 1;
                    }
                }
                ingest.push(frames, packet.time(), linktype, packet.data);
                ingest.take_new(true).to_vec()
            }
            // Nothing came: a frame held for its ACK has waited long enough.
            Ok(None) if last_frame.elapsed() >= ACK_WAIT => ingest.take_new(false).to_vec(),
            Ok(None) if pending => Vec::new(),
            Ok(None) => continue,
            Err(err) => {
                return Err(err).with_context(|| format!("capturing on {capture_name}"));
            }
        };
        let decisive = new.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::Key(_) | EventKind::Deauthentication { .. }
            )
        });
        pending |= decisive;
        if new.is_empty() && !pending {
            continue;
        }
        seen.extend(new.iter().cloned());
        let mut so_far = SoFar::default();
        // Each diagnosis goes over every event so far: on a long, busy
        // capture, run it at most once per DIAGNOSE_EVERY (a pending one
        // runs when the interface falls quiet).
        let due = seen.len() <= SMALL_TIMELINE
            || last_diagnosis.is_none_or(|t: Instant| t.elapsed() >= DIAGNOSE_EVERY);
        if pending && due {
            pending = false;
            last_diagnosis = Some(Instant::now());
            so_far = diagnose_so_far(
                &seen,
                &linktypes,
                ingest.shows_acks(),
                user_ssid.as_ref(),
                network_ssid.as_deref(),
                cache.as_mut(),
                &mut certain_shown,
            );
        }
        show(&new, &mut epoch, &namer, ingest.shows_acks(), &so_far.mic);
        for line in &so_far.findings {
            eprintln!("{line}");
        }
        if so_far.done && args.until == Some(Until::Done) {
            stop_reason = "the handshake ended (--until done)";
            break;
        }
    }
    if let Some(monitor) = &mut monitor {
        match monitor.remove() {
            Ok(()) => eprintln!("wpadiag: removed monitor interface {}", monitor.name),
            Err(err) => eprintln!("wpadiag: could not remove {}: {err}", monitor.name),
        }
    }
    let (events, stats) = ingest.finish();
    let ctrl_input = ctrl.map(|mut ctrl| {
        ctrl.drain(&mut epoch);
        ctrl.finish()
    });
    // Lines not shown yet (a frame still waiting for its ACK).
    if let Some(rest) = events.get(seen.len()..) {
        show(rest, &mut epoch, &namer, stats.acks > 0, &HashMap::new());
    }
    eprintln!(
        "wpadiag: {stop_reason}: {frames} frames captured{}",
        match &args.write {
            Some(path) => format!(", {written} written to {}", path.display()),
            None => String::new(),
        }
    );

    let shows_acks = stats.acks > 0;
    let mut timeline = Timeline::default();
    timeline.add(
        Input {
            name: format!("live:{capture_name}"),
            kind: InputKind::Capture {
                linktypes: linktypes.clone(),
                shows_acks,
            },
        },
        events,
    );
    let mut ctrl_summary = None;
    if let Some((input, events, summary)) = ctrl_input {
        timeline.add(input, events);
        ctrl_summary = Some(summary);
    }
    timeline.finish();
    let mut analyses = handshake::analyze(&timeline, user_ssid.as_ref());
    if let Some(cache) = &mut cache {
        let mut input = KeyInput::new(cache, !args.no_typo_search);
        analyze::check_keys(
            &timeline,
            &mut analyses,
            network_ssid.as_deref(),
            &mut input,
        );
    }
    let (frame_limits, skipped) = handshake::input::ingest_notes(&stats, &linktypes);
    let mut limits = Vec::new();
    if let Some(warning) = &fell_back {
        limits.push(format!(
            "{warning}: the frames are from a monitor interface on its radio, added then, \
             so what came before (the association, perhaps the first EAPOL-Key messages) is \
             missing"
        ));
    }
    limits.extend(frame_limits);
    if !linktype.is_wireless() && stats.eapol_key_frames == 0 {
        let note = format!(
            "no EAPOL frames arrived on {}: if the station connected meanwhile, its EAPOL \
             frames went over nl80211's control port (the default of current kernels, \
             hostapd and wpa_supplicant), which bypasses the managed interface; run again \
             with --monitor (a monitor interface on the same radio: `wpadiag live {} \
             --monitor`), or add --wpa-ctrl for the supplicant's own events",
            args.interface, args.interface
        );
        eprintln!("wpadiag: {note}");
        limits.push(note);
    }
    let mut inputs = vec![InputSummary {
        name: format!("live:{capture_name}"),
        description: format!(
            "live capture on {}{}, {} ({}), {} records, {} EAPOL-Key frames{}",
            capture_name,
            if monitor.is_some() {
                format!(" (monitor interface on {}'s radio)", args.interface)
            } else {
                String::new()
            },
            linktype.name(),
            linktype.0,
            stats.records,
            stats.eapol_key_frames,
            if shows_acks { ", ACKs present" } else { "" },
        ),
        limits,
        skipped,
    }];
    inputs.extend(ctrl_summary);
    let output = Output {
        format: args.format,
        color: args.color,
        redact: args.redact,
        verbose: false,
    };
    analyze::print_report(&timeline, &analyses, inputs, key_given, output)
}

/// The fallback: a monitor interface on the radio of the station's
/// interface, and a packet socket on it.
fn fall_back(args: &Args) -> anyhow::Result<(monitor::MonitorInterface, LiveCapture)> {
    let monitor = monitor::MonitorInterface::create(
        &args.interface,
        None,
        args.ssid.as_ref().map(|s| s.as_bytes()),
    )?
    .context("the interface turned into a monitor interface")?;
    let plan = live::plan(&monitor.name)?;
    let ifindex = nix::net::if_::if_nametoindex(monitor.name.as_str())
        .with_context(|| format!("no network interface named {}", monitor.name))?;
    let fd = sock::open_bound(ifindex, plan.protocol, None)
        .map_err(std::io::Error::from)
        .with_context(|| format!("opening a packet socket on {}", monitor.name))?;
    let capture = LiveCapture::new(fd, plan.linktype).context("setting up the packet socket")?;
    Ok((monitor, capture))
}

/// Whether an error chain ends in a missing capability.
fn is_permission(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<wpadiag::source::nl80211::NlError>()
            .is_some_and(|e| e.is_permission())
    })
}

/// What the diagnosis of the events so far says.
#[derive(Default)]
struct SoFar {
    /// A link's handshake completed or certainly failed.
    done: bool,
    /// Lines for the certain findings not shown before.
    findings: Vec<String>,
    /// MIC check of each EAPOL-Key frame (by frame number), with a key.
    mic: HashMap<u64, &'static str>,
}

/// Re-runs the diagnosis on the events so far (without the typo search,
/// which runs once, for the final report).
fn diagnose_so_far(
    seen: &[Event],
    linktypes: &[LinkType],
    shows_acks: bool,
    user_ssid: Option<&Ssid>,
    network_ssid: Option<&[u8]>,
    cache: Option<&mut PmkCache>,
    certain_shown: &mut Vec<&'static str>,
) -> SoFar {
    let mut timeline = Timeline::default();
    timeline.add(
        Input {
            name: "live".to_string(),
            kind: InputKind::Capture {
                linktypes: linktypes.to_vec(),
                shows_acks,
            },
        },
        seen.to_vec(),
    );
    timeline.finish();
    let mut analyses = handshake::analyze(&timeline, user_ssid);
    if let Some(cache) = cache {
        // No typo search here: it runs once, on the final report.
        let mut input = KeyInput::new(cache, false);
        analyze::check_keys(&timeline, &mut analyses, network_ssid, &mut input);
    }
    let mut so_far = SoFar::default();
    for analysis in &analyses {
        for (a, attempt) in analysis.attempts.iter().enumerate() {
            for (m, message) in attempt.messages.iter().enumerate() {
                let label = match analysis.keys.mic(a, m) {
                    MicStatus::Verified { .. } => "MIC ok",
                    MicStatus::Failed => "MIC does NOT verify",
                    _ => continue,
                };
                for &index in &message.sightings {
                    if let Some(Origin::Frame { number, .. }) =
                        timeline.events.get(index).map(|e| e.origin)
                    {
                        so_far.mic.insert(number, label);
                    }
                }
            }
        }
    }
    let diagnosis = diagnose::diagnose(&timeline, &analyses);
    for link in &diagnosis.links {
        for finding in &link.findings {
            if finding.confidence == Confidence::Certain && !certain_shown.contains(&finding.id) {
                certain_shown.push(finding.id);
                so_far.findings.push(format!(
                    "wpadiag: finding {} (certain): {}",
                    finding.id, finding.summary
                ));
            }
        }
        if link.verdict.is_success() || link.verdict.confidence == Confidence::Certain {
            so_far.done = true;
        }
    }
    so_far
}

/// Prints one line per event on stderr.
fn show(
    events: &[Event],
    epoch: &mut Option<f64>,
    namer: &Namer,
    shows_acks: bool,
    mic: &HashMap<u64, &'static str>,
) {
    for event in events {
        if let Some(mut line) = event_line(event, epoch, namer, shows_acks) {
            if let Origin::Frame { number, .. } = event.origin {
                if let Some(label) = mic.get(&number) {
                    line.push_str("  ");
                    line.push_str(label);
                }
            }
            eprintln!("{line}");
        }
    }
}

fn event_line(
    event: &Event,
    epoch: &mut Option<f64>,
    namer: &Namer,
    shows_acks: bool,
) -> Option<String> {
    let time = event.time.get().unwrap_or(0.0);
    let start = *epoch.get_or_insert(time);
    let rel = time - start;
    let (what, air) = match &event.kind {
        EventKind::Key(key) => {
            let (from, to) = if key.msg.from_authenticator() {
                (namer.ap(key.ap), namer.sta(key.sta))
            } else {
                (namer.sta(key.sta), namer.ap(key.ap))
            };
            let mut what = format!(
                "EAPOL-Key {:<9} {from} -> {to}  {}",
                key.msg.label(),
                if key.msg.from_authenticator() {
                    "AP->STA"
                } else {
                    "STA->AP"
                },
            );
            if let Some(counter) = key.replay_counter {
                what.push_str(&format!("  replay counter {counter}"));
            }
            (what, key.air)
        }
        EventKind::Authentication {
            ta,
            ra,
            sequence,
            status,
            air,
            ..
        } => (
            format!(
                "Authentication seq {sequence} {} -> {}  status {status}",
                namer.sta(*ta),
                namer.ap(*ra)
            ),
            *air,
        ),
        EventKind::AssociationRequest {
            sta,
            bssid,
            reassociation,
            air,
            ..
        } => (
            format!(
                "{} {} -> {}",
                if *reassociation {
                    "Reassociation Request"
                } else {
                    "Association Request"
                },
                namer.sta(*sta),
                namer.ap(*bssid)
            ),
            *air,
        ),
        EventKind::AssociationResponse {
            sta,
            bssid,
            status,
            air,
        } => (
            format!(
                "Association Response {} -> {}  status {status}",
                namer.ap(*bssid),
                namer.sta(*sta)
            ),
            *air,
        ),
        EventKind::Deauthentication {
            ta,
            ra,
            disassociation,
            reason,
            air,
            ..
        } => (
            format!(
                "{} {} -> {}  reason {reason}",
                if *disassociation {
                    "Disassociation"
                } else {
                    "Deauthentication"
                },
                namer.sta(*ta),
                namer.sta(*ra)
            ),
            *air,
        ),
        EventKind::Beacon { bssid, ssid, .. } => (
            format!("Beacon {} ssid {}", namer.ap(*bssid), namer.ssid(ssid)),
            None,
        ),
        _ => return None,
    };
    let mut line = format!("{rel:>11.6}  {what}");
    if let Some(air) = air {
        if air.retry {
            line.push_str("  retry");
        }
        match air.acked {
            Some(true) => line.push_str("  ACK"),
            _ if shows_acks => line.push_str("  no ACK"),
            _ => {}
        }
        if let Some(dbm) = air.signal_dbm {
            line.push_str(&format!("  {dbm} dBm"));
        }
    }
    Some(line)
}

/// wpa_supplicant's control-interface events, received on a thread (so
/// each gets its own arrival time) and fed to the log decoder.
struct CtrlEvents {
    path: PathBuf,
    /// This end's socket file.
    local: PathBuf,
    interface: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    events: std::sync::mpsc::Receiver<(u64, String)>,
    assembler: LogAssembler,
    lines: u64,
}

impl CtrlEvents {
    fn start(path: &std::path::Path) -> anyhow::Result<CtrlEvents> {
        let ctrl = WpaCtrl::attach(path)
            .with_context(|| format!("attaching to the control interface {}", path.display()))?;
        let local = ctrl.local_path().to_path_buf();
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = std::sync::mpsc::channel();
        let thread_stop = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !thread_stop.load(Ordering::Relaxed) {
                match ctrl.next_event(live::RECV_TIMEOUT) {
                    Ok(Some(text)) => {
                        if tx.send((live::now_ns(), text)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => {}
                    Err(_) => break,
                }
            }
        });
        // The socket is named after the interface; the log decoder takes a
        // line prefix for an interface name only if it looks like one
        // (a letter first, a digit somewhere).
        let interface = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| {
                (1..=15).contains(&n.len())
                    && n.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                    && n.bytes().any(|b| b.is_ascii_digit())
                    && n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            })
            .unwrap_or_else(|| "wlan0".to_string());
        Ok(CtrlEvents {
            path: path.to_path_buf(),
            local,
            interface,
            stop,
            thread: Some(thread),
            events: rx,
            // Input 1: the capture is input 0.
            assembler: LogAssembler::new(1),
            lines: 0,
        })
    }

    /// Feeds and shows the events received so far.
    fn drain(&mut self, epoch: &mut Option<f64>) {
        while let Ok((time_ns, text)) = self.events.try_recv() {
            let time = time_ns as f64 / 1e9;
            self.lines += 1;
            // The form of `wpa_supplicant -t` lines, which the log decoder reads.
            let line = format!("{time:.6}: {}: {text}", self.interface);
            self.assembler.push(self.lines, &line);
            let start = *epoch.get_or_insert(time);
            eprintln!("{:>11.6}  wpa_supplicant: {text}", time - start);
        }
    }

    /// Stops the thread (detaching) and returns the input for the timeline.
    fn finish(mut self) -> (Input, Vec<Event>, InputSummary) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let name = format!("wpa_ctrl:{}", self.path.display());
        let (events, stats) = self.assembler.finish();
        let summary = InputSummary {
            name: name.clone(),
            description: format!(
                "wpa_supplicant control interface events, {} messages, {} recognized",
                stats.lines, stats.recognized
            ),
            limits: vec![
                "control interface events say what the station concluded, not the frames behind it"
                    .to_string(),
            ],
            skipped: Vec::new(),
        };
        let input = Input {
            name,
            kind: InputKind::Log {
                observer: Observer::Station,
            },
        };
        (input, events, summary)
    }
}
