//! A minimal pcapng writer for what a live capture saw: one Section Header
//! Block, one Interface Description Block and one Enhanced Packet Block per
//! frame, in host byte order (the SHB's byte-order magic tells readers), with
//! nanosecond timestamps (`if_tsresol` = 9). The output is flushed after
//! every block, so an interrupted run leaves a file that ends on a block
//! boundary and reads back whole.

use std::io::{self, Write};

use crate::wire::LinkType;

const SHB: u32 = 0x0A0D_0D0A;
const IDB: u32 = 0x0000_0001;
const EPB: u32 = 0x0000_0006;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const IF_NAME: u16 = 2;
const IF_TSRESOL: u16 = 9;
const SHB_USERAPPL: u16 = 4;

/// The largest frame kept whole; longer ones are cut (and say so in their
/// original length).
pub const SNAPLEN: u32 = 262_144;

/// Writes pcapng blocks to `out`.
pub struct PcapngWriter<W: Write> {
    out: W,
    frames: u64,
    interfaces: u32,
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the section and interface headers. `interface` is recorded as
    /// the IDB's `if_name`.
    pub fn new(mut out: W, linktype: LinkType, interface: &str) -> io::Result<Self> {
        let mut shb_options = Vec::new();
        push_option(
            &mut shb_options,
            SHB_USERAPPL,
            concat!("wpadiag ", env!("CARGO_PKG_VERSION")).as_bytes(),
        );
        push_option(&mut shb_options, OPT_END, &[]);
        let mut shb = Vec::with_capacity(16 + shb_options.len());
        shb.extend_from_slice(&BYTE_ORDER_MAGIC.to_ne_bytes());
        shb.extend_from_slice(&1u16.to_ne_bytes()); // major
        shb.extend_from_slice(&0u16.to_ne_bytes()); // minor
        shb.extend_from_slice(&(-1i64).to_ne_bytes()); // section length unknown
        shb.extend_from_slice(&shb_options);
        write_block(&mut out, SHB, &shb)?;

        let mut writer = PcapngWriter {
            out,
            frames: 0,
            interfaces: 0,
        };
        writer.add_interface(linktype, interface)?;
        Ok(writer)
    }

