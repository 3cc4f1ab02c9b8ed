//! The dashboard's data: everything the page shows, aggregated here so the page stays small
//! and fast however many rows the files have.

use crate::aggregate::{bars, timeline};
use crate::cloud::{regions, title};
use crate::equivalents::equivalents;
use crate::places::places;
use crate::problem::Problem;
use crate::read::FileRead;
use crate::runs::{Run, Runs};
use crate::time::format_ms;
pub use crate::view::{
    CloudView, Components, FileSummary, LastRun, Model, Place, Project, RegionEmissions, Totals,
};
use codecarbon_core::{KgCo2eq, KilowattHours};
use std::collections::BTreeMap;

/// At most this many problems travel to the page (the count says how many there were).
pub const MAX_PROBLEMS: usize = 300;

/// At most this many projects have a page of their own, the biggest by emissions (and the one
/// asked for by name); the others are grouped into one entry, so that the page's size does not
/// grow with the number of projects.
pub const MAX_PROJECTS: usize = 50;

/// Notes, per file, the rows that repeated an earlier row's `run_id`.
fn note_repeated(files: &mut [FileRead], runs: &Runs) {
    for (index, file) in files.iter_mut().enumerate() {
        let count = runs.repeated(index);
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
}

fn place_label(runs: &Runs, run: &Run) -> String {
    let (iso, country, region) = runs.places.get(run.place);
    let region = title(region);
    let mut parts: Vec<&str> = Vec::new();
    if !region.is_empty() {
        parts.push(&region);
    }
    if !country.is_empty() {
        parts.push(country);
    } else if !iso.is_empty() {
        parts.push(iso);
    }
    let mut label = if parts.is_empty() {
        "unknown".to_string()
    } else {
        parts.join(", ")
    };
    if let Some(cloud) = run.cloud {
        let (provider, cloud_region) = runs.clouds.get(cloud);
        label = format!("{label} ({provider} {cloud_region})");
    }
    label
}

/// The most recent of `group` (in time order): the last timed run, else the last read.
fn last_run<'a>(group: &[&'a Run]) -> Option<&'a Run> {
    group
        .iter()
        .max_by_key(|r| (r.time_ms.unwrap_or(i64::MIN), r.seq))
        .copied()
}

fn places_of(runs: &Runs, group: &[&Run]) -> Vec<Place> {
    let mut map: BTreeMap<u32, Totals> = BTreeMap::new();
    for run in group {
        map.entry(run.place).or_default().add(run);
    }
    let mut places: Vec<Place> = map
        .into_iter()
        .map(|(id, totals)| {
            let (iso, name, region) = runs.places.get(id);
            Place {
                country_iso_code: iso.clone(),
                country_name: name.clone(),
                region: region.clone(),
                totals,
            }
        })
        .collect();
    places.sort_by(|a, b| {
        b.totals
            .energy
            .0
            .total_cmp(&a.totals.energy.0)
            .then_with(|| (&a.country_iso_code, &a.region).cmp(&(&b.country_iso_code, &b.region)))
    });
    places
}

fn cloud_view(runs: &Runs, group: &[&Run]) -> Option<CloudView> {
    let last_cloud = group
        .iter()
        .filter(|r| r.cloud.is_some())
        .max_by_key(|r| (r.time_ms.unwrap_or(i64::MIN), r.seq))?;
    let (provider, region) = runs.clouds.get(last_cloud.cloud?);
    let energy = group
        .iter()
        .filter(|r| r.cloud.is_some_and(|c| runs.clouds.get(c).0 == *provider))
        .fold(KilowattHours::ZERO, |sum, r| sum + KilowattHours(r.energy));
    let mut list: Vec<RegionEmissions> = regions(provider)
        .into_iter()
        .map(|region| RegionEmissions {
            emissions: KgCo2eq(energy.value() * region.intensity.value() / 1000.0),
            region,
        })
        .collect();
    list.sort_by(|a, b| a.emissions.0.total_cmp(&b.emissions.0));
    let current = list
        .iter()
        .find(|r| r.region.region.eq_ignore_ascii_case(region))
        .map(|r| r.emissions);
    Some(CloudView {
        provider: provider.clone(),
        region: region.clone(),
        energy,
        regions: list,
        current,
    })
}

/// What the page shows for `group`, runs in time order (untimed last).
fn project(runs: &Runs, name: &str, all: bool, group: &[&Run], text_of: Option<u32>) -> Project {
    let mut totals = Totals::default();
    let mut components = Components::default();
    for run in group {
        totals.add(run);
        if let Some([c, g, r]) = run.components {
            components.cpu += KilowattHours(c);
            components.gpu += KilowattHours(g);
            components.ram += KilowattHours(r);
            components.known = true;
        }
    }
    let last = last_run(group);
    let places = places_of(runs, group);
    let mut location = last
        .map(|r| place_label(runs, r))
        .unwrap_or_else(|| "unknown".into());
    if places.len() > 1 {
        let others = places.len() - 1;
        let word = if others == 1 { "place" } else { "places" };
        location = format!("{location} and {others} other {word}");
    }
    Project {
        name: name.to_string(),
        all,
        grouped: 0,
        totals,
        components,
        location,
        places,
        last_run: last.map(|r| last_run_of(runs, r, text_of)),
        equivalents: equivalents(totals.emissions, totals.energy),
        timeline: timeline(group),
        bars: bars(group),
        cloud: cloud_view(runs, group),
    }
}

