//! The real binary `codecarbon-with-example`: the `codecarbon` commands with this crate's
//! plugins linked in, run in an isolated home and working directory.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, outside #[test] functions

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A powercap root that does not exist, so the `rapl` sources find nothing.
const NO_RAPL: &str = "/nonexistent/codecarbon-tests/no-powercap";

/// A scratch home and working directory, so no config of the machine leaks in.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("home")).unwrap();
        std::fs::create_dir(dir.path().join("work")).unwrap();
        Self { dir }
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `codecarbon-with-example ARGS` with HOME and the working directory in the sandbox, no
    /// `CODECARBON_*` variable from outside, and `env` added.
    fn run(&self, args: &[&str], env: &[(&str, &Path)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_codecarbon-with-example"));
        cmd.args(args)
            .current_dir(self.work())
            .env("HOME", self.dir.path().join("home"));
        for (key, _) in std::env::vars_os() {
            if key
                .to_string_lossy()
                .to_ascii_uppercase()
                .starts_with("CODECARBON_")
            {
                cmd.env_remove(key);
            }
        }
        // No RAPL, whatever this machine offers: the board competes with the TDP model alone.
        cmd.env("CODECARBON_RAPL_ROOT", NO_RAPL);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// `detect --json`, parsed.
    fn detect(&self, env: &[(&str, &Path)]) -> Value {
        let output = self.run(&["detect", "--json"], env);
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// The names in a `skipped` list, with their reasons.
fn skipped(cpu: &Value) -> Vec<(String, String)> {
    cpu["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let plugin = s["plugin"].as_str().unwrap().to_string();
            (plugin, s["reason"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn detect_takes_the_board_when_its_variable_names_a_file() {
    let sandbox = Sandbox::new();
    let power_file = sandbox.dir.path().join("cpu_power");
    std::fs::write(&power_file, "12.5").unwrap();
    let report = sandbox.detect(&[("CODECARBON_EXAMPLE_BOARD_POWER_FILE", &power_file)]);
    let cpu = &report["power_sources"]["cpu"];
    assert_eq!(cpu["plugin"], "example-board", "{report:#}");
    assert_eq!(cpu["method"], "measured", "{report:#}");
    assert!(
        cpu["detail"].as_str().unwrap().contains("cpu_power"),
        "{report:#}"
    );
    // `tdp` is not taken: the board outranks it.
    assert!(
        skipped(cpu)
            .iter()
            .any(|(plugin, reason)| plugin == "tdp" && reason == "outranked by example-board"),
        "{report:#}"
    );
}

#[test]
fn the_setting_works_from_a_config_file_too() {
    let sandbox = Sandbox::new();
    let power_file = sandbox.dir.path().join("cpu_power");
    std::fs::write(&power_file, "12.5").unwrap();
    let config = format!(
        "[codecarbon]\nexample_board_power_file = {}\n",
        power_file.display()
    );
    std::fs::write(sandbox.work().join(".codecarbon.config"), config).unwrap();
    let report = sandbox.detect(&[]);
    assert_eq!(
        report["power_sources"]["cpu"]["plugin"], "example-board",
        "{report:#}"
    );
}

#[test]
fn detect_takes_tdp_and_says_why_the_board_was_skipped_without_the_variable() {
    let sandbox = Sandbox::new();
    let report = sandbox.detect(&[]);
    let cpu = &report["power_sources"]["cpu"];
    assert_eq!(cpu["plugin"], "tdp", "{report:#}");
    let skipped = skipped(cpu);
    let board = skipped
        .iter()
        .find(|(plugin, _)| plugin == "example-board")
        .unwrap_or_else(|| panic!("example-board not listed: {report:#}"));
    assert!(
        board.1.contains("CODECARBON_EXAMPLE_BOARD_POWER_FILE"),
        "{report:#}"
    );
}

#[test]
fn monitor_writes_the_csv_and_the_example_log() {
    let sandbox = Sandbox::new();
    sandbox.run(
        &[
            "monitor",
            "--offline",
            "--country-iso-code",
            "CAN",
            "--output-methods",
            "csv,example-log",
            "--",
            "true",
        ],
        &[],
    );
    let csv = std::fs::read_to_string(sandbox.work().join("emissions.csv")).unwrap();
    assert_eq!(csv.lines().count(), 2, "header and the final row: {csv}");
    let log = std::fs::read_to_string(sandbox.work().join("example.log")).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains(": final: "), "{log}");
    assert!(log.contains("(tdp, estimated)"), "{log}");
}

#[test]
fn monitor_help_lists_the_plugins_settings_as_flags() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["monitor", "--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--example-board-power-file <FILE>",
        "--example-log-file <FILE>",
        "CODECARBON_EXAMPLE_BOARD_POWER_FILE",
        "The file in which the board publishes the CPU's power in watts",
    ] {
        assert!(
            help.contains(flag),
            "{flag} is not in monitor --help:\n{help}"
        );
    }
}

#[test]
fn the_setting_works_as_a_flag_too() {
    let sandbox = Sandbox::new();
    let power_file = sandbox.dir.path().join("cpu_power");
    std::fs::write(&power_file, "12.5").unwrap();
    let flag = power_file.display().to_string();
    let output = sandbox.run(
        &["detect", "--json", "--example-board-power-file", &flag],
        &[],
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["power_sources"]["cpu"]["plugin"], "example-board",
        "{report:#}"
    );
}
