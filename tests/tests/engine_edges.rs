//! The engine at its edges: an intensity that arrives late, a stop while a provider is busy,
//! open tasks at the stop, secrets in `Debug`, CodeCarbon's output switches across layers, and
//! `api_call_interval`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon::config::ConfigSources;
use codecarbon::core::{
    async_trait, Component, EmissionsData, GramsPerKwh, Intensity, IntensityBasis, IntensityError,
    IntensityProvider, LocateError, Location, Locator, Method, PowerSource, Reading, Report,
    SampleContext, Sink, SinkError, SourceError, SourceInfo, Watts,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A constant draw of one component.
struct Constant(Component, f64);

impl PowerSource for Constant {
    fn info(&self) -> SourceInfo {
        SourceInfo::new(
            self.0,
            "constant",
            Method::Measured,
            format!("{} W", self.1),
        )
        .with_count(1)
    }
    fn sample(&mut self, ctx: &SampleContext) -> Result<Reading, SourceError> {
        Ok(Reading::estimated(Watts(self.1), ctx.elapsed))
    }
}

/// A place without a country: only the user's provider prices it.
struct Nowhere;

#[async_trait]
impl Locator for Nowhere {
    async fn locate(&self) -> Result<Location, LocateError> {
        Ok(Location::default().with_country_name("Nowhere"))
    }
}

/// Answers `value` g/kWh, after `delay` while `slow` is set.
#[derive(Clone)]
struct Provider {
    value: f64,
    delay: Duration,
    slow: Arc<AtomicBool>,
    calls: Arc<AtomicUsize>,
}

impl Provider {
    fn new(value: f64, delay: Duration, slow: bool) -> Provider {
        Provider {
            value,
            delay,
            slow: Arc::new(AtomicBool::new(slow)),
            calls: Arc::default(),
        }
    }
}

#[async_trait]
impl IntensityProvider for Provider {
    async fn intensity(
        &self,
        _at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.slow.load(Ordering::SeqCst) {
            tokio::time::sleep(self.delay).await;
        }
        Ok(Some(Intensity::new(
            GramsPerKwh(self.value),
            "test",
            IntensityBasis::Custom,
        )))
    }
}

fn builder(dir: &std::path::Path, provider: Provider) -> codecarbon::TrackerBuilder {
    codecarbon::EmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .output_dir(dir)
        .output_methods(&[])
        .log_level("critical")
        .offline(true)
        .with_power_source(Constant(Component::Cpu, 5.0))
        .with_power_source(Constant(Component::Ram, 0.0))
        .with_locator(Nowhere)
        .with_intensity_provider(provider)
}

fn kg_per_kwh(data: &EmissionsData) -> f64 {
    data.emissions.value() / data.energy_consumed.value()
}

#[test]
fn a_task_that_starts_before_the_first_intensity_is_priced_like_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // The intensity arrives 2 s into the run; the task runs from 1 s to 3.5 s.
    let provider = Provider::new(20.0, Duration::from_secs(2), true);
    let mut tracker = builder(dir.path(), provider).start().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    tracker.start_task("late").unwrap();
    std::thread::sleep(Duration::from_millis(2500));
    let task = tracker.stop_task("late").unwrap();
    let run = tracker.stop().unwrap();
    assert!(
        (kg_per_kwh(&task) - 0.02).abs() < 1e-9,
        "{}",
        kg_per_kwh(&task)
    );
    assert!(
        (kg_per_kwh(&run) - 0.02).abs() < 1e-9,
        "{}",
        kg_per_kwh(&run)
    );
}

#[test]
fn the_users_provider_comes_back_even_when_the_run_ends_during_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::new(100.0, Duration::from_secs(3), false);
    let (slow, calls) = (provider.slow.clone(), provider.calls.clone());
    let mut tracker = builder(dir.path(), provider)
        .measure_power_secs(1.0)
        .build()
        .unwrap();
    tracker.start().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // The refresh at about 1 s takes 3 s, and the run ends during it.
    slow.store(true, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(1000));
    tracker.stop().unwrap();
    slow.store(false, Ordering::SeqCst);
    let before = calls.load(Ordering::SeqCst);
    tracker.start().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let second = tracker.stop().unwrap();
    assert!(
        calls.load(Ordering::SeqCst) > before,
        "the provider was not asked again"
    );
    assert!(
        (kg_per_kwh(&second) - 0.1).abs() < 1e-9,
        "{}",
        kg_per_kwh(&second)
    );
}

#[test]
fn open_tasks_and_the_run_end_at_the_stop_even_while_the_intensity_is_awaited() {
    let dir = tempfile::tempdir().unwrap();
    let provider = Provider::new(20.0, Duration::from_secs(3), true);
    let mut tracker = builder(dir.path(), provider).start().unwrap();
    tracker.start_task("a").unwrap();
    tracker.start_task("b").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let run = tracker.stop().unwrap();
    assert!(run.duration < Duration::from_secs(1), "{:?}", run.duration);
}

