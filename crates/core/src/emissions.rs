//! The emissions record: CodeCarbon's 38 CSV columns, and how each number was obtained. The
//! columns' names, units and formats are in [`crate::record`].

pub use crate::record::{CSV_COLUMNS, TASK_CSV_COLUMNS};

use crate::allocation::Allocation;
use crate::config::TrackingMode;
use crate::intensity::Intensity;
use crate::power::{Component, Method};
use crate::units::{
    Gigabytes, KgCo2eq, KgCo2eqPerSecond, KilowattHours, Liters, LitersPerKwh, Percent, Watts,
};
use serde::Serialize;
use std::time::Duration;

/// One run's cumulative totals: exactly the fields of CodeCarbon's `EmissionsData`, in its order.
///
/// Its columns are described once in [`crate::record`], from which its CSV row and its
/// serialized form (JSON, say: the same keys and units as the CSV) are derived. `Default` is
/// all zeros and empty fields: the way to build one outside this crate is to start from it and
/// set the public fields, so that a column added later breaks no sink:
///
/// ```
/// use codecarbon_core::{EmissionsData, KilowattHours};
///
/// let mut data = EmissionsData::default();
/// data.run_id = "run-1".into();
/// data.energy_consumed = KilowattHours(0.5);
/// assert_eq!(data.csv_fields()[2], "run-1");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
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
    pub on_cloud: bool,
    /// Power usage effectiveness applied.
    pub pue: f64,
    /// Water usage effectiveness applied.
    pub wue: LitersPerKwh,
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
    /// The CPUs and memory the run was allotted, and by whom: the figures of the `cpu_count`
    /// and `ram_total_size` columns.
    pub allocation: Option<Allocation>,
}

impl Provenance {
    /// One entry per power source; the intensity's origin unknown.
    pub fn new(components: Vec<ComponentProvenance>) -> Provenance {
        Provenance {
            components,
            intensity: None,
            allocation: None,
        }
    }

    /// With the CPUs and memory the run was allotted.
    pub fn with_allocation(mut self, allocation: impl Into<Option<Allocation>>) -> Provenance {
        self.allocation = allocation.into();
        self
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
