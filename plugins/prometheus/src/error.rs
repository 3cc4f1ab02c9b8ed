//! What can go wrong, in words that say how to fix it, and what the endpoint's server has to
//! tell. No message holds a password: URLs are shown without their user information, and a
//! server's answer is scrubbed of the password.

use crate::settings::{KEY_LISTEN, KEY_URL};
use codecarbon_core::{ConfigError, SinkError};
use thiserror::Error;

/// Why the Prometheus sink could not be built or could not push.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PrometheusError {
    /// `prometheus_url` is not an http(s) URL.
    #[error(
        "{} {shown:?} is not usable: {reason}; set it to the Pushgateway's base URL, such as \
         http://localhost:9091",
        KEY_URL
    )]
    BadUrl {
        /// The value, with any user information hidden.
        shown: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `prometheus_listen` is not an address.
    #[error(
        "{} {value:?} is not an address: expected HOST:PORT, such as 127.0.0.1:9464",
        KEY_LISTEN
    )]
    BadListen {
        /// The value.
        value: String,
    },
    /// A setting's value does not fit its declaration (a key that takes `true` or `false`
    /// has another value, say).
    #[error(transparent)]
    Setting(#[from] ConfigError),
    /// The `/metrics` endpoint could not listen on its address.
    #[error(
        "cannot listen on {addr} for Prometheus scrapes: {reason}; another process may hold \
         the port: choose a free one with --prometheus-listen (config key {})",
        KEY_LISTEN
    )]
    Bind {
        /// The address.
        addr: String,
        /// The system's reason.
        reason: String,
    },
    /// Only one of `PROMETHEUS_USERNAME` and `PROMETHEUS_PASSWORD` is set.
    #[error(
        "only one of PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD is set: set both for the \
         Pushgateway's basic auth, or neither"
    )]
    HalfAuth,
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client for the Pushgateway: {0}")]
    Client(String),
    /// The Pushgateway answered with an error status.
    #[error(
        "the Pushgateway at {url} answered {method} with HTTP {status}{detail}; check \
         {}, and PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD if it requires basic auth",
        KEY_URL
    )]
    Status {
        /// `PUT` or `DELETE`.
        method: &'static str,
        /// The grouping URL, without credentials.
        url: String,
        /// The HTTP status.
        status: u16,
        /// `: ` and the start of the answer, or nothing.
        detail: String,
    },
    /// The Pushgateway could not be reached in time.
    #[error(
        "cannot {method} metrics to the Pushgateway at {url}: {reason}; start it, or set \
         {} to where it runs",
        KEY_URL
    )]
    Unreachable {
        /// `PUT` or `DELETE`.
        method: &'static str,
        /// The grouping URL, without credentials.
        url: String,
        /// What happened (connection refused, timed out, ...).
        reason: String,
    },
}

/// What went wrong in the `/metrics` endpoint's server since it was last told: each fault
/// once, its end once. A warning for the user, never the output's failure: the endpoint is not
/// a row to save, and the run, its push and its other outputs go on without it.
#[derive(Debug, Error)]
#[error("the /metrics endpoint on {addr} {}", endpoint_state(*stopped, reason))]
pub(crate) struct EndpointTrouble {
    /// The address served.
    pub(crate) addr: String,
    /// What went wrong.
    pub(crate) reason: String,
    /// Whether it no longer serves.
    pub(crate) stopped: bool,
}

/// The rest of [`EndpointTrouble`]'s message: what happened and what it costs.
fn endpoint_state(stopped: bool, reason: &str) -> String {
    if stopped {
        format!(
            "stopped: {reason}; Prometheus can no longer scrape this run, which goes on and \
             writes its other outputs"
        )
    } else {
        format!("had a problem: {reason}; it is still served, and the run goes on")
    }
}

impl From<PrometheusError> for SinkError {
    fn from(e: PrometheusError) -> Self {
        SinkError::Other(format!("prometheus: {e}"))
    }
}
