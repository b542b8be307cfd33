//! `wpadiag frames`: what the decoders saw, frame by frame.

use std::{path::PathBuf, process::ExitCode};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Capture file (pcap or pcapng, optionally gzip-compressed).
    pub file: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("reading {} is not implemented yet", args.file.display())
}
