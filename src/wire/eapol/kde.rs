//! Key Data Encapsulations inside EAPOL-Key Key Data (IEEE 802.11-2020 12.7.2, Table 12-9).
//!
//! Key Data holds elements (the RSN element in message 3/4) and KDEs
//! (`0xdd len OUI type data`), read one at a time: an item that does not
//! fit is an error, and the `0xdd` with length 0 that pads AES-wrapped key
//! data ends the list (hostap's `wpa_parse_kde_ies` does the same).

use crate::wire::{Error, MacAddr, Result, u16_le};

/// KDE data types under OUI 00-0F-AC.
pub mod data_type {
    pub const GTK: u8 = 1;
    pub const MAC_ADDRESS: u8 = 3;
    pub const PMKID: u8 = 4;
    pub const NONCE: u8 = 6;
    pub const LIFETIME: u8 = 7;
    pub const ERROR: u8 = 8;
    pub const IGTK: u8 = 9;
    pub const KEY_ID: u8 = 10;
    pub const OCI: u8 = 13;
    pub const BIGTK: u8 = 14;
}

const OUI_IEEE: [u8; 3] = [0x00, 0x0f, 0xac];
const OUI_WPA: [u8; 3] = [0x00, 0x50, 0xf2];
const VENDOR: u8 = 0xdd;
const RSN_ELEMENT: u8 = 48;

/// One item of Key Data. Key bytes are borrowed and never printed by
/// `Debug` (GTK and IGTK are secrets).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kde<'a> {
    Gtk {
        key_id: u8,
        tx: bool,
        key: &'a [u8],
    },
    Pmkid([u8; 16]),
    Igtk {
        key_id: u16,
        ipn: [u8; 6],
        key: &'a [u8],
    },
    MacAddress(MacAddr),
    /// The RSN element (ID 48) the AP repeats in message 3/4: its body.
    Rsn(&'a [u8]),
    /// The WPA1 vendor element in a WPA1 message 3/4: body after 00:50:F2:01.
    Wpa(&'a [u8]),
    /// Any other element (RSNXE, MDE, FTE...).
    Element {
        id: u8,
        body: &'a [u8],
    },
    Unknown {
        oui: [u8; 3],
        data_type: u8,
        data: &'a [u8],
    },
    /// `0xdd` followed by zeros: the end of wrapped key data.
    Padding,
}

impl std::fmt::Debug for Kde<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kde::Gtk { key_id, tx, key } => f
                .debug_struct("Gtk")
                .field("key_id", key_id)
                .field("tx", tx)
                .field("key_len", &key.len())
                .finish_non_exhaustive(),
            Kde::Igtk { key_id, ipn, key } => f
                .debug_struct("Igtk")
                .field("key_id", key_id)
                .field("ipn", ipn)
                .field("key_len", &key.len())
                .finish_non_exhaustive(),
            Kde::Pmkid(pmkid) => f.debug_tuple("Pmkid").field(pmkid).finish(),
            Kde::MacAddress(mac) => f.debug_tuple("MacAddress").field(mac).finish(),
            Kde::Rsn(body) => f.debug_tuple("Rsn").field(body).finish(),
            Kde::Wpa(body) => f.debug_tuple("Wpa").field(body).finish(),
            Kde::Element { id, body } => f
                .debug_struct("Element")
                .field("id", id)
                .field("body", body)
                .finish(),
            Kde::Unknown {
                oui,
                data_type,
                data,
            } => f
                .debug_struct("Unknown")
                .field("oui", oui)
                .field("data_type", data_type)
                .field("data_len", &data.len())
                .finish(),
            Kde::Padding => f.write_str("Padding"),
        }
    }
}

fn truncated(what: &'static str, need: usize, have: usize) -> Error {
    Error::Truncated { what, need, have }
}

impl<'a> Kde<'a> {
    /// Reads the first item of `rest`; returns what follows it.
    pub fn parse(rest: &'a [u8]) -> Result<(&'a [u8], Kde<'a>)> {
        let (&id, after) = rest
            .split_first()
            .ok_or(truncated("key data element", 2, 0))?;
        let (&len, after) = after
            .split_first()
            .ok_or(truncated("key data element", 2, 1))?;
        if id == VENDOR && len == 0 {
            // Padding may only be followed by zeros.
            if after.iter().any(|b| *b != 0) {
                return Err(Error::Malformed(
                    "key data padding (non-zero after 0xdd 00)",
                ));
            }
            return Ok((&[], Kde::Padding));
        }
        let (body, after) = after.split_at_checked(usize::from(len)).ok_or(truncated(
            "key data element",
            usize::from(len) + 2,
            rest.len(),
        ))?;
        if id == RSN_ELEMENT {
            return Ok((after, Kde::Rsn(body)));
        }
        if id != VENDOR {
            return Ok((after, Kde::Element { id, body }));
        }
        let (Some(oui), Some(&kind)) = (
            body.get(..3).and_then(|o| <[u8; 3]>::try_from(o).ok()),
            body.get(3),
        ) else {
            return Err(truncated("KDE header", 4, body.len()));
        };
        let data = body.get(4..).unwrap_or_default();
        let kde = match (oui, kind) {
            (OUI_IEEE, data_type::GTK) => {
                let flags = *data.first().ok_or(truncated("GTK KDE", 6, body.len()))?;
                let key = data.get(2..).ok_or(truncated("GTK KDE", 6, body.len()))?;
                Kde::Gtk {
                    key_id: flags & 0x03,
                    tx: flags & 0x04 != 0,
                    key,
                }
            }
            (OUI_IEEE, data_type::PMKID) => Kde::Pmkid(
                data.try_into()
                    .map_err(|_| Error::Malformed("PMKID KDE length (not 16)"))?,
            ),
            (OUI_IEEE, data_type::IGTK) => {
                let key_id = u16_le(data, 0).ok_or(truncated("IGTK KDE", 12, body.len()))?;
                let ipn = crate::wire::array_at::<6>(data, 2).ok_or(truncated(
                    "IGTK KDE",
                    12,
                    body.len(),
                ))?;
                Kde::Igtk {
                    key_id,
                    ipn,
                    key: data.get(8..).unwrap_or_default(),
                }
            }
            (OUI_IEEE, data_type::MAC_ADDRESS) => Kde::MacAddress(
                MacAddr::from_slice(data)
                    .ok_or(Error::Malformed("MAC address KDE length (not 6)"))?,
            ),
            (OUI_WPA, 1) => Kde::Wpa(data),
            (oui, data_type) => Kde::Unknown {
                oui,
                data_type,
                data,
            },
        };
        Ok((after, kde))
    }

