//! The user guide cannot drift from the code.
//!
//! - `docs/configuration.md`: its settings table has exactly the declared keys (`Config::SPECS`),
//!   with each one's meaning and default as declared (`CODECARBON_BLESS_DOCS=1` rewrites them),
//!   and so has its plugin settings table for the linked plugins; its table of accepted keys
//!   exactly `PASSTHROUGH_KEYS`; every environment variable, flag and builder method is named
//!   after its key; every documented default is `Config::default()`'s; the builder methods
//!   exist and set their key; the flags are exactly those of `codecarbon monitor --help` (and
//!   `run`, `detect`), whose `[config default: ...]` agree too; its ranges table is exactly
//!   the declared ranges, worded as the errors word them, and each numeric key's row gives its range.
//! - `docs/outputs.md`: the column table is `CSV_COLUMNS`, in order.
//! - Every page (and the README and ARCHITECTURE.md): each `codecarbon ...` command line uses
//!   real subcommands and flags, each `CODECARBON_*` variable and each key of an `ini` block is
//!   a known key, and the README's short settings table has real keys and true defaults; every
//!   link between the pages leads to a file and a heading that exist.
//! - `docs/faults.md`: every promise names at least one test, and every test it names
//!   (`path/to/file.rs::function`) is a function of that file.
//!
//! The Rust code blocks of the same pages are compiled by `cargo test --doc -p codecarbon`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use codecarbon::config::ConfigSources;
use codecarbon::core::config::{KeyStatus, PASSTHROUGH_KEYS};
use codecarbon::core::settings::{self, Spec};
use codecarbon::core::CSV_COLUMNS;
use codecarbon::{Config, CsvWriteMode, EmissionsTracker, TrackerBuilder, TrackingMode};
use common::{help_flags, Sandbox};
use std::collections::{BTreeMap, BTreeSet};

/// The pages of the user guide that this test reads (others' pages are theirs to check).
const PAGES: &[&str] = &[
    "README.md",
    "install.md",
    "quick-start.md",
    "location.md",
    "configuration.md",
    "outputs.md",
    "library.md",
    "cli.md",
    "troubleshooting.md",
    "from-python.md",
    "board.md",
    "faults.md",
    "python.md",
    "cluster.md",
];

const SETTINGS_HEADER: &str =
    "| key | environment variable | flag | builder method | default | meaning |";
const ACCEPTED_HEADER: &str =
    "| key | environment variable | what Python CodeCarbon does with it |";
const PLUGIN_HEADER: &str = "| key | environment variable | flag | plugin | default | meaning |";
const RANGES_HEADER: &str = "| key | accepted values | unit | why these bounds |";
const COLUMNS_HEADER: &str = "| column | unit or format | meaning |";
const README_HEADER: &str = "| key | default | meaning |";

/// What a table cell shows for "none" (no flag, no method, unset default).
const NONE: &str = "—";

