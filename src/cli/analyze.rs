//! `wpadiag analyze`: read captures and logs, replay the handshakes,
//! name the cause, print the report.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{Color, EXIT_FAILURE_FOUND, EXIT_OK, Format, key_args::KeyArgs};
use wpadiag::{
    crypto::PmkCache,
    diagnose,
    handshake::{
        self, Observer, Timeline,
        event::Ssid,
        input::LoadOptions,
        keycheck::{self, KeyInput},
    },
    report::{self, InputSummary, Report},
    wire::MacAddr,
};

/// Diagnose why a handshake fails, from captures and/or logs.
///
/// Give every file you have about one failure: a monitor-mode capture, a
/// capture on the station's interface, wpa_supplicant's and hostapd's -dd
/// logs. They are merged on one timeline and correlated by addresses,
/// replay counters and nonces.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  wpadiag analyze monitor.pcapng --ask
      Capture from a monitor interface; prompts for the passphrase to check MICs.
  wpadiag analyze /var/log/wpa_supplicant.log --format markdown --redact
      A report to paste into a mailing-list thread, addresses and SSIDs replaced.
  WPADIAG_PASSPHRASE='correct horse' wpadiag analyze sta.pcap ap.log --ssid 'Home Net'
      A station-side capture plus the AP's log, key from the environment.")]
pub struct Args {
    /// Capture files (pcap/pcapng, gzip or not) and text logs, in any order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// The network name, when the inputs do not show it (or to override).
    #[arg(long, value_name = "SSID")]
    pub ssid: Option<String>,

    /// Only the link(s) of this AP.
    #[arg(long, value_name = "MAC")]
    pub bssid: Option<String>,

    /// Only the link(s) of this station.
    #[arg(long, value_name = "MAC")]
    pub sta: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Replace MAC addresses and SSIDs by stable pseudonyms.
    #[arg(long)]
    pub redact: bool,

    /// Colour: auto (terminal and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Whose interface an Ethernet (own-interface) capture was taken on.
    #[arg(long, value_enum, default_value_t = Side::Station, value_name = "SIDE")]
    pub capture_side: Side,

    /// Do not try typo variants of a passphrase that verifies nothing.
    #[arg(long)]
    pub no_typo_search: bool,

    #[command(flatten)]
    pub key: KeyArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.files.len() > usize::from(u16::MAX) {
        anyhow::bail!("too many input files (at most {})", u16::MAX);
    }
    let bssid = parse_mac(args.bssid.as_deref(), "--bssid")?;
    let sta = parse_mac(args.sta.as_deref(), "--sta")?;
    let user_ssid = args.ssid.as_ref().map(|s| Ssid(s.as_bytes().to_vec()));
    let mut timeline = Timeline::default();
    let mut inputs = Vec::new();
    for (index, path) in args.files.iter().enumerate() {
        let mut bar = Progress::for_file(path);
        let mut progress = |bytes: u64| bar.update(bytes);
        let options = LoadOptions {
            own_capture_observer: match args.capture_side {
                Side::Station => Observer::Station,
                Side::Ap => Observer::AccessPoint,
            },
        };
        let loaded = handshake::input::load(path, index as u16, options, &mut progress);
        bar.clear();
        let loaded = loaded.with_context(|| format!("reading {}", path.display()))?;
        inputs.push(InputSummary {
            name: path.display().to_string(),
            description: loaded.description,
            limits: loaded.limits,
            skipped: loaded.skipped,
        });
        timeline.add(loaded.input, loaded.events);
    }
    timeline.finish();
    let mut analyses = handshake::analyze(&timeline, user_ssid.as_ref());
    analyses.retain(|a| bssid.is_none_or(|b| a.id.ap == b) && sta.is_none_or(|s| a.id.sta == s));
    let hint = user_ssid
        .clone()
        .or_else(|| analyses.iter().find_map(|a| a.ssid().cloned()));
    let resolved = args.key.resolve(hint.as_ref().map(|s| s.as_bytes()))?;
    let key_given = resolved.is_some();
    if let Some(resolved) = resolved {
        let mut cache = PmkCache::new(resolved.key);
        let mut input = KeyInput {
            cache: &mut cache,
            typo_search: !args.no_typo_search,
        };
        for analysis in &mut analyses {
            // A network block's SSID is what the station hashed the
            // passphrase with: try it too (wpa_passphrase on another name
            // is a classic).
            if let Some(ssid) = &resolved.ssid {
                let ssid = Ssid(ssid.clone());
                if !analysis.ssids.contains(&ssid) {
                    analysis.ssids.push(ssid);
                }
            }
            keycheck::run(&timeline.events, analysis, &mut input);
        }
    }
    let diagnosis = diagnose::diagnose(&timeline, &analyses);
    let exit = if diagnosis.all_ok() {
        EXIT_OK
    } else {
        EXIT_FAILURE_FOUND
    };
    let report = Report {
        timeline: &timeline,
        analyses: &analyses,
        diagnosis: &diagnosis,
        inputs,
        key_given,
    };
    // Stdout is line-buffered: a report of thousands of links would cost
    // a write call per line.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match args.format {
        Format::Json => report::json::write(&report, args.redact, exit, &mut out)?,
        Format::Text | Format::Markdown => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    args.format == Format::Text
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let style = report::text::Style {
                markdown: args.format == Format::Markdown,
                color: color && args.format == Format::Text,
                redact: args.redact,
            };
            report::text::write(&report, style, &mut out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(exit))
}

