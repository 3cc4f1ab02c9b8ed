//! Small HTTP helpers: the endpoint from the base URL, errors as shown to people.

use crate::error::NewError;
use codecarbon_core::{redact_url, Credentials};
use reqwest::header::LOCATION;
use reqwest::Url;

/// `{base}/carbon-intensity/latest`, checked to be http(s).
pub(crate) fn endpoint(base_url: &str) -> Result<Url, NewError> {
    let base = base_url.trim().trim_end_matches('/');
    let url = Url::parse(&format!("{base}/carbon-intensity/latest"))
        .map_err(|e| NewError::InvalidUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(NewError::InvalidUrl(format!(
            "scheme `{}` is not http or https",
            url.scheme()
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(NewError::InvalidUrl(
            "it has a query or a fragment; give only the base, the provider adds the rest".into(),
        ));
    }
    Ok(url)
}

/// An error and its causes, `a: b: c`, each said once.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Where a redirect answer points, resolved against the URL asked and with any
/// `user:password`, query and fragment removed, quoted as any text from the service is, for
/// the message; `(no Location header)` when it says nothing.
///
/// The client follows no redirect: reqwest would carry the `auth-token` header to any host a
/// redirect names, so the user is told where the service moved instead.
pub(crate) fn redirect_target(
    asked: &Url,
    response: &reqwest::Response,
    sent: &Credentials,
) -> String {
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return "(no Location header)".into();
    };
    let target = match asked.join(location) {
        Ok(url) => redact_url(url.as_str()),
        Err(_) => redact_url(location),
    };
    sent.quote(&target)
}
