//! `codecarbon board`: the dashboard of emissions files, served on 127.0.0.1 or written as one
//! self-contained HTML file.

use crate::console::{stdout_failed, stdout_line};
use clap::Args;
use codecarbon::core::stderr_line;
use codecarbon_board::{Board, Server};
use std::path::PathBuf;

/// Options of `codecarbon board`.
#[derive(Debug, Clone, Args)]
pub struct BoardArgs {
    /// Emissions CSV files (CodeCarbon's format, of any version).
    #[arg(required = true, value_name = "FILE.csv")]
    pub files: Vec<PathBuf>,
    /// Port to serve on (127.0.0.1 only) [default: a free port].
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,
    /// Write the dashboard to this HTML file (self-contained, works offline) instead of serving.
    #[arg(long, value_name = "FILE.html")]
    pub output: Option<PathBuf>,
    /// Do not open a browser (none is ever opened: the URL is printed).
    #[arg(long)]
    pub no_open: bool,
    /// Give this project an entry of its own even among thousands (the page details the 50
    /// biggest by emissions and groups the others).
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
}

fn print_summary(board: &Board) {
    for line in board.summary() {
        stderr_line!("carbonboard: {line}");
    }
}

/// Runs `codecarbon board`: 2 for a file that cannot be read or a port that cannot be used.
pub fn board(args: &BoardArgs) -> u8 {
    let board = match Board::load_focused(&args.files, args.project.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            stderr_line!("codecarbon: error: {e}");
            return 2;
        }
    };
    print_summary(&board);
    let model = board.model();
    if let Some(name) = &args.project {
        if !model
            .projects
            .iter()
            .any(|p| !p.all && p.grouped == 0 && &p.name == name)
        {
            stderr_line!(
                "codecarbon: warning: no project `{}` in these files",
                codecarbon::core::quote::printable(name)
            );
        }
    }
    let projects = model.projects_total;
    let what = format!(
        "{} of {}",
        counted(model.totals.runs, "run"),
        counted(projects, "project")
    );
    if let Some(path) = &args.output {
        return match board.write_report(path) {
            Ok(()) => {
                // The page is the result, and it is written: a confirmation that cannot be
                // printed (a closed pipe, a full disk) is no reason to fail.
                let wrote = format!("carbonboard: wrote {} ({what})", path.display());
                if let Err(e) = stdout_line(&wrote) {
                    if e.kind() != std::io::ErrorKind::BrokenPipe {
                        stderr_line!("codecarbon: warning: cannot write to standard output: {e}; the page is written all the same");
                    }
                }
                0
            }
            Err(e) => {
                stderr_line!("codecarbon: error: {e}");
                2
            }
        };
    }
    let server = match Server::bind(args.port) {
        Ok(s) => s,
        Err(e) => {
            stderr_line!("codecarbon: error: {e}");
            return 2;
        }
    };
    // The URL is the command's result: without it nobody can use the server.
    if let Err(e) = stdout_line(&format!(
        "carbonboard: {} ({what}; Ctrl-C to stop)",
        server.url()
    )) {
        return stdout_failed(&e);
    }
    server.serve_reporting(
        board,
        |fresh| {
            stderr_line!("carbonboard: the files changed; read them again");
            print_summary(fresh);
        },
        |problem| stderr_line!("carbonboard: warning: {problem}"),
    );
    // Serving ends with the process (Ctrl-C); returning means the server itself stopped.
    stderr_line!("codecarbon: error: the board's server stopped; run `codecarbon board` again");
    1
}

/// `1 run`, `2 runs`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
