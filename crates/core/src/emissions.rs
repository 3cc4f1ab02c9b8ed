//! The emissions record: CodeCarbon's 38 CSV columns, and how each number was obtained.

use crate::config::TrackingMode;
use crate::intensity::Intensity;
use crate::power::{Component, Method};
use crate::units::{
    Gigabytes, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh, Percent, Watts,
};
use serde::{Serialize, Serializer};
use std::time::Duration;

/// CodeCarbon's `emissions.csv` header, in its order.
pub const CSV_COLUMNS: [&str; 38] = [
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
    "water_consumed",
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "os",
    "python_version",
    "codecarbon_version",
    "cpu_count",
    "cpu_model",
    "gpu_count",
    "gpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "tracking_mode",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "on_cloud",
    "pue",
    "wue",
];

/// The header of CodeCarbon's task file `emissions_<experiment_name>_<run_id>.csv`: the task's
/// name, then the run columns without `experiment_id`, `pue` and `wue` (its `TaskEmissionsData`).
pub const TASK_CSV_COLUMNS: [&str; 36] = task_columns();

const fn task_columns() -> [&'static str; 36] {
    let mut out = [""; 36];
    out[0] = "task_name";
    let (mut i, mut o) = (0, 1);
    while i < CSV_COLUMNS.len() {
        if !is_run_only(i) {
            out[o] = CSV_COLUMNS[i];
            o += 1;
        }
        i += 1;
    }
    out
}

/// Whether column `i` of [`CSV_COLUMNS`] is left out of task rows.
const fn is_run_only(i: usize) -> bool {
    i == 3 || i == 36 || i == 37 // experiment_id, pue, wue
}

/// One run's cumulative totals: exactly the fields of CodeCarbon's `EmissionsData`, in its order.
///
/// Serializing it (JSON, say) gives the same keys and units as the CSV. `Default` is all zeros
/// and empty fields: the way to build one outside this crate is to start from it and set the
/// public fields, so that a column added later breaks no sink:
///
/// ```
/// use codecarbon_core::{EmissionsData, KilowattHours};
///
/// let mut data = EmissionsData::default();
/// data.run_id = "run-1".into();
/// data.energy_consumed = KilowattHours(0.5);
/// assert_eq!(data.csv_fields()[2], "run-1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EmissionsData {
    /// Local time of the record, `%Y-%m-%dT%H:%M:%S`.
    pub timestamp: String,
    /// The user's project name.
    pub project_name: String,
    /// A UUID per run.
    pub run_id: String,
    /// The experiment's id.
    pub experiment_id: String,
    /// Wall time of the run so far.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
    /// Total emissions.
    pub emissions: KgCo2eq,
    /// `emissions / duration`.
    pub emissions_rate: KgCo2eqPerSecond,
    /// CPU energy / duration.
    pub cpu_power: Watts,
    /// GPU energy / duration.
    pub gpu_power: Watts,
    /// RAM energy / duration.
    pub ram_power: Watts,
    /// CPU energy, PUE included.
    pub cpu_energy: KilowattHours,
    /// GPU energy, PUE included.
    pub gpu_energy: KilowattHours,
    /// RAM energy, PUE included.
    pub ram_energy: KilowattHours,
    /// The sum of the three.
    pub energy_consumed: KilowattHours,
    /// `wue × energy_consumed`.
    pub water_consumed: Liters,
    /// Country name.
    pub country_name: Option<String>,
    /// ISO 3166-1 alpha-3 code.
    pub country_iso_code: Option<String>,
    /// Region, lower-case.
    pub region: Option<String>,
    /// Cloud provider.
    pub cloud_provider: Option<String>,
    /// Cloud region.
    pub cloud_region: Option<String>,
    /// Operating system, kernel release and architecture.
    pub os: String,
    /// Always empty: there is no Python here; kept for the column.
    pub python_version: Option<String>,
    /// This project's version.
    pub codecarbon_version: String,
    /// Logical CPUs.
    pub cpu_count: usize,
    /// CPU model name.
    pub cpu_model: Option<String>,
    /// GPUs tracked.
    pub gpu_count: usize,
    /// GPU models, `N x name`.
    pub gpu_model: Option<String>,
    /// Longitude in degrees, when geolocated.
    pub longitude: Option<f64>,
    /// Latitude in degrees, when geolocated.
    pub latitude: Option<f64>,
    /// Total memory of the machine.
    pub ram_total_size: Gigabytes,
    /// `machine` or `process`.
    pub tracking_mode: TrackingMode,
    /// Mean machine CPU utilisation.
    pub cpu_utilization_percent: Percent,
    /// Mean GPU utilisation.
    pub gpu_utilization_percent: Percent,
    /// Mean machine memory utilisation.
    pub ram_utilization_percent: Percent,
    /// Mean memory in use.
    pub ram_used_gb: Gigabytes,
    /// Whether the run was in a cloud region (`Y`/`N`).
    #[serde(serialize_with = "yes_no")]
    pub on_cloud: bool,
    /// Power usage effectiveness applied.
    pub pue: f64,
    /// Water usage effectiveness applied.
    pub wue: LitersPerKwh,
}

fn seconds<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

fn yes_no<S: Serializer>(b: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(if *b { "Y" } else { "N" })
}

/// A float as Python's CSV writer would parse back: shortest round-trip, always with a
/// decimal point or exponent so readers keep the column a float.
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn opt_float(x: Option<f64>) -> String {
    x.map(float).unwrap_or_default()
}

