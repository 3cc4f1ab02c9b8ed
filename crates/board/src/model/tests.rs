#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use crate::mass::MassUnit;
use crate::read::read_bytes;
use crate::read::FileRead;

const HEADER: &str = "timestamp,project_name,run_id,duration,emissions,energy_consumed,\
cpu_energy,gpu_energy,ram_energy,country_name,country_iso_code,region,cloud_provider,\
cloud_region,on_cloud";

/// A file's name and text.
struct Input {
    name: String,
    text: Vec<u8>,
}

/// A file of `rows` under [`HEADER`] (`index` is its place among the files, as given).
fn file(name: &str, index: usize, rows: &[&str]) -> Input {
    let _ = index;
    Input {
        name: name.into(),
        text: format!("{HEADER}\n{}\n", rows.join("\n")).into_bytes(),
    }
}

/// The files read in order into one set of runs, as `Board::load` does, and the model built.
fn model_focused(files: &mut [Input], focus: Option<&str>) -> Model {
    let mut runs = Runs::default();
    let mut read: Vec<FileRead> = files
        .iter()
        .enumerate()
        .map(|(i, f)| read_bytes(&f.name, &f.text, i, &mut |row| runs.add(row)))
        .collect();
    build(&mut read, &runs, focus)
}

fn model(files: &mut [Input]) -> Model {
    model_focused(files, None)
}

#[test]
fn totals_are_the_sums_per_project_and_across_all() {
    let mut files = [file(
        "a.csv",
        0,
        &[
            "2024-05-01T10:00:00,alpha,r1,10,0.5,2.0,1,0.5,0.5,Canada,CAN,quebec,,,N",
            "2024-05-01T11:00:00,beta,r2,20,0.25,1.0,0.5,0.25,0.25,France,FRA,,,,N",
            "2024-05-01T12:00:00,alpha,r3,30,0.125,0.5,0.25,0.125,0.125,Canada,CAN,quebec,,,N",
        ],
    )];
    let m = model(&mut files);
    assert_eq!(m.totals.runs, 3);
    assert!((m.totals.emissions.value() - 0.875).abs() < 1e-12);
    assert!((m.totals.energy.value() - 3.5).abs() < 1e-12);
    assert_eq!(m.projects.len(), 3, "all, alpha, beta");
    assert!(m.projects[0].all);
    assert_eq!(m.projects[0].totals, m.totals);
    let alpha = &m.projects[1];
    assert_eq!(alpha.name, "alpha");
    assert!((alpha.totals.emissions.value() - 0.625).abs() < 1e-12);
    assert!((alpha.totals.energy.value() - 2.5).abs() < 1e-12);
    assert_eq!(alpha.totals.duration_s, 40.0);
    assert!((alpha.components.cpu.value() - 1.25).abs() < 1e-12);
    assert!(alpha.components.known);
    let last = alpha.last_run.as_ref().unwrap();
    assert_eq!(last.run_id, "r3");
    assert_eq!(last.emissions, KgCo2eq(0.125));
    assert_eq!(alpha.location, "Quebec, Canada");
    assert_eq!(m.projects[0].location, "Quebec, Canada and 1 other place");
    assert_eq!(m.maps, vec!["world", "ca"]);
    // Equivalents of the project's own totals.
    assert!((alpha.equivalents[0].value - 0.625 / 0.133).abs() < 1e-9);
    // Timeline: cumulative, in time order.
    let points = &alpha.timeline.points;
    assert_eq!(points.len(), 2);
    assert!((points[1].2 - 0.625).abs() < 1e-12);
    assert_eq!(alpha.timeline.unit, MassUnit::Grams);
    // One bar per run; 0.5 kg largest, so grams.
    assert_eq!(alpha.bars.bars.len(), 2);
    assert_eq!(alpha.bars.runs_per_bar, 1);
    assert_eq!(alpha.bars.unit, MassUnit::Grams);
}

