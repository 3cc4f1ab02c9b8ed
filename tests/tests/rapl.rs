//! RAPL end to end: the real `codecarbon` binary reads a fake powercap tree that a thread of
//! this test advances in real time at known powers, wrapping every two seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{number, stderr, stdout, Sandbox};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The timing-sensitive runs go one at a time, so one's busy loops do not skew another.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A RAPL range as real hardware has it (2^32 counts of 61 µJ): no wrap during a test.
const REAL_RANGE: u64 = 262_143_328_850;

/// A zone of the fake tree and how fast its counter moves.
struct FakeZone {
    rel: &'static str,
    name: &'static str,
    watts: f64,
    /// `max_energy_range_uj`.
    range_uj: u64,
    /// `constraint_0_max_power_uw`, if any.
    max_power_uw: Option<u64>,
    /// The counter's value when the writer starts.
    start_uj: u64,
}

impl FakeZone {
    /// A package at `watts` whose counter wraps every 2 s.
    fn package(rel: &'static str, name: &'static str, watts: f64, start_uj: u64) -> FakeZone {
        let modulus = (watts * 2.0 * 1e6) as u64;
        FakeZone {
            rel,
            name,
            watts,
            range_uj: modulus - 1,
            max_power_uw: Some((watts * 1e6) as u64),
            start_uj,
        }
    }

    /// A subzone at `watts` with a real range.
    fn sub(rel: &'static str, name: &'static str, watts: f64) -> FakeZone {
        FakeZone {
            rel,
            name,
            watts,
            range_uj: REAL_RANGE,
            max_power_uw: None,
            start_uj: 123_456_789,
        }
    }

    fn value_at(&self, secs: f64) -> u64 {
        (self.start_uj + (self.watts * secs * 1e6) as u64) % (self.range_uj + 1)
    }
}

