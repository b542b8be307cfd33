//! `wpadiag ie`: decodes information elements given as hex, as `iwlist scan`
//! prints the ones it does not know (`IE: Unknown: DD0900037F01010008FF7F`)
//! or as hostap hexdumps them.
//!
//! JSON output is one array with one object per element; every object has
//! `offset`, `id`, `ext_id`, `name`, `length`, `hex`, `summary` (one line)
//! and `details` (more lines), plus `ssid` for SSIDs, `rates` for rate
//! lists, `channel` for DS Parameter Set, `security` for RSN and WPA, and
//! `vendor` for vendor elements; absent values are `null`.

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::{Value, json};
use wpadiag::wire::{
    self,
    rsn::{Protocol, RsnInfo},
};

use super::EXIT_OK;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Decode information elements given as hex.
///
/// Each argument is hex (spaces and colons allowed), optionally behind the
/// `IE: Unknown:` that `iwlist scan` prints; several elements may follow
/// each other in one argument or come as separate arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  wpadiag ie 'IE: Unknown: 000841414A5F574C414E'
  wpadiag ie 30140100000fac040100000fac040100000fac020100 DD0900037F01010008FF7F
  wpadiag ie --format json '30 14 01 00 00 0f ac 04 01 00 00 0f ac 04 01 00 00 0f ac 02 00 00'

Exit status: 0 decoded; 2 the hex is malformed or an element is cut short.")]
pub struct Args {
    /// Element(s) as hex: ID, length and body, one after another.
    #[arg(required = true, value_name = "HEX", allow_hyphen_values = true)]
    pub hex: Vec<String>,

