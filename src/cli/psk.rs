//! `wpadiag psk`: the PSK of a passphrase on a network, as `wpa_passphrase`
//! prints it, and whether a given PSK belongs to a passphrase and SSID.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use wpadiag::crypto::{KeyMaterial, Passphrase, Pmk, pmk, typo};
use wpadiag::source::supplicant_conf::escape_ssid;

use super::key_args::{self, KeyArgs, PASSPHRASE_ENV};
use super::{EXIT_FAILURE_FOUND, EXIT_OK};

/// Print the PSK of a passphrase on a network, or check a PSK against it.
///
/// The output is what `wpa_passphrase SSID PASSPHRASE` prints, except for
/// one deliberate difference: wpadiag never prints the passphrase, so the
/// `#psk="..."` comment line is left out.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  WPADIAG_PASSPHRASE='correct horse battery' wpadiag psk --ssid 'Home Net'
      The network={} block wpa_passphrase prints, without the passphrase comment.
  wpadiag psk --ssid 'Home Net' --ask --check 04485ee5f99a430d0c0920ef0119c074fda0cb8db7b7cb3da1161a5a2a239a20
      Does this PSK belong to this passphrase on this network, or on another SSID?
  wpadiag psk --ssid 'Home Net' --passphrase-file pass.txt --config /etc/wpa_supplicant/wpa_supplicant.conf
      Check the psk= lines of a supplicant configuration.

Exit status: 0 printed, or the PSK matches; 1 the PSK does not match; 2 usage error.")]
pub struct Args {
    /// Network name (SSID), as raw bytes. Repeat it to name other networks a
    /// PSK under --check may have been made for; the first is the network.
    #[arg(long, value_name = "SSID")]
    pub ssid: Vec<OsString>,

    /// Network name as hex, for names that are not text (after any --ssid).
    #[arg(long, value_name = "HEX")]
    pub ssid_hex: Vec<String>,

    /// Say whether this 64-hex-digit PSK belongs to the passphrase on the
    /// network, and if not, whether it belongs to it on another name or to
    /// a typing variant of it (named by kind and position, never shown).
    #[arg(long, value_name = "HEX", allow_hyphen_values = true)]
    pub check: Option<String>,

    /// Also try the network names seen in this capture (with --check/--config).
    #[arg(long, value_name = "FILE")]
    pub capture: Option<PathBuf>,

    #[command(flatten)]
    pub key: KeyArgs,
}

/// One network name and how the user gave it.
struct Ssid {
    bytes: Vec<u8>,
    hex: bool,
}

