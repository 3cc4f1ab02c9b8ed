//! The `comet` sink: a Comet experiment's metrics, "others" and `emissions.csv` asset.

use crate::client::{CometClient, Deadline};
use crate::error::CometError;
use crate::multipart::file_form;
use crate::payload::{emissions_csv, metrics, others};
use crate::settings::{CometSettings, Limits};
use codecarbon_core::{async_trait, EmissionsData, Report, Sink, SinkError};
use futures_util::future::join_all;
use serde_json::{json, Value};
use std::fmt;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// `POST`, JSON `{workspaceName, projectName, experimentName?}` → `{experimentKey, ...}`.
pub const ENDPOINT_CREATE: &str = "write/experiment/create";
/// `POST`, JSON `{experimentKey, metricName, metricValue, step, timestamp}`.
pub const ENDPOINT_METRIC: &str = "write/experiment/metric";
/// `POST`, JSON `{experimentKey, key, value}`.
pub const ENDPOINT_OTHER: &str = "write/experiment/log-other";
/// `POST ?experimentKey&fileName&type&overwrite&step`, multipart field `file`.
pub const ENDPOINT_UPLOAD: &str = "write/experiment/upload-asset";

/// The asset uploaded at finish: `emissions.csv` in the folder `co2-tracking`, where Comet's
/// SDK logs CodeCarbon's output folder (`_log_asset_folder(dir, folder_name="co2-tracking")`)
/// and where its "CodeCarbon Footprint" panel looks. The logical path goes in `fileName`; the
/// multipart part keeps the bare name ([`ASSET_BARE_NAME`]).
pub const ASSET_FILE_NAME: &str = "co2-tracking/emissions.csv";
/// The file's own name inside the folder.
pub const ASSET_BARE_NAME: &str = "emissions.csv";
/// The asset's Comet type.
pub const ASSET_TYPE: &str = "asset";
/// Comet's project when none is given (its "Uncategorized" project).
pub const DEFAULT_PROJECT: &str = "general";

/// Sends a run's emissions to a Comet experiment through Comet's REST API v2.
///
/// Nothing touches the network until the first `record`, `flush` or `finish`, which creates
/// the experiment (or attaches to `COMET_EXPERIMENT_KEY`) and logs the "others". Every call
/// then logs the metrics at the next step (1, 2, 3, ...), and `finish` uploads
/// `emissions.csv`. After Comet rejects the key, every call fails at once with the same error.
///
/// The engine may hand the same sink a second run (a tracker started again). When the
/// record's `run_id` changes, the new run gets its own experiment, with steps from 1 and its
/// "others" logged again; with `COMET_EXPERIMENT_KEY` both runs log to that experiment, the
/// "others" are logged again (the `run_id` is one of them) and the steps go on from the first
/// run's, so its points follow instead of landing on the same steps.
pub struct CometSink {
    client: CometClient,
    workspace: Option<String>,
    project_name: Option<String>,
    experiment_name: Option<String>,
    experiment_key: Option<String>,
    /// Whether `experiment_key` was given (`COMET_EXPERIMENT_KEY`) rather than created.
    key_given: bool,
    /// The tracker's run the experiment, steps and "others" belong to.
    run_id: Option<String>,
    sent_others: Vec<(&'static str, Value)>,
    step: u64,
    rejected: Option<CometError>,
    quiet_until: Option<Instant>,
    limits: Limits,
}

impl CometSink {
    /// A sink for these settings; no request is made.
    ///
    /// # Errors
    /// An empty key, a key that cannot be sent in a header, a bad `COMET_URL_OVERRIDE`, or
    /// neither a workspace nor an experiment key.
    pub fn new(settings: CometSettings) -> Result<CometSink, CometError> {
        if settings.api_key.is_empty() {
            return Err(CometError::MissingApiKey);
        }
        if settings.experiment_key.is_none() && settings.workspace.is_none() {
            return Err(CometError::MissingWorkspace);
        }
        let base = settings.rest_base()?;
        let client = CometClient::new(base, settings.api_key, settings.limits)?;
        Ok(CometSink {
            client,
            workspace: settings.workspace,
            project_name: settings.project_name,
            experiment_name: settings.experiment_name,
            key_given: settings.experiment_key.is_some(),
            experiment_key: settings.experiment_key,
            run_id: None,
            sent_others: Vec::new(),
            step: 0,
            rejected: None,
            quiet_until: None,
            limits: settings.limits,
        })
    }

