//! The sink: collect the run's totals and push them over OTLP/HTTP at each call.

use crate::client::NoRedirectClient;
use crate::error::OtlpError;
use crate::instruments::RunMetrics;
use crate::settings::OtlpSettings;
use codecarbon_core::{
    async_trait, redact_url, Credentials, EmissionsData, Report, Secret, Sink, SinkError,
};
use opentelemetry_otlp::{MetricExporter, Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::Temporality;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// How long to wait for a connection to the collector.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one export may take, retries included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Pushes the run's energy, emissions and power as OpenTelemetry metrics to an OTLP/HTTP
/// collector (protobuf), at every record, flush and stop.
///
/// The exporter uses the asynchronous reqwest client, so it runs on the caller's tokio runtime
/// (a current-thread one is enough) without blocking it or spawning threads. It follows no
/// redirect (the headers would go along to any host); a 3xx answer is an
/// [`OtlpError::Redirect`] naming where it points.
///
/// The engine may hand the same sink a second run (a tracker started again): a new `run_id`
/// gets new instruments, and `finish` leaves the exporter usable; it is shut down on drop.
///
/// ```no_run
/// use codecarbon_otlp::{OtlpSettings, OtlpSink};
///
/// let sink = OtlpSink::new(OtlpSettings::from_env())?;
/// println!("exporting to {}", sink.endpoint());
/// # Ok::<(), codecarbon_otlp::OtlpError>(())
/// ```
pub struct OtlpSink {
    settings: OtlpSettings,
    /// The endpoint's `user:password` and the header values, hidden from every message.
    credentials: Credentials,
    exporter: MetricExporter,
    client: NoRedirectClient,
    run: Option<RunMetrics>,
}

impl OtlpSink {
    /// Builds the exporter (no network I/O yet).
    pub fn new(settings: OtlpSettings) -> Result<Self, OtlpError> {
        let credentials = credentials(&settings);
        let client = NoRedirectClient::new().map_err(|e| OtlpError::Setup {
            endpoint: settings.shown_endpoint(),
            message: quote(
                &credentials,
                &format!("cannot build the HTTP client: {}", e.without_url()),
                &settings.endpoint,
            ),
        })?;
        let headers: HashMap<String, String> = settings.headers.iter().cloned().collect();
        let exporter = MetricExporter::builder()
            .with_http()
            .with_http_client(client.clone())
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(settings.endpoint.clone())
            .with_timeout(REQUEST_TIMEOUT)
            .with_headers(headers)
            .with_temporality(Temporality::Cumulative)
            .build()
            .map_err(|e| OtlpError::Setup {
                endpoint: settings.shown_endpoint(),
                message: quote(&credentials, &e.to_string(), &settings.endpoint),
            })?;
        Ok(Self {
            settings,
            credentials,
            exporter,
            client,
            run: None,
        })
    }

    /// The metrics URL, with any `user:password` hidden.
    pub fn endpoint(&self) -> String {
        self.settings.shown_endpoint()
    }

    /// Collects the totals and exports them once.
    pub async fn export(&mut self, data: &EmissionsData) -> Result<(), OtlpError> {
        if self.run.as_ref().is_none_or(|r| r.run_id() != data.run_id) {
            if let Some(old) = self.run.take() {
                old.shutdown();
            }
            self.run = Some(RunMetrics::new(data, &self.settings.resource));
        }
        let Some(run) = self.run.as_ref() else {
            return Err(OtlpError::Collect("no meter provider".into()));
        };
        let metrics = run
            .collect(data)
            .map_err(|e| OtlpError::Collect(e.to_string()))?;
        self.client.take_redirect();
        let result = self.exporter.export(&metrics).await;
        let redirect = self.client.take_redirect();
        result.map_err(|e| match redirect {
            Some(r) => OtlpError::Redirect {
                endpoint: self.settings.shown_endpoint(),
                status: r.status,
                target: self.credentials.quote(&r.target),
            },
            None => OtlpError::Export {
                endpoint: self.settings.shown_endpoint(),
                message: quote(&self.credentials, &e.to_string(), &self.settings.endpoint),
            },
        })
    }
}

/// What an export sends that a message must not show: the endpoint's `user:password` and
/// query, and every header value.
fn credentials(settings: &OtlpSettings) -> Credentials {
    settings.header_values().fold(
        Credentials::none().with_url(&settings.endpoint),
        |credentials, (value, encoded)| {
            if encoded {
                credentials.with_percent_encoded(value)
            } else {
                credentials.with_secret(&Secret::new(value))
            }
        },
    )
}

/// `message`, quoted, with the raw `endpoint` shown redacted: the exporter quotes the endpoint
/// as given in its errors (`invalid endpoint 'http://me:pw@...'`).
fn quote(credentials: &Credentials, message: &str, endpoint: &str) -> String {
    credentials.quote(&message.replace(endpoint, &redact_url(endpoint)))
}

impl Drop for OtlpSink {
    fn drop(&mut self) {
        if let Some(run) = self.run.take() {
            run.shutdown();
        }
        let _ = self.exporter.shutdown();
    }
}

impl fmt::Debug for OtlpSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpSink")
            .field("settings", &self.settings)
            .field("run_id", &self.run.as_ref().map(RunMetrics::run_id))
            .finish()
    }
}

#[async_trait]
impl Sink for OtlpSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.export(&report.data).await?)
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.export(&report.data).await?)
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        let result = self.export(&report.data).await;
        // The run's instruments end here; the exporter stays for a next run of the same
        // tracker, and is shut down on drop.
        if let Some(run) = self.run.take() {
            run.shutdown();
        }
        Ok(result?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn messages_hide_the_endpoints_password_and_every_header_value() {
        let settings = OtlpSettings::from_lookup(|name| match name {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => Some("http://me:pw-S3CRET-1@collector:4318".into()),
            "OTEL_EXPORTER_OTLP_HEADERS" => Some("authorization=Bearer%20env-T0KEN-22".into()),
            _ => None,
        })
        .with_header("x-api-key", "own-K3Y-333");
        let credentials = credentials(&settings);
        let shown = quote(
            &credentials,
            &format!(
                "invalid endpoint '{}': echo pw-S3CRET-1 bWU6cHctUzNDUkVULTE= env-T0KEN-22 \
                 Bearer%20env-T0KEN-22 own-K3Y-333 \x1b[2J",
                settings.endpoint
            ),
            &settings.endpoint,
        );
        for secret in ["S3CRET", "bWU6cHct", "T0KEN", "K3Y", "\x1b"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("'http://collector:4318/v1/metrics'"),
            "{shown}"
        );
    }
}
