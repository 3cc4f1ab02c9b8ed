//! URLs as they may be shown: without `user:password`, query string or fragment.
//!
//! A geolocation URL can carry a token (`https://ipinfo.io/json?token=...`) or credentials
//! (`https://user:secret@proxy.example/geo.json`); neither may reach a log or an error.

use reqwest::Url;

/// The URL without credentials, query or fragment, for messages and `Debug` output.
pub(crate) fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    // Both fail only for URLs without a host (`data:`), which have no credentials to hide.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn strips_credentials_query_and_fragment() {
        let url = Url::parse("http://user:secret@127.0.0.1:8080/geo.json?token=tok#frag").unwrap();
        assert_eq!(redact(&url), "http://127.0.0.1:8080/geo.json");
        let plain = Url::parse("https://get.geojs.io/v1/ip/geo.json").unwrap();
        assert_eq!(redact(&plain), "https://get.geojs.io/v1/ip/geo.json");
    }
}
