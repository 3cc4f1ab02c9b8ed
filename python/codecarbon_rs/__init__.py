"""codecarbon-rs: CodeCarbon's API on codecarbon's Rust engine.

Switching from CodeCarbon is one import::

    from codecarbon_rs import EmissionsTracker

    with EmissionsTracker(project_name="training") as tracker:
        train()
    print(tracker.final_emissions, "kg CO2eq")

The library's records go to the ``codecarbon_rs`` logger of Python's ``logging``.
"""

from ._data import EmissionsData
from ._native import VERSION as __version__
from ._tracker import EmissionsTracker, OfflineEmissionsTracker, track_emissions

__all__ = [
    "EmissionsData",
    "EmissionsTracker",
    "OfflineEmissionsTracker",
    "__version__",
    "track_emissions",
]
