//! Hostile servers and `--offline`, end to end through the real `codecarbon` binary: a server
//! that echoes the credentials it was sent (in any encoding), one that answers terminal escape
//! sequences, outputs that must not touch the network offline, and the cloud providers an error
//! offers.
//!
//! Every server is a local stand-in (`HttpStub` on 127.0.0.1).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod outputs_support;

use codecarbon_testkit::{HttpStub, Recorded, Reply};
use common::Sandbox;
use outputs_support::comet;
use outputs_support::process::{assert_no_secrets, hermetic, monitor_in_france, Finished, Running};
use outputs_support::PATIENCE;
use std::process::Command;
use std::time::Duration;

/// The user of the URLs' `user:password@`.
const USER: &str = "e2e-user";
/// The password, decoded: every character that some encoding changes.
const PASSWORD: &str = "p@ss w0rd/\"x+y\\z";
/// [`PASSWORD`] as it stands in a URL.
const PASSWORD_IN_URL: &str = "p%40ss%20w0rd%2F%22x%2By%5Cz";
const API_KEY: &str = "apiKEY-e2e-Zt6Qw2Lp9x";
const EM_TOKEN: &str = "emTOKEN-e2e-Hn4Vc8Rk1b";
const COMET_KEY: &str = "cmtKEY-e2e-Yb3Jd7Ws5m";

/// A terminal attack: retitle the window (OSC 0, ended by BEL), clear the screen, and return
/// to the start of the line so the next text overwrites what was printed.
const ESCAPES: &str = "\x1b]0;pwned\x07 \x1b[2J \rgone";
/// [`ESCAPES`] as it must reach the terminal.
const ESCAPED: &str = r"\x1b]0;pwned\x07 \x1b[2J \rgone";

/// Standard base64 (RFC 4648, with padding), written here so that the test does not trust the
/// code under test for its oracle.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Basic` credentials as the client sends them: base64 of `user:password`.
fn basic() -> String {
    base64(format!("{USER}:{PASSWORD}").as_bytes())
}

/// Every form the credentials may come back in: as is, in a URL, JSON-escaped, base64 with
/// and without padding, and the password's own base64.
fn every_form(secrets: &[&str]) -> Vec<String> {
    let mut forms = vec![
        PASSWORD.to_string(),
        PASSWORD_IN_URL.to_string(),
        serde_json::to_string(PASSWORD).unwrap(),
        basic(),
        basic().trim_end_matches('=').to_string(),
        base64(PASSWORD.as_bytes()),
    ];
    forms.extend(secrets.iter().map(|s| s.to_string()));
    forms
}

/// A server that answers 400 to everything, echoing every header it got (credentials first, so
/// that they fall within what a message quotes) and, when it was sent the URL's password, the
/// password in every other encoding: the worst a misconfigured proxy or debugging endpoint does.
fn echoing_server(knows_the_password: bool) -> HttpStub {
    HttpStub::start(move |req: &Recorded| {
        let mut body = String::from("you sent: ");
        if knows_the_password {
            body.push_str(&format!(
                "{{\"password\":{},\"in_url\":\"{PASSWORD_IN_URL}\",\"b64\":\"{}\",\
                 \"bare\":\"{}\",\"pw64\":\"{}\",\"raw\":\"{PASSWORD}\"}}\n",
                serde_json::to_string(PASSWORD).unwrap(),
                basic(),
                basic().trim_end_matches('='),
                base64(PASSWORD.as_bytes()),
            ));
        }
        let secret_first = |(name, _): &&(String, String)| {
            !matches!(
                name.as_str(),
                "authorization" | "x-api-token" | "auth-token"
            )
        };
        let mut headers: Vec<&(String, String)> = req.headers.iter().collect();
        headers.sort_by_key(secret_first);
        for (name, value) in headers {
            body.push_str(&format!("{name}: {value}\n"));
        }
        Reply::text(body).with_status(400)
    })
}

fn run(sandbox: &Sandbox, cmd: Command) -> Finished {
    Running::spawn(cmd, &sandbox.dir.path().join("logs")).wait(PATIENCE + Duration::from_secs(10))
}

