//! Streaming reader for pcap and pcapng files (optionally gzip-compressed).
//!
//! Memory stays constant: one buffer that grows only as far as the largest
//! record actually present in the file (never from a length field alone,
//! and never past [`MAX_RECORD`]). Records are lent out of that buffer.
//! pcap-parser decodes the file and interface headers; the per-packet
//! blocks, which are fixed layouts, are read here so that a damaged one can
//! be skipped and the stream resynchronised.

use std::{fs::File, io::Read, path::Path};

use crate::source::Error;
use crate::wire::{LinkType, Timestamp};

/// Largest record (pcap record or pcapng block) accepted.
pub const MAX_RECORD: usize = 16 << 20;
const INITIAL_BUFFER: usize = 256 << 10;
/// Largest block a resynchronisation accepts as the next good one.
const MAX_RESYNC_BLOCK: usize = 256 << 10;
/// Largest snap length real capture tools use; a larger caplen is damage
/// unless the file header announced a bigger snap length.
const DEFAULT_MAX_CAPLEN: u32 = 262_144;

const PCAP_MAGIC_US: u32 = 0xa1b2_c3d4;
const PCAP_MAGIC_NS: u32 = 0xa1b2_3c4d;
const PCAPNG_SHB: u32 = 0x0a0d_0d0a;
const PCAPNG_BOM: u32 = 0x1a2b_3c4d;
const BLOCK_IDB: u32 = 1;
const BLOCK_OPB: u32 = 2;
const BLOCK_SPB: u32 = 3;
const BLOCK_EPB: u32 = 6;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// One packet record, borrowed from the reader until the next call.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// 1-based, counting every packet record read, as Wireshark numbers frames.
    pub number: u64,
    pub time: Timestamp,
    pub linktype: LinkType,
    pub data: &'a [u8],
    pub orig_len: u32,
    /// Offset of the record's header in the (decompressed) file.
    pub file_offset: u64,
}

/// A record that could not be read. `fatal` means reading stops here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("damaged record at offset {file_offset}: {what}{}", if *.fatal { " (cannot read further)" } else { "" })]
pub struct RecordError {
    pub file_offset: u64,
    pub what: &'static str,
    pub fatal: bool,
}

/// What the reader met besides packets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub records: u64,
    pub damaged: u64,
    /// Bytes skipped while resynchronising after damage.
    pub skipped_bytes: u64,
    /// The file ends inside a record (common for captures cut short).
    pub truncated_tail: bool,
    pub sections: u64,
    pub unknown_blocks: u64,
    pub gzip: bool,
}

/// The container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pcap,
    PcapNg,
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: LinkType,
    /// Timestamp units per second.
    resolution: u64,
    offset: i64,
    /// The first tick of the second the last timestamp fell in: records
    /// come in time order, and most fall in the same second as the one
    /// before, so the 64-bit division is spared (it was a third of the
    /// block walk).
    second_start: u64,
    /// That second plus `offset`, in seconds: converting it to f64 for
    /// every record cost a tenth of the block walk.
    whole: f64,
}

impl Interface {
    fn new(linktype: LinkType, resolution: u64, offset: i64) -> Self {
        Interface {
            linktype,
            resolution,
            offset,
            second_start: 0,
            whole: offset as f64,
        }
    }
}

enum State {
    Pcap {
        big_endian: bool,
        nanos: bool,
        linktype: LinkType,
        max_caplen: u32,
    },
    PcapNg {
        big_endian: bool,
        interfaces: Vec<Interface>,
    },
}

enum Step {
    Packet {
        start: usize,
        len: usize,
        time: Timestamp,
        linktype: LinkType,
        orig_len: u32,
        file_offset: u64,
    },
    Skip,
    Damaged(&'static str, u64),
    End,
}

/// Reads packet records one at a time from any byte stream.
pub struct CaptureReader {
    raw: RawReader,
    state: State,
    number: u64,
    stats: Stats,
    finished: bool,
    /// Set after damage: the next record is searched for, not assumed.
    resync: bool,
    /// Seconds of the last good pcap record: resynchronisation looks for a
    /// header near it in time.
    last_ts_sec: Option<u32>,
}

impl std::fmt::Debug for CaptureReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureReader")
            .field("format", &self.format())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl CaptureReader {
    /// Opens a capture file; gzip is recognised by its magic.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let file = File::open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::new(file)
    }

