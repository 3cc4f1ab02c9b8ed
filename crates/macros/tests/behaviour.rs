//! `#[track_emissions]` for real: each tracked call writes exactly one row, and the function
//! behaves as if it were not tracked.
//!
//! Attribute arguments are literals, so each test writes under its own fixed directory,
//! relative to the crate root (cargo's working directory for tests): `target-tests/<name>`,
//! ignored by git, removed at the start of the test. The tests assert only on what the
//! attribute sets, since those settings win over `.codecarbon.config` and `CODECARBON_*`.

#![allow(clippy::unwrap_used, clippy::panic)] // test helpers, and the tracked function that panics

use codecarbon::track_emissions;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// A fresh, empty test directory `target-tests/<name>`.
fn fresh(name: &str) -> PathBuf {
    let dir = Path::new("target-tests").join(name);
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("cannot clear {}: {e}", dir.display()),
    }
    dir
}

/// The rows of a CSV file, each by column name.
fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The one row of `<dir>/emissions.csv`, checked to be for France.
fn one_row(dir: &Path) -> HashMap<String, String> {
    let mut rows = rows(&dir.join("emissions.csv"));
    assert_eq!(
        rows.len(),
        1,
        "expected one row in {}: {rows:?}",
        dir.display()
    );
    let row = rows.remove(0);
    assert_eq!(row["country_iso_code"], "FRA", "{row:?}");
    row
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/sync",
    output_methods = "csv",
    log_level = "error"
)]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[test]
fn a_plain_function_writes_one_row_and_returns_its_value() {
    let dir = fresh("sync");
    assert_eq!(add(2, 3), 5);
    one_row(&dir);
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/async",
    output_methods = "csv",
    log_level = "error"
)]
async fn fetch(n: u32) -> String {
    tokio::task::yield_now().await;
    format!("item {n}")
}

#[test]
fn an_async_function_is_tracked_while_it_runs() {
    let dir = fresh("async");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Calling it makes a future; nothing is tracked until it is polled.
    let future = fetch(7);
    assert!(
        !dir.exists(),
        "the tracker started before the future was polled"
    );
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&future);
    assert_eq!(runtime.block_on(future), "item 7");
    one_row(&dir);
    // A future dropped unpolled tracks nothing.
    drop(fetch(8));
    one_row(&dir);
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/tokio-main",
    output_methods = "csv",
    log_level = "error"
)]
#[tokio::main(flavor = "current_thread")]
async fn tokio_main() -> u32 {
    tokio::task::yield_now().await;
    42
}

#[test]
fn it_composes_with_tokio_main() {
    let dir = fresh("tokio-main");
    assert_eq!(tokio_main(), 42);
    one_row(&dir);
}

struct Counter {
    count: u32,
}

impl Counter {
    #[track_emissions(
        offline = true,
        country_iso_code = "FRA",
        output_dir = "target-tests/method-mut",
        output_methods = "csv",
        log_level = "error"
    )]
    fn bump(&mut self, by: u32) -> u32 {
        self.count += by;
        self.count
    }

    #[track_emissions(
        offline = true,
        country_iso_code = "FRA",
        output_dir = "target-tests/method-ref",
        output_methods = "csv",
        log_level = "error"
    )]
    fn get(&self) -> u32 {
        self.count
    }

    #[track_emissions(
        offline = true,
        country_iso_code = "FRA",
        output_dir = "target-tests/method-self",
        output_methods = "csv",
        log_level = "error"
    )]
    fn into_count(self) -> u32 {
        self.count
    }
}

#[test]
fn methods_are_tracked_with_every_receiver() {
    let dirs = ["method-mut", "method-ref", "method-self"].map(fresh);
    let mut counter = Counter { count: 1 };
    assert_eq!(counter.bump(2), 3);
    assert_eq!(counter.get(), 3);
    assert_eq!(counter.into_count(), 3);
    for dir in &dirs {
        one_row(dir);
    }
}

/// The largest item.
#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/generic",
    output_methods = "csv",
    log_level = "error"
)]
fn largest<'a, T, I>(items: I) -> Option<&'a T>
where
    T: PartialOrd + 'a,
    I: IntoIterator<Item = &'a T>,
{
    items.into_iter().fold(None, |best, x| match best {
        Some(b) if b >= x => Some(b),
        _ => Some(x),
    })
}

#[test]
fn a_generic_function_is_tracked() {
    let dir = fresh("generic");
    assert_eq!(largest(&[3, 9, 4]), Some(&9));
    one_row(&dir);
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/result",
    output_methods = "csv",
    log_level = "error"
)]
fn double(text: &str) -> Result<u32, std::num::ParseIntError> {
    let n: u32 = text.parse()?;
    Ok(n * 2)
}

