//! The tracker's messages are `tracing` events: a program's own subscriber gets them (and
//! nothing is written to stderr behind its back), a program without one still sees CodeCarbon's
//! lines at `log_level`, and the command line filters them by `--log-level` and `RUST_LOG`.
//!
//! A global subscriber belongs to the whole process, so the library tests run again, alone, in
//! a child process (this test binary, told by [`CHILD`]), whose standard error is looked at.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::core::tracing::field::{Field, Visit};
use codecarbon::core::tracing::{self, span, Event, Level, Metadata, Subscriber};
use codecarbon::core::{async_trait, Report, Sink, SinkError};
use common::{builder, stderr, stdout, Sandbox};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Set in the child: which scenario it plays.
const CHILD: &str = "DIAGNOSTICS_TEST_CHILD";

/// Runs the test `test` of this file again, alone, in a child that plays `role`; the child's
/// standard error, once it passed.
fn in_child(test: &str, role: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "--nocapture", "--test-threads=1", test])
        .env(CHILD, role)
        .output()
        .unwrap();
    let (said, complained) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{said}{complained}");
    assert!(said.contains("1 passed"), "the child ran no test: {said}");
    complained
}

/// One event as a subscriber sees it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    level: Level,
    fields: BTreeMap<String, String>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

impl Visit for Seen {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.fields.insert(field.name().into(), value.into());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.fields
            .insert(field.name().into(), format!("{value:?}"));
    }
}

/// A program's own subscriber: it keeps every event.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Seen>>>);

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut seen = Seen {
            target: event.metadata().target().into(),
            level: *event.metadata().level(),
            fields: BTreeMap::new(),
        };
        event.record(&mut seen);
        self.0.lock().unwrap().push(seen);
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

/// An output that cannot write its row.
struct Refusing;

#[async_trait]
impl Sink for Refusing {
    async fn flush(&mut self, _: &Report) -> Result<(), SinkError> {
        Err(SinkError::Other("the disk is gone".into()))
    }
    async fn finish(&mut self, _: &Report) -> Result<(), SinkError> {
        Err(SinkError::Other("the disk is gone".into()))
    }
}

/// A run that provokes three messages: an unknown setting (at `build()`, on the caller's
/// thread), a csv file it must set aside (the csv output's thread) and an output that fails
/// (the engine, on that output's thread).
fn provoke(dir: &Path, log_level: &str) {
    std::fs::write(dir.join("emissions.csv"), "not,codecarbon\n1,2\n").unwrap();
    let mut tracker = builder(dir)
        .log_level(log_level)
        .output_methods(&["csv"])
        .set("favourite_colour", "blue")
        .with_sink(Refusing)
        .build()
        .unwrap();
    tracker.start().unwrap();
    tracker.stop().unwrap();
    assert!(tracker.output_failed("custom sink 1"));
}

