//! The sink: each record as one `tracing` event carrying CodeCarbon's JSON.

use codecarbon_core::{async_trait, EmissionsData, Report, Sink, SinkError};

/// The `tracing` target of the events: filter on it (`RUST_LOG=codecarbon=info`).
pub const TARGET: &str = "codecarbon";

/// Logs each record, like CodeCarbon's `LoggerOutput`: one INFO event, target `codecarbon`,
/// whose field `emissions` is `json.dumps(asdict(total))`, the record's 38 fields as a JSON
/// object with the CSV's names and units, and whose field `event` says which call it was
/// (`record` every measure interval, `flush`, or `finish` at stop). Totals are cumulative.
///
/// Where the events go is the application's subscriber's business; [`crate::json_to_stderr`]
/// installs one that writes JSON lines to stderr.
///
/// ```
/// use codecarbon_core::{EmissionsData, Report, Sink};
/// use codecarbon_logger::LoggerSink;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let report = Report::new(EmissionsData::default(), Default::default());
/// LoggerSink.flush(&report).await.unwrap();
/// # });
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct LoggerSink;

impl LoggerSink {
    /// Emits one event for `data`; `event` names the call.
    pub fn log(&self, data: &EmissionsData, event: &'static str) -> Result<(), SinkError> {
        let json = serde_json::to_string(data)
            .map_err(|e| SinkError::Other(format!("logger: cannot encode the record: {e}")))?;
        tracing::info!(target: TARGET, event, emissions = %json);
        Ok(())
    }
}

#[async_trait]
impl Sink for LoggerSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, "record")
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, "flush")
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, "finish")
    }
}
