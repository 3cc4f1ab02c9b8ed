//! `cargo xtask dist`: the release archive for this platform, as ripgrep and uv ship theirs.
//!
//! [`build_release`] builds the `codecarbon` binary (release profile, locked dependencies);
//! [`assemble`] packages a given binary, without building, into
//! `codecarbon-<version>-<target>.tar.gz` and writes its `.sha256` beside it. The archive's one
//! top folder holds the binary, its manual pages and shell completions (made by the binary
//! itself, so they match it), the licences, the datasets' sources and a `README.md` on installing
//! it; on a glibc target the README names the oldest glibc the binary runs on ([`glibc`]).
//!
//! The archive is reproducible: its entries are sorted and carry fixed owners, modes and times,
//! so the same inputs give the same checksum.

pub mod glibc;
mod readme;

use flate2::write::GzEncoder;
use flate2::Compression;
use glibc::{GlibcError, GlibcVersion};
use sha2::{Digest, Sha256};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The command's name: the binary in the archive and the stem of every file about it.
pub const BINARY: &str = "codecarbon";

/// The package whose binary is shipped.
pub const PACKAGE: &str = "codecarbon-cli";

/// The shells the archive carries completions for (`codecarbon completions <shell>`), each with
/// the file name its completion system expects.
pub const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "codecarbon.bash"),
    ("zsh", "_codecarbon"),
    ("fish", "codecarbon.fish"),
    ("powershell", "_codecarbon.ps1"),
    ("elvish", "codecarbon.elv"),
];

/// What to package.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `codecarbon` binary, built for `target`.
    pub binary: PathBuf,
    /// The release's version (the workspace's).
    pub version: String,
    /// The target triple the binary was built for (`x86_64-unknown-linux-gnu`).
    pub target: String,
    /// Where the archive and its checksum are written (made if missing).
    pub out_dir: PathBuf,
}

impl Options {
    /// `codecarbon-<version>-<target>`: the archive's stem and its top folder.
    pub fn name(&self) -> String {
        format!("{BINARY}-{}-{}", self.version, self.target)
    }

    /// Whether the target links glibc, so that the archive must say which one it needs.
    pub fn is_glibc_target(&self) -> bool {
        self.target.contains("-linux-gnu")
    }
}

/// A written archive.
#[derive(Debug, Clone)]
pub struct Archive {
    /// `<out_dir>/codecarbon-<version>-<target>.tar.gz`.
    pub path: PathBuf,
    /// The checksum file beside it, `<path>.sha256`, in `sha256sum` format.
    pub checksum_path: PathBuf,
    /// The archive's SHA-256, in lowercase hex.
    pub sha256: String,
    /// The oldest glibc the binary runs on; `None` on other targets.
    pub glibc: Option<GlibcVersion>,
}

/// Why a release archive could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DistError {
    /// A file or directory could not be read or written.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, and on which path.
        what: String,
        /// The underlying error.
        source: io::Error,
    },
    /// A program run to build or package failed.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status and what it said on stderr.
        detail: String,
    },
    /// The glibc the binary needs could not be read from it.
    #[error("cannot read the glibc versions {binary} needs: {source}")]
    Glibc {
        /// The binary.
        binary: PathBuf,
        /// The underlying error.
        source: GlibcError,
    },
}

/// `Io` errors with what was being done.
trait IoContext<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, DistError>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn doing(self, what: impl FnOnce() -> String) -> Result<T, DistError> {
        self.map_err(|source| DistError::Io {
            what: what(),
            source,
        })
    }
}

/// The workspace root (the licence and the data crate are read from there).
pub fn workspace_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .map_or_else(|| xtask.join(".."), Path::to_path_buf)
}

/// The workspace's version: xtask inherits it like every published crate.
pub fn workspace_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The host's target triple, the `host:` line of `rustc -vV`.
pub fn host_target() -> Result<String, DistError> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = run(Command::new(&rustc).arg("-vV"))?;
    String::from_utf8_lossy(&output)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(|host| host.trim().to_owned())
        .ok_or_else(|| DistError::Command {
            command: format!("{rustc} -vV"),
            detail: "no `host:` line".into(),
        })
}

/// Builds the release binary (`cargo build --release --locked -p codecarbon-cli`) and returns
/// its path.
pub fn build_release() -> Result<PathBuf, DistError> {
    build(&["--release", "--locked"])
}