/// `user:password@` in `api_endpoint`, `electricitymaps_url` and `prometheus_url` becomes Basic
/// auth; a server that echoes the request (and the credentials in other encodings) in its error
/// body gets none of them, nor the keys, into stderr or any file.
#[test]
fn echoed_credentials_never_reach_stderr_or_files_in_any_encoding() {
    let api = echoing_server(true);
    let electricity_maps = echoing_server(true);
    let pushgateway = echoing_server(true);
    // Comet gets its key alone: `COMET_URL_OVERRIDE` keeps only scheme, host and port.
    let comet_server = echoing_server(false);
    let with_credentials = |server: &HttpStub, path: &str| {
        server
            .url()
            .replace("http://", &format!("http://{USER}:{PASSWORD_IN_URL}@"))
            + path
    };
    let sandbox = Sandbox::new();
    let mut cmd = monitor_in_france(
        &sandbox,
        &[
            "--output-methods",
            "csv,api,prometheus,comet",
            "--prometheus-url",
            &with_credentials(&pushgateway, ""),
            "--",
            "sleep",
            "3",
        ],
    );
    cmd.env("CODECARBON_API_ENDPOINT", with_credentials(&api, ""))
        .env("CODECARBON_API_KEY", API_KEY)
        .env("CODECARBON_ELECTRICITYMAPS_API_TOKEN", EM_TOKEN)
        .env(
            "CODECARBON_ELECTRICITYMAPS_URL",
            with_credentials(&electricity_maps, "/v3"),
        )
        .env("COMET_API_KEY", COMET_KEY)
        .env("COMET_WORKSPACE", "e2e-team")
        .env("COMET_URL_OVERRIDE", comet_server.url());
    let done = run(&sandbox, cmd);
    // The command succeeded, but the failing outputs did not take the row: 74 (docs/cli.md).
    assert_eq!(done.status.code(), Some(74), "{}", done.stderr);

    // The credentials went where they belong, as Basic auth and headers...
    let sent = format!("Basic {}", basic());
    for (name, server) in [
        ("api", &api),
        ("electricitymaps", &electricity_maps),
        ("prometheus", &pushgateway),
    ] {
        let asked = server.requests();
        assert!(!asked.is_empty(), "{name} was never asked");
        assert!(
            asked
                .iter()
                .all(|r| r.header("authorization") == Some(sent.as_str())),
            "{name}: {asked:?}"
        );
    }
    assert_eq!(api.requests()[0].header("x-api-token"), Some(API_KEY));
    assert_eq!(
        electricity_maps.requests()[0].header("auth-token"),
        Some(EM_TOKEN)
    );
    assert_eq!(
        comet_server.requests()[0].header("authorization"),
        Some(COMET_KEY)
    );

    // ...each server's echo was reported...
    for said in ["api", "prometheus", "comet", "Electricity Maps"] {
        assert!(
            done.stderr.contains(said) && done.stderr.contains("you sent"),
            "no error quoting {said}: {}",
            done.stderr
        );
    }
    // ...and no form of any credential was shown or written.
    let forms = every_form(&[API_KEY, EM_TOKEN, COMET_KEY]);
    let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
    assert_no_secrets(&forms, &done, &sandbox.dir.path().join("work"));
    assert!(done.stderr.contains("<hidden>"), "{}", done.stderr);
}

