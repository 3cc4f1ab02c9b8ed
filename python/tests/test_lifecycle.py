"""start, flush, stop, the context manager and final_emissions_data, as CodeCarbon has them."""

import platform
import time

from codecarbon_rs import EmissionsData, EmissionsTracker, OfflineEmissionsTracker, _native

from conftest import OFFLINE, rows


def test_start_flush_stop_return_the_emissions_and_write_rows(workdir):
    tracker = OfflineEmissionsTracker(project_name="lifecycle", **OFFLINE)
    tracker.start()
    time.sleep(0.3)
    flushed = tracker.flush()
    time.sleep(0.3)
    stopped = tracker.stop()
    assert isinstance(flushed, float) and isinstance(stopped, float)
    assert 0 < flushed <= stopped
    data = tracker.final_emissions_data
    assert isinstance(data, EmissionsData)
    assert data.emissions == stopped == tracker.final_emissions
    assert data.project_name == "lifecycle"
    assert data.country_name == "France" and data.country_iso_code == "FRA"
    assert data.python_version == platform.python_version()
    assert data.duration >= 0.6
    assert abs(data.energy_consumed - (data.cpu_energy + data.gpu_energy + data.ram_energy)) < 1e-12
    written = rows(workdir / "emissions.csv")
    assert len(written) == 2  # the flush's row, then the stop's (append mode)
    assert list(written[0]) == _native.COLUMNS
    assert written[1]["run_id"] == written[0]["run_id"] == data.run_id
    assert float(written[1]["emissions"]) == stopped
    assert written[1]["python_version"] == platform.python_version()


def test_a_second_stop_returns_the_same_totals_and_writes_nothing(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    first = tracker.stop()
    assert tracker.stop() == first
    assert len(rows(workdir / "emissions.csv")) == 1


def test_the_context_manager_starts_and_stops(workdir):
    with OfflineEmissionsTracker(**OFFLINE) as tracker:
        assert tracker.run_id is not None
        time.sleep(0.1)
    assert tracker.run_id is None
    assert tracker.final_emissions is not None and tracker.final_emissions > 0
    assert len(rows(workdir / "emissions.csv")) == 1


def test_a_tracker_started_again_makes_a_new_run(workdir):
    tracker = OfflineEmissionsTracker(**OFFLINE)
    tracker.start()
    tracker.stop()
    tracker.start()
    tracker.stop()
    written = rows(workdir / "emissions.csv")
    assert len({row["run_id"] for row in written}) == 2


def test_positional_arguments_follow_codecarbons_order(workdir):
    tracker = EmissionsTracker("positional", 1, country_iso_code="FRA")
    tracker.start()
    tracker.stop()
    assert tracker.final_emissions_data.project_name == "positional"


def test_arguments_map_to_codecarbons_settings(workdir):
    out = workdir / "out"
    tracker = OfflineEmissionsTracker(
        output_dir=str(out),
        output_file="mine.csv",
        output_methods=["csv", "json"],
        pue=2.0,
        wue=1.5,
        tracking_mode="process",
        on_csv_write="update",
        experiment_id="exp-7",
        **OFFLINE,
    )
    tracker.start()
    tracker.flush()
    tracker.stop()
    written = rows(out / "mine.csv")
    assert len(written) == 1  # update mode: the stop replaced the flush's row
    row = written[0]
    assert row["pue"] == "2.0" and row["wue"] == "1.5"
    assert row["tracking_mode"] == "process" and row["experiment_id"] == "exp-7"
    assert abs(float(row["water_consumed"]) - 1.5 * float(row["energy_consumed"])) < 1e-12
    assert (out / "mine.jsonl").exists()


def test_power_arguments_reach_the_models(workdir):
    tracker = OfflineEmissionsTracker(force_ram_power=5, pue=2.0, **OFFLINE)
    tracker.start()
    time.sleep(0.2)
    tracker.stop()
    # A constant 5 W of RAM, times the PUE.
    assert abs(tracker.final_emissions_data.ram_power - 10.0) < 1e-6


def test_config_files_and_variables_are_read_below_the_arguments(workdir, monkeypatch):
    (workdir / ".codecarbon.config").write_text(
        "[codecarbon]\nproject_name = from-file\ncountry_iso_code = DEU\npue = 1.5\n"
    )
    monkeypatch.setenv("CODECARBON_PUE", "1.25")
    tracker = EmissionsTracker(measure_power_secs=1)
    tracker.start()
    tracker.stop()
    data = tracker.final_emissions_data
    assert data.project_name == "from-file"
    assert data.country_iso_code == "DEU"
    assert data.pue == 1.25  # the variable is above the file
    tracker = EmissionsTracker(pue=3.0)
    tracker.start()
    tracker.stop()
    assert tracker.final_emissions_data.pue == 3.0  # the argument is above both


def test_the_two_letter_country_code_is_honoured(workdir):
    tracker = OfflineEmissionsTracker(country_2letter_iso_code="DE", measure_power_secs=1)
    tracker.start()
    tracker.stop()
    assert tracker.final_emissions_data.country_iso_code == "DEU"


def test_metadata_as_a_dict_is_the_boamps_reports_context(workdir):
    import json

    task = {
        "taskStage": "training",
        "taskFamily": "classification",
        "algorithms": [{"algorithmType": "linear"}],
        "dataset": [{"dataUsage": "input", "dataType": "tabular"}],
    }
    tracker = OfflineEmissionsTracker(
        output_methods=["csv", "boamps"], metadata={"task": task}, **OFFLINE
    )
    tracker.start()
    tracker.stop()
    run_id = tracker.final_emissions_data.run_id
    report = json.loads((workdir / f"boamps_report_{run_id}.json").read_text())
    assert report["task"]["taskFamily"] == "classification"
    assert report["header"]["reportId"] == run_id
