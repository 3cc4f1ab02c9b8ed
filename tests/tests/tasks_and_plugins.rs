//! Tasks inside a run, closures and guards, and components given to the builder.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::config::ConfigSources;
use codecarbon::core::{
    async_trait, Component, GramsPerKwh, Intensity, IntensityError, IntensityProvider, LocateError,
    Location, Locator, Method, PowerSource, Reading, Report, SampleContext, Sink, SinkError,
    SourceError, SourceInfo, TaskReport, Watts, TASK_CSV_COLUMNS,
};
use common::builder;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

fn busy(for_: Duration) {
    let start = Instant::now();
    let mut x = 1u64;
    while start.elapsed() < for_ {
        x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
    }
}

#[test]
fn ten_tasks_add_up_to_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path())
        .experiment_name("epochs")
        .start()
        .unwrap();
    let mut tasks = Vec::new();
    for epoch in 0..10 {
        let name = format!("epoch {epoch}");
        // Its cost is measured by `cargo xtask bench`, not asserted here.
        tracker.start_task(&name).unwrap();
        busy(Duration::from_millis(60));
        std::thread::sleep(Duration::from_millis(40));
        tasks.push(tracker.stop_task(&name).unwrap());
    }
    let run = tracker.stop().unwrap();
    // The run also holds the moments outside every task (before the first, between two, after
    // the last), which a loaded machine stretches: the tasks may miss that share of the run's
    // energy (allowing those moments thrice the run's mean power), never count more than it.
    let task_time: f64 = tasks.iter().map(|t| t.duration.as_secs_f64()).sum();
    let outside = (run.duration.as_secs_f64() - task_time).max(0.0) / run.duration.as_secs_f64();
    let missable = 0.01 + 3.0 * outside;
    for (what, sum, total) in [
        (
            "energy",
            tasks.iter().map(|t| t.energy_consumed.value()).sum::<f64>(),
            run.energy_consumed.value(),
        ),
        (
            "emissions",
            tasks.iter().map(|t| t.emissions.value()).sum::<f64>(),
            run.emissions.value(),
        ),
    ] {
        assert!(
            sum <= total * (1.0 + 1e-9) && sum >= total * (1.0 - missable),
            "{what}: tasks {sum} vs run {total} ({:.1} % of the run outside tasks)",
            outside * 100.0
        );
    }
    for t in &tasks {
        assert!(
            (0.09..0.5).contains(&t.duration.as_secs_f64()),
            "{:?}",
            t.duration
        );
        assert_eq!(t.run_id, run.run_id);
    }

    let file = dir
        .path()
        .join(format!("emissions_epochs_{}.csv", run.run_id));
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, TASK_CSV_COLUMNS.map(String::from));
    let rows: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10);
    assert_eq!(&rows[3][0], "epoch 3");
}

#[test]
fn tasks_overlap_by_name_and_end_with_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path()).start().unwrap();
    tracker.start_task("outer").unwrap();
    tracker.start_task("inner").unwrap();
    assert!(
        tracker.start_task("inner").is_err(),
        "one task per name at a time"
    );
    let inner = tracker.stop_task("inner").unwrap();
    assert!(tracker.stop_task("inner").is_err(), "already stopped");
    tracker.start_task("left open").unwrap();
    let outer = tracker.stop_task("outer").unwrap();
    assert!(outer.duration >= inner.duration);
    let run = tracker.stop().unwrap();
    let file = dir
        .path()
        .join(format!("emissions_base_{}.csv", run.run_id));
    let names: Vec<String> = csv::Reader::from_path(file)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    assert_eq!(
        names,
        ["inner", "outer", "left open"],
        "stop() ends open tasks"
    );
}

#[test]
fn track_and_the_guard_write_their_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (value, data) = codecarbon::track_with(builder(dir.path()), || 6 * 7).unwrap();
    assert_eq!(value, 42);
    assert!(data.duration > Duration::ZERO);
    {
        let _guard = builder(dir.path()).start().unwrap();
        busy(Duration::from_millis(20));
    }
    let rows = csv::Reader::from_path(dir.path().join("emissions.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, 2);
}

/// A CPU that draws a known 5 W.
struct FiveWatts;
impl PowerSource for FiveWatts {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            Component::Cpu,
            "five-watts",
            Method::Measured,
            "a constant 5 W",
        )
        .with_model("test board")
        .with_count(1)
    }
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        let mut reading = Reading::estimated(Watts(5.0), ctx.elapsed);
        reading.method = Method::Measured;
        Ok(reading)
    }
}