#[test]
fn a_builders_debug_shows_no_secret() {
    let sources = ConfigSources {
        env: vec![
            ("CODECARBON_API_KEY".into(), "s3cr3t-env".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "aws-s3cr3t".into()),
        ],
        ..ConfigSources::none()
    };
    let builder = codecarbon::EmissionsTracker::builder()
        .config_sources(sources)
        .set("electricitymaps_api_token", "tok3n");
    let shown = format!("{builder:?}");
    assert!(shown.contains("CODECARBON_API_KEY"), "{shown}");
    for secret in ["s3cr3t-env", "aws-s3cr3t", "tok3n"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn output_methods_in_code_beat_codecarbons_switches_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let sources = ConfigSources {
        env: vec![("CODECARBON_SAVE_TO_FILE".into(), "false".into())],
        ..ConfigSources::none()
    };
    let tracker = codecarbon::OfflineEmissionsTracker::builder()
        .config_sources(sources)
        .country_iso_code("FRA")
        .output_dir(dir.path())
        .output_methods(&["csv"])
        .build()
        .unwrap();
    assert_eq!(tracker.config().output_methods, ["csv"]);
}

#[test]
fn a_switch_asking_for_an_output_that_cannot_work_offline_leaves_it_out() {
    let dir = tempfile::tempdir().unwrap();
    let sources = ConfigSources {
        env: vec![("CODECARBON_SAVE_TO_API".into(), "true".into())],
        ..ConfigSources::none()
    };
    let tracker = codecarbon::OfflineEmissionsTracker::builder()
        .config_sources(sources)
        .country_iso_code("FRA")
        .output_dir(dir.path())
        .log_level("critical")
        .build()
        .unwrap();
    assert_eq!(tracker.config().output_methods, ["csv"]);
}

/// Keeps the run's duration at each record, and whether it keeps checkpoints (as the CSV does).
#[derive(Clone)]
struct Records {
    checkpoints: bool,
    seen: Arc<std::sync::Mutex<Vec<f64>>>,
}

impl Records {
    fn new(checkpoints: bool) -> Records {
        Records {
            checkpoints,
            seen: Arc::default(),
        }
    }
    fn durations(&self) -> Vec<f64> {
        self.seen.lock().unwrap().clone()
    }
}

#[async_trait]
impl Sink for Records {
    async fn record(&mut self, report: &Report) -> Result<(), SinkError> {
        let secs = report.data.duration.as_secs_f64();
        self.seen.lock().unwrap().push(secs);
        Ok(())
    }
    async fn flush(&mut self, _report: &Report) -> Result<(), SinkError> {
        Ok(())
    }
    fn checkpoints(&self) -> bool {
        self.checkpoints
    }
}

fn run_with_api_call_interval(every: &str) -> (Vec<f64>, Vec<f64>) {
    let dir = tempfile::tempdir().unwrap();
    let (live, checkpoint) = (Records::new(false), Records::new(true));
    let mut tracker = builder(dir.path(), Provider::new(20.0, Duration::ZERO, false))
        .set("measure_power_secs", "0.1")
        .set("api_call_interval", every)
        .with_sink(live.clone())
        .with_sink(checkpoint.clone())
        .start()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    tracker.stop().unwrap();
    (live.durations(), checkpoint.durations())
}

#[test]
fn api_call_interval_spaces_the_live_totals_and_checkpoints_follow_their_own_period() {
    let (live, checkpoint) = run_with_api_call_interval("3");
    assert!(!live.is_empty(), "every third measurement goes out");
    for gap in live.windows(2).map(|w| w[1] - w[0]) {
        assert!(gap >= 0.25, "three 0.1 s measurements apart: {live:?}");
    }
    // A checkpoint at the first measurement, the next one five seconds later.
    assert_eq!(checkpoint.len(), 1, "{checkpoint:?}");
    assert!(
        checkpoint[0] < 1.0,
        "the first measurement's: {checkpoint:?}"
    );

    let (live, checkpoint) = run_with_api_call_interval("-1");
    assert!(live.is_empty(), "-1: only flush and stop, {live:?}");
    assert_eq!(checkpoint.len(), 1, "the checkpoints go on: {checkpoint:?}");
}

/// The builder's locator: answers `country` after `delay`, or fails.
struct UsersLocator {
    delay: Duration,
    country: Option<&'static str>,
}

#[async_trait]
impl Locator for UsersLocator {
    async fn locate(&self) -> Result<Location, LocateError> {
        tokio::time::sleep(self.delay).await;
        match self.country {
            Some(code) => Ok(Location::default().with_country_iso_code(code)),
            None => Err(LocateError::Unavailable("the site database is down".into())),
        }
    }
}

fn with_users_locator(locator: UsersLocator) -> (Duration, EmissionsData) {
    let dir = tempfile::tempdir().unwrap();
    let mut tracker = codecarbon::EmissionsTracker::builder()
        .config_sources(ConfigSources::none())
        .output_dir(dir.path())
        .output_methods(&[])
        .log_level("critical")
        .offline(true)
        .with_power_source(Constant(Component::Cpu, 5.0))
        .with_power_source(Constant(Component::Ram, 0.0))
        .with_locator(locator)
        .build()
        .unwrap();
    let asked = std::time::Instant::now();
    tracker.start().unwrap();
    let start_took = asked.elapsed();
    std::thread::sleep(Duration::from_millis(200));
    (start_took, tracker.stop().unwrap())
}

#[test]
fn the_builders_locator_is_asked_off_the_start_path() {
    let (start_took, data) = with_users_locator(UsersLocator {
        delay: Duration::from_millis(1500),
        country: Some("FRA"),
    });
    assert!(
        start_took < Duration::from_millis(1000),
        "start() waited for the locator: {start_took:?}"
    );
    assert_eq!(data.country_iso_code.as_deref(), Some("FRA"));
    assert!(
        (kg_per_kwh(&data) - 0.056039).abs() < 1e-9,
        "{}",
        kg_per_kwh(&data)
    );
}

#[test]
fn a_failing_builders_locator_leaves_the_run_at_the_world_average() {
    let (_, data) = with_users_locator(UsersLocator {
        delay: Duration::ZERO,
        country: None,
    });
    assert_eq!(data.country_iso_code, None);
    assert!(
        (kg_per_kwh(&data) - 0.475).abs() < 1e-9,
        "{}",
        kg_per_kwh(&data)
    );
}
