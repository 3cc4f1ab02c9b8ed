//! Every crate meant for crates.io carries what crates.io shows and what its licences ask for.
//!
//! A crate is published unless its manifest says `publish = false`. Each published one has a
//! description, an SPDX licence, a README in its directory, one to five keywords that crates.io
//! accepts, at least one crates.io category, the workspace's `rust-version`, and the workspace's
//! `LICENSE` in its directory (so the `.crate` file carries it). A crate that ships licence texts
//! of others in `LICENSES/` names each of those licences in its expression, and has the text of
//! each licence it names. No URL is a placeholder, and a published crate depends (normally or
//! to build) only on workspace members that are published too.
//!
//! The facts come from `cargo metadata`, as `cargo package` reads them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The category slugs crates.io accepts: `src/boot/categories.toml` of the crates.io
/// repository (rust-lang/crates.io). crates.io drops any other, with only a warning.
const CRATES_IO_CATEGORIES: &[&str] = &[
    "algorithms",
    "api-bindings",
    "asynchronous",
    "authentication",
    "caching",
    "command-line-interface",
    "command-line-utilities",
    "compression",
    "computer-vision",
    "concurrency",
    "config",
    "cryptography",
    "cryptography::cryptocurrencies",
    "data-structures",
    "database",
    "database-implementations",
    "date-and-time",
    "development-tools",
    "development-tools::build-utils",
    "development-tools::cargo-plugins",
    "development-tools::debugging",
    "development-tools::ffi",
    "development-tools::procedural-macro-helpers",
    "development-tools::profiling",
    "development-tools::testing",
    "email",
    "embedded",
    "emulators",
    "encoding",
    "external-ffi-bindings",
    "filesystem",
    "game-development",
    "game-engines",
    "games",
    "graphics",
    "gui",
    "hardware-support",
    "internationalization",
    "localization",
    "mathematics",
    "memory-management",
    "multimedia",
    "multimedia::audio",
    "multimedia::encoding",
    "multimedia::images",
    "multimedia::video",
    "network-programming",
    "no-std",
    "os",
    "os::linux-apis",
    "os::macos-apis",
    "os::unix-apis",
    "os::windows-apis",
    "parser-implementations",
    "parsing",
    "rendering",
    "rendering::data-formats",
    "rendering::engine",
    "rendering::graphics-api",
    "rust-patterns",
    "science",
    "science::robotics",
    "simulation",
    "template-engine",
    "text-editors",
    "text-processing",
    "value-formatting",
    "visualization",
    "wasm",
    "web-programming",
    "web-programming::http-client",
    "web-programming::http-server",
    "web-programming::websocket",
];

/// The workspace's root directory.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `cargo metadata` of the workspace's own packages.
fn metadata() -> Value {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON")
}

/// A workspace package, as `cargo metadata` describes it.
struct Package<'a>(&'a Value);

impl Package<'_> {
    fn name(&self) -> &str {
        self.0["name"].as_str().expect("a package has a name")
    }

    /// Published unless `publish = false` (which `cargo metadata` shows as `[]`).
    fn is_published(&self) -> bool {
        self.0["publish"]
            .as_array()
            .is_none_or(|registries| !registries.is_empty())
    }

    /// The directory of its `Cargo.toml`.
    fn dir(&self) -> PathBuf {
        Path::new(self.0["manifest_path"].as_str().expect("a manifest path"))
            .parent()
            .expect("a manifest is in a directory")
            .to_path_buf()
    }

    /// A text field, `None` when unset or blank.
    fn text(&self, field: &str) -> Option<&str> {
        self.0[field]
            .as_str()
            .filter(|value| !value.trim().is_empty())
    }

    /// A list field, empty when unset.
    fn list(&self, field: &str) -> Vec<&str> {
        self.0[field]
            .as_array()
            .map(|values| values.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

fn packages(metadata: &Value) -> Vec<Package<'_>> {
    metadata["packages"]
        .as_array()
        .expect("cargo metadata lists packages")
        .iter()
        .map(Package)
        .collect()
}

/// The published packages; there are some, or this test would check nothing.
fn published(metadata: &Value) -> Vec<Package<'_>> {
    let published: Vec<Package<'_>> = packages(metadata)
        .into_iter()
        .filter(Package::is_published)
        .collect();
    assert!(
        published.iter().any(|p| p.name() == "codecarbon"),
        "the facade `codecarbon` is not among the published crates"
    );
    published
}

/// The licence identifiers of an SPDX expression (`MIT AND (Apache-2.0 OR ISC)`).
fn spdx_ids(expression: &str) -> BTreeSet<&str> {
    expression
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|word| !word.is_empty() && !["AND", "OR", "WITH"].contains(word))
        .collect()
}