    /// Reads a capture from `input`, gunzipping it when it starts with the gzip magic.
    pub fn new(input: impl Read + 'static) -> Result<Self, Error> {
        let mut raw = RawReader::new(Box::new(input));
        raw.fill(2)?;
        let gzip = raw.available().starts_with(&GZIP_MAGIC);
        let mut reader = if gzip {
            let chained = std::io::Cursor::new(raw.available().to_vec()).chain(raw.input);
            let decoder = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(chained));
            RawReader::new(Box::new(decoder))
        } else {
            raw
        };
        reader.fill(24)?;
        let state = read_file_header(reader.available())?;
        let mut this = CaptureReader {
            raw: reader,
            state,
            number: 0,
            stats: Stats {
                gzip,
                ..Stats::default()
            },
            finished: false,
            resync: false,
            last_ts_sec: None,
        };
        if matches!(this.state, State::Pcap { .. }) {
            this.raw.start += 24;
        }
        Ok(this)
    }

    pub fn format(&self) -> Format {
        match self.state {
            State::Pcap { .. } => Format::Pcap,
            State::PcapNg { .. } => Format::PcapNg,
        }
    }

    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The next packet record; `None` at the end. A damaged record yields
    /// one `Err` and reading goes on after it when the rest can be found.
    pub fn next_record(&mut self) -> Option<Result<Record<'_>, RecordError>> {
        if self.finished {
            return None;
        }
        loop {
            let step = match self.step() {
                Ok(step) => step,
                Err(_) => {
                    self.finished = true;
                    return Some(Err(RecordError {
                        file_offset: self.offset_of(self.raw.start),
                        what: "read error",
                        fatal: true,
                    }));
                }
            };
            match step {
                Step::Skip => continue,
                Step::End => {
                    self.finished = true;
                    return None;
                }
                Step::Damaged(what, file_offset) => {
                    self.stats.damaged += 1;
                    let fatal = self.finished;
                    return Some(Err(RecordError {
                        file_offset,
                        what,
                        fatal,
                    }));
                }
                Step::Packet {
                    start,
                    len,
                    time,
                    linktype,
                    orig_len,
                    file_offset,
                } => {
                    self.number += 1;
                    self.stats.records += 1;
                    let data = self.raw.buf.get(start..start + len).unwrap_or_default();
                    return Some(Ok(Record {
                        number: self.number,
                        time,
                        linktype,
                        data,
                        orig_len,
                        file_offset,
                    }));
                }
            }
        }
    }

    /// The caller works on this record while the next one's first bytes
    /// come in from memory: the walk otherwise waits on each header.
    fn prefetch_next(&self) {
        let next = self.raw.buf.as_ptr().wrapping_add(self.raw.start);
        prefetch(next);
        prefetch(next.wrapping_add(64));
    }

    /// As [`Self::prefetch_next`], and the next block's trailing length
    /// too: a pcapng block is checked at both ends, and its last bytes sit
    /// a block away from its header. Reading the next block's length here
    /// costs a cache hit (the kernel just copied those bytes in); waiting
    /// for its trailer later cost a miss per block.
    fn prefetch_next_block(&self, big_endian: bool) {
        self.prefetch_next();
        let avail = self.available();
        if let Some(len) = read_u32(avail, 4, big_endian) {
            let len = len as usize;
            if (12..=avail.len()).contains(&len) {
                prefetch(avail.as_ptr().wrapping_add(len - 4));
            }
        }
    }

    fn offset_of(&self, index: usize) -> u64 {
        self.raw.base + index as u64
    }

    fn available(&self) -> &[u8] {
        self.raw.available()
    }

    #[inline(always)]
    fn fill(&mut self, need: usize) -> std::io::Result<bool> {
        self.raw.fill(need)
    }

    fn step(&mut self) -> std::io::Result<Step> {
        match self.state {
            State::Pcap { .. } => self.step_pcap(),
            State::PcapNg { .. } => self.step_pcapng(),
        }
    }

    fn step_pcap(&mut self) -> std::io::Result<Step> {
        let State::Pcap {
            big_endian,
            nanos,
            linktype,
            max_caplen,
        } = self.state
        else {
            return Ok(Step::End);
        };
        if !self.fill(16)? {
            if !self.available().is_empty() {
                self.stats.truncated_tail = true;
            }
            return Ok(Step::End);
        }
        let header_at = self.raw.start;
        let file_offset = self.offset_of(header_at);
        let Some(header) = PcapRecordHeader::read(self.available(), big_endian) else {
            return Ok(Step::End);
        };
        let fraction_limit = if nanos { 1_000_000_000 } else { 1_000_000 };
        if !header.plausible(max_caplen, fraction_limit, self.resync) {
            self.resync = true;
            self.raw.start += 1;
            self.stats.skipped_bytes += 1;
            return self.resynchronise_pcap(file_offset);
        }
        let caplen = header.caplen as usize;
        if !self.fill(16 + caplen)? {
            self.stats.truncated_tail = true;
            return Ok(Step::End);
        }
        self.resync = false;
        self.last_ts_sec = Some(header.ts_sec);
        let start = self.raw.start + 16;
        self.raw.start = start + caplen;
        self.prefetch_next();
        Ok(Step::Packet {
            start,
            len: caplen,
            time: Timestamp::new(
                f64::from(header.ts_sec),
                u64::from(header.ts_fraction),
                u64::from(fraction_limit),
            ),
            linktype,
            orig_len: header.orig_len,
            file_offset,
        })
    }

    /// Skips bytes until a plausible record header, which is followed by
    /// another plausible header or the end of the file.
    fn resynchronise_pcap(&mut self, damaged_at: u64) -> std::io::Result<Step> {
        let State::Pcap {
            big_endian,
            nanos,
            max_caplen,
            ..
        } = self.state
        else {
            return Ok(Step::End);
        };
        let fraction_limit = if nanos { 1_000_000_000 } else { 1_000_000 };
        let last = self.last_ts_sec;
        let near = move |h: &PcapRecordHeader| {
            h.caplen > 0
                && h.plausible(max_caplen, fraction_limit, true)
                && last.is_none_or(|t| h.ts_sec.abs_diff(t) <= 86_400)
        };
        loop {
            if !self.fill(16)? {
                self.stats.skipped_bytes += self.available().len() as u64;
                self.raw.start = self.raw.end;
                return Ok(Step::Damaged("pcap record header", damaged_at));
            }
            let header = PcapRecordHeader::read(self.available(), big_endian);
            if let Some(header) = header.filter(near) {
                let next = 16 + header.caplen as usize;
                let complete = self.fill(next + 16)?;
                let follows = match self.available().get(next..) {
                    Some(rest) if complete => {
                        PcapRecordHeader::read(rest, big_endian).is_some_and(|h| near(&h))
                    }
                    // End of file right after this record (or inside the next).
                    Some(_) => true,
                    None => false,
                };
                if follows {
                    return Ok(Step::Damaged("pcap record header", damaged_at));
                }
            }
            self.raw.start += 1;
            self.stats.skipped_bytes += 1;
        }
    }

    fn step_pcapng(&mut self) -> std::io::Result<Step> {
        if !self.fill(12)? {
            if !self.available().is_empty() {
                self.stats.truncated_tail = true;
            }
            return Ok(Step::End);
        }
        let big_endian = match &self.state {
            State::PcapNg { big_endian, .. } => *big_endian,
            State::Pcap { .. } => return Ok(Step::End),
        };
        let file_offset = self.offset_of(self.raw.start);
        let avail = self.available();
        let block_type = read_u32(avail, 0, big_endian).unwrap_or(0);
        // A Section Header Block carries its own byte order.
        let (big_endian, block_len) = if block_type == PCAPNG_SHB {
            match read_u32(avail, 8, false) {
                Some(PCAPNG_BOM) => (false, read_u32(avail, 4, false).unwrap_or(0)),
                Some(bom) if bom.swap_bytes() == PCAPNG_BOM => {
                    (true, read_u32(avail, 4, true).unwrap_or(0))
                }
                _ => (big_endian, 0),
            }
        } else {
            (big_endian, read_u32(avail, 4, big_endian).unwrap_or(0))
        };
        let block_len = block_len as usize;
        if block_len < 12 || block_len % 4 != 0 || block_len > MAX_RECORD {
            return self.resynchronise_pcapng(file_offset, big_endian);
        }
        if !self.fill(block_len)? {
            self.stats.truncated_tail = true;
            return Ok(Step::End);
        }
        // Filling may have moved the bytes to the front of the buffer.
        let at = self.raw.start;
        let block = self.available().get(..block_len).unwrap_or_default();
        if read_u32(block, block_len - 4, big_endian) != Some(block_len as u32) {
            return self.resynchronise_pcapng(file_offset, big_endian);
        }
        let step = self.pcapng_block(block_type, block_len, big_endian, file_offset);
        self.raw.start = at + block_len;
        self.prefetch_next_block(big_endian);
        if !matches!(step, Step::Damaged(..)) {
            self.resync = false;
        }
        Ok(step)
    }

    fn pcapng_block(
        &mut self,
        block_type: u32,
        block_len: usize,
        big_endian: bool,
        file_offset: u64,
    ) -> Step {
        let at = self.raw.start;
        let block = self.raw.buf.get(at..at + block_len).unwrap_or_default();
        let State::PcapNg {
            big_endian: section_order,
            interfaces,
        } = &mut self.state
        else {
            return Step::End;
        };
        match block_type {
            PCAPNG_SHB => {
                *section_order = big_endian;
                interfaces.clear();
                self.stats.sections += 1;
                Step::Skip
            }
            BLOCK_IDB => {
                let parsed = if big_endian {
                    pcap_parser::parse_interfacedescriptionblock_be(block)
                } else {
                    pcap_parser::parse_interfacedescriptionblock_le(block)
                };
                let Ok((_, idb)) = parsed else {
                    return Step::Damaged("pcapng interface description block", file_offset);
                };
                // Bounded by the file: each IDB takes at least 20 bytes of it.
                interfaces.push(Interface::new(
                    LinkType(u32::from(idb.linktype.0 as u16)),
                    ts_resolution(idb.if_tsresol).unwrap_or(1_000_000),
                    idb.if_tsoffset,
                ));
                Step::Skip
            }
            BLOCK_EPB | BLOCK_OPB => {
                // EPB: interface(4) ts_high ts_low caplen origlen data;
                // OPB: interface(2) drops(2), then the same.
                let interface = if block_type == BLOCK_EPB {
                    read_u32(block, 8, big_endian)
                } else {
                    read_u16(block, 8, big_endian).map(u32::from)
                };
                let fields = (
                    interface,
                    read_u32(block, 12, big_endian),
                    read_u32(block, 16, big_endian),
                    read_u32(block, 20, big_endian),
                    read_u32(block, 24, big_endian),
                );
                let (Some(interface), Some(high), Some(low), Some(caplen), Some(orig_len)) = fields
                else {
                    return Step::Damaged("pcapng packet block too short", file_offset);
                };
                let caplen = caplen as usize;
                if 28 + caplen + 4 > block_len {
                    return Step::Damaged("pcapng packet block captured length", file_offset);
                }
                let Some(iface) = interfaces.get_mut(interface as usize) else {
                    return Step::Damaged("pcapng packet block interface id", file_offset);
                };
                Step::Packet {
                    start: at + 28,
                    len: caplen,
                    time: timestamp(iface, (u64::from(high) << 32) | u64::from(low)),
                    linktype: iface.linktype,
                    orig_len,
                    file_offset,
                }
            }
            BLOCK_SPB => {
                let Some(iface) = interfaces.first() else {
                    return Step::Damaged(
                        "pcapng simple packet block before any interface",
                        file_offset,
                    );
                };
                let orig_len = read_u32(block, 8, big_endian).unwrap_or(0);
                // The captured length is what the block holds, at most orig_len.
                let len = (block_len - 16).min(orig_len as usize);
                Step::Packet {
                    start: at + 12,
                    len,
                    time: Timestamp::from(0.0),
                    linktype: iface.linktype,
                    orig_len,
                    file_offset,
                }
            }
            _ => {
                self.stats.unknown_blocks += 1;
                Step::Skip
            }
        }
    }

    /// Searches byte by byte for a block whose type is known and whose two
    /// length fields agree, then reports the damage.
    fn resynchronise_pcapng(&mut self, damaged_at: u64, big_endian: bool) -> std::io::Result<Step> {
        self.resync = true;
        self.raw.start += 1;
        self.stats.skipped_bytes += 1;
        loop {
            if !self.fill(12)? {
                self.stats.skipped_bytes += self.available().len() as u64;
                self.raw.start = self.raw.end;
                return Ok(Step::Damaged("pcapng block length", damaged_at));
            }
            let avail = self.available();
            let block_type = read_u32(avail, 0, big_endian).unwrap_or(0);
            let len = read_u32(avail, 4, big_endian).unwrap_or(0) as usize;
            let known = matches!(
                block_type,
                PCAPNG_SHB | BLOCK_IDB | BLOCK_OPB | BLOCK_SPB | BLOCK_EPB | 4 | 5
            );
            // A candidate must also be small enough that trying it at every
            // byte cannot turn the search quadratic.
            if known && len >= 12 && len % 4 == 0 && len <= MAX_RESYNC_BLOCK {
                if !self.fill(len)? {
                    // Nothing complete follows: the damage runs to the end.
                } else if read_u32(self.available(), len - 4, big_endian) == Some(len as u32) {
                    return Ok(Step::Damaged("pcapng block length", damaged_at));
                }
            }
            self.raw.start += 1;
            self.stats.skipped_bytes += 1;
        }
    }
}

