//! The oldest glibc a Linux binary runs on: the highest `GLIBC_x.y` version among the symbol
//! versions it needs (its ELF `.gnu.version_r`), which the dynamic loader refuses to start
//! without.

use object::elf::{FileHeader32, FileHeader64};
use object::read::elf::FileHeader;
use object::{Endianness, FileKind};
use std::collections::BTreeSet;
use std::fmt;

/// A glibc version, compared part by part (2.3.4 < 2.17 < 2.34).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct GlibcVersion(Vec<u32>);

impl GlibcVersion {
    /// The release a symbol-version name stands for: `GLIBC_2.34` is 2.34. `GLIBC_ABI_DT_RELR`
    /// (relative relocations packed by the linker) is first understood by glibc 2.36; other
    /// names (`GLIBC_PRIVATE`, another library's versions) say nothing about the release.
    pub fn from_symbol_version(name: &str) -> Option<Self> {
        if name == "GLIBC_ABI_DT_RELR" {
            return Some(Self(vec![2, 36]));
        }
        let parts = name
            .strip_prefix("GLIBC_")?
            .split('.')
            .map(|part| part.parse().ok())
            .collect::<Option<Vec<u32>>>()?;
        (parts.len() >= 2).then_some(Self(parts))
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// Why an executable's version needs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GlibcError {
    /// Not an ELF file (a macOS or Windows binary, or not a program at all).
    #[error("not an ELF file")]
    NotElf,
    /// An ELF file whose headers or version sections do not parse.
    #[error("malformed ELF file: {0}")]
    Malformed(#[from] object::read::Error),
}

/// Every glibc release named by the version needs of the ELF file `data`.
pub fn glibc_versions(data: &[u8]) -> Result<BTreeSet<GlibcVersion>, GlibcError> {
    let names = match FileKind::parse(data)? {
        FileKind::Elf32 => needed_versions::<FileHeader32<Endianness>>(data)?,
        FileKind::Elf64 => needed_versions::<FileHeader64<Endianness>>(data)?,
        _ => return Err(GlibcError::NotElf),
    };
    Ok(names
        .iter()
        .filter_map(|name| GlibcVersion::from_symbol_version(name))
        .collect())
}

/// The oldest glibc the ELF file `data` runs on; `None` when it needs no versioned glibc symbol
/// (a static or musl binary).
pub fn required_glibc(data: &[u8]) -> Result<Option<GlibcVersion>, GlibcError> {
    Ok(glibc_versions(data)?.pop_last())
}

/// The names of every symbol version the file needs, from any library.
fn needed_versions<Elf: FileHeader<Endian = Endianness>>(
    data: &[u8],
) -> Result<Vec<String>, object::read::Error> {
    let header = Elf::parse(data)?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let mut names = Vec::new();
    let Some((mut needs, strings_index)) = sections.gnu_verneed(endian, data)? else {
        return Ok(names);
    };
    let strings = sections.strings(endian, data, strings_index)?;
    while let Some((_library, mut versions)) = needs.next()? {
        while let Some(version) = versions.next()? {
            let name = version.name(endian, strings)?;
            names.push(String::from_utf8_lossy(name).into_owned());
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn version(name: &str) -> Option<String> {
        GlibcVersion::from_symbol_version(name).map(|v| v.to_string())
    }

    #[test]
    fn symbol_version_names_are_read_as_releases() {
        assert_eq!(version("GLIBC_2.2.5").as_deref(), Some("2.2.5"));
        assert_eq!(version("GLIBC_2.34").as_deref(), Some("2.34"));
        assert_eq!(version("GLIBC_ABI_DT_RELR").as_deref(), Some("2.36"));
        for other in [
            "GLIBC_PRIVATE",
            "GLIBC_2",
            "GCC_3.0",
            "GLIBC_2.x",
            "OPENSSL_3.0.0",
        ] {
            assert_eq!(version(other), None, "{other}");
        }
    }

    #[test]
    fn releases_compare_part_by_part() {
        let v = |name| GlibcVersion::from_symbol_version(name).unwrap();
        assert!(v("GLIBC_2.3.4") < v("GLIBC_2.17"));
        assert!(v("GLIBC_2.17") < v("GLIBC_2.34"));
        assert!(v("GLIBC_2.2.5") < v("GLIBC_2.3"));
    }

    #[test]
    fn a_file_that_is_not_elf_is_refused() {
        assert!(matches!(
            glibc_versions(b"#!/bin/sh\necho hi\n"),
            Err(GlibcError::Malformed(_) | GlibcError::NotElf)
        ));
    }
}
