//! `wpadiag frames`: what the decoders saw, frame by frame.
//!
//! JSON output is one object per line. Every object has every key below
//! (absent values are `null`), so a consumer never tests for presence:
//! `frame`, `time`, `kind`, `ta`, `ra`, `bssid`, `retry`, `signal_dbm`,
//! `bad_fcs`, `seq`, `message`, `key_info`, `replay_counter`, `nonce`,
//! `mic`, `key_data_len`, `reason`, `status`, `auth_algorithm`,
//! `auth_sequence`, `sae`, `ssid`, `rsn`, `wpa`, `error`.

use std::{
    collections::HashSet,
    fmt::Write as _,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Context;
use wpadiag::{
    source::{CaptureReader, Record},
    wire::{
        self, MacAddr,
        eapol::{self, EapolKey},
        ieee80211::{self, Body, Frame},
        link::{Link, RadioInfo},
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  wpadiag frames captures/psk-mismatch-radiotap.pcap
      The handshake frames: EAPOL-Key messages, (re)association, deauthentication, ACKs.
  wpadiag frames monitor.pcapng --all | less
      Every frame, also those that failed to decode (and why).
  wpadiag frames sta.pcap.gz --format json | jq 'select(.kind == \"eapol-key\")'
      One JSON object per line, for scripts.")]
pub struct Args {
    /// Capture file (pcap or pcapng, optionally gzip-compressed).
    pub file: PathBuf,
    /// List every frame, not only the handshake-relevant ones.
    #[arg(long)]
    pub all: bool,
    /// Output format: aligned text, or one JSON object per line.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Beacons and ACKs are listed only for the parties of handshake frames,
    // which may appear after them: a first cheap pass collects the parties.
    let parties = if args.all {
        Parties::default()
    } else {
        collect_parties(&args.file)?
    };
    let mut reader = open(&args.file)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(64 << 10, stdout.lock());
    let mut undecodable = 0u64;
    let mut line = String::with_capacity(512);
    while let Some(record) = reader.next_record() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                eprintln!("wpadiag: {}: {err}", args.file.display());
                continue;
            }
        };
        let view = match FrameView::decode(&record) {
            Ok(view) => view,
            Err(err) => {
                undecodable += 1;
                if args.all {
                    line.clear();
                    undecodable_line(&mut line, &record, &err, args.format);
                    out.write_all(line.as_bytes())?;
                }
                continue;
            }
        };
        if !args.all && !parties.relevant(&view) {
            continue;
        }
        line.clear();
        match args.format {
            OutputFormat::Json => json_line(&mut line, &view),
            OutputFormat::Text => text_line(&mut line, &view),
        }
        out.write_all(line.as_bytes())?;
    }
    out.flush()?;
    let stats = reader.stats();
    if undecodable > 0 {
        eprintln!("wpadiag: {undecodable} frame(s) could not be decoded");
    }
    if stats.damaged > 0 {
        eprintln!(
            "wpadiag: {} damaged records skipped ({} bytes)",
            stats.damaged, stats.skipped_bytes
        );
    }
    if stats.truncated_tail {
        eprintln!("wpadiag: the capture ends inside a record (file cut short)");
    }
    Ok(ExitCode::from(super::EXIT_OK))
}

fn open(path: &Path) -> anyhow::Result<CaptureReader> {
    CaptureReader::open(path).with_context(|| format!("reading {}", path.display()))
}

/// Stations and APs seen in handshake frames.
#[derive(Debug, Default)]
struct Parties {
    addresses: HashSet<MacAddr>,
    bssids: HashSet<MacAddr>,
}

fn collect_parties(path: &Path) -> anyhow::Result<Parties> {
    let mut parties = Parties::default();
    let mut reader = open(path)?;
    while let Some(record) = reader.next_record() {
        let Ok(record) = record else { continue };
        let Ok(view) = FrameView::decode(&record) else {
            continue;
        };
        if view.is_handshake() {
            for address in [view.ta, Some(view.ra)].into_iter().flatten() {
                if !address.is_group() && address != MacAddr::ZERO {
                    parties.addresses.insert(address);
                }
            }
            if let Some(bssid) = view.bssid {
                parties.bssids.insert(bssid);
            }
        }
    }
    Ok(parties)
}

