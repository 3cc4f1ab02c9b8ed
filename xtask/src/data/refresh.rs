//! `cargo xtask refresh-data`: download, rebuild, check, compare, then write.
//!
//! Everything is downloaded, parsed and checked in memory first; a failure at any step
//! leaves the output directory as it was. Files are then written to temporary files beside
//! their targets and renamed into place only once all of them are written. The output is a
//! function of the downloaded bytes alone (no clock, no host name): the same upstream gives
//! the same files.

use super::ccf;
use super::check::{self, Problem};
use super::cloud::{self, Provider};
use super::diff::{self, FileChanges};
use super::fetch::{thousands, Fetcher};
use super::npm::{self, Wanted};
use super::sources::{self, Endpoints};
use super::sources_md::{self, sha16, Entry};
use super::{cer, default_data_dir, egrid, owid, Built};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What to refresh and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data directory to write (the repository's `data/` by default).
    pub out: PathBuf,
    /// Replaces scheme and host of every source URL (tests, mirrors).
    pub base_url: Option<String>,
}

/// What a refresh did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The files written, relative to the output directory (`SOURCES.md` last).
    pub written: Vec<String>,
    /// What changed in each data file.
    pub changes: Vec<FileChanges>,
}

/// Downloads every source, rebuilds the files, and writes them (and `SOURCES.md`) to
/// `options.out`, printing progress and the change summary to `log`.
pub fn refresh(options: &Options, log: &mut dyn Write) -> Result<Report> {
    let endpoints = Endpoints::new(options.base_url.as_deref());
    let fetcher = Fetcher::new().context("cannot start the HTTP client")?;
    let built = build_all(&fetcher, &endpoints, log)?;

    let problems: Vec<Problem> = built
        .iter()
        .flat_map(|b| check::check_file(b.path, &b.bytes))
        .collect();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        bail!(
            "the refreshed data fails check-data; nothing was written:\n{}",
            list.join("\n")
        );
    }

    let changes: Vec<FileChanges> = built
        .iter()
        .map(|b| {
            let old = std::fs::read(options.out.join(b.path)).ok();
            diff::compare(b.path, old.as_deref(), &b.bytes)
        })
        .collect();

    let template = std::fs::read_to_string(options.out.join("SOURCES.md"))
        .or_else(|_| std::fs::read_to_string(default_data_dir().join("SOURCES.md")))
        .unwrap_or_else(|_| "# Data sources\n".to_owned());
    let entries: Vec<Entry> = built
        .iter()
        .map(|b| Entry {
            path: b.path,
            bytes: &b.bytes,
            section: &b.section,
        })
        .collect();
    let sources_md = sources_md::update(&template, &entries);

    let mut files: Vec<(String, &[u8])> = built
        .iter()
        .map(|b| (b.path.to_owned(), &b.bytes[..]))
        .collect();
    files.push(("SOURCES.md".to_owned(), sources_md.as_bytes()));
    write_all(&options.out, &files)?;

    let _ = writeln!(
        log,
        "wrote {} files to {}",
        files.len(),
        options.out.display()
    );
    for change in &changes {
        let _ = writeln!(log, "{change}");
    }
    Ok(Report {
        written: files.into_iter().map(|(p, _)| p).collect(),
        changes,
    })
}

/// Downloads and parses every source, in a fixed order.
fn build_all(fetcher: &Fetcher, endpoints: &Endpoints, log: &mut dyn Write) -> Result<Vec<Built>> {
    let mut built = Vec::new();

    let csv = fetcher.get("owid", &endpoints.url(sources::OWID_ENERGY), None, log)?;
    let (b, rows) = owid::build(&csv)?;
    let _ = writeln!(
        log,
        "[owid] parsed {} rows: {} countries",
        thousands(rows),
        b.entries
    );
    built.push(with_download(b, &[("owid-energy-data.csv", &csv)]));

    let xlsx = fetcher.get("egrid", &endpoints.url(sources::EGRID), None, log)?;
    let parsed = egrid::build(&xlsx)?;
    let _ = writeln!(
        log,
        "[egrid] parsed {} state rows: {} entries{}",
        parsed.rows,
        parsed.built.entries,
        skipped_note(&parsed.skipped, "not a state, left out")
    );
    built.push(with_download(
        parsed.built,
        &[(file_name(sources::EGRID), &xlsx)],
    ));

    let csv = fetcher.get("cer", &endpoints.url(sources::CER_GENERATION), None, log)?;
    let (b, rows) = cer::build(&csv)?;
    let _ = writeln!(
        log,
        "[cer] parsed {} rows: {} provinces and territories",
        thousands(rows),
        b.entries
    );
    built.push(with_download(
        b,
        &[(file_name(sources::CER_GENERATION), &csv)],
    ));

    for (provider, source_name, package) in [
        (Provider::Aws, "ccf-aws", sources::NPM_CCF_AWS),
        (Provider::Azure, "ccf-azure", sources::NPM_CCF_AZURE),
    ] {
        let pkg = npm::fetch(
            fetcher,
            endpoints,
            source_name,
            package,
            &Wanted::Latest,
            log,
        )?;
        // The NERC factors of the core version this package depends on, as npm would install
        // it (not core's latest, whose factors may differ).
        let range = Wanted::Range(pkg.dependency(sources::NPM_CCF_CORE)?);
        let core = npm::fetch(
            fetcher,
            endpoints,
            source_name,
            sources::NPM_CCF_CORE,
            &range,
            log,
        )?;
        let nerc = ccf::nerc(&core)?;
        let factors = match provider {
            Provider::Aws => ccf::aws(&pkg, &nerc)?,
            Provider::Azure => ccf::azure(&pkg, &nerc)?,
        };
        let table = cloud::build(provider, &factors, &pkg, &core);
        let _ = writeln!(
            log,
            "[{source_name}] parsed {} factors: {} regions{}{}",
            factors.len(),
            table.built.entries,
            skipped_note(
                &table.unplaced,
                "no location known, add to xtask/src/data/cloud_regions.rs"
            ),
            skipped_note(&table.unpriced, "no factor upstream, left out"),
        );
        if table.built.entries == 0 {
            bail!(
                "{source_name}: no region of cloud_regions.rs has a factor in {} {}",
                pkg.name,
                pkg.version
            );
        }
        built.push(table.built);
    }
    Ok(built)
}

/// Adds the downloaded files' size and checksum to a file's `SOURCES.md` section.
fn with_download(mut built: Built, downloads: &[(&str, &[u8])]) -> Built {
    for (name, bytes) in downloads {
        built.section.push_str(&format!(
            "\n- **Downloaded**: `{name}`, {} bytes, SHA-256 `{}` (first 16).",
            thousands(bytes.len()),
            sha16(bytes)
        ));
    }
    built
}

fn file_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

fn skipped_note(items: &[String], why: &str) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!("; {why}: {}", items.join(", "))
    }
}

/// Writes every file to a temporary file beside its target, then renames them all.
fn write_all(out: &Path, files: &[(String, &[u8])]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let target = out.join(path);
        let dir = target.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .with_context(|| format!("cannot write {}", tmp.path().display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644));
        }
        staged.push((tmp, target));
    }
    for (tmp, target) in staged {
        tmp.persist(&target)
            .with_context(|| format!("cannot replace {}", target.display()))?;
    }
    Ok(())
}