impl EmissionsData {
    /// The record as CSV fields, in [`CSV_COLUMNS`] order; `None` is an empty field.
    pub fn csv_fields(&self) -> [String; 38] {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        [
            self.timestamp.clone(),
            self.project_name.clone(),
            self.run_id.clone(),
            self.experiment_id.clone(),
            float(self.duration.as_secs_f64()),
            float(self.emissions.value()),
            float(self.emissions_rate.value()),
            float(self.cpu_power.value()),
            float(self.gpu_power.value()),
            float(self.ram_power.value()),
            float(self.cpu_energy.value()),
            float(self.gpu_energy.value()),
            float(self.ram_energy.value()),
            float(self.energy_consumed.value()),
            float(self.water_consumed.value()),
            text(&self.country_name),
            text(&self.country_iso_code),
            text(&self.region),
            text(&self.cloud_provider),
            text(&self.cloud_region),
            self.os.clone(),
            text(&self.python_version),
            self.codecarbon_version.clone(),
            self.cpu_count.to_string(),
            text(&self.cpu_model),
            self.gpu_count.to_string(),
            text(&self.gpu_model),
            opt_float(self.longitude),
            opt_float(self.latitude),
            float(self.ram_total_size.value()),
            self.tracking_mode.to_string(),
            float(self.cpu_utilization_percent.value()),
            float(self.gpu_utilization_percent.value()),
            float(self.ram_utilization_percent.value()),
            float(self.ram_used_gb.value()),
            if self.on_cloud { "Y" } else { "N" }.to_string(),
            float(self.pue),
            float(self.wue.value()),
        ]
    }
}

impl EmissionsData {
    /// The record as a task row, in [`TASK_CSV_COLUMNS`] order.
    pub fn task_csv_fields(&self, task_name: &str) -> [String; 36] {
        let mut out: [String; 36] = std::array::from_fn(|_| String::new());
        out[0] = task_name.to_string();
        let kept = self
            .csv_fields()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !is_run_only(*i));
        for (slot, (_, field)) in out.iter_mut().skip(1).zip(kept) {
            *slot = field;
        }
        out
    }
}

/// How one component's numbers were obtained; built with [`ComponentProvenance::new`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ComponentProvenance {
    /// The component.
    pub component: Component,
    /// Measured or estimated.
    pub method: Method,
    /// The power source plugin's name.
    pub source: String,
    /// When the component's energy is the tracked tree's share of a machine measurement: the
    /// machine's energy over the same time, PUE included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_energy: Option<KilowattHours>,
}

impl ComponentProvenance {
    /// `component`'s numbers, obtained by `method` from the power source plugin `source`; not
    /// a share of a machine measurement.
    pub fn new(component: Component, method: Method, source: impl Into<String>) -> Self {
        ComponentProvenance {
            component,
            method,
            source: source.into(),
            machine_energy: None,
        }
    }

    /// With the machine's energy over the same time (PUE included), when the component's
    /// energy is the tracked tree's share of it.
    pub fn with_machine_energy(mut self, energy: impl Into<Option<KilowattHours>>) -> Self {
        self.machine_energy = energy.into();
        self
    }
}

/// How a record's numbers were obtained; later sources (machine totals, unattributed energy)
/// extend it without touching the 38 CSV fields.
///
/// ```
/// use codecarbon_core::{Component, ComponentProvenance, Intensity, Method, Provenance};
///
/// let provenance = Provenance::new(vec![ComponentProvenance::new(
///     Component::Cpu,
///     Method::Measured,
///     "rapl",
/// )])
/// .with_intensity(Intensity::world_average());
/// assert_eq!(provenance.components[0].source, "rapl");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Provenance {
    /// One entry per power source.
    pub components: Vec<ComponentProvenance>,
    /// Where the carbon intensity came from.
    pub intensity: Option<Intensity>,
}

impl Provenance {
    /// One entry per power source; the intensity's origin unknown.
    pub fn new(components: Vec<ComponentProvenance>) -> Provenance {
        Provenance {
            components,
            intensity: None,
        }
    }

    /// With where the carbon intensity came from.
    pub fn with_intensity(mut self, intensity: impl Into<Option<Intensity>>) -> Provenance {
        self.intensity = intensity.into();
        self
    }
}

/// A task's totals: what happened between `start_task` and `stop_task`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskReport {
    /// The task's name.
    pub task_name: String,
    /// Its totals; `duration` is the task's wall time.
    pub data: EmissionsData,
    /// How they were obtained.
    pub provenance: Provenance,
}

/// What sinks receive: the record and its provenance.
///
/// ```
/// use codecarbon_core::{EmissionsData, Provenance, Report, TaskReport};
///
/// let report = Report::new(EmissionsData::default(), Provenance::default());
/// let task = TaskReport::new("load", report.data.clone(), report.provenance.clone());
/// assert_eq!(task.task_name, "load");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Report {
    /// The 38 CodeCarbon fields.
    pub data: EmissionsData,
    /// How they were obtained.
    pub provenance: Provenance,
}

impl Report {
    /// The record and how its numbers were obtained.
    pub fn new(data: EmissionsData, provenance: Provenance) -> Report {
        Report { data, provenance }
    }
}

impl TaskReport {
    /// Task `task_name`'s totals and how they were obtained.
    pub fn new(task_name: impl Into<String>, data: EmissionsData, provenance: Provenance) -> Self {
        TaskReport {
            task_name: task_name.into(),
            data,
            provenance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_columns_are_codecarbons_task_emissions_data() {
        assert_eq!(TASK_CSV_COLUMNS[0], "task_name");
        assert_eq!(TASK_CSV_COLUMNS[1], "timestamp");
        assert_eq!(TASK_CSV_COLUMNS[4], "duration");
        assert_eq!(TASK_CSV_COLUMNS[35], "on_cloud");
        for run_only in ["experiment_id", "pue", "wue"] {
            assert!(!TASK_CSV_COLUMNS.contains(&run_only));
        }
    }
}
