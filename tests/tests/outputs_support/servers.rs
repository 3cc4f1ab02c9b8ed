//! The real Pushgateway and Prometheus from the Debian packages, on free loopback ports,
//! killed on drop; a tiny blocking HTTP GET to talk to them.

use super::PATIENCE;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the Debian package puts the Pushgateway.
pub const PUSHGATEWAY_BIN: &str = "/usr/bin/prometheus-pushgateway";
/// Where the Debian package puts Prometheus.
pub const PROMETHEUS_BIN: &str = "/usr/bin/prometheus";
/// How to get them.
pub const INSTALL: &str = "apt-get update && apt-get install -y prometheus prometheus-pushgateway";

/// The binary, or `None` (after a skip line) when it is missing; under CI (env `CI`) a missing
/// binary fails the test with the command that installs it.
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

/// A free loopback port: bind port 0, note the port, release it.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A server process; killed (and reaped) on drop, even when the test fails.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// A Pushgateway, ready; `None` when its binary is missing (outside CI).
    pub fn pushgateway() -> Option<Server> {
        let bin = binary(PUSHGATEWAY_BIN)?;
        Some(Self::start_with_retries(|dir, addr| {
            let mut c = Command::new(&bin);
            c.arg(format!("--web.listen-address={addr}"))
                .current_dir(dir);
            c
        }))
    }

    /// A Prometheus server scraping `target` every second, ready; `None` when its binary is
    /// missing (outside CI).
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
            .unwrap();
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

    /// What the server printed so far.
    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `GET path` on this server: the body of a 200 answer.
    pub fn get(&self, path: &str) -> Option<String> {
        match http_get(&self.addr, path)? {
            (200, body) => Some(body),
            _ => None,
        }
    }

    /// Up to three tries, in case another process takes the free port first.
    fn start_with_retries(command: impl Fn(&Path, &str) -> Command) -> Server {
        let mut last_log = String::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let addr = format!("127.0.0.1:{}", free_port());
            let log = dir.path().join("server.log");
            let out = fs::File::create(&log).unwrap();
            let err = out.try_clone().unwrap();
            let child = command(dir.path(), &addr)
                .stdin(Stdio::null())
                .stdout(out)
                .stderr(err)
                .spawn()
                .unwrap();
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

    /// Polls `/-/ready` until it answers 200, for at most [`PATIENCE`].
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("it exited with {status}"));
            }
            if let Some((200, _)) = http_get(&self.addr, "/-/ready") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("not ready within {PATIENCE:?}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` on `addr` (HTTP/1.0, so no chunked answer): the status and the body, or `None`
/// when the server cannot be reached. Every step is bounded.
pub fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let sock: SocketAddr = addr.parse().ok()?;
    let mut stream = TcpStream::connect_timeout(&sock, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// The value of the first sample line of `metric` whose text contains every one of `parts`.
pub fn sample(text: &str, metric: &str, parts: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| parts.iter().all(|p| l.contains(p)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}
