//! `wpadiag analyze`: read captures and logs, replay the handshakes,
//! name the cause, print the report.

use std::io::{IsTerminal, Read as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use crate::cli::{
    Color, EXIT_ERROR, EXIT_FAILURE_FOUND, EXIT_OK, Format,
    key_args::{KeyArgs, ResolvedKey},
};
use wpadiag::{
    crypto::PmkCache,
    diagnose::{self, Diagnosis},
    handshake::{
        self, LinkAnalysis, Observer, Timeline,
        condense::{Closed, Judge},
        event::Ssid,
        input::{Condense, LoadOptions},
        keycheck::{self, KeyInput},
    },
    report::{self, InputSummary, Report, redact::Namer},
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

    /// Also write the (first) capture to OUT.pcapng with wpadiag's notes as
    /// packet comments: Wireshark shows them as frame.comment.
    #[arg(long, value_name = "OUT.pcapng")]
    pub annotate: Option<PathBuf>,

    /// Show everything: the timeline of every attempt (by default: the verdict's and the
    /// last ones), every row of a flood of alike frames and every piece of evidence (by
    /// default counted once past a few).
    #[arg(short, long)]
    pub verbose: bool,

    /// Keep and analyse every attempt. By default, from a link's third
    /// attempt on, an attempt of a single capture whose findings equal a
    /// later attempt's is counted on that one and its frames are let go,
    /// so a day of traffic needs no more memory than an hour. The report
    /// lists what was counted where.
    #[arg(long)]
    pub all_attempts: bool,

    /// Do not try typo variants of a passphrase that verifies nothing.
    #[arg(long)]
    pub no_typo_search: bool,

    /// Analyse each file on its own and print one summary line per link
    /// (what a directory argument always does).
    #[arg(long)]
    pub each: bool,

    #[command(flatten)]
    pub key: KeyArgs,
}

/// From this many attempts on a link, attempts with equal findings fold.
pub const CONDENSE_FROM: u64 = 3;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.each || args.files.iter().any(|f| f.is_dir()) {
        return run_each(&args);
    }
    let analysed = analyse(&args, &args.files, &mut key_resolver(&args.key)?)?;
    if let Some(out) = &args.annotate {
        let capture = analysed
            .timeline
            .inputs
            .iter()
            .position(|input| matches!(input.kind, handshake::InputKind::Capture { .. }))
            .context("--annotate needs a capture among the inputs")?;
        let (frames, commented) = crate::cli::annotate::write(
            &analysed.report(),
            capture as u16,
            &args.files[capture],
            out,
        )?;
        eprintln!(
            "wpadiag: wrote {} ({frames} frames, {commented} with comments)",
            out.display()
        );
    }
    let output = Output {
        format: args.format,
        color: args.color,
        redact: args.redact,
        verbose: args.verbose,
    };
    write_report(&analysed.report(), analysed.exit_status(), output)
}

/// What analysing one set of inputs produced; a [`Report`] borrows it.
pub struct Analysed {
    pub timeline: Timeline,
    pub analyses: Vec<LinkAnalysis>,
    pub diagnosis: Diagnosis,
    pub inputs: Vec<InputSummary>,
    pub key_given: bool,
}

impl Analysed {
    pub fn exit_status(&self) -> u8 {
        if self.diagnosis.all_ok() {
            EXIT_OK
        } else {
            EXIT_FAILURE_FOUND
        }
    }

    pub fn report(&self) -> Report<'_> {
        Report {
            timeline: &self.timeline,
            analyses: &self.analyses,
            diagnosis: &self.diagnosis,
            inputs: self.inputs.clone(),
            key_given: self.key_given,
        }
    }
}

/// Gives the key for the SSID the inputs show (`None`: no key given).
pub type KeyResolver<'a> = dyn FnMut(Option<&[u8]>) -> anyhow::Result<Option<ResolvedKey>> + 'a;

/// The resolver for `key`. A key that does not depend on the SSID seen
/// (all but --config) is asked for now, once: --ask must not prompt in the
/// middle of a progress bar, nor once per file.
fn key_resolver(
    key: &KeyArgs,
) -> anyhow::Result<impl FnMut(Option<&[u8]>) -> anyhow::Result<Option<ResolvedKey>> + '_> {
    let fixed = match key.config {
        Some(_) => None,
        None => Some(key.resolve_explicit()?),
    };
    Ok(move |hint: Option<&[u8]>| match &fixed {
        Some(resolved) => Ok(resolved.clone()),
        None => key.resolve(hint),
    })
}

