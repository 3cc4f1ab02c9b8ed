//! Comet's REST API v2 over HTTP: the `Authorization` header, timeouts, bounded retries.

use crate::error::CometError;
use crate::multipart::Form;
use crate::settings::Limits;
use crate::ApiKey;
use codecarbon_core::body::{read_bounded, BoundedBody, ANSWER_BYTES, EXCERPT_BYTES};
use codecarbon_core::Credentials;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client, RequestBuilder, Response, StatusCode, Url};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The moment by which one sink call must be done: no request and no back-off runs past it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    /// `budget` from now.
    pub(crate) fn after(budget: Duration) -> Deadline {
        Deadline(Instant::now() + budget)
    }

    fn remaining(self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}

/// One Comet server, with the key and the limits.
pub(crate) struct CometClient {
    http: Client,
    base: Url,
    auth: HeaderValue,
    /// The key, hidden from whatever Comet answers.
    credentials: Credentials,
    limits: Limits,
}

/// What went wrong with one try, and whether another try may help.
enum Try {
    Retry(CometError),
    Fail(CometError),
}

impl CometClient {
    /// A client for the REST API at `base` (ending in `/api/rest/v2/`). Nothing is sent yet.
    pub(crate) fn new(base: Url, key: ApiKey, limits: Limits) -> Result<CometClient, CometError> {
        let mut auth = HeaderValue::from_str(key.expose()).map_err(|_| CometError::BadApiKey)?;
        auth.set_sensitive(true);
        let credentials = Credentials::none().with_secret(&key);
        codecarbon_core::tls::use_ring_unless_chosen();
        let http = Client::builder()
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.request_timeout)
            .user_agent(concat!("codecarbon-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CometError::Client(credentials.quote(&innermost(&e.without_url()))))?;
        Ok(CometClient {
            http,
            base,
            auth,
            credentials,
            limits,
        })
    }

    /// The server, as shown in messages: scheme, host and port.
    pub(crate) fn server(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// `POST endpoint` with a JSON body; the answer's body.
    pub(crate) async fn post_json(
        &self,
        deadline: Deadline,
        action: &'static str,
        endpoint: &str,
        body: &Value,
    ) -> Result<Vec<u8>, CometError> {
        let url = self.url(endpoint, &[], action)?;
        self.send(deadline, action, || self.http.post(url.clone()).json(body))
            .await
    }

    /// `POST endpoint?query` with a one-file multipart form; the answer's body.
    pub(crate) async fn post_form(
        &self,
        deadline: Deadline,
        action: &'static str,
        endpoint: &str,
        query: &[(&str, &str)],
        form: &Form,
    ) -> Result<Vec<u8>, CometError> {
        let url = self.url(endpoint, query, action)?;
        self.send(deadline, action, || {
            self.http
                .post(url.clone())
                .header(CONTENT_TYPE, form.content_type.as_str())
                .body(form.body.clone())
        })
        .await
    }

    fn url(
        &self,
        endpoint: &str,
        query: &[(&str, &str)],
        action: &'static str,
    ) -> Result<Url, CometError> {
        let mut url = self.base.join(endpoint).map_err(|e| CometError::Answer {
            action,
            detail: format!("bad endpoint `{endpoint}`: {e}"),
        })?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Sends until an answer that settles it, at most `attempts` times, never past `deadline`.
    async fn send(
        &self,
        deadline: Deadline,
        action: &'static str,
        request: impl Fn() -> RequestBuilder,
    ) -> Result<Vec<u8>, CometError> {
        let mut backoff = self.limits.first_backoff;
        let mut last = None;
        for attempt in 1..=self.limits.attempts.max(1) {
            let remaining = deadline.remaining();
            if remaining.is_zero() {
                break;
            }
            let timeout = remaining.min(self.limits.request_timeout);
            let sent = request()
                .header(AUTHORIZATION, self.auth.clone())
                .timeout(timeout)
                .send()
                .await;
            let error = match self.settle(sent, action, timeout).await {
                Ok(body) => return Ok(body),
                Err(Try::Fail(error)) => return Err(error),
                Err(Try::Retry(error)) => error,
            };
            last = Some(error);
            if attempt < self.limits.attempts {
                let pause = backoff.min(deadline.remaining());
                tokio::time::sleep(pause).await;
                backoff = backoff.saturating_mul(2);
            }
        }
        Err(last.unwrap_or_else(|| self.unreachable(action, "no time left for this call".into())))
    }

    async fn settle(
        &self,
        sent: Result<Response, reqwest::Error>,
        action: &'static str,
        timeout: Duration,
    ) -> Result<Vec<u8>, Try> {
        let mut response = sent.map_err(|e| Try::Retry(self.transport(e, action, timeout)))?;
        let status = response.status();
        // Only so much is read, however much the server sends: the start of an error to
        // quote, an answer no larger than Comet's ever are.
        let limit = match status.is_success() {
            true => ANSWER_BYTES,
            false => EXCERPT_BYTES,
        };
        let body = read_bounded(&mut response, limit, |r| Box::pin(r.chunk()))
            .await
            .map_err(|e| Try::Retry(self.transport(e, action, timeout)))?;
        if status.is_success() {
            return body.whole().map_err(|too_large| {
                Try::Fail(CometError::Answer {
                    action,
                    detail: too_large.to_string(),
                })
            });
        }
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return Err(Try::Fail(CometError::Rejected {
                status: status.as_u16(),
            }));
        }
        let error = CometError::Status {
            action,
            status: status.as_u16(),
            message: self.message(&body),
        };
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            Err(Try::Retry(error))
        } else {
            Err(Try::Fail(error))
        }
    }

    fn transport(
        &self,
        error: reqwest::Error,
        action: &'static str,
        timeout: Duration,
    ) -> CometError {
        let error = error.without_url();
        let detail = if error.is_timeout() {
            format!("no answer within {} ms", timeout.as_millis())
        } else {
            innermost(&error)
        };
        self.unreachable(action, detail)
    }

    fn unreachable(&self, action: &'static str, detail: String) -> CometError {
        CometError::Unreachable {
            server: self.server(),
            action,
            detail: self.credentials.quote(&detail),
        }
    }

    /// Comet's `msg` (or the body's start, as read), quoted: without the key in any encoding,
    /// escapes visible, shortened. A body the reader cut is no JSON, and is quoted as cut, so
    /// that a key cut in two at its end does not show in part.
    fn message(&self, body: &BoundedBody) -> String {
        let msg = serde_json::from_slice::<Value>(body.bytes())
            .ok()
            .and_then(|v| v.get("msg").and_then(Value::as_str).map(str::to_string));
        let quoted = match msg {
            Some(msg) => self.credentials.quote(&msg),
            None => self.credentials.quote_body(body),
        };
        if quoted.is_empty() {
            "no message".into()
        } else {
            quoted
        }
    }
}

/// The innermost cause of an error (`Connection refused (os error 111)`), which says more
/// than reqwest's outer "error sending request".
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut inner = error;
    while let Some(source) = inner.source() {
        inner = source;
    }
    inner.to_string()
}
