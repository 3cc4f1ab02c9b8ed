//! What can go wrong, in words that say how to fix it.

use thiserror::Error;

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
