//! Whether the `api` output's settings work, before a run depends on them: `codecarbon
//! test-api`.
//!
//! CodeCarbon's `test-api` lists the organisations (`GET {api}/organizations`) with the access
//! token of `codecarbon login`. The `api` output uses none of that: it sends `api_key` in
//! `x-api-token` to file runs under `experiment_id`. So the check here is an authenticated
//! `GET {api_endpoint}/experiments/{experiment_id}` with that header, which tells apart a server
//! that cannot be reached, a key it refuses and an experiment it does not know.

use crate::api_sink::API_TOKEN_HEADER;
use crate::client::{self, describe, redirect_target};
use crate::error::HttpSinkError;
use crate::settings::{ApiSettings, API_ENDPOINT, API_KEY, DEFAULT_API_ENDPOINT};
use codecarbon_core::body::{read_bounded, ANSWER_BYTES, EXCERPT_BYTES};
use codecarbon_core::config::key;
use codecarbon_core::settings::Settings;
use codecarbon_core::{redact_url, Config, Credentials, Secret};
use reqwest::{StatusCode, Url};
use thiserror::Error;

/// What the API answered about the experiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCheck {
    /// The URL asked, credentials hidden.
    pub url: String,
    /// The experiment's name in the answer, quoted (credentials hidden, escapes visible), when
    /// it has one.
    pub experiment_name: Option<String>,
    /// Whether a key was sent: without one, the API answered a request anyone can make.
    pub authenticated: bool,
}

/// Why the settings do not work, in words that name the setting to fix. No message holds the
/// key, a password or a query string.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ApiCheckError {
    /// A setting cannot work (`api_endpoint` is not a URL, `experiment_id` is empty).
    #[error(transparent)]
    Setting(#[from] HttpSinkError),
    /// No answer: refused, timed out, a name that does not resolve.
    #[error("GET {url}: {message}; check `{API_ENDPOINT}` and that the server is up")]
    Unreachable {
        /// The URL, credentials hidden.
        url: String,
        /// What failed.
        message: String,
    },
    /// The server answered with a status other than success.
    #[error("GET {url} answered HTTP {status}{detail}; {hint}")]
    Status {
        /// The URL, credentials hidden.
        url: String,
        /// The HTTP status.
        status: u16,
        /// `: <start of the answer>`, or empty.
        detail: String,
        /// What to check.
        hint: String,
    },
    /// A redirect, not followed so that the key never goes to another address.
    #[error(
        "GET {url} answered HTTP {status}, a redirect to {target}: redirects are not followed, \
         so the key never goes to another address; set `{API_ENDPOINT}` to the final URL"
    )]
    Redirect {
        /// The URL asked, credentials hidden.
        url: String,
        /// The HTTP status (3xx).
        status: u16,
        /// Where it points, credentials and query hidden.
        target: String,
    },
}

impl ApiCheckError {
    /// Whether the settings themselves are wrong (rather than the server or the key).
    pub fn is_setting(&self) -> bool {
        matches!(self, ApiCheckError::Setting(_))
    }
}

