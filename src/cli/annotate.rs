//! `analyze --annotate OUT.pcapng`: the input capture again, each frame the
//! diagnosis talks about carrying wpadiag's words as a packet comment, so
//! Wireshark shows the verdict frame by frame (`frame.comment`).

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::Context as _;
use wpadiag::{
    handshake::{Origin, keycheck::MicStatus},
    report::Report,
    source::{CaptureReader, pcapng_writer::PcapngWriter},
};

/// Writes input `file` (at `path`) to `out` with comments; returns
/// (frames written, frames commented).
pub fn write(
    report: &Report<'_>,
    file: u16,
    path: &Path,
    out: &Path,
) -> anyhow::Result<(u64, u64)> {
    let notes = notes(report, file);
    let mut reader =
        CaptureReader::open(path).with_context(|| format!("reading {}", path.display()))?;
    let handle = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let mut writer: Option<PcapngWriter<BufWriter<File>>> = None;
    let mut handle = Some(BufWriter::new(handle));
    let mut interfaces = HashMap::new();
    let (mut written, mut commented) = (0u64, 0u64);
    let headline = headline(report);
    while let Some(next) = reader.next_record() {
        // Damaged records are left out, as the analysis left them out.
        let Ok(record) = next else { continue };
        let interface = match interfaces.get(&record.linktype.0) {
            Some(&index) => index,
            None => {
                let name = format!("{} ({})", record.linktype.name(), record.linktype.0);
                let index = match writer.as_mut() {
                    Some(w) => w.add_interface(record.linktype, &name)?,
                    None => {
                        let out_file = handle.take().context("pcapng writer")?;
                        writer = Some(PcapngWriter::new(out_file, record.linktype, &name)?);
                        0
                    }
                };
                interfaces.insert(record.linktype.0, index);
                index
            }
        };
        let mut comment = notes.get(&record.number).map(|lines| lines.join("\n"));
        if written == 0 {
            comment = Some(match comment {
                Some(text) => format!("{headline}\n{text}"),
                None => headline.clone(),
            });
        }
        if comment.is_some() {
            commented += 1;
        }
        let time_ns = (record.time.secs().max(0.0) * 1e9) as u64;
        if let Some(w) = writer.as_mut() {
            w.write_frame_on(
                interface,
                time_ns,
                record.data,
                record.orig_len as usize,
                comment.as_deref(),
            )?;
        }
        written += 1;
    }
    if writer.is_none() {
        anyhow::bail!("{}: no frames to annotate", path.display());
    }
    Ok((written, commented))
}

fn headline(report: &Report<'_>) -> String {
    match report.diagnosis.headline() {
        Some(finding) => format!(
            "wpadiag verdict: {} ({}): {}",
            finding.id,
            finding.confidence.as_str(),
            finding.summary
        ),
        None => "wpadiag: nothing to diagnose".to_string(),
    }
}

/// Frame number -> comment lines: the timeline's reading of the frame, then
/// what each finding says about it.
fn notes(report: &Report<'_>, file: u16) -> BTreeMap<u64, Vec<String>> {
    let mut notes: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let analyses = report.analyses_by_id();
    for link in &report.diagnosis.links {
        let Some(&analysis) = analyses.get(&link.id) else {
            continue;
        };
        for row in report.rows(analysis) {
            let Origin::Frame { file: f, number } = row.origin else {
                continue;
            };
            if f != file {
                continue;
            }
            let mut line = format!("wpadiag: {} (attempt {})", row.what, row.attempt_number);
            if let Some(counter) = row.replay_counter {
                line.push_str(&format!(", replay counter {counter}"));
            }
            match row.acked {
                Some(true) => line.push_str(", acknowledged"),
                Some(false) => line.push_str(", NOT acknowledged"),
                None => {}
            }
            match row.mic {
                MicStatus::Verified { .. } => line.push_str(", MIC verifies with the given key"),
                MicStatus::Failed => line.push_str(", MIC does NOT verify with the given key"),
                _ => {}
            }
            notes.entry(number).or_default().push(line);
        }
        for finding in &link.findings {
            for evidence in &finding.evidence {
                let Some(Origin::Frame { file: f, number }) = evidence.origin else {
                    continue;
                };
                if f == file {
                    notes.entry(number).or_default().push(format!(
                        "wpadiag {} ({}): {}",
                        finding.id,
                        finding.confidence.as_str(),
                        evidence.note
                    ));
                }
            }
        }
    }
    notes
}