fn timestamp(iface: &mut Interface, ticks: u64) -> Timestamp {
    let resolution = iface.resolution.max(1);
    let fraction = match ticks.checked_sub(iface.second_start) {
        Some(into) if into < resolution => into,
        _ => {
            let seconds = ticks / resolution;
            iface.second_start = seconds * resolution;
            iface.whole = iface.offset as f64 + seconds as f64;
            ticks % resolution
        }
    };
    Timestamp::new(iface.whole, fraction, resolution)
}

/// `if_tsresol`: a power of ten, or of two when the top bit is set.
/// (pcap-parser's `build_ts_resolution` rejects every power of two.)
fn ts_resolution(tsresol: u8) -> Option<u64> {
    let exponent = u32::from(tsresol & 0x7f);
    if tsresol & 0x80 == 0 {
        10u64.checked_pow(exponent)
    } else {
        1u64.checked_shl(exponent).filter(|_| exponent < 64)
    }
}

fn read_u32(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let raw: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(raw)
    } else {
        u32::from_le_bytes(raw)
    })
}

fn read_u16(bytes: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let raw: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(raw)
    } else {
        u16::from_le_bytes(raw)
    })
}

struct PcapRecordHeader {
    ts_sec: u32,
    ts_fraction: u32,
    caplen: u32,
    orig_len: u32,
}

