//! `cargo xtask dist`'s assembly, on a real `codecarbon` binary (the debug build, which the
//! workspace's test build already has): no release build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use xtask::dist::{self, Archive, Options, COMPLETIONS};

/// The debug `codecarbon` binary, built once for the whole test run.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| dist::build(&["--offline", "--quiet"]).unwrap())
}

fn options(out_dir: &Path) -> Options {
    Options {
        binary: binary().to_owned(),
        version: dist::workspace_version().to_owned(),
        target: dist::host_target().unwrap(),
        out_dir: out_dir.to_owned(),
    }
}

/// Each entry of a `.tar.gz`: its path, and its mode and contents (`None` for a folder).
fn entries(archive: &Path) -> BTreeMap<String, (u32, Option<Vec<u8>>)> {
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(archive).unwrap());
    let mut tar = tar::Archive::new(gz);
    let mut out = BTreeMap::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches('/')
            .to_owned();
        let mode = entry.header().mode().unwrap();
        let contents = if entry.header().entry_type().is_dir() {
            None
        } else {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            Some(bytes)
        };
        assert!(
            out.insert(path.clone(), (mode, contents)).is_none(),
            "{path} twice"
        );
    }
    out
}

fn run(program: &Path, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{} {args:?}: {output:?}",
        program.display()
    );
    output.stdout
}

/// The names of the files in `dir`.
fn file_names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Every `GLIBC_x.y` name in a file's bytes, read without parsing the file as ELF: the names a
/// binary's version needs refer to live in its dynamic string table.
fn glibc_names_in_bytes(file: &Path) -> BTreeSet<dist::glibc::GlibcVersion> {
    let data = std::fs::read(file).unwrap();
    let mut found = BTreeSet::new();
    for start in (0..data.len().saturating_sub(6)).filter(|&i| &data[i..i + 6] == b"GLIBC_") {
        let tail = &data[start + 6..];
        let len = tail
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b'.'))
            .unwrap_or(tail.len());
        let name = format!("GLIBC_{}", String::from_utf8_lossy(&tail[..len]));
        found.extend(dist::glibc::GlibcVersion::from_symbol_version(&name));
    }
    found
}

/// An archive of the debug binary, assembled once for the tests that read it (each assembly
/// compresses some 40 MB).
struct Assembled {
    out: tempfile::TempDir,
    options: Options,
    archive: Archive,
}

fn assembled() -> &'static Assembled {
    static ASSEMBLED: OnceLock<Assembled> = OnceLock::new();
    ASSEMBLED.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let options = options(&out.path().join("dist"));
        let archive = dist::assemble(&options).unwrap();
        Assembled {
            out,
            options,
            archive,
        }
    })
}

