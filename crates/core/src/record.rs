//! CodeCarbon's 38-column record, described once: for each column its name, unit, kind, whether
//! task rows carry it, and how to read it from an [`EmissionsData`] as a typed [`Cell`].
//!
//! Every output of the record is derived from this one table, so that a column is added,
//! renamed or reformatted in one place: the CSV header ([`CSV_COLUMNS`]) and rows
//! ([`EmissionsData::csv_fields`]), the task file ([`TASK_CSV_COLUMNS`]), the JSON form
//! (`Serialize` for [`EmissionsData`], which the `http`, `json` and `logger` sinks send), and
//! the columns the Prometheus, Comet and API sinks and the board pick out by [`Column`]. The
//! reverse direction, a CSV field back to a value, is [`Kind::parse`].
//!
//! The order of the table is CodeCarbon 3.3.2's `EmissionsData`, which Python CodeCarbon
//! reads and appends to: it is the CSV's column order and must not change.

use crate::emissions::EmissionsData;
use crate::TrackingMode;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::borrow::Cow;
use std::time::Duration;

/// What a column holds, and so how it is written to CSV and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Free text, written as is.
    Text,
    /// Local time, `%Y-%m-%dT%H:%M:%S`, written as text.
    Timestamp,
    /// A float, written as the shortest text that reads back to it, always with a decimal
    /// point or an exponent (`2.0`, `1e-7`) so that pandas keeps the column a float.
    Number,
    /// A whole count, written without a decimal point.
    Count,
    /// Yes or no, written `Y` or `N` as CodeCarbon does.
    Flag,
}

/// One column's value in one record.
///
/// `Empty` is a value the record does not have (an unknown country, no coordinates): an empty
/// CSV field and JSON `null`. An empty text is `Text("")`: an empty field, but `""` in JSON.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Cell<'a> {
    /// No value.
    Empty,
    /// Text (of a [`Kind::Text`] or [`Kind::Timestamp`] column).
    Text(&'a str),
    /// A number, in the column's unit.
    Number(f64),
    /// A duration, written as its seconds (a [`Kind::Number`] column with unit `s`); kept whole
    /// so that differences of durations are exact.
    Seconds(Duration),
    /// A count.
    Count(u64),
    /// Yes or no.
    Flag(bool),
}

impl<'a> Cell<'a> {
    /// The CSV field: see [`Kind`] for each format; `Empty` is an empty field.
    pub fn to_csv(&self) -> Cow<'a, str> {
        match *self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(x) => Cow::Owned(float(x)),
            Cell::Seconds(d) => Cow::Owned(float(d.as_secs_f64())),
            Cell::Count(n) => Cow::Owned(n.to_string()),
            Cell::Flag(b) => Cow::Borrowed(yes_no(b)),
        }
    }

    /// The value as a number: a number, a duration's seconds or a count; `None` otherwise.
    pub fn number(&self) -> Option<f64> {
        match *self {
            Cell::Number(x) => Some(x),
            Cell::Seconds(d) => Some(d.as_secs_f64()),
            // Counts are CPUs and GPUs: far below 2^53, exact as a float.
            #[allow(clippy::cast_precision_loss)]
            Cell::Count(n) => Some(n as f64),
            Cell::Empty | Cell::Text(_) | Cell::Flag(_) => None,
        }
    }

    /// The text of a text cell; `None` for any other.
    pub fn text(&self) -> Option<&'a str> {
        match *self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// The same form as the CSV's, typed: numbers as JSON numbers, counts as integers, `Empty`
/// as `null`, flags as `"Y"`/`"N"`.
impl Serialize for Cell<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Number(x) => s.serialize_f64(x),
            Cell::Seconds(d) => s.serialize_f64(d.as_secs_f64()),
            Cell::Count(n) => s.serialize_u64(n),
            Cell::Flag(b) => s.serialize_str(yes_no(b)),
        }
    }
}

/// Why a CSV field is not a value of its column's [`Kind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CellError {
    /// Not a number at all.
    #[error("`{raw}` is not a number")]
    NotANumber {
        /// The field, trimmed.
        raw: String,
    },
    /// Not a whole, non-negative count.
    #[error("`{raw}` is not a whole number of at least 0")]
    NotACount {
        /// The field, trimmed.
        raw: String,
    },
    /// Not one of `Y`, `N` (or `yes`, `no`, `true`, `false`, `1`, `0`).
    #[error("`{raw}` is not `Y` or `N`")]
    NotAFlag {
        /// The field, trimmed.
        raw: String,
    },
}

