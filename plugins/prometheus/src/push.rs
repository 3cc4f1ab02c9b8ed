//! The Pushgateway client: `PUT` (replace the group, as Python's `push_to_gateway` does) and
//! `DELETE` (as its `delete_from_gateway`) on `{url}/metrics/job/{job}`.

use crate::error::PrometheusError;
use crate::exposition::CONTENT_TYPE;
use crate::settings::{BasicAuth, PrometheusSettings};
use base64::prelude::{Engine, BASE64_STANDARD};
use codecarbon_core::{redact_url, Secret};
use reqwest::{Method, Url};

/// What stands in for a credential in a message (as [`Secret::scrub`] writes it).
const HIDDEN: &str = "<hidden>";

/// How much of an error answer goes into the message.
const DETAIL_CHARS: usize = 200;

/// One job's group on one Pushgateway.
pub(crate) struct Pushgateway {
    client: reqwest::Client,
    /// `{base}/metrics/job/{job}`, without user information.
    endpoint: Url,
    auth: Option<BasicAuth>,
}

impl Pushgateway {
    /// Checks the URL and sets up the client (with the settings' timeouts).
    pub(crate) fn new(raw: &str, settings: &PrometheusSettings) -> Result<Self, PrometheusError> {
        let (endpoint, url_auth) = endpoint(raw, &settings.job)?;
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .build()
            .map_err(|e| PrometheusError::Client(chain(&e.without_url())))?;
        Ok(Self {
            client,
            endpoint,
            auth: settings.auth.clone().or(url_auth),
        })
    }

    /// The grouping URL, without credentials.
    pub(crate) fn url(&self) -> &str {
        self.endpoint.as_str()
    }

    /// Replaces the group's metrics with `body` (text format).
    pub(crate) async fn put(&self, body: String) -> Result<(), PrometheusError> {
        self.send(Method::PUT, Some(body)).await
    }

    /// Deletes the group.
    pub(crate) async fn delete(&self) -> Result<(), PrometheusError> {
        self.send(Method::DELETE, None).await
    }

    async fn send(&self, method: Method, body: Option<String>) -> Result<(), PrometheusError> {
        let verb = if method == Method::PUT {
            "PUT"
        } else {
            "DELETE"
        };
        let mut request = self.client.request(method, self.endpoint.clone());
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
                .body(body);
        }
        if let Some(auth) = &self.auth {
            request = request.basic_auth(&auth.username, Some(auth.password().expose()));
        }
        let response = request
            .send()
            .await
            .map_err(|e| PrometheusError::Unreachable {
                method: verb,
                url: self.url().to_string(),
                reason: self.scrub(&reason(&e)),
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await.unwrap_or_default();
        let text: String = text.trim().chars().take(DETAIL_CHARS).collect();
        Err(PrometheusError::Status {
            method: verb,
            url: self.url().to_string(),
            status: status.as_u16(),
            detail: if text.is_empty() {
                String::new()
            } else {
                format!(": {}", self.scrub(&text))
            },
        })
    }

    /// `text` with the credentials hidden, should a server echo them: see [`scrub_auth`].
    fn scrub(&self, text: &str) -> String {
        scrub_auth(text, self.auth.as_ref())
    }
}

/// `text` with the password hidden, plainly and as the `Authorization: Basic <base64 of
/// user:password>` a server or proxy may echo: the encoded form (padded or not), then any
/// token after a `Basic ` whatever its encoding.
fn scrub_auth(text: &str, auth: Option<&BasicAuth>) -> String {
    let mut text = text.to_string();
    if let Some(auth) = auth {
        let encoded =
            BASE64_STANDARD.encode(format!("{}:{}", auth.username, auth.password().expose()));
        text = Secret::new(encoded.clone()).scrub(&text);
        text = Secret::new(encoded.trim_end_matches('=')).scrub(&text);
        text = auth.password().scrub(&text);
    }
    scrub_basic_tokens(&text)
}

/// Every `Basic <token>` (any case) with the token replaced by [`HIDDEN`].
fn scrub_basic_tokens(text: &str) -> String {
    const SCHEME: &str = "basic ";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(SCHEME) {
        let start = from + found + SCHEME.len();
        let token_len = text[start..]
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
            })
            .unwrap_or(text.len() - start);
        if token_len > 0 {
            out.push_str(&text[rest..start]);
            out.push_str(HIDDEN);
            rest = start + token_len;
        }
        from = start + token_len;
    }
    out.push_str(&text[rest..]);
    out
}

