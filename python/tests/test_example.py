"""The scikit-learn example trains, with one task per epoch, and writes CodeCarbon's files."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import rows

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "train_sklearn.py"


def test_the_sklearn_example_measures_each_epoch(workdir):
    if importlib.util.find_spec("sklearn") is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs scikit-learn in the test virtualenv (see .ci/run)")
        pytest.skip("scikit-learn is not installed")
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--epochs", "3", "--output-dir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("accuracy") == 3
    run = rows(workdir / "emissions.csv")
    assert [row["project_name"] for row in run] == ["sklearn-sgd"]
    tasks = rows(workdir / f"emissions_epochs_{run[0]['run_id']}.csv")
    assert [row["task_name"] for row in tasks] == ["epoch-1", "epoch-2", "epoch-3"]
    assert all(float(row["energy_consumed"]) > 0 for row in tasks)