struct Atlantis;
#[async_trait]
impl Locator for Atlantis {
    async fn locate(&self) -> Result<Location, LocateError> {
        Ok(Location::default()
            .with_country_name("Atlantis")
            .with_region("deep"))
    }
}

struct Hundred;
#[async_trait]
impl IntensityProvider for Hundred {
    async fn intensity(
        &self,
        at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        Ok((at.country_name.as_deref() == Some("Atlantis")).then(|| {
            Intensity::new(
                GramsPerKwh(100.0),
                "test",
                codecarbon::core::IntensityBasis::Custom,
            )
        }))
    }
}

#[derive(Default, Clone)]
struct Collect(Arc<Mutex<Vec<String>>>);
#[async_trait]
impl Sink for Collect {
    async fn flush(&mut self, report: &Report) -> Result<(), SinkError> {
        self.0
            .lock()
            .unwrap()
            .push(format!("flush {}", report.data.run_id));
        Ok(())
    }
    async fn task(&mut self, task: &TaskReport) -> Result<(), SinkError> {
        self.0
            .lock()
            .unwrap()
            .push(format!("task {}", task.task_name));
        Ok(())
    }
    async fn finish(&mut self, report: &Report) -> Result<(), SinkError> {
        self.0
            .lock()
            .unwrap()
            .push(format!("finish {}", report.data.run_id));
        Ok(())
    }
}

#[test]
fn components_given_to_the_builder_are_used_in_every_run() {
    let dir = tempfile::tempdir().unwrap();
    let seen = Collect::default();
    let mut tracker = codecarbon::EmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .output_dir(dir.path())
        .output_methods(&[])
        .log_level("error")
        .pue(2.0)
        .with_power_source(FiveWatts)
        .with_locator(Atlantis)
        .with_intensity_provider(Hundred)
        .with_sink(seen.clone())
        .build()
        .unwrap();
    let mut run_ids = Vec::new();
    for _ in 0..2 {
        tracker.start().unwrap();
        tracker.start_task("t").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        tracker.stop_task("t").unwrap();
        let data = tracker.stop().unwrap();
        assert!((data.cpu_power.value() - 10.0).abs() < 1e-9, "5 W × PUE 2");
        assert_eq!(data.cpu_model.as_deref(), Some("test board"));
        assert_eq!(data.country_name.as_deref(), Some("Atlantis"));
        let expected = data.energy_consumed.value() * 0.1;
        assert!((data.emissions.value() - expected).abs() <= 1e-12 * expected);
        run_ids.push(data.run_id);
    }
    let seen = seen.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "task t".to_string(),
            format!("finish {}", run_ids[0]),
            "task t".to_string(),
            format!("finish {}", run_ids[1]),
        ]
    );
    assert!(
        !dir.path().join("emissions.csv").exists(),
        "no registry sink was asked for"
    );
}

/// A GPU that draws 50 W at 40 % utilisation.
struct HalfBusyGpu;
impl PowerSource for HalfBusyGpu {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(Component::Gpu, "test-gpu", Method::Measured, "50 W")
            .with_model("Test GPU")
            .with_count(2)
    }
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(Watts(50.0), ctx.elapsed))
    }
    fn utilization(&self) -> Option<codecarbon::core::Percent> {
        Some(codecarbon::core::Percent(40.0))
    }
}

#[test]
fn a_gpu_source_fills_the_gpu_columns() {
    let dir = tempfile::tempdir().unwrap();
    let data = codecarbon::track_with(builder(dir.path()).with_power_source(HalfBusyGpu), || {
        std::thread::sleep(Duration::from_millis(300))
    })
    .unwrap()
    .1;
    assert!((data.gpu_power.value() - 50.0).abs() < 1e-9);
    assert!((data.gpu_utilization_percent.value() - 40.0).abs() < 1e-9);
    assert_eq!(data.gpu_count, 2);
    assert_eq!(data.gpu_model.as_deref(), Some("2 x Test GPU"));
}

