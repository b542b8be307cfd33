//! Names for addresses and SSIDs in reports: as they are, or replaced by
//! stable pseudonyms that keep the vendor part of a MAC address.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::handshake::event::Ssid;
use crate::wire::MacAddr;

/// A few common vendors' OUIs: enough to keep "which chipset" in a
/// redacted report, the fact maintainers ask about most.
const VENDORS: &[([u8; 3], &str)] = &[
    ([0x00, 0x1b, 0x21], "Intel"),
    ([0x00, 0x13, 0xe8], "Intel"),
    ([0x00, 0x21, 0x6a], "Intel"),
    ([0x3c, 0xa9, 0xf4], "Intel"),
    ([0xa4, 0x34, 0xd9], "Intel"),
    ([0x00, 0x03, 0x7f], "Atheros"),
    ([0x00, 0x80, 0x48], "Compex"),
    ([0x00, 0x0e, 0x35], "Intel"),
    ([0x00, 0x1f, 0xe2], "HonHai"),
    ([0x00, 0x0c, 0x41], "Linksys"),
    ([0x00, 0x18, 0x39], "Linksys"),
    ([0x00, 0x14, 0xbf], "Linksys"),
    ([0x00, 0x1d, 0x7e], "Linksys"),
    ([0x00, 0x22, 0x3f], "Netgear"),
    ([0x00, 0x14, 0x6c], "Netgear"),
    ([0x00, 0x27, 0x19], "TP-Link"),
    ([0x00, 0x1d, 0x0f], "TP-Link"),
    ([0x00, 0x90, 0x4c], "Broadcom"),
    ([0x00, 0x10, 0x18], "Broadcom"),
    ([0x00, 0x0a, 0xf5], "Airgo"),
    ([0x00, 0x40, 0x10], "Sonic"),
    ([0x00, 0x18, 0x41], "HighTech"),
    ([0x00, 0x0f, 0xac], "IEEE"),
    ([0x00, 0x50, 0xf2], "Microsoft"),
    ([0x00, 0x17, 0xf2], "Apple"),
    ([0x00, 0x1e, 0xc2], "Apple"),
    ([0xf0, 0x18, 0x98], "Apple"),
    ([0x00, 0x12, 0x17], "Cisco"),
    ([0x00, 0x1a, 0x1e], "Aruba"),
    ([0x00, 0x0b, 0x86], "Aruba"),
    ([0x00, 0xe0, 0x4c], "Realtek"),
    ([0x00, 0x0c, 0x43], "Ralink"),
    ([0x00, 0x0e, 0x8e], "SparkLAN"),
    ([0x00, 0x15, 0x6d], "Ubiquiti"),
    ([0x24, 0xa4, 0x3c], "Ubiquiti"),
    ([0x18, 0xd6, 0xc7], "TP-Link"),
    ([0xa4, 0x2b, 0x8c], "Netgear"),
];

pub fn vendor(mac: MacAddr) -> Option<&'static str> {
    let oui = mac.oui();
    VENDORS
        .iter()
        .find(|(o, _)| *o == oui)
        .map(|(_, name)| *name)
}

/// Gives every address and SSID its printed form, consistently across one
/// report.
pub struct Namer {
    redact: bool,
    macs: RefCell<BTreeMap<MacAddr, String>>,
    ssids: RefCell<BTreeMap<Ssid, String>>,
    ap_count: RefCell<usize>,
    sta_count: RefCell<usize>,
}

impl Namer {
    pub fn new(redact: bool) -> Self {
        Namer {
            redact,
            macs: RefCell::default(),
            ssids: RefCell::default(),
            ap_count: RefCell::new(0),
            sta_count: RefCell::new(0),
        }
    }

    pub fn redacting(&self) -> bool {
        self.redact
    }

    /// Registers an AP first so APs and stations get their own numbering.
    pub fn ap(&self, mac: MacAddr) -> String {
        self.name(mac, true)
    }

    pub fn sta(&self, mac: MacAddr) -> String {
        self.name(mac, false)
    }

    fn name(&self, mac: MacAddr, is_ap: bool) -> String {
        if !self.redact {
            return mac.to_string();
        }
        if mac.is_group() {
            return "broadcast".to_string();
        }
        if let Some(known) = self.macs.borrow().get(&mac) {
            return known.clone();
        }
        let counter = if is_ap {
            &self.ap_count
        } else {
            &self.sta_count
        };
        let number = {
            let mut n = counter.borrow_mut();
            *n += 1;
            *n
        };
        let role = if is_ap { "ap" } else { "sta" };
        let name = match vendor(mac) {
            Some(vendor) => format!("{vendor}_{role}{number}"),
            None => format!("{role}{number}"),
        };
        self.macs.borrow_mut().insert(mac, name.clone());
        name
    }

    pub fn ssid(&self, ssid: &Ssid) -> String {
        if !self.redact {
            return ssid.display();
        }
        let mut ssids = self.ssids.borrow_mut();
        let next = ssids.len() + 1;
        ssids
            .entry(ssid.clone())
            .or_insert_with(|| format!("ssid{next}"))
            .clone()
    }

    /// Input file names can carry SSIDs or host names.
    pub fn file(&self, name: &str, index: usize) -> String {
        if self.redact {
            format!("input{}", index + 1)
        } else {
            name.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_keep_the_vendor() {
        let namer = Namer::new(true);
        let ap = MacAddr([0x00, 0x27, 0x19, 0xfd, 0xca, 0x94]);
        let sta = MacAddr([0x02, 0, 0, 0, 1, 0]);
        assert_eq!(namer.ap(ap), "TP-Link_ap1");
        assert_eq!(namer.sta(sta), "sta1");
        assert_eq!(namer.sta(ap), "TP-Link_ap1");
        let ssid = Ssid(b"Home Net".to_vec());
        assert_eq!(namer.ssid(&ssid), "ssid1");
        assert_eq!(namer.ssid(&Ssid(b"Other".to_vec())), "ssid2");
        assert_eq!(namer.ssid(&ssid), "ssid1");
    }

    #[test]
    fn without_redaction_names_are_the_real_ones() {
        let namer = Namer::new(false);
        assert_eq!(
            namer.ap(MacAddr([0, 0x27, 0x19, 0xfd, 0xca, 0x94])),
            "00:27:19:fd:ca:94"
        );
        assert_eq!(namer.ssid(&Ssid(vec![0xb2, 0xe2])), "$HEX[b2e2]");
    }
}
