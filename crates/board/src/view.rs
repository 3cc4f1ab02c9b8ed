//! What the page is given: the model's types, serialized to the JSON the page's script reads.

use crate::aggregate::{Bars, Timeline};
use crate::cloud::CloudRegion;
use crate::equivalents::Equivalent;
use crate::places::Places;
use crate::problem::Problem;
use crate::runs::Run;
use codecarbon_core::{KgCo2eq, KilowattHours};
use serde::Serialize;

/// Sums over a set of runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Energy used.
    pub energy: KilowattHours,
    /// CO2eq emitted.
    pub emissions: KgCo2eq,
    /// Runs counted.
    pub runs: usize,
    /// Seconds of runs.
    pub duration_s: f64,
}

impl Totals {
    /// Counts `run` in.
    pub(crate) fn add(&mut self, run: &Run) {
        self.energy += KilowattHours(run.energy);
        self.emissions += KgCo2eq(run.emissions);
        self.runs += 1;
        self.duration_s += run.duration_s;
    }
}

/// One input file, as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSummary {
    /// The path as given.
    pub name: String,
    /// Rows read.
    pub rows: usize,
    /// Rows skipped.
    pub skipped: usize,
}

/// Energy by component, summed over the rows that know it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Components {
    /// CPU energy.
    pub cpu: KilowattHours,
    /// GPU energy.
    pub gpu: KilowattHours,
    /// RAM energy.
    pub ram: KilowattHours,
    /// Whether any row had the three columns.
    pub known: bool,
}

/// Where some of a project's runs were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// ISO 3166-1 alpha-3 (upper case; empty when unknown).
    pub country_iso_code: String,
    /// Country name as written.
    pub country_name: String,
    /// Region, lower case.
    pub region: String,
    /// Totals of the runs there.
    pub totals: Totals,
}

/// The most recent run of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LastRun {
    /// `run_id`.
    pub run_id: String,
    /// Timestamp as written.
    pub timestamp: String,
    /// Energy.
    pub energy: KilowattHours,
    /// Emissions.
    pub emissions: KgCo2eq,
    /// Seconds.
    pub duration_s: f64,
}

/// One region of the cloud comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionEmissions {
    /// The region.
    #[serde(flatten)]
    pub region: CloudRegion,
    /// The project's cloud energy times the region's intensity.
    pub emissions: KgCo2eq,
}

/// The same energy in every region of the provider the project ran on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CloudView {
    /// Provider of the last cloud run.
    pub provider: String,
    /// Its region.
    pub region: String,
    /// Energy of the project's runs on that provider.
    pub energy: KilowattHours,
    /// Every region, cleanest first.
    pub regions: Vec<RegionEmissions>,
    /// The emissions in the region used (when the provider's data has it).
    pub current: Option<KgCo2eq>,
}

/// What the page shows for one project (or for all of them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    /// Its name.
    pub name: String,
    /// True for the "all projects" entry.
    pub all: bool,
    /// For the entry that groups the smaller projects (beyond
    /// [`MAX_PROJECTS`](crate::MAX_PROJECTS)), how many it groups; 0 for any other.
    pub grouped: usize,
    /// Sums.
    pub totals: Totals,
    /// Energy by component.
    pub components: Components,
    /// "region, country" of the last run, and how many other places there were.
    pub location: String,
    /// Places with runs, most energy first.
    pub places: Vec<Place>,
    /// The most recent run.
    pub last_run: Option<LastRun>,
    /// Equivalents of the project's totals.
    pub equivalents: Vec<Equivalent>,
    /// Emissions over time.
    pub timeline: Timeline,
    /// Emissions per run (or per group of runs).
    pub bars: Bars,
    /// The cloud comparison, for a project whose last cloud run is known.
    pub cloud: Option<CloudView>,
}

/// Everything on the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    /// This build's version.
    pub version: &'static str,
    /// Input files.
    pub files: Vec<FileSummary>,
    /// Explanations of what is not shown, the first [`MAX_PROBLEMS`](crate::MAX_PROBLEMS).
    pub problems: Vec<Problem>,
    /// How many problems there were in all.
    pub problems_total: usize,
    /// Rows read in all files.
    pub rows: usize,
    /// Rows skipped in all files.
    pub skipped: usize,
    /// Across all projects.
    pub totals: Totals,
    /// "All projects" first when there are several, then each project by name (the biggest
    /// [`MAX_PROJECTS`](crate::MAX_PROJECTS) by emissions and the one asked for), then one
    /// entry for the others, if any.
    pub projects: Vec<Project>,
    /// How many projects the files have.
    pub projects_total: usize,
    /// Reference data for the maps.
    pub places: Option<Places>,
    /// Which outlines the page needs: `world`, and `us` and `ca` when runs were there.
    pub maps: Vec<&'static str>,
}
