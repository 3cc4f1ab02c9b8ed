//! What can go wrong, in words that say how to fix it.

use thiserror::Error;

/// An embedded region table could not be read: a bug in this build, not in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TableError {
    /// `data/cloud/<provider>.csv` does not have the fixed format.
    #[error(
        "embedded table data/cloud/{provider}.csv is corrupt at line {line}: {why}; \
         this is a bug in codecarbon-cloud (regenerate it with `cargo xtask refresh-data`)"
    )]
    Corrupt {
        /// `aws` or `azure`.
        provider: String,
        /// The 1-based line.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// CodeCarbon's GCP data (embedded by `codecarbon-iso`) could not be read.
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

/// A metadata prober could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MetadataError {
    /// `cloud_metadata_url` is not an `http://` or `https://` URL.
    #[error(
        "`cloud_metadata_url` = {shown} is not a usable URL ({why}): give an http:// address \
         such as http://169.254.169.254 (env CODECARBON_CLOUD_METADATA_URL), or unset it"
    )]
    InvalidUrl {
        /// The value as it may be shown (without credentials, query or fragment).
        shown: String,
        /// Why it was refused.
        why: String,
    },
    /// The HTTP client could not be set up (TLS back-end, system resources).
    #[error("cannot set up the HTTP client for cloud metadata: {0}")]
    Client(String),
}
