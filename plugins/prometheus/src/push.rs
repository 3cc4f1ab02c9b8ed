//! The Pushgateway client: `PUT` (replace the group, as Python's `push_to_gateway` does) and
//! `DELETE` (as its `delete_from_gateway`) on `{url}/metrics/job/{job}/instance/{instance}`.

use crate::error::PrometheusError;
use crate::exposition::CONTENT_TYPE;
use crate::grouping::group_path;
use crate::settings::{BasicAuth, PrometheusSettings};
use codecarbon_core::body::{read_bounded, EXCERPT_BYTES};
use codecarbon_core::{percent_decode, redact_url, Credentials};
use reqwest::{Method, Url};

/// One machine's group of a job on one Pushgateway.
pub(crate) struct Pushgateway {
    client: reqwest::Client,
    /// `{base}/metrics/job/{job}/instance/{instance}`, without user information: pushes and
    /// the deletion at stop go to this one group, and leave the other machines' alone.
    endpoint: Url,
    auth: Option<BasicAuth>,
    /// What the requests carry (the URL's `user:password`, the Basic auth), hidden from
    /// whatever the Pushgateway answers.
    credentials: Credentials,
}

impl Pushgateway {
    /// Checks the URL and sets up the client (with the settings' timeouts).
    pub(crate) fn new(raw: &str, settings: &PrometheusSettings) -> Result<Self, PrometheusError> {
        let (endpoint, url_auth) = endpoint(raw, &group_path(&settings.job, &settings.instance))?;
        codecarbon_core::tls::use_ring_unless_chosen();
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .build()
            .map_err(|e| PrometheusError::Client(chain(&e.without_url())))?;
        let auth = settings.auth.clone().or(url_auth);
        let credentials = match &auth {
            Some(auth) => Credentials::none()
                .with_url(raw)
                .with_basic_auth(&auth.username, Some(auth.password().expose())),
            None => Credentials::none().with_url(raw),
        };
        Ok(Self {
            client,
            endpoint,
            auth,
            credentials,
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
        let mut response = request
            .send()
            .await
            .map_err(|e| PrometheusError::Unreachable {
                method: verb,
                url: self.url().to_string(),
                reason: self.credentials.quote(&reason(&e)),
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Only the start is read: a Pushgateway (or what answers in its place) may send
        // without end.
        let start = read_bounded(&mut response, EXCERPT_BYTES, |r| Box::pin(r.chunk()))
            .await
            .unwrap_or_default();
        let quoted = self.credentials.quote_body(&start);
        Err(PrometheusError::Status {
            method: verb,
            url: self.url().to_string(),
            status: status.as_u16(),
            detail: if quoted.is_empty() {
                String::new()
            } else {
                format!(": {quoted}")
            },
        })
    }
}

/// `{base}/metrics/{group}` and the user information of `raw`, if any.
fn endpoint(raw: &str, group: &str) -> Result<(Url, Option<BasicAuth>), PrometheusError> {
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
    let path = format!("{}/metrics/{group}", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok((url, auth))
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
    fn the_endpoint_is_the_group_under_the_base_url() {
        let (url, auth) = endpoint("localhost:9091", "job/p_base").unwrap();
        assert_eq!(url.as_str(), "http://localhost:9091/metrics/job/p_base");
        assert!(auth.is_none());
        let (url, _) = endpoint("https://gw.example/prom/", "job/j").unwrap();
        assert_eq!(url.as_str(), "https://gw.example/prom/metrics/job/j");
    }

    #[test]
    fn the_client_pushes_to_its_machines_group_of_the_job() {
        let settings = PrometheusSettings {
            job: "proj_base".into(),
            instance: "rack/7".into(),
            ..PrometheusSettings::default()
        };
        let gateway = Pushgateway::new("http://bob:pw-9@gw:9091/?t=1", &settings).unwrap();
        assert_eq!(
            gateway.url(),
            "http://gw:9091/metrics/job/proj_base/instance@base64/cmFjay83"
        );
        let node = PrometheusSettings {
            instance: "node-3".into(),
            ..settings
        };
        let gateway = Pushgateway::new("gw:9091", &node).unwrap();
        assert_eq!(
            gateway.url(),
            "http://gw:9091/metrics/job/proj_base/instance/node-3"
        );
    }

    #[test]
    fn user_information_becomes_basic_auth_and_leaves_the_url() {
        let (url, auth) = endpoint("http://al%20ice:p%40ss@gw:9091", "job/j").unwrap();
        assert_eq!(url.as_str(), "http://gw:9091/metrics/job/j");
        assert_eq!(auth, Some(BasicAuth::new("al ice", "p@ss")));
    }

    #[test]
    fn a_bad_url_is_named_without_its_password() {
        let err = endpoint("ftp://bob:hunter2@gw", "job/j").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("not http or https"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let err = endpoint("http://bob:hunter2@[::1", "job/j").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[test]
    fn echoed_credentials_are_hidden_in_every_form() {
        let settings = PrometheusSettings {
            auth: Some(BasicAuth::new("user", "s3cret-pw-42")),
            ..PrometheusSettings::default()
        };
        let gateway = Pushgateway::new("http://gw:9091", &settings).unwrap();
        // base64("user:s3cret-pw-42")
        let b64 = "dXNlcjpzM2NyZXQtcHctNDI=";
        for echoed in [
            format!("bad push from Basic {b64}"),
            format!("auth={b64};"),
            format!("auth={}", b64.trim_end_matches('=')),
            "pw s3cret-pw-42, s3cret%2Dpw%2D42".to_string(),
        ] {
            let text = gateway.credentials.quote(&echoed);
            assert!(!text.contains("s3cret"), "{text}");
            assert!(!text.contains("dXNlcjpzM2NyZXQtcHctNDI"), "{text}");
            assert!(text.contains("<hidden>"), "{text}");
        }
        let from_url = Pushgateway::new(
            "http://al%20ice:p%40ss-w0rd@gw:9091",
            &PrometheusSettings::default(),
        )
        .unwrap();
        // base64("al ice:p@ss-w0rd"), as reqwest sends it.
        assert_eq!(
            from_url
                .credentials
                .quote("YWwgaWNlOnBAc3MtdzByZA== p@ss-w0rd p%40ss-w0rd \x1b[2J"),
            "<hidden> <hidden> <hidden> \\x1b[2J"
        );
    }
}
