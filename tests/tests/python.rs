//! The Python package (`python/`): built from this checkout by pip and maturin into the
//! virtualenv that `CODECARBON_TEST_PY_VENV` names, then its pytest suite (`python/tests`:
//! the lifecycle, tasks, the decorator, errors, logging, threads and fork, the command line, the
//! scikit-learn example, and Python CodeCarbon reading and appending to the CSV it writes); and
//! the wheel `maturin build` makes, with its tags and files.
//!
//! `.ci/run` makes that virtualenv afresh with maturin, pytest and scikit-learn from PyPI.
//! Without it the test is skipped; under `CI` it fails.

#![allow(clippy::expect_used, clippy::panic, clippy::print_stderr)]

mod common;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// Held while a test builds the extension: two builds at once would write the same library in
/// `target/`, and one could package the other's half-written file.
static BUILDING: Mutex<()> = Mutex::new(());

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
    let building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
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
    drop(building);

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

/// `maturin build` makes one wheel for every CPython from 3.9 (abi3), tagged manylinux (the GPU
/// libraries are loaded at run time, so glibc is all it links), with the type stubs, the
/// `py.typed` marker and the licences of the embedded data.
#[test]
fn maturin_builds_an_abi3_manylinux_wheel_with_stubs_and_licences() {
    let Some(venv) = venv() else {
        eprintln!("skipped: set CODECARBON_TEST_PY_VENV to a virtualenv with maturin and pytest");
        return;
    };
    let bin = venv.join("bin");
    let out = tempfile::tempdir().expect("temp dir");
    let building = BUILDING.lock().unwrap_or_else(PoisonError::into_inner);
    let mut maturin = Command::new(bin.join("maturin"));
    common::without_cargo_package_env(&mut maturin);
    let built = maturin
        .args(["build", "--quiet", "--profile", "dev", "--offline", "-m"])
        .arg(workspace_root().join("python/Cargo.toml"))
        .arg("--out")
        .arg(out.path())
        .env("PATH", path_with(&bin))
        .output()
        .expect("maturin runs");
    assert!(
        built.status.success(),
        "maturin build failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    drop(building);
    let wheels: Vec<PathBuf> = std::fs::read_dir(out.path())
        .expect("wheel folder")
        .map(|e| e.expect("entry").path())
        .collect();
    let [wheel] = wheels.as_slice() else {
        panic!("expected one wheel, found {wheels:?}")
    };
    let name = wheel.file_name().expect("name").to_string_lossy();
    let tag = format!(
        "codecarbon_rs-{}-cp39-abi3-manylinux_2_",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        name.starts_with(&tag) && name.ends_with(&format!("_{}.whl", std::env::consts::ARCH)),
        "{name} is not an abi3 manylinux wheel for CPython 3.9+"
    );
    let listing = Command::new(bin.join("python"))
        .args(["-m", "zipfile", "-l"])
        .arg(wheel)
        .output()
        .expect("python lists the wheel");
    let listing = String::from_utf8_lossy(&listing.stdout);
    for file in [
        "codecarbon_rs/_native.abi3.so",
        "codecarbon_rs/_native.pyi",
        "codecarbon_rs/py.typed",
        "licenses/LICENSE",
        "licenses/LICENSES/CC-BY-4.0.txt",
        "entry_points.txt",
    ] {
        assert!(listing.contains(file), "the wheel lacks {file}:\n{listing}");
    }
}
