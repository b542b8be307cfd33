//! Radiotap headers (https://www.radiotap.org): the radio metadata a monitor
//! interface puts before each 802.11 frame.
//!
//! Fields are naturally aligned relative to the start of the header, in the
//! order of their presence bits, across extended presence words. A field this
//! parser does not know ends the walk (its size and alignment are unknowable),
//! keeping what was read before it; vendor namespaces are skipped by their
//! declared skip length.

use crate::wire::link::RadioInfo;
use crate::wire::{Error, Result, array_at, u16_le, u32_le};

/// Flags field bits (radiotap "Flags", field 1).
pub mod flags {
    pub const SHORT_PREAMBLE: u8 = 0x02;
    pub const FCS_AT_END: u8 = 0x10;
    pub const BAD_FCS: u8 = 0x40;
}

/// Presence bits with a meaning in every namespace.
const BIT_RADIOTAP_NS: u32 = 29;
const BIT_VENDOR_NS: u32 = 30;
const BIT_EXT: u32 = 31;

/// Most presence words a header may carry; more means garbage.
const MAX_PRESENCE_WORDS: usize = 64;

/// (alignment, size) of the radiotap-namespace fields 0..=27.
const FIELDS: [(usize, usize); 28] = [
    (8, 8),  // 0 TSFT
    (1, 1),  // 1 Flags
    (1, 1),  // 2 Rate
    (2, 4),  // 3 Channel
    (2, 2),  // 4 FHSS
    (1, 1),  // 5 dBm antenna signal
    (1, 1),  // 6 dBm antenna noise
    (2, 2),  // 7 lock quality
    (2, 2),  // 8 TX attenuation
    (2, 2),  // 9 dB TX attenuation
    (1, 1),  // 10 dBm TX power
    (1, 1),  // 11 antenna
    (1, 1),  // 12 dB antenna signal
    (1, 1),  // 13 dB antenna noise
    (2, 2),  // 14 RX flags
    (2, 2),  // 15 TX flags
    (1, 1),  // 16 RTS retries
    (1, 1),  // 17 data retries
    (4, 8),  // 18 XChannel
    (1, 3),  // 19 MCS
    (4, 8),  // 20 A-MPDU status
    (2, 12), // 21 VHT
    (8, 12), // 22 timestamp
    (2, 12), // 23 HE
    (2, 12), // 24 HE-MU
    (2, 6),  // 25 HE-MU-other-user
    (1, 1),  // 26 0-length PSDU
    (2, 4),  // 27 L-SIG
];

/// A parsed radiotap header: the radio facts and where the frame starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Radiotap {
    pub info: RadioInfo,
    /// The header length (`it_len`): the 802.11 frame starts here.
    pub header_len: usize,
    pub tsft: Option<u64>,
    /// Channel flags of the Channel field.
    pub channel_flags: Option<u16>,
    /// Whether the walk stopped at a field this parser does not know.
    pub stopped_early: bool,
}

