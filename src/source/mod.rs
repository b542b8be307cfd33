//! Where frames and log lines come from: capture files read as a stream in
//! constant memory, and the sniffing that tells a capture from a text log.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod capture;
pub mod live;
pub mod log;
pub mod nl80211;
pub mod pcapng_writer;
pub mod supplicant_conf;
pub mod wpa_ctrl;

use std::{io::Read, path::Path, path::PathBuf};

pub use capture::{CaptureReader, Format, Record, RecordError, Stats};

/// Why an input could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("reading capture: {0}")]
    Io(#[from] std::io::Error),
    /// No pcap or pcapng magic: the caller should say so and exit 2.
    #[error("not a capture file (no pcap or pcapng magic number)")]
    NotACapture,
    #[error("damaged capture file header: {0}")]
    BadHeader(&'static str),
}

pub type Result<T> = std::result::Result<T, Error>;

/// What a file looks like from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// pcap or pcapng, gzip-compressed or not.
    Capture,
    /// Mostly printable text (a debug log, a config file).
    Text,
    Unknown,
}

/// How much of a file [`detect`] looks at.
const SNIFF_LEN: usize = 64 << 10;

/// Sniffs `path` by content: capture magic (also inside gzip), else text
/// when the first 64 KiB are almost all printable UTF-8.
pub fn detect(path: &Path) -> Result<InputKind> {
    let file = std::fs::File::open(path).map_err(|source| Error::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    file.take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::with_capacity(16);
        let decoder = flate2::read::MultiGzDecoder::new(&head[..]);
        // A short read is fine: only the magic matters.
        let _ = decoder.take(16).read_to_end(&mut inner);
        return Ok(if is_capture_magic(&inner) {
            InputKind::Capture
        } else {
            InputKind::Unknown
        });
    }
    Ok(classify(&head))
}

/// Classifies the first bytes of an uncompressed input.
pub fn classify(head: &[u8]) -> InputKind {
    if is_capture_magic(head) {
        return InputKind::Capture;
    }
    if head.is_empty() {
        return InputKind::Unknown;
    }
    // The cut at 64 KiB may split a UTF-8 sequence: ignore a bad tail.
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(head.get(..err.valid_up_to()).unwrap_or_default()).unwrap_or("")
        }
        Err(_) => return InputKind::Unknown,
    };
    let total = text.chars().count().max(1);
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    if printable * 100 >= total * 95 {
        InputKind::Text
    } else {
        InputKind::Unknown
    }
}

fn is_capture_magic(head: &[u8]) -> bool {
    let Some(magic) = head.get(..4) else {
        return false;
    };
    matches!(
        magic,
        [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x0a, 0x0d, 0x0d, 0x0a]
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn classifies_by_content() {
        assert_eq!(
            classify(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]),
            InputKind::Capture
        );
        assert_eq!(classify(&[0x0a, 0x0d, 0x0d, 0x0a]), InputKind::Capture);
        assert_eq!(
            classify(b"1700000000.1: wlan0: WPA: RX message 1 of 4-Way Handshake\n"),
            InputKind::Text
        );
        assert_eq!(
            classify(&[0, 1, 2, 3, 4, 5, 0xff, 0xfe]),
            InputKind::Unknown
        );
        assert_eq!(classify(b""), InputKind::Unknown);
        // A multi-byte character cut at the end is still text.
        assert_eq!(
            classify("ssid=\"caf\u{e9}".as_bytes().split_last().unwrap().1),
            InputKind::Text
        );
    }

    #[test]
    fn detects_gzipped_capture_files() {
        let dir = std::env::temp_dir().join(format!("wpadiag-detect-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &[0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]).unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert_eq!(detect(&path).unwrap(), InputKind::Capture);
        std::fs::write(&path, "just a log line\n").unwrap();
        assert_eq!(detect(&path).unwrap(), InputKind::Text);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
