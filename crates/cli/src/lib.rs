//! `codecarbon`: run a command or watch the machine, and report the energy used and the CO2 it
//! caused, in CodeCarbon's `emissions.csv`.
//!
//! The command line is a library too, so a program that links more plugins (a power source of
//! its own, say) gets the same commands, with its plugins in `detect` and `monitor`:
//!
//! ```no_run
//! // use my_power_source as _; // links the plugin crate, which registers itself
//! fn main() -> std::process::ExitCode {
//!     codecarbon_cli::main()
//! }
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled by
/// `cargo test --doc -p codecarbon-cli`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod args;
mod board;
mod child;
mod configure;
mod console;
mod detect;
mod diagnostics;
mod intensity;
mod nested;
mod report;
mod shell;
mod signals;
mod test_api;

use args::{ApiSwitch, TrackerArgs};
use clap::{Parser, Subcommand};
use codecarbon::core::stderr_line;
use codecarbon::TrackerError;
use std::ffi::OsString;
use std::process::ExitCode;

/// The exit code of `monitor` when the command succeeded (or, without a command, the run was
/// stopped) but an output could not take the run's row: `EX_IOERR` of `sysexits.h`, so that a
/// script or CI notices. A command that failed keeps its own code.
const ROW_NOT_SAVED: u8 = 74;

#[derive(Debug, Parser)]
#[command(name = "codecarbon", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Debug, Subcommand)]
enum Commands {
    /// Track a command (tracking mode `process`), or without one the whole machine until
    /// Ctrl-C or SIGTERM.
    Monitor {
        #[command(flatten)]
        tracker: TrackerArgs,
        #[command(flatten)]
        api: ApiSwitch,
        /// The command to run, after `--`.
        #[arg(last = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Run a command and report its emissions (the same as `monitor -- CMD`).
    Run {
        #[command(flatten)]
        tracker: TrackerArgs,
        #[command(flatten)]
        api: ApiSwitch,
        /// The command to run, after `--`.
        #[arg(last = true, required = true, value_name = "CMD")]
        command: Vec<OsString>,
    },
    /// Show the CPU, RAM and GPUs found, and which power source each component uses.
    Detect {
        #[command(flatten)]
        tracker: TrackerArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write settings into a `.codecarbon.config` (default `~/.codecarbon.config`): asked on a
    /// terminal, or given as flags and `--set KEY=VALUE`.
    Config(configure::ConfigArgs),
    /// Check the CodeCarbon API settings (`api_endpoint`, `api_key`, `experiment_id`) against
    /// the server: an authenticated GET of the experiment.
    TestApi {
        #[command(flatten)]
        tracker: TrackerArgs,
    },
    /// Look up the carbon intensity of a country, region or cloud region.
    Intensity(intensity::IntensityArgs),
    /// Show emissions files as a dashboard: served on 127.0.0.1, or written with --output.
    Board(board::BoardArgs),
    /// Print a completion script for a shell, e.g. `codecarbon completions bash`.
    Completions(shell::CompletionsArgs),
    /// Print the manual page, in roff (`codecarbon man > codecarbon.1`), or write one per
    /// command with --dir.
    Man(shell::ManArgs),
}

/// What a failure means for the exit code: settings that cannot work (a bad value, an unknown
/// place or output, an output directory that cannot be written) exit with 2, as usage errors;
/// a failure of the machine (an unreadable `/proc`) with 1.
pub(crate) fn fail(error: &TrackerError) -> u8 {
    stderr_line!("codecarbon: error: {error}");
    if error.is_settings_error() {
        2
    } else {
        1
    }
}

fn monitor(tracker: &TrackerArgs, api: ApiSwitch, command: &[OsString]) -> u8 {
    let given = command;
    let command = nested::without_nested_prefix(given);
    if command.is_empty() && !given.is_empty() {
        stderr_line!(
            "codecarbon: error: no command after the nested `monitor --`; write \
             `codecarbon monitor -- CMD`"
        );
        return 2;
    }
    // First of all, so that no signal is lost while the tracker is built and started.
    let stop_signals = if command.is_empty() {
        Some(signals::StopSignals::catch())
    } else {
        signals::catch_for_command();
        None
    };
    let defaults: &[(&str, &str)] = if command.is_empty() {
        &[]
    } else {
        &[(codecarbon::core::config::key::tracking_mode, "process")]
    };
    let tracker = api.applied_to(tracker);
    let builder = tracker.builder(defaults);
    tracker.console(&builder);
    api.explain(&builder);
    let mut tracker = match builder.build() {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    if let Err(e) = tracker.start() {
        return fail(&e);
    }
    let code = if let Some(stop_signals) = &stop_signals {
        stop_signals.wait();
        0
    } else {
        match child::run(command) {
            Ok(outcome) => {
                if let child::Outcome::NotStarted(signal) = outcome {
                    stderr_line!(
                        "codecarbon: {} arrived before the command started: it was not started",
                        signals::name(signal)
                    );
                }
                outcome.exit_code()
            }
            Err(e) => {
                stderr_line!("codecarbon: error: {}", e.message);
                e.exit_code
            }
        }
    };
    let saved = match tracker.stop() {
        Ok(data) => {
            let report = report::summary(&data, &tracker);
            stderr_line!("{}", report.text.trim_end());
            report.all_saved
        }
        Err(e) => {
            stderr_line!("codecarbon: error: {e}");
            false
        }
    };
    match u8::try_from(code) {
        Ok(0) if !saved => ROW_NOT_SAVED,
        Ok(code) => code,
        Err(_) => 1,
    }
}

/// Shows clap's answer (help, version, or a usage error) as `Cli::parse` would, but says so
/// when help or version cannot be written to standard output instead of exiting with 0.
fn usage(answer: &clap::Error) -> u8 {
    match answer.print() {
        Err(e) if !answer.use_stderr() => console::stdout_failed(&e),
        _ => u8::try_from(answer.exit_code()).unwrap_or(2),
    }
}

/// Parses the process's arguments and runs the command; the exit code follows the shell's
/// conventions (a tracked command's own code, 2 for usage errors).
pub fn main() -> ExitCode {
    ExitCode::from(run(std::env::args_os()))
}

/// Parses `args` (the program's name first, as in `std::env::args_os`) and runs the command:
/// [`main`] for a caller that is not a process of its own, such as the Python package's
/// `codecarbon-rs` command. Returns the exit code: a tracked command's own code, 2 for usage
/// errors, 74 when the run's row could not be saved.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => return usage(&e),
    };
    if let Commands::Intensity(_) | Commands::Board(_) = cli.command {
        diagnostics::install(diagnostics::Console {
            log_level: diagnostics::DEFAULT_LEVEL,
            flag: false,
            logger_records: false,
        });
    }
    match cli.command {
        Commands::Monitor {
            tracker,
            api,
            command,
        } => monitor(&tracker, api, &command),
        Commands::Run {
            tracker,
            api,
            command,
        } => monitor(&tracker, api, &command),
        Commands::Detect { tracker, json } => detect::detect(&tracker, json),
        Commands::Config(args) => configure::config(&args),
        Commands::TestApi { tracker } => test_api::test_api(&tracker),
        Commands::Intensity(args) => intensity::intensity(&args),
        Commands::Board(args) => board::board(&args),
        Commands::Completions(args) => shell::completions(&args),
        Commands::Man(args) => shell::man(&args),
    }
}
