//! `wpadiag man [--out DIR]`: the manual pages, rendered from the same clap
//! definitions as `--help` so the two cannot drift. The pages under man/
//! are this command's output; tests/man.rs fails when they are stale.
//!
//! clap_mangen renders NAME, SYNOPSIS, DESCRIPTION, OPTIONS and COMMANDS;
//! the sections a Unix user looks for next (EXAMPLES from each command's
//! `after_help`, EXIT STATUS, ENVIRONMENT, FILES, SEE ALSO) are added here.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::CommandFactory;
use clap_mangen::Man;
use roff::{Roff, bold, italic, roman};

use super::{Cli, EXIT_OK};

/// Write wpadiag.1 and one page per command into a directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  wpadiag man --out man
      Regenerate the pages kept in the source tree.
  wpadiag man --out /tmp/m && man -l /tmp/m/wpadiag.1
      Render and read the main page without installing it.")]
pub struct Args {
    /// Directory to write the pages into (created if missing).
    #[arg(long, value_name = "DIR", default_value = "man")]
    pub out: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for (name, page) in pages()? {
        let path = args.out.join(&name);
        std::fs::write(&path, page).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::from(EXIT_OK))
}

/// Every page as (file name, roff source): wpadiag.1 first, then one per
/// visible command.
pub fn pages() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let subs: Vec<clap::Command> = top
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    let mut pages = vec![("wpadiag.1".to_string(), page(&top, &subs)?)];
    for sub in &subs {
        let name = format!("wpadiag-{}.1", sub.get_name());
        pages.push((name, page(sub, &[])?));
    }
    Ok(pages)
}

/// One page. `subs` is non-empty only for the main page.
fn page(cmd: &clap::Command, subs: &[clap::Command]) -> anyhow::Result<Vec<u8>> {
    let main = !subs.is_empty();
    let title = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
    // No date: a page that changed with the calendar would make the
    // staleness test fail every day.
    let man = Man::new(cmd.clone());
    let mut out = String::new();
    // Every clap_mangen render call starts with the same two-line string
    // definition; keep one.
    let mut section = |render: &dyn Fn(&mut Vec<u8>) -> std::io::Result<()>| {
        let mut buffer = Vec::new();
        render(&mut buffer)?;
        let text = String::from_utf8_lossy(&buffer).into_owned();
        let body = if out.is_empty() {
            text.as_str()
        } else {
            text.strip_prefix(AQ_PREAMBLE).unwrap_or(&text)
        };
        out.push_str(body);
        anyhow::Ok(())
    };
    section(&|w| {
        w.extend_from_slice(AQ_PREAMBLE.as_bytes());
        // No date: a page that changed with the calendar would make the
        // staleness test fail every day. An empty argument must be quoted,
        // or the ones after it shift left.
        writeln!(
            w,
            ".TH {} 1 \"\" \"wpadiag {}\" \"User Commands\"",
            title.to_uppercase(),
            env!("CARGO_PKG_VERSION")
        )?;
        // Option names and addresses read badly when hyphenated or
        // stretched to the right margin.
        w.extend_from_slice(b".nh\n.ad l\n");
        Ok(())
    })?;
    section(&|w| man.render_name_section(w))?;
    section(&|w| man.render_synopsis_section(w))?;
    section(&|w| man.render_description_section(w))?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        section(&|w| man.render_options_section(w))?;
    }
    if main {
        section(&|w| man.render_subcommands_section(w))?;
    }

    let mut roff = Roff::new();
    let help = AfterHelp::parse(cmd);
    let mut examples = help.examples;
    if main {
        // The main page shows the first example of every command.
        for sub in subs {
            examples.extend(AfterHelp::parse(sub).examples.into_iter().take(1));
        }
    }
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for example in &examples {
            roff.control("TP", []);
            roff.text([bold(example.command.as_str())]);
            roff.text([roman(example.description.as_str())]);
        }
    }
    exit_status(&mut roff, cmd.get_name(), help.exit_status.as_deref());
    if main
        || cmd
            .get_arguments()
            .any(|a| a.get_long() == Some("passphrase"))
    {
        environment(&mut roff);
    }
    if main || cmd.get_name() == "analyze" {
        files(&mut roff);
    }
    if !help.notes.is_empty() {
        roff.control("SH", ["NOTES"]);
        for note in &help.notes {
            roff.text([roman(note.as_str())]);
        }
    }
    see_also(&mut roff, cmd, subs);
    section(&|w| roff.to_writer(w))?;
    Ok(out.into_bytes())
}

/// What roff's writer puts before every fragment: `\*(Aq` as a straight
/// apostrophe under groff and others.
const AQ_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// A command's `after_help`, taken apart: "Examples:" then pairs of an
/// indented command line and a further-indented description; a paragraph
/// starting "Exit status:"; anything else is a note.
#[derive(Debug, Default)]
struct AfterHelp {
    examples: Vec<Example>,
    exit_status: Option<String>,
    notes: Vec<String>,
}

#[derive(Debug)]
struct Example {
    command: String,
    description: String,
}

