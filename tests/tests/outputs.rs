//! Where the numbers go, end to end through the real `codecarbon` binary: Comet, Prometheus
//! (push to a real Pushgateway, pull by a real Prometheus), OpenTelemetry, HTTP and the
//! CodeCarbon API; and outputs that never cost each other data, nor leak a secret.
//!
//! Web services are local stand-ins (`HttpStub`); the Pushgateway and Prometheus are the
//! Debian binaries, skipped when missing outside CI.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod outputs_support;

use codecarbon_testkit::client::{encode, http_get};
use codecarbon_testkit::hostile;
use codecarbon_testkit::prometheus::{self, sample, Server};
use codecarbon_testkit::wait::poll_until;
use codecarbon_testkit::{dead_url, free_port, HttpStub, Recorded, Reply};
use common::{field, number, Sandbox};
use outputs_support::process::{assert_no_secrets, hermetic, monitor_in_france, Finished, Running};
use outputs_support::{close, comet, otlp, PATIENCE};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const COMET_KEY: &str = "cmtKEY-e2e-9fQ2xLw7Rz";
const API_KEY: &str = "apiKEY-e2e-4hR8mZp1Tq";
const EM_TOKEN: &str = "emTOKEN-e2e-7vB5nYc3Ws";

/// Comet's variables, pointing at `stand_in`.
fn with_comet(cmd: &mut Command, stand_in: &HttpStub) {
    cmd.env("COMET_API_KEY", COMET_KEY)
        .env("COMET_WORKSPACE", "e2e-team")
        .env("COMET_PROJECT_NAME", "e2e-project")
        .env("COMET_URL_OVERRIDE", stand_in.url());
}

/// This machine's host name, as the kernel gives it.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim_end()
        .to_string()
}

/// Where a run's stdout and stderr go: beside, not inside, the output directory.
fn logs(sandbox: &Sandbox) -> PathBuf {
    sandbox.dir.path().join("logs")
}

/// The header and the only row of `emissions.csv` in the working directory.
fn only_row(sandbox: &Sandbox, run: &Finished) -> (Vec<String>, Vec<String>) {
    let path = sandbox.work().join("emissions.csv");
    assert!(path.exists(), "no emissions.csv; stderr:\n{}", run.stderr);
    let mut rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 2, "a header and one row: {rows:?}");
    let row = rows.pop().unwrap();
    (rows.pop().unwrap(), row)
}