    /// Output format: one block of text per element, or one JSON array.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut bytes = Vec::new();
    for (index, arg) in args.hex.iter().enumerate() {
        bytes.extend(parse_arg(arg).with_context(|| format!("argument {}", index + 1))?);
    }
    if bytes.is_empty() {
        bail!("no element bytes given");
    }
    let elements = split_elements(&bytes)?;
    let decoded: Vec<Decoded> = elements
        .iter()
        .map(|(offset, id, body)| decode(*offset, *id, body))
        .collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        OutputFormat::Text => {
            for (index, element) in decoded.iter().enumerate() {
                if index > 0 {
                    writeln!(out)?;
                }
                out.write_all(element.text().as_bytes())?;
            }
        }
        OutputFormat::Json => {
            let list: Vec<Value> = decoded.iter().map(Decoded::json).collect();
            serde_json::to_writer_pretty(&mut out, &list)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}

/// The bytes of one argument: each line loses an `IE:` and `Unknown:`
/// prefix, then spaces, colons and an `0x` go.
fn parse_arg(arg: &str) -> anyhow::Result<Vec<u8>> {
    let mut digits = String::with_capacity(arg.len());
    for line in arg.lines() {
        let mut line = line.trim();
        for prefix in ["IE:", "Unknown:"] {
            if let Some(rest) = strip_prefix_ignore_case(line, prefix) {
                line = rest.trim_start();
            }
        }
        let line = line.strip_prefix("0x").unwrap_or(line);
        for c in line.chars() {
            match c {
                ' ' | ':' | '\t' | '-' => {}
                c if c.is_ascii_hexdigit() => digits.push(c),
                other => bail!("not a hex digit: {other:?}"),
            }
        }
    }
    if digits.len() % 2 != 0 {
        bail!("odd number of hex digits ({})", digits.len());
    }
    wire::parse_hex(&digits).context("not hex")
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// `(offset, id, body)` of every element; an element cut short is an error.
fn split_elements(bytes: &[u8]) -> anyhow::Result<Vec<(usize, u8, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut offset = 0;
    while let Some((&id, after)) = rest.split_first() {
        let Some((&len, after)) = after.split_first() else {
            bail!("element at offset {offset} truncated: need 2 bytes for ID and length, have 1");
        };
        let Some((body, after)) = after.split_at_checked(usize::from(len)) else {
            bail!(
                "element {id} ({}) at offset {offset} truncated: need {len} bytes of body, have {}",
                element_name(id, after.first().copied()),
                after.len()
            );
        };
        out.push((offset, id, body));
        offset += 2 + body.len();
        rest = after;
    }
    Ok(out)
}

/// One element, decoded for both outputs.
struct Decoded {
    offset: usize,
    id: u8,
    ext_id: Option<u8>,
    name: &'static str,
    body: Vec<u8>,
    summary: String,
    details: Vec<String>,
    extra: serde_json::Map<String, Value>,
}

impl Decoded {
    fn text(&self) -> String {
        let mut out = String::with_capacity(128);
        let _ = write!(out, "{} (id {}", self.name, self.id);
        if let Some(ext) = self.ext_id {
            let _ = write!(out, ", ext {ext}");
        }
        let unit = if self.body.len() == 1 {
            "byte"
        } else {
            "bytes"
        };
        let _ = writeln!(out, ", {} {unit}, offset {})", self.body.len(), self.offset);
        let _ = writeln!(out, "    {}", self.summary);
        for line in &self.details {
            let _ = writeln!(out, "    {line}");
        }
        out
    }

    fn json(&self) -> Value {
        let mut object = serde_json::Map::new();
        object.insert("offset".into(), json!(self.offset));
        object.insert("id".into(), json!(self.id));
        object.insert("ext_id".into(), json!(self.ext_id));
        object.insert("name".into(), json!(self.name));
        object.insert("length".into(), json!(self.body.len()));
        object.insert("hex".into(), json!(wire::hex(&self.body)));
        object.insert("summary".into(), json!(self.summary));
        object.insert("details".into(), json!(self.details));
        for key in ["ssid", "rates", "channel", "security", "vendor"] {
            object.insert(
                key.into(),
                self.extra.get(key).cloned().unwrap_or(Value::Null),
            );
        }
        Value::Object(object)
    }
}

fn decode(offset: usize, id: u8, body: &[u8]) -> Decoded {
    let ext_id = (id == 255).then(|| body.first().copied()).flatten();
    let mut d = Decoded {
        offset,
        id,
        ext_id,
        name: element_name(id, ext_id),
        body: body.to_vec(),
        summary: String::new(),
        details: Vec::new(),
        extra: serde_json::Map::new(),
    };
    match id {
        0 => ssid(&mut d, body),
        1 | 50 => rates(&mut d, body),
        3 => match body {
            [channel] => {
                d.summary = format!("channel {channel}");
                d.extra.insert("channel".into(), json!(channel));
            }
            _ => d.summary = format!("malformed: length {}, expected 1", body.len()),
        },
        5 => match body {
            [count, period, control, ..] => {
                d.summary =
                    format!("DTIM count {count}, period {period}, bitmap control 0x{control:02x}");
            }
            _ => d.summary = format!("malformed: length {}, expected 3 or more", body.len()),
        },
        7 => country(&mut d, body),
        42 | 47 => erp(&mut d, body),
        45 => ht_capabilities(&mut d, body),
        48 => security(&mut d, RsnInfo::parse_rsn(body)),
        61 => ht_operation(&mut d, body),
        221 => vendor(&mut d, body),
        244 => rsnxe(&mut d, body),
        _ => d.summary = hex_or_empty(body),
    }
    d
}

fn hex_or_empty(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        "(empty)".to_string()
    } else {
        spaced_hex(bytes)
    }
}

fn spaced_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (index, byte) in bytes.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// An SSID is octets: text when it is printable UTF-8, else `$HEX[..]`
/// (the form hashcat and hcxtools use).
fn ssid(d: &mut Decoded, body: &[u8]) {
    let shown = if body.is_empty() {
        "(empty: hidden network or wildcard)".to_string()
    } else if body.iter().all(|&b| b == 0) {
        format!("(zeroed, {} bytes: hidden network)", body.len())
    } else {
        match std::str::from_utf8(body) {
            Ok(text) if !text.chars().any(char::is_control) => format!("\"{text}\""),
            _ => format!("$HEX[{}]", wire::hex(body)),
        }
    };
    if body.len() > 32 {
        d.details.push(format!(
            "longer than 32 bytes ({}): not a valid SSID",
            body.len()
        ));
    }
    d.extra.insert(
        "ssid".into(),
        json!({
            "text": std::str::from_utf8(body).ok(),
            "hex": wire::hex(body),
        }),
    );
    d.summary = shown;
}

/// Rates in 500 kb/s units; the top bit marks a basic rate, and some
/// values with it are BSS membership selectors (IEEE 802.11-2020 Table 9-80).
fn rates(d: &mut Decoded, body: &[u8]) {
    let mut words = Vec::with_capacity(body.len());
    let mut list = Vec::with_capacity(body.len());
    let mut selectors = Vec::new();
    for &byte in body {
        let selector = match byte {
            0xff => Some("HT PHY"),
            0xfe => Some("VHT PHY"),
            0xfd => Some("GLK"),
            0xfc => Some("EPD"),
            0xfb => Some("SAE hash-to-element only"),
            0xfa => Some("HE PHY"),
            _ => None,
        };
        if let Some(name) = selector {
            selectors.push(name);
            continue;
        }
        let basic = byte & 0x80 != 0;
        let half_mbps = u16::from(byte & 0x7f);
        let rate = if half_mbps % 2 == 0 {
            format!("{}", half_mbps / 2)
        } else {
            format!("{}.5", half_mbps / 2)
        };
        words.push(if basic { format!("{rate}*") } else { rate });
        list.push(json!({ "mbps": f64::from(half_mbps) / 2.0, "basic": basic }));
    }
    let any_basic = body.iter().any(|&b| b & 0x80 != 0 && b < 0xfa);
    d.summary = match (words.is_empty(), any_basic) {
        (true, _) => "no rates".to_string(),
        (false, true) => format!("{} Mb/s (* basic)", words.join(" ")),
        (false, false) => format!("{} Mb/s", words.join(" ")),
    };
    if !selectors.is_empty() {
        d.details
            .push(format!("membership selectors: {}", selectors.join(", ")));
    }
    d.extra.insert("rates".into(), Value::Array(list));
}

fn country(d: &mut Decoded, body: &[u8]) {
    let Some((code, rest)) = body.split_at_checked(2) else {
        d.summary = format!("malformed: length {}, expected 3 or more", body.len());
        return;
    };
    let code = String::from_utf8_lossy(code);
    let environment = match rest.first() {
        Some(b' ') => "any environment",
        Some(b'I') => "indoor",
        Some(b'O') => "outdoor",
        Some(b'X') => "non-country entity",
        Some(_) => "environment by table",
        None => "no environment byte",
    };
    d.summary = format!("{code}, {environment}");
    for triplet in rest.get(1..).unwrap_or_default().chunks_exact(3) {
        if let [first, count, power] = *triplet {
            if first >= 201 {
                d.details.push(format!(
                    "operating extension {first}, class {count}, coverage {power}"
                ));
            } else {
                d.details
                    .push(format!("channels {first}+{count}: max {power} dBm"));
            }
        }
    }
}

fn erp(d: &mut Decoded, body: &[u8]) {
    let Some(&flags) = body.first() else {
        d.summary = "malformed: empty".to_string();
        return;
    };
    let names: Vec<&str> = [
        (0x01, "non-ERP present"),
        (0x02, "use protection"),
        (0x04, "Barker preamble mode"),
    ]
    .into_iter()
    .filter_map(|(bit, name)| (flags & bit != 0).then_some(name))
    .collect();
    d.summary = if names.is_empty() {
        format!("0x{flags:02x}: no flags")
    } else {
        format!("0x{flags:02x}: {}", names.join(", "))
    };
}

/// HT Capabilities (IEEE 802.11-2020 9.4.2.55), briefly.
fn ht_capabilities(d: &mut Decoded, body: &[u8]) {
    let info = body
        .get(..2)
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes);
    let (Some(info), Some(&ampdu), Some(mcs)) = (info, body.get(2), body.get(3..7)) else {
        d.summary = format!("malformed: length {}, expected 26", body.len());
        return;
    };
    let mut flags = Vec::new();
    flags.push(if info & 0x0002 != 0 {
        "HT20/HT40"
    } else {
        "HT20"
    });
    for (bit, name) in [
        (0x0001, "LDPC"),
        (0x0010, "greenfield"),
        (0x0020, "SGI-20"),
        (0x0040, "SGI-40"),
        (0x0080, "TX STBC"),
    ] {
        if info & bit != 0 {
            flags.push(name);
        }
    }
    let rx_stbc = (info >> 8) & 0x3;
    let rx_stbc_text = format!("RX STBC {rx_stbc}");
    if rx_stbc > 0 {
        flags.push(&rx_stbc_text);
    }
    let max_ampdu = (1u32 << (13 + u32::from(ampdu & 0x3))) - 1;
    let streams = mcs.iter().take_while(|&&b| b != 0).count();
    let mcs_text = if streams == 0 {
        "no RX MCS".to_string()
    } else {
        format!("MCS 0-{}", streams * 8 - 1)
    };
    d.summary = format!("caps 0x{info:04x}: {}", flags.join(", "));
    d.details
        .push(format!("max A-MPDU {max_ampdu} bytes, {mcs_text}"));
}

