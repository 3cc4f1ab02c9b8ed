//! Hostile or mistaken input to the settings, end to end through the real binary (and the
//! library's builder): numbers out of range, config files that are not regular files or not
//! valid INI, variables that are not UTF-8. Each is a clear error with exit code 2, never a
//! panic, a hang or a setting dropped in silence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{field, Sandbox};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longer than any start of the binary, shorter than a hang.
const LIMIT: Duration = Duration::from_secs(30);

/// The exit code and standard error of `cmd`, which must end within [`LIMIT`] (else it is
/// killed and the test fails). Standard error goes to a file, so no pipe can block the child.
fn run_within(sandbox: &Sandbox, mut cmd: Command) -> (Option<i32>, String) {
    let log = sandbox.dir.path().join("stderr.log");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "still running after {LIMIT:?}: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = String::from_utf8_lossy(&std::fs::read(&log).unwrap()).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code(), stderr)
}

/// `codecarbon monitor` offline in Canada, with `extra` flags, running `true`.
fn monitor(sandbox: &Sandbox, extra: &[&str]) -> Command {
    let mut args = vec!["monitor", "--offline", "--country-iso-code", "CAN"];
    args.extend_from_slice(extra);
    args.extend(["--", "true"]);
    sandbox.command(&args)
}

fn local_config(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.work().join(".codecarbon.config")
}

fn mkfifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
}

/// An error exit (2) whose message has every one of `needles`, and no row written.
fn assert_refused(sandbox: &Sandbox, (code, stderr): (Option<i32>, String), needles: &[&str]) {
    assert_eq!(code, Some(2), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "no {needle:?} in: {stderr}");
    }
    assert!(
        !sandbox.work().join("emissions.csv").exists(),
        "no run, no row"
    );
}

#[test]
fn a_measure_interval_out_of_range_is_refused_at_once_from_every_origin() {
    // 1e19 once panicked on the sampler thread (the row lost), 2e19 in the parsing, and 1e-9
    // busy-looped writing checkpoints.
    for value in ["1e19", "2e19", "1e-9", "0.09", "86401"] {
        let sandbox = Sandbox::new();
        let out = run_within(
            &sandbox,
            monitor(&sandbox, &["--measure-power-secs", value]),
        );
        let range = "from 0.1 to 86400";
        assert_refused(
            &sandbox,
            out,
            &["measure_power_secs", range, "--measure-power-secs"],
        );

        let mut cmd = monitor(&sandbox, &[]);
        cmd.env("CODECARBON_MEASURE_POWER_SECS", value);
        let out = run_within(&sandbox, cmd);
        let variable = "environment variable CODECARBON_MEASURE_POWER_SECS";
        assert_refused(&sandbox, out, &[range, variable]);

        let text = format!("[codecarbon]\nmeasure_power_secs = {value}\n");
        std::fs::write(local_config(&sandbox), text).unwrap();
        let out = run_within(&sandbox, monitor(&sandbox, &[]));
        assert_refused(&sandbox, out, &[range, ".codecarbon.config, line 2"]);
    }
}

#[test]
fn the_largest_values_give_a_finite_row_and_larger_ones_are_refused() {
    let largest = [
        ("--pue", "100"),
        ("--wue", "100"),
        ("--force-cpu-power", "1000000"),
        ("--force-ram-power", "1000000"),
        ("--force-carbon-intensity-g-co2e-kwh", "10000"),
    ];
    let sandbox = Sandbox::new();
    let args: Vec<&str> = largest.iter().flat_map(|(f, v)| [*f, *v]).collect();
    let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &args));
    assert_eq!(code, Some(0), "{stderr}");
    let rows = sandbox.csv("emissions.csv");
    for column in [
        "emissions",
        "emissions_rate",
        "cpu_power",
        "ram_power",
        "cpu_energy",
        "ram_energy",
        "energy_consumed",
        "water_consumed",
        "pue",
        "wue",
    ] {
        let text = field(&rows[0], &rows[1], column);
        let x: f64 = text.parse().unwrap_or_else(|_| panic!("{column} = {text}"));
        assert!(x.is_finite(), "{column} = {text}");
    }

    // Finite, but large enough once to make `inf` rows.
    for (flag, range) in [
        ("--pue", "above 0, up to 100"),
        ("--wue", "from 0 to 100"),
        ("--force-cpu-power", "from 0 to 1000000"),
        ("--force-ram-power", "from 0 to 1000000"),
        ("--force-carbon-intensity-g-co2e-kwh", "from 0 to 10000"),
    ] {
        let sandbox = Sandbox::new();
        let out = run_within(&sandbox, monitor(&sandbox, &[flag, "1e308"]));
        let key = flag.trim_start_matches("--").replace('-', "_");
        assert_refused(&sandbox, out, &[&key, range, flag]);
    }
}

