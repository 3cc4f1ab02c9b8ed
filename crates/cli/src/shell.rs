//! `codecarbon completions SHELL` and `codecarbon man`: the shell completions and the manual
//! page, both made from the command line's own clap definition, so that they list every flag
//! this binary has (a plugin's settings included, in a binary that links more plugins).

use crate::console;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use codecarbon::core::quote::printable;
use codecarbon::core::stderr_line;
use std::io::{self, Write};
use std::path::PathBuf;

/// `codecarbon completions SHELL`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    shell: Shell,
}

/// Prints the completion script for the shell asked.
pub(crate) fn completions(args: &CompletionsArgs) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut crate::Cli::command(),
        "codecarbon",
        &mut script,
    );
    print(&script)
}

/// `codecarbon man [--dir DIR]`.
#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write a page per command into DIR (codecarbon.1, codecarbon-monitor.1, …) instead of
    /// printing the main page.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the main manual page in roff (`codecarbon man > codecarbon.1`), or writes every
/// command's page into a directory.
pub(crate) fn man(args: &ManArgs) -> u8 {
    let command = crate::Cli::command();
    if let Some(dir) = &args.dir {
        let written =
            std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
        return match written {
            Ok(()) => 0,
            Err(e) => {
                let dir = printable(&dir.display().to_string());
                stderr_line!("codecarbon: error: cannot write the manual pages into {dir}: {e}");
                1
            }
        };
    }
    let mut page = Vec::new();
    match clap_mangen::Man::new(command).render(&mut page) {
        Ok(()) => print(&page),
        Err(e) => console::stdout_failed(&e),
    }
}

/// Writes `bytes` to standard output, flushed; a failure is the command's failure.
fn print(bytes: &[u8]) -> u8 {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => console::stdout_failed(&e),
    }
}