impl PcapRecordHeader {
    fn read(bytes: &[u8], big_endian: bool) -> Option<Self> {
        Some(PcapRecordHeader {
            ts_sec: read_u32(bytes, 0, big_endian)?,
            ts_fraction: read_u32(bytes, 4, big_endian)?,
            caplen: read_u32(bytes, 8, big_endian)?,
            orig_len: read_u32(bytes, 12, big_endian)?,
        })
    }

    /// In normal reading only the captured length must be sane (tools write
    /// odd timestamps); while resynchronising the whole header must be.
    fn plausible(&self, max_caplen: u32, fraction_limit: u32, strict: bool) -> bool {
        if self.caplen > max_caplen {
            return false;
        }
        !strict
            || (self.ts_fraction < fraction_limit
                && self.caplen <= self.orig_len
                && self.orig_len <= max_caplen.max(65_535) * 4)
    }
}

fn read_file_header(bytes: &[u8]) -> Result<State, Error> {
    let magic_le = read_u32(bytes, 0, false).ok_or(Error::NotACapture)?;
    let magic_be = magic_le.swap_bytes();
    let pcap = [PCAP_MAGIC_US, PCAP_MAGIC_NS];
    if pcap.contains(&magic_le) || pcap.contains(&magic_be) {
        let big_endian = pcap.contains(&magic_be);
        let nanos = magic_le == PCAP_MAGIC_NS || magic_be == PCAP_MAGIC_NS;
        let header = if big_endian {
            pcap_parser::parse_pcap_header(bytes).map(|(_, h)| h)
        } else {
            pcap_parser::parse_pcap_header(bytes).map(|(_, h)| h)
        };
        let header = header.map_err(|_| Error::BadHeader("pcap file header truncated"))?;
        // The upper bits of the link type field hold FCS information.
        let linktype = LinkType((header.network.0 as u32) & 0xffff);
        let max_caplen = header.snaplen.clamp(DEFAULT_MAX_CAPLEN, MAX_RECORD as u32);
        return Ok(State::Pcap {
            big_endian,
            nanos,
            linktype,
            max_caplen,
        });
    }
    if magic_le == PCAPNG_SHB {
        let big_endian = match read_u32(bytes, 8, false) {
            Some(PCAPNG_BOM) => false,
            Some(bom) if bom.swap_bytes() == PCAPNG_BOM => true,
            _ => return Err(Error::BadHeader("pcapng byte-order magic")),
        };
        return Ok(State::PcapNg {
            big_endian,
            interfaces: Vec::new(),
        });
    }
    Err(Error::NotACapture)
}

