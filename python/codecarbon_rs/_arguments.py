"""CodeCarbon 3.3.2's keyword arguments, declared once.

``EmissionsTracker``, ``OfflineEmissionsTracker`` and ``track_emissions`` take these, by the
same names and in the same order (so that positional arguments mean what they mean to
CodeCarbon). Type checkers and editors read them through ``Unpack``. The place arguments are
``OfflineEmissionsTracker``'s in CodeCarbon; here ``EmissionsTracker`` takes them too, since the
engine uses a configured place before it asks the network.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, TypedDict, Union


class TrackerArguments(TypedDict, total=False):
    """``EmissionsTracker``'s keyword arguments, in CodeCarbon's order."""

    project_name: str
    measure_power_secs: float
    api_call_interval: int
    api_endpoint: str
    api_key: str
    output_dir: str
    output_file: str
    output_methods: Union[List[Any], str]
    save_to_file: bool
    save_to_api: bool
    save_to_logger: bool
    logging_logger: Any
    save_to_prometheus: bool
    save_to_logfire: bool
    prometheus_url: str
    output_handlers: List[Any]
    gpu_ids: Union[List[Union[int, str]], str]
    emissions_endpoint: str
    experiment_id: str
    experiment_name: str
    electricitymaps_api_token: str
    co2_signal_api_token: str
    tracking_mode: str
    log_level: Union[int, str]
    on_csv_write: str
    logger_preamble: str
    force_cpu_power: float
    force_ram_power: float
    pue: float
    wue: float
    force_carbon_intensity_g_co2e_kwh: float
    force_mode_cpu_load: bool
    allow_multiple_runs: bool
    rapl_include_dram: bool
    rapl_prefer_psys: bool
    metadata: Union[Dict[str, Any], str]
    country_iso_code: str
    region: str
    cloud_provider: str
    cloud_region: str
    country_2letter_iso_code: str


class DecoratorArguments(TrackerArguments, total=False):
    """``track_emissions``'s: ``offline=True`` makes an ``OfflineEmissionsTracker``."""

    offline: bool


#: A function ``track_emissions`` wraps.
Wrapped = Callable[..., Any]

#: The arguments whose values are Python objects, not settings: the Python layer uses them.
PYTHON_OBJECTS = ("logging_logger", "output_handlers")

__all__ = [
    "DecoratorArguments",
    "PYTHON_OBJECTS",
    "TrackerArguments",
    "Wrapped",
]
