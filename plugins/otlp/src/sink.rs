//! The sink: collect the run's totals and push them over OTLP/HTTP at each call.

use crate::error::OtlpError;
use crate::instruments::RunMetrics;
use crate::settings::OtlpSettings;
use codecarbon_core::{async_trait, EmissionsData, Report, Sink, SinkError};
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
/// (a current-thread one is enough) without blocking it or spawning threads.
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
    exporter: MetricExporter,
    run: Option<RunMetrics>,
}

impl OtlpSink {
    /// Builds the exporter (no network I/O yet).
    pub fn new(settings: OtlpSettings) -> Result<Self, OtlpError> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| OtlpError::Setup {
                endpoint: settings.shown_endpoint(),
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        let headers: HashMap<String, String> = settings.headers.iter().cloned().collect();
        let exporter = MetricExporter::builder()
            .with_http()
            .with_http_client(client)
            .with_protocol(Protocol::HttpBinary)
            .with_endpoint(settings.endpoint.clone())
            .with_timeout(REQUEST_TIMEOUT)
            .with_headers(headers)
            .with_temporality(Temporality::Cumulative)
            .build()
            .map_err(|e| OtlpError::Setup {
                endpoint: settings.shown_endpoint(),
                message: e.to_string(),
            })?;
        Ok(Self {
            settings,
            exporter,
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
            self.run = Some(RunMetrics::new(data));
        }
        let Some(run) = self.run.as_ref() else {
            return Err(OtlpError::Collect("no meter provider".into()));
        };
        let metrics = run
            .collect(data)
            .map_err(|e| OtlpError::Collect(e.to_string()))?;
        self.exporter
            .export(&metrics)
            .await
            .map_err(|e| OtlpError::Export {
                endpoint: self.settings.shown_endpoint(),
                message: e.to_string(),
            })
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
        if let Some(run) = self.run.take() {
            run.shutdown();
        }
        let _ = self.exporter.shutdown();
        Ok(result?)
    }
}