/// Parses the radiotap header at the start of `data`.
pub fn parse(data: &[u8]) -> Result<Radiotap> {
    let (version, header_len) = match (data.first(), u16_le(data, 2)) {
        (Some(&v), Some(len)) => (v, usize::from(len)),
        _ => {
            return Err(Error::Truncated {
                what: "radiotap header",
                need: 8,
                have: data.len(),
            });
        }
    };
    if version != 0 {
        return Err(Error::Unsupported("radiotap version"));
    }
    if header_len < 8 {
        return Err(Error::Malformed("radiotap length (below 8)"));
    }
    let header = data.get(..header_len).ok_or(Error::Truncated {
        what: "radiotap header",
        need: header_len,
        have: data.len(),
    })?;

    // Presence words run from offset 4 while bit 31 is set; the fields
    // start after the last one. Counted first, then walked again from the
    // header, so that no per-frame array is zeroed.
    let mut count = 0;
    let mut at = 4;
    loop {
        let word = u32_le(header, at).ok_or(Error::Truncated {
            what: "radiotap presence bitmap",
            need: at + 4,
            have: header.len(),
        })?;
        if count == MAX_PRESENCE_WORDS {
            return Err(Error::Malformed(
                "radiotap presence bitmap (too many words)",
            ));
        }
        count += 1;
        at += 4;
        if word & (1 << BIT_EXT) == 0 {
            break;
        }
    }

    let mut out = Radiotap {
        info: RadioInfo::default(),
        header_len,
        tsft: None,
        channel_flags: None,
        stopped_early: false,
    };
    let mut vendor = false;
    let mut base = 0usize;
    'words: for word_index in 0..count {
        let word = u32_le(header, 4 + 4 * word_index).unwrap_or(0);
        // Only the set bits below the namespace bits name fields: visit
        // them lowest first, as their order in the header is.
        let mut fields = if vendor {
            0
        } else {
            word & ((1 << BIT_RADIOTAP_NS) - 1)
        };
        while fields != 0 {
            let bit = fields.trailing_zeros();
            fields &= fields - 1;
            let index = base + bit as usize;
            let Some(&(align, size)) = FIELDS.get(index) else {
                out.stopped_early = true;
                break 'words;
            };
            at = at.next_multiple_of(align);
            let Some(field) = header.get(at..at + size) else {
                // The header ends inside a field: keep what came before.
                out.stopped_early = true;
                break 'words;
            };
            read_field(&mut out, index, field);
            at += size;
        }
        if word & (1 << BIT_VENDOR_NS) != 0 {
            // Vendor namespace: OUI, sub-namespace, skip length, then that
            // many bytes belonging to the next presence words.
            at = at.next_multiple_of(2);
            let Some(skip) = u16_le(header, at + 4) else {
                out.stopped_early = true;
                break;
            };
            at += 6 + usize::from(skip);
            vendor = true;
            base = 0;
        } else if word & (1 << BIT_RADIOTAP_NS) != 0 {
            vendor = false;
            base = 0;
        } else {
            base += 32;
        }
    }
    Ok(out)
}

/// The header length and the Flags byte (0 when absent) as [`parse`] reads
/// them, without walking the other fields: TSFT and Flags are the first
/// two fields of the first presence word, so they come first in the
/// header. `None` for every header `parse` rejects, and for the rare one
/// where a later namespace could hold Flags again. For the per-frame skim
/// of frames that need nothing else.
pub fn header_len_and_flags(data: &[u8]) -> Option<(usize, u8)> {
    if *data.first()? != 0 {
        return None;
    }
    let header_len = usize::from(u16_le(data, 2)?);
    if header_len < 8 {
        return None;
    }
    let header = data.get(..header_len)?;
    // The same presence-word walk as `parse`, with its limits.
    let first = u32_le(header, 4)?;
    let mut word = first;
    let mut count = 1;
    let mut at = 8;
    while word & (1 << BIT_EXT) != 0 {
        if count == MAX_PRESENCE_WORDS {
            return None;
        }
        word = u32_le(header, at)?;
        // A later radiotap namespace may carry Flags again: walk it all.
        if word & 2 != 0 {
            return None;
        }
        count += 1;
        at += 4;
    }
    if first & 1 != 0 {
        at = at.next_multiple_of(8) + 8;
    }
    // A field the header ends inside stops `parse`'s walk: no Flags then.
    let flags = match header.get(at) {
        Some(&flags) if first & 2 != 0 => flags,
        _ => 0,
    };
    Some((header_len, flags))
}