/// Asks the API at `api_endpoint` for the experiment `experiment_id`, with `api_key` in
/// `x-api-token` when set. Redirects are not followed; what the server answers reaches a
/// message only quoted, with the key and the URL's credentials hidden.
pub async fn check_api(config: &Config) -> Result<ApiCheck, ApiCheckError> {
    let settings = ApiSettings::from_config(config).map_err(HttpSinkError::from)?;
    let endpoint = settings.endpoint();
    let api_key = settings.api_key.as_ref().filter(|k| !k.is_empty());
    let url = experiment_url(endpoint, &config.experiment_id)?;
    let credentials = match api_key {
        Some(key) => Credentials::none().with_url(endpoint).with_secret(key),
        None => Credentials::none().with_url(endpoint),
    };
    let shown = redact_url(url.as_str());
    let client = client::client().map_err(|e| HttpSinkError::Client(describe(&e)))?;
    let mut request = client.get(url.clone());
    if let Some(key) = api_key {
        request = request.header(API_TOKEN_HEADER, Secret::expose(key));
    }
    let mut answer = request
        .send()
        .await
        .map_err(|e| ApiCheckError::Unreachable {
            url: shown.clone(),
            message: credentials.quote(&describe(&e)),
        })?;
    let status = answer.status();
    if status.is_redirection() {
        return Err(ApiCheckError::Redirect {
            url: shown,
            status: status.as_u16(),
            target: redirect_target(&url, &answer, &credentials),
        });
    }
    if !status.is_success() {
        let start = read_bounded(&mut answer, EXCERPT_BYTES, |a| Box::pin(a.chunk()))
            .await
            .unwrap_or_default();
        let quoted = credentials.quote_body(&start);
        return Err(ApiCheckError::Status {
            url: shown,
            status: status.as_u16(),
            detail: if quoted.is_empty() {
                String::new()
            } else {
                format!(": {quoted}")
            },
            hint: hint(status, api_key.is_some()),
        });
    }
    let body = read_bounded(&mut answer, ANSWER_BYTES, |a| Box::pin(a.chunk()))
        .await
        .ok()
        .and_then(|b| b.whole().ok())
        .unwrap_or_default();
    Ok(ApiCheck {
        url: shown,
        experiment_name: experiment_name(&body).map(|name| credentials.quote(&name)),
        authenticated: api_key.is_some(),
    })
}

/// `{endpoint}/experiments/{experiment_id}`, the id as one path segment.
fn experiment_url(endpoint: &str, experiment_id: &str) -> Result<Url, HttpSinkError> {
    let id = experiment_id.trim();
    if id.is_empty() {
        return Err(HttpSinkError::Config {
            key: key::experiment_id,
            message: "empty; set it to the id of an experiment of your CodeCarbon project".into(),
        });
    }
    let bad = |message: String| HttpSinkError::Config {
        key: API_ENDPOINT,
        message: format!("not a usable URL ({message}); leave it unset for {DEFAULT_API_ENDPOINT}"),
    };
    let mut url = client::parse_endpoint(endpoint).map_err(bad)?;
    url.path_segments_mut()
        .map_err(|()| bad("it cannot have a path".into()))?
        .pop_if_empty()
        .extend(["experiments", id]);
    Ok(url)
}

/// The `name` of the experiment in the API's answer, if it has one.
fn experiment_name(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    Some(value.get("name")?.as_str()?.to_string()).filter(|n| !n.is_empty())
}

fn hint(status: StatusCode, authenticated: bool) -> String {
    match status.as_u16() {
        401 | 403 if authenticated => format!(
            "the API refuses the key: check `{API_KEY}` (a project token from the dashboard, \
             or CodeCarbon's `codecarbon config`)"
        ),
        401 | 403 => format!(
            "no `{API_KEY}` is set: set it (better in CODECARBON_API_KEY) to a project token"
        ),
        404 => format!(
            "check `{}` (the API knows no such experiment) and `{API_ENDPOINT}`",
            key::experiment_id
        ),
        _ => format!("check `{API_ENDPOINT}`"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_experiment_is_one_path_segment_under_the_endpoint() {
        let url = experiment_url("https://api.example/v1/", " exp/1 ?x ").unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.example/v1/experiments/exp%2F1%20%3Fx"
        );
        let url = experiment_url("http://127.0.0.1:8/api", "5b0fa12a").unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8/api/experiments/5b0fa12a");
        assert!(experiment_url("ftp://h", "e").is_err());
        assert!(experiment_url("http://h", " ").is_err());
    }

    #[test]
    fn the_name_is_read_when_there_is_one() {
        assert_eq!(
            experiment_name(br#"{"id":"e","name":"training"}"#).as_deref(),
            Some("training")
        );
        assert_eq!(experiment_name(br#"{"id":"e"}"#), None);
        assert_eq!(experiment_name(b"<html>"), None);
    }
}