/// crates.io's rule for a keyword: ASCII letters, digits, `_`, `-` or `+`, starting with a
/// letter, at most 20 characters.
fn valid_keyword(keyword: &str) -> bool {
    keyword.len() <= 20
        && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
        && keyword
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

#[test]
fn every_published_crate_has_what_crates_io_shows() {
    let metadata = metadata();
    let mut problems = Vec::new();
    for package in published(&metadata) {
        let name = package.name();
        for field in ["description", "license", "rust_version"] {
            if package.text(field).is_none() {
                problems.push(format!("{name}: no `{field}` in Cargo.toml"));
            }
        }
        match package.text("readme") {
            None => problems.push(format!("{name}: no `readme` in Cargo.toml")),
            Some(readme) if !package.dir().join(readme).is_file() => problems.push(format!(
                "{name}: its readme `{readme}` is not a file in {}",
                package.dir().display()
            )),
            Some(_) => {}
        }
        let keywords = package.list("keywords");
        if !(1..=5).contains(&keywords.len()) {
            problems.push(format!(
                "{name}: {} keywords, crates.io takes 1 to 5: {keywords:?}",
                keywords.len()
            ));
        }
        for keyword in keywords.iter().filter(|k| !valid_keyword(k)) {
            problems.push(format!("{name}: keyword `{keyword}` is not one crates.io accepts (ASCII letters, digits, _ - +, a letter first, at most 20)"));
        }
        let categories = package.list("categories");
        if categories.is_empty() {
            problems.push(format!("{name}: no `categories` in Cargo.toml"));
        }
        for category in categories
            .iter()
            .filter(|c| !CRATES_IO_CATEGORIES.contains(c))
        {
            problems.push(format!(
                "{name}: category `{category}` is not a crates.io category slug"
            ));
        }
        for field in ["repository", "homepage", "documentation"] {
            if let Some(url) = package.text(field) {
                if url.contains("example") || url.contains("invalid") {
                    problems.push(format!("{name}: `{field}` is a placeholder: {url}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn every_published_crate_ships_its_licence_texts() {
    let metadata = metadata();
    let ours = std::fs::read(workspace().join("LICENSE")).expect("the workspace's LICENSE");
    let mut problems = Vec::new();
    for package in published(&metadata) {
        let name = package.name();
        let dir = package.dir();
        match std::fs::read(dir.join("LICENSE")) {
            Ok(text) if text == ours => {}
            Ok(_) => problems.push(format!(
                "{name}: {}/LICENSE is not the workspace's LICENSE",
                dir.display()
            )),
            Err(e) => problems.push(format!(
                "{name}: no LICENSE in {} ({e}): add a link `LICENSE -> ../../LICENSE`",
                dir.display()
            )),
        }
        let expression = package.text("license").unwrap_or_default();
        let named = spdx_ids(expression);
        // Our own code's licence is the LICENSE above; every other one needs its text.
        let shipped = shipped_licences(&dir.join("LICENSES"));
        for id in named.iter().filter(|id| **id != "MIT") {
            if !shipped.iter().any(|file| file == &format!("{id}.txt")) {
                problems.push(format!(
                    "{name}: its licence names {id}, but LICENSES/{id}.txt is missing"
                ));
            }
        }
        for file in &shipped {
            let stem = file.trim_end_matches(".txt");
            let covered = named
                .iter()
                .any(|id| stem == *id || stem.starts_with(&format!("{id}-")));
            if !covered {
                problems.push(format!(
                    "{name}: LICENSES/{file} is shipped, but its licence `{expression}` does not name it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The licence texts in a crate's `LICENSES/` folder (`Apache-2.0.txt`, `MIT-CodeCarbon.txt`),
/// none when it has no such folder. Its README is not a licence.
fn shipped_licences(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|file| file.ends_with(".txt"))
        .collect()
}

#[test]
fn published_crates_depend_only_on_published_members() {
    let metadata = metadata();
    let all = packages(&metadata);
    let unpublished: BTreeSet<&str> = all
        .iter()
        .filter(|p| !p.is_published())
        .map(Package::name)
        .collect();
    assert!(
        unpublished.contains("codecarbon-testkit"),
        "the test helpers are not published, and this test knows it: {unpublished:?}"
    );
    let mut problems = Vec::new();
    for package in all.iter().filter(|p| p.is_published()) {
        for dependency in package.0["dependencies"].as_array().into_iter().flatten() {
            // `kind` is null for a normal dependency, "build" or "dev" otherwise.
            if dependency["kind"].as_str() == Some("dev") {
                continue;
            }
            let target = dependency["name"].as_str().unwrap_or_default();
            if unpublished.contains(target) {
                problems.push(format!(
                    "{}: depends on `{target}`, which has `publish = false`",
                    package.name()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
