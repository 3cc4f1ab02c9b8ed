//! Faults for the file tests: a small tmpfs that can be filled, FIFOs, links, the real
//! `codecarbon` run under a time limit, and files crafted to end where a short write tears.

// A test skipped for want of root says so in the test's output.
#![allow(clippy::print_stderr)]

use crate::common::Sandbox;
use crate::process::{Finished, Running};
pub use codecarbon_testkit::file_names;
use std::ffi::CString;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How long a command that must not hang may take, on a busy two-core machine.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A tmpfs' page: what it allocates, so what a file's last page may have free.
pub const PAGE: u64 = 4096;

/// Free bytes left in a crafted file's last page: fewer than any row or line, so appending one
/// to a full disk writes this much and then fails (a short write, as a real full disk does).
pub const SLACK: u64 = 64;

/// A tmpfs the test mounted, unmounted on drop.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a 1 MiB tmpfs. Without the right to mount (not root), `None` with a message, so
    /// the test is skipped (the ENOSPC cases then rest on core's injected-error tests); under
    /// `CI`, which runs as root, a failure.
    pub fn mount() -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let target = c_path(dir.path());
        // SAFETY: valid NUL-terminated strings; mount(2) reads them only.
        let rc = unsafe {
            libc::mount(
                c"tmpfs".as_ptr(),
                target.as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                c"size=1m,mode=0755".as_ptr().cast(),
            )
        };
        if rc == 0 {
            return Some(Tmpfs { dir });
        }
        let why = std::io::Error::last_os_error();
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the full-disk tests (as root): cannot mount a tmpfs: {why}"
        );
        eprintln!("skipped: cannot mount a tmpfs ({why}); run as root for the full-disk test");
        None
    }

    /// Its root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the file system to its last page with `filler`.
    pub fn fill(&self) {
        let mut filler = OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.filler())
            .unwrap();
        let block = vec![b'f'; PAGE as usize];
        loop {
            match filler.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
    }

    /// Keeps it full for `period`: a page freed meanwhile (a checkpoint replaced just before
    /// the disk filled) is taken again.
    pub fn keep_full(&self, period: Duration) {
        let end = Instant::now() + period;
        while Instant::now() < end {
            self.fill();
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Frees the space [`Tmpfs::fill`] took.
    pub fn free(&self) {
        fs::remove_file(self.filler()).unwrap();
    }

    fn filler(&self) -> PathBuf {
        self.path().join("filler")
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let target = c_path(self.dir.path());
        // SAFETY: a valid NUL-terminated path; a lazy unmount cannot hang on a busy mount.
        unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) };
    }
}

fn c_path(path: &Path) -> CString {
    CString::new(path.as_os_str().as_encoded_bytes()).unwrap()
}