fn parse_mac(text: Option<&str>, flag: &str) -> anyhow::Result<Option<MacAddr>> {
    text.map(|t| MacAddr::parse(t).with_context(|| format!("{flag}: not a MAC address: {t}")))
        .transpose()
}

/// Which side of the link a capture interface belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// The station's own interface (`tcpdump -i wlan0` on the client).
    Station,
    /// The access point's own interface.
    Ap,
}

/// A one-line progress display on stderr for long reads: only when stderr
/// is a terminal and the file is large enough to take a while. The reader
/// calls `update` every 65,536 records; drawing is limited to ten times a
/// second, so the cost is one clock read per call.
struct Progress {
    active: bool,
    /// File size, for the percentage; `None` for gzip, whose offsets are
    /// of the decompressed stream.
    total: Option<u64>,
    name: String,
    started: std::time::Instant,
    last_draw: Option<std::time::Instant>,
    drawn: bool,
}

impl Progress {
    /// Files below this are read in well under a second.
    const MIN_SIZE: u64 = 50 << 20;
    const INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

    fn for_file(path: &std::path::Path) -> Progress {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let active = size >= Self::MIN_SIZE && std::io::stderr().is_terminal();
        let gzip = active && {
            let mut magic = [0u8; 2];
            std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
                .is_ok()
                && magic == [0x1f, 0x8b]
        };
        Progress {
            active,
            total: (!gzip).then_some(size),
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            started: std::time::Instant::now(),
            last_draw: None,
            drawn: false,
        }
    }

    fn update(&mut self, bytes: u64) {
        if !self.active {
            return;
        }
        let now = std::time::Instant::now();
        let due = match self.last_draw {
            Some(last) => now.duration_since(last) >= Self::INTERVAL,
            // The first draw waits a moment: short reads stay silent.
            None => now.duration_since(self.started) >= Self::INTERVAL * 3,
        };
        if !due {
            return;
        }
        self.last_draw = Some(now);
        let seconds = now.duration_since(self.started).as_secs_f64();
        let megabytes = bytes as f64 / 1e6;
        let rate = if seconds > 0.0 {
            megabytes / seconds
        } else {
            0.0
        };
        let percent = match self.total {
            Some(total) if total > 0 => format!("{:3.0}% ", bytes as f64 * 100.0 / total as f64),
            _ => String::new(),
        };
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[Kreading {}: {percent}{megabytes:.0} MB, {rate:.0} MB/s",
            self.name
        );
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
            self.drawn = false;
        }
    }
}