impl Parties {
    fn relevant(&self, view: &FrameView<'_>) -> bool {
        if view.is_handshake() {
            return true;
        }
        match view.body {
            Some(Body::Beacon { .. } | Body::ProbeResponse { .. }) => {
                view.bssid.is_some_and(|b| self.bssids.contains(&b))
            }
            Some(Body::Ack) => self.addresses.contains(&view.ra),
            _ => false,
        }
    }
}

/// One decoded record, whatever its link type.
struct FrameView<'a> {
    number: u64,
    time: f64,
    kind: &'static str,
    ta: Option<MacAddr>,
    ra: MacAddr,
    bssid: Option<MacAddr>,
    retry: Option<bool>,
    radio: Option<RadioInfo>,
    seq: Option<u16>,
    body: Option<Body<'a>>,
    eapol: Option<&'a [u8]>,
}

impl<'a> FrameView<'a> {
    fn decode(record: &Record<'a>) -> Result<Self, wire::Error> {
        let decoded = wire::decode(record.linktype, record.data)?;
        let mut view = match decoded.link {
            Link::Dot11(bytes) => {
                let frame: Frame<'a> = ieee80211::parse(bytes)?;
                let eapol = match frame.body {
                    Body::Data { eapol, .. } => eapol,
                    _ => None,
                };
                FrameView {
                    number: record.number,
                    time: record.time.secs(),
                    kind: frame.kind(),
                    ta: frame.ta(),
                    ra: frame.ra(),
                    bssid: frame.bssid(),
                    retry: Some(frame.retry()),
                    radio: decoded.radio,
                    seq: frame.sequence_number(),
                    body: Some(frame.body),
                    eapol,
                }
            }
            Link::Ethernet {
                dst,
                src,
                ethertype,
                payload,
            } => FrameView {
                number: record.number,
                time: record.time.secs(),
                kind: if ethertype == eapol::ETHERTYPE {
                    "eapol"
                } else {
                    "ethernet"
                },
                ta: Some(src),
                ra: dst,
                bssid: None,
                retry: None,
                radio: decoded.radio,
                seq: None,
                body: None,
                eapol: (ethertype == eapol::ETHERTYPE).then_some(payload),
            },
        };
        if let Some(frame) = view.eapol {
            view.kind = match eapol::header(frame).map(|(_, packet_type, _)| packet_type) {
                Some(eapol::PACKET_TYPE_KEY) => {
                    EapolKey::new_detect(frame)?;
                    "eapol-key"
                }
                Some(eapol::PACKET_TYPE_EAP) => "eap",
                Some(eapol::PACKET_TYPE_START) => "eapol-start",
                Some(eapol::PACKET_TYPE_LOGOFF) => "eapol-logoff",
                Some(_) => "eapol",
                None => {
                    return Err(wire::Error::Truncated {
                        what: "EAPOL header",
                        need: eapol::HEADER_LEN,
                        have: frame.len(),
                    });
                }
            };
        }
        Ok(view)
    }

    fn is_handshake(&self) -> bool {
        self.eapol.is_some()
            || matches!(
                self.body,
                Some(
                    Body::Authentication { .. }
                        | Body::AssociationRequest { .. }
                        | Body::AssociationResponse { .. }
                        | Body::Deauthentication { .. }
                        | Body::Disassociation { .. }
                )
            )
            || matches!(self.kind, "deauth" | "disassoc")
    }

    fn key(&self) -> Option<EapolKey<&'a [u8]>> {
        let frame = self.eapol?;
        (eapol::header(frame)?.1 == eapol::PACKET_TYPE_KEY)
            .then(|| EapolKey::new_detect(frame).ok())
            .flatten()
    }
}

