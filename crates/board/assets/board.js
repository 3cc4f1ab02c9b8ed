// carbonboard: draws the dashboard from the JSON model that `codecarbon board` embeds in the
// page. Plain JavaScript and hand-written SVG: no framework, no library, no network request.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";
  var CO2 = "CO\u2082eq";

  // ---------------------------------------------------------------- small DOM helpers
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function sv(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function setAll(node, attrs) {
    for (var k in attrs || {}) {
      if (attrs[k] === undefined || attrs[k] === null) continue;
      if (k === "text") node.textContent = attrs[k];
      else if (k === "on") for (var e in attrs.on) node.addEventListener(e, attrs.on[e]);
      else node.setAttribute(k, attrs[k]);
    }
  }
  function append(node, children) {
    if (children === undefined || children === null) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
  }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function title(text) {
    return sv("title", { text: text });
  }

  // ---------------------------------------------------------------- numbers and units
  function num(v, digits) {
    if (!isFinite(v)) return "\u2013";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e-3 && a < 1e15) {
      return v.toLocaleString("en-US", { maximumSignificantDigits: digits || 3 });
    }
    return v.toExponential((digits || 3) - 1);
  }
  function massParts(kg) {
    var a = Math.abs(kg);
    if (a >= 1000) return [kg / 1000, "t"];
    if (a >= 1) return [kg, "kg"];
    if (a >= 0.001 || a === 0) return [kg * 1000, "g"];
    return [kg * 1e6, "mg"];
  }
  function mass(kg) {
    var p = massParts(kg);
    return num(p[0]) + " " + p[1] + " " + CO2;
  }
  function energyParts(kwh) {
    var a = Math.abs(kwh);
    if (a >= 1000) return [kwh / 1000, "MWh"];
    if (a >= 1) return [kwh, "kWh"];
    if (a >= 0.001 || a === 0) return [kwh * 1000, "Wh"];
    return [kwh * 3.6e6, "J"];
  }
  function energy(kwh) {
    var p = energyParts(kwh);
    return num(p[0]) + " " + p[1];
  }
  function duration(s) {
    if (!(s > 0)) return "\u2013";
    if (s < 60) return num(s) + " s";
    if (s < 3600) return num(s / 60) + " min";
    if (s < 86400 * 2) return num(s / 3600) + " h";
    return num(s / 86400) + " days";
  }
  function plural(n, word) {
    return n.toLocaleString("en-US") + " " + word + (n === 1 ? "" : "s");
  }
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  // Timestamps are shown as written in the file (the page reads them as UTC).
  function date(ms) {
    var d = new Date(ms);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  }
  function clock(ms, seconds) {
    var d = new Date(ms);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + (seconds ? ":" + pad(d.getUTCSeconds()) : "");
  }
  function stamp(ms) {
    return date(ms) + " " + clock(ms, true);
  }
  function titleCase(s) {
    return s.replace(/\b\w/g, function (c) { return c.toUpperCase(); });
  }

  // Round axis ticks: 1, 2 or 5 times a power of ten.
  function ticks(max, count) {
    if (!(max > 0)) return { step: 1, top: 1, values: [0, 1] };
    var raw = max / (count || 5);
    var p = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * p; }).find(function (s) { return s >= raw; });
    var top = Math.ceil(max / step - 1e-9) * step;
    var values = [];
    for (var v = 0; v <= top + step / 2; v += step) values.push(v);
    return { step: step, top: top, values: values };
  }
  var TIME_STEPS = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400];
  function timeTicks(t0, t1, count) {
    var span = (t1 - t0) / 1000;
    var step = TIME_STEPS.find(function (s) { return span / s <= count; }) || 365 * 86400;
    var ms = step * 1000;
    var out = [];
    for (var t = Math.ceil(t0 / ms) * ms; t <= t1; t += ms) out.push(t);
    var label = step >= 86400 ? date : step >= 60 ? function (t) { return clock(t, false); } : function (t) { return clock(t, true); };
    var spansDays = date(t0) !== date(t1);
    return out.map(function (t) {
      var text = label(t);
      if (step < 86400 && spansDays && clock(t, false) === "00:00") text = date(t);
      return [t, text];
    });
  }

  // ---------------------------------------------------------------- colour scales
  function hex(c) {
    return [1, 3, 5].map(function (i) { return parseInt(c.slice(i, i + 2), 16); });
  }
  function scale(stops) {
    var rgb = stops.map(function (s) { return [s[0], hex(s[1])]; });
    return function (v) {
      if (v <= rgb[0][0]) return stops[0][1];
      for (var i = 1; i < rgb.length; i++) {
        if (v <= rgb[i][0]) {
          var f = (v - rgb[i - 1][0]) / (rgb[i][0] - rgb[i - 1][0]);
          var c = rgb[i - 1][1].map(function (a, k) { return Math.round(a + f * (rgb[i][1][k] - a)); });
          return "rgb(" + c.join(",") + ")";
        }
      }
      return stops[stops.length - 1][1];
    };
  }
  var INTENSITY = {
    stops: [[0, "#1a9850"], [100, "#66bd63"], [250, "#d9ef8b"], [400, "#fee08b"], [550, "#fc8d59"], [750, "#d73027"], [900, "#7f0000"]],
    max: 900, open: true, ticks: [0, 300, 600, 900], unit: "g " + CO2 + "/kWh",
  };
  var PERCENT = {
    stops: [[0, "#eff3ff"], [25, "#bdd7e7"], [50, "#6baed6"], [75, "#3182bd"], [100, "#08519c"]],
    max: 100, ticks: [0, 25, 50, 75, 100], unit: "% of generation",
  };
  INTENSITY.colour = scale(INTENSITY.stops);
  PERCENT.colour = scale(PERCENT.stops);

  function legend(spec, width) {
    var id = "grad-" + Math.random().toString(36).slice(2);
    var w = width || 320, h = 10;
    var grad = sv("linearGradient", { id: id });
    spec.stops.forEach(function (s) {
      grad.appendChild(sv("stop", { offset: (100 * s[0] / spec.max) + "%", "stop-color": s[1] }));
    });
    var g = sv("svg", { class: "legend", viewBox: "0 0 " + (w + 85) + " 44", width: w + 85, height: 44, role: "img", "aria-label": "colour scale, " + spec.unit });
    g.appendChild(sv("defs", {}, grad));
    g.appendChild(sv("rect", { x: 10, y: 4, width: w, height: h, fill: "url(#" + id + ")", rx: 2 }));
    spec.ticks.forEach(function (v) {
      var x = 10 + w * v / spec.max;
      g.appendChild(sv("line", { x1: x, x2: x, y1: 4 + h, y2: 4 + h + 4, class: "tick" }));
      g.appendChild(sv("text", { x: x, y: 30, "text-anchor": "middle", class: "tick-label", text: num(v) + (v === spec.max && spec.open ? "+" : "") }));
    });
    g.appendChild(sv("text", { x: 10 + w / 2, y: 42, "text-anchor": "middle", class: "axis-label", text: spec.unit }));
    var nodata = sv("g", {}, [
      sv("rect", { x: w + 50, y: 4, width: 14, height: h, class: "nodata" }),
      sv("text", { x: w + 57, y: 30, "text-anchor": "middle", class: "tick-label", text: "no data" }),
    ]);
    g.appendChild(nodata);
    return g;
  }

  // ---------------------------------------------------------------- TopoJSON and projections
  // Decodes a TopoJSON topology's arcs (delta-encoded, quantized) into absolute coordinates.
  function decodeArcs(topo) {
    var t = topo.transform;
    return topo.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        if (t) {
          x += p[0]; y += p[1];
          return [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]];
        }
        return [p[0], p[1]];
      });
    });
  }
  function ring(arcs, indices) {
    var points = [];
    indices.forEach(function (i) {
      var a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      a.forEach(function (p, k) { if (k > 0 || points.length === 0) points.push(p); });
    });
    return points;
  }
  // A ring that crosses the antimeridian (a jump of more than 180 degrees between two points)
  // is made continuous, then held to [-180, 180]: its far side lies along the map's edge.
  function antimeridian(points) {
    var jump = points.some(function (p, i) { return i > 0 && Math.abs(p[0] - points[i - 1][0]) > 180; });
    if (!jump) return points;
    var east = points.filter(function (p) { return p[0] > 0; }).length * 2 > points.length;
    return points.map(function (p) {
      var lon = p[0];
      if (east && lon < 0) lon += 360;
      if (!east && lon > 0) lon -= 360;
      return [Math.max(-180, Math.min(180, lon)), p[1]];
    });
  }
  // Each geometry of `object` as {id, name, polygons: [[ring, hole, ...], ...]}.
  function features(topo, object, spherical) {
    var arcs = decodeArcs(topo);
    return topo.objects[object].geometries.map(function (g) {
      var polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      return {
        id: g.id,
        name: (g.properties && g.properties.name) || "",
        polygons: polys.map(function (p) {
          return p.map(function (r) { var pts = ring(arcs, r); return spherical ? antimeridian(pts) : pts; });
        }),
      };
    });
  }
  function equalEarth(lon, lat) {
    var A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796, M = Math.sqrt(3) / 2;
    var l = lon * Math.PI / 180, p = lat * Math.PI / 180;
    var th = Math.asin(M * Math.sin(p)), t2 = th * th, t6 = t2 * t2 * t2;
    return [l * Math.cos(th) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2))),
      -(th * (A1 + A2 * t2 + t6 * (A3 + A4 * t2)))];
  }
  function albers(lon0, lat1, lat2) {
    var r = Math.PI / 180, s1 = Math.sin(lat1 * r), n = (s1 + Math.sin(lat2 * r)) / 2;
    var c = 1 + s1 * (2 * n - s1);
    return function (lon, lat) {
      var rho = Math.sqrt(Math.max(0, c - 2 * n * Math.sin(lat * r))) / n;
      var a = (lon - lon0) * r * n;
      return [rho * Math.sin(a), rho * Math.cos(a)];
    };
  }
  function flat(x, y) { return [x, y]; }
  // SVG path strings for the features, fitted into width x height.
  function paths(feats, project, width, height) {
    var projected = feats.map(function (f) {
      return f.polygons.map(function (poly) {
        return poly.map(function (r) { return r.map(function (p) { return project(p[0], p[1]); }); });
      });
    });
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    projected.forEach(function (f) { f.forEach(function (poly) { poly.forEach(function (r) { r.forEach(function (p) {
      if (p[0] < x0) x0 = p[0]; if (p[0] > x1) x1 = p[0]; if (p[1] < y0) y0 = p[1]; if (p[1] > y1) y1 = p[1];
    }); }); }); });
    var k = Math.min(width / (x1 - x0), height / (y1 - y0));
    var dx = (width - k * (x1 - x0)) / 2, dy = (height - k * (y1 - y0)) / 2;
    return projected.map(function (f) {
      var d = "";
      f.forEach(function (poly) { poly.forEach(function (r) {
        r.forEach(function (p, i) {
          d += (i ? "L" : "M") + (dx + k * (p[0] - x0)).toFixed(1) + "," + (dy + k * (p[1] - y0)).toFixed(1);
        });
        d += "Z";
      }); });
      return d;
    });
  }

  // ---------------------------------------------------------------- the page's state
  var model, maps = {}, state = { project: 0, worldLayer: "intensity" };
  var sections = {};

  function section(id, heading, note) {
    var s = el("section", { id: id, class: "card" }, [el("h2", { text: heading })]);
    if (note) s.appendChild(el("p", { class: "note", text: note }));
    return s;
  }
  function stat(id, label, value, raw, detail) {
    return el("div", { class: "stat" }, [
      el("div", { class: "stat-label", text: label }),
      el("div", { id: id, class: "stat-value", "data-value": raw === undefined ? null : String(raw), text: value }),
      detail ? el("div", { class: "stat-detail", text: detail }) : null,
    ]);
  }
  // Runs `draw` and, if it throws, says so in place (and in the console) instead of
  // leaving the whole page blank.
  function guarded(container, draw) {
    try {
      draw();
    } catch (e) {
      console.error("carbonboard:", e);
      container.appendChild(el("p", { class: "error", text: "This part could not be drawn: " + e.message }));
    }
  }

  // ---------------------------------------------------------------- header and totals
  function header() {
    var files = model.files.map(function (f) {
      return f.name + " (" + plural(f.rows, "row") + (f.skipped ? ", " + f.skipped + " skipped" : "") + ")";
    }).join(" \u00b7 ");
    var toggle = el("button", { id: "theme-toggle", class: "theme-toggle", type: "button", "aria-label": "switch light or dark theme",
      on: { click: function () { setTheme(document.documentElement.dataset.theme === "dark" ? "light" : "dark", true); } } });
    return el("header", { class: "top" }, [
      el("div", {}, [
        el("h1", {}, ["carbon", el("span", { text: "board" })]),
        el("p", { class: "subtitle", text: "Energy and emissions of " + plural(model.totals.runs, "run") + ", from " + files }),
      ]),
      toggle,
    ]);
  }
  function totals() {
    var t = model.totals;
    var s = section("totals", "Across all projects");
    s.appendChild(el("div", { class: "stats" }, [
      stat("total-energy", "Energy used", energy(t.energy), t.energy),
      stat("total-emissions", "Emissions", mass(t.emissions), t.emissions),
      stat("total-runs", "Runs", t.runs.toLocaleString("en-US"), t.runs),
      stat("total-projects", "Projects", model.projects_total.toLocaleString("en-US")),
      stat("total-duration", "Time measured", duration(t.duration_s)),
    ]));
    return s;
  }

  // ---------------------------------------------------------------- the project
  function selector() {
    var select = el("select", { id: "project-select", "aria-label": "project",
      on: { change: function (e) { state.project = Number(e.target.value); drawProject(); } } });
    model.projects.forEach(function (p, i) {
      select.appendChild(el("option", { value: String(i), text: p.name + " (" + plural(p.totals.runs, "run") + ")" }));
    });
    var label = el("label", { class: "selector" }, [el("span", { text: "Project" }), select]);
    var grouped = model.projects.filter(function (p) { return p.grouped > 0; })[0];
    if (!grouped) return label;
    return el("div", {}, [label, el("p", { class: "note", id: "grouped-note",
      text: "The " + grouped.grouped.toLocaleString("en-US") + " smallest projects by emissions are grouped into one entry; " +
        "codecarbon board --project NAME FILE.csv gives any one of them an entry of its own." })]);
  }
  function projectCard(p) {
    var s = section("project", p.all ? "All projects" : "Project: " + p.name);
    var last = p.last_run;
    s.appendChild(el("div", { class: "stats" }, [
      stat("project-location", "Where", p.location),
      stat("project-energy", "Energy used", energy(p.totals.energy), p.totals.energy, plural(p.totals.runs, "run") + ", " + duration(p.totals.duration_s)),
      stat("project-emissions", "Emissions", mass(p.totals.emissions), p.totals.emissions),
      stat("last-energy", "Last run: energy", last ? energy(last.energy) : "\u2013", last ? last.energy : null, last ? last.timestamp + (last.duration_s ? ", " + duration(last.duration_s) : "") : null),
      stat("last-emissions", "Last run: emissions", last ? mass(last.emissions) : "\u2013", last ? last.emissions : null),
    ]));
    if (p.components.known) s.appendChild(componentsBar(p.components));
    return s;
  }
  function componentsBar(c) {
    var parts = [["CPU", c.cpu, "c-cpu"], ["GPU", c.gpu, "c-gpu"], ["RAM", c.ram, "c-ram"]];
    var total = c.cpu + c.gpu + c.ram;
    var w = 600, x = 0;
    var svg = sv("svg", { class: "components", viewBox: "0 0 " + w + " 22", preserveAspectRatio: "none", role: "img", "aria-label": "energy by component" });
    parts.forEach(function (p) {
      var width = total > 0 ? w * p[1] / total : 0;
      if (width > 0) svg.appendChild(sv("rect", { x: x, y: 0, width: width, height: 22, class: p[2] }, title(p[0] + ": " + energy(p[1]))));
      x += width;
    });
    var keys = el("div", { class: "keys" }, parts.map(function (p) {
      var share = total > 0 ? 100 * p[1] / total : 0;
      return el("span", { class: "key" }, [el("i", { class: p[2] }), p[0] + " " + energy(p[1]) + " (" + num(share, 2) + "%)"]);
    }));
    return el("div", { class: "components-wrap" }, [el("div", { class: "stat-label", text: "Energy by component" }), svg, keys]);
  }
  function equivalentsCard(p) {
    var s = section("equivalents", "Equivalents", "What this project's " + mass(p.totals.emissions) + " (and " + energy(p.totals.energy) + ") equal");
    s.appendChild(el("div", { class: "equivalents" }, p.equivalents.map(function (q) {
      return el("div", { class: "equivalent", id: "eq-" + q.key }, [
        el("div", { class: "eq-value", "data-value": String(q.value), text: num(q.value) }),
        el("div", { class: "eq-unit", text: q.unit }),
        el("div", { class: "eq-source", text: q.source }),
      ]);
    })));
    return s;
  }

  // ---------------------------------------------------------------- charts
  var W = 900, H = 300, M = { l: 70, r: 20, t: 16, b: 56 };
  function axes(svg, yTicks, yMax, toY, yLabel, xLabel) {
    yTicks.forEach(function (v) {
      var y = toY(v);
      svg.appendChild(sv("line", { x1: M.l, x2: W - M.r, y1: y, y2: y, class: "grid" }));
      svg.appendChild(sv("text", { x: M.l - 8, y: y + 4, "text-anchor": "end", class: "tick-label", text: num(v) }));
    });
    svg.appendChild(sv("line", { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, class: "axis" }));
    svg.appendChild(sv("text", { x: 16, y: (M.t + H - M.b) / 2, transform: "rotate(-90 16 " + (M.t + H - M.b) / 2 + ")", "text-anchor": "middle", class: "axis-label", text: yLabel }));
    svg.appendChild(sv("text", { x: (M.l + W - M.r) / 2, y: H - 8, "text-anchor": "middle", class: "axis-label", text: xLabel }));
  }
  function timelineCard(p) {
    var tl = p.timeline;
    var s = section("timeline", "Emissions over time");
    if (!tl.points.length) {
      s.appendChild(el("p", { class: "empty", text: "No run has a readable timestamp, so there is no timeline." }));
      return s;
    }
    var factor = { g: 1000, kg: 1, t: 0.001 }[tl.unit];
    var t0 = tl.points[0][0], t1 = tl.points[tl.points.length - 1][0];
    if (t1 - t0 < 60000) { t0 -= 30 * 60000; t1 += 30 * 60000; }
    var top = tl.points[tl.points.length - 1][2] * factor;
    var yt = ticks(top, 5);
    var toX = function (t) { return M.l + (W - M.l - M.r) * (t - t0) / (t1 - t0); };
    var toY = function (v) { return H - M.b - (H - M.t - M.b) * v / yt.top; };
    var svg = sv("svg", { id: "timeline-chart", class: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "cumulative emissions over time", "data-unit": tl.unit });
    axes(svg, yt.values, yt.top, toY, "Cumulative emissions (" + tl.unit + " " + CO2 + ")", "Time (as written in the files)");
    timeTicks(t0, t1, 8).forEach(function (t) {
      var x = toX(t[0]);
      svg.appendChild(sv("line", { x1: x, x2: x, y1: H - M.b, y2: H - M.b + 5, class: "tick" }));
      svg.appendChild(sv("text", { x: x, y: H - M.b + 20, "text-anchor": "middle", class: "tick-label", text: t[1] }));
    });
    var line = "", area = "M" + toX(tl.points[0][0]).toFixed(1) + "," + toY(0).toFixed(1);
    tl.points.forEach(function (pt, i) {
      var xy = toX(pt[0]).toFixed(1) + "," + toY(pt[2] * factor).toFixed(1);
      line += (i ? "L" : "M") + xy;
      area += "L" + xy;
    });
    area += "L" + toX(tl.points[tl.points.length - 1][0]).toFixed(1) + "," + toY(0).toFixed(1) + "Z";
    svg.appendChild(sv("path", { d: area, class: "area" }));
    svg.appendChild(sv("path", { d: line, class: "line" }));
    // Dots while they are few; past 100, invisible targets that still give each point's numbers.
    var dense = tl.points.length > 100;
    tl.points.forEach(function (pt) {
      svg.appendChild(sv("circle", { cx: toX(pt[0]), cy: toY(pt[2] * factor), r: dense ? 4 : 3.5, class: dense ? "hit" : "dot" },
        title(stamp(pt[0]) + ": " + (pt[3] > 1 ? plural(pt[3], "run") + ", " : "") + "+" + mass(pt[1]) + ", total " + mass(pt[2]))));
    });
    s.appendChild(svg);
    var what = tl.bucket_s ? "each point sums the runs of " + duration(tl.bucket_s) : "each point is a run";
    s.appendChild(el("div", { class: "keys" }, [
      el("span", { class: "key" }, [el("i", { class: "k-line" }), "cumulative emissions (" + what + ")"]),
      tl.untimed ? el("span", { class: "key muted", text: plural(tl.untimed, "run") + " without a readable timestamp left out" }) : null,
    ]));
    return s;
  }
  function barsCard(p) {
    var b = p.bars;
    var per = b.runs_per_bar;
    var s = section("runs", per > 1 ? "Emissions per group of " + per.toLocaleString("en-US") + " runs" : "Emissions per run");
    if (!b.bars.length) {
      s.appendChild(el("p", { class: "empty", text: "No runs." }));
      return s;
    }
    var factor = { g: 1000, kg: 1, t: 0.001 }[b.unit];
    var max = Math.max.apply(null, b.bars.map(function (x) { return x.emissions * factor; }));
    var yt = ticks(max, 5);
    var toY = function (v) { return H - M.b - (H - M.t - M.b) * v / yt.top; };
    var svg = sv("svg", { id: "bars-chart", class: "chart", viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "emissions per run", "data-unit": b.unit });
    axes(svg, yt.values, yt.top, toY, "Emissions (" + b.unit + " " + CO2 + ")", per > 1 ? "Runs, oldest first (" + per.toLocaleString("en-US") + " per bar)" : "Run, oldest first");
    var slot = (W - M.l - M.r) / b.bars.length;
    var every = Math.ceil(b.bars.length / (per > 1 ? 8 : 20));
    b.bars.forEach(function (bar, i) {
      var x = M.l + i * slot + slot * 0.15, w = Math.max(1, slot * 0.7);
      var v = bar.emissions * factor;
      var when = bar.from ? (bar.from === bar.to ? bar.from : bar.from + " to " + bar.to) : "no timestamp";
      svg.appendChild(sv("rect", { x: x.toFixed(1), y: toY(v).toFixed(1), width: w.toFixed(1), height: Math.max(0, toY(0) - toY(v)).toFixed(1), class: "bar", "data-value": String(bar.emissions) },
        title((bar.runs > 1 ? "Runs " : "Run ") + bar.label + " (" + when + "): " + num(v) + " " + b.unit + " " + CO2 + ", " + energy(bar.energy))));
      if (i % every === 0) {
        svg.appendChild(sv("text", { x: (x + w / 2).toFixed(1), y: H - M.b + 18, "text-anchor": "middle", class: "tick-label", text: bar.label }));
      }
    });
    s.appendChild(svg);
    s.appendChild(el("p", { class: "note", text: "Hover a bar for its time, emissions and energy. Unit: " + b.unit + " " + CO2 + " (g, kg or t, whichever fits the largest bar)." }));
    return s;
  }

  // ---------------------------------------------------------------- maps
  function mapData() {
    var world = data("map-world"), numeric = data("iso-numeric") || {};
    if (world) {
      var feats = features(world, "countries", true).filter(function (f) { return f.id !== "010"; }); // no Antarctica
      feats.forEach(function (f) { f.key = numeric[f.id] || ""; });
      maps.world = { feats: feats, d: paths(feats, equalEarth, 960, 470), w: 960, h: 470 };
    }
    var us = data("map-us");
    if (us) {
      var ufeats = features(us, "states");
      ufeats.forEach(function (f) { f.key = f.name.toLowerCase(); });
      maps.us = { feats: ufeats, d: paths(ufeats, flat, 900, 540), w: 900, h: 540 };
    }
    var ca = data("map-ca");
    if (ca) {
      var cfeats = features(ca, "provinces");
      cfeats.forEach(function (f) { f.key = f.name; });
      maps.ca = { feats: cfeats, d: paths(cfeats, albers(-96, 50, 70), 900, 560), w: 900, h: 560 };
    }
  }
  // A choropleth: `value(key)` gives a number or undefined, `label(feature, v)` the tooltip.
  function choropleth(id, map, spec, value, label, ran) {
    var svg = sv("svg", { id: id, class: "map", viewBox: "0 0 " + map.w + " " + map.h, role: "img" });
    map.feats.forEach(function (f, i) {
      var v = value(f.key);
      var here = ran(f.key);
      var attrs = { d: map.d[i], class: "region" + (here ? " ran" : "") + (v === undefined ? " nodata" : ""), "data-key": f.key };
      if (v !== undefined) attrs.style = "fill:" + spec.colour(v);
      svg.appendChild(sv("path", attrs, title(label(f, v))));
    });
    // Where the project ran goes on top, so its outline is not hidden by a neighbour's.
    Array.prototype.slice.call(svg.querySelectorAll(".ran")).forEach(function (n) { svg.appendChild(n); });
    return svg;
  }
  function worldCard(p) {
    var s = section("world", "Around the world", "The colour is each country's carbon intensity or energy mix; hover a country to see what this project's " + energy(p.totals.energy) + " would have emitted there. Outlined: where it ran.");
    var places = model.places;
    if (!places || !maps.world) {
      s.appendChild(el("p", { class: "empty", text: "No map data in this build." }));
      return s;
    }
    var layers = [["intensity", "Carbon intensity"], ["fossil", "Fossil"], ["low_carbon", "Low-carbon"], ["hydro", "Hydro"], ["nuclear", "Nuclear"], ["solar", "Solar"], ["wind", "Wind"]];
    var tabs = el("div", { class: "tabs", role: "tablist" }, layers.map(function (l) {
      return el("button", { type: "button", role: "tab", class: "tab" + (state.worldLayer === l[0] ? " active" : ""), "data-layer": l[0], "aria-selected": String(state.worldLayer === l[0]), text: l[1] + (l[0] === "intensity" ? "" : " %"),
        on: { click: function () { state.worldLayer = l[0]; redraw("world"); } } });
    }));
    s.appendChild(tabs);
    var ranIn = {};
    p.places.forEach(function (pl) { if (pl.country_iso_code) ranIn[pl.country_iso_code] = true; });
    var layer = state.worldLayer, spec = layer === "intensity" ? INTENSITY : PERCENT;
    var value = function (key) {
      var c = places.countries[key];
      if (!c) return undefined;
      if (layer === "intensity") return c.intensity;
      return c.mix ? c.mix[layer] : undefined;
    };
    var label = function (f, v) {
      var c = places.countries[f.key];
      var name = c ? c.name : f.name;
      if (!c) return name + ": no data";
      var text = name + ": " + num(c.intensity) + " g " + CO2 + "/kWh" + (c.year ? " (" + c.year + ")" : "");
      if (layer !== "intensity" && v !== undefined) text = name + ": " + num(v, 3) + "% " + layers.find(function (l) { return l[0] === layer; })[1].toLowerCase() + " \u00b7 " + num(c.intensity) + " g/kWh";
      text += "\nThis project's energy here: " + mass(p.totals.energy * c.intensity / 1000);
      if (ranIn[f.key]) text += "\nThis project ran here.";
      return text;
    };
    s.appendChild(el("div", { class: "map-wrap" }, choropleth("world-map", maps.world, spec, value, label, function (k) { return ranIn[k]; })));
    s.appendChild(legend(spec));
    // The cleanest and dirtiest places for the same energy.
    var ranked = Object.keys(places.countries).map(function (k) { return [k, places.countries[k]]; })
      .sort(function (a, b) { return a[1].intensity - b[1].intensity; });
    if (ranked.length && p.totals.energy > 0) {
      var lo = ranked[0][1], hi = ranked[ranked.length - 1][1];
      s.appendChild(el("p", { class: "note", text: "The same " + energy(p.totals.energy) + " would emit " + mass(p.totals.energy * lo.intensity / 1000) + " in " + lo.name + " (the lowest intensity) and " + mass(p.totals.energy * hi.intensity / 1000) + " in " + hi.name + " (the highest)." }));
    }
    s.appendChild(el("p", { class: "source", text: "Sources: " + places.sources.countries + ". Outlines: " + places.sources.maps + "." }));
    return s;
  }
  function regionsCard(p) {
    var wrap = el("div", { id: "regions" });
    var places = model.places;
    if (!places) return wrap;
    var ranUs = p.places.filter(function (pl) { return pl.country_iso_code === "USA"; });
    var ranCa = p.places.filter(function (pl) { return pl.country_iso_code === "CAN"; });
    [["us", "United States: emissions across states", ranUs, places.us_states, places.sources.us_states],
      ["ca", "Canada: emissions across provinces", ranCa, places.ca_provinces, places.sources.ca_provinces]].forEach(function (r) {
      var map = maps[r[0]];
      if (!r[2].length || !map) return;
      var kwh = r[2].reduce(function (a, pl) { return a + pl.totals.energy; }, 0);
      var regions = {};
      r[2].forEach(function (pl) { if (pl.region) regions[pl.region] = true; });
      var s = section("map-" + r[0], r[1], "The intensity of each " + (r[0] === "us" ? "state" : "province") + "; hover one to see what this project's " + energy(kwh) + " there would have emitted in it." + (Object.keys(regions).length ? " Outlined: where it ran." : ""));
      var label = function (f, v) {
        var name = titleCase(f.key);
        if (v === undefined) return name + ": no data";
        return name + ": " + num(v) + " g " + CO2 + "/kWh\nThis project's energy here: " + mass(kwh * v / 1000) + (regions[f.key] ? "\nThis project ran here." : "");
      };
      s.appendChild(el("div", { class: "map-wrap narrow" }, choropleth(r[0] + "-map", map, INTENSITY, function (k) { return r[3][k]; }, label, function (k) { return regions[k]; })));
      s.appendChild(legend(INTENSITY));
      s.appendChild(el("p", { class: "source", text: "Source: " + r[4] + "." }));
      wrap.appendChild(s);
    });
    return wrap;
  }
  function cloudCard(p) {
    var c = p.cloud;
    if (!c) return el("div", { id: "cloud" });
    var s = section("cloud", "The same energy in every " + c.provider.toUpperCase() + " region");
    if (!c.regions.length) {
      s.appendChild(el("p", { class: "empty", text: "No region data for " + c.provider + " in this build (CodeCarbon's cloud data covers GCP only)." }));
      return s;
    }
    var best = c.regions[0];
    var text;
    if (c.current !== null && c.current !== undefined) {
      var saved = c.current - best.emissions;
      text = "In " + c.region + ", where it last ran, this project's " + energy(c.energy) + " on " + c.provider.toUpperCase() + " emit " + mass(c.current) + ". ";
      text += saved > 0 ? "In " + best.region + " (" + best.location + "), the cleanest region, the same energy would emit " + mass(best.emissions) + ": " + mass(saved) + " less (" + num(100 * saved / c.current, 2) + "%)."
        : c.region + " is already the cleanest region.";
    } else {
      text = "This project's " + energy(c.energy) + " on " + c.provider.toUpperCase() + " last ran in " + (c.region || "an unknown region") + ", which the data does not list. In the cleanest region, " + best.region + " (" + best.location + "), it would emit " + mass(best.emissions) + ".";
    }
    s.appendChild(el("p", { class: "lead", id: "cloud-advice", text: text }));
    var rows = c.regions, rh = 18, top = 8, w = 900;
    var longest = Math.max.apply(null, rows.map(function (r) { return (r.region + " \u00b7 " + r.location).length; }));
    var left = Math.min(420, 16 + 6.6 * longest);
    var h = top + rows.length * rh + 44;
    var max = rows[rows.length - 1].emissions;
    var u = massParts(max)[1], f = massParts(max)[0] / (max || 1);
    var xt = ticks(max * f, 5);
    var toX = function (v) { return left + (w - left - 30) * v / xt.top; };
    var svg = sv("svg", { id: "cloud-chart", class: "chart", viewBox: "0 0 " + w + " " + h, role: "img", "aria-label": "emissions in each region" });
    xt.values.forEach(function (v) {
      svg.appendChild(sv("line", { x1: toX(v), x2: toX(v), y1: top, y2: h - 36, class: "grid" }));
      svg.appendChild(sv("text", { x: toX(v), y: h - 22, "text-anchor": "middle", class: "tick-label", text: num(v) }));
    });
    svg.appendChild(sv("text", { x: (left + w - 30) / 2, y: h - 4, "text-anchor": "middle", class: "axis-label", text: "Emissions (" + u + " " + CO2 + ")" }));
    rows.forEach(function (r, i) {
      var y = top + i * rh;
      var cls = "bar" + (i === 0 ? " best" : "") + (r.region === c.region ? " current" : "");
      svg.appendChild(sv("text", { x: left - 8, y: y + rh * 0.7, "text-anchor": "end", class: "tick-label" + (r.region === c.region ? " strong" : ""), text: r.region + " \u00b7 " + r.location }));
      svg.appendChild(sv("rect", { x: left, y: y + 2, width: Math.max(1, toX(r.emissions * f) - left).toFixed(1), height: rh - 4, class: cls },
        title(r.region + " (" + r.location + "): " + num(r.intensity) + " g " + CO2 + "/kWh \u2192 " + mass(r.emissions))));
    });
    s.appendChild(svg);
    s.appendChild(el("div", { class: "keys" }, [
      el("span", { class: "key" }, [el("i", { class: "k-best" }), "cleanest"]),
      el("span", { class: "key" }, [el("i", { class: "k-current" }), "where it ran"]),
      el("span", { class: "key" }, [el("i", { class: "k-bar" }), "other regions"]),
    ]));
    s.appendChild(el("p", { class: "source", text: "Source: Google Cloud region carbon data (CodeCarbon 3.3.2's impact.csv)." }));
    return s;
  }

  // ---------------------------------------------------------------- problems and footer
  function problemsCard() {
    var s = section("problems", "What could not be shown");
    s.setAttribute("data-count", String(model.problems_total));
    s.setAttribute("data-skipped", String(model.skipped));
    if (!model.problems_total) {
      s.appendChild(el("p", { class: "ok", text: "Every row of every file was read." }));
      return s;
    }
    s.classList.add("warn");
    s.appendChild(el("p", { class: "lead", text: (model.skipped ? plural(model.skipped, "row") + " skipped; " : "") + plural(model.problems_total, "explanation") + " below. Everything that could be read is shown above." }));
    var list = el("ul", { class: "problems" }, model.problems.map(function (pr) {
      return el("li", {}, [el("code", { text: pr.file + (pr.line ? ":" + pr.line : "") }), " " + pr.message]);
    }));
    if (model.problems_total > model.problems.length) {
      list.appendChild(el("li", { class: "muted", text: "\u2026 and " + (model.problems_total - model.problems.length) + " more (see the terminal)." }));
    }
    var details = el("details", model.problems.length <= 12 ? { open: "" } : {}, [el("summary", { text: "Details" }), list]);
    s.appendChild(details);
    return s;
  }
  function footer() {
    return el("footer", {}, [
      el("p", { text: "carbonboard of codecarbon " + model.version + ". Everything on this page is in this file: no request is made, nothing is sent anywhere." }),
      el("p", {}, ["Methodology: Lacoste et al., Quantifying the Carbon Emissions of Machine Learning (arXiv:1910.09700); Lottick et al., Energy Usage Reports (arXiv:1911.08354)."]),
    ]);
  }

  // ---------------------------------------------------------------- assembling
  var builders = {
    project: function (p) { return projectCard(p); },
    equivalents: equivalentsCard,
    timeline: timelineCard,
    runs: barsCard,
    world: worldCard,
    regions: regionsCard,
    cloud: cloudCard,
  };
  function redraw(name) {
    var p = model.projects[state.project];
    var slot = sections[name];
    var fresh = el("div", { class: "slot", "data-slot": name });
    guarded(fresh, function () { if (p) fresh.appendChild(builders[name](p)); });
    slot.parentNode.replaceChild(fresh, slot);
    sections[name] = fresh;
  }
  function drawProject() {
    Object.keys(builders).forEach(redraw);
  }
  function setTheme(theme, remember) {
    document.documentElement.dataset.theme = theme;
    var b = document.getElementById("theme-toggle");
    if (b) b.textContent = theme === "dark" ? "\u2600 Light" : "\u263e Dark";
    if (remember) {
      try { localStorage.setItem("carbonboard-theme", theme); } catch (e) { /* private mode */ }
    }
  }
  function initialTheme() {
    var saved = null;
    try { saved = localStorage.getItem("carbonboard-theme"); } catch (e) { /* private mode */ }
    if (saved === "dark" || saved === "light") return saved;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function main() {
    var app = document.getElementById("app");
    model = data("model");
    app.appendChild(header());
    setTheme(initialTheme(), false);
    guarded(app, mapData);
    var grid = el("main", {});
    app.appendChild(grid);
    guarded(grid, function () { grid.appendChild(totals()); });
    if (!model.projects.length) {
      grid.appendChild(el("section", { class: "card empty-board" }, [el("h2", { text: "Nothing to show yet" }),
        el("p", { text: "No row of the files could be read; the reasons are below." })]));
    } else {
      var bar = el("div", { class: "project-bar" }, [selector()]);
      grid.appendChild(bar);
      ["project", "equivalents", "timeline", "runs", "world", "regions", "cloud"].forEach(function (name) {
        var slot = el("div", { class: "slot", "data-slot": name });
        grid.appendChild(slot);
        sections[name] = slot;
      });
      drawProject();
    }
    guarded(grid, function () { grid.appendChild(problemsCard()); });
    app.appendChild(footer());
    document.body.setAttribute("data-render-ms", performance.now().toFixed(1));
    document.body.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
