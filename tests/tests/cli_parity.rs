//! The command line where it meets CodeCarbon's: `--api/--no-api`, a nested `monitor`,
//! `detect`'s wording, `config` and `test-api`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_testkit::{HttpStub, Recorded, Reply};
use common::{binary, field, stderr, Sandbox};

const FRA: &[&str] = &["--country-iso-code", "FRA"];

fn monitor(sandbox: &Sandbox, flags: &[&str], command: &[&str]) -> std::process::Output {
    let mut args = vec!["monitor"];
    args.extend_from_slice(FRA);
    args.extend_from_slice(flags);
    args.push("--");
    args.extend_from_slice(command);
    sandbox.run(&args)
}

#[test]
fn no_api_is_accepted_and_says_once_that_it_changes_nothing() {
    let sandbox = Sandbox::new();
    let out = monitor(&sandbox, &["--no-api"], &["true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("--no-api").count(), 1, "{err}");
    assert!(err.contains("changes nothing"), "{err}");
    assert!(!err.contains("also to"), "no other output: {err}");
    assert_eq!(sandbox.csv("emissions.csv").len(), 2);
    // It is `save_to_api = false` over a config file's `true`.
    std::fs::write(
        sandbox.work().join(".codecarbon.config"),
        "[codecarbon]\nsave_to_api = true\napi_endpoint = http://127.0.0.1:9\n",
    )
    .unwrap();
    let out = monitor(&sandbox, &["--no-api"], &["true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("api:"), "{}", stderr(&out));
}

#[test]
fn api_asks_for_the_api_output() {
    let sandbox = Sandbox::new();
    let api = HttpStub::start(|r: &Recorded| match r.path.as_str() {
        "/runs" => Reply::json(r#"{"id":"run-1"}"#).with_status(201),
        _ => Reply::json("{}").with_status(201),
    });
    let out = monitor(
        &sandbox,
        &[
            "--api",
            "--api-endpoint",
            api.url(),
            "--experiment-id",
            "exp-7",
        ],
        &["true"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("also to:   api"), "{}", stderr(&out));
    let runs = api.requests_to("/runs");
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].body_text().contains("exp-7"),
        "{}",
        runs[0].body_text()
    );
}

#[test]
fn a_nested_monitor_runs_the_command_once_tracked_once() {
    let sandbox = Sandbox::new();
    let me = binary().to_str().unwrap();
    let script = "echo ran >> marker";
    for (verb, nested) in [
        ("monitor", vec![me, "monitor", "--", "sh", "-c", script]),
        (
            "run",
            vec![me, "run", "--", me, "monitor", "--", "sh", "-c", script],
        ),
        ("monitor", vec!["monitor", "--", "sh", "-c", script]),
    ] {
        let mut args = vec![verb];
        args.extend_from_slice(FRA);
        args.push("--");
        args.extend_from_slice(&nested);
        let out = sandbox.run(&args);
        assert!(out.status.success(), "{nested:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).matches("emissions:").count(),
            1,
            "one tracker, one summary: {}",
            stderr(&out)
        );
    }
    let marker = std::fs::read_to_string(sandbox.work().join("marker")).unwrap();
    assert_eq!(marker.lines().count(), 3, "once per run");
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(rows.len(), 4, "one row per run");
    assert_eq!(field(&rows[0], &rows[1], "tracking_mode"), "process");
    // Nothing left after the prefix: an error, nothing run, as in CodeCarbon.
    let out = sandbox.run(&[
        "monitor",
        "--country-iso-code",
        "FRA",
        "--",
        me,
        "monitor",
        "--",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(sandbox.csv("emissions.csv").len(), 4);
}

/// `os` is Python's `platform.platform()`; a GCP region's `region` is impact.csv's state as
/// CodeCarbon writes it; `cpu_model` is the model as read.
#[test]
fn the_row_spells_the_machine_and_the_cloud_region_as_codecarbon() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "monitor",
        "--cloud-provider",
        "gcp",
        "--cloud-region",
        "us-central1",
        "--",
        "true",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = sandbox.csv("emissions.csv");
    let (header, row) = (&rows[0], &rows[1]);
    assert_eq!(field(header, row, "region"), "Iowa");
    assert_eq!(field(header, row, "country_name"), "USA");
    let os = field(header, row, "os");
    let arch = std::env::consts::ARCH;
    assert!(os.starts_with("Linux-"), "{os}");
    if cfg!(target_env = "gnu") {
        let (_, libc) = os
            .split_once(&format!("-{arch}-with-glibc"))
            .unwrap_or_else(|| panic!("{os}"));
        assert!(
            !libc.is_empty() && libc.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "{os}"
        );
    }
}

/// As in CodeCarbon, `output_methods` names the outputs: `save_to_api = true` beside it sends
/// nothing.
#[test]
fn output_methods_silences_save_to_api() {
    let sandbox = Sandbox::new();
    let api = HttpStub::start(|_: &Recorded| Reply::json(r#"{"id":"run-1"}"#).with_status(201));
    let config = format!(
        "[codecarbon]\noutput_methods = csv\nsave_to_api = true\napi_endpoint = {}\n",
        api.url()
    );
    std::fs::write(sandbox.work().join(".codecarbon.config"), config).unwrap();
    let out = monitor(&sandbox, &[], &["true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(api.requests().is_empty(), "{:?}", api.requests());
    assert!(
        stderr(&out).contains("`save_to_api` is ignored: `output_methods` is set"),
        "{}",
        stderr(&out)
    );
    // Without `output_methods`, the switch adds the output.
    let config = format!(
        "[codecarbon]\nsave_to_api = true\napi_endpoint = {}\n",
        api.url()
    );
    std::fs::write(sandbox.work().join(".codecarbon.config"), config).unwrap();
    let out = monitor(&sandbox, &[], &["true"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(api.requests_to("/runs").len(), 1);
}

/// `detect` prints CodeCarbon's lines under its heading, then the run's allocation and which
/// power source each part uses; `--json` keeps its fields.
#[test]
fn detect_prints_codecarbons_lines_then_the_power_sources() {
    let sandbox = Sandbox::new();
    let json: serde_json::Value =
        serde_json::from_str(&common::stdout(&sandbox.run(&["detect", "--json"]))).unwrap();
    let out = sandbox.run(&["detect"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = common::stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let cpu = &json["cpu"];
    let expected = [
        "Detecting hardware...".to_string(),
        String::new(),
        "Detected Hardware and System Information:".to_string(),
        format!(
            "- Available RAM: {:.3} GB",
            json["ram_total_gb"].as_f64().unwrap()
        ),
        format!(
            "- CPU count: {} thread(s) in {} physical CPU(s)",
            cpu["logical_cpus"], cpu["sockets"]
        ),
        format!("- CPU model: {}", cpu["model"].as_str().unwrap()),
        format!("- GPU count: {}", json["gpu_count"]),
        "- GPU model: ".to_string(),
        String::new(),
        format!(
            "Allocation: {}",
            json["allocation"]["summary"].as_str().unwrap()
        ),
        "Power sources:".to_string(),
    ];
    assert_eq!(lines[..expected.len()], expected, "{text}");
    assert!(
        lines[expected.len()].starts_with("  cpu: tdp (estimated): TDP "),
        "{text}"
    );

    // A CPU whose model cannot be read is CodeCarbon's `Unknown`; GPU ids asked for are listed.
    let proc_root = sandbox.dir.path().join("proc");
    std::fs::create_dir(&proc_root).unwrap();
    std::fs::write(
        proc_root.join("cpuinfo"),
        "processor\t: 0\nflags\t: fpu\n\nprocessor\t: 1\nflags\t: fpu\n",
    )
    .unwrap();
    std::fs::copy("/proc/meminfo", proc_root.join("meminfo")).unwrap();
    std::fs::copy("/proc/stat", proc_root.join("stat")).unwrap();
    let out = sandbox
        .command(&["detect", "--gpu-ids", "0, 1"])
        .env("CODECARBON_PROC_ROOT", &proc_root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains("\n- CPU count: 2 thread(s) in 1 physical CPU(s)\n"),
        "{text}"
    );
    assert!(text.contains("\n- CPU model: Unknown\n"), "{text}");
    assert!(
        text.contains("\n- GPU model:  BUT only tracking these GPU ids : ['0', '1']\n"),
        "{text}"
    );
}

const KEY: &str = "cc-t0ken-e2e-1234";

/// A CodeCarbon API that knows the experiment `exp-9` for the key `KEY`, and echoes whatever
/// key it gets in its refusals.
fn api_server() -> HttpStub {
    HttpStub::start(|r: &Recorded| {
        let key = r.header("x-api-token").unwrap_or_default().to_string();
        match (r.path.as_str(), key == KEY) {
            ("/experiments/exp-9", true) => Reply::json(r#"{"id":"exp-9","name":"nightly"}"#),
            (_, true) => Reply::json("{}").with_status(404),
            (_, false) => Reply::json(format!(r#"{{"detail":"bad {key}"}}"#)).with_status(401),
        }
    })
}

#[test]
fn test_api_reports_success_a_refused_key_and_an_unreachable_server() {
    let sandbox = Sandbox::new();
    let api = api_server();
    // The settings come from where the `api` output reads them: a file and the environment.
    std::fs::write(
        sandbox.work().join(".codecarbon.config"),
        format!(
            "[codecarbon]\napi_endpoint = {}\nexperiment_id = exp-9\n",
            api.url()
        ),
    )
    .unwrap();
    let ok = sandbox
        .command(&["test-api"])
        .env("CODECARBON_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    let said = common::stdout(&ok);
    assert!(
        said.contains("accepts the key") && said.contains("exp-9 (nightly)"),
        "{said}"
    );
    assert_eq!(api.requests()[0].header("x-api-token"), Some(KEY));

    let refused = sandbox
        .command(&["test-api"])
        .env("CODECARBON_API_KEY", "wr0ng-e2e-key-99")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let said = format!("{}{}", common::stdout(&refused), stderr(&refused));
    assert!(
        said.contains("HTTP 401") && said.contains("`api_key`"),
        "{said}"
    );
    assert!(!said.contains("wr0ng-e2e-key-99"), "{said}");

    let dead = codecarbon_testkit::dead_url();
    let unreachable = sandbox.run(&["test-api", "--api-endpoint", &dead, "--api-key", KEY]);
    assert_eq!(
        unreachable.status.code(),
        Some(1),
        "{}",
        stderr(&unreachable)
    );
    let said = format!("{}{}", common::stdout(&unreachable), stderr(&unreachable));
    assert!(
        said.contains("cannot connect") && said.contains("`api_endpoint`"),
        "{said}"
    );
    assert!(!said.contains(KEY), "{said}");
}

/// `config` by flags: writes `~/.codecarbon.config` as CodeCarbon's, which the tracker reads;
/// keeps the rest of a file it edits; refuses what the reader refuses, with its words; never
/// prints a secret.
#[test]
fn config_writes_what_the_reader_reads_and_refuses_what_it_refuses() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    let out = sandbox.run(&[
        "config",
        "--project-name",
        "from-config",
        "--country-iso-code",
        "FRA",
        "--set",
        "api_key=cc-s3cret-key-1",
        "--set",
        "organization_id=org-1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = format!("{}{}", common::stdout(&out), stderr(&out));
    assert!(!said.contains("cc-s3cret-key-1"), "{said}");
    assert!(said.contains("api_key = <hidden>"), "{said}");
    let file = sandbox.home().join(".codecarbon.config");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "[codecarbon]\nproject_name = from-config\ncountry_iso_code = FRA\napi_key = cc-s3cret-key-1\norganization_id = org-1\n"
    );
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a new file with a secret is its owner's only");
    let run = sandbox.run(&["monitor", "--", "true"]);
    assert!(run.status.success(), "{}", stderr(&run));
    let rows = sandbox.csv("emissions.csv");
    assert_eq!(field(&rows[0], &rows[1], "project_name"), "from-config");
    assert_eq!(field(&rows[0], &rows[1], "country_iso_code"), "FRA");

    // Another file, edited in place: comments, other sections and line order kept.
    let local = sandbox.work().join("team.config");
    std::fs::write(
        &local,
        "# team settings\n[codecarbon]\npue = 1.1\n\n[tool]\nx = 1\n",
    )
    .unwrap();
    let out = sandbox.run(&[
        "config",
        "--path",
        "team.config",
        "--pue",
        "1.4",
        "--set",
        "region=quebec",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&local).unwrap(),
        "# team settings\n[codecarbon]\npue = 1.4\nregion = quebec\n\n[tool]\nx = 1\n"
    );
    let names = codecarbon_testkit::file_names(&sandbox.work());
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");

    // Refused as the reader refuses, nothing written.
    let before = std::fs::read(&local).unwrap();
    let refused = sandbox.run(&["config", "--path", "team.config", "--pue", "0"]);
    assert_eq!(refused.status.code(), Some(2));
    let reader = sandbox.run(&["monitor", "--pue", "0", "--", "true"]);
    let first_line =
        |o: &std::process::Output| stderr(o).lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first_line(&refused),
        first_line(&reader),
        "the reader's words"
    );
    let unknown = sandbox.run(&["config", "--path", "team.config", "--set", "colour=blue"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown setting `colour`"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(std::fs::read(&local).unwrap(), before);

    // Nothing to write and no terminal to ask on: an error that says how.
    let nothing = sandbox
        .command(&["config", "--path", "team.config"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("--set KEY=VALUE"),
        "{}",
        stderr(&nothing)
    );
}
