//! carbonboard: the dashboard for emissions files.
//!
//! `codecarbon board FILE.csv [MORE.csv ...]` reads CodeCarbon's `emissions.csv` (ours, or
//! Python CodeCarbon's of any version), aggregates it here, and serves one page on 127.0.0.1,
//! or writes it as one self-contained HTML file (`--output`): totals across all projects, a
//! project selector, the project's place, totals and last run, equivalents with their
//! sources, an emissions timeline, per-run bars (g, kg or t), world maps of carbon intensity
//! and energy mix, US-state and Canadian-province maps, the same energy in every region of a
//! cloud provider, and the explanation of every row that could not be read.
//!
//! ```
//! use codecarbon_board::Board;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let csv = dir.path().join("emissions.csv");
//! std::fs::write(&csv, "timestamp,project_name,run_id,emissions,energy_consumed\n\
//!                       2024-05-01T12:00:00,demo,a,0.5,2.0\n\
//!                       2024-05-01T13:00:00,demo,b,oops,1.0\n").unwrap();
//! let board = Board::load(&[csv]).unwrap();
//! assert_eq!(board.model().totals.emissions.value(), 0.5);
//! assert_eq!(board.model().skipped, 1);
//! assert!(board.summary()[0].contains("line 3"));
//! let html = board.html().unwrap();
//! assert!(html.starts_with("<!DOCTYPE html>") && !html.contains("src=\"http"));
//! ```

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-board`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod aggregate;
mod board;
mod cloud;
mod columns;
mod equivalents;
mod error;
mod html;
mod mass;
mod model;
mod places;
mod problem;
mod read;
mod runs;
mod serve;
mod time;
mod view;

pub use aggregate::{Bar, Bars, Timeline};
pub use board::Board;
pub use cloud::{regions, CloudRegion};
pub use equivalents::{equivalents, Equivalent};
pub use error::BoardError;
pub use html::{render, CONTENT_SECURITY_POLICY};
pub use mass::MassUnit;
pub use model::{Model, Project, Totals, MAX_PROBLEMS, MAX_PROJECTS};
pub use places::{places, Places};
pub use problem::Problem;
pub use read::{read_bytes, read_path, FileRead, Row, MAX_FILE_BYTES, NO_PROJECT};
pub use serve::Server;
