//! Every plugin feature of the facade re-exports its crate, and `full` names every one, so a
//! program reaches any plugin through `codecarbon::<name>` and one feature list.

const MANIFEST: &str = include_str!("../Cargo.toml");
const LIB: &str = include_str!("../src/lib.rs");

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

#[test]
fn each_plugin_feature_re_exports_its_crate() {
    let features = plugin_features();
    assert!(features.len() >= 15, "{features:?}");
    for name in &features {
        let crate_name = format!("codecarbon_{}", name.replace('-', "_"));
        let re_export = format!("#[cfg(feature = \"{name}\")]\npub use {crate_name} as {name};");
        assert!(LIB.contains(&re_export), "src/lib.rs lacks `{re_export}`");
    }
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
