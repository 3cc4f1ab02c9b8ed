//! A SLURM job's allocation, as `scontrol show job <id>` describes it: `NumCPUs=`, the `mem=`
//! of `AllocTRES=` (or of `TRES=`, as older SLURM names it) and `NumNodes=`.
//!
//! `scontrol` asks the cluster's controller, which may be slow or gone: it runs without a shell,
//! with its own process group, and is stopped (the whole group) when it has not answered
//! within the time given, so a hung controller never holds up a run's start.

use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// What `scontrol show job` says the job has, for the whole job (every node).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlurmJob {
    /// `NumCPUs=`: logical CPUs.
    pub cpus: Option<usize>,
    /// The `mem=` of `AllocTRES=` (`TRES=`), in bytes.
    pub memory: Option<u64>,
    /// `NumNodes=` (1 when not given).
    pub nodes: usize,
}

impl SlurmJob {
    /// The CPUs on each node, the job's spread evenly over its nodes (rounded up).
    pub fn cpus_per_node(&self) -> Option<usize> {
        self.cpus.map(|cpus| cpus.div_ceil(self.nodes.max(1)))
    }

    /// The memory on each node, in bytes, the job's spread evenly over its nodes.
    pub fn memory_per_node(&self) -> Option<u64> {
        self.memory.map(|bytes| bytes / self.nodes.max(1) as u64)
    }
}

/// Why a job's allocation could not be read; each message names the command.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SlurmError {
    /// `scontrol` is not on `PATH`.
    #[error("`scontrol show job {job}`: scontrol is not on PATH")]
    NotFound {
        /// The job id.
        job: String,
    },
    /// It could not be started or waited for.
    #[error("`scontrol show job {job}` could not run: {source}")]
    Run {
        /// The job id.
        job: String,
        /// Why.
        source: std::io::Error,
    },
    /// It did not answer in time, and was stopped.
    #[error("`scontrol show job {job}` did not answer within {limit:?}, and was stopped")]
    TimedOut {
        /// The job id.
        job: String,
        /// The time it had.
        limit: Duration,
    },
    /// It failed.
    #[error("`scontrol show job {job}` failed ({status}){said}")]
    Failed {
        /// The job id.
        job: String,
        /// How it ended.
        status: ExitStatus,
        /// `: ` and the first line it wrote on standard error, or nothing.
        said: String,
    },
    /// Its output has no record of the job (`JobId=<id>`).
    #[error("`scontrol show job {job}` answered without a `JobId={job}` record")]
    NoRecord {
        /// The job id.
        job: String,
    },
    /// The record has neither `NumCPUs=` nor a `mem=` in `AllocTRES=`.
    #[error("`scontrol show job {job}` gave neither `NumCPUs=` nor `AllocTRES=…mem=`")]
    NoFigures {
        /// The job id.
        job: String,
    },
}

/// How much of `scontrol`'s output is read: a job's record is a few kilobytes.
const MAX_OUTPUT: u64 = 1 << 20;
/// How much of its standard error is kept for the message.
const MAX_ERROR: u64 = 4 << 10;
/// How many characters of its first line of error the message quotes.
const MAX_SAID: usize = 200;
/// How often a running `scontrol` is checked on.
const POLL: Duration = Duration::from_millis(5);

