//! codecarbon plugins `http` and `api`: records as JSON to a URL of the user's, or to the
//! CodeCarbon API and its dashboard.
//!
//! Their settings are declared in [`HttpSettings`] and [`ApiSettings`].
//!
//! - [`HttpSink`] (`http`, key `emissions_endpoint`): CodeCarbon's `HTTPOutput`. A JSON POST
//!   of the run's cumulative totals (the CSV's 38 fields plus `user`) at each flush and at
//!   stop.
//! - [`ApiSink`] (`api`, keys `api_endpoint`, `api_key`, and `experiment_id`): CodeCarbon's
//!   `CodeCarbonAPIOutput`. `POST /runs` once, then `POST /emissions` with each interval's
//!   share at every record, flush and stop.
//! - [`check_api`]: whether the `api` output's settings work (`codecarbon test-api`).
//!
//! Every request has a 2 s connect and 5 s overall timeout. Errors name the URL with any
//! `user:password` hidden and without its query, and quote what the server answered only
//! through [`Credentials::quote`](codecarbon_core::Credentials::quote): never the key nor the
//! URL's password, in any encoding, nor a control character.
//! Redirects are not followed (reqwest would carry the `x-api-token` header to any host): a
//! 3xx answer is an error naming where it points.
//!
//! Both refuse to run in `offline` mode ([`codecarbon_core::offline`]), as CodeCarbon's
//! offline tracker has neither.

/// The Rust examples of this crate's README (shown on crates.io), compiled and run by
/// `cargo test --doc -p codecarbon-http`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod api_sink;
mod check;
mod client;
mod delta;
mod error;
mod http_sink;
mod schema;
mod settings;

pub use api_sink::{ApiSink, API_ENDPOINT, API_KEY, API_TOKEN_HEADER, DEFAULT_API_ENDPOINT};
pub use check::{check_api, ApiCheck, ApiCheckError};
pub use client::{CONNECT_TIMEOUT, REQUEST_TIMEOUT};
pub use error::HttpSinkError;
pub use http_sink::{HttpSink, EMISSIONS_ENDPOINT};
pub use settings::{ApiSettings, HttpSettings};

use codecarbon_core::{offline, BuildError, Config, IntoBuildError};

/// Every error of building the sink is the user's to fix: the run does not start without the
/// output they asked for.
impl IntoBuildError for HttpSinkError {
    fn into_build_error(self, plugin: &'static str) -> BuildError {
        BuildError::invalid(plugin, self)
    }
}

codecarbon_core::register_plugins! {
    sink {
        name: "http",
        priority: 0,
        summary: "JSON POST of the totals to `emissions_endpoint` at each flush and at stop (CodeCarbon's HTTPOutput)",
        settings: HttpSettings,
        probe: |config, _: &HttpSettings| offline::output_probe(config, "http"),
        build: |_: &Config, settings: &HttpSettings| HttpSink::from_settings(settings),
    },
    sink {
        name: "api",
        priority: 0,
        summary: "the CodeCarbon API and dashboard: a run, then each interval's emissions (`api_endpoint`, `api_key`)",
        settings: ApiSettings,
        probe: |config, _: &ApiSettings| offline::output_probe(config, "api"),
        build: ApiSink::from_settings,
    },
}
