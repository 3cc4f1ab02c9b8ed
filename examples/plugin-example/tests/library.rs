//! The plugins through the library and the registry, as a program that links this crate uses
//! them: the power source wins over `tdp` when its setting is given, and the sink is chosen by
//! its name in `output_methods`.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use codecarbon::config::ConfigSources;
use codecarbon::core::registry::plugins;
use codecarbon::core::{Component, PluginKind, Probe};
use codecarbon::{Config, OfflineEmissionsTracker};
use codecarbon_example_plugin::{BOARD, BOARD_PRIORITY, LOG, PLUGINS, POWER_FILE_KEY};
use std::path::Path;
use std::time::Duration;

/// A powercap root that does not exist: the `rapl` sources find nothing there, so the board
/// competes with the `tdp` model alone, whatever this machine's kernel offers.
const NO_RAPL: &str = "/nonexistent/codecarbon-tests/no-powercap";

/// The header and rows of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn number(header: &[String], row: &[String], column: &str) -> f64 {
    let i = header.iter().position(|h| h == column).unwrap();
    row[i].parse().unwrap()
}

#[test]
fn the_registry_holds_both_plugins_with_their_kinds_and_priorities() {
    let ours: Vec<_> = plugins()
        .into_iter()
        .filter(|p| PLUGINS.contains(&p.name))
        .collect();
    assert_eq!(ours.len(), PLUGINS.len(), "{ours:?}");
    let board = ours.iter().find(|p| p.name == BOARD).unwrap();
    assert_eq!(board.kind(), PluginKind::PowerSource(Component::Cpu));
    assert_eq!(board.priority, BOARD_PRIORITY);
    let tdp = plugins().into_iter().find(|p| p.name == "tdp").unwrap();
    assert!(board.priority > tdp.priority);
    let log = ours.iter().find(|p| p.name == LOG).unwrap();
    assert_eq!(log.kind(), PluginKind::Sink);
    // Without its setting the board is unavailable, and says how to fix that.
    match (board.probe)(&Config::default()) {
        Probe::Unavailable(reason) => assert!(reason.contains(POWER_FILE_KEY), "{reason}"),
        other => panic!("{other:?} without {POWER_FILE_KEY}"),
    }
}

#[test]
fn the_board_wins_and_the_log_gets_every_row_through_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let power_file = dir.path().join("cpu_power");
    std::fs::write(&power_file, "12.5\n").unwrap();
    let out = dir.path().join("out");

    let mut tracker = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .country_iso_code("CAN")
        .output_dir(&out)
        .output_methods(&["csv", "example-log"])
        .pue(1.5)
        .log_level("error")
        .set("rapl_root", NO_RAPL)
        // The plugin's own setting: the same as `CODECARBON_EXAMPLE_BOARD_POWER_FILE` or
        // `example_board_power_file = ...` in `.codecarbon.config`.
        .set(POWER_FILE_KEY, power_file.display().to_string())
        .start()
        .unwrap();
    tracker.start_task("warm-up").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let task = tracker.stop_task("warm-up").unwrap();
    let flushed = tracker.flush().unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let run = tracker.stop().unwrap();

    // The board's 12.5 W, times the PUE, in the returned totals and in the CSV.
    for data in [&task, &flushed, &run] {
        let cpu = data.cpu_power.value();
        assert!((cpu - 12.5 * 1.5).abs() < 1e-6, "cpu_power {cpu}");
    }
    let (header, rows) = read_csv(&out.join("emissions.csv"));
    assert_eq!(rows.len(), 2, "a row at flush and one at stop");
    for row in &rows {
        let cpu = number(&header, row, "cpu_power");
        assert!((cpu - 18.75).abs() < 1e-6, "cpu_power {cpu}");
        assert_eq!(number(&header, row, "pue"), 1.5);
    }

    // The log has the task's line, the flush's and the final one, in that order.
    let log = std::fs::read_to_string(out.join("example.log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(lines[0].contains(r#": task "warm-up": "#), "{log}");
    assert!(lines[1].contains(": flush: "), "{log}");
    assert!(lines[2].contains(": final: "), "{log}");
    for line in &lines {
        assert!(line.contains(&run.run_id), "{line}");
        assert!(
            line.contains("cpu 18.75 W (example-board, measured)"),
            "{line}"
        );
    }
}

#[test]
fn without_its_setting_the_board_gives_way_to_tdp() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .country_iso_code("CAN")
        .output_dir(dir.path())
        .output_methods(&["example-log"])
        .log_level("error")
        .set("rapl_root", NO_RAPL)
        .start()
        .unwrap();
    tracker.stop().unwrap();
    let log = std::fs::read_to_string(dir.path().join("example.log")).unwrap();
    assert!(log.contains("(tdp, estimated)"), "{log}");
    assert!(!log.contains(BOARD), "{log}");
}

#[test]
fn a_board_file_that_does_not_hold_watts_stops_the_start_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let power_file = dir.path().join("cpu_power");
    std::fs::write(&power_file, "hot").unwrap();
    let err = OfflineEmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .country_iso_code("CAN")
        .output_dir(dir.path())
        .log_level("error")
        .set("rapl_root", NO_RAPL)
        .set(POWER_FILE_KEY, power_file.display().to_string())
        .start()
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains(BOARD) && err.contains("not a power in watts"),
        "{err}"
    );
}
