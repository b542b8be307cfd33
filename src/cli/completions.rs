//! `wpadiag completions SHELL`: a completion script made from the same
//! clap definitions as `--help`, so it knows every subcommand and option.
//! The scripts under completions/ are this command's output, kept current
//! by tests/completions.rs.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_OK, VERSION};

/// Print a completion script for a shell on standard output.
///
/// Load it for the current shell, or install it where the shell looks
/// for completions (the Debian package does that).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  source <(wpadiag completions bash)
      Completions in the running bash.
  wpadiag completions zsh > ~/.zfunc/_wpadiag
      For zsh, with ~/.zfunc in $fpath before compinit.
  wpadiag completions fish > ~/.config/fish/completions/wpadiag.fish
      For fish, loaded in every new shell.")]
pub struct Args {
    /// The shell to write the script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    write(args.shell, &mut out);
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    lock.write_all(&out)?;
    lock.flush()?;
    Ok(ExitCode::from(EXIT_OK))
}

/// Renders the script for `shell`. Rendered into memory first because
/// clap_complete panics on a write error, and a closed pipe is not a bug.
pub fn write(shell: Shell, out: &mut Vec<u8>) {
    let mut command = visible(Cli::command());
    clap_complete::generate(shell, &mut command, "wpadiag", out);
}

/// The command without its hidden subcommands, which clap_complete would
/// offer otherwise (it honours `hide` on options, not on subcommands).
fn visible(full: clap::Command) -> clap::Command {
    let mut pruned = clap::Command::new("wpadiag")
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    // `about` is set by the derive; copy it over rather than restate it.
    if let Some(about) = full.get_about() {
        pruned = pruned.about(about.clone());
    }
    pruned.version(VERSION)
}
