//! The checks that need a key: MICs of M2, M3 and M4, PMKIDs in M1, and
//! the key data of M3. Each proves which PMK one side used.

use crate::handshake::event::{SecurityIe, Ssid};

/// A nonce-error correction that made a MIC verify: the AP's ANonce in the
/// M1 the station answered is not in the capture, and its last four bytes
/// differ from the one seen by a small counter step (hcxtools' NC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NonceCorrection {
    pub delta: i8,
    pub big_endian: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MicStatus {
    /// No key was given, or the message has no MIC (M1).
    NotChecked,
    Verified {
        correction: Option<NonceCorrection>,
    },
    /// No candidate SSID's PMK verifies it.
    Failed,
    /// The inputs are missing: which ones.
    Unverifiable(&'static str),
}

/// What unwrapping M3's key data showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct M3KeyData {
    pub unwrapped: bool,
    pub ie: Option<SecurityIe>,
    pub gtk: bool,
    pub igtk: bool,
}

/// Key-based results for one link, parallel to its attempts and messages.
#[derive(Debug, Clone, Default)]
pub struct KeyChecks {
    pub given: bool,
    /// `[attempt][message]`.
    pub mic: Vec<Vec<MicStatus>>,
    /// `[attempt][message]`: a PMKID KDE in M1 checked against the PMK.
    pub pmkid: Vec<Vec<Option<bool>>>,
    /// `[attempt][message]`: M3 key data, when it could be read.
    pub m3_key_data: Vec<Vec<Option<M3KeyData>>>,
    /// The SSID whose PMK verified something.
    pub ssid: Option<Ssid>,
    /// A typo variant of the given passphrase that verifies: its kind and
    /// position, never its text.
    pub variant: Option<String>,
}

impl KeyChecks {
    pub fn mic(&self, attempt: usize, message: usize) -> MicStatus {
        self.mic
            .get(attempt)
            .and_then(|m| m.get(message))
            .copied()
            .unwrap_or(MicStatus::NotChecked)
    }

    pub fn pmkid(&self, attempt: usize, message: usize) -> Option<bool> {
        self.pmkid
            .get(attempt)
            .and_then(|m| m.get(message))
            .copied()
            .flatten()
    }

    pub fn m3_key_data(&self, attempt: usize, message: usize) -> Option<&M3KeyData> {
        self.m3_key_data
            .get(attempt)
            .and_then(|m| m.get(message))
            .and_then(Option::as_ref)
    }
}
