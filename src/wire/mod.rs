//! Zero-copy decoders for everything a handshake diagnosis reads: link-layer
//! headers (radiotap, Prism, AVS, PPI, SLL, Ethernet), IEEE 802.11 frames and
//! elements, EAPOL-Key frames and KDEs, reason and status codes, and the lines
//! of wpa_supplicant and hostapd debug logs.
//!
//! Contract, for every decoder in this module:
//! - input is a borrowed byte (or text) slice; views borrow, nothing is copied
//!   except fixed-size values (addresses, nonces, counters);
//! - no I/O and no allocation on the per-frame path;
//! - no byte string, however malformed, makes a decoder panic, loop, or
//!   allocate from an unchecked length: a `check_len` proves every accessor
//!   in range, and anything it cannot prove is an [`Error`].
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub mod codes;
pub mod eapol;
pub mod ieee80211;
pub mod link;
pub mod log;
pub mod radiotap;
pub mod rsn;

use std::fmt;

pub use link::{Decoded, Link, LinkType, decode};

/// A capture timestamp as the file holds it: whole seconds, and a fraction
/// counted in `per_second` ticks. Most frames are dropped before anyone asks
/// their time, so the division that makes it one number waits for
/// [`Timestamp::secs`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timestamp {
    whole: f64,
    fraction: u64,
    per_second: u64,
}

impl Timestamp {
    /// `per_second` 0 is taken as 1.
    pub fn new(whole: f64, fraction: u64, per_second: u64) -> Self {
        Timestamp {
            whole,
            fraction,
            per_second: per_second.max(1),
        }
    }

    /// Seconds since the epoch.
    pub fn secs(self) -> f64 {
        self.whole + self.fraction as f64 / self.per_second as f64
    }
}

impl From<f64> for Timestamp {
    fn from(secs: f64) -> Self {
        Timestamp::new(secs, 0, 1)
    }
}

/// Why a decoder refused its input. Small and `Copy`: the caller reports it
/// with the frame number and moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{what} truncated: need {need} bytes, have {have}")]
    Truncated {
        what: &'static str,
        need: usize,
        have: usize,
    },
    #[error("malformed {0}")]
    Malformed(&'static str),
    #[error("unsupported {0}")]
    Unsupported(&'static str),
}

pub type Result<T> = std::result::Result<T, Error>;

/// Reads `N` bytes at `at`, or `None`: the one safe accessor the views build on.
#[inline]
pub(crate) fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    let end = at.checked_add(N)?;
    bytes.get(at..end)?.try_into().ok()
}

#[inline]
pub(crate) fn u16_be(bytes: &[u8], at: usize) -> Option<u16> {
    array_at::<2>(bytes, at).map(u16::from_be_bytes)
}

#[inline]
pub(crate) fn u16_le(bytes: &[u8], at: usize) -> Option<u16> {
    array_at::<2>(bytes, at).map(u16::from_le_bytes)
}

#[inline]
pub(crate) fn u32_le(bytes: &[u8], at: usize) -> Option<u32> {
    array_at::<4>(bytes, at).map(u32::from_le_bytes)
}

/// An IEEE 802 MAC address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);
    pub const ZERO: MacAddr = MacAddr([0; 6]);

    pub fn from_slice(bytes: &[u8]) -> Option<MacAddr> {
        bytes.try_into().ok().map(MacAddr)
    }

    pub fn is_group(&self) -> bool {
        self.0[0] & 1 == 1
    }

    pub fn oui(&self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (also `-` separated, any case).
    ///
    /// ```
    /// use wpadiag::wire::MacAddr;
    /// let ap = MacAddr::parse("00:27:19:FD:CA:94").unwrap();
    /// assert_eq!(ap.to_string(), "00:27:19:fd:ca:94");
    /// assert_eq!(MacAddr::parse("00-27-19-fd-ca-94"), Some(ap));
    /// assert_eq!(MacAddr::parse("00:27:19:fd:ca"), None);
    /// ```
    pub fn parse(text: &str) -> Option<MacAddr> {
        let mut out = [0u8; 6];
        let mut parts = text.split([':', '-']);
        for byte in out.iter_mut() {
            let part = parts.next()?;
            if part.len() != 2 {
                return None;
            }
            *byte = u8::from_str_radix(part, 16).ok()?;
        }
        parts.next().is_none().then_some(MacAddr(out))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl fmt::Debug for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Lowercase hex of public bytes (nonces, MICs, elements). Never used on secrets.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0xf] {
            out.push(char::from(
                DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

/// Parses hex, ignoring spaces, colons and a `0x` prefix; `None` on an odd
/// digit count or a non-hex character.
pub fn parse_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    let digits: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b':' | b'\t'))
        .collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn mac_round_trips_through_text() {
        let mac = MacAddr::parse("00:27:19:FD:ca:94").unwrap();
        assert_eq!(mac.to_string(), "00:27:19:fd:ca:94");
        assert_eq!(MacAddr::parse("00-27-19-fd-ca-94"), Some(mac));
        assert_eq!(MacAddr::parse("00:27:19:fd:ca"), None);
        assert_eq!(MacAddr::parse("00:27:19:fd:ca:94:00"), None);
        assert_eq!(MacAddr::parse("0:27:19:fd:ca:94"), None);
    }

    #[test]
    fn hex_parses_dumps_and_rejects_odd_digits() {
        assert_eq!(parse_hex("30 14 01 00"), Some(vec![0x30, 0x14, 1, 0]));
        assert_eq!(parse_hex("0xabCD"), Some(vec![0xab, 0xcd]));
        assert_eq!(parse_hex("abc"), None);
        assert_eq!(parse_hex("zz"), None);
        assert_eq!(hex(&[0, 0xff, 0x1a]), "00ff1a");
    }
}