impl AfterHelp {
    fn parse(cmd: &clap::Command) -> AfterHelp {
        let mut parsed = AfterHelp::default();
        let Some(text) = cmd.get_after_help().map(|t| t.to_string()) else {
            return parsed;
        };
        for paragraph in text.split("\n\n") {
            let paragraph = paragraph.trim_end();
            if let Some(body) = paragraph.strip_prefix("Examples:") {
                for line in body.lines().filter(|l| !l.trim().is_empty()) {
                    let indent = line.len() - line.trim_start().len();
                    match parsed.examples.last_mut() {
                        Some(example) if indent > 2 => {
                            if !example.description.is_empty() {
                                example.description.push(' ');
                            }
                            example.description.push_str(line.trim());
                        }
                        _ => parsed.examples.push(Example {
                            command: line.trim().to_string(),
                            description: String::new(),
                        }),
                    }
                }
            } else if let Some(body) = paragraph.strip_prefix("Exit status:") {
                parsed.exit_status = Some(body.split_whitespace().collect::<Vec<_>>().join(" "));
            } else if !paragraph.trim().is_empty() {
                parsed.notes.push(paragraph.trim().to_string());
            }
        }
        parsed
    }
}

fn exit_status(roff: &mut Roff, name: &str, own: Option<&str>) {
    roff.control("SH", ["EXIT STATUS"]);
    if let Some(text) = own {
        roff.text([roman(text)]);
        return;
    }
    let rows: &[(&str, &str)] = match name {
        "wpadiag" | "analyze" => &[
            ("0", "Every analysed link completed its handshake."),
            (
                "1",
                "A handshake failure was diagnosed (or no complete handshake was found).",
            ),
            ("2", "Usage error, or an input could not be read at all."),
        ],
        _ => &[
            ("0", "Success."),
            ("2", "Usage error, or an input could not be read at all."),
        ],
    };
    for (code, meaning) in rows {
        roff.control("TP", []);
        roff.text([bold(*code)]);
        roff.text([roman(*meaning)]);
    }
}

fn environment(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    roff.control("TP", []);
    roff.text([bold("WPADIAG_PASSPHRASE")]);
    roff.text([roman(
        "The network passphrase, used when no other key option is given. Unlike \
         --passphrase it stays out of shell history and ps(1).",
    )]);
    roff.control("TP", []);
    roff.text([bold("NO_COLOR")]);
    roff.text([roman(
        "When set to a non-empty value, text reports are not coloured (unless --color always).",
    )]);
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([italic("/etc/wpa_supplicant/wpa_supplicant.conf")]);
    roff.text([roman(
        "Read with --config: the psk of the network block whose ssid matches the capture. \
         Commented-out lines are ignored.",
    )]);
    roff.control("TP", []);
    roff.text([italic("*.pcap, *.pcapng, *.pcap.gz")]);
    roff.text([roman(
        "Captures, recognised by content, not by name: from a monitor interface (radiotap, \
         raw 802.11, PPI, Prism, AVS) or the station's own interface (Ethernet, Linux cooked).",
    )]);
    roff.control("TP", []);
    roff.text([italic("*.log")]);
    roff.text([roman(
        "wpa_supplicant -dd and hostapd -dd debug output (-t adds the timestamps), also \
         wrapped in syslog lines.",
    )]);
}

fn see_also(roff: &mut Roff, cmd: &clap::Command, subs: &[clap::Command]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut refs: Vec<String> = if subs.is_empty() {
        vec![
            "wpadiag(1)".to_string(),
            format!("wpadiag-{}(1)", cmd.get_name()),
        ]
    } else {
        subs.iter()
            .map(|s| format!("wpadiag-{}(1)", s.get_name()))
            .collect()
    };
    refs.retain(|r| *r != format!("wpadiag-{}(1)", cmd.get_name()));
    refs.extend(
        [
            "wpa_supplicant(8)",
            "wpa_passphrase(8)",
            "hostapd(8)",
            "iw(8)",
            "tcpdump(8)",
        ]
        .map(String::from),
    );
    roff.text([roman(refs.join(", "))]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_help_is_split_into_examples_status_and_notes() {
        let cmd = clap::Command::new("x").after_help(
            "Examples:\n  x a\n      Does a,\n      twice.\n  x b\n      Does b.\n\n\
             Exit status: 0 yes;\n  1 no.\n\nSomething else.",
        );
        let parsed = AfterHelp::parse(&cmd);
        let examples: Vec<(&str, &str)> = parsed
            .examples
            .iter()
            .map(|e| (e.command.as_str(), e.description.as_str()))
            .collect();
        assert_eq!(examples, [("x a", "Does a, twice."), ("x b", "Does b.")]);
        assert_eq!(parsed.exit_status.as_deref(), Some("0 yes; 1 no."));
        assert_eq!(parsed.notes, ["Something else."]);
    }

    #[test]
    fn every_visible_command_has_a_page_with_examples() {
        let pages = pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names.first(), Some(&"wpadiag.1"));
        for name in ["wpadiag-analyze.1", "wpadiag-frames.1", "wpadiag-psk.1"] {
            assert!(names.contains(&name), "{name} missing from {names:?}");
        }
        assert!(
            !names.contains(&"wpadiag-man.1"),
            "hidden command got a page"
        );
        for (name, page) in &pages {
            let text = String::from_utf8_lossy(page);
            assert!(text.contains(".SH EXAMPLES"), "{name} has no EXAMPLES");
            assert!(
                text.contains(".SH \"EXIT STATUS\""),
                "{name} has no EXIT STATUS"
            );
        }
    }
}
