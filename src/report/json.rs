//! The JSON report: one document.
//!
//! ```text
//! {
//!   "verdict": ID,                      // the first failing link's, else "handshake-ok"
//!   "exit_status": 0 | 1,
//!   "links": [{
//!     "bssid": MAC, "sta": MAC, "ssid": TEXT | null, "ssid_hex": HEX | null,
//!     "verdict": ID, "confidence": "certain" | "likely" | "possible", "summary": TEXT,
//!     "findings": [{ "id", "confidence", "summary", "attempt": N | null,
//!                    "evidence": [{ "frame": N | null, "line": N | null, "input": N | null, "note" }],
//!                    "rules_out": [TEXT], "next_steps": [TEXT] }],
//!     "key": { "given": BOOL, "station_uses_given_key": BOOL | null, "ap_uses_given_key": BOOL | null,
//!              "proved_by": [TEXT], "variant": TEXT | null },
//!     "security": [{ "whose": "AP" | "station" | "station in msg 2/4", "element": TEXT }],
//!     "attempts": [{ "index": N, "verdict": ID, "m1": N, "m2": N, "m3": N, "m4": N,
//!                    "group1": N, "group2": N,
//!                    "repeats": { "count": N, "first": N, "last": N, "first_frame": N | null,
//!                                 "first_line": N | null, "last_frame": N | null,
//!                                 "last_line": N | null } | null }],
//!     "timeline": [{ "time": SECONDS | null, "frame": N | null, "line": N | null, "input": N,
//!                    "direction": "ap-to-sta" | "sta-to-ap" | "ap-log" | "sta-log", "what": TEXT,
//!                    "replay_counter": N | null, "acked": BOOL | null, "signal_dbm": N | null,
//!                    "mic": "ok" | "bad" | null, "attempt": N }]
//!   }],
//!   "general": [FINDING],               // findings about no link in particular
//!   "inputs": [{ "name", "description", "limits": [TEXT], "skipped": [TEXT] }],
//!   "version": TEXT
//! }
//! ```
//! `input` numbers are 1-based positions in `inputs`. An SSID that is not
//! UTF-8 is given as `$HEX[..]` in `ssid` and always as hex in `ssid_hex`;
//! with `--redact`, `ssid_hex` is null and addresses and SSIDs are pseudonyms.
//! Absent values are `null`, never missing keys.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::diagnose::{Evidence, Finding, LinkDiagnosis};
use crate::handshake::{LinkAnalysis, Observer, Origin, keycheck::MicStatus};
use crate::report::{
    model::{Direction, Report, Row},
    redact::Namer,
};
use crate::wire::{eapol::KeyMsg, hex};

// The documents are serialized straight from these views, without a
// `serde_json::Value` tree: building one per link (a map of owned keys per
// object, and a deep copy of every array `json!` embeds) made the JSON
// report of 10,000 stations take longer than the analysis. Fields are in
// alphabetical order, the order in which the tree printed them.

#[derive(Serialize)]
struct LinkJson<'a> {
    attempts: Vec<AttemptJson>,
    bssid: String,
    confidence: &'static str,
    findings: Vec<FindingJson<'a>>,
    key: KeyJson,
    security: Vec<SecurityJson>,
    ssid: Option<String>,
    ssid_hex: Option<String>,
    sta: String,
    summary: &'a str,
    timeline: Vec<RowJson>,
    verdict: &'static str,
}

#[derive(Serialize)]
struct AttemptJson {
    group1: usize,
    group2: usize,
    index: u64,
    m1: usize,
    m2: usize,
    m3: usize,
    m4: usize,
    repeats: Option<RepeatsJson>,
    verdict: Option<&'static str>,
}

#[derive(Serialize)]
struct RepeatsJson {
    count: u64,
    first: u64,
    first_frame: Option<u64>,
    first_line: Option<u64>,
    last: u64,
    last_frame: Option<u64>,
    last_line: Option<u64>,
}

