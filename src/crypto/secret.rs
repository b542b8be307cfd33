//! Types for key material. Each zeroizes on drop, prints as `Name(..)` in
//! `Debug`, and has no `Display` or `Serialize`: a secret can reach output
//! only through an explicit accessor such as [`Pmk::as_bytes`].

use zeroize::Zeroize;

use super::Error;

/// Secret bytes of a length fixed at construction (KCK, KEK, TK, GTK, key data).
macro_rules! secret_bytes {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Vec<u8>);

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl $name {
            pub fn from_slice(bytes: &[u8]) -> Self {
                $name(bytes.to_vec())
            }
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }
            pub fn len(&self) -> usize {
                self.0.len()
            }
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }
    };
}

secret_bytes!(
    /// Key Confirmation Key: the MIC key (16 bytes, 24 for SHA-384 AKMs).
    Kck
);
secret_bytes!(
    /// Key Encryption Key: unwraps Key Data (16 bytes, 32 for SHA-384 AKMs).
    Kek
);
secret_bytes!(
    /// Temporal Key (16 bytes for CCMP-128, 32 for TKIP).
    Tk
);
secret_bytes!(
    /// Group Temporal Key, as read from the GTK KDE of msg 3/4 or group msg 1/2.
    Gtk
);
secret_bytes!(
    /// Decrypted (or never encrypted) EAPOL-Key Key Data: may hold a GTK/IGTK.
    KeyData
);

/// A 256-bit pairwise master key (for PSK AKMs, the PSK itself).
#[derive(Clone, PartialEq, Eq)]
pub struct Pmk([u8; 32]);

impl Drop for Pmk {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// The 64-hex-digit form of a PSK a user types; the same bytes as its PMK.
pub type Psk = Pmk;

impl Pmk {
    pub fn from_bytes(bytes: [u8; 32]) -> Pmk {
        Pmk(bytes)
    }

    /// Parses exactly 64 hex digits (surrounding whitespace allowed). The
    /// error never repeats the input.
    pub fn from_hex(text: &str) -> Result<Pmk, Error> {
        let text = text.trim();
        if text.len() != 64 {
            return Err(Error::PskHex(format!(
                "PSK must be exactly 64 hex digits, got {} characters",
                text.chars().count()
            )));
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
            let high = hex_digit(pair.first().copied());
            let low = hex_digit(pair.get(1).copied());
            let (Some(high), Some(low)) = (high, low) else {
                out.zeroize();
                return Err(Error::PskHex(
                    "PSK must be exactly 64 hex digits, found a non-hex character".into(),
                ));
            };
            *byte = high << 4 | low;
        }
        Ok(Pmk(out))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex, as `wpa_passphrase` prints it. Only the `psk` command
    /// calls this, on the user's explicit request.
    pub fn to_hex(&self) -> String {
        crate::wire::hex(&self.0)
    }
}

fn hex_digit(digit: Option<u8>) -> Option<u8> {
    char::from(digit?).to_digit(16).map(|d| d as u8)
}

impl std::fmt::Debug for Pmk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pmk(..)")
    }
}

/// A WPA passphrase: 8 to 63 characters, each printable ASCII (0x20..=0x7e),
/// as IEEE 802.11-2020 J.4.1 requires.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl Drop for Passphrase {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl Passphrase {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 63;

    /// Checks the rule; the error names the rule and a position, never the text.
    pub fn new(text: String) -> Result<Passphrase, Error> {
        // Take ownership first so the text is wiped even when it is refused.
        let passphrase = Passphrase(text);
        let count = passphrase.0.chars().count();
        if let Some(position) = passphrase.0.chars().position(|c| !(' '..='~').contains(&c)) {
            return Err(Error::Passphrase(format!(
                "passphrase must be printable ASCII (0x20 to 0x7e, IEEE 802.11 J.4.1): \
                 character {} is not",
                position + 1
            )));
        }
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&count) {
            return Err(Error::Passphrase(format!(
                "passphrase must be 8 to 63 characters (IEEE 802.11 J.4.1), this one has {count}"
            )));
        }
        Ok(passphrase)
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(..)")
    }
}