/// Makes a FIFO at `path`.
pub fn mkfifo(path: &Path) {
    // SAFETY: a valid NUL-terminated path.
    let rc = unsafe { libc::mkfifo(c_path(path).as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

/// A file that stands for something a link must not let us write into.
pub const PASSWD: &str =
    "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n";

/// A passwd-like file in `dir` and a link to it at `link`.
pub fn plant_link(dir: &Path, link: &Path) -> PathBuf {
    let passwd = dir.join("passwd");
    fs::write(&passwd, PASSWD).unwrap();
    std::os::unix::fs::symlink(&passwd, link).unwrap();
    passwd
}

/// The checkpoints of `output` (a file name) in `dir`.
pub fn checkpoints(dir: &Path, output: &str) -> Vec<PathBuf> {
    let prefix = format!(".{output}.");
    file_names(dir)
        .into_iter()
        .filter(|n| n.starts_with(&prefix) && n.ends_with(".checkpoint"))
        .map(|n| dir.join(n))
        .collect()
}

/// `codecarbon monitor --offline` for France, measuring every second (a checkpoint at the
/// first measurement, then every 5 s), into `out`.
pub fn monitor(sandbox: &Sandbox, out: &Path, extra: &[&str], command: &[&str]) -> Command {
    let out = out.display().to_string();
    let mut args = vec![
        "monitor",
        "--offline",
        "--country-iso-code",
        "FRA",
        "--measure-power-secs",
        "1",
        "--output-dir",
        &out,
    ];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(command);
    sandbox.command(&args)
}

/// Runs `cmd` to its end, failing the test if it takes longer than [`PATIENCE`] (a hang).
pub fn finish(sandbox: &Sandbox, cmd: Command) -> Finished {
    Running::spawn(cmd, &sandbox.dir.path().join("logs")).wait(PATIENCE)
}

/// Runs `codecarbon monitor` into `disk` (with `extra` flags) until the checkpoint of
/// `output` is there, then fills the disk, calls `then`, and lets the command end: its row (or
/// line) meets a full disk. Its checkpoint is saved in place, in blocks it already has, so
/// it keeps the latest totals; a checkpoint that must be made anew (`then` moved it away)
/// meets the full disk too.
pub fn run_into_a_full_disk(
    sandbox: &Sandbox,
    disk: &Tmpfs,
    extra: &[&str],
    output: &str,
    then: impl FnOnce(),
) -> Finished {
    let go = sandbox.work().join("go");
    let cmd = monitor(
        sandbox,
        disk.path(),
        extra,
        &["sh", "-c", "while [ ! -e go ]; do sleep 0.05; done"],
    );
    let run = Running::spawn(cmd, &sandbox.dir.path().join("logs"));
    let start = Instant::now();
    while checkpoints(disk.path(), output).is_empty() {
        assert!(
            start.elapsed() < PATIENCE,
            "no checkpoint of {output}; stderr:\n{}",
            run.stderr_so_far()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Two checkpoint intervals with the disk full.
    disk.fill();
    then();
    disk.keep_full(Duration::from_millis(2200));
    fs::write(&go, "").unwrap();
    run.wait(PATIENCE)
}

/// `earlier` made longer by padding its `pad_at`-th byte range so that the file ends
/// [`SLACK`] bytes before a page boundary: `make(padding)` builds the content.
pub fn ending_before_a_page_boundary(make: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let base = make(0).len() as u64;
    let target = (base / PAGE + 1) * PAGE - SLACK;
    let content = make(usize::try_from(target - base).unwrap());
    assert_eq!(content.len() as u64 % PAGE, PAGE - SLACK);
    content
}

/// A real header and row of `emissions.csv` (a run on the sandbox's own disk), as records.
pub fn real_csv_row(sandbox: &Sandbox) -> (Vec<String>, Vec<String>) {
    let seed = sandbox.dir.path().join("seed");
    let out = finish(sandbox, monitor(sandbox, &seed, &[], &["true"]));
    assert!(out.status.success(), "{}", out.stderr);
    let mut reader = csv::Reader::from_path(seed.join("emissions.csv")).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let row = reader.records().next().unwrap().unwrap();
    (header, row.iter().map(String::from).collect())
}

/// CSV text of `records`.
pub fn csv_text(records: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for r in records {
        writer.write_record(r).unwrap();
    }
    writer.into_inner().unwrap()
}

/// The records of a CSV file, each of the header's length (a torn row fails here).
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The rows of the CSV record held in the checkpoint `path`.
pub fn read_checkpoint_csv(path: &Path) -> Vec<Vec<String>> {
    let record = codecarbon::core::output::read_checkpoint(path).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(record.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The value of `column` in `row`.
pub fn field<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap();
    &row[i]
}

/// The run key in a checkpoint's name: `.{output}.{key}.checkpoint`.
pub fn run_key_of(checkpoint: &Path, output: &str) -> String {
    let name = checkpoint.file_name().unwrap().to_string_lossy();
    name.strip_prefix(&format!(".{output}."))
        .and_then(|n| n.strip_suffix(".checkpoint"))
        .unwrap()
        .to_owned()
}
