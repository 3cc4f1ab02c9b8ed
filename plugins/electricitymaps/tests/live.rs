#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The provider against a local stand-in for the Electricity Maps API.

use codecarbon_core::{
    GramsPerKwh, Intensity, IntensityBasis, IntensityError, IntensityProvider, Location,
};
use codecarbon_electricitymaps::{ElectricityMaps, ManualClock};
use codecarbon_testkit::{dead_url, HttpStub, Recorded, Reply};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

const TOKEN: &str = "em-T0KEN-very-secret";
const PATH: &str = "/v3/carbon-intensity/latest";
const FR_ANSWER: &str = r#"{"zone":"FR","carbonIntensity":123,"datetime":"2026-11-29T10:00:00.000Z","updatedAt":"2026-11-29T09:51:00.000Z","emissionFactorType":"lifecycle","isEstimated":false}"#;

fn provider(base: &str, zone: Option<&str>) -> (ElectricityMaps, ManualClock) {
    let clock = ManualClock::new();
    let p = ElectricityMaps::new(&format!("{base}/v3"), TOKEN, zone.map(String::from))
        .unwrap()
        .with_clock(Arc::new(clock.clone()));
    (p, clock)
}

fn france() -> Location {
    Location::default().with_country_iso_code("FRA")
}

async fn ask(p: &ElectricityMaps, at: &Location) -> Result<Option<Intensity>, IntensityError> {
    p.intensity(at, SystemTime::now()).await
}

fn assert_no_token(text: &str) {
    assert!(!text.contains(TOKEN), "the token leaked: {text}");
}

fn assert_token_only_in_header(req: &Recorded) {
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, PATH);
    assert_eq!(req.header("auth-token"), Some(TOKEN));
    assert_no_token(&req.query);
    assert_no_token(&req.path);
}

