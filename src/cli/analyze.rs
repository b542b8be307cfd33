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
        self, LinkAnalysis, Observer, Timeline,
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
        let mut progress = |_bytes: u64| {};
        let options = LoadOptions {
            own_capture_observer: match args.capture_side {
                Side::Station => Observer::Station,
                Side::Ap => Observer::AccessPoint,
            },
        };
        let loaded = handshake::input::load(path, index as u16, options, &mut progress)
            .with_context(|| format!("reading {}", path.display()))?;
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
        check_keys(
            &timeline,
            &mut analyses,
            resolved.ssid.as_deref(),
            &mut input,
        );
    }
    let output = Output {
        format: args.format,
        color: args.color,
        redact: args.redact,
    };
    print_report(&timeline, &analyses, inputs, key_given, output)
}

/// How a report is printed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub format: Format,
    pub color: Color,
    pub redact: bool,
}

/// Runs the key checks on every link. `network_ssid` is the SSID of the
/// wpa_supplicant.conf block the key came from, if any.
pub(crate) fn check_keys(
    timeline: &Timeline,
    analyses: &mut [LinkAnalysis],
    network_ssid: Option<&[u8]>,
    input: &mut KeyInput<'_>,
) {
    for analysis in analyses {
        // A network block's SSID is what the station hashed the
        // passphrase with: try it too (wpa_passphrase on another name
        // is a classic).
        if let Some(ssid) = network_ssid {
            let ssid = Ssid(ssid.to_vec());
            if !analysis.ssids.contains(&ssid) {
                analysis.ssids.push(ssid);
            }
        }
        keycheck::run(&timeline.events, analysis, input);
    }
}

/// Diagnoses the analysed links and prints the report to stdout; the exit
/// status says whether a failure was found.
pub(crate) fn print_report(
    timeline: &Timeline,
    analyses: &[LinkAnalysis],
    inputs: Vec<InputSummary>,
    key_given: bool,
    output: Output,
) -> anyhow::Result<ExitCode> {
    let diagnosis = diagnose::diagnose(timeline, analyses);
    let exit = if diagnosis.all_ok() {
        EXIT_OK
    } else {
        EXIT_FAILURE_FOUND
    };
    let report = Report {
        timeline,
        analyses,
        diagnosis: &diagnosis,
        inputs,
        key_given,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match output.format {
        Format::Json => report::json::write(&report, output.redact, exit, &mut out)?,
        Format::Text | Format::Markdown => {
            let color = match output.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    output.format == Format::Text
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let style = report::text::Style {
                markdown: output.format == Format::Markdown,
                color: color && output.format == Format::Text,
                redact: output.redact,
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