fn read(relative: &str) -> String {
    let path = format!("{}/../{relative}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn page(name: &str) -> String {
    read(&format!("docs/{name}"))
}

/// The cells of one table line, trimmed.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim();
    let inner = line
        .strip_prefix('|')
        .and_then(|l| l.strip_suffix('|'))
        .unwrap_or_else(|| panic!("not a table row: {line}"));
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// The rows of the table whose header line is `header`, each with as many cells as the header.
fn table(text: &str, header: &str) -> Vec<Vec<String>> {
    let mut lines = text.lines().skip_while(|l| l.trim() != header);
    assert!(
        lines.next().is_some(),
        "no table with the header `{header}`"
    );
    let rule = lines.next().unwrap_or_default();
    assert!(rule.trim().starts_with("|---"), "no rule under `{header}`");
    let width = cells(header).len();
    let rows: Vec<Vec<String>> = lines
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(cells)
        .collect();
    for row in &rows {
        assert_eq!(row.len(), width, "a row of `{header}` has {row:?}");
    }
    rows
}

/// The text of a cell that is one code span (`` `x` ``), or `None` for [`NONE`].
fn code(cell: &str) -> Option<&str> {
    if cell == NONE {
        return None;
    }
    let inner = cell
        .strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or_else(|| panic!("`{cell}` should be one code span, or {NONE}"));
    assert!(!inner.contains('`'), "`{cell}` should be one code span");
    Some(inner)
}

/// One row of the settings table.
struct Row {
    key: String,
    env: String,
    flag: Option<String>,
    method: Option<String>,
    default: Option<String>,
}

fn settings() -> Vec<Row> {
    table(&page("configuration.md"), SETTINGS_HEADER)
        .iter()
        .map(|r| Row {
            key: code(&r[0]).expect("a key").to_string(),
            env: code(&r[1]).expect("a variable").to_string(),
            flag: code(&r[2]).map(str::to_string),
            method: code(&r[3]).map(str::to_string),
            default: code(&r[4]).map(str::to_string),
        })
        .collect()
}

fn accepted() -> Vec<(String, String)> {
    table(&page("configuration.md"), ACCEPTED_HEADER)
        .iter()
        .map(|r| {
            (
                code(&r[0]).unwrap().to_string(),
                code(&r[1]).unwrap().to_string(),
            )
        })
        .collect()
}

/// The plugin settings table: (key, variable, flag).
fn plugin_settings() -> Vec<(String, String, Option<String>)> {
    table(&page("configuration.md"), PLUGIN_HEADER)
        .iter()
        .map(|r| {
            (
                code(&r[0]).expect("a key").to_string(),
                code(&r[1]).expect("a variable").to_string(),
                code(&r[2]).map(str::to_string),
            )
        })
        .collect()
}

/// The keys the linked plugins declare.
fn plugin_keys() -> BTreeSet<&'static str> {
    settings::all()
        .into_iter()
        .filter(|s| s.owner_name() != "core")
        .map(|s| s.key())
        .collect()
}

/// The tracker's own keys, as declared.
fn declared_keys() -> Vec<&'static str> {
    Config::SPECS.iter().map(|s| s.key()).collect()
}

/// The numeric keys and their ranges, as declared.
fn ranges() -> Vec<(&'static str, codecarbon::core::config::Range)> {
    Config::SPECS
        .iter()
        .filter_map(|s| Some((s.key(), s.range()?)))
        .collect()
}

/// The reference's text of a declared setting: its meaning and its default cell.
fn declared_cells(spec: &Spec) -> (String, String) {
    let default = spec
        .default_text()
        .map_or_else(|| NONE.to_string(), |d| format!("`{d}`"));
    (spec.doc_text(), default)
}