fn read_field(out: &mut Radiotap, index: usize, field: &[u8]) {
    let byte = field.first().copied();
    match index {
        0 => out.tsft = array_at::<8>(field, 0).map(u64::from_le_bytes),
        1 => {
            let value = byte.unwrap_or(0);
            out.info.fcs_present = value & flags::FCS_AT_END != 0;
            out.info.bad_fcs = value & flags::BAD_FCS != 0;
            out.info.short_preamble = value & flags::SHORT_PREAMBLE != 0;
        }
        2 => out.info.rate_500kbps = byte,
        3 => {
            out.info.freq_mhz = u16_le(field, 0);
            out.channel_flags = u16_le(field, 2);
        }
        5 => out.info.signal_dbm = byte.map(|b| b as i8),
        6 => out.info.noise_dbm = byte.map(|b| b as i8),
        15 => out.info.tx_flags = u16_le(field, 0),
        // MCS: known, flags, index; the index is valid when known bit 1 says so.
        19 if field.first().is_some_and(|known| known & 0x02 != 0) => {
            out.info.mcs = field.get(2).copied();
        }
        // VHT: user 0's MCS is the high nibble of the first mcs_nss byte.
        21 => {
            let nss = field.get(4).copied().unwrap_or(0);
            if nss & 0x0f != 0 {
                out.info.mcs = Some(nss >> 4);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// Flags (FCS at end), rate, channel 2437 MHz, dBm signal -40, noise -95.
    const SIMPLE: [u8; 16] = [
        0x00, 0x00, 0x10, 0x00, // version, pad, length 16
        0x6e, 0x00, 0x00, 0x00, // Flags, Rate, Channel, signal, noise
        0x10, 0x02, // flags FCS, rate 1 Mb/s
        0x85, 0x09, 0xa0, 0x00, // 2437 MHz, 2 GHz CCK
        0xd8, 0xa1, // -40, -95
    ];

    /// Where `header_len_and_flags` answers, `parse` accepts the header and
    /// agrees on its length and FCS flags; over headers built from random
    /// presence words, lengths and bytes.
    #[test]
    fn header_len_and_flags_agrees_with_parse() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut accepted, mut bad_fcs) = (0, 0);
        for _ in 0..200_000 {
            let r = next();
            let words = 1 + (r % 4) as usize;
            let mut h = vec![(r >> 60 == 0) as u8, 0, 0, 0];
            for w in 0..words {
                let bits = (next() as u32) & 0x6000_0007 | if w + 1 < words { 1 << 31 } else { 0 };
                h.extend(bits.to_le_bytes());
            }
            for _ in 0..(next() % 24) {
                h.push(next() as u8);
            }
            let declared = if r & 0x10 == 0 {
                h.len()
            } else {
                ((r >> 8) % 48) as usize
            };
            h[2..4].copy_from_slice(&(declared as u16).to_le_bytes());
            h.extend([0u8; 8].iter().take((r >> 20) as usize % 8));
            match (header_len_and_flags(&h), parse(&h)) {
                (Some((len, bits)), Ok(rt)) => {
                    accepted += 1;
                    assert_eq!(len, rt.header_len, "{h:02x?}");
                    assert_eq!(
                        bits & flags::FCS_AT_END != 0,
                        rt.info.fcs_present,
                        "{h:02x?}"
                    );
                    assert_eq!(bits & flags::BAD_FCS != 0, rt.info.bad_fcs, "{h:02x?}");
                    bad_fcs += usize::from(rt.info.bad_fcs);
                }
                (Some(_), Err(e)) => panic!("{h:02x?}: parse says {e}"),
                (None, _) => {}
            }
        }
        assert!(accepted > 50_000 && bad_fcs > 1_000, "{accepted} {bad_fcs}");
    }

    #[test]
    fn reads_common_fields() {
        let rt = parse(&SIMPLE).unwrap();
        assert_eq!(rt.header_len, 16);
        assert!(rt.info.fcs_present);
        assert!(!rt.info.bad_fcs);
        assert_eq!(rt.info.rate_500kbps, Some(2));
        assert_eq!(rt.info.freq_mhz, Some(2437));
        assert_eq!(rt.channel_flags, Some(0x00a0));
        assert_eq!(rt.info.signal_dbm, Some(-40));
        assert_eq!(rt.info.noise_dbm, Some(-95));
        assert!(!rt.stopped_early);
    }

    #[test]
    fn aligns_tsft_after_extended_bitmaps() {
        // Two presence words: TSFT|Flags|ext, then an empty radiotap word.
        // Fields start at 12, TSFT aligns to 16.
        let mut h = vec![0, 0, 0, 0];
        h.extend_from_slice(&(0x8000_0003u32).to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&[0; 4]); // padding to 16
        h.extend_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        h.push(0x40); // bad FCS
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        let rt = parse(&h).unwrap();
        assert_eq!(rt.tsft, Some(0x1122_3344_5566_7788));
        assert!(rt.info.bad_fcs);
    }

    #[test]
    fn skips_vendor_namespace_and_returns_to_radiotap() {
        // Word 0: Flags + vendor-ns; word 1 (vendor): bit 0 + radiotap-ns;
        // word 2 (radiotap again, base 0): dBm signal.
        let mut h = vec![0, 0, 0, 0];
        h.extend_from_slice(&((1u32 << 1) | (1 << 30) | (1 << 31)).to_le_bytes());
        h.extend_from_slice(&(1u32 | (1 << 29) | (1 << 31)).to_le_bytes());
        h.extend_from_slice(&(1u32 << 5).to_le_bytes());
        h.push(0x10); // flags at 16
        h.push(0); // align to 18
        h.extend_from_slice(&[0x00, 0x11, 0x22, 0x01, 3, 0]); // OUI, sub-ns, skip 3
        h.extend_from_slice(&[0xaa, 0xbb, 0xcc]); // vendor data
        h.push(0xc4); // signal -60
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        let rt = parse(&h).unwrap();
        assert!(rt.info.fcs_present);
        assert_eq!(rt.info.signal_dbm, Some(-60));
        assert!(!rt.stopped_early);
    }

    #[test]
    fn stops_at_unknown_field_keeping_earlier_ones() {
        // Flags then bit 28 (TLV, size unknown here) then nothing readable.
        let mut h = vec![0, 0, 0, 0];
        h.extend_from_slice(&((1u32 << 1) | (1 << 5) | (1 << 28)).to_le_bytes());
        h.extend_from_slice(&[0x02, 0xb0, 0xff, 0xff]);
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        let rt = parse(&h).unwrap();
        assert!(rt.info.short_preamble);
        assert_eq!(rt.info.signal_dbm, Some(-80));
        assert!(rt.stopped_early);
    }

    #[test]
    fn reads_mcs_and_vht_and_tx_flags() {
        let mut h = vec![0, 0, 0, 0];
        h.extend_from_slice(&((1u32 << 15) | (1 << 19)).to_le_bytes());
        h.extend_from_slice(&[0x08, 0x00]); // TX flags at 8
        h.extend_from_slice(&[0x02, 0x00, 7]); // MCS known, index 7
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        let rt = parse(&h).unwrap();
        assert_eq!(rt.info.tx_flags, Some(8));
        assert_eq!(rt.info.mcs, Some(7));

        let mut h = vec![0, 0, 0, 0];
        h.extend_from_slice(&(1u32 << 21).to_le_bytes());
        h.extend_from_slice(&[0, 0, 0, 0, 0x92, 0, 0, 0, 0, 0, 0, 0]);
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        assert_eq!(parse(&h).unwrap().info.mcs, Some(9));
    }

    #[test]
    fn malformed_headers_are_errors() {
        assert!(matches!(parse(&[]), Err(Error::Truncated { need: 8, .. })));
        assert_eq!(
            parse(&[1, 0, 8, 0, 0, 0, 0, 0]),
            Err(Error::Unsupported("radiotap version"))
        );
        assert_eq!(
            parse(&[0, 0, 4, 0, 0, 0, 0, 0]),
            Err(Error::Malformed("radiotap length (below 8)"))
        );
        assert!(matches!(
            parse(&[0, 0, 20, 0, 0, 0, 0, 0]),
            Err(Error::Truncated {
                need: 20,
                have: 8,
                ..
            })
        ));
        // Extension bit set on the last word the header holds.
        assert!(matches!(
            parse(&[0, 0, 8, 0, 0, 0, 0, 0x80]),
            Err(Error::Truncated { .. })
        ));
        for len in 0..SIMPLE.len() {
            let _ = parse(&SIMPLE[..len]);
        }
    }
}