/// A server answering escape sequences (retitle, clear screen, carriage return) gets them to
/// the terminal only as visible escapes, from every output and service that quotes an answer.
#[test]
fn escape_sequences_in_answers_reach_the_terminal_escaped() {
    let hostile = |who: &'static str| {
        HttpStub::start(move |_req: &Recorded| {
            Reply::text(format!("{who} says {ESCAPES}")).with_status(400)
        })
    };
    let api = hostile("api-server");
    let electricity_maps = hostile("em-server");
    let pushgateway = hostile("pushgateway-server");
    let comet_server = hostile("comet-server");
    let sandbox = Sandbox::new();
    let mut cmd = monitor_in_france(
        &sandbox,
        &[
            "--output-methods",
            "csv,api,prometheus,comet",
            "--prometheus-url",
            pushgateway.url(),
            "--",
            "sleep",
            "3",
        ],
    );
    cmd.env("CODECARBON_API_ENDPOINT", api.url())
        .env("CODECARBON_ELECTRICITYMAPS_API_TOKEN", EM_TOKEN)
        .env(
            "CODECARBON_ELECTRICITYMAPS_URL",
            format!("{}/v3", electricity_maps.url()),
        )
        .env("COMET_API_KEY", COMET_KEY)
        .env("COMET_WORKSPACE", "e2e-team")
        .env("COMET_URL_OVERRIDE", comet_server.url());
    let done = run(&sandbox, cmd);
    // The command succeeded, but the failing outputs did not take the row: 74 (docs/cli.md).
    assert_eq!(done.status.code(), Some(74), "{}", done.stderr);

    for control in ['\x1b', '\x07', '\r'] {
        assert!(
            !done.stderr.contains(control) && !done.stdout.contains(control),
            "{control:?} reached the terminal: {:?}",
            done.stderr
        );
    }
    for who in [
        "api-server",
        "em-server",
        "pushgateway-server",
        "comet-server",
    ] {
        let shown = format!("{who} says {ESCAPED}");
        assert!(
            done.stderr.contains(&shown),
            "`{shown}` not in stderr: {}",
            done.stderr
        );
    }
}

/// Offline means no network for every output: each output that sends records over the network
/// is refused at the start (exit 2, nothing measured, nothing sent), in the same words as `api`.
#[test]
fn offline_refuses_every_output_that_needs_the_network() {
    let anything = HttpStub::start(|_req: &Recorded| Reply::json("{}"));
    let comet_server = comet::stand_in(Duration::ZERO);
    for output in ["api", "http", "comet", "otlp", "prometheus"] {
        let sandbox = Sandbox::new();
        let mut cmd = sandbox.command(&[
            "monitor",
            "--offline",
            "--country-iso-code",
            "FRA",
            "--output-methods",
            &format!("csv,{output}"),
            "--prometheus-url",
            anything.url(),
            "--",
            "true",
        ]);
        hermetic(&mut cmd)
            .env("CODECARBON_API_ENDPOINT", anything.url())
            .env("CODECARBON_EMISSIONS_ENDPOINT", anything.url())
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", anything.url())
            .env("COMET_API_KEY", COMET_KEY)
            .env("COMET_WORKSPACE", "e2e-team")
            .env("COMET_URL_OVERRIDE", comet_server.url());
        let done = run(&sandbox, cmd);
        assert_eq!(done.status.code(), Some(2), "{output}: {}", done.stderr);
        let refusal =
            format!("`offline` is set: the {output} output sends records over the network");
        assert!(
            done.stderr.contains(&refusal),
            "{output}: `{refusal}` not in {}",
            done.stderr
        );
        assert!(
            !sandbox.work().join("emissions.csv").exists(),
            "{output}: a refused start measured nothing"
        );
    }
    assert!(anything.requests().is_empty(), "{:?}", anything.requests());
    assert!(
        comet_server.requests().is_empty(),
        "{:?}",
        comet_server.requests()
    );
}

