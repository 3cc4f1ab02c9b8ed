//! A local stand-in for every upstream of `refresh-data`, serving small fixtures at the real
//! paths (so `--base-url` is the only thing that changes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use base64::Engine as _;
use codecarbon_testkit::{HttpStub, Reply};
use sha2::{Digest, Sha512};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use xtask::data::sources::{self, Endpoints};

/// The fixture directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Files served by path.
pub type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// A stub serving `files`; anything else is a 404.
pub fn serve(files: &Files) -> HttpStub {
    let files = files.clone();
    HttpStub::start(move |req| match files.lock().unwrap().get(&req.path) {
        Some(body) => Reply::bytes("application/octet-stream", body.clone()),
        None => Reply::status(404),
    })
}

/// The path part of a source URL (what the stub sees).
pub fn path(url: &str) -> String {
    Endpoints::new(Some("http://x")).url(url)["http://x".len()..].to_owned()
}

/// Every upstream, from the committed fixtures plus a workbook and tarballs made here.
pub fn upstream() -> Files {
    let mut files = HashMap::new();
    let read = |p: &str| std::fs::read(fixtures().join(p)).unwrap();
    files.insert(path(sources::OWID_ENERGY), read("owid-energy-data.csv"));
    files.insert(
        path(sources::CER_GENERATION),
        read("electricity-generation-2023.csv"),
    );
    files.insert(path(sources::EGRID), egrid_workbook(394.7689));
    for (package, releases) in [
        // core's latest (1.0.0) has other factors than the 0.17.3 the packages depend on.
        (
            sources::NPM_CCF_CORE,
            &[("core", "0.17.3"), ("core-1.0.0", "1.0.0")][..],
        ),
        (sources::NPM_CCF_AWS, &[("aws", "0.15.0")][..]),
        (sources::NPM_CCF_AZURE, &[("azure", "1.8.0")][..]),
    ] {
        let (meta, tarballs) = npm_package(package, releases);
        files.insert(
            path(&format!(
                "{}/{}",
                sources::NPM_REGISTRY,
                package.replace('/', "%2f")
            )),
            meta,
        );
        files.extend(tarballs);
    }
    Arc::new(Mutex::new(files))
}

/// An eGRID-shaped workbook: `ST23` with three states and Puerto Rico, `US23` with the nation;
/// each sheet has a row of titles, then the field codes, then data.
pub fn egrid_workbook(california: f64) -> Vec<u8> {
    use rust_xlsxwriter::Workbook;
    let mut book = Workbook::new();
    let st = book.add_worksheet();
    st.set_name("ST23").unwrap();
    let titles = [
        "State sequence",
        "Data Year",
        "State abbreviation",
        "State FIPS",
        "State annual CO2 equivalent total output emission rate (lb/MWh)",
    ];
    let codes = ["SEQST23", "YEAR", "PSTATABB", "FIPSST", "STC2ERTA"];
    for (c, (t, k)) in titles.iter().zip(codes).enumerate() {
        st.write_string(0, c as u16, *t).unwrap();
        st.write_string(1, c as u16, k).unwrap();
    }
    let rows = [
        ("AL", "01", 713.9761234),
        ("CA", "06", california),
        ("DC", "11", 512.25),
        ("PR", "72", 1500.0),
    ];
    for (r, (abbr, fips, rate)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        st.write_number(r, 0, f64::from(r - 1)).unwrap();
        st.write_number(r, 1, 2023).unwrap();
        st.write_string(r, 2, *abbr).unwrap();
        st.write_string(r, 3, *fips).unwrap();
        st.write_number(r, 4, *rate).unwrap();
    }
    let us = book.add_worksheet();
    us.set_name("US23").unwrap();
    for (c, (t, k)) in [
        ("Data Year", "YEAR"),
        ("U.S. CO2e rate (lb/MWh)", "USC2ERTA"),
    ]
    .iter()
    .enumerate()
    {
        us.write_string(0, c as u16, *t).unwrap();
        us.write_string(1, c as u16, *k).unwrap();
    }
    us.write_number(2, 0, 2023).unwrap();
    us.write_number(2, 1, 770.8841).unwrap();
    book.save_to_buffer().unwrap()
}

/// The registry metadata of a fixture package (the last release is `latest`), and each
/// release's tarball by path.
pub fn npm_package(package: &str, releases: &[(&str, &str)]) -> (Vec<u8>, Vec<(String, Vec<u8>)>) {
    let mut versions = serde_json::Map::new();
    let mut tarballs = Vec::new();
    for (dir, version) in releases {
        let tgz = tarball(&fixtures().join("ccf").join(dir));
        let short = package.rsplit('/').next().unwrap();
        let url = format!(
            "{}/{package}/-/{short}-{version}.tgz",
            sources::NPM_REGISTRY
        );
        let integrity = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&tgz))
        );
        versions.insert(
            version.to_string(),
            serde_json::json!({ "dist": { "tarball": url, "integrity": integrity } }),
        );
        tarballs.push((path(&url), tgz));
    }
    let latest = releases.last().unwrap().1;
    let meta = serde_json::json!({ "name": package, "dist-tags": { "latest": latest }, "versions": versions });
    (meta.to_string().into_bytes(), tarballs)
}

/// A gzipped tar of the files under `root`, each under `package/`, as npm packs them.
fn tarball(root: &Path) -> Vec<u8> {
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::default(),
    ));
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let body = std::fs::read(&file).unwrap();
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, format!("package/{rel}"), &body[..])
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every file under `dir` by relative path.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = Vec::new();
    if dir.exists() {
        collect(dir, &mut files);
    }
    files
        .into_iter()
        .map(|f| {
            (
                f.strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                std::fs::read(&f).unwrap(),
            )
        })
        .collect()
}

/// Copies the directory tree `from` to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in snapshot(from) {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}