/// The last run as shown: with its `run_id` and timestamp as written when the rows read kept
/// them (for a project's own entry), else its time as read.
fn last_run_of(runs: &Runs, run: &Run, text_of: Option<u32>) -> LastRun {
    let latest = text_of
        .and_then(|project| runs.latest(project))
        .filter(|l| l.order.1 == run.seq);
    LastRun {
        run_id: latest.map(|l| l.run_id.clone()).unwrap_or_default(),
        timestamp: latest
            .map(|l| l.timestamp.clone())
            .or_else(|| run.time_ms.map(format_ms))
            .unwrap_or_default(),
        energy: KilowattHours(run.energy),
        emissions: KgCo2eq(run.emissions),
        duration_s: run.duration_s,
    }
}

/// Runs in time order: by time, those without one after the others, ties in the order read.
fn in_time_order(group: &mut [&Run]) {
    group.sort_unstable_by_key(|r| (r.time_ms.is_none(), r.time_ms.unwrap_or(0), r.seq));
}

/// Builds the model from the runs read from `files` (and adds to their problems the runs
/// written twice). `focus` names a project that gets its entry whatever its size.
pub(crate) fn build(files: &mut [FileRead], runs: &Runs, focus: Option<&str>) -> Model {
    note_repeated(files, runs);
    let all = runs.all();
    let mut by_project: Vec<Vec<&Run>> = vec![Vec::new(); runs.projects.len()];
    for run in all {
        by_project[run.project as usize].push(run);
    }
    // Projects with rows (a project whose only run moved to another name has none).
    let mut ids: Vec<u32> = (0..by_project.len())
        .filter(|&i| !by_project[i].is_empty())
        .filter_map(|i| u32::try_from(i).ok())
        .collect();
    // Each project's emissions, summed once rather than at each comparison of the sort.
    let emissions: Vec<f64> = by_project
        .iter()
        .map(|group| group.iter().map(|r| r.emissions).sum())
        .collect();
    ids.sort_by(|a, b| {
        emissions[*b as usize]
            .total_cmp(&emissions[*a as usize])
            .then(a.cmp(b))
    });
    let focused = focus.and_then(|name| {
        ids.iter()
            .position(|&id| runs.projects.get(id) == name)
            .map(|at| ids.remove(at))
    });
    let keep = MAX_PROJECTS.saturating_sub(usize::from(focused.is_some()));
    let (mut shown, grouped) = if ids.len() > keep + 1 {
        let grouped = ids.split_off(keep);
        (ids, grouped)
    } else {
        (ids, Vec::new())
    };
    shown.extend(focused);
    shown.sort_by(|a, b| runs.projects.get(*a).cmp(runs.projects.get(*b)));

    let mut projects = Vec::new();
    let project_count = shown.len() + grouped.len();
    if project_count > 1 {
        let mut group: Vec<&Run> = all.iter().collect();
        in_time_order(&mut group);
        projects.push(project(runs, "All projects", true, &group, None));
    }
    for id in &shown {
        let group = &mut by_project[*id as usize];
        in_time_order(group);
        projects.push(project(
            runs,
            runs.projects.get(*id),
            false,
            group,
            Some(*id),
        ));
    }
    if !grouped.is_empty() {
        let mut group: Vec<&Run> = grouped
            .iter()
            .flat_map(|id| by_project[*id as usize].iter().copied())
            .collect();
        in_time_order(&mut group);
        let name = format!("{} other projects", grouped.len());
        let mut others = project(runs, &name, false, &group, None);
        others.grouped = grouped.len();
        projects.push(others);
    }
    let mut totals = Totals::default();
    for run in all {
        totals.add(run);
    }
    let (places, place_problem) = match places() {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(Problem::file("(maps)", e.to_string()))),
    };
    let mut maps = vec!["world"];
    let in_country = |iso: &str| all.iter().any(|r| runs.places.get(r.place).0 == iso);
    if in_country("USA") {
        maps.push("us");
    }
    if in_country("CAN") {
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
                rows: f.rows,
                skipped: f.skipped,
            })
            .collect(),
        // A file keeps the first MAX_PROBLEMS of its skipped rows' problems and counts the rest.
        problems_total: all_problems.len()
            + files
                .iter()
                .map(|f| f.skipped.saturating_sub(MAX_PROBLEMS))
                .sum::<usize>(),
        problems: all_problems.into_iter().take(MAX_PROBLEMS).collect(),
        rows: files.iter().map(|f| f.rows).sum(),
        skipped: files.iter().map(|f| f.skipped).sum(),
        totals,
        projects_total: project_count,
        projects,
        places,
        maps,
    }
}

#[cfg(test)]
mod tests;
