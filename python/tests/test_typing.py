"""The typed surface: py.typed, the stubs of the native module, EmissionsData's fields."""

import dataclasses
import inspect
from pathlib import Path

import codecarbon_rs
from codecarbon_rs import EmissionsData, _native
from codecarbon_rs._arguments import TrackerArguments


def test_emissions_data_has_the_engines_columns_in_order():
    assert [f.name for f in dataclasses.fields(EmissionsData)] == _native.COLUMNS


def test_the_package_is_marked_typed_and_stubs_its_native_module():
    root = Path(codecarbon_rs.__file__).parent
    assert (root / "py.typed").exists()
    stub = (root / "_native.pyi").read_text()
    public = [name for name in dir(_native) if not name.startswith("_")]
    for name in public:
        assert name in stub, f"_native.pyi does not declare {name}"
    for method in ("start", "flush", "stop", "start_task", "stop_task"):
        assert f"def {method}(" in stub


def test_the_arguments_are_codecarbons():
    # CodeCarbon 3.3.2's EmissionsTracker arguments, then OfflineEmissionsTracker's place.
    expected = [
        "project_name", "measure_power_secs", "api_call_interval", "api_endpoint", "api_key",
        "output_dir", "output_file", "output_methods", "save_to_file", "save_to_api",
        "save_to_logger", "logging_logger", "save_to_prometheus", "save_to_logfire",
        "prometheus_url", "output_handlers", "gpu_ids", "emissions_endpoint", "experiment_id",
        "experiment_name", "electricitymaps_api_token", "co2_signal_api_token", "tracking_mode",
        "log_level", "on_csv_write", "logger_preamble", "force_cpu_power", "force_ram_power",
        "pue", "wue", "force_carbon_intensity_g_co2e_kwh", "force_mode_cpu_load",
        "allow_multiple_runs", "rapl_include_dram", "rapl_prefer_psys", "metadata",
        "country_iso_code", "region", "cloud_provider", "cloud_region",
        "country_2letter_iso_code",
    ]
    assert list(TrackerArguments.__annotations__) == expected


def test_the_public_api_is_documented():
    for name in codecarbon_rs.__all__:
        item = getattr(codecarbon_rs, name)
        if callable(item):
            assert inspect.getdoc(item), f"{name} has no docstring"
