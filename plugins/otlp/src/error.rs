//! What can go wrong, in words that say how to fix it.

use codecarbon_core::SinkError;
use thiserror::Error;

/// Why the OTLP sink could not be built or could not export.
///
/// Messages name the endpoint with any `user:password` hidden, and never the headers.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OtlpError {
    /// The exporter could not be built (a malformed endpoint URL, say).
    #[error("cannot set up the OTLP exporter for {endpoint}: {message}; check OTEL_EXPORTER_OTLP_ENDPOINT (a base URL such as http://localhost:4318) or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (a full URL)")]
    Setup {
        /// The endpoint, redacted.
        endpoint: String,
        /// What failed.
        message: String,
    },
    /// Metrics were collected but the collector did not take them.
    #[error("cannot export metrics to {endpoint}: {message}; check that an OTLP/HTTP collector listens there (OTEL_EXPORTER_OTLP_ENDPOINT) and accepts the headers in OTEL_EXPORTER_OTLP_HEADERS")]
    Export {
        /// The endpoint, redacted.
        endpoint: String,
        /// What failed (network error, HTTP status).
        message: String,
    },
    /// The SDK could not collect the instruments.
    #[error("cannot collect the metrics: {0}")]
    Collect(String),
}

impl From<OtlpError> for SinkError {
    fn from(e: OtlpError) -> Self {
        SinkError::Other(format!("otlp: {e}"))
    }
}
