//! The terminal and Markdown reports. Same content, two dressings: the
//! Markdown one is made to be pasted into a mailing-list or bug-tracker
//! thread (verdict first, fixed-width timeline in a code block, no colour).

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use owo_colors::OwoColorize;

use crate::diagnose::{Confidence, Finding, LinkDiagnosis};
use crate::handshake::{LinkAnalysis, Origin, keycheck::MicStatus};
use crate::report::{
    model::{Direction, Report, Row, origin_short, origin_text},
    redact::Namer,
};
use crate::wire::eapol::KeyMsg;

#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub markdown: bool,
    pub color: bool,
    pub redact: bool,
    /// Every attempt's timeline, not only the verdict's and the last ones,
    /// and every row and piece of evidence, none counted.
    pub verbose: bool,
}

/// Without --verbose, links with more attempts than this show the
/// timeline of the verdict's attempt and the last ones only.
const ATTEMPTS_SHOWN: usize = 3;

/// Without --verbose, a run of more alike timeline rows than this (a
/// deauthentication flood, say) shows its first row and a count. Shorter
/// runs, such as the retransmissions of one message, keep their timing.
const ALIKE_SHOWN: usize = 8;

/// Without --verbose, a note repeated in more pieces of a finding's
/// evidence than this (one per frame of a flood) is listed once, counted.
/// A daemon's four retries of a handshake stay below it, in their order.
const ALIKE_EVIDENCE: usize = 8;

/// Without --verbose, a finding with more evidence lines than this (thousands,
/// in a deauthentication flood) shows the first `EVIDENCE_SHOWN - 1` items
/// and a count of the rest. A wrong key's four rounds in both daemons'
/// logs stay well below it.
const EVIDENCE_SHOWN: usize = 40;

pub fn write(report: &Report<'_>, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let namer = Namer::new(style.redact);
    // APs first, so pseudonyms number APs and stations separately and stably.
    for link in &report.diagnosis.links {
        namer.ap(link.id.ap);
    }
    let verdict = report.diagnosis.verdict();
    let headline = headline(report);
    if style.markdown {
        writeln!(out, "## wpadiag: `{verdict}`")?;
        writeln!(out)?;
        writeln!(out, "{headline}")?;
    } else {
        let label = paint(style, verdict, verdict_is_ok(verdict));
        writeln!(out, "verdict: {label}")?;
        writeln!(out, "  {headline}")?;
    }
    let analyses = report.analyses_by_id();
    for (index, link) in report.diagnosis.links.iter().enumerate() {
        writeln!(out)?;
        let Some(analysis) = analyses.get(&link.id) else {
            continue;
        };
        write_link(report, style, &namer, index, link, analysis, out)?;
    }
    if !report.diagnosis.general.is_empty() {
        writeln!(out)?;
        heading(style, out, "Findings about the inputs as a whole")?;
        for finding in &report.diagnosis.general {
            write_finding(report, style, &namer, finding, out)?;
        }
    }
    writeln!(out)?;
    heading(style, out, "Inputs and environment")?;
    for (index, input) in report.inputs.iter().enumerate() {
        let name = namer.file(&input.name, index);
        if style.markdown {
            writeln!(out, "- `{name}`: {}", input.description)?;
        } else {
            writeln!(out, "  {}: {name}: {}", index + 1, input.description)?;
        }
        for limit in &input.limits {
            bullet(style, out, 2, &format!("cannot show: {limit}"))?;
        }
        for skipped in &input.skipped {
            bullet(style, out, 2, &format!("skipped: {skipped}"))?;
        }
    }
    if style.markdown {
        writeln!(out)?;
        writeln!(
            out,
            "wpadiag {} ({} {}); no key material is included in this report.",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH
        )?;
    } else {
        writeln!(out, "  wpadiag {}", env!("CARGO_PKG_VERSION"))?;
    }
    Ok(())
}

fn headline(report: &Report<'_>) -> String {
    match report.diagnosis.headline().filter(|f| !f.is_success()) {
        Some(finding) => format!(
            "{}. Confidence: {}.",
            capitalize(&finding.summary),
            finding.confidence.as_str()
        ),
        None if report.diagnosis.links.is_empty() => "Nothing to analyse.".to_string(),
        None => format!(
            "Every handshake in the inputs completed ({} link(s)).",
            report.diagnosis.links.len()
        ),
    }
}

