//! An npm package's files, the way npm gets them: the registry's metadata lists the versions
//! (`dist-tags.latest`, or the highest one a dependency range allows), each with its tarball
//! URL and `sha512` integrity; the tarball is a gzipped tar whose files sit under `package/`.

use super::fetch::Fetcher;
use super::sources::Endpoints;
use anyhow::{anyhow, bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha512};
use std::collections::BTreeMap;
use std::io::{Read, Write};

/// The abbreviated metadata document npm itself asks for (smaller than the full one).
const ACCEPT: &str = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

/// One version of a package, unpacked.
#[derive(Debug, Clone)]
pub struct Package {
    /// `@scope/name`.
    pub name: String,
    /// The version `dist-tags.latest` named.
    pub version: String,
    /// Its `.js` and `.json` files by path inside the package (`dist/lib/AWSRegions.js`).
    pub files: BTreeMap<String, String>,
}

impl Package {
    /// The first file (by path) whose text contains `marker`.
    pub fn file_with(&self, marker: &str) -> Result<(&str, &str)> {
        self.files
            .iter()
            .find(|(_, text)| text.contains(marker))
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .ok_or_else(|| {
                anyhow!(
                    "{} {}: no file contains `{marker}`: the package changed; update xtask/src/data/ccf.rs",
                    self.name,
                    self.version
                )
            })
    }
}

/// Which version of a package to take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// `dist-tags.latest`.
    Latest,
    /// The highest version a dependency range (`^0.17.3`, `~1.2.0`, `1.2.3`) allows, as npm
    /// resolves a package's dependency.
    Range(String),
}

/// Downloads a version of `name` through `endpoints`, logging as `source_name`.
pub fn fetch(
    fetcher: &Fetcher,
    endpoints: &Endpoints,
    source_name: &str,
    name: &str,
    wanted: &Wanted,
    log: &mut dyn Write,
) -> Result<Package> {
    let meta = fetcher.get(
        source_name,
        &endpoints.npm_metadata(name),
        Some(ACCEPT),
        log,
    )?;
    let meta: serde_json::Value = serde_json::from_slice(&meta)
        .with_context(|| format!("{source_name}: the registry's answer for {name} is not JSON"))?;
    let version = match wanted {
        Wanted::Latest => meta["dist-tags"]["latest"]
            .as_str()
            .ok_or_else(|| anyhow!("{source_name}: {name} has no dist-tags.latest"))?
            .to_owned(),
        Wanted::Range(range) => {
            let versions = meta["versions"]
                .as_object()
                .map(|v| v.keys().cloned().collect::<Vec<_>>());
            resolve(range, &versions.unwrap_or_default()).with_context(|| {
                format!("{source_name}: {name}: no published version satisfies `{range}`")
            })?
        }
    };
    let dist = &meta["versions"][&version]["dist"];
    let tarball = dist["tarball"]
        .as_str()
        .ok_or_else(|| anyhow!("{source_name}: {name} {version} has no dist.tarball"))?;
    let tgz = fetcher.get(source_name, &endpoints.url(tarball), None, log)?;
    if let Some(integrity) = dist["integrity"].as_str() {
        verify(&tgz, integrity).with_context(|| format!("{source_name}: {name} {version}"))?;
    }
    let files =
        unpack(&tgz).with_context(|| format!("{source_name}: {name} {version}: bad tarball"))?;
    let _ = writeln!(
        log,
        "[{source_name}] {name} {version}: {} files",
        files.len()
    );
    Ok(Package {
        name: name.to_owned(),
        version,
        files,
    })
}

impl Package {
    /// The range this package's `package.json` asks for `dependency`.
    pub fn dependency(&self, dependency: &str) -> Result<String> {
        let manifest = self
            .files
            .get("package.json")
            .ok_or_else(|| anyhow!("{} {}: no package.json", self.name, self.version))?;
        let manifest: serde_json::Value = serde_json::from_str(manifest)
            .with_context(|| format!("{} {}: package.json is not JSON", self.name, self.version))?;
        manifest["dependencies"][dependency]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| {
                anyhow!(
                    "{} {} does not depend on {dependency}",
                    self.name,
                    self.version
                )
            })
    }
}