    /// Describes another interface (another link type) and returns its
    /// number for [`PcapngWriter::write_frame_on`]; the first is 0.
    pub fn add_interface(&mut self, linktype: LinkType, interface: &str) -> io::Result<u32> {
        let mut idb = Vec::with_capacity(32);
        // LINKTYPE_ values are 16 bits in an IDB.
        let linktype = u16::try_from(linktype.0).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "link type does not fit pcapng")
        })?;
        idb.extend_from_slice(&linktype.to_ne_bytes());
        idb.extend_from_slice(&0u16.to_ne_bytes()); // reserved
        idb.extend_from_slice(&SNAPLEN.to_ne_bytes());
        push_option(&mut idb, IF_NAME, interface.as_bytes());
        push_option(&mut idb, IF_TSRESOL, &[9]);
        push_option(&mut idb, OPT_END, &[]);
        write_block(&mut self.out, IDB, &idb)?;
        self.out.flush()?;
        self.interfaces += 1;
        Ok(self.interfaces - 1)
    }

    /// Appends one frame captured at `time_ns` (nanoseconds since the Unix
    /// epoch) that was `original_len` bytes long on the wire.
    pub fn write_frame(
        &mut self,
        time_ns: u64,
        data: &[u8],
        original_len: usize,
    ) -> io::Result<()> {
        self.write_frame_on(0, time_ns, data, original_len, None)
    }

    /// Appends one frame on interface `interface`, with an optional packet
    /// comment (`opt_comment`, shown by Wireshark as `frame.comment`).
    pub fn write_frame_on(
        &mut self,
        interface: u32,
        time_ns: u64,
        data: &[u8],
        original_len: usize,
        comment: Option<&str>,
    ) -> io::Result<()> {
        let kept = data.get(..SNAPLEN as usize).unwrap_or(data);
        let mut epb = Vec::with_capacity(20 + kept.len() + 3);
        epb.extend_from_slice(&interface.to_ne_bytes());
        epb.extend_from_slice(&((time_ns >> 32) as u32).to_ne_bytes());
        epb.extend_from_slice(&(time_ns as u32).to_ne_bytes());
        epb.extend_from_slice(&(kept.len() as u32).to_ne_bytes());
        let original = u32::try_from(original_len.max(kept.len())).unwrap_or(u32::MAX);
        epb.extend_from_slice(&original.to_ne_bytes());
        epb.extend_from_slice(kept);
        pad4(&mut epb);
        if let Some(comment) = comment {
            // Option lengths are 16 bits: a longer comment is cut at a
            // character boundary.
            let mut end = comment.len().min(usize::from(u16::MAX) - 3);
            while !comment.is_char_boundary(end) {
                end -= 1;
            }
            push_option(
                &mut epb,
                OPT_COMMENT,
                comment.get(..end).unwrap_or_default().as_bytes(),
            );
            push_option(&mut epb, OPT_END, &[]);
        }
        write_block(&mut self.out, EPB, &epb)?;
        self.out.flush()?;
        self.frames += 1;
        Ok(())
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

fn push_option(buf: &mut Vec<u8>, code: u16, value: &[u8]) {
    buf.extend_from_slice(&code.to_ne_bytes());
    buf.extend_from_slice(&(value.len() as u16).to_ne_bytes());
    buf.extend_from_slice(value);
    pad4(buf);
}

fn pad4(buf: &mut Vec<u8>) {
    while buf.len() % 4 != 0 {
        buf.push(0);
    }
}

/// Type, total length, body (already padded to 4), total length again.
fn write_block(out: &mut impl Write, block_type: u32, body: &[u8]) -> io::Result<()> {
    let total = u32::try_from(body.len() + 12)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "pcapng block too long"))?;
    let mut block = Vec::with_capacity(body.len() + 12);
    block.extend_from_slice(&block_type.to_ne_bytes());
    block.extend_from_slice(&total.to_ne_bytes());
    block.extend_from_slice(body);
    block.extend_from_slice(&total.to_ne_bytes());
    // One write per block: a reader never sees half a header and a body.
    out.write_all(&block)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::source::CaptureReader;

    #[test]
    fn reads_back_with_our_reader() {
        let mut writer = PcapngWriter::new(Vec::new(), LinkType::ETHERNET, "veth0").unwrap();
        let frame_a: Vec<u8> = (0u8..61).collect(); // odd length: padding
        let frame_b = vec![0xAAu8; 64];
        writer
            .write_frame(1_700_000_000_123_456_789, &frame_a, 61)
            .unwrap();
        writer
            .write_frame(1_700_000_001_000_000_001, &frame_b, 1500)
            .unwrap();
        assert_eq!(writer.frames(), 2);
        let bytes = writer.into_inner();
        assert_eq!(bytes.len() % 4, 0);
        // The IDB starts after the 52-byte SHB: link type 1 in 16 bits,
        // then 16 reserved bits, then the snap length.
        assert_eq!(bytes[60..62], 1u16.to_ne_bytes());
        assert_eq!(bytes[62..64], [0, 0]);
        assert_eq!(bytes[64..68], SNAPLEN.to_ne_bytes());
        let dir = std::env::temp_dir().join(format!("wpadiag-pcapng-w-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.pcapng");
        std::fs::write(&path, &bytes).unwrap();
        let mut reader = CaptureReader::open(&path).unwrap();
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.number, 1);
        assert_eq!(first.linktype, LinkType::ETHERNET);
        assert_eq!(first.data, &frame_a[..]);
        assert!((first.time.secs() - 1_700_000_000.123_456_8).abs() < 1e-6);
        let (number, time, data) = {
            let second = reader.next_record().unwrap().unwrap();
            (second.number, second.time.secs(), second.data.to_vec())
        };
        assert_eq!(number, 2);
        assert_eq!(data, frame_b);
        assert!((time - 1_700_000_001.0).abs() < 1e-6);
        assert!(reader.next_record().is_none());
        assert_eq!(reader.format(), crate::source::Format::PcapNg);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_cut_after_any_block_still_reads() {
        let mut writer = PcapngWriter::new(Vec::new(), LinkType::RADIOTAP, "mon0").unwrap();
        let header_len = writer.out.len();
        writer
            .write_frame(5_000_000_000, &[1, 2, 3, 4, 5], 5)
            .unwrap();
        let bytes = writer.into_inner();
        let dir = std::env::temp_dir().join(format!("wpadiag-pcapng-c-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.pcapng");
        std::fs::write(&path, &bytes[..header_len]).unwrap();
        let mut reader = CaptureReader::open(&path).unwrap();
        assert!(reader.next_record().is_none());
        assert_eq!(reader.stats().damaged, 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