/// Counts how often the engine asks it to forget its baselines.
struct Resettable(Arc<std::sync::atomic::AtomicUsize>);
impl PowerSource for Resettable {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(Component::Ram, "resettable", Method::Estimated, "1 W")
    }
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(Watts(1.0), ctx.elapsed))
    }
    fn reset(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_source_given_to_the_builder_starts_each_run_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let resets = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tracker = builder(dir.path())
        .with_power_source(Resettable(resets.clone()))
        .build()
        .unwrap();
    for run in 1..=3 {
        tracker.start().unwrap();
        tracker.stop().unwrap();
        assert_eq!(resets.load(std::sync::atomic::Ordering::SeqCst), run);
    }
}

/// An output whose disk is full.
struct Full;
#[async_trait]
impl Sink for Full {
    async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
        Err(SinkError::Other("no space left on device".into()))
    }
}

#[test]
fn an_output_that_cannot_write_is_reported_to_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path()).with_sink(Full).start().unwrap();
    let flushed = tracker.flush().unwrap();
    assert_eq!(
        tracker.output_errors().len(),
        1,
        "{:?}",
        tracker.output_errors()
    );
    let failure = &tracker.output_errors()[0];
    assert_eq!(failure.output, "custom sink 1");
    assert!(failure.message.contains("no space left"), "{failure}");
    assert_eq!(
        failure.to_string(),
        format!("output `custom sink 1`: {}", failure.message)
    );
    // Asked by name, as `codecarbon monitor`'s summary does.
    assert!(tracker.output_failed("custom sink 1"));
    assert!(!tracker.output_failed("csv"));
    let stopped = tracker.stop().unwrap();
    assert!(
        stopped.duration >= flushed.duration,
        "the totals still come back"
    );
    assert_eq!(tracker.output_errors().len(), 1);
    // The CSV beside it is not affected.
    let rows = csv::Reader::from_path(dir.path().join("emissions.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows, 2);
}

/// 100 g/kWh for the first 1.5 s of its life, 300 after.
struct Rising(Instant);
#[async_trait]
impl IntensityProvider for Rising {
    async fn intensity(
        &self,
        _at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        let value = if self.0.elapsed() < Duration::from_millis(1500) {
            100.0
        } else {
            300.0
        };
        Ok(Some(Intensity::new(
            GramsPerKwh(value),
            "rising",
            codecarbon::core::IntensityBasis::Custom,
        )))
    }
}

/// Counts the questions it gets; static or live as told.
struct Counted {
    asked: Arc<std::sync::atomic::AtomicUsize>,
    is_static: bool,
}
#[async_trait]
impl IntensityProvider for Counted {
    async fn intensity(
        &self,
        _at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(Some(Intensity::new(
            GramsPerKwh(200.0),
            "counted",
            codecarbon::core::IntensityBasis::Custom,
        )))
    }

    fn is_static(&self) -> bool {
        self.is_static
    }
}

#[test]
fn a_static_provider_is_asked_once_a_run_and_a_live_one_every_interval() {
    for is_static in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let asked = Arc::default();
        let provider = Counted {
            asked: Arc::clone(&asked),
            is_static,
        };
        let mut tracker = builder(dir.path())
            .measure_power_secs(1.0)
            .with_power_source(FiveWatts)
            .with_intensity_provider(provider)
            .start()
            .unwrap();
        std::thread::sleep(Duration::from_millis(3500));
        let run = tracker.stop().unwrap();
        assert!((run.emissions.value() / run.energy_consumed.value() - 0.2).abs() < 1e-9);
        let asked = asked.load(std::sync::atomic::Ordering::SeqCst);
        if is_static {
            assert_eq!(asked, 1, "a dataset's answer cannot change");
        } else {
            assert!(asked >= 3, "asked {asked} times in 3.5 s");
        }
    }
}

#[test]
fn each_intervals_energy_is_priced_at_the_intensity_of_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = builder(dir.path())
        .measure_power_secs(0.5)
        .with_power_source(FiveWatts)
        .with_intensity_provider(Rising(Instant::now()))
        .start()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    let run = tracker.stop().unwrap();
    // kg per kWh: all at 100 g/kWh would be 0.1, all at 300 g/kWh 0.3; about two seconds at
    // the first and one at the second give about 0.17.
    let rate = run.emissions.value() / run.energy_consumed.value();
    assert!((0.12..0.25).contains(&rate), "{rate} kg/kWh");
}
