// carbonboard in a real headless browser: Debian's chromium, driven by playwright-core (which
// never downloads a browser of its own). tests/tests/board.rs writes the CSVs, starts
// `codecarbon board`, writes the static reports, and runs this file with BOARD_CASES naming a
// JSON file of what to open and what each page must show:
//
//   { "screenshots": DIR,
//     "pages": [{ "label", "url", "expect": { "totals": {energy, emissions, runs},
//                 "projects": [{name, energy, emissions, runs}], "maps": [ids], "cloud": bool,
//                 "problems": min count } }],
//     "timed": [{ "label", "url", "rows", "max_ms" }] }
//
// Run by hand: BOARD_CASES=cases.json node --test board.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const casesPath = process.env.BOARD_CASES;
assert.ok(casesPath, "BOARD_CASES must name the JSON file of pages to check (tests/tests/board.rs writes it)");
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const shots = cases.screenshots || process.env.BOARD_SCREENSHOTS || join(here, "..", "..", "target", "board-screenshots");
mkdirSync(shots, { recursive: true });
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let context, profile;
const timings = [];

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "carbonboard-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
});

after(async () => {
  if (context) await context.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  writeFileSync(join(shots, "render-times.json"), JSON.stringify(timings, null, 2) + "\n");
});

// Opens `url` in a fresh page; gathers console errors, page errors and every request that is
// not the page itself (there must be none: everything is inline).
async function open(url, colorScheme) {
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: colorScheme || "light" });
  const errors = [];
  const requests = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (r.url() !== url && !r.url().startsWith("data:")) requests.push(r.url()); });
  const started = Date.now();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready]", { timeout: 15000 });
  const wall = Date.now() - started;
  return { page, errors, requests, wall };
}

function close(a, b, what) {
  const tolerance = 1e-9 * Math.max(1, Math.abs(b));
  assert.ok(Math.abs(a - b) <= tolerance, `${what}: the page shows ${a}, the CSV sums to ${b}`);
}

async function value(page, selector) {
  const raw = await page.getAttribute(selector, "data-value");
  assert.ok(raw !== null, `${selector} has no data-value`);
  return Number(raw);
}

for (const c of cases.pages || []) {
  test(`${c.label}: loads with no console error and no request`, async () => {
    const { page, errors, requests } = await open(c.url);
    assert.deepEqual(errors, [], "console errors");
    assert.deepEqual(requests, [], "requests other than the page");
    await page.close();
  });

  test(`${c.label}: totals equal the CSV's sums`, async () => {
    const { page } = await open(c.url);
    const t = c.expect.totals;
    close(await value(page, "#total-energy"), t.energy, "total energy (kWh)");
    close(await value(page, "#total-emissions"), t.emissions, "total emissions (kg)");
    assert.equal(await value(page, "#total-runs"), t.runs, "runs");
    await page.close();
  });

  test(`${c.label}: the project selector filters`, async () => {
    const { page } = await open(c.url);
    const options = await page.$$eval("#project-select option", (os) => os.map((o) => [o.value, o.textContent]));
    for (const p of c.expect.projects) {
      const option = options.find((o) => o[1].startsWith(p.name + " ("));
      assert.ok(option, `no option for project ${p.name} in ${JSON.stringify(options)}`);
      await page.selectOption("#project-select", option[0]);
      close(await value(page, "#project-energy"), p.energy, `${p.name}: energy (kWh)`);
      close(await value(page, "#project-emissions"), p.emissions, `${p.name}: emissions (kg)`);
      const heading = await page.textContent("#project h2");
      assert.ok(heading.includes(p.name), `heading "${heading}" names ${p.name}`);
    }
    await page.close();
  });

  test(`${c.label}: equivalents, timeline, bars and maps are drawn`, async () => {
    const { page } = await open(c.url);
    // Pick the project with the most runs, so every chart has something.
    const biggest = [...c.expect.projects].sort((a, b) => b.runs - a.runs)[0];
    const options = await page.$$eval("#project-select option", (os) => os.map((o) => [o.value, o.textContent]));
    const option = options.find((o) => o[1].startsWith(biggest.name + " ("));
    await page.selectOption("#project-select", option[0]);
    assert.equal(await page.locator(".equivalent").count(), 4, "four equivalents");
    assert.ok(await page.locator("#timeline-chart path.line").count() === 1, "timeline line");
    assert.ok(await page.locator("#bars-chart rect.bar").count() >= 1, "bars");
    const countries = await page.locator("#world-map path.region").count();
    assert.ok(countries > 150, `world map has ${countries} countries`);
    const coloured = await page.locator("#world-map path.region:not(.nodata)").count();
    assert.ok(coloured > 120, `${coloured} countries coloured`);
    await page.selectOption("#project-select", "0");
    for (const id of c.expect.maps || []) {
      assert.ok(await page.locator(`#${id} path.region`).count() > 10, `${id} is drawn`);
    }
    if (c.expect.cloud) {
      const projects = await page.$$eval("#project-select option", (os) => os.map((o) => o.value));
      let found = false;
      for (const v of projects) {
        await page.selectOption("#project-select", v);
        if (await page.locator("#cloud-chart rect.bar").count() > 10) { found = true; break; }
      }
      assert.ok(found, "a project has the cloud comparison");
    }
    const problems = Number(await page.getAttribute("#problems", "data-count"));
    assert.ok(problems >= (c.expect.problems || 0), `${problems} problems explained`);
    await page.close();
  });

  test(`${c.label}: screenshots, light and dark`, async () => {
    for (const scheme of ["light", "dark"]) {
      const { page } = await open(c.url, scheme);
      const theme = await page.getAttribute("html", "data-theme");
      assert.equal(theme, scheme);
      if (c.expect.cloud) {
        // Show the cloud comparison: the first project that has one.
        const values = await page.$$eval("#project-select option", (os) => os.map((o) => o.value));
        for (const v of values) {
          await page.selectOption("#project-select", v);
          if (await page.locator("#cloud-chart").count()) break;
        }
      }
      await page.screenshot({ path: join(shots, `${c.label}-${scheme}.png`), fullPage: true });
      await page.close();
    }
  });
}

for (const c of cases.timed || []) {
  test(`${c.label}: renders in under ${c.max_ms} ms`, async () => {
    // The first load warms the browser up; the second is measured.
    const warm = await open(c.url);
    await warm.page.close();
    const { page, errors, wall } = await open(c.url);
    const ms = Number(await page.getAttribute("body", "data-render-ms"));
    timings.push({ label: c.label, rows: c.rows, render_ms: ms, wall_ms: wall });
    console.log(`carbonboard render: ${c.label} (${c.rows} rows): ${ms.toFixed(0)} ms from navigation start to data-ready (${wall} ms wall)`);
    assert.deepEqual(errors, []);
    assert.ok(ms < c.max_ms, `${c.label}: ${ms} ms`);
    await page.screenshot({ path: join(shots, `${c.label}.png`), fullPage: true });
    await page.close();
  });
}