fn write_link(
    report: &Report<'_>,
    style: Style,
    namer: &Namer,
    index: usize,
    link: &LinkDiagnosis,
    analysis: &LinkAnalysis,
    out: &mut dyn Write,
) -> io::Result<()> {
    let ssid = link
        .ssid
        .as_ref()
        .map(|s| format!(" SSID \"{}\"", namer.ssid(s)))
        .unwrap_or_default();
    heading(
        style,
        out,
        &format!(
            "Link {}: AP {} <-> station {}{ssid}",
            index + 1,
            namer.ap(link.id.ap),
            namer.sta(link.id.sta)
        ),
    )?;
    let verdict = &link.verdict;
    let label = paint(style, verdict.id, verdict.is_success());
    if style.markdown {
        writeln!(
            out,
            "**Verdict: `{}` ({})**: {}",
            verdict.id,
            verdict.confidence.as_str(),
            verdict.summary
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "  verdict: {label} ({}): {}",
            verdict.confidence.as_str(),
            verdict.summary
        )?;
    }
    let key = report.key_summary(analysis);
    if key.given {
        let yes_no = |v: Option<bool>| match v {
            Some(true) => "yes",
            Some(false) => "no",
            None => "cannot tell",
        };
        let mut line = format!(
            "key: the station uses your key: {}; the AP uses your key: {}",
            yes_no(key.station_uses_given_key),
            yes_no(key.ap_uses_given_key)
        );
        if !key.proved_by.is_empty() {
            line.push_str(&format!(" (proved by {})", key.proved_by.join(", ")));
        }
        if let Some(variant) = &key.variant {
            line.push_str(&format!(
                "; a variant of your passphrase verifies: {variant}"
            ));
        }
        plain(style, out, &line)?;
    } else {
        plain(
            style,
            out,
            "key: none given (pass --ask, --passphrase-file or --config to check MICs)",
        )?;
    }
    for (whose, description) in analysis.security_elements(&report.timeline.events) {
        plain(style, out, &format!("security ({whose}): {description}"))?;
    }
    // Attempts.
    if style.markdown {
        writeln!(out)?;
        writeln!(out, "| attempt | verdict | M1 | M2 | M3 | M4 | G1 | G2 |")?;
        writeln!(out, "|---|---|---|---|---|---|---|---|")?;
    } else {
        writeln!(out, "  attempts:")?;
        writeln!(
            out,
            "    {:<3} {:<22} {:>3} {:>3} {:>3} {:>3} {:>3} {:>3}",
            "#", "verdict", "M1", "M2", "M3", "M4", "G1", "G2"
        )?;
    }
    for (a, facts) in analysis.attempts.iter().enumerate() {
        let counts: Vec<usize> = [
            KeyMsg::M1,
            KeyMsg::M2,
            KeyMsg::M3,
            KeyMsg::M4,
            KeyMsg::Group1,
            KeyMsg::Group2,
        ]
        .iter()
        .map(|&m| facts.count(m))
        .collect();
        let attempt_verdict = link
            .attempt_verdicts
            .get(a)
            .copied()
            .flatten()
            .unwrap_or("-");
        let number = analysis.attempt_number(a);
        let repeats = analysis.repeats(a).map(|r| {
            let which = if r.count == 1 {
                format!("#{}, {}", r.first_number, origin_text(r.first))
            } else {
                format!(
                    "#{}-#{}, the first at {}, the last at {}",
                    r.first_number,
                    r.last_number,
                    origin_text(r.first),
                    origin_text(r.last)
                )
            };
            format!(
                "{} earlier attempt{} with the same findings ({which}): counted here, not shown",
                r.count,
                if r.count == 1 { "" } else { "s" },
            )
        });
        if style.markdown {
            let number = match &repeats {
                Some(note) => format!("{number} (and {note})"),
                None => number.to_string(),
            };
            writeln!(
                out,
                "| {} | `{attempt_verdict}` | {} | {} | {} | {} | {} | {} |",
                number, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5]
            )?;
        } else {
            writeln!(
                out,
                "    {:<3} {:<22} {:>3} {:>3} {:>3} {:>3} {:>3} {:>3}",
                number,
                attempt_verdict,
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                counts[4],
                counts[5]
            )?;
            if let Some(note) = repeats {
                writeln!(out, "        + {note}")?;
            }
        }
    }
    // Timeline.
    let rows = report.rows(analysis);
    if style.markdown {
        writeln!(out)?;
        writeln!(out, "Timeline (seconds from the first event):")?;
        writeln!(out)?;
        writeln!(out, "```")?;
    } else {
        writeln!(out, "  timeline (seconds from the first event):")?;
    }
    let several = report.inputs.len() > 1;
    let indent = if style.markdown { "" } else { "    " };
    writeln!(
        out,
        "{indent}{:>9} {:>8} {:<7} {:<34} {:>5} {:<4} {:>5} MIC",
        "time", "at", "dir", "what", "rc", "ack", "dBm"
    )?;
    let epoch = report.epoch();
    let attempts = analysis.attempts.len();
    let shown = |attempt: usize| {
        style.verbose
            || attempts <= ATTEMPTS_SHOWN
            || attempt + ATTEMPTS_SHOWN > attempts
            || link.verdict.attempt == Some(attempt)
    };
    let hidden = (0..attempts).filter(|&a| !shown(a)).count();
    if hidden > 0 {
        writeln!(
            out,
            "{indent}{:>9} ({hidden} of {attempts} attempts not shown; -v shows every one)",
            ""
        )?;
    }
    let mut last_attempt = None;
    let shown_rows: Vec<&Row> = rows.iter().filter(|r| shown(r.attempt)).collect();
    let mut at = 0;
    while let Some(&row) = shown_rows.get(at) {
        if last_attempt.is_some() && last_attempt != Some(row.attempt) {
            writeln!(
                out,
                "{indent}{:>9} -- attempt {} --",
                "", row.attempt_number
            )?;
        }
        last_attempt = Some(row.attempt);
        writeln!(out, "{indent}{}", row_text(row, epoch, several))?;
        let run = shown_rows
            .get(at..)
            .unwrap_or_default()
            .iter()
            .take_while(|r| alike(row, r))
            .count();
        if style.verbose || run <= ALIKE_SHOWN {
            at += 1;
            continue;
        }
        let rest = shown_rows.get(at + 1..at + run).unwrap_or_default();
        writeln!(out, "{indent}{}", alike_summary(rest, epoch, several))?;
        at += run;
    }
    if style.markdown {
        writeln!(out, "```")?;
    }
    // Findings.
    if style.markdown {
        writeln!(out)?;
        writeln!(out, "Findings:")?;
        writeln!(out)?;
    } else {
        writeln!(out, "  findings:")?;
    }
    for finding in &link.findings {
        write_finding(report, style, namer, finding, out)?;
    }
    Ok(())
}

