//! What `offline` means for outputs: no output sends anything over the network.
//!
//! Every output that would (`api`, `http`, `comet`, `otlp`, the Pushgateway push of
//! `prometheus`) answers its probe with [`output_probe`], so that asking for one offline stops
//! the start with the same words for all, and a CodeCarbon switch (`save_to_api`) asking for
//! one is left out with a warning. Listening is not sending: the `/metrics` endpoint of
//! `prometheus_listen` works offline.

use crate::{Config, Probe};

/// Why the output `name` cannot run offline.
///
/// ```
/// assert_eq!(
///     codecarbon_core::offline::refusal("api"),
///     "`offline` is set: the api output sends records over the network"
/// );
/// ```
pub fn refusal(name: &str) -> String {
    format!("`offline` is set: the {name} output sends records over the network")
}

/// The probe of an output that sends records over the network: unavailable, with
/// [`refusal`], when `offline` is set.
pub fn output_probe(config: &Config, name: &str) -> Probe {
    if config.offline {
        Probe::Unavailable(refusal(name))
    } else {
        Probe::Available
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn offline_refuses_and_online_allows() {
        let mut config = Config::default();
        assert_eq!(output_probe(&config, "comet"), Probe::Available);
        config.offline = true;
        assert_eq!(
            output_probe(&config, "comet"),
            Probe::Unavailable(
                "`offline` is set: the comet output sends records over the network".into()
            )
        );
    }
}
