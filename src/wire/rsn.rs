//! The RSN element (IEEE 802.11-2020 9.4.2.24) and the WPA1 vendor element
//! (00:50:F2 type 1), decoded into one typed view without allocating.
//!
//! Parsing follows hostap's `wpa_parse_wpa_ie_rsn`/`wpa_parse_wpa_ie_wpa`:
//! every field after the version is optional, but a field that starts must
//! be complete, and a suite count must fit in what is left.

use std::fmt::{self, Write as _};

use crate::wire::{Error, Result, array_at, u16_le};

/// OUI of suites defined by IEEE 802.11.
pub const OUI_IEEE: [u8; 3] = [0x00, 0x0f, 0xac];
/// OUI of the pre-RSNA WPA suites (Microsoft).
pub const OUI_WPA: [u8; 3] = [0x00, 0x50, 0xf2];

/// A cipher or AKM suite selector: OUI and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Suite(pub [u8; 4]);

impl Suite {
    pub const fn ieee(suite_type: u8) -> Suite {
        Suite([0x00, 0x0f, 0xac, suite_type])
    }
    pub fn oui(self) -> [u8; 3] {
        [self.0[0], self.0[1], self.0[2]]
    }
    pub fn suite_type(self) -> u8 {
        self.0[3]
    }

    /// The IEEE AKM number (Table 9-151); WPA1's 00-50-F2 suites 1 and 2
    /// are the same methods as AKMs 1 (802.1X) and 2 (PSK).
    pub fn akm_number(self) -> Option<u8> {
        match (self.oui(), self.suite_type()) {
            (OUI_IEEE, n) => Some(n),
            (OUI_WPA, n @ (1 | 2)) => Some(n),
            _ => None,
        }
    }

    /// Name of this selector read as a cipher suite (Table 9-149).
    pub fn cipher_name(self) -> &'static str {
        let number = match (self.oui(), self.suite_type()) {
            (OUI_IEEE, n) => n,
            // WPA1 uses the same numbers for the ciphers it has.
            (OUI_WPA, n @ (0 | 1 | 2 | 4 | 5)) => n,
            _ => return "vendor",
        };
        match number {
            0 => "use-group",
            1 => "WEP-40",
            2 => "TKIP",
            4 => "CCMP-128",
            5 => "WEP-104",
            6 => "BIP-CMAC-128",
            7 => "group-traffic-not-allowed",
            8 => "GCMP-128",
            9 => "GCMP-256",
            10 => "CCMP-256",
            11 => "BIP-GMAC-128",
            12 => "BIP-GMAC-256",
            13 => "BIP-CMAC-256",
            _ => "reserved",
        }
    }

    /// Name of this selector read as an AKM suite (Table 9-151).
    pub fn akm_name(self) -> &'static str {
        match self.akm_number() {
            Some(1) => "802.1X",
            Some(2) => "PSK",
            Some(3) => "FT-802.1X",
            Some(4) => "FT-PSK",
            Some(5) => "802.1X-SHA256",
            Some(6) => "PSK-SHA256",
            Some(7) => "TDLS",
            Some(8) => "SAE",
            Some(9) => "FT-SAE",
            Some(10) => "AP-PEER-KEY",
            Some(11) => "802.1X-SUITE-B",
            Some(12) => "802.1X-SUITE-B-192",
            Some(13) => "FT-802.1X-SHA384",
            Some(14) => "FILS-SHA256",
            Some(15) => "FILS-SHA384",
            Some(16) => "FT-FILS-SHA256",
            Some(17) => "FT-FILS-SHA384",
            Some(18) => "OWE",
            Some(19) => "FT-PSK-SHA384",
            Some(20) => "PSK-SHA384",
            Some(21) => "PASN",
            Some(22) => "FT-802.1X-SHA384-2",
            Some(23) => "802.1X-SHA384",
            Some(24) => "SAE-EXT-KEY",
            Some(25) => "FT-SAE-EXT-KEY",
            Some(_) => "reserved",
            None => "vendor",
        }
    }

    /// AKMs whose PMK is the PSK (PBKDF2 of a passphrase, or 64 hex
    /// digits): the ones a passphrase check can replay.
    pub fn is_psk_family(self) -> bool {
        matches!(self.akm_number(), Some(2 | 4 | 6 | 19 | 20))
    }

    /// AKMs whose PMK comes from an SAE exchange.
    pub fn is_sae(self) -> bool {
        matches!(self.akm_number(), Some(8 | 9 | 24 | 25))
    }
}

