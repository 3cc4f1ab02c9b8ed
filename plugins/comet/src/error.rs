//! What can go wrong, in words that say the fix. No message ever holds the API key.

use std::time::Duration;
use thiserror::Error;

/// Why the Comet sink could not be set up or could not log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CometError {
    /// `COMET_API_KEY` is unset or empty.
    #[error(
        "COMET_API_KEY is not set: set COMET_API_KEY to your Comet API key \
         (Comet: Account settings > API keys) to use the `comet` output"
    )]
    MissingApiKey,
    /// Neither a workspace (to create an experiment) nor an experiment key (to attach).
    #[error(
        "COMET_WORKSPACE is not set: set COMET_WORKSPACE (and COMET_PROJECT_NAME) to create \
         a Comet experiment, or COMET_EXPERIMENT_KEY to log to an existing one"
    )]
    MissingWorkspace,
    /// `COMET_API_KEY` cannot be sent in an HTTP header.
    #[error(
        "COMET_API_KEY contains characters not allowed in an HTTP header (a line break?): \
         check it"
    )]
    BadApiKey,
    /// `COMET_URL_OVERRIDE` is not an `http(s)` URL.
    #[error(
        "COMET_URL_OVERRIDE is not an http(s) URL ({reason}): set it to your Comet server, \
         e.g. https://comet.example.com/"
    )]
    BadUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot set up the HTTP client for Comet: {0}")]
    Client(String),
    /// Comet answered 401 or 403: the key is wrong or lacks access. Later calls fail at once
    /// with the same error, without asking Comet again.
    #[error("Comet rejected COMET_API_KEY (HTTP {status}): check it")]
    Rejected {
        /// 401 or 403.
        status: u16,
    },
    /// No answer: connection refused, DNS, TLS or a timeout, after every try.
    #[error("cannot reach Comet at {server} to {action}: {detail}")]
    Unreachable {
        /// The server (scheme, host and port).
        server: String,
        /// What was being done (`create an experiment`).
        action: &'static str,
        /// The innermost cause.
        detail: String,
    },
    /// An error status other than 401/403, after every try for 429 and 5xx.
    #[error("Comet answered HTTP {status} to {action}: {message}")]
    Status {
        /// What was being done.
        action: &'static str,
        /// The status.
        status: u16,
        /// Comet's message, shortened.
        message: String,
    },
    /// A 2xx answer without what it should hold.
    #[error("unexpected answer from Comet to {action}: {detail}")]
    Answer {
        /// What was being done.
        action: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Comet was unreachable moments ago; this call skipped it.
    #[error(
        "Comet was unreachable at the last try; skipped (next try in {} s)",
        .0.as_secs().max(1)
    )]
    CoolingDown(Duration),
    /// `emissions.csv` could not be built.
    #[error("cannot build emissions.csv for Comet: {0}")]
    Csv(String),
}

impl CometError {
    /// Whether the server could not be reached (so later calls may skip it for a while).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            CometError::Unreachable { .. }
                | CometError::Status {
                    status: 429 | 500..=599,
                    ..
                }
        )
    }
}
