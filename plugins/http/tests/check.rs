//! `check_api` against a local stand-in for the CodeCarbon API.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_core::Config;
use codecarbon_http::{check_api, ApiCheckError};
use codecarbon_testkit::{dead_url, HttpStub, Recorded, Reply};

const KEY: &str = "cc-t0ken-secret-42";

fn config(endpoint: &str, key: Option<&str>, experiment: &str) -> Config {
    let mut config = Config::default();
    config.set("api_endpoint", endpoint, "test").unwrap();
    if let Some(key) = key {
        config.set("api_key", key, "test").unwrap();
    }
    config.set("experiment_id", experiment, "test").unwrap();
    config
}

/// The API: the experiment `exp-1` for the key, 401 for any other key, 404 for another id; the
/// answers echo the key they got, as a careless server might.
fn api() -> HttpStub {
    HttpStub::start(|r: &Recorded| {
        let key = r.header("x-api-token").unwrap_or_default().to_string();
        match (r.path.as_str(), key == KEY) {
            (_, false) => {
                Reply::json(format!(r#"{{"detail":"bad token {key}"}}"#)).with_status(401)
            }
            ("/api/experiments/exp-1", true) => {
                Reply::json(r#"{"id":"exp-1","name":"training runs","project_id":"p"}"#)
            }
            (_, true) => {
                Reply::json(format!(r#"{{"detail":"not found for {key}"}}"#)).with_status(404)
            }
        }
    })
}

#[tokio::test]
async fn a_known_experiment_with_the_right_key_checks_out() {
    let stub = api();
    let endpoint = format!("{}/api", stub.url());
    let check = check_api(&config(&endpoint, Some(KEY), "exp-1"))
        .await
        .unwrap();
    assert_eq!(check.experiment_name.as_deref(), Some("training runs"));
    assert!(check.authenticated);
    assert!(
        check.url.ends_with("/api/experiments/exp-1"),
        "{}",
        check.url
    );
    let asked = stub.requests();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].method, "GET");
    assert_eq!(asked[0].header("x-api-token"), Some(KEY));
}

#[tokio::test]
async fn a_refused_key_or_an_unknown_experiment_says_what_to_check_without_the_key() {
    let stub = api();
    let endpoint = format!("{}/api", stub.url());
    let err = check_api(&config(&endpoint, Some("wr0ng-key-7777"), "exp-1"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ApiCheckError::Status { status: 401, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("refuses the key") && text.contains("`api_key`"),
        "{text}"
    );
    assert!(!text.contains("wr0ng-key-7777"), "{text}");
    assert!(text.contains("<hidden>"), "{text}");

    let err = check_api(&config(&endpoint, None, "exp-1"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no `api_key` is set"), "{err}");

    let err = check_api(&config(&endpoint, Some(KEY), "exp-2"))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, ApiCheckError::Status { status: 404, .. }),
        "{text}"
    );
    assert!(text.contains("`experiment_id`"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}

#[tokio::test]
async fn an_unreachable_server_is_named_with_the_setting_to_check() {
    let err = check_api(&config(&dead_url(), Some(KEY), "exp-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiCheckError::Unreachable { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("cannot connect") && text.contains("`api_endpoint`"),
        "{text}"
    );
    assert!(!err.is_setting());
    let err = check_api(&config("ftp://nowhere", Some(KEY), "exp-1"))
        .await
        .unwrap_err();
    assert!(err.is_setting(), "{err:?}");
}
