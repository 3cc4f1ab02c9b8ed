//! The HTTP client the exporter sends with: reqwest, following no redirect, and remembering
//! where the last redirect pointed so the error can say it.
//!
//! reqwest follows redirects to any host and strips only `Authorization` and cookies on the
//! way, so the collector token in `OTEL_EXPORTER_OTLP_HEADERS` (often `x-api-key` or a vendor
//! header) would go to whatever host a redirect names. The exporter itself reports a 3xx only
//! as "status code: 307", hence the note kept here.

use crate::sink::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};
use codecarbon_core::{async_trait, redact_url};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use reqwest::header::LOCATION;
use reqwest::Url;
use std::sync::{Arc, Mutex, PoisonError};

/// A redirect answer the client did not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redirect {
    /// The HTTP status (3xx).
    pub status: u16,
    /// Where it pointed, resolved and redacted (no `user:password`, query or fragment).
    pub target: String,
}

/// reqwest with [`CONNECT_TIMEOUT`], [`REQUEST_TIMEOUT`] and no redirects, noting the last
/// redirect answer it got.
#[derive(Debug, Clone)]
pub(crate) struct NoRedirectClient {
    inner: reqwest::Client,
    last_redirect: Arc<Mutex<Option<Redirect>>>,
}

impl NoRedirectClient {
    /// The client, or reqwest's reason it could not be built (TLS set-up).
    pub(crate) fn new() -> Result<Self, reqwest::Error> {
        codecarbon_core::tls::use_ring_unless_chosen();
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()?;
        Ok(Self {
            inner,
            last_redirect: Arc::new(Mutex::new(None)),
        })
    }

    /// The redirect answered since the last call, if any (and forgets it).
    pub(crate) fn take_redirect(&self) -> Option<Redirect> {
        self.last_redirect
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

#[async_trait]
impl HttpClient for NoRedirectClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let asked = request.uri().to_string();
        let response = self.inner.send_bytes(request).await?;
        if response.status().is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok());
            let target = match location {
                None => "(no Location header)".to_string(),
                Some(location) => match Url::parse(&asked).and_then(|base| base.join(location)) {
                    Ok(url) => redact_url(url.as_str()),
                    Err(_) => redact_url(location),
                },
            };
            *self
                .last_redirect
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(Redirect {
                status: response.status().as_u16(),
                target,
            });
        }
        Ok(response)
    }
}
