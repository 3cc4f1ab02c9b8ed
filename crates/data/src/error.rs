//! Why a lookup failed, in words that say how to fix it.

use thiserror::Error;

/// Why [`lookup`](crate::lookup) (or [`list`](crate::list), [`country`](crate::country)) failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LookupError {
    /// A required field of the query is empty.
    #[error("`{0}` is empty: set it, or run `codecarbon intensity --list` to see the choices")]
    Empty(&'static str),
    /// The country code is not an ISO 3166-1 code at all.
    #[error(
        "`{code}` is not an ISO 3166-1 country code: use an alpha-3 code such as `FRA` \
         (or alpha-2 such as `FR`); run `codecarbon intensity --list` to see the countries \
         with data"
    )]
    NotIso {
        /// The code as given.
        code: String,
    },
    /// The country has regional data, and the region is not one of its regions.
    #[error(
        "region `{region}` is not a region of {country} with data; valid regions: {}; \
         codes are accepted too (run `codecarbon intensity --list`), or leave `region` unset \
         to use the country's value",
        valid.join(", ")
    )]
    UnknownRegion {
        /// The country, as `Name (ISO)`.
        country: String,
        /// The region as given.
        region: String,
        /// The valid region names.
        valid: Vec<String>,
    },
    /// No carbon data for this cloud provider.
    #[error(
        "cloud provider `{provider}` publishes no carbon data known here; known providers: {}; \
         otherwise leave `cloud_provider` unset and set `country_iso_code` (and `region`)",
        valid.join(", ")
    )]
    UnknownCloudProvider {
        /// The provider as given.
        provider: String,
        /// Every provider whose regions work (here or in the `cloud` plugin).
        valid: Vec<String>,
    },
    /// AWS or Azure: their regions are the `cloud` plugin's (Cloud Carbon Footprint's
    /// tables), not in CodeCarbon's GCP table.
    #[error(
        "cloud provider `{provider}`: its regions are known to the `cloud` plugin \
         (codecarbon-cloud), not to CodeCarbon's table of GCP regions"
    )]
    OtherCloudProvider {
        /// `aws` or `azure`.
        provider: String,
    },
    /// The provider is known, the region is not.
    #[error(
        "cloud region `{region}` of `{provider}` has no carbon data; valid regions: {}; \
         otherwise leave the cloud settings unset and set `country_iso_code` (and `region`)",
        valid.join(", ")
    )]
    UnknownCloudRegion {
        /// The provider.
        provider: String,
        /// The region as given.
        region: String,
        /// The provider's regions with data.
        valid: Vec<String>,
    },
    /// An embedded dataset failed to parse: a bug in this build, not in the user's input.
    #[error(
        "embedded dataset is corrupt ({0}); this is a bug in codecarbon-data, please report it"
    )]
    Data(String),
}

/// An embedded region table could not be read: a bug in this build, not in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    /// `data/cloud/<provider>.csv` does not have the fixed format.
    #[error(
        "embedded table data/cloud/{provider}.csv is corrupt at line {line}: {why}; \
         this is a bug in codecarbon-data (regenerate it with `cargo xtask refresh-data`)"
    )]
    Corrupt {
        /// `aws` or `azure`.
        provider: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// CodeCarbon's GCP data (`cloud/impact.csv`) could not be read.
    #[error("{0}")]
    Iso(String),
    /// The provider's tables have no such region: the user named one that does not exist.
    #[error(
        "cloud region `{region}` of `{provider}` has no carbon data; valid regions: {}",
        valid.join(", ")
    )]
    UnknownRegion {
        /// The provider, lower case.
        provider: String,
        /// The region as given, lower case.
        region: String,
        /// The provider's regions with data.
        valid: Vec<String>,
    },
}
