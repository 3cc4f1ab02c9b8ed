//! The `#[track_emissions]` attribute of codecarbon, re-exported as
//! `codecarbon::track_emissions`: Python CodeCarbon's `@track_emissions` decorator, with its
//! parameter names.
//!
//! Use it through the `codecarbon` crate; the code it generates calls `::codecarbon`.

/// The Rust examples of this crate's README (shown on crates.io), compiled by
/// `cargo test --doc -p codecarbon-macros`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod expand;
mod params;

use proc_macro::TokenStream;

/// Tracks the energy use and emissions of every call of a function, as CodeCarbon's
/// `@track_emissions` decorator does.
///
/// ```no_run
/// use codecarbon::track_emissions;
///
/// #[track_emissions(offline = true, country_iso_code = "FRA", project_name = "training")]
/// fn train(epochs: u32) -> f64 {
///     // ... the work to measure ...
///     # let _ = epochs;
///     0.0
/// }
///
/// #[track_emissions(
///     project_name = "inference",
///     measure_power_secs = 5,
///     output_dir = "emissions",
///     output_methods = ["csv", "json"],
///     tracking_mode = "process",
///     log_level = "warning",
/// )]
/// async fn serve(request: String) -> Result<String, std::io::Error> {
///     Ok(request)
/// }
///
/// let loss = train(10);
/// ```
///
/// Each call builds a tracker, starts it before the body runs and stops it when the body ends,
/// which writes the run's row (CodeCarbon's `emissions.csv`, and the other outputs asked for).
/// The body is otherwise unchanged: the function returns what it returns, a panic goes on
/// after the row is written, and attributes, visibility, doc comments and signature are kept.
///
/// # Parameters
///
/// Each is `name = literal`, by CodeCarbon's name, and all are optional (`#[track_emissions]`
/// alone is fine). Configuration files (`.codecarbon.config`) and `CODECARBON_*` variables apply
/// underneath, as in CodeCarbon; what the attribute sets wins over them.
///
/// | Parameter | Literal | Meaning |
/// |---|---|---|
/// | `offline` | `true` / `false` | `true` builds an `OfflineEmissionsTracker`: no network; needs `country_iso_code`, or `cloud_provider` and `cloud_region` (here or in the configuration) |
/// | `country_iso_code` | string | ISO 3166 alpha-3 code of where the machine runs (`"FRA"`) |
/// | `region` | string | a state, province or zone of that country |
/// | `cloud_provider` | string | e.g. `"gcp"` |
/// | `cloud_region` | string | e.g. `"europe-west1"` |
/// | `project_name` | string | written in every row |
/// | `measure_power_secs` | number > 0 | seconds between measurements, each priced at the intensity of its time (default 15) |
/// | `api_call_interval` | integer ≥ 0, or -1 | the outputs get the running totals every this many measurements; -1 only at the end (default 1) |
/// | `output_dir` | string | where the files go (created if missing) |
/// | `output_file` | string | the CSV's file name (default `"emissions.csv"`) |
/// | `output_methods` | `"csv,json"` or `["csv", "json"]` | the outputs |
/// | `tracking_mode` | `"machine"` / `"process"` | the whole machine, or this process tree |
/// | `pue` | number > 0 | power usage effectiveness of the data centre |
/// | `wue` | number ≥ 0 | litres of water per kWh |
/// | `experiment_id` | string | |
/// | `experiment_name` | string | |
/// | `on_csv_write` | `"append"` / `"update"` | add a row per run, or update this run's row |
/// | `log_level` | `"debug"`, `"info"`, `"warning"`, `"error"`, `"critical"` | |
/// | `force_cpu_power` | number ≥ 0 | the CPU's power in W, replacing its TDP |
/// | `force_ram_power` | number ≥ 0 | a constant RAM power in W |
/// | `force_carbon_intensity_g_co2e_kwh` | number ≥ 0 | overrides every intensity source |
///
/// An unknown name, a literal of the wrong type (`measure_power_secs = "fast"`, `offline = 1`)
/// or a value the configuration would refuse (`pue = 0`, `tracking_mode = "cluster"`) is a
/// compile error. Output method names are checked when the tracker is built, since a plugin
/// may bring its own.
///
/// # What it generates
///
/// ```ignore
/// fn train(epochs: u32) -> f64 {
///     let __codecarbon_guard = ::codecarbon::private::start(
///         ::codecarbon::OfflineEmissionsTracker::builder()
///             .set("country_iso_code", "FRA")
///             .set("project_name", "training"),
///         "train",
///     );
///     // ... the body as written ...
/// }
/// ```
///
/// The guard is the body's first local, so it is dropped last: on the tail value, on `return`,
/// on `?` and while a panic unwinds. Dropping a running tracker stops it and writes its row.
///
/// - On an `async fn` the guard lives inside the future: the tracker starts when the future is
///   first polled and stops when it completes or is dropped, so it measures the execution,
///   waits included. (A plain `fn` returning `impl Future` is measured while it builds the
///   future, not while the future runs.)
/// - Methods (`&self`, `&mut self`, `self`), generic functions and `where` clauses work as is.
/// - A tracker that cannot start (a bad `.codecarbon.config`, `offline` without a place) is
///   reported on standard error and the function runs untracked. (CodeCarbon's decorator
///   raises instead, and does not run the function, for `offline=True` without a country
///   among its arguments; its other failures are logged, as here.)
/// - Not covered: `std::process::exit`, `panic = "abort"`, and a killed process (the CSV output
///   recovers that run's totals at its next start).
#[proc_macro_attribute]
pub fn track_emissions(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into()).into()
}