#[derive(Serialize)]
struct KeyJson {
    ap_uses_given_key: Option<bool>,
    given: bool,
    proved_by: Vec<String>,
    station_uses_given_key: Option<bool>,
    variant: Option<String>,
}

#[derive(Serialize)]
struct SecurityJson {
    element: String,
    whose: &'static str,
}

#[derive(Serialize)]
struct RowJson {
    acked: Option<bool>,
    attempt: u64,
    direction: &'static str,
    frame: Option<u64>,
    input: u32,
    line: Option<u64>,
    mic: Option<&'static str>,
    replay_counter: Option<u64>,
    signal_dbm: Option<i8>,
    time: Option<f64>,
    what: String,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    attempt: Option<u64>,
    confidence: &'static str,
    evidence: Vec<EvidenceJson<'a>>,
    id: &'static str,
    next_steps: &'a [Cow<'static, str>],
    rules_out: &'a [Cow<'static, str>],
    ssid_closest: Option<String>,
    ssid_wanted: Option<String>,
    summary: &'a str,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    frame: Option<u64>,
    input: Option<u32>,
    line: Option<u64>,
    note: &'a str,
}

#[derive(Serialize)]
struct InputJson<'a> {
    description: &'a str,
    limits: &'a [String],
    name: String,
    skipped: &'a [String],
}

pub fn write(
    report: &Report<'_>,
    redact: bool,
    exit_status: u8,
    out: &mut dyn Write,
) -> io::Result<()> {
    let namer = Namer::new(redact);
    for link in &report.diagnosis.links {
        namer.ap(link.id.ap);
    }
    // A capture with thousands of links makes a large document: each link
    // is built, written and dropped in turn rather than held all at once.
    let analyses = report.analyses_by_id();
    let inputs: Vec<InputJson<'_>> = report
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| InputJson {
            description: &input.description,
            limits: &input.limits,
            name: namer.file(&input.name, i),
            skipped: &input.skipped,
        })
        .collect();
    let general: Vec<FindingJson<'_>> = report
        .diagnosis
        .general
        .iter()
        .map(|f| finding(f, &namer))
        .collect();
    writeln!(out, "{{")?;
    write_field(out, "verdict", &report.diagnosis.verdict())?;
    write_field(out, "exit_status", &exit_status)?;
    write_field(out, "general", &general)?;
    write_field(out, "inputs", &inputs)?;
    write_field(out, "version", &env!("CARGO_PKG_VERSION"))?;
    write!(out, "  \"links\": [")?;
    let mut first = true;
    for link in &report.diagnosis.links {
        let Some(analysis) = analyses.get(&link.id) else {
            continue;
        };
        write!(out, "{}\n    ", if first { "" } else { "," })?;
        serde_json::to_writer(
            &mut *out,
            &link_json(report, &namer, redact, link, analysis),
        )?;
        first = false;
    }
    writeln!(out, "{}]\n}}", if first { "" } else { "\n  " })
}

fn write_field(out: &mut dyn Write, key: &str, value: &impl Serialize) -> io::Result<()> {
    write!(out, "  \"{key}\": ")?;
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out, ",")
}

