//! Writes `linked.rs`: for each enabled feature that turns on a plugin crate
//! (`name = ["dep:codecarbon-name"]` in this crate's `Cargo.toml`), a reference to that crate's
//! `PLUGINS`. Naming the crate is what makes the linker keep it, and so its `inventory`
//! registrations; deriving the list from the features means an in-tree plugin needs one
//! feature line here, not an edit of `src/plugins.rs` too.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=Cargo.toml");
    let manifest = fs::read_to_string("Cargo.toml")?;
    let mut linked = String::from(
        "/// The plugin crates that the enabled features link: (feature, the crate's plugins).\n\
         pub(crate) const LINKED: &[(&str, &[&str])] = &[\n",
    );
    for (feature, krate) in plugin_features(&manifest) {
        let variable = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
        if env::var_os(variable).is_some() {
            let path = krate.replace('-', "_");
            writeln!(linked, "    ({feature:?}, {path}::PLUGINS),")?;
        }
    }
    linked.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR")?).join("linked.rs");
    fs::write(out, linked)?;
    Ok(())
}

/// The `[features]` lines of the form `name = ["dep:codecarbon-..."]`: (feature, crate).
fn plugin_features(manifest: &str) -> Vec<(&str, &str)> {
    let mut in_features = false;
    let mut found = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        if let Some(krate) = value
            .strip_prefix("[\"dep:")
            .and_then(|v| v.strip_suffix("\"]"))
            .filter(|k| k.starts_with("codecarbon-"))
        {
            found.push((name.trim(), krate));
        }
    }
    found
}