/// Checks (or, with `CODECARBON_BLESS_DOCS=1`, rewrites) the meaning and default cells of a
/// settings table of configuration.md against the declarations, so that the reference says
/// what `--help` and the builder's documentation say.
fn check_declared_table(header: &str, default_column: usize, meaning_column: usize) {
    let path = format!("{}/../docs/configuration.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let bless = std::env::var_os("CODECARBON_BLESS_DOCS").is_some();
    let mut out = Vec::new();
    let mut in_table = false;
    let mut wrong = Vec::new();
    for line in text.lines() {
        in_table = (in_table && line.starts_with('|')) || line == header;
        let mut cells = if in_table { cells(line) } else { Vec::new() };
        let spec =
            (in_table && line != header && !line.starts_with("|-") && cells.len() > meaning_column)
                .then(|| code(&cells[0]).and_then(settings::find))
                .flatten();
        let Some(spec) = spec else {
            out.push(line.to_string());
            continue;
        };
        let (meaning, default) = declared_cells(spec);
        if cells[meaning_column] != meaning || cells[default_column] != default {
            wrong.push(spec.key());
            cells[meaning_column] = meaning;
            cells[default_column] = default;
        }
        out.push(format!("| {} |", cells.join(" | ")));
    }
    if bless && !wrong.is_empty() {
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
    } else {
        assert!(
            wrong.is_empty(),
            "configuration.md differs from the declarations of {wrong:?}: run this test with \
             CODECARBON_BLESS_DOCS=1 to rewrite those cells from them"
        );
    }
}

/// The plugin settings table, row by row, as the linked plugins declare their settings.
fn plugin_table() -> Vec<String> {
    settings::all()
        .into_iter()
        .filter(|s| s.owner_name() != "core")
        .map(|spec| {
            let (meaning, default) = declared_cells(spec);
            let flag = if spec.has_flag() {
                format!("`{}`", spec.flag())
            } else {
                NONE.to_string()
            };
            format!(
                "| `{}` | `{}` | {flag} | `{}` | {default} | {meaning} |",
                spec.key(),
                spec.env_var(),
                spec.owner_name()
            )
        })
        .collect()
}

/// Checks (or, with `CODECARBON_BLESS_DOCS=1`, writes) the plugin settings table of
/// configuration.md: exactly [`plugin_table`].
fn check_plugin_table() {
    let path = format!("{}/../docs/configuration.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| *l == PLUGIN_HEADER).unwrap() + 2;
    let end = start
        + lines[start..]
            .iter()
            .take_while(|l| l.starts_with('|'))
            .count();
    let expected = plugin_table();
    if lines[start..end] == expected[..] {
        return;
    }
    if std::env::var_os("CODECARBON_BLESS_DOCS").is_some() {
        let mut out: Vec<String> = lines[..start].iter().map(|l| l.to_string()).collect();
        out.extend(expected);
        out.extend(lines[end..].iter().map(|l| l.to_string()));
        std::fs::write(&path, out.join("\n") + "\n").unwrap();
    } else {
        panic!(
            "configuration.md's plugin settings table differs from the linked plugins' \
             declarations: run this test with CODECARBON_BLESS_DOCS=1 to write it from them"
        );
    }
}

#[test]
fn the_reference_says_what_the_declarations_say() {
    check_declared_table(SETTINGS_HEADER, 4, 5);
    check_plugin_table();
}

#[test]
fn the_plugin_settings_table_has_every_plugin_key() {
    let rows = plugin_settings();
    let documented: BTreeSet<&str> = rows.iter().map(|(k, _, _)| k.as_str()).collect();
    assert_eq!(
        documented,
        plugin_keys(),
        "plugin settings table vs the plugins' keys"
    );
    for (key, env, flag) in &rows {
        assert_eq!(env, &env_name(key));
        if let Some(flag) = flag {
            assert_eq!(flag, &flag_name(key));
        }
    }
}

fn sorted<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = items.into_iter().collect();
    v.sort_unstable();
    v
}

fn env_name(key: &str) -> String {
    format!("CODECARBON_{}", key.to_ascii_uppercase())
}

fn flag_name(key: &str) -> String {
    format!("--{}", key.replace('_', "-"))
}

/// Whether `text`, set as `key` on a default configuration, leaves it the default. An unset
/// default is the empty text, which clears an optional setting.
fn is_default(key: &str, text: &str) -> Result<bool, String> {
    let mut config = Config::default();
    match config.set(key, text, "the docs") {
        Ok(KeyStatus::Known) => Ok(config == Config::default()),
        Ok(KeyStatus::Unknown) => Err(format!("`{key}` is not a key")),
        Ok(_) => Err(format!("`{key}` is a deprecated name")),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn the_settings_table_has_every_key_once_and_the_accepted_table_every_passthrough_key() {
    let rows = settings();
    let keys = sorted(rows.iter().map(|r| r.key.as_str()));
    let unique: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(unique.len(), keys.len(), "a key has two rows: {keys:?}");
    assert_eq!(
        keys,
        sorted(declared_keys()),
        "settings table vs the declared keys"
    );

    let accepted = accepted();
    let names = sorted(accepted.iter().map(|(k, _)| k.as_str()));
    assert_eq!(
        names,
        sorted(PASSTHROUGH_KEYS.iter().copied()),
        "accepted-keys table vs PASSTHROUGH_KEYS"
    );
    assert!(
        unique.iter().all(|k| !names.contains(k)),
        "a key is in both tables"
    );
}

#[test]
fn documented_ranges_are_the_ranges() {
    let text = page("configuration.md");
    let documented: Vec<(String, String)> = table(&text, RANGES_HEADER)
        .iter()
        .map(|r| (code(&r[0]).expect("a key").to_string(), r[1].clone()))
        .collect();
    let actual: Vec<(String, String)> = ranges()
        .iter()
        .map(|(key, range)| (key.to_string(), range.to_string()))
        .collect();
    assert_eq!(
        documented, actual,
        "ranges table of configuration.md vs the declared ranges"
    );
    let meanings: BTreeMap<String, String> = table(&text, SETTINGS_HEADER)
        .into_iter()
        .map(|r| (code(&r[0]).expect("a key").to_string(), r[5].clone()))
        .collect();
    for (key, range) in actual {
        assert!(
            meanings[&key].contains(&range),
            "the settings table's row of `{key}` should say {range:?}"
        );
    }
}

#[test]
fn variables_flags_and_methods_are_named_after_their_keys() {
    for row in settings() {
        assert_eq!(row.env, env_name(&row.key), "variable of `{}`", row.key);
        if let Some(flag) = &row.flag {
            assert_eq!(*flag, flag_name(&row.key), "flag of `{}`", row.key);
        }
        if let Some(method) = &row.method {
            let name = method.split('(').next().unwrap_or_default();
            assert_eq!(name, row.key, "builder method of `{}`", row.key);
            assert!(method.ends_with(')'), "`{method}`: write it `name(type)`");
        }
    }
    for (key, env) in accepted() {
        assert_eq!(env, env_name(&key), "variable of `{key}`");
    }
}

#[test]
fn documented_defaults_are_the_defaults() {
    for row in settings() {
        let text = row.default.as_deref().unwrap_or("");
        match is_default(&row.key, text) {
            Ok(true) => {}
            Ok(false) => panic!(
                "configuration.md says the default of `{}` is {:?}, but Config::default() has \
                 another value",
                row.key,
                row.default.as_deref().unwrap_or(NONE)
            ),
            Err(e) => panic!("the default documented for `{}`: {e}", row.key),
        }
    }
    // The same, read plainly, for the values people look up most.
    let d = Config::default();
    assert_eq!(d.measure_power_secs.as_secs(), 15);
    assert_eq!(d.output_file, "emissions.csv");
    assert_eq!(d.output_methods, ["csv"]);
    let documented: BTreeMap<String, Option<String>> =
        settings().into_iter().map(|r| (r.key, r.default)).collect();
    assert_eq!(documented["measure_power_secs"].as_deref(), Some("15"));
    assert_eq!(documented["output_file"].as_deref(), Some("emissions.csv"));
    assert_eq!(documented["country_iso_code"], None);
}

type Call = fn(TrackerBuilder) -> TrackerBuilder;

/// Every builder method, called with a value other than the default, and that value as text.
/// This compiles only while the methods exist.
const BUILDER_CALLS: &[(&str, &str, Call)] = &[
    ("project_name", "docs", |b| b.project_name("docs")),
    ("measure_power_secs", "2.5", |b| b.measure_power_secs(2.5)),
    ("api_call_interval", "-1", |b| b.api_call_interval(-1)),
    ("output_dir", "docs-out", |b| b.output_dir("docs-out")),
    ("output_file", "docs.csv", |b| b.output_file("docs.csv")),
    ("output_methods", "json", |b| b.output_methods(&["json"])),
    ("tracking_mode", "process", |b| {
        b.tracking_mode(TrackingMode::Process)
    }),
    ("on_csv_write", "update", |b| {
        b.on_csv_write(CsvWriteMode::Update)
    }),
    ("pue", "1.5", |b| b.pue(1.5)),
    ("wue", "2", |b| b.wue(2.0)),
    ("offline", "true", |b| b.offline(true)),
    ("country_iso_code", "FRA", |b| b.country_iso_code("FRA")),
    ("region", "quebec", |b| b.region("quebec")),
    ("cloud_provider", "gcp", |b| b.cloud_provider("gcp")),
    ("cloud_region", "us-central1", |b| {
        b.cloud_region("us-central1")
    }),
    ("force_cpu_power", "45", |b| b.force_cpu_power(45.0)),
    ("force_ram_power", "3", |b| b.force_ram_power(3.0)),
    ("force_carbon_intensity_g_co2e_kwh", "100", |b| {
        b.force_carbon_intensity_g_co2e_kwh(100.0)
    }),
    ("experiment_id", "docs-id", |b| b.experiment_id("docs-id")),
    ("experiment_name", "docs", |b| b.experiment_name("docs")),
    ("gpu_ids", "0,1", |b| b.gpu_ids("0,1")),
    // Values that change no output, so the builder's resolved settings equal one `set`.
    ("save_to_file", "true", |b| b.save_to_file(true)),
    ("save_to_api", "false", |b| b.save_to_api(false)),
    ("save_to_logger", "false", |b| b.save_to_logger(false)),
    ("save_to_prometheus", "false", |b| {
        b.save_to_prometheus(false)
    }),
    ("save_to_logfire", "false", |b| b.save_to_logfire(false)),
    ("log_level", "critical", |b| b.log_level("critical")),
    ("proc_root", "/docs/proc", |b| b.proc_root("/docs/proc")),
    ("cgroup_root", "/docs/cgroup", |b| {
        b.cgroup_root("/docs/cgroup")
    }),
];

#[test]
fn documented_builder_methods_exist_and_set_their_key() {
    let rows = settings();
    let documented = sorted(
        rows.iter()
            .filter(|r| r.method.is_some())
            .map(|r| r.key.as_str()),
    );
    assert_eq!(
        documented,
        sorted(BUILDER_CALLS.iter().map(|(k, _, _)| *k)),
        "the builder methods of configuration.md vs the methods this test calls"
    );
    for (key, text, call) in BUILDER_CALLS {
        let base = EmissionsTracker::builder()
            .config_sources(ConfigSources::none())
            .country_iso_code("CAN")
            .log_level("error");
        let tracker = call(base).build().unwrap_or_else(|e| panic!("{key}: {e}"));
        let mut expected = Config::default();
        for (k, v) in [
            ("country_iso_code", "CAN"),
            ("log_level", "error"),
            (key, text),
        ] {
            expected.set(k, v, "test").unwrap();
        }
        assert_eq!(*tracker.config(), expected, "builder method {key}()");
        assert_ne!(
            expected,
            Config::default(),
            "{key}: pick a value that is not the default"
        );
    }
}

fn tracker_flags(flags: &BTreeMap<String, String>, own: &[&str]) -> Vec<String> {
    flags
        .keys()
        .filter(|f| !["--help", "--version"].contains(&f.as_str()) && !own.contains(&f.as_str()))
        .cloned()
        .collect()
}

#[test]
fn documented_flags_are_the_commands_flags() {
    let sandbox = Sandbox::new();
    let rows = settings();
    let documented: Vec<String> = {
        let mut v: Vec<String> = rows.iter().filter_map(|r| r.flag.clone()).collect();
        v.extend(
            plugin_settings()
                .into_iter()
                .filter_map(|(_, _, flag)| flag),
        );
        v.sort();
        v
    };
    // CodeCarbon's `--api/--no-api` of `monitor`, documented in cli.md.
    let api = &["--api", "--no-api"][..];
    let monitor = help_flags(&sandbox, &["monitor"]);
    assert_eq!(
        documented,
        tracker_flags(&monitor, api),
        "flags of configuration.md vs `codecarbon monitor --help`"
    );
    for (command, own) in [("run", api), ("detect", &["--json"][..])] {
        let flags = help_flags(&sandbox, &[command]);
        assert_eq!(
            documented,
            tracker_flags(&flags, own),
            "flags of configuration.md vs `codecarbon {command} --help`"
        );
        for flag in own {
            assert!(flags.contains_key(*flag), "{command} lost {flag}");
        }
    }

    // `[config default: X]` in the help must be the configuration's default too.
    let mut checked = 0;
    for row in &rows {
        let Some(flag) = &row.flag else { continue };
        let text = &monitor[flag];
        let Some((_, rest)) = text.split_once("[config default: ") else {
            continue;
        };
        let shown = rest.split(']').next().unwrap_or_default();
        assert_eq!(
            is_default(&row.key, shown),
            Ok(true),
            "`monitor --help` says {flag} defaults to {shown}"
        );
        checked += 1;
    }
    assert!(checked > 0, "no `[config default: ...]` found in the help");
}

#[test]
fn the_csv_columns_are_documented_in_order() {
    let rows = table(&page("outputs.md"), COLUMNS_HEADER);
    let documented: Vec<&str> = rows.iter().map(|r| code(&r[0]).unwrap()).collect();
    assert_eq!(documented, CSV_COLUMNS, "outputs.md vs CSV_COLUMNS");
}

/// The fenced code blocks of `text` whose info string is `lang`, line by line, trimmed.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<Vec<&'a str>> {
    let mut out = Vec::new();
    // Inside a fence: whether its lines are wanted.
    let mut inside: Option<bool> = None;
    let mut current = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            match inside.take() {
                Some(true) => out.push(std::mem::take(&mut current)),
                Some(false) => {}
                None => inside = Some(info.trim() == lang),
            }
            continue;
        }
        if inside == Some(true) {
            current.push(trimmed);
        }
    }
    assert!(inside.is_none(), "a code fence is not closed");
    out
}

