//! `codecarbon board` end to end: the real binary on a CSV written by the tracker, one in an
//! older CodeCarbon's format, a bad one, an empty one and a 100,000-row one; the report and the
//! served page checked over HTTP here, then in Debian's headless chromium by
//! `tests/browser/board.test.mjs` (totals, project selector, maps, screenshots, render time).
//!
//! Without chromium or `tests/browser/node_modules`, the browser part is skipped with a line
//! saying so, except under CI (env `CI` set), where it fails with the command that installs
//! them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// A part skipped for want of a tool says so in the test's output.
#![allow(clippy::print_stderr)]

mod common;

use codecarbon_testkit::client::{send, Answer};
use codecarbon_testkit::hostile;
use common::{builder, stderr, stdout, Sandbox};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the page must show: the sums of the readable rows, computed here independently.
#[derive(Debug, Default, Clone)]
struct Sums {
    energy: f64,
    emissions: f64,
    runs: usize,
    projects: BTreeMap<String, (f64, f64, usize)>,
}

impl Sums {
    /// Adds the rows of `path` that have the header's field count and a non-negative number
    /// in `emissions` and `energy_consumed`.
    fn add(&mut self, path: &Path) {
        let Ok(mut reader) = csv::ReaderBuilder::new().flexible(true).from_path(path) else {
            return;
        };
        let Ok(header) = reader.headers().cloned() else {
            return;
        };
        let col = |n: &str| header.iter().position(|h| h == n);
        let (Some(e), Some(k)) = (col("emissions"), col("energy_consumed")) else {
            return;
        };
        let p = col("project_name");
        for record in reader.records().map_while(Result::ok) {
            if record.len() != header.len() {
                continue;
            }
            let number = |i: usize| {
                record[i]
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
            };
            let (Some(emissions), Some(energy)) = (number(e), number(k)) else {
                continue;
            };
            self.energy += energy;
            self.emissions += emissions;
            self.runs += 1;
            let name = p.map(|i| record[i].trim().to_string()).unwrap_or_default();
            let entry = self.projects.entry(name).or_default();
            entry.0 += energy;
            entry.1 += emissions;
            entry.2 += 1;
        }
    }

    fn expect(&self, maps: &[&str], cloud: bool, problems: usize) -> Value {
        json!({
            "totals": { "energy": self.energy, "emissions": self.emissions, "runs": self.runs },
            "projects": self.projects.iter().map(|(name, (energy, emissions, runs))| json!({
                "name": name, "energy": energy, "emissions": emissions, "runs": runs
            })).collect::<Vec<_>>(),
            "maps": maps,
            "cloud": cloud,
            "problems": problems,
        })
    }
}

/// Runs of the real tracker (offline, so deterministic places): two projects in Canada and
/// the United States and one on a GCP region, all appended to `dir/emissions.csv`.
fn tracker_csv(dir: &Path) -> PathBuf {
    /// Project, country, region, cloud provider and region.
    type Run<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<(&'a str, &'a str)>,
    );
    let runs: [Run; 4] = [
        ("tracked-alpha", "CAN", Some("quebec"), None),
        ("tracked-alpha", "CAN", Some("ontario"), None),
        ("tracked-beta", "USA", Some("california"), None),
        ("tracked-cloud", "CAN", None, Some(("gcp", "europe-west1"))),
    ];
    for (project, country, region, cloud) in runs {
        let mut b = builder(dir)
            .project_name(project)
            .country_iso_code(country)
            .force_cpu_power(200.0);
        if let Some(r) = region {
            b = b.region(r);
        }
        if let Some((provider, region)) = cloud {
            b = b.cloud_provider(provider).cloud_region(region);
        }
        let mut tracker = b.build().unwrap();
        tracker.start().unwrap();
        std::thread::sleep(Duration::from_millis(150));
        tracker.stop().unwrap();
    }
    dir.join("emissions.csv")
}

