"""A tracker the program never stopped is stopped at exit: the run keeps its row."""

import subprocess
import sys

from conftest import rows

SCRIPT = """
from codecarbon_rs import OfflineEmissionsTracker
tracker = OfflineEmissionsTracker(country_iso_code="FRA", project_name="forgotten")
tracker.start()
"""


def test_a_tracker_left_running_writes_its_row_at_exit(workdir):
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=workdir, timeout=60)
    assert done.returncode == 0
    assert [row["project_name"] for row in rows(workdir / "emissions.csv")] == ["forgotten"]