#[test]
fn an_error_returned_by_question_mark_is_unchanged_and_tracked() {
    let dir = fresh("result");
    let expected = "seven".parse::<u32>().unwrap_err();
    assert_eq!(double("seven"), Err(expected));
    one_row(&dir);
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    output_dir = "target-tests/panic",
    output_methods = "csv",
    log_level = "error"
)]
fn explode(code: u32) -> u32 {
    if code > 0 {
        panic!("boom {code}");
    }
    code
}

#[test]
fn a_panic_goes_on_after_the_row_is_written() {
    let dir = fresh("panic");
    let payload = catch_unwind(AssertUnwindSafe(|| explode(3))).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("boom 3")
    );
    one_row(&dir);
}

#[track_emissions(
    offline = true,
    country_iso_code = "FRA",
    region = "ile-de-france",
    project_name = "macro-test",
    measure_power_secs = 3600,
    output_dir = "target-tests/all",
    output_file = "all.csv",
    output_methods = ["csv", "json"],
    tracking_mode = "process",
    pue = 1.5,
    wue = 2,
    experiment_id = "exp-42",
    experiment_name = "all-parameters",
    on_csv_write = "update",
    log_level = "error",
    force_cpu_power = 20,
    force_ram_power = 5.0,
    force_carbon_intensity_g_co2e_kwh = 100
)]
fn everything() -> &'static str {
    "done"
}

#[test]
fn every_parameter_reaches_the_tracker() {
    let dir = fresh("all");
    assert_eq!(everything(), "done");
    let rows = rows(&dir.join("all.csv"));
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["country_iso_code"], "FRA");
    assert_eq!(row["project_name"], "macro-test");
    assert_eq!(row["experiment_id"], "exp-42");
    assert_eq!(row["tracking_mode"], "process");
    assert_eq!(row["pue"].parse::<f64>().unwrap(), 1.5);
    assert_eq!(row["wue"].parse::<f64>().unwrap(), 2.0);
    // The forced RAM power (5 W), times the PUE; the forced CPU power is at most 20 W times it.
    let number = |column: &str| -> f64 { row[column].parse().unwrap() };
    assert!((number("ram_power") - 7.5).abs() < 1e-9, "{row:?}");
    assert!(number("cpu_power") <= 30.0 + 1e-9, "{row:?}");
    // 100 g/kWh is 0.1 kg per kWh.
    let expected = number("energy_consumed") * 0.1;
    assert!(
        (number("emissions") - expected).abs() <= expected * 1e-9,
        "{row:?}"
    );
    assert!(
        dir.join("all.jsonl").exists(),
        "no JSON output in {}",
        dir.display()
    );
}

/// Compiled, never called: the online tracker, the bare attribute, `offline = false`, a cloud
/// place, and attributes kept around the function.
#[allow(dead_code)]
mod compiles {
    use codecarbon::track_emissions;

    #[track_emissions]
    pub fn bare() {}

    #[track_emissions()]
    pub(crate) fn empty_parentheses() {}

    #[track_emissions(offline = false, measure_power_secs = 0.5, pue = 1)]
    #[must_use]
    pub fn online() -> u8 {
        #![allow(clippy::let_and_return)]
        let x = 1;
        x
    }

    #[track_emissions(offline = true, cloud_provider = "gcp", cloud_region = "europe-west1")]
    pub async fn in_the_cloud<T: Send>(value: T) -> T {
        value
    }

    pub trait Model {
        fn predict(&self, x: f64) -> f64;
    }

    pub struct Linear(pub f64);

    impl Model for Linear {
        #[track_emissions(log_level = "critical")]
        fn predict(&self, x: f64) -> f64 {
            self.0 * x
        }
    }

    #[track_emissions(project_name = "raw")]
    pub unsafe fn r#unsafe(p: *const u8) -> u8 {
        // SAFETY: the caller's contract.
        unsafe { *p }
    }

    #[track_emissions(output_dir = "x")]
    pub fn __codecarbon_guard(__codecarbon_guard: u32) -> u32 {
        // The guard's binding is hygienic: the body's own name is untouched.
        __codecarbon_guard
    }
}

/// Offline without a place: CodeCarbon's decorator raises when the function is called, and the
/// function does not run; here the tracker cannot start, which is reported, and the function
/// runs untracked. (`country_iso_code = ""` wins over a country of the machine's own
/// configuration, so that none applies.)
#[track_emissions(
    offline = true,
    country_iso_code = "",
    output_dir = "target-tests/no-place",
    output_methods = "csv",
    log_level = "critical"
)]
fn offline_without_a_place(a: u32) -> u32 {
    a * 7
}

#[test]
fn offline_without_a_place_runs_untracked() {
    let dir = fresh("no-place");
    assert_eq!(offline_without_a_place(6), 42);
    assert!(!dir.join("emissions.csv").exists(), "no tracker, no row");
}
