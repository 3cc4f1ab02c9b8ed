//! What the guide warns about: a test (or program) that depends on this crate but never refers
//! to it does not link it, so `inventory` never sees its plugins. `tests/library.rs` refers to
//! the crate and finds them; this file does not, and finds none.

#[test]
fn an_unreferenced_plugin_crate_registers_nothing() {
    let names: Vec<&str> = codecarbon::core::registry::plugins()
        .iter()
        .map(|p| p.name)
        .collect();
    assert!(names.contains(&"tdp"), "the facade's plugins: {names:?}");
    // Not `codecarbon_example_plugin::PLUGINS`: naming the crate would link it.
    for ours in ["example-board", "example-log"] {
        assert!(!names.contains(&ours), "{ours} registered: {names:?}");
    }
}