/// The buffer and input before the format is known.
struct RawReader {
    input: Box<dyn Read>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// File offset of `buf[0]`.
    base: u64,
}

impl RawReader {
    fn new(input: Box<dyn Read>) -> Self {
        RawReader {
            input,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            eof: false,
            base: 0,
        }
    }

    fn available(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// Makes `need` bytes available from `start`; false at the end of input.
    #[inline(always)]
    fn fill(&mut self, need: usize) -> std::io::Result<bool> {
        if self.end.saturating_sub(self.start) >= need {
            return Ok(true);
        }
        self.refill(need)
    }

    #[cold]
    #[inline(never)]
    fn refill(&mut self, need: usize) -> std::io::Result<bool> {
        while self.end.saturating_sub(self.start) < need {
            if self.eof {
                return Ok(false);
            }
            if self.start + need > self.buf.len() {
                // Compact, then grow only as far as `need` (bounded by MAX_RECORD
                // by every caller), a step at a time as bytes really arrive.
                self.buf.copy_within(self.start..self.end, 0);
                self.base += self.start as u64;
                self.end -= self.start;
                self.start = 0;
                if need > self.buf.len() {
                    let grown = (self.buf.len() * 2).max(need.next_power_of_two());
                    self.buf.resize(grown.min(MAX_RECORD * 2), 0);
                }
            }
            let Some(space) = self.buf.get_mut(self.end..) else {
                return Ok(false);
            };
            match self.input.read(space) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

/// A hint to bring a cache line in; no effect on other targets.
#[inline(always)]
#[allow(unsafe_code)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and reads nothing the program sees,
    // whatever the address (x86 PREFETCHh).
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    fn pcap(
        big_endian: bool,
        nanos: bool,
        linktype: u32,
        records: &[(u32, u32, &[u8])],
    ) -> Vec<u8> {
        let w32 = |v: u32| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let w16 = |v: u16| {
            if big_endian {
                v.to_be_bytes()
            } else {
                v.to_le_bytes()
            }
        };
        let mut out = Vec::new();
        out.extend(w32(if nanos { PCAP_MAGIC_NS } else { PCAP_MAGIC_US }));
        out.extend(w16(2));
        out.extend(w16(4));
        out.extend(w32(0));
        out.extend(w32(0));
        out.extend(w32(65535));
        out.extend(w32(linktype));
        for (sec, frac, data) in records {
            out.extend(w32(*sec));
            out.extend(w32(*frac));
            out.extend(w32(data.len() as u32));
            out.extend(w32(data.len() as u32));
            out.extend_from_slice(data);
        }
        out
    }

    type Summary = (u64, f64, u32, Vec<u8>, u64);

    fn read_all(bytes: Vec<u8>) -> (Vec<Summary>, Vec<RecordError>, Stats) {
        let mut reader = CaptureReader::new(std::io::Cursor::new(bytes)).unwrap();
        let mut ok = Vec::new();
        let mut errors = Vec::new();
        while let Some(record) = reader.next_record() {
            match record {
                Ok(r) => ok.push((
                    r.number,
                    r.time.secs(),
                    r.linktype.0,
                    r.data.to_vec(),
                    r.file_offset,
                )),
                Err(e) => errors.push(e),
            }
        }
        (ok, errors, reader.stats())
    }

    #[test]
    fn reads_pcap_in_both_byte_orders_and_resolutions() {
        for (big, nanos) in [(false, false), (true, false), (false, true), (true, true)] {
            let frac = if nanos { 500_000_000 } else { 500_000 };
            let file = pcap(big, nanos, 105, &[(10, frac, b"abc"), (11, 0, b"defg")]);
            let (records, errors, stats) = read_all(file);
            assert!(errors.is_empty());
            assert_eq!(records.len(), 2);
            assert_eq!(records[0].0, 1);
            assert_eq!(records[0].1, 10.5);
            assert_eq!(records[0].2, 105);
            assert_eq!(records[0].3, b"abc");
            assert_eq!(records[0].4, 24);
            assert_eq!(records[1].3, b"defg");
            assert_eq!(records[1].4, 24 + 16 + 3);
            assert!(!stats.truncated_tail);
        }
    }

    #[test]
    fn truncated_last_record_is_a_stat_not_an_error() {
        let mut file = pcap(false, false, 105, &[(1, 0, b"abcd"), (2, 0, b"efgh")]);
        file.truncate(file.len() - 2);
        let (records, errors, stats) = read_all(file);
        assert_eq!(records.len(), 1);
        assert!(errors.is_empty());
        assert!(stats.truncated_tail);
    }

    #[test]
    fn damaged_pcap_record_is_reported_and_skipped() {
        let mut file = pcap(
            false,
            false,
            105,
            &[(1, 0, b"aaaa"), (2, 0, b"bbbb"), (3, 0, b"cccc")],
        );
        // Second record's caplen set to 0xffffffff.
        let second = 24 + 16 + 4;
        file[second + 8..second + 12].copy_from_slice(&[0xff; 4]);
        let (records, errors, _) = read_all(file);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].file_offset, second as u64);
        assert!(!errors[0].fatal);
        let datas: Vec<_> = records.iter().map(|r| r.3.clone()).collect();
        assert_eq!(datas, vec![b"aaaa".to_vec(), b"cccc".to_vec()]);
    }

    fn block(kind: u32, body: &[u8]) -> Vec<u8> {
        let mut padded = body.to_vec();
        while padded.len() % 4 != 0 {
            padded.push(0);
        }
        let len = (padded.len() + 12) as u32;
        let mut out = kind.to_le_bytes().to_vec();
        out.extend(len.to_le_bytes());
        out.extend(padded);
        out.extend(len.to_le_bytes());
        out
    }

    fn shb() -> Vec<u8> {
        let mut body = PCAPNG_BOM.to_le_bytes().to_vec();
        body.extend([1, 0, 0, 0]);
        body.extend((-1i64).to_le_bytes());
        block(PCAPNG_SHB, &body)
    }

    fn idb(linktype: u16, tsresol: Option<u8>) -> Vec<u8> {
        let mut body = linktype.to_le_bytes().to_vec();
        body.extend([0, 0]);
        body.extend(0u32.to_le_bytes());
        if let Some(resol) = tsresol {
            body.extend(9u16.to_le_bytes());
            body.extend(1u16.to_le_bytes());
            body.extend([resol, 0, 0, 0]);
            body.extend([0, 0, 0, 0]);
        }
        block(BLOCK_IDB, &body)
    }

    fn epb(interface: u32, ticks: u64, data: &[u8]) -> Vec<u8> {
        let mut body = interface.to_le_bytes().to_vec();
        body.extend(((ticks >> 32) as u32).to_le_bytes());
        body.extend((ticks as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend((data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        block(BLOCK_EPB, &body)
    }

    #[test]
    fn pcapng_interfaces_resolutions_sections_and_unknown_blocks() {
        let mut file = shb();
        file.extend(idb(127, None));
        file.extend(idb(1, Some(9)));
        file.extend(idb(105, Some(0x80 | 10)));
        file.extend(epb(0, 1_500_000, b"radio"));
        file.extend(block(0x0bad, b"whatever"));
        file.extend(epb(1, 2_250_000_000, b"ether"));
        file.extend(epb(2, 3 * 1024 + 512, b"dot11"));
        // SPB for interface 0
        let mut spb = 3u32.to_le_bytes().to_vec();
        spb.extend(b"sim");
        file.extend(block(BLOCK_SPB, &spb));
        // A new section forgets the interfaces.
        file.extend(shb());
        file.extend(idb(105, None));
        file.extend(epb(0, 7_000_000, b"second"));
        let (records, errors, stats) = read_all(file);
        assert!(errors.is_empty(), "{errors:?}");
        let summary: Vec<_> = records
            .iter()
            .map(|r| (r.0, r.1, r.2, r.3.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (1, 1.5, 127, b"radio".to_vec()),
                (2, 2.25, 1, b"ether".to_vec()),
                (3, 3.5, 105, b"dot11".to_vec()),
                (4, 0.0, 127, b"sim".to_vec()),
                (5, 7.0, 105, b"second".to_vec()),
            ]
        );
        assert_eq!(stats.sections, 2);
        assert_eq!(stats.unknown_blocks, 1);
    }

    #[test]
    fn records_across_buffer_refills_keep_their_place() {
        let mut file = shb();
        file.extend(idb(105, Some(6)));
        let mut pcap_records = Vec::new();
        for n in 0..3000u32 {
            let data = vec![(n % 251) as u8; 100 + (n % 300) as usize];
            file.extend(epb(0, u64::from(n) * 1_000_000, &data));
            pcap_records.push((n, 0, data));
        }
        assert!(file.len() > 2 * INITIAL_BUFFER);
        let (records, errors, stats) = read_all(file);
        assert!(errors.is_empty());
        assert_eq!(records.len(), 3000);
        assert_eq!(stats.damaged, 0);
        for (n, record) in records.iter().enumerate() {
            assert_eq!(record.1, n as f64);
            assert_eq!(record.3.len(), 100 + n % 300);
            assert_eq!(record.3[0], (n % 251) as u8);
        }
        let borrowed: Vec<(u32, u32, &[u8])> = pcap_records
            .iter()
            .map(|(s, f, d)| (*s, *f, &d[..]))
            .collect();
        let (records, errors, _) = read_all(pcap(false, false, 127, &borrowed));
        assert!(errors.is_empty());
        assert_eq!(records.len(), 3000);
        assert_eq!(records[2999].3.len(), 100 + 2999 % 300);
    }

    #[test]
    fn pcapng_damaged_block_is_skipped() {
        let mut file = shb();
        file.extend(idb(105, None));
        let damaged_at = file.len();
        let mut bad = epb(0, 1, b"xxxx");
        bad[4] = 0xff; // length no longer matches the trailer
        file.extend(bad);
        file.extend(epb(0, 2_000_000, b"good"));
        let (records, errors, _) = read_all(file);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].file_offset, damaged_at as u64);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].3, b"good");
        assert_eq!(records[0].1, 2.0);
    }

    #[test]
    fn not_a_capture_and_gzip() {
        assert!(matches!(
            CaptureReader::new(std::io::Cursor::new(b"hello world, this is text".to_vec())),
            Err(Error::NotACapture)
        ));
        assert!(matches!(
            CaptureReader::new(std::io::Cursor::new(Vec::new())),
            Err(Error::NotACapture)
        ));
        let file = pcap(false, false, 105, &[(1, 0, b"zz")]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &file).unwrap();
        let (records, _, stats) = read_all(gz.finish().unwrap());
        assert!(stats.gzip);
        assert_eq!(records[0].3, b"zz");
    }

    /// Records that straddle the end of the read buffer, so that reading
    /// them moves the unread bytes to its front.
    #[test]
    fn records_across_buffer_refills_are_read_in_place() {
        let sizes = |i: usize| 60 + (i * 7919) % 1500;
        let count = 3 * INITIAL_BUFFER / 700;
        let payload = |i: usize| vec![(i % 251) as u8; sizes(i)];
        let mut ng = shb();
        ng.extend(idb(127, Some(6)));
        let mut records = Vec::new();
        for i in 0..count {
            ng.extend(epb(0, i as u64, &payload(i)));
            records.push((i as u32, 0, payload(i)));
        }
        let borrowed: Vec<(u32, u32, &[u8])> = records
            .iter()
            .map(|(s, f, d)| (*s, *f, d.as_slice()))
            .collect();
        let classic = pcap(false, false, 127, &borrowed);
        for file in [ng, classic] {
            let (read, errors, stats) = read_all(file);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(read.len(), count);
            assert_eq!(stats.skipped_bytes, 0);
            for (i, record) in read.iter().enumerate() {
                assert_eq!(record.0, i as u64 + 1);
                assert_eq!(record.3, payload(i), "record {i}");
            }
        }
    }

    /// The remembered second gives the same times as dividing every
    /// timestamp, in order, backwards, and across seconds and resolutions.
    #[test]
    fn timestamps_with_remembered_second_equal_division() {
        for (resolution, offset) in [(1_000_000, 0), (1_000_000_000, 5), (1 << 10, -3), (1, 0)] {
            let mut iface = Interface::new(LinkType::RADIOTAP, resolution, offset);
            // Within the very first second: no division has run yet.
            let first = resolution / 3;
            let expected = offset as f64 + first as f64 / resolution as f64;
            assert_eq!(timestamp(&mut iface, first).secs(), expected);
            let mut ticks = 1_700_000_000 * resolution;
            for step in [
                0,
                1,
                7,
                resolution.saturating_sub(9),
                3,
                resolution,
                0,
                u64::MAX / 4,
                12,
                1,
            ] {
                ticks = ticks.wrapping_add(step) % (u64::MAX / 2);
                for t in [ticks, ticks.saturating_sub(resolution / 2 + 1), ticks] {
                    let direct = offset as f64
                        + (t / resolution) as f64
                        + (t % resolution) as f64 / resolution as f64;
                    assert_eq!(timestamp(&mut iface, t).secs(), direct, "{resolution} {t}");
                }
            }
        }
    }

    #[test]
    fn every_truncation_is_handled() {
        let mut file = shb();
        file.extend(idb(105, Some(6)));
        file.extend(epb(0, 1, b"abcdef"));
        file.extend(epb(0, 2, b"ghijkl"));
        for len in 0..file.len() {
            if let Ok(mut reader) = CaptureReader::new(std::io::Cursor::new(file[..len].to_vec())) {
                let mut n = 0;
                while let Some(r) = reader.next_record() {
                    n += 1;
                    assert!(n < 10);
                    let _ = r;
                }
            }
        }
    }
}
