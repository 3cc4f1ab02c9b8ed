"""Each test runs in an empty working directory with an empty home, no ``CODECARBON_*`` setting
of the machine's environment, and the package's logger at its default level."""

import csv
import logging
import os
from pathlib import Path
from typing import Dict, List

import pytest


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in list(os.environ):
        # CODECARBON_TEST_* name the test's tools, not settings.
        if name.upper().startswith("CODECARBON_") and not name.startswith("CODECARBON_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(work)
    logger = logging.getLogger("codecarbon_rs")
    level = logger.level
    yield work
    logger.setLevel(level)


def rows(path: Path) -> List[Dict[str, str]]:
    """The rows of a CSV file, by column name."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


#: Settings every test tracker shares: offline in France, a short interval.
OFFLINE = {"country_iso_code": "FRA", "measure_power_secs": 1}
