#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The metadata locator against local stand-ins of the three providers' services.

use codecarbon_cloud::{MetadataLocator, DEFAULT_TIMEOUT};
use codecarbon_core::{LocateError, Location, Locator};
use codecarbon_testkit::{dead_url, HttpStub, Recorded, Reply};
use std::time::{Duration, Instant};

const TOKEN: &str = "AQAEAtoken-s3cr3t-Zm9v";

fn prober(url: &str) -> MetadataLocator {
    MetadataLocator::new(url, DEFAULT_TIMEOUT).unwrap()
}

async fn locate(url: &str) -> Result<Location, LocateError> {
    prober(url).locate().await
}

/// GCP's metadata server on a VM in europe-west9-a.
fn gcp_zone() -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    codecarbon_testkit::metadata::gcp_zone("europe-west9-a")
}

/// An AWS IMDSv2 stand-in: a token for a PUT with a TTL, the region only with that token.
fn aws_v2(req: &Recorded) -> Reply {
    match (req.method.as_str(), req.path.as_str()) {
        ("PUT", "/latest/api/token") => {
            if req.header("x-aws-ec2-metadata-token-ttl-seconds") == Some("21600") {
                Reply::text(TOKEN)
            } else {
                Reply::status(400)
            }
        }
        ("GET", "/latest/meta-data/placement/region") => {
            if req.header("x-aws-ec2-metadata-token") == Some(TOKEN) {
                Reply::text("eu-west-3")
            } else {
                Reply::status(401)
            }
        }
        _ => Reply::status(404),
    }
}

#[tokio::test]
async fn gcp_zone_gives_the_region_and_its_country() {
    let stub = HttpStub::start(gcp_zone());
    let location = locate(stub.url()).await.unwrap();
    assert_eq!(location.cloud_provider.as_deref(), Some("gcp"));
    assert_eq!(location.cloud_region.as_deref(), Some("europe-west9"));
    assert_eq!(location.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(location.country_name.as_deref(), Some("France"));
    let asked = stub.requests_to("/computeMetadata/v1/instance/zone");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].header("metadata-flavor"), Some("Google"));
}

#[tokio::test]
async fn gcp_answer_without_the_metadata_flavor_header_is_ignored() {
    let stub = HttpStub::start(|req| {
        if req.path == "/computeMetadata/v1/instance/zone" {
            Reply::text("projects/123456/zones/europe-west9-a")
        } else {
            Reply::status(404)
        }
    });
    let err = locate(stub.url()).await.unwrap_err();
    assert!(matches!(err, LocateError::Unavailable(_)), "{err}");
    assert_eq!(
        stub.requests_to("/computeMetadata/v1/instance/zone").len(),
        1
    );
}

#[tokio::test]
async fn aws_imdsv2_uses_the_token() {
    let stub = HttpStub::start(aws_v2);
    let location = locate(stub.url()).await.unwrap();
    assert_eq!(location.cloud_provider.as_deref(), Some("aws"));
    assert_eq!(location.cloud_region.as_deref(), Some("eu-west-3"));
    assert_eq!(location.country_iso_code.as_deref(), Some("FRA"));
    assert_eq!(location.country_name.as_deref(), Some("France"));
    let puts = stub.requests_to("/latest/api/token");
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].method, "PUT");
    let gets = stub.requests_to("/latest/meta-data/placement/region");
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0].header("x-aws-ec2-metadata-token"), Some(TOKEN));
}