/// Every page of the guide, with its name.
fn all_pages() -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = PAGES
        .iter()
        .map(|name| (format!("docs/{name}"), page(name)))
        .collect();
    pages.push(("README.md".into(), read("README.md")));
    pages.push(("ARCHITECTURE.md".into(), read("ARCHITECTURE.md")));
    pages
}

/// `codecarbon SUB --flag ...` in a shell line: the words from the subcommand on, up to the
/// command's own `--`, a pipe or a comment. A `codecarbon` followed by a path is the file
/// another program copies (`install -m755 codecarbon ~/.local/bin/codecarbon`), not a run.
fn invocation(line: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let runs_it = |i: usize| words.get(i + 1).is_none_or(|next| !next.contains('/'));
    let start = match (0..words.len()).find(|&i| words[i] == "codecarbon" && runs_it(i)) {
        Some(i) => i + 1,
        // `cargo run -p codecarbon-cli -- SUB ...`
        None => {
            let cli = words.iter().position(|w| *w == "codecarbon-cli")?;
            cli + 1 + words[cli..].iter().position(|w| *w == "--")?
        }
    };
    let rest: Vec<&str> = words[start..]
        .iter()
        .copied()
        .take_while(|w| !["--", "|", "#", "&&", ";"].contains(w))
        .collect();
    (!rest.is_empty()).then_some(rest)
}

