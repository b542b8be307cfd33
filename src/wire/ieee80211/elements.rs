//! Information elements (IEEE 802.11-2020 9.4.2): an iterator that keeps
//! what it does not know, and accessors for the ones a handshake needs.

/// The element list of a management frame body, undecoded until asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Elements<'a>(pub &'a [u8]);

/// Element IDs used here.
pub mod id {
    pub const SSID: u8 = 0;
    pub const SUPPORTED_RATES: u8 = 1;
    pub const DS_PARAMETER: u8 = 3;
    pub const RSN: u8 = 48;
    pub const VENDOR: u8 = 221;
    pub const RSNXE: u8 = 244;
    pub const EXTENSION: u8 = 255;
}

impl<'a> Elements<'a> {
    /// `(id, body)` pairs until the first element that does not fit.
    pub fn iter(&self) -> impl Iterator<Item = (u8, &'a [u8])> + 'a {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let (&id, after) = rest.split_first()?;
            let (&len, after) = after.split_first()?;
            let (body, after) = after.split_at_checked(usize::from(len))?;
            rest = after;
            Some((id, body))
        })
    }

    pub fn find(&self, wanted: u8) -> Option<&'a [u8]> {
        self.iter()
            .find(|(id, _)| *id == wanted)
            .map(|(_, body)| body)
    }

    /// The SSID element's body: an octet string of 0..=32 bytes, not text.
    pub fn ssid(&self) -> Option<&'a [u8]> {
        self.find(id::SSID)
    }

    /// The RSN element's body (after ID and length).
    pub fn rsn(&self) -> Option<&'a [u8]> {
        self.find(id::RSN)
    }

    /// The WPA1 vendor element's body after OUI 00:50:F2 and type 1.
    pub fn wpa(&self) -> Option<&'a [u8]> {
        self.iter()
            .filter(|(id, _)| *id == id::VENDOR)
            .find_map(|(_, body)| body.strip_prefix(&[0x00, 0x50, 0xf2, 0x01][..]))
    }

    pub fn rsnxe(&self) -> Option<&'a [u8]> {
        self.find(id::RSNXE)
    }

    pub fn ds_channel(&self) -> Option<u8> {
        self.find(id::DS_PARAMETER)?.first().copied()
    }
}
