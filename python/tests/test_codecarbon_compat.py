"""Python CodeCarbon 3.3.2 itself reads the emissions.csv this package writes and appends to it.

It runs from the Python that ``CODECARBON_TEST_PYTHON`` names (``.ci/run`` installs CodeCarbon
in a virtualenv of its own); without it the test is skipped, and under ``CI`` it fails."""

import os
import subprocess

import pytest

from codecarbon_rs import OfflineEmissionsTracker, _native

from conftest import rows

APPEND_AND_READ = """
import sys, pandas
from codecarbon import OfflineEmissionsTracker
tracker = OfflineEmissionsTracker(
    country_iso_code="FRA", output_dir=sys.argv[1], measure_power_secs=1,
    project_name="python-codecarbon", log_level="error",
)
tracker.start()
tracker.stop()
frame = pandas.read_csv(sys.argv[1] + "/emissions.csv")
print(len(frame), len(frame.columns), frame["project_name"].tolist()[0], frame["emissions"].dtype)
"""


def codecarbon_python():
    python = os.environ.get("CODECARBON_TEST_PYTHON")
    if not python:
        if os.environ.get("CI"):
            pytest.fail("CI must set CODECARBON_TEST_PYTHON (see .ci/run)")
        pytest.skip("set CODECARBON_TEST_PYTHON to a Python with codecarbon==3.3.2")
    return python


def test_codecarbon_reads_and_appends_to_our_file(workdir):
    python = codecarbon_python()
    tracker = OfflineEmissionsTracker(country_iso_code="FRA", project_name="codecarbon-rs")
    tracker.start()
    tracker.stop()
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("CODECARBON_")}
    done = subprocess.run(
        [python, "-c", APPEND_AND_READ, str(workdir)],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    count, columns, first_project, dtype = done.stdout.split()
    assert (int(count), int(columns)) == (2, len(_native.COLUMNS))
    assert first_project == "codecarbon-rs"
    assert dtype == "float64"
    written = rows(workdir / "emissions.csv")
    assert [row["project_name"] for row in written] == ["codecarbon-rs", "python-codecarbon"]
    assert list(written[1]) == _native.COLUMNS
