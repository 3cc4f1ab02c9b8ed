"""`codecarbon-rs` and `python -m codecarbon_rs`: the `codecarbon` command line."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import rows


def command():
    found = shutil.which("codecarbon-rs") or str(Path(sys.executable).parent / "codecarbon-rs")
    assert Path(found).exists(), "the codecarbon-rs console script is not installed"
    return found


def test_the_console_script_runs_the_command_line():
    done = subprocess.run([command(), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith("codecarbon")


def test_monitor_tracks_a_command_and_passes_its_exit_code_on(workdir):
    done = subprocess.run(
        [
            sys.executable, "-m", "codecarbon_rs", "monitor", "--offline",
            "--country-iso-code", "FRA", "--measure-power-secs", "1",
            "--", sys.executable, "-c", "import sys, time; time.sleep(0.3); sys.exit(3)",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    written = rows(workdir / "emissions.csv")
    assert len(written) == 1
    assert written[0]["tracking_mode"] == "process"
    assert float(written[0]["duration"]) >= 0.3


def test_a_usage_error_exits_with_2():
    done = subprocess.run(
        [command(), "monitor", "--no-such-flag"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "--no-such-flag" in done.stderr


def test_intensity_answers_from_the_embedded_data():
    done = subprocess.run(
        [sys.executable, "-m", "codecarbon_rs", "intensity", "--country-iso-code", "FRA"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "France" in done.stdout
