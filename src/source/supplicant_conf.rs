//! `wpa_supplicant.conf` reader: the `ssid`, `psk`, `key_mgmt` and `proto`
//! of every `network={...}` block, read the way wpa_supplicant's
//! `wpa_config_read()` does: `#` starts a comment unless it is inside double
//! quotes, a quoted value runs to the last quote on the line, an unquoted
//! `ssid` is hex, `P"..."` is printf-escaped, an unquoted `psk` is 64 hex
//! digits. The file is read as bytes: quoted SSIDs need not be UTF-8.
//!
//! A quoted `psk` is a passphrase: it is kept in a [`ConfSecret`], which
//! zeroizes on drop and never shows its bytes in `Debug` or any error.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::path::Path;

use zeroize::Zeroize;

/// Why a configuration could not be read or gave no usable network. No
/// message contains a secret; SSIDs are shown escaped.
#[derive(Debug, thiserror::Error)]
pub enum ConfError {
    #[error("reading {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("wpa_supplicant.conf line {line}: {what}")]
    Line { line: usize, what: String },
    #[error("wpa_supplicant.conf: network block opened on line {line} is never closed")]
    Unclosed { line: usize },
    #[error("wpa_supplicant.conf has no network block with ssid \"{ssid}\" and a psk")]
    NoMatch { ssid: String },
    #[error("wpa_supplicant.conf has no network block with a psk")]
    NoPsk,
    #[error(
        "wpa_supplicant.conf has {count} network blocks with a psk ({ssids}): name one with --ssid"
    )]
    Ambiguous { count: usize, ssids: String },
}

/// Secret bytes from the file: a passphrase, or the 32 bytes of a hex PSK.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfSecret(Vec<u8>);

impl ConfSecret {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for ConfSecret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for ConfSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfSecret(..)")
    }
}

/// The `psk` of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfPsk {
    /// `psk="..."`: the passphrase (not yet checked against the 8..63 rule).
    Passphrase(ConfSecret),
    /// `psk=<64 hex>`: the PSK (PMK) itself, 32 bytes.
    Hex(ConfSecret),
}

/// One `network={}` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Network {
    /// Line of `network={`, 1-based.
    pub line: usize,
    pub ssid: Option<Vec<u8>>,
    pub psk: Option<ConfPsk>,
    pub key_mgmt: Option<String>,
    pub proto: Option<String>,
}

/// Reads and parses `path`.
pub fn read(path: &Path) -> Result<Vec<Network>, ConfError> {
    let bytes = std::fs::read(path).map_err(|source| ConfError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let result = parse(&bytes);
    let mut bytes = bytes;
    bytes.zeroize();
    result
}

/// Parses the text of a `wpa_supplicant.conf`.
pub fn parse(text: &[u8]) -> Result<Vec<Network>, ConfError> {
    let mut networks = Vec::new();
    let mut current: Option<Network> = None;
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let line_no = index + 1;
        let line = strip_comment(raw).trim_ascii();
        if line.is_empty() {
            continue;
        }
        match current.as_mut() {
            None => {
                let compact: Vec<u8> = line.iter().copied().filter(|b| *b != b' ').collect();
                if compact == b"network={" {
                    current = Some(Network {
                        line: line_no,
                        ..Network::default()
                    });
                }
                // Global settings (ctrl_interface=, country=, ...) do not matter here.
            }
            Some(network) => {
                if line == b"}" {
                    networks.extend(current.take());
                    continue;
                }
                let Some(eq) = line.iter().position(|&b| b == b'=') else {
                    return Err(ConfError::Line {
                        line: line_no,
                        what: "expected name=value inside a network block".into(),
                    });
                };
                let (name, value) = line.split_at(eq);
                let name = name.trim_ascii();
                let value = value.get(1..).unwrap_or_default().trim_ascii();
                let bad = |what: &str| ConfError::Line {
                    line: line_no,
                    what: what.to_string(),
                };
                match name {
                    b"ssid" => {
                        let ssid = parse_ssid(value).ok_or_else(|| {
                            bad("ssid is neither \"quoted\", P\"escaped\" nor hex of at most 32 bytes")
                        })?;
                        network.ssid = Some(ssid);
                    }
                    b"psk" => {
                        network.psk = Some(parse_psk(value).ok_or_else(|| {
                            bad("psk is neither a \"quoted\" passphrase nor 64 hex digits")
                        })?);
                    }
                    b"key_mgmt" => network.key_mgmt = Some(String::from_utf8_lossy(value).into()),
                    b"proto" => network.proto = Some(String::from_utf8_lossy(value).into()),
                    _ => {}
                }
            }
        }
    }
    if let Some(open) = current {
        return Err(ConfError::Unclosed { line: open.line });
    }
    Ok(networks)
}

