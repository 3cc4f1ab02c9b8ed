#!/usr/bin/env python3
"""Golden carbon intensities computed by Python CodeCarbon 3.3.2 itself.

Writes crates/data/tests/golden/intensity_codecarbon_3.3.2.json, which the test
crates/data/tests/golden.rs compares with `codecarbon_data::lookup` (1e-6 relative).

Every value is the result of CodeCarbon's own code path for 1 kWh, in kg CO2eq,
times 1000, i.e. g CO2eq/kWh:

- countries, US states, Canadian and Chinese provinces, Nordic zones:
  `Emissions(DataSource()).get_private_infra_emissions(Energy(1), GeoMetadata(iso, region=...))`
  (no Electricity Maps token, so the static data is used). For each regional
  entry the script also calls the regional path directly (`get_region_emissions`,
  `_try_get_china_province_emissions`, `_try_get_nordic_region_emissions`) and
  checks the two agree, so that a silent fall-back to the country value cannot
  hide in the golden file.
- GCP regions: `get_cloud_emissions(Energy(1), CloudMetadata("gcp", region))`,
  with `get_cloud_country_name`, `get_cloud_country_iso_code` and
  `get_cloud_geo_region` recorded next to it.
- ISO 3166-1 codes (from crates/data/data/iso/iso_3166-1.json in this repository) that are
  not in global_energy_mix.json: CodeCarbon's world-average fallback.

Enumeration uses the data files of the installed package, not this repository's
copies, so the comparison also catches a drifted copy.

Regenerate (needs PyPI once for the install; the script itself is offline):

    python3 -m venv /tmp/cc
    /tmp/cc/bin/pip install codecarbon==3.3.2
    /tmp/cc/bin/python scripts/golden_intensity.py

Run from anywhere; paths are relative to this file.
"""

import json
import logging
import math
import sys
from pathlib import Path

import codecarbon
from codecarbon.core.emissions import Emissions
from codecarbon.core.units import Energy
from codecarbon.external.geography import CloudMetadata, GeoMetadata
from codecarbon.input import DataSource

EXPECTED_VERSION = "3.3.2"
ROOT = Path(__file__).resolve().parent.parent
ISO_TABLE = ROOT / "crates" / "data" / "data" / "iso" / "iso_3166-1.json"
OUT = ROOT / "crates" / "data" / "tests" / "golden" / f"intensity_codecarbon_{EXPECTED_VERSION}.json"


def g_per_kwh(kg_for_one_kwh):
    return kg_for_one_kwh * 1000.0


def main():
    if codecarbon.__version__ != EXPECTED_VERSION:
        sys.exit(f"codecarbon {codecarbon.__version__} installed; this script needs {EXPECTED_VERSION}")
    logging.getLogger("codecarbon").setLevel(logging.CRITICAL)

    source = DataSource()
    emissions = Emissions(source)
    one = Energy(kWh=1.0)
    entries = []

    def private(kind, iso, region=None, direct=None):
        geo = GeoMetadata(country_iso_code=iso, region=region)
        value = g_per_kwh(emissions.get_private_infra_emissions(one, geo))
        if direct is not None:
            d = direct(geo)
            if d is None:
                sys.exit(f"{kind} {iso}/{region}: CodeCarbon's regional path found nothing")
            if g_per_kwh(d) != value:
                sys.exit(f"{kind} {iso}/{region}: regional {g_per_kwh(d)} != private-infra {value}")
        entries.append({"kind": kind, "country_iso_code": iso, "region": region, "g_per_kwh": value})

    mix = source.get_global_energy_mix_data()
    for iso in sorted(mix):
        private("country", iso)

    iso_table = json.loads(ISO_TABLE.read_text(encoding="utf-8"))
    for row in sorted(iso_table, key=lambda r: r["alpha_3"]):
        if row["alpha_3"] not in mix:
            private("world_average", row["alpha_3"])

    regional = lambda geo: emissions.get_region_emissions(one, geo)  # noqa: E731
    usa = source.get_country_emissions_data("usa")
    for state in sorted(k for k in usa if not k.startswith("_")):
        private("us_state", "USA", state, regional)

    canada = source.get_country_energy_mix_data("can")
    for province in sorted(canada):
        private("canada_province", "CAN", province, regional)

    china = source.get_china_provincial_emissions_data()["data"]
    china_direct = lambda geo: emissions._try_get_china_province_emissions(one, geo)  # noqa: E731
    for code in sorted(china):
        record = china[code]
        for name in record["names"]:
            private("china_province", "CHN", name, china_direct)
        # CodeCarbon's normalisation: case, spacing and a " Province" suffix.
        private("china_province", "CHN", f"  {record['description']}   Province ", china_direct)

    nordic = source.get_nordic_country_energy_mix_data()["data"]
    nordic_direct = lambda geo: emissions._try_get_nordic_region_emissions(one, geo)  # noqa: E731
    country_of_zone = {"SE": "SWE", "NO": "NOR", "FI": "FIN"}
    for zone in sorted(nordic):
        private("nordic_zone", country_of_zone[zone[:2]], zone.lower(), nordic_direct)

    cloud = source.get_cloud_emissions_data()
    for _, row in cloud.sort_values(["provider", "region"]).iterrows():
        meta = CloudMetadata(provider=row["provider"], region=row["region"])
        geo_region = emissions.get_cloud_geo_region(meta)
        entries.append(
            {
                "kind": "cloud",
                "cloud_provider": row["provider"],
                "cloud_region": row["region"],
                "g_per_kwh": g_per_kwh(emissions.get_cloud_emissions(one, meta)),
                "country_name": emissions.get_cloud_country_name(meta),
                "country_iso_code": emissions.get_cloud_country_iso_code(meta),
                # pandas reads an empty `state` as NaN, which CodeCarbon returns as is
                # (it checks `is not None`); recorded as null.
                "geo_region": None if isinstance(geo_region, float) and math.isnan(geo_region) else geo_region,
            }
        )

    document = {
        "_about": "Carbon intensity in g CO2eq/kWh computed by Python CodeCarbon's own code; "
        "regenerate with scripts/golden_intensity.py",
        "codecarbon_version": codecarbon.__version__,
        "python": sys.version.split()[0],
        "energy_kwh": 1.0,
        "entries": entries,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} entries to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
