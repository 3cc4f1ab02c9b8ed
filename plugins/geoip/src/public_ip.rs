//! The machine's public IP: given (`public_ip`) or asked of a "what is my IP" service
//! (`public_ip_url`).

use crate::error::SetupError;
use crate::http::{failure, parse_url, FetchError, Fetcher, Timeouts};
use crate::settings::PUBLIC_IP_URL;
use codecarbon_core::{redact_url, Credentials, LocateError};
use reqwest::Url;
use std::fmt;
use std::net::IpAddr;

/// ipify, which answers the caller's address as plain text.
pub const DEFAULT_PUBLIC_IP_URL: &str = "https://api.ipify.org";

/// Where the public IP comes from.
#[derive(Clone)]
pub struct IpSource(Source);

#[derive(Clone)]
enum Source {
    Fixed(IpAddr),
    Discover {
        url: Url,
        /// The URL's `user:password` and query values, hidden from what the service answers.
        credentials: Credentials,
        fetcher: Fetcher,
    },
}

impl IpSource {
    /// A known address: no request is ever made, so the database locator works offline.
    pub fn fixed(ip: IpAddr) -> IpSource {
        IpSource(Source::Fixed(ip))
    }

    /// Asks `url` (an ipify-like service) for the address, on first use. The answer may be
    /// plain text (`203.0.113.7`) or JSON (`{"ip":"203.0.113.7"}`).
    pub fn discover(url: &str, timeouts: Timeouts) -> Result<IpSource, SetupError> {
        Ok(IpSource(Source::Discover {
            url: parse_url(PUBLIC_IP_URL, url, DEFAULT_PUBLIC_IP_URL)?,
            credentials: Credentials::none().with_url(url),
            fetcher: Fetcher::new(timeouts)?,
        }))
    }

    /// The public IP; `Unavailable`, naming the (redacted) URL and the fix, when the service
    /// cannot be reached or answers something else than an address.
    pub async fn resolve(&self) -> Result<IpAddr, LocateError> {
        let (url, credentials, fetcher) = match &self.0 {
            Source::Fixed(ip) => return Ok(*ip),
            Source::Discover {
                url,
                credentials,
                fetcher,
            } => (url, credentials, fetcher),
        };
        let reason = match fetcher.get(url).await {
            Ok(body) => match parse_ip(&body) {
                Ok(ip) => return Ok(ip),
                Err(reason) => FetchError::Format(reason),
            },
            Err(e) => e,
        };
        Err(LocateError::Unavailable(format!(
            "cannot find the public IP to look up in the GeoIP database: {}. Set public_ip \
             (the machine's public address), or country_iso_code (e.g. --country-iso-code FRA)",
            failure(url, &reason, credentials)
        )))
    }
}

impl fmt::Debug for IpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Fixed(ip) => f.debug_tuple("Fixed").field(ip).finish(),
            Source::Discover { url, .. } => f
                .debug_tuple("Discover")
                .field(&redact_url(url.as_str()))
                .finish(),
        }
    }
}

/// The address in a plain-text or `{"ip": ...}` answer, or why there is none (with what the
/// answer says, whole and unquoted: the caller quotes the whole reason, which hides what was
/// sent and bounds the length; cut here, a credential cut in two would no longer be recognised,
/// and its first part would show).
pub(crate) fn parse_ip(body: &[u8]) -> Result<IpAddr, String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    let candidate = if text.starts_with('{') {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON ({e})"))?;
        value
            .get("ip")
            .and_then(|ip| ip.as_str())
            .map(str::trim)
            .map(String::from)
            .ok_or("JSON without an \"ip\" string")?
    } else {
        text.to_string()
    };
    candidate
        .parse()
        .map_err(|_| format!("not an IP address: \"{candidate}\""))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any answer is an address or a reason; none panics.
        #[test]
        fn any_answer_is_an_address_or_a_reason(body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..100),
            "[0-9a-f:.]{0,40}".prop_map(String::into_bytes),
            "[0-9a-f:. ]{0,40}".prop_map(|ip| format!(r#"{{"ip":"{ip}"}}"#).into_bytes()),
        ]) {
            match parse_ip(&body) {
                Ok(ip) => prop_assert!(!ip.to_string().is_empty()),
                Err(reason) => prop_assert!(!reason.is_empty()),
            }
        }
    }

    /// An answer is quoted whole, never cut before the credentials are hidden: a token that
    /// straddles where a cut once was (character 60) shows not even in part.
    #[test]
    fn a_credential_echoed_in_the_answer_shows_not_even_in_part() {
        let token = "tok-S3CRET-99";
        let sent = Credentials::none().with_url(&format!("https://ip.example/?token={token}"));
        for at in 40..=70 {
            for body in [
                format!("{:<at$}{token} and more", "unknown"),
                format!(r#"{{"ip":"{:<at$}{token}"}}"#, "x"),
            ] {
                let reason = parse_ip(body.as_bytes()).unwrap_err();
                let shown = sent.quote(&reason);
                assert!(shown.contains("<hidden>"), "{shown}");
                for part in token.as_bytes().windows(5) {
                    let part = std::str::from_utf8(part).unwrap();
                    assert!(!shown.contains(part), "{part} at {at}: {shown}");
                }
            }
        }
    }

    #[test]
    fn text_and_json_answers() {
        assert_eq!(
            parse_ip(b"203.0.113.7\n").unwrap().to_string(),
            "203.0.113.7"
        );
        assert_eq!(
            parse_ip(br#" {"ip":"2001:db8::1"} "#).unwrap().to_string(),
            "2001:db8::1"
        );
        assert!(parse_ip(b"<html>")
            .unwrap_err()
            .contains("not an IP address"));
        assert!(parse_ip(br#"{"address":"1.2.3.4"}"#)
            .unwrap_err()
            .contains("\"ip\""));
    }
}