#[test]
fn a_fifo_as_a_config_file_is_refused_without_hanging() {
    let sandbox = Sandbox::new();
    for dir in [sandbox.work(), sandbox.home()] {
        let config = dir.join(".codecarbon.config");
        mkfifo(&config);
        let out = run_within(&sandbox, monitor(&sandbox, &[]));
        let path = config.display().to_string();
        let shown = if dir == sandbox.work() {
            ".codecarbon.config"
        } else {
            &path
        };
        assert_refused(&sandbox, out, &[shown, "a FIFO", "not a regular file"]);
        std::fs::remove_file(&config).unwrap();
    }
    // Through a symlink too.
    let fifo = sandbox.dir.path().join("pipe");
    mkfifo(&fifo);
    std::os::unix::fs::symlink(&fifo, local_config(&sandbox)).unwrap();
    let out = run_within(&sandbox, monitor(&sandbox, &[]));
    assert_refused(&sandbox, out, &[".codecarbon.config", "a FIFO"]);
}

#[test]
fn dev_zero_as_a_config_file_is_refused_without_reading_it() {
    let sandbox = Sandbox::new();
    std::os::unix::fs::symlink("/dev/zero", local_config(&sandbox)).unwrap();
    let mut cmd = monitor(&sandbox, &[]);
    // Reading /dev/zero to the end would take every byte of memory: cap the child's, so that
    // a regression fails here rather than on the machine.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: 2 << 30,
            };
            libc::setrlimit(libc::RLIMIT_AS, &cap);
            Ok(())
        });
    }
    let out = run_within(&sandbox, cmd);
    assert_refused(&sandbox, out, &[".codecarbon.config", "a character device"]);
}

#[test]
fn a_config_file_over_a_mebibyte_is_refused() {
    let sandbox = Sandbox::new();
    let mut text = String::from("[codecarbon]\n");
    text.push_str(&"# padding\n".repeat(110_000));
    std::fs::write(local_config(&sandbox), text).unwrap();
    let out = run_within(&sandbox, monitor(&sandbox, &[]));
    assert_refused(
        &sandbox,
        out,
        &[".codecarbon.config", "more than the 1048576 bytes"],
    );
}

#[test]
fn a_symlinked_config_file_and_one_with_a_byte_order_mark_are_read() {
    let sandbox = Sandbox::new();
    let dotfiles = sandbox.dir.path().join("dotfiles.ini");
    std::fs::write(&dotfiles, "[codecarbon]\nproject_name = linked\n").unwrap();
    std::os::unix::fs::symlink(&dotfiles, local_config(&sandbox)).unwrap();
    let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &[]));
    assert_eq!(code, Some(0), "{stderr}");
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(field(&rows[0], &rows[1], "project_name"), "linked");

    // Windows editors save UTF-8 with a byte order mark.
    let sandbox = Sandbox::new();
    let text = "\u{feff}[codecarbon]\r\nproject_name = bom\r\n";
    std::fs::write(local_config(&sandbox), text).unwrap();
    let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &[]));
    assert_eq!(code, Some(0), "{stderr}");
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(field(&rows[0], &rows[1], "project_name"), "bom");
}

