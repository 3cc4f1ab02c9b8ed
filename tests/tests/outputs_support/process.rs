//! The `codecarbon` process: spawned with its output in files, waited for a bounded time, and
//! killed when a test fails; and the check that no secret reached what it wrote.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Variables of other tools that would change where requests go: the tests set their own.
const FOREIGN: &[&str] = &["COMET_", "OTEL_", "PROMETHEUS_"];
/// Proxies would send loopback requests elsewhere.
const PROXIES: &[&str] = &[
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

/// Clears Comet's, OpenTelemetry's, Prometheus's and proxy variables of the outside, so
/// requests go only to the stand-ins of the test.
pub fn hermetic(cmd: &mut Command) -> &mut Command {
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy().to_ascii_uppercase();
        if FOREIGN.iter().any(|p| name.starts_with(p)) {
            cmd.env_remove(&key);
        }
    }
    for proxy in PROXIES {
        cmd.env_remove(proxy);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
}

/// `codecarbon monitor` online, for France, measuring every second, with every locator pointed
/// at a dead local address (nothing to look up: the country is given, and nothing leaves the
/// machine), deaf to the outside's configuration.
pub fn monitor_in_france(sandbox: &crate::common::Sandbox, extra: &[&str]) -> Command {
    let dead = codecarbon_testkit::dead_url();
    let mut args = vec![
        "monitor",
        "--country-iso-code",
        "FRA",
        "--measure-power-secs",
        "1",
        "--geolocation-url",
        &dead,
        "--geolocation-backup-url",
        &dead,
        "--public-ip-url",
        &dead,
        "--cloud-metadata-url",
        &dead,
    ];
    args.extend_from_slice(extra);
    let mut cmd = sandbox.command(&args);
    hermetic(&mut cmd);
    cmd
}

/// A running `codecarbon`; killed and reaped on drop unless it was waited for.
pub struct Running {
    child: Child,
    started: Instant,
    stdout: PathBuf,
    stderr: PathBuf,
    done: bool,
}

/// A finished `codecarbon`.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub status: ExitStatus,
    /// From spawn to exit.
    pub wall: Duration,
    /// What it printed.
    pub stdout: String,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Running {
    /// Spawns `cmd` with stdout and stderr going to files in `logs` (created if needed; keep it
    /// outside the output directory).
    pub fn spawn(mut cmd: Command, logs: &Path) -> Running {
        fs::create_dir_all(logs).unwrap();
        let stdout = logs.join("stdout.txt");
        let stderr = logs.join("stderr.txt");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(fs::File::create(&stdout).unwrap())
            .stderr(fs::File::create(&stderr).unwrap())
            .spawn()
            .expect("codecarbon starts");
        Running {
            child,
            started: Instant::now(),
            stdout,
            stderr,
            done: false,
        }
    }

    /// The process id.
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).unwrap()
    }

    /// Since spawn.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Whether it has exited (it is reaped then, but [`Running::wait`] still reports it).
    pub fn exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// What it printed on stderr so far.
    pub fn stderr_so_far(&self) -> String {
        fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends `signal` (`libc::SIGTERM`, ...).
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on the pid of our own child, which is not reaped yet.
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill({}, {signal})", self.pid());
    }

    /// Waits at most `within` for it to exit; kills it and fails the test after that.
    pub fn wait(mut self, within: Duration) -> Finished {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                self.done = true;
                panic!(
                    "codecarbon did not exit within {within:?} (killed); stderr:\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.done = true;
        Finished {
            status,
            wall: self.started.elapsed(),
            stdout: fs::read_to_string(&self.stdout).unwrap_or_default(),
            stderr: fs::read_to_string(&self.stderr).unwrap_or_default(),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Every regular file under `dir`, at any depth, hidden ones included.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let kind = fs::symlink_metadata(&path).unwrap().file_type();
            if kind.is_dir() {
                todo.push(path);
            } else if kind.is_file() {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Fails when any of `secrets` appears in the run's stdout or stderr or in any file under
/// `dir`; the files read are returned, so a test can check it read what it expected.
pub fn assert_no_secrets(secrets: &[&str], run: &Finished, dir: &Path) -> Vec<PathBuf> {
    let files = files_under(dir);
    let mut texts = vec![
        ("stdout".to_string(), run.stdout.clone()),
        ("stderr".to_string(), run.stderr.clone()),
    ];
    for file in &files {
        let bytes = fs::read(file).unwrap();
        texts.push((
            file.display().to_string(),
            String::from_utf8_lossy(&bytes).into_owned(),
        ));
    }
    for secret in secrets {
        assert!(!secret.is_empty());
        for (place, text) in &texts {
            assert!(
                !text.contains(secret),
                "the secret `{secret}` appears in {place}:\n{text}"
            );
        }
    }
    files
}
