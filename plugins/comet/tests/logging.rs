//! A run against a stand-in Comet: what is created, logged and uploaded, in which order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_comet::{CometSink, METRIC_NAMES};
use codecarbon_core::{Sink, CSV_COLUMNS};
use codecarbon_testkit::HttpStub;
use common::*;
use serde_json::Value;

fn query_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn a_run_creates_logs_and_uploads() {
    let stub = HttpStub::start(comet);
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    assert!(
        stub.requests().is_empty(),
        "nothing is sent before the first call"
    );

    sink.record(&report(1)).await.unwrap();
    sink.flush(&report(2)).await.unwrap();
    sink.finish(&report(3)).await.unwrap();
    assert_eq!(sink.experiment_key(), Some(EXPERIMENT));
    assert_eq!(sink.step(), 3);

    let all = stub.requests();
    for req in &all {
        assert_eq!(req.method, "POST");
        assert_eq!(req.header("authorization"), Some(KEY), "{}", req.path);
    }

    // One experiment, with the workspace, project and name.
    let created = stub.requests_to(CREATE);
    assert_eq!(created.len(), 1);
    assert_eq!(
        json(&created[0]),
        serde_json::json!({"workspaceName": "team", "projectName": "proj", "experimentName": "run-a"})
    );
    assert_eq!(all[0].path, CREATE, "the experiment comes first");

    // Others once each, with the run's values.
    let others: Vec<Value> = stub.requests_to(OTHER).iter().map(json).collect();
    let keys: Vec<&str> = others.iter().map(|o| o["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "cpu_model",
            "cpu_count",
            "ram_total_size",
            "country_name",
            "country_iso_code",
            "codecarbon_version",
            "tracking_mode",
            "run_id"
        ]
    );
    let value = |k: &str| others.iter().find(|o| o["key"] == k).unwrap()["value"].clone();
    assert_eq!(value("cpu_model"), "AMD EPYC 7B13");
    assert_eq!(value("cpu_count"), 8);
    assert_eq!(value("country_iso_code"), "FRA");
    assert_eq!(value("tracking_mode"), "machine");
    assert_eq!(value("run_id"), "run-0001");
    assert!(others.iter().all(|o| o["experimentKey"] == EXPERIMENT));

    // Seven metrics per call, steps 1, 2, 3 in order, with cumulative values.
    let metrics: Vec<Value> = stub.requests_to(METRIC).iter().map(json).collect();
    assert_eq!(metrics.len(), 21);
    // A step's seven are sent at once, so their order within the step is free.
    for step in metrics.chunks(7) {
        let mut names: Vec<&str> = step
            .iter()
            .map(|m| m["metricName"].as_str().unwrap())
            .collect();
        names.sort_unstable();
        let mut expected = METRIC_NAMES.to_vec();
        expected.sort_unstable();
        assert_eq!(names, expected);
    }
    for (i, m) in metrics.iter().enumerate() {
        assert_eq!(m["experimentKey"], EXPERIMENT);
        assert_eq!(m["step"], (i / 7 + 1) as u64);
        assert!(
            m["timestamp"].as_u64().unwrap() > 1_600_000_000_000,
            "ms since epoch"
        );
    }
    let emissions: Vec<f64> = metrics
        .iter()
        .filter(|m| m["metricName"] == "emissions")
        .map(|m| m["metricValue"].as_f64().unwrap())
        .collect();
    assert_eq!(emissions, [0.001, 0.002, 0.003]);
    let duration = metrics
        .iter()
        .rfind(|m| m["metricName"] == "duration")
        .unwrap();
    assert_eq!(duration["metricValue"], 45.0);
    let cpu = metrics
        .iter()
        .find(|m| m["metricName"] == "cpu_power")
        .unwrap();
    assert_eq!(cpu["metricValue"], 42.5);

    // emissions.csv, once, last, with the final row.
    let uploads = stub.requests_to(UPLOAD);
    assert_eq!(uploads.len(), 1);
    assert_eq!(all.last().unwrap().path, UPLOAD);
    let q = query_pairs(&uploads[0].query);
    let param = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(param("experimentKey"), Some(EXPERIMENT));
    assert_eq!(param("fileName"), Some("co2-tracking/emissions.csv"));
    assert_eq!(param("type"), Some("asset"));
    assert_eq!(param("overwrite"), Some("true"));
    assert_eq!(param("step"), Some("3"));
    let content_type = uploads[0].header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = uploads[0].body_text();
    assert!(
        body.contains("name=\"file\"; filename=\"emissions.csv\""),
        "{body}"
    );
    let csv_start = body.find("timestamp,").unwrap();
    let csv_end = body[csv_start..].find("\r\n--").unwrap() + csv_start;
    let csv_text = &body[csv_start..csv_end];
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.len(), 38);
    assert_eq!(header, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let expected = report(3).data.csv_fields();
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(&rows[0][5], "0.003");
    assert_eq!(&rows[0][16], "FRA");
}

