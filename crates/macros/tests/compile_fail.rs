//! Compile errors of `#[track_emissions]`: each case in `tests/ui/` must fail with the message
//! in its `.stderr` file. Regenerate them with `TRYBUILD=overwrite cargo test -p
//! codecarbon-macros --test compile_fail`, then read them.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