    /// Iterates over `key_data` (unwrapped), stopping after the first error.
    pub fn iter(key_data: &'a [u8]) -> impl Iterator<Item = Result<Kde<'a>>> + 'a {
        let mut rest = key_data;
        let mut failed = false;
        std::iter::from_fn(move || {
            if rest.is_empty() || failed {
                return None;
            }
            match Kde::parse(rest) {
                Ok((after, kde)) => {
                    rest = after;
                    Some(Ok(kde))
                }
                Err(err) => {
                    failed = true;
                    Some(Err(err))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    /// Unwrapped M3 key data shaped like hostapd's: RSN element, GTK KDE,
    /// then padding.
    fn m3_key_data() -> Vec<u8> {
        let mut data = vec![48, 20];
        data.extend([
            1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 4, 1, 0, 0, 0x0f, 0xac, 2, 0, 0,
        ]);
        data.extend([0xdd, 22, 0x00, 0x0f, 0xac, 1, 0x05, 0x00]);
        data.extend([0x11; 16]);
        data.extend([0xdd, 0x00, 0x00, 0x00]);
        data
    }

    #[test]
    fn reads_rsn_gtk_and_padding() {
        let data = m3_key_data();
        let items: Vec<_> = Kde::iter(&data).map(|k| k.unwrap()).collect();
        assert_eq!(items.len(), 3);
        assert!(matches!(items[0], Kde::Rsn(body) if body.len() == 20 && body[0] == 1));
        assert!(matches!(items[1], Kde::Gtk { key_id: 1, tx: true, key } if key == [0x11; 16]));
        assert_eq!(items[2], Kde::Padding);
        // Debug never shows key bytes.
        assert!(!format!("{:?}", items[1]).contains("17"));
    }

    #[test]
    fn reads_pmkid_igtk_mac_and_unknown() {
        let mut data = vec![0xdd, 20, 0x00, 0x0f, 0xac, 4];
        data.extend([0xab; 16]);
        data.extend([0xdd, 28, 0x00, 0x0f, 0xac, 9, 4, 0, 1, 2, 3, 4, 5, 6]);
        data.extend([0x22; 16]);
        data.extend([0xdd, 10, 0x00, 0x0f, 0xac, 3, 2, 0, 0, 0, 0, 1]);
        data.extend([0xdd, 5, 0x50, 0x6f, 0x9a, 0x17, 0x01]);
        data.extend([244, 1, 0x20]);
        let items: Vec<_> = Kde::iter(&data).map(|k| k.unwrap()).collect();
        assert_eq!(items[0], Kde::Pmkid([0xab; 16]));
        assert!(
            matches!(items[1], Kde::Igtk { key_id: 4, ipn: [1, 2, 3, 4, 5, 6], key } if key.len() == 16)
        );
        assert_eq!(items[2], Kde::MacAddress(MacAddr([2, 0, 0, 0, 0, 1])));
        assert_eq!(
            items[3],
            Kde::Unknown {
                oui: [0x50, 0x6f, 0x9a],
                data_type: 0x17,
                data: &[1]
            }
        );
        assert_eq!(
            items[4],
            Kde::Element {
                id: 244,
                body: &[0x20]
            }
        );
    }

    #[test]
    fn malformed_shapes_are_errors() {
        assert!(Kde::parse(&[]).is_err());
        assert!(Kde::parse(&[0xdd]).is_err());
        assert!(Kde::parse(&[0xdd, 5, 0, 0x0f]).is_err());
        assert!(Kde::parse(&[0xdd, 2, 0, 0x0f]).is_err()); // no data type
        assert_eq!(
            Kde::parse(&[0xdd, 5, 0, 0x0f, 0xac, 4, 1]).unwrap_err(),
            Error::Malformed("PMKID KDE length (not 16)")
        );
        assert!(Kde::parse(&[0xdd, 0, 0, 1]).is_err());
        let data = m3_key_data();
        for len in 0..data.len() {
            // Never panics; a cut inside an item is an error.
            let results: Vec<_> = Kde::iter(&data[..len]).collect();
            if len > 0 && len < 22 {
                assert!(results.last().unwrap().is_err(), "len {len}");
            }
        }
    }
}
