//! Where every upstream dataset is downloaded from: the one place to change a URL.
//!
//! `--base-url URL` (or `CODECARBON_DATA_BASE_URL`) replaces the scheme and host of every URL
//! below, and of the tarball URLs the npm registry answers with, keeping the path: with
//! `--base-url http://127.0.0.1:8080` the OWID file is fetched from
//! `http://127.0.0.1:8080/owid/energy-data/master/owid-energy-data.csv`. A path in the base URL
//! is kept as a prefix (`http://mirror/data` gives `http://mirror/data/owid/...`). Tests point
//! every source at one local stub this way; a mirror of all the hosts would work the same.

/// The environment variable that sets the base URL when `--base-url` is not given.
pub const BASE_URL_ENV: &str = "CODECARBON_DATA_BASE_URL";

/// Our World in Data's energy dataset (Ember and Energy Institute electricity columns).
pub const OWID_ENERGY: &str =
    "https://raw.githubusercontent.com/owid/energy-data/master/owid-energy-data.csv";

/// EPA eGRID2023 data workbook (revision 2), with the state (`ST23`) and national (`US23`)
/// sheets. EPA publishes it only as .xlsx; a new edition is a new URL, change it here.
pub const EGRID: &str =
    "https://www.epa.gov/system/files/documents/2025-06/egrid2023_data_rev2.xlsx";

/// Canada Energy Regulator, Canada's Energy Future 2023, electricity generation by province,
/// fuel, scenario and year (GWh), Open Government Licence – Canada.
pub const CER_GENERATION: &str =
    "https://www.cer-rec.gc.ca/open/energy/energyfutures2023/electricity-generation-2023.csv";

/// The edition of Canada's Energy Future in [`CER_GENERATION`]; its year is the one kept.
pub const CER_EDITION: i64 = 2023;

/// The npm registry that serves the Cloud Carbon Footprint packages.
pub const NPM_REGISTRY: &str = "https://registry.npmjs.org";

/// The npm package with the AWS per-region emission factors.
pub const NPM_CCF_AWS: &str = "@cloud-carbon-footprint/aws";

/// The npm package with the Azure per-region emission factors.
pub const NPM_CCF_AZURE: &str = "@cloud-carbon-footprint/azure";

/// The npm package with the US NERC region factors the AWS and Azure tables refer to.
pub const NPM_CCF_CORE: &str = "@cloud-carbon-footprint/core";

/// Rewrites the URLs of the sources: identity without a base URL, else scheme and host
/// replaced by the base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoints {
    base: Option<String>,
}

impl Endpoints {
    /// Endpoints that replace scheme and host with `base` (`None`: the real hosts).
    pub fn new(base: Option<&str>) -> Endpoints {
        Endpoints {
            base: base
                .map(|b| b.trim().trim_end_matches('/').to_owned())
                .filter(|b| !b.is_empty()),
        }
    }

    /// `url` with its scheme and host replaced by the base URL, if one is set.
    pub fn url(&self, url: &str) -> String {
        match &self.base {
            None => url.to_owned(),
            Some(base) => format!("{base}{}", path_of(url)),
        }
    }

    /// The registry URL of an npm package's metadata (`@scope/name` as `@scope%2fname`).
    pub fn npm_metadata(&self, package: &str) -> String {
        self.url(&format!("{NPM_REGISTRY}/{}", package.replace('/', "%2f")))
    }
}

/// The path (with query) of an absolute URL: everything from the first `/` after `://`.
fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn base_url_replaces_scheme_and_host_only() {
        let e = Endpoints::new(Some("http://127.0.0.1:9/"));
        assert_eq!(
            e.url(OWID_ENERGY),
            "http://127.0.0.1:9/owid/energy-data/master/owid-energy-data.csv"
        );
        assert_eq!(
            e.npm_metadata(NPM_CCF_AWS),
            "http://127.0.0.1:9/@cloud-carbon-footprint%2faws"
        );
        assert_eq!(
            Endpoints::new(Some("http://m/x")).url("https://h.org/a/b?c=1"),
            "http://m/x/a/b?c=1"
        );
        assert_eq!(Endpoints::new(None).url(EGRID), EGRID);
        assert_eq!(Endpoints::new(Some("  ")).url(EGRID), EGRID);
    }
}
