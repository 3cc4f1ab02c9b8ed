//! The real Pushgateway and Prometheus from the Debian packages (`prometheus-pushgateway`,
//! `prometheus`), each on a free loopback port with its own temporary directory, ready before
//! a test uses it and killed when dropped: tests of what codecarbon pushes and serves check it
//! against the real thing, not only against a stand-in.
//!
//! A missing binary skips the test (a `SKIP:` line on stderr, and `None`) on a developer's
//! machine, and fails it under CI (env `CI` set) with the command that installs it, so CI can
//! never pass by skipping.
//!
//! ```no_run
//! use codecarbon_testkit::prometheus::{sample, Server};
//!
//! let Some(gateway) = Server::pushgateway() else { return };
//! // ... push to gateway.url() ...
//! let body = gateway.get("/metrics").unwrap_or_default();
//! assert_eq!(sample(&body, "codecarbon_emissions", &[r#"job="demo""#]), Some(0.3));
//! ```

use crate::client::http_get;
use crate::free_port;
use crate::wait::{poll_every, EVERY};
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Where the Debian package puts the Pushgateway.
pub const PUSHGATEWAY_BIN: &str = "/usr/bin/prometheus-pushgateway";
/// Where the Debian package puts Prometheus.
pub const PROMETHEUS_BIN: &str = "/usr/bin/prometheus";
/// How to get them.
pub const INSTALL: &str = "apt-get update && apt-get install -y prometheus prometheus-pushgateway";
/// Longest wait for a server to answer `/-/ready` (generous: the test machine may have two busy
/// cores).
pub const READY_WITHIN: Duration = Duration::from_secs(20);

/// The binary at `path`, or `None` (after a `SKIP:` line on stderr) when it is missing; under
/// CI (env `CI`) a missing binary fails the test with the command that installs it.
///
/// # Panics
/// Under CI, when the binary is missing.
#[allow(clippy::panic)]
pub fn binary(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if p.is_file() {
        return Some(p.to_path_buf());
    }
    if std::env::var_os("CI").is_some() {
        panic!("{path} is missing; install it with `{INSTALL}`");
    }
    eprintln!("SKIP: {path} is missing (install it with `{INSTALL}`)");
    None
}

/// A server process; killed (and reaped) on drop, even when the test fails, and its temporary
/// directory (data, config, log) removed with it.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A Pushgateway, ready; `None` when its binary is missing (outside CI).
    ///
    /// # Panics
    /// Under CI when the binary is missing, and when it does not become ready in three tries
    /// (the message holds its log).
    pub fn pushgateway() -> Option<Server> {
        let bin = binary(PUSHGATEWAY_BIN)?;
        Some(Self::start_with_retries(|dir, addr| {
            let mut c = Command::new(&bin);
            c.arg(format!("--web.listen-address={addr}"))
                .current_dir(dir);
            c
        }))
    }

    /// A Prometheus server scraping `target` every second (job `codecarbon`), ready; `None`
    /// when its binary is missing (outside CI).
    ///
    /// # Panics
    /// Under CI when the binary is missing, and when it does not become ready in three tries
    /// (the message holds its log).
    #[allow(clippy::expect_used)]
    pub fn prometheus(target: SocketAddr) -> Option<Server> {
        let bin = binary(PROMETHEUS_BIN)?;
        Some(Self::start_with_retries(|dir, addr| {
            let config = dir.join("prometheus.yml");
            fs::write(
                &config,
                format!(
                    "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                     scrape_configs:\n  - job_name: codecarbon\n    scrape_interval: 1s\n    \
                     scrape_timeout: 1s\n    static_configs:\n      - targets: ['{target}']\n"
                ),
            )
            .expect("write prometheus.yml");
            let mut c = Command::new(&bin);
            c.arg(format!("--config.file={}", config.display()))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.join("data").display()
                ))
                .arg(format!("--web.listen-address={addr}"))
                .current_dir(dir);
            c
        }))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// What the server printed so far (stdout and stderr), for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `GET path` on this server: the body of a 200 answer, `None` for any other answer or
    /// none.
    pub fn get(&self, path: &str) -> Option<String> {
        match http_get(&self.addr, path)? {
            (200, body) => Some(body),
            _ => None,
        }
    }

    /// Up to three tries, in case another process takes the free port first.
    #[allow(clippy::expect_used, clippy::panic)]
    fn start_with_retries(command: impl Fn(&Path, &str) -> Command) -> Server {
        let mut last_log = String::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let addr = format!("127.0.0.1:{}", free_port());
            let log = dir.path().join("server.log");
            let out = fs::File::create(&log).expect("create the server log");
            let err = out.try_clone().expect("share the server log");
            let child = command(dir.path(), &addr)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .expect("start the server");
            let mut server = Server {
                child,
                addr,
                log,
                _dir: dir,
            };
            match server.wait_ready() {
                Ok(()) => return server,
                Err(why) => last_log = format!("{why}\n{}", server.log()),
            }
        }
        panic!("the server did not become ready:\n{last_log}");
    }

    /// Polls `/-/ready` until it answers 200, for at most [`READY_WITHIN`]; gives up at once
    /// when the process exits (its port was taken, say).
    fn wait_ready(&mut self) -> Result<(), String> {
        let (child, addr) = (&mut self.child, &self.addr);
        poll_every(READY_WITHIN, EVERY, || {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(Err(format!("it exited with {status}")));
            }
            matches!(http_get(addr, "/-/ready"), Some((200, _))).then_some(Ok(()))
        })
        .unwrap_or_else(|| Err(format!("not ready within {READY_WITHIN:?}")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The value of the first sample line of `metric` in Prometheus text format whose text contains
/// every one of `parts` (label pairs such as `job="x"`), or `None` when there is none.
pub fn sample(text: &str, metric: &str, parts: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| parts.iter().all(|p| l.contains(p)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::net::TcpStream;

    #[test]
    fn sample_finds_the_line_with_every_part() {
        let text = "# TYPE m gauge\nm{job=\"a\",x=\"1\"} 1.5\nm{job=\"b\"} 2\nmore 9\nm 3\n";
        assert_eq!(sample(text, "m", &["job=\"b\""]), Some(2.0));
        assert_eq!(sample(text, "m", &["job=\"a\"", "x=\"1\""]), Some(1.5));
        assert_eq!(sample(text, "m", &[]), Some(1.5));
        assert_eq!(sample(text, "mo", &[]), None);
        assert_eq!(sample(text, "m", &["job=\"c\""]), None);
    }

    #[test]
    fn a_missing_binary_skips_outside_ci_and_fails_under_it() {
        let present = std::env::current_exe().unwrap();
        assert_eq!(binary(present.to_str().unwrap()), Some(present.clone()));
        let missing = "/nonexistent/codecarbon-testkit/prometheus";
        if std::env::var_os("CI").is_some() {
            let why = std::panic::catch_unwind(|| binary(missing)).unwrap_err();
            let why = why.downcast_ref::<String>().unwrap();
            assert!(why.contains(missing) && why.contains(INSTALL), "{why}");
        } else {
            assert_eq!(binary(missing), None);
        }
    }

    #[test]
    fn a_real_pushgateway_is_ready_and_gone_after_drop() {
        let Some(gateway) = Server::pushgateway() else {
            return;
        };
        assert!(gateway.get("/-/ready").is_some(), "{}", gateway.log());
        assert_eq!(gateway.url(), format!("http://{}", gateway.addr));
        let addr = gateway.addr.clone();
        drop(gateway);
        assert!(TcpStream::connect(&addr).is_err(), "{addr} still answers");
    }
}
