//! [`ElectricityMaps`]: the live intensity provider, with its cache and back-off.

use crate::backoff::Backoff;
use crate::clock::{Clock, SystemClock};
use crate::error::NewError;
use crate::http::{chain, endpoint, redirect_target};
use crate::response::parse;
use crate::settings::ElectricityMapsSettings;
use crate::zone::ZoneQuery;
use codecarbon_core::body::{read_bounded, ANSWER_BYTES, EXCERPT_BYTES};
use codecarbon_core::settings::Settings;
use codecarbon_core::{
    async_trait, redact_url, Config, Credentials, Intensity, IntensityError, IntensityProvider,
    Location, Secret,
};
use reqwest::header::HeaderValue;
use reqwest::{StatusCode, Url};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// The API's base URL, used when `electricitymaps_url` is not set.
pub const DEFAULT_URL: &str = "https://api.electricitymaps.com/v3";

/// How long one answer is reused. The engine asks at every measure interval; the grid's
/// intensity changes over the hour, so after this a new value is fetched.
pub const CACHE_TTL: Duration = Duration::from_secs(60);

/// Connection timeout: a service that does not accept within this is treated as down.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Whole-request timeout, so a slow service never holds up a measurement for long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);

/// Live carbon intensity from the Electricity Maps API v3 (`GET {base}/carbon-intensity/latest`).
///
/// - The zone: the explicit `zone` given at construction, else the location's coordinates,
///   else its country's alpha-2 code; `Ok(None)` without a request when none is known.
/// - Each answer is reused for [`CACHE_TTL`], per query.
/// - After a failure the provider waits [`BACKOFF_FIRST`](crate::BACKOFF_FIRST), doubling at
///   each further failure up to [`BACKOFF_MAX`](crate::BACKOFF_MAX), reset by a success. While
///   it waits, [`intensity`](IntensityProvider::intensity) answers `Ok(None)` without a request
///   (not the last good value), so the chain predictably falls back to the static data.
/// - A 401 or 403 answer is [`IntensityError::Invalid`] (the token was rejected); any other
///   failure is [`IntensityError::Unavailable`]. Both start the back-off.
/// - The `when` argument is ignored: the service is asked for its latest figure.
pub struct ElectricityMaps {
    endpoint: Url,
    token: Secret,
    /// The token and the base URL's `user:password`, hidden from whatever the service answers.
    credentials: Credentials,
    zone: Option<String>,
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

/// What the provider remembers between calls.
#[derive(Default)]
struct State {
    cache: HashMap<String, Cached>,
    backoff: Backoff,
}

/// One answer and when it came.
struct Cached {
    at: Instant,
    answer: Option<Intensity>,
}

impl ElectricityMaps {
    /// A provider for the API at `base_url` (such as [`DEFAULT_URL`]), authenticated by
    /// `token`, asking for `zone` when given (`FR`, `US-CAL-CISO`) and else for the location's
    /// coordinates or country.
    ///
    /// # Errors
    /// [`NewError::MissingToken`] for an empty token, [`NewError::InvalidToken`] for one that
    /// cannot be an HTTP header, [`NewError::InvalidUrl`] for a base that is not http(s),
    /// [`NewError::Client`] when the HTTP client cannot be set up.
    pub fn new(
        base_url: &str,
        token: impl Into<String>,
        zone: Option<String>,
    ) -> Result<ElectricityMaps, NewError> {
        let token = Secret::new(token);
        if token.is_empty() {
            return Err(NewError::MissingToken);
        }
        if HeaderValue::from_str(token.expose()).is_err() {
            return Err(NewError::InvalidToken);
        }
        let endpoint = endpoint(base_url)?;
        let credentials = Credentials::none().with_url(base_url).with_secret(&token);
        codecarbon_core::tls::use_ring_unless_chosen();
        let client = reqwest::Client::builder()
            // Redirects are not followed: reqwest would send `auth-token` to whatever host a
            // redirect names (it strips only Authorization and Cookie).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| NewError::Client(credentials.quote(&chain(&e.without_url()))))?;
        Ok(ElectricityMaps {
            endpoint,
            token,
            credentials,
            zone: zone.map(|z| z.trim().to_string()).filter(|z| !z.is_empty()),
            client,
            clock: Arc::new(SystemClock),
            state: Mutex::new(State::default()),
        })
    }

    /// The provider the configuration describes: `electricitymaps_api_token` (or the
    /// deprecated `co2_signal_api_token`), `electricitymaps_url` (default [`DEFAULT_URL`]) and
    /// `electricitymaps_zone`.
    ///
    /// # Errors
    /// [`NewError::Offline`] when `offline` is set, else as [`ElectricityMaps::new`].
    pub fn from_config(config: &Config) -> Result<ElectricityMaps, NewError> {
        if config.offline {
            return Err(NewError::Offline);
        }
        let settings = ElectricityMapsSettings::from_config(config)
            .map_err(|e| NewError::Setting(e.to_string()))?;
        ElectricityMaps::from_settings(&settings)
    }

    /// The provider `settings` describe: the token, the base URL (blank: [`DEFAULT_URL`]) and
    /// the zone.
    ///
    /// # Errors
    /// As [`ElectricityMaps::new`].
    pub fn from_settings(settings: &ElectricityMapsSettings) -> Result<ElectricityMaps, NewError> {
        let token = settings
            .electricitymaps_api_token
            .as_ref()
            .ok_or(NewError::MissingToken)?;
        let base = settings
            .electricitymaps_url
            .as_deref()
            .unwrap_or(DEFAULT_URL);
        ElectricityMaps::new(base, token.expose(), settings.electricitymaps_zone.clone())
    }

