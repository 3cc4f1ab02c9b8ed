//! A short training through the public function: the loss goes down, and the run's row and the
//! task file (a row per epoch) are written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use codecarbon_example_train::{train, TrainOptions};

#[test]
fn two_epochs_learn_and_write_the_run_and_its_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let options = TrainOptions {
        points: 800,
        epochs: 2,
        ..TrainOptions::new(dir.path())
    };
    let mut seen = 0;
    let report = train(&options, |_| seen += 1).unwrap();

    assert_eq!(seen, 2);
    let [first, second] = &report.epochs[..] else {
        panic!("{} epochs", report.epochs.len())
    };
    assert!(
        second.loss < first.loss,
        "loss {} then {}",
        first.loss,
        second.loss
    );
    assert!(first.totals.energy_consumed.value() > 0.0);

    assert_eq!(report.emissions_csv, dir.path().join("emissions.csv"));
    let runs = rows(&report.emissions_csv);
    assert_eq!(runs.len(), 1);
    assert_eq!(&runs[0][2], report.run.run_id);

    assert!(report.task_csv.starts_with(dir.path()));
    let tasks = rows(&report.task_csv);
    assert_eq!(tasks.len(), 2);
    assert_eq!(&tasks[0][0], "epoch 1");
    assert_eq!(&tasks[1][0], "epoch 2");
}

fn rows(path: &std::path::Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}
