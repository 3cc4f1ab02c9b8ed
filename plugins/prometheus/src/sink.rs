//! The sink: pushes to a Pushgateway, serves `/metrics`, or both.

use crate::error::PrometheusError;
use crate::exporter::Exporter;
use crate::pull_metrics::{render_exporter, Ledger};
use crate::push::Pushgateway;
use crate::push_metrics::render_push;
use crate::settings::PrometheusSettings;
use codecarbon_core::{async_trait, EmissionsData, Report, Sink, SinkError};
use std::fmt;
use std::net::SocketAddr;

/// Sends each record to Prometheus.
///
/// - **Push** (CodeCarbon's `prometheus` output): on every record, flush and finish, `PUT`s
///   CodeCarbon's metrics to `{prometheus_url}/metrics/job/{project}_{experiment}`; at finish
///   it then deletes the group, as CodeCarbon does at exit (unless `delete_on_finish` is off).
/// - **Pull** (for `codecarbon monitor`): with `listen` set, serves `GET /metrics` on that
///   address from its own thread, with per-component counters of the latest record; the
///   server stops when the sink is dropped.
///
/// A failed push returns an error naming the URL (never its credentials) and the status; the
/// endpoint is updated first, so a dead Pushgateway does not leave it stale. A fault of the
/// endpoint's server (a panic in it, its end) is this output's error at the next record, after
/// the push: never an abort of the run.
///
/// The engine may hand the same sink a second run (a tracker started again): when the
/// record's `run_id` changes, the changes pushed and the endpoint's counters start again from
/// that run's zero.
pub struct PrometheusSink {
    push: Option<Pushgateway>,
    exporter: Option<Exporter>,
    ledger: Ledger,
    last_pushed: Option<EmissionsData>,
    /// The run `ledger` and `last_pushed` belong to.
    run_id: Option<String>,
    delete_on_finish: bool,
}

impl fmt::Debug for PrometheusSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrometheusSink")
            .field("push_url", &self.push_url())
            .field("listen", &self.listen_addr())
            .field("delete_on_finish", &self.delete_on_finish)
            .finish_non_exhaustive()
    }
}

impl PrometheusSink {
    /// Checks the settings, sets up the Pushgateway client and starts the endpoint.
    pub fn new(settings: PrometheusSettings) -> Result<Self, PrometheusError> {
        let push = settings
            .pushgateway
            .as_deref()
            .map(|url| Pushgateway::new(url, &settings))
            .transpose()?;
        let exporter = settings.listen.map(Exporter::start).transpose()?;
        Ok(Self {
            push,
            exporter,
            ledger: Ledger::default(),
            last_pushed: None,
            run_id: None,
            delete_on_finish: settings.delete_on_finish,
        })
    }

    /// Where `/metrics` is served (with the real port when asked for port 0).
    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.exporter.as_ref().map(Exporter::addr)
    }

    /// The Pushgateway group URL pushes go to, without credentials.
    pub fn push_url(&self) -> Option<&str> {
        self.push.as_ref().map(Pushgateway::url)
    }

    async fn publish(&mut self, data: &EmissionsData) -> Result<(), PrometheusError> {
        if self.run_id.as_deref() != Some(data.run_id.as_str()) {
            // A new run: its totals start from zero, so do the changes and the counters.
            self.ledger = Ledger::default();
            self.last_pushed = None;
            self.run_id = Some(data.run_id.clone());
        }
        // The endpoint's trouble is told after the push, which it must not cost.
        let endpoint = match &self.exporter {
            Some(exporter) => {
                self.ledger.update(data);
                exporter.publish(render_exporter(&self.ledger))
            }
            None => Ok(()),
        };
        if let Some(push) = &self.push {
            push.put(render_push(data, self.last_pushed.as_ref()))
                .await?;
            self.last_pushed = Some(data.clone());
        }
        endpoint
    }
}

#[async_trait]
impl Sink for PrometheusSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.publish(&report.data).await?)
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        Ok(self.publish(&report.data).await?)
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.publish(&report.data).await?;
        if let (true, Some(push)) = (self.delete_on_finish, &self.push) {
            push.delete().await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::exporter::tests::breaks_on_boom;
    use codecarbon_core::Provenance;
    use codecarbon_testkit::client::get;
    use codecarbon_testkit::{HttpStub, Reply};

    #[tokio::test]
    async fn a_fault_of_the_endpoint_is_told_after_the_push_which_it_does_not_cost() {
        let gateway = HttpStub::start(|_| Reply::status(200));
        let mut sink = PrometheusSink::new(PrometheusSettings {
            pushgateway: Some(gateway.url().to_string()),
            listen: None,
            ..PrometheusSettings::default()
        })
        .unwrap();
        let exporter =
            Exporter::start_with("127.0.0.1:0".parse().unwrap(), breaks_on_boom).unwrap();
        let addr = exporter.addr().to_string();
        sink.exporter = Some(exporter);
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);

        let report = Report {
            data: EmissionsData {
                run_id: "run-1".into(),
                ..EmissionsData::default()
            },
            provenance: Provenance::default(),
        };
        let err = sink.record(&report).await.unwrap_err().to_string();
        assert!(err.contains("the /metrics endpoint"), "{err}");
        let pushed = gateway.requests();
        assert_eq!(pushed.len(), 1, "{pushed:?}");
        assert_eq!(pushed[0].method, "PUT");
        let metrics = get(&addr, "/metrics").unwrap().body;
        assert!(
            metrics.contains("codecarbon_run_energy_joules_total"),
            "{metrics}"
        );
        // Told once: the next record is fine.
        sink.record(&report).await.unwrap();
        assert_eq!(gateway.requests().len(), 2);
    }
}