/// Pairwise Transient Key, split as the AKM and cipher define. Each part
/// wipes itself on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Ptk {
    pub(crate) kck: Kck,
    pub(crate) kek: Kek,
    pub(crate) tk: Tk,
}

impl Ptk {
    /// Splits `bytes` into KCK | KEK | TK; `None` when they do not add up.
    pub fn split(bytes: &[u8], kck_len: usize, kek_len: usize) -> Option<Ptk> {
        let (kck, rest) = bytes.split_at_checked(kck_len)?;
        let (kek, tk) = rest.split_at_checked(kek_len)?;
        Some(Ptk {
            kck: Kck::from_slice(kck),
            kek: Kek::from_slice(kek),
            tk: Tk::from_slice(tk),
        })
    }

    pub fn kck(&self) -> &Kck {
        &self.kck
    }
    pub fn kek(&self) -> &Kek {
        &self.kek
    }
    pub fn tk(&self) -> &Tk {
        &self.tk
    }
}

impl std::fmt::Debug for Ptk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ptk(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_rule_is_named_and_text_is_not_echoed() {
        let err = Passphrase::new("short77".into()).unwrap_err().to_string();
        assert_eq!(
            err,
            "passphrase must be 8 to 63 characters (IEEE 802.11 J.4.1), this one has 7"
        );
        let err = Passphrase::new("x".repeat(64)).unwrap_err().to_string();
        assert!(err.ends_with("this one has 64"), "{err}");
        let err = Passphrase::new("abcdefgh\u{e9}".into())
            .unwrap_err()
            .to_string();
        assert!(err.contains("character 9 is not"), "{err}");
        assert!(!err.contains("abcdefgh"));
        let err = Passphrase::new("tab\there!".into())
            .unwrap_err()
            .to_string();
        assert!(err.contains("character 4"), "{err}");
        assert_eq!(Passphrase::new("  8 ch  ".into()).unwrap().len(), 8);
        assert_eq!(Passphrase::new("~".repeat(63)).unwrap().len(), 63);
    }

    #[test]
    fn psk_hex_errors_do_not_repeat_the_input() {
        let err = Pmk::from_hex("abcd").unwrap_err().to_string();
        assert_eq!(err, "PSK must be exactly 64 hex digits, got 4 characters");
        let bad = format!("{}zz", "0".repeat(62));
        let err = Pmk::from_hex(&bad).unwrap_err().to_string();
        assert!(!err.contains("zz") && err.contains("non-hex"), "{err}");
        let pmk = Pmk::from_hex(&"aB".repeat(32)).unwrap();
        assert_eq!(pmk.as_bytes(), &[0xab; 32]);
        assert_eq!(pmk.to_hex(), "ab".repeat(32));
    }

    #[test]
    fn debug_of_every_secret_type_hides_the_bytes() {
        let bytes = [0x5au8; 32];
        let hex = "5a5a5a5a";
        let texts = [
            format!("{:?}", Pmk::from_bytes(bytes)),
            format!("{:?}", Kck::from_slice(&bytes[..16])),
            format!("{:?}", Kek::from_slice(&bytes[..16])),
            format!("{:?}", Tk::from_slice(&bytes)),
            format!("{:?}", Gtk::from_slice(&bytes[..16])),
            format!("{:?}", KeyData::from_slice(&bytes)),
            format!("{:?}", Ptk::split(&bytes, 8, 8).unwrap()),
            format!("{:?}", Passphrase::new("ZZZZZZZZsecret".into()).unwrap()),
        ];
        let names = [
            "Pmk",
            "Kck",
            "Kek",
            "Tk",
            "Gtk",
            "KeyData",
            "Ptk",
            "Passphrase",
        ];
        for (text, name) in texts.iter().zip(names) {
            assert_eq!(text, &format!("{name}(..)"));
            assert!(!text.to_lowercase().contains(hex));
            assert!(!text.contains("ZZZZ") && !text.contains('Z'));
        }
    }
}
