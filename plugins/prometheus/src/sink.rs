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

/// Where the sink's warnings go: standard error, or a test's list.
type Warn = Box<dyn Fn(&str) + Send>;

/// Sends each record to Prometheus.
///
/// - **Push** (CodeCarbon's `prometheus` output): on every record, flush and finish, `PUT`s
///   CodeCarbon's metrics to `{prometheus_url}/metrics/job/{project}_{experiment}/instance/
///   {instance}`, this machine's group of the job; at finish it then deletes that group, as
///   CodeCarbon does at exit (unless `delete_on_finish` is off), even when that last `PUT`
///   failed: a group left behind would look like a live run. The other machines' groups of
///   the job stay.
/// - **Pull** (for `codecarbon monitor`): with `listen` set, serves `GET /metrics` on that
///   address from its own thread, with per-component counters of the latest record; the
///   server stops when the sink is dropped.
///
/// A failed push returns an error naming the URL (never its credentials) and the status; the
/// endpoint is updated first, so a dead Pushgateway does not leave it stale. A fault of the
/// endpoint's server (a panic in it, connections it cannot accept, its end) is a warning on
/// standard error at the next record, each told once: never this output's error. The endpoint
/// is not a row to save, so its trouble must not mark the row "not saved", nor turn a
/// successful command's exit code into a failure, when the push (if any) went through.
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
    warn: Warn,
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
            warn: Box::new(crate::warn),
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
        if let Some(exporter) = &mut self.exporter {
            self.ledger.update(data);
            if let Some(trouble) = exporter.publish(render_exporter(&self.ledger)) {
                (self.warn)(&trouble.to_string());
            }
        }
        if let Some(push) = &self.push {
            push.put(render_push(data, self.last_pushed.as_ref()))
                .await?;
            self.last_pushed = Some(data.clone());
        }
        Ok(())
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

    /// The last push, then the group's deletion, tried whatever the push gave; the first
    /// error is returned.
    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        let published = self.publish(&report.data).await;
        let deleted = match (self.delete_on_finish, &self.push) {
            (true, Some(push)) => push.delete().await,
            _ => Ok(()),
        };
        Ok(published.and(deleted)?)
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
    use std::sync::{Arc, Mutex};

    fn report() -> Report {
        Report::new(
            {
                let mut data = EmissionsData::default();
                data.run_id = "run-1".into();
                data
            },
            Provenance::default(),
        )
    }

    /// A sink pushing to `gateway` (if any) and serving an endpoint that breaks on `/boom`;
    /// its address, and the warnings it gives.
    fn breaking_sink(
        gateway: Option<&HttpStub>,
    ) -> (PrometheusSink, String, Arc<Mutex<Vec<String>>>) {
        let mut sink = PrometheusSink::new(PrometheusSettings {
            pushgateway: gateway.map(|g| g.url().to_string()),
            listen: None,
            ..PrometheusSettings::default()
        })
        .unwrap();
        let exporter =
            Exporter::start_with("127.0.0.1:0".parse().unwrap(), breaks_on_boom).unwrap();
        let addr = exporter.addr().to_string();
        sink.exporter = Some(exporter);
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let seen = warnings.clone();
        sink.warn = Box::new(move |m| seen.lock().unwrap().push(m.to_string()));
        (sink, addr, warnings)
    }

    fn methods(gateway: &HttpStub) -> Vec<String> {
        gateway.requests().into_iter().map(|r| r.method).collect()
    }

    #[tokio::test]
    async fn a_fault_of_the_endpoint_is_a_warning_told_once_and_costs_neither_push_nor_delete() {
        let gateway = HttpStub::start(|_| Reply::status(200));
        let (mut sink, addr, warnings) = breaking_sink(Some(&gateway));
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);

        sink.record(&report()).await.unwrap();
        let told = warnings.lock().unwrap().clone();
        assert_eq!(told.len(), 1, "{told:?}");
        assert!(told[0].contains("the /metrics endpoint"), "{told:?}");
        assert!(told[0].contains("GET /boom"), "{told:?}");
        assert_eq!(methods(&gateway), ["PUT"]);
        let metrics = get(&addr, "/metrics").unwrap().body;
        assert!(
            metrics.contains("codecarbon_run_energy_joules_total"),
            "{metrics}"
        );
        // Told once: the next record says nothing.
        sink.record(&report()).await.unwrap();
        assert_eq!(warnings.lock().unwrap().len(), 1);

        // A fault in the last interval: the stop still succeeds, and deletes the group.
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);
        sink.finish(&report()).await.unwrap();
        assert_eq!(warnings.lock().unwrap().len(), 2);
        assert_eq!(methods(&gateway), ["PUT", "PUT", "PUT", "DELETE"]);
    }

    #[tokio::test]
    async fn an_endpoint_alone_never_fails_the_output() {
        let (mut sink, addr, warnings) = breaking_sink(None);
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);
        sink.record(&report()).await.unwrap();
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);
        sink.flush(&report()).await.unwrap();
        assert_eq!(get(&addr, "/boom").unwrap().status, 500);
        sink.finish(&report()).await.unwrap();
        assert_eq!(warnings.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn the_group_is_deleted_even_when_the_last_push_fails() {
        let gateway = HttpStub::start(|r| {
            if r.method == "PUT" {
                Reply::text("full").with_status(500)
            } else {
                Reply::status(202)
            }
        });
        let mut sink = PrometheusSink::new(PrometheusSettings {
            pushgateway: Some(gateway.url().to_string()),
            ..PrometheusSettings::default()
        })
        .unwrap();
        let err = sink.finish(&report()).await.unwrap_err().to_string();
        // The push's error is the one told; the group is gone all the same.
        assert!(err.contains("answered PUT with HTTP 500"), "{err}");
        assert_eq!(methods(&gateway), ["PUT", "DELETE"]);

        // A failed delete is told too.
        let gateway = HttpStub::start(|r| {
            if r.method == "PUT" {
                Reply::status(200)
            } else {
                Reply::status(503)
            }
        });
        let mut sink = PrometheusSink::new(PrometheusSettings {
            pushgateway: Some(gateway.url().to_string()),
            ..PrometheusSettings::default()
        })
        .unwrap();
        let err = sink.finish(&report()).await.unwrap_err().to_string();
        assert!(err.contains("answered DELETE with HTTP 503"), "{err}");
    }
}