/// Reads `files` onto one timeline, replays the handshakes, checks the key
/// (`resolve_key` gets the SSID seen, for --config), and diagnoses.
pub fn analyse(
    args: &Args,
    files: &[PathBuf],
    resolve_key: &mut KeyResolver<'_>,
) -> anyhow::Result<Analysed> {
    if files.len() > usize::from(u16::MAX) {
        anyhow::bail!("too many input files (at most {})", u16::MAX);
    }
    let bssid = parse_mac(args.bssid.as_deref(), "--bssid")?;
    let sta = parse_mac(args.sta.as_deref(), "--sta")?;
    let user_ssid = args.ssid.as_ref().map(|s| Ssid(s.as_bytes().to_vec()));
    let mut key = LazyKey {
        resolve: resolve_key,
        resolved: None,
        judge_without: false,
    };
    let mut timeline = Timeline::default();
    let mut inputs = Vec::new();
    // After a read long enough for a progress bar, the analysis of what it
    // held can take seconds too: say what is going on meanwhile.
    let mut status = Status::default();
    for (index, path) in files.iter().enumerate() {
        let mut bar = Progress::for_file(path);
        status.active |= bar.active;
        let mut progress = |bytes: u64| bar.update(bytes);
        let options = LoadOptions {
            own_capture_observer: match args.capture_side {
                Side::Station => Observer::Station,
                Side::Ap => Observer::AccessPoint,
            },
        };
        let mut judge = SameFindings {
            user_ssid: user_ssid.as_ref(),
            key: &mut key,
        };
        // Attempts seen in several inputs are matched up on the timeline:
        // condensing one input's would leave the others' without them.
        let condense = (files.len() == 1 && !args.all_attempts).then_some(Condense {
            from: CONDENSE_FROM,
            judge: &mut judge,
        });
        let loaded = handshake::input::load(path, index as u16, options, condense, &mut progress);
        bar.clear();
        let mut loaded = loaded.with_context(|| format!("reading {}", path.display()))?;
        if loaded.condensed > 0 {
            loaded.limits.push(format!(
                "{} attempts had the same findings as a later attempt of their link and were counted on it; their frames are not shown (--all-attempts keeps each)",
                loaded.condensed
            ));
        }
        inputs.push(InputSummary {
            name: path.display().to_string(),
            description: loaded.description,
            limits: loaded.limits,
            skipped: loaded.skipped,
        });
        timeline.add(loaded.input, loaded.events);
        timeline.plan.extend(loaded.plan);
    }
    status.show(&format!(
        "analysing {}",
        plural(timeline.events.len(), "event")
    ));
    timeline.finish();
    let mut analyses = handshake::analyze(&timeline, user_ssid.as_ref());
    timeline.release_plan();
    analyses.retain(|a| bssid.is_none_or(|b| a.id.ap == b) && sta.is_none_or(|s| a.id.sta == s));
    let hint = user_ssid
        .clone()
        .or_else(|| analyses.iter().find_map(|a| a.ssid().cloned()));
    let resolved = key.get(hint.as_ref().map(|s| s.as_bytes()))?;
    let key_given = resolved.is_some();
    if let Some(resolved) = resolved {
        status.show(&format!(
            "checking the key on {}",
            plural(analyses.len(), "link")
        ));
        let mut input = KeyInput::new(&mut resolved.cache, !args.no_typo_search);
        check_keys(
            &timeline,
            &mut analyses,
            resolved.network_ssid.as_deref(),
            &mut input,
        );
    }
    // Their memory serves the diagnosis and the report instead.
    timeline.release_frames();
    status.show(&format!("diagnosing {}", plural(analyses.len(), "link")));
    let diagnosis = diagnose::diagnose(&timeline, &analyses);
    Ok(Analysed {
        timeline,
        analyses,
        diagnosis,
        inputs,
        key_given,
    })
}

/// The key, resolved when first needed: by the first attempt judged while
/// reading, else after reading (the SSID seen picks a --config block).
struct LazyKey<'r, 'a> {
    resolve: &'r mut KeyResolver<'a>,
    resolved: Option<Option<Resolved>>,
    /// Resolving for the judge failed (say, no --config block for the
    /// SSID it saw): nothing folds, and the key is resolved after reading
    /// as without condensing, with the same errors.
    judge_without: bool,
}