impl Kind {
    /// Reads a CSV field of this kind back: the reverse of [`Cell::to_csv`].
    ///
    /// Lenient, because people edit these files: the field is trimmed, an empty one is
    /// [`Cell::Empty`], and a flag may also be written `yes`/`no`, `true`/`false` or `1`/`0`,
    /// in any case. A number is any float Rust reads, `inf` and `NaN` included: whether those
    /// mean anything is the reader's to say.
    ///
    /// ```
    /// use codecarbon_core::record::{Cell, Kind};
    /// assert_eq!(Kind::Number.parse(" 2.5 "), Ok(Cell::Number(2.5)));
    /// assert_eq!(Kind::Flag.parse("yes"), Ok(Cell::Flag(true)));
    /// assert_eq!(Kind::Count.parse(""), Ok(Cell::Empty));
    /// assert!(Kind::Number.parse("n/a").is_err());
    /// ```
    pub fn parse(self, raw: &str) -> Result<Cell<'_>, CellError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Cell::Empty);
        }
        match self {
            Kind::Text | Kind::Timestamp => Ok(Cell::Text(raw)),
            Kind::Number => raw
                .parse()
                .map(Cell::Number)
                .map_err(|_| CellError::NotANumber { raw: raw.into() }),
            Kind::Count => raw
                .parse()
                .map(Cell::Count)
                .map_err(|_| CellError::NotACount { raw: raw.into() }),
            Kind::Flag => match raw.to_ascii_lowercase().as_str() {
                "y" | "yes" | "true" | "1" => Ok(Cell::Flag(true)),
                "n" | "no" | "false" | "0" => Ok(Cell::Flag(false)),
                _ => Err(CellError::NotAFlag { raw: raw.into() }),
            },
        }
    }
}

/// A float as Python's CSV writer would parse back: shortest round-trip, always with a
/// decimal point or exponent so readers keep the column a float.
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "Y"
    } else {
        "N"
    }
}

fn text(s: &Option<String>) -> Cell<'_> {
    s.as_deref().map_or(Cell::Empty, Cell::Text)
}

fn mode(m: TrackingMode) -> Cell<'static> {
    Cell::Text(match m {
        TrackingMode::Machine => "machine",
        TrackingMode::Process => "process",
    })
}

/// Writes the [`Column`] enum and its table from one list: for each column, its variant (with
/// its doc), CodeCarbon's name, its [`Kind`], its unit (`""` for none), whether task rows carry
/// it, and the expression that reads it from `d: &EmissionsData`.
macro_rules! describe_record {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $name:literal, $kind:ident, $unit:literal, tasks: $tasks:literal,
        |$d:ident| $get:expr;
    )*) => {
        /// One of the record's columns, in CSV order: the handle by which every output names
        /// the columns it uses, so that a column it names is checked by the compiler.
        ///
        /// Non-exhaustive: CodeCarbon adds columns from version to version.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Column {
            $( $(#[doc = $doc])* $variant, )*
        }

        /// How many columns the record has.
        pub const COLUMN_COUNT: usize = [$($name),*].len();

        impl Column {
            /// Every column, in CSV order.
            pub const ALL: [Column; COLUMN_COUNT] = [$(Column::$variant),*];

            /// The column's position in the CSV and in [`Column::ALL`]: a reader's index for
            /// a table of columns.
            pub const fn index(self) -> usize {
                self as usize
            }

            /// CodeCarbon's name of the column: its CSV header and JSON key.
            pub const fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }

            /// What the column holds, and so its format.
            pub const fn kind(self) -> Kind {
                match self { $(Column::$variant => Kind::$kind,)* }
            }

            /// The unit of a number (`kWh`, `W`, `kg`, ...); `None` for text, counts, flags and
            /// ratios.
            pub const fn unit(self) -> Option<&'static str> {
                let unit = match self { $(Column::$variant => $unit,)* };
                if unit.is_empty() { None } else { Some(unit) }
            }

            /// Whether CodeCarbon's task rows (`TaskEmissionsData`) carry the column.
            pub const fn in_task_rows(self) -> bool {
                match self { $(Column::$variant => $tasks,)* }
            }

            /// The column's value in `data`.
            pub fn cell(self, data: &EmissionsData) -> Cell<'_> {
                match self { $(Column::$variant => { let $d = data; $get })* }
            }
        }
    };
}