#[test]
fn command_lines_in_the_guide_use_real_subcommands_and_flags() {
    let sandbox = Sandbox::new();
    let mut help: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut checked = 0;
    for (name, text) in all_pages() {
        for block in blocks(&text, "sh") {
            for line in block {
                let Some(words) = invocation(line) else {
                    continue;
                };
                let (command, flags): (&[&str], &[&str]) = if words[0].starts_with('-') {
                    (&[], &words[..])
                } else {
                    (&words[..1], &words[1..])
                };
                let known = help
                    .entry(command.join(" "))
                    .or_insert_with(|| help_flags(&sandbox, command));
                for word in flags.iter().filter(|w| w.starts_with("--")) {
                    let flag = word.split('=').next().unwrap_or_default();
                    assert!(
                        known.contains_key(flag),
                        "{name}: `{line}`: `codecarbon {}` has no {flag}",
                        command.join(" ")
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} command lines found");
}

#[test]
fn variables_and_config_file_keys_in_the_guide_are_known() {
    let mut known: BTreeSet<&str> = declared_keys()
        .into_iter()
        .chain(PASSTHROUGH_KEYS.iter().copied())
        .collect();
    known.extend(plugin_keys());
    for (name, text) in all_pages() {
        for (at, _) in text.match_indices("CODECARBON_") {
            let rest = &text[at + "CODECARBON_".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            let key = rest[..end].to_ascii_lowercase();
            if key.is_empty() || key.starts_with("x_y") || key.starts_with("test_") {
                // `CODECARBON_*`, `CODECARBON_<KEY>`, `CODECARBON_X_Y`, and the test suite's
                // own `CODECARBON_TEST_*` (tools it drives), which are no settings.
                continue;
            }
            assert!(
                known.contains(key.as_str()),
                "{name}: CODECARBON_{} names no key",
                &rest[..end]
            );
        }
        for block in blocks(&text, "ini") {
            for line in block {
                if line.is_empty() || line.starts_with(['#', ';', '[']) {
                    continue;
                }
                let key = line.split(['=', ':']).next().unwrap_or_default().trim();
                assert!(known.contains(key), "{name}: `{line}`: no key `{key}`");
            }
        }
    }
}

#[test]
fn the_readme_settings_table_has_real_keys_and_true_defaults() {
    let readme = read("README.md");
    let mut seen = 0;
    for row in table(&readme, README_HEADER) {
        let keys: Vec<&str> = row[0]
            .split(',')
            .map(|k| k.trim().trim_matches('`'))
            .collect();
        for key in &keys {
            assert!(
                declared_keys().contains(key),
                "README.md names `{key}`, which is not a key"
            );
        }
        let defaults: Vec<&str> = if row[1].is_empty() {
            vec![""; keys.len()]
        } else {
            row[1]
                .split(',')
                .map(|d| d.trim().trim_matches('`'))
                .collect()
        };
        if defaults.len() != keys.len() {
            continue; // "CodeCarbon's": described, not listed
        }
        for (key, default) in keys.iter().zip(defaults) {
            assert_eq!(
                is_default(key, default),
                Ok(true),
                "README.md says `{key}` defaults to {default:?}"
            );
            seen += 1;
        }
    }
    assert!(
        seen >= 10,
        "only {seen} defaults found in the README's table"
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut out = BTreeSet::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            out.insert(anchor(line.trim_start_matches('#')));
        }
    }
    out
}

#[test]
fn links_between_pages_resolve() {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for (name, text) in all_pages() {
        let dir = std::path::Path::new(&root)
            .join(&name)
            .parent()
            .unwrap()
            .to_path_buf();
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')').unwrap_or(rest.len())];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                std::path::Path::new(&root).join(&name)
            } else {
                dir.join(file)
            };
            assert!(path.exists(), "{name}: the link `{target}` leads nowhere");
            if !fragment.is_empty() {
                let there = std::fs::read_to_string(&path).unwrap();
                assert!(
                    anchors(&there).contains(fragment),
                    "{name}: `{target}`: no heading with anchor `{fragment}` in {file}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} links found");
}

/// The tests that `docs/faults.md` names in one table row: each `path.rs::function` in
/// backticks.
fn named_tests(row: &str) -> Vec<(&str, &str)> {
    row.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|code| code.split_once(".rs::"))
        .collect()
}

#[test]
fn every_promise_under_faults_names_tests_that_exist() {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let text = page("faults.md");
    let mut promises = 0;
    let mut named = 0;
    for row in text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| promise"))
    {
        let tests = named_tests(row);
        assert!(
            !tests.is_empty(),
            "faults.md: a promise no test holds: {row}"
        );
        promises += 1;
        for (file, function) in tests {
            let path = format!("{root}/{file}.rs");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("faults.md names {file}.rs, which cannot be read: {e}"));
            let declared = source.lines().any(|line| {
                let line = line.trim_start();
                let line = line.strip_prefix("async ").unwrap_or(line);
                line.strip_prefix("fn ")
                    .and_then(|rest| rest.strip_prefix(function))
                    .is_some_and(|rest| rest.starts_with('('))
            });
            assert!(
                declared,
                "faults.md names {file}.rs::{function}, which is no function of that file"
            );
            named += 1;
        }
    }
    assert!(
        promises >= 30 && named >= 80,
        "{promises} promises, {named} tests"
    );
}