/// Runs `<program> show job <job>` and returns what it printed, or why not, within `limit`.
pub fn scontrol_show_job(
    program: &OsStr,
    job: &str,
    limit: Duration,
) -> Result<String, SlurmError> {
    let run_error = |source| SlurmError::Run {
        job: job.to_string(),
        source,
    };
    let mut child = Command::new(program)
        .args(["show", "job", job])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so that stopping it stops what it started too.
        .process_group(0)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SlurmError::NotFound {
                job: job.to_string(),
            },
            _ => run_error(e),
        })?;
    let deadline = Instant::now() + limit;
    let output = read_output(&mut child).map_err(|e| {
        stop(&mut child);
        run_error(e)
    })?;
    let timed_out = || SlurmError::TimedOut {
        job: job.to_string(),
        limit,
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                stop(&mut child);
                return Err(timed_out());
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                stop(&mut child);
                return Err(run_error(e));
            }
        }
    };
    // It has ended; what it left holding its output (a child of its own) gets the time left.
    let left = deadline.saturating_duration_since(Instant::now());
    let Ok((stdout, stderr)) = output.recv_timeout(left.max(POLL)) else {
        stop_group(&child);
        return Err(timed_out());
    };
    if !status.success() {
        let stderr = String::from_utf8_lossy(&stderr);
        let said = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| {
                let l: String = l.chars().take(MAX_SAID).collect();
                format!(": {}", codecarbon_core::quote::printable(&l))
            })
            .unwrap_or_default();
        return Err(SlurmError::Failed {
            job: job.to_string(),
            status,
            said,
        });
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// Reads the child's standard output and error on a thread of their own (which ends when the
/// pipes close), so that a child that never closes them cannot block the caller.
fn read_output(child: &mut Child) -> std::io::Result<mpsc::Receiver<(Vec<u8>, Vec<u8>)>> {
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("codecarbon-scontrol".into())
        .spawn(move || {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            if let Some(stdout) = stdout {
                // A read error leaves what was read: the record is then incomplete, and parsing
                // says so.
                let _ = stdout.take(MAX_OUTPUT).read_to_end(&mut out);
            }
            if let Some(stderr) = stderr {
                let _ = stderr.take(MAX_ERROR).read_to_end(&mut err);
            }
            // The caller may have stopped waiting; then nobody needs the output.
            let _ = sender.send((out, err));
        })?;
    Ok(receiver)
}

/// Kills the child's process group and reaps the child.
fn stop(child: &mut Child) {
    stop_group(child);
    // The group is gone already when the child has ended; kill it alone then (an error means
    // it has ended, and the wait reaps it).
    let _ = child.kill();
    let _ = child.wait();
}

/// Kills the child's process group, whose id is the child's (`process_group(0)`).
fn stop_group(child: &Child) {
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) with a negative id signals that process group only: the one this
        // module created for its child.
        unsafe { libc::kill(-group, libc::SIGKILL) };
    }
}

/// Parses the output of `scontrol show job <job>`: the record whose `JobId=` is `job` (records
/// are separated by blank lines: an array or heterogeneous job shows several).
pub fn parse_scontrol(text: &str, job: &str) -> Result<SlurmJob, SlurmError> {
    let record = records(text)
        .find(|record| value(record, "JobId") == Some(job))
        .ok_or_else(|| SlurmError::NoRecord {
            job: job.to_string(),
        })?;
    let cpus = value(&record, "NumCPUs")
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0);
    let tres = value(&record, "AllocTRES")
        .filter(|v| !v.is_empty())
        .or_else(|| value(&record, "TRES"));
    let memory = tres.and_then(|tres| {
        tres.split(',')
            .find_map(|pair| pair.strip_prefix("mem="))
            .and_then(parse_slurm_memory)
    });
    // `NumNodes=2` when running, `NumNodes=1-2` (a range) while pending.
    let nodes = value(&record, "NumNodes")
        .and_then(|v| v.split('-').next()?.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    if cpus.is_none() && memory.is_none() {
        return Err(SlurmError::NoFigures {
            job: job.to_string(),
        });
    }
    Ok(SlurmJob {
        cpus,
        memory,
        nodes,
    })
}

/// The records of `scontrol`'s output, each as its `Key=Value` words.
fn records(text: &str) -> impl Iterator<Item = Vec<&str>> {
    let mut records: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            records.push(Vec::new());
        } else if let Some(current) = records.last_mut() {
            current.extend(line.split_whitespace());
        }
    }
    records.into_iter().filter(|r| !r.is_empty())
}

/// The value of the first `key=` word of a record.
fn value<'a>(record: &[&'a str], key: &str) -> Option<&'a str> {
    record.iter().find_map(|word| {
        word.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
    })
}