/// `{base}/metrics/job/{job}` and the user information of `raw`, if any.
fn endpoint(raw: &str, job: &str) -> Result<(Url, Option<BasicAuth>), PrometheusError> {
    let bad = |reason: String| PrometheusError::BadUrl {
        shown: redact_url(raw),
        reason,
    };
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_string()
    } else {
        format!("http://{raw}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(format!(
            "the scheme {:?} is not http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host".into()));
    }
    let auth = (!url.username().is_empty()).then(|| {
        BasicAuth::new(
            percent_decode(url.username()),
            percent_decode(url.password().unwrap_or_default()),
        )
    });
    // Neither can fail on an http(s) URL with a host.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    let path = format!("{}/metrics/job/{job}", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok((url, auth))
}

/// `%XX` escapes decoded (user information in a URL is percent-encoded).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Why a request failed, in words: the kind, then the causes (`connection refused`), without
/// the URL.
fn reason(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let causes = chain(e);
    if causes.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} ({causes})")
    }
}

/// The error's sources joined with `: ` (the top-level text names the URL; it is left out).
fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_endpoint_is_the_job_group_under_the_base_url() {
        let (url, auth) = endpoint("localhost:9091", "p_base").unwrap();
        assert_eq!(url.as_str(), "http://localhost:9091/metrics/job/p_base");
        assert!(auth.is_none());
        let (url, _) = endpoint("https://gw.example/prom/", "j").unwrap();
        assert_eq!(url.as_str(), "https://gw.example/prom/metrics/job/j");
    }

    #[test]
    fn user_information_becomes_basic_auth_and_leaves_the_url() {
        let (url, auth) = endpoint("http://al%20ice:p%40ss@gw:9091", "j").unwrap();
        assert_eq!(url.as_str(), "http://gw:9091/metrics/job/j");
        assert_eq!(auth, Some(BasicAuth::new("al ice", "p@ss")));
    }

    #[test]
    fn a_bad_url_is_named_without_its_password() {
        let err = endpoint("ftp://bob:hunter2@gw", "j").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("not http or https"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let err = endpoint("http://bob:hunter2@[::1", "j").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn echoed_credentials_are_hidden_in_every_form() {
        let auth = BasicAuth::new("user", "s3cret-pw-42");
        // base64("user:s3cret-pw-42")
        let b64 = "dXNlcjpzM2NyZXQtcHctNDI=";
        for echoed in [
            format!("bad push from Basic {b64}"),
            format!("auth={b64};"),
            format!("auth={}", b64.trim_end_matches('=')),
            "header: basic dXNlcjpzM2NyZXQtcHctNDI_other".to_string(),
            "pw s3cret-pw-42".to_string(),
        ] {
            let text = scrub_auth(&echoed, Some(&auth));
            assert!(!text.contains("s3cret-pw-42"), "{text}");
            assert!(!text.contains("dXNlcjpzM2NyZXQtcHctNDI"), "{text}");
            assert!(text.contains(HIDDEN), "{text}");
        }
        assert_eq!(
            scrub_auth("from Basic abc== and BASIC xyz, basic", None),
            "from Basic <hidden> and BASIC <hidden>, basic"
        );
        assert_eq!(scrub_auth("nothing here", Some(&auth)), "nothing here");
    }

    #[test]
    fn percent_decoding_keeps_malformed_escapes() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }
}