/// Most suites of one list kept inline; `count` still reports the truth.
pub const MAX_SUITES: usize = 4;

/// A suite list without allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SuiteList {
    suites: [Suite; MAX_SUITES],
    /// The count the element declared (and whose suites were present).
    count: u16,
}

impl SuiteList {
    pub fn count(&self) -> usize {
        usize::from(self.count)
    }
    /// The suites kept inline (the first [`MAX_SUITES`]).
    pub fn iter(&self) -> impl Iterator<Item = Suite> + '_ {
        self.suites.iter().copied().take(self.count())
    }
    pub fn first(&self) -> Option<Suite> {
        self.iter().next()
    }
    pub fn contains(&self, suite: Suite) -> bool {
        self.iter().any(|s| s == suite)
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// RSN Capabilities bits (Figure 9-348).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RsnCapabilities(pub u16);

impl RsnCapabilities {
    pub fn preauth(self) -> bool {
        self.0 & 0x0001 != 0
    }
    pub fn pmf_required(self) -> bool {
        self.0 & 0x0040 != 0
    }
    pub fn pmf_capable(self) -> bool {
        self.0 & 0x0080 != 0
    }
    pub fn extended_key_id(self) -> bool {
        self.0 & 0x2000 != 0
    }
}

/// Which element the info came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Rsn,
    /// WPA1, the vendor element 00:50:F2 type 1.
    Wpa,
}

/// A decoded RSN or WPA element body, with the raw bytes kept for
/// byte-by-byte comparison (hostap compares the M3 copy with the Beacon one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsnInfo<'a> {
    pub protocol: Protocol,
    pub version: u16,
    pub group_cipher: Option<Suite>,
    pub pairwise_ciphers: SuiteList,
    pub akms: SuiteList,
    pub capabilities: Option<RsnCapabilities>,
    pmkids: &'a [u8],
    pub group_management_cipher: Option<Suite>,
    /// The element body as received (RSN: after ID and length; WPA: after
    /// the OUI and type).
    pub raw: &'a [u8],
}

fn truncated(need: usize, have: usize) -> Error {
    Error::Truncated {
        what: "RSN element",
        need,
        have,
    }
}

/// Reads a suite count and its suites from `body` at `*at`.
fn suite_list(body: &[u8], at: &mut usize) -> Result<Option<SuiteList>> {
    if *at >= body.len() {
        return Ok(None);
    }
    let count = u16_le(body, *at).ok_or(truncated(*at + 2, body.len()))?;
    *at += 2;
    let end = *at + 4 * usize::from(count);
    if end > body.len() {
        return Err(truncated(end, body.len()));
    }
    let mut list = SuiteList {
        count,
        ..SuiteList::default()
    };
    for (slot, index) in list.suites.iter_mut().zip(0..usize::from(count)) {
        *slot = Suite(array_at::<4>(body, *at + 4 * index).unwrap_or_default());
    }
    *at = end;
    Ok(Some(list))
}

fn suite(body: &[u8], at: &mut usize) -> Result<Option<Suite>> {
    if *at >= body.len() {
        return Ok(None);
    }
    let bytes = array_at::<4>(body, *at).ok_or(truncated(*at + 4, body.len()))?;
    *at += 4;
    Ok(Some(Suite(bytes)))
}

impl<'a> RsnInfo<'a> {
    /// Parses an RSN element body (after element ID and length).
    pub fn parse_rsn(body: &'a [u8]) -> Result<Self> {
        Self::parse(body, Protocol::Rsn)
    }

    /// Parses a WPA1 vendor element body after 00:50:F2:01.
    pub fn parse_wpa(body: &'a [u8]) -> Result<Self> {
        Self::parse(body, Protocol::Wpa)
    }