/// A stub answering `status` (a shared switch) with `body` on 200.
fn switchable(status: Arc<AtomicU16>, body: &'static str) -> HttpStub {
    HttpStub::start(move |_| match status.load(Ordering::SeqCst) {
        200 => Reply::json(body),
        s => Reply::json(format!(r#"{{"error":"boom","echo":"{TOKEN}"}}"#)).with_status(s),
    })
}

#[tokio::test]
async fn live_value_for_an_explicit_zone() {
    let stub = HttpStub::start(|_| Reply::json(FR_ANSWER));
    let (p, _) = provider(stub.url(), Some("FR"));
    let got = ask(&p, &Location::default()).await.unwrap().unwrap();
    assert_eq!(
        got,
        Intensity::new(
            GramsPerKwh(123.0),
            "Electricity Maps (zone FR)",
            IntensityBasis::Live
        )
        .with_year(2026)
    );
    let reqs = stub.requests();
    assert_eq!(reqs.len(), 1);
    assert_token_only_in_header(&reqs[0]);
    assert_eq!(reqs[0].query, "zone=FR");
}

#[tokio::test]
async fn explicit_zone_beats_coordinates_which_beat_the_country() {
    let stub = HttpStub::start(|_| Reply::json(r#"{"zone":"X","carbonIntensity":10}"#));
    let paris = france().with_coordinates(2.35, 48.85);
    let (zoned, _) = provider(stub.url(), Some("US-CAL-CISO"));
    ask(&zoned, &paris).await.unwrap().unwrap();
    let (plain, _) = provider(stub.url(), None);
    ask(&plain, &paris).await.unwrap().unwrap();
    ask(&plain, &france()).await.unwrap().unwrap();
    let queries: Vec<String> = stub
        .requests_to(PATH)
        .into_iter()
        .map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        ["zone=US-CAL-CISO", "lat=48.85&lon=2.35", "zone=FR"]
    );
    for req in stub.requests() {
        assert_token_only_in_header(&req);
    }
}

#[tokio::test]
async fn nothing_to_ask_about_makes_no_request() {
    let stub = HttpStub::start(|_| Reply::json(FR_ANSWER));
    let (p, _) = provider(stub.url(), None);
    assert_eq!(ask(&p, &Location::default()).await.unwrap(), None);
    let unknown = Location::default().with_country_iso_code("ZZZ");
    assert_eq!(ask(&p, &unknown).await.unwrap(), None);
    assert!(stub.requests().is_empty());
}

#[tokio::test]
async fn answers_are_cached_for_sixty_seconds() {
    let stub = HttpStub::start(|_| Reply::json(FR_ANSWER));
    let (p, clock) = provider(stub.url(), None);
    let first = ask(&p, &france()).await.unwrap();
    clock.advance(Duration::from_secs(59));
    let second = ask(&p, &france()).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(
        stub.requests().len(),
        1,
        "a second call within 60 s is served from the cache"
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(ask(&p, &france()).await.unwrap(), first);
    assert_eq!(
        stub.requests().len(),
        2,
        "after 60 s a new value is fetched"
    );
    // Another place is another query, not served from France's entry.
    let germany = Location::default().with_country_iso_code("DEU");
    ask(&p, &germany).await.unwrap();
    assert_eq!(stub.requests().len(), 3);
    assert_eq!(stub.requests().last().unwrap().query, "zone=DE");
}

#[tokio::test]
async fn server_error_then_exponential_backoff_then_recovery() {
    let status = Arc::new(AtomicU16::new(500));
    let stub = switchable(status.clone(), FR_ANSWER);
    let (p, clock) = provider(stub.url(), Some("FR"));

    let err = ask(&p, &france()).await.unwrap_err();
    let IntensityError::Unavailable(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("500"), "{message}");
    assert!(message.contains("boom"), "the body is quoted: {message}");
    assert_no_token(&format!("{err} {err:?}"));
    assert_eq!(stub.requests().len(), 1);

    // First back-off: 5 s, with Ok(None) and no request meanwhile.
    clock.advance(Duration::from_secs(4));
    assert_eq!(ask(&p, &france()).await.unwrap(), None);
    assert_eq!(stub.requests().len(), 1);
    clock.advance(Duration::from_secs(1));
    assert!(ask(&p, &france()).await.is_err());
    assert_eq!(stub.requests().len(), 2);

    // Second back-off: 10 s.
    clock.advance(Duration::from_secs(9));
    assert_eq!(ask(&p, &france()).await.unwrap(), None);
    assert_eq!(stub.requests().len(), 2);
    status.store(200, Ordering::SeqCst);
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        ask(&p, &france()).await.unwrap().unwrap().value,
        GramsPerKwh(123.0)
    );
    assert_eq!(stub.requests().len(), 3);

    // A success resets the back-off: the next failure waits 5 s again.
    status.store(503, Ordering::SeqCst);
    clock.advance(Duration::from_secs(60));
    assert!(ask(&p, &france()).await.is_err());
    clock.advance(Duration::from_secs(5));
    assert!(ask(&p, &france()).await.is_err());
    assert_eq!(stub.requests().len(), 5);
}

#[tokio::test]
async fn rejected_token_is_invalid_and_never_quoted() {
    let stub = HttpStub::start(|_| {
        Reply::json(format!(r#"{{"error":"bad token {TOKEN}"}}"#)).with_status(401)
    });
    let (p, clock) = provider(stub.url(), Some("FR"));
    let err = ask(&p, &france()).await.unwrap_err();
    let IntensityError::Invalid(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("rejected"), "{message}");
    assert!(message.contains("electricitymaps_api_token"), "{message}");
    assert_no_token(&format!("{err} {err:?}"));
    // The rejected token is not tried again at once.
    clock.advance(Duration::from_secs(1));
    assert_eq!(ask(&p, &france()).await.unwrap(), None);
    assert_eq!(stub.requests().len(), 1);
}

#[tokio::test]
async fn forbidden_is_invalid_too() {
    let stub = HttpStub::start(|_| Reply::status(403));
    let (p, _) = provider(stub.url(), Some("FR"));
    assert!(matches!(
        ask(&p, &france()).await,
        Err(IntensityError::Invalid(_))
    ));
}

#[tokio::test]
async fn a_token_echoed_in_an_error_body_is_hidden() {
    let status = Arc::new(AtomicU16::new(502));
    let stub = switchable(status, FR_ANSWER);
    let (p, _) = provider(stub.url(), Some("FR"));
    let err = ask(&p, &france()).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(shown.contains("<hidden>"), "{shown}");
    assert_no_token(&shown);
}

#[tokio::test]
async fn dead_service_is_unavailable_quickly() {
    let (p, _) = provider(&dead_url(), Some("FR"));
    let start = Instant::now();
    let err = ask(&p, &france()).await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    let IntensityError::Unavailable(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("could not reach Electricity Maps"),
        "{message}"
    );
    assert_no_token(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn slow_service_times_out() {
    let stub = HttpStub::start(|_| Reply::json(FR_ANSWER).after(Duration::from_secs(6)));
    let (p, _) = provider(stub.url(), Some("FR"));
    let start = Instant::now();
    let err = ask(&p, &france()).await.unwrap_err();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(2900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let IntensityError::Unavailable(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("timed out"), "{message}");
}

#[tokio::test]
async fn garbage_json_is_unavailable() {
    let stub = HttpStub::start(|_| Reply::text("<html>maintenance</html>"));
    let (p, _) = provider(stub.url(), Some("FR"));
    let err = ask(&p, &france()).await.unwrap_err();
    let IntensityError::Unavailable(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("not a carbon-intensity answer"),
        "{message}"
    );
    assert_no_token(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn an_endless_answer_is_read_only_so_far() {
    // A service answering without end, with an error or with a 200: only the start is read,
    // and the error comes at once (read whole, it would take the request's timeout and the
    // memory of all it sent).
    for (status, expected) in [
        (502, r"HTTP 502 Bad Gateway for zone FR at http"),
        (200, "(the answer is larger than 262144 bytes"),
    ] {
        let stub = HttpStub::start(move |_| Reply::endless(status, "overloaded \x1b[2J "));
        let (p, _) = provider(stub.url(), Some("FR"));
        let start = Instant::now();
        let err = ask(&p, &france()).await.unwrap_err();
        let took = start.elapsed();
        assert!(
            took < codecarbon_electricitymaps::REQUEST_TIMEOUT / 2,
            "{took:?}"
        );
        let IntensityError::Unavailable(message) = &err else {
            panic!("{err:?}")
        };
        assert!(message.contains(expected), "{message}");
        assert!(message.len() < 1000, "the quote is bounded: {message}");
        if status == 502 {
            assert!(
                message.contains(r"overloaded \x1b[2J overloaded"),
                "{message}"
            );
        }
    }
}

#[tokio::test]
async fn null_intensity_is_none_and_cached() {
    let stub = HttpStub::start(|_| Reply::json(r#"{"zone":"FR","carbonIntensity":null}"#));
    let (p, _) = provider(stub.url(), Some("FR"));
    assert_eq!(ask(&p, &france()).await.unwrap(), None);
    assert_eq!(ask(&p, &france()).await.unwrap(), None);
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn debug_hides_the_token_and_the_url_password() {
    let p = ElectricityMaps::new("http://user:pa55word@127.0.0.1:9/v3", TOKEN, None).unwrap();
    let shown = format!("{p:?}");
    assert_no_token(&shown);
    assert!(!shown.contains("pa55word"), "{shown}");
    assert!(shown.contains("<hidden>"), "{shown}");
    assert!(
        shown.contains("\"http://127.0.0.1:9/v3/carbon-intensity/latest\""),
        "{shown}"
    );
    assert_eq!(
        p.endpoint(),
        "http://127.0.0.1:9/v3/carbon-intensity/latest"
    );
}

#[test]
fn construction_errors_never_quote_the_token() {
    let e = ElectricityMaps::new("not a url", TOKEN, None).unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("electricitymaps_url"), "{shown}");
    assert_no_token(&shown);
    let e = ElectricityMaps::new("http://127.0.0.1:9", "  ", None).unwrap_err();
    assert!(e.to_string().contains("electricitymaps_api_token"), "{e}");
}

/// A redirect to another host is not followed: reqwest would carry `auth-token` there. The
/// error names the target, without its password or query.
#[tokio::test]
async fn a_redirect_is_not_followed_and_the_token_stays_home() {
    let other = HttpStub::start(|_| Reply::json(FR_ANSWER));
    let target = other.url().replace("http://", "http://me:pw-9911@");
    let first = HttpStub::start(move |req: &Recorded| {
        let mut r = Reply::status(307);
        r.headers.push((
            "Location".into(),
            format!("{target}{}?{}", req.path, req.query),
        ));
        r
    });
    let (p, _) = provider(first.url(), Some("FR"));
    let err = ask(&p, &Location::default()).await.unwrap_err();
    assert!(other.requests().is_empty(), "the redirect was followed");
    assert_eq!(first.requests().len(), 1);
    let text = err.to_string();
    assert!(matches!(err, IntensityError::Unavailable(_)), "{err:?}");
    assert!(text.contains("307"), "{text}");
    let host = other.url().trim_start_matches("http://");
    assert!(text.contains(host), "the target is not named: {text}");
    assert!(
        !text.contains("pw-9911"),
        "the target's password leaked: {text}"
    );
    assert!(
        !text.contains("zone=FR"),
        "the target's query is quoted: {text}"
    );
    assert_no_token(&text);
}
