//! Reading one input file into events: a capture through the frame
//! decoders, a text log through the log decoders.

use std::path::Path;

use crate::handshake::{
    condense::{AttemptPlan, Condenser, Judge},
    event::{Event, EventKind, Observer},
    from_frame::{FrameIngest, IngestStats, settle_acks},
    from_log::{self, Daemon},
    timeline::{Input, InputKind},
};
use crate::source::{self, CaptureReader};
use crate::wire::LinkType;

/// What reading one input produced, and what it had to skip.
#[derive(Debug)]
pub struct Loaded {
    pub input: Input,
    pub events: Vec<Event>,
    pub description: String,
    pub limits: Vec<String>,
    pub skipped: Vec<String>,
    /// Links whose repeated attempts were condensed (see [`Condense`]).
    pub plan: AttemptPlan,
    /// How many attempts were counted on a kept one instead of kept.
    pub condensed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Source(#[from] source::Error),
    #[error("neither a capture (pcap/pcapng) nor a text log")]
    Unrecognized,
    #[error("text log reading: {0}")]
    Log(String),
}

/// How to read inputs.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    /// Whose interface an Ethernet-like capture was taken on: it decides
    /// what the frames in it prove (sent, or received).
    pub own_capture_observer: Observer,
}

/// Condense a capture's links from `from` attempts on, folding the
/// attempts `judge` finds the same ([`crate::handshake::condense`]).
pub struct Condense<'a> {
    pub from: u64,
    pub judge: &'a mut dyn Judge,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            own_capture_observer: Observer::Station,
        }
    }
}

/// Reads `path` as input number `file` (its index in the report).
/// `progress` is called with bytes read so far, now and then.
pub fn load(
    path: &Path,
    file: u16,
    options: LoadOptions,
    condense: Option<Condense<'_>>,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, LoadError> {
    match source::detect(path)? {
        source::InputKind::Capture => load_capture(path, file, options, condense, progress),
        source::InputKind::Text => load_log(path, file),
        source::InputKind::Unknown => Err(LoadError::Unrecognized),
    }
}

fn load_capture(
    path: &Path,
    file: u16,
    options: LoadOptions,
    condense: Option<Condense<'_>>,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, LoadError> {
    let mut reader = CaptureReader::open(path)?;
    let mut ingest = FrameIngest::new(file);
    ingest.set_own_interface_observer(options.own_capture_observer);
    let name = path.display().to_string();
    let input_so_far = |stats: &IngestStats| Input {
        name: name.clone(),
        kind: InputKind::Capture {
            linktypes: stats.linktypes.clone(),
            shows_acks: stats.acks > 0,
        },
    };
    let mut condenser =
        condense.map(|c| Condenser::new(c.from, c.judge, input_so_far(ingest.stats())));
    let mut damaged: Vec<String> = Vec::new();
    let mut since_progress = 0u32;
    while let Some(next) = reader.next_record() {
        match next {
            Ok(record) => {
                since_progress += 1;
                if since_progress == 65_536 {
                    since_progress = 0;
                    progress(record.file_offset);
                    if let Some(condenser) = &mut condenser {
                        condenser.set_input(input_so_far(ingest.stats()));
                        ingest.drain_settled().for_each(|e| condenser.push(e));
                    }
                }
                ingest.push(record.number, record.time, record.linktype, record.data);
            }
            Err(err) => {
                if damaged.len() < 8 {
                    damaged.push(format!(
                        "damaged record at offset {}: {}",
                        err.file_offset, err.what
                    ));
                }
                if err.fatal {
                    break;
                }
            }
        }
    }
    let stats = reader.stats();
    let format = reader.format();
    let (mut events, ingest_stats) = ingest.finish();
    let (mut plan, mut condensed) = (AttemptPlan::new(), 0);
    if let Some(mut condenser) = condenser {
        condenser.set_input(input_so_far(&ingest_stats));
        events.into_iter().for_each(|e| condenser.push(e));
        (events, plan, condensed) = condenser.finish();
        settle_acks(&mut events, ingest_stats.acks > 0);
    }
    let shows_acks = ingest_stats.acks > 0;
    let input = Input {
        name: name.clone(),
        kind: InputKind::Capture {
            linktypes: ingest_stats.linktypes.clone(),
            shows_acks,
        },
    };
    let linktypes: Vec<String> = ingest_stats
        .linktypes
        .iter()
        .map(|l| format!("{} ({})", l.name(), l.0))
        .collect();
    let description = format!(
        "{}{}, {}, {} records, {} EAPOL-Key frames{}",
        format_name(format),
        if stats.gzip { " (gzip)" } else { "" },
        if linktypes.is_empty() {
            "no records".to_string()
        } else {
            linktypes.join(" + ")
        },
        stats.records,
        ingest_stats.eapol_key_frames,
        if shows_acks { ", ACKs present" } else { "" },
    );
    let (limits, frames_skipped) = ingest_notes(&ingest_stats, &ingest_stats.linktypes);
    let mut skipped = damaged;
    if stats.damaged > skipped.len() as u64 {
        skipped.push(format!("{} damaged records in all", stats.damaged));
    }
    if stats.truncated_tail {
        skipped.push("the file ends in the middle of a record (cut short)".to_string());
    }
    skipped.extend(frames_skipped);
    Ok(Loaded {
        input,
        events,
        description,
        limits,
        skipped,
        plan,
        condensed,
    })
}