/// Rows that say the same thing, whoever sent them: same attempt, same
/// text, same replay counter and MIC result.
fn alike(a: &Row, b: &Row) -> bool {
    a.attempt == b.attempt
        && a.what == b.what
        && a.replay_counter == b.replay_counter
        && a.mic == b.mic
}

/// One line for a run of alike rows after its first: how many, from whom,
/// and where the run ends.
fn alike_summary(rest: &[&Row], epoch: f64, several: bool) -> String {
    let from_ap = rest
        .iter()
        .filter(|r| r.direction == Direction::ApToSta)
        .count();
    let from_sta = rest
        .iter()
        .filter(|r| r.direction == Direction::StaToAp)
        .count();
    let mut senders = Vec::new();
    if from_ap > 0 {
        senders.push(format!("{from_ap} AP->STA"));
    }
    if from_sta > 0 {
        senders.push(format!("{from_sta} STA->AP"));
    }
    let senders = if senders.is_empty() {
        String::new()
    } else {
        format!(" ({})", senders.join(", "))
    };
    let end = rest
        .last()
        .map(|r| {
            let time = r
                .time
                .map(|t| format!(" at {:.3} s", t - epoch))
                .unwrap_or_default();
            format!(", the last: {}{time}", origin_short(r.origin, several))
        })
        .unwrap_or_default();
    format!(
        "{:>9} {:>8} ... and {} more alike{senders}{end} (-v shows every one)",
        "",
        "",
        rest.len()
    )
}

fn row_text(row: &Row, epoch: f64, several: bool) -> String {
    let time = row
        .time
        .map(|t| format!("{:.3}", t - epoch))
        .unwrap_or_else(|| "-".to_string());
    let direction = match row.direction {
        Direction::ApToSta => "AP->STA",
        Direction::StaToAp => "STA->AP",
        Direction::Log(crate::handshake::Observer::AccessPoint) => "AP log",
        Direction::Log(_) => "STA log",
    };
    let counter = row
        .replay_counter
        .map(|c| c.to_string())
        .unwrap_or_default();
    let ack = match row.acked {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "",
    };
    let signal = row.signal_dbm.map(|s| s.to_string()).unwrap_or_default();
    let mic = match row.mic {
        MicStatus::Verified { correction: None } => "ok".to_string(),
        MicStatus::Verified {
            correction: Some(c),
        } => format!("ok (ANonce {:+})", c.delta),
        MicStatus::Failed => "BAD".to_string(),
        MicStatus::Unverifiable(why) => format!("n/a: {why}"),
        MicStatus::NotChecked => String::new(),
    };
    let what = if row.retry {
        format!("{} (retry)", row.what)
    } else {
        row.what.clone()
    };
    let line = format!(
        "{time:>9} {:>8} {direction:<7} {what:<34} {counter:>5} {ack:<4} {signal:>5} {mic}",
        origin_short(row.origin, several)
    );
    line.trim_end().to_string()
}

