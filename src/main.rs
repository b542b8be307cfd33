//! The `wpadiag` binary: parses arguments, routes to a command, and turns
//! the outcome into an exit status. Everything else lives in the library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("wpadiag: {err:#}");
            ExitCode::from(cli::EXIT_ERROR)
        }
    }
}

/// `wpadiag analyze x.pcap | head` is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