fn link_json<'a>(
    report: &'a Report<'_>,
    namer: &Namer,
    redact: bool,
    link: &'a LinkDiagnosis,
    analysis: &LinkAnalysis,
) -> LinkJson<'a> {
    let key = report.key_summary(analysis);
    let attempts = analysis
        .attempts
        .iter()
        .enumerate()
        .map(|(i, facts)| AttemptJson {
            group1: facts.count(KeyMsg::Group1),
            group2: facts.count(KeyMsg::Group2),
            index: analysis.attempt_number(i),
            m1: facts.count(KeyMsg::M1),
            m2: facts.count(KeyMsg::M2),
            m3: facts.count(KeyMsg::M3),
            m4: facts.count(KeyMsg::M4),
            repeats: analysis.repeats(i).map(|r| {
                let (first_frame, first_line, _) = origin_fields(r.first);
                let (last_frame, last_line, _) = origin_fields(r.last);
                RepeatsJson {
                    count: r.count,
                    first: r.first_number,
                    first_frame,
                    first_line,
                    last: r.last_number,
                    last_frame,
                    last_line,
                }
            }),
            verdict: link.attempt_verdicts.get(i).copied().flatten(),
        })
        .collect();
    let epoch = report.epoch();
    let timeline = report
        .rows(analysis)
        .into_iter()
        .map(|row| row_json(row, epoch))
        .collect();
    // Pseudonyms are handed out in the order names are first met: link
    // addresses and SSID, then those in findings.
    let bssid = namer.ap(link.id.ap);
    let sta = namer.sta(link.id.sta);
    let ssid = link.ssid.as_ref().map(|s| namer.ssid(s));
    LinkJson {
        attempts,
        bssid,
        confidence: link.verdict.confidence.as_str(),
        findings: link.findings.iter().map(|f| finding(f, namer)).collect(),
        key: KeyJson {
            ap_uses_given_key: key.ap_uses_given_key,
            given: key.given,
            proved_by: key.proved_by,
            station_uses_given_key: key.station_uses_given_key,
            variant: key.variant,
        },
        security: analysis
            .security_elements(&report.timeline.events)
            .into_iter()
            .map(|(whose, element)| SecurityJson { element, whose })
            .collect(),
        ssid,
        ssid_hex: if redact {
            None
        } else {
            link.ssid.as_ref().map(|s| hex(s.as_bytes()))
        },
        sta,
        summary: &link.verdict.summary,
        timeline,
        verdict: link.verdict.id,
    }
}

fn row_json(row: Row, epoch: f64) -> RowJson {
    let (frame, line, input) = origin_fields(row.origin);
    RowJson {
        acked: row.acked,
        attempt: row.attempt_number,
        direction: match row.direction {
            Direction::ApToSta => "ap-to-sta",
            Direction::StaToAp => "sta-to-ap",
            Direction::Log(Observer::AccessPoint) => "ap-log",
            Direction::Log(_) => "sta-log",
        },
        frame,
        input,
        line,
        mic: match row.mic {
            MicStatus::Verified { .. } => Some("ok"),
            MicStatus::Failed => Some("bad"),
            _ => None,
        },
        replay_counter: row.replay_counter,
        signal_dbm: row.signal_dbm,
        time: row.time.map(|t| t - epoch),
        what: row.what,
    }
}

fn origin_fields(origin: Origin) -> (Option<u64>, Option<u64>, u32) {
    match origin {
        Origin::Frame { file, number } => (Some(number), None, u32::from(file) + 1),
        Origin::Line { file, number } => (None, Some(number), u32::from(file) + 1),
    }
}

fn finding<'a>(finding: &'a Finding, namer: &Namer) -> FindingJson<'a> {
    let ssid_wanted = finding.ssid_wanted.as_ref().map(|s| namer.ssid(s));
    FindingJson {
        attempt: finding.attempt_number,
        confidence: finding.confidence.as_str(),
        evidence: finding.evidence.iter().map(evidence).collect(),
        id: finding.id,
        next_steps: &finding.next_steps,
        rules_out: &finding.rules_out,
        ssid_closest: finding.ssid_hint.as_ref().map(|s| namer.ssid(s)),
        ssid_wanted,
        summary: &finding.summary,
    }
}

fn evidence(e: &Evidence) -> EvidenceJson<'_> {
    let (frame, line, input) = match e.origin {
        Some(origin) => {
            let (f, l, i) = origin_fields(origin);
            (f, l, Some(i))
        }
        None => (None, None, None),
    };
    EvidenceJson {
        frame,
        input,
        line,
        note: &e.note,
    }
}
