"""``EmissionsData``: a run's or a task's totals, with CodeCarbon's attribute names."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any, Dict, Optional


@dataclasses.dataclass
class EmissionsData:
    """The 38 columns of ``emissions.csv``, as CodeCarbon's ``EmissionsData`` has them.

    Energies are in kWh, powers in W, emissions in kg CO2eq, durations in seconds, water in
    litres. The fields follow the engine's record, in its order (a test holds them to it).
    """

    timestamp: str
    project_name: str
    run_id: str
    experiment_id: str
    duration: float
    emissions: float
    emissions_rate: float
    cpu_power: float
    gpu_power: float
    ram_power: float
    cpu_energy: float
    gpu_energy: float
    ram_energy: float
    energy_consumed: float
    water_consumed: float
    country_name: str
    country_iso_code: str
    region: str
    cloud_provider: str
    cloud_region: str
    os: str
    python_version: str
    codecarbon_version: str
    cpu_count: int
    cpu_model: str
    gpu_count: int
    gpu_model: str
    longitude: Optional[float]
    latitude: Optional[float]
    ram_total_size: float
    tracking_mode: str
    cpu_utilization_percent: float
    gpu_utilization_percent: float
    ram_utilization_percent: float
    ram_used_gb: float
    on_cloud: str
    pue: float
    wue: float

    @property
    def values(self) -> "OrderedDict[str, Any]":
        """The fields by name, in the CSV's order, as CodeCarbon's ``values``."""
        return OrderedDict(dataclasses.asdict(self))

    @classmethod
    def _from_native(cls, fields: Dict[str, Any]) -> "EmissionsData":
        return cls(**fields)