#[test]
fn one_project_has_no_all_entry() {
    let mut files = [file(
        "a.csv",
        0,
        &["2024-05-01T10:00:00,solo,r1,10,2,4,,,,,,,,,"],
    )];
    let m = model(&mut files);
    assert_eq!(m.projects.len(), 1);
    assert_eq!(m.projects[0].name, "solo");
    assert!(!m.projects[0].components.known);
    assert_eq!(m.projects[0].bars.unit, MassUnit::Kilograms);
    assert_eq!(m.projects[0].location, "unknown");
}

#[test]
fn bar_units_switch_to_tonnes() {
    let mut files = [file(
        "a.csv",
        0,
        &["2024-05-01T10:00:00,big,r1,10,1500,4000,,,,,,,,,"],
    )];
    let m = model(&mut files);
    assert_eq!(m.projects[0].bars.unit, MassUnit::Tonnes);
    assert_eq!(m.projects[0].timeline.unit, MassUnit::Tonnes);
}

#[test]
fn a_run_written_twice_counts_once_with_its_last_row() {
    let mut files = [file(
        "a.csv",
        0,
        &[
            "2024-05-01T10:00:00,p,r1,10,0.1,1,,,,,,,,,",
            "2024-05-01T10:05:00,p,r1,20,0.3,3,,,,,,,,,",
            "2024-05-01T10:06:00,p,r2,5,0.2,2,,,,,,,,,",
        ],
    )];
    let m = model(&mut files);
    assert_eq!(m.totals.runs, 2);
    assert!((m.totals.emissions.value() - 0.5).abs() < 1e-12);
    assert!(
        m.problems[0].message.contains("1 rows repeat the `run_id`"),
        "{:?}",
        m.problems
    );
}

#[test]
fn many_runs_are_bucketed() {
    let rows: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                "2024-05-01T{:02}:{:02}:{:02},p,r{i},1,0.001,0.01,,,,,,,,,",
                i / 3600,
                (i / 60) % 60,
                i % 60
            )
        })
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let mut files = [file("big.csv", 0, &refs)];
    let m = model(&mut files);
    let p = &m.projects[0];
    assert_eq!(p.totals.runs, 10_000);
    assert!(p.timeline.points.len() <= crate::aggregate::TIMELINE_BUCKETS + 1);
    assert!(p.timeline.bucket_s.is_some());
    let sum: f64 = p.timeline.points.iter().map(|x| x.1).sum();
    assert!((sum - 10.0).abs() < 1e-6);
    assert!((p.timeline.points.last().unwrap().2 - 10.0).abs() < 1e-6);
    let runs: usize = p.timeline.points.iter().map(|x| x.3).sum();
    assert_eq!(runs, 10_000);
    assert!(p.bars.bars.len() <= crate::aggregate::MAX_BARS);
    assert_eq!(p.bars.runs_per_bar, 167);
    let bar_sum: f64 = p.bars.bars.iter().map(|b| b.emissions).sum();
    assert!((bar_sum - 10.0).abs() < 1e-6);
    assert_eq!(p.bars.bars[0].label, "1–167");
    assert_eq!(p.bars.unit, MassUnit::Grams);
}

#[test]
fn cloud_runs_get_every_region_of_the_provider_cleanest_first() {
    let mut files = [file(
        "a.csv",
        0,
        &["2024-05-01T10:00:00,c,r1,10,0.5,10,,,,United States,USA,iowa,gcp,us-central1,Y"],
    )];
    let m = model(&mut files);
    let cloud = m.projects[0].cloud.as_ref().unwrap();
    assert_eq!(cloud.provider, "gcp");
    assert_eq!(cloud.energy, KilowattHours(10.0));
    assert_eq!(cloud.regions.len(), 40);
    assert!(cloud.regions[0].emissions.0 <= cloud.regions[39].emissions.0);
    let here = cloud
        .regions
        .iter()
        .find(|r| r.region.region == "us-central1")
        .unwrap();
    assert!((here.emissions.0 - 10.0 * here.region.intensity.0 / 1000.0).abs() < 1e-12);
    assert_eq!(cloud.current, Some(here.emissions));
    assert!(m.maps.contains(&"us"));
}