    fn parse(body: &'a [u8], protocol: Protocol) -> Result<Self> {
        let version = u16_le(body, 0).ok_or(truncated(2, body.len()))?;
        if version != 1 {
            return Err(Error::Unsupported("RSN element version"));
        }
        let mut at = 2;
        let mut info = RsnInfo {
            protocol,
            version,
            group_cipher: suite(body, &mut at)?,
            pairwise_ciphers: suite_list(body, &mut at)?.unwrap_or_default(),
            akms: suite_list(body, &mut at)?.unwrap_or_default(),
            capabilities: None,
            pmkids: &[],
            group_management_cipher: None,
            raw: body,
        };
        if at < body.len() {
            let caps = u16_le(body, at).ok_or(truncated(at + 2, body.len()))?;
            info.capabilities = Some(RsnCapabilities(caps));
            at += 2;
        }
        if protocol == Protocol::Rsn && at < body.len() {
            let count = u16_le(body, at).ok_or(truncated(at + 2, body.len()))?;
            let start = at + 2;
            let end = start + 16 * usize::from(count);
            info.pmkids = body.get(start..end).ok_or(truncated(end, body.len()))?;
            at = end;
            info.group_management_cipher = suite(body, &mut at)?;
        }
        Ok(info)
    }

    pub fn pmkid_count(&self) -> usize {
        self.pmkids.len() / 16
    }

    pub fn pmkids(&self) -> impl Iterator<Item = [u8; 16]> + 'a {
        self.pmkids
            .chunks_exact(16)
            .filter_map(|chunk| chunk.try_into().ok())
    }

    pub fn pmf_required(&self) -> bool {
        self.capabilities.is_some_and(|c| c.pmf_required())
    }
    pub fn pmf_capable(&self) -> bool {
        self.capabilities.is_some_and(|c| c.pmf_capable())
    }
    pub fn preauth(&self) -> bool {
        self.capabilities.is_some_and(|c| c.preauth())
    }

    /// One line: `RSN v1 group CCMP-128 pairwise CCMP-128 AKM PSK caps 0x008c (PMF capable)`.
    pub fn describe(&self) -> String {
        let mut out = String::with_capacity(96);
        let name = match self.protocol {
            Protocol::Rsn => "RSN",
            Protocol::Wpa => "WPA",
        };
        let _ = write!(out, "{name} v{}", self.version);
        if let Some(group) = self.group_cipher {
            let _ = write!(out, " group {}", group.cipher_name());
        }
        let list = |out: &mut String, label: &str, list: &SuiteList, akm: bool| {
            if list.is_empty() {
                return;
            }
            let _ = write!(out, " {label} ");
            for (index, suite) in list.iter().enumerate() {
                if index > 0 {
                    out.push('+');
                }
                out.push_str(if akm {
                    suite.akm_name()
                } else {
                    suite.cipher_name()
                });
            }
            if list.count() > MAX_SUITES {
                let _ = write!(out, "+{} more", list.count() - MAX_SUITES);
            }
        };
        list(&mut out, "pairwise", &self.pairwise_ciphers, false);
        list(&mut out, "AKM", &self.akms, true);
        if let Some(caps) = self.capabilities {
            let _ = write!(out, " caps 0x{:04x}", caps.0);
            let flags: Vec<&str> = [
                (caps.pmf_required(), "PMF required"),
                (caps.pmf_capable(), "PMF capable"),
                (caps.preauth(), "preauth"),
            ]
            .into_iter()
            .filter_map(|(set, name)| set.then_some(name))
            .collect();
            if !flags.is_empty() {
                let _ = write!(out, " ({})", flags.join(", "));
            }
        }
        if self.pmkid_count() > 0 {
            let _ = write!(out, " PMKIDs {}", self.pmkid_count());
        }
        if let Some(cipher) = self.group_management_cipher {
            let _ = write!(out, " group-mgmt {}", cipher.cipher_name());
        }
        out
    }
}

