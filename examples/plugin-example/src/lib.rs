//! An example third-party codecarbon plugin crate, written against `codecarbon-core` alone.
//!
//! It registers two plugins (the guide `docs/plugins.md` walks through each part):
//!
//! - `example-board` ([`ExampleBoard`]): the CPU's power, in watts, read from the file that the
//!   setting `example_board_power_file` names (a board controller that publishes its CPU power,
//!   say). It is available only when that setting names an existing file, and then outranks the
//!   built-in `tdp` model ([`BOARD_PRIORITY`] is above `tdp`'s 0).
//! - `example-log` ([`ExampleLog`]): an output, selected with `output_methods = csv,example-log`,
//!   that appends one line for people per flush, per task and at the end of the run to the file
//!   that `example_log_file` names (default `example.log` in `output_dir`).
//!
//! The settings are declared once, in [`BoardSettings`] and [`LogSettings`], so each has every
//! form a codecarbon setting has: `example_board_power_file = ...` in `.codecarbon.config`, the
//! environment variable `CODECARBON_EXAMPLE_BOARD_POWER_FILE`, `.set("example_board_power_file",
//! ...)` on the tracker builder, and the flag `--example-board-power-file` of a binary that links
//! this crate (`codecarbon-with-example monitor --help` lists them). The plugins receive them
//! parsed: their `register_plugins!` entries name the struct (`settings: BoardSettings`), and
//! the registration parses it for each probe and build.
//!
//! `inventory` only sees this crate if the final binary links it, and the linker drops a crate
//! that nothing refers to. A program that wants the plugins refers to the crate once:
//!
//! ```
//! use codecarbon_example_plugin as _;
//! ```

mod board;
mod log_sink;
mod settings;

pub use board::ExampleBoard;
pub use log_sink::ExampleLog;
pub use settings::{BoardSettings, LogSettings, DEFAULT_LOG_FILE, LOG_FILE_KEY, POWER_FILE_KEY};

use codecarbon_core::Component;

/// The power source's registered name, shown by `codecarbon detect` and written in provenance.
pub const BOARD: &str = "example-board";

/// The sink's registered name: the word to put in `output_methods`.
pub const LOG: &str = "example-log";

/// The power source's priority: above the `tdp` model (0), so a measured board wins when it is
/// available, and below what a vendor's own driver plugin would take.
pub const BOARD_PRIORITY: i32 = 10;

// Writes the two descriptors, submits them, and declares `PLUGINS` (the names): referring to
// it (or to anything else in the crate) keeps the crate, and so its registrations, linked.
codecarbon_core::register_plugins! {
    power_source(Component::Cpu) {
        name: BOARD,
        priority: BOARD_PRIORITY,
        summary: "CPU power in watts, read from the file that example_board_power_file names",
        settings: BoardSettings,
        probe: board::probe,
        build: board::build,
    },
    sink {
        name: LOG,
        // Sinks are chosen by name from `output_methods`, so their priority is not used.
        priority: 0,
        summary: "one line for people per flush, task and run end, in example.log",
        settings: LogSettings,
        probe: log_sink::probe,
        build: log_sink::build,
    },
}
