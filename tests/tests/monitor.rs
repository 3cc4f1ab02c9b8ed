//! `codecarbon monitor` and `run`, end to end through the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::core::output::read_checkpoint;
use common::{field, number, stderr, Sandbox};
use std::time::{Duration, Instant};

const CAN: &[&str] = &[
    "--offline",
    "--country-iso-code",
    "CAN",
    "--measure-power-secs",
    "1",
];

fn monitor(sandbox: &Sandbox, extra: &[&str], command: &[&str]) -> std::process::Output {
    let mut args = vec!["monitor"];
    args.extend_from_slice(CAN);
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(command);
    sandbox.run(&args)
}

#[test]
fn an_offline_run_writes_codecarbons_csv_and_appends() {
    let sandbox = Sandbox::new();
    let out = monitor(&sandbox, &["--output-dir", "out"], &["sleep", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(report.contains("km by car"), "{report}");
    assert!(report.contains("out/emissions.csv"), "{report}");

    let rows = sandbox.csv("out/emissions.csv");
    assert_eq!(rows.len(), 2, "header and one row");
    let (header, row) = (&rows[0], &rows[1]);
    assert_eq!(
        header,
        &codecarbon::core::CSV_COLUMNS.map(String::from).to_vec()
    );
    assert_eq!(row.len(), 38);
    let energy = number(header, row, "energy_consumed");
    let emissions = number(header, row, "emissions");
    assert!(energy > 0.0);
    let expected = energy * 0.170043;
    assert!(
        (emissions - expected).abs() <= 1e-12 * expected.max(1e-300),
        "{emissions} vs {expected}"
    );
    let duration = number(header, row, "duration");
    assert!((2.9..4.0).contains(&duration), "duration {duration}");
    assert_eq!(field(header, row, "country_name"), "Canada");
    assert_eq!(field(header, row, "country_iso_code"), "CAN");
    assert_eq!(field(header, row, "tracking_mode"), "process");
    assert_eq!(field(header, row, "on_cloud"), "N");
    assert_eq!(field(header, row, "python_version"), "");
    assert_eq!(
        field(header, row, "codecarbon_version"),
        env!("CARGO_PKG_VERSION")
    );
    let parts = [
        number(header, row, "cpu_energy"),
        number(header, row, "gpu_energy"),
        number(header, row, "ram_energy"),
    ];
    assert!((parts.iter().sum::<f64>() - energy).abs() < 1e-15);
    // Power is energy over duration, not a mean of samples.
    let ram_power = number(header, row, "ram_power");
    let ram_kwh = number(header, row, "ram_energy");
    assert!((ram_power * duration / 3.6e6 - ram_kwh).abs() < 1e-12);

    let again = monitor(&sandbox, &["--output-dir", "out"], &["true"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let rows = sandbox.csv("out/emissions.csv");
    assert_eq!(rows.len(), 3, "a second run appends a second row");
    assert_ne!(
        field(&rows[0], &rows[1], "run_id"),
        field(&rows[0], &rows[2], "run_id")
    );
}

#[test]
fn exit_codes_are_the_commands() {
    let sandbox = Sandbox::new();
    let out = monitor(&sandbox, &[], &["sh", "-c", "exit 7"]);
    assert_eq!(out.status.code(), Some(7));
    let out = monitor(&sandbox, &[], &["sh", "-c", "kill -KILL $$"]);
    assert_eq!(out.status.code(), Some(128 + 9));
    let out = monitor(&sandbox, &[], &["./no-such-command-here"]);
    assert_eq!(out.status.code(), Some(127), "{}", stderr(&out));
    assert!(stderr(&out).contains("command not found"));
    std::fs::write(sandbox.work().join("not-executable"), "data").unwrap();
    let out = monitor(&sandbox, &[], &["./not-executable"]);
    assert_eq!(out.status.code(), Some(126), "{}", stderr(&out));
    // Every run wrote its row, whatever the command did.
    assert_eq!(sandbox.csv("emissions.csv").len(), 5);
}

#[test]
fn run_is_monitor_with_a_command() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["run", "--offline", "--country-iso-code", "FR", "--", "true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(field(&rows[0], &rows[1], "country_iso_code"), "FRA");
    let usage = sandbox.run(&["run", "--offline", "--country-iso-code", "FRA"]);
    assert_eq!(usage.status.code(), Some(2), "a command is required");
}

fn wait_for(path: &std::path::Path, limit: Duration) {
    let start = Instant::now();
    while !path.exists() && start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigterm_reaches_the_command_and_the_row_is_written() {
    let sandbox = Sandbox::new();
    let marker = sandbox.work().join("started");
    let mut child = sandbox
        .command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "CAN",
            "--",
            "sh",
            "-c",
            "touch started; trap 'exit 42' TERM; while true; do sleep 0.05; done",
        ])
        .spawn()
        .unwrap();
    wait_for(&marker, Duration::from_secs(10));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(42), "the command's own exit code");
    assert_eq!(sandbox.csv("emissions.csv").len(), 2);
}

#[test]
fn a_killed_run_loses_at_most_the_checkpoint_period() {
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "CAN",
            "--measure-power-secs",
            "1",
            "--",
            "sleep",
            "30",
        ])
        .spawn()
        .unwrap();
    // Checkpoints at the first measurement (1 s) and 5 s after (6 s): wait for the second,
    // which says that at most 5 s separate them, then kill the run.
    let checkpointed = || -> Option<f64> {
        let name = std::fs::read_dir(sandbox.work())
            .ok()?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|n| n.ends_with(".checkpoint"))?;
        let record = read_checkpoint(&sandbox.work().join(name)).ok()?;
        let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(record.as_slice())
            .records()
            .map(|r| r.ok().map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Option<_>>()?;
        Some(number(rows.first()?, rows.get(1)?, "duration"))
    };
    let started = Instant::now();
    let mut first = None;
    let second = loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no second checkpoint"
        );
        match (checkpointed(), first) {
            (Some(d), None) => first = Some(d),
            (Some(d), Some(f)) if d > f => break d,
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap(); // SIGKILL: no chance to write the row
    child.wait().unwrap();
    assert!(!sandbox.work().join("emissions.csv").exists());
    let first = first.unwrap();
    assert!(first < 2.5, "the first measurement's: {first} s");
    assert!(
        (3.5..6.5).contains(&(second - first)),
        "the next checkpoint 5 s later: {first} s, then {second} s"
    );

    // The next tracker in this directory writes the killed run's last totals first.
    let out = monitor(&sandbox, &[], &["true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 3, "the recovered row and the new one");
    let recovered = number(&rows[0], &rows[1], "duration");
    assert!(
        (recovered - second).abs() < 1e-6,
        "recovered {recovered} s, the latest checkpoint's {second} s"
    );
    assert!(number(&rows[0], &rows[1], "energy_consumed") > 0.0);
}

#[test]
fn monitoring_the_machine_stops_on_sigint_with_its_row() {
    use std::os::unix::process::CommandExt;
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&[
        "monitor",
        "--offline",
        "--country-iso-code",
        "DEU",
        "--measure-power-secs",
        "1",
    ]);
    // A SIGINT ignored on entry stays ignored (`cargo test &` in a script ignores it).
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(status.success());
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 2);
    assert_eq!(field(&rows[0], &rows[1], "tracking_mode"), "machine");
    assert!(number(&rows[0], &rows[1], "duration") >= 1.4);
}

