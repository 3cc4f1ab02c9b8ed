//! A SLURM job's or a cgroup's allocation, end to end through the real binary: a fake
//! `scontrol` first on `PATH`, a fake `/proc` (8 CPUs of an unknown `AMD EPYC`, 64 GB) and a
//! fake cgroup v2 mount, so the figures do not depend on the machine running the tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{field, number, stderr, stdout, Sandbox};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A scratch machine: its `/proc`, a cgroup mount, and a directory for a fake `scontrol`.
struct Node {
    sandbox: Sandbox,
}

impl Node {
    fn new() -> Node {
        let sandbox = Sandbox::new();
        let proc_root = sandbox.dir.path().join("proc");
        std::fs::create_dir_all(proc_root.join("self")).unwrap();
        let mut stat = String::from("cpu  800 0 400 8000 0 0 0 0 0 0\n");
        let mut cpuinfo = String::new();
        for cpu in 0..8 {
            stat.push_str(&format!("cpu{cpu} 100 0 50 1000 0 0 0 0 0 0\n"));
            cpuinfo.push_str(&format!("processor\t: {cpu}\nmodel name\t: AMD EPYC\n\n"));
        }
        std::fs::write(proc_root.join("stat"), stat).unwrap();
        std::fs::write(proc_root.join("cpuinfo"), cpuinfo).unwrap();
        std::fs::write(
            proc_root.join("meminfo"),
            "MemTotal: 67108864 kB\nMemFree: 33554432 kB\nMemAvailable: 50331648 kB\n",
        )
        .unwrap();
        std::fs::create_dir_all(sandbox.dir.path().join("bin")).unwrap();
        Node { sandbox }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.sandbox.dir.path().join(relative)
    }

    /// An `scontrol` first on `PATH` that runs `body` (`$3` is the job id).
    fn scontrol(&self, body: &str) {
        let path = self.path("bin/scontrol");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// Puts this process in cgroup `/job_7` of a cgroup v2 mount, with these files.
    fn cgroup(&self, files: &[(&str, &str)]) {
        std::fs::write(self.path("proc/self/cgroup"), "0::/job_7\n").unwrap();
        let dir = self.path("cgroup/job_7");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            self.path("cgroup/cgroup.controllers"),
            "cpuset cpu memory\n",
        )
        .unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }

    /// `codecarbon ARGS` on this node, in SLURM job 4242 when `job`, with `env` besides.
    fn command(&self, args: &[&str], job: bool, env: &[(&str, &str)]) -> Command {
        let mut cmd = self.sandbox.command(args);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![self.path("bin")];
        paths.extend(std::env::split_paths(&path));
        cmd.env("PATH", std::env::join_paths(paths).unwrap())
            .env("CODECARBON_PROC_ROOT", self.path("proc"))
            .env("CODECARBON_CGROUP_ROOT", self.path("cgroup"));
        if job {
            cmd.env("SLURM_JOB_ID", "4242");
        }
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd
    }