/// Picks the block to use: the first whose SSID is `ssid` and that has a
/// psk, or, with no SSID to match, the only block with a psk.
pub fn select<'a>(networks: &'a [Network], ssid: Option<&[u8]>) -> Result<&'a Network, ConfError> {
    let with_psk: Vec<&Network> = networks.iter().filter(|n| n.psk.is_some()).collect();
    match ssid {
        Some(wanted) => with_psk
            .into_iter()
            .find(|n| n.ssid.as_deref() == Some(wanted))
            .ok_or_else(|| ConfError::NoMatch {
                ssid: escape_ssid(wanted),
            }),
        None => match with_psk.as_slice() {
            [] => Err(ConfError::NoPsk),
            [only] => Ok(only),
            many => Err(ConfError::Ambiguous {
                count: many.len(),
                ssids: many
                    .iter()
                    .map(|n| format!("\"{}\"", escape_ssid(n.ssid.as_deref().unwrap_or_default())))
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        },
    }
}

/// An SSID as wpa_supplicant prints it: printable ASCII as is, `\"` and
/// `\\` escaped, anything else as `\xNN`.
pub fn escape_ssid(ssid: &[u8]) -> String {
    let mut out = String::with_capacity(ssid.len());
    for &byte in ssid {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(char::from(byte)),
            _ => out.push_str(&format!("\\x{byte:02x}")),
        }
    }
    out
}

/// Cuts a line at the first `#` that is not inside double quotes.
fn strip_comment(line: &[u8]) -> &[u8] {
    let mut quoted = false;
    for (at, &byte) in line.iter().enumerate() {
        match byte {
            b'"' => quoted = !quoted,
            b'#' if !quoted => return line.get(..at).unwrap_or_default(),
            _ => {}
        }
    }
    line
}

/// `"text"` up to the last quote on the line, as wpa_config_parse_string().
fn quoted(value: &[u8]) -> Option<&[u8]> {
    let inner = value.strip_prefix(b"\"")?;
    let end = inner.iter().rposition(|&b| b == b'"')?;
    inner.get(..end)
}

fn parse_ssid(value: &[u8]) -> Option<Vec<u8>> {
    let ssid = if let Some(text) = quoted(value) {
        text.to_vec()
    } else if let Some(rest) = value.strip_prefix(b"P") {
        unescape(quoted(rest)?)?
    } else {
        hex_bytes(value)?
    };
    (ssid.len() <= 32).then_some(ssid)
}

fn parse_psk(value: &[u8]) -> Option<ConfPsk> {
    if let Some(text) = quoted(value) {
        return Some(ConfPsk::Passphrase(ConfSecret(text.to_vec())));
    }
    if value.len() != 64 {
        return None;
    }
    hex_bytes(value).map(|bytes| ConfPsk::Hex(ConfSecret(bytes)))
}

fn hex_bytes(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    text.chunks_exact(2)
        .map(|pair| {
            let digit = |at: usize| char::from(*pair.get(at)?).to_digit(16);
            Some((digit(0)? << 4 | digit(1)?) as u8)
        })
        .collect()
}