#[test]
fn bad_input_is_a_clear_error_without_panic() {
    let sandbox = Sandbox::new();
    let no_panic = |out: &std::process::Output| {
        assert!(!out.status.success());
        assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
    };

    let out = sandbox.run(&[
        "monitor",
        "--offline",
        "--country-iso-code",
        "XYZ",
        "--",
        "true",
    ]);
    no_panic(&out);
    assert!(
        stderr(&out).contains("codecarbon intensity --list"),
        "{}",
        stderr(&out)
    );

    let out = sandbox.run(&["monitor", "--offline", "--", "true"]);
    no_panic(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("country_iso_code"),
        "{}",
        stderr(&out)
    );

    let out = sandbox.run(&[
        "monitor",
        "--country-iso-code",
        "CAN",
        "--measure-power-secs",
        "soon",
        "--",
        "true",
    ]);
    no_panic(&out);
    assert!(
        stderr(&out).contains("--measure-power-secs"),
        "{}",
        stderr(&out)
    );

    // A regular file where the output directory should be: an error before the command starts.
    std::fs::write(sandbox.work().join("blocker"), "").unwrap();
    let out = monitor(
        &sandbox,
        &["--output-dir", "blocker/out"],
        &["touch", "ran"],
    );
    no_panic(&out);
    assert!(stderr(&out).contains("blocker"), "{}", stderr(&out));
    assert!(
        !sandbox.work().join("ran").exists(),
        "the command must not run"
    );

    std::fs::write(
        sandbox.work().join(".codecarbon.config"),
        "[codecarbon]\npue = high\n",
    )
    .unwrap();
    let out = monitor(&sandbox, &[], &["true"]);
    no_panic(&out);
    let err = stderr(&out);
    assert!(
        err.contains("pue") && err.contains(".codecarbon.config"),
        "{err}"
    );
    assert!(
        !sandbox.work().join("emissions.csv").exists(),
        "no run, no row"
    );
}