fn ht_operation(d: &mut Decoded, body: &[u8]) {
    let (Some(&primary), Some(&info)) = (body.first(), body.get(1)) else {
        d.summary = format!("malformed: length {}, expected 22", body.len());
        return;
    };
    let secondary = match info & 0x3 {
        1 => "secondary above",
        3 => "secondary below",
        _ => "no secondary",
    };
    d.summary = format!("primary channel {primary}, {secondary}");
    d.extra.insert("channel".into(), json!(primary));
}

/// RSN Extension (IEEE 802.11-2020 9.4.2.241): the SAE bits a WPA3 AP sets.
fn rsnxe(d: &mut Decoded, body: &[u8]) {
    let Some(&first) = body.first() else {
        d.summary = "(empty)".to_string();
        return;
    };
    let names: Vec<&str> = [
        (0x10, "protected TWT"),
        (0x20, "SAE hash-to-element"),
        (0x40, "SAE-PK"),
    ]
    .into_iter()
    .filter_map(|(bit, name)| (first & bit != 0).then_some(name))
    .collect();
    d.summary = if names.is_empty() {
        format!("0x{first:02x}: no capabilities")
    } else {
        format!("0x{first:02x}: {}", names.join(", "))
    };
}

fn security(d: &mut Decoded, parsed: wire::Result<RsnInfo<'_>>) {
    match parsed {
        Ok(info) => {
            d.summary = info.describe();
            for pmkid in info.pmkids() {
                d.details.push(format!("PMKID {}", wire::hex(&pmkid)));
            }
            let names = |list: &wire::rsn::SuiteList, akm: bool| -> Vec<&'static str> {
                list.iter()
                    .map(|s| if akm { s.akm_name() } else { s.cipher_name() })
                    .collect()
            };
            d.extra.insert(
                "security".into(),
                json!({
                    "protocol": match info.protocol {
                        Protocol::Rsn => "RSN",
                        Protocol::Wpa => "WPA",
                    },
                    "version": info.version,
                    "group": info.group_cipher.map(|s| s.cipher_name()),
                    "pairwise": names(&info.pairwise_ciphers, false),
                    "akm": names(&info.akms, true),
                    "capabilities": info.capabilities.map(|c| c.0),
                    "pmf_required": info.pmf_required(),
                    "pmf_capable": info.pmf_capable(),
                    "preauth": info.preauth(),
                    "pmkids": info.pmkids().map(|p| wire::hex(&p)).collect::<Vec<_>>(),
                    "group_management": info.group_management_cipher.map(|s| s.cipher_name()),
                }),
            );
        }
        Err(err) => d.summary = format!("malformed: {err}"),
    }
}

