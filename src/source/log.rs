//! Text logs read line by line in bounded memory: a line longer than
//! [`MAX_LINE`] keeps its first `MAX_LINE` bytes and the rest is skipped
//! (counted), invalid UTF-8 is replaced (the decoders match ASCII text),
//! and `\r\n` endings lose their `\r`.

use std::io::{self, BufRead};

/// Longest line kept whole. hostap hexdumps of a full EAPOL-Key frame are
/// about 3 bytes of text per byte, far below this.
pub const MAX_LINE: usize = 64 * 1024;

pub struct LineReader<R> {
    reader: R,
    raw: Vec<u8>,
    text: String,
    number: u64,
    truncated: u64,
    max_line: usize,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_LINE)
    }

    pub fn with_limit(reader: R, max_line: usize) -> Self {
        LineReader {
            reader,
            raw: Vec::new(),
            text: String::new(),
            number: 0,
            truncated: 0,
            max_line,
        }
    }

    /// Lines cut at the limit so far.
    pub fn truncated_lines(&self) -> u64 {
        self.truncated
    }

    /// The next line and its 1-based number; `None` at end of input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, &str)>> {
        self.raw.clear();
        let mut cut = false;
        let mut any = false;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let newline = buf.iter().position(|&b| b == b'\n');
            let chunk_end = newline.unwrap_or(buf.len());
            let room = self.max_line.saturating_sub(self.raw.len());
            let take = chunk_end.min(room);
            if take < chunk_end {
                cut = true;
            }
            self.raw
                .extend_from_slice(buf.get(..take).unwrap_or_default());
            match newline {
                Some(at) => {
                    self.reader.consume(at + 1);
                    break;
                }
                None => {
                    let len = buf.len();
                    self.reader.consume(len);
                }
            }
        }
        if !any {
            return Ok(None);
        }
        if cut {
            self.truncated += 1;
        }
        if self.raw.last() == Some(&b'\r') {
            self.raw.pop();
        }
        self.number += 1;
        self.text.clear();
        self.text.push_str(&String::from_utf8_lossy(&self.raw));
        Ok(Some((self.number, &self.text)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn all(input: &[u8], limit: usize) -> (Vec<(u64, String)>, u64) {
        let mut reader = LineReader::with_limit(input, limit);
        let mut out = Vec::new();
        while let Some((n, line)) = reader.next_line().unwrap() {
            out.push((n, line.to_string()));
        }
        (out, reader.truncated_lines())
    }

    #[test]
    fn crlf_lossy_and_last_line_without_newline() {
        let (lines, cut) = all(b"a\r\nb\xffc\n\nlast", 100);
        assert_eq!(
            lines,
            vec![
                (1, "a".into()),
                (2, "b\u{fffd}c".into()),
                (3, String::new()),
                (4, "last".into())
            ]
        );
        assert_eq!(cut, 0);
    }

    #[test]
    fn long_line_is_cut_and_counted() {
        let mut input = vec![b'x'; 1000];
        input.extend_from_slice(b"\nnext\n");
        let (lines, cut) = all(&input, 10);
        assert_eq!(lines, vec![(1, "xxxxxxxxxx".into()), (2, "next".into())]);
        assert_eq!(cut, 1);
    }
}
