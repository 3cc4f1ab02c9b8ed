"""start_task and stop_task, as CodeCarbon's: a task's totals, and its rows in their own file."""

import time

from codecarbon_rs import EmissionsData, OfflineEmissionsTracker

from conftest import OFFLINE, rows


def test_a_task_returns_its_own_totals(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    time.sleep(0.3)
    tracker.start_task("epoch-1")
    time.sleep(0.5)
    task = tracker.stop_task("epoch-1")
    total = tracker.stop()
    assert isinstance(task, EmissionsData)
    assert 0.45 <= task.duration < tracker.final_emissions_data.duration
    assert 0 < task.emissions < total
    assert task.run_id == tracker.final_emissions_data.run_id


def test_stop_task_without_a_name_ends_the_last_one_started(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    tracker.start_task("outer")
    tracker.start_task("inner")
    inner = tracker.stop_task()
    outer = tracker.stop_task()
    tracker.stop()
    assert inner is not None and outer is not None
    assert inner.duration <= outer.duration


def test_a_task_without_a_name_gets_one(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    tracker.start_task()
    assert tracker.stop_task() is not None
    tracker.stop()


def test_each_task_is_a_row_of_the_runs_task_file(workdir):
    tracker = OfflineEmissionsTracker(experiment_name="exp", **OFFLINE)
    tracker.start()
    for epoch in range(3):
        tracker.start_task(f"epoch-{epoch}")
        time.sleep(0.05)
        tracker.stop_task(f"epoch-{epoch}")
    run_id = tracker.run_id
    tracker.stop()
    written = rows(workdir / f"emissions_exp_{run_id}.csv")
    assert [row["task_name"] for row in written] == ["epoch-0", "epoch-1", "epoch-2"]


def test_stopping_a_task_that_is_not_running_logs_and_returns_none(workdir, caplog):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    assert tracker.stop_task("never-started") is None
    tracker.stop()
    assert any("never-started" in r.getMessage() for r in caplog.records)