#[tokio::test]
async fn an_experiment_key_attaches_without_creating() {
    let stub = HttpStub::start(comet);
    let mut s = settings(stub.url());
    s.workspace = None;
    s.experiment_key = Some("existing-key-42".into());
    let mut sink = CometSink::new(s).unwrap();
    sink.record(&report(1)).await.unwrap();
    sink.finish(&report(2)).await.unwrap();

    assert!(stub.requests_to(CREATE).is_empty());
    let metrics = stub.requests_to(METRIC);
    assert_eq!(metrics.len(), 14);
    assert!(metrics
        .iter()
        .all(|m| json(m)["experimentKey"] == "existing-key-42"));
    let upload = &stub.requests_to(UPLOAD)[0];
    assert!(
        upload.query.contains("experimentKey=existing-key-42"),
        "{}",
        upload.query
    );
    assert_eq!(sink.experiment_key(), Some("existing-key-42"));
}

#[tokio::test]
async fn others_are_sent_again_only_when_they_change() {
    let stub = HttpStub::start(comet);
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    let mut first = report(1);
    first.data.region = None;
    sink.record(&first).await.unwrap();
    sink.record(&first).await.unwrap();
    let before = stub.requests_to(OTHER).len();
    let mut later = report(2);
    later.data.region = Some("ile-de-france".into());
    sink.record(&later).await.unwrap();
    let sent: Vec<Value> = stub.requests_to(OTHER)[before..].iter().map(json).collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["key"], "region");
    assert_eq!(sent[0]["value"], "ile-de-france");
}

#[tokio::test]
async fn the_server_is_taken_from_the_url_override_like_comets_sdk() {
    let stub = HttpStub::start(comet);
    let mut s = settings(&format!("{}/clientlib/", stub.url()));
    s.limits = limits();
    let mut sink = CometSink::new(s).unwrap();
    sink.record(&report(1)).await.unwrap();
    assert_eq!(stub.requests_to(CREATE).len(), 1);
}

fn report_of(run_id: &str, n: u32) -> codecarbon_core::Report {
    let mut r = report(n);
    r.data.run_id = run_id.into();
    r
}

#[tokio::test]
async fn a_second_run_through_the_same_sink_gets_its_own_experiment() {
    let created = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = created.clone();
    let stub = HttpStub::start(move |req| {
        if req.path == CREATE {
            let i = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            codecarbon_testkit::Reply::json(format!(r#"{{"experimentKey":"exp-{i}"}}"#))
        } else {
            comet(req)
        }
    });
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    sink.record(&report_of("run-1", 1)).await.unwrap();
    sink.finish(&report_of("run-1", 2)).await.unwrap();
    assert_eq!((sink.experiment_key(), sink.step()), (Some("exp-0"), 2));
    let others_of_run_1 = stub.requests_to(OTHER).len();

    sink.record(&report_of("run-2", 1)).await.unwrap();
    assert_eq!(stub.requests_to(CREATE).len(), 2, "run 2 has no experiment");
    assert_eq!((sink.experiment_key(), sink.step()), (Some("exp-1"), 1));
    // Run 2's metrics start at step 1, in its own experiment.
    let metrics: Vec<Value> = stub.requests_to(METRIC).iter().map(json).collect();
    assert_eq!(metrics.len(), 21);
    assert!(metrics[14..]
        .iter()
        .all(|m| m["experimentKey"] == "exp-1" && m["step"] == 1));
    // All the "others" again, for the new experiment.
    let others: Vec<Value> = stub.requests_to(OTHER)[others_of_run_1..]
        .iter()
        .map(json)
        .collect();
    assert_eq!(others.len(), others_of_run_1);
    assert!(others.iter().all(|o| o["experimentKey"] == "exp-1"));
    assert!(others
        .iter()
        .any(|o| o["key"] == "run_id" && o["value"] == "run-2"));
}

#[tokio::test]
async fn with_an_experiment_key_a_second_run_goes_on_in_the_same_experiment() {
    let stub = HttpStub::start(comet);
    let mut s = settings(stub.url());
    s.experiment_key = Some("existing-key-42".into());
    let mut sink = CometSink::new(s).unwrap();
    sink.record(&report_of("run-1", 1)).await.unwrap();
    sink.finish(&report_of("run-1", 2)).await.unwrap();
    let others_of_run_1 = stub.requests_to(OTHER).len();
    sink.record(&report_of("run-2", 1)).await.unwrap();
    assert!(stub.requests_to(CREATE).is_empty());
    assert_eq!(
        (sink.experiment_key(), sink.step()),
        (Some("existing-key-42"), 3)
    );
    let others: Vec<Value> = stub.requests_to(OTHER)[others_of_run_1..]
        .iter()
        .map(json)
        .collect();
    assert_eq!(others.len(), others_of_run_1, "the others are logged again");
    assert!(others
        .iter()
        .any(|o| o["key"] == "run_id" && o["value"] == "run-2"));
}