#[test]
fn problems_of_all_files_are_gathered_and_capped() {
    let bad: Vec<String> = (0..400)
        .map(|i| format!("2024-05-01T10:00:00,p,r{i},1,x,1,,,,,,,,,"))
        .collect();
    let refs: Vec<&str> = bad.iter().map(String::as_str).collect();
    let mut files = [
        file("bad.csv", 0, &refs),
        Input {
            name: "empty.csv".into(),
            text: Vec::new(),
        },
    ];
    let m = model(&mut files);
    assert_eq!(m.skipped, 400);
    assert_eq!(m.problems_total, 401, "400 rows and the empty file");
    assert_eq!(m.problems.len(), MAX_PROBLEMS);
    assert_eq!(m.totals.runs, 0);
    assert!(m.projects.is_empty());
    assert_eq!(m.files[1].rows, 0);
}

/// `n` projects, project `i` with one run of `i + 1` grams.
fn projects(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            format!(
                "2024-05-01T10:00:00,p{i:03},r{i},1,{},1,,,,,,,,,",
                (i + 1) as f64 / 1000.0
            )
        })
        .collect()
}

#[test]
fn beyond_the_biggest_projects_the_others_are_one_entry() {
    let rows = projects(MAX_PROJECTS + 10);
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let m = model(&mut [file("many.csv", 0, &refs)]);
    assert_eq!(m.projects_total, MAX_PROJECTS + 10);
    assert!(m.projects[0].all);
    assert_eq!(m.projects[0].totals.runs, MAX_PROJECTS + 10);
    let named: Vec<&Project> = m
        .projects
        .iter()
        .filter(|p| !p.all && p.grouped == 0)
        .collect();
    assert_eq!(named.len(), MAX_PROJECTS);
    // The biggest: p010 to p059, by name.
    assert_eq!(named[0].name, "p010");
    let others = m.projects.last().unwrap();
    assert_eq!(others.grouped, 10);
    assert_eq!(others.name, "10 other projects");
    assert_eq!(others.totals.runs, 10);
    assert!((others.totals.emissions.value() - 0.055).abs() < 1e-12);
    let sum: f64 = m.projects[1..]
        .iter()
        .map(|p| p.totals.emissions.value())
        .sum();
    assert!((sum - m.totals.emissions.value()).abs() < 1e-12);
}

#[test]
fn a_project_asked_for_gets_its_entry_however_small() {
    let rows = projects(MAX_PROJECTS + 10);
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let m = model_focused(&mut [file("many.csv", 0, &refs)], Some("p000"));
    let smallest = m.projects.iter().find(|p| p.name == "p000").unwrap();
    assert_eq!(smallest.grouped, 0);
    assert_eq!(smallest.last_run.as_ref().unwrap().run_id, "r0");
    let named = m
        .projects
        .iter()
        .filter(|p| !p.all && p.grouped == 0)
        .count();
    assert_eq!(named, MAX_PROJECTS);
    assert_eq!(
        m.projects.last().unwrap().grouped,
        10,
        "60 = 49 biggest + p000 + 10 grouped"
    );
}

#[test]
fn one_project_more_than_the_limit_is_not_grouped_alone() {
    let rows = projects(MAX_PROJECTS + 1);
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let m = model(&mut [file("many.csv", 0, &refs)]);
    assert!(m.projects.iter().all(|p| p.grouped == 0));
    assert_eq!(m.projects.len(), MAX_PROJECTS + 2, "all, and each project");
}

#[test]
fn a_later_row_of_a_run_moves_it_to_its_project_and_place() {
    let mut files = [file(
        "a.csv",
        0,
        &[
            "2024-05-01T10:00:00,old,r1,10,0.1,1,,,,Canada,CAN,,,,N",
            "2024-05-01T10:05:00,new,r1,20,0.3,3,,,,France,FRA,,,,N",
        ],
    )];
    let m = model(&mut files);
    assert_eq!(m.projects_total, 1);
    assert_eq!(m.projects[0].name, "new");
    assert_eq!(m.projects[0].location, "France");
    assert_eq!(
        m.projects[0].last_run.as_ref().unwrap().timestamp,
        "2024-05-01T10:05:00"
    );
    assert!(!m.maps.contains(&"ca"));
}
