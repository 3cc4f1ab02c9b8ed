//! `json_to_stderr` installs once. (Its own test binary: it sets the global subscriber.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn it_installs_once_and_then_says_why_not() {
    codecarbon_logger::json_to_stderr().unwrap();
    let err = codecarbon_logger::json_to_stderr().unwrap_err().to_string();
    assert!(err.contains("only one tracing subscriber"), "{err}");
}
