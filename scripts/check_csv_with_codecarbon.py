"""Check that Python CodeCarbon 3.3.2 and pandas accept an emissions.csv written by codecarbon.

Usage: python check_csv_with_codecarbon.py PATH/emissions.csv

Run inside a virtualenv with `pip install codecarbon==3.3.2` (.ci/run makes one). It checks that
pandas reads the file with CodeCarbon's 38 columns in CodeCarbon's order, then lets CodeCarbon's
own OfflineEmissionsTracker append a row to the same file: CodeCarbon backs a file up to `.bak`
when its header differs, so no backup and one more row prove that it sees the same columns.
Prints one line and exits 0 on success, 1 with the reason otherwise.
"""

import dataclasses
import glob
import os
import sys

import pandas as pd
from codecarbon import OfflineEmissionsTracker
from codecarbon.output_methods.emissions_data import EmissionsData


def fail(message):
    print(f"check failed: {message}")
    sys.exit(1)


def main(path):
    expected = [f.name for f in dataclasses.fields(EmissionsData)]
    ours = pd.read_csv(path)
    if list(ours.columns) != expected:
        fail(f"columns differ: {list(ours.columns)} != {expected}")
    if len(ours) < 1:
        fail("no rows")
    for column in ["duration", "emissions", "energy_consumed", "cpu_power", "ram_energy"]:
        if not pd.api.types.is_float_dtype(ours[column]):
            fail(f"{column} is read as {ours[column].dtype}, not a float")

    directory, name = os.path.split(os.path.abspath(path))
    tracker = OfflineEmissionsTracker(
        country_iso_code="CAN",
        output_dir=directory,
        output_file=name,
        measure_power_secs=1,
        log_level="error",
    )
    tracker.start()
    tracker.stop()

    backups = glob.glob(os.path.join(directory, name + "*.bak"))
    if backups:
        fail(f"CodeCarbon did not accept the header and backed the file up: {backups}")
    both = pd.read_csv(path)
    if len(both) != len(ours) + 1 or list(both.columns) != expected:
        fail(f"CodeCarbon's append gave {len(both)} rows, expected {len(ours) + 1}")
    print(f"ok: pandas and CodeCarbon read {len(ours)} row(s) with the same 38 columns")


if __name__ == "__main__":
    main(sys.argv[1])
