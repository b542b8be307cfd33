//! Command-line interface: clap definitions (their doc comments are the
//! `--help` text) and one module per subcommand. Library code never sees clap.

mod analyze;
mod annotate;
mod completions;
mod frames;
mod ie;
mod key_args;
mod live;
mod man;
mod psk;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Every analysed link completed its handshake.
pub const EXIT_OK: u8 = 0;
/// A handshake failure was diagnosed.
pub const EXIT_FAILURE_FOUND: u8 = 1;
/// wpadiag could not do the job: bad usage, unreadable input.
pub const EXIT_ERROR: u8 = 2;

/// What `--version` prints after the name: the version, then the optional
/// cargo features compiled in, so a bug report says which build it was.
/// A new feature adds a `cfg`'d arm here.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (features: none)");

/// Tells you why a WPA/WPA2/WPA3 4-way handshake fails, and proves it.
///
/// wpadiag reads a capture (monitor-mode radiotap, raw 802.11, or the
/// station's own interface; pcap or pcapng, gzip or not) or a
/// wpa_supplicant/hostapd debug log, replays both sides' checks of the
/// handshake offline, and names the cause with the frames or log lines that
/// prove it.
#[derive(Debug, Parser)]
#[command(name = "wpadiag", version = VERSION, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    // Its help, short and long, is the doc comment of `analyze::Args`.
    Analyze(analyze::Args),
    /// List the decoded frames of a capture (handshake-relevant ones by default).
    Frames(frames::Args),
    // These four take their help, short and long, from their Args' doc
    // comments: a doc comment here would replace the long text.
    Psk(psk::Args),
    Ie(ie::Args),
    Completions(completions::Args),
    /// Write the manual pages (for packagers; the pages are in man/).
    #[command(hide = true)]
    Man(man::Args),
    Live(live::Args),
}

/// Parses the command line and runs the command.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Frames(args) => frames::run(args),
        Command::Psk(args) => psk::run(args),
        Command::Ie(args) => ie::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Live(args) => live::run(args),
    }
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For a terminal (colour when it is one).
    Text,
    /// For a mailing-list or bug-tracker thread.
    Markdown,
    /// One JSON document (schema in the README).
    Json,
}

/// When to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