    /// The experiment logged to: `COMET_EXPERIMENT_KEY`, or the one created at first use.
    pub fn experiment_key(&self) -> Option<&str> {
        self.experiment_key.as_deref()
    }

    /// The step of the last metrics sent (0 before the first call).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Starts afresh when the tracker's run changed: see the type's documentation.
    fn follow_run(&mut self, run_id: &str) {
        if self.run_id.as_deref() == Some(run_id) {
            return;
        }
        if self.run_id.is_some() {
            self.sent_others.clear();
            if !self.key_given {
                self.experiment_key = None;
                self.step = 0;
            }
        }
        self.run_id = Some(run_id.to_string());
    }

    async fn log(&mut self, data: &EmissionsData, finish: bool) -> Result<(), CometError> {
        self.follow_run(&data.run_id);
        if let Some(rejected) = &self.rejected {
            return Err(rejected.clone());
        }
        let now = Instant::now();
        if let Some(until) = self.quiet_until.filter(|u| *u > now) {
            if !finish {
                return Err(CometError::CoolingDown(until - now));
            }
        }
        self.step += 1;
        let deadline = Deadline::after(self.limits.call_budget);
        let result = self.exchange(deadline, data, finish).await;
        match &result {
            Ok(()) => self.quiet_until = None,
            Err(e @ CometError::Rejected { .. }) => self.rejected = Some(e.clone()),
            Err(e) if e.is_unreachable() => {
                self.quiet_until = Some(Instant::now() + self.limits.cooldown);
            }
            Err(_) => {}
        }
        result
    }

    async fn exchange(
        &mut self,
        deadline: Deadline,
        data: &EmissionsData,
        finish: bool,
    ) -> Result<(), CometError> {
        let key = self.ensure_experiment(deadline).await?;
        self.log_others(deadline, &key, data).await?;
        self.log_metrics(deadline, &key, data).await?;
        if finish {
            self.upload_csv(deadline, &key, data).await?;
        }
        Ok(())
    }

    async fn ensure_experiment(&mut self, deadline: Deadline) -> Result<String, CometError> {
        if let Some(key) = &self.experiment_key {
            return Ok(key.clone());
        }
        const ACTION: &str = "create an experiment";
        let mut body = json!({
            "workspaceName": self.workspace.as_deref().unwrap_or_default(),
            "projectName": self.project_name.as_deref().unwrap_or(DEFAULT_PROJECT),
        });
        if let Some(name) = &self.experiment_name {
            body["experimentName"] = name.as_str().into();
        }
        let answer = self
            .client
            .post_json(deadline, ACTION, ENDPOINT_CREATE, &body)
            .await?;
        let key = experiment_key(&answer).ok_or(CometError::Answer {
            action: ACTION,
            detail: "no `experimentKey` in the answer".into(),
        })?;
        self.experiment_key = Some(key.clone());
        Ok(key)
    }

    /// Logs each "other" not yet sent with this value.
    async fn log_others(
        &mut self,
        deadline: Deadline,
        key: &str,
        data: &EmissionsData,
    ) -> Result<(), CometError> {
        for (name, value) in others(data) {
            if self
                .sent_others
                .iter()
                .any(|(n, v)| *n == name && *v == value)
            {
                continue;
            }
            let body = json!({ "experimentKey": key, "key": name, "value": value });
            self.client
                .post_json(deadline, "log an other", ENDPOINT_OTHER, &body)
                .await?;
            self.sent_others.retain(|(n, _)| *n != name);
            self.sent_others.push((name, value));
        }
        Ok(())
    }

