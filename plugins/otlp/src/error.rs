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
    /// The collector answered with a redirect, which is not followed so that the headers
    /// (collector tokens) never go to another address.
    #[error("the collector at {endpoint} answered HTTP {status}, a redirect to {target}: redirects are not followed, so the OTLP headers never go to another address; set OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) to the final address")]
    Redirect {
        /// The endpoint, redacted.
        endpoint: String,
        /// The HTTP status (3xx).
        status: u16,
        /// Where the redirect points, redacted.
        target: String,
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