/// Text of an SSID: UTF-8 when it is printable UTF-8, else `$HEX[..]` as
/// hashcat and hcxtools write it (SSIDs are octets, not text).
fn ssid_text(ssid: &[u8]) -> String {
    match std::str::from_utf8(ssid) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_owned(),
        _ => format!("$HEX[{}]", wire::hex(ssid)),
    }
}

/// Collects the optional values of one line in one place for both formats.
#[derive(Default)]
struct Details {
    message: Option<&'static str>,
    key_info: Option<u16>,
    replay_counter: Option<u64>,
    nonce: Option<[u8; 32]>,
    mic: Option<String>,
    key_data_len: Option<u16>,
    reason: Option<u16>,
    status: Option<u16>,
    auth_algorithm: Option<u16>,
    auth_sequence: Option<u16>,
    sae: Option<&'static str>,
    ssid: Option<String>,
    rsn: Option<String>,
    wpa: Option<String>,
}

fn details(view: &FrameView<'_>) -> Details {
    let mut d = Details::default();
    if let Some(key) = view.key() {
        d.message = Some(key.message().label());
        d.key_info = Some(key.key_info().0);
        d.replay_counter = Some(key.replay_counter());
        d.nonce = Some(key.key_nonce());
        d.mic = Some(wire::hex(key.key_mic()));
        d.key_data_len = Some(key.key_data_length());
    }
    let Some(body) = view.body else { return d };
    match body {
        Body::Deauthentication { reason } | Body::Disassociation { reason } => {
            d.reason = Some(reason);
        }
        Body::Authentication {
            algorithm,
            sequence,
            status,
            ..
        } => {
            d.auth_algorithm = Some(algorithm);
            d.auth_sequence = Some(sequence);
            d.status = Some(status);
            d.sae = body.sae_message();
        }
        Body::AssociationResponse { status, .. } => d.status = Some(status),
        _ => {}
    }
    if let Some(
        Body::Beacon { elements }
        | Body::ProbeResponse { elements }
        | Body::AssociationRequest { elements, .. },
    ) = view.body
    {
        d.ssid = elements.ssid().map(ssid_text);
        d.rsn = elements.rsn().map(wire::hex);
        d.wpa = elements.wpa().map(wire::hex);
    }
    d
}

struct Json<'s> {
    out: &'s mut String,
    first: bool,
}

impl Json<'_> {
    fn raw(&mut self, key: &str, value: std::fmt::Arguments<'_>) {
        let sep = if self.first { '{' } else { ',' };
        self.first = false;
        let _ = write!(self.out, "{sep}\"{key}\":{value}");
    }
    fn opt<T: std::fmt::Display>(&mut self, key: &str, value: Option<T>) {
        match value {
            Some(v) => self.raw(key, format_args!("{v}")),
            None => self.raw(key, format_args!("null")),
        }
    }
    fn string(&mut self, key: &str, value: Option<&str>) {
        match value.and_then(|v| serde_json::to_string(v).ok()) {
            Some(quoted) => self.raw(key, format_args!("{quoted}")),
            None => self.raw(key, format_args!("null")),
        }
    }
    fn mac(&mut self, key: &str, value: Option<MacAddr>) {
        match value {
            Some(mac) => self.raw(key, format_args!("\"{mac}\"")),
            None => self.raw(key, format_args!("null")),
        }
    }
}

fn json_line(out: &mut String, view: &FrameView<'_>) {
    let d = details(view);
    let radio = view.radio.unwrap_or_default();
    let mut j = Json { out, first: true };
    j.raw("frame", format_args!("{}", view.number));
    j.raw("time", format_args!("{}", json_float(view.time)));
    j.string("kind", Some(view.kind));
    j.mac("ta", view.ta);
    j.mac("ra", Some(view.ra));
    j.mac("bssid", view.bssid);
    j.opt("retry", view.retry);
    j.opt("signal_dbm", radio.signal_dbm);
    j.opt("bad_fcs", view.radio.map(|r| r.bad_fcs));
    j.opt("seq", view.seq);
    j.string("message", d.message);
    j.opt("key_info", d.key_info);
    j.opt("replay_counter", d.replay_counter);
    j.string("nonce", d.nonce.map(|n| wire::hex(&n)).as_deref());
    j.string("mic", d.mic.as_deref());
    j.opt("key_data_len", d.key_data_len);
    j.opt("reason", d.reason);
    j.opt("status", d.status);
    j.opt("auth_algorithm", d.auth_algorithm);
    j.opt("auth_sequence", d.auth_sequence);
    j.string("sae", d.sae);
    j.string("ssid", d.ssid.as_deref());
    j.string("rsn", d.rsn.as_deref());
    j.string("wpa", d.wpa.as_deref());
    j.raw("error", format_args!("null"));
    out.push_str("}\n");
}