fn vendor(d: &mut Decoded, body: &[u8]) {
    let Some((oui, rest)) = body.split_at_checked(3) else {
        d.summary = format!("malformed: {} bytes, too short for an OUI", body.len());
        return;
    };
    let oui_text = oui
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let owner = vendor_name(oui);
    let vendor_type = rest.first().copied();
    d.extra.insert(
        "vendor".into(),
        json!({ "oui": oui_text, "name": owner, "type": vendor_type }),
    );
    let who = match owner {
        Some(name) => format!("{name} ({oui_text})"),
        None => format!("unknown vendor ({oui_text})"),
    };
    let data = rest.get(1..).unwrap_or_default();
    match (oui, vendor_type) {
        ([0x00, 0x50, 0xf2], Some(1)) => {
            d.name = "WPA";
            security(d, RsnInfo::parse_wpa(data));
            d.details.insert(0, format!("{who} type 1"));
            return;
        }
        ([0x00, 0x50, 0xf2], Some(2)) => {
            let what = match data.first() {
                Some(0) => "WMM Information",
                Some(1) => "WMM Parameter",
                Some(2) => "TSPEC",
                _ => "WMM",
            };
            d.name = "WMM";
            d.summary = format!(
                "{what}, version {}",
                data.get(1).map_or("?".to_string(), u8::to_string)
            );
            d.details.push(format!("{who} type 2"));
            return;
        }
        ([0x00, 0x50, 0xf2], Some(4)) => d.name = "WPS",
        ([0x50, 0x6f, 0x9a], Some(9)) => d.name = "P2P",
        ([0x50, 0x6f, 0x9a], Some(0x10)) => d.name = "Hotspot 2.0 Indication",
        ([0x50, 0x6f, 0x9a], Some(0x1c)) => d.name = "OWE Transition Mode",
        _ => {}
    }
    d.summary = match vendor_type {
        Some(t) => format!("{who} type {t}"),
        None => who,
    };
    if !data.is_empty() {
        d.details.push(format!("data: {}", spaced_hex(data)));
    }
}

