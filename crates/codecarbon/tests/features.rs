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
    let reached: [&[&str]; 15] = [
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