/// What a capture of `linktypes` cannot show (limits) and which of its
/// frames were left out (skipped), from the ingest's counters: the same
/// for a file and for a live capture (whose interfaces' link types are
/// known before any frame arrives).
pub fn ingest_notes(
    ingest_stats: &IngestStats,
    linktypes: &[LinkType],
) -> (Vec<String>, Vec<String>) {
    let mut limits = limits_of(linktypes, ingest_stats.acks > 0);
    let wireless = linktypes.iter().any(|l| l.is_wireless());
    if !wireless && !linktypes.is_empty() {
        limits.clear();
        limits.push("a capture on one side's own interface has no 802.11 frames: no ACKs, retries, signal strength, deauthentications or Beacons".to_string());
    }
    let mut skipped = Vec::new();
    if ingest_stats.undecodable > 0 {
        let examples: Vec<String> = ingest_stats
            .errors
            .iter()
            .take(3)
            .map(|(n, e)| format!("frame {n}: {e}"))
            .collect();
        skipped.push(format!(
            "{} frames could not be decoded ({})",
            ingest_stats.undecodable,
            examples.join("; ")
        ));
    }
    if ingest_stats.bad_fcs > 0 {
        skipped.push(format!(
            "{} frames with a bad FCS were dropped, {} of them EAPOL",
            ingest_stats.bad_fcs, ingest_stats.bad_fcs_eapol
        ));
    }
    if ingest_stats.untracked > 0 {
        skipped.push(format!(
            "{} frames of links, networks or stations beyond the first {} were not tracked",
            ingest_stats.untracked,
            crate::handshake::from_frame::MAX_TRACKED
        ));
    }
    if ingest_stats.unsupported_link > 0 {
        skipped.push(format!(
            "{} records of an unsupported link type",
            ingest_stats.unsupported_link
        ));
    }
    (limits, skipped)
}

fn limits_of(linktypes: &[LinkType], shows_acks: bool) -> Vec<String> {
    let mut limits = Vec::new();
    if !shows_acks && linktypes.iter().any(|l| l.is_wireless()) {
        limits.push("no ACK frames: whether a frame reached its receiver cannot be seen (many monitor-mode drivers do not capture ACKs)".to_string());
    }
    if linktypes.contains(&LinkType::IEEE802_11) {
        limits.push("raw 802.11 without a radio header: no signal strength".to_string());
    }
    limits
}

fn format_name(format: source::Format) -> &'static str {
    match format {
        source::Format::Pcap => "pcap",
        source::Format::PcapNg => "pcapng",
    }
}

fn load_log(path: &Path, file: u16) -> Result<Loaded, LoadError> {
    let handle = std::fs::File::open(path).map_err(|source| source::Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let reader = std::io::BufReader::with_capacity(1 << 16, handle);
    let (events, stats) = from_log::events_from_reader(reader, file)
        .map_err(|err| LoadError::Log(err.to_string()))?;
    let observer = match stats.daemon {
        Some(Daemon::Hostapd) => Observer::AccessPoint,
        _ => Observer::Station,
    };
    let daemon = match stats.daemon {
        Some(Daemon::Hostapd) => "hostapd log",
        Some(Daemon::Supplicant) => "wpa_supplicant log",
        None => "text (no wpa_supplicant or hostapd lines recognized)",
    };
    let description = format!(
        "{daemon}, {} lines, {} recognized",
        stats.lines, stats.recognized
    );
    let mut limits = vec![format!(
        "a {} shows one side's view only: it cannot show what the other side received",
        if observer == Observer::AccessPoint {
            "hostapd log"
        } else {
            "station log"
        }
    )];
    let has_frames = events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::Key(k) if k.eapol.is_some()));
    let has_keys = events.iter().any(|e| matches!(e.kind, EventKind::Key(_)));
    if has_keys && !has_frames {
        limits.push("no whole EAPOL frames (wpa_supplicant -dd with a newer version logs them as hexdumps): MICs cannot be checked".to_string());
    }
    let mut skipped = Vec::new();
    if stats.skipped > 0 {
        skipped.push(format!("{} lines not about the handshake", stats.skipped));
    }
    if stats.truncated_lines > 0 {
        skipped.push(format!(
            "{} over-long lines cut short",
            stats.truncated_lines
        ));
    }
    Ok(Loaded {
        input: Input {
            name: path.display().to_string(),
            kind: InputKind::Log { observer },
        },
        events,
        description,
        limits,
        skipped,
        plan: AttemptPlan::new(),
        condensed: 0,
    })
}