    async fn log_metrics(
        &self,
        deadline: Deadline,
        key: &str,
        data: &EmissionsData,
    ) -> Result<(), CometError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let bodies: Vec<_> = metrics(data)
            .into_iter()
            // JSON has no NaN; a gap in the chart beats a rejected call.
            .filter(|(_, value)| value.is_finite())
            .map(|(name, value)| {
                json!({
                    "experimentKey": key,
                    "metricName": name,
                    "metricValue": value,
                    "step": self.step,
                    "timestamp": timestamp,
                })
            })
            .collect();
        // All at once: a slow Comet costs one round trip per interval, not one per metric.
        let sent = join_all(bodies.iter().map(|body| {
            self.client
                .post_json(deadline, "log a metric", ENDPOINT_METRIC, body)
        }))
        .await;
        sent.into_iter().collect::<Result<Vec<_>, _>>().map(|_| ())
    }

    async fn upload_csv(
        &self,
        deadline: Deadline,
        key: &str,
        data: &EmissionsData,
    ) -> Result<(), CometError> {
        let csv = emissions_csv(data)?;
        let form = file_form("file", ASSET_BARE_NAME, "text/csv", &csv);
        let step = self.step.to_string();
        let query = [
            ("experimentKey", key),
            ("fileName", ASSET_FILE_NAME),
            ("type", ASSET_TYPE),
            ("overwrite", "true"),
            ("step", step.as_str()),
        ];
        self.client
            .post_form(
                deadline,
                "upload emissions.csv",
                ENDPOINT_UPLOAD,
                &query,
                &form,
            )
            .await?;
        Ok(())
    }
}

impl fmt::Debug for CometSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CometSink")
            .field("server", &self.client.server())
            .field("workspace", &self.workspace)
            .field("project_name", &self.project_name)
            .field("experiment_key", &self.experiment_key)
            .field("step", &self.step)
            .field("rejected", &self.rejected.is_some())
            .finish_non_exhaustive()
    }
}

fn sink_error(error: CometError) -> SinkError {
    SinkError::Other(error.to_string())
}

/// The `experimentKey` of Comet's answer to `write/experiment/create`; `None` when there is
/// none, or when it cannot be a key (empty, over 200 characters, a control character): it goes
/// into every later request.
fn experiment_key(answer: &[u8]) -> Option<String> {
    let value = serde_json::from_slice::<Value>(answer).ok()?;
    let key = value.get("experimentKey")?.as_str()?;
    let usable =
        !key.is_empty() && key.chars().count() <= 200 && !key.chars().any(char::is_control);
    usable.then(|| key.to_string())
}

#[async_trait]
impl Sink for CometSink {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, false).await.map_err(sink_error)
    }

    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, false).await.map_err(sink_error)
    }

    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.log(&report.data, true).await.map_err(sink_error)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_experiment_key_is_a_printable_string() {
        assert_eq!(
            experiment_key(br#"{"experimentKey":"0a1b2c"}"#).as_deref(),
            Some("0a1b2c")
        );
        for none in [
            &br#"{"experimentKey":""}"#[..],
            br#"{"experimentKey":7}"#,
            br#"{"experimentKey":"\u001b[2J"}"#,
            b"<html>",
            b"[]",
        ] {
            assert_eq!(
                experiment_key(none),
                None,
                "{}",
                String::from_utf8_lossy(none)
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any answer gives a printable key or none; none panics.
        #[test]
        fn any_answer_gives_a_key_or_none(answer in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            "\\{\"experimentKey\":(\"[^\"]{0,40}\"|[0-9]{1,5}|null)\\}".prop_map(String::into_bytes),
        ]) {
            if let Some(key) = experiment_key(&answer) {
                prop_assert!(!key.is_empty() && !key.chars().any(char::is_control), "{key:?}");
            }
        }
    }
}
