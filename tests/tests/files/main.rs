//! Every file codecarbon writes, under faults, end to end through the real binary (and the
//! library for task files): a full disk, a link planted at the file, a FIFO at the file, an
//! output directory that vanished, a torn or overlong last line, a lock held by someone else,
//! and two outputs named onto one file. What each output promises is in `docs/outputs.md`.
//!
//! The full-disk tests mount a small tmpfs, which needs root: elsewhere they are skipped with
//! a message (core's tests inject `ENOSPC` behind the file-writing seam instead), and under
//! `CI` they must run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../outputs_support/process.rs"]
mod process;

mod board_page;
mod fifos;
mod full_disk;
mod killed;
mod links;
mod locks;
mod same_file;
mod support;
mod torn;
mod vanished;