/// A powercap tree in a temporary directory, advanced every 2 ms by a writer thread. Each
/// write is a rename, so a reader never sees half a number.
struct FakeRapl {
    dir: tempfile::TempDir,
    stop: Arc<AtomicBool>,
    writer: Option<JoinHandle<()>>,
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

impl FakeRapl {
    fn start(zones: Vec<FakeZone>) -> FakeRapl {
        let dir = tempfile::tempdir().unwrap();
        for z in &zones {
            let zone = dir.path().join(z.rel);
            std::fs::create_dir_all(&zone).unwrap();
            std::fs::write(zone.join("name"), format!("{}\n", z.name)).unwrap();
            std::fs::write(
                zone.join("max_energy_range_uj"),
                format!("{}\n", z.range_uj),
            )
            .unwrap();
            if let Some(uw) = z.max_power_uw {
                std::fs::write(zone.join("constraint_0_max_power_uw"), format!("{uw}\n")).unwrap();
            }
            std::fs::write(zone.join("energy_uj"), format!("{}\n", z.start_uj)).unwrap();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let root = dir.path().to_path_buf();
        let flag = stop.clone();
        let writer = std::thread::spawn(move || {
            let started = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                let secs = started.elapsed().as_secs_f64();
                for z in &zones {
                    let path = root.join(z.rel).join("energy_uj");
                    if write_atomically(&path, &format!("{}\n", z.value_at(secs))).is_err() {
                        return;
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        FakeRapl {
            dir,
            stop,
            writer: Some(writer),
        }
    }

    fn root(&self) -> String {
        self.dir.path().display().to_string()
    }
}

impl Drop for FakeRapl {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Two sockets: packages at 40 W and 30 W wrapping every 2 s; core, uncore and dram subzones
/// counting too (dram 6 W + 4 W).
fn two_sockets() -> Vec<FakeZone> {
    vec![
        FakeZone::package("intel-rapl:0", "package-0", 40.0, 11_000_000),
        FakeZone::sub("intel-rapl:0:0", "core", 25.0),
        FakeZone::sub("intel-rapl:0:1", "uncore", 5.0),
        FakeZone::sub("intel-rapl:0:2", "dram", 6.0),
        FakeZone::package("intel-rapl:1", "package-1", 30.0, 37_000_000),
        FakeZone::sub("intel-rapl:1:0", "core", 20.0),
        FakeZone::sub("intel-rapl:1:2", "dram", 4.0),
    ]
}

fn last_json_line(sandbox: &Sandbox) -> Value {
    let text = std::fs::read_to_string(sandbox.work().join("emissions.jsonl")).unwrap();
    serde_json::from_str(text.lines().last().expect("a JSON line")).unwrap()
}

fn within(got: f64, truth: f64, tolerance: f64) -> bool {
    (got - truth).abs() <= tolerance * truth
}

#[test]
fn machine_mode_measures_both_packages_across_wraps() {
    let _serial = serial();
    let fake = FakeRapl::start(two_sockets());
    let sandbox = Sandbox::new();
    let root = fake.root();
    let out = sandbox
        .command(&[
            "monitor",
            "--rapl-root",
            &root,
            "--tracking-mode",
            "machine",
            "--offline",
            "--country-iso-code",
            "FRA",
            "--measure-power-secs",
            "5",
            "--output-methods",
            "csv,json",
            "--",
            "sleep",
            "8",
        ])
        .output()
        .unwrap();
    drop(fake);
    assert!(out.status.success(), "{}", stderr(&out));

    let rows = sandbox.csv("emissions.csv");
    let (header, row) = (&rows[0], rows.last().unwrap());
    let duration = number(header, row, "duration");
    assert!((7.9..10.0).contains(&duration), "duration {duration}");
    let cpu_joules = number(header, row, "cpu_energy") * 3.6e6;
    let cpu_truth = 70.0 * duration;
    assert!(
        within(cpu_joules, cpu_truth, 0.02),
        "CPU {cpu_joules} J, truth {cpu_truth} J"
    );
    let cpu_power = number(header, row, "cpu_power");
    eprintln!("CPU {cpu_joules:.3} J vs {cpu_truth:.3} J over {duration:.3} s; {cpu_power:.3} W");
    assert!(within(cpu_power, 70.0, 0.05), "CPU power {cpu_power} W");
    let ram_joules = number(header, row, "ram_energy") * 3.6e6;
    assert!(
        within(ram_joules, 10.0 * duration, 0.02),
        "RAM {ram_joules} J, truth {} J (the dram zones)",
        10.0 * duration
    );

    let line = last_json_line(&sandbox);
    let provenance = &line["provenance"];
    assert_eq!(provenance["cpu"]["method"], "measured", "{provenance}");
    assert_eq!(provenance["cpu"]["source"], "rapl", "{provenance}");
    assert_eq!(provenance["ram"]["method"], "measured", "{provenance}");
    assert_eq!(provenance["ram"]["source"], "rapl_dram", "{provenance}");
    assert!(provenance["cpu"].get("machine_energy_kwh").is_none());
}

/// `timeout SECS sh -c 'while :; do :; done'`: one busy CPU for SECS seconds.
const BUSY: [&str; 5] = ["timeout", "3", "sh", "-c", "while :; do :; done"];

#[test]
fn process_mode_attributes_the_trees_share_of_the_package() {
    let _serial = serial();
    let fake = FakeRapl::start(vec![
        FakeZone::package("intel-rapl:0", "package-0", 50.0, 5_000_000),
        FakeZone::sub("intel-rapl:0:0", "dram", 8.0),
    ]);
    let sandbox = Sandbox::new();
    let root = fake.root();
    // Another busy process of the same length, outside the tracked tree.
    let mut outside = Command::new(BUSY[0]).args(&BUSY[1..]).spawn().unwrap();
    let mut args = vec![
        "monitor",
        "--rapl-root",
        &root,
        "--tracking-mode",
        "process",
        "--offline",
        "--country-iso-code",
        "FRA",
        "--measure-power-secs",
        "5",
        "--output-methods",
        "csv,json",
        "--",
    ];
    args.extend(BUSY);
    let out = sandbox.command(&args).output().unwrap();
    let _ = outside.wait();
    drop(fake);
    // `timeout` ends the loop with status 124, which monitor passes on.
    assert_eq!(out.status.code(), Some(124), "{}", stderr(&out));

    let rows = sandbox.csv("emissions.csv");
    let (header, row) = (&rows[0], rows.last().unwrap());
    let duration = number(header, row, "duration");
    let package_truth = 50.0 * duration;
    let tracked = number(header, row, "cpu_energy") * 3.6e6;
    let share = tracked / package_truth;
    eprintln!("tracked {tracked:.3} J of {package_truth:.3} J: share {share:.3}");
    assert!(
        (0.25..0.75).contains(&share),
        "tracked {tracked} J of {package_truth} J: share {share}"
    );

    let provenance = &last_json_line(&sandbox)["provenance"];
    let machine_kwh = provenance["cpu"]["machine_energy_kwh"].as_f64().unwrap();
    assert!(
        within(machine_kwh * 3.6e6, package_truth, 0.05),
        "machine {} J, truth {package_truth} J",
        machine_kwh * 3.6e6
    );
    let unattributed = provenance["cpu"]["unattributed_kwh"].as_f64().unwrap();
    assert!(
        unattributed > 0.0 && unattributed < machine_kwh,
        "{provenance}"
    );
    assert_eq!(provenance["ram"]["source"], "rapl_dram", "{provenance}");
    assert!(provenance["ram"]["machine_energy_kwh"].as_f64().unwrap() > 0.0);
}

/// A tree whose counters cannot be read: `energy_uj` is a directory (CI runs as root, so a
/// `chmod` would protect nothing).
fn unreadable_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (zone, name) in [("intel-rapl:0", "package-0"), ("intel-rapl:0:2", "dram")] {
        let zone: PathBuf = dir.path().join(zone);
        std::fs::create_dir_all(zone.join("energy_uj")).unwrap();
        std::fs::write(zone.join("name"), name).unwrap();
        std::fs::write(zone.join("max_energy_range_uj"), REAL_RANGE.to_string()).unwrap();
    }
    dir
}

/// A tree whose counters are readable and never move, as some virtual machines expose RAPL.
fn still_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (zone, name) in [("intel-rapl:0", "package-0"), ("intel-rapl:0:2", "dram")] {
        let zone: PathBuf = dir.path().join(zone);
        std::fs::create_dir_all(&zone).unwrap();
        std::fs::write(zone.join("name"), name).unwrap();
        std::fs::write(zone.join("energy_uj"), "123456").unwrap();
        std::fs::write(zone.join("max_energy_range_uj"), REAL_RANGE.to_string()).unwrap();
    }
    dir
}

#[test]
fn detect_sees_counters_that_never_move_and_shows_what_a_run_uses_instead() {
    let tree = still_tree();
    let sandbox = Sandbox::new();
    let report = detect(&sandbox, &tree.path().display().to_string());
    for (part, model, rapl) in [("cpu", "tdp", "rapl"), ("ram", "ram_dimm", "rapl_dram")] {
        let chosen = &report["power_sources"][part];
        assert_eq!(chosen["plugin"], model, "{report:#}");
        assert_eq!(chosen["method"], "estimated");
        let skipped = chosen["skipped"].as_array().unwrap();
        let why = skipped
            .iter()
            .find(|s| s["plugin"] == rapl)
            .and_then(|s| s["reason"].as_str())
            .unwrap_or_else(|| panic!("{rapl} is not listed as skipped: {report:#}"));
        assert!(why.contains("has not counted any energy"), "{why}");
        assert!(
            skipped.iter().all(|s| s["plugin"] != model),
            "{model} is both chosen and skipped: {report:#}"
        );
    }
}

fn detect(sandbox: &Sandbox, root: &str) -> Value {
    let out = sandbox.run(&["detect", "--json", "--rapl-root", root]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn unreadable_counters_fall_back_to_the_models_with_a_warning_and_the_fix() {
    let tree = unreadable_tree();
    let root = tree.path().display().to_string();
    let sandbox = Sandbox::new();
    let report = detect(&sandbox, &root);
    let cpu = &report["power_sources"]["cpu"];
    assert_eq!(cpu["plugin"], "tdp", "{report:#}");
    let reason = cpu["skipped"][0]["reason"].as_str().unwrap();
    assert_eq!(cpu["skipped"][0]["plugin"], "rapl");
    assert!(
        reason.contains("chmod") && reason.contains("energy_uj"),
        "{reason}"
    );
    assert_eq!(report["power_sources"]["ram"]["plugin"], "ram_dimm");

    let out = sandbox.run(&[
        "monitor",
        "--rapl-root",
        &root,
        "--offline",
        "--country-iso-code",
        "FRA",
        "--",
        "true",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(
        log.contains("not using rapl") && log.contains("chmod"),
        "{log}"
    );
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 2, "the row is written with the models");
}

#[test]
fn detect_shows_the_powercap_path_in_use() {
    let fake = FakeRapl::start(two_sockets());
    let sandbox = Sandbox::new();
    let report = detect(&sandbox, &fake.root());
    let cpu = &report["power_sources"]["cpu"];
    assert_eq!(cpu["plugin"], "rapl", "{report:#}");
    assert_eq!(cpu["method"], "measured");
    assert_eq!(cpu["count"], 2);
    let detail = cpu["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(&format!("powercap at {}", fake.root())),
        "{detail}"
    );
    let ram = &report["power_sources"]["ram"];
    assert_eq!(ram["plugin"], "rapl_dram", "{report:#}");
    assert_eq!(ram["skipped"][0]["reason"], "outranked by rapl_dram");
}
