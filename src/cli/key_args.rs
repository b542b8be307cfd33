//! The ways a user hands wpadiag a secret, shared by every command that
//! needs one. The secret never has to be on the command line: a file, the
//! environment, a prompt without echo or a wpa_supplicant.conf do as well.
//! No error message repeats a secret, and clap never sees one it could echo:
//! values are parsed here, after clap.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use wpadiag::crypto::{KeyMaterial, Passphrase, Pmk};
use wpadiag::source::supplicant_conf::{self, ConfPsk, escape_ssid};

/// The environment variable read when no other key option is given.
pub const PASSPHRASE_ENV: &str = "WPADIAG_PASSPHRASE";

/// A secret as clap hands it over: wiped on drop, never shown by `Debug`.
#[derive(Clone)]
pub struct SecretArg(String);

impl std::str::FromStr for SecretArg {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(SecretArg(text.to_string()))
    }
}

impl SecretArg {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Drop for SecretArg {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl std::fmt::Debug for SecretArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretArg(..)")
    }
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct KeyArgs {
    /// The network passphrase (8 to 63 printable ASCII characters). On the
    /// command line it lands in shell history and `ps`: prefer
    /// WPADIAG_PASSPHRASE, --passphrase-file or --ask.
    #[arg(
        long,
        value_name = "TEXT",
        allow_hyphen_values = true,
        group = "key_source"
    )]
    pub passphrase: Option<SecretArg>,

    /// The PSK as 64 hex digits (as `wpa_passphrase` prints it); used as the PMK.
    #[arg(
        long,
        value_name = "HEX",
        allow_hyphen_values = true,
        group = "key_source"
    )]
    pub psk: Option<SecretArg>,

    /// Read the passphrase from the first line of FILE (its line ending is
    /// not part of it). `-` reads standard input.
    #[arg(long, value_name = "FILE", group = "key_source")]
    pub passphrase_file: Option<PathBuf>,

    /// Ask for the passphrase on the terminal, without echo.
    #[arg(long, group = "key_source")]
    pub ask: bool,

    /// Take ssid and psk from a wpa_supplicant.conf: the network block whose
    /// ssid matches the capture's (or the only one with a psk).
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The secret the user gave, with the SSID it came with (from --config).
#[derive(Debug, Clone)]
pub struct ResolvedKey {
    pub key: KeyMaterial,
    /// The SSID of the wpa_supplicant.conf block it came from, if any.
    pub ssid: Option<Vec<u8>>,
    /// Where it came from, for messages: "--passphrase", "WPADIAG_PASSPHRASE", ...
    #[allow(dead_code)] // read by the commands that analyse captures
    pub origin: &'static str,
}

impl KeyArgs {
    /// Whether any key option (or WPADIAG_PASSPHRASE) is present.
    #[allow(dead_code)] // called by the commands that analyse captures
    pub fn given(&self) -> bool {
        self.passphrase.is_some()
            || self.psk.is_some()
            || self.passphrase_file.is_some()
            || self.ask
            || self.config.is_some()
            || std::env::var_os(PASSPHRASE_ENV).is_some()
    }

    /// Reads the secret from wherever the user put it. `ssid_hint` chooses
    /// the network block of a --config file. `Ok(None)`: no key was given.
    #[allow(dead_code)] // called by the commands that analyse captures
    pub fn resolve(&self, ssid_hint: Option<&[u8]>) -> anyhow::Result<Option<ResolvedKey>> {
        if let Some(path) = &self.config {
            if self.explicit_given() {
                bail!(
                    "give either --config or one of --passphrase, --psk, --passphrase-file, --ask"
                );
            }
            return resolve_config(path, ssid_hint).map(Some);
        }
        self.resolve_explicit()
    }

    /// Whether one of --passphrase, --psk, --passphrase-file, --ask is given.
    #[allow(dead_code)] // called by the commands that analyse captures
    pub fn explicit_given(&self) -> bool {
        self.passphrase.is_some()
            || self.psk.is_some()
            || self.passphrase_file.is_some()
            || self.ask
    }

    /// The secret of --passphrase, --psk, --passphrase-file, --ask or
    /// WPADIAG_PASSPHRASE, ignoring --config.
    pub fn resolve_explicit(&self) -> anyhow::Result<Option<ResolvedKey>> {
        let Some((text, origin)) = self.passphrase_text()? else {
            if let Some(hex) = &self.psk {
                let pmk = Pmk::from_hex(hex.as_str()).context("--psk")?;
                return Ok(Some(ResolvedKey {
                    key: KeyMaterial::Pmk(pmk),
                    ssid: None,
                    origin: "--psk",
                }));
            }
            return Ok(None);
        };
        let passphrase = Passphrase::new(text).with_context(|| origin.to_string())?;
        if origin == "--passphrase" {
            eprintln!(
                "wpadiag: hint: a passphrase given with --passphrase stays in shell history and \
                 is visible in ps; {PASSPHRASE_ENV}, --passphrase-file or --ask avoid that"
            );
        }
        Ok(Some(ResolvedKey {
            key: KeyMaterial::Passphrase(passphrase),
            ssid: None,
            origin,
        }))
    }

