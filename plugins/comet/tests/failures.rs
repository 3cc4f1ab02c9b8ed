//! A Comet that rejects the key, fails, hangs or dies: clear errors, bounded time, no storm.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon_comet::{CometError, CometSettings, CometSink};
use codecarbon_core::body::EXCERPT_BYTES;
use codecarbon_core::Sink;
use codecarbon_testkit::{dead_url, HttpStub, Reply};
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_rejected_key_is_one_clear_error_and_no_storm() {
    let stub = HttpStub::start(|_| {
        Reply::json(format!(r#"{{"msg":"Invalid API key {KEY}","code":401}}"#)).with_status(401)
    });
    let mut sink = CometSink::new(settings(stub.url())).unwrap();

    let first = sink.record(&report(1)).await.unwrap_err().to_string();
    assert_eq!(first, "Comet rejected COMET_API_KEY (HTTP 401): check it");
    for n in 2..=5 {
        let again = sink.record(&report(n)).await.unwrap_err().to_string();
        assert_eq!(again, first);
    }
    let last = sink.finish(&report(6)).await.unwrap_err().to_string();
    assert_eq!(last, first);
    assert_eq!(stub.requests().len(), 1, "no retry and no later request");
    assert_no_key(&format!("{sink:?}"));
}

#[tokio::test]
async fn a_forbidden_metric_also_stops_the_sink() {
    let stub = HttpStub::start(|req| {
        if req.path == METRIC {
            Reply::status(403)
        } else {
            comet(req)
        }
    });
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    assert!(e.contains("Comet rejected COMET_API_KEY (HTTP 403)"), "{e}");
    let count = stub.requests().len();
    assert!(sink.record(&report(2)).await.is_err());
    assert_eq!(stub.requests().len(), count);
}

#[tokio::test]
async fn server_errors_are_retried_a_bounded_number_of_times() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let stub = HttpStub::start(move |req| {
        if req.path == CREATE && seen.fetch_add(1, Ordering::SeqCst) < 2 {
            Reply::json(r#"{"msg":"busy"}"#).with_status(503)
        } else {
            comet(req)
        }
    });
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    sink.record(&report(1)).await.unwrap();
    assert_eq!(stub.requests_to(CREATE).len(), 3, "two 503s, then success");

    let always = HttpStub::start(|_| Reply::json(r#"{"msg":"down"}"#).with_status(500));
    let mut sink = CometSink::new(settings(always.url())).unwrap();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    assert_eq!(e, "Comet answered HTTP 500 to create an experiment: down");
    assert_eq!(always.requests().len(), 3, "three tries, no more");
}

#[tokio::test]
async fn a_client_error_is_not_retried_and_quotes_comet_without_the_key() {
    let stub = HttpStub::start(|req| {
        if req.path == CREATE {
            Reply::json(format!(r#"{{"msg":"No workspace team for key {KEY}"}}"#)).with_status(400)
        } else {
            comet(req)
        }
    });
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    assert_eq!(
        e,
        "Comet answered HTTP 400 to create an experiment: No workspace team for key <hidden>"
    );
    assert_eq!(stub.requests().len(), 1);
    // A 400 is not a dead server: the next call asks again.
    assert!(sink.record(&report(2)).await.is_err());
    assert_eq!(stub.requests().len(), 2);
}

#[tokio::test]
async fn an_answer_without_an_experiment_key_is_an_error() {
    let stub = HttpStub::start(|_| Reply::json(r#"{"msg":"saved"}"#));
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    assert_eq!(
        e,
        "unexpected answer from Comet to create an experiment: no `experimentKey` in the answer"
    );
}

#[tokio::test]
async fn an_endless_answer_is_read_only_so_far() {
    // A server answering without end, with an error or with a 200: only the start is read,
    // and the error comes at once (read whole, each try would take its whole timeout and the
    // memory of all the server sent in it).
    for (status, expected) in [
        (
            400,
            r"Comet answered HTTP 400 to create an experiment: overloaded \x1b[2J overloaded",
        ),
        (
            200,
            "unexpected answer from Comet to create an experiment: the answer is larger than 262144 bytes",
        ),
    ] {
        let stub = HttpStub::start(move |_| Reply::endless(status, "overloaded \x1b[2J "));
        let mut settings = settings(stub.url());
        settings.limits.request_timeout = Duration::from_secs(5);
        settings.limits.call_budget = Duration::from_secs(10);
        let mut sink = CometSink::new(settings).unwrap();
        let start = Instant::now();
        let e = sink.record(&report(1)).await.unwrap_err().to_string();
        let took = start.elapsed();
        assert!(took < Duration::from_millis(2500), "{took:?}");
        assert!(e.starts_with(expected), "{e}");
        assert!(e.len() < 1000, "the quote is bounded: {e}");
        assert_eq!(stub.requests().len(), 1, "not retried");
    }
}

#[tokio::test]
async fn a_key_echoed_across_the_readers_cut_shows_not_even_in_part() {
    // Whitespace collapses in a quote, so what stands at the end of the 64 KiB read is shown:
    // a key cut in two there must not show its first half.
    for before in [EXCERPT_BYTES - 10, EXCERPT_BYTES - 20] {
        let body = format!("{}{KEY} and more", " ".repeat(before));
        let stub = HttpStub::start(move |_| Reply::text(body.clone()).with_status(400));
        let mut sink = CometSink::new(settings(stub.url())).unwrap();
        let e = sink.record(&report(1)).await.unwrap_err().to_string();
        assert!(e.starts_with("Comet answered HTTP 400"), "{e}");
        let key: Vec<char> = KEY.chars().collect();
        for part in key.windows(6) {
            let part: String = part.iter().collect();
            assert!(!e.contains(&part), "{part} of the key shows: {e}");
        }
    }
}

#[tokio::test]
async fn a_server_that_dies_mid_run_gives_quick_errors_then_a_pause() {
    let stub = HttpStub::start(comet);
    let url = stub.url().to_string();
    let mut sink = CometSink::new(settings(&url)).unwrap();
    sink.record(&report(1)).await.unwrap();
    stub.stop();

    let start = Instant::now();
    let e = sink.record(&report(2)).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let text = e.to_string();
    assert!(
        text.starts_with(&format!("cannot reach Comet at {url} to log a metric: ")),
        "{text}"
    );
    assert_no_key(&text);

    // Within the cooldown, record and flush skip Comet at once.
    let start = Instant::now();
    let e = sink.flush(&report(3)).await.unwrap_err().to_string();
    assert!(start.elapsed() < Duration::from_millis(100));
    assert!(
        e.starts_with("Comet was unreachable at the last try; skipped"),
        "{e}"
    );

    // finish still tries (the asset matters), and still returns in bounded time.
    let start = Instant::now();
    let e = sink.finish(&report(4)).await.unwrap_err().to_string();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(e.starts_with("cannot reach Comet"), "{e}");
}

#[tokio::test]
async fn a_hanging_server_costs_at_most_the_call_budget() {
    let stub = HttpStub::start(|_| Reply::json("{}").after(Duration::from_secs(6)));
    let mut sink = CometSink::new(settings(stub.url())).unwrap();
    let start = Instant::now();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    let took = start.elapsed();
    // Budget 2 s: tries of 0.8 s, 0.8 s and what is left, with short pauses.
    assert!(took >= Duration::from_millis(1500), "{took:?}");
    assert!(took < Duration::from_millis(3000), "{took:?}");
    assert!(e.contains("no answer within"), "{e}");
    assert_eq!(stub.requests().len(), 3);
}

#[tokio::test]
async fn nothing_listening_is_an_error_not_a_panic() {
    let mut sink = CometSink::new(settings(&dead_url())).unwrap();
    let start = Instant::now();
    let e = sink.record(&report(1)).await.unwrap_err().to_string();
    assert!(start.elapsed() < Duration::from_secs(3));
    assert!(
        e.starts_with("cannot reach Comet at http://127.0.0.1:"),
        "{e}"
    );
    assert!(e.contains("to create an experiment: "), "{e}");
    let down = CometError::Unreachable {
        server: String::new(),
        action: "x",
        detail: String::new(),
    };
    assert!(down.is_unreachable());
}

#[test]
fn the_key_appears_in_no_debug_or_error() {
    let s = settings("http://user:pw@127.0.0.1:9/");
    assert_no_key(&format!("{s:?}"));
    let sink = CometSink::new(s.clone()).unwrap();
    let shown = format!("{sink:?}");
    assert_no_key(&shown);
    assert!(shown.contains("http://127.0.0.1:9"), "{shown}");
    assert!(!shown.contains("pw"), "{shown}");

    let mut broken = s;
    broken.api_key = codecarbon_comet::ApiKey::new(format!("{KEY}\u{7}"));
    let e = CometSink::new(broken).unwrap_err().to_string();
    assert_no_key(&e);
    assert!(e.contains("COMET_API_KEY contains characters"), "{e}");

    let e = CometSettings::from_vars(|_| None).unwrap_err().to_string();
    assert!(
        e.starts_with("COMET_API_KEY is not set: set COMET_API_KEY"),
        "{e}"
    );
}