#[test]
fn a_malformed_config_file_is_an_error_naming_file_and_line() {
    let cases: [(&[u8], &[&str]); 5] = [
        (
            b"[codecarbon]\nproject_name = a\n\n[codecarbon]\nproject_name = b\n",
            &[
                ".codecarbon.config, line 4",
                "the section [codecarbon] is repeated (first at line 1)",
            ],
        ),
        (
            b"[codecarbon]\npue = 1.1\nPUE = 1.2\n",
            &[".codecarbon.config, line 3", "`pue` is repeated"],
        ),
        (
            b"[codecarbon]\noutput_methods = csv,\n    json\n",
            &[
                ".codecarbon.config, line 3",
                "continue the value of `output_methods` (line 2)",
            ],
        ),
        (
            b"[codecarbon]\nproject_name = caf\xe9\n",
            &[".codecarbon.config, line 2", "not valid UTF-8"],
        ),
        (
            b"[codecarbon]\napi_key s3cret-t0ken\n",
            &[".codecarbon.config, line 2", "not a `[section]`"],
        ),
    ];
    for (text, needles) in cases {
        let sandbox = Sandbox::new();
        std::fs::write(local_config(&sandbox), text).unwrap();
        let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &[]));
        assert!(!stderr.contains("s3cret"), "{stderr}");
        assert_refused(&sandbox, (code, stderr), needles);
    }
}

#[test]
fn a_codecarbon_variable_that_is_not_utf8_is_an_error_and_others_are_ignored() {
    let sandbox = Sandbox::new();
    let mut cmd = monitor(&sandbox, &[]);
    cmd.env("CODECARBON_PROJECT_NAME", OsStr::from_bytes(b"caf\xe9"));
    let out = run_within(&sandbox, cmd);
    assert_refused(
        &sandbox,
        out,
        &[
            "environment variable CODECARBON_PROJECT_NAME",
            "not valid UTF-8",
        ],
    );

    let mut cmd = monitor(&sandbox, &[]);
    cmd.env("SOMEONE_ELSES", OsStr::from_bytes(b"caf\xe9"));
    let (code, stderr) = run_within(&sandbox, cmd);
    assert_eq!(code, Some(0), "{stderr}");
}

/// The builder's values go through the same checks: an error from `build()`, never a panic.
#[test]
fn the_builder_refuses_numbers_out_of_range() {
    type Set = fn(codecarbon::TrackerBuilder) -> codecarbon::TrackerBuilder;
    let cases: [(Set, &str); 7] = [
        (|b| b.measure_power_secs(1e19), "from 0.1 to 86400"),
        (|b| b.measure_power_secs(2e19), "from 0.1 to 86400"),
        (|b| b.measure_power_secs(1e-9), "from 0.1 to 86400"),
        (|b| b.measure_power_secs(f64::NAN), "from 0.1 to 86400"),
        (|b| b.pue(f64::MAX), "above 0, up to 100"),
        (|b| b.force_cpu_power(f64::INFINITY), "from 0 to 1000000"),
        (|b| b.api_call_interval(-5), "from -1 to 1000000"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (set, range) in cases {
        let built = std::panic::catch_unwind(|| set(common::builder(dir.path())).build());
        let err = match built {
            Ok(Err(e)) => e.to_string(),
            Ok(Ok(_)) => panic!("accepted; expected {range}"),
            Err(_) => panic!("build() panicked; expected {range}"),
        };
        assert!(
            err.contains(range) && err.contains("builder method"),
            "{err}"
        );
    }
}

/// A config file of the largest size read, of distinct keys or of distinct sections (a cloned
/// repository's `.codecarbon.config`, say), once stalled every start for tens of seconds: it
/// is read at once, and only a few of its unknown keys are named.
#[test]
fn a_config_file_of_the_largest_size_is_read_at_once() {
    let fill = |head: &str, line: fn(usize) -> String| {
        let mut text = head.to_string();
        for line in (0..).map(line) {
            if text.len() + line.len() > 1 << 20 {
                return text;
            }
            text.push_str(&line);
        }
        text
    };
    let keys = fill("[codecarbon]\n", |n| format!("k{n}=\n"));
    let sections = fill("[codecarbon]\nproject_name = big\n", |n| {
        format!("[s{n}]\n")
    });
    for text in [keys, sections] {
        let sandbox = Sandbox::new();
        std::fs::write(local_config(&sandbox), text).unwrap();
        let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &[]));
        assert_eq!(code, Some(0), "{stderr}");
        let named = stderr.matches("unknown setting `").count();
        assert!(named <= 10, "{stderr}");
        assert_eq!(
            named == 10,
            stderr.contains("more unknown settings are ignored")
        );
    }
}

