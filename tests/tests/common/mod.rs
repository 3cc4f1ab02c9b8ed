//! Shared helpers: the real `codecarbon` binary, run in an isolated home and working directory.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The `codecarbon` binary of this workspace, built once for the whole test run.
pub fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let mut cargo = Command::new(env!("CARGO"));
        without_cargo_package_env(&mut cargo);
        let status = cargo
            .args([
                "build",
                "--quiet",
                "-p",
                "codecarbon-cli",
                "--bin",
                "codecarbon",
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building codecarbon failed");
        // This test runs from target/<profile>/deps/; the binary sits in target/<profile>/.
        let exe = std::env::current_exe().expect("test executable path");
        let dir = exe.parent().and_then(Path::parent).expect("target dir");
        dir.join("codecarbon")
    })
}

/// Removes from `command` the variables cargo sets for this test's package: they would reach
/// build scripts that watch them (ring's), and a cargo run by `command` would rebuild those and
/// all above them, now and again for the next plain build.
pub fn without_cargo_package_env(command: &mut Command) {
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        {
            command.env_remove(&*name);
        }
    }
}

/// A scratch home and working directory, so no config of the machine leaks in.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("home")).expect("home");
        std::fs::create_dir(dir.path().join("work")).expect("work");
        Self { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// `codecarbon ARGS` with HOME and the working directory in the sandbox, no
    /// `CODECARBON_*` or SLURM job variable from the outside, and no RAPL (see [`NO_RAPL`]) unless
    /// `--rapl-root` says otherwise.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .current_dir(self.work())
            .env("HOME", self.home());
        for (key, _) in std::env::vars_os() {
            if key
                .to_string_lossy()
                .to_ascii_uppercase()
                .starts_with("CODECARBON_")
            {
                cmd.env_remove(key);
            }
        }
        // A test run inside a SLURM job is not in the job's allocation (tests of SLURM set
        // their own).
        for name in ["SLURM_JOB_ID", "SLURM_JOBID", "SLURM_LOCALID"] {
            cmd.env_remove(name);
        }
        cmd.env("CODECARBON_RAPL_ROOT", NO_RAPL);
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("codecarbon runs")
    }

    /// The rows of a CSV file in the working directory, header first.
    pub fn csv(&self, relative: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(self.work().join(relative))
            .expect("csv opens");
        reader
            .records()
            .map(|r| r.expect("csv row").iter().map(str::to_string).collect())
            .collect()
    }
}

/// The value of `column` in `row`, given the header.
pub fn field<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column}"));
    &row[i]
}

pub fn number(header: &[String], row: &[String], column: &str) -> f64 {
    field(header, row, column)
        .parse()
        .unwrap_or_else(|_| panic!("{column} is not a number"))
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An offline tracker for Canada writing into `dir`, deaf to the machine's own configuration
/// and to its RAPL counters.
pub fn builder(dir: &Path) -> codecarbon::TrackerBuilder {
    codecarbon::OfflineEmissionsTracker::builder()
        .config_sources(codecarbon::config::ConfigSources::none())
        .country_iso_code("CAN")
        .output_dir(dir)
        .log_level("error")
        .set("rapl_root", NO_RAPL)
}

/// A powercap root that does not exist: the `rapl` sources find nothing there, so a test's
/// power sources are the same on a machine whose kernel offers RAPL (a perf_event power PMU
/// or powercap zones) as on one without. Tests of RAPL give `--rapl-root` a fake tree.
pub const NO_RAPL: &str = "/nonexistent/codecarbon-tests/no-powercap";

/// The long flags of `codecarbon ARGS --help`, each with its help text.
pub fn help_flags(sandbox: &Sandbox, args: &[&str]) -> BTreeMap<String, String> {
    let mut argv = args.to_vec();
    argv.push("--help");
    let out = sandbox.run(&argv);
    assert!(out.status.success(), "codecarbon {argv:?} failed");
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in stdout(&out).lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        // Options sit at most 6 columns in ("  -h, --help", "      --pue <PUE>"); their
        // descriptions, when on lines of their own, further in.
        let option =
            (indent <= 6 && trimmed.starts_with('-')).then(|| match trimmed.split_once(", ") {
                Some((short, rest)) if short.len() == 2 => rest,
                _ => trimmed,
            });
        match option {
            Some(rest) if rest.starts_with("--") => {
                let flag = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                flags.insert(flag.clone(), rest.to_string());
                current = Some(flag);
            }
            _ if trimmed.is_empty() || indent <= 6 => current = None,
            _ => {
                if let Some(flag) = &current {
                    let text = flags.get_mut(flag).unwrap();
                    text.push(' ');
                    text.push_str(trimmed);
                }
            }
        }
    }
    assert!(!flags.is_empty(), "no flags found in codecarbon {argv:?}");
    flags
}
