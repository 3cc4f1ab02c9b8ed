//! The runs read so far, kept small: numbers and interned names, one entry per run, so that a
//! file of a million rows is aggregated in a few hundred bytes per run and no table of rows.
//!
//! CodeCarbon's flush appends a run's totals so far, so a run can have several rows: the last
//! one read holds its totals and replaces the earlier ([`Runs::add`]). A run is recognised by a
//! 64-bit hash of its `run_id` (two different ids of a million would share one with odds of
//! about one in 30 million); a row without a `run_id` is a run of its own.

use crate::read::Row;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// One run: what the page's sums, timeline and bars need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Run {
    /// Order of its (last) row among all rows read: file order, for ties and untimed runs.
    pub seq: u64,
    /// Milliseconds since the Unix epoch, when the timestamp could be read.
    pub time_ms: Option<i64>,
    /// kg CO2eq.
    pub emissions: f64,
    /// kWh.
    pub energy: f64,
    /// Seconds.
    pub duration_s: f64,
    /// CPU, GPU and RAM energy in kWh, when the row had all three.
    pub components: Option<[f64; 3]>,
    /// Index in [`Runs::projects`].
    pub project: u32,
    /// Index in [`Runs::places`].
    pub place: u32,
    /// Index in [`Runs::clouds`], for a run on a cloud whose provider is known.
    pub cloud: Option<u32>,
}

/// Where a run was: `(country_iso_code, country_name, region)`.
pub(crate) type PlaceKey = (String, String, String);

/// A cloud: `(provider, region)`.
pub(crate) type CloudKey = (String, String);

/// Values kept once each, named by their index.
#[derive(Debug)]
pub(crate) struct Interned<T> {
    index: HashMap<T, u32>,
    values: Vec<T>,
}

impl<T> Default for Interned<T> {
    fn default() -> Self {
        Self {
            index: HashMap::new(),
            values: Vec::new(),
        }
    }
}

impl<T: Hash + Eq + Clone> Interned<T> {
    fn id(&mut self, value: T) -> u32 {
        if let Some(&id) = self.index.get(&value) {
            return id;
        }
        let id = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.index.insert(value.clone(), id);
        self.values.push(value);
        id
    }

    /// The value of `id`.
    pub fn get(&self, id: u32) -> &T {
        &self.values[id as usize]
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.values.len()
    }
}

/// The text of a project's most recent run, kept while reading (the runs themselves keep no
/// text).
#[derive(Debug, Clone)]
pub(crate) struct Latest {
    /// `(time or MIN, seq)`: the order in which "most recent" is decided.
    pub order: (i64, u64),
    /// The run's entry in [`Runs::all`].
    pub slot: u32,
    /// `run_id` as written.
    pub run_id: String,
    /// Timestamp as written.
    pub timestamp: String,
}

/// The runs of every file read, each once.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: Vec<Run>,
    by_id: HashMap<u64, u32>,
    /// Project names.
    pub projects: Interned<String>,
    /// Places.
    pub places: Interned<PlaceKey>,
    /// Clouds.
    pub clouds: Interned<CloudKey>,
    /// Per project, its most recent run's text, as far as the rows read tell.
    latest: Vec<Option<Latest>>,
    /// Per file index, how many rows repeated the `run_id` of an earlier row.
    repeated: Vec<usize>,
    /// Rows added.
    seq: u64,
}

fn run_key(run_id: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    run_id.hash(&mut hasher);
    hasher.finish()
}

impl Runs {
    /// Counts `row` in: a new run, or the newer totals of a run already read.
    pub fn add(&mut self, row: Row) {
        let seq = self.seq;
        self.seq += 1;
        let project = self.projects.id(row.project);
        let place = self
            .places
            .id((row.country_iso_code, row.country_name, row.region));
        let cloud = (row.on_cloud && !row.cloud_provider.is_empty())
            .then(|| self.clouds.id((row.cloud_provider, row.cloud_region)));
        let components = match (row.cpu_energy, row.gpu_energy, row.ram_energy) {
            (Some(c), Some(g), Some(r)) => Some([c.value(), g.value(), r.value()]),
            _ => None,
        };
        let run = Run {
            seq,
            time_ms: row.time_ms,
            emissions: row.emissions.value(),
            energy: row.energy.value(),
            duration_s: row.duration_s,
            components,
            project,
            place,
            cloud,
        };
        let slot = match (!row.run_id.is_empty()).then(|| run_key(&row.run_id)) {
            Some(key) => match self.by_id.get(&key) {
                Some(&slot) => {
                    self.runs[slot as usize] = run;
                    if self.repeated.len() <= row.file {
                        self.repeated.resize(row.file + 1, 0);
                    }
                    self.repeated[row.file] += 1;
                    slot
                }
                None => {
                    let slot = self.push(run);
                    self.by_id.insert(key, slot);
                    slot
                }
            },
            None => self.push(run),
        };
        let order = (row.time_ms.unwrap_or(i64::MIN), seq);
        if self.latest.len() <= project as usize {
            self.latest.resize(project as usize + 1, None);
        }
        let latest = &mut self.latest[project as usize];
        if latest.as_ref().is_none_or(|l| order > l.order) {
            *latest = Some(Latest {
                order,
                slot,
                run_id: row.run_id,
                timestamp: row.timestamp,
            });
        }
    }

    fn push(&mut self, run: Run) -> u32 {
        self.runs.push(run);
        u32::try_from(self.runs.len() - 1).unwrap_or(u32::MAX)
    }

    /// Every run, each once.
    pub fn all(&self) -> &[Run] {
        &self.runs
    }

    /// How many rows of the `file`-th file repeated an earlier row's `run_id`.
    pub fn repeated(&self, file: usize) -> usize {
        self.repeated.get(file).copied().unwrap_or(0)
    }

    /// The text of `project`'s most recent run, if the run it names is still the row kept
    /// (it is, unless a later row of that run moved it back in time).
    pub fn latest(&self, project: u32) -> Option<&Latest> {
        let latest = self.latest.get(project as usize)?.as_ref()?;
        let kept = self.runs.get(latest.slot as usize)?;
        (kept.seq == latest.order.1).then_some(latest)
    }
}