/// A key, a variable's name or a value from a config file or the environment reaches the
/// terminal with its control characters escaped: a line `ESC]0;pwned BEL = 1` once retitled
/// the terminal. A value this build reads is refused outright (it ends up in messages, rows
/// and file names), quoted escaped.
#[test]
fn control_characters_in_settings_reach_the_terminal_escaped() {
    let sandbox = Sandbox::new();
    std::fs::write(
        local_config(&sandbox),
        "[codecarbon]\n\x1b]0;file\x07 = 1\n",
    )
    .unwrap();
    let mut cmd = monitor(&sandbox, &[]);
    cmd.env("CODECARBON_\x1b]0;env\x07", "1");
    let (code, stderr) = run_within(&sandbox, cmd);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains(['\x1b', '\x07']), "{stderr:?}");
    for shown in [
        r"unknown setting `\x1b]0;file\x07` in .codecarbon.config, line 2",
        r"unknown setting `\x1b]0;env\x07` in environment variable CODECARBON_\x1b]0;env\x07",
    ] {
        assert!(stderr.contains(shown), "no {shown:?} in {stderr}");
    }

    for (key, value) in [
        ("project_name", "p\x1b]0;name\x07"),
        ("output_methods", "csv,x\x1b]0;method\x07"),
        ("output_file", "e\x1b[2J.csv"),
        ("region", "\x1b]0;region\x07"),
    ] {
        let sandbox = Sandbox::new();
        let text = format!("[codecarbon]\n{key} = {value}\n");
        std::fs::write(local_config(&sandbox), text).unwrap();
        let out = run_within(&sandbox, monitor(&sandbox, &[]));
        assert!(!out.1.contains(['\x1b', '\x07']), "{:?}", out.1);
        let needles = [key, "without control characters", r"\u{1b}", "line 2"];
        assert_refused(&sandbox, out, &needles);

        std::fs::remove_file(local_config(&sandbox)).unwrap();
        let variable = format!("CODECARBON_{}", key.to_uppercase());
        let mut cmd = monitor(&sandbox, &[]);
        cmd.env(&variable, value);
        let out = run_within(&sandbox, cmd);
        assert!(!out.1.contains(['\x1b', '\x07']), "{:?}", out.1);
        assert_refused(&sandbox, out, &[&variable, "without control characters"]);
    }
}

