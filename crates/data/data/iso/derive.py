#!/usr/bin/env python3
"""Rebuilds the ISO 3166-1 tables from Unicode CLDR (see data/SOURCES.md, `iso/iso_3166-1.json`).

    npm pack cldr-core@48.2.0 cldr-localenames-full@48.2.0
    mkdir core names
    tar xzf cldr-core-48.2.0.tgz -C core
    tar xzf cldr-localenames-full-48.2.0.tgz -C names
    python3 data/iso/derive.py core/package names/package

- iso/iso_3166-1.json: `{alpha_2, alpha_3, name}` of each country, sorted by alpha-3; the name
  is CLDR's standard English one (`main/en/territories.json`, not its `-alt-` variants).
- maps/iso_3166-1_numeric.json: numeric code -> alpha-3, sorted by numeric code; the board joins
  the world map's numeric ids to the intensity data's alpha-3 keys with it.

The countries are CLDR's own list of ISO 3166-1 (`supplemental/codeMappings.json`): every
alpha-2 code that has both an alpha-3 and a numeric code, except
- the codes CLDR marks deprecated (`territoryAlias` of `supplemental/aliases.json`: AN, BU,
  CS, DD, FX, NT, SU, TP, YD, YU, ZR, ...), which ISO 3166-1 withdrew;
- the user-assigned codes, whose numeric code is 900-999 (ISO 3166-1 leaves that range to its
  users; CLDR gives it to AA, QM-QZ, XA-XZ, ZZ and EU, and Kosovo's XK).
"""
import json
import os
import sys

DATA = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ISO 3166-1 numeric codes from 900 up are user-assigned, never a country.
USER_ASSIGNED = 900


def load(package, *path):
    with open(os.path.join(package, *path), encoding="utf-8") as f:
        return json.load(f)


def countries(core, names):
    """The ISO 3166-1 countries as (alpha_2, alpha_3, numeric, English name), by alpha-3."""
    mappings = load(core, "supplemental", "codeMappings.json")["supplemental"]["codeMappings"]
    aliases = load(core, "supplemental", "aliases.json")["supplemental"]["metadata"]["alias"]
    deprecated = set(aliases["territoryAlias"])
    english = load(names, "main", "en", "territories.json")["main"]["en"]
    english = english["localeDisplayNames"]["territories"]
    out = []
    for alpha_2, codes in mappings.items():
        if len(alpha_2) != 2 or alpha_2 in deprecated:
            continue
        alpha_3, numeric = codes.get("_alpha3"), codes.get("_numeric")
        if alpha_3 is None or numeric is None or int(numeric) >= USER_ASSIGNED:
            continue
        if alpha_2 not in english:
            sys.exit(f"CLDR has no English name for {alpha_2}")
        out.append((alpha_2, alpha_3, numeric, english[alpha_2]))
    return sorted(out, key=lambda c: c[1])


def write(path, value, newline):
    """Writes `value` as the two files have always been written (iso/ without a final newline)."""
    with open(os.path.join(DATA, path), "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=0, separators=(",", ": "))
        if newline:
            f.write("\n")


def main(core, names):
    table = countries(core, names)
    numerics = [numeric for _, _, numeric, _ in table]
    if len(set(numerics)) != len(numerics):
        sys.exit("two countries share a numeric code")
    write("iso/iso_3166-1.json",
          [{"alpha_2": a2, "alpha_3": a3, "name": name} for a2, a3, _, name in table], False)
    write("maps/iso_3166-1_numeric.json",
          dict(sorted((numeric, a3) for _, a3, numeric, _ in table)), True)
    version = load(core, "package.json")["cldrVersion"]
    print(f"{len(table)} countries from CLDR {version}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