/// A SLURM memory size in bytes: a number (fractions allowed: `1.50T`) and a unit `K`, `M`,
/// `G`, `T` or `P` of 1024 times the one before, megabytes without a unit, as SLURM counts
/// them. `None` for anything else, or zero.
///
/// ```
/// use codecarbon_system::parse_slurm_memory;
/// assert_eq!(parse_slurm_memory("64G"), Some(64 << 30));
/// assert_eq!(parse_slurm_memory("512"), Some(512 << 20));
/// assert_eq!(parse_slurm_memory("lots"), None);
/// ```
pub fn parse_slurm_memory(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let power = match unit {
        "K" | "k" => 1,
        "" | "M" | "m" => 2,
        "G" | "g" => 3,
        "T" | "t" => 4,
        "P" | "p" => 5,
        _ => return None,
    };
    let number: f64 = number.parse().ok()?;
    let bytes = number * 1024f64.powi(power);
    // Beyond u64 is no memory size; `as` would saturate it into one.
    (bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64).then(|| bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};

    /// A running single-node job, as SLURM 23.02 prints it.
    const RUNNING: &str = "\
JobId=4242 JobName=train
   UserId=ada(1000) GroupId=ada(1000) MCS_label=N/A
   Priority=4294901758 Nice=0 Account=(null) QOS=normal
   JobState=RUNNING Reason=None Dependency=(null)
   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0
   RunTime=00:01:02 TimeLimit=01:00:00 TimeMin=N/A
   Partition=gpu AllocNode:Sid=login1:12345
   NodeList=node17
   BatchHost=node17
   NumNodes=1 NumCPUs=8 NumTasks=1 CPUs/Task=8 ReqB:S:C:T=0:0:*:*
   ReqTRES=cpu=8,mem=64G,node=1,billing=8,gres/gpu=1
   AllocTRES=cpu=8,mem=64G,node=1,billing=8,gres/gpu=1
   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*
   MinCPUsNode=8 MinMemoryNode=64G MinTmpDiskNode=0
   Command=/home/ada/train.sh
   WorkDir=/home/ada
";

    #[test]
    fn a_running_jobs_cpus_and_memory() {
        let job = parse_scontrol(RUNNING, "4242").unwrap();
        assert_eq!(
            job,
            SlurmJob {
                cpus: Some(8),
                memory: Some(64 << 30),
                nodes: 1
            }
        );
        assert_eq!(job.cpus_per_node(), Some(8));
        assert_eq!(job.memory_per_node(), Some(64 << 30));
    }

    #[test]
    fn memory_units() {
        let gib = 1u64 << 30;
        assert_eq!(parse_slurm_memory("64G"), Some(64 * gib));
        assert_eq!(parse_slurm_memory("1.5T"), Some(1536 * gib));
        assert_eq!(parse_slurm_memory("1.50T"), Some(1536 * gib));
        assert_eq!(parse_slurm_memory("187.50G"), Some(187 * gib + gib / 2));
        assert_eq!(parse_slurm_memory("512M"), Some(512 << 20));
        assert_eq!(parse_slurm_memory("2048"), Some(2 * gib));
        assert_eq!(parse_slurm_memory("1024K"), Some(1 << 20));
        assert_eq!(parse_slurm_memory("2P"), Some(2 << 50));
        for bad in [
            "", "G", "0", "0G", "-1G", "1.2.3G", "12GB", "1e3G", "lots", "9e99P",
        ] {
            assert_eq!(parse_slurm_memory(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn memory_is_the_allocations_among_several_tres() {
        let text = "JobId=7 NumCPUs=2\n   ReqTRES=cpu=2,mem=8G,node=1\n   \
                    AllocTRES=billing=2,cpu=2,gres/gpu:a100=1,mem=1.5T,node=1\n";
        assert_eq!(parse_scontrol(text, "7").unwrap().memory, Some(1536 << 30));
    }

    #[test]
    fn older_slurm_says_tres() {
        let text = "JobId=7 NumNodes=1 NumCPUs=4\n   TRES=cpu=4,mem=512M,node=1\n";
        let job = parse_scontrol(text, "7").unwrap();
        assert_eq!((job.cpus, job.memory), (Some(4), Some(512 << 20)));
        // An empty AllocTRES (a job not yet running) leaves TRES.
        let text = "JobId=7 NumCPUs=4 AllocTRES= TRES=cpu=4,mem=2G\n";
        assert_eq!(parse_scontrol(text, "7").unwrap().memory, Some(2 << 30));
    }

    #[test]
    fn a_multi_node_job_is_spread_over_its_nodes() {
        let text = "JobId=9 NumNodes=2 NumCPUs=96\n   AllocTRES=cpu=96,mem=375G,node=2\n";
        let job = parse_scontrol(text, "9").unwrap();
        assert_eq!(job.nodes, 2);
        assert_eq!(job.cpus_per_node(), Some(48));
        assert_eq!(job.memory_per_node(), Some((375u64 << 30) / 2));
        let pending = "JobId=9 NumNodes=1-3 NumCPUs=3\n";
        assert_eq!(parse_scontrol(pending, "9").unwrap().nodes, 1);
    }

    #[test]
    fn missing_figures() {
        let no_mem = "JobId=5 NumCPUs=16 AllocTRES=cpu=16,node=1\n";
        let job = parse_scontrol(no_mem, "5").unwrap();
        assert_eq!((job.cpus, job.memory), (Some(16), None));
        let no_cpus = "JobId=5 AllocTRES=cpu=16,mem=4G,node=1\n";
        let job = parse_scontrol(no_cpus, "5").unwrap();
        assert_eq!((job.cpus, job.memory), (None, Some(4 << 30)));
        let neither = "JobId=5 JobName=x NumCPUs=many AllocTRES=mem=lots\n";
        assert!(matches!(
            parse_scontrol(neither, "5"),
            Err(SlurmError::NoFigures { .. })
        ));
    }

    #[test]
    fn the_record_of_the_job_among_several() {
        let het = "JobId=100 HetJobId=100 HetJobOffset=0 NumCPUs=4\n   AllocTRES=cpu=4,mem=8G\n\
                   \n\
                   JobId=101 HetJobId=100 HetJobOffset=1 NumCPUs=32\n   AllocTRES=cpu=32,mem=128G\n";
        assert_eq!(parse_scontrol(het, "101").unwrap().cpus, Some(32));
        assert_eq!(parse_scontrol(het, "100").unwrap().cpus, Some(4));
    }

    #[test]
    fn garbage_or_another_job_is_no_record() {
        for text in [
            "",
            "slurm_load_jobs error: Invalid job id specified\n",
            "JobId=12 NumCPUs=4\n",
            "JobId=4242x NumCPUs=4\n",
            "\u{0}\u{1}binary NumCPUs=4",
        ] {
            assert!(
                matches!(
                    parse_scontrol(text, "4242"),
                    Err(SlurmError::NoRecord { .. })
                ),
                "{text:?}"
            );
        }
    }

    /// An executable script `scontrol` in a fresh directory.
    fn script(body: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scontrol");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        (dir, path)
    }

    /// Runs the script, again while another test's fork still holds it open for writing.
    fn show(program: &Path, limit: Duration) -> Result<String, SlurmError> {
        loop {
            match scontrol_show_job(program.as_os_str(), "4242", limit) {
                Err(SlurmError::Run { source, .. })
                    if source.kind() == std::io::ErrorKind::ExecutableFileBusy =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    #[test]
    fn runs_scontrol_with_the_job_id_and_no_shell() {
        let (_dir, program) = script("echo \"JobId=$3 NumCPUs=2 args=$#:$1:$2\"");
        let out = show(&program, Duration::from_secs(10)).unwrap();
        assert_eq!(out.trim(), "JobId=4242 NumCPUs=2 args=3:show:job");
    }

    #[test]
    fn a_failure_says_its_status_and_first_words() {
        let (_dir, program) =
            script("echo >&2\necho 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1");
        let err = show(&program, Duration::from_secs(10)).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, SlurmError::Failed { .. }), "{text}");
        assert!(
            text.contains("exit status: 1")
                && text.ends_with(": slurm_load_jobs error: Invalid job id specified"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_scontrol_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let err = show(&dir.path().join("scontrol"), Duration::from_secs(1)).unwrap_err();
        assert!(matches!(err, SlurmError::NotFound { .. }), "{err}");
        assert!(err.to_string().contains("not on PATH"), "{err}");
    }

    /// Whether process `pid` is gone (or a zombie waiting for its new parent).
    fn gone(pid: &str) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z')),
        }
    }

    #[test]
    fn a_hung_scontrol_is_stopped_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("sleep.pid");
        let (_scripts, program) = script(&format!(
            "sleep 60 &\necho $! > {}\nwait",
            pid_file.display()
        ));
        let started = Instant::now();
        let err = show(&program, Duration::from_millis(500)).unwrap_err();
        assert!(matches!(err, SlurmError::TimedOut { .. }), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let pid = std::fs::read_to_string(&pid_file).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !gone(pid.trim()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(gone(pid.trim()), "the script's sleep {pid} still runs");
    }

    #[test]
    fn output_held_open_by_a_leftover_child_times_out() {
        // The script exits at once, but leaves a child holding its standard output.
        let (_dir, program) = script("sleep 60 &\necho JobId=4242 NumCPUs=2");
        let started = Instant::now();
        let err = show(&program, Duration::from_millis(500)).unwrap_err();
        assert!(matches!(err, SlurmError::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
