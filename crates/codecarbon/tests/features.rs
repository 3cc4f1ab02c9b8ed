//! Every plugin feature of the facade re-exports its crate, and `full` names every one, so a
//! program reaches any plugin through `codecarbon::<name>` and one feature list.

const MANIFEST: &str = include_str!("../Cargo.toml");

/// The features of the form `name = ["dep:codecarbon-name"]`: one per plugin crate.
fn plugin_features() -> Vec<String> {
    MANIFEST
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(" = ")?;
            (value == format!("[\"dep:codecarbon-{name}\"]")).then(|| name.to_string())
        })
        .collect()
}

/// Each plugin crate, reached through the facade's re-export (written by `build.rs` from the
/// features): a plugin feature without a re-export fails to compile here, and one missing from
/// this list fails the count.
#[test]
fn each_plugin_feature_re_exports_its_crate() {
    let reached: [&[&str]; 16] = [
        codecarbon::boamps::PLUGINS,
        codecarbon::cloud::PLUGINS,
        codecarbon::comet::PLUGINS,
        codecarbon::csv::PLUGINS,
        codecarbon::electricitymaps::PLUGINS,
        codecarbon::geoip::PLUGINS,
        codecarbon::http::PLUGINS,
        codecarbon::iso::PLUGINS,
        codecarbon::json::PLUGINS,
        codecarbon::logger::PLUGINS,
        codecarbon::nvml::PLUGINS,
        codecarbon::otlp::PLUGINS,
        codecarbon::prometheus::PLUGINS,
        codecarbon::rapl::PLUGINS,
        codecarbon::rocm::PLUGINS,
        codecarbon::tdp::PLUGINS,
    ];
    assert_eq!(
        reached.len(),
        plugin_features().len(),
        "{:?}",
        plugin_features()
    );
    assert!(reached.iter().all(|plugins| !plugins.is_empty()));
}

#[test]
fn full_names_every_plugin_feature() {
    let full = MANIFEST
        .lines()
        .find_map(|line| line.strip_prefix("full = "))
        .unwrap_or_else(|| panic!("Cargo.toml has no `full` feature"));
    let mut named: Vec<&str> = full
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|f| f.trim().trim_matches('"'))
        .collect();
    named.sort_unstable();
    let mut features = plugin_features();
    features.sort_unstable();
    assert_eq!(named, features);
    assert!(MANIFEST.contains("default = [\"full\"]"));
}

/// The names a documentation section gives as features: on each line that starts with `prefix`
/// (which ends with the backtick that opens the name), the name, between `heading` and the next
/// heading of any level; `None` when there is no such heading.
fn documented(text: &str, heading: &str, prefix: &str) -> Option<Vec<String>> {
    let section = text.split_once(heading)?.1;
    let mut names: Vec<String> = section
        .lines()
        .skip(1)
        .take_while(|line| !line.trim_start_matches("//!").trim_start().starts_with('#'))
        .filter_map(|line| {
            line.strip_prefix(prefix)?
                .split('`')
                .next()
                .map(String::from)
        })
        .collect();
    names.sort_unstable();
    Some(names)
}

/// Every feature, `full` included.
fn all_features() -> Vec<String> {
    let mut features = plugin_features();
    features.push("full".to_string());
    features.sort_unstable();
    features
}

/// The crate docs (docs.rs) describe each feature, and no other.
#[test]
fn the_crate_docs_describe_every_feature() {
    let docs = include_str!("../src/lib.rs");
    assert_eq!(
        documented(docs, "//! # Cargo features", "//! - `").expect("a `# Cargo features` section"),
        all_features()
    );
}

/// The README (crates.io's page) describes each feature in its table, and no other.
#[test]
fn the_readme_describes_every_feature() {
    let readme = include_str!("../README.md");
    assert_eq!(
        documented(readme, "## Cargo features", "| `").expect("a `## Cargo features` section"),
        all_features()
    );
}