impl fmt::Display for RsnInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing, clippy::unwrap_used)]
    use super::*;

    /// RSN element body of the Beacon in aircrack-ng_wpa2.eapol.cap.
    const RSN_PSK_CCMP: [u8; 20] = [
        0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00,
        0x0f, 0xac, 0x02, 0x01, 0x00,
    ];

    #[test]
    fn decodes_wpa2_psk_ccmp() {
        let rsn = RsnInfo::parse_rsn(&RSN_PSK_CCMP).unwrap();
        assert_eq!(rsn.version, 1);
        assert_eq!(rsn.group_cipher, Some(Suite::ieee(4)));
        assert_eq!(rsn.pairwise_ciphers.count(), 1);
        assert_eq!(rsn.akms.first().unwrap().akm_name(), "PSK");
        assert!(rsn.akms.first().unwrap().is_psk_family());
        assert_eq!(rsn.capabilities, Some(RsnCapabilities(1)));
        assert!(rsn.preauth());
        assert!(!rsn.pmf_capable());
        assert_eq!(rsn.pmkid_count(), 0);
        assert_eq!(
            rsn.describe(),
            "RSN v1 group CCMP-128 pairwise CCMP-128 AKM PSK caps 0x0001 (preauth)"
        );
        assert_eq!(rsn.raw, &RSN_PSK_CCMP[..]);
    }

    #[test]
    fn decodes_pmkid_and_group_management_cipher() {
        let mut body = RSN_PSK_CCMP.to_vec();
        body[18] = 0xc0; // PMF required + capable
        body.extend([1, 0]);
        body.extend([0xab; 16]);
        body.extend([0x00, 0x0f, 0xac, 0x06]);
        let rsn = RsnInfo::parse_rsn(&body).unwrap();
        assert!(rsn.pmf_required() && rsn.pmf_capable());
        assert_eq!(rsn.pmkid_count(), 1);
        assert_eq!(rsn.pmkids().next(), Some([0xab; 16]));
        assert_eq!(rsn.group_management_cipher, Some(Suite::ieee(6)));
        assert!(
            rsn.describe().ends_with(
                "caps 0x00c0 (PMF required, PMF capable) PMKIDs 1 group-mgmt BIP-CMAC-128"
            )
        );
    }

    #[test]
    fn decodes_wpa1_vendor_body_and_maps_akms() {
        // After 00:50:F2:01 in aircrack-ng_wpa.cap's Beacon: TKIP/TKIP/PSK.
        let body = [
            0x01, 0x00, 0x00, 0x50, 0xf2, 0x02, 0x01, 0x00, 0x00, 0x50, 0xf2, 0x02, 0x01, 0x00,
            0x00, 0x50, 0xf2, 0x02,
        ];
        let wpa = RsnInfo::parse_wpa(&body).unwrap();
        assert_eq!(wpa.protocol, Protocol::Wpa);
        assert_eq!(wpa.group_cipher.unwrap().cipher_name(), "TKIP");
        let akm = wpa.akms.first().unwrap();
        assert_eq!(akm.akm_number(), Some(2));
        assert_eq!(akm.akm_name(), "PSK");
        assert!(akm.is_psk_family());
        assert_eq!(wpa.describe(), "WPA v1 group TKIP pairwise TKIP AKM PSK");
    }

    #[test]
    fn names_wpa3_akms_and_counts_past_the_inline_limit() {
        assert_eq!(Suite::ieee(8).akm_name(), "SAE");
        assert_eq!(Suite::ieee(24).akm_name(), "SAE-EXT-KEY");
        assert_eq!(Suite::ieee(4).akm_name(), "FT-PSK");
        assert_eq!(Suite::ieee(6).akm_name(), "PSK-SHA256");
        assert!(Suite::ieee(8).is_sae() && !Suite::ieee(8).is_psk_family());
        assert_eq!(Suite([0x00, 0x10, 0x18, 1]).akm_number(), None);
        let mut body = vec![1, 0, 0x00, 0x0f, 0xac, 4, 6, 0];
        for n in 0..6 {
            body.extend([0x00, 0x0f, 0xac, n]);
        }
        let rsn = RsnInfo::parse_rsn(&body).unwrap();
        assert_eq!(rsn.pairwise_ciphers.count(), 6);
        assert_eq!(rsn.pairwise_ciphers.iter().count(), MAX_SUITES);
        assert!(rsn.describe().contains("+2 more"));
    }

    #[test]
    fn truncations_are_errors_and_optional_tails_are_not() {
        // Every cut either ends at a field boundary (Ok) or inside one (Err).
        let ok_lengths = [2, 6, 12, 18, 20];
        for len in 0..RSN_PSK_CCMP.len() {
            let result = RsnInfo::parse_rsn(&RSN_PSK_CCMP[..len]);
            assert_eq!(result.is_ok(), ok_lengths.contains(&len), "len {len}");
        }
        assert_eq!(
            RsnInfo::parse_rsn(&[2, 0]),
            Err(Error::Unsupported("RSN element version"))
        );
        // A suite count larger than the body.
        assert!(matches!(
            RsnInfo::parse_rsn(&[1, 0, 0, 0x0f, 0xac, 4, 0xff, 0xff]),
            Err(Error::Truncated { .. })
        ));
        // A PMKID count larger than the body.
        let mut body = RSN_PSK_CCMP.to_vec();
        body.extend([9, 0]);
        assert!(RsnInfo::parse_rsn(&body).is_err());
    }
}