/// Builds the `codecarbon` binary with these further arguments to `cargo build -p
/// codecarbon-cli` (cargo's progress on stderr) and returns its path, as cargo reports it.
pub fn build(args: &[&str]) -> Result<PathBuf, DistError> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["build", "-p", PACKAGE])
        .args(args)
        .arg("--message-format=json-render-diagnostics")
        .current_dir(workspace_root())
        .stdout(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        if is_package_variable(&name.to_string_lossy()) {
            command.env_remove(name);
        }
    }
    let described = describe(&command);
    let mut child = command
        .spawn()
        .doing(|| format!("cannot run {described}"))?;
    let mut executable = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.doing(|| format!("cannot read the output of {described}"))?;
            executable = built_executable(&line).or(executable);
        }
    }
    let status = child
        .wait()
        .doing(|| format!("cannot wait for {described}"))?;
    let failure = |detail: String| DistError::Command {
        command: described.clone(),
        detail,
    };
    if !status.success() {
        return Err(failure(status.to_string()));
    }
    executable.ok_or_else(|| failure(format!("cargo reported no `{BINARY}` executable")))
}

/// Whether `name` is one of the variables cargo sets for the package it runs (this one, under
/// `cargo xtask` or `cargo test`). Passed on to the nested build, they would reach build scripts
/// that watch them (ring's watches `CARGO_MANIFEST_DIR` and `CARGO_PKG_*`), and cargo would
/// rebuild those and everything above them, for this build and again for the next plain one.
fn is_package_variable(name: &str) -> bool {
    const PREFIXES: [&str; 5] = [
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
        "CARGO_PRIMARY_",
    ];
    PREFIXES.iter().any(|prefix| name.starts_with(prefix)) || name == "CARGO_TARGET_TMPDIR"
}

/// The path of the `codecarbon` executable, if this line of cargo's JSON messages reports it.
fn built_executable(line: &str) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    if message["reason"] != "compiler-artifact" || message["target"]["name"] != BINARY {
        return None;
    }
    message["executable"].as_str().map(PathBuf::from)
}

/// Packages `options.binary` as it is (no build): writes the archive and its checksum.
pub fn assemble(options: &Options) -> Result<Archive, DistError> {
    let name = options.name();
    let binary = std::fs::read(&options.binary)
        .doing(|| format!("cannot read {}", options.binary.display()))?;
    let glibc = if options.is_glibc_target() {
        glibc::required_glibc(&binary).map_err(|source| DistError::Glibc {
            binary: options.binary.clone(),
            source,
        })?
    } else {
        None
    };

    let out = &options.out_dir;
    std::fs::create_dir_all(out).doing(|| format!("cannot create {}", out.display()))?;
    let staging = tempfile::tempdir_in(out)
        .doing(|| format!("cannot make a staging folder in {}", out.display()))?;
    let top = staging.path().join(&name);
    stage(&top, &binary, options, glibc.as_ref())?;

    let file_name = format!("{name}.tar.gz");
    let path = out.join(&file_name);
    let mut archive = tempfile::NamedTempFile::new_in(out)
        .doing(|| format!("cannot make a file in {}", out.display()))?;
    write_tar_gz(staging.path(), Path::new(&name), archive.as_file_mut())
        .and_then(|()| set_mode(archive.path(), 0o644))
        .doing(|| format!("cannot write the archive {}", path.display()))?;
    archive
        .persist(&path)
        .map_err(|e| e.error)
        .doing(|| format!("cannot write {}", path.display()))?;

    let bytes = std::fs::read(&path).doing(|| format!("cannot read {}", path.display()))?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let checksum_path = out.join(format!("{file_name}.sha256"));
    std::fs::write(&checksum_path, format!("{sha256}  {file_name}\n"))
        .doing(|| format!("cannot write {}", checksum_path.display()))?;
    Ok(Archive {
        path,
        checksum_path,
        sha256,
        glibc,
    })
}