#[test]
fn one_run_feeds_csv_comet_a_real_pushgateway_and_otlp() {
    let Some(gateway) = Server::pushgateway() else {
        return;
    };
    let comet = comet::stand_in(Duration::ZERO);
    let collector = otlp::receiver();
    let sandbox = Sandbox::new();
    let gateway_url = gateway.url();
    let mut cmd = monitor_in_france(
        &sandbox,
        &[
            "--project-name",
            "e2e_outputs",
            "--output-methods",
            "csv,comet,prometheus,otlp",
            "--prometheus-url",
            &gateway_url,
            "--",
            "sleep",
            "4",
        ],
    );
    with_comet(&mut cmd, &comet);
    cmd.env("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url())
        .env("OTEL_SERVICE_NAME", "e2e-energy")
        .env(
            "OTEL_RESOURCE_ATTRIBUTES",
            "k8s.node.name=worker-3,k8s.pod.name=codecarbon-x7%2Cb",
        )
        .env("CODECARBON_PROMETHEUS_DELETE_ON_FINISH", "false");
    let mut run = Running::spawn(cmd, &logs(&sandbox));

    // While the command sleeps, the Pushgateway already shows the run's group: the job's, of
    // this machine (the instance is the host name).
    let job = r#"job="e2e_outputs_base""#;
    let instance = format!("instance=\"{}\"", host_name());
    let live = poll_until(PATIENCE, || {
        if run.exited() {
            return Some(None);
        }
        let body = gateway.get("/metrics")?;
        sample(&body, "codecarbon_emissions", &[job, &instance]).map(Some)
    });
    assert!(
        matches!(live, Some(Some(_))),
        "codecarbon_emissions{{{job}}} never showed on the Pushgateway while the run went \
         ({live:?}); its metrics:\n{}\ncodecarbon's stderr:\n{}",
        gateway.get("/metrics").unwrap_or_default(),
        run.stderr_so_far()
    );

    let done = run.wait(PATIENCE + Duration::from_secs(10));
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let (header, row) = only_row(&sandbox, &done);
    let run_id = field(&header, &row, "run_id").to_string();
    let energy_kwh = number(&header, &row, "energy_consumed");
    let emissions = number(&header, &row, "emissions");
    let duration = number(&header, &row, "duration");
    assert!(energy_kwh > 0.0, "{row:?}");
    assert!((3.9..6.0).contains(&duration), "duration {duration}");

    // The group stays after the run, as prometheus_delete_on_finish = false asks.
    let after = gateway.get("/metrics").unwrap();
    let total = sample(
        &after,
        "codecarbon_energy_total",
        &[job, r#"project_name="e2e_outputs""#],
    );
    assert!(
        total.is_some_and(|kwh| kwh > 0.0),
        "codecarbon_energy_total of the run is gone or zero:\n{after}"
    );

    comet::assert_run(&comet, COMET_KEY, &run_id, emissions);
    otlp::assert_last_export(&collector, &run_id, energy_kwh);
    // The resource: the deployment's variables, this host, the run.
    let exports = collector.requests_to(otlp::METRICS_PATH);
    let last = otlp::decode(exports.last().unwrap());
    let attribute = |key: &str| otlp::resource_attr(&last, key);
    assert_eq!(attribute("service.name").as_deref(), Some("e2e-energy"));
    assert_eq!(attribute("k8s.node.name").as_deref(), Some("worker-3"));
    assert_eq!(
        attribute("k8s.pod.name").as_deref(),
        Some("codecarbon-x7,b")
    );
    assert_eq!(attribute("host.name"), Some(host_name()));
    assert_eq!(
        attribute("codecarbon.project_name").as_deref(),
        Some("e2e_outputs")
    );
    assert_eq!(
        attribute("codecarbon.experiment_id"),
        Some(field(&header, &row, "experiment_id").to_string())
    );
    let read = assert_no_secrets(&[COMET_KEY], &done, &sandbox.work());
    assert!(
        read.iter().any(|f| f.ends_with("emissions.csv")),
        "{read:?}"
    );
}

#[test]
fn the_machines_of_one_job_keep_their_own_pushgateway_groups() {
    let Some(gateway) = Server::pushgateway() else {
        return;
    };
    // Two machines of one job: one named plainly, one whose name only the Pushgateway's
    // `@base64` form can carry. Each watches its machine until SIGTERM.
    let machines = ["node-a", "rack 7/node-b"];
    let gateway_url = gateway.url();
    let sandboxes = [Sandbox::new(), Sandbox::new()];
    let mut runs: Vec<Running> = machines
        .iter()
        .zip(&sandboxes)
        .map(|(instance, sandbox)| {
            let cmd = monitor_in_france(
                sandbox,
                &[
                    "--project-name",
                    "fleet",
                    "--output-methods",
                    "prometheus",
                    "--prometheus-url",
                    &gateway_url,
                    "--prometheus-instance",
                    instance,
                ],
            );
            Running::spawn(cmd, &logs(sandbox))
        })
        .collect();
    let job = r#"job="fleet_base""#;
    let groups = || -> Option<[bool; 2]> {
        let body = gateway.get("/metrics")?;
        Some(machines.map(|machine| {
            let instance = format!("instance=\"{machine}\"");
            sample(&body, "codecarbon_energy_total", &[job, &instance]).is_some()
        }))
    };

    let both = poll_until(PATIENCE, || {
        if runs.iter_mut().any(Running::exited) {
            return Some(None);
        }
        groups().filter(|g| *g == [true, true]).map(Some)
    });
    assert!(
        matches!(both, Some(Some(_))),
        "the two machines' groups never showed together ({both:?}):\n{}\nstderr:\n{}\n{}",
        gateway.get("/metrics").unwrap_or_default(),
        runs[0].stderr_so_far(),
        runs[1].stderr_so_far()
    );

    // The second stops: its group goes, the first's stays.
    let second = runs.pop().unwrap();
    second.signal(libc::SIGTERM);
    let done = second.wait(PATIENCE);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    // The Pushgateway queues deletions (it answers 202), so wait for it.
    let left = poll_until(PATIENCE, || groups().filter(|g| !g[1]));
    assert_eq!(
        left,
        Some([true, false]),
        "{}",
        gateway.get("/metrics").unwrap_or_default()
    );

    let first = runs.pop().unwrap();
    first.signal(libc::SIGTERM);
    let done = first.wait(PATIENCE);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let left = poll_until(PATIENCE, || groups().filter(|g| !g[0]));
    assert_eq!(
        left,
        Some([false, false]),
        "{}",
        gateway.get("/metrics").unwrap_or_default()
    );
}

#[test]
fn a_real_prometheus_scrapes_the_machine_monitor_until_sigterm() {
    if prometheus::binary(prometheus::PROMETHEUS_BIN).is_none() {
        return;
    }
    let sandbox = Sandbox::new();
    let listen = format!("127.0.0.1:{}", free_port());
    let cmd = monitor_in_france(&sandbox, &["--prometheus-listen", &listen]);
    let mut run = Running::spawn(cmd, &logs(&sandbox));
    wait_for_metrics(&mut run, &listen);

    let prometheus = Server::prometheus(listen.parse().unwrap()).unwrap();
    // The sum over components of what Prometheus stored last, and one series' labels.
    let stored = || -> Option<(f64, serde_json::Value)> {
        let q = encode("codecarbon_energy_joules_total");
        let body = prometheus.get(&format!("/api/v1/query?query={q}"))?;
        let json: serde_json::Value = serde_json::from_str(&body).ok()?;
        let results = json["data"]["result"].as_array()?.clone();
        let sum = results
            .iter()
            .map(|r| r["value"][1].as_str()?.parse::<f64>().ok())
            .sum::<Option<f64>>()?;
        Some((sum, results.first()?["metric"].clone()))
    };
    let (first, labels) = poll_until(PATIENCE, || stored().filter(|(j, _)| *j > 0.0))
        .unwrap_or_else(|| panic!("Prometheus stored no energy:\n{}", prometheus.log()));
    assert_eq!(labels["job"], "codecarbon", "{labels}");
    assert_eq!(labels["project_name"], "codecarbon", "{labels}");
    assert!(
        ["cpu", "gpu", "ram"].contains(&labels["component"].as_str().unwrap_or("")),
        "{labels}"
    );
    let (second, _) =
        poll_until(PATIENCE, || stored().filter(|(j, _)| *j > first)).unwrap_or_else(|| {
            panic!(
                "the stored energy never grew past {first} J:\n{}",
                prometheus.log()
            )
        });

    run.signal(libc::SIGTERM);
    let done = run.wait(PATIENCE);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let (header, row) = only_row(&sandbox, &done);
    assert_eq!(field(&header, &row, "tracking_mode"), "machine");
    let final_joules = number(&header, &row, "energy_consumed") * 3.6e6;
    assert!(
        final_joules >= second * (1.0 - 1e-9),
        "the row's {final_joules} J is less than the {second} J scraped before"
    );
}

#[test]
fn a_comet_that_dies_mid_run_costs_neither_the_csv_nor_the_exit_code() {
    let stand_in = comet::stand_in(Duration::ZERO);
    let sandbox = Sandbox::new();
    let mut cmd = monitor_in_france(
        &sandbox,
        &[
            "--output-methods",
            "csv,comet",
            "--",
            "sh",
            "-c",
            "sleep 4; exit 3",
        ],
    );
    with_comet(&mut cmd, &stand_in);
    let run = Running::spawn(cmd, &logs(&sandbox));

    // Comet takes the first interval (about 1.5 s in), then goes away.
    let metric = comet::path("write/experiment/metric");
    let served = poll_until(PATIENCE, || {
        (!stand_in.requests_to(&metric).is_empty()).then_some(())
    });
    assert!(
        served.is_some(),
        "Comet never got a metric; stderr:\n{}",
        run.stderr_so_far()
    );
    stand_in.stop();

    let done = run.wait(Duration::from_secs(40));
    assert_eq!(
        done.status.code(),
        Some(3),
        "the command's: {}",
        done.stderr
    );
    eprintln!("run with a dead Comet: {:?}", done.wall);
    assert!(
        done.wall < Duration::from_secs(4 + 12),
        "the run ended {:?} after its start, the command after 4 s",
        done.wall
    );
    let (header, row) = only_row(&sandbox, &done);
    let duration = number(&header, &row, "duration");
    assert!((3.9..6.0).contains(&duration), "duration {duration}");
    assert!(number(&header, &row, "energy_consumed") > 0.0, "{row:?}");
    assert!(
        done.stderr.contains("comet"),
        "the lost output is reported: {}",
        done.stderr
    );
    assert_no_secrets(&[COMET_KEY], &done, &sandbox.work());
}

#[test]
fn keys_and_tokens_never_reach_output_logs_or_files() {
    let api = HttpStub::start(
        |req: &Recorded| match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/runs") => Reply::json(r#"{"id":"e2e-run-1"}"#).with_status(201),
            ("POST", "/emissions") => Reply::json("{}").with_status(201),
            _ => Reply::status(404),
        },
    );
    let http = HttpStub::start(|req: &Recorded| {
        if req.method == "POST" && req.path == "/collect" {
            Reply::status(201)
        } else {
            Reply::status(404)
        }
    });
    let electricity_maps = HttpStub::start(|req: &Recorded| {
        if req.path == "/v3/carbon-intensity/latest" {
            Reply::json(
                r#"{"zone":"FR","carbonIntensity":42,"datetime":"2026-01-01T00:00:00.000Z"}"#,
            )
        } else {
            Reply::status(404)
        }
    });
    let sandbox = Sandbox::new();
    // Online (the `api` and `http` outputs refuse offline), with the country given: nothing to
    // look up; whatever would look anyway is pointed at a dead local address.
    let dead = dead_url();
    let mut cmd = sandbox.command(&[
        "monitor",
        "--country-iso-code",
        "FRA",
        "--measure-power-secs",
        "1",
        "--log-level",
        "debug",
        "--output-methods",
        "csv,json,api,http",
        "--geolocation-url",
        &dead,
        "--geolocation-backup-url",
        &dead,
        "--public-ip-url",
        &dead,
        "--cloud-metadata-url",
        &dead,
        "--",
        "sleep",
        "3",
    ]);
    hermetic(&mut cmd)
        .env("CODECARBON_API_KEY", API_KEY)
        .env("CODECARBON_API_ENDPOINT", api.url())
        .env(
            "CODECARBON_EMISSIONS_ENDPOINT",
            format!("{}/collect", http.url()),
        )
        .env("CODECARBON_ELECTRICITYMAPS_API_TOKEN", EM_TOKEN)
        .env(
            "CODECARBON_ELECTRICITYMAPS_URL",
            format!("{}/v3", electricity_maps.url()),
        );
    let done = Running::spawn(cmd, &logs(&sandbox)).wait(PATIENCE + Duration::from_secs(10));
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    let (header, row) = only_row(&sandbox, &done);
    let run_id = field(&header, &row, "run_id");

    // The secrets were used, where they belong...
    let runs = api.requests_to("/runs");
    assert_eq!(runs.len(), 1, "{:?}", api.requests());
    assert!(
        !api.requests_to("/emissions").is_empty(),
        "{:?}",
        api.requests()
    );
    for req in api.requests() {
        assert_eq!(req.header("x-api-token"), Some(API_KEY), "{}", req.path);
    }
    let posted = http.requests_to("/collect");
    assert!(!posted.is_empty(), "the http output posted nothing");
    let last: serde_json::Value = serde_json::from_slice(&posted.last().unwrap().body).unwrap();
    assert_eq!(last["run_id"], run_id);
    let asked = electricity_maps.requests();
    assert!(!asked.is_empty(), "Electricity Maps was never asked");
    assert!(
        asked
            .iter()
            .all(|r| r.header("auth-token") == Some(EM_TOKEN)),
        "{asked:?}"
    );

    // ...and nowhere else.
    let read = assert_no_secrets(&[API_KEY, EM_TOKEN], &done, &sandbox.work());
    for name in ["emissions.csv", "emissions.jsonl"] {
        assert!(
            read.iter().any(|f| f.to_string_lossy().ends_with(name)),
            "no {name} among {read:?}"
        );
    }
}

#[test]
fn a_slow_comet_never_delays_sampling_nor_the_end() {
    let sandbox = Sandbox::new();
    // What the same command measures without Comet.
    let control = Running::spawn(
        monitor_in_france(&sandbox, &["--output-dir", "control", "--", "sleep", "3"]),
        &sandbox.dir.path().join("control-logs"),
    )
    .wait(PATIENCE);
    assert!(control.status.success(), "{}", control.stderr);
    let rows = sandbox.csv("control/emissions.csv");
    let control_ram_power = number(&rows[0], &rows[1], "ram_power");
    let control_rate =
        number(&rows[0], &rows[1], "emissions") / number(&rows[0], &rows[1], "energy_consumed");

    let stand_in = comet::stand_in(Duration::from_secs(5));
    let mut cmd = monitor_in_france(
        &sandbox,
        &["--output-methods", "csv,comet", "--", "sleep", "3"],
    );
    with_comet(&mut cmd, &stand_in);
    let done = Running::spawn(cmd, &logs(&sandbox)).wait(Duration::from_secs(40));
    // The command succeeded, but Comet did not take the row in time: the CSV did, and the exit
    // code says that not every output did (docs/cli.md#exit-codes).
    assert_eq!(done.status.code(), Some(74), "{}", done.stderr);
    assert!(
        done.stderr.contains("not saved: output `comet`") && done.stderr.contains("saved to:"),
        "{}",
        done.stderr
    );
    eprintln!("run with a slow Comet: {:?}", done.wall);
    // The command's 3 s, the stop's 10 s wait for an output at most, and 4 s for a loaded
    // machine; a Comet that held the run would take 5 s a call, call after call.
    assert!(
        done.wall < Duration::from_secs(3 + 10 + 4),
        "a slow Comet held the run: {:?}",
        done.wall
    );
    assert!(
        !stand_in.requests().is_empty(),
        "Comet was never called, so it slowed nothing"
    );
    let (header, row) = only_row(&sandbox, &done);
    let duration = number(&header, &row, "duration");
    assert!((2.9..4.5).contains(&duration), "duration {duration}");
    let energy = number(&header, &row, "energy_consumed");
    assert!(energy > 0.0, "{row:?}");
    let parts: f64 = ["cpu_energy", "gpu_energy", "ram_energy"]
        .iter()
        .map(|c| number(&header, &row, c))
        .sum();
    assert!(close(parts, energy, 1e-9), "{parts} vs {energy}");
    // Same machine, same command: the same RAM power and the same intensity as without Comet.
    let ram_power = number(&header, &row, "ram_power");
    assert!(
        close(ram_power, control_ram_power, 0.02),
        "{ram_power} W vs {control_ram_power} W without Comet"
    );
    let rate = number(&header, &row, "emissions") / energy;
    assert!(close(rate, control_rate, 1e-9), "{rate} vs {control_rate}");
}

/// A command that runs until the test creates `release` in the working directory (at most
/// 30 s), then exits 3: the run lasts exactly as long as the test needs it.
const UNTIL_RELEASED: &str =
    "for i in $(seq 1 300); do [ -e release ] && exit 3; sleep 0.1; done; exit 3";

/// `monitor --prometheus-listen` of [`UNTIL_RELEASED`], once its `/metrics` answers, and the
/// address it listens on.
fn serving_metrics_until_released(sandbox: &Sandbox) -> (Running, String) {
    let listen = format!("127.0.0.1:{}", free_port());
    let cmd = monitor_in_france(
        sandbox,
        &[
            "--prometheus-listen",
            &listen,
            "--",
            "sh",
            "-c",
            UNTIL_RELEASED,
        ],
    );
    let mut run = Running::spawn(cmd, &logs(sandbox));
    wait_for_metrics(&mut run, &listen);
    (run, listen)
}

/// Waits until `run` serves its metrics on `listen`; fails if it ends first or never does.
fn wait_for_metrics(run: &mut Running, listen: &str) {
    let up = poll_until(PATIENCE, || {
        if run.exited() {
            return Some(false);
        }
        let (status, body) = http_get(listen, "/metrics")?;
        (status == 200 && body.contains("codecarbon_energy_joules_total")).then_some(true)
    });
    assert_eq!(
        up,
        Some(true),
        "codecarbon never served /metrics on {listen}; stderr:\n{}",
        run.stderr_so_far()
    );
}

#[test]
fn hostile_requests_to_the_metrics_endpoint_cost_the_run_nothing() {
    let sandbox = Sandbox::new();
    let (mut run, listen) = serving_metrics_until_released(&sandbox);

    // One request of each kind, and connections held open: a slowloris, more idle ones than
    // the server serves at once, and one that asks again and again and never reads.
    let huge = hostile::huge_content_length(&listen, "/metrics");
    let chunked = hostile::chunked_body(&listen, "/metrics");
    let oversized = hostile::oversized_head(&listen, "/metrics", 1024 * 1024);
    let post = hostile::post(&listen, "/metrics");
    let _slow = hostile::slowloris(&listen, "/metrics");
    let _idle = hostile::idle_connections(&listen, 40);
    let _stuck = hostile::never_reads(&listen, "/metrics", 5_000);

    // Scraping still works while they are held, and the run is still there.
    let scrape = http_get(&listen, "/metrics");
    assert!(
        !run.exited(),
        "codecarbon ended; stderr:\n{}",
        run.stderr_so_far()
    );
    let (status, body) = scrape.expect("no answer to a scrape");
    assert_eq!(status, 200);
    assert!(body.contains("codecarbon_energy_joules_total"), "{body}");
    std::fs::write(sandbox.work().join("release"), "").unwrap();
    let done = run.wait(PATIENCE);
    assert_eq!(
        done.status.code(),
        Some(3),
        "the command's exit code: {}",
        done.stderr
    );
    assert!(!done.stderr.contains("panicked"), "{}", done.stderr);
    let (header, row) = only_row(&sandbox, &done);
    assert!(number(&header, &row, "energy_consumed") > 0.0, "{row:?}");

    // Each was refused (a head too large to read may also just be cut off).
    let status = |a: Option<codecarbon_testkit::client::Answer>| a.map(|a| a.status);
    assert_eq!(
        status(huge),
        Some(413),
        "Content-Length: {}",
        hostile::HUGE_LENGTH
    );
    assert_eq!(status(chunked), Some(400));
    assert!(matches!(status(oversized), Some(431) | None));
    let post = post.unwrap();
    assert_eq!(
        (post.status, post.header("allow")),
        (405, Some("GET, HEAD"))
    );
}

#[test]
fn clients_that_never_read_cannot_keep_scrapes_out() {
    let sandbox = Sandbox::new();
    let (run, listen) = serving_metrics_until_released(&sandbox);

    // Twice: more clients than the server serves at once, each asking again and again and
    // never reading. Each asks more than the buffers between it and the server hold, so that
    // its asking returns only once the server has stopped reading it: every place then has an
    // answer stuck in it.
    for round in 0..2 {
        let _stuck: Vec<_> = std::thread::scope(|s| {
            let opening: Vec<_> = (0..36)
                .map(|_| s.spawn(|| hostile::never_reads(&listen, "/metrics", 200_000)))
                .collect();
            opening.into_iter().map(|t| t.join().unwrap()).collect()
        });
        // Answered within the client's 5 s, not after the 30 s write timeout of the stuck.
        let started = std::time::Instant::now();
        let scrape = http_get(&listen, "/metrics");
        let (status, body) = scrape.unwrap_or_else(|| {
            panic!(
                "round {round}: no answer to a scrape after {:?}",
                started.elapsed()
            )
        });
        assert_eq!(status, 200);
        assert!(body.contains("codecarbon_energy_joules_total"), "{body}");
    }

    std::fs::write(sandbox.work().join("release"), "").unwrap();
    let done = run.wait(PATIENCE);
    assert_eq!(done.status.code(), Some(3), "{}", done.stderr);
    assert!(
        !done.stderr.contains("warning: prometheus"),
        "{}",
        done.stderr
    );
    let (header, row) = only_row(&sandbox, &done);
    assert!(number(&header, &row, "energy_consumed") > 0.0, "{row:?}");
}
