//! The Python package (`python/`): built from this checkout by pip and maturin into the
//! virtualenv that `CODECARBON_TEST_PY_VENV` names, then its pytest suite (`python/tests`:
//! the lifecycle, tasks, the decorator, errors, logging, threads and fork, the command line, the
//! scikit-learn example, and Python CodeCarbon reading and appending to the CSV it writes).
//!
//! `.ci/run` makes that virtualenv afresh with maturin, pytest and scikit-learn from PyPI.
//! Without it the test is skipped; under `CI` it fails.

#![allow(clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The virtualenv to install into, if there is one.
fn venv() -> Option<PathBuf> {
    match std::env::var_os("CODECARBON_TEST_PY_VENV") {
        Some(venv) => Some(PathBuf::from(venv)),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI must set CODECARBON_TEST_PY_VENV (see .ci/run)")
        }
        None => None,
    }
}

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the workspace")
}

/// `PATH` with the virtualenv's `bin` first: maturin's build backend runs `maturin` from it.
fn path_with(bin: &Path) -> OsString {
    let mut paths = vec![bin.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH")
}

#[test]
fn the_package_builds_from_the_checkout_and_passes_its_pytest_suite() {
    let Some(venv) = venv() else {
        eprintln!("skipped: set CODECARBON_TEST_PY_VENV to a virtualenv with maturin and pytest");
        return;
    };
    let bin = venv.join("bin");
    let root = workspace_root();

    // `pip install python/`, as a user does, but offline and with the test build's profile so
    // that it reuses what `cargo test` compiled.
    let mut pip = Command::new(bin.join("python"));
    common::without_cargo_package_env(&mut pip);
    let pip = pip
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args([
            "--no-build-isolation",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
        ])
        .arg(root.join("python"))
        .env("PATH", path_with(&bin))
        .env("MATURIN_PEP517_ARGS", "--profile dev")
        .env("CARGO_NET_OFFLINE", "true")
        .output()
        .expect("pip runs");
    assert!(
        pip.status.success(),
        "pip install python/ failed:\n{}{}",
        String::from_utf8_lossy(&pip.stdout),
        String::from_utf8_lossy(&pip.stderr)
    );

    let pytest = Command::new(bin.join("python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"])
        .arg(root.join("python").join("tests"))
        // Not the checkout's python/: the package under test is the installed one.
        .current_dir(std::env::temp_dir())
        .env("PATH", path_with(&bin))
        .output()
        .expect("pytest runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&pytest.stdout),
        String::from_utf8_lossy(&pytest.stderr)
    );
    assert!(pytest.status.success(), "pytest failed:\n{report}");
    eprintln!("{report}");
}
