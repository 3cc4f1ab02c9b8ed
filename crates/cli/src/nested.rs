//! `codecarbon monitor -- codecarbon monitor -- CMD`: the command is `CMD`, tracked once.
//!
//! CodeCarbon's `monitor` drops every `monitor` and `--` at the start of the command
//! (`codecarbon/cli/monitor.py`), so `codecarbon monitor -- monitor -- CMD` runs `CMD`. Here the
//! same, with `run` (this command's other name for it) and a `codecarbon` that starts such a
//! prefix: a wrapper script that calls `codecarbon monitor -- "$@"` around a command line that
//! already starts with it runs the command once, under one tracker, with one row, instead of a
//! tracker tracking another tracker. A nested `codecarbon` with options of its own
//! (`codecarbon monitor --pue 1.2 -- CMD`) is a command like any other: it runs as given.

use std::ffi::{OsStr, OsString};
use std::path::Path;

/// The words of a prefix that add nothing: CodeCarbon's `monitor` and `--`, and `run`.
const REPEATED: [&str; 3] = ["--", "monitor", "run"];

/// `command` without its leading `monitor`, `run`, `--` and `codecarbon monitor`/`codecarbon
/// run` words.
pub(crate) fn without_nested_prefix(command: &[OsString]) -> &[OsString] {
    let mut rest = command;
    loop {
        match rest {
            [first, tail @ ..] if is_repeated(first) => rest = tail,
            [program, next, tail @ ..]
                if is_codecarbon(program) && (next == "monitor" || next == "run") =>
            {
                rest = tail
            }
            _ => return rest,
        }
    }
}

fn is_repeated(word: &OsStr) -> bool {
    REPEATED.iter().any(|r| word == *r)
}

/// `codecarbon`, by that name or a path to it (`/usr/local/bin/codecarbon`).
fn is_codecarbon(word: &OsStr) -> bool {
    Path::new(word).file_name() == Some(OsStr::new("codecarbon"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stripped(words: &[&str]) -> Vec<String> {
        let command: Vec<OsString> = words.iter().map(OsString::from).collect();
        without_nested_prefix(&command)
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_nested_monitor_or_run_is_dropped() {
        assert_eq!(
            stripped(&["codecarbon", "monitor", "--", "sleep", "1"]),
            ["sleep", "1"]
        );
        assert_eq!(
            stripped(&[
                "/usr/bin/codecarbon",
                "run",
                "--",
                "codecarbon",
                "monitor",
                "--",
                "ls"
            ]),
            ["ls"]
        );
        // CodeCarbon's own rule: `monitor` and `--` words.
        assert_eq!(stripped(&["monitor", "--", "echo", "--"]), ["echo", "--"]);
        assert!(stripped(&["monitor", "--"]).is_empty());
    }

    #[test]
    fn anything_else_is_the_command() {
        for words in [
            &["echo", "monitor"][..],
            &["codecarbon", "detect"],
            &["codecarbon", "monitor_x"],
            &["codecarbon", "--pue", "1.2", "monitor", "--", "ls"],
            &["my-codecarbon", "monitor", "--", "ls"],
            &["codecarbon"],
        ] {
            assert_eq!(stripped(words), words, "{words:?}");
        }
    }
}