/// A run of Python CodeCarbon 3.3.2 itself (its own 38 columns), when `CODECARBON_TEST_PYTHON`
/// names a Python that has it (CI's does: see `.ci/run`).
fn python_csv(dir: &Path) -> Option<PathBuf> {
    let python = match std::env::var("CODECARBON_TEST_PYTHON") {
        Ok(p) => p,
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI must set CODECARBON_TEST_PYTHON (see .ci/run)")
        }
        Err(_) => {
            eprintln!("board: no CODECARBON_TEST_PYTHON, so no CSV written by Python CodeCarbon");
            return None;
        }
    };
    let script = format!(
        "import time\nfrom codecarbon import OfflineEmissionsTracker\n\
         t = OfflineEmissionsTracker(country_iso_code='DEU', project_name='python-codecarbon', \
         output_dir={dir:?}, log_level='error', measure_power_secs=1)\n\
         t.start(); time.sleep(0.5); t.stop()\n",
        dir = dir.display().to_string()
    );
    let out = Command::new(python)
        .args(["-c", &script])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    Some(dir.join("emissions.csv"))
}

/// CodeCarbon 2.x's format: 29 columns (no experiment_id, water, utilisation, pue, wue).
const CODECARBON_2: &str = "timestamp,project_name,run_id,duration,emissions,emissions_rate,\
cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,\
country_iso_code,region,cloud_provider,cloud_region,os,python_version,cpu_count,cpu_model,\
gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud
2023-03-01T09:15:02,cc-train,0b6a7c2e-01,5400.2,0.9133,0.000169,42.5,250.1,11.8,0.0637,0.3752,0.0177,0.4566,United States,USA,california,,,Linux-5.15,3.10.12,16,AMD EPYC 7B12,1,1 x NVIDIA A100,-122.1,37.4,31.4,machine,N
2023-03-02T10:02:44,cc-train,0b6a7c2e-02,7200.9,1.2811,0.000178,42.5,260.4,11.8,0.085,0.5209,0.0236,0.6295,United States,USA,california,,,Linux-5.15,3.10.12,16,AMD EPYC 7B12,1,1 x NVIDIA A100,-122.1,37.4,31.4,machine,N
2023-03-04T16:40:10,cc-train,0b6a7c2e-03,3600.0,0.5904,0.000164,42.5,245.0,11.8,0.0425,0.245,0.0118,0.2993,United States,USA,texas,,,Linux-5.15,3.10.12,16,AMD EPYC 7B12,1,1 x NVIDIA A100,-97.7,30.3,31.4,machine,N
2023-03-05T08:00:00,cc-infer,5c1d9e77-01,1800.5,0.0951,0.000053,21.3,0.0,5.9,0.0107,0.0,0.003,0.0137,United States,USA,iowa,gcp,us-central1,Linux-5.15,3.10.12,8,Intel Xeon,0,,,,15.6,machine,Y
2023-03-06T08:00:00,cc-infer,5c1d9e77-02,2400.0,0.1268,0.000053,21.3,0.0,5.9,0.0142,0.0,0.0039,0.0181,United States,USA,iowa,gcp,us-central1,Linux-5.15,3.10.12,8,Intel Xeon,0,,,,15.6,machine,Y
";

/// Every kind of bad input of one file: an extra column, a row cut short, non-numeric,
/// negative and empty values; two good rows.
const BAD: &str = "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_name,country_iso_code,region,my_note
2024-02-01T10:00:00,bad-file,b1,60,0.02,0.1,France,FRA,,fine
2024-02-01T11:00:00,bad-file,b2,60,lots,0.1,France,FRA,,not a number
2024-02-01T12:00:00,bad-file,b3,60
2024-02-01T13:00:00,bad-file,b4,60,-0.5,0.1,France,FRA,,negative
2024-02-01T14:00:00,bad-file,b5,60,0.01,,France,FRA,,empty energy
2024-02-01T15:00:00,bad-file,b6,sixty,0.03,0.2,France,FRA,,bad duration but kept
";

