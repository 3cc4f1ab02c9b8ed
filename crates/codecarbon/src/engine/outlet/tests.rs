//! The output workers: queueing, giving way, bounds and panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use super::*;
use codecarbon_core::{async_trait, EmissionsData, KgCo2eq};

/// Takes `delay` over each call and remembers the emissions of each record it got.
struct Slow {
    delay: Duration,
    seen: Arc<Mutex<Vec<f64>>>,
}

#[async_trait]
impl Sink for Slow {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        std::thread::sleep(self.delay);
        self.seen
            .lock()
            .unwrap()
            .push(report.data.emissions.value());
        Ok(())
    }
    async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
        std::thread::sleep(self.delay);
        Err(SinkError::Other("refused".into()))
    }
}

fn outlet(delay: Duration) -> (Outlet, Arc<Mutex<Vec<f64>>>) {
    let seen = Arc::default();
    let part = SinkPart {
        name: "slow".into(),
        sink: Box::new(Slow {
            delay,
            seen: Arc::clone(&seen),
        }),
        explicit: true,
    };
    (Outlet::start(part).unwrap(), seen)
}

fn report(kg: f64) -> Arc<Report> {
    let mut data = EmissionsData::default();
    data.emissions = KgCo2eq(kg);
    Arc::new(Report::new(data, Default::default()))
}

#[test]
fn enqueuing_never_waits_and_a_newer_record_replaces_a_waiting_one() {
    let (outlet, seen) = outlet(Duration::from_millis(200));
    let started = Instant::now();
    for kg in 1..=5 {
        outlet.record(&report(f64::from(kg)));
    }
    assert!(started.elapsed() < Duration::from_millis(50));
    let sink = outlet.end(Instant::now() + Duration::from_secs(5));
    assert!(sink.is_some(), "the user's sink comes back");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen.last(),
        Some(&5.0),
        "the newest totals arrive: {seen:?}"
    );
    assert!(seen.len() <= 2, "waiting records were replaced: {seen:?}");
}

/// Hangs in `record` (as a dead endpoint does), answers `flush` at once.
struct Hanging;

#[async_trait]
impl Sink for Hanging {
    async fn record(&mut self, _report: &Report) -> Result<(), SinkError> {
        tokio::time::sleep(Duration::from_secs(20)).await;
        Ok(())
    }
    async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
        Ok(())
    }
}

#[test]
fn a_record_in_progress_gives_way_to_a_row_the_user_asked_for() {
    let part = SinkPart {
        name: "hanging".into(),
        sink: Box::new(Hanging),
        explicit: false,
    };
    let outlet = Outlet::start(part).unwrap();
    outlet.record(&report(1.0));
    std::thread::sleep(Duration::from_millis(50));
    let started = Instant::now();
    let errors = collect(
        vec![outlet.flush(&report(2.0))],
        Instant::now() + Duration::from_secs(10),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let waited = started.elapsed();
    assert!(
        waited >= GIVE_WAY_GRACE && waited < GIVE_WAY_GRACE + Duration::from_secs(1),
        "{waited:?}"
    );
}

/// Panics at its first record.
struct Panicky;

#[async_trait]
impl Sink for Panicky {
    async fn record(&mut self, _report: &Report) -> Result<(), SinkError> {
        panic!("a bug in an output");
    }
    async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
        Ok(())
    }
}

#[test]
fn after_an_output_panics_its_rows_fail_at_once() {
    let part = SinkPart {
        name: "panicky".into(),
        sink: Box::new(Panicky),
        explicit: false,
    };
    let outlet = Outlet::start(part).unwrap();
    outlet.record(&report(1.0));
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    let flushed = collect(
        vec![outlet.flush(&report(2.0))],
        Instant::now() + Duration::from_secs(10),
    );
    let finished = collect(
        vec![outlet.finish(&report(3.0))],
        Instant::now() + Duration::from_secs(10),
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(flushed[0].message.contains("panicked"), "{flushed:?}");
    assert!(finished[0].message.contains("panicked"), "{finished:?}");
}

#[test]
fn a_wait_for_a_slow_output_is_bounded_and_errors_are_returned() {
    let (outlet, _) = outlet(Duration::from_millis(300));
    let started = Instant::now();
    let late = collect(
        vec![outlet.flush(&report(1.0))],
        Instant::now() + Duration::from_millis(50),
    );
    assert!(started.elapsed() < Duration::from_millis(250));
    assert!(
        late[0].message.contains("not written the row in time"),
        "{late:?}"
    );
    let refused = collect(
        vec![outlet.flush(&report(2.0))],
        Instant::now() + Duration::from_secs(5),
    );
    assert_eq!(refused, [OutputFailure::new("slow", "refused")]);
    assert_eq!(refused[0].to_string(), "output `slow`: refused");
}
