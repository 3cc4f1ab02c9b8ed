//! `codecarbon completions SHELL` and `codecarbon man`, end to end: made from the command line's
//! own definition, so they carry every flag, a plugin's settings included.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{stderr, stdout, Sandbox};
use std::process::Command;

/// Flags every script and page must carry: one of the tracker's own settings, one of a
/// plugin's (declared in its crate), and one of a subcommand's own.
const FLAGS: [&str; 3] = ["measure-power-secs", "rapl-root", "json"];

#[test]
fn completions_are_printed_for_every_shell_with_every_flag() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = sandbox.run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        for flag in FLAGS {
            assert!(script.contains(flag), "{shell}'s script lacks {flag}");
        }
    }
    let out = sandbox.run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bash"), "{}", stderr(&out));
}

/// The bash script, sourced by a real bash, registers a completion for `codecarbon` that offers
/// the subcommands and the flags of `monitor`.
#[test]
fn bash_completes_subcommands_and_flags_with_the_script() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["completions", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = sandbox.work().join("codecarbon.bash");
    std::fs::write(&script, stdout(&out)).unwrap();
    let complete = |words: &str| {
        let probe = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _codecarbon codecarbon \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new("bash").args(["-c", &probe]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subcommands = complete("codecarbon ''");
    for name in [
        "monitor",
        "detect",
        "intensity",
        "board",
        "completions",
        "man",
    ] {
        assert!(
            subcommands.lines().any(|l| l == name),
            "{name}: {subcommands}"
        );
    }
    let flags = complete("codecarbon monitor --measure");
    assert_eq!(flags.trim(), "--measure-power-secs");
}

#[test]
fn man_prints_the_main_page_and_writes_one_per_command() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH codecarbon 1"), "{page}");
    assert!(page.contains("monitor"), "{page}");

    let dir = sandbox.work().join("man/man1");
    let out = sandbox.run(&["man", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let monitor = std::fs::read_to_string(dir.join("codecarbon-monitor.1")).unwrap();
    for flag in FLAGS.iter().take(2) {
        // roff escapes each hyphen of a flag.
        assert!(monitor.contains(&flag.replace('-', "\\-")), "{flag}");
    }
    for page in ["codecarbon.1", "codecarbon-detect.1", "codecarbon-board.1"] {
        assert!(dir.join(page).is_file(), "{page}");
    }

    let out = sandbox.run(&["man", "--dir", "/dev/null/pages"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot write the manual pages into /dev/null/pages"),
        "{}",
        stderr(&out)
    );
}