/// Fills the archive's top folder `top`.
fn stage(
    top: &Path,
    binary: &[u8],
    options: &Options,
    glibc: Option<&GlibcVersion>,
) -> Result<(), DistError> {
    let exe = top.join(BINARY);
    std::fs::create_dir_all(top.join("completions"))
        .and_then(|()| std::fs::write(&exe, binary))
        .and_then(|()| set_mode(&exe, 0o755))
        .doing(|| format!("cannot copy the binary into {}", top.display()))?;

    run(Command::new(&exe)
        .arg("man")
        .arg("--dir")
        .arg(top.join("man")))?;
    for (shell, file) in COMPLETIONS {
        let script = run(Command::new(&exe).args(["completions", shell]))?;
        let path = top.join("completions").join(file);
        std::fs::write(&path, script).doing(|| format!("cannot write {}", path.display()))?;
    }

    let root = workspace_root();
    let data_crate = root.join("crates/data");
    copy(&root.join("LICENSE"), &top.join("LICENSE"))?;
    copy(
        &data_crate.join("data/SOURCES.md"),
        &top.join("data/SOURCES.md"),
    )?;
    // At the top, as in the crate, so that its README's `../LICENSE` and `../data/SOURCES.md`
    // hold in the archive too.
    copy_tree(&data_crate.join("LICENSES"), &top.join("LICENSES"))?;

    let readme = readme::render(options, glibc);
    let path = top.join("README.md");
    std::fs::write(&path, readme).doing(|| format!("cannot write {}", path.display()))
}

/// Writes `base/top` and everything under it, in name order, as a gzipped tar to `out`.
/// gzip's default level, as `tar czf`: the best one takes half as long again for an archive 2 %
/// smaller.
fn write_tar_gz(base: &Path, top: &Path, out: impl Write) -> io::Result<()> {
    let mut tar = tar::Builder::new(GzEncoder::new(out, Compression::default()));
    tar.mode(tar::HeaderMode::Deterministic);
    append_sorted(&mut tar, base, top)?;
    tar.into_inner()?.finish()?.flush()
}

/// Appends `base/relative` (a file, or a folder and what it holds) as `relative`.
fn append_sorted<W: Write>(
    tar: &mut tar::Builder<W>,
    base: &Path,
    relative: &Path,
) -> io::Result<()> {
    let path = base.join(relative);
    if !path.is_dir() {
        return tar.append_path_with_name(&path, relative);
    }
    tar.append_dir(relative, &path)?;
    let mut names = std::fs::read_dir(&path)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect::<io::Result<Vec<_>>>()?;
    names.sort();
    for name in names {
        append_sorted(tar, base, &relative.join(name))?;
    }
    Ok(())
}

/// Copies the file `from` to `to`, making `to`'s folder.
fn copy(from: &Path, to: &Path) -> Result<(), DistError> {
    to.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::copy(from, to))
        .doing(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

/// Copies the folder `from` and everything under it to `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<(), DistError> {
    let entries = std::fs::read_dir(from).doing(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let entry = entry.doing(|| format!("cannot read {}", from.display()))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_tree(&source, &target)?;
        } else {
            copy(&source, &target)?;
        }
    }
    Ok(())
}

/// Sets a file's permission bits (the binary's execute bits; the archive's, which a temporary
/// file makes private).
#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

/// Runs `command` and returns its stdout; a failure carries its status and stderr.
fn run(command: &mut Command) -> Result<Vec<u8>, DistError> {
    let described = describe(command);
    let output = command
        .output()
        .doing(|| format!("cannot run {described}"))?;
    if !output.status.success() {
        return Err(DistError::Command {
            command: described,
            detail: format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(output.stdout)
}

/// A command line as a person would type it.
fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nested_build_drops_only_the_running_package_s_variables() {
        for dropped in [
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_PKG_NAME",
            "CARGO_PKG_VERSION_MAJOR",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_BIN_EXE_xtask",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
        ] {
            assert!(is_package_variable(dropped), "{dropped}");
        }
        for kept in [
            "CARGO_HOME",
            "CARGO_TARGET_DIR",
            "CARGO_INCREMENTAL",
            "CARGO_BUILD_JOBS",
            "CARGO_PROFILE_RELEASE_LTO",
            "CARGO_NET_OFFLINE",
            "RUSTFLAGS",
        ] {
            assert!(!is_package_variable(kept), "{kept}");
        }
    }

    #[test]
    fn the_binary_is_found_in_cargo_s_messages() {
        let artifact = |name: &str, executable: &str| {
            format!(
                r#"{{"reason":"compiler-artifact","target":{{"name":"{name}","kind":["bin"]}},"executable":{executable}}}"#
            )
        };
        assert_eq!(
            built_executable(&artifact(BINARY, r#""/t/release/codecarbon""#)),
            Some(PathBuf::from("/t/release/codecarbon"))
        );
        assert_eq!(built_executable(&artifact("codecarbon_cli", "null")), None);
        assert_eq!(built_executable(&artifact("other", r#""/t/other""#)), None);
        assert_eq!(
            built_executable(r#"{"reason":"build-finished","success":true}"#),
            None
        );
        assert_eq!(built_executable("not json"), None);
    }
}