    /// The passphrase text of --passphrase, --passphrase-file, --ask or the
    /// environment, in that order.
    fn passphrase_text(&self) -> anyhow::Result<Option<(String, &'static str)>> {
        if let Some(text) = &self.passphrase {
            return Ok(Some((text.as_str().to_string(), "--passphrase")));
        }
        if let Some(path) = &self.passphrase_file {
            return read_first_line(path).map(|text| Some((text, "--passphrase-file")));
        }
        if self.ask {
            if !std::io::stdin().is_terminal() {
                bail!("--ask needs a terminal; use {PASSPHRASE_ENV} or --passphrase-file instead");
            }
            let text = rpassword::prompt_password("Passphrase: ")
                .context("reading the passphrase from the terminal")?;
            return Ok(Some((text, "--ask")));
        }
        if self.psk.is_none() {
            if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
                let Ok(text) = value.into_string() else {
                    bail!("{PASSPHRASE_ENV} is not valid UTF-8 (a passphrase is printable ASCII)");
                };
                return Ok(Some((text, PASSPHRASE_ENV)));
            }
        }
        Ok(None)
    }
}

/// First line of `path` (or standard input for `-`), without `\n` or `\r\n`.
fn read_first_line(path: &Path) -> anyhow::Result<String> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .context("reading the passphrase from standard input")?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
    };
    let mut bytes = zeroize::Zeroizing::new(bytes);
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    bytes.truncate(end);
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => bail!(
            "{}: the passphrase is not printable ASCII (IEEE 802.11 J.4.1)",
            path.display()
        ),
    }
}

/// The key of the --config network block for `ssid_hint`.
pub fn resolve_config(path: &Path, ssid_hint: Option<&[u8]>) -> anyhow::Result<ResolvedKey> {
    let networks = supplicant_conf::read(path)?;
    let network = supplicant_conf::select(&networks, ssid_hint)
        .with_context(|| format!("reading {}", path.display()))?;
    let line = network.line;
    let key = match &network.psk {
        Some(ConfPsk::Passphrase(text)) => {
            let text = String::from_utf8(text.as_bytes().to_vec()).map_err(|_| {
                anyhow::anyhow!(
                    "{}: psk of the network block on line {line} is not printable ASCII",
                    path.display()
                )
            })?;
            let passphrase = Passphrase::new(text)
                .with_context(|| format!("{}: network block on line {line}", path.display()))?;
            KeyMaterial::Passphrase(passphrase)
        }
        Some(ConfPsk::Hex(bytes)) => {
            let array: [u8; 32] = bytes.as_bytes().try_into().map_err(|_| {
                anyhow::anyhow!("{}: psk on line {line} is not 32 bytes", path.display())
            })?;
            KeyMaterial::Pmk(Pmk::from_bytes(array))
        }
        None => bail!(
            "{}: network block on line {line} for ssid \"{}\" has no psk",
            path.display(),
            escape_ssid(network.ssid.as_deref().unwrap_or_default())
        ),
    };
    Ok(ResolvedKey {
        key,
        ssid: network.ssid.clone(),
        origin: "--config",
    })
}

/// A progress reporter for the typo search: silent for the first second,
/// then one self-overwriting line on standard error, only on a terminal.
#[allow(dead_code)] // called by the commands that analyse captures
pub fn typo_progress() -> impl Fn(usize, usize) + Sync {
    let start = std::time::Instant::now();
    let on_terminal = std::io::stderr().is_terminal();
    move |done, total| {
        if !on_terminal || start.elapsed() < std::time::Duration::from_secs(1) {
            return;
        }
        if done % 16 == 0 || done == total {
            eprint!("\rtrying typo variants of the passphrase: {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        key: KeyArgs,
    }

    #[test]
    fn debug_of_the_arguments_hides_the_secrets() {
        let cli = Cli::parse_from(["x", "--passphrase", "-starts-with-dash"]);
        let debug = format!("{cli:?}");
        assert!(!debug.contains("starts-with-dash"), "{debug}");
        assert!(debug.contains("SecretArg(..)"));
        let cli = Cli::parse_from(["x", "--psk", "00aa"]);
        assert!(!format!("{cli:?}").contains("00aa"));
    }

    #[test]
    fn key_sources_exclude_each_other_but_config_combines() {
        assert!(Cli::try_parse_from(["x", "--passphrase", "abcdefgh", "--ask"]).is_err());
        assert!(Cli::try_parse_from(["x", "--psk", "00", "--passphrase-file", "f"]).is_err());
        let cli = Cli::try_parse_from(["x", "--ask", "--config", "wpa.conf"]).unwrap();
        assert!(cli.key.ask && cli.key.config.is_some());
        let err = cli.key.resolve(None).unwrap_err().to_string();
        assert!(err.starts_with("give either --config or one of"), "{err}");
    }
}