/// `rows` runs in our 38 columns, five projects, one a minute.
fn big_csv(path: &Path, rows: usize) {
    let mut out = String::with_capacity(rows * 260);
    out.push_str(&codecarbon::core::CSV_COLUMNS.join(","));
    out.push('\n');
    let start = 1_704_067_200i64; // 2024-01-01T00:00:00
    let places = [
        ("France", "FRA", ""),
        ("Canada", "CAN", "quebec"),
        ("United States", "USA", "texas"),
        ("Germany", "DEU", ""),
        ("India", "IND", ""),
    ];
    for i in 0..rows {
        let t = chrono_like(start + 60 * i as i64);
        let (name, iso, region) = places[i % 5];
        let energy = 0.001 + (i % 97) as f64 * 1e-5;
        let emissions = energy * (0.05 + (i % 5) as f64 * 0.15);
        out.push_str(&format!(
            "{t},project-{p},run-{i},exp,60.0,{emissions},{rate},10.0,0.0,3.0,{cpu},0.0,{ram},\
{energy},0.0,{name},{iso},{region},,,Linux,,0.1.0,8,CPU,0,,,,16.0,machine,50.0,0.0,40.0,6.0,N,\
1.0,0.0\n",
            p = i % 5,
            rate = emissions / 60.0,
            cpu = energy * 0.75,
            ram = energy * 0.25,
        ));
    }
    std::fs::write(path, out).unwrap();
}

