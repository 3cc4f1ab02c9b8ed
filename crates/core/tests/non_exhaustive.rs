//! Every public struct with public fields and every public enum of core is `#[non_exhaustive]`,
//! so that a field or a variant added later breaks no plugin (third parties' included): they
//! build core's values through constructors, and match its enums with a `_` arm. A new type
//! without the attribute fails here, before it ships and plugins start writing it as a literal.
//!
//! (A plugin that builds every value through the constructors is `examples/plugin-example`;
//! each constructor's doctest is compiled as a crate outside core, as a plugin is.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// Types that stay exhaustive on purpose, with the reason.
const EXEMPT: &[(&str, &str)] = &[
    // Handed out by the registry to the engine, never built by a plugin.
    ("registry.rs", "Candidate"),
    // Settings: built by the configuration layers, not by plugins.
    ("config.rs", "Config"),
    ("config.rs", "ConfigError"),
    ("config.rs", "KeyStatus"),
    ("range.rs", "Range"),
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(file name, type name)` of each public struct with a public field, or public enum, that
/// lacks `#[non_exhaustive]` among the attributes right above it.
fn exhaustive_types(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let name_of_file = file.file_name().unwrap().to_string_lossy().into_owned();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_start();
        let (kind, rest) = if let Some(rest) = line.strip_prefix("pub struct ") {
            ("struct", rest)
        } else if let Some(rest) = line.strip_prefix("pub enum ") {
            ("enum", rest)
        } else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if kind == "struct" {
            // Only a struct with a public field can be written as a literal outside core.
            let body_has_pub_field = rest.trim_end().ends_with('{')
                && lines[i + 1..]
                    .iter()
                    .take_while(|l| l.trim() != "}")
                    .any(|l| l.trim_start().starts_with("pub "));
            if !body_has_pub_field {
                continue;
            }
        }
        let attributes = lines[..i]
            .iter()
            .rev()
            .take_while(|l| {
                let l = l.trim_start();
                l.starts_with("#[") || l.starts_with("///") || l.starts_with(")]")
            })
            .any(|l| l.trim() == "#[non_exhaustive]");
        if !attributes && !EXEMPT.contains(&(name_of_file.as_str(), name.as_str())) {
            found.push((name_of_file.clone(), name));
        }
    }
    found
}

#[test]
fn every_public_struct_and_enum_plugins_touch_is_non_exhaustive() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 10, "core's sources not found: {files:?}");
    let missing: Vec<_> = files.iter().flat_map(|f| exhaustive_types(f)).collect();
    assert!(
        missing.is_empty(),
        "add #[non_exhaustive] and a constructor (see docs/plugins.md, \"Building core's \
         values\"), or list the type in EXEMPT with the reason: {missing:?}"
    );
}

#[test]
fn the_scan_sees_a_missing_attribute() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sample.rs");
    std::fs::write(
        &file,
        "/// Open.\n#[derive(Debug)]\npub struct Open {\n    pub a: u8,\n}\n\n\
         #[derive(Debug)]\n#[non_exhaustive]\npub struct Closed {\n    pub a: u8,\n}\n\n\
         pub struct Private {\n    a: u8,\n}\n\npub enum Kind {\n    A,\n}\n",
    )
    .unwrap();
    let found = exhaustive_types(&file);
    let names: Vec<&str> = found.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["Open", "Kind"]);
}