fn write_finding(
    report: &Report<'_>,
    style: Style,
    namer: &Namer,
    finding: &Finding,
    out: &mut dyn Write,
) -> io::Result<()> {
    let attempt = finding
        .attempt_number
        .map(|a| format!(" (attempt {a})"))
        .unwrap_or_default();
    let confidence = finding.confidence.as_str();
    if style.markdown {
        writeln!(
            out,
            "- **`{}`** ({confidence}){attempt}: {}",
            finding.id, finding.summary
        )?;
    } else {
        let id = paint(style, finding.id, finding.is_success());
        writeln!(out, "    [{confidence}] {id}{attempt}: {}", finding.summary)?;
    }
    if let Some(wanted) = &finding.ssid_wanted {
        bullet(
            style,
            out,
            3,
            &format!("the station wants: \"{}\"", namer.ssid(wanted)),
        )?;
    }
    if let Some(hint) = &finding.ssid_hint {
        bullet(
            style,
            out,
            3,
            &format!("closest SSID seen: \"{}\"", namer.ssid(hint)),
        )?;
    }
    let lines = evidence_lines(finding, style.verbose, report.inputs.len() > 1);
    let listed = if style.verbose || lines.len() <= EVIDENCE_SHOWN {
        lines.len()
    } else {
        EVIDENCE_SHOWN - 1
    };
    for (line, _) in lines.iter().take(listed) {
        bullet(style, out, 3, line)?;
    }
    let rest: usize = lines.iter().skip(listed).map(|(_, n)| n).sum();
    if rest > 0 {
        let last = last_at(finding.evidence.iter().rev().find_map(|e| e.origin));
        bullet(
            style,
            out,
            3,
            &format!("... and {rest} more{last} (-v lists every one)"),
        )?;
    }
    for ruled in &finding.rules_out {
        bullet(style, out, 3, &format!("rules out {ruled}"))?;
    }
    for step in &finding.next_steps {
        bullet(style, out, 3, &format!("next: {step}"))?;
    }
    Ok(())
}

/// A finding's evidence as lines, each with how many pieces it stands for.
/// Without `verbose`, a note repeated many times (one per frame of a
/// flood) is listed once, where it first appears, with a count and its
/// last frame.
fn evidence_lines(finding: &Finding, verbose: bool, several: bool) -> Vec<(String, usize)> {
    let at = |origin: Option<Origin>| match origin {
        Some(origin) if several => format!("{} ", origin_short(origin, true)),
        Some(origin) => format!("{}: ", origin_text(origin)),
        None => String::new(),
    };
    let mut repeats: HashMap<&str, (usize, Option<Origin>)> = HashMap::new();
    for evidence in &finding.evidence {
        let entry = repeats.entry(evidence.note.as_str()).or_default();
        entry.0 += 1;
        entry.1 = evidence.origin.or(entry.1);
    }
    let mut lines = Vec::new();
    let mut summarised = HashSet::new();
    for evidence in &finding.evidence {
        let (count, last) = repeats
            .get(evidence.note.as_str())
            .copied()
            .unwrap_or((1, None));
        let counted = !verbose && count > ALIKE_EVIDENCE;
        if counted && !summarised.insert(evidence.note.as_str()) {
            continue;
        }
        lines.push((format!("{}{}", at(evidence.origin), evidence.note), 1));
        if counted {
            lines.push((
                format!("... and {} more alike{}", count - 1, last_at(last)),
                count - 1,
            ));
        }
    }
    lines
}

/// ", the last at frame N" (nothing without an origin).
fn last_at(origin: Option<Origin>) -> String {
    origin
        .map(|o| format!(", the last at {}", origin_text(o)))
        .unwrap_or_default()
}

fn heading(style: Style, out: &mut dyn Write, text: &str) -> io::Result<()> {
    if style.markdown {
        writeln!(out, "### {text}")?;
        writeln!(out)
    } else if style.color {
        writeln!(out, "{}", text.bold())
    } else {
        writeln!(out, "{text}")
    }
}

fn plain(style: Style, out: &mut dyn Write, text: &str) -> io::Result<()> {
    if style.markdown {
        writeln!(out, "{text}")
    } else {
        writeln!(out, "  {text}")
    }
}

fn bullet(style: Style, out: &mut dyn Write, depth: usize, text: &str) -> io::Result<()> {
    if style.markdown {
        writeln!(out, "{}- {text}", "  ".repeat(depth.saturating_sub(2)))
    } else {
        writeln!(out, "{}- {text}", "  ".repeat(depth + 1))
    }
}

fn paint(style: Style, text: &str, ok: bool) -> String {
    if !style.color {
        text.to_string()
    } else if ok {
        text.green().bold().to_string()
    } else {
        text.red().bold().to_string()
    }
}

fn verdict_is_ok(verdict: &str) -> bool {
    verdict == "handshake-ok"
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

impl Confidence {
    pub fn is_certain(self) -> bool {
        self == Confidence::Certain
    }
}
