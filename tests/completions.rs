//! `wpadiag completions SHELL` knows the commands and options, and the
//! scripts in completions/ are its current output.

mod util;

use std::path::Path;

/// (shell, file under completions/ that the Debian package installs)
const SHELLS: [(&str, &str); 3] = [
    ("bash", "wpadiag.bash"),
    ("zsh", "_wpadiag"),
    ("fish", "wpadiag.fish"),
];

#[test]
fn every_shell_completes_commands_and_options() {
    for (shell, _) in SHELLS {
        let output = util::run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}: {output:?}");
        let script = util::stdout(&output);
        for word in ["analyze", "frames", "psk", "passphrase", "--format"] {
            let word = if shell == "fish" {
                // fish names long options without their dashes: `-l format`
                word.trim_start_matches('-')
            } else {
                word
            };
            assert!(script.contains(word), "{shell} script lacks {word}");
        }
        assert!(
            script.contains("--passphrase") || script.contains("-l passphrase"),
            "{shell} script lacks --passphrase"
        );
        // The hidden command stays hidden.
        assert!(
            !script.contains("Write the manual pages"),
            "{shell} lists `man`"
        );
    }
}

#[test]
fn committed_completion_scripts_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SHELLS {
        let output = util::run(&["completions", shell]);
        let committed = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("completions/{file}: {e}"));
        assert!(
            util::stdout(&output) == committed,
            "completions/{file} is out of date: run `cargo run -- completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn version_names_the_features_built_in() {
    let output = util::run(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        util::stdout(&output),
        format!("wpadiag {} (features: none)\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Every command `wpadiag --help` lists (so a new one is covered without
/// editing this test), and the hidden `man`.
fn commands() -> Vec<String> {
    let help = util::stdout(&util::run(&["--help"]));
    let mut commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(String::from)
        .collect();
    commands.push("man".to_string());
    commands
}

#[test]
fn every_command_help_ends_with_examples() {
    let commands = commands();
    for expected in ["analyze", "frames", "psk", "completions"] {
        assert!(
            commands.iter().any(|c| c == expected),
            "{expected} not in {commands:?}"
        );
    }
    for command in &commands {
        let command = command.as_str();
        let output = util::run(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{command} --help");
        let help = util::stdout(&output);
        let examples = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has no examples:\n{help}"));
        let count = examples
            .lines()
            .filter(|l| {
                l.starts_with("  wpadiag ") || l.contains(" wpadiag ") && l.starts_with("  ")
            })
            .filter(|l| !l.starts_with("      "))
            .count();
        assert!(
            (2..=3).contains(&count),
            "{command} --help has {count} examples, want 2 or 3"
        );
    }
}