#[test]
fn settings_layer_home_then_local_then_env_then_flags() {
    let sandbox = Sandbox::new();
    let config = |dir: std::path::PathBuf, name: &str| {
        std::fs::write(
            dir.join(".codecarbon.config"),
            format!("[codecarbon]\nproject_name = {name}\nexperiment_name = {name}\n"),
        )
        .unwrap()
    };
    config(sandbox.home(), "home");
    let project = |extra_env: Option<&str>, flag: Option<&str>| {
        let mut args = vec!["monitor", "--offline", "--country-iso-code", "CAN"];
        if let Some(flag) = flag {
            args.extend(["--project-name", flag]);
        }
        args.extend(["--", "true"]);
        let mut cmd = sandbox.command(&args);
        if let Some(value) = extra_env {
            cmd.env("CODECARBON_PROJECT_NAME", value);
        }
        assert!(cmd.status().unwrap().success());
        let rows = sandbox.csv("emissions.csv");
        field(&rows[0], rows.last().unwrap(), "project_name").to_string()
    };
    assert_eq!(project(None, None), "home");
    config(sandbox.work(), "local");
    assert_eq!(project(None, None), "local");
    assert_eq!(project(Some("env"), None), "env");
    assert_eq!(project(Some("env"), Some("flag")), "flag");
    // A config file's tracking mode is not hidden by the command line's default.
    std::fs::write(
        sandbox.work().join(".codecarbon.config"),
        "[codecarbon]\ntracking_mode = machine\n",
    )
    .unwrap();
    assert!(sandbox
        .command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "CAN",
            "--",
            "true"
        ])
        .status()
        .unwrap()
        .success());
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(
        field(&rows[0], rows.last().unwrap(), "tracking_mode"),
        "machine"
    );
}

#[test]
fn prints_its_version() {
    let out = Sandbox::new().run(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        common::stdout(&out).trim(),
        format!("codecarbon {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Python CodeCarbon 3.3.2 reads our file with the same columns and appends to it without a
/// backup. `.ci/run` provides the interpreter; elsewhere the test says it was skipped.
#[test]
fn python_codecarbon_reads_and_appends_to_our_csv() {
    let python = match std::env::var("CODECARBON_TEST_PYTHON") {
        Ok(python) => python,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI must set CODECARBON_TEST_PYTHON (see .ci/run)")
        }
        Err(_) => {
            eprintln!("skipped: set CODECARBON_TEST_PYTHON to a Python with codecarbon==3.3.2");
            return;
        }
    };
    let sandbox = Sandbox::new();
    let out = monitor(&sandbox, &["--output-dir", "out"], &["sleep", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scripts/check_csv_with_codecarbon.py"
    );
    let check = std::process::Command::new(python)
        .arg(script)
        .arg(sandbox.work().join("out/emissions.csv"))
        .env("HOME", sandbox.home())
        .current_dir(sandbox.work())
        .output()
        .unwrap();
    let said = common::stdout(&check);
    assert!(check.status.success(), "{said}{}", stderr(&check));
    assert!(said.starts_with("ok:"), "{said}");
}
