//! A crate of a user's own that depends on `codecarbon` by path and uses `#[track_emissions]`
//! on a sync, an async and a panicking function: one row each.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

const MANIFEST: &str = r#"
[package]
name = "fresh-user-crate"
version = "0.1.0"
edition = "2021"

[dependencies]
codecarbon = { path = "CODECARBON" }
tokio = { version = "1", default-features = false, features = ["rt"] }

[workspace]

# A build of its own beside the workspace's: kept small, as nothing here is debugged.
[profile.dev]
debug = false
"#;

const MAIN: &str = r#"
use codecarbon::track_emissions;

#[track_emissions(offline = true, country_iso_code = "FRA", output_dir = "out", log_level = "error")]
fn sync_work(n: u64) -> u64 {
    (1..=n).sum()
}

#[track_emissions(offline = true, country_iso_code = "FRA", output_dir = "out", log_level = "error")]
async fn async_work(n: u64) -> u64 {
    (1..=n).product()
}

#[track_emissions(offline = true, country_iso_code = "FRA", output_dir = "out", log_level = "error")]
fn failing_work() {
    panic!("the tracked work failed");
}

fn main() {
    assert_eq!(sync_work(10), 55);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(runtime.block_on(async_work(5)), 120);
    assert!(std::panic::catch_unwind(failing_work).is_err());
    println!("done");
}
"#;

#[test]
fn a_fresh_crate_gets_one_row_per_tracked_function() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let facade = workspace.join("crates/codecarbon").canonicalize().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        MANIFEST.replace("CODECARBON", &facade.display().to_string()),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/main.rs"), MAIN).unwrap();
    // Our lock file pins the same versions, so the shared target directory already holds them.
    std::fs::copy(workspace.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));

    // HOME moves to the sandbox (no config of the machine's may leak in); cargo's own home stays.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .expect("a cargo home");
    let mut run = Command::new(env!("CARGO"));
    run.args(["run", "--quiet", "--offline"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", target.join("fresh-crate"))
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_HOME", cargo_home)
        .env("HOME", dir.path());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CODECARBON_") {
            run.env_remove(key);
        }
    }
    let out = run.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("done"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<csv::StringRecord> = csv::Reader::from_path(dir.path().join("out/emissions.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3, "one row for each tracked call");
    for row in &rows {
        assert_eq!(&row[16], "FRA");
    }
}