    /// Monitors the machine for `sleep 1`, with the CSV and the JSON Lines outputs.
    fn monitor(&self, extra: &[&str], job: bool, env: &[(&str, &str)]) -> Output {
        let mut args = vec![
            "monitor",
            "--offline",
            "--country-iso-code",
            "FRA",
            "--measure-power-secs",
            "1",
            "--tracking-mode",
            "machine",
            "--output-methods",
            "csv,json",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", "sleep", "1"]);
        let out = self.command(&args, job, env).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        out
    }

    /// `cpu_count`, `ram_total_size`, `cpu_power` and `ram_power` of the run's row.
    fn row(&self) -> [f64; 4] {
        let rows = self.sandbox.csv("emissions.csv");
        assert_eq!(rows.len(), 2, "header and one row");
        let (header, row) = (&rows[0], &rows[1]);
        assert_eq!(field(header, row, "tracking_mode"), "machine");
        ["cpu_count", "ram_total_size", "cpu_power", "ram_power"]
            .map(|column| number(header, row, column))
    }

    /// The `allocation` of the last JSON line's provenance.
    fn provenance(&self) -> Value {
        let text = std::fs::read_to_string(self.sandbox.work().join("emissions.jsonl")).unwrap();
        let line: Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
        line["provenance"]["allocation"].clone()
    }
}

/// `codecarbon: warning:` lines of a run's standard error.
fn warnings(out: &Output) -> Vec<String> {
    stderr(out)
        .lines()
        .filter(|l| l.starts_with("codecarbon: warning:"))
        .map(str::to_string)
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// A running job with 4 of the node's 8 CPUs and 16 of its 64 GB.
const JOB: &str = r#"[ "$1 $2" = "show job" ] || exit 2
cat <<EOF
JobId=$3 JobName=train
   UserId=ada(1000) GroupId=ada(1000) MCS_label=N/A
   JobState=RUNNING Reason=None Dependency=(null)
   NodeList=node17 BatchHost=node17
   NumNodes=1 NumCPUs=4 NumTasks=1 CPUs/Task=4 ReqB:S:C:T=0:0:*:*
   ReqTRES=cpu=4,mem=16G,node=1,billing=4
   AllocTRES=cpu=4,mem=16G,node=1,billing=4
   Command=/home/ada/train.sh
EOF"#;

#[test]
fn a_slurm_jobs_allocation_sizes_the_row_in_machine_mode() {
    let node = Node::new();
    node.scontrol(JOB);
    let out = node.monitor(&[], true, &[]);
    assert_eq!(warnings(&out), Vec::<String>::new());
    let [cpus, ram, cpu_power, ram_power] = node.row();
    assert_eq!((cpus, ram), (4.0, 16.0));
    // An unknown CPU of 8 threads: 32 W; the load of a /proc that never moves is unknown, so
    // half of it, and the job's 4 CPUs are half of that: 8 W. 16 GB are 2 DIMMs: 10 W, where
    // the node's 64 GB would be 20 W.
    assert!(close(cpu_power, 8.0), "cpu_power {cpu_power}");
    assert!(close(ram_power, 10.0), "ram_power {ram_power}");
    let allocation = node.provenance();
    assert_eq!(allocation["cpus"], 4);
    assert_eq!(allocation["machine_cpus"], 8);
    assert_eq!(allocation["cpus_from"], "slurm job 4242");
    assert_eq!(allocation["ram_gb"], 16.0);
    assert_eq!(allocation["ram_from"], "slurm job 4242");
}

#[test]
fn outside_slurm_and_cgroups_the_row_is_the_machines() {
    let node = Node::new();
    // An scontrol that would say otherwise, which nobody asks without SLURM_JOB_ID.
    node.scontrol(JOB);
    let out = node.monitor(&[], false, &[]);
    assert_eq!(warnings(&out), Vec::<String>::new());
    let [cpus, ram, cpu_power, ram_power] = node.row();
    assert_eq!((cpus, ram), (8.0, 64.0));
    assert!(close(cpu_power, 16.0), "cpu_power {cpu_power}");
    assert!(close(ram_power, 20.0), "ram_power {ram_power}");
    assert_eq!(node.provenance()["cpus_from"], "machine");
}

#[test]
fn a_failing_scontrol_is_one_warning_and_the_machine() {
    let node = Node::new();
    node.scontrol("echo 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1");
    let out = node.monitor(&[], true, &[]);
    let said = warnings(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("`scontrol show job 4242` failed")
            && said[0].contains("Invalid job id specified")
            && said[0].contains("the machine's CPUs and memory are counted"),
        "{said:?}"
    );
    let [cpus, ram, ..] = node.row();
    assert_eq!((cpus, ram), (8.0, 64.0));
    assert_eq!(node.provenance()["ram_from"], "machine");
}

#[test]
fn a_missing_scontrol_is_one_warning_and_the_machine() {
    let node = Node::new();
    let out = node.monitor(&[], true, &[]);
    let said = warnings(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("scontrol is not on PATH"), "{said:?}");
    assert_eq!(node.row()[..2], [8.0, 64.0]);
}

#[test]
fn a_hung_scontrol_does_not_hold_up_the_run() {
    let node = Node::new();
    node.scontrol("sleep 120");
    let started = Instant::now();
    let out = node.monitor(&[], true, &[]);
    // `sleep 1`, scontrol's 2 s, and the run's own start and stop.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let said = warnings(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("did not answer within 2s"), "{said:?}");
    assert_eq!(node.row()[..2], [8.0, 64.0]);
}

#[test]
fn a_limiting_cgroup_comes_first_and_spares_scontrol() {
    let node = Node::new();
    node.cgroup(&[
        ("cpuset.cpus.effective", "2-3\n"),
        ("memory.max", "4294967296\n"),
    ]);
    // Would be a warning if asked.
    node.scontrol("exit 1");
    let out = node.monitor(&[], true, &[]);
    assert_eq!(warnings(&out), Vec::<String>::new());
    let [cpus, ram, cpu_power, ram_power] = node.row();
    assert_eq!((cpus, ram), (2.0, 4.0));
    assert!(close(cpu_power, 4.0), "cpu_power {cpu_power}");
    assert!(close(ram_power, 10.0), "ram_power {ram_power}");
    let allocation = node.provenance();
    let cgroup = format!("cgroup {}", node.path("cgroup/job_7").display());
    assert_eq!(allocation["cpus_from"], cgroup.as_str());
    assert_eq!(allocation["ram_from"], cgroup.as_str());
}

#[test]
fn a_cgroup_without_limits_leaves_the_job_to_scontrol() {
    let node = Node::new();
    node.cgroup(&[("cpuset.cpus.effective", "0-7\n"), ("memory.max", "max\n")]);
    node.scontrol(JOB);
    node.monitor(&[], true, &[]);
    assert_eq!(node.row()[..2], [4.0, 16.0]);
    assert_eq!(node.provenance()["cpus_from"], "slurm job 4242");
}

#[test]
fn machine_mode_on_a_later_rank_is_warned_about() {
    let node = Node::new();
    node.scontrol(JOB);
    let rank = [("SLURM_LOCALID", "1"), ("SLURM_STEP_TASKS_PER_NODE", "4")];
    let out = node.monitor(&[], true, &rank);
    let said = warnings(&out);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("SLURM local rank 1 (tasks per node: 4)")
            && said[0].contains("SLURM_LOCALID 0"),
        "{said:?}"
    );
    let first = node.monitor(&[], true, &[("SLURM_LOCALID", "0")]);
    assert_eq!(warnings(&first), Vec::<String>::new());
}

#[test]
fn process_mode_keeps_the_columns_and_is_not_warned_about_ranks() {
    let node = Node::new();
    node.scontrol(JOB);
    // The tracked processes are not in the fake /proc: only the columns matter here.
    let out = node
        .command(
            &[
                "monitor",
                "--offline",
                "--country-iso-code",
                "FRA",
                "--measure-power-secs",
                "1",
                "--",
                "sleep",
                "1",
            ],
            true,
            &[("SLURM_LOCALID", "3")],
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(warnings(&out), Vec::<String>::new());
    let rows = node.sandbox.csv("emissions.csv");
    let (header, row) = (&rows[0], &rows[1]);
    assert_eq!(field(header, row, "tracking_mode"), "process");
    assert_eq!(number(header, row, "cpu_count"), 4.0);
    assert_eq!(number(header, row, "ram_total_size"), 16.0);
}

#[test]
fn detect_says_which_allocation_a_run_would_use() {
    let node = Node::new();
    node.scontrol(JOB);
    let out = node
        .command(&["detect", "--json"], true, &[])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let allocation = &report["allocation"];
    assert_eq!(allocation["cpus"], 4);
    assert_eq!(allocation["ram_gb"], 16.0);
    assert_eq!(allocation["cpus_from"], "slurm job 4242");
    assert!(
        report["power_sources"]["ram"]["detail"]
            .as_str()
            .unwrap()
            .contains("16.00 GB (slurm job 4242)"),
        "{report}"
    );
    let text = node.command(&["detect"], true, &[]).output().unwrap();
    assert!(
        stdout(&text).contains("Allocation: 4 of 8 CPUs and 16.00 of 64.00 GB (slurm job 4242)"),
        "{}",
        stdout(&text)
    );
    let outside = node.command(&["detect"], false, &[]).output().unwrap();
    assert!(
        stdout(&outside).contains("Allocation: the whole machine: 8 CPUs and 64.00 GB"),
        "{}",
        stdout(&outside)
    );
}