/// A release version `MAJOR.MINOR.PATCH` (pre-releases are never picked).
fn version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.trim().trim_start_matches(['=', 'v']).split('.');
    let v = (
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
        parts.next()?.parse().ok()?,
    );
    parts.next().is_none().then_some(v)
}

/// The highest of `versions` that `range` allows (`^`, `~` or an exact version).
pub fn resolve(range: &str, versions: &[String]) -> Result<String> {
    let range = range.trim();
    let (op, base) = match range.chars().next() {
        Some(c @ ('^' | '~')) => (c, &range[1..]),
        _ => ('=', range),
    };
    let low = version(base).ok_or_else(|| {
        anyhow!("`{range}` is not a range this tool reads (^x.y.z, ~x.y.z or x.y.z)")
    })?;
    let high = match (op, low) {
        ('^', (0, 0, p)) => (0, 0, p + 1),
        ('^', (0, m, _)) => (0, m + 1, 0),
        ('^', (major, _, _)) => (major + 1, 0, 0),
        ('~', (major, m, _)) => (major, m + 1, 0),
        (_, (major, m, p)) => (major, m, p + 1),
    };
    versions
        .iter()
        .filter_map(|v| {
            version(v)
                .filter(|p| *p >= low && *p < high)
                .map(|p| (p, v))
        })
        .max()
        .map(|(_, v)| v.clone())
        .ok_or_else(|| anyhow!("none of {} matches", versions.join(", ")))
}

/// Checks an `sha512-<base64>` integrity string (other algorithms are not checked).
fn verify(bytes: &[u8], integrity: &str) -> Result<()> {
    for entry in integrity.split_whitespace() {
        if let Some(b64) = entry.strip_prefix("sha512-") {
            let want = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .context("integrity is not base64")?;
            if Sha512::digest(bytes).as_slice() != want.as_slice() {
                bail!("the tarball does not match its sha512 integrity: a corrupt or tampered download");
            }
        }
    }
    Ok(())
}

/// The `.js` and `.json` files of a package tarball, `package/` stripped from their paths.
pub fn unpack(tgz: &[u8]) -> Result<BTreeMap<String, String>> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tgz));
    let mut files = BTreeMap::new();
    for entry in archive.entries()? {
        let mut entry = entry?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path()?.to_string_lossy().into_owned();
        let path = path
            .split_once('/')
            .map_or(path.as_str(), |(_, rest)| rest)
            .to_owned();
        if !(path.ends_with(".js") || path.ends_with(".json")) {
            continue;
        }
        let mut text = String::new();
        entry
            .read_to_string(&mut text)
            .with_context(|| format!("{path} is not UTF-8"))?;
        files.insert(path, text);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn resolves_ranges_as_npm_does() {
        let v: Vec<String> = [
            "0.6.1",
            "0.17.0",
            "0.17.3",
            "0.18.0",
            "1.0.0",
            "1.2.0",
            "1.3.0-beta.1",
            "2.0.0",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(resolve("^0.17.3", &v).unwrap(), "0.17.3");
        assert_eq!(resolve("^0.17.0", &v).unwrap(), "0.17.3");
        assert_eq!(resolve("^1.0.0", &v).unwrap(), "1.2.0");
        assert_eq!(resolve("~1.0.0", &v).unwrap(), "1.0.0");
        assert_eq!(resolve("0.6.1", &v).unwrap(), "0.6.1");
        assert!(resolve("^0.19.0", &v).is_err());
        assert!(resolve(">=1 <2", &v)
            .unwrap_err()
            .to_string()
            .contains("not a range"));
    }
}