struct Resolved {
    cache: PmkCache,
    network_ssid: Option<Vec<u8>>,
}

impl LazyKey<'_, '_> {
    fn get(&mut self, hint: Option<&[u8]>) -> anyhow::Result<Option<&mut Resolved>> {
        if self.resolved.is_none() {
            let key = (self.resolve)(hint)?;
            self.resolved = Some(key.map(|k| Resolved {
                cache: PmkCache::new(k.key),
                network_ssid: k.ssid,
            }));
        }
        Ok(self.resolved.as_mut().and_then(Option::as_mut))
    }
}

/// Folds a link's attempts whose diagnosis is the same. Each attempt that
/// has ended is replayed, key-checked (without the typo search) and
/// diagnosed on its own, with the AP's Beacon and the event that began the
/// next attempt, so that "the last attempt" means what it will mean in the
/// whole analysis. Attempts with the same findings (ids, confidence,
/// summaries) fold.
struct SameFindings<'s, 'k, 'r, 'a> {
    user_ssid: Option<&'s Ssid>,
    key: &'k mut LazyKey<'r, 'a>,
}

impl Judge for SameFindings<'_, '_, '_, '_> {
    fn key(&mut self, closed: &Closed<'_>) -> Option<Vec<u8>> {
        if self.key.judge_without {
            return None;
        }
        let timeline = closed.timeline();
        let mut analyses = handshake::analyze(&timeline, self.user_ssid);
        analyses.retain(|a| a.id == closed.link);
        let link = analyses.first_mut()?;
        let hint = self
            .user_ssid
            .or(link.ssid())
            .map(|s| s.as_bytes().to_vec());
        match self.key.get(hint.as_deref()) {
            Ok(Some(resolved)) => {
                let mut input = KeyInput::new(&mut resolved.cache, false);
                let network_ssid = resolved.network_ssid.clone();
                check_keys(
                    &timeline,
                    std::slice::from_mut(link),
                    network_ssid.as_deref(),
                    &mut input,
                );
                if !keycheck::self_contained(link, 0) {
                    return None;
                }
            }
            Ok(None) => {}
            Err(_) => {
                self.key.judge_without = true;
                return None;
            }
        }
        let coverage = diagnose::Coverage::of(&timeline, link);
        let mut key = Vec::new();
        // Pointers that are never a verdict (suspicious frames) are only
        // looked for in a link's first attempt: they do not tell attempts apart.
        for finding in diagnose::findings_of(&timeline, link, coverage, 0)
            .into_iter()
            .filter(diagnose::may_be_verdict)
        {
            key.extend(finding.id.as_bytes());
            key.push(0);
            key.extend(finding.confidence.as_str().as_bytes());
            key.push(0);
            key.extend(finding.summary.as_bytes());
            key.push(0xFF);
        }
        Some(key)
    }
}

/// How a report is printed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Output {
    pub format: Format,
    pub color: Color,
    pub redact: bool,
    /// Every attempt's timeline, every row and every piece of evidence.
    pub verbose: bool,
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
    write_report(&report, exit, output)
}

/// Prints `report` to stdout in the chosen format; returns `exit` as the
/// process's status.
fn write_report(report: &Report<'_>, exit: u8, output: Output) -> anyhow::Result<ExitCode> {
    // Stdout is line-buffered: a report of thousands of links would cost
    // a write call per line.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match output.format {
        Format::Json => report::json::write(report, output.redact, exit, &mut out)?,
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
                verbose: output.verbose,
            };
            report::text::write(report, style, &mut out)?;
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

