//! The dashboard's data: everything the page shows, aggregated here so the page stays small
//! and fast however many rows the files have.

use crate::aggregate::{bars, timeline};
use crate::cloud::{regions, title};
use crate::equivalents::equivalents;
use crate::places::places;
use crate::problem::Problem;
use crate::read::{FileRead, Row};
pub use crate::view::{
    CloudView, Components, FileSummary, LastRun, Model, Place, Project, RegionEmissions, Totals,
};
use codecarbon_core::{KgCo2eq, KilowattHours};
use std::collections::{BTreeMap, HashMap};

/// At most this many problems travel to the page (the count says how many there were).
pub const MAX_PROBLEMS: usize = 300;

/// Runs, once each: rows that repeat a `run_id` replace the earlier row (CodeCarbon's flush
/// appends a run's totals so far, so the last row of a run holds its totals).
fn runs(files: &mut [FileRead]) -> Vec<Row> {
    let mut slots: Vec<Option<Row>> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut repeated = vec![0usize; files.len()];
    for file in files.iter() {
        for row in &file.rows {
            if !row.run_id.is_empty() {
                if let Some(old) = seen.insert(row.run_id.clone(), slots.len()) {
                    slots[old] = None;
                    repeated[row.file.min(files.len() - 1)] += 1;
                }
            }
            slots.push(Some(row.clone()));
        }
    }
    for (file, count) in files.iter_mut().zip(repeated) {
        if count > 0 {
            file.problems.push(Problem::file(
                &file.name,
                format!(
                    "{count} rows repeat the `run_id` of an earlier row (a flush writes a run's \
                     totals so far): each run counts once, with its last row"
                ),
            ));
        }
    }
    slots.into_iter().flatten().collect()
}

fn place_label(row: &Row) -> String {
    let region = title(&row.region);
    let mut parts: Vec<&str> = Vec::new();
    if !region.is_empty() {
        parts.push(&region);
    }
    if !row.country_name.is_empty() {
        parts.push(&row.country_name);
    } else if !row.country_iso_code.is_empty() {
        parts.push(&row.country_iso_code);
    }
    let mut label = if parts.is_empty() {
        "unknown".to_string()
    } else {
        parts.join(", ")
    };
    if row.on_cloud && !row.cloud_provider.is_empty() {
        label = format!("{label} ({} {})", row.cloud_provider, row.cloud_region);
    }
    label
}

fn last_run<'a>(rows: &[&'a Row]) -> Option<&'a Row> {
    rows.iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.time_ms.unwrap_or(i64::MIN), *i))
        .map(|(_, r)| *r)
}

fn places_of(rows: &[&Row]) -> Vec<Place> {
    let mut map: BTreeMap<(String, String), Place> = BTreeMap::new();
    for row in rows {
        let key = (row.country_iso_code.clone(), row.region.clone());
        map.entry(key)
            .or_insert_with(|| Place {
                country_iso_code: row.country_iso_code.clone(),
                country_name: row.country_name.clone(),
                region: row.region.clone(),
                totals: Totals::default(),
            })
            .totals
            .add(row);
    }
    let mut places: Vec<Place> = map.into_values().collect();
    places.sort_by(|a, b| b.totals.energy.0.total_cmp(&a.totals.energy.0));
    places
}

fn cloud_view(rows: &[&Row], last: Option<&Row>) -> Option<CloudView> {
    let last_cloud = rows
        .iter()
        .filter(|r| r.on_cloud && !r.cloud_provider.is_empty())
        .max_by_key(|r| r.time_ms.unwrap_or(i64::MIN))
        .copied()
        .or(last.filter(|r| r.on_cloud && !r.cloud_provider.is_empty()))?;
    let provider = last_cloud.cloud_provider.clone();
    let energy = rows
        .iter()
        .filter(|r| r.on_cloud && r.cloud_provider == provider)
        .fold(KilowattHours::ZERO, |sum, r| sum + r.energy);
    let mut list: Vec<RegionEmissions> = regions(&provider)
        .into_iter()
        .map(|region| RegionEmissions {
            emissions: KgCo2eq(energy.value() * region.intensity.value() / 1000.0),
            region,
        })
        .collect();
    list.sort_by(|a, b| a.emissions.0.total_cmp(&b.emissions.0));
    let current = list
        .iter()
        .find(|r| {
            r.region
                .region
                .eq_ignore_ascii_case(&last_cloud.cloud_region)
        })
        .map(|r| r.emissions);
    Some(CloudView {
        provider,
        region: last_cloud.cloud_region.clone(),
        energy,
        regions: list,
        current,
    })
}

fn project(name: &str, all: bool, rows: &[&Row]) -> Project {
    let mut totals = Totals::default();
    let mut components = Components::default();
    for row in rows {
        totals.add(row);
        if let (Some(c), Some(g), Some(r)) = (row.cpu_energy, row.gpu_energy, row.ram_energy) {
            components.cpu += c;
            components.gpu += g;
            components.ram += r;
            components.known = true;
        }
    }
    let last = last_run(rows);
    let places = places_of(rows);
    let mut location = last.map(place_label).unwrap_or_else(|| "unknown".into());
    if places.len() > 1 {
        let others = places.len() - 1;
        let word = if others == 1 { "place" } else { "places" };
        location = format!("{location} and {others} other {word}");
    }
    Project {
        name: name.to_string(),
        all,
        totals,
        components,
        location,
        places,
        last_run: last.map(|r| LastRun {
            run_id: r.run_id.clone(),
            timestamp: r.timestamp.clone(),
            energy: r.energy,
            emissions: r.emissions,
            duration_s: r.duration_s,
        }),
        equivalents: equivalents(totals.emissions, totals.energy),
        timeline: timeline(rows),
        bars: bars(rows),
        cloud: cloud_view(rows, last),
    }
}

/// Builds the model from the files read (adds to their problems the runs written twice).
pub fn build(files: &mut [FileRead]) -> Model {
    let runs = runs(files);
    let mut by_project: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in &runs {
        by_project.entry(&row.project).or_default().push(row);
    }
    let all_rows: Vec<&Row> = runs.iter().collect();
    let mut projects = Vec::new();
    if by_project.len() > 1 {
        projects.push(project("All projects", true, &all_rows));
    }
    for (name, rows) in &by_project {
        projects.push(project(name, false, rows));
    }
    let mut totals = Totals::default();
    for row in &runs {
        totals.add(row);
    }
    let (places, place_problem) = match places() {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(Problem::file("(maps)", e.to_string()))),
    };
    let mut maps = vec!["world"];
    if runs.iter().any(|r| r.country_iso_code == "USA") {
        maps.push("us");
    }
    if runs.iter().any(|r| r.country_iso_code == "CAN") {
        maps.push("ca");
    }
    let all_problems: Vec<Problem> = files
        .iter()
        .flat_map(|f| f.problems.iter().cloned())
        .chain(place_problem)
        .collect();
    Model {
        version: codecarbon_core::VERSION,
        files: files
            .iter()
            .map(|f| FileSummary {
                name: f.name.clone(),
                rows: f.rows.len(),
                skipped: f.skipped,
            })
            .collect(),
        problems_total: all_problems.len(),
        problems: all_problems.into_iter().take(MAX_PROBLEMS).collect(),
        rows: files.iter().map(|f| f.rows.len()).sum(),
        skipped: files.iter().map(|f| f.skipped).sum(),
        totals,
        projects,
        places,
        maps,
    }
}

#[cfg(test)]
mod tests;