describe_record! {
    /// Local time of the record, `%Y-%m-%dT%H:%M:%S`.
    Timestamp = "timestamp", Timestamp, "", tasks: true, |d| Cell::Text(&d.timestamp);
    /// The user's project name.
    ProjectName = "project_name", Text, "", tasks: true, |d| Cell::Text(&d.project_name);
    /// A UUID per run.
    RunId = "run_id", Text, "", tasks: true, |d| Cell::Text(&d.run_id);
    /// The experiment's id.
    ExperimentId = "experiment_id", Text, "", tasks: false, |d| Cell::Text(&d.experiment_id);
    /// Wall time of the run so far.
    Duration = "duration", Number, "s", tasks: true, |d| Cell::Seconds(d.duration);
    /// Total emissions, CO2-equivalents.
    Emissions = "emissions", Number, "kg", tasks: true, |d| Cell::Number(d.emissions.value());
    /// `emissions / duration`.
    EmissionsRate = "emissions_rate", Number, "kg/s", tasks: true,
        |d| Cell::Number(d.emissions_rate.value());
    /// CPU energy / duration.
    CpuPower = "cpu_power", Number, "W", tasks: true, |d| Cell::Number(d.cpu_power.value());
    /// GPU energy / duration.
    GpuPower = "gpu_power", Number, "W", tasks: true, |d| Cell::Number(d.gpu_power.value());
    /// RAM energy / duration.
    RamPower = "ram_power", Number, "W", tasks: true, |d| Cell::Number(d.ram_power.value());
    /// CPU energy, PUE included.
    CpuEnergy = "cpu_energy", Number, "kWh", tasks: true, |d| Cell::Number(d.cpu_energy.value());
    /// GPU energy, PUE included.
    GpuEnergy = "gpu_energy", Number, "kWh", tasks: true, |d| Cell::Number(d.gpu_energy.value());
    /// RAM energy, PUE included.
    RamEnergy = "ram_energy", Number, "kWh", tasks: true, |d| Cell::Number(d.ram_energy.value());
    /// The sum of the three energies.
    EnergyConsumed = "energy_consumed", Number, "kWh", tasks: true,
        |d| Cell::Number(d.energy_consumed.value());
    /// `wue × energy_consumed`.
    WaterConsumed = "water_consumed", Number, "L", tasks: true,
        |d| Cell::Number(d.water_consumed.value());
    /// Country name.
    CountryName = "country_name", Text, "", tasks: true, |d| text(&d.country_name);
    /// ISO 3166-1 alpha-3 code.
    CountryIsoCode = "country_iso_code", Text, "", tasks: true, |d| text(&d.country_iso_code);
    /// Region, lower-case.
    Region = "region", Text, "", tasks: true, |d| text(&d.region);
    /// Cloud provider.
    CloudProvider = "cloud_provider", Text, "", tasks: true, |d| text(&d.cloud_provider);
    /// Cloud region.
    CloudRegion = "cloud_region", Text, "", tasks: true, |d| text(&d.cloud_region);
    /// Operating system, kernel release and architecture.
    Os = "os", Text, "", tasks: true, |d| Cell::Text(&d.os);
    /// Always empty: there is no Python here; kept for the column.
    PythonVersion = "python_version", Text, "", tasks: true, |d| text(&d.python_version);
    /// This project's version.
    CodecarbonVersion = "codecarbon_version", Text, "", tasks: true,
        |d| Cell::Text(&d.codecarbon_version);
    /// Logical CPUs.
    CpuCount = "cpu_count", Count, "", tasks: true, |d| Cell::Count(d.cpu_count as u64);
    /// CPU model name.
    CpuModel = "cpu_model", Text, "", tasks: true, |d| text(&d.cpu_model);
    /// GPUs tracked.
    GpuCount = "gpu_count", Count, "", tasks: true, |d| Cell::Count(d.gpu_count as u64);
    /// GPU models, `N x name`.
    GpuModel = "gpu_model", Text, "", tasks: true, |d| text(&d.gpu_model);
    /// Longitude, when geolocated.
    Longitude = "longitude", Number, "°", tasks: true,
        |d| d.longitude.map_or(Cell::Empty, Cell::Number);
    /// Latitude, when geolocated.
    Latitude = "latitude", Number, "°", tasks: true,
        |d| d.latitude.map_or(Cell::Empty, Cell::Number);
    /// Total memory of the machine.
    RamTotalSize = "ram_total_size", Number, "GB", tasks: true,
        |d| Cell::Number(d.ram_total_size.value());
    /// `machine` or `process`.
    TrackingMode = "tracking_mode", Text, "", tasks: true, |d| mode(d.tracking_mode);
    /// Mean machine CPU utilisation.
    CpuUtilizationPercent = "cpu_utilization_percent", Number, "%", tasks: true,
        |d| Cell::Number(d.cpu_utilization_percent.value());
    /// Mean GPU utilisation.
    GpuUtilizationPercent = "gpu_utilization_percent", Number, "%", tasks: true,
        |d| Cell::Number(d.gpu_utilization_percent.value());
    /// Mean machine memory utilisation.
    RamUtilizationPercent = "ram_utilization_percent", Number, "%", tasks: true,
        |d| Cell::Number(d.ram_utilization_percent.value());
    /// Mean memory in use.
    RamUsedGb = "ram_used_gb", Number, "GB", tasks: true, |d| Cell::Number(d.ram_used_gb.value());
    /// Whether the run was in a cloud region.
    OnCloud = "on_cloud", Flag, "", tasks: true, |d| Cell::Flag(d.on_cloud);
    /// Power usage effectiveness applied (a ratio).
    Pue = "pue", Number, "", tasks: false, |d| Cell::Number(d.pue);
    /// Water usage effectiveness applied.
    Wue = "wue", Number, "L/kWh", tasks: false, |d| Cell::Number(d.wue.value());
}

