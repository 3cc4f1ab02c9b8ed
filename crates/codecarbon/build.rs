//! Writes `linked.rs` and `reexports.rs`: for each enabled feature that turns on a plugin crate
//! (`name = ["dep:codecarbon-name"]` in this crate's `Cargo.toml`), a reference to that crate's
//! `PLUGINS`, and its re-export as `codecarbon::name`. Naming the crate is what makes the linker
//! keep it, and so its `inventory` registrations; deriving both from the features means an
//! in-tree plugin needs its lines in `Cargo.toml` here, and no edit of the sources.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo::rustc-check-cfg=cfg(repository_guide)");
    // The guide's pages are doctests only in the repository: a packaged crate has no `docs/`.
    if fs::metadata("../../docs/install.md").is_ok() {
        println!("cargo::rustc-cfg=repository_guide");
    }
    let manifest = fs::read_to_string("Cargo.toml")?;
    let plugins = plugin_features(&manifest);
    // `cargo package` rewrites the manifest; if its form ever stopped matching, the facade would
    // silently link no plugin, so an empty list is an error rather than an empty registry.
    if plugins.is_empty() {
        return Err("no `name = [\"dep:codecarbon-…\"]` feature found in Cargo.toml".into());
    }
    let mut linked = String::from(
        "/// The plugin crates that the enabled features link: (feature, the crate's plugins).\n\
         pub(crate) const LINKED: &[(&str, &[&str])] = &[\n",
    );
    let mut reexports = String::new();
    for (feature, krate) in plugins {
        let variable = format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"));
        if env::var_os(variable).is_some() {
            let path = krate.replace('-', "_");
            writeln!(linked, "    ({feature:?}, {path}::PLUGINS),")?;
            writeln!(
                reexports,
                "/// The `{krate}` plugin crate (feature `{feature}`).\n\
                 #[doc(inline)]\npub use {path} as {};",
                feature.replace('-', "_")
            )?;
        }
    }
    linked.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out.join("linked.rs"), linked)?;
    fs::write(out.join("reexports.rs"), reexports)?;
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
