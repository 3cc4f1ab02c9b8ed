//! One question to each provider's instance metadata service.
//!
//! Each function answers `Some(region)` only for a reply that is plainly the provider's: a
//! success status, the provider's marker header where it has one (GCP), and a body shaped like
//! a region name. Anything else (refused, 404, an HTML page from something else listening on
//! the address) is `None`, so the other providers' answers decide.
//!
//! The AWS session token lives only inside [`aws`]: it is never stored, logged or put in an
//! error.

use codecarbon_core::body::{read_bounded, ANSWER_BYTES};
use reqwest::{Client, Response, StatusCode};

/// The AWS IMDSv2 token lifetime asked for, in seconds (AWS's documented example value).
const AWS_TOKEN_TTL_SECONDS: &str = "21600";

/// The Azure IMDS API version asked for; `format=text` makes the leaf a bare string.
pub(crate) const AZURE_API_VERSION: &str = "2021-02-01";

/// AWS: the region from IMDSv2 (a token from `PUT /latest/api/token`, then the region with
/// it); when the token endpoint refuses with 403, 404 or 405, IMDSv1 (the region without a
/// token).
pub(crate) async fn aws(client: &Client, base: &str) -> Option<String> {
    let region_url = format!("{base}/latest/meta-data/placement/region");
    let token = client
        .put(format!("{base}/latest/api/token"))
        .header(
            "X-aws-ec2-metadata-token-ttl-seconds",
            AWS_TOKEN_TTL_SECONDS,
        )
        .send()
        .await
        .ok()?;
    let request = match token.status() {
        status if status.is_success() => {
            let token = text(token).await?;
            if token.is_empty() {
                return None;
            }
            client
                .get(&region_url)
                .header("X-aws-ec2-metadata-token", token.as_str())
        }
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
            client.get(&region_url)
        }
        _ => return None,
    };
    let region = text(request.send().await.ok()?).await?;
    aws_region(&region)
}

/// Azure: `compute/location` of the instance metadata, as text.
pub(crate) async fn azure(client: &Client, base: &str) -> Option<String> {
    let reply = client
        .get(format!(
            "{base}/metadata/instance/compute/location?api-version={AZURE_API_VERSION}&format=text"
        ))
        .header("Metadata", "true")
        .send()
        .await
        .ok()?;
    azure_region(&text(reply).await?)
}

/// GCP: the instance's zone (`projects/123456/zones/europe-west9-a`), trusted only when the
/// reply carries `Metadata-Flavor: Google`, and turned into its region (`europe-west9`).
pub(crate) async fn gcp(client: &Client, base: &str) -> Option<String> {
    let reply = client
        .get(format!("{base}/computeMetadata/v1/instance/zone"))
        .header("Metadata-Flavor", "Google")
        .send()
        .await
        .ok()?;
    let flavor = reply.headers().get("metadata-flavor")?.to_str().ok()?;
    if !flavor.trim().eq_ignore_ascii_case("google") {
        return None;
    }
    gcp_region(&text(reply).await?)
}

/// The body of a successful reply, trimmed; `None` for one far larger than a region name or
/// a token ever is, of which no more is read than the limit (whatever answers at the address
/// may send without end).
async fn text(mut reply: Response) -> Option<String> {
    if !reply.status().is_success() {
        return None;
    }
    let body = read_bounded(&mut reply, ANSWER_BYTES, |r| Box::pin(r.chunk()))
        .await
        .ok()?
        .whole()
        .ok()?;
    Some(String::from_utf8_lossy(&body).trim().to_string())
}

/// Lower-case letters, digits and dashes, not too long: what every provider's region names
/// look like, and what an error page does not.
fn plausible(name: &str) -> bool {
    (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// `eu-west-3`, `us-gov-west-1`: dashed words ending in a number.
pub(crate) fn aws_region(text: &str) -> Option<String> {
    let region = text.trim().to_ascii_lowercase();
    let parts: Vec<&str> = region.split('-').collect();
    let numbered = parts
        .last()
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (plausible(&region) && parts.len() >= 3 && numbered).then_some(region)
}

/// `westeurope`, `eastus2`: one word of letters and digits.
pub(crate) fn azure_region(text: &str) -> Option<String> {
    let region = text.trim().to_ascii_lowercase();
    (plausible(&region) && !region.contains('-')).then_some(region)
}

/// `projects/123456/zones/europe-west9-a` → `europe-west9`.
pub(crate) fn gcp_region(zone: &str) -> Option<String> {
    let zone = zone.trim().rsplit('/').next()?.to_ascii_lowercase();
    let (region, suffix) = zone.rsplit_once('-')?;
    let zone_letter = suffix.len() == 1 && suffix.bytes().all(|b| b.is_ascii_lowercase());
    (zone_letter && plausible(region) && region.contains('-')).then(|| region.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use proptest::prelude::*;

    /// Text a metadata address may answer: region-like, path-like, or anything.
    fn answer() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z0-9 /\\-]{0,70}",
            "projects/[0-9]{1,8}/zones/[a-z0-9-]{0,30}",
            "\\s?[a-zA-Z]{2,6}-[a-z]{2,9}-[0-9]{1,2}\\s?",
            "projects/1/zones/[a-z]{2,8}-[a-z]{2,8}[0-9]-[a-z]",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever a metadata address answers, a provider's reader gives a region name that
        /// only holds lower-case letters, digits and inner dashes, or nothing; none panics.
        #[test]
        fn any_answer_is_a_plausible_region_or_none(text in answer()) {
            for region in [aws_region(&text), azure_region(&text), gcp_region(&text)]
                .into_iter()
                .flatten()
            {
                prop_assert!(plausible(&region), "{region:?} from {text:?}");
            }
        }
    }

    #[test]
    fn region_names_are_checked_per_provider() {
        assert_eq!(aws_region("eu-west-3\n").as_deref(), Some("eu-west-3"));
        assert_eq!(
            aws_region("us-gov-west-1").as_deref(),
            Some("us-gov-west-1")
        );
        assert_eq!(aws_region("<html>nope</html>"), None);
        assert_eq!(aws_region("eu-west"), None);
        assert_eq!(azure_region("WestEurope").as_deref(), Some("westeurope"));
        assert_eq!(azure_region("west europe"), None);
        assert_eq!(azure_region(""), None);
        assert_eq!(
            gcp_region("projects/123456/zones/europe-west9-a").as_deref(),
            Some("europe-west9")
        );
        assert_eq!(gcp_region("us-central1-f").as_deref(), Some("us-central1"));
        assert_eq!(gcp_region("projects/1/zones/"), None);
        assert_eq!(gcp_region("europe-west9"), None);
    }
}