impl Ssid {
    fn shown(&self) -> String {
        format!("\"{}\"", escape_ssid(&self.bytes))
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut ssids = Vec::new();
    for ssid in &args.ssid {
        ssids.push(Ssid {
            bytes: ssid.as_bytes().to_vec(),
            hex: false,
        });
    }
    for hex in &args.ssid_hex {
        let Some(bytes) = wpadiag::wire::parse_hex(hex) else {
            bail!("--ssid-hex: not hex digits");
        };
        ssids.push(Ssid { bytes, hex: true });
    }
    if let Some(long) = ssids.iter().find(|s| s.bytes.len() > 32) {
        bail!(
            "SSID {} is {} bytes; an SSID has at most 32",
            long.shown(),
            long.bytes.len()
        );
    }

    let explicit = args.key.resolve_explicit()?;
    let mut claimed: Option<(Pmk, String)> = None;
    let mut passphrase: Option<Passphrase> = None;
    match explicit.map(|k| k.key) {
        Some(KeyMaterial::Passphrase(p)) => passphrase = Some(p),
        Some(KeyMaterial::Pmk(_)) => bail!(
            "wpadiag psk derives a PSK from a passphrase, and --psk already is one: \
             give the passphrase, and the PSK to compare with --check"
        ),
        None => {}
    }

    if let Some(path) = &args.key.config {
        let hint = ssids.first().map(|s| s.bytes.as_slice());
        let resolved = key_args::resolve_config(path, hint)?;
        let conf_ssid = resolved.ssid.clone().unwrap_or_default();
        if ssids.is_empty() {
            ssids.push(Ssid {
                bytes: conf_ssid.clone(),
                hex: false,
            });
        }
        match (resolved.key, passphrase.is_some()) {
            (key, true) => {
                if args.check.is_some() {
                    bail!("give either --check or --config as the PSK to check, not both");
                }
                let what = format!(
                    "the psk of {} for network \"{}\"",
                    path.display(),
                    escape_ssid(&conf_ssid)
                );
                claimed = Some((key.pmk_for_ssid(&conf_ssid), what));
            }
            (KeyMaterial::Passphrase(p), false) => passphrase = Some(p),
            (KeyMaterial::Pmk(pmk), false) => {
                passphrase = Some(no_passphrase()?);
                let what = format!("the psk of {}", path.display());
                claimed = Some((pmk, what));
            }
        }
    }
    if let Some(hex) = &args.check {
        let pmk = Pmk::from_hex(hex).context("--check")?;
        claimed = Some((pmk, "the PSK given with --check".into()));
    }
    let Some(passphrase) = passphrase else {
        return Err(no_passphrase().unwrap_err());
    };
    if ssids.is_empty() {
        bail!("name the network with --ssid (or --ssid-hex, or --config)");
    }

    let mut out = std::io::stdout().lock();
    let Some((claimed, what)) = claimed else {
        for ssid in &ssids {
            print_network(&mut out, ssid, &pmk::pmk(&passphrase, &ssid.bytes))?;
        }
        return Ok(ExitCode::from(EXIT_OK));
    };

    let target = ssids.first().map(|s| s.bytes.clone()).unwrap_or_default();
    let target_shown = format!("\"{}\"", escape_ssid(&target));
    if pmk::pmk(&passphrase, &target) == claimed {
        writeln!(
            out,
            "match: {what} belongs to this passphrase on network {target_shown}"
        )?;
        return Ok(ExitCode::from(EXIT_OK));
    }
    writeln!(
        out,
        "mismatch: {what} does not belong to this passphrase on network {target_shown}"
    )?;

    let mut others: Vec<Vec<u8>> = ssids.iter().skip(1).map(|s| s.bytes.clone()).collect();
    if let Some(path) = &args.capture {
        others.extend(capture_ssids(path)?);
    }
    others.extend(
        typo::ssid_variants(&target)
            .into_iter()
            .map(|(bytes, _)| bytes),
    );
    let mut tried = Vec::new();
    for other in others {
        if other == target || other.len() > 32 || tried.contains(&other) {
            continue;
        }
        if pmk::pmk(&passphrase, &other) == claimed {
            writeln!(
                out,
                "it belongs to this passphrase on network \"{}\": the PSK was made for another \
                 network name (wpa_passphrase run with a different SSID?)",
                escape_ssid(&other)
            )?;
            return Ok(ExitCode::from(EXIT_FAILURE_FOUND));
        }
        tried.push(other);
    }
    writeln!(
        out,
        "nor on any of {} other network names tried (other --ssid values, names seen in \
         --capture, case and trailing-space variants)",
        tried.len()
    )?;
    out.flush()?;
    let progress = key_args::typo_progress();
    let variant = typo::search(
        passphrase.as_bytes(),
        &target,
        |pmk| *pmk == claimed,
        Some(&progress),
    );
    match variant {
        Some(variant) => writeln!(
            out,
            "it belongs to a variant of this passphrase ({}): {}",
            variant.kind, variant.description
        )?,
        None => writeln!(
            out,
            "nor to any of the common typing variants of this passphrase: the passphrase itself differs"
        )?,
    }
    Ok(ExitCode::from(EXIT_FAILURE_FOUND))
}

fn no_passphrase() -> anyhow::Result<Passphrase> {
    bail!(
        "no passphrase given: use {PASSPHRASE_ENV}, --passphrase-file FILE, --ask or --passphrase TEXT"
    )
}

/// `network={ ssid=.. psk=.. }` as wpa_passphrase writes it, minus `#psk=`.
fn print_network(out: &mut impl Write, ssid: &Ssid, pmk: &Pmk) -> std::io::Result<()> {
    out.write_all(b"network={\n\tssid=")?;
    if ssid.hex {
        out.write_all(wpadiag::wire::hex(&ssid.bytes).as_bytes())?;
    } else {
        out.write_all(b"\"")?;
        out.write_all(&ssid.bytes)?;
        out.write_all(b"\"")?;
    }
    writeln!(out, "\n\tpsk={}\n}}", pmk.to_hex())
}

/// The SSIDs of the Beacons, Probe Responses and Association Requests in a
/// capture (or the networks a log names), in order of appearance.
fn capture_ssids(path: &Path) -> anyhow::Result<Vec<Vec<u8>>> {
    use wpadiag::handshake::{EventKind, LogFact, input};
    let loaded = input::load(path, 0, input::LoadOptions::default(), None, &mut |_| {})
        .with_context(|| format!("--capture {}", path.display()))?;
    let mut ssids: Vec<Vec<u8>> = Vec::new();
    for event in &loaded.events {
        let ssid = match &event.kind {
            EventKind::Beacon { ssid, .. } | EventKind::ProbeRequest { ssid, .. } => ssid,
            EventKind::AssociationRequest { elements, .. } => match &elements.ssid {
                Some(ssid) => ssid,
                None => continue,
            },
            EventKind::Log {
                fact:
                    LogFact::Associating {
                        ssid: Some(ssid), ..
                    },
                ..
            } => ssid,
            _ => continue,
        };
        // Hidden networks beacon an empty or zeroed name.
        if !ssid.0.iter().all(|&b| b == 0) && !ssids.contains(&ssid.0) {
            ssids.push(ssid.0.clone());
        }
    }
    Ok(ssids)
}