/// JSON has no NaN or infinity; timestamps never are, but stay safe.
fn json_float(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.6}")
    } else {
        "null".to_owned()
    }
}

fn undecodable_line(
    out: &mut String,
    record: &Record<'_>,
    err: &wire::Error,
    format: OutputFormat,
) {
    let message = err.to_string();
    match format {
        OutputFormat::Json => {
            let mut j = Json { out, first: true };
            j.raw("frame", format_args!("{}", record.number));
            j.raw("time", format_args!("{}", json_float(record.time.secs())));
            j.string("kind", Some("undecodable"));
            for key in [
                "ta",
                "ra",
                "bssid",
                "retry",
                "signal_dbm",
                "bad_fcs",
                "seq",
                "message",
                "key_info",
                "replay_counter",
                "nonce",
                "mic",
                "key_data_len",
                "reason",
                "status",
                "auth_algorithm",
                "auth_sequence",
                "sae",
                "ssid",
                "rsn",
                "wpa",
            ] {
                j.raw(key, format_args!("null"));
            }
            j.string("error", Some(&message));
            out.push_str("}\n");
        }
        OutputFormat::Text => {
            let _ = writeln!(
                out,
                "{:>7} {:>17.6}  {:<16} {message}",
                record.number,
                record.time.secs(),
                "undecodable"
            );
        }
    }
}

fn text_line(out: &mut String, view: &FrameView<'_>) {
    let d = details(view);
    let ta = view.ta.map_or_else(|| "-".repeat(17), |m| m.to_string());
    let _ = write!(
        out,
        "{:>7} {:>17.6}  {:<16} {ta} > {}",
        view.number, view.time, view.kind, view.ra
    );
    if let Some(bssid) = view.bssid {
        let _ = write!(out, "  bssid {bssid}");
    }
    if let Some(message) = d.message {
        let _ = write!(
            out,
            "  {message} replay {} info 0x{:04x} data {}",
            d.replay_counter.unwrap_or(0),
            d.key_info.unwrap_or(0),
            d.key_data_len.unwrap_or(0)
        );
    }
    if let Some(reason) = d.reason {
        let _ = write!(
            out,
            "  reason {reason} ({})",
            wire::codes::ReasonCode(reason).name()
        );
    }
    if let (Some(algorithm), Some(sequence)) = (d.auth_algorithm, d.auth_sequence) {
        let _ = write!(
            out,
            "  {} seq {sequence}",
            wire::codes::AuthAlgorithm(algorithm).name()
        );
        if let Some(sae) = d.sae {
            let _ = write!(out, " ({sae})");
        }
    }
    if let Some(status) = d.status {
        let _ = write!(
            out,
            "  status {status} ({})",
            wire::codes::StatusCode(status).name()
        );
    }
    if let Some(ssid) = &d.ssid {
        let _ = write!(out, "  ssid {ssid:?}");
    }
    if d.rsn.is_some() {
        out.push_str("  rsn");
    } else if d.wpa.is_some() {
        out.push_str("  wpa");
    }
    if view.retry == Some(true) {
        out.push_str("  retry");
    }
    if let Some(radio) = view.radio {
        if let Some(signal) = radio.signal_dbm {
            let _ = write!(out, "  {signal} dBm");
        }
        if radio.bad_fcs {
            out.push_str("  BAD-FCS");
        }
    }
    out.push('\n');
}