/// `/metrics` only listens on a local address: `--prometheus-listen` alone works offline, and a
/// `save_to_*` switch asking for a network output offline leaves it out with a warning.
#[test]
fn offline_keeps_the_local_metrics_endpoint_and_leaves_out_switched_on_network_outputs() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&[
        "monitor",
        "--offline",
        "--country-iso-code",
        "FRA",
        "--prometheus-listen",
        "127.0.0.1:0",
        "--",
        "true",
    ]);
    hermetic(&mut cmd)
        .env("CODECARBON_SAVE_TO_API", "true")
        .env("CODECARBON_SAVE_TO_PROMETHEUS", "true");
    let done = run(&sandbox, cmd);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert!(
        sandbox.work().join("emissions.csv").exists(),
        "{}",
        done.stderr
    );
    assert!(
        done.stderr
            .contains("`save_to_api` asks for the `api` output, which cannot work here"),
        "{}",
        done.stderr
    );
    assert!(!done.stderr.contains("error"), "{}", done.stderr);

    // Without `prometheus_listen`, `save_to_prometheus` would push: left out offline.
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.command(&[
        "monitor",
        "--offline",
        "--country-iso-code",
        "FRA",
        "--",
        "true",
    ]);
    hermetic(&mut cmd).env("CODECARBON_SAVE_TO_PROMETHEUS", "true");
    let done = run(&sandbox, cmd);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    assert!(
        done.stderr.contains(
            "`save_to_prometheus` asks for the `prometheus` output, which cannot work here"
        ),
        "{}",
        done.stderr
    );
    assert!(!done.stderr.contains("error"), "{}", done.stderr);
}

/// The error for a cloud provider without data lists every provider that works.
#[test]
fn an_unknown_cloud_provider_lists_aws_azure_and_gcp() {
    let sandbox = Sandbox::new();
    let commands: [&[&str]; 2] = [
        &[
            "monitor",
            "--offline",
            "--cloud-provider",
            "ovh",
            "--cloud-region",
            "gra",
            "--",
            "true",
        ],
        &[
            "intensity",
            "--cloud-provider",
            "ovh",
            "--cloud-region",
            "gra",
        ],
    ];
    for args in commands {
        let out = sandbox.run(args);
        let stderr = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("known providers: aws, azure, gcp"),
            "{args:?}: {stderr}"
        );
    }
}

/// The "what is my IP" and geolocation services answer something else than what was asked,
/// echoing the URL's token at bytes 50 to 62, where answers were once cut (byte 60) before the
/// token could be hidden: no part of the token reaches stderr or a file.
#[test]
fn a_token_echoed_by_the_location_services_shows_not_even_in_part() {
    use mmdb_writer::ipnet::IpNet;
    const TOKEN: &str = "tok-S3CRET-99";
    let echo = HttpStub::start(|req: &Recorded| {
        Reply::text(format!("{:<44}{}", "<p>captive portal", req.query))
    });
    let sandbox = Sandbox::new();
    let mut writer = mmdb_writer::Writer::new("DBIP-Country-Lite");
    let network = "198.51.100.0/24".parse::<IpNet>().unwrap();
    let country = serde_json::json!({ "country_code": "CA" });
    writer.insert(network, &country).unwrap();
    let db = sandbox.dir.path().join("dbip-country.mmdb");
    std::fs::write(&db, writer.to_bytes().unwrap()).unwrap();
    let url = |path: &str| format!("{}{path}?token={TOKEN}", echo.url());
    let dead = codecarbon_testkit::dead_url();
    let mut cmd = sandbox.command(&[
        "monitor",
        "--geoip-db",
        db.to_str().unwrap(),
        "--public-ip-url",
        &url("/ip"),
        "--geolocation-url",
        &url("/geo"),
        "--geolocation-backup-url",
        &url("/json"),
        "--cloud-metadata-url",
        &dead,
        "--",
        "true",
    ]);
    hermetic(&mut cmd);
    let done = run(&sandbox, cmd);
    assert_eq!(done.status.code(), Some(0), "{}", done.stderr);
    for path in ["/ip", "/geo", "/json"] {
        assert_eq!(echo.requests_to(path).len(), 1, "{path} was not asked");
    }
    assert!(
        done.stderr.contains("not an IP address") && done.stderr.contains("not JSON"),
        "{}",
        done.stderr
    );
    assert_eq!(
        done.stderr.matches("token=<hidden>").count(),
        3,
        "{}",
        done.stderr
    );
    let parts: Vec<&str> = (0..=TOKEN.len() - 5).map(|at| &TOKEN[at..at + 5]).collect();
    assert_no_secrets(&parts, &done, &sandbox.dir.path().join("work"));
}
