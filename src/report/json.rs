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

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnose::Finding;
use crate::handshake::{Observer, Origin, keycheck::MicStatus};
use crate::report::{
    model::{Direction, Report},
    redact::Namer,
};
use crate::wire::{eapol::KeyMsg, hex};

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
    let link_value = |link: &crate::diagnose::LinkDiagnosis| -> Option<Value> {
        let analysis = *analyses.get(&link.id)?;
        let key = report.key_summary(analysis);
        let attempts: Vec<Value> = analysis
            .attempts
            .iter()
            .enumerate()
            .map(|(i, facts)| {
                let repeats = analysis.repeats(i).map(|r| {
                    let (first_frame, first_line, _) = origin_fields(r.first);
                    let (last_frame, last_line, _) = origin_fields(r.last);
                    json!({
                        "count": r.count,
                        "first": r.first_number,
                        "last": r.last_number,
                        "first_frame": first_frame,
                        "first_line": first_line,
                        "last_frame": last_frame,
                        "last_line": last_line,
                    })
                });
                json!({
                    "index": analysis.attempt_number(i),
                    "verdict": link.attempt_verdicts.get(i).copied(),
                    "repeats": repeats,
                    "m1": facts.count(KeyMsg::M1),
                    "m2": facts.count(KeyMsg::M2),
                    "m3": facts.count(KeyMsg::M3),
                    "m4": facts.count(KeyMsg::M4),
                    "group1": facts.count(KeyMsg::Group1),
                    "group2": facts.count(KeyMsg::Group2),
                })
            })
            .collect();
        let epoch = report.epoch();
        let timeline: Vec<Value> = report
            .rows(analysis)
            .into_iter()
            .map(|row| {
                let (frame, line, input) = origin_fields(row.origin);
                json!({
                    "time": row.time.map(|t| t - epoch),
                    "frame": frame,
                    "line": line,
                    "input": input,
                    "direction": match row.direction {
                        Direction::ApToSta => "ap-to-sta",
                        Direction::StaToAp => "sta-to-ap",
                        Direction::Log(Observer::AccessPoint) => "ap-log",
                        Direction::Log(_) => "sta-log",
                    },
                    "what": row.what,
                    "replay_counter": row.replay_counter,
                    "acked": row.acked,
                    "signal_dbm": row.signal_dbm,
                    "mic": match row.mic {
                        MicStatus::Verified { .. } => Some("ok"),
                        MicStatus::Failed => Some("bad"),
                        _ => None,
                    },
                    "attempt": row.attempt_number,
                })
            })
            .collect();
        Some(json!({
            "bssid": namer.ap(link.id.ap),
            "sta": namer.sta(link.id.sta),
            "ssid": link.ssid.as_ref().map(|s| namer.ssid(s)),
            "ssid_hex": if redact { None } else { link.ssid.as_ref().map(|s| hex(s.as_bytes())) },
            "verdict": link.verdict.id,
            "confidence": link.verdict.confidence.as_str(),
            "summary": link.verdict.summary,
            "findings": link.findings.iter().map(|f| finding(f, &namer)).collect::<Vec<_>>(),
            "key": {
                "given": key.given,
                "station_uses_given_key": key.station_uses_given_key,
                "ap_uses_given_key": key.ap_uses_given_key,
                "proved_by": key.proved_by,
                "variant": key.variant,
            },
            "security": analysis
                .security_elements(&report.timeline.events)
                .into_iter()
                .map(|(whose, element)| json!({ "whose": whose, "element": element }))
                .collect::<Vec<_>>(),
            "attempts": attempts,
            "timeline": timeline,
        }))
    };
    let inputs: Vec<Value> = report
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            json!({
                "name": namer.file(&input.name, i),
                "description": input.description,
                "limits": input.limits,
                "skipped": input.skipped,
            })
        })
        .collect();
    let general: Vec<Value> = report
        .diagnosis
        .general
        .iter()
        .map(|f| finding(f, &namer))
        .collect();
    let head: [(&str, Value); 5] = [
        ("verdict", json!(report.diagnosis.verdict())),
        ("exit_status", json!(exit_status)),
        ("general", json!(general)),
        ("inputs", json!(inputs)),
        ("version", json!(env!("CARGO_PKG_VERSION"))),
    ];
    writeln!(out, "{{")?;
    for (key, value) in head {
        writeln!(out, "  {}: {},", json!(key), serde_json::to_string(&value)?)?;
    }
    write!(out, "  \"links\": [")?;
    let mut first = true;
    for link in &report.diagnosis.links {
        let Some(value) = link_value(link) else {
            continue;
        };
        write!(out, "{}\n    ", if first { "" } else { "," })?;
        serde_json::to_writer(&mut *out, &value)?;
        first = false;
    }
    writeln!(out, "{}]\n}}", if first { "" } else { "\n  " })
}

fn origin_fields(origin: Origin) -> (Option<u64>, Option<u64>, u32) {
    match origin {
        Origin::Frame { file, number } => (Some(number), None, u32::from(file) + 1),
        Origin::Line { file, number } => (None, Some(number), u32::from(file) + 1),
    }
}

fn finding(finding: &Finding, namer: &Namer) -> Value {
    let evidence: Vec<Value> = finding
        .evidence
        .iter()
        .map(|e| {
            let (frame, line, input) = match e.origin {
                Some(origin) => {
                    let (f, l, i) = origin_fields(origin);
                    (f, l, Some(i))
                }
                None => (None, None, None),
            };
            json!({ "frame": frame, "line": line, "input": input, "note": e.note })
        })
        .collect();
    json!({
        "id": finding.id,
        "confidence": finding.confidence.as_str(),
        "summary": finding.summary,
        "attempt": finding.attempt_number,
        "evidence": evidence,
        "rules_out": finding.rules_out,
        "next_steps": finding.next_steps,
        "ssid_wanted": finding.ssid_wanted.as_ref().map(|s| namer.ssid(s)),
        "ssid_closest": finding.ssid_hint.as_ref().map(|s| namer.ssid(s)),
    })
}