/// What a config file gives: the `project_name` read, nothing, or an error.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reading {
    Name(&'static str),
    Nothing,
    /// An error, whose message holds this (for ours).
    Error(&'static str),
}

/// The files Python's `configparser` reads in a way that differs from the plain one, each read
/// by us and, when `CODECARBON_TEST_PYTHON` names a Python with CodeCarbon (CI's does), by
/// CodeCarbon's own `read_config_file`, so that every claim of docs/configuration.md about
/// the difference is checked against the real thing.
#[test]
fn config_files_are_read_as_python_codecarbon_reads_them_or_refused() {
    use Reading::*;
    let cases: [(&str, Reading, Reading); 9] = [
        // Universal newlines: a lone CR ends a line (it once made the file one line).
        ("[codecarbon]\rproject_name = cr\r", Name("cr"), Name("cr")),
        // A repeated [DEFAULT] adds to the first.
        (
            "[DEFAULT]\nexperiment_name = e\n[codecarbon]\n[DEFAULT]\nproject_name = merged\n",
            Name("merged"),
            Name("merged"),
        ),
        // Text after a header's `]` is ignored (and we warn).
        (
            "[codecarbon] junk\nproject_name = junk\n",
            Name("junk"),
            Name("junk"),
        ),
        // configparser reads the section `codecarbon] # see [docs`, and ignores its keys.
        (
            "[codecarbon] # see [docs]\nproject_name = docs\n",
            Error("line 1: this section header has a `]` after"),
            Nothing,
        ),
        (
            "[DEFAULT]\nproject_name = a\n[DEFAULT]\nproject_name = b\n[codecarbon]\n",
            Error("line 4: the key `project_name` is repeated in [DEFAULT]"),
            Error(""),
        ),
        // A value on several lines.
        (
            "[codecarbon]\nproject_name = a\n  b\n",
            Error("line 3: this indented line would continue"),
            Name("a\nb"),
        ),
        // configparser reads `[b=c` as the key `[b`.
        (
            "[codecarbon]\n[b=c\nproject_name = x\n",
            Error("line 2: a section header is a name in brackets"),
            Name("x"),
        ),
        // The two that read differently: a byte order mark, and `%`.
        (
            "\u{feff}[codecarbon]\nproject_name = bom\n",
            Name("bom"),
            Error(""),
        ),
        (
            "[codecarbon]\nproject_name = 100%%\n",
            Name("100%%"),
            Name("100%"),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (n, (text, ours, _)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("case{n}.config"));
        std::fs::write(&path, text).unwrap();
        paths.push(path);
        let sandbox = Sandbox::new();
        std::fs::write(local_config(&sandbox), text).unwrap();
        let (code, stderr) = run_within(&sandbox, monitor(&sandbox, &[]));
        match *ours {
            Name(name) => {
                assert_eq!(code, Some(0), "{text:?}: {stderr}");
                let rows = sandbox.csv("emissions.csv");
                assert_eq!(field(&rows[0], &rows[1], "project_name"), name, "{text:?}");
                let warning = "line 1: the text after [codecarbon] is ignored";
                assert_eq!(stderr.contains(warning), text.contains("junk"), "{stderr}");
            }
            Nothing => unreachable!("we never ignore a [codecarbon] section"),
            Error(needle) => assert_refused(&sandbox, (code, stderr), &[needle]),
        }
    }

    let Some(theirs) = python_reads(&paths) else {
        return;
    };
    for ((text, _, expected), read) in cases.iter().zip(theirs) {
        let agrees = match (expected, read.as_deref()) {
            (Name(name), Some(read)) => read == *name,
            (Nothing, Some(read)) => read.is_empty(),
            (Error(_), None) => true,
            _ => false,
        };
        assert!(
            agrees,
            "{text:?}: Python's CodeCarbon read {read:?}, not {expected:?}"
        );
    }
}

/// The `project_name` Python CodeCarbon's `read_config_file` reads from each file (`""` for
/// none, `None` for an error); `None` when no Python is given (outside CI), which the test's
/// output says.
#[allow(clippy::print_stderr)]
fn python_reads(paths: &[std::path::PathBuf]) -> Option<Vec<Option<String>>> {
    let python = match std::env::var("CODECARBON_TEST_PYTHON") {
        Ok(python) => python,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI must set CODECARBON_TEST_PYTHON (see .ci/run)")
        }
        Err(_) => {
            eprintln!("skipped the comparison: set CODECARBON_TEST_PYTHON (see .ci/run)");
            return None;
        }
    };
    let script = "import json, sys\n\
                  from codecarbon.core.config import read_config_file\n\
                  def read(path):\n\
                  \x20   try:\n\
                  \x20       return read_config_file(path).get('project_name', '')\n\
                  \x20   except Exception:\n\
                  \x20       return None\n\
                  print(json.dumps([read(p) for p in sys.argv[1:]]))\n";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(paths)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_str(&said).unwrap())
}