/// `YYYY-MM-DDTHH:MM:SS` of a Unix time (UTC), without a date library.
fn chrono_like(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// A `codecarbon board` server, killed when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start(sandbox: &Sandbox, files: &[&Path]) -> Self {
        Self::start_with_stderr(sandbox, files, Stdio::null())
    }

    fn start_with_stderr(sandbox: &Sandbox, files: &[&Path], stderr: Stdio) -> Self {
        let mut args = vec!["board".to_string()];
        args.extend(files.iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = sandbox
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .strip_prefix("carbonboard: ")
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_else(|| panic!("no URL in `{line}`"))
            .to_string();
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        Self { child, url }
    }

    fn port(&self) -> u16 {
        self.url
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn get(port: u16, path: &str) -> Answer {
    codecarbon_testkit::client::get(&format!("127.0.0.1:{port}"), path).unwrap()
}

/// The model embedded in a page.
fn model_of(html: &str) -> Value {
    let open = "<script type=\"application/json\" id=\"model\">";
    let start = html.find(open).unwrap() + open.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

fn close(a: &Value, b: f64, what: &str) {
    let a = a
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {a} is not a number"));
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: page {a}, CSV {b}"
    );
}

fn check_model(model: &Value, sums: &Sums) {
    close(&model["totals"]["energy"], sums.energy, "energy");
    close(&model["totals"]["emissions"], sums.emissions, "emissions");
    assert_eq!(model["totals"]["runs"], sums.runs);
    for (name, (energy, emissions, runs)) in &sums.projects {
        let p = model["projects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name.as_str())
            .unwrap_or_else(|| panic!("no project {name}"));
        close(&p["totals"]["energy"], *energy, name);
        close(&p["totals"]["emissions"], *emissions, name);
        assert_eq!(p["totals"]["runs"], *runs);
    }
}

/// The workspace's target directory (this test runs from target/<profile>/deps/).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

/// Whether the browser test can run; under CI its absence is a failure.
fn browser_ready(browser_dir: &Path) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = Command::new("node").arg("--version").output().is_ok();
    let playwright = browser_dir.join("node_modules/playwright-core").is_dir();
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("chromium"),
        (!node).then_some("node"),
        (!playwright).then_some("tests/browser/node_modules (playwright-core)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return true;
    }
    let fix = "apt-get install -y chromium nodejs npm && (cd tests/browser && npm ci)";
    if std::env::var_os("CI").is_some() {
        panic!("the browser test needs {}: run `{fix}`", missing.join(", "));
    }
    eprintln!(
        "board browser test SKIPPED: {} missing (install: `{fix}`)",
        missing.join(", ")
    );
    false
}

#[test]
fn a_missing_file_exits_2_with_its_name() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["board", "no-such.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read no-such.csv"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn many_projects_make_a_bounded_page_and_project_picks_any_one() {
    let sandbox = Sandbox::new();
    let csv = sandbox.work().join("many.csv");
    let mut text = format!("{}\n", codecarbon::core::CSV_COLUMNS.join(","));
    let projects = 200;
    for i in 0..projects {
        let mut fields = vec![String::new(); codecarbon::core::CSV_COLUMNS.len()];
        for (column, value) in [
            ("timestamp", "2024-05-01T10:00:00".to_string()),
            ("project_name", format!("p{i:04}")),
            ("run_id", format!("r{i}")),
            ("emissions", format!("{}", (i + 1) as f64 / 1000.0)),
            ("energy_consumed", "0.1".to_string()),
        ] {
            let at = codecarbon::core::CSV_COLUMNS
                .iter()
                .position(|c| *c == column)
                .unwrap();
            fields[at] = value;
        }
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    std::fs::write(&csv, text).unwrap();
    let page_of = |extra: &[&str]| {
        let mut args = vec!["board", "many.csv", "--output", "page.html"];
        args.extend_from_slice(extra);
        let out = sandbox.run(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        (
            model_of(&std::fs::read_to_string(sandbox.work().join("page.html")).unwrap()),
            stderr(&out),
        )
    };
    let (model, _) = page_of(&[]);
    assert_eq!(model["projects_total"], projects);
    let entries = model["projects"].as_array().unwrap();
    // All projects, the biggest ones, and one entry for the others.
    let shown = entries.len() - 2;
    assert!(shown < projects / 2, "{shown} projects detailed");
    assert_eq!(entries.last().unwrap()["grouped"], projects - shown);
    assert!(entries.iter().all(|p| p["name"] != "p0000"));
    assert!(entries
        .iter()
        .any(|p| p["name"] == format!("p{:04}", projects - 1)));
    let (model, _) = page_of(&["--project", "p0000"]);
    let smallest = model["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "p0000")
        .expect("the project asked for has its entry");
    assert_eq!(smallest["totals"]["runs"], 1);
    let (_, warned) = page_of(&["--project", "nobody"]);
    assert!(warned.contains("no project `nobody`"), "{warned}");
}

#[test]
fn a_taken_port_exits_2() {
    let sandbox = Sandbox::new();
    let csv = sandbox.work().join("a.csv");
    std::fs::write(&csv, "emissions,energy_consumed\n1,1\n").unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = sandbox.run(&["board", "a.csv", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("leave out --port"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_server_survives_hostile_requests_and_answers_only_loopback_hosts() {
    let sandbox = Sandbox::new();
    let csv = sandbox.work().join("runs.csv");
    std::fs::write(&csv, CODECARBON_2).unwrap();
    let mut served = Served::start(&sandbox, &[csv.as_path()]);
    let port = served.port();
    let addr = format!("127.0.0.1:{port}");

    let huge = hostile::huge_content_length(&addr, "/");
    let chunked = hostile::chunked_body(&addr, "/");
    let oversized = hostile::oversized_head(&addr, "/", 1024 * 1024);
    let post = hostile::post(&addr, "/");
    let _slow = hostile::slowloris(&addr, "/");
    let _idle = hostile::idle_connections(&addr, 40);
    let _stuck = hostile::never_reads(&addr, "/", 200);

    // The board goes on, and serves.
    let page = codecarbon_testkit::client::get(&addr, "/");
    assert!(
        served.child.try_wait().unwrap().is_none(),
        "the board ended"
    );
    let page = page.expect("no answer to a plain GET");
    assert_eq!(page.status, 200, "{}", page.head);
    assert_eq!(model_of(&page.body)["totals"]["runs"], 5);
    // Each was refused (a head too large to read may also just be cut off).
    let status = |a: Option<Answer>| a.map(|a| a.status);
    assert_eq!(status(huge), Some(413));
    assert_eq!(status(chunked), Some(400));
    assert!(matches!(status(oversized), Some(431) | None));
    let post = post.unwrap();
    assert_eq!(
        (post.status, post.header("allow")),
        (405, Some("GET, HEAD"))
    );

    // DNS rebinding: a page of evil.example that resolves to 127.0.0.1 reads nothing.
    for host in [
        Some("evil.example".to_string()),
        Some(format!("evil.example:{port}")),
        None,
    ] {
        let refused = hostile::with_host(&addr, "GET", "/model.json", host.as_deref()).unwrap();
        assert_eq!(refused.status, 403, "Host {host:?}: {}", refused.head);
        assert!(refused.body.starts_with("refused:"), "{}", refused.body);
        assert!(!refused.body.contains("cc-train"), "{}", refused.body);
    }
    for host in [
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        addr.clone(),
    ] {
        let ok = hostile::with_host(&addr, "GET", "/model.json", Some(&host)).unwrap();
        assert_eq!(ok.status, 200, "Host {host}: {}", ok.head);
    }
    // HEAD: the headers of GET, without the body.
    let head = send(
        &addr,
        format!("HEAD / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    assert!(
        head.header("content-security-policy").is_some(),
        "{}",
        head.head
    );
}

/// Fills `pipe` until one more byte would block: the next write of its other holders blocks,
/// as on a paused terminal or a pager nobody scrolls.
fn fill(pipe: &std::io::PipeWriter) {
    use std::io::Write;
    use std::os::fd::AsRawFd;
    let fd = pipe.as_raw_fd();
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    assert!(flags >= 0, "F_GETFL");
    // The flag belongs to the pipe, shared with the board's standard error: set only while
    // filling.
    assert_eq!(
        unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) },
        0
    );
    // Pages first, then bytes: a pipe takes a small write whole or not at all.
    for chunk in [4096, 1] {
        let bytes = vec![b'.'; chunk];
        loop {
            match (&*pipe).write(&bytes) {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("filling the pipe: {e}"),
            }
        }
    }
    assert_eq!(unsafe { libc::fcntl(fd, libc::F_SETFL, flags) }, 0);
}

#[test]
fn a_terminal_that_takes_no_more_lines_never_stops_the_server() {
    let sandbox = Sandbox::new();
    let csv = sandbox.work().join("runs.csv");
    std::fs::write(&csv, CODECARBON_2).unwrap();
    // Standard error into a pipe nobody reads (`2>&1 | less`, not scrolled; Ctrl-S).
    let (_unread, stderr) = std::io::pipe().unwrap();
    let ours = stderr.try_clone().unwrap();
    let served = Served::start_with_stderr(&sandbox, &[csv.as_path()], Stdio::from(stderr));
    let port = served.port();
    fill(&ours);

    // A run appended: the next request reads the file again, and the board's summary of the
    // new reading blocks on standard error.
    let row = CODECARBON_2
        .lines()
        .last()
        .unwrap()
        .replace("5c1d9e77-02", "5c1d9e77-03");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str(&format!("{row}\n"));
    std::fs::write(&csv, text).unwrap();
    assert_eq!(get(port, "/").status, 200);
    std::thread::sleep(Duration::from_millis(300));

    // The server still answers, every time.
    for _ in 0..3 {
        let answer = codecarbon_testkit::client::get(&format!("127.0.0.1:{port}"), "/model.json")
            .expect("no answer while standard error is blocked");
        assert_eq!(answer.status, 200, "{}", answer.head);
        let model: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(model["totals"]["runs"], 6);
    }
}

#[test]
fn board_report_server_and_browser() {
    let sandbox = Sandbox::new();
    let work = sandbox.work();
    let tracked_dir = work.join("tracked");
    std::fs::create_dir(&tracked_dir).unwrap();
    let tracked = tracker_csv(&tracked_dir);
    let codecarbon = work.join("codecarbon-2.csv");
    std::fs::write(&codecarbon, CODECARBON_2).unwrap();
    let bad = work.join("bad.csv");
    std::fs::write(&bad, BAD).unwrap();
    let empty = work.join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let one = work.join("one.csv");
    let first_two_lines: Vec<&str> = CODECARBON_2.lines().take(2).collect();
    std::fs::write(&one, first_two_lines.join("\n") + "\n").unwrap();
    let big = work.join("big.csv");
    let made = Instant::now();
    big_csv(&big, 100_000);
    eprintln!("board: wrote 100,000 rows in {:?}", made.elapsed());

    let python_dir = work.join("python");
    std::fs::create_dir(&python_dir).unwrap();
    let python = python_csv(&python_dir);
    let mut files = vec![
        tracked.as_path(),
        codecarbon.as_path(),
        bad.as_path(),
        empty.as_path(),
    ];
    files.extend(python.as_deref());
    let mut sums = Sums::default();
    for f in &files {
        sums.add(f);
    }
    assert_eq!(
        sums.runs,
        4 + 5 + 2 + usize::from(python.is_some()),
        "the tracker's 4, CodeCarbon 2's 5, 2 good bad.csv rows, Python CodeCarbon's 1"
    );

    // The report, and what the terminal says about the bad rows.
    let report = work.join("report.html");
    let mut args = vec!["board".to_string()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    args.extend(["--output".into(), report.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = sandbox.run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("carbonboard: wrote"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains(&format!("4 rows of {} skipped: line 3:", bad.display())),
        "{err}"
    );
    assert!(
        err.contains("line 4: 4 fields where the header has 10"),
        "{err}"
    );
    assert!(err.contains("`my_note`"), "{err}");
    assert!(err.contains("empty.csv: the file is empty"), "{err}");
    assert!(err.contains("`duration` unreadable in 1 row"), "{err}");
    let html = std::fs::read_to_string(&report).unwrap();
    check_model(&model_of(&html), &sums);
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));

    let one_report = work.join("one.html");
    let out = sandbox.run(&["board", "one.csv", "--output", "one.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let big_report = work.join("big.html");
    let started = Instant::now();
    let out = sandbox.run(&["board", "big.csv", "--output", "big.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    eprintln!(
        "board: 100,000-row report written in {:?} ({} bytes)",
        started.elapsed(),
        std::fs::metadata(&big_report).unwrap().len()
    );
    let big_model = model_of(&std::fs::read_to_string(&big_report).unwrap());
    assert_eq!(big_model["totals"]["runs"], 100_000);
    let mut big_sums = Sums::default();
    big_sums.add(&big);
    check_model(&big_model, &big_sums);

    // The served page: the same model, over HTTP.
    let served = Served::start(&sandbox, &files);
    let page = get(served.port(), "/");
    assert_eq!(page.status, 200, "{}", page.head);
    check_model(&model_of(&page.body), &sums);
    assert_eq!(get(served.port(), "/favicon.ico").status, 404);
    let big_served = Served::start(&sandbox, &[big.as_path()]);

    // The browser.
    let browser_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser");
    if !browser_ready(&browser_dir) {
        return;
    }
    let shots = std::env::var_os("BOARD_SCREENSHOTS")
        .map_or_else(|| target_dir().join("board-screenshots"), PathBuf::from);
    let expect = sums.expect(&["map-us", "map-ca"], true, 5);
    let file_url = |p: &Path| format!("file://{}", p.display());
    let cases = json!({
        "screenshots": shots,
        "pages": [
            { "label": "served", "url": served.url, "expect": expect },
            { "label": "report", "url": file_url(&report), "expect": expect },
        ],
        "timed": [
            { "label": "1-row-report", "url": file_url(&one_report), "rows": 1, "max_ms": 2000 },
            { "label": "100000-rows-report", "url": file_url(&big_report), "rows": 100_000, "max_ms": 2000 },
            { "label": "100000-rows-served", "url": big_served.url, "rows": 100_000, "max_ms": 2000 },
        ],
    });
    let cases_path = work.join("cases.json");
    std::fs::write(&cases_path, serde_json::to_string_pretty(&cases).unwrap()).unwrap();
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "board.test.mjs"])
        .current_dir(&browser_dir)
        .env("BOARD_CASES", &cases_path)
        .env_remove("NODE_OPTIONS")
        .output()
        .unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    eprintln!("{text}");
    assert!(out.status.success(), "the browser test failed:\n{text}");
    for name in [
        "served-light.png",
        "served-dark.png",
        "report-light.png",
        "report-dark.png",
    ] {
        let png = std::fs::read(shots.join(name)).unwrap();
        assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "{name}");
    }
    drop(big_served);
    drop(served);
}