#[test]
fn the_archive_holds_the_binary_its_pages_completions_licences_and_readme() {
    let Assembled {
        out,
        options,
        archive,
    } = assembled();
    let name = options.name();
    assert_eq!(
        name,
        format!("codecarbon-{}-{}", options.version, options.target)
    );
    assert_eq!(archive.path, out.path().join(format!("dist/{name}.tar.gz")));

    let entries = entries(&archive.path);
    let file = |path: &str| -> &[u8] {
        match entries.get(&format!("{name}/{path}")) {
            Some((_, Some(bytes))) => bytes,
            other => panic!("{path}: {other:?} in {:?}", entries.keys()),
        }
    };
    for path in entries.keys() {
        assert!(
            path == &name || path.starts_with(&format!("{name}/")),
            "{path}"
        );
    }

    let (mode, _) = &entries[&format!("{name}/codecarbon")];
    assert_eq!(mode & 0o111, 0o111, "the binary is executable: {mode:o}");
    assert_eq!(file("codecarbon"), std::fs::read(binary()).unwrap());

    // The manual pages and completions are the binary's own.
    let pages = tempfile::tempdir().unwrap();
    run(binary(), &["man", "--dir", &pages.path().to_string_lossy()]);
    let page_names = file_names(pages.path());
    assert!(page_names.contains("codecarbon.1") && page_names.contains("codecarbon-monitor.1"));
    for page in &page_names {
        assert_eq!(
            file(&format!("man/{page}")),
            std::fs::read(pages.path().join(page)).unwrap()
        );
    }
    let in_man: BTreeSet<_> = entries
        .keys()
        .filter_map(|p| p.strip_prefix(&format!("{name}/man/")))
        .map(str::to_owned)
        .collect();
    assert_eq!(in_man, page_names);

    let in_completions: BTreeSet<_> = entries
        .keys()
        .filter_map(|p| p.strip_prefix(&format!("{name}/completions/")))
        .collect();
    assert_eq!(
        in_completions,
        BTreeSet::from([
            "codecarbon.bash",
            "_codecarbon",
            "codecarbon.fish",
            "_codecarbon.ps1",
            "codecarbon.elv"
        ])
    );
    for (shell, completion) in COMPLETIONS {
        let script = file(&format!("completions/{completion}"));
        assert_eq!(script, run(binary(), &["completions", shell]), "{shell}");
    }

    let root = dist::workspace_root();
    assert_eq!(
        file("LICENSE"),
        std::fs::read(root.join("LICENSE")).unwrap()
    );
    assert_eq!(
        file("data/SOURCES.md"),
        std::fs::read(root.join("crates/data/data/SOURCES.md")).unwrap()
    );
    let licences = root.join("crates/data/LICENSES");
    let in_licences: BTreeSet<_> = entries
        .keys()
        .filter_map(|p| p.strip_prefix(&format!("{name}/LICENSES/")))
        .map(str::to_owned)
        .collect();
    assert_eq!(file_names(&licences), in_licences);
    for licence in &in_licences {
        assert_eq!(
            file(&format!("LICENSES/{licence}")),
            std::fs::read(licences.join(licence)).unwrap()
        );
    }

    let readme = String::from_utf8(file("README.md").to_vec()).unwrap();
    assert!(readme.starts_with(&format!(
        "# codecarbon {} for {}\n",
        options.version, options.target
    )));
    for path in ["~/.local/bin", "/usr/local/bin", "share/man/man1"] {
        assert!(readme.contains(path), "README says nothing of {path}");
    }
    if options.is_glibc_target() {
        let glibc = archive
            .glibc
            .as_ref()
            .expect("a glibc binary needs a glibc");
        assert_eq!(Some(glibc), glibc_names_in_bytes(binary()).last());
        assert!(
            readme.contains(&format!("glibc {glibc} or newer")),
            "{readme}"
        );
    } else {
        assert_eq!(archive.glibc, None);
        assert!(!readme.contains("glibc"), "{readme}");
    }
}

#[test]
fn the_checksum_file_verifies_the_archive() {
    let Assembled {
        out,
        options,
        archive,
    } = assembled();
    let dir = out.path().join("dist");
    let file_name = format!("{}.tar.gz", options.name());
    assert_eq!(
        archive.checksum_path,
        dir.join(format!("{file_name}.sha256"))
    );
    let digest = Sha256::digest(std::fs::read(&archive.path).unwrap());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(archive.sha256, hex);
    // `sha256sum` format: the hex digest, two spaces, the file name beside it.
    assert_eq!(
        std::fs::read_to_string(&archive.checksum_path).unwrap(),
        format!("{hex}  {file_name}\n")
    );
    if Path::new("/usr/bin/sha256sum").exists() {
        let check = Command::new("sha256sum")
            .args(["-c", &format!("{file_name}.sha256")])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(check.status.success(), "{check:?}");
    }
}

#[test]
fn the_extracted_binary_runs() {
    let Assembled {
        options, archive, ..
    } = assembled();
    let unpacked = tempfile::tempdir().unwrap();
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(&archive.path).unwrap());
    tar::Archive::new(gz).unpack(unpacked.path()).unwrap();
    let version = run(
        &unpacked.path().join(options.name()).join("codecarbon"),
        &["--version"],
    );
    assert_eq!(
        String::from_utf8(version).unwrap().trim(),
        format!("codecarbon {}", options.version)
    );
}

/// `cargo xtask dist --binary` packages without building; the same binary gives the same
/// archive, byte for byte.
#[test]
fn the_command_packages_a_given_binary_reproducibly() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["dist", "--binary"])
        .arg(binary())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let name = options(out.path()).name();
    let archive = out.path().join(format!("{name}.tar.gz"));
    assert!(stdout.contains(&archive.display().to_string()), "{stdout}");
    let sha256 = std::fs::read_to_string(archive.with_extension("gz.sha256")).unwrap();
    assert_eq!(
        sha256.split_whitespace().next(),
        Some(assembled().archive.sha256.as_str())
    );
    assert_eq!(
        options(out.path()).is_glibc_target(),
        stdout.contains("glibc"),
        "{stdout}"
    );

    let refused = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["dist", "--binary"])
        .arg(out.path().join("no-such-binary"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no-such-binary"));
}