/// printf-style escapes of `P"..."` (wpa_supplicant printf_decode()).
fn unescape(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter().copied();
    while let Some(byte) = bytes.next() {
        if byte != b'\\' {
            out.push(byte);
            continue;
        }
        match bytes.next()? {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'e' => out.push(0x1b),
            b'x' => {
                let high = char::from(bytes.next()?).to_digit(16)?;
                let low = char::from(bytes.next()?).to_digit(16)?;
                out.push((high << 4 | low) as u8);
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    const CONF: &[u8] = b"ctrl_interface=/run/wpa_supplicant\n\
update_config=1\n\
\n\
network={\n\
\tssid=\"Home # 2\"\n\
\t#psk=\"commented-out\"\n\
\tpsk=\"pass#word 1\" # trailing comment\n\
\tkey_mgmt=WPA-PSK\n\
\tproto=RSN\n\
}\n\
network = {\n\
    ssid=486f6d65\n\
    psk=f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e\n\
}\n\
network={\n\
    ssid=P\"caf\\xc3\\xa9\\x20\"\n\
    key_mgmt=NONE\n\
}\n";

    #[test]
    fn reads_every_block_with_quotes_comments_and_hex() {
        let nets = parse(CONF).unwrap();
        assert_eq!(nets.len(), 3);
        assert_eq!(nets[0].line, 4);
        assert_eq!(nets[0].ssid.as_deref(), Some(&b"Home # 2"[..]));
        let Some(ConfPsk::Passphrase(pass)) = &nets[0].psk else {
            panic!("{:?}", nets[0])
        };
        assert_eq!(pass.as_bytes(), b"pass#word 1");
        assert_eq!(nets[0].key_mgmt.as_deref(), Some("WPA-PSK"));
        assert_eq!(nets[0].proto.as_deref(), Some("RSN"));
        assert_eq!(nets[1].ssid.as_deref(), Some(&b"Home"[..]));
        let Some(ConfPsk::Hex(psk)) = &nets[1].psk else {
            panic!("{:?}", nets[1])
        };
        assert_eq!(psk.as_bytes()[0], 0xf4);
        assert_eq!(nets[2].ssid.as_deref(), Some("café ".as_bytes()));
        assert_eq!(nets[2].psk, None);
    }

    #[test]
    fn selects_by_ssid_or_the_only_psk_block() {
        let nets = parse(CONF).unwrap();
        assert_eq!(select(&nets, Some(b"Home")).unwrap().line, 11);
        assert_eq!(select(&nets, Some(b"Home # 2")).unwrap().line, 4);
        let err = select(&nets, Some("café ".as_bytes()))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "wpa_supplicant.conf has no network block with ssid \"caf\\xc3\\xa9 \" and a psk"
        );
        let err = select(&nets, None).unwrap_err().to_string();
        assert_eq!(
            err,
            "wpa_supplicant.conf has 2 network blocks with a psk (\"Home # 2\", \"Home\"): \
             name one with --ssid"
        );
        let one = parse(b"network={\nssid=\"a\"\npsk=\"12345678\"\n}\n").unwrap();
        assert_eq!(select(&one, None).unwrap().ssid.as_deref(), Some(&b"a"[..]));
    }

    #[test]
    fn errors_name_the_line_and_never_the_secret() {
        let err = parse(b"network={\nssid=\"x\"\npsk=secret-unquoted\n}\n").unwrap_err();
        let text = err.to_string();
        assert_eq!(
            text,
            "wpa_supplicant.conf line 3: psk is neither a \"quoted\" passphrase nor 64 hex digits"
        );
        assert!(!text.contains("secret"));
        let err = parse(b"network={\nssid=\"x\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "wpa_supplicant.conf: network block opened on line 1 is never closed"
        );
        assert!(parse(b"network={\nssid=zz\n}").is_err());
        let debug = format!("{:?}", parse(CONF).unwrap());
        assert!(!debug.contains("pass#word"), "{debug}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed = 0x1234_5678u32;
        for len in 0..400 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    b"network={}\"#=P\\x0a \nssidpk"[(seed >> 16) as usize % 26]
                })
                .collect();
            let _ = parse(&bytes);
        }
    }
}