    /// The same provider reading time from `clock` (tests use a
    /// [`ManualClock`](crate::ManualClock) to pass the cache's and back-off's deadlines).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> ElectricityMaps {
        self.clock = clock;
        self
    }

    /// The URL asked, without its query (`https://api.electricitymaps.com/v3/carbon-intensity/latest`),
    /// with any `user:password` in it hidden.
    pub fn endpoint(&self) -> String {
        redact_url(self.endpoint.as_str())
    }

    /// The latest intensity for `at`; see the type's documentation for the zone, the cache and
    /// the back-off.
    ///
    /// # Errors
    /// [`IntensityError::Invalid`] when the token is rejected, [`IntensityError::Unavailable`]
    /// when the service cannot be reached or answers something else than an intensity.
    pub async fn latest(&self, at: &Location) -> Result<Option<Intensity>, IntensityError> {
        let Some(query) = ZoneQuery::choose(self.zone.as_deref(), at) else {
            return Ok(None);
        };
        let key = query.key();
        {
            let now = self.clock.now();
            let state = self.state();
            if let Some(cached) = state.cache.get(&key) {
                if now.saturating_duration_since(cached.at) < CACHE_TTL {
                    return Ok(cached.answer.clone());
                }
            }
            if state.backoff.waiting(now) {
                return Ok(None);
            }
        }
        let result = self.fetch(&query).await;
        let now = self.clock.now();
        let mut state = self.state();
        match &result {
            Ok(answer) => {
                state.backoff.succeeded();
                state.cache.insert(
                    key,
                    Cached {
                        at: now,
                        answer: answer.clone(),
                    },
                );
            }
            Err(_) => {
                state.backoff.failed(now);
            }
        }
        result
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One request; the token goes only in the `auth-token` header.
    async fn fetch(&self, query: &ZoneQuery) -> Result<Option<Intensity>, IntensityError> {
        let mut url = self.endpoint.clone();
        query.apply(&mut url);
        let mut header =
            HeaderValue::from_str(self.token.expose()).map_err(|_| invalid_token_header())?;
        header.set_sensitive(true);
        let mut response = self
            .client
            .get(url.clone())
            .header("auth-token", header)
            .send()
            .await
            .map_err(|e| self.transport(query, e))?;
        let status = response.status();
        if status.is_redirection() {
            let target = redirect_target(&url, &response, &self.credentials);
            return Err(IntensityError::Unavailable(format!(
                "Electricity Maps at {} answered HTTP {status}, a redirect to {target}: redirects are not followed, so the API token never goes to another address; set `electricitymaps_url` to the API's current base",
                self.endpoint()
            )));
        }
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(IntensityError::Invalid(format!(
                "Electricity Maps rejected the API token (HTTP {status}): check `electricitymaps_api_token` (environment variable CODECARBON_ELECTRICITYMAPS_API_TOKEN)"
            )));
        }
        // Only so much is read, however much the service sends: the start of an error to
        // quote, an answer no larger than an intensity ever is.
        let limit = match status.is_success() {
            true => ANSWER_BYTES,
            false => EXCERPT_BYTES,
        };
        let body = read_bounded(&mut response, limit, |r| Box::pin(r.chunk()))
            .await
            .map_err(|e| self.transport(query, e))?;
        if !status.is_success() {
            let quoted = match self.credentials.quote_body(&body) {
                quoted if quoted.is_empty() => quoted,
                quoted => format!(": {quoted}"),
            };
            return Err(IntensityError::Unavailable(format!(
                "Electricity Maps answered HTTP {status} for {query} at {}{quoted}",
                self.endpoint()
            )));
        }
        let body = body.whole().map_err(|too_large| {
            IntensityError::Unavailable(format!(
                "Electricity Maps answered for {query} at {} with something that is not a carbon-intensity answer ({too_large}); check `electricitymaps_url`",
                self.endpoint()
            ))
        })?;
        parse(&body, query, &self.credentials)
    }

    /// A network failure, named with its cause and the endpoint (password hidden).
    fn transport(&self, query: &ZoneQuery, e: reqwest::Error) -> IntensityError {
        let what = if e.is_timeout() {
            format!(
                "timed out (connect {} s, request {} s)",
                CONNECT_TIMEOUT.as_secs(),
                REQUEST_TIMEOUT.as_secs()
            )
        } else {
            self.credentials.quote(&chain(&e.without_url()))
        };
        IntensityError::Unavailable(format!(
            "could not reach Electricity Maps at {} for {query}: {what}",
            self.endpoint()
        ))
    }
}

impl fmt::Debug for ElectricityMaps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ElectricityMaps")
            .field("endpoint", &self.endpoint())
            .field("token", &self.token)
            .field("zone", &self.zone)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl IntensityProvider for ElectricityMaps {
    async fn intensity(
        &self,
        at: &Location,
        _when: SystemTime,
    ) -> Result<Option<Intensity>, IntensityError> {
        self.latest(at).await
    }
}

fn invalid_token_header() -> IntensityError {
    IntensityError::Invalid(NewError::InvalidToken.to_string())
}