/// Owners of the OUIs seen in Beacons.
fn vendor_name(oui: &[u8]) -> Option<&'static str> {
    Some(match oui {
        [0x00, 0x50, 0xf2] => "Microsoft",
        [0x00, 0x03, 0x7f] => "Atheros",
        [0x00, 0x10, 0x18] => "Broadcom",
        [0x00, 0x90, 0x4c] => "Epigram",
        [0x50, 0x6f, 0x9a] => "Wi-Fi Alliance",
        [0x00, 0x17, 0xf2] => "Apple",
        [0x00, 0x0f, 0xac] => "IEEE 802.11",
        [0x00, 0x40, 0x96] => "Cisco",
        [0x00, 0x0b, 0x86] => "Aruba",
        [0x00, 0x18, 0x0a] => "Cisco Meraki",
        [0x00, 0x13, 0x92] => "Ruckus",
        [0x00, 0x0c, 0x43] => "Ralink",
        [0x00, 0x0c, 0xe7] => "MediaTek",
        [0x00, 0xe0, 0x4c] => "Realtek",
        [0x8c, 0xfd, 0xf0] => "Qualcomm",
        [0x00, 0x1a, 0x11] => "Google",
        _ => return None,
    })
}

/// Element names (IEEE 802.11-2020 Table 9-92), `ext` for ID 255.
fn element_name(id: u8, ext: Option<u8>) -> &'static str {
    match id {
        0 => "SSID",
        1 => "Supported Rates",
        2 => "FH Parameter Set",
        3 => "DS Parameter Set",
        4 => "CF Parameter Set",
        5 => "TIM",
        6 => "IBSS Parameter Set",
        7 => "Country",
        11 => "BSS Load",
        16 => "Challenge Text",
        32 => "Power Constraint",
        33 => "Power Capability",
        35 => "TPC Report",
        36 => "Supported Channels",
        37 => "Channel Switch Announcement",
        42 => "ERP",
        45 => "HT Capabilities",
        46 => "QoS Capability",
        // Broadcom's pre-standard ERP ID, still sent by old APs.
        47 => "ERP (old ID)",
        48 => "RSN",
        50 => "Extended Supported Rates",
        54 => "Mobility Domain",
        55 => "Fast BSS Transition",
        56 => "Timeout Interval",
        59 => "Supported Operating Classes",
        61 => "HT Operation",
        62 => "Secondary Channel Offset",
        70 => "RM Enabled Capabilities",
        72 => "20/40 BSS Coexistence",
        74 => "Overlapping BSS Scan Parameters",
        107 => "Interworking",
        108 => "Advertisement Protocol",
        111 => "Roaming Consortium",
        127 => "Extended Capabilities",
        191 => "VHT Capabilities",
        192 => "VHT Operation",
        195 => "Transmit Power Envelope",
        199 => "Operating Mode Notification",
        201 => "Reduced Neighbor Report",
        221 => "Vendor Specific",
        244 => "RSN Extension",
        255 => match ext {
            Some(35) => "HE Capabilities",
            Some(36) => "HE Operation",
            Some(38) => "MU EDCA Parameter Set",
            Some(39) => "Spatial Reuse Parameter Set",
            Some(59) => "HE 6 GHz Band Capabilities",
            Some(106) => "EHT Operation",
            Some(107) => "Multi-Link",
            Some(108) => "EHT Capabilities",
            _ => "Extension",
        },
        _ => "Unknown",
    }
}