#[test]
fn a_program_with_its_own_subscriber_gets_the_events_and_nothing_on_stderr() {
    if std::env::var(CHILD).is_err() {
        let complained = in_child(
            "a_program_with_its_own_subscriber_gets_the_events_and_nothing_on_stderr",
            "subscriber",
        );
        assert_eq!(complained, "", "nothing behind the program's back");
        return;
    }
    let capture = Capture::default();
    tracing::subscriber::set_global_default(capture.clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // `log_level` filters only the stand-in console: the program's subscriber decides.
    provoke(dir.path(), "critical");
    let seen = capture.0.lock().unwrap().clone();
    assert!(
        seen.iter().all(|e| e.target.starts_with("codecarbon")),
        "{seen:#?}"
    );
    let find = |target: &str, needle: &str| {
        seen.iter()
            .find(|e| e.target == target && e.field("message").is_some_and(|m| m.contains(needle)))
            .unwrap_or_else(|| panic!("no {target} event with {needle:?} in {seen:#?}"))
    };
    let unknown = find("codecarbon::config", "favourite_colour");
    assert_eq!(unknown.level, Level::WARN);
    assert_eq!(unknown.field("key"), Some("favourite_colour"));
    assert_eq!(
        unknown.field("origin"),
        Some("builder method favourite_colour()")
    );
    let csv = find("codecarbon::csv", "a new file is started");
    assert_eq!(csv.level, Level::WARN);
    assert_eq!(csv.field("plugin"), Some("csv"));
    assert!(
        csv.field("message").unwrap().starts_with("csv: "),
        "{csv:?}"
    );
    let failed = find("codecarbon::engine", "the disk is gone");
    assert_eq!(failed.level, Level::ERROR);
    assert_eq!(failed.field("output"), Some("custom sink 1"));
    // A run says which power source each component uses, at INFO, with its fields.
    assert!(
        seen.iter().any(|e| e.level == Level::INFO
            && e.target == "codecarbon::engine"
            && e.field("component").is_some()),
        "{seen:#?}"
    );
}

#[test]
fn without_a_subscriber_the_lines_of_codecarbon_reach_stderr_at_log_level() {
    let Ok(log_level) = std::env::var(CHILD) else {
        let warned = in_child(
            "without_a_subscriber_the_lines_of_codecarbon_reach_stderr_at_log_level",
            "warning",
        );
        for line in [
            "codecarbon: warning: unknown setting `favourite_colour` in builder method favourite_colour() is ignored\n",
            "a new file is started\n",
            "codecarbon: error: output `custom sink 1` failed: the disk is gone\n",
        ] {
            assert!(warned.contains(line), "no {line:?} in:\n{warned}");
        }
        assert!(
            warned
                .lines()
                .any(|l| l.starts_with("codecarbon: warning: csv: ")),
            "{warned}"
        );
        assert!(!warned.contains("codecarbon: info:"), "{warned}");
        let errors_only = in_child(
            "without_a_subscriber_the_lines_of_codecarbon_reach_stderr_at_log_level",
            "error",
        );
        assert!(!errors_only.contains("warning"), "{errors_only}");
        assert!(
            errors_only.contains("codecarbon: error: output `custom sink 1` failed"),
            "{errors_only}"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    provoke(dir.path(), &log_level);
}

/// `codecarbon monitor` of `true` with an unknown setting in the environment, and `args` before
/// the command; its standard error.
fn monitor(sandbox: &Sandbox, args: &[&str], rust_log: Option<&str>) -> String {
    let mut cmd = sandbox.command(&["monitor", "--offline", "--country-iso-code", "FRA"]);
    cmd.args(args)
        .args(["--", "true"])
        .env("CODECARBON_FAVOURITE_COLOUR", "blue")
        .env_remove("RUST_LOG");
    if let Some(directives) = rust_log {
        cmd.env("RUST_LOG", directives);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn the_command_line_filters_by_log_level_and_rust_log() {
    let sandbox = Sandbox::new();
    let unknown = "codecarbon: warning: unknown setting `favourite_colour` in environment \
                   variable CODECARBON_FAVOURITE_COLOUR is ignored\n";
    let info = "codecarbon: info: carbon intensity: ";

    let quiet = monitor(&sandbox, &[], None);
    assert!(quiet.contains(unknown), "{quiet}");
    assert!(!quiet.contains("codecarbon: info:"), "{quiet}");

    let chatty = monitor(&sandbox, &["--log-level", "info"], None);
    assert!(
        chatty.contains(unknown) && chatty.contains(info),
        "{chatty}"
    );

    let silenced = monitor(&sandbox, &[], Some("codecarbon=error"));
    assert!(!silenced.contains(unknown), "{silenced}");

    let engine_only = monitor(&sandbox, &[], Some("codecarbon::engine=info"));
    assert!(engine_only.contains(info), "{engine_only}");
    assert!(!engine_only.contains(unknown), "{engine_only}");

    let flag_wins = monitor(
        &sandbox,
        &["--log-level", "error"],
        Some("codecarbon=debug"),
    );
    assert!(!flag_wins.contains("codecarbon: warning"), "{flag_wins}");
    assert!(!flag_wins.contains("codecarbon: debug"), "{flag_wins}");

    let broken = monitor(&sandbox, &[], Some("codecarbon=loud"));
    assert!(
        broken.contains("RUST_LOG=codecarbon=loud is not understood"),
        "{broken}"
    );
    assert!(
        broken.contains(unknown),
        "log_level is used instead: {broken}"
    );
}

#[test]
fn the_logger_output_writes_its_records_as_json_beside_the_lines() {
    let sandbox = Sandbox::new();
    let err = monitor(&sandbox, &["--output-methods", "logger"], None);
    let records: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        records
            .iter()
            .all(|r| r["target"] == "codecarbon" && r["emissions"].is_string()),
        "{err}"
    );
    assert!(records.iter().any(|r| r["event"] == "finish"), "{err}");
    assert!(
        err.contains("codecarbon: warning: unknown setting `favourite_colour`"),
        "the messages stay lines: {err}"
    );
}