impl Column {
    /// The column called `name` (CodeCarbon's spelling, exactly).
    pub fn named(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// CodeCarbon's `emissions.csv` header, in its order.
pub const CSV_COLUMNS: [&str; COLUMN_COUNT] = names(&Column::ALL);

/// The first column of task rows, before the record's.
pub const TASK_NAME: &str = "task_name";

/// How many columns task rows have: [`TASK_NAME`] and the columns [`Column::in_task_rows`].
pub const TASK_COLUMN_COUNT: usize = 1 + task_record_columns().len();

/// The header of CodeCarbon's task file `emissions_<experiment_name>_<run_id>.csv`: the task's
/// name, then the run columns without `experiment_id`, `pue` and `wue` (its `TaskEmissionsData`).
pub const TASK_CSV_COLUMNS: [&str; TASK_COLUMN_COUNT] = task_column_names();

/// The names of `columns`, in their order: how an output that uses a subset of the record
/// (Comet's metrics, Prometheus' labels) gets its list of names from its table of columns.
///
/// ```
/// use codecarbon_core::record::{names, Column};
/// assert_eq!(names(&[Column::Emissions, Column::Duration]), ["emissions", "duration"]);
/// ```
pub const fn names<const N: usize>(columns: &[Column; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = columns[i].name();
        i += 1;
    }
    out
}

/// The columns of task rows after the task's name, in CSV order.
const fn task_record_columns() -> &'static [Column] {
    const fn count() -> usize {
        let (mut i, mut n) = (0, 0);
        while i < COLUMN_COUNT {
            if Column::ALL[i].in_task_rows() {
                n += 1;
            }
            i += 1;
        }
        n
    }
    const N: usize = count();
    const KEPT: [Column; N] = {
        let mut out = [Column::Timestamp; N];
        let (mut i, mut o) = (0, 0);
        while i < COLUMN_COUNT {
            if Column::ALL[i].in_task_rows() {
                out[o] = Column::ALL[i];
                o += 1;
            }
            i += 1;
        }
        out
    };
    &KEPT
}

const fn task_column_names() -> [&'static str; TASK_COLUMN_COUNT] {
    let kept = task_record_columns();
    let mut out = [TASK_NAME; TASK_COLUMN_COUNT];
    let mut i = 0;
    while i < kept.len() {
        out[i + 1] = kept[i].name();
        i += 1;
    }
    out
}

impl EmissionsData {
    /// The record as CSV fields, in [`CSV_COLUMNS`] order; a missing value is an empty field.
    pub fn csv_fields(&self) -> [String; COLUMN_COUNT] {
        Column::ALL.map(|c| c.cell(self).to_csv().into_owned())
    }

    /// The record as a task row, in [`TASK_CSV_COLUMNS`] order.
    pub fn task_csv_fields(&self, task_name: &str) -> [String; TASK_COLUMN_COUNT] {
        let mut out: [String; TASK_COLUMN_COUNT] = std::array::from_fn(|_| String::new());
        out[0] = task_name.to_string();
        for (slot, column) in out.iter_mut().skip(1).zip(task_record_columns()) {
            *slot = column.cell(self).to_csv().into_owned();
        }
        out
    }
}

/// The record as a map of CodeCarbon's column names to their values, in CSV order, with the
/// CSV's units: what the `http`, `json` and `logger` sinks send.
impl Serialize for EmissionsData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_struct("EmissionsData", COLUMN_COUNT)?;
        for column in Column::ALL {
            map.serialize_field(column.name(), &column.cell(self))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests;