#[tokio::test]
async fn aws_token_never_shows_even_when_it_is_refused() {
    // A token is issued, but the region is refused with it: nothing is found, and neither the
    // error nor the prober's Debug carries the token.
    let stub = HttpStub::start(|req| match req.path.as_str() {
        "/latest/api/token" => Reply::text(TOKEN),
        "/latest/meta-data/placement/region" => Reply::status(401),
        _ => Reply::status(404),
    });
    let prober = prober(stub.url());
    let err = prober.locate().await.unwrap_err();
    assert_eq!(
        stub.requests_to("/latest/meta-data/placement/region")[0]
            .header("x-aws-ec2-metadata-token"),
        Some(TOKEN)
    );
    for shown in [err.to_string(), format!("{err:?}"), format!("{prober:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}

#[tokio::test]
async fn aws_falls_back_to_imdsv1_when_the_token_endpoint_refuses() {
    for refusal in [403, 404, 405] {
        let stub = HttpStub::start(move |req| match req.path.as_str() {
            "/latest/api/token" => Reply::status(refusal),
            "/latest/meta-data/placement/region" => Reply::text("us-east-1\n"),
            _ => Reply::status(404),
        });
        let location = locate(stub.url()).await.unwrap();
        assert_eq!(location.cloud_provider.as_deref(), Some("aws"), "{refusal}");
        assert_eq!(location.cloud_region.as_deref(), Some("us-east-1"));
        assert_eq!(location.country_iso_code.as_deref(), Some("USA"));
        let gets = stub.requests_to("/latest/meta-data/placement/region");
        assert_eq!(gets.len(), 1);
        assert_eq!(gets[0].header("x-aws-ec2-metadata-token"), None);
    }
}

#[tokio::test]
async fn aws_does_not_fall_back_on_a_server_error() {
    let stub = HttpStub::start(|req| match req.path.as_str() {
        "/latest/api/token" => Reply::status(500),
        "/latest/meta-data/placement/region" => Reply::text("us-east-1"),
        _ => Reply::status(404),
    });
    assert!(locate(stub.url()).await.is_err());
    assert!(stub
        .requests_to("/latest/meta-data/placement/region")
        .is_empty());
}

#[tokio::test]
async fn azure_location_as_text() {
    let stub = HttpStub::start(|req| {
        let query_ok =
            req.query.contains("api-version=2021-02-01") && req.query.contains("format=text");
        match (req.path.as_str(), req.header("metadata")) {
            ("/metadata/instance/compute/location", Some("true")) if query_ok => {
                Reply::text("westeurope")
            }
            ("/metadata/instance/compute/location", _) => Reply::status(400),
            _ => Reply::status(404),
        }
    });
    let location = locate(stub.url()).await.unwrap();
    assert_eq!(location.cloud_provider.as_deref(), Some("azure"));
    assert_eq!(location.cloud_region.as_deref(), Some("westeurope"));
    assert_eq!(location.country_iso_code.as_deref(), Some("NLD"));
    assert_eq!(location.country_name.as_deref(), Some("Netherlands"));
}

#[tokio::test]
async fn a_region_the_tables_do_not_know_is_still_reported() {
    let stub = HttpStub::start(|req| match req.path.as_str() {
        "/latest/api/token" => Reply::status(404),
        "/latest/meta-data/placement/region" => Reply::text("ap-southeast-9"),
        _ => Reply::status(404),
    });
    let location = locate(stub.url()).await.unwrap();
    assert_eq!(location.cloud_region.as_deref(), Some("ap-southeast-9"));
    assert_eq!(location.country_iso_code, None);
}

#[tokio::test]
async fn a_web_page_at_the_address_is_not_a_region() {
    let stub = HttpStub::start(|_| Reply::text("<html><body>Welcome</body></html>"));
    assert!(locate(stub.url()).await.is_err());
}

#[tokio::test]
async fn an_endless_answer_is_not_read_to_its_end() {
    // Every provider's path answers without end (as GCP, header included): no region, and at
    // once, where reading whole would take the timeout and the memory of all that was sent.
    let stub = HttpStub::start(|_| {
        let mut reply = Reply::endless(200, "europe-west9-a");
        reply
            .headers
            .push(("Metadata-Flavor".into(), "Google".into()));
        reply
    });
    let prober = MetadataLocator::new(stub.url(), Duration::from_secs(5)).unwrap();
    let started = Instant::now();
    let err = prober.locate().await.unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2500), "{took:?}");
    assert!(matches!(err, LocateError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn nothing_listening_is_unavailable_at_once() {
    let url = dead_url();
    let prober = prober(&url);
    let started = Instant::now();
    let err = prober.locate().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
    match err {
        LocateError::Unavailable(message) => {
            assert!(
                message.starts_with(&format!("no cloud metadata service answered at {url}")),
                "{message}"
            );
            assert!(message.contains("cloud_region"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_service_is_given_up_after_the_timeout() {
    let stub = HttpStub::start(|req| aws_v2(req).after(Duration::from_secs(2)));
    let prober = prober(stub.url());
    let started = Instant::now();
    let err = prober.locate().await.unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(250), "{took:?}");
    assert!(took < Duration::from_millis(450), "{took:?}");
    assert!(matches!(err, LocateError::Unavailable(_)));
    // The three providers were asked at once, not one after the other.
    let paths: Vec<String> = stub.requests().into_iter().map(|r| r.path).collect();
    assert!(paths.iter().any(|p| p == "/latest/api/token"), "{paths:?}");
    assert!(
        paths
            .iter()
            .any(|p| p == "/metadata/instance/compute/location"),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p == "/computeMetadata/v1/instance/zone"),
        "{paths:?}"
    );
}

#[tokio::test]
async fn a_quick_answer_wins_over_slow_ones() {
    // GCP answers at once; the other two paths hang: the answer comes without waiting for them.
    let gcp = gcp_zone();
    let stub = HttpStub::start(move |req| {
        if req.path == "/computeMetadata/v1/instance/zone" {
            gcp(req)
        } else {
            Reply::status(404).after(Duration::from_secs(2))
        }
    });
    let prober = prober(stub.url());
    let started = Instant::now();
    let location = prober.locate().await.unwrap();
    assert_eq!(location.cloud_region.as_deref(), Some("europe-west9"));
    assert!(
        started.elapsed() < Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
}