/// `--each`, or a directory among the inputs: every capture and log on its
/// own (a directory's files recursively, in name order), one summary line
/// per link. Exit status: 2 when a file could not be read, else 1 when any
/// file's analysis is not all-OK, else 0.
fn run_each(args: &Args) -> anyhow::Result<ExitCode> {
    let (files, skipped) = collect_inputs(&args.files)?;
    if files.is_empty() {
        anyhow::bail!(
            "no captures or wpa_supplicant/hostapd logs found in {}",
            args.files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // Ask for the key once, not once per file; a --config file is read per
    // file because the SSID each capture shows picks the network block.
    let mut resolve = key_resolver(&args.key)?;
    let show_progress = files.len() > 5 && std::io::stderr().is_terminal();
    // One namer for the whole table, so a pseudonym means the same AP or
    // network on every line.
    let namer = Namer::new(args.redact);
    let mut rows = Vec::new();
    let mut documents = Vec::new();
    let mut exit = EXIT_OK;
    for (index, file) in files.iter().enumerate() {
        if show_progress {
            eprint!(
                "\r\x1b[Kanalysing {}/{}: {}",
                index + 1,
                files.len(),
                file.name
            );
        }
        // Each result is reduced to its table lines or JSON document at
        // once: a directory of large captures is not held in memory.
        let result = analyse(args, std::slice::from_ref(&file.path), &mut resolve);
        let name = namer.file(&file.name, index);
        match &result {
            Ok(analysed) => exit = exit.max(analysed.exit_status()),
            Err(err) => {
                if show_progress {
                    eprint!("\r\x1b[K");
                }
                eprintln!("wpadiag: {err:#}");
                exit = EXIT_ERROR;
            }
        }
        if args.format == Format::Json {
            documents.push(each_document(args, name, &result)?);
        } else {
            rows.extend(summary_rows(name, &result, &namer));
        }
    }
    if show_progress {
        eprint!("\r\x1b[K");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &documents)?;
        writeln!(out)?;
    } else {
        let markdown = args.format == Format::Markdown;
        write_summary(&rows, files.len(), skipped, markdown, &mut out)?;
    }
    out.flush()?;
    Ok(ExitCode::from(exit))
}

/// One input of a per-file run.
struct EachInput {
    path: PathBuf,
    /// As the summary shows it: relative to the directory it was found in.
    name: String,
}

/// Expands directories into the captures and logs they hold; plain files
/// are taken as given. Returns the inputs and the number of directory
/// entries skipped as neither.
fn collect_inputs(paths: &[PathBuf]) -> anyhow::Result<(Vec<EachInput>, usize)> {
    let mut inputs = Vec::new();
    let mut skipped = 0;
    for path in paths {
        if !path.is_dir() {
            inputs.push(EachInput {
                path: path.clone(),
                name: path.display().to_string(),
            });
            continue;
        }
        let mut found = Vec::new();
        walk(path, &mut found).with_context(|| format!("reading {}", path.display()))?;
        found.sort();
        for file in found {
            if !is_capture_or_log(&file) {
                skipped += 1;
                continue;
            }
            let relative = file.strip_prefix(path).unwrap_or(&file);
            let name = if paths.len() == 1 {
                relative.display().to_string()
            } else {
                file.display().to_string()
            };
            inputs.push(EachInput { path: file, name });
        }
    }
    Ok((inputs, skipped))
}

/// Every regular file under `dir`, hidden ones left out. Symbolic links to
/// files are followed, to directories not (a link cycle cannot loop).
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

/// A capture by its magic, or a text file in which the log reader
/// recognises wpa_supplicant or hostapd lines: READMEs, notes and
/// configuration files next to the captures are not inputs. A log may
/// open with a long scan before its first recognised line, so the test
/// reads well past the 64 KiB `from_log::sniff` looks at, within a bound.
fn is_capture_or_log(path: &Path) -> bool {
    const LOG_SNIFF_LEN: u64 = 16 << 20;
    match wpadiag::source::detect(path) {
        Ok(wpadiag::source::InputKind::Capture) => true,
        Ok(wpadiag::source::InputKind::Text) => std::fs::File::open(path)
            .ok()
            .and_then(|file| {
                let reader = std::io::BufReader::new(file.take(LOG_SNIFF_LEN));
                handshake::from_log::events_from_reader(reader, 0).ok()
            })
            .is_some_and(|(_, stats)| stats.daemon.is_some() || stats.recognized > 0),
        _ => false,
    }
}

/// One line of the summary table.
struct SummaryRow {
    file: String,
    bssid: String,
    sta: String,
    ssid: String,
    verdict: String,
    confidence: String,
    ok: bool,
}

/// The table lines of one file: one per link, one per finding about no
/// link in particular (without it a failing file could show no failure).
fn summary_rows(name: String, result: &anyhow::Result<Analysed>, namer: &Namer) -> Vec<SummaryRow> {
    let dash = || "-".to_string();
    let other = |verdict: &str, confidence: &str, ok: bool| SummaryRow {
        file: name.clone(),
        bssid: dash(),
        sta: dash(),
        ssid: dash(),
        verdict: verdict.to_string(),
        confidence: confidence.to_string(),
        ok,
    };
    let analysed = match result {
        Ok(analysed) => analysed,
        Err(_) => return vec![other("unreadable", "-", false)],
    };
    let diagnosis = &analysed.diagnosis;
    let mut rows: Vec<SummaryRow> = diagnosis
        .links
        .iter()
        .map(|link| SummaryRow {
            file: name.clone(),
            bssid: namer.ap(link.id.ap),
            sta: namer.sta(link.id.sta),
            ssid: link.ssid.as_ref().map_or_else(dash, |s| namer.ssid(s)),
            verdict: link.verdict.id.to_string(),
            confidence: link.verdict.confidence.as_str().to_string(),
            ok: link.verdict.is_success(),
        })
        .collect();
    for finding in &diagnosis.general {
        rows.push(other(
            finding.id,
            finding.confidence.as_str(),
            finding.is_success(),
        ));
    }
    if rows.is_empty() {
        rows.push(other(diagnosis.verdict(), "-", false));
    }
    rows
}

fn write_summary(
    rows: &[SummaryRow],
    files: usize,
    skipped: usize,
    markdown: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let header = ["FILE", "BSSID", "STATION", "SSID", "VERDICT", "CONFIDENCE"];
    let cells = |row: &SummaryRow| {
        [
            row.file.clone(),
            row.bssid.clone(),
            row.sta.clone(),
            row.ssid.clone(),
            row.verdict.clone(),
            row.confidence.clone(),
        ]
    };
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(cells(row)) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |out: &mut dyn Write, cells: [String; 6]| -> std::io::Result<()> {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = width.saturating_sub(cell.chars().count());
            if markdown {
                // `|` in an SSID or file name would end the cell.
                text.push_str("| ");
                text.push_str(&cell.replace('|', "\\|"));
                text.push_str(&" ".repeat(pad + 1));
            } else {
                text.push_str(cell);
                if i + 1 < cells.len() {
                    text.push_str(&" ".repeat(pad + 2));
                }
            }
        }
        if markdown {
            text.push('|');
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, header.map(String::from))?;
    if markdown {
        line(out, widths.map(|w| "-".repeat(w)))?;
    }
    for row in rows {
        line(out, cells(row))?;
    }
    let links = rows.iter().filter(|r| r.bssid != "-").count();
    let completed = rows.iter().filter(|r| r.bssid != "-" && r.ok).count();
    let failed = rows.iter().filter(|r| !r.ok).count();
    writeln!(out)?;
    write!(
        out,
        "{}, {}: {completed} completed; {}",
        plural(files, "file"),
        plural(links, "link"),
        plural(failed, "line"),
    )?;
    write!(out, " with a failure")?;
    if skipped > 0 {
        write!(
            out,
            "; {skipped} other files skipped (neither capture nor log)"
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Run `wpadiag analyze FILE` on one file for its full report."
    )
}

/// One file's entry in the JSON array: its `analyze --format json`
/// document with a `file` key added, or `{"file", "error", "exit_status":
/// 2}` when it could not be read.
fn each_document(
    args: &Args,
    name: String,
    result: &anyhow::Result<Analysed>,
) -> anyhow::Result<serde_json::Value> {
    let analysed = match result {
        Ok(analysed) => analysed,
        Err(err) => {
            return Ok(serde_json::json!({
                "file": name,
                "error": format!("{err:#}"),
                "exit_status": EXIT_ERROR,
            }));
        }
    };
    let mut buffer = Vec::new();
    report::json::write(
        &analysed.report(),
        args.redact,
        analysed.exit_status(),
        &mut buffer,
    )?;
    let mut document: serde_json::Value = serde_json::from_slice(&buffer)?;
    if let Some(object) = document.as_object_mut() {
        object.insert("file".to_string(), name.into());
    }
    Ok(document)
}

/// A one-line note on stderr of the analysis step under way, drawn only
/// after a read that showed a progress bar; gone when it is dropped, errors
/// included, before anything else is printed.
#[derive(Default)]
struct Status {
    active: bool,
    drawn: bool,
}

impl Status {
    fn show(&mut self, what: &str) {
        if self.active {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K{what}...");
            let _ = err.flush();
            self.drawn = true;
        }
    }
}

impl Drop for Status {
    fn drop(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[K");
        }
    }
}

/// "1 link", "2 links".
fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
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
